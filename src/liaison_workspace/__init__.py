"""The output folder where a year lives: the edge that reads and writes it.

    from liaison_workspace import Workspace
    ws = Workspace("out")
    outcome = ws.export(district, 2027, [("ical", {}), ("docx", {})])      # out/2027/…
    ws.export(district, 2027, [("docx", {})], district_name="厦门市海沧区")  # a one-off name
    ws.update(district, 2027, [Change("move", "2027/visit/health/cpwdp/1", date(2027, 4, 20))])

``out/<year>/`` holds the year's state (``plan-<district>-<year>.json``), what the last export wrote,
and ``已作废/`` with what earlier exports wrote and this one no longer does, grouped by revision.
Every export is all or nothing: it checks the request (the year, the exporters and their options)
before it creates anything, builds everything in memory (:func:`liaison.build_export`), stages the
new folder beside the old one on the same file system, then swaps it in under a journal
(:mod:`liaison_workspace.folder`); any failure leaves the previous export byte-identical and adds no
file, and a crash at any instruction leaves the previous year or the new one, whole — the next
command finishes or rolls back what was interrupted before it does anything else. The state alone
(``plan --out``) is replaced atomically (:func:`write_atomic`). One command at a time writes an
output folder: a lock on the folder makes a second one wait, then stop with a clear message. A
failure of the system (no space, no permission, a read-only or immutable file …) is one
:class:`~liaison.base.errors.StorageError` naming the path and the fix.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from liaison.base.errors import ExportError, OptionError
from liaison.formats.state import StateError, parse_state, state_to_json
from liaison.formats.syntax import read_file
from liaison.host.exporting import ExportResult, build_export
from liaison.host.plugins import exporter as find_exporter
from liaison.law.district import District
from liaison.law.notices import HolidayNotice
from liaison.law.records import Records
from liaison.law.workdays import WorkingDayCalendar
from liaison.year.engagements import KnownEvent, Plan, PlanOptions, revise
from liaison.year.planner import check_year
from liaison.year.publications import Publication
from liaison.year.reconcile import Change, apply_changes, update_plan
from liaison.year.state import YearState, state_file_name, year_calendar
from liaison_workspace.durable import (
    checkpoint,
    make_folders,
    make_within,
    remove_tree,
    sync_tree,
    write_atomic,
    write_new,
)
from liaison_workspace.folder import TEMP, Note, YearFolders, system_error

__all__ = ["ExportOutcome", "Note", "UpdateOutcome", "Workspace", "write_atomic"]


@attrs.frozen
class ExportOutcome:
    """What an export did: the new state, the files written, archived, left alone, unchanged, and
    the notes of the output folder's recovery (an interrupted command finished or rolled back, a
    leftover that could not be removed)."""

    folder: Path
    state: YearState
    written: tuple[tuple[str, str, int], ...]  # (exporter, path, bytes)
    archived: tuple[tuple[str, str], ...]  # (path, archive path)
    kept_edits: tuple[str, ...]
    unchanged: tuple[str, ...]
    notes: tuple[Note, ...] = ()

    @property
    def plan(self) -> Plan:
        return self.state.plan


@attrs.frozen
class UpdateOutcome:
    """What an update changed: the plan before and after (the state file is written)."""

    path: Path
    before: Plan  # the plan the changes were made to
    after: Plan
    created: bool = False  # the year had no state: it was planned first
    notes: tuple[Note, ...] = ()


_READING = ("cannot read", "无法读取")


class Workspace:
    """An output folder (``--out``). ``lock_wait`` seconds to wait for another command on a year.

    ``notes`` gathers what the folder's recovery did or could not do (:class:`Note`) until
    :meth:`take_notes` hands them over; an export's or update's outcome carries those of its call."""

    def __init__(self, root: str | os.PathLike[str], *, lock_wait: float = 30.0) -> None:
        self.root = Path(root)
        self.lock_wait = lock_wait
        self.folders = YearFolders(self.root)
        self.notes: list[Note] = []
        self._depth = 0  # the lock is held (by this object) when above 0

    def take_notes(self) -> tuple[Note, ...]:
        taken, self.notes = tuple(self.notes), []
        return taken

    # -- places -------------------------------------------------------------------------------------
    def folder(self, year: int) -> Path:
        return self.root / str(year)

    def state_path(self, district: District, year: int) -> Path:
        return self.folder(year) / state_file_name(district.info.id, year)

    def read_state(self, district: District, year: int) -> YearState | None:
        """The year's state, checked against the district and the year, or None if there is none yet.

        What a crash interrupted is finished or rolled back first (under the lock; an output folder
        that does not exist is not created). A state that is missing while the year's folder holds
        the files of an earlier export is an error, never a silent new plan."""
        with self._system_errors(doing=_READING, unchanged=False):
            self._check_root()
            if not self.root.is_dir():
                return None
            with self.locked(year, create=False):
                return self._read_state(district, year)

    def _read_state(self, district: District, year: int) -> YearState | None:
        path = self.state_path(district, year)
        if path.exists() or path.is_symlink():
            return parse_state(read_file(path), district, year=year, file=str(path))
        found = _files_in(self.folder(year))
        if found:
            listed = ", ".join(found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
            listed_zh = "、".join(found[:3]) + (f" 等 {len(found)} 个" if len(found) > 3 else "")
            raise StateError(f"the year's state is missing, but {self.folder(year)} holds files of an earlier "
                             f"export ({listed}): planning {year} afresh would lose what was agreed", file=str(path),
                             fix=f"put the state file back (from a backup); to start the year afresh, move "
                                 f"{self.folder(year)} away first",
                             message_zh=f"该年度的状态文件不见了，但 {self.folder(year)} 中还有早先导出的文件"
                                        f"（{listed_zh}）：重新安排{year}年会丢失已商定的内容",
                             fix_zh=f"请从备份恢复该状态文件；如要重新开始该年度，请先把 {self.folder(year)} 移走")
        return None

    # -- the lock -------------------------------------------------------------------------------------
    @contextmanager
    def locked(self, year: int, *, create: bool = True) -> Iterator[None]:
        """One writer per output folder: wait up to ``lock_wait`` seconds for another, then stop.

        The lock is taken on the folder itself (``flock`` on its descriptor), so no lock file is
        created, followed or left behind; ``year`` names the year in the message. Once it is held,
        what a crash interrupted for ``year`` is finished or rolled back (:meth:`YearFolders.recover`).
        ``create``: make the output folder if it is missing — taken back if what runs under the lock
        fails and leaves it empty, so a refused request leaves no empty folder behind. Re-entrant."""
        import fcntl

        if self._depth:
            yield
            return
        self._check_root()
        created = make_folders(self.root) if create else []
        try:
            fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        except BaseException:
            _take_back(created)
            raise
        try:
            deadline = time.monotonic() + self.lock_wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise ExportError(f"another liaison command is writing {self.root}",
                                          file=str(self.folder(year)),
                                          fix="wait until it has finished, then run this again",
                                          message_zh=f"另一个 liaison 命令正在写入 {self.root}",
                                          fix_zh="请等它完成后再运行") from None
                    time.sleep(0.1)
            self._depth += 1
            try:
                self.notes += self.folders.recover(year)
                yield
            except BaseException:
                _take_back(created)
                raise
            finally:
                self._depth -= 1
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    @contextmanager
    def _system_errors(self, *, doing: tuple[str, str] = ("cannot write", "无法写入"),
                       unchanged: bool = True) -> Iterator[None]:
        """A failure of the system in here is the one :class:`StorageError` (the path as the user
        knows it, the reason and the fix, in both languages)."""
        try:
            yield
        except OSError as exc:
            raise system_error(exc, self.folders, doing=doing, unchanged=unchanged) from None

    # -- checks before anything is written -----------------------------------------------------------
    def _check_root(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise ExportError("the output folder is a file", file=str(self.root), fix="give a folder for --out",
                              message_zh="输出文件夹是一个文件", fix_zh="请用 --out 给出一个文件夹")

    def _check_tree(self, year: int, paths: Sequence[str]) -> None:
        """Nothing under the year's folder may be a link or a special file, and nothing in the way of
        a folder the export needs."""
        folder = self.folder(year)
        if folder.is_symlink():
            raise ExportError("the year's folder is a symbolic link", file=str(folder),
                              fix="remove the link: liaison writes only real files and folders",
                              message_zh="该年度的文件夹是一个符号链接",
                              fix_zh="请删除该链接：liaison 只写入真实的文件和文件夹")
        if not folder.exists():
            return
        if not folder.is_dir():
            raise ExportError("the year's folder is a file", file=str(folder), fix="move the file away",
                              message_zh="该年度的文件夹是一个文件", fix_zh="请把该文件移走")
        for place, dirs, files in os.walk(folder):
            for name in (*dirs, *files):
                path = Path(place, name)
                mode = path.lstat().st_mode
                if stat.S_ISLNK(mode):
                    raise ExportError("a symbolic link inside the output folder", file=str(path),
                                      fix="remove it: liaison writes only real files and folders",
                                      message_zh="输出文件夹中有一个符号链接",
                                      fix_zh="请删除它：liaison 只写入真实的文件和文件夹")
                if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                    raise ExportError("a device, pipe or socket inside the output folder", file=str(path),
                                      fix="remove it", message_zh="输出文件夹中有一个设备、管道或套接字",
                                      fix_zh="请删除它")
        for relative in paths:
            parts = Path(relative).parts
            for depth in range(1, len(parts)):
                parent = folder.joinpath(*parts[:depth])
                if parent.exists() and not parent.is_dir():
                    raise ExportError(f"is a file, but {relative} needs it to be a folder", file=str(parent),
                                      fix="move the file away",
                                      message_zh=f"这是一个文件，但 {relative} 要求它是文件夹",
                                      fix_zh="请把该文件移走")
            target = folder / relative
            if target.is_dir():
                raise ExportError(f"is a folder, but the export writes a file there ({relative})", file=str(target),
                                  fix="move the folder away",
                                  message_zh=f"这是一个文件夹，但导出要在此写入文件（{relative}）",
                                  fix_zh="请把该文件夹移走")

    # -- export ---------------------------------------------------------------------------------------
    def export(self, district: District, year: int, formats: Sequence[tuple[str, Mapping[str, Any]]], *,
               records: Records | None = None, calendar: WorkingDayCalendar | None = None,
               options: PlanOptions | None = None, events: Sequence[KnownEvent] | None = None,
               replan: bool = False, issued_on: dt.date | None = None,
               notices: Sequence[HolidayNotice] = (), district_name: str | None = None) -> ExportOutcome:
        """Export the year in the given formats (exporter names with their options), all or nothing.
        ``notices`` (holiday notices) replace those the year's state was planned on for their years;
        without them the stored ones hold.

        ``district_name`` names the district for this export only (:meth:`District.renamed`): every
        exporter sees it, so letterheads, signatures, 印发机关, calendar names and sheet titles agree.
        It is not kept in the year's state; the lasting name is ``[district].name`` in the data.

        The request — the year, the exporters, their options, the name — is checked before anything
        is created (a refused one leaves no output folder behind)."""
        if district_name is not None:
            district = renamed(district, district_name)
        check_year(year)
        exporters = [(find_exporter(name), given) for name, given in formats]
        for chosen, given in exporters:
            chosen.typed_options(given)
        with self._system_errors(), self.locked(year):
            state = self._read_state(district, year)
            folder = self.folder(year)
            on_disk = {f.path: d for f in (state.manifest.files if state else ())
                       if (d := _digest(folder / f.path)) is not None}
            result = build_export(district, year, state, exporters, records=records, calendar=calendar,
                                  options=options, events=events, replan=replan, issued_on=issued_on, on_disk=on_disk,
                                  notices=notices)
            self._check_tree(year, [a.path for _, a in result.writes] + [to for _, to in result.archive])
            self.notes += self.folders.swap_in(year, self._stage(district, year, result))
        written = tuple((n, str(folder / a.path), len(a.data)) for n, a in result.writes)
        return ExportOutcome(folder, result.state, written, result.archive, result.kept_edits, result.unchanged,
                             self.take_notes())

    def _stage(self, district: District, year: int, result: ExportResult) -> Path:
        """The new year's folder, complete and on the disk, beside the old one."""
        folder = self.folder(year)
        staging = self.folders.new_staging(year)
        try:
            if folder.exists():
                _link_tree(folder, staging)
            for path, to in result.archive:
                source, target = staging / path, staging / to
                if source.exists():
                    make_within(staging, target.parent)
                    os.replace(source, target)
            for _, artifact in result.writes:
                make_within(staging, (staging / artifact.path).parent)
                write_new(staging / artifact.path, artifact.data, step="stage:write")
            write_new(staging / state_file_name(district.info.id, year), state_to_json(result.state).encode(),
                      step="stage:state")
            _prune_empty(staging)
            sync_tree(staging)
            checkpoint("stage:synced")
        except BaseException:
            remove_tree(staging)
            raise
        return staging

    # -- updates to the state -----------------------------------------------------------------------
    def update(self, district: District, year: int, changes: Sequence[Change] = (), *, force: bool = False,
               calendar: WorkingDayCalendar | None = None, options: PlanOptions | None = None,
               events: Sequence[KnownEvent] | None = None, replan: bool = False,
               notices: Sequence[HolidayNotice] = ()) -> UpdateOutcome:
        """Apply changes (confirm, move, cancel, held) to the year's state and write it back
        atomically; a year without a state is planned first. ``notices`` as for :meth:`export`."""
        check_year(year)
        with self._system_errors(), self.locked(year):
            self._check_tree(year, [state_file_name(district.info.id, year)])
            state = self._read_state(district, year)
            calendar, used = year_calendar(state, year, calendar, notices)
            created = state is None
            if state is None:
                planned, seen = update_plan(district, year, None, options=options, calendar=calendar, events=events)
                state = attrs.evolve(YearState.of(planned), events_seen=seen)
            changed = apply_changes(state.plan, changes, force=force)
            planned, seen = update_plan(district, year, state.with_plan(changed), options=options, calendar=calendar,
                                        events=events, replan=replan)
            after = revise(state.plan, planned)
            new_state = attrs.evolve(state.with_plan(after), events_seen=seen, notices=used)
            path = self.state_path(district, year)
            write_atomic(path, state_to_json(new_state).encode())
        return UpdateOutcome(path, state.plan, after, created, self.take_notes())

    def save_publication(self, district: District, year: int, publication: Publication) -> None:
        """Record what a publisher sent (only what the target accepted) in the year's state."""
        with self.publishing(district, year) as (_, record):
            record(publication)

    @contextmanager
    def publishing(self, district: District, year: int) -> Iterator[tuple[YearState, Callable[[Publication], None]]]:
        """The year's state and ``record(publication)``, which writes the publication into it at once,
        through the same single-file write as every change of the state. The lock is held while the
        publisher runs, so each write the target acknowledges is stored before the next is sent (a
        publisher killed loses at most the one in flight) and no other command changes the state
        between two records."""
        with self._system_errors(), self.locked(year):
            state = self._read_state(district, year)
            if state is None:
                raise ExportError(f"there is no state of {year} in {self.root}", fix="export the year first",
                                  message_zh=f"{self.root} 中没有 {year} 年的状态文件", fix_zh="请先导出该年度")
            current = state

            def record(publication: Publication) -> None:
                nonlocal current
                current = current.with_publication(publication)
                write_atomic(self.state_path(district, year), state_to_json(current).encode())

            yield state, record


def renamed(district: District, name: str) -> District:
    """The district under ``name`` (surrounding spaces dropped), or an :class:`OptionError` in both
    languages saying why the name cannot be used."""
    from liaison.base.errors import Refused

    try:
        return district.renamed(name.strip())
    except Refused:
        raise OptionError(f"the district's name {name!r} is empty or not one line", path="district_name",
                          fix="give the name as it heads the district's documents, e.g. 厦门市海沧区",
                          message_zh=f"区名 {name!r} 为空或不止一行",
                          fix_zh="请写公文中使用的区名，如 厦门市海沧区") from None


def _digest(path: Path) -> str | None:
    import hashlib

    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _files_in(folder: Path) -> list[str]:
    """The regular files under the year's folder (links not followed; leftovers of a crash aside), as
    paths inside it: the trace of an earlier export."""
    if folder.is_symlink() or not folder.is_dir():
        return []
    found: list[str] = []
    for place, _dirs, files in os.walk(folder):
        for name in sorted(files):
            path = Path(place, name)
            if not TEMP.fullmatch(name) and stat.S_ISREG(path.lstat().st_mode):
                found.append(str(path.relative_to(folder)))
    return sorted(found)


def _take_back(created: Sequence[Path]) -> None:
    """Remove the folders the lock created, innermost first, while they are empty."""
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            return


def _link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` made of hard links (a copy where links are not possible);
    temporary files a crash left are not carried over. A folder that cannot be read stops it (its
    files would be lost with the old year)."""
    for place, dirs, files in os.walk(source, onerror=_raise):
        here = target / Path(place).relative_to(source)
        for name in dirs:
            (here / name).mkdir()
        for name in files:
            if TEMP.fullmatch(name):
                continue
            try:
                os.link(Path(place, name), here / name)
            except OSError as exc:
                if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                    raise
                shutil.copy2(Path(place, name), here / name)
                _fsync_file(here / name)
            checkpoint("stage:link")


def _raise(error: OSError) -> None:
    raise error


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune_empty(root: Path) -> None:
    for place, dirs, files in os.walk(root, topdown=False):
        if not dirs and not files and Path(place) != root:
            Path(place).rmdir()
