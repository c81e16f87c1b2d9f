"""Schemathesis over the service's OpenAPI document, through its WSGI application, with a logged-in
client (an administrator's token with every scope): for every operation, no 5xx and every response —
status, content type, headers, body — as the document says. Small and derandomized, so it runs the
same in every run and in well under a minute."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from web_db import CLERK_OF, YEAR


@pytest.fixture
def loaded_plugins() -> str:
    return "web,ical,docx,xlsx,html"


@pytest.fixture
def auth(users: dict[str, Any]) -> dict[str, str]:
    from liaison_web.tokens import make_token

    secret = make_token(users["admin"].username, "schemathesis", ("read", "write", "tokens"))
    return {"Authorization": f"Bearer {secret}"}


#: A change names the year's revision in ``If-Match``, which the service requires. Two of
#: schemathesis's default expectations do not know the statuses HTTP gives this (RFC 7232, RFC 6585),
#: so each is told them beside its defaults; nothing else is relaxed:
#: - a generated revision cannot be the year's, so a schema-valid change is answered 412 (the
#:   optimistic lock working) — the positive-data check accepts 412;
#: - a change without ``If-Match`` is answered 428 Precondition Required (what RFC 6585 made it for)
#:   — the missing-header check accepts 428.
#: One more, for two kinds of operation alone: what they take is judged on the district's data or on a
#: file's bytes, which no schema common to every district can say. A record's body names the district's
#: organisations (by id, name or alias) and is dated in the year — a schema-valid one naming none of
#: them is a ``DataError`` at its path (422) —, and an evidence file is told by its content (415 when it
#: is none of the types kept, 413 beyond the limit); so their positive-data check accepts those too.
#: An acknowledgement names the district's organisations and an item the year sent, as a record does.
#: The findings and the report as of a day: a day outside the path's year is a ``DataError`` at
#: ``as_of`` (422), which a schema of the day alone cannot say.
CONFIG = SchemathesisConfig.from_str("""
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "429"]

[checks.missing_required_header]
expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]

[[operations]]
include-method = "POST"
include-path-regex = "/years/[{]year[}]/(records/[a-z_]+|evidence|acknowledgements)$"

[operations.checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "413", "415", "422", "429"]

[[operations]]
include-method = "GET"
include-path-regex = "/years/[{]year[}]/(organisations/[{]organisation[}]/)?(findings|report)$"

[operations.checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "412", "422", "429"]
""")


def examples() -> dict[str, Any]:
    """Values of the path parameters that name real objects of the test's data — the seed's year,
    one of its engagements, a calendar, a workbook, a letter — given to the document as examples, so
    that the examples phase reads real answers (and holds them to their schemas) besides the
    generated values, which mostly name nothing (404). They are the test's data, not the service's
    document: the service's code names no district."""
    from liaison.formats.district import seed_district
    from liaison_web import bootstrap, outputs
    from liaison_web.store import DatabaseStore

    found = bootstrap.district_version("seed")
    stored = DatabaseStore().load(seed_district(), YEAR)
    assert found is not None and stored is not None
    letters = outputs.render(found[0], found[1], YEAR, stored.revision, "docx", {}, dt.date(YEAR, 1, 11))
    books = outputs.render(found[0], found[1], YEAR, stored.revision, "xlsx", {}, dt.date(YEAR, 1, 11))
    return {"district": "seed", "year": YEAR, "engagement": stored.state.plan.engagements[0].id,
            "organisation": CLERK_OF, "letter": sorted(letters.files)[0],
            "calendars/{name}": f"{CLERK_OF}.ics", "workbooks/{name}": sorted(books.files)[0]}


@pytest.fixture
def web_schema(database: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    from django.core.wsgi import get_wsgi_application
    from django.db.models import Max
    from django.test import Client

    from liaison_web import models

    # schemathesis 4.32 reads the test's ``_nodeid``, which pytest 9 no longer has (it keeps the id as
    # ``_id``); the attribute only names the operation in reports, so the node's id stands in for it
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    document = Client().get("/api/v1/openapi.json").json()
    known = examples()
    for path, operations in document["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()):
                if parameter["in"] != "path":
                    continue
                value = next((v for k, v in known.items() if "/" in k and path.endswith(k)), None)
                parameter["example"] = value if parameter["name"] == "name" else known.get(parameter["name"])
    loaded = schemathesis.openapi.from_dict(document, config=CONFIG)
    loaded.app = get_wsgi_application()
    loaded.location = "/api/v1/openapi.json"
    # the webhooks the generated requests add to the seed's district go with the test: an active one
    # would be told of every later test's changes (issue #25: no test leaves its writes to the next)
    last = models.Webhook.objects.aggregate(last=Max("id"))["last"] or 0
    yield loaded
    models.Webhook.objects.filter(id__gt=last).delete()


schema = schemathesis.pytest.from_fixture("web_schema")


#: The headers a client reads (liaison_web.openapi's tables declare them): schemathesis checks that a
#: declared required one is there; :func:`headers_declared` that none is sent undeclared.
TRACKED = ("ETag", "Location", "WWW-Authenticate", "Content-Language", "Retry-After")


def headers_declared(ctx: Any, response: Any, case: Any) -> None:
    """Every tracked header the answer carries is declared for its operation and status (a status
    the operation does not document — 405 to another method — is schemathesis's own checks' to judge)."""
    responses = case.operation.definition.raw["responses"]
    if str(response.status_code) not in responses:
        return
    declared = {h.lower() for h in responses[str(response.status_code)].get("headers", {})}
    undeclared = [h for h in TRACKED if h.lower() in response.headers and h.lower() not in declared]
    assert not undeclared, f"{case.operation.label} {response.status_code} sends {undeclared} undeclared"


@schema.parametrize()
@settings(max_examples=20, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_every_operation_answers_as_documented(case: Any, auth: dict[str, str]) -> None:
    case.call_and_validate(headers=auth, additional_checks=[headers_declared])


def test_a_change_on_the_current_revision_answers_as_documented(web_schema: Any, auth: dict[str, str]) -> None:
    """A generated ``If-Match`` cannot be the year's revision, so the operations above are answered 412
    for every change: here each change is made on the current revision, and its 2xx answer — status,
    headers, body — is held to the document by schemathesis's own checks (confirm, move, held, cancel
    in turn on one engagement; the letters issued on a day)."""
    from liaison.formats.district import seed_district
    from liaison_web.store import DatabaseStore

    stored = DatabaseStore().load(seed_district(), YEAR)
    assert stored is not None
    engagement = next(e.id for e in stored.state.plan.engagements if e.status.value == "proposed")
    revision = stored.revision
    one = "/api/v1/districts/{district}/years/{year}/engagements/{engagement}"
    for action, body in (("confirm", {}), ("move", {"date": f"{YEAR}-09-07", "force": True}),
                         ("held", {"force": True}), ("cancel", {"reason": "改期", "force": True})):
        case = web_schema[f"{one}/{action}"]["POST"].Case(
            path_parameters={"district": "seed", "year": YEAR, "engagement": engagement}, body=body,
            media_type="application/json", headers={**auth, "If-Match": f'"{revision}"'})
        response = case.call()
        assert response.status_code == 200, (action, response.text)
        case.validate_response(response, additional_checks=[headers_declared])
        tag = {k.lower(): v for k, v in response.headers.items()}["etag"]
        revision = (tag[0] if isinstance(tag, list) else tag).strip('"')  # the engagement's own, as it is now
    revision = DatabaseStore().current(seed_district(), YEAR)  # the letters' issue names the year's
    case = web_schema["/api/v1/districts/{district}/years/{year}/letters/issue"]["POST"].Case(
        path_parameters={"district": "seed", "year": YEAR}, body={"day": f"{YEAR}-01-11", "force": True},
        media_type="application/json", headers={**auth, "If-Match": f'"{revision}"'})
    response = case.call()
    assert response.status_code == 200 and response.json()["issued"], response.text
    case.validate_response(response)


def test_the_day_pattern_is_the_planners_years() -> None:
    """The documented pattern of a day admits exactly the years the planner works in."""
    import re

    from liaison.base.text import FIRST_YEAR, LAST_YEAR
    from liaison_web.schemas import DAY_PATTERN

    admitted = {year for year in range(1000, 10000) if re.match(DAY_PATTERN, f"{year}-06-15")}
    assert admitted == set(range(FIRST_YEAR, LAST_YEAR + 1))
    assert not re.match(DAY_PATTERN, "2027-13-01") and not re.match(DAY_PATTERN, "2027-01-32")
