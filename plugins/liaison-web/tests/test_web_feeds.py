"""Calendar feeds per organisation: a secret URL made, rotated and revoked through the API, serving
the bytes `liaison export ical` writes for the organisation from the same year (icalendar parses
them), with ETag / Last-Modified and 304; the feed follows a change of the year."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from web_db import YEAR

from liaison.formats.district import seed_district

FEEDS = "/api/v1/districts/seed/organisations/{}/feeds"


@pytest.fixture
def loaded_plugins() -> str:
    return "web,ical"  # the exporter the feed is compared with runs as `liaison export ical` runs it


def bearer(user: Any) -> dict[str, str]:
    from liaison_web.tokens import make_token

    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user.username, 'feeds', ('read', 'write'))}"}


def exported(path: str) -> bytes:
    """What the workspace's export with the ical exporter writes at ``path`` for the year the
    database holds (on a copy in memory, as `liaison export ical --out` writes a folder)."""
    from liaison.host.plugins import working_day_calendar
    from liaison.year.store import Commit
    from liaison_web.store import DatabaseStore
    from liaison_workspace import MemoryStore, Workspace

    stored = DatabaseStore().load(seed_district(), YEAR)
    assert stored is not None
    memory = MemoryStore()
    memory.save(seed_district(), YEAR, Commit(stored.state), expected=None)
    Workspace(store=memory).export(seed_district(), YEAR, [("ical", {})], calendar=working_day_calendar())
    data = memory.read(seed_district(), YEAR, path)
    assert data is not None, path
    return data


def test_a_feed_is_the_exporters_calendar_of_the_organisation(database: str, users: dict[str, Any]) -> None:
    import icalendar
    from django.test import Client

    from liaison_web import models

    auth = bearer(users["admin"])
    made = Client().post(FEEDS.format("health"), **auth)
    assert made.status_code == 201, made.content
    token, url = made.json()["token"], made.json()["url"]
    assert url == f"http://testserver/feeds/{token}.ics" and token.startswith("lsf_")
    row = models.FeedToken.objects.get(prefix=token[:12])
    assert row.sha256 != token and token not in json.dumps(list(models.FeedToken.objects.values()), default=str)
    feed = Client().get(f"/feeds/{token}.ics?year={YEAR}")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert feed.content == exported("ical/health.ics")
    calendar = icalendar.Calendar.from_ical(feed.content)
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert summaries and len(summaries) == len({str(e["UID"]) for e in calendar.walk("VEVENT")})
    # caching: the same bytes are 304 by ETag or by date
    assert Client().get(f"/feeds/{token}.ics?year={YEAR}", HTTP_IF_NONE_MATCH=feed["ETag"]).status_code == 304
    assert Client().get(f"/feeds/{token}.ics?year={YEAR}",
                        HTTP_IF_MODIFIED_SINCE=feed["Last-Modified"]).status_code == 304
    # a change of the year changes the feed (a new ETag), still the exporter's bytes
    from liaison_web.store import DatabaseStore

    etag = DatabaseStore().current(seed_district(), YEAR)
    moved = Client().post(f"/api/v1/districts/seed/years/{YEAR}/engagements/{YEAR}/joint_meeting/health/move",
                          data=json.dumps({"date": f"{YEAR}-09-07"}), content_type="application/json",
                          HTTP_IF_MATCH=f'"{etag}"', **auth)
    assert moved.status_code == 200, moved.content
    after = Client().get(f"/feeds/{token}.ics?year={YEAR}", HTTP_IF_NONE_MATCH=feed["ETag"])
    assert after.status_code == 200 and after["ETag"] != feed["ETag"]
    assert after.content == exported("ical/health.ics") != feed.content
    assert f"{YEAR}0907" in after.content.decode()


def test_rotating_or_revoking_ends_the_old_url(database: str, users: dict[str, Any]) -> None:
    from django.test import Client

    from liaison_web import models

    auth = bearer(users["admin"])
    first = Client().post(FEEDS.format("cpwdp"), **auth).json()["token"]
    assert Client().get(f"/feeds/{first}.ics?year={YEAR}").status_code == 200
    second = Client().post(FEEDS.format("cpwdp"), **auth).json()["token"]
    assert Client().get(f"/feeds/{first}.ics?year={YEAR}").status_code == 404
    assert Client().get(f"/feeds/{second}.ics?year={YEAR}").status_code == 200
    listed = Client().get(FEEDS.format("cpwdp"), **auth).json()
    assert [(t["prefix"], t["revoked"] is None) for t in listed] == [(first[:12], False), (second[:12], True)]
    assert Client().delete(FEEDS.format("cpwdp"), **auth).json() == {"revoked": 1}
    assert Client().get(f"/feeds/{second}.ics?year={YEAR}").status_code == 404
    assert Client().get(f"/feeds/{second}x.ics?year={YEAR}").status_code == 404
    assert Client().get(f"/feeds/{second}.ics?year={YEAR - 5}").status_code == 404
    actions = list(models.AuditEntry.objects.filter(object_type="feed-token").order_by("id")
                   .values_list("action", flat=True))[-3:]
    assert actions == ["rotate", "rotate", "revoke"]
    assert Client().post(FEEDS.format("nobody"), **auth).status_code == 404


def test_a_feed_serves_the_current_year_and_the_next_so_december_shows_january(
        database: str, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``year``: the district's current year and the next where it is planned, one calendar (one
    VTIMEZONE, each event once); ``?year=`` that year alone; no plan of either: 404."""
    import icalendar
    from django.test import Client

    from liaison_web import feeds
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    token = Client().post(FEEDS.format("health"), **bearer(users["admin"])).json()["token"]
    monkeypatch.setattr(feeds, "district_today", lambda district: dt.date(YEAR - 1, 12, 20))
    alone = Client().get(f"/feeds/{token}.ics")  # the current year not planned here: the next alone
    assert alone.status_code == 200 and alone.content == exported("ical/health.ics")
    Workspace(store=DatabaseStore()).update(seed_district(), YEAR - 1)
    both = Client().get(f"/feeds/{token}.ics")
    assert both.status_code == 200
    calendar = icalendar.Calendar.from_ical(both.content)
    years = sorted({e.decoded("DTSTART").year for e in calendar.walk("VEVENT")})
    assert years == [YEAR - 1, YEAR] and len(calendar.walk("VTIMEZONE")) == 1
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    january = [e for e in calendar.walk("VEVENT") if e.decoded("DTSTART").year == YEAR]
    assert {str(e["UID"]) for e in january} == {
        str(e["UID"]) for e in icalendar.Calendar.from_ical(exported("ical/health.ics")).walk("VEVENT")}
    previous = Client().get(f"/feeds/{token}.ics?year={YEAR - 1}").content
    assert {e.decoded("DTSTART").year for e in icalendar.Calendar.from_ical(previous).walk("VEVENT")} == {YEAR - 1}
    assert Client().get(f"/feeds/{token}.ics", HTTP_IF_NONE_MATCH=both["ETag"]).status_code == 304
    monkeypatch.setattr(feeds, "district_today", lambda district: dt.date(YEAR + 1, 3, 1))
    assert Client().get(f"/feeds/{token}.ics").status_code == 404


def test_a_refused_feed_request_is_405_and_its_secret_is_not_logged(database: str, users: dict[str, Any],
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    """A feed's address is its credential, and Django's log names a refused request's path: a POST
    (with CSRF checked, as a browser's) is 405 ``Allow: GET, HEAD`` — not CSRF's 403 — and a mistyped
    or revoked address 404; what the log got names each by its first 12 characters only."""
    import logging

    from django.test import Client

    token = Client().post(FEEDS.format("health"), **bearer(users["admin"])).json()["token"]
    with caplog.at_level(logging.WARNING):
        for method in ("post", "put", "delete", "patch"):
            refused = getattr(Client(enforce_csrf_checks=True), method)(f"/feeds/{token}.ics")
            assert refused.status_code == 405 and refused["Allow"] == "GET, HEAD", (method, refused.content)
        assert Client(enforce_csrf_checks=True).post("/feeds/lsf_unknown-and-long-enough.ics").status_code == 405
        assert Client().get(f"/feeds/{token}x.ics").status_code == 404
        assert Client().get(f"/feeds/{token}.ics?year=abcd").status_code == 404
        assert Client().head(f"/feeds/{token}.ics?year={YEAR}").status_code == 200
    logged = [r.getMessage() for r in caplog.records]
    assert f"Method Not Allowed: /feeds/{token[:12]}….ics" in logged, logged
    assert f"Not Found: /feeds/{token[:12]}….ics" in logged, logged
    assert "Method Not Allowed: /feeds/lsf_unknown-….ics" in logged, logged
    assert token[:13] not in "\n".join(logged) and caplog.text.count(token[:12]) >= 5


def test_a_served_feeds_secret_is_not_in_what_the_server_prints(tmp_path: Any) -> None:
    """`liaison serve` for real: a feed made, then asked with POST (405), a mistyped address and a
    year that is none (404); what the server printed names the requests' paths, each secret cut to
    its first 12 characters."""
    import urllib.request

    from web_serve import address, api_token, get, post, start, stop, wait_healthy

    process, lines = start(tmp_path)
    try:
        base = address(lines)
        wait_healthy(base)
        auth = {"Authorization": f"Bearer {api_token(tmp_path, {}, 'feeds')}", "Content-Type": "application/json"}
        opener = urllib.request.build_opener()
        status, _, body = post(opener, base + FEEDS.format("health"), b"{}", auth)
        assert status == 201, body
        token = json.loads(body)["token"]
        status, headers, _ = post(opener, f"{base}/feeds/{token}.ics", b"x", {"Content-Type": "text/plain"})
        assert status == 405 and headers["Allow"] == "GET, HEAD"
        assert get(opener, f"{base}/feeds/{token}x.ics")[0] == 404
        assert get(opener, f"{base}/feeds/{token}.ics?year=abcd")[0] == 404
    finally:
        stop(process)
    assert process.stdout is not None
    printed = "\n".join(lines) + process.stdout.read()
    assert f"Method Not Allowed: /feeds/{token[:12]}….ics" in printed, printed
    assert f"Not Found: /feeds/{token[:12]}….ics" in printed, printed
    assert token[:13] not in printed, printed
