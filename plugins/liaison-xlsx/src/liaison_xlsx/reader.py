"""The ledger (台账) read back as :class:`Records`, every problem named by file, sheet and cell.

Sheets are found by name and columns by their header text (:mod:`liaison_xlsx.specs`), so a clerk
may reorder, insert or delete optional columns and add sheets of their own. A row is a record when
it says so: 会议走访 rows only when 是否召开 is 是 (a planned meeting that did not happen is no
evidence), 责任制 rows only when something is designated, every other sheet's non-blank rows.

All problems of a workbook are collected and raised together as one :class:`LedgerError`, the first
in the message and the others listed after it, so a clerk fixes them in one pass::

    台账.xlsx: 会议走访!E12: 没有名为“农工总支”的单位；您是否要找：农工党总支部 (cpwdp) (fix: …)
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from xml.etree import ElementTree

import attrs
import openpyxl
from openpyxl.utils.cell import get_column_letter, range_boundaries

from liaison_xlsx import cells
from liaison_xlsx.cells import CellProblem
from liaison_xlsx.domain import (
    MEETING_DEFAULT,
    MEETING_OF_GOVERNMENT,
    RECORD_TYPES,
    REPLY_TYPE,
    DataError,
    Directory,
    LiaisonError,
    check_consistency,
    core_path,
    district_id,
    engagement_kind,
    make_records,
)
from liaison_xlsx.specs import DISTRICT_PROPERTY, LEDGER, Column, SheetSpec, normalise

MAX_PROBLEMS = 50  # listed in one error; a workbook with more is mostly wrong anyway
HEADER_SCAN = 10  # the header is in one of the first rows (the template: row 2, under the title)


class LedgerError(DataError):
    """Every problem found in a ledger: the first is this error's own message, the rest in ``problems``."""

    def __init__(self, problems: Sequence[DataError]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        super().__init__(first.message, file=first.file, path=first.path, fix=first.fix,
                         message_zh=first.message_zh, fix_zh=first.fix_zh)

    def render(self, lang: str = "en") -> str:
        lines = [DataError.render(p, lang) for p in getattr(self, "problems", ())] or [super().render(lang)]
        if len(lines) > 1:
            lines.append(f"共 {len(lines)} 处问题" if lang == "zh" else f"{len(lines)} problems in all")
        return "\n".join(lines)


def cell_ref(sheet: str, column: int, row: int) -> str:
    return f"{sheet_ref(sheet)}!{get_column_letter(column)}{row}"


def sheet_ref(sheet: str) -> str:
    """A sheet as a formula names it: quoted when it holds anything but letters, digits and _."""
    if all(ch.isalnum() or ch == "_" for ch in sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


@attrs.define
class _Problems:
    file: str
    found: list[DataError] = attrs.field(factory=list)

    def add(self, path: str, message: str, message_zh: str, fix: str = "", fix_zh: str = "") -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(DataError(message, file=self.file, path=path, fix=fix or None,
                                        message_zh=message_zh, fix_zh=fix_zh or None))

    def cell(self, path: str, problem: CellProblem) -> None:
        self.add(path, problem.message, problem.message_zh, problem.fix, problem.fix_zh)

    @property
    def full(self) -> bool:
        return len(self.found) >= MAX_PROBLEMS

    def raise_any(self) -> None:
        if self.found:
            raise LedgerError(self.found)


@attrs.define
class _Row:
    """One data row: the number Excel shows, and the cell value of each mapped column."""

    number: int
    values: dict[str, Any]


@attrs.frozen
class _Where:
    """Where a record came from, so later checks can name its cells."""

    sheet: str
    row: int
    columns: dict[str, int]  # field → column number
    child_rows: tuple[int, ...] = ()

    def cell(self, field: str, row: int | None = None) -> str:
        column = self.columns.get(field)
        if column is None:
            return f"{sheet_ref(self.sheet)}!{self.row}:{self.row}"
        return cell_ref(self.sheet, column, row or self.row)


# ------------------------------------------------------------------------------------ the workbook
def _open(data: bytes, file: str) -> Any:
    if not data.startswith(b"PK"):
        hint = ("an old .xls workbook" if data.startswith(b"\xd0\xcf\x11\xe0") else "not an .xlsx workbook")
        raise DataError(f"{hint}: cannot read it as a ledger", file=file,
                        fix="save it from Excel or WPS as an .xlsx workbook (Excel 工作簿)",
                        message_zh="不是 .xlsx 工作簿，无法作为台账读取"
                        + ("（是旧版 .xls 格式）" if "xls" in hint else ""),
                        fix_zh="请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; none may escape
        raise DataError(f"the workbook cannot be opened ({type(exc).__name__}: {exc})", file=file,
                        fix="open it in Excel or WPS and save it again as .xlsx",
                        message_zh="工作簿无法打开（文件可能已损坏）",
                        fix_zh="请用 Excel 或 WPS 打开后重新保存为 .xlsx") from None


_MERGE = re.compile(rb"<(?:[A-Za-z0-9_]+:)?mergeCell\b[^>]*?\bref=\"([^\"]+)\"")
_REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def _merged(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges per sheet name, read from the package (openpyxl's read-only mode skips them)."""
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            root_rels = ElementTree.fromstring(package.read("_rels/.rels"))
            book = next((r.get("Target", "") for r in root_rels if r.get("Type") == _REL_DOC), "xl/workbook.xml")
            book = book.lstrip("/")
            folder = book.rpartition("/")[0]
            rels_path = f"{folder}/_rels/{book.rpartition('/')[2]}.rels"
            targets = {r.get("Id"): r.get("Target", "") for r in ElementTree.fromstring(package.read(rels_path))}
            relationship = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
            for sheet in ElementTree.fromstring(package.read(book)).iterfind("{*}sheets/{*}sheet"):
                target = targets.get(sheet.get(relationship), "")
                part = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
                if not target or part not in package.namelist():
                    continue
                ranges = []
                for ref in _MERGE.findall(package.read(part)):
                    try:
                        min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
                    except (ValueError, TypeError, UnicodeDecodeError):
                        continue
                    if None not in (min_col, min_row, max_col, max_row):
                        ranges.append((int(min_col or 0), int(min_row or 0), int(max_col or 0), int(max_row or 0)))
                found[sheet.get("name", "")] = ranges
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return found  # openpyxl opened it: a package laid out unusually just reports no merges
    return found


def _district_property(book: Any) -> str:
    try:
        for prop in book.custom_doc_props.props:
            if prop.name == DISTRICT_PROPERTY and isinstance(prop.value, str):
                return prop.value.strip()
    except AttributeError:
        pass
    return ""


# --------------------------------------------------------------------------------------- one sheet
def _find_sheet(book: Any, spec: SheetSpec) -> Any | None:
    wanted = {normalise(n) for n in (spec.name, *spec.aliases)}
    for ws in book.worksheets:
        if normalise(ws.title) in wanted:
            return ws
    return None


def _header_keys(spec: SheetSpec) -> dict[str, Column]:
    keys: dict[str, Column] = {}
    for column in spec.columns:
        for name in (column.header, *column.aliases, column.field.lstrip("_")):
            keys.setdefault(normalise(name), column)
    return keys


def _cell_value(cell: Any) -> Any:
    return getattr(cell, "value", None)


def _rows(ws: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    ws.reset_dimensions()  # a wrong <dimension> (some writers put A1) must not hide rows
    yield from enumerate(ws.iter_rows(), start=1)


class _SheetReader:
    def __init__(self, spec: SheetSpec, ws: Any, merges: list[tuple[int, int, int, int]], directory: Directory,
                 problems: _Problems) -> None:
        self.spec, self.ws, self.merges, self.directory, self.problems = spec, ws, merges, directory, problems
        self.name: str = ws.title
        self.columns: dict[str, int] = {}  # field → column number (1-based)
        self.header_row = 0
        self._parsed: dict[tuple[str, type, Any], Any] = {}

    # -- header ---------------------------------------------------------------------------------
    def _locate_header(self, first_rows: list[tuple[int, tuple[Any, ...]]]) -> bool:
        keys = _header_keys(self.spec)
        best: tuple[int, int] = (0, 0)  # (matches, row)
        for number, row in first_rows:
            matches = sum(1 for c in row if isinstance(_cell_value(c), str) and normalise(_cell_value(c)) in keys)
            if matches > best[0]:
                best = (matches, number)
        if best[0] == 0:
            required = "、".join(c.header for c in self.spec.columns if c.required != "no")
            self.problems.add(f"{sheet_ref(self.name)}!1:{HEADER_SCAN}",
                              f"no header row found in the first {HEADER_SCAN} rows (expected: {required})",
                              f"前{HEADER_SCAN}行中找不到表头（应有：{required}）",
                              "keep the template's header row", "请保留模板的表头行")
            return False
        self.header_row = best[1]
        row = dict(first_rows)[self.header_row]
        seen: dict[str, int] = {}
        for index, cell in enumerate(row, start=1):
            value = _cell_value(cell)
            column = keys.get(normalise(value)) if isinstance(value, str) else None
            if column is None:
                continue
            if column.field in seen:
                self.problems.add(cell_ref(self.name, index, self.header_row),
                                  f"a second “{column.header}” column (the first is "
                                  f"{get_column_letter(seen[column.field])})",
                                  f"有两列“{column.header}”（另一列在 {get_column_letter(seen[column.field])} 列）",
                                  "delete or rename one of them", "请删除或改名其中一列")
                continue
            seen[column.field] = index
        self.columns = seen
        ok = True
        for column in self.spec.columns:
            if column.required != "no" and column.field not in seen:
                self.problems.add(f"{sheet_ref(self.name)}!{self.header_row}:{self.header_row}",
                                  f"the column “{column.header}” ({column.label_en}) is missing",
                                  f"缺少“{column.header}”列",
                                  f"add a column headed {column.header} to the header row (row {self.header_row})",
                                  f"请在表头（第{self.header_row}行）加上“{column.header}”列")
                ok = False
        return ok

    def _check_merges(self) -> None:
        for min_col, min_row, max_col, max_row in self.merges:
            if max_row < self.header_row:
                continue  # the title above the header may be merged
            ref = f"{sheet_ref(self.name)}!{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
            self.problems.add(ref, "merged cells: each row must carry its own values",
                              "是合并单元格：台账每行须分别填写",
                              "unmerge the cells and fill in every row", "请取消合并，并在每一行分别填写")

    # -- rows -----------------------------------------------------------------------------------
    def rows(self) -> Iterator[_Row]:
        source = _rows(self.ws)
        first: list[tuple[int, tuple[Any, ...]]] = []
        for number, row in source:
            first.append((number, row))
            if number >= HEADER_SCAN:
                break
        if not self._locate_header(first):
            return
        self._check_merges()
        wanted = sorted(self.columns.items(), key=lambda item: item[1])

        def make(number: int, row: tuple[Any, ...]) -> _Row | None:
            values: dict[str, Any] = {}
            blank = True
            width = len(row)
            for field, index in wanted:
                cell = row[index - 1] if index <= width else None
                value = getattr(cell, "value", None)
                if value is None:
                    values[field] = None
                    continue
                kind = getattr(cell, "data_type", "")
                if kind == "f" or kind == "e":
                    values[field] = _Special(kind, value)
                    blank = False
                    continue
                if blank and (type(value) is not str or value.strip()):
                    blank = False
                values[field] = value
            return None if blank else _Row(number, values)

        for number, row in first:
            if number > self.header_row:
                found = make(number, row)
                if found is not None:
                    yield found
        for number, row in source:
            found = make(number, row)
            if found is not None:
                yield found

    # -- cells ----------------------------------------------------------------------------------
    def ref(self, field: str, row: int) -> str:
        return cell_ref(self.name, self.columns[field], row)

    def parse(self, column: Column, row: _Row) -> Any:
        """The typed value of a column in a row, or raises CellProblem. Values repeat down a column
        (the kinds, the organisations, the dates), so each is parsed once per sheet."""
        value = row.values.get(column.field)
        if value is None:
            return PARSERS[column.parse](None, self.directory)
        if isinstance(value, _Special):
            raise value.problem()
        key = (column.parse, type(value), value)
        try:
            return self._parsed[key]
        except KeyError:
            found = self._parsed[key] = PARSERS[column.parse](value, self.directory)
            return found
        except TypeError:  # an unhashable value: parse it each time
            return PARSERS[column.parse](value, self.directory)


@attrs.frozen
class _Special:
    """A formula or an error value where a clerk's value belongs."""

    data_type: str
    value: Any

    def problem(self) -> CellProblem:
        if self.data_type == "f":
            shown = str(self.value)[:40]
            return CellProblem(f"the cell holds a formula ({shown}); the ledger needs the values themselves",
                               f"单元格里是公式（{shown}），台账须填写数值本身",
                               "copy the cell and paste it as values", "请复制后“选择性粘贴—数值”")
        return CellProblem(f"the cell holds the error value {self.value}", f"单元格里是错误值 {self.value}",
                           "correct or clear the cell", "请改正或清空该单元格")


def _orgs_or_none(value: Any, directory: Directory) -> Any:
    return cells.organisations(value, directory)


PARSERS: dict[str, Callable[[Any, Directory], Any]] = {
    "text": lambda v, d: cells.text(v),
    "line": lambda v, d: cells.line(v),
    "date": lambda v, d: cells.date(v),
    "org": lambda v, d: cells.organisation(v, d),
    "orgs": _orgs_or_none,
    "kind": lambda v, d: cells.kind(v),
    "yes_no": lambda v, d: cells.yes_no(v),
    "doc_kind": lambda v, d: cells.doc_kind(v),
    "party": lambda v, d: cells.party(v),
}


# ------------------------------------------------------------------------------------- the records
@attrs.define
class _Section:
    records: list[Any] = attrs.field(factory=list)
    where: list[_Where] = attrs.field(factory=list)


def _is_record(spec: SheetSpec, reader: _SheetReader, row: _Row) -> bool:
    """会议走访: only 是; 责任制: only when something is designated; otherwise every non-blank row."""
    if spec.gate:
        column = spec.column(spec.gate)
        try:
            held = reader.parse(column, row)
        except CellProblem as problem:
            reader.problems.cell(reader.ref(column.field, row.number), problem)
            return False
        if held is None and "id" in reader.columns and cells.is_blank(row.values.get("id")):
            # pre-filled rows carry their 编号 and may stay blank (not held); a row added by hand says
            reader.problems.add(reader.ref(column.field, row.number),
                                f"a row added by hand needs 是 or 否 in “{column.header}”",
                                f"新增的行请在“{column.header}”填写“是”或“否”",
                                "write 是 if it took place, 否 if not", "已召开的填“是”，未召开的填“否”")
            return False
        if held is not True:
            actual = next((c for c in spec.columns if c.field == "_actual_date"), None)
            given = actual is not None and not cells.is_blank(row.values.get(actual.field))
            if actual is not None and given:
                answer = "否" if held is False else "空白"
                reader.problems.add(reader.ref(actual.field, row.number),
                                    f"an actual date is given but “{column.header}” is "
                                    f"{'no' if held is False else 'empty'}",
                                    f"填写了{actual.header}，但“{column.header}”为{answer}",
                                    f"write 是 in {column.header} if it took place, or clear the date",
                                    f"已召开的请在“{column.header}”填“是”，未召开的请清空{actual.header}")
            return False
        return True
    if spec.content:
        return any(not cells.is_blank(row.values.get(f)) for f in spec.content)
    return True


def _values(spec: SheetSpec, reader: _SheetReader, row: _Row) -> dict[str, Any] | None:
    """Every mapped column of a record row parsed; None (and problems noted) when a cell is bad."""
    values: dict[str, Any] = {}
    ok = True
    for column in spec.columns:
        if column.field not in reader.columns:
            continue
        try:
            values[column.field] = reader.parse(column, row)
        except CellProblem as problem:
            reader.problems.cell(reader.ref(column.field, row.number), problem)
            ok = False
    return values if ok else None


def _missing(spec: SheetSpec, reader: _SheetReader, row: _Row, values: dict[str, Any],
             columns: Sequence[Column] | None = None) -> bool:
    missing = False
    for column in columns if columns is not None else spec.columns:
        if column.required == "cell" and values.get(column.field) is None and column.field in reader.columns:
            reader.problems.add(reader.ref(column.field, row.number), f"{column.label_en} is missing",
                                f"请填写“{column.header}”", f"fill in {column.header}", "")
            missing = True
    return missing


def _engagement(values: dict[str, Any], reader: _SheetReader, row: _Row) -> dict[str, Any] | None:
    """The ledger's own columns: 实际日期 overrides the planned date; the host attends its meeting;
    会议 is the §3.1 work meeting when the district government hosts it, else a §3.3 meeting."""
    actual = values.pop("_actual_date", None)
    values.pop("_held", None)
    values.pop("_note", None)
    if actual is not None:
        values["date"] = actual
    if values.get("date") is None:
        reader.problems.add(reader.ref("date", row.number), "neither the date nor the actual date is given",
                            "没有填写日期（或实际日期）", "fill in the date", "请填写日期")
        return None
    host = values["host"]
    kind = values["kind"]
    if kind == cells.MEETING:
        kind = MEETING_OF_GOVERNMENT if host == reader.directory.government() else MEETING_DEFAULT
    values["kind"] = engagement_kind(kind)
    values["attended"] = tuple(dict.fromkeys((host, *(values.get("attended") or ()))))
    return values


#: What a section's rows need beyond their columns (the ledger's own columns of 会议走访).
_FINISH: dict[str, Callable[[dict[str, Any], _SheetReader, _Row], dict[str, Any] | None]] = {
    "engagements": _engagement,
}


def _construct(spec: SheetSpec, reader: _SheetReader, row: _Row, values: dict[str, Any]) -> Any | None:
    kwargs = {k: v for k, v in values.items() if not k.startswith("_") and v is not None}
    try:
        return RECORD_TYPES[spec.section](**kwargs)
    except (TypeError, ValueError) as exc:  # the record's own validators (attrs): name the cell they name
        message = str(exc)
        field = message.split(" ", 1)[0]
        column = next((c for c in spec.columns if c.field == field and c.field in reader.columns), None)
        path = reader.ref(column.field, row.number) if column else f"{sheet_ref(reader.name)}!{row.number}:{row.number}"
        what = f"“{column.header}”" if column else "本行"
        if "control character" in message:
            zh = f"{what}含有不可见的控制字符"
        elif "must not be empty" in message:
            zh = f"{what}不能为空"
        else:
            zh = f"{what}有误：{message}"
        reader.problems.add(path, message, zh, "correct the cell", "请改正该单元格")
        return None


def _read_plain(spec: SheetSpec, reader: _SheetReader, section: _Section) -> None:
    for row in reader.rows():
        if reader.problems.full:
            return
        if not _is_record(spec, reader, row):
            continue
        values = _values(spec, reader, row)
        if values is None or _missing(spec, reader, row, values):
            continue
        finish = _FINISH.get(spec.section)
        if finish is not None:
            values = finish(values, reader, row)
            if values is None:
                continue
        record = _construct(spec, reader, row, values)
        if record is not None:
            section.records.append(record)
            section.where.append(_Where(reader.name, row.number, reader.columns))


def _read_grouped(spec: SheetSpec, reader: _SheetReader, section: _Section) -> None:
    """征求意见: rows with the same 编号 are one consultation, each row adding its replies."""
    assert spec.child is not None
    child_fields = set(spec.child.columns)
    parent_columns = [c for c in spec.columns if c.field not in child_fields]
    groups: dict[Any, tuple[_Row, dict[str, Any], list[tuple[int, Any]]]] = {}
    for row in reader.rows():
        if reader.problems.full:
            return
        values = _values(spec, reader, row)
        if values is None:
            continue
        key = values.get(spec.key)
        if key is None:
            _missing(spec, reader, row, values, [spec.column(spec.key)])
            continue
        if key not in groups:
            if _missing(spec, reader, row, values, parent_columns):
                continue
            groups[key] = (row, values, [])
        else:
            first_row, first, _ = groups[key]
            for column in parent_columns:
                if column.field.startswith("_"):
                    continue
                given = values.get(column.field)
                if given is not None and given != first.get(column.field):
                    reader.problems.add(
                        reader.ref(column.field, row.number),
                        f"differs from row {first_row.number} of the same {spec.column(spec.key).header}",
                        f"与同一{spec.column(spec.key).header}的第{first_row.number}行不一致",
                        "leave it blank on the reply rows, or make the rows agree",
                        "答复行可留空，或与首行保持一致")
        organisations = values.get("organisation")
        reply_date = values.get("reply_date")
        if (organisations is None) != (reply_date is None):
            field = "reply_date" if reply_date is None else "organisation"
            column = spec.column(field)
            if field in reader.columns:
                reader.problems.add(reader.ref(field, row.number), f"{column.label_en} is missing for this reply",
                                    f"登记答复时请同时填写答复单位和答复日期（缺“{column.header}”）",
                                    f"fill in {column.header}", "")
            continue
        if organisations is not None:
            for org in organisations:
                groups[key][2].append((row.number, REPLY_TYPE(org, reply_date)))
    for row, values, replies in groups.values():
        values = {k: v for k, v in values.items() if k not in child_fields}
        values[spec.child.field] = tuple(reply for _, reply in replies)
        record = _construct(spec, reader, row, values)
        if record is not None:
            section.records.append(record)
            section.where.append(_Where(reader.name, row.number, reader.columns,
                                        tuple(number for number, _ in replies)))


# --------------------------------------------------------------------------------- self-agreement
def _agree(sections: dict[str, _Section], directory: Directory, problems: _Problems) -> None:
    """What the rows must say of each other (the core's checks, with cells and in Chinese too)."""
    for name in ("engagements", "documents", "research_results"):
        seen: dict[str, _Where] = {}
        section = sections.get(name)
        for record, where in zip(section.records if section else (), section.where if section else (), strict=True):
            if record.id and record.id in seen:
                first = seen[record.id]
                problems.add(where.cell("id"), f"duplicate id {record.id!r} (also {first.cell('id')})",
                             f"编号“{record.id}”重复（另见 {first.cell('id')}）", "give each record its own id",
                             "每条记录的编号应各不相同")
            seen.setdefault(record.id, where)
    consultations = sections.get("consultations", _Section())
    for c, where in zip(consultations.records, consultations.where, strict=True):
        if c.due is not None and c.due < c.sent:
            problems.add(where.cell("due"), f"the deadline {c.due} is before the request was sent ({c.sent})",
                         f"答复期限（{c.due}）早于发送日期（{c.sent}）", "correct the dates", "请改正日期")
        for reply, row in zip(c.replies, where.child_rows, strict=True):
            if reply.organisation not in c.sent_to:
                name = directory.name(reply.organisation)
                problems.add(where.cell("organisation", row), f"{name} replied but was not asked",
                             f"{name}有答复，但不在征求单位中", "add it to 征求单位 or correct the reply",
                             "请把它加入征求单位，或改正答复单位")
            if reply.date < c.sent:
                problems.add(where.cell("reply_date", row), f"the reply ({reply.date}) predates the request ({c.sent})",
                             f"答复日期（{reply.date}）早于发送日期（{c.sent}）", "correct the dates", "请改正日期")
    research = sections.get("research_results", _Section())
    for r, where in zip(research.records, research.where, strict=True):
        if not directory.is_(r.submitted_by, "counterpart"):
            name = directory.name(r.submitted_by)
            problems.add(where.cell("submitted_by"), f"{name} is not a party branch or the ICF",
                         f"{name}不是民主党派或工商联", "research results come from the branches and the ICF",
                         "调研成果应由民主党派、工商联报送")
        if not directory.is_(r.department, "department"):
            name = directory.name(r.department)
            problems.add(where.cell("department"), f"{name} is not a department", f"{name}不是区直部门",
                         "name the department that answers", "请填写研究反馈的区直部门")
        if r.feedback is not None and r.feedback < r.received:
            problems.add(where.cell("feedback"), f"feedback ({r.feedback}) before receipt ({r.received})",
                         f"反馈日期（{r.feedback}）早于收到日期（{r.received}）", "correct the dates", "请改正日期")


def _core_check(records: Any, district: Any, file: str, sections: dict[str, _Section]) -> None:
    """The core's checks last, so one it adds later is kept; its ``$.`` path becomes the cell."""
    try:
        check_consistency(records, district, file)
    except LiaisonError as exc:
        parts = core_path(exc.path)
        path = exc.path
        if parts is not None:
            name, index, field, child, child_field = parts
            section = sections.get(name)
            if section is not None and index < len(section.where):
                where = section.where[index]
                if child is not None and child < len(where.child_rows):
                    column = {"organisation": "organisation", "date": "reply_date"}.get(child_field, child_field)
                    path = where.cell(column, where.child_rows[child])
                else:
                    path = where.cell(field)
        raise DataError(exc.message, file=file, path=path, fix=exc.fix, message_zh=exc.message_zh,
                        fix_zh=exc.fix_zh) from None


# --------------------------------------------------------------------------------------- the entry
def read_ledger(data: bytes, district: Any, file: str) -> Any:
    """A ledger workbook (.xlsx) as :class:`liaison.records.Records`; every problem a
    :class:`~liaison.errors.DataError` naming the file and ``Sheet!Cell``."""
    book = _open(data, file)
    try:
        return _read_book(book, data, district, file)
    finally:
        book.close()


def _read_book(book: Any, data: bytes, district: Any, file: str) -> Any:
    problems = _Problems(file)
    directory = Directory(district)
    merges = _merged(data)
    sections: dict[str, _Section] = {}
    found_any = False
    for spec in LEDGER:
        ws = _find_sheet(book, spec)
        section = sections.setdefault(spec.section, _Section())
        if ws is None:
            continue
        found_any = True
        reader = _SheetReader(spec, ws, merges.get(ws.title, []), directory, problems)
        try:
            (_read_grouped if spec.child is not None else _read_plain)(spec, reader, section)
        except LiaisonError:
            raise
        except Exception as exc:  # openpyxl failing mid-sheet on a damaged part
            problems.add(sheet_ref(ws.title), f"the sheet cannot be read ({type(exc).__name__}: {exc})",
                         "工作表无法读取（文件可能已损坏）", "save the workbook again", "请重新保存工作簿")
    if not found_any:
        names = "、".join(s.name for s in LEDGER)
        raise DataError("no ledger sheet in this workbook", file=file,
                        fix=f"a ledger has the sheets {names}; start from the exported 台账 template",
                        message_zh=f"工作簿中没有台账工作表（应有：{names}）",
                        fix_zh="请使用导出的台账模板填写")
    problems.raise_any()
    _agree(sections, directory, problems)
    problems.raise_any()
    recorded = _district_property(book)
    expected = district_id(district)
    if recorded and recorded != expected:
        raise DataError(f"this ledger is for the district {recorded!r}, not {expected!r}",
                        file=file, path=f"文档属性 {DISTRICT_PROPERTY}",
                        fix="check --data, or export the ledger of this district",
                        message_zh=f"这份台账属于“{recorded}”，不是“{expected}”",
                        fix_zh="请检查 --data，或使用本区导出的台账")
    records = make_records(recorded, district, {name: s.records for name, s in sections.items()})
    _core_check(records, district, file, sections)
    return records

