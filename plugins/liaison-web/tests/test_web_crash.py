"""The database store killed during a write: a process saving the year in a loop (a state and a file
of 200 kB each time) is killed with SIGKILL at several moments; the database holds a whole revision
every time — the current state parses, it is the last revision kept, every revision is kept, every
file's bytes match their digest — and the next writer saves at once (no lock left behind)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import web_db
from web_db import YEAR

from liaison.formats.district import seed_district

WRITER = """
import os, sys
import attrs
from liaison_web.settings import configure
configure(sys.argv[1])
from liaison.formats.district import seed_district
from liaison.year.store import Commit
from liaison_web.store import DatabaseStore

store, seed, n = DatabaseStore(lock_wait=5), seed_district(), 0
while True:
    stored = store.load(seed, int(sys.argv[2]))
    number = stored.state.manifest.revision + 1  # the export's number: one more than the last saved
    state = attrs.evolve(stored.state, manifest=attrs.evolve(stored.state.manifest, revision=number))
    store.save(seed, int(sys.argv[2]), Commit(state, (("ical/全部.ics", os.urandom(200_000)),), kind="export"),
               expected=stored.revision)
    n += 1
    print(n, flush=True)
"""


def url_of(alias: str) -> str:
    if alias == "postgres":
        url = web_db.postgres_url()
        assert url is not None
        return url
    from django.db import connections

    return f"sqlite:///{connections[alias].settings_dict['NAME']}"


@pytest.mark.parametrize("alias", ["default", pytest.param("postgres", marks=pytest.mark.skipif(
    not web_db.postgres_url(), reason=f"{web_db.POSTGRES_ENV} not set"))])
def test_a_writer_killed_mid_save_leaves_a_whole_revision(alias: str, tmp_path: Path) -> None:
    web_db.fresh(alias)
    from liaison.year.store import Commit
    from liaison_web import models
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    store = DatabaseStore(using=alias, lock_wait=5)
    Workspace(store=store).update(seed_district(), YEAR)
    for delay in (0.3, 0.8, 1.5):
        process = subprocess.Popen([sys.executable, "-c", WRITER, url_of(alias), str(YEAR)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env={**os.environ, "LIAISON_PLUGINS": ""})
        assert process.stdout is not None
        first = process.stdout.readline()  # it has saved once: the loop is running
        assert first.strip() == "1", process.stderr.read() if process.stderr else ""
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        row = models.Year.objects.using(alias).get(district__code="seed", year=YEAR)
        revisions = list(models.YearRevision.objects.using(alias).filter(year=row).order_by("seq"))
        assert [r.seq for r in revisions] == list(range(1, row.seq + 1))  # every revision kept, none half-made
        assert revisions[-1].tag == row.revision and revisions[-1].state  # the current state, in its revision's row
        loaded = store.load(seed_district(), YEAR)
        assert loaded is not None and loaded.revision == row.revision
        for path, data, digest in models.YearFile.objects.using(alias).filter(year=row).values_list(
                "path", "data", "sha256"):
            assert hashlib.sha256(bytes(data)).hexdigest() == digest, path
        assert loaded.state.manifest.revision == len([r for r in revisions if r.kind == "export"])
        started = time.monotonic()  # the killed writer's lock went with it
        store.save(seed_district(), YEAR, Commit(loaded.state, (("ical/全部.ics", b"after"),), kind="update"),
                   expected=loaded.revision)
        assert time.monotonic() - started < 3


# -- the server killed in the middle of the API's writes ---------------------------------------------------
POSTGRES = pytest.param("postgres", marks=pytest.mark.skipif(not web_db.postgres_url(),
                                                             reason=f"{web_db.POSTGRES_ENV} not set"))


@pytest.mark.parametrize("alias", ["default", POSTGRES])
def test_the_server_killed_during_api_writes_keeps_each_change_whole(alias: str, tmp_path: Path) -> None:
    """`liaison serve` moving one engagement back and forth through the API as fast as it answers, killed
    with SIGKILL mid-stream; started again on the same database: the engagement is where the last
    change committed left it, each change is there whole with its audit entry and its webhook delivery
    (the outbox) — one of each per change, none without the other —, and the next write goes through
    at once (no lock left behind). The change in flight when it died is there whole or not at all."""
    import json
    import random
    import threading
    import urllib.error
    import urllib.request

    from web_serve import LIAISON, address, start, stop, wait_healthy

    env = {"LIAISON_ADMIN_PASSWORD": "crash-admin"}
    if alias == "postgres":  # a database of its own: the administrator it makes would meet the tests that
        # start `liaison serve` on the session's and expect a first start's (test_web_serve)
        env["DATABASE_URL"] = web_db.own_database(url_of("postgres"), "crash")
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LIAISON_SECRET_KEY")}
    environment.update({"LIAISON_PLUGINS": "web", **env})
    process, lines = start(tmp_path, "--no-webhooks", env=env)
    try:
        base = address(lines)
        wait_healthy(base)
        for arguments in (["web", "webhook", "add", "--url", "http://127.0.0.1:9/oa", "--event", "engagement.moved"],
                          ["web", "token", "--user", "admin", "--name", "crash", "--scope", "read", "--scope",
                           "write"]):
            done = subprocess.run([LIAISON, *arguments, "--lang", "en"], cwd=tmp_path, env=environment,
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
        token = done.stdout.strip().splitlines()[-1]
        year = time.localtime().tm_year + 1  # the serve plans the current year and the next

        def call(path: str, body: dict[str, object] | None = None, etag: str | None = None) -> tuple[dict, str]:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            if etag is not None:
                headers["If-Match"] = etag
            request = urllib.request.Request(f"{base}/api/v1/districts/seed/years/{year}{path}",
                                             data=None if body is None else json.dumps(body).encode(),
                                             method="GET" if body is None else "POST", headers=headers)
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read()), answer.headers.get("ETag", "")

        plan, _ = call("/plan")
        one = next(e["id"] for e in plan["engagements"] if e["host"] == "health" and e["status"] == "proposed")
        days = (f"{year}-09-07", f"{year}-09-08")
        answered: list[str] = []
        tried: list[str] = []

        def writing() -> None:
            try:
                while True:
                    _, etag = call(f"/engagements/{one}")
                    day = days[len(tried) % 2]
                    tried.append(day)
                    call(f"/engagements/{one}/move", {"date": day, "force": True}, etag)
                    answered.append(day)
            except (urllib.error.URLError, ConnectionError, OSError):
                return  # the server is gone

        writer = threading.Thread(target=writing)
        writer.start()
        deadline = time.monotonic() + 120
        while len(answered) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(random.uniform(0, 0.2))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        writer.join(timeout=60)
        assert len(answered) >= 4, "the server answered too few writes before it was killed"
    finally:
        if process.poll() is None:
            process.kill()
    again, lines = start(tmp_path, "--no-webhooks", env=env)
    try:
        base = address(lines)
        wait_healthy(base)
        now, etag = call(f"/engagements/{one}")
        entries, _ = call(f"/engagements/{one}/audit")
        moves = [e for e in entries if e["action"] == "move"]
        # every change answered is there, and at most the one in flight besides, in the order made
        assert len(answered) <= len(moves) <= len(tried) and len(tried) - len(answered) <= 1
        assert [m["after"]["date"] for m in moves] == tried[:len(moves)]
        assert now["date"] == moves[-1]["after"]["date"]
        hooks = urllib.request.Request(f"{base}/api/v1/districts/seed/webhooks",
                                       headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(hooks, timeout=30) as answer:
            hook = next(h["id"] for h in json.loads(answer.read()) if h["url"] == "http://127.0.0.1:9/oa")
        request = urllib.request.Request(f"{base}/api/v1/districts/seed/webhooks/{hook}/deliveries",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            deliveries = json.loads(answer.read())
        told = [d["event"]["engagement"]["date"] for d in sorted(deliveries, key=lambda d: d["id"])]
        assert told == [m["after"]["date"] for m in moves]  # one delivery per change, none without it
        # the next write at once: no lock left behind
        started = time.monotonic()
        after, _ = call(f"/engagements/{one}/move", {"date": days[len(moves) % 2], "force": True}, etag)
        assert after["date"] == days[len(moves) % 2] and time.monotonic() - started < 20
    finally:
        stop(again)
