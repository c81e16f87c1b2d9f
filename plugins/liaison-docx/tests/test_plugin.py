"""The ``docx`` exporter end to end: registration, the letters for the seed district's 2027 plan (their
wording), the artifact paths, determinism, options and bad text.  Notices from duties are in
test_notices.py, numbers and change letters in test_numbering.py."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import attrs
import docx
import pytest
from docx_seed import PLENARY, make_plan, make_records
from liaison.base.errors import ExportError, OptionError
from liaison.host import plugins
from liaison.host.exporting import Artifact, Exporter, ExportRequest, safe_name
from liaison.law.district import District
from liaison.law.model import Designations, Pairing
from liaison.law.records import Records
from liaison.law.rules import EngagementKind
from liaison.law.workdays import ChineseCalendar, with_notices
from liaison.year.engagements import KnownEvent, Plan, Status
from notice_samples import holiday_notice

from liaison_docx import FontSet, Letter, Paragraph, Table
from liaison_docx.geometry import unbroken
from liaison_docx.letters import Draft, default_notice_date, series
from liaison_docx.plugin import DOCX, OPTIONS, drafts, export

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def text_of(letter: Letter) -> str:
    parts = [letter.title, letter.recipients]
    for block in letter.body:
        if isinstance(block, Table):
            parts += ["|".join(block.header), *("|".join(row) for row in block.rows)]
        else:
            parts.append(block.text)
    return "\n".join(parts)


def of_kind(found: tuple[Draft, ...], kind: str) -> list[Draft]:
    return [d for d in found if d.kind == kind]


@pytest.fixture(scope="module")
def letters(seed_request: ExportRequest) -> tuple[Draft, ...]:
    return drafts(seed_request)


@pytest.fixture(scope="module")
def artifacts(seed_request: ExportRequest) -> list[Artifact]:
    return list(export(seed_request))


def request(district: District, plan: Plan, options: dict[str, Any] | None = None,
            records: Records | None = None) -> ExportRequest:
    """A request as the host makes it: the options checked against the exporter's declaration."""
    return Exporter("docx", "letters", export, options=OPTIONS).request(district, plan, options, records)


# -- registration -------------------------------------------------------------------------------------

def test_entry_point_registers_the_docx_exporter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_PLUGINS", "docx")
    plugins.reset()
    found = plugins.exporters()
    assert "docx" in found
    assert found["docx"].plugin == "docx"
    assert "GB/T 9704-2012" in found["docx"].description
    described = {p["name"]: p for p in plugins.describe()}
    (listed,) = described["docx"]["exporters"]
    assert listed["name"] == "docx"
    assert {o["name"] for o in listed["options"]} == {"kinds", "fonts", "date", "number_prefix", "first_number",
                                                       "issuer", "signature", "preview", "pdf"}  # signature: refused


# -- 通知 -------------------------------------------------------------------------------------------------

def test_one_notice_per_department_with_numbers_in_directory_order(
        letters: tuple[Draft, ...], seed: District) -> None:
    notices = of_kind(letters, "notice")
    departments = [d for d in seed.departments() if seed.counterparts_of(d, dt.date(2027, 1, 1)).pairings]
    assert [n.recipient for n in notices] == [d.id for d in departments]
    assert len(notices) == 14
    assert [n.letter.doc_number for n in notices] == [f"区府办〔2027〕{i}号" for i in range(1, 15)]
    for n, dept in zip(notices, departments, strict=True):
        letter = n.letter
        assert letter.kind == "document"
        assert letter.issuing_authority_mark == "××区人民政府办公室文件"
        assert letter.signature == letter.printer == "××区人民政府办公室"
        assert letter.date == letter.print_date == dt.date(2027, 1, 5)  # a Tuesday
        assert letter.recipients == dept.name
        assert letter.title.replace("\n", "") == f"关于做好2027年{dept.name}与民主党派、工商联对口联系工作的通知"
        assert text_of(letter).endswith("特此通知。")


def test_notice_names_the_counterparts_and_copies_them(letters: tuple[Draft, ...], seed: District) -> None:
    for n in of_kind(letters, "notice"):
        counterparts = seed.counterparts_of(n.recipient, dt.date(2027, 1, 1))
        names = tuple(o.name for o in counterparts.others)
        assert n.letter.cc == names
        text = text_of(n.letter)
        section_one = text.split("对口联系单位", 1)[1].split("年度安排", 1)[0]
        for clause in counterparts.provisions:
            assert seed.provision(clause).cite_zh() in section_one  # 第二（二）条“其他对口联系单位”
        assert "、".join(names) in section_one
        copy = next(b.text for b in n.letter.body if isinstance(b, Paragraph) and "第三（二）条" in b.text)
        assert copy.endswith("应抄送" + seed.names_of(o.id for o in counterparts.others) + "。")
    dev_reform = next(n for n in of_kind(letters, "notice") if n.recipient == "dev-reform")
    assert "你单位为各民主党派、工商联的共同联系单位" in text_of(dev_reform.letter)
    assert "应抄送各民主党派、工商联。" in text_of(dev_reform.letter)


def test_notice_table_rows_are_the_departments_engagements(
        letters: tuple[Draft, ...], seed_plan: Plan) -> None:
    for n in of_kind(letters, "notice"):
        own = [e for e in seed_plan.engagements if n.recipient in e.participants]
        tables = [b for b in n.letter.body if isinstance(b, Table)]
        assert len(tables) == 1
        table = tables[0]
        assert table.header == ("日期", "时间", "事项", "参加单位", "依据")
        assert len(table.rows) == len(own) > 0
        for row, e in zip(table.rows, own, strict=True):
            day = f"{e.date.month}月{e.date.day}日"  # the table is the year's
            assert row[0] == day + ("\n（暂定）" if e.provisional else "")
            assert e.start is not None and e.end is not None
            assert row[1] == f"{e.start.hour}:{e.start.minute:02d}—{e.end.hour}:{e.end.minute:02d}"
            assert row[4] == {"§3.3": "第三（三）条", "§3.6": "第三（六）条"}[e.provisions[0]]


@pytest.mark.parametrize("allow_breaks", [False, True])
def test_a_provisional_notice_says_what_was_avoided(seed: District, allow_breaks: bool) -> None:
    from liaison.law.workdays import default_calendar, provisional_note
    from liaison.year.engagements import PlanOptions
    from liaison.year.planner import plan_year

    year = next(y for y in range(2027, 2100) if not default_calendar().is_published(y))
    plan = plan_year(seed, year, PlanOptions(allow_customary_breaks=allow_breaks))
    assert plan.provisional
    note = provisional_note(year, breaks_avoided=not allow_breaks)
    from liaison_docx.letters.notice import notices

    found = notices(seed, plan)
    assert found and all(note in text_of(n.letter) for n in found)


def test_notice_marks_pairings_that_change_during_the_year(seed: District) -> None:
    pairings = tuple(attrs.evolve(p, valid_until=dt.date(2027, 7, 1)) if p.key == ("health", "jiusan") else p
                     for p in seed.pairings)
    pairings += (Pairing(department="health", counterpart="cdl", clause="§2.2", valid_from=dt.date(2027, 7, 1)),)
    district = attrs.evolve(seed, pairings=pairings)
    found = drafts(request(district, make_plan(district), {"kinds": ["notice"]}))
    notice = next(d for d in found if d.recipient == "health").letter
    text = text_of(notice)
    assert "九三学社综合支社（至2027年6月30日止）" in text
    assert "民盟支部（自2027年7月1日起）" in text
    assert set(notice.cc) == {"民盟支部", "农工党总支部", "九三学社综合支社"}  # everyone paired during the year
    assert ("应按对口联系单位的调整抄送：2027年1月1日起抄送农工党总支部、九三学社综合支社；"
            "2027年7月1日起抄送民盟支部、农工党总支部") in text


def test_default_notice_date_is_the_first_weekday_from_5_january() -> None:
    assert default_notice_date(2027) == dt.date(2027, 1, 5)  # Tuesday
    assert default_notice_date(2030) == dt.date(2030, 1, 7)  # 5 January 2030 is a Saturday
    assert default_notice_date(2031) == dt.date(2031, 1, 6)  # Sunday → Monday


def test_series_is_the_bodys_doc_prefix(seed: District) -> None:
    assert series(seed.general_office()) == "区府办"
    assert series(seed.organisation("health")) == "区卫"
    office = attrs.evolve(seed.general_office(), doc_prefix=None)
    assert series(office) == "区府办"  # its alias ending in 办
    assert series(attrs.evolve(office, aliases=())) == "区政府办公室"


# -- 邀请函 ------------------------------------------------------------------------------------------------

def test_invitations_for_every_inviting_engagement(letters: tuple[Draft, ...], seed: District,
                                                    seed_plan: Plan) -> None:
    invitations = of_kind(letters, "invitation")
    counterparts = [o.id for o in seed.counterparts()]
    by_engagement: dict[str, list[Draft]] = {}
    for d in invitations:
        by_engagement.setdefault(d.subject, []).append(d)
    expected = [e for e in seed_plan.engagements if e.kind != EngagementKind.VISIT]
    assert list(by_engagement) == [e.id for e in expected]
    for e in expected:
        found = by_engagement[e.id]
        assert [d.recipient for d in found] == [p for p in e.participants if p in counterparts]
        for d in found:
            letter = d.letter
            assert letter.kind == "letter"
            assert letter.date == e.date - dt.timedelta(days=14)
            assert letter.recipients == seed.organisation(d.recipient).name
            issuer = "××区人民政府办公室" if e.host == "district-gov" else seed.full_name(e.host)
            assert letter.issuing_authority_mark == letter.signature == issuer
            assert seed.provision(e.provisions[0]).cite_zh().split("“")[0] in text_of(letter)
            assert text_of(letter).endswith("特此函邀。")
    work = [d for d in invitations if "/work_meeting/" in d.subject]
    assert [d.recipient for d in work] == counterparts and len(work) == 8
    assert work[0].letter.title == "关于邀请出席区人民政府与各民主党派、工商联联系工作会议的函"
    assert ("根据《推进市区各民主党派联络意见》第三（一）条“建立联系责任制”的规定，特邀请贵单位负责人出席。"
            in text_of(work[0].letter))
    plenary = [d for d in invitations if "/plenary_meeting/" in d.subject]
    assert len(plenary) == 8
    assert plenary[0].letter.title == "关于邀请列席区政府第一次全体会议的函"
    body = text_of(plenary[0].letter)
    assert "定于2027年3月5日（星期五）9:00—11:30在区政府第一会议室召开区政府第一次全体会议" in body
    # the article by its heading, not the rule's sentence (a short 函 keeps to page 1: docs/letters.md)
    assert "根据《推进市区各民主党派联络意见》第一（二）条“列席与座谈”的规定，" in body
    assert "区政府召开全体成员会议" not in body
    assert "特邀请贵单位负责人列席。" in body
    joint = [d for d in invitations if "/joint_meeting/" in d.subject]
    assert sum(len(e.participants) - 1 for e in seed_plan.engagements
               if e.kind == EngagementKind.JOINT_MEETING) == len(joint)
    assert "拟于" in text_of(joint[0].letter)  # proposed: the date is agreed by both sides (§3.3)
    assert "如需调整请与我局联系" in text_of(next(d for d in joint if d.subject.endswith("/health")).letter)


def test_invitation_cites_its_article_by_the_heading_not_the_rules_sentence(seed: District, seed_plan: Plan) -> None:
    prov = seed.provision("§3.3")
    rule = attrs.evolve(prov.rules[0], sentence_zh="每年至少召开一次工作例会或联席会议")
    district = attrs.evolve(seed, provisions=tuple(attrs.evolve(p, rules=(rule,)) if p.id == "§3.3" else p
                                                   for p in seed.provisions))
    found = drafts(request(district, seed_plan, {"kinds": "invitation"}))
    joint = next(d for d in found if d.subject == "2027/joint_meeting/health")
    assert "第三（三）条“会议协商制度”的规定，特邀请贵单位负责人出席。" in text_of(joint.letter)
    assert "每年至少召开" not in text_of(joint.letter)


def test_invitation_roles_and_kinds(seed: District) -> None:
    events = (PLENARY,
              KnownEvent(kind=EngagementKind.SYMPOSIUM, date=dt.date(2027, 9, 8), title_zh="“十五五”规划编制座谈会",
                         start=dt.time(14, 30),
                         end=dt.time(16, 30)),
              KnownEvent(kind=EngagementKind.MAJOR_EVENT, date=dt.date(2027, 9, 28),
                         title_zh="庆祝中华人民共和国成立78周年招待会"),
              KnownEvent(kind=EngagementKind.INSPECTION, date=dt.date(2027, 10, 20), title_zh="廉政建设检查工作",
                         start=dt.time(9, 0)))
    found = drafts(request(seed, make_plan(seed, *events), {"kinds": ["invitation"]}))
    titles = {d.letter.title for d in found if d.recipient == "icf"}
    assert "关于邀请出席“十五五”规划编制座谈会的函" in titles
    assert "关于邀请参加庆祝中华人民共和国成立78周年招待会的函" in titles
    assert "关于邀请参加廉政建设检查工作的函" in titles
    inspection = next(d for d in found if d.letter.title == "关于邀请参加廉政建设检查工作的函")
    assert "第一（四）条“" in text_of(inspection.letter) and "特邀请贵单位负责人参加。" in text_of(inspection.letter)
    assert "开展廉政建设检查工作" in text_of(inspection.letter)
    assert "全天" in text_of(next(d for d in found if "招待会" in d.letter.title).letter)
    symposium = text_of(next(d for d in found if "座谈会" in d.letter.title).letter)
    assert "14:30—16:30" in symposium and "下午" not in symposium  # the notice table's 24-hour clock, one style
    across = KnownEvent(kind=EngagementKind.SYMPOSIUM, date=dt.date(2027, 9, 9), title_zh="座谈会", start=dt.time(9, 0),
                        end=dt.time(13, 0))
    found = drafts(ExportRequest(district=seed, plan=make_plan(seed, across), options={"kinds": ["invitation"]}))
    assert "9:00—13:00" in text_of(next(d for d in found if d.letter.title == "关于邀请出席座谈会的函").letter)


def test_invitations_point_to_the_reply_slip_which_alone_gives_the_reply_date(letters: tuple[Draft, ...]) -> None:
    for d in of_kind(letters, "invitation"):
        (slip,) = d.letter.attachments
        assert slip.name == "回执"
        table, note = slip.body
        assert isinstance(table, Table) and isinstance(note, Paragraph)
        assert table.header[0] == "单位" and table.header[2:] == ("职务", "联系电话", "备注")
        assert table.rows[0][0] == d.letter.recipients and table.row_lines == 2
        reply_by = d.engagement_date - dt.timedelta(days=7) if d.engagement_date else None
        assert reply_by is not None
        said = f"{reply_by.year}年{reply_by.month}月{reply_by.day}日"
        assert note.text == f"请于{said}前反馈{d.letter.signature}。"
        assert said not in text_of(d.letter)  # the body points to the 回执 instead of repeating its date
        assert text_of(d.letter).count("请填写回执（见附件）并按所列时间反馈。") == 1
        assert "（暂定）" not in text_of(d.letter)  # a provisional date is said so once, in the notes


def test_contact_line_needs_an_officer_and_a_telephone(seed: District, seed_plan: Plan) -> None:
    def with_designations(**given: str) -> District:
        orgs = tuple(attrs.evolve(o, designations=Designations(**given)) if o.id == "health" else o
                     for o in seed.organisations)
        return attrs.evolve(seed, organisations=orgs)

    def joint(district: District) -> str:
        found = drafts(request(district, seed_plan, {"kinds": "invitation"}))
        return text_of(next(d for d in found if d.subject == "2027/joint_meeting/health").letter)

    assert "联系人" not in joint(seed)  # the seed names nobody: no contact line
    assert "联系人" not in joint(with_designations(liaison_office="办公室", liaison_officer="李明"))  # no number
    text = joint(with_designations(liaison_office="办公室", liaison_officer="李明", phone="0592-1234567"))
    # the writer's own office needs no body name; one line when it fits one
    assert "\n联系人：办公室　李明，联系电话：0592-1234567\n" in text.replace("\u2060", "")
    assert f"联系电{unbroken('话：0592-1234567')}" in text  # the number whole and with its colon
    assert text.index("联系人") < text.index("特此函邀")
    text = joint(with_designations(liaison_office="党政综合办公室秘书科", liaison_officer="李明", phone="0592-1234567"))
    assert "\n联系人：党政综合办公室秘书科　李明\n联系电话：0592-1234567\n" in text.replace("\u2060", "")  # two lines


def test_titles_come_as_units_that_join_to_the_title(letters: tuple[Draft, ...], seed: District) -> None:
    """No unit boundary (a possible line break) falls inside a name an organisation goes by, or
    inside a number with its unit."""
    names = {n for o in seed.organisations for n in (o.name, o.short_name, *o.aliases)}
    for d in letters:
        title, units = d.letter.title, d.letter.title_units
        assert "".join(units) == d.letter.title_text == title
        bounds = {sum(len(u) for u in units[:k]) for k in range(1, len(units))}
        spans = [(m.start(), m.end()) for name in names for m in re.finditer(re.escape(name), title)]
        spans += [(m.start(), m.end()) for m in re.finditer(r"[0-9]+(?:年|周年|月|日)?", title)]
        for start, end in spans:
            assert not any(start < b < end for b in bounds), (title, units, title[start:end])


def test_cancelled_engagements_get_no_letters(seed: District, seed_plan: Plan) -> None:
    target = next(e for e in seed_plan.engagements if e.kind == EngagementKind.JOINT_MEETING)
    plan = attrs.evolve(seed_plan, engagements=tuple(
        attrs.evolve(e, status=Status.CANCELLED) if e.id == target.id else e for e in seed_plan.engagements))
    found = drafts(request(seed, plan, {"kinds": "invitation,notice"}))
    assert not [d for d in found if d.subject == target.id]
    notice = next(d for d in found if d.kind == "notice" and d.recipient == target.host)
    table = next(b for b in notice.letter.body if isinstance(b, Table))
    assert not any(row[2] == "联席会议" for row in table.rows)


# -- 征求意见函 and 反馈函 -------------------------------------------------------------------------------------

def test_consultation_letters_to_every_recipient(letters: tuple[Draft, ...], seed: District) -> None:
    found = of_kind(letters, "consultation")
    assert [d.recipient for d in found] == [o.id for o in seed.counterparts()]
    for d in found:
        letter = d.letter
        assert letter.title == "关于征求《2028年区政府工作报告》意见的函"  # the stage goes with the 附件
        assert letter.date == dt.date(2027, 11, 2)
        assert letter.issuing_authority_mark == letter.signature == "××区人民政府办公室"
        assert [(a.name, a.body) for a in letter.attachments] == [("《2028年区政府工作报告》（征求意见稿）", ())]
        text = text_of(letter)
        assert "第一（一）条关于“根据需要，征求各民主党派、工商联意见”的规定" in text
        assert "现将《2028年区政府工作报告》（征求意见稿）送上" in text
        # the 15 days are the district's setting: the date is stated, never as the regulation's
        assert "请于2027年11月17日前书面反馈××区人民政府办公室" in text
        assert "15日" not in text and "期限" not in text
        assert text.endswith("特此函告。")


def test_consultation_due_date_from_the_record_wins(seed: District, seed_plan: Plan) -> None:
    records = make_records(seed)
    records = attrs.evolve(records, consultations=(attrs.evolve(records.consultations[0], due=dt.date(2027, 11, 30),
                                                                sent_to=("icf",)),))
    found = drafts(request(seed, seed_plan, {"kinds": "consultation"}, records))
    assert len(found) == 1 and "请于2027年11月30日前" in text_of(found[0].letter)


def test_consultation_without_a_response_rule_has_no_basis(seed: District, seed_plan: Plan) -> None:
    """No fixed provision stands in for a rule the data does not have."""
    provisions = tuple(attrs.evolve(p, rules=tuple(r for r in p.rules if r.key != "consultation-reply"))
                       for p in seed.provisions)
    district = attrs.evolve(seed, provisions=provisions)
    found = drafts(request(district, seed_plan, {"kinds": "consultation"}, make_records(seed)))
    text = text_of(found[0].letter)
    assert "根据" not in text and "第一（一）条" not in text
    assert "如有意见建议，请及时书面反馈××区人民政府办公室。" in text


def test_one_feedback_letter_per_answered_result(letters: tuple[Draft, ...]) -> None:
    found = of_kind(letters, "feedback")
    assert len(found) == 1
    letter = found[0].letter
    assert found[0].recipient == "icf"
    assert letter.issuing_authority_mark == letter.signature == "××区经贸科技局"
    assert letter.recipients == "区工商联"
    assert letter.date == dt.date(2027, 5, 6)
    assert letter.title == "关于优化营商环境的调研报告反馈意见的函"  # no 书名号, no second 关于
    text = text_of(letter)
    assert "2027年4月8日报送的《关于优化营商环境的调研报告》收悉" in text
    assert "第一（三）条关于“对于各民主党派、工商联就有关专题形成的调研成果，要认真研究并反馈情况”的规定" in text
    assert "我局组织有关科室对调研成果进行了认真研究" in text  # the standard sentence stands in for an empty summary
    assert "30日" not in text  # the district's deadline is not the regulation's
    assert text.endswith("特此函复。")


def test_feedback_summary_paragraphs(seed: District, seed_plan: Plan) -> None:
    records = make_records(seed)
    summary = "一是已纳入年度计划。\n二是将会同有关部门落实。"
    answered = attrs.evolve(records.research_results[0], feedback_summary=summary)
    found = drafts(request(seed, seed_plan, {"kinds": ["feedback"]},
                           attrs.evolve(records, research_results=(answered,))))
    texts = [b.text for b in found[0].letter.body if isinstance(b, Paragraph)]
    assert "一是已纳入年度计划。" in texts
    assert "二是将会同有关部门落实。感谢贵单位对我局工作的关心和支持。" in texts


@pytest.mark.parametrize("known", [False, True])
def test_the_holiday_sentence_says_what_the_export_knows(seed: District, seed_plan: Plan, known: bool) -> None:
    """True at issue (#24): a plan made before the 2027 notice (its dates flagged provisional),
    exported once the notice is known, writes invitations that no longer say it is unpublished."""
    assert all(e.provisional for e in seed_plan.engagements)  # planned without the notice
    calendar = with_notices(ChineseCalendar(), [holiday_notice(2027)]) if known else ChineseCalendar()
    asked = attrs.evolve(request(seed, seed_plan, {"kinds": ["invitation"]}), calendar=calendar)
    said = [text_of(d.letter) for d in drafts(asked) if d.kind == "invitation"]
    assert said
    assert all(("2027年节假日安排尚未公布" in t) != known for t in said)


@pytest.mark.parametrize(("summary", "said"), [
    ("已研究，部分采纳", "已研究，部分采纳。"),  # the ledger's words without a stop (#24)
    ("已研究，部分采纳，", "已研究，部分采纳。"),
    ("已研究.", "已研究。"),
    ("已采纳！", "已采纳！"),
    ("来信称“已研究。”", "来信称“已研究。”"),
    ("部分采纳（见附件）", "部分采纳（见附件）。"),
])
def test_quoted_feedback_ends_as_a_sentence(seed: District, seed_plan: Plan, summary: str, said: str) -> None:
    records = make_records(seed)
    answered = attrs.evolve(records.research_results[0], feedback_summary=summary)
    found = drafts(request(seed, seed_plan, {"kinds": ["feedback"]},
                           attrs.evolve(records, research_results=(answered,))))
    texts = [b.text for b in found[0].letter.body if isinstance(b, Paragraph)]
    assert said + "感谢贵单位对我局工作的关心和支持。" in texts


def test_no_records_no_consultation_or_feedback_letters(seed: District, seed_plan: Plan) -> None:
    found = drafts(request(seed, seed_plan, {}))
    assert {d.kind for d in found} == {"notice", "invitation"}


# -- artifacts ---------------------------------------------------------------------------------------------

def test_artifacts_paths_unique_safe_and_typed(artifacts: list[Artifact], letters: tuple[Draft, ...]) -> None:
    assert len(artifacts) == len(letters)
    paths = [a.path for a in artifacts]
    assert len(set(paths)) == len(paths)
    for a, d in zip(artifacts, letters, strict=True):
        assert a.media_type == DOCX == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        assert all(part == safe_name(part) for part in a.path.split("/"))
        assert a.path.endswith(".docx")
        assert a.policy == "archive"  # a letter once sent is kept when its text changes
        assert a.letter is not None and a.letter == d.record and a.letter.path == a.path
        assert a.letter.doc_number == d.letter.doc_number and a.letter.date == d.letter.date
    folders = {p.split("/")[0] for p in paths}
    assert folders == {"通知", "邀请函", "征求意见函", "反馈函"}  # no 变更函 before anything changed
    assert paths[0] == "通知/01-dev-reform.docx"
    assert "邀请函/2027-03-05-plenary_meeting-district-gov-rcck.docx" in paths
    assert "征求意见函/2027-11-02-gwbg-2028-icf.docx" in paths
    assert "反馈函/2027-05-06-yshj-2027.docx" in paths


def test_colliding_names_get_a_suffix(seed: District, seed_plan: Plan) -> None:
    records = make_records(seed)
    twin = attrs.evolve(records.consultations[0], id="gwbg/2028")
    clash = attrs.evolve(records.consultations[0], id="gwbg_2028")
    artifacts = export(request(seed, seed_plan, {"kinds": "consultation"},
                               attrs.evolve(records, consultations=(twin, clash))))
    paths = [a.path for a in artifacts]
    assert len(paths) == 16 == len(set(paths))
    assert "征求意见函/2027-11-02-gwbg_2028-icf-2.docx" in paths


def test_byte_identical_across_exports(seed: District, artifacts: list[Artifact]) -> None:
    again = export(request(seed, make_plan(seed), {}, make_records(seed)))
    assert [(a.path, a.data) for a in again] == [(a.path, a.data) for a in artifacts]


def test_every_artifact_is_a_word_file(artifacts: list[Artifact], letters: tuple[Draft, ...]) -> None:
    for artifact, draft in zip(artifacts, letters, strict=True):
        document = docx.Document(io.BytesIO(artifact.data))
        text = "\n".join(p.text for p in document.paragraphs)
        assert draft.letter.title_text in text.replace("\n", "")
        assert document.sections[0].page_width is not None
    notice = zipfile.ZipFile(io.BytesIO(artifacts[0].data)).read("word/document.xml").decode()
    table = notice.split("<w:tbl>", 1)[1].split("</w:tbl>", 1)[0]
    rows = len(re.findall("<w:tr>", table))
    assert rows == 1 + len(next(b for b in letters[0].letter.body if isinstance(b, Table)).rows)


def test_table_columns_keep_dates_and_citations_whole(artifacts: list[Artifact]) -> None:
    from liaison_docx.geometry import CELL_PAD, SMALL_CHAR, TEXT_WIDTH, cell_width

    xml = zipfile.ZipFile(io.BytesIO(artifacts[0].data)).read("word/document.xml").decode()
    grid = xml.split("<w:tbl>", 1)[1].split("</w:tblGrid>")[0]
    widths = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"/>', grid)]
    assert sum(widths) == TEXT_WIDTH
    assert widths[0] >= cell_width("12月31日") * SMALL_CHAR + CELL_PAD - SMALL_CHAR // 2
    assert widths[1] >= int(cell_width("14:30—16:30") * SMALL_CHAR) + CELL_PAD  # 9:00—11:00 on one line
    assert widths[4] >= cell_width("第三（六）条") * SMALL_CHAR + CELL_PAD


# -- options -------------------------------------------------------------------------------------------

def test_options(seed: District, seed_plan: Plan, seed_records: Records) -> None:
    options = {"kinds": ["notice"], "date": "2027-01-08", "number_prefix": "区府办发", "first_number": 7}
    found = drafts(request(seed, seed_plan, options, seed_records))
    assert {d.kind for d in found} == {"notice"}
    assert found[0].letter.doc_number == "区府办发〔2027〕7号"
    assert found[1].letter.doc_number == "区府办发〔2027〕8号"
    assert found[0].letter.date == dt.date(2027, 1, 8)
    assert drafts(request(seed, seed_plan, {"kinds": "notice", "date": dt.date(2027, 1, 11)}))[0].letter.date \
        == dt.date(2027, 1, 11)
    fonts = FontSet.windows_builtin()
    data = export(request(seed, seed_plan, {"kinds": "feedback", "fonts": fonts}, seed_records))[0].data
    assert "仿宋" in zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()


def test_the_issuing_authority_is_an_option_and_names_the_mark_signature_and_printer_alike(
        seed: District, seed_plan: Plan) -> None:
    default = drafts(request(seed, seed_plan, {"kinds": "notice"}))[0].letter
    assert (default.issuing_authority_mark, default.signature) == ("××区人民政府办公室文件", "××区人民政府办公室")
    chosen = drafts(request(seed, seed_plan, {"kinds": "notice", "issuer": "区人民政府"}))[0].letter
    assert chosen.issuing_authority_mark == "××区人民政府文件"
    assert chosen.doc_number == "区政〔2027〕1号"  # the issuer's own series (its doc_prefix)
    assert chosen.signature == chosen.printer == "××区人民政府"
    renamed = drafts(request(seed.renamed("海沧区"), seed_plan, {"kinds": "notice", "issuer": "区人民政府"}))[0].letter
    assert (renamed.issuing_authority_mark, renamed.signature, renamed.printer) == (
        "海沧区人民政府文件", "海沧区人民政府", "海沧区人民政府")


def test_the_removed_signature_option_is_refused_with_what_to_use(seed: District, seed_plan: Plan) -> None:
    with pytest.raises(OptionError, match=r"--district-name.*issuer") as caught:
        drafts(request(seed, seed_plan, {"kinds": "notice", "signature": "某某区人民政府"}))
    assert caught.value.path == "options.signature"


@pytest.mark.parametrize(("options", "path"), [
    ({"issuer": "区政府办"}, "options.issuer"),
    ({"kinds": "notices"}, "options.kinds"),
    ({"date": "5 January"}, "options.date"),
    ({"date": dt.datetime(2027, 1, 5, 9)}, "options.date"),
    ({"first_number": 0}, "options.first_number"),
    ({"first_number": "seven"}, "options.first_number"),
    ({"fonts": "仿宋"}, "options.fonts"),
    ({"number_prefix": 3}, "options.number_prefix"),
    ({"number_prefix": "区府 办"}, "options.number_prefix"),
    ({"pdf": "maybe"}, "options.pdf"),
    ({"preview": "true"}, "options.preview"),  # API only: the command's text is refused
])
def test_bad_options_raise_export_error(seed: District, seed_plan: Plan, options: dict[str, object],
                                        path: str) -> None:
    with pytest.raises(ExportError) as info:
        export(request(seed, seed_plan, options))
    assert info.value.path == path


# -- bad text --------------------------------------------------------------------------------------------

def test_control_character_in_an_event_title(seed: District) -> None:
    with pytest.raises(ValueError, match="control character"):  # the core refuses it first
        attrs.evolve(PLENARY, title_zh="区政府第一次\x07全体会议")
    with attrs.validators.disabled():  # an OA system may build objects without the validators
        bad = attrs.evolve(PLENARY, title_zh="区政府第一次\x07全体会议")
        plan = make_plan(seed, bad)
    with pytest.raises(ExportError) as info:
        export(request(seed, plan))
    plenary = next(e for e in plan.engagements if e.kind == EngagementKind.PLENARY_MEETING)
    assert info.value.path == f"plan.engagements[{plenary.id}].title_zh"
    assert "U+0007" in str(info.value)


def test_control_character_in_an_organisation_name(seed: District, seed_plan: Plan) -> None:
    with attrs.validators.disabled():  # an OA system may build objects without the validators
        orgs = tuple(attrs.evolve(o, name="区卫\x01生局") if o.id == "health" else o for o in seed.organisations)
    district = attrs.evolve(seed, organisations=orgs)
    with pytest.raises(ExportError) as info:
        export(request(district, seed_plan))
    assert info.value.path == "organisations[health].name"
    assert "U+0001" in str(info.value)


def test_control_character_in_a_record(seed: District, seed_plan: Plan) -> None:
    records = make_records(seed)
    with attrs.validators.disabled():
        bad = attrs.evolve(records.research_results[0], feedback_summary="已研究\x0b。")
    with pytest.raises(ExportError) as info:
        export(request(seed, seed_plan, {"kinds": "feedback"}, attrs.evolve(records, research_results=(bad,))))
    assert info.value.path == "records.research_results[0].feedback_summary"


def test_markup_in_data_is_text(seed: District) -> None:
    event = attrs.evolve(PLENARY, title_zh="{{ title }}<w:p/>&amp;{% if x %}")
    artifacts = export(request(seed, make_plan(seed, event), {"kinds": "invitation"}))
    document = docx.Document(io.BytesIO(artifacts[0].data))
    assert "关于邀请列席{{ title }}<w:p/>&amp;{% if x %}的函" in [p.text.replace("\n", "") for p in document.paragraphs]


def test_each_year_numbers_afresh(seed: District) -> None:
    from liaison.law.workdays import ChineseCalendar
    from liaison.year.planner import plan_year

    found = drafts(request(seed, plan_year(seed, 2028, calendar=ChineseCalendar()), {"kinds": "notice,invitation"}))
    assert found[0].letter.doc_number == "区府办〔2028〕1号"
    assert found[0].letter.date == dt.date(2028, 1, 5)  # Wednesday
    health = [d.letter.doc_number for d in found if d.subject == "2028/joint_meeting/health"]
    assert health == ["区卫函〔2028〕1号", "区卫函〔2028〕2号"]
