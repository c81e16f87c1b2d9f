"""The `liaison` command: every query in text and JSON, honouring --data, and clean errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from liaison.formats.district import seed_district
from liaison_cli.main import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str) -> dict[str, object]:
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    assert isinstance(payload, dict)
    return payload


def test_provisions_shows_the_verbatim_text_of_3_6() -> None:
    code, out, _ = run("provisions", "§3.6")
    assert code == 0
    assert "区直各有关对口联系部门领导每年应安排1至2次走访对口联系的民主党派、工商联" in out
    assert "三（六）" in out and "走访联谊制度" in out


def test_provisions_json_lists_all_eighteen_with_rules() -> None:
    payload = run_json("provisions")
    provisions = payload["provisions"]
    assert isinstance(provisions, list) and len(provisions) == 18
    visit = next(p for p in provisions if p["id"] == "§3.6")
    rule = visit["rules"][0]
    assert {k: rule[k] for k in ("key", "engagement_kind", "scope", "host", "min_per_period", "max_per_period",
                                 "period_years", "duration_minutes", "valid_from", "valid_until", "kind", "basis")} == {
        "key": "leader-visit", "engagement_kind": "visit", "scope": "pairing", "host": "department",
        "min_per_period": 1, "max_per_period": 2, "period_years": 1, "duration_minutes": 120,
        "valid_from": "2022-05-22", "valid_until": None, "kind": "cadence", "basis": "text"}
    assert set(rule["local"]) == {"scope", "duration_minutes", "valid_from"}  # each with a note
    assert rule["sentence_zh"].startswith("区直各有关对口联系部门领导每年应安排1至2次走访")


def test_provisions_show_what_the_district_set_itself() -> None:
    code, out, _ = run("provisions", "§1.3")
    assert code == 0 and "答复期限: 本区设定（原文未规定）" in out and "30日为本区设定" in out
    code, out, _ = run("provisions")
    assert code == 0 and "本区设定（原文未规定）" in out


RAW_WORDS = ("all_counterparts", "relevant_counterparts", "paired_counterparts", "consultation", "research_result",
             "due_days", "cycle_anchor_year", "duration_minutes", "max_per_period", "leader_in_charge",
             "liaison_office", "government policy", "department policy", "special_personnel", "briefing",
             "joint_research", "scope")


def test_provisions_in_chinese_show_chinese_words_not_the_data_identifiers() -> None:
    outputs = [run("provisions")[1], *(run("provisions", pid)[1] for pid in ("§1.1", "§1.2", "§1.3", "§1.4", "§3.1",
                                                                             "§3.2", "§3.3", "§3.6"))]
    found = [(word, out.splitlines()[0]) for out in outputs for word in RAW_WORDS if word in out]
    assert found == []
    assert "邀请：座谈会 → 各民主党派、工商联（座谈）" in outputs[0] and "答复：征求意见15日内" in outputs[0]
    assert "指定：分管领导、负责处室、联络人员" in outputs[0]


def test_provisions_in_english_are_english() -> None:
    seed = seed_district()
    # the English text of the regulation glosses some terms in Chinese (列席): what the code writes is English
    outputs = [run("provisions", "--lang", "en")[1],
               *(run("provisions", p.id, "--lang", "en")[1].replace(p.text_en.strip(), "") for p in seed.provisions)]
    cjk = [line for out in outputs for line in out.splitlines() if re.search(r"[\u4e00-\u9fff]", line)]
    assert cjk == []
    assert "answer: consultation within 15 days" in outputs[0] and "the first year of the cycle" in outputs[0]
    assert not [w for w in ("due_days", "all_counterparts", "leader_in_charge") if w in outputs[0]]


def test_pairings_as_of_2027_lists_33() -> None:
    payload = run_json("pairings", "--as-of", "2027-01-01")
    assert len(payload["pairings"]) == 33  # type: ignore[arg-type]
    code, out, _ = run("pairings", "--as-of", "2027-01-01")
    assert code == 0
    assert "共 33 对" in out and "区卫生局" in out


def test_pairings_for_one_organisation() -> None:
    payload = run_json("pairings", "--as-of", "2027-01-01", "--org", "九三学社")
    assert {p["department"]["name"] for p in payload["pairings"]} == {  # type: ignore[attr-defined, index]
        "区发改局", "区财政局", "区农林水利局", "区卫生局"}


def test_route_from_the_health_bureau() -> None:
    payload = run_json("route", "--issuer", "区卫生局", "--date", "2027-01-01")
    assert [r["name"] for r in payload["recipients"]] == ["农工党总支部", "九三学社综合支社"]  # type: ignore[index]
    assert payload["recipients"][0]["provisions"] == ["§3.2", "§2.2"]  # type: ignore[index]
    _, out, _ = run("route", "--issuer", "区卫生局", "--date", "2027-01-01")
    assert "农工党总支部" in out and "九三学社综合支社" in out and "§3.2" in out


@pytest.mark.parametrize("issuer", ["区发改局", "区政府办公室"])
def test_route_from_a_common_liaison_unit_or_the_general_office_gives_all_eight(issuer: str) -> None:
    payload = run_json("route", "--issuer", issuer, "--date", "2027-01-01")
    assert len(payload["recipients"]) == 8  # type: ignore[arg-type]


def test_invitees_of_a_plenary_meeting() -> None:
    payload = run_json("invitees", "--event", "plenary_meeting", "--date", "2027-03-01")
    assert len(payload["invitees"]) == 8  # type: ignore[arg-type]
    assert payload["provisions"] == ["§1.2"] and payload["modality"] == "shall"
    code, out, _ = run("invitees", "--event", "plenary_meeting", "--date", "2027-03-01")
    assert code == 0 and "列席" in out


def test_every_query_honours_data(tmp_path: Path, seed_text: str) -> None:
    other = tmp_path / "other.toml"
    other.write_text(seed_text.replace(
        'department = "health"\ncounterpart = "jiusan"\nclause = "§2.2"\nvalid_from = 2022-05-22\n',
        'department = "health"\ncounterpart = "jiusan"\nclause = "§2.2"\nvalid_from = 2022-05-22\n'
        "valid_until = 2026-01-01\n"), encoding="utf-8")
    payload = run_json("route", "--issuer", "区卫生局", "--date", "2027-01-01", "--data", str(other))
    assert [r["name"] for r in payload["recipients"]] == ["农工党总支部"]  # type: ignore[index]
    assert len(run_json("pairings", "--as-of", "2027-01-01", "--data", str(other))["pairings"]) == 32  # type: ignore[arg-type]
    assert len(run_json("provisions", "--data", str(other))["provisions"]) == 18  # type: ignore[arg-type]
    assert len(run_json("invitees", "--event", "major_event", "--data", str(other))["invitees"]) == 8  # type: ignore[arg-type]


@pytest.mark.parametrize(("args", "expected"), [
    (("route", "--issuer", "区卫生"), "您是否要找：区卫生局"),
    (("provisions", "§9.9"), "没有条款“§9.9”"),
    (("pairings", "--data", "/nonexistent/district.toml"), "文件不存在"),
    (("invitees", "--event", "professional_meeting"), "请写明主办单位"),
])
def test_bad_input_exits_1_with_one_clear_line(args: tuple[str, ...], expected: str) -> None:
    code, out, err = run(*args)
    assert code == 1
    assert expected in err and "Traceback" not in err + out
    assert err.startswith("错误: ") and err.count("\n") == 1


def test_errors_come_in_english_with_lang_en() -> None:
    code, _, err = run("check", "--year", "2026", "--records", "/nonexistent/records.toml", "--lang", "en")
    assert code == 1 and err.startswith("error: /nonexistent/records.toml: no such file")


def test_a_broken_data_file_names_the_path(tmp_path: Path, seed_text: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(seed_text.replace('counterpart = "cpwdp"', 'counterpart = "nobody"', 1), encoding="utf-8")
    code, _, err = run("pairings", "--data", str(bad))
    assert code == 1 and str(bad) in err and "$.pairings[" in err and "counterpart" in err


def test_a_bad_date_is_a_usage_error() -> None:
    code, _, err = run("pairings", "--as-of", "2027-13-01")
    assert code == 2 and err.startswith("错误: --as-of: 2027-13-01: 没有13月"), err


def test_plugins_lists_the_loaded_plugins_and_what_they_provide() -> None:
    payload = run_json("plugins")
    [builtin] = payload["plugins"]  # type: ignore[misc]  # LIAISON_PLUGINS is empty in the core tests
    assert builtin["name"] == "liaison.host.builtin" and builtin["distribution"] == "built-in"
    assert builtin["record_readers"] == [{"name": "toml", "suffixes": [".toml"],
                                          "description": "records as TOML (docs/records-format.md)"}]
    code, out, _ = run("plugins")
    assert code == 0 and "liaison.host.builtin" in out and "record_reader toml" in out


def test_brackets_in_names_are_printed_literally(tmp_path: Path, seed_text: str) -> None:
    odd = tmp_path / "odd.toml"
    odd.write_text(seed_text.replace('name = "区卫生局"', 'name = "区卫生局[/red][bold]"'), encoding="utf-8")
    for args in (("pairings", "--org", "health"), ("route", "--issuer", "health"), ("plan", "--year", "2026")):
        code, out, err = run(*args, "--data", str(odd))
        assert code == 0, err
        assert "区卫生局[/red][bold]" in out




def test_year_options_are_strict() -> None:
    assert run("plan", "--year", "2026", "--years", "2027..2028")[0] == 2
    assert run("plan", "--years", "2026..")[0] == 2
    code, _, err = run("plan", "--year", "0")
    assert code == 1 and "无法安排0年" in err
    code, _, err = run("plan", "--year", "2026", "--visits", "1000", "--lang", "en")
    assert code == 2 and err.startswith("error: --visits: 1000: visits_per_pairing must be between 0 and 12, not 1000")
    code, _, err = run("plan", "--year", "2026", "--visits", "1000")
    assert code == 2 and err.startswith("错误: --visits: 1000: visits_per_pairing 应在 0 到 12 之间，而不是 1000")
