"""The service's tables in Django's admin: districts and their versions, memberships, tokens (the
hash only), and the audit log, the records' versions and the evidence files read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from liaison_web import models


@admin.register(models.District)
class DistrictAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "created")


@admin.register(models.DistrictVersion)
class DistrictVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("district", "valid_from", "sha256", "loaded")
    readonly_fields = ("sha256", "loaded")


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "district", "organisation", "role")
    list_filter = ("role", "district")


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "user", "prefix", "scopes", "created", "last_used", "revoked")
    readonly_fields = ("prefix", "sha256", "created", "last_used")


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    """A table whose rows are only ever added by the service: shown, never added, changed or removed here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.Webhook)
class WebhookAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Listed and switched on or off here; made through the API or `liaison web webhook add`, which
    show the secret once (the admin cannot: it is derived, not stored)."""

    list_display = ("id", "district", "organisation", "name", "url", "active", "created")
    list_filter = ("active", "district")
    readonly_fields = ("salt", "lease_owner", "lease_until", "created")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(models.WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The queue, read-only: a replay goes through the API or `liaison web replay`."""

    list_display = ("id", "webhook", "event_type", "status", "attempts", "next_attempt", "created", "delivered")
    list_filter = ("status", "event_type")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("district", "organisation", "prefix", "created", "revoked")
    readonly_fields = ("prefix", "sha256", "created")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
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
