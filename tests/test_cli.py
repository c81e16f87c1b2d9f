"""The `liaison` command: every query in text and JSON, honouring --data, and clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

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
    assert visit["rules"][0] == {
        "key": "leader-visit", "engagement_kind": "visit", "scope": "pairing", "host": "department",
        "min_per_period": 1, "max_per_period": 2, "period_years": 1, "cycle_anchor_year": 2022,
        "duration_minutes": 120, "modality": None, "valid_from": "2022-05-22", "valid_until": None,
        "kind": "cadence"}


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
    (("route", "--issuer", "区卫生"), "did you mean: 区卫生局"),
    (("provisions", "§9.9"), "no provision"),
    (("pairings", "--data", "/nonexistent/district.toml"), "no such file"),
    (("invitees", "--event", "professional_meeting"), "say which"),
])
def test_bad_input_exits_1_with_one_clear_line(args: tuple[str, ...], expected: str) -> None:
    code, out, err = run(*args)
    assert code == 1
    assert expected in err and "Traceback" not in err + out
    assert err.startswith("错误 error: ")


def test_a_broken_data_file_names_the_path(tmp_path: Path, seed_text: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(seed_text.replace('counterpart = "cpwdp"', 'counterpart = "nobody"', 1), encoding="utf-8")
    code, _, err = run("pairings", "--data", str(bad))
    assert code == 1 and str(bad) in err and "$.pairings[" in err and "counterpart" in err


def test_a_bad_date_is_a_usage_error() -> None:
    code, _, err = run("pairings", "--as-of", "2027-13-01")
    assert code == 2 and "is not a date" in err


def test_plugins_lists_the_loaded_plugins() -> None:
    payload = run_json("plugins")
    assert isinstance(payload["plugins"], list)
    code, out, _ = run("plugins")
    assert code == 0 and "loaded plugins" in out
