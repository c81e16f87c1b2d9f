"""What an API token makes lives no longer than the token (liaison_web.owned): a calendar feed URL
made through a token ends with it (404 as a revoked one, listed as ended with the reason); a webhook
registered through a token is paused when the token is revoked or expires — its events queued, not
sent, an audit entry — until an administrator with a session or a ``tokens``-scoped token adopts it
(a plain read-write token may not: it may be the leaked one). What a session makes is untouched."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from web_db import CLERK_OF
from web_receiver import receiving

#: Each test on SQLite and, under .ci/with-postgres, on PostgreSQL (conftest.pytest_generate_tests).
ON_POSTGRES_TOO = True


def _bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _session(username: str) -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model()._default_manager.get(username=username))
    return client


def _token(username: str, *scopes: str, expires: dt.datetime | None = None) -> str:
    from liaison_web.tokens import make_token

    return make_token(username, "oa", scopes or ("read", "write"), expires=expires)


def _policy() -> Any:
    from liaison_web.webhooks import Policy

    return Policy(backoff=0.0, jitter=False, timeout=5.0)


def _event(code: str) -> None:
    """An event of the district every webhook of it is told of."""
    from liaison_web.webhooks import enqueue

    enqueue(code, "engagement.confirmed", {"id": "2027/x", "host": CLERK_OF, "participants": [CLERK_OF]})


def _entries(code: str, action: str, object_type: str) -> list[Any]:
    from liaison_web import models

    return list(models.AuditEntry.objects.filter(district__code=code, action=action, object_type=object_type)
                .order_by("id"))


def test_a_feed_made_through_a_token_ends_with_it(database: str, own_district: dict[str, Any]) -> None:
    from django.test import Client

    from liaison_web import models
    from liaison_web.webhooks import deliver_pending

    code = own_district["code"]
    admin = f"administrator-{code}"
    feeds = f"/api/v1/districts/{code}/organisations"
    secret = _token(admin)
    made = Client().post(f"{feeds}/{CLERK_OF}/feeds", **_bearer(secret))
    assert made.status_code == 201, made.content
    assert made.json()["api_token"] == secret[:12] and made.json()["ended"] is None
    url = made.json()["url"].removeprefix("http://testserver")
    assert Client().get(url).status_code == 200
    by_session = _session(admin).post(f"{feeds}/finance/feeds")  # a session's: no token's, untouched
    assert by_session.status_code == 201 and by_session.json()["api_token"] is None
    kept = by_session.json()["url"].removeprefix("http://testserver")

    # the token revokes itself: its feed is 404 from the next request on, listed as ended, audited
    assert Client().delete(f"/api/v1/tokens/{secret[:12]}", **_bearer(secret)).status_code == 200
    assert Client().get(url).status_code == 404
    assert Client().get(kept).status_code == 200
    listed = _session(admin).get(f"{feeds}/{CLERK_OF}/feeds").json()
    assert [(f["prefix"], f["api_token"], f["ended"]) for f in listed] == [
        (made.json()["prefix"], secret[:12], "token_revoked")]
    assert listed[0]["revoked"] is not None
    ended = _entries(code, "end", "feed-token")
    assert [(e.object_id, e.after["ended"]) for e in ended] == [(made.json()["prefix"], "token_revoked")]
    assert ended[0].actor.endswith(f"(token {secret[:12]}…)")

    # a token that expires: its feed ends the moment it does; the worker's pass marks it, audited
    lasting = _token(admin, expires=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    again = Client().post(f"{feeds}/{CLERK_OF}/feeds", **_bearer(lasting)).json()
    url = again["url"].removeprefix("http://testserver")
    assert Client().get(url).status_code == 200
    models.ApiToken.objects.filter(prefix=lasting[:12]).update(expires=dt.datetime.now(dt.UTC) - dt.timedelta(1))
    assert Client().get(url).status_code == 404
    listed = _session(admin).get(f"{feeds}/{CLERK_OF}/feeds").json()
    assert {f["prefix"]: f["ended"] for f in listed}[again["prefix"]] == "token_expired"
    deliver_pending(policy=_policy())
    row = models.FeedToken.objects.get(prefix=again["prefix"])
    assert row.revoked is not None and row.end_reason == "token_expired"
    noticed = _entries(code, "end", "feed-token")[-1]
    assert noticed.object_id == again["prefix"] and noticed.actor == "liaison (service)" and noticed.user is None
    assert Client().get(kept).status_code == 200


def test_a_webhook_registered_through_a_token_is_paused_when_it_ends_until_adopted(
        database: str, own_district: dict[str, Any]) -> None:
    from django.test import Client

    from liaison_web import models
    from liaison_web.webhooks import deliver_pending

    code = own_district["code"]
    admin = f"administrator-{code}"
    hooks = f"/api/v1/districts/{code}/webhooks"
    secret = _token(admin)
    with receiving() as by_token, receiving() as by_session:
        made = Client().post(hooks, data=json.dumps({"url": by_token.url}), content_type="application/json",
                             **_bearer(secret))
        assert made.status_code == 201, made.content
        hook = made.json()["id"]
        assert (made.json()["api_token"], made.json()["paused"], made.json()["paused_reason"]) == (
            secret[:12], False, None)
        own = _session(admin).post(hooks, data=json.dumps({"url": by_session.url}), content_type="application/json")
        assert own.status_code == 201 and own.json()["api_token"] is None
        ids = [hook, own.json()["id"]]
        _event(code)
        deliver_pending(policy=_policy(), webhooks=ids)
        assert (len(by_token.delivered()), len(by_session.delivered())) == (1, 1)

        # revoked: paused with an audit entry; its events queued, not sent; the session's goes on
        assert Client().delete(f"/api/v1/tokens/{secret[:12]}", **_bearer(secret)).status_code == 200
        paused = _entries(code, "pause", "webhook")
        assert [(e.object_id, e.before["paused"], e.after["paused"], e.after["paused_reason"]) for e in paused] == [
            (str(hook), False, True, "token_revoked")]
        shown = _session(admin).get(f"{hooks}/{hook}").json()
        assert (shown["paused"], shown["paused_reason"], shown["active"]) == (True, "token_revoked", True)
        _event(code)
        deliver_pending(policy=_policy(), webhooks=ids)
        assert (len(by_token.delivered()), len(by_session.delivered())) == (1, 2)
        held = models.WebhookDelivery.objects.filter(webhook_id=hook, status="pending")
        assert held.count() == 1

        # adopting is managing tokens: not a read-write token (the leaked kind), not an auditor
        plain = _bearer(_token(admin))
        assert Client().post(f"{hooks}/{hook}/adopt", **plain).status_code == 403
        auditor = _bearer(_token(f"auditor-{code}", "read"))
        assert Client().post(f"{hooks}/{hook}/adopt", **auditor).status_code == 403
        assert not _entries(code, "adopt", "webhook")
        adopted = _session(admin).post(f"{hooks}/{hook}/adopt")
        assert adopted.status_code == 200, adopted.content
        assert (adopted.json()["api_token"], adopted.json()["paused"]) == (None, False)
        entry = _entries(code, "adopt", "webhook")
        assert [(e.before["paused"], e.after["paused"], e.after["api_token"]) for e in entry] == [(True, False, None)]
        deliver_pending(policy=_policy(), webhooks=ids)
        assert len(by_token.delivered()) == 2  # what the pause held, sent
        assert json.loads(by_token.delivered()[1].body)["type"] == "engagement.confirmed"
        again = _session(admin).post(f"{hooks}/{hook}/adopt")  # no token's: answered as it is, not audited
        assert again.status_code == 200 and len(_entries(code, "adopt", "webhook")) == 1

    # a token that expires: the worker's pass pauses its webhook (the service's entry); a token of the
    # scope tokens adopts it
    lasting = _token(admin, expires=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    later = Client().post(hooks, data=json.dumps({"url": "https://oa.example.gov.cn/hook"}),
                          content_type="application/json", **_bearer(lasting)).json()["id"]
    models.ApiToken.objects.filter(prefix=lasting[:12]).update(expires=dt.datetime.now(dt.UTC) - dt.timedelta(1))
    deliver_pending(policy=_policy(), webhooks=[later])
    noticed = _entries(code, "pause", "webhook")[-1]
    assert (noticed.object_id, noticed.after["paused_reason"], noticed.actor) == (
        str(later), "token_expired", "liaison (service)")
    manager = _bearer(_token(admin, "read", "write", "tokens"))
    taken = Client().post(f"{hooks}/{later}/adopt", **manager)
    assert taken.status_code == 200 and taken.json()["paused"] is False and taken.json()["api_token"] is None
