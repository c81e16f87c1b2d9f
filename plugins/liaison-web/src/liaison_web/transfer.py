"""Handing a year between the output folder and the database, so the command line and the service
can pass a year to each other (``liaison web import-year --from out/2027``, ``export-year --to DIR``).

What is handed over is what the year-store protocol shows: every revision of the state, oldest first,
with its kind (:meth:`~liaison.year.store.YearStore.revisions`, each loaded again), the files the
state's manifest lists (an issued letter edited or deleted in the folder as it went out, from the copy
the folder keeps beside the state, :meth:`~liaison.year.store.YearStore.issued_copy`) and the bytes
under ``已作废/``. Into the database it goes whole, in one
transaction (:meth:`DatabaseStore.receive`); into a folder the archived bytes are written first and
the revisions saved one by one through the folder store (the last with the current files), so the
folder holds its ``.history`` as the command would have written it. A revision the source cannot
name the kind of (a state edited by hand) arrives as an update in a folder. Nothing is merged: a
folder must hold no state for the year; a database's year is replaced only when asked
(``--replace``: ``liaison serve`` plans the current and the next year on its first start).

The year's records go with it (:mod:`liaison_web.records_transfer`): every version, in the year
folder's ``.records/versions.json``, written before the state; into the database in the same
transaction as the year, the versions it lacks added (records are only ever added: none is replaced).
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from liaison.base.errors import ExportError
from liaison.law.district import District
from liaison.year.state import YearState
from liaison.year.store import Commit, Revision, YearStore
from liaison_web import records_transfer
from liaison_web.store import DatabaseStore, digest
from liaison_workspace import FolderStore, write_atomic

__all__ = ["copy_year"]


def _gather(source: YearStore, district: District, year: int
            ) -> tuple[list[tuple[Revision, YearState]], list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    place = source.place(district, year)
    made = source.revisions(district, year)
    if not made:
        raise ExportError(f"{place} holds no {year} to hand over", file=place,
                          fix="give the year's folder of an output folder (out/2027) that holds a state",
                          message_zh=f"{place} 中没有可交接的{year}年数据",
                          fix_zh="请给出含有年度状态的输出文件夹中的年度文件夹（如 out/2027）")
    revisions: list[tuple[Revision, YearState]] = []
    for revision in made:
        stored = source.load(district, year, revision=revision.tag)
        if stored is not None:
            revisions.append((revision, stored.state))
    current = revisions[-1][1]
    files, archived = [], []
    for f in sorted(current.manifest.files, key=lambda f: f.path):
        data = source.read(district, year, f.path)
        if data is None or digest(data) != f.sha256:
            # an issued letter edited or deleted in the folder goes over as it went out, from the copy
            # the source keeps of it (the register names those bytes); any other file as it is
            data = source.issued_copy(district, year, f.sha256) or data
        if data is not None:  # a file the office deleted by hand stays deleted
            files.append((f.path, data))
    for path in source.archived(district, year):
        data = source.read(district, year, path)
        if data is not None:
            archived.append((path, data))
    return revisions, files, archived


def _records(source: YearStore, district: District, year: int) -> bytes | None:
    """The year's records file as ``source`` holds it (None: no records)."""
    if isinstance(source, DatabaseStore):
        versions = records_transfer.versions_of(district.info.id, year, using=source.using)
        return records_transfer.document(district.info.id, year, versions) if versions else None
    if isinstance(source, FolderStore):
        return records_transfer.read_folder(source.folder(year))
    return None


def copy_year(source: YearStore, target: DatabaseStore | FolderStore, district: District, year: int, *,
              replace: bool = False) -> str:
    """Copy the district's year from ``source`` into ``target`` (see the module docstring); the
    target's current revision. ``replace``: a database's year is replaced (a folder's never is)."""
    revisions, files, archived = _gather(source, district, year)
    records = _records(source, district, year)
    if isinstance(target, DatabaseStore):
        where = f"{source.place(district, year)}/{records_transfer.RECORDS_FILE}"
        versions = records_transfer.parse(records, district.info.id, year, file=where) if records else []
        with transaction.atomic(using=target.using):  # the year and its records, or neither
            revision = target.receive(district, year, revisions, [*files, *archived], replace=replace)
            records_transfer.receive(versions, district.info.id, year, file=where, using=target.using)
        return revision
    with target.lock(district, year):
        if target.load(district, year) is not None:
            place = target.place(district, year)
            raise ExportError(f"the folder already holds the {year}; nothing was exported", file=place,
                              fix="export into an output folder that holds no state for the year",
                              message_zh=f"{place} 中已有{year}年的数据；未导出任何内容",
                              fix_zh="请导出到尚无该年度数据的输出文件夹")
        folder = target.folder(year)
        kept = [*archived, (records_transfer.RECORDS_FILE, records)] if records else archived
        for path, data in kept:  # before the state: a crash here leaves a folder with no state, refused
            (folder / Path(path)).parent.mkdir(parents=True, exist_ok=True)
            write_atomic(folder / Path(path), data, step="archive")
        current: str | None = None
        for index, (made, state) in enumerate(revisions):
            last = index == len(revisions) - 1
            commit = Commit(state, tuple(files) if last else (), kind=made.kind or "update")
            current = target.save(district, year, commit, expected=current)
        assert current is not None
        return current
