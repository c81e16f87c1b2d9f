"""Publishing the district's year to CalDAV from the server, to a real Radicale on 127.0.0.1 (as the
caldav plugin's tests do): ``POST …/publish/caldav`` queues a job (202, its address in
``Location``) that the service's worker performs — every event first, no write on a rerun, one PUT
per calendar after a move through the API —, recorded in the year's state; credentials from the
settings only, in no record; a refused password is retried with a backoff and logged, then
``failed``; a retry after a failure goes on and succeeds; the serve's worker thread performs a job
as soon as it is queued; no server is 409 at once (``NotConfigured``: the deployment's state, not a
failure of the service)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from caldav_radicale import PASSWORD, Radicale, available, report_events, start, stop
from web_db import YEAR

from liaison.formats.district import seed_district

pytestmark = pytest.mark.skipif(not available(), reason="radicale is not installed (pip install radicale)")
PUBLISH = f"/api/v1/districts/seed/years/{YEAR}/publish/caldav"
USER = "user1"
#: Retries at once, two attempts in all: a test sees a job through to the end in two passes.
QUICK = {"backoff": 0.0, "max_attempts": 2, "jitter": False}


@pytest.fixture
def loaded_plugins() -> str:
    return "web,caldav"


@pytest.fixture
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """A Radicale of the test's own: a publication counts what it created, which a server an earlier
    test published the same year to would already hold (the tests run in any order)."""
    server = start(tmp_path_factory.mktemp("radicale"))
    try:
        yield server
    finally:
        stop(server)


def bearer(user: Any) -> dict[str, str]:
    from liaison_web.tokens import make_token

    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user.username, 'publish', ('read', 'write'))}"}


def queue(auth: dict[str, str], **body: Any) -> Any:
    from django.test import Client

    return Client().post(PUBLISH, data=json.dumps(body), content_type="application/json", **auth)


def job_of(auth: dict[str, str], queued: Any) -> dict[str, Any]:
    from django.test import Client

    assert queued.status_code == 202, queued.content
    polled = Client().get(queued["Location"], **auth)
    assert polled.status_code == 200, polled.content
    found: dict[str, Any] = polled.json()
    return found


def publish(auth: dict[str, str], **body: Any) -> dict[str, Any]:
    """Queue a publication, let the worker's pass perform it, and poll the job: its result."""
    from liaison_web.jobs import perform_pending

    queued = queue(auth, **body)
    assert job_of(auth, queued)["status"] == "pending"
    assert perform_pending().done == 1
    job = job_of(auth, queued)
    assert job["status"] == "done" and job["error"] is None and len(job["log"]) == 1, job
    result: dict[str, Any] = job["result"]
    return result


def test_the_server_publishes_the_year_to_caldav(database: str, users: dict[str, Any], radicale: Radicale) -> None:
    from django.test import Client, override_settings

    from liaison_caldav import collection_slug
    from liaison_ical import calendar_resources
    from liaison_web import models
    from liaison_web.store import DatabaseStore

    auth = bearer(users["admin"])
    store = DatabaseStore()
    with override_settings(LIAISON_CALDAV={"url": radicale.url, "user": USER, "password": PASSWORD}):
        done = publish(auth)
        stored = store.load(seed_district(), YEAR)
        assert stored is not None
        wanted = calendar_resources(seed_district(), stored.state.plan)
        events = sum(len(c.resources) for c in wanted.calendars)
        assert (done["created"], done["updated"], done["conflicts"]) == (events, 0, [])
        assert done["revision"] == stored.revision and done["target"] == radicale.url
        master = report_events(f"{radicale.url}{USER}/{collection_slug('seed', str(YEAR), '全部')}/", USER, PASSWORD)
        assert len(master) == len(wanted.calendars[0].resources)
        publication = stored.state.publication("caldav", radicale.url)
        assert publication is not None and publication.calendars
        # nothing changed: nothing written
        again = publish(auth)
        assert (again["created"], again["updated"], again["writes"], again["unchanged"]) == (0, 0, 0, events)
        # a move through the API: one PUT per calendar holding the engagement
        one = f"/api/v1/districts/seed/years/{YEAR}/engagements/{YEAR}/joint_meeting/health"
        etag = f'"{store.current(seed_district(), YEAR)}"'
        moved = Client().post(f"{one}/move", data=json.dumps({"date": f"{YEAR}-09-07", "force": True}),
                              content_type="application/json", HTTP_IF_MATCH=etag, **auth)
        assert moved.status_code == 200, moved.content
        engagement = next(e for e in stored.state.plan.engagements if e.id == f"{YEAR}/joint_meeting/health")
        holding = 1 + len(set(engagement.participants))  # the master calendar and each body's taking part
        # what the move changed in the calendars, from the plans before and after (the move may also
        # shift another engagement of the same bodies, as the records other tests left in the year allow)
        now = store.load(seed_district(), YEAR)
        assert now is not None
        was = {(c.key, r.uid): r.digest for c in wanted.calendars for r in c.resources}
        made = {(c.key, r.uid): r.digest for c in calendar_resources(seed_district(), now.state.plan).calendars
                for r in c.resources}
        created = len(made.keys() - was.keys())
        updated = sum(1 for k in made.keys() & was.keys() if made[k] != was[k])
        assert updated >= holding  # at least the moved meeting in each of its calendars
        after = publish(auth)
        assert (after["created"], after["updated"], after["writes"]) == (
            created, updated, created + updated + len(was.keys() - made.keys()))
    entries = list(models.AuditEntry.objects.filter(action="publish").order_by("id"))
    assert len(entries) >= 3 and entries[-1].after["target"] == radicale.url
    text = json.dumps([e.after for e in entries], ensure_ascii=False)
    state = models.YearRevision.objects.filter(year__district__code="seed", year__year=YEAR).latest("seq").state
    assert PASSWORD not in text
    assert PASSWORD not in state  # the publication records the collections' paths, never the credentials


def test_a_refused_password_is_retried_logged_then_failed_and_no_server_409(
        database: str, users: dict[str, Any], radicale: Radicale) -> None:
    from django.test import Client, override_settings

    from liaison_web import models
    from liaison_web.jobs import perform_pending

    auth = bearer(users["admin"])
    with override_settings(LIAISON_CALDAV={"url": radicale.url, "user": USER, "password": "wrong"},
                           LIAISON_WEBHOOKS=QUICK):
        queued = queue(auth)
        assert perform_pending().attempts == 1
        job = job_of(auth, queued)  # the first refusal: to be tried again, the error kept
        assert (job["status"], job["attempts"], job["finished"]) == ("pending", 1, None)
        assert job["error"]["kind"] == "PublishError" and job["error"]["message_zh"]
        assert job["log"][0]["error"] and job["next_attempt"] is not None
        assert not models.AuditEntry.objects.filter(action="publish-failed", before__job=job["id"]).exists()
        assert perform_pending().failed == 1
    job = job_of(auth, queued)
    assert (job["status"], job["attempts"], len(job["log"]), job["result"]) == ("failed", 2, 2, None)
    assert job["next_attempt"] is None and job["finished"] is not None
    entry = models.AuditEntry.objects.get(action="publish-failed", before__job=job["id"])
    assert entry.actor == users["admin"].username + f" (token {auth['HTTP_AUTHORIZATION'].split()[1][:12]}…)"
    assert models.AuditEntry.objects.filter(action="publish-queued", after__job=job["id"]).exists()
    assert "wrong" not in json.dumps([job, entry.after])
    with override_settings(LIAISON_CALDAV={}):
        missing = queue(auth)
    assert missing.status_code == 409 and missing.json()["kind"] == "NotConfigured"
    unknown = Client().get(f"/api/v1/districts/seed/years/{YEAR}/publish/jobs/999999", **auth)
    assert unknown.status_code == 404 and unknown.json()["kind"] == "NotFound"


def test_a_stopped_publication_goes_on_at_its_retry(database: str, users: dict[str, Any],
                                                     radicale: Radicale) -> None:
    """Refused first (the account's password being changed on the server, say), the job is tried
    again and succeeds: the same job, two attempts logged, one ``publish`` entry."""
    from django.test import override_settings

    from liaison_web import models
    from liaison_web.jobs import perform_pending

    auth = bearer(users["admin"])
    with override_settings(LIAISON_CALDAV={"url": radicale.url, "user": USER, "password": "wrong"},
                           LIAISON_WEBHOOKS=QUICK):
        queued = queue(auth)
        perform_pending()
    assert job_of(auth, queued)["status"] == "pending"
    with override_settings(LIAISON_CALDAV={"url": radicale.url, "user": USER, "password": PASSWORD},
                           LIAISON_WEBHOOKS=QUICK):
        assert perform_pending().done == 1
    job = job_of(auth, queued)
    assert (job["status"], job["attempts"], job["error"]) == ("done", 2, None)
    assert job["log"][0]["error"] and not job["log"][1]["error"]
    assert job["result"]["target"] == radicale.url
    assert models.AuditEntry.objects.filter(action="publish", before__job=job["id"]).count() == 1


def test_the_serves_worker_performs_a_job_when_it_is_queued(database: str, users: dict[str, Any],
                                                             radicale: Radicale) -> None:
    """The worker thread ``liaison serve`` runs (the webhooks' sender) is woken by the queueing and
    performs the job: it is done long before the worker's own interval (a minute) comes round."""
    from django.test import override_settings

    from liaison_web.worker import Worker

    auth = bearer(users["admin"])
    with override_settings(LIAISON_CALDAV={"url": radicale.url, "user": USER, "password": PASSWORD}):
        worker = Worker(interval=60)
        worker.start()
        try:
            time.sleep(0.2)  # its first pass done: asleep until woken
            queued = queue(auth)
            deadline = time.monotonic() + 30
            while (job := job_of(auth, queued))["status"] == "pending" and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            worker.stop()
            worker.join(timeout=30)
    assert job["status"] == "done" and job["result"]["revision"], job
    from django.test import Client

    listed = Client().get(f"/api/v1/districts/seed/years/{YEAR}/publish/jobs", **auth).json()
    assert listed[0]["id"] == job["id"]
