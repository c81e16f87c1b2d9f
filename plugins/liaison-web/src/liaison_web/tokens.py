"""API tokens: made once and shown once, kept as a sha256, scoped (``read``, ``write``), revocable.

A token is ``lsn_`` and 40 random URL-safe characters; the table keeps its hash and its first 12
characters (to tell tokens apart in a list). A request's bearer token is looked up by its hash
(:func:`user_of`); a revoked token, one past its ``expires``, or one of an inactive user, is no token.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import secrets
from collections.abc import Iterable
from typing import Any

import attrs
from django.utils import timezone

from liaison.base.errors import LiaisonError
from liaison_web.access import Member

__all__ = ["PREFIX", "SHOWN_PATTERN", "Caller", "caller_of", "make_token", "revoke", "user_of"]

PREFIX = "lsn_"
#: a token as lists show it and revoking names it: ``lsn_`` and its next 8 characters
SHOWN_PATTERN = rf"^{PREFIX}[A-Za-z0-9_-]{{8}}$"
#: How often a token's ``last_used`` is brought forward: to the minute, not on every request.
LAST_USED_EVERY = dt.timedelta(minutes=1)
SCOPES = ("read", "write")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def make_token(username: str, name: str, scopes: Iterable[str] = ("read",), *,
               expires: dt.datetime | None = None) -> str:
    """A new token for the user ``username`` (until ``expires``, if given); the secret, which is not kept."""
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
    models.ApiToken.objects.create(user=user, name=name, prefix=secret[:12], sha256=_hash(secret), scopes=wanted,
                                   expires=expires)
    return secret


@attrs.frozen
class Caller:
    """Who a bearer token acts as, read in one query: the user's id and name, whether a superuser,
    the memberships, the token's scopes and its shown prefix (what the audit log names it by)."""

    user_id: int
    superuser: bool
    members: tuple[Member, ...]
    scopes: tuple[str, ...]
    prefix: str
    username: str = ""

    @property
    def user(self) -> Any:
        """The user as the query read it (its id, name, superuser and active flags; Django reads any
        other field from the database when it is first asked for, as for a deferred field): what an
        audit entry names and points to costs no query of its own."""
        from django.contrib.auth import get_user_model

        model = get_user_model()
        known = {"id": self.user_id, str(getattr(model, "USERNAME_FIELD", "username")): self.username,
                 "is_superuser": self.superuser, "is_active": True}  # the query takes only an active user's token
        fields = [f.attname for f in model._meta.concrete_fields if f.attname in known]
        return model.from_db("default", fields, [known[f] for f in fields])


@functools.cache
def _caller_query() -> str:
    """The statement of :func:`caller_of` (the tables' and the user name's columns, read once)."""
    from django.contrib.auth import get_user_model

    from liaison_web import models

    token, user = models.ApiToken._meta, get_user_model()._meta
    member, district = models.Membership._meta, models.District._meta
    named: Any = user.get_field(str(getattr(get_user_model(), "USERNAME_FIELD", "username")))
    name = named.column
    return (f'SELECT t.id, t.prefix, t.scopes, t.last_used, u.id, u.is_superuser, u."{name}", m.role, d.code, '
            f'm.organisation FROM "{token.db_table}" t JOIN "{user.db_table}" u ON u.id = t.user_id '
            f'LEFT JOIN "{member.db_table}" m ON m.user_id = u.id '
            f'LEFT JOIN "{district.db_table}" d ON d.id = m.district_id '
            f'WHERE t.sha256 = %s AND t.revoked IS NULL AND (t.expires IS NULL OR t.expires > %s) AND u.is_active '
            'ORDER BY m.id')


def caller_of(secret: str) -> Caller | None:
    """The caller a bearer token stands for, or None (unknown, revoked, expired, inactive user). One query —
    the token, its user and the user's memberships joined — and, once a minute per token, the write
    of its ``last_used``: a read costs no more than that (no password hasher: the token's sha256)."""
    from django.db import connection

    from liaison_web import models

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_caller_query(), [_hash(secret), connection.ops.adapt_datetimefield_value(now)])
        rows = cursor.fetchall()
    if not rows:
        return None
    pk, prefix, scopes, last_used, user_id, superuser, username = rows[0][:7]
    if isinstance(scopes, str | bytes):  # JSON text on SQLite, a list already on PostgreSQL (jsonb)
        scopes = json.loads(scopes)
    if isinstance(last_used, str):  # SQLite's text, when its converter did not run
        last_used = dt.datetime.fromisoformat(last_used)
    if isinstance(last_used, dt.datetime) and timezone.is_naive(last_used):
        last_used = timezone.make_aware(last_used, dt.UTC)  # SQLite's text carries no offset: it is UTC
    if last_used is None or now - last_used > LAST_USED_EVERY:  # not a write per request
        models.ApiToken.objects.filter(pk=pk).update(last_used=now)
    members = tuple(Member(role, code, organisation or "") for *_, role, code, organisation in rows if role)
    return Caller(int(user_id), bool(superuser), members, tuple(scopes), prefix, str(username))


def user_of(secret: str) -> tuple[Any, tuple[str, ...], str] | None:
    """The user a bearer token acts as, its scopes and its shown prefix, or None (see :func:`caller_of`)."""
    found = caller_of(secret)
    return None if found is None else (found.user, found.scopes, found.prefix)


def revoke(prefix: str) -> int:
    """Revoke the tokens whose shown prefix is ``prefix``; how many."""
    from liaison_web import models

    return models.ApiToken.objects.filter(prefix=prefix, revoked__isnull=True).update(revoked=timezone.now())
