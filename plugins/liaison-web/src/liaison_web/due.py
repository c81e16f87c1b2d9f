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
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, IntegrityError, transaction

from liaison.base.errors import LiaisonError
from liaison.formats.documents import due_document, to_json
from liaison.law.acknowledgements import Acknowledgement
from liaison.law.district import District
from liaison.law.records import Records
from liaison.law.rules import WorkingDays
from liaison.year.state import YearState
from liaison_web import models, webhooks

if TYPE_CHECKING:
    from liaison_docx.about import LetterAbout

__all__ = ["SWEEP_SECONDS", "announce", "announce_committed", "due_json", "due_of", "dues_of", "pending_letters",
           "sweep", "watched", "watching"]

#: How often the serve's worker compares the watched lists with the day (a day passing opens items).
SWEEP_SECONDS = 600.0

log = logging.getLogger("liaison_web.webhooks")


def due_json(district: District, state: YearState, organisation: str, day: dt.date, *, revision: str | None = None,
             version: str | None = None) -> str:
    """One body's to-do list as of ``day`` as JSON text (the records: those kept here and the
    engagements marked held), with the letters it is to issue (:func:`pending_letters`) when the
    year's ``revision`` (the one ``state`` is) is given, and what it has to acknowledge (against the
    acknowledgements kept here)."""
    from liaison.year.due import due_list

    records, calendar, acknowledgements = _year_inputs(district, state)
    letters = pending_letters(district, state.plan.year, revision, day, version=version) if revision else ()
    listed = due_list(district, state.plan, records, body=organisation, as_of=day, calendar=calendar, letters=letters,
                      acknowledgements=acknowledgements)
    return to_json(due_document(listed, district))


def dues_of(district: District, state: YearState, bodies: Iterable[str] | None, day: dt.date, *,
            revision: str | None = None, version: str | None = None) -> dict[str, Any]:
    """:func:`due_of` of each of ``bodies`` (ids; ``None``: every organisation), keyed by id, made in
    one pass (:func:`liaison.year.due.due_lists`): the year checked and its records read once, not
    once per body — the lists of a sweep, of the bodies behind; with the letters each is to issue when
    the year's ``revision`` is given, as :func:`due_json`."""
    from liaison.year.due import due_lists

    records, calendar, acknowledgements = _year_inputs(district, state)
    letters = pending_letters(district, state.plan.year, revision, day, version=version) if revision else ()
    made = due_lists(district, state.plan, records, as_of=day, bodies=bodies, calendar=calendar, letters=letters,
                     acknowledgements=acknowledgements)
    return {org: json.loads(to_json(due_document(listed, district))) for org, listed in made.items()}


def _year_inputs(district: District, state: YearState) -> tuple[Records, WorkingDays, tuple[Acknowledgement, ...]]:
    """What a due list is made on besides the plan: the records kept here, the year's calendar and
    the acknowledgements kept here."""
    from liaison.host.plugins import working_day_calendar
    from liaison.year.state import year_calendar
    from liaison_web.records import year_acknowledgements, year_records

    calendar, _ = year_calendar(state, state.plan.year, working_day_calendar())
    year = state.plan.year
    return year_records(district, year), calendar, year_acknowledgements(district, year)


def due_of(district: District, state: YearState, organisation: str, day: dt.date, *, revision: str | None = None,
           version: str | None = None) -> dict[str, Any]:
    """:func:`due_json` as a document."""
    written: dict[str, Any] = json.loads(due_json(district, state, organisation, day, revision=revision,
                                                  version=version))
    return written


def pending_letters(district: District, year: int, revision: str, day: dt.date, *, version: str | None = None,
                    using: str = "default") -> tuple[LetterAbout, ...]:
    """The year's letters not issued yet as of ``day`` — due or later drafts — as the letters'
    exporter lists them beside its letters (``公文清单.json``: kind, subject, recipient, issuer,
    engagement, provisions, title, date, deadline): the list of the preview the letters' list and
    downloads are served from (:func:`liaison_web.outputs.render`, ``preview``: the year's records
    kept here included), so the due list and the letters page name the same drafts, and issuing
    one takes it off both. None without the letters' exporter installed. ``version``: the
    district's (what the render is cached by), else its latest's."""
    from liaison.host.plugins import exporters
    from liaison_web import bootstrap, outputs

    if "docx" not in exporters():
        return ()
    from liaison_docx.about import ABOUT, read_about

    if version is None:
        found = bootstrap.district_version(district.info.id, using=using)
        version = found[1] if found is not None else ""
    listed = outputs.render(district, version, year, revision, "docx", {"preview": True}, day, using=using).files
    kept = listed.get(ABOUT)
    return tuple(a for a in read_about(kept).values() if a.draft) if kept is not None else ()


def watched(district: District, *, using: str = "default") -> tuple[str, ...]:
    """The bodies whose lists some active webhook of the district listens to (a webhook of no
    organisation: every body), in the district's order; none when no webhook wants due events."""
    rows = models.Webhook.objects.using(using).filter(district__code=district.info.id, active=True)
    return watching(district, rows)


def watching(district: District, hooks: Iterable[models.Webhook]) -> tuple[str, ...]:
    """:func:`watched` of the district's active webhooks ``hooks``, already read (a batch of
    changes reads them once)."""
    wanted: set[str] = set()
    for organisation, events in ((h.organisation, h.events) for h in hooks):
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
    listed = dues_of(district, state, dict.fromkeys(bodies), day, revision=revision or None)
    return _told(code, held, listed, day, about=about, revision=revision, before=before, using=using, **more)


def announce_committed(district: District, year: int, revision: str, bodies: Iterable[str], day: dt.date, *,
                       about: Mapping[str, Any] | None = None, prior: str | None = None, using: str = "default",
                       version: str | None = None, **more: Any) -> int:
    """:func:`announce` for a change already committed (``revision``), after its transaction and
    outside the year's lock: the lists, whose letters to issue may need the letters' preview rendered
    (:func:`pending_letters`, half a second or more), are made first, with no lock held; then, in a
    transaction of its own under the year's lock (a few statements), compared with the lists last
    told and the deliveries queued — as long as ``revision`` is still the year's. When a later change
    was saved meanwhile, its revision's lists are made and compared instead (what the lists are now
    is what is told; what the later change did is told once, by whichever comes first). Nothing is
    lost to a crash between the commit and this: the sweep (:func:`sweep`) compares the lists with
    the day's. ``prior``: the revision before the change, whose lists a body with none told yet
    takes as told (as :func:`announce`'s ``before``). How many deliveries were queued. The change is
    saved whatever happens here: a failure (the database gone, the letters' render refused) is
    logged, not raised, and the sweep tells the lists later."""
    try:
        return _announce_committed(district, year, revision, list(bodies), day, about=about, prior=prior,
                                   using=using, version=version, **more)
    except (DatabaseError, LiaisonError):
        log.exception("the to-do lists after revision %s of %s's %s were not compared; the sweep will",
                      revision, district.info.id, year)
        return 0


def _announce_committed(district: District, year: int, revision: str, bodies: list[str], day: dt.date, *,
                        about: Mapping[str, Any] | None, prior: str | None, using: str, version: str | None,
                        **more: Any) -> int:
    from liaison_web.store import DatabaseStore

    store = DatabaseStore(using=using)
    code = district.info.id
    bodies = list(dict.fromkeys(bodies))
    before: dict[str, Any] | None = None
    told = set(models.DueSnapshot.objects.using(using).filter(year__district__code=code, year__year=year,
                                                              organisation__in=bodies)
               .values_list("organisation", flat=True))
    untold = [b for b in bodies if b not in told]
    if untold and prior:
        was = store.load(district, year, revision=prior)
        if was is not None:
            before = {b: listed["items"] for b, listed in dues_of(district, was.state, untold, day, revision=prior,
                                                                   version=version).items()}
    for _ in range(3):
        stored = store.load(district, year, revision=revision)
        if stored is None:
            return 0
        listed = dues_of(district, stored.state, bodies, day, revision=revision, version=version)
        with store.lock(district, year), transaction.atomic(using=using):
            held = models.Year.objects.using(using).select_for_update().get(district__code=code, year=year)
            if held.revision == revision:
                return _told(code, held, listed, day, about=about, revision=revision, before=before, using=using,
                             **more)
            revision = held.revision
    return 0  # the writers keep saving: the sweep tells what they did to these lists


def _told(code: str, held: models.Year, listed: Mapping[str, Any], day: dt.date, *,
          about: Mapping[str, Any] | None, revision: str, before: Mapping[str, Sequence[Mapping[str, Any]]] | None,
          using: str, **more: Any) -> int:
    """The lists ``listed`` (by body) compared with those last told and kept as told (:func:`announce`)."""
    queued = 0
    for body, document in listed.items():
        now = document["items"]
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
