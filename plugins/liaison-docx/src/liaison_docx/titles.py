"""Breaking a title into lines as GB/T 9704-2012 §7.3.3 asks: 回行时，要做到词意完整，排列对称，长短适宜，
间距恰当，标题排列应当使用梯形或菱形.

A title is a sequence of *units* that are never broken: organisation names, the words of a letter's
fixed pattern (关于 / 做好 / 的通知), numbers with their unit (2027年, 78周年), quoted names (《…》,
“…”).  Lines break only between units, so words stay whole by construction; among the ways of
breaking that fit the type area, :func:`break_title` takes the fewest lines, then the most even ones
(the longest line minus the shortest, in cells), with a small preference for a line not ending in a
function word (与, 的, 和, 及, 对) and never a single character on a line of its own.

:func:`title_units` splits free text into units without a dictionary: the names it is given, numbers
with their unit, quoted spans and punctuation-separated pieces stay whole, and a piece of data text
between them is one unit.  Only a piece longer than a whole line is cut, at the last of a few common
endings of event names (会议, 大会, 座谈会 …) that leaves it short enough, else in its middle.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from liaison_docx.geometry import TEXT_WIDTH, TITLE_SIZE, text_cells

__all__ = ["TITLE_CELLS", "break_title", "title_units"]

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
    """The title's lines: breaks only between units, the fewest lines that fit ``capacity`` cells,
    then the most balanced.  A unit wider than a line gets a line of its own (it is never cut here)."""
    units = [u for u in units if u]
    if not units:
        return [""]
    def room(line: Sequence[str]) -> float:
        return capacity - (_SLACK if any(c.isascii() for c in "".join(line)) else 0.0)

    if _cells(units) <= room(units):
        return ["".join(units)]
    best: tuple[float, list[str]] | None = None
    for count in range(2, len(units) + 1):
        for cuts in itertools.combinations(range(1, len(units)), count - 1):
            bounds = (0, *cuts, len(units))
            lines = [units[a:b] for a, b in itertools.pairwise(bounds)]
            widths = [_cells(line) for line in lines]
            if any(w > room(line) for w, line in zip(widths, lines, strict=True) if len(line) > 1):
                continue
            score = _score(lines, widths)
            if best is None or score < best[0]:
                best = (score, ["".join(line) for line in lines])
        if best is not None:
            return best[1]
    return ["".join(units)]  # pragma: no cover - one unit per line always fits the loop above


def _score(lines: Sequence[Sequence[str]], widths: Sequence[float]) -> float:
    """Lower is better: uneven lines cost their difference in cells; a lone character, a line ending
    in a function word or beginning with punctuation costs more."""
    score = max(widths) - min(widths)
    for line, width in zip(lines, widths, strict=True):
        text = "".join(line)
        if width <= 1.0:
            score += 100
        if text[-1] in _FUNCTION_WORDS:
            score += 2.5
        if text[0] in "、，；：。）》”":
            score += 100
    return score


def title_units(text: str, names: Iterable[str] = ()) -> list[str]:
    """Units of free text (an event's title, a document's name): ``names`` (organisation names) whole,
    numbers with their unit whole, quoted spans whole, punctuation kept at the end of its unit."""
    spans = _protected(text, names)
    units: list[str] = []
    pos = 0
    for start, end in spans:
        units += _plain_units(text[pos:start])
        units.append(text[start:end])
        pos = end
    units += _plain_units(text[pos:])
    return _attach_punctuation(units)


def _protected(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Non-overlapping spans that must stay whole, longest names first."""
    taken = [False] * len(text)
    spans: list[tuple[int, int]] = []

    def claim(start: int, end: int) -> None:
        if end > start and not any(taken[start:end]):
            taken[start:end] = [True] * (end - start)
            spans.append((start, end))

    for m in _QUOTED.finditer(text):  # a quoted name too long for a line is split inside, like free text
        if text_cells(m.group()) <= TITLE_CELLS - _SLACK:
            claim(m.start(), m.end())
    for name in sorted({n for n in (*names, *COMMON_NAMES) if n}, key=len, reverse=True):
        for m in re.finditer(re.escape(name), text):
            claim(m.start(), m.end())
    for m in _NUMBER.finditer(text):
        claim(m.start(), m.end())
    return sorted(spans)


def _plain_units(piece: str) -> list[str]:
    """A piece of text between protected spans: split after punctuation; a part too long for a line
    is cut at a common ending."""
    parts = [p for p in re.split(r"(?<=[、，；：])|(?=[（《“])|(?<=[）》”])", piece) if p]
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
