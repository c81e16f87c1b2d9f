"""The city's pages (issue #26): the city auditor's table of every district — obligations met,
short, explained; research feedback overdue; letters issued — with each district's row of the
heat map (one cell per obligation the checker judged, coloured by the share of what fell due that
was met), and a drill-down into one district: its obligations, the shortfalls behind them, one
click to each provision's text and to the district's year (read-only: the city auditor's role
reads and changes nothing).

Both are made by :mod:`liaison_web.city` — what ``GET /api/v1/city`` serves — so the page and the
API count alike; who may read them is :func:`liaison_web.access.reads_every_district`'s answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from liaison.base.errors import LiaisonError
from liaison.law.findings import SHORTFALLS, STATUS_EN, STATUS_ZH, Report
from liaison_web import access, service
from liaison_web.city import DistrictStanding, Obligation, district_standing, survey
from liaison_web.errors import Forbidden, InvalidRequest
from liaison_web.pages.lang import language, pick
from liaison_web.pages.views import _day, _error_page, _status

__all__ = ["city", "district"]

#: The heat map's steps: the share of what fell due that was met, at least this much (worst first).
STEPS = ((0.0, "h0"), (0.25, "h1"), (0.5, "h2"), (0.75, "h3"), (1.0, "h4"))


def _reads_every_district(request: HttpRequest) -> None:
    members, superuser = service.members(request)
    if not access.reads_every_district(members, superuser=superuser):
        raise Forbidden("only a city auditor reads every district's standing",
                        fix="open your own district's year from the home page",
                        message_zh="只有市级审计可查看各区的落实情况", fix_zh="请从首页打开本区的年度安排")


def _year_and_day(request: HttpRequest, year: int | None) -> tuple[int, dt.date | None]:
    """The year shown and the day its findings are counted on (None: today in each district)."""
    from django.utils import timezone

    from liaison.year.planner import check_year

    on = request.GET.get("on") or None
    day = _day(on) if on else None
    if year is None:
        given = request.GET.get("year", "")
        if given and not given.isdigit():
            raise InvalidRequest(f"{given!r} is not a year", path=("year",), fix="give a year as 2027",
                                 message_zh=f"{given!r} 不是年份", fix_zh="请按 2027 的格式填写年份")
        year = int(given) if given else (day.year if day else timezone.localdate().year)
    check_year(year)
    if day is not None and day.year != year:
        raise InvalidRequest(f"{day.isoformat()} is not in the year {year}", path=("on",),
                             fix="give a day of the year, or none", message_zh=f"{day.isoformat()} 不在{year}年内",
                             fix_zh="请给出该年度内的日期，或不填")
    return year, day


def _cell(o: Obligation, lang: str) -> dict[str, Any]:
    """An obligation as a cell of the heat map: its step and the sentence that says what it counts."""
    due = o.met + o.short + o.explained
    step = next(name for at, name in reversed(STEPS) if o.met >= at * due) if due else "none"
    provision, rule = pick(lang, o.provision_zh, o.provision_en), pick(lang, o.rule_zh, o.rule_en)
    if lang == "en":
        said = (f"{provision} {rule}: {o.met} of {due} met, {o.short} short, {o.explained} explained, "
                f"{o.open} not yet due" if due else f"{provision} {rule}: nothing due yet ({o.findings} findings)")
    else:
        said = (f"{provision} {rule}：应落实 {due} 项，已落实 {o.met}，未达 {o.short}，已说明 {o.explained}，"
                f"尚未到期 {o.open}" if due else f"{provision} {rule}：尚无到期事项（{o.findings} 项）")
    return {"o": o, "step": step, "said": said, "due": due, "path": quote(o.provision),
            "provision_name": provision, "rule_name": rule}


def _row(s: DistrictStanding, lang: str) -> dict[str, Any]:
    return {"s": s, "name": s.name_en if lang == "en" and s.name_en else s.name,
            "cells": [_cell(o, lang) for o in s.obligations]}


@login_required
def city(request: HttpRequest) -> HttpResponse:
    """Every district's standing in a year (``year``, default this one) as of a day (``on``,
    default today in each district), one row each, with its row of the heat map."""
    lang = language(request)
    try:
        _reads_every_district(request)
        year, day = _year_and_day(request, None)
        surveyed = survey(year, day)
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    rows = [_row(s, lang) for s in surveyed.districts]
    planned = [r["s"] for r in rows if r["s"].revision is not None]
    totals = {k: sum(getattr(s, k) or 0 for s in planned)
              for k in ("met", "short", "explained", "unanswered", "open", "letters_issued")}
    return render(request, "liaison_web/pages/city.html", {
        "year": year, "day": day, "query": f"?on={day.isoformat()}" if day else "", "rows": rows, "totals": totals,
        "planned": len(planned), "steps": _legend(lang)})


def _legend(lang: str) -> list[tuple[str, str]]:
    return [("h4", pick(lang, "全部落实", "all met")),
            ("h3", pick(lang, "落实四分之三以上", "75% or more met")),
            ("h2", pick(lang, "落实一半以上", "50% or more met")),
            ("h1", pick(lang, "落实四分之一以上", "25% or more met")),
            ("h0", pick(lang, "落实不到四分之一", "less than 25% met")),
            ("none", pick(lang, "尚无到期事项", "nothing due yet"))]


@login_required
def district(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """One district's year as the city sees it: its standing, each obligation's counts and cell,
    and the findings not met (short, late, unanswered, explained), each with its provision."""
    lang = language(request)
    try:
        _reads_every_district(request)
        service.district(request, district)  # the same 404 as every page for a district not there
        _, day = _year_and_day(request, year)
        made, report = district_standing(district, year, day)
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    return render(request, "liaison_web/pages/city_district.html", {
        "year": year, "row": _row(made, lang), "shortfalls": _shortfalls(report, made, lang),
        "steps": _legend(lang), "district": district})


def _shortfalls(report: Report | None, made: DistrictStanding, lang: str) -> list[dict[str, Any]]:
    if report is None:
        return []
    # each finding's provision is one of the standing's obligations, which cite it
    cited = {o.provision: pick(lang, o.provision_zh, o.provision_en) for o in made.obligations}
    return [{"provision": f.provision, "path": quote(f.provision), "rule": f.rule,
             "provision_name": cited.get(f.provision, f.provision),
             "status": f.status.value, "status_name": (STATUS_EN if lang == "en" else STATUS_ZH)[f.status],
             "severity": f.severity.label("en" if lang == "en" else "zh"),
             "message": f.message(lang), "basis": f.basis, "on": f.period[1].isoformat()}
            for f in report.findings if f.status in SHORTFALLS]
