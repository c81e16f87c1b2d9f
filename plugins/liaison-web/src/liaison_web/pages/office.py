"""The united-front department's pages (issue #26): what the administrator and the auditor of a
district read and do, on the same functions the API answers with — the findings
(:func:`liaison_web.api_records._report`, the report's one computation) and the html plugin's heat map
of them (:func:`liaison_html.heatmap.heat_map`, the static page's own data, here made from the
database's current state), the bodies behind on their obligations (each body's due list and its
findings), the whole district's year, the audit log (its CSV is :func:`liaison_web.audit.write`, as
``liaison web audit-export``), the users and their roles (Django's auth: hashed passwords, CSRF), the
API tokens of the district's users (:mod:`liaison_web.tokens`' one place, as the API's), the letters'
register and their issue (:func:`liaison_web.api.issue_letters`' flow, :func:`liaison_web.outputs.issue`),
and amendments previewed before they are saved (:mod:`liaison_web.amend`).

Who may read and do what is :mod:`liaison_web.access`'s: the district-wide pages need a district-wide
``read`` (administrator, auditor, city auditor), a body's findings what that body's due list needs,
issuing ``issue``, the tokens ``tokens`` (to read) and ``manage_tokens`` (to make and revoke), the users
and amendments the district's administration (:func:`liaison_web.access.administers`). Another
district's is 404, another body's 403, as in the API.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from liaison.base.errors import LiaisonError
from liaison.law.district import District
from liaison.law.findings import SHORTFALLS, Finding, Severity
from liaison.law.findings import STATUS_EN as FINDING_STATUS_EN
from liaison.law.findings import STATUS_ZH as FINDING_STATUS_ZH
from liaison.law.terms import SETTING_EN, SETTING_ZH
from liaison.year.engagements import STATUS_EN, STATUS_ZH, Status
from liaison_web import access, evidence, service
from liaison_web.errors import Forbidden, InvalidRequest, NotFound
from liaison_web.memberships import BOUND, DISTRICT_ROLES, bound_organisation
from liaison_web.pages.lang import language, message, pick
from liaison_web.pages.views import _day, _error_page, _org_name, _shown, _status

__all__ = ["amend", "audit_log", "behind", "changed_here", "findings", "letters", "tokens_page", "urls", "users",
           "year_engagements"]


# -- what the office's pages share ---------------------------------------------------------------------
def district_wide(request: HttpRequest, code: str, operation: str = "read") -> tuple[District, str]:
    """The district, for a caller whose ``operation`` covers all of it (an administrator, an auditor,
    a city auditor): another district's is 404, a body's role 403 — as the API's whole report."""
    found, version = service.district(request, code, operation)
    service.authorise(request, operation, code, {"id": code, "host": "", "participants": []})
    return found, version


def _tabs(code: str, year: int, lang: str, here: str) -> list[dict[str, Any]]:
    """The office's pages, for the menu at the top of each."""
    tabs = [("findings", f"/office/{code}/{year}/findings/", "检查结果与热图", "Findings and heat map"),
            ("behind", f"/office/{code}/{year}/behind/", "未按期履行的单位", "Bodies behind"),
            ("year", f"/office/{code}/{year}/engagements/", "全区年度安排", "The district's year"),
            ("letters", f"/office/{code}/{year}/letters/", "公文与发文登记", "Letters and the register"),
            ("audit", f"/office/{code}/audit/", "审计日志", "Audit log"),
            ("users", f"/office/{code}/users/", "用户与角色", "Users and roles"),
            ("tokens", f"/office/{code}/tokens/", "接口令牌", "API tokens"),
            ("amend", f"/office/{code}/{year}/amend/", "调整与修订", "Amendments")]
    return [{"key": key, "href": href, "name": pick(lang, zh, en), "here": key == here}
            for key, href, zh, en in tabs]


def _page(request: HttpRequest, template: str, code: str, year: int, here: str, found: District,
          values: dict[str, Any], status: int = 200) -> HttpResponse:
    lang = language(request)
    return render(request, f"liaison_web/pages/office/{template}", {
        "district": code, "district_name": pick(lang, found.info.name, found.info.name_en or found.info.name),
        "year": year, "tabs": _tabs(code, year, lang, here), **values}, status=status)


def _as_of(request: HttpRequest, found: District, year: int, field: str = "as_of") -> dt.date:
    """The day a page is as of (``as_of``): default today when it is in ``year``, else its last or first day
    (the API's report's default)."""
    default = min(max(service.today(found), dt.date(year, 1, 1)), dt.date(year, 12, 31))
    return _day(request.GET.get(field), default, field=field)


def _finding_view(found: District, f: Finding, lang: str, index: int) -> dict[str, Any]:
    """A finding as a page shows it: its provision with the text in force at the end of its period,
    whether it rests on the text or a local setting, and the link to the provision's page."""
    provision = found.provision(f.provision)
    day = min(f.period[1], dt.date(f.period[0].year, 12, 31))
    text = provision.text_at(day)
    return {"index": index, "provision": provision.id, "provision_path": quote(provision.id, safe=""),
            "title": pick(lang, provision.title_zh, provision.title_en or provision.title_zh),
            "text": pick(lang, text.text_zh, text.text_en or text.text_zh), "on": day.isoformat(),
            "status": f.status.value,
            "status_name": (FINDING_STATUS_EN if lang == "en" else FINDING_STATUS_ZH)[f.status],
            "severity": f.severity.value, "severity_name": f.severity.label(lang), "basis": f.basis,
            "basis_name": pick(lang, "依据原文规定", "the regulation's text") if f.basis == "text"
            else pick(lang, "依据本区设定（原文未规定）", "the district's own setting (not in the text)"),
            # the settings by their names (the findings' own words), never a field's id such as scope
            "rests_on": pick(lang, "、".join(SETTING_ZH.get(r, r) for r in f.rests_on),
                             ", ".join(SETTING_EN.get(r, r.replace("_", " ")) for r in f.rests_on)),
            "message": f.message(lang),
            "body": _org_name(found, f.responsible, lang) if f.responsible else pick(lang, "全区", "the district"),
            "responsible": f.responsible or "", "period": f"{f.period[0].isoformat()} – {f.period[1].isoformat()}",
            "reason": f.reason}


# -- (1) the findings and the heat map -----------------------------------------------------------------
def findings(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """The findings of the district as of a day (``as_of``) with the heat map, or of one body
    (``body``): each with its provision, the text in force, text or local, and a link to the
    provision's page. The heat map is the html plugin's, made from the report of the year as the
    database holds it now — a record entered changes it on the next load."""
    from liaison_web.api_records import _report, concerns

    lang = language(request)
    try:
        found, _ = service.district(request, district)
        body = request.GET.get("body", "")
        if body:
            body = found.organisation(body).id
            service.authorise(request, "read", district, {"id": body, "host": body, "participants": [body]})
        else:
            service.authorise(request, "read", district, {"id": district, "host": "", "participants": []})
        day = _as_of(request, found, year)
        found, report = _report(request, district, year, day)
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    shown = [f for f in report.findings if not body or concerns(f, body)]
    views = [_finding_view(found, f, lang, i) for i, f in enumerate(shown)]
    heat = None if body else _heat(found, report, lang)
    totals = {s.value: sum(f.severity == s for f in shown) for s in Severity}
    bodies = [(o.id, _org_name(found, o.id, lang)) for o in found.organisations]
    return _page(request, "findings.html", district, year, "findings", found, {
        "body": body, "body_name": _org_name(found, body, lang) if body else "", "bodies": bodies,
        "as_of": day, "findings": views, "heat": heat,
        "totals": [(s.label(lang), totals[s.value]) for s in Severity if totals[s.value]]})




def _heat(found: District, report: Any, lang: str) -> dict[str, Any]:
    """The html plugin's heat map of ``report`` (its rows, columns, cells' states and findings), in the
    page's language: the static page's data, rendered here by the service's template."""
    from liaison_html.heatmap import heat_map
    from liaison_html.marks import Provisions
    from liaison_html.texts import UI

    made = heat_map(found, report, Provisions(found))

    def say(text: Any) -> str:
        return str(text.en if lang == "en" else text.zh)

    columns = [{"provision": c.provision.id, "label": say(c.label)} for c in made.columns]
    rows, opened = [], []
    for row in made.rows:
        cells = []
        for cell, column in zip(row.cells, made.columns, strict=True):
            # what a screen reader says of the cell: the legend's words, in the page's language
            named = "short local" if cell.state.value == "short" and cell.local else cell.state.value
            cells.append({"key": cell.key, "state": cell.state.value, "local": cell.local, "symbol": cell.symbol,
                          "count": len(cell.findings), "provision": column.provision.id,
                          "state_name": say(UI["state_" + named.replace(" ", "_")])})
            if cell.findings:
                opened.append({"key": cell.key, "body": say(row.name), "provision": column.provision.id,
                               "provision_path": quote(column.provision.id, safe=""), "label": say(column.label),
                               "state": cell.state.value, "findings": [
                                   {"status": say(v.status), "severity": say(v.severity), "period": say(v.period),
                                    "message": say(v.message), "basis": say(v.basis), "local": v.local,
                                    "reason": v.reason} for v in cell.findings]})
        rows.append({"name": say(row.name), "org": row.org_id or "", "cells": cells})
    legend = [(state, say(UI["state_" + state.replace(" ", "_")]))
              for state in ("met", "short", "short local", "deviation", "info", "none")]
    return {"as_of": made.as_of, "columns": columns, "rows": rows, "opened": opened, "legend": legend,
            "totals": say(made.totals), "local_mark": say(UI["local_mark"]),
            "notes": [say(n) for n in made.notes], "not_counted": [say(n) for n in made.not_counted]}


# -- (2) the bodies behind, the whole year, the audit log ----------------------------------------------
def behind(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """The bodies behind on their obligations as of a day (``on``): for each body, what its to-do list
    (the API's due list) has overdue, and its findings short of the text or of a local setting."""
    from liaison_web.api_records import _report

    lang = language(request)
    try:
        found, _ = district_wide(request, district)
        day = _as_of(request, found, year, "on")
        found, report = _report(request, district, year, day)
        lists = service.dues(found, day) if day.year == year else {}
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    short: dict[str, list[Finding]] = {}
    for f in report.findings:
        if f.status in SHORTFALLS and f.severity in (Severity.VIOLATION, Severity.LOCAL, Severity.DEVIATION):
            short.setdefault(f.responsible or "", []).append(f)
    rows = []
    for organisation in found.organisations:
        overdue = []
        for item in lists.get(organisation.id, {}).get("items", ()):
            due = item["due"] if isinstance(item["due"], dt.date) else dt.date.fromisoformat(item["due"])
            if due < day:
                overdue.append({"todo": pick(lang, item["todo_zh"], item["todo_en"]), "due": due.isoformat(),
                                "provision": item.get("provision") or "",
                                "provision_path": quote(item.get("provision") or "", safe="")})
        mine = short.get(organisation.id, [])
        if overdue or mine:
            rows.append({"org": organisation.id, "name": _org_name(found, organisation.id, lang), "overdue": overdue,
                         "short": [_finding_view(found, f, lang, i) for i, f in enumerate(mine)]})
    rows.sort(key=lambda r: (-len(r["overdue"]) - len(r["short"]), r["name"]))
    return _page(request, "behind.html", district, year, "behind", found, {"day": day, "rows": rows})


def year_engagements(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """Every engagement of the district's year, filtered by body (host or participant), kind and status."""
    lang = language(request)
    try:
        found, version = district_wide(request, district)
        revision = service.revision(found, year)
        engagements = service.rendered(district, version, year, revision)[2]
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    body, kind, status = (request.GET.get(k, "") for k in ("body", "kind", "status"))
    everything = [_shown(found, e, lang) for e in engagements.values()]
    shown = [e for e in everything if (not body or e["host"] == body or body in e.get("participants", ()))
             and (not kind or e["kind"] == kind) and (not status or e["status"] == status)]
    shown.sort(key=lambda e: (e["date"], e.get("start") or "", e["id"]))
    kinds = sorted({(e["kind"], e["kind_name"]) for e in everything})
    statuses = [(s.value, (STATUS_EN if lang == "en" else STATUS_ZH)[s]) for s in Status]
    return _page(request, "engagements.html", district, year, "year", found, {
        "engagements": shown, "total": len(everything), "bodies": [(o.id, _org_name(found, o.id, lang))
                                                                  for o in found.organisations],
        "kinds": kinds, "statuses": statuses, "body": body, "kind": kind, "status": status})


def _entry_about(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Whom an entry's object is about (its before and after, as the API's body log reads them)."""
    from liaison_web.api import _about

    return [_about(e) for e in (entry["before"], entry["after"]) if isinstance(e, dict)]


def _wanted(entry: dict[str, Any], body: str, engagement: str, user: str) -> bool:
    if engagement and not (entry["object_type"] == "engagement" and entry["object_id"] == engagement):
        return False
    if user and user not in (entry["user"], entry["actor"]) and not entry["actor"].startswith(f"{user} (token "):
        return False
    return not body or any(e.get("host") == body or body in e.get("participants", ()) for e in _entry_about(entry))


def _entries(district: str, body: str, engagement: str, user: str) -> Iterable[dict[str, Any]]:
    from liaison_web.audit import rows

    return (entry for entry in rows(district) if _wanted(entry, body, engagement, user))


def audit_log(request: HttpRequest, district: str) -> HttpResponse:
    """The district's audit log, newest first, filtered by body, engagement and user; ``format=csv``
    downloads the filtered entries as ``liaison web audit-export`` writes them (oldest first)."""
    from liaison_web.audit import write

    lang = language(request)
    try:
        found, _ = district_wide(request, district, "audit")
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    body, engagement, user = (request.GET.get(k, "").strip() for k in ("body", "engagement", "user"))
    if request.GET.get("format") == "csv":
        text = io.StringIO(newline="")
        write(csv.writer(text), _entries(district, body, engagement, user))
        response = HttpResponse(text.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{district}.csv"'
        return response
    entries = list(_entries(district, body, engagement, user))
    entries.reverse()
    shown = entries[:_SHOWN]
    query = urlencode({k: v for k, v in (("body", body), ("engagement", engagement), ("user", user)) if v})
    year = service.today(found).year
    return _page(request, "audit.html", district, year, "audit", found, {
        "entries": [{**e, "about": ", ".join(sorted({a.get("host", "") for a in _entry_about(e)} - {""})),
                     "engagement_path": quote(e["object_id"]) if e["object_type"] == "engagement" else ""}
                    for e in shown], "count": len(entries), "more": len(entries) > _SHOWN,
        "body": body, "engagement": engagement, "user": user,
        "csv": "?" + (query + "&" if query else "") + "format=csv",
        "bodies": [(o.id, _org_name(found, o.id, lang)) for o in found.organisations]})


#: The entries a page lists (the newest); the CSV has every one.
_SHOWN = 500


# -- (2) the users and their roles ---------------------------------------------------------------------
#: The roles an administrator gives in its district (the city auditor's membership has no district).
MIN_PASSWORD = 10


def _invalid(field: str, en: str, zh: str, fix: str, fix_zh: str) -> InvalidRequest:
    return InvalidRequest(en, path=(field,), fix=fix, message_zh=zh, fix_zh=fix_zh)


def _password(form: Any, field: str = "password") -> str:
    password = str(form.get(field, ""))
    if len(password) < MIN_PASSWORD:
        raise _invalid(field, f"a password needs at least {MIN_PASSWORD} characters",
                       f"密码至少需要 {MIN_PASSWORD} 个字符", "choose a longer password", "请设置更长的密码")
    return password


def administered(request: HttpRequest, code: str) -> None:
    """The caller administers the district (:func:`liaison_web.access.administers`), else 403."""
    members, superuser = service.members(request)
    service.scope(request, "manage_webhooks")  # a write: a session has it, a read-only token would not
    if not access.administers(members, code, superuser=superuser):
        raise Forbidden(f"{code}: only the district's administrator manages its users and its data",
                        fix="ask the district's administrator",
                        message_zh=f"{code}：只有本区管理员可以管理用户和区数据",
                        fix_zh="请联系本区管理员")


def changed_here(request: HttpRequest, code: str, person: Any, districts: set[str | None]) -> bool:
    """The district's administrator may change ``person`` (whose roles are in ``districts``) here: not a
    superuser, no role in another district, not the caller — what the users page offers and the change asks."""
    return not getattr(person, "is_superuser", False) and districts == {code} and person.pk != request.user.pk


def _user_of(request: HttpRequest, code: str, pk: str) -> Any:
    """A user the district's administrator may change: one whose every role is in this district, not
    a superuser, not the caller."""
    from django.contrib.auth import get_user_model

    from liaison_web import models

    found = get_user_model()._default_manager.filter(pk=int(pk) if pk.isdigit() else -1).first()
    roles = set(models.Membership.objects.filter(user=found).values_list("district__code", flat=True)
                ) if found is not None else set()
    if found is None or code not in roles:
        raise NotFound(f"{code} has no user {pk!r}", fix="choose a user from the list",
                       message_zh=f"{code} 没有用户 {pk!r}", fix_zh="请从列表中选择用户")
    if not changed_here(request, code, found, roles):
        raise Forbidden(f"{found.get_username()}: a superuser, a user with roles in another district or yourself "
                        "is not changed here", fix="use the administration (/admin/)",
                        message_zh=f"{found.get_username()}：超级用户、在其他区有角色的用户或您本人不能在此修改",
                        fix_zh="请在管理后台（/admin/）办理")
    return found


def users(request: HttpRequest, district: str) -> HttpResponse:
    """The district's users and their roles; the administrator creates a user bound to an
    organisation and a role, deactivates one, resets a password (Django's auth: the password hashed
    by its hasher; every form with its CSRF token; each change in the audit log)."""
    from django.contrib.auth import get_user_model

    from liaison_web import models

    lang = language(request)
    try:
        found, _ = district_wide(request, district)
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    problem, status = None, 200
    if request.method == "POST":
        try:
            administered(request, district)
            done = _change_user(request, district, found)
        except LiaisonError as error:
            problem, status = message(error, lang), _status(error)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(f"/office/{district}/users/")
    members, superuser = service.members(request)
    rows = []
    people = get_user_model()._default_manager.filter(memberships__district__code=district).distinct()
    for person in people.order_by("username"):
        roles = [{"role": m.role, "role_name": pick(lang, *reversed(access.ROLE_NAMES[m.role])),
                  "organisation": _org_name(found, m.organisation, lang) if m.organisation else ""}
                 for m in models.Membership.objects.filter(user=person, district__code=district).order_by("role")]
        districts = set(models.Membership.objects.filter(user=person).values_list("district__code", flat=True))
        rows.append({"pk": person.pk, "username": person.get_username(), "active": person.is_active,
                     "last_login": person.last_login, "roles": roles,
                     "changed_here": changed_here(request, district, person, districts)})
    bodies = [(o.id, _org_name(found, o.id, lang), o.kind.value) for o in found.organisations]
    return _page(request, "users.html", district, service.today(found).year, "users", found, {
        "users": rows, "bodies": bodies, "problem": problem, "min_password": MIN_PASSWORD,
        "roles": [(r, pick(lang, *reversed(access.ROLE_NAMES[r]))) for r in DISTRICT_ROLES],
        "may_change": access.administers(members, district, superuser=superuser),
        "read_only": forbidden_to_change(lang)[0], "form": request.POST if problem else {}}, status=status)


def _change_user(request: HttpRequest, code: str, found: District) -> str:
    """One change of the users page, with its audit entry in the same transaction; what the page says."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from liaison_web import models
    from liaison_web.api import _audited

    lang = language(request)
    form = request.POST
    action = form.get("action", "")
    with transaction.atomic():
        if action == "create":
            name = form.get("username", "").strip()
            role = form.get("role", "")
            if not name or len(name) > 150 or not all(c.isalnum() or c in "@.+-_" for c in name):
                raise _invalid("username", f"{name!r} is not a user name (letters, digits and @.+-_)",
                               f"{name!r} 不是有效的用户名（字母、数字及 @.+-_）", "choose another name",
                               "请另选用户名")
            if get_user_model()._default_manager.filter(username=name).exists():
                raise _invalid("username", f"the user {name!r} exists already", f"用户 {name!r} 已存在",
                               "choose another name", "请另选用户名")
            organisation = bound_organisation(found, role, form.get("organisation", "") if role in BOUND else "")
            password = _password(form)
            user = get_user_model()._default_manager.create_user(  # type: ignore[attr-defined]
                name, password=password)
            models.Membership.objects.create(user=user, district=models.District.objects.get(code=code),
                                             organisation=organisation, role=role)
            _audited(request, "create", "user", name, code, after={"user": name, "role": role,
                                                                    "organisation": organisation})
            return pick(lang, f"已创建用户 {name}", f"User {name} created")
        user = _user_of(request, code, form.get("user", ""))
        name = user.get_username()
        if action == "deactivate":
            if user.is_active:
                user.is_active = False
                user.save(update_fields=["is_active"])
                _audited(request, "deactivate", "user", name, code, before={"active": True}, after={"active": False})
            return pick(lang, f"已停用用户 {name}", f"User {name} deactivated")
        if action == "reset":
            user.set_password(_password(form))
            user.save(update_fields=["password"])
            _audited(request, "reset-password", "user", name, code)  # never the password, nor its hash
            return pick(lang, f"已重置用户 {name} 的密码", f"The password of {name} was reset")
    raise _invalid("action", f"{action!r} is not a change of this page", f"{action!r} 不是本页的操作",
                   "use the page's buttons", "请使用页面上的按钮")


# -- (2b) the API tokens of the district's users ---------------------------------------------------------
#: How long what a token is for may be (the API's ``name``).
TOKEN_NAME_MAX = 100


def _token_last_day(form: Any) -> dt.date | None:
    """The form's ``expires``: the last day the token works (:func:`liaison_web.tokens.future` makes it
    the midnight after it in the district's time zone, as the API reads a date); none: until revoked."""
    text = str(form.get("expires", "")).strip()
    return _day(text, field="expires") if text else None


def _manages_tokens(person: Any, district: str) -> bool:
    """``person``'s roles make and revoke the district's tokens (the access table's ``manage_tokens``):
    the one whose token the scope ``tokens`` is of use to — any other role's token is refused it by
    the role, whatever its scopes."""
    from liaison_web import models

    held = models.Membership.objects.filter(user=person).values_list("role", "district__code", "organisation")
    return access.covers_district([access.Member(role, code, organisation or "") for role, code, organisation in held],
                                  "manage_tokens", district, superuser=bool(person.is_superuser))


def _change_token(request: HttpRequest, code: str, found: District) -> tuple[str, str | None]:
    """One change of the tokens page — the API's own checks and :mod:`liaison_web.tokens`' one place
    (the token made or revoked with its audit entry, as ``POST``/``DELETE …/tokens`` do): what the page
    says, and the secret of a token made (shown this once)."""
    from liaison_web import tokens
    from liaison_web.api_tokens import by, no_token

    lang = language(request)
    form = request.POST
    service.district(request, code, "manage_tokens")  # the API's: the scope, then the table's manage_tokens
    service.district_object(request, "manage_tokens", code)
    action = form.get("action", "")
    if action == "make":
        user = tokens.district_user(code, str(form.get("user", "")))
        tokens.may_act_as(*service.members(request), user)
        name = str(form.get("name", "")).strip()
        if not name or len(name) > TOKEN_NAME_MAX:
            raise _invalid("name", f"a token needs what it is for (up to {TOKEN_NAME_MAX} characters)",
                           f"请填写令牌的用途（不超过 {TOKEN_NAME_MAX} 个字符）", "name the OA system it is for",
                           "请填写使用它的办公系统名称")
        scopes = form.getlist("scopes")
        if not scopes or any(s not in tokens.SCOPES for s in scopes):
            raise _invalid("scopes", "choose what the token may do: read, write, tokens",
                           "请选择令牌的权限：读取、写入、管理令牌", "tick one or more of read, write, tokens",
                           "请勾选读取、写入、管理令牌中的一项或多项")
        row, secret = tokens.issue(user, name, scopes, expires=_token_last_day(form), by=by(request),
                                   districts=[code], zone=found.info.timezone)
        return pick(lang, f"已生成令牌 {row.prefix}…（{user.get_username()}）",
                    f"Token {row.prefix}… made ({user.get_username()})"), secret
    if action == "revoke":
        prefix = str(form.get("prefix", ""))
        found_row = tokens.of_district(code).filter(prefix=prefix).order_by("-id").first()
        if found_row is None:
            raise no_token(prefix)
        tokens.may_act_as(*service.members(request), found_row.user, verb="revoke")
        tokens.withdraw(found_row, by=by(request), districts=[code])
        return pick(lang, f"已吊销令牌 {prefix}…", f"Token {prefix}… revoked"), None
    raise _invalid("action", f"{action!r} is not a change of this page", f"{action!r} 不是本页的操作",
                   "use the page's buttons", "请使用页面上的按钮")


def tokens_page(request: HttpRequest, district: str) -> HttpResponse:
    """The API tokens of the district's users, as ``GET …/tokens`` lists them (the access table's
    ``tokens``: the administrator, the auditor, the city auditor); for who may ``manage_tokens`` (the
    administrator), a token made for a user of the district — its scopes, its last day — whose secret
    the answer shows this once (never stored, never shown again: the page that shows it is not kept by
    the browser), and a token revoked. Each form with its CSRF token; each change with the API's audit
    entry (:mod:`liaison_web.tokens`)."""
    from django.contrib.auth import get_user_model

    from liaison_web import tokens

    lang = language(request)
    try:
        found, _ = district_wide(request, district, "tokens")
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    problem, status, secret = None, 200, None
    if request.method == "POST":
        try:
            done, secret = _change_token(request, district, found)
        except LiaisonError as error:  # the district is the caller's (above): told on the page, nothing changed
            problem, status = message(error, lang), _status(error)
        else:
            messages.success(request, done)
            if secret is None:  # revoked: the list again (a redirect: a reload sends nothing twice)
                return HttpResponseRedirect(f"/office/{district}/tokens/")
            status = 201  # made: this answer is the one place its secret is shown
    members, superuser = service.members(request)
    may_manage = service.may(request, "manage_tokens", district, {"id": district, "host": "", "participants": []}
                             ) == access.Decision.ALLOWED
    people, managers = [], []
    if may_manage:  # those it may give a token: a user of the district it administers wholly
        for person in get_user_model()._default_manager.filter(memberships__district__code=district,
                                                               is_active=True).distinct().order_by("username"):
            try:
                tokens.may_act_as(members, superuser, person)
            except LiaisonError:
                continue
            people.append(person.get_username())
            if _manages_tokens(person, district):
                managers.append(person.get_username())
    response = _page(request, "tokens.html", district, service.today(found).year, "tokens", found, {
        "tokens": [tokens.described(t) for t in tokens.of_district(district)], "people": people,
        "may_manage": may_manage, "read_only": forbidden_to_change(lang)[0], "problem": problem,
        "secret": secret, "first_day": service.today(found), "managers": managers,
        "last_day": (timezone.now() + tokens.FURTHEST).date(),  # tokens.future's bound: a date on or before
        "form": request.POST if problem else {}}, status=status)
    response["Cache-Control"] = "no-store"  # the secret, on the one answer that shows it, is kept by no cache
    return response


# -- (3) amendments: previewed, then saved -------------------------------------------------------------
def amend(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """An amendment of the district's data from a day: a pairing begun or ended (written into the
    district's file as an amendment is), or the whole amended file (a new rule version); ``preview``
    shows what changes in ``year`` — meetings, invitations, cc lists, letters — and keeps nothing;
    ``save`` keeps it as the district's new version, the years from its day on brought up to it,
    with its audit entry (:mod:`liaison_web.amend`). ``format=toml``: the data in force, to edit."""
    import base64

    from django.db import transaction

    from liaison_web import amend as amending
    from liaison_web.api import _audited

    lang = language(request)
    try:
        found, version = district_wide(request, district)
        revision = service.revision(found, year)
        text, base, since = amending.current_text(district)
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    if request.GET.get("format") == "toml":
        response = HttpResponse(text.encode(), content_type="application/toml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{district}.toml"'
        return response
    problem, status, preview, carried = None, 200, None, {}
    form = request.POST
    if request.method == "POST":
        try:
            administered(request, district)
            day = _day(form.get("valid_from"), field="valid_from")
            file = f"{district}.toml (amended {day.isoformat()})"
            if form.get("action") == "save":
                try:
                    amended = base64.b64decode(form.get("text", "").encode(), validate=True).decode()
                except ValueError:  # binascii.Error, UnicodeDecodeError: not what the preview sent
                    raise InvalidRequest("the amended file was not sent whole", path=("text",),
                                         fix="preview the amendment again", message_zh="调整后的数据未完整提交",
                                         fix_zh="请重新预览该调整") from None
                with transaction.atomic():
                    _, digest, years = amending.save(amended, district, base=form.get("base", ""), day=day,
                                                        file=file)
                    _audited(request, "amend", "district", district, district,
                             before={"version": base, "valid_from": since.isoformat()},
                             after={"version": digest, "valid_from": day.isoformat(), "years": years,
                                    "summary": form.get("summary", "")[:500]})
                messages.success(request, pick(lang, f"已保存自 {day.isoformat()} 起施行的调整",
                                               f"The amendment from {day.isoformat()} is saved"))
                return HttpResponseRedirect(f"/office/{district}/{year}/amend/")
            amending.after_in_force(day, since)  # as the save would: no Save offered for a day it refuses
            amended = _amended(request, found, text, day)
            if amended == text:
                raise _invalid("file", "the file is the data in force: there is nothing to amend",
                               "该文件与现行数据相同，没有需要调整的内容", "change the file first", "请先修改数据文件")
            after = amending.parsed(amended, district, file=file)
            preview = _preview(found, after, amending.differences(found, version, after, amended, year, revision, day),
                               lang, district, year)
            carried = {"text": base64.b64encode(amended.encode()).decode(), "base": base,
                       "valid_from": day.isoformat(), "summary": preview["summary"]}
        except LiaisonError as error:
            problem, status = message(error, lang), _status(error)
    kinds = {o.id: o.kind for o in found.organisations}
    departments = [(o, _org_name(found, o, lang)) for o, k in kinds.items() if k.value == "department"]
    counterparts = [(o, _org_name(found, o, lang)) for o, k in kinds.items() if k.value in ("party_branch", "icf")]
    clauses = [(p.id, pick(lang, p.title_zh, p.title_en or p.title_zh)) for p in found.provisions if p.pairing_role]
    members, superuser = service.members(request)
    return _page(request, "amend.html", district, year, "amend", found, {
        "problem": problem, "preview": preview, "carried": carried, "since": since,
        "may_change": access.administers(members, district, superuser=superuser),
        "read_only": forbidden_to_change(lang)[0], "form": form if request.method == "POST" else {},
        "departments": departments, "counterparts": counterparts, "clauses": clauses}, status=status)


def _amended(request: HttpRequest, found: District, text: str, day: dt.date) -> str:
    """The district's file with the form's amendment: the uploaded file, else the pairing ended and/or begun."""
    from liaison_web import amend as amending

    form = request.POST
    upload = request.FILES.get("file")
    if form.get("mode") == "file":
        if upload is None:
            raise _invalid("file", "choose the amended file", "请选择调整后的数据文件", "upload a .toml file",
                           "请上传 .toml 文件")
        if upload.size is None or upload.size > evidence.max_bytes():  # never read whole past the limit
            raise evidence.too_large(upload.size)
        try:
            return bytes(upload.read()).decode("utf-8")
        except UnicodeDecodeError:
            raise _invalid("file", "the file is not UTF-8 text", "该文件不是 UTF-8 文本",
                           "save the file as UTF-8", "请以 UTF-8 编码保存") from None
    department, ends, begins = (form.get(k, "") for k in ("department", "ends", "begins"))
    if not department or not (ends or begins):
        raise _invalid("department", "choose a department and the pairing that ends, begins, or both",
                       "请选择部门以及终止或新建（或两者）的对口联系", "fill in the form", "请填写表单")
    if ends:
        text = amending.ending_pairing(text, found, department, ends, day)
    if begins:
        text = amending.with_pairing(text, found, department, begins, form.get("clause", ""), day,
                                     form.get("note", "").strip())
    return text


def _preview(before: District, after: District, changes: dict[str, Any], lang: str, code: str,
             year: int) -> dict[str, Any]:
    """What :func:`liaison_web.amend.differences` found, named in the page's language."""
    def name(org: str) -> str:
        return _org_name(after, org, lang) if org in {o.id for o in after.organisations} else org

    def meeting(e: dict[str, Any]) -> dict[str, Any]:
        return {**e, "title": pick(lang, e["title"], e["title_en"]), "host": name(e["host"]),
                "path": quote(e["id"]), "invited": [name(o) for o in e.get("invited", ())],
                "uninvited": [name(o) for o in e.get("uninvited", ())]}

    shown = {k: [meeting(e) for e in changes[k]] for k in ("added", "cancelled", "moved", "invited")}
    cc = [{"org": name(c["org"]), "added": [name(o) for o in c["added"]], "removed": [name(o) for o in c["removed"]]}
          for c in changes["cc"]]
    counts = {k: len(v) for k, v in shown.items()} | {"cc": len(cc)} | {
        f"letters_{k}": len(v) for k, v in changes["letters"].items()}
    summary = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    return {**shown, "cc": cc, "letters": changes["letters"], "letters_previewed": changes["letters_previewed"],
            "nothing": changes["nothing"], "summary": summary,
            "year": year, "district": code}


# -- (4) the letters: issue them on a day, the register ---------------------------------------------
def letters(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """The year's letters as an export on a day (``day``) leaves them — issued, due, draft (the API's
    list) — each downloadable, and the year's register (发文登记): every letter numbered, from the year
    store. The administrator issues the letters due by the day (``POST``): the API's issue
    (:func:`liaison_web.api.issue_on`: numbers from the register, bytes kept, its audit entry), on the
    revision the page was read at, so a page out of date issues nothing (412)."""
    from liaison_web.api import issue_on
    from liaison_web.pages.body import letter_rows
    from liaison_web.store import DatabaseStore

    lang = language(request)
    try:
        found, _ = district_wide(request, district, "letters")
        day = _as_of(request, found, year, "day") if request.method != "POST" else _day(
            request.POST.get("day"), service.today(found), field="day")
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    problem, status = None, 200
    if request.method == "POST":
        try:
            _, issued = issue_on(request, district, year, day, request.POST.get("revision", ""),
                                 force=request.POST.get("force") == "1")
        except LiaisonError as error:
            problem, status = message(error, lang), _status(error)
        else:
            numbers = "、".join(str(r["doc_number"]) for r in issued) or pick(lang, "无", "none")
            messages.success(request, pick(lang, f"已于 {day.isoformat()} 签发 {len(issued)} 件公文：{numbers}",
                                           f"{len(issued)} letter(s) issued on {day.isoformat()}: {numbers}"))
            return HttpResponseRedirect(f"/office/{district}/{year}/letters/?day={day.isoformat()}")
    try:  # the rows the body's letters page lists too: one list, one vocabulary
        revision, _, shown = letter_rows(request, found, district, year, day, lang)
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    base = f"/api/v1/districts/{district}/years/{year}/letters/"
    stored = DatabaseStore().load(found, year, revision=revision)
    register = sorted(stored.state.letters if stored is not None else (), key=lambda r: (r.series, r.serial))
    members, superuser = service.members(request)
    return _page(request, "letters.html", district, year, "letters", found, {
        "day": day, "revision": revision, "letters": shown, "problem": problem,
        "due": sum(item["status"] == "due" for item in shown),
        "may_issue": access.covers_district(members, "issue", district, superuser=superuser),
        "read_only": forbidden_to_change(lang)[0],
        "register": [{"doc_number": r.doc_number, "date": r.date, "kind": r.kind, "title": r.title, "to": r.to,
                      "cc": r.cc, "active": r.active, "path": r.path,
                      "href": f"{base}{quote(r.path)}" if r.active else "",
                      "pdf": f"{base}{quote(r.path.removesuffix('.docx') + '.pdf')}" if r.active else ""}
                     for r in register]}, status=status)


def forbidden_to_change(lang: str) -> tuple[str, str]:
    """Why a read-only role sees no form (the page says so rather than hiding it silently)."""
    return message(Forbidden("your role reads this page and changes nothing", fix="ask the district's administrator",
                             message_zh="您的角色只能查看，不能修改", fix_zh="请联系本区管理员"), lang)


def urls() -> list[Any]:
    """The office's addresses (included by :mod:`liaison_web.pages.urls`)."""
    from django.contrib.auth.decorators import login_required
    from django.urls import path

    return [path(f"office/{route}", login_required(view), name=f"office-{name}") for route, view, name in (
        ("<str:district>/<int:year>/findings/", findings, "findings"),
        ("<str:district>/<int:year>/behind/", behind, "behind"),
        ("<str:district>/<int:year>/engagements/", year_engagements, "year"),
        ("<str:district>/audit/", audit_log, "audit"),
        ("<str:district>/users/", users, "users"),
        ("<str:district>/tokens/", tokens_page, "tokens"),
        ("<str:district>/<int:year>/letters/", letters, "letters"),
        ("<str:district>/<int:year>/amend/", amend, "amend"),
    )]
