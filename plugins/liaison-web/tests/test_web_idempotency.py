"""A POST retried is not done twice (review 25b item 13): an ``Idempotency-Key`` sent again with the
same request by the same caller is answered the first answer (status, body, Location, ETag) and
nothing more is recorded; another request with the key is 422; another caller's key is its own; an
answer showing a secret once is not kept (a retry is 409 naming what was made). Without a key, a
record the year holds exactly already is 409 with its Location unless ``force``. Two identical
requests at once with one key, against a live ``liaison serve``, make one record."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import web_db
from web_db import CLERK_OF, OFFICER_OF, YEAR, api_client

#: the in-process tests run on PostgreSQL too under .ci/with-postgres (conftest)
ON_POSTGRES_TOO = True

VISIT = {"kind": "visit", "date": f"{YEAR}-04-02", "host": CLERK_OF, "attended": [CLERK_OF, OFFICER_OF]}


@pytest.fixture
def in_year(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today late in the test year: its facts have happened (no ``force`` needed for the day)."""
    from liaison_web import api_records

    monkeypatch.setattr(api_records, "_today", lambda district: dt.date(YEAR, 11, 30))


def _post(path: str, body: Any, auth: dict[str, str], key: str | None = None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api_client().post(path, data=json.dumps(body), content_type="application/json", **headers, **auth)


def _records(code: str, auth: dict[str, str]) -> list[dict[str, Any]]:
    listed = api_client().get(f"/api/v1/districts/{code}/years/{YEAR}/records?kind=engagements", **auth)
    assert listed.status_code == 200, listed.content
    return list(listed.json())


def test_a_retried_record_with_its_key_is_answered_the_first_answer_and_recorded_once(
        own_district: dict[str, Any], in_year: None) -> None:
    code, clerk = own_district["code"], own_district["tokens"]["clerk"]
    url = f"/api/v1/districts/{code}/years/{YEAR}/records/engagements"
    first = _post(url, VISIT, clerk, "3f1c0a52-visit-1")
    assert first.status_code == 201, first.content
    again = _post(url, VISIT, clerk, "3f1c0a52-visit-1")
    assert again.status_code == 201 and again.content == first.content
    assert (again["Location"], again["ETag"], again["Content-Type"]) == (first["Location"], first["ETag"],
                                                                        first["Content-Type"])
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert len(_records(code, clerk)) == 1
    # the key with another request: refused, nothing done
    other = _post(url, {**VISIT, "date": f"{YEAR}-04-03"}, clerk, "3f1c0a52-visit-1")
    assert other.status_code == 422 and other.json()["kind"] == "KeyReused", other.content
    assert "Idempotency-Key" in other.json()["rendered"]
    zh = api_client().post(url, data=json.dumps({**VISIT, "date": f"{YEAR}-04-03"}), content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY="3f1c0a52-visit-1", HTTP_ACCEPT_LANGUAGE="zh-CN", **clerk)
    assert zh.status_code == 422 and "已用于另一请求" in zh.json()["rendered"]
    # another caller's key is its own: the administrator's same key and body is its own request — the
    # record is the year's already, exactly (409 with where it is), so nothing more is recorded
    admin = _post(url, VISIT, own_district["tokens"]["administrator"], "3f1c0a52-visit-1")
    assert admin.status_code == 409 and admin.json()["kind"] == "AlreadyRecorded", admin.content
    assert admin["Location"] == first["Location"]
    assert len(_records(code, clerk)) == 1
    # a key not of visible ASCII: 422
    bad = _post(url, VISIT, clerk, "x" * 256)
    assert bad.status_code == 422 and bad.json()["path"] == ["Idempotency-Key"]


def test_an_error_is_not_kept_and_a_retry_after_it_runs_again(own_district: dict[str, Any], in_year: None) -> None:
    code, clerk = own_district["code"], own_district["tokens"]["clerk"]
    url = f"/api/v1/districts/{code}/years/{YEAR}/records/engagements"
    wrong = _post(url, {**VISIT, "host": "no-such-body"}, clerk, "retry-after-error")
    assert wrong.status_code in (404, 422), wrong.content
    fixed = _post(url, {**VISIT, "host": "no-such-body"}, clerk, "retry-after-error")
    assert fixed.status_code == wrong.status_code and not fixed.has_header("Idempotent-Replayed")


def test_a_record_the_year_holds_exactly_is_refused_unless_forced(own_district: dict[str, Any],
                                                                   in_year: None) -> None:
    code, clerk = own_district["code"], own_district["tokens"]["clerk"]
    url = f"/api/v1/districts/{code}/years/{YEAR}/records/engagements"
    first = _post(url, VISIT, clerk)
    assert first.status_code == 201, first.content
    key = first.json()["key"]
    for lang, said in (("en", f"the year has this record already, exactly (engagements/{key})"),
                       ("zh-CN", f"该年度已有完全相同的记录（engagements/{key}）")):
        twice = api_client().post(url, data=json.dumps(VISIT), content_type="application/json",
                                  HTTP_ACCEPT_LANGUAGE=lang, **clerk)
        assert twice.status_code == 409 and said in twice.json()["rendered"], twice.content
        assert twice["Location"] == first["Location"]
    assert len(_records(code, clerk)) == 1
    # another fact of the year (another day) is recorded; the same again with force too
    assert _post(url, {**VISIT, "date": f"{YEAR}-04-09"}, clerk).status_code == 201
    assert _post(url, {**VISIT, "force": True}, clerk).status_code == 201
    assert len(_records(code, clerk)) == 3


def test_a_secret_shown_once_is_not_shown_again_to_a_retry(own_district: dict[str, Any]) -> None:
    code, admin = own_district["code"], own_district["tokens"]["administrator"]
    url = f"/api/v1/districts/{code}/webhooks"
    body = {"url": "https://oa.invalid/hook", "events": ["engagement.moved"]}
    first = _post(url, body, admin, "hook-1")
    assert first.status_code == 201 and first.json()["secret"], first.content
    again = _post(url, body, admin, "hook-1")
    assert again.status_code == 409 and again.json()["kind"] == "AlreadyDone", again.content
    assert again["Location"] == first["Location"] and first.json()["secret"] not in again.content.decode()
    listed = api_client().get(url, **admin)
    assert [h["url"] for h in listed.json()].count(body["url"]) == 1
    from liaison_web import models

    kept = models.IdempotencyKey.objects.get(key="hook-1")
    assert kept.shown_once and bytes(kept.body) == b""


@pytest.mark.skipif(bool(web_db.postgres_url()), reason="the live server's own SQLite database")
def test_two_identical_requests_at_once_with_one_key_make_one_record(tmp_path: Path) -> None:
    from web_serve import ADMIN_PASSWORD, address, api_token, get, post, start, stop, wait_healthy

    env = {"LIAISON_ADMIN_PASSWORD": ADMIN_PASSWORD}
    process, lines = start(tmp_path, "--threads", "8", env=env)
    try:
        base = address(lines)
        wait_healthy(base)
        auth = {"Authorization": f"Bearer {api_token(tmp_path, env, 'idem')}", "Content-Type": "application/json",
                "Idempotency-Key": "c8d7f0e2-two-at-once"}
        day = dt.date.today()  # the server's year is planned; today has happened
        url = f"{base}/api/v1/districts/seed/years/{day.year}/records/engagements"
        body = json.dumps({"kind": "visit", "date": day.isoformat(), "host": "health",
                           "attended": ["health", "cpwdp"]}).encode()
        ready = threading.Barrier(4)
        answers: list[tuple[int, str, bytes]] = []

        def send() -> None:
            ready.wait()
            status, headers, answer = post(urllib.request.build_opener(), url, body, auth)
            answers.append((status, str(headers.get("Location")), answer))

        threads = [threading.Thread(target=send) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert len(answers) == 4 and {a[0] for a in answers} == {201}, answers
        assert len({a[1] for a in answers}) == 1 and len({a[2] for a in answers}) == 1
        opener = urllib.request.build_opener()
        opener.addheaders = [("Authorization", auth["Authorization"])]
        status, _, listed = get(opener, f"{base}/api/v1/districts/seed/years/{day.year}/records?kind=engagements")
        assert status == 200 and len(json.loads(listed)) == 1
    finally:
        stop(process)


def test_the_record_form_refuses_the_same_record_again_with_a_box_to_record_another(
        own_district: dict[str, Any], in_year: None) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    code = own_district["code"]
    clerk = Client()
    clerk.force_login(get_user_model()._default_manager.get(username=f"clerk-{code}"))
    url = f"/records/{code}/{YEAR}/new/engagements/"
    form = {"kind": "visit", "date": f"{YEAR}-05-06", "host": CLERK_OF, "attended": [CLERK_OF, OFFICER_OF]}
    first = clerk.post(url, form)
    assert first.status_code == 302, first.content.decode()[-2000:]
    again = clerk.post(url, form)
    page = again.content.decode()
    assert again.status_code == 409, page[-2000:]
    assert "该年度已有完全相同的记录" in page and f"{first['Location']}" in page
    assert "与已有记录完全相同也照样记录（另一项）" in page and '"force": true' not in page
    forced = clerk.post(url, {**form, "force": "on"})
    assert forced.status_code == 302
    assert len(_records(code, own_district["tokens"]["clerk"])) == 2


def test_an_upload_retried_with_its_key_is_kept_once_whatever_boundary_the_client_draws(
        own_district: dict[str, Any], in_year: None) -> None:
    from web_serve import multipart

    from liaison_web import models

    code, clerk = own_district["code"], own_district["tokens"]["clerk"]
    made = _post(f"/api/v1/districts/{code}/years/{YEAR}/records/engagements", VISIT, clerk)
    assert made.status_code == 201, made.content
    pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    body, content_type = multipart({"record": made.json()["key"]}, "纪要.pdf", pdf)
    url = f"/api/v1/districts/{code}/years/{YEAR}/evidence"
    answers = [api_client().post(url, data=body.replace(b"liaison-test-boundary", boundary.encode()),
                                 content_type=content_type.replace("liaison-test-boundary", boundary),
                                 HTTP_IDEMPOTENCY_KEY="upload-1", **clerk)
               for boundary in ("first-boundary-a1", "second-boundary-b2")]
    assert [a.status_code for a in answers] == [201, 201], answers[0].content
    assert answers[1].content == answers[0].content and answers[1]["Idempotent-Replayed"] == "true"
    assert models.Evidence.objects.filter(district__code=code).count() == 1
    other = multipart({"record": made.json()["key"]}, "纪要2.pdf", pdf)
    refused = api_client().post(url, data=other[0], content_type=other[1], HTTP_IDEMPOTENCY_KEY="upload-1", **clerk)
    assert refused.status_code == 422 and refused.json()["kind"] == "KeyReused"
