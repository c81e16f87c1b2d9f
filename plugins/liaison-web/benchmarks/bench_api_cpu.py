"""The server's CPU time per API request, in-process: what each request costs the processor, which
the load of a shared machine distorts far less than it distorts latencies.

    python plugins/liaison-web/benchmarks/bench_api_cpu.py --requests 300 --rounds 3
    python plugins/liaison-web/benchmarks/bench_api_cpu.py --profile write      # cProfile of one operation
    python plugins/liaison-web/benchmarks/bench_api_cpu.py --database postgresql://…

Prepares a new SQLite file (or ``--database``) as ``liaison serve`` does (migrated, the seed district
loaded, its current and next year planned, an administrator), makes an API token, then sends
``--requests`` requests of each operation one after another through the service's WSGI application
(Django's handler, every middleware, the token's lookup and the database's queries; no socket, no
waitress) and prints the process's CPU time per request (``time.process_time``), the median of
``--rounds`` interleaved rounds. The operations are ``bench_api.py``'s: the reads of one district's
year (``plan``, one ``engagement``, a body's ``due`` list, the ``findings``) as a client without a
kept ETag asks them, ``plan 304`` (with ``If-None-Match``), and ``write``: what a writing client of
``bench_api.py`` sends, the engagement read (its ETag) and moved with ``If-Match`` (one client: every
move succeeds), the two requests counted as one.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import MOVES, READS  # the same requests as the benchmark under load


class Caller:
    """Requests through the WSGI application, as waitress hands them to it."""

    def __init__(self, application: Any, secret: str) -> None:
        self.application = application
        self.auth = f"Bearer {secret}"

    def send(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
             ) -> tuple[int, bytes, dict[str, str]]:
        route, _, query = path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method, "PATH_INFO": route, "QUERY_STRING": query, "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000", "HTTP_AUTHORIZATION": self.auth,
            "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False, "wsgi.version": (1, 0),
        }
        if body:
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["CONTENT_TYPE"] = "application/json"
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        answered: dict[str, Any] = {}

        def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            answered["status"], answered["headers"] = int(status.split()[0]), dict(response_headers)

        chunks = self.application(environ, start_response)
        try:
            data = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        return answered["status"], data, answered["headers"]


def operations(caller: Caller) -> dict[str, Callable[[], None]]:
    """Each operation as one request (a write: one successful move, its ETag kept from the last)."""
    state: dict[str, Any] = {"etag": "", "plan": "", "turn": 0}

    def read(path: str, headers: dict[str, str] | None = None, expected: int = 200) -> Callable[[], None]:
        def run() -> None:
            status, data, _ = caller.send("GET", path, headers=headers)
            if status != expected:
                raise SystemExit(f"{path}: {status} {data[:300]!r}")
        return run

    def etag() -> str:
        _, _, headers = caller.send("GET", READS["engagement"])
        return headers["ETag"]

    def write() -> None:
        state["turn"] += 1
        state["etag"] = etag()  # as bench_api.py's clients do: the engagement read, then moved
        body = json.dumps({"date": MOVES[state["turn"] % 2], "force": True}).encode()
        status, data, headers = caller.send("POST", f"{READS['engagement']}/move", body,
                                            {"If-Match": state["etag"], "Content-Type": "application/json"})
        if status != 200:
            raise SystemExit(f"move: {status} {data[:300]!r}")
        state["etag"] = headers["ETag"]
        state["plan"] = ""  # a new revision: the plan's ETag is read again

    done = {name: read(path) for name, path in READS.items()}

    def plan_304() -> None:
        if not state["plan"]:  # the plan's own ETag (the year's revision; an engagement's is its own)
            state["plan"] = caller.send("GET", READS["plan"])[2]["ETag"]
        read(READS["plan"], {"If-None-Match": state["plan"]}, 304)()

    return {**done, "plan 304": plan_304, "write": write}


def prepare(database: str) -> Caller:
    os.environ.setdefault("LIAISON_SECRET_KEY", "a benchmark's key, never a deployment's " + "x" * 20)
    os.environ["LIAISON_PLUGINS"] = "web"
    from liaison_web.settings import configure

    configure(database)
    try:  # the application liaison serve serves (an earlier version's, run by PYTHONPATH: Django's own)
        from liaison_web.handler import application as get_wsgi_application
    except ImportError:
        from django.core.wsgi import get_wsgi_application

    from liaison_web.bootstrap import prepare as prepare_database
    from liaison_web.tokens import make_token

    os.environ["LIAISON_ADMIN_PASSWORD"] = "bench-api-Passw0rd"  # the service refuses a weak one
    prepare_database(database, today=dt.date(2027, 1, 4))
    return Caller(get_wsgi_application(), make_token("admin", "bench-cpu", ("read", "write")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="requests per operation and round (300)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (3)")
    parser.add_argument("--database", default=None, help="a database URL (default: a new SQLite file)")
    parser.add_argument("--operations", default=None, help="which, comma-separated (default all)")
    parser.add_argument("--profile", default=None, metavar="OPERATION",
                        help="instead: profile --requests of one operation (cProfile, top 40 by own time)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="liaison-bench-cpu-") as place:
        database = args.database or f"sqlite:///{Path(place) / 'bench.sqlite3'}"
        caller = prepare(database)
        ops = operations(caller)
        chosen = args.operations.split(",") if args.operations else list(ops)
        for name in chosen:  # warm: every cache of the current revision filled, every module imported
            ops[name]()
            ops[name]()
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                ops[args.profile]()
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("tottime").print_stats(40)
            stats.sort_stats("cumulative").print_stats(40)
            return
        measured: dict[str, list[float]] = {name: [] for name in chosen}
        for r in range(args.rounds):
            for name in chosen[r % len(chosen):] + chosen[:r % len(chosen)]:
                began = time.process_time()
                for _ in range(args.requests):
                    ops[name]()
                measured[name].append((time.process_time() - began) / args.requests)
        print(f"database {database.split('@')[-1]}; {args.requests} requests per operation and round, "
              f"{args.rounds} interleaved rounds; the service's WSGI application in-process, one caller")
        print(f"{'operation':<14}{'CPU ms/request':>16}{'min':>9}{'max':>9}")
        for name in chosen:
            values = measured[name]
            print(f"{name:<14}{statistics.median(values) * 1000:>16.3f}{min(values) * 1000:>9.3f}"
                  f"{max(values) * 1000:>9.3f}")


if __name__ == "__main__":
    main()
