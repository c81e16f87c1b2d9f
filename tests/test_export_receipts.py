"""A rerun of `liaison export` that would change nothing is answered from its receipt
(liaison_cli/receipts.py): it loads neither the district, the plugins nor the planner, prints what
the full run printed, byte for byte, and leaves the folder as it was — and any input changed, in
the command, the files it names, the year's folder, the code or liaison's environment, runs the
export in full (and re-renders what changed)."""

from __future__ import annotations

import hashlib
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import click
import commands
import pytest

from liaison_cli import receipts

YEAR = "2027"
#: Loaded by every full export and by no rerun answered from its receipt.
FULL = ("liaison.law.rules", "liaison.year.planner", "liaison.host.plugins", "cattrs")


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _export(tmp_path: Path, *extra: str, fmt: str = "ical", env: dict[str, str] | None = None
            ) -> tuple[str, str, set[str]]:
    return commands.run(tmp_path, "export", fmt, "--year", YEAR, "--out", str(tmp_path / "out"),
                        "--issued-on", "2026-12-01", "--lang", "en", *extra, cache=tmp_path / "cache", env=env)


def test_a_rerun_that_changes_nothing_prints_the_same_from_its_receipt(tmp_path: Path) -> None:
    _, _, first = _export(tmp_path, fmt="all")  # renders everything
    year = tmp_path / "out" / YEAR
    rendered = _tree(year)
    printed, errors, full = _export(tmp_path, fmt="all")  # runs in full, changes nothing: the receipt
    assert set(FULL) <= first and set(FULL) <= full
    assert "Nothing changed" in printed and errors == ""
    assert list((tmp_path / "cache" / "export-receipts").glob("*.json"))
    again, errors_again, loaded = _export(tmp_path, fmt="all")
    assert loaded.isdisjoint(FULL), loaded & set(FULL)
    assert (again, errors_again) == (printed, errors)  # byte for byte what the full run printed
    assert _tree(year) == rendered  # and no byte of the folder changed


def _edit_calendar(tmp_path: Path) -> None:
    calendar = next((tmp_path / "out" / YEAR / "ical").glob("*.ics"))
    calendar.write_bytes(calendar.read_bytes().replace(b"SUMMARY:", b"SUMMARY:x", 1))


def _delete_calendar(tmp_path: Path) -> None:
    next((tmp_path / "out" / YEAR / "ical").glob("*.ics")).unlink()


def _leftover_in_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "out" / f".{YEAR}.staging-1-ab").mkdir()  # an interrupted export's staging folder


#: Each changes one input between the rerun that made the receipt and the next one, as (the change,
#: the command's extra arguments, its environment).
CHANGES: dict[str, tuple[Callable[[Path], None] | None, tuple[str, ...], dict[str, str] | None]] = {
    "a calendar edited in the folder": (_edit_calendar, (), None),
    "a calendar deleted from the folder": (_delete_calendar, (), None),
    "a staging folder left in the output folder": (_leftover_in_the_output_folder, (), None),
    "another day of issue": (None, ("--issued-on", "2026-12-02"), None),
    "an exporter's option": (None, ("--option", "alarm_minutes=15"), None),
    "the plugins restricted": (None, (), {"LIAISON_PLUGINS": "ical"}),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_any_input_changed_runs_the_export_in_full(tmp_path: Path, change: str) -> None:
    edit, extra, env = CHANGES[change]
    _export(tmp_path)
    _export(tmp_path)  # the receipt
    if edit is not None:
        edit(tmp_path)
    printed, _, loaded = _export(tmp_path, *extra, env=env)
    assert set(FULL) <= loaded, f"{change}: answered from the receipt"
    if edit is not None and change != "a staging folder left in the output folder":
        assert "Written to" in printed  # the calendar written again, as a full run does
        assert _tree(tmp_path / "out" / YEAR / "ical") == _tree(_fresh(tmp_path) / "ical")  # as rendered


def _fresh(tmp_path: Path) -> Path:
    """The year as a full export into a new folder makes it (the same day of issue)."""
    commands.run(tmp_path, "export", "ical", "--year", YEAR, "--out", str(tmp_path / "fresh"),
                 "--issued-on", "2026-12-01", cache=tmp_path / "cache-fresh")
    return tmp_path / "fresh" / YEAR


def test_a_changed_data_file_renders_again(tmp_path: Path) -> None:
    """The district's file is read by its bytes: renamed in the data, the calendars say so."""
    seed = Path(receipts.__file__).parent.parent / "liaison" / "data" / "seed.toml"
    data = tmp_path / "district.toml"
    shutil.copyfile(seed, data)
    _export(tmp_path, "--data", str(data))
    _export(tmp_path, "--data", str(data))  # the receipt
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace('name = "××区"', 'name = "厦门市海沧区"', 1), encoding="utf-8")
    assert data.read_text(encoding="utf-8") != text
    printed, _, loaded = _export(tmp_path, "--data", str(data))
    assert set(FULL) <= loaded and "Written to" in printed
    assert any("厦门市海沧区".encode() in p.read_bytes() for p in (tmp_path / "out" / YEAR / "ical").glob("*.ics"))


def test_a_receipt_of_another_key_or_unreadable_is_not_used(tmp_path: Path) -> None:
    _export(tmp_path)
    _export(tmp_path)
    [kept] = (tmp_path / "cache" / "export-receipts").glob("*.json")
    kept.write_text(kept.read_text(encoding="utf-8").replace('"key": "', '"key": "0', 1), encoding="utf-8")
    assert set(FULL) <= _export(tmp_path)[2]  # another key: runs in full (and writes the receipt again)
    assert set(FULL).isdisjoint(_export(tmp_path)[2])
    kept.write_bytes(b"\xff{not json")
    printed, errors, loaded = _export(tmp_path)
    assert set(FULL) <= loaded and "Nothing changed" in printed and errors == ""


def test_the_key_covers_the_code_file_by_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plugin's template or module edited in place (an editable install: no new version) is
    another key."""
    package = tmp_path / "code" / "liaison_probe"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("X = 1\n", encoding="utf-8")
    (package / "page.j2").write_text("{{ x }}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "code"))
    monkeypatch.setattr(receipts, "_OWN", (*receipts._OWN, "liaison_probe"))
    (tmp_path / "out").mkdir()

    def key() -> str | None:
        receipts._code.cache_clear()  # worked out once per process: here, each time
        return receipts.inputs_key("export", {"year": 2027}, str(tmp_path / "out"), [2027], False)

    first = key()
    assert first is not None and key() == first
    (package / "page.j2").write_text("{{ x }}!\n", encoding="utf-8")
    assert key() != first
    monkeypatch.setattr(sys, "version", sys.version + " (another interpreter)")
    assert key() not in (first, None)
    monkeypatch.undo()
    receipts._code.cache_clear()


def test_a_program_with_a_plugin_registered_by_hand_always_exports_in_full() -> None:
    """The key sees the installed plugins; one registered by hand in the process is not on the disk."""
    from liaison.host import plugins

    plugins.reset()
    assert receipts.plugins_as_installed()
    try:
        plugins.plugin_manager()
        assert not receipts.plugins_as_installed()
    finally:
        plugins.reset()


def test_years_are_read_as_the_command_reads_them() -> None:
    import datetime as dt

    from liaison_cli.year import parse_years

    day = dt.date(2026, 12, 7)
    for year, years in ((2027, None), (None, "2026..2028"), (None, "2027"), (None, None)):
        assert receipts.years_of(year, years, day) == (parse_years(year, years) if year or years else (2027,))
    for year, years in ((2027, "2026..2028"), (None, "2028..2026"), (None, "x..y"), (None, "2000..2060")):
        assert receipts.years_of(year, years, day) is None
        with pytest.raises(click.BadParameter):  # the full run refuses them
            parse_years(year, years)


def test_the_folder_as_written_is_part_of_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The summary names the year's folder as the user wrote it: `out` and `/…/out` print differently."""
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    keys = {receipts.inputs_key("export", {"year": 2027}, out, [2027], False) for out in ("out", str(tmp_path / "out"))}
    assert len(keys) == 2 and None not in keys


def test_a_file_named_by_an_option_is_read(tmp_path: Path) -> None:
    """`--option KEY=FILE`: a third-party exporter's option may name a file; its bytes are in the key."""
    (tmp_path / "out").mkdir()
    named = tmp_path / "template.txt"
    named.write_text("one", encoding="utf-8")

    def key() -> str | None:
        return receipts.inputs_key("export", {"raw_options": (f"x.template={named}",)}, str(tmp_path / "out"),
                                   [2027], False)

    first = key()
    assert first is not None and key() == first
    named.write_text("two", encoding="utf-8")
    assert key() not in (first, None)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no named pipes here")
def test_a_pipe_in_the_year_is_never_opened(tmp_path: Path) -> None:
    """A pipe (or a device) in the year's folder is keyed by its kind, not read: reading it would
    block the command (the full run then refuses the folder, tests/test_hostile.py)."""
    import os

    year = tmp_path / "out" / YEAR
    year.mkdir(parents=True)

    def key() -> str | None:
        return receipts.inputs_key("export", {}, str(tmp_path / "out"), [int(YEAR)], False)

    without = key()
    os.mkfifo(year / "pipe")
    assert key() not in (without, None)


def test_the_neighbouring_plan_years_states_are_in_the_key(tmp_path: Path) -> None:
    """A 2027 export numbers after, and its 发文登记 sheet lists, the 2028 plan's letters issued in
    2027 (and the 2026 plan's answered in 2027): a new letter in the 2028 state is another key, or a
    2027 re-export after the 2028 plan issued 〔2027〕 letters would be replayed as unchanged (#24).
    Their other files are not read by the export, and are not in the key."""
    import datetime as dt

    out = tmp_path / "out"
    for year in (2026, 2027, 2028, 2029):
        (out / str(year)).mkdir(parents=True)
        (out / str(year) / f"plan-d-{year}.json").write_text('{"letters": [0]}', encoding="utf-8")

    def key(on: dt.date) -> str | None:
        return receipts.inputs_key("export", {"year": 2027}, str(out), [2027], False, issued_on=on)

    december = dt.date(2027, 12, 28)
    first = key(december)
    assert first is not None and key(december) == first
    (out / "2028" / "letter.docx").write_bytes(b"a letter's file")
    (out / "2029" / "plan-d-2029.json").write_text('{"letters": [1]}', encoding="utf-8")  # numbers in 2028, 2029
    assert key(december) == first
    for year in ("2028", "2026"):
        state = out / year / f"plan-d-{year}.json"
        state.write_text('{"letters": [1]}', encoding="utf-8")  # the same size: the bytes count
        assert key(december) not in (first, None)
        first = key(december)
    # issued in January 2028, the 2027 plan's letters number into 2028's register: the 2029 plan's
    # letters issued in 2028 are read too
    january = key(dt.date(2028, 1, 10))
    (out / "2029" / "plan-d-2029.json").write_text('{"letters": [2]}', encoding="utf-8")
    assert key(dt.date(2028, 1, 10)) not in (january, None) and key(december) == first
