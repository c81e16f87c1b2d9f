"""The acknowledgement form's post (issue #25): the body's acknowledgement through the API's own
function (:func:`liaison_web.api_acknowledge.acknowledge`: the same checks, record, audit entry and
webhooks), then the page it came from. The section showing the replies and the form is
:mod:`liaison_web.pages.replies`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from liaison.base.errors import LiaisonError
from liaison.law.acknowledgements import Acknowledged
from liaison_web import service
from liaison_web.api_acknowledge import acknowledge as keep
from liaison_web.errors import InvalidRequest
from liaison_web.pages.lang import language, message, pick
from liaison_web.pages.views import _error_page, _status

__all__ = ["acknowledge"]


@login_required
@require_http_methods(["POST"])
def acknowledge(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """The form's post: the body's acknowledgement, dated today in the district, then the page it came
    from (a redirect: a reload sends nothing twice), saying what was kept or why not."""
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
