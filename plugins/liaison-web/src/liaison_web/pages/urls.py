"""The pages' addresses (:mod:`liaison_web.pages`), included by :mod:`liaison_web.urls`. An
engagement's id holds slashes (``2027/joint_meeting/construction``): its address ends with it."""

from __future__ import annotations

from django.urls import path

from liaison_web.pages import acknowledge, body, views
from liaison_web.pages.office import urls as office_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("lang/<str:lang>/", views.switch_language, name="language"),
    path("year/<str:district>/<int:year>/", views.year, name="year"),
    # the body's pages (liaison_web.pages.body): before the engagement's, whose id is a path
    path("engagement/<str:district>/<int:year>/<path:engagement>/held/", body.held, name="held"),
    path("engagement/<str:district>/<int:year>/<path:engagement>/move/", body.move, name="move"),
    path("records/<str:district>/<int:year>/", body.records, name="records"),
    path("records/<str:district>/<int:year>/new/<str:kind>/", body.new_record, name="new-record"),
    path("records/<str:district>/<int:year>/<str:kind>/<str:key>/", body.one_record, name="record"),
    path("ledger/<str:district>/<int:year>/", body.ledger, name="ledger"),
    path("acknowledge/<str:district>/<int:year>/", acknowledge.acknowledge, name="acknowledge"),
    path("letters/<str:district>/<int:year>/", body.letters, name="letters"),
    path("engagement/<str:district>/<int:year>/<path:engagement>/", views.engagement, name="engagement"),
    path("provision/<str:district>/<path:provision>/", views.provision, name="provision"),
    *office_urls(),  # the united-front department's pages
]

from liaison_web.pages import city  # noqa: E402 - the city's pages (liaison_web.pages.city)

urlpatterns += [
    path("city/", city.city, name="city"),
    path("city/<str:district>/<int:year>/", city.district, name="city-district"),
]
