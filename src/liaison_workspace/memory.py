"""A store in memory: the years as values in a dictionary, for tests and for programs that build a
year without an output folder (``Workspace(store=MemoryStore())``).

It behaves as the folder store does — one save at a time, all or nothing, a save from a revision it
no longer holds refused with :class:`~liaison.year.store.RevisionConflict`, letters' bytes kept
under ``已作废/`` — and keeps nothing when the process ends. Its revisions are a counter (``m1``,
``m2`` …): opaque, as a database's would be.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from liaison.base.errors import ExportError
from liaison.law.district import District
from liaison.year.state import ARCHIVE
from liaison.year.store import (
    Commit,
    ExportEntry,
    NoRevision,
    Note,
    Revision,
    RevisionConflict,
    Stored,
    export_history,
)

__all__ = ["MemoryStore"]


class MemoryStore:
    """Years in memory (see the module docstring). ``lock_wait`` seconds to wait for another thread
    holding a year's lock."""

    def __init__(self, *, lock_wait: float = 30.0) -> None:
        self.lock_wait = lock_wait
        self._states: dict[tuple[str, int], Stored] = {}
        self._files: dict[tuple[str, int], dict[str, bytes]] = {}  # per district and year
        self._revisions: dict[tuple[str, int], list[tuple[Revision, Stored]]] = {}  # oldest first
        self._lock = threading.RLock()
        self._counter = 0

    def __repr__(self) -> str:
        return f"MemoryStore({len(self._states)} years)"

    def place(self, district: District, year: int) -> str:
        return f"<memory>/{district.info.id}/{year}"

    def take_notes(self) -> tuple[Note, ...]:
        return ()  # nothing is ever left half-done in memory

    @contextmanager
    def lock(self, district: District, year: int) -> Iterator[None]:
        if not self._lock.acquire(timeout=self.lock_wait):
            place = self.place(district, year)
            raise ExportError(f"another writer holds {place}", file=place,
                              fix="wait until it has finished, then try again",
                              message_zh=f"另一个写入者正在写入 {place}", fix_zh="请等它完成后再试")
        try:
            yield
        finally:
            self._lock.release()

    def load(self, district: District, year: int, *, revision: str | None = None) -> Stored | None:
        with self.lock(district, year):
            if revision is None:
                return self._states.get((district.info.id, year))
            for made, stored in self._revisions.get((district.info.id, year), []):
                if made.tag == revision:
                    return stored
            raise NoRevision(self.place(district, year), revision)

    def revisions(self, district: District, year: int) -> tuple[Revision, ...]:
        with self.lock(district, year):
            return tuple(made for made, _ in self._revisions.get((district.info.id, year), []))

    def save(self, district: District, year: int, commit: Commit, *, expected: str | None) -> str:
        key = (district.info.id, year)
        with self.lock(district, year):
            held = self._states.get(key)
            current = held.revision if held is not None else None
            if current != expected:
                raise RevisionConflict.of(self.place(district, year), current=current, expected=expected)
            if (held is not None and held.state == commit.state and not commit.writes and not commit.archive
                    and not commit.removed):
                return held.revision  # the same state and no file: no new revision (as the folder's)
            files = dict(self._files.get(key, {}))  # changed aside, put in place whole: all or nothing
            for path, to in commit.archive:
                if path in files:
                    files[to] = files.pop(path)
            for path in commit.removed:
                files.pop(path, None)
            for path, data in commit.writes:
                files[path] = data
            stored = Stored(commit.state, self._next())
            self._files[key], self._states[key] = files, stored
            self._revisions.setdefault(key, []).append((commit.revision(stored.revision), stored))
            return stored.revision

    def _next(self) -> str:
        self._counter += 1
        return f"m{self._counter}"

    def digests(self, district: District, year: int, paths: Iterable[str]) -> dict[str, str]:
        files = self._files.get((district.info.id, year), {})
        return {path: hashlib.sha256(files[path]).hexdigest() for path in paths if path in files}

    def read(self, district: District, year: int, path: str) -> bytes | None:
        return self._files.get((district.info.id, year), {}).get(path)

    def issued_copy(self, district: District, year: int, sha256: str) -> bytes | None:
        """Any file of the year with that digest: nothing edits the files held here, and an issued
        letter's bytes stay, at its path or under ``已作废/``."""
        for data in self._files.get((district.info.id, year), {}).values():
            if hashlib.sha256(data).hexdigest() == sha256:
                return data
        return None

    def archived(self, district: District, year: int) -> tuple[str, ...]:
        return tuple(sorted(p for p in self._files.get((district.info.id, year), {}) if p.startswith(f"{ARCHIVE}/")))

    def history(self, district: District, year: int) -> tuple[ExportEntry, ...]:
        stored = self.load(district, year)
        return export_history(stored.state if stored else None, self.archived(district, year),
                              self.revisions(district, year))
