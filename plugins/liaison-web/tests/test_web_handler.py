"""The application ``liaison serve`` serves (liaison_web.handler): an API read with a bearer token and
no session cookie takes a shorter way through the middleware, and is answered exactly as the whole
way answers it — status, body, every header — leaving no cycle for Python's collector; anything
else (a change, a session's request, a page) takes the whole way. Through the WSGI interface, as
waitress calls it."""

from __future__ import annotations

import gc
import io
import json
import sys
from collections.abc import Callable
from typing import Any

import pytest
from web_db import CLERK_OF, YEAR

ON_POSTGRES_TOO = True

ENGAGEMENT = f"{YEAR}/joint_meeting/{CLERK_OF}"
READS = (
    f"/api/v1/districts/seed/years/{YEAR}/plan",
    f"/api/v1/districts/seed/years/{YEAR}/engagements/{ENGAGEMENT}",
    f"/api/v1/districts/seed/organisations/{CLERK_OF}/due?as_of={YEAR}-03-10",
    f"/api/v1/districts/seed/years/{YEAR}/findings?as_of={YEAR}-06-30",
    f"/api/v1/districts/seed/years/{YEAR}/report?as_of={YEAR}-06-30",  # a clerk's: 403
    f"/api/v1/districts/seed/years/{YEAR}/organisations/{CLERK_OF}/findings?as_of={YEAR}-06-30",
    f"/api/v1/districts/other/years/{YEAR}/plan",  # another district's: refused alike
    "/api/v1/no/such/address",
    "/api/v1/tokens",  # the caller's own tokens
    "/api/v1/districts/seed/audit",
    "/api/v1/districts/seed/audit?format=jsonl",  # JSON lines: a JSON answer too
)


def _send(application: Callable[..., Any], method: str, path: str, headers: dict[str, str],
          body: bytes = b"") -> tuple[int, bytes, list[tuple[str, str]]]:
    route, _, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "PATH_INFO": route, "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000", "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "wsgi.multithread": True,
        "wsgi.multiprocess": False, "wsgi.run_once": False, "wsgi.version": (1, 0), **headers,
    }
    if body:
        environ["CONTENT_LENGTH"], environ["CONTENT_TYPE"] = str(len(body)), "application/json"
    answered: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answered["status"], answered["headers"] = int(status.split()[0]), sorted(response_headers)

    chunks = application(environ, start_response)
    try:
        data = b"".join(chunks)
    finally:
        chunks.close()
    return answered["status"], data, answered["headers"]


@pytest.fixture
def applications(two_districts: dict[str, Any]) -> tuple[Any, Any]:
    from django.core.handlers.wsgi import WSGIHandler

    from liaison_web.handler import Application

    return Application(), WSGIHandler()


@pytest.mark.parametrize("role", ["administrator", "clerk", "auditor"])
def test_a_bearer_read_is_answered_as_the_whole_way_answers_it(two_districts: dict[str, Any],
                                                               applications: tuple[Any, Any], role: str) -> None:
    served, whole = applications
    auth = two_districts[role]
    for path in READS:
        for extra in ({}, {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}, {"HTTP_ACCEPT_LANGUAGE": "en"}):
            expected = _send(whole, "GET", path, {**auth, **extra})
            assert _send(served, "GET", path, {**auth, **extra}) == expected, path
            # every JSON answer says its language: an error's the one asked for (its rendered line),
            # any other's both (its JSON carries both, the same bytes and ETag whatever is asked)
            said = dict(expected[2]).get("Content-Language")
            asked = "en" if extra.get("HTTP_ACCEPT_LANGUAGE") == "en" else "zh-CN"
            assert said == (asked if expected[0] >= 400 else "zh-CN, en"), (path, extra, expected[0], said)
        status, _, headers = expected
        tag = dict(headers).get("ETag")
        if status == 200 and ("/report" in path or "/findings" in path or "/due" in path or "/plan" in path):
            assert tag, path  # the findings, the report, a body's findings: each with its ETag
        if status == 200 and tag:
            conditional = {**auth, "HTTP_IF_NONE_MATCH": tag}
            assert _send(served, "GET", path, conditional) == _send(whole, "GET", path, conditional)
            assert _send(served, "GET", path, conditional)[0] == 304
        assert _send(served, "HEAD", path, auth) == _send(whole, "HEAD", path, auth)


def test_an_unknown_or_missing_token_is_refused_as_before(two_districts: dict[str, Any],
                                                          applications: tuple[Any, Any]) -> None:
    served, whole = applications
    for auth in ({"HTTP_AUTHORIZATION": "Bearer lsn_not-a-token"}, {"HTTP_AUTHORIZATION": "bearer "}, {}):
        answered = _send(served, "GET", READS[0], auth)
        assert answered[0] == 401 and answered == _send(whole, "GET", READS[0], auth)


def test_which_requests_take_the_shorter_way() -> None:
    from liaison_web.handler import bearer_read

    bearer = {"PATH_INFO": "/api/v1/districts", "HTTP_AUTHORIZATION": "Bearer lsn_x"}
    assert bearer_read({**bearer, "REQUEST_METHOD": "GET"}, "sessionid")
    assert bearer_read({**bearer, "REQUEST_METHOD": "HEAD", "HTTP_COOKIE": "csrftoken=a"}, "sessionid")
    assert not bearer_read({**bearer, "REQUEST_METHOD": "POST"}, "sessionid")  # a change, a login
    assert not bearer_read({**bearer, "REQUEST_METHOD": "GET", "HTTP_COOKIE": "a=b; sessionid=c"}, "sessionid")
    assert not bearer_read({**bearer, "REQUEST_METHOD": "GET", "PATH_INFO": "/my/"}, "sessionid")
    assert not bearer_read({"PATH_INFO": "/api/v1/districts", "REQUEST_METHOD": "GET"}, "sessionid")
    assert not bearer_read({**bearer, "REQUEST_METHOD": "GET", "PATH_INFO": "/api/v1/docs"}, "sessionid")


def test_the_docs_page_with_a_bearer_alone_takes_the_whole_way(two_districts: dict[str, Any],
                                                               applications: tuple[Any, Any]) -> None:
    """The API's docs page is a browser's page: with only a bearer token it is answered as the whole
    way answers it — its CSRF token and the ``csrftoken`` cookie set (a fresh token each time: the
    same headers, not the same bytes); the shorter way would set no cookie."""
    served, whole = applications
    auth = two_districts["administrator"]
    answered, expected = _send(served, "GET", "/api/v1/docs", auth), _send(whole, "GET", "/api/v1/docs", auth)
    assert answered[0] == expected[0] == 200
    assert [name for name, _ in answered[2]] == [name for name, _ in expected[2]]
    assert any(name == "Set-Cookie" and value.strip().startswith("csrftoken=") for name, value in answered[2])


def test_a_session_and_a_change_take_the_whole_way(two_districts: dict[str, Any], users: dict[str, Any],
                                                   applications: tuple[Any, Any]) -> None:
    """A change with a token goes through CSRF's and the lockout's middleware as before (and is
    answered as before); a browser's read with its session cookie too — and with a bearer header
    beside it the token alone decides: one that is not live is 401, never the session's user."""
    from django.conf import settings
    from django.test import Client

    served, _ = applications
    auth = two_districts["administrator"]
    status, _, headers = _send(served, "GET", READS[1], auth)
    moved = _send(served, "POST", f"{READS[1]}/move", {**auth, "HTTP_IF_MATCH": dict(headers)["ETag"]},
                  json.dumps({"date": f"{YEAR}-09-07", "force": True}).encode())
    assert status == 200 and moved[0] == 200, moved[1][:300]
    browser = Client()
    browser.force_login(users["admin"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    assert _send(served, "GET", READS[0], {"HTTP_COOKIE": cookie})[0] == 200
    beside = {"HTTP_COOKIE": cookie, "HTTP_AUTHORIZATION": "Bearer lsn_not-a-token"}
    assert _send(served, "GET", READS[0], beside)[0] == 401


def test_a_bearer_read_leaves_no_cycle_for_the_collector(two_districts: dict[str, Any],
                                                         applications: tuple[Any, Any]) -> None:
    """The whole way's messages and login middleware leave the request in cycles (some sixty objects
    a read, freed only by the cyclic collector's passes); the shorter way leaves none."""
    served, whole = applications
    auth = two_districts["administrator"]
    for path in READS[:4]:
        _send(served, "GET", path, auth)  # each answer made and kept first
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        for path in READS[:4]:
            _send(served, "GET", path, auth)
        assert gc.collect() == 0
        _send(whole, "GET", READS[0], auth)
        assert gc.collect() > 0  # the measure can tell: the whole way's cycles are found
    finally:
        if enabled:
            gc.enable()


def test_a_serving_process_settles_before_its_first_request(two_districts: dict[str, Any]) -> None:
    """What is alive before serving is out of the collector's sight (its full passes walk only what
    requests made since), the URL conf loaded with it."""
    from liaison_web.serving import settle

    gc.unfreeze()
    try:
        settle()
        assert gc.get_freeze_count() > 10_000
        assert len(gc.get_objects()) < gc.get_freeze_count() / 10
    finally:
        gc.unfreeze()


def test_waitress_queue_warning_once_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from liaison_web import serving

    clock = [1000.0]
    monkeypatch.setattr(serving.time, "monotonic", lambda: clock[0])
    kept = serving.QueueWarnings()

    def said(depth: int) -> str | None:
        record = logging.LogRecord("waitress.queue", logging.WARNING, __file__, 1, "Task queue depth is %d",
                                   (depth,), None)
        return record.getMessage() if kept.filter(record) else None

    assert said(3) == "Task queue depth is 3"
    assert [said(n) for n in (4, 5, 6)] == [None, None, None]
    clock[0] += 61
    assert said(7) == "Task queue depth is 7 (and 3 more since the last one said)"
    assert said(8) is None
