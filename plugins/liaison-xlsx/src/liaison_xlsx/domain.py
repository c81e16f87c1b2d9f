"""The district and the plan as the two workbooks show and read them, built from the core.

The plan sheet and the ledger work on the small values made here — :class:`PlannedRow` (an
engagement of the plan with its names, basis and the district's settings it rests on),
:class:`Directory` (the organisations by group and the name look-up a ledger cell goes through,
with the district's own document and record kinds), :class:`KindWord` (a kind as a drop-down
shows it) — and on :data:`RECORD_TYPES` (the record class each ledger section becomes). The words
a ledger may write for a kind (:data:`KIND_SYNONYMS`, 各民主党派 for a whole group) are the
ledger's; everything about the regulation — kinds, provisions, duties, records and their
consistency — is the core's, read through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from liaison.base.errors import DataError, LiaisonError, Location, Refused, sheet_ref
from liaison.base.text import (  # the years any date may fall in; a text field's limit
    FIRST_YEAR,
    LAST_YEAR,
    BoundedText,
    name_key,
)
from liaison.law.district import District
from liaison.law.duties import YearDuties, duties_for
from liaison.law.model import COUNTERPART_KINDS, PARTY_ZH, Organisation, OrgKind
from liaison.law.records import (
    Activity,
    Briefing,
    ConsultationRecord,
    DesignationRecord,
    DocumentRecord,
    HeldEngagement,
    JointResearch,
    Nomination,
    Records,
    RegisteredLetter,
    Reply,
    ResearchResult,
    SpecialAppointment,
    TownActivity,
)
from liaison.law.rules import (
    ACTIVITIES,
    ENGAGEMENT_KIND_EN,
    ENGAGEMENT_KIND_ZH,
    EngagementKind,
    Provision,
    RecordOnly,
    Routing,
    Rule,
    Validity,
    quote_zh,
    record_kind_words,
    record_section,
)
from liaison.law.rules import EVENT_KINDS as CORE_EVENT_KINDS
from liaison.law.terms import (
    HOST_ZH,
    ISSUER_ZH,
    RECIPIENTS_ZH,
    SETTING_ZH,
    term,
)
from liaison.year.engagements import STATUS_ZH, Plan, Status
from liaison.year.planner import guests_text
from liaison.year.settings import planned_settings

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "RECORD_TYPES",
    "REPLY_TYPE",
    "DataError",
    "Directory",
    "KindWord",
    "LiaisonError",
    "Location",
    "PlannedRow",
    "Refused",
    "activity_kinds",
    "check_consistency",
    "document_kinds",
    "engagement_kind",
    "kind_names",
    "make_records",
    "paired_departments",
    "plan_rows",
    "sheet_ref",
    "text_limit",
]

#: Records section (the field of ``Records``) → the record class its rows become.
RECORD_TYPES: dict[str, type] = {
    "engagements": HeldEngagement,
    "documents": DocumentRecord,
    "consultations": ConsultationRecord,
    "research_results": ResearchResult,
    "briefings": Briefing,
    "special_appointments": SpecialAppointment,
    "designations": DesignationRecord,
    "joint_research": JointResearch,
    "nominations": Nomination,
    "town_activities": TownActivity,
    "activities": Activity,
    "register": RegisteredLetter,
}
REPLY_TYPE: type = Reply

def text_limit(section: str, field: str) -> int | None:
    """The most characters the record field ``field`` of ``section`` takes, from its own validator;
    None for a field that is not bounded text (or the ledger's own column)."""
    cls = RECORD_TYPES.get(section)
    attribute = attrs.fields_dict(cls).get(field) if cls is not None else None
    validator = attribute.validator if attribute is not None else None
    # a field checked by more than its text's bounds (a 文号) carries them among its validators
    for each in getattr(validator, "_validators", (validator,)):
        if isinstance(each, BoundedText):
            return each.limit
    return None

#: Kinds an office calls by another name (§3.3 says 工作例会或联席会议). 会议 alone is resolved by the
#: reader: a meeting of the district government is the §3.1 work meeting, any other the §3.3 one.
KIND_SYNONYMS: dict[str, tuple[str, ...]] = {
    "work_meeting": ("工作会议", "联系工作会议", "联系会议"),
    "joint_meeting": ("工作例会", "例会", "联席会", "联席会议"),
    "visit": ("走访", "走访联谊", "领导走访", "拜访"),
    "plenary_meeting": ("全体会议", "全体成员会议", "政府全体会议", "区政府全体会议"),
    "important_meeting": ("重要会议",),
    "symposium": ("座谈", "座谈会"),
    "professional_meeting": ("专业会议", "专业性会议"),
    "major_event": ("大型活动", "重大活动"),
    "inspection": ("检查", "检查工作"),
}
#: The kinds offered in the ledger's drop-down: the core's Chinese names, and 工作例会.
EXTRA_KIND_CHOICES: tuple[tuple[str, str], ...] = (("工作例会", "joint_meeting"),)
#: 会议 in a ledger: hosted by the district government it is this kind, otherwise ``MEETING_DEFAULT``.
MEETING_WORDS = ("会议",)
MEETING_OF_GOVERNMENT = "work_meeting"
MEETING_DEFAULT = "joint_meeting"
#: Kinds whose 邀请单位 (invitations under §1.2, §1.4, §3.5) matter; their rows are pre-filled with it.
EVENT_KINDS = frozenset(k.value for k in CORE_EVENT_KINDS)


def kind_names(district: District | None = None) -> dict[str, str]:
    """Every name of an engagement kind a ledger may use, by :func:`liaison.base.text.name_key` → the
    kind's value: the district's own words first (a rule's label: donghu's 工作例会, 有关会议 — the
    words its pre-filled rows carry), then the project's Chinese, its synonyms and the English value
    (also with spaces)."""
    names: dict[str, str] = {}
    if district is not None:
        for kind in EngagementKind:
            for lang, default in (("zh", ENGAGEMENT_KIND_ZH), ("en", ENGAGEMENT_KIND_EN)):
                label = district.kind_name(kind, lang)
                if label != default.get(kind):
                    names.setdefault(name_key(label), kind.value)
    for kind in EngagementKind:
        value = kind.value
        for name in (value, value.replace("_", " "), value.replace("_", "-"), ENGAGEMENT_KIND_ZH.get(kind, ""),
                     *KIND_SYNONYMS.get(value, ())):
            if name:
                names.setdefault(name_key(name), value)
    return names


def kind_choices(district: District) -> tuple[tuple[str, str], ...]:
    """(Chinese name, value) for the drop-down, in the core's order, each by the district's word."""
    names = kind_names(district)
    own = tuple((district.kind_name(k), k.value) for k in EngagementKind)
    listed = {name for name, _ in own}
    return own + tuple((word, value) for word, value in EXTRA_KIND_CHOICES
                       if word not in listed and names.get(name_key(word)) == value)


def engagement_kind(value: str) -> EngagementKind:
    # the members by value, without Enum's __new__ for each of a 10,000-row ledger's rows
    found = _KINDS_BY_VALUE.get(value)
    return found if found is not None else EngagementKind(value)


_KINDS_BY_VALUE: dict[str, EngagementKind] = {kind.value: kind for kind in EngagementKind}


def kind_zh(district: District, value: str) -> str:
    return district.kind_name(EngagementKind(value))


def party_names() -> tuple[str, ...]:
    return (*PARTY_ZH.values(), "无党派人士")


# ------------------------------------------------------------------------ the district's own kinds
#: 其他 in 文件类型: a document of a kind no copying rule names (recorded, listed as not counted).
OTHER_DOCUMENT = "other"
OTHER_DOCUMENT_ZH = "其他"
#: The kind of a document whose 文件类型 is blank: the records' own default.
DEFAULT_DOCUMENT = str(attrs.fields(DocumentRecord).kind.default)
#: Other words offices write for a document kind, taken where the district's rules name the kind.
DOCUMENT_SYNONYMS = {"政策文件": "policy", "政策性": "policy", OTHER_DOCUMENT_ZH: OTHER_DOCUMENT,
                     "其他文件": OTHER_DOCUMENT, OTHER_DOCUMENT: OTHER_DOCUMENT}


@attrs.frozen
class KindWord:
    """A kind the district's data names — a document kind of its copying rules, a record kind of its
    own — as a sheet shows it: the value, its words, on whom the duty lies (a record kind's rule
    ``by``) and a sentence saying what it is and which provisions speak of it."""

    value: str
    zh: str
    en: str
    explained: str  # 区直部门的抄送对口联系的民主党派、工商联（§3.2 三（二）“文件交换制度”）
    by: str = ""
    default: bool = False  # what a blank cell is read as

    @property
    def shown(self) -> str:
        """The words in a hint or 说明: 政策性文件（不填时）."""
        return self.zh + ("（不填时）" if self.default else "")


def _in_force(rule: Rule, year: int | None) -> bool:
    """Whether a rule version is in force some day of ``year`` (any version when None: a ledger read
    back may be of any year)."""
    return year is None or rule.validity.overlaps(Validity(dt.date(year, 1, 1), dt.date(year + 1, 1, 1)))


def document_kinds(district: District, year: int | None = None) -> tuple[KindWord, ...]:
    """The document kinds the district's copying rules name, in the data's order, by the district's
    words for them (``District.document_kind_name``), each with whose documents go to whom, under
    which provisions (§3.2 in the seed: 政策性文件 and 资料)."""
    found: dict[str, list[tuple[Provision, Routing]]] = {}
    for prov in district.provisions:
        for rule in prov.rules:
            if isinstance(rule, Routing) and _in_force(rule, year):
                found.setdefault(rule.document_kind, []).append((prov, rule))
    words = []
    for kind, rules in found.items():
        routes = "；".join(dict.fromkeys(f"{term(ISSUER_ZH, r.issuer)}的抄送{term(RECIPIENTS_ZH, r.recipients)}"
                                        for _, r in rules))
        cited = "、".join(dict.fromkeys(provision_label(district, p.id) for p, _ in rules))
        words.append(KindWord(kind, district.document_kind_name(kind), district.document_kind_name(kind, "en"),
                              f"{routes}（{cited}）"))
    return tuple(words)


def activity_kinds(district: District, year: int | None = None) -> tuple[KindWord, ...]:
    """The record kinds of the district's own (record-only rules whose records are ``activities``), in
    the data's order, each with on whom its sentence puts the duty, the sentence and its provision."""
    found: dict[str, KindWord] = {}
    for prov in district.provisions:
        for rule in prov.rules:
            if (not isinstance(rule, RecordOnly) or record_section(rule.record_kind) != ACTIVITIES
                    or not _in_force(rule, year) or rule.record_kind in found):
                continue
            zh, en = record_kind_words(rule)
            found[rule.record_kind] = KindWord(
                rule.record_kind, zh, en,
                f"{term(HOST_ZH, rule.by)}：“{quote_zh(rule.sentence_zh)}”（{provision_label(district, prov.id)}）",
                rule.by)
    return tuple(found.values())


def host_zh(host: str) -> str:
    """Who a rule's ``host`` or ``by`` is, in Chinese (镇政府)."""
    return term(HOST_ZH, host)


def kind_lists(district: District, year: int) -> dict[str, tuple[KindWord, ...]]:
    """The district's own kinds a ledger of ``year`` offers, by the drop-down list's name
    (:data:`liaison_xlsx.specs.KIND_LISTS`): its document kinds then 其他 (the blank cell's default
    marked), and its own record kinds."""
    documents = tuple(attrs.evolve(k, default=k.value == DEFAULT_DOCUMENT) for k in document_kinds(district, year))
    other = KindWord(OTHER_DOCUMENT, OTHER_DOCUMENT_ZH, "other", "不属于以上类型的文件：照常登记，不计入抄送检查")
    return {"doc_kinds": (*documents, other), "activity_kinds": activity_kinds(district, year)}


# ------------------------------------------------------------------------------------------ the plan
@attrs.frozen(kw_only=True)
class PlannedRow:
    """One engagement of the plan as the sheets show it: names are ids, sentences are Chinese."""

    id: str
    kind: str  # the kind's value (visit)
    kind_zh: str  # 走访
    date: dt.date
    start: dt.time | None
    end: dt.time | None
    title: str
    host: str  # organisation id
    participants: tuple[str, ...]  # ids, the host first
    basis: tuple[str, ...]  # "§3.6 三（六）" per provision
    status_zh: str
    provisional: bool
    cancelled: bool
    held: bool
    location: str
    note: str
    local: str = ""  # the district's own settings the row rests on (承担方式、时长), "" when the text says all
    guests: str = ""  # 特邀：张三（民进支部）


def _basis(district: District, provisions: Iterable[str]) -> tuple[str, ...]:
    found = []
    for pid in provisions:
        try:
            citation = district.provision(pid).citation_zh
            found.append(pid if citation == pid else f"{pid} {citation}")
        except LiaisonError:
            found.append(pid)
    return tuple(found)


def plan_rows(district: District, plan: Plan, year: int, duties: YearDuties | None = None) -> tuple[PlannedRow, ...]:
    """The year's engagements in the plan's order (cancelled ones included, marked); ``duties``: the
    year's duties, when the caller has them."""
    rows = []
    duties = duties_for(district, year, duties, designations=False)  # the obligations only
    for e in plan.engagements:
        if e.date.year != year:
            continue
        kind = EngagementKind(e.kind)
        settings = planned_settings(district, e, duties)
        rows.append(PlannedRow(
            id=e.id, kind=kind.value, kind_zh=district.kind_name(kind), date=e.date, start=e.start,
            end=e.end, title=e.title_zh, host=e.host, participants=tuple(e.participants),
            basis=_basis(district, e.provisions), status_zh=STATUS_ZH.get(e.status, str(e.status)),
            provisional=bool(e.provisional), cancelled=e.status == Status.CANCELLED, held=e.status == Status.HELD,
            location=e.location or "", note=e.note or "",
            local="、".join(dict.fromkeys(term(SETTING_ZH, f) for f, _ in settings)),
            guests=guests_text(district, e.guests)))
    return tuple(rows)


def provision_label(district: District, pid: str) -> str:
    """``§3.6 三（六）“走访联谊制度”`` for the ledger's titles and its 说明."""
    try:
        prov = district.provision(pid)
    except LiaisonError:
        return pid
    return (pid if prov.citation_zh == pid else f"{pid} {prov.citation_zh}") + f"“{prov.title_zh}”"


def section_provisions(district: District, section: str, year: int) -> tuple[str, ...]:
    """The provisions a ledger sheet of ``section`` is checked against in the year (from the data)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return tuple(p.id for p in district.provisions_in(first, last, section=section))


def kind_citation(district: District, kind: str, year: int) -> str:
    """``第三（一）条`` for the provisions that count engagements of ``kind`` in the year ('' if none)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found = district.provisions_in(first, last, engagement_kind=kind)
    return "、".join(p.article_zh() for p in found)


def paired_departments(district: District, year: int,
                       duties: YearDuties | None = None) -> tuple[tuple[str, str, str, str], ...]:
    """§3.1: (id, 分管领导, 负责处室, 联络人员) of every unit that owes designations in the year, as the
    core's duties say (:class:`liaison.law.duties.YearDuties`, as of 1 January), in directory order,
    with what the district data already names (not the records: the clerk fills those in)."""
    found = []
    duties = duties_for(district, year, duties, designations=False)  # the district's own designations
    for org in district.departments():
        duty = duties.designation(org, with_records=False)
        if duty is not None:
            named = duty.designations
            found.append((org.id, named.leader_in_charge or "", named.liaison_office or "",
                          named.liaison_officer or ""))
    return tuple(found)


# ----------------------------------------------------------------------------------- organisations
@attrs.frozen
class Org:
    id: str
    name: str
    short_name: str
    group: str  # "government", "department", "counterpart", "town", "other"
    party_branch: bool


def _group(org: Organisation) -> str:
    if org.kind in (OrgKind.DISTRICT_GOVERNMENT, OrgKind.GOVERNMENT_OFFICE):
        return "government"
    if org.kind == OrgKind.DEPARTMENT:
        return "department"
    if org.kind in COUNTERPART_KINDS:
        return "counterpart"
    if org.kind == OrgKind.TOWN_GOVERNMENT:
        return "town"
    return "other"


#: Words a ledger may use for a whole group (各民主党派、工商联 is split into these two).
ALL_BRANCHES = ("各民主党派", "各党派", "各民主党派支部")
ALL_COUNTERPARTS = ("各民主党派和工商联", "各民主党派及工商联", "各民主党派工商联", "各党派工商联")


class Directory:
    """The district as the sheets read it: its organisations (drop-down groups, the name look-up) and
    the kinds its own rules name (document kinds, record kinds), each looked up once per ledger."""

    def __init__(self, district: District) -> None:
        self.district = district
        self.orgs = tuple(Org(o.id, o.name, o.short_name, _group(o), o.kind == OrgKind.PARTY_BRANCH)
                          for o in district.organisations)
        self._by_id = {o.id: o for o in self.orgs}
        self._cache: dict[str, str] = {}
        self._engagement_kinds: dict[str, str] | None = None  # name_key of a word → the kind
        self._document_kinds: dict[str, str] | None = None
        self._activity_kinds: dict[str, str] | None = None
        self._government: str | None = None

    def name(self, org_id: str) -> str:
        org = self._by_id.get(org_id)
        return org.name if org else org_id

    def names(self, ids: Iterable[str]) -> str:
        return "、".join(self.name(i) for i in ids)

    def group(self, *groups: str) -> tuple[Org, ...]:
        return tuple(o for o in self.orgs if o.group in groups)

    def is_(self, org_id: str, *groups: str) -> bool:
        org = self._by_id.get(org_id)
        return org is not None and org.group in groups

    def government(self) -> str:
        """The district government's id, found once per ledger (``District.government`` scans the
        organisations: once per 会议 row was a pass over them all per row)."""
        if self._government is None:
            self._government = self.district.government().id
        return self._government

    def expand(self, word: str) -> tuple[str, ...] | None:
        """各民主党派 → every party branch; 各民主党派和工商联 → every branch and the ICF."""
        if word in ALL_BRANCHES:
            return tuple(o.id for o in self.orgs if o.party_branch)
        if word in ALL_COUNTERPARTS:
            return tuple(o.id for o in self.orgs if o.group == "counterpart")
        return None

    def resolve(self, text: str) -> str:
        """An id, a full or short name or an alias → the id; else :class:`Refused` saying why."""
        found = self._cache.get(text)
        if found is not None:
            return found
        try:
            found = self.district.organisation(text).id
        except LiaisonError as exc:
            raise Refused(exc.message, exc.message_zh, exc.fix, exc.fix_zh) from None
        self._cache[text] = found
        return found

    # -- the district's own kinds (any version: a ledger read back may be of any year) ---------------
    def engagement_kind(self, word: str) -> str | None:
        """An engagement kind from the district's word for it or any of :func:`kind_names`."""
        if self._engagement_kinds is None:
            self._engagement_kinds = kind_names(self.district)
        key = name_key(word)
        return self._engagement_kinds.get(key) or self._engagement_kinds.get(key.replace(" ", "_"))

    def engagement_words(self) -> tuple[str, ...]:
        """The Chinese words of the drop-down, for a message."""
        return tuple(word for word, _ in kind_choices(self.district))

    def document_kind(self, word: str) -> str | None:
        """A document kind from its value or its words (资料, materials, material), or 其他; None when
        the district's copying rules name no such kind."""
        if self._document_kinds is None:
            kinds = {k.value for k in document_kinds(self.district)}
            names = {name_key(k): k for k in kinds}
            names.update({name_key(w): k for w, k in DOCUMENT_SYNONYMS.items() if k in kinds or k == OTHER_DOCUMENT})
            self._document_kinds = names
        found = self.district.document_kind(word)  # the district's words, else the project's
        return found if found in self._document_kinds.values() else self._document_kinds.get(name_key(word))

    def document_words(self) -> tuple[tuple[str, str], ...]:
        """What 文件类型 may say: (the word, the kind) of the district's kinds, then 其他."""
        return (*((k.zh, k.value) for k in document_kinds(self.district)), (OTHER_DOCUMENT_ZH, OTHER_DOCUMENT))

    def activity_kind(self, word: str) -> str | None:
        """A record kind of the district's own from its label in either language or its value
        (支持考察调研, support for inspection and research, research_support); None if none is."""
        if self._activity_kinds is None:
            names: dict[str, str] = {}
            for prov in self.district.provisions:
                for rule in prov.rules:
                    if isinstance(rule, RecordOnly) and record_section(rule.record_kind) == ACTIVITIES:
                        for name in (rule.record_kind, *record_kind_words(rule)):
                            names.setdefault(name_key(name), rule.record_kind)
            self._activity_kinds = names
        return self._activity_kinds.get(name_key(word))

    def activity_words(self) -> tuple[tuple[str, str], ...]:
        """(Chinese label, kind) of the district's own record kinds."""
        return tuple((k.zh, k.value) for k in activity_kinds(self.district))


# --------------------------------------------------------------------------------------- records
def make_records(recorded: str, district: District, sections: Mapping[str, Sequence[Any]]) -> Records:
    """The records as read; :func:`check_consistency` fills in and checks them as the core does every reader's."""
    return Records(district_id=recorded, **{name: tuple(items) for name, items in sections.items()})


def check_consistency(records: Records, district: District, file: str) -> Records:
    """The records as the core finishes every reader's (:meth:`Records.checked`: a consultation's
    sender filled in; unique ids, replies, research kinds checked) — here, so an error names its cell.

    Raises the core's :class:`DataError`, whose location's path is keys and indices
    (``("research_results", 2, "feedback")``), so the reader can name the cell instead."""
    return records.checked(district, file=file)
