"""A notice issued late is true on its day of issue: the designations the office holds by then, the
engagements already past shown as past, not as dates to be agreed (the same mechanism as the
invitations: ``Draft.on_day``)."""

from __future__ import annotations

import datetime as dt

from docx_seed import make_plan
from liaison.host.exporting import ExportRequest
from liaison.law.district import District
from liaison.law.records import DesignationRecord, Records
from liaison.year.engagements import Plan, Status

from liaison_docx import Heading, Letter, Paragraph, Table
from liaison_docx.plugin import drafts

LATE = dt.date(2027, 3, 16)


def _issued(district: District, plan: Plan, records: Records, day: dt.date | None) -> dict[str, Letter]:
    request = ExportRequest(district=district, plan=plan, options={"kinds": "notice"}, records=records, issued_on=day)
    return {d.recipient: d.letter for d in drafts(request) if d.kind == "notice"}


def _records() -> Records:
    return Records(district_id="seed", designations=(
        DesignationRecord("health", leader_in_charge="王副局长", liaison_office="办公室", liaison_officer="赵敏",
                          phone="0592-2222222", date=dt.date(2027, 2, 1)),))


def _text(letter: Letter) -> str:
    return "\n".join(b.text for b in letter.body if isinstance(b, Paragraph | Heading))


def _table(letter: Letter) -> Table:
    return next(b for b in letter.body if isinstance(b, Table))


def test_a_notice_issued_late_names_the_designations_received_by_its_day(seed: District) -> None:
    plan = make_plan(seed)
    on_time = _issued(seed, plan, _records(), dt.date(2027, 1, 11))["health"]
    late = _issued(seed, plan, _records(), LATE)["health"]
    assert late.date == LATE
    assert "本办尚未收到你单位" in _text(on_time)  # the record is dated after 11 January
    assert "本办尚未收到" not in _text(late)
    assert "联络人员为赵敏" in _text(late)


def test_a_notice_issued_late_shows_past_engagements_as_past_not_to_be_agreed(seed: District) -> None:
    plan = make_plan(seed)
    late = _issued(seed, plan, Records(district_id="seed"), LATE)
    proposed_dates = {e.date for e in plan.engagements if e.status == Status.PROPOSED}
    for dept, letter in late.items():
        rows = _table(letter).rows
        for row in rows:
            month, day = (int(x) for x in row[0].split("\n")[0].rstrip("日").split("月"))
            past = dt.date(2027, month, day) < LATE
            assert ("（已过）" in row[0]) == past, (dept, row)
            assert not (past and "暂定" in row[0]), (dept, row)
        coming = [r for r in rows if "（已过）" not in r[0]]
        notes = _text(letter)
        if not coming:
            assert "协商确定" not in notes.split("年度安排")[1].split("工作要求")[0], dept
    assert any(d < LATE for d in proposed_dates)
    assert any("（已过）" in row[0] for letter in late.values() for row in _table(letter).rows)


def test_a_notice_on_its_natural_day_is_the_draft(seed: District) -> None:
    plan = make_plan(seed)
    on_time = _issued(seed, plan, Records(district_id="seed"), dt.date(2027, 1, 5))
    preview = _issued(seed, plan, Records(district_id="seed"), None)
    assert {k: v.body for k, v in on_time.items()} == {k: v.body for k, v in preview.items()}
    assert not any("（已过）" in row[0] for letter in on_time.values() for row in _table(letter).rows)
