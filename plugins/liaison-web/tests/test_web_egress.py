"""A webhook may not make the server call its own machine or network (SSRF): an address resolving to
loopback, private, link-local, multicast or reserved space is refused when the webhook is made (422,
in both languages) and again at each delivery, which connects to the address it checked (a name
rebound to another address between the check and the connection is not followed); the deployment's
allowed networks (``LIAISON_WEBHOOK_ALLOW_NETWORKS``, the tests' 127.0.0.0/8) apart. The answer of
the receiver is not kept in the log, only its digest."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import web_db
from web_receiver import receiving

from liaison.formats.district import seed_district

HOOKS = "/api/v1/districts/seed/webhooks"
HEALTH = "2027/joint_meeting/health"


@pytest.fixture(autouse=True)
def no_webhooks_left() -> Iterator[None]:
    yield
    from liaison_web import models

    for alias in web_db.setup():
        models.Webhook.objects.using(alias).all().delete()


def _auth(user: Any) -> dict[str, str]:
    from liaison_web.tokens import make_token

    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user.username, 'oa', ('read', 'write'))}"}


def _post(path: str, body: Any, **headers: Any) -> Any:
    from django.test import Client

    return Client().post(path, data=json.dumps(body), content_type="application/json", **headers)


def _resolving(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """``getaddrinfo`` answering for the names given (each call the next address of its list, the
    last one kept); any other name as the system does. The names asked, in order."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            asked.append(host)
            given = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
            family = socket.AF_INET6 if ":" in given else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (given, int(port or 0)))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return asked


@pytest.mark.parametrize("url", ["http://127.0.0.1:5432/", "http://localhost/hook", "http://169.254.169.254/latest",
                                 "https://10.1.2.3/oa", "http://192.168.1.10/", "http://224.0.0.1/", "http://0.0.0.0:8000/",
                                 "http://100.64.0.1/", "http://240.0.0.1/", "http://intranet.test/"])
def test_a_webhook_to_the_servers_own_network_is_refused(database: str, users: dict[str, Any], url: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import override_settings

    from liaison_web import models

    monkeypatch.setattr(socket, "getaddrinfo", _twice(socket.getaddrinfo))  # intranet.test: public and private
    count = models.Webhook.objects.count()
    with override_settings(LIAISON_WEBHOOK_ALLOW_NETWORKS=()):
        refused = _post(HOOKS, {"url": url}, **_auth(users["admin"]))
    assert refused.status_code == 422, refused.content
    answer = refused.json()
    assert answer["kind"] == "InvalidRequest" and answer["path"] == ["url"]
    assert "the service sends nothing there" in answer["message"] and "服务不向该地址发送" in answer["message_zh"]
    assert models.Webhook.objects.count() == count


@pytest.mark.parametrize("url", ["http://[::1]:8000/", "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/",
                                 "http://[fd00::5]/", "http://[::]/"])
def test_an_ipv6_address_of_the_servers_own_network_is_refused(database: str, url: str) -> None:
    """The API's schema takes no IPv6 literal; the command (``liaison web webhook add``) does, and
    is checked the same way."""
    from django.test import override_settings

    from liaison_web.errors import InvalidRequest
    from liaison_web.webhooks import make_webhook

    with override_settings(LIAISON_WEBHOOK_ALLOW_NETWORKS=()), pytest.raises(InvalidRequest) as raised:
        make_webhook(seed_district(), url)
    assert raised.value.message_zh and "the service sends nothing there" in raised.value.message


def _twice(real: Any) -> Any:
    """``getaddrinfo`` answering ``intranet.test`` with two addresses at once, one public, one private."""
    def both(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "intranet.test":
            return [info for address in ("93.184.216.34", "10.0.0.7")
                    for info in [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]]
        return real(host, port, *args, **kwargs)

    return both


def test_a_public_address_and_the_allowed_networks_are_accepted(database: str, users: dict[str, Any],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import override_settings

    _resolving(monkeypatch, {"oa.example.test": ["93.184.216.34"]})
    auth = _auth(users["admin"])
    with override_settings(LIAISON_WEBHOOK_ALLOW_NETWORKS=()):
        assert _post(HOOKS, {"url": "https://oa.example.test/hook"}, **auth).status_code == 201
        assert _post(HOOKS, {"url": "https://8.8.8.8/hook"}, **auth).status_code == 201
    with override_settings(LIAISON_WEBHOOK_ALLOW_NETWORKS=("10.20.0.0/16",)):
        assert _post(HOOKS, {"url": "https://10.20.3.4/hook"}, **auth).status_code == 201
        assert _post(HOOKS, {"url": "https://10.21.3.4/hook"}, **auth).status_code == 422


def _queued(url: str) -> Any:
    """A webhook of ``url`` with one delivery queued (an engagement confirmed)."""
    from liaison_web import webhooks

    hook, _ = webhooks.make_webhook(seed_district(), url)
    webhooks.enqueue("seed", "engagement.confirmed", {"id": HEALTH, "host": "health", "participants": ["health"]},
                     revision="1-test")
    return hook


def _policy() -> Any:
    from liaison_web.webhooks import Policy

    return Policy(backoff=0.0, jitter=False, timeout=5.0, max_attempts=1)


def test_a_delivery_checks_again_and_connects_to_the_address_it_checked(database: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The name resolves to the receiver's 127.0.0.1 (allowed here) for the check and then, were it
    asked again, to an address that answers nothing: the delivery is received, over the address
    checked, the name in its Host header; the receiver's answer is not in the log."""
    from liaison_web import models
    from liaison_web.webhooks import deliver_pending

    with receiving() as receiver:
        port = receiver.server.server_address[1]
        # made, then checked at the delivery: 127.0.0.1; any later question (the connection's) 192.0.2.1
        asked = _resolving(monkeypatch, {"oa.rebinding.test": ["127.0.0.1", "127.0.0.1", "192.0.2.1"]})
        hook = _queued(f"http://oa.rebinding.test:{port}/liaison/hook")
        asked.clear()
        report = deliver_pending(policy=_policy(), webhooks=[hook.pk])
        got = list(receiver.got)
    assert report.delivered >= 1 and got, report
    assert asked == ["oa.rebinding.test"] * report.attempts  # one resolution per attempt, none by the connection
    assert got[0].headers["host"] == f"oa.rebinding.test:{port}"
    logged = list(models.DeliveryAttempt.objects.filter(delivery__webhook=hook))
    assert logged and all("taken" not in a.response and a.response.startswith("sha256:") for a in logged)


def test_a_name_rebound_to_the_servers_network_is_not_sent_to(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Public when the webhook was made, 127.0.0.1 (not allowed) at the delivery: nothing is sent,
    the attempt's error says why."""
    from django.test import override_settings

    from liaison_web import models
    from liaison_web.webhooks import deliver_pending

    with receiving() as receiver, override_settings(LIAISON_WEBHOOK_ALLOW_NETWORKS=()):
        port = receiver.server.server_address[1]
        _resolving(monkeypatch, {"oa.rebinding.test": ["93.184.216.34", "127.0.0.1"]})
        hook = _queued(f"http://oa.rebinding.test:{port}/liaison/hook")
        report = deliver_pending(policy=_policy(), webhooks=[hook.pk])
        assert receiver.got == []
    assert report.delivered == 0 and report.failed >= 1
    logged = list(models.DeliveryAttempt.objects.filter(delivery__webhook=hook))
    assert logged and all(a.status_code is None and "127.0.0.1" in a.error and "服务不向该地址发送" in a.error
                          for a in logged)


def test_the_allowed_networks_setting_is_checked() -> None:
    from liaison_web.settings import ConfigError, webhook_networks

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LIAISON_WEBHOOK_ALLOW_NETWORKS", "10.20.0.0/16, 127.0.0.1")
        assert webhook_networks() == ("10.20.0.0/16", "127.0.0.1")
        patch.setenv("LIAISON_WEBHOOK_ALLOW_NETWORKS", "10.20.0.0/16,intranet")
        with pytest.raises(ConfigError) as raised:
            webhook_networks()
        assert raised.value.message_zh and "intranet" in raised.value.message



def test_an_https_delivery_to_the_checked_address_presents_the_name_and_checks_its_certificate(
        database: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Pinned to 127.0.0.1, an https delivery still sends the name (SNI) and verifies the
    certificate against it: a certificate of the name is taken, one of another name refused."""
    import ssl
    import subprocess

    import requests

    from liaison_web import models
    from liaison_web.webhooks import deliver_pending

    def certificate(name: str) -> tuple[str, str]:
        key, cert = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}", "-keyout", str(key), "-out",
                        str(cert)], check=True, capture_output=True, timeout=60)
        return str(cert), str(key)

    _resolving(monkeypatch, {"oa.tls.test": ["127.0.0.1"]})
    for bundle in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # they would override the session's own
        monkeypatch.delenv(bundle, raising=False)
    outcomes = []
    for served in ("oa.tls.test", "other.tls.test"):
        cert, key = certificate(served)
        with receiving() as receiver:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
            receiver.server.socket = context.wrap_socket(receiver.server.socket, server_side=True)
            port = receiver.server.server_address[1]
            hook = _queued(f"https://oa.tls.test:{port}/liaison/hook")
            with requests.Session() as session:
                session.verify = cert
                deliver_pending(policy=_policy(), webhooks=[hook.pk], session=session)
                assert not [a for a in session.adapters if "127.0.0.1" in a]  # the pinned adapter unmounted
            outcomes.append((len(receiver.got),
                             [a.error for a in models.DeliveryAttempt.objects.filter(delivery__webhook=hook)]))
        models.Webhook.objects.filter(pk=hook.pk).delete()
    assert outcomes[0] == (1, [""]), outcomes
    assert outcomes[1][0] == 0 and outcomes[1][1] and "SSLError" in outcomes[1][1][0], outcomes


def test_an_answer_logged_before_is_shown_only_by_its_digest(database: str, users: dict[str, Any]) -> None:
    """An attempt logged when the answer's first characters were kept: the API shows their digest."""
    import hashlib

    from django.test import Client
    from django.utils import timezone

    from liaison_web import models

    hook = _queued("https://oa.example.gov.cn/hook")
    delivery = models.WebhookDelivery.objects.filter(webhook=hook).first()
    assert delivery is not None
    secret = b'{"db_password": "hunter2"}'
    models.DeliveryAttempt.objects.create(delivery=delivery, at=timezone.now(), status_code=200,
                                          response=secret.decode(), milliseconds=3)
    shown = Client().get(f"{HOOKS}/{hook.pk}/deliveries", **_auth(users["admin"]))
    assert shown.status_code == 200 and b"hunter2" not in shown.content
    log = [entry for d in shown.json() for entry in d["log"]]
    assert [e["response"] for e in log] == [f"sha256:{hashlib.sha256(secret).hexdigest()[:16]} ({len(secret)} bytes)"]
