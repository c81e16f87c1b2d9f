"""A year's plan carried forward: from the state on file and today's inputs to the new plan.

Nothing agreed, held or cancelled is touched; proposed engagements stay where they were while they
still fit (``replan`` places them afresh); new obligations are planned; what is placed afresh goes
on the day of the re-plan or after it (``from_day``: the day the edge knows, the day of issue or
today), never on a day gone by; engagements no longer owed are kept as cancelled
(:func:`liaison.year.engagements.revise`). The events file is the truth for the events it lists: a
new date moves an event (same id), an event removed from the file is cancelled.
A status set in the state wins over a file that did not change; where the file did change, an
agreed event takes the file's new date and time (and stays agreed), while a held or cancelled one
keeps what the state says and the plan carries a warning naming it (a file edit never undoes a
cancellation or a record silently, nor reinstates it). Pure: objects in, objects out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from liaison.law.district import District
from liaison.law.rules import EVENT_KINDS
from liaison.law.workdays import WorkingDayCalendar
from liaison.year.engagements import (
    STATUS_EN,
    STATUS_ZH,
    Engagement,
    KnownEvent,
    Plan,
    PlanOptions,
    PlanWarning,
    Status,
    in_order,
    revise,
)
from liaison.year.planner import plan_year
from liaison.year.state import YearState


@attrs.frozen
class Change:
    """One thing the user asked for: confirm, move (to a date and optional start), cancel or held."""

    action: str  # confirm | move | cancel | held
    engagement: str
    date: dt.date | None = None
    start: dt.time | None = None


def apply_changes(plan: Plan, changes: Iterable[Change], *, force: bool = False, as_of: dt.date | None = None) -> Plan:
    """The plan with the user's changes, in order; refused changes raise (see :class:`ChangeRefused`).
    ``as_of``: the day the changes are made; an engagement dated after it is not marked held unless
    forced (:class:`~liaison.year.engagements.NotYetHeld`), nor moved onto a day before it unless
    forced or marked held by the same changes — held on another day than planned
    (:class:`~liaison.year.engagements.DayGoneBy`).

    Each change is made by the plan's own method on a plan of the one engagement it names, and the
    plan put in order once at the end: a change costs the same whatever the plan's size (a change
    on the whole plan rebuilt and sorted it, so a batch cost changes × engagements)."""
    working = {e.id: e for e in reversed(plan.engagements)}  # the first of an id, as Plan.get finds it
    changed: set[str] = set()
    changes = tuple(changes)
    held = {c.engagement for c in changes if c.action == "held"}  # moved to the day it took place on
    for change in changes:
        old = working.get(change.engagement)
        if old is None:
            old = plan.get(change.engagement)  # raises the plan's error, with the ids near the one given
        one = attrs.evolve(plan, engagements=(old,))
        if change.action == "confirm":
            one = one.confirm(change.engagement, force=force)
        elif change.action == "move":
            assert change.date is not None
            one = one.move(change.engagement, change.date, change.start, force=force,
                           as_of=None if change.engagement in held else as_of)
        elif change.action == "cancel":
            one = one.cancel(change.engagement, force=force)
        elif change.action == "held":
            one = one.mark_held(change.engagement, force=force, as_of=as_of)
        else:
            raise ValueError(f"unknown change {change.action!r}")
        if one.engagements[0] is not old:
            working[change.engagement] = one.engagements[0]
            changed.add(change.engagement)
    if not changed:
        return plan
    return attrs.evolve(plan, engagements=in_order(working[e.id] if e.id in changed else e for e in plan.engagements))


def _event_fields(event: KnownEvent) -> tuple[object, ...]:
    return (event.date, event.start, event.end, event.title_zh, event.location, event.host)


def _when(day: dt.date, start: dt.time | None) -> str:
    return day.isoformat() + (f" {start:%H:%M}" if start is not None else "")


def _overridden(e: Engagement, event: KnownEvent) -> PlanWarning:
    """The events file changed an event the state holds as held or cancelled: the state is kept, and
    the user is told what the file now says."""
    was, now = _when(e.date, e.start), _when(event.date, event.start)
    status_zh, status_en = STATUS_ZH[e.status], STATUS_EN[e.status]
    if e.status == Status.CANCELLED:
        fix_zh, fix_en = ("如该活动仍要举行，请明确将其改到新日期（force）",
                          "if it is to take place after all, move it to the new date explicitly (force)")
    else:
        fix_zh, fix_en = ("如已召开的日期有误，请明确改正（force）",
                          "if the date it was held on is wrong, move it explicitly (force)")
    return PlanWarning(
        e.id, e.date,
        f"活动文件修改了{e.id}（现为 {now}），但年度状态中该活动为“{status_zh}”（{was}）：保留年度状态，"
        f"未采用活动文件的修改；{fix_zh}",
        f"the events file changed {e.id} (now {now}), but the year's state has it {status_en} ({was}): the state "
        f"is kept and the file's change is not applied; {fix_en}")


def _events(previous: Plan | None, seen: Sequence[KnownEvent] | None, given: Sequence[KnownEvent],
            year: int) -> tuple[list[Engagement], list[Engagement], list[PlanWarning]]:
    """The state's event engagements brought up to the events file: (kept as they are or updated,
    cancelled because the file no longer lists them, warnings for the file's changes the state
    overrides)."""
    if previous is None:
        return [], [], []
    before = {e.engagement_id(): e for e in seen or ()}
    now = {e.engagement_id(): e for e in given if e.date.year == year}
    kept, dropped, warnings = [], [], []
    for e in previous.kept():
        if e.kind not in EVENT_KINDS:
            continue
        event = now.get(e.id)
        if event is None:
            kept_as_is = e.status in (Status.CANCELLED, Status.HELD)
            dropped.append(e if kept_as_is else e.with_changes(status=Status.CANCELLED))
            continue
        changed = e.id not in before or _event_fields(before[e.id]) != _event_fields(event)
        if changed and e.status == Status.AGREED:  # the file's new date or time is the agreed one
            kept.append(e.with_changes(date=event.date, start=event.start, end=event.end, title_zh=event.title_zh,
                                       location=event.location, title_en=event.title_en))
            continue
        if changed and _event_fields(event)[:3] != (e.date, e.start, e.end):
            warnings.append(_overridden(e, event))  # held or cancelled: the state wins, and says so
        kept.append(e)  # unchanged in the file, or held or cancelled: the state wins
    return kept, dropped, warnings


def update_plan(district: District, year: int, state: YearState | None, *, options: PlanOptions | None = None,
                calendar: WorkingDayCalendar | None = None, events: Sequence[KnownEvent] | None = None,
                replan: bool = False, from_day: dt.date | None = None) -> tuple[Plan, tuple[KnownEvent, ...] | None]:
    """The year's new plan as a revision of the state's, and the events as now seen.

    ``options`` default to the state's; ``events`` None keeps the events as last seen. ``from_day``:
    the day of the re-plan — what the state's plan is revised into is placed afresh on it or after
    (:func:`liaison.year.planner.plan_year`); a first plan (no state) is of the whole year, as one made
    before the year is."""
    previous = state.plan if state is not None else None
    chosen = options or (state.options if state is not None else PlanOptions())
    seen = state.events_seen if state is not None else None
    given = tuple(events) if events is not None else tuple(seen or chosen.events)
    event_kept, event_dropped, overridden = _events(previous, seen, given, year) if events is not None else ([], [], [])
    fixed = [e for e in (previous.kept() if previous else ()) if e.kind not in EVENT_KINDS or events is None]
    fixed += event_kept + event_dropped
    keep = () if replan or previous is None else previous.proposed()
    plan = plan_year(district, year, attrs.evolve(chosen, events=given), calendar=calendar, fixed=fixed, keep=keep,
                     from_day=from_day if previous is not None else None)
    if overridden:
        plan = attrs.evolve(plan, warnings=(*overridden, *plan.warnings))
    published = state.exported if state is not None and state.exported is not None else previous
    return revise(published, revise(previous, plan)), given
