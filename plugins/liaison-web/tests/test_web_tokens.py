"""API tokens managed through the API (`liaison_web.api_tokens`): the district's administrator lists,
makes (shown once) and revokes its users' tokens; anyone lists and revokes their own; an expiry is
honoured at authentication; every change is in the audit log — and the matrix every role × (list,
make, revoke) × its district / another district × how it calls (a browser session, a token, a token
with the scope ``tokens``) → the status the issue's roles and the rule on tokens give (written here,
not read from the access table): a token never mints a token unless it carries ``tokens``, which only a
session or the command line give, and never one beyond itself."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import web_db
from web_db import CLERK_OF, ROLES

ON_POSTGRES_TOO = True  # the HTTP tests run on PostgreSQL too (.ci/with-postgres)

ACTIONS = ("list", "make", "revoke")
WHOSE = ("own district's", "another district's")
#: How the call is made: logged in (a browser session), with a read-and-write token (what an OA
#: system holds), with a token that also has the scope ``tokens``.
CREDENTIALS = ("session", "token", "token with tokens")


def expected(role: str, action: str, whose: str, credential: str = "session") -> int:
    """The administrator (统战部 / 政府办) manages its district's tokens; the auditor reads the list of
    its district, the city auditor of every district; a department's or a party's officer none;
    another district is not shown to exist (404) but to the city auditor, who may not change it. With
    a token, making and revoking take the scope ``tokens`` (without it: 403 before anything else)."""
    wanted = {"list": 200, "make": 201, "revoke": 200}[action]
    if credential == "token" and action != "list":
        return 403
    if whose == "another district's":
        if role == "city_auditor":
            return 200 if action == "list" else 403
        return 404
    if role == "administrator":
        return wanted
    if role in ("auditor", "city_auditor"):
        return 200 if action == "list" else 403
    return 403


def _user(district: str, role: str = "clerk", organisation: str = CLERK_OF) -> Any:
    from django.contrib.auth import get_user_model

    from liaison_web import models

    web_db.counter += 1
    user = get_user_model()._default_manager.create_user(f"oa-{district}-{web_db.counter}", password="x")
    models.Membership.objects.create(user=user, district=models.District.objects.get(code=district),
                                     organisation=organisation, role=role)
    return user


def _bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _call(auth: dict[str, str], action: str, district: str, user: Any, prefix: str, client: Any = None) -> Any:
    from django.test import Client

    client = client or Client()
    base = f"/api/v1/districts/{district}/tokens"
    if action == "list":
        return client.get(base, **auth)
    if action == "make":
        return client.post(base, data=json.dumps({"user": user.username, "name": "泛微", "scopes": ["read"]}),
                           content_type="application/json", **auth)
    return client.delete(f"{base}/{prefix}", **auth)


def _holder(auth: dict[str, str]) -> Any:
    """The user a fixture's bearer header acts as."""
    from liaison_web import models

    secret = auth["HTTP_AUTHORIZATION"].removeprefix("Bearer ")
    return models.ApiToken.objects.select_related("user").get(prefix=secret[:12]).user


def _credentials(auth: dict[str, str], credential: str) -> tuple[dict[str, str], Any]:
    """The headers and the logged-in client (a session: none) of ``credential`` for ``auth``'s user."""
    from django.test import Client

    from liaison_web.tokens import make_token

    if credential == "token":
        return auth, None
    holder = _holder(auth)
    if credential == "token with tokens":
        return _bearer(make_token(holder.username, "manager", ("read", "write", "tokens"))), None
    client = Client()
    client.force_login(holder)
    return {}, client


@pytest.mark.parametrize("role", ROLES)
def test_the_tokens_matrix(two_districts: dict[str, Any], role: str) -> None:
    from liaison_web import models
    from liaison_web.tokens import make_token

    got, wanted = {}, {}
    for credential in CREDENTIALS:
        auth, client = _credentials(two_districts[role], credential)
        for whose in WHOSE:
            district = "seed" if whose == "own district's" else "other"
            for action in ACTIONS:
                user = _user(district)
                prefix = make_token(user.username, "to revoke", ("read",))[:12]
                entries = models.AuditEntry.objects.count()
                response = _call(auth, action, district, user, prefix, client)
                got[(action, whose, credential)] = response.status_code
                wanted[(action, whose, credential)] = expected(role, action, whose, credential)
                if response.status_code >= 400:
                    assert response.json()["kind"] in ("Forbidden", "NotFound") and response.json()["message_zh"]
                    assert models.AuditEntry.objects.count() == entries  # a refusal writes nothing
                elif action != "list":
                    assert models.AuditEntry.objects.count() == entries + 1
    assert got == wanted


def _manager(two_districts: dict[str, Any]) -> dict[str, str]:
    """A token of the seed's administrator with the scope ``tokens`` (and read, write): what manages tokens."""
    return _credentials(two_districts["administrator"], "token with tokens")[0]


def test_a_token_made_by_the_administrator_is_shown_once_works_and_is_revoked(two_districts: dict[str, Any]) -> None:
    """Made: the token in the answer only (the list and the audit entry hold its prefix, never the
    secret), acting as its user within its scopes; revoked by the administrator: 401 from then on."""
    from django.test import Client

    from liaison_web import models

    admin = _manager(two_districts)
    oa = _user("seed")
    made = Client().post("/api/v1/districts/seed/tokens", data=json.dumps(
        {"user": oa.username, "name": "致远 OA", "scopes": ["read", "write"]}), content_type="application/json",
        **admin)
    assert made.status_code == 201, made.content
    shown = made.json()
    secret = shown["token"]
    assert secret.startswith(shown["prefix"]) and shown["scopes"] == ["read", "write"] and shown["active"]
    assert shown["user"] == oa.username and shown["expires"] is None and shown["last_used"] is None
    read = Client().get("/api/v1/districts/seed/organisations", **_bearer(secret))
    assert read.status_code == 200
    listed = Client().get("/api/v1/districts/seed/tokens", **admin)
    assert listed.status_code == 200 and secret not in listed.content.decode()
    row = next(t for t in listed.json() if t["prefix"] == shown["prefix"])
    assert row["last_used"] is not None and "token" not in row
    entry = models.AuditEntry.objects.filter(action="create", object_type="api-token",
                                             object_id=shown["prefix"]).get()
    assert entry.district is not None and entry.district.code == "seed" and secret not in json.dumps(entry.after)
    assert entry.actor.startswith("administrator") and "(token lsn_" in entry.actor
    revoked = Client().delete(f"/api/v1/districts/seed/tokens/{shown['prefix']}", **admin)
    assert revoked.status_code == 200 and revoked.json()["revoked"] and not revoked.json()["active"]
    assert Client().get("/api/v1/districts/seed/organisations", **_bearer(secret)).status_code == 401
    again = Client().delete(f"/api/v1/districts/seed/tokens/{shown['prefix']}", **admin)
    assert again.status_code == 200  # answered as it is, nothing more logged
    assert models.AuditEntry.objects.filter(action="revoke", object_id=shown["prefix"]).count() == 1
    unknown = Client().delete("/api/v1/districts/seed/tokens/lsn_nothing1", **admin)
    assert unknown.status_code == 404 and unknown.json()["kind"] == "NotFound"


def test_an_expired_token_is_refused(two_districts: dict[str, Any]) -> None:
    """``expires`` in the future: the token works until then and 401 after (the time moved back in
    the table: no waiting); a time past, or a user not of the district, is 422 at its field."""
    from django.test import Client
    from django.utils import timezone

    from liaison_web import models

    admin = _manager(two_districts)
    oa = _user("seed")
    later = (timezone.now() + dt.timedelta(days=30)).replace(microsecond=0)
    made = Client().post("/api/v1/districts/seed/tokens", data=json.dumps(
        {"user": oa.username, "name": "expiring", "expires": later.isoformat()}), content_type="application/json",
        **admin)
    assert made.status_code == 201, made.content
    secret = made.json()["token"]
    assert dt.datetime.fromisoformat(made.json()["expires"]) == later
    assert Client().get("/api/v1/districts/seed/organisations", **_bearer(secret)).status_code == 200
    models.ApiToken.objects.filter(prefix=secret[:12]).update(expires=timezone.now() - dt.timedelta(seconds=1))
    refused = Client().get("/api/v1/districts/seed/organisations", **_bearer(secret))
    assert refused.status_code == 401 and refused.json()["kind"] == "NotAuthenticated"
    listed = Client().get("/api/v1/districts/seed/tokens", **admin).json()
    assert not next(t for t in listed if t["prefix"] == secret[:12])["active"]
    past = Client().post("/api/v1/districts/seed/tokens", data=json.dumps(
        {"user": oa.username, "name": "x", "expires": "2020-01-01T00:00:00+08:00"}), content_type="application/json",
        **admin)
    assert past.status_code == 422 and past.json()["path"] == ["expires"]
    stranger = _user("other")
    elsewhere = Client().post("/api/v1/districts/seed/tokens", data=json.dumps(
        {"user": stranger.username, "name": "x"}), content_type="application/json", **admin)
    assert elsewhere.status_code == 422 and elsewhere.json()["path"] == ["user"]


def test_an_expiry_is_at_most_ten_years_ahead_and_a_date_is_the_last_day_it_works(
        two_districts: dict[str, Any]) -> None:
    """``expires`` far ahead — 9999-12-31 at -12:00 (no UTC time holds it), the last day 9999-12-31,
    a day eleven years on — is 422 at ``expires`` in the one error shape, both languages, nothing
    made; ten years less a day is taken. A bare date is the last day the token works: it ends at the
    midnight after it in the district's time zone — as the tokens page reads its date
    (``tokens.future``, the one rule)."""
    from zoneinfo import ZoneInfo

    from django.test import Client

    from liaison_web import models
    from liaison_web.bootstrap import district
    from liaison_web.clock import district_today

    seed = district("seed")
    assert seed is not None
    admin = _manager(two_districts)
    oa = _user("seed")
    today = district_today(seed)

    def asked(expires: Any) -> Any:
        return Client().post("/api/v1/districts/seed/tokens", data=json.dumps(
            {"user": oa.username, "name": "far", "expires": expires}), content_type="application/json", **admin)

    made = models.ApiToken.objects.count()
    for far in ("9999-12-31T23:59:59-12:00", "9999-12-31", f"{today.year + 11}-{today:%m-%d}",
                f"{today.year + 11}-{today:%m-%d}T00:00:00+14:00"):
        refused = asked(far)
        assert refused.status_code == 422, (far, refused.content)
        answer = refused.json()
        assert answer["kind"] == "InvalidRequest" and answer["path"] == ["expires"], answer
        assert "ten years" in answer["message"] and "十年" in answer["message_zh"] and answer["fix_zh"], answer
    assert models.ApiToken.objects.count() == made
    last = today + dt.timedelta(days=3650)
    taken = asked(last.isoformat())
    assert taken.status_code == 201, taken.content
    # the bare date: the last day it works, as on the page (the midnight after it, the district's zone)
    ends = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(seed.info.timezone))
    assert dt.datetime.fromisoformat(taken.json()["expires"]) == ends
    assert models.ApiToken.objects.get(prefix=taken.json()["token"][:12]).expires == ends
    tomorrow = asked((today + dt.timedelta(days=1)).isoformat())
    assert dt.datetime.fromisoformat(tomorrow.json()["expires"]) == dt.datetime.combine(
        today + dt.timedelta(days=2), dt.time(0), tzinfo=ZoneInfo(seed.info.timezone))
    page = _session(two_districts["administrator"]).post("/office/seed/tokens/", {
        "action": "make", "user": oa.username, "name": "page", "scopes": ["read"],
        "expires": (today + dt.timedelta(days=1)).isoformat()})
    assert page.status_code == 201, page.content.decode()
    row = models.ApiToken.objects.filter(user=oa, name="page").get()
    assert row.expires == dt.datetime.fromisoformat(tomorrow.json()["expires"])  # the page's day is the API's


def test_no_expiry_is_a_server_error(two_districts: dict[str, Any]) -> None:
    """Whatever ``expires`` holds — times at any offset from year 1 to 9999, dates, numbers, text — the
    answer is 201 or a 4xx in the error shape, never a 5xx."""
    from django.test import Client
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    admin = _manager(two_districts)
    oa = _user("seed")
    offsets = st.integers(-12 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
    values = st.one_of(
        st.datetimes(timezones=st.one_of(st.none(), offsets)).map(lambda t: t.isoformat()),
        st.dates().map(lambda d: d.isoformat()), st.integers(), st.floats(allow_nan=False),
        st.text(max_size=40), st.none(), st.booleans())

    @settings(max_examples=120, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(values)
    def answers(expires: Any) -> None:
        answer = Client().post("/api/v1/districts/seed/tokens", data=json.dumps(
            {"user": oa.username, "name": "odd", "expires": expires}), content_type="application/json", **admin)
        assert answer.status_code in (201, 401, 403, 422), (expires, answer.status_code, answer.content)
        if answer.status_code != 201:
            assert answer.json()["kind"] and answer.json()["message_zh"], answer.content

    answers()


def test_an_administrator_makes_no_key_to_another_district(two_districts: dict[str, Any]) -> None:
    """A user of the district who also has a role in a district the administrator does not
    administer — or a superuser — gets no token from it (403); a superuser's request may."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from liaison_web import models
    from liaison_web.tokens import make_token

    both = _user("seed")
    models.Membership.objects.create(user=both, district=models.District.objects.get(code="other"),
                                     role="administrator")
    web_db.counter += 1
    root = get_user_model()._default_manager.create_superuser(f"root{web_db.counter}", password="x")
    models.Membership.objects.create(user=root, district=models.District.objects.get(code="seed"),
                                     role="administrator")
    for target in (both, root):
        refused = Client().post("/api/v1/districts/seed/tokens", data=json.dumps(
            {"user": target.username, "name": "x", "scopes": ["write"]}), content_type="application/json",
            **_manager(two_districts))
        assert refused.status_code == 403 and refused.json()["kind"] == "Forbidden", refused.content
    by_root = Client().post("/api/v1/districts/seed/tokens", data=json.dumps({"user": both.username, "name": "x"}),
                            content_type="application/json",
                            **_bearer(make_token(root.username, "root", ("read", "write", "tokens"))))
    assert by_root.status_code == 201


def test_an_administrator_revokes_no_key_it_could_not_make(two_districts: dict[str, Any]) -> None:
    """The token of a user with a role in a district the administrator does not administer — or of a
    superuser — is not the district's administrator's to revoke, through the API or on the page (403,
    in both languages, the token still working, nothing logged); a superuser's request may."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from liaison_web import models
    from liaison_web.tokens import make_token

    both = _user("seed")
    models.Membership.objects.create(user=both, district=models.District.objects.get(code="other"),
                                     role="administrator")
    web_db.counter += 1
    root = get_user_model()._default_manager.create_superuser(f"root{web_db.counter}", password="x")
    models.Membership.objects.create(user=root, district=models.District.objects.get(code="seed"),
                                     role="administrator")
    page = _session(two_districts["administrator"], lang="en")
    for target in (both, root):
        secret = make_token(target.username, "theirs", ("read",))
        entries = models.AuditEntry.objects.count()
        refused = Client().delete(f"/api/v1/districts/seed/tokens/{secret[:12]}", **_manager(two_districts))
        assert refused.status_code == 403 and "may not revoke" in refused.json()["message"], refused.content
        assert "every district" not in refused.json()["message_zh"]
        on_page = page.post("/office/seed/tokens/", {"action": "revoke", "prefix": secret[:12]})
        assert on_page.status_code == 403 and "may not revoke" in on_page.content.decode()
        assert Client().get("/api/v1/districts/seed/organisations", **_bearer(secret)).status_code == 200
        assert models.AuditEntry.objects.count() == entries
    secret = make_token(both.username, "theirs", ("read",))
    by_root = Client().delete(f"/api/v1/districts/seed/tokens/{secret[:12]}",
                              **_bearer(make_token(root.username, "root", ("read", "write", "tokens"))))
    assert by_root.status_code == 200
    assert Client().get("/api/v1/districts/seed/organisations", **_bearer(secret)).status_code == 401


def test_a_token_that_is_not_live_is_401_even_beside_a_session(two_districts: dict[str, Any]) -> None:
    """A request naming a bearer token is the token's alone: a mistyped or revoked one is 401 though
    the browser's session cookie comes with it (not the session's user), and the session alone still
    reads."""
    from liaison_web.tokens import make_token, revoke

    session = _session(two_districts["administrator"])
    assert session.get("/api/v1/tokens").status_code == 200
    for header in ("Bearer lsn_notatokenatall", "bearer lsn_notatokenatall"):
        refused = session.get("/api/v1/tokens", HTTP_AUTHORIZATION=header)
        assert refused.status_code == 401, (header, refused.status_code)
    user = _user("seed", role="administrator", organisation="")
    secret = make_token(user.username, "gone", ("read",))
    revoke(secret[:12])
    assert session.get("/api/v1/tokens", **_bearer(secret)).status_code == 401


def test_anyone_lists_and_revokes_their_own_tokens(two_districts: dict[str, Any]) -> None:
    """A clerk lists its own tokens (never a secret); a token revokes itself (a read-only one too) but
    not another of the clerk's (403: that takes the scope ``tokens``, or a session, which revokes
    any of its own); another user's token is not its own (404); each revocation is in its district's
    audit log."""
    from django.test import Client

    from liaison_web import models
    from liaison_web.tokens import make_token

    clerk = _user("seed")
    reader = make_token(clerk.username, "reader", ("read",))
    spare = make_token(clerk.username, "spare", ("read", "write"))
    other = make_token(_user("seed").username, "someone else's", ("read",))
    mine = Client().get("/api/v1/tokens", **_bearer(reader))
    assert mine.status_code == 200 and {t["prefix"] for t in mine.json()} == {reader[:12], spare[:12]}
    assert reader not in mine.content.decode() and spare not in mine.content.decode()
    assert Client().delete(f"/api/v1/tokens/{other[:12]}", **_bearer(reader)).status_code == 404
    refused = Client().delete(f"/api/v1/tokens/{spare[:12]}", **_bearer(reader))
    assert refused.status_code == 403 and "scope tokens" in refused.json()["message"], refused.content
    assert refused.json()["message_zh"] and Client().get("/api/v1/tokens", **_bearer(spare)).status_code == 200
    logged_in = Client()
    logged_in.force_login(clerk)
    done = logged_in.delete(f"/api/v1/tokens/{spare[:12]}")
    assert done.status_code == 200 and done.json()["revoked"]
    assert Client().get("/api/v1/tokens", **_bearer(spare)).status_code == 401
    itself = Client().delete(f"/api/v1/tokens/{reader[:12]}", **_bearer(reader))
    assert itself.status_code == 200
    assert Client().get("/api/v1/tokens", **_bearer(reader)).status_code == 401
    assert Client().get("/api/v1/tokens", **_bearer(other)).status_code == 200  # not touched
    logged = models.AuditEntry.objects.filter(action="revoke", object_type="api-token",
                                              object_id__in=[reader[:12], spare[:12]])
    assert sorted((e.object_id, e.district.code if e.district else "") for e in logged) == sorted(
        [(reader[:12], "seed"), (spare[:12], "seed")])
    assert Client().get("/api/v1/tokens").status_code == 401


def _administrator(district: str = "seed") -> Any:
    """The last administrator of ``district`` the fixtures made."""
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.filter(
        username__startswith="administrator", memberships__district__code=district).order_by("-id")[0]


@pytest.mark.parametrize("scopes", [("read",), ("read", "write")])
def test_a_token_without_the_tokens_scope_makes_and_revokes_no_token(two_districts: dict[str, Any],
                                                                     scopes: tuple[str, ...]) -> None:
    """An administrator's token that may read (and write) the district — what an OA integration holds —
    lists the district's tokens but neither makes nor revokes one (403, pointing to the scope tokens),
    and nothing is made, revoked or logged."""
    from django.test import Client

    from liaison_web import models
    from liaison_web.tokens import make_token

    held = _bearer(make_token(_administrator().username, "OA", scopes))
    victim = make_token(_user("seed").username, "victim", ("read",))
    assert Client().get("/api/v1/districts/seed/tokens", **held).status_code == 200
    made, entries = models.ApiToken.objects.count(), models.AuditEntry.objects.count()
    refused = Client().post("/api/v1/districts/seed/tokens", data=json.dumps(
        {"user": _user("seed").username, "name": "x", "scopes": list(scopes)}), content_type="application/json",
        **held)
    assert refused.status_code == 403 and "scope tokens" in refused.json()["fix"], refused.content
    kept = Client().delete(f"/api/v1/districts/seed/tokens/{victim[:12]}", **held)
    assert kept.status_code == 403 and kept.json()["message_zh"]
    assert models.ApiToken.objects.count() == made  # nothing made by the token
    assert models.AuditEntry.objects.count() == entries
    assert Client().get("/api/v1/tokens", **_bearer(victim)).status_code == 200


def test_a_token_makes_none_beyond_itself(two_districts: dict[str, Any]) -> None:
    """A token with the scope tokens makes tokens within itself only: never one with the scope tokens
    (a session or the command line give it), nor a scope it has not, nor — when it ends — one that ends
    later or never (403, both languages, nothing made); within, it makes them (201). A session makes
    any, the scope tokens included."""
    from django.test import Client
    from django.utils import timezone

    from liaison_web import models
    from liaison_web.tokens import make_token

    admin = _administrator()
    ends = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    manager = _bearer(make_token(admin.username, "manager", ("read", "tokens"), expires=ends))
    oa = _user("seed")

    def asked(auth: dict[str, str], client: Any = None, **body: Any) -> Any:
        return (client or Client()).post("/api/v1/districts/seed/tokens", data=json.dumps(
            {"user": oa.username, "name": "OA", **body}), content_type="application/json", **auth)

    before = models.ApiToken.objects.filter(user=oa).count()
    later, sooner = (ends + dt.timedelta(days=1)).isoformat(), (ends - dt.timedelta(days=1)).isoformat()
    for body in ({"scopes": ["read", "tokens"], "expires": sooner}, {"scopes": ["write"], "expires": sooner},
                 {"scopes": ["read"]}, {"scopes": ["read"], "expires": later}):
        refused = asked(manager, **body)
        assert refused.status_code == 403, (body, refused.content)
        assert refused.json()["kind"] == "Forbidden" and refused.json()["message_zh"] and refused.json()["fix_zh"]
    assert models.ApiToken.objects.filter(user=oa).count() == before
    within = asked(manager, scopes=["read"], expires=ends.isoformat())
    assert within.status_code == 201 and within.json()["scopes"] == ["read"], within.content
    session = Client()
    session.force_login(admin)
    granted = asked({}, session, scopes=["read", "write", "tokens"], user=admin.username)
    assert granted.status_code == 201 and granted.json()["scopes"] == ["read", "tokens", "write"]
    assert granted.json()["expires"] is None
    # the administrator's token the session made has the scope tokens and no end: it makes tokens without
    # an end, but still never one with the scope tokens
    forever = _bearer(granted.json()["token"])
    again = asked(forever, scopes=["read", "write"])
    assert again.status_code == 201, again.content.decode()
    assert asked(forever, scopes=["tokens"]).status_code == 403


def test_the_rule_is_one_place_for_the_api_and_the_command_line() -> None:
    """:func:`liaison_web.tokens.make_token` asks :func:`~liaison_web.tokens.may_make` whoever calls it:
    made ``by`` a token, the rule holds there too (the API's view is not the only gate); the command
    line (no token) gives the scope tokens."""
    web_db.setup()
    from click.testing import CliRunner
    from django.contrib.auth import get_user_model

    from liaison.base.errors import LiaisonError
    from liaison_web import models
    from liaison_web.plugin import web
    from liaison_web.tokens import caller_of, make_token, may_revoke

    web_db.counter += 1
    user = get_user_model()._default_manager.create_user(f"oa-rule-{web_db.counter}", password="x")
    made = CliRunner().invoke(web, ["token", "--user", user.username, "--name", "manager", "--scope", "read",
                                    "--scope", "tokens", "--lang", "en"])
    assert made.exit_code == 0, made.output
    manager = caller_of(made.output.strip().splitlines()[-1])
    assert manager is not None and manager.scopes == ("read", "tokens")
    plain = caller_of(make_token(user.username, "plain", ("read", "write")))
    assert plain is not None
    count = models.ApiToken.objects.filter(user=user).count()
    for by, scopes in ((plain, ("read",)), (manager, ("tokens",)), (manager, ("write",))):
        with pytest.raises(LiaisonError) as refused:
            make_token(user.username, "x", scopes, token=by)
        assert type(refused.value).__name__ == "Forbidden" and refused.value.message_zh
    assert models.ApiToken.objects.filter(user=user).count() == count
    assert make_token(user.username, "x", ("read",), token=manager).startswith("lsn_")
    with pytest.raises(LiaisonError):
        may_revoke(plain, manager.prefix)
    may_revoke(plain, plain.prefix)  # itself
    may_revoke(manager, plain.prefix)
    may_revoke(None, plain.prefix)  # a session, the command line


def test_the_command_makes_a_token_with_an_end() -> None:
    """`liaison web token --expires TIME`: kept on the token (and in its audit entry); a time past or
    no time is one line, exit 1, and no token."""
    web_db.setup()
    from click.testing import CliRunner
    from django.contrib.auth import get_user_model

    from liaison_web import models
    from liaison_web.plugin import web

    web_db.counter += 1
    user = get_user_model()._default_manager.create_user(f"oa-cli-{web_db.counter}", password="x")
    runner = CliRunner()
    year = dt.date.today().year + 2
    made = runner.invoke(web, ["token", "--user", user.username, "--name", "OA", "--expires",
                               f"{year}-06-30T18:00+08:00", "--lang", "en"])
    assert made.exit_code == 0, made.output
    row = models.ApiToken.objects.get(prefix=made.output.strip().splitlines()[-1][:12])
    assert row.expires == dt.datetime(year, 6, 30, 10, 0, tzinfo=dt.UTC)
    entry = models.AuditEntry.objects.get(action="create", object_id=row.prefix)
    # the entry the API's and the page's are: the token as listed (its end in UTC), never the secret
    assert dt.datetime.fromisoformat(entry.after["expires"]) == row.expires and entry.actor == "liaison (command line)"
    assert entry.after["prefix"] == row.prefix and made.output.strip().splitlines()[-1] not in json.dumps(entry.after)
    for bad in ("2020-01-01", "tomorrow"):
        refused = runner.invoke(web, ["token", "--user", user.username, "--name", "OA", "--expires", bad,
                                      "--lang", "en"])
        assert refused.exit_code == 1 and f"--expires {bad}: not a time in the future" in refused.output
    for far in ("9999-12-31T23:59:59-12:00", "9999-12-31", f"{year + 10}-01-01"):  # beyond ten years: said so
        refused = runner.invoke(web, ["token", "--user", user.username, "--name", "OA", "--expires", far,
                                      "--lang", "en"])
        assert refused.exit_code == 1 and f"--expires {far}: more than ten years ahead" in refused.output, \
            refused.output
        assert "Traceback" not in refused.output
    assert models.ApiToken.objects.filter(user=user).count() == 1
    # a date: the last day it works (to the midnight after it, the server's time zone), as the API's and the page's
    last = dt.date(year, 6, 30)
    dated = runner.invoke(web, ["token", "--user", user.username, "--name", "OA", "--expires", last.isoformat(),
                                "--lang", "en"])
    assert dated.exit_code == 0, dated.output
    from django.utils import timezone

    assert models.ApiToken.objects.get(prefix=dated.output.strip().splitlines()[-1][:12]).expires == \
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_current_timezone())


# -- the office's tokens page (/office/<district>/tokens/) ----------------------------------------------
PAGE_DONE = {"list": 200, "make": 201, "revoke": 302}  # a page's answers where the API's are 200, 201, 200


def _session(auth: dict[str, str], *, lang: str = "zh", csrf: bool = False) -> Any:
    """A browser logged in as the user whose token ``auth`` carries."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from liaison_web.tokens import caller_of

    found = caller_of(auth["HTTP_AUTHORIZATION"].removeprefix("Bearer "))
    assert found is not None
    browser = Client(enforce_csrf_checks=csrf)
    browser.force_login(get_user_model()._default_manager.get(pk=found.user_id))
    if lang == "en":
        browser.cookies["liaison_lang"] = "en"
    return browser


def _page_call(browser: Any, action: str, district: str, user: Any, prefix: str) -> Any:
    address = f"/office/{district}/tokens/"
    if action == "list":
        return browser.get(address)
    if action == "make":
        return browser.post(address, {"action": "make", "user": user.username, "name": "泛微", "scopes": ["read"]})
    return browser.post(address, {"action": "revoke", "prefix": prefix})


@pytest.mark.parametrize("role", ROLES)
def test_the_tokens_pages_matrix_is_the_apis(two_districts: dict[str, Any], role: str) -> None:
    """Every role × (list, make, revoke) × its district / another district on the page: the API's
    statuses (its list 200, its token made 201 — the page showing it —, revoked a redirect), a refusal
    writing nothing and changing nothing; a role that may only read is offered no form."""
    from liaison_web import models
    from liaison_web.tokens import make_token

    browser = _session(two_districts[role])
    got, wanted = {}, {}
    for whose in WHOSE:
        district = "seed" if whose == "own district's" else "other"
        for action in ACTIONS:
            user = _user(district)
            prefix = make_token(user.username, "to revoke", ("read",))[:12]
            entries, made = models.AuditEntry.objects.count(), models.ApiToken.objects.count()
            response = _page_call(browser, action, district, user, prefix)
            got[(action, whose)] = response.status_code
            status = expected(role, action, whose)
            wanted[(action, whose)] = PAGE_DONE[action] if status < 400 else status
            if response.status_code >= 400:
                assert models.AuditEntry.objects.count() == entries and models.ApiToken.objects.count() == made
                assert models.ApiToken.objects.get(prefix=prefix).revoked is None
            elif action != "list":
                assert models.AuditEntry.objects.count() == entries + 1
            if action == "list" and response.status_code == 200:
                page = response.content.decode()
                assert prefix in page and ('id="make-token"' in page) == (role == "administrator")
    assert got == wanted


def test_the_tokens_page_makes_a_token_shown_once_and_revokes_it(two_districts: dict[str, Any]) -> None:
    """The administrator makes a token on the page: its secret on that answer alone (not cached, not
    in the list after, not in the audit entry), acting as its user until the last day given (midnight
    after it in the district's time zone); the entry the API's (the token as listed, who, from where,
    under the district); revoked on the page: 401 from then on, its entry before and after."""
    from zoneinfo import ZoneInfo

    from django.test import Client

    from liaison_web import models
    from liaison_web.bootstrap import district
    from liaison_web.clock import district_today
    from liaison_web.tokens import caller_of, described

    seed = district("seed")
    assert seed is not None
    admin = _session(two_districts["administrator"])
    name = caller_of(two_districts["administrator"]["HTTP_AUTHORIZATION"].removeprefix("Bearer "))
    assert name is not None
    oa = _user("seed")
    listing = admin.get("/office/seed/tokens/").content.decode()
    assert f'<option value="{oa.username}">' in listing and 'href="/office/seed/tokens/"' in listing
    last = district_today(seed) + dt.timedelta(days=30)
    made = admin.post("/office/seed/tokens/", {"action": "make", "user": oa.username, "name": "致远 OA",
                                               "scopes": ["read", "write"], "expires": last.isoformat()})
    assert made.status_code == 201 and made["Cache-Control"] == "no-store"
    shown = re.search(r'id="token-secret" readonly value="(lsn_[A-Za-z0-9_-]{40})"', made.content.decode())
    assert shown, made.content.decode()
    secret = shown.group(1)
    row = models.ApiToken.objects.get(prefix=secret[:12])
    assert row.user == oa and row.name == "致远 OA" and row.scopes == ["read", "write"]
    assert row.expires == dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0),
                                              tzinfo=ZoneInfo(seed.info.timezone))
    assert Client().get("/api/v1/districts/seed/organisations", **_bearer(secret)).status_code == 200
    again = admin.get("/office/seed/tokens/").content.decode()
    assert secret not in again and f'data-prefix="{row.prefix}" data-active="1"' in again
    entry = models.AuditEntry.objects.get(action="create", object_type="api-token", object_id=row.prefix)
    assert entry.district is not None and entry.district.code == "seed" and entry.actor == name.username
    assert entry.remote_address == "127.0.0.1" and secret not in json.dumps(entry.after)
    assert entry.after == {**described(row), "last_used": entry.after["last_used"]}  # the API's entry
    revoked = admin.post("/office/seed/tokens/", {"action": "revoke", "prefix": row.prefix})
    assert revoked.status_code == 302 and revoked["Location"] == "/office/seed/tokens/"
    assert Client().get("/api/v1/districts/seed/organisations", **_bearer(secret)).status_code == 401
    gone = models.AuditEntry.objects.get(action="revoke", object_type="api-token", object_id=row.prefix)
    assert gone.before["active"] and not gone.after["active"] and gone.district.code == "seed"
    assert f'data-prefix="{row.prefix}" data-active="0"' in admin.get("/office/seed/tokens/").content.decode()


def test_the_tokens_page_gives_the_tokens_scope_which_a_token_never_does(two_districts: dict[str, Any]) -> None:
    """The page is a session: it offers and gives the scope ``tokens`` (make and revoke tokens), the one
    a token never gives (:func:`liaison_web.tokens.may_make`); the token it made makes a read token and is
    refused one with ``tokens``."""
    from django.test import Client

    from liaison_web import models

    admin = _session(two_districts["administrator"])
    oa = _user("seed", role="administrator", organisation="")
    clerk = _user("seed")
    listing = admin.get("/office/seed/tokens/").content.decode()
    assert 'name="scopes" value="tokens"' in listing
    # offered, and said to be of use only to an administrator's token: whose, of the users listed
    managers = re.search(r'data-managers="([^"]*)"', listing)
    assert managers is not None and oa.username in managers.group(1).split(",")
    assert clerk.username not in managers.group(1).split(",") and f'<option value="{clerk.username}">' in listing
    made = admin.post("/office/seed/tokens/", {"action": "make", "user": oa.username, "name": "OA 管理",
                                               "scopes": ["read", "tokens"]})
    assert made.status_code == 201, made.content.decode()
    secret = re.search(r'id="token-secret" readonly value="(lsn_[A-Za-z0-9_-]{40})"', made.content.decode())
    assert secret is not None
    assert models.ApiToken.objects.get(prefix=secret.group(1)[:12]).scopes == ["read", "tokens"]
    by_token = Client()
    body = {"user": oa.username, "name": "child", "scopes": ["read"]}
    child = by_token.post("/api/v1/districts/seed/tokens", json.dumps(body), content_type="application/json",
                          **_bearer(secret.group(1)))
    assert child.status_code == 201, child.content.decode()
    widened = by_token.post("/api/v1/districts/seed/tokens", json.dumps({**body, "scopes": ["read", "tokens"]}),
                            content_type="application/json", **_bearer(secret.group(1)))
    assert widened.status_code == 403


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_tokens_page_refuses_with_its_reason_and_makes_nothing(two_districts: dict[str, Any],
                                                                   lang: str) -> None:
    """A last day gone by, no scope, no name, a user with a role in a district the administrator does
    not administer (not offered either), an unknown prefix: each told in the page's language, nothing
    made or logged; a form without its CSRF token is refused (403)."""
    from liaison_web import models

    admin = _session(two_districts["administrator"], lang=lang)
    oa = _user("seed")
    both = _user("seed")
    models.Membership.objects.create(user=both, district=models.District.objects.get(code="other"),
                                     role="administrator")
    assert f'<option value="{both.username}">' not in admin.get("/office/seed/tokens/").content.decode()
    form = {"action": "make", "user": oa.username, "name": "OA", "scopes": ["read"]}
    said = {"zh": ("该时间已过", "权限", "用途", "您管理的区之外", "没有令牌", "超过十年之后"),
            "en": ("the time is past", "read, write, tokens", "what it is for", "beyond the districts you administer",
                   "there is no token", "more than ten years ahead")}[lang]
    entries, made = models.AuditEntry.objects.count(), models.ApiToken.objects.count()
    for changed, status, words in (({"expires": "2020-01-01"}, 422, said[0]), ({"scopes": []}, 422, said[1]),
                                   ({"expires": "9999-12-31"}, 422, said[5]),  # its next day no date holds
                                   ({"expires": f"{dt.date.today().year + 11}-01-01"}, 422, said[5]),
                                   ({"name": " "}, 422, said[2]), ({"user": both.username}, 403, said[3]),
                                   ({"action": "revoke", "prefix": "lsn_nothing1"}, 404, said[4])):
        refused = admin.post("/office/seed/tokens/", {**form, **changed})
        problem = re.search(r'<div class="problem" role="alert">(.*?)</div>', refused.content.decode(), re.S)
        assert refused.status_code == status and problem and words in problem.group(1), (changed, refused.status_code)
    assert models.AuditEntry.objects.count() == entries and models.ApiToken.objects.count() == made
    forged = _session(two_districts["administrator"], csrf=True).post("/office/seed/tokens/", form)
    assert forged.status_code == 403 and models.ApiToken.objects.count() == made
