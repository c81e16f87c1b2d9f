"""The title breaker by dynamic programming and the one-matcher name finder give exactly what the
exhaustive breaker and the regex-per-name finder they replaced gave (kept here as the oracles)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from hypothesis import example, given, settings
from hypothesis import strategies as st
from liaison.formats.district import seed_district

from liaison_docx.geometry import text_cells
from liaison_docx.letters.invitation import org_matcher, org_names
from liaison_docx.titles import (
    _CLOSING,
    _FUNCTION_WORDS,
    _QUOTED,
    _SLACK,
    COMMON_NAMES,
    TITLE_CELLS,
    Names,
    balanced,
    break_title,
    title_units,
)
from liaison_docx.titles import _protected as protected


def exhaustive_break(units: Sequence[str], capacity: float = TITLE_CELLS) -> list[str]:
    """The breaker as it was before the dynamic programming: every combination of cut points."""
    units = [u for u in units if u]
    if not units:
        return [""]

    def cells(line: Sequence[str]) -> float:
        return text_cells("".join(line))

    def room(line: Sequence[str]) -> float:
        return capacity - (_SLACK if any(c.isascii() for c in "".join(line)) else 0.0)

    if cells(units) <= room(units):
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
            widths = [cells(line) for line in lines]
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
    return [text]


def regex_protected(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """The name spans as found before the matcher: one regex per name, longest names first (and, as
    the matcher now orders them, names of one length in their own order)."""
    taken = [False] * len(text)
    spans: list[tuple[int, int]] = []
    for name in sorted({n for n in (*names, *COMMON_NAMES) if n}, key=lambda n: (-len(n), n)):
        for m in re.finditer(re.escape(name), text):
            if not any(taken[m.start():m.end()]):
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
                spans.append((m.start(), m.end()))
    return spans


PIECES = ["关于", "邀请", "出席", "区人民政府", "与", "各民主党派、", "工商联", "联系", "工作会议", "的函", "2027年",
          "78周年", "《区政府关于加强联系工作的意见》", "“三服务”", "的", "对", "九三学社", "和", "、", "）", "座谈会",
          "区委统战部", "A", "中国人民政治协商会议厦门市海沧区委员会", "民建"]
UNITS = st.lists(st.one_of(st.sampled_from(PIECES), st.text(alphabet="联系会议区局党派的与abc1（）、", min_size=1,
                                                           max_size=12)), min_size=1, max_size=9)


@settings(max_examples=400, deadline=None)
@given(units=UNITS, capacity=st.sampled_from([TITLE_CELLS, 12.0, 8.0, 6.5]))
@example(units=["关于", "邀请", "出席", "区人民政府", "与各民主党派、工商联联系工作会议", "的函"], capacity=TITLE_CELLS)
@example(units=["关于", "印发", "《区人民政府关于进一步加强和改进联系工作的意见》", "的通知"], capacity=TITLE_CELLS)
def test_the_dynamic_programming_break_is_the_exhaustive_break(units: list[str], capacity: float) -> None:
    assert break_title(units, capacity) == exhaustive_break(units, capacity)


def test_the_seed_titles_break_as_exhaustively() -> None:
    district = seed_district()
    names = org_matcher(district)
    titles = [f"{o.name}与各民主党派、工商联联系工作会议" for o in district.organisations]
    for title in titles:
        units = ["关于", "邀请", "出席", *title_units(title, names), "的函"]
        assert break_title(units) == exhaustive_break(units)


def test_a_broken_title_is_a_fresh_list_each_time() -> None:
    units = ["关于", "做好", "2027年", "区卫生局", "与", "民主党派、", "工商联", "对口联系", "工作", "的通知"]
    first = break_title(units)
    first.append("changed")
    assert break_title(units) == exhaustive_break(units)


NAME = st.text(alphabet="区人民政府党派联系工商会", min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="区人民政府党派联系工商会2年的《》", max_size=40), names=st.lists(NAME, max_size=12))
@example(text="ABCD", names=["AB", "BCD"])
@example(text="AAAA", names=["AA", "A"])
def test_the_name_matcher_finds_the_spans_one_regex_per_name_found(text: str, names: list[str]) -> None:
    assert protected(text, Names(names)) == sorted([*regex_protected(text, names),
                                                    *_numbers_left(text, regex_protected(text, names))])


def _numbers_left(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    from liaison_docx.titles import _NUMBER

    taken = [False] * len(text)
    for a, b in spans:
        taken[a:b] = [True] * (b - a)
    out = []
    for m in _NUMBER.finditer(text):
        if m.end() > m.start() and not any(taken[m.start():m.end()]):
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            out.append((m.start(), m.end()))
    return out


def test_one_matcher_per_district_and_the_same_units_as_the_names() -> None:
    district = seed_district()
    assert org_matcher(district) is org_matcher(district)
    title = "纪念九三学社成立78周年暨区工商联联系工作会议"
    assert title_units(title, org_matcher(district)) == title_units(title, org_names(district))
