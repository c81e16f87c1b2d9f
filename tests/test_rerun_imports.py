"""The first rerun of `liaison export` after an export that wrote something runs in full (plans the
year, finds every exporter's files as they were) and loads only what that takes (issue #23): not the
checker the due list rests on, not rich's table (nothing is written, so no table is drawn), not
ctypes (nothing is made durable), and not the district's parser once the district is kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import commands

#: What only other commands, or an export that writes, load.
NOT_ON_A_RERUN = ("liaison.law.compliance", "liaison.law.findings", "rich.table", "ctypes", "subprocess",
                  "liaison.formats.documents")


def test_the_first_rerun_loads_neither_the_checker_nor_a_table_nor_ctypes(tmp_path: Path) -> None:
    args = ("export", "all", "--year", "2027", "--out", str(tmp_path / "out"), "--issued-on", "2026-12-01")
    cache = tmp_path / "cache"
    written, _, writing = commands.run(tmp_path, *args, cache=cache)
    assert "已写入" in written and {"ctypes", "rich.table"} <= writing  # made durable, and its table drawn
    shutil.rmtree(cache / "export-receipts", ignore_errors=True)
    printed, errors, loaded = commands.run(tmp_path, *args, cache=cache)
    assert "没有变化" in printed and errors == ""
    assert loaded.isdisjoint(NOT_ON_A_RERUN), loaded & set(NOT_ON_A_RERUN)
    assert "liaison.year.planner" in loaded  # it did run in full
