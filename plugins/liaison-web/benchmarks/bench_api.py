"""The API under concurrent clients, beside the same answers made by the library in-process.

    python plugins/liaison-web/benchmarks/bench_api.py --clients 50 --requests 2000 --rounds 3
    python plugins/liaison-web/benchmarks/bench_api.py --database postgresql://…   # a database it may fill

Starts ``liaison serve`` (waitress, ``--threads``; ``--workers`` processes of it) on a free port of
127.0.0.1 on a new SQLite file (or ``--database``), makes an API token (read and write), then
``--clients`` clients, each with its own keep-alive connection, spread over ``--client-processes``
processes (threads in each), send ``--requests`` requests in all per operation and round:

- reads of one district's year: the year's ``plan`` (65 kB of JSON for the seed district), one
  ``engagement``, a body's ``due`` list, the year's ``findings``;
- ``write``: every client changes the year — it reads an engagement (its ETag) and moves it to the
  other of two days with ``If-Match`` (each change a new revision and an audit entry); a 412 (another
  client's change of that engagement came first: the rule of ``If-Match``) is answered and counted,
  and the client reads again. ``--writes-to own`` (the default): each client moves an engagement of
  its own (client n the year's n-th, as the plan lists them; with more clients than engagements some
  share one), between its day and the same weekday a week away — bodies changing their own
  meetings; ``--writes-to one``: every client moves the same engagement between two days, all
  against each other. The ``412s`` column is the share of the writes answered 412;
- ``mixed``: every tenth request of each client a write as above, the others the four reads in turn;
  the reads' and the writes' latencies are printed apart.

Each operation prints throughput, p50 and p99 (of the median round). The floor is the same answer
made in this process without HTTP, one caller at a time, as the library makes it: the state loaded
from the database store and parsed, then the document and its JSON (``plan_document``,
``due_list``, ``check`` …); for a write, the workspace's update on the database store. The rounds
interleave every operation and its floor (each round starting one further along), so a burst of
load on this shared machine falls on all of them; the figures are medians over the rounds. The
server is stopped by its process id. The issue's targets (#25): p99 under 100 ms for reads of one
district's year, under 200 ms for writes.

``--before TREE`` serves an earlier version of the code too (a ``git archive`` of it unpacked in
TREE: its ``src`` and ``plugins/*/src`` go first on the server's ``PYTHONPATH``, so the same
interpreter and libraries run it), on its own SQLite file, its rounds interleaved with the rest:
``… (before)`` rows, for the operations it has.

The clients run on this machine: on 2 cores they compete with the server for the processor, so the
figures are a lower bound of what the server does with its clients elsewhere. What each side costs
is printed beside the latencies: the server's CPU time per request (its processes' user and system
time from ``/proc``, every thread and worker), the clients' (their processes' ``getrusage``), and
at the end how busy the machine was meanwhile and the share of it the server, the clients and
everything else (other jobs, the database server) took — a load generator taking most of the CPU
would measure itself. ``bench_api_cpu.py`` gives the server's CPU per request without the load.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import json
import multiprocessing
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from timing import before_path  # the earlier code's path, as bench_cli.py runs it

YEAR = 2027
ENGAGEMENT = "2027/joint_meeting/construction"
BODY = "construction"
DAY = f"{YEAR}-03-10"
READS: dict[str, str] = {
    "plan": f"/api/v1/districts/seed/years/{YEAR}/plan",
    "engagement": f"/api/v1/districts/seed/years/{YEAR}/engagements/{ENGAGEMENT}",
    "due": f"/api/v1/districts/seed/organisations/{BODY}/due?as_of={DAY}",
    "findings": f"/api/v1/districts/seed/years/{YEAR}/findings?as_of={YEAR}-06-30",
}
MOVES = (f"{YEAR}-09-07", f"{YEAR}-09-08")
#: What an earlier version (``--before``) is asked: the operations it has.
BEFORE_OPERATIONS = ("plan", "engagement", "due", "findings", "write", "mixed")


def cpu_seconds(pids: list[int]) -> float:
    """The CPU time (user and system) the processes ``pids`` have used so far, every thread counted."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:  # gone (a worker replaced): its time is lost to the count, not mistaken
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / ticks


def family(pid: int) -> list[int]:
    """``pid`` and its descendants (``liaison serve --workers``: the parent and its workers)."""
    found, pending = [], [pid]
    while pending:
        one = pending.pop()
        found.append(one)
        for task in Path(f"/proc/{one}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                pending.extend(int(child) for child in task.read_text().split())
    return found


def machine_cpu() -> tuple[float, float]:
    """The machine's busy and total CPU seconds so far, every core (``/proc/stat``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / ticks, sum(values[:8]) / ticks


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _env(database: str, path: str | None) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database, "LIAISON_PLUGINS": "web",
           "LIAISON_ADMIN_PASSWORD": "bench-api-Passw0rd"}  # the service refuses a weak one
    if path is not None:
        env["PYTHONPATH"] = path
    return env


def start(folder: Path, database: str, threads: int, path: str | None = None,
          workers: int = 1) -> tuple[subprocess.Popen[str], int]:
    liaison = str(Path(sys.executable).with_name("liaison"))
    env = _env(database, path)
    process = subprocess.Popen([liaison, "serve", "--port", "0", "--threads", str(threads), "--lang", "en",
                                *(["--workers", str(workers)] if workers > 1 else [])],
                               cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"Serving on http://127\.0\.0\.1:(\d+)/", line)
        if found:
            return process, int(found.group(1))
    raise SystemExit("liaison serve did not start")


def token(folder: Path, database: str, path: str | None = None) -> str:
    liaison = str(Path(sys.executable).with_name("liaison"))
    done = subprocess.run([liaison, "web", "token", "--user", "admin", "--name", "bench", "--scope", "read",
                           "--scope", "write", "--lang", "en"], cwd=folder, env=_env(database, path),
                          capture_output=True, text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


class Client:
    """One client: a keep-alive connection, the token, what it measured (seconds, by kind)."""

    def __init__(self, port: int, secret: str, number: int, target: str = READS["engagement"]) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.auth = {"Authorization": f"Bearer {secret}"}
        self.number = number
        self.times: dict[str, list[float]] = {"read": [], "write": []}
        self.conflicts = 0
        self.etag = ""
        self.target = target  # the engagement it writes
        self.days: tuple[str, str] = MOVES  # the two days it moves it between

    def send(self, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, bytes, float, str]:
        began = time.perf_counter()
        self.connection.request(method, path, body=body, headers={**self.auth, **(headers or {})})
        response = self.connection.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - began, response.getheader("ETag") or ""

    def read(self, path: str) -> None:
        status, data, took, _ = self.send("GET", path)
        if status != 200 or not data:
            raise SystemExit(f"{path}: {status} {data[:200]!r}")
        self.times["read"].append(took)

    def write(self, turn: int) -> None:
        """Read the engagement for its ETag, move it with If-Match; a 412 is counted (its latency
        too: the client was answered) and the client reads again."""
        while True:
            status, data, _, etag = self.send("GET", self.target)
            if status != 200:
                raise SystemExit(f"write's read: {status}")
            day = self.days[(turn + self.number) % 2]
            if json.loads(data)["date"] == day:
                day = self.days[(turn + self.number + 1) % 2]
            status, data, took, _ = self.send(
                "POST", f"{self.target}/move", json.dumps({"date": day, "force": True}).encode(),
                {"If-Match": etag, "Content-Type": "application/json"})
            self.times["write"].append(took)
            if status == 200:
                return
            if status != 412:
                raise SystemExit(f"move: {status} {data[:300]!r}")
            self.conflicts += 1


def _work(client: Client, operation: str, count: int) -> None:
    paths = list(READS.values())
    for n in range(count):
        if operation in READS:
            client.read(READS[operation])
        elif operation == "write" or (operation == "mixed" and (n + client.number) % 10 == 0):
            client.write(n)
        else:
            client.read(paths[(n + client.number) % len(paths)])


def _process(port: int, secret: str, operation: str, shares: list[tuple[int, int]], ready: Any, go: Any,
             results: Any, targets: list[tuple[str, tuple[str, str]]]) -> None:
    """A client process: its clients as threads, connected before the start, their times sent back;
    ``targets``: the engagements the clients write (client n the n-th, round) and their two days."""
    clients = [Client(port, secret, number) for number, _ in shares]
    for client in clients:
        client.target, client.days = targets[client.number % len(targets)]
        client.connection.connect()
    threads = [threading.Thread(target=_work, args=(c, operation, n)) for c, (_, n) in zip(clients, shares,
                                                                                           strict=True)]
    ready.wait()
    go.wait()
    began = resource.getrusage(resource.RUSAGE_SELF)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended = resource.getrusage(resource.RUSAGE_SELF)
    used = ended.ru_utime - began.ru_utime + ended.ru_stime - began.ru_stime
    results.put(({k: [t for c in clients for t in c.times[k]] for k in ("read", "write")},
                 sum(c.conflicts for c in clients), used))


@dataclasses.dataclass
class Load:
    """One operation's run: its wall time, latencies by kind, 412s, and the CPU seconds the server,
    the clients and the whole machine (every process of every user) used meanwhile."""

    wall: float
    times: dict[str, list[float]]
    conflicts: int
    server_cpu: float
    client_cpu: float
    machine_busy: float
    machine_total: float

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.times.values())


def load(port: int, secret: str, operation: str, clients: int, requests: int,
         processes: int, server: list[int], targets: list[tuple[str, tuple[str, str]]]) -> Load:
    """``requests`` of ``operation`` over ``clients`` connections; ``server``: the server's processes;
    ``targets``: what the writing clients write (:func:`_process`)."""
    context = multiprocessing.get_context("fork")
    shares = [(i, requests // clients + (1 if i < requests % clients else 0)) for i in range(clients)]
    groups = [shares[p::processes] for p in range(processes)]
    ready, go, results = context.Barrier(processes + 1), context.Event(), context.Queue()
    workers = [context.Process(target=_process, args=(port, secret, operation, group, ready, go, results, targets))
               for group in groups if group]
    for worker in workers:
        worker.start()
    ready.wait()
    server_before, machine_before = cpu_seconds(server), machine_cpu()
    began = time.perf_counter()
    go.set()
    times: dict[str, list[float]] = {"read": [], "write": []}
    conflicts, client_cpu = 0, 0.0
    for _ in workers:
        got, lost, used = results.get()
        conflicts += lost
        client_cpu += used
        for kind, values in got.items():
            times[kind].extend(values)
    wall = time.perf_counter() - began
    server_cpu, machine_after = cpu_seconds(server) - server_before, machine_cpu()
    for worker in workers:
        worker.join()
        if worker.exitcode:
            raise SystemExit(f"a client process failed ({worker.exitcode})")
    return Load(wall, times, conflicts, server_cpu, client_cpu, machine_after[0] - machine_before[0],
                machine_after[1] - machine_before[1])


def floors(database: str) -> dict[str, Callable[[], None]]:
    """The same answers in-process, as the library makes them: the state loaded from the database
    store and parsed (the store's cache of parsed states emptied first), the document, its JSON."""
    from liaison_web.settings import configure

    configure(database)
    from liaison.formats.documents import due_document, report_document, to_json
    from liaison.formats.state import plan_document
    from liaison.host.plugins import working_day_calendar
    from liaison.law.compliance import check
    from liaison.law.records import Records
    from liaison.year.due import due_list
    from liaison.year.reconcile import Change
    from liaison.year.state import YearState, year_calendar
    from liaison_web import store as stores
    from liaison_web.bootstrap import district
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    store, seed = DatabaseStore(), district("seed")
    assert seed is not None
    turn = [0]

    def state() -> YearState:
        stores._PARSED.clear()
        stored = store.load(seed, YEAR)
        assert stored is not None
        return stored.state

    def plan() -> None:
        to_json(plan_document(seed, state()))

    def engagement() -> None:
        held = state()
        one = tuple(e for e in held.engagements if e.id == ENGAGEMENT)
        to_json(next(e for e in plan_document(seed, held, one)["engagements"] if e["id"] == ENGAGEMENT))

    def due() -> None:
        held = state()
        calendar, _ = year_calendar(held, YEAR, working_day_calendar())
        import datetime as dt

        listed = due_list(seed, held.plan, Records(district_id="seed"), body=BODY, as_of=dt.date.fromisoformat(DAY),
                          calendar=calendar)
        to_json(due_document(listed, seed))

    def findings() -> None:
        import datetime as dt

        held = state()
        calendar, _ = year_calendar(held, YEAR, working_day_calendar())
        report = check(seed, Records.from_plan(held.plan, held_only=True), YEAR, dt.date(YEAR, 6, 30),
                       calendar=calendar)
        to_json(report_document(report, seed))

    def write() -> None:
        import datetime as dt

        stores._PARSED.clear()
        turn[0] += 1
        day = dt.date.fromisoformat(MOVES[turn[0] % 2])
        Workspace(store=store).update(seed, YEAR, [Change("move", ENGAGEMENT, day)], force=True)

    return {"plan": plan, "engagement": engagement, "due": due, "findings": findings, "write": write,
            "mixed": write}


def write_targets(port: int, secret: str, how: str) -> list[tuple[str, tuple[str, str]]]:
    """What the writing clients write: ``one`` engagement for all, between :data:`MOVES`; or each its
    ``own``, the plan's engagements in its order, each between its day and the same weekday a week
    away (in the year)."""
    import datetime as dt

    if how == "one":
        return [(READS["engagement"], MOVES)]
    status, data, _, _ = Client(port, secret, 0).send("GET", READS["plan"])
    if status != 200:
        raise SystemExit(f"the plan: {status}")
    made = []
    for shown in json.loads(data)["engagements"]:
        day = dt.date.fromisoformat(shown["date"])
        away = day + dt.timedelta(days=7) if (day + dt.timedelta(days=7)).year == YEAR else day - dt.timedelta(days=7)
        made.append((f"/api/v1/districts/seed/years/{YEAR}/engagements/{shown['id']}",
                     (day.isoformat(), away.isoformat())))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per read operation and round (2000)")
    parser.add_argument("--writes", type=int, default=500, help="requests of the write operation a round (500)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--threads", type=int, default=8, help="the server's threads (default 8, as liaison serve)")
    parser.add_argument("--workers", type=int, default=1,
                        help="the server's processes (liaison serve --workers; default 1)")
    parser.add_argument("--client-processes", type=int, default=2,
                        help="processes the clients are spread over (default 2)")
    parser.add_argument("--operations", default="plan,engagement,due,findings,write,mixed",
                        help="which, comma-separated (default all)")
    parser.add_argument("--floor-repeats", type=int, default=50, help="floor calls per operation and round (50)")
    parser.add_argument("--database", default=None, help="a database URL (default: a new SQLite file)")
    parser.add_argument("--writes-to", choices=("own", "one"), default="own",
                        help="each writing client moves an engagement of its own (default), or all the same one")
    parser.add_argument("--before", type=Path, default=None, metavar="TREE",
                        help="an earlier version's source tree (git archive), served on its own SQLite file and "
                             "loaded interleaved with this one (every operation), with the same --workers")
    args = parser.parse_args()
    operations = [o for o in args.operations.split(",") if o]
    with tempfile.TemporaryDirectory(prefix="liaison-bench-api-") as place:
        folder = Path(place)
        database = args.database or f"sqlite:///{folder / 'bench.sqlite3'}"
        started: list[subprocess.Popen[str]] = []
        try:
            process, port = start(folder, database, args.threads, workers=args.workers)
            started.append(process)
            servers = {"": (port, token(folder, database))}
            pids = {"": process.pid}
            if args.before is not None:  # the earlier code on its own SQLite file, the same interpreter
                (folder / "before").mkdir()
                path = before_path(args.before)
                earlier = f"sqlite:///{folder / 'before' / 'bench.sqlite3'}"
                process, port = start(folder / "before", earlier, args.threads, path, workers=args.workers)
                started.append(process)
                servers["before"] = (port, token(folder / "before", earlier, path))
                pids["before"] = process.pid
            for port, secret in servers.values():
                warm = Client(port, secret, 0)
                for path in READS.values() if port == servers[""][0] else list(READS.values())[:3]:
                    warm.read(path)
            size = len(Client(*servers[""], 0).send("GET", READS["plan"])[1])
            targets = write_targets(*servers[""], args.writes_to)  # the same ids and days on either server
            print(f"database {database.split('@')[-1]}; {args.clients} clients in {args.client_processes} processes, "
                  f"{args.requests} requests per read operation ({args.writes} for write) and round, "
                  f"{args.rounds} interleaved rounds, server {args.workers} processes of {args.threads} threads; "
                  "the plan is "
                  f"{size / 1000:.0f} kB of JSON; writes to "
                  + (f"{len(targets)} engagements, each client its own" if args.writes_to == "own" else
                     "one engagement, every client")
                  + (f"; before: {args.before} on SQLite" if args.before else ""))
            floor = floors(database)
            runs = [(server, operation) for operation in operations for server in servers
                    if not server or operation in BEFORE_OPERATIONS]
            figures: dict[str, list[tuple[float, ...]]] = {}
            machine = [0.0, 0.0, 0.0, 0.0]  # busy, total, the servers', the clients' CPU seconds
            for r in range(args.rounds):
                for server, operation in runs[r % len(runs):] + runs[:r % len(runs)]:
                    count = args.writes if operation == "write" else args.requests
                    done = load(*servers[server], operation, args.clients, count, args.client_processes,
                                family(pids[server]), targets)
                    for i, value in enumerate((done.machine_busy, done.machine_total, done.server_cpu,
                                               done.client_cpu)):
                        machine[i] += value
                    for kind, values in done.times.items():
                        if not values:
                            continue
                        name = (operation if operation != "mixed" else f"mixed {kind}s") + (f" ({server})" if server
                                                                                           else "")
                        measured = []
                        for _ in range(args.floor_repeats if not server and (kind == "read" or operation == "write")
                                       else 0):
                            began = time.perf_counter()
                            floor[operation if operation in READS else "write"]()
                            measured.append(time.perf_counter() - began)
                        figures.setdefault(name, []).append(
                            (done.requests / done.wall, percentile(values, 50), percentile(values, 99),
                             statistics.median(measured) if measured else float("nan"),
                             done.conflicts if kind == "write" else 0, len(values),
                             done.server_cpu / done.requests, done.client_cpu / done.requests,
                             (len(values) - done.conflicts) / done.wall if kind == "write" else 0.0))
            print(f"{'operation':<22}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'412s':>7}{'saved/s':>9}{'server CPU':>12}"
                  f"{'client CPU':>12}{'in-process p50':>16}   target p99")
            print(f"{'':<22}{'':>8}{'':>9}{'':>9}{'':>7}{'':>9}{'ms/request':>12}{'ms/request':>12}{'ms':>16}")
            for name in sorted(figures, key=lambda n: (n.replace(" (before)", ""), "(before)" not in n)):
                rate, p50, p99, base, lost, n, server_cpu, client_cpu, saved = (
                    statistics.median(column) for column in zip(*figures[name], strict=True))
                target = 200 if "write" in name else 100
                met = "met" if p99 * 1000 < target else "NOT met"
                floor_text = f"{base * 1000:16.2f}" if base == base else f"{'':>16}"
                # saved/s: the writes a second that changed the year (the others were answered 412)
                print(f"{name:<22}{rate:>8.0f}{p50 * 1000:>9.1f}{p99 * 1000:>9.1f}"
                      f"{(f'{lost / n:.0%}' if 'write' in name else ''):>7}"
                      f"{(f'{saved:.0f}' if 'write' in name else ''):>9}{server_cpu * 1000:>12.2f}"
                      f"{client_cpu * 1000:>12.2f}{floor_text}   < {target} ms: {met}")
            busy, total, serving, asking = machine
            cores = os.cpu_count() or 1
            print(f"while loaded: the machine's {cores} cores {busy / total:.0%} busy; of their time the server(s) "
                  f"{serving / total:.0%}, the clients {asking / total:.0%}, everything else (other jobs, the "
                  f"database server) {max(0.0, busy - serving - asking) / total:.0%}; the clients used "
                  f"{asking / (serving + asking):.0%} of the CPU the benchmark's processes used")
        finally:
            for process in started:
                os.kill(process.pid, signal.SIGTERM)
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
