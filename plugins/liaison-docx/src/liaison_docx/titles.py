"""Breaking a title into lines as GB/T 9704-2012 §7.3.3 asks: 回行时，要做到词意完整，排列对称，长短适宜，
间距恰当，标题排列应当使用梯形或菱形.

A title is a sequence of *units* that are never broken: organisation names, the words of a letter's
fixed pattern (关于 / 做好 / 的通知), numbers with their unit (2027年, 78周年), the pieces of a quoted
name (《…》, “…”).  Lines break only between units, so words stay whole by construction.  Among the
ways of breaking that fit the type area and leave no single character on a line, :func:`break_title`
takes the fewest lines that are :func:`balanced` (a 梯形 or 菱形 within :data:`BALANCE`; one line
more is tried before giving up on balance), keeping a quoted name shorter than a line whole when
that can be balanced, then the shortest longest line, with a small preference for a line not ending
in a function word (与, 的, 和, 及, 对).

:func:`title_units` splits free text into units without a dictionary: the names it is given, numbers
with their unit and punctuation-separated pieces stay whole, a quoted name's pieces end before 关于
and after 的, and a piece of data text between them is one unit.  Only a piece longer than a whole
line is cut, at the last of a few common endings of event names (会议, 大会, 座谈会 …) that leaves it
short enough, else in its middle.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from liaison_docx.geometry import TEXT_WIDTH, TITLE_SIZE, text_cells

__all__ = ["BALANCE", "TITLE_CELLS", "balanced", "break_title", "title_units"]

TITLE_CELLS = TEXT_WIDTH / (TITLE_SIZE * 10)
"""How many 2号 characters a title line holds (20.1: 8845 twips of 440)."""

_SLACK = 0.6  # cells kept free on a title line with Latin digits, whose width varies between fonts
_FUNCTION_WORDS = "与的和及对"
COMMON_NAMES = ("中华人民共和国", "中国共产党", "中国人民政治协商会议", "各民主党派", "民主党派", "工商联")
"""Names kept whole in any title, besides the organisation names a caller passes."""
_NUMBER = re.compile(r"[0-9０-９]+(?:\.[0-9]+)?(?:周年|年度|年|月|日|次|届|个|项|号)?")
_QUOTED = re.compile(r"《[^《》]*》|“[^“”]*”|（[^（）]*）")
_ENDINGS = ("座谈会", "招待会", "联席会议", "工作会议", "全体会议", "大会", "会议", "活动", "工作", "仪式", "论坛")


def _cells(units: Sequence[str]) -> float:
    return text_cells("".join(units))


def break_title(units: Sequence[str], capacity: float = TITLE_CELLS) -> list[str]:
    """The title's lines: breaks only between units, each line within ``capacity`` cells, no line of a
    single character; among those, the fewest lines that are :func:`balanced` (one more line is
    allowed to get there, e.g. the 菱形 关于印发 / 《…》 / 的通知), then, at that number of lines, one
    that keeps every quoted name shorter than a line whole, then the shortest longest line with the
    fewest lines ending in a function word.  When no way of breaking is balanced, the fewest lines
    with the least uneven ones.  A unit wider than a line gets a line of its own (never cut here)."""
    units = [u for u in units if u]
    if not units:
        return [""]

    def room(line: Sequence[str]) -> float:
        return capacity - (_SLACK if any(c.isascii() for c in "".join(line)) else 0.0)

    if _cells(units) <= room(units):
        return ["".join(units)]
    text = "".join(units)
    quotes = [(m.start(), m.end()) for m in _QUOTED.finditer(text) if text_cells(m.group()) <= capacity - _SLACK]
    ends = list(itertools.accumulate(len(u) for u in units))
    fewest: int | None = None
    fallback: tuple[tuple[int, float], list[str]] | None = None
    for count in range(2, len(units) + 1):
        if fewest is not None and count > fewest + 1:
            break
        best: tuple[tuple[int, float], list[str]] | None = None
        for cuts in itertools.combinations(range(1, len(units)), count - 1):
            bounds = (0, *cuts, len(units))
            lines = [units[a:b] for a, b in itertools.pairwise(bounds)]
            texts = ["".join(line) for line in lines]
            widths = [_cells(line) for line in lines]
            if any(w > room(line) for w, line in zip(widths, lines, strict=True) if len(line) > 1):
                continue
            if any(len(t) < 2 or t[0] in _CLOSING for t in texts):
                continue
            fewest = count if fewest is None else fewest
            endings = sum(t[-1] in _FUNCTION_WORDS for t in texts[:-1])
            inside = sum(a < ends[c - 1] < b for c in cuts for a, b in quotes)
            if count == fewest:
                uneven = (inside, max(widths) - min(widths) + 2.5 * endings)
                if fallback is None or uneven < fallback[0]:
                    fallback = (uneven, texts)
            if balanced(widths):
                score = (inside, max(widths) + 0.5 * (max(widths) - min(widths)) + 2.5 * endings)
                if best is None or score < best[0]:
                    best = (score, texts)
        if best is not None:
            return best[1]
    if fallback is not None:
        return fallback[1]
    return [text]  # pragma: no cover - one unit per line always fits the loop above


BALANCE = 0.5
"""How uneven a title's lines may be (GB/T 9704 §7.3.3 排列对称，长短适宜): in a 梯形 (lines growing or
shrinking) the shortest line holds at least half the cells of the longest; in a 菱形 (three or more
lines, the longest inside) the first and last lines are within that ratio of each other."""


def balanced(widths: Sequence[float], ratio: float = BALANCE) -> bool:
    """Whether title lines of these widths (in cells) make a 梯形 or a 菱形 within ``ratio``."""
    if len(widths) < 2:
        return True
    rising = [b - a > _TOLERANCE for a, b in itertools.pairwise(widths)]
    falling = [a - b > _TOLERANCE for a, b in itertools.pairwise(widths)]
    if not any(rising) or not any(falling):  # a 梯形 (or lines of equal length)
        return min(widths) >= ratio * max(widths)
    peak = max(range(len(widths)), key=lambda i: widths[i])
    unimodal = not any(falling[:peak]) and not any(rising[peak:])
    first, last = widths[0], widths[-1]
    return unimodal and min(first, last) >= ratio * max(first, last)


_TOLERANCE = 1.0  # lines within one cell of each other count as equal in a shape
_CLOSING = "、，；：。）》”"


def title_units(text: str, names: Iterable[str] = ()) -> list[str]:
    """Units of free text (an event's title, a document's name): ``names`` (organisation names) whole,
    numbers with their unit whole, quoted spans whole, punctuation kept at the end of its unit."""
    spans = _protected(text, names)
    quotes = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    units: list[str] = []
    pos = 0
    for start, end in [*spans, (len(text), len(text))]:
        fine = any(a <= pos and start <= b for a, b in quotes)
        units += _plain_units(text[pos:start], fine=fine)
        units.append(text[start:end])
        pos = end
    return _attach_punctuation([u for u in units if u])


def _protected(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping spans that must stay whole, longest names first."""
    taken = [False] * len(text)
    spans: list[tuple[int, int]] = []

    def claim(start: int, end: int) -> None:
        if end > start and not any(taken[start:end]):
            taken[start:end] = [True] * (end - start)
            spans.append((start, end))

    for name in sorted({n for n in (*names, *COMMON_NAMES) if n}, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            claim(m.start(), m.end())
    for m in _NUMBER.finditer(text):
        claim(m.start(), m.end())
    return sorted(spans)


def _plain_units(piece: str, *, fine: bool = False) -> list[str]:
    """A piece of text between protected spans: split after punctuation; a part too long for a line
    is cut at a common ending.  Inside a quote (``fine``) also before 关于 and after 的 (word
    boundaries in a document's name): :func:`break_title` breaks there only when the quote is longer
    than a line or no balanced lines keep it whole."""
    parts = [p for p in re.split(r"(?<=[、，；：])|(?=[（《“])|(?<=[）》”])", piece) if p]
    if fine:
        parts = [w for part in parts for w in re.split(r"(?<=.)(?=关于)|(?<=的)(?=.)", part) if w]
    units: list[str] = []
    for part in parts:
        units += _cut_long(part)
    return units


def _cut_long(part: str) -> list[str]:
    if text_cells(part) <= TITLE_CELLS - _SLACK:
        return [part]
    for ending in _ENDINGS:
        at = part.rfind(ending, 1)
        if at > 0 and text_cells(part[:at]) <= TITLE_CELLS - _SLACK:
            return [*_cut_long(part[:at]), part[at:]]
    middle = len(part) // 2
    return [*_cut_long(part[:middle]), *_cut_long(part[middle:])]


def _attach_punctuation(units: list[str]) -> list[str]:
    """A unit that is only closing punctuation joins the unit before it (a line never starts with 、),
    one that is only opening punctuation joins the unit after it (a line never ends with 《)."""
    out: list[str] = []
    opening = ""
    for unit in units:
        if out and all(c in "、，；：。）》”" for c in unit):
            out[-1] += unit
        elif all(c in "（《“" for c in unit):
            opening += unit
        else:
            out.append(opening + unit)
            opening = ""
    if opening:
        out.append(opening)
    return out
