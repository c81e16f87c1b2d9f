"""The authorisation matrix: every role × every operation × an object of the caller's own body, of
another body of its district and of another district → the status the issue's role descriptions
give, and nothing else.

The expectations are written here from the roles as issue #25 describes them (:func:`expected`),
not read from ``liaison_web.access.TABLE``: the table and the code that applies it are both under
test, so a row changed in the table, a check forgotten in a view or a view that ignores the table
fails here. A last test holds the table to the same descriptions, cell by cell."""

from __future__ import annotations

import json
from typing import Any

import pytest
from web_db import CLERK_OF, OFFICER_OF, ROLES, YEAR

OPERATIONS = ("read", "audit", "confirm", "move", "cancel", "held")
READS = {"read", "audit"}
WHOSE = ("own", "another body's", "another district's")

#: The object each case acts on: (district, engagement). The health department hosts its joint meeting
#: and the cpwdp attends it; neither takes part in the taiwan-affairs one.
OBJECT = {"own": ("seed", "2027/joint_meeting/health"),
          "another body's": ("seed", "2027/joint_meeting/taiwan-affairs"),
          "another district's": ("other", "2027/joint_meeting/health")}


def expected(role: str, operation: str, whose: str) -> int:
    """The status the issue's description of each role gives (independent of the code's table):

    - administrator (统战部 / 政府办): everything in its district;
    - department clerk: its own engagements (those it hosts), nothing of another body;
    - party / ICF liaison officer: confirm the engagements it attends, read its own;
    - auditor: read-only, its district;
    - city auditor: read-only, every district.

    Another district is not shown to exist (404) to anyone but the city auditor; another body's
    engagement in one's own district is refused (403)."""
    if whose == "another district's":
        if role == "city_auditor":
            return 200 if operation in READS else 403
        return 404
    if role == "administrator":
        return 200
    if role == "clerk":
        return 200 if whose == "own" else 403
    if role == "liaison_officer":
        return 200 if whose == "own" and operation in ("read", "audit", "confirm") else 403
    if role in ("auditor", "city_auditor"):
        return 200 if operation in READS else 403
    raise AssertionError(role)


def _call(auth: dict[str, str], operation: str, district: str, engagement: str) -> Any:
    from django.test import Client

    from liaison_web.bootstrap import district as stored
    from liaison_web.store import DatabaseStore

    path = f"/api/v1/districts/{district}/years/{YEAR}/engagements/{engagement}"
    if operation == "read":
        return Client().get(path, **auth)
    if operation == "audit":
        return Client().get(f"{path}/audit", **auth)
    found = stored(district)
    assert found is not None
    etag = DatabaseStore().current(found, YEAR)  # the current revision, whatever the caller may read
    body = {"confirm": {"force": True}, "move": {"date": "2027-09-07", "force": True},
            "cancel": {"reason": "matrix", "force": True}, "held": {"force": True}}[operation]
    return Client().post(f"{path}/{operation}", data=json.dumps(body), content_type="application/json",
                         HTTP_IF_MATCH=f'"{etag}"', **auth)


@pytest.mark.parametrize("role", ROLES)
def test_the_authorisation_matrix(two_districts: dict[str, Any], role: str) -> None:
    from liaison_web import models

    got: dict[tuple[str, str], int] = {}
    for whose in WHOSE:
        for operation in OPERATIONS:
            district, engagement = OBJECT[whose]
            entries = models.AuditEntry.objects.count()
            response = _call(two_districts[role], operation, district, engagement)
            got[(operation, whose)] = response.status_code
            if response.status_code != 200:
                body = response.json()  # a refusal is the error shape, and changes nothing
                assert body["kind"] in ("Forbidden", "NotFound") and body["message_zh"]
                assert models.AuditEntry.objects.count() == entries
            elif operation not in READS:
                assert response.json()["id"] == engagement
                assert models.AuditEntry.objects.count() == entries + 1
    wanted = {(operation, whose): expected(role, operation, whose) for whose in WHOSE for operation in OPERATIONS}
    assert got == wanted


@pytest.mark.parametrize("role", ROLES)
def test_the_plan_shows_each_role_what_it_may_read(two_districts: dict[str, Any], role: str) -> None:
    from django.test import Client

    from liaison.formats.district import seed_district
    from liaison_web.store import DatabaseStore

    stored = DatabaseStore().load(seed_district(), YEAR)
    assert stored is not None
    every = {e.id: e for e in stored.state.plan.engagements}
    response = Client().get(f"/api/v1/districts/seed/years/{YEAR}/plan", **two_districts[role])
    assert response.status_code == 200
    shown = {e["id"] for e in response.json()["engagements"]}
    if role == "clerk":
        assert shown == {i for i, e in every.items() if e.host == CLERK_OF} != set()
    elif role == "liaison_officer":
        assert shown == {i for i, e in every.items() if OFFICER_OF in e.participants} != set()
    else:
        assert shown == set(every)
    other = Client().get(f"/api/v1/districts/other/years/{YEAR}/plan", **two_districts[role])
    assert other.status_code == (200 if role == "city_auditor" else 404)


@pytest.mark.parametrize("role", ROLES)
def test_an_organisations_audit_log_is_its_own_bodys(two_districts: dict[str, Any], role: str) -> None:
    from django.test import Client

    for organisation, own in ((CLERK_OF, role == "clerk"), (OFFICER_OF, role == "liaison_officer"),
                              ("taiwan-affairs", False)):
        response = Client().get(f"/api/v1/districts/seed/organisations/{organisation}/audit", **two_districts[role])
        district_wide = role in ("administrator", "auditor", "city_auditor")
        assert response.status_code == (200 if own or district_wide else 403), (role, organisation)


def test_the_table_is_the_issues_roles() -> None:
    """The one table, cell by cell, against the same descriptions (an object of one's own body, of
    another body in the district): a role or an operation added to the code without its row fails."""
    from liaison_web import access, models

    assert set(access.TABLE) == {r for r, _ in models.ROLES} == set(ROLES)
    assert set(access.OPERATIONS) == set(OPERATIONS)
    for role in ROLES:
        member = access.Member(role, None if role == "city_auditor" else "seed",
                               {"clerk": CLERK_OF, "liaison_officer": OFFICER_OF}.get(role, ""))
        for whose, engagement in (("own", {"host": CLERK_OF, "participants": [CLERK_OF, OFFICER_OF]}),
                                  ("another body's", {"host": "finance", "participants": ["finance", "rcck"]})):
            for operation in OPERATIONS:
                decided = access.decide([member], operation, "seed", engagement)
                assert decided.value == expected(role, operation, whose), (role, operation, whose)


def test_the_docs_matrix_is_the_table() -> None:
    """docs/service.md's matrix (role × operation → reach) is the code's table, cell by cell."""
    from pathlib import Path

    from liaison_web import access

    text = (Path(__file__).parents[3] / "docs" / "service.md").read_text(encoding="utf-8")
    block = text.split("<!-- the matrix: liaison_web.access.TABLE", 1)[1].split("\n\n", 1)[0]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in block.splitlines()[1:]
            if line.startswith("|")]
    header, body = rows[0], rows[2:]
    documented = {row[0]: {op: cell for op, cell in zip(header[1:], row[1:], strict=True) if cell != "—"}
                  for row in body}
    assert documented == {role: {op: reach.value for op, reach in ops.items()} for role, ops in access.TABLE.items()}


def test_a_district_wide_reach_is_what_decide_gives_every_object() -> None:
    """covers_district (the plan and the findings skip the filter with it) is decide's answer for
    every engagement of the district, role by role; never for another district but the city's."""
    from liaison_web import access

    engagements = [{"host": CLERK_OF, "participants": [CLERK_OF, OFFICER_OF]},
                   {"host": "finance", "participants": ["finance", "rcck"]}]
    for role in ROLES:
        member = access.Member(role, None if role == "city_auditor" else "seed",
                               {"clerk": CLERK_OF, "liaison_officer": OFFICER_OF}.get(role, ""))
        for operation in OPERATIONS:
            for district in ("seed", "other"):
                every = all(access.decide([member], operation, district, e) == access.Decision.ALLOWED
                            for e in engagements)
                assert access.covers_district([member], operation, district) == every, (role, operation, district)
