"""Planner invariants over generated districts (random departments, counterparts, pairings, cadences):
the plan keeps every "shall" obligation, or reports exactly which one it could not place and why."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

from directories import build_district
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.model import EngagementKind
from liaison.plan import Plan, PlanOptions, plan_year
from liaison.workdays import ChineseCalendar, WeekdayCalendar


@st.composite
def districts(draw: st.DrawFn) -> tuple[object, dict[str, object]]:
    departments = draw(st.integers(1, 12))
    counterparts = draw(st.integers(1, 9))
    pairs = draw(st.lists(st.tuples(st.integers(0, departments - 1), st.integers(0, counterparts - 1)),
                          min_size=1, max_size=40))
    low = draw(st.integers(0, 3))
    high = draw(st.one_of(st.none(), st.integers(low, low + 2)))
    params = dict(visits=(low, high), meetings=draw(st.integers(1, 2)), work_period=draw(st.integers(1, 3)),
                  anchor=draw(st.integers(2020, 2027)))
    return build_district(departments, counterparts, pairs, **params), params  # type: ignore[arg-type]


def check_invariants(plan: Plan, district: object, year: int, calendar: object, options: PlanOptions) -> None:
    from liaison.district import District

    assert isinstance(district, District)
    # 1. only working days, and weekends only as allowed make-up days
    for e in plan.engagements:
        assert calendar.is_working_day(e.date), e  # type: ignore[attr-defined]
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
    # 3. every shall cadence is met for every pairing, or named in `unplaced` — and nothing else is
    rules = {r.key: r for _, r in district.cadences(dt.date(year, 6, 1))}
    short: set[tuple[str, tuple[str, str]]] = set()
    for p in district.pairings_as_of(dt.date(year, 6, 1)):
        meetings = [e for e in plan.engagements if e.kind == EngagementKind.JOINT_MEETING and e.counts_for(p)]
        visits = [e for e in plan.engagements if e.kind == EngagementKind.VISIT and e.counts_for(p)]
        if len(meetings) < rules["joint-meeting"].min_per_period:
            short.add(("§3.3", p.key))
        if len(visits) < rules["leader-visit"].min_per_period:
            short.add(("§3.6", p.key))
        most = rules["leader-visit"].max_per_period
        if most is not None:
            assert sum(not v.beyond_guidance for v in visits) <= most
        days = sorted(e.date for e in meetings + visits)
        assert all((b - a).days >= options.min_gap_days for a, b in itertools.pairwise(days))
    reported = {(u.provision, key) for u in plan.unplaced
                for key in [(a, b) for a in u.subject for b in u.subject] if key in {p.key for p in district.pairings}}
    assert short == {s for s in reported if s in short}
    assert {s for s in reported} <= short, "an obligation was reported unplaced although it is met"
    for u in plan.unplaced:
        assert u.reason_zh and u.reason_en and u.year == year
    # 4. the work meeting only in the years its cycle is due
    work = [e for e in plan.engagements if e.kind == EngagementKind.WORK_MEETING]
    due = rules["work-meeting"].due_in(year)
    assert (len(work) == 1) == (due and not [u for u in plan.unplaced if u.provision == "§3.1"])
    assert due or not work


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(districts(), st.booleans(), st.integers(0, 60))
def test_plans_for_generated_districts_keep_every_shall_or_say_why(generated: tuple[object, dict[str, object]],
                                                                   per_pairing: bool, gap: int) -> None:
    district, _ = generated
    options = PlanOptions(per_pairing_meetings=per_pairing, min_gap_days=gap)
    calendar = ChineseCalendar()
    plan = plan_year(district, 2026, options, calendar=calendar)  # type: ignore[arg-type]
    check_invariants(plan, district, 2026, calendar, options)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts(), st.sampled_from([(), (6,), (2,)]))
def test_tight_calendars_still_report_rather_than_drop(generated: tuple[object, dict[str, object]],
                                                        weekdays: tuple[int, ...]) -> None:
    """A four-month window of weekdays: many obligations do not fit; each is accounted for."""

    class Spring(WeekdayCalendar):
        def is_working_day(self, day: dt.date) -> bool:
            return day.month in (3, 4) and day.weekday() < 5

    district, _ = generated
    options = PlanOptions(preferred_weekdays=weekdays, min_gap_days=20)
    calendar = Spring()
    plan = plan_year(district, 2026, options, calendar=calendar)  # type: ignore[arg-type]
    check_invariants(plan, district, 2026, calendar, options)


def test_the_same_inputs_give_the_same_plan() -> None:
    district = build_district(5, 4, [(0, 0), (0, 1), (1, 1), (2, 3), (4, 2), (3, 0)])
    assert plan_year(district, 2026) == plan_year(district, 2026)
