"""A request larger than the most the server reads, over HTTP against a real `liaison serve`: with a
``Content-Length`` far beyond it (the body never sent) or chunked with no length (sent until the
server answers), to a page and to the API, in the caller's language — each answered by the service in its
own shape (the pages' bilingual page, the API's error document), 413, the connection closed, never
waitress's English text (liaison_web.oversize); and a file of 1 GB chosen in Chromium on the ledger
page, answered on the pages' own page."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import select
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from web_browser import chromium
from web_serve import address, log_in, start, stop

#: What one test sends at most of a chunked body: well past the server's cap (the default 20 MB
#: upload limit: a form of several files, 41 MB), so a server that read on to the end would fail it.
MOST_SENT = 80 * 1024 * 1024
CHUNK = 256 * 1024


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A `liaison serve` of the module's own (the suite's running server, its default limits; it
    plans the current and the next year), its process id and the administrator's session cookie."""
    process, lines = start(tmp_path_factory.mktemp("oversize"), env={"LIAISON_ADMIN_PASSWORD": "admin-password"})
    assert process.stdout is not None
    threading.Thread(target=process.stdout.read, daemon=True).start()  # each refusal is a line of its log
    try:
        base = address(lines)
        _, jar, _ = log_in(base, "admin", "admin-password")
        session = next(c.value for c in jar if c.name == "sessionid")
        yield {"base": base, "year": dt.date.today().year + 1, "session": session, "cookie": f"sessionid={session}",
               "pid": process.pid}
    finally:
        stop(process)


def _send(base: str, method: str, path: str, headers: dict[str, str],
          chunked: bool) -> tuple[http.client.HTTPResponse, bytes, int]:
    """``method path`` on a socket of its own, the headers as given; chunked: chunks of zeros sent
    until the server answers (at most :data:`MOST_SENT`; the body is never ended). The answer, its
    body, and how much of the body was sent."""
    where = urlsplit(base)
    sock = socket.create_connection((where.hostname, where.port), timeout=60)
    head = f"{method} {path} HTTP/1.1\r\nHost: {where.netloc}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sent = 0
    try:
        sock.sendall((head + ("Transfer-Encoding: chunked\r\n" if chunked else "") + "\r\n").encode())
        chunk = f"{CHUNK:x}\r\n".encode() + b"0" * CHUNK + b"\r\n"
        while chunked and sent < MOST_SENT and not select.select([sock], [], [], 0)[0]:
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):  # it answered and closed meanwhile
                break
            sent += CHUNK
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer, answer.read(), sent
    finally:
        sock.close()


def _page(served: dict[str, Any]) -> str:
    return f"/records/seed/{served['year']}/new/research_results/"


def _api(served: dict[str, Any]) -> str:
    return f"/api/v1/districts/seed/years/{served['year']}/evidence"


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_page_too_large_for_the_server_is_the_pages_own_413(served: dict[str, Any], chunked: bool,
                                                              lang: str) -> None:
    # the pages' language is the reader's choice, kept in a cookie (their English switch)
    headers = {"Cookie": f"{served['cookie']}; liaison_lang={lang}", "Content-Type": "multipart/form-data; boundary=x"}
    if not chunked:
        headers["Content-Length"] = str(10 * 1024**3)  # 10 GB, of which nothing is sent
    answer, body, sent = _send(served["base"], "POST", _page(served), headers, chunked)
    text = body.decode()
    assert answer.status == 413, text[:500]
    assert answer.getheader("Content-Type", "").startswith("text/html")
    assert answer.getheader("Connection") == "close"
    assert 'data-kind="TooLarge"' in text
    said = re.search(r'<div class="problem"[^>]*>(.*?)</div>', text, re.S)
    assert said, text[:2000]
    if lang == "zh":
        assert "文件超过本服务允许的大小" in said.group(1) and "the file" not in said.group(1)
    else:
        assert "than the service takes" in said.group(1) and not re.search(r"[\u4e00-\u9fff]", said.group(1))
    assert sent < MOST_SENT  # answered once past the limit, not at the body's end


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
@pytest.mark.parametrize(("method", "lang"), [("POST", "en"), ("PUT", "zh")])
def test_an_api_call_too_large_for_the_server_is_the_apis_413(served: dict[str, Any], chunked: bool, method: str,
                                                               lang: str) -> None:
    headers = {"Accept-Language": lang, "Content-Type": "application/octet-stream"}
    if not chunked:
        headers["Content-Length"] = str(2**40)  # 1 TB, none of it sent
    answer, body, sent = _send(served["base"], method, _api(served), headers, chunked)
    assert answer.status == 413, body[:500]
    assert answer.getheader("Content-Type", "").startswith("application/json")
    assert answer.getheader("Content-Language") == {"zh": "zh-CN", "en": "en"}[lang]
    error = json.loads(body)
    assert error["kind"] == "TooLarge" and error["message_zh"] and error["fix"]
    assert bool(re.search(r"[\u4e00-\u9fff]", error["rendered"])) == (lang == "zh")
    if not chunked:
        assert str(2**40) in error["message"]  # the size it declared
    assert sent < MOST_SENT


def test_the_server_goes_on_serving_after_the_refusals(served: dict[str, Any]) -> None:
    answer, body, _ = _send(served["base"], "POST", _api(served), {"Content-Length": str(2**40)}, False)
    assert answer.status == 413
    answer, body, _ = _send(served["base"], "GET", "/api/v1/health", {}, False)
    assert answer.status == 200 and json.loads(body)["status"] == "ok"


def _peak_kb(pid: int) -> int:
    """The process's peak resident memory (Linux's VmHWM), in kB."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    assert found, status
    return int(found.group(1))


def test_a_refused_body_is_not_kept_in_memory(served: dict[str, Any]) -> None:
    """Each chunked body sent to the cap and past it (more than 41 MB, three times) leaves the
    server's peak memory within a few MB: what waitress took of it went to a file, and none was read
    into the service."""
    # the answer's code loaded once, by a refusal with no body sent (a high-water mark does not fall)
    _send(served["base"], "POST", _api(served), {"Content-Length": str(2**40)}, False)
    before = _peak_kb(served["pid"])
    for _ in range(3):
        answer, _, sent = _send(served["base"], "POST", _api(served), {}, True)
        assert answer.status == 413 and sent > 40 * 1024 * 1024
    assert _peak_kb(served["pid"]) - before < 16 * 1024


def test_each_worker_of_several_refuses_in_the_services_words(tmp_path: Path) -> None:
    """With ``--workers 2`` (the workers share the parent's socket: waitress's servers made on it)."""
    process, lines = start(tmp_path, "--workers", "2")
    assert process.stdout is not None
    threading.Thread(target=process.stdout.read, daemon=True).start()
    try:
        for _ in range(4):  # the kernel hands the connections to either worker
            answer, body, _ = _send(address(lines), "PUT", "/api/v1/anything", {"Content-Length": str(2**40)}, False)
            assert answer.status == 413 and json.loads(body)["kind"] == "TooLarge"
    finally:
        stop(process)


@pytest.mark.skipif(not Path(chromium()).exists(), reason="Chromium is not installed")
def test_a_file_of_1_gb_uploaded_in_the_browser_is_refused_on_the_pages_own_page(served: dict[str, Any], page: Any,
                                                                                  tmp_path: Path) -> None:
    """Chromium sends it with its length; the server answers at its headers and closes the connection
    while the browser is still sending: the browser shows the answer, not a connection reset."""
    big = tmp_path / "台账.xlsx"
    with big.open("wb") as out:  # sparse: 1 GB of zeros the disk does not hold
        out.write(b"PK")
        out.truncate(1024**3)
    page.context.add_cookies([{"name": "sessionid", "value": served["session"], "url": served["base"]}])
    page.goto(f"{served['base']}/ledger/seed/{served['year']}/")
    page.set_input_files("#ledger-file", str(big))
    with page.expect_navigation(timeout=120_000) as sent:
        page.click("#ledger-form button[type=submit]")
    assert sent.value is not None and sent.value.status == 413
    assert page.locator(".problem[data-kind=TooLarge]").inner_text().startswith("文件超过本服务允许的大小")
