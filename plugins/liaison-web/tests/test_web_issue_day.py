"""Issuing is irrevocable, so the service guards its day as the command does (``--force``): a day
after today in the district's time zone, or before an earlier issue's day, is refused — 409 in the
error shape, in both languages, nothing issued — unless ``force``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from web_db import YEAR


@pytest.fixture
def loaded_plugins() -> str:
    return "web,docx"


def _issue(own: dict[str, Any], day: dt.date, **more: Any) -> Any:
    from django.test import Client

    from liaison_web.store import DatabaseStore

    current = DatabaseStore().current(own["district"], YEAR)
    return Client().post(f"/api/v1/districts/{own['code']}/years/{YEAR}/letters/issue",
                         json.dumps({"day": day.isoformat(), **more}), content_type="application/json",
                         HTTP_IF_MATCH=f'"{current}"', **own["tokens"]["administrator"])


def _issued(own: dict[str, Any]) -> int:
    from liaison_web.store import DatabaseStore

    stored = DatabaseStore().load(own["district"], YEAR)
    return len(stored.state.letters) if stored is not None else 0


def test_a_day_of_issue_to_come_or_gone_back_is_refused_unless_forced(own_district: dict[str, Any],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison_web import clock

    monkeypatch.setattr(clock, "today_in", lambda zone: dt.date(YEAR, 1, 11))
    ahead = _issue(own_district, dt.date(YEAR, 11, 1))  # a typo for 1 November's 11 January
    assert ahead.status_code == 409, ahead.content
    error = ahead.json()
    assert "2027-11-01" in json.dumps(error, ensure_ascii=False) and "force" in json.dumps(error)
    assert _issued(own_district) == 0
    done = _issue(own_district, dt.date(YEAR, 1, 11))
    assert done.status_code == 200 and done.json()["issued"], done.content
    count = _issued(own_district)
    back = _issue(own_district, dt.date(YEAR, 1, 8))
    assert back.status_code == 409 and "2027-01-11" in json.dumps(back.json(), ensure_ascii=False)
    assert _issued(own_district) == count
    # asked for explicitly, a day ahead goes out (the office dates its letters in advance)
    forced = _issue(own_district, dt.date(YEAR, 3, 1), force=True)
    assert forced.status_code == 200, forced.content
