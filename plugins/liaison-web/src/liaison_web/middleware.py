"""What reaches a caller of the API without passing the API's own handlers is put in the one error
shape here: a method an address does not have (django-ninja answers 405 with a line of text). Every
answer of the API says it varies by ``Accept-Language`` (an error's ``rendered`` line does), every
JSON answer says its language (``Content-Language``: an error's the asked one, any other's both,
:data:`liaison_web.callers.BOTH_LANGUAGES`) — on the bearer token's short way and the whole way
alike, both going through here (:mod:`liaison_web.handler`) —, and a ``HEAD`` of a read is answered
as its ``GET`` without the body (RFC 9110 9.3.2)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from liaison_web.callers import BOTH_LANGUAGES, JSON_TYPES
from liaison_web.errors import NotAllowed, error_response

__all__ = ["ApiErrors", "SessionIdle", "UploadLimit"]


class ApiErrors:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        head = request.method == "HEAD"
        if head:  # django-ninja routes GET only: the read, its headers, no body
            request.method = "GET"
        answered = self.get_response(request)
        if head:
            request.method = "HEAD"
        response = self._shaped(request, answered)
        patch_vary_headers(response, ("Accept-Language",))
        if "Content-Language" not in response and response.get("Content-Type", "").split(";")[0] in JSON_TYPES:
            response["Content-Language"] = BOTH_LANGUAGES  # an error's says the language of its rendered line

        if head:
            if response.streaming:
                close = getattr(response, "close", None)
                if close is not None:
                    close()
                response.streaming_content = []  # type: ignore[attr-defined]
            else:
                length = len(response.content)
                response.content = b""
                if response.status_code != 304:
                    response["Content-Length"] = str(length)
        return response

    @staticmethod
    def _shaped(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if (response.status_code == 405 and request.path.startswith("/api/")
                and not response.get("Content-Type", "").startswith("application/json")):
            allowed = response.get("Allow", "")
            shaped = error_response(request, NotAllowed(
                f"{request.method} is not an operation of this address (it has: {allowed or 'none'})",
                fix="check the method against /api/v1/docs", message_zh=f"该地址不支持 {request.method}"
                f"（支持：{allowed or '无'}）", fix_zh="请对照 /api/v1/docs 核对请求方法"), 405)
            if allowed:
                shaped["Allow"] = allowed
            return shaped
        return response


class UploadLimit:
    """An upload whose ``Content-Length`` says it is larger than the service takes is refused before
    its body is read: the API's in its one error shape, a page's on the pages' own bilingual page (413).
    One without a length is counted as it is stored (:func:`liaison_web.evidence.store`). A request of
    any method beyond the most the server reads, with or without a length, comes without its body,
    marked (:data:`liaison_web.oversize.REFUSED`), and is refused alike."""

    #: what a multipart body adds to the file (boundaries, the form's other fields)
    OVERHEAD = 64 * 1024
    #: the pages whose form sends several files (each up to the limit): the service's whole body
    #: (:func:`liaison_web.evidence.max_body_bytes`), not one file's, is theirs
    SEVERAL = frozenset({"held", "record"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from liaison_web import evidence
        from liaison_web.oversize import REFUSED

        if REFUSED in request.META:  # beyond what the server reads: its body is not here to look at
            return self._refuse(request, request.META[REFUSED])
        if request.method != "POST":
            return self.get_response(request)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.path.startswith("/api/"):
            if request.path.endswith("/evidence") and length > evidence.max_bytes() + self.OVERHEAD:
                return self._refuse(request, length)
        elif request.content_type == "multipart/form-data" and length > self._page_limit(request):
            return self._refuse(request, length)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, length: int | None) -> HttpResponse:
        """413: the API's in its one error shape, a page's on the pages' own page, in the caller's language."""
        from liaison_web import evidence

        if request.path.startswith("/api/"):
            return error_response(request, evidence.too_large(length), 413)
        from liaison_web.pages.views import _error_page

        return _error_page(request, evidence.too_large(length), 413)

    def _page_limit(self, request: HttpRequest) -> int:
        from django.urls import Resolver404, resolve

        from liaison_web import evidence

        try:
            several = resolve(request.path_info).url_name in self.SEVERAL
        except Resolver404:
            several = False
        return evidence.max_body_bytes() if several else evidence.max_bytes() + self.OVERHEAD


class SessionIdle:
    """A login session ends ``SESSION_COOKIE_AGE`` after its last request, not after its first: each
    request of a logged-in session brings the end forward — at most once a minute (a write of the
    session), not on every request as ``SESSION_SAVE_EVERY_REQUEST`` would. A request without a
    session cookie (a token's) touches no session."""

    EVERY = 60
    KEY = "_liaison_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from django.conf import settings

        session = getattr(request, "session", None)
        if session is not None and settings.SESSION_COOKIE_NAME in request.COOKIES:
            now = int(time.time())
            seen = session.get(self.KEY)
            if getattr(request.user, "is_authenticated", False) and (
                    not isinstance(seen, int) or now - seen >= self.EVERY):
                session[self.KEY] = now  # modified: saved, and the cookie's expiry sent again
        return self.get_response(request)
