"""API tokens: made once and shown once, kept as a sha256, scoped (``read``, ``write``, ``tokens``),
revocable.

A token is ``lsn_`` and 40 random URL-safe characters; the table keeps its hash and its first 12
characters (to tell tokens apart in a list). A request's bearer token is looked up by its hash
(:func:`user_of`); a revoked token, one past its ``expires``, or one of an inactive user, is no token.

The one place a token is made and revoked with its audit entry — :func:`issue` and :func:`withdraw`
(:func:`revoke` by a prefix) — and the rules of who may get one from a district's administrator
(:func:`district_user`, :func:`may_act_as`, :func:`future`): the API (:mod:`liaison_web.api_tokens`), the
office's tokens page (:mod:`liaison_web.pages.office`) and the command (``liaison web token``/``revoke``)
all call these, so each entry is the same (``create`` / ``revoke`` on ``api-token``, the token as
listed — :func:`described` — before and after, never the secret).

What a token may do to tokens (:func:`may_make`, :func:`may_revoke`; the one rule the API, the pages
and the command line go through, :func:`make_token` and :func:`withdraw` asking it): a leaked
integration token must not mint keys that outlive or outreach it. Making or revoking tokens — but
revoking itself — takes a browser session, the command line on the server, or a token with the
``tokens`` scope; a token never gives that scope (only a session or the command line do), never a
scope it has not itself, and never an expiry later than its own (a token that ends makes only tokens
that end no later). Nor does what it makes outlive it: a webhook registered through it is paused, a
calendar feed URL made through it ends, when it is revoked or expires (:mod:`liaison_web.owned`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from django.utils import timezone

from liaison.base.errors import LiaisonError
from liaison_web.access import Member, administers
from liaison_web.errors import Forbidden, InvalidRequest

__all__ = ["FURTHEST", "GRANTABLE_BY_TOKEN", "PREFIX", "SCOPES", "SHOWN_PATTERN", "Actor", "Caller", "caller_of",
           "described", "district_user", "districts_of", "future", "issue", "make_token", "may_act_as", "may_make",
           "may_revoke", "of_district", "revoke", "user_named", "user_of", "withdraw"]

PREFIX = "lsn_"
#: a token as lists show it and revoking names it: ``lsn_`` and its next 8 characters
SHOWN_PATTERN = rf"^{PREFIX}[A-Za-z0-9_-]{{8}}$"
#: How often a token's ``last_used`` is brought forward: to the minute, not on every request.
LAST_USED_EVERY = dt.timedelta(minutes=1)
#: ``tokens``: make and revoke tokens (the access table's ``manage_tokens``), given only by a session
#: or the command line
SCOPES = ("read", "write", "tokens")
#: The scopes a token may put on a token it makes (within its own): never ``tokens``.
GRANTABLE_BY_TOKEN = ("read", "write")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def user_named(username: str) -> Any:
    """The user ``username`` (a token acts as it)."""
    from django.contrib.auth import get_user_model

    user = get_user_model()._default_manager.filter(username=username).first()
    if user is None:
        raise LiaisonError(f"there is no user {username!r}", fix="give the name of an existing user",
                           message_zh=f"没有用户 {username!r}", fix_zh="请给出已有用户的用户名")
    return user


def make_token(username: str, name: str, scopes: Iterable[str] = ("read",), *,
               expires: dt.datetime | None = None, token: Caller | None = None) -> str:
    """A new token for the user ``username`` (until ``expires``, if given); the secret, which is not kept.
    ``token``: the token the request making it came with (None: a browser session, the command line),
    held to :func:`may_make`."""
    from liaison_web import models

    user = user_named(username)
    wanted = sorted(set(scopes))
    if not wanted or any(s not in SCOPES for s in wanted):
        raise LiaisonError(f"scopes {wanted!r}: a token's scopes are read, write and tokens",
                           fix="give --scope read, write or tokens",
                           message_zh=f"权限 {wanted!r}：令牌的权限只有 read、write 和 tokens",
                           fix_zh="请给出 --scope read、write 或 tokens")
    may_make(token, wanted, expires)
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
    #: when the token ends (None: until revoked)
    expires: dt.datetime | None = None
    #: the token's row (what a webhook or a feed made through it names: :mod:`liaison_web.owned`)
    token_id: int = 0

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
    return (f'SELECT t.id, t.prefix, t.scopes, t.last_used, t.expires, u.id, u.is_superuser, u."{name}", m.role, '
            f'd.code, m.organisation FROM "{token.db_table}" t JOIN "{user.db_table}" u ON u.id = t.user_id '
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
    pk, prefix, scopes, last_used, expires, user_id, superuser, username = rows[0][:8]
    if isinstance(scopes, str | bytes):  # JSON text on SQLite, a list already on PostgreSQL (jsonb)
        scopes = json.loads(scopes)
    last_used, expires = _moment(last_used), _moment(expires)
    if last_used is None or now - last_used > LAST_USED_EVERY:  # not a write per request
        models.ApiToken.objects.filter(pk=pk).update(last_used=now)
    members = tuple(Member(role, code, organisation or "") for *_, role, code, organisation in rows if role)
    return Caller(int(user_id), bool(superuser), members, tuple(scopes), prefix, str(username), expires, int(pk))


def _moment(value: Any) -> dt.datetime | None:
    """A time column as the cursor gave it, aware (SQLite's text when its converter did not run, and
    naive: it is UTC)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value if isinstance(value, dt.datetime) else None


def may_make(by: Caller | None, scopes: Iterable[str], expires: dt.datetime | None) -> None:
    """A token with ``scopes`` until ``expires`` may be made by ``by`` (the token of the request; None: a
    session or the command line, which may make any); else :class:`~liaison_web.errors.Forbidden`."""
    if by is None:
        return
    wanted = sorted(set(scopes))
    if "tokens" not in by.scopes:
        raise _needs_tokens_scope("make")
    beyond = [s for s in wanted if s not in GRANTABLE_BY_TOKEN or s not in by.scopes]
    if beyond:
        raise _refused(f"a token may not make a token with scopes beyond its own or the scope tokens "
                       f"({', '.join(beyond)}; this one has {', '.join(by.scopes)})",
                       f"令牌不能生成权限超出其自身或带有 tokens 权限的令牌（{'、'.join(beyond)}；"
                       f"本令牌的权限为 {'、'.join(by.scopes)}）",
                       "ask for fewer scopes, or make it logged in (a browser session) or with `liaison web token`",
                       "请减少所要的权限，或登录后（浏览器会话）或用 liaison web token 生成")
    if by.expires is not None and (expires is None or expires > by.expires):
        ends = by.expires.astimezone(dt.UTC).isoformat()
        asked, asked_zh = (expires.isoformat(), expires.isoformat()) if expires else ("none", "不失效")
        raise _refused(f"this token ends at {ends}: a token it makes must end no later (asked: {asked})",
                       f"本令牌于 {ends} 失效：它生成的令牌不能晚于该时间失效（所要的是：{asked_zh}）",
                       f"give expires no later than {ends}", f"请给出不晚于 {ends} 的 expires")


def may_revoke(by: Caller | None, prefix: str) -> None:
    """``by`` (the request's token; None: a session or the command line) may revoke the token ``prefix``:
    any token itself; another only with the ``tokens`` scope."""
    if by is None or prefix == by.prefix:
        return
    if "tokens" not in by.scopes:
        raise _needs_tokens_scope("revoke")


def _needs_tokens_scope(verb: str) -> LiaisonError:
    zh, command = {"make": ("生成", "liaison web token"), "revoke": ("吊销", "liaison web revoke")}[verb]
    return _refused(f"this token may not {verb} tokens (it has not the scope tokens)",
                    f"该令牌无权{zh}令牌（没有 tokens 权限）",
                    f"{verb} it logged in (a browser session), with a token of the scope tokens, or with "
                    f"`{command}` on the server",
                    f"请登录后（浏览器会话）、用具有 tokens 权限的令牌，或在服务器上用 {command} {zh}")


def _refused(message: str, message_zh: str, fix: str, fix_zh: str) -> LiaisonError:
    from liaison_web.errors import Forbidden

    return Forbidden(message, fix=fix, message_zh=message_zh, fix_zh=fix_zh)


def user_of(secret: str) -> tuple[Any, tuple[str, ...], str] | None:
    """The user a bearer token acts as, its scopes and its shown prefix, or None (see :func:`caller_of`)."""
    found = caller_of(secret)
    return None if found is None else (found.user, found.scopes, found.prefix)


# -- making and revoking, with the audit entry: the API's, the page's and the command's one place -------
@attrs.frozen
class Actor:
    """Who makes or revokes a token, as its audit entry names them: the user (None: the command line on
    the server), the name the entry gives (the API's ``name (token lsn_…)``; None: the user's, or the
    command line's) and the address the request came from."""

    user: Any = None
    name: str | None = None
    address: str = ""


def _iso(at: dt.datetime | None) -> str | None:
    return None if at is None else at.astimezone(dt.UTC).isoformat()


def described(row: Any) -> dict[str, Any]:
    """The token as listed and as its audit entries keep it (JSON: times ISO 8601 in UTC): never the
    secret nor its hash."""
    now = timezone.now()
    return {"prefix": row.prefix, "name": row.name, "user": row.user.get_username(), "scopes": list(row.scopes),
            "created": _iso(row.created), "last_used": _iso(row.last_used), "expires": _iso(row.expires),
            "revoked": _iso(row.revoked),
            "active": row.revoked is None and (row.expires is None or row.expires > now) and row.user.is_active}


def of_district(district: str) -> Any:
    """The tokens of the users of ``district`` (its members), oldest first, with their users."""
    from liaison_web import models

    return (models.ApiToken.objects.select_related("user")
            .filter(user__memberships__district__code=district).distinct().order_by("created", "id"))


def districts_of(user: Any) -> list[str | None]:
    """The districts whose audit log a change of ``user``'s tokens goes to: each it is a member of (none:
    the deployment's log)."""
    from liaison_web import models

    codes = sorted({code for code in models.Membership.objects.filter(user=user)
                    .values_list("district__code", flat=True) if code is not None})
    return list(codes) or [None]


def district_user(district: str, username: str) -> Any:
    """The active user ``username`` with a role in ``district``: whom its administrator may give a token."""
    from django.contrib.auth import get_user_model

    from liaison_web import models

    user = get_user_model()._default_manager.filter(username=username, is_active=True).first()
    if user is None or not models.Membership.objects.filter(user=user, district__code=district).exists():
        raise InvalidRequest(f"{username} is no active user of {district}", path=("user",),
                             fix="give the name of an active user with a role in the district (the users page)",
                             message_zh=f"{username} 不是 {district} 的有效用户",
                             fix_zh="请给出在本区有角色的有效用户（用户页面）")
    return user


def may_act_as(members: Iterable[Member], superuser: bool, user: Any, *, verb: str = "make") -> None:
    """The caller (its memberships) administers every district ``user`` is a member of — a district's
    administrator never makes a key to where it has none, nor revokes one (a key a superuser or another
    district's administrator made for that user); a superuser's tokens only a superuser makes or
    revokes. ``verb``: ``make`` or ``revoke``, for the refusal's words."""
    from liaison_web import models

    if superuser:
        return
    mine = tuple(members)
    if user.is_superuser:
        elsewhere = [None]
    else:
        held = models.Membership.objects.filter(user=user).values_list("district__code", flat=True)
        elsewhere = sorted({code for code in held if code is None or not administers(mine, code)},
                           key=lambda code: (code is None, code or ""))
    if elsewhere:
        named = ", ".join(code or "every district" for code in elsewhere)
        named_zh = "、".join(code or "所有区" for code in elsewhere)
        zh = {"make": "生成", "revoke": "吊销"}[verb]
        command = "token" if verb == "make" else "revoke"
        raise Forbidden(f"{user.get_username()} has roles beyond the districts you administer "
                        f"({named}): your role may not {verb} a token acting there",
                        fix=f"ask a superuser (or `liaison web {command}` on the server)",
                        message_zh=f"{user.get_username()} 在您管理的区之外也有角色（{named_zh}）："
                                   f"您无权{zh}在那里生效的令牌",
                        fix_zh=f"请联系超级用户（或在服务器上使用 liaison web {command}）")


#: How far ahead a token may end: ten years (3,653 days, leap days included). A key meant to last longer
#: is one "until revoked" (no ``expires``); and a far end — 9999-12-31 — is no time the database or the
#: UTC conversion can hold.
FURTHEST = dt.timedelta(days=3653)


def future(expires: dt.datetime | dt.date | None, zone: str | None = None) -> dt.datetime | None:
    """A token's end — the one rule the API, the tokens page and ``liaison web token`` go through: a
    moment to come, no more than :data:`FURTHEST` (ten years) ahead, or None (until revoked). A time
    without an offset is in the server's time zone; a date (``2027-06-30``) is **the last day the
    token works**: it ends at the midnight after it in ``zone`` (the district's time zone; none: the
    server's). A time past or too far ahead is :class:`~liaison_web.errors.InvalidRequest` at
    ``expires`` (the API's 422, the page's form error, the command's error)."""
    if expires is None:
        return None
    now = timezone.now()
    furthest = now + FURTHEST
    if isinstance(expires, dt.datetime):
        ends = expires if timezone.is_aware(expires) else timezone.make_aware(expires)
    else:  # the last day it works: compared first, so that 9999-12-31's next day is never reckoned
        if expires > furthest.date():
            raise _too_far(furthest)
        from zoneinfo import ZoneInfo

        ends = dt.datetime.combine(expires + dt.timedelta(days=1), dt.time(0),
                                   tzinfo=ZoneInfo(zone) if zone else timezone.get_current_timezone())
    if ends <= now:
        raise InvalidRequest("expires: the time is past", path=("expires",), fix="give a time in the future",
                             message_zh="expires：该时间已过", fix_zh="请给出将来的时间")
    if ends > furthest:  # aware times compared as moments: no conversion that could overflow
        raise _too_far(furthest)
    return ends


def _too_far(furthest: dt.datetime) -> InvalidRequest:
    last = furthest.date().isoformat()
    return InvalidRequest(f"expires: more than ten years ahead (a token ends by {last} at the latest)",
                          path=("expires",), fix="give an earlier end, or none: the token then works until revoked",
                          message_zh=f"expires：超过十年之后（令牌最晚于 {last} 失效）",
                          fix_zh="请给出更早的失效时间，或不填：令牌一直有效，直到被吊销")


def issue(user: Any, name: str, scopes: Iterable[str], *, expires: dt.datetime | dt.date | None, by: Actor,
          districts: Sequence[str | None], token: Caller | None = None, zone: str | None = None) -> tuple[Any, str]:
    """Make a token for ``user`` (:func:`make_token`; ``token``: the request's, held to :func:`may_make`)
    until ``expires`` (:func:`future`: a date is the last day it works, in ``zone``) with its audit
    entry (``create`` on ``api-token``, the token as listed) under each of ``districts``, in one
    transaction: the row and the secret, which is shown this once and kept nowhere."""
    from django.db import transaction

    from liaison_web import models
    from liaison_web.audit import record

    with transaction.atomic():
        secret = make_token(user.get_username(), name, scopes, expires=future(expires, zone), token=token)
        row = models.ApiToken.objects.select_related("user").get(sha256=_hash(secret))  # found by what it keeps
        shown = described(row)
        for code in districts:
            record("create", "api-token", row.prefix, user=by.user, actor=by.name, remote_address=by.address,
                   district=code, after=shown)
    return row, secret


def withdraw(row: Any, *, by: Actor, districts: Sequence[str | None], token: Caller | None = None) -> Any:
    """Revoke the token ``row`` with its audit entry (``revoke``, before and after) under each of
    ``districts``, in one transaction; a revoked one is left as it is, nothing logged. The row as it is.
    ``token``: the request's (None: a session, the command line), held to :func:`may_revoke`."""
    from django.db import transaction

    from liaison_web import models
    from liaison_web.audit import record
    from liaison_web.webhooks import end_owned

    may_revoke(token, row.prefix)
    if row.revoked is not None:
        return row
    with transaction.atomic():
        before = described(row)
        if not models.ApiToken.objects.filter(pk=row.pk, revoked__isnull=True).update(revoked=timezone.now()):
            row.refresh_from_db()  # revoked meanwhile by another: its entry is that one's
            return row
        row.refresh_from_db()
        after = described(row)
        for code in districts:
            record("revoke", "api-token", row.prefix, user=by.user, actor=by.name, remote_address=by.address,
                   district=code, before=before, after=after)
        end_owned(token=row, by=by)  # its webhooks paused, its feed URLs ended (liaison_web.webhooks.end_owned)
    return row


def revoke(prefix: str, *, by: Actor | None = None) -> int:
    """Revoke the tokens in use whose shown prefix is ``prefix`` (:func:`withdraw`, each under its
    user's districts; ``by`` none: the command line); how many."""
    from liaison_web import models

    by = by or Actor()
    rows = models.ApiToken.objects.select_related("user").filter(prefix=prefix, revoked__isnull=True).order_by("id")
    return sum(withdraw(row, by=by, districts=districts_of(row.user)).revoked is not None for row in rows)
