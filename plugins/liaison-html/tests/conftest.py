"""Fixtures: the seed district, its 2026 plan on the built-in calendar and its 2027 plan as a year
without a notice (the law's estimate, whatever years the installed chinesecalendar carries), the
example records, and the pages. Only this plugin loads (``LIAISON_PLUGINS=html``): other installed plugins never leak
into these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaison.law.district import District
from liaison.law.records import Records
from liaison.law.workdays import ChineseCalendar
from liaison.year.engagements import Plan
from liaison.year.planner import plan_year

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def loaded_plugins() -> str:
    return "html"  # only this plugin


class Unpublished(ChineseCalendar):
    """The built-in calendar with 2027's notice not out: the tests must not depend on whether the
    installed chinesecalendar carries 2027 yet."""

    def is_published(self, year: int) -> bool:
        return year != 2027 and super().is_published(year)


UNPUBLISHED = Unpublished()


@pytest.fixture(scope="session")
def unpublished() -> ChineseCalendar:
    return UNPUBLISHED


@pytest.fixture(scope="session")
def plan_2027(seed: District) -> Plan:
    return plan_year(seed, 2027, calendar=UNPUBLISHED)


@pytest.fixture(scope="session")
def plan_2026(seed: District) -> Plan:
    return plan_year(seed, 2026)


@pytest.fixture(scope="session")
def records_2026(seed: District) -> Records:
    from liaison.host.plugins import load_records

    return load_records(ROOT / "examples" / "records-2026.toml", seed)


@pytest.fixture(scope="session")
def page_2027(seed: District, plan_2027: Plan) -> bytes:
    from liaison_html import page

    return page(seed, plan_2027, calendar=UNPUBLISHED)


@pytest.fixture(scope="session")
def page_2026(seed: District, plan_2026: Plan, records_2026: Records) -> bytes:
    from liaison_html import page

    return page(seed, plan_2026, records=records_2026)
