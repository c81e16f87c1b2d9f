"""What to send: the pure difference between the year's calendars and what was published before.

No server is involved.  In: the calendars as resources (:func:`liaison_ical.calendar_resources`,
one CalDAV calendar object resource per engagement with its sha256) and the previous
:class:`~liaison.year.publications.Publication` (from the year's state).  Out: for each calendar the writes
to make, each with the precondition that makes it safe:

* an event not published before: ``PUT`` with ``If-None-Match: *`` (RFC 9110 §13.1.2), so an event
  already at that address (published by an earlier run whose record was lost, or by someone else)
  is reported, not replaced;
* an event whose bytes changed (a different digest): ``PUT`` with ``If-Match: <the recorded ETag>``
  (RFC 4791 §5.3.2, RFC 9110 §13.1.1), so an event changed on the server since is a conflict;
* an event with the same digest: nothing — a rerun with nothing changed sends no write at all;
* an event that left a calendar: ``DELETE`` with ``If-Match`` (see below).

Why delete rather than keep an event that left a calendar.  The plan never drops an engagement —
:func:`liaison.year.engagements.revise` keeps it as CANCELLED with a raised SEQUENCE, and that is published as
an update — so an event leaves a calendar only when an engagement's participants change (it moves
out of that organisation's calendar) or a plan was replaced without ``revise``.  In both cases the
exported .ics of that calendar no longer holds the event, and a subscribed client drops it; a CalDAV
collection should show the same as the file, so the resource is deleted — conditionally, so an
event someone edited on the server is reported rather than lost.  ``prune=False`` keeps them.  A
collection is never deleted: people may have shared or subscribed to it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Sequence
from urllib.parse import quote

import attrs

from liaison.base.errors import ExportError, Location, OptionError
from liaison.year.publications import Publication, PublishedCalendar, PublishedResource
from liaison_caldav.result import PUBLISHER
from liaison_ical.plugin import MASTER_FILE
from liaison_ical.resources import EventResource, PlanResources

__all__ = [
    "PUBLISHER",
    "Action",
    "CalendarChanges",
    "Changes",
    "Write",
    "changes",
    "collection_slug",
    "resource_name",
]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def resource_name(uid: str) -> str:
    """The resource's name in its collection: the UID made safe for a URL path (``<sha1>-liaison.ics``
    for ``<sha1>@liaison``); the same in every collection, so an event is easy to find everywhere."""
    return _UNSAFE.sub("-", uid) + ".ics"


def collection_slug(district: str, label: str, key: str) -> str:
    """The collection's name under the calendar home: ``liaison-seed-2027-all`` for the master,
    ``liaison-seed-2027-dev-reform`` for an organisation; the district and years are part of it,
    so several years and districts can live side by side in one account.  Percent-encoded."""
    part = "all" if key == MASTER_FILE else key
    return quote(f"liaison-{district}-{label}-{part}", safe="")


class Action(enum.StrEnum):
    CREATE = "create"  # PUT, If-None-Match: *
    UPDATE = "update"  # PUT, If-Match: <etag>
    DELETE = "delete"  # DELETE, If-Match: <etag>


@attrs.frozen
class Write:
    """One request that changes something on the server."""

    action: Action
    uid: str
    name: str  # the resource's name in its collection (used when ``href`` is not known yet)
    href: str | None = None  # where it was published before
    etag: str | None = None  # the ETag recorded then: the If-Match of an update or delete
    resource: EventResource | None = None  # what is sent (create and update)


@attrs.frozen(kw_only=True)
class CalendarChanges:
    """One calendar: where it is (``url`` None: to be found or created as ``slug``), whether its
    display name changed, the writes to make and the events left as they are."""

    key: str
    name: str
    slug: str
    url: str | None
    rename: bool
    writes: tuple[Write, ...]
    unchanged: tuple[PublishedResource, ...]
    order: tuple[str, ...]  # the calendar's UIDs in the order of its .ics (what the record follows)


@attrs.frozen
class Changes:
    """Everything to send to ``target``, calendar by calendar, and what stays as it was."""

    target: str
    calendars: tuple[CalendarChanges, ...]
    previous: Publication | None  # the previous publication to this target (None: a first run)
    keys: tuple[str, ...]  # every calendar key, in the order the record keeps them

    @property
    def writes(self) -> int:
        """Requests that change something: each write, each collection to create or rename."""
        return sum(len(c.writes) + (c.url is None) + c.rename for c in self.calendars)

    @property
    def unchanged(self) -> int:
        return sum(len(c.unchanged) for c in self.calendars)


def _previous_for(previous: Publication | None, target: str) -> Publication | None:
    """The previous publication counts only if it went to this very target by this publisher."""
    if previous is None or previous.publisher != PUBLISHER or previous.target != target:
        return None
    return previous


def _calendar(key: str, name: str, slug: str, resources: Sequence[EventResource],
              old: PublishedCalendar | None, prune: bool) -> CalendarChanges:
    before = {r.uid: r for r in old.resources} if old is not None else {}
    writes: list[Write] = []
    unchanged: list[PublishedResource] = []
    names: dict[str, str] = {}
    for resource in resources:
        file = resource_name(resource.uid)
        if names.setdefault(file, resource.uid) != resource.uid:
            raise ExportError(f"the UIDs {names[file]!r} and {resource.uid!r} give the same resource "
                              f"name {file}", path=Location.named(f"calendar {key}"),
                              fix="derive UIDs with liaison_ical.uid_for()",
                              message_zh=f"UID {names[file]!r} 与 {resource.uid!r} 得出相同的资源名 {file}",
                              fix_zh="请用 liaison_ical.uid_for() 生成 UID")
        published = before.pop(resource.uid, None)
        if published is None:
            writes.append(Write(Action.CREATE, resource.uid, file, resource=resource))
        elif published.digest == resource.digest:
            unchanged.append(published)
        else:
            writes.append(Write(Action.UPDATE, resource.uid, file, published.href, published.etag, resource))
    for gone in before.values():  # in the order they were published
        if prune:
            writes.append(Write(Action.DELETE, gone.uid, resource_name(gone.uid), gone.href, gone.etag))
        else:
            unchanged.append(gone)
    return CalendarChanges(key=key, name=name, slug=slug, url=old.url if old is not None else None,
                           rename=old is not None and old.name != name, writes=tuple(writes),
                           unchanged=tuple(unchanged),
                           order=tuple(r.uid for r in resources))


def changes(resources: PlanResources, previous: Publication | None, *, target: str,
            only: Collection[str] = (), prune: bool = True) -> Changes:
    """What to send to ``target`` so that it holds ``resources``, given what ``previous`` recorded.

    ``only`` chooses calendars by key (``全部`` for the master, organisation ids); empty means every
    calendar.  A calendar published before and no longer in the plan (no engagement of that
    organisation is left) has its events deleted like any event that left a calendar.  Calendars
    not chosen are left exactly as recorded.
    """
    old = _previous_for(previous, target)
    before = {c.key: c for c in old.calendars} if old is not None else {}
    current = {c.key: c for c in resources.calendars}
    keys = (*current, *(k for k in before if k not in current))
    unknown = [k for k in only if k not in keys]
    if unknown:
        missing = unknown[0]
        raise OptionError(f"publisher {PUBLISHER!r} option calendars: no calendar {missing!r} in this plan",
                          path=Location.option("calendars"), fix="the calendars are: " + ", ".join(keys),
                          message_zh=f"选项 calendars（发布插件 {PUBLISHER}）：本计划中没有日历 {missing!r}",
                          fix_zh="现有的日历：" + "、".join(keys))
    chosen = [k for k in keys if not only or k in only]
    found: list[CalendarChanges] = []
    for key in chosen:
        slug = collection_slug(resources.district, resources.label, key)
        if key in current:
            calendar = current[key]
            found.append(_calendar(key, calendar.name, slug, calendar.resources, before.get(key), prune))
        else:  # published before, nothing of it left in the plan
            gone = before[key]
            found.append(_calendar(key, gone.name, slug, (), gone, prune))
    return Changes(target, tuple(found), old, keys)
