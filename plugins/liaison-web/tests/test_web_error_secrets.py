"""No credential in an error a reader is given (#25 review 25b item 2): a webhook's URL and the CalDAV
server's are masked in the webhooks' list, the jobs' ``target`` and the audit log — and so in the
errors that quote them: a webhook attempt's ``error`` (read by every reader of the deliveries: the
auditor too), a publication job's ``error`` and its attempts' (and the ``publish-failed`` entry).
The message names the address masked where it is made, what is kept is masked again (an HTTP
library's error names the path and query it asked), and what was kept before is masked as it is read."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from web_db import YEAR

#: A webhook's URL with a user, a password and a key in its query, on a name that does not resolve.
UNRESOLVED = "https://bob:hunter2@oa.invalid/hook?access_token=SEKRET1"
CREDENTIALS = ("hunter2", "SEKRET1", "SEKRET2", "SEKRET3", "bob:")


@pytest.fixture
def loaded_plugins() -> str:
    return "web,caldav"


def _closed_port() -> int:
    """A port of 127.0.0.1 nothing listens on (taken and let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _post(path: str, body: Any, auth: dict[str, str]) -> Any:
    from django.test import Client

    return Client().post(path, data=json.dumps(body), content_type="application/json", **auth)


def _no_resolving(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """``name`` does not resolve (at once, whatever the machine's DNS)."""
    real = socket.getaddrinfo

    def fake(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == name:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)


def test_a_webhooks_attempt_errors_name_its_url_masked(own_district: dict[str, Any],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two webhooks with a user, a password and a key in their URLs: one on a name that does not
    resolve (the service's own refusal quotes the URL), one on a port nothing listens on (the HTTP
    library's error quotes the path and query). The auditor reads their deliveries: each attempt's
    error says why, the address masked, no credential; the table keeps it masked too."""
    from django.test import Client

    from liaison_web import models, webhooks

    code, tokens = own_district["code"], own_district["tokens"]
    _no_resolving(monkeypatch, "oa.invalid")
    refused_port = f"http://bob:hunter2@127.0.0.1:{_closed_port()}/hook?access_token=SEKRET3"
    made = [_post(f"/api/v1/districts/{code}/webhooks", {"url": url}, tokens["administrator"])
            for url in (UNRESOLVED, refused_port)]
    assert [m.status_code for m in made] == [201, 201], [m.content for m in made]
    webhooks.enqueue(code, "engagement.confirmed", {"id": f"{YEAR}/x", "host": "health", "participants": []},
                     revision="1-test")
    ids = [m.json()["id"] for m in made]
    report = webhooks.deliver_pending(policy=webhooks.Policy(backoff=0.0, jitter=False, timeout=5.0, max_attempts=1),
                                      webhooks=ids)
    assert report.failed == 2, report
    read = [Client().get(f"/api/v1/districts/{code}/webhooks/{i}/deliveries", **tokens["auditor"]) for i in ids]
    assert [r.status_code for r in read] == [200, 200], [r.content for r in read]
    errors = [entry["error"] for r in read for d in r.json() for entry in d["log"]]
    assert len(errors) == 2, errors
    assert "https://***@oa.invalid/hook?***" in errors[0] and "does not resolve" in errors[0], errors
    assert "ConnectionError" in errors[1] and "/hook?***" in errors[1], errors
    kept = list(models.DeliveryAttempt.objects.filter(delivery__webhook_id__in=ids).values_list("error", flat=True))
    for text in (*[r.content.decode() for r in read], *kept):
        for secret in CREDENTIALS:
            assert secret not in text, (secret, text)


def test_an_attempts_error_kept_before_is_read_masked(own_district: dict[str, Any]) -> None:
    """An attempt logged with the URL whole (before errors were masked as they are kept): read masked."""
    from django.test import Client
    from django.utils import timezone

    from liaison_web import models, webhooks

    code, tokens = own_district["code"], own_district["tokens"]
    hook, _ = webhooks.make_webhook(own_district["district"], "https://oa.example.gov.cn/hook")
    webhooks.enqueue(code, "engagement.confirmed", {"id": f"{YEAR}/x", "host": "health", "participants": []},
                     revision="1-test", hooks=[hook])
    delivery = models.WebhookDelivery.objects.get(webhook=hook)
    models.DeliveryAttempt.objects.create(
        delivery=delivery, at=timezone.now(), milliseconds=1,
        error=f"{UNRESOLVED!r}: oa.invalid does not resolve to an address (no address) "
              "(ConnectionError: Max retries exceeded with url: /hook?access_token=SEKRET3 (Caused by x))")
    shown = Client().get(f"/api/v1/districts/{code}/webhooks/{hook.pk}/deliveries", **tokens["auditor"])
    assert shown.status_code == 200, shown.content
    error = shown.json()[0]["log"][0]["error"]
    assert error == ("'https://***@oa.invalid/hook?***': oa.invalid does not resolve to an address (no address) "
                     "(ConnectionError: Max retries exceeded with url: /hook?*** (Caused by x))")
    for secret in CREDENTIALS:
        assert secret not in shown.content.decode()


def test_a_publication_jobs_errors_name_the_caldav_server_masked(own_district: dict[str, Any]) -> None:
    """The CalDAV server's URL with a key in its query, on a port nothing listens on: the job fails;
    its error, its attempt's error and the ``publish-failed`` entry (as the auditor reads the log)
    name the server with the query masked, and the key nowhere."""
    from django.test import Client, override_settings

    from liaison_web import models
    from liaison_web.jobs import perform_pending

    code, tokens = own_district["code"], own_district["tokens"]
    server = f"http://127.0.0.1:{_closed_port()}/dav/?key=SEKRET2"
    with override_settings(LIAISON_CALDAV={"url": server, "user": "u", "password": "p"},
                           LIAISON_WEBHOOKS={"backoff": 0.0, "max_attempts": 1, "jitter": False}):
        queued = _post(f"/api/v1/districts/{code}/years/{YEAR}/publish/caldav", {}, tokens["administrator"])
        assert queued.status_code == 202, queued.content
        assert perform_pending().failed >= 1
    job = Client().get(queued["Location"], **tokens["administrator"])
    assert job.status_code == 200 and job.json()["status"] == "failed", job.content
    shown = job.json()
    assert "/dav/?***" in shown["error"]["message"] and "/dav/?***" in shown["error"]["message_zh"], shown
    assert "/dav/?***" in shown["log"][0]["error"], shown
    audit = Client().get(f"/api/v1/districts/{code}/audit?limit=1000", **tokens["auditor"])
    assert audit.status_code == 200 and "publish-failed" in audit.content.decode()
    row = models.PublishJob.objects.get(pk=shown["id"])
    kept = json.dumps([row.error, list(row.log.values_list("error", flat=True)),  # type: ignore[attr-defined]
                       list(models.AuditEntry.objects.filter(district__code=code).values_list("after", flat=True))])
    for text in (job.content.decode(), audit.content.decode(), kept):
        assert "SEKRET2" not in text, text


def test_a_jobs_errors_kept_before_are_read_masked(own_district: dict[str, Any]) -> None:
    """A job failed before its errors were masked as they are kept: its error document and attempt
    read masked."""
    from django.test import Client
    from django.utils import timezone

    from liaison_web import models

    code, tokens = own_district["code"], own_district["tokens"]
    url = "https://nodav.invalid/dav/?key=SEKRET2"
    job = models.PublishJob.objects.create(
        district=models.District.objects.get(code=code), year=YEAR, target=url, options={}, status="failed",
        attempts=1, next_attempt=timezone.now(), finished=timezone.now(),
        error={"kind": "PublishError", "message": f"CalDAV server {url}: no answer",
               "message_zh": f"CalDAV 服务器 {url}：无应答", "fix": "check", "fix_zh": "检查", "problems": []})
    models.PublishAttempt.objects.create(job=job, at=timezone.now(), milliseconds=1,
                                         error=f"CalDAV server {url}: no answer")
    shown = Client().get(f"/api/v1/districts/{code}/years/{YEAR}/publish/jobs/{job.pk}", **tokens["administrator"])
    assert shown.status_code == 200, shown.content
    found = shown.json()
    assert found["target"] == "https://nodav.invalid/dav/?***"
    assert found["error"]["message"] == "CalDAV server https://nodav.invalid/dav/?*** no answer"
    assert found["error"]["message_zh"] == "CalDAV 服务器 https://nodav.invalid/dav/?***：无应答"
    assert found["log"][0]["error"] == "CalDAV server https://nodav.invalid/dav/?*** no answer"
    assert "SEKRET2" not in shown.content.decode()
    job.delete()


@pytest.mark.parametrize(("text", "wanted"), [
    ("'https://u:p@h/x?k=1': h does not resolve", "'https://***@h/x?***': h does not resolve"),
    ("Max retries exceeded with url: /hook?token=abc (Caused by X)",
     "Max retries exceeded with url: /hook?*** (Caused by X)"),
    ("CalDAV 服务器 https://h/dav/?key=1：无应答", "CalDAV 服务器 https://h/dav/?***：无应答"),
    ("is this a CalDAV server? see /docs/", "is this a CalDAV server? see /docs/"),  # no path's query here
    ("nothing to mask", "nothing to mask"),
])
def test_an_errors_text_is_masked(text: str, wanted: str) -> None:
    from liaison_web.masking import masked, masked_text

    assert masked_text(text) == wanted
    assert masked_text(wanted) == wanted  # masked again: the same
    assert masked({"error": {"message": text, "problems": [{"fix": text}]}}) == {
        "error": {"message": wanted, "problems": [{"fix": wanted}]}}
    assert masked({"note": "https://h/a?id=3"}) == {"note": "https://h/a?id=3"}  # a note's query is the note's
