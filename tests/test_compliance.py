"""Compliance: findings per provision × pairing (or body) × period, from what was actually held."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from builders import amended
from click.testing import CliRunner

from liaison.base.errors import PlanningError
from liaison.law.compliance import FindingStatus, Severity, check
from liaison.law.district import District
from liaison.law.model import OrgKind
from liaison.law.records import (
    ConsultationRecord,
    DesignationRecord,
    DocumentRecord,
    HeldEngagement,
    Records,
    Reply,
    ResearchResult,
)
from liaison.law.rules import EngagementKind
from liaison.year.planner import plan_year
from liaison_cli.main import cli


def fully_designated(seed: District, records: Records) -> Records:
    return attrs.evolve(records, designations=tuple(
        DesignationRecord(d.id, "分管副局长", "办公室", "联络员") for d in seed.departments()))


@pytest.fixture(scope="module")
def plan_as_records(seed: District) -> Records:
    both = Records.from_plan(plan_year(seed, 2026)).engagements + Records.from_plan(plan_year(seed, 2027)).engagements
    return fully_designated(seed, Records(district_id=seed.info.id, engagements=both))


def test_a_plan_fed_back_as_records_meets_everything(seed: District, plan_as_records: Records) -> None:
    report = check(seed, plan_as_records, 2027)
    assert report.problems() == ()
    statuses = {f.status for f in report.findings}
    assert statuses <= {FindingStatus.MET, FindingStatus.RECORDED}
    assert sum(f.provision == "§3.3" for f in report.findings) == 14  # per department: the seed's reading
    assert sum(f.provision == "§3.6" for f in report.findings) == 33  # per pairing


def test_dropping_one_visit_gives_exactly_one_short_finding_citing_3_6(seed: District,
                                                                       plan_as_records: Records) -> None:
    dropped = next(e for e in plan_as_records.engagements
                   if e.kind == EngagementKind.VISIT and e.attended == ("family-planning", "cpwdp")
                   and e.date.year == 2027)
    records = plan_as_records.with_engagements(e for e in plan_as_records.engagements if e is not dropped)
    report = check(seed, records, 2027)
    [finding] = report.problems()
    assert finding.status == FindingStatus.SHORT and finding.provision == "§3.6"
    assert finding.subject == ("family-planning", "cpwdp") and finding.severity == Severity.VIOLATION
    assert finding.counted == ()
    assert "第三（六）条" in finding.message_zh
    assert "区计生局" in finding.message_zh and "农工党总支部" in finding.message_zh
    assert "§3.6" in finding.message_en
    assert finding.pairing_in_force == (dt.date(2022, 5, 22), None)


def test_a_departments_meeting_counts_when_it_met_its_paired_organisations(seed: District,
                                                                            plan_as_records: Records) -> None:
    meeting = next(e for e in plan_as_records.engagements
                   if e.kind == EngagementKind.JOINT_MEETING and e.host == "health" and e.date.year == 2027)
    without_jiusan = attrs.evolve(meeting, attended=("health", "cpwdp"))
    records = plan_as_records.with_engagements(without_jiusan if e is meeting else e
                                               for e in plan_as_records.engagements)
    assert check(seed, records, 2027).problems() == ()  # §3.3 per department: it met one of them
    alone = attrs.evolve(meeting, attended=("health",))
    records = plan_as_records.with_engagements(alone if e is meeting else e for e in plan_as_records.engagements)
    [finding] = check(seed, records, 2027).problems()
    assert (finding.provision, finding.subject, finding.responsible) == ("§3.3", ("health",), "health")


def test_a_third_visit_is_beyond_guidance(seed: District, plan_as_records: Records) -> None:
    extra = [HeldEngagement(kind=EngagementKind.VISIT, date=dt.date(2027, 11, d), host="health",
                            attended=("health", "cpwdp"), id=f"x{d}")
             for d in (2, 3)]
    records = plan_as_records.with_engagements((*plan_as_records.engagements, *extra))
    findings = [f for f in check(seed, records, 2027).findings if f.status == FindingStatus.BEYOND_GUIDANCE]
    assert [(f.provision, f.subject, len(f.counted)) for f in findings] == [("§3.6", ("health", "cpwdp"), 3)]
    assert findings[0].severity == Severity.INFO  # information: the text's “1至2次” is guidance


def test_a_missing_designation_is_reported_per_department(seed: District, plan_as_records: Records) -> None:
    records = attrs.evolve(plan_as_records, designations=tuple(
        d if d.organisation != "health" else attrs.evolve(d, liaison_officer=None)
        for d in plan_as_records.designations))
    [finding] = check(seed, records, 2027).problems()
    assert finding.status == FindingStatus.MISSING_DESIGNATION and finding.provision == "§3.1"
    assert finding.subject == ("health",) and "联络人员" in finding.message_zh


def test_the_seed_names_no_designations_so_every_paired_department_is_reported(seed: District) -> None:
    report = check(seed, Records(), 2027)
    missing = report.by_status(FindingStatus.MISSING_DESIGNATION)
    paired = {s.pairing.department for s in seed.pairing_spans(dt.date(2027, 1, 1), dt.date(2027, 12, 31))}
    assert paired and all(seed.organisation(d).kind == OrgKind.DEPARTMENT for d in paired)
    assert sorted(f.responsible or "" for f in missing) == sorted(paired)  # each once, and no one else
    assert all(f.subject == (f.responsible,) and "分管领导" in f.message_zh for f in missing)  # nothing named


def test_a_policy_document_not_copied_to_a_paired_branch_is_a_finding(seed: District) -> None:
    records = Records(documents=(
        DocumentRecord("区卫发〔2027〕3号", "health", dt.date(2027, 4, 1), ("cpwdp",), title="基层医疗实施方案"),
        DocumentRecord("区府办〔2027〕12号", "gov-office", dt.date(2027, 5, 1),
                       tuple(o.id for o in seed.counterparts())),
    ))
    report = check(seed, records, 2027)
    routed = [f for f in report.findings if f.provision == "§3.2"]
    assert [f.status for f in routed] == [FindingStatus.SHORT, FindingStatus.MET]
    assert routed[0].responsible == "health" and routed[0].affected == ("jiusan",)
    assert "九三学社综合支社" in routed[0].message_zh


def test_research_results_unanswered_after_the_due_period_are_overdue(seed: District) -> None:
    records = Records(research_results=(
        ResearchResult(id="r1", title="关于基层医疗的调研", submitted_by="cpwdp", department="health",
                       received=dt.date(2027, 3, 1)),
        ResearchResult(id="r2", title="关于养老服务的调研", submitted_by="rcck", department="civil-affairs",
                       received=dt.date(2027, 3, 1), feedback=dt.date(2027, 3, 20)),
        ResearchResult(id="r3", title="关于托育的调研", submitted_by="capd", department="education",
                       received=dt.date(2027, 12, 20)),
    ))
    by_id = {f.counted[0]: f for f in check(seed, records, 2027).findings if f.rule == "research-feedback"}
    assert by_id["r1"].status == FindingStatus.UNANSWERED and by_id["r1"].severity == Severity.LOCAL
    assert "未反馈" in by_id["r1"].message_zh and "2027-03-31" in by_id["r1"].message_zh
    assert by_id["r2"].status == FindingStatus.MET
    assert by_id["r3"].status == FindingStatus.OPEN  # due in January 2028


def test_consultations_need_all_eight_and_their_replies(seed: District) -> None:
    everyone = tuple(o.id for o in seed.counterparts())
    records = Records(consultations=(
        ConsultationRecord(id="c1", subject="2027年政府工作报告（征求意见稿）", sent=dt.date(2027, 1, 5),
                           sent_to=everyone,
                           replies=tuple(Reply(o, dt.date(2027, 1, 12)) for o in everyone)),
        ConsultationRecord(id="c2", subject="国民经济和社会发展计划", sent=dt.date(2027, 1, 5), sent_to=everyone[:7]),
        ConsultationRecord(id="c3", subject="重大建设项目", sent=dt.date(2027, 2, 1), sent_to=everyone,
                           replies=tuple(Reply(o, dt.date(2027, 2, 3)) for o in everyone[:6])),
    ))
    findings = [f for f in check(seed, records, 2027).findings if f.provision == "§1.1"]
    [not_asked] = [f for f in findings if f.status == FindingStatus.NOT_ALL_ASKED]  # 根据需要: not 未达要求
    assert not_asked.counted == ("c2",) and not_asked.affected == ("icf",) and not_asked.severity == Severity.INFO
    by_id = {f.counted[0]: f for f in findings if f.status != FindingStatus.NOT_ALL_ASKED}
    assert by_id["c1"].status == FindingStatus.MET
    assert by_id["c3"].status == FindingStatus.UNANSWERED
    assert by_id["c3"].severity == Severity.INFO  # §1.1 is "as needed": information, not a violation


def test_a_plenary_meeting_that_left_out_a_branch_is_a_violation(seed: District) -> None:
    records = Records(engagements=(
        HeldEngagement(kind=EngagementKind.PLENARY_MEETING, date=dt.date(2027, 3, 1), host="district-gov",
                       attended=("district-gov",), id="p1", invited=tuple(o.id for o in seed.counterparts())[1:]),))
    [finding] = [f for f in check(seed, records, 2027).findings if f.rule == "plenary-attendance"]
    assert finding.status == FindingStatus.SHORT and finding.severity == Severity.VIOLATION
    assert "民革支部" in finding.message_zh and "列席" in finding.message_zh


def test_an_unfinished_period_is_open_not_short(seed: District) -> None:
    report = check(seed, Records(), 2027, as_of=dt.date(2027, 6, 30))
    assert {f.status for f in report.findings if f.provision in ("§3.3", "§3.6", "§3.1")} >= {FindingStatus.OPEN}
    assert not [f for f in report.findings if f.provision in ("§3.3", "§3.6") and f.status == FindingStatus.SHORT]


def test_the_work_meeting_is_judged_over_its_two_year_period(seed: District) -> None:
    held = Records(engagements=(HeldEngagement(kind=EngagementKind.WORK_MEETING, date=dt.date(2027, 5, 1),
                                               host="district-gov",
                                               attended=("district-gov", *(o.id for o in seed.counterparts()))),))
    [in_2028] = [f for f in check(seed, held, 2028).findings if f.rule == "work-meeting"]
    assert in_2028.status == FindingStatus.MET and in_2028.period == (dt.date(2027, 1, 1), dt.date(2028, 12, 31))
    [in_2026] = [f for f in check(seed, held, 2026).findings if f.rule == "work-meeting"]
    assert in_2026.status == FindingStatus.SHORT  # 2025–2026 had none


def test_the_pairing_version_in_force_is_named() -> None:
    district = amended()
    report = check(district, Records(), 2027)
    env = [f for f in report.findings if f.provision == "§3.6" and f.subject[0] == "environment"]
    assert {(f.subject[1], f.period) for f in env} == {
        ("czgp", (dt.date(2027, 1, 1), dt.date(2027, 6, 30))), ("cdl", (dt.date(2027, 7, 1), dt.date(2027, 12, 31)))}


def test_summary_per_responsible_body(seed: District, plan_as_records: Records) -> None:
    rows = {r["id"]: r for r in check(seed, plan_as_records, 2027).summary(seed)}
    assert rows["health"]["met"] == 1 + 2 + 1  # its meeting, 2 visits, designations
    assert "icf" not in rows  # the ICF owes none of these


def test_check_refuses_years_it_cannot_count(seed: District) -> None:
    with pytest.raises(PlanningError):
        check(seed, Records(), 99999)
    result = CliRunner().invoke(cli, ["check", "--year", "9999", "--records",
                                      str(Path(__file__).parents[1] / "examples" / "records-2026.toml")])
    assert result.exit_code == 1 and "无法检查9999年" in result.stderr


def test_a_check_as_of_a_date_ignores_what_happened_later(seed: District) -> None:
    visit = HeldEngagement(kind=EngagementKind.VISIT, date=dt.date(2026, 9, 1), host="health",
                           attended=("health", "cpwdp"), id="v")
    early = check(seed, Records(engagements=(visit,)), 2026, as_of=dt.date(2026, 6, 30))
    late = check(seed, Records(engagements=(visit,)), 2026)
    pick = [f for f in early.findings if f.provision == "§3.6" and f.subject == ("health", "cpwdp")]
    assert pick[0].status == FindingStatus.OPEN and pick[0].counted == ()
    assert [f.status for f in late.findings if f.provision == "§3.6" and f.subject == ("health", "cpwdp")] == [
        FindingStatus.MET]
