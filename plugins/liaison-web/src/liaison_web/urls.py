"""The service's addresses: the API (``/api/v1/``), Django's admin (``/admin/``: the login, users,
memberships, tokens) and the static files of both, served by the service itself so the docs page and
the admin need nothing from outside (waitress serves them; behind a reverse proxy they may be
served by it from ``collectstatic``'s folder instead)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.staticfiles.views import serve
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import include, path, re_path
from django.views import defaults

from liaison_web import admin as _admin  # noqa: F401 - registers the service's tables with the admin
from liaison_web import feeds
from liaison_web.routes import api


def _static(request: HttpRequest, path: str) -> HttpResponseBase:
    return serve(request, path, insecure=True)  # the finders' files, also with DEBUG off


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Under /api/ an unknown address is the API's error document too; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        from liaison_web.api import not_found

        return not_found(request, exception)
    return defaults.page_not_found(request, exception)


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    """What Django refuses before a view runs — a ``Host`` the service does not answer to, a body larger
    than it reads (413), too many fields — in the service's words (:func:`liaison_web.errors.refusal`):
    under /api/ the error document, elsewhere the pages' bilingual page. (The log has one line of it,
    no traceback: :mod:`liaison_web.apps`.)"""
    from liaison_web.errors import error_response, refusal

    error, status = refusal(exception)
    if request.path.startswith("/api/"):
        return error_response(request, error, status)
    from liaison_web.pages.views import _error_page

    return _error_page(request, error, status)


urlpatterns = [
    # the API first: Django tries the patterns in order and no page's address starts with api/ (a due
    # list's read tried 35 patterns, the pages' first, now 10: an eighth of its Python calls fewer)
    path("api/v1/", api.urls),
    path("", include("liaison_web.pages.urls")),  # the pages (#26): the login, my year, an engagement
    path("admin/", admin.site.urls),
    path("feeds/<str:token>.ics", feeds.serve),
    re_path(r"^static/(?P<path>.*)$", _static),
]
