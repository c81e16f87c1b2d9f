"""Every sentence as the text says (issue #20, items 5–16): each test names what the seed's text says
and fails on a reading that says more, or other."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from liaison.base.errors import DataError
from liaison.formats.district import parse_district
from liaison.formats.records import parse_records
from liaison.law.compliance import check
from liaison.law.district import District
from liaison.law.findings import FindingStatus, Severity
from liaison.law.records import DesignationRecord, HeldEngagement, Records
from liaison.law.rules import EngagementKind
from liaison.law.sentences import sentences
from liaison.year.engagements import PlanOptions
from liaison.year.planner import plan_year
from liaison_cli.main import cli

D = dt.date
HEALTH_MEETING = EngagementKind.JOINT_MEETING


def _findings(seed: District, records: Records, rule: str, year: int = 2027) -> list:  # type: ignore[type-arg]
    return [f for f in check(seed, records, year).findings if f.rule == rule]


# ------------------------------------------------------------------------------- 5. §3.3 read per department
def test_a_department_met_only_as_the_district_reads_it_says_so(seed: District) -> None:
    """区卫生局 has two counterparts; one joint meeting with one of them meets the per-department reading
    only: the finding says it rests on that reading, and the pairing left out gets its own finding."""
    meeting = HeldEngagement(kind=HEALTH_MEETING, date=D(2027, 5, 10), host="health", attended=("health", "cpwdp"),
                             id="m1")
    found = _findings(seed, Records(engagements=(meeting,)), "joint-meeting")
    [met] = [f for f in found if f.responsible == "health" and f.status == FindingStatus.MET]
    assert "scope" in met.rests_on and met.basis == "local" and "按本区对" in met.message_zh
    [left] = [f for f in found if f.responsible == "health" and f.affected == ("jiusan",)]
    assert left.status == FindingStatus.NOT_DONE and left.severity == Severity.INFO
    assert "九三学社综合支社未参加区卫生局的联席会议" in left.message_zh and left.rests_on == ("scope",)
    both = HeldEngagement(kind=HEALTH_MEETING, date=D(2027, 5, 10), host="health",
                          attended=("health", "cpwdp", "jiusan"), id="m2")
    [whole] = [f for f in _findings(seed, Records(engagements=(both,)), "joint-meeting") if f.responsible == "health"]
    assert whole.status == FindingStatus.MET and "scope" not in whole.rests_on  # met under any reading


def test_a_joint_meeting_called_by_the_party_counts(seed: District) -> None:
    """§3.3: 由对口联系双方协商定期召开 — either side may call it."""
    called = HeldEngagement(kind=HEALTH_MEETING, date=D(2027, 6, 1), host="cpwdp", attended=("cpwdp", "health"),
                            id="m1")
    found = [f for f in _findings(seed, Records(engagements=(called,)), "joint-meeting") if f.responsible == "health"]
    assert found[0].status == FindingStatus.MET and found[0].counted == ("m1",)
    assert not [f for f in found if f.severity == Severity.VIOLATION]


# --------------------------------------------------------------------------------------- 6. fixed hosts
@pytest.mark.parametrize(("kind", "provision"), [("plenary_meeting", "§1.2"), ("major_event", "§3.5")])
def test_an_event_the_text_gives_the_government_cannot_be_recorded_as_a_departments(
        seed: District, kind: str, provision: str) -> None:
    text = f'[[engagements]]\nkind = "{kind}"\ndate = 2027-03-01\nhost = "区卫生局"\nattended = ["区卫生局"]\n'
    with pytest.raises(DataError) as caught:
        parse_records(text, seed, file="r.toml")
    assert caught.value.path == "$.engagements[0].host" and provision in caught.value.render("zh")
    assert "区政府" in caught.value.render("zh")


# ------------------------------------------------------------------------ 7. a part-period shortfall
def test_a_shortfall_resting_on_the_part_period_setting_never_says_it_breaches_the_text(seed_text: str) -> None:
    """A department whose two pairings start on 07-01 and that made no visit: short only by the district's
    part-period setting (the text says nothing of part years)."""
    marker = "\n# ---------------------------------------------------------------- provisions"
    added = ('\n[[organisations]]\nid = "newbureau"\nname = "区新设局"\nshort_name = "新设局"\nname_en = "New Bureau"\n'
             'kind = "department"\n')
    pairings = "".join(f'\n[[pairings]]\ndepartment = "newbureau"\ncounterpart = "{c}"\nclause = "§2.2"\n'
                       'valid_from = 2027-07-01\n' for c in ("rcck", "cdl"))
    text = seed_text.replace("\n# ---------------------------------------------------------------- pairings",
                             added + "\n# ---------------------------------------------------------------- pairings", 1)
    district = parse_district(text.replace(marker, pairings + marker, 1), file="d.toml")
    found = [f for f in _findings(district, Records(), "leader-visit") if f.responsible == "newbureau"]
    assert found and all("part_period" in f.rests_on for f in found if f.status == FindingStatus.SHORT)
    for f in found:
        assert "不符合" not in f.message_zh, f.message_zh
        assert f.severity != Severity.VIOLATION


# ------------------------------------------------------------------------------------ 8. designations
def test_designations_not_recorded_are_said_to_be_not_recorded(seed: District) -> None:
    [finance] = [f for f in _findings(seed, Records(), "designations") if f.responsible == "finance"]
    assert "没有区财政局指定" in finance.message_zh and "的记录" in finance.message_zh
    assert "未指定" not in finance.message_zh and "nothing records" in finance.message_en
    named = DesignationRecord("finance", "钱局长", "办公室", "李明")
    [done] = [f for f in _findings(seed, Records(designations=(named,)), "designations") if f.responsible == "finance"]
    assert done.status == FindingStatus.MET


# ------------------------------------------------------------------------------ 9. recorded-only counts
def test_recorded_only_findings_count_their_own_kind_and_name_who_owes_it(seed: District) -> None:
    inspection = HeldEngagement(kind=EngagementKind.INSPECTION, date=D(2027, 4, 1), host="district-gov",
                                attended=("district-gov",), id="i1")
    [personnel] = _findings(seed, Records(engagements=(inspection,)), "special-personnel")
    assert "特约人员聘任" in personnel.message_zh and "记录0项" in personnel.message_zh
    assert "特约人员与检查工作事项" not in personnel.message_zh  # the provision's title is not what is counted
    [briefing] = _findings(seed, Records(), "briefing")
    assert "Briefings, professional meetings" not in briefing.message_en and "briefings" in briefing.message_en
    assert "区直部门" in briefing.message_zh and "a department" in briefing.message_en


# ------------------------------------------------------------------- 10. the date the district applies from
def test_the_start_date_the_text_does_not_give_is_said_to_be_the_districts(seed: District) -> None:
    early = HeldEngagement(kind=EngagementKind.VISIT, date=D(2022, 3, 1), host="health", attended=("health", "cpwdp"),
                           id="v0")
    report = check(seed, Records(engagements=(early,)), 2022)
    [left] = [n for n in report.not_counted if n.id == "v0"]
    assert "本区设定的《意见》施行日期" in left.reason_zh and "原文未载施行日期" in left.reason_zh
    assert "the text gives none" in left.reason_en
    notes = check(seed, Records(), 2021).notes_zh
    assert notes and "本区设定" in notes[0]


# -------------------------------------------------------------------- 11. 有关: named invitees and persons
EVENTS = """[[events]]
id = "planning-meeting"
kind = "important_meeting"
date = 2027-04-14
title_zh = "区政府规划工作会议"
invite = ["民盟支部", "九三学社"]
guests = [{ name = "张三", organisation = "民进支部", title = "规划专家" }]
"""


def test_an_important_meeting_invites_whom_it_names_and_its_guests(seed: District) -> None:
    from liaison.formats.events import parse_events

    events = parse_events(EVENTS, seed, file="e.toml")
    plan = plan_year(seed, 2027, PlanOptions(events=events))
    [meeting] = [e for e in plan.engagements if e.id.endswith("planning-meeting")]
    assert meeting.participants == ("district-gov", "cdl", "jiusan")
    assert [(g.name, g.organisation) for g in meeting.guests] == [("张三", "capd")]
    unnamed = seed.invitees(EngagementKind.IMPORTANT_MEETING, D(2027, 4, 14))
    assert len(unnamed.recipients) == 8 and "默认邀请全部" in unnamed.note_zh


def test_a_rule_that_invites_everyone_takes_no_list(seed: District) -> None:
    from liaison.formats.events import parse_events

    text = EVENTS.replace('kind = "important_meeting"', 'kind = "plenary_meeting"')
    with pytest.raises(DataError) as caught:
        parse_events(text, seed, file="e.toml")
    assert caught.value.path == "$.events[0].invite"


def test_a_guests_branch_gets_a_letter_naming_the_guest(seed: District) -> None:
    pytest.importorskip("liaison_docx")
    from liaison_docx.letters.invitation import invitations

    from liaison.formats.events import parse_events

    plan = plan_year(seed, 2027, PlanOptions(events=parse_events(EVENTS, seed, file="e.toml")))
    drafts = [d for d in invitations(seed, plan) if "planning-meeting" in d.subject]
    assert sorted(d.recipient for d in drafts) == ["capd", "cdl", "jiusan"]
    [capd] = [d for d in drafts if d.recipient == "capd"]
    body = "".join(getattr(b, "text", "") for b in capd.letter.body)
    assert "特邀请贵单位张三同志列席" in body and "负责人" not in body.split("特邀请")[1][:8]


# -------------------------------------------------------------------------- 12. §3.5 both ways
def test_a_partys_major_event_inviting_the_government_is_recorded_not_charged(seed: District) -> None:
    text = ('[[engagements]]\nid = "g1"\nkind = "major_event"\ndate = 2027-06-01\nhost = "民盟支部"\n'
            'attended = ["民盟支部", "区政府"]\ntitle = "民盟支部成立纪念会"\n')
    records = parse_records(text, seed, file="r.toml")
    [found] = [f for f in check(seed, records, 2027).findings if f.counted == ("g1",)]
    assert found.rule == "major-event-of-a-party" and found.status == FindingStatus.RECORDED
    assert found.basis == "local" and found.severity == Severity.INFO and found.responsible is None
    assert "邀请了区人民政府参加" in found.message_zh and "原文未设义务" in found.message_zh
    missed = parse_records(text.replace('"民盟支部", "区政府"', '"民盟支部"'), seed, file="r.toml")
    [info] = [f for f in check(seed, missed, 2027).findings if f.counted == ("g1",)]
    assert info.severity == Severity.INFO  # a may: never a breach


# ------------------------------------------------------------------------------- 13. §3.2 资料
def test_materials_are_routed_as_the_text_says(seed: District) -> None:
    assert seed.cc_list("区卫生局", D(2027, 1, 5), "资料").ids() == ("cpwdp", "jiusan")
    result = CliRunner().invoke(cli, ["route", "--issuer", "区卫生局", "--kind", "资料", "--date", "2027-01-05"])
    assert result.exit_code == 0 and "资料抄送（2 家）" in result.output


# ------------------------------------------------------------------------ 14. every sentence accounted for
def test_every_sentence_of_the_seed_is_implemented_or_noted(seed: District) -> None:
    for provision in seed.provisions:
        for sentence in sentences(provision, D(2027, 1, 1)):
            assert sentence.accounted, (provision.id, sentence.uncovered)
    shown = CliRunner().invoke(cli, ["provisions", "§3.4", "--as-of", "2027-01-01"]).output
    assert "逐句：" in shown and "记录：共同开展的活动（区直部门）" in shown and "未建模：说明联合调研的目的" in shown


def test_a_sentence_the_data_says_nothing_of_is_shown_as_such(seed_text: str) -> None:
    start = seed_text.index('key = "grassroots-support"')
    begin = seed_text.rindex("[[provisions.rules]]", 0, start)
    end = seed_text.index("\n[[", start)
    district = parse_district(seed_text[:begin] + seed_text[end + 1:], file="d.toml")  # the rule left out
    [open_part] = [s for s in sentences(district.provision("§3.7"), D(2027, 1, 1)) if not s.accounted]
    assert open_part.uncovered == ("区直各部门要支持各民主党派加强基层组织建设",)


# -------------------------------------------------------------------------------- 15. the plan's settings
def test_the_plan_marks_what_rests_on_a_local_setting() -> None:
    table = CliRunner().invoke(cli, ["plan", "--year", "2027"], env={"COLUMNS": "250"}).output
    assert "§3.6※" in table and "※ §3.1：最多次数、周期起算年、时长为本区设定" in table
    import json

    document = json.loads(CliRunner().invoke(cli, ["plan", "--year", "2027", "--format", "json"]).output)
    work = next(e for e in document["engagements"] if e["kind"] == "work_meeting")
    assert [s["field"] for s in work["local_settings"]] == ["max_per_period", "cycle_anchor_year", "duration_minutes"]


# ------------------------------------------------------------------------------ 16. no legal words in code
def test_the_letters_and_findings_take_legal_words_from_the_data() -> None:
    """No string the code writes names the seed's regulation in short (《意见》), calls itself 本意见 or
    quotes a provision: those words are the data's (comments and docstrings may explain them)."""
    import ast

    root = Path(__file__).parents[1]
    for path in [*root.glob("src/liaison/**/*.py"), *root.glob("plugins/liaison-docx/src/**/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                      and node.body and isinstance(node.body[0], ast.Expr)}
        strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                   and id(n) not in docstrings]
        for words in ("《意见》", "本意见", "可视情邀请有关民主党派", "工作例会或联席会议"):
            assert not [s for s in strings if words in s], (path, words)


def test_guests_are_in_every_output_of_the_plan(seed: District, tmp_path: Path) -> None:
    """A guest is named beside the participants in the table, the 安排表 and the page."""
    from liaison.formats.events import parse_events
    from liaison.year.planner import guests_text

    plan = plan_year(seed, 2027, PlanOptions(events=parse_events(EVENTS, seed, file="e.toml")))
    [meeting] = [e for e in plan.engagements if e.id.endswith("planning-meeting")]
    assert guests_text(seed, meeting.guests) == "特邀：张三（民进支部，规划专家）"
    (tmp_path / "e.toml").write_text(EVENTS, encoding="utf-8")
    table = CliRunner().invoke(cli, ["plan", "--year", "2027", "--events", str(tmp_path / "e.toml")],
                               env={"COLUMNS": "300"}).output
    assert "特邀：张三" in table and "区政府规划工作会议" in table
    rows = pytest.importorskip("liaison_xlsx.domain").plan_rows(seed, plan, 2027)
    assert [r.guests for r in rows if r.id == meeting.id] == ["特邀：张三（民进支部，规划专家）"]


def test_the_page_quotes_every_wording_in_force_in_the_year() -> None:
    pytest.importorskip("liaison_html")
    from liaison_html.pages import page_view

    from liaison.formats.district import load_district

    donghu = load_district(Path(__file__).parent / "data" / "donghu.toml")
    view = page_view(donghu, plan_year(donghu, 2027))
    cites = [p.cite.zh for p in view.provisions if p.id == "第四条"]
    assert len(cites) == 2 and cites[1].endswith("（2027-07-01起）")


def test_a_meeting_both_sides_attended_but_another_held_is_named_not_hidden() -> None:
    from liaison.formats.district import load_district

    donghu = load_district(Path(__file__).parent / "data" / "donghu.toml")
    held = HeldEngagement(kind=EngagementKind.JOINT_MEETING, date=D(2027, 3, 3), host="zg",
                          attended=("zg", "market", "gsl"), id="m1")
    [found] = [f for f in check(donghu, Records(engagements=(held,)), 2027).findings
               if f.rule == "half-yearly-meeting" and f.subject == ("market", "gsl") and f.period[0].month == 1]
    assert "另有1次工作例会双方均参加，但由致公党东湖区委员会主办" in found.message_zh and "m1" in found.message_zh
    assert "held by CZGP Donghu committee" in found.message_en


def test_the_districts_own_words_name_its_engagements() -> None:
    from liaison.formats.district import load_district

    donghu = load_district(Path(__file__).parent / "data" / "donghu.toml")
    assert donghu.kind_name(EngagementKind.JOINT_MEETING) == "工作例会"
    assert donghu.kind_name(EngagementKind.JOINT_MEETING, "en") == "regular work meeting"
    assert donghu.kind_name(EngagementKind.VISIT) == "走访"  # no label: the project's word
    plan = plan_year(donghu, 2027)
    assert all("工作例会" in e.title_zh for e in plan.engagements if e.kind == EngagementKind.JOINT_MEETING)
