"""Each body's to-do list as the service answers it, and its changes told to the OA systems.

:func:`due_of` is the list of one body as ``liaison due --format json`` writes it, on the year's
state and the records kept here. :func:`announce` tells the webhooks what changed in the lists of
some bodies — ``due.opened`` for an item now listed, ``due.closed`` for one gone — against the list
last told (:class:`liaison_web.models.DueSnapshot`), so an item is announced once whatever made it
appear: an engagement's change, a record added, corrected or withdrawn (both inside the change's
transaction), or a day passing (:func:`sweep`, run by the serve's worker every
:data:`SWEEP_SECONDS` and by ``liaison web deliver``: a meeting's day gone with nothing recorded, a
feedback overdue). A body with no list told yet takes the list before the change as told, or, in
a sweep, the list of now: announcing starts from the day a webhook listens — except on a year's
first list, which is compared with the last list told of the year before (the items of the old year
close, those of the new one listed ahead in December stay open: one key, :mod:`liaison.year.due`).

The list as of a day is that day's year's, and late in it the next year's items due within
:data:`liaison.year.due.NEXT_YEAR_HORIZON_DAYS` where the next year is planned here
(:func:`years_of`): a change to the next year's plan in December is compared on the same list.

An item is one by its ``key`` (:func:`liaison_web.webhooks.due_changes`); a list told before items
had keys is compared by kind and ref once, then kept with keys.
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

    from liaison.year.due import NextYear

__all__ = ["SWEEP_SECONDS", "Ahead", "announce", "announce_committed", "due_json", "due_link", "due_of", "dues_of",
           "pending_letters", "sweep", "watched", "watching", "years_of"]

#: The next year as a list looks ahead to it: its state and its revision.
Ahead = tuple[YearState, str]

#: How often the serve's worker compares the watched lists with the day (a day passing opens items).
SWEEP_SECONDS = 600.0

log = logging.getLogger("liaison_web.webhooks")


def years_of(district: District, state: YearState, revision: str | None, day: dt.date, *,
             ahead: Ahead | bool | None = True, using: str = "default") -> tuple[YearState, str | None, Ahead | None]:
    """What the list as of ``day`` is made on, given ``state`` (at ``revision``): the year of
    ``day`` and, within the horizon of its end, the next year (``ahead``: given, or True: as held
    here, or None/False: none). ``state`` of the year after ``day``'s (a change to next year's plan in
    December) is the next year, the list's year read here; a year of ``day`` not held here leaves
    ``state`` the list's year, as before."""
    from liaison.base.text import LAST_YEAR
    from liaison.year.due import NEXT_YEAR_HORIZON_DAYS
    from liaison_web.store import DatabaseStore

    close = day.year < LAST_YEAR and (dt.date(day.year + 1, 1, 1) - day).days <= NEXT_YEAR_HORIZON_DAYS
    if state.plan.year == day.year + 1 and close:
        current = DatabaseStore(using=using).load(district, day.year)
        if current is not None:
            return current.state, current.revision, (state, revision or "")
    if state.plan.year != day.year or not close or ahead is None or ahead is False:
        return state, revision, None
    if ahead is True:
        following = DatabaseStore(using=using).load(district, day.year + 1)
        return state, revision, (following.state, following.revision) if following is not None else None
    return state, revision, ahead


def _next_year(district: District, ahead: Ahead | None, day: dt.date, version: str | None) -> NextYear | None:
    """The next year for :func:`liaison.year.due.due_lists`: its plan and its letters' drafts."""
    from liaison.year.due import NextYear

    if ahead is None:
        return None
    state, revision = ahead
    letters = pending_letters(district, state.plan.year, revision, day, version=version) if revision else ()
    return NextYear(plan=state.plan, letters=tuple(letters))


def due_json(district: District, state: YearState, organisation: str, day: dt.date, *, revision: str | None = None,
             version: str | None = None, ahead: Ahead | bool | None = True) -> str:
    """One body's to-do list as of ``day`` as JSON text (the records: those kept here and the
    engagements marked held), with the letters it is to issue (:func:`pending_letters`) when the
    year's ``revision`` (the one ``state`` is) is given, and what it has to acknowledge (against the
    acknowledgements kept here); late in the year, the next year's items within the horizon
    (:func:`years_of`)."""
    from liaison.year.due import due_list

    state, revision, following = years_of(district, state, revision, day, ahead=ahead)
    records, calendar, acknowledgements = _year_inputs(district, state)
    letters = pending_letters(district, state.plan.year, revision, day, version=version) if revision else ()
    listed = due_list(district, state.plan, records, body=organisation, as_of=day, calendar=calendar, letters=letters,
                      acknowledgements=acknowledgements, ahead=_next_year(district, following, day, version))
    return to_json(due_document(listed, district))


def dues_of(district: District, state: YearState, bodies: Iterable[str] | None, day: dt.date, *,
            revision: str | None = None, version: str | None = None, ahead: Ahead | bool | None = True,
            using: str = "default") -> dict[str, Any]:
    """:func:`due_of` of each of ``bodies`` (ids; ``None``: every organisation), keyed by id, made in
    one pass (:func:`liaison.year.due.due_lists`): the year checked and its records read once, not
    once per body — the lists of a sweep, of the bodies behind; with the letters each is to issue when
    the year's ``revision`` is given, as :func:`due_json`."""
    from liaison.year.due import due_lists

    state, revision, following = years_of(district, state, revision, day, ahead=ahead, using=using)
    records, calendar, acknowledgements = _year_inputs(district, state)
    letters = pending_letters(district, state.plan.year, revision, day, version=version) if revision else ()
    made = due_lists(district, state.plan, records, as_of=day, bodies=bodies, calendar=calendar, letters=letters,
                     acknowledgements=acknowledgements, ahead=_next_year(district, following, day, version))
    return {org: json.loads(to_json(due_document(listed, district))) for org, listed in made.items()}


def due_link(district: str, body: str, item: Mapping[str, Any]) -> str:
    """Where the service shows a due item (a path on the service: prefix its address): the
    engagement of a date to agree or a record missing, the year's letters of a letter to issue, its
    findings of an obligation, else the body's to-do list."""
    from urllib.parse import quote

    year = item.get("year")
    api = f"/api/v1/districts/{quote(district, safe='')}"
    if year is None:
        return f"{api}/organisations/{quote(body, safe='')}/due"
    kind, ref = item.get("kind"), str(item.get("ref", ""))
    if kind in ("date_to_agree", "record_missing"):
        return f"{api}/years/{year}/engagements/{quote(ref, safe='/')}"
    if kind == "letter_to_issue":
        return f"{api}/years/{year}/letters"
    if kind == "obligation":
        return f"{api}/years/{year}/findings"
    return f"{api}/organisations/{quote(body, safe='')}/due"


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
           version: str | None = None, ahead: Ahead | bool | None = True) -> dict[str, Any]:
    """:func:`due_json` as a document."""
    written: dict[str, Any] = json.loads(due_json(district, state, organisation, day, revision=revision,
                                                  version=version, ahead=ahead))
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
    listed = dues_of(district, state, dict.fromkeys(bodies), day, revision=revision or None, using=using)
    return _told(district, state, listed, day, about=about, revision=revision, before=before, using=using, **more)


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
    stored = store.load(district, year, revision=revision)
    if stored is None:
        return 0
    # the list's year: the day's (a change to next year's plan in December is listed on it)
    listed_on = years_of(district, stored.state, revision, day, ahead=None, using=using)[0].plan.year
    told = set(models.DueSnapshot.objects.using(using).filter(year__district__code=code, year__year=listed_on,
                                                              organisation__in=bodies)
               .values_list("organisation", flat=True))
    untold = [b for b in bodies if b not in told]
    if untold and prior:
        was = store.load(district, year, revision=prior)
        if was is not None:
            before = {b: listed["items"] for b, listed in dues_of(district, was.state, untold, day, revision=prior,
                                                                   version=version, using=using).items()}
    for _ in range(3):
        listed = dues_of(district, stored.state, bodies, day, revision=revision, version=version, using=using)
        with store.lock(district, year), transaction.atomic(using=using):
            held = models.Year.objects.using(using).select_for_update().get(district__code=code, year=year)
            if held.revision == revision:
                return _told(district, stored.state, listed, day, about=about, revision=revision, before=before,
                             using=using, **more)
            revision = held.revision
        stored = store.load(district, year, revision=revision)
        if stored is None:
            return 0
    return 0  # the writers keep saving: the sweep tells what they did to these lists


def _told(district: District, state: YearState, listed: Mapping[str, Any], day: dt.date, *,
          about: Mapping[str, Any] | None, revision: str, before: Mapping[str, Sequence[Mapping[str, Any]]] | None,
          using: str, **more: Any) -> int:
    """The lists ``listed`` (by body, made on ``state`` at ``revision``) compared with those last told
    and kept as told (:func:`announce`). Inside a transaction."""
    code = district.info.id
    # the list's year: the day's (a change to next year's plan in December is listed on it)
    listed_on = years_of(district, state, revision or None, day, ahead=None, using=using)[0].plan.year
    held = models.Year.objects.using(using).get(district__code=code, year=listed_on)
    queued = 0
    for body, document in listed.items():
        now = document["items"]
        kept = (models.DueSnapshot.objects.using(using).select_for_update()
                .filter(year=held, organisation=body).first())
        told = kept.items if kept is not None else (before or {}).get(body)
        if told is None and listed_on == day.year:
            # the first list of the day's year: the items told last year close, those listed ahead stay
            # (a list of a year to come made in its year before is not compared with that year's)
            last = (models.DueSnapshot.objects.using(using)
                    .filter(year__district__code=code, year__year=listed_on - 1, organisation=body).first())
            told = last.items if last is not None else None
        if told is not None:
            for event, _, item in webhooks.due_changes({body: told}, {body: now}):
                queued += webhooks.enqueue(code, event, about, revision=revision, body=body, due=item, using=using,
                                           **_placed(code, body, item), **more)
        if kept is None:
            models.DueSnapshot.objects.using(using).create(year=held, organisation=body, day=day, items=now)
        elif kept.items != now or kept.day != day:
            kept.items, kept.day = now, day
            kept.save(using=using, update_fields=["items", "day"])
    return queued


def _placed(code: str, body: str, item: Mapping[str, Any]) -> dict[str, Any]:
    """What a due event says of its item besides the item: its year (an item told before items had
    one: none) and where the service shows it (:func:`due_link`)."""
    return {"year": item.get("year"), "link": due_link(code, body, item)}


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
