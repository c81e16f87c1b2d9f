"""Planner speed: the seed district for one year, and generated districts of 100 / 1,000 / 10,000
pairings. Targets: seed < 50 ms; 10,000 pairings < 1 s; linear growth, measured by instruction count
(``--instructions``, valgrind callgrind: ≤ 10.5× for 10× the pairings). The CPU-time growth is printed
too, for information: on a shared machine it also carries cache and scheduling effects.

    python benchmarks/bench_plan.py [--repeat 9] [--instructions]

Prints the median CPU time of N interleaved rounds (each round times every case once, starting one
further along each round), the fastest beside it, and the growth ratio between consecutive sizes. No
anchor: nothing else plans a district's year; the seed's figure is set against its 50 ms target.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("LIAISON_PLUGINS", "")
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from builders import random_district

from liaison.formats.district import seed_district
from liaison.law.workdays import default_calendar
from liaison.year.planner import plan_year


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9, help="rounds; each round times every case once")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions under valgrind (noise-free, slow): the linearity check "
                             "without the machine's cache and scheduling effects")
    parser.add_argument("--seeds", type=int, default=3, help="hash seeds for the instruction counts")
    parser.add_argument("--count-one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_one is not None:  # the process valgrind runs
        district = random_district(args.count_one) if args.count_one else seed_district()
        plan_year(district, args.year)
        for _ in range(args.repeat):
            plan_year(district, args.year)
        return
    calendar = default_calendar()
    cases = [("seed district", seed_district())]
    cases += [(f"generated {n:,}", random_district(n)) for n in (100, 1_000, 10_000)]
    plans = {name: plan_year(district, args.year, calendar=calendar) for name, district in cases}  # warm up
    times: dict[str, list[float]] = {name: [] for name, _ in cases}
    # Rounds interleave the cases, each starting one further along, so a busy moment on the machine
    # hits all sizes alike and none always runs first; the median is what a run is likely to take (the
    # fastest, printed beside it, is what a quiet machine gives).
    for r in range(args.repeat):
        for name, district in cases[r % len(cases):] + cases[:r % len(cases)]:
            start = time.process_time()
            result = plan_year(district, args.year, calendar=calendar)
            times[name].append(time.process_time() - start)
            del result  # freeing the plan is the caller's business, not planning: outside the timing
    median = {name: statistics.median(found) for name, found in times.items()}
    print(f"median of {args.repeat} interleaved rounds (CPU time); the fastest in brackets")
    print(f"{'case':<18}{'pairings':>10}{'engagements':>13}{'ms':>10}{'(min)':>9}{'µs/engagement':>15}{'target':>12}"
          "  ratio")
    previous: tuple[int, float] | None = None
    for name, district in cases:
        seconds, plan = median[name], plans[name]
        ms = seconds * 1000
        per = seconds * 1e6 / max(1, len(plan.engagements))
        n = len(district.pairings)
        if name == "seed district":
            target, ratio = "< 50 ms", f"{ms / 50:.2f} of the 50 ms target"
        else:
            target = "< 1000 ms" if n >= 10_000 else ""
            ratio = f"{seconds / previous[1]:.1f}× time for {n / previous[0]:.0f}× pairings (budget: instructions)" \
                if previous else ""
            previous = (n, seconds)
        print(f"{name:<18}{n:>10,}{len(plan.engagements):>13,}{ms:>10.1f}{min(times[name]) * 1000:>9.1f}{per:>15.1f}"
              f"{target:>12}  {ratio}")
        if plan.unplaced:
            print(f"  note: {len(plan.unplaced)} obligations unplaced")
    if args.instructions:
        count_instructions(args.year, args.seeds)


def instructions(n: int, repeat: int, year: int, hash_seed: int) -> int:
    """Instructions of one process planning ``repeat`` times after the warm-up. The hash seed is fixed
    (string hashes decide dict probing, so a random seed moves the count by a few per cent)."""
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                           __file__, "--count-one", str(n), "--repeat", str(repeat), "--year", str(year)],
                          capture_output=True, text=True, check=True, env=env)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))  # type: ignore[union-attr]


def count_instructions(year: int, seeds: int) -> None:
    """Instructions per plan, as the difference between runs with 0 and 1 plans after the warm-up,
    for each of ``seeds`` fixed hash seeds (the growth ratio is printed per seed and as the median)."""
    if shutil.which("valgrind") is None:
        print("valgrind not installed: no instruction counts (apt-get install valgrind)")
        return
    print(f"\n{'hash seed':<11}{'1,000 pairings':>18}{'10,000 pairings':>18}  growth for 10× pairings (≤ 10.5×)")
    ratios = []
    for seed in range(seeds):
        small, large = (instructions(n, 1, year, seed) - instructions(n, 0, year, seed) for n in (1_000, 10_000))
        ratios.append(large / small)
        print(f"{seed:<11}{small:>18,}{large:>18,}  {large / small:.2f}×")
    ratios.sort()
    print(f"median growth {ratios[len(ratios) // 2]:.2f}× instructions for 10× pairings (budget 10.5×)")


if __name__ == "__main__":
    main()
