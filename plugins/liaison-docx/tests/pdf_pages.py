"""Reading LibreOffice's PDFs of the letters back as pages of text lines with their geometry (poppler's
``pdftotext -bbox-layout``), and the GB/T 9704 numbers the layout tests measure against.  A helpers
module: imported by the test modules, never a test module itself."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

from lxml import etree

MM = 72 / 25.4  # PDF points per millimetre
XHTML = "{http://www.w3.org/1999/xhtml}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TYPE_AREA = (28.0, 184.0, 37.0, 262.0)  # left, right, top, bottom in mm
PITCH_MM = 28.95 / MM  # one grid line
GLYPH_DROP = 0.29 * PITCH_MM  # a 3号 line's glyph box starts this far below the top of its line
BODY_BOX = 20.8 / MM  # height of a 3号 line's glyph box (poppler: ascent + descent of 16 pt)


class Line:
    def __init__(self, el: etree._Element) -> None:
        self.x0, self.y0 = float(el.get("xMin") or 0) / MM, float(el.get("yMin") or 0) / MM
        self.x1, self.y1 = float(el.get("xMax") or 0) / MM, float(el.get("yMax") or 0) / MM
        self.text = "".join(w.text or "" for w in el.iter(f"{XHTML}word"))

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def is_body(self) -> bool:
        """A line of 3号 text (not the title, a table, the 版记 or a page number)."""
        return abs(self.height - BODY_BOX) < 0.35 and self.y0 < TYPE_AREA[3]

    def __repr__(self) -> str:
        return f"Line({self.x0:.1f}-{self.x1:.1f} mm, {self.y0:.1f}-{self.y1:.1f} mm, {self.text!r})"


class Page:
    def __init__(self, el: etree._Element) -> None:
        self.width = float(el.get("width") or 0) / MM
        self.height = float(el.get("height") or 0) / MM
        self.lines = [Line(line) for line in el.iter(f"{XHTML}line")]

    @property
    def text_lines(self) -> list[Line]:
        """Lines inside the type area (the page number is below it)."""
        return [line for line in self.lines if line.y0 < TYPE_AREA[3]]

    @property
    def footer(self) -> list[Line]:
        return [line for line in self.lines if line.y0 >= TYPE_AREA[3]]


def pages(pdf: Path) -> list[Page]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True, huge_tree=True))
    return [Page(page) for page in root.iter(f"{XHTML}page")]


def pdf_text(pdf: Path) -> str:
    """The PDF's text in content order (``pdftotext -raw``: a table row by row, as written)."""
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout


def docx_text(data: bytes) -> str:
    """Every character of a .docx's text in document order: the first-page header (the letter
    format's mark), then the body; page-number fields are left out."""
    package = zipfile.ZipFile(io.BytesIO(data))
    parts = [n for n in ("word/header1.xml", "word/document.xml") if n in package.namelist()]
    texts = []
    for part in parts:
        root = etree.fromstring(package.read(part))
        texts.append("".join(t.text or "" for t in root.iter(f"{W}t")))
    return "".join(texts).replace("\u2060", "")  # word joiners have no glyph


def missing_in_order(expected: str, found: str) -> str | None:
    """The first character of ``expected`` (white space aside) that ``found`` lacks in order, with
    what precedes it, or None when every character is there in order."""
    haystack = re.sub(r"\s", "", found)
    pos = 0
    wanted = re.sub(r"\s", "", expected)
    for i, c in enumerate(wanted):
        pos = haystack.find(c, pos)
        if pos < 0:
            return f"{c!r} after {wanted[max(0, i - 20):i]!r}"
        pos += 1
    return None


def nominal_cells(text: str) -> float:
    """GB/T's count: a CJK character or full-width mark one cell, an ASCII character half of one."""
    return sum(0.5 if ord(c) < 0x2E80 and c not in "—“”‘’…" else 1.0 for c in text if c != " ")


def rasters(pdf: bytes | Path, dpi: int, page: int | None = None) -> list[tuple[int, int, bytes]]:
    """Pages as (width, height, RGB bytes) from ``pdftoppm`` (all pages, or the one numbered)."""
    pick = ["-f", str(page), "-l", str(page)] if page is not None else []
    if isinstance(pdf, Path):
        ppm = subprocess.run(["pdftoppm", "-r", str(dpi), *pick, str(pdf)], capture_output=True, check=True).stdout
    else:
        ppm = subprocess.run(["pdftoppm", "-r", str(dpi), *pick, "-"], input=pdf, capture_output=True,
                             check=True).stdout
    found, pos = [], 0
    while pos < len(ppm):
        fields: list[bytes] = []
        while len(fields) < 4:  # P6, width, height, maxval
            while ppm[pos:pos + 1].isspace():
                pos += 1
            start = pos
            while not ppm[pos:pos + 1].isspace():
                pos += 1
            fields.append(ppm[start:pos])
        pos += 1
        width, height = int(fields[1]), int(fields[2])
        found.append((width, height, ppm[pos:pos + width * height * 3]))
        pos += width * height * 3
    return found
