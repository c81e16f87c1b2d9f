"""Rough edges a review found, each pinned by a test."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from liaison.compliance import FindingStatus, check
from liaison.district import District
from liaison.errors import DataError, LiaisonError, PlanningError
from liaison.events import parse_events
from liaison.loader import parse_district
from liaison.model import EngagementKind
from liaison.plan import PlannedEvent, PlanOptions, plan_year
from liaison.records import HeldEngagement, Records
from liaison_cli.main import cli

HEALTH_CPWDP = 'department = "health"\ncounterpart = "cpwdp"\nclause = "§2.2"\nvalid_from = 2022-05-22\n'


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_brackets_in_names_are_printed_literally(tmp_path: Path, seed_text: str) -> None:
    odd = tmp_path / "odd.toml"
    odd.write_text(seed_text.replace('name = "区卫生局"', 'name = "区卫生局[/red][bold]"'), encoding="utf-8")
    for args in (("pairings", "--org", "health"), ("route", "--issuer", "health"), ("plan", "--year", "2026")):
        code, out, err = run(*args, "--data", str(odd))
        assert code == 0, err
        assert "区卫生局[/red][bold]" in out


@pytest.mark.parametrize(("old", "new", "message"), [
    ("min_per_period = 1\nmax_per_period = 2", "min_per_period = 1.9\nmax_per_period = 2", "expected a whole number"),
    ("min_per_period = 1\nmax_per_period = 2", 'min_per_period = "1"\nmax_per_period = 2', "expected a whole number"),
    ('aliases = ["区人事劳动局"]', 'aliases = "区人事劳动局"', "expected a list"),
    ('name = "区卫生局"', "name = 12345", "expected text"),
])
def test_scalars_are_never_coerced(seed_text: str, old: str, new: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        parse_district(seed_text.replace(old, new, 1), file="d.toml")


def test_a_missing_key_is_reported_as_missing(seed_text: str) -> None:
    with pytest.raises(DataError, match=r"empty.toml: \$\.district: required field missing"):
        parse_district("", file="empty.toml")


def test_check_refuses_years_it_cannot_count(seed: District) -> None:
    with pytest.raises(PlanningError):
        check(seed, Records(), 99999)
    code, _, err = run("check", "--year", "9999", "--records", str(Path(__file__).parents[1] / "examples" /
                                                                   "records-2026.toml"))
    assert code == 1 and "cannot check the year" in err


def test_every_export_refreshes_the_baseline_so_sequence_keeps_rising(tmp_path: Path) -> None:
    args = ("--year", "2026", "--out", str(tmp_path))
    assert run("export", "json", *args)[0] == 0
    for n, day in enumerate(("2026-11-02", "2026-11-09"), start=1):
        code, _, err = run("export", "json", *args, "--move", f"2026/visit/health/cpwdp/1@{day}")
        assert code == 0, err
        data = json.loads((tmp_path / "2026" / "plan-seed-2026.json").read_text(encoding="utf-8"))
        moved = next(e for e in data["engagements"] if e["id"] == "2026/visit/health/cpwdp/1")
        assert (moved["date"], moved["sequence"]) == (day, n)
    mode = stat.S_IMODE(os.stat(tmp_path / "2026" / "plan-seed-2026.json").st_mode)
    assert mode & 0o044  # readable by the office, not only by its writer (given the usual umask)


def test_event_ids_do_not_depend_on_the_order_of_the_events(seed: District) -> None:
    plenary = PlannedEvent(EngagementKind.PLENARY_MEETING, dt.date(2026, 3, 10), "全体会议")
    gala = PlannedEvent(EngagementKind.MAJOR_EVENT, dt.date(2026, 1, 20), "新春团拜会")
    ids_a = {e.id for e in plan_year(seed, 2026, PlanOptions(events=(plenary,))).engagements}
    ids_b = {e.id for e in plan_year(seed, 2026, PlanOptions(events=(gala, plenary))).engagements}
    assert "2026/plenary_meeting/2026-03-10" in ids_a and ids_a <= ids_b


def test_a_pairing_amended_within_a_year_is_still_one_pairing(seed_text: str) -> None:
    amended = seed_text.replace(HEALTH_CPWDP, HEALTH_CPWDP + 'valid_until = 2026-07-01\n\n[[pairings]]\n'
                                + HEALTH_CPWDP.replace("2022-05-22", "2026-07-01") + 'note = "改为第二版"\n')
    district = parse_district(amended)
    plan = plan_year(district, 2026)
    ids = [e.id for e in plan.engagements]
    assert len(ids) == len(set(ids))
    assert sum(e.id.startswith("2026/visit/health/cpwdp/") for e in plan.engagements) == 1
    records = Records.from_plan(plan)
    findings = [f for f in check(district, records, 2026).findings
                if f.provision == "§3.6" and f.subject == ("health", "cpwdp")]
    assert [(f.status, f.period) for f in findings] == [
        (FindingStatus.MET, (dt.date(2026, 1, 1), dt.date(2026, 12, 31)))]


def test_moves_stay_in_their_year_and_before_midnight(seed: District) -> None:
    plan = plan_year(seed, 2026)
    with pytest.raises(PlanningError, match="belongs to 2026"):
        plan.move("2026/joint_meeting/health", dt.date(2027, 3, 3))
    with pytest.raises(PlanningError, match="after midnight"):
        plan.move("2026/joint_meeting/health", dt.date(2026, 3, 3), dt.time(23, 30))


def test_an_agreed_date_on_a_holiday_or_clash_is_warned_about(seed: District) -> None:
    plan = plan_year(seed, 2026)
    moved = plan.move("2026/joint_meeting/health", dt.date(2026, 10, 1))
    replanned = plan_year(seed, 2026, fixed=moved.fixed())
    assert any("2026-10-01，为国庆节假期，不是工作日" in w.message_zh and "National Day" in w.message_en
               for w in replanned.warnings)
    a = plan.move("2026/visit/dev-reform/icf/1", dt.date(2026, 1, 16), dt.time(9, 0))
    b = a.move("2026/visit/dev-reform/cndca/1", dt.date(2026, 1, 16), dt.time(9, 0))
    clash = plan_year(seed, 2026, fixed=b.fixed())
    assert any("同一时段" in w.message_zh and "区发改局" in w.message_zh for w in clash.warnings)
    code, out, _ = run("plan", "--year", "2026", "--move", "2026/joint_meeting/health@2026-10-01")
    assert code == 0 and "不是工作日" in out


def test_a_check_as_of_a_date_ignores_what_happened_later(seed: District) -> None:
    visit = HeldEngagement(EngagementKind.VISIT, dt.date(2026, 9, 1), "health", ("health", "cpwdp"), "v")
    early = check(seed, Records(engagements=(visit,)), 2026, as_of=dt.date(2026, 6, 30))
    late = check(seed, Records(engagements=(visit,)), 2026)
    pick = [f for f in early.findings if f.provision == "§3.6" and f.subject == ("health", "cpwdp")]
    assert pick[0].status == FindingStatus.OPEN and pick[0].counted == ()
    assert [f.status for f in late.findings if f.provision == "§3.6" and f.subject == ("health", "cpwdp")] == [
        FindingStatus.MET]


def test_hosts_and_event_kinds_are_checked(seed: District) -> None:
    day = dt.date(2026, 5, 1)
    with pytest.raises(LiaisonError, match="cannot host"):
        seed.invitees("professional_meeting", day, host="民革支部")
    with pytest.raises(LiaisonError, match="cannot host"):
        seed.invitees("plenary_meeting", day, host="区卫生局")
    with pytest.raises(LiaisonError, match="no event kind"):
        seed.invitees("party", day)
    with pytest.raises(DataError, match=r"\$\.events\[0\]\.kind"):
        parse_events('[[events]]\nkind = "visit"\ndate = 2026-03-01\ntitle_zh = "走访"\n', seed, file="e.toml")
    with pytest.raises(DataError, match=r"\$\.events\[0\]\.host"):
        parse_events('[[events]]\nkind = "professional_meeting"\ndate = 2026-03-01\ntitle_zh = "会"\n', seed)


def test_year_options_are_strict() -> None:
    assert run("plan", "--year", "2026", "--years", "2027..2028")[0] == 2
    assert run("plan", "--years", "2026..")[0] == 2
    code, _, err = run("plan", "--year", "0")
    assert code == 1 and "cannot plan the years [0]" in err
    code, _, err = run("plan", "--year", "2026", "--visits", "1000")
    assert code == 1 and "visits_per_pairing must be 0–12" in err


@pytest.mark.parametrize(("text", "path"), [
    ('district = "other"\n', r"\$\.district"),
    ('[[documents]]\nid = "a"\nissuer = "health"\ndate = 2026-01-01\n[[documents]]\nid = "a"\nissuer = "health"\n'
     'date = 2026-02-01\n', r"\$\.documents\[1\]\.id"),
    ('[[consultations]]\nid = "c"\nsubject = "报告"\nsent = 2026-01-05\nsent_to = ["rcck"]\n'
     'replies = [{ organisation = "cdl", date = 2026-01-06 }]\n',
     r"\$\.consultations\[0\]\.replies\[0\]\.organisation"),
    ('[[consultations]]\nid = "c"\nsubject = "报告"\nsent = 2026-01-05\nsent_to = ["rcck"]\n'
     'replies = [{ organisation = "rcck", date = 2026-01-01 }]\n', r"\$\.consultations\[0\]\.replies\[0\]\.date"),
    ('[[research_results]]\nid = "r"\ntitle = "调研"\nsubmitted_by = "区卫生局"\ndepartment = "农工党总支部"\n'
     'received = 2026-03-01\n', r"\$\.research_results\[0\]\.submitted_by"),
    ('[[research_results]]\nid = "r"\ntitle = "调研"\nsubmitted_by = "cpwdp"\ndepartment = "health"\n'
     'received = 2026-03-01\nfeedback = 2026-02-01\n', r"\$\.research_results\[0\]\.feedback"),
])
def test_records_that_contradict_themselves_are_refused(seed: District, text: str, path: str) -> None:
    from liaison.records import parse_records

    with pytest.raises(DataError, match=path):
        parse_records(text, seed, file="records.toml")
