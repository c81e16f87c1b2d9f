"""The ``ical`` exporter: a master calendar and one calendar per organisation taking part.

Artifacts, in the year's output folder (``out/2027/``)::

    ical/全部.ics              every engagement           X-WR-CALNAME ××区 2027年对口联系工作日程
    ical/{safe_name(id)}.ics   one per participating org  X-WR-CALNAME ××区发改局 2027年对口联系工作日程

An organisation's calendar holds exactly the engagements it takes part in (host or participant);
cancelled engagements (kept by :func:`liaison.year.engagements.revise`) stay in every file that had them, so
subscribed clients remove them.  Each engagement becomes one VEVENT (:mod:`liaison_ical.mapping`), the
same bytes in every file it appears in.

Options (:data:`OPTIONS`; ``liaison export ical --option KEY=VALUE``, checked by the host):

``alarm_minutes``
    A DISPLAY reminder that many minutes before each event that is not cancelled.  Default: none.
``dtstamp``
    The DTSTAMP of every event: an aware datetime, or ISO text with an offset (``2027-01-01T00:00:00Z``)
    or a date (midnight UTC).  Default: midnight UTC on 1 January of the plan's year, so
    re-exports of unchanged engagements are byte-identical; never the clock.
``refresh``
    How often a client subscribed to the file (a feed served over HTTP, see docs/publishing.md)
    should fetch it again: an RFC 5545 / ISO 8601 duration such as ``PT12H``, ``PT30M``, ``P1D`` or
    ``P1W`` (no years or months; at least one minute).  Written into every file as
    ``REFRESH-INTERVAL;VALUE=DURATION`` (RFC 7986) and ``X-PUBLISHED-TTL``.  Default ``PT12H``.

The same calendars as CalDAV resources (one per event) come from
:func:`liaison_ical.resources.calendar_resources`, built by the same code.

Pure: the same request always gives the same bytes, and nothing touches the file system.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs

from liaison.base.errors import ExportError, Location, Refused
from liaison.host.exporting import Artifact, Exporter, ExportRequest, safe_name
from liaison.host.hookspecs import hookimpl
from liaison.host.options import Option, resolve
from liaison.law.district import District
from liaison.year.engagements import Plan
from liaison.year.planner import organisations_in
from liaison_ical.events import CalendarEvent, CalendarSpec, duration_text

__all__ = [
    "DEFAULT_REFRESH",
    "MASTER_FILE",
    "MEDIA_TYPE",
    "OPTIONS",
    "PRODID",
    "Calendars",
    "NamedCalendar",
    "calendars",
    "export",
    "refresh_interval",
    "register_exporters",
    "typed_options",
]

MEDIA_TYPE: Final = "text/calendar"
#: The folder, inside the year's output folder, the calendars go to.
FOLDER: Final = "ical"
PRODID: Final = "-//liaison//liaison-ical//ZH"
MASTER_FILE: Final = "全部"


DEFAULT_REFRESH: Final = "PT12H"
# RFC 5545 §3.3.6 dur-value, positive only (RFC 7986 §5.7): weeks, or days and/or a time part.
_TIME: Final = r"T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?"
_DURATION: Final = re.compile(rf"P(?:\d+W|\d+D(?:{_TIME})?|{_TIME})")
_PARTS: Final = re.compile(r"(\d+)([WDHMS])")
_DATE_UNITS: Final = {"W": 604800, "D": 86400}
_TIME_UNITS: Final = {"H": 3600, "M": 60, "S": 1}


def refresh_interval(text: str) -> dt.timedelta:
    """The duration in ``text`` (``PT12H``, ``P1D``, ``P1W``, ``PT1H30M``), or :class:`ValueError` why not."""
    value = text.strip().upper() if isinstance(text, str) else text
    if not isinstance(value, str) or _DURATION.fullmatch(value) is None:
        raise Refused(f"{text!r} is not a duration such as PT12H, PT30M, P1D or P1W "
                      "(RFC 5545: weeks, days, hours, minutes, seconds; no years or months)",
                      f"{text!r} 不是时长，请写成如 PT12H、PT30M、P1D 或 P1W"
                      "（RFC 5545：周、日、时、分、秒；不能用年或月）")
    date_part, _, time_part = value[1:].partition("T")
    seconds = (sum(int(n) * _DATE_UNITS[u] for n, u in _PARTS.findall(date_part))
               + sum(int(n) * _TIME_UNITS[u] for n, u in _PARTS.findall(time_part)))
    if seconds < 60:
        raise Refused(f"{text!r} is under a minute: clients would poll the server that often; "
                      "give e.g. PT12H",
                      f"{text!r} 不足一分钟：客户端会这样频繁地访问服务器，请写成如 PT12H")
    return dt.timedelta(seconds=seconds)


def _refresh_text(value: Any) -> str:
    """The option's check: the canonical text of a valid duration (``pt90m`` -> ``PT1H30M``)."""
    return duration_text(refresh_interval(value))


OPTIONS: Final = (
    Option(name="alarm_minutes", type="int", default=None,
           help="a reminder that many minutes before each event, e.g. 30",
           minimum=0, maximum=40_320, help_zh="在每项活动开始前多少分钟提醒，如 30"),  # at most four weeks
    Option(name="dtstamp", type="datetime", default=None,
           help="the DTSTAMP of every event (default: midnight UTC on 1 January of the plan's year)",
           help_zh="每个事件的 DTSTAMP（默认：计划年度 1 月 1 日零时，协调世界时）"),
    Option(name="refresh", type="text", default=DEFAULT_REFRESH,
           help="how often subscribed clients refresh: a duration such as PT12H, PT30M or P1D "
           "(REFRESH-INTERVAL and X-PUBLISHED-TTL)", check=_refresh_text,
           help_zh="订阅的客户端多久刷新一次：时长，如 PT12H、PT30M 或 P1D"
                   "（写入 REFRESH-INTERVAL 和 X-PUBLISHED-TTL）"),
)


@attrs.frozen
class NamedCalendar:
    """One calendar of the plan: its key (``全部`` or the organisation id), file stem and spec."""

    key: str
    stem: str
    spec: CalendarSpec


@attrs.frozen
class Calendars:
    """Every calendar of a plan, master first, then organisations in directory order."""

    district: str  # the district id (also the UID domain's business key)
    label: str  # the plan's year, ``2027``
    folder: str  # ``ical``, inside the year's output folder
    calendars: tuple[NamedCalendar, ...]


def calendars(district: District, plan: Plan, options: Mapping[str, Any]) -> Calendars:
    """The plan's calendars as specs; ``options`` already typed (resolved against :data:`OPTIONS`)."""
    # icalendar (through the mapping's serialiser) loads when calendars are made, not with the plugin:
    # every command loads every plugin's entry point, and most make no calendar.
    from liaison_ical.mapping import Names, default_dtstamp, engagement_event

    alarm: int | None = options.get("alarm_minutes")
    dtstamp: dt.datetime = options.get("dtstamp") or default_dtstamp(plan)
    refresh = refresh_interval(options.get("refresh") or DEFAULT_REFRESH)
    names = Names.of(district)
    label = str(plan.year)
    title = f"{label}年对口联系工作日程"

    every: list[CalendarEvent] = []
    by_org: dict[str, list[CalendarEvent]] = {}
    for engagement in plan.engagements:
        try:
            event = engagement_event(engagement, names, alarm_minutes=alarm,
                                     breaks_avoided=not plan.options.allow_customary_breaks)
        except (KeyError, ValueError, OverflowError) as exc:  # an engagement the planner could not have made
            raise ExportError(f"cannot be written as a calendar event: {type(exc).__name__}: {exc}",
                              path=Location.named(f"engagement {engagement.id}"),
                              message_zh=f"无法写成日历事件：{type(exc).__name__}: {exc}") from None
        every.append(event)
        for org_id in dict.fromkeys(engagement.participants):
            by_org.setdefault(org_id, []).append(event)

    found = [NamedCalendar(MASTER_FILE, MASTER_FILE, CalendarSpec(
        f"{district.info.name} {title}", tuple(every), dtstamp, PRODID, refresh))]
    # what already took a file name, in both languages
    taken = {MASTER_FILE: (f"the master calendar {MASTER_FILE}.ics", f"总日历 {MASTER_FILE}.ics")}
    for org in organisations_in(plan, district):
        name = safe_name(org.id)
        if name in taken:
            raise ExportError(f"organisation id {org.id!r} gives the file name {name}.ics, "
                              f"as does {taken[name][0]}",
                              path=Location(root="organisations", path=(org.id,)),
                              fix="give the organisations distinct ASCII ids",
                              message_zh=f"单位编号 {org.id!r} 得出的文件名 {name}.ics "
                                         f"已被{taken[name][1]}占用",
                              fix_zh="请给各单位互不相同的 ASCII 编号")
        taken[name] = (f"organisation {org.id!r}", f"单位 {org.id!r}")
        found.append(NamedCalendar(org.id, name, CalendarSpec(
            f"{district.full_name(org)} {title}", tuple(by_org[org.id]), dtstamp, PRODID, refresh)))
    return Calendars(district.info.id, label, FOLDER, tuple(found))


def typed_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """``options`` (text or Python values) checked against :data:`OPTIONS`, as the host would."""
    return resolve(OPTIONS, options or {}, "exporter 'ical'")


def export(request: ExportRequest) -> list[Artifact]:
    """Every calendar of the plan, master first, then organisations in directory order."""
    from liaison_ical.serialiser import serialise_many

    found = calendars(request.district, request.plan, request.options)
    data = serialise_many(c.spec for c in found.calendars)
    return [Artifact(f"{found.folder}/{c.stem}.ics", MEDIA_TYPE, ics)
            for c, ics in zip(found.calendars, data, strict=True)]


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter("ical", "iCalendar 日程：总表与各单位日历 calendars", export, options=OPTIONS,
                      reads_letters=False))
