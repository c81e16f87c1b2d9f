"""One ledger sheet: found by name, its columns by header text, each cell parsed by its column."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator, Sequence
from pathlib import PurePath
from typing import Any

from openpyxl.utils.cell import get_column_letter

from liaison_xlsx import cells
from liaison_xlsx.domain import Directory, Location, Refused
from liaison_xlsx.problems import Problems, Row, cell_ref, rows_ref, sheet_ref
from liaison_xlsx.specs import Column, SheetSpec, normalise
from liaison_xlsx.values import Sheet, Special

HEADER_SCAN = 10  # the header is in one of the first rows (the template: row 2, under the title)


# --------------------------------------------------------------------------------------- one sheet
def find_sheets(book: Any, spec: SheetSpec) -> list[Any]:
    """The sheets of ``spec`` by their name (or an alias), in the workbook's order: a bracketed note
    is no part of the name, so 会议走访（下半年） is a 会议走访 sheet too."""
    wanted = {normalise(n) for n in (spec.name, *spec.aliases)}
    return [ws for ws in book.worksheets if normalise(ws.title) in wanted]


def matches_headers(ws: Any, spec: SheetSpec) -> bool:
    """Whether a header row, in the first rows of ``ws``, holds every column ``spec`` requires."""
    required = {normalise(c.header) for c in spec.columns if c.required != "no"}
    keys = header_keys(spec)
    for row in ws.rows(HEADER_SCAN):
        present = {normalise(keys[k].header) for c in row if isinstance(v := cell_value(c), str)
                   and (k := normalise(v)) in keys}
        if required <= present:
            return True
    return False


def sheets_by_headers(book: Any, specs: Sequence[SheetSpec], taken: set[str]) -> dict[str, list[Any]]:
    """Sheets a clerk renamed (会议走访 → Sheet1), by the spec whose required headers they hold; a
    sheet holding the headers of two specs is :class:`Ambiguous` (whose rows it has cannot be told)."""
    found: dict[str, list[Any]] = {spec.name: [] for spec in specs}
    for ws in book.worksheets:
        if ws.title in taken:
            continue
        try:
            fits = [spec for spec in specs if matches_headers(ws, spec)]
        except Exception as exc:  # openpyxl failing on a damaged sheet part; the reader reports it
            raise Unreadable(ws.title, exc) from None
        if len(fits) > 1:
            raise Ambiguous(ws.title, tuple(spec.name for spec in fits))
        if fits:
            found[fits[0].name].append(ws)
    return found


class Unreadable(Exception):
    """A sheet whose header rows openpyxl cannot read (a damaged part)."""

    def __init__(self, title: str, cause: Exception) -> None:
        super().__init__(title)
        self.title, self.cause = title, cause


class Ambiguous(Exception):
    """A sheet named as no ledger sheet whose headers are those of several."""

    def __init__(self, title: str, specs: tuple[str, ...]) -> None:
        super().__init__(title)
        self.title, self.specs = title, specs


def header_keys(spec: SheetSpec) -> dict[str, Column]:
    keys: dict[str, Column] = {}
    for column in spec.columns:
        for name in (column.header, *column.aliases, column.field.lstrip("_")):
            keys.setdefault(normalise(name), column)
    return keys


def cell_value(value: Any) -> Any:
    """A cell's value as a header is matched: a formula's or an error's text as openpyxl gives it."""
    return value.value if isinstance(value, Special) else value


#: Rows read from one sheet at the most: a ledger holds some hundreds (the benchmark reads 10,000).
MAX_ROWS = 60_000


class TooManyRows(Exception):
    pass


def data_rows(ws: Sheet) -> Iterator[tuple[int, tuple[Any, ...]]]:
    for number, row in enumerate(ws.rows(), start=1):
        if number > MAX_ROWS:
            raise TooManyRows(number)
        yield number, row


class SheetReader:
    def __init__(self, spec: SheetSpec, ws: Sheet, merges: list[tuple[int, int, int, int]], directory: Directory,
                 problems: Problems) -> None:
        self.spec, self.ws, self.merges, self.directory, self.problems = spec, ws, merges, directory, problems
        self.name: str = ws.title
        #: what a finding cites for a row without 编号, up to the row: ``台账.xlsx: 会议走访`` (once per sheet)
        self.source = f"{PurePath(problems.file).name}: {sheet_ref(self.name)}"
        self.columns: dict[str, int] = {}  # field → column number (1-based)
        self.header_row = 0
        self._parsed: dict[str, dict[Any, Any]] = {}  # parser → value → parsed

    # -- header ---------------------------------------------------------------------------------
    def _locate_header(self, first_rows: list[tuple[int, tuple[Any, ...]]]) -> bool:
        keys = header_keys(self.spec)
        best: tuple[int, int] = (0, 0)  # (matches, row)
        for number, row in first_rows:
            matches = sum(1 for c in row if isinstance(v := cell_value(c), str) and normalise(v) in keys)
            if matches > best[0]:
                best = (matches, number)
        if best[0] == 0:
            required = "、".join(c.header for c in self.spec.columns if c.required != "no")
            self.problems.add(rows_ref(self.name, 1, HEADER_SCAN),
                              f"no header row found in the first {HEADER_SCAN} rows (expected: {required})",
                              f"前{HEADER_SCAN}行中找不到表头（应有：{required}）",
                              "keep the template's header row", "请保留模板的表头行")
            return False
        self.header_row = best[1]
        row = dict(first_rows)[self.header_row]
        seen: dict[str, int] = {}
        written: dict[str, str] = {}  # field → the header as the clerk wrote it
        for index, cell in enumerate(row, start=1):
            value = cell_value(cell)
            column = keys.get(normalise(value)) if isinstance(value, str) else None
            if column is None:
                continue
            here = str(value).strip()
            if column.field in seen:
                first, letter = written[column.field], get_column_letter(seen[column.field])
                same = normalise(first) == normalise(here)
                en = (f"a second “{here}” column (the first is {letter})" if same else
                      f"“{here}” and “{first}” (column {letter}) are both the {column.header} column")
                zh = (f"有两列“{here}”（另一列在 {letter} 列）" if same else
                      f"“{here}”与 {letter} 列的“{first}”都是“{column.header}”列")
                self.problems.add(cell_ref(self.name, index, self.header_row), en, zh,
                                  "delete or rename one of them", "请删除或改名其中一列")
                continue
            seen[column.field] = index
            written[column.field] = here
        self.columns = seen
        ok = True
        for column in self.spec.columns:
            if column.required != "no" and column.field not in seen:
                self.problems.add(rows_ref(self.name, self.header_row),
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
            merged = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
            ref = Location(sheet=self.name, cell=merged)
            self.problems.add(ref, "merged cells: each row must carry its own values",
                              "是合并单元格：台账每行须分别填写",
                              "unmerge the cells and fill in every row", "请取消合并，并在每一行分别填写")

    # -- rows -----------------------------------------------------------------------------------
    def rows(self) -> Iterator[Row]:
        source = data_rows(self.ws)
        first: list[tuple[int, tuple[Any, ...]]] = []
        for number, row in source:
            first.append((number, row))
            if number >= HEADER_SCAN:
                break
        if not self._locate_header(first):
            return
        self._check_merges()
        wanted = sorted(self.columns.items(), key=lambda item: item[1])

        fields = [field for field, _ in wanted]
        pick = operator.itemgetter(*(index - 1 for _, index in wanted))
        widest = max((index for _, index in wanted), default=0)

        def make(number: int, row: tuple[Any, ...]) -> Row | None:
            if len(wanted) > 1 and len(row) >= widest:
                # the common row, every wanted cell present: picked in C, and typed values (a date, a
                # number) tell at once that the row is not blank
                picked = pick(row)
                kinds = set(map(type, picked))
                if Special not in kinds and kinds - _BLANK_KINDS:
                    return Row(number, dict(zip(fields, picked, strict=True)))
            return made_one_by_one(number, row)

        def made_one_by_one(number: int, row: tuple[Any, ...]) -> Row | None:
            values: dict[str, Any] = {}
            blank = True
            width = len(row)
            for field, index in wanted:
                value = row[index - 1] if index <= width else None
                if value is None:
                    values[field] = None
                    continue
                if type(value) is Special:
                    formula = value.value.replace(" ", "").upper() if isinstance(value.value, str) else None
                    if value.data_type == "f" and formula in CALC_BOOLEANS:
                        # LibreOffice Calc saves a TRUE or FALSE typed into a cell as the formula TRUE()
                        # or FALSE(): the value typed, as Excel's TRUE is
                        values[field] = CALC_BOOLEANS[formula]
                    else:
                        values[field] = value
                    blank = False
                    continue
                if blank and (type(value) is not str or value.strip()):
                    blank = False
                values[field] = value
            return None if blank else Row(number, values)

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
    def ref(self, field: str, row: int) -> Location:
        return cell_ref(self.name, self.columns[field], row)

    def parse_row(self, columns: Sequence[Column], row: Row) -> dict[str, Any] | None:
        """Every one of ``columns`` the sheet has, parsed (as :meth:`parse`); None, and each bad cell
        noted, when one is refused. One call per row: a value seen before in its column is looked up
        here, without a call per cell (a 10,000-row ledger parses 120,000 cells, nearly all repeats)."""
        values: dict[str, Any] = {}
        ok = True
        get = row.values.get
        present = self.columns
        parsed = self._parsed
        for column in columns:
            field = column.field
            if field not in present:
                continue
            value = get(field)
            if value is None:
                values[field] = None
                continue
            kind = type(value)
            if kind in _HASHABLE:
                seen = parsed.get(column.parse)
                if seen is not None:
                    found = seen.get(value if kind is str else (kind, value), _UNSEEN)
                    if found is not _UNSEEN:
                        values[field] = found
                        continue
            try:
                values[field] = self.parse(column, row)
            except Refused as problem:
                self.problems.cell(self.ref(field, row.number), problem)
                ok = False
        return values if ok else None

    def parse(self, column: Column, row: Row) -> Any:
        """The typed value of a column in a row, or raises Refused. Values repeat down a column
        (the kinds, the organisations, the dates), so each is parsed once per sheet."""
        value = row.values.get(column.field)
        if value is None:
            return None  # every parser reads an empty cell as None
        if type(value) is Special:
            raise special_problem(value)
        parsed = self._parsed.get(column.parse)
        if parsed is None:
            parsed = self._parsed[column.parse] = {}
        # a text is its own key; any other value with its type (1, 1.0 and True are equal keys)
        key = value if type(value) is str else (type(value), value)
        try:
            return parsed[key]
        except KeyError:
            found = parsed[key] = PARSERS[column.parse](value, self.directory)
            return found
        except TypeError:  # an unhashable value: parse it each time
            return PARSERS[column.parse](value, self.directory)


#: The cell values :meth:`SheetReader.parse_row` looks up among those parsed before (what the two
#: readers give; a Special, a formula or an error, is parsed each time and refused).
_HASHABLE = frozenset({str, float, int, bool, dt.datetime, dt.date, dt.time})
_UNSEEN = object()
#: The cell values a blank row may hold (an empty text is blank too).
_BLANK_KINDS = frozenset({type(None), str})

#: The formulas that are a boolean typed in LibreOffice Calc (its .xlsx: ``<f>TRUE()</f><v>1</v>``).
CALC_BOOLEANS = {"=TRUE()": True, "=FALSE()": False}


def special_problem(special: Special) -> Refused:
    """Why a formula or an error value is refused where a clerk's value belongs."""
    if special.data_type == "f":
        shown = str(special.value)[:40]
        return Refused(f"the cell holds a formula ({shown}); the ledger needs the values themselves",
                       f"单元格里是公式（{shown}），台账须填写数值本身",
                       "copy the cell and paste it as values", "请复制后“选择性粘贴—数值”")
    return Refused(f"the cell holds the error value {special.value}", f"单元格里是错误值 {special.value}",
                   "correct or clear the cell", "请改正或清空该单元格")


def orgs_or_none(value: Any, directory: Directory) -> Any:
    return cells.organisations(value, directory)


PARSERS: dict[str, Callable[[Any, Directory], Any]] = {
    "text": lambda v, d: cells.text(v),
    "line": lambda v, d: cells.line(v),
    "date": lambda v, d: cells.date(v),
    "org": lambda v, d: cells.organisation(v, d),
    "orgs": orgs_or_none,
    "kind": cells.kind,
    "yes_no": lambda v, d: cells.yes_no(v),
    "doc_kind": cells.doc_kind,
    "activity_kind": cells.activity_kind,
    "by": cells.by,
    "party": lambda v, d: cells.party(v),
}
