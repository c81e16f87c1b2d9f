"""China's working days: statutory holidays and make-up working days (调休).

The data comes from the maintained ``chinesecalendar`` package, which follows the State Council's
annual holiday notice. A year whose notice is not in the installed package yet is planned on the
plain Monday-to-Friday rule and every date in it is flagged *provisional*, never silently guessed.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Protocol, runtime_checkable


@runtime_checkable
class WorkingDayCalendar(Protocol):
    """What the planner needs to know about a day."""

    name: str

    def is_published(self, year: int) -> bool:
        """True when the year's official holiday arrangement is known."""
        ...

    def is_working_day(self, day: dt.date) -> bool:
        """True on a working day, make-up weekend days (调休) included."""
        ...

    def is_makeup_day(self, day: dt.date) -> bool:
        """True on a Saturday or Sunday that is a working day because of 调休."""
        ...

    def holiday_name(self, day: dt.date) -> str | None:
        """The statutory holiday a day belongs to (or is made up for), if any."""
        ...


class ChineseCalendar:
    """Working days from the ``chinesecalendar`` package; weekday rule where it has no data."""

    name = "chinesecalendar"

    def __init__(self) -> None:
        import chinese_calendar

        self._cc = chinese_calendar
        self._years: frozenset[int] = frozenset(
            d.year for d in (*chinese_calendar.holidays, *chinese_calendar.workdays)
        )

    @property
    def version(self) -> str:
        return str(getattr(self._cc, "__version__", "unknown"))

    def is_published(self, year: int) -> bool:
        return year in self._years

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one instance per process, days are few
    def is_working_day(self, day: dt.date) -> bool:
        if not self.is_published(day.year):
            return day.weekday() < 5
        return bool(self._cc.is_workday(day))

    def is_makeup_day(self, day: dt.date) -> bool:
        return day.weekday() >= 5 and self.is_working_day(day)

    def holiday_name(self, day: dt.date) -> str | None:
        if not self.is_published(day.year):
            return None
        _, name = self._cc.get_holiday_detail(day)
        return None if name is None else str(name)


class WeekdayCalendar:
    """Monday to Friday, no holidays: for tests and for districts that bring their own notice."""

    name = "weekdays"

    def is_published(self, year: int) -> bool:
        return True

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5

    def is_makeup_day(self, day: dt.date) -> bool:
        return False

    def holiday_name(self, day: dt.date) -> str | None:
        return None


@functools.cache
def default_calendar() -> WorkingDayCalendar:
    """The calendar a plugin supplies through ``working_day_calendar``, else chinesecalendar."""
    from liaison.plugins import plugin_manager

    chosen = plugin_manager().hook.working_day_calendar()
    return chosen if chosen is not None else ChineseCalendar()
