"""The service's tables: migrations committed and complete, the audit log append-only (the model
and the database's own trigger, on every database of the session), the settings read from a URL,
the secret key kept, and the command group the hook extends."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import web_db


def aliases() -> tuple[str, ...]:
    return web_db.setup()


def test_the_migrations_match_the_models() -> None:
    """`makemigrations --check`: a model changed without its migration fails here."""
    web_db.setup()
    from django.core.management import call_command

    call_command("makemigrations", "liaison_web", check=True, dry_run=True, verbosity=0)


@pytest.mark.parametrize("alias", ["default", pytest.param("postgres", marks=pytest.mark.skipif(
    not web_db.postgres_url(), reason=f"{web_db.POSTGRES_ENV} not set"))])
def test_the_audit_log_is_append_only(alias: str) -> None:
    aliases()
    from django.db import DatabaseError, connections, transaction

    from liaison_web import models

    entry = models.AuditEntry.objects.using(alias).create(actor="test", action="confirm", object_type="engagement",
                                                          object_id="2027/x", before={"a": 1}, after={"a": 2})
    entry.action = "cancel"
    with pytest.raises(models.AuditLogError) as info:
        entry.save(using=alias)
    assert "append-only" in info.value.render("en") and "只能追加" in info.value.render("zh")
    for refused in (lambda: entry.delete(using=alias),
                    lambda: models.AuditEntry.objects.using(alias).filter(pk=entry.pk).update(action="x"),
                    lambda: models.AuditEntry.objects.using(alias).filter(pk=entry.pk).delete()):
        with pytest.raises(models.AuditLogError):
            refused()
    table = models.AuditEntry._meta.db_table
    for sql in (f"UPDATE {table} SET action = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(using=alias), \
                connections[alias].cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    kept = models.AuditEntry.objects.using(alias).get(pk=entry.pk)
    assert (kept.action, kept.before, kept.after) == ("confirm", {"a": 1}, {"a": 2})


def test_database_urls(tmp_path: Path) -> None:
    from liaison_web.settings import ConfigError, database_settings

    sqlite = database_settings(f"sqlite:///{tmp_path}/x.sqlite3")
    assert sqlite["NAME"] == str(tmp_path / "x.sqlite3") and sqlite["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    postgres = database_settings("postgresql://clerk:p%40ss@db.example:5433/liaison?sslmode=require")
    assert (postgres["USER"], postgres["PASSWORD"], postgres["HOST"], postgres["PORT"], postgres["NAME"]) == \
        ("clerk", "p@ss", "db.example", "5433", "liaison")
    assert postgres["OPTIONS"]["sslmode"] == "require"
    for wrong in ("mysql://x/y", "sqlite://"):
        with pytest.raises(ConfigError) as info:
            database_settings(wrong)
        assert info.value.file == "DATABASE_URL" and info.value.message_zh and info.value.fix_zh


def test_settings_behind_https_and_by_default(tmp_path: Path) -> None:
    """DEBUG is never on; behind an HTTPS proxy the cookies are Secure and the proxy's scheme trusted."""
    from liaison_web.settings import django_settings

    plain = django_settings(f"sqlite:///{tmp_path}/a.sqlite3")
    behind = django_settings(f"sqlite:///{tmp_path}/a.sqlite3", secure=True, allowed=("liaison.example.gov.cn",))
    assert plain["DEBUG"] is False and behind["DEBUG"] is False
    assert (plain["SESSION_COOKIE_SECURE"], plain["CSRF_COOKIE_SECURE"], plain["SECURE_PROXY_SSL_HEADER"]) == \
        (False, False, None)
    assert (behind["SESSION_COOKIE_SECURE"], behind["CSRF_COOKIE_SECURE"]) == (True, True)
    assert behind["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert behind["ALLOWED_HOSTS"] == ["liaison.example.gov.cn"] and "127.0.0.1" in plain["ALLOWED_HOSTS"]
    assert plain["SESSION_COOKIE_HTTPONLY"] and plain["SECRET_KEY"] == behind["SECRET_KEY"]  # kept beside the file
    assert "ninja" in plain["INSTALLED_APPS"]  # the docs page's assets are the app's own static files


def test_the_secret_key_is_made_once_and_kept_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison_web.settings import SECRET_FILE, secret_key

    monkeypatch.delenv("LIAISON_SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50 and secret_key(tmp_path) == first
    assert (tmp_path / SECRET_FILE).stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("LIAISON_SECRET_KEY", "given")
    assert secret_key(tmp_path) == "given"


def test_an_unreachable_database_is_the_one_error_shape() -> None:
    """A failure of the database is a StorageError naming the store's place, never a driver's traceback."""
    web_db.setup()
    from django.db import connections

    from liaison.base.errors import StorageError
    from liaison.formats.district import seed_district
    from liaison_web.store import DatabaseStore

    connections.settings["broken"] = {**connections.settings["default"], "NAME": "/nonexistent/folder/x.sqlite3"}
    try:
        with pytest.raises(StorageError) as info:
            DatabaseStore(using="broken").load(seed_district(), 2027)
        assert info.value.file == "<database:broken>/seed/2027" and "数据库" in info.value.render("zh")
        with pytest.raises(StorageError), DatabaseStore(using="broken").lock(seed_district(), 2027):
            pass  # its lock file cannot be made either: the same error, no OSError's traceback
    finally:
        connections["broken"].close()
        del connections.settings["broken"]


def test_the_hook_adds_serve_and_web_to_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison_cli.main import cli, plugin_commands

    assert os.environ["LIAISON_PLUGINS"] == "web" and "serve" not in cli.commands
    try:
        plugin_commands()
        assert {"serve", "web"} <= set(cli.commands)
        assert {"import-year", "export-year", "token"} <= set(cli.commands["web"].commands)  # type: ignore[attr-defined]
    finally:  # the other tests of the session see the command as the core makes it
        cli.commands.pop("serve", None)
        cli.commands.pop("web", None)


def test_djangos_system_checks_pass() -> None:
    """The settings made in code pass Django's checks (the admin's templates and middleware, the models)."""
    web_db.setup()
    from django.core.management import call_command

    call_command("check", fail_level="WARNING", verbosity=0)
