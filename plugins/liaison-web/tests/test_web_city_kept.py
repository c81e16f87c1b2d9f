"""The city's standings kept in the database (liaison_web.city_kept, the table ``CityStanding``): a
process that has made none renders the city from the table without parsing or checking a district;
a row made from another revision, another state of the records, another version or by other code
(stale or foreign), or one whose standing no longer has that shape, is made again and never shown;
a record added is seen by the next page, the others read from the table."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import web_db
from web_db import CLERK_OF, OFFICER_OF, YEAR

DAY = dt.date(YEAR, 11, 30)
PAGE = f"/city/?year={YEAR}&on={DAY.isoformat()}"


def logged_in(auth: dict[str, str]) -> Any:
    """A browser logged in as the user whose token ``auth`` holds (the pages take a session)."""
    from django.test import Client

    from liaison_web.tokens import caller_of

    found = caller_of(auth["HTTP_AUTHORIZATION"].removeprefix("Bearer "))
    assert found is not None
    made = Client()
    made.force_login(found.user)
    return made


def shown(auth: dict[str, str]) -> dict[str, list[str]]:
    """The city table's numbers by district, as the page shows them."""
    page = logged_in(auth).get(PAGE)
    assert page.status_code == 200
    return {code: re.findall(r'<td class="n[^"]*">(\d+)</td>', row)
            for code, row in re.findall(r'<tr data-district="([^"]+)">(.*?)</tr>', page.content.decode(), re.S)}


@pytest.fixture(autouse=True)
def no_tampered_standing_left() -> Iterator[None]:
    """The rows these tests tamper with (a standing of 999 met under the seed's current key) go with
    each test, from the table and from the process's memory: a later test's city view, on the same
    seed year (its revision is its content's), would show them (the tests run in any order)."""
    yield
    web_db.setup()
    from liaison_web import models
    from liaison_web.city import forget

    models.CityStanding.objects.all().delete()
    forget()


def made_afresh(auth: dict[str, str]) -> dict[str, list[str]]:
    """The page with no row kept and nothing in memory: every standing made from the district's year."""
    from liaison_web import models
    from liaison_web.city import forget

    models.CityStanding.objects.all().delete()
    forget()
    return shown(auth)


def refuse_making(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh process that may not make a standing: no district parsed, no findings made."""
    from liaison_web import api, bootstrap
    from liaison_web.city import forget

    forget()

    def refused(*_: Any, **__: Any) -> Any:
        raise AssertionError("a standing was made, not read from the table")

    refused.cache_clear = lambda: None  # type: ignore[attr-defined]  # forget() empties it as the caches it stands for
    monkeypatch.setattr(api, "_findings", refused)
    monkeypatch.setattr(bootstrap, "_parsed", refused)


def seed_row() -> Any:
    from liaison_web import models

    return models.CityStanding.objects.filter(district__code="seed", year=YEAR, as_of=DAY)


def test_a_fresh_process_renders_the_city_from_the_table(city: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liaison_web import models
    from liaison_web.city import forget, survey

    expected = made_afresh(city["city_auditor"])
    assert models.CityStanding.objects.filter(year=YEAR, as_of=DAY).count() == len(city["districts"])
    refuse_making(monkeypatch)
    assert shown(city["city_auditor"]) == expected
    # where every district stands, then the rows of the day: two queries, however many districts
    forget()
    with CaptureQueriesContext(connection) as queries:
        made = survey(YEAR, DAY)
    assert len(made.districts) == len(city["districts"]) and len(queries) == 2
    # what is shown is the row's: a row's counts changed (its key kept) are what the next fresh page shows
    standing = seed_row().get().standing
    seed_row().update(standing={**standing, "met": 999})
    forget()
    assert shown(city["city_auditor"])["seed"][0] == "999"


STALE = {"revision": "not-this-revision", "records_last": 10**9, "version": "0" * 64, "made_by": "0:other code"}


@pytest.mark.parametrize("change", [*STALE, "shape", "another district's"])
def test_a_stale_or_foreign_row_is_made_again_never_shown(city: dict[str, Any], change: str) -> None:
    from liaison_web.city import forget
    from liaison_web.city_kept import made_by

    expected = made_afresh(city["city_auditor"])
    standing = seed_row().get().standing
    if change in STALE:
        seed_row().update(**{change: STALE[change]}, standing={**standing, "met": 999})
    elif change == "shape":
        seed_row().update(standing={"met": "999", "obligations": "none"})
    else:  # "other"'s standing under the seed's key
        other = seed_row().model.objects.get(district__code="other", year=YEAR, as_of=DAY).standing
        seed_row().update(standing=other)
    forget()
    assert shown(city["city_auditor"]) == expected
    row = seed_row().get()  # replaced by the standing made again
    assert row.made_by == made_by() and row.standing["district"] == "seed"
    assert str(row.standing["met"]) == expected["seed"][0]


def test_a_record_added_is_seen_by_the_next_page(own_district: dict[str, Any]) -> None:
    """Research submitted in March and not answered by 30 November: feedback overdue, one more
    unanswered in the district's row — made again for that district, the others read from the table."""
    from django.test import Client

    from liaison_web import models
    from liaison_web.city import forget

    code, tokens = own_district["code"], own_district["tokens"]
    before = made_afresh(tokens["city_auditor"])
    others = {c: r for c, r in before.items() if c != code}
    forget()
    research = {"id": f"R-city-{models.Record.objects.count()}", "title": "关于城市规划的调研报告",
                "submitted_by": OFFICER_OF, "department": CLERK_OF, "received": f"{YEAR}-03-02"}
    added = Client().post(f"/api/v1/districts/{code}/years/{YEAR}/records/research_results",
                          data=json.dumps(research), content_type="application/json", **tokens["clerk"])
    assert added.status_code == 201, added.content
    after = shown(tokens["city_auditor"])
    unanswered = 3  # met, short, explained, unanswered, …
    assert int(after[code][unanswered]) == int(before[code][unanswered]) + 1
    assert {c: r for c, r in after.items() if c != code} == others
    assert after == made_afresh(tokens["city_auditor"])  # what was shown is what is made from nothing


def test_rows_made_long_ago_are_removed_when_rows_are_written(city: dict[str, Any]) -> None:
    """A row of another day, made more than KEPT_FOR ago, is removed by the next write; one made
    within it stays (a city viewed every day keeps a week of rows, not a year)."""
    from django.utils import timezone

    from liaison_web import models
    from liaison_web.city import forget
    from liaison_web.city_kept import KEPT_FOR

    made_afresh(city["city_auditor"])
    row = seed_row().get()
    old, recent = dt.date(YEAR, 11, 1), dt.date(YEAR, 11, 2)
    for day, made in ((old, timezone.now() - KEPT_FOR * 2), (recent, timezone.now() - KEPT_FOR / 2)):
        models.CityStanding.objects.create(district=row.district, year=YEAR, as_of=day, version=row.version,
                                           revision=row.revision, records_last=row.records_last,
                                           records_count=row.records_count, made_by=row.made_by, zone=row.zone,
                                           standing={**row.standing, "as_of": day.isoformat()})
        models.CityStanding.objects.filter(district=row.district, year=YEAR, as_of=day).update(made=made)
    seed_row().delete()  # the seed's standing of the day to make again: the next page writes
    forget()
    shown(city["city_auditor"])
    kept = set(models.CityStanding.objects.filter(district=row.district, year=YEAR).values_list("as_of", flat=True))
    assert kept == {recent, DAY}
