"""The ledger's docs and example stay true: every sheet and column is documented, the example runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from xlsx_samples import fill_as_clerk

from liaison_xlsx.specs import LEDGER

ROOT = Path(__file__).resolve().parents[3]


def test_the_guide_and_the_records_format_name_every_sheet_and_column() -> None:
    guide = (ROOT / "docs" / "ledger.md").read_text(encoding="utf-8")
    records_format = (ROOT / "docs" / "records-format.md").read_text(encoding="utf-8")
    for spec in LEDGER:
        row = next(line for line in guide.splitlines() if line.startswith(f"| {spec.name} |"))
        assert f"`{spec.section}`" in row
        for column in spec.columns:
            assert column.header in row, (spec.name, column.header)
        assert f"| {spec.name} | `{spec.section}` |" in records_format
        for column in spec.columns:
            if not column.field.startswith("_") and not spec.child:
                assert f"`{column.field}`" in records_format, (spec.name, column.field)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIAISON_PLUGINS": "xlsx"}
    return subprocess.run([sys.executable, str(ROOT / "examples" / "ledger.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_example_writes_both_workbooks_and_checks_a_ledger(tmp_path: Path) -> None:
    done = run("2026", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ledger = tmp_path / "out" / "2026" / "2026年对口联系工作台账.xlsx"
    assert ledger.is_file() and (tmp_path / "out" / "2026" / "2026年对口联系工作安排表.xlsx").is_file()
    filled = tmp_path / "台账.xlsx"
    filled.write_bytes(fill_as_clerk(ledger.read_bytes()))
    done = run("2026", "--check", str(filled), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "问题 3 项" in done.stdout and "§3.6" in done.stdout and "§3.2" in done.stdout and "§1.3" in done.stdout
    filled.write_bytes(b"not a workbook")
    done = run("2026", "--check", str(filled), cwd=tmp_path)
    assert done.returncode == 1 and "不是 .xlsx 工作簿" in done.stderr and "Traceback" not in done.stderr
