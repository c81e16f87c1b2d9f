"""The district's whole audit log through the API (`GET …/districts/{d}/audit`), paged by
``since_id`` / ``limit`` as JSON or JSON lines, for the district-wide readers only; and the same
paging on a webhook's deliveries and on the year's records."""

from __future__ import annotations

import json
from typing import Any

import pytest
from web_db import CLERK_OF, OFFICER_OF, ROLES, YEAR

ON_POSTGRES_TOO = True  # the HTTP tests run on PostgreSQL too (.ci/with-postgres)


def _get(path: str, auth: dict[str, str]) -> Any:
    from django.test import Client

    return Client().get(path, **auth)


def _post(path: str, body: Any, auth: dict[str, str]) -> Any:
    from django.test import Client

    return Client().post(path, data=json.dumps(body), content_type="application/json", **auth)


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_districts_whole_log(own_district: dict[str, Any], role: str) -> None:
    """The administrator and the auditor of the district, the city auditor in any: 200; a body's
    role (its own objects' logs are its reach): 403; another district: 404 but for the city auditor."""
    code, other, tokens = own_district["code"], own_district["other"], own_district["tokens"]
    own = _get(f"/api/v1/districts/{code}/audit", tokens[role]).status_code
    elsewhere = _get(f"/api/v1/districts/{other}/audit", tokens[role]).status_code
    wanted = {"administrator": (200, 404), "auditor": (200, 404), "city_auditor": (200, 200),
              "clerk": (403, 404), "liaison_officer": (403, 404)}[role]
    assert (own, elsewhere) == wanted


def test_the_log_is_paged_and_holds_the_services_own_entries(own_district: dict[str, Any]) -> None:
    """A webhook and an API token made through the API are in the district's log beside the rest;
    pages of 2 follow each other by ``next`` (and ``Link``) with nothing twice and nothing left out;
    the JSON lines are the same entries."""
    code, tokens = own_district["code"], own_district["tokens"]
    admin, auditor = tokens["administrator"], tokens["auditor"]
    from django.contrib.auth import get_user_model

    from liaison_web import models
    from liaison_web.audit import record
    from liaison_web.tokens import make_token

    hook = _post(f"/api/v1/districts/{code}/webhooks", {"url": "https://oa.example.gov.cn/hook"}, admin)
    assert hook.status_code == 201, hook.content
    user = get_user_model()._default_manager.get(username=f"clerk-{code}")
    manager = {"HTTP_AUTHORIZATION": f"Bearer {make_token(f'administrator-{code}', 'tokens', ('read', 'tokens'))}"}
    made = _post(f"/api/v1/districts/{code}/tokens", {"user": user.username, "name": "OA"}, manager)
    assert made.status_code == 201, made.content
    record("import-year", "year", f"{code}/{YEAR}", district=code, after={"revision": "r"})
    wanted = list(models.AuditEntry.objects.filter(district__code=code).order_by("id").values_list("id", flat=True))
    assert len(wanted) >= 3
    seen: list[int] = []
    address: str | None = f"/api/v1/districts/{code}/audit?limit=2"
    while address is not None:
        page = _get(address, auditor)
        assert page.status_code == 200, page.content
        body = page.json()
        assert len(body["entries"]) <= 2
        seen += [e["id"] for e in body["entries"]]
        assert (page.headers.get("Link") is None) == (body["next"] is None)
        if body["next"] is not None:
            assert page.headers["Link"] == f'<{body["next"]}>; rel="next"' and "limit=2" in body["next"]
        address = body["next"]
    assert seen == wanted
    logged = _get(f"/api/v1/districts/{code}/audit", auditor).json()["entries"]
    kinds = {(e["action"], e["object_type"]) for e in logged}
    assert {("create", "webhook"), ("create", "api-token"), ("import-year", "year")} <= kinds
    later = _get(f"/api/v1/districts/{code}/audit?since_id={wanted[0]}&limit=1000", auditor).json()
    assert [e["id"] for e in later["entries"]] == wanted[1:] and later["next"] is None
    lines = _get(f"/api/v1/districts/{code}/audit?format=jsonl&limit=2", auditor)
    assert lines.status_code == 200 and lines["Content-Type"].startswith("application/x-ndjson")
    assert [json.loads(line)["id"] for line in lines.content.decode().splitlines()] == wanted[:2]
    assert f"since_id={wanted[1]}" in lines.headers["Link"]
    for bad in ("limit=0", "limit=1001", "since_id=-1", "format=csv"):
        assert _get(f"/api/v1/districts/{code}/audit?{bad}", auditor).status_code == 422


def test_deliveries_and_records_are_paged_by_id(own_district: dict[str, Any]) -> None:
    """A webhook's deliveries and the year's records in pages: ``limit`` the most, ``since_id`` after
    the last seen, the ``Link`` header the next page; without them, the whole list as before."""
    from liaison_web import webhooks

    code, admin = own_district["code"], own_district["tokens"]["administrator"]
    hook = _post(f"/api/v1/districts/{code}/webhooks", {"url": "https://oa.example.gov.cn/hook"}, admin).json()
    for _ in range(3):
        webhooks.enqueue(code, "engagement.confirmed", {"id": "x", "host": CLERK_OF, "participants": [CLERK_OF]})
    base = f"/api/v1/districts/{code}/webhooks/{hook['id']}/deliveries"
    every = [d["id"] for d in _get(base, admin).json()]
    assert len(every) == 3
    first = _get(f"{base}?limit=2", admin)
    assert [d["id"] for d in first.json()] == every[:2] and f"since_id={every[1]}" in first.headers["Link"]
    rest = _get(first.headers["Link"][1:].split(">", 1)[0], admin)
    assert [d["id"] for d in rest.json()] == every[2:] and "Link" not in rest.headers

    years = f"/api/v1/districts/{code}/years/{YEAR}/records"
    for n in (1, 2, 3):
        made = _post(f"{years}/research_results", {"id": f"R-{n}", "title": f"调研报告{n}", "submitted_by": OFFICER_OF,
                                                   "department": CLERK_OF, "received": f"{YEAR}-03-02"}, admin)
        assert made.status_code == 201, made.content
    keys = [r["key"] for r in _get(years, admin).json()]
    assert len(keys) == 3
    page = _get(f"{years}?limit=2", admin)
    assert [r["key"] for r in page.json()] == keys[:2]
    after = _get(page.headers["Link"][1:].split(">", 1)[0], admin)
    assert [r["key"] for r in after.json()] == keys[2:]
    # after the last page: where to ask next, which answers nothing until a record changes
    quiet = _get(after.headers["Link"][1:].split(">", 1)[0], admin)
    assert quiet.status_code == 200 and quiet.json() == []
