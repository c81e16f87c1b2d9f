"""Exporter and publisher option errors in the output's language: Chinese throughout under the default
``--lang zh``, English throughout under ``--lang en``, and a Chinese help for every declared option."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import liaison
from liaison.base.errors import OptionError
from liaison.host import plugins
from liaison.host.exporting import Artifact, Exporter, ExportRequest
from liaison.host.options import Option
from liaison_cli.main import cli

ROOT = Path(__file__).parents[1]
PLUGINS = "ical,docx,xlsx,html,caldav"  # every plugin of this repository that declares options

#: What may stay ASCII in a Chinese sentence: quoted values, commands in backticks, flags, KEY=VALUE,
#: addresses and paths.
_VERBATIM = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`|--[\w-]+|\S+=\S*|\S*://\S*|\S*/\S*")
#: Three or more ASCII words in a row: English prose.
_ENGLISH_RUN = re.compile(r"[A-Za-z][\w.-]*(?:[ ,;:()]+[A-Za-z][\w.-]*){2,}")
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def english_runs(text: str) -> list[str]:
    """The runs of English words in ``text`` outside what may stay verbatim."""
    return _ENGLISH_RUN.findall(_VERBATIM.sub(" ", text))


def chinese_outside_quotes(text: str) -> list[str]:
    return _CJK.findall(_VERBATIM.sub(" ", text))


def test_the_checkers_can_fail() -> None:
    assert english_runs("选项 x：expected a whole number（处理办法：请写整数）") == ["expected a whole number"]
    assert english_runs("选项 x：应为整数，而不是 'a b c'（处理办法：用 --option a=b c d 或 `liaison plugins`）") == []
    assert chinese_outside_quotes("option x: not '区府办' but 整数") == ["整", "数"]


@pytest.fixture
def loaded_plugins() -> str:
    return PLUGINS


class Loud:
    """A test plugin whose options check with a plain ValueError, and one has no Chinese help."""

    __name__ = "loud-exporter"

    @staticmethod
    def _volume(value: int) -> int:
        if value > 10:
            raise ValueError("far too loud for the office")
        return value

    @staticmethod
    @liaison.hookimpl
    def register_exporters(register: Callable[[Exporter], None]) -> None:
        def export(request: ExportRequest) -> Iterable[Artifact]:
            yield Artifact("loud.txt", "text/plain", b"")
        register(Exporter("loud", "a loud exporter", export, options=(
            Option(name="volume", type="int", default=1, help="how loud, up to ten", check=Loud._volume,
                   help_zh="音量，最大为 10"),
            Option(name="echo", type="bool", default=False, help="repeat everything"),
        )))


@pytest.fixture
def loud() -> Iterator[None]:
    pm = plugins.plugin_manager()
    pm.register(Loud, name="loud-exporter")
    yield
    pm.unregister(name="loud-exporter")


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the 2027 state (what `liaison publish` needs)."""
    out = tmp_path_factory.mktemp("out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LIAISON_PLUGINS", PLUGINS)
        plugins.reset()
        result = CliRunner().invoke(cli, ["export", "ical", "--year", "2027", "--out", str(out)])
        plugins.reset()
    assert result.exit_code == 0, result.output
    return out


def run(out: Path, lang: str, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--year", "2027", "--out", str(out), "--lang", lang])
    assert result.exit_code == 1, result.output
    return result.output.strip()


#: (command line, what the Chinese error says, what the English one says)
CASES = [
    (["publish", "caldav"], ["options.url:", "发布插件 caldav 需要选项 url", "请给出 CalDAV 服务器的地址"],
     ["publisher 'caldav' needs the option url", "give the CalDAV server's address"]),
    (["publish", "caldav", "--url", "https://cal.example.org/", "--option", "timeout=soon"],
     ["选项 timeout（发布插件 caldav）：应为整数，而不是 'soon'", "一次请求最多用时（秒）"],
     ["publisher 'caldav' option timeout: expected a whole number, not 'soon'", "seconds a request may take"]),
    (["publish", "caldav", "--url", "ftp://cal.example.org/"],
     ["选项 url（发布插件 caldav）：'ftp://cal.example.org/' 不是 http:// 或 https:// 地址"],
     ["'ftp://cal.example.org/' is not an http:// or https:// address"]),
    (["publish", "caldav", "--url", "https://cal.example.org/", "--option", "colour=red"],
     ["发布插件 caldav 没有选项 'colour'", "它的选项有：url（文字）",
      "auth（文字，可选 basic|digest|auto，默认 'basic'）", "verify_tls（是或否，默认 是）"],
     ["publisher 'caldav' has no option 'colour'", "its options are: url (text)"]),
    (["export", "ical", "--option", "alarm_minutes=abc"],
     ["options.alarm_minutes: 选项 alarm_minutes（导出插件 ical）：应为整数，而不是 'abc'",
      "（处理办法：在每项活动开始前多少分钟提醒，如 30）"],
     ["exporter 'ical' option alarm_minutes: expected a whole number, not 'abc'",
      "(fix: a reminder that many minutes before each event, e.g. 30)"]),
    (["export", "ical", "--option", "alarm_minutes=-5"], ["至少为 0，而不是 -5"], ["must be 0 or more, not -5"]),
    (["export", "ical", "--option", "dtstamp=2027-01-01T08:00"], ["没有注明与协调世界时的时差"], ["has no UTC offset"]),
    (["export", "ical", "--option", "refresh=P1Y"], ["'P1Y' 不是时长"], ["'P1Y' is not a duration"]),
    (["export", "ical", "--option", "nope=1"],
     ["options.nope: 这里的导出插件都没有选项 'nope'", "可用的选项有：ical.alarm_minutes、ical.dtstamp"],
     ["no exporter here has an option 'nope'", "the options are: ical.alarm_minutes; ical.dtstamp"]),
    (["export", "ical", "--option", "ical.nope=1"], ["导出插件 ical 没有选项 'nope'", "refresh（文字，默认 'PT12H'）"],
     ["exporter 'ical' has no option 'nope'"]),
    (["export", "html", "--option", "lang=fr"], ["'fr' 不在可选值 zh、en 之中"], ["'fr' is not one of zh, en"]),
    (["export", "docx", "--option", "pdf=maybe"], ["选项 pdf（导出插件 docx）：应为是或否"],
     ["expected true or false, not 'maybe'"]),
    (["export", "docx", "--option", "date=5 January"], ["'5 January' 不是日期，请写成 YYYY-MM-DD"],
     ["'5 January' is not a date; write YYYY-MM-DD"]),
    (["export", "docx", "--option", "kinds=notice,memo"], ["'memo' 不在可选值 notice、invitation"],
     ["'memo' is not one of notice, invitation"]),
    (["export", "docx", "--option", "fonts=SimSun"], ["应为 liaison_docx.FontSet 对象"],
     ["expected a liaison_docx.FontSet"]),
    (["export", "xlsx", "--option", "created=yesterday"], ["'yesterday' 不是 ISO 8601 日期时间", "工作簿的创建时间"],
     ["'yesterday' is not an ISO 8601 date-time", "the workbooks' created date"]),
]


@pytest.mark.parametrize(("args", "zh", "en"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_option_errors_speak_the_output_language(exported: Path, args: list[str], zh: list[str],
                                                  en: list[str]) -> None:
    chinese = run(exported, "zh", *args)
    assert chinese.startswith("错误: options.")
    assert all(part in chinese for part in zh), chinese
    assert english_runs(chinese) == [] and "(fix:" not in chinese, chinese
    english = run(exported, "en", *args)
    assert english.startswith("error: options.")
    assert all(part in english for part in en), english
    assert chinese_outside_quotes(english) == [], english


def test_the_default_language_is_chinese(exported: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "ical", "--year", "2027", "--out", str(exported),
                                      "--option", "alarm_minutes=abc"])
    assert "应为整数，而不是 'abc'" in result.output and "whole number" not in result.output


def test_a_plain_check_is_english_in_english_and_a_refusal_with_the_help_in_chinese(exported: Path,
                                                                                       loud: None) -> None:
    chinese = run(exported, "zh", "export", "loud", "--option", "volume=11")
    assert chinese == "错误: options.volume: 选项 volume（导出插件 loud）：不接受值 '11'（处理办法：音量，最大为 10）"
    english = run(exported, "en", "export", "loud", "--option", "volume=11")
    assert english == ("error: options.volume: exporter 'loud' option volume: far too loud for the office "
                       "(fix: how loud, up to ten)")


def test_an_option_without_a_chinese_help_points_to_the_listing(exported: Path, loud: None) -> None:
    chinese = run(exported, "zh", "export", "loud", "--option", "echo=often")
    assert chinese.endswith("（处理办法：请用 `liaison plugins` 查看各选项及其写法）") and "repeat" not in chinese
    assert english_runs(chinese) == []
    assert run(exported, "en", "export", "loud", "--option", "echo=often").endswith("(fix: repeat everything)")


_WORDS = st.text(st.sampled_from("abcxyzPTH019 -:,.T"), max_size=12)


@pytest.mark.parametrize("option", [
    Option(name="n", type="int", minimum=3), Option(name="b", type="bool"), Option(name="d", type="date"),
    Option(name="t", type="datetime"),
    Option(name="l", type="list", choices=("one", "two")), Option(name="c", type="text", choices=("left", "right")),
    Option(name="o", type="object"),
], ids=lambda o: o.type)
@given(text=_WORDS)
def test_every_parser_refuses_in_both_languages(option: Option, text: str) -> None:
    try:
        option.parse(text, "exporter 'any'")
    except OptionError as error:
        assert error.message_zh is not None and error.fix_zh is not None
        assert english_runs(error.render("zh")) == [], error.render("zh")
        assert chinese_outside_quotes(error.render("en")) == [], error.render("en")


def _declared() -> list[tuple[str, Option]]:
    found = [(f"exporter {name}", o) for name, e in plugins.exporters().items() for o in e.options]
    found += [(f"publisher {name}", o) for name, p in plugins.publishers().items() for o in p.options]
    spec = importlib.util.spec_from_file_location("liaison_agenda", ROOT / "examples/custom_exporter/liaison_agenda.py")
    assert spec is not None and spec.loader is not None
    agenda = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(agenda)
    return found + [("exporter agenda (example)", o) for o in agenda.OPTIONS]


@given(number=st.integers(min_value=-(10**30), max_value=10**30) | st.integers())
def test_a_whole_number_option_is_bounded_so_no_plugin_meets_one_it_cannot_take(number: int) -> None:
    """Issue #21.3 (``alarm_minutes`` 10**20 → OverflowError in the ical plugin): an ``int`` option takes
    at most its ``maximum``, or MAX_INT when it declares none; beyond, the host refuses it in both
    languages without printing a number of thousands of digits."""
    from liaison.host.options import MAX_INT

    for option, highest in ((Option(name="n", type="int", minimum=0), MAX_INT),
                            (Option(name="m", type="int", maximum=40), 40)):
        lowest = -MAX_INT - 1 if option.minimum is None else option.minimum
        for shown in (number, str(number)):
            try:
                value = option.parse(shown, "exporter 'any'")
            except OptionError as error:
                assert number < lowest or number > highest, error
                assert "至多为" in error.render("zh") or "至少为" in error.render("zh")
                assert len(error.render("en")) < 400
            else:
                assert value == number and lowest <= value <= highest


def test_every_declared_whole_number_option_of_the_plugins_is_bounded_by_what_it_can_take() -> None:
    """The ical plugin's alarm: at most four weeks (a huge one was an OverflowError inside the plugin)."""
    alarm = next(o for owner, o in _declared() if owner == "exporter ical" and o.name == "alarm_minutes")
    assert alarm.maximum == 40_320
    with pytest.raises(OptionError, match="must be 40320 or less, not a number of 20 digits or more"):
        alarm.parse("99999999999999999999", "exporter 'ical'")


def test_every_declared_option_has_a_chinese_help() -> None:
    declared = _declared()
    owners = {owner for owner, _ in declared}
    assert {"exporter ical", "exporter docx", "exporter xlsx", "exporter html", "publisher caldav",
            "exporter agenda (example)"} <= owners
    missing = [f"{owner}: {o.name}" for owner, o in declared if not o.help_zh.strip()]
    assert missing == []
    english = [f"{owner}: {o.name}: {o.help_zh}" for owner, o in declared if english_runs(o.help_zh)]
    assert english == []


@pytest.mark.parametrize(("args", "zh", "en"), [
    (["export", "nope"], ["没有名为 'nope' 的导出插件", "已安装："], ["no exporter called 'nope'", "installed:"]),
    (["publish", "nope"], ["没有名为 'nope' 的发布插件", "liaison-caldav"], ["no publisher called 'nope'"]),
], ids=["exporter", "publisher"])
def test_a_plugin_not_installed_is_named_in_the_output_language(exported: Path, args: list[str], zh: list[str],
                                                                en: list[str]) -> None:
    chinese = run(exported, "zh", *args)
    assert all(part in chinese for part in zh) and english_runs(chinese) == [], chinese
    english = run(exported, "en", *args)
    assert all(part in english for part in en) and chinese_outside_quotes(english) == [], english
