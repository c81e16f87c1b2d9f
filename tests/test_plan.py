"""The annual plan, tested from the text: §3.1 every two years, §3.3 at least once a year per
pairing, §3.6 one or two visits, on China's working days."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import pytest
from builders import amended
from click.testing import CliRunner

from liaison.base.errors import PlanningError
from liaison.law.district import District
from liaison.law.rules import EngagementKind
from liaison.law.workdays import ChineseCalendar
from liaison.year.engagements import Engagement, KnownEvent, Plan, PlanOptions, Status
from liaison.year.planner import plan_year, plan_years
from liaison_cli.main import cli

YEARS = (2026, 2027, 2028)


@pytest.fixture(scope="module")
def plans(seed: District) -> dict[int, Plan]:
    return {year: plan_year(seed, year) for year in YEARS}


def meetings_of(plan: Plan, pairing_key: tuple[str, str]) -> list[Engagement]:
    return [e for e in plan.engagements if e.kind == EngagementKind.JOINT_MEETING
            and pairing_key[0] in e.participants and pairing_key[1] in e.participants]


def test_the_work_meeting_appears_in_alternate_years_only(seed: District) -> None:
    plans = plan_years(seed, range(2025, 2031))
    years = [e.date.year for p in plans for e in p.engagements if e.kind == EngagementKind.WORK_MEETING]
    assert years == [2025, 2027, 2029]
    meeting = next(e for p in plans for e in p.engagements if e.kind == EngagementKind.WORK_MEETING)
    assert meeting.host == "district-gov" and len(meeting.participants) == 9 and meeting.provisions == ("§3.1",)


def visits_of(plan: Plan, pairing_key: tuple[str, str]) -> list[Engagement]:
    return [e for e in plan.engagements if e.kind == EngagementKind.VISIT and e.participants == pairing_key]


@pytest.mark.parametrize("year", YEARS)
def test_every_pairing_meets_at_least_once_in_every_planned_year(seed: District, plans: dict[int, Plan],
                                                                 year: int) -> None:
    for pairing in seed.pairings_as_of(dt.date(year, 6, 1)):
        found = meetings_of(plans[year], pairing.key)
        assert len(found) >= 1, pairing
        assert all("§3.3" in e.provisions for e in found)


@pytest.mark.parametrize("year", YEARS)
def test_leaders_visit_each_paired_organisation_once_or_twice_a_year(seed: District, plans: dict[int, Plan],
                                                                     year: int) -> None:
    for pairing in seed.pairings_as_of(dt.date(year, 6, 1)):
        visits = visits_of(plans[year], pairing.key)
        assert 1 <= len(visits) <= 2, pairing
        assert all(e.host == pairing.department and e.provisions == ("§3.6",) for e in visits)


def test_a_common_liaison_unit_meets_all_eight_together_by_default(plans: dict[int, Plan]) -> None:
    joint = [e for e in plans[2026].engagements if e.kind == EngagementKind.JOINT_MEETING and e.host == "dev-reform"]
    assert len(joint) == 1 and len(joint[0].participants) == 9
    assert joint[0].title_zh == "区发改局与各民主党派、工商联联席会议"


def test_meetings_can_be_planned_per_pairing(seed: District) -> None:
    plan = plan_year(seed, 2026, PlanOptions(per_pairing_meetings=True))
    joint = [e for e in plan.engagements if e.kind == EngagementKind.JOINT_MEETING]
    assert len(joint) == 33 and all(len(e.participants) == 2 for e in joint)


def test_nothing_is_planned_on_the_2026_spring_festival_or_national_day_holidays(plans: dict[int, Plan]) -> None:
    spring = {dt.date(2026, 2, d) for d in range(15, 24)}
    national = {dt.date(2026, 10, d) for d in range(1, 8)}
    used = {e.date for e in plans[2026].engagements}
    assert not used & (spring | national)
    calendar = ChineseCalendar()
    assert all(calendar.is_working_day(d) for d in used)


def test_a_make_up_working_sunday_is_used_only_when_allowed(seed: District) -> None:
    sundays = PlanOptions(preferred_weekdays=(6,), allow_makeup_weekends=True)
    allowed = plan_year(seed, 2026, sundays)
    weekend_days = {e.date for e in allowed.engagements if e.date.weekday() >= 5}
    assert dt.date(2026, 9, 20) in weekend_days  # 调休: Sunday 20 September 2026 is a working day
    assert all(ChineseCalendar().is_makeup_day(d) for d in weekend_days)
    refused = plan_year(seed, 2026, PlanOptions(preferred_weekdays=(6,)))
    assert all(e.date.weekday() < 5 for e in refused.engagements)


def test_no_organisation_takes_part_in_two_engagements_in_one_half_day(plans: dict[int, Plan]) -> None:
    for plan in plans.values():
        seen: Counter[tuple[str, dt.date, int]] = Counter()
        for e in plan.engagements:
            for org in e.participants:
                for half in e.half_days():
                    seen[(org, e.date, half)] += 1
        assert max(seen.values()) == 1


def test_a_pairings_visit_and_its_meeting_are_spread_over_the_year(seed: District, plans: dict[int, Plan]) -> None:
    for pairing in seed.pairings_as_of(dt.date(2026, 6, 1)):
        days = sorted(e.date for e in meetings_of(plans[2026], pairing.key) + visits_of(plans[2026], pairing.key))
        assert all((b - a).days >= 30 for a, b in itertools.pairwise(days)), pairing


def test_a_larger_minimum_gap_is_honoured(seed: District) -> None:
    plan = plan_year(seed, 2026, PlanOptions(min_gap_days=90))
    for pairing in seed.pairings_as_of(dt.date(2026, 6, 1)):
        days = sorted(e.date for e in meetings_of(plan, pairing.key) + visits_of(plan, pairing.key))
        assert all((b - a).days >= 90 for a, b in itertools.pairwise(days))
    assert plan.unplaced == ()


def test_preferred_months_weekdays_and_slots(seed: District) -> None:
    plan = plan_year(seed, 2026, PlanOptions(preferred_months=(3, 4, 5, 9, 10, 11), preferred_weekdays=(1, 2, 3),
                                             slots=(PlanOptions().slots[0],)))
    assert all(e.date.month in (3, 4, 5, 9, 10, 11) for e in plan.engagements)
    assert all(e.date.weekday() in (1, 2, 3) for e in plan.engagements)
    assert {e.start for e in plan.engagements} == {dt.time(9, 0)}


def test_the_plan_is_deterministic(seed: District, plans: dict[int, Plan]) -> None:
    assert plan_year(seed, 2026) == plans[2026]


class Unpublished2027(ChineseCalendar):
    """As the built-in calendar is for a year whose notice is not out (whatever chinesecalendar holds)."""

    def is_published(self, year: int) -> bool:
        return year != 2027


def test_every_date_of_a_year_without_a_published_holiday_notice_is_provisional(seed: District) -> None:
    plans = plan_years(seed, (2026, 2027), calendar=Unpublished2027())
    assert [p.provisional for p in plans] == [False, True]
    assert all(e.provisional == (e.date.year == 2027) for p in plans for e in p.engagements)


def test_engagements_are_proposed_until_both_sides_agree(plans: dict[int, Plan]) -> None:
    assert {e.status for e in plans[2026].engagements} == {Status.PROPOSED}


def test_replanning_keeps_confirmed_and_moved_engagements_fixed(seed: District, plans: dict[int, Plan]) -> None:
    plan = plans[2026]
    visit = next(e for e in plan.engagements
                 if e.kind == EngagementKind.VISIT and e.participants == ("health", "cpwdp"))
    meeting = next(e for e in plan.engagements if e.kind == EngagementKind.JOINT_MEETING and e.host == "health")
    edited = plan.confirm(visit.id).move(meeting.id, dt.date(2026, 3, 3), dt.time(9, 0))
    replanned = plan_year(seed, 2026, PlanOptions(min_gap_days=45), fixed=edited.fixed())
    kept_visit, kept_meeting = replanned.get(visit.id), replanned.get(meeting.id)
    assert (kept_visit.date, kept_visit.status) == (visit.date, Status.AGREED)
    assert (kept_meeting.date, kept_meeting.start, kept_meeting.status) == (dt.date(2026, 3, 3), dt.time(9, 0),
                                                                            Status.AGREED)
    assert kept_meeting.end == dt.time(11, 0)
    assert len(replanned.engagements) == len(plan.engagements)
    assert sum(e.id == meeting.id for e in replanned.engagements) == 1
    # only what was still proposed moved: other health engagements respect the new gap from 3 March
    for e in replanned.engagements:
        if e.status == Status.PROPOSED and "health" in e.participants and e.kind == EngagementKind.VISIT:
            assert abs((e.date - dt.date(2026, 3, 3)).days) >= 45


def test_visits_above_the_maximum_only_when_asked_and_then_flagged(seed: District) -> None:
    plan = plan_year(seed, 2026, PlanOptions(visits_per_pairing=3))
    visits = visits_of(plan, ("health", "cpwdp"))
    assert len(visits) == 3
    assert [v.beyond_guidance for v in sorted(visits, key=lambda v: v.id)] == [False, False, True]
    assert "指导范围" in next(v for v in visits if v.beyond_guidance).note


def test_dated_events_appear_with_their_invitees(seed: District) -> None:
    events = (KnownEvent(kind=EngagementKind.PLENARY_MEETING, date=dt.date(2026, 3, 10),
                         title_zh="区政府第十次全体会议",
                           start=dt.time(9, 0), end=dt.time(11, 30)),
              KnownEvent(kind=EngagementKind.MAJOR_EVENT, date=dt.date(2026, 9, 30), title_zh="国庆招待会"))
    plan = plan_year(seed, 2026, PlanOptions(events=events))
    plenary = next(e for e in plan.engagements if e.kind == EngagementKind.PLENARY_MEETING)
    assert plenary.provisions == ("§1.2",) and len(plenary.participants) == 9 and plenary.status == Status.AGREED
    gala = next(e for e in plan.engagements if e.kind == EngagementKind.MAJOR_EVENT)
    assert gala.provisions == ("§3.5",) and gala.half_days() == (0, 1)
    # nobody else is booked against the plenary meeting's branches that morning
    others = [e for e in plan.engagements if e.date == dt.date(2026, 3, 10) and e is not plenary]
    assert all(not set(e.participants) & set(plenary.participants) or 0 not in e.half_days() for e in others)


class OneDayCalendar:
    """A year with a single working day: most obligations cannot be placed."""

    name = "one-day"

    def is_published(self, year: int) -> bool:
        return True

    def is_working_day(self, day: dt.date) -> bool:
        return day == dt.date(day.year, 6, 1)

    def is_makeup_day(self, day: dt.date) -> bool:
        return False

    def holiday(self, day: dt.date) -> None:
        return None


def test_what_cannot_be_placed_is_reported_with_the_provision_and_the_reason(seed: District) -> None:
    plan = plan_year(seed, 2026, calendar=OneDayCalendar())
    assert plan.unplaced
    placed = {e.id for e in plan.engagements}
    for u in plan.unplaced:
        assert u.provision in ("§3.3", "§3.6") and u.year == 2026
        assert "找不到" in u.reason_zh and "no free working half-day" in u.reason_en
    # every pairing is either served by placed engagements or named in an unplaced entry
    for pairing in seed.pairings_as_of(dt.date(2026, 6, 1)):
        met = meetings_of(plan, pairing.key)
        missing = [u for u in plan.unplaced if u.provision == "§3.3" and set(pairing.key) <= set(u.subject)]
        assert bool(met) != bool(missing), pairing
    assert len(placed) == len(plan.engagements)


def test_a_pairing_that_ends_mid_year_is_only_planned_while_in_force() -> None:
    district = amended()
    plan = plan_year(district, 2027)
    old = [e for e in plan.engagements if {"environment", "czgp"} <= set(e.participants)]
    new = [e for e in plan.engagements if {"environment", "cdl"} <= set(e.participants)]
    assert old and new
    assert all(e.date < dt.date(2027, 7, 1) for e in old)
    assert all(e.date >= dt.date(2027, 7, 1) for e in new)


def test_moves_stay_in_their_year_and_before_midnight(seed: District) -> None:
    plan = plan_year(seed, 2026)
    with pytest.raises(PlanningError, match="belongs to 2026"):
        plan.move("2026/joint_meeting/health", dt.date(2027, 3, 3))
    with pytest.raises(PlanningError, match="after midnight"):
        plan.move("2026/joint_meeting/health", dt.date(2026, 3, 3), dt.time(23, 30))


def test_a_move_onto_a_day_before_the_day_of_the_change_is_refused_unless_forced(seed: District) -> None:
    """Nobody agrees to meet on a day gone by (review 25b item 3): ``as_of`` is the day of the change."""
    from liaison.year.engagements import DayGoneBy
    from liaison.year.reconcile import Change, apply_changes

    plan = plan_year(seed, 2026)
    meeting = "2026/joint_meeting/health"
    with pytest.raises(DayGoneBy, match="the day is past") as refused:
        plan.move(meeting, dt.date(2026, 5, 4), as_of=dt.date(2026, 6, 1))
    assert "该日已过" in refused.value.message_zh and "force" in (refused.value.fix or "")
    assert plan.move(meeting, dt.date(2026, 6, 1), as_of=dt.date(2026, 6, 1)).get(meeting).date == dt.date(2026, 6, 1)
    assert plan.move(meeting, dt.date(2026, 5, 4), as_of=dt.date(2026, 6, 1), force=True).get(meeting).date \
        == dt.date(2026, 5, 4)
    assert plan.move(meeting, dt.date(2026, 5, 4)).get(meeting).date == dt.date(2026, 5, 4)  # no day known: no rule
    # held on a day gone by: the move and held together take it
    held = apply_changes(plan, [Change("move", meeting, dt.date(2026, 5, 4)), Change("held", meeting)],
                         as_of=dt.date(2026, 6, 1)).get(meeting)
    assert (held.date, held.status.value) == (dt.date(2026, 5, 4), "held")
    with pytest.raises(DayGoneBy):
        apply_changes(plan, [Change("move", meeting, dt.date(2026, 5, 4))], as_of=dt.date(2026, 6, 1))


def test_an_agreed_date_on_a_holiday_or_clash_is_warned_about(seed: District) -> None:
    plan = plan_year(seed, 2026)
    moved = plan.move("2026/joint_meeting/health", dt.date(2026, 10, 1))
    replanned = plan_year(seed, 2026, fixed=moved.fixed())
    assert any("2026-10-01，为国庆节假期，不是工作日" in w.message_zh and "National Day" in w.message_en
               for w in replanned.warnings)
    a = plan.move("2026/visit/dev-reform/icf/1", dt.date(2026, 1, 16), dt.time(9, 0))
    b = a.move("2026/visit/dev-reform/cndca/1", dt.date(2026, 1, 16), dt.time(9, 0))
    clash = plan_year(seed, 2026, fixed=b.fixed())
    assert any("同一时段" in w.message_zh and "区发改局" in w.message_zh for w in clash.warnings)
    result = CliRunner().invoke(cli, ["plan", "--year", "2026", "--move", "2026/joint_meeting/health@2026-10-01",
                                      "--as-of", "2026-06-01"])  # the change made in June: October is to come
    assert result.exit_code == 0 and "不是工作日" in result.stdout


def test_an_agreed_second_meeting_leaves_the_first_in_the_plan() -> None:
    """A pairing that owes two meetings a year: the second (``…/2``, dated first) agreed, the re-plan
    keeps the other proposed where it was — the agreed one is the second, not the first (counted as
    the first, the other dropped out of the plan, neither placed nor reported)."""
    from builders import build_district

    district = build_district(1, 1, [(0, 0)], meetings=2, visits=(0, None))
    first = plan_year(district, 2026, PlanOptions(min_gap_days=0))
    meetings = [e for e in first.engagements if e.kind == EngagementKind.JOINT_MEETING]
    assert len(meetings) == 2 and meetings[0].id.endswith("/2")  # the second, dated first
    agreed = meetings[0].with_changes(status=Status.AGREED)
    again = plan_year(district, 2026, PlanOptions(min_gap_days=0), fixed=[agreed],
                      keep=[e for e in first.engagements if e.id != agreed.id])
    assert [(e.id, e.date, e.status) for e in again.engagements if e.kind == EngagementKind.JOINT_MEETING] == \
        [(agreed.id, agreed.date, Status.AGREED), (meetings[1].id, meetings[1].date, Status.PROPOSED)]
    assert not again.unplaced


def test_a_replan_places_what_is_new_on_its_day_or_after_and_says_what_no_longer_can_be(seed: District) -> None:
    """A re-plan on 12 August after an amendment ended a pairing on 1 August (what was before 26 July
    held, the rest proposed — the department's meeting of 9 August with both counterparts too): a
    meeting of the pairing that goes on (new: the counterparts no longer meet together) is placed on
    that day or after, not in March; the one for the pairing that ended has no day left — the plan
    says so, and the check charges the shortfall to the department."""
    import attrs

    from liaison.law.compliance import check
    from liaison.law.findings import FindingStatus
    from liaison.law.records import Records

    day = dt.date(2027, 8, 12)
    before = plan_year(seed, 2027)
    dept = "economy-trade-science"
    first = next(p for p in seed.pairings if p.department == dept)
    ended = next(p for p in seed.pairings if p.department == dept and p != first)
    amended_seed = attrs.evolve(seed, pairings=tuple(attrs.evolve(p, valid_until=dt.date(2027, 8, 1)) if p == ended
                                                     else p for p in seed.pairings))
    held = [e.with_changes(status=Status.HELD) for e in before.engagements if e.date < dt.date(2027, 7, 26)]
    proposed = [e for e in before.engagements if e.date >= dt.date(2027, 7, 26)]  # its meeting of 9 August too
    after = plan_year(amended_seed, 2027, fixed=held, keep=proposed, from_day=day)
    old = {e.id: e for e in before.engagements}
    fresh = [e for e in after.engagements if e.status == Status.PROPOSED
             and (e.id not in old or (e.date, e.start) != (old[e.id].date, old[e.id].start))]
    apart = f"2027/joint_meeting/{dept}/{first.counterpart}"
    assert apart in {e.id for e in fresh} and all(e.date >= day for e in fresh)
    # as before 12 August with no day: the same meeting goes on a day gone by
    assert plan_year(amended_seed, 2027, fixed=held, keep=proposed).get(apart).date < day
    (gone,) = [u for u in after.unplaced if ended.counterpart in u.subject]
    assert "2027-07-31" in gone.reason_en and "2027-08-12" in gone.reason_en and "已过" in gone.reason_zh
    report = check(amended_seed, Records.from_plan(after), 2027)
    (owed,) = [f for f in report.findings if f.rule == "joint-meeting" and ended.counterpart in f.subject]
    assert owed.responsible == dept and owed.status != FindingStatus.MET
