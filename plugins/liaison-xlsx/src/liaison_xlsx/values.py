"""The cell values of a ledger workbook, one tuple per row, read with python-calamine where it gives
exactly what openpyxl gave, and with openpyxl otherwise.

python-calamine (Rust) reads every value of a 10,000-row ledger in a tenth of the time openpyxl's
read-only mode takes to iterate the cells. But the reader's contract rests on more than the values,
and calamine does not say all of it:

* a formula where a value belongs is refused with its text (calamine gives the cached value, and
  nothing of the formula); LibreOffice's ``TRUE()`` is read as the boolean typed;
* an error value (``#N/A``) is refused as such (calamine gives it as text, like a clerk's ``#N/A``);
* a ``<v>`` that is no number (``abc``, `` 12``, ``1_000``) fails in openpyxl and is text in calamine;
  a date-formatted value past 9999-12-31 is openpyxl's ``#VALUE!``, and panics in calamine;
* a negative serial under a date format is a date before 1900 in openpyxl, a time of day in calamine;
* openpyxl drops ``x005F_`` from shared strings; the two may tell dates from numbers differently
  for unusual number formats; a ``<row>`` with no value past 60,000 counts as a row in openpyxl only.

So :func:`open_calamine` looks at the package first — the sheets' XML searched for formulas, cell
types other than text and number, values that are no plain number of at most seven digits before
the point, the shared strings for ``x005F_`` and phonetic runs, the number formats for any that is
not one both libraries are known to treat alike (:data:`SAME_DATE_FORMATS`; every builtin one is
checked by a test), the 1904 date system, and the sheet list itself — and declines the workbook
(returns ``None``) at any of them, and the reader falls back to openpyxl, which gives the old answers
by construction. A filled ledger from Excel, WPS, LibreOffice or this project's template has none
of them, and is read by calamine; one with a formula or an error cell is read by openpyxl, which
names the cell. The values calamine gives are mapped in :func:`_calamine_row`, and
``tests/test_xlsx_calamine.py`` holds both paths to the same records and the same errors on random
ledgers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any, Final
from xml.etree import ElementTree

import attrs
from openpyxl.utils.cell import range_boundaries

__all__ = ["DIFFERENT_BUILTIN_FORMATS", "MAX_SHEET_XML", "SAME_DATE_FORMATS", "Book", "Sheet", "Special", "layout",
           "merged_ranges", "open_calamine", "openpyxl_book"]


@attrs.frozen
class Special:
    """A formula (``f``: its text, ``=…``) or an error value (``e``: ``#N/A``) where a clerk's value
    belongs; the reader refuses both (LibreOffice's ``TRUE()`` excepted)."""

    data_type: str
    value: Any


class Sheet:
    """One worksheet: its title and its rows of values (None for an empty cell)."""

    title: str

    def rows(self, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
        raise NotImplementedError


class Book:
    """A workbook's worksheets in the workbook's order, their merged ranges by title (columns and
    rows from 1), and its custom document properties."""

    worksheets: list[Sheet]
    merges: dict[str, list[tuple[int, int, int, int]]]

    def custom_properties(self, name: str) -> list[Any]:
        """The values of the custom document properties called ``name``, in the file's order."""
        raise NotImplementedError

    def close(self) -> None:
        pass


# ------------------------------------------------------------------------------- the layout
_REL_DOC: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_REL_ID: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MERGE: Final = re.compile(rb"<(?:[A-Za-z0-9_]+:)?mergeCell\b[^>]*?\bref=\"([^\"]+)\"")


@attrs.frozen
class Layout:
    """Where the package keeps its parts: the workbook and, per sheet in order, its name, part and
    relationship type."""

    book: str
    sheets: tuple[tuple[str, str, str], ...]


def layout(package: zipfile.ZipFile) -> Layout:
    """The workbook part (by the package's root relationships) and its sheets; raises KeyError,
    ParseError when a part is missing or is no XML."""
    root_rels = ElementTree.fromstring(package.read("_rels/.rels"))
    book = next((r.get("Target", "") for r in root_rels if r.get("Type") == _REL_DOC), "xl/workbook.xml")
    book = book.lstrip("/")
    folder = book.rpartition("/")[0]
    rels_path = f"{folder}/_rels/{book.rpartition('/')[2]}.rels"
    targets = {r.get("Id"): (r.get("Target", ""), r.get("Type", ""))
               for r in ElementTree.fromstring(package.read(rels_path))}
    names = set(package.namelist())
    sheets = []
    for sheet in ElementTree.fromstring(package.read(book)).iterfind("{*}sheets/{*}sheet"):
        target, kind = targets.get(sheet.get(_REL_ID), ("", ""))
        part = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
        if target and part in names:
            sheets.append((sheet.get("name", ""), part, kind))
    return Layout(book, tuple(sheets))


def merged_ranges(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges per sheet name, read from the package (neither openpyxl's read-only mode nor
    calamine's values give them); none for a package laid out so unusually that its sheets are not found."""
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for name, part, _kind in layout(package).sheets:
                found[name] = _ranges(package.read(part))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return found
    return found


def _ranges(xml: bytes) -> list[tuple[int, int, int, int]]:
    """A sheet's merged ranges (columns and rows from 1), from its XML."""
    ranges: list[tuple[int, int, int, int]] = []
    first = xml.find(b"mergeCell")  # a search of the bytes, then the pattern from there (past the cells)
    if first < 0:
        return ranges
    for ref in _MERGE.findall(xml, max(0, first - 128)):
        try:
            min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii"))
        except (ValueError, TypeError, UnicodeDecodeError):
            continue
        if None not in (min_col, min_row, max_col, max_row):
            ranges.append((int(min_col or 0), int(min_row or 0), int(max_col or 0), int(max_row or 0)))
    return ranges


# ------------------------------------------------------------------------------- openpyxl
def openpyxl_book(data: bytes) -> Book:
    """The workbook through openpyxl's read-only mode (raises what openpyxl raises)."""
    import openpyxl

    book = _OpenpyxlBook(openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False,
                                                keep_links=False))
    book.merges = merged_ranges(data)
    return book


def openpyxl_value(cell: Any) -> Any:
    """A cell of openpyxl as the reader takes it: a formula or an error value as :class:`Special`."""
    value = getattr(cell, "value", None)
    if value is None:
        return None
    kind = getattr(cell, "data_type", "")
    if kind == "f" or kind == "e":
        return Special(kind, value)
    return value


class _OpenpyxlSheet(Sheet):
    def __init__(self, ws: Any) -> None:
        self.ws, self.title = ws, ws.title

    def rows(self, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
        self.ws.reset_dimensions()  # a wrong <dimension> (some writers put A1) must not hide rows or columns
        for row in self.ws.iter_rows(max_row=max_row):
            yield tuple(openpyxl_value(cell) for cell in row)


class _OpenpyxlBook(Book):
    def __init__(self, book: Any) -> None:
        self.book, self.merges = book, {}
        self.worksheets = [_OpenpyxlSheet(ws) for ws in book.worksheets]

    def custom_properties(self, name: str) -> list[Any]:
        try:
            return [p.value for p in self.book.custom_doc_props.props if p.name == name]
        except AttributeError:
            return []

    def close(self) -> None:
        self.book.close()


# ------------------------------------------------------------------------------- calamine
#: Custom number formats both libraries are known to read alike (dates as dates, the rest as
#: numbers); a test writes a cell in each and compares. Any other custom format of the workbook,
#: unless it holds no letter or bracket either library reads as a date (``0.00``, ``#,##0``), sends
#: the workbook to openpyxl.
SAME_DATE_FORMATS: Final = frozenset({
    "General", "@", "yyyy-mm-dd", "yyyy-mm-dd h:mm:ss", "yyyy/m/d", "yyyy/mm/dd", "yyyy-m-d", "yyyy.m.d", "yyyy.mm.dd",
    "yyyy/m/d;@", "yyyy-mm-dd;@", "m/d/yy", "mm-dd-yy", "d-mmm-yy", "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd hh:mm",
    "yyyy/m/d h:mm", "yyyy/m/d h:mm;@", 'yyyy"年"m"月"d"日"', 'yyyy"年"m"月"d"日";@', 'yyyy"年"m"月"', 'm"月"d"日"',
    'yyyy"年"mm"月"dd"日"', "[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy", "[$-804]yyyy\"年\"m\"月\"d\"日\"",
    "[DBNum1][$-804]yyyy\"年\"m\"月\"d\"日\"", "h:mm", "h:mm:ss", "hh:mm", "hh:mm:ss",
})
#: Builtin number formats the two read differently: the East Asian dates (27–36, 50–58: calamine a
#: date, openpyxl a number) and the duration [h]:mm:ss (46); every other builtin id is read alike
#: (a test styles cells with each of 0–163).
DIFFERENT_BUILTIN_FORMATS: Final = frozenset({46, *range(27, 37), *range(50, 59)})
_PLAIN_FORMAT: Final = re.compile(r"[^dmhysDMHYSaApPeEbBgG/\[\]]*")
_FORMULA: Final = re.compile(rb"<f[\s>/]")
#: A cell type other than text (shared or inline: openpyxl writes inline) or number (b, e, str, d:
#: openpyxl reads them). The
#: attribute after a space; one after a tab or a line break sends the sheet to openpyxl unread
#: (:func:`_odd_types`): a regular expression starting with a class of characters is slow.
_ODD_TYPE: Final = re.compile(rb" t\s*=\s*[\"'](?!(?:s|n|inlineStr)[\"'])")
_ODD_VALUE: Final = re.compile(rb"<v>(?!\d{1,7}(?:\.\d{1,20})?</v>)|<v[\s/]")
_LAST_ROW: Final = re.compile(rb"<row\b[^>]*?\sr\s*=\s*[\"'](\d+)[\"']")
_PREFIXED: Final = re.compile(rb"<[A-Za-z_][\w.-]*:(?:worksheet|sst|workbook)[\s>]")
_EARLIEST: Final = dt.date(1900, 3, 1)  # before it, the 1900 leap-year bug: the libraries differ
_MIDNIGHT: Final = dt.time(0)
_PLAIN: Final = frozenset({str, float})
_PLAIN_AND_DAYS: Final = frozenset({str, float, dt.date})
_combine: Final = dt.datetime.combine
#: Past Excel's last day (9999-12-31) a date-formatted number is openpyxl's ``#VALUE!`` and
#: calamine's number: such numbers (seven digits, the most a value calamine reads may have) decline.
_LAST_SERIAL: Final = 2958466
_CONTENT_TYPES: Final = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_WORKBOOK_TYPES: Final = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                          "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
                          "application/vnd.ms-excel.template.macroEnabled.main+xml")
_WORKSHEET: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_CHARTSHEET: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet"


#: The largest sheet part whose XML is checked here (held whole while it is searched); a 60,000-row
#: ledger sheet is some 20 MiB. A larger one (within docs/limits.md's bounds) is read by openpyxl.
MAX_SHEET_XML: Final = 64 * 1024 * 1024


class _Declined(Exception):
    """Something in the workbook calamine may read otherwise than openpyxl: openpyxl reads it."""


def open_calamine(data: bytes, max_rows: int) -> Book | None:
    """The workbook read by calamine, or None when openpyxl must read it (see the module). The
    package has been measured (:func:`liaison_xlsx.package.measure`) before."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            sheets = _check_package(package, max_rows)
            properties = _custom_properties(package)
        return _calamine_book(data, sheets, properties)
    except Exception:  # declined, or a damaged part either library may fail on: openpyxl's answer is the reader's
        return None
    except BaseException as exc:  # a Rust panic inside calamine (pyo3's PanicException): openpyxl decides
        if type(exc).__name__ == "PanicException":
            return None
        raise


def _check_package(package: zipfile.ZipFile, max_rows: int) -> dict[str, list[tuple[int, int, int, int]]]:
    """The worksheets' titles, in order, with their merged ranges, once nothing in the package needs
    openpyxl (the sheet parts are read once for both)."""
    where = layout(package)
    types = ElementTree.fromstring(package.read("[Content_Types].xml"))
    books = [o.get("PartName", "").lstrip("/") for o in types.iter(f"{_CONTENT_TYPES}Override")
             if o.get("ContentType") in _WORKBOOK_TYPES]
    if where.book != "xl/workbook.xml" or books != [where.book]:
        raise _Declined  # openpyxl finds the workbook by its content type, calamine by the relationship
    workbook = package.read(where.book)
    if _PREFIXED.search(workbook[:4096]) or b"date1904" in workbook:
        raise _Declined
    titles: dict[str, list[tuple[int, int, int, int]]] = {}
    for name, part, kind in where.sheets:
        if kind == _CHARTSHEET:
            continue
        if kind != _WORKSHEET:
            raise _Declined
        if package.getinfo(part).file_size > MAX_SHEET_XML:
            raise _Declined  # openpyxl streams it; the checks here hold a sheet's XML whole
        xml = package.read(part)
        if (_PREFIXED.search(xml[:4096]) or _FORMULA.search(xml) or _odd_types(xml) or _ODD_VALUE.search(xml)
                or (b"inlineStr" in xml and _odd_text(xml))):
            raise _Declined
        last = _last_row(xml)
        if last >= 0:
            row = _LAST_ROW.match(xml, last)
            if row is None or int(row[1]) > max_rows:
                raise _Declined  # openpyxl counts a row without values; the reader says the sheet is too long
        if name in titles:
            raise _Declined
        titles[name] = _ranges(xml)
    names = set(package.namelist())
    strings = [n for n in names if n.lower().endswith("sharedstrings.xml")]
    if strings:
        if strings != ["xl/sharedStrings.xml"]:
            raise _Declined
        sst = package.read("xl/sharedStrings.xml")
        if _PREFIXED.search(sst[:4096]) or _odd_text(sst):
            raise _Declined
    if "xl/styles.xml" in names:
        _check_formats(package.read("xl/styles.xml"))
    return titles


def _last_row(xml: bytes) -> int:
    """Where the last ``<row`` element starts (not ``<rowBreaks``, which may follow the cells), or -1."""
    end = len(xml)
    while (at := xml.rfind(b"<row", 0, end)) >= 0:
        if xml[at + 4:at + 5] in (b" ", b">", b"/", b"\t", b"\r", b"\n"):
            return at
        end = at
    return -1


def _odd_text(xml: bytes) -> bool:
    """Text the two libraries may read otherwise: escapes (``_x000D_``, openpyxl drops ``x005F_`` from
    shared strings), phonetic runs."""
    return b"_x" in xml or b"x005F" in xml or b"rPh" in xml


def _odd_types(xml: bytes) -> bool:
    return bool(_ODD_TYPE.search(xml)) or _space_before_t(xml)


def _space_before_t(xml: bytes) -> bool:
    """A tab or a line break before a ``t`` (a type attribute the pattern above does not see). The
    writers put none, or a line break after the XML declaration: the few there are are found with
    ``memchr`` (``bytes.find`` of one byte), where searching for each two-byte pair took 7 ms on a
    10,000-row sheet; past a few dozen (an indented part) one search of the rest decides."""
    for space in (b"\t", b"\n", b"\r"):
        at = xml.find(space)
        for _ in range(64):
            if at < 0:
                break
            if xml[at + 1:at + 2] == b"t":
                return True
            at = xml.find(space, at + 1)
        else:
            if at >= 0 and space + b"t" in xml[at:]:
                return True
    return False


def _check_formats(styles: bytes) -> None:
    """Every number format a cell uses is one both libraries read alike (see :data:`SAME_DATE_FORMATS`)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE
    from openpyxl.styles.stylesheet import Stylesheet

    tree: Any = ElementTree.fromstring(styles)  # openpyxl's stubs want lxml's element; it takes this one
    sheet = Stylesheet.from_tree(tree)
    custom = {n.numFmtId: n.formatCode for n in sheet.numFmts.numFmt}
    if any(number < BUILTIN_FORMATS_MAX_SIZE for number in custom):
        raise _Declined  # a builtin format redefined: which wins differs
    if sheet.cell_styles and sheet.cell_styles[0].numFmtId != 0:
        raise _Declined  # calamine formats no cell without a style, openpyxl those with the default one
    for style in sheet.cell_styles:
        code = custom.get(style.numFmtId)
        if (style.numFmtId >= BUILTIN_FORMATS_MAX_SIZE and code is None) or style.numFmtId in DIFFERENT_BUILTIN_FORMATS:
            raise _Declined
        if code is not None and code not in SAME_DATE_FORMATS and not _PLAIN_FORMAT.fullmatch(code):
            raise _Declined


def _custom_properties(package: zipfile.ZipFile) -> list[tuple[str, Any]]:
    """The custom document properties, parsed as openpyxl parses them."""
    if "docProps/custom.xml" not in package.namelist():
        return []
    from openpyxl.packaging.custom import CustomPropertyList

    tree: Any = ElementTree.fromstring(package.read("docProps/custom.xml"))
    found: Any = CustomPropertyList.from_tree(tree)
    return [(prop.name, prop.value) for prop in found.props]


def _calamine_book(data: bytes, titles: dict[str, list[tuple[int, int, int, int]]],
                   properties: list[tuple[str, Any]]) -> Book:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        worksheets = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if worksheets != list(titles):
            raise _Declined
        sheets: list[Sheet] = [_CalamineSheet(title, [_calamine_row(row) for row in
                                          book.get_sheet_by_name(title).to_python(skip_empty_area=False)])
                  for title in titles]
    finally:
        book.close()
    return _CalamineBook(sheets, titles, properties)


def _calamine_row(values: list[Any]) -> tuple[Any, ...]:
    """A row of calamine's values as openpyxl gave them: an empty cell None, a date a date-time
    (openpyxl gives a whole day as midnight); anything the two may give differently declines."""
    out: list[Any]
    kinds = set(map(type, values))
    if kinds <= _PLAIN:  # most rows: text and numbers only
        if float in kinds:
            numbers = [value for value in values if type(value) is float]
            if max(numbers) >= _LAST_SERIAL or min(numbers) <= -_LAST_SERIAL:
                raise _Declined
        out = [None if value == "" else value for value in values]
        while out and out[-1] is None:
            out.pop()
        return tuple(out)
    if kinds <= _PLAIN_AND_DAYS:  # a ledger's rows: text, numbers and days (the rest one by one below)
        if float in kinds:
            numbers = [value for value in values if type(value) is float]
            if max(numbers) >= _LAST_SERIAL or min(numbers) <= -_LAST_SERIAL:
                raise _Declined
        if min(value for value in values if type(value) is dt.date) < _EARLIEST:
            raise _Declined
        out = [None if value == "" else _combine(value, _MIDNIGHT) if type(value) is dt.date else value
               for value in values]
        while out and out[-1] is None:
            out.pop()
        return tuple(out)
    out = []
    for value in values:
        kind = type(value)
        if kind is str:
            out.append(value or None)  # calamine's empty cell; an empty text reads as blank alike
        elif kind is float or kind is int:
            if not -_LAST_SERIAL < value < _LAST_SERIAL:
                raise _Declined
            out.append(value)
        elif kind is dt.date:
            if value < _EARLIEST:
                raise _Declined
            out.append(dt.datetime(value.year, value.month, value.day))
        elif kind is dt.datetime:
            if value.date() < _EARLIEST:
                raise _Declined
            out.append(value)
        elif kind is dt.time and value != _MIDNIGHT:  # midnight: also what a day rounded up gives
            out.append(value)
        else:
            raise _Declined  # booleans, durations: openpyxl reads them
    while out and out[-1] is None:
        out.pop()
    return tuple(out)


class _CalamineSheet(Sheet):
    def __init__(self, title: str, rows: list[tuple[Any, ...]]) -> None:
        self.title, self._rows = title, rows

    def rows(self, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
        yield from self._rows if max_row is None else self._rows[:max_row]


class _CalamineBook(Book):
    def __init__(self, sheets: list[Sheet], merges: dict[str, list[tuple[int, int, int, int]]],
                 properties: list[tuple[str, Any]]) -> None:
        self.worksheets, self.merges, self._properties = sheets, merges, properties

    def custom_properties(self, name: str) -> list[Any]:
        return [value for key, value in self._properties if key == name]
