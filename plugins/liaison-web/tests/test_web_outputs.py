"""The year's outputs over HTTP, made by the command's export flow: the letters (list, .docx, .pdf,
issue on a day), the calendars, the workbooks and the page; who may download what; the cache."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from web_db import CLERK_OF, YEAR
from web_letters import letter_text
from web_pdf import pdf_text

from liaison.formats.district import seed_district

BASE = f"/api/v1/districts/seed/years/{YEAR}"
#: A day the notices (due 5 January) are due and no invitation is.
DAY = dt.date(2027, 1, 11)


@pytest.fixture
def loaded_plugins() -> str:
    return "web,ical,docx,xlsx,html"


def client() -> Any:
    from django.test import Client

    return Client()


def admin_token(users: dict[str, Any], *scopes: str) -> dict[str, str]:
    from liaison_web.tokens import make_token

    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(users['admin'].username, 'out', scopes or ('read',))}"}


def revision() -> str:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().current(seed_district(), YEAR)
    assert found is not None
    return found


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode()


def test_issuing_numbers_the_due_drafts_and_keeps_their_bytes(users: dict[str, Any]) -> None:
    from liaison_web import models
    from liaison_web.store import DatabaseStore

    auth = admin_token(users, "read", "write")
    entries = models.AuditEntry.objects.count()  # the log is append-only: earlier tests' entries stay
    before = client().get(f"{BASE}/letters", {"day": DAY.isoformat()}, **auth)
    assert before.status_code == 200, before.content
    listed = before.json()["letters"]
    statuses = {item["status"] for item in listed}
    assert statuses == {"due", "draft"}  # nothing issued yet; the notices due, the invitations later
    due = [item for item in listed if item["status"] == "due"]
    assert due and all(item["record"]["kind"] == "notice" for item in due)
    assert all(item["path"].startswith("草稿/") for item in listed if item["status"] == "draft")
    # a draft downloads with its number left blank
    draft = next(item for item in listed if item["status"] == "draft")
    got = client().get(f"{BASE}/letters/{draft['path']}", {"day": DAY.isoformat()}, **auth)
    assert got.status_code == 200 and got["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in got["Content-Disposition"]
    assert "〔2027〕\u3000\u3000号" in docx_text(got.content)
    # showing what an export would write saved nothing: no letter is issued by a download
    unchanged = DatabaseStore().load(seed_district(), YEAR)
    assert unchanged is not None and unchanged.state.letters == () and unchanged.revision == revision()
    assert models.AuditEntry.objects.count() == entries

    # issuing needs If-Match, and the current one
    body = json.dumps({"day": DAY.isoformat(), "force": True})
    assert client().post(f"{BASE}/letters/issue", body, content_type="application/json", **auth).status_code == 428
    stale = client().post(f"{BASE}/letters/issue", body, content_type="application/json", HTTP_IF_MATCH='"1-x"',
                          **auth)
    assert stale.status_code == 412 and stale["ETag"] == f'"{revision()}"'
    issued = client().post(f"{BASE}/letters/issue", body, content_type="application/json",
                           HTTP_IF_MATCH=f'"{revision()}"', **auth)
    assert issued.status_code == 200, issued.content
    answer = issued.json()
    assert issued["ETag"] == f'"{answer["revision"]}"' == f'"{revision()}"'
    numbers = sorted(r["serial"] for r in answer["issued"])
    assert numbers == list(range(1, len(due) + 1)) and {r["path"] for r in answer["issued"]} == {
        item["path"] for item in due}
    assert all(r["date"] == DAY.isoformat() for r in answer["issued"])
    # the register and the bytes are in the year store
    stored = DatabaseStore().load(seed_district(), YEAR)
    assert stored is not None and {r.path for r in stored.state.letters} == {r["path"] for r in answer["issued"]}
    for record in answer["issued"]:
        kept = DatabaseStore().read(seed_district(), YEAR, record["path"])
        assert kept is not None and record["doc_number"] in docx_text(kept)
        downloaded = client().get(f"{BASE}/letters/{record['path']}", **auth)
        assert downloaded.status_code == 200 and downloaded.content == kept
    entry = models.AuditEntry.objects.filter(action="issue").last()
    assert entry is not None and entry.actor.startswith(users["admin"].username)
    assert len(entry.after["issued"]) == len(due)
    # listed again on a later day: issued, with the numbers they took
    after = client().get(f"{BASE}/letters", {"day": DAY.isoformat()}, **auth).json()["letters"]
    assert {item["path"] for item in after if item["status"] == "issued"} == {item["path"] for item in due}
    # issuing the same day again numbers nothing new
    again = client().post(f"{BASE}/letters/issue", body, content_type="application/json",
                          HTTP_IF_MATCH=f'"{revision()}"', **auth)
    assert again.status_code == 200 and again.json()["issued"] == []


def test_a_letter_not_issued_downloads_without_a_number(users: dict[str, Any]) -> None:
    """#24: only issuing gives numbers. A letter due but not issued downloads as its draft — the
    blank 〔2027〕　　号 line, not the number it would take nor the day asked for — whatever the day
    it is asked on; issued, it downloads with the register's number, and those bytes never change."""
    from liaison_web.store import DatabaseStore

    auth = admin_token(users, "read", "write")
    later = DAY + dt.timedelta(days=3)
    listed = client().get(f"{BASE}/letters", {"day": DAY.isoformat()}, **auth).json()["letters"]
    due = [item for item in listed if item["status"] == "due"]
    assert due
    for item in due:
        would = item["record"]["doc_number"]
        for day in (DAY, later):
            got = client().get(f"{BASE}/letters/{item['path']}", {"day": day.isoformat()}, **auth)
            assert got.status_code == 200, got.content[:300]
            text = letter_text(got.content)
            assert would not in text and "〔2027〕\u3000\u3000号" in text
            assert f"{day.year}年{day.month}月{day.day}日" not in text
    # the list still says which are due, and nothing was issued by looking
    stored = DatabaseStore().load(seed_district(), YEAR)
    assert stored is not None and stored.state.letters == ()

    issued = client().post(f"{BASE}/letters/issue", json.dumps({"day": DAY.isoformat(), "force": True}),
                           content_type="application/json", HTTP_IF_MATCH=f'"{revision()}"', **auth)
    assert issued.status_code == 200, issued.content
    records = {r["path"]: r for r in issued.json()["issued"]}
    assert set(records) == {item["path"] for item in due}
    first: dict[str, bytes] = {}
    for path, record in records.items():
        got = client().get(f"{BASE}/letters/{path}", {"day": DAY.isoformat()}, **auth)
        text = letter_text(got.content)
        assert record["doc_number"] in text and "〔2027〕\u3000\u3000号" not in text
        assert f"{DAY.year}年{DAY.month}月{DAY.day}日" in text
        assert got.content == DatabaseStore().read(seed_district(), YEAR, path)
        first[path] = got.content
    # later days, a later issue, a preview of them: an issued letter's bytes stand
    again = client().post(f"{BASE}/letters/issue", json.dumps({"day": later.isoformat(), "force": True}),
                          content_type="application/json", HTTP_IF_MATCH=f'"{revision()}"', **auth)
    assert again.status_code == 200, again.content
    for day in (DAY, later, dt.date(YEAR, 6, 1)):
        listed = client().get(f"{BASE}/letters", {"day": day.isoformat()}, **auth).json()["letters"]
        assert {item["path"] for item in listed if item["status"] == "issued"} >= set(first)
        for path, data in first.items():
            assert client().get(f"{BASE}/letters/{path}", {"day": day.isoformat()}, **auth).content == data


def test_a_token_without_write_may_not_issue(users: dict[str, Any]) -> None:
    got = client().post(f"{BASE}/letters/issue", json.dumps({"day": DAY.isoformat(), "force": True}),
                        content_type="application/json", HTTP_IF_MATCH=f'"{revision()}"', **admin_token(users))
    assert got.status_code == 403


def test_calendars_workbooks_and_the_page(users: dict[str, Any]) -> None:
    auth = admin_token(users)
    listed = client().get(f"{BASE}/calendars", **auth)
    assert listed.status_code == 200, listed.content
    names = {item["name"]: item for item in listed.json()}
    assert f"{CLERK_OF}.ics" in names and names[f"{CLERK_OF}.ics"]["organisation"] == CLERK_OF
    assert names["全部.ics"]["organisation"] is None
    one = client().get(f"{BASE}/calendars/{CLERK_OF}.ics", **auth)
    assert one.status_code == 200 and one["Content-Type"].startswith("text/calendar")
    assert one.content.startswith(b"BEGIN:VCALENDAR")
    books = client().get(f"{BASE}/workbooks", **auth).json()
    assert len(books) == 2 and all(b["name"].endswith(".xlsx") for b in books)
    book = client().get(f"{BASE}/workbooks/{books[0]['name']}", **auth)
    assert book.status_code == 200 and book.content[:2] == b"PK" and len(book.content) == books[0]["size"]
    page = client().get(f"{BASE}/page", **auth)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html") and b"<html" in page.content
    assert client().get(f"{BASE}/calendars/nobody.ics", **auth).status_code == 404


def test_a_second_download_renders_nothing(users: dict[str, Any]) -> None:
    from liaison_web import outputs

    auth = admin_token(users)
    first = client().get(f"{BASE}/calendars/{CLERK_OF}.ics", **auth)
    made = outputs.renders
    for name in (f"{CLERK_OF}.ics", "全部.ics"):
        again = client().get(f"{BASE}/calendars/{name}", **auth)
        assert again.status_code == 200
    assert outputs.renders == made
    assert client().get(f"{BASE}/calendars/{CLERK_OF}.ics", **auth).content == first.content
    # another revision of the year is another export
    from liaison.year.reconcile import Change
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    Workspace(store=DatabaseStore()).update(seed_district(), YEAR, [
        Change("move", "2027/joint_meeting/health", dt.date(2027, 9, 7))], force=True)
    moved = client().get(f"{BASE}/calendars/{CLERK_OF}.ics", **auth)
    assert outputs.renders == made + 1 and moved.content != first.content
    assert b"20270907" in moved.content


def test_a_letter_as_pdf_through_libreoffice(users: dict[str, Any]) -> None:
    """The letter converted by the docx plugin's own conversion (that letter alone:
    test_web_letters_pdf.py); the text of the .docx is in it."""
    import shutil

    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed")
    auth = admin_token(users)
    listed = client().get(f"{BASE}/letters", {"day": DAY.isoformat()}, **auth).json()["letters"]
    notice = next(item for item in listed if item["status"] == "due")
    got = client().get(f"{BASE}/letters/{notice['pdf']}", {"day": DAY.isoformat()}, **auth)
    assert got.status_code == 200, got.content[:300]
    assert got["Content-Type"] == "application/pdf" and got.content.startswith(b"%PDF")
    text = pdf_text(got.content)
    # not issued yet: its draft, with the blank number line and not the number it would take
    assert notice["record"]["doc_number"] not in text and "〔2027〕" in text


@pytest.mark.parametrize("alias", ["default", "postgres"])
def test_issue_and_render_on_each_database(alias: str) -> None:
    """Issuing and rendering through the database store, on SQLite and on PostgreSQL
    (``LIAISON_TEST_POSTGRES``): the register and the issued bytes saved, a stale revision refused,
    and what a download renders from the saved year is the bytes the store keeps."""
    import web_db

    if alias == "postgres" and not web_db.postgres_url():
        pytest.skip(f"{web_db.POSTGRES_ENV} not set")
    web_db.fresh(alias)  # Django set up first: the service's modules read its settings
    from liaison.year.store import RevisionConflict
    from liaison_web import outputs
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    district, store = seed_district(), DatabaseStore(using=alias)
    Workspace(store=store).update(district, YEAR)
    first = store.current(district, YEAR)
    assert first is not None
    before, issued = outputs.issue(district, YEAR, DAY, first, using=alias)
    assert before.letters == () and issued != first
    with pytest.raises(RevisionConflict):
        outputs.issue(district, YEAR, DAY, first, using=alias)
    stored = store.load(district, YEAR)
    assert stored is not None and stored.revision == issued and stored.state.letters
    made = outputs.render(district, "test", YEAR, issued, "docx", {}, DAY, using=alias)
    for record in stored.state.letters:
        kept = store.read(district, YEAR, record.path)
        assert kept is not None and made.files[record.path] == kept
        assert made.letters()[record.path] == record
    assert store.current(district, YEAR) == issued  # the render saved nothing
