"""The annual plan on China's working days: the obligations of :mod:`liaison.law.duties`, placed.

For a year the planner takes every obligation planned in it (:func:`liaison.law.duties.planning_year`:
the year its span starts, unless its pairings are in force there for only a few days) — the §3.1
work meeting in the years a period begins, the §3.3 meetings and the §3.6 visits of every pairing
or department — and places each on a working half-day: every organisation in at most one engagement per half-day,
a pairing's engagements at least ``min_gap_days`` apart, never on a day off, a customary break
(unless allowed) or a make-up weekend (unless allowed). Agreed, held and cancelled engagements
(``fixed``) stay as they are and count; proposed ones from an earlier plan (``keep``) stay where
they were while that still fits, so a re-export does not shuffle what was sent out. A re-plan made
during the year names its day (``from_day``): what is placed afresh — a new engagement, or a proposed
one that no longer fits where it was — goes on that day or after it, never on a day already gone. What
cannot be placed (its days all gone, or none left free) is reported with the provision and the reason;
nothing is dropped in silence.

The planner is deterministic and linear in the number of pairings.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence

import attrs

from liaison.base.errors import PlanningError
from liaison.base.text import FIRST_YEAR, LAST_YEAR, MESSAGE_MAX, TITLE_EN_MAX, TITLE_MAX, shorten
from liaison.law.district import District, PairingSpan
from liaison.law.duties import Obligation, SpanMemo, obligations, planning_year, spans_in
from liaison.law.model import Organisation
from liaison.law.rules import EngagementKind
from liaison.law.workdays import HolidayKind, WorkingDayCalendar, default_calendar
from liaison.year.board import board_for, usable_day
from liaison.year.engagements import (
    NOON,
    Engagement,
    Guest,
    KnownEvent,
    Plan,
    PlanOptions,
    PlanWarning,
    Status,
    TimeSlot,
    Unplaced,
    in_order,
)
from liaison.year.vacancy import Vacancies, next_open

DEFAULT_OPTIONS = PlanOptions()


def check_year(year: int) -> None:
    """A year the planner works in, or a :class:`PlanningError` (asked before anything is written)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PlanningError(f"cannot plan the year {year}", fix=f"give a year between {FIRST_YEAR} and {LAST_YEAR}",
                            message_zh=f"无法安排{year}年", fix_zh=f"请给出 {FIRST_YEAR}–{LAST_YEAR} 之间的年份")


def plan_year(district: District, year: int, options: PlanOptions = DEFAULT_OPTIONS, *,
              calendar: WorkingDayCalendar | None = None, fixed: Sequence[Engagement] = (),
              keep: Sequence[Engagement] = (), from_day: dt.date | None = None) -> Plan:
    """The year's plan. ``fixed`` engagements (agreed, held, cancelled) stay as they are; proposed
    ones in ``keep`` stay where they are if that still fits; the rest is placed afresh — on
    ``from_day`` or after it, where given (the day of a re-plan made during the year: the edge passes
    it, the planner reads no clock). None places over the whole year (a plan made before it). An
    engagement with no free half-day left from that day in its window (its window closed before it)
    is in :attr:`Plan.unplaced`, saying so, and what it owed is short."""
    check_year(year)
    calendar = calendar or default_calendar()
    planner = _YearPlanner(district, year, options, calendar, from_day)
    return planner.run([e for e in fixed if e.date.year == year], [e for e in keep if e.date.year == year])


def plan_years(district: District, years: Iterable[int], options: PlanOptions = DEFAULT_OPTIONS, *,
               calendar: WorkingDayCalendar | None = None, fixed: Sequence[Engagement] = (),
               keep: Sequence[Engagement] = (), from_day: dt.date | None = None) -> tuple[Plan, ...]:
    """One plan per year (each year is its own plan, state and folder); ``from_day`` as for
    :func:`plan_year`."""
    chosen = sorted(set(years))
    if not chosen:
        raise PlanningError("no year to plan", fix="give a year, or a range of years",
                            message_zh="没有要编排计划的年度", fix_zh="请指定一个年度或年度范围")
    return tuple(plan_year(district, y, options, calendar=calendar, fixed=fixed, keep=keep, from_day=from_day)
                 for y in chosen)


# ------------------------------------------------------------------------------------------ the tasks
def _business_key(text: str) -> str:
    """An engagement's id as it reads (``2027/visit/health/cpwdp/1``); where ids of up to 64
    characters make it longer than an engagement id may be, its head and a digest of the whole (the
    same every time, and another for every other key)."""
    if len(text) <= TITLE_MAX:
        return text
    digest = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]
    return f"{text[:TITLE_MAX - 17]}~{digest}"


def _clip(limit: int) -> Callable[[str], str]:
    """Text cut to ``limit`` characters with an ellipsis: a title made of long names still fits."""
    return lambda text: shorten(text, limit - 1)


def _title_zh(text: str) -> str:
    return shorten(text, TITLE_MAX - 1)


def _title_en(text: str) -> str:
    return shorten(text, TITLE_EN_MAX - 1)


@attrs.frozen(kw_only=True)
class _Task:
    id: str = attrs.field(converter=_business_key)
    kind: EngagementKind
    host: str
    participants: tuple[str, ...]
    provision: str
    rule: str
    title_zh: str = attrs.field(converter=_title_zh)
    title_en: str = attrs.field(converter=_title_en)
    minutes: int
    window: tuple[dt.date, dt.date]
    target: float  # where in the window to aim, 0..1
    serves: tuple[int, ...]  # obligations (positions) it counts for
    pairs: tuple[int, ...]  # pairings (positions) whose engagements keep the minimum gap from it
    ordinal: int  # the n-th engagement of its kind for these obligations
    beyond_guidance: bool = False
    note: str = ""
    location: str | None = None


@attrs.define
class _Unit:
    """Counterparts of one department that meet together: the window they share, their pairings
    and the obligations (positions) the meeting counts for, each in order of first appearance."""

    window: tuple[dt.date, dt.date]
    keys: dict[tuple[str, str], None] = attrs.field(factory=dict)
    serves: dict[int, None] = attrs.field(factory=dict)


@functools.lru_cache(maxsize=256)
def _end(start: dt.time, minutes: int) -> dt.time:
    moment = dt.datetime.combine(dt.date(2000, 1, 1), start) + dt.timedelta(minutes=minutes)
    return moment.time() if moment.date() == dt.date(2000, 1, 1) else dt.time(23, 59)


def _spread(index: int) -> float:
    """A low-discrepancy sequence in [0, 1): consecutive tasks land far apart (golden ratio)."""
    return (index * 0.6180339887498949) % 1.0


def _fit(text: str, instead: str, limit: int) -> str:
    """A list of names for a title, or a count of them where the names would not fit."""
    return text if len(text) <= limit else instead


def _period_suffix(o: Obligation) -> str:
    return f"/p{o.period[0].month:02d}" if o.rule.months < 12 else ""


class _YearPlanner:
    """One year's planning: the board, the obligations, what is fixed, and the tasks placed on it."""

    def __init__(self, district: District, year: int, options: PlanOptions, calendar: WorkingDayCalendar,
                 from_day: dt.date | None = None) -> None:
        self.district, self.year, self.options, self.calendar = district, year, options, calendar
        self.first, self.last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        # the first day a task placed afresh may take (the re-plan's day; the year's first without one)
        self.from_day = self.first if from_day is None else max(from_day, self.first)
        self.board = board_for(year, calendar, options)
        # the first slot a task placed afresh may take (an index of the board's slots, found once)
        self.from_slot = bisect.bisect_left(self.board.days, self.from_day) * len(self.board.slot_times)
        self.vacancies = Vacancies(self.board)  # the slots a busy organisation's search passes over
        # the pairing spans the obligations were worked out from, read again for each task's window
        self._span_memo: SpanMemo = {}
        self.obligations = [o for o in obligations(district, self.first, self.last, spans=self._span_memo)
                            if o.applicable and o.minimum and planning_year(district, o) == year]
        self.pair_index: dict[tuple[str, str], int] = {}
        for o in self.obligations:
            for key in o.pairings:
                self.pair_index.setdefault(key, len(self.pair_index))
        # tuples of ints, grown by a new tuple per day taken (a pairing has a few): the collector stops
        # tracking a tuple of ints, while it walks a list per pairing in every full pass
        self.pair_days: list[tuple[int, ...]] = [()] * len(self.pair_index)
        self.by_responsible: dict[str, tuple[int, ...]] = {}
        for i, o in enumerate(self.obligations):
            self.by_responsible[o.responsible.id] = (*self.by_responsible.get(o.responsible.id, ()), i)
        self.done = [0] * len(self.obligations)  # fixed engagements counting for each obligation
        self.warnings: list[PlanWarning] = []
        self.result: list[Engagement] = []
        self.unplaced: list[Unplaced] = []
        self.fewer: list[Unplaced] = []  # visits asked for below the rule's minimum: before what is not placed
        self.provisional = not calendar.is_published(year)
        self._span_cache: dict[tuple[dt.date, dt.date], dict[tuple[str, str], PairingSpan]] = {}
        self._claimed: set[str] = set()  # task ids taken so far this year

    # -- fixed engagements and known events ---------------------------------------------------------
    def occupy(self, e: Engagement) -> None:
        """Book a fixed engagement, warn where it falls on a day off or clashes, count it. Its date is
        provisional while the year's calendar is (an agreed date may still meet the 调休 arrangement),
        never once it was held."""
        provisional = self.provisional and e.status != Status.HELD
        e = e if e.provisional == provisional else e.with_changes(provisional=provisional)
        self.result.append(e)
        if e.status == Status.CANCELLED:
            return
        self.warnings.extend(day_warnings(e, self.calendar))
        keys = self.board.keys(e.date, e.half_days())
        rows = self.board.rows_of(e.participants)
        if not self.board.free(rows, keys):
            clash = [o for o, row in zip(e.participants, rows, strict=True) if not self.board.free((row,), keys)]
            names = self.district.names_of(clash), self.district.names_of(clash, lang="en")
            message = _clip(MESSAGE_MAX)
            self.warnings.append(PlanWarning(
                e.id, e.date, message(f"{e.title_zh}（{e.id}）{e.date.isoformat()}与其他已定活动同一时段：{names[0]}"),
                message(f"{e.id} on {e.date.isoformat()} clashes with another fixed engagement of {names[1]}")))
        self.board.take(rows, keys)
        self.vacancies.take(rows, keys)
        self._count(e, e.participants)

    def _count(self, e: Engagement, attended: Sequence[str]) -> None:
        ordinal = e.date.toordinal() - self.board.origin
        for pairing in itertools.combinations(sorted(set(attended)), 2):
            for key in (pairing, pairing[::-1]):
                if key in self.pair_index:
                    self.pair_days[self.pair_index[key]] += (ordinal,)
        for org in dict.fromkeys(attended):
            for i in self.by_responsible.get(org, ()):
                if self.obligations[i].counts(e.kind, e.date, e.host, attended):
                    self.done[i] += 1

    def event(self, event: KnownEvent) -> Engagement:
        invited = self.district.invitees(event.kind, event.date, event.host, named=event.invite)
        host = invited.host or self.district.government()
        participants = (host.id, *(i for i in invited.ids() if i != host.id))
        if invited.note_zh:  # 有关 with no one named: all are listed, and the plan says that is a default
            self.warnings.append(PlanWarning(event.engagement_id(), event.date, f"{event.title_zh}：{invited.note_zh}"
                                             "（活动文件中用 invite 列出有关单位）",
                                             f"{event.title_en or event.title_zh}: {invited.note_en} (list them "
                                             "under invite in the events file)"))
        return Engagement(id=event.engagement_id(), kind=event.kind, date=event.date, start=event.start, end=event.end,
                          host=host.id, participants=participants,
                          provisions=invited.provisions, title_zh=event.title_zh, status=Status.AGREED,
                          provisional=self.provisional,
                          location=event.location, title_en=event.title_en, guests=event.guests)

    # -- tasks ----------------------------------------------------------------------------------------
    def tasks(self) -> Iterator[_Task]:
        """The §3.1-style government meetings, then the meetings, then the visits (aimed away from the
        meetings of their pairings). The visits, most of the tasks, are made one at a time as they are
        placed: only the meetings are needed all at once (where the visits aim)."""
        obligations = self.obligations
        government = [i for i, o in enumerate(obligations) if o.scope == "government"]
        meetings = [i for i, o in enumerate(obligations) if o.scope != "government" and o.kind != EngagementKind.VISIT]
        visits = [i for i, o in enumerate(obligations) if o.scope != "government" and o.kind == EngagementKind.VISIT]
        for i in government:
            yield from self._government_tasks(i, obligations[i])
        meeting_tasks = self._meeting_tasks(meetings)
        yield from meeting_tasks
        aims = {p: t.target for t in meeting_tasks for p in t.pairs}
        del meeting_tasks
        yield from self._visit_tasks(visits, aims)

    def _window(self, o: Obligation) -> tuple[dt.date, dt.date]:
        return max(o.span[0], self.first), min(o.span[1], self.last)

    def _government_tasks(self, index: int, o: Obligation) -> list[_Task]:
        gov = o.responsible
        kind_zh, kind_en = self.district.kind_name(o.kind), self.district.kind_name(o.kind, "en")
        ids = self._ids(f"{self.year}/{o.kind.value}/{gov.id}{_period_suffix(o)}", self._window(o)[0], o.minimum)
        return [_Task(id=ids[n - 1],
                      kind=o.kind, host=gov.id, participants=(gov.id, *o.counterpart_ids), provision=o.provision.id,
                      rule=o.rule.key,
                      title_zh=f"{gov.name}与各民主党派、工商联{kind_zh}",
                      title_en=f"{gov.name_en}: {kind_en} with every branch and the ICF",
                      minutes=o.rule.duration_minutes, window=self._window(o), target=0.35 + 0.1 * n, serves=(index,),
                      pairs=(), ordinal=n, location=gov.location)
                for n in range(1, o.minimum + 1)]

    def _meeting_tasks(self, found: Sequence[int]) -> list[_Task]:
        """A department meets its counterparts together (or, with ``per_pairing_meetings``, each
        apart). Each obligation owes over its own span, and each of its pairings is in force over its
        own part of that: counterparts meet together where they share the window of days (the same
        rule, period and days in force), apart otherwise — a pairing replaced mid-year, or a rule
        amended mid-period, gets its own meeting within its own days."""
        # the units of all groups (rule, department, period) in one dictionary, then sorted by group
        # (in order of first appearance) and within one by window: no dictionary per group
        groups: dict[tuple[str, str, dt.date], int] = {}
        units: dict[tuple[tuple[str, str, dt.date], tuple[object, ...]], _Unit] = {}
        for i in found:
            o = self.obligations[i]
            group = (o.rule.key, o.responsible.id, o.period[0])
            groups.setdefault(group, len(groups))
            for key in o.pairings:
                window = self._pairing_window(key, o)
                if window is None:  # in force in the period, not in this year (a period of years)
                    continue
                unit = units.setdefault((group, (key, *window) if self.options.per_pairing_meetings else window),
                                        _Unit(window))
                unit.keys.setdefault(key)
                unit.serves.setdefault(i)
        tasks: list[_Task] = []
        # earliest first within a group (a group's units differ in window, or in pairing: never equal)
        ordered = sorted(units.items(), key=lambda item: (groups[item[0][0]], item[1].window, list(item[1].keys)))
        for group, in_group in itertools.groupby(ordered, key=lambda item: item[0][0]):
            dept_index = groups[group]  # counting the groups with no unit this year, as every group counts
            dept = self.district.organisation(group[1])
            for unit_index, (_, unit) in enumerate(in_group):
                keys, serves = list(unit.keys), tuple(unit.serves)
                others = tuple(k[1] for k in keys)
                o = self.obligations[serves[0]]
                # the first unit keeps the department's id, so a pairing added mid-year leaves it alone
                suffix = "" if unit_index == 0 else "/" + "+".join(others)
                minimum = max(self.obligations[i].minimum for i in serves)
                ids = self._ids(f"{self.year}/{o.kind.value}/{dept.id}{suffix}{_period_suffix(o)}", unit.window[0],
                                minimum)
                who_zh = _fit(self.district.names_of(others), f"{len(others)}个对口联系单位", TITLE_MAX - 40)
                who_en = _fit(self.district.names_of(others, lang="en"), f"{len(others)} paired organisations", 200)
                for n in range(1, minimum + 1):
                    tasks.append(_Task(
                        id=ids[n - 1],
                        kind=o.kind, host=dept.id, participants=(dept.id, *others), provision=o.provision.id,
                        rule=o.rule.key,
                        title_zh=f"{dept.name}与{who_zh}{self.district.kind_name(o.kind)}",
                        title_en=f"{dept.name_en}: {self.district.kind_name(o.kind, 'en')} with {who_en}",
                        minutes=o.rule.duration_minutes, window=unit.window,
                        target=_spread(dept_index * 7 + unit_index + n), serves=serves,
                        pairs=tuple(self.pair_index[k] for k in keys), ordinal=n, location=dept.location))
        return tasks

    def _ids(self, key: str, start: dt.date, count: int) -> list[str]:
        """The ids of ``count`` tasks: ``key``, ``key/2`` … — or, where an earlier task of the year has
        one of them (two versions of a rule in one period, two periods alike in their suffix), the
        same with the day their window starts after ``key``."""
        base, tries = key, 1
        while True:
            found = [base + (f"/{n}" if n > 1 else "") for n in range(1, count + 1)]
            if not self._claimed.intersection(found):
                self._claimed.update(found)
                return found
            tries += 1
            base = f"{key}/{start:%m%d}" + (f"-{tries - 1}" if tries > 2 else "")

    def _spans(self, window: tuple[dt.date, dt.date]) -> dict[tuple[str, str], PairingSpan]:
        """The pairings in force in a window, by key (looked up once per window)."""
        found = self._span_cache.get(window)
        if found is None:
            found = self._span_cache[window] = {s.key: s for s in spans_in(self.district, *window, self._span_memo)}
        return found

    def _pairing_window(self, key: tuple[str, str], o: Obligation) -> tuple[dt.date, dt.date] | None:
        """The days of this year on which the pairing ``key`` is in force within what ``o`` owes
        (the longest run of them, when the pairing ended and began again)."""
        span = self._spans(self._window(o)).get(key)
        return None if span is None else span.longest_piece()

    def _visit_tasks(self, found: Sequence[int], aims: dict[int, float]) -> Iterator[_Task]:
        nth_of: dict[tuple[str, str], int] = {}  # a department's visits spread over its counterparts
        ordinals: dict[tuple[str, str, str], int] = {}  # numbered through the year: ids stay unique
        for index, i in enumerate(found):
            o = self.obligations[i]
            count = o.minimum if self.options.visits_per_pairing is None or o.scope != "pairing" \
                else self.options.visits_per_pairing
            dept = o.responsible
            if count < o.minimum and self.done[i] < o.minimum:  # fewer asked than the rule owes: said, not hidden
                self.fewer.append(self._fewer_asked(o, count))
            # a department's visits go round the counterparts paired with it this year (a period of
            # years may hold pairings that start only next year), longest paired first, leaving out
            # those paired less than half as long: one paired for a day would take a visit it cannot hold
            windows = {c: w for c in o.counterpart_ids if (w := self._pairing_window((dept.id, c), o)) is not None}
            others = list(windows)
            if len(others) > 1:  # a department's (a pairing has one)
                longest = max(w[1] - w[0] for w in windows.values())
                others = sorted((c for c, w in windows.items() if 2 * (w[1] - w[0]) >= longest),
                                key=lambda c: windows[c][0] - windows[c][1])
            for k in range(count if others else 0):
                other_id = others[k % len(others)]
                key = (dept.id, other_id)
                pair = self.pair_index.get(key)
                j = nth_of[(o.rule.key, dept.id)] = nth_of.get((o.rule.key, dept.id), -1) + 1
                slot = (dept.id, other_id, _period_suffix(o))
                n = ordinals[slot] = ordinals.get(slot, 0) + 1
                task_id = f"{self.year}/{o.kind.value}/{dept.id}/{other_id}{_period_suffix(o)}/{n}"
                self._claimed.add(task_id)
                aimed = aims.get(pair) if pair is not None else None
                base = (_spread(index) if aimed is None else aimed) + (_spread(j) - 0.5) * 0.6 / (count + 1)
                maximum = o.maximum
                beyond = maximum is not None and k + 1 > maximum
                other = self.district.organisation(other_id)
                note = ""
                if beyond:
                    period, how = o.rule.how_often_zh()
                    cite = o.provision.cite_zh()
                    note = f"超出{cite}“{period}{how}”的指导范围"
                yield _Task(
                    id=task_id, kind=o.kind, host=dept.id,
                    participants=(dept.id, other_id), provision=o.provision.id, rule=o.rule.key,
                    title_zh=f"{dept.name}领导走访{other.name}",
                    title_en=f"{dept.name_en} leaders visit {other.name_en}", minutes=o.rule.duration_minutes,
                    window=windows[other_id],
                    target=(base + (k + 1) / (count + 1)) % 1.0, serves=(i,), pairs=() if pair is None else (pair,),
                    ordinal=k + 1,
                    beyond_guidance=beyond, note=note, location=other.location)

    # -- placement -----------------------------------------------------------------------------------
    def _keys_for(self, task: _Task, index: int) -> list[int]:
        per_day = len(self.board.slot_times)
        slot = self.board.slot_times[index % per_day]
        halves = (slot.half,) if slot.half == 1 or _end(slot.start, task.minutes) <= NOON else (0, 1)
        return [self.board.ordinals[index // per_day] * 2 + h for h in halves]

    def _gap_ok(self, task: _Task, ordinal: int, *, gap: int | None = None) -> bool:
        gap = self.options.min_gap_days if gap is None else gap
        return not gap or not any(abs(ordinal - d) < gap for p in task.pairs for d in self.pair_days[p])

    def _take(self, task: _Task, rows: Sequence[int], keys: Sequence[int], ordinal: int) -> None:
        self.board.take(rows, keys)
        self.vacancies.take(rows, keys)
        for p in task.pairs:
            self.pair_days[p] += (ordinal,)

    def place_at(self, task: _Task, kept: Engagement) -> bool:
        """Keep a proposed engagement where it was, if its day is still usable, everyone is free and
        the gap holds."""
        inside = task.window[0] <= kept.date <= task.window[1]
        if not inside or not usable_day(self.calendar, self.options, kept.date):
            return False
        keys = self.board.keys(kept.date, kept.half_days())
        rows = self.board.rows_of(task.participants)
        ordinal = kept.date.toordinal() - self.board.origin
        if not self.board.free(rows, keys) or not self._gap_ok(task, ordinal):
            return False
        self._take(task, rows, keys, ordinal)
        return True

    def place(self, task: _Task, *, gap: int | None = None) -> tuple[dt.date, TimeSlot] | None:
        """The first half-day from the task's target on (preferred slots first) where everyone is free
        and the pairing's other engagements are at least ``gap`` (``min_gap_days``) days away, on the
        re-plan's day or after it: the search from the target wraps round to the window's first day
        still to come, never to one gone by."""
        board, per_day = self.board, len(self.board.slot_times)
        first = bisect.bisect_left(board.days, task.window[0]) * per_day
        hi = bisect.bisect_right(board.days, task.window[1]) * per_day
        # aimed over the whole window, as a plan before the year aims, where that day is still to come
        # (a proposed engagement displaced stays near where it was); else over the days left, spread as
        # the plan spreads them — not all on the re-plan's own day, with no time to invite anyone
        lo = first if first >= self.from_slot else self.from_slot
        if lo >= hi:
            return None
        rows = board.rows_of(task.participants)
        aim = first + int(task.target * (hi - first))
        if aim < lo:
            aim = lo + int(task.target * (hi - lo))
        for pool_no, pool in enumerate((board.preferred, board.others)):
            a, b = bisect.bisect_left(pool, lo), bisect.bisect_left(pool, hi)
            k = bisect.bisect_left(pool, aim, a, b)
            chains = self.vacancies.chains(pool_no, rows)
            # from the aim to the end, then from the start to the aim, passing over the slots where a
            # participant is already busy (which could not take the task): the slots in the same order
            for start, stop in ((k, b), (a, k)):
                position = next_open(chains, start) if chains else start
                while position < stop:
                    index = pool[position]
                    keys = self._keys_for(task, index)
                    ordinal = board.ordinals[index // per_day]
                    if board.free(rows, keys) and self._gap_ok(task, ordinal, gap=gap):
                        self._take(task, rows, keys, ordinal)
                        return board.days[index // per_day], board.slot_times[index % per_day]
                    position = next_open(chains, position + 1) if chains else position + 1
        return None

    def _engagement(self, task: _Task, day: dt.date, start: dt.time | None, end: dt.time | None) -> Engagement:
        return Engagement(id=task.id, kind=task.kind, date=day, start=start, end=end, host=task.host,
                          participants=task.participants, provisions=(task.provision,),
                          title_zh=task.title_zh, status=Status.PROPOSED, provisional=self.provisional,
                          beyond_guidance=task.beyond_guidance, location=task.location,
                          note=task.note, title_en=task.title_en)

    def _fewer_asked(self, o: Obligation, count: int) -> Unplaced:
        what_zh, what_en = self.district.kind_name(o.kind), self.district.kind_name(o.kind, "en")
        names_zh, names_en = self.district.names_of(o.subject), self.district.names_of(o.subject, lang="en")
        message = _clip(MESSAGE_MAX)
        pid = o.provision.id
        return Unplaced(pid, o.rule.key, self.year, o.subject,
                        message(f"计划选项要求每对安排{count}次{what_zh}，少于{pid}要求的{o.minimum}次：{names_zh}"),
                        message(f"the plan option asks for {count} {what_en}(s) a pairing, fewer than the "
                                f"{o.minimum} {pid} asks for: {names_en}"))

    def _gap_warning(self, task: _Task, day: dt.date) -> PlanWarning:
        gap = self.options.min_gap_days
        first, last = task.window
        return PlanWarning(task.id, day, f"{task.title_zh}（{task.id}）定在{day.isoformat()}：在{first.isoformat()}至"
                           f"{last.isoformat()}内无法与同一对口关系的其他活动间隔{gap}天（计划的间隔设定），已放宽间隔安排",
                           f"{task.id} is set on {day.isoformat()}: between {first.isoformat()} and "
                           f"{last.isoformat()} it cannot be {gap} days from the pairing's other engagements "
                           "(the plan's spacing), so the spacing was relaxed")

    def _unplaced(self, task: _Task) -> Unplaced:
        gap = self.options.min_gap_days
        first, last = task.window
        day = self.from_day.isoformat()
        if self.from_day > last:  # its days are gone: the re-plan cannot place it, and what it owed is short
            zh = (f"{first.isoformat()}至{last.isoformat()}的日期已过（本次于{day}重新编排），"
                  f"无法再安排：{task.title_zh}")
            en = (f"its days, {first.isoformat()} to {last.isoformat()}, are gone (re-planned on {day}): it can no "
                  f"longer be placed: {task.title_en}")
        elif self.from_day > first:  # some of its days are gone: none free among those left
            zh = f"{day}（本次重新编排之日）至{last.isoformat()}内找不到各方均有空的工作日半天：{task.title_zh}"
            en = (f"no free working half-day from {day} (the day of this re-plan) to {last.isoformat()} for all of "
                  f"{', '.join(task.participants)}: {task.title_en}")
        else:
            zh = (f"{self.year}年内找不到各方均有空、且与同一对口关系其他活动间隔不少于{gap}天的工作日半天："
                  f"{task.title_zh}")
            en = (f"no free working half-day in {self.year} for all of {', '.join(task.participants)} at least {gap} "
                  f"days from the pairing's other engagements: {task.title_en}")
        message = _clip(MESSAGE_MAX)
        return Unplaced(task.provision, task.rule, self.year, task.participants, message(zh), message(en))

    def _owed(self, tasks: Sequence[_Task], fixed: Sequence[Engagement], kept_ids: set[str]) -> list[_Task]:
        """The tasks still owed besides the fixed engagements: a task is not placed where what its
        obligations' fixed engagements count for already covers its ordinal — leaving out the fixed
        tasks of its own series that come after it (an agreed second meeting covers the second, not
        the first: counted as the first, it dropped the first meeting from the plan)."""
        own = {e.id: e for e in fixed if e.status != Status.CANCELLED}
        later: dict[int, int] = {}  # fixed tasks after this one, by obligation
        wanted: list[bool] = []
        for t in reversed(tasks):
            e = own.get(t.id)
            if e is not None:
                for i in t.serves:
                    if self.obligations[i].counts(e.kind, e.date, e.host, e.participants):
                        later[i] = later.get(i, 0) + 1
            wanted.append(t.id not in kept_ids
                          and not all(self.done[i] - later.get(i, 0) >= t.ordinal for i in t.serves))
        return [t for t, w in zip(tasks, reversed(wanted), strict=True) if w]

    # -- the year ------------------------------------------------------------------------------------
    def run(self, fixed: Sequence[Engagement], keep: Sequence[Engagement]) -> Plan:
        kept_ids = {e.id for e in fixed}
        for e in fixed:
            self.occupy(e)
        for event in self.options.events:
            if event.date.year != self.year:
                self.warnings.append(other_year_warning(event, self.year))
            elif event.engagement_id() not in kept_ids:
                e = self.event(event)
                kept_ids.add(e.id)
                self.occupy(e)
        tasks: Iterable[_Task] = self._owed(list(self.tasks()), fixed, kept_ids) if fixed else \
            (t for t in self.tasks() if t.id not in kept_ids and not all(self.done[i] >= t.ordinal for i in t.serves))
        where = {e.id: e for e in keep if e.status == Status.PROPOSED and e.id not in kept_ids}
        placed: set[str] = set()
        if where:  # kept first: new tasks must not take a slot already sent out (else made as placed)
            tasks = list(tasks)
            for task in tasks:
                kept = where.get(task.id)
                if kept is not None and self.place_at(task, kept):
                    self.result.append(self._engagement(task, kept.date, kept.start, kept.end).with_changes(
                        sequence=kept.sequence))
                    placed.add(task.id)
        for task in tasks:
            if task.id in placed:
                continue
            spot = self.place(task)
            if spot is None and self.options.min_gap_days:
                # a short window (a pairing in force for a few weeks) may not hold the gap: what the rule
                # owes comes before the planner's own spacing, which the warning says was not kept
                spot = self.place(task, gap=0)
                if spot is not None:
                    self.warnings.append(self._gap_warning(task, spot[0]))
            if spot is None:
                self.unplaced.append(self._unplaced(task))
                continue
            day, slot = spot
            self.result.append(self._engagement(task, day, slot.start, _end(slot.start, task.minutes)))
        return Plan(district_id=self.district.info.id, year=self.year, engagements=in_order(self.result),
                    unplaced=(*self.fewer, *self.unplaced), provisional=self.provisional,
                    calendar=getattr(self.calendar, "name", type(self.calendar).__name__), options=self.options,
                    warnings=tuple(self.warnings))


def other_year_warning(event: KnownEvent, year: int) -> PlanWarning:
    """An event of the events file dated in another year: not in this year's plan, and said so (one
    events file may hold several years; each year's plan takes its own)."""
    day, other = event.date.isoformat(), event.date.year
    return PlanWarning(event.engagement_id(), event.date,
                       f"“{event.title_zh}”（{event.key()}）定在{day}，不在{year}年，未列入本年计划"
                       f"（规划{other}年时给出同一事件文件即可列入）",
                       f"“{event.title_en or event.title_zh}” ({event.key()}) is dated {day}, not in {year}: "
                       f"it is not in this year's plan (give the same events file when planning {other})")


def day_warnings(e: Engagement, calendar: WorkingDayCalendar) -> list[PlanWarning]:
    """An agreed or given date on a day off, its 补假 or a customary break, naming the holiday."""
    holiday = calendar.holiday(e.date)
    if calendar.is_working_day(e.date) and holiday is None:
        return []
    day = e.date.isoformat()
    if holiday is None:  # a plain weekend
        weekday_zh, weekday_en = "一二三四五六日"[e.date.weekday()], e.date.strftime("%A")
        return [PlanWarning(e.id, e.date, f"{e.title_zh}（{e.id}）定在{day}（星期{weekday_zh}），不是工作日",
                            f"{e.id} is set on {day}, a {weekday_en}, not a working day")]
    if holiday.kind == HolidayKind.CUSTOMARY:
        return [PlanWarning(e.id, e.date, f"{e.title_zh}（{e.id}）定在{day}，在{holiday.label('zh')}内",
                            f"{e.id} is set on {day}, inside the {holiday.label('en')}")]
    return [PlanWarning(e.id, e.date, f"{e.title_zh}（{e.id}）定在{day}，为{holiday.label('zh')}，不是工作日",
                        f"{e.id} is set on {day}, {holiday.label('en')}, not a working day")]


def guests_text(district: District, guests: Sequence[Guest], lang: str = "zh") -> str:
    """特邀：张三（民进支部，规划专家） — the persons an engagement invites in their own right, as the plan's
    outputs add them to its participants ("" when none)."""
    if not guests:
        return ""
    if lang == "en":
        return "guests: " + ", ".join(f"{g.name} ({district.names_of((g.organisation,), lang='en')}"
                                      + (f", {g.title}" if g.title else "") + ")" for g in guests)
    return "特邀：" + "、".join(f"{g.name}（{district.names_of((g.organisation,))}"
                             + (f"，{g.title}" if g.title else "") + "）" for g in guests)


def organisations_in(plan: Plan, district: District) -> tuple[Organisation, ...]:
    """Every organisation that takes part in the plan, in directory order."""
    ids = {p for e in plan.engagements for p in e.participants}
    return tuple(o for o in district.organisations if o.id in ids)
