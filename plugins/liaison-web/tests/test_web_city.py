"""The city auditor's view (``GET /api/v1/city``) and a year's findings (``…/years/{year}/findings``):
the counts are the library's findings of each district's year, read-only; who may read them.

Three districts: the seed and "other" (both with a 2027, "other" with engagements marked held and
letters issued, so the two differ) and "third" (no 2027 in the service: listed without counts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from web_db import CLERK_OF, OFFICER_OF, ROLES, YEAR

DAY = dt.date(YEAR, 11, 30)


def _get(auth: dict[str, str], path: str) -> Any:
    from django.test import Client

    return Client().get(path, **auth)


def _library_counts(code: str) -> dict[str, int]:
    """The standing counted here from the library's findings (not through liaison_web.city)."""
    from liaison.host.plugins import working_day_calendar
    from liaison.law.compliance import check
    from liaison.law.records import Records
    from liaison.year.state import year_calendar
    from liaison_web.bootstrap import district
    from liaison_web.records import year_records
    from liaison_web.store import DatabaseStore

    found = district(code)
    assert found is not None
    stored = DatabaseStore().load(found, YEAR)
    assert stored is not None
    calendar, _ = year_calendar(stored.state, YEAR, working_day_calendar())
    # the records the session's other tests kept for the district count too, as the service counts them
    records = Records.from_plan(stored.state.plan, held_only=True).merged(year_records(found, YEAR))
    report = check(found, records, YEAR, DAY, calendar=calendar)
    statuses = [(f.status.value, f.severity.value) for f in report.findings]
    return {"met": sum(s == "met" for s, _ in statuses),
            "short": sum(s in ("short", "missing_designation", "late", "unanswered") and v != "explained"
                         for s, v in statuses),
            "explained": sum(v == "explained" for _, v in statuses),
            "unanswered": sum(s == "unanswered" for s, _ in statuses),
            "open": sum(s == "open" for s, _ in statuses),
            "letters_issued": sum(letter.active for letter in stored.state.letters)}


def test_the_city_auditor_reads_every_districts_standing(city: dict[str, Any]) -> None:
    from liaison_web.api_city import CityModel

    response = _get(city["city_auditor"], f"/api/v1/city?year={YEAR}&as_of={DAY.isoformat()}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert CityModel.model_validate(body).model_dump(mode="json") == body  # the generated schema, nothing more
    rows = {row["district"]: row for row in body["districts"]}
    assert set(rows) == city["districts"] >= {"seed", "other", "third"} and body["year"] == YEAR
    counted = ("met", "short", "explained", "unanswered", "open", "letters_issued")
    for code in ("seed", "other"):
        assert {k: rows[code][k] for k in counted} == _library_counts(code), code
        assert rows[code]["revision"] and rows[code]["as_of"] == DAY.isoformat()
    assert rows["other"]["met"] > rows["seed"]["met"]  # the meetings held in "other" are counted
    assert (rows["other"]["letters_issued"], rows["seed"]["letters_issued"]) == (1, 0)
    assert rows["third"]["revision"] is None and all(rows["third"][k] is None for k in counted)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "city_auditor"])
def test_no_one_else_reads_the_city(city: dict[str, Any], role: str) -> None:
    response = _get(city[role], f"/api/v1/city?year={YEAR}")
    assert response.status_code == 403
    assert response.json()["kind"] == "Forbidden" and response.json()["message_zh"]


def test_the_city_without_a_login_is_401_and_a_day_outside_the_year_422(city: dict[str, Any]) -> None:
    assert _get({}, "/api/v1/city").status_code == 401
    assert _get(city["city_auditor"], f"/api/v1/city?year={YEAR}&as_of={YEAR + 1}-01-02").status_code == 422


def expected(role: str, whose: str) -> int:
    """A year's findings, from the roles as the issue describes them: every role reads its own
    district's (a clerk and a liaison officer only the findings about their body); another
    district's exists only for the city auditor."""
    if whose == "another district's":
        return 200 if role == "city_auditor" else 404
    return 200


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_which_findings(city: dict[str, Any], role: str) -> None:
    from liaison_web.api import ReportModel

    every = None
    for whose, code in (("own", "seed"), ("another district's", "other")):
        response = _get(city[role], f"/api/v1/districts/{code}/years/{YEAR}/findings?as_of={DAY.isoformat()}")
        assert response.status_code == expected(role, whose), (role, whose)
        if response.status_code != 200:
            assert response.json()["kind"] == "NotFound"
            continue
        body = response.json()
        assert ReportModel.model_validate(body).model_dump(mode="json") == body
        if whose == "own":
            every = _get(city["administrator"], f"/api/v1/districts/seed/years/{YEAR}/findings"
                                                f"?as_of={DAY.isoformat()}").json()
            own = {"clerk": CLERK_OF, "liaison_officer": OFFICER_OF}.get(role)
            if own is None:
                assert body == every
            else:
                assert body["findings"] and body["findings"] != every["findings"]
                assert all(f["responsible"] == own or own in f["affected"] for f in body["findings"])
                assert body["not_counted"] == []
    assert every is not None


def test_the_findings_are_the_librarys(city: dict[str, Any]) -> None:
    """The document is `liaison check --plan`'s for the same year: the held engagements count."""
    import json

    from liaison.formats.documents import report_document, to_json
    from liaison.host.plugins import working_day_calendar
    from liaison.law.compliance import check
    from liaison.law.records import Records
    from liaison.year.state import year_calendar
    from liaison_web.bootstrap import district
    from liaison_web.records import year_records
    from liaison_web.store import DatabaseStore

    found = district("other")
    assert found is not None
    stored = DatabaseStore().load(found, YEAR)
    assert stored is not None
    calendar, _ = year_calendar(stored.state, YEAR, working_day_calendar())
    records = Records.from_plan(stored.state.plan, held_only=True).merged(year_records(found, YEAR))
    report = check(found, records, YEAR, None, calendar=calendar)
    response = _get(city["city_auditor"], f"/api/v1/districts/other/years/{YEAR}/findings")
    from liaison_web.records import records_state

    last, count = records_state(found, YEAR)  # the ETag: the year's revision and the state of its records
    assert response.status_code == 200 and response["ETag"] == f'"{stored.revision}-{last}.{count}"'
    assert response.json() == json.loads(to_json(report_document(report, found)))
    again = _get({**city["city_auditor"], "HTTP_IF_NONE_MATCH": response["ETag"]},
                 f"/api/v1/districts/other/years/{YEAR}/findings")
    assert again.status_code == 304
