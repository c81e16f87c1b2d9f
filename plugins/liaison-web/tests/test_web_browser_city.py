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

playwright = pytest.importorskip("playwright.sync_api")
if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)", allow_module_level=True)

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


def accessible(page: Any) -> None:
    """axe-core over the page as it is: no serious or critical violation."""
    assert AXE.is_file(), "run (cd plugins/liaison-web/tests/js && npm ci), as the README's test command does"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                          ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))")
    bad = [v for v in found if v["impact"] in ("serious", "critical")]
    assert not bad, f"{page.url}: {bad}"


def test_the_city_page_lists_every_district(city_server: dict[str, Any], page: Any) -> None:
    base, year = city_server["base"], city_server["year"]
    page.goto(f"{base}/login/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_username'")
    page.keyboard.type("city")
    page.keyboard.press("Tab")
    page.keyboard.type(city_server["password"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/city/")  # a city auditor's home
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
