"""The city's view of its districts: per district, one year's standing as the library's findings
give it (:func:`liaison.law.compliance.check` on the year as the service holds it, the engagements
marked held counted as records — what ``liaison check --plan`` counts), and the letters issued.

Read-only and made from the findings, not a second judgement: ``met`` counts the findings met,
``short`` the shortfalls (未达要求, a designation missing, late, unanswered) not explained,
``explained`` the shortfalls of 一般应 with a recorded reason, ``unanswered`` the answers due and not
given (research feedback overdue), ``open`` what is not yet due; ``letters_issued`` the letters the
year's last export issued; ``obligations`` the same counts for each obligation the checker judged
(a rule of a provision): the row of the city's heat map for the district. What is served at ``GET
/api/v1/city`` (:mod:`liaison_web.api`) and shown on the city's page (:mod:`liaison_web.pages.city`),
both made by :func:`survey`.

A city of a hundred districts asks for a hundred years at once: :func:`survey` reads where every
district stands — its version, its year's revision, the state of its records — in one query, and
keeps each district's standing by what names its content (the version's digest, the revision, the
records' state, the day), so a district is checked again only after it changed (or the day did).
The standings are kept in the database too (:mod:`liaison_web.city_kept`): a process that has not
made one reads it from there when it was made from the same content by the same code, and makes it
(and keeps it) otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any, TypedDict

import attrs

from liaison.base.errors import LiaisonError
from liaison.law.district import District
from liaison.law.findings import SHORTFALLS, Finding, FindingStatus, Report, Severity
from liaison.law.rules import rule_label
from liaison.year.state import YearState
from liaison_web import city_kept
from liaison_web.memo import once

__all__ = ["CityDocument", "DistrictStanding", "Obligation", "district_standing", "forget", "standing", "survey",
           "warm"]


@attrs.frozen(kw_only=True)
class Obligation:
    """One obligation the checker judged in a district (a rule of a provision) and how its findings
    stand, counted as the district's are; the provision as cited and the rule as labelled in each
    language (made with the standing, from the district's text: a view only picks its language)."""

    provision: str
    rule: str
    provision_zh: str
    provision_en: str
    rule_zh: str
    rule_en: str
    met: int
    short: int
    explained: int
    unanswered: int
    open: int
    findings: int


@attrs.frozen(kw_only=True)
class DistrictStanding:
    """One district's year as of a day. ``revision`` None: the year has no plan in the service, and
    nothing is counted (the counts are None)."""

    district: str
    name: str
    name_en: str
    year: int
    as_of: dt.date
    revision: str | None
    met: int | None = None
    short: int | None = None
    explained: int | None = None
    unanswered: int | None = None
    open: int | None = None
    letters_issued: int | None = None
    obligations: tuple[Obligation, ...] = ()


@attrs.frozen(kw_only=True)
class CityDocument:
    """Every district of the deployment the caller may read, by id."""

    year: int
    districts: tuple[DistrictStanding, ...]


class _Counts(TypedDict):
    met: int
    short: int
    explained: int
    unanswered: int
    open: int


def _counts(findings: Iterable[Finding]) -> _Counts:
    """Met, short (not explained), explained, unanswered and not yet due: the one way findings are
    counted, for a district and for each of its obligations."""
    met = short = explained = unanswered = opened = 0
    for f in findings:
        met += f.status == FindingStatus.MET
        short += f.status in SHORTFALLS and f.severity != Severity.EXPLAINED
        explained += f.severity == Severity.EXPLAINED
        unanswered += f.status == FindingStatus.UNANSWERED
        opened += f.status == FindingStatus.OPEN
    return {"met": met, "short": short, "explained": explained, "unanswered": unanswered, "open": opened}


def _names(district: District, provision: str, rule: str, on: dt.date) -> dict[str, str]:
    """How the provision is cited and the rule labelled (the rule's version in force on ``on``, else
    any version of it: it may end before the day); an id the district does not know stands for itself."""
    try:
        known = district.provision(provision)
    except LiaisonError:
        return {"provision_zh": provision, "provision_en": provision, "rule_zh": rule, "rule_en": rule}
    found = next((r for r in known.rules if r.key == rule and r.validity.contains(on)),
                 next((r for r in known.rules if r.key == rule), None))
    rule_zh, rule_en = rule_label(found) if found is not None else (rule, rule)
    return {"provision_zh": known.cite_zh(), "provision_en": known.cite_en(), "rule_zh": rule_zh, "rule_en": rule_en}


def standing(district: District, year: int, as_of: dt.date, revision: str | None,
             report: Report | None = None, state: YearState | None = None) -> DistrictStanding:
    """The counts of ``report`` (the district's findings as of ``as_of``) and ``state``'s letters."""
    info = district.info
    head = DistrictStanding(district=info.id, name=info.name, name_en=info.name_en, year=year, as_of=as_of,
                            revision=revision)
    if report is None or state is None:
        return head
    by_rule: dict[tuple[str, str], list[Finding]] = {}
    for f in report.findings:
        by_rule.setdefault((f.provision, f.rule), []).append(f)
    obligations = tuple(Obligation(provision=provision, rule=rule, findings=len(found), **_counts(found),
                                   **_names(district, provision, rule, as_of))
                        for (provision, rule), found in by_rule.items())
    return attrs.evolve(head, **_counts(report.findings), obligations=obligations,
                        letters_issued=sum(letter.active for letter in state.letters))


#: How many districts' standings a process keeps (each a few hundred bytes): a city's districts for
#: a few days and years.
KEPT = 2048


@attrs.frozen
class _Where:
    """Where one district stands in the database, read for every district at once (:func:`_where`)."""

    code: str
    version: str  # the sha256 of its current version's text
    revision: str | None
    records: tuple[int, int]  # :func:`liaison_web.records.state_of`


def _where(year: int) -> list[_Where]:
    """Every district with a version, its latest version's digest, its ``year``'s revision and the
    state of that year's records: one query, however many districts (what
    :func:`liaison_web.bootstrap.district_year` and :func:`liaison_web.records.records_state` read
    for one)."""
    from django.db import connection

    from liaison_web import models

    owner, version, held, record = (models.District._meta.db_table, models.DistrictVersion._meta.db_table,
                                    models.Year._meta.db_table, models.Record._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT d.code, (SELECT v.sha256 FROM "{version}" v WHERE v.district_id = d.id '
            "ORDER BY v.valid_from DESC LIMIT 1), "
            f'(SELECT y.revision FROM "{held}" y WHERE y.district_id = d.id AND y.year = %s AND y.revision <> \'\'), '
            f'(SELECT MAX(r.id) FROM "{record}" r WHERE r.district_id = d.id AND r.year = %s), '
            f'(SELECT COUNT(r.id) FROM "{record}" r WHERE r.district_id = d.id AND r.year = %s) '
            f'FROM "{owner}" d WHERE EXISTS (SELECT 1 FROM "{version}" v WHERE v.district_id = d.id) ORDER BY d.code',
            [year, year, year])
        rows = cursor.fetchall()
    return [_Where(code, digest, revision or None, (int(last or 0), int(count or 0)))
            for code, digest, revision, last, count in rows]


#: Each version's time zone (by its digest: a version never changes), so a district whose standing
#: is kept needs no parse to know which day it is there.
_ZONES: dict[str, str] = {}


def _day(zone: str, year: int, as_of: dt.date | None) -> dt.date:
    """``as_of``, else today in the district's time zone, within ``year``."""
    from liaison_web.clock import today_in

    if as_of is not None:
        return as_of
    return min(max(today_in(zone), dt.date(year, 1, 1)), dt.date(year, 12, 31))


def _days(year: int, as_of: dt.date | None) -> set[dt.date]:
    """The days a district's standing can be as of: ``as_of``, else today somewhere on Earth (UTC-12
    to UTC+14) within ``year``: what the rows of the table are read for before any district's time
    zone is known."""
    if as_of is not None:
        return {as_of}
    utc = dt.datetime.now(dt.UTC).date()
    return {min(max(utc + dt.timedelta(days=k), dt.date(year, 1, 1)), dt.date(year, 12, 31)) for k in (-1, 0, 1)}


class _Table:
    """The table's rows for one survey (read at its first need, in one query) and the standings it
    made, kept together at its end (:func:`liaison_web.city_kept.write`: one transaction)."""

    def __init__(self, year: int, as_of: dt.date | None, code: str | None = None) -> None:
        self.year, self.as_of, self.code = year, as_of, code
        self.rows: dict[tuple[str, dt.date], city_kept.Kept] | None = None
        self.made: list[city_kept.Made] = []
        #: the versions the survey read for their time zone, by district: not read again to check it
        self.read: dict[str, tuple[District, str]] = {}

    def row(self, code: str, day: dt.date) -> city_kept.Kept | None:
        if self.rows is None:
            self.rows = city_kept.read(self.year, _days(self.year, self.as_of) | {day}, self.code)
        return self.rows.get((code, day))

    def zone(self, code: str, version: str) -> str | None:
        """The time zone of ``version`` as a row made from it says (None: no row of it)."""
        for day in sorted(_days(self.year, self.as_of)):
            found = self.row(code, day)
            if found is not None and found.version == version:
                return found.zone
        return None


#: The table of the survey under way in this thread (None: a district's standing asked for alone).
_TABLE: ContextVar[_Table | None] = ContextVar("liaison_web_city_table", default=None)


def _from_table(found: city_kept.Kept | None, code: str, version: str, year: int, revision: str | None,
                records: tuple[int, int], day: dt.date) -> DistrictStanding | None:
    """The row's standing when it was made from exactly this content by this code; else None."""
    from liaison.formats.convert import structure

    if (found is None or found.version != version or found.revision != revision or found.records != records
            or found.made_by != city_kept.made_by()):
        return None
    try:
        kept = structure(found.standing, DistrictStanding, file="<database>/city_standings")
    except LiaisonError:
        return None  # a shape no longer made: made again
    if (kept.district, kept.year, kept.as_of, kept.revision) != (code, year, day, revision):
        return None
    return kept


@once(KEPT)
def _standing(code: str, version: str, year: int, revision: str | None, records: tuple[int, int],
              day: dt.date) -> DistrictStanding | None:
    """One district's standing on one version, revision, state of its records and day: the table's
    when it holds it, else made (the findings and the state as the API's findings make them:
    :func:`liaison_web.api._findings`) and kept there."""
    from liaison.formats.writer import to_json
    from liaison_web import bootstrap
    from liaison_web.api import _findings, _loaded

    table = _TABLE.get() or _Table(year, day, code)
    kept = _from_table(table.row(code, day), code, version, year, revision, records, day)
    if kept is not None:
        return kept
    found = table.read.get(code) or bootstrap.district_version(code)
    if found is None:
        return None
    # two versions from the same day: the one bootstrap's query picks is the one the API reads
    district, version = found
    if revision is None:
        made = standing(district, year, day, None)
    else:
        report = _findings(code, version, year, revision, records, day)
        made = standing(district, year, day, revision, report, _loaded(code, version, year, revision)[1])
    keep = city_kept.Made(code=code, year=year, as_of=day, version=version, revision=revision, records=records,
                          zone=district.info.timezone, standing=json.loads(to_json(made)))
    if _TABLE.get() is table:
        table.made.append(keep)
    else:
        city_kept.write([keep])
    return made


def survey(year: int, as_of: dt.date | None = None) -> CityDocument:
    """Every district's standing in ``year`` as of ``as_of`` (default today in each district's time
    zone, within the year); a district without a plan for the year is listed without counts."""
    from liaison_web import bootstrap
    from liaison_web.batch import collector_paused
    from liaison_web.versions_kept import kept_together

    table = _Table(year, as_of)
    reset = _TABLE.set(table)
    shown = []
    try:
        # thousands of values made and kept a district (liaison_web.batch); the versions parsed, kept at once
        with collector_paused(), kept_together():
            for where in _where(year):
                zone = _ZONES.get(where.version) or table.zone(where.code, where.version)
                if zone is None:
                    found = bootstrap.district_version(where.code)
                    if found is None:
                        continue
                    table.read[where.code] = found
                    zone = found[0].info.timezone
                _ZONES[where.version] = zone
                made = _standing(where.code, where.version, year, where.revision, where.records,
                                 _day(zone, year, as_of))
                if made is not None:
                    shown.append(made)
    finally:
        _TABLE.reset(reset)
    city_kept.write(table.made)
    return CityDocument(year=year, districts=tuple(shown))


def forget() -> None:
    """Every cache of this process between the database and the city's answer emptied — the parsed
    versions and states, the findings, the standings kept in memory —, as a restart would: what a
    fresh process finds (the benchmark's and the tests' cold and fresh views)."""
    from liaison_web import api, bootstrap, records, store

    _standing.cache_clear()  # type: ignore[attr-defined]
    _ZONES.clear()
    made: Any
    for made in (api._loaded, api._report, api._findings, api._rendered):
        made.cache_clear()
    store._PARSED.clear()
    bootstrap._parsed.cache_clear()
    records._year_records.cache_clear()


def district_standing(code: str, year: int, as_of: dt.date | None = None) -> tuple[DistrictStanding, Report | None]:
    """One district's standing (as :func:`survey` lists it) and the findings it counts (None: the
    year has no plan); a district with no version: :class:`~liaison_web.errors.NotFound`."""
    from liaison_web import bootstrap
    from liaison_web.api import _findings
    from liaison_web.errors import no_district
    from liaison_web.records import records_state

    held = bootstrap.district_year(code, year)
    if held is None:
        raise no_district(code)
    district, version, revision = held
    records = records_state(district, year)
    made = _standing(code, version, year, revision, records, _day(district.info.timezone, year, as_of))
    assert made is not None  # the version was just read
    if revision is None:
        return made, None
    return made, _findings(code, version, year, revision, records, made.as_of)


def warm(year: int | None = None) -> threading.Thread | None:
    """Survey ``year`` (default this one) in a thread of its own, when the deployment has a city
    auditor: what ``liaison serve`` starts as it starts listening, so the city's first view finds
    every district's standing kept instead of checking them all (a hundred districts: seconds; see
    docs/service.md), and the URL conf loaded. The thread; None when no one reads the city."""
    from django.db import connection
    from django.utils import timezone

    from liaison_web import models

    if not models.Membership.objects.filter(role="city_auditor").exists():
        return None

    def survey_now() -> None:
        try:
            # the URL conf too: a process's first request would otherwise import it, the API's models
            # with it (about a second on this machine, longer than reading a city's standings)
            from django.urls import get_resolver

            get_resolver().url_patterns  # noqa: B018
            survey(year or timezone.localdate().year)
        except Exception:  # the first view makes what failed here again, and says why in its page
            logging.getLogger("liaison_web.city").warning("the city's standings were not made ahead", exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=survey_now, name="liaison-city-warm", daemon=True)
    thread.start()
    return thread
