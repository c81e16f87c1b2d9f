"""The liaison letters as :class:`~liaison_docx.letter.Letter` objects: pure, no rendering, no clock.

One function per kind of letter, each returning :class:`Draft` objects (a letter and the name parts of
its file) in a fixed order:

- :func:`notices` — 通知 (文件格式) from the district government's general office to each department
  with pairings or engagements in a plan year: its counterparts (§2.1/§2.2), its engagements of the year
  in a table, and the duties of §3.2, §3.1, §3.3 and §3.6 with the numbers taken from the rules in the
  data;
- :func:`invitations` — 邀请函 (信函格式) to every counterpart invited to a §3.1 work meeting, a §1.2
  plenary meeting / important meeting / symposium, a §3.5 major event, a §1.4 inspection (all from the
  general office), a §3.3 joint meeting or a §1.3 professional meeting (from the host department);
- :func:`consultations` — 征求意见函 (§1.1), one per recipient of each consultation record;
- :func:`feedback_letters` — 调研成果反馈函 (§1.3), one per research result answered.

Every piece of text taken from the data is checked before use; a character a Word file cannot hold
raises :class:`liaison.errors.ExportError` naming the data field (``organisations[health].name``,
``plan.engagements[2027/joint_meeting/health].title_zh``), never a broken file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Literal

import attrs
from liaison.district import District
from liaison.engagements import Engagement, Plan, Status
from liaison.errors import ExportError, LiaisonError
from liaison.model import DESIGNATION_ZH, Designations, Organisation, Pairing
from liaison.records import ConsultationRecord, Records, ResearchResult
from liaison.rules import (
    ENGAGEMENT_KIND_ZH,
    EVENT_KINDS,
    MODALITY_ZH,
    Cadence,
    DesignationRule,
    EngagementKind,
    Modality,
    Provision,
    Response,
    Routing,
    Rule,
)
from liaison.workdays import default_calendar

from liaison_docx.letter import (
    Attachment,
    Block,
    Heading,
    Letter,
    Paragraph,
    Table,
    format_date,
    format_doc_number,
)
from liaison_docx.titles import title_units

__all__ = [
    "FOLDERS",
    "INVITING_KINDS",
    "LETTER_KINDS",
    "STANDARD_FEEDBACK",
    "Draft",
    "LetterKind",
    "consultation_letter",
    "consultations",
    "default_notice_date",
    "default_number_prefix",
    "excerpt",
    "feedback_letter",
    "feedback_letters",
    "invitation_letter",
    "invitations",
    "notice_letter",
    "notices",
]

LetterKind = Literal["notice", "invitation", "consultation", "feedback"]
LETTER_KINDS: tuple[LetterKind, ...] = ("notice", "invitation", "consultation", "feedback")

FOLDERS: dict[LetterKind, str] = {"notice": "通知", "invitation": "邀请函", "consultation": "征求意见函",
                                  "feedback": "反馈函"}

#: Engagements that invite the branches and the ICF, and who sends the invitation.
INVITING_KINDS: dict[EngagementKind, Literal["government", "host"]] = {
    EngagementKind.WORK_MEETING: "government",  # §3.1
    EngagementKind.PLENARY_MEETING: "government",  # §1.2
    EngagementKind.IMPORTANT_MEETING: "government",  # §1.2
    EngagementKind.SYMPOSIUM: "government",  # §1.2
    EngagementKind.MAJOR_EVENT: "government",  # §3.5
    EngagementKind.INSPECTION: "government",  # §1.4
    EngagementKind.JOINT_MEETING: "host",  # §3.3
    EngagementKind.PROFESSIONAL_MEETING: "host",  # §1.3
}

# The words of the provision an invitation quotes: the first sentence holding the keyword.
_KEYWORDS: dict[EngagementKind, str] = {
    EngagementKind.WORK_MEETING: "联系工作会议",
    EngagementKind.PLENARY_MEETING: "全体成员会议",
    EngagementKind.IMPORTANT_MEETING: "重要会议",
    EngagementKind.SYMPOSIUM: "座谈",
    EngagementKind.MAJOR_EVENT: "大型活动",
    EngagementKind.INSPECTION: "检查工作",
    EngagementKind.JOINT_MEETING: "联席会议",
    EngagementKind.PROFESSIONAL_MEETING: "专业性会议",
    EngagementKind.VISIT: "走访",
}
_EVENT_VERB = {EngagementKind.MAJOR_EVENT: "举行", EngagementKind.INSPECTION: "开展"}
_EVENT_NOUN = {EngagementKind.MAJOR_EVENT: "活动", EngagementKind.INSPECTION: "检查工作"}
_WEEKDAYS = "一二三四五六日"


@attrs.frozen
class Draft:
    """A letter and where it goes: ``year/folder/name.docx`` once each part passes ``safe_name``.

    ``subject`` is the id of what the letter is about (a department, an engagement, a record) and
    ``recipient`` the id of the organisation it is addressed to.
    """

    kind: LetterKind
    year: int
    name: str
    letter: Letter
    subject: str
    recipient: str

    @property
    def folder(self) -> str:
        return FOLDERS[self.kind]


# -- text from the data ------------------------------------------------------------------------------

_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _text(value: str, where: str, *, single_line: bool = True) -> str:
    """Text from the data, checked: no control characters (tab and newline only in free text)."""
    if not isinstance(value, str):
        raise ExportError(f"expected text, got {type(value).__name__}", path=where)
    bad = _BAD_CHARS.search(value) or (re.search("[\t\n\r]", value) if single_line else None)
    if bad is not None:
        raise ExportError(f"character U+{ord(bad.group()):04X} at position {bad.start()} cannot go into a letter",
                          path=where, fix="remove control characters from the data")
    return value


def _name(org: Organisation) -> str:
    return _text(org.name, f"organisations[{org.id}].name")


def _names(orgs: Iterable[Organisation]) -> str:
    return "、".join(_name(o) for o in orgs)


def _regulation(district: District) -> str:
    return _text(district.info.regulation_title, "district.regulation_title")


def _cite(prov: Provision) -> str:
    """第三（三）条“会议协商制度”, checked."""
    return _text(prov.cite_zh(), f"provisions[{prov.id}]")


def _short_cite(prov: Provision) -> str:
    return _text(f"第{prov.citation_zh}条", f"provisions[{prov.id}].citation_zh")


_LEADING_NUMBER = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
_FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"})


def _basis(district: District, prov: Provision | None, keyword: str) -> str:
    """根据《意见》第一（三）条关于“…”的规定， — the clause a letter rests on, or nothing without one."""
    if prov is None:
        return ""
    quote = excerpt(prov, keyword)
    return f"根据《{_regulation(district)}》{_cite(prov)}" + (f"关于“{quote}”的规定，" if quote else "，")


def excerpt(prov: Provision, keyword: str, limit: int = 90) -> str:
    """The first sentence of the provision's Chinese text holding ``keyword`` (else its first), with
    the item number dropped and half-width punctuation shown full-width; long sentences are cut at a
    comma and end in ……."""
    text = _text(prov.text_zh, f"provisions[{prov.id}].text_zh", single_line=False)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if lines and lines[0] == f"{prov.citation_zh}、{prov.title_zh}":
        lines = lines[1:]  # a heading provision repeats its title on the first line
    body = _LEADING_NUMBER.sub("", "".join(lines)).translate(_FULL_WIDTH)
    sentences = [s.strip() for s in re.split("[。；]", body) if s.strip()]
    sentences = [s for s in sentences if s != prov.title_zh] or sentences
    if not sentences:
        return ""
    chosen = next((s for s in sentences if keyword and keyword in s), sentences[0])
    if len(chosen) > limit:
        cut = chosen.rfind("，", 0, limit)
        chosen = chosen[: cut if cut > limit // 3 else limit] + "……"
    return chosen


# -- dates and times -----------------------------------------------------------------------------------

def _weekday(day: dt.date) -> str:
    return f"星期{_WEEKDAYS[day.weekday()]}"


def _clock(t: dt.time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def _time_range(e: Engagement, wrap: str = "") -> str:
    """9:00—11:00 (``wrap`` goes after the dash, for a narrow table column)."""
    if e.start is None:
        return "全天"
    return _clock(e.start) + (f"—{wrap}{_clock(e.end)}" if e.end is not None else "")


def _item(e: Engagement, dept: Organisation) -> str:
    """The 事项 cell: the department's own meetings and visits by their kind (the other side is in the
    next column), anything else by its title."""
    if e.host == dept.id and e.kind in (EngagementKind.JOINT_MEETING, EngagementKind.VISIT):
        return "领导走访" if e.kind == EngagementKind.VISIT else ENGAGEMENT_KIND_ZH[e.kind]
    return e.title_zh


def _half_day(t: dt.time) -> tuple[str, str]:
    """(上午, 9:00), (中午, 12:30), (下午, 2:30), (晚上, 7:00): the 12-hour clock after its part of the day."""
    if t.hour < 12:
        return "上午", _clock(t)
    part = "中午" if t.hour == 12 else "下午" if t.hour < 18 else "晚上"
    return part, _clock(t.replace(hour=t.hour - 12) if t.hour > 12 else t)


def _when(e: Engagement) -> str:
    """2027年3月5日（星期五）上午9:00至11:30, 下午2:30至4:30, 上午9:00至下午1:00: the 12-hour clock
    with its part of the day (never 下午14:30), the part said again only when the end is in another."""
    text = f"{format_date(e.date)}（{_weekday(e.date)}）"
    if e.start is None:
        return text + "全天"
    part, clock = _half_day(e.start)
    text += part + clock
    if e.end is not None:
        end_part, end_clock = _half_day(e.end)
        text += "至" + ("" if end_part == part else end_part) + end_clock
    return text


def default_notice_date(year: int) -> dt.date:
    """The first Monday-to-Friday day on or after 5 January of ``year``."""
    day = dt.date(year, 1, 5)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


# -- organisations ---------------------------------------------------------------------------------------

def default_number_prefix(office: Organisation) -> str:
    """The 发文字号 prefix of the general office: its shortest alias ending in 办 (区府办), else its
    short name."""
    candidates = [a for a in office.aliases if a.endswith("办") and 2 <= len(a) <= 6 and not re.search(r"[\s〔〕]", a)]
    if candidates:
        return min(candidates, key=lambda a: (len(a), office.aliases.index(a)))
    return office.short_name


def _designations(org: Organisation, records: Records | None, year: int) -> Designations:
    """The organisation's §3.1 designations, with the latest record of the year (or undated) on top."""
    found = org.designations
    if records is not None:
        for rec in records.designations:
            if rec.organisation == org.id and (rec.date is None or rec.date.year <= year):
                found = Designations(rec.leader_in_charge or found.leader_in_charge,
                                     rec.liaison_office or found.liaison_office,
                                     rec.liaison_officer or found.liaison_officer)
    return found


def _contact(org: Organisation, *others: Organisation, records: Records | None = None,
             year: int = 0) -> str | None:
    """联系人 line from the first organisation with a designated liaison officer."""
    for candidate in (org, *others):
        d = _designations(candidate, records, year)
        if d.liaison_officer:
            where = f"organisations[{candidate.id}].designations"
            officer = _text(d.liaison_officer, f"{where}.liaison_officer")
            office = _text(d.liaison_office, f"{where}.liaison_office") if d.liaison_office else ""
            return f"联系人：{_name(candidate)}{office}　{officer}"
    return None


def _pairings_in_year(district: District, dept: Organisation, year: int) -> list[Pairing]:
    first, last = _year_range(year)
    return [p for p in district.pairings if p.department == dept.id and p.validity.clip(first, last) is not None]


def _counterparts_in_year(district: District, pairings: Sequence[Pairing]) -> tuple[Organisation, ...]:
    ids = {p.counterpart for p in pairings}
    return tuple(o for o in district.organisations if o.id in ids)


def _active(plan: Plan, year: int) -> list[Engagement]:
    return [e for e in plan.engagements if e.date.year == year and e.status != Status.CANCELLED]


def _participant_label(district: District, e: Engagement, exclude: str) -> str:
    others = [district.organisation(i) for i in e.participants if i != exclude]
    counterparts = set(district.counterparts())
    if len(counterparts) > 1 and counterparts <= set(others):
        rest = [o for o in others if o not in counterparts]
        return "、".join([*(_name(o) for o in rest), "各民主党派、工商联"])
    return _names(others)


def _cadence(district: District, kind: EngagementKind, as_of: dt.date) -> tuple[Provision, Cadence] | None:
    for prov, rule in district.cadences(as_of):
        if rule.engagement_kind == kind and rule.scope == "pairing":
            return prov, rule
    return None


def _how_often(rule: Cadence) -> tuple[str, str]:
    """(每年, 至少1次) / (每年, 1至2次) / (每2年, 1次), from the rule's numbers."""
    period = "每年" if rule.period_years == 1 else f"每{rule.period_years}年"
    lo, hi = rule.min_per_period, rule.max_per_period
    if hi is None:
        count = f"至少{lo}次"
    elif hi == lo:
        count = f"{lo}次"
    else:
        count = f"{lo}至{hi}次"
    return period, count


def _join(items: Sequence[str]) -> str:
    """甲、乙和丙."""
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]


def _must(prov: Provision, rule: Rule) -> str:
    modality = prov.modality_of(rule)
    return MODALITY_ZH[modality] if modality not in (Modality.NONE, Modality.AS_NEEDED) else "可根据需要"


def _validity_note(p: Pairing, year: int) -> str:
    first, last = _year_range(year)
    notes = []
    if p.valid_from > first:
        notes.append(f"自{format_date(p.valid_from)}起")
    if p.valid_until is not None and p.valid_until <= last:
        notes.append(f"至{format_date(p.valid_until - dt.timedelta(days=1))}止")
    return f"（{'，'.join(notes)}）" if notes else ""


# -- 通知 --------------------------------------------------------------------------------------------------

def notices(district: District, plan: Plan, *, records: Records | None = None, date: dt.date | None = None,
            number_prefix: str | None = None, first_number: int = 1, issuer: Organisation | None = None,
            signature: str | None = None) -> tuple[Draft, ...]:
    """The annual liaison notice to each department with pairings or engagements in each plan year.

    Numbered ``{prefix}〔{year}〕{n}号`` from ``first_number`` in directory order of the departments,
    afresh each year; dated ``date`` or else the first working weekday on or after 5 January. Issued by
    ``issuer`` (default: the general office) and signed ``signature`` (default: the issuer's name).
    """
    office = issuer or district.general_office()
    prefix = number_prefix if number_prefix is not None else default_number_prefix(office)
    drafts: list[Draft] = []
    for year in (plan.year,):
        engagements = _active(plan, year)
        serial = first_number
        for dept in district.departments():
            pairings = _pairings_in_year(district, dept, year)
            own = [e for e in engagements if dept.id in e.participants]
            if not pairings and not own:
                continue
            letter = notice_letter(district, dept, year, pairings, own, office=office, records=records,
                                   date=date or default_notice_date(year),
                                   doc_number=format_doc_number(prefix, year, serial), signature=signature)
            drafts.append(Draft("notice", year, f"{serial:02d}-{dept.id}", letter, dept.id, dept.id))
            serial += 1
    return tuple(drafts)


def notice_letter(district: District, dept: Organisation, year: int, pairings: Sequence[Pairing],
                  engagements: Sequence[Engagement], *, office: Organisation, records: Records | None,
                  date: dt.date, doc_number: str, signature: str | None = None) -> Letter:
    # Long because it reads as the notice does, section by section (一、二、三); the items of 三 are helpers.
    office_name, dept_name = _name(office), _name(dept)
    as_of = max(date, dt.date(year, 1, 1)) if date.year <= year else dt.date(year, 12, 31)
    counterparts = _counterparts_in_year(district, pairings)
    body: list[Block] = [Paragraph(
        f"为贯彻落实《{_regulation(district)}》（以下简称《意见》），做好{year}年你单位与民主党派、工商联的"
        "对口联系工作，现将有关事项通知如下。")]

    # 一、对口联系单位
    body.append(Heading(1, "对口联系单位"))
    if pairings:
        by_clause: dict[str, list[Pairing]] = {}
        for p in pairings:
            by_clause.setdefault(p.clause, []).append(p)
        common = dept in district.common_liaison_units(as_of)
        for clause, found in sorted(by_clause.items()):
            prov = district.provision(clause)
            names = "、".join(
                _name(district.organisation(p.counterpart)) + _validity_note(p, year)
                for p in sorted(found, key=lambda p: (_directory_index(district, p.counterpart), p.valid_from)))
            role = "为各民主党派、工商联的共同联系单位，" if common and clause == "§2.1" else ""
            body.append(Paragraph(f"根据《意见》{_cite(prov)}，你单位{role}对口联系{names}。"))
    else:
        body.append(Paragraph(f"{year}年你单位没有在册的对口联系民主党派、工商联。"))

    # 二、年度安排
    body.append(Heading(1, "年度安排"))
    if engagements:
        body.append(Paragraph(f"根据{year}年度对口联系工作计划，你单位{year}年安排如下："))
        rows = []
        for e in engagements:
            _check_engagement(e)
            day = format_date(e.date) + ("\n（暂定）" if e.provisional else "")
            basis = "\n".join(_short_cite(district.provision(p)) for p in e.provisions)
            rows.append((day, _time_range(e, "\n"), _item(e, dept), _participant_label(district, e, dept.id),
                         basis))
        body.append(Table(("日期", "时间", "事项", "参加单位", "依据"), tuple(rows)))
        notes = []
        if any(e.status == Status.PROPOSED for e in engagements):
            notes.append("表中拟定的日期和时间由对口联系双方协商确定，确需调整的请及时与对方商定")
        if any(e.provisional for e in engagements):
            notes.append(f"标注“（暂定）”的日期，{year}年节假日安排公布后如有冲突另行调整")
        if notes:
            body.append(Paragraph("；".join(notes) + "。"))
    else:
        body.append(Paragraph(f"{year}年度对口联系工作计划未安排你单位的会议、走访等活动。"))

    # 三、工作要求
    body.append(Heading(1, "工作要求"))
    body.extend(_routing_item(district, dept, as_of, counterparts))
    body.extend(_designation_item(district, dept, as_of, records, year, office_name))
    for kind in (EngagementKind.JOINT_MEETING, EngagementKind.VISIT):
        body.extend(_cadence_item(district, kind, as_of, engagements))
    body.append(Paragraph("特此通知。"))
    return Letter(
        kind="document", issuing_authority_mark=f"{office_name}文件", doc_number=doc_number,
        title=f"关于做好{year}年{dept_name}与民主党派、工商联对口联系工作的通知", recipients=dept_name,
        body=tuple(body), signature=signature or office_name, date=date,
        cc=tuple(_name(o) for o in counterparts), printer=office_name, print_date=date,
        title_units=("关于", "做好", f"{year}年", dept_name, "与", "民主党派、", "工商联", "对口联系", "工作",
                     "的通知"))


def _directory_index(district: District, org_id: str) -> int:
    for i, o in enumerate(district.organisations):
        if o.id == org_id:
            return i
    return len(district.organisations)


def _check_engagement(e: Engagement) -> None:
    where = f"plan.engagements[{e.id}]"
    _text(e.title_zh, f"{where}.title_zh")
    if e.location is not None:
        _text(e.location, f"{where}.location")


def _routing_item(district: District, dept: Organisation, as_of: dt.date,
                  counterparts: Sequence[Organisation]) -> list[Block]:
    rules = [(p, r) for p, r in district.rules(Routing, as_of)
             if isinstance(r, Routing) and r.issuer == "department"]
    if not rules:
        return []
    prov, rule = rules[0]
    cc = district.cc_list(dept, as_of, rule.document_kind)
    blocks: list[Block] = [Heading(2, _text(prov.title_zh, f"provisions[{prov.id}].title_zh"))]
    if cc.recipients:
        text = (f"按照《意见》{_cite(prov)}，你单位制发的有关政策性文件、资料，{_must(prov, rule)}抄送"
                f"{_names(r.organisation for r in cc.recipients)}。")
        if {o.id for o in counterparts} != set(cc.ids()):
            text += "对口联系单位调整后，按调整后的对口联系单位抄送。"
    else:
        text = f"按照《意见》{_cite(prov)}，{_text(cc.note_zh, 'cc_list.note_zh') or '你单位目前没有需抄送的单位'}。"
    blocks.append(Paragraph(text))
    return blocks


def _designation_item(district: District, dept: Organisation, as_of: dt.date, records: Records | None,
                      year: int, office_name: str) -> list[Block]:
    rules = [(p, r) for p, r in district.rules(DesignationRule, as_of) if isinstance(r, DesignationRule)]
    if not rules:
        return []
    prov, rule = rules[0]
    roles = [r for r in rule.roles if r in DESIGNATION_ZH]
    text = (f"按照《意见》{_cite(prov)}，你单位{_must(prov, rule)}指定{_join([DESIGNATION_ZH[r] for r in roles])}"
            "负责对口联系工作。")
    d = _designations(dept, records, year)
    named = [(r, getattr(d, r)) for r in roles if getattr(d, r)]
    missing = [DESIGNATION_ZH[r] for r in roles if not getattr(d, r)]
    if named:
        where = f"organisations[{dept.id}].designations"
        text += "你单位" + "，".join(f"{DESIGNATION_ZH[r]}为{_text(v, f'{where}.{r}')}" for r, v in named) + "。"
    if missing:
        text += (f"{'尚未指定' + _join(missing) if named else '目前尚未指定'}，请尽快指定，"
                 f"并将名单报{office_name}。")
    return [Heading(2, _text(prov.title_zh, f"provisions[{prov.id}].title_zh")), Paragraph(text)]


def _cadence_item(district: District, kind: EngagementKind, as_of: dt.date,
                  engagements: Sequence[Engagement]) -> list[Block]:
    found = _cadence(district, kind, as_of)
    if found is None:
        return []
    prov, rule = found
    planned = sum(1 for e in engagements if e.kind == kind)
    period, count = _how_often(rule)
    must = _must(prov, rule)
    if kind == EngagementKind.VISIT:
        text = (f"按照《意见》{_cite(prov)}，你单位领导{period}{must}安排{count}走访对口联系的民主党派、工商联，"
                "通报工作，征询意见、建议。")
        unit = "走访"
    else:
        text = (f"按照《意见》{_cite(prov)}，你单位{period}{must}与对口联系的民主党派、工商联召开{count}"
                "工作例会或联席会议，互通情况，听取意见；会议时间由双方协商确定。")
        unit = "联席会议"
    if planned:
        text += f"本年度计划已安排{unit}{planned}次（见上表）。"
    return [Heading(2, _text(prov.title_zh, f"provisions[{prov.id}].title_zh")), Paragraph(text)]


# -- 邀请函 ------------------------------------------------------------------------------------------------

def invitations(district: District, plan: Plan, *, records: Records | None = None) -> tuple[Draft, ...]:
    """One invitation per invited counterpart of every engagement that invites (not visits, not
    cancelled ones), dated 14 days before the engagement."""
    drafts: list[Draft] = []
    office = district.general_office()
    for year in (plan.year,):
        for e in _active(plan, year):
            sender = INVITING_KINDS.get(e.kind)
            if sender is None:
                continue
            _check_engagement(e)
            host = district.organisation(e.host)
            issuer = office if sender == "government" else host
            roles = _roles(district, e)
            for org_id in e.participants:
                org = district.organisation(org_id)
                if not org.is_counterpart:
                    continue
                letter = invitation_letter(district, e, org, issuer=issuer, host=host,
                                           role=roles.get(org_id, ""), records=records)
                name = f"{e.date.isoformat()}-{e.kind.value}-{host.id}-{org.id}"
                drafts.append(Draft("invitation", year, name, letter, e.id, org.id))
    return tuple(drafts)


def _roles(district: District, e: Engagement) -> dict[str, str]:
    """列席 / 参加 / 座谈 by invitee, from the invitation rules in the data (none for a kind without
    an invitation rule: §3.1 work meetings and §3.3 joint meetings)."""
    if e.kind not in EVENT_KINDS:
        return {}
    host = e.host if INVITING_KINDS.get(e.kind) == "host" else None
    found = district.invitees(e.kind, e.date, host)
    return {r.organisation.id: r.role_zh for r in found.recipients}


def _verb(role: str) -> str:
    return {"列席": "列席", "参加": "参加"}.get(role, "出席")


def invitation_letter(district: District, e: Engagement, invitee: Organisation, *, issuer: Organisation,
                      host: Organisation, role: str, records: Records | None = None) -> Letter:
    verb = _verb(role)
    title = _text(e.title_zh, f"plan.engagements[{e.id}].title_zh")
    noun = _EVENT_NOUN.get(e.kind, "会议")
    fixed = e.status in (Status.AGREED, Status.HELD)
    when = _when(e) + ("（暂定）" if e.provisional and not fixed else "")
    where = f"在{_text(e.location, f'plan.engagements[{e.id}].location')}" if e.location else ""
    first = f"{'定于' if fixed else '拟于'}{when}{where}{_EVENT_VERB.get(e.kind, '召开')}{title}。"
    if not e.location:
        first += f"{noun}地点另行通知。"
    body: list[Block] = [Paragraph(first)]
    provisions = [district.provision(p) for p in e.provisions] or [district.provision("§1.2")]
    prov = provisions[0]
    quote = excerpt(prov, _KEYWORDS.get(e.kind, ""))
    said = f"关于“{quote}”的规定" if quote else "的规定"
    body.append(Paragraph(f"根据《{_regulation(district)}》{_cite(prov)}{said}，"
                          f"特邀请贵单位负责人{verb}{noun}。"))
    notes = []
    if e.status == Status.PROPOSED:
        notes.append(f"{noun}时间系拟定，由双方协商确定，如需调整请及时与我单位联系")
    if e.provisional:
        notes.append(f"{e.date.year}年节假日安排尚未公布，日期如有调整另行通知")
    if notes:
        body.append(Paragraph("；".join(notes) + "。"))
    reply_by = e.date - dt.timedelta(days=7)
    body.append(Paragraph(f"请于{format_date(reply_by)}前将{verb}人员名单反馈{_name(issuer)}。"))
    contact = _contact(host, issuer, records=records, year=e.date.year)
    if contact:
        body.append(Paragraph(contact))
    body.append(Paragraph("特此函邀。"))
    return Letter(
        kind="letter", issuing_authority_mark=_name(issuer), doc_number=None,
        title=f"关于邀请{verb}{title}的函", recipients=_name(invitee), body=tuple(body),
        signature=_name(issuer), date=e.date - dt.timedelta(days=14),
        title_units=("关于", "邀请", verb, *title_units(title, _org_names(district)), "的函"),
        attachments=(_reply_slip(invitee, issuer, reply_by, verb),))


def _org_names(district: District) -> list[str]:
    """Every name an organisation goes by, for keeping them whole in titles."""
    return [n for o in district.organisations for n in (o.name, o.short_name, *o.aliases)]


def _reply_slip(invitee: Organisation, issuer: Organisation, reply_by: dt.date, verb: str) -> Attachment:
    """回执: who will attend, to be returned by the reply date."""
    header = ("单位", f"{verb}人员", "职务", "联系电话", "备注")
    rows = ((_name(invitee), "", "", "", ""), *(("", "", "", "", ""),) * 3)
    return Attachment("回执", (Table(header, rows, row_lines=2),
                               Paragraph(f"请于{format_date(reply_by)}前反馈{_name(issuer)}。")))


# -- 征求意见函 ---------------------------------------------------------------------------------------------

def _response(district: District, trigger: str, as_of: dt.date,
              fallback: str) -> tuple[Provision | None, Response | None]:
    for prov, rule in district.rules(Response, as_of):
        if isinstance(rule, Response) and rule.trigger == trigger:
            return prov, rule
    try:
        return district.provision(fallback), None
    except LiaisonError:  # another district may number its provisions differently
        return None, None


def _in_plan(plan: Plan, day: dt.date) -> bool:
    return day.year == plan.year


def _document_name(subject: str) -> str:
    return subject if subject.startswith("《") else f"《{subject}》"


def consultations(district: District, plan: Plan, records: Records | None) -> tuple[Draft, ...]:
    """One 征求意见函 per recipient of each consultation sent in a plan year (§1.1)."""
    if records is None:
        return ()
    drafts: list[Draft] = []
    for i, rec in enumerate(records.consultations):
        if not _in_plan(plan, rec.sent):
            continue
        for org_id in rec.sent_to:
            org = district.organisation(org_id)
            letter = consultation_letter(district, rec, org, index=i, records=records)
            drafts.append(Draft("consultation", rec.sent.year, f"{rec.sent.isoformat()}-{rec.id}-{org.id}",
                                letter, rec.id, org.id))
    return tuple(drafts)


def consultation_letter(district: District, rec: ConsultationRecord, recipient: Organisation, *, index: int = 0,
                        records: Records | None = None) -> Letter:
    where = f"records.consultations[{index}]"
    sender = district.organisation(rec.sender or district.general_office().id)
    subject = _document_name(_text(rec.subject, f"{where}.subject"))
    prov, rule = _response(district, "consultation", rec.sent, "§1.1")
    due = rec.due or (rule.due(rec.sent, default_calendar()) if rule is not None else None)
    basis = _basis(district, prov, "征求")
    body: list[Block] = [
        Paragraph(f"{basis}现将{subject}送上，请贵单位研究并提出意见建议。"),
        Paragraph(f"请于{format_date(due)}前将书面意见反馈{_name(sender)}。" if due is not None
                  else f"请于收到本函后及时将书面意见反馈{_name(sender)}。"),
    ]
    contact = _contact(sender, records=records, year=rec.sent.year)
    if contact:
        body.append(Paragraph(contact))
    body.append(Paragraph("特此函告。"))
    return Letter(kind="letter", issuing_authority_mark=_name(sender), doc_number=None,
                  title=f"关于征求对{subject}意见的函", recipients=_name(recipient), body=tuple(body),
                  signature=_name(sender), date=rec.sent,
                  title_units=("关于", "征求", "对", *title_units(subject, _org_names(district)), "意见", "的函"))


# -- 调研成果反馈函 -----------------------------------------------------------------------------------------

STANDARD_FEEDBACK = ("我单位组织有关处室对调研成果进行了认真研究。成果中提出的意见建议对做好相关工作具有重要参考价值，"
                     "我单位将在今后工作中认真研究吸收。")


def feedback_letters(district: District, plan: Plan, records: Records | None) -> tuple[Draft, ...]:
    """One feedback letter per research result answered in a plan year (§1.3), dated the feedback date."""
    if records is None:
        return ()
    drafts: list[Draft] = []
    for i, res in enumerate(records.research_results):
        if res.feedback is None or not _in_plan(plan, res.feedback):
            continue
        letter = feedback_letter(district, res, index=i, records=records)
        drafts.append(Draft("feedback", res.feedback.year, f"{res.feedback.isoformat()}-{res.id}", letter,
                            res.id, district.organisation(res.submitted_by).id))
    return tuple(drafts)


def feedback_letter(district: District, res: ResearchResult, *, index: int = 0,
                    records: Records | None = None) -> Letter:
    if res.feedback is None:
        raise ExportError("a feedback letter needs the feedback date",
                          path=f"records.research_results[{index}].feedback")
    where = f"records.research_results[{index}]"
    dept = district.organisation(res.department)
    branch = district.organisation(res.submitted_by)
    title = _document_name(_text(res.title, f"{where}.title"))
    prov, _rule = _response(district, "research_result", res.received, "§1.3")
    basis = _basis(district, prov, "调研成果")
    summary = _text(res.feedback_summary, f"{where}.feedback_summary", single_line=False).strip()
    paragraphs = [p.strip() for p in summary.splitlines() if p.strip()] or [STANDARD_FEEDBACK]
    body: list[Block] = [
        Paragraph(f"贵单位于{format_date(res.received)}报送的调研成果{title}收悉。{basis}"
                  "现将有关情况反馈如下："),
        *(Paragraph(p) for p in paragraphs),
        Paragraph("感谢贵单位对我单位工作的关心和支持。"),
    ]
    contact = _contact(dept, records=records, year=res.feedback.year)
    if contact:
        body.append(Paragraph(contact))
    body.append(Paragraph("特此函复。"))
    return Letter(kind="letter", issuing_authority_mark=_name(dept), doc_number=None,
                  title=f"关于{title}反馈意见的函", recipients=_name(branch), body=tuple(body),
                  signature=_name(dept), date=res.feedback,
                  title_units=("关于", *title_units(title, _org_names(district)), "反馈", "意见", "的函"))
