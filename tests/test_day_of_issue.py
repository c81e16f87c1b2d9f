"""No numbers without a day (issue #24): an export that would issue letters must be told the day they
go out. Without one it is refused before anything is worked out — no folder, no state, no number
taken — in both languages; the command and the service pass theirs (``--issued-on``, else today)
through the same flow. An export issuing no letters (calendars) needs no day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from liaison.formats.district import seed_district
from liaison.host.exporting import DayOfIssueNeeded, build_export
from liaison.host.plugins import exporter
from liaison_workspace import MemoryStore, Workspace

YEAR = 2027


@pytest.fixture
def loaded_plugins() -> str:
    return "docx,ical"


def test_an_export_issuing_letters_without_a_day_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "out")
    with pytest.raises(DayOfIssueNeeded) as caught:
        ws.export(seed_district(), YEAR, [("ical", {}), ("docx", {"kinds": "notice"})])
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*"))
    en, zh = caught.value.render("en"), caught.value.render("zh")
    assert "docx" in en and "issued_on" in en and "--issued-on" in en
    assert "印发日期" in zh and "--issued-on" in zh and "fix" not in zh
    # a store of the service's kind goes through the same rule
    memory = MemoryStore()
    with pytest.raises(DayOfIssueNeeded):
        Workspace(store=memory).export(seed_district(), YEAR, [("docx", {})])
    assert Workspace(store=memory).read_state(seed_district(), YEAR) is None


def test_the_flow_itself_refuses_and_an_export_of_calendars_needs_no_day() -> None:
    seed = seed_district()
    with pytest.raises(DayOfIssueNeeded):
        build_export(seed, YEAR, None, [(exporter("ical"), {}), (exporter("docx"), {})])
    calendars = build_export(seed, YEAR, None, [(exporter("ical"), {})])
    assert calendars.writes and not calendars.state.letters
    with_day = build_export(seed, YEAR, None, [(exporter("docx"), {"kinds": "notice"})], issued_on=dt.date(2027, 1, 11))
    assert with_day.state.letters and all(r.date == dt.date(2027, 1, 11) for r in with_day.state.letters)
