"""Render letters with liaison_docx.render, and the same letters with docxtpl and with python-docx.

    python plugins/liaison-docx/benchmarks/bench_letters.py [--letters seed|notices] [-n 200]
        [--rounds 7] [--clock wall|cpu] [--warm | --cold-letters]

Which letters (``--letters``):

* ``seed`` (the default): the 55 letters of the seed district's 2027 export (14 notices, each with
  its table, and 41 invitations with their 回执 attachment), as ``liaison export docx`` writes them
  for the plan without records.  Every letter differs from every other in its texts (recipients,
  numbers, department names); letters to several invitees of one meeting share its title, as in an
  export.
* ``notices``: ``-n`` annual notices of about two pages with a six-row table, each of its own year
  (title, number, dates and body text differ from letter to letter; the table's rows are the same).

The rounds are fair to the anchors, which cannot memoise: each round renders its letters as one
export does, with one new :class:`liaison_docx.Measures` (the title breaks, the widths and line
counts of text) for all of them, and after :func:`liaison_docx.clear_memos` (the fonts' template,
the section properties), so a round pays what a ``liaison export`` (a fresh process) pays; only what
recurs within the round's own letters is reused.  ``--cold-letters`` gives every letter memos of its
own and clears the others before it (each letter as if rendered by a process of its own: harsher
than any export).  ``--warm`` keeps one :class:`~liaison_docx.Measures` and the other memos between
rounds (the earlier measurement: then ``notices`` renders only three distinct texts,
``year=2027+i%3``, and after the warm-up every measure of text is a hit) and labels the output as
warm.

All contenders run in the same process on the same letters, interleaved round by round (each round
renders every letter with every contender in turn, starting one further along each round;
``benchmarks/timing.py``); the medians over the rounds are printed, in ms a letter, with each
anchor's ratio to ours.  ``--clock cpu`` times the process's CPU time instead of the wall clock (the
fairer clock on a machine shared with other jobs: every contender computes in one thread).

* ``docxtpl (lean)``: docxtpl with a lean template holding the same styles as our letters — the
  template is one of our own .docx files with its body replaced by the placeholders, so it carries
  exactly our styles.xml, fonts and page setup (a few KB), not python-docx's default template.
* ``python-docx``: python-docx building the same letter, paragraph by paragraph and each table row
  by row, on the same lean base document, saved to memory.
* ``docxtpl (default)``: the earlier anchor, docxtpl with a template made from python-docx's
  default template (about 790 KB of styles parsed and deflated again per letter), the way a docxtpl
  user starts; kept for comparison with the figures before.

The anchors write the same texts (mark, number, title, recipients, body with numbered headings and
tables, the 附件说明, signature, date, each attachment's label, name and blocks, 抄送 and 印发) but
lay nothing out: no title breaking, no pagination, no column widths.  docxtpl is loaded once per
letter (its render mutates the template).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docxtpl import DocxTemplate

from liaison_docx import (
    Block,
    Heading,
    Letter,
    Measures,
    Paragraph,
    Table,
    clear_memos,
    format_date,
    heading_number,
    render,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from docx_samples import annual_notice
from timing import interleave, report


def seed_letters() -> list[Letter]:
    """The letters of the seed district's 2027 export (the plan without records)."""
    from liaison.formats.district import seed_district
    from liaison.host.exporting import ExportRequest
    from liaison.law.workdays import ChineseCalendar
    from liaison.year.planner import plan_year

    from liaison_docx.plugin import drafts

    seed = seed_district()
    request = ExportRequest(district=seed, plan=plan_year(seed, 2027, calendar=ChineseCalendar()), options={})
    return [draft.letter for draft in drafts(request)]


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


def add_paragraph(doc: Any, text: str, align: WD_ALIGN_PARAGRAPH | None = None, size: float = 16,
                  red: bool = False) -> None:
    """One paragraph of one run, as both python-docx-built contenders (the template and the letter) write it."""
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.font.size = Pt(size)
    if red:
        run.font.color.rgb = RGBColor(0xFF, 0, 0)


def _items(content: Sequence[Block]) -> list[dict[str, Any]]:
    """Blocks as the anchors write them: a paragraph's or numbered heading's text, or a table."""
    items: list[dict[str, Any]] = []
    counters = [0, 0, 0, 0]
    for block in content:
        if isinstance(block, Table):
            items.append({"table": True, "header": list(block.header), "rows": [list(r) for r in block.rows]})
            continue
        if isinstance(block, Heading):
            counters[block.level - 1] += 1
            counters[block.level:] = [0] * (4 - block.level)
            text = block.text
            if block.numbered:
                text = heading_number(block.level, counters[block.level - 1]) + text
        else:
            assert isinstance(block, Paragraph)
            text = block.text
        items.append({"table": False, "text": text})
    return items


def context(letter: Letter) -> dict[str, Any]:
    """Every text of the letter, for the docxtpl template and the python-docx builder."""
    body = _items(letter.body)
    names = [a.name for a in letter.attachments]
    for n, name in enumerate(names):
        number = f"{n + 1}." if len(names) > 1 else ""
        body.append({"table": False, "text": ("附件：" if n == 0 else "") + number + name})
    appendix: list[dict[str, Any]] = []
    for n, attachment in enumerate(letter.attachments, 1):
        if attachment.body:
            appendix += [{"table": False, "text": f"附件{n}" if len(names) > 1 else "附件"},
                         {"table": False, "text": attachment.name}, *_items(attachment.body)]
    printing = (letter.printer is not None or letter.print_date is not None)
    return {"mark": letter.issuing_authority_mark, "doc_number": letter.doc_number or "",
            "title": letter.title.replace("\n", ""), "recipients": letter.recipients, "body": body,
            "signature": letter.signature, "date": format_date(letter.date), "appendix": appendix,
            "cc": "，".join(letter.cc),
            "printing": f"{letter.printer or ''}\t{format_date(letter.print_date)}印发"
            if letter.print_date is not None else (letter.printer or "") if printing else ""}


def _template_blocks(doc: Any, items: str, table_style: str | None) -> None:
    """A docxtpl loop over ``items``: a paragraph of the item's text, or a table whose header and
    rows (and the cells in them) are loops."""
    add_paragraph(doc, f"{{%p for b in {items} %}}")
    add_paragraph(doc, "{%p if b.table %}")
    table = doc.add_table(rows=4, cols=3)
    if table_style is not None:
        table.style = table_style
    for r, (loop, value) in enumerate((("h in b.header", "h"), ("", ""), ("c in row", "c"), ("", ""))):
        if loop:
            table.cell(r, 0).text = f"{{%tc for {loop} %}}"
            table.cell(r, 1).text = f"{{{{ {value} }}}}"
            table.cell(r, 2).text = "{%tc endfor %}"
    table.cell(1, 0).text = "{%tr for row in b.rows %}"
    table.cell(3, 0).text = "{%tr endfor %}"
    add_paragraph(doc, "{%p else %}")
    add_paragraph(doc, "{{ b.text }}")
    add_paragraph(doc, "{%p endif %}")
    add_paragraph(doc, "{%p endfor %}")


def docxtpl_template(base: bytes | None = None) -> bytes:
    """The letter's placeholders on ``base`` (a lean document of our styles), or on python-docx's
    default template with the GB/T 9704 page set."""
    doc = docx.Document(io.BytesIO(base)) if base is not None else docx.Document()
    if base is None:
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    style = None if base is not None else "Table Grid"
    add_paragraph(doc, "{{ mark }}", WD_ALIGN_PARAGRAPH.CENTER, 36, red=True)
    add_paragraph(doc, "{{ doc_number }}", WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(doc, "{{ title }}", WD_ALIGN_PARAGRAPH.CENTER, 22)
    add_paragraph(doc, "{{ recipients }}")
    _template_blocks(doc, "body", style)
    add_paragraph(doc, "{{ signature }}", WD_ALIGN_PARAGRAPH.RIGHT)
    add_paragraph(doc, "{{ date }}", WD_ALIGN_PARAGRAPH.RIGHT)
    _template_blocks(doc, "appendix", style)
    add_paragraph(doc, "{%p if cc %}")
    add_paragraph(doc, "抄送：{{ cc }}。", size=14)
    add_paragraph(doc, "{%p endif %}")
    add_paragraph(doc, "{%p if printing %}")
    add_paragraph(doc, "{{ printing }}", size=14)
    add_paragraph(doc, "{%p endif %}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _build_blocks(doc: Any, items: list[dict[str, Any]]) -> None:
    for item in items:
        if not item["table"]:
            add_paragraph(doc, item["text"])
            continue
        rows = [item["header"], *item["rows"]]
        table = doc.add_table(rows=len(rows), cols=len(item["header"]))
        for r, row in enumerate(rows):
            cells = table.rows[r].cells
            for c, value in enumerate(row):
                cells[c].text = value


def python_docx_letter(letter: Letter, base: bytes) -> bytes:
    """The same letter built with python-docx on the lean base: the same paragraphs and runs as the
    docxtpl template, each table row by row."""
    doc = docx.Document(io.BytesIO(base))
    values = context(letter)
    add_paragraph(doc, values["mark"], WD_ALIGN_PARAGRAPH.CENTER, 36, red=True)
    add_paragraph(doc, values["doc_number"], WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(doc, values["title"], WD_ALIGN_PARAGRAPH.CENTER, 22)
    add_paragraph(doc, values["recipients"])
    _build_blocks(doc, values["body"])
    add_paragraph(doc, values["signature"], WD_ALIGN_PARAGRAPH.RIGHT)
    add_paragraph(doc, values["date"], WD_ALIGN_PARAGRAPH.RIGHT)
    _build_blocks(doc, values["appendix"])
    if values["cc"]:
        add_paragraph(doc, f"抄送：{values['cc']}。", size=14)
    if values["printing"]:
        add_paragraph(doc, values["printing"], size=14)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def docxtpl_letter(letter: Letter, template: bytes) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render(context(letter), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _texts(made: bytes) -> str:
    """The text of a .docx's paragraphs and table cells, for checking that the anchors wrote the letter."""
    doc = docx.Document(io.BytesIO(made))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "".join([p.text for p in doc.paragraphs] + cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", choices=("seed", "notices"), default="seed",
                        help="the seed's 55 letters of 2027 (default) or -n annual notices, each of its own year")
    parser.add_argument("-n", type=int, default=200, help="notices per contender and round (default 200)")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall time (default) or the process's CPU time")
    caches = parser.add_mutually_exclusive_group()
    caches.add_argument("--warm", action="store_true",
                        help="keep our memo caches between rounds (the earlier, warm measurement)")
    caches.add_argument("--cold-letters", action="store_true",
                        help="clear our memo caches before every letter, not every round")
    args = parser.parse_args()
    if args.letters == "seed":
        letters = seed_letters()
        what = "the seed's 2027 export: " + ", ".join(
            f"{sum(1 for x in letters if x.kind == kind)} {kind}s" for kind in ("document", "letter"))
    elif args.warm:
        letters = [annual_notice(year=2027 + i % 3, serial=i + 1) for i in range(args.n)]
        what = "annual notices with a 6-row table, 3 distinct texts"
    else:
        letters = [annual_notice(year=1900 + i % 1000, serial=i + 1) for i in range(args.n)]
        what = "annual notices with a 6-row table, each of its own year"
    sample = render(letters[0])
    base = lean_base(sample)
    lean, default = docxtpl_template(base), docxtpl_template()
    for letter in {letters[0], letters[-1]}:  # every output opens in python-docx and holds the letter's body
        ours, *anchors = (render(letter), docxtpl_letter(letter, lean), python_docx_letter(letter, base))
        for made in anchors:
            assert context(letter)["recipients"] in _texts(made) and context(letter)["signature"] in _texts(made)
            body = [i["text"] if not i["table"] else "".join(i["header"]) for i in context(letter)["body"]]
            assert all(text.replace("\n", "").replace("\t", "") in _texts(made).replace("\n", "").replace("\t", "")
                       for text in body[:3])
        docx.Document(io.BytesIO(ours))

    kept = Measures()  # --warm: one export's memos for every round

    def ours() -> list[bytes]:
        if args.cold_letters:
            return [(clear_memos(), render(letter))[1] for letter in letters]  # memos of its own each
        if args.warm:
            return [render(letter, measures=kept) for letter in letters]
        clear_memos()  # a fresh process's memos: empty at the start of every round
        measures = Measures()  # and, as an export builds, one for the round's letters
        return [render(letter, measures=measures) for letter in letters]

    contenders = {
        "liaison_docx.render": ours,
        "docxtpl (lean)": lambda: [docxtpl_letter(letter, lean) for letter in letters],
        "python-docx": lambda: [python_docx_letter(letter, base) for letter in letters],
        "docxtpl (default)": lambda: [docxtpl_letter(letter, default) for letter in letters],
    }
    size = sum(len(render(letter)) for letter in letters) // len(letters)
    print(f"letters: {len(letters)} a round ({what}; {size:,} bytes per .docx on average); "
          f"templates: lean {len(lean):,} bytes, default {len(default):,} bytes")
    print("ours: WARM, memo caches kept between rounds (not what an export pays)" if args.warm
          else "ours: memo caches cleared before every letter (each letter a process of its own)"
          if args.cold_letters
          else "ours: memos cleared and one new Measures at the start of every round (an export in a fresh process)")
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    times = interleave(contenders, args.rounds, clock=clock)
    report(times, "liaison_docx.render", per=len(letters),
           per_label=f"a letter, {'CPU' if args.clock == 'cpu' else 'wall'} time")


if __name__ == "__main__":
    main()
