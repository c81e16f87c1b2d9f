"""The ``liaison publish caldav`` command as docs/publishing.md runs it, against a real Radicale on
127.0.0.1: export, publish, publish again (nothing sent), move an engagement with ``liaison plan``,
publish (one PUT per calendar holding it), and the errors an office meets (a wrong password, a
missing password variable, no export yet) as one sentence each, exit 1, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from caldav_radicale import PASSWORD, Radicale, available, report_events, start, stop

from liaison_caldav import collection_slug
from liaison_ical import uid_for

pytestmark = pytest.mark.skipif(not available(), reason="radicale is not installed (pip install radicale)")

YEAR = "2027"
USER = "user40"  # the shared server's last account: the other tests count from user1


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    server = start(tmp_path_factory.mktemp("radicale-cli"))
    try:
        yield server
    finally:
        stop(server)


def liaison(*args: str, cwd: Path, password: str | None = PASSWORD) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIAISON_PLUGINS": "ical,caldav", "COLUMNS": "200"}
    env.pop("LIAISON_TEST_CALDAV_PASSWORD", None)
    if password is not None:
        env["LIAISON_TEST_CALDAV_PASSWORD"] = password
    return subprocess.run([sys.executable, "-m", "liaison_cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def publish(server: Radicale, cwd: Path, password: str | None = PASSWORD) -> subprocess.CompletedProcess[str]:
    return liaison("publish", "caldav", "--year", YEAR, "--out", "out", "--url", server.url, "--user", USER,
                   "--password-env", "LIAISON_TEST_CALDAV_PASSWORD", cwd=cwd, password=password)


def master_events(server: Radicale) -> dict[str, icalendar.Event]:
    collection = f"{server.url}{USER}/{collection_slug('seed', YEAR, '全部')}/"
    found = {}
    for _href, (_etag, data) in report_events(collection, USER, PASSWORD).items():
        (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
        found[str(event["UID"])] = event
    return found


def state(cwd: Path) -> dict[str, object]:
    (path,) = (cwd / "out" / YEAR).glob("*.json")
    loaded: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def assert_one_sentence(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr


def test_the_documented_round(radicale: Radicale, tmp_path: Path) -> None:
    before_any = publish(radicale, tmp_path)
    assert_one_sentence(before_any, "liaison export")  # nothing exported yet: says what to run

    exported = liaison("export", "ical", "--year", YEAR, "--out", "out", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    engagements = state(tmp_path)["engagements"]
    assert isinstance(engagements, list) and len(engagements) > 40

    first = publish(radicale, tmp_path)
    assert first.returncode == 0, first.stderr
    on_server = master_events(radicale)
    assert set(on_server) == {uid_for("seed", e["id"]) for e in engagements}
    text = json.dumps(state(tmp_path), ensure_ascii=False)
    assert radicale.url in text and PASSWORD not in text  # the target is recorded, the password never

    mark = len(radicale.requests_seen())
    again = publish(radicale, tmp_path)
    assert again.returncode == 0, again.stderr
    writing = ("PUT", "DELETE", "MKCALENDAR", "PROPPATCH")
    writes = [m for m, _ in radicale.requests_seen()[mark:] if m in writing]
    assert writes == []

    target = engagements[3]
    moved = liaison("plan", "--year", YEAR, "--out", "out", "--move", f"{target['id']}@2027-12-15",
                    cwd=tmp_path)
    assert moved.returncode == 0, moved.stderr
    mark = len(radicale.requests_seen())
    third = publish(radicale, tmp_path)
    assert third.returncode == 0, third.stderr
    puts = [path for m, path in radicale.requests_seen()[mark:] if m == "PUT"]
    assert len(puts) == 1 + len(set(target["participants"]))  # the master and each participant's calendar
    event = master_events(radicale)[uid_for("seed", target["id"])]
    assert event.decoded("DTSTART").date().isoformat() == "2027-12-15"
    assert int(event["SEQUENCE"]) == 1


def test_a_wrong_password_and_a_missing_variable(radicale: Radicale, tmp_path: Path) -> None:
    exported = liaison("export", "ical", "--year", YEAR, "--out", "out", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    before = state(tmp_path)
    wrong = publish(radicale, tmp_path, password="not-the-password")
    assert_one_sentence(wrong, radicale.url)
    assert "not-the-password" not in wrong.stderr + wrong.stdout
    missing = publish(radicale, tmp_path, password=None)
    assert missing.returncode == 2 and "LIAISON_TEST_CALDAV_PASSWORD" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert state(tmp_path) == before  # nothing was published, so nothing recorded
