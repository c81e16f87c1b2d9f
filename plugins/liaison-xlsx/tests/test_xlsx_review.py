"""What a clerk does to a ledger that the first reader got wrong: a sheet split in two, a 序号 column
added, optional columns deleted and the ledger combined with the year's state."""

from __future__ import annotations

import re
from typing import Any

import pytest
from xlsx_samples import Sheet, open_book, refused, save

from liaison.base.errors import DataError
from liaison.law.district import District
from liaison.year.engagements import Plan
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


def _without_ids(ledger: bytes) -> bytes:
    """The ledger as a clerk keeps it after deleting the optional 编号 column, every planned row held."""
    book = open_book(ledger)
    ws = book["会议走访"]
    ws.delete_cols(Sheet(ws).columns["编号"])
    _held_all(book)
    return save(book)


def test_a_ledger_without_ids_and_the_plan_count_each_visit_once(seed: District, plan_2026: Plan,
                                                                  ledger_2026: bytes) -> None:
    from liaison.law.compliance import check
    from liaison.law.records import Records

    ledger = read_ledger(_without_ids(ledger_2026), seed, "台账.xlsx")
    planned = Records.from_plan(plan_2026)
    assert ledger.engagements and not any(e.id for e in ledger.engagements)
    both = planned.merged(ledger)
    assert both.engagements == planned.engagements  # every ledger row is a planned engagement
    alone = check(seed, planned, 2026)
    assert check(seed, both, 2026).findings == alone.findings
    assert check(seed, ledger.merged(planned), 2026).findings == check(seed, ledger, 2026).findings


def test_findings_cite_a_ledger_row_without_an_id_by_its_row(seed: District, ledger_2026: bytes) -> None:
    from liaison.law.compliance import check

    report = check(seed, read_ledger(_without_ids(ledger_2026), seed, "out/2026/台账.xlsx"), 2026)
    counted = [c for f in report.findings for c in f.counted]
    assert counted and all(c.startswith("台账.xlsx: 会议走访!") for c in counted)
    assert all("engagements[" not in c for c in counted)
    row = counted[0].rpartition("!")[2]
    first, _, last = row.partition(":")
    assert first == last and int(first) > 2  # a data row, under the header




def _held(book: Any, header: str, value: Any) -> None:
    sheet = Sheet(book["会议走访"])
    sheet.set(12, "是否召开", "是")
    sheet.set(12, header, value)


@pytest.mark.parametrize(("header", "value", "zh", "en"), [
    ("主办单位", None, "没有填写“主办单位”（处理办法：请填写“主办单位”）", "host is missing (fix: fill in 主办单位)"),
    ("事项", "会" * 145, "“事项”长 145 个字符，最多 120 个", "title is 145 characters long; at most 120"),
])
def test_a_cell_the_record_refuses_is_told_in_one_language(seed: District, ledger_2026: bytes, header: str,
                                                           value: Any, zh: str, en: str) -> None:
    err = refused(ledger_2026, seed, lambda b: _held(b, header, value))
    assert zh in err.render("zh") and en in err.render("en")
    said_zh = err.render("zh").partition("!")[2]
    assert not re.search(r"[A-Za-z]{3,}", said_zh), said_zh  # no English word in the Chinese message


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_another_programs_workbook_is_to_be_saved_as_xlsx(seed: District, tmp_path: Any, suffix: str) -> None:
    from liaison.base.errors import LiaisonError
    from liaison.host.plugins import load_records

    path = tmp_path / f"台账{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0" if suffix == ".xls" else b"PK\x03\x04")
    with pytest.raises(LiaisonError) as caught:
        load_records(path, seed)
    zh, en = caught.value.render("zh"), caught.value.render("en")
    assert "另存为" in zh and ".xlsx" in zh and "pip" not in zh
    assert not re.search(r"\b(save|workbook|cannot|give)\b", zh)  # no English in the Chinese message
    assert "save it as .xlsx" in en and "pip install" not in en


def test_each_text_columns_validation_is_its_fields_limit(ledger_2026: bytes) -> None:
    """The template's length checks are the loader's own: 事项 120, 姓名 and 镇街 60, 反馈情况 4000."""
    from liaison.base.text import NAME_MAX, TEXT_MAX, TITLE_MAX

    book = open_book(ledger_2026)
    limits: dict[tuple[str, str], str] = {}
    for ws in book.worksheets:
        headers = {c.column_letter: c.value for c in ws[2]}
        for dv in ws.data_validations.dataValidation:
            if dv.type == "textLength":
                assert dv.operator == "lessThanOrEqual"
                for cells in dv.sqref.ranges:
                    column = str(cells).split(":")[0].rstrip("0123456789")
                    limits[(ws.title, headers[column])] = dv.formula1
    assert limits[("会议走访", "事项")] == str(TITLE_MAX) and limits[("文件抄送", "标题")] == str(TITLE_MAX)
    assert limits[("其他联系工作", "内容")] == str(TITLE_MAX)
    assert limits[("特约人员", "姓名")] == limits[("后备干部", "姓名")] == limits[("镇街活动", "镇街")] == str(NAME_MAX)
    assert limits[("调研成果", "反馈情况")] == limits[("会议走访", "未全部邀请的原因")] == str(TEXT_MAX)
    assert "200" not in limits.values() and ("会议走访", "备注") not in limits  # 备注 is the clerk's own


def test_the_schedules_title_spans_the_printed_columns(schedule_2026: bytes) -> None:
    """The title is centred over what is printed (A:J); 编号 (K) is for the command line, not paper;
    every column has its width (xlsxwriter writes equal neighbours as one <col> range)."""
    import io
    import re as regex
    import zipfile

    sheet = zipfile.ZipFile(io.BytesIO(schedule_2026)).read("xl/worksheets/sheet1.xml").decode()
    ws = open_book(schedule_2026).worksheets[0]
    assert ws.merged_cells.ranges and str(sorted(ws.merged_cells.ranges, key=str)[0]) == "A1:K1"
    assert str(ws.print_area).endswith(f"!$A$1:$K${ws.max_row}")
    spans = [(int(a), int(b)) for a, b in regex.findall(r'<col min="(\d+)" max="(\d+)"', sheet)]
    covered = {c for a, b in spans for c in range(a, b + 1)}
    assert covered == set(range(1, ws.max_column + 1))


@pytest.mark.parametrize(("data", "old_xls"), [(b"hello", False), (b"a,b,c\n1,2,3\n", False),
                                                (b"\xd0\xcf\x11\xe0" + b"\0" * 64, True)])
def test_only_an_old_xls_is_called_one(data: bytes, old_xls: bool) -> None:
    from liaison.formats.district import seed_district

    with pytest.raises(DataError) as caught:
        read_ledger(data, seed_district(), "台账.xlsx")
    assert ("旧版 .xls" in caught.value.render("zh")) is old_xls
    assert ("old .xls" in caught.value.render("en")) is old_xls
