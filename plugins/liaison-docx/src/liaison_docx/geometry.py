"""The letter's geometry: the GB/T 9704-2012 numbers, the 22 × 28 grid and the widths of text.

All lengths are twips (1/20 pt; 1 mm = 56.69 twips) unless a name says otherwise.

The 22 lines × 28 characters grid
---------------------------------
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

import itertools
import re

from liaison_docx.letter import Table

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


def display_width(text: str) -> float:
    """Width in 3号 characters: CJK counts one, ASCII half."""
    return sum(0.5 if ord(c) < 0x2E80 and c not in "—“”‘’…" else 1.0 for c in text)



CELL_MARGIN = 57  # left and right cell margin of body tables, twips (1 mm)
CELL_PAD = 2 * CELL_MARGIN + 40  # both margins and a little air


def wide(c: str) -> bool:
    return ord(c) >= 0x2E80 or c in "—“”‘’…"


def cell_width(text: str) -> float:
    """Width of a table line in 4号 characters, on the generous side: Latin letters and digits are a
    little over half a character in the CJK fonts, and LibreOffice puts about a quarter character
    between CJK and Latin text (it ignores w:autoSpaceDE="0")."""
    kinds = [wide(c) for c in text]
    gaps = sum(1 for a, b in itertools.pairwise(kinds) if a != b)
    return sum(1.0 if w else 0.56 for w in kinds) + 0.25 * gaps


def piece_need(piece: str) -> float:
    """The narrowest a piece of a line may be set: a run of CJK ideographs breaks anywhere (keep four
    on a line); anything with digits, Latin letters or brackets — a date, a time, a citation — is
    kept whole."""
    width = cell_width(piece)
    if all("\u3400" <= c <= "\u9fff" or c in "、，；" for c in piece):
        return min(width, 4.0)
    return width


_BREAKS = re.compile(r"(?<=[、，,；;/ ])")


def column_widths(table: Table) -> list[int]:
    """Column widths in twips that add up to the type area's width.

    Each column wants its longest line (a 4号 character per CJK character, half for ASCII, plus the
    cell margins) and needs at least its longest unbreakable piece (a line cut after 、，；/ and
    spaces: a date, a time or a citation is one piece).  When the wants fit, every column gets its want
    and the slack is shared in proportion.  When they do not, the columns with the longest wants are
    narrowed to one common width but never below what they need (water-filling), so dates, times and
    citations stay on one line and lists of names wrap.  When even the needs do not fit, the needs are
    scaled down.
    """
    rows = (table.header, *table.rows)
    wants: list[int] = []
    needs: list[int] = []
    for c in range(len(table.header)):
        lines = [line for row in rows for line in row[c].split("\n")]
        pieces = [piece for line in lines for piece in _BREAKS.split(line)]
        wants.append(int(max(2.0, *(cell_width(x) for x in lines)) * SMALL_CHAR) + CELL_PAD)
        needs.append(int(max(2.0, *(piece_need(x) for x in pieces)) * SMALL_CHAR) + CELL_PAD)
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

