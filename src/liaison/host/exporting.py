"""What an exporter is, and the one export flow.

An exporter is a pure function from domain objects and typed options to artifacts (bytes). The flow
(:func:`build_export`) is pure too: the year's state and today's inputs → the new plan (revised,
nothing agreed reverted) → every requested format built in memory → the new state (letters, manifest)
and what the edge must write and archive. The edge (:mod:`liaison_workspace`) stages all of it
beside the year's folder and swaps it in, so a failure leaves the previous export as it was.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from liaison.base.errors import ExportError, LiaisonError
from liaison.host.options import Option, resolve
from liaison.law.duties import YearDuties, year_duties
from liaison.year.engagements import snapshot
from liaison.year.numbering import LetterRecord, LetterRegistry
from liaison.year.state import ARCHIVE, Manifest, ManifestFile, Policy, YearState, year_calendar

if TYPE_CHECKING:
    import datetime as dt

    from liaison.law.district import District
    from liaison.law.notices import HolidayNotice
    from liaison.law.records import Records
    from liaison.law.workdays import WorkingDayCalendar
    from liaison.year.engagements import KnownEvent, Plan, PlanOptions

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
    ``letter`` is the number record of a letter."""

    path: str = attrs.field()
    media_type: str
    data: bytes = attrs.field(repr=lambda d: f"<{len(d)} bytes>")
    policy: Policy = "replace"
    letter: LetterRecord | None = None

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
    issued_on: dt.date | None = None
    revision: int = 1
    calendar: WorkingDayCalendar | None = attrs.field(default=None, eq=False)
    #: the bytes an earlier export wrote at a path, as the store holds them (None: not held, or changed
    #: since): what an issued letter is written as again, since what went out never changes
    issued: Callable[[str], bytes | None] | None = attrs.field(default=None, eq=False, repr=False)
    duties: YearDuties = attrs.field(
        default=attrs.Factory(lambda self: year_duties(self.district, self.plan.year, self.records), takes_self=True),
        eq=False, repr=False)

    def option(self, name: str, default: Any = None) -> Any:
        value = self.options.get(name)
        return default if value is None else value

    def registry(self) -> LetterRegistry:
        return LetterRegistry(self.letters, year=self.plan.year, revision=self.revision)

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
    archive path), the workbooks left alone because the clerk edited them, and the plan."""

    state: YearState
    writes: tuple[tuple[str, Artifact], ...]  # (exporter, artifact)
    archive: tuple[tuple[str, str], ...]
    kept_edits: tuple[str, ...]
    unchanged: tuple[str, ...]

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


def build_export(district: District, year: int, state: YearState | None,
                 exporters: Sequence[tuple[Exporter, Mapping[str, Any]]], *, records: Records | None = None,
                 calendar: WorkingDayCalendar | None = None, options: PlanOptions | None = None,
                 events: Sequence[KnownEvent] | None = None, replan: bool = False, issued_on: dt.date | None = None,
                 on_disk: Mapping[str, str] | None = None, notices: Sequence[HolidayNotice] = (),
                 read: Callable[[str], bytes | None] | None = None) -> ExportResult:
    """The one export flow (see the module docstring). ``on_disk`` gives the digest of each file the
    last export wrote as it is in the folder now (an edited workbook is then left alone, a missing
    file written again); None means the folder is as the last export left it. ``notices`` replace
    those the state was planned on for their years (:func:`liaison.year.state.year_calendar`).
    ``read(path)`` gives the bytes the store holds at a path of the year: exporters get them, where
    they are the bytes the last export wrote (:attr:`ExportRequest.issued`), to write an issued letter
    again exactly as it went out."""
    from liaison.year.reconcile import update_plan

    calendar, used = year_calendar(state, year, calendar, notices)
    plan, seen = update_plan(district, year, state, options=options, calendar=calendar, events=events, replan=replan)
    before = state or YearState.of(plan)
    revision = before.manifest.revision + 1
    made: list[tuple[str, Artifact]] = []
    scopes: dict[str, Callable[[str], bool]] = {}
    duties = year_duties(district, plan.year, records)  # once for every exporter
    issued = _as_written(before.manifest, read)
    for exporter, given in exporters:
        request = exporter.request(district, plan, given, records, letters=before.letters, issued_on=issued_on,
                                   revision=revision, calendar=calendar, duties=duties, issued=issued)
        made.extend((exporter.name, a) for a in _run(exporter, request))
        scopes[exporter.name] = exporter.answers_for(request.options)
    _unique_paths(made)
    wrote = {f.path: f.exporter for f in before.manifest.files}

    def answered(path: str) -> bool:
        """This run answers for the file: its exporter ran, and the path is in that run's scope."""
        name = wrote.get(path)
        return name in scopes and scopes[name](path)

    registry = LetterRegistry(before.letters, year=year, revision=revision)
    registry.issued = [a.letter for _, a in made if a.letter is not None]
    if on_disk is None:  # not told: the folder is as the last export left it
        on_disk = {f.path: f.sha256 for f in before.manifest.files}
    manifest, writes, archive, kept, unchanged = _files(before.manifest, made, revision, on_disk, answered)
    if not writes and not archive:  # nothing to write: the same revision, so a plain rerun changes no byte
        manifest = attrs.evolve(manifest, revision=before.manifest.revision)
    new_state = attrs.evolve(before.with_plan(plan), events_seen=seen, letters=registry.records(answered),
                             manifest=manifest, exported=snapshot(plan), notices=used)
    return ExportResult(new_state, writes, archive, kept, unchanged)


def _as_written(manifest: Manifest, read: Callable[[str], bytes | None] | None) -> Callable[[str], bytes | None] | None:
    """``read``, answering only with the bytes the manifest says an export wrote (a file edited or
    replaced since is not what went out)."""
    if read is None:
        return None
    wrote = manifest.by_path()

    def issued(path: str) -> bytes | None:
        was = wrote.get(path)
        if was is None:
            return None
        data = read(path)
        return data if data is not None and hashlib.sha256(data).hexdigest() == was.sha256 else None

    return issued


def _unique_paths(made: Sequence[tuple[str, Artifact]]) -> None:
    seen: dict[str, str] = {}
    for name, artifact in made:
        if artifact.path in seen:
            raise ExportError(f"{name} and {seen[artifact.path]} both write {artifact.path}",
                              fix="leave one of the exporters out",
                              message_zh=f"{name}与{seen[artifact.path]}都要写入{artifact.path}",
                              fix_zh="请去掉其中一个导出器")
        seen[artifact.path] = name


def _files(old: Manifest, made: Sequence[tuple[str, Artifact]], revision: int, on_disk: Mapping[str, str],
           answered: Callable[[str], bool]) -> tuple[
        Manifest, tuple[tuple[str, Artifact], ...], tuple[tuple[str, str], ...], tuple[str, ...], tuple[str, ...]]:
    previous = old.by_path()
    files: list[ManifestFile] = []
    writes: list[tuple[str, Artifact]] = []
    archive: list[tuple[str, str]] = []
    kept: list[str] = []
    unchanged: list[str] = []
    for name, a in made:
        was = previous.get(a.path)
        digest = a.sha256
        current = on_disk.get(a.path)
        if was is not None and was.sha256 == digest:
            files.append(was)
            if current == digest:
                unchanged.append(a.path)
            else:
                writes.append((name, a))  # ours, but missing or changed on disk: write it again
            continue
        if was is not None and a.policy == "keep_edits" and current is not None and current != was.sha256:
            files.append(was)  # the clerk's workbook: never overwritten
            kept.append(a.path)
            continue
        if was is not None and a.policy == "archive" and current is not None:
            archive.append((a.path, f"{ARCHIVE}/{was.revision}/{a.path}"))  # a text once sent is kept
        files.append(ManifestFile(a.path, digest, name, a.policy, revision))
        writes.append((name, a))
    produced = {a.path for _, a in made}
    for path, was in previous.items():
        if path in produced or on_disk.get(path) is None:
            continue  # made again, or no longer in the folder
        if answered(path):
            archive.append((path, f"{ARCHIVE}/{was.revision}/{path}"))  # this run no longer makes it
        else:
            files.append(was)  # another exporter's file, or outside this run's scope: left as it is
    return Manifest(revision, tuple(sorted(files, key=lambda f: f.path))), tuple(writes), tuple(archive), \
        tuple(kept), tuple(unchanged)
