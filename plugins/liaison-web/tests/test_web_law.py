"""The district's law through the API (provisions, pairings, cc lists, invitees): the same JSON as the
command's queries with ``--format json`` — the library's documents — on the version in force on the
day asked; every role of the district may read it, another district's caller is told it does not
exist; a bad name is the library's error with its status."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from typing import Any

import pytest
from click.testing import CliRunner
from web_db import ROLES

#: Each test on SQLite and, under .ci/with-postgres, on PostgreSQL (conftest.pytest_generate_tests).
ON_POSTGRES_TOO = True

FIRST = """[[pairings]]
department = "dev-reform"
counterpart = "rcck"
clause = "§2.1"
valid_from = 2022-05-22
"""


def _get(auth: dict[str, str], path: str, **query: str) -> Any:
    from django.test import Client

    address = f"/api/v1/districts/{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
    return Client().get(address, HTTP_ACCEPT_LANGUAGE="en", **auth)


def _command(*arguments: str) -> Any:
    """What ``liaison QUERY … --format json`` prints for the embedded seed district."""
    from liaison_cli.main import cli

    done = CliRunner().invoke(cli, [*arguments, "--format", "json", "--lang", "en"])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


QUERIES = (
    ("seed/provisions", {"as_of": "2027-03-01"}, ("provisions", "--as-of", "2027-03-01")),
    ("seed/pairings", {"as_of": "2027-03-01"}, ("pairings", "--as-of", "2027-03-01")),
    ("seed/pairings", {"as_of": "2027-03-01", "organisation": "health"},
     ("pairings", "--as-of", "2027-03-01", "--org", "health")),
    ("seed/cc", {"issuer": "health", "date": "2027-03-01"}, ("route", "--issuer", "health", "--date", "2027-03-01")),
    ("seed/invitees", {"event": "symposium", "date": "2027-03-01"},
     ("invitees", "--event", "symposium", "--date", "2027-03-01")),
)


def test_every_answer_is_the_commands_and_matches_its_generated_schema(two_districts: dict[str, Any]) -> None:
    from liaison_web import api_law
    from liaison_web.routes import openapi_json

    document = json.loads(openapi_json())
    models = {"provisions": api_law.ProvisionsModel, "pairings": api_law.PairingsModel, "cc": api_law.CcModel,
              "invitees": api_law.InviteesModel}
    for path, query, arguments in QUERIES:
        response = _get(two_districts["clerk"], path, **query)
        assert response.status_code == 200, (path, response.content)
        assert response.json() == _command(*arguments), path
        models[path.split("/")[1]].model_validate(response.json())  # the schema the document publishes
        operation = document["paths"][f"/api/v1/districts/{{district}}/{path.split('/', 1)[1]}"]["get"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    one = _command("provisions", "--as-of", "2027-03-01")["provisions"][0]
    response = _get(two_districts["liaison_officer"],
                    f"seed/provisions/{urllib.parse.quote(one['id'], safe='')}", as_of="2027-03-01")
    assert response.status_code == 200 and response.json() == _command("provisions", one["id"], "--as-of", "2027-03-01")
    api_law.ProvisionModel.model_validate(response.json())


@pytest.mark.parametrize("role", ROLES)
def test_every_role_of_the_district_reads_its_law_and_no_one_elses(two_districts: dict[str, Any], role: str) -> None:
    for district, wanted in (("seed", 200), ("other", 200 if role == "city_auditor" else 404)):
        response = _get(two_districts[role], f"{district}/pairings", as_of="2027-03-01")
        assert response.status_code == wanted, (role, district, response.content)
    assert _get({}, "seed/pairings").status_code == 401


def test_the_answer_rests_on_the_version_in_force_on_the_day(own_district: dict[str, Any]) -> None:
    from liaison.formats.documents import pairings_document, to_json
    from liaison_web.bootstrap import load_version, seed_text

    # the amendment is of a district of the test's own: the seed's versions are every test's
    code, auditor = own_district["code"], own_district["tokens"]["auditor"]
    text = seed_text().replace('id = "seed"', f'id = "{code}"')
    assert text.count(FIRST) == 1
    # the amendment (from 1 July) starts the first pairing only in September: on 1 July it is not in force
    amended = text.replace(FIRST, FIRST.replace("valid_from = 2022-05-22", "valid_from = 2027-09-01"))
    made = load_version(amended, valid_from=dt.date(2027, 7, 1), file="amended.toml")
    before = _get(auditor, f"{code}/pairings", as_of="2027-06-30").json()
    after = _get(auditor, f"{code}/pairings", as_of="2027-07-01").json()
    assert before != after
    day = dt.date(2027, 7, 1)
    assert after == json.loads(to_json(pairings_document(made, day, made.pairings_as_of(day))))
    early = _get(auditor, f"{code}/pairings", as_of="2025-12-31")
    assert early.status_code == 404 and "2025-12-31" in early.json()["message"]


def test_a_name_the_district_does_not_have_is_the_librarys_error(two_districts: dict[str, Any]) -> None:
    auth = two_districts["clerk"]
    for path, query in (("seed/provisions/nope", {}), ("seed/pairings", {"organisation": "nope"}),
                        ("seed/cc", {"issuer": "nope"}), ("seed/invitees", {"event": "nope"}),
                        ("seed/provisions", {"as_of": "2027-13-01"})):
        response = _get(auth, path, **query)
        assert 400 <= response.status_code < 500, (path, query, response.status_code, response.content)
        body = response.json()
        assert body["kind"] and body["message"] and body["message_zh"], body
