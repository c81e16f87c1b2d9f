"""The ``xlsx`` plugin end to end: registration, artifact paths, byte-identical reruns, options, and
`liaison export all` writing both workbooks."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from liaison_cli.main import cli

from liaison.base.errors import OptionError
from liaison.host import plugins
from liaison.law.district import District
from liaison.year.engagements import Plan
from liaison_xlsx import ledger_workbook, schedule_workbook
from liaison_xlsx.plugin import XLSX, export


def test_entry_point_registers_the_exporter_and_the_records_reader() -> None:
    exporters = plugins.exporters()
    assert "xlsx" in exporters and exporters["xlsx"].plugin == "xlsx"
    assert [o.name for o in exporters["xlsx"].options] == ["workbooks", "created"]
    readers = plugins.record_readers()
    assert readers["xlsx"].suffixes == (".xlsx",)
    described = {p["name"]: p for p in plugins.describe()}
    assert described["xlsx"]["record_readers"][0]["name"] == "xlsx"


def test_two_workbooks_per_year(seed: District, plan_2026: Plan) -> None:
    made = plugins.exporter("xlsx").run(seed, plan_2026)
    assert [(a.path, a.media_type) for a in made] == [("2026年对口联系工作安排表.xlsx", XLSX),
                                                      ("2026年对口联系工作台账.xlsx", XLSX)]


def test_a_rerun_is_byte_identical(seed: District, plan_2026: Plan, ledger_2026: bytes,
                                   schedule_2026: bytes) -> None:
    again = {a.path: a.data for a in plugins.exporter("xlsx").run(seed, plan_2026)}
    assert again["2026年对口联系工作台账.xlsx"] == ledger_2026 == ledger_workbook(seed, plan_2026, 2026)
    assert again["2026年对口联系工作安排表.xlsx"] == schedule_2026 == schedule_workbook(seed, plan_2026, 2026)


@pytest.mark.parametrize("which", ["schedule", "ledger"])
def test_no_clock_in_the_package(seed: District, plan_2026: Plan, ledger_2026: bytes, schedule_2026: bytes,
                                 which: str) -> None:
    data = ledger_2026 if which == "ledger" else schedule_2026
    package = zipfile.ZipFile(io.BytesIO(data))
    assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = package.read("docProps/core.xml").decode()
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-01-01T00:00:00Z</dcterms:created>" in core
    assert "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2026-01-01T00:00:00Z</dcterms:modified>" in core


def test_options(seed: District, plan_2026: Plan, ledger_2026: bytes) -> None:
    only = plugins.exporter("xlsx").run(seed, plan_2026,
                                        {"workbooks": "ledger", "created": "2026-11-30T08:00:00+08:00"})
    assert [a.path for a in only] == ["2026年对口联系工作台账.xlsx"]
    core = zipfile.ZipFile(io.BytesIO(only[0].data)).read("docProps/core.xml").decode()
    assert "2026-11-30T00:00:00Z" in core
    same_day = ledger_workbook(seed, plan_2026, 2026, created=dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    assert only[0].data == same_day != ledger_2026


@pytest.mark.parametrize("options", [{"workbooks": "calendar"}, {"created": "yesterday"}, {"colour": "red"}])
def test_bad_options(seed: District, plan_2026: Plan, options: dict[str, str]) -> None:
    with pytest.raises(OptionError):
        plugins.exporter("xlsx").run(seed, plan_2026, options)


def test_export_all_writes_both_workbooks(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "all", "--year", "2027", "--out", str(tmp_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    schedule = tmp_path / "2027" / "2027年对口联系工作安排表.xlsx"
    ledger = tmp_path / "2027" / "2027年对口联系工作台账.xlsx"
    assert schedule.is_file() and ledger.is_file()
    first = ledger.read_bytes()
    CliRunner().invoke(cli, ["export", "xlsx", "--year", "2027", "--out", str(tmp_path)], catch_exceptions=False)
    assert ledger.read_bytes() == first


def test_a_ledger_the_clerk_edited_is_never_overwritten(tmp_path: Path) -> None:
    """Dates move after the ledger was filled in: the 安排表 follows the plan, the 台账 stays the clerk's."""
    from xlsx_samples import Sheet, open_book, save

    def run(*args: str) -> None:
        result = CliRunner().invoke(cli, [*args, "--year", "2027", "--out", str(tmp_path)], catch_exceptions=False)
        assert result.exit_code == 0, result.output

    run("export", "xlsx")
    folder = tmp_path / "2027"
    schedule, ledger = folder / "2027年对口联系工作安排表.xlsx", folder / "2027年对口联系工作台账.xlsx"
    book = open_book(ledger.read_bytes())
    sheet = Sheet(book["会议走访"])
    row = next(iter(sheet.rows()))
    moved = sheet.get(row, "编号")
    sheet.set(row, "是否召开", "是")
    edited = save(book)
    ledger.write_bytes(edited)
    before = schedule.read_bytes()

    run("plan", "--move", f"{moved}@2027-12-15")
    run("export", "xlsx")
    assert ledger.read_bytes() == edited
    assert schedule.read_bytes() != before
    assert moved in {Sheet(open_book(schedule.read_bytes())["全区"], header_row=3).get(r, "编号")
                     for r in Sheet(open_book(schedule.read_bytes())["全区"], header_row=3).rows()}


def test_each_year_its_own_workbooks_and_the_ledger_kept_once_edited(seed: District) -> None:
    from liaison.law.workdays import ChineseCalendar
    from liaison.year.planner import plan_years

    for plan in plan_years(seed, (2026, 2027), calendar=ChineseCalendar()):
        made = list(export(plugins.exporter("xlsx").request(seed, plan)))
        assert [(a.path, a.policy) for a in made] == [
            (f"{plan.year}年对口联系工作安排表.xlsx", "replace"),
            (f"{plan.year}年对口联系工作台账.xlsx", "keep_edits")]


def test_plugins_command_lists_the_reader() -> None:
    result = CliRunner().invoke(cli, ["plugins", "--format", "json"], catch_exceptions=False)
    found = {p["name"]: p for p in json.loads(result.output)["plugins"]}
    assert found["xlsx"]["exporters"][0]["name"] == "xlsx"
    assert found["xlsx"]["record_readers"][0]["suffixes"] == [".xlsx"]


def test_loading_the_plugin_imports_no_spreadsheet_library() -> None:
    """Every command loads the plugins; only the ones that touch a workbook pay for xlsxwriter and openpyxl."""
    code = ("import sys, liaison.host.plugins as p; p.exporters(); p.record_readers(); "
            "print(sorted(m for m in ('openpyxl', 'xlsxwriter', 'liaison_xlsx.reader') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "LIAISON_PLUGINS": "xlsx"})
    assert done.stdout.strip() == "[]"


def test_byte_identical_across_processes(ledger_2026: bytes, schedule_2026: bytes) -> None:
    """No set or hash order reaches the bytes: other processes, other hash seeds, the same files."""
    code = ("import hashlib, sys, liaison; from liaison.law.workdays import ChineseCalendar; "
            "from liaison_xlsx import ledger_workbook, schedule_workbook; d = liaison.seed_district(); "
            "p = liaison.plan_year(d, 2026, calendar=ChineseCalendar()); "
            "print(hashlib.sha256(ledger_workbook(d, p, 2026)).hexdigest(), "
            "hashlib.sha256(schedule_workbook(d, p, 2026)).hexdigest())")
    expected = f"{hashlib.sha256(ledger_2026).hexdigest()} {hashlib.sha256(schedule_2026).hexdigest()}"
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed, "LIAISON_PLUGINS": "xlsx"})
        assert done.stdout.strip() == expected


def test_exporting_one_workbook_leaves_the_other_alone(tmp_path: Path) -> None:
    def run(*args: str) -> None:
        result = CliRunner().invoke(cli, [*args, "--year", "2027", "--out", str(tmp_path)], catch_exceptions=False)
        assert result.exit_code == 0, result.output

    run("export", "xlsx")
    schedule = tmp_path / "2027" / "2027年对口联系工作安排表.xlsx"
    before = schedule.read_bytes()
    run("export", "xlsx", "--option", "workbooks=ledger")
    assert schedule.read_bytes() == before
    assert not (tmp_path / "2027" / "已作废").exists()


def test_an_export_makes_the_plans_rows_once_for_both_workbooks(seed: District, plan_2026: Plan,
                                                                  schedule_2026: bytes, ledger_2026: bytes,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A row per engagement, with its settings worked out, is made once and written into the 安排表
    and the 台账 alike: the same bytes as each workbook making its own."""
    from liaison_xlsx import domain

    made: list[int] = []
    original = domain.plan_rows

    def counted(*args: object, **kwargs: object) -> object:
        made.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(domain, "plan_rows", counted)
    artifacts = list(export(plugins.exporter("xlsx").request(seed, plan_2026)))
    assert len(made) == 1
    assert tuple(a.data for a in artifacts) == (schedule_2026, ledger_2026)  # each made its own
