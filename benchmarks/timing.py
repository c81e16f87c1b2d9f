"""What every benchmark here times with: contenders interleaved round by round (so a burst of load
on this shared machine falls on all of them, not on whichever ran during it), medians, and the
ratio against the anchor.  Imported by the scripts in ``benchmarks/`` and ``plugins/*/benchmarks/``
(which put this folder on ``sys.path``); not a benchmark itself."""

from __future__ import annotations

import compileall
import gc
import os
import statistics
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["before_path", "interleave", "interleave_clocks", "medians", "report", "run_queue_wait"]


def interleave(contenders: Mapping[str, Callable[[], Any]], rounds: int, *,
               warm_up: bool = True, clock: Callable[[], float] = time.perf_counter) -> dict[str, list[float]]:
    """Seconds per call of each contender over ``rounds`` rounds; each round runs every contender once,
    starting one further along each round (so none always runs first, after the collector).
    ``clock``: wall time, or ``time.process_time`` (the process's CPU time: on a machine shared with
    other jobs, the fairer clock for contenders that only compute in one thread)."""
    return interleave_clocks(contenders, rounds, {"": clock}, warm_up=warm_up)[""]


def interleave_clocks(contenders: Mapping[str, Callable[[], Any]], rounds: int,
                      clocks: Mapping[str, Callable[[], float]], *,
                      warm_up: bool = True) -> dict[str, dict[str, list[float]]]:
    """:func:`interleave` read on several clocks at once (wall and CPU time of the same calls), by clock."""
    names = list(contenders)
    if warm_up:
        for name in names:
            contenders[name]()
    times: dict[str, dict[str, list[float]]] = {clock: {name: [] for name in names} for clock in clocks}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            gc.collect()
            started = {clock: read() for clock, read in clocks.items()}
            contenders[name]()
            for clock, read in clocks.items():
                times[clock][name].append(read() - started[clock])
    return times


def run_queue_wait() -> float:
    """Seconds this thread has waited for a core so far (Linux's ``/proc/thread-self/schedstat``:
    runnable, not running, as other jobs held both cores); 0.0 where the kernel does not say. A
    clock for :func:`interleave_clocks`: wall time less CPU time less this is what a call waited on
    anything else (the disk, a lock, a socket)."""
    try:
        with open("/proc/thread-self/schedstat") as handle:
            return int(handle.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def medians(times: Mapping[str, list[float]]) -> dict[str, float]:
    return {name: statistics.median(values) for name, values in times.items()}


def report(times: Mapping[str, list[float]], ours: str, *, unit: float = 1000.0, label: str = "ms",
           per: int = 1, per_label: str = "") -> dict[str, float]:
    """Print each contender's median (and spread), and each anchor's median over ours: ``4.0×`` means
    ours takes a quarter of that anchor's time.  ``per`` divides the times (ms a letter for 1,000
    letters).  Returns the medians in seconds per call."""
    found = medians(times)
    width = max(len(n) for n in times)
    rounds = len(next(iter(times.values())))
    suffix = f" {per_label}" if per_label else ""
    print(f"{'':{width}}  {'median':>10}  {'min':>9}  {'max':>9}   ({rounds} interleaved rounds, {label}{suffix})")
    for name, values in times.items():
        ratio = "" if name == ours else f"   {found[name] / found[ours]:6.2f}× {ours}'s time"
        print(f"{name:{width}}  {found[name] * unit / per:10.3f}  {min(values) * unit / per:9.3f}  "
              f"{max(values) * unit / per:9.3f}{ratio}")
    return found


def before_path(tree: Path) -> str:
    """An earlier version's source folders (a ``git archive`` unpacked in ``tree``: its ``src`` and
    ``plugins/*/src``), compiled, as a ``PYTHONPATH`` that puts its packages before the installed
    ones: what ``--before TREE`` runs the earlier code with."""
    folders = [tree / "src", *sorted(p for p in (tree / "plugins").glob("*/src") if p.is_dir())]
    for folder in folders:
        compileall.compile_dir(folder, quiet=1)
    return os.pathsep.join(str(f) for f in folders)
