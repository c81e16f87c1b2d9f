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
import unicodedata
from collections.abc import Iterable
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

FONT = "宋体"  # WPS's and Chinese Excel's default face; LibreOffice falls back to any CJK font
DATE_FORMAT = "yyyy-mm-dd"
A4 = 9  # xlsxwriter's paper code


class Book:
    """An xlsxwriter workbook writing into memory, with cached formats."""

    def __init__(self, properties: dict[str, Any], custom: dict[str, str] | None = None) -> None:
        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buffer, {
            "in_memory": True,  # fixed zip timestamps
            "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
        })
        self.wb.set_properties(properties)
        for name, value in (custom or {}).items():
            self.wb.set_custom_property(name, value)
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}

    def format(self, **spec: Any) -> Any:
        key = tuple(sorted(spec.items()))
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self.wb.add_format({"font_name": FONT, "font_size": 11, **spec})
        return found

    def close(self) -> bytes:
        self.wb.close()
        return self.buffer.getvalue()


def properties(title: str, subject: str, author: str, created: dt.datetime, keywords: str, comments: str) -> dict[
        str, Any]:
    return {"title": title, "subject": subject, "author": author, "company": author, "keywords": keywords,
            "comments": comments, "created": created}


def display_width(text: str) -> int:
    """Columns a text takes on screen: CJK (wide and full-width) characters count two."""
    widest = 0
    for line in text.split("\n"):
        widest = max(widest, sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line))
    return widest


def column_width(texts: Iterable[str], *, least: int = 6, most: int = 50) -> float:
    """A column width (in Excel's character units) fitting the longest text, within bounds; a little
    padding, since Excel measures in the digits of the default font and CJK glyphs run wider."""
    widest = max((display_width(t) for t in texts), default=0)
    return float(min(most, max(least, widest + 2)))


LINE_HEIGHT = 15.0  # points per line of 11 pt 宋体, as Excel and WPS lay it out


def lines_in(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide."""
    usable = max(1.0, width - 1.5)
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in text.split("\n")) if text else 1


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
