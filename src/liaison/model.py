"""The regulation's nouns as frozen value objects.

Organisations, the dated pairings between district departments and the democratic-party branches
or the ICF (§2.1, §2.2), and the provisions with their machine-readable rules. Everything here is
plain data: the loader (``liaison.loader``) builds it from a district file, the queries
(``liaison.district``) answer questions about it.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from typing import Any, Literal, Protocol

import attrs

_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"} | {"\x7f"}


def _check_text(value: str, name: str, *, single_line: bool) -> None:
    bad = next((ch for ch in value if ch in _CONTROL or (single_line and ch in "\r\n\t")), None)
    if bad is not None:
        raise ValueError(f"{name} contains the control character {bad!r}; remove it")


def interned(value: Any) -> Any:
    """Ids are compared constantly (pairings, participants, busy slots): share one string object."""
    return sys.intern(value) if type(value) is str else value


def name_text(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A name: non-empty, one line, no control characters."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute.name} must not be empty")
    _check_text(value, attribute.name, single_line=True)


def free_text(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Free text (may be absent or multi-line) without control characters."""
    if isinstance(value, str):
        _check_text(value, attribute.name, single_line=False)
    elif isinstance(value, tuple):
        for item in value:
            if isinstance(item, str):
                if not item.strip():
                    raise ValueError(f"{attribute.name} must not hold an empty name")
                _check_text(item, attribute.name, single_line=True)


def long_text(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Required multi-line text (a provision's verbatim wording)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute.name} must not be empty")
    _check_text(value, attribute.name, single_line=False)


def positive(_inst: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be positive, not {value}")


def not_negative(_inst: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must not be negative, not {value}")


def _period_order(inst: object, _attribute: object, value: dt.date | None) -> None:
    start = getattr(inst, "valid_from", None)
    if value is not None and start is not None and value <= start:
        raise ValueError(f"valid_until {value} must be after valid_from {start}")


class OrgKind(enum.StrEnum):
    """Every kind of body the regulation names."""

    DISTRICT_GOVERNMENT = "district_government"  # 区政府
    GOVERNMENT_OFFICE = "government_office"  # 区政府办公室
    PEOPLES_CONGRESS = "peoples_congress"  # 区人民代表大会
    DEPARTMENT = "department"  # 区直部门
    PARTY_BRANCH = "party_branch"  # 民主党派（总）支部
    ICF = "icf"  # 区工商联
    TOWN_GOVERNMENT = "town_government"  # 镇政府 (§3.8)
    CHAMBER_OF_COMMERCE = "chamber_of_commerce"  # 镇商会 (§3.8)


ORG_KIND_ZH: dict[OrgKind, str] = {
    OrgKind.DISTRICT_GOVERNMENT: "区政府",
    OrgKind.GOVERNMENT_OFFICE: "政府办公室",
    OrgKind.PEOPLES_CONGRESS: "人民代表大会",
    OrgKind.DEPARTMENT: "区直部门",
    OrgKind.PARTY_BRANCH: "民主党派",
    OrgKind.ICF: "工商联",
    OrgKind.TOWN_GOVERNMENT: "镇政府",
    OrgKind.CHAMBER_OF_COMMERCE: "镇商会",
}


class Party(enum.StrEnum):
    """The eight democratic parties."""

    RCCK = "rcck"  # 民革
    CDL = "cdl"  # 民盟
    CNDCA = "cndca"  # 民建
    CAPD = "capd"  # 民进
    CPWDP = "cpwdp"  # 农工党
    CZGP = "czgp"  # 致公党
    JIUSAN = "jiusan"  # 九三学社
    TDSL = "tdsl"  # 台盟


PARTY_ZH: dict[Party, str] = {
    Party.RCCK: "民革",
    Party.CDL: "民盟",
    Party.CNDCA: "民建",
    Party.CAPD: "民进",
    Party.CPWDP: "农工党",
    Party.CZGP: "致公党",
    Party.JIUSAN: "九三学社",
    Party.TDSL: "台盟",
}


class BranchLevel(enum.StrEnum):
    """The level of a party's local organisation."""

    BRANCH = "branch"  # 支部
    GENERAL_BRANCH = "general_branch"  # 总支部
    COMPREHENSIVE_SUB_BRANCH = "comprehensive_sub_branch"  # 综合支社
    COMMITTEE = "committee"  # 委员会


BRANCH_LEVEL_ZH: dict[BranchLevel, str] = {
    BranchLevel.BRANCH: "支部",
    BranchLevel.GENERAL_BRANCH: "总支部",
    BranchLevel.COMPREHENSIVE_SUB_BRANCH: "综合支社",
    BranchLevel.COMMITTEE: "委员会",
}

#: Kinds that can be the counterpart of a pairing: a party branch or the ICF (§2).
COUNTERPART_KINDS = frozenset({OrgKind.PARTY_BRANCH, OrgKind.ICF})


@attrs.frozen
class Designations:
    """§3.1: each paired unit names a leader in charge, a liaison office and a liaison officer.

    Each is optional data; compliance reports the ones missing.
    """

    leader_in_charge: str | None = attrs.field(default=None, validator=free_text)  # 分管领导
    liaison_office: str | None = attrs.field(default=None, validator=free_text)  # 具体处室
    liaison_officer: str | None = attrs.field(default=None, validator=free_text)  # 联络人员


DESIGNATION_ZH = {
    "leader_in_charge": "分管领导",
    "liaison_office": "负责处室",
    "liaison_officer": "联络人员",
}


@attrs.frozen
class Organisation:
    """A body the regulation speaks of, referred to everywhere by its stable ``id``."""

    id: str = attrs.field(validator=name_text, converter=interned)
    name: str = attrs.field(validator=name_text)  # full Chinese name as the regulation writes it: 区卫生局
    short_name: str = attrs.field(validator=name_text)  # e.g. 卫生局
    name_en: str = attrs.field(validator=name_text)
    kind: OrgKind
    party: Party | None = None
    level: BranchLevel | None = None
    aliases: tuple[str, ...] = attrs.field(default=(), validator=free_text)
    leader: str | None = attrs.field(default=None, validator=free_text)  # 负责人, invited under §1.2, §3.5
    designations: Designations = Designations()
    location: str | None = attrs.field(default=None, validator=free_text)

    @property
    def is_counterpart(self) -> bool:
        return self.kind in COUNTERPART_KINDS

    def names(self) -> tuple[str, ...]:
        """Every name the organisation answers to (id, names, aliases)."""
        return (self.id, self.name, self.short_name, self.name_en, *self.aliases)


@attrs.frozen
class Validity:
    """A half-open period ``[valid_from, valid_until)``; ``valid_until=None`` means still in force."""

    valid_from: dt.date
    valid_until: dt.date | None = attrs.field(default=None, validator=_period_order)

    def contains(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)

    def overlaps(self, other: Validity) -> bool:
        a_end = self.valid_until or dt.date.max
        b_end = other.valid_until or dt.date.max
        return self.valid_from < b_end and other.valid_from < a_end

    def overlaps_range(self, start: dt.date, end: dt.date) -> bool:
        """True when any day of the closed range ``[start, end]`` is in force."""
        return self.overlaps(Validity(start, end + dt.timedelta(days=1)))


@attrs.frozen
class Pairing:
    """对口联系: a district department paired with a party branch or the ICF.

    ``clause`` is the provision that creates it: §2.1 (common liaison unit, paired with every branch
    and the ICF) or §2.2 (the listed pairings). A pairing is in force during ``validity``; an
    amendment ends one version (``valid_until``) and starts another.
    """

    department: str = attrs.field(validator=name_text, converter=interned)
    counterpart: str = attrs.field(validator=name_text, converter=interned)
    clause: str = attrs.field(validator=name_text)
    valid_from: dt.date
    valid_until: dt.date | None = attrs.field(default=None, validator=_period_order)
    note: str | None = attrs.field(default=None, validator=free_text)
    #: (department, counterpart): the pairing across its versions. Kept rather than rebuilt: the
    #: planner and compliance look it up for every engagement.
    key: tuple[str, str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "key", (self.department, self.counterpart))

    @property
    def validity(self) -> Validity:
        return Validity(self.valid_from, self.valid_until)

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


class Modality(enum.StrEnum):
    """How binding a provision is, read from its wording."""

    SHALL = "shall"  # 应 / 要 / plain imperative
    GENERALLY_SHALL = "generally_shall"  # 一般应
    MAY = "may"  # 可 / 视情
    AS_NEEDED = "as_needed"  # 根据需要
    NONE = "none"  # preamble, headings: no duty of its own


MODALITY_ZH: dict[Modality, str] = {
    Modality.SHALL: "应",
    Modality.GENERALLY_SHALL: "一般应",
    Modality.MAY: "可",
    Modality.AS_NEEDED: "根据需要",
    Modality.NONE: "—",
}

#: Modalities whose shortfall is a violation rather than information.
BINDING = frozenset({Modality.SHALL, Modality.GENERALLY_SHALL})


class EngagementKind(enum.StrEnum):
    WORK_MEETING = "work_meeting"  # §3.1 联系工作会议
    JOINT_MEETING = "joint_meeting"  # §3.3 工作例会或联席会议
    VISIT = "visit"  # §3.6 走访
    PLENARY_MEETING = "plenary_meeting"  # §1.2 全体成员会议（列席）
    IMPORTANT_MEETING = "important_meeting"  # §1.2 某些重要会议
    SYMPOSIUM = "symposium"  # §1.2 座谈
    PROFESSIONAL_MEETING = "professional_meeting"  # §1.3 专业性会议
    MAJOR_EVENT = "major_event"  # §3.5 大型活动
    INSPECTION = "inspection"  # §1.4 检查工作


ENGAGEMENT_KIND_ZH: dict[EngagementKind, str] = {
    EngagementKind.WORK_MEETING: "联系工作会议",
    EngagementKind.JOINT_MEETING: "联席会议",
    EngagementKind.VISIT: "走访",
    EngagementKind.PLENARY_MEETING: "区政府全体成员会议",
    EngagementKind.IMPORTANT_MEETING: "重要会议",
    EngagementKind.SYMPOSIUM: "座谈会",
    EngagementKind.PROFESSIONAL_MEETING: "专业性会议",
    EngagementKind.MAJOR_EVENT: "大型活动",
    EngagementKind.INSPECTION: "检查工作",
}

#: Who the rule speaks to or about.
Host = Literal["district_government", "department", "town_government"]
#: Whom a routing or invitation reaches.
Recipients = Literal["all_counterparts", "paired_counterparts", "relevant_counterparts"]


@attrs.frozen
class RuleVersion:
    """What every rule has: an optional modality of its own (else the provision's) and the dates
    this version of the rule is in force. Keyword-only, so each rule lists its own fields first."""

    modality: Modality | None = attrs.field(default=None, kw_only=True)
    valid_from: dt.date = attrs.field(default=dt.date(1900, 1, 1), kw_only=True)
    valid_until: dt.date | None = attrs.field(default=None, validator=_period_order, kw_only=True)

    @property
    def validity(self) -> Validity:
        return Validity(self.valid_from, self.valid_until)


@attrs.frozen
class Cadence(RuleVersion):
    """A recurring obligation: between ``min_per_period`` and ``max_per_period`` engagements of one
    kind in every period of ``period_years`` years, periods counted from ``cycle_anchor_year``.

    ``scope="pairing"`` counts per pairing (§3.3, §3.6); ``scope="government"`` counts once for the
    whole district (§3.1 work meeting with all branches and the ICF).
    """

    key: str = attrs.field(validator=name_text)
    engagement_kind: EngagementKind
    scope: Literal["pairing", "government"]
    host: Host
    min_per_period: int = attrs.field(validator=not_negative)
    max_per_period: int | None = attrs.field(default=None)
    period_years: int = attrs.field(default=1, validator=positive)
    cycle_anchor_year: int = 2022
    duration_minutes: int = attrs.field(default=120, validator=positive)

    @max_per_period.validator
    def _max_not_below_min(self, _attribute: object, value: int | None) -> None:
        if value is not None and value < self.min_per_period:
            raise ValueError(f"min_per_period {self.min_per_period} is above max_per_period {value}")

    def period_of(self, year: int) -> tuple[int, int]:
        """The first and last year of the period that contains ``year``."""
        offset = (year - self.cycle_anchor_year) % self.period_years
        first = year - offset
        return first, first + self.period_years - 1

    def due_in(self, year: int) -> bool:
        """True in the year a period's engagement is planned: the first year of each period."""
        return (year - self.cycle_anchor_year) % self.period_years == 0


@attrs.frozen
class Routing(RuleVersion):
    """§3.2: documents of a kind from an issuer are copied (抄送) to recipients."""

    key: str
    issuer: Literal["government", "department"]
    document_kind: str
    recipients: Recipients


@attrs.frozen
class Invitation(RuleVersion):
    """An event of a kind invites recipients in a role (列席 / 参加 / 座谈)."""

    key: str
    event_kind: EngagementKind
    host: Host
    recipients: Recipients
    role_zh: str


class WorkingDays(Protocol):
    def is_working_day(self, day: dt.date) -> bool: ...


@attrs.frozen
class Response(RuleVersion):
    """Something sent to or received from the branches wants an answer within ``due_days`` calendar
    days or ``due_working_days`` working days (工作日, counted on the working-day calendar)."""

    key: str
    trigger: Literal["consultation", "research_result"]
    responder: Literal["branches", "department", "district_government"]
    due_days: int | None = attrs.field(default=None)
    due_working_days: int | None = attrs.field(default=None)

    @due_days.validator
    def _positive_days(self, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None:
            positive(self, attribute, value)

    @due_working_days.validator
    def _one_deadline(self, attribute: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None:
            positive(self, attribute, value)
        if (value is None) == (self.due_days is None):
            raise ValueError("give either due_days or due_working_days")

    def due(self, start: dt.date, calendar: WorkingDays) -> dt.date:
        """The deadline for something sent or received on ``start``."""
        if self.due_days is not None:
            return start + dt.timedelta(days=self.due_days)
        assert self.due_working_days is not None
        day, left = start, self.due_working_days
        while left:
            day += dt.timedelta(days=1)
            if calendar.is_working_day(day):
                left -= 1
        return day

    def describe_zh(self) -> str:
        return f"{self.due_days}日内" if self.due_days is not None else f"{self.due_working_days}个工作日内"


@attrs.frozen
class DesignationRule(RuleVersion):
    """§3.1: every unit with a pairing in force names the people and office listed in ``roles``."""

    key: str
    roles: tuple[str, ...]
    applies_to: Literal["paired_departments"]


@attrs.frozen
class RecordOnly(RuleVersion):
    """A duty the code records and reports but cannot count (§3.4 joint research, §3.7, §3.8)."""

    key: str
    record_kind: str


Rule = Cadence | Routing | Invitation | Response | DesignationRule | RecordOnly

RULE_TAGS: dict[type, str] = {
    Cadence: "cadence",
    Routing: "routing",
    Invitation: "invitation",
    Response: "response",
    DesignationRule: "designation",
    RecordOnly: "record_only",
}


@attrs.frozen
class Provision:
    """One numbered provision: its citation, verbatim Chinese text and rules.

    ``id`` is the project's citation (``§3.3``); ``citation_zh`` the Chinese form (三（三）).
    """

    id: str = attrs.field(validator=name_text)
    citation_zh: str = attrs.field(validator=name_text)
    title_zh: str = attrs.field(validator=name_text)
    title_en: str = attrs.field(validator=name_text)
    text_zh: str = attrs.field(validator=long_text)
    modality: Modality
    text_en: str = attrs.field(default="", validator=free_text)
    rules: tuple[Rule, ...] = ()

    def cite_zh(self) -> str:
        """The citation as a Chinese letter writes it: 第三（三）条“会议协商制度”."""
        return f"第{self.citation_zh}条“{self.title_zh}”"

    def rule(self, key: str, as_of: dt.date) -> Rule | None:
        """The version of rule ``key`` in force on ``as_of``."""
        for rule in self.rules:
            if rule.key == key and rule.validity.contains(as_of):
                return rule
        return None

    def modality_of(self, rule: Rule) -> Modality:
        return rule.modality or self.modality


@attrs.frozen
class DistrictInfo:
    """What the data file says about itself."""

    id: str = attrs.field(validator=name_text)
    name: str = attrs.field(validator=name_text)
    name_en: str = attrs.field(validator=name_text)
    regulation_title: str = attrs.field(validator=name_text)
    source: str = attrs.field(validator=free_text)
    note: str = attrs.field(default="", validator=free_text)
    timezone: str = "Asia/Shanghai"
