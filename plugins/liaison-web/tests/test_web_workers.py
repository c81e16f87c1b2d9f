"""``liaison serve --workers 2``: two processes serving on one socket (liaison_web.serving), each with
its own cache of answers — and never a stale answer: after a change made through either of them,
every read through any of them (a new connection each, handed to whichever process accepts it)
answers the new revision, because each read keys its cache on the revision it reads in its own
query. SIGTERM to the parent stops the workers and frees the port. On SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
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
