"""The ledger as a clerk works it: export the 2026 台账, fill it in, `liaison check` it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from liaison_cli.main import cli
from xlsx_samples import SKIPPED_VISIT, Sheet, clerk_toml, fill_as_clerk, open_book, save

import liaison
from liaison.formats.records import parse_records
from liaison.host.plugins import load_records
from liaison.law.compliance import FindingStatus, check
from liaison.law.district import District
from liaison.year.engagements import Plan
from liaison_xlsx import read_ledger


def test_a_filled_ledger_shows_exactly_the_three_shortfalls(seed: District, plan_2026: Plan,
                                                             ledger_2026: bytes) -> None:
    """§3.6 (the visit not held), §3.2 (the document not copied to 九三学社综合支社) and §1.3 (the research
    result never answered); the 2025 work meeting meets §3.1 over 2025–2026 and the designations §3.1."""
    records = read_ledger(fill_as_clerk(ledger_2026), seed, "台账.xlsx")
    report = check(seed, records, 2026)
    problems = sorted((f.provision, f.status.value, f.responsible, f.affected) for f in report.problems())
    assert problems == [
        ("§1.3", "unanswered", "health", ("cpwdp",)),
        ("§3.2", "short", "health", ("jiusan",)),
        ("§3.6", "short", "education", ("capd",)),
    ]
    (answer,) = [f for f in report.problems() if f.provision == "§1.3"]
    assert answer.basis == "local"  # the deadline is the district's own setting, not the text's
    (material,) = [f for f in report.findings if f.rule == "department-materials"]
    assert (material.status, material.counted) == (FindingStatus.MET, ("区卫〔2026〕18号",))
    (chamber,) = [f for f in report.findings if f.rule == "chamber-support"]
    assert (chamber.status, chamber.counted) == (FindingStatus.RECORDED, ("activities[0]",))
    work_meeting = [f for f in report.findings if f.provision == "§3.1" and f.rule == "work-meeting"]
    assert [(f.status, f.counted) for f in work_meeting] == [(FindingStatus.MET, ("2025/work_meeting/district-gov",))]
    assert not report.by_status(FindingStatus.MISSING_DESIGNATION)


def test_the_same_records_as_toml_give_the_same_findings(seed: District, plan_2026: Plan, ledger_2026: bytes) -> None:
    from_ledger = read_ledger(fill_as_clerk(ledger_2026), seed, "台账.xlsx")
    from_toml = parse_records(clerk_toml(seed, plan_2026), seed, file="records.toml")
    assert from_ledger == from_toml
    assert check(seed, from_ledger, 2026) == check(seed, from_toml, 2026)


def test_planned_rows_not_marked_held_are_not_records(seed: District, plan_2026: Plan, ledger_2026: bytes) -> None:
    """The template as exported records nothing: a planned meeting is no evidence."""
    records = read_ledger(ledger_2026, seed, "台账.xlsx")
    assert records.engagements == () and records.designations == ()
    assert records.district_id == "seed"
    report = check(seed, records, 2026)
    assert {f.provision for f in report.problems()} >= {"§3.3", "§3.6"}


def test_the_actual_date_overrides_the_planned_one(seed: District, ledger_2026: bytes) -> None:
    book = open_book(ledger_2026)
    meetings = Sheet(book["会议走访"])
    row = next(r for r in meetings.rows() if meetings.get(r, "编号") == SKIPPED_VISIT)
    meetings.set(row, "是否召开", "是")
    meetings.set(row, "实际日期", "2026.11.3")
    records = read_ledger(save(book), seed, "台账.xlsx")
    (visit,) = records.engagements
    assert (visit.id, visit.date, visit.host, visit.attended) == (SKIPPED_VISIT, dt.date(2026, 11, 3), "education",
                                                                  ("education", "capd"))


def test_columns_are_found_by_header_not_position(seed: District, ledger_2026: bytes) -> None:
    """A clerk inserts a column of their own before 日期 and moves nothing else: the same records."""
    filled = fill_as_clerk(ledger_2026)
    book = open_book(filled)
    for name in ("会议走访", "文件抄送", "调研成果", "责任制"):
        book[name].insert_cols(2)
        book[name].cell(2, 2).value = "经办人"
    assert read_ledger(save(book), seed, "台账.xlsx") == read_ledger(filled, seed, "台账.xlsx")


def test_optional_columns_and_sheets_may_go(seed: District, ledger_2026: bytes) -> None:
    filled = fill_as_clerk(ledger_2026)
    book = open_book(filled)
    meetings = book["会议走访"]
    meetings.delete_cols(Sheet(meetings).columns["备注"])
    for name in ("后备干部", "镇街活动", "说明"):
        del book[name]
    assert read_ledger(save(book), seed, "台账.xlsx") == read_ledger(filled, seed, "台账.xlsx")


def test_clerk_spellings_read_as_the_toml_does(seed: District, ledger_2026: bytes) -> None:
    """Kinds in Chinese or English, organisations by id, full or short name or alias, several to a cell
    with any separator, dates as Excel dates or text; the host attends its own meeting."""
    book = open_book(ledger_2026)
    meetings = Sheet(book["会议走访"])
    rows = [
        {"日期": dt.datetime(2026, 3, 2), "类型": "工作例会", "主办单位": "卫生局", "参加单位": "农工党；jiusan",
         "是否召开": "是"},
        {"日期": "2026/3/3", "类型": "visit", "主办单位": "health", "参加单位": "中国农工民主党总支部",
         "是否召开": "√"},
        {"日期": "2026年3月4日", "类型": "会议", "主办单位": "区政府", "参加单位": "各民主党派、工商联",
         "是否召开": "是"},
        {"日期": "2026.3.5", "类型": "会议", "主办单位": "区教育局", "参加单位": "民盟支部,\n民进", "是否召开": True},
        {"日期": 46087, "类型": "走访", "主办单位": "区计生局", "参加单位": "农工党总支部", "是否召开": "yes"},
    ]
    for values in rows:
        meetings.append(values)
    records = read_ledger(save(book), seed, "台账.xlsx")
    everyone = tuple(o.id for o in seed.counterparts())
    assert [(e.kind.value, e.date, e.host, e.attended) for e in records.engagements] == [
        ("joint_meeting", dt.date(2026, 3, 2), "health", ("health", "cpwdp", "jiusan")),
        ("visit", dt.date(2026, 3, 3), "health", ("health", "cpwdp")),
        ("work_meeting", dt.date(2026, 3, 4), "district-gov", ("district-gov", *everyone)),
        ("joint_meeting", dt.date(2026, 3, 5), "education", ("education", "cdl", "capd")),
        ("visit", dt.date(2026, 3, 6), "family-planning", ("family-planning", "cpwdp")),
    ]


def test_consultation_replies_one_row_each(seed: District, ledger_2026: bytes) -> None:
    book = open_book(ledger_2026)
    sheet = Sheet(book["征求意见"])
    sheet.append({"编号": "征求〔2026〕1号", "事项": "2026年区政府工作报告（征求意见稿）", "发送日期": "2026-1-6",
                  "征求单位": "各民主党派、工商联", "答复期限": "2026-1-20", "答复单位": "民革支部",
                  "答复日期": "2026-1-12"})
    sheet.append({"编号": "征求〔2026〕1号", "答复单位": "民盟、民建", "答复日期": "2026-1-13"})
    records = read_ledger(save(book), seed, "台账.xlsx")
    (c,) = records.consultations
    assert (c.id, c.sent, c.due, c.sender) == ("征求〔2026〕1号", dt.date(2026, 1, 6), dt.date(2026, 1, 20),
                                              "gov-office")
    assert c.sent_to == tuple(o.id for o in seed.counterparts())
    assert [(r.organisation, r.date) for r in c.replies] == [
        ("rcck", dt.date(2026, 1, 12)), ("cdl", dt.date(2026, 1, 13)), ("cndca", dt.date(2026, 1, 13))]


def test_every_section_has_a_sheet_that_reads_back(seed: District, ledger_2026: bytes) -> None:
    book = open_book(ledger_2026)
    Sheet(book["通报政情"]).append({"部门": "区卫生局", "日期": "2026-5-6", "通报内容": "2026年卫生健康重点工作",
                                    "参加单位": "农工党、九三学社"})
    Sheet(book["特约人员"]).append({"部门": "区卫生局", "姓名": "王某", "职务": "特约监督员", "党派": "农工党",
                                    "聘任日期": "2026-3-1"})
    Sheet(book["联合调研"]).append({"部门": "区卫生局", "课题": "家庭医生签约服务质量", "日期": "2026-8-20",
                                    "参加单位": "农工党总支部、九三学社综合支社"})
    Sheet(book["后备干部"]).append({"部门": "区教育局", "姓名": "民进会员 林某", "党派": "民进", "日期": "2026-9-1"})
    Sheet(book["镇街活动"]).append({"镇街": "城关镇", "日期": "2026-4-16", "活动内容": "向各民主党派通报镇年度重点工作",
                                    "参加单位": "民建总支部、区工商联"})
    Sheet(book["其他联系工作"]).append({"类型": "共同开展的活动", "日期": "2026-5-20",
                                        "内容": "与民盟支部联合举办教育开放日", "单位": "区教育局",
                                        "参加单位": "民盟支部"})
    records = read_ledger(save(book), seed, "台账.xlsx")
    assert [b.with_organisations for b in records.briefings] == [("cpwdp", "jiusan")]
    assert [(a.person, a.role, a.party) for a in records.special_appointments] == [("王某", "特约监督员", "农工党")]
    assert [j.with_organisations for j in records.joint_research] == [("cpwdp", "jiusan")]
    assert [(n.department, n.date) for n in records.nominations] == [("education", dt.date(2026, 9, 1))]
    assert [(t.town, t.with_organisations) for t in records.town_activities] == [("城关镇", ("cndca", "icf"))]
    assert [(a.kind, a.by, a.with_organisations) for a in records.activities] == [("joint_activity", "education",
                                                                                   ("cdl",))]


def test_liaison_check_reads_a_ledger(seed: District, ledger_2026: bytes, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(fill_as_clerk(ledger_2026))
    assert load_records(path, seed) == liaison.load_records(path, seed)
    result = CliRunner().invoke(cli, ["check", "--year", "2026", "--records", str(path), "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    short = sorted((f["provision"], f["status"]) for f in found["findings"]
                   if f["status"] in ("short", "unanswered", "late", "missing_designation"))
    assert short == [("§1.3", "unanswered"), ("§3.2", "short"), ("§3.6", "short")]


def test_a_reason_and_a_phone_read_back_as_the_toml_fields(seed: District, ledger_2026: bytes) -> None:
    """What a TOML records file can say, the ledger can too: why not everyone was invited (an
    engagement's reason) and the liaison officer's phone (a designation's)."""
    book = open_book(ledger_2026)
    meetings = Sheet(book["会议走访"])
    row = next(iter(meetings.rows()))
    meetings.set(row, "是否召开", "是")
    meetings.set(row, "未全部邀请的原因", "民进支部负责人出差")
    designations = Sheet(book["责任制"])
    first = next(iter(designations.rows()))
    designations.set(first, "联络人员", "张某")
    designations.set(first, "联系电话", "0571-8888 1234")
    records = read_ledger(save(book), seed, "台账.xlsx")
    assert [e.reason for e in records.engagements] == ["民进支部负责人出差"]
    assert [(d.liaison_officer, d.phone) for d in records.designations] == [("张某", "0571-8888 1234")]


def test_a_ledger_is_checked_once(seed: District, ledger_2026: bytes, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader checks as it reads (Records.checked, to name the cell of a problem); the host does
    not check again."""
    import liaison.law.records as module

    calls: list[str | None] = []
    real = module.check_consistency
    monkeypatch.setattr(module, "check_consistency", lambda r, d, f: (calls.append(f), real(r, d, f))[1])
    path = tmp_path / "台账.xlsx"
    path.write_bytes(fill_as_clerk(ledger_2026))
    assert load_records(path, seed).engagements
    assert calls == [str(path)]
