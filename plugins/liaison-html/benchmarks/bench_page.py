"""How long the year's page takes and how large it is, for the seed district.

    python plugins/liaison-html/benchmarks/bench_page.py [--runs 20]

Prints the first page of a process (Jinja2 imported, templates compiled), the median of warm runs
for 2027 without records and 2026 with examples/records-2026.toml (the check included, then the
rendering alone), and the bytes of each page. Planning is not timed: the plan is the input.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import liaison
from liaison_html.pages import page, page_view, render_page

ROOT = Path(__file__).resolve().parents[3]


def timed(run: Callable[[], object], runs: int) -> tuple[float, float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, min(times) * 1000, max(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    district = liaison.seed_district()
    calendar = liaison.working_day_calendar()
    plan_2027 = liaison.plan_year(district, 2027, calendar=calendar)
    plan_2026 = liaison.plan_year(district, 2026, calendar=calendar)
    records = liaison.load_records(ROOT / "examples" / "records-2026.toml", district)

    start = time.perf_counter()
    first = page(district, plan_2027, calendar=calendar)
    print(f"2027, first page in the process: {(time.perf_counter() - start) * 1000:.0f} ms")
    median, low, high = timed(lambda: page(district, plan_2027, calendar=calendar), args.runs)
    print(f"2027, no records: median {median:.1f} ms (min {low:.1f}, max {high:.1f}); {len(first):,} bytes, "
          f"{len(gzip.compress(first, 9)):,} gzipped")
    with_records = page(district, plan_2026, records=records, calendar=calendar)
    median, low, high = timed(lambda: page(district, plan_2026, records=records, calendar=calendar), args.runs)
    print(f"2026 with records: median {median:.1f} ms (min {low:.1f}, max {high:.1f}); {len(with_records):,} bytes, "
          f"{len(gzip.compress(with_records, 9)):,} gzipped")
    view = page_view(district, plan_2026, records=records, calendar=calendar)
    median, low, high = timed(lambda: render_page(view), args.runs)
    print(f"2026 with records, rendering only: median {median:.1f} ms (min {low:.1f}, max {high:.1f})")


if __name__ == "__main__":
    main()
