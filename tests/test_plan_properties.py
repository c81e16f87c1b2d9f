"""Planner invariants over generated districts (random departments, counterparts, pairings, cadences):
the plan keeps every obligation of the year, or reports exactly which one it could not place and why."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

from builders import build_district
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.law.district import District
from liaison.law.duties import obligations, planning_year
from liaison.law.rules import EngagementKind
from liaison.law.workdays import ChineseCalendar, WeekdayCalendar, WorkingDayCalendar
from liaison.year.engagements import KnownEvent, Plan, PlanOptions, Status
from liaison.year.planner import plan_year


@st.composite
def districts(draw: st.DrawFn) -> District:
    departments = draw(st.integers(1, 12))
    counterparts = draw(st.integers(1, 9))
    pairs = draw(st.lists(st.tuples(st.integers(0, departments - 1), st.integers(0, counterparts - 1)),
                          min_size=1, max_size=40))
    low = draw(st.integers(0, 3))
    high = draw(st.one_of(st.none(), st.integers(max(low, 1), low + 2)))
    return build_district(departments, counterparts, pairs, visits=(low, high), meetings=draw(st.integers(1, 2)),
                          work_period=draw(st.integers(1, 3)), anchor=draw(st.integers(2020, 2027)),
                          meeting_scope=draw(st.sampled_from(["department", "pairing"])))


def check_invariants(plan: Plan, district: District, year: int, calendar: WorkingDayCalendar,
                     options: PlanOptions) -> None:
    # 1. only working days, and weekends only as allowed make-up days
    for e in plan.engagements:
        assert calendar.is_working_day(e.date), e
        assert e.date.year == year
        if e.date.weekday() >= 5:
            assert options.allow_makeup_weekends
    # 2. nobody twice in one half-day
    seen: Counter[tuple[str, dt.date, int]] = Counter()
    for e in plan.engagements:
        for org in e.participants:
            for half in e.half_days():
                seen[(org, e.date, half)] += 1
    assert not seen or max(seen.values()) == 1
    # 3. every obligation whose span starts this year is met, or named in `unplaced` — and nothing else
    met_or_reported(plan, district, year)
    # 4. a pairing's engagements keep the minimum gap, unless a window too short for it made the planner
    #    relax it for an engagement, which a warning then names
    relaxed = {w.engagement for w in plan.warnings if "spacing was relaxed" in w.message_en}
    for key in {p.key for p in district.pairings}:
        found = sorted((e.date, e.id) for e in plan.engagements
                       if set(key) <= set(e.participants) and e.kind.value != "work_meeting")
        assert all((b[0] - a[0]).days >= options.min_gap_days or {a[1], b[1]} & relaxed
                   for a, b in itertools.pairwise(found)), key


def met_or_reported(plan: Plan, district: District, year: int) -> None:
    """Every obligation planned in the year is served by enough engagements of the plan, or the plan
    names it among those it could not place."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    unplaced = {(u.rule, u.subject) for u in plan.unplaced}
    for o in obligations(district, first, last):
        if not (o.applicable and o.minimum and planning_year(district, o) == year):
            continue
        served = [e for e in plan.engagements if o.counts(e.kind, e.date, e.host, e.participants)]
        reported = any(rule == o.rule.key and set(o.subject) <= set(subject) for rule, subject in unplaced)
        assert len(served) >= o.minimum or reported, (o.rule.key, o.subject, len(served))
        if o.maximum is not None:
            assert sum(not e.beyond_guidance for e in served) <= o.maximum
    for u in plan.unplaced:
        assert u.reason_zh and u.reason_en and u.year == year


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(districts(), st.booleans(), st.integers(0, 60))
def test_plans_for_generated_districts_keep_every_obligation_or_say_why(district: District, per_pairing: bool,
                                                                        gap: int) -> None:
    options = PlanOptions(per_pairing_meetings=per_pairing, min_gap_days=gap)
    calendar = ChineseCalendar()
    plan = plan_year(district, 2026, options, calendar=calendar)
    check_invariants(plan, district, 2026, calendar, options)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts(), st.sampled_from([(), (6,), (2,)]))
def test_tight_calendars_still_report_rather_than_drop(district: District, weekdays: tuple[int, ...]) -> None:
    """A two-month window of weekdays: many obligations do not fit; each is accounted for."""

    class Spring(WeekdayCalendar):
        def is_working_day(self, day: dt.date) -> bool:
            return day.month in (3, 4) and day.weekday() < 5

    options = PlanOptions(preferred_weekdays=weekdays, min_gap_days=20)
    calendar = Spring()
    plan = plan_year(district, 2026, options, calendar=calendar)
    check_invariants(plan, district, 2026, calendar, options)


def test_the_same_inputs_give_the_same_plan() -> None:
    district = build_district(5, 4, [(0, 0), (0, 1), (1, 1), (2, 3), (4, 2), (3, 0)])
    assert plan_year(district, 2026) == plan_year(district, 2026)
    # a re-plan on a day of the year, with something to place afresh: the day is an input like the others
    first = plan_year(district, 2026)
    fixed, keep = [first.engagements[0].with_changes(status=Status.AGREED)], first.engagements[2:]
    assert plan_year(district, 2026, fixed=fixed, keep=keep, from_day=dt.date(2026, 6, 1)) == \
        plan_year(district, 2026, fixed=fixed, keep=keep, from_day=dt.date(2026, 6, 1))


def _when(e: object) -> tuple[object, ...]:
    return e.date, e.start, e.end  # type: ignore[attr-defined]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(districts(), st.data())
def test_a_replan_during_the_year_places_nothing_afresh_on_a_day_gone_by(district: District,
                                                                         data: st.DataObject) -> None:
    """A re-plan made on a day of the year (``from_day``), with events that take the half-days of some
    proposed engagements and some engagements agreed or held meanwhile: the agreed and held ones stay
    exactly as they were, a proposed one stays where it was or — placed afresh, as every new one — goes
    on that day or after it; every obligation is still met or named as not placed. With nothing new,
    the re-plan changes nothing."""
    year, calendar = 2026, ChineseCalendar()
    options = PlanOptions(min_gap_days=data.draw(st.integers(0, 30), label="gap"))
    before = plan_year(district, year, options, calendar=calendar)
    day = dt.date(year, 1, 1) + dt.timedelta(days=data.draw(st.integers(0, 364), label="day"))
    picks = data.draw(st.lists(st.booleans(), min_size=len(before.engagements), max_size=len(before.engagements)),
                      label="fixed")
    statuses = data.draw(st.lists(st.sampled_from([Status.AGREED, Status.HELD]), min_size=len(before.engagements),
                                  max_size=len(before.engagements)), label="statuses")
    fixed = [e.with_changes(status=status) for e, pick, status in zip(before.engagements, picks, statuses, strict=True)
             if pick]
    keep = [e for e, pick in zip(before.engagements, picks, strict=True) if not pick]
    departments = [o.id for o in district.organisations if o.id.startswith("d")]
    # events in the half-days of engagements that are still proposed, hosted by one who takes part
    chosen = data.draw(st.lists(st.sampled_from(keep), max_size=6, unique_by=lambda e: e.id), label="events") \
        if keep else []
    events = tuple(KnownEvent(kind=EngagementKind.SYMPOSIUM, date=e.date, title_zh=f"座谈会{n}", id=f"event-{n}",
                              start=e.start, end=e.end, host=next(p for p in e.participants if p in departments))
                   for n, e in enumerate(chosen) if any(p in departments for p in e.participants))
    after = plan_year(district, year, PlanOptions(min_gap_days=options.min_gap_days, events=events),
                      calendar=calendar, fixed=fixed, keep=keep, from_day=day)
    now = {e.id: e for e in after.engagements}
    for e in fixed:  # agreed and held: untouched
        assert _when(now[e.id]) == _when(e) and now[e.id].status == e.status, e.id
    was = {e.id: e for e in keep}
    for e in after.engagements:
        if (e.id in was and _when(e) == _when(was[e.id])) or e.status != Status.PROPOSED:
            continue
        assert e.date >= day, (e.id, e.date, day)  # placed afresh: on the re-plan's day or after
    met_or_reported(after, district, year)
    if not events:  # nothing new: every proposed engagement stays where it was
        assert {e.id: _when(e) for e in after.engagements if e.status == Status.PROPOSED} == \
            {e.id: _when(e) for e in keep}
