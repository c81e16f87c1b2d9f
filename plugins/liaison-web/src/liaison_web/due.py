"""Each body's to-do list as the service answers it, and its changes told to the OA systems.

:func:`due_of` is the list of one body as ``liaison due --format json`` writes it, on the year's
state and the records kept here. :func:`announce` tells the webhooks what changed in the lists of
some bodies — ``due.opened`` for an item now listed, ``due.closed`` for one gone — against the list
last told (:class:`liaison_web.models.DueSnapshot`), so an item is announced once whatever made it
appear: an engagement's change, a record added, corrected or withdrawn (both inside the change's
transaction), or a day passing (:func:`sweep`, run by the serve's worker every
:data:`SWEEP_SECONDS` and by ``liaison web deliver``: a meeting's day gone with nothing recorded, a
feedback overdue). A body with no list told yet takes the list before the change as told, or, in
a sweep, the list of now: announcing starts from the day a webhook listens.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from liaison.formats.documents import due_document, to_json
from liaison.law.district import District
from liaison.year.state import YearState
from liaison_web import models, webhooks

__all__ = ["SWEEP_SECONDS", "announce", "due_json", "due_of", "sweep", "watched"]

#: How often the serve's worker compares the watched lists with the day (a day passing opens items).
SWEEP_SECONDS = 600.0

log = logging.getLogger("liaison_web.webhooks")


def due_json(district: District, state: YearState, organisation: str, day: dt.date) -> str:
    """One body's to-do list as of ``day`` as JSON text (the records: those kept here and the
    engagements marked held; what it has to acknowledge, against the acknowledgements kept here)."""
    from liaison.host.plugins import working_day_calendar
    from liaison.year.due import due_list
    from liaison.year.state import year_calendar
    from liaison_web.records import year_acknowledgements, year_records

    calendar, _ = year_calendar(state, state.plan.year, working_day_calendar())
    year = state.plan.year
    listed = due_list(district, state.plan, year_records(district, year), body=organisation, as_of=day,
                      calendar=calendar, acknowledgements=year_acknowledgements(district, year))
    return to_json(due_document(listed, district))


def due_of(district: District, state: YearState, organisation: str, day: dt.date) -> dict[str, Any]:
    """:func:`due_json` as a document."""
    written: dict[str, Any] = json.loads(due_json(district, state, organisation, day))
    return written


def watched(district: District, *, using: str = "default") -> tuple[str, ...]:
    """The bodies whose lists some active webhook of the district listens to (a webhook of no
    organisation: every body), in the district's order; none when no webhook wants due events."""
    rows = models.Webhook.objects.using(using).filter(district__code=district.info.id, active=True)
    wanted: set[str] = set()
    for organisation, events in rows.values_list("organisation", "events"):
        if set(events) & set(webhooks.DUE_EVENTS):
            if not organisation:
                return tuple(o.id for o in district.organisations)
            wanted.add(organisation)
    return tuple(o.id for o in district.organisations if o.id in wanted)


def announce(district: District, state: YearState, bodies: Iterable[str], day: dt.date, *,
             about: Mapping[str, Any] | None = None, revision: str = "",
             before: Mapping[str, Sequence[Mapping[str, Any]]] | None = None, using: str = "default",
             **more: Any) -> int:
    """Compare each of ``bodies``' lists as of ``day`` on ``state`` with the list last told (else
    ``before``'s, else none: the list now is taken as told, silently), queue ``due.opened`` /
    ``due.closed`` for the difference (``about``: the engagement the change was about, ``more``:
    what else the event carries, e.g. ``record``) and keep the list now. Inside a transaction. How
    many deliveries were queued."""
    code = district.info.id
    held = models.Year.objects.using(using).get(district__code=code, year=state.plan.year)
    queued = 0
    for body in dict.fromkeys(bodies):
        now = due_of(district, state, body, day)["items"]
        kept = (models.DueSnapshot.objects.using(using).select_for_update()
                .filter(year=held, organisation=body).first())
        told = kept.items if kept is not None else (before or {}).get(body)
        if told is not None:
            for event, _, item in webhooks.due_changes({body: told}, {body: now}):
                queued += webhooks.enqueue(code, event, about, revision=revision, body=body, due=item, using=using,
                                           **more)
        if kept is None:
            models.DueSnapshot.objects.using(using).create(year=held, organisation=body, day=day, items=now)
        elif kept.items != now or kept.day != day:
            kept.items, kept.day = now, day
            kept.save(using=using, update_fields=["items", "day"])
    return queued


def sweep(*, using: str = "default", today: dt.date | None = None) -> int:
    """Every district's watched lists of its current year compared with the day (today in its time
    zone, or ``today``): the items a day passing opened or closed are announced. How many deliveries
    were queued. A district without the year's plan is passed over."""
    from liaison_web import bootstrap
    from liaison_web.clock import district_today
    from liaison_web.store import DatabaseStore

    codes = (models.Webhook.objects.using(using).filter(active=True).values_list("district__code", flat=True)
             .distinct())
    queued = 0
    for code in sorted(set(codes)):
        found = bootstrap.district(code, using=using)
        if found is None:
            continue
        day = today or district_today(found)
        bodies = watched(found, using=using)
        if not bodies:
            continue
        loaded = DatabaseStore(using=using).load(found, day.year)
        if loaded is None:
            continue
        try:
            with transaction.atomic(using=using):
                queued += announce(found, loaded.state, bodies, day, revision=loaded.revision, using=using)
        except IntegrityError:  # another process kept the first lists at the same moment: its pass told them
            log.info("the due lists of %s were compared by another process", code)
    return queued
