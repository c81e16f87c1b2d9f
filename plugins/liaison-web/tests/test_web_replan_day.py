"""The service re-plans a year on today in the district (#24 follow-up): a change made through the
API (the group commit's ``Workspace.update_each``) that takes the half-day of a proposed engagement
places it afresh on today or after, never on a day gone by."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from web_db import YEAR, api_client

#: the HTTP tests run on PostgreSQL too under .ci/with-postgres (conftest)
ON_POSTGRES_TOO = True


def test_a_proposed_visit_moved_out_of_its_half_day_goes_on_today_or_after(own_district: dict[str, Any],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """On 28 December three of the 致公党 branch's visits are moved onto 30 December 14:30 and both
    half-days of the 31st, where the development and reform bureau's visit to it stood and what
    came after it: that visit goes on the 28th or the 29th, not back in January."""
    from liaison_web import clock

    today = dt.date(YEAR, 12, 28)
    monkeypatch.setattr(clock, "today_in", lambda zone: today)
    admin = own_district["tokens"]["administrator"]
    base = f"/api/v1/districts/{own_district['code']}/years/{YEAR}/engagements"
    visit = f"{YEAR}/visit/dev-reform/czgp/1"

    def read(engagement: str) -> tuple[dict[str, Any], str]:
        got = api_client().get(f"{base}/{engagement}", **admin)
        assert got.status_code == 200, got.content
        return got.json(), got["ETag"].strip('"')

    assert (read(visit)[0]["date"], read(visit)[0]["start"]) == (f"{YEAR}-12-30", "14:30")
    for other, day, start in (("finance", 30, "14:30"), ("environment", 31, "09:00"), ("civil-affairs", 31, "14:30")):
        moved = f"{YEAR}/visit/{other}/czgp/1"
        made = api_client().post(f"{base}/{moved}/move", data=json.dumps({"date": f"{YEAR}-12-{day}", "start": start}),
                                 content_type="application/json", HTTP_IF_MATCH=f'"{read(moved)[1]}"', **admin)
        assert made.status_code == 200, made.content
    now = read(visit)[0]
    assert now["status"] == "proposed" and today.isoformat() <= now["date"] < f"{YEAR}-12-30"
