"""What a read costs the database, counted (not timed): with a bearer token every read of one
district's year — the plan, an engagement, the due list, the findings — is two queries (the token
with its user and memberships; the district's version with the year's revision, and for the due list
and the findings the state of the year's records, which they count, in the same query), whatever the
role; the year's state is parsed, and each answer made, once per revision. And the cache is not a
second copy of the store: a change made elsewhere (the command line, another server process) is the
next read's answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from web_db import CLERK_OF, ROLES, YEAR

ENGAGEMENT = f"{YEAR}/joint_meeting/{CLERK_OF}"
READS = {
    "plan": f"/api/v1/districts/seed/years/{YEAR}/plan",
    "engagement": f"/api/v1/districts/seed/years/{YEAR}/engagements/{ENGAGEMENT}",
    "due": f"/api/v1/districts/seed/organisations/{CLERK_OF}/due?as_of={YEAR}-03-10",
    "findings": f"/api/v1/districts/seed/years/{YEAR}/findings?as_of={YEAR}-06-30",
}
#: The queries of a read: the token (its user and memberships joined), the district's version and the year's revision
#: (with the state of the year's records, for the due list and the findings, which count them).
PER_READ = 2


def _queries(auth: dict[str, str], path: str, **headers: str) -> tuple[int, list[str]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **auth, **headers)
    assert response.status_code in (200, 304), (path, response.status_code, response.content[:300])
    return response.status_code, [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("read", sorted(READS))
def test_a_read_is_two_queries(two_districts: dict[str, Any], role: str, read: str) -> None:
    auth = two_districts[role]
    if role == "liaison_officer" and read in ("engagement", "due"):
        pytest.skip("the officer's body neither attends the clerk's meeting nor owns its list")
    _queries(auth, READS[read])  # the first read of the revision makes the answer (and notes the token's use)
    status, sql = _queries(auth, READS[read])
    assert status == 200 and len(sql) == PER_READ, sql
    assert not any(word in " ".join(sql).upper() for word in ("INSERT", "UPDATE", "DELETE"))


@pytest.mark.parametrize("read", sorted(READS))
def test_a_conditional_read_is_two_queries_and_304(two_districts: dict[str, Any], read: str) -> None:
    from django.test import Client

    auth = two_districts["administrator"]
    etag = Client().get(READS[read], **auth)["ETag"]
    status, sql = _queries(auth, READS[read], HTTP_IF_NONE_MATCH=etag)
    assert status == 304 and len(sql) == PER_READ


def test_the_city_is_two_queries_however_many_districts(two_districts: dict[str, Any]) -> None:
    from liaison_web import models

    auth = two_districts["city_auditor"]
    path = f"/api/v1/city?year={YEAR}&as_of={YEAR}-06-30"
    first = _queries(auth, path)[1]
    districts = models.District.objects.filter(versions__isnull=False).distinct().count()
    assert districts >= 2
    # the token; every district's version, year and records in one (liaison_web.city.survey)
    assert len(_queries(auth, path)[1]) == 2 < len(first)


def test_a_change_made_elsewhere_is_the_next_reads_answer(two_districts: dict[str, Any]) -> None:
    """The cached answers are keyed on the revision the store holds: the command line's change
    (the workspace on the same database, not through this API) shows at once, with its ETag."""
    from django.test import Client

    from liaison.year.reconcile import Change
    from liaison_web.bootstrap import district
    from liaison_web.etags import engagement_tag
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    auth = two_districts["administrator"]
    before = Client().get(READS["engagement"], **auth)
    due_before = Client().get(READS["due"], **auth).json()
    found = district("seed")
    assert found is not None
    day = dt.date(YEAR, 9, 7) if before.json()["date"] != f"{YEAR}-09-07" else dt.date(YEAR, 9, 8)
    outcome = Workspace(store=DatabaseStore()).update(found, YEAR, [Change("move", ENGAGEMENT, day)], force=True)
    after = Client().get(READS["engagement"], **auth)
    assert outcome.revision != before["ETag"] != after["ETag"] == f'"{engagement_tag(after.content)}"'
    assert after.json()["date"] == day.isoformat() and after.json()["status"] == "agreed"
    assert Client().get(READS["due"], **auth).json() != due_before  # its date is agreed now: not on the list


def test_the_first_read_after_a_change_made_here_reads_no_state(two_districts: dict[str, Any]) -> None:
    """A change saved by this process leaves its state parsed: the first read of the new revision
    asks only which version of the district is current beside its two queries — not the year's row,
    not its state's text (:meth:`liaison_web.store.DatabaseStore.kept`) — and is the state saved."""
    from django.test import Client

    from liaison_web import api, models

    auth = two_districts["administrator"]
    before = Client().get(READS["engagement"], **auth)
    day = f"{YEAR}-09-07" if before.json()["date"] != f"{YEAR}-09-07" else f"{YEAR}-09-08"
    moved = Client().post(f"{READS['engagement']}/move", data={"date": day, "force": True},
                          content_type="application/json", HTTP_IF_MATCH=before["ETag"], **auth)
    assert moved.status_code == 200, moved.content[:300]
    for made in (api._loaded, api._one):  # an earlier test's answers at a revision of the same tag
        made.cache_clear()  # type: ignore[attr-defined]
    status, sql = _queries(auth, READS["engagement"])
    year, revision = models.Year._meta.db_table, models.YearRevision._meta.db_table
    assert status == 200 and len(sql) == PER_READ + 1, sql  # and the district's current version
    assert not any(f'"{year}"."id"' in q or f'"{revision}".' in q for q in sql), sql  # the ORM's reads of them
    assert Client().get(READS["engagement"], **auth).json() == moved.json()


def test_the_store_keeps_a_years_newest_states_parsed(two_districts: dict[str, Any]) -> None:
    """The states parsed are kept for a year's newest revisions only; an older one is read again
    when asked for, the same state."""
    from liaison.year.reconcile import Change
    from liaison_web import store as stores
    from liaison_web.bootstrap import district
    from liaison_web.memo import REVISIONS_KEPT
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    found = district("seed")
    assert found is not None
    tags = []
    for n in range(REVISIONS_KEPT + 3):
        day = dt.date(YEAR, 9, 7 + n % 2)
        tags.append(Workspace(store=DatabaseStore()).update(found, YEAR, [Change("move", ENGAGEMENT, day)],
                                                            force=True).revision)
    kept = [key[3] for key in stores._PARSED if key[1:3] == (id(found), YEAR)]
    assert sorted(kept) == sorted(tags[-REVISIONS_KEPT:])
    old = DatabaseStore().load(found, YEAR, revision=tags[0])
    assert old is not None and old.revision == tags[0]
    assert old.state.plan.get(ENGAGEMENT).date == dt.date(YEAR, 9, 7)


def test_an_answer_is_made_once_however_many_ask_at_once() -> None:
    """After a change every reader asks for the new revision's answers together: one makes each, the
    others wait for it; a failure is not kept (the next caller makes it again)."""
    import threading
    import time

    from liaison_web.memo import once

    made: list[str] = []
    failing = [True]

    @once(4)
    def answer(key: str) -> str:
        made.append(key)
        time.sleep(0.05)  # long enough for every other thread to arrive while it is made
        return key.upper()

    @once(4)
    def broken(key: str) -> str:
        made.append(f"broken {key}")
        if failing[0]:
            raise ValueError(key)
        return key

    got: list[str] = []
    threads = [threading.Thread(target=lambda: got.append(answer("plan"))) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == ["PLAN"] * 20 and made == ["plan"]
    assert [answer(k) for k in "abcde"] and answer("plan") == "PLAN" and made.count("plan") == 2  # 4 kept: evicted
    with pytest.raises(ValueError):
        broken("x")
    failing[0] = False
    assert broken("x") == "x" and made.count("broken x") == 2


def test_only_a_years_newest_revisions_answers_are_kept() -> None:
    """Under a stream of changes the answers of the revisions no reader asks for again are let go:
    of the keys alike but for the revision, the newest REVISIONS_KEPT; another year's, another
    body's, are kept beside them; an old revision asked for again is made, and kept only until a
    newer one is."""
    from liaison_web.memo import REVISIONS_KEPT, once

    made: list[tuple[str, str]] = []

    @once(64, revision=1)
    def answer(year: str, revision: str, body: str = "") -> str:
        made.append((year, revision))
        return f"{year} {revision} {body}"

    last = REVISIONS_KEPT + 3
    for n in range(1, last + 1):
        answer("2027", f"{n}-ab")
    answer("2028", "1-cd")
    answer("2027", f"{last}-ab", body="health")  # another key beside the revision: its own year of keys
    made.clear()
    newest = [f"{n}-ab" for n in range(last - REVISIONS_KEPT + 1, last + 1)]
    for tag in newest:
        answer("2027", tag)
    answer("2028", "1-cd")
    answer("2027", f"{last}-ab", body="health")
    assert made == []  # all kept
    answer("2027", "1-ab")
    answer("2027", "1-ab")
    assert made == [("2027", "1-ab")]  # older than the kept ones: made again, kept until a newer one
    answer("2027", f"{last + 1}-ab")
    answer("2027", "1-ab")
    assert made == [("2027", "1-ab"), ("2027", f"{last + 1}-ab"), ("2027", "1-ab")]
    made.clear()
    for tag in [*newest[1:], f"{last + 1}-ab"]:
        answer("2027", tag)
    assert made == []
    answer("2027", "not a revision")
    answer("2027", "not a revision")
    assert made.count(("2027", "not a revision")) == 1  # what is not a revision is kept as any key


def test_a_tokens_use_is_written_once_a_minute(two_districts: dict[str, Any]) -> None:
    """The read's one query also gives the token's last use: brought forward when older than a
    minute (one UPDATE), not on every request."""
    from liaison_web import models
    from liaison_web.tokens import LAST_USED_EVERY

    auth = two_districts["auditor"]
    prefix = auth["HTTP_AUTHORIZATION"].split()[1][:12]
    models.ApiToken.objects.filter(prefix=prefix).update(last_used=None)
    first = _queries(auth, READS["plan"])[1]
    used = models.ApiToken.objects.get(prefix=prefix).last_used
    assert used is not None and sum(q.upper().startswith("UPDATE") for q in first) == 1
    assert len(_queries(auth, READS["plan"])[1]) == PER_READ  # within the minute: nothing written
    models.ApiToken.objects.filter(prefix=prefix).update(last_used=used - LAST_USED_EVERY - dt.timedelta(seconds=1))
    again = _queries(auth, READS["plan"])[1]
    assert sum(q.upper().startswith("UPDATE") for q in again) == 1
    assert models.ApiToken.objects.get(prefix=prefix).last_used > used - LAST_USED_EVERY
