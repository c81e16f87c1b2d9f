"""Real-client test: LibreOffice (headless) lays the letters out and we measure the PDF.

Needs ``soffice`` and poppler's ``pdfinfo``/``pdftotext``/``pdftoppm`` (see ../ci-deps.sh); skipped
only when ``soffice`` is absent.  Fonts: tests/fonts.conf maps the GB/T 9704 font names to the free
CJK fonts Debian ships (every CJK face is one em wide, so the grid is font-independent).  Besides the
hand-made samples, one letter of each kind the ``docx`` exporter makes for the seed district's 2027 plan
(通知, 邀请函, 征求意见函, 反馈函) is converted and checked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from liaison.exporting import ExportRequest
from liaison.loader import seed_district
from lxml import etree

from liaison_docx import render
from liaison_docx.plugin import drafts, export

from .docx_samples import annual_notice, grid_letter, invitation
from .docx_seed import make_plan, make_records

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

HERE = Path(__file__).parent
MM = 72 / 25.4  # PDF points per millimetre
XHTML = "{http://www.w3.org/1999/xhtml}"
HANGING = "，。、；：！？）》”’"
TYPE_AREA = (28.0, 184.0, 37.0, 262.0)  # left, right, top, bottom in mm


class Line:
    def __init__(self, el: etree._Element) -> None:
        self.x0, self.y0 = float(el.get("xMin") or 0) / MM, float(el.get("yMin") or 0) / MM
        self.x1, self.y1 = float(el.get("xMax") or 0) / MM, float(el.get("yMax") or 0) / MM
        self.text = "".join(w.text or "" for w in el.iter(f"{XHTML}word"))

    def chars_in_type_area(self) -> int:
        """Characters inside the type area: a punctuation mark hanging past the right edge (LibreOffice
        ignores w:overflowPunct="0") is not counted."""
        n = len(self.text)
        if self.text and self.text[-1] in HANGING and self.x1 > TYPE_AREA[1] + 0.5:
            n -= 1
        return n

    def __repr__(self) -> str:
        return f"Line({self.x0:.1f}-{self.x1:.1f} mm, {self.y0:.1f}-{self.y1:.1f} mm, {self.text!r})"


#: One letter of each kind from the docx exporter for the seed district's 2027 plan: the notice with the
#: longest table, the §3.1 work-meeting invitation, a §1.1 consultation and the §1.3 feedback letter.
EXPORTED = {"export_notice": "2027/通知/01-dev-reform.docx",
            "export_invitation": "2027/邀请函/2027-06-15-work_meeting-district-gov-rcck.docx",
            "export_consultation": "2027/征求意见函/2027-11-02-gwbg-2028-icf.docx",
            "export_feedback": "2027/反馈函/2027-05-06-yshj-2027.docx"}


def exported() -> tuple[dict[str, bytes], dict[str, str]]:
    """The exporter's bytes and the letters' titles for the four picked artifacts."""
    seed = seed_district()
    request = ExportRequest(seed, make_plan(seed), {}, make_records(seed))
    by_path = {a.path: a.data for a in export(request)}
    titles = {}
    for d in drafts(request):
        for name, path in EXPORTED.items():
            if path.endswith(f"/{d.name}.docx") and path.startswith(f"{d.year}/{d.folder}/"):
                titles[name] = d.letter.title.replace("\n", "")
    return {name: by_path[path] for name, path in EXPORTED.items()}, titles


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("lo")
    letters = {"notice": annual_notice(), "invitation": invitation(),
               "grid_document": grid_letter("document"), "grid_letter": grid_letter("letter")}
    for name, letter in letters.items():
        (out / f"{name}.docx").write_bytes(render(letter))
    data, _ = exported()
    for name, content in data.items():
        (out / f"{name}.docx").write_bytes(content)
    letters_and_exported = [*letters, *data]
    env = dict(os.environ, FONTCONFIG_FILE=str(HERE / "fonts.conf"), HOME=str(out))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{out}/profile", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), *(str(out / f"{n}.docx") for n in letters_and_exported)],
        check=True, capture_output=True, env=env, timeout=300)
    return {name: out / f"{name}.pdf" for name in letters_and_exported}


def pages(pdf: Path) -> list[list[Line]]:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True))
    return [[Line(el) for el in page.iter(f"{XHTML}line")] for page in root.iter(f"{XHTML}page")]


def body_lines(page: list[Line]) -> list[Line]:
    return [line for line in page if line.y0 < TYPE_AREA[3]]


def footer_lines(page: list[Line]) -> list[Line]:
    return [line for line in page if line.y0 >= TYPE_AREA[3]]


def red_rows(pdf: Path, page: int) -> list[tuple[float, float, float]]:
    """(y, x_first, x_last) in mm of every pixel row of the page holding a long run of red pixels."""
    dpi = 100
    ppm = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True).stdout
    header: list[bytes] = []
    pos = 0
    while len(header) < 4:  # P6, width, height, maxval
        while ppm[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not ppm[pos:pos + 1].isspace():
            pos += 1
        header.append(ppm[start:pos])
    pos += 1
    width, height = int(header[1]), int(header[2])
    px_mm = dpi / 25.4
    rows = []
    for y in range(height):
        row = ppm[pos + y * width * 3: pos + (y + 1) * width * 3]
        reds = [x for x in range(0, width, 2)
                if row[3 * x] > 180 and row[3 * x + 1] < 90 and row[3 * x + 2] < 90]
        if len(reds) > width // 4:
            rows.append((y / px_mm, reds[0] / px_mm, reds[-1] / px_mm))
    return rows


def test_a4(pdfs: dict[str, Path]) -> None:
    assert set(EXPORTED) <= set(pdfs)  # every kind of letter the exporter makes converts
    for pdf in pdfs.values():
        assert pdf.exists(), pdf
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        size = next(line for line in info.splitlines() if line.startswith("Page size:"))
        w, h = (float(v) for v in size.split(":")[1].split("pts")[0].split(" x "))
        assert abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5, size


@pytest.mark.parametrize("name", ["grid_document", "grid_letter"])
def test_full_page_has_22_lines_of_28_characters(pdfs: dict[str, Path], name: str) -> None:
    all_pages = pages(pdfs[name])
    assert len(all_pages) >= 3
    for page in all_pages[1:3]:  # pages 2 and 3 hold only body text
        lines = body_lines(page)
        assert len(lines) == 22, lines
        pitch = (lines[-1].y0 - lines[0].y0) / 21
        assert abs(pitch - 28.95 / MM) < 0.05  # 28.95 pt
        assert lines[0].y0 >= TYPE_AREA[2] and lines[-1].y1 <= TYPE_AREA[3]
        counts = Counter(line.chars_in_type_area() for line in lines)
        assert max(counts) == 28, counts
        assert counts[28] >= 12, counts  # every full line; the rest are first and last lines of paragraphs
        full = [line for line in lines if line.chars_in_type_area() == 28]
        for line in full:
            assert abs(line.x0 - 28.0) <= 1.0, line  # left text edge 28 ± 1 mm
            assert line.x1 <= TYPE_AREA[1] + 0.5, line
        assert min(line.x0 for line in lines) == pytest.approx(28.0, abs=1.0)


def test_page_numbers_odd_right_even_left(pdfs: dict[str, Path]) -> None:
    for name in ("grid_document", "grid_letter", "notice", "export_notice"):
        for number, page in enumerate(pages(pdfs[name]), 1):
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
    first = pages(pdfs["notice"])[0]
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
    first = pages(pdfs["invitation"])[0]
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
    last = pages(pdfs["notice"])[-1]
    texts = [line.text.replace(" ", "") for line in last]
    assert "2027年1月5日" in texts
    date = last[texts.index("2027年1月5日")]
    assert abs((TYPE_AREA[1] - date.x1) - 4 * 15.75 / MM) <= 1.5  # four characters from the right
    assert any(t.startswith("抄送：") for t in texts)
    assert any(t.endswith("2027年1月6日印发") for t in texts)


@pytest.mark.parametrize("name", sorted(EXPORTED))
def test_exported_letters_read_well(pdfs: dict[str, Path], name: str) -> None:
    """The exporter's letters: the title on the first page, every line inside the type area, table
    dates, times and citations unbroken, and the signature page carrying body text too."""
    _, titles = exported()
    all_pages = pages(pdfs[name])
    first = "".join(line.text for line in all_pages[0]).replace(" ", "")
    assert titles[name] in first
    for page in all_pages:
        for line in body_lines(page):
            hanging = 16 / MM + 0.5 if line.text and line.text[-1] in HANGING else 0.5  # LibreOffice hangs it
            assert line.x0 >= TYPE_AREA[0] - 0.5 and line.x1 <= TYPE_AREA[1] + hanging, line
    texts = [line.text.replace(" ", "") for page in all_pages for line in body_lines(page)]
    if name == "export_notice":
        dates = [t for t in texts if t.startswith("2027年") and "月" in t and t[:4] == "2027"]
        assert dates and all(t.endswith("日") or "日" in t for t in dates), dates
        assert not any(t in ("日", "条", "16:30—", "11:00—") for t in texts)
    last = all_pages[-1]
    signature_index = next(i for i, line in enumerate(last) if line.text.replace(" ", "").startswith("2027年")
                           and line.text.replace(" ", "").endswith("日") and line.x1 > 150)
    assert signature_index >= 2, last  # something above the signature and date on their page
