"""The year's lock between processes (liaison_web.store: a file lock beside SQLite's file through a
gate, PostgreSQL's advisory lock in its own queue) wakes its waiter and takes turns: a holder that
lets it go and asks again comes after the one already waiting, not before it (the writers of one
``--workers`` process would else keep the year from the other's). A wait past its deadline is the
store's refusal, and leaves the lock free for the next. The lock's two sides are taken here from two
threads, each with its own connection and, on SQLite, its own file descriptor — the kernel and
PostgreSQL tell them apart as they tell two processes apart."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

ON_POSTGRES_TOO = True


def _take(district: Any, deadline_in: float = 30.0) -> Callable[[], None]:
    from django.db import connection

    from liaison_web.store import DatabaseStore

    store = DatabaseStore()
    deadline = time.monotonic() + deadline_in
    if connection.vendor == "postgresql":
        return store._advisory(connection, district, 2027, deadline)
    return store._flock(connection, district, 2027, deadline)


def _someone_waits(district: Any) -> bool:
    """Whether another side waits for the year's lock (at SQLite's gate; in PostgreSQL's queue)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            return bool(cursor.fetchone()[0])
    from pathlib import Path

    from liaison_web.store import _gate_free

    gate = Path(f"{connection.settings_dict['NAME']}.locks") / f"{district.info.id}-2027.gate"
    return gate.exists() and not _gate_free(gate)


def _until(condition: Callable[[], bool]) -> None:
    for _ in range(2000):
        if condition():
            return
        time.sleep(0.005)
    raise AssertionError("the other side never came to wait")


def _in_thread(work: Callable[[], None], failed: list[BaseException]) -> threading.Thread:
    from django.db import connections

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the test's thread
            failed.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_holder_asking_again_comes_after_the_waiter(database: str) -> None:
    from liaison.formats.district import seed_district

    district = seed_district()
    order: list[str] = []
    failed: list[BaseException] = []
    release = _take(district)

    def waiter() -> None:
        mine = _take(district)
        order.append("waiter")
        mine()

    thread = _in_thread(waiter, failed)
    _until(lambda: _someone_waits(district))
    release()
    again = _take(district)  # the holder's next batch: after the waiter's turn
    order.append("holder again")
    again()
    thread.join(60)
    assert not failed, failed
    assert order == ["waiter", "holder again"]


def test_a_wait_past_its_deadline_is_refused_and_leaves_the_lock_free(database: str) -> None:
    from liaison.base.errors import ExportError
    from liaison.formats.district import seed_district

    district = seed_district()
    failed: list[BaseException] = []
    refused: list[BaseException] = []
    release = _take(district)

    def waiter() -> None:
        with pytest.raises(ExportError, match="another writer holds") as raised:
            _take(district, deadline_in=0.2)
        refused.append(raised.value)

    _in_thread(waiter, failed).join(60)
    assert not failed and len(refused) == 1
    release()
    taken: list[bool] = []

    def next_one() -> None:
        _take(district, deadline_in=10)()
        taken.append(True)

    _in_thread(next_one, failed).join(60)
    assert not failed and taken == [True]


def test_postgres_lock_timeout_is_put_back(database: str) -> None:
    from django.db import connection

    from liaison.formats.district import seed_district

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's lock_timeout")
    district = seed_district()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        before = cursor.fetchone()[0]
    failed: list[BaseException] = []
    holder_release: list[Callable[[], None]] = []
    holding, done = threading.Event(), threading.Event()

    def holder() -> None:
        holder_release.append(_take(district))
        holding.set()
        done.wait(60)
        holder_release[0]()

    thread = _in_thread(holder, failed)
    holding.wait(60)
    with pytest.raises(Exception, match="another writer holds"):
        _take(district, deadline_in=0.2)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('lock_timeout')")
        assert cursor.fetchone()[0] == before
    done.set()
    thread.join(60)
    assert not failed, failed
