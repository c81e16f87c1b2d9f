"""What the bytes look like: the RFC 5545/5546 and Outlook rules the exporter promises."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
from ical_engines import escaped_name, read_icalendar
from ical_samples import make_event, make_spec, varied_spec

from liaison.base.errors import ExportError
from liaison_ical import CalendarSpec, serialise, uid_for


def lines(data: bytes) -> list[str]:
    """Unfolded content lines."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    return text[:-2].replace("\r\n ", "").split("\r\n")


def block(data: bytes, name: str) -> list[list[str]]:
    out: list[list[str]] = []
    current: list[str] | None = None
    for line in lines(data):
        if line == f"BEGIN:{name}":
            current = []
        elif line == f"END:{name}":
            assert current is not None
            out.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return out


def test_calendar_header() -> None:
    data = serialise(varied_spec())
    head = lines(data)[:9]
    assert head[0] == "BEGIN:VCALENDAR"
    assert "VERSION:2.0" in head
    assert "PRODID:-//liaison//liaison-ical//ZH" in head
    assert "METHOD:PUBLISH" in head
    assert "CALSCALE:GREGORIAN" in head
    assert "X-WR-CALNAME:区委统战部 联络日程" in head
    assert "NAME:区委统战部 联络日程" in head
    assert "X-WR-TIMEZONE:Asia/Shanghai" in head
    assert lines(data)[-1] == "END:VCALENDAR"


def test_calendar_name_is_escaped() -> None:
    data = serialise(make_spec(make_event(), name="统战部, 联络; 日程\\"))
    assert "X-WR-CALNAME:统战部\\, 联络\\; 日程\\\\" in lines(data)
    assert "NAME:统战部\\, 联络\\; 日程\\\\" in lines(data)
    cal, _ = read_icalendar(data)
    # icalendar 7 reads NAME and X-WR-CALNAME as opaque (vUnknown) values, escapes included
    assert str(cal.calendar_name) == escaped_name("统战部, 联络; 日程\\") == "统战部\\, 联络\\; 日程\\\\"


def test_single_vtimezone_block_without_rdate() -> None:
    data = serialise(varied_spec())
    vtimezones = block(data, "VTIMEZONE")
    assert len(vtimezones) == 1
    assert vtimezones[0][0] == "TZID:Asia/Shanghai"
    assert block(data, "STANDARD") == [[
        "DTSTART:19700101T000000", "TZNAME:CST", "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800",
    ]]
    assert block(data, "DAYLIGHT") == []
    assert not any(line.startswith(("RDATE", "RRULE")) for line in lines(data))
    cal = icalendar.Calendar.from_ical(data)
    tz = cal.walk("VTIMEZONE")[0].to_tz()
    for moment in (datetime.datetime(2025, 1, 15, 9), datetime.datetime(2025, 7, 15, 9)):
        assert tz.utcoffset(moment) == datetime.timedelta(hours=8)


def test_every_tzid_has_a_vtimezone() -> None:
    data = serialise(varied_spec())
    tzids = set(re.findall(r";TZID=([^:;]+)[:;]", data.decode("utf-8")))
    assert tzids == {"Asia/Shanghai"}
    defined = {b[0].removeprefix("TZID:") for b in block(data, "VTIMEZONE")}
    assert tzids <= defined


def test_empty_calendar_is_still_valid() -> None:
    data = serialise(make_spec())
    _, records = read_icalendar(data)
    assert records == []
    assert len(block(data, "VTIMEZONE")) == 1


def test_no_attendee_or_organizer_even_when_text_tries() -> None:
    evil = "x\r\nATTENDEE;RSVP=TRUE:mailto:a@example.com\r\nORGANIZER:mailto:b@example.com"
    data = serialise(make_spec(make_event(summary=evil, description=evil, location=evil)))
    assert not any(line.startswith(("ATTENDEE", "ORGANIZER")) for line in lines(data))
    assert b"\r\nATTENDEE" not in data


def test_timed_event_lines() -> None:
    data = serialise(make_spec(make_event(sequence=4, status="TENTATIVE")))
    (event,) = block(data, "VEVENT")
    assert "DTSTART;TZID=Asia/Shanghai:20250303T093000" in event
    assert "DTEND;TZID=Asia/Shanghai:20250303T110000" in event
    assert "DTSTAMP:20250101T000000Z" in event
    assert f"UID:{uid_for('2025', '民革', '座谈', '0')}" in event
    assert "SEQUENCE:4" in event
    assert "STATUS:TENTATIVE" in event
    assert "CATEGORIES:联络,民革" in event
    assert "LOCATION:区委统战部三楼会议室" in event


@pytest.mark.parametrize("status", ["TENTATIVE", "CONFIRMED", "CANCELLED"])
def test_status_is_written(status: str) -> None:
    data = serialise(make_spec(make_event(status=status, sequence=2)))
    (event,) = block(data, "VEVENT")
    assert f"STATUS:{status}" in event
    assert "SEQUENCE:2" in event


def test_all_day_event_uses_value_date() -> None:
    spec = make_spec(make_event(start=datetime.date(2025, 5, 1), end=datetime.date(2025, 5, 6)))
    (event,) = block(serialise(spec), "VEVENT")
    assert "DTSTART;VALUE=DATE:20250501" in event
    assert "DTEND;VALUE=DATE:20250506" in event
    assert not any("TZID" in line for line in event)


def test_dtstamp_is_the_specs_in_utc() -> None:
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    spec = CalendarSpec(name="n", events=(make_event(),), prodid="-//x//y//ZH",
                        dtstamp=datetime.datetime(2025, 1, 1, 8, 0, tzinfo=beijing))
    (event,) = block(serialise(spec), "VEVENT")
    assert "DTSTAMP:20250101T000000Z" in event


def test_location_omitted_when_unknown() -> None:
    data = serialise(make_spec(make_event(0, location=None), make_event(1, location="")))
    assert all(not line.startswith("LOCATION") for ev in block(data, "VEVENT") for line in ev)


def test_description_and_categories_omitted_when_empty() -> None:
    spec = make_spec(make_event(description="", categories=(), alarm_minutes=None))
    (event,) = block(serialise(spec), "VEVENT")
    assert not any(line.startswith(("DESCRIPTION", "CATEGORIES")) for line in event)


def test_valarm_display_trigger_minutes() -> None:
    data = serialise(make_spec(make_event(0, alarm_minutes=90), make_event(1, alarm_minutes=None),
                               make_event(2, alarm_minutes=0)))
    alarms = block(data, "VALARM")
    assert len(alarms) == 2
    assert "ACTION:DISPLAY" in alarms[0]
    assert "TRIGGER:-PT90M" in alarms[0]
    assert "DESCRIPTION:民革区委联络座谈会 0" in alarms[0]
    assert "TRIGGER:-PT0M" in alarms[1]


def test_cancelled_event_has_no_alarm() -> None:
    data = serialise(make_spec(make_event(status="CANCELLED", alarm_minutes=30)))
    assert block(data, "VALARM") == []
    assert len(block(data, "VEVENT")) == 1


def test_text_escaping_on_the_wire() -> None:
    event = make_event(summary="a,b;c\\d\r\ne\nf\rg", categories=("x,y", "p;q", "r\\s"), location="C:\\New")
    (lines_,) = block(serialise(make_spec(event)), "VEVENT")
    assert "SUMMARY:a\\,b\\;c\\\\d\\ne\\nf\\ng" in lines_
    assert "CATEGORIES:x\\,y,p\\;q,r\\\\s" in lines_
    assert "LOCATION:C:\\\\New" in lines_


@pytest.mark.parametrize("field", ["summary", "description", "location"])
def test_injection_stays_inside_one_property(field: str) -> None:
    hostile = ("会议\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected\r\nSUMMARY:pwned\r\nEND:VEVENT"
               "\r\nBEGIN:VEVENT")
    spec = make_spec(make_event(0, **{field: hostile}), make_event(1))
    data = serialise(spec)
    assert data.count(b"\r\nBEGIN:VEVENT\r\n") == 2
    assert b"UID:injected" not in data.replace(b"\\nUID:injected", b"")
    _, records = read_icalendar(data)
    assert [r["uid"] for r in records] == [e.uid for e in spec.events]
    assert records[0][field] == hostile.replace("\r\n", "\n")


def test_categories_with_commas_and_semicolons_round_trip() -> None:
    cats = ("统战,联络", "民革;民盟", "a\\,b", "BEGIN:VEVENT\r\nX")
    _, records = read_icalendar(serialise(make_spec(make_event(categories=cats))))
    assert records[0]["categories"] == ["统战,联络", "民革;民盟", "a\\,b", "BEGIN:VEVENT\nX"]


def test_backslash_capital_n_is_not_a_line_break() -> None:
    # icalendar's own vText escaper turns a literal "\N" into a line break; ours must not.
    _, records = read_icalendar(serialise(make_spec(make_event(summary="C:\\New\\N", location="\\N"))))
    assert records[0]["summary"] == "C:\\New\\N"
    assert records[0]["location"] == "\\N"


def test_lines_are_folded_at_75_octets_without_splitting_utf8() -> None:
    long_text = "区委统战部与各民主党派区委会建立联络制度，" * 40 + "😀🀄" * 50 + "ÀÉÎ" * 40
    spec = make_spec(make_event(summary=long_text, description=long_text, location=long_text,
                                categories=(long_text, "短")), name=long_text)
    data = serialise(spec)
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    physical = data.split(b"\r\n")
    assert physical[-1] == b""
    for line in physical[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # a split multibyte sequence would raise here
    folded = [line for line in physical if line.startswith(b" ")]
    assert len(folded) > 50
    _, records = read_icalendar(data)
    assert records[0]["summary"] == long_text
    assert records[0]["categories"] == [long_text, "短"]


def test_deterministic_bytes() -> None:
    assert serialise(varied_spec()) == serialise(varied_spec())


def test_deterministic_across_processes() -> None:
    """A fresh interpreter with another hash seed produces the very same bytes."""
    here = Path(__file__).parent
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from ical_samples import varied_spec; from liaison_ical import serialise;"
        "sys.stdout.buffer.write(serialise(varied_spec()))"
    )
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-c", code, str(here)],
                              capture_output=True, env=env, check=True)
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1] == serialise(varied_spec())


def test_same_bytes_as_plain_icalendar() -> None:
    """Cross-check against the benchmark's raw-icalendar builder (apart from X-LIC-LOCATION)."""
    import importlib.util

    path = Path(__file__).parents[1] / "benchmarks" / "bench_ical.py"
    module_spec = importlib.util.spec_from_file_location("bench_ical", path)
    assert module_spec is not None and module_spec.loader is not None
    bench = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(bench)
    spec = bench.make_spec(50)
    ours = serialise(spec).replace(b"X-LIC-LOCATION:Asia/Shanghai\r\n", b"")
    assert ours == bench.raw_icalendar(spec)


# --- uid_for --------------------------------------------------------------------------------------


def test_uid_for_is_stable_and_key_sensitive() -> None:
    uid = uid_for("2025", "民革", "q1")
    assert uid == uid_for("2025", "民革", "q1")
    assert re.fullmatch(r"[0-9a-f]{40}@liaison", uid)
    assert uid_for("a b", "c") != uid_for("a", "b c")
    assert uid_for("ab") != uid_for("a", "b")
    assert uid_for("x", domain="tzb.example.gov.cn").endswith("@tzb.example.gov.cn")
    # pinned: sha1 of the JSON list ["2025","民革","q1"]; a change here would duplicate every
    # subscriber's events, so it must never change silently
    assert uid == "ff097fa074fe8f46c684549504ca72aebd4b158e@liaison"


@pytest.mark.parametrize("domain", ["", "a b", "x@y", "a\nb"])
def test_uid_for_rejects_bad_domains(domain: str) -> None:
    with pytest.raises(ExportError):
        uid_for("k", domain=domain)


def test_uid_for_needs_a_key() -> None:
    with pytest.raises(ExportError):
        uid_for()
