"""The service's errors and how an answer carries one: the library's one error document with its
HTTP status, ``rendered`` in the caller's language (``Accept-Language``) and ``Content-Language``.
Shared by the API (:mod:`liaison_web.api`) and the login lockout (:mod:`liaison_web.lockout`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from liaison.base.errors import LiaisonError, error_document
from liaison.formats.documents import to_json
from liaison.law.district import District
from liaison_web.callers import CONTENT_LANGUAGE, language

__all__ = [
    "Forbidden",
    "InvalidRequest",
    "LockedOut",
    "NotAllowed",
    "NotAuthenticated",
    "NotAvailable",
    "NotFound",
    "PreconditionRequired",
    "StaleRecord",
    "error_response",
    "json_response",
    "no_district",
    "no_plan",
    "text_response",
]


class NotFound(LiaisonError):
    """What the request names does not exist, or is not the caller's to see."""


def no_district(code: str) -> NotFound:
    """The error of a district the deployment does not have (or the caller may not see)."""
    return NotFound(f"there is no district {code!r}", fix="list the districts at /api/v1/districts",
                    message_zh=f"没有区 {code!r}", fix_zh="请在 /api/v1/districts 查看各区")


def no_plan(district: District, year: int) -> NotFound:
    """The error of a year the database does not hold a plan of."""
    from liaison_web.store import DatabaseStore

    return NotFound(f"the {year} of {district.info.id} has no plan yet", file=DatabaseStore().place(district, year),
                    fix="plan it (liaison serve plans the current and the next year) or import it: "
                        "liaison web import-year --from out/<year>",
                    message_zh=f"{district.info.id} 的{year}年尚无计划",
                    fix_zh="请先编排（liaison serve 会编排当年和下一年）或导入："
                           "liaison web import-year --from out/<年份>")


class NotAuthenticated(LiaisonError):
    """No login and no valid token."""


class InvalidRequest(LiaisonError):
    """A request whose parameters or body do not have the operation's shape (422)."""


class Forbidden(LiaisonError):
    """A valid login or token that may not do this (a token without the scope, another body's object)."""


class PreconditionRequired(LiaisonError):
    """A change sent without ``If-Match``: the service does not guess which state it was made on."""


class NotAllowed(LiaisonError):
    """A method the address does not have (405)."""


class NotAvailable(LiaisonError):
    """What the service cannot do as installed: an exporter it does not have (501)."""


class StaleRecord(LiaisonError):
    """A correction or withdrawal made on a version that is no longer the record's latest (412)."""


class LockedOut(LiaisonError):
    """Too many failed logins: the user (or the address) is locked out for a while."""

    #: seconds until a login may be tried again (``Retry-After``), when known
    retry_after: int | None = None


def json_response(body: Any, status: int = 200, etag: str | None = None) -> HttpResponse:
    return text_response(to_json(body), status, etag)


def text_response(text: str | bytes, status: int = 200, etag: str | None = None) -> HttpResponse:
    """JSON already written: text, or its UTF-8 bytes (an answer kept encoded is sent as it is kept)."""
    response = HttpResponse(text, status=status, content_type="application/json; charset=utf-8")
    if etag is not None:
        response["ETag"] = f'"{etag}"'
    return response


def error_response(request: HttpRequest | None, error: LiaisonError, status: int, **more: Any) -> HttpResponse:
    """The error document with its status, and the line in the caller's language (``rendered``);
    a 401 says how to authenticate (``WWW-Authenticate``, as HTTP asks of every 401), an error that
    knows when to try again says so (``Retry-After``: a locked-out login)."""
    lang = language(request)
    response = json_response({**error_document(error), "rendered": error.render(lang), **more}, status)
    response["Content-Language"] = CONTENT_LANGUAGE[lang]
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="liaison"'
    seconds = getattr(error, "retry_after", None)
    if seconds is not None:
        response["Retry-After"] = str(int(seconds))
    return response
