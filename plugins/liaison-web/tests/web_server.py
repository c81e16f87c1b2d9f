"""A `liaison serve` process for the tests (test_web_serve, the browser tests of test_web_browser):
started on a free port of 127.0.0.1 in a folder, stopped by its process id."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

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


def address(lines: list[str]) -> str:
    found = re.search(r"Serving on (http://127\.0\.0\.1:\d+)/", lines[-1])
    assert found, lines
    return found.group(1)
