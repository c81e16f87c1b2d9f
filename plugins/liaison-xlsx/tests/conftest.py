"""Fixtures: the seed district, its 2026 plan on the built-in calendar, and the exported workbooks.
Only this plugin loads (``LIAISON_PLUGINS=xlsx``): other installed plugins never leak into these tests."""

from __future__ import annotations

import pytest
from xlsx_samples import plan_for

from liaison.law.district import District
from liaison.year.engagements import Plan
from liaison_xlsx import ledger_workbook, schedule_workbook


@pytest.fixture
def loaded_plugins() -> str:
    return "xlsx"  # only this plugin


@pytest.fixture(scope="session")
def plan_2026(seed: District) -> Plan:
    return plan_for(seed, 2026)


@pytest.fixture(scope="session")
def ledger_2026(seed: District, plan_2026: Plan) -> bytes:
    return ledger_workbook(seed, plan_2026, 2026)


@pytest.fixture(scope="session")
def schedule_2026(seed: District, plan_2026: Plan) -> bytes:
    return schedule_workbook(seed, plan_2026, 2026)
