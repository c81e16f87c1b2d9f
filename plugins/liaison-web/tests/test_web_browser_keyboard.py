"""The administrator's forms with the keyboard alone, in a real browser (Playwright driving Debian's
Chromium against a `liaison serve` of this module's own): an amendment previewed and saved, a user
created, then deactivated and its password reset, an engagement cancelled with its reason. Each
field is reached with Tab, a choice made with the arrow keys, a box ticked with Space and a form
sent with Enter — no click."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from web_browser import accessible, choose, keyboard_log_in, running, send, tab_to, type_date

playwright = pytest.importorskip("playwright.sync_api")
if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)", allow_module_level=True)

PASSWORD = "admin-of-the-keyboard"

#: Run in the server's folder before it starts: the district's administrator, a department paired with
#: one body only (its pairing is what the amendment ends) and an engagement of the year to cancel.
SETUP = """
import datetime as dt, json, sys
from liaison_web.settings import configure
configure("sqlite:///liaison.sqlite3")
from django.contrib.auth import get_user_model
from liaison_web import models
from liaison_web.bootstrap import district
from liaison_web.store import DatabaseStore
seed = models.District.objects.get(code="seed")
user = get_user_model()._default_manager.create_user("keyboard-admin", password=sys.argv[1])
models.Membership.objects.create(user=user, district=seed, role="administrator")
year = int(sys.argv[2])
found = district("seed")
pairings = found.pairings_as_of(dt.date(year, 3, 1))
alone = next(p for p in pairings if [q.department for q in pairings].count(p.department) == 1)
plan = DatabaseStore().load(found, year).state.plan
later = max((e for e in plan.engagements if e.status.value == "proposed"), key=lambda e: e.date)
print(json.dumps({"department": alone.department, "counterpart": alone.counterpart, "engagement": later.id}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, dict[str, str]]]:
    for base, year, printed in running(tmp_path_factory.mktemp("serve-keyboard"), "web,docx", SETUP, PASSWORD):
        yield base, year, json.loads(printed)


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A date field takes its digits in the locale's order: en-US's, month, day, year."""
    return {**browser_context_args, "locale": "en-US"}


def test_an_amendment_is_previewed_and_saved_with_the_keyboard(server: tuple[str, int, dict[str, str]],
                                                               page: Any) -> None:
    base, year, setup = server
    keyboard_log_in(page, base, "keyboard-admin", PASSWORD)
    page.goto(f"{base}/office/seed/{year}/amend/")
    choose(page, "#department", setup["department"])
    choose(page, "#ends", setup["counterpart"])
    type_date(page, "#pairing-from", dt.date(year, 7, 1))
    send(page, "#amend-pairing button[type=submit]")
    assert page.locator("#preview").is_visible()
    accessible(page)
    send(page, "#save-amendment button[type=submit]")
    assert page.locator(".notice").is_visible() and page.locator("#preview").count() == 0


def test_a_user_is_created_deactivated_and_reset_with_the_keyboard(server: tuple[str, int, dict[str, str]],
                                                                   page: Any) -> None:
    base, _, _ = server
    keyboard_log_in(page, base, "keyboard-admin", PASSWORD)
    page.goto(f"{base}/office/seed/users/")
    tab_to(page, "#new-username")
    page.keyboard.type("typed-auditor")
    tab_to(page, "#new-password")
    page.keyboard.type("a-long-enough-password")
    choose(page, "#new-role", "auditor")
    send(page, "#create-user button[type=submit]")
    row = "tr[data-user=typed-auditor]"
    assert page.locator(row).get_attribute("data-active") == "1"
    tab_to(page, f"{row} input[name=password]")
    page.keyboard.type("another-long-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in the reset's password field sends its form
    assert page.locator(".notice").is_visible()
    send(page, f"{row} form:has(input[value=deactivate]) button")
    assert page.locator(row).get_attribute("data-active") == "0"
    accessible(page)


def test_an_engagement_is_cancelled_with_its_reason_with_the_keyboard(server: tuple[str, int, dict[str, str]],
                                                                      page: Any) -> None:
    base, year, setup = server
    keyboard_log_in(page, base, "keyboard-admin", PASSWORD)
    page.goto(f"{base}/engagement/seed/{year}/{quote(setup['engagement'])}/")
    tab_to(page, "#cancel-reason")
    page.keyboard.type("另行安排")
    send(page, "#cancel-form button[type=submit]")
    assert page.locator("dd.status").get_attribute("data-status") == "cancelled"
    assert "另行安排" in page.locator("body").inner_text()
