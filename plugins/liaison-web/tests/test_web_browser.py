"""The pages in a real browser: Playwright (pytest-playwright) driving Debian's Chromium against a
`liaison serve` process started on a free port of 127.0.0.1 with a temporary SQLite database, and
stopped by its process id. A department's clerk logs in, agrees one engagement and moves another
onto a holiday (the warning names it); a party branch's liaison officer agrees a meeting it attends
and cannot open another body's engagement (the 403 page); a form posted without its CSRF token is
refused; a logged-out user is sent to the login page from every address. On every page axe-core
(from npm: tests/js, `npm ci`) finds no serious or critical violation."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from web_browser import Server, accessible, log_in, statutory_holiday, submit
from web_db import CLERK_OF, OFFICER_OF

playwright = pytest.importorskip("playwright.sync_api")
if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)", allow_module_level=True)


def test_a_logged_out_user_is_sent_to_the_login_page_from_every_address(server: Server, page: Any) -> None:
    one = server.engagements[0]["id"]
    for path in ("/", f"/year/seed/{server.year}/", f"/engagement/seed/{server.year}/{quote(one)}/",
                 "/provision/seed/anything/", "/no/such/page/"):
        response = page.goto(server.base + path)
        assert response is not None and response.ok
        assert page.url.startswith(f"{server.base}/login/?next="), (path, page.url)
        assert page.locator("#id_username").is_visible()
    accessible(page)  # the login page


def test_a_clerk_agrees_one_engagement_and_moves_another_onto_a_holiday(server: Server, page: Any) -> None:

    log_in(page, server.base, "clerk")  # to the current year
    accessible(page)  # my year, with its to-do list
    page.click("nav.years a:last-child")  # the next year's, which the server planned too
    page.wait_for_url(f"{server.base}/year/seed/{server.year}/")
    hosted = [e for e in server.engagements if e["host"] == CLERK_OF and e["status"] == "proposed"]
    listed = page.locator("ul.engagements li").evaluate_all("items => items.map(i => i.dataset.id)")
    assert sorted(listed) == sorted(e["id"] for e in server.engagements if e["host"] == CLERK_OF)
    assert len(hosted) >= 2

    first, second = hosted[0]["id"], hosted[1]["id"]
    submit(page, f"ul.engagements li[data-id='{first}'] a")
    page.wait_for_url(server.engagement_url(first))
    accessible(page)  # an engagement, with its forms
    submit(page, "#confirm-form button[type=submit]")
    assert page.locator("dd.status").get_attribute("data-status") == "agreed"
    assert "已保存" in page.locator(".notice").inner_text()
    assert "clerk" in page.locator("ol.history").inner_text()

    day, holiday = statutory_holiday(server.year)
    page.goto(server.engagement_url(second))
    page.fill("#move-date", day.isoformat())
    submit(page, "#move-form button[type=submit]")
    assert page.locator("dd.date").inner_text().startswith(day.isoformat())
    warning = page.locator(".warning").inner_text()
    assert holiday.name_zh in warning and day.isoformat() in warning, warning
    accessible(page)  # with the warning shown
    submit(page, "a[href^='/lang/en/']")  # the English switch: the library's English warning
    assert holiday.name_en in page.locator(".warning").inner_text()
    submit(page, "a[href^='/lang/zh/']")
    assert holiday.name_zh in page.locator(".warning").inner_text()


def test_a_party_officer_agrees_a_meeting_and_cannot_open_another_bodys(server: Server, page: Any) -> None:
    log_in(page, server.base, "officer")
    # one it attends that the clerk's test does not change (the tests may run in any order)
    attended = next(e for e in server.engagements if OFFICER_OF in e["participants"]
                    and e["host"] not in (OFFICER_OF, CLERK_OF) and e["status"] == "proposed")
    page.goto(server.engagement_url(attended["id"]))
    assert page.locator("#move-form").count() == 0  # the table: a liaison officer agrees, does not move
    submit(page, "#confirm-form button[type=submit]")
    assert page.locator("dd.status").get_attribute("data-status") == "agreed"

    other = next(e for e in server.engagements if OFFICER_OF not in e["participants"])
    response = page.goto(server.engagement_url(other["id"]))
    assert response is not None and response.status == 403
    assert page.locator("[data-kind=Forbidden]").is_visible() and "无权" in page.locator("h1").inner_text()
    accessible(page)  # the 403 page


def test_a_form_posted_without_its_csrf_token_is_refused(server: Server, page: Any) -> None:
    log_in(page, server.base, "clerk")
    target = next(e for e in server.engagements if e["host"] == CLERK_OF)
    page.goto(server.engagement_url(target["id"]))
    before = page.locator("dd.status").get_attribute("data-status")
    page.evaluate("document.querySelector('#cancel-form input[name=csrfmiddlewaretoken]').remove()")
    page.fill("#cancel-reason", "a forged form")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("#cancel-form button[type=submit]")
    assert posted.value.status == 403
    assert "CSRF" in page.locator("[data-kind=Forbidden]").inner_text()
    accessible(page)
    page.goto(server.engagement_url(target["id"]))
    assert page.locator("dd.status").get_attribute("data-status") == before  # nothing changed
