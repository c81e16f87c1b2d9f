"""A move onto a day gone by (review 25b item 3): nobody agrees to meet on a day that has passed, so
the API and the engagement page refuse it — 409 ``DayGoneBy`` in the library's error shape, both
languages, saying to mark it held on that day or to move it with ``force`` — unless forced; the
held change with its day (a move and held together) takes a past day as it always did. The rule is
the library's (``Plan.move`` with the day of the change), the command's alike (tests/test_plan.py)."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

import pytest
from web_db import YEAR, api_client

#: the HTTP tests run on PostgreSQL too under .ci/with-postgres (conftest)
ON_POSTGRES_TOO = True

TODAY = dt.date(YEAR, 6, 15)
VISIT = f"{YEAR}/visit/dev-reform/czgp/1"  # proposed, for late December


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    from liaison_web import clock

    monkeypatch.setattr(clock, "today_in", lambda zone: TODAY)
    return TODAY


def _read(own: dict[str, Any], engagement: str) -> tuple[dict[str, Any], str]:
    got = api_client().get(f"/api/v1/districts/{own['code']}/years/{YEAR}/engagements/{engagement}",
                           **own["tokens"]["administrator"])
    assert got.status_code == 200, got.content
    return got.json(), got["ETag"]


def _post(own: dict[str, Any], operation: str, body: dict[str, Any], lang: str = "en") -> Any:
    _, tag = _read(own, VISIT)
    return api_client().post(f"/api/v1/districts/{own['code']}/years/{YEAR}/engagements/{VISIT}/{operation}",
                             data=json.dumps(body), content_type="application/json", HTTP_IF_MATCH=tag,
                             HTTP_ACCEPT_LANGUAGE=lang, **own["tokens"]["administrator"])


def test_a_move_onto_a_day_gone_by_is_refused_unless_forced(own_district: dict[str, Any], today: dt.date) -> None:
    before, tag = _read(own_district, VISIT)
    assert before["status"] == "proposed" and before["date"] > today.isoformat()
    past = (today - dt.timedelta(days=14)).isoformat()
    for lang, said in (("en", f"cannot be agreed for {past}: the day is past"),
                       ("zh-CN", f"不能商定在{past}：该日已过")):
        refused = _post(own_district, "move", {"date": past}, lang)
        assert refused.status_code == 409, refused.content
        error = refused.json()
        assert error["kind"] == "DayGoneBy" and said in error["rendered"]
        assert ("mark it held" in error["rendered"]) if lang == "en" else ("标为已召开" in error["rendered"])
    assert _read(own_district, VISIT) == (before, tag)  # nothing changed
    # the day of the change itself is not gone by
    on_today = _post(own_district, "move", {"date": today.isoformat()})
    assert on_today.status_code == 200 and on_today.json()["date"] == today.isoformat()
    forced = _post(own_district, "move", {"date": past, "force": True})
    assert forced.status_code == 200, forced.content
    assert (forced.json()["date"], forced.json()["status"]) == (past, "agreed")


def test_held_on_a_day_gone_by_takes_that_day(own_district: dict[str, Any], today: dt.date) -> None:
    past = (today - dt.timedelta(days=3)).isoformat()
    held = _post(own_district, "held", {"date": past})
    assert held.status_code == 200, held.content
    assert (held.json()["date"], held.json()["status"]) == (past, "held")


def test_the_engagement_page_shows_the_refusal_with_a_box_to_move_it_all_the_same(
        own_district: dict[str, Any], today: dt.date) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    code = own_district["code"]
    page = Client()
    page.force_login(get_user_model()._default_manager.get(username=f"administrator-{code}"))
    url = f"/engagement/{code}/{YEAR}/{VISIT}/"
    before, tag = _read(own_district, VISIT)
    past = (today - dt.timedelta(days=20)).isoformat()
    form = {"action": "move", "date": past, "revision": tag.strip('"')}
    refused = page.post(url, form)
    text = html.unescape(refused.content.decode())
    assert refused.status_code == 409, text
    assert f"不能商定在{past}：该日已过" in text and "请在下方“标记为已召开”中填写该召开日期" in text
    assert 'id="move-past"' in text and "日期已过也照样改到该日" in text
    assert f'id="move-date" required min="{YEAR}-01-01" max="{YEAR}-12-31" value="{past}"' in text
    assert _read(own_district, VISIT) == (before, tag)
    assert 'id="move-past"' not in html.unescape(page.get(url).content.decode())  # offered beside the refusal only
    done = page.post(url, {**form, "force": "on"})
    assert done.status_code == 302, done.content
    assert _read(own_district, VISIT)[0]["date"] == past
