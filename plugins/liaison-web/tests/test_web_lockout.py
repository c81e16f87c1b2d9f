"""The login lockout (django-axes): after LIAISON_LOGIN_FAILURES failed logins a user name is locked
out at the address it failed from — and, after LIAISON_LOGIN_ADDRESS_FAILURES, an address trying
names — for a while, the right password included, and told so in both languages: 429 in the error
shape on the API's login, a page on /login/. Counted in the database."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.test import override_settings

CJK = re.compile(r"[\u4e00-\u9fff]")


def client() -> Any:
    from django.test import Client

    return Client()


def api_login(username: str, password: str, **headers: Any) -> Any:
    return client().post("/api/v1/login", data=json.dumps({"username": username, "password": password}),
                         content_type="application/json", **headers)


def test_the_default_is_five_failures_and_fifteen_minutes(database: str) -> None:
    from django.conf import settings

    assert settings.AXES_FAILURE_LIMIT == 5 and dt.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_api_login_locks_a_user_out_after_the_limit_and_says_so(database: str, users: dict[str, Any]) -> None:
    name = users["admin"].username
    ok = api_login(name, "admin-password")
    assert ok.status_code == 200 and ok.json() == {"user": name} and "sessionid" in ok.cookies
    for _ in range(4):
        wrong = api_login(name, "wrong", REMOTE_ADDR="192.0.2.1")
        assert wrong.status_code == 401 and wrong.json()["kind"] == "NotAuthenticated"
    fifth = api_login(name, "wrong", REMOTE_ADDR="192.0.2.1")  # the failure that reaches the limit says so
    assert fifth.status_code == 429 and fifth.json()["kind"] == "LockedOut"
    for lang, chinese in (("en", False), ("zh-CN", True)):
        # the right password, from that address: the user name is locked there
        locked = api_login(name, "admin-password", REMOTE_ADDR="192.0.2.1", HTTP_ACCEPT_LANGUAGE=lang)
        assert locked.status_code == 429, locked.content.decode()
        body = locked.json()
        assert body["kind"] == "LockedOut" and "15" in body["message"] and "15" in body["message_zh"]
        assert bool(CJK.search(body["rendered"])) == chinese and "sessionid" not in locked.cookies
    other = users["stranger"].username  # another user is not locked by this one's failures
    assert api_login(other, "stranger-password", REMOTE_ADDR="192.0.2.50").status_code == 200


def test_one_users_failures_lock_neither_the_colleagues_at_its_address_nor_itself_elsewhere(
        database: str, users: dict[str, Any]) -> None:
    """An office behind one address: five wrong passwords of one user lock that user there, not the
    colleagues typing theirs right from the same address; and a stranger failing in a user's name
    from elsewhere does not lock the user out at its own address."""
    name, other = users["admin"].username, users["stranger"].username
    for _ in range(5):
        api_login(name, "wrong", REMOTE_ADDR="203.0.113.7")
    assert api_login(name, "admin-password", REMOTE_ADDR="203.0.113.7").status_code == 429
    assert api_login(other, "stranger-password", REMOTE_ADDR="203.0.113.7").status_code == 200
    assert api_login(name, "admin-password", REMOTE_ADDR="198.51.100.77").status_code == 200


def test_the_login_page_tells_a_locked_out_user_in_both_languages(database: str, users: dict[str, Any]) -> None:
    name = users["admin"].username
    with override_settings(AXES_FAILURE_LIMIT=3):
        for _ in range(2):
            page = client().post("/login/", {"username": name, "password": "wrong"})
            assert page.status_code == 200  # the form again, with its error
        assert client().post("/login/", {"username": name, "password": "wrong"}).status_code == 429
        browser = client()
        locked = browser.post("/login/", {"username": name, "password": "admin-password"})
        assert locked.status_code == 429
        text = locked.content.decode()
        assert "too many failed logins (3)" in text and "登录失败次数过多（3 次）" in text
        assert "_auth_user_id" not in browser.session


def test_an_address_trying_many_names_is_rate_limited(database: str, users: dict[str, Any]) -> None:
    """The address's own ceiling (50 by default; 12 here), above the pair's 5: a name each time
    escapes the pair's limit, not the address's. A good login there does not clear the count."""
    from django.conf import settings

    assert settings.LIAISON_LOGIN_ADDRESS_FAILURES == 50
    name = users["admin"].username
    with override_settings(LIAISON_LOGIN_ADDRESS_FAILURES=12):
        for n in range(6):
            assert api_login(f"nobody{n}", "guess", REMOTE_ADDR="198.51.100.9").status_code == 401
        assert api_login(name, "admin-password", REMOTE_ADDR="198.51.100.9").status_code == 200
        for n in range(6, 11):
            assert api_login(f"nobody{n}", "guess", REMOTE_ADDR="198.51.100.9").status_code == 401
        last = api_login("nobody11", "guess", REMOTE_ADDR="198.51.100.9", HTTP_ACCEPT_LANGUAGE="en")
        assert last.status_code == 429 and "from this address (12)" in last.json()["rendered"]
        assert "该地址" in last.json()["message_zh"]
        assert api_login(name, "admin-password", REMOTE_ADDR="198.51.100.9").status_code == 429
        assert api_login(name, "admin-password", REMOTE_ADDR="198.51.100.10").status_code == 200


def test_the_lockout_ends_after_the_cool_off(database: str, users: dict[str, Any]) -> None:
    from axes.models import AccessAttempt

    name = users["admin"].username
    for _ in range(5):
        api_login(name, "wrong")
    assert api_login(name, "admin-password").status_code == 429
    # the cool-off passed: the attempts are older than it
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert api_login(name, "admin-password").status_code == 200


def test_a_forged_forwarded_address_does_not_escape_the_lockout(database: str, users: dict[str, Any]) -> None:
    """Behind the trusted proxy, a client writing its own X-Forwarded-For entry before the proxy's
    is still counted at the address the proxy appended."""
    name = users["admin"].username
    with override_settings(LIAISON_SECURE=True, LIAISON_TRUSTED_PROXIES=1):
        for n in range(5):
            api_login(name, "wrong", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.40")
        locked = api_login(name, "admin-password", REMOTE_ADDR="10.0.0.1",
                           HTTP_X_FORWARDED_FOR="6.6.6.99, 203.0.113.40")
        assert locked.status_code == 429
