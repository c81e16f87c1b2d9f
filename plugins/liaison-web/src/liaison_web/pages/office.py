"""The united-front department's pages (issue #26): what the administrator and the auditor of a
district read and do, on the same functions the API answers with — the findings
(:func:`liaison_web.api_records._report`, the report's one computation) and the html plugin's heat map
of them (:func:`liaison_html.heatmap.heat_map`, the static page's own data, here made from the
database's current state), the bodies behind on their obligations (each body's due list and its
findings), the whole district's year, the audit log (its CSV is :func:`liaison_web.audit.write`, as
``liaison web audit-export``), the users and their roles (Django's auth: hashed passwords, CSRF), the
letters' register and their issue (:func:`liaison_web.api.issue_letters`' flow,
:func:`liaison_web.outputs.issue`), and amendments previewed before they are saved
(:mod:`liaison_web.amend`).

Who may read and do what is :mod:`liaison_web.access`'s: the district-wide pages need a district-wide
``read`` (administrator, auditor, city auditor), a body's findings what that body's due list needs,
issuing ``issue``, the users and amendments the district's administration
(:func:`liaison_web.access.administers`). Another district's is 404, another body's 403, as in the API.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from liaison.base.errors import LiaisonError
from liaison.law.district import District
from liaison.law.findings import SHORTFALLS, Finding, Severity
from liaison.law.findings import STATUS_EN as FINDING_STATUS_EN
from liaison.law.findings import STATUS_ZH as FINDING_STATUS_ZH
from liaison.year.engagements import STATUS_EN, STATUS_ZH, Status
from liaison_web import service
from liaison_web.errors import Forbidden
from liaison_web.pages.lang import language, message, pick
from liaison_web.pages.views import _day, _error_page, _org_name, _shown, _status

__all__ = ["audit_log", "behind", "findings", "year_engagements"]


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
            "rests_on": ", ".join(f.rests_on), "message": f.message(lang),
            "body": _org_name(found, f.responsible, lang) if f.responsible else pick(lang, "全区", "the district"),
            "responsible": f.responsible or "", "period": f"{f.period[0].isoformat()} – {f.period[1].isoformat()}",
            "reason": f.reason}


# -- (1) the findings and the heat map -----------------------------------------------------------------
def findings(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """The findings of the district as of a day (``as_of``) with the heat map, or of one body
    (``body``): each with its provision, the text in force, text or local, and a link to the
    provision's page. The heat map is the html plugin's, made from the report of the year as the
    database holds it now — a record entered changes it on the next load."""
    from liaison_web.api_records import _report

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
    shown = [f for f in report.findings
             if not body or body == f.responsible or body in f.affected or body in f.subject]
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
            cells.append({"key": cell.key, "state": cell.state.value, "local": cell.local, "symbol": cell.symbol,
                          "count": len(cell.findings), "provision": column.provision.id})
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
        lists = {o.id: service.due(found, o.id, day) for o in found.organisations} if day.year == year else {}
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
    )]
