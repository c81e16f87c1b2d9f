"""The events file: dated events the user knows of (§1.2, §1.3, §1.4, §3.5), with their identity."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.base.errors import DataError, LiaisonError
from liaison.formats.events import parse_events
from liaison.law.district import District
from liaison.law.rules import EngagementKind
from liaison.year.engagements import KnownEvent, PlanOptions
from liaison.year.planner import plan_year


def test_an_events_identity_is_its_id_or_its_kind_and_title_never_its_date(seed: District) -> None:
    plenary = KnownEvent(kind=EngagementKind.PLENARY_MEETING, date=dt.date(2026, 3, 10), title_zh="全体会议")
    gala = KnownEvent(kind=EngagementKind.MAJOR_EVENT, date=dt.date(2026, 1, 20), title_zh="新春团拜会")
    ids_a = {e.id for e in plan_year(seed, 2026, PlanOptions(events=(plenary,))).engagements}
    ids_b = {e.id for e in plan_year(seed, 2026, PlanOptions(events=(gala, plenary))).engagements}
    assert plenary.engagement_id() in ids_a and ids_a <= ids_b
    moved = KnownEvent(kind=EngagementKind.PLENARY_MEETING, date=dt.date(2026, 3, 17), title_zh="全体会议")
    assert moved.engagement_id() == plenary.engagement_id()
    named = KnownEvent(kind=EngagementKind.PLENARY_MEETING, date=dt.date(2026, 3, 17), title_zh="全体会议（改）",
                       id="plenary-1")
    assert named.engagement_id() == "2026/plenary_meeting/plenary-1"


def test_hosts_and_event_kinds_are_checked(seed: District) -> None:
    day = dt.date(2026, 5, 1)
    with pytest.raises(LiaisonError, match="cannot host"):
        seed.invitees("professional_meeting", day, host="民革支部")
    with pytest.raises(LiaisonError, match="cannot host"):
        seed.invitees("plenary_meeting", day, host="区卫生局")
    with pytest.raises(LiaisonError, match="not a kind of event that invites"):
        seed.invitees("party", day)
    with pytest.raises(DataError, match=r"\$\.events\[0\]\.kind"):
        parse_events('[[events]]\nkind = "visit"\ndate = 2026-03-01\ntitle_zh = "走访"\n', seed, file="e.toml")
    with pytest.raises(DataError, match=r"\$\.events\[0\]\.host"):
        parse_events('[[events]]\nkind = "professional_meeting"\ndate = 2026-03-01\ntitle_zh = "会"\n', seed)


def test_two_entries_for_one_event_are_refused(seed: District) -> None:
    text = ('[[events]]\nkind = "major_event"\ndate = 2026-09-30\ntitle_zh = "国庆招待会"\n'
            '[[events]]\nkind = "major_event"\ndate = 2026-10-09\ntitle_zh = "国庆招待会"\n')
    with pytest.raises(DataError, match=r"e.toml: \$\.events\[1\]\.title_zh: two events are the same event"):
        parse_events(text, seed, file="e.toml")
