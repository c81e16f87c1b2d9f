"""API tokens: made once and shown once, kept as a sha256, scoped (``read``, ``write``), revocable.

A token is ``lsn_`` and 40 random URL-safe characters; the table keeps its hash and its first 12
characters (to tell tokens apart in a list). A request's bearer token is looked up by its hash
(:func:`user_of`); a revoked token, or one of an inactive user, is no token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from liaison.base.errors import LiaisonError

__all__ = ["PREFIX", "make_token", "revoke", "user_of"]

PREFIX = "lsn_"
#: How often a token's ``last_used`` is brought forward: to the minute, not on every request.
LAST_USED_EVERY = dt.timedelta(minutes=1)
SCOPES = ("read", "write")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def make_token(username: str, name: str, scopes: Iterable[str] = ("read",)) -> str:
    """A new token for the user ``username``; the secret, which is not kept."""
    from django.contrib.auth import get_user_model

    from liaison_web import models

    user = get_user_model()._default_manager.filter(username=username).first()
    if user is None:
        raise LiaisonError(f"there is no user {username!r}", fix="give the name of an existing user",
                           message_zh=f"没有用户 {username!r}", fix_zh="请给出已有用户的用户名")
    wanted = sorted(set(scopes))
    if not wanted or any(s not in SCOPES for s in wanted):
        raise LiaisonError(f"scopes {wanted!r}: a token's scopes are read and write", fix="give --scope read or write",
                           message_zh=f"权限 {wanted!r}：令牌的权限只有 read 和 write",
                           fix_zh="请给出 --scope read 或 write")
    secret = PREFIX + secrets.token_urlsafe(30)
    models.ApiToken.objects.create(user=user, name=name, prefix=secret[:12], sha256=_hash(secret), scopes=wanted)
    return secret


def user_of(secret: str) -> tuple[Any, tuple[str, ...], str] | None:
    """The user a bearer token acts as, its scopes and its shown prefix (what the audit log names it
    by), or None (unknown, revoked, inactive user)."""
    from liaison_web import models

    found = models.ApiToken.objects.select_related("user").filter(sha256=_hash(secret), revoked__isnull=True).first()
    if found is None or not found.user.is_active:
        return None
    now = timezone.now()
    if found.last_used is None or now - found.last_used > LAST_USED_EVERY:  # not a write per request
        models.ApiToken.objects.filter(pk=found.pk).update(last_used=now)
    return found.user, tuple(found.scopes), found.prefix


def revoke(prefix: str) -> int:
    """Revoke the tokens whose shown prefix is ``prefix``; how many."""
    from liaison_web import models

    return models.ApiToken.objects.filter(prefix=prefix, revoked__isnull=True).update(revoked=timezone.now())
