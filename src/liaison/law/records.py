"""What actually happened in a year: the records compliance is checked against.

A records file is TOML (format: docs/records-format.md), loaded as strictly as a district file, and
every organisation in it is checked against the district, so a misspelt id is an error with its
path, not a silently uncounted meeting.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar, Protocol

import attrs

from liaison.base.errors import DataError, Key, LiaisonError, Refused, render_path
from liaison.base.text import free_text, line_text, message_text, name_text, reference_text, title_text
from liaison.law.district import District
from liaison.law.model import COUNTERPART_KINDS, OrgKind, parse_doc_number
from liaison.law.rules import ACTIVITIES, EVENT_KINDS, EngagementKind, RecordOnly, record_section

optional_reference = attrs.validators.optional(reference_text)


class PlannedLike(Protocol):
    """What records are made from: an engagement of a plan (:class:`liaison.year.engagements.Engagement`)."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> EngagementKind: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def host(self) -> str: ...
    @property
    def participants(self) -> tuple[str, ...]: ...
    @property
    def title_zh(self) -> str: ...
    @property
    def status(self) -> str: ...


class PlanLike(Protocol):
    """A year's plan, as far as records are made from it (:class:`liaison.year.engagements.Plan`)."""

    @property
    def district_id(self) -> str: ...
    @property
    def engagements(self) -> Sequence[PlannedLike]: ...


@attrs.frozen(kw_only=True)
class HeldEngagement:
    """A meeting, visit or event that took place, with who attended (and, for events, who was invited)."""

    kind: EngagementKind
    date: dt.date
    host: str = attrs.field(validator=reference_text)
    attended: tuple[str, ...] = attrs.field(validator=reference_text)
    id: str = attrs.field(default="", validator=line_text)
    invited: tuple[str, ...] = attrs.field(default=(), validator=reference_text)
    title: str = attrs.field(default="", validator=line_text)
    reason: str = attrs.field(default="", validator=free_text)  # why not everyone was invited (一般应)
    #: where it was written down, for a record without an id (``台账.xlsx: 会议走访!12:12``); a reader
    #: fills it in, findings cite it; not part of the record's identity
    source: str = attrs.field(default="", validator=message_text, eq=False)

    def cited(self, index: int) -> str:
        """How a finding cites this record: its id, else where it was read (``台账.xlsx: 会议走访!12:12``),
        else its place in the records (``engagements[3]``)."""
        return self.id or self.source or f"engagements[{index}]"

    def occasion(self) -> tuple[EngagementKind, dt.date, str]:
        """What an engagement without an id is known by: its kind, day and host."""
        return self.kind, self.date, self.host

    def same_as(self, other: HeldEngagement) -> bool:
        """One engagement recorded twice: the same id, or — when either has none (a ledger whose
        编号 column was deleted) — the same kind, day and host."""
        if self.id and other.id:
            return self.id == other.id
        return self.occasion() == other.occasion()


@attrs.frozen
class DocumentRecord:
    """§3.2: a document issued and who it was copied to."""

    id: str = attrs.field(validator=title_text)
    issuer: str = attrs.field(validator=reference_text)  # an organisation: its id (up to 64 characters) or a name
    date: dt.date
    copied_to: tuple[str, ...] = attrs.field(default=(), validator=reference_text)
    kind: str = attrs.field(default="policy", validator=name_text)
    title: str = attrs.field(default="", validator=line_text)


@attrs.frozen
class Reply:
    organisation: str = attrs.field(validator=reference_text)
    date: dt.date


@attrs.frozen(kw_only=True)
class ConsultationRecord:
    """§1.1: a draft sent to the branches and the ICF for their views, and their replies."""

    id: str = attrs.field(validator=title_text)
    subject: str = attrs.field(validator=title_text)
    sent: dt.date
    sent_to: tuple[str, ...] = attrs.field(validator=reference_text)
    replies: tuple[Reply, ...] = ()
    due: dt.date | None = None
    #: who asks; default the district government's general office
    sender: str | None = attrs.field(default=None, validator=optional_reference)


@attrs.frozen(kw_only=True)
class ResearchResult:
    """§1.3: a research result a branch or the ICF submitted, and the department's feedback."""

    id: str = attrs.field(validator=title_text)
    title: str = attrs.field(validator=title_text)
    submitted_by: str = attrs.field(validator=reference_text)
    department: str = attrs.field(validator=reference_text)
    received: dt.date
    feedback: dt.date | None = None
    feedback_summary: str = attrs.field(default="", validator=free_text)  # what the department answers


@attrs.frozen
class DesignationRecord:
    """§3.1: who a unit designated (overrides the district data for the year)."""

    organisation: str = attrs.field(validator=reference_text)
    leader_in_charge: str | None = attrs.field(default=None, validator=line_text)
    liaison_office: str | None = attrs.field(default=None, validator=line_text)
    liaison_officer: str | None = attrs.field(default=None, validator=line_text)
    date: dt.date | None = None
    phone: str | None = attrs.field(default=None, validator=line_text)


@attrs.frozen
class Nomination:
    """§3.7: a person from a democratic party or a non-party person put into a reserve cadre pool."""

    department: str = attrs.field(validator=reference_text)
    person: str = attrs.field(validator=name_text)
    date: dt.date
    party: str = attrs.field(default="", validator=line_text)


# The record types below share a shape (who, what, when, with whom) on purpose: each is its own section
# of a records file and of the ledger, answering its own provision, with its own field names in both.
@attrs.frozen
class TownActivity:
    """§3.8: a town government's briefing or support of a party's grassroots organisation or chamber."""

    town: str = attrs.field(validator=name_text)
    date: dt.date
    description: str = attrs.field(validator=title_text)
    with_organisations: tuple[str, ...] = attrs.field(default=(), validator=reference_text)


@attrs.frozen
class JointResearch:
    """§3.4: a joint research topic of a department and its paired organisations."""

    department: str = attrs.field(validator=reference_text)
    topic: str = attrs.field(validator=title_text)
    date: dt.date
    with_organisations: tuple[str, ...] = attrs.field(default=(), validator=reference_text)


@attrs.frozen
class Briefing:
    """§1.3 主动向民主党派通报政情: a department briefed branches (and the ICF) on government affairs."""

    department: str = attrs.field(validator=reference_text)
    date: dt.date
    subject: str = attrs.field(validator=title_text)
    with_organisations: tuple[str, ...] = attrs.field(default=(), validator=reference_text)


@attrs.frozen
class SpecialAppointment:
    """§1.4 特约人员: a person from a democratic party or a non-party person appointed by a department
    (特约监察员 and the like)."""

    department: str = attrs.field(validator=reference_text)
    person: str = attrs.field(validator=name_text)
    role: str = attrs.field(validator=name_text)  # 特约监察员
    date: dt.date
    party: str = attrs.field(default="", validator=line_text)


@attrs.frozen
class Activity:
    """A record of a kind the district's data names (a record-only rule's ``record_kind`` beyond the
    sections above): support for the parties' inspection and research (§1.2 in the seed), research
    commissioned from them (§1.3), activities run together (§3.4) … ``by`` is who did it (an
    organisation of the district, or a town's name), ``with_organisations`` whom it was with."""

    kind: str = attrs.field(validator=line_text)
    date: dt.date
    description: str = attrs.field(validator=title_text)
    by: str = attrs.field(default="", validator=line_text)
    with_organisations: tuple[str, ...] = attrs.field(default=(), validator=reference_text)


def _doc_number(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    found = parse_doc_number(value)
    if found is None:
        raise Refused(f"{attribute.name} {value!r} is not a 发文字号 such as 区府办函〔2027〕3号",
                      f"{attribute.name} “{value}”不是发文字号（应如 区府办函〔2027〕3号）",
                      "write the series, the year in 〔〕 and the number: 区府办函〔2027〕3号",
                      "请写代字、〔年份〕和顺序号，如 区府办函〔2027〕3号", field=attribute.name)
    _series, year, serial = found
    if not 1950 <= year <= 2199 or not 1 <= serial <= 1_000_000:
        raise Refused(f"{attribute.name} {value!r}: the year must be 1950–2199 and the number 1–1000000",
                      f"{attribute.name} “{value}”：年份应在1950至2199之间，顺序号应在1至1000000之间",
                      "correct the number", "请改正文号", field=attribute.name)


@attrs.frozen(kw_only=True)
class RegisteredLetter:
    """One line of an office's 发文登记簿 (register of letters issued): a number of a series used in a
    year, by a liaison letter or by any other document of the office. Not evidence of anything the
    regulation asks (no check counts it): it says where each series stands, so the letters liaison
    issues continue after the highest number used (:class:`liaison.year.numbering.LetterRegistry`).
    ``series``, when given, must be the 文号's own; ``status`` what the register says of it (已印发, or
    已作废 with the day and the letter that replaced it): a withdrawn number stays used, so the status
    changes nothing in the numbering."""

    doc_number: str = attrs.field(validator=attrs.validators.and_(line_text, _doc_number))  # 区府办函〔2027〕3号
    date: dt.date | None = None
    title: str = attrs.field(default="", validator=free_text)
    to: str = attrs.field(default="", validator=free_text)  # 主送
    cc: str = attrs.field(default="", validator=free_text)  # 抄送
    file: str = attrs.field(default="", validator=free_text)
    series: str = attrs.field(default="", validator=line_text)
    status: str = attrs.field(default="", validator=free_text)  # 已印发, 已作废（…）: what the register says
    #: where the line was read — the register's file and its line or cell (``发文登记!B7``, ``5``) —
    #: so a refusal can name it; set by the loaders, never kept in the year's state
    source: str = attrs.field(default="", validator=line_text, eq=False)
    row: str = attrs.field(default="", validator=line_text, eq=False)
    #: the year's state keeps the entries without where they were read (:func:`merged_register`)
    OMIT_IF_DEFAULT: ClassVar[tuple[str, ...]] = ("source", "row")

    def __attrs_post_init__(self) -> None:
        if self.series and "".join(self.series.split()) != self.number[0]:
            raise Refused(f"series {self.series!r} is not that of {self.doc_number} ({self.number[0]})",
                          f"series “{self.series}”与文号{self.doc_number}的代字（{self.number[0]}）不一致",
                          "leave the series blank or make it the 文号's", "请清空代字，或使之与文号一致",
                          field="series")

    @property
    def number(self) -> tuple[str, int, int]:
        """``(series, year, serial)`` of the 文号."""
        found = parse_doc_number(self.doc_number)
        assert found is not None  # the validator saw to it
        return found


@attrs.frozen(kw_only=True)
class Records:
    """Everything recorded for a district, usually one year."""

    #: the district's id (informational; checked against the district loaded); the file's key is `district`
    district_id: str = attrs.field(default="", validator=line_text)
    engagements: tuple[HeldEngagement, ...] = ()
    documents: tuple[DocumentRecord, ...] = ()
    consultations: tuple[ConsultationRecord, ...] = ()
    research_results: tuple[ResearchResult, ...] = ()
    designations: tuple[DesignationRecord, ...] = ()
    nominations: tuple[Nomination, ...] = ()
    town_activities: tuple[TownActivity, ...] = ()
    joint_research: tuple[JointResearch, ...] = ()
    briefings: tuple[Briefing, ...] = ()
    special_appointments: tuple[SpecialAppointment, ...] = ()
    activities: tuple[Activity, ...] = ()
    #: the office's 发文登记簿: numbers used, so liaison's letters continue after them (no check counts it)
    register: tuple[RegisteredLetter, ...] = ()

    @functools.cached_property
    def designations_of(self) -> Mapping[str, tuple[DesignationRecord, ...]]:
        """The designation records by organisation, in order: made on first use, once per Records
        (a letter's contact reads one body's; a pass over every body's per letter was quadratic)."""
        found: dict[str, list[DesignationRecord]] = {}
        for r in self.designations:
            found.setdefault(r.organisation, []).append(r)
        return {k: tuple(v) for k, v in found.items()}

    def until(self, day: dt.date) -> Records:
        """What had happened by ``day``: later records, replies and feedback are left out."""
        return attrs.evolve(
            self,
            engagements=tuple(e for e in self.engagements if e.date <= day),
            documents=tuple(d for d in self.documents if d.date <= day),
            consultations=tuple(attrs.evolve(c, replies=tuple(r for r in c.replies if r.date <= day))
                                for c in self.consultations if c.sent <= day),
            research_results=tuple(r if r.feedback is None or r.feedback <= day else attrs.evolve(r, feedback=None)
                                   for r in self.research_results if r.received <= day),
            designations=tuple(d for d in self.designations if d.date is None or d.date <= day),
            nominations=tuple(n for n in self.nominations if n.date <= day),
            town_activities=tuple(t for t in self.town_activities if t.date <= day),
            joint_research=tuple(j for j in self.joint_research if j.date <= day),
            briefings=tuple(b for b in self.briefings if b.date <= day),
            special_appointments=tuple(a for a in self.special_appointments if a.date <= day),
            activities=tuple(a for a in self.activities if a.date <= day),
        )

    def with_defaults(self, district: District, *, file: str | None = None) -> Records:
        """What a reader leaves out, filled in the one way: a consultation without a sender was sent
        by the district government's general office. Every records reader ends with this; records
        with no such consultation need no general office (a district may name none)."""
        unsent = [i for i, c in enumerate(self.consultations) if c.sender is None]
        if not unsent:
            return self
        try:
            office = district.general_office().id
        except LiaisonError as exc:
            raise exc.located(file=file, path=("consultations", unsent[0], "sender"), cls=DataError,
                              fix="name who sent it: the district names no government or general office to "
                                  "default to",
                              fix_zh="请填写发送单位：本区数据中没有可作默认的区政府或政府办公室") from None
        return attrs.evolve(self, consultations=tuple(
            c if c.sender is not None else attrs.evolve(c, sender=office) for c in self.consultations))

    def checked(self, district: District, *, file: str | None = None) -> Records:
        """These records as every reader must return them, worked out in this one place: what a
        reader leaves out filled in (:meth:`with_defaults`), then what the types cannot say checked
        against ``district`` (:func:`check_consistency`). A :class:`DataError` names ``file``."""
        records = self.with_defaults(district, file=file)
        check_consistency(records, district, file)
        return records

    def with_engagements(self, engagements: Iterable[HeldEngagement]) -> Records:
        return attrs.evolve(self, engagements=tuple(engagements))

    @classmethod
    def from_plan(cls, plan: PlanLike, *, held_only: bool = False) -> Records:
        """The plan's engagements as records, every participant attending: the ones marked held in the
        year's state (``held_only``), or for a dry run every one not cancelled. (A plan is the year
        layer's; the law takes any object of its shape.)"""
        wanted = ("held",) if held_only else ("proposed", "agreed", "held")
        return cls(district_id=plan.district_id, engagements=tuple(
            HeldEngagement(kind=e.kind, date=e.date, host=e.host, attended=e.participants, id=e.id,
                           invited=e.participants, title=e.title_zh)
            for e in plan.engagements if e.status in wanted))

    def merged(self, other: Records) -> Records:
        """These records and ``other``'s; an engagement recorded in both counts once (the same id, or
        without an id the same kind, day and host — see :meth:`HeldEngagement.same_as`), as recorded here.
        Of several engagements here an id-less one may be, the one with the same participants is it."""
        by_id: dict[str, list[int]] = {}  # the positions here, by id and by occasion: linear, not n × m
        by_occasion: dict[tuple[EngagementKind, dt.date, str], list[int]] = {}
        for i, mine in enumerate(self.engagements):
            if mine.id:
                by_id.setdefault(mine.id, []).append(i)
            by_occasion.setdefault(mine.occasion(), []).append(i)
        taken: set[int] = set()
        extra: list[HeldEngagement] = []
        for e in other.engagements:
            alike_here = by_occasion.get(e.occasion(), [])
            pool = (by_id.get(e.id, []) + [i for i in alike_here if not self.engagements[i].id]) if e.id else alike_here
            here = sorted(i for i in pool if i not in taken)  # those ``same_as`` e, in their order here
            if not here:
                extra.append(e)
                continue
            alike = [i for i in here if set(self.engagements[i].attended) == set(e.attended)]
            taken.add((alike or here)[0])
        return attrs.evolve(self, **{
            name: getattr(self, name) + (tuple(extra) if name == "engagements" else getattr(other, name))
            for name in SECTIONS}, register=self.register + other.register)


SECTIONS = ("engagements", "documents", "consultations", "research_results", "designations", "nominations",
            "town_activities", "joint_research", "briefings", "special_appointments", "activities")


def check_consistency(records: Records, district: District, file: str | None) -> None:
    """What the types cannot say: the right kinds of organisation, dates in order, unique ids."""

    def fail(path: tuple[Key, ...], message: str, fix: str, message_zh: str, fix_zh: str) -> DataError:
        return DataError(message, file=file, path=path, fix=fix, message_zh=message_zh, fix_zh=fix_zh)

    dates = ("correct the dates", "请改正日期")
    if records.district_id and records.district_id != district.info.id:
        raise fail(("district",), f"these records are for the district {records.district_id!r}, not "
                   f"{district.info.id!r}", "load the district these records belong to, or correct the district id",
                   f"这些记录属于“{records.district_id}”，不是“{district.info.id}”",
                   "请载入记录所属的区数据，或改正 district")
    for section in ("engagements", "documents", "consultations", "research_results"):
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(records, section)):
            if item.id and item.id in seen:
                also = render_path((section, seen[item.id]))
                raise fail((section, i, "id"), f"duplicate id {item.id!r} (also {also})",
                           "give each record its own id", f"编号“{item.id}”重复（另见 {also}）",
                           "请给每条记录不同的编号")
            seen.setdefault(item.id, i)
    for i, e in enumerate(records.engagements):
        if e.kind in EVENT_KINDS:  # the host the text fixes (§1.2's plenary meeting is the government's)
            try:
                district.invitees(e.kind, e.date, e.host, named=None)
            except LiaisonError as exc:
                raise exc.located(file=file, path=("engagements", i, "host"), cls=DataError) from None
    kinds = {r.record_kind: r for p in district.provisions for r in p.rules
             if isinstance(r, RecordOnly) and record_section(r.record_kind) == ACTIVITIES}
    for i, a in enumerate(records.activities):
        if a.kind not in kinds:
            known = "、".join(kinds) or "—"
            raise fail(("activities", i, "kind"), "no record-only rule of the district keeps records of kind "
                       f"{a.kind!r} (kinds: {', '.join(kinds) or 'none'})",
                       "use a kind a record-only rule of the district names",
                       f"本区没有记录“{a.kind}”类事项的规则（可用：{known}）", "请使用本区规则中的记录种类")
    for i, c in enumerate(records.consultations):
        for k, reply in enumerate(c.replies):
            here: tuple[Key, ...] = ("consultations", i, "replies", k)
            if reply.organisation not in c.sent_to:
                raise fail((*here, "organisation"), f"{reply.organisation} replied but was not asked",
                           "add it to sent_to or correct the reply", f"{reply.organisation}未被征求意见却有答复",
                           "请把它加入 sent_to，或改正答复")
            if reply.date < c.sent:
                raise fail((*here, "date"), f"the reply ({reply.date}) predates the request ({c.sent})", dates[0],
                           f"答复日期（{reply.date}）早于发送日期（{c.sent}）", dates[1])
        if c.due is not None and c.due < c.sent:
            raise fail(("consultations", i, "due"), "the deadline is before the request was sent", dates[0],
                       "答复期限早于发送日期", dates[1])
    for i, r in enumerate(records.research_results):
        here = ("research_results", i)
        if district.organisation(r.submitted_by).kind not in COUNTERPART_KINDS:
            raise fail((*here, "submitted_by"), f"{r.submitted_by} is not a party branch or the ICF",
                       "research results come from the branches and the ICF", f"{r.submitted_by}不是民主党派或工商联",
                       "调研成果应由民主党派、工商联报送")
        if district.organisation(r.department).kind != OrgKind.DEPARTMENT:
            raise fail((*here, "department"), f"{r.department} is not a department", "name the department that answers",
                       f"{r.department}不是区直部门", "请填写研究反馈的区直部门")
        if r.feedback is not None and r.feedback < r.received:
            raise fail((*here, "feedback"), f"feedback ({r.feedback}) before receipt ({r.received})", dates[0],
                       f"反馈日期（{r.feedback}）早于收到日期（{r.received}）", dates[1])
