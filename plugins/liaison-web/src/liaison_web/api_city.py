"""The API's view of a city (registered on :data:`liaison_web.api.api`): ``GET /api/v1/city``,
every district of the deployment with its year's standing, for a city auditor. Its own module, as
the standings (:mod:`liaison_web.city`) are made from the API's findings: the API does not import
the city, the city and this module import the API."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse

from liaison.formats.documents import document
from liaison_web import access, schemas
from liaison_web.api import Error, _members, _scope, api
from liaison_web.city import CityDocument, survey
from liaison_web.errors import Forbidden, InvalidRequest, json_response

CityModel = schemas.model_of(CityDocument, name="City")


@api.get("/city", response={200: CityModel, 401: Error, 403: Error, 422: Error}, tags=["districts"])
def city(request: HttpRequest, year: int | None = None, as_of: dt.date | None = None) -> HttpResponse:
    """Every district of the deployment, each with its year's standing from the library's findings
    (met, short, explained, unanswered — feedback overdue —, not yet due) and the letters issued:
    the city auditor's view (a superuser's too; anyone else 403). ``year``: default the year of
    ``as_of``, else the current one; ``as_of``: default today in each district's time zone, within
    the year. A district whose year has no plan is listed without counts."""
    from django.utils import timezone

    from liaison.year.planner import check_year

    _scope(request, "read")
    members, superuser = _members(request)
    if not access.reads_every_district(members, superuser=superuser):
        raise Forbidden("only a city auditor reads every district's standing",
                        fix="read your district's findings: /api/v1/districts/{district}/years/{year}/findings",
                        message_zh="只有市级审计可查看各区的落实情况",
                        fix_zh="请查看本区的检查结果：/api/v1/districts/{区}/years/{年度}/findings")
    year = year or (as_of.year if as_of else timezone.localdate().year)
    check_year(year)
    if as_of is not None and as_of.year != year:
        raise InvalidRequest(f"as_of {as_of.isoformat()} is not in the year {year}", path=("as_of",),
                             fix="give a day of the year, or leave as_of out",
                             message_zh=f"as_of {as_of.isoformat()} 不在{year}年内",
                             fix_zh="请给出该年度内的日期，或不给 as_of")
    return json_response(document(survey(year, as_of)))
