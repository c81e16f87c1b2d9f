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
from typing import Any, NamedTuple

from liaison_docx.geometry import TEXT_WIDTH, TITLE_SIZE, Cells, text_cells

__all__ = ["BALANCE", "TITLE_CELLS", "Names", "balanced", "break_title", "break_units", "title_units"]

TITLE_CELLS = TEXT_WIDTH / (TITLE_SIZE * 10)
"""How many 2号 characters a title line holds (20.1: 8845 twips of 440)."""

_SLACK = 0.6  # cells kept free on a title line with Latin digits, whose width varies between fonts
_FUNCTION_WORDS = "与的和及对"
COMMON_NAMES = ("中华人民共和国", "中国共产党", "中国人民政治协商会议", "各民主党派", "民主党派", "工商联")
"""Names kept whole in any title, besides the organisation names a caller passes."""
_NUMBER = re.compile(r"[0-9０-９]+(?:\.[0-9]+)?(?:周年|年度|年|月|日|次|届|个|项|号)?")
_QUOTED = re.compile(r"《[^《》]*》|“[^“”]*”|（[^（）]*）")
_ENDINGS = ("座谈会", "招待会", "联席会议", "工作会议", "全体会议", "大会", "会议", "活动", "工作", "仪式", "论坛")


def break_title(units: Sequence[str], capacity: float = TITLE_CELLS, *, cells: Cells = text_cells) -> list[str]:
    """The title's lines: breaks only between units, each line within ``capacity`` cells, no line of a
    single character; among those, the fewest lines that are :func:`balanced` (one more line is
    allowed to get there, e.g. the 菱形 关于印发 / 《…》 / 的通知), then, at that number of lines, one
    that keeps every quoted name shorter than a line whole, then the shortest longest line with the
    fewest lines ending in a function word.  When no way of breaking is balanced, the fewest lines
    with the least uneven ones.  A unit wider than a line gets a line of its own (never cut here).
    Ties go to the earliest cut points.  ``cells`` measures the lines.  An export breaks each title
    once however many letters carry it (an invitation per invitee) with
    :meth:`liaison_docx.measures.Measures.break_title`."""
    return list(break_units(tuple(u for u in units if u), capacity, cells))


def break_units(units: tuple[str, ...], capacity: float, cells: Cells = text_cells) -> tuple[str, ...]:
    """:func:`break_title` of units none of which is empty, as a tuple (what an export's memo keeps)."""
    if not units:
        return ("",)
    text = "".join(units)
    if cells(text) <= _room(text, capacity):
        return (text,)
    quotes = [(m.start(), m.end()) for m in _QUOTED.finditer(text) if cells(m.group()) <= capacity - _SLACK]
    n = len(units)
    ends = (0, *itertools.accumulate(len(u) for u in units))
    # Every line a break may make, [a, b) in units: its text, its width, and whether it may stand.
    # (its end, its width, whether it ends in a function word); a line holds Latin text (and keeps
    # _SLACK free) when one of its units does: the units are searched once, not every line
    latin = (0, *itertools.accumulate(1 if _ASCII.search(u) else 0 for u in units))
    segments: list[list[tuple[int, float, bool]]] = [[] for _ in range(n)]
    for a in range(n):
        for b in range(a + 1, n + 1):
            line = text[ends[a]:ends[b]]
            width = cells(line)
            if b - a > 1 and width > (capacity - _SLACK if latin[b] > latin[a] else capacity):
                break  # a longer line is wider still
            if len(line) >= 2 and line[0] not in _CLOSING:
                segments[a].append((b, width, line[-1] in _FUNCTION_WORDS))
    inside = [0] + [sum(a < ends[c] < b for a, b in quotes) for c in range(1, n)]
    # Dynamic programming over cut points, one layer per line.  The score of a way of breaking rests
    # on its cuts through quotes and its lines ending in a function word (both summed line by line)
    # and on its widths through the first, last, shortest and longest line and the shape flags that
    # decide :func:`balanced`; ways that agree on the latter are interchangeable for every
    # continuation, so only the best of them (fewest cuts through quotes, then fewest function-word
    # endings, then the earliest cut points, as the exhaustive order would have it) is kept.
    layer: dict[int, dict[_Shape, _Way]] = {0: {_Shape.empty(): (0, 0, ())}}
    fewest: int | None = None
    fallback: tuple[tuple[int, float], tuple[int, ...], tuple[str, ...]] | None = None
    for count in range(1, n + 1):
        if fewest is not None and count > fewest + 1:
            break
        nxt: dict[int, dict[_Shape, _Way]] = {}
        final = count == n  # only a line to the end may follow
        for a, states in layer.items():
            through = inside[a] if a else 0
            for shape, (cut_in, endings, cuts) in states.items():
                cut_in += through
                if a:
                    cuts = (*cuts, a)
                then = shape.then
                for b, width, function_end in segments[a]:
                    if b != n:
                        if final:
                            continue
                        way = (cut_in, endings + function_end, cuts)
                    else:
                        way = (cut_in, endings, cuts)
                    key = then(width)
                    ways = nxt.get(b)
                    if ways is None:
                        ways = nxt[b] = {}
                    held = ways.get(key)
                    if held is None or way < held:
                        ways[key] = way
        layer = {b: states for b, states in nxt.items() if b < n}
        done = nxt.get(n, {})
        if count < 2 or not done:
            continue
        fewest = count if fewest is None else fewest
        best: tuple[tuple[int, float], tuple[int, ...], tuple[str, ...]] | None = None
        for shape, (cut_in, endings, cuts) in done.items():
            lines = tuple(text[ends[a]:ends[b]] for a, b in itertools.pairwise((0, *cuts, n)))
            if count == fewest:
                uneven = (cut_in, shape.high - shape.low + 2.5 * endings)
                if fallback is None or (uneven, cuts) < fallback[:2]:
                    fallback = (uneven, cuts, lines)
            if shape.balanced(BALANCE):
                score = (cut_in, shape.high + 0.5 * (shape.high - shape.low) + 2.5 * endings)
                if best is None or (score, cuts) < best[:2]:
                    best = (score, cuts, lines)
        if best is not None:
            return best[2]
    if fallback is not None:
        return fallback[2]
    return (text,)  # pragma: no cover - one unit per line always fits the loop above


def _room(line: str, capacity: float) -> float:
    return capacity - (_SLACK if _ASCII.search(line) else 0.0)


_ASCII = re.compile(r"[\x00-\x7f]")  # a search in C: called for every line a break may make


_Way = tuple[int, int, tuple[int, ...]]
"""A way of breaking so far: cuts through quotes, lines ending in a function word, the cut points."""


class _Shape(NamedTuple):
    """What :func:`balanced` needs to know of the lines so far: the first, last, shortest and longest
    widths, whether a line rose or fell by more than the tolerance, whether a line fell before the
    (first) longest one and whether one rose after it.

    A named tuple, not an attrs class: the break makes one per way of breaking extended by a line and
    keys its table by them, and a tuple's construction, hash and equality are C's (the frozen attrs
    class's generated ``__init__`` and ``__hash__`` were a fifth of a cold break)."""

    first: float
    last: float
    low: float
    high: float
    rose: bool
    fell: bool
    fell_before_peak: bool
    rose_after_peak: bool

    @classmethod
    def empty(cls) -> _Shape:
        return cls(-1.0, -1.0, -1.0, -1.0, False, False, False, False)

    def then(self, width: float) -> _Shape:
        if self.first < 0:
            return _Shape(width, width, width, width, False, False, False, False)
        rising, falling = width - self.last > _TOLERANCE, self.last - width > _TOLERANCE
        fell = self.fell or falling
        if width > self.high:  # a new longest line: every fall so far is before it, no rise after it
            return _Shape(self.first, width, self.low, width, self.rose or rising, fell, self.fell, False)
        return _Shape(self.first, width, min(self.low, width), self.high, self.rose or rising, fell,
                      self.fell_before_peak, self.rose_after_peak or rising)

    def balanced(self, ratio: float) -> bool:
        """:func:`balanced` of the widths this shape summarises (two lines or more)."""
        if not self.rose or not self.fell:
            return self.low >= ratio * self.high
        unimodal = not self.fell_before_peak and not self.rose_after_peak
        return unimodal and min(self.first, self.last) >= ratio * max(self.first, self.last)


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


class Names:
    """One matcher for the names a district's titles keep whole (its organisations' names, short names
    and aliases, and :data:`COMMON_NAMES`), built once per district: a character trie, walked from
    each position of a title, so a title costs its length times the longest name matched, however
    many organisations the district has."""

    __slots__ = ("_rank", "_trie")

    def __init__(self, names: Iterable[str] = ()) -> None:
        # Longest names claim first; among names of one length, the order of the names themselves
        # (the order only matters where two such names overlap in a title, and must not be the
        # process's string-hash order).
        order = sorted({n for n in (*names, *COMMON_NAMES) if n}, key=lambda n: (-len(n), n))
        self._rank = {n: i for i, n in enumerate(order)}
        self._trie: dict[str, dict[str, Any]] = {}
        for name in order:
            node = self._trie
            for c in name:
                node = node.setdefault(c, {})
            node[_END] = name  # type: ignore[assignment]

    def occurrences(self, text: str) -> list[tuple[int, int]]:
        """Each name's occurrences in ``text`` as ``re.finditer`` would find them (left to right, not
        overlapping each other), names in the order they claim their spans."""
        found: dict[str, list[tuple[int, int]]] = {}
        for i in range(len(text)):
            node = self._trie
            for j in range(i, len(text)):
                nxt = node.get(text[j])
                if nxt is None:
                    break
                node = nxt
                name = node.get(_END)
                if name is not None:
                    spans = found.setdefault(name, [])  # type: ignore[arg-type]
                    if not spans or spans[-1][1] <= i:
                        spans.append((i, j + 1))
        return [span for name in sorted(found, key=self._rank.__getitem__) for span in found[name]]


_END = ""  # a trie node's key for the name ending there (no character is the empty string)
_COMMON = Names()  # the common names alone: a title of no district's names (an attachment's)


def title_units(text: str, names: Names | Iterable[str] = ()) -> list[str]:
    """Units of free text (an event's title, a document's name): ``names`` (organisation names, or a
    :class:`Names` built once for them) whole, numbers with their unit whole, quoted spans whole,
    punctuation kept at the end of its unit."""
    if not isinstance(names, Names):
        names = _COMMON if names == () else Names(names)
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


def _protected(text: str, names: Names) -> list[tuple[int, int]]:
    """Non-overlapping spans that must stay whole, longest names first."""
    taken = [False] * len(text)
    spans: list[tuple[int, int]] = []

    def claim(start: int, end: int) -> None:
        if end > start and not any(taken[start:end]):
            taken[start:end] = [True] * (end - start)
            spans.append((start, end))

    for start, end in names.occurrences(text):
        claim(start, end)
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
