"""A year's plan carried forward: from the state on file and today's inputs to the new plan.

Nothing agreed, held or cancelled is touched; proposed engagements stay where they were while they
still fit (``replan`` places them afresh); new obligations are planned; engagements no longer owed
are kept as cancelled (:func:`liaison.engagements.revise`). The events file is the truth for the
events it lists: a new date moves an event (same id), an event removed from the file is cancelled —
but a status set in the state (agreed on another date, cancelled, held) wins over a file that did
not change. Pure: objects in, objects out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from liaison.district import District
from liaison.engagements import Engagement, KnownEvent, Plan, PlanOptions, Status, revise
from liaison.planner import plan_year
from liaison.rules import EVENT_KINDS
from liaison.state import YearState
from liaison.workdays import WorkingDayCalendar


@attrs.frozen
class Change:
    """One thing the user asked for: confirm, move (to a date and optional start), cancel or held."""

    action: str  # confirm | move | cancel | held
    engagement: str
    date: dt.date | None = None
    start: dt.time | None = None


def apply_changes(plan: Plan, changes: Iterable[Change], *, force: bool = False) -> Plan:
    """The plan with the user's changes, in order; refused changes raise (see :class:`ChangeRefused`)."""
    for change in changes:
        if change.action == "confirm":
            plan = plan.confirm(change.engagement, force=force)
        elif change.action == "move":
            assert change.date is not None
            plan = plan.move(change.engagement, change.date, change.start, force=force)
        elif change.action == "cancel":
            plan = plan.cancel(change.engagement, force=force)
        elif change.action == "held":
            plan = plan.mark_held(change.engagement, force=force)
        else:
            raise ValueError(f"unknown change {change.action!r}")
    return plan


def _event_fields(event: KnownEvent) -> tuple[object, ...]:
    return (event.date, event.start, event.end, event.title_zh, event.location, event.host)


def _events(previous: Plan | None, seen: Sequence[KnownEvent] | None, given: Sequence[KnownEvent],
            year: int) -> tuple[list[Engagement], list[Engagement]]:
    """The state's event engagements brought up to the events file: (kept as they are or updated,
    cancelled because the file no longer lists them)."""
    if previous is None:
        return [], []
    before = {e.engagement_id(): e for e in seen or ()}
    now = {e.engagement_id(): e for e in given if e.date.year == year}
    kept, dropped = [], []
    for e in previous.kept():
        if e.kind not in EVENT_KINDS:
            continue
        event = now.get(e.id)
        if event is None:
            kept_as_is = e.status in (Status.CANCELLED, Status.HELD)
            dropped.append(e if kept_as_is else e.with_changes(status=Status.CANCELLED))
        elif e.status == Status.AGREED and (e.id not in before or _event_fields(before[e.id]) != _event_fields(event)):
            kept.append(e.with_changes(date=event.date, start=event.start, end=event.end, title_zh=event.title_zh,
                                       location=event.location, title_en=event.title_en))
        else:
            kept.append(e)  # unchanged in the file, or held or cancelled: the state wins
    return kept, dropped


def update_plan(district: District, year: int, state: YearState | None, *, options: PlanOptions | None = None,
                calendar: WorkingDayCalendar | None = None, events: Sequence[KnownEvent] | None = None,
                replan: bool = False) -> tuple[Plan, tuple[KnownEvent, ...] | None]:
    """The year's new plan as a revision of the state's, and the events as now seen.

    ``options`` default to the state's; ``events`` None keeps the events as last seen."""
    previous = state.plan if state is not None else None
    chosen = options or (state.options if state is not None else PlanOptions())
    seen = state.events_seen if state is not None else None
    given = tuple(events) if events is not None else tuple(seen or chosen.events)
    event_kept, event_dropped = _events(previous, seen, given, year) if events is not None else ([], [])
    fixed = [e for e in (previous.kept() if previous else ()) if e.kind not in EVENT_KINDS or events is None]
    fixed += event_kept + event_dropped
    keep = () if replan or previous is None else previous.proposed()
    plan = plan_year(district, year, attrs.evolve(chosen, events=given), calendar=calendar, fixed=fixed, keep=keep)
    published = state.exported if state is not None and state.exported is not None else previous
    return revise(published, revise(previous, plan)), given
