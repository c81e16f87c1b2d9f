"""The ledger template (对口联系工作台账), laid out from :data:`liaison_xlsx.specs.LEDGER`.

说明 first (how to fill it in, generated from the specs), then one sheet per records section: a
title row, the header row (frozen, autofiltered, an input hint on every header cell) and rows with a
data validation on every column — drop-down lists of the district's organisations, the kinds in
Chinese, 是/否, dates. The lists live on a hidden sheet (名单) behind defined names: an inline list
may hold only 255 characters, and Excel 2007, WPS and LibreOffice all take a name that points to
another sheet. 会议走访 is pre-filled with the year's planned engagements, 责任制 with the paired
departments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from liaison_xlsx.domain import (
    EVENT_KINDS,
    MEETING_DEFAULT,
    MEETING_OF_GOVERNMENT,
    Directory,
    KindWord,
    PlannedRow,
    host_zh,
    kind_choices,
    kind_citation,
    kind_lists,
    kind_zh,
    paired_departments,
    party_names,
    provision_label,
    section_provisions,
    text_limit,
)
from liaison_xlsx.specs import DISTRICT_PROPERTY, GUIDE_SHEET, LEDGER, LIST_SHEET, Column, SheetSpec
from liaison_xlsx.workbook import DATE_FORMAT, Book, Cell, column_width, excel_date, lines_in, row_height

if TYPE_CHECKING:
    from liaison.law.duties import YearDuties
    from liaison.year.numbering import RegisterLine

TITLE_ROW, HEADER_ROW = 0, 1
BLANK_ROWS = 1000  # rows below the pre-filled ones that carry the validations
FIRST_DAY, LAST_DAY = dt.date(1901, 1, 1), dt.date(2199, 12, 31)
MIN_WIDTH = {"date": 12, "org": 16, "orgs": 28, "kind": 12, "yes_no": 9, "text": 24, "line": 16, "by": 16,
             "activity_kind": 20}
MAX_WIDTH = {"orgs": 48, "text": 40, "line": 44}


def _lists(directory: Directory, kinds: Mapping[str, tuple[KindWord, ...]]) -> dict[str, tuple[str, ...]]:
    """Every drop-down list of the template, by its :data:`~liaison_xlsx.specs.Choices` name. Hosts
    are every body that may hold something: a joint meeting may be called by the party branch or
    the ICF, and a party's major event is recorded too; who may hold which kind the records' own
    checks decide when the ledger is read."""
    return {
        "all": tuple(o.name for o in directory.orgs),
        "hosts": tuple(o.name for o in directory.group("government", "department", "town", "counterpart")),
        "issuers": tuple(o.name for o in directory.group("government", "department")),
        "departments": tuple(o.name for o in directory.group("department")),
        "counterparts": tuple(o.name for o in directory.group("counterpart")),
        "kinds": tuple(name for name, _ in kind_choices(directory.district)),
        "yes_no": ("是", "否"),
        **{name: tuple(dict.fromkeys(k.zh for k in words)) for name, words in kinds.items()},
        "parties": party_names(),
    }


def _list_sheet(book: Book, lists: dict[str, tuple[str, ...]]) -> None:
    ws = book.sheet(LIST_SHEET)
    lists = {name: values for name, values in lists.items() if values}  # no sheet offers an empty list
    ws.write_columns((name, *values) for name, values in lists.items())
    for col, (name, values) in enumerate(lists.items()):
        letter = _letter(col)
        book.wb.define_name(f"lst_{name}", f"='{LIST_SHEET}'!${letter}$2:${letter}${max(len(values), 1) + 1}")
    ws.hide()


def _letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _validation(column: Column, limit: int | None) -> dict[str, Any]:
    hint = {"input_title": column.header[:32], "input_message": column.hint[:255]} if column.hint else {}
    if column.choices:
        # 是/否 must be one of the two; several organisations in one cell, or a party not listed, are
        # fine (information); anything else the reader may still understand (warning)
        error = "stop" if column.choices == "yes_no" else "information" if column.parse in ("orgs", "party", "by") \
            else "warning"
        message = {"orgs": "可以填写多个单位，用顿号分隔。", "by": "可以填写区内单位，或镇（街道）等名称。"}.get(
            column.parse, "请从下拉列表中选择。")
        return {"validate": "list", "source": f"=lst_{column.choices}", "error_type": error,
                "error_title": column.header[:32], "error_message": message, **hint}
    if column.parse == "date":
        return {"validate": "date", "criteria": "between", "minimum": FIRST_DAY, "maximum": LAST_DAY,
                "error_type": "warning", "error_title": column.header[:32],
                "error_message": "请填写日期，如 2027-3-1。", **hint}
    if column.parse in ("line", "text") and limit is not None:  # the record field's own limit
        message = f"请填写一行文字（{limit}字以内）。" if column.parse == "line" else f"请填写{limit}字以内。"
        return {"validate": "length", "criteria": "<=", "value": limit, "error_type": "warning",
                "error_title": column.header[:32], "error_message": message, **hint}
    return {"validate": "any", **hint}


def register_rows(lines: Sequence[RegisterLine]) -> list[dict[str, Any]]:
    """The 发文登记 sheet's rows: every letter issued in the year, withdrawn ones with their status."""
    return [{"series": line.series, "doc_number": line.doc_number, "date": line.date, "title": line.title,
             "to": line.to, "cc": line.cc, "file": line.file, "status": line.status("zh")} for line in lines]


def _prefill(spec: SheetSpec, rows: Sequence[PlannedRow], directory: Directory, district: Any,
             year: int, duties: YearDuties | None = None,
             register: Sequence[RegisterLine] = ()) -> list[dict[str, Any]]:
    if spec.section == "engagements":
        return [{"id": r.id, "date": r.date, "kind": r.kind_zh, "host": directory.name(r.host),
                 "attended": directory.names(p for p in r.participants if p != r.host),
                 "_held": "是" if r.held else "", "_note": r.note, "title": r.title,
                 "invited": directory.names(p for p in r.participants if p != r.host) if r.kind in EVENT_KINDS else ""}
                for r in rows if not r.cancelled]
    if spec.section == "designations":
        return [{"organisation": directory.name(org), "leader_in_charge": leader, "liaison_office": office,
                 "liaison_officer": officer}
                for org, leader, office, officer in paired_departments(district, year, duties)]
    if spec.section == "register":
        return register_rows(register)
    return []


def record_sheet(book: Book, spec: SheetSpec, title: str, prefilled: list[dict[str, Any]],
                 blank_rows: int = BLANK_ROWS) -> None:
    """One sheet laid out from its spec: title, headers with hints, the rows given, then ``blank_rows``
    rows carrying the validations."""
    ws = book.sheet(spec.name)
    last_col = len(spec.columns) - 1
    border = {"border": 1, "valign": "vcenter"}
    header_plain = book.format(bold=True, align="center", bg_color="#E2EFDA", text_wrap=True, **border)
    header_required = book.format(bold=True, align="center", bg_color="#FCE4D6", text_wrap=True, **border)
    date = book.format(num_format=DATE_FORMAT, align="center", **border)
    text = book.format(num_format="@", text_wrap=True, **border)
    # the title and the header row each in one call (Sheet.write_cells), as the rows below
    ws.merge_cells(TITLE_ROW, 0, last_col, title, book.format(bold=True, font_size=14, align="left", valign="vcenter"),
                   26)
    ws.write_cells(HEADER_ROW, [(col, column.header, header_plain if column.required == "no" else header_required)
                                for col, column in enumerate(spec.columns)], 30)
    first, last = HEADER_ROW + 1, HEADER_ROW + len(prefilled) + max(blank_rows, 1)
    widths: list[float] = []
    for col, column in enumerate(spec.columns):
        texts = [column.header] + [_shown(row.get(column.field)) for row in prefilled]
        widths.append(column_width(texts, least=MIN_WIDTH.get(column.parse, 10), most=MAX_WIDTH.get(column.parse, 30)))
        ws.set_column(col, col, widths[-1], date if column.parse == "date" else text)
        hint = ("必填。" if column.required == "cell" else "") + column.hint
        ws.data_validation(HEADER_ROW, col, HEADER_ROW, col, {
            "validate": "any", "input_title": (column.header + ("（必填）" if column.required == "cell" else ""))[:32],
            "input_message": hint[:255] or column.header})
        ws.data_validation(first, col, last, col, _validation(column, text_limit(spec.section, column.field)))
    for i, row in enumerate(prefilled):
        r = first + i
        height = row_height(max(lines_in(_shown(row.get(c.field)), w)
                                for c, w in zip(spec.columns, widths, strict=True)))
        cells: list[Cell] = []
        for col, column in enumerate(spec.columns):
            value = row.get(column.field)
            if isinstance(value, dt.date):
                cells.append((col, excel_date(value), date))
            elif value:
                cells.append((col, str(value), text))
        ws.write_cells(r, cells, height)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, max(HEADER_ROW + len(prefilled), HEADER_ROW + 1), last_col)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(HEADER_ROW)
    ws.fit_to_pages(1, 0)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


GENERAL_RULES = (
    "本台账记录对口联系工作实际开展的情况；年底用 liaison check --year {year} --records 本文件.xlsx "
    "检查是否符合《{title}》，结果逐条写明依据的条款。",
    "每个工作表记录一类事项（见下表），每行一条记录。请不要合并单元格，不要使用公式（需要时“选择性粘贴—数值”）。",
    "表头文字请勿修改：检查按表头文字找列，可以插入列、调整列的顺序，也可以删除非必填的列；橙色表头为必须保留的列。",
    "会议走访：已按年度安排预填计划内的会议和走访。召开了的在“是否召开”填“是”，日期与计划不同的填“实际日期”；"
    "没有召开的填“否”或留空——这些行不作为记录。计划外的会议、活动另起一行填写。",
    "单位：可填全称、简称或编号，多个单位用顿号（、）、逗号、分号或换行分隔；“各民主党派”指全部民主党派组织。"
    "主办单位本身不必再写入参加单位。",
    "日期：可填 Excel 日期，或 2027-3-1、2027/3/1、2027.3.1、2027年3月1日。",
    "类型：可用中文（联系工作会议、联席会议、工作例会、走访、座谈会……）或英文（visit、joint_meeting……）。"
    "只写“会议”的，区政府召开的按{government_meeting}计，其他单位召开的按{other_meeting}计。",
    "征求意见：同一事项收到的每份答复占一行，各行编号相同；事项、发送日期、征求单位填在第一行即可。",
    "发文登记：即本单位的发文登记簿，导出时已列出已印发的对口联系函件（含已作废的）。本单位其他公文用过的文号也可登记在此："
    "读取台账导出函件时，各代字的文号从本表已用的最大号之后接续。",
    "检查发现填写问题时，会指出工作表和单元格（如 会议走访!E12）及修改办法。",
)


def _meeting_words(district: Any, year: int) -> dict[str, str]:
    """How 会议 alone is counted, each kind with the provisions that count it (from the data)."""
    words = {}
    for name, kind in (("government_meeting", MEETING_OF_GOVERNMENT), ("other_meeting", MEETING_DEFAULT)):
        cited = kind_citation(district, kind, year)
        words[name] = kind_zh(district, kind) + (f"（{cited}）" if cited else "")
    return words


def _basis(district: Any, spec: SheetSpec, year: int, sep: str) -> str:
    return sep.join(provision_label(district, p) for p in section_provisions(district, spec.section, year))


HINT_LIMIT = 250  # Excel's input message holds 255 characters


def _with_kinds(hint: str, words: Sequence[KindWord]) -> str:
    """A column's hint with the district's kinds it offers appended (cut to Excel's limit)."""
    text = hint + "、".join(k.shown for k in words) + "。"
    return text if len(text) <= HINT_LIMIT else text[:HINT_LIMIT - 1] + "…"


def ledger_specs(district: Any, year: int) -> tuple[SheetSpec, ...]:
    """The sheets of the district's ledger for ``year``, from :data:`LEDGER`: a sheet kept only when
    the district rules on it (``when_ruled``) only if a rule in force that year does; the hints of
    the columns that offer the district's own kinds list them; a sheet with ``others_by`` says
    which of the district's record kinds on that body belong on another sheet."""
    kinds = kind_lists(district, year)
    specs = [spec for spec in LEDGER if not spec.when_ruled or section_provisions(district, spec.section, year)]
    # the sheet that keeps the district's own record kinds
    elsewhere = next((spec for spec in specs if any(c.choices == "activity_kinds" for c in spec.columns)), None)
    out = []
    for spec in specs:
        columns = tuple(attrs.evolve(c, hint=_with_kinds(c.hint, kinds[c.choices])) if c.choices in kinds else c
                        for c in spec.columns)
        purpose = spec.purpose
        moved = [k for k in kinds["activity_kinds"] if spec.others_by and k.by == spec.others_by]
        if moved and elsewhere is not None and elsewhere is not spec:
            labels = "、".join(f"“{k.zh}”" for k in moved)
            purpose += f"{host_zh(spec.others_by)}的{labels}记在“{elsewhere.name}”表，不记在本表。"
        out.append(attrs.evolve(spec, columns=columns, purpose=purpose))
    return tuple(out)


def _guide(book: Book, district: Any, year: int, specs: Sequence[SheetSpec]) -> None:
    # each row in one call (Sheet.write_cells: the row kept as its XML), as the record sheets' rows
    ws = book.sheet(GUIDE_SHEET)
    title = book.format(bold=True, font_size=16)
    bold = book.format(bold=True, bg_color="#D9E1F2", border=1, text_wrap=True, valign="vcenter")
    wrap = book.format(text_wrap=True, valign="top", border=1)
    plain = book.format(text_wrap=True, valign="top")
    widths = (14, 16, 10, 90)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    merged = sum(widths[1:])
    ws.write_cells(0, [(0, f"{district.info.name}{year}年对口联系工作台账 填写说明", title)])
    row = 2
    for n, rule in enumerate(GENERAL_RULES, start=1):
        text = rule.format(year=year, title=district.info.regulation_title, **_meeting_words(district, year))
        ws.merge_cells(row, 1, 3, text, plain, row_height(lines_in(text, merged)), before=[(0, f"{n}.", plain)])
        row += 1
    row += 1
    ws.write_cells(row, [(col, header, bold) for col, header in enumerate(("工作表", "列", "必填", "填写说明"))])
    row += 1
    kinds = kind_lists(district, year)

    def line(first: str, second: str, third: str, text: str) -> None:
        nonlocal row
        ws.write_cells(row, [(0, first, wrap), (1, second, wrap), (2, third, wrap), (3, text, wrap)],
                       row_height(max(lines_in(text, widths[3]), lines_in(second, widths[1]))))
        row += 1

    for spec in specs:
        basis = _basis(district, spec, year, "；")
        text = f"{spec.purpose}（依据：{basis}）" if basis else spec.purpose
        ws.merge_cells(row, 1, 3, text, wrap, row_height(lines_in(text, merged)), before=[(0, spec.name, bold)])
        row += 1
        for column in spec.columns:
            line("", column.header, {"cell": "必填", "column": "保留此列", "no": ""}[column.required], column.hint)
            for kind in kinds.get(column.choices, ()):  # what each of the district's kinds is, and its rule
                line("", f"　{kind.shown}", "", kind.explained)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def write_ledger(book: Book, district: Any, year: int, rows: Sequence[PlannedRow],
                 duties: YearDuties | None = None, register: Sequence[RegisterLine] = ()) -> None:
    directory = Directory(district)
    specs = ledger_specs(district, year)
    _guide(book, district, year, specs)
    name = district.info.name
    for spec in specs:
        basis = _basis(district, spec, year, "、")
        record_sheet(book, spec, f"{name}{year}年对口联系工作台账·{spec.name}" + (f"（{basis}）" if basis else ""),
                     _prefill(spec, rows, directory, district, year, duties, register))
    _list_sheet(book, _lists(directory, kind_lists(district, year)))


def ledger_custom_properties(district: Any, year: int) -> dict[str, str]:
    return {DISTRICT_PROPERTY: district.info.id, "liaison-year": str(year), "liaison-ledger": "1"}
