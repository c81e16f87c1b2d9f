"""What the CalDAV publisher's entry point (:mod:`liaison_caldav.plugin`), its run
(:mod:`liaison_caldav.session`) and its change set (:mod:`liaison_caldav.changeset`) share: the
publisher's name, the ``ical`` exporter's options it takes, and its result."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from liaison.host.publishing import PublishResult

__all__ = ["ICAL_NAMES", "PUBLISHER", "CalDAVResult"]

PUBLISHER: Final = "caldav"
#: The ``ical`` exporter's options the publisher takes too, so the events are those the .ics files hold.
ICAL_NAMES: Final = ("alarm_minutes", "dtstamp")


@attrs.frozen(kw_only=True)
class CalDAVResult(PublishResult):
    """:class:`~liaison.host.publishing.PublishResult` with what CalDAV adds: events deleted (they left a
    calendar), collections created, and the requests by HTTP method."""

    deleted: int = 0
    calendars_created: int = 0
    by_method: Mapping[str, int] = attrs.field(factory=dict, eq=False)
