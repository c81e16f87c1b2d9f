"""A second district's own file (tests/data/donghu.toml), end to end: another regulation (《…办法》),
other organisations, half-yearly joint meetings per pairing held by either side, visits amended on
2027-07-01 in text and numbers, and one pairing replaced that day — planned, checked and exported,
every letter free of the seed's names and titles."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import attrs
import pytest

import liaison
from liaison.base.errors import DataError
from liaison.formats.district import parse_district, seed_district
from liaison.law.compliance import check
from liaison.law.district import District
from liaison.law.findings import FindingStatus
from liaison.law.records import HeldEngagement, Records
from liaison.law.rules import EngagementKind

DONGHU = Path(__file__).parent / "data" / "donghu.toml"
D = dt.date


@pytest.fixture(scope="module")
def donghu() -> District:
    return liaison.load_district(DONGHU)


def test_half_yearly_meetings_are_planned_in_each_half_for_the_pairing_in_force(donghu: District) -> None:
    plan = liaison.plan_year(donghu, 2027)
    meetings = [e for e in plan.engagements if e.kind == EngagementKind.JOINT_MEETING and e.host == "water"]
    # the first half with the pairing that ends on 07-01, the second with the one that replaces it
    assert [(e.date.month <= 6, e.participants) for e in meetings] == [(True, ("water", "js")),
                                                                         (False, ("water", "zg"))]
    assert not plan.unplaced


def test_visits_follow_the_rule_version_and_the_text_in_force(donghu: District) -> None:
    plan = liaison.plan_year(donghu, 2027)
    visits = [e for e in plan.engagements if e.kind == EngagementKind.VISIT and e.participants == ("culture", "dl")]
    assert sum(e.date < D(2027, 7, 1) for e in visits) == 1  # 1至2次 until 06-30
    assert sum(e.date >= D(2027, 7, 1) for e in visits) == 2  # 2至3次 from 07-01
    provision = donghu.provision("第四条")
    assert "1至2次" in provision.text_at(D(2027, 6, 30)).text_zh
    assert "2至3次" in provision.text_at(D(2027, 7, 1)).text_zh


def test_the_plan_held_as_planned_leaves_nothing_short(donghu: District) -> None:
    plan = liaison.plan_year(donghu, 2027)
    report = check(donghu, Records.from_plan(plan), 2027)
    assert report.findings and not report.problems()
    halves = {f.period for f in report.findings if f.rule == "half-yearly-meeting"}
    assert halves == {(D(2027, 1, 1), D(2027, 6, 30)), (D(2027, 7, 1), D(2027, 12, 31))}


def test_a_shortfall_after_the_amendment_quotes_the_amended_text(donghu: District) -> None:
    plan = liaison.plan_year(donghu, 2027)
    held = [e for e in plan.engagements if not (e.kind == EngagementKind.VISIT and e.host == "culture"
                                                 and e.date >= D(2027, 7, 1))]
    report = check(donghu, Records.from_plan(attrs.evolve(plan, engagements=tuple(held))), 2027)
    [short] = [f for f in report.findings if f.status == FindingStatus.SHORT]
    assert short.period[0] == D(2027, 7, 1) and short.responsible == "culture"
    assert "2至3次" in short.message_zh and "1至2次" not in short.message_zh and "每年2至3次" in short.expected


def test_a_meeting_called_by_the_party_counts_for_the_pairing(donghu: District) -> None:
    called = HeldEngagement(kind=EngagementKind.JOINT_MEETING, date=D(2027, 3, 3), host="dl",
                            attended=("dl", "culture"), id="m1")
    [first_half] = [f for f in check(donghu, Records(engagements=(called,)), 2027).findings
                    if f.rule == "half-yearly-meeting" and f.subject == ("culture", "dl")
                    and f.period[0] == D(2027, 1, 1)]
    assert first_half.status == FindingStatus.MET and first_half.counted == ("m1",)


def test_a_rule_quoting_words_the_amendment_removed_is_refused() -> None:
    """An amendment that changes the words a rule quotes needs a new rule version from its day."""
    text = DONGHU.read_text(encoding="utf-8").replace("[[provisions.amendments]]\nvalid_from = 2027-07-01",
                                                      "[[provisions.amendments]]\nvalid_from = 2027-05-01")
    with pytest.raises(DataError, match=r"rules\[0\]\.sentence_zh: the sentence is not in the text of 第四条 as "
                                        r"amended on 2027-05-01"):
        parse_district(text, file="donghu.toml")


SEED_WORDS = ("推进市区各民主党派联络意见", "《意见》", "××区", "区卫生局", "民革支部", "九三学社综合支社", "区府办")


def test_exported_end_to_end_with_its_own_names_and_titles(tmp_path: Path) -> None:
    pytest.importorskip("liaison_docx")
    pytest.importorskip("liaison_ical")
    env = {**os.environ, "LIAISON_PLUGINS": "ical,docx,xlsx,html", "COLUMNS": "200", "LIAISON_TODAY": "2027-01-10"}
    done = subprocess.run([sys.executable, "-m", "liaison_cli", "export", "all", "--year", "2027", "--data",
                           str(DONGHU), "--out", str(tmp_path / "out"), "--issued-on", "2027-01-10"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    year = tmp_path / "out" / "2027"
    letters = sorted(year.rglob("*.docx"))
    assert {p.parent.name for p in letters} >= {"通知", "邀请函"}
    seed = seed_district()
    seed_titles = {p.title_zh for p in seed.provisions} - {p.title_zh for p in liaison.load_district(DONGHU).provisions}
    for letter in letters:
        with zipfile.ZipFile(letter) as package:
            xml = package.read("word/document.xml").decode("utf-8")
        for word in SEED_WORDS:
            assert word not in xml, (letter.name, word)
        assert not [t for t in seed_titles if f"“{t}”" in xml], letter.name
    notice = next(p for p in letters if p.parent.name == "通知" and "water" in p.name)
    with zipfile.ZipFile(notice) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert "（以下简称《办法》）" in xml and "《办法》第三条规定" in xml
    assert "每半年至少召开1次工作例会" in xml and "2至3次" in xml and "1至2次" in xml
    assert "召开1次联席会议" not in xml  # the district's own word (the rule's label_zh), not the project's
    state = json.loads((year / "plan-donghu-2027.json").read_text(encoding="utf-8"))
    assert {e["host"] for e in state["engagements"]} == {"water", "culture", "market"}
    for calendar in (year / "ical").glob("*.ics"):
        assert b"\xc3\x97\xc3\x97" not in calendar.read_bytes()  # no ××
