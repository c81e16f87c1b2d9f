"""Shared fixtures over the seed district's letters (built by docx_seed).  Only this plugin loads:
other installed plugins never leak into these tests."""

from __future__ import annotations

import pytest
from docx_seed import make_plan, make_records
from liaison.host.exporting import ExportRequest
from liaison.law.district import District
from liaison.law.records import Records
from liaison.year.engagements import Plan


@pytest.fixture
def loaded_plugins() -> str:
    return "docx"  # only this plugin


@pytest.fixture(scope="session")
def seed_plan(seed: District) -> Plan:
    return make_plan(seed)


@pytest.fixture(scope="session")
def seed_records(seed: District) -> Records:
    return make_records(seed)


@pytest.fixture(scope="session")
def seed_request(seed: District, seed_plan: Plan, seed_records: Records) -> ExportRequest:
    return ExportRequest(district=seed, plan=seed_plan, options={}, records=seed_records)
