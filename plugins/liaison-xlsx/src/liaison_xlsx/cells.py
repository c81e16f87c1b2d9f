"""Reading one cell as a clerk filled it in: dates, yes/no, kinds, organisations and text.

Each reader takes the value openpyxl gives (text, a number, a date-time, a boolean or None) and
returns the typed value, ``None`` for an empty cell, or raises :class:`~liaison.base.errors.Refused` with the
reason in English and Chinese (and the fix); the ledger reader adds the file, the sheet and the cell.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from liaison.base.text import COMPACT_DATE, date_in_range, make_date, not_a_date, office_date
from liaison.base.text import FIRST_YEAR as FIRST_YEAR  # the dates a cell may hold (docs/limits.md)
from liaison.base.text import LAST_YEAR as LAST_YEAR
from liaison_xlsx.domain import Directory, Refused


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
    # a whole number as Excel shows it (0, not 0.0): openpyxl gives 0.0 or 0 as the file wrote it,
    # calamine always 0.0, and a message must not depend on which read it
    number = type(value) is float or type(value) is int
    text = (value.isoformat() if isinstance(value, dt.date | dt.time) else
            _number_text(value) if number else str(value))
    return text if len(text) <= 40 else text[:39] + "…"


# ------------------------------------------------------------------------------------------ text
def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def text(value: Any, *, single_line: bool = False) -> str | None:
    """Text; a number becomes its digits (文号 15). A date-time means Excel turned what was typed into a
    date (2026-8 becomes 1 August), which cannot be undone here."""
    if type(value) is str and "\n" not in value and "\r" not in value and (not single_line or "\t" not in value):
        return value.strip() or None  # the common case, quickly
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        raise Refused(f"expected text, but the cell holds the date {_shown(value)}",
                          f"这里应填文字，但单元格里是日期 {_shown(value)}（Excel 把输入当成了日期）",
                          "format the cell as text and type it again",
                          "请把单元格格式设为“文本”后重新输入")
    if not isinstance(value, str):
        raise Refused(f"expected text, not {_shown(value)}", f"这里应填文字，而不是 {_shown(value)}")
    lines = [line.strip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not single_line:
        return "\n".join(lines)
    joined = ""
    for line in lines:
        # a line break inside Chinese text is a break, not a word gap
        gap = "" if not joined or _wide(joined[-1]) or _wide(line[0]) else " "
        joined += gap + line
    return joined.replace("\t", " ")


def line(value: Any) -> str | None:
    return text(value, single_line=True)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


# ------------------------------------------------------------------------------------------ dates
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# the dates offices type, as text, are read as a CSV register reads them (liaison.base.text.office_date)
_COMPACT, _make_date, _in_range = COMPACT_DATE, make_date, date_in_range


def date(value: Any) -> dt.date | None:
    """An Excel date, or text as offices write it: 2027-3-1, 2027/3/1, 2027.3.1, 2027年3月1日, 20270301.
    A bare number is an Excel date serial whose format was lost (or 20270301)."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return _in_range(value.date(), _shown(value.date()))
    if isinstance(value, dt.date):
        return _in_range(value, _shown(value))
    if isinstance(value, dt.time):
        raise Refused(f"the cell holds a time of day ({_shown(value)}), not a date",
                          f"单元格里是时间（{_shown(value)}），不是日期", "write the date, e.g. 2027-3-1",
                          "请填写日期，如 2027-3-1")
    if isinstance(value, bool):
        raise _not_a_date(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            value = int(value)  # a date-time serial: the day is the whole part
        number = int(value)
        compact = _COMPACT.match(str(number))
        if compact:
            return _make_date(int(compact[1]), int(compact[2]), int(compact[3]), str(number))
        if 0 < number < 2958466:  # Excel's serials run to 9999-12-31
            return _in_range(_EXCEL_EPOCH + dt.timedelta(days=number), f"{number}")
        raise _not_a_date(value)
    if isinstance(value, str):
        return office_date(value)
    raise _not_a_date(value)


def _not_a_date(value: Any) -> Refused:
    return not_a_date(_shown(value))


# ------------------------------------------------------------------------------------------ choices
YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔", "已召开", "召开", "已举行", "举行", "已办"})
NO = frozenset({"否", "n", "no", "false", "0", "×", "✗", "未召开", "未举行", "取消", "已取消", "没有"})


def yes_no(value: Any) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = unicodedata.normalize("NFKC", _number_text(value) if isinstance(value, int | float) else str(value))
    word = word.strip().casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    raise Refused(f"{_shown(value)!r} is neither yes nor no", f"“{_shown(value)}”应填“是”或“否”",
                      "write 是 or 否", "请填写“是”或“否”")


MEETING = "会议"


def kind(value: Any, directory: Directory) -> str | None:
    """An engagement kind's value, by the district's word for it or the project's (Chinese, a synonym,
    English); 会议 is returned as is, for the reader to resolve by the host."""
    word = line(value)
    if word is None:
        return None
    if unicodedata.normalize("NFKC", word).strip() == MEETING:
        return MEETING
    found = directory.engagement_kind(word)
    if found is None:
        listed = "、".join(directory.engagement_words())
        raise Refused(f"no engagement kind is called {word!r}", f"没有“{word}”这种类型",
                          "use a kind from the drop-down list (or visit, joint_meeting, …)",
                          f"请从下拉列表中选择：{listed}")
    return found


def doc_kind(value: Any, directory: Directory) -> str | None:
    """A document kind of the district's copying rules, by its value or its words (资料, material), or
    其他 (a kind no rule names: recorded, not counted)."""
    word = line(value)
    if word is None:
        return None
    found = directory.document_kind(word)
    if found is not None:
        return found
    words = directory.document_words()
    return _refused(word, "document kind", "文件类型", words)


def activity_kind(value: Any, directory: Directory) -> str | None:
    """A record kind of the district's own (其他联系工作), by its label in either language or its value."""
    word = line(value)
    if word is None:
        return None
    found = directory.activity_kind(word)
    if found is not None:
        return found
    words = directory.activity_words()
    if not words:
        raise Refused(f"the district's data names no kind of its own to record here ({word!r})",
                          f"本区数据没有需要在此表记录的事项类型（“{word}”）",
                          "record it on the sheet of its kind, or check --data",
                          "请记在相应的工作表，或检查 --data 是否为本区数据")
    return _refused(word, "kind of the district's own records", "事项类型", words)


def _refused(word: str, what: str, what_zh: str, words: tuple[tuple[str, str], ...]) -> str:
    """Refuse a kind the district does not name, listing those it does: (word, kind) pairs, the
    words quoted in Chinese (a long list as the drop-down's), each with its kind in English."""
    quoted = [f"“{w}”" for w, _ in words]
    fix_zh = (f"请填写{'、'.join(quoted[:-1])}或{quoted[-1]}" if 1 < len(words) <= 4
              else f"请从下拉列表中选择：{'、'.join(w for w, _ in words)}")
    listed = [f"{w} ({kind})" for w, kind in words]
    fix = f"write {', '.join(listed[:-1])} or {listed[-1]}" if len(listed) > 1 else f"write {listed[0]}"
    raise Refused(f"no {what} is called {word!r}", f"没有“{word}”这种{what_zh}", fix, fix_zh)


def by(value: Any, directory: Directory) -> str | None:
    """Who did it: an organisation of the district (its id), or a name as written (a town, an office
    the district file does not list), as the records file's ``by`` is read. Several organisations
    in one cell are refused: the records count per body."""
    word = line(value)
    if word is None:
        return None
    try:
        found = organisations(word, directory)
    except Refused:
        return word  # no organisation of the district: the name as written (城关镇)
    return word if found is None else _one(found, directory)


def party(value: Any) -> str | None:
    return line(value)


# ------------------------------------------------------------------------------------ organisations
_SEPARATORS = re.compile(r"[、，,;；\n\r]+")


def _resolve(directory: Directory, name: str) -> str:
    """A name as written, or after NFKC and without spaces (区 卫生局, full-width letters)."""
    try:
        return directory.resolve(name)
    except Refused as unknown:
        for variant in (unicodedata.normalize("NFKC", name), "".join(unicodedata.normalize("NFKC", name).split())):
            if variant != name:
                try:
                    return directory.resolve(variant)
                except Refused:
                    pass
        raise unknown from None


def organisations(value: Any, directory: Directory) -> tuple[str, ...] | None:
    """Several organisations in one cell, separated by 、，, ; or line breaks; 各民主党派 is every branch."""
    words = line_list(value)
    if words is None:
        return None
    found: list[str] = []
    for word in words:
        group = directory.expand(word)
        for org_id in group if group is not None else (_resolve(directory, word),):
            if org_id not in found:
                found.append(org_id)
    return tuple(found)


def line_list(value: Any) -> list[str] | None:
    if is_blank(value):
        return None
    if not isinstance(value, str):
        return [text(value) or ""]
    return [w.strip() for w in _SEPARATORS.split(value) if w.strip()] or None


def organisation(value: Any, directory: Directory) -> str | None:
    found = organisations(value, directory)
    return None if found is None else _one(found, directory)


def _one(found: tuple[str, ...], directory: Directory) -> str:
    if len(found) > 1:
        names = directory.names(found)
        raise Refused(f"one organisation is wanted here, not {len(found)} ({names})",
                          f"这里只能填一个单位，而不是 {len(found)} 个（{names}）",
                          "keep one organisation in the cell", "请只保留一个单位")
    return found[0]
