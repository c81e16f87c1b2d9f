"""``liaison serve --workers 2``: two processes serving on one socket (liaison_web.serving), each with
its own cache of answers — and never a stale answer: after a change made through either of them,
every read through any of them (a new connection each, handed to whichever process accepts it)
answers the new revision, because each read keys its cache on the revision it reads in its own
query. SIGTERM to the parent stops the workers and frees the port. On SQLite and on PostgreSQL."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import web_db
from web_serve import ADMIN_PASSWORD, address, api_token, get, post, start, stop, wait_healthy

ALIASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not web_db.postgres_url(), reason="LIAISON_TEST_POSTGRES is not set (.ci/with-postgres sets it)"))]


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(n) for n in (task / "children").read_text().split()]
    return found


@pytest.mark.parametrize("backend", ALIASES)
def test_two_workers_never_answer_a_stale_revision(tmp_path: Path, backend: str) -> None:
    env = {"LIAISON_ADMIN_PASSWORD": ADMIN_PASSWORD}
    if backend == "postgres":
        env["DATABASE_URL"] = str(web_db.postgres_url())
    process, lines = start(tmp_path, "--workers", "2", "--threads", "2", env=env)
    try:
        base = address(lines)
        wait_healthy(base)
        assert len(_children(process.pid)) == 2  # the parent supervises, two workers serve
        auth = {"Authorization": f"Bearer {api_token(tmp_path, env, 'workers')}"}
        year = dt.date.today().year + 1  # planned at each start
        one = f"{base}/api/v1/districts/seed/years/{year}/engagements/{year}/joint_meeting/construction"
        plan = f"{base}/api/v1/districts/seed/years/{year}/plan"

        def read(url: str) -> tuple[str, Any]:
            # a new connection each time (no keep-alive): either worker may take it
            opener = urllib.request.build_opener()
            opener.addheaders = list(auth.items())
            status, headers, body = get(opener, url)
            assert status == 200, body[:300]
            return str(headers["ETag"]), json.loads(body)

        for _ in range(4):
            for _ in range(4):  # both workers have the revision before the change cached
                etag, engagement = read(one)
                planned, _ = read(plan)
            day = f"{year}-09-07" if engagement["date"] != f"{year}-09-07" else f"{year}-09-08"
            status, headers, body = post(urllib.request.build_opener(), f"{one}/move",
                                         json.dumps({"date": day, "force": True}).encode(),
                                         {**auth, "If-Match": etag, "Content-Type": "application/json"})
            assert status == 200, body[:300]
            after = str(headers["ETag"])
            assert after != etag
            for _ in range(6):
                seen, engagement = read(one)
                assert (seen, engagement["date"]) == (after, day)
                seen, whole = read(plan)
                assert seen not in (etag, after, planned)  # a new revision of the year, not the engagement's tag
                assert next(e for e in whole["engagements"] if e["id"] == engagement["id"])["date"] == day
    finally:
        workers = _children(process.pid)
        stop(process)
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    with socket.socket() as probe:  # the port is free again
        port = int(base.rsplit(":", 1)[1])
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_a_worker_that_dies_is_replaced(tmp_path: Path) -> None:
    process, lines = start(tmp_path, "--workers", "2", "--threads", "1")
    try:
        base = address(lines)
        wait_healthy(base)
        first = _children(process.pid)
        os.kill(first[0], signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = _children(process.pid)
            if len(now) == 2 and first[0] not in now:
                break
            time.sleep(0.1)
        assert len(now) == 2 and first[0] not in now and first[1] in now
        for _ in range(6):
            assert wait_healthy(base)["status"] == "ok"
    finally:
        stop(process)


#: A supervisor of two workers serving a plain WSGI answer, where a fork (the first, at the start; or the
#: third, replacing a worker killed once both serve) is followed at once by a SIGTERM to the parent and to
#: the new worker — the stop arriving in the narrowest window there is: before the parent knows the
#: worker's process id, and before the worker has set its own handler.
_STOPPED_AT_THE_FORK = """
import os, signal, sys, threading, time
from liaison_web import serving, settings
settings.configure(sys.argv[2])  # Django ready as the service's (no table is read)
serving.settle = lambda: None
AT = int(sys.argv[1])
real_fork, forked = os.fork, []
def fork():
    pid = real_fork()
    if pid:
        forked.append(pid)
    if len(forked) == AT:
        os.kill(os.getpid(), signal.SIGTERM)
    return pid
os.fork = fork
def kill_one():
    while len(forked) < 2:
        time.sleep(0.01)
    time.sleep(0.5)
    os.kill(forked[0], signal.SIGKILL)
if AT > 2:
    threading.Thread(target=kill_one, daemon=True).start()
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
serving.serve(app, host="127.0.0.1", port=0, workers=2, webhooks=False, announce=lambda port: None, threads=1)
print("stopped", len(forked), flush=True)
"""


@pytest.mark.parametrize("fork", [1, 3], ids=["at-the-start", "replacing-one"])
def test_a_stop_that_comes_with_a_fork_stops_the_new_worker_too(fork: int, tmp_path: Path) -> None:
    """A stop sent as a worker is forked (at the start, or replacing one that died) stops it with the
    others: the parent holds the signals back from the fork until the worker is in its list, and the
    worker until it has its own handler — without that, the parent died of the signal leaving its workers
    serving, or the worker ran the parent's handler, served on, and the parent waited for it for ever."""
    process = subprocess.Popen([sys.executable, "-c", _STOPPED_AT_THE_FORK, str(fork),
                                f"sqlite:///{tmp_path / 'unused.sqlite3'}"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the parent and whatever it left serving
        process.communicate()
        raise AssertionError("the supervisor did not stop: a worker forked as the stop came served on") from None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # a worker left serving when the parent died
    assert process.returncode == 0, out
    assert "failed" not in out, out  # each worker served until stopped
    assert out.strip().splitlines()[-1] == f"stopped {fork}", out


_STOPPED_AS_ANNOUNCED = """
import os, signal, sys
from liaison_web import serving, settings
settings.configure(sys.argv[1])
serving.settle = lambda: None
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
try:
    serving.serve(app, host="127.0.0.1", port=0, workers=1, webhooks=True, threads=1,
                  announce=lambda port: os.kill(os.getpid(), signal.SIGTERM))
except SystemExit as stop:
    print("stopped", stop.code, flush=True)
"""


def test_a_stop_sent_as_soon_as_the_address_is_read_stops_the_service_cleanly(tmp_path: Path) -> None:
    """One process: a SIGTERM sent the moment "Serving on …" is printed (as a service manager or a test
    that waits for the address sends it) ends the service as any stop does — exit 0, its sender thread
    stopped — not by the default handler (the process killed, -15), which it had until just after the
    address was printed."""
    done = subprocess.run([sys.executable, "-c", _STOPPED_AS_ANNOUNCED, f"sqlite:///{tmp_path / 'unused.sqlite3'}"],
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "stopped 0"), done.stderr


_SUPERVISOR_KILLED = """
import os, sys
from liaison_web import serving, settings
settings.configure(sys.argv[1])
serving.settle = lambda: None
real_fork = os.fork
def fork():
    pid = real_fork()
    if pid:
        print(pid, flush=True)
    return pid
os.fork = fork
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
serving.serve(app, host="127.0.0.1", port=0, workers=2, webhooks=False, announce=lambda port: None, threads=1)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent's death is signalled on Linux")
def test_workers_stop_when_their_supervisor_is_killed(tmp_path: Path) -> None:
    """The supervisor killed outright (SIGKILL: nothing of it runs) leaves no worker serving on, orphaned,
    with the port a restart needs: each worker is sent SIGTERM by the kernel when its parent dies."""
    process = subprocess.Popen([sys.executable, "-c", _SUPERVISOR_KILLED, f"sqlite:///{tmp_path / 'unused.sqlite3'}"],
                               stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert process.stdout is not None
        workers = [int(process.stdout.readline()) for _ in range(2)]
        time.sleep(0.5)  # both serving
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

        def serving(pid: int) -> bool:
            status = Path(f"/proc/{pid}/status")
            return status.exists() and "zombie" not in status.read_text()

        deadline = time.monotonic() + 20
        while any(serving(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if serving(pid)]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


_A_WORKER_DEAF_TO_STOPS = """
import os, signal, sys, time
from liaison_web import serving, settings
settings.configure(sys.argv[1])
serving.settle = lambda: None
serving.STOP_GRACE = 2.0
def deaf():  # a worker whose stop never comes: its handler deferred for good
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("deaf", os.getpid(), flush=True)
    time.sleep(120)
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
serving.serve(app, host="127.0.0.1", port=0, workers=2, webhooks=False, announce=lambda port: None, threads=1,
              on_start=deaf)
print("stopped", flush=True)
"""


def test_a_worker_that_does_not_stop_is_killed_after_its_grace(tmp_path: Path) -> None:
    """A stop is bounded whatever a worker is doing: one that has not stopped :data:`STOP_GRACE`
    seconds after being told (its main thread inside a call that defers the signal's handler) is
    killed by its supervisor, which then exits 0 — a service manager's stop never waits for ever."""
    process = subprocess.Popen([sys.executable, "-c", _A_WORKER_DEAF_TO_STOPS, f"sqlite:///{tmp_path / 'x.sqlite3'}"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        assert process.stdout is not None
        deaf = [int(process.stdout.readline().split()[1]) for _ in range(2)]
        os.kill(process.pid, signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
        assert process.returncode == 0 and out.strip().splitlines()[-1] == "stopped", out
        assert out.count("did not stop within 2.0 s; killing it") == 2, out
        assert not [pid for pid in deaf if Path(f"/proc/{pid}").exists()
                    and "zombie" not in Path(f"/proc/{pid}/status").read_text()]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
