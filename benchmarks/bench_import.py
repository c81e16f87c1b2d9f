"""`import liaison` stays light: budget 100 ms. The anchor is the interpreter starting and doing
nothing (`python -c pass`); the figure is the difference of the medians of N interleaved rounds of
fresh processes (each round starts every process once, one further along each round).

    python benchmarks/bench_import.py [--repeat 21]

Also prints what the import costs by module (`python -X importtime`), largest first, and which
third-party packages it loads (none of the exporters' or the CLI's).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

BUDGET_MS = 100.0


def run_once(code: str) -> float:
    env = {**os.environ, "LIAISON_PLUGINS": ""}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return (time.perf_counter() - start) * 1000


def median_interleaved(codes: list[str], repeat: int) -> list[float]:
    """The median of ``repeat`` rounds, each round starting every process once (one further along
    each round), so a busy moment of a shared machine falls on the anchor and the measured imports
    alike."""
    times: list[list[float]] = [[] for _ in codes]
    for r in range(repeat):
        for i in [*range(r % len(codes), len(codes)), *range(r % len(codes))]:
            times[i].append(run_once(codes[i]))
    return [statistics.median(t) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    anchor, with_liaison, seed = median_interleaved(
        ["pass", "import liaison", "import liaison; liaison.seed_district()"], args.repeat)
    cost = with_liaison - anchor
    print(f"{'what':<44}{'ms (median of ' + str(args.repeat) + ')':>20}")
    print(f"{'python -c pass (the anchor)':<44}{anchor:>20.1f}")
    label = 'python -c "import liaison"'
    print(f"{label:<44}{with_liaison:>20.1f}")
    print(f"{'  import liaison alone (minus the anchor)':<44}{cost:>20.1f}   {cost / BUDGET_MS:.2f} of the "
          f"{BUDGET_MS:.0f} ms budget")
    print(f"{'  … and load the seed district':<44}{seed - anchor:>20.1f}")
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import liaison"], capture_output=True,
                          text=True, check=True)
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match and match.group(4).split(".")[0] not in ("encodings", "site"):
            rows.append((int(match.group(1)), match.group(4)))
    print("\nlargest self times (µs) under import liaison:")
    for micros, name in sorted(rows, reverse=True)[:8]:
        print(f"  {micros:>7}  {name}")
    code = "import sys, liaison; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    stdlib = set(sys.stdlib_module_names)
    print("third-party packages loaded:", " ".join(m for m in loaded if m not in stdlib and not m.startswith("_"))
          or "none")


if __name__ == "__main__":
    main()
