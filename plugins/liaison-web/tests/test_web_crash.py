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
        assert revisions[-1].tag == row.revision and revisions[-1].state == row.state
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
