"""Real client: LibreOffice Calc (headless) opens both workbooks, converts them to CSV and to PDF, and a
ledger it saves again reads back as the same records.

Needs ``soffice`` with Calc (Debian: libreoffice-calc-nogui; .ci/run installs it) and poppler's
``pdfinfo``/``pdftotext``; skipped only when ``soffice`` is absent.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from xlsx_samples import ALL_SHEETS_CSV, fill_as_clerk, open_book, read_csv, soffice

from liaison.law.district import District
from liaison.year.engagements import Plan
from liaison_xlsx import read_ledger
from liaison_xlsx.sheet import MAX_ROWS
from liaison_xlsx.values import open_calamine

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

A4_LANDSCAPE = (841.89, 595.28)  # points


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory, schedule_2026: bytes, ledger_2026: bytes) -> Path:
    out = tmp_path_factory.mktemp("calc")
    source = out / "source"
    source.mkdir()
    (source / "安排表.xlsx").write_bytes(schedule_2026)
    (source / "台账.xlsx").write_bytes(ledger_2026)
    (source / "填好的台账.xlsx").write_bytes(fill_as_clerk(ledger_2026))
    (source / "布尔台账.xlsx").write_bytes(with_booleans(fill_as_clerk(ledger_2026)))
    soffice(out, "pdf", source / "安排表.xlsx", source / "台账.xlsx")
    soffice(out / "csv", ALL_SHEETS_CSV, source / "安排表.xlsx", source / "台账.xlsx")
    soffice(out, "xlsx", source / "填好的台账.xlsx", source / "布尔台账.xlsx")
    return out


def with_booleans(ledger: bytes) -> bytes:
    """是否召开 typed as TRUE and FALSE (booleans), as a clerk may type them in Calc."""
    book = open_book(ledger)
    sheet = book["会议走访"]
    column = next(c.column for c in sheet[2] if c.value == "是否召开")
    for row in range(3, sheet.max_row + 1):
        value = sheet.cell(row, column).value
        if value in ("是", "否"):
            sheet.cell(row, column).value = value == "是"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
    line = next(x for x in info.splitlines() if x.startswith("Page size:"))
    width, _, height = line.split(":", 1)[1].split()[:3]
    return float(width), float(height)


def test_the_schedule_prints_a4_landscape_with_the_header_on_every_page(converted: Path, seed: District,
                                                                        plan_2026: Plan) -> None:
    pdf = converted / "安排表.pdf"
    width, height = page_size(pdf)
    assert abs(width - A4_LANDSCAPE[0]) < 1 and abs(height - A4_LANDSCAPE[1]) < 1
    found = pages(pdf)
    first_department = next(i for i, p in enumerate(found) if "对口联系工作安排表（" in p)
    district = found[:first_department]
    assert len(district) >= 2  # 全区 runs over pages: the header must repeat on the later ones
    assert f"{seed.info.name}2026年对口联系工作安排表" in district[0]
    assert "对口联系工作安排表" not in district[1]  # no title there, yet the header
    for page in (p for p in found if "年发文登记" not in p):  # the plan's pages (the register's below)
        header = next((line for line in page.splitlines() if "日期" in line and "星期" in line), "")
        words = ("时间", "事项", "主办单位", "参加单位", "依据", "状态", "暂定")
        assert all(word in header for word in words), page[:200]
    last = plan_2026.engagements[-1]
    assert last.date.isoformat() in district[-1]
    assert "2026/visit" not in "".join(found)  # the 编号 column is on screen, not on paper


def test_the_ledger_opens_and_prints(converted: Path) -> None:
    found = pages(converted / "台账.pdf")
    text = "".join(found)
    assert "填写说明" in text and "会议走访" in text and "是否召开" in text


def test_both_workbooks_convert_to_csv(converted: Path, seed: District, plan_2026: Plan) -> None:
    rows = read_csv(converted / "csv" / "安排表-全区.csv")
    assert rows[0][0] == f"{seed.info.name}2026年对口联系工作安排表"
    assert rows[2][:9] == ["日期", "星期", "时间", "事项", "主办单位", "参加单位", "依据", "状态", "暂定"]
    # the row's visit or meeting rests on the district's reading, and says so
    assert rows[2][10] == "本区设定" and "承担方式" in rows[3][10]
    first = plan_2026.engagements[0]
    assert rows[3][0] == first.date.isoformat() and rows[3][-1] == first.id  # a real date, shown as yyyy-mm-dd
    assert (converted / "csv" / "安排表-区卫生局.csv").is_file()
    ledger = read_csv(converted / "csv" / "台账-会议走访.csv")
    assert ledger[1] == ["编号", "日期", "类型", "主办单位", "参加单位", "是否召开", "实际日期", "备注", "事项",
                         "邀请单位", "未全部邀请的原因"]
    assert ledger[2][:3] == [first.id, first.date.isoformat(), "走访"]
    assert (converted / "csv" / "台账-镇街活动.csv").is_file()
    own = read_csv(converted / "csv" / "台账-其他联系工作.csv")
    assert own[1] == ["类型", "日期", "内容", "单位", "参加单位"]


def test_a_ledger_saved_by_libreoffice_reads_back_identically(converted: Path, seed: District,
                                                              ledger_2026: bytes) -> None:
    saved = (converted / "填好的台账.xlsx").read_bytes()
    assert saved != fill_as_clerk(ledger_2026)  # LibreOffice wrote its own package
    records = read_ledger(saved, seed, "台账.xlsx")
    assert records == read_ledger(fill_as_clerk(ledger_2026), seed, "台账.xlsx")
    # the district's own kinds: 资料 on 文件抄送, a town's chamber support on 其他联系工作
    assert [d.kind for d in records.documents] == ["policy", "material"]
    assert [(a.kind, a.by) for a in records.activities] == [("chamber_support", "城关镇")]


def test_a_ledger_saved_by_libreoffice_reads_alike_with_calamine_and_openpyxl(converted: Path,
                                                                              seed: District) -> None:
    """LibreOffice's own package is read by python-calamine, and gives what openpyxl gives; its booleans
    (formulas TRUE() and FALSE()) send the workbook to openpyxl (liaison_xlsx.values)."""
    saved = (converted / "填好的台账.xlsx").read_bytes()
    assert open_calamine(saved, MAX_ROWS) is not None
    assert read_ledger(saved, seed, "台账.xlsx") == read_ledger(saved, seed, "台账.xlsx", calamine=False)
    assert open_calamine((converted / "布尔台账.xlsx").read_bytes(), MAX_ROWS) is None


def test_libreoffice_keeps_the_drop_downs(converted: Path, seed: District) -> None:
    """What Calc understood it writes back: the lists behind their names, the hidden sheet, the hints."""
    book = open_book((converted / "填好的台账.xlsx").read_bytes())
    assert book["名单"].sheet_state == "hidden"
    assert book.defined_names["lst_all"].attr_text.endswith(f"!$A$2:$A${len(seed.organisations) + 1}")
    found = {(dv.type, dv.formula1) for dv in book["会议走访"].data_validations.dataValidation}
    assert {("list", "lst_kinds"), ("list", "lst_hosts"), ("list", "lst_yes_no"), ("date", "367")} <= found
    own = {(dv.type, dv.formula1) for dv in book["其他联系工作"].data_validations.dataValidation}
    assert {("list", "lst_activity_kinds"), ("list", "lst_all")} <= own
    assert ("list", "lst_doc_kinds") in {(dv.type, dv.formula1)
                                         for dv in book["文件抄送"].data_validations.dataValidation}
    prompts = {dv.promptTitle for dv in book["会议走访"].data_validations.dataValidation}
    assert "类型（必填）" in prompts


def test_booleans_calc_saves_as_true_and_false_formulas_read_as_the_words(converted: Path, seed: District,
                                                                          ledger_2026: bytes) -> None:
    saved = (converted / "布尔台账.xlsx").read_bytes()
    package = zipfile.ZipFile(io.BytesIO(saved))
    sheets = "".join(package.read(n).decode() for n in package.namelist() if n.startswith("xl/worksheets/sheet"))
    assert re.search(r"<f[^>]*>TRUE\(\)</f>", sheets) and re.search(r"<f[^>]*>FALSE\(\)</f>", sheets)
    assert read_ledger(saved, seed, "台账.xlsx") == read_ledger(fill_as_clerk(ledger_2026), seed, "台账.xlsx")
