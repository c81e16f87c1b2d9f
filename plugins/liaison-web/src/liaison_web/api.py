"""The HTTP API, version 1 (django-ninja), under ``/api/v1/``: the OpenAPI 3.1 document at
``/api/v1/openapi.json``, its docs page at ``/api/v1/docs`` (Swagger UI from the service's own
static files: nothing is loaded from a CDN).

``health``; a district's ``organisations``; an organisation's to-do list (``due``, as of a day:
:mod:`liaison.year.due`); a year's ``plan``; one ``engagement`` with an ETag (the
year's revision: ``If-None-Match`` gives 304); the changes of an engagement — ``confirm``, ``move``,
``cancel``, ``held`` — through the workspace's own update (what ``liaison plan --confirm/--move/
--cancel/--held`` runs), each with ``If-Match`` on the year's revision; the audit log per engagement
and per organisation; ``login``. JSON in the shapes the library writes (``liaison … --format
json``), described by models generated from the library's types (:mod:`liaison_web.schemas`).

Every error is the library's one error document (:func:`~liaison.base.errors.error_document`) with
its HTTP status and, as ``rendered``, the line the command would print in the language
``Accept-Language`` asks for (``zh-CN`` by default, ``en``; ``Content-Language`` says which): 401
without a login or a token, 403 for what the caller may not do (:mod:`liaison_web.access`), 404 for
what does not exist or is another district's, 409 for a change of an agreed, held or cancelled
engagement not asked for with ``force``, 412 for a stale ``If-Match``, 422 for invalid input or a
change the library refuses, 428 for a change without ``If-Match``, 429 for a locked-out login.
Callers log in with a session (``/login/`` or ``POST /api/v1/login``; unsafe methods then need the
CSRF token) or send ``Authorization: Bearer <token>`` (``liaison web token``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth
from pydantic import Field

from liaison.base.errors import (
    DataError,
    LiaisonError,
    PlanningError,
    StorageError,
    UnknownOrganisationError,
)
from liaison.formats.documents import DueDocument, OrgRef, SettingDocument, document
from liaison.year.engagements import ChangeRefused, Engagement
from liaison.year.reconcile import Change
from liaison.year.state import YearState
from liaison.year.store import NoRevision, RevisionConflict
from liaison_web import access, bootstrap, models, schemas, service
from liaison_web.errors import (
    Forbidden,
    InvalidRequest,
    LockedOut,
    NotAuthenticated,
    NotFound,
    PreconditionRequired,
    error_response,
    json_response,
    text_response,
)

__all__ = ["NotFound", "api", "error_response"]


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from liaison_web.tokens import user_of

        found = user_of(token)
        if found is None:
            return None
        request.user, request.scopes, request.token_prefix = found  # type: ignore[attr-defined]
        return found[0]


api = NinjaAPI(title="liaison", version="1", description=__doc__ or "", urls_namespace="api-v1",
               auth=[BearerToken(), django_auth], docs_url="/docs", openapi_url="/openapi.json")

#: What the plan's document adds to the state's types (:func:`liaison.formats.state.plan_document`).
_PLAN_EXTRA = ((YearState, "format", str),
               (Engagement, "local_settings", list[schemas.model_of(SettingDocument)]))  # type: ignore[misc]
PlanModel = schemas.model_of(YearState, name="Plan", extra=_PLAN_EXTRA)
EngagementModel = schemas.model_of(Engagement, extra=_PLAN_EXTRA)
OrgModel = schemas.model_of(OrgRef, name="Organisation")
DueModel = schemas.model_of(DueDocument, name="Due")
Error = schemas.ErrorModel


STATUS: tuple[tuple[type[LiaisonError], int], ...] = (
    (NotAuthenticated, 401), (Forbidden, 403), (NotFound, 404), (NoRevision, 404), (UnknownOrganisationError, 404),
    (ChangeRefused, 409), (RevisionConflict, 412), (StorageError, 503), (DataError, 422), (PlanningError, 422),
    (PreconditionRequired, 428), (LockedOut, 429),
)


@api.exception_handler(LiaisonError)
def _liaison_error(request: HttpRequest, exc: LiaisonError) -> HttpResponse:
    return error_response(request, exc, next((status for kind, status in STATUS if isinstance(exc, kind)), 400))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = error_response(request, NotAuthenticated(
        "log in, or send an API token", fix="log in at /login/, or send 'Authorization: Bearer <token>' "
        "(liaison web token makes one)", message_zh="请先登录，或发送 API 令牌",
        fix_zh="请在 /login/ 登录，或发送 “Authorization: Bearer <令牌>”（用 liaison web token 生成）"), 401)
    response["WWW-Authenticate"] = 'Bearer realm="liaison"'
    return response


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [InvalidRequest(str(e.get("msg", "invalid")), path=tuple(str(k) for k in e.get("loc", ())),
                               fix="check the request against /api/v1/docs",
                               message_zh="取值无效：不符合该操作规定的类型或格式",  # the validator's words are English
                               fix_zh="请对照 /api/v1/docs 核对请求")
                for e in exc.errors]
    first = problems[0] if problems else InvalidRequest("the request is invalid", message_zh="请求无效")
    return error_response(request, InvalidRequest.several(problems) if len(problems) > 1 else first, 422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, NotFound("no such resource", fix="check the address against /api/v1/docs",
                                            message_zh="没有该资源", fix_zh="请对照 /api/v1/docs 核对地址"), 404)


@api.exception_handler(Exception)
def _internal(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A failure the service did not foresee: logged with its traceback for the operator, answered
    in the one shape (nothing of the traceback is sent); what it was doing was not saved."""
    import logging

    logging.getLogger("liaison_web").error("%s %s failed", request.method, request.path, exc_info=exc)
    return error_response(request, LiaisonError(
        f"the service failed on this request ({type(exc).__name__}); nothing was changed",
        fix="try again; if it fails again, tell the administrator (the service's log has the details)",
        message_zh=f"服务处理该请求时出错（{type(exc).__name__}）；未作任何修改",
        fix_zh="请重试；如仍出错，请告知管理员（服务日志中有详细信息）"), 500)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403 and "csrf" in str(exc).lower():  # django-ninja's check of a session's change
        return error_response(request, Forbidden(
            "the CSRF check failed: a change made with a login session needs its CSRF token",
            fix="send the csrftoken cookie's value as the X-CSRFToken header (or use an API token)",
            message_zh="CSRF 校验失败：以登录会话提交修改须附 CSRF 令牌",
            fix_zh="请将 csrftoken Cookie 的值作为 X-CSRFToken 请求头发送（或改用 API 令牌）"), 403)
    return error_response(request, LiaisonError(str(exc), message_zh=f"请求失败（HTTP {exc.status_code}）"),
                          exc.status_code)


# -- who the caller is and what it may do: written once for the API and the pages (liaison_web.service)
_members, _scope, _no_district, _district = service.members, service.scope, service.no_district, service.district
_may, _authorise, _no_plan, _revision = service.may, service.authorise, service.no_plan, service.revision
_rendered, _no_engagement, _today = service.rendered, service.no_engagement, service.today


def _matches(request: HttpRequest, etag: str) -> bool:
    given = request.headers.get("If-None-Match", "")
    return any(tag.strip() in (f'"{etag}"', f'W/"{etag}"', "*") for tag in given.split(",") if tag.strip())


# -- the operations -----------------------------------------------------------------------------------
@api.get("/health", auth=None, response={200: dict[str, Any], 503: Error}, summary="Is the service up",
         tags=["service"])
def health(request: HttpRequest) -> HttpResponse:
    """Up, and the database answering (no login needed: for a load balancer)."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure of the database is "not ready", told in the one shape
        raise StorageError(f"the database does not answer: {type(exc).__name__}", fix="check the database",
                           message_zh="数据库没有响应", fix_zh="请检查数据库") from None
    return json_response({"status": "ok", "database": connection.vendor, "api": "v1"})


class LoginBody(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=4096)


@api.post("/login", auth=None, response={200: dict[str, str], 401: Error, 422: Error, 429: Error},
          tags=["service"])
def login(request: HttpRequest, body: LoginBody) -> HttpResponse:
    """Log in with a user name and password: a session cookie (send the CSRF token with every
    change). Too many failures lock the user name (and the address) out for a while: 429."""
    from django.contrib.auth import authenticate
    from django.contrib.auth import login as start_session

    user = authenticate(request, username=body.username, password=body.password)
    if getattr(request, "axes_locked_out", False):
        from liaison_web.lockout import locked_out_error

        raise locked_out_error()
    if user is None:
        raise NotAuthenticated("the user name or the password is wrong", fix="check both and try again; after "
                               "several failures logging in is locked for a while",
                               message_zh="用户名或密码错误", fix_zh="请核对后重试；多次失败后登录将被暂时锁定")
    start_session(request, user)
    return json_response({"user": user.get_username()})


@api.get("/districts", response={200: list[dict[str, str]], 401: Error, 403: Error}, tags=["districts"])
def districts(request: HttpRequest) -> HttpResponse:
    """The districts the caller may read: id and name."""
    _scope(request, "read")
    members, superuser = _members(request)
    rows = models.District.objects.values_list("code", "name")
    return json_response([{"id": code, "name": name} for code, name in rows
                  if access.sees_district(members, code, superuser=superuser)
                  and bootstrap.district_version(code) is not None])


@api.get("/districts/{district}/organisations", response={200: list[OrgModel], 401: Error, 403: Error,  # type: ignore[valid-type]
                                                          404: Error}, tags=["districts"])
def organisations(request: HttpRequest, district: str) -> HttpResponse:
    """The district's organisations: id, name, English name."""
    found, _ = _district(request, district)
    return json_response([document(OrgRef.of(o)) for o in found.organisations])


@api.get("/districts/{district}/years/{year}/plan",
         response={200: PlanModel, 304: None, 401: Error, 403: Error, 404: Error}, tags=["years"])
def plan(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """The year's plan as ``liaison plan --format json`` writes it; ``ETag``: the year's revision.
    A caller who may read only its own organisation's engagements (a clerk, a liaison officer) gets
    the same document holding only those."""
    found = _district(request, district)
    revision = _revision(found[0], year)
    if _matches(request, revision):
        return _not_modified(revision)
    text, body, engagements = _rendered(district, found[1], year, revision)
    readable = [e for e in engagements.values() if _may(request, "read", district, e) == access.Decision.ALLOWED]
    if len(readable) == len(engagements):
        return text_response(text, etag=revision)
    return json_response({**body, "engagements": readable}, etag=revision)


class EntryModel(Schema):
    """One entry of the audit log."""

    id: int
    at: dt.datetime
    actor: str
    remote_address: str
    district: str | None
    action: str
    object_type: str
    object_id: str
    before: Any = None
    after: Any = None


def _entry(row: models.AuditEntry, code: str | None) -> dict[str, Any]:
    return {"id": row.pk, "at": row.at.isoformat(), "actor": row.actor, "remote_address": row.remote_address,
            "district": code, "action": row.action, "object_type": row.object_type, "object_id": row.object_id,
            "before": row.before, "after": row.after}


@api.get("/districts/{district}/organisations/{organisation}/audit",
         response={200: list[EntryModel], 401: Error, 403: Error, 404: Error}, tags=["audit"])
def organisation_audit(request: HttpRequest, district: str, organisation: str) -> HttpResponse:
    """The audit log of one organisation's engagements (those it hosts or attends), oldest first;
    of those, the ones the caller may read the audit of."""
    found, _ = _district(request, district, "audit")
    organisation = found.organisation(organisation).id  # an unknown one is 404 in the library's words
    _authorise(request, "audit", district, {"id": organisation, "host": organisation,
                                            "participants": [organisation]})
    shown = []
    for row in models.AuditEntry.objects.filter(district__code=district, object_type="engagement"):
        seen = [e for e in (row.before, row.after) if isinstance(e, dict)]
        if any(e.get("host") == organisation or organisation in e.get("participants", ()) for e in seen) and all(
                _may(request, "audit", district, e) == access.Decision.ALLOWED for e in seen):
            shown.append(_entry(row, district))
    return json_response(shown)


@api.get("/districts/{district}/organisations/{organisation}/due",
         response={200: DueModel, 401: Error, 403: Error, 404: Error, 422: Error}, tags=["years"])
def due(request: HttpRequest, district: str, organisation: str, as_of: dt.date | None = None) -> HttpResponse:
    """One organisation's to-do list as of a day (``as_of``; default today in the district's time
    zone), as ``liaison due --format json`` writes it: dates to agree, records missing after a
    planned day, research awaiting feedback and obligations not yet met, each citing its provision
    and its text in force that day (:func:`liaison.year.due.due_list`). Read access as for the
    organisation's engagements: a clerk or a liaison officer its own organisation's list, the
    district's administrator or auditor any organisation's. The records counted are the year's
    engagements marked held (the service keeps no other records yet)."""
    found, _ = _district(request, district)
    organisation = found.organisation(organisation).id  # an unknown one is 404 in the library's words
    _authorise(request, "read", district, {"id": organisation, "host": organisation,
                                           "participants": [organisation]})
    return json_response(service.due(found, organisation, as_of or _today(found)))


# The changes and the audit of one engagement come before its read: the id is a path
# (2027/joint_meeting/construction), so the read's address would match theirs.
_CHANGE_RESPONSES: dict[int, Any] = {200: EngagementModel, 401: Error, 403: Error, 404: Error, 409: Error,
                                     412: Error, 422: Error, 428: Error}
_ONE = "/districts/{district}/years/{year}/engagements/{path:engagement}"


class ConfirmBody(Schema):
    force: bool = Field(False, description="also confirm a held or cancelled engagement (--force)")


class MoveBody(Schema):
    date: dt.date = Field(description="the new day, within the engagement's year")
    start: schemas.TIME | None = Field(None, description="the new start (HH:MM); none: the time it had")
    force: bool = Field(False, description="also move an agreed, held or cancelled engagement (--force)")


class CancelBody(Schema):
    reason: str = Field(min_length=1, max_length=1000, description="why it is cancelled (kept in the audit log)")
    force: bool = Field(False, description="also cancel a held engagement (--force)")


class HeldBody(Schema):
    date: dt.date | None = Field(None, description="the day it was held, if not the day planned (a move with it)")
    force: bool = Field(False, description="also mark a cancelled engagement held, or move an agreed one (--force)")


def _if_match(request: HttpRequest) -> str:
    given = request.headers.get("If-Match", "").strip()
    if not given:
        raise PreconditionRequired("a change needs If-Match: the ETag of the year's revision it was made on",
                                   fix="read the engagement (GET) and send its ETag as If-Match",
                                   message_zh="修改须附 If-Match：所依据的年度版本的 ETag",
                                   fix_zh="请先读取该活动（GET），并将其 ETag 作为 If-Match 发送")
    tag = given.split(",")[0].strip()
    tag = tag[2:] if tag.startswith("W/") else tag
    return tag.strip('"')


def _change(request: HttpRequest, district: str, year: int, engagement: str, operation: str,
            changes: Callable[[dict[str, Any]], Sequence[Change]], force: bool,
            noted: dict[str, Any] | None = None) -> HttpResponse:
    """Make one change of an engagement (:func:`liaison_web.service.change`, the pages' too) on the
    revision its ``If-Match`` names; answer the engagement after, with the new revision's ETag, or
    412 with the engagement as it is now."""
    _district(request, district, operation)  # an unknown district is 404 before a missing If-Match is 428
    expected = _if_match(request)
    try:
        done = service.change(request, district, year, engagement, operation, changes, force=force,
                              expected=expected, noted=noted)
    except service.Stale as stale:
        return _stale(request, stale.conflict, stale.engagement)
    return json_response(done.engagement, etag=done.revision)


def _stale(request: HttpRequest, conflict: RevisionConflict, current: dict[str, Any]) -> HttpResponse:
    """412: the error, the engagement as it is now, the current revision as the ETag."""
    response = error_response(request, conflict, 412, engagement=current)
    if conflict.current:
        response["ETag"] = f'"{conflict.current}"'
    return response


@api.post(f"{_ONE}/confirm", response=_CHANGE_RESPONSES, tags=["engagements"])
def confirm(request: HttpRequest, district: str, year: int, engagement: str, body: ConfirmBody) -> HttpResponse:
    """Both sides agreed the date (``liaison plan --confirm``). ``If-Match``: the year's ETag."""
    return _change(request, district, year, engagement, "confirm", lambda e: [Change("confirm", engagement)],
                   body.force)


@api.post(f"{_ONE}/move", response=_CHANGE_RESPONSES, tags=["engagements"])
def move(request: HttpRequest, district: str, year: int, engagement: str, body: MoveBody) -> HttpResponse:
    """Move to another day, and start (``liaison plan --move ID@DAY[THH:MM]``); it becomes agreed.
    A day off is kept with the plan's warning, as the command keeps it; another year is refused."""
    start = dt.time.fromisoformat(body.start) if body.start else None
    return _change(request, district, year, engagement, "move",
                   lambda e: [Change("move", engagement, body.date, start)], body.force)


@api.post(f"{_ONE}/cancel", response=_CHANGE_RESPONSES, tags=["engagements"])
def cancel(request: HttpRequest, district: str, year: int, engagement: str, body: CancelBody) -> HttpResponse:
    """Cancel, with the reason (``liaison plan --cancel``): kept in the plan as cancelled, the reason
    in the audit log."""
    return _change(request, district, year, engagement, "cancel", lambda e: [Change("cancel", engagement)],
                   body.force, noted={"reason": body.reason})


@api.post(f"{_ONE}/held", response=_CHANGE_RESPONSES, tags=["engagements"])
def held(request: HttpRequest, district: str, year: int, engagement: str, body: HeldBody) -> HttpResponse:
    """It took place (``liaison plan --held``); on another day than planned, that day too (``--move
    ID@DAY --held ID``, as the command takes both)."""
    def changes(current: dict[str, Any]) -> list[Change]:
        moved = body.date is not None and body.date.isoformat() != current.get("date")
        return [*([Change("move", engagement, body.date)] if moved else []), Change("held", engagement)]
    return _change(request, district, year, engagement, "held", changes, body.force)


@api.get(f"{_ONE}/audit", response={200: list[EntryModel], 401: Error, 403: Error, 404: Error}, tags=["audit"])
def engagement_audit(request: HttpRequest, district: str, year: int, engagement: str) -> HttpResponse:
    """The audit log of one engagement, oldest first."""
    found, version = _district(request, district, "audit")
    current = _rendered(district, version, year, _revision(found, year))[2].get(engagement)
    if current is None:
        raise _no_engagement(year, engagement)
    _authorise(request, "audit", district, current)
    rows = models.AuditEntry.objects.filter(district__code=district, object_type="engagement", object_id=engagement)
    return json_response([_entry(row, district) for row in rows])


@api.get(_ONE, response={200: EngagementModel, 304: None, 401: Error, 403: Error, 404: Error}, tags=["engagements"])
def engagement(request: HttpRequest, district: str, year: int, engagement: str) -> HttpResponse:
    """One engagement as the plan shows it (``2027/joint_meeting/construction``); ``ETag``: the
    year's revision, which a change names in ``If-Match``."""
    found = _district(request, district)
    revision = _revision(found[0], year)
    current = _rendered(district, found[1], year, revision)[2].get(engagement)
    if current is None:
        raise _no_engagement(year, engagement)
    _authorise(request, "read", district, current)
    if _matches(request, revision):
        return _not_modified(revision)
    return json_response(current, etag=revision)


def _not_modified(revision: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = f'"{revision}"'
    return response


def openapi_json() -> str:
    """The OpenAPI document as text (for tests and docs)."""
    return json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), ensure_ascii=False, indent=2)
