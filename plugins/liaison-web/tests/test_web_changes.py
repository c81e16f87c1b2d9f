"""Changes of an engagement through the API — confirm, move, cancel, held — made by the workspace's
own update (what `liaison plan --confirm/--move/--cancel/--held` runs), guarded by If-Match on the
year's revision; errors in the caller's language; each change in the audit log (who, when, from
where, before and after), readable per engagement and per organisation and exported by
`liaison web audit-export`; token scopes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from web_db import YEAR

from liaison.formats.district import seed_district
from liaison.formats.documents import to_json
from liaison.formats.state import plan_document
from liaison.year.reconcile import Change
from liaison_web.etags import engagement_tag

#: Each test on SQLite and, under .ci/with-postgres, on PostgreSQL (conftest.pytest_generate_tests).
ON_POSTGRES_TOO = True

HEALTH = "2027/joint_meeting/health"  # hosted by health; cpwdp and jiusan attend
ONE = f"/api/v1/districts/seed/years/{YEAR}/engagements/{HEALTH}"
CJK = re.compile(r"[\u4e00-\u9fff]")


def client() -> Any:
    from django.test import Client

    return Client()


def bearer(user: Any, *scopes: str) -> dict[str, str]:
    from liaison_web.tokens import make_token

    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user.username, 'test', scopes or ('read', 'write'))}"}


def revision() -> str:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().current(seed_district(), YEAR)
    assert found is not None
    return found


def post(path: str, body: dict[str, Any], *, etag: str | None = None, **headers: Any) -> Any:
    if etag is not None:
        headers["HTTP_IF_MATCH"] = f'"{etag}"'
    return client().post(path, data=json.dumps(body), content_type="application/json", **headers)


def stored_state() -> Any:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().load(seed_district(), YEAR)
    assert found is not None
    return found.state


def by_the_command(changes: list[Change], *, force: bool = False) -> Any:
    """What the command's flow makes of the state the database holds now: the workspace's update on a
    copy in memory (as `liaison plan --out` runs it on a folder)."""
    from liaison.host.plugins import working_day_calendar
    from liaison.year.store import Commit
    from liaison_workspace import MemoryStore, Workspace

    memory = MemoryStore()
    memory.save(seed_district(), YEAR, Commit(stored_state()), expected=None)
    Workspace(store=memory).update(seed_district(), YEAR, changes, force=force, calendar=working_day_calendar(),
                                   as_of=dt.date.today())
    found = memory.load(seed_district(), YEAR)
    assert found is not None
    return found.state


@pytest.mark.parametrize(("path", "body", "changes", "force"), [
    ("confirm", {}, [Change("confirm", HEALTH)], False),
    ("move", {"date": "2027-09-07", "start": "10:00"}, [Change("move", HEALTH, dt.date(2027, 9, 7), dt.time(10))],
     False),
    ("cancel", {"reason": "局长出差"}, [Change("cancel", HEALTH)], False),
    ("held", {"force": True}, [Change("held", HEALTH)], True),
    ("held", {"date": "2027-03-31", "force": True},
     [Change("move", HEALTH, dt.date(2027, 3, 31)), Change("held", HEALTH)], True),
])
def test_each_change_is_the_commands_and_answers_the_engagement_with_the_new_etag(
        database: str, users: dict[str, Any], path: str, body: dict[str, Any], changes: list[Change],
        force: bool) -> None:
    expected = by_the_command(changes, force=force)
    before = revision()
    response = post(f"{ONE}/{path}", body, etag=before, **bearer(users["admin"]))
    assert response.status_code == 200, response.content.decode()
    after = revision()
    # the engagement's own ETag: the digest of its answer, which a read gives again
    assert after != before and response["ETag"] == f'"{engagement_tag(response.content)}"'
    made = plan_document(seed_district(), stored_state())
    wanted = plan_document(seed_district(), expected)
    assert to_json(made["engagements"]) == to_json(wanted["engagements"])  # the same plan as the command's
    assert response.json() == json.loads(to_json(next(e for e in made["engagements"] if e["id"] == HEALTH)))
    again = client().get(ONE, **bearer(users["admin"]))
    assert again.json() == response.json() and again["ETag"] == response["ETag"]


def test_without_if_match_a_change_is_428_and_nothing_changes(database: str, users: dict[str, Any]) -> None:
    before = revision()
    response = post(f"{ONE}/confirm", {}, **bearer(users["admin"]))
    assert response.status_code == 428 and response.json()["kind"] == "PreconditionRequired"
    assert revision() == before
    # what does not exist is 404 before a missing If-Match is 428 (the write reads the district once)
    for elsewhere in (ONE.replace("/seed/", "/nowhere/"), ONE.replace(f"/years/{YEAR}/", f"/years/{YEAR + 5}/")):
        missing = post(f"{elsewhere}/confirm", {}, **bearer(users["admin"]))
        assert missing.status_code == 404 and missing.json()["kind"] == "NotFound", missing.content


def test_two_clients_moving_one_engagement_one_gets_412_with_the_current_state(database: str,
                                                                                users: dict[str, Any]) -> None:
    auth = bearer(users["admin"])
    seen = client().get(ONE, **auth)["ETag"].strip('"')
    first = post(f"{ONE}/move", {"date": "2027-09-07"}, etag=seen, **auth)
    assert first.status_code == 200
    second = post(f"{ONE}/move", {"date": "2027-09-14"}, etag=seen, **auth)
    assert second.status_code == 412 and second["ETag"] == first["ETag"] != f'"{seen}"'
    body = second.json()
    assert body["kind"] == "RevisionConflict" and body["engagement"] == first.json()
    assert body["engagement"]["date"] == "2027-09-07"  # the first move kept, nothing lost
    assert client().get(ONE, **auth).json()["date"] == "2027-09-07"


def test_two_clients_at_the_same_moment_one_wins_one_gets_412(database: str, users: dict[str, Any]) -> None:
    """Two threads send a move on the same ETag at once: exactly one is saved, the other is told (412),
    and the year holds the winner's date; the audit log has the winner's entry only."""
    import threading

    from django.db import connections

    from liaison_web import models

    auth, seen, entries = bearer(users["admin"]), revision(), models.AuditEntry.objects.count()
    answers: dict[str, Any] = {}
    ready = threading.Barrier(2)

    def send(day: str) -> None:
        try:
            ready.wait()
            answers[day] = post(f"{ONE}/move", {"date": day}, etag=seen, **auth)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(day,)) for day in ("2027-09-07", "2027-09-14")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(a.status_code for a in answers.values()) == [200, 412]
    won = next(day for day, a in answers.items() if a.status_code == 200)
    lost = next(a for a in answers.values() if a.status_code == 412)
    assert lost.json()["engagement"]["date"] == won and lost["ETag"] == answers[won]["ETag"]
    assert client().get(ONE, **auth).json()["date"] == won
    assert [e.after["date"] for e in models.AuditEntry.objects.order_by("id")[entries:]] == [won]


def test_a_stale_if_match_checked_under_the_lock_is_412_too(database: str, users: dict[str, Any]) -> None:
    """A writer that saved between the API's read and its lock: the workspace's own check refuses."""
    from liaison.year.store import RevisionConflict
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    seen = revision()
    Workspace(store=DatabaseStore()).update(seed_district(), YEAR, [Change("confirm", HEALTH)])
    with pytest.raises(RevisionConflict):
        Workspace(store=DatabaseStore()).update(seed_district(), YEAR, [Change("cancel", HEALTH)], expected=seen)
    assert next(e for e in stored_state().plan.engagements if e.id == HEALTH).status.value == "agreed"


def test_a_move_out_of_the_year_is_refused_in_the_callers_language(database: str, users: dict[str, Any]) -> None:
    auth = bearer(users["admin"])
    before = revision()
    for lang, header in (("en", "en-US,en;q=0.9"), ("zh", "zh-CN"), ("zh", None), ("zh", "fr, zh;q=0.8, en;q=0.5")):
        headers = {**auth, **({"HTTP_ACCEPT_LANGUAGE": header} if header else {})}
        response = post(f"{ONE}/move", {"date": "2028-01-04"}, etag=before, **headers)
        assert response.status_code == 422
        body = response.json()
        assert body["kind"] == "PlanningError" and "2028-01-04" in body["message"]
        assert response["Content-Language"] == ("en" if lang == "en" else "zh-CN")
        assert bool(CJK.search(body["rendered"])) == (lang == "zh"), body["rendered"]
    assert revision() == before


def test_a_move_onto_a_day_off_is_kept_with_the_plans_warning_as_the_command_keeps_it(
        database: str, users: dict[str, Any]) -> None:
    """`liaison plan --move ID@<a Saturday>` saves the move and warns (exit 0): the API does the same."""
    auth = bearer(users["admin"])
    response = post(f"{ONE}/move", {"date": "2027-09-04"}, etag=revision(), **auth)  # a Saturday
    assert response.status_code == 200 and response.json()["date"] == "2027-09-04"
    plan = client().get(f"/api/v1/districts/seed/years/{YEAR}/plan", **auth).json()
    assert any(w["engagement"] == HEALTH and w["date"] == "2027-09-04" for w in plan["warnings"])


def test_held_before_its_day_is_refused_as_the_command_refuses_it(database: str, users: dict[str, Any]) -> None:
    """`liaison plan --held` refuses an engagement whose day has not come without --force (the edge
    passes today); so does the API (409 NotYetHeld), and records one whose day has passed."""
    auth = bearer(users["admin"])
    before = revision()
    day = dt.date.fromisoformat(client().get(ONE, **auth).json()["date"])
    response = post(f"{ONE}/held", {}, etag=before, HTTP_ACCEPT_LANGUAGE="en", **auth)
    if day > dt.date.today():
        assert response.status_code == 409 and response.json()["kind"] == "NotYetHeld" and revision() == before
        assert "cannot have been held yet" in response.json()["rendered"]
    else:
        assert response.status_code == 200 and response.json()["status"] == "held"


def test_a_change_of_an_agreed_engagement_needs_force_409(database: str, users: dict[str, Any]) -> None:
    auth = bearer(users["admin"])
    confirmed = post(f"{ONE}/confirm", {}, etag=revision(), **auth)
    refused = post(f"{ONE}/move", {"date": "2027-09-07"}, etag=confirmed["ETag"].strip('"'), **auth)
    assert refused.status_code == 409 and refused.json()["kind"] == "ChangeRefused"
    forced = post(f"{ONE}/move", {"date": "2027-09-07", "force": True}, etag=confirmed["ETag"].strip('"'), **auth)
    assert forced.status_code == 200 and forced.json()["date"] == "2027-09-07"


def test_a_cancel_needs_a_reason(database: str, users: dict[str, Any]) -> None:
    response = post(f"{ONE}/cancel", {}, etag=revision(), **bearer(users["admin"]))
    assert response.status_code == 422 and response.json()["kind"] == "InvalidRequest"


def test_a_change_body_is_read_as_strictly_as_the_librarys_files(database: str, users: dict[str, Any]) -> None:
    """An unknown key is refused at its path, not ignored; force is JSON's true or false, not "yes" or 1;
    the path is where the client put the value ($.body.date), not our code's parameter name; nothing
    changes."""
    auth = bearer(users["admin"])
    before = revision()
    for action, body, where in (("move", {"date": "2027-09-07", "extra": 1}, "$.body.extra"),
                                ("move", {"date": "2027-9-7"}, "$.body.date"),
                                ("confirm", {"force": "yes"}, "$.body.force"),
                                ("confirm", {"force": 1}, "$.body.force"),
                                ("cancel", {"reason": "x", "force": "true"}, "$.body.force"),
                                ("held", {"forse": True}, "$.body.forse")):
        response = post(f"{ONE}/{action}", body, etag=before, HTTP_ACCEPT_LANGUAGE="en", **auth)
        assert response.status_code == 422, (action, body, response.content)
        found = response.json()
        places = [found.get("path")] + [p.get("path") for p in found.get("problems", [])]
        assert where.removeprefix("$.").split(".") in places, (action, body, found)
        assert where in found["rendered"] and "body.body" not in found["rendered"], found["rendered"]
    assert revision() == before


def test_a_method_an_address_does_not_have_is_405_in_the_error_shape(database: str, users: dict[str, Any]) -> None:
    for method, path, allowed in (("delete", ONE, "GET"), ("get", f"{ONE}/confirm", "POST")):
        response = getattr(client(), method)(path, **bearer(users["admin"]), HTTP_ACCEPT_LANGUAGE="zh-CN")
        assert response.status_code == 405 and response["Allow"] == allowed
        assert response.json()["kind"] == "NotAllowed" and CJK.search(response.json()["rendered"])


@pytest.mark.parametrize(("path", "headers", "kind", "status"), [
    (f"/api/v1/districts/seed/years/{YEAR}/plan", {}, "NotAuthenticated", 401),
    ("/api/v1/no/such/thing", {}, "NotFound", 404),
    (f"/api/v1/districts/seed/years/{YEAR}/engagements/2027/no/such", None, "NotFound", 404),
    ("/api/v1/districts/seed/years/not-a-year/plan", None, "InvalidRequest", 422),
])
def test_every_error_speaks_the_accept_language(database: str, users: dict[str, Any], path: str,
                                                headers: dict[str, str] | None, kind: str, status: int) -> None:
    auth = bearer(users["admin"]) if headers is None else headers
    for header, chinese in (("en", False), ("zh-CN,zh;q=0.9", True), ("", True)):
        response = client().get(path, **auth, **({"HTTP_ACCEPT_LANGUAGE": header} if header else {}))
        body = response.json()
        assert response.status_code == status and body["kind"] == kind
        assert bool(CJK.search(body["rendered"])) == chinese and body["message_zh"] and body["message"]


# -- the audit log ---------------------------------------------------------------------------------------
def test_every_change_is_in_the_audit_log_with_who_where_before_and_after(database: str,
                                                                         users: dict[str, Any]) -> None:
    from liaison_web import models

    auth = bearer(users["admin"])
    start = models.AuditEntry.objects.count()
    seen = client().get(ONE, **auth).json()
    moved = post(f"{ONE}/move", {"date": "2027-09-07"}, etag=revision(), REMOTE_ADDR="192.0.2.7",
                 HTTP_X_FORWARDED_FOR="198.51.100.1", **auth)  # not behind a trusted proxy: the header is ignored
    cancelled = post(f"{ONE}/cancel", {"reason": "局长出差"}, etag=revision(), REMOTE_ADDR="192.0.2.8", **auth)
    entries = list(models.AuditEntry.objects.order_by("id")[start:])
    assert [(e.action, e.object_type, e.object_id, e.remote_address) for e in entries] == [
        ("move", "engagement", HEALTH, "192.0.2.7"), ("cancel", "engagement", HEALTH, "192.0.2.8")]
    assert entries[0].before == seen and entries[0].after == moved.json()
    assert entries[1].before == moved.json() and entries[1].after == {**cancelled.json(), "reason": "局长出差"}
    assert all(e.user == users["admin"] and e.actor.startswith(users["admin"].username + " (token lsn_")
               and e.district is not None and e.district.code == "seed" for e in entries)
    listed = client().get(f"{ONE}/audit", **auth).json()
    assert [(e["action"], e["before"], e["after"]) for e in listed[-2:]] == [
        (e.action, e.before, e.after) for e in entries]
    for body in ("health", "cpwdp", "jiusan"):  # the host's and each attendee's log
        mine = client().get(f"/api/v1/districts/seed/organisations/{body}/audit", **auth).json()
        assert [e["id"] for e in mine][-2:] == [e.pk for e in entries]
    assert not [e for e in client().get("/api/v1/districts/seed/organisations/finance/audit", **auth).json()
                if e["object_id"] == HEALTH]


@pytest.mark.parametrize(("proxies", "forwarded", "recorded"), [
    (1, "203.0.113.5", "203.0.113.5"),  # the proxy appended the client's address
    (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client wrote 6.6.6.6 itself: not taken
    (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # two proxies: the client as the first saw it
    (2, "203.0.113.5", "10.0.0.1"),  # fewer entries than proxies: not our proxies' header
    (1, "6.6.6.6, not-an-address", "10.0.0.1"),
    (1, "", "10.0.0.1")])
def test_behind_a_trusted_proxy_the_address_it_appended_is_recorded(database: str, users: dict[str, Any],
                                                                    proxies: int, forwarded: str,
                                                                    recorded: str) -> None:
    """The address the trusted proxy appended (the last entry, or the n-th from the end behind n
    proxies), never one the client wrote before it."""
    from django.test import override_settings

    from liaison_web import models

    with override_settings(LIAISON_SECURE=True, LIAISON_TRUSTED_PROXIES=proxies):
        post(f"{ONE}/confirm", {}, etag=revision(), REMOTE_ADDR="10.0.0.1",
             HTTP_X_FORWARDED_FOR=forwarded, **bearer(users["admin"]))
    assert models.AuditEntry.objects.order_by("-id").first().remote_address == recorded  # type: ignore[union-attr]


def test_a_change_whose_audit_entry_fails_is_not_saved(database: str, users: dict[str, Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry is written in the save's transaction: no change without its entry."""
    from django.test import Client

    from liaison_web import audit, models

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit table is gone")

    monkeypatch.setattr(audit, "record", broken)
    before, entries = revision(), models.AuditEntry.objects.count()
    response = Client(raise_request_exception=False).post(
        f"{ONE}/confirm", data="{}", content_type="application/json", HTTP_IF_MATCH=f'"{before}"',
        **bearer(users["admin"]))
    assert response.status_code == 500 and "the audit table is gone" not in response.content.decode()
    assert response.json()["kind"] == "LiaisonError" and "未作任何修改" in response.json()["message_zh"]
    assert revision() == before and models.AuditEntry.objects.count() == entries
    assert next(e for e in stored_state().plan.engagements if e.id == HEALTH).status.value == "proposed"


def test_a_refused_change_writes_no_audit_entry(database: str, users: dict[str, Any]) -> None:
    from liaison_web import models

    start = models.AuditEntry.objects.count()
    post(f"{ONE}/move", {"date": "2028-01-04"}, etag=revision(), **bearer(users["admin"]))
    post(f"{ONE}/confirm", {}, etag="0-stale", **bearer(users["admin"]))
    assert models.AuditEntry.objects.count() == start


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_audit_log_is_exported_whole_in_order(database: str, users: dict[str, Any], tmp_path: Path,
                                                  fmt: str) -> None:
    from liaison_web import models
    from liaison_web.plugin import web

    auth = bearer(users["admin"])
    post(f"{ONE}/confirm", {}, etag=revision(), **auth)
    post(f"{ONE}/cancel", {"reason": "改期, \"另议\"\n下月"}, etag=revision(), **auth)
    target = tmp_path / f"audit.{fmt}"
    result = CliRunner().invoke(web, ["audit-export", "--to", str(target), "--format", fmt, "--district", "seed",
                                      "--lang", "en"])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        # an entry without an after (a password reset, a removal) has an empty cell: the seed's log
        # holds whatever the tests before this one wrote to it
        after = [json.loads(r["after"]) if r["after"] else None for r in rows]
    else:
        rows = [json.loads(line) for line in text.splitlines()]
        after = [r["after"] for r in rows]
    wanted = list(models.AuditEntry.objects.filter(district__code="seed").order_by("at", "id"))
    assert [int(r["id"]) for r in rows] == [e.pk for e in wanted] and len(rows) >= 2
    assert after[-1] == wanted[-1].after and after[-1]["reason"] == "改期, \"另议\"\n下月"
    assert f"{len(rows)} audit entries" in result.output and not list(tmp_path.glob(".audit*"))
    nowhere = tmp_path / f"nowhere.{fmt}"
    unknown = CliRunner().invoke(web, ["audit-export", "--to", str(nowhere), "--format", fmt, "--district", "nope",
                                       "--lang", "en"])
    assert unknown.exit_code == 1 and "no district 'nope'" in unknown.output and "seed" in unknown.output
    assert not nowhere.exists()


# -- token scopes ----------------------------------------------------------------------------------------
def test_token_scopes_are_enforced_on_every_operation(database: str, users: dict[str, Any]) -> None:
    from liaison_web.tokens import make_token, revoke

    reader, writer = bearer(users["admin"], "read"), bearer(users["admin"], "write")
    assert client().get(ONE, **reader).status_code == 200
    assert client().get(f"{ONE}/audit", **reader).status_code == 200
    for path, body in (("confirm", {}), ("move", {"date": "2027-09-07"}), ("cancel", {"reason": "x"}),
                       ("held", {"force": True})):
        refused = post(f"{ONE}/{path}", body, etag=revision(), **reader)
        assert refused.status_code == 403 and refused.json()["kind"] == "Forbidden", path
    for path in (ONE, f"{ONE}/audit", f"/api/v1/districts/seed/years/{YEAR}/plan", "/api/v1/districts"):
        assert client().get(path, **writer).status_code == 403, path
    assert post(f"{ONE}/confirm", {}, etag=revision(), **writer).status_code == 200
    secret = make_token(users["admin"].username, "oa", ["read", "write"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert post(f"{ONE}/held", {"force": True}, etag=revision(), **auth).status_code == 200
    revoke(secret[:12])
    gone = post(f"{ONE}/cancel", {"reason": "x", "force": True}, etag=revision(), **auth)
    assert gone.status_code == 401 and gone.json()["kind"] == "NotAuthenticated"
    assert client().get(ONE, **auth).status_code == 401


def test_a_change_with_a_session_needs_the_csrf_token(database: str, users: dict[str, Any]) -> None:
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/api/v1/login", data=json.dumps({"username": users["admin"].username,
                                                          "password": "admin-password"}),
                        content_type="application/json").status_code == 200
    before = revision()
    refused = browser.post(f"{ONE}/confirm", data="{}", content_type="application/json", HTTP_IF_MATCH=f'"{before}"',
                           HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403 and revision() == before
    assert refused.json()["kind"] == "Forbidden" and "X-CSRFToken" in refused.json()["rendered"]
    browser.get(ONE)  # a read sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    done = browser.post(f"{ONE}/confirm", data="{}", content_type="application/json", HTTP_IF_MATCH=f'"{before}"',
                        HTTP_X_CSRFTOKEN=token)
    assert done.status_code == 200 and revision() != before


def test_the_openapi_document_describes_the_changes_and_the_audit_logs(database: str) -> None:
    document = client().get("/api/v1/openapi.json").json()
    base = "/api/v1/districts/{district}/years/{year}/engagements/{engagement}"
    for action, body in (("confirm", "ConfirmBody"), ("move", "MoveBody"), ("cancel", "CancelBody"),
                         ("held", "HeldBody")):
        operation = document["paths"][f"{base}/{action}"]["post"]
        assert {"200", "401", "403", "404", "409", "412", "422", "428"} <= set(operation["responses"]), action
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(body)
    assert "get" in document["paths"][f"{base}/audit"]
    assert "get" in document["paths"]["/api/v1/districts/{district}/organisations/{organisation}/audit"]
    assert {"429", "401"} <= set(document["paths"]["/api/v1/login"]["post"]["responses"])
    assert document["components"]["schemas"]["CancelBody"]["required"] == ["reason"]
