"""Every example script runs (in a temporary folder) and writes what it promises."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"

# The exporters are separate distributions; the README's test command installs them.
pytest.importorskip("liaison_ical", reason="liaison-ical is not installed")
pytest.importorskip("liaison_docx", reason="liaison-docx is not installed")


def run(script: str, *args: str, cwd: Path) -> str:
    env = {**os.environ, "LIAISON_PLUGINS": "ical,docx", "COLUMNS": "160"}
    done = subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout


def test_annual_plan_writes_calendars_and_letters_into_out(tmp_path: Path) -> None:
    import icalendar

    output = run("annual_plan.py", "2026", cwd=tmp_path)
    year = tmp_path / "out" / "2026"
    state = json.loads((year / "plan-seed-2026.json").read_text(encoding="utf-8"))
    assert state["format"] == "liaison-state/1" and len(state["engagements"]) == 47
    assert state["manifest"]["revision"] == 1 and len(state["manifest"]["files"]) >= 24 + 14
    calendars = sorted((year / "ical").glob("*.ics"))
    assert len(calendars) == 1 + 14 + 8  # master, every department, every branch and the ICF
    master = max(calendars, key=lambda p: p.stat().st_size)
    events = icalendar.Calendar.from_ical(master.read_bytes()).walk("VEVENT")
    assert len(events) == 47
    letters = sorted(year.rglob("*.docx"))
    notices = [p for p in letters if "通知" in p.parts]
    assert len(notices) == 14
    assert len(letters) > 14  # invitations to the joint meetings' counterparts
    for letter in letters[:5]:
        with zipfile.ZipFile(letter) as docx:
            assert "word/document.xml" in docx.namelist()
    assert "已写入" in output and "××区 2026年对口联系工作计划" in output


def test_the_main_jobs_2027_calendars_hold_no_day_the_holidays_package_marks_off(tmp_path: Path) -> None:
    """The README's main job plans the year users plan on the law's holidays (docs/holidays.md)."""
    import holidays
    import icalendar

    run("annual_plan.py", "2027", cwd=tmp_path)
    off = set(holidays.China(years=2027))
    master = tmp_path / "out" / "2027" / "ical" / "全部.ics"
    events = icalendar.Calendar.from_ical(master.read_bytes()).walk("VEVENT")
    assert len(events) >= 47
    used = {event.decoded("DTSTART") for event in events}
    days = {d.date() if hasattr(d, "date") else d for d in used}
    assert not days & off
    state = json.loads((tmp_path / "out" / "2027" / "plan-seed-2027.json").read_text(encoding="utf-8"))
    if state["provisional"]:  # no notice yet: the customary 春节, 劳动节 and 国庆 breaks are avoided too
        from liaison.law.holiday_law import law_year

        assert not days & set(law_year(2027).customary)


def test_annual_plan_rerun_updates_the_calendars_in_place(tmp_path: Path) -> None:
    run("annual_plan.py", "2026", cwd=tmp_path)
    first = {p.name: p.read_bytes() for p in (tmp_path / "out" / "2026" / "ical").glob("*.ics")}
    run("annual_plan.py", "2026", cwd=tmp_path)
    second = {p.name: p.read_bytes() for p in (tmp_path / "out" / "2026" / "ical").glob("*.ics")}
    assert first == second  # nothing changed, so not a byte changed


def test_document_routing_names_the_paired_branches_and_the_provisions(tmp_path: Path) -> None:
    output = run("document_routing.py", "区卫生局", "2027-01-01", cwd=tmp_path)
    assert "农工党总支部" in output and "九三学社综合支社" in output
    assert "§3.2 三（二）" in output and "§2.2 二（二）" in output


def test_compliance_report_prints_the_four_shortfalls_and_writes_json(tmp_path: Path) -> None:
    output = run("compliance_report.py", cwd=tmp_path)
    assert "违反 2，偏离 0，未达本区设定 2" in output and "责任单位：区计生局" in output
    report = json.loads((tmp_path / "out" / "compliance-seed-2026.json").read_text(encoding="utf-8"))
    problems = {f["provision"]: f["severity"] for f in report["findings"]
                if f["severity"] in ("violation", "deviation", "local")}
    assert problems == {"§3.6": "local", "§3.2": "violation", "§1.3": "local", "§3.1": "violation"}


def test_amend_pairings_shows_before_and_after_and_updates_calendars_in_place(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    output = run("amend_pairings.py", cwd=tmp_path)
    assert "2027-06-30: 区环保分局的政策性文件抄送 致公党支部" in output
    assert "2027-07-01: 区环保分局的政策性文件抄送 民盟支部" in output
    # what the first export sent out, made again here (exports are deterministic)
    import liaison
    from liaison_workspace import Workspace

    monkeypatch.setenv("LIAISON_PLUGINS", "ical")
    liaison.host.plugins.reset()
    Workspace(tmp_path / "before").export(liaison.seed_district(), 2027, [("ical", {})])
    before = tmp_path / "before" / "2027" / "ical"
    after = tmp_path / "out" / "amend" / "2027" / "ical"

    def events(path: Path) -> dict[str, str]:
        text = path.read_bytes().decode("utf-8").replace("\r\n ", "")  # keep the CRLFs
        blocks = re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", text, flags=re.S)
        return {re.search(r"^UID:(.*)$", b, re.M).group(1).strip(): b for b in blocks}  # type: ignore[union-attr]

    old, new = events(before / "全部.ics"), events(after / "全部.ics")
    assert set(old) < set(new)  # every published event is still there, under the same UID; new ones added
    changed = [uid for uid in old if old[uid] != new[uid]]
    assert changed and all("SEQUENCE:1" in new[uid] for uid in changed)
    assert all("SEQUENCE:0" in new[uid] for uid in old if uid not in changed)
    assert (after / "cdl.ics").read_bytes() != (before / "cdl.ics").read_bytes()  # the new counterpart's calendar
