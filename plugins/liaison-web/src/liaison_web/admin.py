"""The service's tables in Django's admin. What the service checks and audits is not changed past it
here: districts and their versions (a new version is an amendment, never an edit of a version's
text; a superuser adds a district from its data file, as `liaison web district add` does), tokens,
feeds, webhooks and their queue are read-only — a token, a feed or a webhook is
revoked or removed by an action that does what the command and the API do, audit entry included;
memberships are added, changed and removed through a form that checks them against the district's
data, each change written to the audit log in the same transaction. The audit log, the records'
versions and the evidence files are read-only. Django's users and groups and the lockout's attempts
are audited too (:mod:`liaison_web.admin_users`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from liaison_web import models
from liaison_web.callers import remote_address


def _audit(request: HttpRequest, action: str, object_type: str, object_id: str, district: str | None, *,
           before: Any = None, after: Any = None) -> None:
    from liaison_web.audit import record

    record(action, object_type, object_id, user=request.user, remote_address=remote_address(request),
           district=district, actor=f"{request.user.get_username()} (admin)", before=before, after=after)


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """A table whose rows are only ever added by the service: shown, never added, changed or removed here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


#: A district data file is a few kilobytes (the seed's is under 20): more is no district's data.
MAX_DATA_BYTES = 1024 * 1024


class DistrictFileForm(forms.Form):
    """A district's data file, as ``liaison web district add FILE`` takes it."""

    file = forms.FileField(label="District data file (TOML) / 区数据文件（TOML）",
                           help_text="The file `liaison web district add` takes; a district held already is changed "
                                     "only by an amendment. / 与 liaison web district add 所用的文件相同；已有的区只能"
                                     "通过修订更改。")

    def clean_file(self) -> tuple[str, str]:
        """The file's text and its name (UTF-8, with or without a byte-order mark; at most a megabyte)."""
        from liaison.base.errors import LiaisonError
        from liaison.formats.syntax import decode

        upload = self.cleaned_data["file"]
        name = Path(str(upload.name or "district.toml")).name  # the name only: never a path from the upload
        if upload.size > MAX_DATA_BYTES:
            raise forms.ValidationError(f"{name}: larger than a district's data file ({MAX_DATA_BYTES // 1024} KB at "
                                        f"most) / {name}：超出区数据文件的大小（至多 {MAX_DATA_BYTES // 1024} KB）")
        try:
            return decode(upload.read(), file=name), name
        except LiaisonError as error:
            raise forms.ValidationError(_said(error)) from None


def _said(error: Any) -> str:
    """A refusal as the command says it, in English and in Chinese."""
    english, chinese = error.render("en"), error.render("zh")
    return english if english == chinese else f"{english}\n{chinese}"


@admin.register(models.District)
class DistrictAdmin(ReadOnly):
    """The deployment's districts. A superuser adds one from its data file ("Add district": the form
    of :class:`DistrictFileForm`), as ``liaison web district add FILE`` does — the same function
    (:func:`liaison_web.bootstrap.add_district`): parsed and refused with the file's problems, stored
    valid from today and its current and next year planned, audited (``add`` on ``district``, who
    from where: the deployment's entry and the district's own); a file whose district is held
    already is that district when its text is one of its versions, and refused otherwise, naming
    the amendment (the one way a district's data changes).
    Nothing is changed or removed here (removing: ``liaison web district remove``, only a district
    nothing was done in)."""

    list_display = ("code", "name", "created")

    def get_queryset(self, request: HttpRequest) -> Any:
        # a removed district's row kept for its log's entries (liaison_web.districts) holds nothing: not listed
        return super().get_queryset(request).filter(versions__isnull=False).distinct()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied
        from django.http import HttpResponseRedirect
        from django.template.response import TemplateResponse
        from django.urls import reverse
        from django.utils import timezone

        from liaison.base.errors import LiaisonError
        from liaison_web.bootstrap import add_district

        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DistrictFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text, name = form.cleaned_data["file"]
            try:
                value, new, planned = add_district(
                    text, file=name, today=timezone.localdate(), user=request.user,
                    actor=f"{request.user.get_username()} (admin)", remote_address=remote_address(request))
            except LiaisonError as error:  # the file's problems, or a changed district: the amendment
                form.add_error("file", _said(error))
            else:
                years = ", ".join(str(y) for y in planned) or "-"
                said = (f"{value.info.id} ({value.info.name}): added, years planned: {years} / "
                        f"{value.info.id}（{value.info.name}）：已添加，已编排年度：{years}") if new else (
                        f"{value.info.id} ({value.info.name}): held already with this text, nothing changed / "
                        f"{value.info.id}（{value.info.name}）：数据库中已有该区且文本相同，未作更改")
                self.message_user(request, said, messages.SUCCESS if new else messages.INFO)
                return HttpResponseRedirect(reverse("admin:liaison_web_district_changelist"))
        context = {**self.admin_site.each_context(request),
                   "title": "Add a district from its data file / 从数据文件添加区", "form": form,
                   "opts": self.model._meta, "max_kb": MAX_DATA_BYTES // 1024, **(extra_context or {})}
        return TemplateResponse(request, "admin/liaison_web/district/add_from_file.html", context)


@admin.register(models.DistrictVersion)
class DistrictVersionAdmin(ReadOnly):
    """A version's text is what every read parses and its sha256 names: never edited in place (a new
    version is an amendment: the office's amendment page, or `liaison web load`)."""

    list_display = ("district", "valid_from", "sha256", "loaded")


def _membership(row: models.Membership) -> dict[str, Any]:
    return {"user": row.user.get_username(), "district": row.district.code if row.district else None,
            "organisation": row.organisation, "role": row.role}


class MembershipForm(forms.ModelForm):  # type: ignore[type-arg]
    """A membership as the access table reads it: the district-wide roles bound to no organisation,
    the clerk and the liaison officer to one of the district's, the city auditor to no district."""

    class Meta:
        model = models.Membership
        fields = ("user", "district", "organisation", "role")

    def clean(self) -> dict[str, Any]:
        from liaison.base.errors import LiaisonError
        from liaison_web.bootstrap import district_version
        from liaison_web.memberships import bound_organisation

        data: dict[str, Any] = super().clean() or {}
        role, district, organisation = data.get("role"), data.get("district"), data.get("organisation") or ""
        if role == "city_auditor":
            if district is not None or organisation:
                raise forms.ValidationError("a city auditor reads every district: no district, no organisation "
                                            "/ 市级审计查看各区：不填区和单位")
            return data
        if district is None:
            raise forms.ValidationError("this role is a district's: choose the district / 该角色属于某个区：请选择区")
        found = district_version(district.code)
        if found is None:
            raise forms.ValidationError(f"{district.code} has no data loaded / {district.code} 尚未载入数据")
        try:
            data["organisation"] = bound_organisation(found[0], str(role), organisation)
        except LiaisonError as error:
            raise forms.ValidationError(f"{error.message} / {error.message_zh}") from None
        return data


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Checked (:class:`MembershipForm`) and audited: who gave whom which role is in the log."""

    form = MembershipForm
    list_display = ("user", "district", "organisation", "role")
    list_filter = ("role", "district")

    def save_model(self, request: HttpRequest, obj: models.Membership, form: Any, change: bool) -> None:
        before = _membership(models.Membership.objects.get(pk=obj.pk)) if change and obj.pk else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            after = _membership(obj)
            _audit(request, "change" if change else "add", "membership", str(obj.pk),
                   after["district"] or (before or {}).get("district"), before=before, after=after)

    def delete_model(self, request: HttpRequest, obj: models.Membership) -> None:
        before = _membership(obj)
        with transaction.atomic():
            pk = obj.pk
            super().delete_model(request, obj)
            _audit(request, "remove", "membership", str(pk), before["district"], before=before)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for row in list(queryset):
            self.delete_model(request, row)


@admin.register(models.ApiToken)
class ApiTokenAdmin(ReadOnly):
    """Made by `liaison web token` (shown once); revoked here by the action, as `liaison web revoke`
    revokes it — for good, audited."""

    list_display = ("name", "user", "prefix", "scopes", "created", "last_used", "revoked")
    actions = ("revoke",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # the action needs the list's change permission; a token's own page stays read-only
        return obj is None and admin.ModelAdmin.has_change_permission(self, request, None)

    @admin.action(description="Revoke the selected tokens / 吊销所选令牌")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        from liaison_web.tokens import Actor, districts_of, withdraw

        # the API's, the tokens page's and the command's one place: the entry under the user's districts
        by = Actor(request.user, f"{request.user.get_username()} (admin)", remote_address(request))
        with transaction.atomic():
            for row in queryset.filter(revoked__isnull=True).select_related("user"):
                withdraw(row, by=by, districts=districts_of(row.user))


@admin.register(models.Webhook)
class WebhookAdmin(ReadOnly):
    """Made through the API or `liaison web webhook add` (which check the URL and show the secret
    once); removed here by the action, as the API removes one — audited."""

    list_display = ("id", "district", "organisation", "name", "url", "active", "created")
    list_filter = ("active", "district")
    actions = ("remove",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and admin.ModelAdmin.has_change_permission(self, request, None)

    @admin.action(description="Remove the selected webhooks / 移除所选 Webhook")
    def remove(self, request: HttpRequest, queryset: Any) -> None:
        from liaison_web.webhooks import described, remove_webhook

        with transaction.atomic():
            for row in queryset.filter(active=True).select_related("district"):
                before = described(row)
                remove_webhook(row)
                _audit(request, "remove", "webhook", str(row.pk), row.district.code, before=before,
                       after=described(row))


@admin.register(models.WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly):
    """The queue, read-only: a replay goes through the API or `liaison web replay`."""

    list_display = ("id", "webhook", "event_type", "status", "attempts", "next_attempt", "created", "delivered")
    list_filter = ("status", "event_type")


@admin.register(models.FeedToken)
class FeedTokenAdmin(ReadOnly):
    """Made and revoked through the API (the organisation's feed); read-only here."""

    list_display = ("district", "organisation", "prefix", "created", "revoked")
@admin.register(models.AuditEntry)
class AuditEntryAdmin(ReadOnly):
    list_display = ("at", "actor", "remote_address", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")


@admin.register(models.Record)
class RecordAdmin(ReadOnly):
    list_display = ("district", "year", "kind", "key", "version", "action", "responsible", "at", "actor")
    list_filter = ("district", "year", "kind", "action")


@admin.register(models.Evidence)
class EvidenceAdmin(ReadOnly):
    list_display = ("district", "year", "object_type", "object_id", "name", "file_type", "size", "at", "actor")
    list_filter = ("district", "file_type")


# Django's own tables (users, groups, the lockout's attempts) audited as these are: registered in
# their place once these are
from liaison_web import admin_users  # noqa: E402, F401
