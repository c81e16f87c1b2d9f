"""Real-client test of the hand-made sample letters: LibreOffice (headless) lays them out and we
measure the PDF — the 22 × 28 grid on full pages, the 文件格式 and 信函格式 first pages, the 版记.
The exporter's own letters are checked page by page in test_layout.py.

Needs ``soffice`` and poppler's ``pdftotext``/``pdftoppm`` (.ci/run installs them); skipped only when
``soffice`` is absent.  Fonts: the package's fonts.conf (named explicitly here) maps the GB/T 9704
font names to the free CJK fonts Debian ships (every CJK face is one em wide, so the grid is
font-independent).
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import attrs
import pytest
from docx_samples import annual_notice, grid_letter, invitation
from pdf_pages import MM, TYPE_AREA, Line, pages, rasters

from liaison_docx import Paragraph, render
from liaison_docx.pdf import to_pdf

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

HERE = Path(__file__).parent
HANGING = "，。、；：！？）》”’"


def chars_in_type_area(line: Line) -> int:
    """Characters inside the type area: a mark hanging past the right edge is not counted."""
    n = len(line.text)
    if line.text and line.text[-1] in HANGING and line.x1 > TYPE_AREA[1] + 0.5:
        n -= 1
    return n


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("lo")
    full_second_page = attrs.evolve(annual_notice(), body=(Paragraph("各单位要高度重视，认真落实。"),) * 24)
    letters = {"notice": annual_notice(), "invitation": invitation(), "blank_page": full_second_page,
               "grid_document": grid_letter("document"), "grid_letter": grid_letter("letter")}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FONTCONFIG_FILE", str(HERE.parent / "src" / "liaison_docx" / "fonts.conf"))
        converted = to_pdf([(render(letter), letter.date) for letter in letters.values()])  # one LibreOffice run
    for name, data in zip(letters, converted, strict=True):
        (out / f"{name}.pdf").write_bytes(data)
    return {name: out / f"{name}.pdf" for name in letters}


def body_lines(page: list[Line]) -> list[Line]:
    return [line for line in page if line.y0 < TYPE_AREA[3]]


def footer_lines(page: list[Line]) -> list[Line]:
    return [line for line in page if line.y0 >= TYPE_AREA[3]]


def red_rows(pdf: Path, page: int) -> list[tuple[float, float, float]]:
    """(y, x_first, x_last) in mm of every pixel row of the page holding a long run of red pixels."""
    dpi = 100
    width, height, pixels = rasters(pdf, dpi, page)[0]
    px_mm = dpi / 25.4
    rows = []
    for y in range(height):
        row = pixels[y * width * 3: (y + 1) * width * 3]
        reds = [x for x in range(0, width, 2)
                if row[3 * x] > 180 and row[3 * x + 1] < 90 and row[3 * x + 2] < 90]
        if len(reds) > width // 4:
            rows.append((y / px_mm, reds[0] / px_mm, reds[-1] / px_mm))
    return rows


def test_a4(pdfs: dict[str, Path]) -> None:
    for pdf in pdfs.values():
        assert pdf.exists(), pdf
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        size = next(line for line in info.splitlines() if line.startswith("Page size:"))
        w, h = (float(v) for v in size.split(":")[1].split("pts")[0].split(" x "))
        assert abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5, size


@pytest.mark.parametrize("name", ["grid_document", "grid_letter"])
def test_full_page_has_22_lines_of_28_characters(pdfs: dict[str, Path], name: str) -> None:
    all_pages = [p.lines for p in pages(pdfs[name])]
    assert len(all_pages) >= 3
    for page in all_pages[1:3]:  # pages 2 and 3 hold only body text
        lines = body_lines(page)
        assert len(lines) in (21, 22), lines  # 21 where widow control carries a line over
        pitch = (lines[-1].y0 - lines[0].y0) / (len(lines) - 1)
        assert abs(pitch - 28.95 / MM) < 0.05  # 28.95 pt
        assert lines[0].y0 >= TYPE_AREA[2] and lines[-1].y1 <= TYPE_AREA[3]
        counts = Counter(chars_in_type_area(line) for line in lines)
        assert max(counts) == 28, counts
        assert counts[28] >= 12, counts  # every full line; the rest are first and last lines of paragraphs
        full = [line for line in lines if chars_in_type_area(line) == 28]
        for line in full:
            assert abs(line.x0 - 28.0) <= 1.0, line  # left text edge 28 ± 1 mm
            assert line.x1 <= TYPE_AREA[1] + 0.5, line
        assert min(line.x0 for line in lines) == pytest.approx(28.0, abs=1.0)


def test_page_numbers_odd_right_even_left(pdfs: dict[str, Path]) -> None:
    for name in ("grid_document", "grid_letter", "notice"):
        for number, page in enumerate([p.lines for p in pages(pdfs[name])], 1):
            feet = footer_lines(page)
            if name == "grid_letter" and number == 1:
                assert feet == []  # 信函格式: no number on the first page
                continue
            assert len(feet) == 1, feet
            foot = feet[0]
            assert foot.text.replace(" ", "") == f"—{number}—"
            assert abs(foot.y0 - (TYPE_AREA[3] + 7)) <= 1.5, foot  # 7 mm below the type area
            if number % 2:
                assert abs(foot.x1 - (TYPE_AREA[1] - 14 / MM)) <= 1.0, foot  # one 4号 character in
            else:
                assert abs(foot.x0 - (TYPE_AREA[0] + 14 / MM)) <= 1.0, foot


def test_document_format_first_page(pdfs: dict[str, Path]) -> None:
    first = next(p.lines for p in pages(pdfs["notice"]))
    mark, number = first[0], first[1]
    assert mark.text == "某某区人民政府办公室文件"
    assert abs(mark.y0 - (TYPE_AREA[2] + 35)) <= 2.0  # 35 mm below the top of the type area
    assert number.text.replace(" ", "") == "区府办〔2027〕12号"
    centre = (TYPE_AREA[0] + TYPE_AREA[1]) / 2
    assert abs((mark.x0 + mark.x1) / 2 - centre) <= 2 and abs((number.x0 + number.x1) / 2 - centre) <= 2
    rules = [row for row in red_rows(pdfs["notice"], 1) if row[0] > number.y1]
    assert rules, "no red rule below the document number"
    y, x0, x1 = rules[0]
    assert 2.5 <= y - number.y1 <= 6.0  # 4 mm below the number
    assert abs(x0 - TYPE_AREA[0]) <= 1.0 and abs(x1 - TYPE_AREA[1]) <= 1.0  # as wide as the type area


def test_letter_format_first_page(pdfs: dict[str, Path]) -> None:
    first = next(p.lines for p in pages(pdfs["invitation"]))
    mark = first[0]
    assert mark.text == "某某区人民政府办公室"
    assert abs(mark.y0 - 30) <= 2.0  # 30 mm from the top of the page
    rows = [row for row in red_rows(pdfs["invitation"], 1) if row[0] > mark.y1]
    assert rows, "no red double rule"
    bands: list[list[tuple[float, float, float]]] = []
    for row in rows:
        if bands and row[0] - bands[-1][-1][0] < 0.4:
            bands[-1].append(row)
        else:
            bands.append([row])
    assert len(bands) >= 2
    thick, thin = bands[0], bands[1]
    assert len(thick) > len(thin)  # thick over thin
    assert thin[0][0] - thick[-1][0] < 2.0
    assert abs((thick[0][2] - thick[0][1]) - 170) <= 2.0  # 170 mm long
    number = next(line for line in first if "〔" in line.text)
    assert abs(number.x1 - TYPE_AREA[1]) <= 1.0  # flush right


def test_record_and_date(pdfs: dict[str, Path]) -> None:
    all_pages = [p.lines for p in pages(pdfs["notice"])]
    assert len(all_pages) % 2 == 0  # the 版记 is on an even page
    on = [page for page in all_pages if "2027年1月5日" in [line.text.replace(" ", "") for line in page]]
    assert len(on) == 1
    date = next(line for line in on[0] if line.text.replace(" ", "") == "2027年1月5日")
    last = all_pages[-1]
    texts = [line.text.replace(" ", "") for line in last]
    assert abs((TYPE_AREA[1] - date.x1) - 4 * 15.75 / MM) <= 1.5  # four characters from the right
    assert any(t.startswith("抄送：") for t in texts)
    assert any(t.endswith("2027年1月6日印发") for t in texts)


def test_a_blank_page_before_an_even_page_for_the_record(pdfs: dict[str, Path]) -> None:
    """The signature ends page 2 with no room left: page 3 stays blank and unnumbered (LibreOffice's
    page before an evenPage section, kept in the PDF), the 版记 sits at the foot of page 4."""
    all_pages = pages(pdfs["blank_page"])
    assert len(all_pages) == 4
    assert all_pages[2].lines == []
    assert any(line.text.replace(" ", "") == "2027年1月5日" for line in all_pages[1].lines)
    record = [line for line in all_pages[3].text_lines if line.text.replace(" ", "").endswith("印发")]
    assert record and record[0].y1 >= TYPE_AREA[3] - 8
    assert [line.text.replace(" ", "") for line in all_pages[3].footer] == ["—4—"]
