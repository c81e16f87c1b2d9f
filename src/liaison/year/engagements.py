"""A year's engagements and how they change: proposed → agreed → held, moved, cancelled; revisions.

An :class:`Engagement` is a meeting, visit or event with the provisions it fulfils; a :class:`Plan`
is one year of them. §3.3 says a date is agreed by both sides, so the planner only *proposes*; a
user confirms, moves, cancels or marks an engagement held. Agreed, held and cancelled engagements
are never changed by re-planning, and moving one that is agreed or held must be asked for
explicitly (``force``). :func:`revise` turns a new plan into a revision of a published one
(SEQUENCE raised where something changed, dropped engagements kept as cancelled), so calendars update
in place.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
from collections.abc import Iterable
from typing import Any

import attrs

from liaison.base.errors import PlanningError, Refused
from liaison.base.text import (
    count_in_range,
    each_in_range,
    free_text,
    identifier,
    in_range,
    line_text,
    message_text,
    name_text,
    reference_text,
    title_en_text,
    title_text,
)
from liaison.law.rules import EngagementKind


class Status(enum.StrEnum):
    PROPOSED = "proposed"  # the planner's suggestion, not yet agreed
    AGREED = "agreed"  # both sides agreed the date (§3.3); re-planning keeps it
    HELD = "held"  # it took place
    CANCELLED = "cancelled"


FIXED_STATUSES = frozenset({Status.AGREED, Status.HELD})
#: Statuses re-planning never changes.
KEPT_STATUSES = frozenset({Status.AGREED, Status.HELD, Status.CANCELLED})

STATUS_ZH = {Status.PROPOSED: "拟定", Status.AGREED: "已商定", Status.HELD: "已召开", Status.CANCELLED: "已取消"}
STATUS_EN = {Status.PROPOSED: "proposed", Status.AGREED: "agreed", Status.HELD: "held",
             Status.CANCELLED: "cancelled"}

NOON = dt.time(12, 0)
MAX_VISITS = 12  # one a month: beyond that a plan stops being a liaison plan


class ChangeRefused(PlanningError):
    """A change to an agreed, held or cancelled engagement that was not asked for explicitly."""


class NotYetHeld(ChangeRefused):
    """An engagement marked held before its day has come, not asked for explicitly."""


class DayGoneBy(ChangeRefused):
    """An engagement moved onto a day already gone by, not asked for explicitly (nor marked held)."""


@attrs.frozen
class Guest:
    """A person invited in their own right (§1.2: 民主党派成员中有关方面的人士), by name, with the party
    branch (or the ICF) they belong to and, optionally, what they are (职务)."""

    name: str = attrs.field(validator=name_text)
    organisation: str = attrs.field(validator=reference_text)
    title: str = attrs.field(default="", validator=line_text)


@attrs.frozen(kw_only=True)
class Engagement:
    """A scheduled meeting, visit or event, with the provisions it fulfils.

    ``id`` is the business key (``2027/visit/health/cpwdp/1``): it does not change when the date
    does, so calendars update an event in place.
    """

    id: str = attrs.field(validator=title_text)
    kind: EngagementKind
    date: dt.date
    start: dt.time | None
    end: dt.time | None
    host: str = attrs.field(validator=identifier)
    participants: tuple[str, ...] = attrs.field(validator=attrs.validators.deep_iterable(identifier))
    provisions: tuple[str, ...]
    title_zh: str = attrs.field(validator=title_text)
    status: Status = Status.PROPOSED
    provisional: bool = False
    beyond_guidance: bool = False
    location: str | None = attrs.field(default=None, validator=line_text)
    note: str = attrs.field(default="", validator=free_text)
    sequence: int = attrs.field(default=0, validator=in_range(0, 10_000))  # iCalendar SEQUENCE
    title_en: str = attrs.field(default="", validator=title_en_text)
    guests: tuple[Guest, ...] = attrs.field(default=(), validator=count_in_range(0, 50))

    def __attrs_post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise Refused(f"{self.id} ends ({self.end:%H:%M}) before it starts ({self.start:%H:%M})",
                          f"{self.id}的结束时间（{self.end:%H:%M}）早于开始时间（{self.start:%H:%M}）", field="end")
        if self.host not in self.participants:
            raise Refused(f"{self.id}: the host {self.host} is not among the participants",
                          f"{self.id}：主办单位“{self.host}”不在参加单位之中", field="host")

    def half_days(self) -> tuple[int, ...]:
        """0 = morning, 1 = afternoon; an engagement without times takes the whole day."""
        if self.start is None:
            return (0, 1)
        end = self.end or self.start
        halves = {0 if self.start < NOON else 1, 0 if end <= NOON else 1}
        return tuple(sorted(halves))

    def with_changes(self, **changes: Any) -> Engagement:
        return attrs.evolve(self, **changes)

    @property
    def marked_provisional(self) -> bool:
        """Shown as 暂定 (a calendar's 【暂定】, the page's 暂定 and dashed ring): the date is provisional
        and nobody has agreed it yet. Once agreed or held the parties hold the date; the 调休 caveat
        stays where the day's notes are. A cancelled engagement is not provisional: it is off, and
        says so. 只在日期暂定且尚未商定时标“暂定”；已取消的活动不标“暂定”。"""
        return self.provisional and self.status == Status.PROPOSED

    def title(self, lang: str = "zh") -> str:
        return (self.title_en or self.title_zh) if lang == "en" else self.title_zh



@attrs.frozen
class TimeSlot:
    """When a half-day engagement starts."""

    start: dt.time

    @property
    def half(self) -> int:
        return 0 if self.start < NOON else 1


@attrs.frozen(kw_only=True)
class KnownEvent:
    """A dated event the user already knows of (a plenary meeting, a major event …), to which §1.2,
    §1.3, §1.4 and §3.5 attach invitations. ``id`` (or, without one, a digest of the kind and the
    title) is its identity: a new date in the events file moves it rather than making another."""

    kind: EngagementKind
    date: dt.date
    title_zh: str = attrs.field(validator=title_text)
    start: dt.time | None = None
    end: dt.time | None = None
    host: str | None = attrs.field(default=None, validator=attrs.validators.optional(reference_text))
    location: str | None = attrs.field(default=None, validator=line_text)
    id: str | None = attrs.field(default=None, validator=attrs.validators.optional(identifier))
    title_en: str = attrs.field(default="", validator=title_en_text)
    #: whom it invites, where the rule says 有关 (the ones concerned): party branches or the ICF; None: all
    invite: tuple[str, ...] | None = attrs.field(default=None, validator=attrs.validators.optional(reference_text))
    guests: tuple[Guest, ...] = attrs.field(default=(), validator=count_in_range(0, 50))

    def key(self) -> str:
        """The stable key of the event: its id, else a digest of its kind and title (never the date)."""
        if self.id:
            return self.id
        digest = hashlib.sha1(f"{self.kind.value}\n{self.title_zh}".encode(), usedforsecurity=False).hexdigest()
        return f"t{digest[:10]}"

    def engagement_id(self) -> str:
        return f"{self.date.year}/{self.kind.value}/{self.key()}"


@attrs.frozen(kw_only=True)
class PlanOptions:
    """How to plan. Every field has a default a district office can live with."""

    per_pairing_meetings: bool = False  # default: a department meets all its counterparts at once
    #: default: the rule's minimum; above its maximum is planned and flagged as beyond guidance
    visits_per_pairing: int | None = attrs.field(default=None, validator=in_range(0, MAX_VISITS))
    allow_makeup_weekends: bool = False  # 调休 Saturdays/Sundays
    allow_customary_breaks: bool = False  # a year without a notice: the 春节, 劳动节, 国庆 weeks
    #: between a pairing's meeting and its visits, and between its visits
    min_gap_days: int = attrs.field(default=30, validator=in_range(0, 180))
    preferred_months: tuple[int, ...] = attrs.field(default=(), validator=each_in_range(1, 12))
    preferred_weekdays: tuple[int, ...] = attrs.field(default=(), validator=each_in_range(0, 6))  # 0 = Monday
    slots: tuple[TimeSlot, ...] = attrs.field(default=(TimeSlot(dt.time(9, 0)), TimeSlot(dt.time(14, 30))),
                                              validator=count_in_range(1, 8))
    events: tuple[KnownEvent, ...] = ()


@attrs.frozen
class Unplaced:
    """An obligation the planner could not place, and why."""

    provision: str = attrs.field(validator=name_text)
    rule: str = attrs.field(validator=name_text)
    year: int = attrs.field(validator=in_range(1950, 2199))
    subject: tuple[str, ...] = attrs.field(validator=title_text)
    reason_zh: str = attrs.field(validator=message_text)
    reason_en: str = attrs.field(validator=message_text)


@attrs.frozen
class PlanWarning:
    """An agreed, moved or user-given engagement on a day off, in a customary break or clashing with
    another: kept (it was agreed) and reported, in Chinese and English."""

    engagement: str = attrs.field(validator=title_text)
    date: dt.date
    message_zh: str = attrs.field(validator=message_text)
    message_en: str = attrs.field(validator=message_text)

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


def in_order(engagements: Iterable[Engagement]) -> tuple[Engagement, ...]:
    """By date, start time and id: the order of every plan and calendar."""
    return tuple(sorted(engagements, key=lambda e: (e.date, e.start or dt.time(0), e.id)))


@attrs.frozen(kw_only=True)
class Plan:
    """One year's engagements, what could not be placed and whether the dates are provisional."""

    district_id: str
    year: int
    engagements: tuple[Engagement, ...]
    unplaced: tuple[Unplaced, ...] = ()
    provisional: bool = False
    calendar: str = ""
    options: PlanOptions = PlanOptions()
    warnings: tuple[PlanWarning, ...] = ()

    @functools.cached_property
    def _by_id(self) -> dict[str, Engagement]:
        """The engagements by id, made once per plan (the first of an id, as a scan finds it)."""
        found: dict[str, Engagement] = {}
        for e in self.engagements:
            found.setdefault(e.id, e)
        return found

    def get(self, engagement_id: str) -> Engagement:
        found = self._by_id.get(engagement_id)
        if found is not None:
            return found
        near = [e.id for e in self.engagements if engagement_id.rsplit("/", 1)[0] in e.id][:5]
        raise PlanningError(f"no engagement {engagement_id!r} in the {self.year} plan"
                            + (f"; did you mean: {', '.join(near)}?" if near else ""),
                            fix="use an id the plan lists (its JSON, or the 编号 column of the sheets)",
                            fix_zh="请使用计划中列出的编号（见计划 JSON 或表格的“编号”列）",
                            message_zh=f"{self.year}年计划中没有编号为{engagement_id}的活动")

    def _replace(self, engagement: Engagement) -> Plan:
        return attrs.evolve(self, engagements=in_order(engagement if e.id == engagement.id else e
                                                       for e in self.engagements))

    def confirm(self, engagement_id: str, *, force: bool = False) -> Plan:
        """Both sides agreed the date: the engagement becomes fixed for re-planning."""
        old = self.get(engagement_id)
        if old.status == Status.AGREED:
            return self
        _allow(old, "confirm", force, refused=(Status.HELD, Status.CANCELLED))
        return self._replace(old.with_changes(status=Status.AGREED))

    def move(self, engagement_id: str, date: dt.date, start: dt.time | None = None,
             end: dt.time | None = None, *, force: bool = False, as_of: dt.date | None = None) -> Plan:
        """Move an engagement; it becomes agreed (a moved date is one the sides settled on). Moving
        one that is agreed, held or cancelled needs ``force``. A day before ``as_of`` (the day the
        change is made, where the caller knows it) is gone by: nobody agrees to meet on it, so a
        move there is a slip (a wrong day or year) or a meeting that took place — which is marked
        held on that day, not agreed — and is refused unless forced."""
        old = self.get(engagement_id)
        _allow(old, "move", force, refused=(Status.AGREED, Status.HELD, Status.CANCELLED))
        if date.year != self.year:
            raise PlanningError(f"{engagement_id} belongs to {self.year}; it cannot move to {date}",
                                fix="obligations are counted per year: move it within its year",
                                message_zh=f"{engagement_id}属于{self.year}年计划，不能改期到{date}",
                                fix_zh="规定的工作次数按年度计算，请在本年度内改期")
        if as_of is not None and date < as_of and not force:
            raise DayGoneBy(
                f"{old.id} cannot be agreed for {date.isoformat()}: the day is past ({as_of.isoformat()} is the day of "
                "the change); nothing was changed",
                fix="if it took place on that day, mark it held with that date; to move it there all the same, ask "
                    "for it explicitly (force)",
                message_zh=f"{old.id}不能商定在{date.isoformat()}：该日已过（作出修改的日期是{as_of.isoformat()}）；"
                           "未作任何修改",
                fix_zh="如该活动已在那一天召开，请标为已召开并填写该日期；如确需改到该日，请明确要求（force）")
        start = start if start is not None else old.start
        if end is None and old.start is not None and old.end is not None and start is not None:
            length = dt.datetime.combine(date, old.end) - dt.datetime.combine(date, old.start)
            finish = dt.datetime.combine(date, start) + length
            if finish.date() != date:
                raise PlanningError(f"{engagement_id} would end after midnight when starting at {start:%H:%M}",
                                    fix="choose an earlier start time",
                                    message_zh=f"{engagement_id}若于{start:%H:%M}开始，将延续到次日凌晨",
                                    fix_zh="请选择较早的开始时间")
            end = finish.time()
        end = end or old.end
        if start is not None and end is not None and end <= start:
            raise PlanningError(f"{engagement_id} would end ({end:%H:%M}) before it starts ({start:%H:%M})",
                                fix="give an end time after the start",
                                message_zh=f"{engagement_id}的结束时间（{end:%H:%M}）早于开始时间（{start:%H:%M}）",
                                fix_zh="请填写晚于开始时间的结束时间")
        status = Status.HELD if old.status == Status.HELD else Status.AGREED
        return self._replace(old.with_changes(date=date, start=start, end=end, status=status))

    def cancel(self, engagement_id: str, *, force: bool = False) -> Plan:
        """Drop an engagement: it stays in the plan (and the calendars) as cancelled."""
        old = self.get(engagement_id)
        if old.status == Status.CANCELLED:
            return self
        _allow(old, "cancel", force, refused=(Status.HELD,))
        return self._replace(old.with_changes(status=Status.CANCELLED))

    def mark_held(self, engagement_id: str, *, force: bool = False, as_of: dt.date | None = None) -> Plan:
        """It took place on its date: a record for compliance. One dated after ``as_of`` (the day the
        change is made, where the caller knows it) has not taken place yet: a wrong id or year would
        record a meeting nobody held, so it is refused unless forced."""
        old = self.get(engagement_id)
        if old.status == Status.HELD:
            return self
        _allow(old, "mark as held", force, refused=(Status.CANCELLED,))
        if as_of is not None and old.date > as_of and not force:
            raise NotYetHeld(
                f"{old.id} is dated {old.date.isoformat()}, after {as_of.isoformat()}: it cannot have been held yet; "
                "nothing was changed",
                fix="if it was held on another day, move it to that day as well; to record it in advance, ask for it "
                    "explicitly (force)",
                message_zh=f"{old.id}的日期是{old.date.isoformat()}，在{as_of.isoformat()}之后，还不可能已召开；未作任何修改",
                fix_zh="如实际在另一天召开，请同时把它改到那一天；如确需提前标记，请明确要求（force）")
        return self._replace(old.with_changes(status=Status.HELD, provisional=False))  # it took place

    def for_organisation(self, org_id: str) -> tuple[Engagement, ...]:
        """What one organisation takes part in (its own calendar)."""
        return tuple(e for e in self.engagements if org_id in e.participants)

    def fixed(self) -> tuple[Engagement, ...]:
        """Agreed and held engagements: they stay where they are and count."""
        return tuple(e for e in self.engagements if e.status in FIXED_STATUSES)

    def kept(self) -> tuple[Engagement, ...]:
        """Agreed, held and cancelled engagements: re-planning never changes them."""
        return tuple(e for e in self.engagements if e.status in KEPT_STATUSES)

    def proposed(self) -> tuple[Engagement, ...]:
        return tuple(e for e in self.engagements if e.status == Status.PROPOSED)

    def active(self) -> tuple[Engagement, ...]:
        """Everything not cancelled."""
        return tuple(e for e in self.engagements if e.status != Status.CANCELLED)


def _allow(old: Engagement, action: str, force: bool, refused: tuple[Status, ...]) -> None:
    if old.status in refused and not force:
        raise ChangeRefused(
            f"{old.id} is {old.status.value} ({old.date.isoformat()}); to {action} it, ask for it explicitly (force)",
            fix="check with the other side first, then repeat the change with force",
            message_zh=f"{old.id}的状态为“{STATUS_ZH[old.status]}”（{old.date.isoformat()}），如确需变更请明确要求（force）",
            fix_zh="先与对方商定，再明确要求变更")


def schedule_digest(e: Engagement) -> str:
    """What a calendar client or a letter sees of an engagement, as a digest: a change here is a new
    revision (SEQUENCE + 1)."""
    seen = (e.date, e.start, e.end, e.status, e.title_zh, e.participants, e.location, e.host, e.provisions,
            e.provisional, e.note)
    return hashlib.sha1(repr(seen).encode(), usedforsecurity=False).hexdigest()[:16]


@attrs.frozen
class Published:
    """An engagement as an export last sent it out: its SEQUENCE and what it looked like."""

    id: str = attrs.field(validator=title_text)
    sequence: int = attrs.field(validator=in_range(0, 10_000))
    digest: str = attrs.field(validator=line_text)


def snapshot(plan: Plan) -> tuple[Published, ...]:
    return tuple(Published(e.id, e.sequence, schedule_digest(e)) for e in plan.engagements)


def revise(previous: Plan | Iterable[Published] | None, current: Plan) -> Plan:
    """The current plan as a revision of a published one, so calendars update in place.

    ``previous`` is the plan (or the snapshot) as last published. Unchanged engagements keep their
    sequence; changed ones (moved, retitled, confirmed, cancelled) get the published sequence + 1;
    engagements that are gone are kept as cancelled with sequence + 1. Ids (and so calendar UIDs)
    never change, and a sequence never goes down.
    """
    if previous is None:
        return current
    before: dict[str, Engagement | Published]
    if isinstance(previous, Plan):
        dropped = {e.id: e for e in previous.engagements}
        before = dict(dropped)
    else:
        dropped, before = {}, {p.id: p for p in previous}
    revised: list[Engagement] = []
    for e in current.engagements:
        dropped.pop(e.id, None)
        old = before.get(e.id)
        if old is None or old is e or old == e:
            # an engagement equal to the one before (every field, its sequence too) is unchanged: what
            # comparing their digests would find, without making them (a re-plan keeps most as they were)
            revised.append(e)
            continue
        was = old.digest if isinstance(old, Published) else schedule_digest(old)
        sequence = max(old.sequence if was == schedule_digest(e) else old.sequence + 1, e.sequence)
        # the engagement itself where its sequence stands (no copy made: a re-plan revises every one)
        revised.append(e if sequence == e.sequence else e.with_changes(sequence=sequence))
    for gone in dropped.values():
        revised.append(gone if gone.status == Status.CANCELLED else
                       gone.with_changes(status=Status.CANCELLED, sequence=gone.sequence + 1))
    return attrs.evolve(current, engagements=in_order(revised))
