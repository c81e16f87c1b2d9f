"""The ``ical`` exporter: a master calendar and one calendar per organisation taking part.

Artifacts (``{years}`` is ``2027`` or ``2026-2027``)::

    {years}/ical/全部.ics              every engagement           X-WR-CALNAME 区 2027年对口联系工作日程
    {years}/ical/{safe_name(id)}.ics   one per participating org  X-WR-CALNAME 区发改局 2027年对口联系工作日程

An organisation's calendar holds exactly the engagements it takes part in (host or participant);
cancelled engagements (kept by :func:`liaison.plan.revise`) stay in every file that had them, so
subscribed clients remove them.  Each engagement becomes one VEVENT (:mod:`liaison_ical.mapping`), the
same bytes in every file it appears in.

Options (:data:`OPTIONS`; ``liaison export ical --option KEY=VALUE``, checked by the host):

``alarm_minutes``
    A DISPLAY reminder that many minutes before each event that is not cancelled.  Default: none.
``dtstamp``
    The DTSTAMP of every event: an aware datetime, or ISO text with an offset (``2027-01-01T00:00:00Z``)
    or a date (midnight UTC).  Default: midnight UTC on 1 January of the plan's first year, so
    re-exports of unchanged engagements are byte-identical; never the clock.

Pure: the same request always gives the same bytes, and nothing touches the file system.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Final

from liaison.errors import ExportError
from liaison.exporting import Artifact, Exporter, ExportRequest, safe_name
from liaison.hookspecs import hookimpl
from liaison.options import Option
from liaison.planner import organisations_in
from liaison_ical.events import CalendarEvent, CalendarSpec
from liaison_ical.mapping import Names, default_dtstamp, engagement_event
from liaison_ical.serialise import serialise_many

__all__ = ["MASTER_FILE", "MEDIA_TYPE", "OPTIONS", "PRODID", "export", "register_exporters"]

MEDIA_TYPE: Final = "text/calendar"
PRODID: Final = "-//liaison//liaison-ical//ZH"
MASTER_FILE: Final = "全部"


OPTIONS: Final = (
    Option("alarm_minutes", "int", None, "a reminder that many minutes before each event, e.g. 30",
           minimum=0),
    Option("dtstamp", "datetime", None,
           "the DTSTAMP of every event (default: midnight UTC on 1 January of the plan's first year)"),
)


def export(request: ExportRequest) -> list[Artifact]:
    """Every calendar of the plan, master first, then organisations in directory order."""
    district, plan = request.district, request.plan
    alarm: int | None = request.option("alarm_minutes")
    dtstamp: dt.datetime = request.option("dtstamp") or default_dtstamp(plan)
    names = Names.of(district)
    label = str(plan.year)
    title = f"{label}年对口联系工作日程"
    folder = "ical"

    every: list[CalendarEvent] = []
    by_org: dict[str, list[CalendarEvent]] = {}
    for engagement in plan.engagements:
        try:
            event = engagement_event(engagement, names, alarm_minutes=alarm)
        except (KeyError, ValueError, OverflowError) as exc:  # an engagement the planner could not have made
            raise ExportError(f"cannot be written as a calendar event: {type(exc).__name__}: {exc}",
                              path=f"engagement {engagement.id}") from None
        every.append(event)
        for org_id in dict.fromkeys(engagement.participants):
            by_org.setdefault(org_id, []).append(event)

    files = [MASTER_FILE]
    specs = [CalendarSpec(f"{district.info.name} {title}", tuple(every), dtstamp, PRODID)]
    taken = {MASTER_FILE: f"the master calendar {MASTER_FILE}.ics"}
    for org in organisations_in(plan, district):
        name = safe_name(org.id)
        if name in taken:
            raise ExportError(f"organisation id {org.id!r} gives the file name {name}.ics, "
                              f"as does {taken[name]}",
                              path=f"organisations.{org.id}", fix="give the organisations distinct ASCII ids")
        taken[name] = f"organisation {org.id!r}"
        files.append(name)
        specs.append(CalendarSpec(f"{org.name} {title}", tuple(by_org[org.id]), dtstamp, PRODID))

    return [Artifact(f"{folder}/{name}.ics", MEDIA_TYPE, data)
            for name, data in zip(files, serialise_many(specs), strict=True)]


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter("ical", "iCalendar 日程：总表与各单位日历 calendars", export, options=OPTIONS))
