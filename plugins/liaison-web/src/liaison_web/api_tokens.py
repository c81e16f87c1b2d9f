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
  (``manage_tokens``), of one the caller may make tokens for (the same limit: never a superuser's or
  a key to another district).
- ``GET /tokens``, ``DELETE /tokens/{prefix}`` — the caller's own tokens: anyone lists and revokes
  their own with a session; a token revokes itself (any token, a read-only one included), another
  only with the scope ``tokens``.

With a token rather than a session, making and revoking take its ``tokens`` scope, and what it makes
is held within it — no ``tokens`` scope, no scope it has not, no later end
(:func:`liaison_web.tokens.may_make`, the rule the command line and the pages go through too).

Every making and revoking is in the audit log (``create`` / ``revoke`` on ``api-token``, under the
district: for one's own, under each district the user is a member of), with who, from where,
before and after — made and revoked by :mod:`liaison_web.tokens`' one place
(:func:`~liaison_web.tokens.issue`, :func:`~liaison_web.tokens.withdraw`), which the office's tokens
page and the command call too. A token past its ``expires`` is 401, as a revoked one
(:func:`liaison_web.tokens.caller_of`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from pydantic import BeforeValidator

from liaison_web import models, schemas, tokens
from liaison_web.api import ERRORS, _district, _district_object, _members, _scope, actor_of, api
from liaison_web.callers import remote_address
from liaison_web.errors import NotFound, json_response
from liaison_web.idempotency import shown_once
from liaison_web.tokens import SCOPES, SHOWN_PATTERN, Caller, described

__all__ = ["TokenModel", "by", "district_tokens", "make", "mine", "no_token", "revoke_mine", "revoke_one", "token_of"]

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


def _bare_date(value: Any) -> Any:
    """``expires`` given as a date alone (``2027-06-30``) taken as that date — the last day the token
    works, as the tokens page's — not as its 00:00, which a time field would make of it."""
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:  # 2027-02-30: the field's own error
            return value
    return value


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class TokenBody(schemas.Body):
    user: str = Field(min_length=1, max_length=150, description="the user of the district it acts as")
    name: str = Field(min_length=1, max_length=100, description="what it is for (the OA system's name)")
    scopes: list[Scope] = Field(default=["read"], min_length=1,
                                description="read, write, tokens (make and revoke tokens: given only "
                                            "by a session or the command line, never by a token)")
    expires: Annotated[dt.datetime | dt.date | None, BeforeValidator(_bare_date)] = Field(
        None, description="when it ends: a time to come (no offset: the server's time zone), or a date — the last "
                          "day it works, to the midnight after it in the district's time zone — at most ten years "
                          "ahead; none: until revoked")


def by(request: HttpRequest) -> tokens.Actor:
    """Who the request's audit entries name: the user, the token it came with, its address."""
    return tokens.Actor(request.user, actor_of(request), remote_address(request))


_TOKENS = "/districts/{district}/tokens"


@api.get(_TOKENS, response={200: list[TokenModel], **ERRORS}, tags=["tokens"])
def district_tokens(request: HttpRequest, district: str) -> HttpResponse:
    """The API tokens of the district's users, oldest first (revoked and expired ones included)."""
    _district(request, district, "tokens")
    _district_object(request, "tokens", district)
    return json_response([described(t) for t in tokens.of_district(district)])


@api.post(_TOKENS, response={201: NewTokenModel, **ERRORS}, tags=["tokens"])
def make(request: HttpRequest, district: str, body: TokenBody) -> HttpResponse:
    """Make an API token for a user of the district: answered with the token, this once (only its
    sha256 is kept). Written to the audit log (never the token)."""
    found, _ = _district(request, district, "manage_tokens")
    _district_object(request, "manage_tokens", district)
    user = tokens.district_user(district, body.user)
    tokens.may_act_as(*_members(request), user)
    row, secret = tokens.issue(user, body.name, body.scopes, expires=body.expires, by=by(request),
                               districts=[district], token=token_of(request), zone=found.info.timezone)
    return shown_once(json_response({**described(row), "token": secret}, status=201))


def token_of(request: HttpRequest) -> Caller | None:
    """The token the request came with (None: a browser session), held to
    :func:`liaison_web.tokens.may_make` / :func:`~liaison_web.tokens.may_revoke`."""
    found = getattr(request, "auth", None)
    return found if isinstance(found, Caller) else None


def no_token(prefix: str) -> NotFound:
    return NotFound(f"there is no token {prefix}…", fix="the token list gives the prefixes",
                    message_zh=f"没有令牌 {prefix}…", fix_zh="令牌列表中列出了各令牌的前缀")


@api.delete(f"{_TOKENS}/{{prefix}}", response={200: TokenModel, **ERRORS}, tags=["tokens"])
def revoke_one(request: HttpRequest, district: str, prefix: Prefix) -> HttpResponse:
    """Revoke a token of a user of the district: refused (401) from the next request on. A revoked
    one is answered as it is."""
    _district(request, district, "manage_tokens")
    _district_object(request, "manage_tokens", district)
    row = tokens.of_district(district).filter(prefix=prefix).order_by("-id").first()
    if row is None:
        raise no_token(prefix)
    tokens.may_act_as(*_members(request), row.user, verb="revoke")
    return json_response(described(tokens.withdraw(row, by=by(request), districts=[district],
                                                 token=token_of(request))))


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
        raise no_token(prefix)
    return json_response(described(tokens.withdraw(row, by=by(request), districts=tokens.districts_of(row.user),
                                                 token=token_of(request))))
