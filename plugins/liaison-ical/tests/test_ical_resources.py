"""The calendars as CalDAV resources (RFC 4791 §4.1): one VCALENDAR per event, no METHOD, the VEVENT
byte for byte the one in the exported .ics, a sha256 per resource; and the refresh hint in the spec."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import attrs
import pytest
from ical_engines import (
    IcalJs,
    expected_event,
    icaljs_records,
    read_ical,
    read_icalendar,
)
from ical_samples import make_event, make_spec, varied_spec

from liaison.base.errors import ExportError, OptionError
from liaison.host.exporting import Exporter
from liaison.law.district import District
from liaison.year.engagements import Plan, Status, revise
from liaison.year.planner import organisations_in, plan_year
from liaison_ical import CalendarSpec, calendar_resources, object_resources, serialise, uid_for
from liaison_ical.plugin import OPTIONS, export
from liaison_ical.serialiser import duration_text

EXPORTER = Exporter("ical", "calendars", export, options=OPTIONS)


@pytest.fixture(scope="module")
def plan_2026(seed: District) -> Plan:
    return plan_year(seed, 2026)


def vevent_blocks(data: bytes) -> list[bytes]:
    return re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data, flags=re.S)


def unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


# --- object_resources on the serialiser's own samples ----------------------------------------------


def test_one_resource_per_event_with_the_vtimezone_and_no_method() -> None:
    spec = varied_spec()
    (resources,) = object_resources([spec])
    assert len(resources) == len(spec.events)
    whole = serialise(spec)
    for event, data, block in zip(spec.events, resources, vevent_blocks(whole), strict=True):
        text = unfolded(data)
        assert text[0] == "BEGIN:VCALENDAR" and text[-1] == "END:VCALENDAR"
        assert text.count("BEGIN:VEVENT") == 1 and text.count("BEGIN:VTIMEZONE") == 1
        assert not any(line.startswith(("METHOD", "NAME", "X-WR-", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"))
                       for line in text)
        assert "PRODID:-//liaison//liaison-ical//ZH" in text and "VERSION:2.0" in text
        assert vevent_blocks(data) == [block]  # the .ics's VEVENT, byte for byte
        assert f"UID:{event.uid}" in text


def test_resources_parse_in_the_python_engines_as_the_events_they_hold() -> None:
    spec = varied_spec()
    (resources,) = object_resources([spec])
    for event, data in zip(spec.events, resources, strict=True):
        cal, (record,) = read_icalendar(data)
        assert record == expected_event(event)
        assert "METHOD" not in cal
        _, (strict,) = read_ical(data)
        if not any("," in c for c in event.categories):  # the ical package's comma bug
            assert strict == expected_event(event)


def test_resources_parse_in_icaljs(icaljs: IcalJs) -> None:
    spec = varied_spec()
    (resources,) = object_resources([spec])
    described = icaljs(list(resources))
    for event, one in zip(spec.events, described, strict=True):
        assert one["method"] is None and one["refresh_interval"] is None
        assert one["vtimezones"] == [{"tzid": "Asia/Shanghai", "standard": 1, "daylight": 0, "rdate": False}]
        assert icaljs_records(one) == [expected_event(event)]


def test_object_resources_check_like_the_serialiser() -> None:
    event = make_event(1)
    with pytest.raises(ExportError) as info:
        object_resources([make_spec(event), make_spec(event, event)])
    assert info.value.path == "calendars[1].events[1].uid"
    with pytest.raises(ExportError) as info:
        object_resources([make_spec(make_event(2, summary="a\x00b"))])
    assert info.value.path == "events[0].summary"


# --- the refresh hint in a CalendarSpec ------------------------------------------------------------


def spec_with_refresh(refresh: Any) -> CalendarSpec:
    plain = make_spec(make_event())
    return CalendarSpec(plain.name, plain.events, plain.dtstamp, plain.prodid, refresh)


def test_a_spec_without_refresh_writes_no_refresh_lines() -> None:
    data = serialise(make_spec(make_event()))
    assert b"REFRESH-INTERVAL" not in data and b"X-PUBLISHED-TTL" not in data


def test_a_spec_with_refresh_writes_both_lines() -> None:
    text = unfolded(serialise(spec_with_refresh(dt.timedelta(hours=12))))
    head = text[: text.index("BEGIN:VTIMEZONE")]
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H" in head and "X-PUBLISHED-TTL:PT12H" in head


@pytest.mark.parametrize("refresh", [dt.timedelta(0), dt.timedelta(hours=-1), dt.timedelta(seconds=1.5),
                                     "PT12H", 43200])
def test_a_bad_refresh_in_a_spec_is_named(refresh: Any) -> None:
    with pytest.raises(ExportError) as info:
        serialise(spec_with_refresh(refresh))
    assert info.value.path == "refresh"


@pytest.mark.parametrize(("seconds", "text"), [
    (60, "PT1M"), (3600, "PT1H"), (43200, "PT12H"), (86400, "P1D"), (90000, "P1DT1H"), (3630, "PT1H0M30S"),
    (86401, "P1DT1S"), (604800, "P7D"),
])
def test_duration_text_follows_rfc_5545(seconds: int, text: str) -> None:
    assert duration_text(dt.timedelta(seconds=seconds)) == text


# --- calendar_resources on the seed district -------------------------------------------------------


def test_the_same_calendars_as_the_exported_files(seed: District, plan_2026: Plan) -> None:
    found = calendar_resources(seed, plan_2026)
    files = EXPORTER.run(seed, plan_2026)
    assert found.district == "seed" and found.label == "2026"
    assert [f"ical/{c.stem}.ics" for c in found.calendars] == [a.path for a in files]
    assert found.keys() == ("全部", *(o.id for o in organisations_in(plan_2026, seed)))
    for calendar, artifact in zip(found.calendars, files, strict=True):
        assert f"X-WR-CALNAME:{calendar.name}" in unfolded(artifact.data)
        blocks = vevent_blocks(artifact.data)
        assert len(calendar.resources) == len(blocks)
        for resource, block in zip(calendar.resources, blocks, strict=True):
            assert vevent_blocks(resource.data) == [block]
            assert resource.digest == hashlib.sha256(resource.data).hexdigest()


def test_uids_sequences_and_statuses_come_from_the_plan(seed: District, plan_2026: Plan) -> None:
    target = plan_2026.engagements[3]
    revised = revise(plan_2026, plan_2026.move(target.id, target.date + dt.timedelta(days=1)))
    master = calendar_resources(seed, revised).calendars[0]
    assert [r.uid for r in master.resources] == [uid_for("seed", e.id) for e in revised.engagements]
    moved = next(r for r in master.resources if r.uid == uid_for("seed", target.id))
    assert (moved.sequence, moved.status) == (1, "CONFIRMED")
    cancelled = revise(revised, attrs.evolve(revised, engagements=()))  # every engagement dropped
    statuses = {r.status for r in calendar_resources(seed, cancelled).calendars[0].resources}
    assert statuses == {"CANCELLED"}
    assert all(e.status == Status.CANCELLED for e in cancelled.engagements)


def test_an_event_is_the_same_resource_in_every_calendar_holding_it(seed: District, plan_2026: Plan) -> None:
    found = calendar_resources(seed, plan_2026)
    by_uid = {r.uid: r for r in found.calendars[0].resources}
    for calendar in found.calendars[1:]:
        assert calendar.resources
        for resource in calendar.resources:
            assert resource == by_uid[resource.uid]
    engagement = plan_2026.engagements[0]
    uid = uid_for("seed", engagement.id)
    holders = [c.key for c in found.calendars if uid in {r.uid for r in c.resources}]
    assert holders == ["全部", *(o.id for o in organisations_in(plan_2026, seed)
                                 if o.id in engagement.participants)]


def test_only_a_changed_engagement_changes_its_digest(seed: District, plan_2026: Plan) -> None:
    before = calendar_resources(seed, plan_2026)
    target = plan_2026.engagements[7]
    moved = revise(plan_2026, plan_2026.move(target.id, target.date + dt.timedelta(7)))
    after = calendar_resources(seed, moved)
    changed: list[tuple[str, str]] = []
    for old, new in zip(before.calendars, after.calendars, strict=True):
        assert old.key == new.key
        digests = {r.uid: r.digest for r in old.resources}
        assert digests.keys() == {r.uid for r in new.resources}
        changed += [(new.key, r.uid) for r in new.resources if digests[r.uid] != r.digest]
    uid = uid_for("seed", target.id)
    assert changed == [("全部", uid), *((o, uid) for o in before.keys()[1:] if o in target.participants)]


def test_resources_are_deterministic_and_follow_the_ical_options(seed: District, plan_2026: Plan) -> None:
    assert calendar_resources(seed, plan_2026) == calendar_resources(seed, plan_2026)
    plain = calendar_resources(seed, plan_2026).calendars[0].resources[0]
    alarmed = calendar_resources(seed, plan_2026, {"alarm_minutes": "30"}).calendars[0].resources[0]
    assert b"TRIGGER:-PT30M" in alarmed.data and alarmed.digest != plain.digest
    stamped = calendar_resources(seed, plan_2026, {"dtstamp": "2025-12-01"}).calendars[0].resources[0]
    assert b"DTSTAMP:20251201T000000Z" in stamped.data
    refreshed = calendar_resources(seed, plan_2026, {"refresh": "PT1H"}).calendars[0].resources[0]
    assert refreshed == plain  # the refresh hint is the collection's business, not the resource's
    with pytest.raises(OptionError, match="exporter 'ical' has no option 'url'"):
        calendar_resources(seed, plan_2026, {"url": "http://x/"})
