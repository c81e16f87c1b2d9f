"""Provisions and their machine-readable rules, with the basis of every number and reading.

A provision is a numbered paragraph of the regulation (``§3.6``) with its verbatim text; its rules
say what the code does with it. Each rule quotes the sentence it implements (``sentence_zh``) and
carries its own modality (应 shall, 一般应 generally shall, 可/视情 may, 根据需要 as needed). Every
number and reading is either stated by the regulation (basis ``text``) or chosen by the district
(``local``): a rule lists its local settings in ``local`` with a note saying why, and every output
resting on one says so. Rules are dated (``valid_from``/``valid_until``), so an amendment is a new
version, and another district's regulation is data, not code.

The module is longer than most (about 450 lines) on purpose: the six rule kinds share one dated base
and one set of validators, and :class:`Provision` holds them as one tagged union that the strict
converter structures by its ``kind`` tag; split across modules, each kind would import the others'
validators and the tag table would sit apart from the kinds it names. Their words in each language
are in :mod:`liaison.law.terms`.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import enum
import functools
import re
from typing import Any, Literal, Protocol, TypeVar, assert_never, overload

import attrs

from liaison.base.errors import Refused
from liaison.base.text import (
    LONG_TEXT_MAX,
    bounded_text,
    free_text,
    identifier,
    in_range,
    line_text,
    long_text,
    name_en_text,
    name_text,
    title_text,
)
from liaison.law.terms import (
    ANSWER_EN,
    ANSWER_ZH,
    COPYING_EN,
    COPYING_ZH,
    DESIGNATION_EN,
    DESIGNATION_ZH,
    DOCUMENT_KIND_EN,
    DOCUMENT_KIND_ZH,
    HOST_EN,
    HOST_ZH,
    ISSUER_EN,
    ISSUER_ZH,
    RECIPIENTS_EN,
    RECIPIENTS_ZH,
    RECORD_KIND_EN,
    RECORD_KIND_ZH,
    SCOPE_EN,
    SCOPE_ZH,
    TRIGGER_EN,
    TRIGGER_ZH,
    term,
)

_FULL_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"})


def normal_text(text: str) -> str:
    """Text as compared with a provision's words: full-width punctuation, no spaces or line breaks."""
    return "".join(text.translate(_FULL_WIDTH).split())


def quote_zh(text: str) -> str:
    """A sentence of the regulation as a Chinese text quotes it: full-width punctuation, one line."""
    return " ".join(text.split()).translate(_FULL_WIDTH)


class Modality(enum.StrEnum):
    """How binding a sentence is, read from its wording."""

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
MODALITY_EN: dict[Modality, str] = {
    Modality.SHALL: "shall",
    Modality.GENERALLY_SHALL: "generally shall",
    Modality.MAY: "may",
    Modality.AS_NEEDED: "as needed",
    Modality.NONE: "—",
}

Basis = Literal["text", "local"]
BASIS_ZH = {"text": "原文规定", "local": "本区设定（原文未规定）"}
BASIS_EN = {"text": "stated by the regulation", "local": "the district's own setting (not in the text)"}


@attrs.frozen
class LocalSettings:
    """The fields of a rule (or pairing) that the district chose, each with a note saying why.

    In a data file: ``local = { due_days = "反馈期限原文未规定；30 日为本区设定" }``."""

    notes: tuple[tuple[str, str], ...] = ()

    def __contains__(self, field: object) -> bool:
        return any(name == field for name, _ in self.notes)

    def __bool__(self) -> bool:
        return bool(self.notes)

    def note(self, field: str) -> str | None:
        return next((note for name, note in self.notes if name == field), None)

    def fields(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.notes)


def local_needs_a_note(inst: Any) -> None:
    """A value the district chose as a whole (``basis = "local"``) says why, in ``note``."""
    if getattr(inst, "basis", "text") == "local" and not getattr(inst, "note", "").strip():
        raise Refused('basis is "local": say in note why the district chose it',
                      'basis 为 "local"：请在 note 中说明本区为何这样设定', field="note")


def _local_fields_exist(inst: Any, attribute: attrs.Attribute[Any], value: LocalSettings) -> None:
    known = {f.name for f in attrs.fields(type(inst))} - {"local", "note", "basis", "modality", "key", "label_zh",
                                                          "label_en"}
    for name, note in value.notes:
        if name not in known:
            raise Refused(f"local names {name!r}, which is not a field here "
                          f"(fields: {', '.join(sorted(known))})",
                          f"local 中的 {name!r} 不是此处的字段（字段有：{'、'.join(sorted(known))}）", field="local")
        if not note.strip():
            raise Refused(f"local.{name} needs a note saying why the district chose it",
                          f"local.{name} 需要一段说明，写明本区为何这样设定", field="local")


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
ENGAGEMENT_KIND_EN: dict[EngagementKind, str] = {
    EngagementKind.WORK_MEETING: "liaison work meeting",
    EngagementKind.JOINT_MEETING: "joint meeting",
    EngagementKind.VISIT: "leader visit",
    EngagementKind.PLENARY_MEETING: "plenary meeting of the government",
    EngagementKind.IMPORTANT_MEETING: "important meeting",
    EngagementKind.SYMPOSIUM: "symposium",
    EngagementKind.PROFESSIONAL_MEETING: "professional meeting",
    EngagementKind.MAJOR_EVENT: "major event",
    EngagementKind.INSPECTION: "inspection",
}

#: Kinds the user gives as dated events (§1.2, §1.3, §1.4, §3.5); the planner plans the others.
EVENT_KINDS = frozenset({EngagementKind.PLENARY_MEETING, EngagementKind.IMPORTANT_MEETING, EngagementKind.SYMPOSIUM,
                         EngagementKind.PROFESSIONAL_MEETING, EngagementKind.MAJOR_EVENT, EngagementKind.INSPECTION})

#: Who holds what a rule speaks of: the district government (with its general office), a department, a
#: town government, a party branch or the ICF (``counterpart``), either side of a pairing
#: (``either_side``: §3.3's meetings are 由对口联系双方协商定期召开), or the government or a department.
Host = Literal["district_government", "department", "town_government", "counterpart", "either_side",
               "government_or_department"]
#: Whom a routing or invitation reaches: every branch and the ICF, the host's paired ones, those the
#: event names (``relevant_counterparts``: 有关民主党派, all of them by default), or the government.
Recipients = Literal["all_counterparts", "paired_counterparts", "relevant_counterparts", "government"]
#: Record-only kinds with a records section of their own (each a section of a records file); any other
#: record kind a district names is kept in the ``activities`` section under that kind.
RECORD_KINDS = ("joint_research", "cadre_nomination", "town_activity", "briefing", "special_personnel")

def _period_order(inst: object, _attribute: object, value: dt.date | None) -> None:
    start = getattr(inst, "valid_from", None)
    if value is not None and start is not None and value <= start:
        raise Refused(f"valid_until {value} must be after valid_from {start}",
                      f"valid_until {value} 应晚于 valid_from {start}", field="valid_until")


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

    def clip(self, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date] | None:
        """The days of ``[first, last]`` in force, or None."""
        start = max(first, self.valid_from)
        end = last if self.valid_until is None else min(last, self.valid_until - dt.timedelta(days=1))
        return (start, end) if start <= end else None


@attrs.frozen
class RuleVersion:
    """What every rule has: its key, the sentence it implements, its modality (else the provision's),
    the dates this version is in force, its basis, its local settings and a free note. Keyword-only,
    so each rule lists its own fields first."""

    key: str = attrs.field(validator=identifier, kw_only=True)
    sentence_zh: str = attrs.field(default="", validator=free_text, kw_only=True)
    modality: Modality | None = attrs.field(default=None, kw_only=True)
    valid_from: dt.date = attrs.field(default=dt.date(1950, 1, 1), kw_only=True)
    valid_until: dt.date | None = attrs.field(default=None, validator=_period_order, kw_only=True)
    basis: Basis = attrs.field(default="text", kw_only=True)
    local: LocalSettings = attrs.field(default=LocalSettings(), validator=_local_fields_exist, kw_only=True)
    note: str = attrs.field(default="", validator=free_text, kw_only=True)
    #: what the district's text calls the thing the rule is about, where it differs from the project's
    #: word: a cadence's or invitation's engagement (工作例会, 全体会议), a routing's documents, a
    #: record-only rule's records (支持考察调研); outputs use it instead of the default
    label_zh: str = attrs.field(default="", validator=line_text, kw_only=True)
    label_en: str = attrs.field(default="", validator=line_text, kw_only=True)

    def __attrs_post_init__(self) -> None:
        local_needs_a_note(self)

    @functools.cached_property
    def validity(self) -> Validity:
        # Kept with the rule (it is frozen): asked for every rule each time a district's rules in force
        # are looked up, some 2,700 times a seed district's export, each a validated attrs instance.
        return Validity(self.valid_from, self.valid_until)

    def is_local(self, field: str) -> bool:
        return self.basis == "local" or field in self.local


Scope = Literal["government", "department", "pairing"]


def _months(year: int, month: int, add: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + add
    return index // 12, index % 12 + 1


@attrs.frozen(kw_only=True)
class Cadence(RuleVersion):
    """A recurring obligation: between ``min_per_period`` and ``max_per_period`` engagements of one
    kind in every period, periods of ``period_months`` (or ``period_years``) counted from 1 January
    of ``cycle_anchor_year``.

    ``scope`` is the reading of who owes it: ``government`` (once for the whole district, §3.1),
    ``department`` (each department, with its paired organisations) or ``pairing`` (each pairing).
    """

    engagement_kind: EngagementKind
    scope: Scope
    host: Host
    min_per_period: int = attrs.field(validator=in_range(0, 52))
    max_per_period: int | None = attrs.field(default=None, validator=in_range(1, 52))
    period_years: int | None = attrs.field(default=None, validator=in_range(1, 10))
    period_months: int | None = attrs.field(default=None, validator=in_range(1, 120))
    cycle_anchor_year: int = attrs.field(default=2000, validator=in_range(1950, 2199))
    duration_minutes: int = attrs.field(default=120, validator=in_range(15, 720))

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.max_per_period is not None and self.max_per_period < self.min_per_period:
            raise Refused(f"min_per_period {self.min_per_period} is above max_per_period {self.max_per_period}",
                          f"min_per_period {self.min_per_period} 大于 max_per_period {self.max_per_period}",
                          field="max_per_period")
        if self.period_years is not None and self.period_months is not None:
            raise Refused("give period_years or period_months, not both",
                          "period_years 与 period_months 只能给出其一", field="period_months")
        if self.months % 12 and 12 % self.months:
            raise Refused(f"a period of {self.months} months does not divide the year; use 1, 2, "
                          "3, 4, 6, 12 months or whole years",
                          f"{self.months} 个月的周期不能整分一年；请用 1、2、3、4、6、12 个月或整年",
                          field="period_months")

    @property
    def months(self) -> int:
        if self.period_months is not None:
            return self.period_months
        return 12 * (self.period_years or 1)

    def period_of(self, day: dt.date) -> tuple[dt.date, dt.date]:
        """The period (first and last day) that contains ``day``."""
        offset = ((day.year - self.cycle_anchor_year) * 12 + day.month - 1) % self.months
        year, month = _months(day.year, day.month, -offset)
        end_year, end_month = _months(year, month, self.months - 1)
        return dt.date(year, month, 1), dt.date(end_year, end_month, _calendar.monthrange(end_year, end_month)[1])

    def periods(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
        """Every period with a day in ``[first, last]``, in order."""
        found = []
        day = first
        while day <= last:
            period = self.period_of(day)
            found.append(period)
            day = period[1] + dt.timedelta(days=1)
        return found

    def how_often_zh(self) -> tuple[str, str]:
        """(每年 / 每半年 / 每2年, 至少1次 / 1至2次 / 1次), from the numbers."""
        months = self.months
        period = {12: "每年", 6: "每半年", 3: "每季度", 1: "每月"}.get(months) or (
            f"每{months // 12}年" if months % 12 == 0 else f"每{months}个月")
        lo, hi = self.min_per_period, self.max_per_period
        count = f"至少{lo}次" if hi is None else (f"{lo}次" if hi == lo else f"{lo}至{hi}次")
        return period, count

    def how_often_en(self) -> tuple[str, str]:
        """The same in English (the two languages' phrasing differs too much to share one table)."""
        months = self.months
        period = {12: "a year", 6: "every half year", 3: "a quarter", 1: "a month"}.get(months) or (
            f"every {months // 12} years" if months % 12 == 0 else f"every {months} months")
        lo, hi = self.min_per_period, self.max_per_period
        count = f"at least {lo}" if hi is None else (f"{lo}" if hi == lo else f"{lo} to {hi}")
        return period, count


@attrs.frozen(kw_only=True)
class Routing(RuleVersion):
    """§3.2: documents of a kind from an issuer are copied (抄送) to recipients."""

    issuer: Literal["government", "department"]
    document_kind: str = attrs.field(validator=name_text)
    recipients: Recipients


@attrs.frozen(kw_only=True)
class Invitation(RuleVersion):
    """An event of a kind held by ``host`` invites recipients in a role (列席 / 参加 / 座谈). The host is
    what the text fixes (§1.2's 全体成员会议 is 区政府召开的): an event of this kind held by anyone else is
    not this rule's; a records file that says otherwise is refused at load."""

    event_kind: EngagementKind
    host: Host
    recipients: Recipients
    role_zh: str = attrs.field(validator=name_text)
    role_en: str = attrs.field(default="attend", validator=name_en_text)


class WorkingDays(Protocol):
    def is_working_day(self, day: dt.date) -> bool: ...


@attrs.frozen(kw_only=True)
class Response(RuleVersion):
    """Something sent to or received from the branches wants an answer within ``due_days`` calendar
    days or ``due_working_days`` working days (工作日, counted on the working-day calendar)."""

    trigger: Literal["consultation", "research_result"]
    responder: Literal["branches", "department", "district_government"]
    due_days: int | None = attrs.field(default=None, validator=in_range(1, 366))
    due_working_days: int | None = attrs.field(default=None, validator=in_range(1, 250))

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if (self.due_days is None) == (self.due_working_days is None):
            raise Refused("give either due_days or due_working_days",
                          "due_days 与 due_working_days 须给出其一，且只给一个", field="due_days")

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

    @property
    def deadline_field(self) -> str:
        return "due_days" if self.due_days is not None else "due_working_days"

    def describe_zh(self) -> str:
        return f"{self.due_days}日内" if self.due_days is not None else f"{self.due_working_days}个工作日内"

    def describe_en(self) -> str:
        return f"within {self.due_days} days" if self.due_days is not None else \
            f"within {self.due_working_days} working days"


@attrs.frozen(kw_only=True)
class DesignationRule(RuleVersion):
    """§3.1: every unit with a pairing in force names the people and office listed in ``roles``."""

    roles: tuple[Literal["leader_in_charge", "liaison_office", "liaison_officer"], ...]
    applies_to: Literal["paired_departments"]


_KIND_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def _kind_name(_inst: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if not _KIND_NAME.fullmatch(value):
        raise Refused(f"{attribute.name} {value[:60]!r} is not a kind's name: lower-case "
                      "letters a–z, digits and underscores, starting with a letter, at most 40 characters",
                      f"{attribute.name} “{value[:60]}”不是有效的种类名：只能用小写字母 a–z、数字和下划线，"
                      "以字母开头，最多 40 个字符", field=attribute.name)


@attrs.frozen(kw_only=True)
class RecordOnly(RuleVersion):
    """A duty the code records and reports but cannot count (§3.4 joint research, §3.7, §3.8, …).

    ``record_kind`` names the records kept for it: one of :data:`RECORD_KINDS` (a records section of
    its own), or a kind of the district's choosing kept in the ``activities`` section, named in each
    language by ``label_zh`` / ``label_en``. ``by`` is who the sentence puts the duty on (the finding
    names them)."""

    record_kind: str = attrs.field(validator=_kind_name)
    by: Host = "department"


Rule = Cadence | Routing | Invitation | Response | DesignationRule | RecordOnly
#: A kind of rule asked for by its class (``District.rules(Cadence, day)``), so the answer is typed by it.
R = TypeVar("R", bound=RuleVersion)

#: The records section (a field of ``Records``) each record-only kind is kept in.
RECORD_SECTIONS: dict[str, str] = {"joint_research": "joint_research", "cadre_nomination": "nominations",
                                   "town_activity": "town_activities", "briefing": "briefings",
                                   "special_personnel": "special_appointments"}


#: The records section of every record kind a district names beyond :data:`RECORD_KINDS`.
ACTIVITIES = "activities"


def record_section(record_kind: str) -> str:
    """The records section a record-only kind is kept in."""
    return RECORD_SECTIONS.get(record_kind, ACTIVITIES)


def record_kind_words(rule: RecordOnly) -> tuple[str, str]:
    """What a record-only rule's records are called, in Chinese and English: the rule's own label, else
    the words for the kinds with a section of their own."""
    return (rule.label_zh or RECORD_KIND_ZH.get(rule.record_kind, rule.record_kind),
            rule.label_en or RECORD_KIND_EN.get(rule.record_kind, rule.label_zh or rule.record_kind))


def sections_read(rule: Rule) -> tuple[str, ...]:
    """The records sections a rule is checked against (a ledger sheet cites the rule's provision)."""
    if isinstance(rule, Cadence | Invitation):
        return ("engagements",)
    if isinstance(rule, Routing):
        return ("documents",)
    if isinstance(rule, Response):
        return ("consultations",) if rule.trigger == "consultation" else ("research_results",)
    if isinstance(rule, DesignationRule):
        return ("designations",)
    return (record_section(rule.record_kind),)

def rule_label(rule: Rule) -> tuple[str, str]:
    """What a rule is about, (Chinese, English): a column's heading where a provision has several
    rules. The rule's own label where the data gives one, else the words of :mod:`liaison.law.terms`."""
    if isinstance(rule, Cadence):
        return _kind_words(rule.label_zh, rule.label_en, rule.engagement_kind)
    if isinstance(rule, Invitation):
        zh, en = _kind_words(rule.label_zh, rule.label_en, rule.event_kind)
        return f"{zh}邀请", f"{en} invitations"
    if isinstance(rule, Routing):
        return term(COPYING_ZH, rule.issuer), term(COPYING_EN, rule.issuer)
    if isinstance(rule, Response):
        return term(ANSWER_ZH, rule.trigger), term(ANSWER_EN, rule.trigger)
    if isinstance(rule, DesignationRule):
        return "联络人员指定", "designations"
    if isinstance(rule, RecordOnly):
        zh, en = record_kind_words(rule)
        return f"{zh}（仅记录）", f"{en} (recorded only)"
    assert_never(rule)


def describe_rule(rule: Rule, lang: str = "zh") -> str:
    """One line for a rule in ``lang``: what it asks, with its numbers (``liaison provisions``)."""
    en = lang == "en"
    if isinstance(rule, Cadence):
        what = _kind_words(rule.label_zh, rule.label_en, rule.engagement_kind)[1 if en else 0]
        if en:
            period, count = rule.how_often_en()
            return f"{what}: {count} {period} ({term(SCOPE_EN, rule.scope)})"
        period, count = rule.how_often_zh()
        return f"{what}：{period}{count}（{term(SCOPE_ZH, rule.scope)}）"
    if isinstance(rule, Routing):
        if en:
            documents = rule.label_en or term(DOCUMENT_KIND_EN, rule.document_kind)
            return f"copying: {documents} of {term(ISSUER_EN, rule.issuer)} → {term(RECIPIENTS_EN, rule.recipients)}"
        documents = rule.label_zh or term(DOCUMENT_KIND_ZH, rule.document_kind)
        return f"抄送：{term(ISSUER_ZH, rule.issuer)}{documents} → {term(RECIPIENTS_ZH, rule.recipients)}"
    if isinstance(rule, Invitation):
        what = _kind_words(rule.label_zh, rule.label_en, rule.event_kind)[1 if en else 0]
        if en:
            return f"invitation: {what} → {term(RECIPIENTS_EN, rule.recipients)} ({rule.role_en})"
        return f"邀请：{what} → {term(RECIPIENTS_ZH, rule.recipients)}（{rule.role_zh}）"
    if isinstance(rule, Response):
        if en:
            return f"answer: {term(TRIGGER_EN, rule.trigger)} {rule.describe_en()}"
        return f"答复：{term(TRIGGER_ZH, rule.trigger)}{rule.describe_zh()}"
    if isinstance(rule, DesignationRule):
        if en:
            return "designation: " + ", ".join(term(DESIGNATION_EN, r) for r in rule.roles)
        return "指定：" + "、".join(term(DESIGNATION_ZH, r) for r in rule.roles)
    if isinstance(rule, RecordOnly):
        what_zh, what_en = record_kind_words(rule)
        if en:
            return f"recorded: {what_en} ({term(HOST_EN, rule.by)})"
        return f"记录：{what_zh}（{term(HOST_ZH, rule.by)}）"
    assert_never(rule)


def _kind_words(label_zh: str, label_en: str, kind: EngagementKind) -> tuple[str, str]:
    """The rule's own words for its kind (工作例会), else the project's; English never falls back to Chinese."""
    return label_zh or ENGAGEMENT_KIND_ZH[kind], label_en or ENGAGEMENT_KIND_EN[kind]


RULE_TAGS: dict[type, str] = {
    Cadence: "cadence",
    Routing: "routing",
    Invitation: "invitation",
    Response: "response",
    DesignationRule: "designation",
    RecordOnly: "record_only",
}


@attrs.frozen
class Reading:
    """How the district reads a phrase of a provision where the text allows more than one reading."""

    phrase_zh: str = attrs.field(validator=title_text)  # 区发改局、财政局等部门
    reading_zh: str = attrs.field(validator=free_text)  # 本区只以区发改局、区财政局为共同联系单位
    reading_en: str = attrs.field(default="", validator=free_text)
    basis: Basis = "local"


PairingRole = Literal["common_liaison", "listed"]


@attrs.frozen
class ProvisionText:
    """The words of a provision from a day on: an amendment (修订) replaces the whole paragraph.
    ``source`` names the amending document (《关于修改……的决定》, 2027-06-20)."""

    valid_from: dt.date
    text_zh: str = attrs.field(validator=long_text)
    text_en: str = attrs.field(default="", validator=bounded_text(LONG_TEXT_MAX, single_line=False, required=False))
    source: str = attrs.field(default="", validator=free_text)


@attrs.frozen
class SentenceNote:
    """What the data says of a sentence no rule quotes: the rule (key) or ``pairings`` that implements
    it in another way (§3.3's 由对口联系双方协商定期召开 is the joint-meeting rule's ``either_side``
    host), or — with ``implemented_by`` empty — that it is not modelled, and why (a duty of attitude,
    要重视…; a purpose, 确保…取得实效). Every sentence of a provision is then accounted for."""

    sentence_zh: str = attrs.field(validator=free_text)
    note_zh: str = attrs.field(validator=free_text)
    note_en: str = attrs.field(default="", validator=free_text)
    implemented_by: str = attrs.field(default="", validator=line_text)


@attrs.frozen(kw_only=True)
class Provision:
    """One numbered provision: its citation, verbatim Chinese text, rules and readings.

    ``id`` is the project's citation (``§3.3``); ``citation_zh`` the Chinese form (三（三）).
    ``pairing_role`` marks a provision that creates pairings: ``common_liaison`` (a department paired
    with every branch and the ICF, §2.1) or ``listed`` (§2.2).
    """

    id: str = attrs.field(validator=name_text)
    citation_zh: str = attrs.field(validator=name_text)
    title_zh: str = attrs.field(validator=title_text)
    title_en: str = attrs.field(validator=name_en_text)
    text_zh: str = attrs.field(validator=long_text)
    modality: Modality
    text_en: str = attrs.field(default="", validator=bounded_text(LONG_TEXT_MAX, single_line=False, required=False))
    rules: tuple[Rule, ...] = ()
    pairing_role: PairingRole | None = None
    readings: tuple[Reading, ...] = ()
    #: later wordings, each in force from its day until the next (the text above until the first)
    amendments: tuple[ProvisionText, ...] = ()
    sentences: tuple[SentenceNote, ...] = ()

    def texts(self) -> tuple[ProvisionText, ...]:
        """Every wording in date order: the original (in force from the earliest day), then each amendment."""
        return (ProvisionText(dt.date.min, self.text_zh, self.text_en), *self.amendments)

    def text_at(self, day: dt.date) -> ProvisionText:
        """The wording in force on ``day``."""
        found = self.texts()[0]
        for version in self.amendments:
            if version.valid_from <= day:
                found = version
        return found

    def texts_over(self, validity: Validity) -> tuple[ProvisionText, ...]:
        """The wordings in force on some day of ``validity``."""
        texts = self.texts()
        found = []
        for i, version in enumerate(texts):
            until = texts[i + 1].valid_from if i + 1 < len(texts) else None
            if Validity(version.valid_from, until).overlaps(validity):
                found.append(version)
        return tuple(found)

    def cite_zh(self) -> str:
        """The citation as a Chinese letter writes it: 第三（三）条“会议协商制度”."""
        return f"{self.article_zh()}“{self.title_zh}”"

    def article_zh(self) -> str:
        """第三（三）条 — or the citation as the data writes it when it is one already (第四条)."""
        text = self.citation_zh
        return text if text.startswith("第") and text.endswith("条") else f"第{text}条"

    def cite_en(self) -> str:
        return f"{self.id} ({self.title_en})"

    @overload
    def rule(self, key: str, as_of: dt.date) -> Rule | None: ...

    @overload
    def rule(self, key: str, as_of: dt.date, kind: type[R]) -> R | None: ...

    def rule(self, key: str, as_of: dt.date, kind: type[RuleVersion] = RuleVersion) -> RuleVersion | None:
        """The version of rule ``key`` in force on ``as_of`` (of ``kind``, typed so, when given)."""
        for rule in self.rules:
            if rule.key == key and rule.validity.contains(as_of) and isinstance(rule, kind):
                return rule
        return None

    def modality_of(self, rule: Rule) -> Modality:
        return rule.modality or self.modality

