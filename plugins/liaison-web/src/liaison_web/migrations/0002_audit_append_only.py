"""The audit log is append-only in the database too: a trigger refuses every UPDATE and DELETE of
``liaison_web_auditentry``, whoever issues it (the model refuses them before: models.AuditEntry)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "liaison_web_auditentry"
MESSAGE = "the audit log is append-only (审计日志只能追加)"


def append_only(table: str, message: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The statements making ``table`` append-only, by database vendor, and those undoing it."""
    sqlite = [f"""CREATE TRIGGER {table}_no_{what} BEFORE {what.upper()} ON {table}
BEGIN SELECT RAISE(ABORT, '{message}'); END""" for what in ("update", "delete")]
    sqlite_drop = [f"DROP TRIGGER IF EXISTS {table}_no_{what}" for what in ("update", "delete")]
    postgres = [f"""CREATE OR REPLACE FUNCTION {table}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '{message}'; END $$""",
                f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse()"""]
    postgres_drop = [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                     f"DROP FUNCTION IF EXISTS {table}_refuse()"]
    return {"sqlite": sqlite, "postgresql": postgres}, {"sqlite": sqlite_drop, "postgresql": postgres_drop}


MAKE, UNDO = append_only(TABLE, MESSAGE)
SQLITE, POSTGRES = MAKE["sqlite"], MAKE["postgresql"]


def run_sql(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("liaison_web", "0001_initial")]
    operations = [migrations.RunPython(run_sql(MAKE), run_sql(UNDO))]
