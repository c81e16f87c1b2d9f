"""An ETag names one body: the findings' covers their day (``as_of``) and the caller's view — and
the report's and a body's findings', made in the one place, theirs —, the plan's the caller's view,
so If-None-Match with the tag of another day or another caller's view is never 304. The bodies do
not depend on the language (so their tags need not): checked here too."""

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


def test_the_report_and_a_bodys_findings_have_the_findings_etag(own_district: dict[str, Any]) -> None:
    """The report and one body's findings answer with an ETag made as the findings' (the year's
    revision, the state of its records, the day; and the body): If-None-Match with it is 304 until a
    record changes what they are made of, never for another day or another body."""
    from django.test import Client

    code, tokens = own_district["code"], own_district["tokens"]
    year = f"/api/v1/districts/{code}/years/{YEAR}"
    admin = tokens["administrator"]
    for path in (f"{year}/report", f"{year}/organisations/{CLERK_OF}/findings"):
        june = _get(f"{path}?as_of={YEAR}-06-30", admin)
        assert june.status_code == 200 and june["ETag"], path
        seen = _get(f"{path}?as_of={YEAR}-06-30", admin, HTTP_IF_NONE_MATCH=june["ETag"])
        assert seen.status_code == 304 and seen["ETag"] == june["ETag"] and seen.content == b""
        december = _get(f"{path}?as_of={YEAR}-12-31", admin, HTTP_IF_NONE_MATCH=june["ETag"])
        assert december.status_code == 200 and december["ETag"] != june["ETag"]
        # the day is in the tag when none is asked for too (the default day, today's, moves)
        assert _get(path, admin)["ETag"] not in (june["ETag"], december["ETag"])
    other = _get(f"{year}/organisations/{OFFICER_OF}/findings?as_of={YEAR}-06-30", admin)
    mine = _get(f"{year}/organisations/{CLERK_OF}/findings?as_of={YEAR}-06-30", admin)
    assert other["ETag"] != mine["ETag"]
    assert _get(f"{year}/organisations/{OFFICER_OF}/findings?as_of={YEAR}-06-30", admin,
                HTTP_IF_NONE_MATCH=mine["ETag"]).status_code == 200
    report = _get(f"{year}/report?as_of={YEAR}-12-31", admin)
    held = Client().post(f"{year}/records/engagements", data=json.dumps(
        {"kind": "joint_meeting", "date": f"{YEAR}-08-16", "host": CLERK_OF, "attended": [OFFICER_OF]}),
        content_type="application/json", **tokens["clerk"])
    assert held.status_code == 201, held.content
    for path, before in ((f"{year}/report?as_of={YEAR}-12-31", report),
                         (f"{year}/organisations/{CLERK_OF}/findings?as_of={YEAR}-06-30", mine)):
        after = _get(path, admin, HTTP_IF_NONE_MATCH=before["ETag"])
        assert after.status_code == 200 and after["ETag"] != before["ETag"], path


def test_the_bodies_do_not_depend_on_the_language(own_district: dict[str, Any]) -> None:
    """Nor does their Content-Language: both (zh-CN, en), as the JSON carries both."""
    code, tokens = own_district["code"], own_district["tokens"]
    for path in (f"/api/v1/districts/{code}/years/{YEAR}/findings?as_of={YEAR}-06-30",
                 f"/api/v1/districts/{code}/years/{YEAR}/plan",
                 f"/api/v1/districts/{code}/years/{YEAR}/report?as_of={YEAR}-06-30",
                 f"/api/v1/districts/{code}/years/{YEAR}/organisations/{CLERK_OF}/findings?as_of={YEAR}-06-30"):
        for role in ("administrator", "clerk"):
            zh, en = (_get(path, tokens[role], HTTP_ACCEPT_LANGUAGE=lang) for lang in ("zh-CN", "en"))
            if "/report" in path and role == "clerk":  # the whole district's: refused, in the asked language
                assert (zh.status_code, zh["Content-Language"], en["Content-Language"]) == (403, "zh-CN", "en")
                continue
            assert json.loads(zh.content) == json.loads(en.content) and zh["ETag"] == en["ETag"], (path, role)
            assert zh["Content-Language"] == en["Content-Language"] == "zh-CN, en", (path, role)
