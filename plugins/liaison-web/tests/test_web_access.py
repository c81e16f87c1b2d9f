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

#: Each test on SQLite and, under .ci/with-postgres, on PostgreSQL (conftest.pytest_generate_tests).
ON_POSTGRES_TOO = True

#: What is done to an engagement here (``attach``: an evidence file) and to the year's outputs;
#: ``record`` (a record of the year) has its own matrix in test_web_records.py, on records, and
#: ``withdraw_evidence`` (an evidence file) in test_web_evidence.py, on files; ``acknowledge`` (what was
#: sent to a counterpart) in test_web_acknowledge.py.
OPERATIONS = ("read", "audit", "confirm", "move", "cancel", "held", "attach", "letters", "issue", "calendar",
              "workbooks", "page")
ALL_OPERATIONS = (*OPERATIONS, "record", "withdraw_evidence", "acknowledge")
READS = {"read", "audit", "letters", "calendar", "workbooks", "page"}
#: The outputs that hold every body's year (and issuing, which numbers every body's letters): a district's.
DISTRICTS = {"issue", "workbooks", "page"}
WHOSE = ("own", "another body's", "another district's")

#: The object each case acts on: (district, engagement). The health department hosts its joint meeting
#: and the cpwdp attends it; neither takes part in the taiwan-affairs one. The seed and "other" are the
#: session's; the matrix, which changes and attaches, runs on districts of its own (:func:`objects`).
OBJECT = {"own": ("seed", "2027/joint_meeting/health"),
          "another body's": ("seed", "2027/joint_meeting/taiwan-affairs"),
          "another district's": ("other", "2027/joint_meeting/health")}


def objects(code: str, other: str) -> dict[str, tuple[str, str]]:
    """:data:`OBJECT` in the district ``code``, another district being ``other``."""
    return {whose: (other if district == "other" else code, engagement)
            for whose, (district, engagement) in OBJECT.items()}
#: Another body, for the outputs: its calendar, the notice addressed to it.
OTHER_BODY = "taiwan-affairs"


@pytest.fixture
def loaded_plugins() -> str:
    return "web,ical,docx,xlsx,html"


def expected(role: str, operation: str, whose: str) -> int:
    """The status the issue's description of each role gives (independent of the code's table):

    - administrator (统战部 / 政府办): everything in its district;
    - department clerk: its own engagements (those it hosts), nothing of another body;
    - party / ICF liaison officer: confirm the engagements it attends, read its own, attach its
      evidence, record what its own body is responsible for (its research, not a department's meeting
      it attended: a record is decided on the body that writes it, as the host);
    - auditor: read-only, its district;
    - city auditor: read-only, every district.

    The outputs: a body's letters (addressed to it, or about its engagements) and its calendar are
    visible to that body, to the administrators and to the auditors; the workbooks and the page hold
    every body's year, and issuing numbers every body's letters: the district's, not a body's.

    An evidence file attached by mistake is withdrawn by the body whose user uploaded it, or by an
    administrator. A party branch's or the ICF's officer acknowledges what was sent to its own body
    (a department sends, it does not acknowledge); an administrator for any body.

    Another district is not shown to exist (404) to anyone but the city auditor; another body's
    object in one's own district is refused (403)."""
    if whose == "another district's":
        if role == "city_auditor":
            return 200 if operation in READS else 403
        return 404
    if role == "administrator":
        return 200
    if role in ("auditor", "city_auditor"):
        return 200 if operation in READS else 403
    if operation in DISTRICTS:
        return 403
    if operation == "acknowledge":
        return 200 if role == "liaison_officer" and whose == "own" else 403
    if operation in ("letters", "calendar", "withdraw_evidence"):
        return 200 if whose == "own" else 403
    if role == "clerk":
        return 200 if whose == "own" else 403
    if role == "liaison_officer":
        return 200 if whose == "own" and operation in ("read", "audit", "confirm", "record", "attach") else 403
    raise AssertionError(role)


def own_body(role: str) -> str:
    return OFFICER_OF if role == "liaison_officer" else CLERK_OF


def letters_day(code: str = "seed") -> Any:
    """The day before the health department's joint meeting: its invitations (to the cpwdp among
    others) are due and not yet overtaken, as are the notices."""
    import datetime as dt

    from liaison_web.bootstrap import district
    from liaison_web.store import DatabaseStore

    found = district(code)
    assert found is not None
    stored = DatabaseStore().load(found, YEAR)
    assert stored is not None
    meeting = next(e for e in stored.state.plan.engagements if e.id == OBJECT["own"][1])
    return meeting.date - dt.timedelta(days=1)


def letter_of(body: str, day: Any, *, about_engagement: bool, code: str = "seed") -> str:
    """The path of a letter addressed to ``body`` on ``day`` (an invitation, or its notice)."""
    from liaison_web import bootstrap, outputs
    from liaison_web.store import DatabaseStore

    found = bootstrap.district_version(code)
    assert found is not None
    revision = DatabaseStore().current(found[0], YEAR)
    assert revision is not None
    made = outputs.render(found[0], found[1], YEAR, revision, "docx", {}, day)
    return next(path for path, r in made.letters().items()
                if r.recipient == body and (r.kind == "invitation") == about_engagement)


def _output_call(auth: dict[str, str], role: str, operation: str, whose: str, codes: dict[str, tuple[str, str]]
                 ) -> Any:
    from django.test import Client

    from liaison_web.bootstrap import district as stored
    from liaison_web.store import DatabaseStore

    district, own = codes[whose][0], codes["own"][0]
    body = OTHER_BODY if whose == "another body's" else own_body(role)
    base = f"/api/v1/districts/{district}/years/{YEAR}"
    day = letters_day(own)
    if operation == "calendar":
        return Client().get(f"{base}/calendars/{body}.ics", **auth)
    if operation == "letters":
        path = letter_of(body, day, about_engagement=body == OFFICER_OF, code=own)
        return Client().get(f"{base}/letters/{path}", {"day": day.isoformat()}, **auth)
    if operation == "workbooks":
        return Client().get(f"{base}/workbooks/{YEAR}年对口联系工作安排表.xlsx", **auth)
    if operation == "page":
        return Client().get(f"{base}/page", **auth)
    found = stored(own)
    assert found is not None
    etag = DatabaseStore().current(found, YEAR) if district == own else "x"
    return Client().post(f"{base}/letters/issue", data=json.dumps({"day": day.isoformat(), "force": True}),
                         content_type="application/json", HTTP_IF_MATCH=f'"{etag}"', **auth)


def _call(auth: dict[str, str], role: str, operation: str, whose: str, codes: dict[str, tuple[str, str]]) -> Any:
    from django.test import Client

    from liaison_web.bootstrap import district as stored
    from liaison_web.store import DatabaseStore

    district, engagement = codes[whose]
    if operation not in ("read", "audit", "confirm", "move", "cancel", "held", "attach"):
        return _output_call(auth, role, operation, whose, codes)
    path = f"/api/v1/districts/{district}/years/{YEAR}/engagements/{engagement}"
    if operation == "read":
        return Client().get(path, **auth)
    if operation == "audit":
        return Client().get(f"{path}/audit", **auth)
    if operation == "attach":
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("签到表.pdf", b"%PDF-1.4\n% matrix\n", content_type="application/pdf")
        response = Client().post(f"/api/v1/districts/{district}/years/{YEAR}/evidence",
                                 {"file": upload, "engagement": engagement}, **auth)
        response.status_code = 200 if response.status_code == 201 else response.status_code  # created: allowed
        return response
    found = stored(district)
    assert found is not None
    etag = DatabaseStore().current(found, YEAR)  # the current revision, whatever the caller may read
    body = {"confirm": {"force": True}, "move": {"date": "2027-09-07", "force": True},
            "cancel": {"reason": "matrix", "force": True}, "held": {"force": True}}[operation]
    return Client().post(f"{path}/{operation}", data=json.dumps(body), content_type="application/json",
                         HTTP_IF_MATCH=f'"{etag}"', **auth)


@pytest.mark.parametrize("role", ROLES)
def test_the_authorisation_matrix(own_district: dict[str, Any], role: str) -> None:
    from liaison_web import models

    # districts of the test's own: its changes and evidence files are no other test's (issue #25)
    codes = objects(own_district["code"], own_district["other"])
    got: dict[tuple[str, str], int] = {}
    for whose in WHOSE:
        for operation in OPERATIONS:
            engagement = codes[whose][1]
            entries = models.AuditEntry.objects.count()
            response = _call(own_district["tokens"][role], role, operation, whose, codes)
            got[(operation, whose)] = response.status_code
            if response.status_code != 200:
                body = response.json()  # a refusal is the error shape, and changes nothing
                assert body["kind"] in ("Forbidden", "NotFound") and body["message_zh"]
                assert models.AuditEntry.objects.count() == entries
            elif operation == "issue":
                assert models.AuditEntry.objects.count() == entries + 1
            elif operation == "attach":
                assert response.json()["object_id"] == engagement
                assert models.AuditEntry.objects.count() == entries + 1
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
    import web_db

    web_db.setup()  # the roles are the model's: Django set up, whatever ran before (alone, or first)
    from liaison_web import access, models

    assert set(access.TABLE) == {r for r, _ in models.ROLES} == set(ROLES)
    assert set(access.OPERATIONS) == set(ALL_OPERATIONS)
    for role in ROLES:
        member = access.Member(role, None if role == "city_auditor" else "seed",
                               {"clerk": CLERK_OF, "liaison_officer": OFFICER_OF}.get(role, ""))
        own = own_body(role)
        for whose, engagement in (("own", {"host": CLERK_OF, "participants": [CLERK_OF, OFFICER_OF]}),
                                  ("another body's", {"host": "finance", "participants": ["finance", "rcck"]})):
            for operation in ALL_OPERATIONS:
                thing = engagement
                if operation == "calendar":  # an organisation's calendar: that organisation's
                    thing = {"host": own if whose == "own" else OTHER_BODY, "participants": []}
                elif operation == "letters":  # a letter: to its recipient, about its engagement
                    thing = ({"host": CLERK_OF, "participants": [OFFICER_OF]} if whose == "own"
                             else {"host": "", "participants": [OTHER_BODY]})
                elif operation in DISTRICTS:
                    thing = {"host": "", "participants": []}
                elif operation == "record":  # a record: the body that writes it (records.writers), no party
                    thing = {"host": own if whose == "own" else OTHER_BODY, "participants": []}
                elif operation in ("withdraw_evidence", "acknowledge"):  # a file: the bodies of the user who
                    # uploaded it; an acknowledgement: the body acknowledging
                    thing = {"host": "", "participants": [own if whose == "own" else OTHER_BODY]}
                decided = access.decide([member], operation, "seed", thing)
                assert decided.value == expected(role, operation, whose), (role, operation, whose)


def test_the_docs_matrix_is_the_table() -> None:
    """docs/service.md's matrix (role × operation → reach) is the code's table, cell by cell; its last
    row (a token's scope) is the scope each operation takes of a bearer token (``access.SCOPE_OF``)."""
    from pathlib import Path

    from liaison_web import access

    text = (Path(__file__).parents[3] / "docs" / "service.md").read_text(encoding="utf-8")
    block = text.split("<!-- the matrix: liaison_web.access.TABLE", 1)[1].split("\n\n", 1)[0]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in block.splitlines()[1:]
            if line.startswith("|")]
    header, body = rows[0], rows[2:]
    documented = {row[0]: {op: cell for op, cell in zip(header[1:], row[1:], strict=True) if cell != "—"}
                  for row in body}
    scopes = documented.pop("*a token's scope*")
    assert documented == {role: {op: reach.value for op, reach in ops.items()} for role, ops in access.TABLE.items()}
    assert scopes == dict(access.SCOPE_OF)
    assert scopes["manage_tokens"] == "tokens"  # making tokens is not a plain write: a leaked token mints none


@pytest.mark.parametrize("role", ROLES)
def test_the_lists_of_outputs_show_each_role_its_own(two_districts: dict[str, Any], role: str) -> None:
    """The calendars and letters listed are those the role may download: a body's own calendar and
    the letters addressed to it or about its engagements (no draft: it has no addressee yet); every
    one to the administrators and the auditors."""
    from django.test import Client

    from liaison.formats.district import seed_district
    from liaison_web.store import DatabaseStore

    base = f"/api/v1/districts/seed/years/{YEAR}"
    day = letters_day()
    district_wide = role in ("administrator", "auditor", "city_auditor")
    calendars = Client().get(f"{base}/calendars", **two_districts[role])
    assert calendars.status_code == 200
    names = {item["name"] for item in calendars.json()}
    if district_wide:
        assert {f"{CLERK_OF}.ics", f"{OFFICER_OF}.ics", f"{OTHER_BODY}.ics", "全部.ics"} <= names
    else:
        assert names == {f"{own_body(role)}.ics"}
    letters = Client().get(f"{base}/letters", {"day": day.isoformat()}, **two_districts[role])
    assert letters.status_code == 200
    shown = letters.json()["letters"]
    stored = DatabaseStore().load(seed_district(), YEAR)
    assert stored is not None
    hosts = {e.id: (e.host, e.participants) for e in stored.state.plan.engagements}
    if district_wide:
        assert any(item["status"] == "draft" for item in shown) and any(item["record"] for item in shown)
        return
    own = own_body(role)
    assert shown
    for item in shown:
        record = item["record"]
        if record is None:  # a draft (#26): whose its name says, the invitee or the engagement's bodies
            name = item["path"].rsplit("/", 1)[-1]
            assert item["status"] == "draft" and (own in name or any(
                f"-{e.kind.value}-{e.host}-" in name and own in (e.host, *e.participants)
                for e in stored.state.plan.engagements)), item["path"]
            continue
        host, participants = hosts.get(record["engagement"], ("", ()))
        assert own in (record["recipient"], host, *participants), item["path"]


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
