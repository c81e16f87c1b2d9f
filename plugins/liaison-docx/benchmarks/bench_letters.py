"""Render annual-notice-like letters with liaison_docx.render and the same content with docxtpl.

    python plugins/liaison-docx/benchmarks/bench_letters.py [-n 1000]

Both run in the same process on the same letters (a notice of about two pages with a six-row table).
The docxtpl template is built here with python-docx's default template, the way a docxtpl user starts;
docxtpl is loaded once per letter (its render mutates the template).  Prints ms/letter for each and
the ratio.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor
from docxtpl import DocxTemplate

from liaison_docx import Heading, Letter, Paragraph, Table, format_date, heading_number, render

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from docx_samples import annual_notice


def docxtpl_template() -> bytes:
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    def para(text: str, align: WD_ALIGN_PARAGRAPH | None = None, size: float = 16,
             red: bool = False) -> None:
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        run = p.add_run(text)
        run.font.size = Pt(size)
        if red:
            run.font.color.rgb = RGBColor(0xFF, 0, 0)

    para("{{ mark }}", WD_ALIGN_PARAGRAPH.CENTER, 36, red=True)
    para("{{ doc_number }}", WD_ALIGN_PARAGRAPH.CENTER)
    para("{{ title }}", WD_ALIGN_PARAGRAPH.CENTER, 22)
    para("{{ recipients }}")
    para("{%p for text in before %}")
    para("{{ text }}")
    para("{%p endfor %}")
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for c in range(4):
        table.cell(0, c).text = f"{{{{ header[{c}] }}}}"
        table.cell(2, c).text = f"{{{{ row[{c}] }}}}"
    table.cell(1, 0).text = "{%tr for row in rows %}"
    table.cell(3, 0).text = "{%tr endfor %}"
    para("{%p for text in after %}")
    para("{{ text }}")
    para("{%p endfor %}")
    para("{{ signature }}", WD_ALIGN_PARAGRAPH.RIGHT)
    para("{{ date }}", WD_ALIGN_PARAGRAPH.RIGHT)
    para("抄送：{{ cc }}。", size=14)
    para("{{ printer }}\t{{ print_date }}印发", size=14)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def context(letter: Letter) -> dict[str, Any]:
    before: list[str] = []
    after: list[str] = []
    table: Table | None = None
    counters = [0, 0, 0, 0]
    for block in letter.body:
        if isinstance(block, Table):
            table = block
            continue
        if isinstance(block, Heading):
            counters[block.level - 1] += 1
            counters[block.level:] = [0] * (4 - block.level)
            text = heading_number(block.level, counters[block.level - 1]) + block.text
        else:
            assert isinstance(block, Paragraph)
            text = block.text
        (after if table else before).append(text)
    assert table is not None
    return {"mark": letter.issuing_authority_mark, "doc_number": letter.doc_number, "title": letter.title,
            "recipients": letter.recipients, "before": before, "after": after, "header": table.header,
            "rows": table.rows, "signature": letter.signature, "date": format_date(letter.date),
            "cc": "，".join(letter.cc), "printer": letter.printer,
            "print_date": format_date(letter.print_date or letter.date)}


def bench_render(letters: list[Letter]) -> list[float]:
    times = []
    for letter in letters:
        t = time.perf_counter()
        render(letter)
        times.append(time.perf_counter() - t)
    return times


def bench_docxtpl(letters: list[Letter], template: bytes) -> list[float]:
    times = []
    for letter in letters:
        t = time.perf_counter()
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.render(context(letter), autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
        times.append(time.perf_counter() - t)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="letters per renderer (default 1000)")
    args = parser.parse_args()
    letters = [annual_notice(year=2027 + i % 3, serial=i + 1) for i in range(args.n)]
    template = docxtpl_template()
    sample = render(letters[0])
    docx.Document(io.BytesIO(sample))  # both outputs open in python-docx
    bench_render(letters[:20])  # warm-up: template cache, imports
    bench_docxtpl(letters[:5], template)
    ours = bench_render(letters)
    theirs = bench_docxtpl(letters, template)
    ms_ours, ms_theirs = 1000 * sum(ours) / len(ours), 1000 * sum(theirs) / len(theirs)
    print(f"letters: {args.n} each (annual notice with a 6-row table, {len(sample):,} bytes per .docx)")
    print(f"liaison_docx.render: {ms_ours:7.3f} ms/letter  (median {1000 * statistics.median(ours):.3f})")
    print(f"docxtpl            : {ms_theirs:7.3f} ms/letter  (median {1000 * statistics.median(theirs):.3f})")
    print(f"ratio docxtpl / render: {ms_theirs / ms_ours:.1f}x")


if __name__ == "__main__":
    main()
