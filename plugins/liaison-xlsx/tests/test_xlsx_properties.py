"""Property: whatever a clerk does to a valid ledger — cells replaced by random text, numbers, dates or
formulas, rows deleted, headers renamed, cells merged — reading it gives Records or a LiaisonError,
never another exception, and in bounded time."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsx_samples import apply, fill_as_clerk, mutation, open_book, save

from liaison.base.errors import LiaisonError
from liaison.formats.district import seed_district
from liaison.law.district import District
from liaison.law.records import Records
from liaison.law.workdays import ChineseCalendar
from liaison_xlsx import ledger_workbook, read_ledger

#: A guard against a mutation that makes the read blow up (a loop, a quadratic path), not a speed
#: target: a hundred times the ~0.03 s of CPU one read of a mutated ledger of some 60 rows takes — the
#: thread's own CPU time, which another job loading the machine does not lengthen as it does the wall's.
READ_BUDGET = 3.0


@pytest.fixture(scope="module")
def filled() -> tuple[District, bytes]:
    district = seed_district()
    from liaison.year.planner import plan_year

    plan = plan_year(district, 2026, calendar=ChineseCalendar())
    return district, fill_as_clerk(ledger_workbook(district, plan, 2026))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(mutation, min_size=1, max_size=6))
def test_mutated_ledgers_raise_only_liaison_errors(filled: tuple[District, bytes], changes: list[Any]) -> None:
    district, data = filled
    book = open_book(data)
    for change in changes:
        try:
            apply(book, change)
        except (ValueError, TypeError, AttributeError):  # openpyxl refusing a value: not the reader's business
            continue
    try:
        mutated = save(book)
    except (ValueError, TypeError):
        return
    started = time.thread_time()
    try:
        result = read_ledger(mutated, district, "台账.xlsx")
    except LiaisonError as exc:
        assert exc.file == "台账.xlsx" and exc.render("zh") and exc.render("en")
    else:
        assert isinstance(result, Records)
    assert time.thread_time() - started < READ_BUDGET
