"""A district-year's duties are worked out once (:class:`liaison.law.duties.YearDuties`) and read per
body: what the indexes give is what a scan of everything gives, and the export flow works the year
out once for all its exporters (issue #23: no per-body recomputation, no per-obligation rescan)."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from district_strategies import GeneratedDistrict, bounded, districts
from hypothesis import given

import liaison.law.duties as duties_module
from liaison.host.exporting import build_export
from liaison.host.plugins import exporter
from liaison.law.compliance.context import Context
from liaison.law.district import District, PairingSpan
from liaison.law.duties import Obligation, YearDuties, designations_in_force, obligations, year_duties
from liaison.law.records import DesignationRecord, Records
from liaison.law.rules import DesignationRule
from liaison.law.workdays import default_calendar
from liaison.year.planner import plan_year

EXPORTERS = ("ical", "docx", "xlsx", "html")


@pytest.fixture
def loaded_plugins() -> str:
    return ",".join(EXPORTERS)


def _in_directory_order(district: District, spans: tuple[PairingSpan, ...]) -> list[PairingSpan]:
    position = {o.id: i for i, o in enumerate(district.organisations)}
    return sorted(spans, key=lambda s: (position[s.pairing.department], position[s.pairing.counterpart]))


def assert_as_scanned(district: District, year: int, records: Records | None) -> None:
    """Every body's duties from the indexes equal those found by scanning the whole year per body."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found = year_duties(district, year, records)
    assert found.obligations == obligations(district, first, last)
    every = found.obligations
    spans = _in_directory_order(district, district.pairing_spans(first, last))
    for org in district.organisations:
        own = tuple(s for s in spans if s.pairing.department == org.id)
        owed = tuple(o for o in every if o.responsible_id == org.id and o.span[0] <= last and o.span[1] >= first)
        duties = found.duties(org)
        assert duties.pairings == own
        assert duties.obligations == owed
        assert duties.counterparts == tuple(district.organisation(c)
                                            for c in dict.fromkeys(s.pairing.counterpart for s in own))
        assert duties.common_liaison == any(u.id == org.id for u in district.common_liaison_units(first)
                                            + district.common_liaison_units(last))
        owes_designations = bool(own) and any(True for _ in district.rules(DesignationRule, first))
        assert (duties.designation is not None) == owes_designations
        if duties.designation is not None:
            assert duties.designation.designations == designations_in_force(district, org, first, records)
        for other in district.organisations:  # an engagement's bodies: the partial obligations they owe
            bodies = (org.id, other.id)
            partial = {id(o) for o in every if o.partial and o.responsible_id in bodies}
            assert {id(o) for o in found.partial_owed(bodies)} == partial


def with_designations(district: District, records: Records) -> Records:
    """Designation records for every other department, some dated in the year, some undated."""
    made = [DesignationRecord(o.id, leader_in_charge=f"分管{i}", date=None if i % 2 else dt.date(2027, 1 + i % 12, 1))
            for i, o in enumerate(district.departments()[::2])]
    return attrs.evolve(records, designations=tuple(made))


def test_the_seeds_duties_are_those_a_scan_finds(seed: District) -> None:
    plan = plan_year(seed, 2027)
    assert_as_scanned(seed, 2027, None)
    assert_as_scanned(seed, 2027, with_designations(seed, Records.from_plan(plan)))


@bounded(30)
@given(districts())
def test_any_districts_duties_are_those_a_scan_finds(generated: GeneratedDistrict) -> None:
    assert_as_scanned(generated.district, generated.year, generated.records)


def assert_counted_as_scanned(district: District, year: int, records: Records) -> None:
    """The checker's engagements an obligation may count, from the index, are those a scan of every
    record finds, and every engagement the obligation counts is among them."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ctx = Context(district, records, year, first, last, last, default_calendar(), obligations(district, first, last))
    engagements = records.engagements
    for o in ctx.owed:
        scanned = [i for i, e in enumerate(engagements) if e.kind == o.kind and o.span[0] <= e.date <= o.span[1]
                   and o.responsible_id in {e.host, *e.attended}]
        assert ctx.engagements_of(o.kind, o.responsible_id, *o.span) == scanned
        counted = [i for i, e in enumerate(engagements) if o.counts(e.kind, e.date, e.host, e.attended)]
        assert set(counted) <= set(scanned)
    for i, e in enumerate(engagements):
        assert i in ctx.engagements_cited(e.cited(i))


def test_the_checker_looks_at_what_a_scan_would_count(seed: District) -> None:
    records = Records(district_id=seed.info.id, engagements=Records.from_plan(plan_year(seed, 2026)).engagements
                      + Records.from_plan(plan_year(seed, 2027)).engagements)
    assert records.engagements
    assert_counted_as_scanned(seed, 2027, records)


@bounded(30)
@given(districts())
def test_any_districts_checker_looks_at_what_a_scan_would_count(generated: GeneratedDistrict) -> None:
    district, year = generated.district, generated.year
    plans = [plan_year(district, y, generated.options) for y in (year - 1, year)]
    held = tuple(e for p in plans for e in Records.from_plan(p).engagements)
    assert_counted_as_scanned(district, year, attrs.evolve(generated.records, engagements=held))


def test_an_export_works_the_year_out_once_for_every_exporter(seed: District,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The letters, the workbooks, the page and its check all read the one YearDuties the export
    builds: the obligations are worked out once for them all (besides the planner's own), and no
    exporter asks for one body's duties by working the whole year out again."""
    years: list[tuple[int, int]] = []
    worked_out = duties_module._versions  # every call of `obligations` starts here, however imported

    def counting(district: District, first: dt.date, last: dt.date):  # type: ignore[no-untyped-def]
        years.append((first.year, last.year))
        return worked_out(district, first, last)

    built: list[YearDuties] = []
    post_init = YearDuties.__attrs_post_init__

    def building(self: YearDuties) -> None:
        built.append(self)
        post_init(self)

    records = with_designations(seed, Records.from_plan(plan_year(seed, 2027)))
    monkeypatch.setattr(duties_module, "_versions", counting)
    monkeypatch.setattr(YearDuties, "__attrs_post_init__", building)

    build_export(seed, 2027, None, [], records=records)  # the plan alone: no exporter runs, so no duties
    assert built == []
    year_duties(seed, 2027, records)  # and the year worked out once, by hand
    alone, years[:] = len(years), []
    assert len(built) == 1
    built.clear()
    result = build_export(seed, 2027, None, [(exporter(name), {}) for name in EXPORTERS], records=records,
                          issued_on=dt.date(2027, 1, 11))
    assert {name for name, _ in result.writes} == set(EXPORTERS)
    assert sum(a.path.endswith(".docx") for _, a in result.writes) > len(seed.departments()) / 2  # the notices too
    assert len(built) == 1  # one YearDuties for the four exporters (duties_of would build one per body)
    assert len(years) == alone  # and no exporter, nor the page's check, works the obligations out again


def test_a_request_made_without_duties_works_them_out_for_its_year(seed: District) -> None:
    plan = plan_year(seed, 2027)
    request = exporter("html").request(seed, plan)
    assert isinstance(request.duties, YearDuties)
    assert (request.duties.district, request.duties.year, request.duties.records) == (seed, 2027, None)
    assert all(isinstance(o, Obligation) for o in request.duties.obligations)


@bounded(40)
@given(districts())
def test_an_obligation_s_own_pairing_spans_are_those_of_the_whole_district(generated: GeneratedDistrict) -> None:
    """``pairing_spans(..., keys=)`` (one obligation's pairings, found through its departments) gives
    the spans a pass over the whole district gives for those keys: the same versions and days."""
    district, year = generated.district, generated.year
    first, last = dt.date(year - 1, 7, 1), dt.date(year + 1, 6, 30)  # a span across years, as a period's
    every = district.pairing_spans(first, last)
    keys = [*[s.key for s in every][::2], ("no-such-department", "no-such-branch")]
    chosen = district.pairing_spans(first, last, keys=keys)
    assert sorted(chosen, key=lambda s: s.key) == sorted((s for s in every if s.key in set(keys)), key=lambda s: s.key)
    for o in obligations(district, first, last):
        if o.pairings:
            assert duties_module.days_in_force(district, o) == _days_scanned(district, o)


def _days_scanned(district: District, o: Obligation) -> tuple[tuple[dt.date, dt.date], ...]:
    runs: list[tuple[dt.date, dt.date]] = []
    pieces = sorted(p for s in district.pairing_spans(*o.span) if s.key in set(o.pairings) for p in s.pieces())
    for start, end in pieces:
        if runs and start <= runs[-1][1] + dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], max(runs[-1][1], end))
        else:
            runs.append((start, end))
    return tuple(runs)
