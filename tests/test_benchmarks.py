"""The benchmarks keep running: every script in benchmarks/ and plugins/*/benchmarks/ starts (its
imports resolve against the current code) and answers --help. The figures themselves are printed
by the scripts, with their anchors (docs/benchmarks.md), never asserted as timings here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted([*(ROOT / "benchmarks").glob("bench_*.py"), *(ROOT / "plugins").glob("*/benchmarks/bench_*.py")])


def test_there_are_benchmarks_for_the_core_and_the_plugins() -> None:
    plugins = {p.parent.parent.name for p in SCRIPTS if p.parent.parent.parent.name == "plugins"}
    assert plugins == {"liaison-ical", "liaison-docx", "liaison-xlsx", "liaison-caldav", "liaison-html", "liaison-web"}
    assert (ROOT / "benchmarks" / "bench_plan.py") in SCRIPTS and (ROOT / "benchmarks" / "bench_import.py") in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_the_benchmark_starts(script: Path) -> None:
    done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "usage" in done.stdout.lower()


def test_the_scale_benchmark_runs_its_quick_mode() -> None:
    """The seed and 10× through every phase, timed and traced (no figure asserted: they are printed)."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_scale.py"), "--quick", "--rounds", "1"],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("size"))
    assert header.split()[3:] == ["plan", "ical", "docx", "xlsx", "html", "check", "due", "lists", "ledger", "write",
                                  "ledger", "read"]
    seed = next(line.split() for line in lines if line.lstrip().startswith("1×"))
    ten = next(line.split() for line in lines if line.lstrip().startswith("10×"))
    assert (seed[1], ten[1]) == ("33", "330")  # the seed's pairings, replicated ten times
    assert int(ten[2].replace(",", "")) >= 9 * int(seed[2].replace(",", ""))  # engagements grow with them
    growth = next(line.split() for line in lines if line.split()[:1] == ["growth"])
    factors = growth[growth.index("size") + 1:]
    assert len(factors) == 9 and all(f.endswith("×") for f in factors), done.stdout  # one per phase


def test_the_scale_benchmark_grows_a_departments_counterparts_alone() -> None:
    """``--shape counterparts``: the branches and the ICF replicated, the departments the seed's (33·k
    pairings again); the growth labelled by the ratio of the sizes (2 to 3: 1.5×, not its floor)."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_scale.py"), "--shape", "counterparts",
                           "--sizes", "2,3", "--city", "0", "--phases", "check", "--calls", "--no-memory",
                           "--rounds", "1"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert "shape counterparts" in lines[0], done.stdout
    rows = [line.split() for line in lines if line.split()[:1] in (["2×"], ["3×"])]
    assert [row[1] for row in rows] == ["66", "99"], done.stdout
    growth = next(line.split() for line in lines if line.split()[:1] == ["growth"])
    assert growth[1:3] == ["1.5×", "size"] and growth[3].endswith("×"), done.stdout
    assert sum(line.split()[:1] == ["calls"] for line in lines) == 3, done.stdout  # each size's, and their growth


def test_the_whole_process_benchmark_runs_its_quick_mode() -> None:
    """`liaison export all` cold, again with nothing changed (from its receipt, and the first rerun
    without one), and the floor, one round each (no figure asserted: they are printed, with the
    ratios to the floor and to the targets)."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_cli.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = {line[:20].strip(): line[20:].split() for line in done.stdout.splitlines()[2:]}
    assert set(rows) == {"floor", "export, cold", "export, no change", "no change, 1st rerun"}, done.stdout
    assert (rows["export, cold"][-2], rows["export, no change"][-2], rows["no change, 1st rerun"][-2]) == \
        ("0.5", "0.3", "0.3")  # the targets
    assert "files" in done.stdout.splitlines()[0] and "icalendar" in done.stdout.splitlines()[0]


def test_the_whole_process_benchmark_times_the_commands_on_replicated_districts() -> None:
    """``--sizes``: `export all` and `check` as commands on the seed written k times over as a
    district file (one round; the growth over the size before printed, no figure asserted)."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_cli.py"), "--sizes", "1,2", "--quick"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line.split() for line in done.stdout.splitlines() if line.split()[:1] in (["1"], ["2"])]
    assert [row[:2] for row in rows] == [["1", "33"], ["2", "66"]], done.stdout
    # each command: wall, CPU, and (from the second size) growth in both clocks
    assert len(rows[0]) == 6 and len(rows[1]) == 10
    assert all(rows[1][i].endswith("×") for i in (4, 5, 8, 9)), done.stdout


@pytest.mark.parametrize("mode", ["fair", "warm"])
def test_the_letters_benchmark_runs_fair_by_default_and_warm_when_asked(mode: str) -> None:
    """Two notices, one round: the anchors build the same letters, and ours starts each round from
    empty memo caches unless ``--warm`` (no figure asserted)."""
    done = subprocess.run([sys.executable, str(ROOT / "plugins" / "liaison-docx" / "benchmarks" / "bench_letters.py"),
                           "--letters", "notices", "-n", "2", "--rounds", "1", "--clock", "cpu",
                           *(["--warm"] if mode == "warm" else [])],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert ("WARM" in lines[1]) == (mode == "warm") and ("cleared" in lines[1]) == (mode == "fair"), done.stdout
    assert "CPU time" in lines[2]
    assert {line.split()[0] for line in lines[3:]} == {"liaison_docx.render", "docxtpl", "python-docx"}


def test_the_city_benchmark_times_the_wall_and_the_cpu_and_where_the_wall_went() -> None:
    """bench_city on 2 districts, one round: every contender on the wall's clock and the CPU's, each
    with its ratio to the library's check, and the wall split into CPU + waiting for a core + the rest
    (no figure asserted)."""
    done = subprocess.run([sys.executable, str(ROOT / "plugins" / "liaison-web" / "benchmarks" / "bench_city.py"),
                           "--districts", "2", "--rounds", "1"], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    names = ("page, cold", "page, cold, upgraded", "page, fresh", "page, kept", "page, one changed", "api, cold")
    for clock in ("wall time:", "cpu time:"):
        table = out.split(clock, 1)[1].split("\n\n", 1)[0]
        assert all(f"{name} " in table for name in names) and "library (floor)" in table, out
        assert table.count("× library (floor)'s time") == len(names), out
    split = out.split("where the wall's time went", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert len(split) == len(names) + 1 and all(" = " in line and line.count(" + ") == 2 for line in split), out
    assert sum(line.startswith("page, ") and "the library's check" in line for line in out.splitlines()) == 5, out
