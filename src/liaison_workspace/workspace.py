"""The year's work through a store: export, update, publish.

    from liaison_workspace import MemoryStore, Workspace
    ws = Workspace("out")                        # the output folder (FolderStore)
    ws = Workspace(store=MemoryStore())          # or any YearStore
    outcome = ws.export(district, 2027, [("ical", {}), ("docx", {})], issued_on=date(2027, 1, 11))
    ws.update(district, 2027, [Change("move", "2027/visit/health/cpwdp/1", date(2027, 4, 20))])
    result = ws.publish(district, 2027, "caldav", {"url": …, "user": …, "password": …})

Every call checks its request (the year, the exporters or the publisher and their options) before the
store is touched, reads the year's state under the store's lock, works the new state out in memory
(:func:`liaison.build_export`, :func:`liaison.year.reconcile.update_plan`) and saves it in one step
from the revision it read (:meth:`liaison.year.store.YearStore.save`): all or nothing.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import Any

import attrs

from liaison.base.errors import LiaisonError, OptionError
from liaison.host.exporting import build_export
from liaison.host.options import resolve
from liaison.host.plugins import exporter as find_exporter
from liaison.host.plugins import publisher as find_publisher
from liaison.host.publishing import Publisher, PublishError, PublishRequest, PublishResult
from liaison.law.district import District
from liaison.law.notices import HolidayNotice
from liaison.law.records import Records
from liaison.law.workdays import WorkingDayCalendar
from liaison.year.engagements import KnownEvent, Plan, PlanOptions, revise
from liaison.year.numbering import PlanYearLetters, holding_years, register_years
from liaison.year.planner import check_year
from liaison.year.publications import Publication
from liaison.year.reconcile import Change, apply_changes, update_plan
from liaison.year.state import YearState, state_file_name, year_calendar
from liaison.year.store import Commit, ExportEntry, NoState, Note, Revision, RevisionConflict, Stored, YearStore

__all__ = ["BatchOutcome", "ExportOutcome", "Step", "UpdateOutcome", "Workspace", "locked_years", "neighbours",
           "renamed"]


@attrs.frozen(kw_only=True)
class ExportOutcome:
    """What an export did: the new state, the files written, archived, left alone, unchanged — each
    path inside the year, as the store holds it —, the notes of the store's recovery (an interrupted
    command finished or rolled back, a leftover that could not be removed), and the state's new
    revision. ``place`` is the year's place as the store names it (:meth:`YearStore.place`: a folder,
    ``<memory>/…``); ``folder`` the year's folder when the store is an output folder, else None."""

    place: str
    state: YearState
    written: tuple[tuple[str, str, int], ...]  # (exporter, path inside the year, bytes)
    archived: tuple[tuple[str, str], ...]  # (path, archive path)
    kept_edits: tuple[str, ...]
    unchanged: tuple[str, ...]
    notes: tuple[Note, ...] = ()
    revision: str = ""
    folder: Path | None = None
    reused: tuple[str, ...] = ()  # exporters not run: their inputs and files were as their last run left them

    @property
    def plan(self) -> Plan:
        return self.state.plan

    def shown(self, path: str) -> str:
        """A path inside the year as the user finds it: under the year's place."""
        return f"{self.place}/{path}"


@attrs.frozen(kw_only=True)
class UpdateOutcome:
    """What an update changed: the plan before and after (the state is saved), and its new revision.
    ``path`` is the state's name inside the year (``plan-<district>-<year>.json``, the file the
    output folder holds it in), ``place`` the year's place as the store names it."""

    place: str
    path: str
    before: Plan  # the plan the changes were made to
    after: Plan
    created: bool = False  # the year had no state: it was planned first
    notes: tuple[Note, ...] = ()
    revision: str = ""

    @property
    def shown(self) -> str:
        """Where the state was saved, as the user finds it."""
        return f"{self.place}/{self.path}"


@attrs.frozen
class Step:
    """One caller's part of a batched update (:meth:`Workspace.update_each`): ``changes(plan)`` gives
    its changes for the plan as the batch holds it when its turn comes (it may refuse, raising a
    :class:`~liaison.base.errors.LiaisonError`: that step alone is left out), made with ``force``;
    ``taken()``, if given, is called once they are applied (before the save)."""

    changes: Callable[[Plan], Sequence[Change]]
    force: bool = False
    taken: Callable[[], None] | None = None


@attrs.frozen(kw_only=True)
class BatchOutcome:
    """What a batched update did: as :class:`UpdateOutcome`, and for each step, in order, the error
    that left it out (None: its changes are in ``after``)."""

    place: str
    path: str
    before: Plan
    after: Plan
    created: bool = False
    notes: tuple[Note, ...] = ()
    revision: str = ""
    refused: tuple[LiaisonError | None, ...] = ()


class Workspace:
    """A district's years in a store: ``Workspace(root)`` for the output folder ``root`` (``--out``,
    :class:`~liaison_workspace.store.FolderStore`, ``lock_wait`` seconds to wait for another command),
    ``Workspace(store=…)`` for any :class:`~liaison.year.store.YearStore`. Everything it does goes
    through the protocol; :attr:`root` and :meth:`folder` are there for an output folder's callers.

    The store gathers notes of what its recovery did or could not do (:class:`Note`) until
    :meth:`take_notes` hands them over; an export's or update's outcome carries those of its call."""

    def __init__(self, root: str | os.PathLike[str] | None = None, *, store: YearStore | None = None,
                 lock_wait: float = 30.0) -> None:
        if (root is None) == (store is None):
            raise TypeError("Workspace(root) for an output folder, or Workspace(store=…): one of the two")
        if store is None:
            from liaison_workspace.store import FolderStore  # the one place a folder becomes a store

            store = FolderStore(root or ".", lock_wait=lock_wait)
        self.store: YearStore = store

    def take_notes(self) -> tuple[Note, ...]:
        return self.store.take_notes()

    # -- an output folder's (a FolderStore's), for the callers that print or open its paths ----------
    @property
    def root(self) -> Path:
        """The output folder (a workspace on a :class:`FolderStore`; a TypeError for another store)."""
        root = getattr(self.store, "root", None)
        if not isinstance(root, Path):
            raise TypeError(f"{self.store!r} is not an output folder")
        return root

    def folder(self, year: int) -> Path:
        """The year's folder in the output folder (:attr:`root`)."""
        return self.root / str(year)

    def _folder(self, year: int) -> Path | None:
        return self.folder(year) if isinstance(getattr(self.store, "root", None), Path) else None

    def locked(self, district: District, year: int) -> AbstractContextManager[None]:
        """The store's lock on the district's year (:meth:`YearStore.lock`)."""
        return self.store.lock(district, year)

    def locked_for_export(self, district: District, year: int,
                          issued_on: dt.date | None) -> AbstractContextManager[None]:
        """The locks an export of ``year`` issuing letters on ``issued_on`` holds: the plan year's and
        the year of issue's (:func:`locked_years`)."""
        return locked_years(self.store, district, register_years(year, issued_on))

    # -- reading --------------------------------------------------------------------------------------
    def read_state(self, district: District, year: int) -> YearState | None:
        """The year's state, checked against the district and the year, or None if there is none yet."""
        stored = self.store.load(district, year)
        return stored.state if stored is not None else None

    def load(self, district: District, year: int, *, revision: str | None = None) -> Stored | None:
        """The year's state with its revision (what a later save names as ``expected``); with
        ``revision``, that earlier state (:meth:`revisions`)."""
        return self.store.load(district, year, revision=revision)

    def revisions(self, district: District, year: int) -> tuple[Revision, ...]:
        """Every state the year has had, oldest first: tag, kind of change, and when where the store knows."""
        return self.store.revisions(district, year)

    def history(self, district: District, year: int) -> tuple[ExportEntry, ...]:
        return self.store.history(district, year)

    # -- export ---------------------------------------------------------------------------------------
    def export(self, district: District, year: int, formats: Sequence[tuple[str, Mapping[str, Any]]], *,
               records: Records | None = None, calendar: WorkingDayCalendar | None = None,
               options: PlanOptions | None = None, events: Sequence[KnownEvent] | None = None,
               replan: bool = False, issued_on: dt.date | None = None,
               notices: Sequence[HolidayNotice] = (), district_name: str | None = None,
               reuse: bool = True, today: dt.date | None = None, force: bool = False,
               around: YearStore | None = None) -> ExportOutcome:
        """Export the year in the given formats (exporter names with their options), all or nothing.
        ``notices`` (holiday notices) replace those the year's state was planned on for their years;
        without them the stored ones hold.

        ``district_name`` names the district for this export only (:meth:`District.renamed`): every
        exporter sees it, so letterheads, signatures, 印发机关, calendar names and sheet titles agree.
        It is not kept in the year's state; the lasting name is ``[district].name`` in the data.

        The request — the year, the exporters, their options, the name — is checked before anything
        is created (a refused one leaves no output folder behind).

        An exporter whose inputs are those of its last run, with its files still as that run left
        them, is not run again (:func:`liaison.build_export`); ``reuse=False`` runs every one.

        ``issued_on`` is the day letters go out: an export with an exporter that issues letters
        (``docx``) needs it — they take their numbers and dates that day and are kept for good — and
        is refused without it (:class:`liaison.host.exporting.DayOfIssueNeeded`), nothing created.
        The plan is revised on that day, or on ``today`` if later: what it places afresh (a new
        engagement, a proposed one that no longer fits) goes on that day or after it, never on a day
        gone by (:func:`liaison.host.exporting.replan_day`).
        The command and the service pass theirs (``--issued-on``, else today), and their ``today``: a
        day of issue after it, or before an earlier export's day, is refused unless ``force``
        (:class:`liaison.year.numbering.IssueDayRefused`).

        A letter issued on a day of another calendar year than the plan's (the 2028 plan's invitation
        going out on 2027-12-20) is numbered in that year's register: the export holds the lock of the
        year of issue too, both taken in ascending order of the years (:func:`locked_years`: two
        exports never wait for each other's), and reads what the neighbouring plan years' states hold
        of the two registers (:func:`neighbours`), read only, from the same store — or from
        ``around`` (a preview rendered in a scratch store reads them where they are kept)."""
        if district_name is not None:
            district = renamed(district, district_name)
        check_year(year)
        exporters = [(find_exporter(name), given) for name, given in formats]
        for chosen, given in exporters:
            chosen.typed_options(given)
        issuing = issued_on is not None and any(chosen.issues_letters for chosen, _ in exporters)
        reading = any(chosen.reads_letters or chosen.reads_register for chosen, _ in exporters)
        years = register_years(year, issued_on if issuing else None)
        with locked_years(self.store, district, years):
            stored = self.store.load(district, year)
            state = stored.state if stored is not None else None
            others = neighbours(around or self.store, district, year, register_years(year, issued_on)) \
                if reading else ()
            on_disk = self.store.digests(district, year, [f.path for f in (state.manifest.files if state else ())])
            result = build_export(district, year, state, exporters, records=records, calendar=calendar,
                                  options=options, events=events, replan=replan, issued_on=issued_on, on_disk=on_disk,
                                  notices=notices, reuse=reuse, read=lambda path: self.store.read(district, year, path),
                                  archived=self.store.archived(district, year),
                                  issued_copy=lambda sha256: self.store.issued_copy(district, year, sha256),
                                  today=today, force=force, others=others)
            commit = Commit(result.state, tuple((a.path, a.data) for _, a in result.writes), result.archive,
                            kind="export", removed=result.removed)
            revision = self.store.save(district, year, commit, expected=stored.revision if stored else None)
        written = tuple((n, a.path, len(a.data)) for n, a in result.writes)
        return ExportOutcome(place=self.store.place(district, year), state=result.state, written=written,
                             archived=result.archive, kept_edits=result.kept_edits, unchanged=result.unchanged,
                             notes=(*result.notes, *self.take_notes()), revision=revision,
                             folder=self._folder(year), reused=result.reused)

    # -- updates to the state -----------------------------------------------------------------------
    def update(self, district: District, year: int, changes: Sequence[Change] = (), *, force: bool = False,
               calendar: WorkingDayCalendar | None = None, options: PlanOptions | None = None,
               events: Sequence[KnownEvent] | None = None, replan: bool = False,
               notices: Sequence[HolidayNotice] = (), as_of: dt.date | None = None,
               expected: str | None = None, from_day: dt.date | None = None) -> UpdateOutcome:
        """Apply changes (confirm, move, cancel, held) to the year's state and save it; a year without
        a state is planned first. ``notices`` as for :meth:`export`; ``as_of`` as for
        :func:`~liaison.year.reconcile.apply_changes` (the edge passes today). ``expected``: the
        revision the caller saw (a service's ``If-Match``): another one held now is a
        :class:`RevisionConflict`, checked under the year's lock before anything is worked out,
        nothing saved. ``from_day`` as for :meth:`update_each`. (:meth:`update_each` with one step: a
        refused change raises.)"""
        given = tuple(changes)
        done = self.update_each(district, year, [Step(lambda plan: given, force=force)], calendar=calendar,
                                options=options, events=events, replan=replan, notices=notices, as_of=as_of,
                                expected=expected, from_day=from_day)
        if done.refused[0] is not None:
            raise done.refused[0]
        return UpdateOutcome(place=done.place, path=done.path, before=done.before, after=done.after,
                             created=done.created, notes=done.notes, revision=done.revision)

    def update_each(self, district: District, year: int, steps: Sequence[Step], *,
                    calendar: WorkingDayCalendar | None = None, options: PlanOptions | None = None,
                    events: Sequence[KnownEvent] | None = None, replan: bool = False,
                    notices: Sequence[HolidayNotice] = (), as_of: dt.date | None = None,
                    expected: str | None = None, from_day: dt.date | None = None) -> BatchOutcome:
        """Several callers' changes of the year in one save (a service's writers of one year, batched):
        under the year's lock, each step in order asks for its changes on the plan as the steps before
        it left it (:attr:`Step.changes`, which may refuse by raising a :class:`LiaisonError`) and has
        them applied with its own ``force`` — a step refused, or whose changes the plan refuses, is
        left out (its error in :attr:`BatchOutcome.refused`), the others stand —; then the year is
        re-planned once and saved once, as :meth:`update` saves one change. Nothing is saved when
        every step was refused. ``from_day``: the day of the re-plan (default ``as_of``, the day the
        changes are made; None: the whole year) — what it places afresh goes on that day or after
        (:func:`~liaison.year.reconcile.update_plan`). The other arguments as for :meth:`update`."""
        check_year(year)
        from_day = as_of if from_day is None else from_day
        with self.store.lock(district, year):
            stored = self.store.load(district, year)
            held = stored.revision if stored is not None else None
            if expected is not None and held != expected:
                raise RevisionConflict.of(self.store.place(district, year), current=held, expected=expected)
            state = stored.state if stored is not None else None
            calendar, used = year_calendar(state, year, calendar, notices)
            created = state is None
            if state is None:
                planned, seen = update_plan(district, year, None, options=options, calendar=calendar, events=events)
                state = attrs.evolve(YearState.of(planned), events_seen=seen)
            changed = state.plan
            refused: list[LiaisonError | None] = []
            for step in steps:
                try:
                    changed = apply_changes(changed, step.changes(changed), force=step.force, as_of=as_of)
                except LiaisonError as exc:
                    refused.append(exc)
                else:
                    refused.append(None)
                    if step.taken is not None:
                        step.taken()
            if steps and all(r is not None for r in refused):
                return BatchOutcome(place=self.store.place(district, year),
                                    path=state_file_name(district.info.id, year), before=state.plan,
                                    after=state.plan, created=created, notes=self.take_notes(),
                                    revision=held or "", refused=tuple(refused))
            planned, seen = update_plan(district, year, state.with_plan(changed), options=options, calendar=calendar,
                                        events=events, replan=replan, from_day=from_day)
            after = revise(state.plan, planned)
            new_state = attrs.evolve(state.with_plan(after), events_seen=seen, notices=used)
            revision = self.store.save(district, year, Commit(new_state),
                                       expected=stored.revision if stored else None)
        return BatchOutcome(place=self.store.place(district, year), path=state_file_name(district.info.id, year),
                            before=state.plan, after=after, created=created, notes=self.take_notes(),
                            revision=revision, refused=tuple(refused))

    # -- publishing -----------------------------------------------------------------------------------
    @contextmanager
    def publishing(self, district: District, year: int) -> Iterator[tuple[YearState, Callable[[Publication], None]]]:
        """The year's state and ``record(publication)``, which saves the publication into it at once,
        through the same save as every change of the state: the one way a publication is recorded
        (:meth:`publish` records through it; a program driving a publisher itself uses it too). The
        lock is held while the publisher runs, so what the target acknowledged is stored as the
        publisher records it (the CalDAV one in batches: a publisher killed loses the records of the
        writes since its last one, which the next run adopts) and no other writer changes the state
        between two records. A publication equal to the last one recorded is not saved again."""
        with self.store.lock(district, year):
            stored = self.store.load(district, year)
            if stored is None:
                raise NoState(self.store.place(district, year), year)
            current, revision = stored.state, stored.revision

            last: list[Publication] = []

            def record(publication: Publication) -> None:
                nonlocal current, revision
                if last and last[0] == publication:  # the publisher's own last record, handed back as its result
                    return
                last[:] = [publication]
                current = current.with_publication(publication)
                revision = self.store.save(district, year, Commit(current, kind="publication"), expected=revision)

            yield stored.state, record

    def publish(self, district: District, year: int, publisher: str | Publisher,
                options: Mapping[str, Any] | None = None, *,
                progress: Callable[[int, int], None] | None = None) -> PublishResult:
        """Publish the year's state with ``publisher`` (a registered name, ``caldav``, or a
        :class:`~liaison.host.publishing.Publisher`) and its options (checked first, an
        :class:`OptionError` for an unknown name or a bad value): only what changed since the last
        publication to the same target is sent, and what the target accepts is saved into the
        state as it comes — on a :class:`PublishError` too, whatever it had accepted before.
        ``progress(done, total)`` is called as the publisher goes. A year without a state is a
        :class:`~liaison.year.store.NoState`."""
        chosen = find_publisher(publisher) if isinstance(publisher, str) else publisher
        typed = resolve(chosen.options, dict(options or {}), f"publisher {chosen.name!r}")
        target = chosen.target(typed)
        with self.publishing(district, year) as (state, record):
            request = PublishRequest(district, state.plan, state.publication(chosen.name, target), typed, progress,
                                     record=record)
            try:
                result = chosen.run(request)
            except PublishError as exc:
                if exc.partial is not None and exc.partial.calendars:  # what the target accepted before it failed
                    record(exc.partial)
                raise
            record(result.publication)
        return result


@contextmanager
def locked_years(store: YearStore, district: District, years: Sequence[int]) -> Iterator[None]:
    """The store's locks on the district's ``years``, taken in ascending order of the years (and
    released in the reverse): every export that numbers into a year's register holds that year's
    lock, and two exports that each need two years take them in the same order, so neither ever
    holds one the other waits for while waiting for the other's."""
    with ExitStack() as stack:
        for each in sorted(set(years)):
            stack.enter_context(store.lock(district, each))
        yield


def neighbours(store: YearStore, district: District, year: int,
               registers: Sequence[int]) -> tuple[PlanYearLetters, ...]:
    """What the plan years around ``year`` hold of the calendar years' ``registers``
    (:func:`liaison.year.numbering.holding_years`), each plan year's state loaded from ``store``
    (read only; a year without a state holds nothing): the edge's part of numbering a letter in
    another calendar year's register."""
    found = []
    for other in holding_years(year, registers):
        stored = store.load(district, other)
        if stored is not None:
            held = PlanYearLetters.of(other, stored.state.letters, stored.state.register, registers)
            if held.letters or held.register:
                found.append(held)
    return tuple(found)


def renamed(district: District, name: str) -> District:
    """The district under ``name`` (surrounding spaces dropped), or an :class:`OptionError` in both
    languages saying why the name cannot be used."""
    from liaison.base.errors import Location, Refused

    try:
        return district.renamed(name.strip())
    except Refused:
        raise OptionError(f"the district's name {name!r} is empty or not one line",
                          path=Location(root="", path=("district_name",)),
                          fix="give the name as it heads the district's documents, e.g. 厦门市海沧区",
                          message_zh=f"区名 {name!r} 为空或不止一行",
                          fix_zh="请写公文中使用的区名，如 厦门市海沧区") from None
