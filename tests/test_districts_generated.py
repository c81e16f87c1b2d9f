"""Any valid district, amended on any day: planned, checked with the plan as held and exported, without
a crash, and as the rules say.

Districts come from :mod:`district_strategies` (organisations of every kind, pairings replaced and
ended mid-year, rule versions amended on random days, per-pairing and per-department readings,
cadences of 3 to 36 months, part-period settings). For each, and a year:

- the files the district and its records are written as load back as the same;
- the plan keeps to the days: every planned engagement on a working day, within the days its
  pairings and a version of its rule are in force, every id unique;
- the plan treated as held leaves no shortfall for anything the planner placed (what it reports as
  unplaced excepted, and that only where the days are few), and every cadence finding is judged by
  one rule version — with that version's numbers — over days its pairing is in force;
- the export flow the command uses (the workspace, every exporter), the year going on (confirm,
  move, cancel, held) and exported again, the JSON and the printed views raise nothing but a
  :class:`LiaisonError`, and the year's state reads back as written.

Run longer with ``LIAISON_HYPOTHESIS=long`` (docs/benchmarks.md).

Every failing example hypothesis found is kept below as a named regression test.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import attrs
import pytest
from builders import seed_text
from district_strategies import GeneratedDistrict, bounded, district_toml, districts, records_toml
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from liaison.base.errors import DataError, ExportError, LiaisonError
from liaison.formats.district import parse_district, seed_district
from liaison.formats.documents import report_document
from liaison.formats.records import parse_records
from liaison.host import plugins
from liaison.law.compliance import check
from liaison.law.district import District
from liaison.law.duties import Obligation, obligations, planning_year
from liaison.law.findings import Finding, FindingStatus, Report, Severity
from liaison.law.model import Organisation, OrgKind
from liaison.law.records import HeldEngagement, Records
from liaison.law.rules import Cadence, EngagementKind, Invitation, Routing
from liaison.law.workdays import WorkingDayCalendar, default_calendar
from liaison.year.engagements import KnownEvent, Plan, PlanOptions, Status
from liaison.year.planner import plan_year
from liaison.year.reconcile import Change
from liaison_workspace import ExportOutcome

EXPORTERS = "ical,docx,xlsx,html"
#: What "short" is, whatever the modality: the plan as held must leave none of these open.
SHORT = frozenset({FindingStatus.SHORT, FindingStatus.FEWER, FindingStatus.NOT_DONE, FindingStatus.OPEN})
#: Kinds one engagement holds for every branch at once (the pairing's gap does not apply to them).
ONCE_FOR_ALL = frozenset({EngagementKind.WORK_MEETING})
#: Periods run up to 36 months: a year's check counts what the plans of the two years before placed.
LOOK_BACK = 2


@pytest.fixture
def loaded_plugins() -> str:
    return EXPORTERS


# ------------------------------------------------------------------------------------------ the flow
def plans_for(district: District, year: int, options: PlanOptions,
              calendar: WorkingDayCalendar) -> dict[int, Plan]:
    """The plans of ``year`` and the years before it that a period of up to three years reaches."""
    return {y: plan_year(district, y, options, calendar=calendar) for y in range(year - LOOK_BACK, year + 1)}


def held(plans: Iterable[Plan]) -> Records:
    """Every plan treated as held, as the command's dry run reads it (:meth:`Records.from_plan`)."""
    records: Records | None = None
    for plan in plans:
        mine = Records.from_plan(plan)
        records = mine if records is None else records.merged(mine)
    assert records is not None
    return records


def cadence_versions(district: District, key: str) -> list[Cadence]:
    return [r for p in district.provisions for r in p.rules if r.key == key and isinstance(r, Cadence)]


# ----------------------------------------------------------------------------------------- invariants
def assert_plan_keeps_to_the_days(district: District, plan: Plan, calendar: WorkingDayCalendar,
                                  options: PlanOptions) -> None:
    """Every engagement the planner proposed is on a working day, inside the days each of its pairings
    and a version of its rule are in force (a user's dated event is where the user put it); no two
    engagements share an id (calendars, letters and the year's state are keyed by it)."""
    ids = [e.id for e in plan.engagements]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for e in plan.engagements:
        if e.status != Status.PROPOSED:
            continue
        assert calendar.is_working_day(e.date), e
        assert options.allow_makeup_weekends or e.date.weekday() < 5, e
        versions = [r for p in e.provisions for r in district.provision(p).rules
                    if isinstance(r, Cadence) and r.engagement_kind == e.kind]
        assert any(r.validity.contains(e.date) for r in versions), (e.id, e.date, [r.validity for r in versions])
        if e.host in {o.id for o in district.departments()}:
            for other in e.participants[1:]:
                assert any(p.in_force(e.date) for p in district.pairings if p.key == (e.host, other)), (
                    e.id, e.date, other)


def unplaced_explains(plan: Plan, finding: Finding) -> bool:
    return any(u.rule == finding.rule and set(finding.subject) <= set(u.subject) for u in plan.unplaced)


def assert_no_shortfall_for_what_was_placed(district: District, report: Report, plans: dict[int, Plan]) -> None:
    """The plan as held meets every cadence, but what the planner said it could not place, and what
    is planned in a later year (open at the end of this one, a period of years)."""
    owed = obligations(district, dt.date(report.year, 1, 1), dt.date(report.year, 12, 31))
    later = {(o.rule.key, o.subject, o.span) for o in owed if planning_year(district, o) > report.year}
    cadences = {o.rule.key for o in owed}
    for f in report.findings:
        if f.status == FindingStatus.OPEN and (f.rule, f.subject, f.period) in later:
            continue
        judged_by = [v for v in cadence_versions(district, f.rule) if v.validity.contains(f.period[0])]
        if judged_by and judged_by[0].scope == "department" and len(f.subject) == 2:
            assert f.severity == Severity.INFO and f.rests_on == ("scope",), f
            continue  # read per department, a pairing that met in none of its department's engagements: information
        if f.status in SHORT and f.rule in cadences:
            assert any(unplaced_explains(p, f) for p in plans.values()), (f.status, f.rule, f.subject, f.period,
                                                                           f.message_en)


def assert_judged_by_the_version_in_force(district: District, report: Report) -> None:
    """Each part of a year is judged by the rule version in force: a cadence finding's days lie
    within one version, and a pairing's finding within the pairing's days in force."""
    for f in report.findings:
        versions = cadence_versions(district, f.rule)
        if not versions:
            continue
        first, last = f.period
        judge = [v for v in versions if v.validity.contains(first) and v.validity.contains(last)]
        assert judge, (f.rule, f.period)
        assert f.expected == "".join(judge[0].how_often_zh()), (f.expected, judge[0])  # its numbers, not another's
        if f.pairing_in_force is not None:
            start, end = f.pairing_in_force
            assert start <= first and (end is None or last < end), (f.rule, f.subject, f.period, f.pairing_in_force)


def assert_unplaced_only_where_the_days_cannot_hold_it(district: District, plan: Plan,
                                                      options: PlanOptions) -> None:
    """What the plan leaves short is reported unplaced, and had little room: few working days (the
    obligation's this year, within them its pairing's in force), or so many engagements of its
    pairings there or within ``min_gap_days`` of it that their gaps alone take half its days, or a
    meeting of many counterparts, each with engagements of its own. (The planner places meetings
    before visits and does not go back, so a tight window can be left short where a cleverer order
    would have fitted; it says so, and this bounds where.)"""
    first, last = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
    for o in obligations(district, first, last):
        if not (o.applicable and o.minimum and planning_year(district, o) == plan.year):
            continue
        served = [e for e in plan.engagements if o.counts(e.kind, e.date, e.host, e.participants)]
        if len(served) >= o.minimum:
            continue
        assert any(u.rule == o.rule.key and set(o.subject) <= set(u.subject) for u in plan.unplaced), o
        asked = options.visits_per_pairing
        if asked is not None and asked < o.minimum and o.kind == EngagementKind.VISIT and o.scope == "pairing":
            continue  # fewer asked for than the rule owes: reported as such
        start, end = window(district, o, first, last)
        gap = dt.timedelta(days=options.min_gap_days)  # an engagement that near the window narrows it too
        there = [e for e in plan.engagements if start - gap <= e.date <= end + gap
                 and o.responsible.id in e.participants and set(o.counterpart_ids) & set(e.participants)
                 and e.kind not in ONCE_FOR_ALL]
        days = (end - start).days + 1
        room = days * 5 // 7 - 10  # working days, less the holidays a year may put in them
        need = len(there) + o.minimum - len(served)
        assert room < 20 or need * options.min_gap_days >= days / 2 or len(o.counterparts) > 3, (
            o.rule.key, o.subject, (start, end), [e.date for e in there])


def window(district: District, o: Obligation, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The days an obligation had this year: its span, for a pairing's within the longest run of days
    the pairing is in force."""
    start, end = max(o.span[0], first), min(o.span[1], last)
    if o.scope == "pairing":
        span = next(s for s in district.pairing_spans(start, end) if s.key == o.subject)
        start, end = span.longest_piece()
    return start, end


def run_year(generated: GeneratedDistrict) -> tuple[dict[int, Plan], Report]:
    """Plan, check with the plans as held, and hold every invariant."""
    district, year, options = generated.district, generated.year, generated.options
    calendar = default_calendar()
    plans = plans_for(district, year, options, calendar)
    for plan in plans.values():
        assert_plan_keeps_to_the_days(district, plan, calendar, options)
        assert_unplaced_only_where_the_days_cannot_hold_it(district, plan, options)
    report = check(district, held(plans.values()).merged(generated.records), year, calendar=calendar)
    assert_no_shortfall_for_what_was_placed(district, report, plans)
    assert_judged_by_the_version_in_force(district, report)
    return plans, report


# --------------------------------------------------------------------------------------- the properties
@bounded(25)
@given(districts())
def test_a_generated_district_loads_back_from_its_own_file(generated: GeneratedDistrict) -> None:
    district = generated.district
    loaded = parse_district(district_toml(district), file="generated.toml")
    assert (loaded.info, loaded.organisations, loaded.pairings, loaded.provisions) == (
        district.info, district.organisations, district.pairings, district.provisions)


def test_the_seed_loads_back_from_its_rendering(seed: District) -> None:
    """The renderer the strategies use writes any district, the seed's multi-line texts included."""
    loaded = parse_district(district_toml(seed), file="seed-rendered.toml")
    assert (loaded.info, loaded.organisations, loaded.pairings, loaded.provisions) == (
        seed.info, seed.organisations, seed.pairings, seed.provisions)


@bounded(25)
@given(districts())
def test_a_generated_years_records_load_back_from_their_own_file(generated: GeneratedDistrict) -> None:
    district, found = generated.district, generated.records
    assert parse_records(records_toml(found), district, file="records.toml") == found.with_defaults(district)


@bounded(60)
@given(districts())
def test_the_plan_as_held_meets_every_rule_in_force(generated: GeneratedDistrict) -> None:
    run_year(generated)


def export(out: Path, district: District, year: int, names: Sequence[str], records: Records,
           options: PlanOptions) -> ExportOutcome | LiaisonError:
    """The command's export flow into ``out``: the outcome, or the :class:`LiaisonError` it refused
    with. An exporter's own crash comes wrapped in an :class:`ExportError` (nothing is written): that
    is a bug all the same, and fails here."""
    from liaison_workspace import Workspace

    try:
        return Workspace(out).export(district, year, [(name, {}) for name in names], records=records,
                                     options=options, issued_on=dt.date(year, 1, 5))
    except ExportError as exc:
        assert exc.__cause__ is None or isinstance(exc.__cause__, LiaisonError), repr(exc.__cause__)
        assert exc.message_zh, exc  # a refusal speaks both languages
        return exc
    except LiaisonError as exc:
        return exc


def assert_the_state_is_whole(outcome: ExportOutcome, district: District, year: int) -> None:
    """The year's state reads back as written, and no two letters share a 发文字号."""
    from liaison.formats.state import parse_state, state_to_json

    assert parse_state(state_to_json(outcome.state), district, year=year) == outcome.state
    numbers = [letter.doc_number for letter in outcome.state.letters]
    assert len(numbers) == len(set(numbers)), sorted(n for n in numbers if numbers.count(n) > 1)


@st.composite
def changes(draw: st.DrawFn, plan: Plan) -> list[Change]:
    """What a clerk does to a plan during the year: confirm, move, cancel, mark held."""
    found = []
    for e in draw(st.lists(st.sampled_from(plan.engagements), unique_by=lambda e: e.id, max_size=6)
                  if plan.engagements else st.just([])):
        action = draw(st.sampled_from(["confirm", "move", "cancel", "held"]))
        day = draw(st.dates(dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31))) if action == "move" else None
        found.append(Change(action, e.id, day))
    return found


@bounded(15)
@given(districts(), st.data())
def test_every_exporter_runs_on_any_district_through_the_export_flow(generated: GeneratedDistrict,
                                                                     data: st.DataObject) -> None:
    """Every exporter at once, as `liaison export all`; where that is refused (a body with no usable
    机关代字, say), each exporter alone, so one refusal hides no other exporter's crash. Then the year
    goes on: engagements confirmed, moved, cancelled, held, and everything exported again (change
    letters, archives, revised calendars)."""
    from liaison_cli import views
    from liaison_workspace import Workspace

    district = parse_district(district_toml(generated.district), file="generated.toml")  # through the loader
    year, options = generated.year, generated.options
    plans, report = run_year(attrs.evolve(generated, district=district))
    records = held(plans.values()).merged(generated.records)
    names = sorted(plugins.exporters())
    with tempfile.TemporaryDirectory() as out:
        outcome = export(Path(out), district, year, names, records, options)
        if isinstance(outcome, LiaisonError):
            for name in names:
                with tempfile.TemporaryDirectory() as alone:
                    export(Path(alone), district, year, [name], records, options)
        else:
            assert_the_state_is_whole(outcome, district, year)
            with contextlib.suppress(LiaisonError):  # a change refused (a held engagement moved) changes nothing
                Workspace(out).update(district, year, data.draw(changes(outcome.plan)), options=options)
            again = export(Path(out), district, year, names, records, options)
            assert isinstance(again, ExportOutcome), again
            assert_the_state_is_whole(again, district, year)
    report_document(report, district)
    shown = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:  # what `liaison plan` and `liaison check` print, in each language
        patch.setattr(views, "console", Console(file=shown, width=160, markup=False, emoji=False, highlight=False))
        for lang in ("zh", "en"):
            views.print_plan(district, plans[year], lang=lang)
            views.print_report(district, report, lang=lang, show_all=True)
            views.print_provisions(district, lang=lang)
    assert shown.getvalue()


def test_every_exporter_is_loaded() -> None:
    assert sorted(plugins.exporters()) == sorted(EXPORTERS.split(","))


# ---------------------------------------------------------------------------------------- regressions
# Each failure hypothesis found, made small and kept with the seed district, named for the bug.
PAIRING = 'department = "{dept}"\ncounterpart = "{other}"\nclause = "§2.2"\nvalid_from = 2022-05-22\n'
MARKER = "\n# ---------------------------------------------------------------- provisions"


Edit = Callable[[str], str]


def edited(text: str, *changes: Edit) -> str:
    for change in changes:
        text = change(text)
    return text


def replaced(old: str, new: str) -> Edit:
    """Replace ``old`` (which must be there) once."""
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)
    return change


def ends(dept: str, other: str, day: str) -> Edit:
    """End a pairing of the seed on ``day``."""
    old = PAIRING.format(dept=dept, other=other)
    return replaced(old, old + f"valid_until = {day}\n")


def new_pairing(dept: str, other: str, day: str) -> Edit:
    """Add a pairing from ``day`` (before the provisions)."""
    return replaced(MARKER, f'\n[[pairings]]\ndepartment = "{dept}"\ncounterpart = "{other}"\nclause = "§2.2"\n'
                            f"valid_from = {day}\n" + MARKER)


def rule_field(key: str, field: str, old: str, new: str) -> Edit:
    """Change ``field = old`` to ``field = new`` in the rule ``key`` (``new`` may add lines)."""
    def change(text: str) -> str:
        start = text.index(f'key = "{key}"\n')
        end = text.index("\n\n", start)
        block = text[start:end]
        assert f"\n{field} = {old}\n" in block + "\n", (key, field)
        return text[:start] + block.replace(f"\n{field} = {old}", f"\n{field} = {new}", 1) + text[end:]
    return change


def amended_rule(key: str, day: str, *changes: tuple[str, str]) -> Edit:
    """End the rule ``key`` on ``day`` and add a version from then with ``changes`` (old, new) made."""
    def change(text: str) -> str:
        start = text.index(f'key = "{key}"\n')
        block = text[start:text.index("\n\n", start)]
        kind = text[text.rindex("kind = ", 0, start):start]
        first = block.replace("valid_from = 2022-05-22", f"valid_from = 2022-05-22\nvalid_until = {day}")
        second = block.replace("valid_from = 2022-05-22", f"valid_from = {day}")
        for old, new in changes:
            assert old in second, old
            second = second.replace(old, new, 1)
        return text.replace(block, f"{first}\n\n[[provisions.rules]]\n{kind}{second}", 1)
    return change


def seed_with(*changes: Edit) -> District:
    return parse_district(edited(seed_text(), *changes), file="amended.toml")


def with_pairing_replaced(text: str, *, scope: str) -> District:
    """The seed with §3.3 read per ``scope`` and 区卫生局's pairing with 九三学社 replaced by one with 民盟
    on 2027-07-01 (issue #20, item 1)."""
    return parse_district(edited(text, rule_field("joint-meeting", "scope", '"department"', f'"{scope}"'),
                                 ends("health", "jiusan", "2027-07-01"), new_pairing("health", "cdl", "2027-07-01")),
                          file="amended.toml")


def held_report(district: District, year: int) -> tuple[Plan, Report]:
    """The year planned (default options) and checked as held, every invariant above kept."""
    plans, report = run_year(GeneratedDistrict(district, year, PlanOptions()))
    return plans[year], report


@pytest.mark.parametrize("scope", ["pairing", "department"])
def test_meetings_counted_per_pairing_with_a_pairing_replaced_mid_year(scope: str) -> None:
    """§3.3 per pairing, 区卫生局 paired with 九三学社 until 2027-07-01 and with 民盟 from then: each pairing
    meets within its own days, and the plan as held meets §3.3 for all three (it crashed with
    ``KeyError: ('health', 'jiusan')``)."""
    district = with_pairing_replaced(seed_text(), scope=scope)
    plan, report = held_report(district, 2027)
    meetings = {other: [e.date for e in plan.engagements if e.kind == EngagementKind.JOINT_MEETING
                        and e.host == "health" and other in e.participants] for other in ("jiusan", "cdl", "cpwdp")}
    assert meetings["jiusan"] and all(d < dt.date(2027, 7, 1) for d in meetings["jiusan"])
    assert meetings["cdl"] and all(d >= dt.date(2027, 7, 1) for d in meetings["cdl"])
    assert meetings["cpwdp"]
    health = [f for f in report.findings if f.rule == "joint-meeting" and f.responsible == "health"]
    assert health and all(f.status == FindingStatus.MET for f in health), [(f.subject, f.status) for f in health]


def test_visits_of_a_department_over_two_years_go_to_counterparts_paired_that_year() -> None:
    """§3.6 read per department over a two-year cycle, 区卫生局 paired with 民盟 only from 2028-03-01: the
    2027 plan visits its counterparts of 2027 (it crashed with ``KeyError: ('health', 'cdl')``, and
    once that was mended visited 民盟 before they were paired)."""
    district = seed_with(rule_field("leader-visit", "scope", '"pairing"', '"department"'),
                         rule_field("leader-visit", "period_years", "1", "2\ncycle_anchor_year = 2027"),
                         new_pairing("health", "cdl", "2028-03-01"))
    plan, _ = held_report(district, 2027)
    visits = [e for e in plan.engagements if e.kind == EngagementKind.VISIT and e.host == "health"]
    assert visits and all("cdl" not in e.participants for e in visits)


def test_a_pairing_that_ends_and_begins_again_meets_only_while_in_force() -> None:
    """区卫生局 and 九三学社 paired in January and again from December 2027: their meeting and visit fall
    in those days, never in the months between (one span from January to December let the planner
    aim at July)."""
    district = seed_with(ends("health", "jiusan", "2027-02-01"), new_pairing("health", "jiusan", "2027-12-01"))
    plan, _ = held_report(district, 2027)
    theirs = [e.date for e in plan.engagements if {"health", "jiusan"} <= set(e.participants)]
    assert theirs and all(d < dt.date(2027, 2, 1) or d >= dt.date(2027, 12, 1) for d in theirs), theirs


def test_a_department_visit_goes_to_a_counterpart_paired_long_enough_to_visit() -> None:
    """§3.6 read per department (two visits a year), 区卫生局's pairing with 九三学社 in force only over the
    New Year holiday: both visits go to 农工党, and the department meets §3.6 (the second went to
    九三学社, could not be placed, and the department was short)."""
    district = seed_with(rule_field("leader-visit", "scope", '"pairing"', '"department"'),
                         rule_field("leader-visit", "min_per_period", "1", "2"),
                         ends("health", "jiusan", "2027-01-04"))
    plan, report = held_report(district, 2027)
    visits = [e for e in plan.engagements if e.kind == EngagementKind.VISIT and e.host == "health"]
    assert [e.participants for e in visits] == [("health", "cpwdp")] * 2
    assert not [u for u in plan.unplaced if u.rule == "leader-visit"]
    [health] = [f for f in report.findings if f.rule == "leader-visit" and f.subject == ("health",)]
    assert health.status == FindingStatus.MET


def test_a_two_year_meeting_of_a_pairing_made_on_new_years_eve_is_planned_the_next_year() -> None:
    """§3.3 per pairing every two years (2027–2028), 区卫生局 paired with 民盟 from 2027-12-31: the meeting
    is planned in 2028, not squeezed into the one day left of 2027 (where the planner left it unplaced
    when that day was taken)."""
    district = seed_with(rule_field("joint-meeting", "scope", '"department"', '"pairing"'),
                         rule_field("joint-meeting", "period_years", "1", "2\ncycle_anchor_year = 2027"),
                         new_pairing("health", "cdl", "2027-12-31"))
    [o] = [o for o in obligations(district, dt.date(2027, 1, 1), dt.date(2027, 12, 31))
           if o.rule.key == "joint-meeting" and o.subject == ("health", "cdl")]
    assert planning_year(district, o) == 2028
    plans = {y: plan_year(district, y) for y in (2027, 2028)}
    meets = {y: [e for e in p.engagements if {"health", "cdl"} <= set(e.participants)
                 and e.kind == EngagementKind.JOINT_MEETING] for y, p in plans.items()}
    assert not meets[2027] and meets[2028]
    held_report(district, 2028)


def test_a_rule_amended_mid_period_gives_each_version_its_own_engagement_id() -> None:
    """The §3.1 work meeting amended on 2027-07-01 inside its 2027–2028 cycle: each version owes its
    meeting, and the two have different ids (both were ``2027/work_meeting/district-gov``, and the
    calendar refused the second UID)."""
    plan, report = held_report(seed_with(amended_rule("work-meeting", "2027-07-01")), 2027)
    meetings = [e for e in plan.engagements if e.kind == EngagementKind.WORK_MEETING]
    assert len(meetings) == 2 and len({e.id for e in meetings}) == 2
    assert meetings[0].date < dt.date(2027, 7, 1) <= meetings[1].date
    assert all(f.status == FindingStatus.MET for f in report.findings if f.rule == "work-meeting")


def test_engagement_ids_and_titles_fit_with_the_longest_ids_and_names() -> None:
    """Ids of 64 characters and names of 60 make ids and titles longer than an engagement's may be:
    the plan is made, its ids kept unique and within 120 characters, its titles shortened (it crashed:
    ``id is 142 characters long; at most 120``, then ``title_zh is 124 characters long``)."""
    dept, other = "health-" + "x" * 57, "jiusan-" + "y" * 57
    text = seed_text()
    for old, new in (('"health"', f'"{dept}"'), ('counterpart = "jiusan"', f'counterpart = "{other}"'),
                     ('id = "jiusan"', f'id = "{other}"'), ('name = "区卫生局"', f'name = "区卫生局{"卫" * 56}"'),
                     ('name = "九三学社综合支社"', f'name = "九三学社综合支社{"社" * 52}"')):
        assert old in text
        text = text.replace(old, new)
    plan, _ = held_report(parse_district(text, file="long.toml"), 2027)
    theirs = [e for e in plan.engagements if dept in e.participants]
    assert theirs and all(len(e.id) <= 120 and len(e.title_zh) <= 120 for e in theirs)
    assert any(e.title_zh.endswith("…") for e in theirs)


def test_a_town_governments_inspection_is_checked_without_a_district_government() -> None:
    """An inspection hosted by a town under a rule for towns, in a district that names no district
    government: the checker takes the invitees from the town's rule (it asked for the district
    government and stopped: ``the data names no district government``)."""
    seed = seed_district()
    town = Organisation(id="town-a", name="甲镇人民政府", short_name="甲镇", name_en="Town A",
                        kind=OrgKind.TOWN_GOVERNMENT)
    orgs = (*[o for o in seed.organisations if o.kind != OrgKind.DISTRICT_GOVERNMENT], town)
    base = seed.provision("§1.4")
    rule = Invitation(key="inspection", sentence_zh=base.rules[0].sentence_zh, event_kind=EngagementKind.INSPECTION,
                      host="town_government", recipients="all_counterparts", role_zh="参加")
    provisions = (*[attrs.evolve(p, rules=()) for p in seed.provisions if p.id != "§1.4"],
                  attrs.evolve(base, rules=(rule,)))
    district = District(seed.info, orgs, seed.pairings, provisions)
    inspection = HeldEngagement(kind=EngagementKind.INSPECTION, date=dt.date(2027, 5, 12), host="town-a",
                                attended=("town-a", "rcck"),
                                id="2027/inspection/a")
    report = check(district, Records(district_id="seed", engagements=(inspection,)), 2027)
    [finding] = [f for f in report.findings if f.rule == "inspection"]
    assert finding.status == FindingStatus.NOT_ALL_INVITED and "icf" in finding.affected


def test_a_body_whose_short_name_cannot_number_its_letters_is_named_in_the_refusal() -> None:
    """区卫生局 with no 机关代字 and a short name with a space: the letters cannot be numbered, and the
    export says which field to fill, in both languages (it failed inside the exporter, as ``ValueError:
    '卫生 局函' is not a 发文字号 series``, reported as the plugin's own bug)."""
    body = 'short_name = "{}"\nname_en = "Health Bureau"\nkind = "department"'
    district = seed_with(replaced(body.format("卫生局") + '\ndoc_prefix = "区卫"', body.format("卫生 局")))
    plan = plan_year(district, 2027)
    with tempfile.TemporaryDirectory() as out:
        refused = export(Path(out), district, 2027, ["docx"], Records.from_plan(plan), PlanOptions())
    assert isinstance(refused, ExportError)
    assert refused.path == "organisations[health].short_name" and "doc_prefix" in (refused.fix or "")
    assert refused.message_zh and "机关代字" in refused.message_zh


def test_a_document_is_recorded_under_an_issuer_id_as_long_as_ids_may_be() -> None:
    """A department whose id is 64 characters long records a document under its id (the issuer field
    allowed 60 characters, fewer than an id has: ``issuer is 64 characters long; at most 60``)."""
    dept = "health-" + "x" * 57
    district = parse_district(seed_text().replace('"health"', f'"{dept}"'), file="long.toml")
    text = f'district = "seed"\n[[documents]]\nid = "卫〔2027〕1号"\nissuer = "{dept}"\ndate = 2027-03-01\n' \
           'copied_to = ["cpwdp", "jiusan"]\n'
    found = parse_records(text, district, file="records.toml")
    assert found.documents[0].issuer == dept
    [copied] = [f for f in check(district, found, 2027).findings if f.rule == "department-documents"]
    assert copied.status == FindingStatus.MET


def test_records_load_in_a_district_that_names_no_general_office() -> None:
    """A district with neither a government nor a general office reads a records file without a
    consultation (every reader asked for the general office, to default consultations' senders to it,
    and failed: ``the data names no district government``); a consultation with no sender is then
    refused at its own path."""
    seed = seed_district()
    government = (OrgKind.DISTRICT_GOVERNMENT, OrgKind.GOVERNMENT_OFFICE)
    orgs = tuple(o for o in seed.organisations if o.kind not in government)
    provisions = tuple(attrs.evolve(p, rules=tuple(r for r in p.rules if isinstance(r, Routing)
                                                   and r.issuer == "department")) for p in seed.provisions)
    district = District(seed.info, orgs, seed.pairings, provisions)
    text = 'district = "seed"\n[[documents]]\nid = "卫〔2027〕1号"\nissuer = "health"\ndate = 2027-03-01\n'
    assert parse_records(text, district, file="records.toml").documents
    unsent = text + '[[consultations]]\nid = "征1"\nsubject = "草案"\nsent = 2027-04-01\nsent_to = ["cpwdp"]\n'
    with pytest.raises(DataError) as refused:
        parse_records(unsent, district, file="records.toml")
    assert refused.value.path == "$.consultations[0].sender" and refused.value.message_zh


def test_a_plan_asked_for_fewer_visits_than_the_rule_owes_says_so(seed: District) -> None:
    """`--visits 0` (or fewer than §3.6's minimum) plans fewer visits than the rule owes: each pairing's
    shortfall is listed as not placed, with why (it was dropped in silence, and the plan as held was
    short with nothing said)."""
    plan = plan_year(seed, 2027, PlanOptions(visits_per_pairing=0))
    assert not [e for e in plan.engagements if e.kind == EngagementKind.VISIT]
    told = {u.subject for u in plan.unplaced if u.rule == "leader-visit"}
    assert told == {p.key for p in seed.pairings_as_of(dt.date(2027, 6, 1))}
    assert all("fewer than the 1 §3.6" in u.reason_en and "少于§3.6要求的1次" in u.reason_zh
               for u in plan.unplaced if u.rule == "leader-visit")


def test_the_seed_amended_mid_year_as_in_the_issue_plans_checks_and_exports_from_the_command(
        tmp_path: Path) -> None:
    """Issue #20's amended seed — visits 1–2 → 2–3, research feedback 30 → 10 days, §3.3 read per pairing,
    区卫生局's pairing with 九三学社 replaced by one with 民盟 on 2027-07-01 — through the command: `plan
    --years 2025..2028`, `export all` and `check` end without a traceback (each died with ``KeyError:
    ('health', 'jiusan')``)."""
    from click.testing import CliRunner

    from liaison_cli.main import cli

    text = edited(seed_text(), rule_field("joint-meeting", "scope", '"department"', '"pairing"'),
                  ends("health", "jiusan", "2027-07-01"), new_pairing("health", "cdl", "2027-07-01"),
                  amended_rule("leader-visit", "2027-07-01", ("min_per_period = 1", "min_per_period = 2"),
                               ("max_per_period = 2", "max_per_period = 3")),
                  amended_rule("research-feedback", "2027-07-01", ("due_days = 30", "due_days = 10")))
    data = tmp_path / "amended.toml"
    data.write_text(text, encoding="utf-8")
    runner = CliRunner()
    for args in (["plan", "--years", "2025..2028"], ["export", "all", "--year", "2027", "--out", str(tmp_path / "out")],
                 ["check", "--year", "2027", "--out", str(tmp_path / "out"), "--all"]):
        result = runner.invoke(cli, [*args, "--data", str(data)], catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)
    district = parse_district(text, file="amended.toml")
    plan, _ = held_report(district, 2027)
    visits = [e for e in plan.engagements if e.kind == EngagementKind.VISIT and e.participants == ("health", "cpwdp")]
    assert sum(e.date < dt.date(2027, 7, 1) for e in visits) >= 1 and sum(
        e.date >= dt.date(2027, 7, 1) for e in visits) >= 2


def test_letters_to_bodies_with_long_ids_get_paths_within_the_limit() -> None:
    """A professional meeting of a department whose id is 64 characters, inviting two branches whose
    ids begin alike: their invitations' names, cut to one length, collide, and the second takes -2 —
    which made a path of 121 characters and a crash inside the letter exporter (``path is 121
    characters long; at most 120``)."""
    long_ids = {"health": "health-" + "x" * 57, "cpwdp": "branch-" + "a" * 20 + "-cpwdp",
                "jiusan": "branch-" + "a" * 20 + "-jiusan"}
    text = seed_text()
    for old, new in long_ids.items():
        for field in ("id", "department", "counterpart"):
            text = text.replace(f'{field} = "{old}"', f'{field} = "{new}"')
    district = parse_district(text, file="long.toml")
    meeting = KnownEvent(kind=EngagementKind.PROFESSIONAL_MEETING, date=dt.date(2027, 5, 12), title_zh="卫生专业会议",
                         host=long_ids["health"], id="health-meeting")
    options = PlanOptions(events=(meeting,))
    plan = plan_year(district, 2027, options)
    with tempfile.TemporaryDirectory() as out:
        outcome = export(Path(out), district, 2027, ["docx"], Records.from_plan(plan), options)
        assert isinstance(outcome, ExportOutcome), outcome
    # drafts on the day of export (5 January), under 草稿/: the longest paths a letter gets
    paths = [path for _, path, _ in outcome.written if "professional_meeting" in path]
    assert len(paths) == 2 and len(set(paths)) == 2 and all(len(p) <= 120 for p in paths), paths
    assert all(p.startswith("草稿/邀请函/") for p in paths)


def test_a_rule_inviting_the_government_needs_one_at_load() -> None:
    """§3.5 the other way (a party's major event invites the district government) in a district that
    names no government: refused at load, at the rule (it loaded, then the first plan or check with
    such an event stopped with ``the data names no district government``)."""
    seed = seed_district()
    government = (OrgKind.DISTRICT_GOVERNMENT, OrgKind.GOVERNMENT_OFFICE)
    orgs = tuple(o for o in seed.organisations if o.kind not in government)
    keep = {"major-event-of-a-party"}
    provisions = tuple(attrs.evolve(p, rules=tuple(r for r in p.rules if r.key in keep), sentences=())
                       for p in seed.provisions)
    district = District(seed.info, orgs, seed.pairings, provisions)
    with pytest.raises(DataError) as refused:
        parse_district(district_toml(district), file="no-government.toml")
    [problem] = [p for p in refused.value.problems if "government" in p.message]
    assert problem.path.endswith(".rules[0]") and "district government" in problem.message and problem.message_zh
