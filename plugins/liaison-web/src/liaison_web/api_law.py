"""The district's law through the API, as the command's queries answer it (``liaison provisions``,
``pairings``, ``route``, ``invitees``): the provisions with their text in force on a day, the
pairings in force on a day, who a document is copied to and who an event invites, each under its
provision. The JSON is the library's own document of each answer (:mod:`liaison.formats.documents`,
the same as ``--format json``), described by models generated from those types.

Each answer rests on the district's version in force on the day asked (the amended text from the
day it applies); a day before the district's first version is 404, as a district the caller may not
see. Every role that may read the district may read its law: it is the text the bodies work under."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest, HttpResponse

from liaison.formats import documents
from liaison.law.district import District
from liaison.law.rules import EVENT_KINDS, EngagementKind
from liaison_web import bootstrap, schemas
from liaison_web.api import ERRORS, _district, api
from liaison_web.clock import district_today
from liaison_web.errors import NotFound, json_response

__all__: list[str] = []

_LAW = "/districts/{district}"
#: The kinds of event that invite (the planner plans meetings and visits itself): the schema names them.
EventKind = Literal[tuple(k.value for k in EngagementKind if k in EVENT_KINDS)]  # type: ignore[valid-type]

ProvisionModel = schemas.model_of(documents.ProvisionDocument, name="Provision")
ProvisionsModel = schemas.model_of(documents.ProvisionsDocument, name="Provisions")
PairingsModel = schemas.model_of(documents.PairingsDocument, name="Pairings")
CcModel = schemas.model_of(documents.CcDocument, name="CcList")
InviteesModel = schemas.model_of(documents.InviteesDocument, name="Invitees")


def _in_force(request: HttpRequest, code: str, day: dt.date | None) -> tuple[District, dt.date]:
    """The district as its version in force on ``day`` (default: today in its time zone) gives it,
    once the caller may read the district."""
    current, _ = _district(request, code)
    on = day or district_today(current)
    found = bootstrap.district(code, on=on)
    if found is None:
        raise NotFound(f"district {code!r} has no text in force on {on.isoformat()}",
                       fix="ask for a day on or after its first version's day of application",
                       message_zh=f"区 {code!r} 在 {on.isoformat()} 尚无有效的文本",
                       fix_zh="请改问该区首个版本施行之日或以后的日期")
    return found, on


@api.get(f"{_LAW}/provisions", response={200: ProvisionsModel, **ERRORS}, tags=["law"])
def provisions(request: HttpRequest, district: str, as_of: schemas.DATE | None = None) -> HttpResponse:
    """Every provision with its text in force on ``as_of`` (default: today), its rules and local
    settings, and every sentence with what implements it (``liaison provisions --format json``)."""
    found, on = _in_force(request, district, as_of)
    return json_response(documents.provisions_document(found, on))


@api.get(f"{_LAW}/provisions/{{provision}}", response={200: ProvisionModel, **ERRORS}, tags=["law"])
def provision(request: HttpRequest, district: str, provision: str,
              as_of: schemas.DATE | None = None) -> HttpResponse:
    """One provision by its id (URL-encoded), as in force on ``as_of`` (``liaison provisions ID``)."""
    found, on = _in_force(request, district, as_of)
    return json_response(documents.provision_document(found.provision(provision), on))


@api.get(f"{_LAW}/pairings", response={200: PairingsModel, **ERRORS}, tags=["law"])
def pairings(request: HttpRequest, district: str, as_of: schemas.DATE | None = None,
             organisation: str | None = None) -> HttpResponse:
    """The pairings in force on ``as_of`` and the common liaison units; ``organisation``: only its
    pairings (``liaison pairings --org``)."""
    found, on = _in_force(request, district, as_of)
    listed = found.pairings_as_of(on)
    if organisation is not None:
        chosen = found.organisation(organisation)
        listed = tuple(p for p in listed if chosen.id in (p.department, p.counterpart))
    return json_response(documents.pairings_document(found, on, listed))


@api.get(f"{_LAW}/cc", response={200: CcModel, **ERRORS}, tags=["law"])
def cc_list(request: HttpRequest, district: str, issuer: str, date: schemas.DATE | None = None,
            kind: str = "policy") -> HttpResponse:
    """Who a document issued by ``issuer`` on ``date`` must be copied to, under which provision
    (``liaison route``); ``kind``: the document's kind as the routing rules name it."""
    found, on = _in_force(request, district, date)
    return json_response(documents.cc_document(found.cc_list(issuer, on, kind)))


@api.get(f"{_LAW}/invitees", response={200: InviteesModel, **ERRORS}, tags=["law"])
def invitees(request: HttpRequest, district: str, event: EventKind,  # type: ignore[valid-type]
             date: schemas.DATE | None = None,
             host: str | None = None) -> HttpResponse:
    """Who an event of kind ``event`` on ``date`` invites, in which role, under which provision
    (``liaison invitees``); ``host``: the host of a department's professional meeting."""
    found, on = _in_force(request, district, date)
    return json_response(documents.invitees_document(found.invitees(event, on, host)))
