"""The annual liaison plan on China's working days.

In January a district wants a plan: the §3.1 work meeting in the years it is due, at least one §3.3
joint meeting per pairing, §3.6 leader visits to each paired organisation, and the dated events the
user already knows (plenary meetings, symposia, major events, inspections) with their invitees.

The planner is deterministic and roughly linear in the number of pairings. It works on half-day
slots of the year's working days, keeps every organisation to one engagement per half-day, spreads a
pairing's visits away from its meeting by a minimum gap, and never uses a holiday. Make-up weekend
days (调休) are used only when allowed. Every engagement is *proposed*: §3.3 says the date is agreed
by both sides, so a user confirms or moves it, and re-planning keeps confirmed engagements fixed.
What cannot be placed is reported, with the provision and the reason; nothing is silently dropped.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import functools
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import attrs

from liaison.district import District, PairingSpan
from liaison.errors import PlanningError
from liaison.model import (
    ENGAGEMENT_KIND_ZH,
    Cadence,
    EngagementKind,
    Organisation,
    Pairing,
    Provision,
    free_text,
    name_text,
    not_negative,
)
from liaison.workdays import HolidayKind, WorkingDayCalendar, default_calendar


class Status(enum.StrEnum):
    PROPOSED = "proposed"  # the planner's suggestion, not yet agreed
    AGREED = "agreed"  # both sides agreed the date (§3.3); re-planning keeps it
    HELD = "held"  # it took place
    CANCELLED = "cancelled"


FIXED_STATUSES = frozenset({Status.AGREED, Status.HELD})

STATUS_ZH = {Status.PROPOSED: "拟定", Status.AGREED: "已商定", Status.HELD: "已召开", Status.CANCELLED: "已取消"}


@attrs.frozen
class Engagement:
    """A scheduled meeting, visit or event, with the provisions it fulfils.

    ``id`` is the business key (``2027/visit/health/cpwdp/1``): it does not change when the date
    does, so calendars can update an event in place.
    """

    id: str
    kind: EngagementKind
    date: dt.date
    start: dt.time | None
    end: dt.time | None
    host: str
    participants: tuple[str, ...]
    provisions: tuple[str, ...]
    title_zh: str = attrs.field(validator=name_text)
    status: Status = Status.PROPOSED
    provisional: bool = False
    beyond_guidance: bool = False
    location: str | None = attrs.field(default=None, validator=free_text)
    note: str = attrs.field(default="", validator=free_text)
    # raised each time a published engagement changes (iCalendar SEQUENCE)
    sequence: int = attrs.field(default=0, validator=not_negative)

    def half_days(self) -> tuple[int, ...]:
        """0 = morning, 1 = afternoon; an engagement without times takes the whole day."""
        if self.start is None:
            return (0, 1)
        end = self.end or self.start
        halves = {0 if self.start < NOON else 1, 0 if end <= NOON else 1}
        return tuple(sorted(halves))

    def counts_for(self, pairing: Pairing) -> bool:
        """A meeting or visit counts for every pairing whose two sides both take part."""
        return pairing.department in self.participants and pairing.counterpart in self.participants

    def with_changes(self, **changes: Any) -> Engagement:
        return attrs.evolve(self, **changes)


NOON = dt.time(12, 0)


@attrs.frozen
class TimeSlot:
    """When a half-day engagement starts."""

    start: dt.time

    @property
    def half(self) -> int:
        return 0 if self.start < NOON else 1


@attrs.frozen
class PlannedEvent:
    """A dated event the user already knows of, to which §1.2 / §1.4 / §3.5 attach invitations."""

    kind: EngagementKind
    date: dt.date
    title_zh: str = attrs.field(validator=name_text)
    start: dt.time | None = None
    end: dt.time | None = None
    host: str | None = None
    location: str | None = attrs.field(default=None, validator=free_text)
    id: str | None = None


MAX_VISITS = 12  # one a month: beyond that a plan stops being a liaison plan


@attrs.frozen
class PlanWarning:
    """An agreed, moved or user-given engagement on a day off, in a customary break or clashing with
    another: kept (it was agreed) and reported, in Chinese and English."""

    engagement: str
    date: dt.date
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


@attrs.frozen
class PlanOptions:
    """How to plan. Every field has a default a district office can live with."""

    per_pairing_meetings: bool = False  # default: a department meets all its counterparts at once
    visits_per_pairing: int | None = None  # default: the rule's minimum; above its maximum is flagged
    allow_makeup_weekends: bool = False  # 调休 Saturdays/Sundays
    allow_customary_breaks: bool = False  # a year without a notice: the 春节, 劳动节, 国庆 weeks
    min_gap_days: int = 30  # between a pairing's meeting and its visits, and between its visits
    preferred_months: tuple[int, ...] = ()
    preferred_weekdays: tuple[int, ...] = ()  # 0 = Monday
    slots: tuple[TimeSlot, ...] = (TimeSlot(dt.time(9, 0)), TimeSlot(dt.time(14, 30)))
    events: tuple[PlannedEvent, ...] = ()

    def __attrs_post_init__(self) -> None:
        if any(not 1 <= m <= 12 for m in self.preferred_months):
            raise PlanningError(f"preferred months must be 1–12, not {self.preferred_months}")
        if any(not 0 <= d <= 6 for d in self.preferred_weekdays):
            raise PlanningError(f"preferred weekdays must be 0 (Monday) – 6, not {self.preferred_weekdays}")
        if self.min_gap_days < 0:
            raise PlanningError("min_gap_days must not be negative")
        if self.visits_per_pairing is not None and not 0 <= self.visits_per_pairing <= MAX_VISITS:
            raise PlanningError(f"visits_per_pairing must be 0–{MAX_VISITS}, not {self.visits_per_pairing}",
                                fix="§3.6 asks for 1 to 2 a year; more is flagged as beyond guidance")
        if not self.slots:
            raise PlanningError("give at least one time slot")


@attrs.frozen
class Unplaced:
    """An obligation the planner could not place, and why."""

    provision: str
    rule: str
    year: int
    subject: tuple[str, ...]
    reason_zh: str
    reason_en: str


@attrs.frozen
class Plan:
    """A period's engagements, what could not be placed and whether the dates are provisional."""

    district: str
    years: tuple[int, ...]
    engagements: tuple[Engagement, ...]
    unplaced: tuple[Unplaced, ...] = ()
    provisional_years: tuple[int, ...] = ()
    calendar: str = ""
    options: PlanOptions = PlanOptions()
    warnings: tuple[PlanWarning, ...] = ()  # agreed or user-given engagements on days off or clashing

    @property
    def label(self) -> str:
        """The years as a file-name label: ``2027`` or ``2026-2028``."""
        first, last = self.years[0], self.years[-1]
        return str(first) if first == last else f"{first}-{last}"

    def get(self, engagement_id: str) -> Engagement:
        for e in self.engagements:
            if e.id == engagement_id:
                return e
        raise PlanningError(f"no engagement {engagement_id!r} in the plan",
                            fix="use an id listed by `liaison plan --format json`")

    def _replace(self, engagement: Engagement) -> Plan:
        items = tuple(engagement if e.id == engagement.id else e for e in self.engagements)
        return attrs.evolve(self, engagements=tuple(sorted(items, key=_order)))

    def confirm(self, engagement_id: str) -> Plan:
        """Both sides agreed the date: the engagement becomes fixed for re-planning."""
        return self._replace(self.get(engagement_id).with_changes(status=Status.AGREED))

    def move(self, engagement_id: str, date: dt.date, start: dt.time | None = None,
             end: dt.time | None = None, *, agreed: bool = True) -> Plan:
        """Move an engagement (agreed by default: a moved date is one the sides settled on)."""
        old = self.get(engagement_id)
        if date.year != old.date.year:
            raise PlanningError(f"{engagement_id} belongs to {old.date.year}; it cannot move to {date}",
                                fix="obligations are counted per year: move it within its year")
        start = start if start is not None else old.start
        if end is None and old.start is not None and old.end is not None and start is not None:
            length = dt.datetime.combine(date, old.end) - dt.datetime.combine(date, old.start)
            finish = dt.datetime.combine(date, start) + length
            if finish.date() != date:
                raise PlanningError(f"{engagement_id} would end after midnight when starting at {start:%H:%M}",
                                    fix="choose an earlier start time")
            end = finish.time()
        end = end or old.end
        if start is not None and end is not None and end <= start:
            raise PlanningError(f"{engagement_id} would end ({end:%H:%M}) before it starts ({start:%H:%M})",
                                fix="give an end time after the start")
        moved = old.with_changes(date=date, start=start, end=end, status=Status.AGREED if agreed else old.status)
        return self._replace(moved)

    def for_organisation(self, org_id: str) -> tuple[Engagement, ...]:
        """What one organisation takes part in (its own calendar)."""
        return tuple(e for e in self.engagements if org_id in e.participants)

    def fixed(self) -> tuple[Engagement, ...]:
        return tuple(e for e in self.engagements if e.status in FIXED_STATUSES)

    def in_year(self, year: int) -> tuple[Engagement, ...]:
        return tuple(e for e in self.engagements if e.date.year == year)


def _in_order(engagements: Iterable[Engagement]) -> list[Engagement]:
    """Sorted by date, start and id, in linear time: bucket by (date, start) — a year has a few
    hundred — then sort each small bucket by id."""
    buckets: dict[tuple[dt.date, dt.time], list[Engagement]] = {}
    for e in engagements:
        key = (e.date, e.start or dt.time(0))
        bucket = buckets.get(key)
        if bucket is None:
            buckets[key] = [e]
        else:
            bucket.append(e)
    ordered: list[Engagement] = []
    for key in sorted(buckets):
        bucket = buckets[key]
        if len(bucket) > 1:
            bucket.sort(key=lambda e: e.id)
        ordered.extend(bucket)
    return ordered


def _order(e: Engagement) -> tuple[dt.date, dt.time, str]:
    return (e.date, e.start or dt.time(0), e.id)


# ------------------------------------------------------------------------------------------- the planner
@attrs.define
class _Board:
    """Half-day slots of one year and who is busy in each.

    A half-day is ``(date.toordinal() - first ordinal of the year) * 2 + half``; who is busy when is
    one flat byte map (organisation × half-day), so a check is an index, not a chain of hash lookups
    — that keeps the planner's working set small enough to stay linear in practice.
    """

    days: list[dt.date]
    slot_times: tuple[TimeSlot, ...]
    preferred: list[int]  # sorted slot indices on preferred months and weekdays
    others: list[int]  # sorted slot indices elsewhere
    origin: int = 0  # ordinal of 1 January
    ordinals: list[int] = attrs.field(factory=list)  # half-day base (relative day * 2) of each working day
    rows: dict[str, int] = attrs.field(factory=dict)  # organisation id → row in the map
    busy: bytearray = attrs.field(factory=bytearray)

    WIDTH = 2 * 367

    def __attrs_post_init__(self) -> None:
        self.ordinals = [d.toordinal() - self.origin for d in self.days]

    def _row(self, org: str) -> int:
        row = self.rows.get(org)
        if row is None:
            row = self.rows[org] = len(self.rows)
            self.busy.extend(bytes(self.WIDTH))
        return row * self.WIDTH

    def rows_of(self, participants: Iterable[str]) -> list[int]:
        return [self._row(org) for org in participants]

    def free_rows(self, rows: Sequence[int], keys: Sequence[int]) -> bool:
        busy = self.busy
        return not any(busy[row + k] for row in rows for k in keys)

    def take_rows(self, rows: Sequence[int], keys: Sequence[int]) -> None:
        busy = self.busy
        for row in rows:
            for k in keys:
                busy[row + k] = 1

    def free(self, participants: Iterable[str], keys: Sequence[int]) -> bool:
        return self.free_rows(self.rows_of(participants), keys)

    def take(self, participants: Iterable[str], keys: Sequence[int]) -> None:
        self.take_rows(self.rows_of(participants), keys)

    def taken_by(self, participants: Iterable[str], keys: Sequence[int]) -> list[str]:
        return [o for o in participants if not self.free((o,), keys)]

    def half_days(self, day: dt.date, halves: Iterable[int]) -> list[int]:
        base = (day.toordinal() - self.origin) * 2
        return [base + h for h in halves]


def _in_customary_break(calendar: WorkingDayCalendar, day: dt.date) -> bool:
    holiday = calendar.holiday(day)
    return holiday is not None and holiday.kind == HolidayKind.CUSTOMARY


def _board(year: int, calendar: WorkingDayCalendar, options: PlanOptions) -> _Board:
    day = dt.date(year, 1, 1)
    days: list[dt.date] = []
    while day.year == year:
        if (calendar.is_working_day(day) and (options.allow_makeup_weekends or day.weekday() < 5)
                and (options.allow_customary_breaks or not _in_customary_break(calendar, day))):
            days.append(day)
        day += dt.timedelta(days=1)
    slots = tuple(sorted(options.slots, key=lambda s: s.start))
    per_day = len(slots)
    indices = range(len(days) * per_day)

    def preferred(i: int) -> bool:
        d = days[i // per_day]
        return ((not options.preferred_months or d.month in options.preferred_months)
                and (not options.preferred_weekdays or d.weekday() in options.preferred_weekdays))

    return _Board(days, slots, [i for i in indices if preferred(i)], [i for i in indices if not preferred(i)],
                  dt.date(year, 1, 1).toordinal())


@attrs.frozen
class _Task:
    id: str
    kind: EngagementKind
    host: str
    participants: tuple[str, ...]
    provisions: tuple[str, ...]
    title_zh: str
    minutes: int
    window: tuple[dt.date, dt.date]
    target: float  # where in the window to aim, 0..1
    pairings: tuple[tuple[str, str], ...]
    spans: tuple[int, ...]  # the same pairings as positions in the year's span list (cheap to look up)
    beyond_guidance: bool = False
    location: str | None = None
    ordinal: int = 1  # the n-th engagement of its kind for these pairings this year


@functools.lru_cache(maxsize=256)
def _end(start: dt.time, minutes: int) -> dt.time:
    moment = dt.datetime.combine(dt.date(2000, 1, 1), start) + dt.timedelta(minutes=minutes)
    return moment.time() if moment.date() == dt.date(2000, 1, 1) else dt.time(23, 59)


def _spread(index: int) -> float:
    """A low-discrepancy sequence in [0, 1): consecutive tasks land far apart (golden ratio)."""
    return (index * 0.6180339887498949) % 1.0


def _names(district: District, ids: Sequence[str]) -> str:
    return "、".join(district.organisation(i).name for i in ids)


def _pairings_in_year(district: District, year: int) -> tuple[PairingSpan, ...]:
    return district.pairing_spans(dt.date(year, 1, 1), dt.date(year, 12, 31))


def _meeting_tasks(district: District, year: int, prov: Provision, rule: Cadence,
                   options: PlanOptions, pairings: Sequence[PairingSpan]) -> Iterator[_Task]:
    by_dept: dict[str, list[tuple[int, PairingSpan]]] = {}
    for i, p in enumerate(pairings):
        by_dept.setdefault(p.pairing.department, []).append((i, p))
    counterparts = {o.id for o in district.counterparts()}
    for dept_index, (dept, found) in enumerate(by_dept.items()):
        # Pairings with the same window can meet together; an amendment mid-year splits them.
        groups: dict[tuple[dt.date, dt.date], list[tuple[int, PairingSpan]]] = {}
        for i, p in found:
            groups.setdefault((p.start, p.end), []).append((i, p))
        if options.per_pairing_meetings:
            units = [[p] for group in groups.values() for p in group]
        else:
            units = list(groups.values())
        dept_org = district.organisation(dept)
        for unit_index, unit in enumerate(units):
            others = tuple(p.pairing.counterpart for _, p in unit)
            window = (unit[0][1].start, unit[0][1].end)
            # a superset test walks all counterparts: only worth it when the sizes allow a match
            everyone = len(counterparts) > 1 and len(others) >= len(counterparts) and set(others) >= counterparts
            suffix = "" if len(units) == 1 else "/" + "+".join(others)
            who = "各民主党派、工商联" if everyone else _names(district, others)
            for n in range(1, rule.min_per_period + 1):
                yield _Task(
                    id=f"{year}/{rule.engagement_kind.value}/{dept}{suffix}" + (f"/{n}" if n > 1 else ""),
                    kind=rule.engagement_kind, host=dept, participants=(dept, *others),
                    provisions=(prov.id,), title_zh=f"{dept_org.name}与{who}{ENGAGEMENT_KIND_ZH[rule.engagement_kind]}",
                    minutes=rule.duration_minutes, window=window,
                    target=_spread(dept_index * 7 + unit_index + n), pairings=tuple(p.key for _, p in unit),
                    spans=tuple(i for i, _ in unit),
                    location=dept_org.location, ordinal=n)


def _visit_tasks(district: District, year: int, prov: Provision, rule: Cadence, options: PlanOptions,
                 pairings: Sequence[PairingSpan], meeting_targets: list[float | None]) -> Iterator[_Task]:
    count = rule.min_per_period if options.visits_per_pairing is None else options.visits_per_pairing
    orgs = district.by_id()
    provisions = (prov.id,)  # one tuple shared by every visit
    nth_of_department: dict[str, int] = {}
    for index, span in enumerate(pairings):
        p, window = span.pairing, (span.start, span.end)
        dept, other = orgs[p.department], orgs[p.counterpart]
        j = nth_of_department[p.department] = nth_of_department.get(p.department, -1) + 1
        # Away from the pairing's meeting, and a department's visits to its counterparts spread out.
        aimed = meeting_targets[index]
        base = (_spread(index) if aimed is None else aimed) + (_spread(j) - 0.5) * 0.6 / (count + 1)
        for n in range(1, count + 1):
            beyond = rule.max_per_period is not None and n > rule.max_per_period
            yield _Task(
                id=f"{year}/{rule.engagement_kind.value}/{p.department}/{p.counterpart}/{n}",
                kind=rule.engagement_kind, host=p.department, participants=(p.department, p.counterpart),
                provisions=provisions, title_zh=f"{dept.name}领导走访{other.name}", minutes=rule.duration_minutes,
                window=window, target=(base + n / (count + 1)) % 1.0, pairings=(p.key,), spans=(index,),
                beyond_guidance=beyond, location=other.location, ordinal=n)


def _government_tasks(district: District, year: int, prov: Provision, rule: Cadence) -> list[_Task]:
    if not rule.due_in(year):
        return []
    gov = district.government()
    others = tuple(o.id for o in district.counterparts())
    title = f"{gov.name}与各民主党派、工商联联系工作会议"
    return [_Task(id=f"{year}/{rule.engagement_kind.value}/{gov.id}" + (f"/{n}" if n > 1 else ""),
                  kind=rule.engagement_kind, host=gov.id, participants=(gov.id, *others), provisions=(prov.id,),
                  title_zh=title, minutes=rule.duration_minutes, window=(dt.date(year, 1, 1), dt.date(year, 12, 31)),
                  target=0.35 + 0.1 * n, pairings=(), spans=(), location=gov.location)
            for n in range(1, rule.min_per_period + 1)]


def _event_engagement(district: District, event: PlannedEvent, nth: int,
                      calendar: WorkingDayCalendar) -> Engagement:
    """``nth``: the how-many-th event of its kind on its date, so ids do not depend on file order."""
    invited = district.invitees(event.kind, event.date, event.host)
    host = invited.host or district.government()
    participants = (host.id, *(i for i in invited.ids() if i != host.id))
    event_id = event.id or f"{event.date.year}/{event.kind.value}/{event.date.isoformat()}" + (
        f"/{nth}" if nth > 1 else "")
    return Engagement(event_id, event.kind, event.date, event.start, event.end, host.id, participants,
                      invited.provisions, event.title_zh, Status.AGREED,
                      provisional=not calendar.is_published(event.date.year), location=event.location)


def _place(task: _Task, board: _Board, pair_days: list[list[int]],
           gap: int) -> tuple[dt.date, TimeSlot] | None:
    """The first half-day from the task's target on (preferred slots first) where everyone is free
    and the pairing's other engagements are at least ``gap`` days away."""
    per_day = len(board.slot_times)
    first, last = task.window
    lo = bisect.bisect_left(board.days, first) * per_day
    hi = bisect.bisect_right(board.days, last) * per_day
    if lo >= hi:
        return None
    # which half-days each slot of the day takes for this task's length
    spans = [(slot.half,) if slot.half == 1 or _end(slot.start, task.minutes) <= NOON else (0, 1)
             for slot in board.slot_times]
    others = [o for i in task.spans for o in pair_days[i]] if gap else []
    rows = board.rows_of(task.participants)
    aim = lo + int(task.target * (hi - lo))
    for pool in (board.preferred, board.others):
        a, b = bisect.bisect_left(pool, lo), bisect.bisect_left(pool, hi)
        k = bisect.bisect_left(pool, aim, a, b)
        for position in itertools.chain(range(k, b), range(a, k)):
            index = pool[position]
            ordinal = board.ordinals[index // per_day]
            keys = [ordinal * 2 + h for h in spans[index % per_day]]  # ordinal: days since 1 January
            if not board.free_rows(rows, keys):
                continue
            if others and any(abs(ordinal - o) < gap for o in others):
                continue
            board.take_rows(rows, keys)
            for i in task.spans:
                pair_days[i].append(ordinal)
            return board.days[index // per_day], board.slot_times[index % per_day]
    return None


def _day_warnings(district: District, e: Engagement, calendar: WorkingDayCalendar) -> list[PlanWarning]:
    """An agreed or given date on a day off, its 补假 or a customary break, naming the holiday."""
    holiday = calendar.holiday(e.date)
    working = calendar.is_working_day(e.date)
    if working and holiday is None:
        return []
    day = e.date.isoformat()
    if holiday is None:  # a plain weekend
        weekday_zh, weekday_en = "六日"[e.date.weekday() - 5], e.date.strftime("%A")
        return [PlanWarning(e.id, e.date, f"{e.title_zh}（{e.id}）定在{day}（星期{weekday_zh}），不是工作日",
                            f"{e.id} is set on {day}, a {weekday_en}, not a working day")]
    if holiday.kind == HolidayKind.CUSTOMARY:
        return [PlanWarning(e.id, e.date, f"{e.title_zh}（{e.id}）定在{day}，在{holiday.label('zh')}内",
                            f"{e.id} is set on {day}, inside the {holiday.label('en')}")]
    return [PlanWarning(e.id, e.date, f"{e.title_zh}（{e.id}）定在{day}，为{holiday.label('zh')}，不是工作日",
                        f"{e.id} is set on {day}, {holiday.label('en')}, not a working day")]


def plan_year(district: District, year: int, options: PlanOptions = PlanOptions(), *,
              calendar: WorkingDayCalendar | None = None, fixed: Sequence[Engagement] = ()) -> Plan:
    """The year's plan. ``fixed`` engagements (agreed or held) stay where they are and count."""
    return plan_years(district, (year,), options, calendar=calendar, fixed=fixed)


def plan_years(district: District, years: Sequence[int], options: PlanOptions = PlanOptions(), *,
               calendar: WorkingDayCalendar | None = None, fixed: Sequence[Engagement] = ()) -> Plan:
    """Plan several years; see :func:`plan_year`."""
    years = tuple(years)  # a generator is read once
    if not years:
        raise PlanningError("no year to plan", fix="give --year YYYY or --years A..B")
    if any(not 1900 < y < 2200 for y in years):
        raise PlanningError(f"cannot plan the years {list(years)}", fix="give years between 1901 and 2199")
    if calendar is None:
        calendar = default_calendar()
    engagements: list[Engagement] = []
    unplaced: list[Unplaced] = []
    warnings: list[PlanWarning] = []
    provisional = tuple(y for y in sorted(set(years)) if not calendar.is_published(y))
    for year in sorted(set(years)):
        placed, missing, noted = _plan_one_year(district, year, options, calendar,
                                                 [e for e in fixed if e.date.year == year])
        engagements.extend(placed)
        unplaced.extend(missing)
        warnings.extend(noted)
    engagements = _in_order(engagements)
    return Plan(district.info.id, tuple(sorted(set(years))), tuple(engagements),
                tuple(unplaced), provisional, getattr(calendar, "name", type(calendar).__name__), options,
                tuple(warnings))


def _plan_one_year(district: District, year: int, options: PlanOptions, calendar: WorkingDayCalendar,
                   fixed: list[Engagement]) -> tuple[list[Engagement], list[Unplaced], list[PlanWarning]]:
    as_of = dt.date(year, 1, 1)
    board = _board(year, calendar, options)
    provisional = not calendar.is_published(year)
    pair_days: list[list[int]] = []  # per span: the days (since 1 January) of its meetings and visits
    result: list[Engagement] = []
    fixed_ids = {e.id for e in fixed}
    pairings = _pairings_in_year(district, year)
    warnings: list[PlanWarning] = []

    by_department: dict[str, list[tuple[int, Pairing]]] = {}
    for i, span in enumerate(pairings):
        by_department.setdefault(span.pairing.department, []).append((i, span.pairing))
    pair_days.extend([] for _ in pairings)
    done: dict[tuple[EngagementKind, tuple[str, str]], int] = {}  # fixed engagements per pairing

    def occupy(e: Engagement) -> None:
        keys = board.half_days(e.date, e.half_days())
        if e.status != Status.CANCELLED:
            warnings.extend(_day_warnings(district, e, calendar))
        if e.status != Status.CANCELLED and not board.free(e.participants, keys):
            clash = board.taken_by(e.participants, keys)
            warnings.append(PlanWarning(
                e.id, e.date,
                f"{e.title_zh}（{e.id}）{e.date.isoformat()}与其他已定活动同一时段："
                + "、".join(district.organisation(o).name for o in clash),
                f"{e.id} on {e.date.isoformat()} clashes with another fixed engagement of "
                + ", ".join(district.organisation(o).name_en for o in clash)))
        board.take(e.participants, keys)
        if e.kind in (EngagementKind.JOINT_MEETING, EngagementKind.VISIT):
            for dept in e.participants:
                for i, p in by_department.get(dept, ()):
                    if e.counts_for(p):
                        pair_days[i].append(e.date.toordinal() - board.origin)
                        done[(e.kind, p.key)] = done.get((e.kind, p.key), 0) + 1

    for e in fixed:
        occupy(e)
        result.append(e)
    seen_events: dict[tuple[dt.date, EngagementKind], int] = {}
    for event in options.events:
        if event.date.year != year:
            continue
        nth = seen_events[(event.date, event.kind)] = seen_events.get((event.date, event.kind), 0) + 1
        e = _event_engagement(district, event, nth, calendar)
        if e.id not in fixed_ids:
            occupy(e)
            result.append(e)

    cadences = district.cadences(as_of) or district.cadences(dt.date(year, 12, 31))
    meeting_targets: list[float | None] = [None] * len(pairings)

    def tasks() -> Iterator[tuple[Provision, Cadence, _Task]]:
        """Government meetings, then joint meetings, then visits (aimed away from the meetings).

        Generated one at a time and placed at once: the working set stays small.
        """
        for prov, rule in cadences:
            if rule.scope == "government":
                for t in _government_tasks(district, year, prov, rule):
                    yield prov, rule, t
        for prov, rule in cadences:
            if rule.scope == "pairing" and rule.engagement_kind != EngagementKind.VISIT:
                for t in _meeting_tasks(district, year, prov, rule, options, pairings):
                    for i in t.spans:
                        if meeting_targets[i] is None:
                            meeting_targets[i] = t.target
                    yield prov, rule, t
        for prov, rule in cadences:
            if rule.scope == "pairing" and rule.engagement_kind == EngagementKind.VISIT:
                for t in _visit_tasks(district, year, prov, rule, options, pairings, meeting_targets):
                    yield prov, rule, t

    unplaced: list[Unplaced] = []
    for prov, rule, task in tasks():
        if task.id in fixed_ids or (done and task.pairings and all(
                done.get((task.kind, key), 0) >= task.ordinal for key in task.pairings)):
            continue  # agreed or held engagements (perhaps under other ids) already serve these pairings
        spot = _place(task, board, pair_days, options.min_gap_days if task.pairings else 0)
        if spot is None:
            unplaced.append(Unplaced(
                prov.id, rule.key, year, task.participants,
                f"{year}年内找不到各方均有空、且与同一对口关系其他活动间隔不少于{options.min_gap_days}天的工作日半天：{task.title_zh}",
                f"no free working half-day in {year} for all of {', '.join(task.participants)} "
                f"at least {options.min_gap_days} days from the pairing's other engagements"))
            continue
        day, slot = spot
        result.append(Engagement(
            task.id, task.kind, day, slot.start, _end(slot.start, task.minutes), task.host, task.participants,
            task.provisions, task.title_zh, Status.PROPOSED, provisional, task.beyond_guidance, task.location,
            "超出第三（六）条1至2次的指导范围" if task.beyond_guidance else ""))
    return result, unplaced, warnings


def _schedule(e: Engagement) -> tuple[object, ...]:
    """What a calendar client sees of an engagement; a change here is a new revision."""
    return (e.date, e.start, e.end, e.status, e.title_zh, e.participants, e.location, e.host, e.provisions)


def revise(previous: Plan, current: Plan) -> Plan:
    """The current plan as a revision of a published one, so calendars update in place.

    Unchanged engagements keep their sequence; changed ones (moved, retitled, confirmed) get the
    previous sequence + 1; engagements that are gone are kept as cancelled with sequence + 1. Ids
    (and so calendar UIDs) never change.
    """
    before = {e.id: e for e in previous.engagements}
    revised: list[Engagement] = []
    for e in current.engagements:
        old = before.pop(e.id, None)
        if old is None:
            revised.append(e)
        elif _schedule(old) == _schedule(attrs.evolve(e, sequence=old.sequence)):
            revised.append(e.with_changes(sequence=old.sequence))
        else:
            revised.append(e.with_changes(sequence=old.sequence + 1))
    for old in before.values():
        if old.date.year in current.years:
            revised.append(old if old.status == Status.CANCELLED else
                           old.with_changes(status=Status.CANCELLED, sequence=old.sequence + 1))
    return attrs.evolve(current, engagements=tuple(sorted(revised, key=_order)))


def organisations_in(plan: Plan, district: District) -> tuple[Organisation, ...]:
    """Every organisation that takes part in the plan, in directory order."""
    ids = {p for e in plan.engagements for p in e.participants}
    return tuple(o for o in district.organisations if o.id in ids)
