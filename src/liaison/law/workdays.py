"""China's working days: statutory holidays, make-up working days (调休) and customary breaks.

Three sources, in this order for a year:

1. a State Council notice given as data (:mod:`liaison.law.notices`, ``--holidays FILE``);
2. the official arrangements the maintained ``chinesecalendar`` package carries (2004 to its newest
   year);
3. for a year with neither, the law's estimate (:mod:`liaison.law.holiday_law`): every statutory day and
   its 补假 is off, and the customary 春节, 劳动节 and 国庆 breaks are reported so the planner can avoid
   them. Such a year is *provisional*: only the 调休 arrangement is unknown, and every date planned in
   it is flagged 暂定 until a notice is given.

The core never looks up plugins: the edge resolves the ``working_day_calendar`` hook
(:func:`liaison.host.plugins.working_day_calendar`) and passes the calendar in; without one the core uses
:func:`default_calendar`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from liaison.law.holiday_law import Holiday, HolidayKind, english_name

if TYPE_CHECKING:
    from liaison.law.notices import HolidayNotice

__all__ = [
    "ChineseCalendar",
    "Holiday",
    "HolidayKind",
    "WeekdayCalendar",
    "WorkingDayCalendar",
    "default_calendar",
    "provisional_note",
    "with_notices",
]


@runtime_checkable
class WorkingDayCalendar(Protocol):
    """What the planner and the checker need to know about a day."""

    name: str

    def is_published(self, year: int) -> bool:
        """True when the year's holiday arrangement (its 调休) is known."""
        ...

    def is_working_day(self, day: dt.date) -> bool:
        """True on a working day, make-up weekend days (调休) included."""
        ...

    def is_makeup_day(self, day: dt.date) -> bool:
        """True on a Saturday or Sunday that is a working day because of 调休."""
        ...

    def holiday(self, day: dt.date) -> Holiday | None:
        """The holiday a day belongs to: a day off, or (kind ``customary``) a day inside a customary
        break of a year without a notice. None on ordinary days and plain weekends."""
        ...


class ChineseCalendar:
    """The built-in calendar: notices given > ``chinesecalendar``'s official data > the law's estimate."""

    name = "chinesecalendar"

    def __init__(self) -> None:
        import chinese_calendar

        self._cc = chinese_calendar
        self._years: frozenset[int] = frozenset(
            d.year for d in (*chinese_calendar.holidays, *chinese_calendar.workdays)
        )
        self._working: dict[dt.date, bool] = {}
        self._holidays: dict[dt.date, Holiday | None] = {}

    @property
    def version(self) -> str:
        return str(getattr(self._cc, "__version__", "unknown"))

    def is_published(self, year: int) -> bool:
        return year in self._years

    def is_working_day(self, day: dt.date) -> bool:
        known = self._working.get(day)
        if known is None:
            if self.is_published(day.year):
                known = bool(self._cc.is_workday(day))
            else:
                from liaison.law.holiday_law import law_year

                known = day.weekday() < 5 and day not in law_year(day.year).days_off
            self._working[day] = known
        return known

    def is_makeup_day(self, day: dt.date) -> bool:
        return day.weekday() >= 5 and self.is_working_day(day)

    def holiday(self, day: dt.date) -> Holiday | None:
        if day not in self._holidays:
            self._holidays[day] = self._holiday(day)
        return self._holidays[day]

    def _holiday(self, day: dt.date) -> Holiday | None:
        if self.is_published(day.year):
            on_holiday, name = self._cc.get_holiday_detail(day)
            if not on_holiday or name is None:
                return None
            zh = _OFFICIAL_NAMES.get(str(name), str(name))
            return Holiday(zh, english_name(zh), HolidayKind.ARRANGED)
        from liaison.law.holiday_law import law_year

        law = law_year(day.year)
        return law.days_off.get(day) or law.customary.get(day)


#: chinesecalendar names its holidays in English.
_OFFICIAL_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class NoticeCalendar:
    """A calendar whose years with a notice follow the notice; other years ask ``base``."""

    def __init__(self, notices: Iterable[HolidayNotice], base: WorkingDayCalendar) -> None:
        from liaison.law.notices import check_distinct

        given = tuple(notices)
        check_distinct(given)
        self.base = base
        self.notices = {n.year: n for n in given}
        self._days = {d.date: d for n in self.notices.values() for d in n.days}
        self.name = f"{base.name} + notices {', '.join(str(y) for y in sorted(self.notices))}"

    def is_published(self, year: int) -> bool:
        return year in self.notices or self.base.is_published(year)

    def _covered(self, day: dt.date) -> bool:
        return day.year in self.notices or day in self._days

    def is_working_day(self, day: dt.date) -> bool:
        if not self._covered(day):
            return self.base.is_working_day(day)
        listed = self._days.get(day)
        if listed is None:
            return self.base.is_working_day(day) if day.year not in self.notices else day.weekday() < 5
        return not listed.is_off_day

    def is_makeup_day(self, day: dt.date) -> bool:
        return day.weekday() >= 5 and self.is_working_day(day)

    def holiday(self, day: dt.date) -> Holiday | None:
        if not self._covered(day):
            return self.base.holiday(day)
        listed = self._days.get(day)
        if listed is None:
            return None if day.year in self.notices else self.base.holiday(day)
        if not listed.is_off_day:
            return None
        return Holiday(listed.name, english_name(listed.name), HolidayKind.ARRANGED)


def with_notices(calendar: WorkingDayCalendar, notices: Iterable[HolidayNotice]) -> WorkingDayCalendar:
    """``calendar`` with the given notices taking precedence for their years."""
    given = tuple(notices)
    return NoticeCalendar(given, calendar) if given else calendar


class WeekdayCalendar:
    """Monday to Friday, no holidays: for tests and for districts that bring their own notice."""

    name = "weekdays"

    def is_published(self, year: int) -> bool:
        return True

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5

    def is_makeup_day(self, day: dt.date) -> bool:
        return False

    def holiday(self, day: dt.date) -> Holiday | None:
        return None


@functools.cache
def default_calendar() -> WorkingDayCalendar:
    """The built-in calendar (no plugin lookup: the edge passes a plugin's calendar in)."""
    return ChineseCalendar()


def provisional_note(year: int, *, breaks_avoided: bool, lang: str = "zh") -> str:
    """What "provisional" means for a year planned without its notice, in the output's language: two
    sentences, the second without its final full stop (callers end it as their text runs on)."""
    if lang == "en":
        avoided = ("the statutory holidays and the customary Spring Festival, Labour Day and National Day breaks"
                   if breaks_avoided else "the statutory holidays and their days in lieu")
        return (f"The State Council has not yet published the {year} holiday arrangement. The dates avoid {avoided}; "
                "once the make-up working days are published, this office will check the dates and send word of "
                "any change")
    avoided = "法定节假日及春节、劳动节、国庆假期" if breaks_avoided else "法定节假日及补假"
    # Two sentences, and the office that planned says it checks: the reader is told, not asked.
    # 两句话说清：尚未公布；日期已避开哪些假日，调休安排公布后由本办核对并通知。
    return f"{year}年国务院节假日安排尚未公布。日期已避开{avoided}；调休安排公布后，本办将核对并另行通知"
