"""Render annual-notice-like letters with liaison_docx.render, and the same content with docxtpl and
with python-docx.

    python plugins/liaison-docx/benchmarks/bench_letters.py [-n 200] [--rounds 7]

All run in the same process on the same letters (a notice of about two pages with a six-row table),
interleaved round by round (each round renders the ``-n`` letters with every contender in turn); the
medians over the rounds are printed, in ms a letter, with each anchor's ratio to ours:

* ``docxtpl (lean)``: docxtpl with a lean template holding the same styles as our letters — the
  template is one of our own .docx files with its body replaced by the placeholders, so it carries
  exactly our styles.xml, fonts and page setup (a few KB), not python-docx's default template.
* ``python-docx``: python-docx building the same letter, paragraph by paragraph and the table row
  by row, on the same lean base document, saved to memory.
* ``docxtpl (default)``: the earlier anchor, docxtpl with a template made from python-docx's
  default template (about 790 KB of styles parsed and deflated again per letter), the way a docxtpl
  user starts; kept for comparison with the figures before.

docxtpl is loaded once per letter (its render mutates the template).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docxtpl import DocxTemplate

from liaison_docx import Heading, Letter, Paragraph, Table, format_date, heading_number, render

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from docx_samples import annual_notice
from timing import interleave, report


def lean_base(sample: bytes) -> bytes:
    """One of our letters with its body emptied (the section's page setup kept): a base document
    with exactly our styles, numbering, fonts and settings."""
    doc = docx.Document(io.BytesIO(sample))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def add_paragraph(doc: Any, text: str, align: WD_ALIGN_PARAGRAPH | None, size: float, red: bool) -> None:
    """One paragraph of one run, as both python-docx-built contenders (the template and the letter) write it."""
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.font.size = Pt(size)
    if red:
        run.font.color.rgb = RGBColor(0xFF, 0, 0)


def docxtpl_template(base: bytes | None = None) -> bytes:
    """The letter's placeholders on ``base`` (a lean document of our styles), or on python-docx's
    default template with the GB/T 9704 page set."""
    doc = docx.Document(io.BytesIO(base)) if base is not None else docx.Document()
    if base is None:
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)

    def para(text: str, align: WD_ALIGN_PARAGRAPH | None = None, size: float = 16, red: bool = False) -> None:
        add_paragraph(doc, text, align, size, red)

    para("{{ mark }}", WD_ALIGN_PARAGRAPH.CENTER, 36, red=True)
    para("{{ doc_number }}", WD_ALIGN_PARAGRAPH.CENTER)
    para("{{ title }}", WD_ALIGN_PARAGRAPH.CENTER, 22)
    para("{{ recipients }}")
    para("{%p for text in before %}")
    para("{{ text }}")
    para("{%p endfor %}")
    table = doc.add_table(rows=4, cols=4)
    if base is None:
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


def python_docx_letter(letter: Letter, base: bytes) -> bytes:
    """The same letter built with python-docx on the lean base: the same paragraphs and runs as the
    docxtpl template, the table row by row."""
    doc = docx.Document(io.BytesIO(base))
    values = context(letter)

    def para(text: str, align: WD_ALIGN_PARAGRAPH | None = None, size: float = 16, red: bool = False) -> None:
        add_paragraph(doc, text, align, size, red)

    para(values["mark"], WD_ALIGN_PARAGRAPH.CENTER, 36, red=True)
    para(values["doc_number"] or "", WD_ALIGN_PARAGRAPH.CENTER)
    para(values["title"], WD_ALIGN_PARAGRAPH.CENTER, 22)
    para(values["recipients"])
    for text in values["before"]:
        para(text)
    rows = [values["header"], *values["rows"]]
    table = doc.add_table(rows=len(rows), cols=len(values["header"]))
    for r, row in enumerate(rows):
        cells = table.rows[r].cells
        for c, value in enumerate(row):
            cells[c].text = str(value)
    for text in values["after"]:
        para(text)
    para(values["signature"], WD_ALIGN_PARAGRAPH.RIGHT)
    para(values["date"], WD_ALIGN_PARAGRAPH.RIGHT)
    para(f"抄送：{values['cc']}。", size=14)
    para(f"{values['printer']}\t{values['print_date']}印发", size=14)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def docxtpl_letter(letter: Letter, template: bytes) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render(context(letter), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="letters per contender and round (default 200)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    args = parser.parse_args()
    letters = [annual_notice(year=2027 + i % 3, serial=i + 1) for i in range(args.n)]
    sample = render(letters[0])
    base = lean_base(sample)
    lean, default = docxtpl_template(base), docxtpl_template()
    for made in (sample, docxtpl_letter(letters[0], lean), python_docx_letter(letters[0], base)):
        docx.Document(io.BytesIO(made))  # every output opens in python-docx
    contenders = {
        "liaison_docx.render": lambda: [render(letter) for letter in letters],
        "docxtpl (lean)": lambda: [docxtpl_letter(letter, lean) for letter in letters],
        "python-docx": lambda: [python_docx_letter(letter, base) for letter in letters],
        "docxtpl (default)": lambda: [docxtpl_letter(letter, default) for letter in letters],
    }
    print(f"letters: {args.n} a round (annual notice with a 6-row table, {len(sample):,} bytes per .docx); "
          f"templates: lean {len(lean):,} bytes, default {len(default):,} bytes")
    times = interleave(contenders, args.rounds)
    report(times, "liaison_docx.render", per=args.n, per_label="a letter")


if __name__ == "__main__":
    main()
