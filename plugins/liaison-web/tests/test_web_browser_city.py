"""The city's page in a real browser (Playwright driving Debian's Chromium, as test_web_browser)
against a `liaison serve` holding four districts (conftest's ``city_server``): the city auditor
logs in with the keyboard, lands on the city's page, which lists every district the database
holds, each with its heat map row; the
drill-down of one district lists its obligations. axe-core finds no serious or critical violation
on either page, in Chinese or in English."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from web_browser import accessible, keyboard_log_in

playwright = pytest.importorskip("playwright.sync_api")
if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)", allow_module_level=True)

def test_the_city_page_lists_every_district(city_server: dict[str, Any], page: Any) -> None:
    base, year = city_server["base"], city_server["year"]
    keyboard_log_in(page, base, "city", city_server["password"], home="/city/")  # a city auditor's home
    page.goto(f"{base}/city/?year={year}")
    rows = page.locator("table.city tbody tr").evaluate_all("rows => rows.map(r => r.dataset.district)")
    assert sorted(rows) == city_server["districts"] and len(rows) == 4
    assert all(page.locator(f"tr[data-district='{d}'] ul.heat li").count() > 0 for d in rows)
    accessible(page)

    with page.expect_navigation():
        page.click("tr[data-district='north'] th a")
    assert page.url.startswith(f"{base}/city/north/{year}/")
    assert page.locator("table.obligations tbody tr").count() == page.locator(
        "table.obligations .cell").count() > 0
    accessible(page)
    with page.expect_navigation():
        page.click("a[href^='/lang/en/']")
    assert "Obligations" in page.locator("main").inner_text()
    accessible(page)
    page.goto(f"{base}/city/?year={year}")
    assert "The city's districts" in page.locator("h1").inner_text()
    accessible(page)


def test_the_city_pages_fit_a_375_px_screen(city_server: dict[str, Any], page: Any) -> None:
    """On a phone the tables scroll in their own region; the page itself never scrolls sideways,
    in either language."""
    base, year = city_server["base"], city_server["year"]
    keyboard_log_in(page, base, "city", city_server["password"], home="/city/")
    page.set_viewport_size({"width": 375, "height": 800})
    for lang in ("zh", "en"):
        page.goto(f"{base}/lang/{lang}/?next=/city/")
        for url in (f"{base}/city/?year={year}", f"{base}/city/north/{year}/"):
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, (lang, url)
