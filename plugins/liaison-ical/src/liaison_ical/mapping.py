"""From the planner's :class:`~liaison.year.engagements.Engagement` to a neutral :class:`CalendarEvent`
(pure).

One engagement is one VEVENT, the same in the master calendar and in every participant's calendar:

* UID ``uid_for(district id, engagement id)``: the engagement id is the business key, which does not
  change when the date does, so calendar clients update the event in place.
* SUMMARY the Chinese title, prefixed ``【暂定】`` while the engagement is only proposed and the year's
  holiday calendar is unpublished: an agreed or held event is not provisional to the people who
  agreed it (its description still says the 调休 arrangement is unknown); prefixed ``【已取消】``
  when cancelled, with no word of a provisional date (clients that ignore STATUS still show it).
* DESCRIPTION one line each: host, participants (Chinese names), the provisions it rests on (Chinese
  citation, title and project id), status in Chinese, why the date is provisional, the note, and
  last ``编号：<engagement id>`` — the id a clerk gives ``--move``/``--held``/``--cancel``.
* ``X-LIAISON-ENGAGEMENT`` the engagement id again, for programs (the same in every file and
  CalDAV resource the event is in: they are all built here).
* CATEGORIES the kind in Chinese and ``对口联系``; LOCATION when known.
* STATUS ``TENTATIVE`` while proposed, ``CONFIRMED`` once agreed or held, ``CANCELLED`` when dropped.
* SEQUENCE ``engagement.sequence`` (raised by :func:`liaison.year.engagements.revise`).
* All-day (``VALUE=DATE``) when the engagement has no start time; a start without an end lasts
  :data:`DEFAULT_MINUTES`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

import attrs

from liaison.base.errors import ExportError, Location
from liaison.law.district import District
from liaison.law.rules import ENGAGEMENT_KIND_ZH, EngagementKind
from liaison.law.workdays import provisional_note
from liaison.year.engagements import STATUS_ZH, Engagement, Plan, Status
from liaison_ical.events import CalendarEvent
from liaison_ical.events import Status as IcalStatus
from liaison_ical.serialiser import TZID, uid_for

__all__ = [
    "CANCELLED_PREFIX",
    "CATEGORY",
    "DEFAULT_MINUTES",
    "ICAL_STATUS",
    "ID_LABEL",
    "ID_PROPERTY",
    "PROVISIONAL_PREFIX",
    "Names",
    "default_dtstamp",
    "engagement_event",
    "marked_provisional",
]

CATEGORY: Final = "对口联系"
PROVISIONAL_PREFIX: Final = "【暂定】"
CANCELLED_PREFIX: Final = "【已取消】"
ID_PROPERTY: Final = "X-LIAISON-ENGAGEMENT"
ID_LABEL: Final = "编号："
DEFAULT_MINUTES: Final = 120  # the regulation's meetings and visits are planned at two hours
ICAL_STATUS: Final[Mapping[Status, IcalStatus]] = {
    Status.PROPOSED: "TENTATIVE",
    Status.AGREED: "CONFIRMED",
    Status.HELD: "CONFIRMED",
    Status.CANCELLED: "CANCELLED",
}


@attrs.frozen
class Names:
    """The district's Chinese names, looked up once per export (organisation ids and provision ids).

    An id the district no longer knows (an engagement kept from an earlier plan) shows as itself.
    """

    district_id: str
    organisations: Mapping[str, str]
    provisions: Mapping[str, str]
    kinds: Mapping[str, str] = attrs.field(factory=dict)  # the district's word for each engagement kind

    @classmethod
    def of(cls, district: District) -> Names:
        if district.info.timezone != TZID:
            raise ExportError(
                f"the district's time zone is {district.info.timezone!r}; liaison-ical writes {TZID} only",
                path=Location.inside("info", "timezone"),
                fix=f"set timezone = {TZID!r} in the district data, or use another exporter",
                message_zh=f"本区数据的时区是 {district.info.timezone!r}；liaison-ical 只写 {TZID}",
                fix_zh=f"请在区数据中写 timezone = {TZID!r}，或改用其他导出器",
            )
        return cls(
            district.info.id,
            {o.id: o.name for o in district.organisations},
            {p.id: f"{p.cite_zh()}（{p.id}）" for p in district.provisions},
            {k.value: district.kind_name(k) for k in EngagementKind},
        )

    def organisation(self, org_id: str) -> str:
        return self.organisations.get(org_id, org_id)

    def provision(self, provision_id: str) -> str:
        return self.provisions.get(provision_id, provision_id)


def default_dtstamp(plan: Plan) -> dt.datetime:
    """Midnight UTC on 1 January of the plan's first year: fixed by the plan, never the clock."""
    return dt.datetime(plan.year, 1, 1, tzinfo=dt.UTC)


def _times(e: Engagement) -> tuple[dt.datetime | dt.date, dt.datetime | dt.date]:
    if e.start is None:
        return e.date, e.date + dt.timedelta(days=1)
    start = dt.datetime.combine(e.date, e.start)
    if e.end is None:
        return start, start + dt.timedelta(minutes=DEFAULT_MINUTES)
    end = dt.datetime.combine(e.date, e.end)
    if end <= start:
        raise ExportError(f"ends at {e.end.isoformat()}, not after its start {e.start.isoformat()}",
                          path=Location.named(f"engagement {e.id}"),
                          fix="move it with an end time after the start",
                          message_zh=f"结束时间 {e.end.isoformat()} 不晚于开始时间 {e.start.isoformat()}",
                          fix_zh="请调整该活动，结束时间应晚于开始时间")
    return start, end


def _description(e: Engagement, names: Names, breaks_avoided: bool = True) -> str:
    lines = [
        f"主办单位：{names.organisation(e.host)}",
        "参加单位：" + "、".join(names.organisation(p) for p in e.participants),
    ]
    if e.guests:
        lines.append("特邀人士：" + "、".join(f"{g.name}（{names.organisation(g.organisation)}"
                                              + (f"，{g.title}" if g.title else "") + "）" for g in e.guests))
    if e.provisions:
        lines.append("依据：" + "；".join(names.provision(p) for p in e.provisions))
    lines.append(f"状态：{STATUS_ZH[e.status]}")
    if e.provisional and e.status != Status.CANCELLED:  # a date called off is not a provisional one
        lines.append("日期暂定：" + provisional_note(e.date.year, breaks_avoided=breaks_avoided))
    if e.note:
        lines.append(f"备注：{e.note}")
    lines.append(ID_LABEL + e.id)
    return "\n".join(lines)


def marked_provisional(e: Engagement) -> bool:
    """The title says 【暂定】: the date is provisional and nobody has agreed it yet
    (:attr:`~liaison.year.engagements.Engagement.marked_provisional`, as the page shows it); the 调休
    caveat stays in the description.
    标题只在日期暂定且尚未商定时标【暂定】；已商定或已举行的活动不再标注，调休说明仍留在描述中。"""
    return e.marked_provisional


def _prefix(e: Engagement) -> str:
    """【已取消】 for what is off, 【暂定】 for a date nobody has agreed yet, else nothing."""
    if e.status == Status.CANCELLED:
        return CANCELLED_PREFIX
    return PROVISIONAL_PREFIX if marked_provisional(e) else ""


def engagement_event(e: Engagement, names: Names, *, alarm_minutes: int | None = None,
                     breaks_avoided: bool = True) -> CalendarEvent:
    """The VEVENT record for one engagement (see the module docstring for each field)."""
    start, end = _times(e)
    return CalendarEvent(
        uid=uid_for(names.district_id, e.id),
        sequence=e.sequence,
        status=ICAL_STATUS[e.status],
        summary=_prefix(e) + e.title_zh,
        description=_description(e, names, breaks_avoided),
        location=e.location or None,
        categories=(names.kinds.get(e.kind.value, ENGAGEMENT_KIND_ZH[e.kind]), CATEGORY),
        start=start,
        end=end,
        alarm_minutes=alarm_minutes,
        extra=((ID_PROPERTY, e.id),),
    )
