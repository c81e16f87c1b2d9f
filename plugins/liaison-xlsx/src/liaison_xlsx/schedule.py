"""The year's plan as a spreadsheet (对口联系工作安排表): the whole district, then one sheet per department,
then the 发文登记 sheet (the letters issued so far, as the year's state keeps them).

Every sheet: a title row with the district's name, a note on what the dates rest on, the header row
(frozen, with an autofilter, repeated on every printed page), real Excel dates, columns as wide as
their CJK text, A4 landscape fitted to the page width.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from liaison.law.workdays import provisional_note
from liaison_xlsx.domain import Directory, PlannedRow
from liaison_xlsx.ledger import record_sheet, register_rows
from liaison_xlsx.specs import REGISTER
from liaison_xlsx.workbook import A4, DATE_FORMAT, Book, column_width, excel_date, lines_in, row_height, sheet_title

if TYPE_CHECKING:
    from liaison.year.numbering import RegisterLine

WEEKDAYS = "一二三四五六日"


def _time(row: PlannedRow) -> str:
    if row.start is None:
        return "全天"
    if row.end is None:
        return f"{row.start:%H:%M}"
    return f"{row.start:%H:%M}—{row.end:%H:%M}"


@attrs.frozen
class PlanColumn:
    header: str
    value: Callable[[PlannedRow, Directory], Any]
    most: int = 50  # widest it may grow (characters); longer text wraps
    least: int = 6
    centred: bool = False
    wrap: bool = True


PLAN_COLUMNS: tuple[PlanColumn, ...] = (
    PlanColumn("日期", lambda r, d: r.date, least=12),
    PlanColumn("星期", lambda r, d: f"星期{WEEKDAYS[r.date.weekday()]}", centred=True),
    PlanColumn("时间", lambda r, d: _time(r), least=13, centred=True),
    PlanColumn("事项", lambda r, d: r.title, most=36),
    PlanColumn("主办单位", lambda r, d: d.name(r.host), most=16),
    PlanColumn("参加单位", lambda r, d: "；".join(x for x in (d.names(p for p in r.participants if p != r.host),
                                                               r.guests) if x), most=36),
    PlanColumn("依据", lambda r, d: "\n".join(r.basis), most=15),
    PlanColumn("状态", lambda r, d: r.status_zh, centred=True),
    PlanColumn("暂定", lambda r, d: "是" if r.provisional else "否", centred=True),
    PlanColumn("地点", lambda r, d: r.location, most=20),
    PlanColumn("本区设定", lambda r, d: r.local, most=24),
    PlanColumn("编号", lambda r, d: r.id, most=48, wrap=False),  # for `liaison plan --confirm/--move`; not printed
)
PRINTED = len(PLAN_COLUMNS) - 1  # the columns on paper: all but 编号

TITLE_ROW, NOTE_ROW, HEADER_ROW = 0, 1, 2


def _note(district: Any, year: int, provisional: bool, breaks_avoided: bool = True) -> str:
    note = (f"依据《{district.info.regulation_title}》。日期由 liaison 按工作日拟定；“状态”为“拟定”的，"
            "尚待对口联系双方商定。“本区设定”列为该项所依据的、原文未规定而由本区设定的事项"
            "（说明见 liaison provisions）。")
    if provisional:
        note += f"日期暂定：{provisional_note(year, breaks_avoided=breaks_avoided)}。"
    return note


def _sheet(book: Book, name: str, title: str, note: str, rows: Sequence[PlannedRow], directory: Directory,
           shown: dict[int, list[Any]] | None = None) -> None:
    """One sheet of rows; ``shown``: each row's cell values by the row's ``id`` (a row is on the whole
    district's sheet and on each of its departments': its values are worked out once)."""
    ws = book.sheet(name)
    last_col = len(PLAN_COLUMNS) - 1
    border = {"border": 1, "valign": "vcenter"}
    title_format = book.format(bold=True, font_size=16, align="center", valign="vcenter")
    note_format = book.format(font_size=9, text_wrap=True, valign="top")
    header = book.format(bold=True, align="center", bg_color="#D9E1F2", text_wrap=True, **border)
    plain = book.format(text_wrap=True, **border)
    unwrapped = book.format(**border)
    centred = book.format(align="center", **border)
    date = book.format(num_format=DATE_FORMAT, align="center", **border)
    ws.merge_cells(TITLE_ROW, 0, PRINTED - 1, title, title_format, 30)
    ws.merge_cells(NOTE_ROW, 0, PRINTED - 1, note, note_format, 30)
    ws.write_cells(HEADER_ROW, [(col, column.header, header) for col, column in enumerate(PLAN_COLUMNS)])
    values = ([[c.value(r, directory) for c in PLAN_COLUMNS] for r in rows] if shown is None
              else [shown[id(r)] for r in rows])
    widths = []
    for col, column in enumerate(PLAN_COLUMNS):
        texts = [column.header] + [v[col].isoformat() if isinstance(v[col], dt.date) else str(v[col]) for v in values]
        widths.append(column_width(texts, least=column.least, most=column.most))
        ws.set_column(col, col, widths[-1])
    formats = [centred if c.centred else unwrapped if not c.wrap else plain for c in PLAN_COLUMNS]
    for i, row_values in enumerate(values):
        r = HEADER_ROW + 1 + i
        lines = max(lines_in(v, w) for v, w, c in zip(row_values, widths, PLAN_COLUMNS, strict=True)
                    if isinstance(v, str) and c.wrap)
        ws.write_cells(r, [(col, excel_date(value), date) if isinstance(value, dt.date) else (col, value, formats[col])
                           for col, value in enumerate(row_values)], row_height(lines))
    last_row = HEADER_ROW + max(len(rows), 1)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.autofilter(HEADER_ROW, 0, last_row, last_col)
    ws.set_landscape()
    ws.set_paper(A4)
    ws.repeat_rows(HEADER_ROW)
    ws.print_area(0, 0, last_row, PRINTED - 1)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")


def write_schedule(book: Book, district: Any, year: int, rows: Sequence[PlannedRow], provisional: bool,
                   breaks_avoided: bool = True, register: Sequence[RegisterLine] = ()) -> None:
    """The whole district's sheet, then every department taking part in something, in directory order,
    then the 发文登记 sheet: every letter issued in the year so far (withdrawn ones with their status)."""
    directory = Directory(district)
    name = district.info.name
    note = _note(district, year, provisional, breaks_avoided)
    taken: set[str] = set()
    shown = {id(r): [c.value(r, directory) for c in PLAN_COLUMNS] for r in rows}
    _sheet(book, sheet_title("全区", taken), f"{name}{year}年对口联系工作安排表", note, rows, directory, shown)
    own_of: dict[str, list[PlannedRow]] = {}  # each body's rows in the plan's order, not a rescan per department
    for r in rows:
        for p in dict.fromkeys(r.participants):
            own_of.setdefault(p, []).append(r)
    for dept in directory.group("department"):
        own = own_of.get(dept.id, [])
        if own:
            _sheet(book, sheet_title(dept.name, taken), f"{name}{year}年对口联系工作安排表（{dept.name}）", note,
                   own, directory, shown)
    record_sheet(book, attrs.evolve(REGISTER, name=sheet_title(REGISTER.name, taken)),
                 f"{name}{year}年发文登记（对口联系函件）", register_rows(register), blank_rows=0)
