"""The united-front department's pages (issue #26) in a real browser: Playwright driving Debian's
Chromium against a `liaison serve` process (the letters' and the page's exporters installed beside
it) with a temporary SQLite database, stopped by its process id. The administrator issues the
month's letters with the keyboard and downloads one from the register; the heat map changes after a
record is entered; an auditor opens every page, sees no form and is refused (403) each change it
sends anyway. On every page axe-core finds no serious or critical violation."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_browser import accessible, keyboard_log_in, running, submit

playwright = pytest.importorskip("playwright.sync_api")
if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)", allow_module_level=True)

PASSWORDS = {"office-admin": "admin-of-the-office", "office-auditor": "auditor-of-the-office"}
PLUGINS = "web,docx,html"

#: Run in the server's folder before it starts: the administrator and the auditor of the seed district,
#: a token of the administrator's to enter a record with, and a department paired with one body only
#: (the test enters its visit: one cell of the heat map is met then).
SETUP = """
import datetime as dt, json, sys
from liaison_web.settings import configure
configure("sqlite:///liaison.sqlite3")
from django.contrib.auth import get_user_model
from liaison_web import models
from liaison_web.bootstrap import district
from liaison_web.tokens import make_token
users = get_user_model()._default_manager
seed = models.District.objects.get(code="seed")
for name, role, password in json.loads(sys.argv[1]):
    models.Membership.objects.create(user=users.create_user(name, password=password), district=seed, role=role)
year = int(sys.argv[2])
pairings = district("seed").pairings_as_of(dt.date(year, 3, 1))
alone = next(p for p in pairings if [q.department for q in pairings].count(p.department) == 1)
print(json.dumps({"token": make_token("office-admin", "browser", ("read", "write")),
                  "department": alone.department, "counterpart": alone.counterpart}))
"""


class Server:
    def __init__(self, base: str, year: int, setup: dict[str, str]) -> None:
        self.base, self.year, self.setup = base, year, setup

    def office(self, page: str) -> str:
        year = f"{self.year}/" if page not in ("audit", "users", "tokens") else ""
        return f"{self.base}/office/seed/{year}{page}/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    users = [("office-admin", "administrator", PASSWORDS["office-admin"]),
             ("office-auditor", "auditor", PASSWORDS["office-auditor"])]
    for base, year, printed in running(tmp_path_factory.mktemp("serve-office"), PLUGINS, SETUP, json.dumps(users)):
        yield Server(base, year, json.loads(printed))


def log_in(page: Any, server: Server, name: str) -> None:
    keyboard_log_in(page, server.base, name, PASSWORDS[name])


def test_the_administrator_issues_the_months_letters_and_downloads_one(server: Server, page: Any) -> None:
    log_in(page, server, "office-admin")
    day = dt.date(server.year, 1, 11)  # the notices (due 5 January) are due, no invitation is
    page.goto(server.office("letters") + f"?day={day.isoformat()}")
    due = page.locator("tr[data-status=due]").count()
    assert due > 0 and page.locator("table.register tr[data-number]").count() == 0
    accessible(page)
    # with the keyboard: from the day's 查看, Tab to the box that allows a day after today (the test's
    # year is ahead of the clock), Space to tick it, Tab to the issue button, Enter
    page.focus("form.choose button")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('form').id") == "issue-letters"
    assert page.evaluate("document.activeElement.name") == "force"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"签发 {due} 件" in page.locator(".notice").inner_text()
    numbers = page.locator("table.register tr[data-number]").evaluate_all("rows => rows.map(r => r.dataset.number)")
    assert len(numbers) == due and page.locator("tr[data-status=due]").count() == 0
    accessible(page)  # with the register filled
    with page.expect_download() as downloading:
        page.click(f"table.register tr[data-number='{numbers[0]}'] a")
    data = Path(downloading.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert numbers[0] in archive.read("word/document.xml").decode()


def test_the_heat_map_changes_after_a_record(server: Server, page: Any) -> None:
    log_in(page, server, "office-auditor")
    url = server.office("findings") + f"?as_of={server.year}-12-31"
    page.goto(url)
    accessible(page)
    row = f"tr[data-org='{server.setup['department']}'] [data-state]"

    def states() -> list[str]:
        return list(page.locator(row).evaluate_all("cells => cells.map(c => c.dataset.state)"))

    before = states()
    assert before and "short" in before
    made = page.request.post(f"{server.base}/api/v1/districts/seed/years/{server.year}/records/engagements",
                             # next year's visit: dated after today, recorded in advance (force)
                             data=json.dumps({"kind": "visit", "date": f"{server.year}-03-02",
                                              "host": server.setup["department"],
                                              "attended": [server.setup["counterpart"]], "title": "走访",
                                              "force": True}),
                             headers={"Authorization": f"Bearer {server.setup['token']}",
                                      "Content-Type": "application/json"})
    assert made.status == 201, made.text()
    page.goto(url)
    after = states()
    assert after.count("met") == before.count("met") + 1 and after.count("short") == before.count("short") - 1


def test_an_auditor_opens_every_page_and_changes_nothing(server: Server, page: Any) -> None:
    log_in(page, server, "office-auditor")
    for name in ("findings", "behind", "engagements", "letters", "audit", "users", "tokens", "amend"):
        response = page.goto(server.office(name))
        assert response is not None and response.status == 200, name
        accessible(page)
        assert page.locator("form[method=post]:not([action='/logout/'])").count() == 0, name  # none to change
    # a change sent anyway, with the session and its CSRF token: refused
    sent = {"letters": {"day": f"{server.year}-01-11", "revision": "any"},
            "users": {"action": "create", "username": "sneaky", "password": "a-long-password", "role": "auditor"},
            "tokens": {"action": "make", "user": "office-auditor", "name": "sneaky", "scopes": "read"},
            "amend": {"action": "preview", "mode": "pairing", "department": "x", "begins": "y",
                      "valid_from": f"{server.year}-07-01"}}
    for name, form in sent.items():
        status = page.evaluate("""async ([url, form]) => {
            const token = document.cookie.split('; ').find(c => c.startsWith('csrftoken=')).split('=')[1];
            const body = new URLSearchParams({...form, csrfmiddlewaretoken: token});
            return (await fetch(url, {method: 'POST', body, headers: {'X-CSRFToken': token}})).status;
        }""", [server.office(name), form])
        assert status == 403, name
    page.goto(server.office("users"))
    assert "sneaky" not in page.locator("table.users").inner_text()
    page.goto(server.office("tokens"))
    assert "sneaky" not in page.locator("table.tokens").inner_text()


def test_the_administrators_pages_pass_axe_in_english_too(server: Server, page: Any) -> None:
    log_in(page, server, "office-admin")
    for name in ("users", "tokens", "amend", "behind", "audit"):
        page.goto(server.office(name))
        accessible(page)  # with the administrator's forms
    submit(page, "a[href^='/lang/en/']")
    assert page.locator("html").get_attribute("lang") == "en"
    for name in ("findings", "engagements", "letters"):
        page.goto(server.office(name))
        accessible(page)


def test_the_administrator_makes_a_token_sees_it_once_and_revokes_it(server: Server, page: Any) -> None:
    log_in(page, server, "office-admin")
    page.goto(server.office("users"))
    submit(page, "a[href='/office/seed/tokens/']")  # the tab beside the users page
    page.select_option("#token-user", "office-auditor")
    page.fill("#token-name", "致远 OA")
    submit(page, "#make-token button[type=submit]")
    secret = page.input_value("#token-secret")
    assert secret.startswith("lsn_") and page.locator(".notice").is_visible()
    accessible(page)  # the secret shown, with the list and the forms
    row = page.locator(f"#tokens tr[data-prefix='{secret[:12]}']")
    assert row.get_attribute("data-active") == "1" and "office-auditor" in row.inner_text()
    page.goto(server.office("tokens"))
    assert page.locator("#token-secret").count() == 0 and secret not in page.content()  # shown that once
    submit(page, f"#tokens tr[data-prefix='{secret[:12]}'] button[type=submit]")
    assert page.locator(f"#tokens tr[data-prefix='{secret[:12]}']").get_attribute("data-active") == "0"


def test_an_amendment_is_previewed_in_the_browser_and_nothing_is_kept_unless_saved(server: Server, page: Any) -> None:
    log_in(page, server, "office-admin")
    page.goto(server.office("amend"))
    page.select_option("#department", server.setup["department"])
    page.select_option("#ends", server.setup["counterpart"])
    page.fill("#pairing-from", f"{server.year}-07-01")
    submit(page, "#amend-pairing button[type=submit]")
    assert page.locator("#preview").is_visible()
    assert page.locator("ul[data-change=cc] li").count() == 1  # the department no longer copies its body
    accessible(page)  # the preview, with its save form
    page.goto(server.office("amend"))
    assert page.locator("#preview").count() == 0  # discarded: a preview keeps nothing


def test_the_pages_fit_a_375_px_screen(server: Server, page: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, server, "office-admin")
    for name in ("findings", "behind", "engagements", "letters", "audit", "users", "tokens", "amend"):
        page.goto(server.office(name))
        # wide tables scroll inside their own region; the page itself never scrolls sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
