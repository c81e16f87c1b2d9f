"""The API's first slice through Django's test client, on the session's database: health, the
districts, organisations, the plan and one engagement with its ETag, both logins (session and bearer
token), 401/404 in the library's error shape, the OpenAPI 3.1 document and its local docs page."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from web_db import YEAR

from liaison.formats.district import seed_district
from liaison.formats.documents import to_json
from liaison_web.etags import engagement_tag

#: Each test on SQLite and, under .ci/with-postgres, on PostgreSQL (conftest.pytest_generate_tests).
ON_POSTGRES_TOO = True

MOVED = "2027/joint_meeting/construction"


def client() -> Any:
    from django.test import Client

    return Client()


def bearer(user: Any, *scopes: str) -> dict[str, str]:
    from liaison_web.tokens import make_token

    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user.username, 'test', scopes or ('read',))}"}


def stored() -> tuple[Any, str]:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().load(seed_district(), YEAR)
    assert found is not None
    return found.state, found.revision


def is_error(body: dict[str, Any], kind: str) -> None:
    """The library's one error shape, in both languages."""
    assert body["kind"] == kind and body["message"] and body["message_zh"] and "problems" in body
    assert re.search(r"[\u4e00-\u9fff]", body["message_zh"]) and not re.search(r"[\u4e00-\u9fff]", body["message"])


def test_health_needs_no_login(database: str, request: pytest.FixtureRequest) -> None:
    response = client().get("/api/v1/health")
    engine = "postgresql" if "postgres" in request.node.name else "sqlite"  # the parameter of ``database``
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": engine, "api": "v1"}


@pytest.mark.parametrize("path", ["/api/v1/districts", "/api/v1/districts/seed/organisations",
                                  f"/api/v1/districts/seed/years/{YEAR}/plan",
                                  f"/api/v1/districts/seed/years/{YEAR}/engagements/{MOVED}"])
def test_without_a_login_every_operation_is_401_in_the_error_shape(database: str, users: dict[str, Any],
                                                                   path: str) -> None:
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer lsn_not-a-token"}, bearer(users["gone"])):
        response = client().get(path, **headers)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
        is_error(response.json(), "NotAuthenticated")


def test_the_plan_is_the_commands_document_with_the_revision_as_etag(database: str, users: dict[str, Any]) -> None:
    from liaison.formats.state import plan_document

    state, revision = stored()
    response = client().get(f"/api/v1/districts/seed/years/{YEAR}/plan", **bearer(users["admin"]))
    assert response.status_code == 200 and response["ETag"] == f'"{revision}"'
    assert response.content.decode() == to_json(plan_document(seed_district(), state))  # the command's bytes
    again = client().get(f"/api/v1/districts/seed/years/{YEAR}/plan", HTTP_IF_NONE_MATCH=f'"{revision}"',
                         **bearer(users["admin"]))
    assert again.status_code == 304 and not again.content


def test_a_change_of_the_year_is_read_at_once(database: str, users: dict[str, Any]) -> None:
    """The service renders a revision once and answers from it while it is current: a save (here
    through the workspace, as another process would) gives the next read the new state and ETag."""
    from liaison.formats.state import plan_document
    from liaison.year.reconcile import Change
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    auth = bearer(users["admin"])
    path = f"/api/v1/districts/seed/years/{YEAR}/engagements/{MOVED}"
    before = client().get(path, **auth)
    assert before.json()["status"] == "proposed"
    Workspace(store=DatabaseStore()).update(seed_district(), YEAR, [Change("confirm", MOVED)])
    state, _ = stored()
    after = client().get(path, HTTP_IF_NONE_MATCH=before["ETag"], **auth)
    assert after.status_code == 200 and after["ETag"] == f'"{engagement_tag(after.content)}"' != before["ETag"]
    assert after.json()["status"] == "agreed"
    plan = client().get(f"/api/v1/districts/seed/years/{YEAR}/plan", **auth)
    assert plan.content.decode() == to_json(plan_document(seed_district(), state))


def test_answers_match_the_schemas_generated_from_the_library_types(database: str, users: dict[str, Any]) -> None:
    """Each answer validates against its generated model (no key missing, none unknown: the models
    forbid extra keys) and is written back by it unchanged: the model is the library's shape."""
    from liaison_web.api import EngagementModel, OrgModel, PlanModel

    auth = bearer(users["admin"])
    for path, model in ((f"/api/v1/districts/seed/years/{YEAR}/plan", PlanModel),
                        (f"/api/v1/districts/seed/years/{YEAR}/engagements/{MOVED}", EngagementModel)):
        body = client().get(path, **auth).json()
        parsed = model.model_validate(body)
        assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == body
    orgs = client().get("/api/v1/districts/seed/organisations", **auth).json()
    assert [OrgModel.model_validate(o).model_dump() for o in orgs] == orgs
    assert {o["id"] for o in orgs} == {o.id for o in seed_district().organisations}
    bad = {**client().get(f"/api/v1/districts/seed/years/{YEAR}/plan", **auth).json(), "unknown": 1}
    with pytest.raises(ValueError):
        PlanModel.model_validate(bad)


def test_one_engagement_with_its_etag(database: str, users: dict[str, Any]) -> None:
    state, revision = stored()
    auth = bearer(users["admin"])
    response = client().get(f"/api/v1/districts/seed/years/{YEAR}/engagements/{MOVED}", **auth)
    # its own tag (its answer's digest), not the year's revision
    assert response.status_code == 200 and response["ETag"] == f'"{engagement_tag(response.content)}"'
    assert response["ETag"] != f'"{revision}"'
    assert client().get(f"/api/v1/districts/seed/years/{YEAR}/engagements/{MOVED}", HTTP_IF_NONE_MATCH=response["ETag"],
                        **auth).status_code == 304
    body = response.json()
    expected = next(e for e in state.engagements if e.id == MOVED)
    assert body["id"] == MOVED and body["date"] == expected.date.isoformat() and "local_settings" in body
    assert client().get(f"/api/v1/districts/seed/years/{YEAR}/engagements/{MOVED}", HTTP_IF_NONE_MATCH="*",
                        **auth).status_code == 304
    missing = client().get(f"/api/v1/districts/seed/years/{YEAR}/engagements/2027/no/such", **auth)
    assert missing.status_code == 404
    is_error(missing.json(), "NotFound")
    no_year = client().get("/api/v1/districts/seed/years/2031/plan", **auth)
    assert no_year.status_code == 404 and "import-year" in no_year.json()["fix"]


def test_another_districts_user_sees_nothing_of_this_one(database: str, users: dict[str, Any]) -> None:
    """A clerk of another district is told the district does not exist, as for one that does not."""
    auth = bearer(users["stranger"])
    for path in ("/api/v1/districts/seed/organisations", f"/api/v1/districts/seed/years/{YEAR}/plan",
                 "/api/v1/districts/nowhere/organisations"):
        response = client().get(path, **auth)
        assert response.status_code == 404
        is_error(response.json(), "NotFound")
    assert [d["id"] for d in client().get("/api/v1/districts", **auth).json()] == []
    assert [d["id"] for d in client().get("/api/v1/districts", **bearer(users["admin"])).json()] == ["seed"]


def test_a_session_login_reads_the_plan_and_a_revoked_token_does_not(database: str, users: dict[str, Any]) -> None:
    from liaison_web.tokens import make_token, revoke

    browser = client()
    page = browser.get("/login/")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    refused = browser.post("/login/", {"username": users["admin"].username, "password": "wrong"})
    assert refused.status_code == 200 and "_auth_user_id" not in browser.session
    browser.post("/login/", {"username": users["admin"].username, "password": "admin-password"})
    assert browser.get(f"/api/v1/districts/seed/years/{YEAR}/plan").status_code == 200
    secret = make_token(users["admin"].username, "oa", ["read"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client().get("/api/v1/districts", **auth).status_code == 200
    assert revoke(secret[:12]) == 1
    assert client().get("/api/v1/districts", **auth).status_code == 401
    writer = client().get("/api/v1/districts/seed/organisations", **bearer(users["admin"], "write"))
    assert writer.status_code == 403
    is_error(writer.json(), "Forbidden")


def test_the_openapi_document_and_its_docs_page_need_nothing_from_outside(database: str) -> None:
    document = client().get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    paths = set(document["paths"])
    assert {"/api/v1/health", "/api/v1/districts/{district}/years/{year}/plan",
            "/api/v1/districts/{district}/years/{year}/engagements/{engagement}"} <= paths
    plan = document["paths"]["/api/v1/districts/{district}/years/{year}/plan"]["get"]["responses"]
    assert {"200", "304", "401", "404"} <= set(plan)
    schemas = document["components"]["schemas"]
    assert "Plan" in schemas and "OrgRef" not in schemas and "Organisation" in schemas
    docs = client().get("/api/v1/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    assert "cdn" not in docs.lower() and "//" not in "".join(assets)
    for asset in assets:
        assert client().get(asset).status_code == 200, asset


def test_an_unknown_address_under_the_api_is_the_error_shape(database: str) -> None:
    response = client().get("/api/v1/no/such/thing")
    assert response.status_code == 404
    is_error(json.loads(response.content), "NotFound")


def test_an_invalid_request_is_422_in_the_error_shape(database: str, users: dict[str, Any]) -> None:
    response = client().get("/api/v1/districts/seed/years/not-a-year/plan", **bearer(users["admin"]))
    assert response.status_code == 422
    body = response.json()
    is_error(body, "InvalidRequest")
    assert body["path"] == ["path", "year"] and body["message_zh"] == "year 应为整数"  # in words, per field


def test_an_output_whose_exporter_is_not_installed_is_501(database: str, users: dict[str, Any]) -> None:
    """Only the web plugin is loaded here: the letters cannot be made, and the service says so (501,
    in both languages), naming what to install; nothing is saved."""
    base = f"/api/v1/districts/seed/years/{YEAR}"
    auth = bearer(users["admin"], "read", "write")
    for address in ("letters", "calendars", "workbooks", "page"):
        got = client().get(f"{base}/{address}", HTTP_ACCEPT_LANGUAGE="en", **auth)
        assert got.status_code == 501, (address, got.content)
        is_error(got.json(), "NotAvailable")
        assert "install liaison-" in got.json()["fix"]
    _, etag = stored()
    issued = client().post(f"{base}/letters/issue", json.dumps({"day": "2027-01-11", "force": True}),
                           content_type="application/json",
                           HTTP_IF_MATCH=f'"{etag}"', **auth)
    assert issued.status_code == 501 and stored()[1] == etag
