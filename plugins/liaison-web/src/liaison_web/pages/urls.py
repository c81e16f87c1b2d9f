"""The pages' addresses (:mod:`liaison_web.pages`), included by :mod:`liaison_web.urls`. An
engagement's id holds slashes (``2027/joint_meeting/construction``): its address ends with it."""

from __future__ import annotations

from django.contrib.auth import views as auth
from django.urls import path

from liaison_web.pages import views
from liaison_web.pages.office import urls as office_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("lang/<str:lang>/", views.switch_language, name="language"),
    path("year/<str:district>/<int:year>/", views.year, name="year"),
    path("engagement/<str:district>/<int:year>/<path:engagement>/", views.engagement, name="engagement"),
    path("provision/<str:district>/<path:provision>/", views.provision, name="provision"),
    *office_urls(),  # the united-front department's pages
]
