"""The year's days as the page shades them: working days, weekends, days off, 调休 make-up working
days and customary breaks, all read from the working-day calendar (nothing about a holiday is
known here), and the twelve month grids with their notes."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence

import attrs

from liaison.law.workdays import HolidayKind, WorkingDayCalendar
from liaison_html.texts import UI, WEEKDAYS_EN, WEEKDAYS_ZH, Bi, day_range, month_name

DAY = dt.timedelta(days=1)


class DayKind(enum.StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a day off: a statutory holiday, its 补假, or the notice's arrangement
    MAKEUP = "makeup"  # a Saturday or Sunday worked because of 调休
    CUSTOMARY = "customary"  # inside a customary break of a year without a notice: a working day by law


@attrs.frozen
class DayView:
    """One day of the grid and the engagements on it (indexes into the page's marks)."""

    date: dt.date
    kind: DayKind
    label: Bi | None  # the holiday's own label (春节假期, 春节补假 …), from the calendar
    marks: tuple[int, ...] = ()

    @property
    def tag(self) -> Bi | None:
        """The one-character tag printed in the corner, so the shading never rests on colour alone."""
        return {DayKind.HOLIDAY: UI["holiday_tag"], DayKind.MAKEUP: UI["makeup_tag"],
                DayKind.CUSTOMARY: UI["customary_tag"]}.get(self.kind)


@attrs.frozen
class MonthView:
    month: int
    name: Bi
    weeks: tuple[tuple[DayView | None, ...], ...]  # Monday first; None outside the month
    notes: tuple[Bi, ...]  # the holidays and make-up days of the month, in words


def classify(day: dt.date, calendar: WorkingDayCalendar) -> tuple[DayKind, Bi | None]:
    """What kind of day ``day`` is on ``calendar``, and the holiday's label (zh and en)."""
    holiday = calendar.holiday(day)
    label = None if holiday is None else Bi(holiday.label("zh"), holiday.label("en"))
    if calendar.is_makeup_day(day):
        return DayKind.MAKEUP, None
    if holiday is not None and holiday.kind == HolidayKind.CUSTOMARY:
        return DayKind.CUSTOMARY, label
    if not calendar.is_working_day(day):
        return (DayKind.WEEKEND, None) if holiday is None and day.weekday() >= 5 else (DayKind.HOLIDAY, label)
    return DayKind.WORKDAY, None


def year_days(year: int, calendar: WorkingDayCalendar,
              marks: Mapping[dt.date, Sequence[int]] | None = None) -> tuple[DayView, ...]:
    """Every day of ``year``, in order, with the marks on it."""
    found = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        kind, label = classify(day, calendar)
        found.append(DayView(day, kind, label, tuple((marks or {}).get(day, ()))))
        day += DAY
    return tuple(found)


def months(days: Sequence[DayView]) -> tuple[MonthView, ...]:
    """The twelve month grids of a year's days (from :func:`year_days`)."""
    by_month: dict[int, list[DayView]] = {}
    for view in days:
        by_month.setdefault(view.date.month, []).append(view)
    return tuple(MonthView(month, month_name(month), _weeks(views), _notes(views))
                 for month, views in sorted(by_month.items()))


def _weeks(views: Sequence[DayView]) -> tuple[tuple[DayView | None, ...], ...]:
    first = views[0].date
    cells: list[DayView | None] = [None] * first.weekday() + list(views)
    cells += [None] * (-len(cells) % 7)
    return tuple(tuple(cells[i:i + 7]) for i in range(0, len(cells), 7))


def _notes(views: Sequence[DayView]) -> tuple[Bi, ...]:
    """Runs of consecutive days with the same kind and label: ``5–8日 春节（法定节假日）``."""
    runs: list[tuple[int, int, Bi]] = []
    for view in views:
        if view.kind in (DayKind.WORKDAY, DayKind.WEEKEND):
            continue
        label = UI["makeup"] if view.kind == DayKind.MAKEUP else (view.label or UI["holiday"])
        if runs and runs[-1][1] == view.date.day - 1 and runs[-1][2] == label:
            runs[-1] = (runs[-1][0], view.date.day, label)
        else:
            runs.append((view.date.day, view.date.day, label))
    month = views[0].date.month
    return tuple(day_range(a, b, month).join(label, " ", " ") for a, b, label in runs)


def weekday_names() -> tuple[Bi, ...]:
    return tuple(Bi(zh[-1], en[:2]) for zh, en in zip(WEEKDAYS_ZH, WEEKDAYS_EN, strict=True))
