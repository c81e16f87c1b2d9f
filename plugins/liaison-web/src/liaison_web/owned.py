"""What an API token makes lives no longer than the token: a calendar feed URL and a webhook made
through a token are the token's (``token``, ``token_prefix`` on their rows).

A leaked read-write token could otherwise leave behind what outlives its revocation: a feed URL is
itself a credential (whoever holds it reads the body's calendar), and a webhook sends the district's
events out to an address of the token holder's choosing. Revoking the token must end both.

- **A feed URL made through a token ends with it**: once the token is revoked, past its
  ``expires``, or its user inactive (or its row gone with its user), the feed answers 404 as a
  revoked one (:func:`liaison_web.feeds.serve` asks :func:`live` in its one query), and is listed
  as ended with the reason (:func:`ended`). Its row is marked revoked, with the reason and an audit
  entry (``end`` on ``feed-token``), when the token is revoked (:func:`liaison_web.webhooks.end_owned`, from
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

from django.db.models import Q
from django.utils import timezone

__all__ = ["REASONS", "SERVICE", "ended", "live"]

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
