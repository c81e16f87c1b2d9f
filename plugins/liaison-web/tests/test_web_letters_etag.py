"""The letters list's ETag (``GET …/letters``): the year's revision, then after a ``+`` a digest of
the day, the state of the year's records, the district's version and the caller's view — so a tag
never answers 304 for another day, another body's filtered list or a list the records have changed;
``If-None-Match`` with the current tag answers 304 without the letters being made; and the tag, as
``If-Match`` of an issue, names the revision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from web_db import OFFICER_OF, YEAR, api_client, api_post

#: the HTTP tests run on PostgreSQL too under .ci/with-postgres (conftest)
ON_POSTGRES_TOO = True

DAY = dt.date(YEAR, 4, 10)
RESEARCH = {"id": "调研〔2027〕8", "title": "关于养老服务的调研报告", "submitted_by": OFFICER_OF,
            "department": "health", "received": f"{YEAR}-04-01"}


@pytest.fixture
def loaded_plugins() -> str:
    return "web,docx"


def test_the_letters_etag_is_the_revision_and_the_view_and_answers_304_without_making_the_letters(
        own_district: dict[str, Any]) -> None:
    from liaison_web import outputs

    tokens = own_district["tokens"]
    admin, clerk = tokens["administrator"], tokens["clerk"]
    base = f"/api/v1/districts/{own_district['code']}/years/{YEAR}"
    listed = f"{base}/letters?day={DAY}"

    def get(path: str, auth: dict[str, str], tag: str | None = None) -> Any:
        headers = {"HTTP_IF_NONE_MATCH": f'"{tag}"'} if tag else {}
        return api_client().get(path, **headers, **auth)

    revision = get(f"{base}/plan", admin)["ETag"].strip('"')
    first = get(listed, admin)
    assert first.status_code == 200
    tag = first["ETag"].strip('"')
    assert tag.partition("+")[0] == revision == first.json()["revision"]

    made = outputs.renders
    again = get(listed, admin, tag)
    assert (again.status_code, again["ETag"].strip('"')) == (304, tag)
    assert outputs.renders == made  # nothing was rendered for the 304
    assert api_client().get(listed, HTTP_IF_NONE_MATCH=f'W/"{tag}"', **admin).status_code == 304

    # another day, another caller's view: another tag, each list in full for the other's tag
    other_day = get(f"{base}/letters?day={DAY + dt.timedelta(days=1)}", admin, tag)
    assert other_day.status_code == 200 and other_day["ETag"].strip('"') != tag
    seen_by_clerk = get(listed, clerk, tag)
    assert seen_by_clerk.status_code == 200
    clerks = seen_by_clerk["ETag"].strip('"')
    assert clerks != tag and clerks.partition("+")[0] == revision
    assert get(listed, clerk, clerks).status_code == 304
    assert len(seen_by_clerk.json()["letters"]) < len(first.json()["letters"])  # filtered: the clerk's own

    # a record kept changes what the letters are made of: the old tag is answered in full
    kept = api_post(f"{base}/records/research_results", RESEARCH, tokens["liaison_officer"])
    assert kept.status_code == 201, kept.content
    after_record = get(listed, admin, tag)
    assert after_record.status_code == 200
    assert after_record["ETag"].strip('"') != tag and after_record["ETag"].strip('"').partition("+")[0] == revision

    # a change of the plan: a new revision heads the tag
    engagement = get(f"{base}/plan", admin).json()["engagements"][0]
    one = get(f"{base}/engagements/{engagement['id']}", admin)
    moved = api_post(f"{base}/engagements/{engagement['id']}/confirm", {}, admin, one["ETag"].strip('"'))
    assert moved.status_code == 200, moved.content
    now = get(f"{base}/plan", admin)["ETag"].strip('"')
    changed = get(listed, admin, after_record["ETag"].strip('"'))
    assert changed.status_code == 200
    assert changed["ETag"].strip('"').partition("+")[0] == now != revision

    # as If-Match of an issue, the list's tag names the revision
    issued = api_post(f"{base}/letters/issue", {"day": DAY.isoformat(), "force": True}, admin,
                      changed["ETag"].strip('"'))
    assert issued.status_code == 200, issued.content
