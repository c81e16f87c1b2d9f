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
    "AlreadyRecorded",
    "Forbidden",
    "InvalidRequest",
    "LockedOut",
    "NotAllowed",
    "NotAuthenticated",
    "NotAvailable",
    "NotFound",
    "PreconditionRequired",
    "StaleRecord",
    "UnsupportedMediaType",
    "Withdrawn",
    "error_response",
    "json_response",
    "no_district",
    "no_plan",
    "refusal",
    "retry_after",
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


class UnsupportedMediaType(LiaisonError):
    """A body sent in another type than the operation reads (415): the API's bodies are JSON."""


class AlreadyRecorded(LiaisonError):
    """A record the year holds already, exactly, sent again without ``force``: 409, ``where`` it is
    (the answer's ``Location``)."""

    where: str = ""


class Withdrawn(LiaisonError):
    """A change of something withdrawn (evidence attached to a withdrawn record): 409."""


def refusal(exc: Exception) -> tuple[LiaisonError, int]:
    """What Django refuses before a view runs, in the library's words and with its status: a body
    larger than the service reads or with too many fields or files (413), a ``Host`` the service does
    not answer to (400), any other request Django finds suspicious (400). Nothing of the request is
    echoed but a host's first characters."""
    from django.conf import settings
    from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    from liaison_web.evidence import TooLarge

    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return TooLarge(f"the request's body is larger than the service reads ({limit} bytes); nothing was done",
                        fix="send a smaller body (an evidence file goes to POST …/evidence, up to its own limit)",
                        message_zh=f"请求体超过本服务可读取的大小（{limit} 字节）；未作任何处理",
                        fix_zh="请缩小请求体（佐证材料请用 POST …/evidence 上传，另有大小限制）"), 413
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return TooLarge("the request has more fields or files than the service reads; nothing was done",
                        fix="send fewer fields or files at once",
                        message_zh="请求中的字段或文件数量超过本服务可读取的数量；未作任何处理",
                        fix_zh="请减少一次提交的字段或文件数量"), 413
    if isinstance(exc, DisallowedHost):
        return InvalidRequest("the request names a host this service does not answer to (Host header)",
                              fix="use the service's own address; its administrator adds further names with "
                                  "LIAISON_ALLOWED_HOSTS (docs/service.md)",
                              message_zh="请求所指的主机名不是本服务的地址（Host 请求头）",
                              fix_zh="请使用本服务自己的地址；管理员可用 LIAISON_ALLOWED_HOSTS 增加其他名称"
                                     "（见 docs/service.md）"), 400
    return InvalidRequest("the request cannot be read", fix="check the request",
                          message_zh="无法读取该请求", fix_zh="请检查请求"), 400


def json_response(body: Any, status: int = 200, etag: str | None = None) -> HttpResponse:
    return text_response(to_json(body), status, etag)


def text_response(text: str | bytes, status: int = 200, etag: str | None = None) -> HttpResponse:
    """JSON already written: text, or its UTF-8 bytes (an answer kept encoded is sent as it is kept)."""
    response = HttpResponse(text, status=status, content_type="application/json; charset=utf-8")
    if etag is not None:
        response["ETag"] = f'"{etag}"'
    return response


def error_response(request: HttpRequest | None, error: LiaisonError, status: int, **more: Any) -> HttpResponse:
    """The error document with its status, and the line in the caller's language (``rendered``). A
    place in the service's database (``<database:default>/seed/2027``) is named as the caller knows it
    (``seed/2027``: the district and year of its address). A 401 says how to authenticate
    (``WWW-Authenticate``, as HTTP asks of every 401), an error that knows when to try again says so
    (``Retry-After``, seconds: a locked-out login)."""
    lang = language(request)
    place = error.location.file or ""
    if place.startswith("<database:"):
        error = error.located(file=place.partition(">/")[2])
    response = json_response({**error_document(error), "rendered": error.render(lang), **more}, status)
    response["Content-Language"] = CONTENT_LANGUAGE[lang]
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="liaison"'
    seconds = getattr(error, "retry_after", None)
    if seconds is None and isinstance(error, LockedOut):
        seconds = retry_after()
    if seconds is not None:
        response["Retry-After"] = str(int(seconds))
    return response


def retry_after() -> int:
    """The seconds a locked-out login waits (``LIAISON_LOGIN_LOCKOUT_MINUTES``)."""
    from django.conf import settings

    return int(settings.AXES_COOLOFF_TIME.total_seconds())
