"""`liaison plan` and `liaison check` from the command line; the year's state with --out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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
    assert "2026年对口联系工作计划（47 项）" in out and "××区" in out
    assert "区卫生局领导走访农工党总支部" in out
    assert "暂定" not in out


def test_a_year_without_a_holiday_notice_says_its_dates_are_provisional() -> None:
    # 2060: no notice of it will be in chinesecalendar for decades
    code, out, _ = run("plan", "--year", "2060")
    assert code == 0 and "暂定" in out
    assert "2060年国务院节假日安排尚未公布。日期已避开法定节假日及春节、劳动节、国庆假期" in out
    code, out, _ = run("plan", "--year", "2060", "--allow-customary-breaks", "--lang", "en")
    assert code == 0 and "The State Council has not yet published the 2060 holiday arrangement" in out
    assert "The dates avoid the statutory holidays and their days in lieu" in out


def test_plan_in_english() -> None:
    code, out, _ = run("plan", "--year", "2026", "--lang", "en")
    assert code == 0 and "liaison plan 2026 (47 engagements)" in out and "leader visit" in out
    assert not [line for line in out.splitlines() if any("\u4e00" <= c <= "\u9fff" for c in line)]
    titles = {e["id"]: e["title_en"] for e in plan_json("--year", "2026")["engagements"]}  # type: ignore[union-attr]
    assert titles["2026/visit/health/cpwdp/1"] == "Health Bureau leaders visit CPWDP general branch"


def test_plan_several_years_gives_one_plan_each_with_the_work_meeting_in_alternate_years() -> None:
    code, out, err = run("plan", "--years", "2026..2029", "--format", "json")
    assert code == 0, err
    plans = json.loads(out)  # one JSON document: the list of the years' states
    assert [p["year"] for p in plans] == [2026, 2027, 2028, 2029]
    assert [any(e["kind"] == "work_meeting" for e in p["engagements"]) for p in plans] == [False, True, False, True]


def test_changes_go_to_the_years_state_in_the_output_folder(tmp_path: Path) -> None:
    code, out, err = run("plan", "--year", "2026", "--out", str(tmp_path), "--confirm", "2026/visit/health/cpwdp/1",
                         "--move", "2026/joint_meeting/health@2026-11-03T14:30", "--as-of", "2026-06-01")
    assert code == 0, err
    state = tmp_path / "2026" / "plan-seed-2026.json"
    # the two changes, and any proposed engagement re-placed to keep its distance from the moved meeting
    assert "新建2026年计划（47 项）" in out and str(state) in out and "拟定 → 已商定" in out
    data = json.loads(state.read_text(encoding="utf-8"))
    by_id = {e["id"]: e for e in data["engagements"]}
    assert by_id["2026/visit/health/cpwdp/1"]["status"] == "agreed"
    moved = by_id["2026/joint_meeting/health"]
    assert (moved["date"], moved["start"], moved["status"], moved["sequence"]) == ("2026-11-03", "14:30", "agreed", 1)
    # moving it again is refused without --force: it is agreed
    again = ("plan", "--year", "2026", "--out", str(tmp_path), "--move", "2026/joint_meeting/health@2026-11-10")
    code, _, err = run(*again)
    assert code == 1 and "--force" in err
    code, _, err = run(*again, "--force", "--cancel", "2026/visit/planning/cdl/1",
                       "--held", "2026/visit/health/cpwdp/1")
    assert code == 0, err
    by_id = {e["id"]: e for e in json.loads(state.read_text(encoding="utf-8"))["engagements"]}
    assert by_id["2026/joint_meeting/health"]["date"] == "2026-11-10"
    assert by_id["2026/visit/planning/cdl/1"]["status"] == "cancelled"
    assert by_id["2026/visit/health/cpwdp/1"]["status"] == "held"


def test_a_hand_edit_of_the_state_is_kept(tmp_path: Path) -> None:
    assert run("plan", "--year", "2026", "--out", str(tmp_path))[0] == 0
    state = tmp_path / "2026" / "plan-seed-2026.json"
    data = json.loads(state.read_text(encoding="utf-8"))
    data["engagements"] = [dict(e, status="agreed", date="2026-12-01") if e["id"] == "2026/visit/planning/cdl/1"
                           else e for e in data["engagements"]]
    state.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert run("plan", "--year", "2026", "--out", str(tmp_path), "--replan")[0] == 0
    by_id = {e["id"]: e for e in json.loads(state.read_text(encoding="utf-8"))["engagements"]}
    assert (by_id["2026/visit/planning/cdl/1"]["date"], by_id["2026/visit/planning/cdl/1"]["status"]) == (
        "2026-12-01", "agreed")


def test_a_broken_state_file_is_reported_with_its_path(tmp_path: Path) -> None:
    assert run("plan", "--year", "2026", "--out", str(tmp_path))[0] == 0
    state = tmp_path / "2026" / "plan-seed-2026.json"
    data = json.loads(state.read_text(encoding="utf-8"))
    data["engagements"][0]["dat"] = "2026-01-01"
    state.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("plan", "--year", "2026", "--out", str(tmp_path))
    assert code == 1 and "$.engagements[0]" in err and "有本格式没有的字段（dat）" in err and "docs/cli.md" in err
    state.write_text("{not json", encoding="utf-8")
    code, _, err = run("plan", "--year", "2026", "--out", str(tmp_path))
    assert code == 1 and "不是有效的 JSON" in err


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
    code, _, err = run("plan", "--year", "2026", "--confirm", "2026/visit/nobody/x/1")
    assert code == 1 and "2026年计划中没有编号为2026/visit/nobody/x/1的活动" in err


def test_check_the_sample_year() -> None:
    code, out, _ = run("check", "--year", "2026", "--records", str(EXAMPLES / "records-2026.toml"))
    assert code == 0
    assert "违反 2，偏离 0，未达本区设定 2" in out
    for expected in ("区教育局与民进支部的走访记录0次", "未抄送九三学社综合支社", "至2026-12-31未反馈",
                     "没有区计生局指定联络人员的记录"):
        assert expected in out


def test_check_json_and_english() -> None:
    _, out, _ = run("check", "--year", "2026", "--records", str(EXAMPLES / "records-2026.toml"), "--format", "json")
    data = json.loads(out)
    problems = {f["provision"]: f["severity"] for f in data["findings"]
                if f["severity"] in ("violation", "deviation", "local")}
    assert problems == {"§1.3": "local", "§3.1": "violation", "§3.2": "violation", "§3.6": "local"}
    assert data["totals"]["violation"] == 2 and data["totals"]["local"] == 2
    assert any(row["name"] == "区卫生局" for row in data["summary"])
    [visit] = [f for f in data["findings"] if f["provision"] == "§3.6" and f["severity"] == "local"]
    assert visit["message_en"].startswith("2026: Education Bureau with CAPD branch, 0 leader visit(s) recorded")


def test_check_counts_what_the_state_marks_held(tmp_path: Path) -> None:
    assert run("plan", "--year", "2026", "--out", str(tmp_path), "--held", "2026/visit/health/cpwdp/1")[0] == 0
    code, out, err = run("check", "--year", "2026", "--out", str(tmp_path), "--format", "json")
    assert code == 0, err
    [visit] = [f for f in json.loads(out)["findings"]
               if f["rule"] == "leader-visit" and f["subject"] == ["health", "cpwdp"]]
    assert visit["status"] == "met" and visit["counted"] == ["2026/visit/health/cpwdp/1"]


def test_check_with_a_bad_records_file(tmp_path: Path) -> None:
    bad = tmp_path / "records.toml"
    bad.write_text('[[engagements]]\nkind = "visit"\ndate = 2026-03-01\nhost = "区卫生局"\nattended = ["某某"]\n',
                   encoding="utf-8")
    code, _, err = run("check", "--year", "2026", "--records", str(bad))
    assert code == 1 and "$.engagements[0].attended[0]" in err and "Traceback" not in err
    district_file = Path(__file__).parents[1] / "src" / "liaison" / "data" / "seed.toml"
    code, _, err = run("check", "--year", "2026", "--records", str(district_file))
    assert code == 1 and "这像是区数据文件，不是记录文件" in err and "--data" in err


def test_a_change_for_no_year_of_the_run_is_an_error_naming_it(tmp_path: Path) -> None:
    # an id of another year, or no id at all: the command stops before writing anything
    for option, ident, years in (("--cancel", "nope/x", ("--year", "2027")),
                                 ("--held", "2028/joint_meeting/health", ("--year", "2027")),
                                 ("--confirm", "2029/joint_meeting/health", ("--years", "2027..2028")),
                                 ("--move", "2028/joint_meeting/health@2028-04-20", ("--year", "2027"))):
        code, out, err = run("plan", *years, "--out", str(tmp_path / "out"), option, ident)
        named = ident.partition("@")[0]
        assert code == 1 and f"{option} {named}" in err and "（处理办法：" in err, (option, out, err)
        assert ("2027, 2028" if years[0] == "--years" else "2027") in err
        assert not (tmp_path / "out").exists()
    code, _, err = run("plan", "--year", "2027", "--held", "2028/joint_meeting/health", "--lang", "en")
    assert code == 1 and "not an engagement of the year(s) given (2027)" in err and "--year 2028" in err
    # a change of a year that is in the run still works with another year's beside it refused
    code, _, err = run("plan", "--years", "2027..2028", "--out", str(tmp_path / "out"),
                       "--confirm", "2028/joint_meeting/health")
    assert code == 0, err


def test_a_broken_state_file_names_the_command_that_writes_it(tmp_path: Path) -> None:
    assert run("plan", "--year", "2026", "--out", str(tmp_path))[0] == 0
    state = tmp_path / "2026" / "plan-seed-2026.json"
    data = json.loads(state.read_text(encoding="utf-8"))
    data["engagements"][2]["host"] = "nobody"
    state.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("plan", "--year", "2026", "--out", str(tmp_path))
    assert code == 1 and "$.engagements[2].host: 没有名为“nobody”的单位" in err
    data["engagements"][2] = dict(json.loads(state.read_text(encoding="utf-8"))["engagements"][3], dat=1)
    state.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run("plan", "--year", "2026", "--out", str(tmp_path), "--lang", "en")
    assert code == 1 and "liaison plan --out DIR" in err  # the edge names its command; the core does not


def test_an_events_file_change_the_state_overrides_is_warned_of_in_the_export(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison.host import plugins

    monkeypatch.setenv("LIAISON_PLUGINS", "ical")
    plugins.reset()
    events = tmp_path / "events.toml"
    events.write_text((EXAMPLES / "events-2027.toml").read_text(encoding="utf-8"), encoding="utf-8")
    out = str(tmp_path / "out")
    symposium = "2027/symposium/symposium-2027-budget"
    try:
        assert run("export", "ical", "--year", "2027", "--out", out, "--events", str(events))[0] == 0
        assert run("plan", "--year", "2027", "--out", out, "--cancel", symposium)[0] == 0
        code, text, err = run("export", "ical", "--year", "2027", "--out", out, "--events", str(events))
        assert code == 0 and symposium not in text, err  # the file did not change: nothing to say
        events.write_text(events.read_text(encoding="utf-8").replace("2027-09-14", "2027-09-21"), encoding="utf-8")
        code, text, err = run("export", "ical", "--year", "2027", "--out", out, "--events", str(events))
        assert code == 0, err
        flat = " ".join(text.split())
        assert f"注意: 活动文件修改了{symposium}（现为 2027-09-21 14:30）" in flat
        assert "“已取消”（2027-09-14 14:30）：保留年度状态" in flat
        state = json.loads((tmp_path / "out" / "2027" / "plan-seed-2027.json").read_text(encoding="utf-8"))
        kept = next(e for e in state["engagements"] if e["id"] == symposium)
        assert (kept["status"], kept["date"]) == ("cancelled", "2027-09-14")
        # told once: the file as now seen is the state's, so the next export has nothing to say
        code, text, _ = run("export", "ical", "--year", "2027", "--out", out, "--events", str(events), "--lang", "en")
        assert code == 0 and symposium not in text
    finally:
        plugins.reset()


@pytest.mark.parametrize(("lang", "explained"), [("zh", "可理解为"), ("en", "the text alone does not say this")])
def test_check_prints_a_readings_explanation_once_as_a_footnote(tmp_path: Path, lang: str, explained: str) -> None:
    """The local reading of §3.6 is read for every pairing: its explanation is printed once, as ※1
    below the table, and the lines refer to it; the JSON document keeps it in every message."""
    assert run("plan", "--year", "2027", "--out", str(tmp_path))[0] == 0
    code, out, _ = run("check", "--year", "2027", "--out", str(tmp_path), "--lang", lang)
    assert code == 0
    table, _, below = out.partition("\n※1 ")
    assert below and explained in below.splitlines()[0]  # the footnote, on one line
    assert explained not in table and table.count("※1") >= 3
    assert "\n※1 " not in below  # once
    _, out, _ = run("check", "--year", "2027", "--out", str(tmp_path), "--format", "json")
    messages = [f[f"message_{lang}"] for f in json.loads(out)["findings"]]
    assert sum(explained in m for m in messages) >= 3 and not any("※" in m for m in messages)


def test_footnoted_lines_with_their_footnotes_say_what_the_findings_say() -> None:
    import re

    from liaison.formats.district import seed_district
    from liaison.law.compliance import check
    from liaison.law.findings import footnoted
    from liaison.law.records import Records

    district = seed_district()
    report = check(district, Records(district_id=district.info.id), 2027)
    for lang in ("zh", "en"):
        lines, notes = footnoted(report.findings, lang)
        assert notes and len(notes) == len(set(notes))
        explained: dict[str, str] = {}
        for f, line in zip(report.findings, lines, strict=True):
            marks = re.findall(r"※\d+", line)
            if f.explained(lang):
                assert marks and line.replace(marks[0], f.explained(lang)) == f.message(lang)
                assert explained.setdefault(marks[0], f.explained(lang)) == f.explained(lang)
            else:
                assert line == f.message(lang)
        assert len(explained) == len(notes)


def test_a_replan_during_the_year_places_nothing_on_a_day_gone_by(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """`liaison plan --out` re-plans on today (LIAISON_TODAY here): two whole-day symposia on 30 and 31
    December take the half-day of a visit proposed for the 30th and every one after it; run on 28
    December, the visit goes on the 28th or 29th — not back in January, where the search from its aim
    wrapped round to before today."""
    visit = "2027/visit/dev-reform/czgp/1"
    out = str(tmp_path / "out")
    assert run("plan", "--year", "2027", "--out", out)[0] == 0  # planned before the year (the clock: 2026)
    state = tmp_path / "out" / "2027" / "plan-seed-2027.json"

    def placed() -> tuple[str, str]:
        found = next(e for e in json.loads(state.read_text(encoding="utf-8"))["engagements"] if e["id"] == visit)
        return found["date"], found["start"]

    assert placed() == ("2027-12-30", "14:30")
    events = tmp_path / "events.toml"
    events.write_text("".join(f'[[events]]\nkind = "symposium"\ndate = 2027-12-{d}\ntitle_zh = "座谈会{d}"\n'
                              f'id = "whole-day-{d}"\nstart = "09:00"\nend = "17:30"\n\n' for d in (30, 31)),
                      encoding="utf-8")
    monkeypatch.setenv("LIAISON_TODAY", "2027-12-28")
    code, _, err = run("plan", "--year", "2027", "--out", out, "--events", str(events))
    assert code == 0, err
    assert "2027-12-28" <= placed()[0] < "2027-12-30"
