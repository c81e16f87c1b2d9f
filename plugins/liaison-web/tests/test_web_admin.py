"""Django's admin changes nothing past the service's checks and its audit log: a district's version,
a webhook, a token are read-only there (a token revoked or a webhook removed by an action that
audits it, as the command and the API do); a membership is checked against the district's data and
every change of one is in the audit log."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.formats.district import seed_district

ADMIN = "/admin/liaison_web"


@pytest.fixture
def root(database: str) -> Any:
    import web_db
    from django.contrib.auth import get_user_model
    from django.test import Client

    web_db.counter += 1
    user = get_user_model()._default_manager.create_superuser(f"admin-root{web_db.counter}", password="x")
    client = Client()
    client.force_login(user)
    return client


def _entries(**where: Any) -> list[Any]:
    from liaison_web import models

    return list(models.AuditEntry.objects.filter(**where).order_by("id"))


def test_a_districts_version_is_not_edited_in_place(root: Any) -> None:
    from liaison_web import models

    version = models.DistrictVersion.objects.filter(district__code="seed").first()
    assert version is not None
    text, sha256 = version.text, version.sha256
    page = f"{ADMIN}/districtversion/{version.pk}/change/"
    assert root.get(page).status_code == 200  # shown
    changed = root.post(page, {"district": version.district_id, "valid_from": "2026-01-01", "text": "not = [toml",
                               "_save": "Save"})
    assert changed.status_code == 403
    version.refresh_from_db()
    assert (version.text, version.sha256) == (text, sha256)
    assert root.post(f"{ADMIN}/districtversion/add/", {"text": "x"}).status_code == 403
    assert root.post(f"{ADMIN}/districtversion/{version.pk}/delete/", {"post": "yes"}).status_code == 403
    assert root.post(f"{ADMIN}/district/{version.district_id}/change/", {"code": "x", "name": "x"}).status_code == 403


def test_a_webhook_is_not_changed_past_its_check_and_is_removed_with_an_audit_entry(root: Any) -> None:
    from liaison_web import models
    from liaison_web.webhooks import make_webhook

    hook, _ = make_webhook(seed_district(), "https://oa.example.gov.cn/hook")
    try:
        changed = root.post(f"{ADMIN}/webhook/{hook.pk}/change/", {
            "district": hook.district_id, "url": "http://169.254.169.254/latest", "events": '["engagement.held"]',
            "active": "on", "name": "", "organisation": "", "_save": "Save"})
        assert changed.status_code == 403
        hook.refresh_from_db()
        assert hook.url == "https://oa.example.gov.cn/hook"
        removed = root.post(f"{ADMIN}/webhook/", {"action": "remove", "_selected_action": [hook.pk]})
        assert removed.status_code == 302
        hook.refresh_from_db()
        assert not hook.active
        entry = _entries(object_type="webhook", object_id=str(hook.pk), action="remove")[-1]
        assert entry.before["active"] and not entry.after["active"] and entry.actor.endswith("(admin)")
    finally:
        models.Webhook.objects.filter(pk=hook.pk).delete()


def test_a_revoked_token_stays_revoked_and_revoking_is_audited(root: Any, users: dict[str, Any]) -> None:
    from liaison_web import models
    from liaison_web.tokens import make_token, revoke

    live = make_token(users["admin"].username, "oa-live", ("read",))
    dead = make_token(users["admin"].username, "oa-dead", ("read",))
    live_row, dead_row = (models.ApiToken.objects.get(prefix=t[:12]) for t in (live, dead))
    revoke(dead_row.prefix)
    unrevoked = root.post(f"{ADMIN}/apitoken/{dead_row.pk}/change/", {
        "name": "oa-dead", "user": users["admin"].pk, "scopes": '["read"]', "revoked_0": "", "revoked_1": "",
        "_save": "Save"})
    assert unrevoked.status_code == 403
    dead_row.refresh_from_db()
    assert dead_row.revoked is not None
    assert root.post(f"{ADMIN}/apitoken/", {"action": "revoke", "_selected_action": [live_row.pk]}).status_code == 302
    live_row.refresh_from_db()
    assert live_row.revoked is not None and _entries(object_type="api-token", object_id=live_row.prefix,
                                                     action="revoke")


def test_a_membership_is_checked_and_every_change_of_one_audited(root: Any, users: dict[str, Any],
                                                                 own_district: dict[str, Any]) -> None:
    from liaison_web import models

    # a district of the test's own: the seed's audit log is read whole by other tests
    seed = models.District.objects.get(code=own_district["code"])
    user = users["admin"]
    before = models.Membership.objects.count()
    for wrong in ({"role": "clerk", "organisation": "nobody"}, {"role": "clerk", "organisation": ""},
                  {"role": "administrator", "organisation": "health"},
                  {"role": "liaison_officer", "organisation": "health"}):  # a department has no liaison officer
        answer = root.post(f"{ADMIN}/membership/add/", {"user": user.pk, "district": seed.pk, **wrong,
                                                        "_save": "Save"})
        assert answer.status_code == 200 and b"errornote" in answer.content, wrong  # the form, with the error
    assert models.Membership.objects.count() == before and not _entries(object_type="membership",
                                                                        user__username=root_name(root))
    added = root.post(f"{ADMIN}/membership/add/", {"user": user.pk, "district": seed.pk, "role": "clerk",
                                                   "organisation": "health", "_save": "Save"})
    assert added.status_code == 302, added.content[:500]
    row = models.Membership.objects.get(user=user, district=seed, role="clerk", organisation="health")
    made = _entries(object_type="membership", object_id=str(row.pk))
    assert [e.action for e in made] == ["add"] and made[0].after["organisation"] == "health"
    assert made[0].district is not None and made[0].district.code == seed.code
    changed = root.post(f"{ADMIN}/membership/{row.pk}/change/", {"user": user.pk, "district": seed.pk,
                                                                 "role": "clerk", "organisation": "finance",
                                                                 "_save": "Save"})
    assert changed.status_code == 302
    gone = root.post(f"{ADMIN}/membership/{row.pk}/delete/", {"post": "yes"})
    assert gone.status_code == 302 and not models.Membership.objects.filter(pk=row.pk).exists()
    log = _entries(object_type="membership", object_id=str(row.pk))
    assert [e.action for e in log] == ["add", "change", "remove"]
    assert (log[1].before["organisation"], log[1].after["organisation"]) == ("health", "finance")
    assert log[2].before["organisation"] == "finance" and log[2].after is None


def root_name(client: Any) -> str:
    from django.contrib.auth import get_user_model

    pk = client.session["_auth_user_id"]
    return str(get_user_model()._default_manager.get(pk=pk).get_username())

