"""Making a database ready to serve: the migrations, the seed district, the first administrator.

:func:`prepare` is what ``liaison serve`` (and ``--init-only``) runs before it listens; each step is
idempotent, so a second start changes nothing. Districts are read back from their stored versions
(:func:`district`), so the service plans on the text it was given, not on the package's copy.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import secrets
from typing import Any

import attrs

from liaison.formats.district import SEED_FILE, seed_bytes
from liaison.law.district import District
from liaison_web.districts import load_version as load_version  # where the versions are stored

__all__ = ["ADMIN_ENV", "ADMIN_USER", "Ready", "add_district", "district",
           "district_version", "district_year", "district_year_records",
           "generated_password", "load_version", "prepare", "strong_enough"]

ADMIN_USER = "admin"
ADMIN_ENV = "LIAISON_ADMIN_PASSWORD"


@attrs.frozen
class Ready:
    """What :func:`prepare` did: the database (as shown to the user), the districts it holds, and the
    administrator it created (``password`` is given once, here, when it was generated: None when it
    came from ``LIAISON_ADMIN_PASSWORD`` or the administrator already existed), the migrations it
    applied, the years it planned and the district it added from a given data file."""

    database: str
    districts: tuple[str, ...]
    admin: str | None = None
    password: str | None = None
    migrated: tuple[str, ...] = ()
    planned: tuple[tuple[str, int], ...] = ()
    added: tuple[str, ...] = ()


def seed_text() -> str:
    return seed_bytes().decode("utf-8")


def district(code: str, *, on: dt.date | None = None, using: str = "default") -> District | None:
    """The district ``code`` as its version in force on ``on`` (default: the latest) gives it, or None."""
    found = district_version(code, on=on, using=using)
    return None if found is None else found[0]


def district_version(code: str, *, on: dt.date | None = None, using: str = "default") -> tuple[District, str] | None:
    """:func:`district` and the sha256 of the version's text (what names the version in a cache)."""
    found = district_year(code, None, on=on, using=using)
    return None if found is None else found[:2]


def district_year(code: str, year: int | None, *, on: dt.date | None = None,
                  using: str = "default") -> tuple[District, str, str | None] | None:
    """:func:`district_version` and the current revision of the district's ``year`` (None: the year
    has no state), in one query: what every read of the API asks first. The version's text is parsed
    once per process (:func:`_parsed`); the revision is what a cache of the year's answers is keyed on."""
    found = _version_row(code, year, on, using, records=False)
    return None if found is None else (found[0], found[1], found[2])


def district_year_records(code: str, year: int, *, using: str = "default"
                          ) -> tuple[District, str, str | None, tuple[int, int]] | None:
    """:func:`district_year` and the state of the year's records
    (:func:`liaison_web.records.state_of`: the newest row and how many), still in one query: what a
    read counting the records (the due list, the findings) is keyed on."""
    found = _version_row(code, year, None, using, records=True)
    return None if found is None else (found[0], found[1], found[2], found[3])


def _version_row(code: str, year: int | None, on: dt.date | None, using: str, *,
                 records: bool) -> tuple[District, str, str | None, tuple[int, int]] | None:
    from django.db import connections

    from liaison_web import models

    version, owner, held = models.DistrictVersion._meta, models.District._meta, models.Year._meta
    revision = (f'(SELECT y.revision FROM "{held.db_table}" y WHERE y.district_id = d.id AND y.year = %s '
                "AND y.revision <> '')") if year is not None else "NULL"
    kept = models.Record._meta.db_table
    counted = (f', (SELECT MAX(r.id) FROM "{kept}" r WHERE r.district_id = d.id AND r.year = %s), '
               f'(SELECT COUNT(r.id) FROM "{kept}" r WHERE r.district_id = d.id AND r.year = %s)') if records else ""
    since = " AND v.valid_from <= %s" if on is not None else ""
    with connections[using].cursor() as cursor:
        cursor.execute(f'SELECT v.id, v.sha256, v.valid_from, {revision}{counted} FROM "{version.db_table}" v '
                       f'JOIN "{owner.db_table}" d ON d.id = v.district_id WHERE d.code = %s{since} '
                       "ORDER BY v.valid_from DESC LIMIT 1",
                       [*([year] if year is not None else []), *([year, year] if records else []), code,
                        *([on] if on is not None else [])])
        found = cursor.fetchone()
    if found is None:
        return None
    pk, digest, valid_from, current = found[:4]
    day = valid_from if isinstance(valid_from, dt.date) else dt.date.fromisoformat(str(valid_from))
    parsed = _parsed(using, pk, digest, f"<database>/districts/{code}@{day.isoformat()}")
    counts = (int(found[4] or 0), int(found[5] or 0)) if records else (0, 0)
    return parsed, digest, current or None, counts


# room for every district of a city and their amended versions: with fewer entries than the versions
# read, the city's answer (every district) would evict and read again each text on each read
@functools.lru_cache(maxsize=256)
def _parsed(using: str, pk: int, digest: str, file: str) -> District:
    """A version parsed once per process (:func:`liaison_web.versions_kept.parsed`: as parsed before
    by any process, else its text read and parsed): versions are never changed in place."""
    from liaison_web.versions_kept import parsed

    return parsed(using, pk, digest, file)


def prepare(database: str, *, today: dt.date, data: tuple[str, str] | None = None, using: str = "default") -> Ready:
    """Migrate the database; store the district of ``data`` (a data file's text and its name:
    :func:`liaison_web.districts.given` — added if new, refused if it changes a district held), or
    with none given the seed district if the database holds no district; plan each district's current
    and next year where they have no state, create the administrator if there is no superuser
    (password: ``LIAISON_ADMIN_PASSWORD``, else a random one returned once)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    from liaison_web import models

    executor = MigrationExecutor(connections[using])
    pending = tuple(f"{m.app_label}.{m.name}" for m, _ in
                    executor.migration_plan(executor.loader.graph.leaf_nodes()))
    call_command("migrate", database=using, interactive=False, verbosity=0)
    added: tuple[str, ...] = ()
    planned_first: tuple[tuple[str, int], ...] = ()
    if data is not None:  # the deployment's own district: never the seed instead of it
        value, new, years = add_district(data[0], file=data[1], today=today, using=using)
        added = (value.info.id,) if new else ()
        planned_first = tuple((value.info.id, year) for year in years)
    elif not models.DistrictVersion.objects.using(using).exists():  # no district's data yet (a year may be)
        load_version(seed_text(), valid_from=today, file=SEED_FILE, using=using)
    districts = tuple(models.District.objects.using(using).filter(versions__isnull=False).distinct()
                      .values_list("code", flat=True))
    planned = planned_first + _plan_years(districts, (today.year, today.year + 1), using)
    users = get_user_model()._default_manager.db_manager(using)
    if users.filter(is_superuser=True).exists():
        return Ready(database, districts, migrated=pending, planned=planned, added=added)
    given = os.environ.get(ADMIN_ENV)
    password = given or generated_password()
    if given:
        strong_enough(given, ADMIN_USER)
    admin = users.create_superuser(ADMIN_USER, email="", password=password)  # type: ignore[attr-defined]
    for code in districts:
        models.Membership.objects.using(using).create(
            user=admin, district=models.District.objects.using(using).get(code=code), role="administrator")
    return Ready(database, districts, ADMIN_USER, None if given else password, migrated=pending, planned=planned,
                 added=added)


def add_district(text: str, *, file: str, today: dt.date, using: str = "default", user: Any = None,
                 actor: str | None = None, remote_address: str = "") -> tuple[District, bool, tuple[int, ...]]:
    """Add the district of the data file ``text`` (named ``file``) as ``liaison web district add`` and
    ``liaison serve --data`` do, and as the admin's "add a district from its data file" does — one
    function: stored valid from ``today`` when new, the district's version when it is one, refused
    when it changes a district held (:func:`liaison_web.districts.given`: the amendment is the way);
    then its current and next year planned where they have no state. The district, whether it was
    added, the years planned. ``user``, ``actor``, ``remote_address``: who, for the audit entry."""
    from liaison_web.districts import given

    value, new = given(text, file=file, today=today, using=using, user=user, actor=actor,
                       remote_address=remote_address)
    planned = _plan_years((value.info.id,), (today.year, today.year + 1), using)
    return value, new, tuple(year for _, year in planned)


def _plan_years(codes: tuple[str, ...], years: tuple[int, ...], using: str) -> tuple[tuple[str, int], ...]:
    """Plan each district's ``years`` that have no state yet (as ``liaison plan --out`` would first);
    the (district, year) planned."""
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    store = DatabaseStore(using=using)
    done: list[tuple[str, int]] = []
    for code in codes:
        found = district(code, using=using)
        if found is None:
            continue
        for year in years:
            if store.load(found, year) is None:
                Workspace(store=store).update(found, year)
                done.append((code, year))
    return tuple(done)


def generated_password() -> str:
    """The first administrator's password when none is given: 16 random characters (letters, digits,
    ``-`` and ``_``), which the validators take (:func:`strong_enough`)."""
    return secrets.token_urlsafe(12)


def strong_enough(password: str, username: str) -> None:
    """``password`` passes the service's password validators (settings.AUTH_PASSWORD_VALIDATORS), or
    the error saying what it lacks (Django's words)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from liaison_web.settings import ConfigError

    try:
        validate_password(password, get_user_model()(username=username))
    except ValidationError as error:
        with translation.override("en"):
            en = " ".join(str(m) for m in error.messages)
        with translation.override("zh-hans"):
            zh = "".join(str(m) for m in error.messages)
        raise ConfigError(f"{ADMIN_ENV} is too weak a password: {en}", file=ADMIN_ENV,
                          fix="give a longer password of letters, digits and signs (LIAISON_PASSWORD_MIN_LENGTH "
                              "sets the least length, 10)",
                          message_zh=f"{ADMIN_ENV} 密码强度不足：{zh}",
                          fix_zh="请使用由字母、数字和符号组成的更长密码"
                                 "（最短长度由 LIAISON_PASSWORD_MIN_LENGTH 设定，默认 10）") from None
