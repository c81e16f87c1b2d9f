"""Format versions and `liaison upgrade` (issue #20.2): an older district file is refused with the
command that brings it forward, a newer one is named as newer, and the upgrade keeps the file as the
person wrote it — comments, order and every untouched byte — while it marks what format 1 could not
say and lists what only the person can decide."""

from __future__ import annotations

import difflib
import json
import os
import re
import stat
import tomllib
from pathlib import Path

import pytest
import tomlkit
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import liaison
from liaison.base.errors import MAX_LISTED, DataError, LiaisonError
from liaison.formats.district import parse_district
from liaison.formats.syntax import FormatError
from liaison.formats.upgrade import CONFIRM, Upgrade, upgrade_file
from liaison_cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
PREVIOUS = Path(__file__).parent / "data" / "seed-0.1.0.toml"  # the seed as liaison 0.1.0 shipped it
LINE = 'format = "liaison-district/2"\n'
PREVIOUS_RULES = PREVIOUS.read_text(encoding="utf-8").count("[[provisions.rules]]")  # none quotes its sentence


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    runner = CliRunner()
    if cwd is None:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
    else:
        here = os.getcwd()
        os.chdir(cwd)
        try:
            result = runner.invoke(cli, list(args), catch_exceptions=False)
        finally:
            os.chdir(here)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def previous_text() -> str:
    return PREVIOUS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def upgraded(previous_text: str) -> Upgrade:
    return upgrade_file(previous_text, file="seed.toml")


def quote_sentences(text: str) -> str:
    """What the person does after the upgrade: quote, in each rule, the sentence it implements (here
    taken from today's seed, rule by rule; the loader checks each is words of its provision)."""
    sentences = {r.key: r.sentence_zh for p in liaison.seed_district().provisions for r in p.rules}
    doc = tomlkit.parse(text)
    for prov in doc["provisions"]:
        for rule in prov.get("rules", []):
            rule["sentence_zh"] = sentences[rule["key"]]
    return tomlkit.dumps(doc)


def inserted_only(old: str, new: str) -> list[str]:
    """The lines the upgrade added, checking it added lines and nothing else: every line of ``old`` is
    in ``new``, byte for byte and in order."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    added: list[str] = []
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag not in ("equal", "insert"):  # a diff of repeated blocks may align them otherwise: the test
            return _inserted_in_order(a, b)  # is whether ``old`` is a subsequence of ``new``, read greedily
        if tag == "insert":
            added += b[j1:j2]
    return added


def _inserted_in_order(a: list[str], b: list[str]) -> list[str]:
    """The lines of ``b`` left when ``a``'s are matched in order, each to the first equal line not yet
    used (the earliest match decides whether ``a`` is a subsequence of ``b``); fails if one is missing."""
    added: list[str] = []
    lines = iter(b)
    for line in a:
        for candidate in lines:
            if candidate == line:
                break
            added.append(candidate)
        else:
            raise AssertionError(f"the upgrade changed or removed the line {line!r}")
    return [*added, *lines]


# ------------------------------------------------------------------------------- the previous release
def test_the_previous_release_seed_is_format_1_and_is_refused(previous_text: str) -> None:
    with pytest.raises(FormatError) as caught:
        parse_district(previous_text, file="seed.toml")
    assert caught.value.version == 1 and not caught.value.newer and caught.value.path is None
    assert "written for format 1 (liaison 0.1)" in caught.value.message
    assert "按第 1 版格式（liaison 0.1）编写" in (caught.value.message_zh or "")


def test_upgrading_the_previous_release_seed_marks_and_lists_what_format_1_could_not_say(upgraded: Upgrade) -> None:
    assert upgraded.kind == "district" and upgraded.version == 1 and upgraded.changed and not upgraded.complete
    doc = tomllib.loads(upgraded.text)
    assert doc["format"] == "liaison-district/2"
    roles = {p["id"]: p.get("pairing_role") for p in doc["provisions"]}
    assert (roles["§2.1"], roles["§2.2"]) == ("common_liaison", "listed")  # 区发改局 is paired with every branch
    research = next(r for p in doc["provisions"] for r in p.get("rules", []) if r["key"] == "research-feedback")
    assert research["due_days"] == 30 and research["local"]["due_days"].startswith(CONFIRM)
    work = next(r for p in doc["provisions"] for r in p.get("rules", []) if r["key"] == "work-meeting")
    assert set(work["local"]) == {"scope", "min_per_period", "max_per_period", "period_years", "cycle_anchor_year",
                                  "duration_minutes", "valid_from"}
    assert doc["district"]["part_period"]["note"].startswith(CONFIRM)
    # every rule is left for a sentence, none filled with a guess, and each is named as a place to do
    rules = [r for p in doc["provisions"] for r in p.get("rules", [])]
    assert len(rules) == PREVIOUS_RULES and all(r["sentence_zh"] == "" for r in rules)
    todo = [n for n in upgraded.notes if n.action == "todo"]
    assert len(todo) == PREVIOUS_RULES and all(n.path and n.path[-1] == "sentence_zh" for n in todo)
    checks = [n.at for n in upgraded.notes if n.action == "check"]
    assert "$.provisions[7].pairing_role" in checks and "$.district.part_period" in checks
    assert upgraded.remaining is None  # what the loader refuses is exactly what the to-do notes name


def test_the_upgraded_previous_seed_plans_and_checks_once_its_sentences_are_quoted(tmp_path: Path,
                                                                                   previous_text: str) -> None:
    """`liaison upgrade --write` on the 0.1.0 seed, the sentences quoted, then `liaison plan` and `liaison
    check` with the result: the district's own 30-day deadline is a local setting (未达本区设定), not a
    breach of the regulation as a file fixed by hand only for pairing_role reads it."""
    (tmp_path / "seed.toml").write_text(previous_text, encoding="utf-8")
    code, out, err = run("upgrade", "seed.toml", "--write", "--lang", "en", cwd=tmp_path)
    assert code == 1 and out == ""
    assert "wrote seed.toml (the original is seed.toml.orig)" in err
    assert err.count("to do: $.provisions[") == PREVIOUS_RULES and f"{PREVIOUS_RULES} to do" in err.splitlines()[-1]
    assert (tmp_path / "seed.toml.orig").read_text(encoding="utf-8") == previous_text
    (tmp_path / "seed.toml").write_text(quote_sentences((tmp_path / "seed.toml").read_text(encoding="utf-8")),
                                        encoding="utf-8")
    assert run("upgrade", "seed.toml", "--lang", "en", cwd=tmp_path)[0:1] == (0,)

    code, out, err = run("plan", "--year", "2027", "--data", "seed.toml", "--format", "json", cwd=tmp_path)
    assert code == 0, err
    kinds = [e["kind"] for e in json.loads(out)["engagements"]]
    assert kinds.count("visit") == 33 and kinds.count("work_meeting") == 1  # 2027: a year of the 2023 cycle

    (tmp_path / "records.toml").write_text(
        'format = "liaison-records/1"\ndistrict = "seed"\n\n[[research_results]]\nid = "R1"\ntitle = "调研报告"\n'
        'submitted_by = "农工党总支部"\ndepartment = "区卫生局"\nreceived = 2027-03-01\nfeedback = 2027-04-20\n',
        encoding="utf-8")
    code, out, err = run("check", "--year", "2027", "--data", "seed.toml", "--records", "records.toml",
                         "--format", "json", cwd=tmp_path)
    assert code == 0, err
    late = [f for f in json.loads(out)["findings"] if f["rule"] == "research-feedback" and f["status"] == "late"]
    assert len(late) == 1 and late[0]["severity"] == "local" and late[0]["rests_on"] == ["due_days"]

    # the minimal hand fix (the roles only) loads, and reads the same deadline as the regulation's
    hand = quote_sentences(LINE + previous_text.replace('title_en = "Common liaison units"\nmodality = "shall"\n',
                                                        'title_en = "Common liaison units"\nmodality = "shall"\n'
                                                        'pairing_role = "common_liaison"\n').replace(
        'title_en = "Other pairings"\nmodality = "shall"\n',
        'title_en = "Other pairings"\nmodality = "shall"\npairing_role = "listed"\n'))
    (tmp_path / "hand.toml").write_text(hand, encoding="utf-8")
    code, out, err = run("check", "--year", "2027", "--data", "hand.toml", "--records", "records.toml",
                         "--format", "json", cwd=tmp_path)
    assert code == 0, err
    late = [f for f in json.loads(out)["findings"] if f["rule"] == "research-feedback" and f["status"] == "late"]
    assert late[0]["severity"] == "violation"


# ---------------------------------------------------------------------- comments, order, idempotence
COMMENTED = '''\
# 本区联系制度（示例，第 1 版格式）
# 每条规则的数字都来自原文吗？升级会逐条列出。

[district]
id = "old"   # 本区编号
name = "旧区"
name_en = "Old District"
regulation_title = "旧区联系意见"
source = "a test"

# ---------------------------------------------------------------- organisations
[[organisations]]
id = "gov"
name = "区人民政府"
short_name = "区政府"
name_en = "District Government"
kind = "district_government"

[[organisations]]
id = "office"
name = "区人民政府办公室"
short_name = "区府办"
name_en = "General Office"
kind = "government_office"

[[organisations]]
id = "health"
name = "区卫生局"
short_name = "卫生局"
name_en = "Health Bureau"
kind = "department"

[[organisations]]
id = "cpwdp"
name = "农工党总支部"
short_name = "农工党"
name_en = "CPWDP general branch"
kind = "party_branch"
party = "cpwdp"

# ---------------------------------------------------------------- pairings
[[pairings]]
department = "health"
counterpart = "cpwdp"
clause = "§2"   # 第二条
valid_from = 2022-05-22

# ---------------------------------------------------------------- provisions
[[provisions]]
id = "§2"
citation_zh = "二"
title_zh = "对口联系"
title_en = "Pairing"
modality = "shall"
text_zh = "区卫生局对口联系农工党总支部。"

[[provisions]]
id = "§3"
citation_zh = "三"
title_zh = "走访与会议"
title_en = "Visits and meetings"
modality = "shall"
text_zh = """部门领导每年应走访对口联系的民主党派1至2次。
区政府每三年召开一次联系工作会议。"""

[[provisions.rules]]
# 每年1至2次
kind = "cadence"
key = "visit"
sentence_zh = "部门领导每年应走访对口联系的民主党派1至2次"
engagement_kind = "visit"
scope = "pairing"
host = "department"
min_per_period = 1
max_per_period = 2  # 原文如此

[[provisions.rules]]
kind = "cadence"
key = "work-meeting"
engagement_kind = "work_meeting"
scope = "government"
host = "district_government"
min_per_period = 1
period_years = 3
rules_note_below = 0

# the last comment of the file
'''.replace("rules_note_below = 0\n", "")


def test_comments_and_order_are_kept_and_every_untouched_byte_too() -> None:
    result = upgrade_file(COMMENTED, file="old.toml")
    added = inserted_only(COMMENTED, result.text)
    assert LINE in added and result.text.index(LINE) > result.text.index("# 每条规则的数字")  # after the header
    assert "[district.part_period]\n" in added and "pairing_role = \"listed\"\n" in added
    assert "cycle_anchor_year = 2022\n" in added  # where format 1 counted three-year periods from
    assert result.text.endswith("# the last comment of the file\n")
    # the section comments still introduce their sections
    assert re.search(r"# -+ organisations\n\[\[organisations\]\]", result.text)
    assert re.search(r"# -+ provisions\n\[\[provisions\]\]", result.text)
    doc = tomllib.loads(result.text)
    visit = doc["provisions"][1]["rules"][0]
    assert visit["sentence_zh"] == "部门领导每年应走访对口联系的民主党派1至2次"  # quoted already: kept
    assert set(visit["local"]) == {"scope", "min_per_period", "max_per_period"}
    assert [n.path for n in result.notes if n.action == "todo"] == [("provisions", 1, "rules", 1, "sentence_zh")]


def test_a_file_with_crlf_line_ends_keeps_them() -> None:
    crlf = COMMENTED.replace("\n", "\r\n")
    result = upgrade_file(crlf)
    added = inserted_only(crlf, result.text)
    assert LINE.replace("\n", "\r\n") in added and all(line.endswith("\r\n") for line in added)
    assert tomllib.loads(result.text)["format"] == "liaison-district/2"


def without_format_line(text: str) -> str:
    """``text`` without the format line the upgrade wrote (and the blank line it put before a table)."""
    stripped = re.sub(r'^format = "liaison-district/2"\r?\n(?:\r?\n(?=\[))?', "", text, count=1, flags=re.M)
    assert stripped != text
    return stripped


@pytest.mark.parametrize("text", [COMMENTED, PREVIOUS.read_text(encoding="utf-8")], ids=["commented", "seed-0.1.0"])
def test_upgrading_twice_is_upgrading_once(text: str) -> None:
    once = upgrade_file(text)
    again = upgrade_file(once.text)
    assert not again.changed and again.text == once.text and not again.notes
    # each step is idempotent on its own, not only by the format line: without it, the same file again
    assert upgrade_file(without_format_line(once.text)).text == once.text


def test_a_format_line_of_format_1_gets_the_new_value_in_its_place(previous_text: str) -> None:
    named = previous_text.replace("[district]", 'format = "liaison-district/1"  # kept\n\n[district]', 1)
    result = upgrade_file(named)
    assert result.version == 1 and result.text.count("format = ") == 1
    assert 'format = "liaison-district/2"  # kept\n\n[district]' in result.text
    assert result.text == upgrade_file(previous_text).text.replace(
        LINE + "\n[district]", 'format = "liaison-district/2"  # kept\n\n[district]', 1)


def test_a_rule_its_author_marked_is_left_as_marked(seed_text: str) -> None:
    """Today's unversioned layout (format 1 too): the seed without its format line gains the line and
    nothing else — every rule of it already says its local settings."""
    unversioned = seed_text.replace(LINE + "\n", "", 1)
    result = upgrade_file(unversioned)
    assert result.text == seed_text and result.complete and [n.action for n in result.notes] == ["changed"]


def test_a_file_already_current_has_nothing_to_do(seed_text: str) -> None:
    result = upgrade_file(seed_text)
    assert not result.changed and result.complete and result.text == seed_text
    assert result.summary() == "already format 2; nothing to do"
    assert result.summary("zh") == "已是第 2 版格式，无需升级"
    code, out, err = run("upgrade", str(ROOT / "src" / "liaison" / "data" / "seed.toml"), "--lang", "en")
    assert code == 0 and out == seed_text and err.strip() == "already format 2; nothing to do"


def test_a_current_file_that_does_not_load_is_named_as_such(seed_text: str) -> None:
    broken = seed_text.replace('sentence_zh = "区政府每两年召开一次', 'sentence_zh = "区政府每年召开一次', 1)
    result = upgrade_file(broken, file="d.toml")
    assert not result.changed and not result.complete and result.remaining is not None
    assert result.remaining.path == "$.provisions[10].rules[0].sentence_zh"
    assert result.summary() == "already format 2; nothing to do to upgrade, 1 to do before the file loads"


# ---------------------------------------------------------------------------- records and events
@pytest.mark.parametrize(("name", "kind"), [("records-2026.toml", "records"), ("events-2027.toml", "events")])
def test_records_and_events_files_get_their_format_line_and_nothing_else(name: str, kind: str) -> None:
    current = (ROOT / "examples" / name).read_text(encoding="utf-8")
    line = f'format = "liaison-{kind}/1"\n'
    without = re.sub(re.escape(line) + r"\n?", "", current, count=1)
    assert without != current
    result = upgrade_file(without, file=name)
    assert result.kind == kind and result.version == 1 and result.complete and result.text == current
    assert line in inserted_only(without, result.text)
    assert not upgrade_file(current).changed


def test_a_records_file_without_its_line_still_loads_as_format_1(seed: liaison.District) -> None:
    text = (ROOT / "examples" / "records-2026.toml").read_text(encoding="utf-8")
    without = text.replace('format = "liaison-records/1"\n', "", 1)
    assert liaison.parse_records(without, seed) == liaison.parse_records(text, seed)


def test_the_previous_releases_records_file_is_still_format_1_and_loads(seed: liaison.District) -> None:
    """Records (and events) have only gained optional keys since 0.1: their format stays 1."""
    previous = (Path(__file__).parent / "data" / "records-0.1.0.toml").read_text(encoding="utf-8")
    records = liaison.parse_records(previous, seed, file="records-0.1.0.toml")
    assert records.engagements and records.research_results
    result = upgrade_file(previous)
    assert result.kind == "records" and result.complete
    assert inserted_only(previous, result.text) == ['format = "liaison-records/1"\n']


# --------------------------------------------------------------------- refusing old and newer files
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("command", [["plan", "--year", "2027"], ["check", "--year", "2027"],
                                     ["export", "ical", "--year", "2027", "--out", "out"],
                                     ["provisions"]], ids=lambda c: c[0])
def test_an_old_file_is_refused_with_the_command_that_upgrades_it(tmp_path: Path, previous_text: str,
                                                                  command: list[str], lang: str) -> None:
    (tmp_path / "old district.toml").write_text(previous_text, encoding="utf-8")
    code, _, err = run(*command, "--data", "old district.toml", "--lang", lang, cwd=tmp_path)
    assert code == 1 and "Traceback" not in err
    line = err.strip()
    assert len(line.splitlines()) == 1
    if lang == "en":
        assert line.startswith("error: old district.toml: written for format 1 (liaison 0.1); "
                               "run: liaison upgrade 'old district.toml' --write (fix: ")
    else:
        assert line.startswith("错误: old district.toml: 按第 1 版格式（liaison 0.1）编写；"
                               "请运行：liaison upgrade 'old district.toml' --write（处理办法：")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("kind", "value"), [("district", "liaison-district/3"), ("district", "liaison-district/x"),
                                             ("records", "liaison-records/2"), ("events", "liaison-events/10")])
def test_a_newer_format_is_named_as_newer(seed_text: str, seed: liaison.District, kind: str, value: str) -> None:
    texts = {"district": seed_text.replace(LINE, "", 1),
             "records": (ROOT / "examples" / "records-2026.toml").read_text(encoding="utf-8").replace(
                 'format = "liaison-records/1"\n', "", 1),
             "events": (ROOT / "examples" / "events-2027.toml").read_text(encoding="utf-8").replace(
                 'format = "liaison-events/1"\n', "", 1)}
    text = f'format = "{value}"\n' + texts[kind]
    parse = {"district": lambda: parse_district(text, file="f.toml"),
             "records": lambda: liaison.parse_records(text, seed, file="f.toml"),
             "events": lambda: liaison.parse_events(text, seed, file="f.toml")}[kind]
    for attempt in (parse, lambda: upgrade_file(text, file="f.toml")):
        with pytest.raises(FormatError) as caught:
            attempt()
        assert caught.value.newer and caught.value.path == "$.format"
        assert f"written by a newer liaison (format {value})" in caught.value.render()
        assert "由更新版本的 liaison 编写" in caught.value.render("zh")


# ------------------------------------------------------------------------------ what format 2 asks
def test_a_rule_without_sentence_zh_is_a_load_error_at_its_path(seed_text: str) -> None:
    line = next(x for x in seed_text.splitlines() if x.startswith('sentence_zh = "区直各有关对口联系部门领导'))
    for broken in (seed_text.replace(line + "\n", "", 1), seed_text.replace(line, 'sentence_zh = ""', 1)):
        with pytest.raises(DataError) as caught:
            parse_district(broken, file="d.toml")
        assert caught.value.path == "$.provisions[15].rules[0].sentence_zh"
        assert "rule 'leader-visit' quotes no sentence of §3.6" in caught.value.message
        assert "规则“leader-visit”未引用§3.6的原文句子" in (caught.value.message_zh or "")


def test_a_cited_provision_without_pairing_role_is_the_provisions_problem_said_once(seed_text: str) -> None:
    broken = seed_text.replace('pairing_role = "common_liaison"\n', "", 1)
    with pytest.raises(DataError) as caught:
        parse_district(broken, file="d.toml")
    assert caught.value.path == "$.provisions[7].pairing_role" and len(caught.value.problems) <= 1
    assert "§2.1 is cited by 16 pairings" in caught.value.message
    assert "pairings[" not in caught.value.render()


def test_several_problems_are_reported_at_once(seed_text: str) -> None:
    broken = (seed_text.replace('pairing_role = "listed"\n', "", 1)
              .replace('id = "peoples-congress"', 'id = "gov-office"', 1)
              .replace('sentence_zh = "区政府每两年召开一次', 'sentence_zh = "区政府每年召开一次', 1))
    with pytest.raises(DataError) as caught:
        parse_district(broken, file="d.toml")
    error = caught.value
    assert [p.path for p in error.problems] == ["$.organisations[2].id", "$.provisions[8].pairing_role",
                                                "$.provisions[10].rules[0].sentence_zh"]
    assert (error.path, error.message) == (error.problems[0].path, error.problems[0].message)
    lines = error.render().splitlines()
    assert lines[:3] == [p.render() for p in error.problems] and lines[3] == "3 problems in all"
    assert error.render("zh").splitlines()[3] == "共 3 处问题"
    assert all(line.startswith("d.toml: $.") for line in lines[:3])
    moved = error.located(file="other.toml")
    assert all(p.file == "other.toml" for p in moved.problems) and moved.render().startswith("other.toml: $.")


def test_a_long_list_of_problems_is_cut_with_how_many_more(seed_text: str) -> None:
    broken = re.sub(r'sentence_zh = "[^"]*"', 'sentence_zh = ""', seed_text)
    problems = [DataError(f"problem {i}", file="d.toml", path=("x", i), fix="f") for i in range(MAX_LISTED + 7)]
    error = DataError.several(problems)
    lines = error.render().splitlines()
    assert len(lines) == MAX_LISTED + 2 and lines[-2] == "… and 7 more"
    assert lines[-1] == f"{MAX_LISTED + 7} problems in all"
    assert error.render("zh").splitlines()[-2] == "……另有 7 处问题未列出"
    with pytest.raises(DataError) as caught:
        parse_district(broken, file="d.toml")
    assert len(caught.value.problems) == seed_text.count("[[provisions.rules]]")  # every rule, not the first


# ----------------------------------------------------------------------------- what is not upgraded
@pytest.mark.parametrize(("text", "words"), [
    ("[tool.ruff]\nline-length = 120\n", "not a district, records or events file"),
    ('{"format": "liaison-state/1", "year": 2027, "engagements": []}', "has no format to upgrade"),
    ("[district\nid = 'x'", "not valid TOML"),
    ('format = "liaison-district/0"\n[district]\n[[organisations]]\n', "formats are numbered from 1"),
])
def test_what_is_not_a_file_to_upgrade_is_a_data_error(text: str, words: str) -> None:
    with pytest.raises(DataError) as caught:
        upgrade_file(text, file="x.toml")
    assert words in caught.value.render() and caught.value.render().startswith("x.toml: ")


def test_the_command_refuses_a_missing_file_in_the_usual_shape(tmp_path: Path) -> None:
    code, _, err = run("upgrade", "nowhere.toml", "--lang", "en", cwd=tmp_path)
    assert code == 1 and err.strip() == "error: nowhere.toml: no such file (fix: check the path)"


# ------------------------------------------------------------------------------------- --write
def test_write_keeps_the_original_beside_it_and_the_files_mode(tmp_path: Path) -> None:
    target = tmp_path / "d.toml"
    target.write_text(COMMENTED, encoding="utf-8")
    os.chmod(target, 0o640)
    (tmp_path / "d.toml.orig").write_text("an earlier upgrade's copy", encoding="utf-8")
    code, written, err = run("upgrade", "d.toml", "--write", cwd=tmp_path)
    assert code == 1 and written == ""  # a sentence to quote: named, and the file is written all the same
    assert "原文件保存为 d.toml.orig.1" in err and "待办: $.provisions[1].rules[1].sentence_zh" in err
    assert (tmp_path / "d.toml.orig").read_text(encoding="utf-8") == "an earlier upgrade's copy"
    assert (tmp_path / "d.toml.orig.1").read_text(encoding="utf-8") == COMMENTED
    assert target.read_text(encoding="utf-8") == upgrade_file(COMMENTED, file="d.toml").text
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.toml", "d.toml.orig", "d.toml.orig.1"]  # no temp files


def test_a_failed_write_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk full when the upgraded file is written: a DataError in the usual shape, the file as it was."""
    import errno

    import liaison_workspace

    written: list[Path] = []
    real = liaison_workspace.write_atomic

    def full_on_the_second(path: Path, data: bytes) -> None:
        if written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(path)
        real(path, data)

    monkeypatch.setattr(liaison_workspace, "write_atomic", full_on_the_second)
    (tmp_path / "d.toml").write_text(COMMENTED, encoding="utf-8")
    code, _, err = run("upgrade", "d.toml", "--write", "--lang", "en", cwd=tmp_path)
    assert code == 1 and err.strip().splitlines()[-1].startswith(
        "error: d.toml: cannot write the upgraded file: No space left on device (fix: ")
    assert (tmp_path / "d.toml").read_text(encoding="utf-8") == COMMENTED
    assert written == [tmp_path / "d.toml.orig"]


# ----------------------------------------------------------------------------------- any text at all
def _lines(text: str) -> list[str]:
    return text.splitlines()


SOURCE_LINES = sorted(set(_lines(PREVIOUS.read_text(encoding="utf-8")) + _lines(COMMENTED)))
#: Documents of every shape the upgrade walks: its keys at any level, holding anything.
KEYS = ["district", "organisations", "pairings", "provisions", "rules", "id", "kind", "clause", "department",
        "counterpart", "key", "scope", "period_years", "cycle_anchor_year", "due_days", "valid_from", "local", "basis",
        "sentence_zh", "pairing_role", "part_period", "format", "events", "engagements"]
scalars = st.one_of(st.integers(-3, 3000), st.sampled_from(["cadence", "response", "§2", "party_branch", "icf", "d",
                                                            "liaison-district/1", ""]), st.booleans(),
                    st.dates())
trees = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
                     max_leaves=30)
documents = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(SOURCE_LINES), max_size=120).map("\n".join),
    st.lists(st.sampled_from(SOURCE_LINES), max_size=40).map(lambda ls: "[district]\n[[pairings]]\n" + "\n".join(ls)),
    st.dictionaries(st.sampled_from(KEYS), trees, max_size=6).map(tomlkit.dumps),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents)
def test_upgrading_any_text_raises_only_liaison_errors(text: str) -> None:
    """Whatever the text, the upgrade returns an Upgrade or raises a LiaisonError; what it returns
    reads back as TOML and upgrading it again changes nothing."""
    try:
        result = upgrade_file(text, file="any.toml")
    except LiaisonError as exc:
        event(f"refused: {type(exc).__name__}")
        return
    event(f"upgraded a {result.kind} file, {len(result.notes)} notes" if result.changed else "nothing to upgrade")
    tomllib.loads(result.text)
    again = upgrade_file(result.text, file="any.toml")
    assert not again.changed and again.text == result.text


#: District files of format 1 in every shape the transforms meet: rules of each kind with and without
#: their numbers, marks, sentences and anchors, provisions cited or not, odd values where values go.
odd = st.one_of(st.integers(-2, 40), st.text(max_size=3), st.booleans(), st.lists(st.integers(0, 3), max_size=2))
rule_tables = st.fixed_dictionaries(
    {"kind": st.sampled_from(["cadence", "response", "routing", "record_only", "invitation", "odd"]),
     "key": st.sampled_from(["visit", "meeting", "feedback", "x"])},
    optional={"scope": st.sampled_from(["pairing", "department", "government"]), "min_per_period": odd,
              "period_years": odd, "cycle_anchor_year": odd, "due_days": odd, "valid_from": st.dates(),
              "sentence_zh": st.sampled_from(["", "部门领导每年应走访", "x"]),
              "local": st.one_of(st.just({}), st.just({"min_per_period": "本区设定"}), odd),
              "basis": st.sampled_from(["text", "local", "odd"])})
provision_tables = st.fixed_dictionaries(
    {"id": st.sampled_from(["§1", "§2", "§3"]), "rules": st.one_of(*[st.lists(rule_tables, min_size=1, max_size=3)] * 3,
                                                                   odd)},
    optional={"pairing_role": st.sampled_from(["listed"]),
              "text_zh": st.just("部门领导每年应走访对口联系的民主党派1至2次。")})
district_documents = st.fixed_dictionaries(
    {"district": st.one_of(*[st.fixed_dictionaries({"id": st.just("d")}, optional={"part_period": st.just({})})] * 3,
                           odd),
     "provisions": st.one_of(*[st.lists(provision_tables, min_size=1, max_size=4)] * 3, odd)},
    optional={"organisations": st.lists(st.fixed_dictionaries(
                  {"id": st.sampled_from(["a", "b", "c"]),
                   "kind": st.sampled_from(["department", "party_branch", "icf"])}), max_size=4),
              "pairings": st.one_of(st.lists(st.fixed_dictionaries(
                  {"department": st.sampled_from(["a", "b"]), "counterpart": st.sampled_from(["b", "c"]),
                   "clause": st.sampled_from(["§1", "§2", "§9"])}), max_size=4), odd)})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=district_documents, comment=st.sampled_from(["", "# a header\n\n", "# a header\n"]))
def test_upgrading_any_district_of_format_1_only_adds_lines_and_is_idempotent(tree: dict[str, object],
                                                                               comment: str) -> None:
    text = comment + tomlkit.dumps(tree)
    try:
        result = upgrade_file(text, file="d.toml")
    except LiaisonError as exc:
        event(f"refused: {exc.message[:40]}")
        return
    event(f"upgraded, {sum(n.action != 'changed' for n in result.notes)} to check or do")
    assert result.kind == "district" and result.changed
    inserted_only(text, result.text)
    once = tomllib.loads(result.text)
    assert once["format"] == "liaison-district/2"
    assert upgrade_file(result.text).text == result.text
    # each change is made only where needed: the upgraded file without its format line upgrades to itself
    assert upgrade_file(without_format_line(result.text)).text == result.text
