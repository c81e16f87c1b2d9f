"""The body's pages (:mod:`liaison_web.pages.body`) in a real browser: Playwright driving Debian's
Chromium against a `liaison serve` of this module's own (conftest's ``server``, with liaison-xlsx
loaded for the ledger). With the keyboard alone, a department's clerk records a visit and attaches a
file to it, marks an engagement held, picks a holiday on the move's calendar and sees the library's
warning with the holiday's name; the clerk uploads a ledger with one bad cell, sees it beside its
row and records the rest. The server's year is the next one, so each fact is dated after today: the
forms refuse it and the clerk ticks the box that records it in advance. axe-core finds no serious or
critical violation on any of these pages."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from web_browser import (
    Server,
    accessible,
    choose,
    ledger_with_a_bad_cell,
    log_in,
    send,
    statutory_holiday,
    tab_to,
    tick,
    type_date,
)
from web_db import CLERK_OF, OFFICER_OF

playwright = pytest.importorskip("playwright.sync_api")
if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)", allow_module_level=True)

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
#: The box that records a fact dated after today (pages.body.AHEAD_FORCE's Chinese), written here.
AHEAD_BOX = "日期晚于今天的也照样记录"


@pytest.fixture(scope="module")
def browser_plugins() -> str:
    return "web,xlsx,docx"  # the ledger is read by liaison-xlsx's records reader, the letters are liaison-docx's


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A date field takes its digits in the locale's order: en-US's, month, day, year."""
    return {**browser_context_args, "locale": "en-US"}


def test_a_clerk_records_a_visit_with_an_attached_file_by_keyboard(server: Server, page: Any) -> None:
    log_in(page, server.base, "clerk")
    page.goto(f"{server.base}/year/seed/{server.year}/")
    tab_to(page, "#to-records")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{server.base}/records/seed/{server.year}/"
    accessible(page)  # the records, and a form for each kind
    tab_to(page, "a[data-kind=engagements]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    accessible(page)  # the generic form, here a meeting or visit held
    assert page.input_value("#f-host") == CLERK_OF  # the clerk's own body to start with
    choose(page, "#f-kind", "visit")
    type_date(page, "#f-date", dt.date(server.year, 5, 6))
    tick(page, f"#f-attended input[value={OFFICER_OF}]")
    tab_to(page, "#f-id")
    page.keyboard.type(f"{server.year}/visit/browser")
    tab_to(page, "#f-title")
    page.keyboard.type("区卫生局走访农工党总支部")
    send(page, "#record-form button[type=submit]")
    # the year is ahead: the visit is dated after today, refused on the form with the box to record it anyway
    assert page.locator(".problem[data-kind=NotYetHeld]").is_visible() and "/new/" in page.url
    assert AHEAD_BOX in page.locator(".problem").inner_text()
    assert page.input_value("#f-title") == "区卫生局走访农工党总支部"  # what was typed is kept
    accessible(page)  # the refusal and its box
    tick(page, "#record-form #ahead-force")
    send(page, "#record-form button[type=submit]")
    assert "/records/seed/" in page.url and page.locator(".notice").is_visible()
    assert "区卫生局走访农工党总支部" in page.locator("#record-facts").inner_text()
    accessible(page)  # a record, with its forms

    tab_to(page, "#attach-files")  # the file itself is chosen in the system's dialog, which is not the page's
    page.set_input_files("#attach-files", files=[{"name": "走访记录.pdf", "mimeType": "application/pdf",
                                                  "buffer": PDF}])
    send(page, "#attach-form button[type=submit]")
    assert "走访记录.pdf" in page.locator("ul.files").inner_text()
    # corrected, then withdrawn: the record's other forms, by keyboard too
    tab_to(page, "#f-title")
    page.keyboard.press("End")
    page.keyboard.type("（更正）")
    tab_to(page, "#correct-reason")
    page.keyboard.type("标题补充")
    send(page, "#record-form button[type=submit]")
    assert page.locator(".problem[data-kind=NotYetHeld]").is_visible()  # still dated after today
    tick(page, "#record-form #ahead-force")
    send(page, "#record-form button[type=submit]")
    assert "走访农工党总支部（更正）" in page.locator("#record-facts").inner_text()
    tab_to(page, "#withdraw-reason")
    page.keyboard.type("重复登记")
    send(page, "#withdraw-form button[type=submit]")
    assert page.locator("[data-status=withdrawn]").count() == 1
    page.goto(f"{server.base}/records/seed/{server.year}/")
    assert "区卫生局走访农工党总支部（更正）" in page.locator("#records").inner_text()


def test_a_clerk_marks_an_engagement_held_by_keyboard(server: Server, page: Any) -> None:
    log_in(page, server.base, "clerk")
    # one the other tests do not touch: hosted by the clerk's body, with a guest, the last of them
    held = [e for e in server.engagements if e["host"] == CLERK_OF and e["status"] == "proposed"
            and set(e["participants"]) - {CLERK_OF}][-1]
    page.goto(server.engagement_url(held["id"]))
    tab_to(page, "#record-held")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    accessible(page)  # the held form
    tab_to(page, "#held-minutes")
    page.keyboard.type("听取了意见建议")
    tab_to(page, "#held-files")
    page.set_input_files("#held-files", files=[{"name": "签到表.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    tick(page, "#held-record-form input[name=force]")  # the year is ahead: held early only when asked
    send(page, "#held-record-form button[type=submit]")
    assert page.url == server.engagement_url(held["id"])
    assert page.locator("dd.status").get_attribute("data-status") == "held"
    assert "签到表.pdf" in page.locator("ul.files").inner_text()


def test_the_move_onto_a_holiday_is_picked_on_the_calendar_and_warned(server: Server, page: Any) -> None:

    day, holiday = statutory_holiday(server.year)
    log_in(page, server.base, "clerk")
    moved = [e for e in server.engagements if e["host"] == CLERK_OF and e["status"] == "proposed"][-2]
    page.goto(server.engagement_url(moved["id"]))
    tab_to(page, "#pick-day")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    accessible(page)  # the picker
    # to the holiday's month with the keyboard, then the day
    for _ in range(13):
        if page.locator(f"td[data-day='{day}']").count():
            break
        forward = day.isoformat() > page.locator("#move-date").input_value()
        tab_to(page, "a[rel=next]" if forward else "a[rel=prev]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    cell = page.locator(f"td[data-day='{day}']")
    assert "off" in (cell.get_attribute("class") or "") and holiday.label("zh") in (cell.get_attribute("title") or "")
    tab_to(page, f"td[data-day='{day}'] a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    warning = page.locator(".warning[data-kind=PlanWarning]").inner_text()
    assert holiday.label("zh") in warning and day.isoformat() in warning, warning
    assert page.locator("#move-date").input_value() == day.isoformat()
    accessible(page)  # with the warning shown
    send(page, "#move-form button[type=submit]")
    assert page.locator("dd.date").inner_text().startswith(day.isoformat())
    assert holiday.name_zh in page.locator(".warning").inner_text()


def test_a_clerk_uploads_a_ledger_with_one_bad_cell_sees_it_and_records_the_rest(server: Server, page: Any) -> None:
    data, bad = ledger_with_a_bad_cell(server.year)
    log_in(page, server.base, "clerk")
    page.goto(f"{server.base}/records/seed/{server.year}/")
    before = page.locator("#records tbody tr").count()
    page.goto(f"{server.base}/year/seed/{server.year}/")
    tab_to(page, "#to-ledger")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    accessible(page)  # the upload form
    tab_to(page, "#ledger-file")
    page.set_input_files("#ledger-file", files=[{"name": "台账.xlsx", "buffer": data, "mimeType":
                                                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    send(page, "#ledger-form button[type=submit]")
    row = page.locator(f"#ledger-rows tr.refused[data-where='{bad}']")
    assert row.count() == 1
    assert bad in row.inner_text() and "不是有效的日期" in row.inner_text()
    # the year is ahead: its two good rows are dated after today, refused until the box is ticked
    ahead = page.locator("#ledger-rows tr.refused", has_text="晚于今天")
    assert ahead.count() == 2 and page.locator("#ledger-rows tr.taken").count() == 0, \
        page.locator("#ledger-rows").inner_text()
    accessible(page)  # the rows, refused, and the box
    page.emulate_media(media="print")  # printed: the rows, without the menus and the forms
    assert row.is_visible() and not page.locator("#ledger-confirm").is_visible()
    assert not page.locator("header.bar").is_visible()
    page.emulate_media(media="screen")
    tick(page, "#ledger-confirm #ahead-force")
    send(page, "#ledger-confirm button[type=submit]")
    assert page.url == f"{server.base}/records/seed/{server.year}/"
    assert "台账.xlsx 记录 2 条" in page.locator(".notice").inner_text()
    assert page.locator("#records tbody tr").count() == before + 2


def test_the_letters_page_is_accessible_and_lists_downloads(server: Server, page: Any) -> None:
    log_in(page, server.base, "clerk")
    page.goto(f"{server.base}/year/seed/{server.year}/")
    tab_to(page, "#to-letters")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(f"{server.base}/letters/seed/{server.year}/")
    accessible(page)
    type_date(page, "#letters-on", dt.date(server.year, 1, 4))
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the date field's form sent from the field
    assert page.url.endswith(f"?day={server.year}-01-04")
    for link in page.locator("#letters a").evaluate_all("links => links.map(a => a.href)")[:2]:
        assert link.endswith(f"?day={server.year}-01-04")


def test_my_year_shows_the_bodys_letters_and_findings_each_a_click_from_its_provision(server: Server,
                                                                                      page: Any) -> None:
    log_in(page, server.base, "clerk")
    page.goto(f"{server.base}/year/seed/{server.year}/?on={server.year}-09-30")
    assert page.locator("#my-letters li").count() > 0
    assert page.locator("#my-findings li.finding").count() > 0
    accessible(page)  # my year, with its letters and findings
    tab_to(page, "#my-letters a.provision")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(f"{server.base}/provision/seed/")
    page.go_back()
    tab_to(page, "#my-findings a.provision")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(f"{server.base}/provision/seed/")


def test_each_page_fits_a_375_px_phone_screen(server: Server, page: Any) -> None:
    """Nothing wider than the screen but a table's own scrolling box: the page itself never scrolls sideways."""
    from liaison.law.records import SECTIONS

    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, server.base, "clerk")
    one = next(e for e in server.engagements if e["host"] == CLERK_OF)["id"]
    base = f"{server.base}/%s/seed/{server.year}/"
    addresses = [base % "year" + f"?on={server.year}-09-30", base % "records", base % "ledger", base % "letters",
                 server.engagement_url(one) + "held/",
                 server.engagement_url(one) + "move/", *(base % "records" + f"new/{k}/" for k in SECTIONS)]
    for address in addresses:
        page.goto(address)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (address, width)
