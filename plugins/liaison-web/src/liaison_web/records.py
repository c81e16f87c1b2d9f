"""The year's records in the database: every section of the library's records
(:class:`liaison.law.records.Records` — visits and meetings held, documents copied, consultations,
research submitted and its feedback, designations, nominations, special appointments …) kept as
versions of records (:class:`liaison_web.models.Record`).

A record is a fact: it is never changed or removed. A correction adds the next version, which
supersedes the one before (kept, with who made it and when); a withdrawal adds a last version marked
``withdrawn``, after which the record no longer counts. The year's records — what the findings and
the due list read — are the latest version of each record not withdrawn (:func:`year_records`).

Each kind says which body the record is about (:data:`KINDS`): the **responsible** body — the one
that owed it (the host of a visit, the issuer of a document, the department owing feedback on
research) — and the **parties** — the bodies it involved (those who attended, were copied, submitted
the research). The access table (:mod:`liaison_web.access`) decides on these as on an engagement's
host and participants.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import secrets
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from liaison.base.errors import DataError, LiaisonError
from liaison.formats.convert import structure
from liaison.formats.records import resolve_organisations
from liaison.formats.writer import to_json
from liaison.law.acknowledgements import Acknowledgement
from liaison.law.district import District
from liaison.law.records import (
    SECTIONS,
    Activity,
    Briefing,
    ConsultationRecord,
    DesignationRecord,
    DocumentRecord,
    HeldEngagement,
    JointResearch,
    Nomination,
    Records,
    ResearchResult,
    SpecialAppointment,
    TownActivity,
)
from liaison_web import models

__all__ = ["ACKNOWLEDGEMENTS", "KINDS", "STORED", "Kind", "RecordView", "current", "history", "identical", "new_key",
           "parse",
           "records_as_of", "structure_row", "versions", "view", "writers", "year_acknowledgements", "year_records"]


def _sender(c: ConsultationRecord, district: District) -> str:
    if c.sender is not None:
        return c.sender
    try:
        return district.general_office().id
    except LiaisonError:
        return ""


@attrs.frozen
class Kind:
    """A section of the records: its type, the day it is dated by (its year must be the year's), the
    body responsible and the parties, and its names."""

    section: str
    type: type
    day: Callable[[Any], dt.date | None]
    responsible: Callable[[Any, District], str]
    parties: Callable[[Any], tuple[str, ...]]
    label_zh: str
    label_en: str
    #: A body of the district may be responsible for one (False: the district's own, as a town's
    #: activity: only a district-wide role records it).
    by_a_body: bool = True


def _unique(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x for group in groups for x in group if x))


#: Every section of the library's records, in its order (:data:`liaison.law.records.SECTIONS`).
KINDS: Mapping[str, Kind] = {k.section: k for k in (
    Kind("engagements", HeldEngagement, lambda r: r.date, lambda r, d: r.host,
         lambda r: _unique(r.attended, r.invited), "会议走访", "meetings and visits held"),
    Kind("documents", DocumentRecord, lambda r: r.date, lambda r, d: r.issuer, lambda r: _unique(r.copied_to),
         "文件抄送", "documents copied"),
    Kind("consultations", ConsultationRecord, lambda r: r.sent, _sender,
         lambda r: _unique(r.sent_to, (x.organisation for x in r.replies)), "征求意见", "consultations"),
    Kind("research_results", ResearchResult, lambda r: r.received, lambda r, d: r.department,
         lambda r: _unique((r.submitted_by,)), "调研成果及反馈", "research submitted and its feedback"),
    Kind("designations", DesignationRecord, lambda r: r.date, lambda r, d: r.organisation, lambda r: (),
         "责任制", "designations"),
    Kind("nominations", Nomination, lambda r: r.date, lambda r, d: r.department, lambda r: (),
         "后备干部", "nominations"),
    Kind("town_activities", TownActivity, lambda r: r.date, lambda r, d: "",
         lambda r: _unique(r.with_organisations), "镇街活动", "town activities", by_a_body=False),
    Kind("joint_research", JointResearch, lambda r: r.date, lambda r, d: r.department,
         lambda r: _unique(r.with_organisations), "联合调研", "joint research"),
    Kind("briefings", Briefing, lambda r: r.date, lambda r, d: r.department,
         lambda r: _unique(r.with_organisations), "通报政情", "briefings"),
    Kind("special_appointments", SpecialAppointment, lambda r: r.date, lambda r, d: r.department, lambda r: (),
         "特约人员", "special appointments"),
    Kind("activities", Activity, lambda r: r.date, lambda r, d: r.by, lambda r: _unique(r.with_organisations),
         "其他联系工作", "other liaison work"),
)}
assert tuple(KINDS) == SECTIONS, "a section of the library's records without its kind here"
assert all(typing.get_args(typing.get_type_hints(Records)[s])[0] is KINDS[s].type for s in SECTIONS)

#: A counterpart's acknowledgements (:mod:`liaison_web.api_acknowledge`), kept as records are — versions,
#: append-only, audited — but no section of the library's records: they count towards no finding and
#: have their own address (``…/acknowledgements``). The body acknowledging is responsible for it.
ACKNOWLEDGEMENTS = Kind("acknowledgements", Acknowledgement, lambda r: r.date, lambda r, d: r.organisation,
                        lambda r: (), "回执与签收", "acknowledgements")
#: Every kind a version of the records' table holds.
STORED: Mapping[str, Kind] = {**KINDS, ACKNOWLEDGEMENTS.section: ACKNOWLEDGEMENTS}


def writers(kind: Kind, record: Any, district: District) -> tuple[str, ...]:
    """The bodies that may write (create, correct, withdraw) ``record``: the one responsible for it —
    a party to a record must not write the fact that discharges another body's duty (a department's
    meeting held, its feedback). The one exception is research not yet answered: it is the
    submitting branch's own submission as much as the department's receipt of it; once it carries
    feedback it is the department's alone."""
    responsible = kind.responsible(record, district)
    if isinstance(record, ResearchResult) and record.feedback is None and not record.feedback_summary:
        return _unique((responsible, record.submitted_by))
    return (responsible,)


#: The sections whose records carry an id of their own, unique in the year (the library checks it).
WITH_ID = ("engagements", "documents", "consultations", "research_results")


#: What :func:`new_key` makes: 16 lower-case hex digits.
KEY_PATTERN = r"^[0-9a-f]{16}$"


def new_key() -> str:
    """A record's or an evidence file's key: random, so it says nothing of how many there are."""
    return secrets.token_hex(8)


def parse(kind: Kind, body: Any, district: District, year: int) -> Any:
    """The request's record as the library's type: structured by the one converter, its organisations
    resolved (a name or an alias becomes the id), checked as every reader's records are
    (:meth:`Records.checked`), dated in ``year``. A problem is a :class:`DataError` at its path."""
    record: Any = structure(body, kind.type, file="record", fix="correct the value (see docs/records-format.md)")
    one = Records(district_id=district.info.id, **{kind.section: (record,)})
    record = getattr(resolve_organisations(one, district, "record").checked(district, file="record"),
                     kind.section)[0]
    day = kind.day(record)
    if day is not None and day.year != year:
        raise DataError(f"the record is dated {day}, not in {year}", file="record",
                        fix=f"record it in the year {day.year}, or correct the date",
                        message_zh=f"该记录的日期为 {day}，不在{year}年内",
                        fix_zh=f"请记入{day.year}年，或改正日期")
    return record


def canonical(record: Any) -> Any:
    """The record as the library writes it (plain JSON values)."""
    return json.loads(to_json(record))


@attrs.frozen
class RecordView:
    """A record as the API answers it: its key, its kind, its latest version, whether it is withdrawn,
    the bodies it is about and the record in the library's shape."""

    row: models.Record

    @property
    def etag(self) -> str:
        return f"{self.row.key}.{self.row.version}"

    def document(self, versions: Iterable[models.Record] = ()) -> dict[str, Any]:
        row = self.row
        shown = {"key": row.key, "kind": row.kind, "year": row.year, "version": row.version,
                 "status": "withdrawn" if row.action == "withdrawn" else "current",
                 "responsible": row.responsible, "parties": list(row.parties), "record": row.data,
                 "recorded_at": row.at.isoformat(), "recorded_by": row.actor}
        earlier = [{"version": v.version, "action": v.action, "record": v.data, "reason": v.reason,
                    "at": v.at.isoformat(), "by": v.actor} for v in versions]
        return {**shown, "versions": earlier}


def view(row: models.Record) -> RecordView:
    return RecordView(row)


def versions(district: str, year: int, *, upto: int | None = None,
             kinds: Iterable[str] = SECTIONS) -> dict[str, list[models.Record]]:
    """Every version of every record of the year (those up to the row ``upto``) of ``kinds`` (the
    library's sections; not the acknowledgements), by key (in the order the records were first
    recorded), each record's versions the first first: one query."""
    found: dict[str, list[models.Record]] = {}
    query = models.Record.objects.filter(district__code=district, year=year, kind__in=tuple(kinds))
    for row in (query if upto is None else query.filter(id__lte=upto)).select_related("district").order_by("id"):
        found.setdefault(row.key, []).append(row)
    for rows in found.values():
        rows.sort(key=lambda r: r.version)
    return found


def current(district: str, year: int, *, withdrawn: bool = False, upto: int | None = None,
            kinds: Iterable[str] = SECTIONS) -> list[models.Record]:
    """The latest version of every record of the year of ``kinds`` (also the withdrawn ones with
    ``withdrawn``), in the order they were first recorded (as of the row ``upto``)."""
    latest = [rows[-1] for rows in versions(district, year, upto=upto, kinds=kinds).values()]
    return [r for r in latest if withdrawn or r.action != "withdrawn"]


def history(key: str) -> list[models.Record]:
    """Every version of one record, the first first."""
    return list(models.Record.objects.filter(key=key).order_by("version"))


def structure_row(row: models.Record) -> Any:
    """The record a version holds, as the library's type."""
    return structure(row.data, STORED[row.kind].type, file=f"records/{row.key}")


def state_of(model: type[models.Record] | type[models.Evidence], district: str, year: int) -> tuple[int, int]:
    """The newest row of the year's records (or evidence) and how many there are, in one small
    query: the rows are only ever added, so the pair names the set as it is — every later set holds
    more rows — and a cache keyed on it is never stale. (The newest alone would not do on
    PostgreSQL, where a row with a lower id may be committed after one with a higher.)"""
    from django.db import connections

    # the statement written out: the ORM's aggregate spent more time composing it (~0.4 ms) than the
    # database answering it, on every due list and findings read (benchmarks/bench_api.py)
    rows, owner = model._meta, models.District._meta
    with connections["default"].cursor() as cursor:
        cursor.execute(f'SELECT MAX(r.id), COUNT(r.id) FROM "{rows.db_table}" r JOIN "{owner.db_table}" d '
                       "ON d.id = r.district_id WHERE d.code = %s AND r.year = %s", [district, year])
        last, count = cursor.fetchone() or (None, None)
    return int(last or 0), int(count or 0)


def _state(rows: Any) -> tuple[int, int]:
    from django.db.models import Count, Max

    found = rows.aggregate(last=Max("id"), rows=Count("id"))
    return int(found["last"] or 0), int(found["rows"] or 0)


def evidence_state(district: str, year: int) -> tuple[int, int, int, int]:
    """The state of the year's evidence files and of their withdrawals (:func:`state_of`, both only
    ever added to): what a cache of answers showing the files is keyed on."""
    withdrawals = models.EvidenceWithdrawal.objects.filter(evidence__district__code=district, evidence__year=year)
    return (*state_of(models.Evidence, district, year), *_state(withdrawals))


def records_state(district: District, year: int) -> tuple[int, int]:
    """The state of the year's records (:func:`state_of`): what a cache of answers counting them is
    keyed on beside the year's revision."""
    return state_of(models.Record, district.info.id, year)


def year_records(district: District, year: int) -> Records:
    """What the year's records are for the findings and the due list: the latest version of each
    record, the withdrawn left out. A held engagement without an id is cited by where it is kept
    (``records/<key>``), as a ledger row is cited by its cell. Read and parsed once per state of
    the year's records (:func:`state_of`)."""
    return records_as_of(district, year, state_of(models.Record, district.info.id, year))


def records_as_of(district: District, year: int, state: tuple[int, int]) -> Records:
    """:func:`year_records` as of one state of them (:func:`state_of`), read before: what a cache
    keyed on that state must be made of, whatever was added since."""
    return _year_records(district.info.id, year, state)


@functools.lru_cache(maxsize=32)
def _year_records(code: str, year: int, state: tuple[int, int]) -> Records:
    last, count = state
    sections: dict[str, list[Any]] = {s: [] for s in SECTIONS}
    # no row: nothing to ask the database again for (most years of a city, each on its first read)
    for row in current(code, year, upto=last) if count else ():  # what was added since is the next reader's
        record: Any = structure_row(row)
        if isinstance(record, HeldEngagement) and not record.id and not record.source:
            record = attrs.evolve(record, source=f"records/{row.key}")
        sections[row.kind].append(record)
    return Records(district_id=code, **{s: tuple(found) for s, found in sections.items()})


def year_acknowledgements(district: District, year: int) -> tuple[Acknowledgement, ...]:
    """The year's acknowledgements (the latest version of each, the withdrawn left out), read once per
    state of the year's records as :func:`year_records` is."""
    return _year_acknowledgements(district.info.id, year, state_of(models.Record, district.info.id, year))


@functools.lru_cache(maxsize=32)
def _year_acknowledgements(code: str, year: int, state: tuple[int, int]) -> tuple[Acknowledgement, ...]:
    last, count = state
    rows = current(code, year, upto=last, kinds=(ACKNOWLEDGEMENTS.section,)) if count else ()
    return tuple(structure_row(row) for row in rows)


def identical(kind: Kind, record: Any, district: str, year: int, responsible: str) -> models.Record | None:
    """A current record of the year of ``kind`` that is ``record`` exactly (as the library writes it):
    the same fact sent again — an OA system's retry without an ``Idempotency-Key`` — which would count
    twice. Looked for among the records whose some version is of the same ``responsible`` body (the
    record's own, :attr:`Kind.responsible`): not the whole year's."""
    data = canonical(record)
    keys = models.Record.objects.filter(district__code=district, year=year, kind=kind.section,
                                        responsible=responsible).values("key")
    rows = models.Record.objects.filter(key__in=keys).order_by("key", "-version")
    latest: dict[str, models.Record] = {}
    for row in rows.only("key", "version", "action", "data"):
        latest.setdefault(row.key, row)
    return next((row for row in latest.values() if row.action != "withdrawn" and row.data == data), None)


def duplicate(kind: Kind, record: Any, district: str, year: int, key: str | None) -> models.Record | None:
    """Another current record of the year with the same id (a section whose records have ids)."""
    if kind.section not in WITH_ID or not getattr(record, "id", ""):
        return None
    alike = {r.key for r in models.Record.objects.filter(district__code=district, year=year, kind=kind.section,
                                                         data__id=record.id).exclude(key=key or "")}
    for other in sorted(alike):  # the same id in some version: a duplicate if it is the record's latest, counting
        latest: models.Record | None = models.Record.objects.filter(key=other).order_by("-version").first()
        if latest is not None and latest.action != "withdrawn" and latest.data.get("id") == record.id:
            return latest
    return None
