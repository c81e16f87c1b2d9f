"""The API's reads under concurrent clients, beside the same reads done by the library in-process.

    python plugins/liaison-web/benchmarks/bench_api.py --clients 50 --requests 2000
    python plugins/liaison-web/benchmarks/bench_api.py --database postgresql://…   # a database it may fill

Starts ``liaison serve`` (waitress, ``--threads``) on a free port of 127.0.0.1 on a new SQLite file
(or ``--database``), makes an API token, then ``--clients`` threads, each with its own keep-alive
connection, send ``--requests`` GETs in all per operation — the year's plan (65 kB of JSON for the
seed district) and one engagement —, and prints throughput, p50 and p99. The floor is the same
answer made in this process without HTTP: the state loaded from the same database store and written as
the same JSON (``DatabaseStore.load`` + ``plan_document`` + ``to_json``), one caller at a time. The
server is stopped by its process id. The issue's targets (#25): p99 under 100 ms for reads of one
district's year. Writes (confirm) come with the operations that change things.

The clients are Python threads in this process: on a machine of 2 cores they compete with the server
for the processor, so the figures are a lower bound of what the server does with clients elsewhere.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

YEAR = 2027
ENGAGEMENT = "2027/joint_meeting/construction"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def start(folder: Path, database: str, threads: int) -> tuple[subprocess.Popen[str], str]:
    liaison = str(Path(sys.executable).with_name("liaison"))
    env = {**os.environ, "DATABASE_URL": database, "LIAISON_PLUGINS": "web", "LIAISON_ADMIN_PASSWORD": "bench"}
    process = subprocess.Popen([liaison, "serve", "--port", "0", "--threads", str(threads), "--lang", "en"],
                               cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"Serving on http://127\.0\.0\.1:(\d+)/", line)
        if found:
            return process, found.group(1)
    raise SystemExit("liaison serve did not start")


def token(folder: Path, database: str) -> str:
    liaison = str(Path(sys.executable).with_name("liaison"))
    done = subprocess.run([liaison, "web", "token", "--user", "admin", "--name", "bench", "--lang", "en"], cwd=folder,
                          env={**os.environ, "DATABASE_URL": database, "LIAISON_PLUGINS": "web"}, capture_output=True,
                          text=True, check=True)
    return done.stdout.strip().splitlines()[-1]


def load(port: str, path: str, secret: str, clients: int, requests: int) -> tuple[float, list[float]]:
    """``requests`` GETs of ``path`` over ``clients`` connections: the wall time and each latency (s)."""
    latencies: list[float] = []
    lock = threading.Lock()
    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
    barrier = threading.Barrier(clients + 1)

    def client(count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
        mine: list[float] = []
        barrier.wait()
        for _ in range(count):
            began = time.perf_counter()
            connection.request("GET", path, headers={"Authorization": f"Bearer {secret}"})
            response = connection.getresponse()
            body = response.read()
            mine.append(time.perf_counter() - began)
            if response.status != 200 or not body:
                raise SystemExit(f"{path}: {response.status}")
        connection.close()
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=client, args=(n,)) for n in share]
    for worker in workers:
        worker.start()
    barrier.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    return time.perf_counter() - began, latencies


def floor(database: str, repeats: int) -> dict[str, list[float]]:
    """The same answers in-process: load from the database store, the document, its JSON."""
    from liaison_web.settings import configure

    configure(database)
    from liaison.formats.district import seed_district
    from liaison.formats.documents import to_json
    from liaison.formats.state import plan_document
    from liaison_web.store import DatabaseStore

    store, district = DatabaseStore(), seed_district()

    def plan() -> None:
        stored = store.load(district, YEAR)
        assert stored is not None
        to_json(plan_document(district, stored.state))

    def engagement() -> None:
        stored = store.load(district, YEAR)
        assert stored is not None
        one = tuple(e for e in stored.state.engagements if e.id == ENGAGEMENT)
        body = plan_document(district, stored.state, one)
        to_json(next(e for e in body["engagements"] if e["id"] == ENGAGEMENT))

    times: dict[str, list[float]] = {}
    for name, call in (("plan", plan), ("engagement", engagement)):
        measured: list[float] = []
        for _ in range(repeats):
            began = time.perf_counter()
            call()
            measured.append(time.perf_counter() - began)
        times[name] = measured
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per operation (default 2000)")
    parser.add_argument("--threads", type=int, default=16, help="the server's threads (default 16)")
    parser.add_argument("--database", default=None, help="a database URL (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="liaison-bench-api-") as place:
        folder = Path(place)
        database = args.database or f"sqlite:///{folder / 'bench.sqlite3'}"
        process, port = start(folder, database, args.threads)
        try:
            secret = token(folder, database)
            paths: dict[str, str] = {
                "plan": f"/api/v1/districts/seed/years/{YEAR}/plan",
                "engagement": f"/api/v1/districts/seed/years/{YEAR}/engagements/{ENGAGEMENT}",
            }
            size = len(_get(port, paths["plan"], secret))
            print(f"database {database.split('@')[-1]}; {args.clients} clients, {args.requests} requests per "
                  f"operation, server threads {args.threads}; the plan is {size / 1000:.0f} kB of JSON")
            print(f"{'operation':<12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}   {'in-process p50':>15}{'p99 ms':>9}")
            floors = floor(database, 200)
            for name, path in paths.items():
                _get(port, path, secret)  # warm
                wall, latencies = load(port, path, secret, args.clients, args.requests)
                base = floors[name]
                print(f"{name:<12}{len(latencies) / wall:>9.0f}{percentile(latencies, 50) * 1000:>9.1f}"
                      f"{percentile(latencies, 99) * 1000:>9.1f}   {statistics.median(base) * 1000:>15.2f}"
                      f"{percentile(base, 99) * 1000:>9.2f}")
        finally:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def _get(port: str, path: str, secret: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
    connection.request("GET", path, headers={"Authorization": f"Bearer {secret}"})
    body = connection.getresponse().read()
    connection.close()
    return body


if __name__ == "__main__":
    main()
