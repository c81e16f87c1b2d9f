"""The documented limits of the data formats, as attrs validators (docs/limits.md lists them all).

Every name, id, text and number a file may hold has a range, checked when the file is loaded, so an
exporter never meets a value the loader let through. A validator raises :class:`~liaison.base.errors.Refused` naming
the field, in both languages; the loader turns it into a ``FILE: $.path: …`` error.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import attrs

from liaison.base.errors import Refused
from liaison.base.years import FIRST_YEAR as FIRST_YEAR
from liaison.base.years import LAST_YEAR as LAST_YEAR

#: Ids of organisations, the district, rules and events: lower-case ASCII letters, digits and hyphens,
#: starting with a letter or digit. They become file names and calendar UIDs, so nothing else.
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
ID_MAX = 64
NAME_MAX = 60  # an organisation's Chinese name, short name or alias
NAME_EN_MAX = 120
TITLE_MAX = 120  # an engagement's or a record's title, a record id (文号)
TITLE_EN_MAX = 300  # an English title
TEXT_MAX = 4000  # free text: a note, a provision's summary of feedback
LONG_TEXT_MAX = 20_000  # a provision's verbatim text

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
_LINE_BREAK = re.compile("[\r\n\t\u2028\u2029]")


class _FieldError(Refused):
    """``FieldError(field, message, message_zh)`` of liaison 0.1, kept for one release (to be removed in
    0.3) as what it now is: a :class:`~liaison.base.errors.Refused` naming the ``field``. The
    validators below raise it, so ``except FieldError`` keeps catching them; new code catches
    ``Refused``. Reached as ``liaison.base.text.FieldError``, with a DeprecationWarning."""

    def __init__(self, field: str, message: str, message_zh: str = "") -> None:
        super().__init__(message, message_zh, field=field)


def _refused(message: str, message_zh: str, *, field: str) -> Refused:
    return _FieldError(field, message, message_zh)




#: A date as written, ``2027-02-30`` (ISO 8601's form), whether or not the calendar has it.
_WRITTEN_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
#: Written out, not calendar.month_name: that follows the process's locale, a message does not.
_MONTHS_EN = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


def parse_date(text: str) -> dt.date:
    """A day written ``YYYY-MM-DD``; refused in both languages naming what is wrong: a day the month
    does not have (``there is no 30 February 2027`` / ``没有2027年2月30日``), a month past 12, or text
    that is no date."""
    value = text.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    fix = "write a day of the calendar as YYYY-MM-DD, e.g. 2027-03-01"
    fix_zh = "请写日历上有的日期，格式为 YYYY-MM-DD，如 2027-03-01"
    written = _WRITTEN_DATE.fullmatch(value)
    if written is None:
        raise Refused(f"{quoted(value)} is not a date", f"{quoted(value)} 不是日期", fix, fix_zh)
    year, month, day = (int(part) for part in written.groups())
    if year == 0:
        raise Refused("there is no year 0", "没有0年", fix, fix_zh)
    if not 1 <= month <= 12:
        raise Refused(f"there is no month {month}: a year has months 1 to 12", f"没有{month}月：一年只有1至12月",
                      fix, fix_zh)
    raise Refused(f"there is no {day} {_MONTHS_EN[month]} {year}", f"没有{year}年{month}月{day}日", fix, fix_zh)


#: A date as offices type it: 2027-3-1, 2027/3/1, 2027.3.1, 2027年3月1日 (a midnight time allowed), 20270301.
OFFICE_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:\s+0{1,2}:00(?::00)?)?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def make_date(year: int, month: int, day: int, shown: str) -> dt.date:
    """The day, if the calendar has it and it falls in the years a file may name; else refused."""
    try:
        found = dt.date(year, month, day)
    except ValueError:
        raise Refused(f"{shown} is not a date of the calendar", f"{shown} 不是有效的日期",
                      "check the month and the day", "请检查月份和日期") from None
    return date_in_range(found, shown)


def date_in_range(day: dt.date, shown: str) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Refused(f"the date {shown} is outside {FIRST_YEAR}–{LAST_YEAR}",
                      f"日期 {shown} 不在 {FIRST_YEAR}—{LAST_YEAR} 年之间", "check the year", "请检查年份")
    return day


def not_a_date(shown: str) -> Refused:
    return Refused(f"{shown!r} is not a date", f"“{shown}”不是日期",
                   "write e.g. 2027-3-1, 2027/3/1, 2027.3.1 or 2027年3月1日",
                   "请填写如 2027-3-1、2027/3/1、2027.3.1 或 2027年3月1日")


def office_date(text: str) -> dt.date:
    """A date typed as offices type it (:data:`OFFICE_DATE`, full-width digits too): in a ledger's
    text cell, in a CSV register. Refused in both languages when it is none."""
    shown = text.strip()
    normal = unicodedata.normalize("NFKC", shown)
    found = OFFICE_DATE.match(normal) or COMPACT_DATE.match(normal)
    if found:
        return make_date(int(found[1]), int(found[2]), int(found[3]), shown)
    raise not_a_date(shown)


def name_key(text: str) -> str:
    """How names are compared, in the data and in look-ups: width (NFKC), case and surrounding spaces
    do not tell two names apart."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters for a message (a message never repeats a runaway value)."""
    return text if len(text) <= limit else text[:limit] + "…"


def quoted(text: str, limit: int = 60) -> str:
    """``text`` for a message: repr-quoted, cut to ``limit`` characters (a message never repeats a
    whole runaway value)."""
    return repr(shorten(text, limit))


def _check(value: str, name: str, *, single_line: bool, limit: int) -> None:
    if len(value) <= limit and value.isprintable():
        return  # the common case, at C speed: both patterns' characters are all non-printable
    bad = _CONTROL.search(value) or (_LINE_BREAK.search(value) if single_line else None)
    if bad is not None:
        breaks = "\r\n\t\u2028\u2029"
        what = "a line break or tab" if bad.group() in breaks else f"the control character {bad.group()!r}"
        what_zh = "换行或制表符" if bad.group() in breaks else "控制字符"
        raise _refused(f"{name} contains {what}; remove it" + (" (one line only)" if single_line else ""),
                      f"{name} 含有{what_zh}，请删去" + ("（只能写一行）" if single_line else ""), field=name)
    if len(value) > limit:
        raise _refused(f"{name} is {len(value)} characters long; at most {limit}",
                      f"{name} 长 {len(value)} 个字符，最多 {limit} 个", field=name)


def identifier(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An id: ``[a-z0-9][a-z0-9-]*``, at most 64 characters."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        shown = quoted(value) if isinstance(value, str) else repr(value)
        raise _refused(f"{attribute.name} {shown} is not an id: use lower-case letters a–z, "
                      f"digits and hyphens, starting with a letter or digit, at most {ID_MAX} characters",
                      f"{attribute.name} {shown} 不是有效编号：只能用小写字母 a–z、数字和连字符，"
                      f"以字母或数字开头，最多 {ID_MAX} 个字符", field=attribute.name)


@attrs.frozen
class BoundedText:
    """A validator for text of at most ``limit`` characters (one line unless ``single_line`` is false);
    tuples of such texts are checked item by item. Its numbers are data: a workbook's cell validation
    reads ``limit`` from the record field it fills."""

    limit: int
    single_line: bool = True
    required: bool = True

    def __call__(self, _inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        kind = type(value)
        if kind is str:
            if len(value) <= self.limit and value.isprintable() and (not self.required or value.strip()):
                return  # the common case, at C speed (see _check): a record of a 10,000-row ledger checks seven
        elif kind is tuple:
            limit = self.limit
            for item in value:  # every item one line, within the limit, not blank: as the loop below
                if not (type(item) is str and len(item) <= limit and item.isprintable() and item.strip()):
                    break
            else:
                return
        elif value is None and not self.required:
            return
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            if not isinstance(item, str):
                continue  # the converter has already refused what is not text
            if (self.required or isinstance(value, tuple)) and not item.strip():
                raise _refused(f"{attribute.name} must not be empty", f"{attribute.name} 不能为空",
                               field=attribute.name)
            _check(item, attribute.name, single_line=self.single_line, limit=self.limit)


def bounded_text(limit: int, *, single_line: bool = True, required: bool = True) -> BoundedText:
    """The :class:`BoundedText` validator for ``limit`` characters."""
    return BoundedText(limit, single_line, required)


#: A name (one line, ≤ 60 characters); an English name (≤ 120); a title (≤ 120).
name_text = bounded_text(NAME_MAX)
name_en_text = bounded_text(NAME_EN_MAX)
title_text = bounded_text(TITLE_MAX)
title_en_text = bounded_text(TITLE_EN_MAX, required=False)
#: A reference to an organisation (an id, a name, a short or English name, an alias): one line, ≤ 120.
reference_text = bounded_text(NAME_EN_MAX)
#: Optional one-line text (a location, a person): ≤ 120 characters.
line_text = bounded_text(TITLE_MAX, required=False)
#: A sentence the code wrote and a state file keeps (a warning, a reason): one line, ≤ 1,000 characters.
MESSAGE_MAX = 1000
message_text = bounded_text(MESSAGE_MAX, required=False)
#: Optional multi-line free text (a note): ≤ 4,000 characters; letters render its line breaks.
free_text = bounded_text(TEXT_MAX, single_line=False, required=False)
#: A provision's verbatim text: required, multi-line, ≤ 20,000 characters.
long_text = bounded_text(LONG_TEXT_MAX, single_line=False)


def each_in_range(low: int, high: int) -> Callable[..., None]:
    """A validator for a tuple of whole numbers, each in ``[low, high]``."""

    def validate(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        for item in value:
            if not low <= item <= high:
                raise _refused(f"each of {attribute.name} must be between {low} and {high}, "
                              f"not {item}", f"{attribute.name} 的每一项应在 {low} 到 {high} 之间，而不是 {item}",
                              field=attribute.name)

    return validate


def count_in_range(low: int, high: int) -> Callable[..., None]:
    """A validator for a tuple of ``low`` to ``high`` items."""

    def validate(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not low <= len(value) <= high:
            raise _refused(f"give {low} to {high} {attribute.name}, not {len(value)}",
                          f"{attribute.name} 应有 {low} 到 {high} 项，而不是 {len(value)} 项", field=attribute.name)

    return validate


def in_range(low: int, high: int) -> Callable[..., None]:
    """A validator for a whole number in ``[low, high]`` (None passes: the field is optional)."""

    def validate(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not low <= value <= high:
            raise _refused(f"{attribute.name} must be between {low} and {high}, not {value}",
                          f"{attribute.name} 应在 {low} 到 {high} 之间，而不是 {value}", field=attribute.name)

    return validate


def __getattr__(name: str) -> Any:
    """``FieldError`` of liaison 0.1, kept for one release with its old signature
    ``FieldError(field, message, message_zh)``: a :class:`~liaison.base.errors.Refused` carrying the
    ``field`` (``except FieldError`` keeps catching a validator's refusal; to be removed in 0.3)."""
    if name == "FieldError":
        import warnings

        warnings.warn("liaison.base.text.FieldError is a liaison.base.errors.Refused since 0.2 (its field in "
                      "`field`): catch Refused; the old name goes in 0.3", DeprecationWarning, stacklevel=2)
        return _FieldError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
