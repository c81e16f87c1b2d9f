"""The pages as a fresh review of issue #26 found them: a read-only role is offered no form that
makes a record (the GET refused as the POST is), and every page an auditor can reach by its links
has no form that changes anything; a role that records is offered the kinds it may record only."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from web_db import YEAR

#: The office's pages of a year (issue #26's district-wide view).
OFFICE_PAGES = ("findings", "behind", "engagements", "letters", "amend")
FORM = re.compile(r"<form\b[^>]*>", re.I)
LINK = re.compile(r'href="(/[^"]*)"')


@pytest.fixture
def loaded_plugins() -> str:
    return "web,xlsx,docx,html"


def client(own: dict[str, Any], role: str, lang: str = "zh") -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    made = Client()
    made.force_login(get_user_model()._default_manager.get(username=f"{role}-{own['code']}"))
    if lang == "en":
        made.cookies["liaison_lang"] = "en"
    return made


def plan_of(own: dict[str, Any]) -> Any:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().load(own["district"], YEAR)
    assert found is not None
    return found.state.plan


def changing_forms(page: str) -> list[str]:
    """The page's forms that send a change: a POST other than logging out."""
    return [f for f in FORM.findall(page) if re.search(r'method="?post', f, re.I) and "/logout/" not in f]


def _shape(path: str) -> tuple[str, ...]:
    # one page of each kind: an engagement's, a record's, a kind's form stand for the others of their address
    parts = [p for p in path.split("/") if p]
    if parts[0] == "engagement" and len(parts) > 4:
        return ("engagement", parts[4], parts[-1] if parts[-1] in ("held", "move") else "")
    return (parts[0], str(len(parts)), parts[-1] if len(parts) > 4 else "") if len(parts) > 3 else tuple(parts)


def reachable(browser: Any, starts: list[str], code: str) -> dict[str, Any]:
    """Every page of the district reached by following the pages' links from ``starts`` (one of each kind)."""
    seen: dict[tuple[str, ...], str] = {}
    answers: dict[str, Any] = {}
    queue = list(starts)
    while queue:
        path = queue.pop(0)
        shape = _shape(path)
        if shape in seen:
            continue
        seen[shape] = path
        response = browser.get(path)
        answers[path] = response
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            address = urlsplit(href.replace("&amp;", "&")).path
            other_year = re.search(r"/20\d\d/", address) and f"/{YEAR}/" not in address
            if code in address and not other_year and not address.startswith(("/api/", "/lang/", "/logout")):
                queue.append(address)
    return answers


@pytest.mark.parametrize("role", ["auditor", "city_auditor"])
def test_a_read_only_role_is_offered_no_record_form_and_its_get_is_refused(own_district: dict[str, Any],
                                                                           role: str) -> None:
    from liaison_web import records as kept

    own = own_district
    reader = client(own, role)
    listing = reader.get(f"/records/{own['code']}/{YEAR}/").content.decode()
    assert "/new/" not in listing and f"/ledger/{own['code']}/" not in listing
    assert 'id="to-ledger"' not in reader.get(f"/year/{own['code']}/{YEAR}/").content.decode()
    for kind in kept.KINDS.values():
        response = reader.get(f"/records/{own['code']}/{YEAR}/new/{kind.section}/")
        page = response.content.decode()
        assert response.status_code == 403 and 'class="problem"' in page and not changing_forms(page), kind.section
        assert "无权" in page
    english = client(own, role, "en").get(f"/records/{own['code']}/{YEAR}/new/engagements/").content.decode()
    assert "may not record" in english and not re.search(r"[\u4e00-\u9fff]", english.split("<main")[-1].split(
        'class="problem"')[1].split("</div>")[0])
    assert reader.get(f"/ledger/{own['code']}/{YEAR}/").status_code == 403


def test_a_clerk_is_offered_the_kinds_it_may_record_and_the_administrator_every_kind(
        own_district: dict[str, Any]) -> None:
    from liaison_web import records as kept

    own = own_district
    town = kept.KINDS["town_activities"]
    assert not town.by_a_body  # the district's own: no body is responsible for one
    clerk, admin = client(own, "clerk"), client(own, "administrator")
    listing = clerk.get(f"/records/{own['code']}/{YEAR}/").content.decode()
    for kind in kept.KINDS.values():
        address = f"/records/{own['code']}/{YEAR}/new/{kind.section}/"
        expected = 200 if kind.by_a_body else 403
        assert (address in listing) == kind.by_a_body, kind.section
        assert clerk.get(address).status_code == expected, kind.section
        assert admin.get(address).status_code == 200, kind.section
    # the POST agrees: the clerk's town activity is refused when sent anyway
    sent = clerk.post(f"/records/{own['code']}/{YEAR}/new/town_activities/",
                      {"date": f"{YEAR}-03-02", "town": "x", "description": "y"})
    assert sent.status_code == 403
    assert 'id="to-ledger"' in clerk.get(f"/year/{own['code']}/{YEAR}/").content.decode()


@pytest.mark.parametrize("role", ["auditor", "city_auditor"])
def test_every_page_an_auditor_reaches_has_no_form_that_changes_anything(own_district: dict[str, Any],
                                                                         role: str) -> None:
    import json

    from django.test import Client

    own = own_district
    host = next(e for e in plan_of(own).engagements if e.kind.value == "visit")
    made = Client().post(f"/api/v1/districts/{own['code']}/years/{YEAR}/records/engagements",
                         json.dumps({"kind": "visit", "date": host.date.isoformat(), "host": host.host,
                                     "attended": list(host.participants), "title": "走访"}),
                         content_type="application/json", **own["tokens"]["administrator"])
    assert made.status_code == 201, made.content
    code = own["code"]
    starts = [f"/year/{code}/{YEAR}/", *(f"/office/{code}/{YEAR}/{p}/" for p in OFFICE_PAGES),
              f"/office/{code}/audit/", f"/office/{code}/users/"]
    answers = reachable(client(own, role), starts, code)
    kinds = {_shape(p)[0] for p in answers}
    assert {"year", "records", "letters", "engagement", "office", "provision"} <= kinds, kinds
    assert any(p.startswith(f"/records/{code}/{YEAR}/engagements/") for p in answers)  # a record's page
    for path, response in answers.items():
        assert response.status_code in (200, 302), (path, response.status_code)  # never a link to a refusal
        if "text/html" in response.get("Content-Type", ""):
            assert not changing_forms(response.content.decode()), path


def _letter_rows(page: str, cells: tuple[int, int, int]) -> dict[str, tuple[str, ...]]:
    """A letters table's rows: path → (status, its state's word, 文号, 主送) from the cells at ``cells``."""
    import html

    found = {}
    for status, path, row in re.findall(r'<tr data-status="([a-z]+)" data-path="([^"]+)">(.*?)</tr>', page, re.S):
        texts = [html.unescape(re.sub(r"<[^>]+>", " ", c)).split()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        word, number, to = (" ".join(texts[i]) for i in cells)
        found[html.unescape(path)] = (status, word, number.split(" ")[0].replace("—", ""), to)
    return found


def test_the_office_and_the_bodys_letters_pages_list_the_same_rows_in_the_same_words(
        own_district: dict[str, Any]) -> None:
    own = own_district
    admin = client(own, "administrator")
    day = f"{YEAR}-03-20"
    office = _letter_rows(admin.get(f"/office/{own['code']}/{YEAR}/letters/?day={day}").content.decode(), (3, 1, 2))
    body = _letter_rows(admin.get(f"/letters/{own['code']}/{YEAR}/?day={day}").content.decode(), (1, 2, 3))
    assert office and office == body
    words = {"due": "待印发", "draft": "草稿", "issued": "已印发"}  # docs/letters.md's
    assert all(word == words[status] for status, word, _, _ in office.values())
    # a draft not yet due has no record: its 主送 is the recipient the exporter wrote down (公文清单.json)
    drafts = {p: to for p, (status, _, _, to) in office.items() if status == "draft"}
    invitations = {p: to for p, to in drafts.items() if "/邀请函/" in p}
    assert invitations and all(invitations.values()), invitations
    names = {o.name for o in own["district"].organisations}
    assert set(invitations.values()) <= names


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_heat_map_cell_is_read_out_in_the_pages_language_as_its_legend_says(own_district: dict[str, Any],
                                                                              lang: str) -> None:
    import html

    own = own_district
    page = client(own, "administrator", lang).get(f"/office/{own['code']}/{YEAR}/findings/").content.decode()
    legend = re.search(r'<ul class="hm-legend">(.*?)</ul>', page, re.S)
    assert legend
    words = {html.unescape(w).strip() for w in re.findall(r"</span>([^<]+)</li>", legend.group(1))}
    cells = re.findall(r'<td class="hm-cell[^"]*" data-state="([a-z]+)"[^>]*>(.*?)</td>', page, re.S)
    said = [(state, spoken.group(1)) for state, cell in cells
            if (spoken := re.search(r'<span class="sr">(.*?)</span>', cell, re.S))]
    assert {state for state, _ in said} >= {"short", "info"}
    for state, text in said:
        full = html.unescape(text).strip()
        spoken = max((w for w in words if full.endswith(("：" if lang == "zh" else ": ") + w)), key=len, default="")
        assert spoken and spoken != state, (state, text)
        assert (re.search(r"[a-z]", spoken) is None) == (lang == "zh"), spoken


#: A Chinese mark of punctuation beside English words or numbers: the page's own text, not the data
#: (a name or a title is Chinese throughout, its marks between Chinese characters).
MIXED = re.compile(r"[A-Za-z0-9.)][：（）。；]|[：（；]\s?[A-Za-z(]")


def _ledger_with_a_bad_row(own: dict[str, Any]) -> bytes:
    import io

    import openpyxl
    from liaison_xlsx.plugin import ledger_workbook

    book = openpyxl.load_workbook(io.BytesIO(ledger_workbook(own["district"], plan_of(own), YEAR)))
    sheet = book["会议走访"]
    columns = {c.value: c.column for c in sheet[2] if c.value}
    rows = [r for r in range(3, sheet.max_row + 1) if sheet.cell(r, columns["编号"]).value][:2]
    for r in rows:
        sheet.cell(r, columns["是否召开"]).value = "是"
    sheet.cell(rows[0], columns["日期"]).value = f"{YEAR}年13月1日"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_english_page_has_no_chinese_punctuation_of_its_own_and_a_chinese_page_no_setting_id(
        own_district: dict[str, Any]) -> None:
    import html

    from django.core.files.uploadedfile import SimpleUploadedFile
    from web_db import CLERK_OF

    own = own_district
    code = own["code"]
    clerk, admin = client(own, "clerk", "en"), client(own, "administrator", "en")
    e = next(e for e in plan_of(own).engagements if e.host == CLERK_OF and e.status.value == "proposed")
    engagement = f"/engagement/{code}/{YEAR}/{e.id}/"
    pages = {
        "year": clerk.get(f"/year/{code}/{YEAR}/"),
        "move": clerk.get(f"{engagement}move/?date={YEAR}-10-01"),
        "held": clerk.get(f"{engagement}held/"),
        "engagement": clerk.get(engagement),
        "ledger": admin.get(f"/ledger/{code}/{YEAR}/"),
        "ledger rows": admin.post(f"/ledger/{code}/{YEAR}/", {"action": "upload", "ledger": SimpleUploadedFile(
            "ledger.xlsx", _ledger_with_a_bad_row(own), content_type="application/octet-stream")}),
        "findings": admin.get(f"/office/{code}/{YEAR}/findings/?as_of={YEAR}-12-31"),
        "behind": admin.get(f"/office/{code}/{YEAR}/behind/?on={YEAR}-12-31"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        page = html.unescape(response.content.decode())
        assert 'lang="en"' in page, name
        found = [page[max(m.start() - 30, 0):m.end() + 30] for m in MIXED.finditer(page)]
        assert not found, (name, found)
    assert f"{YEAR}-10-01" in pages["move"].content.decode() and "年10月" not in pages["move"].content.decode()
    rows = html.unescape(pages["ledger rows"].content.decode())
    assert 'class="refused"' in rows and 'class="taken"' in rows
    chinese = re.sub(r"<[^>]+>", "", html.unescape(client(own, "administrator").get(
        f"/office/{code}/{YEAR}/findings/?as_of={YEAR}-12-31").content.decode()))
    assert "（承担方式" in chinese and "scope" not in chinese  # a setting by its name, not its field


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_meeting_marked_held_before_its_day_is_refused_with_the_box_to_tick_named(own_district: dict[str, Any],
                                                                                    lang: str) -> None:
    import html

    from web_db import CLERK_OF

    from liaison_web.pages.views import HELD_FORCE
    from liaison_web.store import DatabaseStore

    own = own_district
    code = own["code"]
    clerk = client(own, "clerk", lang)
    later = sorted((e for e in plan_of(own).engagements if e.host == CLERK_OF and e.status.value == "proposed"),
                   key=lambda e: e.date)[-1]  # the clerk's last of the year: not come on the test's day
    box = HELD_FORCE[0] if lang == "zh" else HELD_FORCE[1]
    revision = DatabaseStore().current(own["district"], YEAR)
    for address, form in ((f"/engagement/{code}/{YEAR}/{later.id}/held/", {}),
                          (f"/engagement/{code}/{YEAR}/{later.id}/", {"action": "held"})):
        page = html.unescape(clerk.get(address).content.decode())
        assert f'name="force"> {box}</label>' in page, address  # the box says what it does
        refused = html.unescape(clerk.post(address, {"revision": revision, **form}).content.decode())
        problem = re.search(r'<div class="problem"[^>]*>(.*?)</div>', refused, re.S)
        assert problem, address
        assert f"“{box}”" in problem.group(1) and "force" not in problem.group(1), problem.group(1)
    # ticked, it is marked held (the box does what its label says)
    done = clerk.post(f"/engagement/{code}/{YEAR}/{later.id}/", {"revision": revision, "action": "held", "force": "on"})
    assert done.status_code == 302


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_year_not_begun_has_no_findings_so_far_and_says_so(own_district: dict[str, Any], lang: str) -> None:
    own = own_district
    clerk = client(own, "clerk", lang)
    before = clerk.get(f"/year/{own['code']}/{YEAR}/?on={YEAR - 1}-12-08").content.decode()
    section = re.search(r'<section aria-labelledby="my-findings-title">(.*?)</section>', before, re.S)
    assert section and 'class="finding' not in section.group(1)
    assert ("尚未开始" if lang == "zh" else "has not begun") in section.group(1)
    assert f"{YEAR}-01-01" not in section.group(1)  # no finding dated on a day to come
    begun = clerk.get(f"/year/{own['code']}/{YEAR}/?on={YEAR}-12-31").content.decode()
    later = re.search(r'<section aria-labelledby="my-findings-title">(.*?)</section>', begun, re.S)
    assert later and 'class="finding' in later.group(1) and 'id="not-begun"' not in later.group(1)


def test_a_records_time_is_the_districts_local_time_as_the_engagements_history_is(
        own_district: dict[str, Any]) -> None:
    import json
    from zoneinfo import ZoneInfo

    from django.test import Client

    from liaison_web import models

    own = own_district
    code = own["code"]
    zone = ZoneInfo(own["district"].info.timezone)
    e = next(e for e in plan_of(own).engagements if e.kind.value == "visit")
    made = Client().post(f"/api/v1/districts/{code}/years/{YEAR}/records/engagements",
                         json.dumps({"kind": "visit", "date": e.date.isoformat(), "host": e.host,
                                     "attended": list(e.participants), "title": "走访"}),
                         content_type="application/json", **own["tokens"]["administrator"])
    assert made.status_code == 201
    row = models.Record.objects.get(district__code=code, key=made.json()["key"])
    admin = client(own, "administrator")
    page = admin.get(f"/records/{code}/{YEAR}/engagements/{row.key}/").content.decode()
    local, utc = (row.at.astimezone(z).strftime("%Y-%m-%d %H:%M") for z in (zone, ZoneInfo("UTC")))
    assert f">{local}</time>" in page and utc not in page
    # the engagement's history, the audit log: the same rendering of the same kind of moment
    admin.post(f"/engagement/{code}/{YEAR}/{e.id}/", {"action": "confirm", "revision": revision_of(own)})
    entry = models.AuditEntry.objects.filter(district__code=code, object_id=e.id).latest("pk")
    shown = entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    assert f">{shown}</time>" in admin.get(f"/engagement/{code}/{YEAR}/{e.id}/").content.decode()
    assert f">{shown}:" in admin.get(f"/office/{code}/audit/").content.decode()


def revision_of(own: dict[str, Any]) -> str:
    from liaison_web.store import DatabaseStore

    found = DatabaseStore().current(own["district"], YEAR)
    assert found is not None
    return found


def test_the_users_page_offers_no_change_the_server_refuses(own_district: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model

    from liaison_web import models

    own = own_district
    code = own["code"]
    users = get_user_model()._default_manager
    root = users.create_superuser(f"root-member-{code}", password="x")
    models.Membership.objects.create(user=root, district=models.District.objects.get(code=code), role="auditor")
    admin = client(own, "administrator")
    page = admin.get(f"/office/{code}/users/").content.decode()

    def row(name: str) -> str:
        found = re.search(rf'<tr data-user="{re.escape(name)}"[^>]*>(.*?)</tr>', page, re.S)
        assert found, name
        return found.group(1)

    for refused in (f"administrator-{code}", root.username):  # itself, a superuser: the server refuses both
        assert "<form" not in row(refused) and "/admin/" in row(refused), refused
        pk = users.get(username=refused).pk
        assert admin.post(f"/office/{code}/users/", {"action": "deactivate", "user": pk}).status_code == 403
    assert 'value="deactivate"' in row(f"clerk-{code}") and 'value="reset"' in row(f"clerk-{code}")


def test_a_moved_meeting_in_an_amendments_preview_is_shown_to_the_minute(own_district: dict[str, Any]) -> None:
    import datetime as dt

    import attrs

    from liaison_web.amend import _meetings

    e = next(e for e in plan_of(own_district).engagements if e.status.value == "proposed")
    before = attrs.evolve(e, start=dt.time(14, 30), end=None)
    after = attrs.evolve(e, date=e.date + dt.timedelta(days=1), start=dt.time(9, 0), end=None)
    moved = _meetings([before], [after])["moved"]
    assert [(m["was"], m["start"]) for m in moved] == [(f"{e.date.isoformat()} 14:30", "09:00")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_pages_fix_is_in_the_pages_words_not_the_apis(own_district: dict[str, Any], lang: str) -> None:
    own = own_district
    clerk = client(own, "clerk", lang)
    for address in ("/year/nowhere/2027/", f"/records/{own['code']}/{YEAR}/engagements/0123456789abcdef/"):
        response = clerk.get(address)
        problem = re.search(r'<div class="problem"[^>]*>(.*?)</div>', response.content.decode(), re.S)
        assert response.status_code == 404 and problem, address
        assert not re.search(r"/api/|GET|If-Match", problem.group(1)), problem.group(1)
        assert ("首页" if lang == "zh" else "home page") in problem.group(1)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_logout_opened_as_an_address_is_the_pages_page_with_its_button(own_district: dict[str, Any],
                                                                       lang: str) -> None:
    own = own_district
    clerk = client(own, "clerk", lang)
    shown = clerk.get("/logout/")
    page = shown.content.decode()
    assert shown.status_code == 200 and 'id="logout-form"' in page and 'action="/logout/"' in page
    assert ("退出" if lang == "zh" else "Log out") in page and f'lang="{"zh-CN" if lang == "zh" else "en"}"' in page
    assert clerk.get(f"/year/{own['code']}/{YEAR}/").status_code == 200  # opening it logged nobody out
    done = clerk.post("/logout/")
    assert done.status_code == 302 and done["Location"] == "/login/"
    assert clerk.get(f"/year/{own['code']}/{YEAR}/").status_code == 302  # logged out by the button


def test_a_refused_ledger_row_shows_what_it_holds(own_district: dict[str, Any]) -> None:
    import html

    from django.core.files.uploadedfile import SimpleUploadedFile

    own = own_district
    page = html.unescape(client(own, "administrator").post(f"/ledger/{own['code']}/{YEAR}/", {
        "action": "upload", "ledger": SimpleUploadedFile("ledger.xlsx", _ledger_with_a_bad_row(own),
                                                         content_type="application/octet-stream")}).content.decode())
    refused = re.search(r'<tr class="refused" data-where="[^"]+">(.*?)</tr>', page, re.S)
    assert refused
    content = re.findall(r"<td>(.*?)</td>", refused.group(1), re.S)[1]
    assert f"{YEAR}年13月1日" in content  # the bad cell as typed
    assert any(e.id in content for e in plan_of(own).engagements)  # and the row's own id, as the sheet has it
