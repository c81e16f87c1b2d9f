"""liaison-ical: deterministic, Outlook-safe iCalendar export for liaison schedules.

Names load on first use (:func:`liaison.lazy.lazy_exports`). The serialiser's module is
``liaison_ical.serialiser``, not ``serialise``: the package exports the function ``serialise``, and a
submodule of the same name, once imported, would take the package attribute the function is looked up
by (liaison-ical 0.1 named the module ``serialise``; CHANGELOG.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liaison.lazy import lazy_exports

# Each name once: a type checker reads these imports, and `lazy_exports` reads them to import a module
# on the first use of one of its names.
if TYPE_CHECKING:
    from liaison_ical.events import STATUSES as STATUSES
    from liaison_ical.events import CalendarEvent as CalendarEvent
    from liaison_ical.events import CalendarSpec as CalendarSpec
    from liaison_ical.events import Status as Status
    from liaison_ical.resources import CalendarResources as CalendarResources
    from liaison_ical.resources import EventResource as EventResource
    from liaison_ical.resources import PlanResources as PlanResources
    from liaison_ical.resources import calendar_resources as calendar_resources
    from liaison_ical.serialiser import TZID as TZID
    from liaison_ical.serialiser import object_resources as object_resources
    from liaison_ical.serialiser import serialise as serialise
    from liaison_ical.serialiser import serialise_many as serialise_many
    from liaison_ical.serialiser import uid_for as uid_for

__getattr__, __dir__ = lazy_exports(__name__)
