"""The year's records handed between the database and an output folder with the year
(:mod:`liaison_web.transfer`): every version of every record — created, corrected, withdrawn — with
who recorded it, when and why, in ``<year>/.records/versions.json`` (:data:`RECORDS_FILE`), one
document written the same way every time (keys sorted, UTF-8, two-space indent), so a year handed
from the database to a folder and back, or from a folder to a database and back, is the same byte
for byte.

Records are facts, only ever added (:mod:`liaison_web.records`): into a database a version it lacks is
added as it was written (its time kept), one it has already is left as it is, and one it has
differently — the same key and version, another record, time or author — is refused before anything
is written. Nothing of the database's is removed: records it has that the folder does not stay.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

from liaison.base.errors import LiaisonError
from liaison.formats.convert import structure
from liaison_web import models
from liaison_web import records as kept

__all__ = ["FORMAT", "RECORDS_FILE", "RecordsFileError", "document", "parse", "read_folder", "receive",
           "versions_of"]

#: Where the year's records are kept in its folder (beside ``.history``: the store's, not an output).
RECORDS_FILE = ".records/versions.json"
FORMAT = "liaison-records/1"
#: What a version holds, as the file writes it (the row's columns but its database ids).
FIELDS = ("key", "version", "kind", "action", "record", "reason", "responsible", "parties", "at", "by")


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat()


def versions_of(district: str, year: int, *, using: str = "default") -> list[dict[str, Any]]:
    """Every version of the year's records in the database, in the order they were added."""
    rows = models.Record.objects.using(using).filter(district__code=district, year=year).order_by("id")
    return [{"key": r.key, "version": r.version, "kind": r.kind, "action": r.action, "record": r.data,
             "reason": r.reason, "responsible": r.responsible, "parties": list(r.parties), "at": _utc(r.at),
             "by": r.actor} for r in rows]


def document(district: str, year: int, versions: Iterable[Mapping[str, Any]]) -> bytes:
    """The records file: the same versions are the same bytes (keys sorted: PostgreSQL's ``jsonb``
    does not keep a record's key order, SQLite does)."""
    shown = {"format": FORMAT, "district": district, "year": year, "versions": list(versions)}
    return (json.dumps(shown, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


class RecordsFileError(LiaisonError):
    """A records file of a year's folder that cannot be read back, or whose versions the database
    holds otherwise (nothing imported)."""


def _bad(file: str, path: tuple[str | int, ...], message: str, message_zh: str, *,
         fix: str = "hand the year over again from where it was kept (liaison web export-year)",
         fix_zh: str = "请从原存放处重新交接该年度（liaison web export-year）") -> RecordsFileError:
    return RecordsFileError(message, file=file, path=path, fix=fix, message_zh=message_zh, fix_zh=fix_zh)


def parse(data: bytes, district: str, year: int, *, file: str) -> list[dict[str, Any]]:
    """The versions of a records file, each checked: its shape, its kind, its record as the library
    reads that kind, its time. A problem is a :class:`RecordsFileError` at its path."""
    try:
        shown = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(file, (), f"not a records file (JSON): {exc}", f"不是记录文件（JSON）：{exc}") from None
    if not isinstance(shown, dict) or shown.get("format") != FORMAT or not isinstance(shown.get("versions"), list):
        raise _bad(file, (), f"not a records file of the format {FORMAT}", f"不是 {FORMAT} 格式的记录文件")
    if shown.get("district") != district or shown.get("year") != year:
        raise _bad(file, (), f"the file holds the records of {shown.get('district')}/{shown.get('year')}, "
                   f"not of {district}/{year}",
                   f"该文件是 {shown.get('district')}/{shown.get('year')} 的记录，不是 {district}/{year} 的")
    found = []
    for index, version in enumerate(shown["versions"]):
        where: tuple[str | int, ...] = ("versions", index)
        if not isinstance(version, dict) or set(version) != set(FIELDS):
            raise _bad(file, where, f"a version holds exactly {', '.join(FIELDS)}",
                       f"每个版本应恰好包含 {'、'.join(FIELDS)}")
        if version["kind"] not in kept.STORED or version["action"] not in dict(models.RECORD_ACTIONS):
            raise _bad(file, where, f"no kind {version['kind']!r} or action {version['action']!r} of records",
                       f"没有记录类别 {version['kind']!r} 或操作 {version['action']!r}")
        # the record as the library reads its kind: a DataError at its path when it is not one
        structure(version["record"], kept.STORED[version["kind"]].type, file=file, path=(*where, "record"),
                  fix="hand the year over again from where it was kept (liaison web export-year)")
        try:
            at = dt.datetime.fromisoformat(str(version["at"]))
        except ValueError:
            raise _bad(file, (*where, "at"), f"not a time: {version['at']!r}", f"不是时间：{version['at']!r}") from None
        texts = ("reason", "responsible", "by")
        if (at.tzinfo is None or type(version["version"]) is not int or version["version"] < 1
                or not re.fullmatch(kept.KEY_PATTERN, str(version["key"]))
                or not all(isinstance(version[t], str) for t in texts)
                or not isinstance(version["parties"], list) or not all(isinstance(p, str) for p in version["parties"])):
            raise _bad(file, where, "a version has a key as the service makes them, a number from 1, a time with "
                       "its offset, texts for its reason, responsible body and author, a list of bodies as parties",
                       "每个版本须有服务生成的编号、从 1 起的版本号、带时区的时间，事由、责任单位和记录人须为文字，"
                       "相关单位须为列表")
        found.append(version)
    return found


def _same(row: models.Record, version: Mapping[str, Any], district: str, year: int) -> bool:
    return (row.district.code, row.year, row.kind, row.action, row.data, row.reason, row.responsible,
            list(row.parties), _utc(row.at), row.actor) == (
        district, year, version["kind"], version["action"], version["record"], version["reason"],
        version["responsible"], version["parties"], _utc(dt.datetime.fromisoformat(version["at"])), version["by"])


def receive(versions: Iterable[Mapping[str, Any]], district: str, year: int, *, file: str,
            using: str = "default") -> int:
    """Add the versions the database lacks (see the module docstring), in one transaction; how many."""
    wanted = list(versions)
    with transaction.atomic(using=using):
        owner = models.District.objects.using(using).get(code=district)
        held = {(r.key, r.version): r for r in models.Record.objects.using(using).select_related("district")
                .filter(district=owner, year=year)}
        added: list[tuple[int, models.Record]] = []
        for index, version in enumerate(wanted):
            row = held.get((version["key"], version["version"]))
            if row is None:
                added.append((index, models.Record(
                    district=owner, year=year, key=version["key"], version=version["version"], kind=version["kind"],
                    action=version["action"], data=version["record"], reason=version["reason"],
                    responsible=version["responsible"], parties=list(version["parties"]),
                    at=dt.datetime.fromisoformat(version["at"]), actor=version["by"])))
            elif not _same(row, version, district, year):
                raise _bad(file, ("versions", index),
                           f"the database holds {version['key']}.{version['version']} otherwise; nothing was imported",
                           f"数据库中的 {version['key']}.{version['version']} 与文件不同；未导入任何内容",
                           fix="a record's version is never changed: import the folder this database's year was "
                               "exported to, or correct the record through the service (a new version)",
                           fix_zh="记录的版本不能修改：请导入由本数据库导出的年度文件夹，或通过服务更正该记录（新增一个版本）")
        for index, new in added:
            try:
                with transaction.atomic(using=using):
                    # raw: a version keeps the time it was recorded at (not the import's), as a fixture's
                    # row is saved as given; the model's save() refuses nothing new, this is an insert
                    new.save_base(raw=True, force_insert=True, using=using)
            except IntegrityError:  # its key and number are another district's or year's, or twice in the file
                raise _bad(file, ("versions", index),
                           f"the version {new.key}.{new.version} is held for another district or year, or is in "
                           "the file twice; nothing was imported",
                           f"版本 {new.key}.{new.version} 已属于其他区或年度，或在文件中重复；未导入任何内容") from None
    return len(added)


def read_folder(folder: Path) -> bytes | None:
    """The records file of a year's folder, or None when it has none (a year without records)."""
    try:
        return (folder / RECORDS_FILE).read_bytes()
    except FileNotFoundError:
        return None
