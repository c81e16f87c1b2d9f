"""Each district version as parsed, kept in the database beside its text
(:class:`liaison_web.models.ParsedVersion`), so that a process that has not parsed a version — the
first view after a restart, another worker — reads it instead of parsing it.

Parsing is most of a cold city's work: the seed's 37 kB of TOML read, structured and checked take
5-6 ms of CPU, the district read back from what :func:`liaison_workspace.districts.dump` made of
it 0.35 ms (a hundred districts: about 0.55 s of the city's cold view saved, docs/benchmarks.md).
The row is what the command's district cache keeps (:mod:`liaison_workspace.districts`), under the
same key — the version's SHA-256 and the code that parses (:func:`~liaison_workspace.districts.kept_key`)
— and read the same way, with the law's classes only: a row of another key (the code upgraded), or
one that does not read back, is parsed afresh and replaced. A row that cannot be written (the
database read-only, busy) is logged and skipped: the district is the one the text gives.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from liaison.law.district import District

__all__ = ["kept_together", "parsed"]


def parsed(using: str, pk: int, digest: str, file: str) -> District:
    """The version ``pk`` (its text's SHA-256 ``digest``) as its kept row gives it, else parsed from
    its text (refused as :func:`~liaison.formats.district.parse_district` refuses it) and kept."""
    from liaison_web import models
    from liaison_workspace.districts import kept_key

    key = kept_key(digest)
    if key is not None:
        found = _read(using, pk, key)
        if found is not None:
            return found
    from liaison.formats.district import parse_district

    text = models.DistrictVersion.objects.using(using).values_list("text", flat=True).get(pk=pk)
    district = parse_district(text, file=file)
    if key is not None:
        _keep(using, pk, key, district)
    return district


def _read(using: str, pk: int, key: str) -> District | None:
    """The row's district, when it has this key and reads back. A query of its own, not the ORM's: a
    cold city asks it a hundred times, and the ORM made it cost three times the reading of the row."""
    from django.db import connections

    from liaison_web import models
    from liaison_workspace.districts import undump

    table = models.ParsedVersion._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(f'SELECT payload FROM "{table}" WHERE version_id = %s AND key = %s', [pk, key])
        row = cursor.fetchone()
    return undump(bytes(row[0])) if row is not None else None


def _keep(using: str, pk: int, key: str, district: District) -> None:
    from liaison_web import models
    from liaison_workspace.districts import dump

    row = models.ParsedVersion(version_id=pk, key=key, payload=dump(district))
    pending = _PENDING.get()
    if pending is not None:
        pending.append((using, row))
    else:
        _write([(using, row)])


#: The rows made while :func:`kept_together` runs in this thread (None: each written as it is made).
_PENDING: ContextVar[list[tuple[str, Any]] | None] = ContextVar("liaison_web_versions_pending", default=None)


@contextlib.contextmanager
def kept_together() -> Iterator[None]:
    """The versions parsed meanwhile kept at the end, in one statement a database, instead of one
    transaction each (a city's hundred districts after an upgrade: 0.2 s of CPU one by one)."""
    pending: list[tuple[str, Any]] = []
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
        _write(pending)


def _write(rows: list[tuple[str, Any]]) -> None:
    from django.db import DatabaseError

    from liaison_web import models

    by_database: dict[str, dict[int, Any]] = {}
    for using, row in rows:
        by_database.setdefault(using, {})[row.version_id] = row  # a version parsed twice: kept once
    for using, made in by_database.items():
        try:
            models.ParsedVersion.objects.using(using).bulk_create(
                list(made.values()), update_conflicts=True, unique_fields=["version"],
                update_fields=["key", "payload"])
        except DatabaseError:  # a version removed meanwhile, the database read-only or busy
            logging.getLogger("liaison_web.versions").warning("parsed district versions were not kept",
                                                              exc_info=True)
