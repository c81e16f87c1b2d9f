"""liaison-ical: deterministic, Outlook-safe iCalendar export for liaison schedules."""

from liaison_ical.events import STATUSES, CalendarEvent, CalendarSpec, Status
from liaison_ical.resources import CalendarResources, EventResource, PlanResources, calendar_resources
from liaison_ical.serialise import TZID, object_resources, serialise, serialise_many, uid_for

__all__ = [
    "STATUSES", "TZID", "CalendarEvent", "CalendarResources", "CalendarSpec", "EventResource",
    "PlanResources", "Status", "calendar_resources", "object_resources", "serialise", "serialise_many",
    "uid_for",
]
