"""What every request of the API is held to before its operation runs (registered on
:data:`liaison_web.api.api`):

- **a body is JSON** — every operation taking a body reads it only when sent as
  ``Content-Type: application/json`` (or a ``+json`` type): another type is 415 in the one error
  shape, before anything is read into the operation (:class:`JsonOnly`). A form a page of another
  site posts (``text/plain``, ``application/x-www-form-urlencoded``, ``multipart/form-data``: what a
  browser sends across sites without asking) is never taken for a request of the API; a script of
  another site sending JSON must ask the browser first (CORS), which this service never allows.
  Evidence files are the one upload (``multipart/form-data``, :mod:`liaison_web.api_records`);
- **a body within what the service reads** — Django's refusals of a body larger than
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or with too many fields or files are 413 in the one error shape
  (:func:`liaison_web.errors.refusal`), no traceback logged.

The login (``POST /api/v1/login``) also refuses a request a browser says came from another site
(``Origin`` or ``Referer``: :func:`liaison_web.callers.foreign_origin`): 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from ninja.parser import Parser

from liaison_web.api import api
from liaison_web.errors import UnsupportedMediaType, error_response, refusal

__all__ = ["JsonOnly", "json_type", "not_json"]


def json_type(content_type: str) -> bool:
    """``application/json``, or a type of JSON (``application/merge-patch+json``), parameters aside."""
    kind = content_type.partition(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def not_json(given: str) -> UnsupportedMediaType:
    shown = given.partition(";")[0].strip()[:100] or "none"
    return UnsupportedMediaType(f"the body is sent as {shown}: this operation reads JSON; nothing was done",
                                fix="send the body as JSON with Content-Type: application/json",
                                message_zh=f"请求体的类型为 {shown}：该操作只读取 JSON；未作任何处理",
                                fix_zh="请以 JSON 发送请求体，并附 Content-Type: application/json")


class JsonOnly(Parser):
    """django-ninja's parser of a body, which reads only JSON (see the module docstring). django-ninja
    asks it only for an operation taking a body, and only when a body was sent; what it raises comes
    to the API's handler of an unreadable body (400) as its cause, which answers the cause."""

    def parse_body(self, request: HttpRequest) -> Any:
        given = str(request.META.get("CONTENT_TYPE", ""))
        if not json_type(given):
            raise not_json(given)
        return super().parse_body(request)


api.parser = JsonOnly()


@api.exception_handler(RequestDataTooBig)
@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def _too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    error, status = refusal(exc)
    return error_response(request, error, status)
