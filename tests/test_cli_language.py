"""Issue #24.9: the command speaks the output's language — its --help, click's usage errors, the date
parser's words, the fix's label and an interrupt — chosen by --lang, else the locale (docs/cli.md)."""

from __future__ import annotations

import copy
import datetime as dt
import gettext
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from liaison.base.errors import Refused
from liaison.base.text import parse_date
from liaison.host import language
from liaison_cli.main import cli

ROOT = Path(__file__).parents[1]
CATALOGUE = ROOT / "src" / "liaison" / "host" / "locale" / "zh" / "LC_MESSAGES"
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
#: What a Chinese help line may hold in ASCII: option names, metavars (FILE, [text|json], ID@YYYY-MM-DD),
#: commands in backticks, paths, values and numbers.
_VERBATIM = re.compile(r"`[^`]*`|'[^']*'|-{1,2}[\w-]+(?:=\S*)?|\[[^\]]*\]|\b[A-Z][A-Z_.@:|\[\]<>-]*\b|\S*[/\\@=]\S*|"
                       r"[\w-]+(?:\.\w+)+|\b\w*\d\w*\b")
#: The locale's variables, unset around every test so the machine's own locale does not decide.
LOCALE = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")


@pytest.fixture(autouse=True)
def no_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LOCALE:
        monkeypatch.delenv(name, raising=False)


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, prog_name="liaison")


def ascii_only(line: str) -> bool:
    """A line with words but no Chinese, once option names, metavars, values and paths are taken out."""
    rest = _VERBATIM.sub(" ", line)
    return bool(re.search(r"[A-Za-z]", rest)) and not _CJK.search(rest)


def english_runs(text: str) -> list[str]:
    """Three or more English words in a row, outside what may stay verbatim: English prose."""
    return re.findall(r"[A-Za-z][\w-]*(?:[ ,;:()]+[A-Za-z][\w-]*){2,}", _VERBATIM.sub(" ", text))


def test_the_checkers_can_fail() -> None:
    assert ascii_only("  --year INTEGER  The year.") and not ascii_only("  --year INTEGER  年度。")
    assert not ascii_only("  --per-pairing / --per-department") and not ascii_only("  --event [a|b]  [required]")
    assert english_runs("  --held TEXT  把活动标为已召开（`liaison plan`，见 docs/cli.md）") == []
    assert english_runs("  --held TEXT  标为 held in the plan") == ["held in the plan"]


COMMANDS = sorted(cli.commands)


def with_plugin_commands() -> click.Group:
    """The group as the command shows it: a copy of ``cli`` with the commands every installed plugin
    registers (``register_commands``: liaison-web's ``serve`` and ``web``)."""
    from liaison.host import plugins

    loaded = os.environ.pop("LIAISON_PLUGINS", None)  # every installed plugin, as the command loads them
    plugins.reset()
    try:
        group = copy.copy(cli)
        group.commands = dict(cli.commands)
        plugins.plugin_manager().hook.register_commands(cli=group)
        return group
    finally:
        if loaded is not None:
            os.environ["LIAISON_PLUGINS"] = loaded
        plugins.reset()


def plugin_command_paths() -> list[tuple[str, ...]]:
    group = with_plugin_commands()
    paths: list[tuple[str, ...]] = []
    for name in sorted(set(group.commands) - set(cli.commands)):
        paths.append((name,))
        command = group.commands[name]
        if isinstance(command, click.Group):
            paths.extend((name, sub) for sub in sorted(command.commands))
    return paths


@pytest.mark.parametrize("path", plugin_command_paths(), ids=" ".join)
def test_a_plugins_commands_speak_as_the_cores(path: tuple[str, ...]) -> None:
    """A plugin declares its commands with liaison.host.language: its help in Chinese for a Chinese
    clerk, in English for --lang en, and click's words in both."""
    group = with_plugin_commands()
    zh = CliRunner().invoke(group, [*path, "--help"], env={"LANG": "zh_CN.UTF-8"}, prog_name="liaison")
    assert zh.exit_code == 0, zh.output
    lines = zh.output.splitlines()
    assert lines[0].startswith("用法： liaison"), lines[0]
    assert [line for line in lines[1:] if ascii_only(line)] == []
    assert english_runs(zh.output.partition("\n")[2]) == []
    en = CliRunner().invoke(group, ["--lang", "en", *path, "--help"], prog_name="liaison")
    assert en.exit_code == 0 and en.output.startswith("Usage: liaison") and not _CJK.search(en.output), en.output


@pytest.mark.parametrize("command", ["", *COMMANDS], ids=lambda c: c or "liaison")
def test_every_help_is_chinese_in_chinese(command: str) -> None:
    result = invoke(*[c for c in (command,) if c], "--help", env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("用法： liaison"), lines[0]
    assert "选项:" in lines and ("命令:" in lines) == (command == "")
    assert [line for line in lines[1:] if ascii_only(line)] == []
    assert english_runs(result.output.partition("\n")[2]) == []
    assert "Show this message" not in result.output and "显示本帮助后退出。" in result.output
    # a Chinese character fills two columns: wrapped to the terminal (80), not to a count of characters
    assert [line for line in lines if _CJK.search(line) and language.display_width(line) > 80] == []


def test_chinese_wraps_between_characters_and_keeps_words_and_notes_whole() -> None:
    lines = language.wrap_wide("输出的语言：帮助、表格（LC_ALL、LC_MESSAGES 或 LANG）。 [默认：text]", 20)
    assert all(language.display_width(line) <= 20 for line in lines), lines
    assert "LC_MESSAGES" in "".join(lines).replace(" ", "") and any("LC_MESSAGES" in line for line in lines)
    assert lines[-1].endswith("[默认：text]") and not any(line.startswith(("，", "。", "）")) for line in lines)


@pytest.mark.parametrize("command", ["", *COMMANDS], ids=lambda c: c or "liaison")
def test_every_help_is_english_in_english(command: str) -> None:
    named = [c for c in (command,) if c]
    for result in (invoke(*named, "--help", env={"LANG": "en_US.UTF-8"}),
                   invoke("--lang", "en", *named, "--help", env={"LANG": "zh_CN.UTF-8"})):
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Usage: liaison") and "Options:" in result.output
        assert not _CJK.findall(result.output), result.output


def test_the_group_lists_each_command_by_its_first_chinese_sentence() -> None:
    said = invoke("--help").output
    assert re.search(r"^  plan +按全国工作日编排的年度计划$", said, flags=re.M), said
    assert re.search(r"^  route +一份文件应抄送哪些单位，依据哪一条$", said, flags=re.M), said
    width = max(len(line) + len(_CJK.findall(line)) for line in said.splitlines() if line.startswith("  check"))
    assert width <= 80  # a Chinese character fills two columns: the list still fits a terminal


#: (command line, what it says in Chinese, in English): click's own refusals, each in both languages
USAGE = [
    (["route"], ["用法： liaison route [OPTIONS]", "运行 'liaison route --help' 查看帮助。",
                 "错误: 缺少选项 '--issuer'。"],
     ["Usage: liaison route [OPTIONS]", "Try 'liaison route --help' for help.", "Error: Missing option '--issuer'."]),
    (["plan", "--yaer", "2027"], ["错误: 没有选项 '--yaer'。（您是否要找：'--year', '--years'？）"],
     ["Error: No such option '--yaer'. (Did you mean one of: '--year', '--years'?)"]),
    (["plan", "--year", "abc"], ["错误: '--year' 的值无效：'abc' 不是数字。"],
     ["Error: Invalid value for '--year': 'abc' is not a valid integer."]),
    (["check", "--year", "2027", "--fail-on", "bad"],
     ["错误: '--fail-on' 的值无效：'bad' 不在可选值 'violation', 'deviation', 'local' 之中。"],
     ["Error: Invalid value for '--fail-on': 'bad' is not one of 'violation', 'deviation', 'local'."]),
    (["plna"], ["错误: 没有命令 'plna'。（您是否要找：'plan'？）"],
     ["Error: No such command 'plna'. Did you mean 'plan'?"]),
    (["export"], ["用法： liaison export [OPTIONS] FORMAT", "错误: 缺少参数 'FORMAT'。"],
     ["Error: Missing argument 'FORMAT'."]),
    (["plan", "--year"], ["错误: 选项 '--year' 后面要写 1 个值。"], ["Error: Option '--year' requires an argument."]),
    (["upgrade", "a.toml", "b.toml"], ["错误: 多出了参数（b.toml）：本命令不接受它们"],
     ["Error: Got unexpected extra argument (b.toml)"]),
    (["plan", "--data", "."], ["错误: '--data' 的值无效：'.' 是文件夹，这里要的是文件。"],
     ["Error: Invalid value for '--data': File '.' is a directory."]),
    (["check", "--year", "2027"], ["错误: 请给出实际开展的情况：--records FILE、--plan STATE_FILE 或 --out DIR"],
     ["Error: give what happened: --records FILE, --plan STATE_FILE or --out DIR"]),
]


@pytest.mark.parametrize(("args", "zh", "en"), USAGE, ids=[" ".join(a) for a, _, _ in USAGE])
def test_each_usage_error_in_both_languages(args: list[str], zh: list[str], en: list[str]) -> None:
    chinese = invoke("--lang", "zh", *args)
    assert chinese.exit_code == 2 and all(part in chinese.stderr for part in zh), chinese.stderr
    assert [line for line in chinese.stderr.splitlines() if ascii_only(line) and not line.startswith("用法： ")] == []
    assert english_runs(chinese.stderr) == [], chinese.stderr
    english = invoke("--lang", "en", *args)
    assert english.exit_code == 2 and all(part in english.stderr for part in en), english.stderr
    assert not _CJK.findall(english.stderr), english.stderr


def test_click_words_leave_the_process_as_it_was() -> None:
    """The catalogue is installed while click parses and shows, then the domain and LANGUAGE are back."""
    before = gettext.textdomain()
    assert invoke("route", "--lang", "zh").exit_code == 2
    assert gettext.textdomain() == before and "LANGUAGE" not in os.environ
    assert gettext.gettext("Missing option") == "Missing option"


# ------------------------------------------------------------------------------------- the rule
@pytest.mark.parametrize(("environ", "lang"), [
    ({}, "zh"),
    ({"LANG": "C.UTF-8"}, "zh"),
    ({"LANG": "POSIX"}, "zh"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_TW.Big5"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ({"LC_ALL": "", "LC_MESSAGES": "en_US", "LANG": "zh_CN.UTF-8"}, "en"),
])
def test_the_locale_chooses_the_language(environ: dict[str, str], lang: str) -> None:
    assert language.from_locale(environ) == lang
    result = invoke("pairings", "--org", "卫生", env=environ)
    assert result.exit_code == 1
    expected = "错误: 没有名为“卫生”的单位" if lang == "zh" else "error: no organisation is called"
    assert result.stderr.startswith(expected), \
        result.stderr
    usage = invoke("route", env=environ)
    assert ("缺少选项" in usage.stderr) == (lang == "zh") and ("Missing option" in usage.stderr) == (lang == "en")
    shown = invoke("plan", "--help", env=environ).output
    assert ("年度。默认：明年。" in shown) == (lang == "zh")
    assert ("The year. Default: next year." in shown) == (lang == "en")


@pytest.mark.parametrize(("args", "lang"), [
    (["plan", "--lang", "en"], "en"), (["plan", "--lang=en"], "en"), (["--lang", "en", "plan"], "en"),
    (["plan", "--lang", "en", "--lang", "zh"], "zh"), (["plan", "--lang", "fr"], None),
    (["plan", "--move", "x", "--", "--lang", "en"], None),
])
def test_lang_on_the_command_line_wins(args: list[str], lang: str | None) -> None:
    assert language.from_command_line(args) == lang
    assert language.chosen(args, {"LANG": "zh_CN.UTF-8" if lang == "en" else "en_US.UTF-8"}) == (lang or "en")


def test_the_answers_of_the_queries_are_english_in_english() -> None:
    """pairings, route, invitees and plugins print their tables in the output's language too."""
    for args, zh, en in (
        (["pairings", "--as-of", "2027-01-01", "--org", "九三学社"], "对口联系安排（截至 2027-01-01，共 4 对）",
         "Pairings in force on 2027-01-01 (4)"),
        (["route", "--issuer", "区卫生局", "--date", "2027-03-01"], "区卫生局 2027-03-01 政策性文件抄送（2 家）",
         "Health Bureau 2027-03-01 policy documents: copied to (2)"),
        (["invitees", "--event", "professional_meeting", "--host", "区教育局", "--date", "2027-05-12"],
         "区教育局 专业性会议 2027-05-12 邀请名单（2 家，可）",
         "Education Bureau professional meeting 2027-05-12: invited"),
        (["plugins"], "已加载插件（1）", "Loaded plugins (1)"),
    ):
        chinese, english = invoke(*args).stdout, invoke(*args, "--lang", "en").stdout
        assert zh in chinese and en in english, (chinese, english)
        table = english.split("\n§")[0]  # the provision's text below is the regulation's translation
        assert not _CJK.findall(table), table


def test_lang_before_the_command_counts_too() -> None:
    result = invoke("--lang", "en", "pairings", "--org", "卫生", env={"LANG": "zh_CN.UTF-8"})
    assert result.stderr.startswith("error: no organisation is called"), result.stderr
    result = invoke("--lang", "en", "plan", "--year", "2027", "--visits", "1000", env={"LANG": "zh_CN.UTF-8"})
    assert result.stderr.startswith("error: --visits: 1000: visits_per_pairing must be"), result.stderr


# -------------------------------------------------------------------------------------- dates
def test_the_date_parser_says_which_day_does_not_exist() -> None:
    move = "2027/visit/health/jiusan/1@2027-02-30"
    chinese = invoke("plan", "--year", "2027", "--move", move, "--lang", "zh")
    assert chinese.exit_code == 2
    assert chinese.stderr == (f"错误: --move: {move}: 没有2027年2月30日"
                              "（处理办法：请写日历上有的日期，格式为 YYYY-MM-DD，如 2027-03-01）\n")
    english = invoke("plan", "--year", "2027", "--move", move, "--lang", "en")
    assert english.exit_code == 2
    assert english.stderr == (f"error: --move: {move}: there is no 30 February 2027 "
                              "(fix: write a day of the calendar as YYYY-MM-DD, e.g. 2027-03-01)\n")
    for args in (["pairings", "--as-of", "2027-02-29"],
                 ["check", "--year", "2027", "--out", "o", "--as-of", "2027-02-29"],
                 ["export", "ical", "--year", "2027", "--issued-on", "2027-02-29"]):
        said = invoke(*args, "--lang", "zh") if args[0] != "pairings" else invoke(*args)
        assert said.exit_code == 2
        assert said.stderr.startswith(f"错误: {args[-2]}: 2027-02-29: 没有2027年2月29日（处理办法："), \
            said.stderr
    assert invoke("pairings", "--as-of", "2028-02-29").exit_code == 0  # a leap year has it
    said = invoke("plan", "--year", "2027", "--move", "2027/visit/health/jiusan/1@2027-03-01T25:00", "--lang", "en")
    assert said.exit_code == 2 and "'25:00' is not a time of day" in said.stderr


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


@given(year=st.integers(1, 9999), month=st.integers(0, 14), day=st.integers(0, 39))
def test_a_written_date_is_the_day_or_says_why_not(year: int, month: int, day: int) -> None:
    text = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        expected: dt.date | None = dt.date(year, month, day)
    except ValueError:
        expected = None
    try:
        assert parse_date(text) == expected
    except Refused as refused:
        assert expected is None
        if not 1 <= month <= 12:
            assert (refused.message, refused.message_zh) == (f"there is no month {month}: a year has months 1 to 12",
                                                             f"没有{month}月：一年只有1至12月")
        else:
            assert (refused.message, refused.message_zh) == (f"there is no {day} {_MONTHS[month - 1]} {year}",
                                                             f"没有{year}年{month}月{day}日")
        assert refused.fix and refused.fix_zh


@pytest.mark.parametrize("text", ["5 January", "2027/03/01", "", "2027-3-1", "tomorrow"])
def test_text_that_is_no_date_is_named(text: str) -> None:
    with pytest.raises(Refused) as info:
        parse_date(text)
    assert info.value.message == f"{text!r} is not a date" and info.value.message_zh == f"{text!r} 不是日期"


# -------------------------------------------------------------------------------- interrupted
def test_an_interrupt_inside_a_command_is_reported_in_the_output_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison_cli import queries

    def interrupted(data_file: str | None) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(queries, "load", interrupted)
    for lang, said in (("zh", "已中断"), ("en", "Interrupted")):
        result = invoke("--lang", lang, "pairings")
        assert result.exit_code == 130, result.output
        assert result.stderr.strip() == said and "Aborted" not in result.output, result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)


SLOW = """
import sys, time
from liaison_cli import main, queries

def slow(data_file):
    print("ready", flush=True)
    time.sleep(60)

queries.load = slow
sys.argv = ["liaison", *sys.argv[1:]]
main.main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
@pytest.mark.parametrize(("lang", "said"), [("zh", "已中断"), ("en", "Interrupted")])
def test_ctrl_c_on_a_running_command_is_a_clean_interrupt(lang: str, said: str) -> None:
    """SIGINT, as Ctrl-C sends it, while the command works: one line, exit 130, no traceback."""
    # Ctrl-C as at a terminal: a test run started in the background (nohup, a CI step) hands its
    # children SIGINT ignored, and Python then never raises KeyboardInterrupt
    child = subprocess.Popen([sys.executable, "-c", SLOW, "--lang", lang, "pairings"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env={k: v for k, v in os.environ.items()
                                                                      if k not in LOCALE},
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 130, err
    assert err.strip() == said and "Traceback" not in err and "Aborted" not in err, err


# ------------------------------------------------------------------------------- the catalogue
def _click_messages() -> set[str]:
    """Every message click marks for gettext (what xgettext finds), and the one it passes in a variable."""
    import ast

    found = {"required"}
    for path in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
                continue
            first = node.args[0]
            if node.func.id in ("_", "ngettext") and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


#: click's words to a programmer who declared a command wrongly, never shown to a user of ours.
FOR_THE_PROGRAMMER = {
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Boolean option {decl!r} cannot use the same flag for true/false.", "Choice({choices})",
    "Could not determine name for option with declarations {decls!r}", "Name '{name}' defined twice",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? Did you mean "
    "to pass '--{name}'?", "Unknown standard stream '{name}'", "Value must be an iterable.", "d",
}


def test_the_catalogue_translates_every_message_click_shows() -> None:
    with (CATALOGUE / "liaison-click.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    translated = {key[0] if isinstance(key, tuple) else key for key in catalogue._catalog if key}  # type: ignore[attr-defined]
    messages = _click_messages()
    assert len(messages) > 60
    assert sorted(messages - translated - FOR_THE_PROGRAMMER) == []
    assert all(_CJK.search(catalogue.gettext(m)) for m in messages - FOR_THE_PROGRAMMER if m in translated)


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (GNU gettext) is not installed")
def test_the_shipped_mo_is_the_po_compiled(tmp_path: Path) -> None:
    compiled = tmp_path / "liaison-click.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(CATALOGUE / "liaison-click.po")], check=True)
    with compiled.open("rb") as fresh, (CATALOGUE / "liaison-click.mo").open("rb") as shipped:
        assert gettext.GNUTranslations(fresh)._catalog == gettext.GNUTranslations(shipped)._catalog  # type: ignore[attr-defined]


# ------------------------------------------------------------------------- the clerk's way around
@pytest.fixture
def year_folder(tmp_path: Path) -> Iterator[Path]:
    assert invoke("plan", "--year", "2027", "--out", str(tmp_path)).exit_code == 0
    yield tmp_path


def _state(out: Path) -> dict[str, object]:
    return json.loads((out / "2027" / "plan-seed-2027.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_plan_with_out_lists_every_engagement_with_its_id(year_folder: Path) -> None:
    """Issue #24.8: `liaison plan --year 2027 --out out` with nothing to change printed "0 项变化" and an
    empty table; the guide sends the clerk there for the ids."""
    state = year_folder / "2027" / "plan-seed-2027.json"
    before_mtime = state.stat().st_mtime_ns
    result = invoke("plan", "--year", "2027", "--out", str(year_folder), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "2027年：无变化" in result.stdout and "未改动" in result.stdout and "已写入" not in result.stdout
    assert state.stat().st_mtime_ns == before_mtime, "a plan with nothing to change rewrote the state"
    # a provisional year says what to do about it and what the letters issued meanwhile say (#24 review)
    assert ("--holidays 文件" in result.stdout) == bool(_state(year_folder)["provisional"])
    engagements = _state(year_folder)["engagements"]
    assert isinstance(engagements, list) and engagements
    assert f"2027年计划（{len(engagements)} 项）" in result.stdout
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip().startswith("2027/")}
    assert set(rows) == {e["id"] for e in engagements}
    for e in engagements:
        assert e["date"] in rows[e["id"]] and "拟定" in rows[e["id"]], rows[e["id"]]
    english = invoke("plan", "--year", "2027", "--out", str(year_folder), "--lang", "en").stdout
    assert f"2027: the plan ({len(engagements)} engagements)" in english and "proposed" in english
    assert "2027: no change" in english and "written to" not in english


HEALTH = "2027/joint_meeting/health"  # the seed's 2027 plan puts it on 2027-03-30


def test_held_for_a_day_that_has_not_come_is_refused_unless_forced(year_folder: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_TODAY", "2027-12-31")  # the clock past the year: --as-of decides here
    state = year_folder / "2027" / "plan-seed-2027.json"
    before = state.read_bytes()
    day = next(e["date"] for e in _state(year_folder)["engagements"] if e["id"] == HEALTH)  # type: ignore[attr-defined]
    early = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
    refused = invoke("plan", "--year", "2027", "--out", str(year_folder), "--held", HEALTH, "--as-of", early)
    assert refused.exit_code == 1
    said = f"错误: {HEALTH}的日期是{day}，在{early}之后，还不可能已召开；未作任何修改（处理办法："
    assert refused.stderr.startswith(said), \
        refused.stderr
    assert "--force" in refused.stderr and "--move" in refused.stderr
    assert state.read_bytes() == before
    english = invoke("plan", "--year", "2027", "--out", str(year_folder), "--held", HEALTH, "--as-of", early,
                     "--lang", "en")
    assert english.stderr.startswith(f"error: {HEALTH} is dated {day}, after {early}: it cannot have been held yet")
    # by default the day of the change is today, and next year has not come
    year = 2028
    assert invoke("plan", "--year", str(year), "--held", f"{year}/joint_meeting/health").exit_code == 1
    forced = invoke("plan", "--year", "2027", "--out", str(year_folder), "--held", HEALTH, "--as-of", early, "--force")
    assert forced.exit_code == 0 and "拟定 → 已召开" in forced.stdout
    assert next(e["status"] for e in _state(year_folder)["engagements"]  # type: ignore[attr-defined]
                if e["id"] == HEALTH) == "held"


def test_held_for_a_day_after_the_real_today_is_refused_whatever_as_of_says(
        year_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #24.8: an --as-of set in the future does not make a meeting's day come: the clock (read at
    the edge; LIAISON_TODAY stands in for it here) says what can have been held."""
    state = year_folder / "2027" / "plan-seed-2027.json"
    before = state.read_bytes()
    day = next(e["date"] for e in _state(year_folder)["engagements"] if e["id"] == HEALTH)  # type: ignore[attr-defined]
    now = (dt.date.fromisoformat(day) - dt.timedelta(days=20)).isoformat()
    later = (dt.date.fromisoformat(day) + dt.timedelta(days=2)).isoformat()
    monkeypatch.setenv("LIAISON_TODAY", now)
    refused = invoke("plan", "--year", "2027", "--out", str(year_folder), "--held", HEALTH, "--as-of", later)
    assert refused.exit_code == 1 and state.read_bytes() == before
    assert refused.stderr.startswith(f"错误: {HEALTH}的日期是{day}，在{now}之后，还不可能已召开"), refused.stderr
    assert f"--as-of {later} 尚未到来：今天是 {now}" in refused.stderr and "处理办法" in refused.stderr
    assert "--force" in refused.stderr and english_runs(refused.stderr) == []
    english = invoke("plan", "--year", "2027", "--out", str(year_folder), "--held", HEALTH, "--as-of", later,
                     "--lang", "en")
    assert english.exit_code == 1 and f"--as-of {later} is a day still to come: today is {now}" in english.stderr
    assert "--force" in english.stderr and "(fix:" in english.stderr
    assert not re.search(r"[\u4e00-\u9fff]", english.stderr)
    assert state.read_bytes() == before
    monkeypatch.setenv("LIAISON_TODAY", later)  # the day has come: the same command goes through
    accepted = invoke("plan", "--year", "2027", "--out", str(year_folder), "--held", HEALTH, "--as-of", later)
    assert accepted.exit_code == 0, accepted.stderr
    monkeypatch.setenv("LIAISON_TODAY", "tomorrow")
    wrong = invoke("plan", "--year", "2027", "--out", str(year_folder), "--lang", "zh")
    assert wrong.exit_code == 1 and "LIAISON_TODAY" in wrong.stderr and "不是日期" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def test_held_on_its_day_or_after_a_move_to_an_earlier_day_is_accepted(year_folder: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_TODAY", "2027-12-31")
    day = next(e["date"] for e in _state(year_folder)["engagements"] if e["id"] == HEALTH)  # type: ignore[attr-defined]
    on_the_day = invoke("plan", "--year", "2027", "--out", str(year_folder), "--held", HEALTH, "--as-of", day)
    assert on_the_day.exit_code == 0, on_the_day.stderr
    other = "2027/visit/dev-reform/cndca/1"
    moved = invoke("plan", "--year", "2027", "--out", str(year_folder), "--move", f"{other}@2027-01-12",
                   "--held", other, "--as-of", "2027-01-12")
    assert moved.exit_code == 0, moved.stderr
    found = next(e for e in _state(year_folder)["engagements"] if e["id"] == other)  # type: ignore[attr-defined]
    assert (found["date"], found["status"]) == ("2027-01-12", "held")


def test_a_move_onto_a_day_gone_by_is_refused_unless_forced_or_held(year_folder: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Review 25b item 3: nobody agrees to meet on a day that has passed — `--move` onto a day before
    the day of the change (today, or an earlier --as-of) is refused (DayGoneBy), nothing written,
    with the command's words for what to do: --held with it, or --force."""
    monkeypatch.setenv("LIAISON_TODAY", "2027-06-15")
    state = year_folder / "2027" / "plan-seed-2027.json"
    before = state.read_bytes()
    other = "2027/visit/dev-reform/cndca/1"
    refused = invoke("plan", "--year", "2027", "--out", str(year_folder), "--move", f"{HEALTH}@2027-05-20")
    assert refused.exit_code == 1 and state.read_bytes() == before
    assert refused.stderr.startswith(f"错误: {HEALTH}不能商定在2027-05-20：该日已过（作出修改的日期是2027-06-15）"), \
        refused.stderr
    assert "同时给出 --held 编号" in refused.stderr and "--force" in refused.stderr
    assert english_runs(refused.stderr) == []
    english = invoke("plan", "--year", "2027", "--out", str(year_folder), "--move", f"{HEALTH}@2027-05-20",
                     "--lang", "en")
    assert english.exit_code == 1 and "cannot be agreed for 2027-05-20: the day is past" in english.stderr
    assert "give --held ID with the --move" in english.stderr and not re.search(r"[\u4e00-\u9fff]", english.stderr)
    # an --as-of before the day: the change was made then, and the day was still to come
    assert invoke("plan", "--year", "2027", "--out", str(year_folder), "--move", f"{other}@2027-05-20",
                  "--as-of", "2027-05-01").exit_code == 0
    # held on that day: the move and --held together
    held = invoke("plan", "--year", "2027", "--out", str(year_folder), "--move", f"{HEALTH}@2027-05-20",
                  "--held", HEALTH)
    assert held.exit_code == 0, held.stderr
    forced = invoke("plan", "--year", "2027", "--out", str(year_folder), "--move", f"{other}@2027-05-21", "--force")
    assert forced.exit_code == 0, forced.stderr
    found = {e["id"]: e for e in _state(year_folder)["engagements"]}  # type: ignore[attr-defined]
    assert (found[HEALTH]["date"], found[HEALTH]["status"]) == ("2027-05-20", "held")
    assert (found[other]["date"], found[other]["status"]) == ("2027-05-21", "agreed")
