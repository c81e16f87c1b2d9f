"""A year handed from the output folder to the database and back: every byte the same (state,
history, files, 已作废/), through the commands `liaison web import-year` / `export-year`."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import web_db
from click.testing import CliRunner
from web_db import YEAR

from liaison.formats.district import seed_district
from liaison.year.reconcile import Change
from liaison_workspace import FolderStore, Workspace

MOVED = "2027/joint_meeting/construction"


@pytest.fixture
def loaded_plugins() -> str:
    return "web,ical,docx"


def tree(folder: Path) -> dict[str, bytes]:
    """Every regular file under ``folder`` by its path inside it."""
    found: dict[str, bytes] = {}
    for place, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(place, name)
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


def made_folder(root: Path) -> Path:
    """The seed's 2027 in an output folder as the command leaves it after a life: planned, exported
    in December (the notices drafts), a date agreed and exported again once the notices are due (the
    drafts issued: their earlier bytes under 已作废/), published to nothing."""
    ws = Workspace(root)
    ws.update(seed_district(), YEAR)
    ws.export(seed_district(), YEAR, [("ical", {}), ("docx", {"kinds": "notice"})], issued_on=dt.date(2026, 12, 1))
    ws.update(seed_district(), YEAR, [Change("move", MOVED, dt.date(2027, 3, 16))], force=True)
    ws.export(seed_district(), YEAR, [("ical", {}), ("docx", {"kinds": "notice"})], issued_on=dt.date(2027, 1, 11))
    return root / str(YEAR)


def test_a_year_round_trips_byte_for_byte(tmp_path: Path) -> None:
    web_db.fresh("default")
    from liaison_web.plugin import web
    from liaison_web.store import DatabaseStore

    year = made_folder(tmp_path / "out")
    before = tree(year)
    assert any(p.startswith("已作废/") for p in before) and any(p.startswith(".history/") for p in before)
    runner = CliRunner()
    imported = runner.invoke(web, ["import-year", "--from", str(year), "--lang", "en"])
    # the database's first start planned the year: it is replaced only when asked
    assert imported.exit_code == 1 and "--replace" in imported.output and "already holds" in imported.output
    imported = runner.invoke(web, ["import-year", "--from", str(year), "--replace", "--lang", "en"])
    assert imported.exit_code == 0, imported.output
    folder = FolderStore(tmp_path / "out")
    database = DatabaseStore()
    assert [r.kind for r in database.revisions(seed_district(), YEAR)] == \
        [r.kind for r in folder.revisions(seed_district(), YEAR)]
    assert database.load(seed_district(), YEAR).state == folder.load(seed_district(), YEAR).state  # type: ignore[union-attr]
    exported = runner.invoke(web, ["export-year", "--year", str(YEAR), "--to", str(tmp_path / "back"),
                                   "--district", "seed", "--lang", "en"])
    assert exported.exit_code == 0, exported.output
    after = tree(tmp_path / "back" / str(YEAR))
    assert sorted(after) == sorted(before)
    from liaison_web import models

    logged = list(models.AuditEntry.objects.filter(object_id=f"seed/{YEAR}").order_by("-id")[:2])
    assert [e.action for e in logged] == ["export-year", "import-year"]
    current = database.load(seed_district(), YEAR)
    assert current is not None and logged[1].before and logged[1].after["revision"] == current.revision
    assert logged[0].actor == "liaison (command line)"
    assert logged[0].after["to"] == str((tmp_path / "back" / str(YEAR)).resolve())
    assert all(after[p] == before[p] for p in before), [p for p in before if after[p] != before[p]]
    # into a year that holds a state, nothing is merged: refused in the command's language, nothing changed
    again = runner.invoke(web, ["import-year", "--from", str(year), "--lang", "zh"])
    assert again.exit_code == 1 and "已有" in again.output and "未导入" in again.output
    assert [r.kind for r in database.revisions(seed_district(), YEAR)] == \
        [r.kind for r in folder.revisions(seed_district(), YEAR)]
    twice = runner.invoke(web, ["export-year", "--year", str(YEAR), "--to", str(tmp_path / "back"),
                                "--district", "seed", "--lang", "en"])
    assert twice.exit_code == 1 and "already holds" in twice.output
    assert tree(tmp_path / "back" / str(YEAR)) == after


def test_tokens_are_made_shown_once_and_revoked_by_the_command() -> None:
    web_db.setup()
    from django.contrib.auth import get_user_model

    from liaison_web import models
    from liaison_web.plugin import web
    from liaison_web.tokens import user_of

    web_db.counter += 1
    user = get_user_model()._default_manager.create_user(f"oa{web_db.counter}", password="x")
    runner = CliRunner()
    made = runner.invoke(web, ["token", "--user", user.username, "--name", "泛微", "--scope", "read", "--lang", "en"])
    assert made.exit_code == 0, made.output
    secret = made.output.strip().splitlines()[-1]
    kept = models.ApiToken.objects.get(prefix=secret[:12])
    assert secret.startswith("lsn_") and secret not in str(list(models.ApiToken.objects.values()))  # the hash only
    assert kept.scopes == ["read"] and user_of(secret) is not None
    done = runner.invoke(web, ["revoke", secret[:12], "--lang", "zh"])
    assert done.exit_code == 0 and "已撤销" in done.output and user_of(secret) is None
    again = runner.invoke(web, ["revoke", secret[:12], "--lang", "en"])
    assert again.exit_code == 1 and "no token in use" in again.output
    nobody = runner.invoke(web, ["token", "--user", "nobody-at-all", "--name", "x", "--lang", "zh"])
    assert nobody.exit_code == 1 and "没有用户" in nobody.output
    assert [e.action for e in models.AuditEntry.objects.filter(object_id=secret[:12])] == ["create", "revoke"]


def test_a_folder_that_is_not_a_year_or_holds_none_is_refused(tmp_path: Path) -> None:
    web_db.fresh("default")
    from liaison_web.plugin import web

    (tmp_path / "out" / "notes").mkdir(parents=True)
    (tmp_path / "out" / "2027").mkdir()
    runner = CliRunner()
    wrong = runner.invoke(web, ["import-year", "--from", str(tmp_path / "out" / "notes"), "--lang", "en"])
    assert wrong.exit_code == 1 and "not a year's folder" in wrong.output
    empty = runner.invoke(web, ["import-year", "--from", str(tmp_path / "out" / "2027"), "--lang", "zh"])
    assert empty.exit_code == 1 and "没有可交接" in empty.output
