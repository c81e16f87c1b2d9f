"""The document builder: paragraphs, tables and the 版记 of ``document.xml``, each with its place in
the page flow.

Every top-level paragraph or table the builder writes is recorded in :attr:`Builder.flow` with the
:class:`~liaison_docx.layout.Piece` that describes its height, so :mod:`liaison_docx.composition` can
paginate the letter and then mark page breaks on the very paragraphs.  The XML is written as strings
in document order (see :mod:`liaison_docx.ooxml` for why); data text goes through its escaping only,
never evaluated as a template.
"""

from __future__ import annotations

from collections.abc import Sequence

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
)
from liaison_docx.layout import Piece
from liaison_docx.letter_model import Block, Heading, Paragraph, Table, heading_number
from liaison_docx.measures import Measures
from liaison_docx.ooxml import run_content
from liaison_docx.package import Template

__all__ = ["Builder", "attachment_note", "blocks", "page_break_before", "record_height", "record_rows",
           "record_table"]

_PAGE_BREAK = "<w:pageBreakBefore/>"


class Builder:
    """Writes the XML of one part's body and records the page flow of the top-level pieces.

    :attr:`out` holds the fragments in document order.  A top-level paragraph leaves an empty
    fragment right after its ``pStyle`` and ``keepNext``, where :func:`page_break_before` puts
    ``w:pageBreakBefore`` (the place the schema gives it) once pagination has chosen the paragraph;
    :attr:`flow` pairs each piece with the index of that fragment (-1 for a table).

    A builder made with ``writing=False`` records the flow alone (every slot -1) and writes no XML:
    the pieces, which the texts' measures decide and never the XML, are those the same calls would
    record when writing, so a layout tried only to see how far down the page it reaches costs no
    XML (:func:`liaison_docx.composition.document_xml` tries up to three pitches and writes one).
    """

    def __init__(self, tpl: Template, pitch: int = LINE_PITCH, measures: Measures | None = None, *,
                 writing: bool = True) -> None:
        self.tpl = tpl
        self.writing = writing
        """Whether the XML is written (else only :attr:`flow`)."""
        self.measures = measures if measures is not None else Measures()
        """The export's memos of the texts' widths and line counts (a letter's own when rendered alone)."""
        self.out: list[str] = []
        self.flow: list[tuple[Piece, int]] = []
        self.pitch = pitch
        """The exact line spacing of the body's lines and blank lines, twips: the grid's 579, or a
        little less for a short letter set on one page (GB/T 9704 §7.3.5's allowance)."""

    def pitch_ppr(self) -> str:
        """The spacing a body paragraph states when the pitch is not the styles' (else nothing, so a
        letter on the grid keeps its bytes)."""
        return "" if self.pitch == LINE_PITCH else spacing(line=self.pitch)

    def run(self, text: str, role: str = "body", extra: str = "") -> str:
        """A run of ``text`` with the role's fonts and size, and ``extra`` run properties after them
        (nothing when the builder does not write)."""
        if not self.writing:
            return ""
        return f"{self.tpl.run_open[role]}{extra}</w:rPr>{run_content(text)}</w:r>"

    def flowing(self, style: str, piece: Piece, ppr: str = "", content: str = "") -> None:
        """A top-level paragraph whose height ``piece`` describes (and which keeps with the next one
        when the piece says so, whatever its style): ``ppr`` are its properties after the style,
        ``content`` its runs."""
        if not self.writing:
            self.flow.append((piece, -1))
            return
        keep = "<w:keepNext/>" if piece.keep_next else ""
        self.flow.append((piece, len(self.out) + 1))
        self.out += (f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{keep}', "",
                     f"{ppr}</w:pPr>{content}</w:p>")

    def table(self, piece: Piece, xml: str) -> None:
        self.flow.append((piece, -1))
        if self.writing:
            self.out.append(xml)

    def xml(self) -> str:
        return "".join(self.out)


def para(style: str, ppr: str = "", content: str = "") -> str:
    """A paragraph that is not a piece of the flow (in a table cell, a header, the section's end)."""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{content}</w:p>'


def page_break_before(b: Builder, piece: int) -> None:
    """Start the ``piece``-th paragraph of the flow on a new page."""
    slot = b.flow[piece][1]
    if slot < 0:  # pagination never picks a table (_keep_signature_with_body skips them)
        raise ValueError("a table cannot carry a page break")
    b.out[slot] = _PAGE_BREAK


def spacing(before: int = 0, line: int = LINE_PITCH) -> str:
    return f'<w:spacing w:before="{before}" w:after="0" w:line="{line}" w:lineRule="exact"/>'


def border(side: str, val: str, sz: int, space: int = 0, color: str = RED) -> str:
    return f'<w:{side} w:val="{val}" w:sz="{sz}" w:space="{space}" w:color="{color}"/>'


def mark_size(text: str, width: int) -> int:
    """Half-point size of the mark: 小初 (36 pt) or smaller so that it fits on one line."""
    fit = width * 2 // (20 * max(len(text), 1))  # half-points per character
    return max(min(MARK_MAX_SIZE, fit), 2 * 16)


def mark(b: Builder, text: str, before: int, width: int, ind: int, rule: str | None) -> tuple[int, str, str]:
    """The red issuing-authority mark: its line height in twips, its paragraph properties after the
    style, and its run."""
    size = mark_size(text, width)
    line = size * 10 * 5 // 4
    ppr = f"<w:pBdr>{border('bottom', rule, 24, space=11)}</w:pBdr>" if rule is not None else ""
    ppr += spacing(before=before, line=line)
    if ind:
        ppr += f'<w:ind w:left="{-ind}" w:right="{-ind}"/>'
    return line, ppr, b.run(text, "mark", f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')


def body_lines(b: Builder, text: str, indent: float = 2.0) -> int:
    return b.measures.count_lines(text, CELLS_PER_LINE, first_indent=indent)


_HEADING_ROLE = {1: "heading1", 2: "heading2", 3: "body", 4: "body"}


def blocks(b: Builder, content: Sequence[Block]) -> None:
    """Body blocks: paragraphs indented two characters, numbered headings kept with what follows,
    tables.

    A body is written once per export, template (font set) and pitch (:attr:`Measures.blocks`): the invitations
    to one meeting share their body and each letter is laid out at up to three pitches, so 219 bodies
    of the seed's 55 letters are 100 different ones.  Their fragments and pieces are copied into the
    builder, the pieces' slots moved to where the fragments land."""
    if not isinstance(content, tuple):
        _write_blocks(b, content)
        return
    key = (b.tpl, b.pitch, content)  # the template itself: its identity hashes in C, and it stays alive with the key
    if not b.writing:  # the pieces alone, kept apart from the bodies written
        pieces = b.measures.flows.get(key)
        if pieces is None:
            first_piece = len(b.flow)
            _write_blocks(b, content)
            b.measures.flows[key] = tuple(b.flow[first_piece:])
        else:
            b.flow += pieces
        return
    written = b.measures.blocks.get(key)
    if written is None:
        first_out, first_piece = len(b.out), len(b.flow)
        _write_blocks(b, content)
        written = b.measures.blocks[key] = (
            tuple(b.out[first_out:]),
            tuple((piece, slot - first_out if slot >= 0 else -1) for piece, slot in b.flow[first_piece:]))
        return
    fragments, flow = written
    at = len(b.out)
    b.flow += [(piece, slot + at if slot >= 0 else -1) for piece, slot in flow]
    b.out += fragments


def _write_blocks(b: Builder, content: Sequence[Block]) -> None:
    counters = [0, 0, 0, 0]
    for block in content:
        if isinstance(block, Paragraph):
            b.flowing("GwBody", Piece(lines=body_lines(b, block.text), pitch=b.pitch), b.pitch_ppr(),
                      b.run(block.text))
        elif isinstance(block, Heading):
            level = block.level
            counters[level - 1] += 1
            counters[level:] = [0] * (4 - level)
            text = block.text
            if block.numbered:
                text = heading_number(level, counters[level - 1]) + text
            b.flowing(f"GwHeading{level}", Piece(lines=body_lines(b, text), pitch=b.pitch, keep_next=True),
                      b.pitch_ppr(), b.run(text, _HEADING_ROLE[level]))
        elif isinstance(block, Table):
            table(b, block)


def _row_height(b: Builder, cells: Sequence[str], widths: Sequence[int], least: int) -> int:
    count_lines = b.measures.count_lines
    lines = max(count_lines(c, (w - 2 * CELL_MARGIN) / SMALL_CHAR) for c, w in zip(cells, widths, strict=True))
    return max(least, lines * SMALL_LINE) + 10  # and the rule between rows


_CELL_PARA = '<w:p><w:pPr><w:pStyle w:val="GwTableText"/></w:pPr>'


def table(b: Builder, block: Table) -> None:
    """A body table at 4号, columns sized to their text (:func:`~liaison_docx.geometry.column_widths`),
    rows never split, the header row repeated on each page.

    A table is written once per export and template (:attr:`Measures.tables`): each invitation's
    回执 is the invitee's, and an invitee is invited to several meetings (the body around it differs,
    by its reply date, so the body's own memo does not find it)."""
    try:
        written = b.measures.tables.get((b.tpl, block))
    except TypeError:  # a table given lists, not tuples: written afresh
        _table(b, block)
        return
    if written is None:
        _table(b, block)
        if not b.writing:
            return
        written = b.measures.tables[(b.tpl, block)] = (b.flow[-1][0], b.out[-1])
        return
    b.table(*written)


def _table(b: Builder, block: Table) -> None:
    widths = b.measures.column_widths(block)
    data_least = block.row_lines * LINE_PITCH
    rows = (block.header, *block.rows)
    piece = Piece(rows=tuple(_row_height(b, row, widths, LINE_PITCH if r == 0 else data_least)
                             for r, row in enumerate(rows)))
    if not b.writing:
        b.table(piece, "")
        return
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>',
           *(border(side, "single", 4, color="000000")
             for side in ("top", "left", "bottom", "right", "insideH", "insideV")),
           # the cell margins explicit: LibreOffice does not apply the default table style's
           f'</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
           f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>',
           *(f'<w:gridCol w:w="{width}"/>' for width in widths), "</w:tblGrid>"]
    # each cell's opening, per kind of row (header / data): the cells differ only in their text
    cells = [f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>{_CELL_PARA}'
             for width in widths]
    run = b.run
    for r, row in enumerate(rows):
        least, role = (LINE_PITCH, "heading1/small") if r == 0 else (data_least, "body/small")
        out.append(f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{least}" w:hRule="atLeast"/>'
                   + ("<w:tblHeader/></w:trPr>" if r == 0 else "</w:trPr>"))
        out += [f"{opening}{run(cell, role)}</w:p></w:tc>" for opening, cell in zip(cells, row, strict=True)]
        out.append("</w:tr>")
    out.append("</w:tbl>")
    b.table(piece, "".join(out))


def record_rows(cc: Sequence[str], printer: str | None, print_date: str | None) -> list[tuple[str, str | None]]:
    """The 版记's rows: 抄送 (one text) and 印发机关 with 印发日期 (left and right)."""
    rows: list[tuple[str, str | None]] = []
    if cc:
        rows.append(("抄送：" + "，".join(cc) + "。", None))
    if printer is not None or print_date is not None:
        rows.append((printer or "", f"{print_date}印发" if print_date is not None else ""))
    return rows


def _record_lines(b: Builder, left: str, right: str | None) -> int:
    if right is not None or not left:
        return 1
    return b.measures.count_lines(left, (TEXT_WIDTH - 2 * SMALL_CHAR) / SMALL_CHAR - 3)


def record_height(b: Builder, rows: Sequence[tuple[str, str | None]]) -> int:
    return sum(max(LINE_PITCH, _record_lines(b, left, right) * SMALL_LINE) + 10 for left, right in rows)


def record_table(b: Builder, rows: Sequence[tuple[str, str | None]]) -> None:
    """版记: 抄送 and 印发机关/印发日期 between a thick first and last rule, a thin rule between."""
    out = [f'<w:tbl><w:tblPr><w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:tblBorders>',
           border("top", "single", 8, color="000000"),  # 0.35 mm
           border("bottom", "single", 8, color="000000"),
           border("insideH", "single", 6, color="000000"),  # 0.25 mm
           '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
           '<w:right w:w="0" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="0000"/></w:tblPr>'
           f'<w:tblGrid><w:gridCol w:w="{TEXT_WIDTH}"/></w:tblGrid>']
    heights = []
    for n, (left, right) in enumerate(rows):
        ppr = "<w:keepNext/>" if n + 1 < len(rows) else ""  # the 版记 is never split between pages
        if right is None:  # 抄送: wrapped lines align with the first name after the colon
            ppr += f'<w:ind w:left="{4 * SMALL_CHAR}" w:right="{SMALL_CHAR}" w:hanging="{3 * SMALL_CHAR}"/>'
            run = b.run(left, "body/small")
        else:
            ppr += f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH - SMALL_CHAR}"/></w:tabs>'
            run = b.run(f"{left}\t{right}", "body/small")
        out.append(f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{LINE_PITCH}" w:hRule="atLeast"/></w:trPr>'
                   f'<w:tc><w:tcPr><w:tcW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                   f'{para("GwRecord", ppr, run)}</w:tc></w:tr>')
        heights.append(max(LINE_PITCH, _record_lines(b, left, right) * SMALL_LINE) + 10)
    out.append("</w:tbl>")
    b.table(Piece(rows=(0, *heights)), "".join(out))


def attachment_note(b: Builder, names: Sequence[str]) -> None:
    """附件说明 (§7.3.5): one line below the body, two characters in, ``附件：`` and the name; several
    are numbered ``1.`` ``2.`` and a long name wraps under its own first character."""
    for n, name in enumerate(names):
        number = f"{n + 1}." if len(names) > 1 else ""
        text = ("附件：" if n == 0 else "") + number + name
        numbered = 0.56 * len(number)  # Latin digits and the full stop, in cells
        hang = 3 + numbered  # 附件： is three characters
        lines = b.measures.count_lines(text, CELLS_PER_LINE - 2 - hang, first_indent=-(hang if n == 0 else numbered))
        before = b.pitch if n == 0 else 0
        ind = f'<w:ind w:left="{int((2 + hang) * CHAR)}" w:hanging="{int((hang if n == 0 else numbered) * CHAR)}"/>'
        b.flowing("GwBody", Piece(lines=lines, pitch=b.pitch, before=before, keep_next=True),
                  spacing(before=before, line=b.pitch) + ind, b.run(text))
