"""The document builder: paragraphs, tables and the 版记 of ``document.xml``, each with its place in
the page flow.

Every top-level paragraph or table the builder writes is recorded in :attr:`Builder.flow` with the
:class:`~liaison_docx.layout.Piece` that describes its height, so :mod:`liaison_docx.composition` can
paginate the letter and then mark page breaks on the very elements.  Data text is set as element
text (escaped by lxml), never evaluated as a template.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy

from lxml import etree

from liaison_docx.geometry import (
    CELL_MARGIN,
    CELLS_PER_LINE,
    CHAR,
    LINE_PITCH,
    MARK_MAX_SIZE,
    RED,
    SMALL_CHAR,
    SMALL_LINE,
    TEXT_WIDTH,
    column_widths,
    count_lines,
)
from liaison_docx.layout import Piece
from liaison_docx.letter_model import Block, Heading, Paragraph, Table, heading_number
from liaison_docx.ooxml import BR, NSMAP, PPR, PSTYLE, SPACE, TAB, VAL, P, T, el, q
from liaison_docx.package import Template

__all__ = ["Builder", "attachment_note", "blocks", "page_break_before", "record_height", "record_rows",
           "record_table"]


class Builder:
    """Writes the elements of one document and records the page flow of the top-level ones."""

    def __init__(self, tpl: Template, root_tag: str = "document") -> None:
        self.tpl = tpl
        self.root = etree.Element(q(root_tag), nsmap=NSMAP)
        self.body = etree.SubElement(self.root, q("body")) if root_tag == "document" else self.root
        self.flow: list[tuple[Piece, etree._Element]] = []

    def para(self, style: str, parent: etree._Element | None = None) -> tuple[etree._Element, etree._Element]:
        p = etree.SubElement(self.body if parent is None else parent, P)
        ppr = etree.SubElement(p, PPR)
        etree.SubElement(ppr, PSTYLE, {VAL: style})
        return p, ppr

    def flowing(self, style: str, piece: Piece) -> tuple[etree._Element, etree._Element]:
        """A top-level paragraph whose height ``piece`` describes (and which keeps with the next one
        when the piece says so, whatever its style)."""
        p, ppr = self.para(style)
        if piece.keep_next:
            etree.SubElement(ppr, q("keepNext"))  # right after pStyle, as the schema orders them
        self.flow.append((piece, p))
        return p, ppr

    def run(self, p: etree._Element, text: str, role: str = "body",
            extra: Sequence[etree._Element] = ()) -> None:
        r = deepcopy(self.tpl.rpr[role])
        p.append(r)
        for e in extra:
            r[0].append(e)
        for n, line in enumerate(text.split("\n")):
            if n:
                etree.SubElement(r, BR)
            for m, seg in enumerate(line.split("\t")):
                if m:
                    etree.SubElement(r, TAB)
                if seg:
                    t = etree.SubElement(r, T)
                    t.text = seg
                    if seg[0] == " " or seg[-1] == " ":
                        t.set(SPACE, "preserve")


def page_break_before(p: etree._Element) -> None:
    """Start the paragraph on a new page: ``w:pageBreakBefore`` after pStyle and keepNext (schema order)."""
    ppr = p[0]
    at = 1 + sum(1 for child in list(ppr)[1:3] if child.tag in (q("keepNext"), q("keepLines")))
    ppr.insert(at, etree.Element(q("pageBreakBefore")))


def spacing(ppr: etree._Element, before: int = 0, line: int = LINE_PITCH) -> None:
    el(ppr, "spacing", before=str(before), after="0", line=str(line), lineRule="exact")


def border(parent: etree._Element, side: str, val: str, sz: int, space: int = 0, color: str = RED) -> None:
    el(parent, side, val=val, sz=str(sz), space=str(space), color=color)


def mark_size(text: str, width: int) -> int:
    """Half-point size of the mark: 小初 (36 pt) or smaller so that it fits on one line."""
    fit = width * 2 // (20 * max(len(text), 1))  # half-points per character
    return max(min(MARK_MAX_SIZE, fit), 2 * 16)


def mark_paragraph(b: Builder, parent: etree._Element | None, text: str, before: int, width: int,
                   ind: int, rule: str | None) -> int:
    """The red issuing-authority mark; returns its line height in twips."""
    size = mark_size(text, width)
    line = size * 10 * 5 // 4
    if parent is None:
        p, ppr = b.flowing("GwMark", Piece(lines=1, pitch=line, before=before, split=False))
    else:
        p, ppr = b.para("GwMark", parent)
    if rule is not None:
        border(el(ppr, "pBdr"), "bottom", rule, 24, space=11)
    spacing(ppr, before=before, line=line)
    if ind:
        el(ppr, "ind", left=str(-ind), right=str(-ind))
    b.run(p, text, "mark", [etree.Element(q("sz"), {VAL: str(size)}), etree.Element(q("szCs"), {VAL: str(size)})])
    return line


def body_lines(text: str, indent: float = 2.0) -> int:
    return count_lines(text, CELLS_PER_LINE, first_indent=indent)


def blocks(b: Builder, content: Sequence[Block]) -> None:
    """Body blocks: paragraphs indented two characters, numbered headings kept with what follows,
    tables."""
    counters = [0, 0, 0, 0]
    for block in content:
        if isinstance(block, Paragraph):
            p, _ = b.flowing("GwBody", Piece(lines=body_lines(block.text)))
            b.run(p, block.text)
        elif isinstance(block, Heading):
            level = block.level
            counters[level - 1] += 1
            counters[level:] = [0] * (4 - level)
            text = block.text
            if block.numbered:
                text = heading_number(level, counters[level - 1]) + text
            p, _ = b.flowing(f"GwHeading{level}", Piece(lines=body_lines(text), keep_next=True))
            b.run(p, text, {1: "heading1", 2: "heading2"}.get(level, "body"))
        elif isinstance(block, Table):
            table(b, block)


def _row_height(cells: Sequence[str], widths: Sequence[int], least: int) -> int:
    lines = max(count_lines(c, (w - 2 * CELL_MARGIN) / SMALL_CHAR) for c, w in zip(cells, widths, strict=True))
    return max(least, lines * SMALL_LINE) + 10  # and the rule between rows


def table(b: Builder, block: Table) -> None:
    """A body table at 4号, columns sized to their text (:func:`~liaison_docx.geometry.column_widths`),
    rows never split, the header row repeated on each page."""
    tbl = etree.SubElement(b.body, q("tbl"))
    tblpr = el(tbl, "tblPr")
    el(tblpr, "tblW", w=str(TEXT_WIDTH), type="dxa")
    el(tblpr, "jc", val="center")
    borders = el(tblpr, "tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border(borders, side, "single", 4, color="000000")
    el(tblpr, "tblLayout", type="fixed")
    mar = el(tblpr, "tblCellMar")  # explicit: LibreOffice does not apply the default table style's
    el(mar, "left", w=str(CELL_MARGIN), type="dxa")
    el(mar, "right", w=str(CELL_MARGIN), type="dxa")
    widths = column_widths(block)
    grid = el(tbl, "tblGrid")
    for width in widths:
        el(grid, "gridCol", w=str(width))
    # one prototype row per kind (header / data), copied per row: the cells differ only in their text
    protos = []
    for header, least in ((True, LINE_PITCH), (False, block.row_lines * LINE_PITCH)):
        tr = etree.Element(q("tr"))
        trpr = el(tr, "trPr")
        el(trpr, "cantSplit")
        el(trpr, "trHeight", val=str(least), hRule="atLeast")
        if header:
            el(trpr, "tblHeader")
        for width in widths:
            tc = el(tr, "tc")
            tcpr = el(tc, "tcPr")
            el(tcpr, "tcW", w=str(width), type="dxa")
            el(tcpr, "vAlign", val="center")
            b.para("GwTableText", tc)
        protos.append(tr)
    heights = []
    for r, row in enumerate((block.header, *block.rows)):
        tr = deepcopy(protos[0 if r == 0 else 1])
        tbl.append(tr)
        for tc, cell in zip(tr.iterchildren(q("tc")), row, strict=True):
            b.run(tc[-1], cell, "heading1/small" if r == 0 else "body/small")
        heights.append(_row_height(row, widths, LINE_PITCH if r == 0 else block.row_lines * LINE_PITCH))
    b.flow.append((Piece(rows=tuple(heights)), tbl))


def record_rows(cc: Sequence[str], printer: str | None, print_date: str | None) -> list[tuple[str, str | None]]:
    """The 版记's rows: 抄送 (one text) and 印发机关 with 印发日期 (left and right)."""
    rows: list[tuple[str, str | None]] = []
    if cc:
        rows.append(("抄送：" + "，".join(cc) + "。", None))
    if printer is not None or print_date is not None:
        rows.append((printer or "", f"{print_date}印发" if print_date is not None else ""))
    return rows


def _record_lines(left: str, right: str | None) -> int:
    if right is not None or not left:
        return 1
    return count_lines(left, (TEXT_WIDTH - 2 * SMALL_CHAR) / SMALL_CHAR - 3)


def record_height(rows: Sequence[tuple[str, str | None]]) -> int:
    return sum(max(LINE_PITCH, _record_lines(left, right) * SMALL_LINE) + 10 for left, right in rows)


def record_table(b: Builder, rows: Sequence[tuple[str, str | None]]) -> None:
    """版记: 抄送 and 印发机关/印发日期 between a thick first and last rule, a thin rule between; returns
    its height in twips."""
    tbl = etree.SubElement(b.body, q("tbl"))
    tblpr = el(tbl, "tblPr")
    el(tblpr, "tblW", w=str(TEXT_WIDTH), type="dxa")
    borders = el(tblpr, "tblBorders")
    border(borders, "top", "single", 8, color="000000")  # 0.35 mm
    border(borders, "bottom", "single", 8, color="000000")
    border(borders, "insideH", "single", 6, color="000000")  # 0.25 mm
    el(tblpr, "tblLayout", type="fixed")
    mar = el(tblpr, "tblCellMar")
    el(mar, "left", w="0", type="dxa")
    el(mar, "right", w="0", type="dxa")
    el(tblpr, "tblLook", val="0000")
    el(el(tbl, "tblGrid"), "gridCol", w=str(TEXT_WIDTH))
    heights = []
    for n, (left, right) in enumerate(rows):
        tr = el(tbl, "tr")
        trpr = el(tr, "trPr")
        el(trpr, "cantSplit")
        el(trpr, "trHeight", val=str(LINE_PITCH), hRule="atLeast")
        tc = el(tr, "tc")
        tcpr = el(tc, "tcPr")
        el(tcpr, "tcW", w=str(TEXT_WIDTH), type="dxa")
        el(tcpr, "vAlign", val="center")
        p, ppr = b.para("GwRecord", tc)
        if n + 1 < len(rows):
            el(ppr, "keepNext")  # the 版记 is never split between pages
        if right is None:  # 抄送: wrapped lines align with the first name after the colon
            el(ppr, "ind", left=str(4 * SMALL_CHAR), right=str(SMALL_CHAR), hanging=str(3 * SMALL_CHAR))
            b.run(p, left, "body/small")
        else:
            el(el(ppr, "tabs"), "tab", val="right", pos=str(TEXT_WIDTH - SMALL_CHAR))
            b.run(p, f"{left}\t{right}", "body/small")
        heights.append(max(LINE_PITCH, _record_lines(left, right) * SMALL_LINE) + 10)
    b.flow.append((Piece(rows=(0, *heights)), tbl))



def attachment_note(b: Builder, names: Sequence[str]) -> None:
    """附件说明 (§7.3.5): one line below the body, two characters in, ``附件：`` and the name; several
    are numbered ``1.`` ``2.`` and a long name wraps under its own first character."""
    for n, name in enumerate(names):
        number = f"{n + 1}." if len(names) > 1 else ""
        text = ("附件：" if n == 0 else "") + number + name
        numbered = 0.56 * len(number)  # Latin digits and the full stop, in cells
        hang = 3 + numbered  # 附件： is three characters
        lines = count_lines(text, CELLS_PER_LINE - 2 - hang, first_indent=-(hang if n == 0 else numbered))
        p, ppr = b.flowing("GwBody", Piece(lines=lines, before=LINE_PITCH if n == 0 else 0, keep_next=True))
        spacing(ppr, before=LINE_PITCH if n == 0 else 0)
        el(ppr, "ind", left=str(int((2 + hang) * CHAR)), hanging=str(int((hang if n == 0 else numbered) * CHAR)))
        b.run(p, text)
