"""The ledger speaks the district's own data: the document kinds of its copying rules (§3.2's 政策性文件
and 资料 in the seed), a sheet for the record kinds of its own (其他联系工作: support for research,
for the towns' chambers of commerce …), 镇街活动 sending those kinds there, and every body that may
hold a meeting or an event in 主办单位 (a joint meeting called by the party branch, a party's major
event). Each checked with the seed and with a second district (tests/data/donghu.toml)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from xlsx_samples import Sheet, open_book, plan_for, refused, save

import liaison
from liaison.formats.district import parse_district
from liaison.law.compliance import check
from liaison.law.district import District
from liaison.law.findings import FindingStatus
from liaison.law.rules import ACTIVITIES, RecordOnly, Routing, record_section
from liaison.law.terms import DOCUMENT_KIND_ZH
from liaison_xlsx import ledger_workbook, read_ledger
from liaison_xlsx.ledger import ledger_specs
from liaison_xlsx.specs import validate_specs

DONGHU = Path(__file__).resolve().parents[3] / "tests" / "data" / "donghu.toml"
#: A record kind of donghu's own, added to its file as a district would (a provision and its rule).
VOLUNTEERING = '''
[[provisions]]
id = "第七条"
citation_zh = "七"
title_zh = "共同活动"
title_en = "Joint activities"
modality = "may"
text_zh = "第七条 区政府部门可以与对口联系的民主党派、工商联联合开展志愿服务活动。"

[[provisions.rules]]
kind = "record_only"
key = "volunteering"
sentence_zh = "区政府部门可以与对口联系的民主党派、工商联联合开展志愿服务活动"
record_kind = "volunteering"
by = "department"
label_zh = "联合志愿服务"
label_en = "joint volunteering"
valid_from = 2025-01-01
'''


@pytest.fixture(scope="module")
def donghu() -> District:
    return liaison.load_district(DONGHU)


@pytest.fixture(scope="module")
def donghu_own() -> District:
    return parse_district(DONGHU.read_text(encoding="utf-8") + VOLUNTEERING, file="donghu.toml")


@pytest.fixture(scope="module")
def donghu_words() -> District:
    """donghu with words of its own no project synonym knows: 双方例会 for its joint meetings and
    规范性文件 for the documents its copying rule names."""
    text = DONGHU.read_text(encoding="utf-8")
    assert 'label_zh = "工作例会"' in text and 'document_kind = "policy"' in text
    text = text.replace('label_zh = "工作例会"', 'label_zh = "双方例会"').replace(
        'document_kind = "policy"', 'document_kind = "policy"\nlabel_zh = "规范性文件"')
    return parse_district(text, file="donghu.toml")


@pytest.fixture(scope="module")
def donghu_ledger(donghu: District) -> bytes:
    return ledger_workbook(donghu, plan_for(donghu, 2027), 2027)


def drop_down(book: Any, name: str) -> list[str]:
    sheet, _, cells = book.defined_names[f"lst_{name}"].attr_text.partition("!")
    assert sheet == "'名单'"
    return [c.value for row in book["名单"][cells.replace("$", "")] for c in row]


def guide(book: Any) -> list[list[str]]:
    rows = ([str(c.value) for c in row if c.value] for row in book["说明"].iter_rows())
    return [row for row in rows if row]


def own_kinds(district: District) -> list[tuple[str, str, str]]:
    """(kind, label_zh, label_en) of the district's own record kinds, from its data, in its order."""
    found: dict[str, tuple[str, str, str]] = {}
    for prov in district.provisions:
        for rule in prov.rules:
            if isinstance(rule, RecordOnly) and record_section(rule.record_kind) == ACTIVITIES:
                found.setdefault(rule.record_kind, (rule.record_kind, rule.label_zh, rule.label_en))
    return list(found.values())


# ----------------------------------------------------------------------------- 1. document kinds
def test_document_kinds_are_the_districts_routing_kinds(seed: District, ledger_2026: bytes,
                                                        donghu: District, donghu_ledger: bytes) -> None:
    for district, data in ((seed, ledger_2026), (donghu, donghu_ledger)):
        kinds = dict.fromkeys(r.document_kind for p in district.provisions for r in p.rules if isinstance(r, Routing))
        assert drop_down(open_book(data), "doc_kinds") == [DOCUMENT_KIND_ZH[k] for k in kinds] + ["其他"]
    assert drop_down(open_book(ledger_2026), "doc_kinds") == ["政策性文件", "资料", "其他"]


@pytest.mark.parametrize("word", ["资料", "materials", "material", "Material"])
def test_a_material_is_read_and_copied_as_the_seed_says(seed: District, ledger_2026: bytes, word: str) -> None:
    """§3.2's 资料 of a department go to its paired organisations: one copied to 农工党总支部 only is short."""
    book = open_book(ledger_2026)
    Sheet(book["文件抄送"]).append({"文号": "区卫〔2026〕21号", "发文单位": "区卫生局", "日期": "2026-5-8",
                                    "标题": "基层医疗机构名录", "抄送单位": "农工党总支部", "文件类型": word})
    records = read_ledger(save(book), seed, "台账.xlsx")
    (document,) = records.documents
    assert document.kind == "material" == seed.document_kind("资料")
    (finding,) = [f for f in check(seed, records, 2026).findings if f.counted == ("区卫〔2026〕21号",)]
    assert finding.rule == "department-materials" and finding.status == FindingStatus.SHORT
    assert finding.affected == ("jiusan",)


def test_a_kind_no_rule_names_is_refused_naming_the_districts_kinds(seed: District, ledger_2026: bytes,
                                                                   donghu: District, donghu_ledger: bytes) -> None:
    def typed(word: str) -> Any:
        return lambda book: Sheet(book["文件抄送"]).append({"文号": "区卫〔2026〕22号", "发文单位": "区卫生局",
                                                            "日期": "2026-5-8", "文件类型": word})

    err = refused(ledger_2026, seed, typed("通知"))
    assert err.render("zh") == ("台账.xlsx: 文件抄送!F3: 没有“通知”这种文件类型"
                                "（处理办法：请填写“政策性文件”、“资料”或“其他”）")
    assert str(err) == ("台账.xlsx: 文件抄送!F3: no document kind is called '通知' "
                        "(fix: write 政策性文件 (policy), 资料 (material) or 其他 (other))")
    # donghu's rules name policy documents only: its 资料 is no kind of its own
    other = refused(donghu_ledger, donghu, lambda book: Sheet(book["文件抄送"]).append(
        {"文号": "东水〔2027〕1号", "发文单位": "东湖区水务局", "日期": "2027-3-1", "文件类型": "资料"}))
    assert other.render("zh") == ("台账.xlsx: 文件抄送!F3: 没有“资料”这种文件类型"
                                  "（处理办法：请填写“政策性文件”或“其他”）")
    assert "write 政策性文件 (policy) or 其他 (other)" in str(other)


def test_a_districts_own_word_for_a_document_kind_is_listed_and_read(donghu_words: District) -> None:
    book = open_book(ledger_workbook(donghu_words, plan_for(donghu_words, 2027), 2027))
    assert drop_down(book, "doc_kinds") == ["规范性文件", "其他"]
    Sheet(book["文件抄送"]).append({"文号": "东水〔2027〕2号", "发文单位": "东湖区水务局", "日期": "2027-3-1",
                                    "抄送单位": "九三学社东湖区委员会", "文件类型": "规范性文件"})
    assert [d.kind for d in read_ledger(save(book), donghu_words, "台账.xlsx").documents] == ["policy"]


def test_other_documents_are_recorded_and_not_counted(seed: District, ledger_2026: bytes) -> None:
    book = open_book(ledger_2026)
    Sheet(book["文件抄送"]).append({"文号": "区卫〔2026〕23号", "发文单位": "区卫生局", "日期": "2026-5-8",
                                    "文件类型": "其他"})
    records = read_ledger(save(book), seed, "台账.xlsx")
    assert [d.kind for d in records.documents] == ["other"]
    assert [n.section for n in check(seed, records, 2026).not_counted] == ["documents"]


def test_the_guide_says_what_each_document_kind_is_and_where_it_goes(ledger_2026: bytes) -> None:
    rows = guide(open_book(ledger_2026))
    material = next(r for r in rows if r[0] == "\u3000资料")
    assert material[1] == "区直部门的抄送对口联系的民主党派、工商联（§3.2 三（二）“文件交换制度”）"
    policy = next(r for r in rows if r[0].startswith("\u3000政策性文件"))
    assert "（不填时）" in policy[0] and "区政府和政府办公室的抄送各民主党派、工商联" in policy[1]
    hint = next(r for r in rows if r[0] == "文件类型")
    assert hint[-1].endswith("可选：政策性文件（不填时）、资料、其他。")


# --------------------------------------------------------------------- 2. the district's own kinds
def test_the_seeds_own_kinds_have_a_sheet_with_their_labels(seed: District, ledger_2026: bytes) -> None:
    book = open_book(ledger_2026)
    labels = [zh for _, zh, _ in own_kinds(seed)]
    assert len(labels) == 7 and "支持考察调研" in labels and "支持基层组织和镇商会活动" in labels
    assert drop_down(book, "activity_kinds") == labels
    sheet = Sheet(book["其他联系工作"])
    assert list(sheet.columns) == ["类型", "日期", "内容", "单位", "参加单位"]
    kinds = next(dv for dv in book["其他联系工作"].data_validations.dataValidation
                 if dv.formula1 == "lst_activity_kinds")
    assert str(kinds.sqref).startswith("A3:") and kinds.type == "list"


def test_a_district_without_kinds_of_its_own_gets_no_such_sheet(donghu: District, donghu_ledger: bytes) -> None:
    book = open_book(donghu_ledger)
    assert "其他联系工作" not in book.sheetnames and "lst_activity_kinds" not in book.defined_names
    assert "其他联系工作" not in "".join(c for r in guide(book) for c in r)
    assert [s.name for s in ledger_specs(donghu, 2027)][-2:] == ["镇街活动", "发文登记"]


def test_a_district_of_its_own_kinds_gets_its_sheet(donghu_own: District) -> None:
    data = ledger_workbook(donghu_own, plan_for(donghu_own, 2027), 2027)
    assert data == ledger_workbook(donghu_own, plan_for(donghu_own, 2027), 2027)  # deterministic
    book = open_book(data)
    assert drop_down(book, "activity_kinds") == ["联合志愿服务"]
    assert book["其他联系工作"]["A1"].value.endswith("（第七条 七“共同活动”）")
    Sheet(book["其他联系工作"]).append({"类型": "联合志愿服务", "日期": "2027-4-2", "内容": "滨湖清洁志愿服务",
                                        "单位": "东湖区水务局", "参加单位": "九三学社东湖区委员会"})
    records = read_ledger(save(book), donghu_own, "台账.xlsx")
    (activity,) = records.activities
    assert (activity.kind, activity.by, activity.with_organisations) == ("volunteering", "water", ("js",))
    (finding,) = [f for f in check(donghu_own, records, 2027).findings if f.rule == "volunteering"]
    assert finding.status == FindingStatus.RECORDED and finding.counted == ("activities[0]",)
    assert "联合志愿服务（由区直部门开展）记录1项：东湖区水务局1项" in finding.message("zh")


def test_own_kinds_read_by_label_english_label_or_value(seed: District, ledger_2026: bytes) -> None:
    (kind, zh, en), *_ = own_kinds(seed)
    book = open_book(ledger_2026)
    sheet = Sheet(book["其他联系工作"])
    for n, word in enumerate((zh, en.upper(), kind), start=1):
        sheet.append({"类型": word, "日期": dt.date(2026, 3, n), "内容": f"支持考察调研第{n}次",
                      "单位": "区人民政府" if n != 3 else "城关镇", "参加单位": "九三学社、民盟"})
    records = read_ledger(save(book), seed, "台账.xlsx")
    assert [a.kind for a in records.activities] == [kind] * 3
    assert [a.by for a in records.activities] == ["district-gov", "district-gov", "城关镇"]  # a town by its name
    assert records.activities[0].with_organisations == ("jiusan", "cdl")


def test_chamber_support_counts_under_its_own_rule_not_the_towns_briefings(seed: District,
                                                                           ledger_2026: bytes) -> None:
    """§3.8: a town's support of its chamber of commerce is the chamber-support rule's record; 镇街活动
    keeps the towns' liaison and briefings."""
    book = open_book(ledger_2026)
    Sheet(book["其他联系工作"]).append({"类型": "支持基层组织和镇商会活动", "日期": "2026-6-3",
                                        "内容": "支持城关镇商会换届", "单位": "城关镇", "参加单位": "区工商联"})
    Sheet(book["镇街活动"]).append({"镇街": "城关镇", "日期": "2026-6-10", "活动内容": "向各民主党派通报镇情",
                                    "参加单位": "各民主党派"})
    records = read_ledger(save(book), seed, "台账.xlsx")
    found = {f.rule: f for f in check(seed, records, 2026).findings if f.provision == "§3.8"}
    assert found["chamber-support"].counted == ("activities[0]",)
    assert found["town-activity"].counted == ("town_activities[0]",)
    assert "支持基层组织和镇商会活动（由镇政府开展）记录1项：城关镇1项" in found["chamber-support"].message("zh")


def test_the_towns_sheet_sends_chamber_support_to_the_new_sheet(ledger_2026: bytes) -> None:
    rows = guide(open_book(ledger_2026))
    town = next(r for r in rows if r[0] == "镇街活动")[1]
    assert town.startswith("各镇（街道）加强与民主党派、工商联的联系，及时通报有关情况，一次一行。")
    assert "镇政府的“支持基层组织和镇商会活动”记在“其他联系工作”表，不记在本表。" in town
    assert "§3.8 三（八）“镇政府联系工作”" in town


def test_the_guide_explains_each_own_kind_with_its_provision(seed: District, ledger_2026: bytes) -> None:
    rows = guide(open_book(ledger_2026))
    sheet = next(r for r in rows if r[0] == "其他联系工作")[1]
    for pid in ("§1.2", "§1.3", "§1.4", "§3.4", "§3.7", "§3.8"):
        prov = seed.provision(pid)
        assert f"{pid} {prov.citation_zh}“{prov.title_zh}”" in sheet
    support = next(r for r in rows if r[0] == "\u3000支持考察调研")[1]
    rule = next(r for r in seed.provision("§1.2").rules if isinstance(r, RecordOnly))
    assert support.startswith("区政府：“") and rule.sentence_zh.replace(",", "，") in support
    assert support.endswith("（§1.2 一（二）“列席与座谈”）")


def test_a_kind_not_the_districts_is_refused_in_both_languages(seed: District, ledger_2026: bytes) -> None:
    err = refused(ledger_2026, seed, lambda book: Sheet(book["其他联系工作"]).append(
        {"类型": "茶话会", "日期": "2026-6-3", "内容": "迎春茶话会", "单位": "区人民政府"}))
    labels = "、".join(zh for _, zh, _ in own_kinds(seed))
    assert err.render("zh") == (f"台账.xlsx: 其他联系工作!A3: 没有“茶话会”这种事项类型"
                                f"（处理办法：请从下拉列表中选择：{labels}）")
    assert str(err).startswith("台账.xlsx: 其他联系工作!A3: no kind of the district's own records is called '茶话会' "
                               "(fix: write 支持考察调研 (research_support), ")
    two = refused(ledger_2026, seed, lambda book: Sheet(book["其他联系工作"]).append(
        {"类型": "支持考察调研", "日期": "2026-6-3", "内容": "调研", "单位": "区卫生局、区教育局"}))
    assert two.path == "其他联系工作!D3" and "这里只能填一个单位" in two.render("zh")


def test_the_activities_sheet_is_found_when_renamed(seed: District, ledger_2026: bytes) -> None:
    book = open_book(ledger_2026)
    Sheet(book["其他联系工作"]).append({"类型": "支持考察调研", "日期": "2026-6-3", "内容": "调研",
                                        "单位": "区人民政府"})
    expected = read_ledger(save(book), seed, "台账.xlsx").activities
    book["其他联系工作"].title = "Sheet7"
    assert expected and read_ledger(save(book), seed, "台账.xlsx").activities == expected


# ------------------------------------------------------------------ the district's engagement words
def test_the_kinds_drop_down_speaks_the_districts_words(donghu_ledger: bytes) -> None:
    kinds = drop_down(open_book(donghu_ledger), "kinds")
    assert "工作例会" in kinds and "有关会议" in kinds and "联席会议" not in kinds  # donghu's labels


def test_a_districts_word_for_a_meeting_reads_back(donghu: District, donghu_ledger: bytes) -> None:
    book = open_book(donghu_ledger)
    row = Sheet(book["会议走访"]).append({"日期": "2027-3-9", "类型": "有关会议", "主办单位": "东湖区人民政府",
                                          "参加单位": "民盟东湖区委员会", "是否召开": "是"})
    (meeting,) = read_ledger(save(book), donghu, "台账.xlsx").engagements
    assert (meeting.kind.value, meeting.source) == ("important_meeting", f"台账.xlsx: 会议走访!{row}:{row}")


def test_rows_prefilled_with_the_districts_word_read_back(donghu_words: District) -> None:
    """The plan's rows carry the district's word (双方例会, no synonym of the project's): marked held,
    they are the plan's engagements again."""
    plan = plan_for(donghu_words, 2027)
    book = open_book(ledger_workbook(donghu_words, plan, 2027))
    sheet = Sheet(book["会议走访"])
    rows = list(sheet.rows())
    assert "双方例会" in {sheet.get(r, "类型") for r in rows}
    for row in rows:
        sheet.set(row, "是否召开", "是")
    records = read_ledger(save(book), donghu_words, "台账.xlsx")
    assert [(e.id, e.kind) for e in records.engagements] == [(e.id, e.kind) for e in plan.engagements]


# ------------------------------------------------------------------------------------- 4. hosts
def test_party_branches_and_the_icf_may_host(seed: District, ledger_2026: bytes) -> None:
    book = open_book(ledger_2026)
    hosts = drop_down(book, "hosts")
    assert all(o.name in hosts for o in seed.counterparts())
    assert seed.government().name in hosts and all(o.name in hosts for o in seed.departments())
    meetings = Sheet(book["会议走访"])
    joint = meetings.append({"日期": "2026-9-8", "类型": "联席会议", "主办单位": "九三学社综合支社",
                             "参加单位": "区卫生局", "是否召开": "是"})
    meetings.append({"日期": "2026-10-9", "类型": "大型活动", "主办单位": "民盟支部", "参加单位": "区人民政府",
                     "邀请单位": "区人民政府", "是否召开": "是", "事项": "民盟支部成立纪念会"})
    records = read_ledger(save(book), seed, "台账.xlsx")
    meeting, event = records.engagements
    assert (meeting.host, meeting.attended) == ("jiusan", ("jiusan", "health"))
    assert (event.host, event.invited) == ("cdl", ("district-gov",))
    findings = check(seed, records, 2026).findings
    # §3.3 由对口联系双方协商定期召开: the branch's meeting is the department's (the seed's rule: either side)
    (health,) = [f for f in findings if f.provision == "§3.3" and f.subject == ("health",)]
    assert health.status == FindingStatus.MET and health.counted == (f"台账.xlsx: 会议走访!{joint}:{joint}",)
    (party,) = [f for f in findings if f.counted == (event.cited(1),)]
    assert (party.rule, party.status) == ("major-event-of-a-party", FindingStatus.RECORDED)


def test_what_a_host_may_hold_is_the_records_own_check(seed: District, ledger_2026: bytes) -> None:
    def plenary(book: Any) -> None:
        Sheet(book["会议走访"]).append({"日期": "2026-9-8", "类型": "全体会议", "主办单位": "民盟支部",
                                        "参加单位": "区人民政府", "是否召开": "是"})

    err = refused(ledger_2026, seed, plenary)
    row = Sheet(open_book(ledger_2026)["会议走访"])
    last = max(row.rows()) + 1
    assert err.path == f"会议走访!D{last}"
    assert "民盟支部不能主办区政府全体成员会议：按§1.2，区政府全体成员会议由区政府召开" in err.render("zh")
    assert "cannot host a plenary meeting of the government: under §1.2 it is held by the district government" \
        in str(err)


# -------------------------------------------------------------------------------- the sheets' data
def test_the_districts_sheets_agree_with_themselves(seed: District, donghu: District, donghu_own: District) -> None:
    for district, year in ((seed, 2026), (donghu, 2027), (donghu_own, 2027)):
        specs = ledger_specs(district, year)
        validate_specs(specs)
        assert all(len(c.hint) <= 250 for s in specs for c in s.columns)
