"""The `ical` exporter end to end: the seed district's plans, read back by three engines, and updates."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from importlib import resources
from typing import Any

import attrs
import pytest
from ical_engines import (
    IcalJs,
    escaped_name,
    expected_event,
    icaljs_records,
    read_ical,
    read_icalendar,
)

import liaison
import liaison.host.plugins
from liaison.base.errors import ExportError, OptionError
from liaison.formats.state import parse_state, state_to_json
from liaison.host.exporting import Artifact, Exporter, safe_name
from liaison.law.district import District
from liaison.law.rules import EngagementKind
from liaison.year.engagements import Engagement, Plan, Status, revise
from liaison.year.planner import organisations_in, plan_year
from liaison.year.state import YearState
from liaison_ical import uid_for
from liaison_ical.mapping import Names, engagement_event
from liaison_ical.plugin import OPTIONS, export

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def seed_text() -> str:
    return resources.files("liaison").joinpath("data", "seed.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan_2026(seed: District) -> Plan:
    return plan_year(seed, 2026)


@pytest.fixture(scope="module")
def files_2026(seed: District, plan_2026: Plan) -> dict[str, bytes]:
    return {a.path: a.data for a in run_ical(seed, plan_2026)}


# --- helpers --------------------------------------------------------------------------------------


EXPORTER = Exporter("ical", "calendars", export, options=OPTIONS)


def run_ical(district: District, plan: Plan, options: dict[str, Any] | None = None) -> list[Artifact]:
    """The exporter as the host runs it: options checked and typed, then exported."""
    return EXPORTER.run(district, plan, options)


def lines(data: bytes) -> list[str]:
    """Unfolded content lines."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    return text[:-2].replace("\r\n ", "").split("\r\n")


def vevents(data: bytes) -> dict[str, str]:
    """Each VEVENT block's raw (folded) text by its UID."""
    blocks = re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", data.decode("utf-8"), flags=re.S)
    out: dict[str, str] = {}
    for block in blocks:
        (uid,) = re.findall(r"^UID:(.*)$", block.replace("\r\n ", ""), flags=re.M)
        assert uid.strip() not in out
        out[uid.strip()] = block
    return out


def prop(block: str, name: str) -> str:
    (value,) = re.findall(rf"^{name}[;:](.*?)\r$", block.replace("\r\n ", ""), flags=re.M)
    return value


def instants(e: Engagement) -> tuple[int | str, int | str]:
    """What the engines must read, computed independently: Asia/Shanghai wall clock -> Unix seconds."""
    if e.start is None:
        return e.date.isoformat(), (e.date + dt.timedelta(days=1)).isoformat()
    assert e.end is not None
    start = dt.datetime.combine(e.date, e.start, tzinfo=SHANGHAI)
    end = dt.datetime.combine(e.date, e.end, tzinfo=SHANGHAI)
    return int(start.astimezone(dt.UTC).timestamp()), int(end.astimezone(dt.UTC).timestamp())


def master(files: dict[str, bytes]) -> bytes:
    return files["ical/全部.ics"]


def org_file(files: dict[str, bytes], org_id: str) -> bytes:
    return files[f"ical/{safe_name(org_id)}.ics"]


def check_files(district: District, plan: Plan, artifacts: list[Artifact], icaljs: IcalJs | None,
                options: dict[str, Any] | None = None) -> None:
    """Every file through all three engines: exactly the plan's engagements for that file, same fields."""
    label = str(plan.year)
    names = Names.of(district)
    alarm = (options or {}).get("alarm_minutes")
    orgs = organisations_in(plan, district)
    by_path = {a.path: a.data for a in artifacts}
    wanted_files = {
        "ical/全部.ics": (plan.engagements, f"{district.info.name} {label}年对口联系工作日程")}
    for org in orgs:
        wanted_files[f"ical/{safe_name(org.id)}.ics"] = (
            plan.for_organisation(org.id), f"{district.full_name(org)} {label}年对口联系工作日程")
    assert list(by_path) == list(wanted_files)  # master first, then organisations in directory order
    assert all(a.media_type == "text/calendar" for a in artifacts)

    documents = list(by_path.values())
    described = icaljs(documents) if icaljs is not None else [None] * len(documents)
    for (path, data), js in zip(by_path.items(), described, strict=True):
        engagements, calname = wanted_files[path]
        records = [expected_event(engagement_event(e, names, alarm_minutes=alarm)) for e in engagements]
        assert [r["uid"] for r in records] == [uid_for(district.info.id, e.id) for e in engagements]
        assert [r["occurrences"] for r in records] == [[instants(e)] for e in engagements], path

        text_lines = lines(data)
        assert text_lines.count("METHOD:PUBLISH") == 1
        assert text_lines.count("BEGIN:VTIMEZONE") == 1 and text_lines.count("END:VTIMEZONE") == 1
        assert f"X-WR-CALNAME:{calname}" in text_lines
        assert "X-WR-TIMEZONE:Asia/Shanghai" in text_lines
        assert not any(line.startswith(("ATTENDEE", "ORGANIZER", "RDATE", "RRULE")) for line in text_lines)

        cal, got = read_icalendar(data)
        assert got == records, path
        assert len(cal.walk("VTIMEZONE")) == 1
        assert str(cal["METHOD"]) == "PUBLISH"
        strict_cal, got_strict = read_ical(data)
        assert got_strict == records, path
        assert [tz.tz_id for tz in strict_cal.timezones] == ["Asia/Shanghai"]
        if js is not None:
            assert "error" not in js, js
            assert icaljs_records(js) == records, path
            assert js["method"] == "PUBLISH"
            assert js["x_wr_calname"] == escaped_name(calname)
            assert js["vtimezones"] == [
                {"tzid": "Asia/Shanghai", "standard": 1, "daylight": 0, "rdate": False}]
            assert all(e["attendees"] == 0 for e in js["events"])


# --- registration ---------------------------------------------------------------------------------


def test_entry_point_registers_the_ical_exporter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_PLUGINS", "ical")
    liaison.host.plugins.reset()
    found = liaison.host.plugins.exporters()
    assert found["ical"].plugin == "ical"
    assert found["ical"].export is export
    assert "iCalendar" in found["ical"].description
    assert set(found) == {"ical"}  # nothing else: the core has no exporter of its own


def test_not_loaded_when_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_PLUGINS", "")
    liaison.host.plugins.reset()
    assert "ical" not in liaison.host.plugins.exporters()


# --- the seed district's 2026 plan ----------------------------------------------------------------


def test_master_and_one_file_per_participating_organisation(
    seed: District, plan_2026: Plan, files_2026: dict[str, bytes]
) -> None:
    orgs = organisations_in(plan_2026, seed)
    assert len(orgs) >= 20
    assert set(files_2026) == {"ical/全部.ics", *(f"ical/{safe_name(o.id)}.ics" for o in orgs)}
    assert "ical/dev-reform.ics" in files_2026 and "ical/icf.ics" in files_2026


def test_each_organisation_file_holds_exactly_its_engagements(
    seed: District, plan_2026: Plan, files_2026: dict[str, bytes]
) -> None:
    everything = vevents(master(files_2026))
    assert list(everything) == [uid_for("seed", e.id) for e in plan_2026.engagements]
    for org in organisations_in(plan_2026, seed):
        mine = vevents(org_file(files_2026, org.id))
        assert list(mine) == [
            uid_for("seed", e.id) for e in plan_2026.engagements if org.id in e.participants]
        assert all(mine[uid] == everything[uid] for uid in mine)  # the same bytes in every file


def test_three_engines_agree_on_every_file(seed: District, plan_2026: Plan, icaljs: IcalJs) -> None:
    check_files(seed, plan_2026, run_ical(seed, plan_2026), icaljs)


def test_three_engines_with_alarms_statuses_and_all_day_events(seed: District, icaljs: IcalJs) -> None:
    plan = plan_year(seed, 2027)  # provisional: the 2027 holidays are not published
    first, second, third = plan.engagements[:3]
    changed = {
        second.id: second.with_changes(status=Status.CANCELLED, sequence=2),
        third.id: third.with_changes(start=None, end=None, status=Status.HELD, location="区政协会议室"),
    }
    plan = plan.confirm(first.id)
    plan = attrs.evolve(plan, engagements=tuple(changed.get(e.id, e) for e in plan.engagements))
    options = {"alarm_minutes": "45"}
    artifacts = run_ical(seed, plan, options)
    check_files(seed, plan, artifacts, icaljs, {"alarm_minutes": 45})
    events = vevents(master({a.path: a.data for a in artifacts}))
    assert prop(events[uid_for("seed", first.id)], "STATUS") == "CONFIRMED"
    assert prop(events[uid_for("seed", second.id)], "STATUS") == "CANCELLED"
    assert "BEGIN:VALARM" not in events[uid_for("seed", second.id)]
    allday = events[uid_for("seed", third.id)]
    assert prop(allday, "DTSTART") == f"VALUE=DATE:{third.date:%Y%m%d}"
    assert prop(allday, "LOCATION") == "区政协会议室"
    # 2027 is provisional, but only what nobody has agreed yet is titled so (CONFIRMED: agreed or held)
    for block in events.values():
        assert prop(block, "SUMMARY").startswith("【暂定】") == (prop(block, "STATUS") == "TENTATIVE")
        assert prop(block, "SUMMARY").startswith("【已取消】") == (prop(block, "STATUS") == "CANCELLED")
    assert not prop(events[uid_for("seed", first.id)], "SUMMARY").startswith("【暂定】")
    assert not prop(events[uid_for("seed", third.id)], "SUMMARY").startswith("【暂定】")


def test_event_fields(plan_2026: Plan, files_2026: dict[str, bytes]) -> None:
    visit = next(e for e in plan_2026.engagements if e.id == "2026/visit/dev-reform/cndca/1")
    block = vevents(master(files_2026))[uid_for("seed", visit.id)]
    unfolded = block.replace("\r\n ", "")
    assert prop(block, "SUMMARY") == "区发改局领导走访民建总支部"
    assert prop(block, "STATUS") == "TENTATIVE"
    assert prop(block, "SEQUENCE") == "0"
    assert prop(block, "CATEGORIES") == "走访,对口联系"
    assert prop(block, "DTSTAMP") == "20260101T000000Z"
    assert prop(block, "DTSTART") == f"TZID=Asia/Shanghai:{visit.date:%Y%m%d}T090000"
    assert prop(block, "DESCRIPTION") == (
        "主办单位：区发改局\\n参加单位：区发改局、民建总支部\\n"
        "依据：第三（六）条“走访联谊制度”（§3.6）\\n状态：拟定\\n编号：2026/visit/dev-reform/cndca/1"
    )
    assert "LOCATION" not in unfolded and "VALARM" not in unfolded and "ATTENDEE" not in unfolded


def test_calendar_names(seed: District, files_2026: dict[str, bytes]) -> None:
    assert f"X-WR-CALNAME:{seed.info.name} 2026年对口联系工作日程" in lines(master(files_2026))
    assert "X-WR-CALNAME:××区发改局 2026年对口联系工作日程" in lines(org_file(files_2026, "dev-reform"))
    assert "X-WR-CALNAME:××区工商联 2026年对口联系工作日程" in lines(org_file(files_2026, "icf"))


# --- determinism ----------------------------------------------------------------------------------


def test_two_exports_are_byte_identical(seed: District, files_2026: dict[str, bytes]) -> None:
    again = {a.path: a.data for a in run_ical(seed, plan_year(seed, 2026))}
    assert again == files_2026


def test_the_state_file_round_trip_exports_the_same_bytes(
    seed: District, plan_2026: Plan, files_2026: dict[str, bytes]
) -> None:
    """The year's state file read back (the next `liaison export`) gives the same calendars."""
    reread = parse_state(state_to_json(YearState.of(plan_2026)), seed).plan
    assert {a.path: a.data for a in run_ical(seed, reread)} == files_2026


def test_dtstamp_defaults_to_the_plan_and_can_be_given(seed: District, plan_2026: Plan) -> None:
    def stamps(options: dict[str, Any]) -> set[str]:
        data = run_ical(seed, plan_2026, options)[0].data
        return {line for line in lines(data) if line.startswith("DTSTAMP")}

    assert stamps({}) == {"DTSTAMP:20260101T000000Z"}
    assert stamps({"dtstamp": "2025-12-20T08:30:00+08:00"}) == {"DTSTAMP:20251220T003000Z"}
    assert stamps({"dtstamp": "2025-12-20"}) == {"DTSTAMP:20251220T000000Z"}
    assert stamps({"dtstamp": dt.datetime(2025, 11, 1, 12, tzinfo=dt.UTC)}) == {"DTSTAMP:20251101T120000Z"}


@pytest.mark.parametrize(("options", "path"), [
    ({"refresh": "P1Y"}, "options.refresh"),
    ({"refresh": "PT30S"}, "options.refresh"),
    ({"refresh": "-PT1H"}, "options.refresh"),
    ({"refresh": "12 hours"}, "options.refresh"),
    ({"refresh": 43200}, "options.refresh"),
    ({"alarm_minutes": "-5"}, "options.alarm_minutes"),
    ({"alarm_minutes": "half an hour"}, "options.alarm_minutes"),
    ({"alarm_minutes": True}, "options.alarm_minutes"),
    ({"dtstamp": "2026-01-01T00:00:00"}, "options.dtstamp"),
    ({"dtstamp": "yesterday"}, "options.dtstamp"),
    ({"dtstamp": 1767225600}, "options.dtstamp"),
])
def test_bad_options_name_the_option(
    seed: District, plan_2026: Plan, options: dict[str, Any], path: str
) -> None:
    with pytest.raises(ExportError) as info:
        run_ical(seed, plan_2026, options)
    assert info.value.path == path


def test_alarm_option_is_typed_and_unknown_options_are_refused(seed: District, plan_2026: Plan) -> None:
    data = run_ical(seed, plan_2026, {"alarm_minutes": "30"})[0].data
    assert lines(data).count("TRIGGER:-PT30M") == len(plan_2026.engagements)
    assert run_ical(seed, plan_2026, {"alarm_minutes": 30})[0].data == data  # CLI text, API int
    with pytest.raises(OptionError, match="exporter 'ical' has no option 'letterhead'") as caught:
        run_ical(seed, plan_2026, {"alarm_minutes": "30", "letterhead": "red"})
    assert "alarm_minutes (int)" in str(caught.value) and "dtstamp (datetime)" in str(caught.value)
    with pytest.raises(OptionError, match="alarm_minutes: expected a whole number"):
        run_ical(seed, plan_2026, {"alarm_minutes": "half an hour"})


# --- feeds: the refresh hint ---------------------------------------------------------------------


def head_lines(data: bytes) -> list[str]:
    """The calendar-level lines: everything before the first component."""
    text_lines = lines(data)
    return text_lines[: text_lines.index("BEGIN:VTIMEZONE")]


def test_every_file_carries_the_refresh_interval_twice(files_2026: dict[str, bytes]) -> None:
    """RFC 7986 REFRESH-INTERVAL for standard clients, X-PUBLISHED-TTL for Outlook, both PT12H."""
    assert len(files_2026) > 20
    for path, data in files_2026.items():
        head = head_lines(data)
        assert head.count("REFRESH-INTERVAL;VALUE=DURATION:PT12H") == 1, path
        assert head.count("X-PUBLISHED-TTL:PT12H") == 1, path
        assert sum(line.startswith(("REFRESH-INTERVAL", "X-PUBLISHED-TTL")) for line in lines(data)) == 2


@pytest.mark.parametrize(("given", "written"), [
    ("PT12H", "PT12H"), ("pt30m", "PT30M"), ("P1D", "P1D"), ("PT36H", "P1DT12H"), ("P1W", "P7D"),
    ("PT1H30S", "PT1H0M30S"), ("PT90M", "PT1H30M"),
])
def test_the_refresh_option_sets_the_interval(
    seed: District, plan_2026: Plan, given: str, written: str
) -> None:
    for artifact in run_ical(seed, plan_2026, {"refresh": given}):
        head = head_lines(artifact.data)
        assert f"REFRESH-INTERVAL;VALUE=DURATION:{written}" in head
        assert f"X-PUBLISHED-TTL:{written}" in head


def test_a_refresh_of_under_a_minute_or_in_months_is_refused(seed: District, plan_2026: Plan) -> None:
    with pytest.raises(OptionError, match="refresh: 'PT30S' is under a minute"):
        run_ical(seed, plan_2026, {"refresh": "PT30S"})
    with pytest.raises(OptionError, match="no years or months"):
        run_ical(seed, plan_2026, {"refresh": "P1M"})


def test_three_engines_read_the_refresh_interval(seed: District, plan_2026: Plan, icaljs: IcalJs) -> None:
    artifacts = run_ical(seed, plan_2026, {"refresh": "P1DT6H"})
    seconds = 30 * 3600
    for artifact in artifacts:
        cal, _ = read_icalendar(artifact.data)
        assert cal.refresh_interval == dt.timedelta(seconds=seconds)
        assert str(cal["X-PUBLISHED-TTL"]) == "P1DT6H"
        strict_cal, _ = read_ical(artifact.data)
        assert strict_cal.refresh_interval == dt.timedelta(seconds=seconds)
    for described in icaljs([a.data for a in artifacts]):
        assert described["refresh_interval"] == {"type": "duration", "seconds": seconds}
        assert described["published_ttl"]["seconds"] == seconds  # an X- property: text to ical.js


def test_refresh_leaves_the_events_alone(
    seed: District, plan_2026: Plan, files_2026: dict[str, bytes]
) -> None:
    other = {a.path: a.data for a in run_ical(seed, plan_2026, {"refresh": "PT1H"})}
    assert other.keys() == files_2026.keys()
    for path, data in other.items():
        assert vevents(data) == vevents(files_2026[path])
        assert data != files_2026[path]


def test_each_year_its_own_calendars(seed: District) -> None:
    from liaison.year.planner import plan_years

    for plan in plan_years(seed, (2026, 2027)):
        artifacts = run_ical(seed, plan)
        assert artifacts[0].path == "ical/全部.ics"
        assert f"X-WR-CALNAME:××区 {plan.year}年对口联系工作日程" in lines(artifacts[0].data)
        assert f"DTSTAMP:{plan.year}0101T000000Z" in lines(artifacts[0].data)
        assert {e.date.year for e in plan.engagements} == {plan.year}


def test_a_district_in_another_time_zone_is_refused(seed: District, plan_2026: Plan) -> None:
    elsewhere = attrs.evolve(seed, info=attrs.evolve(seed.info, timezone="Asia/Urumqi"))
    with pytest.raises(ExportError, match="Asia/Shanghai"):
        run_ical(elsewhere, plan_2026)


# --- updates: amend, re-plan, re-export -----------------------------------------------------------


def amended(seed_text: str) -> District:
    """As in the core's tests/test_pairings.py: 区环保分局 leaves 致公党支部 for 民盟支部 on 2027-07-01."""
    old = 'department = "environment"\ncounterpart = "czgp"\nclause = "§2.2"\nvalid_from = 2022-05-22\n'
    text = seed_text.replace(old, old + "valid_until = 2027-07-01\n\n[[pairings]]\n"
                             'department = "environment"\ncounterpart = "cdl"\nclause = "§2.2"\n'
                             "valid_from = 2027-07-01\n")
    assert text != seed_text
    return liaison.parse_district(text, file="amended.toml")


def check_update(district: District, previous: Plan, replanned: Plan) -> dict[str, int]:
    """Compare the exports of ``previous`` and ``revise(previous, replanned)`` VEVENT by VEVENT."""
    revised = revise(previous, replanned)
    before_files = {a.path: a.data for a in run_ical(district, previous)}
    after_files = {a.path: a.data for a in run_ical(district, revised)}
    before, after = vevents(master(before_files)), vevents(master(after_files))
    old = {e.id: e for e in previous.engagements}
    new = {e.id: e for e in replanned.engagements}
    counts = {"unchanged": 0, "moved": 0, "dropped": 0, "added": 0}
    for engagement_id, e in old.items():
        uid = uid_for(district.info.id, engagement_id)
        assert uid in after  # a UID once published never disappears
        if engagement_id not in new:
            counts["dropped"] += 1
            assert prop(after[uid], "STATUS") == "CANCELLED"
            assert int(prop(after[uid], "SEQUENCE")) == e.sequence + 1
            assert prop(after[uid], "DTSTART") == prop(before[uid], "DTSTART")
            for org in e.participants:  # and it is cancelled in each participant's own calendar too
                assert prop(vevents(org_file(after_files, org))[uid], "STATUS") == "CANCELLED"
        elif attrs.evolve(new[engagement_id], sequence=e.sequence) == e:
            counts["unchanged"] += 1
            assert after[uid] == before[uid]  # same UID, same bytes
        else:
            counts["moved"] += 1
            assert int(prop(after[uid], "SEQUENCE")) == e.sequence + 1
            assert prop(after[uid], "STATUS") != "CANCELLED"
            if (e.date, e.start) != (new[engagement_id].date, new[engagement_id].start):
                assert prop(after[uid], "DTSTART") != prop(before[uid], "DTSTART")
    for engagement_id in new.keys() - old.keys():
        counts["added"] += 1
        assert uid_for(district.info.id, engagement_id) not in before
        assert int(prop(after[uid_for(district.info.id, engagement_id)], "SEQUENCE")) == 0
    unchanged = {uid_for(district.info.id, i) for i, e in old.items()
                 if i in new and attrs.evolve(new[i], sequence=e.sequence) == e}
    for path, data in after_files.items():
        if path in before_files:  # organisation files: unchanged events keep their bytes there too
            old_blocks, new_blocks = vevents(before_files[path]), vevents(data)
            assert all(new_blocks[uid] == block for uid, block in old_blocks.items() if uid in unchanged)
    # Re-exporting the revision against itself changes nothing.
    assert {a.path: a.data for a in run_ical(district, revise(revised, revised))} == after_files
    return counts


def test_amended_pairing_replanned_and_reexported(seed: District, seed_text: str) -> None:
    previous = plan_year(seed, 2027)
    district = amended(seed_text)
    replanned = plan_year(district, 2027, fixed=previous.fixed())
    counts = check_update(district, previous, replanned)
    assert counts["unchanged"] > 40 and counts["added"] == 2
    # 致公党支部 keeps its engagements with 区环保分局 before 1 July; 民盟支部's new ones come after
    revised = revise(previous, replanned)
    july = dt.date(2027, 7, 1)
    with_czgp = [e for e in revised.active() if set(e.participants) >= {"environment", "czgp"}]
    with_cdl = [e for e in revised.active() if set(e.participants) >= {"environment", "cdl"}]
    assert with_czgp and all(e.date < july for e in with_czgp)
    assert {e.kind for e in with_cdl} == {EngagementKind.JOINT_MEETING, EngagementKind.VISIT}
    assert all(e.date >= july for e in with_cdl)


def test_moved_and_confirmed_engagement(seed: District, plan_2026: Plan) -> None:
    target = plan_2026.engagements[5]
    moved = plan_2026.move(target.id, target.date + dt.timedelta(days=7))
    replanned = plan_year(seed, 2026, fixed=moved.fixed())
    assert replanned.get(target.id).status == Status.AGREED
    counts = check_update(seed, plan_2026, replanned)
    assert counts["moved"] >= 1 and counts["unchanged"] > 30
    data = run_ical(seed, revise(plan_2026, replanned))[0].data
    block = vevents(data)[uid_for("seed", target.id)]
    assert prop(block, "STATUS") == "CONFIRMED"
    assert prop(block, "SEQUENCE") == "1"


def test_second_revision_raises_sequence_again(seed: District, plan_2026: Plan) -> None:
    target = plan_2026.engagements[0]
    first = revise(plan_2026, plan_2026.move(target.id, target.date + dt.timedelta(days=1)))
    second = revise(first, first.move(target.id, target.date + dt.timedelta(days=2), force=True))
    block = vevents(run_ical(seed, second)[0].data)[uid_for("seed", target.id)]
    assert prop(block, "SEQUENCE") == "2"


# --- hostile text ---------------------------------------------------------------------------------


EVIL_TITLE = "座谈会\r\nBEGIN:VEVENT\r\nUID:evil\r\nEND:VEVENT\r\nATTENDEE:mailto:x@example.com"
EVIL_ORG = "民革支部\r\nBEGIN:VEVENT\r\nSUMMARY:injected"


def hostile_engagement(title: str, *, past_the_core: bool = False) -> Engagement:
    """Hostile text where the core allows text (title, location, note); ``past_the_core`` also puts
    it where the core allows only ids (the id, a participant), as another producer might."""
    return Engagement(
        id="2026/symposium/evil\r\nBEGIN:VEVENT" if past_the_core else "2026/symposium/evil",
        kind=EngagementKind.SYMPOSIUM, date=dt.date(2026, 5, 6),
        start=dt.time(9, 0), end=dt.time(11, 30), host="district-gov",
        participants=("district-gov", EVIL_ORG, "rcck") if past_the_core else ("district-gov", "rcck"),
        provisions=("§1.2", "§9.9"), title_zh=title, status=Status.AGREED,
        location="会议室;A,B\\N\r\nEND:VCALENDAR" if past_the_core else "会议室;A,B\\N END:VCALENDAR",
        note="备注\nEND:VEVENT\r\nBEGIN:VALARM",
    )


def check_hostile(seed: District, engagement: Engagement, icaljs: IcalJs) -> None:
    plan = Plan(district_id="seed", year=2026, engagements=(engagement,))
    artifacts = run_ical(seed, plan)
    assert [a.path for a in artifacts] == ["ical/全部.ics", "ical/district-gov.ics", "ical/rcck.ics"]
    check_files(seed, plan, artifacts, icaljs)
    for artifact in artifacts:
        text_lines = lines(artifact.data)
        assert text_lines.count("BEGIN:VEVENT") == 1 and text_lines.count("END:VCALENDAR") == 1
        assert "BEGIN:VALARM" not in text_lines
        assert not any(line.startswith(("ATTENDEE", "UID:evil", "SUMMARY:injected")) for line in text_lines)
        _, (record,) = read_icalendar(artifact.data)
        assert record["uid"] == uid_for("seed", engagement.id)
        assert record["summary"] == engagement.title_zh.replace("\r\n", "\n")
        if EVIL_ORG in engagement.participants:
            assert "民革支部\nBEGIN:VEVENT\nSUMMARY:injected" in record["description"]
        assert "备注：备注\nEND:VEVENT\nBEGIN:VALARM" in record["description"]
        assert "依据：第一（二）条" in record["description"] and "§9.9" in record["description"]
        assert record["location"] == engagement.location.replace("\r\n", "\n")


def test_crlf_and_begin_vevent_in_data_stay_one_property_of_one_event(seed: District, icaljs: IcalJs) -> None:
    """Location and note may be multi-line, participants are ids the exporter shows as text when unknown."""
    check_hostile(seed, hostile_engagement("座谈会;会议,纪要\\"), icaljs)


def test_the_core_refuses_a_multi_line_title() -> None:
    with pytest.raises(ValueError, match="title_zh"):
        hostile_engagement(EVIL_TITLE)


def test_a_multi_line_title_that_bypassed_the_core_is_still_one_property(
    seed: District, icaljs: IcalJs
) -> None:
    """Defence in depth: an engagement built without validators (another producer) cannot inject lines."""
    with attrs.validators.disabled():
        engagement = hostile_engagement(EVIL_TITLE, past_the_core=True)
    check_hostile(seed, engagement, icaljs)


def test_an_impossible_engagement_is_named(seed: District) -> None:
    """The core refuses an end before the start; one that slipped past it (built by another producer)
    is an ExportError naming the engagement, not a traceback."""
    with pytest.raises(ValueError, match="before it starts"):
        Engagement(id="2026/visit/x/y/1", kind=EngagementKind.VISIT, date=dt.date(2026, 3, 3),
                   start=dt.time(15, 0),
                   end=dt.time(14, 0), host="dev-reform", participants=("dev-reform", "cdl"),
                   provisions=("§3.6",), title_zh="走访")
    bad = Engagement(id="2026/visit/x/y/1", kind=EngagementKind.VISIT, date=dt.date(2026, 3, 3),
                     start=dt.time(15, 0),
                     end=dt.time(16, 0), host="dev-reform", participants=("dev-reform", "cdl"),
                     provisions=("§3.6",), title_zh="走访")
    object.__setattr__(bad, "end", dt.time(14, 0))
    with pytest.raises(ExportError) as info:
        run_ical(seed, Plan(district_id="seed", year=2026, engagements=(bad,)))
    assert "2026/visit/x/y/1" in str(info.value)


def test_every_event_carries_its_engagement_id_in_every_file_and_resource(seed: District) -> None:
    """docs/guide.md sends the clerk to the calendars for the ids: each VEVENT, read back by icalendar,
    names its engagement in X-LIAISON-ENGAGEMENT and on the last line of its description, the same in
    the master file, each organisation's file and each CalDAV resource."""
    import icalendar

    from liaison_ical.resources import calendar_resources

    plan = plan_year(seed, 2027)
    ids = {uid_for("seed", e.id): e.id for e in plan.engagements}
    blobs = [a.data for a in run_ical(seed, plan)]
    blobs += [r.data for c in calendar_resources(seed, plan).calendars for r in c.resources]
    seen: set[str] = set()
    for data in blobs:
        for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
            engagement_id = ids[str(event["UID"])]
            assert str(event["X-LIAISON-ENGAGEMENT"]) == engagement_id
            assert str(event["DESCRIPTION"]).splitlines()[-1] == f"编号：{engagement_id}"
            seen.add(engagement_id)
    assert seen == set(ids.values())
