"""The folder-and-JSON store: a district's years as the folders of an output folder (``--out``).

``out/<year>/`` holds one district's year: its state (``plan-<district>-<year>.json``), what the
last export wrote, and ``已作废/`` with what earlier exports wrote and a later one replaced or dropped, grouped by the
export that wrote them. A save with files stages the new folder beside the old one on the same file
system and swaps it in under a journal (:class:`~liaison_workspace.folder.YearFolders`): a crash at
any instruction leaves the previous year or the new one, whole, and the next command finishes or
rolls back what was interrupted before it does anything else. A save of the state alone replaces the
state file atomically (:func:`~liaison_workspace.durable.write_atomic`). One command at a time writes
an output folder: a lock on the folder makes a second one wait, then stop with a clear message. A
failure of the system (no space, no permission, a read-only or immutable file …) is one
:class:`~liaison.base.errors.StorageError` naming the path and the fix.

An output folder holds one district's years: the files of ``out/<year>/`` are not named by district
(they are the folder the office opens), so a second district in the same year's folder is refused
with an error naming the district whose year the folder holds, never mixed in.

The revision is the sha256 of the state file's bytes: it changes whenever the state does, also when
a clerk edits the file by hand. Every state saved is kept in the year's hidden ``.history/`` folder
(``000007-update-<sha256>.json``, ``000008-export-3-<sha256>.json``: the order, the kind of change, for
an export its number, the revision; the bytes of the state file), written in the same step as the
state: inside the staged folder of a swap, or durably before the state file is replaced — a save
interrupted between the two leaves an entry newer than the state, which the next command removes
(:meth:`FolderStore._tidy_history`).
A state the history does not hold (edited by hand, or saved before liaison kept its history) is
listed last with no kind, and kept as an entry of its own by the next save. The history of exports
(:meth:`FolderStore.history`) is what the state, ``已作废/`` and these revisions tell of; no clock time.
A save keeps the last :data:`KEEP_HISTORY` revisions (``keep_history``, ``LIAISON_HISTORY_KEEP``) and
every export's; the issued letters' copies (``.history/letters/``) are never removed.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import stat
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from liaison.base.errors import ExportError
from liaison.formats.state import StateError, parse_state, state_to_json
from liaison.formats.syntax import read_file
from liaison.law.district import District
from liaison.year.state import ARCHIVE, state_file_name
from liaison.year.store import (
    CHANGES,
    Change,
    Commit,
    ExportEntry,
    NoRevision,
    Note,
    Revision,
    RevisionConflict,
    Stored,
    export_history,
)
from liaison_workspace.durable import (
    checkpoint,
    fsync_dir,
    make_folders,
    make_within,
    remove_tree,
    sync_staged,
    write_atomic,
    write_new,
)
from liaison_workspace.folder import HISTORY, TEMP, YearFolders, system_error

__all__ = ["FolderStore", "revision_of"]

_READING = ("cannot read", "无法读取")
#: The year's hidden folder of the issued letters' bytes, by their sha256 (:meth:`FolderStore.issued_copy`).
LETTERS = "letters"
_SHA256 = re.compile(r"[0-9a-f]{64}")
#: The name of one entry of the year's hidden folder of every state saved (:data:`HISTORY`).
#: The state's sha256 is in the name (``000007-update-<sha256>.json``), so a command learns the
#: revisions from the folder's listing without reading an entry; an entry named without it (kept
#: before names carried it) is read and hashed once per command, as every entry was then.
_ENTRY = re.compile(r"(?P<seq>\d{6})-(?P<kind>export|update|publication|unknown)(?:-(?P<export>\d+))?"
                    r"(?:-(?P<sha>[0-9a-f]{64}))?\.json")
#: The revisions a year's history keeps by default (``LIAISON_HISTORY_KEEP`` or ``FolderStore(keep_history=)``):
#: older ones are removed by a save, but an export's (the history of exports names it) and the issued
#: letters' copies (``.history/letters/``), never.
KEEP_HISTORY = 100


_KINDS: dict[str, Change | None] = {**{kind: kind for kind in CHANGES}, "unknown": None}


def _entry_name(seq: int, revision: Revision) -> str:
    tail = f"-{revision.export}" if revision.export is not None else ""
    return f"{seq:06d}-{revision.kind or 'unknown'}{tail}-{revision.tag}.json"


def history_kept() -> int:
    """How many revisions a year's history keeps: ``LIAISON_HISTORY_KEEP`` (a whole number, at least
    1), else :data:`KEEP_HISTORY`."""
    given = os.environ.get("LIAISON_HISTORY_KEEP", "").strip()
    if not given:
        return KEEP_HISTORY
    if not given.isdigit() or int(given) < 1:
        raise ExportError(f"LIAISON_HISTORY_KEEP is {given!r}, not a whole number of revisions of at least 1",
                          file="LIAISON_HISTORY_KEEP", fix=f"set it to 1 or more (the default is {KEEP_HISTORY}), "
                                                          "or unset it",
                          message_zh=f"LIAISON_HISTORY_KEEP 为“{given}”，不是不小于 1 的整数（保留的历史版本数）",
                          fix_zh=f"请设为 1 或更大的整数（默认 {KEEP_HISTORY}），或不设置")
    return int(given)


def revision_of(data: bytes) -> str:
    """The revision of a state file: the sha256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


class FolderStore:
    """The years of the output folder ``root`` (see the module docstring). ``lock_wait`` seconds to
    wait for another command on the folder."""

    def __init__(self, root: str | os.PathLike[str], *, lock_wait: float = 30.0,
                 keep_history: int | None = None) -> None:
        self.root = Path(root)
        self.lock_wait = lock_wait
        self.keep_history = keep_history if keep_history is not None else history_kept()
        self.folders = YearFolders(self.root)
        self.notes: list[Note] = []
        #: per thread: how deep this object holds the lock (held when above 0), and the years whose
        #: interrupted work was finished or rolled back since it was taken. Per thread, so that two
        #: threads sharing the object each take the lock (re-entrant for its holder only)
        self._held = threading.local()
        #: The last state parsed, by the district object and the year and revision (the file's sha256):
        #: a command reads the state before it takes the lock and again under it.
        self._parsed: tuple[District, tuple[int, str], Stored] | None = None

    def __repr__(self) -> str:
        return f"FolderStore({str(self.root)!r})"

    def take_notes(self) -> tuple[Note, ...]:
        taken, self.notes = tuple(self.notes), []
        return taken

    # -- places -------------------------------------------------------------------------------------
    def folder(self, year: int) -> Path:
        return self.root / str(year)

    def place(self, district: District, year: int) -> str:
        return str(self.folder(year))

    def state_path(self, district: District, year: int) -> Path:
        return self.folder(year) / state_file_name(district.info.id, year)

    # -- reading ------------------------------------------------------------------------------------
    def load(self, district: District, year: int, *, revision: str | None = None) -> Stored | None:
        """The year's state, or None if there is none yet. What a crash interrupted is finished or
        rolled back first (under the lock; an output folder that does not exist is not created). A
        state that is missing while the year's folder holds the files of an earlier export is an
        error, never a silent new plan."""
        with self._system_errors(doing=_READING, unchanged=False):
            self._check_root()
            if not self.root.is_dir():
                return None
            with self._locked(year, create=False):
                self._check_owner(district, year)
                current = self._revision(district, year)
                entries, _ = self._tidy_history(year, current)
                if revision is None or revision == current:
                    return self._load(district, year)
                for _, made, path in entries:
                    if made.tag == revision:
                        data = path.read_bytes()
                        if revision_of(data) == revision:  # read only now, and checked: the name is not the bytes
                            return Stored(parse_state(data, district, year=year, file=str(path)), revision)
                raise NoRevision(self.place(district, year), revision)

    def revisions(self, district: District, year: int) -> tuple[Revision, ...]:
        with self._system_errors(doing=_READING, unchanged=False):
            self._check_root()
            if not self.root.is_dir():
                return ()
            with self._locked(year, create=False):
                self._check_owner(district, year)
                current = self._revision(district, year)
                entries, held = self._tidy_history(year, current)
                found = tuple(made for _, made, _ in entries)
                return found if held or current is None else (*found, Revision(current, None))

    def _entries(self, year: int) -> list[tuple[int, Revision, Path]]:
        """The year's history entries, oldest first, their tags from their names (an entry named
        without one is read to know it)."""
        folder = self.folder(year) / HISTORY
        if folder.is_symlink() or not folder.is_dir():
            return []
        found: list[tuple[int, Revision, Path]] = []
        for path in folder.iterdir():
            named = _ENTRY.fullmatch(path.name)
            if named is None or path.is_symlink() or not path.is_file():
                continue
            export = int(named["export"]) if named["export"] else None
            made = Revision(named["sha"] or revision_of(path.read_bytes()), _KINDS[named["kind"]], export)
            found.append((int(named["seq"]), made, path))
        return sorted(found, key=lambda e: e[0])

    def _tidy_history(self, year: int, current: str | None) -> tuple[list[tuple[int, Revision, Path]], bool]:
        """The history entries up to the one holding the current state, and whether one does. Entries
        after it — written by a save that was interrupted before its state replaced the old one — and
        temporary files of an interrupted write are removed (under the lock)."""
        folder = self.folder(year) / HISTORY
        entries = self._entries(year)
        removed = False
        if folder.is_dir() and not folder.is_symlink():
            for path in folder.iterdir():
                if TEMP.fullmatch(path.name) and path.is_file():
                    path.unlink()
                    removed = True
        held = current is not None and any(made.tag == current for _, made, _ in entries)
        if held:
            last = max(i for i, (_, made, _) in enumerate(entries) if made.tag == current)
            for _, _, path in entries[last + 1:]:
                path.unlink()
                removed = True
            entries = entries[:last + 1]
        if removed:
            fsync_dir(folder)
        return entries, held

    def _prune_history(self, year: int) -> None:
        """After a save: the revisions older than the last :attr:`keep_history` removed, but an
        export's, and never anything under ``letters/`` (the issued letters' copies). The state
        saved is the newest entry, so no recovery needs what goes (an interrupted removal leaves
        some of it, removed by the next save)."""
        entries = self._entries(year)
        old = [path for _, made, path in entries[:max(len(entries) - self.keep_history, 0)] if made.kind != "export"]
        for path in old:
            path.unlink(missing_ok=True)
        if old:
            fsync_dir(self.folder(year) / HISTORY)

    def _load(self, district: District, year: int) -> Stored | None:
        path = self.state_path(district, year)
        if path.exists() or path.is_symlink():
            data = read_file(path)
            revision = revision_of(data)
            last = self._parsed
            if last is not None and last[0] is district and last[1] == (year, revision):
                return last[2]  # the same bytes for the same district: parsed already (export reads twice)
            stored = Stored(parse_state(data, district, year=year, file=str(path)), revision)
            self._parsed = (district, (year, revision), stored)
            return stored
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

    def _revision(self, district: District, year: int) -> str | None:
        path = self.state_path(district, year)
        if not path.exists() and not path.is_symlink():
            return None
        return revision_of(read_file(path))

    def digests(self, district: District, year: int, paths: Iterable[str]) -> dict[str, str]:
        with self._system_errors(doing=_READING, unchanged=False):
            self._check_owner(district, year)
        folder = self.folder(year)
        return {path: d for path in paths if (d := _digest(folder / path)) is not None}

    def read(self, district: District, year: int, path: str) -> bytes | None:
        target = self.folder(year) / path
        with self._system_errors(doing=_READING, unchanged=False):
            self._check_owner(district, year)
            if target.is_symlink() or not target.is_file():
                return None
            return target.read_bytes()

    def issued_copy(self, district: District, year: int, sha256: str) -> bytes | None:
        """The bytes kept under ``.history/letters/<sha256>`` (see :meth:`_keep_letters`), only when
        they still have that digest."""
        if not _SHA256.fullmatch(sha256):
            return None
        target = self.folder(year) / HISTORY / LETTERS / sha256
        with self._system_errors(doing=_READING, unchanged=False):
            self._check_owner(district, year)
            if target.is_symlink() or not target.is_file():
                return None
            data = target.read_bytes()
        return data if revision_of(data) == sha256 else None

    def archived(self, district: District, year: int) -> tuple[str, ...]:
        with self._system_errors(doing=_READING, unchanged=False):
            self._check_owner(district, year)
        folder = self.folder(year)
        return tuple(path for path in _files_in(folder) if path.startswith(f"{ARCHIVE}/"))

    def history(self, district: District, year: int) -> tuple[ExportEntry, ...]:
        stored = self.load(district, year)
        return export_history(stored.state if stored else None, self.archived(district, year),
                              self.revisions(district, year))

    def _check_owner(self, district: District, year: int) -> None:
        """The year's folder holds no other district's year (its state file names the district)."""
        folder = self.folder(year)
        if folder.is_symlink() or not folder.is_dir():
            return
        ours, head, tail = state_file_name(district.info.id, year), "plan-", f"-{year}.json"
        others = sorted(e.name for e in folder.iterdir() if e.name != ours and e.name.startswith(head)
                        and e.name.endswith(tail) and len(e.name) > len(head) + len(tail) and e.is_file())
        if not others:
            return
        held, mine = others[0][len(head):-len(tail)], district.info.id
        raise ExportError(f"{folder} holds the {year} of the district {held!r} ({others[0]}), not of {mine!r}: "
                          "an output folder holds one district's years; nothing was read or changed",
                          file=str(folder), fix=f"give the district {mine!r} an output folder of its own (--out DIR)",
                          message_zh=f"{folder} 存放的是区 {held} 的{year}年（{others[0]}），不是区 {mine} 的："
                                     "一个输出文件夹只存放一个区的年度；未读取或修改任何内容",
                          fix_zh=f"请为区 {mine} 另用一个输出文件夹（--out DIR）")

    # -- the lock -------------------------------------------------------------------------------------
    @contextmanager
    def lock(self, district: District, year: int) -> Iterator[None]:
        """:meth:`_locked`, creating the output folder if it is missing, for the district's year (a
        folder holding another district's year is refused); a failure of the system in here is the
        one :class:`StorageError`."""
        with self._system_errors(), self._locked(year):
            self._check_owner(district, year)
            yield

    @contextmanager
    def _locked(self, year: int, *, create: bool = True) -> Iterator[None]:
        """One writer per output folder: wait up to ``lock_wait`` seconds for another, then stop.

        The lock is taken on the folder itself (``flock`` on its descriptor), so no lock file is
        created, followed or left behind; ``year`` names the year in the message. Once it is held,
        what a crash interrupted for ``year`` is finished or rolled back (:meth:`YearFolders.recover`).
        ``create``: make the output folder if it is missing — taken back if what runs under the lock
        fails and leaves it empty, so a refused request leaves no empty folder behind. Re-entrant."""
        import fcntl

        depth: int = getattr(self._held, "depth", 0)
        if depth:
            recovered: set[int] = self._held.recovered
            if year not in recovered:  # another year under the same lock (an export holding two years)
                recovered.add(year)
                self.notes += self.folders.recover(year)
            self._held.depth = depth + 1
            try:
                yield
            finally:
                self._held.depth = depth
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
            self._held.depth, self._held.recovered = 1, {year}
            try:
                self.notes += self.folders.recover(year)
                yield
            except BaseException:
                _take_back(created)
                raise
            finally:
                self._held.depth = 0
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

    # -- writing --------------------------------------------------------------------------------------
    def save(self, district: District, year: int, commit: Commit, *, expected: str | None) -> str:
        """Save under the lock: with files, the new folder staged and swapped in; the state alone,
        its file replaced atomically. Checked before anything is written: the revision (a
        :class:`RevisionConflict`), then the year's folder (no link, no special file, nothing in the
        way of a path the save writes)."""
        with self._system_errors(), self._locked(year):
            self._check_owner(district, year)
            current = self._revision(district, year)
            if current != expected:
                raise RevisionConflict.of(str(self.state_path(district, year)), current=current, expected=expected)
            data = state_to_json(commit.state).encode()
            if current == revision_of(data) and not commit.writes and not commit.archive and not commit.removed:
                self._check_tree(year, [state_file_name(district.info.id, year)])
                return current  # the same state and no file: a plain rerun changes no byte and makes no revision
            entries, held = self._tidy_history(year, current)
            seq = entries[-1][0] if entries else 0
            history: list[tuple[str, bytes]] = []
            if current is not None and not held:  # a state the history does not hold yet: kept before it goes
                seq += 1
                history.append((_entry_name(seq, Revision(current, None)),
                                read_file(self.state_path(district, year))))
            history.append((_entry_name(seq + 1, commit.revision(revision_of(data))), data))
            if commit.writes or commit.archive or commit.removed or current is None:
                self._check_tree(year, [p for p, _ in commit.writes] + [to for _, to in commit.archive])
                self.notes += self.folders.swap_in(year, self._stage(district, year, commit, data, history))
            else:
                self._check_tree(year, [state_file_name(district.info.id, year)])
                written: list[Path] = []
                try:
                    for name, entry in history:  # on the disk before the state that names it
                        written.append(self.folder(year) / HISTORY / name)
                        write_atomic(written[-1], entry, step="history")
                    write_atomic(self.state_path(district, year), data)
                except BaseException:
                    with contextlib.suppress(OSError):
                        if self._revision(district, year) != revision_of(data):  # refused: no entry of it stays
                            for path in written:
                                path.unlink(missing_ok=True)
                    raise
            with contextlib.suppress(OSError):  # the save is done: what could not be removed, the next save removes
                self._prune_history(year)
            return revision_of(data)

    def _stage(self, district: District, year: int, commit: Commit, state: bytes,
               history: Sequence[tuple[str, bytes]]) -> Path:
        """The new year's folder, complete and on the disk, beside the old one."""
        folder = self.folder(year)
        staging = self.folders.new_staging(year)
        try:
            if folder.exists():
                _link_tree(folder, staging)
            for path, to in commit.archive:
                source, target = staging / path, staging / to
                if source.exists():
                    make_within(staging, target.parent)
                    os.replace(source, target)
            for path in commit.removed:  # a link of its own in the staged tree: the old folder keeps its file
                (staging / path).unlink(missing_ok=True)
            written: list[Path] = []  # synced together once all are written (sync_staged says why that is safe)
            made: set[Path] = set()  # a folder made once, not asked again for each of its files
            for path, data in commit.writes:
                target = staging / path
                if target.parent not in made:
                    make_within(staging, target.parent)
                    made.add(target.parent)
                written.append(target)
                write_new(written[-1], data, step="stage:write", sync=False)
            written += self._keep_letters(staging, commit)
            if history:
                make_within(staging, staging / HISTORY)
            for name, entry in history:
                written.append(staging / HISTORY / name)
                write_new(written[-1], entry, step="stage:write", sync=False)
            written.append(staging / state_file_name(district.info.id, year))
            write_new(written[-1], state, step="stage:state", sync=False)
            _prune_empty(staging)
            sync_staged(staging, written)
            checkpoint("stage:synced")
        except BaseException:
            remove_tree(staging)
            raise
        return staging

    @staticmethod
    def _keep_letters(staging: Path, commit: Commit) -> list[Path]:
        """The bytes of every letter the new state holds as issued and active, kept in the staged
        year's ``.history/letters/`` under their sha256 (the record's), so that a letter whose file
        is edited or deleted in the folder later is written back as it went out
        (:meth:`issued_copy`). Written with the rest of the staged folder, so the copy is on the
        disk in the same swap as the register entry naming it. A copy of their own, never a hard
        link to the letter's file: an edit in place would change both. Where the bytes come from:
        this save's file at the letter's path, else the file the folder holds there (a year from
        before the copies were kept), when its digest is the record's. Copies of letters no longer
        active (withdrawn: their bytes are under ``已作废/``) are dropped, so the copies are a
        function of the state and the files, the same after a hand-over to a database and back."""
        wanted = {r.sha256: r.path for r in commit.state.letters if r.active and r.sha256}
        folder = staging / HISTORY / LETTERS
        if folder.is_dir():
            for entry in folder.iterdir():
                if entry.name not in wanted:
                    entry.unlink()  # a hard link into the old year: the old year keeps its own
        written: list[Path] = []
        writes = dict(commit.writes)
        for sha256, path in sorted(wanted.items()):
            target = folder / sha256
            if target.is_file() and not target.is_symlink():
                if revision_of(target.read_bytes()) == sha256:
                    continue  # kept by an earlier save
                target.unlink()  # damaged since: made again below where the letter's bytes are to be had
            data = writes.get(path)
            if data is None or revision_of(data) != sha256:
                on_disk = staging / path
                data = on_disk.read_bytes() if on_disk.is_file() and not on_disk.is_symlink() else None
            if data is None or revision_of(data) != sha256:
                continue  # not to be had: an export that needs it says so (IssuedLetterChanged)
            make_within(staging, folder)
            written.append(target)
            write_new(target, data, step="stage:write", sync=False)
        return written

    # -- checks before anything is written -----------------------------------------------------------
    def _check_root(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise ExportError("the output folder is a file", file=str(self.root), fix="give a folder for --out",
                              message_zh="输出文件夹是一个文件", fix_zh="请用 --out 给出一个文件夹")

    def _check_tree(self, year: int, paths: Sequence[str]) -> None:
        """Nothing under the year's folder may be a link or a special file, and nothing in the way of
        a folder the save needs."""
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
    for place, _dirs, files in os.walk(root, topdown=False):
        # listed again: a folder whose only subfolders were just pruned is empty now (草稿/ once its drafts went)
        if not files and Path(place) != root and not any(Path(place).iterdir()):
            Path(place).rmdir()
