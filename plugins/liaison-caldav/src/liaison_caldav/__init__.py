"""liaison-caldav: the year's calendars published to a CalDAV server, one resource per event,
incrementally and with If-Match (a ``liaison`` publisher plugin)."""

from liaison_caldav.changes import (
    Action,
    CalendarChanges,
    Changes,
    Write,
    changes,
    collection_slug,
    resource_name,
)
from liaison_caldav.plugin import OPTIONS, CalDAVResult, publish, target_url

__all__ = [
    "OPTIONS", "Action", "CalDAVResult", "CalendarChanges", "Changes", "Write", "changes", "collection_slug",
    "publish", "resource_name", "target_url",
]
