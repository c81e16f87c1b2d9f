"""An ETag names one body: the findings' covers their day (``as_of``) and the caller's view, the
plan's the caller's view, so If-None-Match with the tag of another day or another caller's view is
never 304. The bodies do not depend on the language (so their tags need not): checked here too."""

from __future__ import annotations

import json
from typing import Any

from web_db import CLERK_OF, OFFICER_OF, YEAR

#: Each test on SQLite and, under .ci/with-postgres, on PostgreSQL (conftest.pytest_generate_tests).
ON_POSTGRES_TOO = True


def _get(path: str, auth: dict[str, str], **headers: str) -> Any:
    from django.test import Client

    return Client().get(path, **auth, **headers)


def test_the_findings_etag_covers_the_day_and_the_callers_view(own_district: dict[str, Any]) -> None:
    code, tokens = own_district["code"], own_district["tokens"]
    path = f"/api/v1/districts/{code}/years/{YEAR}/findings"
    admin = tokens["administrator"]
    march, december = _get(f"{path}?as_of={YEAR}-03-01", admin), _get(f"{path}?as_of={YEAR}-12-31", admin)
    assert march.status_code == december.status_code == 200
    assert march.json() != december.json() and march["ETag"] != december["ETag"]
    # March's tag does not make December's answer a 304
    again = _get(f"{path}?as_of={YEAR}-12-31", admin, HTTP_IF_NONE_MATCH=march["ETag"])
    assert again.status_code == 200 and again.json() == december.json()
    assert _get(f"{path}?as_of={YEAR}-12-31", admin, HTTP_IF_NONE_MATCH=december["ETag"]).status_code == 304

    clerk = _get(f"{path}?as_of={YEAR}-12-31", tokens["clerk"])
    assert clerk.status_code == 200 and clerk.json() != december.json() and clerk["ETag"] != december["ETag"]
    seen = _get(f"{path}?as_of={YEAR}-12-31", tokens["clerk"], HTTP_IF_NONE_MATCH=december["ETag"])
    assert seen.status_code == 200 and seen.json() == clerk.json()
    officer = _get(f"{path}?as_of={YEAR}-12-31", tokens["liaison_officer"])
    assert officer["ETag"] not in (clerk["ETag"], december["ETag"])
    # an auditor reads the whole, as the administrator: the same body, the same tag
    assert _get(f"{path}?as_of={YEAR}-12-31", tokens["auditor"])["ETag"] == december["ETag"]


def test_the_plans_etag_covers_the_callers_view_and_still_guards_a_change(own_district: dict[str, Any]) -> None:
    code, tokens = own_district["code"], own_district["tokens"]
    path = f"/api/v1/districts/{code}/years/{YEAR}/plan"
    whole = _get(path, tokens["administrator"])
    mine = _get(path, tokens["liaison_officer"])
    assert len(mine.json()["engagements"]) < len(whole.json()["engagements"]) and mine["ETag"] != whole["ETag"]
    assert _get(path, tokens["liaison_officer"], HTTP_IF_NONE_MATCH=whole["ETag"]).status_code == 200
    assert _get(path, tokens["liaison_officer"], HTTP_IF_NONE_MATCH=mine["ETag"]).status_code == 304
    assert _get(path, tokens["clerk"])["ETag"] not in (mine["ETag"], whole["ETag"])
    # the filtered plan's tag names the year's revision: a change made on it is taken
    from django.test import Client

    meeting = next(e for e in mine.json()["engagements"]
                   if e["id"] == f"{YEAR}/joint_meeting/{CLERK_OF}" and OFFICER_OF in e["participants"])
    confirmed = Client().post(f"/api/v1/districts/{code}/years/{YEAR}/engagements/{meeting['id']}/confirm",
                              data="{}", content_type="application/json", HTTP_IF_MATCH=mine["ETag"],
                              **tokens["liaison_officer"])
    assert confirmed.status_code == 200, confirmed.content


def test_the_bodies_do_not_depend_on_the_language(own_district: dict[str, Any]) -> None:
    code, tokens = own_district["code"], own_district["tokens"]
    for path in (f"/api/v1/districts/{code}/years/{YEAR}/findings?as_of={YEAR}-06-30",
                 f"/api/v1/districts/{code}/years/{YEAR}/plan"):
        for role in ("administrator", "clerk"):
            zh, en = (_get(path, tokens[role], HTTP_ACCEPT_LANGUAGE=lang) for lang in ("zh-CN", "en"))
            assert json.loads(zh.content) == json.loads(en.content) and zh["ETag"] == en["ETag"], (path, role)
