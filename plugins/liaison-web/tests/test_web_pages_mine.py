"""*My year* (issue #26) beyond the engagements and the to-do list, through Django's test client: the
body's letters, drafts and issued, and its findings so far, each one click from its provision's
text; another body's letters and findings are not there. In Chromium (axe-core, a 375-px phone):
test_web_browser_body."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from web_db import CLERK_OF, OFFICER_OF, YEAR


@pytest.fixture
def loaded_plugins() -> str:
    return "web,docx"  # the letters are liaison-docx's


def user(own: dict[str, Any], role: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.get(username=f"{role}-{own['code']}")


def browser(who: Any) -> Any:
    from django.test import Client

    made = Client()
    made.force_login(who)
    return made


def plan(own: dict[str, Any]) -> Any:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().load(own["district"], YEAR)
    assert found is not None
    return found.state.plan


def letters_on(page: str) -> dict[str, tuple[str, str]]:
    """The letters section's rows: path -> (status, the row's html)."""
    section = re.search(r'<ul class="my-letters" id="my-letters">(.*?)</ul>', page, re.S)
    assert section, "no letters on my year"
    return {path: (status, row) for status, path, row in
            re.findall(r'<li data-status="(\w+)" data-path="([^"]+)">(.*?)</li>', section.group(1), re.S)}


def findings_on(page: str) -> list[tuple[str, str]]:
    section = re.search(r'<div id="my-findings">(.*?)</div>\s*</section>', page, re.S)
    assert section, "no findings section on my year"
    return re.findall(r'<li class="finding [^"]*" data-provision="([^"]+)" data-basis="\w+" data-body="([^"]*)">',
                      section.group(1))


def invitation_names(own: dict[str, Any], host: str) -> dict[str, Any]:
    """The invitations a body's engagements send (the docx exporter's names), by name: the engagement."""
    from liaison_docx.letters.invitation import invitees, invites

    return {f"{e.date.isoformat()}-{e.kind.value}-{e.host}-{org.id}.docx": e for e in plan(own).engagements
            if e.host == host and e.status.value != "cancelled" and invites(e)
            for org in invitees(own["district"], e)}


def test_my_year_lists_the_bodys_letters_each_a_click_from_its_provision(own_district: dict[str, Any]) -> None:
    own = own_district
    code = own["code"]
    clerk = browser(user(own, "clerk"))
    page = clerk.get(f"/year/{code}/{YEAR}/").content.decode()
    shown = letters_on(page)
    names = {p.rsplit("/", 1)[-1]: p for p in shown}
    invited = invitation_names(own, CLERK_OF)
    assert invited and set(invited) <= set(names)  # the invitations its meetings send
    notice = next(p for p in shown if "/通知/" in p and p.endswith(f"-{CLERK_OF}.docx"))  # the notice to it
    paired = {quote(p.clause, safe="") for p in own["district"].pairings if p.department == CLERK_OF}
    assert paired and all(f'/provision/{code}/{p}/?on=' in shown[notice][1] for p in paired)  # what it rests on
    everyone = {p for p, _ in letters_on(browser(user(own, "administrator")).get(
        f"/year/{code}/{YEAR}/?body={CLERK_OF}").content.decode()).items()}
    assert set(shown) == everyone  # a district-wide role choosing the body sees the same letters
    others = invitation_names(own, "tax") or invitation_names(own, "education")
    assert others and not set(others) & set(names)  # another body's meetings' invitations are not its
    for name, e in invited.items():
        status, row = shown[names[name]]
        assert status == "draft" and not re.search(r'class="number"', row)  # no number before it is issued
        assert e.provisions, e.id
        link = f'/provision/{code}/{quote(e.provisions[0], safe="")}/?on='
        assert link in row, row
    # the click: the provision's text
    e = next(iter(invited.values()))
    href = html.unescape(re.search(rf'href="(/provision/{code}/[^"]+)"', shown[names[next(iter(invited))]][1]).group(1))
    text = clerk.get(href)
    provision = own["district"].provision(e.provisions[0])
    assert text.status_code == 200
    assert provision.text_at(dt.date(YEAR, 12, 31)).text_zh.splitlines()[0][:15] in html.unescape(text.content.decode())
    # issued: with its number, still the body's, still a click from the provision
    first = min(e.date for e in invited.values()) - dt.timedelta(days=7)
    issued = browser(user(own, "administrator")).post(
        f"/api/v1/districts/{code}/years/{YEAR}/letters/issue", json.dumps({"day": first.isoformat(), "force": True}),
        content_type="application/json", HTTP_IF_MATCH=f'"{_revision(own)}"', **own["tokens"]["administrator"])
    assert issued.status_code == 200, issued.content
    numbered = {r["path"] for r in issued.json()["issued"]}
    now = letters_on(clerk.get(f"/year/{code}/{YEAR}/").content.decode())
    mine_issued = {p for p, (status, _) in now.items() if status == "issued"}
    assert mine_issued and mine_issued <= numbered, (numbered, now.keys())
    assert all(re.search(rf'class="number">[^<]*〔{YEAR}〕\d+号', now[p][1]) for p in mine_issued)
    assert any('class="provision"' in now[p][1] for p in mine_issued)


def _revision(own: dict[str, Any]) -> str:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().current(own["district"], YEAR)
    assert found is not None
    return found


@pytest.mark.parametrize(("role", "body"), [("clerk", CLERK_OF), ("liaison_officer", OFFICER_OF)])
def test_my_year_lists_the_bodys_findings_so_far_as_the_api_gives_them(own_district: dict[str, Any], role: str,
                                                                       body: str) -> None:
    own = own_district
    code = own["code"]
    who = browser(user(own, role))
    day = dt.date(YEAR, 9, 30)
    page = who.get(f"/year/{code}/{YEAR}/?on={day}").content.decode()
    api = who.get(f"/api/v1/districts/{code}/years/{YEAR}/organisations/{body}/findings?as_of={day}").json()
    shown = findings_on(page)
    assert [p for p, _ in shown] == [f["provision"] for f in api] and shown  # the API's, in its order
    assert f"截至 {day}" in page
    for provision in {p for p, _ in shown}:  # each one click from its provision's text
        link = re.search(rf'href="(/provision/{code}/{re.escape(quote(provision, safe=""))}/\?on=[\d-]+)"', page)
        assert link, provision
        assert who.get(html.unescape(link.group(1))).status_code == 200
    later = findings_on(who.get(f"/year/{code}/{YEAR}/?on={YEAR + 1}-03-01").content.decode())
    assert later == [(f["provision"], f.get("responsible") or "") for f in who.get(
        f"/api/v1/districts/{code}/years/{YEAR}/organisations/{body}/findings?as_of={YEAR}-12-31").json()]


def test_a_district_wide_role_sees_no_bodys_letters_until_it_chooses_one(own_district: dict[str, Any]) -> None:
    own = own_district
    page = browser(user(own, "administrator")).get(f"/year/{own['code']}/{YEAR}/").content.decode()
    assert 'id="my-letters"' not in page and 'id="my-findings"' not in page
