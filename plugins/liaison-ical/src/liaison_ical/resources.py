"""The plan's calendars as CalDAV resources: what a publisher sends, built by the exporter's code.

For each calendar the ``ical`` exporter writes (the master ``全部`` and one per organisation taking
part), :func:`calendar_resources` gives one calendar object resource per engagement (RFC 4791 §4.1):
a VCALENDAR holding the VTIMEZONE and that one VEVENT, and no METHOD.  The VEVENT is byte for byte
the one in the exported .ics (same UID, SEQUENCE, DTSTAMP), since both come from
:func:`liaison_ical.serialiser.serialise_many`'s renderer; the sha256 of each resource's bytes says
whether it changed since it was last sent.  An event's resource is the same bytes in every calendar
holding it (the calendar's name is a property of the collection, not of the resource).

Pure, like the exporter: the same plan and options always give the same bytes and digests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import attrs

from liaison.law.district import District
from liaison.year.engagements import Plan
from liaison_ical.events import Status
from liaison_ical.plugin import calendars, typed_options

__all__ = ["CalendarResources", "EventResource", "PlanResources", "calendar_resources"]


@attrs.frozen
class EventResource:
    """One event as a calendar object resource: its UID, SEQUENCE and STATUS, bytes and digest."""

    uid: str
    sequence: int
    status: Status
    data: bytes = attrs.field(repr=lambda d: f"<{len(d)} bytes>")
    digest: str  # sha256 hex of ``data``


@attrs.frozen
class CalendarResources:
    """One calendar: ``key`` (``全部`` or the organisation id), file ``stem``, ``name`` (its
    X-WR-CALNAME) and its events in the order of the .ics."""

    key: str
    stem: str
    name: str
    resources: tuple[EventResource, ...]


@attrs.frozen
class PlanResources:
    """Every calendar of a plan as resources, master first, then organisations in directory order."""

    district: str
    label: str  # the plan's years: ``2027`` or ``2026-2027``
    calendars: tuple[CalendarResources, ...]

    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.calendars)


def calendar_resources(district: District, plan: Plan, options: Mapping[str, Any] | None = None
                       ) -> PlanResources:
    """The calendars of ``plan`` as resources.  ``options`` are the ``ical`` exporter's
    (``alarm_minutes``, ``dtstamp``; ``refresh`` is accepted and has no effect on resources), as
    text or Python values, checked strictly (:class:`~liaison.base.errors.OptionError`)."""
    found = calendars(district, plan, typed_options(options))
    specs = [c.spec for c in found.calendars]
    from liaison_ical.serialiser import object_resources  # icalendar: only when resources are made

    made: dict[int, EventResource] = {}  # one EventResource per event, shared between calendars
    out: list[CalendarResources] = []
    for named, datas in zip(found.calendars, object_resources(specs), strict=True):
        resources: list[EventResource] = []
        for event, data in zip(named.spec.events, datas, strict=True):
            resource = made.get(id(event))
            if resource is None:
                resource = made[id(event)] = EventResource(
                    event.uid, event.sequence, event.status, data, hashlib.sha256(data).hexdigest())
            resources.append(resource)
        out.append(CalendarResources(named.key, named.stem, named.spec.name, tuple(resources)))
    return PlanResources(found.district, found.label, tuple(out))
