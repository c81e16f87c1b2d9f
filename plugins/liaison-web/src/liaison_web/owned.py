"""What an API token makes lives no longer than the token: a calendar feed URL and a webhook made
through a token are the token's (``token``, ``token_prefix`` on their rows).

A leaked read-write token could otherwise leave behind what outlives its revocation: a feed URL is
itself a credential (whoever holds it reads the body's calendar), and a webhook sends the district's
events out to an address of the token holder's choosing. Revoking the token must end both.

- **A feed URL made through a token ends with it**: once the token is revoked, past its
  ``expires``, or its user inactive (or its row gone with its user), the feed answers 404 as a
  revoked one (:func:`liaison_web.feeds.serve` asks :func:`live` in its one query), and is listed
  as ended with the reason (:func:`ended`). Its row is marked revoked, with the reason and an audit
  entry (``end`` on ``feed-token``), when the token is revoked (:func:`end_owned`, from
  :func:`liaison_web.tokens.withdraw`) or, for an expiry, by the worker's next pass. A new URL is
  made as before (``POST …/feeds``).
- **A webhook registered through a token is paused when the token ends**: nothing is sent for it
  (the sender skips a webhook whose token is not live, :func:`live`), while its events are still
  queued — held, not lost; listed as paused with the reason; an audit entry (``pause`` on
  ``webhook``) when it is marked. An administrator **adopts** it (``POST …/webhooks/{id}/adopt``:
  the access table's ``manage_tokens`` — a session, or a token with the ``tokens`` scope, never a
  plain read-write one): it is then no token's, and what was held is sent in order. Pausing rather
  than removing keeps the OA system's to-do items in step once someone vouches for the address; a
  webhook nobody adopts is removed as any other.

What a browser session or the command line makes is no token's and is untouched. A token made by a
session and used to make a webhook is still a token: its end pauses the webhook.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from liaison_web import models

__all__ = ["REASONS", "SERVICE", "adopt", "end_owned", "ended", "live"]

#: Why a token's feed ended or its webhook was paused (the lists' ``ended`` / ``paused_reason``), in
#: both languages (the audit entry's words).
REASONS: dict[str, tuple[str, str]] = {
    "token_revoked": ("the token it was made through was revoked", "创建它所用的令牌已被吊销"),
    "token_expired": ("the token it was made through expired", "创建它所用的令牌已过期"),
    "token_user_inactive": ("the user of the token it was made through is inactive", "创建它所用的令牌的用户已停用"),
    "token_removed": ("the token it was made through is gone (its user removed)",
                      "创建它所用的令牌已不存在（其用户已删除）"),
}
#: The actor of an entry written when the service notices a token's end itself (an expiry).
SERVICE = "liaison (service)"


def live(prefix: str = "", *, now: dt.datetime | None = None) -> Q:
    """The rows (through ``prefix``: ``"webhook__"`` from a delivery) no token's, or whose token is
    live — not revoked, not expired, its user active: what :func:`liaison_web.tokens.caller_of` takes."""
    at = now or timezone.now()
    return Q(**{f"{prefix}token_prefix": ""}) | (
        Q(**{f"{prefix}token__isnull": False, f"{prefix}token__revoked__isnull": True,
             f"{prefix}token__user__is_active": True})
        & (Q(**{f"{prefix}token__expires__isnull": True}) | Q(**{f"{prefix}token__expires__gt": at})))


def ended(row: Any, *, now: dt.datetime | None = None) -> str | None:
    """Why the token ``row`` (a webhook or a feed) was made through has ended — a key of
    :data:`REASONS` —, or None: it is no token's, or its token is live. ``row.token`` read with its user."""
    if not row.token_prefix:
        return None
    token = row.token
    if token is None:
        return "token_removed"
    if token.revoked is not None:
        return "token_revoked"
    if token.expires is not None and token.expires <= (now or timezone.now()):
        return "token_expired"
    if not token.user.is_active:
        return "token_user_inactive"
    return None


def end_owned(*, token: Any = None, by: Any = None, using: str = "default") -> int:
    """Mark what ended tokens made: each active, unpaused webhook whose token is not live paused, each
    feed URL in use whose token is not live revoked — with the reason and an audit entry under its
    district (``by``: a :class:`liaison_web.tokens.Actor`, who revoked the token; none: the service,
    noticing an expiry). ``token``: only what that token made (its revocation). How many rows marked."""
    from liaison_web.audit import record
    from liaison_web.feeds import described as feed_described
    from liaison_web.webhooks import described as hook_described

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
    from liaison_web.webhooks import WAKE

    if not hook.token_prefix and hook.paused is None:
        return False
    models.Webhook.objects.using(using).filter(pk=hook.pk).update(token=None, token_prefix="", paused=None,
                                                                   pause_reason="")
    hook.token, hook.token_prefix, hook.paused, hook.pause_reason = None, "", None, ""
    transaction.on_commit(WAKE.set, using=using)
    return True
