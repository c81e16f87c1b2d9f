"""A State Council holiday notice for tests: one listing the days the law fixes in a year (what every
notice must list), so that a test can make a year's holidays known on a day of its choosing."""

from __future__ import annotations

from liaison.law.holiday_law import HolidayKind, law_year
from liaison.law.notices import HolidayNotice, NoticeDay


def holiday_notice(year: int) -> HolidayNotice:
    days = sorted(law_year(year).days_off.items())
    return HolidayNotice(year=year, days=tuple(NoticeDay(h.name_zh, d, True) for d, h in days
                                               if h.kind == HolidayKind.STATUTORY))
