"""The test session's databases for the service (imported by the plugin's tests and by the core's
tests/test_year_store.py, found through pytest's ``pythonpath``).

Django is configured once per process: ``default`` is an SQLite file in a temporary folder of the
session's own; with ``LIAISON_TEST_POSTGRES`` set (``postgresql://…``, a database the tests may
fill and empty — .ci/run starts a throwaway server and sets it), a second alias ``postgres``. Each is
migrated once. :func:`fresh` empties the year store's tables of one alias before a test.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

POSTGRES_ENV = "LIAISON_TEST_POSTGRES"
#: The year the tests plan and read.
YEAR = 2027
#: The roles of the access table, and the bodies the clerk's and the liaison officer's users belong to.
ROLES = ("administrator", "clerk", "liaison_officer", "auditor", "city_auditor")
CLERK_OF = "health"  # a department
OFFICER_OF = "cpwdp"  # a party branch


#: The tests' webhook receiver (web_receiver) listens on 127.0.0.1, which a deployment does not allow:
#: allowed for the test process and the `liaison serve` / `liaison web` processes it starts — from the
#: import on, not from Django's set-up, so a test starting a server before any other test ran (in
#: whatever order they run) hands it on too.
os.environ.setdefault("LIAISON_WEBHOOK_ALLOW_NETWORKS", "127.0.0.0/8")


def available() -> bool:
    """The web plugin (and Django) is installed: the core's tests add the database store then."""
    return importlib.util.find_spec("liaison_web") is not None and importlib.util.find_spec("django") is not None


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@functools.cache
def setup() -> tuple[str, ...]:
    """Configure Django for the session and migrate every database; the aliases."""
    from liaison_web.settings import configure

    folder = Path(tempfile.mkdtemp(prefix="liaison-web-test-"))
    os.environ.setdefault("LIAISON_SECRET_KEY", "a test key, never a deployment's " + "x" * 20)
    more = {"postgres": url, HTTP_ALIAS: own_database(url, "http")} if (url := postgres_url()) else {}
    configure(f"sqlite:///{folder / 'test.sqlite3'}", more={**more, SPARE: f"sqlite:///{folder / 'spare.sqlite3'}"},
              timeout=10)
    from django.conf import settings
    from django.core.management import call_command

    # the tests make many users: a fast hash (a deployment keeps Django's default, PBKDF2)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    aliases = ("default", *more)
    for alias in aliases:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
    return aliases


#: A second SQLite database, migrated only when a test asks for it (:func:`spare`): where a year handed
#: out of the first is handed back in (the first already holds every row it would receive).
SPARE = "spare"


@functools.cache
def spare() -> str:
    """The spare database, migrated (once a session); its alias."""
    setup()
    from django.core.management import call_command

    call_command("migrate", database=SPARE, verbosity=0, interactive=False)
    return SPARE


#: The PostgreSQL database the HTTP tests run on (``serving``): a database of its own beside the
#: session's, so what they leave (districts, users) does not meet the tests that start `liaison serve`
#: on the session's database and expect what a first start makes.
HTTP_ALIAS = "postgres_http"


def own_database(url: str, suffix: str) -> str:
    """A new empty database beside ``url``'s (dropped first if a run left it), on the same server."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def fresh(alias: str) -> str:
    """``alias`` set up, with no year in its store (the districts and the audit log stay)."""
    setup()
    from liaison_web import models

    models.Year.objects.using(alias).all().delete()
    return alias


def retire(*codes: str) -> None:
    """The districts a test made for itself (``own_district``'s) put out of the later tests' way once it
    is done: their years and their data (versions, parsed and city copies) deleted, the append-only
    rows (records, evidence, audit entries) and the district's row kept. A district without data is
    one no `liaison web …` command's or `liaison serve`'s start plans (bootstrap.prepare plans the
    current and next year of each district holding data) and :func:`fresh` has no year of to empty —
    left holding data, every district a test ever made was planned again by each command after each
    ``fresh``, so the session's web tests slowed as it went (a command test took 30 s, not 1 s)."""
    from django.db import transaction

    from liaison_web import models

    with transaction.atomic():
        models.Year.objects.filter(district__code__in=codes).delete()
        models.CityStanding.objects.filter(district__code__in=codes).delete()
        models.ParsedVersion.objects.filter(version__district__code__in=codes).delete()
        models.DistrictVersion.objects.filter(district__code__in=codes).delete()


def leave(*users: Any) -> None:
    """The memberships of users a fixture made for one test (``two_districts``', ``users``') ended after
    it: the seed district's members — whom its tokens page offers a token, one by one, and whose tokens
    it lists — are then the test's own, not every user each earlier test of the session made (the
    page took 15-50 s by the end of the suite). The users, their tokens and audit entries stay."""
    from liaison_web import models

    models.Membership.objects.filter(user__in=users).delete()


#: A counter for names the tests make afresh (users), so no two tests of a session collide.
counter = 0


@contextlib.contextmanager
def serving(alias: str) -> Iterator[None]:
    """``alias``'s database serving as ``default`` for a while — what the service's code and Django's
    test client use —, so one HTTP test runs on PostgreSQL as on SQLite. The connections of this
    thread are closed on both sides of the swap; a thread started inside opens its own on the alias."""
    setup()
    if alias == "default":
        yield
        return
    from django.db import connections

    databases = connections.settings  # settings.DATABASES itself
    kept = databases["default"]
    connections.close_all()
    with contextlib.suppress(AttributeError):  # none opened in this thread yet
        del connections["default"]
    databases["default"] = databases[alias]
    try:
        yield
    finally:
        connections["default"].close()
        with contextlib.suppress(AttributeError):
            del connections["default"]
        databases["default"] = kept


def api_client(who: Any = None) -> Any:
    """Django's test client, logged in as ``who`` (a user) when given."""
    from django.test import Client

    made = Client()
    if who is not None:
        made.force_login(who)
    return made


def api_post(path: str, body: Any, auth: dict[str, str], etag: str | None = None) -> Any:
    """POST ``body`` as JSON with a token's headers (``auth``), ``If-Match: etag`` when given."""
    import json

    headers = {"HTTP_IF_MATCH": f'"{etag}"'} if etag else {}
    return api_client().post(path, data=json.dumps(body), content_type="application/json", **headers, **auth)
