"""Benchmark: liaison_ical.serialiser() against raw icalendar building the same 10,000 events.

Run:  python plugins/liaison-ical/benchmarks/bench_ical.py [--events 10000] [--repeats 5]

Both sides start from the same tuple of CalendarEvent records and produce a complete VCALENDAR with the
same properties (VTIMEZONE, METHOD, X-WR-*, UID, DTSTAMP, DTSTART/DTEND with TZID or VALUE=DATE,
SEQUENCE, STATUS, SUMMARY, DESCRIPTION, LOCATION, CATEGORIES, VALARM).  The raw side uses the ordinary
icalendar API (Calendar(), Event(), add(...), to_ical()).  Best-of-N wall time for each, in the same
process, interleaved; exits with status 1 if the ratio serialise/raw exceeds the 1.3 budget.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import statistics
import sys
import time
import zoneinfo
from collections.abc import Callable, Sequence
from typing import Any

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneStandard

from liaison_ical import CalendarEvent, CalendarSpec, serialise, uid_for

BUDGET = 1.3
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PARTIES = ("民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟", "工商联")


def make_spec(n: int) -> CalendarSpec:
    events = []
    base = datetime.datetime(2025, 1, 6, 9, 0)
    for i in range(n):
        party = PARTIES[i % len(PARTIES)]
        all_day = i % 10 == 0
        start: datetime.datetime | datetime.date
        end: datetime.datetime | datetime.date
        if all_day:
            start = (base + datetime.timedelta(days=i % 365)).date()
            end = start + datetime.timedelta(days=1)
        else:
            start = base + datetime.timedelta(days=i % 365, hours=i % 8)
            end = start + datetime.timedelta(minutes=90)
        events.append(CalendarEvent(
            uid=uid_for("2025", party, str(i)),
            sequence=i % 3,
            status=("TENTATIVE", "CONFIRMED", "CANCELLED")[i % 3],
            summary=f"{party}区委联络座谈会（第{i}次）：听取关于年度重点工作的意见建议",
            description=(
                f"参加人员：区委统战部、{party}区委会负责同志；议题：1. 通报情况；2. 征求意见, 建议; 3. 其他"
            ),
            location="区委统战部三楼会议室" if i % 4 else None,
            categories=("联络", party),
            start=start,
            end=end,
            alarm_minutes=30 if i % 2 else None,
        ))
    return CalendarSpec(
        name="区委统战部 联络日程 2025",
        events=tuple(events),
        dtstamp=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
        prodid="-//liaison//liaison-ical benchmark//ZH",
    )


def raw_head(spec: CalendarSpec) -> Calendar:
    """A calendar's properties and its VTIMEZONE with the plain icalendar API."""
    cal = Calendar()
    cal.add("prodid", spec.prodid)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", spec.name)
    cal.add("x-wr-calname", spec.name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    tz = Timezone()
    tz.add("tzid", "Asia/Shanghai")
    std = TimezoneStandard()
    std.add("dtstart", datetime.datetime(1970, 1, 1))
    std.add("tzoffsetfrom", datetime.timedelta(hours=8))
    std.add("tzoffsetto", datetime.timedelta(hours=8))
    std.add("tzname", "CST")
    tz.add_component(std)
    cal.add_component(tz)
    return cal


def raw_event(ev: Any, dtstamp: Any) -> Event:
    """One VEVENT with the plain icalendar API."""
    event = Event()
    event.add("uid", ev.uid)
    event.add("dtstamp", dtstamp)
    if isinstance(ev.start, datetime.datetime) and isinstance(ev.end, datetime.datetime):
        event.add("dtstart", ev.start.replace(tzinfo=SHANGHAI))
        event.add("dtend", ev.end.replace(tzinfo=SHANGHAI))
    else:
        event.add("dtstart", ev.start)
        event.add("dtend", ev.end)
    event.add("sequence", ev.sequence)
    event.add("status", ev.status)
    event.add("summary", ev.summary)
    if ev.description:
        event.add("description", ev.description)
    if ev.location:
        event.add("location", ev.location)
    if ev.categories:
        event.add("categories", list(ev.categories))
    if ev.alarm_minutes is not None and ev.status != "CANCELLED":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", datetime.timedelta(minutes=-ev.alarm_minutes))
        alarm.add("description", ev.summary)
        event.add_component(alarm)
    return event


def raw_files_once(specs: Sequence[CalendarSpec]) -> list[bytes]:
    """Every calendar with the plain icalendar API, each event built once (by UID) and the same
    Event object added to every calendar holding it: what a careful icalendar user writes."""
    built: dict[str, Event] = {}
    out = []
    for spec in specs:
        cal = raw_head(spec)
        for ev in spec.events:
            event = built.get(ev.uid)
            if event is None:
                event = built[ev.uid] = raw_event(ev, spec.dtstamp)
            cal.add_component(event)
        out.append(cal.to_ical())
    return out


def raw_icalendar(spec: CalendarSpec) -> bytes:
    """The same calendar with the plain icalendar API."""
    cal = raw_head(spec)
    for ev in spec.events:
        cal.add_component(raw_event(ev, spec.dtstamp))
    result: bytes = cal.to_ical()
    return result


def timed(fn: Callable[[CalendarSpec], bytes], spec: CalendarSpec) -> float:
    gc.collect()
    start = time.perf_counter()
    fn(spec)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    spec = make_spec(args.events)
    ours_bytes, raw_bytes = serialise(spec), raw_icalendar(spec)  # warm up both
    ours: list[float] = []
    raw: list[float] = []
    ratios: list[float] = []
    for round_ in range(args.repeats):  # interleaved, each side first every other round
        pair = [(raw, raw_icalendar), (ours, serialise)]
        for times, fn in (pair if round_ % 2 == 0 else pair[::-1]):
            times.append(timed(fn, spec))
        ratios.append(ours[-1] / raw[-1])
    ratio = statistics.median(ratios)
    print(f"events:              {args.events}")
    told = f"median of {args.repeats} interleaved rounds"
    print(f"raw icalendar:       {statistics.median(raw) * 1000:8.1f} ms  ({told}; {len(raw_bytes)} bytes)")
    print(f"liaison_ical:        {statistics.median(ours) * 1000:8.1f} ms  ({told}; {len(ours_bytes)} bytes)")
    print(f"ratio ours/raw:      {ratio:8.3f}  (the median of the rounds' ratios; budget {BUDGET})")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
