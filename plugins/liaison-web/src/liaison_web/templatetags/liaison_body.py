"""``{% body_links %}`` on the engagement page: the links to the body's pages about it (choose the
move's day on the calendar, record it held with attendees, minutes and files) for who may use them,
and the evidence files attached to it for who may read them, and the letters it produced (its
invitations, change and cancellation letters: drafts and issued) that the caller may read — worked out
here, from the access table and the API's letters list, so the engagement page's view needs nothing
more (:mod:`liaison_web.pages.body`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import template

from liaison.base.errors import LiaisonError
from liaison_web import access, models, service
from liaison_web.pages.body import letter_rows
from liaison_web.pages.lang import language

register = template.Library()


@register.inclusion_tag("liaison_web/pages/body_links.html", takes_context=True)
def body_links(context: Any) -> dict[str, Any]:
    request, district, year, e = context["request"], context["district"], context["year"], context["e"]
    obj = {"id": e["id"], "host": e["host"], "participants": list(e.get("participants", ()))}
    allowed = {op: service.may(request, op, district, obj) == access.Decision.ALLOWED for op in ("move", "held")}
    base = f"/engagement/{district}/{year}/{quote(e['id'])}/"
    files = [{"name": f.name, "size": f.size, "href": f"/api/v1/districts/{district}/evidence/{f.key}",
              "at": f.at, "by": f.actor}
             for f in models.Evidence.objects.filter(district__code=district, object_type="engagement",
                                                     object_id=e["id"]).order_by("at", "pk")]
    try:
        found, _ = service.district(request, district, "letters")
        letters = letter_rows(request, found, district, year, None, language(request), e["id"])[2]
    except LiaisonError:
        letters = []  # no letters' exporter installed, or none the caller may read: the page is whole without
    return {"lang": context.get("lang"), "allowed": allowed, "base": base, "files": files, "letters": letters}
