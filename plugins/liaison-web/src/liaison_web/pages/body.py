"""The pages of a body (issue #26): what a department's clerk or a party branch's liaison officer does
in the year besides agreeing dates.

- ``/engagement/<district>/<year>/<id>/held/`` — mark it held: the day, who attended, the minutes and
  the evidence files; the held change of the plan, the held meeting's record and the files;
- ``/engagement/<district>/<year>/<id>/move/`` — the move's date picker: the month as a grid with
  the days off (holidays named) and the days the participants are busy greyed, the library's own
  warning for a day chosen, and the move's form;
- ``/records/<district>/<year>/`` — the body's records; ``…/new/<kind>/`` one form for every kind,
  built from the library's record type; ``…/<kind>/<key>/`` a record, its versions and files, and
  its correction (the department's feedback on research, the replies to a consultation), withdrawal
  and evidence;
- ``/ledger/<district>/<year>/`` — a ledger workbook uploaded: each refused cell beside its row, the
  rest recorded only when the user confirms (a second form naming the upload);
- ``/letters/<district>/<year>/`` — the body's letters, drafts and issued, to download.

Every read and change is the API's own function (:mod:`liaison_web.service`): the access table, the
library's checks, the audit entry in the change's transaction. Nothing here decides a rule again."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import attrs
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from liaison.base.errors import DataError, LiaisonError
from liaison.base.text import free_text, reference_text
from liaison.formats.convert import structure
from liaison.law.district import District
from liaison.law.records import optional_reference
from liaison.law.rules import EngagementKind
from liaison.year.engagements import NotYetHeld
from liaison.year.planner import day_warnings
from liaison_web import access, evidence, models, service
from liaison_web import records as kept
from liaison_web.errors import AlreadyRecorded, InvalidRequest, NotFound
from liaison_web.pages.lang import language, message, pick
from liaison_web.pages.views import HELD_FORCE, _day, _error_page, _org_name, _shown, _status, held_refusal

__all__ = ["AHEAD_FORCE", "LEDGER_RECORDED", "LEDGER_UPLOADED", "LETTER_ORDER", "LETTER_STATES", "ahead_refusal",
           "held", "ledger", "letter_rows", "letters", "move", "new_record", "one_record", "records"]


# -- what the body's pages share -----------------------------------------------------------------------
def _engagement(request: HttpRequest, district: str, year: int, engagement: str
                ) -> tuple[District, str, str, dict[str, Any]]:
    """The district, its version, the year's revision and the engagement as the plan shows it, for
    a caller who may read it (403 another body's, 404 another district's, as the API)."""
    found, version = service.district(request, district)
    revision = service.revision(found, year)
    current = service.rendered(district, version, year, revision)[2].get(engagement)
    if current is None:
        raise service.no_engagement(year, engagement)
    service.authorise(request, "read", district, current)
    return found, version, revision, current


def _allowed(request: HttpRequest, operation: str, district: str, obj: Mapping[str, Any]) -> bool:
    return service.may(request, operation, district, dict(obj)) == access.Decision.ALLOWED


def _bodies(found: District, lang: str) -> list[tuple[str, str]]:
    return [(o.id, _org_name(found, o.id, lang)) for o in found.organisations]


def _problem(error: LiaisonError, lang: str) -> dict[str, Any]:
    """An error as a page shows it: where (``$.date``, ``会议走访!E53``), what, the fix, and every other
    problem it stands for, each with its place."""
    text, fix = message(error, lang)
    others = [{"where": p.path or "", "message": message(p, lang)[0], "fix": message(p, lang)[1]}
              for p in error.problems[1:]]
    return {"message": text, "fix": fix, "kind": type(error).__name__, "where": error.path or "", "others": others}


def _limit_mb() -> int:
    return evidence.max_bytes() // (1024 * 1024)


#: The box of the record forms, the correction and the ledger's confirmation that records a fact dated
#: after today anyway — the API's ``force`` (:func:`liaison_web.api_records.not_yet` refuses one without
#: it, 409 ``NotYetHeld``: the one rule, asked through :mod:`liaison_web.service`). It is offered beside
#: that refusal, and kept ticked when it was sent so.
AHEAD_FORCE = ("日期晚于今天的也照样记录（提前登记）", "Record it although it is dated after today (in advance)")


def _forced(request: HttpRequest) -> bool:
    """The form's box :data:`AHEAD_FORCE` is ticked."""
    return request.POST.get("force") == "on"


#: The new record form's box, offered beside the refusal of a record the year holds exactly already
#: (409 ``AlreadyRecorded``, :func:`liaison_web.api_records.already_recorded`): the API's ``force`` too.
AGAIN_FORCE = ("与已有记录完全相同也照样记录（另一项）",
               "Record it although the year has exactly this record (another one)")


def ahead_refusal(error: LiaisonError, *, again_box: bool = True) -> LiaisonError:
    """A records form's refusal with its fix in the form's words: a fact dated after today, or one
    the year holds exactly already, names the box to tick (the rule's own fix names the API's field,
    ``"force": true``) — and the record it repeats by its page (``again_box``: the form offers the box
    :data:`AGAIN_FORCE`; the ledger's rows do not: a row repeating a record is left out)."""
    if isinstance(error, NotYetHeld):
        zh, en = AHEAD_FORCE
        return error.located(fix=f"correct the date; to record it in advance anyway, tick “{en}” and send the form "
                                 "again", fix_zh=f"请改正日期；如确需提前登记，请勾选“{zh}”后重新提交")
    if isinstance(error, AlreadyRecorded):
        zh, en = AGAIN_FORCE
        parts = error.where.split("/")  # /api/v1/districts/D/years/Y/records/K/KEY: the page /records/D/Y/K/KEY/
        page = f"/records/{parts[4]}/{parts[6]}/{parts[8]}/{parts[9]}/" if len(parts) == 10 else error.where
        if not again_box:
            return error.located(fix=f"it is recorded already: {page}; the row is left out",
                                 fix_zh=f"该记录已登记：{page}；该行不予记录")
        return error.located(fix=f"it is recorded already: {page}; to record another exactly like it, tick “{en}” "
                                 "and send the form again",
                             fix_zh=f"该记录已登记：{page}；如确为另一项相同的记录，请勾选“{zh}”后重新提交")
    return error


def _ahead_box(lang: str, shown: bool, ticked: bool, label: tuple[str, str] = AHEAD_FORCE) -> dict[str, Any] | None:
    """The box as a form shows it (None: not offered — no fact of the form was refused as to come)."""
    return {"label": pick(lang, *label), "on": ticked} if shown or ticked else None


# -- mark held -----------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def held(request: HttpRequest, district: str, year: int, engagement: str) -> HttpResponse:
    """Mark an engagement held with who attended, its minutes and its evidence files: the plan's held
    change (:func:`liaison_web.service.change`, with the minutes in its audit entry), the held
    meeting's record (:func:`liaison_web.service.create_record`, the attendees) and the files
    (:func:`liaison_web.service.keep_file`: the API's limits and types). Everything is checked before
    anything is saved; a refused file changes nothing."""
    lang = language(request)
    try:
        found, _, revision, current = _engagement(request, district, year, engagement)
        service.authorise(request, "held", district, current)
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    problem, status = None, 200
    form: Mapping[str, Any] = {}
    if request.method == "POST":
        form = request.POST
        try:
            return _mark_held(request, found, district, year, engagement, current, lang)
        except service.Stale as stale:
            problem, status = _problem(stale.conflict, lang), 412
        except LiaisonError as error:
            status = _status(error)
            if status == 403:
                return _error_page(request, error, status)
            problem = _problem(held_refusal(error), lang)
        revision = service.revision(found, year)
    chosen = set(form.getlist("attended")) if hasattr(form, "getlist") else {current["host"],
                                                                             *current.get("participants", ())}
    return render(request, "liaison_web/pages/held.html", {
        "district": district, "year": year, "e": _shown(found, current, lang), "revision": revision,
        "bodies": [(o, name, o in chosen) for o, name in _bodies(found, lang)], "problem": problem,
        "date": form.get("date") or current["date"], "minutes": form.get("minutes", ""),
        "first_day": f"{year}-01-01", "last_day": f"{year}-12-31", "limit_mb": _limit_mb(),
        "held_force": pick(lang, *HELD_FORCE), "back": f"/engagement/{district}/{year}/{quote(engagement)}/"},
        status=status)


def _mark_held(request: HttpRequest, found: District, district: str, year: int, engagement: str,
               current: dict[str, Any], lang: str) -> HttpResponse:
    from liaison.year.reconcile import Change

    form = request.POST
    day = _day(form.get("date"), dt.date.fromisoformat(current["date"]), field="date")
    attended = list(dict.fromkeys([current["host"], *form.getlist("attended")]))
    minutes = form.get("minutes", "").strip()
    if len(minutes) > 20000:
        raise InvalidRequest("the minutes are longer than 20000 characters", path=("minutes",),
                             fix="shorten them, or attach the full minutes as a file",
                             message_zh="会议纪要超过20000字", fix_zh="请精简，或把完整纪要作为附件上传")
    files = request.FILES.getlist("files")
    if files:
        service.authorise(request, "attach", district, current)
    # the record first, checked as the API checks one (the library's types and rules, the access
    # table's `record`, a record of this engagement already kept): a refusal changes nothing
    record_body = {"kind": current["kind"], "date": day.isoformat(), "host": current["host"], "attended": attended,
                   "id": engagement, "invited": list(current.get("participants", ())), "title": current["title_zh"]}
    kind = kept.KINDS["engagements"]
    # the record's day is the held day: the held change below refuses a day to come itself (NotYetHeld,
    # in the engagement's words) unless the form's box forces it — the record is not asked again
    service.check_record(request, district, year, kind, record_body, None, force=True)
    # the files' bytes next (by their digest, never by their name): one too large or of another type
    # is refused here, before the plan changes; bytes kept with no row are taken over by the next upload
    kept_files = [service.keep_file(f) for f in files]

    def made(now: dict[str, Any]) -> list[Change]:
        moved = day.isoformat() != now.get("date")
        return [*([Change("move", engagement, day)] if moved else []), Change("held", engagement)]

    noted = {"attended": attended, **({"minutes": minutes} if minutes else {})}
    service.change(request, district, year, engagement, "held", made, force=form.get("force") == "on",
                   expected=form.get("revision", ""), noted=noted)
    service.create_record(request, district, year, kind, record_body, force=True)
    for one in kept_files:
        service.attach_kept(request, district, year, "engagement", engagement, current, one)
    messages.success(request, pick(lang, f"已登记召开：{day}，参加单位 {len(attended)} 个，附件 {len(kept_files)} 个",
                                   f"Recorded as held: {day}, {len(attended)} bodies attending, "
                                   f"{len(kept_files)} files attached"))
    return HttpResponseRedirect(f"/engagement/{district}/{year}/{quote(engagement)}/")


# -- the move's date picker ----------------------------------------------------------------------------
@login_required
def move(request: HttpRequest, district: str, year: int, engagement: str) -> HttpResponse:
    """The month of a day (``date``, default the engagement's) as a grid: the days off grey with the
    holiday or break named, the days a body taking part already has another engagement marked busy,
    every other day of the year a link choosing it. A day chosen shows the warning the plan would
    give (:func:`liaison.year.planner.day_warnings`, the library's own) and the move's form, which
    the engagement page saves (its ``move``)."""
    lang = language(request)
    try:
        found, version, revision, current = _engagement(request, district, year, engagement)
        service.authorise(request, "move", district, current)
        chosen = _day(request.GET.get("date"), dt.date.fromisoformat(current["date"]), field="date")
        if chosen.year != year:
            raise InvalidRequest(f"{chosen} is not in {year}", path=("date",), fix=f"choose a day of {year}",
                                 message_zh=f"{chosen} 不在{year}年内", fix_zh=f"请选择{year}年内的日期")
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    _, state = service.loaded(district, version, year, revision)
    working = service.working_days(state, year)
    bodies = {current["host"], *current.get("participants", ())}
    busy: dict[str, set[str]] = {}
    for other in state.plan.engagements:
        if other.id != engagement and other.status.value != "cancelled":
            taking_part = bodies & {other.host, *other.participants}
            busy.setdefault(other.date.isoformat(), set()).update(taking_part)
    this = next(e for e in state.plan.engagements if e.id == engagement)
    warnings = [pick(lang, w.message_zh, w.message_en) for w in day_warnings(attrs.evolve(this, date=chosen), working)]
    busy_here = sorted(busy.get(chosen.isoformat(), ()))
    here = f"/engagement/{district}/{year}/{quote(engagement)}/move/"
    weeks = []
    for week in calendar.Calendar().monthdatescalendar(year, chosen.month):
        cells: list[dict[str, Any] | None] = []
        for day in week:
            if day.month != chosen.month:
                cells.append(None)
                continue
            holiday = working.holiday(day)
            taken = sorted(busy.get(day.isoformat(), ()))
            cells.append({"day": day.day, "iso": day.isoformat(), "off": not working.is_working_day(day),
                          "holiday": holiday.label(lang) if holiday else "", "chosen": day == chosen,
                          "planned": day.isoformat() == current["date"],
                          "busy": pick(lang, "、", ", ").join(_org_name(found, b, lang) for b in taken)})
        weeks.append(cells)
    previous = (chosen.replace(day=1) - dt.timedelta(days=1))
    following = (chosen.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return render(request, "liaison_web/pages/move.html", {
        "district": district, "year": year, "e": _shown(found, current, lang), "revision": revision,
        "chosen": chosen, "weeks": weeks, "warnings": warnings, "here": here,
        "busy_here": pick(lang, "、", ", ").join(_org_name(found, b, lang) for b in busy_here),
        "month_name": pick(lang, f"{year}年{chosen.month}月", chosen.strftime("%B %Y")),
        "previous": previous.isoformat() if previous.year == year else "",
        "following": following.isoformat() if following.year == year else "",
        "weekdays": ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"] if lang == "en" else list("一二三四五六日"),
        "first_day": f"{year}-01-01", "last_day": f"{year}-12-31",
        "back": f"/engagement/{district}/{year}/{quote(engagement)}/"})


# -- records: one form for every kind, built from the library's record type -----------------------------
#: The record fields' names on the forms (a field not listed shows its own name).
FIELD_NAMES: Mapping[str, tuple[str, str]] = {
    "kind": ("类别", "Kind"), "date": ("日期", "Date"), "host": ("承办单位", "Host"),
    "attended": ("参加单位", "Bodies attending"), "id": ("编号", "Id"), "invited": ("邀请单位", "Bodies invited"),
    "title": ("标题", "Title"), "reason": ("未全部邀请的原因", "Why not everyone was invited"),
    "issuer": ("发文单位", "Issuer"), "copied_to": ("抄送单位", "Copied to"), "subject": ("事项", "Subject"),
    "sent": ("发送日期", "Sent"), "sent_to": ("征求单位", "Asked"), "replies": ("答复", "Replies"),
    "due": ("答复期限", "Answer due"), "sender": ("征求单位（发出）", "Sender"), "organisation": ("单位", "Body"),
    "submitted_by": ("报送单位", "Submitted by"), "department": ("部门", "Department"),
    "received": ("收到日期", "Received"), "feedback": ("反馈日期", "Feedback given on"),
    "feedback_summary": ("反馈意见摘要", "What the feedback says"), "person": ("姓名", "Person"),
    "party": ("党派", "Party"), "role": ("职务", "Role"), "town": ("镇街", "Town"),
    "description": ("内容", "Description"), "with_organisations": ("参与单位", "With"), "topic": ("课题", "Topic"),
    "by": ("开展单位", "By"), "leader_in_charge": ("分管领导", "Leader in charge"),
    "liaison_office": ("负责处室", "Liaison office"), "liaison_officer": ("联络人员", "Liaison officer"),
    "phone": ("电话", "Phone"), "appointed": ("任命日期", "Appointed"),
}
#: How many empty rows a form offers for a list of sub-records (a consultation's replies) beyond those it has.
SPARE_ROWS = 3


@attrs.frozen
class Field:
    """One field of a record's form: its name, how it is entered, whether it must be, its label and
    choices (organisations, an enum's values), and for a list of sub-records the sub-record's fields."""

    name: str
    widget: str  # date, text, textarea, lines, number, check, choice, body, bodies, rows
    required: bool
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    sub: tuple[Field, ...] = ()


def _label(name: str, lang: str) -> str:
    return pick(lang, *FIELD_NAMES.get(name, (name, name)))


def form_fields(cls: type, found: District, lang: str) -> tuple[Field, ...]:
    """The form of a record type: a field for each of its attrs fields (``source``, where a reader
    found it, is the reader's), its widget from its type — a day, a body of the district (a text field
    the library resolves as an organisation), several, an enum's values, a list of sub-records."""
    hints = typing.get_type_hints(cls)
    bodies = tuple(_bodies(found, lang))
    made = []
    for f in attrs.fields(cls):
        if f.name == "source":
            continue
        given = hints[f.name]
        args = [a for a in typing.get_args(given) if a is not type(None)]
        base = args[0] if typing.get_origin(given) in (typing.Union, types.UnionType) \
            and len(args) == 1 else given
        required = f.default is attrs.NOTHING
        label = _label(f.name, lang)
        choices: tuple[tuple[str, str], ...] = ()
        sub: tuple[Field, ...] = ()
        if base is dt.date:
            widget = "date"
        elif base is bool:
            widget = "check"
        elif base is int:
            widget = "number"
        elif isinstance(base, type) and issubclass(base, EngagementKind):
            widget, choices = "choice", tuple((k.value, found.kind_name(k, lang)) for k in EngagementKind)
        elif base is str:
            reference = f.validator is reference_text or f.validator is optional_reference
            widget = "body" if reference else "textarea" if f.validator is free_text else "text"
            choices = bodies if reference else ()
        elif typing.get_origin(base) is tuple:
            inner = typing.get_args(base)[0]
            if inner is str:
                widget, choices = ("bodies", bodies) if f.validator is reference_text else ("lines", ())
            elif attrs.has(inner):
                widget, sub = "rows", form_fields(inner, found, lang)
            else:
                widget = "text"
        else:
            widget = "text"
        made.append(Field(f.name, widget, required, label, choices, sub))
    return tuple(made)


def form_body(fields: Iterable[Field], form: Any, prefix: str = "") -> dict[str, Any]:
    """The record a posted form gives, as the library's JSON of it (the API's request body): empty
    fields left out (their defaults apply; a required one missing is the converter's error at its path)."""
    body: dict[str, Any] = {}
    for f in fields:
        key = prefix + f.name
        if f.widget == "check":
            body[f.name] = form.get(key) == "on"
        elif f.widget == "bodies":
            chosen = form.getlist(key)
            if chosen or f.required:
                body[f.name] = chosen
        elif f.widget == "lines":
            lines = [line.strip() for line in form.get(key, "").splitlines() if line.strip()]
            if lines or f.required:
                body[f.name] = lines
        elif f.widget == "rows":
            rows = []
            # the rows the form holds, by the indices of its fields — never a count the sender states
            # (a number of its choosing would be work of its choosing); Django caps a form's fields
            pattern = re.compile(re.escape(key) + r"-(\d{1,6})-")
            held = sorted({int(m.group(1)) for name in form if (m := pattern.match(name))})
            for n in held:
                row = form_body(f.sub, form, f"{key}-{n}-")
                if any(v not in ("", [], False) for v in row.values()):
                    rows.append(row)
            if rows or f.required:
                body[f.name] = rows
        else:
            text = form.get(key, "").strip()
            if text:
                body[f.name] = int(text) if f.widget == "number" and text.lstrip("-").isdigit() else text
    return body


def form_values(fields: Iterable[Field], data: Mapping[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """What the template shows of each field, filled in with ``data`` (a record's JSON, or what was posted)."""
    shown = []
    for f in fields:
        value = data.get(f.name)
        entry: dict[str, Any] = {"f": f, "key": prefix + f.name, "value": "" if value is None else value}
        if f.widget == "bodies":
            entry["options"] = [(o, name, o in (value or ())) for o, name in f.choices]
        elif f.widget in ("body", "choice"):
            entry["options"] = [(o, name, o == value) for o, name in f.choices]
        elif f.widget == "lines":
            entry["value"] = "\n".join(value or ())
        elif f.widget == "rows":
            rows = list(value or ())
            entry["rows"] = [form_values(f.sub, row, f"{prefix}{f.name}-{n}-")
                             for n, row in enumerate([*rows, *({} for _ in range(SPARE_ROWS))])]
            entry["count"] = len(entry["rows"])
        shown.append(entry)
    return shown


def _day_and_what(record: Mapping[str, Any]) -> tuple[str, str]:
    """A record's day and what it is about (its title, subject, …), for a list of records of every kind."""
    what = next((record.get(k) for k in ("title", "subject", "topic", "description", "person", "organisation", "id")
                 if record.get(k)), "")
    day = next((record.get(k) for k in ("date", "sent", "received") if record.get(k)), "")
    return str(day), str(what)


def _kind(name: str) -> kept.Kind:
    found = kept.KINDS.get(name)
    if found is None:
        raise NotFound(f"there is no kind of record {name!r}", path=("kind",),
                       fix=f"one of: {', '.join(kept.KINDS)}", message_zh=f"没有记录类别 {name!r}",
                       fix_zh=f"可用类别：{'、'.join(k.label_zh for k in kept.KINDS.values())}")
    return found


def _api_json(response: HttpResponse) -> Any:
    import json

    return json.loads(response.content)


@login_required
def records(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """The year's records the caller may read (the API's list: the same filter), the latest version
    of each, the withdrawn too, and a form for each kind of record."""
    lang = language(request)
    try:
        found, _ = service.district(request, district)
        listed = _api_json(service.list_records(request, district, year, None, None, True))
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    rows = []
    for item in listed:
        day, what = _day_and_what(item["record"])
        rows.append({**item, "what": what, "day": day, "label": pick(lang, kept.KINDS[item["kind"]].label_zh,
                                                                   kept.KINDS[item["kind"]].label_en),
                     "responsible_name": _org_name(found, item["responsible"], lang) if item["responsible"] else ""})
    rows.sort(key=lambda r: (str(r["day"]), r["key"]))
    # a form only for a kind the caller may record (the POST's rule): a read-only role is offered none
    kinds = [(k.section, pick(lang, k.label_zh, k.label_en)) for k in service.recordable_kinds(request, district)]
    return render(request, "liaison_web/pages/records.html", {
        "district": district, "year": year, "rows": rows, "kinds": kinds})


def _record_form(request: HttpRequest, district: str, kind: str,
                 lang: str) -> tuple[District, kept.Kind, tuple[Field, ...]]:
    """The caller's district, the kind of record a page is of and its form's fields."""
    found, _ = service.district(request, district)
    chosen = _kind(kind)
    return found, chosen, form_fields(chosen.type, found, lang)


@login_required
@require_http_methods(["GET", "POST"])
def new_record(request: HttpRequest, district: str, year: int, kind: str) -> HttpResponse:
    """The form of one kind of record; posted, the record is made as ``POST …/records/{kind}`` makes
    it (:func:`liaison_web.service.create_record`: the library's checks, the access table's
    ``record``, the audit entry), and its page follows."""
    lang = language(request)
    try:
        _, chosen, fields = _record_form(request, district, kind, lang)
        service.authorise_record_kind(request, district, chosen)  # no form to fill in only to be refused
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    problem, status, ahead, again = None, 200, False, False
    data: dict[str, Any] = {}
    if request.method == "POST":
        data = form_body(fields, request.POST)
        try:
            row = service.create_record(request, district, year, chosen, data, force=_forced(request))
        except LiaisonError as error:
            status = _status(error)
            if status in (403, 404):
                return _error_page(request, error, status)
            problem, ahead = _problem(ahead_refusal(error), lang), isinstance(error, NotYetHeld | AlreadyRecorded)
            again = isinstance(error, AlreadyRecorded)
        else:
            messages.success(request, pick(lang, "已记录", "Recorded"))
            return HttpResponseRedirect(f"/records/{district}/{year}/{kind}/{row.key}/")
    else:
        mine = next((m.organisation for m in service.members(request)[0] if m.district == district and m.organisation),
                    "")
        first = next((f for f in fields if f.widget == "body" and f.required), None)
        if mine and first is not None:
            data[first.name] = mine  # the caller's own body, where the form asks for one
    return render(request, "liaison_web/pages/record_form.html", {
        "district": district, "year": year, "kind": kind, "label": pick(lang, chosen.label_zh, chosen.label_en),
        "fields": form_values(fields, data), "problem": problem, "action": "create",
        "ahead": _ahead_box(lang, ahead, request.method == "POST" and _forced(request) and not again,
                            AGAIN_FORCE if again else AHEAD_FORCE),
        "back": f"/records/{district}/{year}/"}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def one_record(request: HttpRequest, district: str, year: int, kind: str, key: str) -> HttpResponse:
    """A record: its latest version, the earlier ones, its files; for who may record it, the form
    to correct it (the research's feedback, a consultation's replies: corrections), to withdraw it
    with a reason, and to attach a file — each the API's own change on the version the page was read at."""
    lang = language(request)
    problem, status, ahead = None, 200, None
    try:
        found, chosen, fields = _record_form(request, district, kind, lang)
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    posted: dict[str, Any] | None = None
    if request.method == "POST":
        try:
            return _record_change(request, district, year, chosen, key, fields, lang)
        except LiaisonError as error:
            status = _status(error)
            if status in (403, 404):
                return _error_page(request, error, status)
            problem = _problem(ahead_refusal(error), lang)
            if request.POST.get("action") == "correct":
                posted = form_body(fields, request.POST)
                ahead = _ahead_box(lang, isinstance(error, NotYetHeld), _forced(request))
    try:
        shown = _api_json(service.read_record(request, district, year, kind, key))
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    obj = {"id": key, "host": shown["responsible"], "participants": shown["parties"]}
    may_record = service.may_record(request, district, key, kept.writers(
        chosen, structure(shown["record"], chosen.type, file=f"records/{key}"), found)) == access.Decision.ALLOWED
    return render(request, "liaison_web/pages/record.html", {
        "district": district, "year": year, "kind": kind, "label": pick(lang, chosen.label_zh, chosen.label_en),
        "r": shown, "etag": f"{shown['key']}.{shown['version']}",
        "facts": [(f.label, _fact(f, shown["record"].get(f.name), found, lang)) for f in fields
                  if shown["record"].get(f.name) not in (None, "", [])],
        "versions": shown["versions"], "files": shown["evidence"], "problem": problem,
        "may_record": may_record, "may_attach": _allowed(request, "attach", district, obj),
        "fields": form_values(fields, posted if posted is not None else shown["record"]), "action": "correct",
        "limit_mb": _limit_mb(), "back": f"/records/{district}/{year}/", "ahead": ahead,
        "ack": _acknowledged(request, district, year, found, kind, shown)}, status=status)


def _acknowledged(request: HttpRequest, district: str, year: int, found: District, kind: str,
                  shown: dict[str, Any]) -> dict[str, Any] | None:
    """A document's or a research result's acknowledgements and the caller's form
    (:mod:`liaison_web.pages.replies`); none for another kind or a record without an id."""
    from liaison_web.pages.replies import OF_RECORD, section

    item = shown["record"].get("id", "")
    if kind not in OF_RECORD or not item:
        return None
    return section(request, district, year, found, OF_RECORD[kind], item, request.path)


def _fact(f: Field, value: Any, found: District, lang: str) -> str:
    """A record's value as the page shows it: bodies by their names, sub-records one per line."""
    sep = pick(lang, "、", ", ")
    if f.widget == "body":
        return _org_name(found, str(value), lang)
    if f.widget == "bodies":
        return sep.join(_org_name(found, str(v), lang) for v in value)
    if f.widget == "choice":
        return dict(f.choices).get(str(value), str(value))
    if f.widget == "rows":
        return "; ".join(sep.join(_fact(s, row.get(s.name), found, lang) for s in f.sub if row.get(s.name))
                         for row in value)
    if isinstance(value, list):
        return sep.join(map(str, value))
    return str(value)


def _record_change(request: HttpRequest, district: str, year: int, kind: kept.Kind, key: str,
                   fields: tuple[Field, ...], lang: str) -> HttpResponse:
    form = request.POST
    action = form.get("action", "")
    given = form.get("etag", "")
    here = f"/records/{district}/{year}/{kind.section}/{key}/"
    if action == "correct":
        body = form_body(fields, form)
        reason = form.get("reason", "").strip()[:1000]
        service.change_record(request, district, year, kind, key, "corrected",
                              lambda before: (service.check_record(request, district, year, kind, body, key,
                                                                      force=_forced(request)), reason),
                              given)
        messages.success(request, pick(lang, "已更正（原版本保留）", "Corrected (the earlier version is kept)"))
    elif action == "withdraw":
        reason = form.get("reason", "").strip()
        if not reason or len(reason) > 1000:
            raise InvalidRequest("a withdrawal needs its reason (up to 1000 characters)", path=("reason",),
                                 fix="write why it no longer counts", message_zh="撤销须写明原因（不超过1000字）",
                                 fix_zh="请填写撤销的原因")
        service.change_record(request, district, year, kind, key, "withdrawn",
                              lambda before: (kept.structure_row(before), reason), given)
        messages.success(request, pick(lang, "已撤销（记录保留，不再计入）", "Withdrawn (kept, no longer counted)"))
    elif action == "attach":
        files = request.FILES.getlist("files")
        if not files:
            raise DataError("choose a file to attach", file="evidence", path=("files",),
                            fix="choose the file with the form's file picker", message_zh="请选择要上传的文件",
                            fix_zh="请用表单的“选择文件”选择文件")
        object_type, object_id, obj = service.attached_to(request, district, year, key, None)
        service.authorise(request, "attach", district, obj)
        kept_files = [service.keep_file(f) for f in files]  # every file checked before any row is added
        for one in kept_files:
            service.attach_kept(request, district, year, object_type, object_id, obj, one)
        messages.success(request, pick(lang, f"已上传 {len(kept_files)} 个文件", f"{len(kept_files)} files attached"))
    else:
        raise InvalidRequest(f"{action!r} is not a change of a record", path=("action",),
                             fix="use one of the page's buttons", message_zh=f"{action!r} 不是对记录的修改",
                             fix_zh="请使用页面上的按钮")
    return HttpResponseRedirect(here)


# -- letters -------------------------------------------------------------------------------------------
@login_required
def letters(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """The year's letters the caller may read, as an export on ``day`` (default today) leaves them —
    the API's list (:func:`liaison_web.service.letters`, the letters' exporter): issued, due, and the
    drafts (no number yet; a body's own when addressed to it or issued by it, as the letters' exporter says) —
    each to download as .docx or .pdf through the API's own address."""
    lang = language(request)
    try:
        found, _ = service.district(request, district, "letters")
        day = _day(request.GET["day"], field="day") if request.GET.get("day") else None
        revision, when, shown = letter_rows(request, found, district, year, day, lang)
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    return render(request, "liaison_web/pages/letters.html", {
        "district": district, "year": year, "day": when, "letters": shown, "revision": revision,
        "counts": {s: sum(1 for x in shown if x["status"] == s) for s in LETTER_ORDER}})


#: How the letters are listed: those to issue first, then the drafts, then those issued.
LETTER_ORDER = {"due": 0, "draft": 1, "issued": 2}
#: A letter's state as the pages name it, docs/letters.md's words (the 发文登记's 已印发).
LETTER_STATES: Mapping[str, tuple[str, str]] = {"due": ("待印发", "due"), "draft": ("草稿", "draft"),
                                                "issued": ("已印发", "issued")}


def letter_rows(request: HttpRequest, found: District, district: str, year: int, day: dt.date | None, lang: str,
                engagement: str | None = None) -> tuple[str, dt.date, list[dict[str, Any]]]:
    """The letters the caller may read as an export on ``day`` (None: today) leaves them, as the pages
    list them — the API's list (:func:`liaison_web.service.letters`) and its download addresses; only
    those about ``engagement`` when it is given (the engagement page's). The revision, the day, the rows."""
    revision, when, listed, _ = service.letters(request, district, year, day)
    names = {state: pick(lang, *LETTER_STATES[state]) for state in LETTER_ORDER}
    base = f"/api/v1/districts/{district}/years/{year}/letters/"
    shown: list[dict[str, Any]] = []
    for path, status, record, whose in listed:
        if engagement is not None and whose.get("engagement") != engagement:
            continue
        if not _allowed(request, "letters", district, whose):
            continue
        # a draft's addressee: its recipient, as the letters' exporter says (公文清单.json, read by
        # :func:`liaison_web.api._letter_object`): a draft has no record yet
        to = record.recipient if record is not None else next(iter(whose["participants"]), "")
        number = record.doc_number if record is not None and status in ("issued", "due") else ""
        if number and status == "due":  # the number issuing now would give: the letter carries none yet
            number = pick(lang, f"拟用{number}", f"{number} once issued")
        shown.append({"path": path, "status": status, "status_name": names[status],
                      "name": path.rsplit("/", 1)[-1].removesuffix(".docx"), "number": number,
                      "date": record.date if record is not None and status == "issued" else None,
                      "to": _org_name(found, to, lang) if to else "",
                      # the day the page was read on: a letter due that day is the same letter downloaded
                      "docx": f"{base}{quote(path)}?day={when.isoformat()}",
                      "pdf": f"{base}{quote(path.removesuffix('.docx') + '.pdf')}?day={when.isoformat()}",
                      "whose": whose})
    shown.sort(key=lambda x: (LETTER_ORDER[x["status"]], x["path"]))
    return revision, when, shown


# -- the ledger upload ---------------------------------------------------------------------------------
#: The audit entries of a ledger upload: the workbook received (who, its digest, its name) and the
#: records taken from it once the user agreed.
LEDGER_UPLOADED, LEDGER_RECORDED = "ledger-uploaded", "ledger-recorded"


def _ledger_reader() -> Any:
    """The installed records reader of ledger workbooks that can take the good rows and name the others."""
    from liaison.host.plugins import record_readers

    found = next((r for r in record_readers().values() if ".xlsx" in r.suffixes and r.read_rows is not None), None)
    if found is None:
        raise LiaisonError("no reader of ledger workbooks (.xlsx) is installed in the service",
                           file="ledger", fix="install liaison-xlsx beside liaison-web and restart the service",
                           message_zh="服务未安装台账（.xlsx）读取插件",
                           fix_zh="请在服务中安装 liaison-xlsx 并重启")
    return found


def _row_place(where: str) -> tuple[str, int]:
    """The sheet and row of a place in a workbook (``会议走访!E53``, ``会议走访!53:53``)."""
    sheet, _, cell = where.rpartition("!")
    digits = "".join(ch if ch.isdigit() else " " for ch in cell).split()
    return sheet, int(digits[0]) if digits else 0


def _ledger_rows(request: HttpRequest, found: District, district: str, year: int, data: bytes, name: str,
                 lang: str, force: bool) -> tuple[list[dict[str, Any]], list[tuple[kept.Kind, dict[str, Any]]]]:
    """Each row of the workbook as the page shows it, in the sheets' order — taken (what it records)
    or refused (the cell and why) — and the records to make. The reader refuses a row it cannot
    read or the library's checks refuse; every other row is then checked as the API checks a record
    (:func:`liaison_web.service.check_record`: the year, the access table's ``record``, a record
    kept already, a fact dated after today unless ``force``: :data:`AHEAD_FORCE`), and refused at its
    row when that fails (``ahead``: only for being dated after today). A workbook that cannot be read
    as a ledger at all raises."""
    read = _ledger_reader().read_rows(data, found, name)
    records, refused = read
    # where each record was read, when the reader says (liaison-xlsx's ``places``): most kinds of record
    # keep no place of their own, and a row the service refuses below must still be named at its row
    places: Mapping[str, Sequence[str]] = getattr(read, "places", {})
    # what a refused row holds, when the reader says (liaison-xlsx's ``texts``): the row beside why
    texts: Mapping[str, str] = getattr(read, "texts", {})
    rows: list[dict[str, Any]] = []
    for error in refused:
        where = error.path or ""
        text, fix = message(error, lang)
        sheet, number = _row_place(where)
        rows.append({"place": (sheet, number), "where": where, "refused": True, "message": text, "fix": fix,
                     "what": texts.get(f"{sheet}!{number}", "")})
    taken: list[tuple[kept.Kind, dict[str, Any]]] = []
    for kind in kept.KINDS.values():
        read_at = places.get(kind.section, ())
        for i, record in enumerate(getattr(records, kind.section)):
            body = kept.canonical(record)
            source = str(body.pop("source", "") or "").rpartition(": ")[2]
            where = read_at[i] if i < len(read_at) else source
            row = {"place": _row_place(where), "where": where, "kind": pick(lang, kind.label_zh, kind.label_en),
                   "what": " ".join(_day_and_what(body)).strip()}
            try:
                service.check_record(request, district, year, kind, body, None, force=force)
            except LiaisonError as error:
                text, fix = message(ahead_refusal(error, again_box=False), lang)
                field = error.path or ""
                said = pick(lang, f"{field}：", f"{field}: ") + text if field else text
                rows.append({**row, "refused": True, "message": said, "fix": fix,
                             "ahead": isinstance(error, NotYetHeld)})
            else:
                rows.append({**row, "refused": False})
                taken.append((kind, body))
    rows.sort(key=lambda r: r["place"])
    return rows, taken




def _uploaded(request: HttpRequest, district: str, upload: str) -> str:
    """The name of a workbook this user uploaded to this district (its audit entry): another's, or
    none, is not found — a confirmation names only the caller's own upload."""
    entry = models.AuditEntry.objects.filter(action=LEDGER_UPLOADED, object_type="ledger", object_id=upload,
                                             district__code=district, user=request.user).order_by("-pk").first()
    if entry is None or not evidence.path_of(upload).is_file():
        raise NotFound(f"there is no ledger upload {upload!r} of yours", path=("upload",),
                       fix="upload the workbook again", message_zh="找不到您上传的这份台账",
                       fix_zh="请重新上传台账")
    return str((entry.after or {}).get("name", "ledger.xlsx"))


@login_required
@require_http_methods(["GET", "POST"])
def ledger(request: HttpRequest, district: str, year: int) -> HttpResponse:
    """A ledger workbook uploaded (``action=upload``): kept by its digest within the evidence limits,
    its upload in the audit log (who, the name, the digest), every row shown — the refused ones with
    their cell and why — and nothing recorded. Confirmed (``action=confirm``, naming the upload: no
    second upload), the taken rows are recorded, each as ``POST …/records/{kind}`` records it, in one
    transaction with the audit entry of the upload's records."""
    from django.db import transaction

    from liaison_web.audit import record as audit
    from liaison_web.callers import remote_address

    lang = language(request)
    try:
        found, _ = service.district(request, district, "record")
        service.revision(found, year)
        mine = next((m.organisation for m in service.members(request)[0] if m.district == district), "")
        service.district_object(request, "record", district, mine)
    except LiaisonError as error:
        return _error_page(request, error, _status(error))
    context: dict[str, Any] = {"district": district, "year": year, "limit_mb": _limit_mb(), "problem": None,
                               "rows": None, "upload": "", "name": ""}
    status = 200
    action = request.POST.get("action", "") if request.method == "POST" else ""
    try:
        if action == "upload":
            file = request.FILES.get("ledger")
            if file is None:
                raise DataError("choose the ledger workbook to upload", file="ledger", path=("ledger",),
                                fix="choose the .xlsx file with the form's file picker",
                                message_zh="请选择要上传的台账工作簿", fix_zh="请用表单的“选择文件”选择 .xlsx 文件")
            sha, size, type_, name = service.keep_file(file)
            if type_.name != "xlsx":
                raise evidence.unsupported()
            audit(LEDGER_UPLOADED, "ledger", sha, user=request.user, district=district,
                  remote_address=remote_address(request), after={"name": name, "size": size, "year": year})
            rows, taken = _ledger_rows(request, found, district, year, evidence.path_of(sha).read_bytes(), name, lang,
                                       False)
            ahead = sum(1 for r in rows if r.get("ahead"))
            context.update(rows=rows, upload=sha, name=name, taken=len(taken),
                           refused=sum(1 for r in rows if r["refused"]), ahead_rows=ahead,
                           ahead=_ahead_box(lang, bool(ahead), False))
        elif action == "confirm":
            upload = request.POST.get("upload", "")
            name = _uploaded(request, district, upload)
            # the box ticked: the rows dated after today are taken too, each recorded as forced
            rows, taken = _ledger_rows(request, found, district, year, evidence.path_of(upload).read_bytes(), name,
                                       lang, _forced(request))
            with transaction.atomic():
                keys = [service.create_record(request, district, year, kind, body, force=_forced(request)).key
                        for kind, body in taken]
                audit(LEDGER_RECORDED, "ledger", upload, user=request.user, district=district,
                      remote_address=remote_address(request),
                      after={"name": name, "year": year, "records": keys,
                             "refused": [r["where"] for r in rows if r["refused"]]})
            messages.success(request, pick(lang, f"已从 {name} 记录 {len(keys)} 条",
                                           f"{len(keys)} records taken from {name}"))
            return HttpResponseRedirect(f"/records/{district}/{year}/")
        elif request.method == "POST":
            raise InvalidRequest(f"{action!r} is not a step of a ledger upload", path=("action",),
                                 fix="use one of the page's buttons", message_zh=f"{action!r} 不是台账上传的步骤",
                                 fix_zh="请使用页面上的按钮")
    except LiaisonError as error:
        status = _status(error)
        if status == 403:
            return _error_page(request, error, status)
        context["problem"] = _problem(error, lang)
    return render(request, "liaison_web/pages/ledger.html", context, status=status)
