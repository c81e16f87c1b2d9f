"""Pagination computed from the grid: where each piece of a letter falls, page by page.

There is no OOXML layout engine in Python, but the page is a grid: body lines are exactly 579 twips,
a paragraph's line count follows from its width in cells (:func:`liaison_docx.geometry.count_lines`),
a table row's height from its cells' lines at 4号, and the first page's furniture (mark, number,
rule, title) from its fixed spacing.  :func:`paginate` places a sequence of :class:`Piece` objects the
way LibreOffice and Word do — paragraphs split between lines with two lines kept at each side
(widow and orphan control), a heading kept with what follows, table rows never split and the header
row repeated, page breaks where asked — and says on which page and at which height each piece ends.

The document builder uses it to decide what the engines cannot be told: which paragraph starts a
page so that the 落款 goes with the last lines of the body and no page is left under a third full,
and whether the 版记 fits at the foot of the last page or needs an even page of its own.  The tests
check the predictions against LibreOffice's PDF for every letter the exporter writes.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from liaison_docx.geometry import LINE_PITCH, TEXT_HEIGHT

__all__ = ["Piece", "Placed", "height", "paginate"]


@frozen(kw_only=True)
class Piece:
    """A paragraph of ``lines`` lines of ``pitch`` twips after ``before`` twips of space, or (with
    ``rows``) a table of rows of those heights whose first row repeats on each page."""

    lines: int = 1
    pitch: int = LINE_PITCH
    before: int = 0
    keep_next: bool = False
    page_break: bool = False
    rows: tuple[int, ...] = ()
    split: bool = True  # a paragraph may be split between pages (two lines kept on each side)


@frozen
class Placed:
    first_page: int
    last_page: int
    top: int  # twips from the top of the type area where the piece starts, on first_page
    bottom: int  # where it ends, on last_page


def paginate(pieces: Sequence[Piece], start: int = 0, *, placed_before: Sequence[Placed] = ()) -> list[Placed]:
    """Place the pieces from ``start`` twips below the top of page 1's type area.

    ``placed_before``: where an earlier pagination placed the first of these pieces, when they are the
    same pieces (the one after them may differ in ``page_break`` only): only the rest are placed, from
    where the last of those ended (each piece's place depends only on where the one before it ended
    and on the least of the one after it, which ignores ``page_break``)."""
    placed = list(placed_before)
    page, y = (placed[-1].last_page, placed[-1].bottom) if placed else (1, start)
    for i in range(len(placed), len(pieces)):
        piece = pieces[i]
        if piece.page_break and (y > 0 or page == 1):
            page, y = page + 1, 0
        if piece.keep_next and i + 1 < len(pieces) and y > 0:
            need = _whole(piece) + _least(pieces[i + 1])
            if y + need > TEXT_HEIGHT:
                page, y = page + 1, 0
        if piece.rows:
            result, page, y = _table(piece, page, y)
        else:
            result, page, y = _paragraph(piece, page, y)
        placed.append(result)
    return placed


def height(pieces: Sequence[Piece]) -> int:
    """How tall the pieces are set one under the other, page breaks aside, twips."""
    return sum(_whole(piece) for piece in pieces)


def _whole(piece: Piece) -> int:
    return piece.before + (sum(piece.rows) if piece.rows else piece.lines * piece.pitch)


def _least(piece: Piece) -> int:
    """The least of a piece that must come onto a page with what keeps with it."""
    if piece.rows:
        return sum(piece.rows[:2])
    keep = piece.lines if piece.lines <= 3 or not piece.split else 2
    return piece.before + keep * piece.pitch


def _paragraph(piece: Piece, page: int, y: int) -> tuple[Placed, int, int]:
    y += piece.before
    if y + piece.pitch > TEXT_HEIGHT:
        page, y = page + 1, 0
    first_page, top = page, y
    remaining = piece.lines
    while True:
        fit = (TEXT_HEIGHT - y) // piece.pitch
        if fit >= remaining:
            y += remaining * piece.pitch
            break
        # widow and orphan control: at least two lines on each side of a page break
        take = min(fit, remaining - 2) if piece.split else 0
        if take < 2:
            take = fit if y == 0 else 0  # only a paragraph taller than a page splits anyhow
        if take == 0 and remaining == piece.lines:
            first_page, top = page + 1, 0  # the whole paragraph moves on
        remaining -= take
        page, y = page + 1, 0
    return Placed(first_page, page, top, y), page, y


def _table(piece: Piece, page: int, y: int) -> tuple[Placed, int, int]:
    header, rows = piece.rows[0], piece.rows[1:]
    if y + header + (rows[0] if rows else 0) > TEXT_HEIGHT and y > 0:
        page, y = page + 1, 0
    first_page, top = page, y
    y += header
    for row in rows:
        if y + row > TEXT_HEIGHT:
            page, y = page + 1, header  # the header row repeats at the top of the next page
        y += row
    return Placed(first_page, page, top, y), page, y
