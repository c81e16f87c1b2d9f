"""``{% year_parts %}`` on *my year*: the body's letters and its findings so far
(:mod:`liaison_web.pages.mine`), worked out here, as the engagement page's ``{% body_links %}``, so
the year's view needs nothing more (and the pages' modules import no circle)."""

from __future__ import annotations

from typing import Any

from django import template

from liaison.base.errors import LiaisonError
from liaison_web import service
from liaison_web.pages.lang import language, message
from liaison_web.pages.mine import body_findings, body_letters

register = template.Library()


@register.inclusion_tag("liaison_web/pages/year_parts.html", takes_context=True)
def year_parts(context: Any) -> dict[str, Any]:
    """The letters and the findings of the page's body (``body``) as of its day (``day``); either
    failing (no letters' exporter installed) says why in its place and leaves the other."""
    request, district, year, body, day = (context[k] for k in ("request", "district", "year", "body", "day"))
    lang = language(request)
    shown: dict[str, Any] = {"lang": lang, "district": district, "year": year, "letters": [], "findings": [],
                             "findings_on": None, "letters_error": None, "findings_error": None}
    try:
        found, version = service.district(request, district)
        engagements = service.rendered(district, version, year, service.revision(found, year))[2]
        shown["letters"] = body_letters(request, found, district, year, body, engagements, lang)
    except LiaisonError as error:
        shown["letters_error"] = message(error, lang)[0]
    try:
        shown["findings_on"], shown["findings"] = body_findings(request, district, year, body, day, lang)
    except LiaisonError as error:
        shown["findings_error"] = message(error, lang)[0]
    return shown
