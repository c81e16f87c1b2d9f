"""The records' operations with a year full of records, one caller, in this process (Django's test
client, no HTTP): what the service itself costs, before the network and the concurrency of
bench_api.py.

    LIAISON_PLUGINS=web python plugins/liaison-web/benchmarks/bench_records.py --records 300

On a new SQLite file in a temporary folder: the seed district and its 2027, ``--records`` research
results recorded one by one through the API (p50 and the slowest), then ten reads each of the
year's records (``GET …/records``), the report (``GET …/report``) and the health department's due
list (``GET …/due``), and three uploads of a 19 MB PDF (``POST …/evidence``): p50 and the slowest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any


def timed(call: Callable[[], Any], times: int) -> list[float]:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def line(name: str, spent: list[float]) -> str:
    return f"{name:<32} p50 {statistics.median(spent):7.1f} ms   slowest {max(spent):7.1f} ms   (n={len(spent)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=300)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="liaison-bench-records-")
    os.environ.setdefault("LIAISON_SECRET_KEY", "a benchmark's key, never a deployment's " + "x" * 20)
    os.environ["LIAISON_MEDIA_ROOT"] = os.path.join(folder, "media")
    from liaison_web.settings import configure

    configure(f"sqlite:///{folder}/bench.sqlite3")
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    from liaison_web import models
    from liaison_web.bootstrap import load_version, seed_text
    from liaison_web.store import DatabaseStore
    from liaison_web.tokens import make_token
    from liaison_workspace import Workspace

    call_command("migrate", verbosity=0)
    district = load_version(seed_text(), valid_from=dt.date(2026, 1, 1), file="seed.toml")
    Workspace(store=DatabaseStore()).update(district, 2027)
    user = get_user_model()._default_manager.create_user("bench", password="not-used")
    models.Membership.objects.create(user=user, district=models.District.objects.get(code=district.info.id),
                                     role="administrator")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token('bench', 'bench', ('read', 'write'))}"}
    client = Client()
    base = f"/api/v1/districts/{district.info.id}/years/2027"
    made: list[str] = []

    def create() -> None:
        n = len(made)
        body = {"id": f"R-{n}", "title": "调研报告", "submitted_by": "cpwdp", "department": "health",
                "received": f"2027-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "force": True}  # 2027's facts, recorded before their day: the API asks for force
        answer = client.post(f"{base}/records/research_results", data=json.dumps(body),
                             content_type="application/json", **auth)
        assert answer.status_code == 201, answer.content
        made.append(answer.json()["key"])

    print(line(f"create ({args.records} in all)", timed(create, args.records)))
    for name, path in (("list", f"{base}/records"), ("report", f"{base}/report?as_of=2027-06-30"),
                       ("due (health)", f"/api/v1/districts/{district.info.id}/organisations/health/due"
                                        "?as_of=2027-06-30")):
        def read(path: str = path) -> None:
            assert client.get(path, **auth).status_code == 200
        print(line(f"{name} ({args.records} records)", timed(read, 10)))
    data = b"%PDF-1.7\n" + os.urandom(19 * 1024 * 1024)

    def upload() -> None:
        answer = client.post(f"{base}/evidence", {"file": SimpleUploadedFile("scan.pdf", data),
                                                  "record": made[0]}, **auth)
        assert answer.status_code == 201, answer.content
    print(line("upload 19 MB", timed(upload, 3)))


if __name__ == "__main__":
    main()
