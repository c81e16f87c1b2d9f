"""The year's half-days as the planner sees them: which days may be used and who is busy when.

A day is usable when it is a working day of the calendar, a weekday (unless make-up weekends are
allowed) and outside the customary breaks (unless allowed). A half-day is ``days since 1 January *
2 + half``; who is busy when is one flat byte map (organisation × half-day), so a check is an index,
not a chain of hash lookups, which keeps the planner linear in practice (benchmarks/bench_plan.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from liaison.law.workdays import HolidayKind, WorkingDayCalendar
from liaison.year.engagements import PlanOptions, TimeSlot

__all__ = ["Board", "board_for", "usable_day"]


@attrs.define
class Board:
    """Half-day slots of one year and who is busy in each.

    A half-day is ``days since 1 January * 2 + half``; who is busy when is one flat byte map
    (organisation × half-day): a check is an index, not a chain of hash lookups, which keeps the
    planner linear in practice (benchmarks/bench_plan.py).
    """

    days: list[dt.date]
    slot_times: tuple[TimeSlot, ...]
    preferred: list[int]  # sorted slot indices on preferred months and weekdays
    others: list[int]  # sorted slot indices elsewhere
    origin: int = 0  # ordinal of 1 January
    ordinals: list[int] = attrs.field(factory=list)  # days since 1 January of each working day
    rows: dict[str, int] = attrs.field(factory=dict)  # organisation id → row in the map
    busy: bytearray = attrs.field(factory=bytearray)

    WIDTH = 2 * 367

    def __attrs_post_init__(self) -> None:
        self.ordinals = [d.toordinal() - self.origin for d in self.days]

    def rows_of(self, participants: Iterable[str]) -> list[int]:
        rows = []
        for org in participants:
            row = self.rows.get(org)
            if row is None:
                row = self.rows[org] = len(self.rows)
                self.busy.extend(bytes(self.WIDTH))
            rows.append(row * self.WIDTH)
        return rows

    def free(self, rows: Sequence[int], keys: Sequence[int]) -> bool:
        busy = self.busy
        return not any(busy[row + k] for row in rows for k in keys)

    def take(self, rows: Sequence[int], keys: Sequence[int]) -> None:
        for row in rows:
            for k in keys:
                self.busy[row + k] = 1

    def keys(self, day: dt.date, halves: Iterable[int]) -> list[int]:
        base = (day.toordinal() - self.origin) * 2
        return [base + h for h in halves]


def _in_customary_break(calendar: WorkingDayCalendar, day: dt.date) -> bool:
    holiday = calendar.holiday(day)
    return holiday is not None and holiday.kind == HolidayKind.CUSTOMARY


def usable_day(calendar: WorkingDayCalendar, options: PlanOptions, day: dt.date) -> bool:
    return (calendar.is_working_day(day) and (options.allow_makeup_weekends or day.weekday() < 5)
            and (options.allow_customary_breaks or not _in_customary_break(calendar, day)))


def board_for(year: int, calendar: WorkingDayCalendar, options: PlanOptions) -> Board:
    first = dt.date(year, 1, 1)
    days = [d for d in (first + dt.timedelta(days=n) for n in range(366)) if d.year == year
            and usable_day(calendar, options, d)]
    slots = tuple(sorted(options.slots, key=lambda s: s.start))
    per_day = len(slots)

    def preferred(i: int) -> bool:
        d = days[i // per_day]
        return ((not options.preferred_months or d.month in options.preferred_months)
                and (not options.preferred_weekdays or d.weekday() in options.preferred_weekdays))

    indices = range(len(days) * per_day)
    return Board(days, slots, [i for i in indices if preferred(i)], [i for i in indices if not preferred(i)],
                  first.toordinal())
