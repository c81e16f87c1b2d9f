"""`liaison check` loads what checking takes and not the letters (issue #23): every command loads
every plugin's entry point, and the docx plugin's used to import its letters, their wording, titles
and layout and the register (about 12 ms of CPU and 18 modules, for a command that writes no
letter). Its entry point (``liaison_docx.entry``) now imports them when an exporter is asked for."""

from __future__ import annotations

from pathlib import Path

import commands
import pytest

from liaison.host import plugins


def test_check_loads_the_docx_plugins_entry_point_but_not_its_letters(tmp_path: Path) -> None:
    out = str(tmp_path / "out")
    cache = tmp_path / "cache"
    exported = commands.run(tmp_path, "export", "all", "--year", "2027", "--out", out, "--issued-on", "2026-12-01",
                            cache=cache)[2]
    assert {"liaison_docx.plugin", "liaison_docx.letters.notice"} <= exported  # an export does load them
    printed, _, loaded = commands.run(tmp_path, "check", "--year", "2027", "--out", out, cache=cache)
    assert "2027" in printed and "liaison.law.compliance" in loaded  # it checked
    assert "liaison_docx.entry" in loaded  # the plugin was loaded, as every command loads every plugin …
    docx = {m for m in loaded if m == "liaison_docx" or m.startswith("liaison_docx.")}
    assert docx == {"liaison_docx", "liaison_docx.entry"}, sorted(docx)  # … and nothing of its letters


def test_the_entry_point_registers_the_exporter_the_plugins_module_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison_docx import entry, plugin

    found: list[object] = []
    entry.register_exporters(register=found.append)
    direct: list[object] = []
    plugin.register_exporters(register=direct.append)
    assert found == direct and len(found) == 1
    monkeypatch.setenv(plugins.ENV_VAR, "docx")  # the installed entry point, as the commands load it
    plugins.reset()
    try:
        assert plugins.exporter("docx").export is plugin.export_year  # what the commands export with
    finally:
        plugins.reset()
