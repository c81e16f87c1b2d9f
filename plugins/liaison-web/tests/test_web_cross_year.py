"""One calendar year's register across two plan years, in the database (issue #24): the service's
issue of the 2028 plan on 2027-12-20 numbers its January invitations 〔2027〕 after the 2027 plan's
letters (no refusal), and two exports numbering into the 2027 register at once — the 2027 and the
2028 plan, each in a thread of its own, each holding the year locks in ascending order — take
distinct numbers (the database's lock is per year: the 2028 export must hold 2027's too). On SQLite and,
under .ci/with-postgres, on PostgreSQL (its advisory locks)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest

from liaison.law.district import District
from liaison.law.rules import EngagementKind
from liaison.year.engagements import KnownEvent
from liaison.year.numbering import LetterRecord
from liaison.year.state import YearState

ON_POSTGRES_TOO = True
SERIES = "区府办函"
NEW_YEAR = KnownEvent(id="new-year", kind=EngagementKind.SYMPOSIUM, date=dt.date(2027, 12, 30), title_zh="迎新年座谈会")
SPRING = KnownEvent(id="spring", kind=EngagementKind.SYMPOSIUM, date=dt.date(2028, 1, 3), title_zh="迎春座谈会")


@pytest.fixture
def loaded_plugins() -> str:
    return "web,docx"


def numbered_in(year: int, *states: YearState) -> list[LetterRecord]:
    return sorted((r for s in states for r in s.letters if (r.series, r.year) == (SERIES, year)),
                  key=lambda r: r.serial)


def _planned(district: District) -> None:
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    ws = Workspace(store=DatabaseStore())
    ws.update(district, 2027, events=[NEW_YEAR])
    ws.update(district, 2028, events=[SPRING])


def test_the_service_issues_the_next_plans_december_letters_in_this_years_register(
        own_district: dict[str, Any]) -> None:
    from django.test import Client

    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    district = own_district["district"]
    _planned(district)
    this_year = Workspace(store=DatabaseStore()).export(district, 2027, [("docx", {})],
                                                        issued_on=dt.date(2027, 12, 16)).state
    before = numbered_in(2027, this_year)
    assert before
    current = DatabaseStore().current(district, 2028)
    answer = Client().post(f"/api/v1/districts/{own_district['code']}/years/2028/letters/issue",
                           json.dumps({"day": "2027-12-20", "force": True}), content_type="application/json",
                           HTTP_IF_MATCH=f'"{current}"', **own_district["tokens"]["administrator"])
    assert answer.status_code == 200, answer.content
    issued = [r for r in answer.json()["issued"] if r["series"] == SERIES]
    assert issued and all(r["doc_number"].startswith(f"{SERIES}〔2027〕") for r in issued)
    stored = DatabaseStore().load(district, 2028)
    assert stored is not None
    assert [r.serial for r in numbered_in(2027, stored.state)] == list(
        range(before[-1].serial + 1, before[-1].serial + 1 + len(issued)))


def test_two_exports_numbering_into_one_register_at_once_take_distinct_numbers(own_district: dict[str, Any]) -> None:
    from django.db import connections

    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    district = own_district["district"]
    _planned(district)
    barrier = threading.Barrier(2)
    states: dict[int, YearState] = {}
    failed: list[BaseException] = []

    def run(year: int) -> None:
        try:
            barrier.wait()
            states[year] = Workspace(store=DatabaseStore()).export(district, year, [("docx", {})],
                                                                   issued_on=dt.date(2027, 12, 20)).state
        except BaseException as exc:  # handed to the test's thread
            failed.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(year,)) for year in (2028, 2027)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    if failed:
        raise failed[0]
    taken = numbered_in(2027, states[2027], states[2028])
    assert {r.engagement_title for r in taken} == {"迎新年座谈会", "迎春座谈会"}
    assert sorted(r.serial for r in taken) == list(range(1, len(taken) + 1))  # none twice, no gap


def test_two_exports_each_needing_both_years_take_their_locks_in_one_order(own_district: dict[str, Any],
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The 2028 plan issuing on 2027-12-20 needs 2027's lock and 2028's; the 2027 plan answering on
    2028-01-05 needs 2028's and 2027's. Each lock is held a moment before the next is asked for, so
    that two exports taking them each in its own plan year's order first would each hold one and
    wait for the other's (then fail after ``lock_wait``): in ascending order, both go through."""
    import contextlib
    import time
    from collections.abc import Iterator

    from django.db import connections

    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    district = own_district["district"]
    _planned(district)
    taking = DatabaseStore.lock

    @contextlib.contextmanager
    def slow(self: DatabaseStore, district: District, year: int) -> Iterator[None]:
        with taking(self, district, year):
            time.sleep(0.3)
            yield

    monkeypatch.setattr(DatabaseStore, "lock", slow)
    barrier = threading.Barrier(2)
    done: dict[int, bool] = {}
    failed: list[BaseException] = []

    def run(year: int, day: dt.date) -> None:
        try:
            barrier.wait()
            Workspace(store=DatabaseStore(lock_wait=5)).export(district, year, [("docx", {})], issued_on=day)
            done[year] = True
        except BaseException as exc:  # handed to the test's thread
            failed.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(2028, dt.date(2027, 12, 20))),
               threading.Thread(target=run, args=(2027, dt.date(2028, 1, 5)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    if failed:
        raise failed[0]
    assert done == {2027: True, 2028: True}
