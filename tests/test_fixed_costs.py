"""Every command loads every plugin, so a plugin's entry point stays light: what only one command
needs (the CalDAV publisher's HTTP stack for `publish`, python-docx for the letters, Jinja2 for the
page, the spreadsheet libraries for a workbook, icalendar for the calendars) loads when that command
uses it: the ical plugin's entry point imports the mapping and the serialiser only when calendars are
made, and the CalDAV publisher's resources only when it publishes."""

from __future__ import annotations

from pathlib import Path

import commands
import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from liaison.host.cache import CACHE_ENV
from liaison.law import holiday_law
from liaison.law.workdays import default_calendar
from liaison_workspace.estimates import preload_law_years

#: Imported by no command but the one that uses them (checked on `liaison check`).
PUBLISHING = ("caldav", "niquests", "urllib3", "ssl", "liaison_caldav.dav")
LETTERS = ("docx", "lxml", "liaison_docx.renderer")
PAGE_AND_WORKBOOKS = ("jinja2", "openpyxl", "xlsxwriter")
CALENDARS = ("icalendar", "liaison_ical.serialiser", "liaison_ical.mapping")


def test_export_loads_the_letters_but_not_the_publisher_then_check_neither(tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    loaded = commands.loaded(tmp_path, "export", "all", "--year", "2027", "--out", out)
    assert (tmp_path / "out" / "2027" / "index.html").is_file(), sorted(p.name for p in tmp_path.rglob("*"))
    assert {"jinja2", "icalendar", "liaison_docx.renderer", "liaison_caldav.plugin"} <= loaded
    assert loaded.isdisjoint(PUBLISHING), loaded & set(PUBLISHING)
    assert loaded.isdisjoint(("docx", "lxml")), loaded & {"docx", "lxml"}  # letters are joined as strings

    loaded = commands.loaded(tmp_path, "check", "--year", "2027", "--out", out)
    assert {"liaison.law.compliance", "liaison_caldav.plugin"} <= loaded  # checked, every plugin loaded …
    assert loaded.isdisjoint((*PUBLISHING, *LETTERS, *PAGE_AND_WORKBOOKS, *CALENDARS)), \
        loaded & {*PUBLISHING, *LETTERS, *PAGE_AND_WORKBOOKS, *CALENDARS}  # … but not what only other commands use


def test_the_law_estimate_comes_from_the_cache_folder_once_worked_out(tmp_path: Path) -> None:
    """Working out a year's statutory days imports ``holidays``, which loads every country it knows
    (~0.1 s): the first command keeps them in the cache folder, and the next does not import it."""
    cache = tmp_path / "cache"
    assert "holidays" in commands.loaded(tmp_path, "plan", "--year", "2027", cache=cache)
    [kept] = cache.glob("law-estimate-*.json")
    assert "holidays" not in commands.loaded(tmp_path, "plan", "--year", "2027", cache=cache)
    kept.write_text("{not json", encoding="utf-8")  # a broken cache is worked out again, never an error
    assert "holidays" in commands.loaded(tmp_path, "plan", "--year", "2027", cache=cache)
    assert "holidays" not in commands.loaded(tmp_path, "plan", "--year", "2027", cache=cache)


@settings(max_examples=8, deadline=None)
@given(st.integers(min_value=2000, max_value=2099))
def test_the_estimate_from_the_cache_is_the_estimate_worked_out(year: int) -> None:
    import tempfile

    worked_out = holiday_law.law_year(year)
    with tempfile.TemporaryDirectory() as folder:
        patch = pytest.MonkeyPatch()
        patch.setenv(CACHE_ENV, folder)
        try:
            calendar = default_calendar()
            if calendar.is_published(year):
                return
            preload_law_years(calendar, [year])  # worked out and kept
            holiday_law._remembered.pop(year)
            holiday_law.law_year.cache_clear()
            preload_law_years(calendar, [year])  # read back from the file
            assert year in holiday_law._remembered
            cached = holiday_law.law_year(year)
        finally:
            holiday_law._remembered.pop(year, None)
            holiday_law.law_year.cache_clear()
            patch.undo()
    assert (cached.days_off, cached.customary) == (worked_out.days_off, worked_out.customary)
