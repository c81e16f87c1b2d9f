"""The two workbooks as written: the 安排表's sheets, dates, layout and print setup; the 台账 template's
sheets, headers, validations, drop-down lists, hints, pre-filled rows and its 说明."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from typing import Any

import attrs
import pytest
import xlsxwriter
from openpyxl.utils import get_column_letter, range_boundaries
from xlsx_samples import Sheet, bigger_district, open_book, plan_for

from liaison.law.district import District
from liaison.law.workdays import provisional_note
from liaison.year.engagements import Plan, Status
from liaison_xlsx import ledger_workbook, read_ledger, schedule_workbook
from liaison_xlsx.ledger import ledger_specs
from liaison_xlsx.specs import LEDGER, validate_specs
from liaison_xlsx.workbook import display_width, sheet_title

PLAN_HEADERS = ["日期", "星期", "时间", "事项", "主办单位", "参加单位", "依据", "状态", "暂定"]


@pytest.fixture(scope="module")
def schedule(schedule_2026: bytes) -> Any:
    return open_book(schedule_2026)


@pytest.fixture(scope="module")
def ledger(ledger_2026: bytes) -> Any:
    return open_book(ledger_2026)


# ------------------------------------------------------------------------------------------ 安排表
def test_one_sheet_for_the_district_then_one_per_department(schedule: Any, seed: District, plan_2026: Plan) -> None:
    taking_part = {p for e in plan_2026.engagements for p in e.participants}
    departments = [o.name for o in seed.departments() if o.id in taking_part]
    assert schedule.sheetnames == ["全区", *departments, "发文登记"]  # the register last


def test_the_title_row_names_the_district_and_the_year(schedule: Any, seed: District) -> None:
    assert schedule["全区"]["A1"].value == f"{seed.info.name}2026年对口联系工作安排表"
    assert schedule["区卫生局"]["A1"].value == f"{seed.info.name}2026年对口联系工作安排表（区卫生局）"
    assert "A1:K1" in {str(r) for r in schedule["全区"].merged_cells.ranges}


def test_every_planned_engagement_is_a_row_with_a_real_date(schedule: Any, seed: District, plan_2026: Plan) -> None:
    ws = schedule["全区"]
    assert [c.value for c in ws[3]][:len(PLAN_HEADERS)] == PLAN_HEADERS
    rows = list(ws.iter_rows(min_row=4, values_only=False))
    assert len(rows) == len(plan_2026.engagements)
    for row, e in zip(rows, plan_2026.engagements, strict=True):
        date, weekday, time, title, host, others, basis, status, provisional = (c.value for c in row[:9])
        assert row[0].is_date and date == dt.datetime.combine(e.date, dt.time())
        assert weekday == "星期" + "一二三四五六日"[e.date.weekday()]
        assert time == f"{e.start:%H:%M}—{e.end:%H:%M}"
        assert (title, host) == (e.title_zh, seed.organisation(e.host).name)
        assert others == "、".join(seed.organisation(p).name for p in e.participants[1:])
        assert basis == "\n".join(f"{p} {seed.provision(p).citation_zh}" for p in e.provisions)
        assert status == {Status.PROPOSED: "拟定", Status.AGREED: "已商定"}[e.status]
        assert provisional == ("是" if e.provisional else "否")
        assert row[-1].value == e.id


def test_visits_cite_section_and_chinese_clause(schedule: Any) -> None:
    bases = {c.value for c in schedule["全区"]["G"][3:]}
    assert {"§3.6 三（六）", "§3.3 三（三）"} <= bases


def test_a_department_sheet_holds_its_own_engagements(schedule: Any, plan_2026: Plan) -> None:
    own = [e.id for e in plan_2026.engagements if "health" in e.participants]
    ws = schedule["区卫生局"]
    assert [row[-1].value for row in ws.iter_rows(min_row=4)] == own


def test_frozen_header_autofilter_and_print_setup(schedule: Any) -> None:
    for ws in schedule.worksheets[:-1]:  # the plan's sheets (the register's is laid out as the ledger's)
        last = ws.max_row
        assert ws.freeze_panes == "A4"
        assert ws.auto_filter.ref == f"A3:L{last}"
        assert ws.print_title_rows == "$3:$3"  # the header on every printed page
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
        assert ws.print_area == f"'{ws.title}'!$A$1:$K${last}"  # the 编号 column stays on screen


def test_columns_fit_their_cjk_text(schedule: Any) -> None:
    ws = schedule["全区"]
    for col in range(1, 10):
        letter = get_column_letter(col)
        width = ws.column_dimensions[letter].width
        texts = [str(c.value) for c in ws[letter][2:] if c.value is not None and not c.is_date]
        widest = max((display_width(t.split("\n")[0]) for t in texts), default=0)
        assert width >= min(widest, 36), (letter, width, widest)
    assert ws.column_dimensions["D"].width >= display_width("区发改局领导走访九三学社综合支社")


def test_wrapped_rows_are_tall_enough(schedule: Any) -> None:
    ws = schedule["全区"]
    everyone = next(r for r in range(4, ws.max_row + 1) if "九三学社综合支社、区工商联" in (ws[f"F{r}"].value or ""))
    assert (ws.row_dimensions[everyone].height or 0) >= 30


def test_document_properties(schedule: Any, ledger: Any, seed: District) -> None:
    for book, title in ((schedule, "安排表"), (ledger, "台账")):
        props = book.properties
        assert props.title == f"{seed.info.name}2026年对口联系工作{title}"
        assert props.created == props.modified == dt.datetime(2026, 1, 1)
        assert props.creator == seed.info.name and props.subject == seed.info.regulation_title


# ------------------------------------------------------------------------------------------ 台账
def test_ledger_sheets(ledger: Any) -> None:
    assert ledger.sheetnames == ["说明", *(s.name for s in LEDGER), "名单"]
    assert [s.name for s in LEDGER] == ["会议走访", "文件抄送", "征求意见", "调研成果", "通报政情", "特约人员",
                                        "责任制", "联合调研", "后备干部", "镇街活动", "其他联系工作", "发文登记"]
    assert ledger["名单"].sheet_state == "hidden"
    assert {p.name: p.value for p in ledger.custom_doc_props.props}["liaison-district"] == "seed"


def test_the_specs_agree_with_themselves() -> None:
    validate_specs()


def test_meetings_sheet_has_the_clerks_columns_in_order(ledger: Any) -> None:
    assert list(Sheet(ledger["会议走访"]).columns) == ["编号", "日期", "类型", "主办单位", "参加单位", "是否召开",
                                                       "实际日期", "备注", "事项", "邀请单位", "未全部邀请的原因"]
    assert list(Sheet(ledger["文件抄送"]).columns)[:5] == ["文号", "发文单位", "日期", "标题", "抄送单位"]


@pytest.mark.parametrize("spec", LEDGER, ids=lambda s: s.name)
def test_every_column_has_a_validation_and_a_header_hint(ledger: Any, spec: Any) -> None:
    ws = ledger[spec.name]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:")
    covered: dict[str, Any] = {}
    for dv in ws.data_validations.dataValidation:
        for cells in str(dv.sqref).split():
            min_col, min_row, _, max_row = range_boundaries(cells)
            covered[f"{get_column_letter(min_col or 0)}{min_row}{'+' if max_row != min_row else ''}"] = dv
    for col, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(col)
        assert ws.cell(2, col).value == column.header
        header = covered[f"{letter}2"]
        assert header.showInputMessage and header.promptTitle.startswith(column.header) and header.prompt
        data = covered[f"{letter}3+"]
        assert data.showInputMessage
        if column.choices:
            assert data.type == "list" and data.formula1 == f"lst_{column.choices}"
        elif column.parse == "date":
            assert data.type == "date"
        elif column.parse == "line":
            assert data.type == "textLength"


def test_drop_down_lists_live_on_the_hidden_sheet(ledger: Any, seed: District) -> None:
    names = {n: v.attr_text for n, v in ledger.defined_names.items()}
    lists = ledger["名单"]

    def values(name: str) -> list[str]:
        sheet, _, cells = names[f"lst_{name}"].partition("!")
        assert sheet == "'名单'"
        return [c.value for row in lists[cells.replace("$", "")] for c in row]

    assert values("all") == [o.name for o in seed.organisations]
    assert values("counterparts") == [o.name for o in seed.counterparts()]
    assert values("departments") == [o.name for o in seed.departments()]
    assert values("yes_no") == ["是", "否"]
    assert values("kinds")[:3] == ["联系工作会议", "联席会议", "走访"] and "工作例会" in values("kinds")


def test_long_lists_still_drop_down(seed: District) -> None:
    """An inline list holds 255 characters; a district's names run past that, the hidden sheet does not care."""
    district = bigger_district(seed, 60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # xlsxwriter warns (and drops the validation) past Excel's limits
        book = open_book(ledger_workbook(district, plan_for(district, 2026), 2026))
    lists = book["名单"]
    names = [c.value for c in lists["A"][1:] if c.value]
    assert len("，".join(names)) > 255 and names == [o.name for o in district.organisations]
    assert book.defined_names["lst_all"].attr_text == f"'名单'!$A$2:$A${len(names) + 1}"


def test_meetings_are_prefilled_from_the_plan(ledger: Any, seed: District, plan_2026: Plan) -> None:
    sheet = Sheet(ledger["会议走访"])
    planned = [e for e in plan_2026.engagements if e.status != Status.CANCELLED]
    rows = list(sheet.rows())
    assert [sheet.get(r, "编号") for r in rows] == [e.id for e in planned]
    first, e = rows[0], planned[0]
    assert sheet.get(first, "日期") == dt.datetime.combine(e.date, dt.time())
    assert sheet.ws.cell(first, 2).is_date
    assert sheet.get(first, "类型") == "走访" and sheet.get(first, "主办单位") == seed.organisation(e.host).name
    assert sheet.get(first, "参加单位") == seed.organisation(e.participants[1]).name
    assert sheet.get(first, "是否召开") is None and sheet.get(first, "实际日期") is None


def test_designations_are_prefilled_with_the_paired_departments(ledger: Any, seed: District) -> None:
    sheet = Sheet(ledger["责任制"])
    paired = {s.pairing.department for s in seed.pairing_spans(dt.date(2026, 1, 1), dt.date(2026, 12, 31))}
    assert [sheet.get(r, "单位") for r in sheet.rows()] == [o.name for o in seed.departments() if o.id in paired]


def test_the_guide_explains_every_sheet_and_column(ledger: Any, seed: District) -> None:
    text = "\n".join(str(c.value) for row in ledger["说明"].iter_rows() for c in row if c.value)
    assert "是否召开" in text and "实际日期" in text and "2027年3月1日" in text and "会议走访!E12" in text
    for spec in ledger_specs(seed, 2026):
        assert spec.name in text and spec.purpose in text
        for column in spec.columns:
            assert column.header in text and column.hint in text
    assert "§3.6 三（六）“走访联谊制度”" in text


# ------------------------------------------------------------------------------------ edge cases
def test_cancelled_and_held_engagements(seed: District, plan_2026: Plan) -> None:
    """A cancelled engagement stays in the 安排表 as 已取消 but is no row of the 台账; a held one is
    pre-filled as 是 and so reads back as a record."""
    first, second = plan_2026.engagements[:2]
    changed = attrs.evolve(plan_2026, engagements=(first.with_changes(status=Status.CANCELLED),
                                                   second.with_changes(status=Status.HELD),
                                                   *plan_2026.engagements[2:]))
    schedule = open_book(schedule_workbook(seed, changed, 2026))["全区"]
    assert [schedule["H4"].value, schedule["H5"].value] == ["已取消", "已召开"]
    data = ledger_workbook(seed, changed, 2026)
    sheet = Sheet(open_book(data)["会议走访"])
    rows = list(sheet.rows())
    assert first.id not in [sheet.get(r, "编号") for r in rows]
    assert sheet.get(rows[0], "编号") == second.id and sheet.get(rows[0], "是否召开") == "是"
    assert [e.id for e in read_ledger(data, seed, "台账.xlsx").engagements] == [second.id]


def test_a_year_without_a_holiday_notice_is_marked_provisional(seed: District) -> None:
    plan = plan_for(seed, 2031)
    ws = open_book(schedule_workbook(seed, plan, 2031))["全区"]
    assert "日期暂定：" + provisional_note(2031, breaks_avoided=True) in ws["A2"].value
    assert {ws.cell(r, 9).value for r in range(4, ws.max_row + 1)} == {"是"}
    allowed = attrs.evolve(plan, options=attrs.evolve(plan.options, allow_customary_breaks=True))
    note = open_book(schedule_workbook(seed, allowed, 2031))["全区"]["A2"].value
    assert "日期暂定：" + provisional_note(2031, breaks_avoided=False) in note and "劳动节" not in note


def test_the_districts_own_name_heads_every_sheet(seed: District, plan_2026: Plan) -> None:
    renamed = attrs.evolve(seed, info=attrs.evolve(seed.info, name="××区"))
    schedule = open_book(schedule_workbook(renamed, plan_2026, 2026))
    ledger = open_book(ledger_workbook(renamed, plan_2026, 2026))
    assert schedule["全区"]["A1"].value == "××区2026年对口联系工作安排表"
    assert ledger["说明"]["A1"].value.startswith("××区2026年对口联系工作台账")
    assert all(ledger[s.name]["A1"].value.startswith("××区2026年") for s in LEDGER)


def test_an_empty_plan_still_makes_both_workbooks(seed: District, plan_2026: Plan) -> None:
    empty = attrs.evolve(plan_2026, engagements=())
    schedule = open_book(schedule_workbook(seed, empty, 2026))
    assert schedule.sheetnames == ["全区", "发文登记"] and schedule["全区"].max_row == 3
    assert read_ledger(ledger_workbook(seed, empty, 2026), seed, "台账.xlsx").engagements == ()


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_title("区卫生局", taken) == "区卫生局"
    assert sheet_title("区卫生局", taken) == "区卫生局(2)"
    assert sheet_title("a/b:c*d?[e]", taken) == "a_b_c_d__e_"
    long = sheet_title("很" * 40, taken)
    assert len(long) == 31 and sheet_title("很" * 40, taken) == "很" * 28 + "(2)"


def test_a_sheet_title_cut_to_31_characters_never_ends_in_an_apostrophe_or_overruns_in_utf16() -> None:
    """Excel refuses a sheet name that ends in an apostrophe or runs over 31 UTF-16 units: a body's
    name cut at the 31st character to an apostrophe, or of characters beyond the BMP (𠀀 counts two),
    made the workbooks fail (found by tests/test_districts_generated.py: ``InvalidWorksheetName:
    Sheet name cannot start or end with an apostrophe``)."""
    taken: set[str] = set()
    cut = sheet_title("中" * 30 + "'局", taken)
    assert cut == "中" * 30
    assert sheet_title("中" * 30 + "'局", taken) == "中" * 28 + "(2)"
    wide = sheet_title("𠀀" * 20, taken)
    assert wide == "𠀀" * 15 and sum(2 if ord(c) > 0xFFFF else 1 for c in wide) <= 31
    book = xlsxwriter.Workbook(io.BytesIO())
    for title in (cut, wide, sheet_title("𠀀" * 20, taken)):
        book.add_worksheet(title)  # Excel's own rules, as xlsxwriter checks them
