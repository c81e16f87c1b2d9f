"""What the browser tests share (test_web_browser, test_web_browser_office; imported by them, found
through pytest's ``pythonpath``, as web_db): axe-core over a page, a click that waits for the page
it leads to, a login with the keyboard alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


def accessible(page: Any) -> None:
    """axe-core over the page as it is: no serious or critical violation."""
    assert AXE.is_file(), "run (cd plugins/liaison-web/tests/js && npm ci), as the README's test command does"
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                          ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))")
    bad = [v for v in found if v["impact"] in ("serious", "critical")]
    assert not bad, f"{page.url}: {bad}"


def submit(page: Any, selector: str) -> None:
    """Click what sends a form or follows a link, and wait for the page it leads to (a form's answer
    is a redirect to the same address: the old page must not be read as the new one)."""
    with page.expect_navigation():
        page.click(selector)


def keyboard_log_in(page: Any, base: str, name: str, password: str) -> None:
    """With the keyboard alone: the user name has the focus, Tab to the password, Enter sends the form."""
    page.goto(f"{base}/login/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_username'")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/year/**")
