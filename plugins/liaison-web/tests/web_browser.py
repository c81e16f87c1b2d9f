"""What the browser tests share (test_web_browser, test_web_browser_body; found through pytest's
``pythonpath``, as web_serve) with the guide's screenshots (scripts/screenshots.py, which imports it
from this folder): a `liaison serve` process of its own on a temporary database (:func:`running`),
one with a department's clerk and a party branch's liaison officer (:func:`serve`), a ledger with one
bad cell to upload, Debian's Chromium, and the steps a test takes in the page — axe-core over it, a
form sent and its answer waited for, a login with the keyboard alone. The ``server`` fixture
(conftest) starts one per test module."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from web_db import CLERK_OF, OFFICER_OF
from web_serve import LIAISON, address, start, stop

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
#: Debian's, installed by .ci/run: Playwright downloads no browser of its own
CHROMIUM = "/usr/bin/chromium"
PASSWORDS = {"clerk": "clerk-password", "officer": "officer-password"}

#: Run in the server's folder before it starts: the two users, and the next year's engagements as
#: the database holds them (the test picks its engagements from these, not from ids written here).
SETUP = """
import json, sys
from liaison_web.settings import configure
configure("sqlite:///liaison.sqlite3")
from django.contrib.auth import get_user_model
from liaison_web import models
from liaison_web.bootstrap import district
from liaison_web.store import DatabaseStore
users = get_user_model()._default_manager
seed = models.District.objects.get(code="seed")
for name, organisation, role, password in json.loads(sys.argv[1]):
    user = users.create_user(name, password=password)
    models.Membership.objects.create(user=user, district=seed, organisation=organisation, role=role)
found = district("seed")
year = int(sys.argv[2])
plan = DatabaseStore().load(found, year).state.plan
print(json.dumps([{"id": e.id, "host": e.host, "participants": list(e.participants), "status": e.status.value,
                   "date": e.date.isoformat(), "kind": e.kind.value} for e in plan.engagements]))
"""


class Server:
    def __init__(self, base: str, year: int, engagements: list[dict[str, Any]], folder: Path) -> None:
        self.base, self.year, self.engagements, self.folder = base, year, engagements, folder

    def engagement_url(self, engagement: str) -> str:
        return f"{self.base}/engagement/seed/{self.year}/{quote(engagement)}/"


def running(folder: Path, plugins: str, setup: str, argument: str) -> Iterator[tuple[str, int, str]]:
    """`liaison serve` on a fresh SQLite database in ``folder`` with ``plugins`` loaded: made ready
    (`--init-only`: migrations, the seed, the next year planned), then ``setup`` run there (a Python
    script: its arguments ``argument`` and the next year), then started; its address, the next year and
    what the setup printed. Stopped by its process id when the caller is done."""
    env = {**{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LIAISON_SECRET_KEY")},
           "LIAISON_PLUGINS": plugins, "LIAISON_ADMIN_PASSWORD": "admin-password"}
    ready = subprocess.run([LIAISON, "serve", "--init-only", "--lang", "en"], cwd=folder, env=env,
                           capture_output=True, text=True, timeout=300)
    assert ready.returncode == 0, ready.stderr
    year = dt.date.today().year + 1  # liaison serve plans the current and the next year
    made = subprocess.run([sys.executable, "-c", setup, argument, str(year)], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    process, lines = start(folder, env={"LIAISON_ADMIN_PASSWORD": "admin-password", "LIAISON_PLUGINS": plugins})
    # the server's warnings (each refused request) go to its output: read it, so the pipe never fills
    assert process.stdout is not None
    threading.Thread(target=process.stdout.read, daemon=True).start()
    try:
        yield address(lines), year, made.stdout
    finally:
        stop(process)


def serve(folder: Path, plugins: str = "web") -> Iterator[Server]:
    """:func:`running` with the clerk and the officer, and the next year's engagements."""
    users = [("clerk", CLERK_OF, "clerk", PASSWORDS["clerk"]),
             ("officer", OFFICER_OF, "liaison_officer", PASSWORDS["officer"])]
    for base, year, printed in running(folder, plugins, SETUP, json.dumps(users)):
        yield Server(base, year, json.loads(printed), folder)


def chromium() -> str:
    """The Chromium the pages are seen in: the one on the PATH, else Debian's."""
    return shutil.which("chromium") or CHROMIUM


def ledger_with_a_bad_cell(year: int, number: int = 20) -> tuple[bytes, str]:
    """The seed's ledger template for ``year`` with three documents the clerk's department issued
    (numbered from ``number``: another upload's are new documents, not the same again) copied to a
    party (not the engagements the tests change), the second dated on a day that is none: the
    workbook and its bad cell (``文件抄送!C4``)."""
    import openpyxl
    from liaison_xlsx.plugin import ledger_workbook

    from liaison.formats.district import seed_district
    from liaison.host.plugins import working_day_calendar
    from liaison.year.planner import plan_year

    district = seed_district()
    made = ledger_workbook(district, plan_year(district, year, calendar=working_day_calendar()), year)
    book = openpyxl.load_workbook(io.BytesIO(made))
    sheet = book["文件抄送"]
    columns = {c.value: c.column for c in sheet[2] if c.value}
    first = max((r for r in range(3, sheet.max_row + 1) if sheet.cell(r, columns["文号"]).value), default=2) + 1
    for n in range(3):
        values = {"文号": f"区卫〔{year}〕{n + number}号", "发文单位": "区卫生局",
                  "标题": f"关于卫生工作的通知（{n + 1}）", "抄送单位": "农工党",
                  "日期": f"{year}年13月1日" if n == 1 else f"{year}-4-{n + 10}"}
        for header, value in values.items():
            sheet.cell(first + n, columns[header]).value = value
    bad = f"文件抄送!{openpyxl.utils.get_column_letter(columns['日期'])}{first + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), bad


def statutory_holiday(year: int) -> tuple[dt.date, Any]:
    """The year's first statutory holiday that is a day off, and the holiday (the calendar the
    service plans on)."""
    from liaison.host.plugins import working_day_calendar
    from liaison.law.workdays import HolidayKind

    calendar = working_day_calendar()
    day = dt.date(year, 1, 1)
    while not ((h := calendar.holiday(day)) and h.kind == HolidayKind.STATUTORY and not calendar.is_working_day(day)):
        day += dt.timedelta(days=1)
    return day, h


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


def log_in(page: Any, base: str, name: str) -> None:
    """One of the server's users (:data:`PASSWORDS`) logs in with the keyboard alone."""
    keyboard_log_in(page, base, name, PASSWORDS[name])


def keyboard_log_in(page: Any, base: str, name: str, password: str, home: str = "/year/**") -> None:
    """With the keyboard alone: the user name has the focus, Tab to the password, Enter sends the
    form; the user's home page (``home``, a pattern of the address) follows."""
    page.goto(f"{base}/login/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_username'")
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}{home}")


# -- the keyboard alone (the keyboard tests of every module) ---------------------------------------------
def focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement ? (document.activeElement.id || "
                             "document.activeElement.name || document.activeElement.tagName) : ''"))


def tab_to(page: Any, selector: str, limit: int = 200) -> None:
    """Tab until the element ``selector`` names has the focus (as a keyboard user reaches it)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} is never reached with Tab on {page.url} (ended on {focused(page)})")


def type_date(page: Any, selector: str, day: dt.date) -> None:
    tab_to(page, selector)
    page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.input_value(selector) == day.isoformat()


def choose(page: Any, selector: str, value: str) -> None:
    """A select's option chosen with the arrow keys."""
    tab_to(page, selector)
    for _ in range(60):
        if page.input_value(selector) == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} is not an option of {selector}")


def tick(page: Any, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.is_checked(selector)


def send(page: Any, button: str) -> None:
    """The form's button reached with Tab and pressed with Enter; the page it leads to."""
    tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
