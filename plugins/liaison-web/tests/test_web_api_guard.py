"""What the API holds every request to, and its answers' HTTP (issue #25's review: items 1-3, 12, 13,
17, 19, 21-23): a body is JSON (415 otherwise) and within what the service reads (413, no traceback);
the login refuses another site's page; a fact dated after today is refused unless forced, as `held`
is; a webhook's credentials are shown only to who manages webhooks; passwords, sessions and HSTS;
If-Match's `*` and lists; Vary, Retry-After, a 304 without a type, HEAD; a bad Host or an oversized
form in the service's words; the revoke command's short prefix; evidence on a withdrawn record."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from typing import Any

import pytest
from web_db import CLERK_OF, OFFICER_OF, YEAR, api_client, api_post

#: Each test on SQLite and, under .ci/with-postgres, on PostgreSQL (conftest.pytest_generate_tests).
ON_POSTGRES_TOO = True

CJK = re.compile(r"[\u4e00-\u9fff]")
HEALTH = f"{YEAR}/joint_meeting/health"
ONE = f"/api/v1/districts/seed/years/{YEAR}/engagements/{HEALTH}"


def bearer(user: Any, *scopes: str) -> dict[str, str]:
    from liaison_web.tokens import make_token

    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user.username, 'guard', scopes or ('read', 'write'))}"}


def login(username: str, password: str, **headers: Any) -> Any:
    return api_client().post("/api/v1/login", data=json.dumps({"username": username, "password": password}),
                             content_type="application/json", **headers)


def engagement_tag(auth: dict[str, str]) -> str:
    return str(api_client().get(ONE, **auth)["ETag"]).strip('"')


def revision() -> str:
    from liaison.formats.district import seed_district
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().current(seed_district(), YEAR)
    assert found is not None
    return found


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.exc_info or r.exc_text]


# -- 1: JSON bodies only; the login refuses another site -------------------------------------------------
def test_a_login_sent_as_another_type_is_415_and_counts_no_failure(database: str, users: dict[str, Any]) -> None:
    """What another site's form can send without asking (text/plain, a form) is no login: 415 in the
    one shape, before the password is looked at — five of them lock nobody out."""
    name = users["admin"].username
    body = json.dumps({"username": name, "password": "wrong"})
    for kind in ("text/plain", "application/x-www-form-urlencoded", "text/plain", "text/plain", "text/plain",
                 "text/plain"):
        refused = api_client().post("/api/v1/login", data=body, content_type=kind, REMOTE_ADDR="192.0.2.7",
                                    HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 415, refused.content
        assert refused.json()["kind"] == "UnsupportedMediaType" and "application/json" in refused.json()["rendered"]
        assert CJK.search(refused.json()["message_zh"]) and "sessionid" not in refused.cookies
    assert login(name, "admin-password", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_change_sent_as_a_form_is_415_and_changes_nothing(database: str, users: dict[str, Any]) -> None:
    auth = bearer(users["admin"])
    before = revision()
    tag = engagement_tag(auth)
    for kind in ("text/plain", "application/x-www-form-urlencoded"):
        refused = api_client().post(f"{ONE}/confirm", data="{}", content_type=kind, HTTP_IF_MATCH=f'"{tag}"', **auth)
        assert refused.status_code == 415 and refused.json()["kind"] == "UnsupportedMediaType"
    assert revision() == before
    # JSON (and a JSON type with its charset) is taken
    taken = api_client().post(f"{ONE}/confirm", data="{}", content_type="application/json; charset=utf-8",
                              HTTP_IF_MATCH=f'"{tag}"', **auth)
    assert taken.status_code == 200 and revision() != before


def test_a_login_from_another_sites_page_is_refused(database: str, users: dict[str, Any]) -> None:
    name = users["admin"].username
    for headers in ({"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_ORIGIN": "null"},
                    {"HTTP_REFERER": "https://evil.example/page"}, {"HTTP_ORIGIN": "http://testserver.evil.example"}):
        for _ in range(6):  # no failure counted: the right password from the same address still logs in
            refused = login(name, "admin-password", REMOTE_ADDR="192.0.2.8", HTTP_ACCEPT_LANGUAGE="en", **headers)
            assert refused.status_code == 403, (headers, refused.content)
            assert refused.json()["kind"] == "Forbidden" and "another site" in refused.json()["rendered"]
            assert "sessionid" not in refused.cookies
    # the service's own pages (the docs page's Swagger UI), and a client that is no browser
    for headers in ({"HTTP_ORIGIN": "http://testserver"}, {"HTTP_REFERER": "http://testserver/api/v1/docs"}, {}):
        assert login(name, "admin-password", REMOTE_ADDR="192.0.2.8", **headers).status_code == 200


# -- 2: a body beyond what the service reads ------------------------------------------------------------
def test_a_body_beyond_what_the_service_reads_is_413_without_a_traceback(
        own_district: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    from django.conf import settings

    big = json.dumps({"username": "x", "password": "y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    code, tokens = own_district["code"], own_district["tokens"]
    with caplog.at_level(logging.INFO):
        for path, auth in (("/api/v1/login", {}),
                           (f"/api/v1/districts/{code}/years/{YEAR}/records/engagements", tokens["clerk"])):
            for lang, chinese in (("en", False), ("zh-CN", True)):
                refused = api_client().post(path, data=big, content_type="application/json",
                                            HTTP_ACCEPT_LANGUAGE=lang, **auth)
                assert refused.status_code == 413, refused.content[:300]
                assert refused.json()["kind"] == "TooLarge" and bool(CJK.search(refused.json()["rendered"])) == chinese
    assert not tracebacks(caplog)


# -- 3: a fact dated after today -------------------------------------------------------------------------
def test_a_fact_dated_after_today_is_refused_unless_forced_as_held_is(own_district: dict[str, Any],
                                                                     real_clock: None) -> None:
    from liaison_web.clock import district_today

    code, tokens = own_district["code"], own_district["tokens"]
    today = district_today(own_district["district"])
    tomorrow, yesterday = today + dt.timedelta(days=1), today - dt.timedelta(days=1)

    def visit(day: dt.date, **more: Any) -> Any:
        return api_post(f"/api/v1/districts/{code}/years/{day.year}/records/engagements",
                        {"kind": "visit", "date": day.isoformat(), "host": CLERK_OF, "attended": [OFFICER_OF],
                         **more}, {**tokens["clerk"], "HTTP_ACCEPT_LANGUAGE": "en"})

    for day in (tomorrow, dt.date(2199, 3, 10)):
        refused = visit(day)
        assert refused.status_code == 409, refused.content  # as POST …/held refuses a day to come
        error = refused.json()
        assert error["kind"] == "NotYetHeld" and day.isoformat() in error["rendered"]
        assert '"force": true' in error["rendered"] and today.isoformat() in error["message_zh"]
    assert visit(yesterday).status_code == 201
    assert visit(tomorrow, host="finance").status_code == 403  # another body's record: not the clerk's, any day
    assert visit(tomorrow, force=True).status_code == 201
    assert visit(tomorrow, force="yes").status_code == 422  # JSON's true, as every force

    # research received yesterday, its feedback dated tomorrow: the feedback cannot have been given yet
    research = {"id": "R-future", "title": "调研报告", "submitted_by": OFFICER_OF, "department": CLERK_OF,
                "received": yesterday.isoformat()}
    path = f"/api/v1/districts/{code}/years/{yesterday.year}/records/research_results"
    made = api_post(path, research, tokens["liaison_officer"])
    assert made.status_code == 201, made.content
    one = f"{path}/{made.json()['key']}"
    answered = {**research, "feedback": tomorrow.isoformat(), "feedback_summary": "已采纳"}
    refused = api_post(f"{one}/correction", {"record": answered}, tokens["clerk"], made["ETag"].strip('"'))
    assert refused.status_code == 409 and refused.json()["kind"] == "NotYetHeld"
    forced = api_post(f"{one}/correction", {"record": answered, "force": True}, tokens["clerk"],
                      made["ETag"].strip('"'))
    assert forced.status_code == 200, forced.content


def test_an_acknowledgement_dated_after_today_is_refused_unless_forced(own_district: dict[str, Any],
                                                                       real_clock: None) -> None:
    from liaison.law.acknowledgements import Acknowledged, Acknowledgement
    from liaison.year.engagements import NotYetHeld
    from liaison_web import records as kept
    from liaison_web.api_records import not_yet

    today = dt.date(2026, 12, 7)
    made = Acknowledgement(of=Acknowledged.DOCUMENT, item="D-1", organisation=OFFICER_OF, date=today)
    not_yet(kept.ACKNOWLEDGEMENTS, made, today)  # today: taken
    with pytest.raises(NotYetHeld, match="dated 2026-12-07, after today"):
        not_yet(kept.ACKNOWLEDGEMENTS, made, today - dt.timedelta(days=1))
    # the operation reads "force" beside the acknowledgement (unknown otherwise: 422)
    from liaison_web import routes

    document = json.loads(routes.openapi_json())
    operation = document["paths"]["/api/v1/districts/{district}/years/{year}/acknowledgements"]["post"]
    assert "409" in operation["responses"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "force" in document["components"]["schemas"][ref]["properties"]


# -- 12: a webhook's credentials -------------------------------------------------------------------------
def test_a_webhooks_credentials_are_shown_only_to_who_manages_webhooks(own_district: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model

    from liaison_web.tokens import make_token

    code, tokens = own_district["code"], own_district["tokens"]
    url = "http://hook-user:hook-pass@127.0.0.1:9/hook?key=s3cret#x"
    made = api_post(f"/api/v1/districts/{code}/webhooks", {"url": url}, tokens["administrator"])
    assert made.status_code == 201 and made.json()["url"] == url  # its maker: as given
    number = made.json()["id"]
    admin_read = {"HTTP_AUTHORIZATION": "Bearer " + make_token(
        get_user_model()._default_manager.get(username=f"administrator-{code}").username, "ro", ("read",))}
    for who, auth, whole in (("administrator", tokens["administrator"], True), ("superuser", tokens["superuser"], True),
                             ("auditor", tokens["auditor"], False), ("city_auditor", tokens["city_auditor"], False),
                             ("administrator's read-only token", admin_read, False)):
        for path in (f"/api/v1/districts/{code}/webhooks", f"/api/v1/districts/{code}/webhooks/{number}"):
            answer = api_client().get(path, **auth)
            assert answer.status_code == 200, (who, answer.content)
            shown = answer.json()[0]["url"] if isinstance(answer.json(), list) else answer.json()["url"]
            if whole:
                assert shown == url, who
            else:
                assert shown == "http://***@127.0.0.1:9/hook?***", (who, shown)
                assert "hook-pass" not in answer.content.decode() and "s3cret" not in answer.content.decode()


# -- 13: passwords, sessions, HSTS -----------------------------------------------------------------------
def test_passwords_pass_djangos_validators_and_the_generated_one_does(database: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from liaison_web.bootstrap import ADMIN_ENV, generated_password, strong_enough
    from liaison_web.settings import ConfigError, password_validators

    for weak in ("1", "123456789012", "password123", "short-pw"):
        with pytest.raises(ValidationError):
            validate_password(weak)
        with pytest.raises(ConfigError, match=ADMIN_ENV):
            strong_enough(weak, "admin")
    for _ in range(20):
        strong_enough(generated_password(), "admin")
    strong_enough("hook-admin", "admin")  # what the tests' servers are given
    monkeypatch.setenv("LIAISON_PASSWORD_MIN_LENGTH", "16")
    assert next(v["OPTIONS"]["min_length"] for v in password_validators() if "Minimum" in v["NAME"]) == 16


def test_sessions_last_hours_and_hsts_is_sent_behind_https(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.conf import settings

    from liaison_web.settings import django_settings

    assert settings.SESSION_COOKIE_AGE == 8 * 3600 and settings.AUTH_PASSWORD_VALIDATORS
    url = "sqlite:///unused.sqlite3"
    monkeypatch.setenv("LIAISON_SECRET_KEY", "k" * 50)
    monkeypatch.setenv("LIAISON_SESSION_HOURS", "2")
    assert django_settings(url)["SESSION_COOKIE_AGE"] == 7200
    assert django_settings(url)["SECURE_HSTS_SECONDS"] == 0  # no HTTPS in front: no HSTS
    assert django_settings(url, secure=True)["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    monkeypatch.setenv("LIAISON_HSTS_SECONDS", "0")
    assert django_settings(url, secure=True)["SECURE_HSTS_SECONDS"] == 0


def test_a_session_ends_after_its_idle_time_brought_forward_at_most_once_a_minute(
        database: str, users: dict[str, Any]) -> None:
    from django.contrib.sessions.models import Session

    from liaison_web.middleware import SessionIdle

    browser = api_client()
    assert browser.post("/api/v1/login", data=json.dumps({"username": users["admin"].username,
                                                          "password": "admin-password"}),
                        content_type="application/json").status_code == 200
    key = browser.cookies["sessionid"].value

    def stored() -> tuple[Any, Any]:
        row = Session.objects.get(session_key=key)
        return row.expire_date, row.get_decoded().get(SessionIdle.KEY)

    session = browser.session
    session[SessionIdle.KEY] = 0  # last brought forward long ago
    session.save()
    expiry, _ = stored()
    assert browser.get("/api/v1/districts").status_code == 200
    later, seen = stored()
    assert seen and seen > 0 and later >= expiry  # brought forward, the request's time kept
    assert browser.get("/api/v1/districts").status_code == 200
    assert stored() == (later, seen)  # within the minute: not written again


# -- 17: If-Match's * and lists; no internal place in `rendered` -----------------------------------------
def test_if_match_takes_any_and_lists_of_tags(database: str, users: dict[str, Any]) -> None:
    auth = bearer(users["admin"])
    confirm = f"{ONE}/confirm"
    assert api_client().post(confirm, data="{}", content_type="application/json", HTTP_IF_MATCH="*",
                             **auth).status_code == 200
    tag = engagement_tag(auth)
    stale = api_client().post(f"{ONE}/cancel", data=json.dumps({"reason": "x"}), content_type="application/json",
                              HTTP_IF_MATCH='"e-000000000000000000000000", "1-0000000000000000"',
                              HTTP_ACCEPT_LANGUAGE="en", **auth)
    assert stale.status_code == 412 and "<database" not in stale.content.decode()
    assert stale.json()["file"] == f"seed/{YEAR}" and stale.json()["rendered"].startswith(f"seed/{YEAR}: ")
    listed = api_client().post(f"{ONE}/cancel", data=json.dumps({"reason": "x"}), content_type="application/json",
                               HTTP_IF_MATCH=f'"e-000000000000000000000000", W/"{tag}"', **auth)
    assert listed.status_code == 200 and listed.json()["status"] == "cancelled"


def test_a_record_change_takes_if_match_any(own_district: dict[str, Any]) -> None:
    code, tokens = own_district["code"], own_district["tokens"]
    path = f"/api/v1/districts/{code}/years/{YEAR}/records/engagements"
    made = api_post(path, {"kind": "visit", "date": f"{YEAR}-03-10", "host": CLERK_OF, "attended": [OFFICER_OF]},
                    tokens["clerk"])
    one = f"{path}/{made.json()['key']}"
    withdrawn = api_client().post(f"{one}/withdrawal", data=json.dumps({"reason": "错录"}),
                                  content_type="application/json", HTTP_IF_MATCH="*", **tokens["clerk"])
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


# -- 19: Vary, Retry-After, 304, If-None-Match on a record, HEAD -----------------------------------------
def test_the_apis_answers_vary_by_language_and_a_lockout_says_when_to_retry(database: str,
                                                                           users: dict[str, Any]) -> None:
    for answer in (api_client().get("/api/v1/health"), api_client().get("/api/v1/districts"),
                   api_client().get("/api/v1/nowhere")):
        assert "Accept-Language" in answer["Vary"], answer.status_code
    name = users["admin"].username
    for _ in range(5):
        last = login(name, "wrong", REMOTE_ADDR="192.0.2.9")
    assert last.status_code == 429 and last["Retry-After"] == "900"  # LIAISON_LOGIN_LOCKOUT_MINUTES: 15


def test_a_304_has_no_type_and_a_records_etag_answers_if_none_match(own_district: dict[str, Any]) -> None:
    code, tokens = own_district["code"], own_district["tokens"]
    plan = f"/api/v1/districts/{code}/years/{YEAR}/plan"
    tag = api_client().get(plan, **tokens["administrator"])["ETag"]
    same = api_client().get(plan, HTTP_IF_NONE_MATCH=tag, **tokens["administrator"])
    assert same.status_code == 304 and not same.content and "Content-Type" not in same
    path = f"/api/v1/districts/{code}/years/{YEAR}/records/engagements"
    made = api_post(path, {"kind": "visit", "date": f"{YEAR}-03-10", "host": CLERK_OF, "attended": [OFFICER_OF]},
                    tokens["clerk"])
    one = f"{path}/{made.json()['key']}"
    read = api_client().get(one, **tokens["clerk"])
    again = api_client().get(one, HTTP_IF_NONE_MATCH=read["ETag"], **tokens["clerk"])
    assert again.status_code == 304 and again["ETag"] == read["ETag"] and not again.content
    assert api_client().get(one, HTTP_IF_NONE_MATCH='"other.1"', **tokens["clerk"]).status_code == 200


def test_head_is_answered_as_get_without_the_body(own_district: dict[str, Any]) -> None:
    code, tokens = own_district["code"], own_district["tokens"]
    plan = f"/api/v1/districts/{code}/years/{YEAR}/plan"
    got = api_client().get(plan, **tokens["administrator"])
    head = api_client().head(plan, **tokens["administrator"])
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == got["ETag"]
    assert head["Content-Length"] == str(len(got.content))
    assert api_client().head(plan).status_code == 401  # the same checks as the read
    post_only = api_client().head(f"/api/v1/districts/{code}/webhooks/1/replay", **tokens["administrator"])
    assert post_only.status_code == 405 and "POST" in post_only["Allow"]


# -- 21: a bad Host; an oversized form on a page ---------------------------------------------------------
def test_a_host_the_service_does_not_answer_to_is_told_in_its_words(database: str,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        api = api_client().get("/api/v1/health", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en")
        page = api_client().get("/login/", HTTP_HOST="evil.example")
    assert api.status_code == 400 and api.json()["kind"] == "InvalidRequest" and "Host" in api.json()["rendered"]
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
    assert "主机名" in page.content.decode()
    assert not tracebacks(caplog)
    assert any(r.name == "django.security.DisallowedHost" for r in caplog.records)  # one line for the operator


def test_an_oversized_login_form_is_the_pages_own_page(database: str, caplog: pytest.LogCaptureFixture) -> None:
    from django.conf import settings

    with caplog.at_level(logging.INFO):
        page = api_client().post("/login/", data={"username": "x", "password": "y" * (
            settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    assert page.status_code == 413 and page["Content-Type"].startswith("text/html")
    assert "请求体超过本服务可读取的大小" in page.content.decode()  # the pages' language (Chinese by default)
    assert not tracebacks(caplog)


# -- 22: the revoke command's prefix ---------------------------------------------------------------------
def test_revoke_with_a_short_prefix_says_it_is_short(database: str, users: dict[str, Any]) -> None:
    from click.testing import CliRunner

    from liaison_web.plugin import web
    from liaison_web.tokens import make_token

    secret = make_token(users["admin"].username, "revoke-me", ("read",))
    short = CliRunner().invoke(web, ["revoke", "lsn_", "--lang", "en"])
    assert short.exit_code == 1 and "shorter than a token's prefix" in short.output, short.output
    assert re.search(r"[1-9][0-9]* token\(s\) in use begin with it", short.output)
    done = CliRunner().invoke(web, ["revoke", secret[:12], "--lang", "en"])
    assert done.exit_code == 0 and "revoked" in done.output


# -- 23: evidence on a withdrawn record ------------------------------------------------------------------
def test_no_evidence_is_attached_to_a_withdrawn_record(own_district: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from liaison_web import models

    code, tokens = own_district["code"], own_district["tokens"]
    path = f"/api/v1/districts/{code}/years/{YEAR}/records/engagements"
    made = api_post(path, {"kind": "visit", "date": f"{YEAR}-03-10", "host": CLERK_OF, "attended": [OFFICER_OF]},
                    tokens["clerk"])
    key = made.json()["key"]
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

    def attach() -> Any:
        return api_client().post(f"/api/v1/districts/{code}/years/{YEAR}/evidence",
                                 data={"record": key, "file": SimpleUploadedFile("a.pdf", pdf)},
                                 HTTP_ACCEPT_LANGUAGE="en", **tokens["clerk"])

    assert attach().status_code == 201
    withdrawn = api_post(f"{path}/{key}/withdrawal", {"reason": "错录"}, tokens["clerk"], made["ETag"].strip('"'))
    assert withdrawn.status_code == 200
    before = models.Evidence.objects.filter(object_id=key).count()
    refused = attach()
    assert refused.status_code == 409 and refused.json()["kind"] == "Withdrawn" and "withdrawn" in \
        refused.json()["rendered"]
    assert models.Evidence.objects.filter(object_id=key).count() == before


# -- 16: the README's third command installs every exporter the API serves ------------------------------
def test_the_readmes_serve_command_installs_every_exporter_the_api_serves() -> None:
    """…/letters (docx), …/calendars (ical), …/workbooks (xlsx), …/page (html) answer 501 without their
    exporter: the command that starts the service installs each."""
    import inspect
    from pathlib import Path

    from liaison_web import api

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    command = readme.split("<!-- serve-command -->", 1)[1].split("```bash", 1)[1].splitlines()[1]
    served = set(re.findall(r'"(docx|ical|xlsx|html|caldav)"', inspect.getsource(api)))
    assert served >= {"docx", "ical", "xlsx", "html"}
    for exporter in served - {"caldav"}:
        assert f"plugins/liaison-{exporter}" in command.split(), exporter


def test_a_304_keeps_the_connection_open_under_waitress(database: str, users: dict[str, Any]) -> None:
    """waitress closes an answer without a Content-Length, which a 304 never has: the service's task
    keeps the connection, so a client polling with If-None-Match reuses it."""
    import http.client
    import threading

    from django.core.wsgi import get_wsgi_application
    from waitress.server import create_server

    from liaison_web.oversize import adopt

    server: Any = create_server(get_wsgi_application(), host="127.0.0.1", port=0, threads=1)
    adopt(server)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        auth = {"Authorization": bearer(users["admin"])["HTTP_AUTHORIZATION"]}
        connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=30)
        plan = f"/api/v1/districts/seed/years/{YEAR}/plan"
        connection.request("GET", plan, headers=auth)
        first = connection.getresponse()
        first.read()
        tag = first.getheader("ETag")
        for _ in range(2):  # the same connection, twice
            connection.request("GET", plan, headers={**auth, "If-None-Match": str(tag)})
            again = connection.getresponse()
            assert again.read() == b"" and again.status == 304
            assert again.getheader("Connection") is None and again.getheader("Content-Type") is None
        connection.request("GET", "/api/v1/health")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        server.close()
        thread.join(timeout=10)
