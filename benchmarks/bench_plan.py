"""Planner speed: the seed district for one year, and generated districts of 100 / 1,000 / 10,000
pairings. Targets: seed < 50 ms; 10,000 pairings < 1 s; time about linear (10× pairings ≤ 11× time).

    python benchmarks/bench_plan.py [--repeat 5]

Prints best-of-N wall times (the planner is deterministic, so the minimum is the honest figure).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("LIAISON_PLUGINS", "")
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from directories import random_district

from liaison.loader import seed_district
from liaison.plan import plan_year
from liaison.workdays import default_calendar


def best(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()
    calendar = default_calendar()
    seed = seed_district()
    plan_year(seed, args.year, calendar=calendar)  # warm the working-day cache
    rows: list[tuple[str, int, int, float]] = []
    seed_time = best(lambda: plan_year(seed, args.year, calendar=calendar), args.repeat)
    plan = plan_year(seed, args.year, calendar=calendar)
    rows.append(("seed district", len(seed.pairings), len(plan.engagements), seed_time))
    for n in (100, 1_000, 10_000):
        district = random_district(n)
        plan = plan_year(district, args.year, calendar=calendar)
        repeat = args.repeat if n < 10_000 else max(1, args.repeat // 2)
        t = best(lambda d=district: plan_year(d, args.year, calendar=calendar), repeat)
        rows.append((f"generated {n:,}", len(district.pairings), len(plan.engagements), t))
        if plan.unplaced:
            print(f"  note: {len(plan.unplaced)} obligations unplaced at {n} pairings")
    print(f"{'case':<18}{'pairings':>10}{'engagements':>13}{'ms':>10}{'target':>14}{'ratio':>20}")
    previous: tuple[int, float] | None = None
    for name, pairings, engagements, seconds in rows:
        ms = seconds * 1000
        if name == "seed district":
            target, ratio = "< 50 ms", f"{ms / 50:.2f} of target"
        else:
            target = "< 1000 ms" if pairings >= 10_000 else ""
            ratio = ""
            if previous is not None and previous[0] >= 100:
                growth = seconds / previous[1]
                ratio = f"{growth:.1f}× for {pairings / previous[0]:.0f}× (≤ 11×)"
            previous = (pairings, seconds)
        if name != "seed district" and previous is None:
            previous = (pairings, seconds)
        print(f"{name:<18}{pairings:>10,}{engagements:>13,}{ms:>10.1f}{target:>14}{ratio:>20}")
        if name == "seed district":
            previous = None


if __name__ == "__main__":
    main()
