"""The HTTP API, version 1 (django-ninja), under ``/api/v1/``: the OpenAPI 3.1 document at
``/api/v1/openapi.json``, its docs page at ``/api/v1/docs`` (Swagger UI from the service's own
static files: nothing is loaded from a CDN).

The first slice: ``health``; a district's ``organisations``; a year's ``plan``; one ``engagement``
with an ETag (the year's revision: ``If-None-Match`` gives 304). JSON in the shapes the library
writes (``liaison … --format json``), described by models generated from the library's types
(:mod:`liaison_web.schemas`). Every error is the library's one error document
(:func:`~liaison.base.errors.error_document`) with its HTTP status — 401 without a login or a
token, 404 for what does not exist or the caller may not see (another district's), 412 for a stale
revision. Callers log in with a session (Django's login at ``/login/``; unsafe methods then need
the CSRF token) or send ``Authorization: Bearer <token>`` (``liaison web token``).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from liaison.base.errors import DataError, LiaisonError, StorageError, UnknownOrganisationError, error_document
from liaison.formats.documents import OrgRef, SettingDocument, document, to_json
from liaison.formats.state import plan_document
from liaison.law.district import District
from liaison.year.engagements import Engagement
from liaison.year.state import YearState
from liaison.year.store import NoRevision, RevisionConflict
from liaison_web import bootstrap, models, schemas
from liaison_web.store import DatabaseStore

__all__ = ["NotFound", "api"]


class NotFound(LiaisonError):
    """What the request names does not exist, or is not the caller's to see."""


class NotAuthenticated(LiaisonError):
    """No login and no valid token."""


class InvalidRequest(LiaisonError):
    """A request whose parameters or body do not have the operation's shape (422)."""


class Forbidden(LiaisonError):
    """A valid login or token that may not do this (a token without the scope)."""


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from liaison_web.tokens import user_of

        found = user_of(token)
        if found is None:
            return None
        request.user, request.scopes = found  # type: ignore[attr-defined]
        return found[0]


api = NinjaAPI(title="liaison", version="1", description=__doc__ or "", urls_namespace="api-v1",
               auth=[BearerToken(), django_auth], docs_url="/docs", openapi_url="/openapi.json")

#: What the plan's document adds to the state's types (:func:`liaison.formats.state.plan_document`).
_PLAN_EXTRA = ((YearState, "format", str),
               (Engagement, "local_settings", list[schemas.model_of(SettingDocument)]))  # type: ignore[misc]
PlanModel = schemas.model_of(YearState, name="Plan", extra=_PLAN_EXTRA)
EngagementModel = schemas.model_of(Engagement, extra=_PLAN_EXTRA)
OrgModel = schemas.model_of(OrgRef, name="Organisation")
Error = schemas.ErrorModel


def _json(body: Any, status: int = 200, etag: str | None = None) -> HttpResponse:
    return _text(to_json(body), status, etag)


def _text(text: str, status: int = 200, etag: str | None = None) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="application/json; charset=utf-8")
    if etag is not None:
        response["ETag"] = f'"{etag}"'
    return response


def _error(error: LiaisonError, status: int) -> HttpResponse:
    return _json(error_document(error), status)


STATUS: tuple[tuple[type[LiaisonError], int], ...] = (
    (NotAuthenticated, 401), (Forbidden, 403), (NotFound, 404), (NoRevision, 404), (UnknownOrganisationError, 404),
    (RevisionConflict, 412), (StorageError, 503), (DataError, 422),
)


@api.exception_handler(LiaisonError)
def _liaison_error(request: HttpRequest, exc: LiaisonError) -> HttpResponse:
    return _error(exc, next((status for kind, status in STATUS if isinstance(exc, kind)), 400))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _error(NotAuthenticated(
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
    return _error(InvalidRequest.several(problems) if len(problems) > 1 else first, 422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(NotFound("no such resource", fix="check the address against /api/v1/docs",
                           message_zh="没有该资源", fix_zh="请对照 /api/v1/docs 核对地址"), 404)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(LiaisonError(str(exc), message_zh=f"请求失败：{exc}"), exc.status_code)


# -- who may see a district -------------------------------------------------------------------------
def _district(request: HttpRequest, code: str) -> tuple[District, str]:
    """The district ``code`` if the caller may read it, with its version's digest: a superuser, a
    member of the district, a city auditor. Anyone else is told it does not exist (404), as when it
    does not."""
    scopes = getattr(request, "scopes", None)  # set for a bearer token; a session reads with its user's rights
    if scopes is not None and "read" not in scopes:
        raise Forbidden("this token may not read",
                        fix="use a token with the scope read (liaison web token --scope read)",
                        message_zh="该令牌没有读取权限",
                        fix_zh="请使用具有 read 权限的令牌（liaison web token --scope read）")
    user = request.user
    allowed = getattr(user, "is_superuser", False) or models.Membership.objects.filter(user_id=user.pk).filter(
        role="city_auditor").exists() or models.Membership.objects.filter(user_id=user.pk, district__code=code).exists()
    found = bootstrap.district_version(code) if allowed else None
    if found is None:
        raise NotFound(f"there is no district {code!r}", fix="list the districts at /api/v1/districts",
                       message_zh=f"没有区 {code!r}", fix_zh="请在 /api/v1/districts 查看各区")
    return found


def _no_plan(district: District, year: int) -> NotFound:
    return NotFound(f"the {year} of {district.info.id} has no plan yet", file=DatabaseStore().place(district, year),
                    fix="plan it (liaison serve plans the current and the next year) or import it: "
                        "liaison web import-year --from out/<year>",
                    message_zh=f"{district.info.id} 的{year}年尚无计划",
                    fix_zh="请先编排（liaison serve 会编排当年和下一年）或导入："
                           "liaison web import-year --from out/<年份>")


def _revision(district: District, year: int) -> str:
    """The year's current revision (one query: the state is read only to render it, :func:`_rendered`)."""
    revision = DatabaseStore().current(district, year)
    if revision is None:
        raise _no_plan(district, year)
    return revision


@functools.lru_cache(maxsize=16)
def _rendered(code: str, version: str, year: int, revision: str) -> tuple[str, dict[str, Any]]:
    """The plan's JSON text and its engagements by id, for one version of the district and one
    revision of the year: both name their content (a revision is never reused), so what was rendered
    once is the answer for as long as they are current — a read costs one query, not a parse and a
    render. Filled by the first reader of each revision."""
    found = bootstrap.district_version(code)
    if found is None or found[1] != version:
        raise NotFound(f"there is no district {code!r}", message_zh=f"没有区 {code!r}")
    district = found[0]
    stored = DatabaseStore().load(district, year, revision=revision)
    if stored is None:
        raise _no_plan(district, year)
    body = plan_document(district, stored.state)
    return to_json(body), {item["id"]: item for item in body.get("engagements", [])}


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
    return _json({"status": "ok", "database": connection.vendor, "api": "v1"})


@api.get("/districts", response={200: list[dict[str, str]], 401: Error}, tags=["districts"])
def districts(request: HttpRequest) -> HttpResponse:
    """The districts the caller may read: id and name."""
    rows = [(code, name) for code, name in models.District.objects.values_list("code", "name")]
    visible = [{"id": code, "name": name} for code, name in rows if _may_read(request, code)]
    return _json(visible)


def _may_read(request: HttpRequest, code: str) -> bool:
    try:
        _district(request, code)
    except NotFound:
        return False
    return True


@api.get("/districts/{district}/organisations", response={200: list[OrgModel], 401: Error, 404: Error},  # type: ignore[valid-type]
         tags=["districts"])
def organisations(request: HttpRequest, district: str) -> HttpResponse:
    """The district's organisations: id, name, English name."""
    found, _ = _district(request, district)
    return _json([document(OrgRef.of(o)) for o in found.organisations])


@api.get("/districts/{district}/years/{year}/plan",
         response={200: PlanModel, 304: None, 401: Error, 404: Error}, tags=["years"])
def plan(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """The year's plan as ``liaison plan --format json`` writes it; ``ETag``: the year's revision."""
    found = _district(request, district)
    revision = _revision(found[0], year)
    if _matches(request, revision):
        return _not_modified(revision)
    text, _ = _rendered(district, found[1], year, revision)
    return _text(text, etag=revision)


@api.get("/districts/{district}/years/{year}/engagements/{path:engagement}",
         response={200: EngagementModel, 304: None, 401: Error, 404: Error}, tags=["years"])
def engagement(request: HttpRequest, district: str, year: int, engagement: str) -> HttpResponse:
    """One engagement as the plan shows it (``2027/joint_meeting/construction``); ``ETag``: the
    year's revision, which a change names in ``If-Match``."""
    found = _district(request, district)
    revision = _revision(found[0], year)
    if _matches(request, revision):
        return _not_modified(revision)
    _, engagements = _rendered(district, found[1], year, revision)
    if engagement in engagements:
        return _json(engagements[engagement], etag=revision)
    raise NotFound(f"the {year} has no engagement {engagement!r}", path=("engagements",),
                   fix="take an id from the year's plan", message_zh=f"{year}年没有活动 {engagement!r}",
                   fix_zh="请从该年度计划中选取活动编号")


def _not_modified(revision: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = f'"{revision}"'
    return response


def openapi_json() -> str:
    """The OpenAPI document as text (for tests and docs)."""
    return json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), ensure_ascii=False, indent=2)

