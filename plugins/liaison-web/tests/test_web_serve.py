"""`liaison serve` for real: a process on a free port of 127.0.0.1 with no configuration, in an
empty folder; the password it prints once logs in over HTTP and reads the plan; stopped by its
process id. A second start keeps the database and prints no password."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import web_db
from web_serve import ADMIN_PASSWORD, LIAISON, address, get, log_in, post, start, stop, wait_healthy


def log_in_and_read_the_plan(base: str, password: str, year: int) -> None:
    browser, jar = _log_in_and_read_the_plan(base, password, year)
    change_over_http(base, browser, jar, year)


def change_over_http(base: str, browser: urllib.request.OpenerDirector, jar: http.cookiejar.CookieJar,
                     year: int) -> None:
    """With the session (and its CSRF token): confirm an engagement on its ETag, a second change on
    the same (now stale) ETag is 412 naming the current one, and the audit log has the change, from
    the loopback address."""
    one = f"{base}/api/v1/districts/seed/years/{year}/engagements/{year}/joint_meeting/health"
    status, headers, _ = get(browser, one)
    assert status == 200
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    sent = {"Content-Type": "application/json", "X-CSRFToken": str(csrf), "Referer": f"{base}/",
            "If-Match": str(headers["ETag"]), "Accept-Language": "en"}
    status, changed, body = post(browser, f"{one}/confirm", b"{}", sent)
    assert status == 200 and json.loads(body)["status"] == "agreed", body
    status, stale, body = post(browser, f"{one}/cancel", b'{"reason": "x"}', sent)
    assert status == 412 and stale["ETag"] == changed["ETag"] and json.loads(body)["engagement"]["status"] == "agreed"
    assert not re.search(r"[\u4e00-\u9fff]", json.loads(body)["rendered"])  # Accept-Language: en
    status, _, body = get(browser, f"{one}/audit")
    entries = json.loads(body)
    assert status == 200 and [(e["action"], e["actor"], e["remote_address"]) for e in entries] == [
        ("confirm", "admin", "127.0.0.1")]


def _log_in_and_read_the_plan(base: str, password: str,
                              year: int) -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    """Over HTTP as a browser does: refused without a login; the login form (its CSRF token), the
    session cookie (HttpOnly); then the plan of ``year`` with its ETag."""
    plan_url = f"{base}/api/v1/districts/seed/years/{year}/plan"
    status, headers, body = get(urllib.request.build_opener(), plan_url)
    assert status == 401 and json.loads(body)["kind"] == "NotAuthenticated"
    browser, jar, led_to = log_in(base, "admin", password, "/api/v1/docs")
    assert led_to.endswith("/api/v1/docs")  # redirected to the docs page
    assert any(c.name == "sessionid" and c.has_nonstandard_attr("HttpOnly") for c in jar)
    status, headers, body = get(browser, plan_url)
    assert status == 200 and str(headers["ETag"]).startswith('"'), body
    plan = json.loads(body)
    assert plan["district"] == "seed" and plan["year"] == year and plan["engagements"]
    return browser, jar


def test_serve_on_the_embedded_default_logs_in_and_reads_the_plan(tmp_path: Path) -> None:
    process, lines = start(tmp_path)
    try:
        shown = "\n".join(lines)
        password = re.search(r"user admin, password (\S+)", shown)
        assert password, shown
        planned = [int(y) for y in re.findall(r"seed: the (\d{4}) planned", shown)]
        assert len(planned) == 2 and planned[1] == planned[0] + 1
        assert (tmp_path / "liaison.sqlite3").is_file() and (tmp_path / "liaison.secret").is_file()
        base = address(lines)
        assert "/login/" in lines[-1] and "/api/v1/docs" in lines[-1]
        assert wait_healthy(base) == {"status": "ok", "database": "sqlite", "api": "v1"}

        log_in_and_read_the_plan(base, password.group(1), planned[1])
    finally:
        stop(process)

    again, lines = start(tmp_path, env={"LIAISON_ADMIN_PASSWORD": "not-used"})
    try:
        assert not any("password" in line for line in lines[:-1]), lines  # the database was ready: nothing made
        assert wait_healthy(address(lines))["status"] == "ok"
    finally:
        stop(again, signal.SIGINT)


def test_init_only_with_a_given_password_and_a_database_url(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "LIAISON_SECRET_KEY"}
    environment.update({"LIAISON_PLUGINS": "web", "LIAISON_ADMIN_PASSWORD": "given-password",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'office.sqlite3'}"})
    (tmp_path / "data").mkdir()
    done = subprocess.run([LIAISON, "serve", "--init-only", "--lang", "zh"], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "LIAISON_ADMIN_PASSWORD" in done.stdout and "已创建管理员" in done.stdout
    assert "given-password" not in done.stdout
    assert (tmp_path / "data" / "office.sqlite3").is_file() and (tmp_path / "data" / "liaison.secret").is_file()
    assert not (tmp_path / "liaison.sqlite3").exists()
    wrong = subprocess.run([LIAISON, "serve", "--init-only", "--lang", "en", "--database", "mysql://x/y"],
                           cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300)
    assert wrong.returncode == 1 and wrong.stderr.startswith("error: DATABASE_URL: ")
    assert "Traceback" not in wrong.stderr


@pytest.mark.skipif(not web_db.postgres_url(), reason=f"{web_db.POSTGRES_ENV} not set")
def test_serve_on_postgresql(tmp_path: Path) -> None:
    """DATABASE_URL names the PostgreSQL server: the same start, the same login and plan; the secret
    key is kept in the folder it starts in."""
    url = web_db.postgres_url()
    assert url is not None
    process, lines = start(tmp_path, env={"DATABASE_URL": url, "LIAISON_ADMIN_PASSWORD": ADMIN_PASSWORD})
    try:
        base = address(lines)
        assert wait_healthy(base) == {"status": "ok", "database": "postgresql", "api": "v1"}
        assert (tmp_path / "liaison.secret").is_file() and not (tmp_path / "liaison.sqlite3").exists()
        log_in_and_read_the_plan(base, ADMIN_PASSWORD, dt.date.today().year + 1)  # planned at each start
    finally:
        stop(process)


def test_a_database_holding_a_year_but_no_district_data_gets_the_seed(tmp_path: Path) -> None:
    """A year saved through the store names its district without its data: the first start still
    stores the seed district's data, so the district can be read (found on PostgreSQL, where the tests
    share one database)."""
    url = f"sqlite:///{tmp_path / 'liaison.sqlite3'}"
    environment = {**os.environ, "LIAISON_PLUGINS": ""}
    year = dt.date.today().year + 1
    saved = subprocess.run([sys.executable, "-c", f"""
from liaison_web.settings import configure
configure({url!r})
from django.core.management import call_command
call_command("migrate", verbosity=0)
from liaison.formats.district import seed_district
from liaison_web.store import DatabaseStore
from liaison_workspace import Workspace
Workspace(store=DatabaseStore()).update(seed_district(), {year})
"""], env=environment, capture_output=True, text=True, timeout=300)
    assert saved.returncode == 0, saved.stderr
    done = subprocess.run([LIAISON, "serve", "--init-only", "--lang", "en", "--database", url], cwd=tmp_path,
                          env={**environment, "LIAISON_PLUGINS": "web"}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"seed: the {year - 1} planned" in done.stdout and f"the {year} planned" not in done.stdout  # kept
    assert "user admin, password" in done.stdout


def test_what_keeps_the_service_from_starting_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    """A port taken, an address not this machine's, a database that cannot be made or reached, a port
    that is not a number: one line in the command's language, exit 1, no traceback, no password shown;
    a port taken is said before the database is made (the database stays as it was: here, absent)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("LIAISON_SECRET_KEY", "DATABASE_URL")}
    environment["LIAISON_PLUGINS"] = "web"
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))  # a port some program holds
    holder.listen()
    taken = holder.getsockname()[1]
    try:
        cases = [
            (["--port", str(taken)], f"port {taken} on 127.0.0.1 is in use", f"--port {taken + 1}"),
            (["--host", "192.0.2.1", "--port", str(taken)], "cannot listen on 192.0.2.1", "--host 127.0.0.1"),
            (["--host", "no-such-host.invalid", "--port", str(taken)], "not an address of this machine", "--host"),
            (["--init-only", "--database", "sqlite:////proc/nope/x.sqlite3"], "cannot start the service",
             "--database sqlite:///PATH"),
            (["--init-only", "--database", "postgresql://u:secret@127.0.0.1:1/x"],
             "the database refused the service", "reachable"),
            (["--init-only", "--database", "postgresql://u:secret@host:notaport/x"], "not a number", "5432"),
        ]
        for arguments, what, fix in cases:
            for lang in ("en", "zh"):
                done = subprocess.run([LIAISON, "serve", "--lang", lang, *arguments], cwd=tmp_path, env=environment,
                                      capture_output=True, text=True, timeout=300)
                assert done.returncode == 1, (arguments, done.stdout, done.stderr)
                assert "Traceback" not in done.stderr and "secret" not in done.stderr, done.stderr
                assert len(done.stderr.strip().splitlines()) == 1, done.stderr
                if lang == "en":
                    assert done.stderr.startswith("error: ") and what in done.stderr and fix in done.stderr, done.stderr
                else:
                    assert done.stderr.startswith("错误: ") and "处理办法" in done.stderr, done.stderr
                    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,} [a-z]{3,}", done.stderr.replace(fix, "")), done.stderr
    finally:
        holder.close()
    assert not (tmp_path / "liaison.sqlite3").exists()
def test_the_database_and_its_wal_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    """liaison.sqlite3 holds the session keys and the password hashes: made 0600 (and its -wal and
    -shm, which SQLite makes with the database's mode) under the usual umask 022, as the secret is;
    a file left 0644 by an earlier version is narrowed when the service starts."""
    import stat

    def modes() -> dict[str, int]:
        return {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()
                if p.name.startswith("liaison.sqlite3") and p.is_file()}

    before = os.umask(0o022)
    try:
        process, lines = start(tmp_path)
        try:
            wait_healthy(address(lines))
            running = modes()  # while it runs: the WAL and its index exist
        finally:
            stop(process)
        assert {"liaison.sqlite3", "liaison.sqlite3-wal", "liaison.sqlite3-shm"} <= set(running), running
        assert set(running.values()) == {0o600}, running
        assert stat.S_IMODE((tmp_path / "liaison.secret").stat().st_mode) == 0o600
        (tmp_path / "liaison.sqlite3").chmod(0o644)
        again, lines = start(tmp_path)
        try:
            wait_healthy(address(lines))
            assert set(modes().values()) == {0o600}, modes()
        finally:
            stop(again)
    finally:
        os.umask(before)
