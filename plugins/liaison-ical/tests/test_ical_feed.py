"""docs/publishing.md stays true: its feed server serves the exported files as
``text/calendar; charset=utf-8`` with their refresh hint, and answers an unchanged poll with 304."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

import liaison
import liaison.host.plugins

DOC = Path(__file__).resolve().parents[3] / "docs" / "publishing.md"


def feed_server_script() -> str:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"<!-- feed-server -->\n```python\n(.*?)```", text, flags=re.S)
    assert found is not None, "docs/publishing.md lost its feed-server example"
    return found.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.skipif(not DOC.exists(), reason="docs/ are not in this checkout")
def test_the_documented_feed_server_serves_calendars_as_text_calendar_utf8(tmp_path: Path) -> None:
    from liaison_workspace import Workspace

    import liaison_ical.plugin

    liaison.host.plugins.register(liaison_ical.plugin, "ical")
    Workspace(tmp_path / "out").export(liaison.seed_district(), 2027, [("ical", {})])
    script = tmp_path / "serve_feeds.py"
    script.write_text(feed_server_script(), encoding="utf-8")
    port = free_port()
    process = subprocess.Popen([sys.executable, str(script), str(port), str(tmp_path / "out")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/2027/ical/{quote('全部.ics')}"
        assert url.endswith("/%E5%85%A8%E9%83%A8.ics")  # as the doc says
        deadline = time.monotonic() + 15
        while True:
            try:
                answer = urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        with answer:
            assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
            body = answer.read()
            modified = answer.headers["Last-Modified"]
        assert body == (tmp_path / "out" / "2027" / "ical" / "全部.ics").read_bytes()
        assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in body
        assert b"\r\nX-PUBLISHED-TTL:PT12H\r\n" in body
        poll = urllib.request.Request(url, headers={"If-Modified-Since": modified})
        with pytest.raises(urllib.error.HTTPError) as unchanged:
            urllib.request.urlopen(poll, timeout=2)
        assert unchanged.value.code == 304
    finally:
        process.terminate()  # the server this test started, by its handle
        process.wait(timeout=10)
