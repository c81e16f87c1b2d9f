"""The letter's geometry: the GB/T 9704-2012 numbers, the 22 × 28 grid and the widths of text.

All lengths are twips (1/20 pt; 1 mm = 56.69 twips) unless a name says otherwise.

The 22 lines × 28 characters grid
---------------------------------
The type area is 156 mm × 225 mm (A4 less 28/26 mm left/right and 37/35 mm top/bottom margins),
i.e. 8845 × 12756 twips.  22 lines need a pitch of at most 12756 / 22 = 579.8 twips and 23 must not
fit, so every grid paragraph has an *exact* line spacing of 579 twips (28.95 pt).  28 characters of
16 pt (320 twips) need 8960 twips, 115 more than the line holds, so every body run is condensed by
0.25 pt (``w:spacing w:val="-5"``): 28 × 315 = 8820 ≤ 8845 < 29 × 315.  The section carries
``w:docGrid w:type="lines" w:linePitch="579"`` so Word's page set-up shows 22 lines per page, which
agrees with the exact spacing (the OOXML grid only governs line pitch for "lines"; it has no
character grid, so Word lays characters out at their condensed width).  LibreOffice 7.4 turns a
``docGrid`` of ``lines`` or ``linesAndChars`` into its own text grid, which it lays out differently
(19 lines × 27 and 19 × 14 characters measured); with ``w:snapToGrid w:val="0"`` on the paragraphs
and runs (set in the styles) LibreOffice ignores its grid and honours the exact spacing and the
condensed characters, rendering 22 × 28 — see ``tests/test_libreoffice.py``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable

from liaison_docx.letter_model import Table

PAGE_SIZE = (11906, 16838)
"""A4, 210 × 297 mm."""
MARGINS = {"top": 2098, "bottom": 1984, "left": 1587, "right": 1474}
"""37, 35, 28 and 26 mm."""
TEXT_WIDTH = PAGE_SIZE[0] - MARGINS["left"] - MARGINS["right"]  # 8845 = 156 mm
LINE_PITCH = 579
"""Exact line spacing of every grid line, twips (28.95 pt): 22 lines in 225 mm."""
CHAR_SPACING = -5
"""Character spacing of 3号 text, twentieths of a point (−0.25 pt): 28 characters in 156 mm."""
BODY_SIZE = 32  # half-points: 3号 = 16 pt
TITLE_SIZE = 44  # 2号 = 22 pt
SMALL_SIZE = 28  # 4号 = 14 pt: page numbers, 版记, tables
CHAR = 320 + CHAR_SPACING * 1  # one condensed 3号 character, twips (315)
SMALL_CHAR = 280  # one 4号 character, twips
MARK_MAX_SIZE = 72  # half-points (36 pt, 小初) for the issuing-authority mark
HEADER_LETTER = 1701  # 30 mm: the letter-format mark's top edge
HEADER_DOCUMENT = 851
FOOTER = 1268  # page-number line (exact 16 pt) tops out 7 mm below the type area
RED = "FF0000"
TEXT_HEIGHT = PAGE_SIZE[1] - MARGINS["top"] - MARGINS["bottom"]  # 12756 = 225 mm
LINES_PER_PAGE = TEXT_HEIGHT // LINE_PITCH  # 22
CELLS_PER_LINE = TEXT_WIDTH / CHAR  # 28.08
TITLE_LINE = 700  # exact line spacing of the title, twips (35 pt)
SMALL_LINE = 400  # exact line spacing of 4号 table and 版记 text, twips (20 pt)

# Widths of text in cells (one condensed CJK character).  Latin letters and digits are measured in
# LibreOffice with the free CJK fonts: 0.53 of a cell, and 0.22 of a cell where CJK and Latin
# meet (LibreOffice ignores w:autoSpaceDE="0").  Word with 仿宋_GB2312 sets digits at half a cell
# and no gap, so Word's lines are never longer than these counts.
LATIN_CELLS = 0.53
GAP_CELLS = 0.22
NO_LINE_START = set("，。、；：！？）》」』〕】”’…—·%")
NO_LINE_END = set("（《「『〔【“‘")


WORD_JOINER = "\u2060"
"""U+2060 between two characters forbids a line break between them (Word and LibreOffice both honour
it, and it has no width): see :func:`unbroken`."""


def unbroken(text: str) -> str:
    """``text`` that never breaks across lines (电话：0592-6051234): a word joiner between every two
    characters.  The line model below counts such a run as one piece."""
    return WORD_JOINER.join(text)


_WIDE_FROM = "\u2e80"  # CJK radicals onwards: one cell
_WIDE_MARKS = "—“”‘’…"


def wide(c: str) -> bool:
    # a comparison of one-character strings, not ord(): the line count calls this per token
    return c >= _WIDE_FROM or c in _WIDE_MARKS


def display_width(text: str) -> float:
    """Width in 3号 characters: CJK counts one, ASCII half (the nominal GB/T count)."""
    return sum(1.0 if wide(c) else 0.5 for c in text if c != WORD_JOINER)


Cells = Callable[[str], float]
"""How the functions below measure a piece of text: :func:`text_cells` itself, or an export's memo
of it (:class:`liaison_docx.measures.Measures`, which measures each text of the export once)."""


def text_cells(text: str) -> float:
    """Width of one line of text in cells as LibreOffice sets it (see LATIN_CELLS)."""
    # The widths are added one by one, left to right, as they always were: a float sum in another
    # order may differ in its last bit and move a line break.  Only all-wide text takes a shortcut,
    # exact because a sum of ones is.
    if _ALL_WIDE.fullmatch(text):
        return float(len(text))
    widths = [1.0 if c >= _WIDE_FROM or c in _WIDE_MARKS else LATIN_CELLS for c in text if c != WORD_JOINER]
    gaps: int = sum(map(operator.ne, widths, widths[1:]))  # one where the kind changes
    return sum(widths) + GAP_CELLS * gaps


_ALL_WIDE = re.compile(f"[{_WIDE_FROM}-\U0010ffff{_WIDE_MARKS}]*")


def _tokens(text: str) -> list[str]:
    """Pieces a line never breaks inside: characters joined by word joiners, one CJK character, or a
    run of Latin letters and digits."""
    # Without a word joiner the first alternative cannot match: the shorter pattern finds the same pieces.
    return (_JOINED_TOKENS if WORD_JOINER in text else _PLAIN_TOKENS).findall(text)


_JOINED_TOKENS = re.compile(r"(?:.\u2060)+.|[0-9A-Za-z.:/%\-]+|.", flags=re.S)
_PLAIN_TOKENS = re.compile(r"[0-9A-Za-z.:/%\-]+|.", flags=re.S)


def count_lines(text: str, width: float = CELLS_PER_LINE, first_indent: float = 0.0, *,
                cells: Cells = text_cells) -> int:
    """Lines a paragraph takes when ``width`` cells wide: greedy filling, Latin runs kept whole, and
    the line-start and line-end rules (禁则) LibreOffice and Word apply: a closing mark never starts
    a line (the character before it moves down with it), an opening mark never ends one.  ``cells``
    measures the pieces of several characters."""
    total = 0
    for part in text.split("\n"):
        total += _count_part(_tokens(part), width, first_indent if total == 0 else 0.0, cells)
    return total


def _count_part(tokens: list[str], width: float, indent: float, cells: Cells) -> int:
    lines, used, count_on_line = 1, indent, 0
    previous_wide: bool | None = None
    limit = width + 1e-6
    for i, token in enumerate(tokens):
        if len(token) == 1:  # most tokens: measured here as text_cells would (a cold memo costs a call each)
            is_wide = last_wide = token >= _WIDE_FROM or token in _WIDE_MARKS
            size = 1.0 if is_wide else LATIN_CELLS if token != WORD_JOINER else 0.0
        else:  # a Latin word, a number, a joined run: few, and measured once an export by ``cells``
            first, last = token[0], token[-1]
            size = cells(token)
            is_wide = first >= _WIDE_FROM or first in _WIDE_MARKS
            last_wide = last >= _WIDE_FROM or last in _WIDE_MARKS
        if previous_wide is not None and previous_wide != is_wide and count_on_line:
            size += GAP_CELLS
        if used + size > limit and count_on_line:
            carried = 0
            if token in NO_LINE_START and count_on_line > 1:
                carried = 1  # the character before the mark goes to the next line with it
            elif i and tokens[i - 1] in NO_LINE_END and count_on_line > 1:
                carried = 1
            while carried and count_on_line > carried + 1 and tokens[i - carried - 1] in NO_LINE_END:
                carried += 1  # …and an opening mark before that one (第一（三）: “（三” goes down together)
            lines += 1
            used = sum(cells(tokens[j]) for j in range(i - carried, i))
            count_on_line = carried
            size = cells(token)
        used += size
        count_on_line += 1
        previous_wide = last_wide
    return lines



CELL_MARGIN = 57  # left and right cell margin of body tables, twips (1 mm)
CELL_PAD = 2 * CELL_MARGIN + 40  # both margins and a little air


def cell_width(text: str) -> float:
    """Width of a table line in 4号 characters (the same measure as :func:`text_cells`)."""
    return text_cells(text)


def piece_need(piece: str, *, cells: Cells = text_cells) -> float:
    """The narrowest a piece of a line may be set: a run of CJK ideographs breaks anywhere (keep four
    on a line); anything with digits, Latin letters or brackets — a date, a time, a citation — is
    kept whole."""
    width = cells(piece)
    if all("\u3400" <= c <= "\u9fff" or c in "、，；" for c in piece):
        return min(width, 4.0)
    return width


_BREAKS = re.compile(r"(?<=[、，,；;/ ])")


def column_widths(table: Table, *, cells: Cells = text_cells, need: Cells = piece_need) -> list[int]:
    """Column widths in twips that add up to the type area's width.

    Each column wants its longest line (a 4号 character per CJK character, half for ASCII, plus the
    cell margins) and needs at least its longest unbreakable piece (a line cut after 、，；/ and
    spaces: a date, a time or a citation is one piece).  When the wants fit, every column gets its want
    and the slack is shared in proportion.  When they do not, the columns with the longest wants are
    narrowed to one common width but never below what they need (water-filling), so dates, times and
    citations stay on one line and lists of names wrap.  When even the needs do not fit, the needs are
    scaled down.  ``cells`` and ``need`` measure the lines and the pieces (an export's memos of
    :func:`text_cells` and :func:`piece_need`).
    """
    rows = (table.header, *table.rows)
    wants: list[int] = []
    needs: list[int] = []
    for c in range(len(table.header)):
        lines = [line for row in rows for line in row[c].split("\n")]
        pieces = [piece for line in lines for piece in _BREAKS.split(line)]
        wants.append(int(max(2.0, *(cells(x) for x in lines)) * SMALL_CHAR) + CELL_PAD)
        needs.append(int(max(2.0, *(need(x) for x in pieces)) * SMALL_CHAR) + CELL_PAD)
    total = sum(wants)
    if total <= TEXT_WIDTH:
        widths = [w + (TEXT_WIDTH - total) * w // total for w in wants]
    elif sum(needs) <= TEXT_WIDTH:
        def fit(cap: int) -> list[int]:
            return [max(n, min(w, cap)) for w, n in zip(wants, needs, strict=True)]

        lo, hi = 0, max(wants)
        while lo < hi:  # the widest common cap that still fits
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if sum(fit(mid)) <= TEXT_WIDTH else (lo, mid - 1)
        widths = fit(lo)
    else:
        widths = [n * TEXT_WIDTH // sum(needs) for n in needs]
    widths[-1] += TEXT_WIDTH - sum(widths)
    return widths

