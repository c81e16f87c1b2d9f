"""Webhooks for the OA systems: an event of the district (an engagement confirmed, moved, cancelled,
held) is sent, signed, to every active webhook subscribed to it, through a persistent queue.

**The outbox.** :func:`enqueue` writes one :class:`~liaison_web.models.WebhookDelivery` row per
webhook inside the transaction of the change itself (the year store's ``on_save``, where the audit
entry is written too): the change and its deliveries are committed together or not at all, so a
server killed after the change still sends it once it is up again, and a change rolled back sends
nothing.

**The sender.** :func:`deliver_pending` sends each webhook's deliveries one at a time, oldest first:
a delivery waiting for its retry holds back the later ones of its webhook (an OA system sees a
to-do item made before it is closed). Each attempt is logged (:class:`~liaison_web.models.
DeliveryAttempt`: when, the HTTP status, a digest of the answer — never the answer —, the error); a 2xx answer
delivers it; anything else retries after ``backoff × 2^(attempts−1)`` seconds (capped, with up to
half of it taken off at random unless ``jitter`` is off), and after ``max_attempts`` the delivery is
``failed`` — it no longer holds the queue, and :func:`replay` puts it (or every failed one) back.
A webhook is worked by one sender at a time, whichever process it runs in: a lease on its row
(``lease_owner``, ``lease_until``) taken by a conditional ``UPDATE``, short transactions only — no
transaction is held open across an HTTP request, so the API's writers never wait for an OA system.

Delivery is at least once: a sender killed after the receiver answered but before the answer was
logged sends it again. The event id (``X-Liaison-Event-Id``, ``Idempotency-Key``, ``id`` in the
body) is the same on every attempt and replay, so a receiver drops what it has seen.

**A token's webhook.** One registered through an API token is paused when the token ends (revoked,
expired, its user inactive): the sender skips it, its events are still queued, until an
administrator adopts it (:mod:`liaison_web.owned`).

**The signature.** ``X-Liaison-Signature: sha256=<hex>``, the HMAC-SHA256 with the webhook's secret
of ``<timestamp>.<body>`` (the bytes of ``X-Liaison-Timestamp``, a dot, the body's bytes); the
timestamp is the attempt's, in Unix seconds, so a receiver refuses old replays of a captured request.
The secret is not stored: it is derived from the service's secret key and the webhook's salt
(:func:`secret_of`), shown once when the webhook is made.

HTTP is ``requests`` (see docs/service.md: why).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import random
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from liaison.base.errors import LiaisonError
from liaison_web import egress, models
from liaison_web.errors import InvalidRequest, NotFound
from liaison_web.masking import masked_text, masked_url
from liaison_web.owned import SERVICE, ended, live

__all__ = ["DUE_EVENTS", "ENGAGEMENT_EVENTS", "EVENTS", "EVENT_OF", "Policy", "Report", "adopt", "body_of",
           "deliver_pending", "due_changes", "end_owned", "enqueue", "make_webhook", "remove_webhook", "replay",
           "secret_of", "sign", "verify", "wants"]

#: The events an engagement's changes raise, by the change (the operations of the API and of `liaison plan`).
EVENT_OF: Mapping[str, str] = {"confirm": "engagement.confirmed", "move": "engagement.moved",
                               "cancel": "engagement.cancelled", "held": "engagement.held"}
ENGAGEMENT_EVENTS = tuple(EVENT_OF.values())
#: An item of a body's to-do list (:func:`liaison.year.due.due_list`) that a change made appear or go.
DUE_EVENTS = ("due.opened", "due.closed")
#: The address a webhook posts to, as its schema says: http or https with a host (``make_webhook``
#: checks the same with ``urlsplit``); the host a name, an IPv4 address or an IPv6 address in brackets
#: (:mod:`liaison_web.egress` checks a literal address as it checks a name's).
URL_PATTERN = (r"^[hH][tT][tT][pP][sS]?://([^\s/?#@]*@)?([^\s/?#@:\[\]]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?"
               r"([/?#]\S*)?$")
#: Every event a webhook may subscribe to.
EVENTS = (*ENGAGEMENT_EVENTS, *DUE_EVENTS)
#: The longest error kept in the delivery log.
EXCERPT = 500

log = logging.getLogger("liaison_web.webhooks")


@attrs.frozen(kw_only=True)
class Policy:
    """How deliveries are retried: ``max_attempts`` before ``failed``; the first retry after
    ``backoff`` seconds, doubling up to ``backoff_max``; ``jitter``: take up to half of each wait
    off at random (so many webhooks failing together do not retry together); ``timeout`` seconds
    for a receiver to answer."""

    max_attempts: int = 8
    backoff: float = 30.0
    backoff_max: float = 6 * 3600.0
    jitter: bool = True
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> Policy:
        from django.conf import settings

        given = getattr(settings, "LIAISON_WEBHOOKS", {})
        return cls(**{k: v for k, v in given.items() if k in attrs.fields_dict(cls)})

    def wait(self, attempts: int, rng: random.Random | None = None) -> float:
        """Seconds before the next attempt after ``attempts`` failed ones."""
        full = float(min(self.backoff_max, self.backoff * 2.0 ** max(0, attempts - 1)))
        if not self.jitter:
            return full
        return full - float((rng or random).uniform(0, full / 2))

    @property
    def lease(self) -> dt.timedelta:
        """How long a sender may hold a webhook: longer than one attempt can take."""
        return dt.timedelta(seconds=self.timeout * 2 + 5)


@attrs.frozen(kw_only=True)
class Report:
    """What a pass of the sender did: attempts made, deliveries delivered, deliveries now failed,
    and the seconds until the next retry is due (None: nothing waiting)."""

    attempts: int = 0
    delivered: int = 0
    failed: int = 0
    next_in: float | None = None


# -- secrets and signatures ---------------------------------------------------------------------------
def secret_of(webhook: models.Webhook) -> str:
    """The webhook's signing secret: an HMAC of its salt under the service's secret key. Nothing in
    the database alone gives it; changing the secret key changes every webhook's secret (docs)."""
    from django.conf import settings

    mac = hmac.new(str(settings.SECRET_KEY).encode(), f"liaison-webhook:{webhook.salt}".encode(), hashlib.sha256)
    return "whsec_" + base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``<timestamp>.<body>`` under ``secret`` (its UTF-8 bytes)."""
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None,
           tolerance: float = 300.0) -> bool:
    """What a receiver checks (docs/service.md has it in Java): the signature matches, in constant
    time, and the timestamp is within ``tolerance`` seconds of now."""
    if not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


# -- managing webhooks --------------------------------------------------------------------------------
def _invalid(message: str, message_zh: str, fix: str, fix_zh: str, *path: str) -> InvalidRequest:
    return InvalidRequest(message, path=path, fix=fix, message_zh=message_zh, fix_zh=fix_zh)


def make_webhook(district: Any, url: str, events: Iterable[str] = EVENTS, *, organisation: str = "",
                 name: str = "", using: str = "default", token: Any = None) -> tuple[models.Webhook, str]:
    """A new webhook of ``district`` (the library's district: its organisation ids are checked) and
    its secret, which is shown once. ``token``: the :class:`liaison_web.tokens.Caller` of the request
    registering it (None: a session, the command line) — the webhook is then that token's, paused when
    it ends (:mod:`liaison_web.owned`)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        readable = parts.port is None or parts.port > 0  # a port beyond 65535, "[abc]": ValueError
    except ValueError:
        readable = False
    if not readable or parts.scheme not in ("http", "https") or not parts.hostname:
        raise _invalid(f"{url!r} is not an http:// or https:// address", f"{url!r} 不是 http:// 或 https:// 地址",
                       "give the OA system's receiving address, e.g. https://oa.example.gov.cn/liaison/hook",
                       "请给出办公系统的接收地址，例如 https://oa.example.gov.cn/liaison/hook", "url")
    egress.checked(url, unresolved_ok=True)
    wanted = sorted(set(events))
    unknown = [e for e in wanted if e not in EVENTS]
    if not wanted or unknown:
        raise _invalid(f"events {unknown or wanted!r}: a webhook subscribes to some of {', '.join(EVENTS)}",
                       f"事件 {unknown or wanted!r}：只能订阅 {'、'.join(EVENTS)} 中的事件",
                       f"give one or more of {', '.join(EVENTS)}", f"请给出 {'、'.join(EVENTS)} 中的一个或多个",
                       "events")
    if organisation:
        organisation = district.organisation(organisation).id  # an unknown one: the library's error
    owner = models.District.objects.using(using).get(code=district.info.id)
    webhook = models.Webhook.objects.using(using).create(
        district=owner, organisation=organisation, name=name, url=url, salt=secrets.token_hex(16), events=wanted,
        token_id=token.token_id if token is not None else None, token_prefix=token.prefix if token is not None else "")
    return webhook, secret_of(webhook)


def remove_webhook(webhook: models.Webhook, *, using: str = "default") -> None:
    """Deactivate: nothing more is queued or sent for it; its deliveries and their log stay. The to-do
    lists as told are forgotten for the district (a webhook listening later starts from its own day)."""
    models.Webhook.objects.using(using).filter(pk=webhook.pk).update(active=False)
    models.DueSnapshot.objects.using(using).filter(year__district=webhook.district).delete()
    webhook.active = False


def described(webhook: models.Webhook, *, masked: bool = False) -> dict[str, Any]:
    """A webhook as the API and the command show it (never its secret); ``masked``: its URL as one
    who may not manage webhooks reads it (:func:`masked_url`). ``api_token``: the API token it was registered
    through (its prefix; none: no token's); ``paused``: that token ended, nothing is sent (its events
    queued) until an administrator adopts it — ``paused_reason`` says why (:mod:`liaison_web.owned`)."""
    from liaison_web.owned import ended

    counts = {s: 0 for s, _ in models.DELIVERY_STATUSES}
    for status in models.WebhookDelivery.objects.filter(webhook=webhook).values_list("status", flat=True):
        counts[status] += 1
    reason = (webhook.pause_reason or "token_revoked") if webhook.paused is not None else ended(webhook)
    return {"id": webhook.pk, "district": webhook.district.code, "organisation": webhook.organisation,
            "name": webhook.name, "url": masked_url(webhook.url) if masked else webhook.url,
            "events": list(webhook.events), "active": webhook.active,
            "created": webhook.created.isoformat(), "deliveries": counts,
            "api_token": webhook.token_prefix or None, "paused": reason is not None, "paused_reason": reason}


def delivery_described(delivery: models.WebhookDelivery) -> dict[str, Any]:
    """A delivery with its log, as the API shows it: each attempt's error masked again (an attempt
    logged before errors were masked as they are kept, :func:`~liaison_web.masking.masked_text`)."""
    return {"id": delivery.pk, "webhook": delivery.webhook_id, "event_id": delivery.event_id,  # type: ignore[attr-defined]
            "event_type": delivery.event_type, "status": delivery.status, "attempts": delivery.attempts,
            "next_attempt": delivery.next_attempt.isoformat() if delivery.status == "pending" else None,
            "created": delivery.created.isoformat(),
            "delivered": delivery.delivered.isoformat() if delivery.delivered else None,
            "event": json.loads(delivery.body),
            "log": [{"at": a.at.isoformat(), "status_code": a.status_code, "response": _shown(a.response),
                     "error": masked_text(a.error), "milliseconds": a.milliseconds}
                    for a in getattr(delivery, "log").all()]}  # noqa: B009


def _shown(response: str) -> str:
    # an attempt logged before answers were kept as digests holds the answer's first characters:
    # shown as their digest too
    return response if not response or response.startswith("sha256:") else _digest(response.encode())


# -- the outbox ---------------------------------------------------------------------------------------
#: Set when a transaction that queued a delivery commits: the serve's worker wakes at once.
WAKE = threading.Event()


def body_of(event_id: str, event_type: str, district: str, organisation: str, engagement: Mapping[str, Any] | None,
            occurred_at: dt.datetime, **more: Any) -> str:
    """The JSON text of an event as sent (compact, keys in a fixed order: the bytes signed)."""
    return json.dumps({"id": event_id, "type": event_type, "district": district, "organisation": organisation,
                       "occurred_at": occurred_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
                       "engagement": engagement, **more}, ensure_ascii=False, separators=(",", ":"))


def wants(district: str, events: Iterable[str], *, using: str = "default") -> bool:
    """Some active webhook of the district subscribes to one of ``events`` (else there is no need
    to work out what they would tell)."""
    wanted = set(events)
    return any(wanted & set(e) for e in models.Webhook.objects.using(using).filter(
        district__code=district, active=True).values_list("events", flat=True))


def enqueue(district: str, event_type: str, engagement: Mapping[str, Any] | None, *, revision: str = "",
            occurred_at: dt.datetime | None = None, using: str = "default", body: str | None = None,
            hooks: Sequence[models.Webhook] | None = None, **more: Any) -> int:
    """Queue ``event_type`` about ``engagement`` (its JSON as the plan shows it) for every active
    webhook of ``district`` subscribed to it (and, with an organisation, about one of its own
    engagements: it hosts or attends — or, given ``body``, about that body's to-do list). Call it
    inside the change's transaction. ``hooks``: the district's active webhooks, when the caller has
    read them already (a batch of changes: once). How many queued."""
    now = occurred_at or timezone.now()
    event_id = "evt_" + uuid.uuid4().hex
    about = engagement or {}  # a due event of a record's change or of a day passing is about no engagement
    bodies = ({body} if body is not None else
              {str(about.get("host", "")), *map(str, about.get("participants", ()))})
    queued = 0
    listed = hooks if hooks is not None else models.Webhook.objects.using(using).filter(district__code=district,
                                                                                           active=True)
    for webhook in listed:
        if event_type not in webhook.events or (webhook.organisation and webhook.organisation not in bodies):
            continue
        extra = {"revision": revision, **more} if revision else more
        concerned = body if body is not None else webhook.organisation or str(about.get("host", ""))
        models.WebhookDelivery.objects.using(using).create(
            webhook=webhook, event_id=event_id, event_type=event_type, next_attempt=now,
            body=body_of(event_id, event_type, district, concerned, engagement, now, **extra))
        queued += 1
    if queued:
        transaction.on_commit(WAKE.set, using=using)
    return queued


def due_changes(before: Mapping[str, Sequence[Mapping[str, Any]]], after: Mapping[str, Sequence[Mapping[str, Any]]]
                ) -> list[tuple[str, str, Mapping[str, Any]]]:
    """What a change did to the bodies' to-do lists: ``(event, body, item)`` for each item (of the
    list's JSON, ``liaison due --format json``) in one list and not the other, by its ``key`` (unique
    in a body's lists of every year) — ``due.opened`` from the list after, ``due.closed`` from the
    list before; the days left changing is no event. A list told before items had keys (the service's
    kept list of an earlier release) is compared by kind and ref, as it was told: an item of its kind
    and ref still listed stays open (one to-do of the OA system's for all of them, closed when the
    last goes), so an upgrade closes and reopens nothing. Bodies in the order given, items in their
    lists' order."""
    changed: list[tuple[str, str, Mapping[str, Any]]] = []
    for body in dict.fromkeys([*before, *after]):
        told, listed = before.get(body, ()), after.get(body, ())
        keyed = all("key" in i for i in told)
        was = {_identity(i, keyed): i for i in told}
        now: dict[Any, Mapping[str, Any]] = {}
        for item in listed:
            now.setdefault(_identity(item, keyed), item)
        changed += [("due.closed", body, item) for key, item in was.items() if key not in now]
        if keyed:
            changed += [("due.opened", body, item) for key, item in now.items() if key not in was]
        else:  # each item of a kind and ref new to the list is one to open, by its key
            changed += [("due.opened", body, item) for item in listed if _identity(item, False) not in was]
    return changed


def _identity(item: Mapping[str, Any], keyed: bool) -> Any:
    return item["key"] if keyed else (item["kind"], item["ref"])


def replay(deliveries: Iterable[models.WebhookDelivery], *, using: str = "default") -> int:
    """Send these deliveries again (a failed one, or one delivered that an OA system lost): pending,
    due now, their attempts counted afresh (the log keeps the earlier ones). How many."""
    ids = [d.pk for d in deliveries]
    count = models.WebhookDelivery.objects.using(using).filter(pk__in=ids).update(
        status="pending", attempts=0, next_attempt=timezone.now(), delivered=None)
    if count:
        WAKE.set()
    return count


def delivery_of(district: str, webhook: int, delivery: int, *, using: str = "default") -> models.WebhookDelivery:
    found = models.WebhookDelivery.objects.using(using).filter(
        pk=delivery, webhook_id=webhook, webhook__district__code=district).first()
    if found is None:
        raise NotFound(f"webhook {webhook} of {district} has no delivery {delivery}",
                       fix="list the webhook's deliveries",
                       message_zh=f"{district} 的 Webhook {webhook} 没有投递 {delivery}",
                       fix_zh="请查看该 Webhook 的投递列表")
    return found


# -- the sender ---------------------------------------------------------------------------------------
def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:100]


def _claim(webhook: int, owner: str, policy: Policy, using: str) -> bool:
    now = timezone.now()
    return bool(models.Webhook.objects.using(using).filter(pk=webhook, active=True, paused__isnull=True).filter(
        live(now=now)).filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner)).update(
        lease_owner=owner, lease_until=now + policy.lease))


def _release(webhook: int, owner: str, using: str) -> None:
    models.Webhook.objects.using(using).filter(pk=webhook, lease_owner=owner).update(lease_owner="", lease_until=None)


def _send(session: Any, webhook: models.Webhook, delivery: models.WebhookDelivery,
          policy: Policy) -> tuple[int | None, str, str, int]:
    """One attempt: the status (None: no answer), the answer's digest, the error (what may be a
    credential in it masked, :func:`~liaison_web.masking.masked_text`: an HTTP library's error names
    the path and query it asked), milliseconds."""
    import requests

    body = delivery.body.encode()
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "liaison-webhooks/1",
               "X-Liaison-Event": delivery.event_type, "X-Liaison-Event-Id": delivery.event_id,
               "Idempotency-Key": delivery.event_id, "X-Liaison-Delivery": str(delivery.pk),
               "X-Liaison-Timestamp": str(timestamp), "X-Liaison-Signature": sign(secret_of(webhook), timestamp, body)}
    started = time.monotonic()
    try:
        address = egress.checked(webhook.url)  # again: the name may resolve elsewhere now
    except LiaisonError as refused:
        return None, "", masked_text(f"{refused.message} ({refused.message_zh})")[:EXCERPT], 0
    assert address is not None
    url, host, prefix = egress.pinned(session, webhook.url, address)
    try:
        answer = session.post(url, data=body, headers={**headers, **host}, timeout=policy.timeout,
                              allow_redirects=False)
    except requests.RequestException as exc:
        return (None, "", masked_text(f"{type(exc).__name__}: {exc}")[:EXCERPT],
                int((time.monotonic() - started) * 1000))
    finally:
        egress.unpin(session, prefix)
    took = int((time.monotonic() - started) * 1000)
    # what the receiver answered is not kept, only its digest: the log is read by the auditors, and
    # an answer is whatever the address serves
    return answer.status_code, _digest(answer.content), "", took


def _digest(content: bytes) -> str:
    return f"sha256:{hashlib.sha256(content).hexdigest()[:16]} ({len(content)} bytes)" if content else ""


def _work(session: Any, webhook: models.Webhook, policy: Policy, using: str, rng: random.Random | None,
          owner: str) -> tuple[int, int, int, float | None]:
    """Send the webhook's due deliveries in order until one has to wait; attempts, delivered,
    failed, seconds until the waiting one is due."""
    attempts = delivered = failed = 0
    while True:
        # none while the webhook's token has ended (revoked meanwhile: nothing more is sent)
        head = (models.WebhookDelivery.objects.using(using).filter(webhook=webhook, status="pending",
                                                                   webhook__paused__isnull=True)
                .filter(live("webhook__")).order_by("id").first())
        if head is None:
            return attempts, delivered, failed, None
        now = timezone.now()
        if head.next_attempt > now:
            return attempts, delivered, failed, (head.next_attempt - now).total_seconds()
        status, excerpt, error, took = _send(session, webhook, head, policy)
        attempts += 1
        ok = status is not None and 200 <= status < 300
        with transaction.atomic(using=using):
            models.DeliveryAttempt.objects.using(using).create(
                delivery=head, at=timezone.now(), status_code=status, response=excerpt, error=error, milliseconds=took)
            head.attempts += 1
            if ok:
                head.status, head.delivered = "delivered", timezone.now()
                delivered += 1
            elif head.attempts >= policy.max_attempts:
                head.status = "failed"
                failed += 1
                log.warning("webhook %s: delivery %s failed after %s attempts", webhook.pk, head.pk, head.attempts)
            else:
                head.next_attempt = timezone.now() + dt.timedelta(seconds=policy.wait(head.attempts, rng))
            head.save(using=using, update_fields=["status", "attempts", "next_attempt", "delivered"])
            # still this sender's, for the next one
            models.Webhook.objects.using(using).filter(pk=webhook.pk, lease_owner=owner).update(
                lease_until=timezone.now() + policy.lease)


def deliver_pending(*, policy: Policy | None = None, using: str = "default", session: Any = None,
                    rng: random.Random | None = None, webhooks: Iterable[int] | None = None) -> Report:
    """One pass: every active webhook with a delivery due is worked, in order (see the module's
    docstring); a webhook another sender holds is left to it."""
    import requests

    policy = policy or Policy.from_settings()
    owner = _owner()
    own_session = session is None
    session = session or requests.Session()
    attempts = delivered = failed = 0
    next_in: float | None = None
    try:
        end_owned(using=using)  # a token's end noticed (an expiry): its webhooks paused, with their entries
        found = (models.Webhook.objects.using(using).filter(active=True, paused__isnull=True,
                                                            deliveries__status="pending")
                 .filter(live()).distinct().order_by("id"))
        if webhooks is not None:
            found = found.filter(pk__in=list(webhooks))
        for webhook in list(found.select_related("district")):
            if not _claim(webhook.pk, owner, policy, using):
                continue
            try:
                a, d, f, wait = _work(session, webhook, policy, using, rng, owner)
            finally:
                _release(webhook.pk, owner, using)
            attempts, delivered, failed = attempts + a, delivered + d, failed + f
            if wait is not None:
                next_in = wait if next_in is None else min(next_in, wait)
    finally:
        if own_session:
            session.close()
    return Report(attempts=attempts, delivered=delivered, failed=failed, next_in=next_in)


def unknown_webhook(district: str, webhook: int) -> LiaisonError:
    return NotFound(f"{district} has no webhook {webhook}", fix="list the district's webhooks",
                    message_zh=f"{district} 没有 Webhook {webhook}", fix_zh="请查看本区的 Webhook 列表")


def end_owned(*, token: Any = None, by: Any = None, using: str = "default") -> int:
    """Mark what ended tokens made: each active, unpaused webhook whose token is not live paused, each
    feed URL in use whose token is not live revoked — with the reason and an audit entry under its
    district (``by``: a :class:`liaison_web.tokens.Actor`, who revoked the token; none: the service,
    noticing an expiry). ``token``: only what that token made (its revocation). How many rows marked."""
    from liaison_web.audit import record
    from liaison_web.feeds import described as feed_described

    hook_described = described

    now = timezone.now()
    user, actor, address = (by.user, by.name, by.address) if by is not None else (None, SERVICE, "")
    hooks = (models.Webhook.objects.using(using).select_related("district", "token__user")
             .filter(active=True, paused__isnull=True).exclude(token_prefix="").exclude(live(now=now)))
    feeds = (models.FeedToken.objects.using(using).select_related("district", "token__user")
             .filter(revoked__isnull=True).exclude(token_prefix="").exclude(live(now=now)))
    if token is not None:
        hooks, feeds = hooks.filter(token=token), feeds.filter(token=token)
    marked = 0
    with transaction.atomic(using=using):
        for hook in hooks.select_for_update(of=("self",)):
            reason = ended(hook, now=now) or "token_revoked"
            before = {**hook_described(hook), "paused": False, "paused_reason": None}  # as marked until now
            if not models.Webhook.objects.using(using).filter(pk=hook.pk, paused__isnull=True).update(
                    paused=now, pause_reason=reason):
                continue  # marked meanwhile by another: its entry is that one's
            hook.paused, hook.pause_reason = now, reason
            record("pause", "webhook", str(hook.pk), user=user, actor=actor, remote_address=address,
                   district=hook.district.code, before=before, after=hook_described(hook), using=using)
            marked += 1
        for feed in feeds.select_for_update(of=("self",)):
            reason = ended(feed, now=now) or "token_revoked"
            before = {**feed_described(feed), "ended": None}  # as marked until now
            if not models.FeedToken.objects.using(using).filter(pk=feed.pk, revoked__isnull=True).update(
                    revoked=now, end_reason=reason):
                continue
            feed.revoked, feed.end_reason = now, reason
            record("end", "feed-token", feed.prefix, user=user, actor=actor, remote_address=address,
                   district=feed.district.code, before=before, after=feed_described(feed), using=using)
            marked += 1
    return marked


def adopt(hook: models.Webhook, *, using: str = "default") -> bool:
    """Make the webhook no token's and resume it (what its pause held is sent in order); False: it was
    no token's already (nothing changed)."""
    if not hook.token_prefix and hook.paused is None:
        return False
    models.Webhook.objects.using(using).filter(pk=hook.pk).update(token=None, token_prefix="", paused=None,
                                                                   pause_reason="")
    hook.token, hook.token_prefix, hook.paused, hook.pause_reason = None, "", None, ""
    transaction.on_commit(WAKE.set, using=using)
    return True
