"""What the pages (:mod:`liaison_web.pages`) share with the API (:mod:`liaison_web.api`), by the
names the pages use: who the caller is and what it may do (:mod:`liaison_web.access`), the district
and the year's plan as the caller may see them, one change of an engagement through the workspace's
own update with its audit entry and webhooks in the save's transaction (:func:`change`), and a
body's to-do list (:func:`due`). Each is the API's own function — written once, there — so a page
and an API call decide, change and answer alike.

Each raises the library's errors (:class:`~liaison.base.errors.LiaisonError`); the API answers them
in the one error document, the pages as a page — the rules are the same for both."""

from __future__ import annotations

import datetime as dt
from typing import Any

from liaison.law.district import District
from liaison.law.workdays import WorkingDayCalendar
from liaison.year.state import YearState
from liaison.year.store import Stored
from liaison_web.api import Changed, Stale
from liaison_web.api import _authorise as authorise
from liaison_web.api import _district as district
from liaison_web.api import _district_object as district_object
from liaison_web.api import _letters as letters
from liaison_web.api import _loaded as loaded
from liaison_web.api import _may as may
from liaison_web.api import _members as members
from liaison_web.api import _no_engagement as no_engagement
from liaison_web.api import _rendered as rendered
from liaison_web.api import _revision as revision
from liaison_web.api import _scope as scope
from liaison_web.api import change_engagement as change
from liaison_web.api_records import _attached_to as attached_to
from liaison_web.api_records import _check_new as check_record
from liaison_web.api_records import (
    attach_kept,
    authorise_record_kind,
    change_record,
    create_record,
    keep_file,
    list_records,
    may_record,
    may_record_kind,
    read_record,
    recordable_kinds,
)
from liaison_web.clock import district_today as today
from liaison_web.errors import no_district, no_plan
from liaison_web.store import DatabaseStore

__all__ = ["Changed", "Stale", "attach_kept", "attached_to", "authorise", "authorise_record_kind", "change",
           "change_record", "check_record", "create_record", "district", "district_object", "due", "dues", "keep_file",
           "letters", "list_records", "loaded", "may", "may_record", "may_record_kind", "members", "no_district",
           "no_engagement", "no_plan", "read_record", "recordable_kinds", "rendered", "revision", "scope", "today",
           "working_days"]


def working_days(state: YearState | None, year: int) -> WorkingDayCalendar:
    """The working-day calendar of ``year`` as its state was planned on (the installed calendar with
    the holiday notices the state keeps): what the due list counts days on and the pages show."""
    from liaison.host.plugins import working_day_calendar
    from liaison.year.state import year_calendar

    return year_calendar(state, year, working_day_calendar())[0]


def due(found: District, organisation: str, day: dt.date) -> dict[str, Any]:
    """``organisation``'s to-do list as of ``day`` as ``liaison due --format json`` writes it (the
    API's :func:`liaison_web.due.due_of`: the records kept here and the engagements marked held, on
    the year of ``day`` as the service holds it, and the letters it is to issue); the caller has
    been authorised."""
    from liaison_web.due import due_of as _due_of

    stored = _year_of(found, day)
    return _due_of(found, stored.state, organisation, day, revision=stored.revision)


def dues(found: District, day: dt.date) -> dict[str, dict[str, Any]]:
    """Every organisation's :func:`due`, keyed by id, made in one pass (:func:`liaison_web.due.dues_of`)."""
    from liaison_web.due import dues_of

    stored = _year_of(found, day)
    return dues_of(found, stored.state, None, day, revision=stored.revision)


def _year_of(found: District, day: dt.date) -> Stored:
    """The year of ``day`` as the service holds it (a year out of range, or not planned: the error)."""
    from liaison.year.planner import check_year

    check_year(day.year)
    stored = DatabaseStore().load(found, day.year)
    if stored is None:
        raise no_plan(found, day.year)
    return stored
