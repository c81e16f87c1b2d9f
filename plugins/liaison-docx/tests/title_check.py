"""What is wrong with a title's lines, read as GB/T 9704-2012 §7.3.3 asks (回行时词意完整，排列对称，长短
适宜), independently of how :mod:`liaison_docx.titles` breaks them: the layout tests run it over the
lines LibreOffice printed, test_titles over the breaker's lines and over the defects issue #13 found.
A helpers module (no test module imports another)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from liaison_docx.geometry import text_cells
from liaison_docx.titles import TITLE_CELLS

#: The words of the letters' fixed title patterns (关于做好…的通知, 关于邀请出席…的函 …) and of event names.
PATTERN_WORDS = ("关于", "做好", "邀请", "出席", "参加", "征求", "意见", "反馈", "调整", "时间", "改期", "取消",
                 "对口联系", "联系", "工作", "的通知", "的函", "联席会议", "工作会议", "全体会议", "座谈会", "大会",
                 "纪念", "成立", "调研报告", "民主党派", "工商联")
NUMBER = re.compile(r"[0-9]+(?:周年|年度|年|月|日|届|次|号)?")
RATIO = 0.5
"""A 梯形's shortest line holds at least half the cells of its longest; a 菱形's first and last lines
are within that ratio of each other."""


def title_defects(lines: Sequence[str], names: Iterable[str] = ()) -> list[str]:
    """Every defect of ``lines`` (empty when the title is well broken); ``names`` are the names of the
    district's organisations, which never break."""
    title = "".join(lines)
    found: list[str] = []
    widths = [text_cells(line) for line in lines]
    for line, width in zip(lines, widths, strict=True):
        if width > TITLE_CELLS:
            found.append(f"too long for a line: {line}")
        if len(line) < 2:
            found.append(f"a lone character on a line: {line}")
        if line[:1] in "、，；：。）》”":
            found.append(f"a line begins with punctuation: {line}")
    breaks = set(_breaks(lines))
    # a quoted name may break, between words, when keeping it whole leaves the lines unbalanced
    wholes = [(m.start(), m.end()) for m in NUMBER.finditer(title)]
    for word in {*names, *PATTERN_WORDS}:
        wholes += [(m.start(), m.end()) for m in re.finditer(re.escape(word), title)] if word else []
    for start, end in wholes:
        inside = [b for b in breaks if start < b < end]
        if inside:
            found.append(f"broken inside {title[start:end]}: {' / '.join(lines)}")
    if not _balanced(widths):
        found.append(f"unbalanced ({', '.join(f'{w:g}' for w in widths)} cells): {' / '.join(lines)}")
    return sorted(set(found))


def _breaks(lines: Sequence[str]) -> list[int]:
    pos, out = 0, []
    for line in lines[:-1]:
        pos += len(line)
        out.append(pos)
    return out


def _balanced(widths: Sequence[float]) -> bool:
    if len(widths) < 2:
        return True
    top = widths.index(max(widths))
    growing = all(b >= a - 1 for a, b in itertools.pairwise(widths[:top + 1]))
    shrinking = all(b <= a + 1 for a, b in itertools.pairwise(widths[top:]))
    if not (growing and shrinking):
        return False  # neither 梯形 nor 菱形 (a short line between long ones)
    if top in (0, len(widths) - 1) or max(widths) - max(widths[0], widths[-1]) <= 1:  # 梯形
        return min(widths) >= RATIO * max(widths)
    return min(widths[0], widths[-1]) >= RATIO * max(widths[0], widths[-1])  # 菱形
