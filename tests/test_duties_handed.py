"""The one YearDuties is handed to every consumer, never rebuilt behind its back (issue #23): duties
of other records become these records' by :meth:`YearDuties.with_records` (the year is not worked
out again, and every body's duties are what working it out with these records gives), and duties of
another district or year are refused rather than silently replaced."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from district_strategies import GeneratedDistrict, bounded, districts
from hypothesis import given
from liaison_docx.letters.notice import notices
from liaison_html.pages import page
from liaison_xlsx.plugin import ledger_workbook, schedule_workbook

from liaison.formats.district import parse_district
from liaison.law.compliance import check
from liaison.law.district import District
from liaison.law.duties import YearDuties, duties_for, year_duties
from liaison.law.records import DesignationRecord, Records
from liaison.year.planner import plan_year


def _designated(district: District, records: Records, year: int) -> Records:
    """Designation records for every other department, some dated in the year, some undated."""
    made = [DesignationRecord(o.id, leader_in_charge=f"分管{i}", date=None if i % 2 else dt.date(year, 1 + i % 12, 1))
            for i, o in enumerate(district.departments()[::2])]
    return attrs.evolve(records, designations=tuple(made))


def _assert_same_duties(district: District, found: YearDuties, expected: YearDuties) -> None:
    for org in district.organisations:
        for as_of in (found.first, dt.date(found.year, 7, 1), found.last):
            assert found.duties(org, as_of=as_of) == expected.duties(org, as_of=as_of), (org.id, as_of)


@bounded(30)
@given(districts())
def test_duties_with_other_records_are_those_worked_out_with_them(generated: GeneratedDistrict) -> None:
    district, year = generated.district, generated.year
    records = _designated(district, generated.records, year)
    without = year_duties(district, year)
    moved = without.with_records(records)
    assert moved.records is records and without.records is None  # the duties handed on are not changed
    assert moved.spans is without.spans and moved.obligations is without.obligations  # not worked out again
    _assert_same_duties(district, moved, year_duties(district, year, records))
    _assert_same_duties(district, moved.with_records(None), without)
    assert moved.with_records(records) is moved
    assert duties_for(district, year, moved, records=records) is moved
    assert duties_for(district, year, moved, designations=False) is moved


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[YearDuties]:
    """Every YearDuties worked out while the test runs."""
    built: list[YearDuties] = []
    post_init = YearDuties.__attrs_post_init__

    def building(self: YearDuties) -> None:
        built.append(self)
        post_init(self)

    monkeypatch.setattr(YearDuties, "__attrs_post_init__", building)
    return built


def _consumers(seed: District, records: Records) -> dict[str, Callable[[YearDuties | None], Any]]:
    plan = plan_year(seed, 2027)
    return {
        "notices": lambda duties: [d.letter for d in notices(seed, plan, records=records, duties=duties)],
        "page": lambda duties: page(seed, plan, records=records, duties=duties),
        "ledger": lambda duties: ledger_workbook(seed, plan, 2027, duties=duties),
        "schedule": lambda duties: schedule_workbook(seed, plan, 2027, duties=duties),
        "check": lambda duties: check(seed, records, 2027, duties=duties),
    }


def test_each_consumer_reads_the_duties_it_is_handed_whatever_their_records(seed: District,
                                                                           counted: list[YearDuties]) -> None:
    """Handed duties of no records, the letters, the page, the workbooks and the check say what they
    say when they work the year out with their records, and work nothing out themselves."""
    records = _designated(seed, Records.from_plan(plan_year(seed, 2027)), 2027)
    for name, consumer in _consumers(seed, records).items():
        handed = year_duties(seed, 2027)
        counted.clear()
        made = consumer(handed)
        assert counted == [], name
        assert made == consumer(None), name  # (which works the year out once, for itself)
        assert len(counted) == (0 if name == "check" else 1), name  # the check works out obligations only


def test_duties_of_another_district_or_year_are_refused(seed: District, seed_text: str) -> None:
    records = Records.from_plan(plan_year(seed, 2027))
    other = parse_district(seed_text)  # the same data, loaded again: another district object
    assert other is not seed
    for consumer in _consumers(seed, records).values():
        for wrong in (year_duties(seed, 2028), year_duties(other, 2027)):
            with pytest.raises(ValueError, match="were handed for"):
                consumer(wrong)
