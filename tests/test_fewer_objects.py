"""A plan and a check work each window's pairing spans out once and keep what they index as plain
values (issue #23: growth from 10× to 100× ≤ 11×, which the collector's full passes broke). What the
shortcuts give is what the long way gives: the spans' versions are the pairing versions in force, the
obligations are the same with and without the shared spans, and the records a finding cites, and
those an obligation may count (indexed by body and by pairing), are those a scan finds."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import attrs
import pytest
from district_strategies import GeneratedDistrict, bounded, districts
from hypothesis import given
from hypothesis import strategies as st

from liaison.law.compliance import check
from liaison.law.compliance.context import Context
from liaison.law.district import District, PairingSpan
from liaison.law.duties import SpanMemo, obligations, spans_in, year_duties
from liaison.law.records import HeldEngagement, Records
from liaison.law.workdays import default_calendar
from liaison.year.engagements import PlanOptions
from liaison.year.planner import plan_year


def count_spans(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[dt.date, dt.date]]:
    """How many times each window's pairing spans are worked out from here on."""
    asked: Counter[tuple[dt.date, dt.date]] = Counter()
    worked_out = District.pairing_spans

    def counting(self: District, first: dt.date, last: dt.date) -> tuple[PairingSpan, ...]:
        asked[(first, last)] += 1
        return worked_out(self, first, last)

    monkeypatch.setattr(District, "pairing_spans", counting)
    return asked


@pytest.mark.parametrize("options", [PlanOptions(), PlanOptions(per_pairing_meetings=True, visits_per_pairing=1)])
def test_a_plan_works_each_windows_pairing_spans_out_once(seed: District, options: PlanOptions,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    asked = count_spans(monkeypatch)
    plan = plan_year(seed, 2027, options)
    assert plan.engagements
    assert asked and set(asked.values()) == {1}, asked


def test_a_check_and_a_years_duties_work_each_windows_pairing_spans_out_once(
        seed: District, monkeypatch: pytest.MonkeyPatch) -> None:
    records = Records.from_plan(plan_year(seed, 2027))
    asked = count_spans(monkeypatch)
    report = check(seed, records, 2027)
    assert report.findings
    assert asked and set(asked.values()) == {1}, asked
    asked.clear()
    year_duties(seed, 2027, records)
    assert asked and set(asked.values()) == {1}, asked


def assert_spans_shared_as_worked_out(district: District, year: int) -> None:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    memo: SpanMemo = {}
    assert obligations(district, first, last, spans=memo) == obligations(district, first, last)
    position = {o.id: i for i, o in enumerate(district.organisations)}
    for (a, b), spans in memo.items():
        assert spans_in(district, a, b, memo) is spans  # read, not worked out again
        assert sorted(spans, key=lambda s: (position[s.pairing.department], position[s.pairing.counterpart])) \
            == list(spans) and set(spans) == set(district.pairing_spans(a, b))
    for a, b in ((first, last), (dt.date(year, 3, 1), dt.date(year, 6, 30)), (last, last)):
        versions = [v for s in district.pairing_spans(a, b) for v in s.versions]
        assert sorted(versions, key=district.pairings.index) == list(district.pairings_between(a, b))
        for s in district.pairing_spans(a, b):
            assert list(s.versions) == sorted(s.versions, key=lambda v: v.valid_from)


def test_the_seeds_shared_spans_are_those_worked_out(seed: District) -> None:
    assert_spans_shared_as_worked_out(seed, 2027)


@bounded(30)
@given(districts())
def test_any_districts_shared_spans_are_those_worked_out(generated: GeneratedDistrict) -> None:
    assert_spans_shared_as_worked_out(generated.district, generated.year)


@bounded(30)
@given(districts())
def test_any_districts_cited_records_are_those_a_scan_finds(generated: GeneratedDistrict) -> None:
    district, year, records = generated.district, generated.year, generated.records
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ctx = Context(district, records, year, first, last, last, default_calendar(), ())
    engagements = records.engagements
    for i, e in enumerate(engagements):
        assert ctx.engagements_cited(e.cited(i)) == tuple(j for j, f in enumerate(engagements)
                                                          if f.cited(j) == e.cited(i))
    assert ctx.engagements_cited("no such record") == ()


@bounded(30)
@given(districts(), st.data())
def test_any_obligations_engagements_are_those_a_scan_finds(generated: GeneratedDistrict, data: st.DataObject) -> None:
    """The indexes by body and by pairing give an obligation what a scan of every record gives: its
    kind, in its span, both sides present for a pairing's — whoever of the others attended or hosted
    (the plan's engagements with attendees dropped and strangers added, so pairs go missing)."""
    district, year = generated.district, generated.year
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ids = [o.id for o in district.organisations]
    planned = Records.from_plan(plan_year(district, year, generated.options)).engagements
    def shuffled(e: HeldEngagement) -> HeldEngagement:
        kept = data.draw(st.lists(st.sampled_from(e.attended))) if e.attended else []
        strangers = data.draw(st.lists(st.sampled_from(ids), max_size=3))
        return attrs.evolve(e, host=data.draw(st.sampled_from([e.host, *ids])),
                            attended=tuple(dict.fromkeys((*kept, *strangers))))

    engagements = tuple(shuffled(e) for e in planned)
    owed = obligations(district, first, last)
    ctx = Context(district, Records(engagements=engagements), year, first, last, last, default_calendar(), owed)
    for o in owed:
        scanned = [i for i, e in enumerate(engagements) if e.kind == o.kind and o.span[0] <= e.date <= o.span[1]
                   and set(o.subject if o.scope == "pairing" else (o.responsible_id,)) <= {e.host, *e.attended}]
        assert ctx.engagements_for(o) == scanned
        if o.scope == "pairing":  # the same asked of a context that owes nothing: the scan, the long way
            bare = Context(district, ctx.records, year, first, last, last, default_calendar(), ())
            assert bare.engagements_with(o.kind, o.subject, *o.span) == scanned
