"""The document builder: ``document.xml`` (and the letter format's first-page header) of one letter.

Data text is set as element text (escaped by lxml), never evaluated as a template.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy

from lxml import etree

from liaison_docx.geometry import (
    CELL_MARGIN,
    CHAR,
    FOOTER,
    HEADER_DOCUMENT,
    HEADER_LETTER,
    LINE_PITCH,
    MARGINS,
    MARK_MAX_SIZE,
    PAGE_SIZE,
    RED,
    SMALL_CHAR,
    TEXT_WIDTH,
    column_widths,
    display_width,
)
from liaison_docx.letter import Heading, Letter, Paragraph, Table, format_date, heading_number
from liaison_docx.ooxml import BR, DECL, NSMAP, PPR, PSTYLE, R_NS, SPACE, TAB, VAL, P, T, el, q
from liaison_docx.package import Template


class _Builder:
    def __init__(self, tpl: Template) -> None:
        self.tpl = tpl
        self.root = etree.Element(q("document"), nsmap=NSMAP)
        self.body = etree.SubElement(self.root, q("body"))

    def para(self, style: str, parent: etree._Element | None = None) -> tuple[etree._Element, etree._Element]:
        p = etree.SubElement(self.body if parent is None else parent, P)
        ppr = etree.SubElement(p, PPR)
        etree.SubElement(ppr, PSTYLE, {VAL: style})
        return p, ppr

    def run(self, p: etree._Element, text: str, role: str = "body",
            extra: Sequence[etree._Element] = ()) -> None:
        r = deepcopy(self.tpl.rpr[role])
        p.append(r)
        if extra:
            rpr = r[0]
            for e in extra:
                rpr.append(e)
        first = True
        for line in text.split("\n"):
            if not first:
                etree.SubElement(r, BR)
            first = False
            first_seg = True
            for seg in line.split("\t"):
                if not first_seg:
                    etree.SubElement(r, TAB)
                first_seg = False
                if seg:
                    t = etree.SubElement(r, T)
                    t.text = seg
                    if seg[0] == " " or seg[-1] == " ":
                        t.set(SPACE, "preserve")


def _spacing(ppr: etree._Element, before: int = 0, line: int = LINE_PITCH) -> None:
    el(ppr, "spacing", before=str(before), after="0", line=str(line), lineRule="exact")


def _border(parent: etree._Element, side: str, val: str, sz: int, space: int = 0, color: str = RED) -> None:
    el(parent, side, val=val, sz=str(sz), space=str(space), color=color)


def _mark_size(text: str, width: int) -> int:
    """Half-point size of the mark: 小初 (36 pt) or smaller so that it fits on one line."""
    fit = width * 2 // (20 * max(len(text), 1))  # half-points per character
    return max(min(MARK_MAX_SIZE, fit), 2 * 16)


def _run_size(size: int) -> list[etree._Element]:
    sz = etree.Element(q("sz"), {VAL: str(size)})
    szcs = etree.Element(q("szCs"), {VAL: str(size)})
    return [sz, szcs]


def _mark_paragraph(b: _Builder, parent: etree._Element, text: str, before: int, width: int,
                    ind: int, rule: str | None) -> None:
    size = _mark_size(text, width)
    p, ppr = b.para("GwMark", parent)
    if rule is not None:
        pbdr = el(ppr, "pBdr")
        _border(pbdr, "bottom", rule, 24, space=11)
    _spacing(ppr, before=before, line=size * 10 * 5 // 4)
    if ind:
        el(ppr, "ind", left=str(-ind), right=str(-ind))
    b.run(p, text, "mark", _run_size(size))


def _body(b: _Builder, letter: Letter) -> None:
    counters = [0, 0, 0, 0]
    last = len(letter.body) - 1
    for i, block in enumerate(letter.body):
        if isinstance(block, Paragraph):
            p, ppr = b.para("GwBody")
            if i == last:  # the closing paragraph goes with the signature: no page of signature alone
                el(ppr, "keepNext")
            b.run(p, block.text)
        elif isinstance(block, Heading):
            level = block.level
            counters[level - 1] += 1
            for deeper in range(level, 4):
                counters[deeper] = 0
            text = block.text
            if block.numbered:
                text = heading_number(level, counters[level - 1]) + text
            p, _ = b.para(f"GwHeading{level}")
            b.run(p, text, {1: "heading1", 2: "heading2"}.get(level, "body"))
        elif isinstance(block, Table):
            _table(b, block)



def _table(b: _Builder, table: Table) -> None:
    tbl = etree.SubElement(b.body, q("tbl"))
    tblpr = el(tbl, "tblPr")
    el(tblpr, "tblW", w=str(TEXT_WIDTH), type="dxa")
    el(tblpr, "jc", val="center")
    borders = el(tblpr, "tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _border(borders, side, "single", 4, color="000000")
    el(tblpr, "tblLayout", type="fixed")
    mar = el(tblpr, "tblCellMar")  # explicit: LibreOffice does not apply the default table style's
    el(mar, "left", w=str(CELL_MARGIN), type="dxa")
    el(mar, "right", w=str(CELL_MARGIN), type="dxa")
    widths = column_widths(table)
    grid = el(tbl, "tblGrid")
    for width in widths:
        el(grid, "gridCol", w=str(width))
    # one prototype row per kind (header / data), copied per row: the cells differ only in their text
    protos = []
    for header in (True, False):
        tr = etree.Element(q("tr"))
        trpr = el(tr, "trPr")
        el(trpr, "cantSplit")
        el(trpr, "trHeight", val=str(LINE_PITCH), hRule="atLeast")
        if header:
            el(trpr, "tblHeader")
        for width in widths:
            tc = el(tr, "tc")
            tcpr = el(tc, "tcPr")
            el(tcpr, "tcW", w=str(width), type="dxa")
            el(tcpr, "vAlign", val="center")
            b.para("GwTableText", tc)
        protos.append(tr)
    for r, row in enumerate((table.header, *table.rows)):
        tr = deepcopy(protos[0 if r == 0 else 1])
        tbl.append(tr)
        for tc, cell in zip(tr.iterchildren(q("tc")), row, strict=True):
            b.run(tc[-1], cell, "heading1/small" if r == 0 else "body/small")


def _record(b: _Builder, letter: Letter) -> None:
    """版记: 抄送 and 印发机关/印发日期 between a thick first and last rule, thin rule between."""
    rows: list[tuple[str, str | None]] = []
    if letter.cc:
        rows.append(("抄送：" + "，".join(letter.cc) + "。", None))
    if letter.printer is not None or letter.print_date is not None:
        date = f"{format_date(letter.print_date)}印发" if letter.print_date is not None else ""
        rows.append((letter.printer or "", date))
    if not rows:
        return
    p, ppr = b.para("Normal")  # one blank line between the date and the record
    tbl = etree.SubElement(b.body, q("tbl"))
    tblpr = el(tbl, "tblPr")
    el(tblpr, "tblW", w=str(TEXT_WIDTH), type="dxa")
    borders = el(tblpr, "tblBorders")
    _border(borders, "top", "single", 8, color="000000")  # 0.35 mm
    _border(borders, "bottom", "single", 8, color="000000")
    _border(borders, "insideH", "single", 6, color="000000")  # 0.25 mm
    el(tblpr, "tblLayout", type="fixed")
    mar = el(tblpr, "tblCellMar")
    el(mar, "left", w="0", type="dxa")
    el(mar, "right", w="0", type="dxa")
    el(tblpr, "tblLook", val="0000")
    el(el(tbl, "tblGrid"), "gridCol", w=str(TEXT_WIDTH))
    for left, right in rows:
        tr = el(tbl, "tr")
        el(el(tr, "trPr"), "trHeight", val=str(LINE_PITCH), hRule="atLeast")
        tc = el(tr, "tc")
        tcpr = el(tc, "tcPr")
        el(tcpr, "tcW", w=str(TEXT_WIDTH), type="dxa")
        el(tcpr, "vAlign", val="center")
        p, ppr = b.para("GwRecord", tc)
        if right is None:  # 抄送: wrapped lines align with the first name after the colon
            el(ppr, "ind", left=str(4 * SMALL_CHAR), right=str(SMALL_CHAR), hanging=str(3 * SMALL_CHAR))
            b.run(p, left, "body/small")
        else:
            tabs = el(ppr, "tabs")
            el(tabs, "tab", val="right", pos=str(TEXT_WIDTH - SMALL_CHAR))
            b.run(p, f"{left}\t{right}", "body/small")


def _recipients(text: str) -> str:
    text = text.rstrip()
    if text.endswith(":"):
        text = text[:-1]
    return text if text.endswith("：") else text + "："


def document_xml(tpl: Template, letter: Letter) -> bytes:
    b = _Builder(tpl)
    if letter.kind == "document":
        # 发文机关标志: 35 mm below the top of the type area; 发文字号 two lines below it; red rule 4 mm
        # below the number.
        _mark_paragraph(b, b.body, letter.issuing_authority_mark, 1984, TEXT_WIDTH, 0, None)
        p, ppr = b.para("GwDocNumber")
        pbdr = el(ppr, "pBdr")
        _border(pbdr, "bottom", "single", 12, space=11)
        _spacing(ppr, before=2 * LINE_PITCH)
        if letter.doc_number:
            b.run(p, letter.doc_number)
        title_before = 2 * LINE_PITCH
    else:
        # 信函格式: the mark and double rule are in the first-page header; the number sits flush right
        # 7/8 of a 3号 character below the rule.
        if letter.doc_number:
            p, ppr = b.para("GwDocNumber")
            _spacing(ppr, before=280)
            el(ppr, "jc", val="right")
            b.run(p, letter.doc_number)
            title_before = 2 * LINE_PITCH
        else:
            title_before = LINE_PITCH
    p, ppr = b.para("GwTitle")
    el(ppr, "spacing", before=str(title_before), after="0", line="700", lineRule="exact")
    b.run(p, letter.title, "title")
    p, ppr = b.para("GwRecipients")
    _spacing(ppr, before=LINE_PITCH)
    b.run(p, _recipients(letter.recipients))
    _body(b, letter)
    # Signature centred over the date, the date four characters from the right (room for the seal).
    date = format_date(letter.date)
    offset = 4 * CHAR + int((display_width(date) - display_width(letter.signature)) * CHAR / 2)
    p, ppr = b.para("GwSignature")
    _spacing(ppr, before=2 * LINE_PITCH)
    el(ppr, "ind", right=str(max(offset, 0)))
    b.run(p, letter.signature)
    p, _ = b.para("GwDate")
    b.run(p, date)
    _record(b, letter)
    p, ppr = b.para("Normal")  # Word wants a paragraph after a table; this one takes no room
    _spacing(ppr, line=20)
    rpr = el(ppr, "rPr")
    el(rpr, "sz", val="2")
    _section(b, letter)
    return DECL + etree.tostring(b.root, encoding="UTF-8")


def _section(b: _Builder, letter: Letter) -> None:
    sect = el(b.body, "sectPr")
    refs = [("footerReference", "default", "rId4"), ("footerReference", "even", "rId5")]
    if letter.kind == "letter":
        refs = [("headerReference", "first", "rId7"), ("footerReference", "first", "rId6"), *refs]
    for tag, kind, rid in refs:
        etree.SubElement(sect, q(tag), {q("type"): kind, f"{{{R_NS}}}id": rid})
    el(sect, "pgSz", w=str(PAGE_SIZE[0]), h=str(PAGE_SIZE[1]))
    header = HEADER_LETTER if letter.kind == "letter" else HEADER_DOCUMENT
    el(sect, "pgMar", top=str(MARGINS["top"]), right=str(MARGINS["right"]), bottom=str(MARGINS["bottom"]),
        left=str(MARGINS["left"]), header=str(header), footer=str(FOOTER), gutter="0")
    el(sect, "cols", space="425")
    if letter.kind == "letter":
        el(sect, "titlePg")
    el(sect, "docGrid", type="lines", linePitch=str(LINE_PITCH))


def header_xml(tpl: Template, letter: Letter) -> bytes:
    """信函格式 first-page header: the mark 30 mm from the top, red double rule (thick over thin) 4 mm
    below it, 170 mm long and centred."""
    b = _Builder(tpl)
    hdr = etree.Element(q("hdr"), nsmap=NSMAP)
    # 170 mm = 9638 twips, 793 more than the type area: the rule reaches 397 twips (7 mm) out each side.
    _mark_paragraph(b, hdr, letter.issuing_authority_mark, 0, 9638, 397, "thickThinSmallGap")
    return DECL + etree.tostring(hdr, encoding="UTF-8")

