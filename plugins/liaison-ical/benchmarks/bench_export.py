"""Benchmark: the whole `ical` exporter against raw icalendar building the same events.

Run:  python plugins/liaison-ical/benchmarks/bench_export.py [--pairings 7500] [--repeats 3]
      [--no-files-baseline]

The plan is ``plan_year(random_district(7500), 2026)`` from the core's ``tests/builders.py``
(about 10,000 engagements and 3,000 organisations); without that checkout, ``--synthetic N`` builds
N engagements directly on the seed district.

Timed in one process, the contenders interleaved round by round; medians over the rounds:

* ``exporter``: ``export(ExportRequest(district, plan))`` — mapping every engagement, the master
  calendar and one calendar per participating organisation, all bytes.
* ``raw master``: raw icalendar (``Calendar()``, ``Event()``, ``add()``, ``to_ical()``; see
  ``bench_ical.raw_icalendar``) building and serialising the master calendar, i.e. the same events
  once, from ready-made records (their text is built outside the timing).  The budget: exporter /
  raw master <= 1.3, so exit status 1 above it.
* ``raw all files, events once``: the fair anchor for the whole job — raw icalendar writing every file
  the exporter writes, each event built once (one ``Event`` per UID, the same object added to every
  calendar holding it; ``bench_ical.raw_files_once``).
* ``raw all files, per file`` (informative, ``--no-files-baseline`` skips it): raw icalendar building
  each file from scratch, every event again in every calendar holding it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_ical import raw_files_once, raw_icalendar

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from timing import interleave, report

import liaison
from liaison.host.exporting import ExportRequest
from liaison.law.district import District
from liaison.law.rules import EngagementKind
from liaison.year.engagements import Engagement, Plan
from liaison.year.planner import organisations_in, plan_year
from liaison_ical import CalendarSpec
from liaison_ical.mapping import Names, default_dtstamp, engagement_event
from liaison_ical.plugin import PRODID, export

BUDGET = 1.3
CORE_TESTS = Path(__file__).resolve().parents[3] / "tests"


def random_plan(pairings: int) -> tuple[District, Plan]:
    sys.path.insert(0, str(CORE_TESTS))
    from builders import random_district  # the core's test helper

    district = random_district(pairings)
    return district, plan_year(district, 2026)


def synthetic_plan(count: int) -> tuple[District, Plan]:
    """``count`` visits on the seed district's pairings, on weekdays of 2026, built directly."""
    district = liaison.seed_district()
    pairs = [(p.department, p.counterpart) for p in district.pairings]
    days = [d for d in (dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(365)) if d.weekday() < 5]
    names = {o.id: o.name for o in district.organisations}
    engagements = []
    for i in range(count):
        dept, other = pairs[i % len(pairs)]
        start = dt.time(9, 0) if i % 2 == 0 else dt.time(14, 30)
        end = dt.time(11, 0) if i % 2 == 0 else dt.time(16, 30)
        engagements.append(Engagement(
            id=f"2026/visit/{dept}/{other}/{i}", kind=EngagementKind.VISIT, date=days[i % len(days)],
            start=start, end=end, host=dept,
            participants=(dept, other), provisions=("§3.6",),
            title_zh=f"{names[dept]}领导走访{names[other]}"))
    engagements.sort(key=lambda e: (e.date, e.start or dt.time(0), e.id))
    return district, Plan(district_id=district.info.id, year=2026, engagements=tuple(engagements))


def raw_specs(district: District, plan: Plan) -> list[CalendarSpec]:
    """The exporter's calendars as ready-made records (built outside the timings)."""
    names = Names.of(district)
    events = [engagement_event(e, names) for e in plan.engagements]
    stamp = default_dtstamp(plan)
    specs = [CalendarSpec(f"{district.info.name} 2026年对口联系工作日程", tuple(events), stamp, PRODID)]
    for org in organisations_in(plan, district):
        mine = tuple(ev for e, ev in zip(plan.engagements, events, strict=True) if org.id in e.participants)
        specs.append(CalendarSpec(f"{org.name} 2026年对口联系工作日程", mine, stamp, PRODID))
    return specs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pairings", type=int, default=7500)
    parser.add_argument("--synthetic", type=int, default=0, metavar="N",
                        help="build N engagements directly instead of planning a random district")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-files-baseline", action="store_true", help="skip the slow all-files baseline")
    args = parser.parse_args(argv)
    os.environ.setdefault("LIAISON_PLUGINS", "")  # plan with the built-ins only, whatever else is installed

    if args.synthetic or not (CORE_TESTS / "builders.py").exists():
        district, plan = synthetic_plan(args.synthetic or 10_000)
    else:
        district, plan = random_plan(args.pairings)
    request = ExportRequest(district=district, plan=plan)
    specs = raw_specs(district, plan)
    master = specs[0]

    artifacts = export(request)
    out_bytes = sum(len(a.data) for a in artifacts)
    assert len(raw_files_once(specs)) == len(specs) == len(artifacts), (len(specs), len(artifacts))
    contenders: dict[str, Callable[[], Any]] = {
        "ical exporter, all files": lambda: export(request),
        "raw icalendar, master": lambda: raw_icalendar(master),
        "raw icalendar, all files, events once": lambda: raw_files_once(specs),
    }
    if not args.no_files_baseline:
        contenders["raw icalendar, all files, per file"] = lambda: [raw_icalendar(s) for s in specs]
    print(f"engagements: {len(plan.engagements)}  ({len(artifacts)} files, {out_bytes} bytes; "
          f"{sum(len(s.events) for s in specs)} events in all files)")
    found = report(interleave(contenders, args.repeats), "ical exporter, all files")
    ratio = found["ical exporter, all files"] / found["raw icalendar, master"]
    print(f"ratio exporter/raw master: {ratio:.3f}  (budget {BUDGET})")
    print(f"ratio exporter/raw all files, events once: "
          f"{found['ical exporter, all files'] / found['raw icalendar, all files, events once']:.3f}")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
