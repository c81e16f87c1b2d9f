"""The OpenAPI document as a client generator (openapi-generator for Java) reads it: every error
answer's keys in the one error schema, generated from the library's error document; the headers each
answer carries declared for its operation and status, and the request headers each operation reads
declared as its parameters; a 422 said per field in both languages; names a Java class or method can
carry, explicit; descriptions as plain text; the document valid OpenAPI 3.1."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from web_db import CLERK_OF, YEAR, api_client, api_post

PLAN = f"/api/v1/districts/seed/years/{YEAR}/plan"


def document() -> dict[str, Any]:
    from liaison_web.routes import openapi_json

    return dict(json.loads(openapi_json()))


def bearer(user: Any, *scopes: str) -> dict[str, str]:
    from liaison_web.tokens import make_token

    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user.username, 'openapi', scopes or ('read', 'write'))}"}


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def operation_of(doc: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The operation that answers ``method`` on the concrete address ``path``."""
    for found_method, template, op in operations(doc):
        pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template))
        if found_method == method and re.fullmatch(pattern, path.split("?")[0]):
            return op
    raise AssertionError(f"no operation {method} {path}")


def validator(doc: dict[str, Any], name: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": doc["components"]})


# -- 10: one error shape, generated ------------------------------------------------------------------
def test_the_error_schema_has_every_key_of_the_librarys_error_document_and_nothing_else(database: str) -> None:
    """An error with every part of a location — a sheet and cell, a place, a path with an index and
    an id, under another root — and several problems: its document's keys, and each problem's, are
    the schema's (with ``rendered``, which the service adds), and it validates."""
    from liaison.base.errors import Id, LiaisonError, Location, error_document

    doc = document()
    schema = doc["components"]["schemas"]["ErrorResponse"]
    library = doc["components"]["schemas"]["ErrorDocument"]
    problem = doc["components"]["schemas"]["ErrorProblem"]
    several = [LiaisonError("a", path=("pairings", 3, Id("health")), fix="b", message_zh="甲", fix_zh="乙"),
               LiaisonError("c", path=Location(file="台账.xlsx", sheet="会议走访", cell="E12")),
               LiaisonError("d", path=Location.option("url")), LiaisonError("e", path=Location.named("calendar 全部"))]
    error = LiaisonError.several(several)
    written = {**error_document(error), "rendered": error.render("zh")}
    assert set(written) == set(schema["properties"]) - {"engagement", "record"}
    assert set(schema["required"]) == set(written)  # every key is always written (null when it has none)
    assert set(error_document(error)) == set(library["properties"]) == set(library["required"])
    assert all(set(p) == set(problem["properties"]) for p in written["problems"])
    validator(doc, "ErrorResponse").validate(json.loads(json.dumps(written)))
    validator(doc, "ErrorDocument").validate(json.loads(json.dumps(error_document(error))))


def test_every_key_an_error_answer_carries_is_in_the_schema(database: str, users: dict[str, Any]) -> None:
    """Real error answers — 401, 404, 422 of several fields, 412 with the engagement as it is now,
    429 — carry only keys the schema has, and validate against it."""
    doc = document()
    check = validator(doc, "ErrorResponse")
    admin = bearer(users["admin"])
    plan = api_client().get(PLAN, **admin)
    engagement = plan.json()["engagements"][0]["id"]
    answers = [
        api_client().get(PLAN),
        api_client().get("/api/v1/districts/nowhere/organisations", **admin),
        api_post(f"/api/v1/districts/seed/years/{YEAR}/engagements/{engagement}/move",
                 {"date": "tomorrow", "start": "25:00", "colour": "red"}, admin, etag=plan["ETag"].strip('"')),
        api_post(f"/api/v1/districts/seed/years/{YEAR}/engagements/{engagement}/confirm", {}, admin, etag="0" * 32),
    ]
    for _ in range(6):
        answers.append(api_client().post("/api/v1/login", data=json.dumps({"username": users["gone"].username,
                                                                            "password": "wrong"}),
                                         content_type="application/json"))
    statuses = [a.status_code for a in answers]
    assert statuses[:4] == [401, 404, 422, 412] and statuses[-1] == 429, statuses
    properties = set(doc["components"]["schemas"]["ErrorResponse"]["properties"])
    for answer in answers:
        body = answer.json()
        assert set(body) <= properties, (answer.status_code, set(body) - properties)
        check.validate(body)
    assert len(answers[2].json()["problems"]) == 3 and answers[3].json()["engagement"]["id"] == engagement


# -- 11: headers, sent and declared ------------------------------------------------------------------
def declared(doc: dict[str, Any], method: str, path: str, status: int) -> set[str]:
    return set(operation_of(doc, method, path)["responses"][str(status)].get("headers", {}))


def test_the_headers_an_answer_carries_are_declared_for_its_operation(own_district: dict[str, Any],
                                                                      users: dict[str, Any]) -> None:
    """ETag on a read and a change, 304 with it, Location on what a POST made (then read there),
    WWW-Authenticate on every 401 (no token; a wrong password), Content-Language on an error,
    Retry-After on 429: each answer carries the header, and the document declares it for that
    operation and status (as required where every such answer carries it)."""
    doc = document()
    admin = bearer(users["admin"])
    plan = api_client().get(PLAN, **admin)
    tag = plan["ETag"]
    same = api_client().get(PLAN, HTTP_IF_NONE_MATCH=tag, **admin)
    hooks = f"/api/v1/districts/{own_district['code']}/webhooks"
    made = api_post(hooks, {"url": "https://oa.example.gov.cn/hook"}, own_district["tokens"]["administrator"])
    wrong = api_client().post("/api/v1/login", data=json.dumps({"username": users["admin"].username, "password": "x"}),
                              content_type="application/json")
    seen = [("GET", PLAN, plan, "ETag"), ("GET", PLAN, same, "ETag"), ("POST", hooks, made, "Location"),
            ("GET", PLAN, api_client().get(PLAN), "WWW-Authenticate"),
            ("POST", "/api/v1/login", wrong, "WWW-Authenticate"),
            ("POST", "/api/v1/login", wrong, "Content-Language")]
    for _ in range(6):
        locked = api_client().post("/api/v1/login", content_type="application/json",
                                   data=json.dumps({"username": users["gone"].username, "password": "x"}))
    seen.append(("POST", "/api/v1/login", locked, "Retry-After"))
    assert [r.status_code for _, _, r, _ in seen] == [200, 304, 201, 401, 401, 401, 429]
    for method, path, response, header in seen:
        assert response.has_header(header), (method, path, response.status_code, header)
        headers = operation_of(doc, method, path)["responses"][str(response.status_code)]["headers"]
        assert headers[header]["required"] is True, (method, path, response.status_code, header)
    assert int(locked["Retry-After"]) > 0
    assert api_client().get(made["Location"], **own_district["tokens"]["administrator"]).json() == {
        k: v for k, v in made.json().items() if k != "secret"}


def test_every_operation_declares_the_request_headers_it_reads(database: str, users: dict[str, Any]) -> None:
    """Accept-Language on every operation (an error's language), If-None-Match on each answering 304
    — and sending it back gives 304 —, If-Match (required) on each change answering 412 or 428."""
    doc = document()
    for method, path, op in operations(doc):
        headers = {p["name"]: p for p in op.get("parameters", ()) if p["in"] == "header"}
        assert "Accept-Language" in headers, (method, path)
        assert ("If-None-Match" in headers) == ("304" in op["responses"]), (method, path)
        if "428" in op["responses"]:
            assert headers["If-Match"]["required"] is True, (method, path)
    admin = bearer(users["admin"])
    due = f"/api/v1/districts/seed/organisations/{CLERK_OF}/due?as_of={YEAR}-03-01"
    for path in (PLAN, due, f"/api/v1/districts/seed/years/{YEAR}/findings"):
        assert "If-None-Match" in {p["name"] for p in operation_of(doc, "GET", path)["parameters"]}
        first = api_client().get(path, **admin)
        assert api_client().get(path, HTTP_IF_NONE_MATCH=first["ETag"], **admin).status_code == 304, path


# -- 18: a 422 per field, in both languages ----------------------------------------------------------
def test_an_invalid_body_is_said_per_field_in_both_languages(database: str, users: dict[str, Any]) -> None:
    admin = bearer(users["admin"])
    plan = api_client().get(PLAN, **admin)
    engagement = plan.json()["engagements"][0]["id"]
    answer = api_post(f"/api/v1/districts/seed/years/{YEAR}/engagements/{engagement}/move",
                      {"date": f"{YEAR}-13-01", "start": "9:30", "colour": "red"}, admin, etag=plan["ETag"].strip('"'))
    assert answer.status_code == 422
    problems = {tuple(p["path"]): p for p in answer.json()["problems"]}
    assert set(problems) == {("body", "date"), ("body", "start"), ("body", "colour")}
    assert problems[("body", "date")]["message"].startswith("date must be a day, written YYYY-MM-DD")
    assert problems[("body", "date")]["message_zh"].startswith("date 应为日期，写作 YYYY-MM-DD")
    assert problems[("body", "start")]["message"] == "start must be a time of day, written HH:MM (00:00–23:59)"
    assert "不是该请求的字段" in problems[("body", "colour")]["message_zh"]
    assert all(p["at"] == "$." + ".".join(p["path"]) for p in problems.values())
    for p in problems.values():
        assert "should" not in p["message"] and re.search(r"[\u4e00-\u9fff]", p["message_zh"]), p
    english = api_post(f"/api/v1/districts/seed/years/{YEAR}/engagements/{engagement}/move", {"date": 20270301},
                       {**admin, "HTTP_ACCEPT_LANGUAGE": "en"}, etag=plan["ETag"].strip('"'))
    assert english.json()["rendered"].startswith("$.body.date: date must be a day")
    assert english["Content-Language"] == "en"
    chinese = api_post(f"/api/v1/districts/seed/years/{YEAR}/engagements/{engagement}/move", {}, admin,
                       etag=plan["ETag"].strip('"'))
    assert chinese.json()["message_zh"] == "date 为必填项，未给出", chinese.json()


def test_every_pattern_of_the_document_is_said_in_words(database: str) -> None:
    """No pattern of the document falls to the line that only quotes it: a new field's pattern is
    given words in liaison_web.invalid (or is a bounded text's)."""
    from liaison_web.invalid import _patterns, _text_pattern

    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("pattern"), str):
                found.add(value["pattern"])
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(document())
    unsaid = {p for p in found if p not in _patterns() and _text_pattern(p) is None}
    assert not unsaid, unsaid


@pytest.mark.parametrize(("url", "status"), [
    ("https://[2606:4700:4700::1111]/hook", 201), ("http://[2606:4700:4700::1111]:8443/oa?x=1", 201),
    ("http://[fd00::1]/hook", 422), ("http://[::1]/hook", 422), ("http://[fe80::1]/hook", 422),
    ("http://[abc]/hook", 422), ("http://[1.2.3.4]/hook", 422), ("http://[2606:4700:4700::1111]:99999/", 422),
])
def test_a_webhook_at_an_ipv6_literal_is_checked_as_any_address(own_district: dict[str, Any], url: str,
                                                                 status: int) -> None:
    """A bracketed IPv6 address is a host the URL pattern takes; the egress check then refuses the
    machine's and private networks' (loopback, unique-local, link-local) as it does IPv4's, and a
    bracket holding no address is the caller's error (422), never a failure."""
    answer = api_post(f"/api/v1/districts/{own_district['code']}/webhooks", {"url": url},
                      own_district["tokens"]["administrator"])
    assert answer.status_code == status, answer.content.decode()
    if status == 422:
        assert answer.json()["message_zh"] and answer.json()["path"][-1] == "url", answer.json()


def test_a_delivery_to_an_ipv6_literal_connects_to_the_address_checked(database: str) -> None:
    import ipaddress

    import requests

    from liaison_web import egress

    address = egress.checked("https://[2606:4700:4700::1111]:8443/hook")
    assert address == ipaddress.ip_address("2606:4700:4700::1111")
    session = requests.Session()
    target, headers, prefix = egress.pinned(session, "https://[2606:4700:4700::1111]:8443/hook", address)
    egress.unpin(session, prefix)
    assert target == "https://[2606:4700:4700::1111]:8443/hook" and headers == {"Host": "[2606:4700:4700::1111]:8443"}


# -- 20: names and descriptions a Java generator takes -----------------------------------------------
#: Names a Java client's generated code cannot use as they are (java.lang, java.io, java.util).
JAVA_TAKEN = {"Object", "String", "Integer", "Long", "Boolean", "Error", "Exception", "File", "List", "Map",
              "Date", "Class", "Void", "Number", "Override", "Record", "Enum"}


def test_every_operation_has_an_explicit_stable_camel_case_id(database: str) -> None:
    from liaison_web.openapi import OPERATION_IDS, ROOT

    doc = document()
    listed = {(method, path.removeprefix(ROOT)): op["operationId"] for method, path, op in operations(doc)}
    assert listed == OPERATION_IDS, set(listed.items()) ^ set(OPERATION_IDS.items())
    assert len(set(listed.values())) == len(listed)
    assert all(re.fullmatch(r"[a-z][a-zA-Z0-9]*", name) for name in listed.values())
    assert listed[("GET", "/districts/{district}/years/{year}/plan")] == "getPlan"
    assert listed[("POST", "/districts/{district}/years/{year}/engagements/{engagement}/move")] == "moveEngagement"


def test_every_schema_name_is_a_java_class_name(database: str) -> None:
    doc = document()
    names = set(doc["components"]["schemas"])
    assert all(re.fullmatch(r"[A-Z][a-zA-Z0-9]*", name) for name in names), sorted(names)
    assert not names & JAVA_TAKEN
    assert {"Engagement", "Plan", "ErrorDocument", "ErrorResponse", "DueItem", "District", "WebhookEvent"} <= names
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(doc)))
    assert refs <= names


def test_descriptions_are_plain_text(database: str) -> None:
    """No reStructuredText role (:mod:`…`) or literal (``…``) in any description or summary."""
    text = json.dumps(document(), ensure_ascii=False)
    assert not re.search(r":(mod|func|class|data|meth|attr):`", text)
    assert "``" not in text
    assert document()["info"]["description"].startswith("The HTTP API")


def test_the_districts_list_and_the_event_type_are_typed(database: str) -> None:
    from liaison_web import webhooks

    doc = document()
    listed = operation_of(doc, "GET", "/api/v1/districts")["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["type"] == "array" and listed["items"] == {"$ref": "#/components/schemas/District"}
    assert set(doc["components"]["schemas"]["District"]["required"]) == {"id", "name"}
    event = doc["components"]["schemas"]["WebhookEvent"]["properties"]["type"]
    assert event["enum"] == list(webhooks.EVENTS)


def test_the_document_is_valid_openapi_3_1(database: str) -> None:
    """The document loads under schemathesis's own OpenAPI 3.1 reader and passes
    openapi-spec-validator (the test extra's)."""
    import schemathesis
    from openapi_spec_validator import validate

    doc = document()
    loaded = schemathesis.openapi.from_dict(doc)
    assert len(list(loaded.get_all_operations())) == len(operations(doc))
    validate(doc)
