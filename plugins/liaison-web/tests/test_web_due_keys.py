"""Each body's to-do list across the new year, and the webhooks that keep an OA system's to-do items
(issue #25's review, items 4, 6, 15): every item one by its key — two obligations of one body are
two to-dos, each closed when exactly it leaves the list —, events saying the item's year and where
the service shows it; late in a year the next year's items within the horizon; a year's first list
compared with the last list told of the year before; a list kept before items had keys compared
once by kind and ref (an upgrade closes and reopens nothing); the findings and the report as of a
day outside their year refused (422) in the caller's language."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from web_db import YEAR

#: Each test on SQLite and, under .ci/with-postgres, on PostgreSQL (conftest.pytest_generate_tests).
ON_POSTGRES_TOO = True

#: The body whose lists are read: the seed's development and reform commission visits in January.
BODY = "dev-reform"


def bearer(user: Any) -> dict[str, str]:
    from liaison_web.tokens import make_token

    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user.username, 'due-keys', ('read', 'write'))}"}


@pytest.fixture
def previous_year(database: str) -> Iterator[None]:
    """The seed's year before the test year planned too (the database's years go with the test)."""
    from liaison.formats.district import seed_district
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    Workspace(store=DatabaseStore()).update(seed_district(), YEAR - 1)
    yield


@pytest.fixture
def hook(database: str) -> Iterator[int]:
    """A webhook of the body's due events (removed after: no later test is told)."""
    from liaison_web import models

    made = models.Webhook.objects.create(district=models.District.objects.get(code="seed"), organisation=BODY,
                                         url="http://127.0.0.1:9/", salt="s", events=["due.opened", "due.closed"])
    try:
        yield made.pk
    finally:
        models.DueSnapshot.objects.filter(year__district__code="seed").delete()
        made.delete()


def _events(hook: int) -> list[dict[str, Any]]:
    from liaison_web import models

    return [json.loads(d.body) for d in models.WebhookDelivery.objects.filter(webhook_id=hook).order_by("id")]


def _due(auth: dict[str, str], day: dt.date, **headers: str) -> Any:
    from django.test import Client

    return Client().get(f"/api/v1/districts/seed/organisations/{BODY}/due?as_of={day.isoformat()}", **auth,
                        **headers)


def test_late_in_a_year_the_list_has_the_next_years_items_within_the_horizon(
        previous_year: None, users: dict[str, Any]) -> None:
    from django.test import Client

    from liaison.formats.district import seed_district
    from liaison.year.due import NEXT_YEAR_HORIZON_DAYS
    from liaison_web.store import DatabaseStore

    auth = bearer(users["admin"])
    day = dt.date(YEAR - 1, 12, 20)
    listed = _due(auth, day)
    assert listed.status_code == 200, listed.content
    items = listed.json()["items"]
    ahead = [i for i in items if i["year"] == YEAR]
    until = day + dt.timedelta(days=NEXT_YEAR_HORIZON_DAYS)
    assert ahead and all(dt.date.fromisoformat(i["due"]) <= until for i in ahead)
    assert all(i["key"].startswith(f"{i['year']}/{i['kind']}/") for i in items)
    assert len({i["key"] for i in items}) == len(items)
    # in June the next year is too far off
    assert not [i for i in _due(auth, dt.date(YEAR - 1, 6, 30)).json()["items"] if i["year"] == YEAR]
    # the list follows the next year's changes: moving one of its engagements out of the horizon drops it
    first = next(i for i in ahead if i["kind"] == "date_to_agree")
    etag = DatabaseStore().current(seed_district(), YEAR)
    moved = Client().post(f"/api/v1/districts/seed/years/{YEAR}/engagements/{first['ref']}/move",
                          data=json.dumps({"date": f"{YEAR}-06-08"}), content_type="application/json",
                          HTTP_IF_MATCH=f'"{etag}"', **auth)
    assert moved.status_code == 200, moved.content
    again = _due(auth, day, HTTP_IF_NONE_MATCH=listed["ETag"])
    assert again.status_code == 200 and first["key"] not in {i["key"] for i in again.json()["items"]}


def test_two_obligations_of_one_body_are_two_to_dos_each_closed_alone() -> None:
    from liaison_web.webhooks import due_changes

    def item(provision: str, year: int = YEAR) -> dict[str, Any]:
        return {"kind": "obligation", "ref": "health", "provision": provision, "year": year,
                "key": f"{year}/obligation/{provision}/r/{year}-01-01/health"}

    both, one = [item("§3.1"), item("§3.3")], [item("§3.3")]
    assert [(e, i["provision"]) for e, _, i in due_changes({"health": []}, {"health": both})] == \
        [("due.opened", "§3.1"), ("due.opened", "§3.3")]
    assert [(e, i["key"]) for e, _, i in due_changes({"health": both}, {"health": one})] == \
        [("due.closed", both[0]["key"])]
    # the same item of another year is another to-do
    assert [e for e, _, _ in due_changes({"health": one}, {"health": [item("§3.3", YEAR + 1)]})] == \
        ["due.closed", "due.opened"]
    # a list kept before items had keys: compared by kind and ref as told — nothing closed or reopened
    # while an item of that kind and ref is listed, the old to-do closed when the last of them goes
    told = [{"kind": "obligation", "ref": "health", "provision": "§3.1"},
            {"kind": "date_to_agree", "ref": f"{YEAR}/joint_meeting/health", "provision": "§3.3"}]
    assert due_changes({"health": told}, {"health": both}) == [
        ("due.closed", "health", told[1])]
    fresh = {"kind": "feedback", "ref": "R-1", "provision": "§1.3", "year": YEAR, "key": f"{YEAR}/feedback/R-1"}
    assert [(e, i.get("key")) for e, _, i in due_changes({"health": told[:1]}, {"health": [fresh]})] == \
        [("due.closed", None), ("due.opened", fresh["key"])]


def test_the_years_first_list_closes_last_years_items_and_keeps_those_listed_ahead(
        previous_year: None, hook: int) -> None:
    from liaison_web import due

    december = dt.date(YEAR - 1, 12, 20)
    from liaison_web import models

    assert due.sweep(today=december) == 0 and _events(hook) == []  # the first list is taken as told

    told = models.DueSnapshot.objects.get(year__year=YEAR - 1, organisation=BODY).items
    ahead = {i["key"] for i in told if i["year"] == YEAR}
    old = {i["key"] for i in told if i["year"] == YEAR - 1}
    assert ahead and old
    assert due.sweep(today=dt.date(YEAR, 1, 1)) > 0
    events = _events(hook)
    closed = {e["due"]["key"] for e in events if e["type"] == "due.closed"}
    opened = {e["due"]["key"] for e in events if e["type"] == "due.opened"}
    assert closed and closed <= old and not opened & ahead
    assert opened and all(k.startswith(f"{YEAR}/") for k in opened)
    # each event says the item's year and where the service shows it
    for e in events:
        assert e["year"] == e["due"]["year"] and e["link"].startswith("/api/v1/districts/seed/")
    meeting = next(e for e in events if e["due"]["kind"] == "date_to_agree")
    assert meeting["link"] == f"/api/v1/districts/seed/years/{meeting['year']}/engagements/{meeting['due']['ref']}"


def test_a_list_kept_before_items_had_keys_is_compared_once_by_kind_and_ref(database: str, hook: int) -> None:
    from liaison_web import due, models

    day = dt.date(YEAR, 3, 2)
    assert due.sweep(today=day) == 0
    kept = models.DueSnapshot.objects.get(year__year=YEAR, organisation=BODY)
    # as an earlier release kept it: no key, no year
    kept.items = [{k: v for k, v in i.items() if k not in ("key", "year")} for i in kept.items]
    kept.save()
    assert due.sweep(today=day) == 0 and _events(hook) == []
    assert all("key" in i for i in models.DueSnapshot.objects.get(pk=kept.pk).items)


@pytest.mark.parametrize("address", ["report", "findings", "organisations/health/findings"])
def test_findings_as_of_a_day_outside_the_year_are_refused_in_the_callers_language(
        database: str, users: dict[str, Any], address: str) -> None:
    from django.test import Client

    auth = bearer(users["admin"])
    base = f"/api/v1/districts/seed/years/{YEAR}/{address}"
    for day in (f"{YEAR - 1}-01-01", f"{YEAR + 1}-01-01"):
        en = Client().get(f"{base}?as_of={day}", HTTP_ACCEPT_LANGUAGE="en", **auth)
        zh = Client().get(f"{base}?as_of={day}", HTTP_ACCEPT_LANGUAGE="zh-CN", **auth)
        assert en.status_code == zh.status_code == 422, en.content
        assert en.json()["kind"] == "DataError" and en.json()["file"] == "as_of"
        assert en.json()["rendered"].startswith(f"as_of: the day {day} is not in the year {YEAR} checked (fix: ")
        assert zh.json()["rendered"].startswith(f"as_of: {day} 不在所检查的{YEAR}年内（处理办法：")
        assert en["Content-Language"] == "en" and zh["Content-Language"] == "zh-CN"
    assert Client().get(f"{base}?as_of={YEAR}-12-31", **auth).status_code == 200


def test_a_list_of_a_year_to_come_is_not_compared_with_this_years(database: str, hook: int) -> None:
    """A change to next year's plan in June lists that year (too far off to be this year's list
    looking ahead): its first list is taken as told, not compared with this year's (which would
    close every item still open this year)."""
    from liaison.formats.district import seed_district
    from liaison_web import due, models
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    june = dt.date(YEAR, 6, 1)
    assert due.sweep(today=june) == 0 and models.DueSnapshot.objects.filter(year__year=YEAR).exists()
    Workspace(store=DatabaseStore()).update(seed_district(), YEAR + 1)
    following = DatabaseStore().load(seed_district(), YEAR + 1)
    assert following is not None
    from django.db import transaction

    with transaction.atomic():  # as its callers make it (due.announce: inside a transaction)
        assert due.announce(seed_district(), following.state, [BODY], june, revision=following.revision) == 0
    assert _events(hook) == []


def test_an_obligation_checked_to_the_day_keeps_its_key_as_the_days_pass(
        database: str, users: dict[str, Any], hook: int) -> None:
    """§3.1's designations are checked up to the day asked (its finding's period runs to it): the
    to-do is one from day to day — its key names the period's start, not that running end — so a
    day passing tells the OA system nothing of it (review 25b item 5)."""
    from liaison_web import due

    auth = bearer(users["admin"])
    days = [dt.date(YEAR, 3, 2), dt.date(YEAR, 3, 3), dt.date(YEAR, 3, 4)]
    keys = [{(i["provision"], i["key"]) for i in _due(auth, day).json()["items"] if i["kind"] == "obligation"}
            for day in days]
    assert keys[0] and any(p == "§3.1" for p, _ in keys[0])  # the seed records no designations
    assert keys[0] == keys[1] == keys[2]
    assert due.sweep(today=days[0]) == 0
    for day in days[1:]:
        due.sweep(today=day)
    churned = [(e["type"], e["due"]["key"]) for e in _events(hook) if e["due"]["kind"] == "obligation"]
    assert churned == []
