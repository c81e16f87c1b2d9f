"""What a clerk does to a ledger that the first reader got wrong: a sheet split in two, a 序号 column
added, optional columns deleted and the ledger combined with the year's state."""

from __future__ import annotations

from typing import Any

import pytest
from xlsx_samples import Sheet, open_book, save

from liaison.district import District
from liaison.engagements import Plan
from liaison.errors import DataError
from liaison_xlsx import read_ledger


def _split_meetings(book: Any, rows: list[int]) -> Any:
    """Move ``rows`` of 会议走访 to a new sheet 会议走访（下半年） with the same header row."""
    first = book["会议走访"]
    second = book.create_sheet("会议走访（下半年）")
    for column in range(1, first.max_column + 1):
        second.cell(2, column).value = first.cell(2, column).value
    for target, row in enumerate(rows, start=3):
        for column in range(1, first.max_column + 1):
            second.cell(target, column).value = first.cell(row, column).value
            first.cell(row, column).value = None
    return second


def _held_all(book: Any) -> None:
    for ws in book.worksheets:
        if ws.title.startswith("会议走访"):
            sheet = Sheet(ws)
            for row in list(sheet.rows()):
                sheet.set(row, "是否召开", "是")


def test_a_second_sheet_of_the_same_section_is_read(seed: District, ledger_2026: bytes) -> None:
    whole = open_book(ledger_2026)
    _held_all(whole)
    expected = read_ledger(save(whole), seed, "台账.xlsx").engagements
    book = open_book(ledger_2026)
    rows = list(Sheet(book["会议走访"]).rows())
    later = rows[len(rows) // 2:]
    _split_meetings(book, later)
    _held_all(book)
    got = read_ledger(save(book), seed, "台账.xlsx").engagements
    assert len(expected) == len(rows) and sorted(got, key=repr) == sorted(expected, key=repr)


def test_a_bad_cell_of_the_second_sheet_names_that_sheet(seed: District, ledger_2026: bytes) -> None:
    book = open_book(ledger_2026)
    second = Sheet(_split_meetings(book, list(Sheet(book["会议走访"]).rows())[-3:]))
    second.set(4, "是否召开", "是")
    second.set(4, "参加单位", "农工总支")
    with pytest.raises(DataError) as caught:
        read_ledger(save(book), seed, "台账.xlsx")
    assert caught.value.path == f"'会议走访（下半年）'!{second.ref(4, '参加单位').split('!')[1]}"


def test_a_renamed_sheet_with_the_headers_of_two_sections_is_refused(seed: District, ledger_2026: bytes) -> None:
    book = open_book(ledger_2026)
    extra = book.create_sheet("Sheet1")
    for column, header in enumerate(("部门", "姓名", "职务", "党派", "聘任日期", "日期"), start=1):
        extra.cell(1, column).value = header
    with pytest.raises(DataError) as caught:
        read_ledger(save(book), seed, "台账.xlsx")
    err = caught.value
    assert err.path == "Sheet1" and "特约人员" in err.render("zh") and "后备干部" in err.render("zh")
    assert "多个台账工作表" in err.render("zh") and "several ledger sheets" in err.render("en")


def test_a_running_number_column_is_not_the_id(seed: District, ledger_2026: bytes) -> None:
    book = open_book(ledger_2026)
    ws = book["会议走访"]
    ws.insert_cols(1)
    ws.cell(2, 1).value = "序号"
    sheet = Sheet(ws)
    for number, row in enumerate(list(sheet.rows()), start=1):
        ws.cell(row, 1).value = number
        sheet.set(row, "是否召开", "是")
    records = read_ledger(save(book), seed, "台账.xlsx")
    assert records.engagements and all(e.id and not e.id.isdigit() for e in records.engagements)


def test_two_id_columns_are_named_as_written(seed: District, ledger_2026: bytes) -> None:
    book = open_book(ledger_2026)
    ws = book["会议走访"]
    ws.insert_cols(1)
    ws.cell(2, 1).value = "ID"
    with pytest.raises(DataError) as caught:
        read_ledger(save(book), seed, "台账.xlsx")
    zh, en = caught.value.render("zh"), caught.value.render("en")
    assert caught.value.path == "会议走访!B2"
    assert "“编号”与 A 列的“ID”都是“编号”列" in zh and "有两列" not in zh
    assert "“编号” and “ID” (column A) are both the 编号 column" in en
