"""Screenshots of the service's pages for the guide, each at a desktop's and a phone's width.

    python plugins/liaison-web/scripts/screenshots.py [--out docs/screenshots] [--only city,city-district]

Starts ``liaison serve`` on a free port of 127.0.0.1 in a temporary folder with a temporary SQLite
database — the browser tests' own server (``tests/web_browser.py``: :func:`running`, imported from
that folder) — with the seed district, three more districts (the seed's data under other ids, some
of their meetings marked held so the city's heat map has colours) and a user of each role; logs in
as each role in Debian's Chromium (``/usr/bin/chromium``, driven by Playwright: nothing is
downloaded) and writes ``docs/screenshots/web-<name>-<width>.png`` for each page of :data:`SHOTS`
at :data:`WIDTHS`. The server is stopped by its process id.

A page is one line of :data:`SHOTS` — (role, address, name) — so a page added to the service is
added here by one line; the address may name ``{year}`` (the next year, which the server plans),
``{on}`` (a day of it late in the year), ``{engagement}`` (one the clerk's department hosts),
``{attended}`` (one the liaison officer's body attends), ``{provision}`` (one a finding cites).
A page that shows something only after a form is sent has a step in :data:`STEPS`, run before
its picture (the ledger's refused cells after an upload; the register after the letters due are
issued) — with the page's own form, as its user would.

With Pillow installed the PNGs are reduced to 256 colours and re-encoded (the pages are flat
colours and text; a screenshot shrinks to a third), else kept as Chromium writes them. A page is
cut at :data:`TALLEST` pixels: the guide shows its top, not all of a long year.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "plugins" / "liaison-web" / "tests"))

# the browser tests' server and ledger: one of each, the pictures are of what the tests drive
from web_browser import chromium, ledger_with_a_bad_cell, running  # noqa: E402

#: (role, address, name): what is shown, as whom. "anonymous" is logged out.
SHOTS: list[tuple[str, str, str]] = [
    ("anonymous", "/login/", "login"),
    ("clerk", "/year/seed/{year}/?on={spring}", "clerk-year"),
    ("clerk", "/engagement/seed/{year}/{engagement}/", "clerk-engagement"),
    ("liaison_officer", "/year/seed/{year}/?on={spring}", "officer-year"),
    ("liaison_officer", "/engagement/seed/{year}/{attended}/", "officer-engagement"),
    ("clerk", "/engagement/seed/{year}/{engagement}/held/", "clerk-held"),
    ("clerk", "/engagement/seed/{year}/{engagement}/move/?date={year}-10-01", "clerk-move-holiday"),
    ("clerk", "/ledger/seed/{year}/", "clerk-ledger"),
    ("clerk", "/records/seed/{year}/", "clerk-records"),
    ("clerk", "/records/seed/{year}/new/research_results/", "clerk-record-form"),
    ("clerk", "/letters/seed/{year}/?day={on}", "clerk-letters"),
    ("administrator", "/year/seed/{year}/?on={on}", "administrator-year"),
    ("administrator", "/office/seed/{year}/letters/?day={on}", "office-letters"),
    ("administrator", "/office/seed/{year}/findings/?as_of={on}", "office-findings"),
    ("administrator", "/office/seed/{year}/behind/?on={on}", "office-behind"),
    ("administrator", "/office/seed/audit/", "office-audit"),
    ("administrator", "/office/seed/users/", "office-users"),
    ("administrator", "/office/seed/tokens/", "office-tokens"),
    ("administrator", "/office/seed/{year}/amend/", "office-amend"),
    ("auditor", "/provision/seed/{provision}/?on={on}", "provision"),
    ("city_auditor", "/city/?year={year}&on={on}", "city"),
    ("city_auditor", "/city/north/{year}/?on={on}", "city-district"),
]
#: The plugins the server loads: the ledger is read by liaison-xlsx, the letters are liaison-docx's.
PLUGINS = "web,xlsx,docx"
#: The widths: an office's desktop and a phone (as DingTalk or WeCom show a page).
WIDTHS = {"1280": (1280, 900), "375": (375, 740)}
#: The most of a page kept, in CSS pixels.
TALLEST = 2400
PASSWORD = "screenshots-password"
#: The users made, by role: (user name, their organisation; none for the district-wide roles).
USERS = {"administrator": ("admin-office", ""), "clerk": ("clerk", "health"), "liaison_officer": ("officer", "cpwdp"),
         "auditor": ("auditor", ""), "city_auditor": ("city", "")}

#: Run in the server's folder after ``liaison serve --init-only`` (web_browser.running; its arguments:
#: the users and their password as JSON, the year): the users, the city's other districts, and what
#: the addresses name, printed as JSON.
SETUP = """
import datetime as dt, json, sys
from liaison_web.settings import configure
configure("sqlite:///liaison.sqlite3")
from django.contrib.auth import get_user_model
from liaison.year.reconcile import Change
from liaison_web import models
from liaison_web.bootstrap import district, load_version, seed_text
from liaison_web.store import DatabaseStore
from liaison_workspace import Workspace
given, year = json.loads(sys.argv[1]), int(sys.argv[2])
users, password = given["users"], given["password"]
day = dt.date(year, 11, 30)
seed = models.District.objects.get(code="seed")
for role, (name, organisation) in users.items():
    user = get_user_model()._default_manager.create_user(name, password=password)
    models.Membership.objects.create(user=user, district=None if role == "city_auditor" else seed,
                                     organisation=organisation, role=role)
store = DatabaseStore()
for code, name, held_until in (("seed", None, dt.date(year, 3, 1)), ("north", "北区", dt.date(year, 10, 1)),
                               ("south", "南区", dt.date(year, 7, 1)), ("east", "东区", None)):
    found = district(code) if name is None else load_version(
        seed_text().replace('id = "seed"', f'id = "{code}"', 1).replace('name = "××区"', f'name = "{name}"', 1),
        valid_from=dt.date(2026, 1, 1), file=f"{code}.toml")
    outcome = Workspace(store=store).update(found, year)
    if held_until is not None:
        state = store.load(found, year).state
        held = [Change("held", e.id) for e in state.engagements if e.date < held_until]
        Workspace(store=store).update(found, year, held, force=True, as_of=day)
state = store.load(district("seed"), year).state
engagement = next(e.id for e in state.engagements if e.host == users["clerk"][1] and e.date > dt.date(year, 4, 1))
attended = next(e.id for e in state.engagements if users["liaison_officer"][1] in e.participants
                and e.host != users["liaison_officer"][1] and e.date > dt.date(year, 4, 1))
print(json.dumps({"engagement": engagement, "attended": attended,
                  "provision": next(e.provisions[0] for e in state.engagements if e.provisions)}))
"""


def _smaller(path: Path) -> None:
    """256 colours, re-encoded (Pillow, when installed): the pages are text on flat colours."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    reduced.save(path, optimize=True)


#: The first document number of each upload: the phone's upload follows the desktop's, whose rows
#: were recorded; the same numbers again would each be refused as a record the year already has.
_NUMBERS = itertools.count(20, 10)


def _upload_ledger(page: Any, year: int) -> None:
    if page.locator("#ledger-file").count():
        workbook = ledger_with_a_bad_cell(year, next(_NUMBERS))[0]
        page.set_input_files("#ledger-file", files=[{"name": "台账.xlsx", "buffer": workbook, "mimeType":
                                                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
        with page.expect_navigation():
            page.click("#ledger-form button[type=submit]")


def _issue_letters(page: Any, year: int) -> None:
    button = page.locator("#issue-letters button[type=submit]")
    if button.count() and button.is_enabled():
        with page.expect_navigation():
            button.click()


def _record_the_rest(page: Any, year: int) -> None:
    # after the picture: the rows taken are recorded, so the records' list that follows has them (the
    # server's year is the next one: its rows are dated after today, recorded in advance with the box)
    if page.locator("#ledger-confirm").count():
        if page.locator("#ledger-confirm #ahead-force").count():
            page.check("#ledger-confirm #ahead-force")
        with page.expect_navigation():
            page.click("#ledger-confirm button[type=submit]")


#: name -> what is done on the page before its picture (see the module's text).
STEPS: dict[str, Any] = {"clerk-ledger": _upload_ledger, "office-letters": _issue_letters}
#: name -> what is done on the page after its picture.
AFTER: dict[str, Any] = {"clerk-ledger": _record_the_rest}


def _log_in(page: Any, base: str, role: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", USERS[role][0])
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    if "/login/" in page.url:
        raise SystemExit(f"{role} could not log in")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", help="the names to take, comma-separated (default all)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    browser_path = chromium()
    if not Path(browser_path).exists():
        print("Chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    chosen = {n for n in args.only.split(",") if n}
    shots = [s for s in SHOTS if not chosen or s[2] in chosen]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="liaison-web-shots-") as place:
        given = json.dumps({"users": USERS, "password": PASSWORD})
        started = running(Path(place), PLUGINS, SETUP, given)
        base, year, printed = next(started)
        try:
            names = {k: quote(v) for k, v in json.loads(printed).items()}
            names.update(year=str(year), on=f"{year}-11-30", spring=f"{year}-03-10")
            with sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=browser_path)
                for role in dict.fromkeys(role for role, _, _ in shots):
                    for width, (w, h) in WIDTHS.items():
                        context = browser.new_context(viewport={"width": w, "height": h}, locale="zh-CN")
                        page = context.new_page()
                        if role != "anonymous":
                            _log_in(page, base, role)
                        for _, url, name in (s for s in shots if s[0] == role):
                            answer = page.goto(base + url.format(**names))
                            if answer is None or not answer.ok:
                                raise SystemExit(f"{name}: {url.format(**names)}: "
                                                 f"{answer.status if answer else 'no answer'}")
                            if name in STEPS:
                                STEPS[name](page, year)
                            tall = min(TALLEST, page.evaluate("document.documentElement.scrollHeight"))
                            target = args.out / f"web-{name}-{width}.png"
                            page.screenshot(path=str(target), full_page=True,
                                            clip={"x": 0, "y": 0, "width": w, "height": tall})
                            _smaller(target)
                            if name in AFTER:
                                AFTER[name](page, year)
                            print(f"{target} ({target.stat().st_size:,} bytes)")
                        context.close()
                browser.close()
        finally:
            started.close()  # the server stopped by its process id
    return 0


if __name__ == "__main__":
    sys.exit(main())
