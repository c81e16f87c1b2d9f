"""liaison-ical: deterministic, Outlook-safe iCalendar export for liaison schedules."""

from liaison_ical.events import STATUSES, CalendarEvent, CalendarSpec, Status
from liaison_ical.serialise import TZID, serialise, serialise_many, uid_for

__all__ = [
    "STATUSES", "TZID", "CalendarEvent", "CalendarSpec", "Status", "serialise", "serialise_many", "uid_for",
]
