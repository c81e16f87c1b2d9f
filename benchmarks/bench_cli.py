"""`liaison export all` as a whole process, against the floor a user cannot go below.

    python benchmarks/bench_cli.py [--rounds 7] [--year 2027]
    python benchmarks/bench_cli.py --quick            # one round (what tests/test_benchmarks.py runs)

Three contenders, each a fresh Python process, interleaved round by round (``timing.interleave``),
medians of wall-clock and CPU seconds:

- ``export, cold``: ``liaison export all --year 2027 --out DIR`` into a new folder (a cold process,
  the disk cache warm, liaison's cache folder filled by an earlier command — a folder of the run's
  own): plan the year, render every file, stage and swap it in durably.
- ``export, no change``: the same command again on a folder it has written, nothing changed —
  answered from the receipt the rerun before it left (``liaison_cli/receipts.py``).
- ``no change, 1st rerun``: the same, the receipt removed first: the first rerun after an export
  that wrote something runs in full (plans the year, finds every exporter's files as its last run
  left them) and leaves the receipt.
- ``floor``: a process importing what the export must (``liaison`` and the exporters' libraries the
  export loads: icalendar, python-docx, Jinja2, the spreadsheet libraries — found by running it once),
  then writing the same bytes to the same number of files and making them durable with one
  ``syncfs`` (or an ``fsync`` each), as the export does. No planning, no rendering, no state: what
  no exporter of these files can avoid.

``--sizes 1,10,100`` times the commands on districts of growing size instead: for each k, the seed
with its departments, branches and ICF replicated k times (``bench_scale.replicated_data``, 33·k
pairings), written as a district file, and the year as held written as a ledger (every engagement a
row marked 是, as ``bench_scale``'s ``ledger write`` makes it); then, interleaved, fresh processes of
``liaison export all --data FILE --year 2027 --out DIR`` into a new folder and ``liaison check
--data FILE --year 2027 --records LEDGER`` (reading the ledger's records and checking them), with
each command's growth over the size before. Targets at 100× (3,300 pairings): ``export all`` under
30 s, ``check`` under 1 s. No warm-up run at sizes of 100 and more (a 100× export is long).

``--before TREE`` adds the cold and the no-change export and the first rerun of an earlier version
of the code (a ``git archive`` of it unpacked in TREE: its ``src`` and ``plugins/*/src`` go first on
``PYTHONPATH``, so the same interpreter and libraries run it), interleaved with the rest, each in its
own folder and with a cache folder of its own; with ``--sizes``, its ``check``.

Targets (issue #23): the cold export ≤ 0.5 s, the no-change export ≤ 0.3 s. Printed with each
contender's ratio to the floor; never asserted as timings in tests. Bytecode is compiled first
(``compileall`` on the installed packages) as ``pip install`` does, so an editable install run with
``PYTHONDONTWRITEBYTECODE`` does not time the compiler.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import before_path, interleave, medians

TARGETS = {"export, cold": 0.5, "export, no change": 0.3, "no change, 1st rerun": 0.3, "before: cold": 0.5,
           "before: no change": 0.3, "before: 1st rerun": 0.3}
PACKAGES = ("liaison", "liaison_cli", "liaison_workspace", "liaison_ical", "liaison_docx", "liaison_xlsx",
            "liaison_html", "liaison_caldav")
#: Libraries the floor imports if the export loads them.
LIBRARIES = ("icalendar", "docx", "lxml", "jinja2", "xlsxwriter", "openpyxl", "markupsafe")

_LOADED = ("import runpy, sys\n"
           "sys.argv = ['liaison', *sys.argv[1:]]\n"
           "try:\n"
           "    runpy.run_module('liaison_cli', run_name='__main__')\n"
           "except SystemExit:\n"
           "    pass\n"
           "print('\\nLOADED', ' '.join(sorted(sys.modules)))\n")

_FLOOR = """
import ctypes, ctypes.util, os, pickle, sys
import liaison
{imports}
blob, out = sys.argv[1], sys.argv[2]
with open(blob, "rb") as handle:
    files = pickle.load(handle)
os.mkdir(out)
for relative, data in files.items():
    path = os.path.join(out, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
fd = os.open(out, os.O_RDONLY)
try:
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.syncfs(fd) != 0:
        raise OSError(ctypes.get_errno(), "syncfs")
except (OSError, AttributeError):
    for place, _dirs, names in os.walk(out):
        for name in names:
            f = os.open(os.path.join(place, name), os.O_RDONLY)
            os.fsync(f)
            os.close(f)
finally:
    os.close(fd)
"""


def _compile_packages() -> None:
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            for location in spec.submodule_search_locations:
                compileall.compile_dir(location, quiet=1)


_CACHE: list[str] = []  # the run's own cache folder, filled by the first export (a machine that has run liaison)


def _env(path: str = "", cache: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LIAISON_PLUGINS", "PYTHONDONTWRITEBYTECODE")}
    if cache or _CACHE:
        env["LIAISON_CACHE_DIR"] = cache or _CACHE[0]
    if path:
        env["PYTHONPATH"] = path
    return env


class Child:
    """A command run as a fresh process: wall seconds from ``interleave``, CPU seconds kept here.
    ``first`` runs before each call, untimed in CPU (it is this process's, not the child's)."""

    def __init__(self, make_args: object, path: str = "", first: object = None, cache: str = "") -> None:
        self.make_args = make_args
        self.path = path
        self.first = first
        self.cache = cache
        self.cpu: list[float] = []

    def __call__(self) -> None:
        if callable(self.first):
            self.first()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        args = self.make_args() if callable(self.make_args) else self.make_args
        done = subprocess.run(args, capture_output=True, env=_env(self.path, self.cache), check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(map(str, args))} failed:\n{done.stderr.decode(errors='replace')[-3000:]}")
        self.cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)


SCALE_TARGETS = {"export all": 30.0, "check": 1.0}  # seconds, at 3,300 pairings (issue #23)


def _district_files(k: int, year: int, work: Path) -> tuple[Path, Path]:
    """The seed replicated ``k`` times as a district file, and its year as held as a ledger."""
    import tomlkit
    from bench_scale import phases, replicated, replicated_data

    data = work / f"district-{k}.toml"
    data.write_text(tomlkit.dumps(replicated_data(k)), encoding="utf-8")
    calls, made = phases(replicated(k))  # the ledger the scale benchmark writes: the year as held
    calls["plan"]()
    calls["ledger write"]()
    ledger = work / f"ledger-{k}.xlsx"
    ledger.write_bytes(made["ledger"])
    return data, ledger


def scale(sizes: list[int], rounds: int, year: int, work: Path, earlier: str | None = None) -> None:
    """The commands on the seed replicated k times for each k (see the module's docstring)."""
    from bench_scale import EXPORTERS, YEAR

    if year != YEAR:
        raise SystemExit(f"--sizes times the year {YEAR} (bench_scale's ledger)")
    # the ledger is made here with bench_scale's phases, which find the four exporters (as bench_scale
    # does); the commands run with every installed plugin (`_env` leaves the variable out)
    os.environ["LIAISON_PLUGINS"] = ",".join(EXPORTERS)
    base = [sys.executable, "-m", "liaison_cli"]
    count = iter(range(1_000_000))
    wall: dict[int, dict[str, float]] = {}
    cpu: dict[int, dict[str, float]] = {}
    for k in sizes:
        data, ledger = _district_files(k, year, work)
        contenders = {
            "export all": Child(lambda data=data, k=k: [*base, "export", "all", "--data", str(data), "--year",
                                                      str(year), "--out", str(work / f"out-{k}-{next(count)}")]),
            "check": Child([*base, "check", "--data", str(data), "--year", str(year), "--records", str(ledger)]),
        }
        if earlier is not None:  # the earlier code's check, with a cache folder of its own
            contenders["before: check"] = Child(contenders["check"].make_args, earlier,
                                                cache=str(work / "cache-before"))
        times = interleave(contenders, rounds, warm_up=k < 100)
        wall[k] = medians(times)
        cpu[k] = {name: sorted(c.cpu)[len(c.cpu) // 2] for name, c in contenders.items()}
        for folder in work.glob(f"out-{k}-*"):
            shutil.rmtree(folder, ignore_errors=True)
    print(f"liaison commands on the seed replicated k times, {year} ({rounds} interleaved rounds, medians; "
          "growth over the size before)")
    names = [*SCALE_TARGETS, *(["before: check"] if earlier is not None else [])]
    print(f"{'k':>4}  {'pairings':>8}  " + "  ".join(
        f"{name + ' wall s':>16}  {'cpu s':>7}  {'wall ×':>6}  {'cpu ×':>6}" for name in names))
    before: int | None = None
    for k in sizes:
        cells = []
        for name in names:
            # growth in both clocks: on a loaded machine the wall's says little, the CPU's more
            grew = f"{wall[k][name] / wall[before][name]:5.2f}×" if before is not None else ""
            grew_cpu = f"{cpu[k][name] / cpu[before][name]:5.2f}×" if before is not None else ""
            cells.append(f"{wall[k][name]:16.3f}  {cpu[k][name]:7.3f}  {grew:>6}  {grew_cpu:>6}")
        print(f"{k:>4}  {33 * k:>8}  " + "  ".join(cells))
        before = k
    print("targets at 3,300 pairings: " + ", ".join(f"{name} < {t:g} s" for name, t in SCALE_TARGETS.items()))
    if earlier is not None:
        print("check / before: check, CPU: " + ", ".join(
            f"k={k} {cpu[k]['check'] / cpu[k]['before: check']:.2f}" for k in sizes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--quick", action="store_true", help="one round, no warm-up (a smoke test)")
    parser.add_argument("--before", type=Path, default=None, metavar="TREE",
                        help="an earlier version's source tree (git archive), run interleaved with this one")
    parser.add_argument("--sizes", default=None, metavar="K,K,…",
                        help="time `export all` and `check` on the seed replicated K times (e.g. 1,10,100)")
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    _compile_packages()
    work = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    _CACHE.append(str(work / "cache"))
    try:
        if args.sizes:
            scale([int(k) for k in args.sizes.split(",")], rounds, args.year, work,
                  before_path(args.before.resolve()) if args.before is not None else None)
            return
        export = [sys.executable, "-m", "liaison_cli", "export", "all", "--year", str(args.year), "--out"]
        probe = subprocess.run([sys.executable, "-c", _LOADED, *export[3:], str(work / "probe")],
                               capture_output=True, text=True, env=_env(), check=True)
        loaded = set(probe.stdout.rsplit("\nLOADED", 1)[1].split())
        libraries = [lib for lib in LIBRARIES if lib in loaded]
        year = work / "probe" / str(args.year)
        files = {str(p.relative_to(year)): p.read_bytes() for p in sorted(year.rglob("*"))
                 if p.is_file() and ".history" not in p.parts}
        files[".history/000001-export-1.json"] = next((year / ".history").iterdir()).read_bytes()
        blob = work / "files.pickle"
        blob.write_bytes(pickle.dumps(files))
        floor_code = _FLOOR.format(imports="\n".join(f"import {lib}" for lib in libraries))
        count = iter(range(1_000_000))
        receipts = work / "cache" / "export-receipts"
        contenders = {
            "floor": Child(lambda: [sys.executable, "-c", floor_code, str(blob), str(work / f"floor-{next(count)}")]),
            "export, cold": Child(lambda: [*export, str(work / f"cold-{next(count)}")]),
            "export, no change": Child([*export, str(work / "probe")]),
            "no change, 1st rerun": Child([*export, str(work / "probe")],
                                          first=lambda: shutil.rmtree(receipts, ignore_errors=True)),
        }
        if args.before is not None:  # with a cache folder of its own (its receipts, its kept district)
            earlier, cache = before_path(args.before.resolve()), str(work / "cache-before")
            subprocess.run([*export, str(work / "before")], capture_output=True, env=_env(earlier, cache), check=True)
            contenders["before: cold"] = Child(lambda: [*export, str(work / f"before-cold-{next(count)}")], earlier,
                                               cache=cache)
            contenders["before: no change"] = Child([*export, str(work / "before")], earlier, cache=cache)
            contenders["before: 1st rerun"] = Child(
                [*export, str(work / "before")], earlier, cache=cache,
                first=lambda: shutil.rmtree(Path(cache) / "export-receipts", ignore_errors=True))
        times = interleave(contenders, rounds, warm_up=not args.quick)
        wall = medians(times)
        cpu = {name: sorted(c.cpu)[len(c.cpu) // 2] for name, c in contenders.items()}
        print(f"seed district, {args.year}: {len(files)} files, {sum(map(len, files.values())):,} bytes; "
              f"the floor imports liaison, {', '.join(libraries)}")
        print(f"{'':20}  {'wall s':>7}  {'min':>6}  {'max':>6}  {'/floor':>7}  {'cpu s':>6}  {'/floor':>7}  "
              f"{'target':>6}  {'wall/target':>11}   ({rounds} interleaved rounds, medians)")
        for name, values in times.items():
            target = TARGETS.get(name)
            print(f"{name:20}  {wall[name]:7.3f}  {min(values):6.3f}  {max(values):6.3f}  "
                  f"{wall[name] / wall['floor']:6.2f}×  {cpu[name]:6.3f}  {cpu[name] / cpu['floor']:6.2f}×  "
                  f"{target if target else '':>6}  {(f'{wall[name] / target:.2f}') if target else '':>11}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
