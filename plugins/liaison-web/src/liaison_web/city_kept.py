"""The city's standings kept in the database (:class:`liaison_web.models.CityStanding`), so that a
process that has made none of them — the first view after a restart, another worker — renders the
city from a table instead of parsing and checking every district.

A row is a cache, never the truth: it is served only when everything it was made from is what the
district is now — the version's sha256, the year's revision, the state of its records, the day —
and it was made by this code (:func:`made_by`); any other row is stale or foreign, and the standing
is made again and the row replaced (:mod:`liaison_web.city`). The rows of one survey are read in one
query and written in one transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import attrs

from liaison.base.errors import LiaisonError

__all__ = ["FORMAT", "KEPT_FOR", "KEY", "Kept", "Made", "made_by", "read", "write"]

#: The shape of a row's ``standing`` (:class:`liaison_web.city.DistrictStanding` unstructured): a
#: change of the class or of how it is counted raises it, and every row made before is made again.
FORMAT = 1


#: How long a row is kept after it was made, whatever its key: a city viewed every day without a
#: change would otherwise keep a row a district a day (a few kB each, a year of them per district).
KEPT_FOR = dt.timedelta(days=7)

#: The columns a row is made from, beside the district, the year and the day.
KEY = ("version", "revision", "records_last", "records_count", "made_by")


@attrs.frozen(kw_only=True)
class Kept:
    """A row as read: what it was made from, and the standing as JSON values."""

    code: str
    as_of: dt.date
    version: str
    revision: str | None
    records: tuple[int, int]
    made_by: str
    zone: str
    standing: Any


@attrs.frozen(kw_only=True)
class Made:
    """A standing just made, to be kept: the row's key and the standing as JSON values."""

    code: str
    year: int
    as_of: dt.date
    version: str
    revision: str | None
    records: tuple[int, int]
    zone: str
    standing: Any


def _sources() -> Iterable[Path]:
    """The code a standing is made by: the library (parsing, the law, the year), the reading of a
    version kept parsed and the service's modules that load the year, its records and count them."""
    import liaison
    import liaison_web
    import liaison_workspace.districts

    for root in liaison.__path__:
        yield from sorted(Path(root).rglob("*.py"))
        yield from sorted(Path(root).rglob("*.toml"))
    yield Path(liaison_workspace.districts.__file__)
    web = Path(liaison_web.__file__).parent
    for name in ("api.py", "bootstrap.py", "city.py", "city_kept.py", "records.py", "store.py", "versions_kept.py"):
        yield web / name


@functools.cache
def made_by() -> str:
    """What names the code that makes a standing: :data:`FORMAT`, the distributions' versions and
    the sha256 of the sources (a deployment upgraded, or a checkout changed, makes its rows again)."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256()
    for path in _sources():
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    versions = []
    for name in ("liaison", "liaison-web"):
        try:
            versions.append(version(name))
        except PackageNotFoundError:
            versions.append("-")
    return f"{FORMAT}:{'/'.join(versions)}:{digest.hexdigest()[:32]}"


def read(year: int, days: Collection[dt.date], code: str | None = None) -> dict[tuple[str, dt.date], Kept]:
    """The rows of ``year`` on ``days`` (of one district: ``code``), by district and day: one query."""
    from liaison_web import models

    rows = models.CityStanding.objects.filter(year=year, as_of__in=list(days))
    if code is not None:
        rows = rows.filter(district__code=code)
    return {(row[0], row[1]): Kept(code=row[0], as_of=row[1], version=row[2], revision=row[3] or None,
                                   records=(int(row[4]), int(row[5])), made_by=row[6], zone=row[7], standing=row[8])
            for row in rows.values_list("district__code", "as_of", "version", "revision", "records_last",
                                        "records_count", "made_by", "zone", "standing")}


def write(made: Collection[Made]) -> None:
    """Keep ``made`` (each district's row on its day replaced; the rows of its year made from anything
    else removed, as they can never be served again, and every row made more than :data:`KEPT_FOR`
    ago, as a view of its day is rare: made again if asked for), in one transaction. A failure — the database
    busy, read-only — is logged and the standings are not kept: the view was made without them, and
    the next one makes them again."""
    from django.db import DatabaseError, transaction
    from django.db.models import Q
    from django.utils import timezone

    from liaison_web import models

    if not made:
        return
    try:
        with transaction.atomic():
            ids = dict(models.District.objects.filter(code__in={m.code for m in made}).values_list("code", "id"))
            mine = made_by()
            rows, stale = [], Q(pk__in=[])
            for m in made:
                if m.code not in ids:
                    continue  # removed meanwhile: nothing to keep it for
                key = {"version": m.version, "revision": m.revision or "", "records_last": m.records[0],
                       "records_count": m.records[1], "made_by": mine}
                stale |= Q(district_id=ids[m.code], year=m.year) & ~Q(**key)
                rows.append(models.CityStanding(district_id=ids[m.code], year=m.year, as_of=m.as_of, zone=m.zone,
                                                standing=m.standing, **key))
            # three statements however many districts: a cold city of a hundred wrote for a second
            # row by row (a select, an insert or update and a delete each)
            models.CityStanding.objects.filter(stale | Q(made__lt=timezone.now() - KEPT_FOR)).delete()
            models.CityStanding.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["district", "year", "as_of"],
                update_fields=[*KEY, "zone", "standing", "made"])
    except (DatabaseError, LiaisonError):
        logging.getLogger("liaison_web.city").warning("the city's standings were not kept", exc_info=True)
