"""A save writes the year's state once — in its revision's row — where it wrote it twice (the year's
row held a copy): the statements of a change counted, and the migration that dropped the copy
(0009) keeping every year's current state, forwards and back."""

from __future__ import annotations

from typing import Any

from web_db import YEAR

from liaison.formats.district import seed_district
from liaison.formats.state import state_to_json
from liaison.year.reconcile import Change

#: Each test on SQLite and, under .ci/with-postgres, on PostgreSQL (conftest.pytest_generate_tests).
ON_POSTGRES_TOO = True

BEFORE, AFTER = "0009_pagescity_parsed_versions", "0010_apispeed_year_state_once"  # the one before, the migration
HEALTH = f"{YEAR}/joint_meeting/health"


def test_a_change_writes_the_years_state_in_one_statement(database: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liaison_web import models
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    store = DatabaseStore()
    with CaptureQueriesContext(connection) as captured:
        outcome = Workspace(store=store).update(seed_district(), YEAR, [Change("confirm", HEALTH)])
    stored = store.load(seed_district(), YEAR)
    assert stored is not None and stored.revision == outcome.revision
    data = state_to_json(stored.state)
    assert len(data) > 10_000  # the seed's year (30 kB planned, more once exported): what was written twice
    writes = [q["sql"] for q in captured.captured_queries
              if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    # the state is the one long statement (the year's row and every other write are short)
    carrying = [q for q in writes if len(q) >= len(data) // 2]
    assert len(carrying) == 1, [q[:120] for q in carrying]
    assert models.YearRevision._meta.db_table in carrying[0]
    assert len(writes) == 2, [q[:120] for q in writes]  # the year's row (its revision) and the revision's row
    # and what is read back is that row's text
    row = models.Year.objects.get(district__code="seed", year=YEAR)
    assert models.YearRevision.objects.get(year=row, tag=row.revision).state == data


def test_the_migration_keeps_every_years_current_state_forwards_and_back(database: str) -> None:
    """On a database of its own at 0008: a year saved as 0008 saved it (its state in both rows) and
    one whose row names a revision without its row; migrated to 0009 both states are in revision rows,
    and migrated back the year's rows hold them again."""
    import web_db
    from django.core.management import call_command
    from django.db import connections

    alias = web_db.spare()
    connection = connections[alias]
    quote = connection.ops.quote_name
    try:
        call_command("migrate", "liaison_web", BEFORE, database=alias, verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {quote('liaison_web_district')} (code, name, created) VALUES "
                           "('mig-a', '', CURRENT_TIMESTAMP), ('mig-b', '', CURRENT_TIMESTAMP)")
            cursor.execute(f"SELECT id, code FROM {quote('liaison_web_district')} WHERE code IN ('mig-a', 'mig-b')")
            ids = {code: pk for pk, code in cursor.fetchall()}
            for code, state in (("mig-a", '{"a": 1}'), ("mig-b", '{"b": 2}')):
                cursor.execute(f"INSERT INTO {quote('liaison_web_year')} (district_id, year, state, revision, seq) "
                               "VALUES (%s, %s, %s, %s, 1)", [ids[code], YEAR, state, f"1-{code[-1] * 16}"])
            cursor.execute(f"SELECT id FROM {quote('liaison_web_year')} WHERE district_id = %s", [ids["mig-a"]])
            (year_a,) = cursor.fetchone()
            cursor.execute(f"INSERT INTO {quote('liaison_web_yearrevision')} (year_id, seq, tag, kind, export, at, "
                           "state) VALUES (%s, 1, %s, 'update', NULL, CURRENT_TIMESTAMP, %s)",
                           [year_a, f"1-{'a' * 16}", '{"a": 1}'])
        call_command("migrate", "liaison_web", AFTER, database=alias, verbosity=0,
                     interactive=False)
        states = _current_states(connection, ids)
        assert states == {"mig-a": '{"a": 1}', "mig-b": '{"b": 2}'}
        call_command("migrate", "liaison_web", BEFORE, database=alias, verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT d.code, y.state FROM {quote('liaison_web_year')} y JOIN "
                           f"{quote('liaison_web_district')} d ON d.id = y.district_id "
                           "WHERE d.code IN ('mig-a', 'mig-b')")
            assert dict(cursor.fetchall()) == states
    finally:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {quote('liaison_web_yearrevision')} WHERE year_id IN (SELECT y.id FROM "
                           f"{quote('liaison_web_year')} y JOIN {quote('liaison_web_district')} d ON "
                           "d.id = y.district_id WHERE d.code IN ('mig-a', 'mig-b'))")
            cursor.execute(f"DELETE FROM {quote('liaison_web_year')} WHERE district_id IN (SELECT id FROM "
                           f"{quote('liaison_web_district')} WHERE code IN ('mig-a', 'mig-b'))")
            cursor.execute(f"DELETE FROM {quote('liaison_web_district')} WHERE code IN ('mig-a', 'mig-b')")


def _current_states(connection: Any, ids: dict[str, int]) -> dict[str, str]:
    """Each district's current state as 0009 keeps it: the revision row the year's row names."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.code, r.state FROM {quote('liaison_web_year')} y "
                       f"JOIN {quote('liaison_web_district')} d ON d.id = y.district_id "
                       f"JOIN {quote('liaison_web_yearrevision')} r ON r.year_id = y.id AND r.tag = y.revision "
                       "WHERE d.code IN ('mig-a', 'mig-b')")
        return dict(cursor.fetchall())
