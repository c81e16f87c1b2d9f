"""The pages' views (:mod:`liaison_web.pages`). They read and change through the API's own functions
(:mod:`liaison_web.service`): the same access table, the same plan, the same change with its audit
entry, the same to-do list — a page is another way of calling them, not a second copy of the rules."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from liaison.base.errors import LiaisonError, UnknownProvisionError
from liaison.law.district import District
from liaison.law.workdays import WorkingDayCalendar
from liaison.year.engagements import STATUS_EN, STATUS_ZH, DayGoneBy, NotYetHeld, Status
from liaison.year.reconcile import Change
from liaison_web import access, bootstrap, models, service
from liaison_web.errors import Forbidden, InvalidRequest, NotFound
from liaison_web.pages.lang import COOKIE, language, message, pick
from liaison_web.store import DatabaseStore

__all__ = ["csrf_failure", "engagement", "home", "login", "provision", "switch_language", "year"]


class Login(auth.LoginView):
    """Django's login view on the pages' template; then the caller's year (or ``next``)."""

    template_name = "liaison_web/pages/login.html"
    redirect_authenticated_user = True
    next_page = "/"


login = Login.as_view()


def switch_language(request: HttpRequest, lang: str) -> HttpResponse:
    """Keep the chosen language in a cookie and go back where the caller was (only to this site)."""
    back = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = "/"
    response = HttpResponseRedirect(back)
    response.set_cookie(COOKIE, "en" if lang == "en" else "zh", max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True, secure=request.is_secure())
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without its CSRF token (or with a stale one): refused, nothing changed (Django's
    CSRF middleware calls this; the API's changes answer their own 403 in the error shape)."""
    return _error_page(request, Forbidden(
        "the form was refused: its security token (CSRF) is missing or out of date; nothing was changed",
        fix="go back, reload the page and send the form again",
        message_zh="表单被拒绝：缺少安全令牌（CSRF）或令牌已过期；未作任何修改",
        fix_zh="请返回并刷新页面，再重新提交表单"), 403)


_LOGOUT = auth.LogoutView.as_view()


def logout(request: HttpRequest) -> HttpResponseBase:
    """Log out by the form's POST (Django's own view: a link cannot log a user out for another site);
    an address opened (``GET``) is the pages' page with that form's button, not Django's bare 405."""
    if request.method == "POST":
        return _LOGOUT(request)
    if not request.user.is_authenticated:
        return HttpResponseRedirect("/login/")
    return render(request, "liaison_web/pages/logout.html", {})


# -- what the pages share ------------------------------------------------------------------------------
def _status(error: LiaisonError) -> int:
    from liaison_web.api import STATUS  # the API's statuses for the library's errors: one table

    if isinstance(error, InvalidRequest):  # the API's validation answers it 422 (django-ninja's handler)
        return 422
    return next((status for kind, status in STATUS if isinstance(error, kind)), 400)


def _error_page(request: HttpRequest, error: LiaisonError, status: int) -> HttpResponse:
    lang = language(request)
    text, fix = message(error, lang)
    title = {403: pick(lang, "无权访问", "Not allowed"), 404: pick(lang, "未找到", "Not found")}.get(
        status, pick(lang, "无法完成", "Could not be done"))
    return render(request, "liaison_web/pages/error.html",
                  {"title": title, "status": status, "message": text, "fix": fix, "kind": type(error).__name__},
                  status=status)


def _org_name(found: District, org: str, lang: str) -> str:
    try:
        known = found.organisation(org)
    except LiaisonError:
        return org
    return known.name_en if lang == "en" else known.name


def _body_of(request: HttpRequest, code: str) -> str:
    """The organisation the caller works for in the district ("" for a district-wide role)."""
    mine, _ = service.members(request)
    return next((m.organisation for m in mine if m.district == code and m.organisation), "")


def _day(text: str | None, default: dt.date | None = None, *, field: str = "on") -> dt.date:
    """The day a form or an address gives (``YYYY-MM-DD``); none given: ``default``."""
    if not text and default is not None:
        return default
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        raise InvalidRequest(f"{text!r} is not a day (YYYY-MM-DD)", path=(field,), fix="give a day as 2027-03-10",
                             message_zh=f"{text!r} 不是日期（年-月-日）",
                             fix_zh="请按 2027-03-10 的格式填写日期") from None


def _shown(found: District, item: dict[str, Any], lang: str) -> dict[str, Any]:
    """An engagement of the plan's JSON with what a page shows of it in ``lang``."""
    status = Status(item["status"])
    return {**item, "title": item.get("title_en") if lang == "en" and item.get("title_en") else item["title_zh"],
            "kind_name": found.kind_name(item["kind"], lang),
            "status_name": (STATUS_EN if lang == "en" else STATUS_ZH)[status],
            "host_name": _org_name(found, item["host"], lang),
            "participant_names": pick(lang, "、", ", ").join(_org_name(found, p, lang)
                                                            for p in item.get("participants", ())),
            "path": quote(item["id"])}


# -- the pages -----------------------------------------------------------------------------------------
@login_required
def home(request: HttpRequest) -> HttpResponseBase:
    """The caller's year: its first district's, the current year there (a city auditor's: the
    city's districts)."""
    mine, superuser = service.members(request)
    if not superuser and access.reads_every_district(mine) and not any(m.district for m in mine):
        return HttpResponseRedirect("/city/")  # a city auditor: the city's districts (liaison_web.pages.city)
    codes = [m.district for m in mine if m.district] + list(
        models.District.objects.order_by("code").values_list("code", flat=True))
    for code in codes:
        if access.sees_district(mine, code, superuser=superuser):
            found = bootstrap.district(code)
            if found is not None:
                return HttpResponseRedirect(f"/year/{code}/{service.today(found).year}/")
    return _error_page(request, NotFound(
        "your user has no role in any district yet", fix="ask the administrator to give you one (/admin/)",
        message_zh="您的账户尚未在任何区分配角色", fix_zh="请联系管理员分配角色（/admin/）"), 404)


@login_required
def year(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """*My year*: the body's engagements, month by month, and its to-do list this week and this
    month as of a day (``on``, default today in the district). A district-wide role picks the body
    (``body``) or sees the whole district's engagements."""
    lang = language(request)
    try:
        found, version = service.district(request, district)
        mine = _body_of(request, district)
        body = request.GET.get("body", "") or mine
        if body:
            body = found.organisation(body).id
            service.authorise(request, "read", district, {"id": body, "host": body, "participants": [body]})
        revision = service.revision(found, year)
        engagements = service.rendered(district, version, year, revision)[2]
        day = _day(request.GET.get("on"), service.today(found))
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    shown = [_shown(found, e, lang) for e in engagements.values()
             if service.may(request, "read", district, e) == access.Decision.ALLOWED
             and (not body or e["host"] == body or body in e.get("participants", ()))]
    shown.sort(key=lambda e: (e["date"], e.get("start") or "", e["id"]))
    months: dict[int, list[dict[str, Any]]] = {}
    by_day: dict[str, list[dict[str, Any]]] = {}
    for item in shown:
        months.setdefault(int(item["date"][5:7]), []).append(item)
        item["anchor"] = item["date"] not in by_day  # the list's first of a day: the grid links to it
        by_day.setdefault(item["date"], []).append(item)
    due_error, week, month = None, [], []
    if body:
        try:
            listed = service.due(found, body, day)
        except LiaisonError as error:
            due_error = message(error, lang)[0]
        else:
            # the list is of the day's year, which may not be the year shown: its engagements are linked
            of_day = engagements if day.year == year else service.rendered(
                district, version, day.year, service.revision(found, day.year))[2]
            week_end = day + dt.timedelta(days=6 - day.weekday())
            month_end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            for item in listed["items"]:
                due = item["due"]  # the document's values: a date (its JSON writes the ISO day)
                due = dt.date.fromisoformat(due) if isinstance(due, str) else due
                entry = {**item, "due": due, "todo": pick(lang, item["todo_zh"], item["todo_en"]),
                         "kind_name": pick(lang, item["kind_zh"], item["kind_en"]), "overdue": due < day,
                         "ref_path": quote(item["ref"]) if item["ref"] in of_day else "",
                         "provision_path": quote(item["provision"]) if item.get("provision") else ""}
                if due <= week_end:
                    week.append(entry)
                elif due <= month_end:
                    month.append(entry)
    month_names = [pick(lang, f"{m}月", dt.date(2000, m, 1).strftime("%B")) for m in range(1, 13)]
    stored = DatabaseStore().load(found, year, revision=revision)
    grid = _grid(year, month_names, by_day, service.working_days(stored.state if stored else None, year), lang)
    bodies = [] if mine else [(o.id, _org_name(found, o.id, lang)) for o in found.organisations]
    return render(request, "liaison_web/pages/year.html", {
        "district": district, "district_name": found.info.name, "year": year, "body": body,
        "body_name": _org_name(found, body, lang) if body else "", "bodies": bodies, "day": day,
        "months": [(month_names[m - 1], items) for m, items in sorted(months.items())], "grid": grid,
        "weekdays": ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"] if lang == "en" else list("一二三四五六日"),
        "count": len(shown), "week": week, "month": month, "due_error": due_error,
        "may_record": bool(service.recordable_kinds(request, district))})


def _grid(year: int, month_names: list[str], by_day: dict[str, list[dict[str, Any]]],
          working: WorkingDayCalendar, lang: str) -> list[tuple[str, list[list[dict[str, Any] | None]]]]:
    """The year as twelve month grids, Monday first: each day with its engagements, and whether it is
    a day off (a weekend, a holiday — named — or a customary break, by the year's calendar)."""
    months = []
    for month in range(1, 13):
        weeks = []
        for week in calendar.Calendar().monthdatescalendar(year, month):
            cells: list[dict[str, Any] | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                holiday = working.holiday(day)
                items = by_day.get(day.isoformat(), [])
                cells.append({"day": day.day, "iso": day.isoformat(), "off": not working.is_working_day(day),
                              "holiday": holiday.label(lang) if holiday else "",
                              "titles": "; ".join(i["title"] for i in items), "has": bool(items)})
            weeks.append(cells)
        months.append((month_names[month - 1], weeks))
    return months


_ACTIONS = ("confirm", "move", "cancel", "held")

#: The held forms' box that forces the change, by what it does (before its day too): the label, and the
#: words the refusal of a meeting not yet due names it by.
HELD_FORCE = ("已取消、已商定另一日期或尚未到日期的也标记",
              "Also if it was cancelled, agreed for another day, or its day has not come yet")


#: The move form's box, offered beside the refusal of a move onto a day gone by (the library's
#: :class:`~liaison.year.engagements.DayGoneBy`, 409 without ``force``), that moves it there all the same.
PAST_FORCE = ("日期已过也照样改到该日", "Move it to that day although the day is past")


def held_refusal(error: LiaisonError) -> LiaisonError:
    """A form's refusal with its fix in the form's words: a meeting marked held before its day, or
    moved onto a day gone by, names the box to tick (the library's fix names the API's field, ``force``)."""
    if isinstance(error, NotYetHeld):
        zh, en = HELD_FORCE
        return error.located(fix=f"if it was held on another day, give that day as well; to mark it held in advance, "
                                 f"tick “{en}” and send the form again",
                             fix_zh=f"如实际在另一天召开，请同时填写召开日期；如确需提前标记，请勾选“{zh}”后重新提交")
    if isinstance(error, DayGoneBy):
        zh, en = PAST_FORCE
        return error.located(fix="if it took place on that day, mark it held below with that day as the day it was "
                                 f"held on; to move it there all the same, tick “{en}” and send the form again",
                             fix_zh=f"如该活动已在那一天召开，请在下方“标记为已召开”中填写该召开日期；如确需改到该日，"
                                    f"请勾选“{zh}”后重新提交")
    return error


@login_required
@require_http_methods(["GET", "POST"])
def engagement(request: HttpRequest, district: str, year: int, engagement: str) -> HttpResponse:
    """One engagement: what the plan says of it, its warnings, the changes the caller may make (each
    through :func:`liaison_web.service.change`, on the revision the page was read at) and its history."""
    lang = language(request)
    problem: tuple[str, str] | None = None
    status = 200
    gone_by = ""  # the day a move was refused for being past: the move form offers it again with the box
    if request.method == "POST":
        try:
            return _change(request, district, year, engagement, lang)
        except service.Stale as stale:
            problem, status = message(stale.conflict, lang), 412
        except LiaisonError as error:
            status = _status(error)
            if status in (403, 404):
                return _error_page(request, error, status)
            problem = message(held_refusal(error), lang)
            if isinstance(error, DayGoneBy):
                gone_by = request.POST.get("date", "")
    try:
        found, version = service.district(request, district)
        revision = service.revision(found, year)
        _, plan, engagements = service.rendered(district, version, year, revision)
        current = engagements.get(engagement)
        if current is None:
            raise service.no_engagement(year, engagement)
        service.authorise(request, "read", district, current)
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    allowed = {op: service.may(request, op, district, current) == access.Decision.ALLOWED
               for op in (*_ACTIONS, "audit")}
    history = []
    if allowed["audit"]:
        for row in models.AuditEntry.objects.filter(district__code=district, object_type="engagement",
                                                    object_id=engagement).order_by("at", "pk"):
            after = row.after if isinstance(row.after, dict) else {}
            before = row.before if isinstance(row.before, dict) else {}
            history.append({"at": row.at, "actor": row.actor, "action": row.action,
                            "action_name": pick(lang, *access.ROLE_NAMES_OF_OPERATION[row.action][::-1])
                            if row.action in access.ROLE_NAMES_OF_OPERATION else row.action,
                            "before": _briefly(before, lang), "after": _briefly(after, lang),
                            "reason": after.get("reason", "")})
    warnings = [pick(lang, w["message_zh"], w["message_en"]) for w in plan.get("warnings", ())
                if w.get("engagement") == engagement]
    return render(request, "liaison_web/pages/engagement.html", {
        "district": district, "year": year, "e": _shown(found, current, lang), "revision": revision,
        "allowed": allowed, "any_change": any(allowed[op] for op in _ACTIONS), "history": history,
        "warnings": warnings, "problem": problem, "first_day": f"{year}-01-01", "last_day": f"{year}-12-31",
        "held_force": pick(lang, *HELD_FORCE), "back": f"/year/{district}/{year}/",
        "gone_by": gone_by, "past_force": pick(lang, *PAST_FORCE) if gone_by else "",
        "ack": _replies(request, district, year, found, engagement)},
        status=status)


def _replies(request: HttpRequest, district: str, year: int, found: District, engagement: str
             ) -> dict[str, Any] | None:
    """The invitation's replies (回执) and the caller's form (:mod:`liaison_web.pages.replies`)."""
    from liaison.law.acknowledgements import Acknowledged
    from liaison_web.pages.replies import section

    return section(request, district, year, found, Acknowledged.INVITATION, engagement, request.path)


def _briefly(engagement: dict[str, Any], lang: str) -> str:
    """An engagement as the history shows it before or after a change: its day and status."""
    names = STATUS_EN if lang == "en" else STATUS_ZH
    status = engagement.get("status")
    return f"{engagement.get('date', '')} {names[Status(status)] if status in set(Status) else ''}".strip()


def _change(request: HttpRequest, district: str, year: int, engagement: str, lang: str) -> HttpResponse:
    """One of the page's forms: the change, then the page again (a redirect: a reload sends nothing twice)."""
    form = request.POST
    action = form.get("action", "")
    if action not in _ACTIONS:
        raise InvalidRequest(f"{action!r} is not a change of an engagement", path=("action",),
                             fix="use one of the page's buttons", message_zh=f"{action!r} 不是对活动的修改",
                             fix_zh="请使用页面上的按钮")
    force = form.get("force") == "on"
    noted: dict[str, Any] | None = None
    held_on: dt.date | None = None
    if action == "confirm":
        changes = [Change("confirm", engagement)]
    elif action == "move":
        day = _day(form.get("date", ""), field="date")
        start = _time(form.get("start", ""))
        changes = [Change("move", engagement, day, start)]
    elif action == "cancel":
        reason = form.get("reason", "").strip()
        if not reason or len(reason) > 1000:
            raise InvalidRequest("a cancellation needs its reason (up to 1000 characters)", path=("reason",),
                                 fix="write why it is cancelled", message_zh="取消须写明原因（不超过1000字）",
                                 fix_zh="请填写取消的原因")
        changes, noted = [Change("cancel", engagement)], {"reason": reason}
    else:
        held_on = _day(form["date"], field="date") if form.get("date") else None
        changes = [Change("held", engagement)]

    def made(current: dict[str, Any]) -> list[Change]:
        if action == "held" and held_on is not None and held_on.isoformat() != current.get("date"):
            return [Change("move", engagement, held_on), *changes]  # held on another day: as the API's held
        return changes
    done = service.change(request, district, year, engagement, action, made, force=force,
                          expected=form.get("revision", ""), noted=noted)
    after = done.engagement
    shown = (STATUS_EN if lang == "en" else STATUS_ZH)[Status(after["status"])]
    messages.success(request, pick(lang, f"已保存：{after['date']}，{shown}", f"Saved: {after['date']}, {shown}"))
    return HttpResponseRedirect(f"/engagement/{district}/{year}/{quote(engagement)}/")


def _time(text: str) -> dt.time | None:
    if not text:
        return None
    try:
        return dt.time.fromisoformat(text).replace(second=0, microsecond=0)
    except ValueError:
        raise InvalidRequest(f"{text!r} is not a time (HH:MM)", path=("start",), fix="give a time as 09:30",
                             message_zh=f"{text!r} 不是时间（时:分）", fix_zh="请按 09:30 的格式填写时间") from None


@login_required
def provision(request: HttpRequest, district: str, provision: str) -> HttpResponse:
    """A provision's text in force on a day (``on``, default today), in Chinese and — below or
    first, by the page's language — the English reading."""
    lang = language(request)
    try:
        found, _ = service.district(request, district)
        day = _day(request.GET.get("on"), service.today(found))
        known = found.provision(provision)
    except LiaisonError as error:
        return _error_page(request, error, 404 if isinstance(error, UnknownProvisionError) else _status(error))
    text = known.text_at(day)
    return render(request, "liaison_web/pages/provision.html", {
        "district": district, "district_name": found.info.name, "p": known, "day": day,
        "title": pick(lang, known.title_zh, known.title_en or known.title_zh),
        "text_zh": text.text_zh, "text_en": text.text_en, "back": request.GET.get("back", "")
        if url_has_allowed_host_and_scheme(request.GET.get("back", ""), allowed_hosts={request.get_host()})
        else ""})
