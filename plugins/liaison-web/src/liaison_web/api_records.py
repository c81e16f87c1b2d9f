"""The API's records, evidence files, findings and report (registered on :data:`liaison_web.api.api`).

Under ``/api/v1/districts/{district}/years/{year}``:

- ``GET records`` — the year's records (latest versions; ``kind``, ``organisation`` filter them,
  ``withdrawn=true`` shows the withdrawn too), those the caller may read;
- ``POST records/{kind}`` — record a fact, the body the library's record of that kind (201);
- ``GET records/{kind}/{key}`` — one record with every earlier version and its evidence; ``ETag``;
- ``POST records/{kind}/{key}/correction`` — a new version superseding the current (``If-Match``);
- ``POST records/{kind}/{key}/withdrawal`` — the record no longer counts (``If-Match``, a reason);
- ``GET records/{kind}/{key}/audit`` — its audit log;
- ``POST evidence`` — a file (multipart: ``file`` and ``record`` or ``engagement``), 201; 413 too
  large, 415 not a type kept; ``GET evidence?record=…|engagement=…`` — the files of one object;
- ``GET findings`` (``organisation``, ``as_of``) and ``GET report`` (``as_of``) — ``liaison check``'s
  findings and report on the year's records and the plan's held engagements.

``GET /api/v1/districts/{district}/evidence/{key}`` downloads a file (``Content-Disposition`` with
the name as uploaded, RFC 5987 for names beyond ASCII).

Every change is checked against :mod:`liaison_web.access` on the record's responsible body and
parties (before and after a correction) and written to the audit log in the same transaction.
"""

import datetime as dt
import functools
import json
import logging
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union

from django.db import IntegrityError, transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import File, Form
from ninja.files import UploadedFile
from pydantic import BaseModel, ConfigDict, Field, create_model

from liaison.base.errors import DataError
from liaison.formats.documents import FindingDocument, ReportDocument, document, report_document
from liaison.law.findings import Finding
from liaison_web import access, evidence, models, paging, schemas
from liaison_web import records as kept
from liaison_web.api import (
    ERRORS,
    IF_MATCH,
    EntryModel,
    Error,
    _authorise,
    _district,
    _entry,
    _if_match,
    _matches,
    _may,
    _members,
    _not_modified,
    _one,
    _revision,
    actor_of,
    api,
)
from liaison_web.callers import remote_address
from liaison_web.clock import district_today as _today
from liaison_web.due import announce, due_of, watched
from liaison_web.errors import AlreadyRecorded, NotFound, StaleRecord, Withdrawn, error_response, json_response
from liaison_web.etags import matches
from liaison_web.store import DatabaseStore

__all__ = [
    "RecordModels",
    "attach_kept",
    "authorise_record_kind",
    "change_record",
    "concerns",
    "create_record",
    "keep_file",
    "may_record",
    "may_record_kind",
    "recordable_kinds",
]

_YEAR = "/districts/{district}/years/{year}"
KindName = Literal[tuple(kept.KINDS)]  # type: ignore[valid-type]
#: A record's or an evidence file's key (:func:`liaison_web.records.new_key`).
Key = Annotated[str, Field(pattern=kept.KEY_PATTERN, description="the key the service gave it")]
#: A change of a record names the record's version it was made on (428 without, 412 another).
RECORD_IF_MATCH: dict[str, Any] = {"parameters": [{
    **IF_MATCH["parameters"][0],
    "description": "the record's ETag (\"<key>.<version>\", from reading it) the change was made on"}]}


def _stale(key: str, current: str, given: str) -> StaleRecord:
    return StaleRecord(f"the record {key} has changed: it is at {current}, the change was made on {given}",
                       fix="read the record again (GET), look at what changed and send its ETag as If-Match",
                       message_zh=f"记录 {key} 已有新版本：当前为 {current}，本次修改依据的是 {given}",
                       fix_zh="请重新读取该记录（GET），查看变化后以其 ETag 作为 If-Match 重新提交")


Status = Literal["current", "withdrawn"]


# -- the models: generated from the library's record types, one per kind --------------------------------
class _Version(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    action: Literal["created", "corrected", "withdrawn"]
    record: dict[str, Any]
    reason: str
    at: dt.datetime
    by: str


class EvidenceWithdrawalModel(BaseModel):
    """Why, when and by whom an evidence file was withdrawn (it stays, downloadable, marked so)."""

    model_config = ConfigDict(extra="forbid")
    reason: str
    at: dt.datetime
    by: str


class EvidenceModel(BaseModel):
    """An evidence file: its key (the download's address), what it is attached to, the name it was
    uploaded with (cleaned, for showing), its type as its content shows it, size and sha256."""

    model_config = ConfigDict(extra="forbid")
    key: str
    object_type: Literal["record", "engagement"]
    object_id: str
    name: str
    type: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    uploaded_by: str
    download: str
    status: Status
    withdrawal: EvidenceWithdrawalModel | None




def _record_model(kind: kept.Kind) -> type[BaseModel]:
    record = schemas.model_of(kind.type)
    return create_model(
        f"Record_{kind.section}", __config__=ConfigDict(extra="forbid"),
        __doc__=f"A record of {kind.label_en} ({kind.label_zh}): the latest version of it, the earlier ones and "
                "its evidence files.",
        key=(str, ...), kind=(Literal[kind.section], ...), year=(int, ...),  # type: ignore[arg-type]
        version=(int, ...), status=(Status, ...), responsible=(str, ...), parties=(list[str], ...),
        record=(record, ...), recorded_at=(dt.datetime, ...), recorded_by=(str, ...),
        versions=(list[_Version], ...), evidence=(list[EvidenceModel], ...))


#: The answer's model of each kind of record (its ``record`` the library's type's generated model).
RecordModels: dict[str, type[BaseModel]] = {k: _record_model(kind) for k, kind in kept.KINDS.items()}
AnyRecord = Union[tuple(RecordModels.values())]  # type: ignore[valid-type]  # noqa: UP007
FindingModel = schemas.model_of(FindingDocument, name="Finding")
ReportModel = schemas.model_of(ReportDocument, name="Report")


# -- reading ------------------------------------------------------------------------------------------
def _year_of(request: HttpRequest, district: str, year: int, operation: str = "read") -> tuple[Any, str]:
    """The district as :func:`liaison_web.api._district` finds it for the caller, and the year one
    the library plans and checks (another is 422, as the plan's)."""
    from liaison.year.planner import check_year

    found = _district(request, district, operation)
    check_year(year)
    return found


def _as_object(row: models.Record) -> dict[str, Any]:
    """What the access table decides on: the responsible body as the host, the parties as participants."""
    return {"id": row.key, "host": row.responsible, "participants": list(row.parties)}


def _evidence_rows(district: str) -> Any:
    """The district's evidence rows, each with its withdrawal (if any) in the same query."""
    return models.Evidence.objects.filter(district__code=district).select_related("withdrawal")


def _evidence_of(object_type: str, object_id: str, district: str) -> list[dict[str, Any]]:
    return [_evidence_document(e, district) for e in
            _evidence_rows(district).filter(object_type=object_type, object_id=object_id)]


def _evidence_document(row: models.Evidence, district: str) -> dict[str, Any]:
    # a file not withdrawn has no withdrawal row: Django's "no related object" is an AttributeError too
    withdrawn: models.EvidenceWithdrawal | None = getattr(row, "withdrawal", None)
    return {"key": row.key, "object_type": row.object_type, "object_id": row.object_id, "name": row.name,
            "type": row.file_type, "media_type": evidence.TYPES[row.file_type].media_type, "size": row.size,
            "sha256": row.sha256, "uploaded_at": row.at.isoformat(), "uploaded_by": row.actor,
            "download": f"/api/v1/districts/{district}/evidence/{row.key}",
            "status": "current" if withdrawn is None else "withdrawn",
            "withdrawal": None if withdrawn is None else {"reason": withdrawn.reason, "at": withdrawn.at.isoformat(),
                                                          "by": withdrawn.actor}}


def _record_document(row: models.Record, *, versions: bool = True, earlier: list[models.Record] | None = None,
                     files: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The record as the API answers it: with its earlier versions (``versions``; given as ``earlier``
    when the caller has them) and its evidence (given as ``files``, or read)."""
    if earlier is None:
        earlier = [v for v in kept.history(row.key) if v.version < row.version] if versions else []
    if files is None:
        files = _evidence_of("record", row.key, row.district.code)
    return {**kept.view(row).document(earlier), "evidence": files}


def _no_record(kind: str, key: str) -> NotFound:
    return NotFound(f"there is no record {kind}/{key} in this year", path=("records",),
                    fix="take a key from the year's records (GET …/records)",
                    message_zh=f"该年度没有记录 {kind}/{key}", fix_zh="请从该年度的记录列表（GET …/records）中选取")


def _latest(district: str, year: int, kind: str, key: str) -> models.Record:
    rows = list(models.Record.objects.filter(key=key, kind=kind, district__code=district, year=year)
                .select_related("district").order_by("-version")[:1])
    if not rows:
        raise _no_record(kind, key)
    found: models.Record = rows[0]
    return found


def _etagged(body: Any, etag: str, status: int = 200) -> HttpResponse:
    return json_response(body, status=status, etag=etag)


@api.get(f"{_YEAR}/records", response={200: list[AnyRecord], **ERRORS},  # type: ignore[valid-type]
         tags=["records"])
def list_records(request: HttpRequest, district: str, year: schemas.YEAR,
                 kind: KindName | None = None,  # type: ignore[valid-type]
                 organisation: str | None = None, withdrawn: bool = False,
                 since_id: paging.SinceId | None = None, limit: paging.Limit | None = None) -> HttpResponse:
    """The year's records (the latest version of each), those the caller may read: ``kind`` one
    section of the records, ``organisation`` the records it is responsible for or a party to,
    ``withdrawn`` also those withdrawn. ``since_id`` / ``limit``: the records whose latest version's
    ``id`` is after ``since_id`` (changed since), in that order, at most ``limit``; the ``Link``
    header names the next page, or after the last one where to ask for what changes next."""
    found, _ = _year_of(request, district, year)
    org = found.organisation(organisation).id if organisation else None
    shown = []
    every = _year_documents(district, year, kept.state_of(models.Record, district, year),
                            kept.evidence_state(district, year))
    for row, shape in every:
        if (row.action == "withdrawn" and not withdrawn) or (kind is not None and row.kind != kind):
            continue
        if org is not None and org != row.responsible and org not in row.parties:
            continue
        if _may(request, "read", district, _as_object(row)) == access.Decision.ALLOWED:
            shown.append((int(row.pk), shape))
    if since_id is None and limit is None:
        return json_response([shape for _, shape in shown])
    page, after = paging.paged(sorted(shown, key=lambda s: s[0]), lambda s: s[0], since_id, limit)
    # a record's document carries no row id: the Link names where to ask next even after the last page
    # (what changes after it), so a client polling keeps that address
    return paging.link(json_response([shape for _, shape in page]), request,
                       after if after is not None else (page[-1][0] if page else since_id))


@functools.lru_cache(maxsize=16)
def _year_documents(district: str, year: int, records: tuple[int, int],
                    attached: tuple[int, ...]) -> tuple[tuple[models.Record, dict[str, Any]], ...]:
    """Every record of the year as the API answers it, for one state of the year's records and of
    its evidence and their withdrawals (:func:`liaison_web.records.evidence_state`), in three queries,
    once. Callers do not change them."""
    last, last_file = records[0], attached[0]
    files: dict[str, list[dict[str, Any]]] = {}
    for row in _evidence_rows(district).filter(year=year, object_type="record",
                                              id__lte=last_file):
        files.setdefault(row.object_id, []).append(_evidence_document(row, district))
    return tuple((rows[-1], _record_document(rows[-1], earlier=rows[:-1], files=files.get(rows[-1].key, [])))
                 for rows in kept.versions(district, year, upto=last).values())


@api.get(f"{_YEAR}/records/{{kind}}/{{key}}",
         response={200: AnyRecord, 304: None, **ERRORS}, tags=["records"])
def read_record(request: HttpRequest, district: str, year: schemas.YEAR, kind: KindName,  # type: ignore[valid-type]
                key: Key) -> HttpResponse:
    """One record: its latest version, every earlier one (a correction supersedes, nothing is
    erased) and its evidence files. ``ETag``: the version, which a correction names in ``If-Match``."""
    _year_of(request, district, year)
    row = _latest(district, year, kind, key)
    _authorise(request, "read", district, _as_object(row))
    etag = kept.view(row).etag
    if _matches(request, etag):  # If-None-Match: the version the caller has
        return _not_modified(etag)
    return _etagged(_record_document(row), etag)


@api.get(f"{_YEAR}/records/{{kind}}/{{key}}/audit",
         response={200: list[EntryModel], **ERRORS}, tags=["audit"])
def record_audit(request: HttpRequest, district: str, year: schemas.YEAR, kind: KindName,  # type: ignore[valid-type]
                 key: Key) -> HttpResponse:
    """The audit log of one record (its versions and its evidence files), oldest first."""
    _year_of(request, district, year, "audit")
    row = _latest(district, year, kind, key)
    _authorise(request, "audit", district, _as_object(row))
    rows = models.AuditEntry.objects.filter(district__code=district, object_type="record", object_id=key)
    return json_response([_entry(r, district) for r in rows])


# -- changing -----------------------------------------------------------------------------------------
def _save(request: HttpRequest, district: str, year: int, kind: kept.Kind, key: str, version: int, action: str,
          record: Any, reason: str, before: models.Record | None) -> models.Record:
    """Add one version and its audit entry in one transaction: both or neither. Two writers adding the
    same version: the database keeps the first, the second is told the record has changed (412)."""
    from liaison_web.audit import record as audit

    found, _ = _district(request, district, "record")
    data = kept.canonical(record)
    responsible = kind.responsible(record, found)
    # the to-do lists a webhook listens to of the bodies the record is about (and was, corrected):
    # before the record, what is compared with where no list of theirs was told yet (liaison_web.due)
    listening = set(watched(found))
    concerned = [responsible, *kind.parties(record)]
    if before is not None:
        concerned += [before.responsible, *before.parties]
    bodies = [b for b in dict.fromkeys(concerned) if b in listening]
    loaded = DatabaseStore().load(found, year) if bodies else None
    today = _today(found)
    due_before = ({b: due_of(found, loaded.state, b, today, revision=loaded.revision)["items"] for b in bodies}
                  if loaded is not None else None)
    try:
        with transaction.atomic():
            row = models.Record.objects.create(
                district=models.District.objects.get(code=district), year=year, key=key, version=version,
                kind=kind.section, action=action, data=data, responsible=responsible,
                parties=list(kind.parties(record)), reason=reason, actor=actor_of(request))
            after = _record_document(row, versions=False)
            audit(action, "record", key, user=request.user, actor=actor_of(request), district=district,
                  remote_address=remote_address(request),
                  before=_record_document(before, versions=False) if before is not None else None,
                  after={**after, "reason": reason} if reason else after)
            if loaded is not None:  # the outbox: committed with the record and its entry, or none is
                announce(found, loaded.state, bodies, today, revision=loaded.revision, before=due_before,
                         record=after)
    except IntegrityError:
        latest = _latest(district, year, kind.section, key)
        raise _stale(key, kept.view(latest).etag, f"{key}.{version - 1}") from None
    saved: models.Record = row
    return saved


def _check_new(request: HttpRequest, district: str, year: int, kind: kept.Kind, body: Any,
               key: str | None, *, force: bool = False) -> Any:
    """The body as the library's record, checked, and the caller allowed to record it; a fact dated
    after today in the district refused unless ``force`` (:func:`not_yet`)."""
    found, _ = _year_of(request, district, year, "record")
    record = kept.parse(kind, body, found, year)
    twin = kept.duplicate(kind, record, district, year, key)
    if twin is not None:
        raise DataError(f"the year has a record with the id {record.id!r} already ({kind.section}/{twin.key})",
                        file="record", path=("id",), fix="give this record its own id, or correct that one",
                        message_zh=f"该年度已有编号为“{record.id}”的记录（{kind.section}/{twin.key}）",
                        fix_zh="请为本记录另取编号，或更正已有的那条记录")
    _authorise_record(request, district, getattr(record, "id", "") or kind.section, kept.writers(kind, record, found))
    if not force:  # after the caller is allowed to record it: another body's record is 403 whatever its day
        not_yet(kind, record, fact_day(found))
        same = kept.identical(kind, record, district, year, kind.responsible(record, found)) if key is None else None
        if same is not None:
            raise already_recorded(district, year, kind, same.key)
    return record


def already_recorded(district: str, year: int, kind: kept.Kind, key: str) -> AlreadyRecorded:
    """The refusal of a record the year holds already, exactly (409, its ``Location``)."""
    where = f"/api/v1/districts/{district}/years/{year}/records/{kind.section}/{key}"
    made = AlreadyRecorded(f"the year has this record already, exactly ({kind.section}/{key}); nothing was recorded",
                           file="record", fix='if it is another of the same, send it with "force": true; to retry '
                                              "a request safely, send an Idempotency-Key",
                           message_zh=f"该年度已有完全相同的记录（{kind.section}/{key}）；未作任何记录",
                           fix_zh='如确为另一项相同的记录，请发送 "force": true；重试请求时请发送 Idempotency-Key')
    made.where = where
    return made


def fact_day(found: Any) -> dt.date:
    """The last day a fact can have happened on: today in the district's time zone."""
    return _today(found)


def not_yet(kind: kept.Kind, record: Any, today: dt.date) -> None:
    """Refuse a fact that cannot have happened yet — a record whose day, a reply's or the feedback's
    is after ``today`` (the district's), as the library reads what had happened by a day
    (:meth:`liaison.law.records.Records.until`) — as the plan's ``held`` refuses a meeting whose day
    has not come (:class:`~liaison.year.engagements.NotYetHeld`, 409), unless asked for with ``force``.
    An acknowledgement (no section of the records) by its own day."""
    from liaison.law.records import Records
    from liaison.year.engagements import NotYetHeld

    if kind.section in kept.KINDS:
        one = Records(district_id="", **{kind.section: (record,)})
        days = sorted({d for d in _days(record) if d > today and one.until(d) != one.until(d - dt.timedelta(days=1))})
    else:
        days = [d for d in (kind.day(record),) if d is not None and d > today]
    if days:
        shown = ", ".join(d.isoformat() for d in days)
        raise NotYetHeld(f"the record is dated {shown}, after today ({today.isoformat()} in the district): it cannot "
                         "have happened yet; nothing was recorded",
                         file="record", fix='correct the date; to record it in advance anyway, send "force": true',
                         message_zh=f"该记录的日期为 {shown}，晚于今天（本区 {today.isoformat()}），"
                                    "尚不可能已发生；未作任何记录",
                         fix_zh='请改正日期；如确需提前记录，请发送 "force": true')


def _days(value: Any) -> list[dt.date]:
    """Every day a record holds (its fields', its replies' …)."""
    import attrs

    if isinstance(value, dt.date):
        return [value]
    if isinstance(value, tuple | list):
        return [d for v in value for d in _days(v)]
    if attrs.has(type(value)):
        return [d for f in attrs.fields(type(value)) for d in _days(getattr(value, f.name))]
    return []


def _record_objects(key: str, writers: tuple[str, ...]) -> list[dict[str, Any]]:
    # the table's `record` is decided on the body that writes the record as the host, not on its
    # parties: attending a department's meeting does not make its minutes the attendee's to write
    return [{"id": key, "host": w, "participants": []} for w in writers or ("",)]


def may_record(request: HttpRequest, district: str, key: str, writers: tuple[str, ...]) -> access.Decision:
    """May the caller write a record whose writers (:func:`liaison_web.records.writers`) are these?"""
    return min((_may(request, "record", district, o) for o in _record_objects(key, writers)), key=lambda d: d.value)


def may_record_kind(request: HttpRequest, district: str, kind: kept.Kind) -> access.Decision:
    """May the caller record some record of ``kind`` — what a page asks before it offers the form:
    :func:`may_record` (the POST's rule) asked of the bodies the caller could write it as, its own
    bodies of the district (a district-wide role: any; a kind no body is responsible for: none)."""
    members, superuser = _members(request)
    if superuser or access.covers_district(members, "record", district):
        return _may(request, "record", district, {"id": kind.section, "host": "", "participants": []})
    own = tuple(dict.fromkeys(m.organisation for m in members if m.district == district and m.organisation))
    asked = [may_record(request, district, kind.section, (org,)) for org in own if kind.by_a_body] or [
        may_record(request, district, kind.section, ())]
    return next((d for d in asked if d == access.Decision.ALLOWED), asked[0])


def recordable_kinds(request: HttpRequest, district: str) -> tuple[kept.Kind, ...]:
    """The kinds of record the caller may record in ``district`` (:func:`may_record_kind`): the forms a
    page offers it; none, a read-only role's."""
    return tuple(k for k in kept.KINDS.values() if may_record_kind(request, district, k) == access.Decision.ALLOWED)


def authorise_record_kind(request: HttpRequest, district: str, kind: kept.Kind) -> None:
    """:func:`may_record_kind`, refused as the POST refuses (403 the API's words, 404 another district)."""
    if may_record_kind(request, district, kind) != access.Decision.ALLOWED:
        _authorise(request, "record", district, _record_objects(kind.section, ())[0])


def _authorise_record(request: HttpRequest, district: str, key: str, writers: tuple[str, ...]) -> None:
    if may_record(request, district, key, writers) != access.Decision.ALLOWED:
        _authorise(request, "record", district, _record_objects(key, writers)[0])


def _raw_body(request: HttpRequest, field: str | None = None) -> Any:
    data = json.loads(request.body or b"null")
    return data.get(field) if field is not None and isinstance(data, dict) else data


def forced(body: Any) -> tuple[Any, bool]:
    """A record's body without its ``force`` (the API's: record a fact dated after today anyway), and it."""
    if isinstance(body, dict) and "force" in body:
        rest = dict(body)
        return rest, rest.pop("force") is True
    return body, False


def with_force(model: type[BaseModel], name: str) -> type[BaseModel]:
    """A record's model, the body of an operation recording one: with ``force``."""
    return create_model(name, __base__=model, force=(bool, Field(
        False, strict=True, description="also record a fact dated after today in the district's time zone")))


def create_record(request: HttpRequest, district: str, year: int, kind: kept.Kind, body: Any, *,
                  force: bool = False) -> models.Record:
    """Record a fact (``body`` the record as the library writes it), checked and authorised, with its
    audit entry: what ``POST …/records/{kind}`` and the pages' records forms both do. One dated after
    today is refused unless ``force`` (:func:`not_yet`)."""
    record = _check_new(request, district, year, kind, body, None, force=force)
    return _save(request, district, year, kind, kept.new_key(), 1, "created", record, "", None)


def _create(kind: kept.Kind) -> Callable[..., HttpResponse]:
    def create(request: HttpRequest, district: str, year: int, body: Any) -> HttpResponse:
        record, force = forced(_raw_body(request))
        row = create_record(request, district, year, kind, record, force=force)
        response = _etagged(_record_document(row), kept.view(row).etag, 201)
        response["Location"] = f"/api/v1/districts/{district}/years/{year}/records/{kind.section}/{row.key}"
        return response

    create.__annotations__ = {"request": HttpRequest, "district": str, "year": schemas.YEAR,
                              "body": with_force(schemas.model_of(kind.type), f"New_{kind.section}"),
                              "return": HttpResponse}
    create.__name__ = f"create_{kind.section}"
    create.__doc__ = (f"Record {kind.label_en} ({kind.label_zh}): the body is the record as the library writes "
                      f"it (docs/records-format.md, section {kind.section}); organisations by id or name. The "
                      "caller's body must be the one responsible for it or a party to it (the access table's "
                      "`record`). A fact dated after today in the district's time zone is refused (409 NotYetHeld, "
                      "as `held` refuses a meeting whose day has not come) unless the body says `\"force\": true`; "
                      "so is a record the year holds exactly already (409 AlreadyRecorded, its Location: a retry "
                      "sent without an Idempotency-Key). 201, with the record's ETag and Location.")
    return create


def change_record(request: HttpRequest, district: str, year: int, kind: kept.Kind, key: str, action: str,
                  made: Callable[[models.Record], tuple[Any, str]], given: str) -> models.Record:
    """Add the next version of a record (``made`` from the current one: the record and the reason) on
    the version ``given`` (the API's ``If-Match``, a page's form field): another is
    :class:`StaleRecord`, nothing added. Withdrawing a withdrawn record adds nothing (the record as it is)."""
    before = _latest(district, year, kind.section, key)
    found, _ = _district(request, district, "record")
    _authorise_record(request, district, key, kept.writers(kind, kept.structure_row(before), found))
    if not matches(given, kept.view(before).etag):  # "*", or a list naming it
        raise _stale(key, kept.view(before).etag, given)
    if action == "withdrawn" and before.action == "withdrawn":
        return before
    record, reason = made(before)
    return _save(request, district, year, kind, key, before.version + 1, action, record, reason, before)


def _change_record(request: HttpRequest, district: str, year: int, kind: kept.Kind, key: str, action: str,
                   made: Callable[[models.Record], tuple[Any, str]]) -> HttpResponse:
    """The API's change of a record, on the version ``If-Match`` names: another is 412 with the
    record as it is now (``record``) and its ETag, nothing added."""
    _year_of(request, district, year, "record")
    given = _if_match(request)
    try:
        row = change_record(request, district, year, kind, key, action, made, given)
    except StaleRecord as stale:
        now = _latest(district, year, kind.section, key)
        response = error_response(request, stale, 412, record=_record_document(now))
        response["ETag"] = f'"{kept.view(now).etag}"'
        return response
    return _etagged(_record_document(row), kept.view(row).etag)


class Correction(schemas.Body):
    reason: str = Field("", max_length=1000, description="why it is corrected (kept with the version)")
    force: bool = Field(False, strict=True, description="also record a fact dated after today in the district's "
                                                        "time zone (its day, a reply's, the feedback's)")


def _correct(kind: kept.Kind) -> Callable[..., HttpResponse]:
    model = create_model(f"Correction_{kind.section}", __base__=Correction,
                         record=(schemas.model_of(kind.type), ...))

    def correct(request: HttpRequest, district: str, year: int, key: str, body: Any) -> HttpResponse:
        def corrected(before: models.Record) -> tuple[Any, str]:
            return (_check_new(request, district, year, kind, _raw_body(request, "record"), key,
                               force=_raw_body(request, "force") is True),
                    str(_raw_body(request, "reason") or ""))

        return _change_record(request, district, year, kind, key, "corrected", corrected)

    correct.__annotations__ = {"request": HttpRequest, "district": str, "year": schemas.YEAR, "key": Key, "body": model,
                               "return": HttpResponse}
    correct.__name__ = f"correct_{kind.section}"
    correct.__doc__ = (f"Correct a record of {kind.label_en}: the body's record becomes the next version and "
                       "supersedes the current one, which is kept (GET shows every version). `If-Match`: the "
                       "record's ETag; another version is 412 with the current one. Feedback on research is its "
                       "correction with `feedback` and `feedback_summary` filled in.")
    return correct


_CHANGES: dict[int, Any] = {**ERRORS, 412: Error, 428: Error}
for _kind in kept.KINDS.values():
    api.post(f"{_YEAR}/records/{_kind.section}", response={201: RecordModels[_kind.section], **ERRORS, 409: Error},
             tags=["records"], operation_id=f"create_{_kind.section}")(_create(_kind))
    api.post(f"{_YEAR}/records/{_kind.section}/{{key}}/correction", response={200: RecordModels[_kind.section],
             **_CHANGES, 409: Error}, openapi_extra=RECORD_IF_MATCH, tags=["records"],
             operation_id=f"correct_{_kind.section}")(_correct(_kind))


class Withdrawal(schemas.Body):
    reason: str = Field(min_length=1, max_length=1000, description="why it no longer counts")


@api.post(f"{_YEAR}/records/{{kind}}/{{key}}/withdrawal", response={200: AnyRecord, **_CHANGES},
          openapi_extra=RECORD_IF_MATCH, tags=["records"])
def withdraw_record(request: HttpRequest, district: str, year: schemas.YEAR, kind: KindName,  # type: ignore[valid-type]
                    key: Key,
                    body: Withdrawal) -> HttpResponse:
    """Withdraw a record recorded in error: a last version marked ``withdrawn`` (the record as it
    was, and the reason); it no longer counts in the findings or the due list, and stays readable.
    ``If-Match``: the record's ETag."""
    return _change_record(request, district, year, kept.KINDS[kind], key, "withdrawn",
                          lambda before: (kept.structure_row(before), body.reason))


# -- evidence -----------------------------------------------------------------------------------------
def _object_of(request: HttpRequest, district: str, year: int, object_type: str, object_id: str
               ) -> dict[str, Any]:
    """What the access table decides on for the record (its key) or the engagement (its id) a file is
    evidence of: 404 when the year has none such."""
    if object_type == "record":
        rows = list(models.Record.objects.filter(key=object_id, district__code=district, year=year)
                    .order_by("-version")[:1])
        if not rows:
            raise _no_record("records", object_id)
        return _as_object(rows[0])
    found, version = _district(request, district)
    one = _one(district, version, year, _revision(found, year), object_id)
    shown = one[1] if one is not None else None
    if shown is None:
        raise NotFound(f"the {year} has no engagement {object_id!r}", path=("engagement",),
                       fix="take an id from the year's plan", message_zh=f"{year}年没有活动 {object_id!r}",
                       fix_zh="请从该年度计划中选取活动编号")
    return {"id": object_id, "host": shown.get("host", ""), "participants": list(shown.get("participants", []))}


def _attached_to(request: HttpRequest, district: str, year: int, record: str | None,
                 engagement: str | None) -> tuple[str, str, dict[str, Any]]:
    """The object a file is (to be) attached to — ``record`` (its key) or ``engagement`` (its id),
    exactly one — and what the access table decides on."""
    if bool(record) == bool(engagement):
        raise DataError("name what the file is evidence of: record or engagement, one of them", file="evidence",
                        fix="send record=<key> or engagement=<id>", message_zh="请指明该文件是哪项的佐证材料："
                        "record 或 engagement，二者选一", fix_zh="请发送 record=<记录编号> 或 engagement=<活动编号>")
    object_type, object_id = ("record", str(record)) if record else ("engagement", str(engagement))
    return object_type, object_id, _object_of(request, district, year, object_type, object_id)


#: An engagement's id as the plan writes it (``2027/joint_meeting/construction``): the schemas' one
#: definition (which :mod:`liaison_web.invalid` puts in words).
ENGAGEMENT_ID = schemas.ENGAGEMENT_ID


def _upload_form() -> dict[str, Any]:
    """The upload's form as the OpenAPI document says it: ``file`` (one of :data:`evidence.TYPES`, told
    by its content) with exactly one of ``record`` and ``engagement`` — what a form's fields alone
    cannot say, so the body's schema is written here rather than taken from the parameters."""
    file = {"type": "string", "format": "binary", "description": "the file: " + ", ".join(evidence.TYPES)}

    def one(field: str, pattern: str, description: str) -> dict[str, Any]:
        return {"type": "object", "required": ["file", field], "additionalProperties": False,
                "properties": {"file": file, field: {"type": "string", "pattern": pattern,
                                                     "description": description}}}

    media = ", ".join(dict.fromkeys(t.media_type for t in evidence.TYPES.values()))
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {
        "schema": {"oneOf": [one("record", kept.KEY_PATTERN, "the key of the record it is evidence of"),
                             one("engagement", ENGAGEMENT_ID, "the id of the engagement it is evidence of")]},
        "encoding": {"file": {"contentType": media}}}}}}


@api.post(f"{_YEAR}/evidence", response={201: EvidenceModel, **ERRORS, 409: Error, 413: Error, 415: Error},
          openapi_extra=_upload_form(), tags=["evidence"])
def upload_evidence(request: HttpRequest, district: str, year: schemas.YEAR,
                    file: UploadedFile = File(...),  # type: ignore[type-arg]  # noqa: B008
                    record: str | None = Form(None),  # type: ignore[type-arg]
                    engagement: str | None = Form(None)) -> HttpResponse:  # type: ignore[type-arg]
    """Attach a file (multipart/form-data: ``file``, and ``record`` — a record's key — or
    ``engagement`` — an engagement's id) as evidence. Kept under the media root by its content's
    sha256, never by its name; the name is kept only to show. At most ``LIAISON_MAX_UPLOAD_MB``
    (413 beyond); PDF, OFD, DOCX, XLSX, JPEG or PNG by its content (415 otherwise, and when the
    name's extension says another type). 201 with the file's record."""
    _year_of(request, district, year, "attach")
    object_type, object_id, obj = _attached_to(request, district, year, record, engagement)
    _authorise(request, "attach", district, obj)
    refuse_withdrawn(district, year, object_type, object_id)  # before the bytes are kept
    kept_file = attach_kept(request, district, year, object_type, object_id, obj, keep_file(file))
    response = json_response(kept_file, status=201)
    response["Location"] = kept_file["download"]
    return response


def keep_file(file: Any) -> tuple[str, int, evidence.FileType, str]:
    """An uploaded file's bytes kept under the media root (:func:`liaison_web.evidence.store`: by
    their sha256, within the size limit, of a type kept): the digest, size, type and the name to show."""
    if file.size is not None and file.size > evidence.max_bytes():
        raise evidence.too_large(file.size)
    sha, size, kind = evidence.store(file.chunks(), file.name or "")
    return sha, size, kind, evidence.display_name(file.name or "", kind)


def attach_kept(request: HttpRequest, district: str, year: int, object_type: str, object_id: str,
                obj: dict[str, Any], kept_file: tuple[str, int, evidence.FileType, str]) -> dict[str, Any]:
    """The row of a kept file (:func:`keep_file`) as evidence of ``object_id``, with its audit entry,
    in one transaction; the caller has been authorised to attach to it. The file's record."""
    from liaison_web.audit import record as audit

    sha, size, kind, name = kept_file
    refuse_withdrawn(district, year, object_type, object_id)
    with transaction.atomic():
        row = models.Evidence.objects.create(
            key=kept.new_key(), district=models.District.objects.get(code=district), year=year,
            object_type=object_type, object_id=object_id, name=name, file_type=kind.name, size=size, sha256=sha,
            actor=actor_of(request))
        shown = _evidence_document(row, district)
        # in the log of the object it is evidence of, with the bodies that object is about
        audit("attach", object_type, object_id, user=request.user, actor=actor_of(request), district=district,
              remote_address=remote_address(request), after={"evidence": shown, **_about(object_type, obj)})
    return shown


def refuse_withdrawn(district: str, year: int, object_type: str, object_id: str) -> None:
    """Evidence is not attached to a withdrawn record (it no longer counts; a correction cannot bring
    it back either): 409, as a change of a cancelled engagement not asked for is."""
    if object_type != "record":
        return
    latest = (models.Record.objects.filter(key=object_id, district__code=district, year=year)
              .order_by("-version").values_list("action", flat=True).first())
    if latest == "withdrawn":
        raise Withdrawn(f"the record {object_id} is withdrawn: no evidence is attached to it; nothing was kept",
                        file=f"records/{object_id}", fix="attach the file to the record that counts in its place",
                        message_zh=f"记录 {object_id} 已撤销，不能再附佐证材料；未作保存",
                        fix_zh="请将文件附到取代它、仍计入的记录上")


def _about(object_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    """Whom an audit entry of evidence is about, in the words of the object's own entries (a record's
    responsible body and parties, an engagement's host and participants), so its log and a body's find it."""
    return ({"responsible": obj["host"], "parties": obj["participants"]} if object_type == "record"
            else {"host": obj["host"], "participants": obj["participants"]})


@api.get(f"{_YEAR}/evidence", response={200: list[EvidenceModel], **ERRORS}, tags=["evidence"])
def list_evidence(request: HttpRequest, district: str, year: schemas.YEAR,
                  record: Annotated[str, Field(pattern=kept.KEY_PATTERN)] | None = None,
                  engagement: Annotated[str, Field(pattern=ENGAGEMENT_ID)] | None = None) -> HttpResponse:
    """The year's evidence files the caller may read, in the order uploaded: those of the record
    ``record`` and of the engagement ``engagement`` when either is given (each checked as when it is
    read: 404 when the year has none such, 403 when it is another body's), else every file of the year."""
    _year_of(request, district, year)
    named = [(t, str(i)) for t, i in (("record", record), ("engagement", engagement)) if i]
    for object_type, object_id in named:
        _authorise(request, "read", district, _object_of(request, district, year, object_type, object_id))
    rows = _evidence_rows(district).filter(year=year)
    if named:
        from django.db.models import Q

        wanted = Q()
        for object_type, object_id in named:
            wanted |= Q(object_type=object_type, object_id=object_id)
        return json_response([_evidence_document(e, district) for e in rows.filter(wanted)])
    objects: dict[tuple[str, str], bool] = {}
    shown = []
    for row in rows:
        whose = (row.object_type, row.object_id)
        if whose not in objects:
            try:
                obj = _object_of(request, district, year, *whose)
            except NotFound:  # an engagement the plan no longer has: its files are the district's
                obj = {"id": row.object_id, "host": "", "participants": []}
            objects[whose] = _may(request, "read", district, obj) == access.Decision.ALLOWED
        if objects[whose]:
            shown.append(_evidence_document(row, district))
    return json_response(shown)


def _binary_evidence() -> dict[str, Any]:
    return {"responses": {200: {"description": "the file, as uploaded", "content": {
        t.media_type: {"schema": {"type": "string", "format": "binary"}} for t in evidence.TYPES.values()}}}}


def _no_evidence(key: str) -> NotFound:
    return NotFound(f"there is no evidence file {key!r}", path=("evidence",),
                    fix="take a key from the record's or the engagement's evidence",
                    message_zh=f"没有佐证材料 {key!r}", fix_zh="请从记录或活动的佐证材料列表中选取")


@api.get("/districts/{district}/evidence/{key}", response=dict(ERRORS), openapi_extra=_binary_evidence(),
         tags=["evidence"])
def download_evidence(request: HttpRequest, district: str, key: Key) -> HttpResponseBase:
    """The file, as uploaded: its type's media type, ``Content-Disposition: attachment`` with the
    name it was uploaded with (``filename*`` in UTF-8 for a Chinese name, RFC 5987). Read access as
    for the record or engagement it is evidence of."""
    _district(request, district)
    row = models.Evidence.objects.filter(key=key, district__code=district).first()
    if row is None:
        raise _no_evidence(key)
    obj = _object_of(request, district, row.year, row.object_type, row.object_id)
    _authorise(request, "read", district, obj)
    path = evidence.path_of(row.sha256)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        # the server's own path is for its log, not for the caller: the answer names the file by
        # what the caller already knows (its object, name, key and digest)
        logging.getLogger(__name__).error("evidence %s: its bytes are missing at %s", key, path)
        whose = {"record": ("the record", "记录"), "engagement": ("the engagement", "活动")}[row.object_type]
        raise NotFound(f"the bytes of the evidence file {row.name!r} ({key}) of {whose[0]} {row.object_id} are "
                       "missing from the media root", file=f"{row.object_type}s/{row.object_id}",
                       path=("evidence", key),
                       fix=f"restore the media root from its backup (docs/service.md): the file with the sha256 "
                           f"{row.sha256}",
                       message_zh=f"{whose[1]} {row.object_id} 的佐证材料“{row.name}”（{key}）的文件不在媒体目录中",
                       fix_zh=f"请从备份恢复媒体目录（见 docs/service.md）：sha256 为 {row.sha256} 的文件") from None
    response = FileResponse(handle, as_attachment=True, filename=row.name,
                            content_type=evidence.TYPES[row.file_type].media_type)
    response["ETag"] = f'"{row.sha256}"'
    return response


# -- findings and the report --------------------------------------------------------------------------
def _report(request: HttpRequest, district: str, year: int, as_of: dt.date | None) -> tuple[Any, Any]:
    """``liaison check`` on the year as the service holds it — its records and the plan's held
    engagements (an engagement recorded in both counts once) — as of ``as_of`` (default today when
    the year is this one, its first or last day otherwise): the findings' one computation
    (:func:`liaison_web.api._report`, kept per revision and state of the records)."""
    from liaison_web import api as answers

    found, version, day, revision, at = _checked(request, district, year, as_of)
    report, _ = answers._report(district, version, year, revision, at, day)
    return found, report


def _checked(request: HttpRequest, district: str, year: int,
             as_of: dt.date | None) -> tuple[Any, str, dt.date, str, tuple[int, int]]:
    """What :func:`_report` is made of — the district and its version, the day, the year's revision
    and the state of its records —, read before it is made (its ETag: a 304 makes nothing)."""
    from liaison.year.planner import check_year
    from liaison_web.records import records_state

    found, version = _district(request, district)
    check_year(year)
    day = as_of or min(max(_today(found), dt.date(year, 1, 1)), dt.date(year, 12, 31))
    return found, version, day, _revision(found, year), records_state(found, year)


@api.get(f"{_YEAR}/report", response={200: ReportModel, 304: None, **ERRORS}, tags=["findings"])
def report(request: HttpRequest, district: str, year: schemas.YEAR, as_of: schemas.DATE | None = None) -> HttpResponse:
    """The year's report as ``liaison check --format json`` writes it, on the records kept here and
    the plan's held engagements, as of ``as_of`` (default today in the year). The whole district's:
    for the district-wide roles (administrator, auditor, city auditor); a body reads its own
    findings (``…/organisations/{organisation}/findings``). ``ETag`` as the findings' (the year's
    revision, the state of its records, the day: :func:`liaison_web.api.findings_tag`);
    ``If-None-Match`` gives 304."""
    from liaison_web import api as answers

    _district(request, district)
    _authorise(request, "read", district, {"id": district, "host": "", "participants": []})
    found, version, day, revision, at = _checked(request, district, year, as_of)
    tag = answers.findings_tag(request, district, revision, at, as_of=day)
    if _matches(request, tag):
        return _not_modified(tag)
    checked, _ = answers._report(district, version, year, revision, at, day)
    return json_response(report_document(checked, found), etag=tag)


def concerns(finding: Finding, organisation: str) -> bool:
    """The finding is about ``organisation``: charged to it, or it among those concerned (a body's
    findings, wherever they are listed: the API's, the department's page, *my year*)."""
    return bool(organisation == finding.responsible or organisation in finding.affected
                or organisation in finding.subject)


@api.get(f"{_YEAR}/organisations/{{organisation}}/findings",
         response={200: list[FindingModel], 304: None, **ERRORS}, tags=["findings"])  # type: ignore[valid-type]
def organisation_findings(request: HttpRequest, district: str, year: schemas.YEAR, organisation: str,
                          as_of: schemas.DATE | None = None) -> HttpResponse:
    """The report's findings about ``organisation`` — charged to it, or it among those concerned —
    for whoever may read that body's list (as the due list). ``ETag`` as the findings' (with the
    day and the organisation: :func:`liaison_web.api.findings_tag`); ``If-None-Match`` gives 304."""
    from liaison_web import api as answers

    found, _ = _district(request, district)
    org = found.organisation(organisation).id
    _authorise(request, "read", district, {"id": org, "host": org, "participants": [org]})
    found, version, day, revision, at = _checked(request, district, year, as_of)
    tag = answers.findings_tag(request, district, revision, at, as_of=day, organisation=org)
    if _matches(request, tag):
        return _not_modified(tag)
    checked, _ = answers._report(district, version, year, revision, at, day)
    shown = [f for f in checked.findings if concerns(f, org)]
    return json_response([document(FindingDocument.of(f, found)) for f in shown], etag=tag)
