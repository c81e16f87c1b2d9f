"""Every page needs a login: a logged-out caller asking for any address — a page, an unknown one —
is sent to the login page (with ``next``), except the API (which answers 401 in its error shape, for
programs), the admin (its own login), the static files, the login itself and the language switch."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

__all__ = ["OPEN", "LoginRequired"]

#: The addresses a logged-out caller may reach.
OPEN = ("/api/", "/admin/", "/static/", "/login/", "/lang/", "/feeds/")  # a feed: its token is the credential


class LoginRequired:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.user.is_authenticated and not request.path.startswith(OPEN):
            response: HttpResponse = redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            return response
        return self.get_response(request)
