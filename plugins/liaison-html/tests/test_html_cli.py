"""`liaison export html` and examples/year_page.py write the page into the year's folder, the same
bytes as the exporter gives, and a rerun changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from html_samples import heat_cells, marks, parse
from liaison_cli.main import cli

from liaison.law.district import District
from liaison.law.records import Records
from liaison.year.engagements import Plan
from liaison_html import page

ROOT = Path(__file__).resolve().parents[3]


def test_liaison_export_html_writes_index_html_into_the_years_folder(tmp_path: Path, seed: District) -> None:
    from liaison.year.planner import plan_year

    result = CliRunner().invoke(cli, ["export", "html", "--year", "2027", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "2027" / "index.html").read_bytes()
    plan_2027 = plan_year(seed, 2027)  # on the installed calendar, as the command plans
    assert written == page(seed, plan_2027) and len(marks(parse(written))) == len(plan_2027.engagements)
    assert (tmp_path / "2027" / "plan-seed-2027.json").exists()
    again = CliRunner().invoke(cli, ["export", "html", "--year", "2027", "--out", str(tmp_path)])
    assert again.exit_code == 0 and (tmp_path / "2027" / "index.html").read_bytes() == written


def test_with_records_the_page_has_the_heat_map(tmp_path: Path, seed: District, plan_2026: Plan,
                                                records_2026: Records) -> None:
    records = ROOT / "examples" / "records-2026.toml"
    result = CliRunner().invoke(cli, ["export", "html", "--year", "2026", "--out", str(tmp_path), "--records",
                                      str(records), "--option", "lang=en"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "2026" / "index.html").read_bytes()
    assert written == page(seed, plan_2026, records=records_2026, lang="en")
    assert len(heat_cells(parse(written))) == 17 * 22


def test_a_bad_option_is_one_sentence_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "html", "--year", "2027", "--out", str(tmp_path), "--option",
                                      "as_of=31.12.2027"])
    assert result.exit_code != 0 and "as_of" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "2027" / "index.html").exists()


def test_the_example_writes_the_page(tmp_path: Path) -> None:
    env = {**os.environ, "LIAISON_PLUGINS": "html"}
    script = str(ROOT / "examples" / "year_page.py")
    done = subprocess.run([sys.executable, script, "2026", "--records", str(ROOT / "examples" / "records-2026.toml")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    tree = parse((tmp_path / "out" / "2026" / "index.html").read_bytes())
    assert len(marks(tree)) == 47 and heat_cells(tree) and "out/2026/index.html" in done.stdout
    rerun = subprocess.run([sys.executable, script, "2026", "--records", str(ROOT / "examples" / "records-2026.toml")],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0 and "未变 unchanged" in rerun.stdout
