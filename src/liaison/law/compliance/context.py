"""What every checker needs: the district, the records as of the check date, the year, the
calendar, and which records were counted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import attrs

from liaison.law.district import District
from liaison.law.findings import Finding
from liaison.law.records import Records
from liaison.law.rules import WorkingDays


@attrs.define
class Context:
    """What every checker needs: the district, the records seen as of the check date, the year's
    bounds, the calendar for working-day deadlines, and which records were counted."""

    district: District
    records: Records
    year: int
    first: dt.date
    last: dt.date
    as_of: dt.date
    calendar: WorkingDays
    used: set[tuple[str, int]] = attrs.field(factory=set)

    def use(self, section: str, index: int) -> None:
        self.used.add((section, index))

    def name(self, org_id: str, lang: str = "zh") -> str:
        return self.district.names_of((org_id,), lang=lang)

    def names(self, ids: tuple[str, ...] | list[str], lang: str = "zh") -> str:
        return self.district.names_of(ids, lang=lang)


Checker = Callable[[Context], Iterator[Finding]]


