"""Records and evidence over HTTP against a running `liaison serve`, on SQLite and on PostgreSQL
(``.ci/with-postgres``): a record made, corrected on its ETag (the stale one 412), an evidence file
uploaded as multipart and downloaded with its Chinese name, too large 413, the wrong type 415,
another body's 403 — and the database's own triggers refusing to change or remove a record's version
or an evidence row, whoever asks."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import web_db
from web_serve import ADMIN_PASSWORD, address, get, multipart, post, start, stop, wait_healthy

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

USERS = """
import json, sys
from liaison_web.settings import configure
configure(sys.argv[1])
from django.contrib.auth import get_user_model
from liaison_web import models
from liaison_web.tokens import make_token
seed = models.District.objects.get(code="seed")
tokens = {}
for role, organisation in (("administrator", ""), ("clerk", "health")):
    user = get_user_model()._default_manager.create_user(f"{role}-{sys.argv[2]}", password="x")
    models.Membership.objects.create(user=user, district=seed, organisation=organisation, role=role)
    tokens[role] = make_token(user.username, "live", ("read", "write"))
print(json.dumps(tokens))
"""

TAMPER = """
import json, sys
from liaison_web.settings import configure
configure(sys.argv[1])
from django.db import connection, transaction
refused = []
for sql in ("UPDATE liaison_web_record SET reason = 'x'", "DELETE FROM liaison_web_record",
            "UPDATE liaison_web_evidence SET name = 'x'", "DELETE FROM liaison_web_evidence",
            "UPDATE liaison_web_evidencewithdrawal SET reason = 'x'", "DELETE FROM liaison_web_evidencewithdrawal"):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except Exception as exc:
        refused.append("append-only" in str(exc))
    else:
        refused.append(False)
print(json.dumps(refused))
"""


def _url(backend: str, folder: Path) -> str:
    if backend == "postgres":
        url = web_db.postgres_url()
        assert url is not None
        return url
    return f"sqlite:///{folder / 'liaison.sqlite3'}"


def _python(script: str, *args: str) -> Any:
    done = subprocess.run([sys.executable, "-c", script, *args], env={**os.environ, "LIAISON_PLUGINS": ""},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not web_db.postgres_url(), reason=f"{web_db.POSTGRES_ENV} not set"))])
def test_records_and_evidence_over_http(backend: str, tmp_path: Path) -> None:
    url = _url(backend, tmp_path)
    media = tmp_path / "media"
    process, lines = start(tmp_path, env={"DATABASE_URL": url, "LIAISON_ADMIN_PASSWORD": ADMIN_PASSWORD,
                                          "LIAISON_MEDIA_ROOT": str(media), "LIAISON_MAX_UPLOAD_MB": "1"})
    try:
        server = address(lines)
        assert wait_healthy(server)["database"] == ("postgresql" if backend == "postgres" else "sqlite")
        tokens = _python(USERS, url, uuid.uuid4().hex[:8])
        year = dt.date.today().year + 1  # planned at each start
        opener = urllib.request.build_opener()
        base = f"{server}/api/v1/districts/seed/years/{year}"

        def call(method: str, path: str, role: str, body: Any = None, etag: str | None = None,
                 raw: tuple[bytes, str] | None = None) -> tuple[int, Any, bytes]:
            headers = {"Authorization": f"Bearer {tokens[role]}", "Accept-Language": "en"}
            if etag:
                headers["If-Match"] = etag
            if method == "GET":
                request = urllib.request.Request(f"{base}{path}" if path.startswith("/") else path, headers=headers)
                return get(opener, request)  # type: ignore[arg-type]
            data, headers["Content-Type"] = raw or (json.dumps(body).encode(), "application/json")
            return post(opener, f"{base}{path}" if path.startswith("/") else path, data, headers)

        mine = {"id": f"L-{uuid.uuid4().hex[:6]}", "title": "调研报告", "submitted_by": "cpwdp", "department": "health",
                "received": f"{year}-03-02"}
        # next year's facts, dated after today: recorded in advance, as the API allows with force
        status, headers, body = call("POST", "/records/research_results", "clerk", {**mine, "force": True})
        assert status == 201, body
        key = json.loads(body)["key"]
        answered = {"record": {**mine, "feedback": f"{year}-03-20"}, "reason": "反馈", "force": True}
        status, changed, body = call("POST", f"/records/research_results/{key}/correction", "clerk", answered,
                                     headers["ETag"])
        assert status == 200 and json.loads(body)["version"] == 2 and changed["ETag"] != headers["ETag"], body
        status, _, body = call("POST", f"/records/research_results/{key}/correction", "clerk", answered,
                               headers["ETag"])
        assert status == 412 and json.loads(body)["kind"] == "StaleRecord"

        status, _, body = call("POST", "/evidence", "clerk", raw=multipart({"record": key}, "../../反馈意见.pdf", PDF))
        assert status == 201, body
        shown = json.loads(body)
        assert shown["name"] == "反馈意见.pdf"
        digest = hashlib.sha256(PDF).hexdigest()
        assert sorted(p for p in media.rglob("*") if p.is_file()) == [media / "evidence" / digest[:2] / digest]
        status, got, data = call("GET", f"{server}{shown['download']}", "clerk")
        assert status == 200 and data == PDF
        assert got["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('反馈意见.pdf')}"
        status, _, body = call("POST", f"{server}{shown['download']}/withdrawal", "clerk", {"reason": "传错了"})
        assert status == 200 and json.loads(body)["status"] == "withdrawn", body

        big = PDF + b"0" * (2 * 1024 * 1024)
        status, _, body = call("POST", "/evidence", "clerk", raw=multipart({"record": key}, "big.pdf", big))
        assert status == 413 and json.loads(body)["kind"] == "TooLarge"
        status, _, body = call("POST", "/evidence", "clerk", raw=multipart({"record": key}, "x.pdf", b"MZ" + PDF))
        assert status == 415 and json.loads(body)["kind"] == "UnsupportedType"
        assert len([p for p in media.rglob("*") if p.is_file()]) == 1  # nothing left of either

        theirs = {**mine, "id": f"T-{uuid.uuid4().hex[:6]}", "submitted_by": "rcck", "department": "finance",
                  "force": True}
        status, _, body = call("POST", "/records/research_results", "clerk", theirs)
        assert status == 403 and json.loads(body)["kind"] == "Forbidden"
        status, _, body = call("POST", "/records/research_results", "administrator", theirs)
        assert status == 201
        other = json.loads(body)["key"]
        status, _, body = call("POST", "/evidence", "clerk", raw=multipart({"record": other}, "x.pdf", PDF))
        assert status == 403

        status, _, body = call("GET", f"/records/research_results/{key}/audit", "administrator")
        assert [e["action"] for e in json.loads(body)] == ["created", "corrected", "attach", "withdraw_evidence"]
    finally:
        stop(process)
    assert _python(TAMPER, url) == [True] * 6
