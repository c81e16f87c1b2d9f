"""The CPU and the machine instructions of a write in a batch of the group commit, in-process.

    python plugins/liaison-web/benchmarks/bench_write_batch.py --batch 16 --rounds 7
    python plugins/liaison-web/benchmarks/bench_write_batch.py --batch 16 --rounds 3 --instructions
    python plugins/liaison-web/benchmarks/bench_write_batch.py --batch 16 --rounds 12 --profile

Prepares the service's database as ``bench_api_cpu.py`` does (a new SQLite file, the seed district,
its year planned), then makes ``--rounds`` batches of ``--batch`` moves, each of its own engagement
(the plan's engagements taken in turn, each moved between its day and the same weekday a week away,
as ``bench_api.py --writes-to own`` moves them): for each, its read through the WSGI application
(``GET`` of the engagement, the ETag its writer sends as ``If-Match``), then the batch as the holder
of the year's lock makes it (``api._changes_made``: each change checked, one re-plan, one save, an
audit entry and the webhooks' deliveries of each), and what each writer does after it (the to-do
lists compared, its answer's ETag). Not counted: the ``POST``'s way through the application and
the threads' meeting (``liaison_web.group``). Prints the CPU per write (``time.process_time``,
the median of the rounds), or with ``--instructions`` the instructions per write under valgrind's
callgrind (only the batches: collected inside libffi's ``ffi_call``, as ``benchmarks/bench_scale.py
--instructions`` counts; hash seed fixed), or with ``--profile`` cProfile's top functions.
The code before a change: ``PYTHONPATH=TREE/src:TREE/plugins/liaison-web/src`` with ``TREE`` an
``git archive`` of it.
"""

from __future__ import annotations

import argparse
import cProfile
import ctypes
import datetime as dt
import gc
import json
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def setup(place: str) -> tuple[Any, list[tuple[str, tuple[dt.date, dt.date]]], Any, int]:
    from bench_api import READS, YEAR
    from bench_api_cpu import prepare

    caller = prepare(f"sqlite:///{Path(place) / 'bench.sqlite3'}")
    status, data, _ = caller.send("GET", READS["plan"])
    if status != 200:
        raise SystemExit(f"the plan: {status}")
    targets = []
    for shown in json.loads(data)["engagements"]:
        if shown.get("status") == "cancelled":
            continue
        day = dt.date.fromisoformat(shown["date"])
        away = day + dt.timedelta(days=7) if (day + dt.timedelta(days=7)).year == YEAR else day - dt.timedelta(days=7)
        targets.append((shown["id"], (day, away)))
    from django.contrib.auth import get_user_model

    return caller, targets, get_user_model().objects.get(username="admin"), YEAR


def one_batch(caller: Any, targets: list[tuple[str, tuple[dt.date, dt.date]]], user: Any, year: int, size: int,
              turn: int) -> None:
    from liaison.formats.state import to_json
    from liaison.year.reconcile import Change
    from liaison_web import api, bootstrap, group
    from liaison_web.due import announce_committed
    from liaison_web.etags import engagement_tag

    seen = bootstrap.district_year("seed", year)
    assert seen is not None and seen[2] is not None
    found, version, _ = seen
    today = api._today(found)
    batch = []
    for i in range(size):
        engagement, days = targets[(turn * size + i) % len(targets)]
        status, _, headers = caller.send("GET", f"/api/v1/districts/seed/years/{year}/engagements/{engagement}")
        if status != 200:
            raise SystemExit(f"{engagement}: {status}")
        tag = headers["ETag"].strip('"')
        day = days[turn % 2 == 0]
        asked = api._Asked(engagement, "move", lambda e, one=engagement, day=day: [Change("move", one, day, None)],
                           True, tag, tag, None, user, "admin (token lsn_x…)", "127.0.0.1")
        batch.append(group.Turn(asked))
    api._changes_made(found, version, year, today, batch)
    for one in batch:
        done = one.asked
        if one.error is not None:
            raise SystemExit(f"{done.engagement}: {one.error!r}")
        if done.bodies and done.audited and done.after is not None:
            announce_committed(found, year, done.revision, done.bodies, today, about=done.after, prior=done.prior,
                               version=version)
        engagement_tag(to_json(done.after).encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch", type=int, default=16, help="moves a batch, each of its own engagement (16)")
    parser.add_argument("--rounds", type=int, default=7, help="batches measured (7)")
    parser.add_argument("--instructions", action="store_true", help="count instructions under callgrind (slow)")
    parser.add_argument("--profile", action="store_true", help="cProfile of the batches instead")
    parser.add_argument("--count-one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.instructions:
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", "--collect-atstart=no",
                               "--toggle-collect=ffi_call", sys.executable, __file__, "--count-one",
                               "--batch", str(args.batch), "--rounds", str(args.rounds)],
                              capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        found = re.search(r"Collected : (\d+)", done.stderr)
        if found is None:
            raise SystemExit(done.stderr[-3000:])
        print(f"{int(found.group(1)) / args.batch / args.rounds / 1e6:.2f} M instructions per write "
              f"({args.rounds} batches of {args.batch})")
        return
    with tempfile.TemporaryDirectory(prefix="liaison-bench-batch-") as place:
        caller, targets, user, year = setup(place)
        for turn in range(3):  # warm: every module imported, the caches of the year filled
            one_batch(caller, targets, user, year, args.batch, turn)
        if args.count_one:
            gc.collect()
            ctypes.CFUNCTYPE(None)(lambda: [one_batch(caller, targets, user, year, args.batch, turn)
                                            for turn in range(3, 3 + args.rounds)])()
            return
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for turn in range(3, 3 + args.rounds):
                one_batch(caller, targets, user, year, args.batch, turn)
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("tottime").print_stats(30)
            stats.sort_stats("cumulative").print_stats(50)
            return
        spent = []
        for turn in range(3, 3 + args.rounds):
            began = time.process_time()
            one_batch(caller, targets, user, year, args.batch, turn)
            spent.append((time.process_time() - began) / args.batch)
        spent.sort()
        print(f"CPU per write in batches of {args.batch}: median {spent[len(spent) // 2] * 1000:.2f} ms, "
              f"min {spent[0] * 1000:.2f} ms ({args.rounds} batches)")


if __name__ == "__main__":
    main()
