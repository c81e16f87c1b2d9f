"""Headless Chromium kept off the network, for the browser tests and docs/screenshots/make_screenshots.py.

Each run gets a fresh profile in a temporary folder, a proxy that goes nowhere and a resolver that
resolves nothing, so a page that tried to fetch anything would fail to, and the NetLog
(:func:`page_requests`) shows it tried. The browser is started as its own process group and, if it
overruns, that group is stopped by its id; nothing else is touched.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--metrics-recording-only", "--mute-audio", "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND",
)
TIMEOUT = 120


def find_chromium() -> str | None:
    """``$CHROMIUM``, else the first Chromium on the system, else None."""
    given = os.environ.get("CHROMIUM")
    for name in ((given,) if given else CANDIDATES):
        found = shutil.which(name)
        if found:
            return found
    return None


def run(executable: str, url: str, *args: str, timeout: float = TIMEOUT) -> str:
    """Run the browser once on ``url`` with ``args``; its standard output (the DOM for ``--dump-dom``)."""
    with tempfile.TemporaryDirectory(prefix="liaison-html-chromium-") as profile:
        command = [executable, *FLAGS, f"--user-data-dir={profile}", *args, url]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group this call started, by its id
            process.communicate()
            raise
        if process.returncode != 0:
            raise RuntimeError(f"chromium exited with {process.returncode}: {err.decode(errors='replace')[-2000:]}")
        return out.decode("utf-8")


def dump_dom(executable: str, page: Path, fragment: str = "") -> str:
    """The DOM after the page's scripts ran."""
    return run(executable, page.resolve().as_uri() + fragment, "--dump-dom")


def screenshot(executable: str, page: Path, target: Path, width: int = 1400, height: int = 2600,
               fragment: str = "") -> Path:
    run(executable, page.resolve().as_uri() + fragment, f"--screenshot={target}", f"--window-size={width},{height}")
    if not target.exists():
        raise RuntimeError(f"chromium wrote no screenshot to {target}")
    return target


def print_pdf(executable: str, page: Path, target: Path) -> Path:
    run(executable, page.resolve().as_uri(), f"--print-to-pdf={target}", "--no-pdf-header-footer")
    return target


def page_requests(executable: str, page: Path, log: Path) -> list[str]:
    """Every URL a page asked the network for while it loaded and ran (NetLog); the browser's own
    background requests (initiator "not an origin") are left out."""
    run(executable, page.resolve().as_uri(), f"--log-net-log={log}", "--dump-dom")
    netlog = json.loads(log.read_text(encoding="utf-8"))
    start = netlog["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [params["url"] for event in netlog["events"] if event["type"] == start
            and "url" in (params := event.get("params") or {}) and params.get("initiator") != "not an origin"]
