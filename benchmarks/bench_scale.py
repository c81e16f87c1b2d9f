"""Benchmark: every phase of a year at growing sizes, and a city of districts, with the growth factor
between sizes (issue #23's table, reproducible).

    python benchmarks/bench_scale.py --quick                  # seed and 10× (what the test runs)
    python benchmarks/bench_scale.py                          # seed, 10×, 100× (3,300 pairings), city of 100
    python benchmarks/bench_scale.py --sizes 1,10,30 --city 0 --phases plan,ical,check
    python benchmarks/bench_scale.py --shape counterparts --sizes 10,30,100 --city 0 --phases check --calls
    python benchmarks/bench_scale.py --shape departments --sizes 10,30,100 --city 0 --phases plan --calls
    python benchmarks/bench_scale.py --sizes 1 --phases plan --city 100 --no-memory   # the city, files written

A district of size k is the seed with its departments, party branches and ICF replicated k times
(ids ``dev-reform-2`` …, names, short names, aliases and 机关代字 with a Chinese numeral appended,
every pairing copied between the copies), so it has 33·k pairings and k times the seed's
engagements; the government bodies and the rules are the seed's.  ``--shape counterparts`` grows a
department's pairings alone: the party branches and the ICF replicated k times, each copy paired with
the departments its original is, the 14 departments the seed's (33·k pairings again, a department
with up to 8·k of them: what a checker that looks at a department's engagements once per pairing
shows as quadratic, and the default shape, which grows departments with their counterparts, hides).
For each size, in one process,
warm (each phase run once untimed at the smallest size):

* ``plan``: ``plan_year`` for 2027;
* ``ical``, ``docx``, ``xlsx``, ``html``: each exporter's ``export(ExportRequest(district, plan,
  records=…))`` with the plan's engagements as the records (``Records.from_plan``, a dry run: the
  letters that answer records and the page's heat map are made too);
* ``check``: ``liaison.law.compliance.check`` of those records;
* ``due lists``: every body's to-do list on 1 July (``liaison.year.due.due_lists``) on those records;
* ``ledger write`` / ``ledger read``: ``ledger_workbook`` of the year as held (every engagement a
  row marked 是) and ``read_ledger`` of what it wrote (a record per engagement, checked).

Each phase's time is the median of ``--rounds`` rounds (default 1 when a size is 100× or beyond, else
3; the same at every size), the rounds interleaving the sizes (each round measures every size once,
starting one further along), each measurement after one untimed run (so every size is timed in the
same, steady state) and started after a full collection,
its peak memory the peak of Python's allocations during one more
run under ``tracemalloc`` (``--no-memory`` skips that run: tracing slows the phase 2–3×).  ``--calls`` adds one more run
under ``cProfile`` and prints the Python function calls it made: a count the machine's load does not
change, for a shared machine where times vary (the memo caches of the letters' geometry are warm from
the rounds before, so a size whose texts outgrow them shows more calls).  The growth factor is a
phase's time (and peak, and calls) at one size over the size before; the issue's target is ≤ 11× for
10× the size.
``--clock cpu`` times by the process's CPU time instead of wall time: on a machine shared with other
jobs, the fairer clock for phases that only compute.
``--instructions`` counts the machine instructions of one run of each chosen phase at each size under
valgrind's callgrind (one process per phase and size, after the same untimed run, hash seed fixed):
the count the issue asks for where the machine is noisy, since neither the other jobs nor the
caches change it.  Only the phase is counted: it is called through ``ctypes`` and callgrind collects
inside libffi's ``ffi_call`` alone (``--collect-atstart=no --toggle-collect=ffi_call``), which nothing
else in the process calls, so building the district, planning and the untimed run are not counted.
Slow (callgrind runs 50–100× slower): a 100× phase takes minutes.
The city (``--city N``): N seed-sized districts (distinct ids and names), each loaded (its data
parsed, structured and checked), planned (its engagements taken as the records), exported by every
exporter (``--city-without docx`` leaves some out) through ``Workspace.export`` into an output
folder of its own — the plan made again, the duties worked out once, the files written, staged and
swapped in durably, as ``liaison export`` writes them — and checked, one after the other in one
process (issue #23's measure): its wall and CPU time in all and per step, and, as the anchor of the
staging, the same files written plainly into folders of their own with one ``os.sync`` a district
(outside the total). ``--city-in-memory`` runs the city as before this measure: each district's
duties handed to every exporter and the check, the artifacts made and dropped, no file written,
timed by ``--clock``. ``--city-profile FILE`` profiles the with-files city (cProfile).
``--shape departments`` grows the departments alone, each copy paired with the counterparts its
original is: from about 50× a counterpart is asked for more engagements than its year has free
half-days (the planner's over-full calendar).

Nothing is asserted: the figures are printed (docs/benchmarks.md has this machine's).
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import datetime as dt
import gc
import os
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from importlib import resources
from typing import Any

import attrs

from liaison.formats.convert import structure
from liaison.formats.district import DistrictDocument, check_district, current_body  # type: ignore[attr-defined]
from liaison.law.district import District

YEAR = 2027
EXPORTERS = ("ical", "docx", "xlsx", "html")
#: ``due lists``: every body's to-do list on 1 July, the year held (the service's bodies-behind page, a sweep)
PHASES = ("plan", *EXPORTERS, "check", "due lists", "ledger write", "ledger read")
#: Run only when named in ``--phases``: ``re-export``, the letters' exporter on the year after an
#: export issued its letters up to 20 November (the register full); ``history``, a fresh store's load
#: and revisions of a year whose ``.history/`` was given ``--history`` entries, then one save.
EXTRA_PHASES = ("re-export", "history")
#: How many entries the ``history`` phase gives the year's history before its one save (``--history``).
HISTORY = 300
REPLICATED = frozenset({"department", "party_branch", "icf"})
#: The organisations each shape replicates (``--shape``); a pairing's copies pair the copies of its ends
#: where they are replicated, and its ends themselves where not.
SHAPES = {"replicated": REPLICATED, "counterparts": frozenset({"party_branch", "icf"}),
          "departments": frozenset({"department"})}
#: What the phases are timed with: wall time, or (``--clock cpu``) the process's CPU time, which the
#: other jobs of a shared machine change far less (they take turns on its cores; the phases are
#: single-threaded and never wait on anything but the CPU).
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}
CLOCK = time.perf_counter
_DIGITS = "零一二三四五六七八九"


def numeral(n: int) -> str:
    """A Chinese numeral (n < 1000): 二, 十二, 一百零三.  Names and 机关代字 take it, for they may
    not hold Latin digits everywhere they are used."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    text = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    return text + (_DIGITS[ones] if ones else "")


def seed_data() -> dict[str, Any]:
    """The seed's TOML as the library reads a district file (its parser, tomli, and its checks)."""
    from liaison.formats.syntax import read_document

    text = resources.files("liaison").joinpath("data", "seed.toml").read_text(encoding="utf-8")
    return read_document(text, "toml", expected="district", file="seed.toml")


def replicated_data(k: int, *, district_id: str = "seed", name: str | None = None,
                    shape: str = "replicated") -> dict[str, Any]:
    """The seed's data (as its TOML reads) with its departments, branches and ICF (and their
    pairings) k times, or with the organisations of another of the ``SHAPES``: what
    :func:`replicated` structures, and what ``bench_cli.py --sizes`` writes as a district file for
    the command."""
    raw = seed_data()
    raw["district"]["id"] = district_id
    if name is not None:
        raw["district"]["name"] = name
    copied = [o for o in raw["organisations"] if o["kind"] in SHAPES[shape]]
    ids = {o["id"] for o in copied}
    pairings = list(raw["pairings"])
    for i in range(2, k + 1):
        suffix = numeral(i)
        for org in copied:
            twin = copy.deepcopy(org)
            twin["id"] = f"{org['id']}-{i}"
            for key in ("name", "short_name", "doc_prefix"):
                if key in twin:
                    twin[key] = f"{twin[key]}{suffix}"
            if "name_en" in twin:
                twin["name_en"] = f"{twin['name_en']} {i}"
            twin["aliases"] = [f"{a}{suffix}" for a in twin.get("aliases", ())]
            raw["organisations"].append(twin)
        for pairing in pairings:
            twin = copy.deepcopy(pairing)
            for end in ("department", "counterpart"):
                if pairing[end] in ids:
                    twin[end] = f"{pairing[end]}-{i}"
            raw["pairings"].append(twin)
    return raw


def replicated(k: int, *, district_id: str = "seed", name: str | None = None, shape: str = "replicated") -> District:
    """The seed with its departments, branches and ICF (and their pairings) k times (or those of
    another of the ``SHAPES``)."""
    raw = replicated_data(k, district_id=district_id, name=name, shape=shape)
    body = current_body(raw, "district", file=f"<seed × {k}>")
    doc = structure(body, DistrictDocument, file=f"<seed × {k}>")
    check_district(doc, file=f"<seed × {k}>")
    return District(doc.district, doc.organisations, doc.pairings, doc.provisions)


def phases(district: District, *, shared: bool = False) -> tuple[dict[str, Callable[[], Any]], dict[str, Any]]:
    """Each phase as a call; the later ones use what the earlier ones made (the plan, the ledger).
    ``shared``: a ``duties`` phase works the year's duties out once and every exporter and the check
    read them, as ``build_export`` does for an export (without it, each request works them out)."""
    from liaison_xlsx import ledger_workbook, read_ledger

    from liaison.host.exporting import ExportRequest
    from liaison.host.plugins import exporter
    from liaison.law.compliance import check
    from liaison.law.duties import year_duties
    from liaison.law.records import Records
    from liaison.year.due import due_lists
    from liaison.year.engagements import Status
    from liaison.year.planner import plan_year
    from liaison_workspace import FolderStore, Workspace

    made: dict[str, Any] = {}

    def plan() -> None:
        made["plan"] = plan_year(district, YEAR)
        made["records"] = Records.from_plan(made["plan"])

    def export(name: str) -> Callable[[], None]:
        chosen = exporter(name)

        def run() -> None:
            given = {"duties": made["duties"]} if shared else {}
            list(chosen.export(ExportRequest(district=district, plan=made["plan"], records=made["records"],
                                             issued_on=dt.date(YEAR, 1, 4), **given)))
        return run

    def ledger_write() -> None:
        # the year as held: every engagement a row marked 是, so the read below reads them all (a
        # ledger of the plan as planned has no row a reader takes as a record)
        plan = made["plan"]
        if "held plan" not in made:
            made["held plan"] = attrs.evolve(plan, engagements=tuple(
                attrs.evolve(e, status=Status.HELD) for e in plan.engagements))
        made["ledger"] = ledger_workbook(district, made["held plan"], YEAR)

    def duties() -> None:
        made["duties"] = year_duties(district, YEAR, made["records"])

    calls: dict[str, Callable[[], Any]] = {"plan": plan, "duties": duties}
    calls.update({name: export(name) for name in EXPORTERS})
    calls["check"] = lambda: check(district, made["records"], YEAR, duties=made["duties"] if shared else None)
    calls["due lists"] = lambda: due_lists(district, made["plan"], made["records"], as_of=dt.date(YEAR, 7, 1))
    calls["ledger write"] = ledger_write
    def ledger_read() -> None:
        made["read"] = read_ledger(made["ledger"], district, "ledger.xlsx")
        # every row read as a record: a benchmark of a read that takes nothing would measure nothing
        assert len(made["read"].engagements) == len(made["held plan"].engagements)

    calls["ledger read"] = ledger_read

    def re_export() -> None:
        # the first call (the untimed run) issues the year's letters up to 20 November through a
        # workspace, as an office's exports would; every call then re-exports with that register
        if "issued" not in made:
            folder = tempfile.mkdtemp(prefix="bench-scale-")
            try:
                done = Workspace(folder).export(district, YEAR, [("docx", {})], issued_on=dt.date(YEAR, 11, 20))
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            made["issued"] = ExportRequest(district=district, plan=done.state.plan,
                                           records=Records.from_plan(done.state.plan), letters=done.state.letters,
                                           issued_on=dt.date(YEAR, 11, 21), revision=2)
        list(exporter("docx").export(made["issued"]))

    def history() -> None:
        # the first call gives a year HISTORY entries (its state's bytes, each with one more newline, named
        # as saves name them) and saves once, as a year with a long history would be saved; every call
        # then times a fresh store's load and revisions of it
        if "history" not in made:
            made["history"] = long_history(district, HISTORY)
        fresh = FolderStore(made["history"])
        fresh.load(district, YEAR)
        fresh.revisions(district, YEAR)

    calls["re-export"] = re_export
    calls["history"] = history
    return calls, made


def long_history(district: District, entries: int) -> str:
    """An output folder (removed at exit) whose year has ``entries`` history entries and then one save."""
    import atexit

    from liaison.year.reconcile import Change
    from liaison.year.store import Revision
    from liaison_workspace import Workspace
    from liaison_workspace.folder import HISTORY as FOLDER
    from liaison_workspace.store import _entry_name, revision_of

    root = tempfile.mkdtemp(prefix="bench-scale-history-")
    atexit.register(shutil.rmtree, root, True)
    ws = Workspace(root)
    ws.update(district, YEAR)
    state_path = ws.store.state_path(district, YEAR)
    data = state_path.read_bytes()
    for seq in range(2, entries + 1):
        data += b"\n"
        (ws.store.folder(YEAR) / FOLDER / _entry_name(seq, Revision(revision_of(data), "update"))).write_bytes(data)
    state_path.write_bytes(data)
    stored = ws.store.load(district, YEAR)
    assert stored is not None
    ws.update(district, YEAR, [Change("cancel", stored.state.plan.engagements[-1].id)])
    return root


def measure(district: District, chosen: tuple[str, ...], rounds: int,
            memory: bool, count_calls: bool = False) -> tuple[dict[str, tuple[float, int, int]], int]:
    """Each chosen phase's median seconds, peak traced bytes (0 without ``memory``) and Python
    function calls (0 without ``count_calls``), and how many engagements the plan has."""
    calls, made = phases(district)
    out: dict[str, tuple[float, int, int]] = {}
    needed = [p for p in (*PHASES, *EXTRA_PHASES) if p in chosen or p in ("plan", "ledger write")]
    for name in needed:
        times = []
        # one untimed run first, at every size: the rounds then time every size in the same state (the
        # letters' title memo filled, as in any later export of the process). Without it the 10× median
        # of three warm runs was set against the 100× single cold one (docx read 14–15× for 11.0× cold
        # against cold and 11.6× warm against warm).
        if name in chosen:
            calls[name]()
        for _ in range(rounds):
            # each phase starts from a full collection, as benchmarks/timing.py does: it then pays for
            # the collections its own objects cause, not for what the phase before left pending (a full
            # pass falls in one phase or the next by where the one before stopped: check read 10.9×
            # or 18× by that alone)
            gc.collect()
            started = CLOCK()
            calls[name]()
            times.append(CLOCK() - started)
        peak = 0
        if memory:
            tracemalloc.start()
            calls[name]()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        counted = 0
        if count_calls and name in chosen:
            profile = cProfile.Profile()
            profile.runcall(calls[name])
            counted = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
        if name in chosen:
            out[name] = (statistics.median(times), peak, counted)
    return out, len(made["plan"].engagements)


CITY_STEPS = ("load", "plan", "duties", *EXPORTERS, "check")


def city(count: int, without: frozenset[str] = frozenset()) -> tuple[float, dict[str, float]]:
    """``count`` seed-sized districts loaded, planned, exported by every exporter (but ``without``)
    and checked, in turn; each district's duties worked out once for its exporters and its check, as
    ``build_export`` does."""
    spent = dict.fromkeys((step for step in CITY_STEPS if step not in without), 0.0)
    started = CLOCK()
    for n in range(1, count + 1):
        t = CLOCK()
        district = replicated(1, district_id=f"d{n}", name=f"第{numeral(n)}区")
        spent["load"] += CLOCK() - t
        calls, _ = phases(district, shared=True)
        for name in spent:
            if name == "load":
                continue
            t = CLOCK()
            calls[name]()
            spent[name] += CLOCK() - t
    return CLOCK() - started, spent


#: The with-files city's steps: ``export`` is ``Workspace.export`` (the plan again, the duties, every
#: exporter, the files staged and swapped in), of which ``staging`` is the store's save; ``plain
#: writes`` is the anchor, outside the total: the same files written with ``open``/``write`` into a
#: folder of their own and made durable once (``os.sync``), as a tool with no staging would.
CITY_FILE_STEPS = ("load", "plan", "export", "staging", "check", "plain writes")


def both_clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def city_files(count: int, without: frozenset[str], root: str,
               profile: cProfile.Profile | None = None) -> tuple[tuple[float, float], dict[str, list[float]]]:
    """``count`` seed-sized districts, each loaded, planned (its engagements the records, as
    :func:`city` takes them), exported by every exporter (but ``without``) into an output folder of
    its own under ``root`` through ``Workspace.export`` — the files written, staged and swapped in,
    durably, as ``liaison export`` writes them — and checked; wall and CPU seconds in all and per step."""
    import pathlib

    from liaison.law.compliance import check
    from liaison.law.records import Records
    from liaison.year.planner import plan_year
    from liaison_workspace.store import FolderStore
    from liaison_workspace.workspace import Workspace

    spent = {step: [0.0, 0.0] for step in CITY_FILE_STEPS}

    def add(step: str, since: tuple[float, float]) -> None:
        now = both_clocks()
        spent[step][0] += now[0] - since[0]
        spent[step][1] += now[1] - since[1]

    class TimedStore(FolderStore):
        """The output folder's store, its saves timed, and the same files written plainly beside it."""

        def save(self, district: Any, year: int, commit: Any, *, expected: str | None) -> str:
            t = both_clocks()
            try:
                return super().save(district, year, commit, expected=expected)
            finally:
                add("staging", t)
                plain(pathlib.Path(root, "plain", district.info.id), commit.writes)

    def plain(folder: pathlib.Path, writes: Any) -> None:
        t = both_clocks()
        for path, data in writes:
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
        os.sync()
        add("plain writes", t)

    formats = [(name, {}) for name in EXPORTERS if name not in without]
    if profile is not None:
        profile.enable()
    started = both_clocks()
    for n in range(1, count + 1):
        t = both_clocks()
        district = replicated(1, district_id=f"d{n}", name=f"第{numeral(n)}区")
        add("load", t)
        t = both_clocks()
        records = Records.from_plan(plan_year(district, YEAR))
        add("plan", t)
        t = both_clocks()
        outcome = Workspace(store=TimedStore(pathlib.Path(root, district.info.id))).export(
            district, YEAR, formats, records=records, issued_on=dt.date(YEAR, 1, 4))
        add("export", t)
        assert outcome.written, "a first export writes its files"
        t = both_clocks()
        check(district, records, YEAR)
        add("check", t)
    ended = both_clocks()
    if profile is not None:
        profile.disable()
    anchor = spent["plain writes"]
    spent["export"] = [spent["export"][0] - anchor[0], spent["export"][1] - anchor[1]]  # the anchor ran inside it
    return (ended[0] - started[0] - anchor[0], ended[1] - started[1] - anchor[1]), spent


def report_city_files(count: int, without: frozenset[str], left_out: str, profile_to: str | None) -> None:
    import tempfile

    profile = cProfile.Profile() if profile_to else None
    root = tempfile.mkdtemp(prefix="bench-city-")
    try:
        gc.collect()
        (wall, cpu), spent = city_files(count, without, root, profile)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if profile is not None and profile_to:
        profile.dump_stats(profile_to)
    print(f"city of {count} seed-sized districts, each loaded, planned, exported{left_out} into an output folder "
          f"of its own (files written, staged and swapped in, durably) and checked: wall {wall:.2f} s, "
          f"CPU {cpu:.2f} s (target ≤ 10 s)")
    print(f"{'step':>14} {'wall s':>8} {'CPU s':>8} {'share of wall':>14}")
    for step, (w, c) in spent.items():
        share = "(anchor)" if step == "plain writes" else f"{w / wall:.0%}"
        note = "  (inside export)" if step == "staging" else ""
        print(f"{step:>14} {w:>8.2f} {c:>8.2f} {share:>14}{note}")
    staging, anchor = spent["staging"], spent["plain writes"]
    print(f"staging / plain writes of the same bytes (one os.sync a district): wall {staging[0] / anchor[0]:.2f}×, "
          f"CPU {staging[1] / anchor[1]:.2f}×")


def count_one(phase: str, k: int, shape: str) -> None:
    """The process callgrind counts: the district of size ``k``, the phases ``phase`` needs, one
    untimed run of it (as ``measure`` does), a full collection, then one run inside ``ffi_call``."""
    import ctypes

    calls, _ = phases(replicated(k, shape=shape))
    needed = () if phase == "plan" else ("plan", "ledger write") if phase == "ledger read" else ("plan",)
    for name in needed:
        calls[name]()
    calls[phase]()
    gc.collect()
    ctypes.CFUNCTYPE(None)(lambda: calls[phase]())()


def instructions(phase: str, k: int, shape: str) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", "--collect-atstart=no",
                           "--toggle-collect=ffi_call", sys.executable, __file__, "--count-one", f"{phase}@{k}",
                           "--shape", shape],
                          capture_output=True, text=True, check=True, env=env)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))  # type: ignore[union-attr]


def count_instructions(sizes: list[int], chosen: tuple[str, ...], shape: str) -> None:
    if shutil.which("valgrind") is None:
        print("valgrind not installed: no instruction counts (apt-get install valgrind)")
        return
    print("\ninstructions of one run of each phase (valgrind callgrind), growth over the size before")
    print(f"{'size':>5}  " + "".join(f"{p:>16}" for p in chosen))
    before: dict[str, int] = {}
    for k in sizes:
        counted = {}
        for phase in chosen:
            counted[phase] = instructions(phase, k, shape)
        print(f"{k:>4}×  " + "".join(f"{counted[p]:>16,}" for p in chosen))
        if before:
            print(f"{'':>5}  " + "".join(f"{counted[p] / before[p]:>15.2f}×" for p in chosen))
        before = counted
        sys.stdout.flush()


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    global CLOCK, HISTORY
    from liaison.host.collector import allow

    allow()  # as the `liaison` command's process: an export may pause the collector (liaison.host.collector)
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="seed and 10× only, no city (what the test runs)")
    parser.add_argument("--sizes", default="1,10,100", help="replication factors, comma-separated (default 1,10,100)")
    parser.add_argument("--city", type=int, default=100, help="districts in the city (0: none; default 100)")
    parser.add_argument("--phases", default=",".join(PHASES),
                        help=f"comma-separated, of: {', '.join(PHASES)} (the default), {', '.join(EXTRA_PHASES)}")
    parser.add_argument("--history", type=int, default=HISTORY, metavar="N",
                        help=f"entries in the year's history before the history phase's save (default {HISTORY})")
    parser.add_argument("--city-without", default="", metavar="EXPORTERS",
                        help="exporters the city leaves out, comma-separated (e.g. docx)")
    parser.add_argument("--city-in-memory", action="store_true",
                        help="the city as before: each export's artifacts made and dropped, no file written "
                             "(default: written into an output folder per district, as `liaison export` does)")
    parser.add_argument("--city-profile", metavar="FILE",
                        help="profile the with-files city (cProfile) and dump the stats into FILE")
    parser.add_argument("--rounds", type=int, default=0,
                        help="rounds over the sizes (default 3, 1 when a size is 100× or more)")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall",
                        help="time the phases by wall time (default) or the process's CPU time (a shared machine)")
    parser.add_argument("--no-memory", action="store_true", help="skip the traced run that measures peak memory")
    parser.add_argument("--calls", action="store_true",
                        help="one more run under cProfile counting Python function calls (noise-free growth)")
    parser.add_argument("--instructions", action="store_true",
                        help="count each phase's instructions under valgrind instead of timing it (noise-free, slow)")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="replicated",
                        help="what a size replicates: departments with their counterparts (default), the "
                             "counterparts alone (a department's pairings grow), or the departments alone (a "
                             "counterpart's calendar fills up)")
    parser.add_argument("--count-one", metavar="PHASE@K", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    CLOCK = CLOCKS[args.clock]
    HISTORY = args.history
    os.environ["LIAISON_PLUGINS"] = ",".join(EXPORTERS)  # the four exporters, whatever else is installed
    try:
        sizes = [1, 10] if args.quick else [int(s) for s in args.sizes.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:  # a usage error, not a traceback
        parser.error(f"--sizes takes whole numbers of at least 1, comma-separated (e.g. 1,10,100), not {args.sizes!r}")
    chosen = tuple(p.strip() for p in args.phases.split(",") if p.strip())
    unknown = set(chosen) - set(PHASES) - set(EXTRA_PHASES)
    if unknown:
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    count = 0 if args.quick else args.city
    if args.count_one:
        phase, k = args.count_one.rsplit("@", 1)
        count_one(phase, int(k), args.shape)
        return 0
    if args.instructions:
        count_instructions(sizes, chosen, args.shape)
        return 0

    measure(replicated(1), PHASES, 1, memory=False)  # warm: imports, templates, caches of the first call
    results: dict[int, dict[str, tuple[float, int, int]]] = {}
    header = f"{'size':>5} {'pairings':>9} {'engagements':>12}  " + "".join(f"{p:>14}" for p in chosen)
    grown = "" if args.shape == "replicated" else f" (shape {args.shape}: {', '.join(sorted(SHAPES[args.shape]))})"
    print(f"{'CPU' if args.clock == 'cpu' else 'wall'} time (s), median of the rounds; peak traced memory (MiB) "
          f"under it; growth over the size before{grown}")
    print(header)
    # the rounds interleave the sizes (each round measures every size once, starting one further
    # along), so a busy moment of a shared machine falls on every size alike; each phase's figure is
    # its median over the rounds, the same number of rounds at every size
    districts = {k: replicated(k, shape=args.shape) for k in sizes}
    rounds = args.rounds or (1 if max(sizes) >= 100 else 3)
    timed: dict[int, dict[str, list[float]]] = {k: {p: [] for p in chosen} for k in sizes}
    first: dict[int, dict[str, tuple[float, int, int]]] = {}
    counts: dict[int, int] = {}
    for r in range(rounds):
        for k in sizes[r % len(sizes):] + sizes[:r % len(sizes)]:
            once, counts[k] = measure(districts[k], chosen, 1, memory=not args.no_memory and r == 0,
                                      count_calls=args.calls and r == 0)
            first.setdefault(k, once)
            for p in chosen:
                timed[k][p].append(once[p][0])
    for k in sizes:
        district, engagements = districts[k], counts[k]
        found = {p: (statistics.median(timed[k][p]), first[k][p][1], first[k][p][2]) for p in chosen}
        results[k] = found
        print(f"{k:>4}× {len(district.pairings):>9,} {engagements:>12,}  "
              + "".join(f"{found[p][0]:>14.3f}" for p in chosen))
        if not args.no_memory:
            print(f"{'':>5} {'':>9} {'MiB':>12}  " + "".join(f"{found[p][1] / 2**20:>14.1f}" for p in chosen))
        if args.calls:
            print(f"{'':>5} {'':>9} {'calls':>12}  " + "".join(f"{found[p][2]:>14,}" for p in chosen))
        before = sizes[sizes.index(k) - 1] if sizes.index(k) else None
        if before is not None:
            prior = results[before]
            # the ratio of the sizes, not its floor: 3 to 10 is 3.33× (3× before)
            print(f"{'':>5} {'growth':>9} {f'{k / before:.3g}× size':>12}  "
                  + "".join(f"{found[p][0] / prior[p][0]:>13.1f}×" for p in chosen))
            if not args.no_memory:
                print(f"{'':>5} {'':>9} {'memory':>12}  "
                      + "".join(f"{found[p][1] / max(prior[p][1], 1):>13.1f}×" for p in chosen))
            if args.calls:
                print(f"{'':>5} {'':>9} {'calls':>12}  "
                      + "".join(f"{found[p][2] / max(prior[p][2], 1):>13.1f}×" for p in chosen))
        sys.stdout.flush()
    if count:
        without = frozenset(e.strip() for e in args.city_without.split(",") if e.strip())
        if without - set(EXPORTERS):
            parser.error(f"unknown exporters: {', '.join(sorted(without - set(EXPORTERS)))}")
        left_out = f" (without {', '.join(sorted(without))})" if without else ""
        if args.city_in_memory:
            total, spent = city(count, without)
            parts = ", ".join(f"{name} {seconds:.1f} s ({seconds / total:.0%})" for name, seconds in spent.items())
            print(f"city of {count} seed-sized districts, each loaded, planned, exported{left_out} (in memory, no "
                  f"file written) and checked: {total:.1f} s ({args.clock}); {parts}")
        else:
            report_city_files(count, without, left_out, args.city_profile)
    print(f"peak RSS of the process: {peak_rss_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
