"""liaison_xlsx.workbook.Sheet: data rows kept as their finished XML give the bytes xlsxwriter gives
for the same cells written one by one — shared strings, style numbers in xlsxwriter's order, spans,
heights, merges — and the workbook's own checks hold (a sheet name taken twice)."""

from __future__ import annotations

import datetime as dt
import gc
from typing import Any

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison_xlsx.workbook import Book, display_width

FORMATS = ({"bold": True}, {"text_wrap": True, "border": 1}, {"num_format": "yyyy-mm-dd"}, {"align": "center"})

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
values = st.one_of(texts, st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)), st.none())
cells = st.dictionaries(st.integers(0, 20), st.tuples(values, st.integers(0, len(FORMATS) - 1)), min_size=1, max_size=6)
rows = st.dictionaries(st.integers(3, 60), st.tuples(cells, st.none() | st.floats(10, 80)), max_size=12)
layouts = st.fixed_dictionaries({
    "sheets": st.lists(st.fixed_dictionaries({
        "rows": rows,
        "column_format": st.none() | st.integers(0, len(FORMATS) - 1),  # a set_column format, numbered first
        "title": st.booleans(),  # a merged title row written before the data
        "freeze": st.booleans(),  # frozen header rows: xlsxwriter adds their selection while writing
        "filter": st.booleans(),  # an autofilter over the first columns
    }), min_size=1, max_size=3),
})


def _book() -> Book:
    return Book({"title": "t", "created": dt.datetime(2027, 1, 1)})


def _write(layout: dict[str, Any], fast: bool) -> bytes:
    book = _book()
    for n, sheet in enumerate(layout["sheets"]):
        formats = [book.format(**spec) for spec in FORMATS]
        ws = book.sheet(f"表{n}") if fast else book.wb.add_worksheet(f"表{n}")
        if sheet["column_format"] is not None:  # the same setting in every sheet: one object shared
            ws.set_column(0, 1, 12, formats[sheet["column_format"]])
        ws.set_column(2, 2, 20)
        if sheet["freeze"]:
            ws.freeze_panes(1, 0)
        if sheet["filter"]:
            ws.autofilter(0, 0, 0, 2)
        if sheet["title"]:
            if fast:
                ws.merge_cells(0, 0, 4, "标题 & <title>", formats[0], 30)
            else:
                ws.merge_range(0, 0, 0, 4, "标题 & <title>", formats[0])
                ws.set_row(0, 30)
        for r in sorted(sheet["rows"]):
            row_cells, height = sheet["rows"][r]
            line = [(c, dt.datetime(v.year, v.month, v.day) if isinstance(v, dt.date) else v, formats[f])
                    for c, (v, f) in sorted(row_cells.items())]
            if fast:
                ws.write_cells(r, line, height)
                continue
            ws.set_row(r, height)
            for c, v, f in line:
                if v is None:
                    ws.write_blank(r, c, None, f)
                elif isinstance(v, str):
                    ws.write_string(r, c, v, f)
                else:
                    ws.write_datetime(r, c, v, f)
    return book.close()


@settings(max_examples=60, deadline=None)
@given(layouts)
def test_rows_as_xml_give_xlsxwriters_bytes(layout: dict[str, Any]) -> None:
    assert _write(layout, fast=True) == _write(layout, fast=False)


def test_a_finished_sheet_holds_fewer_objects_for_the_collector() -> None:
    book = _book()
    fmt = book.format(bold=True)
    first = book.sheet("一")
    first.set_column(0, 3, 12, fmt)
    first.merge_cells(0, 0, 3, "标题", fmt)
    first.freeze_panes(1, 0)
    first.write_cells(1, [(0, "甲", fmt), (1, "乙", book.format(italic=True))])
    assert first.col_info[0] is first.col_info[3]  # one object per setting
    second = book.sheet("二")  # the first is finished
    second.set_column(1, 1, 12, fmt)
    assert second.col_info[1] is first.col_info[0]
    assert first.merge == ((0, 0, 0, 3),) and first.panes == (1, 0, 1, 0, 0)
    assert first.selections == []  # filled while the package is written: left a list
    lists = [name for name, value in vars(first).items() if type(value) is list and gc.is_tracked(value)]
    # of the thirty: the ones xlsxwriter may fill while writing the package, and the styles kept here
    assert sorted(lists) == ["_styles", "images", "selections"]
    assert type(first._firsts) is tuple and all(type(row) is int for row in first._firsts)
    assert not gc.is_tracked(first.comments) and not gc.is_tracked(first.hyperlinks)
    assert first.workbook_add_format is None
    with pytest.raises(AttributeError):  # nothing is added to a finished sheet unnoticed
        first.merge_cells(2, 0, 3, "又", fmt)
    book.close()


def test_a_sheet_name_taken_twice_is_refused_whatever_its_case() -> None:
    book = _book()
    book.sheet("全区")
    book.wb.add_worksheet("Plan")
    with pytest.raises(xlsxwriter.exceptions.DuplicateWorksheetName):
        book.wb.add_worksheet("plan")
    with pytest.raises(xlsxwriter.exceptions.DuplicateWorksheetName):
        book.sheet("全区")
    book.close()


def test_rows_are_written_top_to_bottom_each_whole() -> None:
    book = _book()
    fmt = book.format(bold=True)
    ws = book.sheet("表")
    ws.write_cells(5, [(0, "a", fmt)])
    with pytest.raises(ValueError, match="out of order"):
        ws.write_cells(5, [(1, "b", fmt)])
    with pytest.raises(ValueError, match="left to right"):
        ws.write_cells(6, [(2, "b", fmt), (1, "c", fmt)])
    book.close()


def test_a_lines_width_counts_wide_characters_twice() -> None:
    assert display_width("2027-03-01") == 10
    assert display_width("区发展改革委") == 12
    assert display_width("ＡＢ\nab") == 4  # full-width letters count two; the widest line
