"""The authorisation matrix of the service's own operations — the district's webhooks (read them,
manage them), an organisation's calendar feed and publishing the district's year to CalDAV — every
role × operation × an object of its own body, of another body of its district and of another
district → the status the issue's roles give (written here, not read from
``liaison_web.access.TABLE``), a refusal writing no audit entry."""

from __future__ import annotations

import json
from typing import Any

import pytest
from web_db import CLERK_OF, OFFICER_OF, ROLES, YEAR

OPERATIONS = ("webhooks", "manage_webhooks", "feed", "publish")
WHOSE = ("own", "another body's", "another district's")


@pytest.fixture(autouse=True)
def no_webhooks_left() -> Any:
    yield
    from liaison_web import models

    models.Webhook.objects.all().delete()


def expected(role: str, operation: str, whose: str) -> int:
    """The administrator (统战部 / 政府办) manages the district's webhooks and every body's feed, and
    publishes the year (allowed, it gets as far as the CalDAV server: none is configured here, 409); a
    department's clerk and a party's or the ICF's liaison officer make their own body's feed URL; an
    auditor reads (the webhooks and their log), the city auditor in every district; another
    district is not shown to exist (404) but to the city auditor."""
    made = {"webhooks": 200, "publish": 409}.get(operation, 201)
    if whose == "another district's":
        if role == "city_auditor":
            return 200 if operation == "webhooks" else 403
        return 404
    if role == "administrator":
        return made
    if role in ("clerk", "liaison_officer"):
        return made if operation == "feed" and whose == "own" else 403
    if role in ("auditor", "city_auditor"):
        return 200 if operation == "webhooks" else 403
    raise AssertionError(role)


def _call(auth: dict[str, str], role: str, operation: str, whose: str) -> Any:
    from django.test import Client

    district = "other" if whose == "another district's" else "seed"
    own = {"clerk": CLERK_OF, "liaison_officer": OFFICER_OF}.get(role, CLERK_OF)
    organisation = "taiwan-affairs" if whose == "another body's" else own
    if operation == "webhooks":
        return Client().get(f"/api/v1/districts/{district}/webhooks", **auth)
    if operation == "manage_webhooks":
        return Client().post(f"/api/v1/districts/{district}/webhooks", data=json.dumps(
            {"url": "https://oa.example.gov.cn/hook", "organisation": organisation}),
            content_type="application/json", **auth)
    if operation == "publish":
        from django.test import override_settings

        with override_settings(LIAISON_CALDAV={}):  # whatever the environment configures
            return Client().post(f"/api/v1/districts/{district}/years/{YEAR}/publish/caldav", data="{}",
                                 content_type="application/json", **auth)
    return Client().post(f"/api/v1/districts/{district}/organisations/{organisation}/feeds", **auth)


@pytest.mark.parametrize("role", ROLES)
def test_the_service_operations_matrix(two_districts: dict[str, Any], role: str) -> None:
    from liaison_web import models

    got, wanted = {}, {}
    for whose in WHOSE:
        for operation in OPERATIONS:
            entries = models.AuditEntry.objects.count()
            response = _call(two_districts[role], role, operation, whose)
            got[(operation, whose)] = response.status_code
            wanted[(operation, whose)] = expected(role, operation, whose)
            if response.status_code >= 400:
                assert response.json()["kind"] in ("Forbidden", "NotFound", "NotConfigured")
                assert response.json()["message_zh"] and models.AuditEntry.objects.count() == entries
            elif operation != "webhooks":
                assert models.AuditEntry.objects.count() == entries + 1
    assert got == wanted


def test_the_table_gives_the_service_operations_as_the_roles_say() -> None:
    from liaison_web import access

    # the API tokens' two have their matrix in test_web_tokens.py
    assert set(access.SERVICE_OPERATIONS) == {*OPERATIONS, "tokens", "manage_tokens"}
    for role in ROLES:
        member = access.Member(role, None if role == "city_auditor" else "seed",
                               {"clerk": CLERK_OF, "liaison_officer": OFFICER_OF}.get(role, ""))
        for whose in ("own", "another body's"):
            organisation = member.organisation or CLERK_OF if whose == "own" else "taiwan-affairs"
            for operation in OPERATIONS:
                decided = access.decide([member], operation, "seed", {
                    "host": organisation if operation == "feed" else "",
                    "participants": [organisation] if operation == "feed" else []})
                status = expected(role, operation, whose)
                assert decided.value == (200 if status in (201, 409) else status), (role, operation, whose)


def test_a_token_without_write_may_not_manage(two_districts: dict[str, Any], users: dict[str, Any]) -> None:
    from django.test import Client

    from liaison_web.tokens import make_token

    reader = {"HTTP_AUTHORIZATION": f"Bearer {make_token(users['admin'].username, 'r', ('read',))}"}
    assert Client().get("/api/v1/districts/seed/webhooks", **reader).status_code == 200
    assert Client().post("/api/v1/districts/seed/webhooks", data='{"url": "https://x.cn/"}',
                         content_type="application/json", **reader).status_code == 403
    assert Client().post(f"/api/v1/districts/seed/organisations/{CLERK_OF}/feeds", **reader).status_code == 403
