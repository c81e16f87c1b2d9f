"""The command line and the service agree: a year exported by ``liaison export`` and the same year
downloaded through the API give byte-identical letters, calendars, workbooks and page — for the year
handed over as the command left it (``liaison web import-year``), and after the same change made on
each side (``liaison plan --move`` / ``POST …/move``) and the same issue (``liaison export --issued-on``
/ ``POST …/letters/issue``), where both export again rather than reuse."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import web_db
from click.testing import CliRunner
from web_db import YEAR

from liaison.formats.district import seed_district

BASE = f"/api/v1/districts/seed/years/{YEAR}"
#: The day both sides export on: the notices are due (issued), the invitations still drafts.
DAY = dt.date(2027, 3, 1)
LATER = dt.date(2027, 3, 2)
MOVED, MOVED_TO = "2027/joint_meeting/health", "2027-09-07"


@pytest.fixture
def loaded_plugins() -> str:
    return "web,ical,docx,xlsx,html"


def command(*args: str, today: dt.date | None = None) -> None:
    from liaison_cli.main import cli

    env = {"LIAISON_TODAY": today.isoformat()} if today is not None else None
    done = CliRunner().invoke(cli, [*args, "--lang", "en"], env=env)
    assert done.exit_code == 0, done.output


def exported(out: Path, day: dt.date) -> dict[str, bytes]:
    """``liaison export all`` on ``day``: the year's files by path (the state, its history and the
    archive of files an earlier export wrote aside; the letters' list, 公文清单.json, which the
    service reads rather than serves, left out)."""
    command("export", "all", "--year", str(YEAR), "--out", str(out), "--issued-on", day.isoformat(), today=day)
    folder = out / str(YEAR)
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(("plan-", ".")) and p.name != "公文清单.json"
            and not {".history", "已作废"} & set(p.relative_to(folder).parts)}


def downloaded(auth: dict[str, str], day: dt.date) -> dict[str, bytes]:
    """Every letter, calendar, workbook and the page through the API, on ``day``, by path in the year."""
    from django.test import Client

    client, query = Client(), {"day": day.isoformat()}
    got: dict[str, bytes] = {}

    def fetch(address: str, path: str) -> None:
        answer = client.get(address, query, **auth)
        assert answer.status_code == 200, (address, answer.content[:300])
        got[path] = answer.content

    letters = client.get(f"{BASE}/letters", query, **auth)
    assert letters.status_code == 200, letters.content
    for item in letters.json()["letters"]:
        fetch(f"{BASE}/letters/{item['path']}", item["path"])
    for kind in ("calendars", "workbooks"):
        for item in client.get(f"{BASE}/{kind}", query, **auth).json():
            fetch(f"{BASE}/{kind}/{item['name']}", item["path"])
    fetch(f"{BASE}/page", "index.html")
    return got


def test_the_command_and_the_service_give_the_same_bytes(tmp_path: Path, users: dict[str, Any]) -> None:
    from liaison_web.plugin import web
    from liaison_web.store import DatabaseStore
    from liaison_web.tokens import make_token

    web_db.fresh("default")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(users['admin'].username, 'cli', ('read', 'write'))}"}
    command("plan", "--year", str(YEAR), "--out", str(tmp_path / "out"))
    by_command = exported(tmp_path / "out", DAY)
    assert any(p.startswith("通知/") for p in by_command) and any(p.startswith("草稿/") for p in by_command)
    assert any(p.endswith(".ics") for p in by_command) and any(p.endswith(".xlsx") for p in by_command)
    shutil.copytree(tmp_path / "out", tmp_path / "again")

    handed = CliRunner().invoke(web, ["import-year", "--from", str(tmp_path / "out" / str(YEAR)), "--replace",
                                      "--lang", "en"])
    assert handed.exit_code == 0, handed.output
    # the year as the command left it: every file the same
    assert downloaded(auth, DAY) == by_command

    # the same change on each side, then each exports again on a later day
    command("plan", "--year", str(YEAR), "--out", str(tmp_path / "again"), "--move", f"{MOVED}@{MOVED_TO}",
            "--force")
    etag = DatabaseStore().current(seed_district(), YEAR)
    from django.test import Client

    moved = Client().post(f"{BASE}/engagements/{MOVED}/move", json.dumps({"date": MOVED_TO, "force": True}),
                          content_type="application/json", HTTP_IF_MATCH=f'"{etag}"', **auth)
    assert moved.status_code == 200, moved.content
    by_command = exported(tmp_path / "again", LATER)
    # the command's export on a day issues what is due by it; the service's download issues nothing
    # (a letter not issued is served as its draft): its issue is POST …/letters/issue
    issued = Client().post(f"{BASE}/letters/issue", json.dumps({"day": LATER.isoformat(), "force": True}),
                           content_type="application/json",
                           HTTP_IF_MATCH=f'"{DatabaseStore().current(seed_district(), YEAR)}"', **auth)
    assert issued.status_code == 200, issued.content
    assert issued.json()["issued"]  # the health bureau's 补充通知 for the moved meeting
    through_api = downloaded(auth, LATER)
    assert through_api.keys() == by_command.keys()
    differing = sorted(p for p in by_command if through_api[p] != by_command[p])
    assert differing == []
    # and the change is in them: the health bureau's calendar has the meeting on its new day
    assert MOVED_TO.replace("-", "").encode() in by_command["ical/health.ics"]
