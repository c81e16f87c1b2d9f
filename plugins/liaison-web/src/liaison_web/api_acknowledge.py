"""A party branch's or the ICF's acknowledgement (回执, 签收) of what was sent to it (issue #25: the
liaison officer may "acknowledge"), registered on :data:`liaison_web.api.api`:

- ``POST /api/v1/districts/{district}/years/{year}/acknowledgements`` — the body acknowledges a
  document copied to it, an invitation (will it attend, who attends) or the feedback on its research:
  the body is the library's :class:`~liaison.law.acknowledgements.Acknowledgement`. 201 with the
  acknowledgement kept; the same again 200 and nothing added; a different answer (the attendees
  changed) the acknowledgement's next version;
- ``GET …/acknowledgements`` (``of``, ``item``, ``organisation``) — the year's acknowledgements with
  the item each answers (who sent it, to whom, under which provision), those the caller may read:
  the sender's view of its document, engagement or feedback, and the body's own.

What was sent to whom is the library's (:mod:`liaison.year.acknowledgements`: the records' documents
and research, the plan's engagements with their date agreed). The access table's ``acknowledge`` is
decided twice: on the item (its sender the host, the bodies it was sent to the participants — another
body's item is 403, another district's 404) and on the body acknowledging (one's own body only). An
acknowledgement is kept as a record's version is (append-only, its audit entry and the due lists'
webhooks in its transaction: :func:`liaison_web.api_records._save`); it closes the body's to-do item
"to acknowledge".
"""

from __future__ import annotations

from typing import Any

import attrs
from django.http import HttpRequest, HttpResponse
from pydantic import BaseModel, ConfigDict, create_model

from liaison.base.errors import DataError, LiaisonError
from liaison.formats.convert import structure
from liaison.law.acknowledgements import Acknowledged, Acknowledgement
from liaison.law.district import District
from liaison.year.acknowledgements import Addressed, checked, find
from liaison.year.state import YearState
from liaison_web import access, api_records, models, schemas
from liaison_web import records as kept
from liaison_web.api import ERRORS, Error, _authorise, _district_year, _loaded, _may, api
from liaison_web.api_records import _raw_body, _record_document, _record_model, _save, forced, not_yet, with_force
from liaison_web.errors import NotFound, json_response

__all__ = ["AcknowledgedModel", "acknowledge", "acknowledgements", "addressees", "answered"]

_YEAR = "/districts/{district}/years/{year}"

ItemModel = schemas.model_of(Addressed, name="AddressedItem")
AcknowledgedModel: type[BaseModel] = create_model(
    "Acknowledged", __config__=ConfigDict(extra="forbid"),
    __doc__="An acknowledgement kept (a record's versions: `record` the library's Acknowledgement) and the item "
            "it answers as the year has it now (null: no longer in the year's records or plan).",
    acknowledgement=(_record_model(kept.ACKNOWLEDGEMENTS), ...),
    item=(ItemModel | None, ...))  # type: ignore[arg-type]


def _year(request: HttpRequest, district: str, year: int, operation: str) -> tuple[District, YearState]:
    _, version, revision = _district_year(request, district, year, operation)
    return _loaded(district, version, year, revision)


def _no_item(of: str, item: str) -> NotFound:
    return NotFound(f"the year has no {of} {item!r} sent to a party branch or the ICF", path=("item",),
                    fix="name a document copied to the body, an engagement it is invited to (its date agreed) or "
                        "research it submitted that has feedback",
                    message_zh=f"本年度没有发给民主党派或工商联的{of}“{item}”",
                    fix_zh="请填写抄送给本单位的文件、邀请本单位且日期已商定的活动，或已有反馈的本单位调研成果")


def _sent(items: tuple[Addressed, ...]) -> dict[str, Any]:
    """The item as the access table decides on it: the sender as the host, the bodies it went to as
    the participants."""
    return {"id": items[0].item, "host": items[0].sender,
            "participants": list(dict.fromkeys(o for a in items for o in a.addressees))}


def _parsed(body: Any, district: District) -> Acknowledgement:
    made: Acknowledgement = structure(body, Acknowledgement, file="acknowledgement",
                                      fix="correct the value (docs/service.md, acknowledgements)")
    try:
        organisation = district.organisation(made.organisation).id
    except LiaisonError as error:
        raise error.located(file="acknowledgement", path=("organisation",), cls=DataError) from None
    # its day is not held to the year: an invitation to January is answered in December, a document of
    # 30 December acknowledged in January; one before the item came is refused (acknowledge)
    return attrs.evolve(made, organisation=organisation)


def _current(district: str, year: int, of: Acknowledged, item: str, organisation: str) -> models.Record | None:
    for row in kept.current(district, year, kinds=(kept.ACKNOWLEDGEMENTS.section,)):
        data = row.data
        if (data.get("of"), data.get("item"), data.get("organisation")) == (of.value, item, organisation):
            return row
    return None


def acknowledge(request: HttpRequest, district: str, year: int, body: Any, *,
                force: bool = False) -> tuple[models.Record, bool]:
    """Keep the caller's acknowledgement ``body`` (the library's record, as JSON), checked and
    authorised: the row kept and whether it is new (a repeat of the current answer adds nothing).
    What the API's ``POST …/acknowledgements`` and the body's pages do. One dated after today in the
    district is refused unless ``force`` (:func:`liaison_web.api_records.not_yet`)."""
    found, state = _year(request, district, year, "acknowledge")
    made = _parsed(body, found)
    records = kept.year_records(found, year)
    items = find(found, state.plan, records, made.of, made.item)
    if not items:
        raise _no_item(made.of.value, made.item)
    _authorise(request, "acknowledge", district, _sent(items))  # another body's item: 403
    # and for one's own body: a body sent the same item as another does not answer for it
    _authorise(request, "acknowledge", district, {"id": made.item, "host": "", "participants": [made.organisation]})
    if not force:  # after the caller is allowed to: another body's item is 403 whatever the day
        not_yet(kept.ACKNOWLEDGEMENTS, made, api_records.fact_day(found))
    item = checked(found, state.plan, records, made)  # an administrator naming a body it was not sent to: 422
    if made.of != Acknowledged.INVITATION and made.date < item.day:
        raise DataError(f"acknowledged on {made.date}, before it came ({item.day})", file="acknowledgement",
                        path=("date",), fix="correct the date",
                        message_zh=f"签收日期 {made.date} 早于送达日期 {item.day}", fix_zh="请改正日期")
    before = _current(district, year, made.of, made.item, made.organisation)
    if before is None:
        return _save(request, district, year, kept.ACKNOWLEDGEMENTS, kept.new_key(), 1, "created", made, "",
                     None), True
    if before.data == kept.canonical(made):
        return before, False
    return _save(request, district, year, kept.ACKNOWLEDGEMENTS, before.key, before.version + 1, "corrected", made,
                 "acknowledged again", before), False


def addressees(request: HttpRequest, district: str, year: int, of: Acknowledged, item: str) -> tuple[str, ...]:
    """The bodies ``item`` was sent to, as the year has it now (none: not sent, or not a year the
    caller reads)."""
    found, state = _year(request, district, year, "read")
    items = find(found, state.plan, kept.year_records(found, year), of, item)
    return tuple(dict.fromkeys(o for a in items for o in a.addressees))


def answered(district: District, state: YearState, records: Any, acknowledgement: Acknowledgement
             ) -> tuple[Addressed, ...]:
    """The sendings of the item ``acknowledgement`` answers, as the year has them now."""
    return find(district, state.plan, records, acknowledgement.of, acknowledgement.item)


def acknowledgements(request: HttpRequest, district: str, year: int, *, of: str | None = None,
                     item: str | None = None, organisation: str | None = None) -> list[dict[str, Any]]:
    """The year's acknowledgements the caller may read (the table's ``read`` on the item's sender as
    the host and the body acknowledging as the participant: the sender's clerk reads all of its
    item's, a body its own), each with the item it answers."""
    found, state = _year(request, district, year, "read")
    records = kept.year_records(found, year)
    org = found.organisation(organisation).id if organisation else None
    shown = []
    for row in kept.current(district, year, kinds=(kept.ACKNOWLEDGEMENTS.section,)):
        made: Acknowledgement = kept.structure_row(row)
        if (of and made.of.value != of) or (item and made.item != item) or (org and made.organisation != org):
            continue
        sent = [a for a in answered(found, state, records, made) if made.organisation in a.addressees]
        thing = {"id": made.item, "host": sent[0].sender if sent else "", "participants": [made.organisation]}
        if _may(request, "read", district, thing) == access.Decision.ALLOWED:
            shown.append({"acknowledgement": _record_document(row),
                          "item": kept.canonical(sent[0]) if sent else None})
    return shown


NewAcknowledgement = with_force(schemas.model_of(Acknowledgement), "NewAcknowledgement")


@api.post(f"{_YEAR}/acknowledgements", response={200: AcknowledgedModel, 201: AcknowledgedModel, **ERRORS,
                                                  409: Error}, tags=["acknowledgements"])
def post_acknowledgement(request: HttpRequest, district: str, year: schemas.YEAR,
                         body: NewAcknowledgement) -> HttpResponse:  # type: ignore[valid-type]
    """A party branch or the ICF acknowledges what was sent to it (回执, 签收): a document copied to it
    (`of` `document`, `item` the document's id), an invitation to an engagement whose date is agreed
    (`invitation`, the engagement's id; `attending` and `attendees`: the 回执), the feedback on research
    it submitted (`feedback`, the research result's id). The caller's body only (the access table's
    `acknowledge`): another body's item is 403. 201 with what was kept; the same answer again 200,
    nothing added; another answer the acknowledgement's next version (200). Closes the body's to-do
    item `to_acknowledge`. Dated after today in the district: 409 unless `"force": true`."""
    given, force = forced(_raw_body(request))
    row, created = acknowledge(request, district, year, given, force=force)
    found, state = _year(request, district, year, "read")
    made: Acknowledgement = kept.structure_row(row)
    records = kept.year_records(found, year)
    sent = [a for a in answered(found, state, records, made) if made.organisation in a.addressees]
    shown = {"acknowledgement": _record_document(row), "item": kept.canonical(sent[0]) if sent else None}
    return json_response(shown, status=201 if created else 200, etag=kept.view(row).etag)


@api.get(f"{_YEAR}/acknowledgements", response={200: list[AcknowledgedModel], **ERRORS},  # type: ignore[valid-type]
         tags=["acknowledgements"])
def list_acknowledgements(request: HttpRequest, district: str, year: schemas.YEAR, of: Acknowledged | None = None,
                          item: str | None = None, organisation: str | None = None) -> HttpResponse:
    """The year's acknowledgements, each with the item it answers (who sent it, to whom, the day, the
    provision): `of`, `item` and `organisation` filter them. A department's clerk reads those of what
    its department sent; a party branch's or the ICF's liaison officer its own body's; the
    district-wide roles every one."""
    return json_response(acknowledgements(request, district, year, of=of.value if of else None, item=item,
                                          organisation=organisation))

