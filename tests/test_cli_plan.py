"""`liaison plan` and `liaison check` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from liaison_cli.main import cli

EXAMPLES = Path(__file__).parents[1] / "examples"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def plan_json(*args: str) -> dict[str, object]:
    code, out, err = run("plan", *args, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def test_plan_2026_as_a_table() -> None:
    code, out, _ = run("plan", "--year", "2026")
    assert code == 0
    assert "2026年对口联系工作计划（47 项）" in out and "走访 33" in out and "联席会议 14" in out
    assert "provisional" not in out


def test_a_year_without_a_holiday_notice_says_its_dates_are_provisional() -> None:
    # 2060: no notice of it will be in chinesecalendar for decades
    code, out, _ = run("plan", "--year", "2060")
    assert code == 0 and "暂定" in out
    assert "2060年国务院节假日安排尚未公布：已避开法定节假日及春节、劳动节、国庆假期" in out
    code, out, _ = run("plan", "--year", "2060", "--allow-customary-breaks", "--lang", "en")
    assert code == 0 and "The State Council has not yet published the 2060 holiday arrangement" in out
    assert "statutory holidays and their days in lieu are avoided" in out


def test_plan_several_years_puts_the_work_meeting_in_alternate_years() -> None:
    data = plan_json("--years", "2026..2029")
    years = [e["date"][:4] for e in data["engagements"] if e["kind"] == "work_meeting"]  # type: ignore[index, union-attr]
    assert years == ["2027", "2029"]


def test_confirm_and_move_then_replan_from_the_saved_file(tmp_path: Path) -> None:
    first = plan_json("--year", "2026")
    engagements = first["engagements"]
    assert isinstance(engagements, list)
    visit = next(e for e in engagements if e["id"] == "2026/visit/health/cpwdp/1")
    meeting = next(e for e in engagements if e["id"] == "2026/joint_meeting/health")
    saved = tmp_path / "plan.json"
    saved.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    second = plan_json("--year", "2026", "--plan", str(saved), "--confirm", visit["id"],
                       "--move", f"{meeting['id']}@2026-11-03T14:30")
    by_id = {e["id"]: e for e in second["engagements"]}  # type: ignore[union-attr]
    assert by_id[visit["id"]]["status"] == "agreed" and by_id[visit["id"]]["date"] == visit["date"]
    moved = by_id[meeting["id"]]
    assert (moved["date"], moved["start"], moved["status"]) == ("2026-11-03", "14:30", "agreed")
    # the user can also edit the file by hand: mark an engagement agreed on another date
    edited = dict(second)
    edited["engagements"] = [dict(e, status="agreed", date="2026-12-01") if e["id"] == "2026/visit/planning/cdl/1"
                             else e for e in second["engagements"]]  # type: ignore[union-attr]
    saved.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    third = plan_json("--year", "2026", "--plan", str(saved))
    by_id = {e["id"]: e for e in third["engagements"]}  # type: ignore[union-attr]
    assert by_id["2026/visit/planning/cdl/1"]["date"] == "2026-12-01"
    assert by_id[meeting["id"]]["date"] == "2026-11-03"


def test_a_broken_plan_file_is_reported_with_its_path(tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    data = plan_json("--year", "2026")
    data["engagements"][0]["dat"] = "2026-01-01"  # type: ignore[index]
    saved.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("plan", "--year", "2026", "--plan", str(saved))
    assert code == 1 and "extra fields found (dat)" in err and "$.engagements[0]" in err
    saved.write_text("{not json", encoding="utf-8")
    code, _, err = run("plan", "--year", "2026", "--plan", str(saved))
    assert code == 1 and "not a JSON plan file" in err


def test_events_from_a_file_appear_with_their_invitees(tmp_path: Path) -> None:
    events = tmp_path / "events.toml"
    events.write_text('[[events]]\nkind = "plenary_meeting"\ndate = 2026-03-10\ntitle_zh = "区政府全体会议"\n'
                      'start = "09:00"\nend = "11:30"\n', encoding="utf-8")
    data = plan_json("--year", "2026", "--events", str(events))
    plenary = next(e for e in data["engagements"] if e["kind"] == "plenary_meeting")  # type: ignore[union-attr]
    assert plenary["provisions"] == ["§1.2"] and len(plenary["participants"]) == 9
    events.write_text('[[events]]\nkind = "plenary_meeting"\ndate = 2026-03-10\ntitle_zh = "x"\nhost = "nobody"\n',
                      encoding="utf-8")
    code, _, err = run("plan", "--year", "2026", "--events", str(events))
    assert code == 1 and "$.events[0].host" in err


def test_plan_options_reach_the_planner() -> None:
    data = plan_json("--year", "2026", "--per-pairing", "--visits", "2", "--months", "3,4,5,9,10,11",
                     "--weekdays", "2,3,4", "--slots", "09:30")
    engagements = data["engagements"]
    assert isinstance(engagements, list)
    assert sum(e["kind"] == "joint_meeting" for e in engagements) == 33
    assert sum(e["kind"] == "visit" for e in engagements) == 66
    assert {e["start"] for e in engagements} == {"09:30"}


def test_bad_plan_options_are_usage_errors() -> None:
    assert run("plan", "--years", "2028..2026")[0] == 2
    assert run("plan", "--year", "2026", "--weekdays", "0")[0] == 2
    code, _, err = run("plan", "--year", "2026", "--confirm", "no-such-id")
    assert code == 1 and "no engagement 'no-such-id'" in err


def test_check_the_sample_year() -> None:
    code, out, _ = run("check", "--year", "2026", "--records", str(EXAMPLES / "records-2026.toml"))
    assert code == 0
    assert "问题 4 项" in out
    expected_lines = ("区教育局与民进支部的走访记录0次", "未抄送九三学社综合支社", "至今未反馈",
                      "区计生局未指定联络人员")
    for expected in expected_lines:
        assert expected in out


def test_check_json_and_english() -> None:
    _, out, _ = run("check", "--year", "2026", "--records", str(EXAMPLES / "records-2026.toml"), "--format", "json")
    data = json.loads(out)
    problems = [f for f in data["findings"] if f["status"] in ("short", "designation_missing", "response_overdue")]
    assert sorted(f["provision"] for f in problems) == ["§1.3", "§3.1", "§3.2", "§3.6"]
    assert all(f["severity"] == "violation" for f in problems)
    assert any(row["name"] == "区卫生局" for row in data["summary"])
    _code, out, _ = run("check", "--year", "2026", "--records", str(EXAMPLES / "records-2026.toml"), "--lang", "en")
    assert "Education Bureau and CAPD branch: 0 visit(s)" in out


def test_check_with_a_bad_records_file(tmp_path: Path) -> None:
    bad = tmp_path / "records.toml"
    bad.write_text('[[engagements]]\nkind = "visit"\ndate = 2026-03-01\nhost = "区卫生局"\nattended = ["某某"]\n',
                   encoding="utf-8")
    code, _, err = run("check", "--year", "2026", "--records", str(bad))
    assert code == 1 and "$.engagements[0].attended[0]" in err and "Traceback" not in err
