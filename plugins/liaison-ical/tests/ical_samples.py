"""Sample calendars used across the liaison-ical tests."""

from __future__ import annotations

import datetime
from typing import Any

from liaison_ical import CalendarEvent, CalendarSpec, uid_for

PRODID = "-//liaison//liaison-ical//ZH"
DTSTAMP = datetime.datetime(2025, 1, 1, 0, 0, tzinfo=datetime.UTC)


def make_event(n: int = 0, **overrides: Any) -> CalendarEvent:
    values: dict[str, Any] = {
        "uid": uid_for("2025", "民革", "座谈", str(n)),
        "sequence": 0,
        "status": "CONFIRMED",
        "summary": f"民革区委联络座谈会 {n}",
        "description": "参加：区委统战部、民革区委会",
        "location": "区委统战部三楼会议室",
        "categories": ("联络", "民革"),
        "start": datetime.datetime(2025, 3, 3, 9, 30) + datetime.timedelta(days=n),
        "end": datetime.datetime(2025, 3, 3, 11, 0) + datetime.timedelta(days=n),
        "alarm_minutes": 30,
    }
    values.update(overrides)
    return CalendarEvent(**values)


def make_spec(*events: CalendarEvent, name: str = "区委统战部 联络日程") -> CalendarSpec:
    return CalendarSpec(name=name, events=tuple(events), dtstamp=DTSTAMP, prodid=PRODID)


def varied_spec() -> CalendarSpec:
    """Every feature at once: statuses, sequences, all-day, alarms, hostile text, missing fields."""
    return make_spec(
        make_event(0),
        make_event(1, status="TENTATIVE", sequence=0, alarm_minutes=None, location=None),
        make_event(2, status="CANCELLED", sequence=3),
        make_event(3, start=datetime.date(2025, 4, 1), end=datetime.date(2025, 4, 2), alarm_minutes=1440),
        make_event(4, start=datetime.date(2025, 4, 28), end=datetime.date(2025, 5, 6), status="TENTATIVE"),
        make_event(5, summary="座谈会\r\nBEGIN:VEVENT\r\nUID:evil\r\nEND:VEVENT",
                   description="a\r\nEND:VCALENDAR",
                   location="楼;层,室\\N\nBEGIN:VALARM", categories=("a;b", "c\\d", "民主党派：民革"),
                   alarm_minutes=0),
        make_event(6, summary="", description="", location="", categories=(), sequence=12),
        make_event(7, start=datetime.datetime(2025, 12, 31, 23, 0), end=datetime.datetime(2026, 1, 1, 1, 0)),
        make_event(8, summary="长" * 200 + "😀" * 30 + "é" * 40, description="说明：" + "统一战线工作" * 100),
    )
