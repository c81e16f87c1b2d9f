"""A neutral, frozen description of a calendar: what the exporter writes, not how.

The planner (or any other producer) fills these records; :func:`liaison_ical.serialiser.serialise`
turns them into RFC 5545 bytes.  Nothing here knows about icalendar.

Time conventions
----------------
* ``CalendarEvent.start``/``end`` as :class:`datetime.datetime` are *naive* local wall-clock times in
  Asia/Shanghai (UTC+08:00 all year, no daylight saving since 1991).
* ``CalendarEvent.start``/``end`` as :class:`datetime.date` (not datetime) describe an all-day event;
  ``end`` is exclusive, so a one-day event on 3 March has ``start=date(…, 3, 3)``, ``end=date(…, 3, 4)``.
* ``CalendarSpec.dtstamp`` is an *aware* UTC instant chosen by the caller (e.g. the plan's
  generation stamp), never read from the clock, so that reruns produce byte-identical files.
* ``CalendarSpec.refresh``, when given, is how often a subscribed client should fetch the calendar
  again (RFC 7986 ``REFRESH-INTERVAL`` and Outlook's ``X-PUBLISHED-TTL``): a positive whole number
  of seconds as a :class:`datetime.timedelta`.
"""

from __future__ import annotations

import datetime
from typing import Literal, TypeAlias

import attrs

Status: TypeAlias = Literal["TENTATIVE", "CONFIRMED", "CANCELLED"]
STATUSES: tuple[Status, ...] = ("TENTATIVE", "CONFIRMED", "CANCELLED")


@attrs.frozen(kw_only=True)
class CalendarEvent:
    """One VEVENT.

    ``uid`` should come from :func:`liaison_ical.serialiser.uid_for` over the business key so it is
    stable across reruns; ``sequence`` is raised by the producer whenever the engagement changes.
    ``status`` is ``TENTATIVE`` while only proposed, ``CONFIRMED`` once fixed and ``CANCELLED`` when
    dropped (the event stays in the file so subscribed clients remove it).  ``location=None`` (or an
    empty string) omits LOCATION; an empty ``description`` omits DESCRIPTION.  ``alarm_minutes`` adds
    a DISPLAY reminder that many minutes before the start (not for cancelled events).
    ``extra`` holds non-standard properties as (name, text) pairs, written in order after CATEGORIES:
    each name an ``X-`` name (RFC 5545, section 3.8.8.2), each value TEXT (escaped as SUMMARY is).
    """

    uid: str
    sequence: int
    status: Status
    summary: str
    description: str
    location: str | None
    categories: tuple[str, ...]
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date
    alarm_minutes: int | None
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def all_day(self) -> bool:
        """True when the event is date-only (VALUE=DATE)."""
        return not isinstance(self.start, datetime.datetime)


@attrs.frozen
class CalendarSpec:
    """One VCALENDAR: a display name, its events in output order, the fixed DTSTAMP/PRODID and,
    for a subscribed feed, the refresh interval (None writes none)."""

    name: str
    events: tuple[CalendarEvent, ...]
    dtstamp: datetime.datetime
    prodid: str
    refresh: datetime.timedelta | None = None


def duration_text(value: datetime.timedelta) -> str:
    """A positive duration as RFC 5545 §3.3.6 writes it: ``PT12H``, ``P1D``, ``P1DT12H``, ``PT1H0M30S``
    (a time part runs from its first non-zero unit to its last; weeks are written as days)."""
    days, rest = divmod(int(value.total_seconds()), 86400)
    units = [(rest // 3600, "H"), (rest // 60 % 60, "M"), (rest % 60, "S")]
    used = [i for i, (n, _) in enumerate(units) if n]
    time = "".join(f"{n}{u}" for n, u in units[used[0]: used[-1] + 1]) if used else ""
    return "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")
