"""What the letters to issue cost the due list: the general office's list of the seed's 2027, in this
process, with the letters (the docx exporter's preview rendered for the day, then cached) and without.

    LIAISON_PLUGINS=web,docx python plugins/liaison-web/benchmarks/bench_due_letters.py

On a new SQLite file in a temporary folder: the seed district and its 2027; the list with its letters
on three new days (each renders the preview of that day: what the first read after a change costs),
then ten times on one day (the render cached), then ten times without the letters (the list before
them: the anchor). p50, the slowest, and each p50 as a ratio of the anchor's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any


def timed(calls: list[Callable[[], Any]]) -> list[float]:
    spent = []
    for call in calls:
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def line(name: str, spent: list[float]) -> str:
    return f"{name:<40} p50 {statistics.median(spent):7.1f} ms   slowest {max(spent):7.1f} ms   (n={len(spent)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--days", type=int, default=3, help="new days rendered (default 3)")
    parser.add_argument("--repeats", type=int, default=10, help="cached and anchor reads (default 10)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="liaison-bench-due-letters-")
    os.environ.setdefault("LIAISON_SECRET_KEY", "a benchmark's key, never a deployment's " + "x" * 20)
    from liaison_web.settings import configure

    configure(f"sqlite:///{folder}/bench.sqlite3")
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from liaison_web.bootstrap import load_version, seed_text
    from liaison_web.due import due_json, pending_letters
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    district = load_version(seed_text(), valid_from=dt.date(2026, 1, 1), file="<liaison>/data/seed.toml")
    Workspace(store=DatabaseStore()).update(district, 2027)
    stored = DatabaseStore().load(district, 2027)
    assert stored is not None
    state, revision = stored.state, stored.revision
    office = district.general_office().id
    first = dt.date(2027, 1, 4)
    days = [first + dt.timedelta(days=n) for n in range(args.days)]
    def on(day: dt.date) -> Callable[[], Any]:
        return lambda: due_json(district, state, office, day, revision=revision)

    rendered = timed([on(d) for d in days])
    cached = timed([lambda: due_json(district, state, office, first, revision=revision)] * args.repeats)
    anchor = timed([lambda: due_json(district, state, office, first)] * args.repeats)
    floor = statistics.median(anchor)
    for name, spent in (("with letters, a new day (rendered)", rendered),
                        ("with letters, the same day (cached)", cached), ("without letters (anchor)", anchor)):
        print(line(name, spent) + f"   {statistics.median(spent) / floor:6.2f}x the anchor")
    listed = [a for a in pending_letters(district, 2027, revision, first) if a.issuer == office]
    print(f"letters to issue on the general office's list on {first}: {len(listed)}")


if __name__ == "__main__":
    main()
