"""Django's own tables in the admin, audited (issue #25: every change in the append-only log — who,
when, from where, before and after): users (their names, active, staff and superuser flags, groups and
permissions; a password set, never the password or its hash), groups (their permissions) and the login
lockout's attempts (deleting one unlocks a name or an address). Each change's entry is written in the
admin's own transaction (its add, change and delete views are atomic; the password view and the bulk
deletion are made so here): the change and its entry are kept together or not at all.

A user's entry is of the districts it is a member of (one entry per district, or one of none), so
each district's log (``liaison web audit-export --district``) shows the changes of its users."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin  # type: ignore[import-untyped]
from axes.models import AccessAttempt  # type: ignore[import-untyped]
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from liaison_web import models
from liaison_web.callers import remote_address

__all__ = ["AuditedAccessAttemptAdmin", "AuditedGroupAdmin", "AuditedUserAdmin", "described_user"]


def _audit(request: HttpRequest, action: str, object_type: str, object_id: str, districts: Any, *,
           before: Any = None, after: Any = None) -> None:
    from liaison_web.audit import record

    for district in sorted(set(districts)) or [None]:
        record(action, object_type, object_id, user=request.user, remote_address=remote_address(request),
               district=district, actor=f"{request.user.get_username()} (admin)", before=before, after=after)


def described_user(user: Any) -> dict[str, Any]:
    """A user as its audit entries show it: what the admin may change, never the password's hash —
    only whether it can log in with one."""
    return {"username": user.get_username(), "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "active": user.is_active, "staff": user.is_staff, "superuser": user.is_superuser,
            "usable_password": user.has_usable_password(),
            "groups": sorted(user.groups.values_list("name", flat=True)) if user.pk else [],
            "permissions": sorted(f"{a}.{c}" for a, c in user.user_permissions.values_list(
                "content_type__app_label", "codename")) if user.pk else [],
            "memberships": sorted([r or "", d or "", o] for r, d, o in models.Membership.objects.filter(
                user_id=user.pk).values_list("role", "district__code", "organisation")) if user.pk else []}


def _districts(user: Any) -> set[str]:
    return set(models.Membership.objects.filter(user_id=user.pk, district__isnull=False)
               .values_list("district__code", flat=True))


User = get_user_model()


class AuditedUserAdmin(UserAdmin):  # type: ignore[type-arg]
    """Django's user admin with every add, change, password and removal in the audit log."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and obj.pk:
            request._liaison_user_before = described_user(User._default_manager.get(pk=obj.pk))  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # the groups and permissions are saved here, after the user: the entry says what they became
        super().save_related(request, form, formsets, change)
        user = form.instance
        before = getattr(request, "_liaison_user_before", None)
        after = described_user(user)
        if before != after:
            _audit(request, "change" if change else "add", "user", user.get_username(), _districts(user),
                   before=before, after=after)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:  # the form took it: the password is set
                user = User._default_manager.get(pk=id)
                _audit(request, "reset-password", "user", user.get_username(), _districts(user),
                       after={"usable_password": user.has_usable_password()})  # never the password, nor its hash
        return response

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before, districts, name = described_user(obj), _districts(obj), obj.get_username()
        with transaction.atomic():
            super().delete_model(request, obj)
            _audit(request, "remove", "user", name, districts, before=before)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for row in list(queryset):
                self.delete_model(request, row)


def _group(group: Group) -> dict[str, Any]:
    return {"name": group.name, "permissions": sorted(f"{a}.{c}" for a, c in group.permissions.values_list(
        "content_type__app_label", "codename")) if group.pk else []}


class AuditedGroupAdmin(GroupAdmin):
    """Django's groups (the admin's permissions of staff users) with every change in the audit log."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and obj.pk:
            request._liaison_group_before = _group(Group.objects.get(pk=obj.pk))  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        before, after = getattr(request, "_liaison_group_before", None), _group(form.instance)
        if before != after:
            _audit(request, "change" if change else "add", "group", form.instance.name, (), before=before,
                   after=after)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before = _group(obj)
        with transaction.atomic():
            super().delete_model(request, obj)
            _audit(request, "remove", "group", before["name"], (), before=before)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for row in list(queryset):
                self.delete_model(request, row)


def _attempt(row: AccessAttempt) -> dict[str, Any]:
    return {"username": row.username, "ip_address": row.ip_address, "failures": row.failures_since_start,
            "attempt_time": row.attempt_time.isoformat() if row.attempt_time else None}


class AuditedAccessAttemptAdmin(AccessAttemptAdmin):  # type: ignore[misc]
    """The login lockout's attempts: deleting one unlocks its name or address before its time — in
    the audit log (docs/service.md, the login lockout)."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before = _attempt(obj)
        with transaction.atomic():
            super().delete_model(request, obj)
            _audit(request, "unlock", "access-attempt", f"{before['username']}@{before['ip_address']}", (),
                   before=before)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for row in list(queryset):
                self.delete_model(request, row)


for _model, _admin in ((User, AuditedUserAdmin), (Group, AuditedGroupAdmin),
                       (AccessAttempt, AuditedAccessAttemptAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
