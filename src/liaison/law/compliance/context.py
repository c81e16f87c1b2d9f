"""What every checker needs: the district, the records as of the check date, the year, the
calendar, the year's obligations, and which records were counted."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import operator
from collections.abc import Callable, Iterator

import attrs

from liaison.law.district import District
from liaison.law.duties import Obligation
from liaison.law.findings import Finding
from liaison.law.records import Records
from liaison.law.rules import WorkingDays


@attrs.define
class Context:
    """What every checker needs: the district, the records seen as of the check date, the year's
    bounds, the calendar for working-day deadlines, the year's obligations (worked out once, by
    :func:`liaison.law.duties.obligations`), and which records were counted.

    The engagements are indexed once by kind and body present (host or attendee) and sorted by day,
    so a checker asks for those an obligation may count (:meth:`engagements_of`) rather than scan
    every record per obligation."""

    district: District
    records: Records
    year: int
    first: dt.date
    last: dt.date
    as_of: dt.date
    calendar: WorkingDays
    owed: tuple[Obligation, ...]
    used: set[tuple[str, int]] = attrs.field(factory=set)
    _by_kind_body: dict[tuple[str, str], tuple[tuple[dt.date, ...], tuple[int, ...]]] | None = attrs.field(
        default=None, init=False, repr=False)
    _by_cited: dict[str, tuple[int, ...]] | None = attrs.field(default=None, init=False, repr=False)

    def engagements_of(self, kind: str, body: str, first: dt.date, last: dt.date) -> list[int]:
        """The indexes, in record order, of the engagements of ``kind`` dated in ``[first, last]`` with
        ``body`` as host or attendee."""
        if self._by_kind_body is None:
            # one sorted list of (kind, body, day, index), cut into a pair of tuples per kind and body:
            # no list per kind and body (some 15,000 at 3,300 pairings, each walked by the collector's
            # full passes), only tuples of dates, ints and plain strings, which the collector stops
            # tracking (the kind's value: an enum member is an object it tracks)
            entries = sorted((e.kind.value, b, e.date, i) for i, e in enumerate(self.records.engagements)
                             for b in dict.fromkeys((e.host, *e.attended)))
            index: dict[tuple[str, str], tuple[tuple[dt.date, ...], tuple[int, ...]]] = {}
            for key, group in itertools.groupby(entries, key=operator.itemgetter(0, 1)):
                items = tuple(group)
                index[key] = (tuple(item[2] for item in items), tuple(item[3] for item in items))
            self._by_kind_body = index
        days, indexes = self._by_kind_body.get((str(kind), body), ((), ()))
        return sorted(indexes[bisect.bisect_left(days, first):bisect.bisect_right(days, last)])

    def engagements_cited(self, cited: str) -> tuple[int, ...]:
        """The indexes of the engagements a finding cites as ``cited`` (:meth:`EngagementRecord.cited`)."""
        if self._by_cited is None:
            found: dict[str, list[int]] = {}
            for i, e in enumerate(self.records.engagements):
                found.setdefault(e.cited(i), []).append(i)
            self._by_cited = {k: tuple(v) for k, v in found.items()}  # tuples of ints: not tracked
        return self._by_cited.get(cited, ())

    def use(self, section: str, index: int) -> None:
        self.used.add((section, index))

    def name(self, org_id: str, lang: str = "zh") -> str:
        return self.district.names_of((org_id,), lang=lang)

    def names(self, ids: tuple[str, ...] | list[str], lang: str = "zh") -> str:
        return self.district.names_of(ids, lang=lang)


Checker = Callable[[Context], Iterator[Finding]]


