"""The order of a letter's parts (GB/T 9704 §7) and where its pages break.

版头 (mark, number, rule) → title → 主送机关 → body → 附件说明 → 发文机关署名 and 成文日期 → attachments,
each from a new page → 版记 at the foot of an even last page.

Pagination (see :mod:`liaison_docx.layout` for the model):

- A short 函 (信函格式) keeps its body and 落款 on page 1: when they fit only with the lines a little
  closer than the grid's 28.95 pt, the main part is set at the widest of :data:`PAGE_ONE_PITCHES`
  that fits (GB/T 9704 §7.3.5 allows adjusting line spacing so the 成文日期 and seal stay with the
  text); attachments stay on the grid.  A letter that fits on the grid is written as before.  An
  invitation that would not fit even at the closest spacing first words itself more tightly
  (:func:`fits_page_one`, :func:`liaison_docx.letters.invitation.invitation_letter`).
- The 落款 goes with the last lines of the body, never alone: when the signature and date would not
  fit under the body, or would leave their page under a third full, the latest paragraph that gives
  the last page enough lines starts a new page (``w:pageBreakBefore``); the paragraphs before it stay
  where they are.  A letter that fits one page is left alone.
- The 版记 is pinned to the foot of the last page by an exact-height blank paragraph above it.  When
  the last page is odd, or has no room, the 版记 starts a new section of type ``evenPage``: Word and
  LibreOffice both begin it on the next even page and insert a blank page where needed, so the page
  parity never rests on our count alone.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import attrs

from liaison_docx.document import (
    Builder,
    attachment_note,
    blocks,
    body_lines,
    border,
    mark,
    page_break_before,
    para,
    record_height,
    record_rows,
    record_table,
    spacing,
)
from liaison_docx.geometry import (
    CHAR,
    FOOTER,
    HEADER_DOCUMENT,
    HEADER_LETTER,
    LINE_PITCH,
    MARGINS,
    PAGE_SIZE,
    TEXT_HEIGHT,
    TEXT_WIDTH,
    TITLE_LINE,
)
from liaison_docx.layout import Piece, Placed, height, paginate
from liaison_docx.letter_model import Letter, format_date
from liaison_docx.measures import Measures
from liaison_docx.ooxml import DECL, ROOT_NS
from liaison_docx.package import Template

__all__ = ["LETTER_START", "document_xml", "fits_page_one", "header_xml", "title_lines"]

LETTER_START = 990
"""Where the 信函格式 first page's flow starts below the top of the type area, twips: LibreOffice and
Word push the body below the first-page header (mark 30 mm from the top, double rule 4 mm under it).
Measured in LibreOffice 7.4 (the recipients line of a letter with a two-line title); Word, which
starts the body right under the header, comes out about 200 twips higher."""
_THIRD = TEXT_HEIGHT // 3 + LINE_PITCH  # a page's text must reach this far (a third, and a line to spare)
_SAFETY = LINE_PITCH // 2  # what the count may be off by before a break is placed
PAGE_ONE_PITCHES = tuple(range(570, 479, -10))
"""Exact line spacings, twips (28.5 pt down to 24 pt by half points), a 信函格式 letter may be set at on
page 1 to keep its 落款 there, the widest that fits: still 3号 characters, 28 to a line, the grid's;
only the space between lines narrows (GB/T 9704 §7.3.5's 调整行距).  The seed's invitations come out
at 26 pt at the closest, a district whose bodies go by their long names (中国民主建国会总支部) at 24 pt."""
_PAGE_ONE_MARGIN = 200
"""Room a one-page letter leaves under its 成文日期 by the count, twips (3.5 mm): LibreOffice 7.4 moved
the 附件说明 and the 落款 to page 2 when the count left them 146 twips or less and kept them on page
1 with 186 or more (the seed's and a long-named district's invitations); Word, which starts the body
higher, has more room."""
_SLACK = 80  # the 版记 ends this far above the foot of the type area, so rounding never pushes it over


def title_lines(letter: Letter, measures: Measures | None = None) -> list[str]:
    """The title's lines: from its units, else as written with ``\\n``, else from its text (broken
    with the export's ``measures``, else the letter's own)."""
    measures = measures if measures is not None else Measures()
    if letter.title_units:
        return measures.break_title(letter.title_units)
    if "\n" in letter.title:
        return letter.title.split("\n")
    return measures.break_title(measures.title_units(letter.title))


def _recipients(text: str) -> str:
    text = text.rstrip().removesuffix(":")
    return text if text.endswith("：") else text + "："


def _head(b: Builder, letter: Letter, title: Sequence[str]) -> int:
    """版头 and title (its lines ``title``); returns where page 1's flow starts."""
    if letter.kind == "document":
        # 发文机关标志 35 mm below the top of the type area; 发文字号 two lines below it; the red rule
        # 4 mm below the number.
        line, ppr, run = mark(b, letter.issuing_authority_mark, 1984, TEXT_WIDTH, 0, None)
        b.flowing("GwMark", Piece(lines=1, pitch=line, before=1984, split=False), ppr, run)
        b.flowing("GwDocNumber", Piece(lines=1, pitch=LINE_PITCH + 250, before=2 * LINE_PITCH, split=False),
                  f"<w:pBdr>{border('bottom', 'single', 12, space=11)}</w:pBdr>" + spacing(before=2 * LINE_PITCH),
                  b.run(letter.doc_number) if letter.doc_number else "")
        start, title_before = 0, 2 * LINE_PITCH
    else:
        # 信函格式: the mark and double rule are in the first-page header; a number sits flush right
        # 7/8 of a 3号 character below the rule; the title two lines below the last element.
        start, title_before = LETTER_START, b.pitch
        if letter.doc_number:
            b.flowing("GwDocNumber", Piece(lines=1, pitch=b.pitch, before=280),
                      spacing(before=280, line=b.pitch) + '<w:jc w:val="right"/>', b.run(letter.doc_number))
            title_before = 2 * b.pitch
    _title(b, title, title_before)
    text = _recipients(letter.recipients)
    b.flowing("GwRecipients", Piece(lines=body_lines(b, text, 0), pitch=b.pitch, before=b.pitch, keep_next=True),
              spacing(before=b.pitch, line=b.pitch), b.run(text))
    return start


def _title(b: Builder, lines: Sequence[str], before: int) -> None:
    """The title's lines, 35 pt apart on the grid and closer in proportion when the body is (a one-page
    letter)."""
    line = TITLE_LINE * b.pitch // LINE_PITCH
    b.flowing("GwTitle", Piece(lines=len(lines), pitch=line, before=before, keep_next=True, split=False),
              spacing(before=before, line=line), b.run("\n".join(lines), "title"))


def _signature(b: Builder, letter: Letter) -> None:
    """发文机关署名 centred over 成文日期, the date four characters from the right (room for the seal),
    two lines below the body."""
    date = format_date(letter.date)
    width = b.measures.display_width
    offset = 4 * CHAR + int((width(date) - width(letter.signature)) * CHAR / 2)
    b.flowing("GwSignature", Piece(lines=1, pitch=b.pitch, before=2 * b.pitch, keep_next=True, split=False),
              spacing(before=2 * b.pitch, line=b.pitch) + f'<w:ind w:right="{max(offset, 0)}"/>',
              b.run(letter.signature))
    b.flowing("GwDate", Piece(lines=1, pitch=b.pitch, split=False), b.pitch_ppr(), b.run(date))


def _attachments(b: Builder, letter: Letter) -> None:
    """Each attachment from a new page: 附件 (附件1 …) in 黑体 at the top left, its name centred on the
    third line, then its blocks (§8).  One without blocks is sent as a document of its own and only
    named in the 附件说明."""
    many = len(letter.attachments) > 1
    for n, attachment in enumerate(letter.attachments, 1):
        if not attachment.body:
            continue
        label = f"附件{n}" if many else "附件"
        b.flowing("GwAttachmentLabel", Piece(lines=1, page_break=True, keep_next=True, split=False),
                  content=b.run(label, "heading1"))
        page_break_before(b, len(b.flow) - 1)
        _title(b, b.measures.break_title(b.measures.title_units(attachment.name)), LINE_PITCH)
        b.flowing("Normal", Piece(lines=1, keep_next=True))  # a blank line under the name
        blocks(b, attachment.body)


def _fill(placed: list[Placed], page: int) -> int:
    """How far down ``page`` the text reaches, twips."""
    return max((p.bottom for p in placed if p.last_page == page), default=0)


def _signature_fits(placed: list[Placed], body_end: int, sig: int) -> bool:
    last_body, date = placed[body_end], placed[sig + 1]
    page = date.last_page
    return (last_body.last_page == placed[sig].first_page == page
            and date.bottom + _SAFETY <= TEXT_HEIGHT
            and (page == 1 or date.bottom >= _THIRD))


def _keep_signature_with_body(b: Builder, start: int, first_body: int, sig: int) -> list[Placed]:
    """Move the fewest final paragraphs of the body to the signature's page that make it fit; returns
    where the flow's pieces are placed then."""
    pieces = [piece for piece, _ in b.flow]
    as_written = paginate(pieces, start)
    if _signature_fits(as_written, sig - 1, sig):
        return as_written
    for k in range(sig - 1, first_body, -1):
        if pieces[k].rows or pieces[k - 1].keep_next:
            continue  # a table cannot carry the break; a heading stays with its paragraph
        trial = [*pieces[:k], attrs.evolve(pieces[k], page_break=True), *pieces[k + 1:]]
        placed = paginate(trial, start, placed_before=as_written[:k])  # the pieces before k stay where they were
        before = placed[k - 1]
        if _signature_fits(placed, sig - 1, sig) and _fill(placed, before.last_page) >= TEXT_HEIGHT // 2:
            b.flow[k] = (trial[k], b.flow[k][1])
            page_break_before(b, k)
            return placed
    return as_written


def _tiny(section: str = "") -> str:
    """An empty paragraph that takes no room (after a table Word wants one; a section ends in one)."""
    return para("Normal", spacing(line=20) + f'<w:rPr><w:sz w:val="2"/></w:rPr>{section}')


def _record(b: Builder, start: int, rows: list[tuple[str, str | None]], letter: Letter,
            placed_before: list[Placed]) -> bool:
    """The 版记 at the foot of the last page when that page is even and has room, else from the next
    even page on (a new section of type evenPage).  ``placed_before``: where the flow's first pieces
    are already placed."""
    placed = paginate([piece for piece, _ in b.flow], start, placed_before=placed_before)
    page, used = placed[-1].last_page, placed[-1].bottom
    height = record_height(b, rows)
    if page % 2 == 0 and used + LINE_PITCH + height + _SAFETY <= TEXT_HEIGHT:
        own_section = False
        above = TEXT_HEIGHT - used - height - _SLACK
    else:
        own_section = True
        b.out.append(_tiny(_section(letter.kind, title_page=letter.kind == "letter", even_page=False)))
        above = TEXT_HEIGHT - height - _SLACK
    # pins the 版记 to the foot of the page
    b.flowing("Normal", Piece(lines=1, pitch=above, split=False), spacing(line=above))
    record_table(b, rows)
    return own_section


def _main_part(tpl: Template, letter: Letter, pitch: int, measures: Measures, title: Sequence[str], *,
               writing: bool = True) -> tuple[Builder, int, int, int]:
    """版头, title (its lines ``title``: :func:`title_lines`, the same at every pitch), 主送, body, 附件说明
    and 落款 at ``pitch``: the builder, where page 1's flow starts, and the indices of the body's first
    piece and of the signature (``writing=False``: the flow alone, no XML)."""
    b = Builder(tpl, pitch, measures, writing=writing)
    start = _head(b, letter, title)
    first_body = len(b.flow)
    blocks(b, letter.body)
    if letter.attachments:
        attachment_note(b, [a.name for a in letter.attachments])
    sig = len(b.flow)
    _signature(b, letter)
    return b, start, first_body, sig


def _page_one_need(b: Builder, start: int, sig: int) -> int:
    """How far down page 1 the text would reach to the 成文日期 with no page break, with the margin
    the line count may be off by, twips."""
    return start + height([piece for piece, _ in b.flow[:sig + 2]]) + _PAGE_ONE_MARGIN


def _need_at(tpl: Template, letter: Letter, pitch: int, measures: Measures, title: Sequence[str]) -> int:
    """:func:`_page_one_need` of the main part at ``pitch``, laid out without its XML."""
    b, start, _, sig = _main_part(tpl, letter, pitch, measures, title, writing=False)
    return _page_one_need(b, start, sig)


def _page_one_pitch(tpl: Template, letter: Letter, measures: Measures, title: Sequence[str]) -> int | None:
    """The pitch a 信函格式 letter's main part is set at on page 1 alone: the grid's when its text and
    落款 fit page 1 there, else the widest of PAGE_ONE_PITCHES that fits (GB/T 9704 §7.3.5: 行距 may
    be adjusted so that the 成文日期 and the seal stay with the text); None when none fits (a long
    letter: its pages break on the grid).  The pitches are tried without their XML; the letter is
    written at the one chosen."""
    need_grid = _need_at(tpl, letter, LINE_PITCH, measures, title)
    if need_grid <= TEXT_HEIGHT:
        return LINE_PITCH
    least = PAGE_ONE_PITCHES[-1]
    need_tight = _need_at(tpl, letter, least, measures, title)
    if need_tight > TEXT_HEIGHT:
        return None
    # the need is linear in the pitch (lines and blank lines are all of it but the head's fixed
    # parts): the widest pitch that fits by the two layouts' slope, then checked by laying it out
    slope = (need_grid - need_tight) / (LINE_PITCH - least)
    for pitch in PAGE_ONE_PITCHES[:-1]:
        if (need_tight + slope * (pitch - least) <= TEXT_HEIGHT
                and _need_at(tpl, letter, pitch, measures, title) <= TEXT_HEIGHT):
            return pitch
    return least


def _on_one_page(tpl: Template, letter: Letter,
                 measures: Measures | None = None) -> tuple[tuple[Builder, int, int, int], bool]:
    """The letter's main part, and whether it is set on page 1 alone: a 信函格式 letter whose text
    and 落款 fit page 1 at the grid's or a closer pitch (:func:`_page_one_pitch`), at that pitch;
    any other letter on the grid, its pages broken by :func:`_keep_signature_with_body`."""
    measures = measures if measures is not None else Measures()  # one for every spacing tried
    title = title_lines(letter, measures)
    pitch = _page_one_pitch(tpl, letter, measures, title) if letter.kind == "letter" else None
    return _main_part(tpl, letter, LINE_PITCH if pitch is None else pitch, measures, title), pitch is not None


def fits_page_one(tpl: Template, letter: Letter, measures: Measures | None = None) -> bool:
    """Whether a 信函格式 letter's text and 落款 fit page 1 at the closest of PAGE_ONE_PITCHES, counted
    with its 函号 line (a draft's is blank but there): what a letter that may word itself more
    tightly asks before it does (an invitation, :mod:`liaison_docx.letters.invitation`)."""
    if letter.kind != "letter":
        return False
    numbered = letter if letter.doc_number else attrs.evolve(letter, doc_number="\u3000")
    measures = measures if measures is not None else Measures()
    return _need_at(tpl, numbered, PAGE_ONE_PITCHES[-1], measures, title_lines(numbered, measures)) <= TEXT_HEIGHT


def document_xml(tpl: Template, letter: Letter, measures: Measures | None = None) -> bytes:
    """``word/document.xml`` of the letter, its texts measured with the export's ``measures`` (else
    the letter's own)."""
    (b, start, first_body, sig), one_page = _on_one_page(tpl, letter, measures)
    # the pieces as placed up to the signature, where the 版记's pagination resumes (a letter set on
    # page 1 alone: none, its 版记 paginated from the start)
    placed: list[Placed] = [] if one_page else _keep_signature_with_body(b, start, first_body, sig)
    b.pitch = LINE_PITCH  # the attachments on the grid, each from a page of its own
    _attachments(b, letter)
    rows = record_rows(letter.cc, letter.printer,
                       format_date(letter.print_date) if letter.print_date is not None else None)
    # the pieces up to the signature stay where they were placed; the date, the last of them, is
    # placed again, as it may keep with what the attachments add after it
    own_section = _record(b, start, rows, letter, placed[:-1]) if rows else False
    b.out.append(_tiny())
    b.out.append(_section(letter.kind, title_page=letter.kind == "letter" and not own_section, even_page=own_section))
    return DECL + f"<w:document {ROOT_NS}><w:body>{b.xml()}</w:body></w:document>".encode()


@functools.cache
def _section(kind: str, *, title_page: bool, even_page: bool) -> str:
    """Section properties: A4, the GB/T margins, odd and even page-number footers, for the letter
    format a first page with the mark in its header and no number; ``even_page`` starts the section
    on the next even page."""
    refs = [("footerReference", "default", "rId4"), ("footerReference", "even", "rId5")]
    if title_page:
        refs = [("headerReference", "first", "rId7"), ("footerReference", "first", "rId6"), *refs]
    out = ["<w:sectPr>", *(f'<w:{tag} w:type="{ref}" r:id="{rid}"/>' for tag, ref, rid in refs)]
    if even_page:
        out.append('<w:type w:val="evenPage"/>')
    header = HEADER_LETTER if kind == "letter" else HEADER_DOCUMENT
    out.append(f'<w:pgSz w:w="{PAGE_SIZE[0]}" w:h="{PAGE_SIZE[1]}"/>'
               f'<w:pgMar w:top="{MARGINS["top"]}" w:right="{MARGINS["right"]}" w:bottom="{MARGINS["bottom"]}" '
               f'w:left="{MARGINS["left"]}" w:header="{header}" w:footer="{FOOTER}" w:gutter="0"/>'
               '<w:cols w:space="425"/>')
    if title_page:
        out.append("<w:titlePg/>")
    out.append(f'<w:docGrid w:type="lines" w:linePitch="{LINE_PITCH}"/></w:sectPr>')
    return "".join(out)


def header_xml(tpl: Template, letter: Letter, measures: Measures | None = None) -> bytes:
    """信函格式 first-page header: the mark 30 mm from the top, red double rule (thick over thin) 4 mm
    below it, 170 mm long and centred."""
    # 170 mm = 9638 twips, 793 more than the type area: the rule reaches 397 twips (7 mm) out each side.
    b = Builder(tpl, measures=measures)
    _, ppr, run = mark(b, letter.issuing_authority_mark, 0, 9638, 397, "thickThinSmallGap")
    return DECL + f'<w:hdr {ROOT_NS}>{para("GwMark", ppr, run)}</w:hdr>'.encode()
