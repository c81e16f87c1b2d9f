"""Property: whatever a clerk does to a valid ledger — cells replaced by random text, numbers, dates or
formulas, rows deleted, headers renamed, cells merged — reading it gives Records or a LiaisonError,
never another exception, and in bounded time."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsx_samples import fill_as_clerk, open_book, save

from liaison.base.errors import LiaisonError
from liaison.formats.district import seed_district
from liaison.law.district import District
from liaison.law.records import Records
from liaison.law.workdays import ChineseCalendar
from liaison_xlsx import ledger_workbook, read_ledger
from liaison_xlsx.specs import LEDGER

SHEETS = [s.name for s in LEDGER]
READ_BUDGET = 3.0  # seconds for one read of a mutated ledger of some 60 rows (it takes ~0.03 s)

words = st.sampled_from(["是", "否", "走访", "会议", "visit", "区卫生局", "农工党、九三学社", "农工总支", "各民主党派",
                         "2026-3-1", "2026年13月1日", "=SUM(A1:A3)", "#N/A", "", " ", "区卫〔2026〕15号", "\n", "、",
                         "health", "征求〔2026〕1号"])
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
values = st.one_of(words, text, st.none(), st.booleans(), st.integers(-10**9, 10**9),
                   st.floats(allow_nan=False, allow_infinity=False, width=32),
                   st.dates(dt.date(1890, 1, 1), dt.date(2300, 12, 31)),
                   st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2300, 1, 1)),
                   st.times())
mutation = st.one_of(
    st.tuples(st.just("cell"), st.sampled_from(SHEETS), st.integers(1, 60), st.integers(1, 11), values),
    st.tuples(st.just("delete_row"), st.sampled_from(SHEETS), st.integers(1, 60)),
    st.tuples(st.just("header"), st.sampled_from(SHEETS), st.integers(1, 11), st.one_of(words, text)),
    st.tuples(st.just("merge"), st.sampled_from(SHEETS), st.integers(1, 50), st.integers(1, 10)),
    st.tuples(st.just("delete_sheet"), st.sampled_from(SHEETS)),
)


@pytest.fixture(scope="module")
def filled() -> tuple[District, bytes]:
    district = seed_district()
    from liaison.year.planner import plan_year

    plan = plan_year(district, 2026, calendar=ChineseCalendar())
    return district, fill_as_clerk(ledger_workbook(district, plan, 2026))


def apply(book: Any, change: tuple[Any, ...]) -> None:
    kind, sheet = change[0], change[1]
    if sheet not in book.sheetnames:
        return
    ws = book[sheet]
    if kind == "cell":
        _, _, row, col, value = change
        ws.cell(row, col).value = value  # a merged cell refuses (AttributeError)
    elif kind == "delete_row":
        ws.delete_rows(change[2])
    elif kind == "header":
        ws.cell(2, change[2]).value = change[3]
    elif kind == "merge":
        ws.merge_cells(start_row=change[2], start_column=change[3], end_row=change[2] + 1, end_column=change[3])
    elif kind == "delete_sheet":
        del book[sheet]


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
    started = time.perf_counter()
    try:
        result = read_ledger(mutated, district, "台账.xlsx")
    except LiaisonError as exc:
        assert exc.file == "台账.xlsx" and exc.render("zh") and exc.render("en")
    else:
        assert isinstance(result, Records)
    assert time.perf_counter() - started < READ_BUDGET
