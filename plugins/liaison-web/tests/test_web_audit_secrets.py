"""No credential in the audit log (#25 review item 12 follow-up): the log is read by auditors and the
city auditor (``GET …/audit``, paged, as JSON or JSON lines; ``liaison web audit-export``), who read a
webhook's URL masked in the webhooks' list — so its entries keep a webhook's (and the CalDAV
server's) URL with the user information and the query masked, and never a secret: not a webhook's
signing secret, a token's or a feed's secret, nor their hashes. Written masked (what the table holds)
and read masked (an entry written before the rule)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from web_db import CLERK_OF, YEAR

ON_POSTGRES_TOO = True  # the HTTP tests run on PostgreSQL too (.ci/with-postgres)

#: A webhook's URL as an OA system may give it: a user and password, a key in the query.
URL = "https://oa-user:pw-s3cret@oa.example.gov.cn/liaison/hook?key=k3y-s3cret#part"
MASKED = "https://***@oa.example.gov.cn/liaison/hook?***"
CREDENTIALS = ("pw-s3cret", "k3y-s3cret", "oa-user:")


def _post(path: str, body: Any, auth: dict[str, str]) -> Any:
    from django.test import Client

    return Client().post(path, data=json.dumps(body), content_type="application/json", **auth)


def _everything_auditors_read(code: str, auditor: dict[str, str], city: dict[str, str], folder: Path) -> str:
    """The district's log as the auditor and the city auditor read it through the API (JSON and JSON
    lines), as `liaison web audit-export` writes it (CSV and JSON lines), and the table's own rows."""
    from click.testing import CliRunner
    from django.test import Client

    from liaison_web import models
    from liaison_web.plugin import web

    read = [Client().get(f"/api/v1/districts/{code}/audit?limit=1000{fmt}", **who).content.decode()
            for who in (auditor, city) for fmt in ("", "&format=jsonl")]
    for fmt in ("csv", "jsonl"):
        target = folder / f"audit.{fmt}"
        done = CliRunner().invoke(web, ["audit-export", "--to", str(target), "--format", fmt, "--district", code,
                                        "--lang", "en"])
        assert done.exit_code == 0, done.output
        read.append(target.read_text(encoding="utf-8"))
    stored = models.AuditEntry.objects.filter(district__code=code).values_list("before", "after")
    read.append(json.dumps(list(stored), ensure_ascii=False))
    return "\n".join(read)


def test_a_webhooks_entries_keep_its_url_masked_and_no_secret(own_district: dict[str, Any], tmp_path: Path) -> None:
    """A webhook made and removed through the API and one added by `liaison web webhook add`, each
    with a user, a password and a key in its URL: every entry of theirs — as the auditor and the city
    auditor read them, as the export writes them, as the table holds them — has the URL masked as
    the webhooks' list shows it to them, and the signing secret nowhere."""
    from click.testing import CliRunner
    from django.test import Client

    from liaison_web import models
    from liaison_web.plugin import web

    code, tokens = own_district["code"], own_district["tokens"]
    admin = tokens["administrator"]
    made = _post(f"/api/v1/districts/{code}/webhooks", {"url": URL, "organisation": CLERK_OF}, admin)
    assert made.status_code == 201, made.content
    assert made.json()["url"] == URL  # its manager reads it whole
    secrets = [made.json()["secret"]]
    removed = Client().delete(f"/api/v1/districts/{code}/webhooks/{made.json()['id']}", **admin)
    assert removed.status_code == 200, removed.content
    added = CliRunner().invoke(web, ["webhook", "add", "--url", URL.replace("/hook", "/cli"), "--district", code,
                                     "--lang", "en"])
    assert added.exit_code == 0, added.output
    secrets.append(added.output.strip().splitlines()[-1])
    entries = list(models.AuditEntry.objects.filter(district__code=code, object_type="webhook").order_by("id"))
    assert [(e.action, bool(e.before), bool(e.after)) for e in entries] == [
        ("create", False, True), ("remove", True, True), ("create", False, True)]
    assert [e.after["url"] for e in entries] == [MASKED, MASKED, MASKED.replace("/hook", "/cli")]
    assert entries[1].before["url"] == MASKED
    listed = Client().get(f"/api/v1/districts/{code}/webhooks", **tokens["auditor"]).json()
    assert {w["url"] for w in listed} == {e.after["url"] for e in entries}  # as the list shows them
    read = _everything_auditors_read(code, tokens["auditor"], tokens["city_auditor"], tmp_path)
    assert MASKED in read
    for secret in (*CREDENTIALS, *secrets):
        assert secret not in read, secret


def test_an_entry_written_before_the_rule_is_read_masked(own_district: dict[str, Any], tmp_path: Path) -> None:
    """The log is append-only, so an entry written unmasked before this rule stays in the table as
    it was: its readers — the API's logs and the export — mask it as they read it."""
    from liaison_web import models

    code, tokens = own_district["code"], own_district["tokens"]
    owner = models.District.objects.get(code=code)
    models.AuditEntry.objects.create(actor="admin", district=owner, action="create", object_type="webhook",
                                     object_id="0", after={"url": URL, "secret": "0123456789abcdef"})
    read = _everything_auditors_read(code, tokens["auditor"], tokens["city_auditor"], tmp_path)
    shown = read.rpartition("\n")[0]  # everything but the table's own rows, which keep what was written
    assert MASKED in shown and "0123456789abcdef" not in shown
    for secret in CREDENTIALS:
        assert secret not in shown, secret


def test_no_tokens_or_feeds_secret_nor_its_hash_is_in_the_log(own_district: dict[str, Any],
                                                              tmp_path: Path) -> None:
    """A token made through the API and by the command line, and an organisation's calendar feed:
    their entries name them by their prefix — never the secret (shown once) nor its sha256 (what the
    table keeps to find them)."""
    from click.testing import CliRunner
    from django.test import Client

    from liaison_web.plugin import web
    from liaison_web.tokens import make_token

    code, tokens = own_district["code"], own_district["tokens"]
    manager = {"HTTP_AUTHORIZATION": f"Bearer {make_token(f'administrator-{code}', 'tokens', ('read', 'tokens'))}"}
    made = _post(f"/api/v1/districts/{code}/tokens", {"user": f"clerk-{code}", "name": "OA"}, manager)
    assert made.status_code == 201, made.content
    by_command = CliRunner().invoke(web, ["token", "--user", f"clerk-{code}", "--name", "OA", "--lang", "en"])
    assert by_command.exit_code == 0, by_command.output
    feed = Client().post(f"/api/v1/districts/{code}/organisations/{CLERK_OF}/feeds", **tokens["administrator"])
    assert feed.status_code == 201, feed.content
    secrets = [made.json()["token"], by_command.output.strip().splitlines()[-1], feed.json()["token"]]
    revoked = Client().delete(f"/api/v1/districts/{code}/tokens/{secrets[0][:12]}", **manager)
    assert revoked.status_code == 200
    read = _everything_auditors_read(code, tokens["auditor"], tokens["city_auditor"], tmp_path)
    assert secrets[0][:12] in read  # named by its prefix
    for secret in secrets:
        assert secret not in read and hashlib.sha256(secret.encode()).hexdigest() not in read


def test_the_caldav_servers_credentials_are_not_in_the_publications_entry(own_district: dict[str, Any]) -> None:
    """A CalDAV server configured with a user and a key in its URL: the queued publication's entry
    and the job the API answers name the server masked (the password setting is never in either)."""
    from django.test import Client, override_settings

    from liaison_web import models

    code, admin = own_district["code"], own_district["tokens"]["administrator"]
    server = "https://dav-user:dav-pw-s3cret@dav.example.gov.cn/cal/?token=dav-k3y"
    with override_settings(LIAISON_CALDAV={"url": server, "user": "u", "password": "dav-password-s3cret"}):
        queued = Client().post(f"/api/v1/districts/{code}/years/{YEAR}/publish/caldav", data="{}",
                               content_type="application/json", **admin)
    assert queued.status_code == 202, queued.content
    shown = "https://***@dav.example.gov.cn/cal/?***"
    assert queued.json()["target"] == shown
    entry = models.AuditEntry.objects.filter(district__code=code, action="publish-queued").order_by("-id")[0]
    assert entry.after["target"] == shown
    job = Client().get(queued["Location"], **admin)
    assert job.status_code == 200 and job.json()["target"] == shown
    text = json.dumps([entry.before, entry.after, queued.json(), job.json()])
    for secret in ("dav-pw-s3cret", "dav-k3y", "dav-password-s3cret", "dav-user"):
        assert secret not in text
    models.PublishJob.objects.filter(pk=queued.json()["id"]).delete()  # no worker of another test sends it


@pytest.mark.parametrize(("value", "wanted"), [
    ({"url": URL}, {"url": MASKED}),
    ({"target": "http://a:b@h:8080/p?q=1"}, {"target": "http://***@h:8080/p?***"}),
    ({"callback_url": "https://h/p?k=1"}, {"callback_url": "https://h/p?***"}),
    # in other text: the user information only (a query in a note is the note's)
    ({"note": f"sent to {URL} and https://gov.cn/a?id=3"},
     {"note": "sent to https://***@oa.example.gov.cn/liaison/hook?key=k3y-s3cret#part and https://gov.cn/a?id=3"}),
    ({"secret": "abc", "token": "lsn_x", "password": "p", "salt": "s", "nested": [{"password_hash": "h"}]},
     {"secret": "***", "token": "***", "password": "***", "salt": "***", "nested": [{"password_hash": "***"}]}),
    ({"url": "http://[abc"}, {"url": "http://***"}),
    ({"secret": "", "n": 3, "ok": True, "none": None, "list": ["a", 1]},
     {"secret": "", "n": 3, "ok": True, "none": None, "list": ["a", 1]}),
])
def test_the_masking_rules(value: Any, wanted: Any) -> None:
    from liaison_web.masking import masked

    assert masked(value) == wanted
    assert masked(masked(value)) == wanted  # masked again (an entry's readers): the same
