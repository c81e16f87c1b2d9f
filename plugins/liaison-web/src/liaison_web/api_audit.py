"""The district's whole audit log through the API, paged (``GET /districts/{district}/audit``).

For the callers whose ``audit`` reaches the whole district — its administrator and auditor, the city
auditor in every district (the access table; a body's role reads its own objects' logs, not this) —
every entry of the district, oldest first: engagements and records, and the service's own — webhooks
and their deliveries, API tokens, users and roles, imports and exports of years. ``since_id`` gives
the entries after the last one a client saw, ``limit`` at most that many (default 100, at most
1000); a full page names the next (``next``, and a ``Link: <…>; rel="next"`` header). ``format=jsonl``
answers the entries as JSON lines (``application/x-ndjson``), each as in the page, with the same ``Link``.
"""

from __future__ import annotations

import json
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema

from liaison_web import models
from liaison_web.api import ERRORS, EntryModel, _district, _district_object, _entry, api
from liaison_web.errors import json_response
from liaison_web.paging import Limit, SinceId, link, next_url, paged

__all__ = ["AuditPage", "district_audit"]

DEFAULT_LIMIT = 100


class AuditPage(Schema):
    """A page of the audit log, oldest first."""

    entries: list[EntryModel]
    next: str | None = Field(description="the next page's address (a full page); none: nothing more now")


#: ``format=jsonl``: the same 200 as JSON lines, each line an entry of the page
_JSONL = {"responses": {200: {"content": {"application/x-ndjson": {"schema": {
    "type": "string", "description": "one entry (as in the page's entries) a line"}}}}}}


@api.get("/districts/{district}/audit", response={200: AuditPage, **ERRORS}, openapi_extra=_JSONL, tags=["audit"])
def district_audit(request: HttpRequest, district: str, since_id: SinceId = 0, limit: Limit = DEFAULT_LIMIT,
                   format: Literal["json", "jsonl"] = "json") -> HttpResponse:
    """Every entry of the district's audit log after ``since_id``, oldest first, at most ``limit``:
    for a district-wide ``audit`` (the administrator, the auditor, the city auditor)."""
    _district(request, district, "audit")
    _district_object(request, "audit", district)  # a body's role: 403 (its own objects' logs are elsewhere)
    found = models.AuditEntry.objects.filter(district__code=district, id__gt=since_id).order_by("id")
    rows = list(found[:limit + 1])  # one more than the page: whether there is a next
    shown, after = paged(rows, lambda r: int(r.pk), None, limit)
    if format == "jsonl":
        lines = "".join(json.dumps(_entry(r, district), ensure_ascii=False) + "\n" for r in shown)
        response = HttpResponse(lines.encode(), content_type="application/x-ndjson; charset=utf-8")
        return link(response, request, after)
    return link(json_response({"entries": [_entry(r, district) for r in shown], "next": next_url(request, after)}),
                request, after)
