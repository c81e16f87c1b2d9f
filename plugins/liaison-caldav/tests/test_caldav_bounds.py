"""A hostile or broken CalDAV server cannot hang or crash a publication (issue #21, item 6).

Each misbehaviour of :class:`caldav_faults.MisbehavingServer` — headers or a body dripping one byte a
second, a body without end, a ``200 OK`` saying ``hello``, an entity bomb, a connection reset — ends
in one :class:`~liaison.host.publishing.PublishError` naming the server, in English and in Chinese, within
the bounds the options set (``timeout`` for a request, ``deadline`` for the publication,
``max_response_mb`` for an answer), with the memory bounded; never a traceback of the HTTP or XML
library. Through the command it is exit 1, as every error.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from caldav_faults import MisbehavingServer

import liaison.host.plugins
from liaison.host.publishing import PublishError, PublishRequest
from liaison.law.district import District
from liaison.year.engagements import Plan
from liaison.year.planner import plan_year


@pytest.fixture
def loaded_plugins() -> str:
    return "caldav"


@pytest.fixture(scope="module")
def plan(seed: District) -> Plan:
    return plan_year(seed, 2027)


def publish(seed: District, plan: Plan, url: str, **options: Any) -> Any:
    publisher = liaison.host.plugins.publisher("caldav")
    options = {"url": url, "user": "u", "password": "p", **options}
    return publisher.publish(PublishRequest(seed, plan, None, options))


@pytest.fixture
def serve(request: pytest.FixtureRequest) -> Iterator[Any]:
    started: list[MisbehavingServer] = []

    def start(mode: str, interval: float = 1.0) -> MisbehavingServer:
        server = MisbehavingServer(mode, interval)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def refused(seed: District, plan: Plan, server: MisbehavingServer, **options: Any
            ) -> tuple[PublishError, float]:
    began = time.monotonic()
    with pytest.raises(PublishError) as info:
        publish(seed, plan, server.url, **options)
    seconds = time.monotonic() - began
    error = info.value
    for lang in ("en", "zh"):
        text = error.render(lang)
        assert server.url in text and "Traceback" not in text
        for word in ("Error:", "AttributeError", "XMLSyntaxError", "MemoryError", "object at 0x"):
            assert word not in text, text
    assert "服务器" in error.render("zh") and "server" in error.render("en")
    assert error.partial is not None and error.partial.calendars == ()  # nothing was accepted
    return error, seconds


@pytest.mark.parametrize("mode", ["drip-head", "drip-body"])
def test_a_server_dripping_one_byte_a_second_is_cut_off_at_the_timeout(
    serve: Any, seed: District, plan: Plan, mode: str
) -> None:
    server = serve(mode, interval=0.2)  # a byte every 0.2 s: every read returns well within any read timeout
    error, seconds = refused(seed, plan, server, timeout=2)
    assert 1.9 <= seconds < 6, seconds  # the whole request, not each read
    assert "no complete answer within 2 s (the timeout option)" in str(error)
    assert "在 2 秒内没有得到完整的应答（timeout 选项）" in error.render("zh")
    assert server.sent >= 5  # it was dripping all the while


def test_the_publication_as_a_whole_has_a_deadline(serve: Any, seed: District, plan: Plan) -> None:
    server = serve("drip-head", interval=0.2)
    error, seconds = refused(seed, plan, server, timeout=60, deadline=2)
    assert 1.9 <= seconds < 6, seconds
    assert "the publication did not finish within 2 s (the deadline option)" in str(error)
    assert "发布未能在 2 秒内完成（deadline 选项）" in error.render("zh")


def test_an_endless_answer_stops_at_the_largest_answer_in_bounded_memory(
    serve: Any, seed: District, plan: Plan
) -> None:
    server = serve("endless")
    tracemalloc.start()
    try:
        error, seconds = refused(seed, plan, server, max_response_mb=4)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "the answer is larger than 4 MiB (the max_response_mb option); not read" in str(error)
    assert "应答超过 4 MiB（max_response_mb 选项），未读取" in error.render("zh")
    assert peak < 24 * 1024 * 1024, peak  # the 4 MiB read and joined once, not the gigabytes sent
    assert seconds < 20
    assert server.sent >= 4 * 1024 * 1024


def test_a_garbage_200_is_not_taken_for_a_calendar_server(serve: Any, seed: District, plan: Plan) -> None:
    server = serve("garbage")
    error, _ = refused(seed, plan, server)
    assert "is not the XML a CalDAV server sends: 'hello'" in str(error)
    assert "不是 CalDAV 服务器应发送的 XML：'hello'" in error.render("zh")


def test_an_entity_bomb_is_refused_unread(serve: Any, seed: District, plan: Plan) -> None:
    server = serve("bomb")
    tracemalloc.start()
    try:
        error, seconds = refused(seed, plan, server)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "declares a DTD or entities" in str(error) and "不会有这些" in error.render("zh")
    assert seconds < 10 and peak < 16 * 1024 * 1024


def test_a_connection_reset_is_one_sentence(serve: Any, seed: District, plan: Plan) -> None:
    server = serve("reset")
    error, seconds = refused(seed, plan, server)
    assert "cannot reach the server" in str(error) and "无法连接服务器" in error.render("zh")
    assert seconds < 10


def test_no_library_exception_escapes_whatever_the_library_raises(
    monkeypatch: pytest.MonkeyPatch, serve: Any, seed: District, plan: Plan
) -> None:
    """The last line of defence: an exception the library raises on an answer nobody foresaw (here
    a KeyError from deep inside it) is still the one error, naming the server."""
    import caldav.davclient

    def broken(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise KeyError("multistatus")

    monkeypatch.setattr(caldav.davclient.DAVClient, "propfind", broken)
    server = serve("garbage")
    error, _ = refused(seed, plan, server)
    assert "could not be understood (KeyError)" in str(error)
    assert "无法理解服务器的应答（KeyError）" in error.render("zh")


@pytest.mark.parametrize("option", ["timeout=100000", "deadline=" + "9" * 30, "max_response_mb=0"])
def test_bounds_out_of_range_are_refused_before_any_request(seed: District, plan: Plan, option: str) -> None:
    from liaison.base.errors import OptionError

    name, _, value = option.partition("=")
    with pytest.raises(OptionError) as info:
        publish(seed, plan, "http://127.0.0.1:9/", **{name: value})
    assert name in str(info.value) and "Overflow" not in str(info.value)


def test_the_command_exits_1_with_one_sentence(serve: Any, tmp_path: Path) -> None:
    server = serve("garbage")
    env = {**os.environ, "LIAISON_PLUGINS": "ical,caldav", "COLUMNS": "200", "LIAISON_TEST_PW": "p"}

    def liaison(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "liaison_cli", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)

    assert liaison("export", "ical", "--year", "2027", "--out", "out").returncode == 0
    before = sorted(p.name for p in (tmp_path / "out" / "2027").iterdir())
    said = {"zh": "不是 CalDAV 服务器应发送的 XML", "en": "is not the XML a CalDAV server sends"}
    for lang, words in said.items():
        done = liaison("publish", "caldav", "--year", "2027", "--out", "out", "--url", server.url,
                       "--user", "u", "--password-env", "LIAISON_TEST_PW", "--lang", lang)
        assert done.returncode == 1, done.stdout + done.stderr
        assert words in done.stderr and server.url in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "2027").iterdir()) == before
