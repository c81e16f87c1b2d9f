"""The body's pages (issue #26, :mod:`liaison_web.pages.body`) through Django's test client: mark
held (the plan's held change, the held meeting's record, the files through the evidence limits),
the move's date picker (days off and busy days, the library's holiday warning), one records form
for every kind (made, refused at its field, corrected), a ledger upload (each refused cell beside its
row, the rest recorded only when the uploader confirms, both steps in the audit log), the body's
letters; another body's object a 403 page, another district's a 404. The same pages in Chromium:
test_web_browser_body."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from web_db import CLERK_OF, OFFICER_OF, YEAR

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def loaded_plugins() -> str:
    return "web,xlsx,docx"  # the ledger upload reads through liaison-xlsx, the letters are liaison-docx's


def user(own: dict[str, Any], role: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.get(username=f"{role}-{own['code']}")


def browser(who: Any = None, lang: str = "zh") -> Any:
    from django.test import Client

    made = Client()
    if who is not None:
        made.force_login(who)
    if lang == "en":
        made.cookies["liaison_lang"] = "en"
    return made


def plan(own: dict[str, Any]) -> Any:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().load(own["district"], YEAR)
    assert found is not None
    return found.state.plan


def revision(own: dict[str, Any]) -> str:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().current(own["district"], YEAR)
    assert found is not None
    return found


def hosted(own: dict[str, Any], organisation: str = CLERK_OF) -> list[Any]:
    return [e for e in plan(own).engagements if e.host == organisation and e.status.value == "proposed"]


def page_of(own: dict[str, Any], engagement: str, tail: str = "") -> str:
    return f"/engagement/{own['code']}/{YEAR}/{quote(engagement)}/{tail}"


def upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def problem_of(page: str) -> str:
    found = re.search(r'<div class="problem"[^>]*>(.*?)</div>', page, re.S)
    assert found, "no problem shown"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# -- mark held -------------------------------------------------------------------------------------------
def test_marking_held_records_the_meeting_its_attendees_minutes_and_files(own_district: dict[str, Any]) -> None:
    from liaison_web import models

    own = own_district
    clerk = browser(user(own, "clerk"))
    e = next(x for x in hosted(own) if set(x.participants) - {x.host})
    guest = next(p for p in e.participants if p != e.host)
    form = clerk.get(page_of(own, e.id, "held/"))
    assert form.status_code == 200
    page = form.content.decode()
    for other in e.participants:  # those invited are ticked to start with
        assert re.search(rf'value="{re.escape(other)}" checked', page)
    assert f'/engagement/{own["code"]}/{YEAR}/{quote(e.id)}/held/' in clerk.get(page_of(own, e.id)).content.decode()
    day = e.date + dt.timedelta(days=1)
    response = clerk.post(page_of(own, e.id, "held/"), {
        "revision": revision(own), "date": day.isoformat(), "attended": [guest],
        "minutes": "会议听取了意见", "force": "on",  # the year is ahead: held early only when asked
        "files": [upload("签到表.pdf", PDF), upload("../../x.pdf", PDF + b"2")]})
    assert response.status_code == 302, response.content.decode()
    now = next(x for x in plan(own).engagements if x.id == e.id)
    assert now.status.value == "held" and now.date == day
    row = models.Record.objects.get(district__code=own["code"], kind="engagements")
    assert row.data["id"] == e.id and row.data["attended"] == [e.host, guest]
    assert row.data["date"] == day.isoformat()
    kept = models.Evidence.objects.filter(district__code=own["code"], object_type="engagement", object_id=e.id)
    assert sorted(f.name for f in kept) == ["x.pdf", "签到表.pdf"]  # the last part of the name only
    digests = sorted(hashlib.sha256(b).hexdigest() for b in (PDF, PDF + b"2"))
    assert [p.name for p in files_under(own["media"])] == digests  # kept by digest: `../../` reaches nothing
    entry = models.AuditEntry.objects.filter(object_id=e.id, action="held").latest("pk")
    assert entry.after is not None and "会议听取了意见" in str(entry.after)
    assert "签到表.pdf" in clerk.get(page_of(own, e.id)).content.decode()  # the files on the engagement page


@pytest.mark.parametrize(("name", "data", "kind"), [("../../x", b"not a document", "UnsupportedType"),
                                                    ("big.pdf", PDF + b"0" * 4096, "TooLarge")])
def test_a_refused_file_changes_nothing_and_says_why(own_district: dict[str, Any], name: str, data: bytes,
                                                     kind: str) -> None:
    from django.conf import settings

    from liaison_web import models

    own = own_district
    e = hosted(own)[0]
    previous = settings.LIAISON_MAX_UPLOAD_BYTES
    settings.LIAISON_MAX_UPLOAD_BYTES = 1024
    try:
        response = browser(user(own, "clerk")).post(page_of(own, e.id, "held/"), {
            "revision": revision(own), "date": e.date.isoformat(), "force": "on", "files": [upload(name, data)]})
    finally:
        settings.LIAISON_MAX_UPLOAD_BYTES = previous
    assert response.status_code in (413, 415)
    page = response.content.decode()
    assert f'data-kind="{kind}"' in page and ("MB" in problem_of(page) or "类型" in problem_of(page))
    assert next(x for x in plan(own).engagements if x.id == e.id).status.value == "proposed"
    assert not models.Record.objects.filter(district__code=own["code"]).exists()
    assert files_under(own["media"]) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("address", ["held", "attach", "ledger"])
def test_an_upload_longer_than_the_service_takes_is_refused_unread_on_the_pages_own_page(
        own_district: dict[str, Any], small_uploads: list[int], address: str, lang: str) -> None:
    from liaison_web import evidence, models

    own = own_district
    clerk = browser(user(own, "clerk"), lang)
    record = ""
    if address == "attach":  # a record to attach to, made before the limit matters
        made = clerk.post(f"/records/{own['code']}/{YEAR}/new/documents/", {
            "id": "区卫〔2027〕4号", "issuer": CLERK_OF, "date": f"{YEAR}-02-03", "copied_to": [OFFICER_OF],
            "title": "通知"})
        assert made.status_code == 302, problem_of(made.content.decode())
        record = made["Location"]
        small_uploads.clear()  # the test client sends every form as multipart: that one was read
    big = PDF + b"0" * (evidence.max_body_bytes() + 1)  # past what even a form of several files may carry
    e = hosted(own)[0]
    url, form = {
        "held": (page_of(own, e.id, "held/"), {"revision": revision(own), "date": e.date.isoformat(), "force": "on",
                                                "files": [upload("big.pdf", big)]}),
        "attach": (record, {
            "action": "attach", "etag": "", "files": [upload("big.pdf", big)]}),
        "ledger": (f"/ledger/{own['code']}/{YEAR}/", {"action": "upload", "ledger": upload("台账.xlsx", big)}),
    }[address]
    records, kept = models.Record.objects.count(), models.Evidence.objects.count()
    response = clerk.post(url, form)
    assert response.status_code == 413
    page = response.content.decode()
    said = problem_of(page)
    assert 'data-kind="TooLarge"' in page
    assert ("larger" in said and "MB" in said) if lang == "en" else ("超过" in said and "larger" not in said)
    assert small_uploads == []  # refused by its length: the body was never parsed
    assert files_under(own["media"]) == [] and models.Record.objects.count() == records
    assert models.Evidence.objects.count() == kept
    assert next(x for x in plan(own).engagements if x.id == e.id).status.value == "proposed"


def test_another_bodys_engagement_is_403_and_another_districts_404(own_district: dict[str, Any]) -> None:
    own = own_district
    theirs = next(e for e in plan(own).engagements if CLERK_OF not in (e.host, *e.participants))
    clerk = browser(user(own, "clerk"))
    for tail in ("held/", "move/"):
        response = clerk.get(page_of(own, theirs.id, tail))
        assert response.status_code == 403 and 'data-kind="Forbidden"' in response.content.decode()
    officer = browser(user(own, "liaison_officer"))  # attends, but the table lets only the host mark it held
    attended = next(e for e in plan(own).engagements if OFFICER_OF in e.participants)
    assert officer.get(page_of(own, attended.id, "held/")).status_code == 403
    far = browser(_stranger())
    for address in (page_of(own, hosted(own)[0].id, "held/"), page_of(own, hosted(own)[0].id, "move/"),
                    f"/records/{own['code']}/{YEAR}/", f"/ledger/{own['code']}/{YEAR}/",
                    f"/letters/{own['code']}/{YEAR}/", f"/records/{own['code']}/{YEAR}/new/documents/"):
        assert far.get(address).status_code == 404, address
        assert browser().get(address)["Location"].startswith("/login/?next=")


def _stranger() -> Any:
    """A clerk of another district (made here: the own_district fixture has none)."""
    import web_db
    from django.contrib.auth import get_user_model

    from liaison_web import models

    web_db.counter += 1
    other, _ = models.District.objects.get_or_create(code="donghu", defaults={"name": "东湖区"})
    made = get_user_model()._default_manager.create_user(f"far-{web_db.counter}", password="x")
    models.Membership.objects.create(user=made, district=other, organisation=CLERK_OF, role="clerk")
    return made


# -- the move's date picker -------------------------------------------------------------------------------
def test_the_picker_greys_days_off_marks_busy_days_and_warns_with_the_holidays_name(
        own_district: dict[str, Any]) -> None:
    from liaison.host.plugins import working_day_calendar
    from liaison.law.workdays import HolidayKind

    own = own_district
    e = hosted(own)[0]
    calendar = working_day_calendar()
    day = next(d for d in (dt.date(YEAR, 1, 1) + dt.timedelta(n) for n in range(365))
               if (h := calendar.holiday(d)) and h.kind == HolidayKind.STATUTORY and not calendar.is_working_day(d))
    holiday = calendar.holiday(day)
    assert holiday is not None
    for lang in ("zh", "en"):
        response = browser(user(own, "clerk"), lang).get(page_of(own, e.id, "move/") + f"?date={day}")
        assert response.status_code == 200
        page = response.content.decode()
        cell = re.search(rf'<td class="([^"]*)" data-day="{day}" title="([^"]*)"', page)
        assert cell and "off" in cell.group(1) and holiday.label(lang) in html.unescape(cell.group(2))
        warning = re.search(r'<div class="warning" role="alert" data-kind="PlanWarning"><p>(.*?)</p>', page, re.S)
        assert warning and holiday.label(lang) in html.unescape(warning.group(1))
        assert f'name="date" id="move-date" required min="{YEAR}-01-01" max="{YEAR}-12-31" value="{day}"' in page
        chosen = re.search(r"<h2>([^<]*)<span class=\"date\">", page)
        assert chosen and chosen.group(1) == {"zh": "所选日期：", "en": "The day chosen: "}[lang]
        if lang == "en":  # English punctuation throughout (a busy holiday's title joins the two with it)
            assert not re.search(r'title="[^"]*[：；]', page)
    # a day another engagement of a body taking part already has: marked busy, with the body named
    busy = next(o for o in plan(own).engagements
                if o.id != e.id and {o.host, *o.participants} & {e.host, *e.participants}
                and o.status.value != "cancelled")
    page = browser(user(own, "clerk")).get(page_of(own, e.id, "move/") + f"?date={busy.date}").content.decode()
    cell = re.search(rf'<td class="([^"]*)" data-day="{busy.date}"', page)
    assert cell and "busy" in cell.group(1) and 'data-kind="Busy"' in page
    # an ordinary working day without another engagement: neither
    free = next(d for d in (dt.date(YEAR, 3, 1) + dt.timedelta(n) for n in range(200)) if calendar.is_working_day(d)
                and not any(o.date == d for o in plan(own).engagements))
    page = browser(user(own, "clerk")).get(page_of(own, e.id, "move/") + f"?date={free}").content.decode()
    cell = re.search(rf'<td class="([^"]*)" data-day="{free}"', page)
    assert cell and "off" not in cell.group(1) and "busy" not in cell.group(1) and 'class="warning"' not in page
    assert browser(user(own, "clerk")).get(page_of(own, e.id, "move/") + f"?date={YEAR + 1}-01-05").status_code == 422


# -- records: one form for every kind ------------------------------------------------------------------
def test_every_kind_of_record_has_its_form(own_district: dict[str, Any]) -> None:
    from liaison_web import records as kept

    own = own_district
    clerk = browser(user(own, "clerk"))
    year_page = clerk.get(f"/year/{own['code']}/{YEAR}/").content.decode()
    for address in ("records", "ledger", "letters"):
        assert f'href="/{address}/{own["code"]}/{YEAR}/"' in year_page
    listing = clerk.get(f"/records/{own['code']}/{YEAR}/").content.decode()
    admin = browser(user(own, "administrator"))
    for kind in kept.KINDS.values():
        # a clerk is offered the kinds its body may be responsible for; the administrator every kind
        assert (f"/records/{own['code']}/{YEAR}/new/{kind.section}/" in listing) == kind.by_a_body
        page = admin.get(f"/records/{own['code']}/{YEAR}/new/{kind.section}/").content.decode()
        for field in kind.type.__attrs_attrs__:
            if field.name != "source":
                assert f'id="f-{field.name}"' in page, (kind.section, field.name)
    assert clerk.get(f"/records/{own['code']}/{YEAR}/new/nothing/").status_code == 404


def test_a_visit_is_recorded_by_its_form_refused_at_its_field_and_corrected(own_district: dict[str, Any]) -> None:
    from liaison_web import models

    own = own_district
    clerk = browser(user(own, "clerk"))
    address = f"/records/{own['code']}/{YEAR}/new/engagements/"
    body = {"kind": "visit", "date": f"{YEAR}-13-01", "host": CLERK_OF, "attended": [CLERK_OF, OFFICER_OF],
            "id": f"{YEAR}/visit/page", "title": "走访"}
    refused = clerk.post(address, body)
    assert refused.status_code == 422 and "date" in problem_of(refused.content.decode())
    assert f'value="{YEAR}/visit/page"' in refused.content.decode()  # what was typed is kept
    made = clerk.post(address, {**body, "date": f"{YEAR}-05-06"})
    assert made.status_code == 302
    row = models.Record.objects.get(district__code=own["code"], kind="engagements")
    assert made["Location"] == f"/records/{own['code']}/{YEAR}/engagements/{row.key}/"
    assert row.data["attended"] == [CLERK_OF, OFFICER_OF] and row.actor == f"clerk-{own['code']}"
    assert models.AuditEntry.objects.filter(action="created", object_id=row.key).exists()
    # another body's visit: the access table's record, as the API's
    theirs = clerk.post(address, {**body, "host": "education", "id": f"{YEAR}/visit/theirs", "date": f"{YEAR}-05-06"})
    assert theirs.status_code == 403
    # the correction on the version read; a stale one is 412 and adds nothing
    page = clerk.get(made["Location"]).content.decode()
    assert f'name="etag" value="{row.key}.1"' in page
    fixed = clerk.post(made["Location"], {**body, "date": f"{YEAR}-05-07", "action": "correct",
                                          "etag": f"{row.key}.1", "reason": "日期有误"})
    assert fixed.status_code == 302
    assert models.Record.objects.get(key=row.key, version=2).data["date"] == f"{YEAR}-05-07"
    stale = clerk.post(made["Location"], {**body, "action": "correct", "etag": f"{row.key}.1"})
    assert stale.status_code == 412 and models.Record.objects.filter(key=row.key).count() == 2


def test_a_consultation_and_its_replies_and_research_with_its_feedback(own_district: dict[str, Any]) -> None:
    from liaison_web import models

    own = own_district
    admin = browser(user(own, "administrator"))
    sent = admin.post(f"/records/{own['code']}/{YEAR}/new/consultations/", {
        "id": "征求〔2027〕1号", "subject": "规划征求意见", "sent": f"{YEAR}-03-02", "sent_to": [OFFICER_OF, "jiusan"],
        "replies-count": "2", "replies-0-organisation": OFFICER_OF, "replies-0-date": f"{YEAR}-03-09"})
    assert sent.status_code == 302, problem_of(sent.content.decode())
    row = models.Record.objects.get(district__code=own["code"], kind="consultations")
    assert [r["organisation"] for r in row.data["replies"]] == [OFFICER_OF]
    page = admin.get(sent["Location"]).content.decode()
    assert 'name="replies-count" value="4"' in page  # the reply it has and room for more
    research = admin.post(f"/records/{own['code']}/{YEAR}/new/research_results/", {
        "id": "调研〔2027〕1", "title": "调研报告", "submitted_by": OFFICER_OF, "department": CLERK_OF,
        "received": f"{YEAR}-04-01"})
    assert research.status_code == 302
    key = research["Location"].rstrip("/").rsplit("/", 1)[1]
    clerk = browser(user(own, "clerk"))  # the department owing the feedback gives it
    given = clerk.post(research["Location"], {
        "action": "correct", "etag": f"{key}.1", "id": "调研〔2027〕1", "title": "调研报告", "submitted_by": OFFICER_OF,
        "department": CLERK_OF, "received": f"{YEAR}-04-01", "feedback": f"{YEAR}-04-20", "reason": "反馈"})
    assert given.status_code == 302, problem_of(given.content.decode())
    assert models.Record.objects.get(key=key, version=2).data["feedback"] == f"{YEAR}-04-20"


def test_a_file_attached_to_a_record_and_a_withdrawal_need_their_reason(own_district: dict[str, Any]) -> None:
    from liaison_web import models

    own = own_district
    clerk = browser(user(own, "clerk"))
    made = clerk.post(f"/records/{own['code']}/{YEAR}/new/documents/", {
        "id": "区卫〔2027〕3号", "issuer": CLERK_OF, "date": f"{YEAR}-02-03", "copied_to": [OFFICER_OF],
        "title": "通知"})
    assert made.status_code == 302, problem_of(made.content.decode())
    key = made["Location"].rstrip("/").rsplit("/", 1)[1]
    attached = clerk.post(made["Location"], {"action": "attach", "etag": f"{key}.1", "files": [upload("a.pdf", PDF)]})
    assert attached.status_code == 302
    assert [f.name for f in models.Evidence.objects.filter(object_id=key)] == ["a.pdf"]
    assert "a.pdf" in clerk.get(made["Location"]).content.decode()
    refused = clerk.post(made["Location"], {"action": "withdraw", "etag": f"{key}.1", "reason": ""})
    assert refused.status_code == 422
    gone = clerk.post(made["Location"], {"action": "withdraw", "etag": f"{key}.1", "reason": "重复登记"})
    assert gone.status_code == 302
    assert models.Record.objects.filter(key=key).latest("version").action == "withdrawn"


@pytest.mark.parametrize(("lang", "unit"), [("zh", "字节"), ("en", "bytes")])
def test_a_files_size_is_in_the_pages_language(own_district: dict[str, Any], lang: str, unit: str) -> None:
    own = own_district
    clerk = browser(user(own, "clerk"), lang)
    e = hosted(own)[0]
    held = clerk.post(page_of(own, e.id, "held/"), {"revision": revision(own), "date": e.date.isoformat(),
                                                    "force": "on", "files": [upload("签到表.pdf", PDF)]})
    assert held.status_code == 302, problem_of(held.content.decode())
    made = clerk.post(f"/records/{own['code']}/{YEAR}/new/documents/", {
        "id": "区卫〔2027〕5号", "issuer": CLERK_OF, "date": f"{YEAR}-02-03", "copied_to": [OFFICER_OF],
        "title": "通知"})
    key = made["Location"].rstrip("/").rsplit("/", 1)[1]
    attached = clerk.post(made["Location"], {"action": "attach", "etag": f"{key}.1", "files": [upload("a.pdf", PDF)]})
    assert attached.status_code == 302
    for address in (page_of(own, e.id), made["Location"]):  # the engagement's files, the record's
        page = html.unescape(clerk.get(address).content.decode())
        sizes = re.findall(r'<ul class="files"><li>.*?<span class="muted">([^·<]*)·', page, re.S)
        assert [s.replace("\xa0", " ").strip() for s in sizes] == [f"{len(PDF)} {unit}"], address


# -- the ledger upload ----------------------------------------------------------------------------------
def ledger(own: dict[str, Any], bad_row: int | None = 3) -> tuple[bytes, str]:
    """The district's ledger template with the first three planned rows held and one of them given a
    date that is none; the bad cell's place (``会议走访!B6``)."""
    import openpyxl
    from liaison_xlsx.plugin import ledger_workbook

    book = openpyxl.load_workbook(io.BytesIO(ledger_workbook(own["district"], plan(own), YEAR)))
    sheet = book["会议走访"]
    columns = {c.value: c.column for c in sheet[2] if c.value}
    rows = [r for r in range(3, sheet.max_row + 1) if sheet.cell(r, columns["编号"]).value][:3]
    for r in rows:
        sheet.cell(r, columns["是否召开"]).value = "是"
    where = ""
    if bad_row is not None:
        row = rows[bad_row - 1]
        sheet.cell(row, columns["日期"]).value = f"{YEAR}年13月1日"
        where = f"会议走访!{openpyxl.utils.get_column_letter(columns['日期'])}{row}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), where


def test_a_ledger_shows_its_refused_cell_beside_the_row_and_records_the_rest_when_confirmed(
        own_district: dict[str, Any]) -> None:
    from liaison_web import models

    own = own_district
    admin = browser(user(own, "administrator"))
    data, where = ledger(own)
    address = f"/ledger/{own['code']}/{YEAR}/"
    shown = admin.post(address, {"action": "upload", "ledger": upload("台账.xlsx", data)})
    assert shown.status_code == 200
    page = shown.content.decode()
    refused = re.search(rf'<tr class="refused" data-where="{re.escape(where)}">(.*?)</tr>', page, re.S)
    assert refused and "不是有效的日期" in html.unescape(refused.group(1))
    assert len(re.findall(r'<tr class="taken"', page)) == 2
    assert not models.Record.objects.filter(district__code=own["code"]).exists()  # nothing before the confirmation
    upload_id = re.search(r'name="upload" value="([0-9a-f]{64})"', page)
    assert upload_id
    entry = models.AuditEntry.objects.get(action="ledger-uploaded", object_id=upload_id.group(1),
                                          district__code=own["code"])
    assert entry.actor == f"administrator-{own['code']}" and entry.after["name"] == "台账.xlsx"
    # another user cannot confirm this upload
    other = browser(user(own, "clerk")).post(address, {"action": "confirm", "upload": upload_id.group(1)})
    assert other.status_code == 404 and not models.Record.objects.filter(district__code=own["code"]).exists()
    done = admin.post(address, {"action": "confirm", "upload": upload_id.group(1)})
    assert done.status_code == 302 and done["Location"] == f"/records/{own['code']}/{YEAR}/"
    rows = models.Record.objects.filter(district__code=own["code"], kind="engagements")
    assert rows.count() == 2
    recorded = models.AuditEntry.objects.get(action="ledger-recorded", object_id=upload_id.group(1))
    assert sorted(recorded.after["records"]) == sorted(r.key for r in rows) and recorded.after["refused"] == [where]
    # the same workbook again: its rows are kept already, each refused at its row
    again = admin.post(address, {"action": "upload", "ledger": upload("台账.xlsx", data)}).content.decode()
    assert len(re.findall(r'<tr class="refused"', again)) == 3 and 'id="ledger-confirm"' not in again


def test_a_clerks_ledger_records_only_its_bodys_rows_and_a_wrong_file_is_refused(
        own_district: dict[str, Any]) -> None:
    own = own_district
    clerk = browser(user(own, "clerk"))
    data, _ = ledger(own, None)
    page = clerk.post(f"/ledger/{own['code']}/{YEAR}/", {"action": "upload", "ledger": upload("l.xlsx", data)})
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    ids = [e.id for e in plan(own).engagements if e.status.value != "cancelled"][:3]
    hosts = {e.id: e.host for e in plan(own).engagements}
    taken = re.findall(r'<tr class="taken"', text)
    refused = re.findall(r'<tr class="refused" data-where="[^"]*">(.*?)</tr>', text, re.S)
    assert len(taken) == sum(1 for i in ids if hosts[i] == CLERK_OF)
    assert len(refused) == 3 - len(taken) and all("无权" in r for r in refused)  # another body's rows: 403 each
    # a PDF is no ledger, whatever it is called
    wrong = clerk.post(f"/ledger/{own['code']}/{YEAR}/", {"action": "upload", "ledger": upload("台账.xlsx", PDF)})
    assert wrong.status_code == 415 and 'data-kind="UnsupportedType"' in wrong.content.decode()
    assert browser(user(own, "auditor")).get(f"/ledger/{own['code']}/{YEAR}/").status_code == 403


def test_a_row_the_service_refuses_is_named_at_its_row_though_its_record_keeps_no_place(
        own_district: dict[str, Any]) -> None:
    """A 文件抄送 row keeps no place in its record (only 会议走访's do): one of another body the clerk
    may not record is refused at its row all the same, and sorted there, beside the clerk's own."""
    import openpyxl

    from liaison.law.district import OrgKind

    own = own_district
    data, _ = ledger(own, None)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["文件抄送"]
    header = next(r for r in range(1, 6) if any(c.value == "发文单位" for c in sheet[r]))
    columns = {c.value: c.column for c in sheet[header] if c.value}
    district = own["district"]
    other = next(o for o in district.of_kind(OrgKind.DEPARTMENT) if o.id != CLERK_OF)
    first = next(r for r in range(header + 1, header + 100) if not sheet.cell(r, columns["文号"]).value)
    for row, (number, issuer) in enumerate([("区他〔2027〕1号", other.id), ("区卫〔2027〕2号", CLERK_OF)], first):
        for name, value in {"文号": number, "发文单位": issuer, "日期": dt.date(YEAR, 3, 2),
                            "抄送单位": OFFICER_OF}.items():
            sheet.cell(row, columns[name]).value = value
    out = io.BytesIO()
    book.save(out)
    page = browser(user(own, "clerk")).post(f"/ledger/{own['code']}/{YEAR}/",
                                            {"action": "upload", "ledger": upload("l.xlsx", out.getvalue())})
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    shown = re.findall(r'<tr class="(taken|refused)" data-where="([^"]*)">(.*?)</tr>', text, re.S)
    documents = [(kind, where, cells) for kind, where, cells in shown if "区他" in cells or "区卫" in cells]
    assert [(kind, where) for kind, where, _ in documents] == [
        ("refused", f"文件抄送!{first}:{first}"), ("taken", f"文件抄送!{first + 1}:{first + 1}")]
    assert "无权" in documents[0][2] and f"文件抄送!{first}:{first}" in documents[0][2]
    places = [(where.partition("!")[0], int(re.findall(r"\d+", where.partition("!")[2])[0])) for _, where, _ in shown]
    assert places == sorted(places)  # every row at its place, the sheets' rows in order


# -- letters -------------------------------------------------------------------------------------------
def test_the_letters_page_lists_what_the_caller_may_read_to_download(own_district: dict[str, Any]) -> None:
    own = own_district
    admin = browser(user(own, "administrator"))
    page = admin.get(f"/letters/{own['code']}/{YEAR}/?day={YEAR}-01-04").content.decode()
    listed = re.findall(r'<tr data-status="(\w+)" data-path="([^"]+)">', page)
    assert listed and {s for s, _ in listed} <= {"issued", "due", "draft"}
    link = re.search(r'<a href="([^"]+)" aria-label="[^"]*\.docx">', page)
    assert link and link.group(1).endswith(f"?day={YEAR}-01-04")
    docx = admin.get(html.unescape(link.group(1)))  # the page's own link
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    officer = browser(user(own, "liaison_officer")).get(f"/letters/{own['code']}/{YEAR}/?day={YEAR}-01-04")
    theirs = re.findall(r'<tr data-status="(\w+)" data-path="([^"]+)">', officer.content.decode())
    assert len(theirs) <= len(listed)


def test_a_bodys_letters_page_shows_its_drafts_without_a_number(own_district: dict[str, Any]) -> None:
    """The drafts a body sends or will receive are on its letters page, with no number; another
    body's are not (whose each is: test_web_drafts_whose)."""
    own = own_district
    day = f"{YEAR}-01-04"
    row = r'<tr data-status="(\w+)" data-path="([^"]+)"><td>[^<]*</td><td>.*?</td>\s*<td>(.*?)</td><td>(.*?)</td>'

    def drafts(role: str) -> dict[str, tuple[str, str]]:
        page = browser(user(own, role)).get(f"/letters/{own['code']}/{YEAR}/?day={day}").content.decode()
        return {path: (number, to) for status, path, number, to in re.findall(row, page, re.S) if status == "draft"}

    everyone = drafts("administrator")
    engagements = [e for e in plan(own).engagements if e.status.value != "cancelled"]
    for role, body in (("clerk", CLERK_OF), ("liaison_officer", OFFICER_OF)):
        # the invitations' own names (the docx exporter's: 邀请函/{date}-{kind}-{host}-{invitee}.docx):
        # those its meetings send, and those to it
        theirs = {f"{e.date.isoformat()}-{e.kind.value}-{e.host}-{org}": org for e in engagements
                  for org in e.participants if body in (e.host, org)}
        wanted = {p for p in everyone if "/邀请函/" in p and p.rsplit("/", 1)[-1].removesuffix(".docx") in theirs}
        shown = drafts(role)
        assert wanted and wanted <= set(shown) <= set(everyone)
        assert all(not number.strip() for number, _ in shown.values())  # no 文号 before it is issued
        for path in wanted:  # addressed to its invitee, by name
            invitee = own["district"].organisation(theirs[path.rsplit("/", 1)[-1].removesuffix(".docx")])
            assert html.unescape(shown[path][1]) == invitee.name
        strangers = {p for p in everyone if "/邀请函/" in p} - wanted
        assert strangers and not strangers & set(shown)


def test_the_engagement_page_lists_its_letters_with_their_numbers_to_download(own_district: dict[str, Any]) -> None:
    """The letters an engagement produced (its invitations, one a body taking part) are on its page,
    issued with their 文号 or still drafts, each downloading through the API's address."""
    import json

    own = own_district
    e = next(e for e in hosted(own) if e.participants and e.kind.value != "work_meeting")
    row = r'<tr data-status="(\w+)" data-path="([^"]+)"><td>[^<]*</td><td>.*?</td>\s*<td>(.*?)</td>'

    def letters_of(address: str, who: Any) -> dict[str, tuple[str, str]]:
        page = who.get(address).content.decode()
        table = re.search(r'<table class="rows" id="engagement-letters">(.*?)</table>', page, re.S)
        assert table, "no letters on the engagement page"
        return {path: (status, html.unescape(number)) for status, path, number in re.findall(row, table.group(1), re.S)}

    clerk = browser(user(own, "clerk"))
    names = {f"{e.date.isoformat()}-{e.kind.value}-{e.host}-{org}.docx" for org in e.participants if org != e.host}
    drafts = letters_of(page_of(own, e.id), clerk)
    assert {p.rsplit("/", 1)[-1] for p in drafts} == names  # its own invitations, none of another's
    assert all(status == "draft" and not number.strip() for status, number in drafts.values())
    # issued (a week before the day): each with its number, downloaded from the page's own link
    issued = browser().post(f"/api/v1/districts/{own['code']}/years/{YEAR}/letters/issue",
                            json.dumps({"day": (e.date - dt.timedelta(days=7)).isoformat(), "force": True}),
                            content_type="application/json", HTTP_IF_MATCH=f'"{revision(own)}"',
                            **own["tokens"]["administrator"])
    assert issued.status_code == 200, issued.content
    now = letters_of(page_of(own, e.id), clerk)
    assert {p.rsplit("/", 1)[-1] for p in now} == names
    assert all(status == "issued" and re.search(rf"〔{YEAR}〕\d+号", number) for status, number in now.values())
    page = clerk.get(page_of(own, e.id)).content.decode()
    link = re.search(r'id="engagement-letters">.*?<a href="([^"]+)" aria-label="[^"]*\.docx">', page, re.S)
    assert link
    docx = clerk.get(html.unescape(link.group(1)))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_a_forms_rows_are_those_it_holds_whatever_count_it_states(own_district: dict[str, Any]) -> None:
    """A form's list of sub-records is read by the indices of its fields: a count the sender states
    — not a number, or three million — is no work and no 500 (a reader may post the form too)."""
    from liaison_web import models

    own = own_district
    admin, auditor = browser(user(own, "administrator")), browser(user(own, "auditor"))
    form = {"id": "征求〔2027〕9号", "subject": "规划征求意见", "sent": f"{YEAR}-03-02", "sent_to": [OFFICER_OF],
            "replies-0-organisation": OFFICER_OF, "replies-0-date": f"{YEAR}-03-09"}
    for count in ("abc", "3000000", "-1"):
        refused = auditor.post(f"/records/{own['code']}/{YEAR}/new/consultations/", {**form, "replies-count": count})
        assert refused.status_code == 403
    sent = admin.post(f"/records/{own['code']}/{YEAR}/new/consultations/", {**form, "replies-count": "3000000"})
    assert sent.status_code == 302, problem_of(sent.content.decode())
    row = models.Record.objects.get(district__code=own["code"], kind="consultations", data__id="征求〔2027〕9号")
    assert [r["organisation"] for r in row.data["replies"]] == [OFFICER_OF]


# -- a fact dated after today ------------------------------------------------------------------------------
#: The box the records forms offer beside the refusal of a fact dated after today (pages.body.AHEAD_FORCE),
#: written here: the test reads the page as the clerk does.
AHEAD_BOX = {"zh": "日期晚于今天的也照样记录", "en": "Record it although it is dated after today"}


def _the_day_is(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """Today in the district, for the rule refusing facts dated after it (the autouse fixture's 31
    December moved: what is after ``day`` is to come)."""
    from liaison_web import api_records

    monkeypatch.setattr(api_records, "fact_day", lambda found: day)


def _box(page: str) -> re.Match[str] | None:
    return re.search(r'<input type="checkbox" name="force" id="ahead-force"( checked)?>', page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_fact_dated_after_today_is_refused_on_its_form_and_recorded_with_its_box(
        own_district: dict[str, Any], monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """A new record and a correction dated after today in the district are refused on the form, as the
    API refuses them (409 NotYetHeld, nothing recorded), in the page's language with the fix naming the
    box the form then offers; sent with the box ticked, the fact is recorded (and audited) as the
    API's ``"force": true`` records it. A fact of a day gone by needs no box, and none is offered."""
    from liaison_web import models

    own = own_district
    _the_day_is(monkeypatch, dt.date(YEAR, 3, 1))
    clerk = browser(user(own, "clerk"), lang)
    address = f"/records/{own['code']}/{YEAR}/new/engagements/"
    assert _box(clerk.get(address).content.decode()) is None  # nothing refused yet: no box
    body = {"kind": "visit", "date": f"{YEAR}-05-06", "host": CLERK_OF, "attended": [CLERK_OF, OFFICER_OF],
            "id": f"{YEAR}/visit/ahead", "title": "走访"}
    refused = clerk.post(address, body)
    page = refused.content.decode()
    said = problem_of(page)
    assert refused.status_code == 409 and 'data-kind="NotYetHeld"' in page
    assert f"{YEAR}-05-06" in said and f"{YEAR}-03-01" in said and AHEAD_BOX[lang] in said, said
    assert ("after today" in said) == (lang == "en") and ("晚于今天" in said) == (lang == "zh")
    assert '"force"' not in said  # the API's word is not the clerk's
    box = _box(page)
    assert box is not None and not box.group(1) and AHEAD_BOX[lang] in html.unescape(page)
    assert f'value="{YEAR}/visit/ahead"' in page  # what was typed is kept
    assert not models.Record.objects.filter(district__code=own["code"]).exists()
    made = clerk.post(address, {**body, "force": "on"})
    assert made.status_code == 302, problem_of(made.content.decode())
    row = models.Record.objects.get(district__code=own["code"], kind="engagements")
    assert row.data["date"] == f"{YEAR}-05-06"
    assert models.AuditEntry.objects.filter(action="created", object_id=row.key).exists()
    # the correction: the same refusal on the record's page, its box in the correction's form
    correct = {**body, "date": f"{YEAR}-06-01", "action": "correct", "etag": f"{row.key}.1", "reason": "改期"}
    again = clerk.post(made["Location"], correct)
    page = again.content.decode()
    assert again.status_code == 409 and AHEAD_BOX[lang] in problem_of(page)
    box = _box(page)
    assert box is not None and page.index('id="record-form"') < box.start()  # in the correction's form
    assert models.Record.objects.filter(key=row.key).count() == 1
    fixed = clerk.post(made["Location"], {**correct, "force": "on"})
    assert fixed.status_code == 302, problem_of(fixed.content.decode())
    assert models.Record.objects.get(key=row.key, version=2).data["date"] == f"{YEAR}-06-01"
    # a day gone by: recorded without the box, and the record's page offers none
    past = clerk.post(address, {**body, "id": f"{YEAR}/visit/past", "date": f"{YEAR}-02-03"})
    assert past.status_code == 302 and _box(clerk.get(past["Location"]).content.decode()) is None


def test_a_ledgers_rows_dated_after_today_are_refused_until_the_box_is_ticked(
        own_district: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A ledger's rows dated after today are refused at their rows with the box named, and the
    confirmation offers the box: confirmed without it they are left out, with it recorded."""
    from liaison_web import models

    own = own_district
    _the_day_is(monkeypatch, dt.date(YEAR - 1, 12, 31))  # every row of the year is to come
    admin = browser(user(own, "administrator"))
    data, _ = ledger(own, None)
    address = f"/ledger/{own['code']}/{YEAR}/"
    shown = admin.post(address, {"action": "upload", "ledger": upload("台账.xlsx", data)})
    page = html.unescape(shown.content.decode())
    refused = re.findall(r'<tr class="refused" data-where="[^"]*">(.*?)</tr>', page, re.S)
    assert shown.status_code == 200 and len(refused) == 3 and not re.findall(r'<tr class="taken"', page)
    assert all("晚于今天" in r and AHEAD_BOX["zh"] in r for r in refused)
    assert 'id="ledger-confirm"' in page and _box(page) is not None
    upload_id = re.search(r'name="upload" value="([0-9a-f]{64})"', page)
    assert upload_id
    left = admin.post(address, {"action": "confirm", "upload": upload_id.group(1)})
    assert left.status_code == 302 and not models.Record.objects.filter(district__code=own["code"]).exists()
    done = admin.post(address, {"action": "confirm", "upload": upload_id.group(1), "force": "on"})
    assert done.status_code == 302
    assert models.Record.objects.filter(district__code=own["code"], kind="engagements").count() == 3
