"""The next year's letters on a list late in this year (issue #25's review, item 6): the letters'
exporter's drafts of the next year (its preview, rendered as of the list's day) due within the
horizon are listed — the annual notices of 5 January on 20 December, saying their year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from web_db import YEAR

#: the HTTP tests run on PostgreSQL too under .ci/with-postgres (conftest)
ON_POSTGRES_TOO = True


@pytest.fixture
def loaded_plugins() -> str:
    return "web,docx"


@pytest.fixture
def previous_year(database: str) -> Iterator[None]:
    from liaison.formats.district import seed_district
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    Workspace(store=DatabaseStore()).update(seed_district(), YEAR - 1)
    yield


def test_the_next_years_letters_due_within_the_horizon_are_listed_in_december(
        previous_year: None, users: dict[str, Any]) -> None:
    from django.test import Client

    from liaison.formats.district import seed_district
    from liaison_web.tokens import make_token

    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(users['admin'].username, 'ahead', ('read',))}"}
    office = seed_district().general_office().id

    def letters(day: dt.date) -> list[dict[str, Any]]:
        got = Client().get(f"/api/v1/districts/seed/organisations/{office}/due?as_of={day}", **auth)
        assert got.status_code == 200, got.content
        return [i for i in got.json()["items"] if i["kind"] == "letter_to_issue" and i["year"] == YEAR]

    december = letters(dt.date(YEAR - 1, 12, 20))
    assert december and all(i["due"] <= f"{YEAR}-02-18" for i in december)
    assert all(i["key"] == f"{YEAR}/letter_to_issue/{i['ref']}" for i in december)
    # the same letters (the same keys) as the year's own list shows on its first day
    assert {i["key"] for i in december} <= {i["key"] for i in letters(dt.date(YEAR, 1, 1))}
    assert not letters(dt.date(YEAR - 1, 6, 30))
