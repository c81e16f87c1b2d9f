"""Every bad cell is a DataError naming the file, the sheet and the cell, in English and Chinese;
never a traceback from openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from liaison_cli.main import cli
from xlsx_samples import Sheet, fill_as_clerk, open_book, refused, save

from liaison.base.errors import DataError, LiaisonError
from liaison.law.district import District
from liaison_xlsx import LedgerError, read_ledger

Edit = Callable[[Any], None]


def held_row(book: Any, row: int = 12) -> Sheet:
    """Row ``row`` of 会议走访 marked held, so its cells are read."""
    sheet = Sheet(book["会议走访"])
    sheet.set(row, "是否召开", "是")
    return sheet




def test_unknown_organisation_names_the_cell_and_the_near_match(seed: District, ledger_2026: bytes) -> None:
    err = refused(ledger_2026, seed, lambda b: held_row(b).set(12, "参加单位", "农工总支"))
    assert err.file == "台账.xlsx" and err.path == "会议走访!E12"
    assert err.render("zh").startswith("台账.xlsx: 会议走访!E12: 没有名为“农工总支”的单位；您是否要找：农工党总支部")
    assert "（处理办法：" in err.render("zh")
    assert str(err).startswith("台账.xlsx: 会议走访!E12: no organisation is called “农工总支”; did you mean: "
                               "农工党总支部")


@pytest.mark.parametrize(("header", "value", "zh", "en"), [
    ("日期", "2026-13-01", "不是有效的日期", "is not a date of the calendar"),
    ("日期", "明年三月", "“明年三月”不是日期", "is not a date"),
    ("日期", "26-3-1", "不是日期", "is not a date"),
    ("日期", dt.time(9, 30), "单元格里是时间", "time of day"),
    ("日期", "1850-1-1", "不在 1950—2199 年之间", "outside 1950–2199"),
    ("类型", "茶话会", "没有“茶话会”这种类型", "no engagement kind is called '茶话会'"),
    ("主办单位", "卫生局、教育局", "这里只能填一个单位", "one organisation is wanted here"),
    ("是否召开", "也许", "应填“是”或“否”", "neither yes nor no"),
    ("编号", dt.datetime(2026, 8, 1), "Excel 把输入当成了日期", "the cell holds the date 2026-08-01"),
])
def test_each_kind_of_bad_cell(seed: District, ledger_2026: bytes, header: str, value: Any, zh: str,
                               en: str) -> None:
    def edit(book: Any) -> None:
        held_row(book).set(12, header, value)

    err = refused(ledger_2026, seed, edit)
    sheet = Sheet(open_book(ledger_2026)["会议走访"])
    assert err.path == sheet.ref(12, header)
    assert zh in err.render("zh") and en in err.render("en")


def test_a_missing_required_column_names_the_sheet_and_the_header(seed: District, ledger_2026: bytes) -> None:
    def edit(book: Any) -> None:
        book["会议走访"].cell(2, 3).value = "形式"  # 类型 renamed

    err = refused(ledger_2026, seed, edit)
    assert err.path == "会议走访!2:2"
    assert "缺少“类型”列" in err.render("zh") and "the column “类型” (kind) is missing" in err.render("en")


def test_a_deleted_required_column(seed: District, ledger_2026: bytes) -> None:
    def edit(book: Any) -> None:
        sheet = book["文件抄送"]
        sheet.delete_cols(Sheet(sheet).columns["抄送单位"])

    err = refused(ledger_2026, seed, edit)
    assert err.path == "文件抄送!2:2" and "缺少“抄送单位”列" in err.render("zh")


def test_merged_cells_in_the_data(seed: District, ledger_2026: bytes) -> None:
    def edit(book: Any) -> None:
        book["会议走访"].merge_cells("D5:D7")

    err = refused(ledger_2026, seed, edit)
    assert err.path == "会议走访!D5:D7" and "合并单元格" in err.render("zh") and "merged cells" in str(err)


def test_the_merged_title_above_the_header_is_fine(seed: District, ledger_2026: bytes) -> None:
    assert read_ledger(ledger_2026, seed, "台账.xlsx").engagements == ()


def test_formula_cells(seed: District, ledger_2026: bytes) -> None:
    err = refused(ledger_2026, seed, lambda b: held_row(b).set(12, "日期", "=DATE(2026,3,1)"))
    assert err.path == "会议走访!B12"
    assert "公式" in err.render("zh") and "formula (=DATE(2026,3,1))" in str(err)


def test_a_formula_in_the_gate_cell(seed: District, ledger_2026: bytes) -> None:
    err = refused(ledger_2026, seed, lambda b: Sheet(b["会议走访"]).set(12, "是否召开", '=IF(1,"是","否")'))
    assert err.path == "会议走访!F12" and "公式" in err.render("zh")


def test_a_required_cell_left_empty(seed: District, ledger_2026: bytes) -> None:
    err = refused(ledger_2026, seed, lambda b: Sheet(b["文件抄送"]).append(
        {"文号": "区教〔2026〕9号", "日期": "2026-5-11", "抄送单位": "民盟支部"}))
    assert err.path == "文件抄送!B3" and "请填写“发文单位”" in err.render("zh")


def test_an_actual_date_on_a_row_not_held(seed: District, ledger_2026: bytes) -> None:
    err = refused(ledger_2026, seed, lambda b: Sheet(b["会议走访"]).set(12, "实际日期", "2026-5-1"))
    assert err.path == "会议走访!G12" and "是否召开" in err.render("zh")


def test_a_row_added_by_hand_must_say_whether_it_took_place(seed: District, ledger_2026: bytes) -> None:
    """Pre-filled rows (with their 编号) may stay blank — not held; a clerk's own row may not."""
    err = refused(ledger_2026, seed, lambda b: Sheet(b["会议走访"]).append(
        {"日期": "2026-5-6", "类型": "走访", "主办单位": "区卫生局", "参加单位": "农工党"}))
    assert err.path.startswith("会议走访!F") and "新增的行请在“是否召开”填写" in err.render("zh")


def test_duplicate_ids_name_both_cells(seed: District, ledger_2026: bytes) -> None:
    def edit(book: Any) -> None:
        sheet = Sheet(book["文件抄送"])
        for _ in range(2):
            sheet.append({"文号": "区教〔2026〕9号", "发文单位": "区教育局", "日期": "2026-5-11",
                          "抄送单位": "民盟支部、民进支部"})

    err = refused(ledger_2026, seed, edit)
    assert err.path == "文件抄送!A4" and "文件抄送!A3" in err.render("zh") and "重复" in err.render("zh")


def test_a_reply_from_an_organisation_not_asked(seed: District, ledger_2026: bytes) -> None:
    def edit(book: Any) -> None:
        Sheet(book["征求意见"]).append({"编号": "征求1", "事项": "报告", "发送日期": "2026-1-6", "征求单位": "民革支部",
                                        "答复单位": "民盟支部", "答复日期": "2026-1-8"})

    err = refused(ledger_2026, seed, edit)
    assert err.path == "征求意见!G3" and "不在征求单位中" in err.render("zh")


def test_research_from_a_department_is_refused(seed: District, ledger_2026: bytes) -> None:
    def edit(book: Any) -> None:
        Sheet(book["调研成果"]).append({"编号": "调研1", "标题": "报告", "报送单位": "区财政局", "承办部门": "区卫生局",
                                        "收到日期": "2026-6-1"})

    err = refused(ledger_2026, seed, edit)
    assert err.path == "调研成果!C3" and "不是民主党派或工商联" in err.render("zh")


def test_all_problems_are_listed_at_once(seed: District, ledger_2026: bytes) -> None:
    def edit(book: Any) -> None:
        sheet = held_row(book, 12)
        sheet.set(12, "参加单位", "农工总支")
        held_row(book, 14).set(14, "日期", "昨天")
        Sheet(book["调研成果"]).append({"编号": "调研1", "标题": "报告", "报送单位": "区农工", "承办部门": "区卫生局",
                                        "收到日期": "2026-6-1"})

    err = refused(ledger_2026, seed, edit)
    assert isinstance(err, LedgerError)
    assert [p.path for p in err.problems] == ["会议走访!E12", "会议走访!B14", "调研成果!C3"]
    lines = err.render("zh").splitlines()
    assert lines[1].startswith("台账.xlsx: 会议走访!B14: “昨天”不是日期") and lines[-1] == "共 3 处问题"


def test_a_ledger_for_another_district(seed: District, ledger_2026: bytes) -> None:
    def edit(book: Any) -> None:
        book.custom_doc_props["liaison-district"].value = "elsewhere"

    err = refused(ledger_2026, seed, edit)
    assert "elsewhere" in str(err) and "不是“seed”" in err.render("zh")


@pytest.mark.parametrize(("data", "zh"), [
    (b"district = 'seed'\n", "不是 .xlsx 工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "旧版 .xls"),
    (b"PK\x03\x04broken", "工作簿无法打开"),
])
def test_not_a_workbook(seed: District, data: bytes, zh: str) -> None:
    with pytest.raises(DataError) as caught:
        read_ledger(data, seed, "台账.xlsx")
    assert zh in caught.value.render("zh") and caught.value.file == "台账.xlsx"


def test_a_workbook_without_ledger_sheets(seed: District, schedule_2026: bytes) -> None:
    with pytest.raises(DataError, match="no ledger sheet") as caught:
        read_ledger(schedule_2026, seed, "安排表.xlsx")
    assert "会议走访" in caught.value.render("zh")


def test_a_damaged_sheet_part(seed: District, ledger_2026: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(ledger_2026))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>9999</v></c>"
                            if item.filename == "xl/worksheets/sheet2.xml" else data)
    with pytest.raises(LiaisonError):
        read_ledger(out.getvalue(), seed, "台账.xlsx")


def test_the_command_prints_the_cell_and_no_traceback(seed: District, ledger_2026: bytes, tmp_path: Path) -> None:
    book = open_book(fill_as_clerk(ledger_2026))
    held_row(book).set(12, "参加单位", "农工总支")
    path = tmp_path / "台账.xlsx"
    path.write_bytes(save(book))
    result = CliRunner().invoke(cli, ["check", "--year", "2026", "--records", str(path)])
    assert result.exit_code == 1
    assert f"{path}: 会议走访!E12: " in result.output and "农工总支" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_cores_path_of_keys_becomes_the_cell_the_clerk_typed() -> None:
    """The core's checks place a problem at keys and indices; the reader maps them to the cell, with no
    parsing of a rendered path."""
    from liaison.base.errors import Location
    from liaison_xlsx.problems import Where
    from liaison_xlsx.reader import _cell_of
    from liaison_xlsx.rows import Section

    consultation = Where("征求意见", 5, {"due": 4, "organisation": 6, "reply_date": 7}, child_rows=(5, 6))
    research = Where("调研成果", 9, {"feedback": 8})
    sections = {"consultations": Section(records=[None], where=[consultation]),
                "research_results": Section(records=[None, None], where=[research, research])}
    at = _cell_of(Location(file="台账.xlsx", path=("consultations", 0, "replies", 1, "date")), sections)
    assert at == Location(sheet="征求意见", cell="G6") and at.rendered == "征求意见!G6"
    assert _cell_of(Location(path=("research_results", 1, "feedback")), sections).rendered == "调研成果!H9"
    assert _cell_of(Location(path=("consultations", 0, "sender")), sections).rendered == "征求意见!5:5"
    unknown = Location(path=("engagements", 3, "host"))  # no record read here: the path as it is
    assert _cell_of(unknown, sections) == unknown
