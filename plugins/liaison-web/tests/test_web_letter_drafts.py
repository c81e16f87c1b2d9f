"""#24: only issuing gives a letter its number, and a letter once issued is served as it went out.

Every kind of letter the service makes is issued through the API on two days: on D1 the notices and
the invitations due; then a meeting is moved and another cancelled, and on D1b the moved meeting's
invitation goes out again with its change letter, the cancelled one's cancellation letters and the
departments' 补充通知, with the invitations due by then. The year then changes again: the moved
meeting is moved once more (its start only: its invitation would go out again at the path the one
in force has), a meeting whose invitations went out on D1b is cancelled, another is agreed. On a
later day D2, through the API and through the pages: each letter in force downloads with the bytes
it went out as, those an issue would replace included; each letter not issued downloads as its
draft, naming no number the register has not given (its own, or the new invitation's a change letter
names); looking writes nothing; and the issue on D2 then gives exactly the numbers the list said.

The 征求意见函 and 反馈函 are not made by the service (its exports take no records: docs/service.md);
the docx exporter's own test of the preview covers them (liaison-docx tests/test_numbering.py)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import subprocess
from typing import Any
from urllib.parse import quote

import pytest
from web_db import YEAR
from web_letters import letter_text

D1, D1B, D2 = dt.date(YEAR, 3, 17), dt.date(YEAR, 3, 26), dt.date(YEAR, 3, 29)
#: moved after its invitation went out on D1 (sent again with a change letter on D1b), then its start
#: moved after D1b: the invitation in force stands until an issue sends the new one
MOVED = f"{YEAR}/joint_meeting/industry-commerce-admin"
#: cancelled after its invitations went out on D1 (cancellation letters on D1b)
CANCELLED = f"{YEAR}/joint_meeting/health"
#: its invitations went out on D1b; cancelled after: cancellation letters due on D2
LATE_CANCEL = f"{YEAR}/joint_meeting/construction"
#: every kind of letter the service makes (the seed's records are not the service's)
KINDS = {"notice", "supplement", "invitation", "change", "cancellation"}
BLANK = f"〔{YEAR}〕\u3000\u3000号"


@pytest.fixture
def loaded_plugins() -> str:
    return "web,docx"


def client(user: Any = None) -> Any:
    from django.test import Client

    made = Client()
    if user is not None:
        made.force_login(user)
    return made


def unissued_numbers(text: str, issued: set[str]) -> list[str]:
    """The 发文字号 a letter's text gives (its own, and those of the letters it names) that are not
    among ``issued``: numbers the register has not given."""
    return [text[max(0, m.start() - 6):m.end()] for m in re.finditer(rf"〔{YEAR}〕\d+号", text)
            if not any(text[:m.end()].endswith(number) for number in issued)]


class Year:
    """The test's district through the API, with the administrator's token."""

    def __init__(self, own: dict[str, Any]) -> None:
        self.code, self.district, self.auth = own["code"], own["district"], own["tokens"]["administrator"]
        self.base = f"/api/v1/districts/{self.code}/years/{YEAR}"
        #: every letter issued, by path, with the bytes it downloaded as right after its issue
        self.sent: dict[str, bytes] = {}

    def revision(self) -> str:
        from liaison_web.store import DatabaseStore

        found = DatabaseStore().current(self.district, YEAR)
        assert found is not None
        return found

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return client().post(f"{self.base}/{path}", data=json.dumps(body), content_type="application/json",
                             HTTP_IF_MATCH=f'"{self.revision()}"', **self.auth)

    def change(self, engagement: str, operation: str, body: dict[str, Any]) -> None:
        done = self.post(f"engagements/{engagement}/{operation}", {**body, "force": True})
        assert done.status_code == 200, done.content

    def issue(self, day: dt.date) -> list[dict[str, Any]]:
        done = self.post("letters/issue", {"day": day.isoformat(), "force": True})
        assert done.status_code == 200, done.content
        issued = list(done.json()["issued"])
        for record in issued:
            self.sent[record["path"]] = self.download(record["path"], day)
        return issued

    def listed(self, day: dt.date) -> list[dict[str, Any]]:
        got = client().get(f"{self.base}/letters", {"day": day.isoformat()}, **self.auth)
        assert got.status_code == 200, got.content
        return list(got.json()["letters"])

    def download(self, path: str, day: dt.date) -> bytes:
        got = client().get(f"{self.base}/letters/{path}", {"day": day.isoformat()}, **self.auth)
        assert got.status_code == 200, (path, got.content[:300])
        return bytes(got.content)

    def stored(self) -> Any:
        from liaison_web.store import DatabaseStore

        found = DatabaseStore().load(self.district, YEAR)
        assert found is not None
        return found


def every_kind_issued_then_changed(own: dict[str, Any]) -> Year:
    """The year of the module docstring, up to D2: every kind issued, then the changes after."""
    year = Year(own)
    first = year.issue(D1)
    year.change(MOVED, "move", {"date": f"{YEAR}-04-20"})
    year.change(CANCELLED, "cancel", {"reason": "工作安排调整"})
    second = year.issue(D1B)
    assert {r["kind"] for r in first + second} == KINDS
    assert any(r["engagement"] == LATE_CANCEL for r in second)
    year.change(MOVED, "move", {"date": f"{YEAR}-04-20", "start": "09:00"})
    year.change(LATE_CANCEL, "cancel", {"reason": "会议合并召开"})
    year.change(f"{YEAR}/joint_meeting/taiwan-affairs", "confirm", {})
    return year


def test_every_issued_letter_keeps_its_bytes_and_every_other_one_is_a_draft(own_district: dict[str, Any]) -> None:
    from liaison_web import outputs

    year = every_kind_issued_then_changed(own_district)
    before = year.stored()
    in_force = {r.path: r for r in before.state.letters if r.active}
    numbers = {r.doc_number for r in before.state.letters}
    withdrawn = set(year.sent) - set(in_force)  # by the issue on D1b: the invitations it replaced or cancelled
    assert withdrawn and all(path.startswith("邀请函/") for path in withdrawn)

    for day in (D2, D1B):
        exports = outputs.renders
        letters = year.listed(day)
        # the list exports the year twice (the issue on the day, for the numbers it would give; the
        # preview, for what is served), and its downloads export nothing more
        assert outputs.renders == exports + 2
        status = {item["path"]: item["status"] for item in letters}
        # every letter in force is listed as issued, with its record, and downloads as it went out
        assert {p for p, s in status.items() if s == "issued"} == set(in_force)
        assert not withdrawn & set(status)
        for item in letters:
            if item["status"] == "issued":
                assert item["record"]["doc_number"] == in_force[item["path"]].doc_number
                assert year.download(item["path"], day) == year.sent[item["path"]]
                continue
            # every other one is its draft: a blank number line, and no number the register has not given
            text = letter_text(year.download(item["path"], day))
            assert BLANK in text, item["path"]
            assert not unissued_numbers(text, numbers), (item["path"], unissued_numbers(text, numbers))
            if item["status"] == "due":
                assert item["record"]["doc_number"] not in numbers  # the one it would take, not yet given
            else:
                assert item["path"].startswith("草稿/") and item["record"] is None
        assert outputs.renders == exports + 2
    # an issue on D2 would send: the moved meeting's invitation again (its path is the one in force's:
    # it waits beside it), its change letter and 补充通知, the cancellation letters
    due = [item for item in year.listed(D2) if item["status"] == "due"]
    assert {item["record"]["kind"] for item in due} == {"invitation", "change", "cancellation", "supplement"}
    again = next(item for item in due if item["record"]["kind"] == "invitation")
    assert again["record"]["path"] in in_force and again["path"] != again["record"]["path"]
    # its PDF too (LibreOffice, every letter of the preview in one run): the letter in force, its number in it
    replaced = in_force[again["record"]["path"]]
    pdf = client().get(f"{year.base}/letters/{replaced.path.removesuffix('.docx')}.pdf", {"day": D2.isoformat()},
                       **year.auth)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert replaced.doc_number in text.replace(" ", "")
    # the letters of an earlier day too (its list is refused when an issue on it would be backdated)
    for path, record in in_force.items():
        assert year.download(path, D1) == year.sent[path], record.doc_number
    # looking wrote nothing: the same revision, the same register
    after = year.stored()
    assert after.revision == before.revision and after.state.letters == before.state.letters

    # the issue on D2 gives each due letter the number the list said, and then it downloads with it
    issued = year.issue(D2)
    assert sorted(r["doc_number"] for r in issued) == sorted(item["record"]["doc_number"] for item in due)
    for record in issued:
        text = letter_text(year.sent[record["path"]])
        assert record["doc_number"] in text and BLANK not in text
    now = {item["path"]: item["status"] for item in year.listed(D2)}
    assert {p for p, s in now.items() if s == "issued"} == {r.path for r in year.stored().state.letters if r.active}
    for path in now.keys() & year.sent.keys():
        assert year.download(path, D2) == year.sent[path]


def _rows(page: str, column: int) -> dict[str, tuple[str, str]]:
    """A letters table's rows: path → (status, the text of its 文号 cell, ``column`` from 0)."""
    rows = re.findall(r'<tr data-status="([a-z]+)" data-path="([^"]+)">(.*?)</tr>', page, re.S)
    return {path: (status, html.unescape(re.sub(r"<[^>]+>", "", re.findall(r"<td>(.*?)</td>", cells, re.S)[column]))
                   .strip()) for status, path, cells in rows}


def test_the_pages_list_drafts_apart_from_the_letters_issued(own_district: dict[str, Any],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The same through the pages: the office's letters page, the body's letters page and the
    engagement page list the letters in force as issued, with their numbers; the others as due or
    drafts, with no number of their own (the office's page says which one issuing would give); and
    each link downloads what the API serves."""
    from django.contrib.auth import get_user_model

    from liaison_web import api

    year = every_kind_issued_then_changed(own_district)
    in_force = {r.path: r for r in year.stored().state.letters if r.active}
    listed = {item["path"]: item for item in year.listed(D2)}
    admin = client(get_user_model()._default_manager.get(username=f"administrator-{year.code}"))

    office = admin.get(f"/office/{year.code}/{YEAR}/letters/?day={D2}")
    assert office.status_code == 200
    rows = _rows(office.content.decode(), 1)
    assert rows.keys() == listed.keys()
    for path, (status, number) in rows.items():
        assert status == listed[path]["status"]
        if status == "issued":
            assert number == in_force[path].doc_number
        elif status == "due":  # the number it would take, said so: the letter carries none
            assert number == f"拟用{listed[path]['record']['doc_number']}"
        else:
            assert number == "—"

    body = admin.get(f"/letters/{year.code}/{YEAR}/", {"day": D2.isoformat()}).content.decode()
    rows = _rows(body, 2)
    assert rows.keys() == listed.keys()
    for path, (status, number) in rows.items():
        assert status == listed[path]["status"]
        assert number.split()[0] == in_force[path].doc_number if status == "issued" else number == (
            f"拟用{listed[path]['record']['doc_number']}" if status == "due" else "")  # the office's words
    links = dict(re.findall(r'data-path="([^"]+)">.*?<a href="([^"]+)" aria-label="[^"]*\.docx"', body, re.S))
    for path in (*in_force, *(p for p, item in listed.items() if item["status"] == "due")):
        got = admin.get(html.unescape(links[path]))
        assert got.status_code == 200 and got.content == year.download(path, D2)
        assert (got.content == year.sent[path]) if path in in_force else BLANK in letter_text(got.content)

    # the engagement page (the day: today, set to D2) lists the moved meeting's letters the same way
    monkeypatch.setattr(api, "_today", lambda district: D2)
    page = admin.get(f"/engagement/{year.code}/{YEAR}/{quote(MOVED)}/").content.decode()
    rows = _rows(page, 2)
    about = {p for p, item in listed.items() if (item["record"] or {}).get("engagement") == MOVED}
    assert about and about <= rows.keys()
    assert {rows[p][0] for p in about} == {"issued", "due"}
    for path in about:
        status, number = rows[path]
        assert status == listed[path]["status"]
        assert number.split()[0] == in_force[path].doc_number if status == "issued" else number == (
            f"拟用{listed[path]['record']['doc_number']}" if status == "due" else "")  # the office's words
