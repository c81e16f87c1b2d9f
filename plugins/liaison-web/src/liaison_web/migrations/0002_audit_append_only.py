"""The audit log is append-only in the database too: a trigger refuses every UPDATE and DELETE of
``liaison_web_auditentry``, whoever issues it (the model refuses them before: models.AuditEntry)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

TABLE = "liaison_web_auditentry"
MESSAGE = "the audit log is append-only (审计日志只能追加)"

SQLITE = [f"""CREATE TRIGGER {TABLE}_no_{what} BEFORE {what.upper()} ON {TABLE}
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""" for what in ("update", "delete")]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_no_{what}" for what in ("update", "delete")]

POSTGRES = [f"""CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$""",
            f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {TABLE}
FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_refuse()"""]
POSTGRES_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}", f"DROP FUNCTION IF EXISTS {TABLE}_refuse()"]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("liaison_web", "0001_initial")]
    operations = [migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                                       _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}))]
