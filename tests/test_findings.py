"""Findings that say exactly what the regulation says: local settings marked, severity by modality,
the body that owed it held responsible, one rule version per day, part-year subjects, readings as
data, nothing dropped in silence."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from liaison.base.errors import DataError
from liaison.formats.district import parse_district
from liaison.formats.records import parse_records
from liaison.law.compliance import check
from liaison.law.district import District
from liaison.law.findings import FindingStatus, Report, Severity
from liaison.law.records import (
    ConsultationRecord,
    DesignationRecord,
    HeldEngagement,
    Records,
    Reply,
    ResearchResult,
    SpecialAppointment,
)
from liaison.law.rules import EngagementKind
from liaison.year.planner import plan_year
from liaison_cli.main import cli

D = dt.date
ROOT = Path(__file__).parents[1]


def designated(district: District, records: Records) -> Records:
    return attrs.evolve(records, designations=tuple(
        DesignationRecord(d.id, "分管副局长", "办公室", "联络员") for d in district.departments()))


def held(district: District, *years: int) -> Records:
    """Every engagement of the plans of ``years`` as held, and every designation made."""
    found: tuple[HeldEngagement, ...] = ()
    for year in years:
        found += Records.from_plan(plan_year(district, year)).engagements
    return designated(district, Records(district_id=district.info.id, engagements=found))


def rule_block(text: str, key: str) -> tuple[int, int]:
    start = text.rindex("[[provisions.rules]]", 0, text.index(f'key = "{key}"'))
    return start, text.index("\n\n", start)


def replace_rule(text: str, key: str, *versions: str) -> str:
    start, end = rule_block(text, key)
    return text[:start] + "\n\n".join(versions) + text[end:]


def the_rule(text: str, key: str) -> str:
    start, end = rule_block(text, key)
    return text[start:end]


def problems(report: Report) -> list[str]:
    return [f"{f.provision} {f.status.value} {f.subject}" for f in report.problems()]


# ---------------------------------------------------------------------- 1. numbers the text does not contain
def test_a_late_feedback_is_measured_against_the_district_setting_not_the_text(seed: District) -> None:
    late = ResearchResult(id="r1", title="关于基层医疗的调研", submitted_by="cpwdp", department="health",
                          received=D(2027, 3, 1), feedback=D(2027, 4, 1))  # day 31
    [finding] = [f for f in check(seed, Records(research_results=(late,)), 2027).findings
                 if f.rule == "research-feedback"]
    assert finding.status == FindingStatus.LATE and finding.severity == Severity.LOCAL
    assert finding.rests_on == ("due_days",) and finding.basis == "local"
    assert "晚于本区设定的30日内反馈期限（2027-03-31；原文未规定期限）1日" in finding.message_zh
    assert "1 day after the district's own deadline" in finding.message_en
    assert "不符合" not in finding.message_zh
    assert finding.responsible == "health" and finding.affected == ("cpwdp",)


def test_feedback_never_given_is_also_measured_against_the_district_setting(seed: District) -> None:
    silent = ResearchResult(id="r2", title="关于养老的调研", submitted_by="rcck", department="civil-affairs",
                            received=D(2027, 3, 1))
    [finding] = [f for f in check(seed, Records(research_results=(silent,)), 2027).findings
                 if f.rule == "research-feedback"]
    assert finding.status == FindingStatus.UNANSWERED and finding.severity == Severity.LOCAL
    assert "至2027-12-31未反馈" in finding.message_zh and "要认真研究并反馈情况" in finding.message_zh


def test_every_local_setting_of_the_seed_carries_a_note(seed: District) -> None:
    for prov in seed.provisions:
        for rule in prov.rules:
            for field, note in rule.local.notes:
                assert note.strip(), (rule.key, field)
    joint, visit, work = (seed.provision(p).rules[0] for p in ("§3.3", "§3.6", "§3.1"))
    assert {"scope", "duration_minutes"} <= set(joint.local.fields()) and {"scope"} <= set(visit.local.fields())
    assert {"cycle_anchor_year", "max_per_period"} <= set(work.local.fields())
    assert seed.provision("§2.1").readings[0].basis == "local"  # the closed list of two common liaison units


# -------------------------------------------------------------------------------------- 2. modality
def test_a_may_shortfall_is_information_and_never_a_problem(seed: District) -> None:
    symposium = HeldEngagement(kind=EngagementKind.SYMPOSIUM, date=D(2027, 4, 1), host="district-gov",
                               attended=("district-gov",), id="s1",
                               invited=("rcck",))
    asked = ConsultationRecord(id="c1", subject="2028年计划", sent=D(2027, 11, 1), sent_to=("rcck", "cdl"))
    report = check(seed, Records(engagements=(symposium,), consultations=(asked,)), 2027)
    mays = [f for f in report.findings if f.rule in ("policy-symposium", "consultation-reply")]
    assert {f.status for f in mays} >= {FindingStatus.NOT_ALL_INVITED, FindingStatus.NOT_ALL_ASKED}
    assert FindingStatus.SHORT not in {f.status for f in mays}  # 未达要求 is for 应/要 only
    assert {f.severity for f in mays} == {Severity.INFO}
    assert not [f for f in report.problems() if f.rule in ("policy-symposium", "consultation-reply")]
    [symposium_finding] = [f for f in mays if f.rule == "policy-symposium"]
    assert "不属违反，仅作提示" in symposium_finding.message_zh and "视情邀请" in symposium_finding.message_zh
    assert "not a breach" in symposium_finding.message_en


def test_a_may_shortfall_is_not_labelled_as_falling_short_in_text_or_json(seed: District, tmp_path: Path) -> None:
    from liaison.formats.documents import report_document

    symposium = HeldEngagement(kind=EngagementKind.SYMPOSIUM, date=D(2027, 4, 1), host="district-gov",
                               attended=("district-gov",), id="s1",
                               invited=("rcck",))
    asked = ConsultationRecord(id="c1", subject="2028年计划", sent=D(2027, 11, 1), sent_to=("rcck", "cdl"))
    document = report_document(check(seed, Records(engagements=(symposium,), consultations=(asked,)), 2027), seed)
    statuses = {(f["rule"], f["status"]) for f in document["findings"] if f["counted"] in (["s1"], ["c1"])}
    assert ("policy-symposium", "not_all_invited") in statuses and ("consultation-reply", "not_all_asked") in statuses
    assert not [s for s in statuses if s[1] == "short"]
    records = tmp_path / "records.toml"
    records.write_text('[[engagements]]\nid = "s1"\nkind = "symposium"\ndate = 2027-04-01\nhost = "district-gov"\n'
                       'attended = ["district-gov"]\ninvited = ["rcck"]\n', encoding="utf-8")
    for lang, label, absent in (("zh", "未全部邀请", "未达要求"), ("en", "not everyone invited", " short ")):
        result = CliRunner().invoke(cli, ["check", "--year", "2027", "--records", str(records), "--all",
                                          "--lang", lang])
        assert result.exit_code == 0, result.output
        rows = [line for line in result.output.splitlines() if line.strip().startswith("§1.2")
                and "2027-04-01" in line]
        assert rows and all(label in line and absent not in line for line in rows), rows


def test_a_generally_shall_shortfall_is_a_deviation_that_a_reason_explains(seed: District) -> None:
    gala = HeldEngagement(kind=EngagementKind.MAJOR_EVENT, date=D(2027, 9, 30), host="district-gov",
                          attended=("district-gov",), id="g1",
                          invited=("rcck", "cdl"))
    explained = attrs.evolve(gala, id="g2", date=D(2027, 10, 9), reason="场地所限，只邀请两家")
    findings = [f for f in check(seed, Records(engagements=(gala, explained)), 2027).findings
                if f.rule == "major-event"]
    assert [f.severity for f in findings] == [Severity.DEVIATION, Severity.EXPLAINED]
    assert findings[1].reason == "场地所限，只邀请两家"
    assert "记录的原因：“场地所限，只邀请两家”" in findings[1].message_zh  # the sentence says why, not only the JSON
    assert "场地所限" in findings[1].message_en and "reason recorded" in findings[1].message_en
    assert "原因" not in findings[0].message_zh
    report = check(seed, Records(engagements=(gala, explained)), 2027)
    assert report.totals()["deviation"] == 1 and report.totals()["explained"] == 1


def test_a_shall_shortfall_is_a_violation(seed: District) -> None:
    plenary = HeldEngagement(kind=EngagementKind.PLENARY_MEETING, date=D(2027, 3, 1), host="district-gov",
                             attended=("district-gov",), id="p1",
                             invited=tuple(o.id for o in seed.counterparts())[1:])
    [finding] = [f for f in check(seed, Records(engagements=(plenary,)), 2027).findings
                 if f.rule == "plenary-attendance"]
    assert finding.severity == Severity.VIOLATION and "未邀请民革支部负责人列席" in finding.message_zh


def test_every_finding_cites_a_record_without_an_id_where_it_was_written(seed: District) -> None:
    """A ledger row without 编号 is cited by its sheet and row, by invitation and cadence findings alike."""
    where = "台账.xlsx: 会议走访!8:8"
    plenary = HeldEngagement(kind=EngagementKind.PLENARY_MEETING, date=D(2027, 3, 1), host="district-gov",
                             attended=("district-gov",),
                             invited=tuple(o.id for o in seed.counterparts()), source=where)
    visit = HeldEngagement(kind=EngagementKind.VISIT, date=D(2027, 3, 2), host="health", attended=("health", "cpwdp"),
                           source="台账.xlsx: 会议走访!9:9")
    report = check(seed, Records(engagements=(plenary, visit)), 2027)
    cited = {c for f in report.findings for c in f.counted}
    assert {where, "台账.xlsx: 会议走访!9:9"} <= cited
    assert not any(c.startswith("engagements[") for c in cited)


# --------------------------------------------------------------------------------- 3. responsibility
def without_visit(records: Records, pair: tuple[str, str], year: int) -> Records:
    return attrs.evolve(records, engagements=tuple(
        e for e in records.engagements if not (e.kind == EngagementKind.VISIT and e.attended == pair
                                               and e.date.year == year)))


def test_a_shortfall_is_charged_to_the_department_that_owed_it(seed: District) -> None:
    # 区计生局 is paired with 农工党总支部 only: no visit at all falls short under any reading
    report = check(seed, without_visit(held(seed, 2026, 2027), ("family-planning", "cpwdp"), 2027), 2027)
    [finding] = report.problems()
    assert (finding.provision, finding.responsible, finding.affected) == ("§3.6", "family-planning", ("cpwdp",))
    assert finding.severity == Severity.VIOLATION and "不符合第三（六）条" in finding.message_zh
    rows = {r["id"]: r for r in report.summary(seed)}
    assert rows["family-planning"].get("violation") == 1
    assert "violation" not in rows.get("cpwdp", {}) and "cpwdp" not in rows  # a branch owes no visit
    assert "icf" not in rows


def test_the_parties_owe_no_reply_to_a_consultation(seed: District) -> None:
    everyone = tuple(o.id for o in seed.counterparts())
    asked = ConsultationRecord(id="c1", subject="2028年政府工作报告", sent=D(2027, 11, 1), sent_to=everyone,
                               replies=tuple(Reply(o, D(2027, 11, 5)) for o in everyone[:6]))
    report = check(seed, Records(consultations=(asked,)), 2027)
    [replies] = [f for f in report.findings if f.rule == "consultation-reply"]
    assert replies.status == FindingStatus.UNANSWERED and replies.severity == Severity.INFO
    assert replies.responsible == "gov-office" and set(replies.affected) == set(everyone[6:])
    assert "原文未规定民主党派、工商联的答复义务" in replies.message_zh
    assert not any(row["kind"] in ("party_branch", "icf") for row in report.summary(seed))


# ----------------------------------------------------------------------------------- 4. true sentences
def test_a_late_reply_is_reported_as_late_with_its_date_not_as_missing(seed: District) -> None:
    everyone = tuple(o.id for o in seed.counterparts())
    asked = ConsultationRecord(id="c1", subject="国民经济和社会发展计划", sent=D(2027, 1, 5), sent_to=everyone,
                               replies=(*(Reply(o, D(2027, 1, 10)) for o in everyone[1:]),
                                        Reply("rcck", D(2027, 1, 25))))
    [replies] = [f for f in check(seed, Records(consultations=(asked,)), 2027).findings
                 if f.rule == "consultation-reply"]
    assert replies.status == FindingStatus.LATE
    assert "民革支部于2027-01-25答复，晚于答复期限5日" in replies.message_zh and "未收到" not in replies.message_zh
    assert "答复期限2027-01-20（15日内，为本区设定，原文未规定期限）" in replies.message_zh
    assert "Rcck" not in replies.message_en and "5 days after the deadline" in replies.message_en
    assert "the district's own setting" in replies.message_en


def test_an_event_that_invited_nobody_says_so(seed: District) -> None:
    gala = HeldEngagement(kind=EngagementKind.MAJOR_EVENT, date=D(2027, 9, 30), host="district-gov",
                          attended=("district-gov",), id="g1",
                          title="国庆招待会")
    [finding] = [f for f in check(seed, Records(engagements=(gala,)), 2027).findings if f.rule == "major-event"]
    assert "未邀请任何民主党派、工商联负责人参加" in finding.message_zh
    assert "已邀请" not in finding.message_zh


# ----------------------------------------------------------------------------- 5. one version per day
def amended_visits(text: str) -> District:
    """§3.6 amended on 2027-07-01: from 1–2 visits a year to 2–3."""
    block = the_rule(text, "leader-visit")
    first = block.replace("valid_from = 2022-05-22\n", "valid_from = 2022-05-22\nvalid_until = 2027-07-01\n")
    second = re.sub(r", valid_from = \"[^\"]*\"", "", block.replace(
        "min_per_period = 1\nmax_per_period = 2", "min_per_period = 2\nmax_per_period = 3").replace(
        "valid_from = 2022-05-22", "valid_from = 2027-07-01"))
    return parse_district(replace_rule(text, "leader-visit", first, second), file="amended.toml")


def test_an_amendment_mid_year_is_planned_and_checked_by_the_version_in_force_each_day(seed_text: str) -> None:
    district = amended_visits(seed_text)
    plan = plan_year(district, 2027)
    visits = sorted(e.date for e in plan.engagements if e.kind == EngagementKind.VISIT
                    and e.participants == ("health", "cpwdp"))
    assert len(visits) == 3 and visits[0] < D(2027, 7, 1) <= visits[1]
    report = check(district, held(district, 2026, 2027), 2027)
    assert problems(report) == []
    versions = {f.period for f in report.findings if f.rule == "leader-visit" and f.subject == ("health", "cpwdp")}
    assert versions == {(D(2027, 1, 1), D(2027, 6, 30)), (D(2027, 7, 1), D(2027, 12, 31))}


def test_a_check_as_of_a_date_sees_only_the_versions_in_force_by_then(seed_text: str) -> None:
    district = amended_visits(seed_text)
    report = check(district, Records(), 2027, as_of=D(2027, 5, 31))
    assert {f.period for f in report.findings if f.rule == "leader-visit"} == {(D(2027, 1, 1), D(2027, 6, 30))}


def test_research_received_before_a_rule_took_effect_is_judged_by_the_rule_then(seed_text: str) -> None:
    block = the_rule(seed_text, "research-feedback")
    first = block.replace("valid_from = 2022-05-22\n", "valid_from = 2022-05-22\nvalid_until = 2027-06-01\n")
    second = block.replace("due_days = 30", "due_days = 10").replace("valid_from = 2022-05-22",
                                                                      "valid_from = 2027-06-01")
    district = parse_district(replace_rule(seed_text, "research-feedback", first, second))
    before = ResearchResult(id="r1", title="调研一", submitted_by="cpwdp", department="health", received=D(2027, 5, 20),
                            feedback=D(2027, 6, 15))  # 26 days
    after = ResearchResult(id="r2", title="调研二", submitted_by="cpwdp", department="health", received=D(2027, 6, 20),
                           feedback=D(2027, 7, 15))  # 25 days
    found = {f.counted[0]: f.status for f in check(district, Records(research_results=(before, after)), 2027).findings
             if f.rule == "research-feedback"}
    assert found == {"r1": FindingStatus.MET, "r2": FindingStatus.LATE}


# ----------------------------------------------------------------------------------- 6. part-year subjects
def test_a_pairing_in_force_for_five_days_owes_nothing(seed_text: str) -> None:
    five = seed_text.replace('\n# ---------------------------------------------------------------- provisions',
                             '\n[[pairings]]\ndepartment = "health"\ncounterpart = "icf"\nclause = "§2.2"\n'
                             'valid_from = 2027-12-27\n\n# ---------------------------------------------------------'
                             '------- provisions', 1)
    district = parse_district(five)
    report = check(district, held(district, 2026, 2027), 2027)
    short = [f for f in report.findings if f.subject == ("health", "icf")]
    assert short and {f.status for f in short} == {FindingStatus.NOT_APPLICABLE}
    assert all("不足本区设定的60天" in f.message_zh for f in short)
    assert problems(report) == []


# -------------------------------------------------------------------- a second district, not the seed
def second_district(text: str) -> District:
    """2–3 visits a year, a meeting every half year, and a liaison work meeting every three years,
    every rule in force from 2025-03-01 — inside the 2024–2026 cycle."""
    text = text.replace("valid_from = 2022-05-22", "valid_from = 2025-03-01").replace('id = "seed"', 'id = "other"')
    text = replace_rule(text, "leader-visit", the_rule(text, "leader-visit").replace(
        "min_per_period = 1\nmax_per_period = 2", "min_per_period = 2\nmax_per_period = 3"))
    text = replace_rule(text, "joint-meeting", the_rule(text, "joint-meeting").replace("period_years = 1",
                                                                                       "period_months = 6"))
    text = replace_rule(text, "work-meeting", the_rule(text, "work-meeting").replace(
        "period_years = 2\ncycle_anchor_year = 2023", "period_years = 3\ncycle_anchor_year = 2024"))
    return parse_district(text, file="other.toml")


def test_another_districts_plan_treated_as_held_meets_its_own_numbers(seed_text: str) -> None:
    district = second_district(seed_text)
    plans = {y: plan_year(district, y) for y in (2025, 2026)}
    meetings = [e for e in plans[2026].engagements if e.kind == EngagementKind.JOINT_MEETING and e.host == "health"]
    assert sorted(e.date.month <= 6 for e in meetings) == [False, True]  # one in each half
    works = [e for p in plans.values() for e in p.engagements if e.kind == EngagementKind.WORK_MEETING]
    assert [e.date.year for e in works] == [2025]  # the 2024–2026 cycle, entered midway on 2025-03-01
    for year in (2025, 2026):
        report = check(district, held(district, 2025, 2026), year)
        assert problems(report) == [], year
    visit = next(f for f in check(district, Records(), 2026).findings if f.rule == "leader-visit")
    assert "每年2至3次" in visit.message_zh and "1至2" not in visit.message_zh
    meeting = next(f for f in check(district, Records(), 2026).findings if f.rule == "joint-meeting")
    assert "每半年至少1次" in meeting.message_zh
    work = next(f for f in check(district, Records(), 2026).findings if f.rule == "work-meeting")
    assert work.period == (D(2025, 3, 1), D(2026, 12, 31)) and "每3年1次" in work.message_zh


# ---------------------------------------------------------------------------------- 7. readings as data
def test_the_per_pairing_reading_is_data_and_a_shortfall_under_it_alone_says_so(seed: District) -> None:
    [finding] = check(seed, without_visit(held(seed, 2026, 2027), ("health", "cpwdp"), 2027), 2027).problems()
    # 区卫生局 still visited 九三学社 that year: under the per-department reading it did enough
    assert finding.rests_on == ("scope",) and finding.severity == Severity.LOCAL
    assert "本区理解为对每个对口联系的民主党派、工商联每年各走访1至2次" in finding.message_zh


def zero_visits(records: Records, department: str, year: int) -> Records:
    return attrs.evolve(records, engagements=tuple(
        e for e in records.engagements if not (e.kind == EngagementKind.VISIT and e.host == department
                                               and e.date.year == year)))


@pytest.mark.parametrize("department", ["finance", "dev-reform", "health"])
def test_a_department_with_no_visit_owes_the_text_once_and_the_rest_by_the_district_reading(
        seed: District, department: str) -> None:
    # §3.6 "部门领导每年应安排1至2次走访对口联系的民主党派、工商联": read per department, the text asks
    # 1–2 visits of the department; the per-pairing shortfalls beyond that rest on the district's reading.
    report = check(seed, zero_visits(held(seed, 2026, 2027), department, 2027), 2027)
    found = [f for f in report.problems() if f.responsible == department]
    pairings = len(seed.counterparts_of(department, D(2027, 6, 1)).pairings)
    [text] = [f for f in found if f.severity == Severity.VIOLATION]
    assert text.subject == (department,) and text.basis == "text" and "即使按部门合计计算" in text.message_zh
    local = [f for f in found if f.severity == Severity.LOCAL]
    assert len(local) == pairings > 1 and {f.rests_on for f in local} == {("scope",)}
    assert all("本区理解为对每个对口联系的民主党派、工商联每年各走访1至2次" in f.message_zh for f in local)
    row = next(r for r in report.summary(seed) if r["id"] == department)
    assert (row.get("violation"), row.get("local")) == (1, pairings)


def test_a_department_that_visited_one_pairing_has_only_local_shortfalls(seed: District) -> None:
    records = held(seed, 2026, 2027)
    first = next(e for e in records.engagements if e.kind == EngagementKind.VISIT and e.host == "finance"
                 and e.date.year == 2027)
    report = check(seed, attrs.evolve(zero_visits(records, "finance", 2027),
                                      engagements=(*zero_visits(records, "finance", 2027).engagements, first)), 2027)
    found = [f for f in report.problems() if f.responsible == "finance"]
    assert len(found) == 7 and {f.severity for f in found} == {Severity.LOCAL}


def test_visits_count_for_the_hosting_department_only(seed: District) -> None:
    stray = HeldEngagement(kind=EngagementKind.VISIT, date=D(2027, 5, 1), host="finance",
                           attended=("finance", "health", "cpwdp"), id="v")
    report = check(seed, Records(engagements=(stray,)), 2027)
    [health] = [f for f in report.findings if f.rule == "leader-visit" and f.subject == ("health", "cpwdp")]
    assert health.counted == ()


# -------------------------------------------------------------------------------- 8. every rule does something
def test_briefings_and_special_appointments_are_recorded(seed: District) -> None:
    appointed = SpecialAppointment("health", "张三", "特约监察员", D(2027, 3, 1), "农工党")
    records = Records(special_appointments=(appointed,))
    [found] = [f for f in check(seed, records, 2027).findings if f.rule == "special-personnel"]
    assert found.status == FindingStatus.RECORDED and found.counted == ("special_appointments[0]",)
    assert any(f.rule == "briefing" for f in check(seed, Records(), 2027).findings)


def test_a_record_kind_of_the_districts_own_must_be_named(seed_text: str) -> None:
    """A record kind beyond the built-in sections is kept in [[activities]]; the rule names it."""
    with pytest.raises(DataError, match=r"label_zh"):
        parse_district(seed_text.replace('record_kind = "briefing"', 'record_kind = "press_release"'), file="d.toml")
    named = parse_district(seed_text.replace('record_kind = "briefing"',
                                             'record_kind = "press_release"\nlabel_zh = "新闻通气"'), file="d.toml")
    records = parse_records('[[activities]]\nkind = "press_release"\ndate = 2027-03-01\ndescription = "通气会"\n'
                            'by = "区卫生局"\n', named)
    [found] = [f for f in check(named, records, 2027).findings if f.rule == "briefing"]
    assert found.counted == ("activities[0]",) and "新闻通气" in found.message_zh and "区卫生局1项" in found.message_zh
    with pytest.raises(DataError, match=r"activities\[0\]\.kind"):
        parse_records('[[activities]]\nkind = "other"\ndate = 2027-03-01\ndescription = "x"\n', named)


# ----------------------------------------------------------------------------------- 9. no seed in the code
def _code_strings(path: Path) -> list[str]:
    """The string literals of a module that are not docstrings (f-string parts included)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_the_code_holds_no_provision_ids_rule_keys_or_organisation_ids_of_the_seed(seed: District) -> None:
    """Words of the code's own vocabulary (the parties, the kinds of body and engagement, the records
    sections) may coincide with the seed's ids; nothing else of the seed may be written in code: no
    provision id, rule key or organisation id as a string, no Chinese citation (第三（三）条) in a
    sentence — those come from the district's data."""
    from liaison.law.model import OrgKind, Party
    from liaison.law.records import SECTIONS
    from liaison.law.rules import RECORD_KINDS

    vocabulary = {*(k.value for k in OrgKind), *(p.value for p in Party), *(k.value for k in EngagementKind),
                  *RECORD_KINDS, *SECTIONS}
    ids = ({p.id for p in seed.provisions} | {r.key for p in seed.provisions for r in p.rules}
           | {o.id for o in seed.organisations}) - vocabulary
    citations = [p.citation_zh for p in seed.provisions if "（" in p.citation_zh]
    sources = [*(ROOT / "src").rglob("*.py"), *(ROOT / "plugins").glob("*/src/**/*.py")]
    assert len(sources) > 40 and citations
    found = []
    for path in sources:
        for text in _code_strings(path):
            found += [(path.name, text) for ident in ids if text == ident or (re.search(
                rf"(?<![\w-]){re.escape(ident)}(?![\w-])", text) and ident.startswith("§"))]
            found += [(path.name, text) for c in citations if c in text]
    assert found == []


# ----------------------------------------------------------------------------------------- 10. language
def test_english_output_is_english_and_chinese_output_chinese(seed: District) -> None:
    records = str(ROOT / "examples" / "records-2026.toml")
    result = CliRunner().invoke(cli, ["check", "--year", "2026", "--records", records, "--lang", "en", "--all"])
    assert result.exit_code == 0, result.output
    body = result.output.split("Per responsible body")[0]
    lines = [line for line in body.splitlines() if "§" in line]
    assert lines and not [line for line in lines if re.search(r"[\u4e00-\u9fff]", line.split("§", 1)[1][:40])]
    zh = CliRunner().invoke(cli, ["check", "--year", "2026", "--records", str(ROOT / "examples" / "records-2026.toml")])
    assert "违反" in zh.output and "violation" not in zh.output


# ----------------------------------------------------------------------------------------- 11. silence
def test_records_no_finding_counts_are_listed_with_the_reason(seed: District) -> None:
    early = HeldEngagement(kind=EngagementKind.VISIT, date=D(2021, 5, 1), host="health", attended=("health", "cpwdp"),
                           id="old")
    other_year = HeldEngagement(kind=EngagementKind.VISIT, date=D(2025, 5, 1), host="health",
                                attended=("health", "cpwdp"), id="y2025")
    report = check(seed, Records(engagements=(early, other_year)), 2027)
    reasons = {n.id: n.reason_zh for n in report.not_counted}
    assert "早于本区设定的《意见》施行日期" in reasons["old"] and "不在2027年" in reasons["y2025"]


def test_a_visit_to_an_organisation_not_paired_with_its_host_says_so(seed: District) -> None:
    stray = HeldEngagement(kind=EngagementKind.VISIT, date=D(2027, 5, 1), host="health", attended=("health", "rcck"),
                           id="h-rcck")
    taiwan = HeldEngagement(kind=EngagementKind.VISIT, date=D(2027, 5, 2), host="taiwan-affairs",
                            attended=("taiwan-affairs", "jiusan"), id="t")
    alone = HeldEngagement(kind=EngagementKind.VISIT, date=D(2027, 5, 3), host="health", attended=("health",),
                           id="alone")
    report = check(seed, Records(engagements=(stray, taiwan, alone)), 2027)
    zh = {n.id: n.reason_zh for n in report.not_counted}
    en = {n.id: n.reason_en for n in report.not_counted}
    assert "民革支部在2027-05-01不是区卫生局的对口联系单位" in zh["h-rcck"] and "没有规则" not in zh["h-rcck"]
    assert "九三学社综合支社在2027-05-02不是区台办的对口联系单位" in zh["t"] and "民革支部" in zh["t"]
    assert "not paired with" in en["t"] and not re.search(r"[\u4e00-\u9fff]", en["t"])
    assert "没有民主党派、工商联参加" in zh["alone"]
    unit = HeldEngagement(kind=EngagementKind.VISIT, date=D(2027, 5, 4), host="district-gov",
                          attended=("district-gov", "rcck"), id="gov")
    [gov] = check(seed, Records(engagements=(unit,)), 2027).not_counted
    assert gov.reason_zh == "没有规则计算由区人民政府主办的走访"


def scenarios(seed: District) -> list[Report]:
    everyone = tuple(o.id for o in seed.counterparts())
    records = Records(
        consultations=(ConsultationRecord(id="c1", subject="计划", sent=D(2027, 1, 5), sent_to=everyone,
                                          replies=tuple(Reply(o, D(2027, 1, 10)) for o in everyone)),
                       ConsultationRecord(id="c2", subject="规划", sent=D(2027, 3, 5), sent_to=everyone[:6]),
                       ConsultationRecord(id="c3", subject="报告", sent=D(2027, 12, 20), sent_to=everyone)),
        research_results=(ResearchResult(id="r1", title="调研一", submitted_by="cpwdp", department="health",
                                         received=D(2027, 3, 1), feedback=D(2027, 3, 20)),
                          ResearchResult(id="r2", title="调研二", submitted_by="cpwdp", department="health",
                                         received=D(2027, 3, 1), feedback=D(2027, 5, 20)),
                          ResearchResult(id="r3", title="调研三", submitted_by="cpwdp", department="health",
                                         received=D(2027, 3, 1)),
                          ResearchResult(id="r4", title="调研四", submitted_by="cpwdp", department="health",
                                         received=D(2027, 12, 20))))
    examples = ROOT / "examples" / "records-2026.toml"
    from liaison.formats.records import load_records_toml

    return [check(seed, load_records_toml(examples, seed), 2026),
            check(seed, held(seed, 2026, 2027), 2027), check(seed, Records(), 2027),
            check(seed, Records(), 2027, as_of=D(2027, 6, 30)),
            check(seed, zero_visits(held(seed, 2026, 2027), "finance", 2027), 2027),
            check(seed, records, 2027)]


def test_every_finding_that_rests_on_a_local_setting_says_so_in_both_languages(seed: District) -> None:
    findings = [f for report in scenarios(seed) for f in report.findings]
    local = [f for f in findings if f.basis == "local"]
    assert {f.provision for f in local} >= {"§1.1", "§1.3", "§3.1", "§3.6"}
    assert any(f.status == FindingStatus.MET for f in local)  # a met finding measured by a local setting too
    assert [f.message_zh for f in local if "本区" not in f.message_zh] == []
    assert [f.message_en for f in local if "district's own" not in f.message_en] == []


def test_a_year_before_the_regulation_says_so(seed: District) -> None:
    report = check(seed, Records(), 2021)
    assert report.findings == () and "尚未施行" in report.notes_zh[0] and "not in force" in report.notes_en[0]


def test_fail_on_makes_a_script_fail_when_there_are_violations() -> None:
    args = ["check", "--year", "2026", "--records", str(ROOT / "examples" / "records-2026.toml")]
    assert CliRunner().invoke(cli, args).exit_code == 0
    assert CliRunner().invoke(cli, [*args, "--fail-on", "violation"]).exit_code == 3


def test_record_only_duties_are_recorded_and_never_a_problem(seed: District) -> None:
    from liaison.law.records import JointResearch, Nomination, TownActivity

    records = Records(joint_research=(JointResearch("health", "基层医疗", D(2027, 5, 1), ("cpwdp",)),),
                      nominations=(Nomination("education", "李四", D(2027, 6, 1), "民进"),),
                      town_activities=(TownActivity("某镇", D(2027, 7, 1), "镇商会座谈", ("icf",)),))
    report = check(seed, records, 2027)
    found = {f.rule: f for f in report.findings if f.status == FindingStatus.RECORDED}
    assert found["joint-research"].counted == ("joint_research[0]",)
    assert found["cadre-nomination"].counted == ("nominations[0]",)
    assert found["town-activity"].counted == ("town_activities[0]",)
    assert {f.severity for f in found.values()} == {Severity.INFO}
    assert not report.not_counted


def test_the_0_1_path_of_report_document_still_answers_with_the_moved_warning() -> None:
    """``liaison.findings.report_document`` (0.1) went to liaison.formats.documents; a program that used it
    gets it from the 0.1 path for one more release, warned, not an AttributeError."""
    import importlib
    import sys

    from liaison.formats.documents import report_document

    sys.modules.pop("liaison.findings", None)
    with pytest.warns(DeprecationWarning, match=r"liaison\.formats\.documents"):
        old = importlib.import_module("liaison.findings")
    assert old.report_document is report_document
    assert old.Report is Report
