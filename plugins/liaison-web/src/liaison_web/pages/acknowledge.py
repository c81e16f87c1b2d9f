"""The acknowledgements on the pages (issue #25): on an engagement's page (the invitation's 回执) and
on a document's or a research result's record page (签收), the replies the caller may read — the
sender's view of what came back — and, for a body the item was sent to, the form by which its
liaison officer acknowledges it. The form posts to :func:`acknowledge`, which is the API's own
(:func:`liaison_web.api_acknowledge.acknowledge`): the same checks, record, audit entry and webhooks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from liaison.base.errors import LiaisonError
from liaison.law.acknowledgements import Acknowledged
from liaison.law.district import District
from liaison_web import access, service
from liaison_web.api_acknowledge import acknowledge as keep
from liaison_web.api_acknowledge import acknowledgements, addressees
from liaison_web.errors import InvalidRequest
from liaison_web.pages.lang import language, message, pick

__all__ = ["acknowledge", "section"]

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
            back: str) -> dict[str, Any]:
    """What the page's section shows: the replies the caller may read, and the bodies of the caller's
    it may acknowledge the item for (the form's), with the page to come back to."""
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
    return {"of": of.value, "item": item, "replies": shown, "bodies": bodies,
            "invitation": of == Acknowledged.INVITATION, "back": back}


@login_required
@require_http_methods(["POST"])
def acknowledge(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """The form's post: the body's acknowledgement, dated today in the district, then the page it came
    from (a redirect: a reload sends nothing twice), saying what was kept or why not."""
    from liaison_web.pages.views import _error_page, _status

    lang = language(request)
    form = request.POST
    back = form.get("back", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None) or not back.startswith("/"):
        back = f"/year/{district}/{year}/"
    try:
        found, _ = service.district(request, district, "acknowledge")
        of = form.get("of", "")
        if of not in set(Acknowledged):
            raise InvalidRequest(f"{of!r} is not what a body acknowledges", path=("of",),
                                 fix="acknowledge a document, an invitation or feedback",
                                 message_zh=f"“{of}”不是可签收的事项", fix_zh="请签收文件、邀请或反馈")
        body: dict[str, Any] = {"of": of, "item": form.get("item", ""), "organisation": form.get("organisation", ""),
                                "date": service.today(found).isoformat(), "note": form.get("note", "").strip()}
        if of == Acknowledged.INVITATION:
            body["attending"] = form.get("attending") == "yes"
            names = [n.strip() for n in form.get("attendees", "").replace("，", "、").replace(",", "、").split("、")]
            body["attendees"] = [n for n in names if n] if body["attending"] else []
        keep(request, district, year, body)
    except LiaisonError as error:
        status = _status(error)
        if status in (403, 404):
            return _error_page(request, error, status)
        problem = message(error, lang)
        messages.error(request, " ".join(p for p in problem if p))
        return HttpResponseRedirect(back)
    messages.success(request, pick(lang, "回执已保存。", "The acknowledgement is kept."))
    return HttpResponseRedirect(back)
