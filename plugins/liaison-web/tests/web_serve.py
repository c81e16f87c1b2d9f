"""A `liaison serve` process for the tests that run one: started on a free port of 127.0.0.1 in a
folder, stopped by its process id; plain HTTP calls to it (imported by the tests, found through
pytest's ``pythonpath``, as web_db)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from pathlib import Path
from typing import Any

#: The administrator's password of every test's `liaison serve` on the session's PostgreSQL database: the
#: first start there makes the administrator, the later ones find it (the tests share that database).
ADMIN_PASSWORD = "pg-admin-password"

LIAISON = str(Path(sys.executable).with_name("liaison"))


def start(folder: Path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], list[str]]:
    """``liaison serve --port 0`` in ``folder`` (the system picks a free port): the process and
    what it printed up to its address."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LIAISON_SECRET_KEY",
                                                                      "LIAISON_ADMIN_PASSWORD")}
    environment.update({"LIAISON_PLUGINS": "web", **(env or {})})
    process = subprocess.Popen([LIAISON, "serve", "--host", "127.0.0.1", "--port", "0", "--lang", "en", *args],
                               cwd=folder, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True,
                               # Ctrl-C reaches it as at a terminal, even when the tests run in the background
                               # (which hands children SIGINT ignored)
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines: list[str] = []
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("Serving on "):
            return process, lines
    process.kill()
    raise AssertionError("liaison serve did not start:\n" + "\n".join(lines))


def stop(process: subprocess.Popen[str], how: signal.Signals = signal.SIGTERM) -> None:
    """Stop the server by its process id: SIGTERM (a service manager's) or SIGINT (Ctrl-C); either
    closes its socket and exits 0."""
    os.kill(process.pid, how)
    try:
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()


def api_token(folder: Path, env: dict[str, str], name: str) -> str:
    """A read and write token of the administrator, made by ``liaison web token`` in ``folder`` with
    the server's ``env`` (its database): the secret."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LIAISON_SECRET_KEY")}
    done = subprocess.run([LIAISON, "web", "token", "--user", "admin", "--name", name, "--scope", "read",
                           "--scope", "write", "--lang", "en"], cwd=folder, capture_output=True, text=True,
                          env={**environment, "LIAISON_PLUGINS": "web", **env}, check=True)
    return done.stdout.strip().splitlines()[-1]


def address(lines: list[str]) -> str:
    found = re.search(r"Serving on (http://127\.0\.0\.1:\d+)/", lines[-1])
    assert found, lines
    return found.group(1)


def get(opener: urllib.request.OpenerDirector, url: str) -> tuple[int, Message, bytes]:
    """The status, the headers (looked up in any case: the server writes ``Etag``) and the body."""
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def log_in(base: str, name: str, password: str,
           follow: str = "/") -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar, str]:
    """Over HTTP as a browser does: the login form (its CSRF token), the user's name and password
    sent with it, the session cookie kept; the opener, its cookies, and the address the login led
    to (``follow``, when it succeeded)."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, _, page = get(browser, f"{base}/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert status == 200 and token
    form = urllib.parse.urlencode({"username": name, "password": password,
                                   "csrfmiddlewaretoken": token.group(1).decode(), "next": follow})
    request = urllib.request.Request(f"{base}/login/", data=form.encode(), headers={"Referer": f"{base}/login/"})
    with browser.open(request, timeout=30) as response:
        assert response.status == 200
        return browser, jar, str(response.url)


def wait_healthy(base: str) -> dict[str, Any]:
    opener = urllib.request.build_opener()
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _, body = get(opener, f"{base}/api/v1/health")
            if status == 200:
                return dict(json.loads(body))
        except OSError:
            pass
        assert time.monotonic() < deadline, "no health"
        time.sleep(0.2)


def post(opener: urllib.request.OpenerDirector, url: str, data: bytes,
          headers: dict[str, str]) -> tuple[int, Message, bytes]:
    try:
        with opener.open(urllib.request.Request(url, data=data, headers=headers, method="POST"),
                         timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body written by hand — the file name sent exactly as given (``../../x``
    included: a client library would clean it first) — and its Content-Type."""
    boundary = "liaison-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
