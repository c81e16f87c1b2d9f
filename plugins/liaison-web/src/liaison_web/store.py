"""The year store in the database: :class:`DatabaseStore`, the :class:`~liaison.year.store.YearStore`
protocol on the service's tables (:class:`~liaison_web.models.Year`, ``YearRevision``, ``YearFile``).

A district's year is one :class:`~liaison_web.models.Year` row: the current revision's tag and a
counter; each state is one :class:`~liaison_web.models.YearRevision` row holding the state file's JSON
text (the same text the folder store writes, :func:`~liaison.formats.state.state_to_json`), the
current one that whose tag the year's row names — a save writes the state once. A save is one
transaction holding the year's row — ``SELECT … FOR UPDATE`` on PostgreSQL,
``BEGIN IMMEDIATE`` on SQLite (the whole file: SQLite has one writer), see
:mod:`liaison_web.settings` — which compares the revision it was made from with the one the row
holds and writes the new revision with its state, the year's row and the files: all or nothing, and a second writer that
read the same revision gets :class:`~liaison.year.store.RevisionConflict`. The year's lock
(:meth:`DatabaseStore.lock`: one writer at a time for a whole export or publication) is not that
transaction — an advisory lock on PostgreSQL, a file lock beside SQLite's file — so what is saved
under it stays saved when a later step fails, as in the other stores.

The tag is ``<n>-<first 16 hex digits of the state's sha256>``: opaque, different for every save
(the counter), so a client's ETag never names two states. Revisions carry the database's clock
(``at``). Every failure of the database (unreachable, full, refused) is one
:class:`~liaison.base.errors.StorageError`, never a driver's traceback.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import DatabaseError, OperationalError, connections, transaction
from django.utils import timezone

from liaison.base.errors import ExportError, StorageError
from liaison.formats.state import parse_state, state_to_json
from liaison.law.district import District
from liaison.year.state import ARCHIVE, YearState
from liaison.year.store import (
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
from liaison_web import models

__all__ = ["DatabaseStore", "database_reason", "digest"]

#: The states of the revisions read or saved last, parsed, by (database, district object, year, tag):
#: a tag names its state (never reused, never changed in place), and the districts a process reads
#: are the same objects (:func:`liaison_web.bootstrap.district_year` parses each version once), so a
#: read of a revision already seen, and the first read after a save here, skip the parse. The
#: district itself is kept with the state: the key's ``id`` is never taken for another object's.
_PARSED: collections.OrderedDict[tuple[str, int, int, str], tuple[District, YearState]] = collections.OrderedDict()
_PARSED_LOCK = threading.Lock()
PARSED_KEPT = 32

#: The years' locks this thread holds (by database, district and year), whichever store object took
#: them: a second handle on the same year in the same thread re-enters rather than waiting for itself.
_HELD = threading.local()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()



def database_reason(exc: Exception) -> str:
    """What the database said, for a message: the first line of its error (or the error's kind)."""
    said = str(exc).strip()
    return said.splitlines()[0] if said else type(exc).__name__

class DatabaseStore:
    """The years in the database ``using`` (a Django alias; see the module docstring). ``lock_wait``
    seconds to wait for another writer of the year. ``on_save(state, tag)``: called inside each
    save's transaction once the new revision is written — what it writes (the API's audit entry)
    is committed with the change or not at all."""

    def __init__(self, *, using: str = "default", lock_wait: float = 30.0,
                 on_save: Callable[[YearState, str], None] | None = None) -> None:
        self.using = using
        self.lock_wait = lock_wait
        self.on_save = on_save

    def __repr__(self) -> str:
        return f"DatabaseStore({self.using!r})"

    def place(self, district: District, year: int) -> str:
        return f"<database:{self.using}>/{district.info.id}/{year}"

    def take_notes(self) -> tuple[Note, ...]:
        return ()  # a transaction leaves nothing half-done to report

    # -- the lock -------------------------------------------------------------------------------------
    @contextmanager
    def lock(self, district: District, year: int) -> Iterator[None]:
        """One writer of the year at a time, across threads and processes, re-entrant for its thread.

        Not a transaction: what is saved under the lock stays saved when a later step fails (a
        publication recorded before the server went away), as the folder store's saves do. On
        PostgreSQL a session advisory lock on the year (released with the lock, or with the
        connection if the process dies); on SQLite an exclusive ``flock`` on a file of the year's
        beside the database (``<database>.locks/<district>-<year>``), released when it closes."""
        key = (self.using, district.info.id, year)
        held: dict[tuple[str, str, int], int] = _HELD.__dict__.setdefault("held", {})
        if held.get(key):
            held[key] += 1
            try:
                yield
            finally:
                held[key] -= 1
            return
        # the threads of this process queue on a lock of their own (woken as soon as it is free),
        # so only one of them at a time waits for the other processes' lock (which is polled)
        deadline = time.monotonic() + self.lock_wait
        local = _process_lock(key)
        if not local.acquire(timeout=self.lock_wait):
            raise self._waited(district, year)
        try:
            with self._errors(district, year):
                connection = connections[self.using]
                release = (self._advisory(connection, district, year, deadline) if connection.vendor == "postgresql"
                           else self._flock(connection, district, year, deadline))
        except BaseException:
            local.release()
            raise
        held[key] = 1
        try:
            yield
        finally:
            del held[key]
            try:
                release()
            finally:
                local.release()

    def _waited(self, district: District, year: int) -> ExportError:
        place = self.place(district, year)
        return ExportError(f"another writer holds {place}", file=place,
                           fix="wait until it has finished, then try again",
                           message_zh=f"另一个写入者正在写入 {place}", fix_zh="请等它完成后再试")

    def _advisory(self, connection: Any, district: District, year: int, deadline: float) -> Callable[[], None]:
        """PostgreSQL's advisory lock on the year: tried at once; when another session holds it, waited
        for in PostgreSQL's own queue (``pg_advisory_lock`` under a ``lock_timeout`` of what is left to
        ``deadline``), which wakes the first waiter when it is free and lets no later one pass it — it
        was tried every 2 to 50 ms, and the session releasing it often took it straight back. Inside a
        transaction (where a lock timeout's error would end it) it is still tried at intervals."""
        key = int.from_bytes(hashlib.sha256(f"{district.info.id}/{year}".encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if not cursor.fetchone()[0]:
                if connection.in_atomic_block:
                    self._advisory_tried(cursor, key, district, year, deadline)
                else:
                    self._advisory_queued(cursor, key, district, year, deadline)

        def release() -> None:
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return release

    def _advisory_queued(self, cursor: Any, key: int, district: District, year: int, deadline: float) -> None:
        left = max(1, int((deadline - time.monotonic()) * 1000))
        cursor.execute("SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, false)", [f"{left}ms"])
        before = cursor.fetchone()[0]
        try:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        except OperationalError as exc:
            if _lock_timeout(exc):
                raise self._waited(district, year) from None
            raise
        finally:
            cursor.execute("SELECT set_config('lock_timeout', %s, false)", [before])

    def _advisory_tried(self, cursor: Any, key: int, district: District, year: int, deadline: float) -> None:
        for pause in _pauses():
            if time.monotonic() >= deadline:
                raise self._waited(district, year)
            time.sleep(pause)
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if cursor.fetchone()[0]:
                return

    def _flock(self, connection: Any, district: District, year: int, deadline: float) -> Callable[[], None]:
        """The year's file lock beside SQLite's file, taken through a gate so that the processes take
        turns: a process waiting for the lock holds the gate (``<district>-<year>.gate``) meanwhile,
        so the process that releases the lock and wants it again — its next batch of changes — waits
        behind it rather than taking it back at once. Both are waited for by the kernel (``flock``
        without ``LOCK_NB``), which wakes the waiter when the lock is free (it was tried every 2 to 50
        ms, and a process releasing it often took it straight back: a second of wait for the other's
        writers under ``--workers 2``); the wait runs in a thread of its own so that it ends at
        ``deadline`` (:class:`_Waiting`)."""
        import fcntl

        folder = Path(f"{connection.settings_dict['NAME']}.locks")
        folder.mkdir(exist_ok=True)
        fd = os.open(folder / f"{district.info.id}-{year}", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free, and no one waiting at the gate: at once
            if not os.path.exists(folder / f"{district.info.id}-{year}.gate") or _gate_free(
                    folder / f"{district.info.id}-{year}.gate"):
                return functools.partial(os.close, fd)
            fcntl.flock(fd, fcntl.LOCK_UN)  # another process is waiting: its turn first
        except BlockingIOError:
            pass
        except BaseException:
            os.close(fd)
            raise
        waiting = _Waiting(fd, os.open(folder / f"{district.info.id}-{year}.gate", os.O_RDWR | os.O_CREAT, 0o600))
        if not waiting.taken(deadline - time.monotonic()):
            raise self._waited(district, year) from None
        return functools.partial(os.close, fd)

    @contextmanager
    def _transaction(self, district: District, year: int) -> Iterator[models.Year]:
        """One transaction holding the year's row (made if missing) for a save: ``BEGIN IMMEDIATE``
        on SQLite, waiting up to ``lock_wait`` for another writer of the file; ``FOR UPDATE`` on
        PostgreSQL (under the lock, against a writer that does not take it)."""
        connection = connections[self.using]
        try:
            if connection.vendor == "sqlite":
                connection.ensure_connection()
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA busy_timeout = {int(self.lock_wait * 1000)}")
            with transaction.atomic(using=self.using):
                yield self._row(district, year)
        except OperationalError as exc:
            if _lock_timeout(exc):
                raise self._waited(district, year) from None
            raise

    def _row(self, district: District, year: int) -> models.Year:
        """The year's row, locked (``FOR UPDATE`` of it alone, not of its district), made if missing:
        one query for a year that has one (the state is its revision's row, read only when
        :meth:`save` finds the digests equal)."""
        rows = models.Year.objects.using(self.using).select_for_update(of=("self",)).order_by()
        found = rows.filter(district__code=district.info.id, year=year).first()
        if found is not None:
            return found
        owner, _ = models.District.objects.using(self.using).get_or_create(
            code=district.info.id, defaults={"name": district.info.name})
        models.Year.objects.using(self.using).get_or_create(district=owner, year=year)
        return rows.get(district=owner, year=year)

    @contextmanager
    def _errors(self, district: District, year: int) -> Iterator[None]:
        """A failure of the database is the one error shape (a conflict or a lock timeout passes as it is)."""
        try:
            yield
        except OperationalError as exc:
            if _lock_timeout(exc):
                raise
            raise self._storage(district, year, exc) from None
        except DatabaseError as exc:
            raise self._storage(district, year, exc) from None
        except OSError as exc:  # the lock file beside an SQLite database (a read-only folder, a full disk)
            raise self._storage(district, year, exc) from None

    def _storage(self, district: District, year: int, exc: Exception) -> StorageError:
        place = self.place(district, year)
        reason = database_reason(exc)
        return StorageError(f"the database refused the request: {reason}; nothing was changed", file=place,
                            fix="check that the database is running and reachable, has space, and that its "
                                "schema is current (liaison serve --init-only migrates it)",
                            message_zh=f"数据库拒绝了该请求：{reason}；未作任何修改",
                            fix_zh="请检查数据库是否在运行、可以连接、仍有空间，以及其表结构是否最新"
                                   "（liaison serve --init-only 会迁移它）")

    # -- reading --------------------------------------------------------------------------------------
    def _year(self, district: District, year: int) -> models.Year | None:
        """The year's row (its current state is read from its revision's row only when not parsed already)."""
        return (models.Year.objects.using(self.using).order_by()
                .filter(district__code=district.info.id, year=year).first())

    def _text(self, row: models.Year, tag: str) -> str:
        """The state of the year's revision ``tag``, as saved."""
        found: str = self._revisions(row).filter(tag=tag).values_list("state", flat=True).get()
        return found

    def load(self, district: District, year: int, *, revision: str | None = None) -> Stored | None:
        with self._errors(district, year):
            row = self._year(district, year)
            if revision is None or (row is not None and revision == row.revision):
                if row is None or not row.revision:  # a revision is saved with its state, never without
                    return None
                return Stored(self._parse(district, year, lambda: self._text(row, row.revision), row.revision),
                              row.revision)
            made = None if row is None else self._revisions(row).defer("state").filter(tag=revision).first()
            if made is None:
                raise NoRevision(self.place(district, year), revision)
            return Stored(self._parse(district, year, lambda: made.state, made.tag), made.tag)

    def _revisions(self, row: models.Year) -> Any:
        return models.YearRevision.objects.using(self.using).filter(year=row)

    def current(self, district: District, year: int) -> str | None:
        """The year's current revision (None: no state), without reading the state: what a reader
        compares with an ETag or a cache before it loads anything."""
        with self._errors(district, year):
            found = (models.Year.objects.using(self.using).filter(district__code=district.info.id, year=year)
                     .exclude(revision="").values_list("revision", flat=True).first())
        return found

    def kept(self, district: District, year: int, revision: str) -> YearState | None:
        """The state of the year's ``revision`` if this process keeps it parsed (a save here left it,
        or a read parsed it), without a query; None: not kept (:meth:`load` reads it). A revision names
        its content, so a state kept is that revision's whatever the year's current one is now: for a
        caller that has just read ``revision`` as the current one (the API's reads: the year's row
        read again by :meth:`load` would only say so a second time)."""
        key = (self.using, id(district), year, revision)
        with _PARSED_LOCK:
            found = _PARSED.get(key)
            if found is None or found[0] is not district:
                return None
            _PARSED.move_to_end(key)
            state: YearState = found[1]
            return state

    def _parse(self, district: District, year: int, text: Callable[[], str], tag: str) -> Any:
        key = (self.using, id(district), year, tag)
        with _PARSED_LOCK:
            found = _PARSED.get(key)
            if found is not None and found[0] is district:
                _PARSED.move_to_end(key)
                return found[1]
        state = parse_state(text(), district, year=year, file=self.place(district, year))
        self._remember(district, year, tag, state)
        return state

    def _remember(self, district: District, year: int, tag: str, state: YearState) -> None:
        """Keep the state of revision ``tag`` parsed (:data:`_PARSED`): of one year, the newest
        :data:`~liaison_web.memo.REVISIONS_KEPT` revisions (a stream of changes would else keep the last
        32 states of one year, walked by every full pass of Python's collector and asked for by no one)."""
        from liaison_web.memo import REVISIONS_KEPT, counter_of

        with _PARSED_LOCK:
            _PARSED[(self.using, id(district), year, tag)] = (district, state)
            number = counter_of(tag)
            if number is not None:
                same = sorted((n, key) for key in _PARSED if key[:3] == (self.using, id(district), year)
                              and (n := counter_of(key[3])) is not None)
                for _, old in same[:-REVISIONS_KEPT]:
                    del _PARSED[old]
            while len(_PARSED) > PARSED_KEPT:
                _PARSED.popitem(last=False)

    def revisions(self, district: District, year: int) -> tuple[Revision, ...]:
        with self._errors(district, year):
            row = self._year(district, year)
            if row is None:
                return ()
            return tuple(Revision(r.tag, _kind(r.kind), r.export, r.at)
                         for r in self._revisions(row).order_by("seq").only("tag", "kind", "export", "at"))

    def digests(self, district: District, year: int, paths: Iterable[str]) -> dict[str, str]:
        wanted = list(paths)
        with self._errors(district, year):
            found = dict(self._files(district, year).filter(path__in=wanted).values_list("path", "sha256"))
        return {path: found[path] for path in wanted if path in found}

    def read(self, district: District, year: int, path: str) -> bytes | None:
        with self._errors(district, year):
            data = self._files(district, year).filter(path=path).values_list("data", flat=True).first()
        return None if data is None else bytes(data)

    def issued_copy(self, district: District, year: int, sha256: str) -> bytes | None:
        """Any file of the year with that digest (the rows keep it): the files here are only ever
        written by a save, and an issued letter's bytes stay, at its path or under ``已作废/``."""
        with self._errors(district, year):
            data = self._files(district, year).filter(sha256=sha256).values_list("data", flat=True).first()
        return None if data is None or digest(bytes(data)) != sha256 else bytes(data)

    def archived(self, district: District, year: int) -> tuple[str, ...]:
        with self._errors(district, year):
            return tuple(sorted(self._files(district, year).filter(path__startswith=f"{ARCHIVE}/")
                                .values_list("path", flat=True)))

    def paths(self, district: District, year: int) -> tuple[str, ...]:
        """Every file the year holds (``已作废/…`` too), sorted: what an export to a folder copies."""
        with self._errors(district, year):
            return tuple(sorted(self._files(district, year).values_list("path", flat=True)))

    def _files(self, district: District, year: int) -> Any:
        return models.YearFile.objects.using(self.using).filter(year__district__code=district.info.id,
                                                                 year__year=year)

    def history(self, district: District, year: int) -> tuple[ExportEntry, ...]:
        stored = self.load(district, year)
        return export_history(stored.state if stored else None, self.archived(district, year),
                              self.revisions(district, year))

    # -- writing --------------------------------------------------------------------------------------
    def save(self, district: District, year: int, commit: Commit, *, expected: str | None) -> str:
        data = state_to_json(commit.state)
        with self.lock(district, year), self._errors(district, year), self._transaction(district, year) as row:
            current = row.revision or None
            if current != expected:
                raise RevisionConflict.of(self.place(district, year), current=current, expected=expected)
            tag = digest(data.encode())[:16]
            # the same state (its digest in the tag first: the text is read only then) and no file: no new
            # revision (as the folder's)
            if (current is not None and current.endswith(f"-{tag}") and not commit.writes and not commit.archive
                    and not commit.removed and self._text(row, current) == data):
                return current
            files = models.YearFile.objects.using(self.using)
            for path, to in commit.archive:
                moved = files.filter(year=row, path=path).first()
                if moved is not None:
                    files.filter(year=row, path=to).delete()
                    moved.path = to
                    moved.save(using=self.using, update_fields=["path"])
            if commit.removed:
                files.filter(year=row, path__in=commit.removed).delete()
            for path, content in commit.writes:
                files.update_or_create(year=row, path=path, defaults={
                    "data": content, "sha256": digest(content), "size": len(content)})
            made = commit.revision(f"{row.seq + 1}-{tag}")
            row.seq += 1
            row.revision = made.tag  # the state is written once, in its revision's row
            row.save(using=self.using, update_fields=["seq", "revision"])
            models.YearRevision.objects.using(self.using).create(
                year=row, seq=row.seq, tag=made.tag, kind=made.kind, export=made.export, at=timezone.now(),
                state=data)
            if self.on_save is not None:
                self.on_save(commit.state, made.tag)
            transaction.on_commit(functools.partial(self._remember, district, year, made.tag, commit.state),
                                  using=self.using)  # the next reader of this revision parses nothing
            return made.tag

    def receive(self, district: District, year: int, revisions: Iterable[tuple[Revision, YearState]],
                files: Iterable[tuple[str, bytes]], *, replace: bool = False) -> str:
        """Take a year handed over from another store (:mod:`liaison_web.transfer`): every state it
        had, oldest first, with its kind (the last is the current one), and its files as they are,
        ``已作废/…`` included — what no :class:`Commit` may write. Only into a year holding no state
        (else an error, nothing changed), unless ``replace``: then what the database held of the year
        (its revisions and files) is dropped in the same transaction. The current revision."""
        states = list(revisions)
        with self.lock(district, year), self._errors(district, year), self._transaction(district, year) as row:
            if row.revision and not replace:
                raise ExportError(f"the database already holds the {year} of {district.info.id}; nothing was "
                                  "imported", file=self.place(district, year),
                                  fix="import with --replace to drop the database's year (its revisions and "
                                      "files) for the folder's",
                                  message_zh=f"数据库中已有 {district.info.id} 的{year}年；未导入任何内容",
                                  fix_zh="如要以文件夹中的年度取代数据库中的（其各版本和文件），请加 --replace")
            if replace:
                self._revisions(row).delete()
                models.YearFile.objects.using(self.using).filter(year=row).delete()
                row.seq = 0
            at = timezone.now()
            for made, state in states:
                data = state_to_json(state)
                row.seq += 1
                row.revision = f"{row.seq}-{digest(data.encode())[:16]}"
                models.YearRevision.objects.using(self.using).create(
                    year=row, seq=row.seq, tag=row.revision, kind=made.kind, export=made.export, at=made.at or at,
                    state=data)
            models.YearFile.objects.using(self.using).bulk_create(
                models.YearFile(year=row, path=path, data=content, sha256=digest(content), size=len(content))
                for path, content in files)
            row.save(using=self.using, update_fields=["seq", "revision"])
            return row.revision


_PROCESS_LOCKS: dict[tuple[str, str, int], threading.Lock] = {}
_PROCESS_LOCKS_LOCK = threading.Lock()


def _process_lock(key: tuple[str, str, int]) -> threading.Lock:
    """This process's lock of a year (made on first use, kept: one per year a process writes)."""
    with _PROCESS_LOCKS_LOCK:
        return _PROCESS_LOCKS.setdefault(key, threading.Lock())


def _gate_free(gate: Path) -> bool:
    """Whether no process waits at the gate (:meth:`DatabaseStore._flock`)."""
    import fcntl

    fd = os.open(gate, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # and the gate with it
    return True


class _Waiting:
    """The wait for the year's file lock through its gate, in a thread of its own: the gate taken,
    then the lock, then the gate let go. The caller waits for it until its deadline; a wait given up
    lets go of what it took once it has it (the thread ends then: the lock's holder ends in time)."""

    def __init__(self, fd: int, gate: int) -> None:
        self.fd, self.gate = fd, gate
        self.done = threading.Event()
        self.given_up = False
        self.failed: BaseException | None = None
        self.lock = threading.Lock()
        threading.Thread(target=self._wait, name="liaison-year-lock", daemon=True).start()

    def _wait(self) -> None:
        import fcntl

        try:
            fcntl.flock(self.gate, fcntl.LOCK_EX)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException as exc:
            self.failed = exc
        finally:
            os.close(self.gate)  # the next process in line may come to the gate
        with self.lock:
            if self.given_up or self.failed is not None:
                os.close(self.fd)
            self.done.set()

    def taken(self, timeout: float) -> bool:
        """Whether the lock is this thread's within ``timeout`` seconds (if not: given up)."""
        self.done.wait(max(timeout, 0.0))
        with self.lock:
            if not self.done.is_set():
                self.given_up = True
                return False
        if self.failed is not None:
            raise self.failed
        return True


def _pauses() -> Iterator[float]:
    """How long to wait between tries of another process's lock: 2 ms, doubling to 50 ms."""
    pause = 0.002
    while True:
        yield pause
        pause = min(pause * 2, 0.05)


def _kind(value: str | None) -> Change | None:
    if value == "export":
        return "export"
    if value == "update":
        return "update"
    if value == "publication":
        return "publication"
    return None


def _lock_timeout(exc: OperationalError) -> bool:
    """The database gave up waiting for another writer (SQLite's busy timeout, PostgreSQL's lock_timeout)."""
    text = str(exc).lower()
    return "database is locked" in text or "lock timeout" in text or "could not obtain lock" in text
