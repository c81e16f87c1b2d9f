"""Engagement -> CalendarEvent (pure), and serialise_many() == serialise() per calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from ical_samples import make_event, make_spec, varied_spec

import liaison
from liaison.base.errors import ExportError
from liaison.law.rules import EngagementKind
from liaison.year.engagements import Engagement, Plan, Status
from liaison_ical import serialise, uid_for
from liaison_ical.mapping import DEFAULT_MINUTES, Names, default_dtstamp, engagement_event
from liaison_ical.serialiser import serialise_many

NAMES = Names.of(liaison.seed_district())


def engagement(**changes: object) -> Engagement:
    base = Engagement(id="2026/joint_meeting/health", kind=EngagementKind.JOINT_MEETING,
                      date=dt.date(2026, 4, 8),
                      start=dt.time(14, 30), end=dt.time(16, 30), host="health",
                      participants=("health", "cpwdp", "jiusan"), provisions=("§3.3",),
                      title_zh="区卫生局与农工党总支部、九三学社综合支社联席会议")
    return base.with_changes(**changes)


def test_fields() -> None:
    event = engagement_event(engagement(sequence=3, location="区卫生局二楼会议室", note="请带材料"), NAMES)
    assert event.uid == uid_for("seed", "2026/joint_meeting/health")
    assert event.sequence == 3
    assert event.status == "TENTATIVE"
    assert event.summary == "区卫生局与农工党总支部、九三学社综合支社联席会议"
    assert event.description == (
        "主办单位：区卫生局\n参加单位：区卫生局、农工党总支部、九三学社综合支社\n"
        "依据：第三（三）条“会议协商制度”（§3.3）\n状态：拟定\n备注：请带材料\n编号：2026/joint_meeting/health"
    )
    assert event.extra == (("X-LIAISON-ENGAGEMENT", "2026/joint_meeting/health"),)
    assert event.location == "区卫生局二楼会议室"
    assert event.categories == ("联席会议", "对口联系")
    assert event.start == dt.datetime(2026, 4, 8, 14, 30)
    assert event.end == dt.datetime(2026, 4, 8, 16, 30)
    assert event.alarm_minutes is None
    assert engagement_event(engagement(), NAMES, alarm_minutes=15).alarm_minutes == 15


def test_uid_is_the_business_key_only() -> None:
    moved = engagement(date=dt.date(2026, 9, 1), start=dt.time(9, 0), status=Status.AGREED, sequence=4)
    assert engagement_event(moved, NAMES).uid == engagement_event(engagement(), NAMES).uid
    other = engagement(id="2026/joint_meeting/health/2")
    assert engagement_event(other, NAMES).uid != engagement_event(engagement(), NAMES).uid


@pytest.mark.parametrize(("status", "ical", "zh"), [
    (Status.PROPOSED, "TENTATIVE", "拟定"),
    (Status.AGREED, "CONFIRMED", "已商定"),
    (Status.HELD, "CONFIRMED", "已召开"),
    (Status.CANCELLED, "CANCELLED", "已取消"),
])
def test_status(status: Status, ical: str, zh: str) -> None:
    event = engagement_event(engagement(status=status), NAMES)
    assert event.status == ical
    assert f"状态：{zh}" in event.description


def test_provisional_dates_are_marked() -> None:
    event = engagement_event(engagement(provisional=True), NAMES)
    assert event.summary == "【暂定】区卫生局与农工党总支部、九三学社综合支社联席会议"
    assert "日期暂定：" + liaison.provisional_note(2026, breaks_avoided=True) in event.description
    allowed = engagement_event(engagement(provisional=True), NAMES, breaks_avoided=False)
    assert "日期暂定：" + liaison.provisional_note(2026, breaks_avoided=False) in allowed.description
    assert "劳动节" not in allowed.description  # the breaks were not avoided: the note does not say so


@pytest.mark.parametrize(("status", "marked"), [
    (Status.PROPOSED, True), (Status.AGREED, False), (Status.HELD, False), (Status.CANCELLED, False)])
def test_only_dates_nobody_agreed_are_titled_provisional(status: Status, marked: bool) -> None:
    """An agreed or held event (CONFIRMED) drops 【暂定】 from its title; the 调休 caveat stays in the
    description while the year's notice is unknown."""
    event = engagement_event(engagement(provisional=True, status=status), NAMES)
    assert event.summary.startswith("【暂定】") == marked
    # a cancelled event is off, not provisional: its title and description say cancelled
    assert ("日期暂定：" in event.description) == (status != Status.CANCELLED)
    assert event.summary.startswith("【已取消】") == (status == Status.CANCELLED)
    if event.status in ("CONFIRMED", "CANCELLED"):
        assert "【暂定】" not in event.summary


def test_all_day_and_open_ended() -> None:
    allday = engagement_event(engagement(start=None, end=None), NAMES)
    assert allday.all_day
    assert (allday.start, allday.end) == (dt.date(2026, 4, 8), dt.date(2026, 4, 9))
    open_ended = engagement_event(engagement(end=None), NAMES)
    assert open_ended.end == dt.datetime(2026, 4, 8, 14, 30) + dt.timedelta(minutes=DEFAULT_MINUTES)


def test_end_before_start_is_an_error_naming_the_engagement() -> None:
    with pytest.raises(ValueError, match="2026/joint_meeting/health"):  # the core refuses it
        engagement(end=dt.time(14, 30))
    slipped = engagement()
    object.__setattr__(slipped, "end", dt.time(14, 30))  # another producer's engagement
    with pytest.raises(ExportError, match="2026/joint_meeting/health"):
        engagement_event(slipped, NAMES)


def test_unknown_ids_show_as_themselves() -> None:
    event = engagement_event(engagement(participants=("health", "gone"), provisions=("§3.3", "§7.7")), NAMES)
    assert "参加单位：区卫生局、gone" in event.description
    assert "依据：第三（三）条“会议协商制度”（§3.3）；§7.7" in event.description


def test_default_dtstamp() -> None:
    plan = Plan(district_id="seed", year=2027, engagements=())
    assert default_dtstamp(plan) == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def test_serialise_many_matches_serialise() -> None:
    spec = varied_spec()
    subset = make_spec(*spec.events[2:6], name="子集")
    empty = make_spec(name="空")
    assert serialise_many([spec, subset, empty, spec]) == [
        serialise(spec), serialise(subset), serialise(empty), serialise(spec)]


def test_serialise_many_respects_each_dtstamp() -> None:
    spec = varied_spec()
    later = make_spec(*spec.events)
    later = type(later)(later.name, later.events, dt.datetime(2030, 1, 1, tzinfo=dt.UTC), later.prodid)
    assert serialise_many([spec, later]) == [serialise(spec), serialise(later)]


def test_serialise_many_checks_uids_per_calendar() -> None:
    event = make_event(1)
    with pytest.raises(ExportError) as info:
        serialise_many([make_spec(event), make_spec(event, event)])
    assert info.value.path == "calendars[1].events[1].uid"


def test_serialise_many_names_the_calendar() -> None:
    with pytest.raises(ExportError) as info:
        serialise_many([make_spec(make_event(1)), make_spec(make_event(2, summary="a\x00b"))])
    assert info.value.path == "calendars[1].events[0].summary"
    with pytest.raises(ExportError) as info:
        serialise_many([make_spec(make_event(1)), make_spec(name=" ")])
    assert info.value.path == "calendars[1].name"
    assert "calendars[1].name" in str(info.value)


@pytest.mark.parametrize(
    "name", ["区", "-", "统战部, 联络; 日程\\", "长" * 80 + "😀" * 20, "NAME:-", "a" * 75, "é" * 37])
@pytest.mark.parametrize("prodid", ["-//liaison//liaison-ical//ZH", "-//" + "x" * 90 + "//ZH"])
@pytest.mark.parametrize("refresh", [None, dt.timedelta(hours=12), dt.timedelta(days=1, seconds=30)])
def test_calendar_head_fast_path_equals_a_whole_calendar(
    name: str, prodid: str, refresh: dt.timedelta | None
) -> None:
    from liaison_ical.serialiser import _head_bytes, _whole_head

    assert _head_bytes(prodid, name, refresh) == _whole_head(prodid, name, refresh)
