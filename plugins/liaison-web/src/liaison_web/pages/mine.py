"""What *my year* (:func:`liaison_web.pages.views.year`, through ``{% year_parts %}``:
:mod:`liaison_web.templatetags.liaison_mine`) shows of a body beyond its engagements and
its to-do list (issue #26): its letters, drafts and issued, and its findings so far — each one click
from the provision's text it rests on.

Both are the API's own answers, filtered to the body as the API filters them: the letters are the
letters page's rows (:func:`liaison_web.pages.body.letter_rows`, the access table's ``letters``),
the findings the report's (:func:`liaison_web.api_records._report`, the findings' one computation)
about the body (:func:`liaison_web.api_records.concerns`, as ``…/organisations/{o}/findings``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest

from liaison.law.district import District
from liaison_web.api_records import _report, concerns
from liaison_web.pages.body import letter_rows
from liaison_web.pages.office import _finding_view

__all__ = ["body_findings", "body_letters"]


def body_letters(request: HttpRequest, found: District, district: str, year: int, body: str,
                 engagements: Mapping[str, Mapping[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The year's letters of ``body`` the caller may read — those to it, from it or about its
    engagements, as the letters page lists them (today's export) — each with the provisions it rests
    on (:func:`letter_provisions`) and the day their text is read on."""
    _, when, rows = letter_rows(request, found, district, year, None, lang)
    mine = []
    for row in rows:
        whose = row["whose"]
        if body != whose.get("host") and body not in whose.get("participants", ()):
            continue
        provisions = letter_provisions(whose, engagements)
        on = (row["date"] or when).isoformat() if (row["date"] or when).year == year else f"{year}-12-31"
        mine.append({**row, "provisions": [(p, quote(p, safe="")) for p in provisions], "on": on})
    return mine


def letter_provisions(whose: Mapping[str, Any], engagements: Mapping[str, Mapping[str, Any]]) -> tuple[str, ...]:
    """The provisions a letter rests on: those the export says (``provisions``, the letters' exporter's
    own), else, for a letter about an engagement, the engagement's."""
    said = tuple(whose.get("provisions", ()))
    if said:
        return said
    return tuple(engagements.get(whose.get("engagement", ""), {}).get("provisions", ()))


def body_findings(request: HttpRequest, district: str, year: int, body: str, day: dt.date,
                  lang: str) -> tuple[dt.date, list[dict[str, Any]]]:
    """The findings about ``body`` as of ``day`` (the year's last day for a day after it: the
    findings so far of the year shown), as the department's findings page shows them, each linking
    to its provision. A year not begun on ``day`` has none so far: none is dated on a day to come
    (its first day was, when the day was moved forward into it)."""
    as_of = min(day, dt.date(year, 12, 31))
    if as_of.year < year:
        return as_of, []
    found, report = _report(request, district, year, as_of)
    shown = [f for f in report.findings if concerns(f, body)]
    return as_of, [_finding_view(found, f, lang, i) for i, f in enumerate(shown)]
