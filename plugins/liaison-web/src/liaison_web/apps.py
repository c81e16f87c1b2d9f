"""The service's Django application."""

from __future__ import annotations

from django.apps import AppConfig


class LiaisonWebConfig(AppConfig):
    name = "liaison_web"
    label = "liaison_web"
    verbose_name = "liaison"
    default_auto_field = "django.db.models.BigAutoField"
