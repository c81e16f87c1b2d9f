"""A body's to-do list through the API (``/organisations/{org}/due``): who may read whose, and the JSON
against the schema generated from the library's document (the same list the library makes)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from web_db import CLERK_OF, OFFICER_OF, ROLES, YEAR

#: Each test on SQLite and, under .ci/with-postgres, on PostgreSQL (conftest.pytest_generate_tests).
ON_POSTGRES_TOO = True

#: The body each role's "own" list is: the clerk's department, the officer's branch; the district-wide
#: roles ask for the clerk's department (any body of the district is theirs to read).
OWN = {"clerk": CLERK_OF, "liaison_officer": OFFICER_OF}
DAY = "2027-03-10"


def _due(auth: dict[str, str], district: str, organisation: str, as_of: str | None = DAY) -> Any:
    from django.test import Client

    query = f"?as_of={as_of}" if as_of else ""
    return Client().get(f"/api/v1/districts/{district}/organisations/{organisation}/due{query}", **auth)


def expected(role: str, whose: str) -> int:
    """From the roles as the issue describes them: a clerk or a liaison officer reads its own body's
    list; the administrator and the auditor any body's of their district; the city auditor every
    district's; another district is not shown to exist to anyone else."""
    if whose == "another district's":
        return 200 if role == "city_auditor" else 404
    if role in ("clerk", "liaison_officer"):
        return 200 if whose == "own" else 403
    return 200


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_whose_list(two_districts: dict[str, Any], role: str) -> None:
    own = OWN.get(role, CLERK_OF)
    for whose, district, organisation in (("own", "seed", own), ("another body's", "seed", "taiwan-affairs"),
                                          ("another district's", "other", own)):
        response = _due(two_districts[role], district, organisation)
        assert response.status_code == expected(role, whose), (role, whose, response.content)
        body = response.json()
        if response.status_code == 200:
            assert body["body"]["id"] == organisation and all(i["provision"] for i in body["items"])
        else:
            assert body["kind"] in ("Forbidden", "NotFound") and body["message_zh"]


def test_the_list_is_the_librarys_in_the_generated_schema(two_districts: dict[str, Any]) -> None:
    from liaison.formats.district import seed_district
    from liaison.formats.documents import due_document, to_json
    from liaison.law.records import Records
    from liaison.year.due import due_list
    from liaison_web.api import DueModel
    from liaison_web.store import DatabaseStore

    seed = seed_district()
    stored = DatabaseStore().load(seed, YEAR)
    assert stored is not None
    for role, organisation in (("clerk", CLERK_OF), ("liaison_officer", OFFICER_OF)):
        body = _due(two_districts[role], "seed", organisation).json()
        parsed = DueModel.model_validate(body)
        assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == body
        made = due_list(seed, stored.state.plan, Records(district_id="seed"), body=organisation,
                        as_of=dt.date.fromisoformat(DAY))
        assert body == json.loads(to_json(due_document(made, seed)))
        assert any(i["kind"] == "date_to_agree" for i in body["items"])
    with pytest.raises(ValueError):
        DueModel.model_validate({**body, "unknown": 1})


def test_without_a_day_it_answers_for_today_in_the_districts_time_zone(two_districts: dict[str, Any]) -> None:
    from zoneinfo import ZoneInfo

    from liaison.formats.district import seed_district

    today = dt.datetime.now(ZoneInfo(seed_district().info.timezone)).date()
    response = _due(two_districts["administrator"], "seed", CLERK_OF, as_of=None)
    if today.year == YEAR:
        assert response.status_code == 200 and response.json()["as_of"] == today.isoformat()
    else:  # the tests plan only 2027: another year has no plan, said so in the error shape
        assert response.status_code == 404 and str(today.year) in response.json()["message"]


def test_marking_a_meeting_held_takes_it_off_the_hosts_list(two_districts: dict[str, Any]) -> None:
    from django.test import Client

    from liaison.formats.district import seed_district
    from liaison.year.engagements import Status
    from liaison_web.store import DatabaseStore

    stored = DatabaseStore().load(seed_district(), YEAR)
    assert stored is not None
    mine = [e for e in stored.state.plan.engagements if e.host == CLERK_OF and e.status == Status.PROPOSED]
    e = min(mine, key=lambda x: x.date)
    after = (e.date + dt.timedelta(days=2)).isoformat()
    auth = two_districts["clerk"]
    listed = {i["ref"] for i in _due(auth, "seed", CLERK_OF, after).json()["items"] if i["kind"] == "record_missing"}
    assert e.id in listed
    etag = DatabaseStore().current(seed_district(), YEAR)
    held = Client().post(f"/api/v1/districts/seed/years/{YEAR}/engagements/{e.id}/held",
                         data=json.dumps({"force": True}), content_type="application/json",
                         HTTP_IF_MATCH=f'"{etag}"', **auth)
    assert held.status_code == 200, held.content
    listed = {i["ref"] for i in _due(auth, "seed", CLERK_OF, after).json()["items"] if i["kind"] == "record_missing"}
    assert e.id not in listed


def test_the_openapi_document_names_the_list_and_its_schema(database: str) -> None:
    from django.test import Client

    document = Client().get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/districts/{district}/organisations/{organisation}/due"]["get"]
    assert {"200", "401", "403", "404"} <= set(operation["responses"])
    assert "as_of" in {p["name"] for p in operation["parameters"]}
    schemas = document["components"]["schemas"]
    assert "Due" in schemas and "DueItem" in schemas and "OrgRef" not in schemas
