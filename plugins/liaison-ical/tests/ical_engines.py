"""Three independent readers of .ics bytes, each reduced to the same neutral record.

* ``read_icalendar``: icalendar (``Calendar.from_ical`` + ``validate()`` + per-component parse errors),
  occurrences expanded with recurring-ical-events.
* ``read_ical``: the strict ``ical`` package (pydantic models), occurrences from its timeline.
* ``read_icaljs``: Mozilla's ical.js under node (``tests/js/expand.mjs``), occurrences from its iterator.

A record is a dict: uid, sequence, status, summary, description, location, categories,
alarm_seconds, engagement (the X-LIAISON-ENGAGEMENT value, "" when absent; every reader keeps an
unknown X- property's value raw, so it is unescaped here), occurrences (list of (start, end)); a
timed instant is Unix seconds, an all-day one "YYYY-MM-DD".
``expected`` builds the same record from a CalendarSpec.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import recurring_ical_events
from ical.calendar_stream import IcsCalendarStream

from liaison_ical import CalendarEvent, CalendarSpec

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ENGAGEMENT = "X-LIAISON-ENGAGEMENT"
JS_DIR = Path(__file__).parent / "js"
FAR_PAST = datetime.date(1971, 1, 1)
FAR_FUTURE = datetime.date(2200, 1, 1)

Record = dict[str, Any]


def norm_text(text: str) -> str:
    """What a text field reads back as: every line break (CRLF, CR, LF) becomes LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def unescaped(raw: str) -> str:
    """An unknown X- property's raw value read as TEXT (RFC 5545 §3.3.11): the readers keep it raw."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), raw)


def escaped_name(name: str) -> str:
    """How NAME/X-WR-CALNAME read back in icalendar 7 and ical.js, which both leave them unescaped."""
    return name.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")


def instant(value: datetime.date | datetime.datetime) -> int | str:
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=SHANGHAI)
        return int(value.timestamp())
    return value.isoformat()


def expected_event(event: CalendarEvent) -> Record:
    return {
        "uid": event.uid,
        "sequence": event.sequence,
        "status": event.status,
        "summary": norm_text(event.summary),
        "description": norm_text(event.description),
        "location": norm_text(event.location or ""),
        "categories": [norm_text(c) for c in event.categories],
        "engagement": norm_text(dict(event.extra).get(ENGAGEMENT, "")),
        "alarm_seconds": (
            [-60 * event.alarm_minutes]
            if event.alarm_minutes is not None and event.status != "CANCELLED"
            else []
        ),
        "occurrences": [(instant(event.start), instant(event.end))],
    }


def expected(spec: CalendarSpec) -> list[Record]:
    return [expected_event(e) for e in spec.events]


# --- icalendar + recurring-ical-events ------------------------------------------------------------


def read_icalendar(data: bytes) -> tuple[icalendar.Calendar, list[Record]]:
    cal = icalendar.Calendar.from_ical(data)
    cal.validate()
    for component in cal.walk():
        assert not component.errors, (component.name, component.errors)
    occurrences: dict[str, list[tuple[int | str, int | str]]] = {}
    for occ in recurring_ical_events.of(cal).between(FAR_PAST, FAR_FUTURE):
        occurrences.setdefault(str(occ["UID"]), []).append((instant(occ.start), instant(occ.end)))
    records = []
    for event in cal.walk("VEVENT"):
        uid = str(event["UID"])
        records.append({
            "uid": uid,
            "sequence": int(event.decoded("SEQUENCE")),
            "status": str(event["STATUS"]),
            "summary": str(event.get("SUMMARY", "")),
            "description": str(event.get("DESCRIPTION", "")),
            "location": str(event.get("LOCATION", "")),
            "categories": [str(c) for c in event.categories],
            "engagement": unescaped(event[ENGAGEMENT].to_ical().decode()) if ENGAGEMENT in event else "",
            "alarm_seconds": [
                int(a.decoded("TRIGGER").total_seconds()) for a in event.walk("VALARM")
            ],
            "occurrences": sorted(occurrences.get(uid, [])),
        })
    return cal, records


# --- the strict `ical` package --------------------------------------------------------------------


def read_ical(data: bytes) -> tuple[Any, list[Record]]:
    cal = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    occurrences: dict[str, list[tuple[int | str, int | str]]] = {}
    for occ in cal.timeline_tz(SHANGHAI):
        assert occ.uid is not None
        occurrences.setdefault(occ.uid, []).append((instant(occ.start), instant(occ.end)))
    records = []
    for event in cal.events:
        assert event.uid is not None
        records.append({
            "uid": event.uid,
            "sequence": event.sequence,
            "status": event.status.value if event.status is not None else None,
            "summary": event.summary or "",
            "description": event.description or "",
            "location": event.location or "",
            "categories": [norm_text(c) for c in event.categories],
            "engagement": unescaped(next((x.value for x in event.extras if x.name.upper() == ENGAGEMENT),
                                         "")),
            "alarm_seconds": [
                int(a.trigger.total_seconds())
                for a in event.alarm
                if isinstance(a.trigger, datetime.timedelta)
            ],
            "occurrences": sorted(occurrences.get(event.uid, [])),
        })
    return cal, records


# --- Mozilla ical.js under node -------------------------------------------------------------------


#: ical.js run over documents (the ``icaljs`` fixture): each document's events as dictionaries.
IcalJs = Callable[[list[bytes]], list[dict[str, Any]]]


def node_executable() -> str | None:
    return shutil.which("node")


def ensure_node_modules() -> None:
    """Install tests/js dependencies (pinned by package-lock.json) when CI has not done it already."""
    if (JS_DIR / "node_modules" / "ical.js" / "package.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("node is installed but npm is not; "
                           "run (cd plugins/liaison-ical/tests/js && npm ci), as .ci/run does")
    command = "ci" if (JS_DIR / "package-lock.json").exists() else "install"
    subprocess.run([npm, command, "--no-audit", "--no-fund"], cwd=JS_DIR, check=True,
                   capture_output=True, timeout=300)


def run_icaljs(documents: list[bytes]) -> list[dict[str, Any]]:
    """Parse several documents in one node process; returns expand.mjs's JSON per document."""
    node = node_executable()
    assert node is not None
    proc = subprocess.run(
        [node, str(JS_DIR / "expand.mjs")],
        input=json.dumps([d.decode("utf-8") for d in documents]).encode("utf-8"),
        capture_output=True, check=False, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    result: list[dict[str, Any]] = json.loads(proc.stdout)
    return result


def icaljs_records(described: dict[str, Any]) -> list[Record]:
    assert "error" not in described, described["error"]
    return [
        {
            "uid": e["uid"],
            "sequence": e["sequence"],
            "status": e["status"],
            "summary": e["summary"] or "",
            "description": e["description"] or "",
            "location": e["location"] or "",
            "categories": e["categories"],
            "engagement": unescaped(e["engagement"] or ""),
            "alarm_seconds": [a["trigger_seconds"] for a in e["alarms"]],
            "occurrences": sorted((o["start"], o["end"]) for o in e["occurrences"]),
        }
        for e in described["events"]
    ]


def without_comma_categories(records: list[Record], spec: CalendarSpec) -> list[Record]:
    """Blank out `categories` for events whose categories contain a comma.

    The ``ical`` package splits CATEGORIES on every comma, escaped or not
    (``ical.types.data_types._expand_repeated_property``), so ``CATEGORIES:a\\,b`` reads as
    ``["a\\", "b"]`` there although RFC 5545 (and icalendar and ical.js) read ``["a,b"]``.  That
    disagreement is pinned by ``test_ical_package_splits_escaped_commas``; everything else must agree.
    """
    out = []
    for record, event in zip(records, spec.events, strict=True):
        if any("," in c for c in event.categories):
            record = {**record, "categories": None}
        out.append(record)
    return out
