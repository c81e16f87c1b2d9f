"""The year's state behind one store: what the workspace, the command line and publishing need of
the place a year lives, as a protocol a folder, memory or a database implements.

Values in and out, nothing read or written here. A store holds, per district and year — everything
is keyed by both (the district's id and the year), so two districts' years never mix:

- **the state** (:class:`~liaison.year.state.YearState`) with an opaque **revision** tag
  (:class:`Stored`): the tag changes whenever the state does, so a service can send it as an ETag;
- **the files** the exports wrote, by path inside the year (``通知/01-….docx``), their bytes and
  digests. Issued letters (policy ``archive``) are never changed in place: a later export that
  changes or drops one moves the old bytes to ``已作废/<revision>/<path>`` in the same save, so the
  bytes of every letter ever issued stay readable (:meth:`YearStore.read`);
- **publications** (:mod:`liaison.year.publications`): what a publisher sent where, inside the state.
  They are saved as every other change of the state is (:meth:`YearStore.save`), one at a time as the
  target acknowledges them: the one way is :meth:`liaison_workspace.Workspace.publishing`, which
  :meth:`~liaison_workspace.Workspace.publish` uses.

- **the revisions**: every state the year has had, oldest first, each with its tag, the kind of
  change that made it (an export, an update, a publication) and, where the store has a clock, when
  (:meth:`YearStore.revisions`); any of them loads again (``load(…, revision=…)``).

A save is one atomic step under the store's lock, and names the revision it was made from
(``expected``): a store that holds another one — a second writer got there first — refuses with
:class:`RevisionConflict`, carrying the current revision, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

import attrs

from liaison.base.errors import DataError, ExportError, LiaisonError
from liaison.year.numbering import LetterRecord
from liaison.year.state import ARCHIVE, YearState

if TYPE_CHECKING:
    from liaison.law.district import District

__all__ = ["Change", "Commit", "ExportEntry", "NoRevision", "NoState", "Note", "Revision", "RevisionConflict", "Stored",
           "YearStore", "export_history"]

#: The kind of change a save makes: an export (files written), an update of the plan, a publication.
Change = Literal["export", "update", "publication"]
CHANGES: tuple[Change, ...] = ("export", "update", "publication")


@attrs.frozen
class Stored:
    """The year's state as the store holds it, and its revision (opaque: compare, never parse)."""

    state: YearState
    revision: str


@attrs.frozen
class Revision:
    """One state the year has had: its ``tag`` (what :class:`Stored` calls its revision), the
    ``kind`` of change that made it (None: the store cannot tell — a state edited by hand, or saved
    before the store kept its revisions), for an export the export's number (the manifest's
    revision), and ``at``: when it was saved, where the store has a clock (a database does; the
    folder and memory stores keep none, so their outputs stay deterministic, and say None)."""

    tag: str
    kind: Change | None
    export: int | None = None
    at: dt.datetime | None = None


@attrs.frozen
class Commit:
    """What one save changes, all or nothing: the new state, the files to write (path, bytes), the
    files to move out of the way first (path, archive path under ``已作废/``), and the kind of change
    (kept with the revision it makes)."""

    state: YearState
    writes: tuple[tuple[str, bytes], ...] = attrs.field(default=(), repr=lambda w: f"<{len(w)} files>")
    archive: tuple[tuple[str, str], ...] = ()
    kind: Change = attrs.field(default="update", kw_only=True)
    #: files to remove: what an export takes the place of without withdrawing it (an issued letter's draft)
    removed: tuple[str, ...] = attrs.field(default=(), kw_only=True)

    def revision(self, tag: str) -> Revision:
        """The revision this commit makes once saved under ``tag``."""
        return Revision(tag, self.kind, self.state.manifest.revision if self.kind == "export" else None)

    def __attrs_post_init__(self) -> None:
        """What is archived stays: no save writes into ``已作废/`` or moves a file anywhere else."""
        for path, _ in self.writes:
            if path.startswith(f"{ARCHIVE}/"):
                raise ExportError(f"{path}: a save never writes into {ARCHIVE}/ (the bytes kept there stay as they "
                                  "were)", message_zh=f"{path}：保存不得写入 {ARCHIVE}/（其中保留的文件不可更改）")
        for path in self.removed:
            if path.startswith(f"{ARCHIVE}/"):
                raise ExportError(f"{path}: a save never removes a file from {ARCHIVE}/",
                                  message_zh=f"{path}：保存不得删除 {ARCHIVE}/ 中的文件")
        for path, to in self.archive:
            if not to.startswith(f"{ARCHIVE}/") or path.startswith(f"{ARCHIVE}/"):
                raise ExportError(f"{path} → {to}: a file is archived into {ARCHIVE}/, from outside it",
                                  message_zh=f"{path} → {to}：文件只能从 {ARCHIVE}/ 之外移入 {ARCHIVE}/")


@attrs.frozen
class ExportEntry:
    """One export of the year, as far as a store can tell: its number (the manifest's revision), the
    files it wrote that are still the year's, those a later export archived, the 文号 of the letters
    it issued, and the ``revision`` (tag) its save made, where the store's revisions tell (None for
    an export saved before the store kept them) with its ``at``. Saves of the state alone (a
    confirmed date, a publication) are revisions (:meth:`YearStore.revisions`), not exports."""

    export: int
    files: tuple[str, ...] = ()
    archived: tuple[str, ...] = ()
    letters: tuple[str, ...] = ()
    revision: str | None = None
    at: dt.datetime | None = None


@attrs.frozen
class Note:
    """Something a store did or could not do that the user should know (a crash's leftover removed,
    an interrupted export finished), in both languages, rendered like an error: ``FILE: message (fix: …)``.

    ``letters``: the 文号 of the issued letters the note speaks for. An exporter that says why letters
    it no longer makes stand as sent (the invitations of a meeting whose day has passed) names them,
    and the export then tells no note of its own for each (``exporting._standing_note``)."""

    message: str
    message_zh: str
    file: str | None = None
    fix: str | None = None
    fix_zh: str | None = None
    letters: tuple[str, ...] = ()

    def render(self, lang: str = "en") -> str:
        return LiaisonError(self.message, file=self.file, fix=self.fix, message_zh=self.message_zh,
                            fix_zh=self.fix_zh).render(lang)


class RevisionConflict(ExportError):
    """A save made from a revision the store no longer holds: another writer changed the year in
    between. Nothing was saved; ``current`` is the revision the store holds (None: no state), so the
    caller reloads and decides again (a service answers 412 with it)."""

    def __init__(self, message: str, *, current: str | None, expected: str | None, file: str | None = None,
                 fix: str | None = None, message_zh: str | None = None, fix_zh: str | None = None) -> None:
        super().__init__(message, file=file, fix=fix, message_zh=message_zh, fix_zh=fix_zh)
        self.current = current
        self.expected = expected

    @classmethod
    def of(cls, place: str, *, current: str | None, expected: str | None) -> RevisionConflict:
        return cls("the year was changed by another writer since it was read; nothing was saved", file=place,
                   fix="read the year again and make the change on what it holds now",
                   message_zh="读取之后该年度已被其他人修改，未作保存", fix_zh="请重新读取该年度，在最新内容上再做修改",
                   current=current, expected=expected)


class NoRevision(DataError):
    """A revision the store does not hold for the year (never made, or of another district or year)."""

    def __init__(self, place: str, revision: str) -> None:
        super().__init__(f"the year has no revision {revision!r}", file=place,
                         fix="list the year's revisions and give one of their tags",
                         message_zh=f"该年度没有版本 {revision!r}", fix_zh="请先列出该年度的各个版本，再给出其中之一")
        self.revision = revision


class NoState(DataError):
    """The year has no state where one is needed (publishing): export it first."""

    def __init__(self, place: str, year: int) -> None:
        super().__init__(f"there is no {year} state to publish", file=place, fix="export the year first",
                         message_zh=f"没有{year}年的年度状态可发布", fix_zh="请先导出该年度")
        self.year = year


@runtime_checkable
class YearStore(Protocol):
    """Where a district's years live (see the module docstring)."""

    def place(self, district: District, year: int) -> str:
        """The district's year's place as the user knows it, for messages: a folder, a database row."""
        ...

    def lock(self, district: District, year: int) -> AbstractContextManager[None]:
        """One writer at a time (re-entrant for its holder): wait a while for another, then stop
        with an error. What a crash interrupted is finished or rolled back as it is taken."""
        ...

    def load(self, district: District, year: int, *, revision: str | None = None) -> Stored | None:
        """The year's state, checked against the district and the year, or None when it has none;
        with ``revision``, that earlier state (:meth:`revisions`), or :class:`NoRevision`."""
        ...

    def revisions(self, district: District, year: int) -> tuple[Revision, ...]:
        """Every state the year has had, oldest first; the last is the current one."""
        ...

    def save(self, district: District, year: int, commit: Commit, *, expected: str | None) -> str:
        """Save ``commit`` atomically under the lock, made from revision ``expected`` (None: the year
        had no state); :class:`RevisionConflict` if the store holds another. The new revision — the
        current one, and nothing saved, when the commit holds the same state and no file."""
        ...

    def digests(self, district: District, year: int, paths: Iterable[str]) -> Mapping[str, str]:
        """The sha256 of each of ``paths`` the district's year holds now (a path it does not hold is left out):
        what an export compares with what the last one wrote (an edited workbook, a lost file)."""
        ...

    def read(self, district: District, year: int, path: str) -> bytes | None:
        """The bytes at ``path`` in the district's year (``已作废/<revision>/…`` for an archived file), or None."""
        ...

    def archived(self, district: District, year: int) -> tuple[str, ...]:
        """The paths under ``已作废/``, sorted: the bytes earlier exports replaced or dropped."""
        ...

    def issued_copy(self, district: District, year: int, sha256: str) -> bytes | None:
        """The bytes of an issued letter as it went out, by their sha256 (``LetterRecord.sha256``),
        kept beside the year's state whatever became of its file (the folder store's hidden
        ``.history/letters/``; a database or memory store holds every file it wrote, so any file of
        the year with that digest), or None when the store holds no such bytes."""
        ...

    def history(self, district: District, year: int) -> tuple[ExportEntry, ...]:
        """The exports of the year, oldest first (:func:`export_history`)."""
        ...

    def take_notes(self) -> tuple[Note, ...]:
        """The notes gathered since the last call (see :class:`Note`), handed over once."""
        ...


def _day(group: str) -> dt.date | None:
    """The day an archive folder is named after (``2027-09-20``, or ``2027-09-20-2``), if it is one."""
    try:
        return dt.date.fromisoformat(group[:10])
    except ValueError:
        return None


def export_history(state: YearState | None, archived: Iterable[str],
                   revisions: Iterable[Revision] = ()) -> tuple[ExportEntry, ...]:
    """The exports a state, the archive and the revisions tell of: each file of the manifest under the
    export that wrote its bytes, each archived file under the export that wrote it (``已作废/N/path``: export
    N; ``已作废/<day>/path``, withdrawn that day: a letter's under the export that issued it, a draft's
    under none, as no record says which export wrote it), each letter
    under the export that issued it, and export N's revision the first export save that made N.
    What both stores give for :meth:`YearStore.history`."""
    if state is None:
        return ()
    files: dict[int, list[str]] = {}
    gone: dict[int, list[str]] = {}
    letters: dict[int, list[str]] = {}
    for entry in state.manifest.files:
        files.setdefault(entry.revision, []).append(entry.path)
    withdrawn: dict[str, list[LetterRecord]] = {}  # the letters no longer in use, by path
    for letter in state.letters:
        if not letter.active:
            withdrawn.setdefault(letter.path, []).append(letter)
    for path in archived:
        head, _, rest = path.partition("/")
        group, _, inner = rest.partition("/")
        if head != ARCHIVE or not inner:
            continue
        if group.isdigit():  # 已作废/N/: written by export N (an export without a day)
            gone.setdefault(int(group), []).append(inner)
            continue
        day = _day(group)  # 已作废/<day>[-n]/: withdrawn that day; a letter's writer is the export that issued it
        issued = [r for r in withdrawn.get(inner, ()) if day is not None and r.date <= day]
        if issued:
            gone.setdefault(max(issued, key=lambda r: (r.revision, r.serial)).revision, []).append(inner)
    for letter in state.letters:
        letters.setdefault(letter.revision, []).append(letter.doc_number)
    made: dict[int, Revision] = {}
    for revision in revisions:
        if revision.kind == "export" and revision.export is not None:
            made.setdefault(revision.export, revision)
    numbers = sorted({n for n in (*files, *gone, *letters) if n > 0})
    return tuple(ExportEntry(n, tuple(sorted(files.get(n, ()))), tuple(sorted(gone.get(n, ()))),
                             tuple(sorted(set(letters.get(n, ())))), made[n].tag if n in made else None,
                             made[n].at if n in made else None) for n in numbers)
