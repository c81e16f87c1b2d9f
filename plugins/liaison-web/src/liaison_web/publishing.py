"""Publishing a district's year to CalDAV from the server: the ``caldav`` publisher of
liaison-caldav, run by the workspace on the year the database holds (what ``liaison publish caldav``
runs on an output folder) — only what changed since the last publication is sent, and what the
server accepted is saved into the year's state as it comes, through the database store.

The server and its credentials come from the service's settings, read from the environment when the
service starts (``LIAISON_CALDAV_URL``, ``LIAISON_CALDAV_USER``, ``LIAISON_CALDAV_PASSWORD``), never
from a request and never stored: the publisher keeps them out of the publication record, and the
audit entry holds the target's address only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from liaison.base.errors import LiaisonError
from liaison.host.publishing import PublishResult
from liaison.law.district import District

__all__ = ["NotConfigured", "caldav_settings", "configured", "publish_caldav", "summary"]

URL_ENV, USER_ENV, PASSWORD_ENV = "LIAISON_CALDAV_URL", "LIAISON_CALDAV_USER", "LIAISON_CALDAV_PASSWORD"


class NotConfigured(LiaisonError):
    """The service was started without a CalDAV server to publish to."""


def caldav_settings() -> dict[str, str]:
    """The CalDAV server and account from the environment (what ``settings.LIAISON_CALDAV`` holds)."""
    found = {"url": os.environ.get(URL_ENV, "").strip(), "user": os.environ.get(USER_ENV, "").strip(),
             "password": os.environ.get(PASSWORD_ENV, "")}
    return {k: v for k, v in found.items() if v}


def configured() -> dict[str, Any]:
    """The CalDAV server and account of the service's settings; :class:`NotConfigured` without one
    (asked when a publication is queued, and again when it runs)."""
    from django.conf import settings

    given: dict[str, Any] = dict(getattr(settings, "LIAISON_CALDAV", {}))
    if not given.get("url"):
        raise NotConfigured("the service has no CalDAV server to publish to",
                            fix=f"start liaison serve with {URL_ENV}, {USER_ENV} and {PASSWORD_ENV} set",
                            message_zh="本服务未配置要发布到的 CalDAV 服务器",
                            fix_zh=f"请设置 {URL_ENV}、{USER_ENV} 和 {PASSWORD_ENV} 后再启动 liaison serve")
    return given


def publish_caldav(district: District, year: int, *, calendars: Sequence[str] = (), overwrite: bool = False,
                   using: str = "default") -> PublishResult:
    """Publish the year to the configured CalDAV server (see the module's docstring)."""
    from liaison.host.plugins import publisher
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    given = configured()
    options = {**given, "overwrite": overwrite, **({"calendars": list(calendars)} if calendars else {})}
    return Workspace(store=DatabaseStore(using=using)).publish(district, year, publisher("caldav"), options)


def summary(result: PublishResult, target: str, revision: str | None) -> dict[str, Any]:
    """What a publication did, as the API answers it (no credentials: the target is the address)."""
    return {"target": target, "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "adopted": result.adopted, "requests": result.requests, "writes": result.writes,
            "conflicts": [{"calendar": c.calendar, "uid": c.uid, "href": c.href, "reason": c.reason,
                           "reason_zh": c.reason_zh, "overwritten": c.overwritten} for c in result.conflicts],
            "revision": revision}
