"""What every checker needs: the district, the records as of the check date, the year, the
calendar, the year's obligations, and which records were counted."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import operator
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from liaison.law.district import District
from liaison.law.duties import Obligation
from liaison.law.findings import Finding
from liaison.law.records import Records
from liaison.law.rules import WorkingDays

Dated = tuple[tuple[dt.date, ...], tuple[int, ...]]  # the days and the indexes of one key's engagements, by day


@attrs.define
class Context:
    """What every checker needs: the district, the records seen as of the check date, the year's
    bounds, the calendar for working-day deadlines, the year's obligations (worked out once, by
    :func:`liaison.law.duties.obligations`), and which records were counted.

    The engagements are indexed once by kind and body present (host or attendee), and by kind and
    pairing present (both its sides), each sorted by day, so a checker asks for those an obligation
    may count (:meth:`engagements_for`) rather than scan every record per obligation: a pairing's
    obligation looks at the engagements of its pairing only, not at every one its department
    attended (with the department's pairings, that made the check quadratic in them, issue #23)."""

    district: District
    records: Records
    year: int
    first: dt.date
    last: dt.date
    as_of: dt.date
    calendar: WorkingDays
    owed: tuple[Obligation, ...]
    used: set[tuple[str, int]] = attrs.field(factory=set)
    _by_kind_body: dict[tuple[Any, ...], Dated] | None = attrs.field(default=None, init=False, repr=False)
    _by_kind_pair: dict[tuple[Any, ...], Dated] | None = attrs.field(default=None, init=False, repr=False)
    _by_cited: dict[str, tuple[int, ...]] | None = attrs.field(default=None, init=False, repr=False)

    def engagements_for(self, o: Obligation) -> list[int]:
        """The indexes, in record order, of the engagements ``o`` may count: of its kind, in its span,
        with both sides present for a pairing's, with the body that owes it present for any other."""
        if o.scope == "pairing":
            return self.engagements_with(o.kind, o.subject, *o.span)
        return self.engagements_of(o.kind, o.responsible_id, *o.span)

    def engagements_of(self, kind: str, body: str, first: dt.date, last: dt.date) -> list[int]:
        """The indexes, in record order, of the engagements of ``kind`` dated in ``[first, last]`` with
        ``body`` as host or attendee."""
        if self._by_kind_body is None:
            self._by_kind_body = _by_day([(e.kind.value, b, e.date, i) for i, e in enumerate(self.records.engagements)
                                          for b in dict.fromkeys((e.host, *e.attended))], 2)
        return _between(self._by_kind_body.get((str(kind), body), ((), ())), first, last)

    def engagements_with(self, kind: str, subject: tuple[str, ...], first: dt.date, last: dt.date) -> list[int]:
        """The indexes, in record order, of the engagements of ``kind`` dated in ``[first, last]`` with
        both bodies of ``subject`` (a pairing's: department, counterpart) as host or attendee."""
        if self._by_kind_pair is None:
            self._by_kind_pair = self._pair_index()
        key = (str(kind), *subject)
        if key in self._by_kind_pair:
            return _between(self._by_kind_pair[key], first, last)
        # bodies no obligation of ``owed`` pairs (the index holds only those): the first body's,
        # narrowed to those the others attended
        records = self.records.engagements
        return [i for i in self.engagements_of(kind, subject[0], first, last)
                if set(subject) <= {records[i].host, *records[i].attended}]

    def _pair_index(self) -> dict[tuple[Any, ...], Dated]:
        """The engagements of each (kind, department, counterpart) that ``owed`` holds a pairing's
        obligation for, with both sides present: every such key, if only with none."""
        wanted: dict[str, dict[str, set[str]]] = {}  # kind → department → its counterparts
        for o in self.owed:
            if o.scope == "pairing":
                department, counterpart = o.subject
                wanted.setdefault(str(o.kind), {}).setdefault(department, set()).add(counterpart)
        entries: list[tuple[Any, ...]] = []
        for i, e in enumerate(self.records.engagements):
            of_kind = wanted.get(e.kind.value)
            if not of_kind:
                continue
            present = dict.fromkeys((e.host, *e.attended))
            for department in present:
                partners = of_kind.get(department)
                if partners is None:
                    continue
                # walk the smaller side: a meeting of many bodies then costs its pairings, not its
                # bodies times a department's pairings
                both = ([c for c in partners if c in present] if len(partners) < len(present)
                        else [c for c in present if c in partners])
                for c in both:
                    entries.append((e.kind.value, department, c, e.date, i))
        index = _by_day(entries, 3)
        for kind, departments in wanted.items():
            for department, partners in departments.items():
                for c in partners:
                    index.setdefault((kind, department, c), ((), ()))
        return index

    def engagements_cited(self, cited: str) -> tuple[int, ...]:
        """The indexes of the engagements a finding cites as ``cited`` (:meth:`EngagementRecord.cited`)."""
        if self._by_cited is None:
            # sorted and cut into groups, as the index above: tuples of ints (not tracked), no list each
            entries = sorted((e.cited(i), i) for i, e in enumerate(self.records.engagements))
            self._by_cited = {k: tuple(item[1] for item in group)
                              for k, group in itertools.groupby(entries, key=operator.itemgetter(0))}
        return self._by_cited.get(cited, ())

    def use(self, section: str, index: int) -> None:
        self.used.add((section, index))

    def name(self, org_id: str, lang: str = "zh") -> str:
        return self.district.names_of((org_id,), lang=lang)

    def names(self, ids: tuple[str, ...] | list[str], lang: str = "zh") -> str:
        return self.district.names_of(ids, lang=lang)


Checker = Callable[[Context], Iterator[Finding]]


def _by_day(entries: list[tuple[Any, ...]], width: int) -> dict[tuple[Any, ...], Dated]:
    """(key…, day, index) entries, their keys ``width`` values, sorted and cut into a pair of tuples
    per key: no list per key (some 15,000 at 3,300 pairings, each walked by the collector's full
    passes), only tuples of dates, ints and plain strings, which the collector stops tracking (the
    kind's value: an enum member is an object it tracks)."""
    entries.sort()
    index: dict[tuple[Any, ...], Dated] = {}
    day, position = operator.itemgetter(width), operator.itemgetter(width + 1)
    for key, group in itertools.groupby(entries, key=operator.itemgetter(*range(width))):
        items = tuple(group)
        index[key] = (tuple(map(day, items)), tuple(map(position, items)))
    return index


def _between(dated: Dated, first: dt.date, last: dt.date) -> list[int]:
    """The indexes dated in ``[first, last]``, in record order."""
    days, indexes = dated
    return sorted(indexes[bisect.bisect_left(days, first):bisect.bisect_right(days, last)])
