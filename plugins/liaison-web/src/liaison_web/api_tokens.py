"""API tokens managed through the API, by a district's administrator, without a shell.

- ``GET /districts/{district}/tokens`` — the tokens of the district's users (its members): prefix,
  name, user, scopes, when made, last used, expiry, revocation; never the secret nor its hash
  (the access table's ``tokens``: the administrator, the auditor, the city auditor).
- ``POST /districts/{district}/tokens`` — make one for a user of the district (``user``; oneself
  included), its scopes and name, optionally ``expires``: the token is in the answer, once
  (``manage_tokens``: the administrator). A user who is also a member of a district the caller does
  not administer, or a superuser, gets tokens only from whoever administers all of it (a superuser,
  or ``liaison web token``): a district's administrator never makes a key to another district.
- ``DELETE /districts/{district}/tokens/{prefix}`` — revoke a token of a user of the district
  (``manage_tokens``).
- ``GET /tokens``, ``DELETE /tokens/{prefix}`` — the caller's own tokens: anyone lists and revokes
  their own with a session; a token revokes itself (any token, a read-only one included), another
  only with the scope ``tokens``.

With a token rather than a session, making and revoking take its ``tokens`` scope, and what it makes
is held within it — no ``tokens`` scope, no scope it has not, no later end
(:func:`liaison_web.tokens.may_make`, the rule the command line and the pages go through too).

Every making and revoking is in the audit log (``create`` / ``revoke`` on ``api-token``, under the
district: for one's own, under each district the user is a member of), with who, from where,
before and after. A token past its ``expires`` is 401, as a revoked one (:func:`liaison_web.tokens.caller_of`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Schema

from liaison_web import access, models, schemas
from liaison_web.api import ERRORS, _audited, _district, _district_object, _members, _scope, actor_of, api
from liaison_web.callers import remote_address
from liaison_web.errors import Forbidden, InvalidRequest, NotFound, json_response
from liaison_web.tokens import SCOPES, SHOWN_PATTERN, Caller, make_token, may_revoke

__all__ = ["TokenModel", "district_tokens", "make", "mine", "revoke_mine", "revoke_one"]

#: A token's shown prefix: ``lsn_`` and its next 8 characters (what lists show and revoking names).
Prefix = Annotated[str, Field(pattern=SHOWN_PATTERN, description="the token's first 12 characters")]
Scope = Literal[SCOPES]  # type: ignore[valid-type]


class TokenModel(Schema):
    """An API token as it is listed: never its secret."""

    prefix: str = Field(description="its first 12 characters: what tells it apart and what revoking names")
    name: str = Field(description="what it is for (the OA system's name)")
    user: str = Field(description="the user it acts as")
    scopes: list[str]
    created: dt.datetime
    last_used: dt.datetime | None = Field(description="the last request with it (to the minute)")
    expires: dt.datetime | None = Field(description="after this it is refused (401); none: until revoked")
    revoked: dt.datetime | None
    active: bool = Field(description="it authenticates now: not revoked, not expired, its user active")


class NewTokenModel(TokenModel):
    token: str = Field(description="the token: shown this once (send it as 'Authorization: Bearer …')")


class TokenBody(schemas.Body):
    user: str = Field(min_length=1, max_length=150, description="the user of the district it acts as")
    name: str = Field(min_length=1, max_length=100, description="what it is for (the OA system's name)")
    scopes: list[Scope] = Field(default=["read"], min_length=1,
                                description="read, write, tokens (make and revoke tokens: given only "
                                            "by a session or the command line, never by a token)")
    expires: dt.datetime | None = Field(None, description="when it ends (in the future); none: until revoked")


def _iso(at: dt.datetime | None) -> str | None:
    return None if at is None else at.astimezone(dt.UTC).isoformat()


def described(row: models.ApiToken) -> dict[str, Any]:
    """The token as listed and as its audit entries keep it (JSON: times ISO 8601 in UTC)."""
    now = timezone.now()
    return {"prefix": row.prefix, "name": row.name, "user": row.user.get_username(), "scopes": list(row.scopes),
            "created": _iso(row.created), "last_used": _iso(row.last_used), "expires": _iso(row.expires),
            "revoked": _iso(row.revoked),
            "active": row.revoked is None and (row.expires is None or row.expires > now) and row.user.is_active}


def _of_district(district: str) -> Any:
    return (models.ApiToken.objects.select_related("user")
            .filter(user__memberships__district__code=district).distinct().order_by("created", "id"))


_TOKENS = "/districts/{district}/tokens"


@api.get(_TOKENS, response={200: list[TokenModel], **ERRORS}, tags=["tokens"])
def district_tokens(request: HttpRequest, district: str) -> HttpResponse:
    """The API tokens of the district's users, oldest first (revoked and expired ones included)."""
    _district(request, district, "tokens")
    _district_object(request, "tokens", district)
    return json_response([described(t) for t in _of_district(district)])


@api.post(_TOKENS, response={201: NewTokenModel, **ERRORS}, tags=["tokens"])
def make(request: HttpRequest, district: str, body: TokenBody) -> HttpResponse:
    """Make an API token for a user of the district: answered with the token, this once (only its
    sha256 is kept). Written to the audit log (never the token)."""
    from django.contrib.auth import get_user_model

    _district(request, district, "manage_tokens")
    _district_object(request, "manage_tokens", district)
    user = get_user_model()._default_manager.filter(username=body.user, is_active=True).first()
    if user is None or not models.Membership.objects.filter(user=user, district__code=district).exists():
        raise InvalidRequest(f"{body.user} is no active user of {district}", path=("user",),
                             fix="give the name of an active user with a role in the district (the users page)",
                             message_zh=f"{body.user} 不是 {district} 的有效用户",
                             fix_zh="请给出在本区有角色的有效用户（用户页面）")
    _may_act_as(request, user)
    if body.expires is not None:
        expires = body.expires if timezone.is_aware(body.expires) else timezone.make_aware(body.expires)
        if expires <= timezone.now():
            raise InvalidRequest("expires: the time is past", path=("expires",), fix="give a time in the future",
                                 message_zh="expires：该时间已过", fix_zh="请给出将来的时间")
    else:
        expires = None
    with transaction.atomic():
        secret = make_token(user.get_username(), body.name, body.scopes, expires=expires, by=_by(request))
        digest = hashlib.sha256(secret.encode()).hexdigest()  # the row is found by what it keeps
        row = models.ApiToken.objects.select_related("user").get(sha256=digest)
        shown = described(row)
        _audited(request, "create", "api-token", row.prefix, district, after=shown)
    return json_response({**shown, "token": secret}, status=201)


def _may_act_as(request: HttpRequest, user: Any) -> None:
    """The caller administers every district ``user`` is a member of (a superuser: only a superuser)."""
    members, superuser = _members(request)
    if superuser:
        return
    if user.is_superuser:
        elsewhere = ["every district"]
    else:
        held = models.Membership.objects.filter(user=user).values_list("district__code", flat=True)
        elsewhere = sorted({code or "every district" for code in held
                            if code is None or not access.administers(members, code)})
    if elsewhere:
        raise Forbidden(f"{user.get_username()} has roles beyond the districts you administer "
                        f"({', '.join(elsewhere)}): your role may not make a token acting there",
                        fix="ask a superuser (or `liaison web token` on the server)",
                        message_zh=f"{user.get_username()} 在您管理的区之外也有角色（{'、'.join(elsewhere)}）："
                                   "您无权生成在那里生效的令牌",
                        fix_zh="请联系超级用户（或在服务器上使用 liaison web token）")


def _by(request: HttpRequest) -> Caller | None:
    """The token the request came with (None: a browser session)."""
    found = getattr(request, "auth", None)
    return found if isinstance(found, Caller) else None


def _no_token(prefix: str) -> NotFound:
    return NotFound(f"there is no token {prefix}…", fix="the token list gives the prefixes",
                    message_zh=f"没有令牌 {prefix}…", fix_zh="令牌列表中列出了各令牌的前缀")


def _revoke(request: HttpRequest, row: models.ApiToken, districts: list[str | None]) -> HttpResponse:
    """Revoke ``row`` (a revoked one answered as it is) with its entry under each of ``districts``."""
    from liaison_web.audit import record

    may_revoke(_by(request), row.prefix)
    if row.revoked is not None:
        return json_response(described(row))
    with transaction.atomic():
        before = described(row)
        models.ApiToken.objects.filter(pk=row.pk, revoked__isnull=True).update(revoked=timezone.now())
        row.refresh_from_db()
        after = described(row)
        for code in districts:
            record("revoke", "api-token", row.prefix, user=request.user, actor=actor_of(request),
                   remote_address=remote_address(request), district=code, before=before, after=after)
    return json_response(after)


@api.delete(f"{_TOKENS}/{{prefix}}", response={200: TokenModel, **ERRORS}, tags=["tokens"])
def revoke_one(request: HttpRequest, district: str, prefix: Prefix) -> HttpResponse:
    """Revoke a token of a user of the district: refused (401) from the next request on. A revoked
    one is answered as it is."""
    _district(request, district, "manage_tokens")
    _district_object(request, "manage_tokens", district)
    row = _of_district(district).filter(prefix=prefix).order_by("-id").first()
    if row is None:
        raise _no_token(prefix)
    return _revoke(request, row, [district])


def _own(request: HttpRequest) -> Any:
    return models.ApiToken.objects.select_related("user").filter(user_id=request.user.pk).order_by("created", "id")


@api.get("/tokens", response={200: list[TokenModel], **ERRORS}, tags=["tokens"])
def mine(request: HttpRequest) -> HttpResponse:
    """The caller's own API tokens, oldest first (never a secret)."""
    _scope(request, "tokens")
    return json_response([described(t) for t in _own(request)])


@api.delete("/tokens/{prefix}", response={200: TokenModel, **ERRORS}, tags=["tokens"])
def revoke_mine(request: HttpRequest, prefix: Prefix) -> HttpResponse:
    """Revoke one of the caller's own tokens: with a session any; with a token itself (a read-only one
    too), another only with the scope ``tokens``."""
    row = _own(request).filter(prefix=prefix).order_by("-id").first()
    if row is None:
        raise _no_token(prefix)
    codes = sorted({code for code in models.Membership.objects.filter(user_id=request.user.pk)
                    .values_list("district__code", flat=True) if code is not None})
    return _revoke(request, row, list(codes) or [None])
