"""The annual notice reads what a department owes from :func:`liaison.law.duties.duties_of`: its pairings,
whom it copies (§3.2), its §3.1 designations with the records merged, its cadences with the numbers
and readings of the data (§3.3, §3.6), and the invitations it may issue (§1.3). Another district's
numbers, readings and provision numbers come out as that district's."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import re
from typing import Any

import attrs
import pytest
from docx_seed import make_plan, make_records
from liaison.formats.district import parse_district
from liaison.law.district import District
from liaison.law.duties import CADENCE_NUMBERS, designations_in_force, duties_of
from liaison.law.model import Designations
from liaison.law.records import DesignationRecord, Records
from liaison.law.rules import ENGAGEMENT_KIND_ZH, Cadence, LocalSettings, Rule
from liaison.law.terms import RECIPIENTS_ZH, SETTING_ZH
from liaison.year.engagements import Plan

from liaison_docx import Heading, Letter, Paragraph, Table
from liaison_docx.geometry import unbroken
from liaison_docx.letters import Draft
from liaison_docx.plugin import drafts

NOTICE_DATE = dt.date(2027, 1, 5)


def text_of(letter: Letter) -> str:
    return "\n".join(b.text if isinstance(b, Paragraph | Heading) else "" for b in letters_body(letter))


def letters_body(letter: Letter) -> tuple[object, ...]:
    return tuple(b for b in letter.body if not isinstance(b, Table))


def notices(district: District, plan: Plan, records: Records | None = None) -> dict[str, Letter]:
    from liaison.host.exporting import ExportRequest

    request = ExportRequest(district=district, plan=plan, options={"kinds": "notice"}, records=records)
    found: tuple[Draft, ...] = drafts(request)
    return {d.recipient: d.letter for d in found}


def paragraph_under(letter: Letter, heading: str) -> str:
    body = list(letter.body)
    at = next(i for i, b in enumerate(body) if isinstance(b, Heading) and b.text == heading)
    block = body[at + 1]
    assert isinstance(block, Paragraph)
    return block.text


def with_rule(district: District, provision: str, **changes: Any) -> District:
    def changed(rule: Rule) -> Rule:
        return attrs.evolve(rule, **changes) if isinstance(rule, Cadence) else rule

    return attrs.evolve(district, provisions=tuple(
        attrs.evolve(p, rules=tuple(changed(r) for r in p.rules)) if p.id == provision else p
        for p in district.provisions))


# -- the seed ---------------------------------------------------------------------------------------------

def test_notice_items_are_the_departments_duties(seed: District, seed_plan: Plan) -> None:
    records = make_records(seed)
    for dept_id, letter in notices(seed, seed_plan, records).items():
        duties = duties_of(seed, dept_id, 2027, records, as_of=NOTICE_DATE)
        headings = [b.text for b in letter.body if isinstance(b, Heading) and b.level == 2]
        expected = [seed.provision(duties.cc[0].provisions[0]).title_zh]
        assert duties.designation is not None
        expected.append(duties.designation.provision.title_zh)
        expected += list(dict.fromkeys(o.provision.title_zh for o in duties.obligations))
        expected += [ENGAGEMENT_KIND_ZH[rule.event_kind] for _, rule in duties.invitations]
        assert headings == expected == ["文件交换制度", "建立联系责任制", "会议协商制度", "走访联谊制度", "专业性会议"]
        assert letter.cc == tuple(c.name for c in duties.counterparts)


def test_notice_states_the_readings_with_the_rules_numbers(seed: District, seed_plan: Plan) -> None:
    health = notices(seed, seed_plan)["health"]
    meeting = paragraph_under(health, "会议协商制度")
    assert meeting.startswith("《意见》第三（三）条规定：“对口联系单位（部门）应建立工作例会或联席会议制度，")
    # §3.3 per department, a reading of the district (its scope is local)
    assert ("按本区对该条的理解，你单位应每年至少召开1次联席会议，对口联系的民主党派、工商联一并参加。"
            in meeting)
    assert meeting.endswith("年度安排中已安排1次（见上表）。")
    visits = paragraph_under(health, "走访联谊制度")
    # §3.6 per pairing (scope = "pairing"): the count is per counterpart, never a total read against 1–2
    assert "按本区对该条的理解，你单位领导应对每个对口联系的民主党派、工商联每年走访1至2次。" in visits
    assert visits.endswith("年度安排中已对农工党总支部、九三学社综合支社各安排1次（见上表）。")
    assert "为本区设定" not in visits  # 1 and 2 are the text's own numbers


def test_no_planned_count_reads_as_over_the_limit(seed: District, seed_plan: Plan) -> None:
    for dept_id, letter in notices(seed, seed_plan).items():
        visits = paragraph_under(letter, "走访联谊制度")
        assert "已安排走访" not in visits and "计划已安排" not in visits, dept_id
        assert all(int(n) <= 2 for n in re.findall(r"安排(\d+)次", visits)), (dept_id, visits)
    everyone = "民革支部、民盟支部、民建总支部、民进支部、农工党总支部、致公党支部、九三学社综合支社、区工商联"
    dev_reform = notices(seed, seed_plan)["dev-reform"]
    assert f"年度安排中已对{everyone}各安排1次" in paragraph_under(dev_reform, "走访联谊制度")


def test_copying_and_invitations_from_the_duties(seed: District, seed_plan: Plan) -> None:
    health = notices(seed, seed_plan)["health"]
    copying = paragraph_under(health, "文件交换制度")
    assert copying == ("《意见》第三（二）条规定：“区直各有关部门有关政策性文件、资料，"
                       "也应抄送给对口联系的民主党派、工商联。”"
                       "你单位制发的有关政策性文件、资料，应抄送农工党总支部、九三学社综合支社。")
    meetings = paragraph_under(health, "专业性会议")
    assert meetings.endswith("你单位组织召开专业性会议时，可邀请农工党总支部、九三学社综合支社负责人参加。")


def test_designations_are_the_data_with_the_records_merged(seed: District, seed_plan: Plan) -> None:
    orgs = tuple(attrs.evolve(o, designations=Designations("王副局长", "办公室", "李明", "0592-1111111"))
                 if o.id == "health" else o for o in seed.organisations)
    district = attrs.evolve(seed, organisations=orgs)
    records = Records(district_id="seed", designations=(
        DesignationRecord("health", liaison_officer="赵敏", phone="0592-2222222", date=dt.date(2026, 12, 1)),
        DesignationRecord("health", leader_in_charge="钱局长", date=dt.date(2027, 6, 1)),  # after the notice
    ))
    text = paragraph_under(notices(district, seed_plan, records)["health"], "建立联系责任制")
    merged = designations_in_force(district, district.organisation("health"), NOTICE_DATE, records)
    assert merged == Designations("王副局长", "办公室", "赵敏", "0592-2222222")  # the one merge rule of the core
    assert text.replace("\u2060", "").endswith(
        "你单位分管领导为王副局长，负责处室为办公室，联络人员为赵敏（电话：0592-2222222）。")
    assert f"（电{unbroken('话：0592-2222222')}）" in text  # the number whole and with its colon
    assert "尚未收到" not in text and "钱局长" not in text and "李明" not in text


def test_missing_designations_are_asked_for(seed: District, seed_plan: Plan) -> None:
    records = Records(district_id="seed", designations=(DesignationRecord("health", leader_in_charge="王副局长"),))
    letters = notices(seed, seed_plan, records)
    assert paragraph_under(letters["health"], "建立联系责任制").endswith(
        "你单位分管领导为王副局长。本办尚未收到你单位负责处室和联络人员的名单，请确定后报送本办。")
    assert paragraph_under(letters["finance"], "建立联系责任制").endswith(
        "本办尚未收到你单位分管领导、负责处室和联络人员的名单，请确定后报送本办。")


# -- another district ------------------------------------------------------------------------------------

def test_another_districts_numbers_come_out_as_its_own(seed: District) -> None:
    """2 to 3 visits to each counterpart, a joint meeting every half year: the notice says so, and
    counts what the plan placed against those numbers."""
    visit = next(r for r in seed.provision("§3.6").rules if isinstance(r, Cadence))
    meeting = next(r for r in seed.provision("§3.3").rules if isinstance(r, Cadence))
    other = with_rule(seed, "§3.6", min_per_period=2, max_per_period=3,
                      sentence_zh=visit.sentence_zh.replace("1至2次", "2至3次"))
    other = with_rule(other, "§3.3", period_years=None, period_months=6,
                      sentence_zh=meeting.sentence_zh.replace("每年至少召开一次", "每半年至少召开一次"))
    health = notices(other, make_plan(other))["health"]
    visits = paragraph_under(health, "走访联谊制度")
    assert "每年应安排2至3次走访" in visits  # the district's own sentence, quoted
    assert "你单位领导应对每个对口联系的民主党派、工商联每年走访2至3次。" in visits
    assert visits.endswith("年度安排中已对农工党总支部、九三学社综合支社各安排2次（见上表）。")
    assert "1至2次" not in visits
    meetings = paragraph_under(health, "会议协商制度")
    assert "你单位应每半年至少召开1次联席会议" in meetings
    assert meetings.endswith("年度安排中已安排2次（见上表）。")


def test_a_number_the_district_set_is_said_to_be_its_own(seed: District, seed_plan: Plan) -> None:
    visit = next(r for r in seed.provision("§3.6").rules if isinstance(r, Cadence))
    plain = with_rule(seed, "§3.6", local=LocalSettings((("max_per_period", "上限为本区设定"),)))
    visits = paragraph_under(notices(plain, seed_plan)["health"], "走访联谊制度")
    assert "按本区对该条的理解" not in visits  # the scope is no longer a local reading …
    assert visits.startswith(f"《意见》第三（六）条规定：“{visit.sentence_zh.replace(',', '，')}。”你单位领导应对每个")
    assert "其中最多次数为本区设定，《意见》原文未作规定。" in visits  # … but the maximum is the district's


@pytest.mark.parametrize("field", CADENCE_NUMBERS)
def test_the_notice_names_each_local_number_in_the_words_of_terms(seed: District, field: str) -> None:
    """The notice says which numbers the district set in the one wording the checker, ``liaison
    provisions`` and the sheets use (liaison.law.terms.SETTING_ZH), for every number a cadence has."""
    from liaison_docx.letters.notice import notice_letter

    duties = duties_of(seed, "health", 2027, as_of=NOTICE_DATE)
    visits = [o for o in duties.obligations if o.provision_id == "§3.6"]
    assert visits
    duties = attrs.evolve(duties, obligations=tuple(attrs.evolve(o, rests_on=(field,)) for o in visits))
    letter = notice_letter(seed, duties, (), office=seed.general_office(), date=NOTICE_DATE)
    said = paragraph_under(letter, "走访联谊制度")
    assert f"其中{SETTING_ZH[field]}为本区设定，《意见》原文未作规定。" in said


def test_the_notice_names_the_counterparts_in_the_words_of_terms(seed: District, seed_plan: Plan) -> None:
    visits = paragraph_under(notices(seed, seed_plan)["health"], "走访联谊制度")
    assert f"对每个{RECIPIENTS_ZH['paired_counterparts']}每年走访" in visits


def test_provision_numbers_come_from_the_data() -> None:
    """A district that numbers its provisions otherwise: no fixed § id stands in anywhere."""
    text = importlib.resources.files("liaison.data").joinpath("seed.toml").read_text(encoding="utf-8")
    renumbered = (("§3.6", "§6.6", "三（六）", "六（六）"), ("§2.2", "§7.2", "二（二）", "七（二）"),
                  ("§1.1", "§8.1", "一（一）", "八（一）"), ("§1.2", "§8.2", "一（二）", "八（二）"))
    for old, new, cite_old, cite_new in renumbered:
        text = text.replace(f'"{old}"', f'"{new}"')
        text = text.replace(f'citation_zh = "{cite_old}"', f'citation_zh = "{cite_new}"')
    district = parse_district(text)
    from docx_seed import PLENARY
    from liaison.host.exporting import ExportRequest

    plan = make_plan(district, PLENARY)
    found = drafts(ExportRequest(district=district, plan=plan, options={}, records=make_records(district)))
    health = next(d.letter for d in found if d.kind == "notice" and d.recipient == "health")
    assert "根据《意见》第七（二）条“其他对口联系单位”，你单位对口联系" in text_of(health)
    assert paragraph_under(health, "走访联谊制度").startswith("《意见》第六（六）条规定：")
    table = next(b for b in health.body if isinstance(b, Table))
    assert "第六（六）条" in {row[4] for row in table.rows}
    consultation = next(d.letter for d in found if d.kind == "consultation")
    assert "第八（一）条关于“根据需要" in "\n".join(b.text for b in consultation.body if isinstance(b, Paragraph))
    plenary = next(d.letter for d in found if d.kind == "invitation" and "plenary" in d.subject)
    assert "第八（二）条“" in "\n".join(b.text for b in plenary.body
                                                          if isinstance(b, Paragraph))
