"""The united-front department's pages (issue #26) through Django's test client: the findings of the
district and of a body (each with its provision, the text in force, text or local, the link to the
provision's page) and the html plugin's heat map, live; the bodies behind; the whole year filtered;
the audit log filtered and its CSV; the users and roles; the letters issued on a day and the
register; amendments previewed and saved. An auditor reads every page and changes nothing (403); a
body's role gets 403, another district's 404. The same in Chromium: test_web_browser_office."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from typing import Any
from urllib.parse import quote

import pytest
from web_db import CLERK_OF, OFFICER_OF, YEAR
from web_pdf import pdf_text

from liaison.formats.district import seed_district


@pytest.fixture
def loaded_plugins() -> str:
    return "web,docx,html"  # the letters are the docx exporter's; the heat map the html plugin's


def browser(user: Any = None, *, csrf: bool = False) -> Any:
    from django.test import Client

    made = Client(enforce_csrf_checks=csrf)
    if user is not None:
        made.force_login(user)
    return made


def logs_in(name: str, password: str) -> bool:
    """The login page takes the name and the password (a redirect to the caller's year)."""
    return int(browser().post("/login/", {"username": name, "password": password}).status_code) == 302


def text_of(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def office(users: dict[str, Any]) -> dict[str, Any]:
    """The fixture's administrator, the other district's clerk, and an auditor, a clerk and a party
    branch's liaison officer of the seed district."""
    import web_db
    from django.contrib.auth import get_user_model

    from liaison_web import models

    seed = models.District.objects.get(code="seed")
    made = dict(users)
    for role, organisation in (("auditor", ""), ("clerk", CLERK_OF), ("liaison_officer", OFFICER_OF)):
        user = get_user_model()._default_manager.create_user(f"office-{role}{web_db.counter}", password="x")
        models.Membership.objects.create(user=user, district=seed, organisation=organisation, role=role)
        made[role] = user
    return made


# -- (1) the findings and the heat map -----------------------------------------------------------------
def test_the_districts_findings_cite_each_provision_with_its_text_in_force_and_basis(office: dict[str, Any]) -> None:
    day = dt.date(YEAR, 12, 31)
    page = text_of(browser(office["admin"]).get(f"/office/seed/{YEAR}/findings/?as_of={day}"))
    api = browser(office["admin"]).get(f"/api/v1/districts/seed/years/{YEAR}/report?as_of={day}").json()
    listed = re.findall(r'<li class="finding severity-(\w+)" data-provision="([^"]+)" data-basis="(\w+)"', page)
    assert len(listed) == len(api["findings"]) > 0
    assert sorted((p, b) for _, p, b in listed) == sorted((f["provision"], f["basis"]) for f in api["findings"])
    district = seed_district()
    for provision in {p for _, p, _ in listed}:
        known = district.provision(provision)
        assert f'href="/provision/seed/{quote(provision, safe="")}/?on=' in page
        assert known.text_at(day).text_zh.split("\n")[0][:20] in page  # the text in force, quoted
    assert "依据原文规定" in page and "依据本区设定" in page  # both bases occur in the seed's findings


def test_the_heat_map_is_the_html_plugins_and_changes_after_a_record(own_district: dict[str, Any]) -> None:
    """In a district of the test's own (records are only ever added: no other test sees this one's)."""
    from django.contrib.auth import get_user_model
    from liaison_html.heatmap import heat_map
    from liaison_html.marks import Provisions

    from liaison_web.api_records import _report

    code, district = own_district["code"], own_district["district"]
    auditor = get_user_model()._default_manager.get(username=f"auditor-{code}")
    url = f"/office/{code}/{YEAR}/findings/?as_of={YEAR}-12-31"
    before = text_of(browser(auditor).get(url))
    cells = re.findall(r'<td class="hm-cell [^"]*" data-state="(\w+)" data-provision="([^"]+)"', before)
    report = _report(_request(auditor), code, YEAR, dt.date(YEAR, 12, 31))[1]
    made = heat_map(district, report, Provisions(district))
    assert [s for s, _ in cells] == [c.state.value for row in made.rows for c in row.cells] and cells
    assert [p for _, p in cells] == [c.provision.id for row in made.rows for c in row.columns]
    # a visit recorded for a department of one pairing: the page, loaded again, shows one more cell met
    pairings = district.pairings_as_of(dt.date(YEAR, 3, 1))
    alone = next(p for p in pairings if [q.department for q in pairings].count(p.department) == 1)
    row = _row(before, alone.department)
    made = browser().post(f"/api/v1/districts/{code}/years/{YEAR}/records/engagements",
                          data={"kind": "visit", "date": f"{YEAR}-03-02", "host": alone.department,
                                "attended": [alone.counterpart], "title": "走访"},
                          content_type="application/json", **own_district["tokens"]["administrator"])
    assert made.status_code == 201, made.content
    now = _row(text_of(browser(auditor).get(url)), alone.department)
    assert now.count("met") == row.count("met") + 1 and now.count("short") == row.count("short") - 1


def _row(page: str, org: str) -> list[str]:
    found = re.search(rf'<tr data-org="{org}">(.*?)</tr>', page, re.S)
    assert found, org
    return re.findall(r'data-state="(\w+)"', found.group(1))


def _request(user: Any) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_bodys_findings_are_its_own_and_a_body_may_not_read_the_districts(office: dict[str, Any]) -> None:
    clerk = browser(office["clerk"])
    own = text_of(clerk.get(f"/office/seed/{YEAR}/findings/?body={CLERK_OF}&as_of={YEAR}-12-31"))
    api = clerk.get(f"/api/v1/districts/seed/years/{YEAR}/organisations/{CLERK_OF}/findings?as_of={YEAR}-12-31").json()
    assert len(re.findall(r'<li class="finding ', own)) == len(api) > 0
    assert "hm-cell" not in own  # the heat map is the district's
    assert clerk.get(f"/office/seed/{YEAR}/findings/").status_code == 403
    assert clerk.get(f"/office/seed/{YEAR}/findings/?body={OFFICER_OF}").status_code == 403
    assert browser(office["stranger"]).get(f"/office/seed/{YEAR}/findings/").status_code == 404


# -- (2) the bodies behind, the whole year, the audit log ----------------------------------------------
def test_the_bodies_behind_are_those_with_overdue_items_or_shortfalls(office: dict[str, Any]) -> None:
    day = dt.date(YEAR, 12, 31)
    page = text_of(browser(office["auditor"]).get(f"/office/seed/{YEAR}/behind/?on={day}"))
    shown = re.findall(r'<section class="body-behind" data-org="([^"]+)"', page)
    admin = browser(office["admin"])
    report = admin.get(f"/api/v1/districts/seed/years/{YEAR}/report?as_of={day}").json()
    short = {f["responsible"] for f in report["findings"] if f["severity"] in ("violation", "local", "deviation")
             and f["status"] != "open" and f["responsible"]}
    overdue = set()
    for organisation in seed_district().organisations:
        items = admin.get(f"/api/v1/districts/seed/organisations/{organisation.id}/due?as_of={day}").json()["items"]
        if any(i["due"] < day.isoformat() for i in items):
            overdue.add(organisation.id)
    assert set(shown) == short | overdue and shown
    assert browser(office["clerk"]).get(f"/office/seed/{YEAR}/behind/").status_code == 403


def test_the_whole_year_filters_by_body_kind_and_status(office: dict[str, Any]) -> None:
    from liaison_web.store import DatabaseStore

    plan = DatabaseStore().load(seed_district(), YEAR).state.plan
    auditor = browser(office["auditor"])
    page = auditor.get(f"/office/seed/{YEAR}/engagements/").content.decode()
    every = re.findall(r'<tr class="engagement [^"]*" data-id="([^"]+)"', page)
    assert sorted(every) == sorted(e.id for e in plan.engagements)
    kind = plan.engagements[0].kind.value
    url = f"/office/seed/{YEAR}/engagements/?body={CLERK_OF}&kind={kind}&status=proposed"
    chosen = re.findall(r'data-id="([^"]+)"', auditor.get(url).content.decode())
    assert sorted(chosen) == sorted(e.id for e in plan.engagements if e.kind.value == kind
                                    and e.status.value == "proposed"
                                    and (e.host == CLERK_OF or CLERK_OF in e.participants))
    assert browser(office["liaison_officer"]).get(f"/office/seed/{YEAR}/engagements/").status_code == 403


def test_the_audit_log_filters_and_downloads_the_exports_csv(own_district: dict[str, Any]) -> None:
    """In a district of the test's own: the audit log is append-only, so another test's entries about
    the same engagement of a shared district would be counted too."""
    from liaison_web import audit
    from liaison_web.store import DatabaseStore

    code, district = own_district["code"], own_district["district"]
    plan = DatabaseStore().load(district, YEAR).state.plan
    one = next(e for e in plan.engagements if e.host == CLERK_OF and e.status.value == "proposed")
    revision = DatabaseStore().current(district, YEAR)
    clerk = _user(f"clerk-{code}")
    made = browser(clerk).post(f"/engagement/{code}/{YEAR}/{quote(one.id)}/",
                               {"action": "confirm", "revision": revision})
    assert made.status_code == 302
    auditor = browser(_user(f"auditor-{code}"))
    page = text_of(auditor.get(f"/office/{code}/audit/?engagement={quote(one.id)}"))
    assert page.count('<tr data-action="confirm" data-object="engagement">') == 1
    assert clerk.username in page
    by_user = text_of(auditor.get(f"/office/{code}/audit/?user={clerk.username}"))
    assert by_user.count("<tr data-action=") == 1
    by_body = text_of(auditor.get(f"/office/{code}/audit/?body={OFFICER_OF}"))
    assert one.id not in by_body or OFFICER_OF in one.participants
    download = auditor.get(f"/office/{code}/audit/?engagement={quote(one.id)}&format=csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == list(audit.COLUMNS) and len(rows) == 2 and rows[1][audit.COLUMNS.index("object_id")] == one.id
    # the same cells as `liaison web audit-export` writes for that entry
    exported = io.StringIO()
    audit.write(csv.writer(exported), (r for r in audit.rows(code) if r["object_id"] == one.id))
    assert download.content.decode("utf-8-sig") == exported.getvalue()
    assert browser(clerk).get(f"/office/{code}/audit/").status_code == 403


def test_the_administrator_creates_deactivates_and_resets_users_through_djangos_auth(office: dict[str, Any]) -> None:
    import web_db
    from django.contrib.auth import get_user_model

    from liaison_web import models

    admin = browser(office["admin"], csrf=True)
    page = admin.get("/office/seed/users/")
    token = page.cookies["csrftoken"].value
    assert office["auditor"].username in text_of(page)
    name = f"new-clerk{web_db.counter}"
    made = admin.post("/office/seed/users/", {"action": "create", "username": name, "password": "a-long-password",
                                              "role": "clerk", "organisation": CLERK_OF,
                                              "csrfmiddlewaretoken": token})
    assert made.status_code == 302
    user = get_user_model()._default_manager.get(username=name)
    assert user.password.startswith(("md5$", "pbkdf2_")) and "a-long-password" not in user.password  # hashed
    assert list(models.Membership.objects.filter(user=user).values_list("district__code", "organisation", "role")) \
        == [("seed", CLERK_OF, "clerk")]
    assert logs_in(name, "a-long-password")
    # the new clerk reads its own department's year and not the office's pages
    assert browser(user).get(f"/year/seed/{YEAR}/").status_code == 200
    assert browser(user).get(f"/office/seed/{YEAR}/findings/").status_code == 403
    # a reset: the old password no longer logs in
    assert admin.post("/office/seed/users/", {"action": "reset", "user": user.pk, "password": "another-long-one",
                                              "csrfmiddlewaretoken": token}).status_code == 302
    assert not logs_in(name, "a-long-password")
    assert logs_in(name, "another-long-one")
    assert admin.post("/office/seed/users/", {"action": "deactivate", "user": user.pk,
                                              "csrfmiddlewaretoken": token}).status_code == 302
    assert not logs_in(name, "another-long-one")
    logged = list(models.AuditEntry.objects.filter(object_type="user", object_id=name).order_by("id")
                  .values_list("action", "actor"))
    assert logged == [("create", office["admin"].username), ("reset-password", office["admin"].username),
                      ("deactivate", office["admin"].username)]
    assert all("long" not in str(e.after) for e in models.AuditEntry.objects.filter(object_id=name))


@pytest.mark.parametrize(("form", "field"), [
    ({"username": "x y", "role": "clerk", "organisation": CLERK_OF}, "用户名"),
    ({"username": "fine", "role": "city_auditor"}, "角色"),
    ({"username": "fine", "role": "clerk"}, "单位"),
    ({"username": "fine", "role": "liaison_officer", "organisation": CLERK_OF}, "不能设置该角色"),
    ({"username": "fine", "role": "auditor", "password": "short"}, "密码至少"),
])
def test_a_user_refused_is_told_why_in_the_pages_language_and_nothing_is_made(office: dict[str, Any],
                                                                            form: dict[str, str], field: str) -> None:
    from django.contrib.auth import get_user_model

    before = get_user_model()._default_manager.count()
    answer = browser(office["admin"]).post("/office/seed/users/", {"action": "create", "password": "a-long-password",
                                                                   **form})
    assert answer.status_code == 422 and field in text_of(answer)
    assert get_user_model()._default_manager.count() == before


def test_an_auditor_reads_the_users_and_changes_nothing(office: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model

    auditor = browser(office["auditor"])
    page = text_of(auditor.get("/office/seed/users/"))
    assert 'id="create-user"' not in page and 'value="deactivate"' not in page
    clerk = office["clerk"]
    for form in ({"action": "create", "username": "sneaky", "password": "a-long-password", "role": "administrator"},
                 {"action": "deactivate", "user": clerk.pk}, {"action": "reset", "user": clerk.pk,
                                                              "password": "a-long-password"}):
        assert auditor.post("/office/seed/users/", form).status_code == 403
    assert not get_user_model()._default_manager.filter(username="sneaky").exists()
    clerk.refresh_from_db()
    assert clerk.is_active and clerk.check_password("x")
    # an administrator changes no user of another district, nor itself
    admin = browser(office["admin"])
    assert admin.post("/office/seed/users/", {"action": "deactivate", "user": office["stranger"].pk}).status_code == 404
    assert admin.post("/office/seed/users/", {"action": "deactivate", "user": office["admin"].pk}).status_code == 403
    assert browser(office["clerk"]).get("/office/seed/users/").status_code == 403


def test_a_users_form_without_its_csrf_token_is_refused(office: dict[str, Any]) -> None:
    answer = browser(office["admin"], csrf=True).post("/office/seed/users/", {
        "action": "create", "username": "nocsrf", "password": "a-long-password", "role": "auditor"})
    assert answer.status_code == 403
    from django.contrib.auth import get_user_model

    assert not get_user_model()._default_manager.filter(username="nocsrf").exists()


# -- (4) the letters: issued on a day, the register ----------------------------------------------------
#: A day the notices (due 5 January) are due and no invitation is.
LETTERS_DAY = dt.date(YEAR, 1, 11)


def test_the_administrator_issues_the_months_letters_and_downloads_one(own_district: dict[str, Any]) -> None:
    import docx

    from liaison_web import models
    from liaison_web.store import DatabaseStore

    code, district = own_district["code"], own_district["district"]
    admin = browser(_user(f"administrator-{code}"), csrf=True)
    url = f"/office/{code}/{YEAR}/letters/?day={LETTERS_DAY}"
    page = admin.get(url)
    before = text_of(page)
    api = admin.get(f"/api/v1/districts/{code}/years/{YEAR}/letters?day={LETTERS_DAY}").json()
    due = sorted(item["path"] for item in api["letters"] if item["status"] == "due")
    assert due and sorted(re.findall(r'<tr data-status="due" data-path="([^"]+)"', before)) == due
    # a due letter's number is the one issuing would give it, said so: the letter carries none yet
    would = [item["record"]["doc_number"] for item in api["letters"] if item["status"] == "due"]
    assert all(f"<td>拟用{number}</td>" in before for number in would)
    assert 'id="issue-letters"' in before and "本年尚未签发公文" in before
    revision = re.search(r'name="revision" value="([^"]+)"', before)
    assert revision and revision.group(1) == api["revision"]
    token = page.cookies["csrftoken"].value
    # a day still to come, refused without the box ticked: the page says why, and nothing is issued
    ahead = admin.post(f"/office/{code}/{YEAR}/letters/", {"day": LETTERS_DAY.isoformat(),
                                                           "revision": revision.group(1),
                                                           "csrfmiddlewaretoken": token})
    assert ahead.status_code == 409 and "尚未到来" in ahead.content.decode()
    issued = admin.post(f"/office/{code}/{YEAR}/letters/", {"day": LETTERS_DAY.isoformat(), "force": "1",
                                                            "revision": revision.group(1),
                                                            "csrfmiddlewaretoken": token})
    assert issued.status_code == 302 and issued["Location"] == url
    stored = DatabaseStore().load(district, YEAR)
    assert stored is not None and sorted(r.path for r in stored.state.letters) == due
    after = text_of(admin.get(url))
    numbers = re.findall(r'<tr data-number="([^"]+)">', after)
    assert numbers == [r.doc_number for r in sorted(stored.state.letters, key=lambda r: (r.series, r.serial))]
    assert all(r.date == LETTERS_DAY for r in stored.state.letters)
    assert not re.findall(r'<tr data-status="due"', after)  # each due one is issued now
    entry = models.AuditEntry.objects.filter(district__code=code, action="issue").get()
    assert entry.actor == f"administrator-{code}" and len(entry.after["issued"]) == len(due)
    # the register's link downloads the letter the year store keeps, its number in it
    first = stored.state.letters[0]
    link = re.search(rf'<a href="([^"]+)" download aria-label="{re.escape(first.doc_number)} .docx">', after)
    assert link
    got = admin.get(html.unescape(link.group(1)))
    assert got.status_code == 200 and got.content == DatabaseStore().read(district, YEAR, first.path)
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(got.content)).paragraphs)
    assert first.doc_number in body
    # and as .pdf, as the body's letters page offers it: LibreOffice's, with the number in it
    pdf = re.search(rf'<a href="([^"]+)" download aria-label="{re.escape(first.doc_number)} .pdf">', after)
    assert pdf and html.unescape(pdf.group(1)).split("?")[0].endswith(quote(first.path.removesuffix(".docx") + ".pdf"))
    got = admin.get(html.unescape(pdf.group(1)))
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf" and got.content[:5] == b"%PDF-"
    assert first.doc_number in pdf_text(got.content)
    listed = re.findall(r'<tr data-status="issued" data-path="([^"]+)">.*?<a href="([^"]+)" download aria-label="[^"]*'
                        r' \.pdf">', after, re.S)
    assert sorted(p for p, _ in listed) == due
    assert all(html.unescape(h).startswith(f"/api/v1/districts/{code}/years/{YEAR}/letters/") and
               html.unescape(h).endswith(f".pdf?day={LETTERS_DAY}") for _, h in listed)
    # the same form sent again is on an old revision: nothing more is issued, the page says why
    stale = admin.post(f"/office/{code}/{YEAR}/letters/", {"day": LETTERS_DAY.isoformat(),
                                                           "revision": revision.group(1),
                                                           "csrfmiddlewaretoken": token})
    assert stale.status_code == 412 and 'role="alert"' in text_of(stale)
    assert models.AuditEntry.objects.filter(district__code=code, action="issue").count() == 1


def test_an_auditor_reads_the_letters_and_may_not_issue(own_district: dict[str, Any]) -> None:
    from liaison_web import models
    from liaison_web.store import DatabaseStore

    code, district = own_district["code"], own_district["district"]
    auditor = browser(_user(f"auditor-{code}"))
    page = auditor.get(f"/office/{code}/{YEAR}/letters/?day={LETTERS_DAY}")
    assert page.status_code == 200 and 'id="issue-letters"' not in text_of(page)
    revision = DatabaseStore().load(district, YEAR)
    assert revision is not None
    refused = auditor.post(f"/office/{code}/{YEAR}/letters/", {"day": LETTERS_DAY.isoformat(),
                                                               "revision": revision.revision})
    assert refused.status_code == 403
    unchanged = DatabaseStore().load(district, YEAR)
    assert unchanged is not None and unchanged.state.letters == () and unchanged.revision == revision.revision
    assert not models.AuditEntry.objects.filter(district__code=code, action="issue").exists()
    assert browser(_user(f"clerk-{code}")).get(f"/office/{code}/{YEAR}/letters/").status_code == 403


def _user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model()._default_manager.get(username=name)


# -- (3) amendments: previewed, then saved -------------------------------------------------------------
AMENDED_ON = dt.date(YEAR, 7, 1)


def _pairing_form(token: str = "", **more: str) -> dict[str, str]:
    """环保分局 paired with 民盟 instead of 致公党 from 1 July (examples/amend_pairings.py's amendment)."""
    return {"action": "preview", "mode": "pairing", "department": "environment", "ends": "czgp", "begins": "cdl",
            "clause": seed_district().pairings_as_of(AMENDED_ON)[0].clause, "valid_from": AMENDED_ON.isoformat(),
            **({"csrfmiddlewaretoken": token} if token else {}), **more}


def test_an_amendment_is_previewed_then_saved_as_a_new_version_with_the_year_brought_up_to_it(
        own_district: dict[str, Any]) -> None:
    from liaison_web import models
    from liaison_web.store import DatabaseStore

    code, district = own_district["code"], own_district["district"]
    admin = browser(_user(f"administrator-{code}"), csrf=True)
    url = f"/office/{code}/{YEAR}/amend/"
    token = admin.get(url).cookies["csrftoken"].value
    held = DatabaseStore().load(district, YEAR)
    assert held is not None
    versions = models.DistrictVersion.objects.filter(district__code=code).count()
    shown = admin.post(url, _pairing_form(token))
    assert shown.status_code == 200, text_of(shown)
    page = text_of(shown)
    # the preview kept nothing
    assert models.DistrictVersion.objects.filter(district__code=code).count() == versions
    assert DatabaseStore().current(district, YEAR) == held.revision
    # the cc list of the department changes on the day: 民盟 in, 致公党 out (the library's §3.2 routing)
    cc = re.search(r'<ul class="what-changes" data-change="cc">(.*?)</ul>', page, re.S)
    assert cc and "民盟" in cc.group(1) and "致公" in cc.group(1)
    # the meetings: the library's planner puts the new pair's in the rest of the year and the old
    # pair's in the months before the day (the part-period setting)
    added = re.findall(r'<li>(\d{4}-\d\d-\d\d) [^<]*（', _section(page, "added"))
    moved = re.findall(r'<a href="/engagement/[^/]+/\d+/([^"]+)/">[^<]*</a>：[^→]*→ (\d{4}-\d\d-\d\d)',
                       _section(page, "moved"))
    assert added and moved and all(dt.date.fromisoformat(d) >= AMENDED_ON for d in added)
    letters = re.findall(r'<li data-letter="(\w+)">', page)
    assert letters  # the letters about the department's meetings are written otherwise
    fields = dict(re.findall(r'<input type="hidden" name="(text|base|valid_from|summary)" value="([^"]*)"', page))
    assert set(fields) == {"text", "base", "valid_from", "summary"}
    saved = admin.post(url, {"action": "save", **{k: html.unescape(v) for k, v in fields.items()},
                             "csrfmiddlewaretoken": token})
    assert saved.status_code == 302, text_of(saved)
    # the new version from the day, in force now: the pairing ended and begun
    latest = models.DistrictVersion.objects.filter(district__code=code).order_by("-valid_from").first()
    assert latest is not None and latest.valid_from == AMENDED_ON
    from liaison.formats.district import parse_district

    now = parse_district(latest.text, file="x")
    assert {p.counterpart for p in now.pairings_as_of(AMENDED_ON) if p.department == "environment"} == {"cdl"}
    assert {p.counterpart for p in now.pairings_as_of(AMENDED_ON - dt.timedelta(days=1))
            if p.department == "environment"} == {"czgp"}
    # the year is brought up to it: what the preview said is added and cancelled is so in the plan
    stored = DatabaseStore().load(now, YEAR)
    assert stored is not None and stored.revision != held.revision
    by_id = {e.id: e for e in stored.state.engagements}
    live = [e for e in stored.state.engagements if e.status.value != "cancelled"]
    assert sorted(e.date.isoformat() for e in live if e.host == "environment" and "cdl" in e.participants) \
        == sorted(added)
    assert not any(e.host == "environment" and "czgp" in e.participants and e.date >= AMENDED_ON for e in live)
    assert [(by_id[html.unescape(i)].date.isoformat()) for i, _ in moved] == [d for _, d in moved]
    entry = models.AuditEntry.objects.filter(district__code=code, action="amend").get()
    assert entry.actor == f"administrator-{code}" and entry.after["valid_from"] == AMENDED_ON.isoformat()
    assert entry.before["version"] == fields["base"] and entry.after["version"] == latest.sha256
    # the same preview saved again is on a version no longer in force: refused, nothing kept
    again = admin.post(url, {"action": "save", **{k: html.unescape(v) for k, v in fields.items()},
                             "csrfmiddlewaretoken": token})
    assert again.status_code == 412 and "预览之后" in text_of(again)
    assert models.DistrictVersion.objects.filter(district__code=code).count() == versions + 1


def test_an_amendment_from_a_day_its_save_would_refuse_is_refused_at_the_preview_with_no_save_offered(
        own_district: dict[str, Any]) -> None:
    """The preview asks what the save asks — a day after the one the data in force is from — before
    it offers Save: never a preview with a button whose save then fails (review 25b item 12)."""
    from liaison_web import amend, models

    code = own_district["code"]
    since = amend.current_text(code)[2]
    admin = browser(_user(f"administrator-{code}"))
    versions = models.DistrictVersion.objects.filter(district__code=code).count()
    for day in (since, since - dt.timedelta(days=30)):
        shown = admin.post(f"/office/{code}/{YEAR}/amend/", _pairing_form(valid_from=day.isoformat()))
        page = text_of(shown)
        assert shown.status_code == 422, page
        assert f"调整的生效日期须晚于现行数据的生效日期 {since.isoformat()}" in page
        assert 'name="action" value="save"' not in page and 'name="text"' not in page
        assert not _section(page, "added")
    from liaison_web.pages.lang import COOKIE

    admin.cookies[COOKIE] = "en"
    english = admin.post(f"/office/{code}/{YEAR}/amend/", _pairing_form(valid_from=since.isoformat()))
    admin.cookies[COOKIE] = "zh"
    assert english.status_code == 422 and f"an amendment takes effect after {since.isoformat()}" in text_of(english)
    assert models.DistrictVersion.objects.filter(district__code=code).count() == versions
    # the day after is previewed with its Save
    later = admin.post(f"/office/{code}/{YEAR}/amend/", _pairing_form(valid_from=(since + dt.timedelta(days=1))
                                                                        .isoformat()))
    assert later.status_code == 200 and 'name="text"' in text_of(later)


def _section(page: str, change: str) -> str:
    found = re.search(rf'<ul class="what-changes" data-change="{change}">(.*?)</ul>', page, re.S)
    return found.group(1) if found else ""


def test_an_amended_file_of_another_district_or_with_a_problem_is_refused_with_its_reason(
        own_district: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from liaison_web import amend, models

    code = own_district["code"]
    admin = browser(_user(f"administrator-{code}"))
    url = f"/office/{code}/{YEAR}/amend/"
    text = admin.get(url + "?format=toml").content.decode()
    assert text == amend.current_text(code)[0]
    versions = models.DistrictVersion.objects.count()
    for changed, said in ((text.replace(f'id = "{code}"', 'id = "elsewhere"'), "不是"),
                          (text.replace('counterpart = "czgp"', 'counterpart = "nobody"', 1), "nobody")):
        upload = SimpleUploadedFile("amended.toml", changed.encode())
        answer = admin.post(url, {"action": "preview", "mode": "file", "valid_from": AMENDED_ON.isoformat(),
                                  "file": upload})
        assert answer.status_code in (404, 422) and said in text_of(answer) and 'id="preview"' not in text_of(answer)
    # the file in force itself, and a save whose text is not what a preview sent
    same = admin.post(url, {"action": "preview", "mode": "file", "valid_from": AMENDED_ON.isoformat(),
                            "file": SimpleUploadedFile("same.toml", text.encode())})
    assert same.status_code == 422 and "与现行数据相同" in text_of(same)
    broken = admin.post(url, {"action": "save", "text": "not base64!", "base": amend.current_text(code)[1],
                              "valid_from": AMENDED_ON.isoformat()})
    assert broken.status_code == 422 and "未完整提交" in text_of(broken)
    # a pairing ended that is not in force on the day
    answer = admin.post(url, _pairing_form(ends="cdl", begins=""))
    assert answer.status_code == 422 and "没有仍然有效的对口联系" in text_of(answer)
    assert models.DistrictVersion.objects.count() == versions


@pytest.mark.parametrize("size", [2048, 128 * 1024])  # past the limit; past it and a form's overhead too
def test_an_amended_file_past_the_upload_limit_is_refused_without_being_read_whole(
        own_district: dict[str, Any], small_uploads: list[int], size: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from liaison_web import models

    code = own_district["code"]
    versions = models.DistrictVersion.objects.count()
    answer = browser(_user(f"administrator-{code}")).post(f"/office/{code}/{YEAR}/amend/", {
        "action": "preview", "mode": "file", "valid_from": AMENDED_ON.isoformat(),
        "file": SimpleUploadedFile("amended.toml", b"#" * size)})
    assert answer.status_code == 413 and "文件超过本服务允许的大小" in text_of(answer)
    assert 'id="preview"' not in text_of(answer) and models.DistrictVersion.objects.count() == versions
    assert small_uploads == ([1] if size < 64 * 1024 else [])  # a body longer than a form's is not even parsed


def test_an_auditor_reads_the_amendments_page_and_may_not_amend(own_district: dict[str, Any]) -> None:
    from liaison_web import models

    code = own_district["code"]
    auditor = browser(_user(f"auditor-{code}"))
    url = f"/office/{code}/{YEAR}/amend/"
    page = auditor.get(url)
    assert page.status_code == 200 and 'id="amend-pairing"' not in text_of(page)
    versions = models.DistrictVersion.objects.count()
    assert auditor.post(url, _pairing_form()).status_code == 403
    assert auditor.post(url, {"action": "save", "text": "", "base": "", "valid_from": AMENDED_ON.isoformat()}
                        ).status_code == 403
    assert models.DistrictVersion.objects.count() == versions
    assert browser(_user(f"clerk-{code}")).get(url).status_code == 403


def test_the_year_page_leads_a_district_wide_role_to_the_office_pages_and_a_body_not(office: dict[str, Any]) -> None:
    link = f'href="/office/seed/{YEAR}/findings/"'
    assert link in text_of(browser(office["auditor"]).get(f"/year/seed/{YEAR}/"))
    assert link not in text_of(browser(office["clerk"]).get(f"/year/seed/{YEAR}/"))


def test_without_the_letters_exporter_the_preview_still_shows_the_meetings(own_district: dict[str, Any],
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import liaison.host.plugins as plugins

    installed = plugins.exporters()
    monkeypatch.setattr(plugins, "exporters", lambda pm=None: {k: v for k, v in installed.items() if k != "docx"})
    code = own_district["code"]
    answer = browser(_user(f"administrator-{code}")).post(f"/office/{code}/{YEAR}/amend/", _pairing_form())
    page = text_of(answer)
    assert answer.status_code == 200
    assert _section(page, "added") and "公文的变化未预览" in page
    assert 'data-change="letters"' not in page
