"""The publisher as a plugin: registered through its entry point like any outside publisher, with
declared options checked strictly (text from the command line, or Python values from the API)."""

from __future__ import annotations

from typing import Any

import pytest

import liaison
import liaison.host.plugins
from liaison.base.errors import OptionError
from liaison.host.options import resolve
from liaison.host.publishing import Publisher, PublishRequest
from liaison.year.planner import plan_year
from liaison_caldav import OPTIONS, publish, target_url


@pytest.fixture
def loaded_plugins() -> str:
    return "caldav"  # only this plugin


def caldav() -> Publisher:
    return liaison.host.plugins.publisher("caldav")


def test_the_entry_point_registers_the_caldav_publisher() -> None:
    found = liaison.host.plugins.publishers()
    assert list(found) == ["caldav"]
    assert found["caldav"].plugin == "caldav" and found["caldav"].publish is publish
    assert "CalDAV" in found["caldav"].description
    (described,) = [p for p in liaison.host.plugins.describe() if p["name"] == "caldav"]
    assert described["hooks"] == ["register_publishers"]
    assert [o["name"] for o in described["publishers"][0]["options"]] == [o.name for o in OPTIONS]


def test_left_out_it_is_not_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_PLUGINS", "")
    liaison.host.plugins.reset()
    assert "caldav" not in liaison.host.plugins.publishers()


def test_declared_options_include_the_ical_ones_for_identical_events() -> None:
    names = [o.name for o in caldav().options]
    assert names[:3] == ["url", "user", "password"]
    wanted = {"calendars", "overwrite", "prune", "check_server", "timeout", "alarm_minutes", "dtstamp"}
    assert wanted <= set(names)
    assert "refresh" not in names  # a feed's hint; a CalDAV collection is synchronised, not polled


def test_options_from_the_command_line_are_typed() -> None:
    typed = resolve(caldav().options, {
        "url": "HTTP://Cal.Example.gov.cn:8443/dav", "user": "tzb", "calendars": "全部，icf",
        "overwrite": "yes", "timeout": "10", "auth": "digest", "alarm_minutes": "30"}, "publisher 'caldav'")
    assert typed["url"] == "http://cal.example.gov.cn:8443/dav/"
    assert typed["calendars"] == ("全部", "icf")
    assert typed["overwrite"] is True and typed["timeout"] == 10 and typed["alarm_minutes"] == 30
    assert typed["prune"] is True and typed["check_server"] is False and typed["password"] is None


@pytest.mark.parametrize(("options", "path", "words"), [
    ({}, "options.url", "needs the option url"),
    ({"url": "ftp://example.org/"}, "options.url", "not an http:// or https:// address"),
    ({"url": "https://tzb:secret@example.org/dav/"}, "options.url", "user and password options"),
    ({"url": "https://example.org/", "password": "p"}, "options.user", "a password but no user"),
    ({"url": "https://example.org/", "auth": "ntlm"}, "options.auth", "not one of basic, digest, auto"),
    ({"url": "https://example.org/", "timeout": "0"}, "options.timeout", "must be 1 or more"),
    ({"url": "https://example.org/", "passwd": "x"}, "options.passwd", "has no option 'passwd'"),
])
def test_bad_options_are_refused_before_any_request(options: dict[str, Any], path: str, words: str) -> None:
    district = liaison.seed_district()
    with pytest.raises(OptionError) as info:
        publish(PublishRequest(district, plan_year(district, 2027), None, options))
    assert info.value.path == path and words in str(info.value)
    assert "secret" not in str(info.value)


def test_an_unknown_calendar_lists_the_calendars() -> None:
    district = liaison.seed_district()
    with pytest.raises(OptionError, match="no calendar 'nobody'") as info:
        publish(PublishRequest(district, plan_year(district, 2027), None,
                               {"url": "http://127.0.0.1:9/", "calendars": "nobody"}))
    assert "the calendars are: 全部, " in str(info.value) and ", icf" in str(info.value)


def test_target_urls_are_recorded_without_credentials_and_with_a_slash() -> None:
    assert target_url("https://cal.example.gov.cn/dav") == "https://cal.example.gov.cn/dav/"
    assert target_url(" http://[::1]:5232 ") == "http://[::1]:5232/"
    with pytest.raises(ValueError, match="user name or password"):
        target_url("https://user@cal.example.gov.cn/")


def test_network_failures_read_as_one_sentence() -> None:
    from liaison_caldav.dav import _network_reason

    refused = ConnectionError("HTTPConnectionPool(host='x', port=9): Max retries exceeded (Caused by "
                              "NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: "
                              "Failed to establish a new connection: [Errno 111] Connection refused'))")
    assert _network_reason(refused) == ("[Errno 111] Connection refused", "[Errno 111] 连接被拒绝")
    unresolved = ConnectionError("(Caused by NameResolutionError(\"<object at 0x1>: Failed to resolve "
                                 "'cal.example.invalid' (Name or service not known)\"))")
    assert _network_reason(unresolved) == ("the host name cal.example.invalid does not resolve",
                                           "主机名 cal.example.invalid 无法解析")
    assert _network_reason(TimeoutError("Read timed out. (read timeout=2)")) == (
        "no answer within the timeout", "在超时时间内没有应答")
    gone = ConnectionError("[Errno -2] Name or service not known")  # getaddrinfo's negative numbers
    assert _network_reason(ConnectionError("[Errno 99] Cannot assign")) == (
        "[Errno 99] Cannot assign", "[Errno 99] 系统网络错误")
    assert _network_reason(gone) == ("[Errno -2] Name or service not known", "[Errno -2] 主机名无法解析")
