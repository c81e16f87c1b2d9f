"""The WSGI application ``liaison serve`` serves: Django's, with a shorter way through its middleware
for what most of the API's traffic is — an integration's read with its bearer token.

Every request went through the whole middleware list of the pages: the session, the login's
user, CSRF, the pages' messages, django-axes' lockout, the idle session's clock. An API read
with a bearer token and no session cookie uses none of them — it reads no session, shows no
message, changes nothing CSRF guards, logs no one in — yet they cost it about 70 µs of the 0.36 ms
the service spends on it (a fifth: ``bench_api_cpu.py``), and two of them leave a cycle behind
(the messages' storage and the login's lazy user both hold the request) that only Python's cyclic
collector frees: some sixty objects a request, which under load live long enough to reach its
oldest generation and lengthen its full passes, during which no request of the process moves.

So a ``GET`` or ``HEAD`` under ``/api/`` carrying ``Authorization: Bearer …`` and no session
cookie goes through :data:`BEARER_READS`: the settings' middleware without :data:`SKIPPED` (the
security headers, the API's error shape, the upload limit and the clickjacking header kept, in
their order), its user the anonymous one until its token says otherwise — so a token the service
does not know is answered 401 as before. Anything else (a change, a login, a browser's request
with its session) takes the whole list, as does every request in Django's test client — and the
API's docs page (:data:`WHOLE_WAY`): a page for a browser, which embeds a CSRF token and sets its
cookie, which the shorter way (no CSRF middleware) would not; every API read answers the same either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

__all__ = ["SKIPPED", "WHOLE_WAY", "Application", "BearerReads", "application", "bearer_read"]

#: What a bearer token's read does not go through (see the module's docstring).
SKIPPED = frozenset({
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "liaison_web.middleware.SessionIdle",
    "liaison_web.pages.middleware.LoginRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
})


#: Under /api/ but no API read: the docs page (a browser's: its CSRF token and cookie), the whole way.
WHOLE_WAY = ("/api/v1/docs",)


def bearer_read(environ: dict[str, Any], session_cookie: str) -> bool:
    """Whether a request is an API read with a bearer token and without a session cookie (named
    ``session_cookie``; any cookie of that name, even one that parses otherwise, takes the whole way);
    the docs page (:data:`WHOLE_WAY`) is none."""
    path = environ.get("PATH_INFO", "")
    return (environ.get("REQUEST_METHOD") in ("GET", "HEAD") and path.startswith("/api/")
            and environ.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "
            and f"{session_cookie}=" not in environ.get("HTTP_COOKIE", "")
            and not path.startswith(WHOLE_WAY))


class _Anonymous:
    """The first of :class:`BearerReads`' middleware: the request's user is the anonymous one (what
    the login's middleware gives a request without a session) until the token's check names its own;
    the answer says it varies by ``Cookie`` as the whole way's does (the session's middleware says so
    once the user was looked for: a cache must not hand a session's answer to another caller)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        return response


class BearerReads(WSGIHandler):
    """Django's WSGI handler with the settings' middleware less :data:`SKIPPED`."""

    def __init__(self, middleware: Iterable[str]) -> None:
        self.middleware = [m for m in middleware if m not in SKIPPED]
        super().__init__()

    def load_middleware(self, is_async: bool = False) -> None:
        """As Django's (its synchronous case: every middleware here is synchronous), from
        :attr:`middleware` rather than the settings' list."""
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        handler: Any = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        factories: list[Any] = [import_string(path) for path in reversed(self.middleware)]
        for factory in [*factories, _Anonymous]:
            made = factory(handler)
            if hasattr(made, "process_view"):
                self._view_middleware.insert(0, made.process_view)
            if hasattr(made, "process_template_response"):
                self._template_response_middleware.append(made.process_template_response)
            if hasattr(made, "process_exception"):
                self._exception_middleware.append(made.process_exception)
            handler = convert_exception_to_response(made)
        self._middleware_chain = handler


class Application:
    """The service's WSGI application: a bearer token's API read by :class:`BearerReads`, anything
    else by Django's handler with the whole middleware."""

    def __init__(self) -> None:
        from django.conf import settings

        self.whole = WSGIHandler()
        self.reads = BearerReads(settings.MIDDLEWARE)
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if bearer_read(environ, self.session_cookie):
            return self.reads(environ, start_response)
        return self.whole(environ, start_response)


def application() -> Application:
    """The application ``liaison serve`` serves (Django set up first, as ``get_wsgi_application`` does)."""
    import django

    django.setup(set_prefix=False)
    return Application()
