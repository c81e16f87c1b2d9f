"""The HTTP API, version 1 (django-ninja), under ``/api/v1/``: the OpenAPI 3.1 document at
``/api/v1/openapi.json``, its docs page at ``/api/v1/docs`` (Swagger UI from the service's own
static files: nothing is loaded from a CDN).

``health``; a district's ``organisations``; an organisation's to-do list (``due``, as of a day:
:mod:`liaison.year.due`); a year's ``plan``; one ``engagement`` with an ETag (its
own: :mod:`liaison_web.etags`; ``If-None-Match`` gives 304); the changes of an engagement — ``confirm``,
``move``, ``cancel``, ``held`` — through the workspace's own update (what ``liaison plan --confirm/--move/
--cancel/--held`` runs), each with ``If-Match`` on the engagement's ETag (or the year's revision it
was read at); the audit log per engagement and per organisation; ``login``; the year's outputs — the
letters (listed, downloaded as .docx or .pdf, issued on a day), the calendars, the workbooks, the page —
made by the command's own export flow (:mod:`liaison_web.outputs`). JSON in the shapes the library
writes (``liaison … --format json``), described by models generated from the library's types
(:mod:`liaison_web.schemas`).

Every error is the library's one error document (:func:`~liaison.base.errors.error_document`) with
its HTTP status and, as ``rendered``, the line the command would print in the language
``Accept-Language`` asks for (``zh-CN`` by default, ``en``; ``Content-Language`` says which): 401
without a login or a token, 403 for what the caller may not do (:mod:`liaison_web.access`), 404 for
what does not exist or is another district's, 409 for a change of an agreed, held or cancelled
engagement not asked for with ``force``, 412 for a stale ``If-Match``, 422 for invalid input or a
change the library refuses, 428 for a change without ``If-Match``, 429 for a locked-out login, 400
for a body that cannot be read, 501 for an output whose exporter is not installed.
Callers log in with a session (``/login/`` or ``POST /api/v1/login``; unsafe methods then need the
CSRF token) or send ``Authorization: Bearer <token>`` (``liaison web token``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

import attrs
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as _NinjaSessionAuth
from pydantic import Field

from liaison.base.errors import (
    DataError,
    ExportError,
    LiaisonError,
    OptionError,
    PlanningError,
    StorageError,
    UnknownOrganisationError,
    UnknownProvisionError,
)
from liaison.base.text import ID_PATTERN
from liaison.formats.documents import (
    DueDocument,
    DueItemDocument,
    OrgRef,
    ReportDocument,
    SettingDocument,
    document,
    report_document,
    to_json,
)
from liaison.formats.state import engagement_entry, plan_document
from liaison.law.district import District
from liaison.law.duties import YearDuties
from liaison.law.findings import Report
from liaison.law.records import Records
from liaison.year.engagements import ChangeRefused, Engagement
from liaison.year.numbering import LetterRecord
from liaison.year.planner import check_year
from liaison.year.reconcile import Change
from liaison.year.state import YearState
from liaison.year.store import NoRevision, RevisionConflict
from liaison_web import access, bootstrap, invalid, models, openapi, outputs, owned, paging, schemas, webhooks
from liaison_web.callers import remote_address
from liaison_web.clock import district_today as _today
from liaison_web.due import announce, due_json, watched, watching
from liaison_web.due import due_of as _due_of
from liaison_web.errors import (
    AlreadyRecorded,
    Forbidden,
    InvalidRequest,
    LockedOut,
    NotAuthenticated,
    NotAvailable,
    NotFound,
    PreconditionRequired,
    StaleRecord,
    UnsupportedMediaType,
    Withdrawn,
    error_response,
    json_response,
    text_response,
)

if TYPE_CHECKING:
    from liaison_docx.about import LetterAbout
from liaison_web.errors import no_district as _no_district
from liaison_web.errors import no_plan as _no_plan
from liaison_web.etags import engagement_conflict, engagement_tag, if_match_tags, matches, names_revision
from liaison_web.evidence import TooLarge, UnsupportedType
from liaison_web.idempotency import shown_once
from liaison_web.memo import once
from liaison_web.publishing import NotConfigured
from liaison_web.store import DatabaseStore

__all__ = ["NotFound", "api", "error_response"]


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from django.utils.functional import SimpleLazyObject

        from liaison_web.tokens import caller_of

        found = caller_of(token)  # one query: the token, its user's id and memberships
        if found is None:
            return None
        # the user as the token's query read it (its other fields read only if something asks for them)
        request.user = SimpleLazyObject(lambda: found.user)  # type: ignore[assignment]
        request.scopes, request.token_prefix = found.scopes, found.prefix  # type: ignore[attr-defined]
        request._liaison_members = (found.members, found.superuser)  # type: ignore[attr-defined]
        return found


class SessionAuth(_NinjaSessionAuth):
    """The browser's session (ninja's, with its CSRF check) — unless the request names a bearer token:
    then the token alone decides, so a token that is not live (mistyped, revoked, expired) is 401, never
    the session's user. (The class keeps ninja's name: it names the OpenAPI document's scheme.)"""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.headers.get("Authorization", "").split(" ", 1)[0].lower() == "bearer":
            return None
        return super().authenticate(request, key)


api = openapi.DocumentedApi(title="liaison", version="1", description=__doc__ or "", urls_namespace="api-v1",
               auth=[BearerToken(), SessionAuth()], docs_url="/docs", openapi_url="/openapi.json")

#: What the plan's document adds to the state's types (:func:`liaison.formats.state.plan_document`).
_PLAN_EXTRA = ((YearState, "format", str),
               (Engagement, "local_settings", list[schemas.model_of(SettingDocument)]))  # type: ignore[misc]
PlanModel = schemas.model_of(YearState, name="Plan", extra=_PLAN_EXTRA)
EngagementModel = schemas.model_of(Engagement, extra=_PLAN_EXTRA)
OrgModel = schemas.model_of(OrgRef, name="Organisation")
DueModel = schemas.model_of(DueDocument, name="Due")
DueItemModel = schemas.model_of(DueItemDocument)
ReportModel = schemas.model_of(ReportDocument, name="Report")
Error = schemas.error_model(
    engagement=(EngagementModel, "a 412 of an engagement's change: the engagement as it is now"),
    record=(dict[str, Any], "a 412 of a record's correction or withdrawal: the record as it is now"))
#: What any operation may answer besides its own: a body or parameters that cannot be read (400, 422),
#: no login (401), not the caller's (403), nothing there (404), the database not answering (503).
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 503: Error}


STATUS: tuple[tuple[type[LiaisonError], int], ...] = (
    (NotAuthenticated, 401), (Forbidden, 403), (NotFound, 404), (NoRevision, 404), (UnknownOrganisationError, 404),
    (UnknownProvisionError, 404),
    (ChangeRefused, 409), (RevisionConflict, 412), (StorageError, 503), (DataError, 422), (PlanningError, 422),
    (ExportError, 422), (OptionError, 422),
    (PreconditionRequired, 428), (LockedOut, 429), (InvalidRequest, 422), (NotConfigured, 409), (NotAvailable, 501),
    (TooLarge, 413), (UnsupportedType, 415), (StaleRecord, 412), (UnsupportedMediaType, 415), (Withdrawn, 409),
    (AlreadyRecorded, 409),
)


@api.exception_handler(LiaisonError)
def _liaison_error(request: HttpRequest, exc: LiaisonError) -> HttpResponse:
    response = error_response(request, exc, next((status for kind, status in STATUS if isinstance(exc, kind)), 400))
    if isinstance(exc, AlreadyRecorded) and exc.where:  # 409: where the record it repeats is
        response["Location"] = exc.where
    if isinstance(exc, RevisionConflict) and exc.current:  # 412: the revision to read again
        response["ETag"] = f'"{exc.current}"'
    return response


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
    problems = [invalid.problem(e, _client_path(tuple(e.get("loc", ())))) for e in exc.errors]
    first = problems[0] if problems else InvalidRequest("the request is invalid", message_zh="请求无效")
    return error_response(request, InvalidRequest.several(problems) if len(problems) > 1 else first, 422)


def _client_path(loc: tuple[Any, ...]) -> tuple[str, ...]:
    """Where the client put the value: django-ninja names the view's body parameter after ``body``
    (``("body", "body", "date")``), a name of our code the client never wrote: ``$.body.date``."""
    parts = tuple(str(k) for k in loc)
    return (parts[0], *parts[2:]) if len(parts) >= 3 and parts[0] == "body" else parts


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
    if exc.status_code == 400 and isinstance(exc.__cause__, LiaisonError):  # the body's parser refused it
        return _liaison_error(request, exc.__cause__)  # (liaison_web.api_guard: not JSON, 415)
    if exc.status_code == 400:  # django-ninja could not read the body (not JSON, not the declared encoding)
        return _unreadable(request)
    return error_response(request, LiaisonError(str(exc), message_zh=f"请求失败（HTTP {exc.status_code}）"),
                          exc.status_code)


def _unreadable(request: HttpRequest) -> HttpResponse:
    return error_response(request, InvalidRequest(
        "the request's body cannot be read: send JSON (Content-Type: application/json)",
        fix="check the request against /api/v1/docs", message_zh="无法读取请求体：请以 JSON 发送（Content-Type: "
        "application/json）", fix_zh="请对照 /api/v1/docs 核对请求"), 400)


@api.exception_handler(MultiPartParserError)
def _unparsed(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A form body Django cannot parse (a multipart type without its boundary): the caller's error."""
    return _unreadable(request)


# -- who the caller is and what it may do (liaison_web.access) -----------------------------------------
def _members(request: HttpRequest) -> tuple[tuple[access.Member, ...], bool]:
    """The caller's memberships (read once per request) and whether it is a superuser."""
    cached = getattr(request, "_liaison_members", None)
    if cached is None:
        user = request.user
        rows = models.Membership.objects.filter(user_id=user.pk).values_list("role", "district__code", "organisation")
        cached = (tuple(access.Member(role, code, org) for role, code, org in rows),
                  bool(getattr(user, "is_superuser", False)))
        request._liaison_members = cached  # type: ignore[attr-defined]
    return cached


def _scope(request: HttpRequest, operation: str) -> None:
    """A bearer token may do only what its scopes allow (a session: what the user's roles allow)."""
    scopes = getattr(request, "scopes", None)
    needed = access.SCOPE_OF[operation]
    if scopes is not None and needed not in scopes:
        verb, verb_zh = {"read": ("read", "读取"), "write": ("change anything", "修改"),
                         "tokens": ("make or revoke tokens", "生成或吊销令牌")}[needed]
        raise Forbidden(f"this token may not {verb}",
                        fix=f"use a token with the scope {needed} (liaison web token --scope {needed})",
                        message_zh=f"该令牌没有{verb_zh}权限",
                        fix_zh=f"请使用具有 {needed} 权限的令牌（liaison web token --scope {needed}）")


def actor_of(request: HttpRequest) -> str:
    """Who the audit log names: the user, and for a token which one (``name (token lsn_XXXX…)``)."""
    prefix = getattr(request, "token_prefix", None)
    name = str(request.user.get_username())
    return f"{name} (token {prefix}…)" if prefix else name


def _district(request: HttpRequest, code: str, operation: str = "read") -> tuple[District, str]:
    """The district ``code`` if the caller may see it, with its version's digest: a superuser, a
    member of the district, a city auditor. Anyone else is told it does not exist (404), as when it
    does not. The token's scope for ``operation`` is checked first."""
    found = _seen(request, code, operation, None)
    return found[0], found[1]


def _district_year(request: HttpRequest, code: str, year: int, operation: str = "read") -> tuple[District, str, str]:
    """:func:`_district` and the year's current revision (404 when the year has no plan), in one query."""
    found, version, revision = _seen(request, code, operation, year)
    if revision is None:
        raise _no_plan(found, year)
    return found, version, revision


def _seen(request: HttpRequest, code: str, operation: str, year: int | None) -> tuple[District, str, str | None]:
    found = bootstrap.district_year(code, year) if _sees(request, code, operation) else None
    if found is None:
        raise _no_district(code)
    return found


def _seen_counting(request: HttpRequest, code: str, year: int) -> tuple[District, str, str | None, tuple[int, int]]:
    """:func:`_seen` for a read that counts the year's records (the due list, the findings): the
    state of the records (:func:`liaison_web.records.state_of`) comes in the same one query."""
    found = bootstrap.district_year_records(code, year) if _sees(request, code, "read") else None
    if found is None:
        raise _no_district(code)
    return found


def _sees(request: HttpRequest, code: str, operation: str) -> bool:
    """The token's scope allows ``operation`` (else 403) and the caller may see the district."""
    _scope(request, operation)
    members, superuser = _members(request)
    return access.sees_district(members, code, superuser=superuser)


def _may(request: HttpRequest, operation: str, code: str, engagement: dict[str, Any]) -> access.Decision:
    members, superuser = _members(request)
    return access.decide(members, operation, code, engagement, superuser=superuser)


def _covers(request: HttpRequest, operation: str, code: str) -> bool:
    members, superuser = _members(request)
    return access.covers_district(members, operation, code, superuser=superuser)


def _authorise(request: HttpRequest, operation: str, code: str, engagement: dict[str, Any]) -> None:
    decision = _may(request, operation, code, engagement)
    if decision == access.Decision.HIDDEN:
        raise _no_district(code)
    if decision == access.Decision.FORBIDDEN:
        en, zh = access.ROLE_NAMES_OF_OPERATION[operation]
        raise Forbidden(f"{engagement.get('id', '')}: your role may not {en}: it is not your organisation's",
                        fix="ask the organisation it belongs to, or the district's administrator",
                        message_zh=f"{engagement.get('id', '')}：不属于您所在的单位，您的角色无权{zh}",
                        fix_zh="请联系该活动所属单位或本区管理员")


def _audited(request: HttpRequest, action: str, object_type: str, object_id: str, district: str, *,
             before: Any = None, after: Any = None) -> None:
    from liaison_web.audit import record

    record(action, object_type, object_id, user=request.user, district=district, actor=actor_of(request),
           remote_address=remote_address(request), before=before, after=after)


def _district_object(request: HttpRequest, operation: str, code: str, organisation: str = "") -> None:
    """The caller may do ``operation`` to the district (or to ``organisation``'s own: the object is
    the organisation, as the host of its own)."""
    _authorise(request, operation, code, {"id": organisation or code, "host": organisation,
                                          "participants": [organisation] if organisation else []})


def _revision(district: District, year: int) -> str:
    """The year's current revision (one query: the state is read only to render it, :func:`_rendered`)."""
    revision = DatabaseStore().current(district, year)
    if revision is None:
        raise _no_plan(district, year)
    return revision


#: How many revisions' states, plans and answers a process keeps: a district's years, a few districts.
CACHED = 64


@once(CACHED, revision=3)
def _loaded(code: str, version: str, year: int, revision: str) -> tuple[District, YearState]:
    """The district's version and the year's state at ``revision``, parsed once per process: a
    revision names its content (never reused, never changed), a version is never changed in place,
    so what was loaded once is the answer for as long as both are current, and a save (here or by
    another process: the command) makes a new revision the next read asks for. Not a copy of the
    store: one query per read still says which revision is current."""
    found = bootstrap.district_version(code)
    if found is None or found[1] != version:
        raise _no_district(code)
    kept = DatabaseStore().kept(found[0], year, revision)  # a save of this process left it: no second query
    if kept is not None:
        return found[0], kept
    stored = DatabaseStore().load(found[0], year, revision=revision)
    if stored is None:
        raise _no_plan(found[0], year)
    return found[0], stored.state


@once(CACHED, revision=3)
def _rendered(code: str, version: str, year: int, revision: str) -> tuple[bytes, dict[str, Any], dict[str, Any]]:
    """The plan's JSON (UTF-8 bytes, as sent), the document and its engagements by id, for one
    version of the district and one revision of the year (as :func:`_loaded`): a read costs one
    query, not a parse and a render. Filled by the first reader of each revision. Callers do not
    change them."""
    district, state = _loaded(code, version, year, revision)
    text = to_json(plan_document(district, state)).encode()
    body = json.loads(text)  # plain JSON values: what the audit log keeps and a filtered plan writes
    return text, body, {item["id"]: item for item in body.get("engagements", [])}


def _view_tag(request: HttpRequest, district: str, base: str, **query: Any) -> str:
    """The ETag of a read whose body is more than the year's state: ``base`` (that state) and, when
    the caller reads a filtered view or the query asks anything, a digest of both — the caller's
    memberships in the district (what the filter reads) and every query parameter —, so a tag of one
    view or day never answers 304 for another. (The bodies do not depend on the language: the JSON
    carries both; a test keeps it so.) A change's ``If-Match`` takes it as the revision (:func:`_if_match`)."""
    given = {k: str(v) for k, v in query.items() if v is not None}
    if _covers(request, "read", district):
        view: Any = "all"
    else:
        members, _ = _members(request)
        view = sorted({(m.role, m.organisation) for m in members if m.district == district})
    if view == "all" and not given:
        return base
    digest = hashlib.sha256(json.dumps([view, given], sort_keys=True).encode()).hexdigest()[:16]
    return f"{base}+{digest}"


@once(16 * CACHED, revision=3)
def _one(code: str, version: str, year: int, revision: str, engagement: str
         ) -> tuple[bytes, dict[str, Any], str] | None:
    """One engagement as the plan's JSON shows it (as its read sends it, as plain JSON values, and
    its ETag: :func:`liaison_web.etags.engagement_tag`), made alone — not the whole plan, which a
    write or a read of one engagement does not need — looked up once per revision (as
    :func:`_rendered`), and made only for an engagement no revision held before (:func:`_engagement_entry`);
    None: the year has no such engagement."""
    district, state = _loaded(code, version, year, revision)
    alone = tuple(e for e in state.engagements if e.id == engagement)
    if not alone:
        return None
    if len(alone) == 1:
        return _engagement_entry(district, year, alone[0])
    shown = _document(district, state, *alone)
    sent = to_json(shown).encode()
    return sent, shown, engagement_tag(sent)


def _saw(code: str, version: str, year: int, engagement: str, expected: str, now: str) -> bool:
    """The caller's ``If-Match`` names the engagement as it is now (its tag ``now``): its own tag,
    or a revision of the year (the plan's ETag, a page's form) at which it was as it is now; a
    revision the year never had names nothing (:mod:`liaison_web.etags`). ``*``: whatever it is now;
    a list: any of them."""
    if matches(expected, now):
        return True
    if "," in expected:
        return any(_saw(code, version, year, engagement, one, now) for one in expected.split(","))
    if not names_revision(expected):
        return False
    try:
        then = _one(code, version, year, expected, engagement)
    except NoRevision:
        return False
    return then is not None and then[2] == now


def engagement_document(district: District, state: YearState, engagement: str) -> dict[str, Any] | None:
    """The plan document's entry of ``engagement`` (plain JSON values), made from the state with that
    engagement alone: each engagement's part of the plan's document is its own."""
    alone = tuple(e for e in state.engagements if e.id == engagement)
    return _document(district, state, *alone) if alone else None


def _document(district: District, state: YearState, *engagement: Engagement) -> dict[str, Any]:
    """The plan document's entry of ``engagement`` as it would be in ``state`` (plain JSON values),
    made from the engagement alone (:func:`liaison.formats.state.engagement_entry`) with the year's
    duties worked out once per district version (:func:`_duties`); more than one engagement of the
    id (a state the planner would not write): as the plan document shows the first."""
    if len(engagement) == 1:
        return _engagement_entry(district, state.year, engagement[0])[1]
    made = plan_document(district, attrs.evolve(state, engagements=engagement))["engagements"][0]
    shown: dict[str, Any] = json.loads(to_json(made))
    return shown


#: How many engagements' entries a process keeps (:func:`_engagement_entry`): every engagement of a few
#: districts' years, and the versions a stream of changes made of them lately.
ENGAGEMENTS_KEPT = 4096
_ENTRIES: OrderedDict[tuple[int, int, Engagement], tuple[District, tuple[bytes, dict[str, Any], str]]] = OrderedDict()
_ENTRIES_LOCK = threading.Lock()


def _engagement_entry(district: District, year: int, engagement: Engagement) -> tuple[bytes, dict[str, Any], str]:
    """The plan document's entry of ``engagement`` (plain JSON values), as sent and with its ETag,
    as :func:`_one` answers: a function of the district (the same object for as long as its version
    is in force: :func:`_duties`), the year and the engagement alone. Kept by the engagement's value,
    not by the year's revision, so a change of the year remakes the entries of the engagements it
    changed only, not the others' (each writer's read of its engagement at a new revision made it
    again). The answer is shared: never changed by a caller."""
    key = (id(district), year, engagement)
    with _ENTRIES_LOCK:
        found = _ENTRIES.get(key)
        if found is not None and found[0] is district:
            _ENTRIES.move_to_end(key)
            return found[1]
    shown: dict[str, Any] = json.loads(to_json(engagement_entry(district, engagement, _duties(district, year))))
    sent = to_json(shown).encode()
    made = (sent, shown, engagement_tag(sent))
    with _ENTRIES_LOCK:
        _ENTRIES[key] = (district, made)
        while len(_ENTRIES) > ENGAGEMENTS_KEPT:
            _ENTRIES.popitem(last=False)
    return made


_DUTIES: dict[tuple[int, int], tuple[District, YearDuties]] = {}
_DUTIES_LOCK = threading.Lock()


def _duties(district: District, year: int) -> YearDuties:
    """The year's duties of ``district`` (:func:`liaison.law.duties.year_duties`: a third of a
    millisecond to work out), kept for the district object (the same object for as long as its
    version is the one in force in this process: :mod:`liaison_web.bootstrap`), a few at a time."""
    from liaison.law.duties import year_duties

    key = (id(district), year)
    with _DUTIES_LOCK:
        found = _DUTIES.get(key)
    if found is not None and found[0] is district:
        return found[1]
    made = year_duties(district, year)
    with _DUTIES_LOCK:
        if len(_DUTIES) >= CACHED:
            _DUTIES.pop(next(iter(_DUTIES)))
        _DUTIES[key] = (district, made)
    return made


def _matches(request: HttpRequest, etag: str) -> bool:
    given = request.headers.get("If-None-Match", "")
    return any(tag.strip() in (f'"{etag}"', f'W/"{etag}"', "*") for tag in given.split(",") if tag.strip())


def _no_engagement(year: int, engagement: str) -> NotFound:
    return NotFound(f"the {year} has no engagement {engagement!r}", path=("engagements",),
                    fix="take an id from the year's plan", message_zh=f"{year}年没有活动 {engagement!r}",
                    fix_zh="请从该年度计划中选取活动编号")


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


class LoginBody(schemas.Body):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=4096)


@api.post("/login", auth=None, response={200: dict[str, str], **ERRORS, 429: Error},
          tags=["service"])
def login(request: HttpRequest, body: LoginBody) -> HttpResponse:
    """Log in with a user name and password: a session cookie (send the CSRF token with every
    change). Too many failures lock the user name out from that address (and, many more, the address)
    for a while: 429."""
    from django.contrib.auth import authenticate
    from django.contrib.auth import login as start_session

    from liaison_web.callers import foreign_origin

    if (origin := foreign_origin(request)) is not None:  # a page of another site: no login, no failure counted
        raise Forbidden(f"a login sent from another site ({origin}) is refused",
                        fix="log in from the service's own pages (/login/), or use an API token",
                        message_zh=f"来自其他网站（{origin}）的登录请求被拒绝",
                        fix_zh="请在本服务自己的页面（/login/）登录，或改用 API 令牌")
    user = authenticate(request, username=body.username, password=body.password)
    if getattr(request, "axes_locked_out", False):
        from liaison_web.lockout import locked_out_error

        raise locked_out_error(request)
    if user is None:
        raise NotAuthenticated("the user name or the password is wrong", fix="check both and try again; after "
                               "several failures logging in is locked for a while",
                               message_zh="用户名或密码错误", fix_zh="请核对后重试；多次失败后登录将被暂时锁定")
    start_session(request, user)
    return json_response({"user": user.get_username()})


class DistrictModel(Schema):
    """A district the caller may read."""

    id: str = Field(description="its code, as the addresses name it")
    name: str


@api.get("/districts", response={200: list[DistrictModel], **ERRORS}, tags=["districts"])
def districts(request: HttpRequest) -> HttpResponse:
    """The districts the caller may read: id and name."""
    _scope(request, "read")
    members, superuser = _members(request)
    rows = models.District.objects.values_list("code", "name")
    return json_response([{"id": code, "name": name} for code, name in rows
                  if access.sees_district(members, code, superuser=superuser)
                  and bootstrap.district_version(code) is not None])


@api.get("/districts/{district}/organisations", response={200: list[OrgModel],  # type: ignore[valid-type]
                                                          **ERRORS}, tags=["districts"])
def organisations(request: HttpRequest, district: str) -> HttpResponse:
    """The district's organisations: id, name, English name."""
    found, _ = _district(request, district)
    return json_response([document(OrgRef.of(o)) for o in found.organisations])


@api.get("/districts/{district}/years/{year}/plan",
         response={200: PlanModel, 304: None, **ERRORS}, tags=["years"],
         by_alias=True)  # the document's names: a field named as a model's attribute (register) has an alias
def plan(request: HttpRequest, district: str, year: schemas.YEAR) -> HttpResponse:
    """The year's plan as ``liaison plan --format json`` writes it; ``ETag``: the year's revision.
    A caller who may read only its own organisation's engagements (a clerk, a liaison officer) gets
    the same document holding only those."""
    _, version, revision = _district_year(request, district, year)
    tag = _view_tag(request, district, revision)
    if _matches(request, tag):
        return _not_modified(tag)
    if _covers(request, "read", district):
        return text_response(_rendered(district, version, year, revision)[0], etag=tag)
    return text_response(_plan_seen_by(district, version, year, revision, *_members(request)), etag=tag)


# a filtered plan or report is up to the whole one's size (65 and 93 kB for the seed): two per kept answer
@once(2 * CACHED, revision=3)
def _plan_seen_by(code: str, version: str, year: int, revision: str, members: tuple[access.Member, ...],
                  superuser: bool) -> bytes:
    """The plan as a caller with ``members`` may read it — the engagements it may read, the rest of
    the document as it is (:func:`access.decide` reads nothing else of the caller) —, made once per
    revision for each set of memberships (a body's clerks and officers share one)."""
    text, body, engagements = _rendered(code, version, year, revision)
    readable = [e for e in engagements.values()
                if access.decide(members, "read", code, e, superuser=superuser) == access.Decision.ALLOWED]
    return text if len(readable) == len(engagements) else to_json({**body, "engagements": readable}).encode()


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
    from liaison_web.audit import shown

    return {"id": row.pk, "at": row.at.isoformat(), "actor": row.actor, "remote_address": row.remote_address,
            "district": code, "action": row.action, "object_type": row.object_type, "object_id": row.object_id,
            "before": shown(row.before), "after": shown(row.after)}


@api.get("/districts/{district}/organisations/{organisation}/audit",
         response={200: list[EntryModel], **ERRORS}, tags=["audit"])
def organisation_audit(request: HttpRequest, district: str, organisation: str) -> HttpResponse:
    """The audit log of one organisation's engagements (those it hosts or attends) and records (those
    it is responsible for or a party to), evidence attached to either included, oldest first; of
    those, the ones the caller may read the audit of."""
    found, _ = _district(request, district, "audit")
    organisation = found.organisation(organisation).id  # an unknown one is 404 in the library's words
    _authorise(request, "audit", district, {"id": organisation, "host": organisation,
                                            "participants": [organisation]})
    shown = []
    for row in models.AuditEntry.objects.filter(district__code=district, object_type__in=("engagement", "record")):
        seen = [_about(e) for e in (row.before, row.after) if isinstance(e, dict)]
        if any(e.get("host") == organisation or organisation in e.get("participants", ()) for e in seen) and all(
                _may(request, "audit", district, e) == access.Decision.ALLOWED for e in seen):
            shown.append(_entry(row, district))
    return json_response(shown)


def _about(logged: dict[str, Any]) -> dict[str, Any]:
    """Whom an audit entry's object is about, as the access table reads it: an engagement's host and
    participants, a record's responsible body and parties (:mod:`liaison_web.records`)."""
    if "responsible" in logged:
        return {"id": logged.get("key", ""), "host": logged["responsible"], "participants": logged.get("parties", [])}
    return logged


@api.get("/districts/{district}/organisations/{organisation}/due",
         response={200: DueModel, 304: None, **ERRORS}, tags=["years"])
def due(request: HttpRequest, district: str, organisation: str, as_of: schemas.DATE | None = None) -> HttpResponse:
    """One organisation's to-do list as of a day (``as_of``; default today in the district's time
    zone), as ``liaison due --format json`` writes it: dates to agree, records missing after a
    planned day, research awaiting feedback and obligations not yet met, each citing its provision
    and its text in force that day (:func:`liaison.year.due.due_list`). Read access as for the
    organisation's engagements: a clerk or a liaison officer its own organisation's list, the
    district's administrator or auditor any organisation's. The records counted are the year's
    records kept here (``…/records``: research awaiting feedback, visits held …) and the engagements
    the plan marks held. ``ETag``: what the list is made of — the year's revision, the state of its
    records, the district's version, the organisation and the day (``If-None-Match`` gives 304)."""
    found, version, day, revision, records = _district_on(request, district, as_of)
    organisation = found.organisation(organisation).id  # an unknown one is 404 in the library's words
    _authorise(request, "read", district, {"id": organisation, "host": organisation,
                                           "participants": [organisation]})
    following = _next_revision(request, district, day)
    # what the list is made of: the year's revision, its records, the district's version, whose, the day,
    # and late in the year the next year's revision (its items within the horizon)
    tag = f"{revision}-{records[0]}.{records[1]}-{version[:8]}-{organisation}-{day.isoformat()}" + \
        (f"-{following}" if following else "")
    if _matches(request, tag):
        return _not_modified(tag)
    return text_response(_due_text(district, version, day.year, revision, records, organisation, day, following),
                         etag=tag)


def _next_revision(request: HttpRequest, code: str, day: dt.date) -> str | None:
    """The next year's current revision when a list as of ``day`` looks ahead to it (within
    :data:`liaison.year.due.NEXT_YEAR_HORIZON_DAYS` of its first day) and it is planned here."""
    from liaison.base.text import LAST_YEAR
    from liaison.year.due import NEXT_YEAR_HORIZON_DAYS

    if day.year >= LAST_YEAR or (dt.date(day.year + 1, 1, 1) - day).days > NEXT_YEAR_HORIZON_DAYS:
        return None
    return _seen_counting(request, code, day.year + 1)[2]


def _district_on(request: HttpRequest, code: str, as_of: dt.date | None
                 ) -> tuple[District, str, dt.date, str, tuple[int, int]]:
    """The district, its version, the day asked for (default: today in the district's time zone),
    the current revision of that day's year (404 without a plan) and the state of its records — one
    query, two only when the district's today is in another year than the service's (the night of
    31 December)."""
    from django.utils import timezone

    from liaison.year.planner import check_year

    guess = as_of or timezone.localdate()
    check_year(guess.year)
    found, version, revision, records = _seen_counting(request, code, guess.year)
    day = as_of or _today(found)
    if day.year != guess.year:
        check_year(day.year)
        found, version, revision, records = _seen_counting(request, code, day.year)
    if revision is None:
        raise _no_plan(found, day.year)
    return found, version, day, revision, records


@once(4 * CACHED, revision=3)
def _due_text(code: str, version: str, year: int, revision: str, records: tuple[int, int], organisation: str,
              day: dt.date, following: str | None = None) -> bytes:
    """One organisation's to-do list as of ``day`` on one revision of its year and one state of its
    records (:func:`liaison_web.records.records_state`), as JSON text: made once per process for each
    (revision, records, organisation, day, the next year's revision ``following``) — they name what
    it is made of."""
    district, state = _loaded(code, version, year, revision)
    ahead = (_loaded(code, version, year + 1, following)[1], following) if following else None
    return due_json(district, state, organisation, day, revision=revision, version=version, ahead=ahead).encode()


@once(CACHED, revision=3)
def _report(code: str, version: str, year: int, revision: str, records_at: tuple[int, int],
            as_of: dt.date | None) -> tuple[Report, bytes]:
    """:func:`_findings` and the report's JSON (UTF-8, as sent), made once per process for each
    (revision, state of the records, day) — and, of revisions whose findings are made of the same
    (:func:`_counted`), once for them all."""
    return _report_of(code, version, year, _counted(code, version, year, revision), records_at, as_of)


@once(CACHED)
def _report_of(code: str, version: str, year: int, counted: tuple[Records, tuple[Any, ...]],
               records_at: tuple[int, int], as_of: dt.date | None) -> tuple[Report, bytes]:
    report = _findings_of(code, version, year, counted, records_at, as_of)
    return report, to_json(report_document(report, _version(code, version))).encode()


@once(CACHED, revision=3)
def _findings(code: str, version: str, year: int, revision: str, records_at: tuple[int, int],
              as_of: dt.date | None) -> Report:
    """The year's findings as of a day (None: 31 December, as ``liaison check``) on one revision —
    the engagements marked held counted as records, as ``liaison check --plan`` counts them —
    made once per process for each (revision, state of the records, day): ``records_at``
    (:func:`liaison_web.records.records_state`) keys the cache, the records kept here counted with
    the plan's held engagements. Without the JSON (as long to make as the check itself):
    what the city's counts need."""
    return _findings_of(code, version, year, _counted(code, version, year, revision), records_at, as_of)


@once(CACHED, revision=3)
def _counted(code: str, version: str, year: int, revision: str) -> tuple[Records, tuple[Any, ...]]:
    """What of a revision the year's findings are made of: its engagements marked held (as
    records) and the holiday notices its calendar uses (:func:`liaison.year.state.year_calendar`'s). A
    change that moves, confirms or cancels a meeting not yet held leaves both as they were — the
    findings of the revision before are its findings, made again by no one (the check of the seed's
    year: some 20 ms a revision, with 50 clients writing the most of what a read waited for)."""
    from liaison.law.notices import notices_in_use

    _, state = _loaded(code, version, year, revision)
    return Records.from_plan(state.plan, held_only=True), notices_in_use(state.notices, (), year)


def _version(code: str, version: str) -> District:
    found = bootstrap.district_version(code)
    if found is None or found[1] != version:
        raise _no_district(code)
    return found[0]


@once(CACHED)
def _findings_of(code: str, version: str, year: int, counted: tuple[Records, tuple[Any, ...]],
                 records_at: tuple[int, int], as_of: dt.date | None) -> Report:
    """The findings made of ``counted`` (:func:`_counted`), the records kept here (their state
    ``records_at``) and the day: the check as ``liaison check --plan`` makes it."""
    from liaison.host.plugins import working_day_calendar
    from liaison.law.compliance import check
    from liaison.law.workdays import default_calendar, with_notices
    from liaison_web.records import year_records

    district = _version(code, version)
    held, used = counted
    calendar = with_notices(working_day_calendar() or default_calendar(), used)  # year_calendar's
    return check(district, held.merged(year_records(district, year)), year, as_of, calendar=calendar)


@api.get("/districts/{district}/years/{year}/findings",
         response={200: ReportModel, 304: None, **ERRORS}, tags=["years"])
def findings(request: HttpRequest, district: str, year: schemas.YEAR,
             as_of: schemas.DATE | None = None) -> HttpResponse:
    """The year's findings as ``liaison check --plan STATE --format json`` writes them (as of
    ``as_of``, default 31 December): every obligation × pairing or body × period, charged to who
    owed it; the engagements marked held are the records counted. ``ETag``: the year's revision.
    A caller who may read only its own organisation's engagements (a clerk, a liaison officer) gets
    the findings charged to it or about it, without the records no finding counted."""
    found, version, revision, at = _seen_counting(request, district, year)
    if revision is None:
        raise _no_plan(found, year)
    tag = findings_tag(request, district, revision, at, as_of=as_of)
    if _matches(request, tag):
        return _not_modified(tag)
    if _covers(request, "read", district):
        return text_response(_report(district, version, year, revision, at, as_of)[1], etag=tag)
    return text_response(_findings_seen_by(district, version, year, revision, at, as_of, *_members(request)),
                         etag=tag)


def findings_tag(request: HttpRequest, district: str, revision: str, records_at: tuple[int, int],
                 **query: Any) -> str:
    """The ETag of an answer made from the year's findings — the findings, the report, one body's
    findings: the year's revision and the state of its records, then (:func:`_view_tag`) the caller's
    view and what else names the body (``query``: the day, the organisation) — the one place each
    of them takes it from."""
    return _view_tag(request, district, f"{revision}-{records_at[0]}.{records_at[1]}", **query)


@once(2 * CACHED, revision=3)
def _findings_seen_by(code: str, version: str, year: int, revision: str, records_at: tuple[int, int],
                      as_of: dt.date | None, members: tuple[access.Member, ...], superuser: bool) -> bytes:
    """The findings as a caller with ``members`` may read them (those charged to its bodies or about
    them, without the records no finding counted), made once per (revision, state of the records,
    day) for each set of memberships, as :func:`_plan_seen_by`."""
    report, text = _report(code, version, year, revision, records_at, as_of)
    readable = tuple(f for f in report.findings if access.decide(members, "read", code, {
        "host": f.responsible or "", "participants": list(f.affected)}, superuser=superuser)
        == access.Decision.ALLOWED)
    if len(readable) == len(report.findings):
        return text
    district = _loaded(code, version, year, revision)[0]
    return to_json(report_document(attrs.evolve(report, findings=readable, not_counted=()), district)).encode()


# GET /city (the city auditor's view of every district): liaison_web.api_city


# -- webhooks (liaison_web.webhooks) -------------------------------------------------------------------
class EventModel(Schema):
    """An event as a webhook receives it (the body POSTed, signed; docs/service.md)."""

    id: str = Field(description="the event's id: the same on every attempt and replay (Idempotency-Key)")
    type: Literal[webhooks.EVENTS] = Field(description="what happened")  # type: ignore[valid-type]
    district: str
    organisation: str = Field(description="the webhook's organisation, or the engagement's host")
    occurred_at: dt.datetime
    engagement: EngagementModel | None = Field(description="the engagement the change was about; none for a "  # type: ignore[valid-type]
                                               "due event a record's change or a day passing raised")
    record: dict[str, Any] | None = Field(None, description="due.opened, due.closed raised by a record's change: "
                                          "the record as GET …/records/{kind}/{key} shows its version")
    revision: str | None = Field(None, description="the year's revision the change made (an If-Match takes it "
                                 "while the engagement is as sent)")
    reason: str | None = Field(None, description="a cancellation's reason")
    due: DueItemModel | None = Field(None, description="due.opened, due.closed: the item of the "  # type: ignore[valid-type]
                                     "organisation's to-do list (as the due list writes it; one by its key)")
    year: int | None = Field(None, description="due.opened, due.closed: the year the item belongs to (none: an "
                             "item told before items had one)")
    link: str | None = Field(None, description="due.opened, due.closed: where the service shows the item, a path "
                             "on the service (the engagement, the year's letters or findings, else the to-do list)")


class WebhookModel(Schema):
    """A webhook of the district (its secret is shown once, when made)."""

    id: int
    district: str
    organisation: str = Field(description="only this organisation's engagements (hosts or attends); empty: all")
    name: str
    url: str
    events: list[str]
    active: bool
    created: dt.datetime
    deliveries: dict[str, int] = Field(description="how many deliveries are pending, delivered, failed")
    api_token: str | None = Field(description="the API token it was registered through (its prefix): paused when "
                                          "that token ends; none: a session's, the command line's or adopted")
    paused: bool = Field(description="its token ended: nothing is sent (its events are queued, not lost) "
                                     "until an administrator adopts it (POST …/adopt)")
    paused_reason: Literal[tuple(owned.REASONS)] | None = Field(  # type: ignore[valid-type]
        description="why it is paused: token_revoked, token_expired, token_user_inactive, token_removed")


class NewWebhookModel(WebhookModel):
    secret: str = Field(description="the signing secret: shown this once")


class AttemptModel(Schema):
    at: dt.datetime
    status_code: int | None = Field(description="the receiver's HTTP status; none: no answer")
    response: str = Field(description="the answer's digest (sha256:…): what a receiver answers is not kept")
    error: str = Field(description="why there was no answer (refused, timed out)")
    milliseconds: int


class DeliveryModel(Schema):
    """One event for one webhook, with its delivery log."""

    id: int
    webhook: int
    event_id: str
    event_type: str
    status: str = Field(description="pending, delivered or failed (after the last attempt allowed)")
    attempts: int = Field(description="attempts since it was queued or replayed")
    next_attempt: dt.datetime | None
    created: dt.datetime
    delivered: dt.datetime | None
    event: EventModel
    log: list[AttemptModel]


#: A webhook's or a delivery's number (a row's id).
WebhookNumber = Annotated[int, Field(ge=1, le=2**63 - 1)]
DeliveryStatus = Literal[tuple(s for s, _ in models.DELIVERY_STATUSES)]  # type: ignore[valid-type]
EventName = Literal[webhooks.EVENTS]  # type: ignore[valid-type]


class WebhookBody(schemas.Body):
    url: str = Field(min_length=1, max_length=1000, pattern=webhooks.URL_PATTERN,
                     description="where to POST the events (http:// or https://, a host named)")
    events: list[EventName] = Field(default=list(webhooks.EVENTS), min_length=1,
                                    description=f"some of {', '.join(webhooks.EVENTS)}")
    organisation: Annotated[str, Field(max_length=64, pattern=f"^({ID_PATTERN.pattern})?$")] = Field(
        "", description="only this organisation's engagements (an organisation's id); empty: all")
    name: str = Field("", max_length=100, description="what it is (the OA system's name)")


class ReplayModel(Schema):
    replayed: int


_HOOKS = "/districts/{district}/webhooks"


def _webhook(request: HttpRequest, district: str, operation: str, webhook: int | None = None) -> Any:
    found, _ = _district(request, district, operation)
    _district_object(request, operation, district)
    if webhook is None:
        return found
    row = (models.Webhook.objects.select_related("district", "token__user")
           .filter(pk=webhook, district__code=district).first())
    if row is None:
        raise webhooks.unknown_webhook(district, webhook)
    return row


@api.get(_HOOKS, response={200: list[WebhookModel], **ERRORS}, tags=["webhooks"])
def webhook_list(request: HttpRequest, district: str) -> HttpResponse:
    """The district's webhooks (active or removed), with how many deliveries each has by status; a
    URL's user, password and query masked (``http://***@host/path?***``) for a caller who may not
    manage webhooks (an auditor, a city auditor, a read-only token)."""
    _webhook(request, district, "webhooks")
    rows = models.Webhook.objects.select_related("district", "token__user").filter(district__code=district)
    masked = not _manages_webhooks(request, district)
    return json_response([webhooks.described(w, masked=masked) for w in rows])


def _manages_webhooks(request: HttpRequest, district: str) -> bool:
    """The caller may manage the district's webhooks (its role, and its token's scope): it reads their
    URLs whole; anyone else without what may be a credential in them (:func:`liaison_web.masking.masked_url`)."""
    scopes = getattr(request, "scopes", None)
    return (scopes is None or access.SCOPE_OF["manage_webhooks"] in scopes) and _may(
        request, "manage_webhooks", district, {"id": district, "host": "", "participants": []}) == \
        access.Decision.ALLOWED


@api.post(_HOOKS, response={201: NewWebhookModel, **ERRORS}, tags=["webhooks"])
def webhook_add(request: HttpRequest, district: str, body: WebhookBody) -> HttpResponse:
    """Add a webhook: the district's events (of one organisation's engagements, with
    ``organisation``) are POSTed to ``url``, signed with the secret answered here — once."""
    from django.db import transaction

    found = _webhook(request, district, "manage_webhooks")
    with transaction.atomic():
        row, secret = webhooks.make_webhook(found, body.url, body.events, organisation=body.organisation,
                                            name=body.name, token=_token(request))
        shown = webhooks.described(row)
        _audited(request, "create", "webhook", str(row.pk), district, after=shown)
    response = json_response({**shown, "secret": secret}, status=201)
    response["Location"] = f"/api/v1/districts/{district}/webhooks/{row.pk}"
    return shown_once(response)


@api.get(f"{_HOOKS}/{{webhook}}", response={200: WebhookModel, **ERRORS}, tags=["webhooks"])
def webhook_one(request: HttpRequest, district: str, webhook: WebhookNumber) -> HttpResponse:
    """One webhook (its URL's user, password and query masked for a caller who may not manage webhooks)."""
    return json_response(webhooks.described(_webhook(request, district, "webhooks", webhook),
                                            masked=not _manages_webhooks(request, district)))


@api.delete(f"{_HOOKS}/{{webhook}}", response={200: WebhookModel, **ERRORS}, tags=["webhooks"])
def webhook_remove(request: HttpRequest, district: str, webhook: WebhookNumber) -> HttpResponse:
    """Remove a webhook: nothing more is queued or sent for it (its deliveries and log are kept)."""
    from django.db import transaction

    row = _webhook(request, district, "manage_webhooks", webhook)
    with transaction.atomic():
        before = webhooks.described(row)
        webhooks.remove_webhook(row)
        after = webhooks.described(row)
        _audited(request, "remove", "webhook", str(row.pk), district, before=before, after=after)
    return json_response(after)


@api.post(f"{_HOOKS}/{{webhook}}/adopt", response={200: WebhookModel, **ERRORS}, tags=["webhooks"])
def webhook_adopt(request: HttpRequest, district: str, webhook: WebhookNumber) -> HttpResponse:
    """Adopt a webhook registered through an API token: it is no token's from now on, and — paused
    because that token ended — resumed, what its pause held sent in order. Taking over what a token
    made is a decision about tokens: the access table's ``manage_tokens`` (an administrator, with a
    session or a token of the ``tokens`` scope — never a plain read-write token, which may be the
    leaked one). Audited (``adopt`` on ``webhook``); one no token's is answered as it is."""
    from django.db import transaction

    _district(request, district, "manage_tokens")
    _district_object(request, "manage_tokens", district)
    row = _webhook(request, district, "webhooks", webhook)
    with transaction.atomic():
        before = webhooks.described(row)
        if webhooks.adopt(row):
            after = webhooks.described(row)
            _audited(request, "adopt", "webhook", str(row.pk), district, before=before, after=after)
            return json_response(after)
    return json_response(before)


def _token(request: HttpRequest) -> Any:
    """The API token the request came with (a :class:`liaison_web.tokens.Caller`; None: a session)."""
    from liaison_web.tokens import Caller

    found = getattr(request, "auth", None)
    return found if isinstance(found, Caller) else None


@api.get(f"{_HOOKS}/{{webhook}}/deliveries", response={200: list[DeliveryModel], **ERRORS}, tags=["webhooks"])
def webhook_deliveries(request: HttpRequest, district: str, webhook: WebhookNumber,
                       status: DeliveryStatus | None = None,  # type: ignore[valid-type]
                       since_id: paging.SinceId | None = None, limit: paging.Limit | None = None) -> HttpResponse:
    """The webhook's deliveries, oldest first, each with its log (``status``: only pending,
    delivered or failed ones; ``since_id``, ``limit``: a page, the next in the ``Link`` header)."""
    row = _webhook(request, district, "webhooks", webhook)
    found = models.WebhookDelivery.objects.filter(webhook=row).prefetch_related("log").order_by("id")
    if status:
        found = found.filter(status=status)
    if since_id is not None:
        found = found.filter(id__gt=since_id)
    shown, after = paging.paged(list(found if limit is None else found[:limit + 1]), lambda d: int(d.pk), None, limit)
    return paging.link(json_response([webhooks.delivery_described(d) for d in shown]), request, after)


@api.post(f"{_HOOKS}/{{webhook}}/deliveries/{{delivery}}/replay",
          response={200: DeliveryModel, **ERRORS}, tags=["webhooks"])
def webhook_replay_one(request: HttpRequest, district: str, webhook: WebhookNumber,
                       delivery: WebhookNumber) -> HttpResponse:
    """Send one delivery again (failed, or delivered and lost by the receiver): the same event id and
    body, a new signature; its attempts counted afresh."""
    from django.db import transaction

    _webhook(request, district, "manage_webhooks", webhook)
    found = webhooks.delivery_of(district, webhook, delivery)
    with transaction.atomic():
        before = {"status": found.status, "attempts": found.attempts}
        webhooks.replay([found])
        _audited(request, "replay", "webhook-delivery", str(found.pk), district, before=before,
                 after={"status": "pending", "event_id": found.event_id})
    found.refresh_from_db()
    return json_response(webhooks.delivery_described(found))


@api.post(f"{_HOOKS}/{{webhook}}/replay", response={200: ReplayModel, **ERRORS}, tags=["webhooks"])
def webhook_replay_failed(request: HttpRequest, district: str, webhook: WebhookNumber) -> HttpResponse:
    """Send every failed delivery of the webhook again, oldest first."""
    from django.db import transaction

    row = _webhook(request, district, "manage_webhooks", webhook)
    with transaction.atomic():
        failed = list(models.WebhookDelivery.objects.filter(webhook=row, status="failed").order_by("id"))
        count = webhooks.replay(failed)
        if count:
            _audited(request, "replay", "webhook", str(row.pk), district,
                     after={"deliveries": [d.pk for d in failed]})
    return json_response({"replayed": count})


# -- calendar feeds (liaison_web.feeds) ----------------------------------------------------------------
class FeedTokenModel(Schema):
    prefix: str = Field(description="the token's first 12 characters")
    organisation: str
    created: dt.datetime
    revoked: dt.datetime | None
    api_token: str | None = Field(description="the API token the feed URL was made through (its prefix): the feed "
                                          "ends with it; none: made by a session")
    ended: Literal[("revoked", *owned.REASONS)] | None = Field(  # type: ignore[valid-type]
        description="why it no longer serves (404): revoked (revoked or rotated), or its API token's end "
                    "(token_revoked, token_expired, token_user_inactive, token_removed); none: it serves")


class NewFeedModel(FeedTokenModel):
    token: str = Field(description="the feed's secret: shown this once")
    url: str = Field(description="the feed's address (this service's host); ?year=2027 for another year")


_FEEDS = "/districts/{district}/organisations/{organisation}/feeds"


def _feed(request: HttpRequest, district: str, organisation: str) -> str:
    found, _ = _district(request, district, "feed")
    organisation = found.organisation(organisation).id  # an unknown one is 404 in the library's words
    _district_object(request, "feed", district, organisation)
    return organisation


@api.get(_FEEDS, response={200: list[FeedTokenModel], 401: Error, 403: Error, 404: Error}, tags=["feeds"])
def feed_list(request: HttpRequest, district: str, organisation: str) -> HttpResponse:
    """The organisation's feed tokens, in use and revoked (their prefixes: the tokens are not kept)."""
    organisation = _feed(request, district, organisation)
    from liaison_web import feeds

    rows = models.FeedToken.objects.select_related("token__user").filter(district__code=district,
                                                                          organisation=organisation)
    return json_response([feeds.described(r) for r in rows])


@api.post(_FEEDS, response={201: NewFeedModel, 401: Error, 403: Error, 404: Error}, tags=["feeds"])
def feed_rotate(request: HttpRequest, district: str, organisation: str) -> HttpResponse:
    """Make the organisation's calendar feed URL (``/feeds/<token>.ics``), revoking the one it had:
    the token is answered once. The feed is the organisation's calendar of the year, the bytes
    ``liaison export ical`` writes for it."""
    from django.db import transaction

    from liaison_web import feeds

    organisation = _feed(request, district, organisation)
    with transaction.atomic():
        row, token = feeds.rotate(district, organisation, token=_token(request))
        _audited(request, "rotate", "feed-token", row.prefix, district, after=feeds.described(row))
    return shown_once(json_response({**feeds.described(row), "token": token,
                                     "url": request.build_absolute_uri(f"/feeds/{token}.ics")}, status=201))


@api.delete(_FEEDS, response={200: dict[str, int], 401: Error, 403: Error, 404: Error}, tags=["feeds"])
def feed_revoke(request: HttpRequest, district: str, organisation: str) -> HttpResponse:
    """Revoke the organisation's feed URL: 404 from the next request on."""
    from django.db import transaction

    from liaison_web import feeds

    organisation = _feed(request, district, organisation)
    with transaction.atomic():
        count = feeds.revoke(district, organisation)
        if count:
            _audited(request, "revoke", "feed-token", organisation, district, after={"revoked": count})
    return json_response({"revoked": count})


# -- publishing to CalDAV (liaison_web.publishing) ------------------------------------------------------
class PublishBody(schemas.Body):
    calendars: list[str] = Field(default=[], description="only these calendars: 全部 and/or organisation ids")
    overwrite: bool = Field(False, strict=True,
                            description="replace events changed on the server since they were published")


class ConflictModel(Schema):
    calendar: str
    uid: str
    href: str
    reason: str
    reason_zh: str
    overwritten: bool


class PublishedModel(Schema):
    """What a publication did (``liaison publish caldav``'s summary)."""

    target: str = Field(description="the CalDAV server's address (no credentials)")
    created: int
    updated: int
    unchanged: int
    adopted: int
    requests: int
    writes: int
    conflicts: list[ConflictModel]
    revision: str | None = Field(description="the year's revision after the publication was recorded")


# POST …/publish/caldav queues a job, performed in the background: liaison_web.api_publish


# The changes and the audit of one engagement come before its read: the id is a path
# (2027/joint_meeting/construction), so the read's address would match theirs.
_CHANGE_RESPONSES: dict[int, Any] = {200: EngagementModel, **ERRORS, 409: Error, 412: Error, 428: Error}
_ONE = "/districts/{district}/years/{year}/engagements/{path:engagement}"


class ConfirmBody(schemas.Body):
    force: bool = Field(False, strict=True, description="also confirm a held or cancelled engagement (--force)")


class MoveBody(schemas.Body):
    date: schemas.DATE = Field(description="the new day, within the engagement's year")
    start: schemas.TIME | None = Field(None, description="the new start (HH:MM); none: the time it had")
    force: bool = Field(False, strict=True,
                        description="also move an agreed, held or cancelled engagement, or onto a day before today "
                                    "(--force)")


class CancelBody(schemas.Body):
    reason: str = Field(min_length=1, max_length=1000, description="why it is cancelled (kept in the audit log)")
    force: bool = Field(False, strict=True, description="also cancel a held engagement (--force)")


class HeldBody(schemas.Body):
    date: schemas.DATE | None = Field(None,
                                      description="the day it was held, if not the day planned (a move with it)")
    force: bool = Field(False, strict=True,
                        description="also mark a cancelled engagement held, or move an agreed one (--force)")


#: The OpenAPI of a change's ``If-Match``: required (428 without it, 412 with another revision). Read
#: by the view itself rather than declared as a parameter, so its absence is a 428, not a 422.
IF_MATCH: dict[str, Any] = {"parameters": [{
    "in": "header", "name": "If-Match", "required": True, "schema": {"type": "string", "pattern": r"\S"},
    "description": "the engagement's ETag as read (GET …/engagements/{id}), or the plan's ETag (the year's "
                   "revision) it was read at: 412 only when the engagement has changed since"}]}


def _if_match(request: HttpRequest) -> str:
    given = request.headers.get("If-Match", "").strip()
    if not given:
        raise PreconditionRequired("a change needs If-Match: the ETag of what it changes, as it was read",
                                   fix="read the engagement (GET) and send its ETag as If-Match",
                                   message_zh="修改须附 If-Match：所修改对象读取时的 ETag",
                                   fix_zh="请先读取该活动（GET），并将其 ETag 作为 If-Match 发送")
    return if_match_tags(given)  # "*", or the tags listed (a filtered plan's: its revision, not its view)


@attrs.frozen
class Changed:
    """A change made: the engagement after it (as the plan's JSON shows it), the year's new revision
    and the engagement's new ETag (:func:`liaison_web.etags.engagement_tag`)."""

    engagement: dict[str, Any]
    revision: str
    tag: str


class Stale(Exception):  # a signal to the two callers (the API, the pages), each answering its conflict
    """The change was made on a revision that is no longer the year's: nothing saved. ``conflict`` is
    the library's error (the API answers it with 412), ``engagement`` the engagement as it is now
    (the 412's body; a page shows it)."""

    def __init__(self, conflict: RevisionConflict, engagement: dict[str, Any]) -> None:
        super().__init__(conflict.render())
        self.conflict = conflict
        self.engagement = engagement


@attrs.define(eq=False)
class _Asked:
    """One change of an engagement waiting for its batch (:func:`liaison_web.group.submit`), with who
    asks it, and, once its turn came: the engagement as the batch held it then (``before``), whether
    its changes were applied (``taken``), the engagement after the batch and whether it has an
    audit entry of its own (``after``, ``audited``), the revisions before and after its batch and
    the bodies taking part whose to-do lists a webhook listens to (``prior``, ``revision``, ``bodies``)."""

    engagement: str
    operation: str
    changes: Callable[[dict[str, Any]], Sequence[Change]]
    force: bool
    expected: str  # the caller's If-Match, as given (the 412's message names it)
    seen: str  # the engagement's tag that If-Match was found to name
    noted: dict[str, Any] | None
    user: Any
    actor: str
    address: str
    before: dict[str, Any] | None = None
    taken: bool = False
    after: dict[str, Any] | None = None
    audited: bool = False
    revision: str = ""
    bodies: tuple[str, ...] = ()  # the bodies taking part whose to-do lists a webhook listens to
    prior: str = ""  # the year's revision before its batch


def change_engagement(request: HttpRequest, district: str, year: int, engagement: str, operation: str,
                      changes: Callable[[dict[str, Any]], Sequence[Change]], *, force: bool, expected: str,
                      noted: dict[str, Any] | None = None,
                      seen: tuple[District, str, str] | None = None) -> Changed:
    """Make one change of an engagement through the workspace's update (the command's: ``liaison plan
    --confirm/--move/--cancel/--held``), as the caller and on the revision ``expected`` (the API's
    ``If-Match``, a page's form field: the engagement's ETag, or a revision of the year it was read
    at); the audit entry and the webhooks' deliveries are written inside the save's transaction.
    Raises :class:`Stale` when the engagement is no longer what ``expected`` names (checked at once,
    and again under the year's lock: another engagement's change in between is no conflict), the
    access errors, and the library's refusals. The API and the pages both
    change engagements through this one function. ``seen``: the district, its version and the year's
    revision as the caller already read them for this request (:func:`_district_year`), so a write
    reads them once.

    The changes of one year waiting for its lock in this process are made together
    (:mod:`liaison_web.group`): the holder of the lock applies them in their order of arrival, each
    checked against the engagement as the batch holds it at its turn (its own 412, 409 or 422, the
    others unaffected), re-plans the year and saves it once, each change with its own audit entry,
    all in the save's one transaction; each caller is answered once that transaction is committed.
    The to-do lists the change concerns are compared after the commit (:func:`liaison_web.due.announce_committed`),
    outside the transaction and the year's lock, where the letters they list may be rendered."""
    from liaison_web import group
    from liaison_web.due import announce_committed

    found, version, revision = seen or _district_year(request, district, year, operation)
    shown = _one(district, version, year, revision, engagement)
    if shown is None:
        raise _no_engagement(year, engagement)
    _authorise(request, operation, district, shown[1])
    place = DatabaseStore().place(found, year)
    if not _saw(district, version, year, engagement, expected, shown[2]):  # told at once, not after the lock
        raise Stale(engagement_conflict(place, current=shown[2], expected=expected), shown[1])
    today = _today(found)
    user = request.user
    getattr(user, "pk", None)  # a session's lazy user made in its own thread: the batch's holder only reads it
    asked = _Asked(engagement, operation, changes, force, expected, shown[2], noted, user,
                   actor_of(request), remote_address(request))
    turn: group.Turn[_Asked] = group.Turn(asked)
    group.submit((DatabaseStore().using, district, version, year, today), turn,
                 lambda batch: _changes_made(found, version, year, today, batch))
    if turn.error is not None:
        raise turn.error
    if asked.bodies and asked.audited and asked.after is not None:
        # the to-do lists of the bodies taking part that a webhook listens to, compared now that the
        # change is committed: outside its transaction and the year's lock
        announce_committed(found, year, asked.revision, asked.bodies, today, about=asked.after, prior=asked.prior,
                           version=version)
    if asked.after is not None and asked.audited:
        return Changed(asked.after, asked.revision, engagement_tag(to_json(asked.after).encode()))
    kept = _one(district, version, year, asked.revision, engagement)
    if kept is None:
        raise _no_engagement(year, engagement)
    return Changed(kept[1], asked.revision, kept[2])


def _changes_made(found: District, version: str, year: int, today: dt.date,
                  batch: Sequence[Any]) -> None:
    """Make a batch of changes (:func:`change_engagement`'s, the turns of :mod:`liaison_web.group`),
    each turn's outcome left on its own: refused alone when the batch as a whole cannot be saved
    for a reason that is not a conflict (each change then made alone, in order)."""
    try:
        _batch_made(found, version, year, today, batch)
    except (RevisionConflict, StorageError, ExportError):  # the year's or the database's, not a change's
        raise
    except LiaisonError:
        if len(batch) == 1:
            raise
        for turn in batch:
            turn.asked.before, turn.asked.taken, turn.asked.after, turn.asked.audited = None, False, None, False
            turn.error = None
            try:
                _batch_made(found, version, year, today, [turn])
            except Exception as exc:  # each turn's own error, answered to its caller
                turn.error = exc


def _taken(asked: _Asked) -> None:
    asked.taken = True


def _batch_made(found: District, version: str, year: int, today: dt.date, batch: Sequence[Any]) -> None:
    from liaison.host.plugins import working_day_calendar
    from liaison_web.audit import record
    from liaison_workspace import Step, Workspace

    code = found.info.id
    place = DatabaseStore().place(found, year)
    alone = len(batch) == 1
    hooks: list[models.Webhook] = []
    owner: list[models.District | None] = []

    def audit(state: YearState, tag: str) -> None:
        """Inside the save's transaction: each entry is committed with the batch's change, or none is."""
        for turn in batch:
            asked: _Asked = turn.asked
            if not asked.taken:
                continue
            after = engagement_document(found, state, asked.engagement)
            assert after is not None  # a change keeps every engagement (a cancelled one as cancelled)
            asked.after = after
            if not alone and after == asked.before:  # nothing of its own changed (confirming what is agreed)
                continue
            asked.audited = True
            if not owner:
                owner.append(models.District.objects.filter(code=code).first())
            record(asked.operation, "engagement", asked.engagement, user=asked.user, district=code,
                   remote_address=asked.address, actor=asked.actor, before=asked.before,
                   after={**after, **asked.noted} if asked.noted else after, owner=owner[0])
            # the outbox: the webhooks' deliveries are committed with the change and its entry, or none is
            webhooks.enqueue(code, webhooks.EVENT_OF[asked.operation], after, revision=tag, hooks=hooks,
                             **(asked.noted or {}))

    store = DatabaseStore(on_save=audit)
    with store.lock(found, year):
        current = _revision(found, year)
        _, held = _loaded(code, version, year, current)
        # the district's webhooks, read once for the batch: who is told of each change, and whose
        # to-do lists are compared after the commit
        hooks[:] = models.Webhook.objects.filter(district__code=code, active=True)
        listening = set(watching(found, hooks))

        def step(asked: _Asked, plan: Any) -> Sequence[Change]:
            """The engagement as the batch holds it at this turn, compared with what its caller saw."""
            try:
                now = plan.get(asked.engagement)
            except PlanningError:
                raise _no_engagement(year, asked.engagement) from None
            was = held.plan.get(asked.engagement)
            if now is was:  # as the year holds it: its read, made once per revision
                kept = _one(code, version, year, current, asked.engagement)
                assert kept is not None
                shown, tag = kept[1], kept[2]
            else:  # changed by a turn before it in this batch
                shown = _document(found, held, now)
                tag = engagement_tag(to_json(shown).encode())
            if tag != asked.seen:
                raise engagement_conflict(place, current=tag, expected=asked.expected)
            asked.before = shown
            return asked.changes(shown)

        try:
            outcome = Workspace(store=store).update_each(
                found, year, [Step(functools.partial(step, t.asked), force=t.asked.force,
                                   taken=functools.partial(_taken, t.asked)) for t in batch],
                expected=current, calendar=working_day_calendar(), as_of=today)
        except RevisionConflict:  # a writer that does not take the year's lock saved in between
            latest = _revision(found, year)
            for turn in batch:
                again = _one(code, version, year, latest, turn.asked.engagement)
                if again is None:
                    turn.error = _no_engagement(year, turn.asked.engagement)
                    continue
                turn.error = Stale(engagement_conflict(place, current=again[2], expected=turn.asked.expected),
                                   again[1])
            return
    for turn, refused in zip(batch, outcome.refused, strict=True):
        asked = turn.asked
        asked.revision, asked.prior = outcome.revision, current
        if refused is None:
            shown = asked.before or {}
            asked.bodies = tuple(b for b in dict.fromkeys([shown.get("host", ""), *shown.get("participants", ())])
                                 if b in listening)
            continue
        if isinstance(refused, RevisionConflict):  # its engagement is no longer what its caller saw
            now = _one(code, version, year, outcome.revision, asked.engagement)
            if now is None:
                turn.error = _no_engagement(year, asked.engagement)
                continue
            turn.error = Stale(engagement_conflict(place, current=now[2], expected=asked.expected), now[1])
        else:
            turn.error = refused


def _change(request: HttpRequest, district: str, year: int, engagement: str, operation: str,
            changes: Callable[[dict[str, Any]], Sequence[Change]], force: bool,
            noted: dict[str, Any] | None = None) -> HttpResponse:
    """The API's change: on the revision its ``If-Match`` names; the engagement after, with the new
    revision's ETag, or 412 with the engagement as it is now."""
    seen = _district_year(request, district, year, operation)  # an unknown district: 404, before If-Match's 428
    expected = _if_match(request)
    try:
        done = change_engagement(request, district, year, engagement, operation, changes, force=force,
                                 expected=expected, noted=noted, seen=seen)
    except Stale as stale:
        return _stale(request, stale.conflict, stale.engagement)
    return json_response(done.engagement, etag=done.tag)


def _stale(request: HttpRequest, conflict: RevisionConflict, current: dict[str, Any]) -> HttpResponse:
    """412: the error, the engagement as it is now, its current ETag as the ETag."""
    response = error_response(request, conflict, 412, engagement=current)
    if conflict.current:
        response["ETag"] = f'"{conflict.current}"'
    return response


@api.post(f"{_ONE}/confirm", response=_CHANGE_RESPONSES, openapi_extra=IF_MATCH, tags=["engagements"])
def confirm(request: HttpRequest, district: str, year: schemas.YEAR, engagement: str,
            body: ConfirmBody) -> HttpResponse:
    """Both sides agreed the date (``liaison plan --confirm``). ``If-Match``: the year's ETag."""
    return _change(request, district, year, engagement, "confirm", lambda e: [Change("confirm", engagement)],
                   body.force)


@api.post(f"{_ONE}/move", response=_CHANGE_RESPONSES, openapi_extra=IF_MATCH, tags=["engagements"])
def move(request: HttpRequest, district: str, year: schemas.YEAR, engagement: str, body: MoveBody) -> HttpResponse:
    """Move to another day, and start (``liaison plan --move ID@DAY[THH:MM]``); it becomes agreed.
    A day off is kept with the plan's warning, as the command keeps it; another year is refused; a day
    before today is 409 ``DayGoneBy`` unless ``force`` (held then: ``…/held`` with the day)."""
    start = dt.time.fromisoformat(body.start) if body.start else None
    return _change(request, district, year, engagement, "move",
                   lambda e: [Change("move", engagement, body.date, start)], body.force)


@api.post(f"{_ONE}/cancel", response=_CHANGE_RESPONSES, openapi_extra=IF_MATCH, tags=["engagements"])
def cancel(request: HttpRequest, district: str, year: schemas.YEAR, engagement: str, body: CancelBody) -> HttpResponse:
    """Cancel, with the reason (``liaison plan --cancel``): kept in the plan as cancelled, the reason
    in the audit log."""
    return _change(request, district, year, engagement, "cancel", lambda e: [Change("cancel", engagement)],
                   body.force, noted={"reason": body.reason})


@api.post(f"{_ONE}/held", response=_CHANGE_RESPONSES, openapi_extra=IF_MATCH, tags=["engagements"])
def held(request: HttpRequest, district: str, year: schemas.YEAR, engagement: str, body: HeldBody) -> HttpResponse:
    """It took place (``liaison plan --held``); on another day than planned, that day too (``--move
    ID@DAY --held ID``, as the command takes both)."""
    def changes(current: dict[str, Any]) -> list[Change]:
        moved = body.date is not None and body.date.isoformat() != current.get("date")
        return [*([Change("move", engagement, body.date)] if moved else []), Change("held", engagement)]
    return _change(request, district, year, engagement, "held", changes, body.force)


@api.get(f"{_ONE}/audit", response={200: list[EntryModel], **ERRORS}, tags=["audit"])
def engagement_audit(request: HttpRequest, district: str, year: schemas.YEAR,
                     engagement: str) -> HttpResponse:
    """The audit log of one engagement, oldest first."""
    _, version, revision = _district_year(request, district, year, "audit")
    current = _one(district, version, year, revision, engagement)
    if current is None:
        raise _no_engagement(year, engagement)
    _authorise(request, "audit", district, current[1])
    rows = models.AuditEntry.objects.filter(district__code=district, object_type="engagement", object_id=engagement)
    return json_response([_entry(row, district) for row in rows])


@api.get(_ONE, response={200: EngagementModel, 304: None, **ERRORS}, tags=["engagements"])
def engagement(request: HttpRequest, district: str, year: schemas.YEAR, engagement: str) -> HttpResponse:
    """One engagement as the plan shows it (``2027/joint_meeting/construction``); ``ETag``: its own
    (a digest of this answer: it changes when the engagement does, not when another does), which a
    change names in ``If-Match``."""
    _, version, revision = _district_year(request, district, year)
    current = _one(district, version, year, revision, engagement)
    if current is None:
        raise _no_engagement(year, engagement)
    _authorise(request, "read", district, current[1])
    if _matches(request, current[2]):
        return _not_modified(current[2])
    return text_response(current[0], etag=current[2])


# -- the year's outputs: letters, calendars, workbooks, the page (liaison_web.outputs) ------------------
LetterRecordModel = schemas.model_of(LetterRecord)


class LetterModel(Schema):
    """One letter of the year as an export on ``day`` leaves it."""

    path: str = Field(description="its path inside the year (草稿/… for a draft); GET …/letters/{path} downloads it")
    pdf: str = Field(description="the path of its PDF (GET …/letters/{pdf}: converted by LibreOffice)")
    status: Literal["issued", "due", "draft"] = Field(
        description="issued: in force in the year store, whatever the day (served as it went out); "
                    "due: due on or before the day and not issued yet "
                    "(POST …/letters/issue issues it; the number shown is the one it would take, and its download "
                    "has none until then); draft: due later")
    record: LetterRecordModel | None = Field(  # type: ignore[valid-type]
        description="its entry in the year's register (none for a draft)")


class LettersModel(Schema):
    day: dt.date = Field(description="the day of issue the drafts are shown for")
    revision: str = Field(description="the year's revision they were made from (the ETag)")
    letters: list[LetterModel]


class FileModel(Schema):
    """One file an exporter writes for the year."""

    path: str = Field(description="its path inside the year")
    name: str = Field(description="its name: the last part of the address that downloads it")
    size: int
    sha256: str
    organisation: str | None = Field(None, description="a calendar's organisation (none: the whole district's)")


class IssueBody(schemas.Body):
    day: schemas.DATE = Field(description="the day of issue: the drafts due on or before it are numbered and dated it "
                                     "(liaison export docx --issued-on DAY)")
    force: bool = Field(False, strict=True, description="also issue on a day after today (in the district's time "
                                                        "zone) or before an earlier issue's day (--force)")


class IssuedModel(Schema):
    day: dt.date
    revision: str = Field(description="the year's new revision (the ETag)")
    issued: list[LetterRecordModel] = Field(description="the letters this issue numbered")  # type: ignore[valid-type]


_YEAR = "/districts/{district}/years/{year}"
_READ_RESPONSES: dict[int, Any] = {**ERRORS, 501: Error}


def _binary(*suffixes: str) -> dict[str, Any]:
    """The OpenAPI of a download: its bytes in the media type(s) of ``suffixes``."""
    return {"responses": {200: {"description": "the file", "content": {
        outputs.MEDIA_TYPES[s]: {"schema": {"type": "string", "format": "binary"}} for s in suffixes}}}}


def _installed(exporter: str) -> None:
    """The exporter is installed beside the service, or 501 (the service cannot do this as installed)."""
    from liaison.host.plugins import exporters

    if exporter not in exporters():
        raise NotAvailable(f"the service has no {exporter} exporter installed", file=exporter,
                           fix=f"install liaison-{exporter} beside liaison-web and restart the service",
                           message_zh=f"服务未安装 {exporter} 导出插件",
                           fix_zh=f"请在 liaison-web 旁安装 liaison-{exporter} 并重启服务")


def _rendering(request: HttpRequest, district: str, year: int, operation: str, exporter: str,
               options: dict[str, Any] | None = None, day: dt.date | None = None
               ) -> tuple[District, str, outputs.Rendered]:
    """The district (seen by the caller, with the token's scope), the year's revision, and what
    ``exporter`` writes for it on ``day`` (default today in the district's time zone)."""
    found, version = _district(request, district, operation)
    check_year(year)
    revision = _revision(found, year)
    _installed(exporter)
    made = outputs.render(found, version, year, revision, exporter, options or {}, day or _today(found))
    return found, revision, made


def _letter_object(path: str, record: LetterRecord | None, engagements: dict[str, dict[str, Any]],
                   about: Mapping[str, LetterAbout]) -> dict[str, Any]:
    """Whose a letter is, for :func:`access.decide`, from what the letters' exporter says of it
    (``about``: :mod:`liaison_docx.about`). A draft is its issuer's (``host``) and its recipient's
    (``participants``): a body reads exactly the drafts addressed to it or issued by it; a draft the
    exporter says nothing of is the district's. A letter with a record (issued, or due with the
    record issuing would give it) is also the engagement's it is about (its host and participants),
    as its record says, and still its issuer's: a department reads the 反馈函 it sent. Each carries
    its engagement (the engagement page lists its letters) and the provisions it rests on (my year
    links them)."""
    said = about.get(path)
    provisions = list(said.provisions) if said is not None else []
    if record is None:
        if said is None:
            return {"id": path, "host": "", "participants": [], "provisions": provisions}
        return {"id": path, "host": said.issuer, "participants": [said.recipient] if said.recipient else [],
                "engagement": said.engagement, "provisions": provisions}
    of = engagements.get(record.engagement, {})
    issuer = said.issuer if said is not None else ""
    return {"id": path, "host": of.get("host", "") or issuer,
            "participants": [x for x in dict.fromkeys((record.recipient, issuer, *of.get("participants", ()))) if x],
            "engagement": record.engagement, "provisions": provisions}


def _letters(request: HttpRequest, district: str, year: int, day: dt.date | None
             ) -> tuple[str, dt.date, list[tuple[str, str, LetterRecord | None, dict[str, Any]]], outputs.Rendered]:
    """Every letter (path, status, record, whose) of the year on ``day``, and the files served for them
    (:func:`_shown`): each letter in force in the year store (``issued``, whatever the day: an issue
    withdraws what it replaces, a look does not), those an issue on the day would number (``due``,
    with the record issuing would give them: no letter carries that number before it is issued) and
    the later drafts."""
    from liaison_docx.about import ABOUT, read_about  # the letters' exporter is installed (_rendering)

    found, version = _district(request, district, "letters")
    when = day or _today(found)
    _, revision, made = _rendering(request, district, year, "letters", "docx", {}, when)
    shown = _shown(found, version, year, revision, when)
    stored = DatabaseStore().load(found, year, revision=revision)
    issued = {r.path: r for r in stored.state.letters if r.active} if stored is not None else {}
    engagements = _rendered(district, version, year, revision)[2]
    paths = [p for p in sorted(shown.files) if p.endswith(".docx")]
    due = [p for p in paths if p not in issued and not p.startswith(f"{outputs.DRAFTS}/")]
    taken = {r.doc_number for r in stored.state.letters} if stored is not None else set()
    would = {r.path: r for r in made.letters().values() if r.doc_number not in taken}
    numbered = {p: would.pop(p) for p in due if p in would}
    # one issuing would put in the place of a letter in force (re-issued at the path it had) waits beside
    # it: the two exports number them in the same order
    numbered.update(zip((p for p in due if p not in numbered), (would[p] for p in sorted(would)), strict=False))
    # whose each letter is: the list the export writes beside its letters (liaison_docx.about), the
    # preview's own where it has one (a re-issued draft waiting beside a letter in force is only there)
    kept = shown.files.get(ABOUT) or made.files.get(ABOUT)
    about = read_about(kept) if kept is not None else {}
    listed = []
    for path in paths:
        record = issued.get(path) or numbered.get(path)
        status = "issued" if path in issued else "due" if path in due else "draft"
        listed.append((path, status, record, _letter_object(path, record, engagements, about)))
    return revision, when, listed, shown


def _shown(found: District, version: str, year: int, revision: str, day: dt.date) -> outputs.Rendered:
    """The letters as they are served on ``day``: the docx exporter's ``preview`` — each letter in force
    with the bytes that went out, every other one as its draft, with no number (docs/letters.md). A
    PDF is converted one letter at a time (:mod:`liaison_web.letters_pdf`)."""
    return outputs.render(found, version, year, revision, "docx", {"preview": True}, day)


def _download(path: str, data: bytes) -> HttpResponse:
    from urllib.parse import quote

    name = path.rsplit("/", 1)[-1]
    response = HttpResponse(data, content_type=outputs.media_type(path))
    fallback = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    response["ETag"] = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
    return response


def _no_file(year: int, path: str) -> NotFound:
    return NotFound(f"the {year} has no file {path!r}", path=("files",),
                    fix="take a path from the year's list (GET …/letters, …/calendars, …/workbooks)",
                    message_zh=f"{year}年没有文件 {path!r}", fix_zh="请从该年度的文件列表中选取路径")


@api.post(f"{_YEAR}/letters/issue", response={200: IssuedModel, **ERRORS, 412: Error, 428: Error,
                                               501: Error}, openapi_extra=IF_MATCH, tags=["letters"])
def issue_letters(request: HttpRequest, district: str, year: schemas.YEAR, body: IssueBody) -> HttpResponse:
    """Issue the drafts due on or before ``day``: each is dated the day and takes the next number of
    its series from the year's register, and its bytes are kept in the year store for good — what
    ``liaison export docx --issued-on DAY`` does (the same export flow). ``If-Match``: the year's ETag."""
    tag, issued = issue_on(request, district, year, body.day, force=body.force)
    return json_response({"day": body.day, "revision": tag, "issued": issued}, etag=tag)


def issue_on(request: HttpRequest, district: str, year: int, day: dt.date, expected: str | None = None,
             *, force: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """The issue of :func:`issue_letters` (the API's and the office's letters page's one flow): the
    caller authorised, the year at ``expected`` (None: the request's ``If-Match``, asked after the
    district is found), the letters issued with their audit entry in the save's transaction. The new
    revision and the letters it numbered (as the plan's JSON shows them)."""
    from liaison_web.audit import record

    found, version = _district(request, district, "issue")
    expected = _if_match(request) if expected is None else expected
    check_year(year)
    revision = _revision(found, year)
    _authorise(request, "issue", district, _whole(f"{year}"))
    _installed("docx")
    if not matches(expected, revision):
        raise RevisionConflict.of(DatabaseStore().place(found, year), current=revision, expected=expected)
    expected = revision  # "*" or a list naming it: the revision it is made on
    user, prefix = request.user, getattr(request, "token_prefix", None)
    made: dict[str, Any] = {}
    stored = DatabaseStore().load(found, year)
    made["before"] = stored.state if stored is not None else YearState(district=found.info.id, year=year)
    # the to-do lists a webhook listens to hold the letters each body is to issue: those issued close
    # (liaison_web.due.announce), compared with the lists before where none was told yet
    today = _today(found)
    bodies = list(watched(found)) if today.year == year and stored is not None else []
    due_before = {b: _due_of(found, made["before"], b, today, revision=revision, version=version)["items"]
                  for b in bodies}

    def audit(state: YearState, tag: str) -> None:
        """Inside the save's transaction: the entry is committed with the letters, or neither is."""
        before = {(r.key, r.serial) for r in made["before"].letters}
        new = [json.loads(to_json(document(r))) for r in state.letters if (r.key, r.serial) not in before]
        made["issued"] = new
        record("issue", "letters", f"{year}", user=user, district=district, remote_address=remote_address(request),
               actor=f"{user.get_username()} (token {prefix}…)" if prefix else None,
               before={"revision": expected, "day": day.isoformat()}, after={"revision": tag, "issued": new})
        if bodies:  # the outbox: committed with the letters and their entry, or none is
            announce(found, state, bodies, today, revision=tag, before=due_before)
    # a day to come, or before an earlier issue's, is refused unless forced: issuing cannot be undone
    _, tag = outputs.issue(found, year, day, expected, audit, today=today, force=force)
    return tag, list(made.get("issued", []))


@api.get(f"{_YEAR}/letters", response={200: LettersModel, **_READ_RESPONSES}, tags=["letters"])
def letters(request: HttpRequest, district: str, year: schemas.YEAR,
            day: schemas.DATE | None = None) -> HttpResponse:
    """The year's letters as ``liaison export docx --issued-on DAY`` would leave them (``day``: default
    today in the district's time zone): the issued ones (kept in the year store), those due by the day
    and not issued yet, the drafts. Of those, the ones the caller may read: a body the letters
    addressed to it or about its engagements and the drafts addressed to it or issued by it (as the
    letters' exporter lists them: :func:`_letter_object`), the administrators and auditors every one.
    ``ETag``: the year's revision and, after a ``+``, a digest of what else the list is made of — the
    day, the state of the year's records, the district's version and the caller's view (its
    memberships, as the plan's filtered ``ETag``) —; ``If-None-Match`` with it answers 304 without
    the letters being made. As ``If-Match`` of an issue it names the revision."""
    tag = _letters_tag(request, district, year, day)
    if _matches(request, tag):
        return _not_modified(tag)
    revision, when, listed, _ = _letters(request, district, year, day)
    shown = [{"path": path, "pdf": path.removesuffix(".docx") + ".pdf", "status": status,
              "record": document(record) if record is not None else None}
             for path, status, record, whose in listed
             if _may(request, "letters", district, whose) == access.Decision.ALLOWED]
    return json_response({"day": when, "revision": revision, "letters": shown}, etag=tag)


def _letters_tag(request: HttpRequest, code: str, year: int, day: dt.date | None) -> str:
    """The letters list's ``ETag`` (:func:`letters`), from one query: the year's revision, then the
    digest of the day (default today), the records' state, the version and the caller's view. A tag
    made before a change and sent with the list after it names nothing current: neither the revision
    nor the records' state ever comes back."""
    check_year(year)
    _installed("docx")
    seen = bootstrap.district_year_records(code, year) if _sees(request, code, "letters") else None
    if seen is None:
        raise _no_district(code)
    found, version, revision, records = seen
    if revision is None:
        raise _no_plan(found, year)
    when = day or _today(found)
    return _view_tag(request, code, revision, day=when.isoformat(), records=f"{records[0]}.{records[1]}",
                     version=version)


@api.get(f"{_YEAR}/letters/{{path:letter}}", response=_READ_RESPONSES, openapi_extra=_binary(".docx", ".pdf"),
         tags=["letters"])
def letter(request: HttpRequest, district: str, year: schemas.YEAR,
           letter: Annotated[str, Field(pattern=r"^.+\.(docx|pdf)$")],
           day: schemas.DATE | None = None) -> HttpResponse:
    """One letter, ``.docx`` — or ``.pdf``, that letter alone converted by LibreOffice as the docx
    exporter's ``pdf`` option converts it, after the caller is authorised (one conversion at a time:
    503 with ``Retry-After`` while another runs) —, as the list names it; an issued letter's bytes
    are those the year store keeps. A letter not issued in the year's store (due, or a draft) is
    served as its draft — no number, its own date: the exporter's ``preview`` — for only issuing
    (POST …/letters/issue) gives numbers, and a number shown on a letter before then could go to
    another one."""
    from liaison_web import letters_pdf

    pdf = letter.endswith(".pdf")
    docx = letter.removesuffix(".pdf") + ".docx" if pdf else letter
    found, version = _district(request, district, "letters")
    check_year(year)
    revision = _revision(found, year)
    when = day or _today(found)
    stored = DatabaseStore().load(found, year, revision=revision)
    sent = next((r for r in stored.state.letters if r.active and r.path == docx), None) if stored is not None else None
    if sent is not None:  # in force: as it went out, on any day, whatever an issue on the day would number
        from liaison_docx.about import ABOUT, read_about

        # by its record, and its issuer as the letters' exporter says (the export serving it lists it)
        listed_about = _shown(found, version, year, revision, when).files.get(ABOUT)
        whose = _letter_object(docx, sent, _rendered(district, version, year, revision)[2],
                               read_about(listed_about) if listed_about is not None else {})
    else:
        revision, when, listed, _ = _letters(request, district, year, day)
        item = next((item for item in listed if item[0] == docx), None)
        if item is None:
            raise _no_file(year, letter)
        whose = item[3]
    _authorise(request, "letters", district, whose)
    made = _shown(found, version, year, revision, when)
    if docx not in made.files:
        raise _no_file(year, letter)
    if not pdf:
        return _download(letter, made.files[docx])
    # an issued letter's PDF, if the year store keeps one (issued with --pdf), is that one
    kept = DatabaseStore().read(found, year, letter) if sent is not None else None
    try:
        # the date stamped into the PDF: the letter's own, a draft's (no record yet) the day asked
        data = kept or letters_pdf.pdf_of(made.files[docx], sent.date if sent is not None else when)
    except letters_pdf.ConverterBusy as busy:
        response = error_response(request, busy, 503)
        response["Retry-After"] = str(busy.retry_after)
        return response
    return _download(letter, data)


def _calendars(request: HttpRequest, district: str, year: int, day: dt.date | None
               ) -> tuple[list[tuple[dict[str, Any], str | None]], outputs.Rendered]:
    from liaison.host.exporting import safe_name

    found, _, made = _rendering(request, district, year, "calendar", "ical", day=day)
    stems = {safe_name(o.id): o.id for o in found.organisations}
    listed = []
    for path, data in sorted(made.files.items()):
        name = path.rsplit("/", 1)[-1]
        org = stems.get(name.removesuffix(".ics"))
        listed.append(({"path": path, "name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                        "organisation": org}, org))
    return listed, made


def _whose_calendar(name: str, organisation: str | None) -> dict[str, Any]:
    """An organisation's calendar is that organisation's; the whole district's is the district's."""
    return {"id": name, "host": organisation or "", "participants": []}


def _whole(name: str) -> dict[str, Any]:
    """An output holding every body's year (the workbooks, the page), or issuing every body's letters:
    the district's, no body's."""
    return {"id": name, "host": "", "participants": []}


@api.get(f"{_YEAR}/calendars", response={200: list[FileModel], **_READ_RESPONSES}, tags=["outputs"])
def calendars(request: HttpRequest, district: str, year: schemas.YEAR,
              day: schemas.DATE | None = None) -> HttpResponse:
    """The year's calendars (the ical exporter's files, as ``liaison export ical`` writes them on
    ``day``): one per organisation taking part, and the whole district's. Of those, the ones the
    caller may read: a body its own, the administrators and auditors every one."""
    listed, _ = _calendars(request, district, year, day)
    return json_response([item for item, org in listed if _may(
        request, "calendar", district, _whose_calendar(item["name"], org)) == access.Decision.ALLOWED])


@api.get(f"{_YEAR}/calendars/{{name}}", response=_READ_RESPONSES, openapi_extra=_binary(".ics"), tags=["outputs"])
def calendar(request: HttpRequest, district: str, year: schemas.YEAR, name: str,
             day: schemas.DATE | None = None) -> HttpResponse:
    """One calendar (``health.ics``, the district's ``全部.ics``), byte for byte what ``liaison export
    ical`` writes."""
    listed, made = _calendars(request, district, year, day)
    found = next(((item, org) for item, org in listed if item["name"] == name), None)
    if found is None:
        raise _no_file(year, name)
    _authorise(request, "calendar", district, _whose_calendar(name, found[1]))
    return _download(found[0]["path"], made.files[found[0]["path"]])


@api.get(f"{_YEAR}/workbooks", response={200: list[FileModel], **_READ_RESPONSES}, tags=["outputs"])
def workbooks(request: HttpRequest, district: str, year: schemas.YEAR,
              day: schemas.DATE | None = None) -> HttpResponse:
    """The year's workbooks (the xlsx exporter's: the 安排表 and the 台账 template)."""
    _, _, made = _rendering(request, district, year, "workbooks", "xlsx", day=day)
    _authorise(request, "workbooks", district, _whole(f"{year}/workbooks"))
    return json_response([{"path": path, "name": path.rsplit("/", 1)[-1], "size": len(data),
                           "sha256": hashlib.sha256(data).hexdigest(), "organisation": None}
                          for path, data in sorted(made.files.items())])


@api.get(f"{_YEAR}/workbooks/{{name}}", response=_READ_RESPONSES, openapi_extra=_binary(".xlsx"), tags=["outputs"])
def workbook(request: HttpRequest, district: str, year: schemas.YEAR, name: str,
             day: schemas.DATE | None = None) -> HttpResponse:
    """One workbook, byte for byte what ``liaison export xlsx`` writes."""
    _, _, made = _rendering(request, district, year, "workbooks", "xlsx", day=day)
    _authorise(request, "workbooks", district, _whole(name))
    path = next((p for p in made.files if p.rsplit("/", 1)[-1] == name), None)
    if path is None:
        raise _no_file(year, name)
    return _download(path, made.files[path])


@api.get(f"{_YEAR}/page", response=_READ_RESPONSES, openapi_extra=_binary(".html"), tags=["outputs"])
def page(request: HttpRequest, district: str, year: schemas.YEAR, day: schemas.DATE | None = None) -> HttpResponse:
    """The year's page (the html exporter's ``index.html``), as ``liaison export html`` writes it."""
    _, _, made = _rendering(request, district, year, "page", "html", day=day)
    _authorise(request, "page", district, _whole(f"{year}/page"))
    path = next((p for p in made.files if p.endswith(".html")), None)
    if path is None:
        raise _no_file(year, "index.html")
    response = _download(path, made.files[path])
    response["Content-Disposition"] = "inline"
    return response


def _not_modified(revision: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = f'"{revision}"'
    del response["Content-Type"]  # no body: no type of one (RFC 9110 15.4.5)
    return response


