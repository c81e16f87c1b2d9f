"""Webhooks for the OA systems: managed through the API (administrator), queued in the change's own
transaction (the outbox), sent signed, in order, retried with backoff to a real receiver on
127.0.0.1, logged, failed after the last attempt and replayed; the queue survives a server killed
between the change and the delivery (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import web_db
from click.testing import CliRunner
from web_db import YEAR
from web_receiver import receiving
from web_serve import LIAISON, address, start, stop, wait_healthy

from liaison.formats.district import seed_district
from liaison.formats.documents import to_json
from liaison.formats.state import plan_document
from liaison.year.reconcile import Change

HEALTH = "2027/joint_meeting/health"  # hosted by health; cpwdp and jiusan attend
HOOKS = "/api/v1/districts/seed/webhooks"
POSTGRES = pytest.param("postgres", marks=pytest.mark.skipif(not web_db.postgres_url(),
                                                             reason=f"{web_db.POSTGRES_ENV} not set"))


@pytest.fixture(autouse=True)
def no_webhooks_left() -> Iterator[None]:
    """Each test's webhooks go with it (the session's databases are shared with the other tests)."""
    yield
    aliases = web_db.setup()  # Django set up before the models are imported, whatever ran before
    from liaison_web import models

    for alias in aliases:
        models.Webhook.objects.using(alias).all().delete()


def bearer(user: Any) -> dict[str, str]:
    from liaison_web.tokens import make_token

    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user.username, 'oa', ('read', 'write'))}"}


def post(path: str, body: Any = None, **headers: Any) -> Any:
    from django.test import Client

    return Client().post(path, data=json.dumps(body or {}), content_type="application/json", **headers)


def revision(alias: str = "default") -> str:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore(using=alias).current(seed_district(), YEAR)
    assert found is not None
    return found


def policy(**given: Any) -> Any:
    from liaison_web.webhooks import Policy

    return Policy(**{"backoff": 0.0, "jitter": False, "timeout": 5.0, **given})


def drain(alias: str = "default", *, passes: int = 30, **given: Any) -> None:
    """Run the sender until nothing is pending (sleeping until each retry is due)."""
    from liaison_web import models
    from liaison_web.webhooks import deliver_pending

    for _ in range(passes):
        report = deliver_pending(policy=policy(**given), using=alias)
        if not models.WebhookDelivery.objects.using(alias).filter(status="pending", webhook__active=True).exists():
            return
        time.sleep(report.next_in or 0.01)
    raise AssertionError("deliveries still pending")


def change(alias: str, *changes: Change) -> str:
    """Change the year through the workspace's update on ``alias``, queueing its events in the save's
    transaction as the API does (on an alias the API does not serve); the new revision."""
    from liaison.host.plugins import working_day_calendar
    from liaison_web import webhooks
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    operation = changes[-1].action

    def queue(state: Any, tag: str) -> None:
        after = json.loads(to_json(next(e for e in plan_document(seed_district(), state)["engagements"]
                                        if e["id"] == HEALTH)))
        webhooks.enqueue("seed", webhooks.EVENT_OF[operation], after, revision=tag, using=alias)

    outcome = Workspace(store=DatabaseStore(using=alias, on_save=queue)).update(
        seed_district(), YEAR, list(changes), force=True, calendar=working_day_calendar())
    return str(outcome.revision)


def planned(alias: str) -> None:
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    web_db.fresh(alias)
    Workspace(store=DatabaseStore(using=alias)).update(seed_district(), YEAR)


# -- managing them ------------------------------------------------------------------------------------
def test_the_administrator_adds_lists_and_removes_webhooks(database: str, users: dict[str, Any]) -> None:
    from liaison_web import models
    from liaison_web.webhooks import EVENTS, secret_of

    auth = bearer(users["admin"])
    made = post(HOOKS, {"url": "https://oa.example.gov.cn/hook", "organisation": "health", "name": "泛微"}, **auth)
    assert made.status_code == 201, made.content
    shown = made.json()
    row = models.Webhook.objects.get(pk=shown["id"])
    assert shown["secret"] == secret_of(row) and shown["secret"].startswith("whsec_")
    assert shown["events"] == sorted(EVENTS) and shown["organisation"] == "health"
    assert shown["secret"] not in json.dumps(list(models.Webhook.objects.values()), default=str)  # not stored
    from django.test import Client

    listed = Client().get(HOOKS, **auth).json()
    assert [w["id"] for w in listed] == [row.pk] and "secret" not in listed[0]
    entry = models.AuditEntry.objects.filter(object_type="webhook").order_by("-id").first()
    assert entry is not None and entry.action == "create" and shown["secret"] not in json.dumps(entry.after)
    for wrong, status, kind in (({"url": "ftp://x"}, 422, "InvalidRequest"),
                                ({"url": "https://x.cn/", "events": ["engagement.eaten"]}, 422, "InvalidRequest"),
                                ({"url": "https://x.cn/", "organisation": "nobody"}, 404, "UnknownOrganisationError")):
        refused = post(HOOKS, wrong, **auth)
        assert (refused.status_code, refused.json()["kind"]) == (status, kind) and refused.json()["message_zh"]
    removed = Client().delete(f"{HOOKS}/{row.pk}", **auth)
    assert removed.status_code == 200 and removed.json()["active"] is False
    assert models.AuditEntry.objects.filter(object_type="webhook", action="remove", object_id=str(row.pk)).exists()
    assert Client().get(f"{HOOKS}/{row.pk + 1000}", **auth).status_code == 404


def test_answers_match_their_schemas_and_the_openapi_document_has_them(database: str, users: dict[str, Any]) -> None:
    """The webhooks' answers validate against the models the OpenAPI document is made from (an event
    with its engagement, generated from the library's types, and a due item); every operation is in
    the document and needs a login."""
    from django.test import Client

    from liaison_web import api
    from liaison_web.webhooks import deliver_pending

    auth = bearer(users["admin"])
    with receiving() as receiver:
        made = post(HOOKS, {"url": receiver.url}, **auth).json()
        api.NewWebhookModel.model_validate(made)
        one = f"/api/v1/districts/seed/years/{YEAR}/engagements/{HEALTH}"
        assert post(f"{one}/confirm", {}, HTTP_IF_MATCH=f'"{revision()}"', **auth).status_code == 200
        deliver_pending(policy=policy())
        assert len(receiver.delivered()) >= 2  # the engagement's event, and the to-do lists' items it closed
    for listed in Client().get(HOOKS, **auth).json():
        api.WebhookModel.model_validate(listed)
    deliveries = Client().get(f"{HOOKS}/{made['id']}/deliveries", **auth).json()
    types = set()
    for delivery in deliveries:
        parsed = api.DeliveryModel.model_validate(delivery)
        assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)["event"] == delivery["event"]
        types.add(delivery["event_type"])
    assert {"engagement.confirmed", "due.closed"} <= types
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/districts/{district}/webhooks", "/api/v1/districts/{district}/webhooks/{webhook}",
                 "/api/v1/districts/{district}/webhooks/{webhook}/deliveries",
                 "/api/v1/districts/{district}/webhooks/{webhook}/deliveries/{delivery}/replay",
                 "/api/v1/districts/{district}/webhooks/{webhook}/replay",
                 "/api/v1/districts/{district}/organisations/{organisation}/feeds",
                 "/api/v1/districts/{district}/years/{year}/publish/caldav"):
        assert path in paths, path
    for method, path in (("get", HOOKS), ("post", HOOKS), ("get", f"{HOOKS}/{made['id']}/deliveries"),
                         ("post", f"{HOOKS}/{made['id']}/replay"),
                         ("post", "/api/v1/districts/seed/organisations/health/feeds"),
                         ("post", f"/api/v1/districts/seed/years/{YEAR}/publish/caldav")):
        response = getattr(Client(), method)(path, content_type="application/json")
        assert response.status_code == 401 and response.json()["kind"] == "NotAuthenticated", path


# -- the outbox ---------------------------------------------------------------------------------------
def test_a_change_queues_its_events_in_its_own_transaction(database: str, users: dict[str, Any],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the API: the delivery is the change's (its engagement, revision, reason), only for
    the webhooks of the organisations taking part; a change whose transaction fails queues nothing."""
    from liaison_web import audit, models

    auth = bearer(users["admin"])
    engagements = ["engagement.confirmed", "engagement.moved", "engagement.cancelled", "engagement.held"]
    mine = post(HOOKS, {"url": "http://127.0.0.1:9/a", "organisation": "health", "events": engagements},
                **auth).json()
    everyone = post(HOOKS, {"url": "http://127.0.0.1:9/b", "events": ["engagement.cancelled"]}, **auth).json()
    others = post(HOOKS, {"url": "http://127.0.0.1:9/c", "organisation": "taiwan-affairs", "events": engagements},
                  **auth).json()
    one = f"/api/v1/districts/seed/years/{YEAR}/engagements/{HEALTH}"
    confirmed = post(f"{one}/confirm", {}, HTTP_IF_MATCH=f'"{revision()}"', **auth)
    assert confirmed.status_code == 200
    queued = list(models.WebhookDelivery.objects.order_by("id"))
    assert [d.webhook_id for d in queued] == [mine["id"]]  # type: ignore[attr-defined]
    event = json.loads(queued[0].body)
    assert event["type"] == "engagement.confirmed" and event["engagement"] == confirmed.json()
    assert event["id"] == queued[0].event_id and event["district"] == "seed" and event["organisation"] == "health"
    assert event["revision"] == revision()  # the year's, which an If-Match takes while the engagement is as sent
    cancelled = post(f"{one}/cancel", {"reason": "改期另议"}, HTTP_IF_MATCH=confirmed["ETag"], **auth)
    assert cancelled.status_code == 200
    last = [json.loads(d.body) for d in models.WebhookDelivery.objects.order_by("id")][1:]
    assert {(e["type"], e["reason"]) for e in last} == {("engagement.cancelled", "改期另议")}
    assert len(last) == 2 and len({e["id"] for e in last}) == 1  # one event, a delivery per webhook
    assert not models.WebhookDelivery.objects.filter(webhook_id=others["id"]).exists()
    assert models.WebhookDelivery.objects.filter(webhook_id=everyone["id"]).count() == 1

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit table is gone")

    monkeypatch.setattr(audit, "record", broken)
    count = models.WebhookDelivery.objects.count()
    from django.test import Client

    failed = Client(raise_request_exception=False).post(f"{one}/move", data='{"date": "2027-09-07", "force": true}',
                                                        content_type="application/json",
                                                        HTTP_IF_MATCH=cancelled["ETag"], **auth)
    assert failed.status_code == 500 and models.WebhookDelivery.objects.count() == count


def test_a_change_tells_the_bodies_whose_to_do_list_it_changed(database: str, users: dict[str, Any],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Confirming the health department's joint meeting closes the "date to agree" item of every body
    taking part (health hosts, cpwdp attends): a due.closed event for each body's webhook, carrying
    the item as the body's due list wrote it before; nothing for a body not taking part. The items
    closed and opened are those the API's due lists show before and after the change."""
    from django.test import Client

    from liaison_web import models

    auth = bearer(users["admin"])
    due = {"events": ["due.opened", "due.closed"]}
    hooks = {org: post(HOOKS, {"url": f"http://127.0.0.1:9/{org}", "organisation": org, **due}, **auth).json()["id"]
             for org in ("health", "cpwdp", "taiwan-affairs")}

    def listed(org: str) -> dict[tuple[str, str], Any]:
        items = Client().get(f"/api/v1/districts/seed/organisations/{org}/due?as_of={today}", **auth).json()["items"]
        return {(i["kind"], i["ref"]): i for i in items}

    from liaison_web import api

    today = f"{YEAR}-02-01"  # the service's day (read at the edge): within the year, before the meeting
    monkeypatch.setattr(api, "_today", lambda district: dt.date.fromisoformat(today))
    before = {org: listed(org) for org in hooks}
    one = f"/api/v1/districts/seed/years/{YEAR}/engagements/{HEALTH}"
    assert post(f"{one}/confirm", {}, HTTP_IF_MATCH=f'"{revision()}"', **auth).status_code == 200
    after = {org: listed(org) for org in hooks}
    for org, hook in hooks.items():
        events = [json.loads(d.body) for d in models.WebhookDelivery.objects.filter(webhook_id=hook).order_by("id")]
        closed = {k for k in before[org] if k not in after[org]}
        opened = {k for k in after[org] if k not in before[org]}
        assert {(e["due"]["kind"], e["due"]["ref"]) for e in events if e["type"] == "due.closed"} == closed
        assert {(e["due"]["kind"], e["due"]["ref"]) for e in events if e["type"] == "due.opened"} == opened
        assert all(e["organisation"] == org and e["engagement"]["id"] == HEALTH for e in events)
        assert (("date_to_agree", HEALTH) in closed) == (org != "taiwan-affairs")
        for e in events:
            if e["type"] == "due.closed":
                assert e["due"] == before[org][(e["due"]["kind"], e["due"]["ref"])]


def _due_events(hook: int) -> list[dict[str, Any]]:
    from liaison_web import models

    return [json.loads(d.body) for d in models.WebhookDelivery.objects.filter(webhook_id=hook).order_by("id")
            if d.event_type.startswith("due.")]


def test_a_records_change_tells_the_bodies_whose_to_do_list_it_changed(own_district: dict[str, Any],
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A research result sent to the health department opens its "feedback" item (due.opened, the record
    in the event, no engagement); the department's feedback, a correction of the record, closes it
    (due.closed); the branch that submitted it has no such item — its webhook hears only that the
    feedback came, its own item "to acknowledge" (due.opened).
    (In a district of the test's own: its records are only ever added.)"""
    from django.test import Client

    from liaison_web import clock

    code = own_district["code"]
    auth = own_district["tokens"]["administrator"]
    due = {"events": ["due.opened", "due.closed"]}
    hooks = {org: post(f"/api/v1/districts/{code}/webhooks", {"url": f"http://127.0.0.1:9/{org}", "organisation": org,
                                                             **due}, **auth).json()["id"]
             for org in ("health", "cpwdp")}
    today = dt.date(YEAR, 3, 10)
    monkeypatch.setattr(clock, "today_in", lambda zone: today)
    research = {"id": "R-7", "title": "关于基层医疗的调研报告", "submitted_by": "cpwdp", "department": "health",
                "received": f"{YEAR}-03-02"}
    base = f"/api/v1/districts/{code}/years/{YEAR}/records/research_results"
    made = post(base, research, **auth)
    assert made.status_code == 201, made.content
    opened = _due_events(hooks["health"])
    assert [(e["type"], e["due"]["kind"], e["due"]["ref"]) for e in opened] == [("due.opened", "feedback", "R-7")]
    assert opened[0]["engagement"] is None and opened[0]["record"]["key"] == made.json()["key"]
    listed = Client().get(f"/api/v1/districts/{code}/organisations/health/due?as_of={today}", **auth).json()["items"]
    assert opened[0]["due"] == next(i for i in listed if i["ref"] == "R-7")
    answered = {**research, "feedback": f"{YEAR}-03-09", "feedback_summary": "已采纳"}
    corrected = Client().post(f"{base}/{made.json()['key']}/correction", data=json.dumps({"record": answered}),
                              content_type="application/json", HTTP_IF_MATCH=made["ETag"], **auth)
    assert corrected.status_code == 200, corrected.content
    assert [(e["type"], e["due"]["ref"]) for e in _due_events(hooks["health"])][1:] == [("due.closed", "R-7")]
    # the branch has no feedback to give: it hears of the feedback only as its own item, to acknowledge it
    assert [(e["type"], e["due"]["kind"]) for e in _due_events(hooks["cpwdp"]) if e["due"]["ref"] == "R-7"] == \
        [("due.opened", "to_acknowledge")]


def test_a_day_passing_opens_the_items_it_makes_due_once(database: str, users: dict[str, Any]) -> None:
    """The sweep (the serve's worker, liaison web deliver) compares the watched lists with the day: the
    first takes the list as it is (nothing told of what was open before anyone listened); when the
    health department's joint meeting's day has gone by with nothing recorded, "record missing" opens
    for it (due.opened), once however often the sweep runs that day."""
    from liaison_web import due

    auth = bearer(users["admin"])
    hook = post(HOOKS, {"url": "http://127.0.0.1:9/health", "organisation": "health", "events": ["due.opened"]},
                **auth).json()["id"]
    one = _read(f"/api/v1/districts/seed/years/{YEAR}/engagements/{HEALTH}", auth)
    day = dt.date.fromisoformat(one["date"])
    assert due.sweep(today=day - dt.timedelta(days=1)) == 0 and _due_events(hook) == []
    later = day + dt.timedelta(days=3)
    assert due.sweep(today=later) >= 1
    events = _due_events(hook)
    assert ("record_missing", HEALTH) in {(e["due"]["kind"], e["due"]["ref"]) for e in events}
    assert all(e["type"] == "due.opened" and e["engagement"] is None and e["organisation"] == "health"
               for e in events)
    assert due.sweep(today=later) == 0 and len(_due_events(hook)) == len(events)


def _read(path: str, auth: dict[str, str]) -> Any:
    from django.test import Client

    response = Client().get(path, **auth)
    assert response.status_code == 200, response.content
    return response.json()


# -- the sender ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("alias", ["default", POSTGRES])
def test_a_receiver_failing_twice_gets_each_event_once_in_order(alias: str) -> None:
    """Two events; the receiver fails the first twice: it is retried after 0.2 s, then 0.4 s (the
    backoff doubling, jitter off), the second waits behind it; each is delivered once, in order,
    every attempt signed over its timestamp and body, with the same event id."""
    from liaison_web import models
    from liaison_web.webhooks import make_webhook, verify

    planned(alias)
    with receiving([500, 500]) as receiver:
        hook, secret = make_webhook(seed_district(), receiver.url, using=alias)
        first = change(alias, Change("confirm", HEALTH))
        second = change(alias, Change("move", HEALTH, dt.date(2027, 9, 7)))
        drain(alias, backoff=0.2)
        got = list(receiver.got)
    assert [r.status for r in got] == [500, 500, 200, 200]
    events = [json.loads(r.body) for r in got]
    assert [e["type"] for e in events] == ["engagement.confirmed"] * 3 + ["engagement.moved"]
    assert [e["revision"] for e in events] == [first] * 3 + [second]
    assert len({e["id"] for e in events[:3]}) == 1 and events[3]["id"] != events[0]["id"]
    assert [json.loads(r.body)["id"] for r in receiver.delivered()] == [events[0]["id"], events[3]["id"]]
    for r in got:
        assert r.headers["x-liaison-event-id"] == r.headers["idempotency-key"] == json.loads(r.body)["id"]
        assert verify(secret, r.headers["x-liaison-timestamp"], r.body, r.headers["x-liaison-signature"])
        assert not verify(secret, r.headers["x-liaison-timestamp"], r.body + b" ", r.headers["x-liaison-signature"])
    assert got[1].at - got[0].at >= 0.2 and got[2].at - got[1].at >= 0.4  # the backoff, doubling
    deliveries = list(models.WebhookDelivery.objects.using(alias).filter(webhook=hook).order_by("id"))
    assert [(d.status, d.attempts) for d in deliveries] == [("delivered", 3), ("delivered", 1)]
    logged = list(models.DeliveryAttempt.objects.using(alias).filter(delivery=deliveries[0]).order_by("id"))
    # the answers themselves are not kept (the auditors read the log): their digests, which tell them apart
    digest = {text: f"sha256:{hashlib.sha256(text).hexdigest()[:16]} ({len(text)} bytes)"
              for text in (b"try later", b"taken")}
    assert [(a.status_code, a.response) for a in logged] == [(500, digest[b"try later"]), (500, digest[b"try later"]),
                                                             (200, digest[b"taken"])]


def test_the_last_attempt_fails_it_and_a_replay_sends_it(database: str, users: dict[str, Any]) -> None:
    """After max_attempts the delivery is failed and no longer holds back the next; a replay (API for
    one, the command for every failed one) sends it again with the same event id."""
    from django.test import Client

    from liaison_web import models
    from liaison_web.plugin import web
    from liaison_web.webhooks import make_webhook

    auth = bearer(users["admin"])
    with receiving([503, 503, 503, 503, 503, 503]) as receiver:
        hook, _ = make_webhook(seed_district(), receiver.url)
        change("default", Change("confirm", HEALTH))
        change("default", Change("cancel", HEALTH))
        drain(max_attempts=3)
        first, second = models.WebhookDelivery.objects.filter(webhook=hook).order_by("id")
        assert (first.status, first.attempts) == ("failed", 3)
        assert (second.status, second.attempts) == ("failed", 3)
        listed = Client().get(f"{HOOKS}/{hook.pk}/deliveries?status=failed", **auth).json()
        assert [d["id"] for d in listed] == [first.pk, second.pk]
        assert [a["status_code"] for a in listed[0]["log"]] == [503, 503, 503]
        again = post(f"{HOOKS}/{hook.pk}/deliveries/{first.pk}/replay", **auth)
        assert again.status_code == 200 and again.json()["status"] == "pending"
        drain(max_attempts=3)
        assert models.AuditEntry.objects.filter(action="replay", object_id=str(first.pk)).exists()
        result = CliRunner().invoke(web, ["replay", "--failed", "--lang", "en"])
        assert result.exit_code == 0 and "1 deliveries queued again" in result.output, result.output
        drain(max_attempts=3)
        ids = [json.loads(r.body)["id"] for r in receiver.delivered()]
    assert ids == [first.event_id, second.event_id]
    first.refresh_from_db()
    assert first.status == "delivered" and models.DeliveryAttempt.objects.filter(delivery=first).count() == 4


def test_a_removed_webhook_is_not_sent_to(database: str) -> None:
    from liaison_web import models
    from liaison_web.webhooks import make_webhook, remove_webhook

    with receiving() as receiver:
        hook, _ = make_webhook(seed_district(), receiver.url)
        change("default", Change("confirm", HEALTH))
        remove_webhook(hook)
        change("default", Change("cancel", HEALTH))
        drain()
        assert receiver.got == []
    assert models.WebhookDelivery.objects.filter(webhook=hook).count() == 1  # kept, not sent


def test_the_commands_add_list_deliver_and_remove(database: str) -> None:
    """`liaison web webhook add/list/remove`, `liaison web deliver` and `liaison web replay`'s errors,
    in both languages."""
    from liaison_web import models
    from liaison_web.plugin import web
    from liaison_web.webhooks import secret_of, verify

    runner = CliRunner()
    with receiving() as receiver:
        added = runner.invoke(web, ["webhook", "add", "--url", receiver.url, "--organisation", "health",
                                    "--event", "engagement.confirmed", "--district", "seed", "--lang", "en"])
        assert added.exit_code == 0, added.output
        row = models.Webhook.objects.get()
        secret = added.output.strip().splitlines()[-1]
        assert secret == secret_of(row) and row.events == ["engagement.confirmed"] and row.organisation == "health"
        change("default", Change("confirm", HEALTH))
        sent = runner.invoke(web, ["deliver", "--lang", "en"])
        assert sent.exit_code == 0 and "1 attempts: 1 delivered, 0 failed" in sent.output, sent.output
        (got,) = receiver.delivered()
        assert verify(secret, got.headers["x-liaison-timestamp"], got.body, got.headers["x-liaison-signature"])
    listed = runner.invoke(web, ["webhook", "list", "--lang", "en"])
    assert f"{row.pk}\tseed\thealth\t{receiver.url}\tactive\tpending=0 delivered=1 failed=0" in listed.output
    removed = runner.invoke(web, ["webhook", "remove", str(row.pk), "--lang", "zh"])
    assert removed.exit_code == 0 and "已移除" in removed.output
    assert "已移除" in runner.invoke(web, ["webhook", "list"]).output
    again = runner.invoke(web, ["webhook", "remove", str(row.pk), "--lang", "en"])
    assert again.exit_code == 1 and "there is no active webhook" in again.output
    wrong = runner.invoke(web, ["webhook", "add", "--url", "https://oa.example/", "--event", "x", "--district", "seed",
                                "--lang", "zh"])
    assert wrong.exit_code == 1 and "只能订阅" in wrong.output
    neither = runner.invoke(web, ["replay", "--lang", "en"])
    assert neither.exit_code == 1 and "give a delivery's number or --failed" in neither.output


def test_the_backoff_doubles_up_to_its_cap_and_jitter_takes_at_most_half() -> None:
    import random

    web_db.setup()  # the module imports the service's models: Django set up, run first or not
    from liaison_web.webhooks import Policy

    fixed = Policy(backoff=30, backoff_max=200, jitter=False)
    assert [fixed.wait(n) for n in range(1, 6)] == [30, 60, 120, 200, 200]
    jittered = Policy(backoff=30, backoff_max=200)
    waits = [jittered.wait(3, random.Random(n)) for n in range(200)]
    assert all(60 <= w <= 120 for w in waits) and len(set(waits)) > 100


# -- a server killed between the change and the delivery ----------------------------------------------
@pytest.mark.parametrize("alias", ["default", POSTGRES])
def test_a_server_killed_before_sending_sends_after_restart(alias: str, tmp_path: Path) -> None:
    """`liaison serve --no-webhooks` makes a change over HTTP and is killed (SIGKILL): the delivery
    row was committed with the change; `liaison serve` started again sends it, signed, once."""
    env = {"LIAISON_ADMIN_PASSWORD": "hook-admin", "LIAISON_WEBHOOK_BACKOFF": "0.2", "LIAISON_WEBHOOK_JITTER": "0"}
    if alias == "postgres":
        web_db.fresh("postgres")
        env["DATABASE_URL"] = str(web_db.postgres_url())
    process, lines = start(tmp_path, "--no-webhooks", env=env)
    try:
        base = address(lines)
        wait_healthy(base)
        # the commands as the server runs: the same database and secret key (the file beside the database)
        environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LIAISON_SECRET_KEY")}
        environment.update({"LIAISON_PLUGINS": "web", **env})
        with receiving() as receiver:
            added = subprocess.run([LIAISON, "web", "webhook", "add", "--url", receiver.url, "--lang", "en"],
                                   cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120)
            assert added.returncode == 0, added.stderr
            secret = added.stdout.strip().splitlines()[-1]
            token = subprocess.run([LIAISON, "web", "token", "--user", "admin", "--name", "oa", "--scope", "read",
                                    "--scope", "write"], cwd=tmp_path, env=environment, capture_output=True,
                                   text=True, timeout=120).stdout.strip().splitlines()[-1]
            one = f"{base}/api/v1/districts/seed/years/{_year(base, token)}/engagements/{_first(base, token)}"
            read = urllib.request.Request(one, headers={"Authorization": f"Bearer {token}"})
            with urllib.request.urlopen(read, timeout=30) as answer:
                etag = answer.headers["ETag"]
            confirm = urllib.request.Request(f"{one}/confirm", data=b"{}", method="POST", headers={
                "Authorization": f"Bearer {token}", "If-Match": etag, "Content-Type": "application/json"})
            with urllib.request.urlopen(confirm, timeout=30) as answer:
                assert answer.status == 200
                changed = json.loads(answer.read())
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            assert receiver.got == []
            again, lines = start(tmp_path, env=env)
            try:
                deadline = time.monotonic() + 60
                while not receiver.delivered() and time.monotonic() < deadline:
                    time.sleep(0.1)
            finally:
                stop(again)
            got = receiver.delivered()
    finally:
        if process.poll() is None:
            process.kill()
    web_db.setup()  # the signature's check imports the service's models: Django set up, run first or not
    from liaison_web.webhooks import verify

    assert len(got) == 1
    event = json.loads(got[0].body)
    assert event["type"] == "engagement.confirmed" and event["engagement"] == changed
    assert verify(secret, got[0].headers["x-liaison-timestamp"], got[0].body, got[0].headers["x-liaison-signature"])


def _year(base: str, token: str) -> int:
    """The year `liaison serve` planned whose plan has an engagement hosted by health."""
    for year in (dt.date.today().year, dt.date.today().year + 1):
        request = urllib.request.Request(f"{base}/api/v1/districts/seed/years/{year}/plan",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            plan = json.loads(answer.read())
        if any(e["host"] == "health" and e["status"] == "proposed" for e in plan["engagements"]):
            return year
    raise AssertionError("no year with a proposed engagement of health")


def _first(base: str, token: str) -> str:
    year = _year(base, token)
    request = urllib.request.Request(f"{base}/api/v1/districts/seed/years/{year}/plan",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        plan = json.loads(answer.read())
    return str(next(e["id"] for e in plan["engagements"] if e["host"] == "health" and e["status"] == "proposed"))
