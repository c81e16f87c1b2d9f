"""What the API (:mod:`liaison_web.api`) and the pages (:mod:`liaison_web.pages`) both do, written
once: who the caller is and what it may do (:mod:`liaison_web.access`), the district and the year's
plan as the caller may see them, one change of an engagement through the workspace's own update with
its audit entry in the save's transaction (:func:`change`), and a body's to-do list (:func:`due`).

Each raises the library's errors (:class:`~liaison.base.errors.LiaisonError`); the API answers them
in the one error document, the pages as a page — the rules are the same for both."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from django.http import HttpRequest

from liaison.formats.documents import due_document, to_json
from liaison.formats.state import plan_document
from liaison.law.district import District
from liaison.law.workdays import WorkingDayCalendar
from liaison.year.reconcile import Change
from liaison.year.state import YearState
from liaison.year.store import RevisionConflict
from liaison_web import access, bootstrap, models
from liaison_web.callers import remote_address
from liaison_web.errors import Forbidden, NotFound
from liaison_web.store import DatabaseStore

__all__ = ["Changed", "Stale", "authorise", "change", "district", "due", "may", "members", "no_district",
           "no_engagement", "no_plan", "rendered", "revision", "scope", "today", "working_days"]


def members(request: HttpRequest) -> tuple[tuple[access.Member, ...], bool]:
    """The caller's memberships (read once per request) and whether it is a superuser."""
    cached = getattr(request, "_liaison_members", None)
    if cached is None:
        user = request.user
        rows = models.Membership.objects.filter(user_id=user.pk).values_list("role", "district__code", "organisation")
        cached = (tuple(access.Member(role, code, org) for role, code, org in rows),
                  bool(getattr(user, "is_superuser", False)))
        request._liaison_members = cached  # type: ignore[attr-defined]
    return cached


def scope(request: HttpRequest, operation: str) -> None:
    """A bearer token may do only what its scopes allow (a session: what the user's roles allow)."""
    scopes = getattr(request, "scopes", None)
    needed = access.SCOPE_OF[operation]
    if scopes is not None and needed not in scopes:
        verb, verb_zh = ("read", "读取") if needed == "read" else ("change anything", "修改")
        raise Forbidden(f"this token may not {verb}",
                        fix=f"use a token with the scope {needed} (liaison web token --scope {needed})",
                        message_zh=f"该令牌没有{verb_zh}权限",
                        fix_zh=f"请使用具有 {needed} 权限的令牌（liaison web token --scope {needed}）")


def no_district(code: str) -> NotFound:
    return NotFound(f"there is no district {code!r}", fix="list the districts at /api/v1/districts",
                    message_zh=f"没有区 {code!r}", fix_zh="请在 /api/v1/districts 查看各区")


def district(request: HttpRequest, code: str, operation: str = "read") -> tuple[District, str]:
    """The district ``code`` if the caller may see it, with its version's digest: a superuser, a
    member of the district, a city auditor. Anyone else is told it does not exist (404), as when it
    does not. The token's scope for ``operation`` is checked first."""
    scope(request, operation)
    mine, superuser = members(request)
    found = bootstrap.district_version(code) if access.sees_district(mine, code, superuser=superuser) else None
    if found is None:
        raise no_district(code)
    return found


def may(request: HttpRequest, operation: str, code: str, engagement: dict[str, Any]) -> access.Decision:
    mine, superuser = members(request)
    return access.decide(mine, operation, code, engagement, superuser=superuser)


def authorise(request: HttpRequest, operation: str, code: str, engagement: dict[str, Any]) -> None:
    decision = may(request, operation, code, engagement)
    if decision == access.Decision.HIDDEN:
        raise no_district(code)
    if decision == access.Decision.FORBIDDEN:
        en, zh = access.ROLE_NAMES_OF_OPERATION[operation]
        raise Forbidden(f"{engagement.get('id', '')}: your role may not {en}: it is not your organisation's",
                        fix="ask the organisation it belongs to, or the district's administrator",
                        message_zh=f"{engagement.get('id', '')}：不属于您所在的单位，您的角色无权{zh}",
                        fix_zh="请联系该活动所属单位或本区管理员")


def no_plan(found: District, year: int) -> NotFound:
    return NotFound(f"the {year} of {found.info.id} has no plan yet", file=DatabaseStore().place(found, year),
                    fix="plan it (liaison serve plans the current and the next year) or import it: "
                        "liaison web import-year --from out/<year>",
                    message_zh=f"{found.info.id} 的{year}年尚无计划",
                    fix_zh="请先编排（liaison serve 会编排当年和下一年）或导入："
                           "liaison web import-year --from out/<年份>")


def revision(found: District, year: int) -> str:
    """The year's current revision (one query: the state is read only to render it, :func:`rendered`)."""
    current = DatabaseStore().current(found, year)
    if current is None:
        raise no_plan(found, year)
    return current


@functools.lru_cache(maxsize=16)
def rendered(code: str, version: str, year: int, revision: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The plan's JSON text, the document and its engagements by id, for one version of the district
    and one revision of the year: both name their content (a revision is never reused), so what was
    rendered once is the answer for as long as they are current — a read costs one query, not a
    parse and a render. Filled by the first reader of each revision. Callers do not change them."""
    found = bootstrap.district_version(code)
    if found is None or found[1] != version:
        raise no_district(code)
    stored = DatabaseStore().load(found[0], year, revision=revision)
    if stored is None:
        raise no_plan(found[0], year)
    text = to_json(plan_document(found[0], stored.state))
    body = json.loads(text)  # plain JSON values: what the audit log keeps and a filtered plan writes
    return text, body, {item["id"]: item for item in body.get("engagements", [])}


def no_engagement(year: int, engagement: str) -> NotFound:
    return NotFound(f"the {year} has no engagement {engagement!r}", path=("engagements",),
                    fix="take an id from the year's plan", message_zh=f"{year}年没有活动 {engagement!r}",
                    fix_zh="请从该年度计划中选取活动编号")


def today(found: District) -> dt.date:
    """The day a change is made, in the district's time zone: the clock is read at the edge (the
    command passes its today the same way), so "held" cannot be recorded for a day still to come."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from django.utils import timezone

    try:
        return dt.datetime.now(ZoneInfo(found.info.timezone)).date()
    except ZoneInfoNotFoundError:
        return timezone.localdate()


@attrs.frozen
class Changed:
    """A change made: the engagement after it (as the plan's JSON shows it) and the year's new revision."""

    engagement: dict[str, Any]
    revision: str


class Stale(Exception):  # a signal to the two callers, each of which answers its conflict
    """The change was made on a revision that is no longer the year's: nothing saved. ``conflict`` is
    the library's error (the API answers it with 412), ``engagement`` the engagement as it is now
    (the 412's body; a page shows it)."""

    def __init__(self, conflict: RevisionConflict, engagement: dict[str, Any]) -> None:
        super().__init__(conflict.render())
        self.conflict = conflict
        self.engagement = engagement


def change(request: HttpRequest, code: str, year: int, engagement: str, operation: str,
           changes: Callable[[dict[str, Any]], Sequence[Change]], *, force: bool, expected: str,
           noted: dict[str, Any] | None = None) -> Changed:
    """Make one change of an engagement through the workspace's update (the command's: ``liaison plan
    --confirm/--move/--cancel/--held``), as the caller and on the revision ``expected`` (the API's
    ``If-Match``, the page's form field); the audit entry is written inside the save's transaction.
    Raises :class:`Stale` when ``expected`` is not the year's revision (before or under the lock),
    the access errors of :func:`authorise`, and the library's refusals."""
    from liaison.host.plugins import working_day_calendar
    from liaison_web.audit import record
    from liaison_workspace import Workspace

    found, version = district(request, code, operation)
    current = revision(found, year)
    before = rendered(code, version, year, current)[2].get(engagement)
    if before is None:
        raise no_engagement(year, engagement)
    authorise(request, operation, code, before)
    if expected != current:
        raise Stale(RevisionConflict.of(DatabaseStore().place(found, year), current=current, expected=expected),
                    before)
    user, prefix = request.user, getattr(request, "token_prefix", None)
    saved: dict[str, Any] = {}

    def audit(state: YearState, tag: str) -> None:
        """Inside the save's transaction: the entry is committed with the change, or neither is."""
        after = json.loads(to_json(next(e for e in plan_document(found, state)["engagements"]
                                        if e["id"] == engagement)))
        record(operation, "engagement", engagement, user=user, district=code,
               remote_address=remote_address(request),
               actor=f"{user.get_username()} (token {prefix}…)" if prefix else None,
               before=before, after={**after, **noted} if noted else after)
        saved["after"] = after

    try:
        outcome = Workspace(store=DatabaseStore(on_save=audit)).update(
            found, year, changes(before), force=force, expected=expected, calendar=working_day_calendar(),
            as_of=today(found))
    except RevisionConflict as conflict:  # changed between the read above and the workspace's lock
        now = revision(found, year)
        raise Stale(RevisionConflict.of(conflict.file or "", current=now, expected=expected),
                    rendered(code, version, year, now)[2].get(engagement, before)) from None
    # no new revision (confirming what is agreed): nothing changed, nothing to audit
    after = saved.get("after") or rendered(code, version, year, outcome.revision)[2][engagement]
    return Changed(after, outcome.revision)


def working_days(state: YearState | None, year: int) -> WorkingDayCalendar:
    """The working-day calendar of ``year`` as its state was planned on (the installed calendar with
    the holiday notices the state keeps): what the due list counts days on and the pages show."""
    from liaison.host.plugins import working_day_calendar
    from liaison.year.state import year_calendar

    return year_calendar(state, year, working_day_calendar())[0]


def due(found: District, organisation: str, day: dt.date) -> dict[str, Any]:
    """``organisation``'s to-do list as of ``day`` as ``liaison due --format json`` writes it
    (:func:`liaison.year.due.due_list` on the year of ``day`` as the service holds it); the caller
    has been authorised. The records counted are the year's engagements marked held."""
    from liaison.law.records import Records
    from liaison.year.due import due_list
    from liaison.year.planner import check_year

    check_year(day.year)
    stored = DatabaseStore().load(found, day.year)
    if stored is None:
        raise no_plan(found, day.year)
    calendar = working_days(stored.state, day.year)
    listed = due_list(found, stored.state.plan, Records(district_id=found.info.id), body=organisation, as_of=day,
                      calendar=calendar)
    return due_document(listed, found)
