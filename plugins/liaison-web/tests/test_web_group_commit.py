"""Group commit (liaison_web.group): the changes of one year waiting for its lock in a process are
made together by the one that takes it — each checked against the engagement as the batch holds it
at its turn and answered on its own (200, 412, 409, 422: a bad one fails no other), each with its
own audit entry, one revision for the batch. The changes are sent from threads of this process
while the test holds the year's lock, so they are known to wait together (no timing: the test
looks at the waiting turns)."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from web_db import YEAR, api_client

#: the HTTP tests run on PostgreSQL too under .ci/with-postgres (conftest)
ON_POSTGRES_TOO = True


class Sent:
    """One change sent from a thread of its own: its answer (status, body, ETag) once it came."""

    def __init__(self, path: str, body: dict[str, Any], auth: dict[str, str], etag: str) -> None:
        self.path, self.body, self.auth, self.etag = path, body, auth, etag
        self.status = 0
        self.answer: dict[str, Any] = {}
        self.tag = ""
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        from django.db import connections

        try:
            made = api_client().post(self.path, data=json.dumps(self.body), content_type="application/json",
                                     HTTP_IF_MATCH=f'"{self.etag}"', **self.auth)
            self.status, self.answer = made.status_code, made.json()
            self.tag = made.get("ETag", "").strip('"')
        finally:
            connections.close_all()


def _waiting(count: int, busy: bool = True) -> None:
    """Until some year's batch is being made (``busy``) with ``count`` turns waiting for the next."""
    from liaison_web import group

    for _ in range(6000):  # bounded: 60 s at most, then the test fails saying so
        if any(y.busy == busy and len(y.waiting) == count for y in list(group._YEARS.values())):
            return
        time.sleep(0.01)
    raise AssertionError(f"no year had {count} changes waiting")


def test_changes_waiting_together_are_one_batch_each_with_its_own_answer_and_audit_entry(
        own_district: dict[str, Any]) -> None:
    from liaison_web import models
    from liaison_web.store import DatabaseStore

    own, admin = own_district, own_district["tokens"]["administrator"]
    code = own["code"]
    base = f"/api/v1/districts/{code}/years/{YEAR}/engagements"
    plan = api_client().get(f"/api/v1/districts/{code}/years/{YEAR}/plan", **admin).json()
    ids = [e["id"] for e in plan["engagements"]][:6]

    def read(engagement: str) -> tuple[dict[str, Any], str]:
        got = api_client().get(f"{base}/{engagement}", **admin)
        assert got.status_code == 200
        return got.json(), got["ETag"].strip('"')

    seen = {e: read(e) for e in ids}

    def moved(engagement: str, days: int) -> str:
        import datetime as dt

        return (dt.date.fromisoformat(seen[engagement][0]["date"]) + dt.timedelta(days=days)).isoformat()

    first = Sent(f"{base}/{ids[0]}/move", {"date": moved(ids[0], 7), "force": True}, admin, seen[ids[0]][1])
    batch = {
        # two clients that read the same engagement: whichever comes first is made, the other is 412
        "a": Sent(f"{base}/{ids[1]}/move", {"date": moved(ids[1], 7)}, admin, seen[ids[1]][1]),
        "b": Sent(f"{base}/{ids[1]}/move", {"date": moved(ids[1], 14)}, admin, seen[ids[1]][1]),
        "out of the year": Sent(f"{base}/{ids[2]}/move", {"date": f"{YEAR + 1}-03-01"}, admin, seen[ids[2]][1]),
        "not yet held": Sent(f"{base}/{ids[3]}/held", {}, admin, seen[ids[3]][1]),
        "cancel": Sent(f"{base}/{ids[4]}/cancel", {"reason": "批量测试"}, admin, seen[ids[4]][1]),
        "confirm": Sent(f"{base}/{ids[5]}/confirm", {}, admin, seen[ids[5]][1]),
    }
    entries = models.AuditEntry.objects.filter(district__code=code, object_type="engagement")
    entries_before = set(entries.values_list("id", flat=True))
    revisions_before = models.YearRevision.objects.filter(year__district__code=code, year__year=YEAR).count()
    with DatabaseStore().lock(own["district"], YEAR):  # the year held: every change waits for it
        first.thread.start()
        _waiting(0)  # the first holds the next batch, alone, and waits for the lock
        for sent in batch.values():
            sent.thread.start()
        _waiting(len(batch))  # the others wait for that batch: the next one is theirs, all together
    for sent in (first, *batch.values()):
        sent.thread.join(120)
        assert not sent.thread.is_alive()

    assert first.status == 200, first.answer
    won, lost = (batch["a"], batch["b"]) if batch["a"].status == 200 else (batch["b"], batch["a"])
    assert (won.status, lost.status) == (200, 412), (won.answer, lost.answer)
    # the 412 carries the engagement as the batch left it (the winner's change) and its ETag
    assert lost.answer["engagement"] == won.answer and lost.tag == won.tag
    assert batch["out of the year"].status == 422, batch["out of the year"].answer
    assert batch["not yet held"].status == 409, batch["not yet held"].answer
    assert batch["not yet held"].answer["kind"] == "NotYetHeld"
    assert batch["cancel"].status == 200 and batch["cancel"].answer["status"] == "cancelled"
    assert batch["confirm"].status == 200 and batch["confirm"].answer["status"] == "agreed"

    made = [first, won, batch["cancel"], batch["confirm"]]
    # two saves: the first change's, and one for the whole batch (each change alone would be four)
    revisions = models.YearRevision.objects.filter(year__district__code=code, year__year=YEAR).count()
    assert revisions - revisions_before == 2
    # each change made has its own audit entry: what its client read before, what it was answered after
    new = [e for e in entries.order_by("id") if e.id not in entries_before]
    assert len(new) == len(made)
    for sent in made:
        engagement = sent.path.rsplit("/", 1)[0].removeprefix(f"{base}/")
        (entry,) = [e for e in new if e.object_id == engagement]
        assert entry.before == seen[engagement][0]
        assert {k: v for k, v in entry.after.items() if k != "reason"} == sent.answer
        # what it was answered is the engagement as the year holds it now, with its ETag
        assert read(engagement) == (sent.answer, sent.tag)
    # the refused ones left their engagements as their clients read them
    for name in ("out of the year", "not yet held"):
        engagement = batch[name].path.rsplit("/", 1)[0].removeprefix(f"{base}/")
        assert read(engagement) == seen[engagement]
