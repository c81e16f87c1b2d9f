"""The answers the service keeps per revision are never stale: each read's ETag names what its
answer is made of, a conditional read of the current one is 304, and after a change — an engagement
moved (a new revision of the year), a record added (a new state of the year's records) — the same
conditional read is answered again in full, with the change in it and a new ETag."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from web_db import CLERK_OF, YEAR

ON_POSTGRES_TOO = True


def _get(path: str, auth: dict[str, str], etag: str | None = None) -> Any:
    from django.test import Client

    return Client().get(path, **auth, **({"HTTP_IF_NONE_MATCH": etag} if etag else {}))


def _post(path: str, body: Any, auth: dict[str, str], etag: str | None = None) -> Any:
    from django.test import Client

    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    return Client().post(path, data=json.dumps(body), content_type="application/json", **headers, **auth)


def _reads(code: str, day: str) -> dict[str, str]:
    base = f"/api/v1/districts/{code}/years/{YEAR}"
    return {"plan": f"{base}/plan", "engagement": f"{base}/engagements/{YEAR}/joint_meeting/{CLERK_OF}",
            "due": f"/api/v1/districts/{code}/organisations/{CLERK_OF}/due?as_of={day}",
            "findings": f"{base}/findings?as_of={day}"}


def _kept(reads: dict[str, str], auth: dict[str, str]) -> dict[str, tuple[str, Any]]:
    """Each read's ETag and body, and the proof that the ETag is the current one (304, no body)."""
    kept = {}
    for name, path in reads.items():
        first = _get(path, auth)
        assert first.status_code == 200 and first["ETag"], (name, first.content[:300])
        again = _get(path, auth, first["ETag"])
        assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"], name
        kept[name] = (first["ETag"], first.json())
    return kept


def test_a_kept_answer_is_never_stale(own_district: dict[str, Any]) -> None:
    code, auth = own_district["code"], own_district["tokens"]["administrator"]
    meeting = _get(_reads(code, "")["engagement"], auth).json()
    day = (dt.date.fromisoformat(meeting["date"]) + dt.timedelta(days=10)).isoformat()
    reads = _reads(code, day)
    before = _kept(reads, auth)
    assert meeting["id"] in [i["ref"] for i in before["due"][1]["items"] if i["kind"] == "record_missing"]

    # a write: the engagement agreed (a new revision) — every read's ETag changes, and its answer
    moved = _get(reads["engagement"], auth)
    confirmed = _post(f"{reads['engagement']}/confirm", {"force": True}, auth, moved["ETag"])
    assert confirmed.status_code == 200, confirmed.content
    after = {}
    for name, path in reads.items():
        answer = _get(path, auth, before[name][0])  # the old ETag: no longer the current one
        assert answer.status_code == 200 and answer["ETag"] != before[name][0], name
        after[name] = (answer["ETag"], answer.json())
    assert before["engagement"][1]["status"] == "proposed" and after["engagement"][1]["status"] == "agreed"
    assert next(e for e in after["plan"][1]["engagements"] if e["id"] == meeting["id"])["status"] == "agreed"

    # a record added (the meeting's, after its day): the year's revision is the same, so the plan's and
    # the engagement's ETags stand; the due list and the findings count the records: theirs change
    recorded = _post(f"/api/v1/districts/{code}/years/{YEAR}/records/engagements",
                                 {"id": meeting["id"], "kind": meeting["kind"], "date": meeting["date"],
                                  "host": CLERK_OF, "attended": meeting["participants"]}, auth)
    assert recorded.status_code == 201, recorded.content
    for name in ("plan", "engagement"):
        assert _get(reads[name], auth, after[name][0]).status_code == 304, name
    for name in ("due", "findings"):
        answer = _get(reads[name], auth, after[name][0])
        assert answer.status_code == 200 and answer["ETag"] != after[name][0], name
    due = _get(reads["due"], auth).json()
    assert meeting["id"] not in [i["ref"] for i in due["items"] if i["kind"] == "record_missing"]


def test_the_due_lists_etag_names_its_day_and_organisation(own_district: dict[str, Any]) -> None:
    """Another day's or another body's list is another answer: a tag of one is not a 304 of the other."""
    code, auth = own_district["code"], own_district["tokens"]["administrator"]
    path = f"/api/v1/districts/{code}/organisations/{CLERK_OF}/due?as_of={YEAR}-03-10"
    tag = _get(path, auth)["ETag"]
    assert _get(path.replace("03-10", "03-11"), auth, tag).status_code == 200
    assert _get(path.replace(CLERK_OF, "finance"), auth, tag).status_code == 200



def test_one_engagement_is_its_entry_in_the_plan(own_district: dict[str, Any]) -> None:
    """An engagement's read (and a change's audit entry) is made from the engagement alone, not from
    the whole plan: the same JSON as its entry in the plan's document, for every engagement."""
    code, auth = own_district["code"], own_district["tokens"]["administrator"]
    base = f"/api/v1/districts/{code}/years/{YEAR}"
    plan = _get(f"{base}/plan", auth).json()
    assert len(plan["engagements"]) > 20
    for entry in plan["engagements"]:
        one = _get(f"{base}/engagements/{entry['id']}", auth)
        assert one.status_code == 200 and one.json() == entry, entry["id"]


def test_a_write_reads_neither_the_user_nor_the_years_text(own_district: dict[str, Any]) -> None:
    """A change by a token: the user its audit entry names comes with the token's query, and the
    year's state already parsed is not read again (the save compares digests) — the queries of a
    write, counted as the reads' are (test_web_queries.py)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liaison_web import models

    code, auth = own_district["code"], own_district["tokens"]["clerk"]
    path = f"/api/v1/districts/{code}/years/{YEAR}/engagements/{YEAR}/joint_meeting/{CLERK_OF}"
    etag = _get(path, auth)["ETag"]
    with CaptureQueriesContext(connection) as captured:
        moved = _post(f"{path}/move", {"date": f"{YEAR}-09-07", "force": True}, auth, etag)
    assert moved.status_code == 200, moved.content
    users, years = get_user_model()._meta.db_table, models.Year._meta.db_table
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].upper().startswith("SELECT")]
    assert not [q for q in selects if f'FROM "{users}"' in q], selects
    assert not [q for q in selects if f'"{years}"."state"' in q], selects
    entry = models.AuditEntry.objects.filter(district__code=code, object_type="engagement").latest("id")
    assert entry.user is not None and entry.user.username == f"clerk-{code}" and entry.actor.startswith(f"clerk-{code}")


def test_the_findings_are_checked_again_only_when_what_they_count_changed(
        own_district: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A change of a meeting not yet held (moved, agreed) leaves the findings as they were: the new
    revision's are the same answer (its own ETag), not checked again; a meeting marked held is counted
    at once — and what is answered is what the check made of the new revision from nothing says."""
    from liaison.law import compliance
    from liaison_web import api

    checked: list[int] = []
    checking = compliance.check

    def counting(*args: Any, **kwargs: Any) -> Any:
        checked.append(1)
        return checking(*args, **kwargs)

    monkeypatch.setattr(compliance, "check", counting)
    code, auth = own_district["code"], own_district["tokens"]["administrator"]
    reads = _reads(code, f"{YEAR}-12-31")
    first = _get(reads["findings"], auth)
    assert first.status_code == 200 and len(checked) == 1
    meeting = _get(reads["engagement"], auth)
    moved = _post(f"{reads['engagement']}/move", {"date": f"{YEAR}-09-07", "force": True}, auth, meeting["ETag"])
    assert moved.status_code == 200, moved.content
    again = _get(reads["findings"], auth, first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"] and again.json() == first.json()
    assert len(checked) == 1  # the same held engagements, the same notices: the same findings
    held = _post(f"{reads['engagement']}/held", {"force": True}, auth, moved["ETag"])
    assert held.status_code == 200, held.content
    counted = _get(reads["findings"], auth)
    assert counted.status_code == 200 and len(checked) == 2 and counted.json() != first.json()
    for cache in (api._loaded, api._counted, api._findings, api._findings_of, api._report, api._report_of):
        cache.cache_clear()  # type: ignore[attr-defined]
    assert _get(reads["findings"], auth).json() == counted.json()


def test_a_change_makes_again_only_the_entries_of_the_engagements_it_changed(
        own_district: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """An engagement's entry is kept by what it is, not by the year's revision: after a move, the
    read of another engagement at the new revision sends what it sent before (its ETag too) without
    making its entry again; the moved one's is made again and shows the new day."""
    from liaison_web import api

    made: list[str] = []
    making = api.engagement_entry

    def counting(district: Any, engagement: Any, duties: Any) -> Any:
        made.append(engagement.id)
        return making(district, engagement, duties)

    monkeypatch.setattr(api, "engagement_entry", counting)
    code, auth = own_district["code"], own_district["tokens"]["administrator"]
    reads = _reads(code, "")
    plan = _get(reads["plan"], auth).json()
    meeting = _get(reads["engagement"], auth)
    other_id = next(e["id"] for e in plan["engagements"] if e["id"] != meeting.json()["id"])
    other = f"/api/v1/districts/{code}/years/{YEAR}/engagements/{other_id}"
    seen = _get(other, auth)
    assert seen.status_code == 200
    day = (dt.date.fromisoformat(meeting.json()["date"]) + dt.timedelta(days=1)).isoformat()
    made.clear()
    moved = _post(f"{reads['engagement']}/move", {"date": day, "force": True}, auth, meeting["ETag"])
    assert moved.status_code == 200, moved.content
    assert moved.json()["date"] == day and moved["ETag"] != meeting["ETag"]
    assert made == [meeting.json()["id"]]  # the moved one's, once: its audit entry and its answer share it
    again = _get(other, auth)
    assert again.status_code == 200 and again["ETag"] == seen["ETag"] and again.content == seen.content
    assert made == [meeting.json()["id"]]
    assert _get(reads["engagement"], auth).json() == moved.json()
