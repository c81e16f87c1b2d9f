"""What an exporter is, and the one export flow.

An exporter is a pure function from domain objects and typed options to artifacts (bytes). The flow
(:func:`build_export`) is pure too: the year's state and today's inputs → the new plan (revised,
nothing agreed reverted) → every requested format built in memory → the new state (letters, manifest)
and what the edge must write and archive. The edge (:mod:`liaison_workspace`) stages all of it
beside the year's folder and swaps it in, so a failure leaves the previous export as it was.
"""

from __future__ import annotations

import datetime
import enum
import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import attrs

from liaison.base.errors import DataError, ExportError, LiaisonError
from liaison.host.collector import collector_paused
from liaison.host.options import Option, resolve
from liaison.law.duties import YearDuties, year_duties
from liaison.year.engagements import snapshot
from liaison.year.issued import IssuedLetterChanged, expected_bytes, with_issued_bytes
from liaison.year.numbering import (
    LetterRecord,
    LetterRegistry,
    PlanYearLetters,
    RegisterConflict,
    check_day_of_issue,
    last_day_of_issue,
    register_conflicts,
    reused_numbers,
)
from liaison.year.state import ARCHIVE, ExporterRun, Manifest, ManifestFile, Policy, YearState, year_calendar
from liaison.year.store import Note

if TYPE_CHECKING:
    import datetime as dt

    from liaison.law.district import District
    from liaison.law.notices import HolidayNotice
    from liaison.law.records import Records, RegisteredLetter
    from liaison.law.workdays import WorkingDayCalendar
    from liaison.year.engagements import KnownEvent, Plan, PlanOptions, Published

_SAFE = re.compile(r"[^0-9A-Za-z._\-\u3400-\u9fff]+")


def safe_name(text: str) -> str:
    """A file-name component from an id: no separators, no dot-only names, nothing outside the folder."""
    cleaned = _SAFE.sub("_", unicodedata.normalize("NFKC", text)).strip("._")
    return cleaned[:120] or "_"


@attrs.frozen
class Artifact:
    """One output file: a relative path made of safe components, its media type and its bytes.

    ``policy`` says what a re-export does when the bytes change: ``replace`` them (calendars, sheets,
    pages: they update in place), ``archive`` the old ones first (letters: a text once sent is
    kept), or ``keep_edits`` (a workbook the clerk fills in: never overwritten once edited).
    ``letter`` is the number record of a letter. ``supersedes``: files an earlier export wrote that
    this one takes the place of without withdrawing them (an issued letter's draft): removed from the
    folder, with the files beside them of the same name, not filed under ``已作废/``."""

    path: str = attrs.field()
    media_type: str
    data: bytes = attrs.field(repr=lambda d: f"<{len(d)} bytes>")
    policy: Policy = "replace"
    letter: LetterRecord | None = None
    supersedes: tuple[str, ...] = ()

    @path.validator
    def _relative_and_safe(self, _attribute: object, value: str) -> None:
        parts = value.split("/")
        if not value or any(p in ("", ".", "..") or p != safe_name(p) for p in parts) or parts[0] == ARCHIVE:
            raise ExportError(f"unsafe artifact path {value!r}",
                              fix="build paths from liaison.host.exporting.safe_name() components joined by '/'",
                              message_zh=f"产出文件路径不安全：{value!r}",
                              fix_zh="请用 liaison.host.exporting.safe_name() 生成的各段以“/”连接成路径")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@attrs.frozen(kw_only=True)
class ExportRequest:
    """What an exporter receives: the district, the year's plan, its typed options (checked against
    its declaration by the host), the records, the year's letters so far (numbers stay with their
    texts), the day new letters are issued (from the edge's clock, or None) and the calendar.

    ``duties`` is what every body owes in the plan's year with these records, worked out once
    (:class:`liaison.law.duties.YearDuties`): :func:`build_export` builds it once for all its
    exporters, and an exporter reads a body's duties from it rather than work the year out again
    per body. Left out, the request works it out itself."""

    district: District
    plan: Plan
    options: Mapping[str, Any] = attrs.field(factory=dict)
    records: Records | None = None
    letters: tuple[LetterRecord, ...] = ()
    #: the office's 发文登记簿 as earlier exports imported it (the year's state); the records' own
    #: ``register`` adds this export's import
    register: tuple[RegisteredLetter, ...] = ()
    issued_on: dt.date | None = None
    revision: int = 1
    calendar: WorkingDayCalendar | None = attrs.field(default=None, eq=False)
    #: the bytes an earlier export wrote at a path, as the store holds them (None: not held, or changed
    #: since): what an issued letter is written as again, since what went out never changes
    issued: Callable[[str], bytes | None] | None = attrs.field(default=None, eq=False, repr=False)
    duties: YearDuties = attrs.field(
        default=attrs.Factory(lambda self: year_duties(self.district, self.plan.year, self.records), takes_self=True),
        eq=False, repr=False)
    #: where an exporter tells the user something though nothing failed (a meeting come before its
    #: invitations went out): the export's notes (:attr:`ExportResult.notes`); None: nobody listens
    notes: Callable[[Note], None] | None = attrs.field(default=None, eq=False, repr=False)
    #: the engagements as the year's last export sent them out (the state's ``exported``), None before
    #: its first export: what an earlier export already knew (the docx exporter tells of a meeting come
    #: before its invitations went out at the first export that finds it so, not only after a draft)
    exported: tuple[Published, ...] | None = None
    #: what the neighbouring plan years' states hold of the registers this export numbers into (the
    #: calendar year of issue) and shows (the plan's year), read only: a letter issued in another
    #: calendar year than the plan's takes the next number of that year's register, and the 发文登记
    #: sheet lists the other plan years' letters numbered in the plan's year
    others: tuple[PlanYearLetters, ...] = ()

    def tell(self, note: Note) -> None:
        """Pass ``note`` on to the export's notes (dropped when the caller listens for none)."""
        if self.notes is not None:
            self.notes(note)

    def option(self, name: str, default: Any = None) -> Any:
        value = self.options.get(name)
        return default if value is None else value

    def registry(self) -> LetterRegistry:
        """The year's register: its letters so far, and the numbers the office's own 发文登记簿 lists
        (the records' ``register``), which new letters continue after."""
        imported = (*self.register, *(self.records.register if self.records is not None else ()))
        return LetterRegistry(self.letters, year=self.plan.year, revision=self.revision, imported=imported,
                              others=self.others)

    def issued_bytes(self, path: str) -> bytes | None:
        """The bytes of the file an earlier export wrote at ``path``, exactly as it wrote them, or None
        (no store given, not held, or changed since)."""
        return self.issued(path) if self.issued is not None else None


#: Which of an exporter's files a run with these (typed) options is responsible for.
Scope = Callable[[Mapping[str, Any]], Callable[[str], bool]]


@attrs.frozen
class Exporter:
    """A registered output format and the options it takes.

    ``scope`` says which of its files a run answers for, given the run's options: a file of the
    last export that a run no longer makes is archived only if it is in the run's scope (``docx``
    with ``kinds=feedback`` answers for the 反馈函 only, and leaves the notices as they are). Without
    a scope a run answers for every file of its exporter; files of exporters that did not run are
    always left as they are."""

    name: str
    description: str
    export: Callable[[ExportRequest], Iterable[Artifact]] = attrs.field(eq=False, repr=False)
    plugin: str = ""
    options: tuple[Option, ...] = ()
    scope: Scope | None = attrs.field(default=None, eq=False, repr=False)
    #: The identity of the code that renders (its distribution's name and version and a digest of its
    #: package's files: code, templates, resources), set by the plugin host when it registers the
    #: exporter (:func:`liaison.host.plugins.exporters`). Empty: unknown, so its output is never reused.
    code: str = attrs.field(default="", repr=False)
    #: False for an exporter that never reads the year's register — its letters and this export's
    #: number (``request.letters``, ``request.registry()``, ``request.revision``): letters issued by
    #: another exporter, or another export's number, then do not make it render again.
    reads_letters: bool = True
    #: True for an exporter that keeps the register (the letters): its output rests on the letters
    #: and the day of issue alone, never on the export's number but through the records it issues,
    #: so it is recorded against the register as the export leaves it even when it issued none
    #: (every letter still a draft) — and a rerun with nothing changed reuses it.
    issues_letters: bool = False
    #: True for an exporter that shows the register (liaison-xlsx's 发文登记 sheet): it runs after the
    #: exporters that issue letters and its request's ``letters`` are the register as this export
    #: leaves it (this export's letters included), which its inputs' digest covers instead of the
    #: register before it and the export's number.
    reads_register: bool = False

    def answers_for(self, options: Mapping[str, Any]) -> Callable[[str], bool]:
        """The paths a run with these typed options answers for."""
        return self.scope(options) if self.scope is not None else _everything

    def typed_options(self, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``options`` resolved against this exporter's declared options (an :class:`OptionError`
        for an unknown name or a bad value): a host checks them before it creates anything."""
        return resolve(self.options, options or {}, f"exporter {self.name!r}")

    def request(self, district: District, plan: Plan, options: Mapping[str, Any] | None = None,
                records: Records | None = None, **context: Any) -> ExportRequest:
        """A request with ``options`` resolved against this exporter's declared options."""
        typed = self.typed_options(options)
        return ExportRequest(district=district, plan=plan, options=typed, records=records, **context)

    def run(self, district: District, plan: Plan, options: Mapping[str, Any] | None = None,
            records: Records | None = None, **context: Any) -> list[Artifact]:
        """Export: the options checked, the artifacts made (nothing written); the one way into an
        exporter, as :func:`build_export` calls it (an exporter's own bug an :class:`ExportError`)."""
        return _run(self, self.request(district, plan, options, records, **context))


@attrs.frozen
class ExportResult:
    """An export worked out: the new state, the files to write, the old files to archive (path →
    archive path), the workbooks left alone because the clerk edited them, and the plan. ``reused``:
    the exporters not run because their inputs and files were as their last run left them."""

    state: YearState
    writes: tuple[tuple[str, Artifact], ...]  # (exporter, artifact)
    archive: tuple[tuple[str, str], ...]
    kept_edits: tuple[str, ...]
    unchanged: tuple[str, ...]
    reused: tuple[str, ...] = ()
    #: files of the last export this one takes the place of (a draft now issued): removed, not archived
    removed: tuple[str, ...] = ()
    #: what the user should know though nothing failed (the imported 发文登记簿 behind the letters issued)
    notes: tuple[Note, ...] = ()

    @property
    def plan(self) -> Plan:
        return self.state.plan


def _run(exporter: Exporter, request: ExportRequest) -> list[Artifact]:
    """The one way into an exporter's function (:meth:`Exporter.run` and :func:`build_export` both
    come here): the exporter's artifacts; an exporter's own bug is an :class:`ExportError` naming it and its
    plugin, never a traceback (nothing is written either way)."""
    try:
        return list(exporter.export(request))
    except LiaisonError:
        raise
    except Exception as exc:
        from liaison.base.text import shorten

        who = f"{exporter.name} ({exporter.plugin})" if exporter.plugin else exporter.name
        raise ExportError(f"the exporter {who} failed: {type(exc).__name__}: {shorten(str(exc), 200)}",
                          fix=f"report this to the authors of {exporter.plugin or exporter.name}",
                          message_zh=f"导出插件 {who} 出错", fix_zh="请向插件作者报告") from exc


def _everything(_path: str) -> bool:
    return True


class DayOfIssueNeeded(ExportError):
    """An export that would issue letters was given no day of issue. Letters take their numbers and
    their 成文日期 on the day they go out, and an issued letter is kept for good, so the flow never
    guesses the day: the command and the service both pass theirs (``--issued-on``, else today), and
    an API caller must too. Refused before anything is worked out; nothing is written or saved."""

    def __init__(self, exporters: Sequence[str]) -> None:
        names = ", ".join(exporters)
        super().__init__(
            f"{names} would issue letters (numbers from the register, kept for good), but no day of issue was given",
            fix="give the day the letters go out: issued_on=datetime.date(…) through the API, --issued-on DAY "
                "on the command line; to look at letters without issuing them, call the exporter itself "
                "(Exporter.run), which saves nothing",
            message_zh=f"{names} 导出会印发公文（从发文登记簿取文号，并永久保留），但没有给出印发日期",
            fix_zh="请给出公文印发的日期：通过 API 传入 issued_on=datetime.date(…)，命令行使用 --issued-on 日期；"
                   "只想查看而不印发，请直接调用导出插件（Exporter.run），它不保存任何内容")
        self.exporters = tuple(exporters)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _collector_paused(flow: Callable[_P, _R]) -> Callable[_P, _R]:
    """``flow`` run with Python's cyclic collector paused (:func:`liaison.host.collector.collector_paused`):
    an export makes and drops some hundred thousand objects with no cycle among them, which the
    collector's passes walked a dozen times an export and freed nothing."""
    @functools.wraps(flow)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with collector_paused():
            return flow(*args, **kwargs)

    return paused


def replan_day(issued_on: dt.date | None, today: dt.date | None) -> dt.date | None:
    """The day an export re-plans on: the later of the day of issue and today, of those given (a
    letter dated back still tells nothing of a day gone by); None with neither (the whole year)."""
    known = [d for d in (issued_on, today) if d is not None]
    return max(known) if known else None


@_collector_paused
def build_export(district: District, year: int, state: YearState | None,
                 exporters: Sequence[tuple[Exporter, Mapping[str, Any]]], *, records: Records | None = None,
                 calendar: WorkingDayCalendar | None = None, options: PlanOptions | None = None,
                 events: Sequence[KnownEvent] | None = None, replan: bool = False, issued_on: dt.date | None = None,
                 on_disk: Mapping[str, str] | None = None, notices: Sequence[HolidayNotice] = (),
                 reuse: bool = True, read: Callable[[str], bytes | None] | None = None,
                 archived: Iterable[str] = (),
                 issued_copy: Callable[[str], bytes | None] | None = None,
                 today: dt.date | None = None, force: bool = False,
                 others: Sequence[PlanYearLetters] = ()) -> ExportResult:
    """The one export flow (see the module docstring). ``on_disk`` gives the digest of each file the
    last export wrote as it is in the folder now (an edited workbook is then left alone, a missing
    file written again); None means the folder is as the last export left it. ``notices`` replace
    those the state was planned on for their years (:func:`liaison.year.state.year_calendar`).
    ``read(path)`` gives the bytes the store holds at a path of the year: exporters get them, where
    they are the bytes the last export wrote (:attr:`ExportRequest.issued`), to write an issued letter
    again exactly as it went out. ``issued_copy(sha256)`` gives the bytes the store keeps of an issued letter
    by their digest (:meth:`liaison.year.store.YearStore.issued_copy`): where the file at its path
    was edited or deleted since, the letter is written back from them.

    An exporter whose inputs (:func:`input_digest`) are those of its last run, and whose files are
    all in the folder with the digests that run gave them, is not run: its files are reused as they
    are (``reuse=False`` runs every exporter).

    A file the export withdraws goes to ``已作废/<day>/<path>``, the day of the withdrawal (``issued_on``;
    a clerk looks for what went out of use on a day), ``已作废/<day>-2/…`` when ``archived`` (the paths
    already under ``已作废/``) holds that one; without a day, under the number of the export that
    wrote it. An exporter that issues letters (:attr:`Exporter.issues_letters`) needs the day:
    without one the export is refused (:class:`DayOfIssueNeeded`) before anything is worked out. A
    caller that issues for good passes its clock (``today``: the command, the service's issue): a
    day after it, or before an earlier export's day, is refused too
    (:class:`liaison.year.numbering.IssueDayRefused`) unless ``force``; a render for reading (the
    service's preview of a day, in a scratch store) passes none.

    ``others``: what the neighbouring plan years' states hold of the registers of the plan's year and
    the year of issue (:class:`PlanYearLetters`, loaded by the edge under those years' locks:
    :func:`liaison.year.numbering.register_years`). A letter issued in another calendar year than the
    plan's is numbered in that year's register after every number used in it, and the 发文登记 sheet
    lists the other plan years' letters numbered in the plan's year.

    The plan is revised on the day of the export (:func:`replan_day`: the day of issue, or today if
    later): what it places afresh — a new engagement, a proposed one an event took the place of —
    goes on that day or after it, so the letters of the day can still tell of it."""
    from liaison.year.reconcile import update_plan

    if issued_on is None and (issuing := [e.name for e, _ in exporters if e.issues_letters]):
        raise DayOfIssueNeeded(issuing)  # numbers are taken on a day; the flow never guesses it
    archived = tuple(archived)  # read twice: the last day acted on, and where a withdrawn file goes
    if issued_on is not None and today is not None and any(e.issues_letters for e, _ in exporters):
        check_day_of_issue(issued_on, today=today, force=force,
                           last=last_day_of_issue(state.letters if state is not None else (), archived, ARCHIVE))
    calendar, used = year_calendar(state, year, calendar, notices)
    plan, seen = update_plan(district, year, state, options=options, calendar=calendar, events=events, replan=replan,
                             from_day=replan_day(issued_on, today))
    before = state or YearState.of(plan)
    # each issued letter with the digest of the bytes it went out as (a state from before it was kept
    # gains it from the manifest): what every export must write for its number
    before = attrs.evolve(before, letters=with_issued_bytes(before.letters, before.manifest))
    others = tuple(others)
    neighbours = tuple(r for o in others for r in o.letters)
    refused = reused_numbers((*before.letters, *neighbours), records.register if records is not None else ())
    if refused:  # a register that gives an issued letter's number to another: refused at its lines
        raise refused[0] if len(refused) == 1 else DataError.several(list(refused))
    revision = before.manifest.revision + 1
    if on_disk is None:  # not told: the folder is as the last export left it
        on_disk = {f.path: f.sha256 for f in before.manifest.files}
    made: list[tuple[str, Artifact]] = []
    kept: list[ManifestFile] = []  # the files of the exporters reused, as their last run left them
    reused: list[str] = []
    scopes: dict[str, Callable[[str], bool]] = {}
    digests: dict[str, str] = {}
    runs = {r.exporter: r for r in before.manifest.runs}
    duties: YearDuties | None = None
    told: list[Note] = []  # what the exporters that ran said (ExportRequest.tell)
    issued = _as_written(before.manifest, read, issued_copy)
    issued_bytes = expected_bytes(before.letters)
    shared = _shared_digest(district=district, plan=plan, records=records, issued_on=issued_on, calendar=calendar,
                            notices=used)
    imported = merged_register(before.register, records.register if records is not None else ())
    typed_of = {exporter.name: exporter.typed_options(given) for exporter, given in exporters}
    for exporter, _given in exporters:
        scopes[exporter.name] = exporter.answers_for(typed_of[exporter.name])
    wrote = {f.path: f.exporter for f in before.manifest.files}

    def answered(path: str) -> bool:
        """This run answers for the file: its exporter ran, and the path is in that run's scope."""
        name = wrote.get(path)
        return name in scopes and scopes[name](path)

    def registry_now() -> LetterRegistry:
        """The register as this export leaves it, from the letters made or reused so far."""
        registry = LetterRegistry(before.letters, year=year, revision=revision, others=others)
        reused_paths = {f.path for f in kept}
        registry.issued = [a.letter for _, a in made if a.letter is not None] + \
            [r for r in before.letters if r.active and r.path in reused_paths]  # a reused letter keeps its record
        return registry

    def register_now() -> tuple[LetterRecord, ...]:
        return registry_now().records(answered)

    # those that show the register run after those that issue letters (a stable order otherwise)
    for exporter, _given in sorted(exporters, key=lambda pair: pair[0].reads_register):
        typed = typed_of[exporter.name]
        letters_seen = register_now() if exporter.reads_register else before.letters
        digest = digests[exporter.name] = _exporter_digest(exporter, shared, typed, letters_seen, revision,
                                                           before.register, others)
        files = _reusable(exporter, digest, runs.get(exporter.name), before.manifest, scopes[exporter.name],
                          on_disk) if reuse else None
        if files is not None:
            kept.extend(files)
            reused.append(exporter.name)
            continue
        if duties is None:
            duties = year_duties(district, plan.year, records)  # once for every exporter
        request = ExportRequest(district=district, plan=plan, options=typed, records=records, letters=letters_seen,
                                issued_on=issued_on, revision=revision, calendar=calendar, duties=duties,
                                issued=issued, register=before.register, notes=told.append,
                                exported=before.exported, others=others)
        # each letter's record carries its bytes' digest at once: the register an exporter that shows
        # it sees (and digests) is the one the state keeps
        made.extend((exporter.name, a) for a in _as_issued(_run(exporter, request), issued_bytes))
    _unique_paths([*made, *((f.exporter, f.path) for f in kept)])
    # issued letters the data no longer makes, withdrawn by no letter: they stand, their files kept
    standing = registry_now().standing(answered)
    standing_paths = _with_renderings({r.path for r in standing}, before.manifest)
    manifest, writes, archive, kept_edits, unchanged, restored, replaced, removed = _files(
        before.manifest, made, kept, revision, on_disk, answered, _archiver(issued_on, archived),
        standing_paths)
    # nothing to write: the same revision, so a plain rerun changes no byte
    if not writes and not archive and not removed:
        manifest = attrs.evolve(manifest, revision=before.manifest.revision)
    letters = register_now()
    manifest = attrs.evolve(manifest, runs=_runs(before.manifest.runs, exporters, made, reused, digests, letters,
                                                 manifest, shared, imported, standing_paths, others))
    new_state = attrs.evolve(before.with_plan(plan), events_seen=seen, letters=letters, register=imported,
                             manifest=manifest, exported=snapshot(plan), notices=used)
    notes = tuple(_register_note(c) for c in
                  register_conflicts((*before.letters, *neighbours), records.register if records is not None else ()))
    notes += tuple(_restored_note(path, to) for path, to in restored)
    notes += tuple(_replaced_note(path) for path in replaced)
    # said once, when it comes to stand, unless an exporter's note already speaks for it (a past meeting's)
    spoken_for = {number for note in told for number in note.letters}
    notes += tuple(_standing_note(r) for r in standing if not r.standing and r.doc_number not in spoken_for)
    notes += tuple(told)
    return ExportResult(new_state, writes, archive, kept_edits, unchanged, tuple(reused), notes=notes,
                        removed=removed)


def _as_issued(made: Iterable[Artifact], issued: Mapping[str, LetterRecord]) -> list[Artifact]:
    """The artifacts with each letter's record carrying the digest of its bytes: a letter issued now
    takes its artifact's; one issued before (``issued``: :func:`expected_bytes`) must come out as it
    went out (:class:`IssuedLetterChanged` otherwise: never a new text under an old number)."""
    out = []
    for a in made:
        if a.letter is not None:
            was = issued.get(a.letter.doc_number)
            if was is not None and was.sha256 != a.sha256:
                raise IssuedLetterChanged(was)
            if a.letter.sha256 != a.sha256:
                a = attrs.evolve(a, letter=attrs.evolve(a.letter, sha256=a.sha256))
        out.append(a)
    return out


def merged_register(kept: Sequence[RegisteredLetter],
                    given: Sequence[RegisteredLetter]) -> tuple[RegisteredLetter, ...]:
    """The office's register as the year's state keeps it: what earlier exports imported, with this
    export's import, one line per 文号 (the newer import's), by series, year and number. Nothing is
    dropped: a number once known used stays used."""
    # where a line was read is for a refusal now, not for the state (a later export reads no file)
    by_number = {entry.number: attrs.evolve(entry, source="", row="") for entry in (*kept, *given)}
    return tuple(by_number[number] for number in sorted(by_number))


def _register_note(conflict: RegisterConflict) -> Note:
    return Note(conflict.message("en"), conflict.message("zh"), fix=conflict.fix("en"), fix_zh=conflict.fix("zh"))


def _restored_note(path: str, to: str) -> Note:
    # the note names the file (``file``): its message does not repeat it
    return Note(f"changed since it was issued: the letter as it went out is written back, the changed copy "
                f"kept as {to}",
                f"印发后被修改过：已按印发时的原样写回，修改后的文件另存为 {to}", file=path,
                fix="a letter once sent is not changed; send what is new as a new letter",
                fix_zh="已发出的公文不再修改，新的内容请另行发文")


def _with_renderings(paths: Collection[str], manifest: Manifest) -> frozenset[str]:
    """``paths`` (letters' files) with the other renderings of each that the manifest holds: the
    files of the same exporter at the same path but for the suffix (the PDF beside a letter's
    .docx). A letter that stands keeps them all in place."""
    def stem(path: str) -> str:
        return path.rpartition(".")[0] or path

    letters = manifest.by_path()
    stems = {(letters[p].exporter, stem(p)) for p in paths if p in letters}
    return frozenset(paths) | {f.path for f in manifest.files if (f.exporter, stem(f.path)) in stems}


def _replaced_note(path: str) -> Note:
    return Note("deleted since it was issued: the letter as it went out is written back",
                "印发后被删除：已按印发时的原样写回", file=path,
                fix="a letter once sent stays in the output folder; send what is new as a new letter",
                fix_zh="已发出的公文保留在输出文件夹中，新的内容请另行发文")


def _standing_note(letter: LetterRecord) -> Note:
    # said at the export that stops making it; later exports keep it quietly, as every issued letter
    day = letter.date.isoformat()
    title = letter.title or letter.engagement_title or letter.path
    return Note(f"{letter.doc_number} ({title}, issued on {day}) is no longer called for by the data; it went out, "
                "so it stands as sent: it is kept in the register as issued and its file is left in place",
                f"{letter.doc_number}（{title}，{day}印发）已不再由数据生成；该函已经发出，按原样保留："
                "发文登记仍记为已印发，文件原样保留", file=letter.path,
                fix="if it must be withdrawn, send a letter of its own saying so (a letter once sent is withdrawn "
                    "only by another letter)",
                fix_zh="如需撤回，请另行发函说明：已发出的公文只能以新的公文撤回")


def _as_written(manifest: Manifest, read: Callable[[str], bytes | None] | None,
                kept: Callable[[str], bytes | None] | None = None) -> Callable[[str], bytes | None] | None:
    """``read``, answering only with the bytes the manifest says an export wrote (a file edited or
    replaced since is not what went out); for a file no longer so, the bytes ``kept`` by that digest
    (an issued letter's, kept beside the year's state)."""
    if read is None and kept is None:
        return None
    wrote = manifest.by_path()

    def issued(path: str) -> bytes | None:
        was = wrote.get(path)
        if was is None:
            return None
        for data in (read(path) if read is not None else None, kept(was.sha256) if kept is not None else None):
            if data is not None and hashlib.sha256(data).hexdigest() == was.sha256:
                return data
        return None

    return issued


# -- reusing an exporter's last run -----------------------------------------------------------------
_INPUTS_FORMAT = "liaison-export-inputs/1"


def input_digest(exporter: Exporter, *, district: District, plan: Plan, options: Mapping[str, Any],
                 records: Records | None, letters: Sequence[LetterRecord], issued_on: dt.date | None,
                 calendar: WorkingDayCalendar | None, notices: Sequence[HolidayNotice], revision: int = 1) -> str:
    """The digest of everything an exporter's output depends on: its name and code (distribution,
    version, package files: :attr:`Exporter.code`), the district as given (renamed for the export
    included), the plan (the year's state as exporters see it), its typed options, the records, the
    year's register — its letters and the export's number — if it reads them, the day of issue, and
    the working-day calendar (its kind and version and the holiday notices in use). Values are
    walked field by field (:func:`_canonical`), so the digest does not depend on the process (hash
    seeds, object addresses)."""
    shared = _shared_digest(district=district, plan=plan, records=records, issued_on=issued_on, calendar=calendar,
                            notices=notices)
    return _exporter_digest(exporter, shared, options, letters, revision)


def _shared_digest(*, district: District, plan: Plan, records: Records | None, issued_on: dt.date | None,
                   calendar: WorkingDayCalendar | None, notices: Sequence[HolidayNotice]) -> str:
    """The part of :func:`input_digest` every exporter of an export shares (worked out once)."""
    parts: list[str] = []
    for value in (_INPUTS_FORMAT, district, plan, records, issued_on,
                  type(calendar).__qualname__ if calendar is not None else None,
                  str(getattr(calendar, "name", "")), str(getattr(calendar, "version", "")), tuple(notices)):
        _canonical(value, parts.append)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _exporter_digest(exporter: Exporter, shared: str, options: Mapping[str, Any],
                     letters: Sequence[LetterRecord], revision: int,
                     imported: Sequence[RegisteredLetter] = (), others: Sequence[PlanYearLetters] = ()) -> str:
    parts: list[str] = []
    # the register after this export is the same whatever its number: a plain rerun reuses the sheet;
    # the neighbouring plan years' letters in the same registers are part of it (numbers, lines)
    # (left out when there are none, so a year without them keeps the digests it had)
    around = (tuple(others),) if others else ()
    register = (tuple(letters), revision, tuple(imported), *around) if exporter.reads_letters else \
        (tuple(letters), *around) if exporter.reads_register and others else \
        tuple(letters) if exporter.reads_register else None
    for value in (shared, exporter.name, exporter.plugin, exporter.code, options, register):
        _canonical(value, parts.append)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _canonical(value: Any, feed: Callable[[str], None]) -> None:
    """``value`` as a sequence of tagged strings that two processes write the same way: attrs values
    field by field, mappings and sets in sorted order, dates and enums by their value. Anything
    else by its type and ``repr`` — if that names an address, the digest changes every run and the
    exporter is simply run every time.

    What a value is taken as depends on its type alone, so it is worked out once per type
    (:func:`_kind`): the walk of a district and its plan, every export, otherwise asked the same
    chain of ``isinstance`` checks and ``attrs.fields`` for each of its tens of thousands of values."""
    cls = type(value)
    kind = _KINDS.get(cls)
    if kind is None:
        kind = _kind(cls)
    tag = kind[0]
    if tag == "s":
        feed(f"s{len(value)}:{value}")
    elif tag == "a":
        feed(kind[1])
        for name in kind[2]:
            feed(name)
            _canonical(getattr(value, name), feed)
    elif tag == "l":
        feed(f"l{len(value)}")
        for item in value:
            _canonical(item, feed)
    elif tag == "n":
        feed(f"{cls.__name__}:{value!r}")
    elif tag == "e":
        feed(f"e:{cls.__qualname__}.{value.value!r}")
    elif tag == "t":
        feed(f"t:{cls.__name__}:{value!r}")
    elif tag == "m":
        items = []
        for key, item in value.items():
            k: list[str] = []
            _canonical(key, k.append)
            v: list[str] = []
            _canonical(item, v.append)
            items.append(("\x1e".join(k), "\x1e".join(v)))
        feed(f"m{len(items)}")
        for k_text, v_text in sorted(items):
            feed(k_text)
            feed(v_text)
    elif tag == "u":
        members = []
        for item in value:
            m: list[str] = []
            _canonical(item, m.append)
            members.append("\x1e".join(m))
        feed(f"u{len(members)}")
        for text in sorted(members):
            feed(text)
    elif tag == "b":
        feed(f"b:{hashlib.sha256(value).hexdigest()}")
    else:
        feed(f"r:{cls.__module__}.{cls.__qualname__}:{value!r}")


#: What :func:`_canonical` takes a value of each type as: a tag, and for attrs classes the header
#: and the field names. One entry per type a digest has met: bounded by the program's types.
_KINDS: dict[type, tuple[str, str, tuple[str, ...]]] = {}


def _kind(cls: type) -> tuple[str, str, tuple[str, ...]]:
    """The order of the checks is the digest's: an ``IntEnum`` is an int, a ``bool`` not an enum."""
    if cls is type(None) or issubclass(cls, (bool, int, float)):
        tag = "n"
    elif issubclass(cls, str):
        tag = "s"
    elif issubclass(cls, enum.Enum):
        tag = "e"
    elif issubclass(cls, (datetime.date, datetime.time, datetime.timedelta)):
        tag = "t"
    elif issubclass(cls, (tuple, list)):
        tag = "l"
    elif issubclass(cls, Mapping):
        tag = "m"
    elif issubclass(cls, (set, frozenset)):
        tag = "u"
    elif issubclass(cls, bytes):
        tag = "b"
    elif attrs.has(cls):
        kind = ("a", f"a:{cls.__module__}.{cls.__qualname__}", tuple(f.name for f in attrs.fields(cls)))
        _KINDS[cls] = kind
        return kind
    else:
        tag = "r"
    _KINDS[cls] = (tag, "", ())
    return _KINDS[cls]


def _outputs(files: Iterable[tuple[str, str]]) -> str:
    """The digest of a run's files: their paths and digests."""
    return hashlib.sha256("\n".join(f"{p}\t{d}" for p, d in sorted(files)).encode()).hexdigest()


def _reusable(exporter: Exporter, digest: str, last: ExporterRun | None, manifest: Manifest,
              scope: Callable[[str], bool], on_disk: Mapping[str, str]) -> list[ManifestFile] | None:
    """The exporter's files as its last run left them, if that run had these inputs and every one
    of them is still in the folder with the digest recorded; None (run it) otherwise. An exporter
    of unknown code (no :attr:`Exporter.code`) is always run."""
    if not exporter.code or last is None or last.inputs != digest:
        return None
    files = [f for f in manifest.files if f.exporter == exporter.name and scope(f.path)]
    if _outputs((f.path, f.sha256) for f in files) != last.outputs:
        return None  # a file of it was dropped or taken over since, or the clerk's edits were kept
    if any(on_disk.get(f.path) != f.sha256 for f in files):
        return None  # deleted or changed in the folder: render it again
    return files


def _runs(previous: Sequence[ExporterRun], exporters: Sequence[tuple[Exporter, Mapping[str, Any]]],
          made: Sequence[tuple[str, Artifact]], reused: Sequence[str], digests: Mapping[str, str],
          letters: Sequence[LetterRecord], after: Manifest, shared: str,
          imported: Sequence[RegisteredLetter] = (), standing: Collection[str] = (),
          others: Sequence[PlanYearLetters] = ()) -> tuple[ExporterRun, ...]:
    """Each exporter's last run after this export; exporters not asked keep theirs.

    An exporter that issues letters is recorded against the register as this export leaves it —
    the letters after it, the number the next export will have: given back the records it issued,
    it numbers and dates the same texts the same way and issues none (a plain rerun changes no
    byte and no letter), so the next export with nothing changed reuses it; a reused one is
    refreshed likewise. Any other exporter is recorded against what it saw."""
    runs = {r.exporter: r for r in previous}
    issuing = {r.path for r in letters if r.active}
    for exporter, given in exporters:
        own = [(a.path, a.sha256) for name, a in made if name == exporter.name]
        # a letter of its that stands though it made it no longer is still among its files
        own += [(f.path, f.sha256) for f in after.files if f.exporter == exporter.name and f.path in standing]
        if exporter.name in reused:
            own = [(f.path, f.sha256) for f in after.files if f.exporter == exporter.name]
        issues = exporter.reads_letters and (exporter.issues_letters or any(path in issuing for path, _ in own))
        if exporter.name in reused and not issues:
            continue  # as its last run left it
        digest = digests[exporter.name]
        if issues:
            digest = _exporter_digest(exporter, shared, exporter.typed_options(given), letters, after.revision + 1,
                                      imported, others)
        outputs = runs[exporter.name].outputs if exporter.name in reused else _outputs(own)
        runs[exporter.name] = ExporterRun(exporter.name, digest, outputs)
    return tuple(runs[name] for name in sorted(runs))


def _unique_paths(made: Sequence[tuple[str, Artifact | str]]) -> None:
    seen: dict[str, str] = {}
    for name, made_file in made:
        path = made_file if isinstance(made_file, str) else made_file.path
        if path in seen:
            raise ExportError(f"{name} and {seen[path]} both write {path}",
                              fix="leave one of the exporters out",
                              message_zh=f"{name}与{seen[path]}都要写入{path}",
                              fix_zh="请去掉其中一个导出器")
        seen[path] = name


def _archiver(issued_on: datetime.date | None, archived: Iterable[str]) -> Callable[[str, ManifestFile], str]:
    """Where a withdrawn file goes: ``已作废/<day of withdrawal>/<path>`` (a second withdrawal of one
    path on one day under ``<day>-2``, never over the first), or without a day under the number of the
    export that wrote it."""
    taken = set(archived)

    def archive_to(path: str, was: ManifestFile) -> str:
        base = issued_on.isoformat() if issued_on is not None else str(was.revision)
        group, n = base, 1
        while f"{ARCHIVE}/{group}/{path}" in taken:
            n += 1
            group = f"{base}-{n}"
        taken.add(f"{ARCHIVE}/{group}/{path}")
        return f"{ARCHIVE}/{group}/{path}"

    return archive_to


def _files(old: Manifest, made: Sequence[tuple[str, Artifact]], reused: Sequence[ManifestFile], revision: int,
           on_disk: Mapping[str, str], answered: Callable[[str], bool],
           archive_to: Callable[[str, ManifestFile], str], standing: Collection[str] = frozenset()) -> tuple[
        Manifest, tuple[tuple[str, Artifact], ...], tuple[tuple[str, str], ...], tuple[str, ...], tuple[str, ...],
        tuple[tuple[str, str], ...], tuple[str, ...], tuple[str, ...]]:
    previous = old.by_path()
    # a draft now issued is not withdrawn: its file (and its PDF beside it) goes, not to 已作废/
    superseded = {p.rsplit(".", 1)[0] for _, a in made for p in a.supersedes}
    removed: list[str] = []
    files: list[ManifestFile] = list(reused)
    writes: list[tuple[str, Artifact]] = []
    archive: list[tuple[str, str]] = []
    kept: list[str] = []
    unchanged: list[str] = [f.path for f in reused]
    restored: list[tuple[str, str]] = []
    replaced: list[str] = []  # issued letters deleted from the folder, written back as they went out
    for name, a in made:
        was = previous.get(a.path)
        digest = a.sha256
        current = on_disk.get(a.path)
        if was is not None and was.sha256 == digest:
            files.append(was)
            if current == digest:
                unchanged.append(a.path)
                continue
            if current is not None and a.policy == "archive":  # a letter edited since it went out: the
                to = archive_to(a.path, was)  # letter as issued is written back, the edited copy kept aside
                archive.append((a.path, to))
                restored.append((a.path, to))
            elif current is None and a.letter is not None:
                replaced.append(a.path)
            writes.append((name, a))  # ours, but missing or changed on disk: write it again
            continue
        if was is not None and a.policy == "keep_edits" and current is not None and current != was.sha256:
            files.append(was)  # the clerk's workbook: never overwritten
            kept.append(a.path)
            continue
        if was is not None and a.policy == "archive" and current is not None:
            archive.append((a.path, archive_to(a.path, was)))  # a text once sent is kept
        files.append(ManifestFile(a.path, digest, name, a.policy, revision))
        writes.append((name, a))
    produced = {a.path for _, a in made} | {f.path for f in reused}
    for path, was in previous.items():
        if path in produced or on_disk.get(path) is None:
            continue  # made again, or no longer in the folder
        if path in standing:
            files.append(was)  # an issued letter nothing withdrew: it stands as sent
            continue
        if answered(path) and path.rsplit(".", 1)[0] in superseded:
            removed.append(path)
            continue
        if answered(path):
            archive.append((path, archive_to(path, was)))  # this run no longer makes it
        else:
            files.append(was)  # another exporter's file, or outside this run's scope: left as it is
    return Manifest(revision, tuple(sorted(files, key=lambda f: f.path)), old.runs), tuple(writes), \
        tuple(archive), tuple(kept), tuple(unchanged), tuple(restored), tuple(replaced), tuple(removed)
