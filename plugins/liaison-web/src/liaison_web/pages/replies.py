"""The acknowledgements' section of the pages (issue #25): on an engagement's page (the invitation's
回执) and on a document's or a research result's record page (签收), the replies the caller may read —
the sender's view of what came back — and, for a body the item was sent to, its liaison officer's
form, which posts to :func:`liaison_web.pages.acknowledge.acknowledge`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from liaison.base.errors import LiaisonError
from liaison.law.acknowledgements import Acknowledged
from liaison.law.district import District
from liaison_web import access, service
from liaison_web.api_acknowledge import acknowledgements, addressees
from liaison_web.pages.lang import language, pick

__all__ = ["OF_RECORD", "section"]

#: The kind of record whose page shows its acknowledgements, and what they acknowledge.
OF_RECORD = {"documents": Acknowledged.DOCUMENT, "research_results": Acknowledged.FEEDBACK}


def _names(found: District, ids: Any, lang: str) -> str:
    shown = []
    for i in ids:
        try:
            org = found.organisation(str(i))
        except LiaisonError:
            shown.append(str(i))
        else:
            shown.append(org.name_en if lang == "en" else org.name)
    return pick(lang, "、", ", ").join(shown)


def section(request: HttpRequest, district: str, year: int, found: District, of: Acknowledged, item: str,
            back: str) -> dict[str, Any] | None:
    """What the page's section shows: the replies the caller may read, and the bodies of the caller's
    it may acknowledge the item for (the form's), with the page to come back to; None (no section)
    for an item not sent to any counterpart, without replies (a visit, a date not agreed yet)."""
    lang = language(request)
    try:
        replies = acknowledgements(request, district, year, of=of.value, item=item)
        sent = addressees(request, district, year, of, item)
    except LiaisonError:
        replies, sent = [], ()
    shown = []
    for reply in replies:
        record = reply["acknowledgement"]["record"]
        attending = record.get("attending")
        shown.append({"body": _names(found, [record["organisation"]], lang), "date": record["date"],
                      "attending": None if attending is None else pick(lang, "出席", "attends") if attending
                      else pick(lang, "不出席", "does not attend"),
                      "attendees": pick(lang, "、", ", ").join(record.get("attendees", ())),
                      "note": record.get("note", ""), "by": reply["acknowledgement"]["recorded_by"],
                      "version": reply["acknowledgement"]["version"]})
    members, _ = service.members(request)
    mine = [m.organisation for m in members if m.district == district and m.organisation
            and "acknowledge" in access.TABLE.get(m.role, {})]
    bodies = [(org, _names(found, [org], lang)) for org in dict.fromkeys(mine) if org in sent
              and service.may(request, "acknowledge", district, {"host": "", "participants": [org]})
              == access.Decision.ALLOWED]
    if not sent and not shown:
        return None
    return {"of": of.value, "item": item, "replies": shown, "bodies": bodies,
            "invitation": of == Acknowledged.INVITATION, "back": back}
