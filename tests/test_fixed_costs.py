"""Every command loads every plugin, so a plugin's entry point stays light: what only one command
needs (the CalDAV publisher's HTTP stack for `publish`, python-docx for the letters, Jinja2 for the
page, the spreadsheet libraries for a workbook, icalendar for the calendars) loads when that command
uses it: the ical plugin's entry point imports the mapping and the serialiser only when calendars are
made, and the CalDAV publisher's resources only when it publishes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: Imported by no command but the one that uses them (checked on `liaison check`).
PUBLISHING = ("caldav", "niquests", "urllib3", "ssl", "liaison_caldav.dav")
LETTERS = ("docx", "lxml", "liaison_docx.renderer")
PAGE_AND_WORKBOOKS = ("jinja2", "openpyxl", "xlsxwriter")
CALENDARS = ("icalendar", "liaison_ical.serialiser", "liaison_ical.mapping")

_LOADED = ("import runpy, sys\n"
           "sys.argv = ['liaison', *sys.argv[1:]]\n"
           "try:\n"
           "    runpy.run_module('liaison_cli', run_name='__main__')\n"
           "except SystemExit:\n"
           "    pass\n"
           "print('\\nLOADED', ' '.join(sorted(sys.modules)))\n")


def _loaded(tmp_path: Path, *args: str) -> set[str]:
    """The modules a `liaison` command loaded, with every installed plugin (as a user has them)."""
    env = {k: v for k, v in os.environ.items() if k != "LIAISON_PLUGINS"}
    done = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True, text=True, cwd=tmp_path,
                          check=True, env=env)
    assert "LOADED" in done.stdout, done.stdout + done.stderr
    return set(done.stdout.rsplit("\nLOADED", 1)[1].split())


def test_export_loads_the_letters_but_not_the_publisher_then_check_neither(tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    loaded = _loaded(tmp_path, "export", "all", "--year", "2027", "--out", out)
    assert (tmp_path / "out" / "2027" / "index.html").is_file(), sorted(p.name for p in tmp_path.rglob("*"))
    assert {"docx", "jinja2", "icalendar", "liaison_docx.renderer", "liaison_caldav.plugin"} <= loaded
    assert loaded.isdisjoint(PUBLISHING), loaded & set(PUBLISHING)

    loaded = _loaded(tmp_path, "check", "--year", "2027", "--out", out)
    assert {"liaison.law.compliance", "liaison_caldav.plugin"} <= loaded  # checked, every plugin loaded …
    assert loaded.isdisjoint((*PUBLISHING, *LETTERS, *PAGE_AND_WORKBOOKS, *CALENDARS)), \
        loaded & {*PUBLISHING, *LETTERS, *PAGE_AND_WORKBOOKS, *CALENDARS}  # … but not what only other commands use
