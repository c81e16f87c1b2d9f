"""A real Radicale server on 127.0.0.1 for the tests and the benchmark, and plain-HTTP readers of it.

``start()`` runs ``python -m radicale`` on a free port with a temporary storage folder and an
htpasswd file (``plain`` encryption: Radicale reads it without extra packages), logs at INFO (one
line per request, so the tests count requests on the server's side too), waits until it answers and
returns a :class:`Radicale`; ``stop()`` ends that process by its id (SIGTERM, then SIGKILL) — never
by name.  ``report_events`` reads a collection back with a plain REPORT calendar-query over urllib,
independent of the ``caldav`` library.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

import attrs

USERS = tuple(f"user{n}" for n in range(1, 41))
PASSWORD = "geheim-密码"  # non-ASCII on purpose: Basic auth sends UTF-8


def available() -> bool:
    return importlib.util.find_spec("radicale") is not None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@attrs.define
class Radicale:
    process: subprocess.Popen[bytes]
    port: int
    folder: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    def requests_seen(self) -> list[tuple[str, str]]:
        """(method, path) of every request the server logged, in order."""
        found = []
        for line in self.log_lines():
            match = re.search(r"\] (\w+) request for '([^']*)'", line)
            if match:
                found.append((match.group(1), match.group(2)))
        return found


def start(folder: Path, users: tuple[str, ...] = USERS, password: str = PASSWORD) -> Radicale:
    folder.mkdir(parents=True, exist_ok=True)
    htpasswd = folder / "users"
    htpasswd.write_text("".join(f"{u}:{password}\n" for u in users), encoding="utf-8")
    log = folder / "radicale.log"
    port = free_port()
    command = [
        sys.executable, "-m", "radicale",
        "--server-hosts", f"127.0.0.1:{port}",
        "--storage-filesystem-folder", str(folder / "collections"),
        "--auth-type", "htpasswd",
        "--auth-htpasswd-filename", str(htpasswd),
        "--auth-htpasswd-encryption", "plain",
        "--auth-delay", "0",  # a wrong password answers at once (default: a one-second delay)
        "--logging-level", "info",
        "--logging-mask-passwords",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Radicale(process, port, folder, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"radicale exited with {process.returncode}:\n{log.read_text()}")
        try:
            urllib.request.urlopen(urllib.request.Request(server.url, method="OPTIONS"), timeout=1).close()
            return server
        except urllib.error.HTTPError:
            return server  # it answered
        except OSError:
            time.sleep(0.05)
    stop(server)
    raise RuntimeError(f"radicale did not answer on port {port} within 30 s:\n{log.read_text()}")


def stop(server: Radicale) -> None:
    """End the server's process by its id."""
    if server.process.poll() is None:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.process.wait(timeout=10)


# --- plain HTTP, no caldav library -------------------------------------------------------------------

CALENDAR_QUERY = b"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter>
</C:calendar-query>"""

NS = {"D": "DAV:", "C": "urn:ietf:params:xml:ns:caldav"}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def request(url: str, method: str, user: str, password: str, body: bytes = b"",
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One plain HTTP request; (status, headers, body), HTTP errors included."""
    req = urllib.request.Request(url, data=body or None, method=method,
                                 headers={"Authorization": basic(user, password), **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as exc:
        with contextlib.closing(exc):
            return exc.code, dict(exc.headers), exc.read()


def report_events(collection: str, user: str, password: str) -> dict[str, tuple[str, str]]:
    """A REPORT calendar-query on ``collection``: each resource's href -> (ETag, calendar data)."""
    status, _, body = request(collection, "REPORT", user, password, CALENDAR_QUERY,
                              {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"})
    assert status == 207, (status, body[:500])
    found: dict[str, tuple[str, str]] = {}
    for response in ElementTree.fromstring(body).findall("D:response", NS):
        href = response.findtext("D:href", namespaces=NS)
        etag = response.findtext(".//D:getetag", namespaces=NS)
        data = response.findtext(".//C:calendar-data", namespaces=NS)
        assert href and etag and data, ElementTree.tostring(response)
        found[href] = (etag, data)
    return found
