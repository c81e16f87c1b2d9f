"""The service's Django application. When Django is set up it quiets the log of requests Django
refuses before a view runs (django.security: a ``Host`` the service does not answer to, a body too
large, too many fields): one line each, which the operator reads, without the traceback Django
attaches — nothing failed in the service. The caller is answered in the service's words
(:func:`liaison_web.urls.handler400`). And it cuts a calendar feed's secret out of what the loggers
that name a request's path write (:mod:`liaison_web.logs`)."""

from __future__ import annotations

import logging

from django.apps import AppConfig

#: Django's loggers of the refusals :func:`liaison_web.errors.refusal` answers.
REFUSALS = ("DisallowedHost", "RequestDataTooBig", "TooManyFieldsSent", "TooManyFilesSent")


class _NoTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text = None, None
        return True


class LiaisonWebConfig(AppConfig):
    name = "liaison_web"
    label = "liaison_web"
    verbose_name = "liaison"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from liaison_web import logs

        logs.install()
        for name in REFUSALS:
            logger = logging.getLogger(f"django.security.{name}")
            if not any(isinstance(f, _NoTraceback) for f in logger.filters):
                logger.addFilter(_NoTraceback())
