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



def test_a_users_every_change_through_the_admin_is_audited(root: Any, own_district: dict[str, Any]) -> None:
    """Issue #25: adding a user, changing its flags and groups, setting its password and removing it
    at /admin/ are each in the audit log — who, from where, before and after, never the password or
    its hash — under the districts the user is a member of."""
    import web_db
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from liaison_web import models

    made = get_user_model()._default_manager
    web_db.counter += 1
    name = f"admin-made{web_db.counter}"
    added = root.post("/admin/auth/user/add/", {"username": name, "password1": "a long pass phrase 1",
                                                "password2": "a long pass phrase 1", "usable_password": "true",
                                                "_save": "Save"}, REMOTE_ADDR="10.1.2.3")
    assert added.status_code == 302, added.content[:800]
    user = made.get(username=name)
    first = _entries(object_type="user", object_id=name)
    assert [e.action for e in first] == ["add"] and first[0].remote_address == "10.1.2.3"
    assert first[0].before is None and first[0].after["active"] and first[0].actor.endswith("(admin)")
    assert "password" not in first[0].after and user.password not in str(first[0].after)
    # a member of the test's district: the change is in that district's log
    models.Membership.objects.create(user=user, district=models.District.objects.get(code=own_district["code"]),
                                     role="auditor")
    group = Group.objects.create(name=f"staff-{web_db.counter}")
    changed = root.post(f"/admin/auth/user/{user.pk}/change/", {
        "username": name, "first_name": "", "last_name": "", "email": "x@example.gov.cn", "is_active": "on",
        "is_staff": "on", "is_superuser": "on", "groups": [group.pk], "user_permissions": [],
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-12-01", "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-12-01", "initial-date_joined_1": "09:00:00", "_save": "Save"})
    assert changed.status_code == 302, changed.content[:1500]
    entry = _entries(object_type="user", object_id=name, action="change")[-1]
    assert (entry.before["superuser"], entry.after["superuser"]) == (False, True)
    assert entry.after["groups"] == [group.name] and entry.before["groups"] == []
    assert entry.district is not None and entry.district.code == own_district["code"]
    password = root.post(f"/admin/auth/user/{user.pk}/password/", {
        "password1": "another pass phrase 2", "password2": "another pass phrase 2", "usable_password": "true"})
    assert password.status_code == 302, password.content[:800]
    reset = _entries(object_type="user", object_id=name, action="reset-password")
    assert len(reset) == 1 and reset[0].after == {"usable_password": True}
    user.refresh_from_db()
    assert user.password not in str(reset[0].after) and user.check_password("another pass phrase 2")
    gone = root.post(f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"})
    assert gone.status_code == 302 and not made.filter(username=name).exists()
    removed = _entries(object_type="user", object_id=name, action="remove")
    assert len(removed) == 1 and removed[0].before["superuser"] and removed[0].after is None
    assert removed[0].before["memberships"] == [["auditor", own_district["code"], ""]]


def test_a_groups_change_and_an_unlock_through_the_admin_are_audited(root: Any, database: str) -> None:
    import web_db
    from axes.models import AccessAttempt
    from django.contrib.auth.models import Group, Permission

    web_db.counter += 1
    name = f"group-{web_db.counter}"
    permission = Permission.objects.get(codename="view_auditentry")
    assert root.post("/admin/auth/group/add/", {"name": name, "permissions": [permission.pk],
                                                "_save": "Save"}).status_code == 302
    group = Group.objects.get(name=name)
    log = _entries(object_type="group", object_id=name)
    assert [e.action for e in log] == ["add"] and log[0].after["permissions"] == ["liaison_web.view_auditentry"]
    assert root.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"}).status_code == 302
    assert [e.action for e in _entries(object_type="group", object_id=name)] == ["add", "remove"]
    attempt = AccessAttempt.objects.create(username=f"locked{web_db.counter}", ip_address="10.9.9.9",
                                           user_agent="x", failures_since_start=5, get_data="", post_data="",
                                           http_accept="", path_info="/login/")
    unlocked = root.post("/admin/axes/accessattempt/", {"action": "delete_selected", "post": "yes",
                                                        "_selected_action": [attempt.pk]})
    assert unlocked.status_code == 302 and not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    entry = _entries(object_type="access-attempt", object_id=f"locked{web_db.counter}@10.9.9.9")
    assert [e.action for e in entry] == ["unlock"] and entry[0].before["failures"] == 5


def _district_file(code: str, name: str = "") -> bytes:
    """The seed's data file under the id ``code`` (and the name ``name``, if given)."""
    from liaison.formats.district import seed_bytes

    text = seed_bytes().decode("utf-8").replace('id = "seed"', f'id = "{code}"', 1)
    if name:
        text = text.replace('name = "××区"', f'name = "{name}"', 1)
        assert name in text
    return text.encode("utf-8")


def test_a_superuser_adds_a_district_from_its_data_file(root: Any) -> None:
    """The admin's "Add district" takes a district's data file as `liaison web district add` does (the
    same function): the district stored valid from today, its current and next year planned, an
    audit entry of who from where; the same file again changes nothing; a file changing a district
    held is refused naming the amendment, a broken or non-UTF-8 file with its problem — nothing
    stored either way."""
    import web_db
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from liaison_web import models

    web_db.counter += 1
    code = f"admin-added{web_db.counter}"
    form = root.get(f"{ADMIN}/district/add/")
    assert form.status_code == 200 and b'enctype="multipart/form-data"' in form.content
    assert "从数据文件添加区" in form.content.decode()
    added = root.post(f"{ADMIN}/district/add/", {"file": SimpleUploadedFile("jimei.toml", _district_file(code))},
                      REMOTE_ADDR="10.2.3.4")
    assert added.status_code == 302 and added["Location"] == f"{ADMIN}/district/", added.content[:1500]
    today = timezone.localdate()
    version = models.DistrictVersion.objects.get(district__code=code)
    assert version.valid_from == today and version.text == _district_file(code).decode()
    years = set(models.Year.objects.filter(district__code=code).exclude(revision="").values_list("year", flat=True))
    assert years == {today.year, today.year + 1}
    entry = _entries(action="add", object_type="district", object_id=code)
    # the deployment's entry and the same under the new district: its own log shows how it came to be
    assert [e.district.code if e.district else None for e in entry] == [None, code]
    assert all(e.actor.endswith("(admin)") and e.remote_address == "10.2.3.4" for e in entry)
    assert all(e.user is not None and e.after["file"] == "jimei.toml" for e in entry)
    assert entry[0].after == entry[1].after
    own = root.get(f"/api/v1/districts/{code}/audit")
    assert own.status_code == 200, own.content[:500]
    assert [(e["action"], e["object_type"], e["object_id"]) for e in own.json()["entries"]] == [
        ("add", "district", code)]
    listed = root.get(f"{ADMIN}/district/")
    assert code in listed.content.decode()
    again = root.post(f"{ADMIN}/district/add/", {"file": SimpleUploadedFile("again.toml", _district_file(code))})
    assert again.status_code == 302
    assert models.DistrictVersion.objects.filter(district__code=code).count() == 1
    assert len(_entries(action="add", object_type="district", object_id=code)) == 2
    changed = root.post(f"{ADMIN}/district/add/", {"file": SimpleUploadedFile(
        "changed.toml", _district_file(code, "集美区"))})
    assert changed.status_code == 200
    said = changed.content.decode()
    assert f"changed.toml: the database holds the district {code}" in said and "amend" in said
    assert f"/office/{code}/" in said and "修订" in said
    broken = root.post(f"{ADMIN}/district/add/", {"file": SimpleUploadedFile(
        "broken.toml", _district_file(f"{code}-x").replace(b"[district]", b"[district"))})
    assert broken.status_code == 200 and "broken.toml" in broken.content.decode()
    latin = root.post(f"{ADMIN}/district/add/", {"file": SimpleUploadedFile("latin.toml", "区".encode("gb18030"))})
    assert latin.status_code == 200 and "not UTF-8" in latin.content.decode()
    assert models.DistrictVersion.objects.filter(district__code=code).count() == 1
    assert not models.District.objects.filter(code=f"{code}-x").exists()
    assert len(_entries(action="add", object_type="district", object_id=code)) == 2


def test_only_a_superuser_adds_a_district(database: str) -> None:
    """A staff user with every permission on districts but no superuser: no "Add district" (403)."""
    import web_db
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from liaison_web import models

    web_db.counter += 1
    staff = get_user_model()._default_manager.create_user(f"staff{web_db.counter}", password="x", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="liaison_web",
                                                         codename__endswith="_district"))
    client = Client()
    client.force_login(staff)
    assert client.get(f"{ADMIN}/district/").status_code == 200
    assert client.get(f"{ADMIN}/district/add/").status_code == 403
    code = f"staff-added{web_db.counter}"
    refused = client.post(f"{ADMIN}/district/add/", {"file": SimpleUploadedFile("x.toml", _district_file(code))})
    assert refused.status_code == 403 and not models.District.objects.filter(code=code).exists()
