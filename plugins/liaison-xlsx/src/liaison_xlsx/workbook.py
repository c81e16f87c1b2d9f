"""What both workbooks share: a deterministic xlsxwriter workbook, formats, and widths for CJK text.

Determinism: xlsxwriter's ``in_memory`` mode stamps every part of the zip with 1980-01-01 (on disk it
would use the file times), and ``set_properties(created=…)`` fixes docProps/core.xml's created and
modified dates (otherwise the clock). Nothing else in the package depends on time, so the same
inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_range, xl_rowcol_to_cell_fast  # type: ignore[import-untyped]
from xlsxwriter.worksheet import ColumnInfo, RowInfo, Worksheet  # type: ignore[import-untyped]

FONT = "宋体"  # WPS's and Chinese Excel's default face; LibreOffice falls back to any CJK font
DATE_FORMAT = "yyyy-mm-dd"
A4 = 9  # xlsxwriter's paper code


#: A cell of :meth:`Sheet.write_cells`: its column, its value (a text, a date or ``None`` for a blank
#: cell) and its format.
Cell = tuple[int, "str | dt.datetime | None", Any]
_CODES = 1  # control characters, never in a row's XML: a sheet's formats stand for their style numbers


_FORMULAS: dict[tuple[str, bool, bool], str] = {}
#: What xlsxwriter's attribute escaping replaces, and what its control-character escaping changes
#: (``_x…_`` sequences, control characters, U+FFFE and U+FFFF): a text without them is written as it is.
_ATTRIBUTE_ESCAPES = re.compile('["&<>\n]')
_CONTROL_ESCAPES = re.compile("_x[0-9a-fA-F]{4}_|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
#: A worksheet's lists that only xlsxwriter's public calls add to or replace (the others, such as
#: ``selections`` or the ``external_*_links``, it fills while writing the package): these a finished
#: sheet may hold as tuples (:meth:`Sheet.settle`).
_SETTLED = ("buttons_list", "charts", "comments_list", "filter_range", "footer_images", "hbreaks",
            "header_images", "merge", "panes", "pivot_tables", "protected_ranges", "shapes", "sparklines", "tables",
            "validations", "vbreaks")  # pivot_tables: from xlsxwriter 3.3.4 (an older release has none)


#: The external links of the xlsxwriter releases this code was read against (3.3.1 to 3.3.4): the
#: features that fill them are checked in :meth:`Sheet.settle`.
_EXTERNAL_KNOWN = frozenset({"external_hyper_links", "external_drawing_links", "external_vml_links",
                             "external_background_links", "external_table_links", "external_comment_links",
                             "external_pivot_table_links"})


class Sheet(Worksheet):  # type: ignore[misc]
    """An xlsxwriter worksheet whose data rows are kept as their finished XML, one string a row.

    xlsxwriter keeps each cell as a named tuple holding its format, in a dictionary per row, and each
    row's height in two more objects: some 30 objects a row that the cyclic garbage collector walks on
    every full pass until the workbook is closed — at 3,300 pairings most of the 安排表's and 台账's
    time beyond the work itself. A string is not tracked by the collector.  The bytes are
    xlsxwriter's: the same shared-string order (each text indexed when it is written, as
    ``write_string`` does), the same ``<c>`` and ``<row>`` elements (``<row>`` by xlsxwriter's own
    writer), and the same style numbers: xlsxwriter numbers a format when the sheet's XML first uses
    it, so a row holds a placeholder character per format, and each format is numbered when the
    row that first uses it in this sheet is written, in the order xlsxwriter would have numbered
    it (rows in order, cells left to right).  Rows are written top to bottom, each whole in one call;
    the other rows (titles, headers, merged cells) go through xlsxwriter as before."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[int, str] = {}      # row → its cells' XML, formats as placeholder characters
        self._bounds: dict[int, int] = {}    # row → first column << 16 | last column, for the spans
        self._heights: dict[int, int] = {}   # row → its height in pixels, as set_row would keep it
        self._codes: dict[Any, str] = {}     # format → its placeholder in this sheet
        # the row each format of _codes is first used in, in _codes' order (ints: no list per row)
        self._firsts: list[int] | tuple[int, ...] = []
        self._styles: list[tuple[str, str]] = []  # placeholder, style number: filled as the rows are written
        self._last_row = -1
        #: the workbook's column settings, one object per distinct setting (see :meth:`set_column`)
        self._columns: dict[tuple[Any, ...], Any] = {}

    def set_column(self, first_col: int, last_col: int, width: float | None = None,
                   cell_format: Any = None, options: dict[str, Any] | None = None) -> int:
        # xlsxwriter makes a ColumnInfo per column and sheet (a dozen a sheet, 1,400 department sheets
        # at 3,300 pairings), each tracked by the collector until the workbook is closed; columns of
        # the same setting share one here (xlsxwriter only reads them, but autofit, which copies)
        found = super().set_column(first_col, last_col, width, cell_format, options)
        for col in range(first_col, last_col + 1):
            info = self.col_info.get(col)
            if info is None:
                continue
            key = (info.width, id(info.column_format), info.hidden, info.level, info.collapsed, info.autofit)
            shared = self._columns.get(key)
            if shared is None or shared.column_format is not info.column_format:
                self._columns[key] = info
            else:
                self.col_info[col] = shared
        return int(found)

    def autofit(self, max_width: int | None = None) -> None:
        # autofit changes a column's setting in place: never a shared one
        for col, info in list(self.col_info.items()):
            self.col_info[col] = ColumnInfo(**vars(info))
        super().autofit(max_width)

    def settle(self) -> None:
        """The sheet is written (the workbook moved on to the next, or is closing): the empty lists
        xlsxwriter made for features this sheet does not use (charts, tables, comments …) become
        empty tuples, which the collector does not track — 1,400 sheets at 3,300 pairings hold
        ~20,000 of them until the workbook is closed, part of what starts the full collections a
        smaller district never does. Nothing is written to a sheet once settled (a list added to
        later would fail loudly: a tuple has no ``append``)."""
        for name in _SETTLED:
            value = getattr(self, name, None)
            if type(value) is list:  # a list of ints, or (merge) of lists of ints: all read as sequences
                setattr(self, name, tuple(tuple(v) if type(v) is list else v for v in value))
        # the lists xlsxwriter fills while writing the package, each only for a feature the sheet
        # uses; the external links it adds together (``a + b + …``), so all are lists or all tuples —
        # and only where every such list is one this code knows: a release that adds another
        # (3.3.4 added ``external_pivot_table_links``) keeps them all lists, as xlsxwriter made them
        drawn = bool(self.charts or self.images or self.shapes)
        headed = bool(self.header_images or self.footer_images)
        external = tuple(sorted(n for n in vars(self) if n.startswith("external_") and n.endswith("_links")))
        unused = {
            ("selections",): not self.panes,  # a frozen or split pane's selection
            ("data_bars_2010",): not self.cond_formats,
            ("drawing_links",): not drawn,
            ("header_images_list", "vml_drawing_links"): not headed,
            external: set(external) <= _EXTERNAL_KNOWN and not (
                self.hyperlinks or drawn or headed or self.comments or self.buttons_list
                or self.background_image or self.tables or getattr(self, "pivot_tables", None)),
        }
        for names, empty in unused.items():
            if empty and all(getattr(self, name) == [] for name in names):
                for name in names:
                    setattr(self, name, ())
        self._firsts = tuple(self._firsts)  # of ints: the collector stops tracking it
        # xlsxwriter only reads these two while writing the package (the rows and columns it holds):
        # empty, a plain dictionary, which the collector does not track, does as well as a defaultdict
        for name in ("comments", "hyperlinks"):
            if not getattr(self, name):
                setattr(self, name, {})
        self.workbook_add_format = None  # a bound method per sheet, for a checkbox's format only

    def write_cells(self, row: int, cells: Iterable[Cell], height: float | None = None) -> None:
        """Row ``row``'s cells, left to right, as ``set_row(row, height)`` and then
        ``write_string``/``write_datetime``/``write_blank`` would store them."""
        if row <= self._last_row:
            raise ValueError(f"row {row} written out of order")
        self._last_row = row
        # set_row's own check first, as the writers called it before the cells: on a sheet with
        # nothing written yet it takes column A into the sheet's dimensions
        if self._check_dimensions(row, self.dim_colmin if self.dim_colmin is not None else 0):
            raise ValueError(f"row {row}: outside the sheet")
        parts: list[str] = []
        first = last = -1
        for col, value, cell_format in cells:
            if col <= last or cell_format is None:
                raise ValueError(f"row {row}: cells left to right, each with a format")
            if self._check_dimensions(row, col):
                raise ValueError(f"row {row}, column {col}: outside the sheet")
            if first < 0:
                first = col
            last = col
            code = self._codes.get(cell_format)
            if code is None:
                if len(self._codes) == 31:  # \x01–\x1f; a sheet of the workbooks here has at most eight
                    raise ValueError("more than 31 cell formats in one sheet")
                code = self._codes[cell_format] = chr(_CODES + len(self._codes))
                self._firsts.append(row)  # type: ignore[union-attr]
            ref = xl_rowcol_to_cell_fast(row, col)
            if value is None:
                parts.append(f'<c r="{ref}" s="{code}"/>')
            elif isinstance(value, str):
                if len(value) > self.xls_strmax // 2 and _utf16_len(value) > self.xls_strmax:
                    value = _utf16_truncate(value, self.xls_strmax)
                index = self.str_table._get_shared_string_index(value)
                parts.append(f'<c r="{ref}" s="{code}" t="s"><v>{index}</v></c>')
            else:
                parts.append(f'<c r="{ref}" s="{code}"><v>{self._convert_date_time(value):.16G}</v></c>')
        if first < 0:  # nothing to write but the height
            self.set_row(row, height)
            return
        self._rows[row] = "".join(parts)
        self._bounds[row] = first << 16 | last
        # set_row(row, height): points to pixels as xlsxwriter rounds them, the default when None
        self._heights[row] = self.default_row_height if height is None else int(height * 4.0 / 3.0 + 0.5)

    def write_columns(self, columns: Iterable[Iterable[str]]) -> None:
        """Texts without a format, column after column from row 0 and column A, as ``write_string``
        called column by column would store them: the shared strings indexed in that order, each
        row then kept as its XML (rows written once: nothing else on the sheet)."""
        if self._rows:
            raise ValueError("columns written after rows")
        index = self.str_table._get_shared_string_index
        rows: dict[int, list[str]] = {}
        for col, texts in enumerate(columns):
            for row, text in enumerate(texts):
                if self._check_dimensions(row, col):
                    raise ValueError(f"row {row}, column {col}: outside the sheet")
                if len(text) > self.xls_strmax // 2 and _utf16_len(text) > self.xls_strmax:
                    text = _utf16_truncate(text, self.xls_strmax)
                cells = rows.setdefault(row, [])
                if not cells:
                    self._bounds[row] = col << 16 | col
                else:
                    self._bounds[row] = self._bounds[row] & ~0xFFFF | col
                cells.append(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" t="s"><v>{index(text)}</v></c>')
        for row in sorted(rows):
            self._rows[row] = "".join(rows[row])
            self._heights[row] = self.default_row_height
        self._last_row = max(rows, default=-1)

    def merge_cells(self, row: int, first_col: int, last_col: int, text: str, cell_format: Any,
                    height: float | None = None, before: Iterable[Cell] = ()) -> None:
        """``merge_range`` over one row, then ``set_row(row, height)``; ``before``: the row's cells
        left of the merged ones, written first (as ``write_string`` calls before the merge would)."""
        merged = xl_range(row, first_col, row, last_col)
        for col in range(first_col, last_col + 1):
            if (row, col) in self.merged_cells:
                raise ValueError(f"row {row}, column {col}: merged twice")
            self.merged_cells[(row, col)] = merged
        self.merge.append([row, first_col, row, last_col])
        self.write_cells(row, [*before, (first_col, text, cell_format),
                               *((col, None, cell_format) for col in range(first_col + 1, last_col + 1))], height)

    def _escape_attributes(self, attribute: Any) -> Any:
        # xlsxwriter's, without its TypeError: most attributes written are numbers (a column's width,
        # a validation's flags), which it hands to a regular expression to have it raise
        if not isinstance(attribute, str) or not _ATTRIBUTE_ESCAPES.search(attribute):
            return attribute
        return (attribute.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\n", "&#xA;"))

    @staticmethod
    def _escape_control_characters(data: Any) -> Any:
        # xlsxwriter's, which runs two substitutions (and two replacements) over every text element it
        # writes: one search first, as nearly every text (a validation's formula) has nothing to escape
        if isinstance(data, str) and not _CONTROL_ESCAPES.search(data):
            return data
        return Worksheet._escape_control_characters(data)

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        # xlsxwriter runs some 130 regular expressions over a data validation's formula (=lst_…);
        # the 台账's few formulas recur in every sheet and every workbook: each is prepared once
        key = (formula, expand_future_functions, self.use_future_functions)
        found = _FORMULAS.get(key)
        if found is None:
            if len(_FORMULAS) >= 1024:
                _FORMULAS.clear()
            found = _FORMULAS[key] = super()._prepare_formula(formula, expand_future_functions)
        return found

    def _calculate_spans(self) -> None:
        # xlsxwriter's spans (the columns used in each block of 16 rows), counting the rows kept here
        super()._calculate_spans()
        if not self._bounds:
            return
        blocks: dict[int, tuple[int, int]] = {}
        for row, bounds in self._bounds.items():
            block = row // 16
            low, high = bounds >> 16, bounds & 0xFFFF
            if block in blocks:
                low, high = min(low, blocks[block][0]), max(high, blocks[block][1])
            blocks[block] = (low, high)
        for block, (low, high) in blocks.items():
            had = self.row_spans.get(block)
            if had is not None:
                a, b = (int(n) - 1 for n in had.split(":"))
                low, high = min(low, a), max(high, b)
            self.row_spans[block] = f"{low + 1}:{high + 1}"

    def _write_rows(self) -> None:
        if not self._rows:
            super()._write_rows()
            return
        self._calculate_spans()
        formats = iter(self._codes.items())  # numbered in the order the rows first use them
        numbered = 0
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            kept = self._rows.get(row_num)
            if kept is None:
                self._write_other_row(row_num)
                continue
            if self.table.get(row_num) or row_num in self.row_info or row_num in self.comments:
                raise ValueError(f"row {row_num} written both ways")
            while numbered < len(self._firsts) and self._firsts[numbered] == row_num:
                cell_format, code = next(formats)
                self._styles.append((code, str(cell_format._get_xf_index())))
                numbered += 1
            for code, style in self._styles:  # an ASCII row: replace is a scan in C, translate was not
                kept = kept.replace(code, style)
            self._write_row(row_num, self.row_spans.get(row_num // 16), RowInfo(height=self._heights[row_num]))
            self.fh.write(kept)
            self._xml_end_tag("row")

    def _write_other_row(self, row_num: int) -> None:
        # xlsxwriter's _write_rows for one row
        if not (row_num in self.row_info or row_num in self.comments or self.table[row_num]):
            return
        span = self.row_spans.get(row_num // 16)
        if self.table[row_num]:
            self._write_row(row_num, span, self.row_info.get(row_num))
            for col_num in range(self.dim_colmin, self.dim_colmax + 1):
                if col_num in self.table[row_num]:
                    self._write_cell(row_num, col_num, self.table[row_num][col_num])
            self._xml_end_tag("row")
        else:
            self._write_empty_row(row_num, span, self.row_info.get(row_num))


class _Workbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """xlsxwriter's workbook, the names in use kept in a set: xlsxwriter checks a new sheet's name
    against every sheet's, lowercasing both — with a sheet per department, 1,400 sheets at 3,300
    pairings, two million comparisons. Its other checks of a name are its own, as before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._in_use: set[str] = set()
        super().__init__(*args, **kwargs)

    def _check_sheetname(self, sheetname: str | None, is_chartsheet: bool = False) -> str:
        from xlsxwriter.exceptions import DuplicateWorksheetName  # type: ignore[import-untyped]

        if sheetname and sheetname.lower() in self._in_use:
            raise DuplicateWorksheetName(f"Sheetname '{sheetname}', with case ignored, is already in use.")
        sheets: list[Any] = self.worksheets()  # the list itself
        self.worksheets_objs = []  # nothing for its loop to compare
        try:
            name: str = super()._check_sheetname(sheetname, is_chartsheet)
        finally:
            self.worksheets_objs = sheets
        if name.lower() in self._in_use:  # a default name (Sheet3) taken by hand before
            raise DuplicateWorksheetName(f"Sheetname '{name}', with case ignored, is already in use.")
        self._in_use.add(name.lower())
        return name


class Book:
    """An xlsxwriter workbook writing into memory, with cached formats."""

    def __init__(self, properties: dict[str, Any], custom: dict[str, str] | None = None) -> None:
        self.buffer = io.BytesIO()
        self.wb = _Workbook(self.buffer, {
            "in_memory": True,  # fixed zip timestamps
            "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
        })
        self.wb.set_properties(properties)
        for name, value in (custom or {}).items():
            self.wb.set_custom_property(name, value)
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}
        self._columns: dict[tuple[Any, ...], Any] = {}  # shared by the sheets (Sheet.set_column)
        self._current: Sheet | None = None  # the sheet being written

    def sheet(self, name: str) -> Sheet:
        """A new worksheet whose data rows are written with :meth:`Sheet.write_cells`."""
        if self._current is not None:
            self._current.settle()
        ws: Sheet = self.wb.add_worksheet(name, worksheet_class=Sheet)
        ws._columns = self._columns
        self._current = ws
        return ws

    def format(self, **spec: Any) -> Any:
        key = tuple(sorted(spec.items()))
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self.wb.add_format({"font_name": FONT, "font_size": 11, **spec})
        return found

    def close(self) -> bytes:
        if self._current is not None:
            self._current.settle()
            self._current = None
        self.wb.close()
        # each worksheet holds the workbook's add_format: a cycle the collector alone would free, on
        # its next full pass, with every row of the workbook; freed now by reference counting
        for ws in self.wb.worksheets_objs:
            ws.workbook_add_format = None
        self.wb.worksheets_objs.clear()
        _WIDTHS.clear()
        return self.buffer.getvalue()


def properties(title: str, subject: str, author: str, created: dt.datetime, keywords: str, comments: str) -> dict[
        str, Any]:
    return {"title": title, "subject": subject, "author": author, "company": author, "keywords": keywords,
            "comments": comments, "created": created}


def display_width(text: str) -> int:
    """Columns a text takes on screen: CJK (wide and full-width) characters count two."""
    if "\n" not in text:
        return _line_width(text)
    return max(_line_width(line) for line in text.split("\n"))


#: Lines measured, and their widths: the same names, kinds and titles fill every sheet of a workbook,
#: so each is measured once per workbook (:meth:`Book.close` empties it; strings and ints, which
#: the collector does not track). A bounded cache would keep a small district's lines from one run
#: to the next and not a large one's, and so measure more of the large one's work.
_WIDTHS: dict[str, int] = {}


def _line_width(line: str) -> int:
    found = _WIDTHS.get(line)
    if found is None:
        if line.isascii():  # dates, times, ids: a column per character
            found = len(line)
        else:
            width = unicodedata.east_asian_width
            found = len(line) + sum(1 for ch in line if width(ch) in "WF")
        if len(_WIDTHS) >= 1_000_000:
            _WIDTHS.clear()
        _WIDTHS[line] = found
    return found


def column_width(texts: Iterable[str], *, least: int = 6, most: int = 50) -> float:
    """A column width (in Excel's character units) fitting the longest text, within bounds; a little
    padding, since Excel measures in the digits of the default font and CJK glyphs run wider."""
    widest = max(map(display_width, texts), default=0)
    return float(min(most, max(least, widest + 2)))


LINE_HEIGHT = 15.0  # points per line of 11 pt 宋体, as Excel and WPS lay it out


def lines_in(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide."""
    if not text:
        return 1
    usable = max(1.0, width - 1.5)
    if "\n" not in text:  # most cells: one line, measured once per workbook (_WIDTHS)
        found = _WIDTHS.get(text)
        return max(1, math.ceil((_line_width(text) if found is None else found) / usable))
    return sum(max(1, math.ceil(_line_width(line) / usable)) for line in text.split("\n"))


def row_height(lines: int) -> float | None:
    """An explicit height for a row of wrapped text: clients do not all grow rows they load (LibreOffice
    keeps the default height of a row written without one). None: the default height will do."""
    return None if lines <= 1 else round(LINE_HEIGHT * lines + 2, 1)


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 UTF-16 units (Excel counts a character beyond the
    Basic Multilingual Plane, 𠀀, as two), none of []:*?/\\, no apostrophe at either end — also
    where the cut leaves one."""
    cleaned = _cut("".join("_" if ch in "[]:*?/\\" else ch for ch in name), 31).strip("'") or "表"
    candidate, n = cleaned, 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f"({n})"
        candidate = _cut(cleaned, 31 - len(suffix)).lstrip("'") + suffix
    taken.add(candidate.casefold())
    return candidate


def _cut(text: str, units: int) -> str:
    """The longest start of ``text`` of at most ``units`` UTF-16 code units."""
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > units:
            return text[:i]
    return text


def excel_date(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)
