"""The State Council's holiday notice as data, in the community ``holiday-cn`` JSON shape.

    {"year": 2027, "papers": ["<url of the notice>"],
     "days": [{"name": "春节", "date": "2027-02-05", "isOffDay": true}, …]}

``isOffDay: false`` marks a make-up working day (调休上班). Days not listed follow the week: Monday to
Friday work, Saturday and Sunday rest, so a notice must list every day the law fixes that year
(:func:`liaison.law.holiday_law.law_year`): one it leaves out, or lists as a working day, is refused.
A notice may list a day of the neighbouring year when a break crosses New Year (the 2023 notice
lists 2022-12-31). The ``$schema`` and ``$id`` keys of the
published files are accepted. docs/holidays.md shows how to write one from the notice's text.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence

import attrs

from liaison.base.errors import DataError, Path, render_path
from liaison.base.text import message_text, name_text

MAX_SPILL_DAYS = 31  # how far outside its year a notice may list a day


@attrs.frozen
class NoticeDay:
    name: str = attrs.field(validator=name_text)
    date: dt.date
    is_off_day: bool  # "isOffDay" in the file


@attrs.frozen
class HolidayNotice:
    """One year's arrangement: the days off and the make-up working days it lists."""

    year: int
    days: tuple[NoticeDay, ...]
    papers: tuple[str, ...] = attrs.field(default=(), validator=message_text)
    schema: str = attrs.field(default="", validator=message_text)  # "$schema" in the file
    id: str = attrs.field(default="", validator=message_text)  # "$id" in the file

    def covers(self, year: int) -> bool:
        """The notice arranges days of ``year``: its own, or one a break crossing New Year reaches."""
        return self.year == year or any(d.date.year == year for d in self.days)

    def day(self, day: dt.date) -> NoticeDay | None:
        return self._by_date.get(day)

    @functools.cached_property
    def _by_date(self) -> dict[dt.date, NoticeDay]:
        return {d.date: d for d in self.days}


FIX = "write it as docs/holidays.md shows (the holiday-cn JSON shape)"
FIX_ZH = "请按 docs/holidays.md 的格式填写（holiday-cn JSON）"


def check_notice(notice: HolidayNotice, *, file: str | None) -> None:
    if not 1950 <= notice.year <= 2199:
        raise DataError(f"year {notice.year} is outside 1950–2199", file=file, path=("year",), fix=FIX,
                        message_zh=f"年份 {notice.year} 不在 1950–2199 之间", fix_zh=FIX_ZH)
    first = dt.date(notice.year, 1, 1) - dt.timedelta(days=MAX_SPILL_DAYS)
    last = dt.date(notice.year, 12, 31) + dt.timedelta(days=MAX_SPILL_DAYS)
    seen: dict[dt.date, int] = {}
    for i, day in enumerate(notice.days):
        here: Path = ("days", i)
        if not first <= day.date <= last:
            raise DataError(f"{day.date} is not in {notice.year}", file=file, path=(*here, "date"),
                            fix="list the days of the notice's own year (and of a break crossing New Year)",
                            message_zh=f"{day.date} 不在 {notice.year} 年", fix_zh="请只列该年（及跨年假期）的日期")
        if day.date in seen:
            also = render_path(("days", seen[day.date]))
            raise DataError(f"{day.date} is listed twice (also {also})", file=file,
                            path=(*here, "date"), fix="list each day once",
                            message_zh=f"{day.date} 列了两次（另见 {also}）", fix_zh="每天只列一次")
        seen[day.date] = i
        if not day.is_off_day and day.date.weekday() < 5:
            raise DataError(f"{day.date} is a {day.date:%A}: a make-up working day (isOffDay false) is a "
                            "Saturday or Sunday", file=file, path=(*here, "isOffDay"),
                            fix="set isOffDay to true, or correct the date",
                            message_zh=f"{day.date} 是工作日：调休上班日（isOffDay 为 false）应是周六或周日",
                            fix_zh="请把 isOffDay 改为 true，或改正日期")
    _check_law_days(notice, seen, file)


def _check_law_days(notice: HolidayNotice, listed: dict[dt.date, int], file: str | None) -> None:
    """Every day the law fixes in the notice's year is listed as a day off: a day the notice leaves
    out would otherwise become an ordinary weekday."""
    from liaison.law.holiday_law import HolidayKind, law_year

    for day, holiday in sorted(law_year(notice.year).days_off.items()):
        if holiday.kind != HolidayKind.STATUTORY:  # 补假 is the notice's to arrange
            continue
        name_en, name_zh = holiday.name_en, holiday.name_zh
        if day not in listed:
            raise DataError(f"{day} ({name_en}) is a day off by law, but the notice does not list it", file=file,
                            path=("days",), fix=f'add {{"name": "{holiday.name_zh}", "date": "{day}", "isOffDay": '
                            "true}, as the notice's text says (docs/holidays.md)",
                            message_zh=f"{day}（{name_zh}）是法定放假日，但安排中没有列出",
                            fix_zh=f'请按通知原文补上 {{"name": "{holiday.name_zh}", "date": "{day}", "isOffDay": '
                            "true}（见 docs/holidays.md）")
        i = listed[day]
        if not notice.days[i].is_off_day:
            raise DataError(f"{day} ({name_en}) is a day off by law, not a make-up working day", file=file,
                            path=("days", i, "isOffDay"), fix="set isOffDay to true, or correct the date",
                            message_zh=f"{day}（{name_zh}）是法定放假日，不能是调休上班日",
                            fix_zh="请把 isOffDay 改为 true，或改正日期")


def check_distinct(notices: Sequence[HolidayNotice], files: Sequence[str | None] = (), *,
                   file: str | None = None, where: Callable[[int], Path] = lambda i: ("year",)) -> None:
    """One notice per year: a second one for the same year is refused, never silently preferred.
    ``files`` names each notice's file; ``where`` the path of the i-th notice's year."""
    first: dict[int, int] = {}
    for i, n in enumerate(notices):
        file = files[i] if i < len(files) else file
        if n.year in first:
            other = files[first[n.year]] if first[n.year] < len(files) else None
            also = f" (also {other})" if other else ""
            also_zh = f"（另见 {other}）" if other else ""
            raise DataError(f"a second notice for {n.year}{also}", file=file, path=where(i),
                            fix=f"give one notice for {n.year}: the State Council's latest",
                            message_zh=f"{n.year}年的节假日安排给了两份{also_zh}",
                            fix_zh=f"{n.year}年只给一份安排：国务院最新公布的那份")
        first[n.year] = i


def check_used(notices: Sequence[HolidayNotice], years: Sequence[int], files: Sequence[str | None] = ()) -> None:
    """Every notice given arranges days of a year being planned or checked: a notice for another year
    (the 2026 notice given for 2027) would be silently unused, so it is refused, naming its file."""
    for i, notice in enumerate(notices):
        if any(notice.covers(year) for year in years):
            continue
        asked = "、".join(str(y) for y in years)
        asked_en = ", ".join(str(y) for y in years)
        raise DataError(f"this is the notice of {notice.year}: it arranges no day of {asked_en}, so it would not "
                        "be used", file=files[i] if i < len(files) else None, path=("year",),
                        fix=f"give the notice of {years[0]}, or leave this one out: it is for planning {notice.year}",
                        message_zh=f"这是{notice.year}年的节假日安排，不涉及{asked}年的任何一天，不会被采用",
                        fix_zh=f"请给出{years[0]}年的安排，或去掉这份：它用于安排{notice.year}年")


def notices_in_use(stored: Iterable[HolidayNotice], given: Iterable[HolidayNotice],
                   year: int) -> tuple[HolidayNotice, ...]:
    """The notices that hold for ``year``: those given, and those stored (in the year's state) for a
    year no given notice replaces; in year order."""
    new = tuple(given)
    replaced = {n.year for n in new}
    chosen = [*new, *(n for n in stored if n.year not in replaced)]
    return tuple(sorted((n for n in chosen if n.covers(year)), key=lambda n: n.year))
