"""The ``liaison publish caldav`` command as docs/publishing.md runs it, against a real Radicale on
127.0.0.1: export, publish, publish again (nothing sent), move an engagement with ``liaison plan``,
publish (one PUT per calendar holding it), and the errors an office meets (a wrong password, also
when nothing needs sending, a missing password variable, no export yet) as one sentence each, exit 1,
no traceback, in the language asked; an event changed on the server is a conflict, exit 3, and
``overwrite=true`` reports it as overwritten, exit 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from caldav_radicale import PASSWORD, Radicale, available, report_events, request, start, stop

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


def publish(server: Radicale, cwd: Path, password: str | None = PASSWORD, *more: str, user: str = USER
            ) -> subprocess.CompletedProcess[str]:
    return liaison("publish", "caldav", "--year", YEAR, "--out", "out", "--url", server.url, "--user", user,
                   "--password-env", "LIAISON_TEST_CALDAV_PASSWORD", *more, cwd=cwd, password=password)


def master_hrefs(server: Radicale, user: str = USER) -> dict[str, tuple[str, icalendar.Event]]:
    """The master calendar on the server, by UID: (the resource's URL, its event)."""
    collection = f"{server.url}{user}/{collection_slug('seed', YEAR, '全部')}/"
    found = {}
    for href, (_etag, data) in report_events(collection, user, PASSWORD).items():
        (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
        found[str(event["UID"])] = (server.url.rstrip("/") + href, event)
    return found


def master_events(server: Radicale, user: str = USER) -> dict[str, icalendar.Event]:
    return {uid: event for uid, (_, event) in master_hrefs(server, user).items()}


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


def test_a_wrong_password_with_nothing_to_send_in_both_languages(radicale: Radicale, tmp_path: Path) -> None:
    user = "user38"
    assert liaison("export", "ical", "--year", YEAR, "--out", "out", cwd=tmp_path).returncode == 0
    assert publish(radicale, tmp_path, PASSWORD, user=user).returncode == 0
    before = state(tmp_path)
    quiet = publish(radicale, tmp_path, PASSWORD, user=user)  # nothing changed: 0 writes, 1 read
    assert quiet.returncode == 0 and "请求 1 次（写入 0 次）" in quiet.stdout, quiet.stdout + quiet.stderr
    zh = publish(radicale, tmp_path, "not-the-password", user=user)
    assert_one_sentence(zh, radicale.url, "错误: CalDAV 服务器", "服务器拒绝了用户名或密码（HTTP 401）",
                        "请检查用户名和密码")
    assert "refused" not in zh.stderr and "已发布" not in zh.stdout
    en = publish(radicale, tmp_path, "not-the-password", "--lang", "en", user=user)
    assert_one_sentence(en, "error: CalDAV server", "refused the user name or password (HTTP 401)",
                        "check the user and the password")
    assert "服务器" not in en.stderr
    assert state(tmp_path) == before


def test_a_conflict_exits_3_and_an_overwrite_says_so(radicale: Radicale, tmp_path: Path) -> None:
    user = "user39"
    assert liaison("export", "ical", "--year", YEAR, "--out", "out", cwd=tmp_path).returncode == 0
    assert publish(radicale, tmp_path, user=user).returncode == 0
    target = state(tmp_path)["engagements"][5]  # type: ignore[index]
    uid = uid_for("seed", target["id"])
    href, _ = master_hrefs(radicale, user)[uid]
    status, _, data = request(href, "GET", user, PASSWORD)
    assert status == 200
    edited = data.replace(b"SUMMARY:", b"SUMMARY:[edited] ")
    assert request(href, "PUT", user, PASSWORD, edited, {"Content-Type": "text/calendar"})[0] in (201, 204)
    moved = liaison("plan", "--year", YEAR, "--out", "out", "--move", f"{target['id']}@2027-12-16",
                    cwd=tmp_path)
    assert moved.returncode == 0, moved.stderr

    kept = publish(radicale, tmp_path, user=user)
    assert kept.returncode == 3, kept.stdout + kept.stderr  # completed with problems, as check --fail-on
    assert (f"冲突（保留服务器上的版本，未覆盖）：全部 {uid} "
            "发布后已在服务器上被修改或删除；保留服务器上的版本") in kept.stdout
    assert "changed" not in kept.stdout
    kept_en = publish(radicale, tmp_path, PASSWORD, "--lang", "en", user=user)
    assert kept_en.returncode == 3
    assert (f"Conflict, the server's version kept: 全部 {uid} it was changed or deleted on the server "
            "since it was published; left as the server has it") in kept_en.stdout
    assert "[edited]" in str(master_events(radicale, user)[uid]["SUMMARY"])

    forced = publish(radicale, tmp_path, PASSWORD, "--option", "overwrite=true", user=user)
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert f"服务器上已被修改，已覆盖（overwrite 选项）：全部 {uid}" in forced.stdout
    assert "已覆盖（overwrite 选项）" in forced.stdout and "未覆盖" not in forced.stdout
    assert "[edited]" not in str(master_events(radicale, user)[uid]["SUMMARY"])
    again = publish(radicale, tmp_path, user=user)
    assert again.returncode == 0 and "冲突" not in again.stdout
