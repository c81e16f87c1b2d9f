"""The plugin system: one pluggy project `liaison`, registration hooks, entry points, restriction."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import subprocess
import sys
import sysconfig
import venv
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import liaison
from liaison.base.errors import ExportError, LiaisonError, OptionError
from liaison.host import hookspecs, plugins
from liaison.host.exporting import Artifact, Exporter, ExportRequest, safe_name
from liaison.host.options import Option, split_for
from liaison.host.publishing import Publisher, PublishRequest, PublishResult
from liaison.law.records import DocumentRecord
from liaison.law.workdays import WeekdayCalendar
from liaison.year.planner import plan_year
from liaison.year.publications import Publication
from liaison_cli.main import cli

ROOT = Path(__file__).parents[1]


class TextExporter:
    """A test plugin: one text file per year listing the engagement ids."""

    __name__ = "text-exporter"

    @staticmethod
    @liaison.hookimpl
    def register_exporters(register: Callable[[Exporter], None]) -> None:
        def export(request: ExportRequest) -> Iterable[Artifact]:
            ids = "\n".join(e.id for e in request.plan.engagements)
            yield Artifact(f"{safe_name('ids')}.txt", "text/plain", ids.encode())
        register(Exporter("ids", "engagement ids", export))


@pytest.fixture
def registered() -> Iterator[object]:
    pm = plugins.plugin_manager()
    pm.register(TextExporter, name="text-exporter")
    yield pm
    pm.unregister(name="text-exporter")


def test_every_hook_has_a_test() -> None:
    hooks = [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
             if hasattr(fn, "liaison_spec")]
    assert hooks == ["register_commands", "register_exporters", "register_publishers", "register_record_readers",
                     "working_day_calendar"]
    tests = {name for name in globals() if name.startswith("test_hook_")}
    assert {f"test_hook_{h}" for h in hooks} <= tests


def test_hook_register_exporters(registered: object, tmp_path: Path) -> None:
    found = plugins.exporters()
    assert found["ids"].plugin == "text-exporter"
    assert plugins.record_readers()["toml"].plugin == "liaison.host.builtin"  # built-ins register the same way
    result = CliRunner().invoke(cli, ["export", "ids", "--year", "2026", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "2026" / "ids.txt").read_text()
    assert (tmp_path / "2026" / "plan-seed-2026.json").is_file()  # the year's state beside what it wrote
    assert "2026/visit/health/cpwdp/1" in written


def test_hook_register_commands() -> None:
    """A plugin adds a command to `liaison` (datasette's hook): it runs as the command's own do."""
    import click

    from liaison_cli.main import plugin_commands

    class Greeter:
        @staticmethod
        @liaison.hookimpl
        def register_commands(cli: click.Group) -> None:
            @cli.command()
            @click.option("--name", default="world")
            def hello(name: str) -> None:
                click.echo(f"hello {name}")

    plugins.register(Greeter, name="greeter")
    try:
        assert "hello" not in cli.commands
        plugin_commands()
        result = CliRunner().invoke(cli, ["hello", "--name", "区政府"])
        assert result.exit_code == 0 and result.output == "hello 区政府\n"
    finally:
        cli.commands.pop("hello", None)
        plugins.plugin_manager().unregister(name="greeter")


def test_hook_working_day_calendar() -> None:
    """The edge resolves the hook and passes the calendar in; the core never asks for it."""

    class Weekdays:
        @staticmethod
        @liaison.hookimpl
        def working_day_calendar() -> WeekdayCalendar:
            return WeekdayCalendar()

    pm = plugins.plugin_manager()
    pm.register(Weekdays, name="weekdays")
    try:
        calendar = plugins.working_day_calendar()
        assert calendar.name == "weekdays"
        plan = plan_year(liaison.seed_district(), 2026, calendar=calendar)
        assert plan.calendar == "weekdays"
        # Monday to Friday only: the plugin's calendar knows no National Day holiday
        assert any(dt.date(2026, 10, 1) <= e.date <= dt.date(2026, 10, 7) for e in plan.engagements)
        assert plan_year(liaison.seed_district(), 2026).calendar == "chinesecalendar"  # the core's default
    finally:
        pm.unregister(name="weekdays")
    assert plugins.working_day_calendar().name == "chinesecalendar"


def test_hook_register_publishers() -> None:
    sent: list[str] = []

    class Printer:
        @staticmethod
        @liaison.hookimpl
        def register_publishers(register: Callable[[Publisher], None]) -> None:
            def publish(request: PublishRequest) -> PublishResult:
                sent.extend(e.id for e in request.plan.engagements)
                return PublishResult(publication=Publication("printer", "stdout"), created=len(sent))

            register(Publisher("printer", "prints ids", publish,
                               options=(Option(name="copies", type="int", default=1),)))

    plugins.register(Printer, name="printer")
    try:
        found = plugins.publisher("printer")
        assert found.plugin == "printer" and found.options[0].name == "copies"
        result = found.publish(PublishRequest(liaison.seed_district(), plan_year(liaison.seed_district(), 2026)))
        assert result.created == len(sent) == 47
        listed = {p["name"]: p for p in plugins.describe()}["printer"]
        assert listed["publishers"][0]["options"][0] == {"name": "copies", "type": "int", "default": 1, "help": ""}
    finally:
        plugins.plugin_manager().unregister(name="printer")
    with pytest.raises(ExportError, match="no publisher called 'printer'"):
        plugins.publisher("printer")


def test_hook_register_record_readers(tmp_path: Path) -> None:
    class Lines:
        @staticmethod
        @liaison.hookimpl
        def register_record_readers(register: Callable[[plugins.RecordReader], None]) -> None:
            def read(data: bytes, district: liaison.District, file: str) -> liaison.Records:
                return liaison.Records(district_id=district.info.id, documents=tuple(
                    DocumentRecord(line, "区卫生局", dt.date(2026, 3, 1)) for line in data.decode().split()))

            register(plugins.RecordReader(name="lines", suffixes=(".lines",), read=read,
                                          description="one document number a line"))

    path = tmp_path / "docs.lines"
    path.write_text("卫发〔2026〕1号\n卫发〔2026〕2号\n")
    with pytest.raises(LiaisonError, match=r"docs.lines: no reader for .lines records files"):
        plugins.load_records(path, liaison.seed_district())
    plugins.register(Lines, name="lines")
    try:
        records = plugins.load_records(path, liaison.seed_district())
        assert [d.id for d in records.documents] == ["卫发〔2026〕1号", "卫发〔2026〕2号"]
        assert liaison.load_records is plugins.load_records  # the public loader reads any type
    finally:
        plugins.plugin_manager().unregister(name="lines")


def test_a_misspelt_hook_fails_loudly() -> None:
    class Misspelt:
        @staticmethod
        @liaison.hookimpl
        def register_exporter(register: object) -> None:  # missing "s"
            raise AssertionError("never called")

    with pytest.raises(LiaisonError, match="unknown hook") as caught:
        plugins.register(Misspelt, name="misspelt")
    assert "check the hook name against liaison.host.hookspecs" in str(caught.value)
    assert not plugins.plugin_manager().has_plugin("misspelt")  # refused, not left half-registered


def test_exporter_options_are_declared_typed_and_checked(registered: object, tmp_path: Path) -> None:
    ids = plugins.exporter("ids")
    with pytest.raises(OptionError) as caught:
        ids.request(liaison.seed_district(), plan_year(liaison.seed_district(), 2026), {"isuer": "x"})
    assert "exporter 'ids' has no option 'isuer'" in str(caught.value)
    typed = Option(name="alarm_minutes", type="int", default=None, minimum=0)
    assert typed.parse("30", "ical") == 30
    with pytest.raises(OptionError, match="ical option alarm_minutes: must be 0 or more"):
        typed.parse("-5", "ical")
    assert Option(name="kinds", type="list", choices=("a", "b")).parse("b, a,b", "x") == ("b", "a")
    assert Option(name="pdf", type="bool").parse("是", "docx") is True
    routed = split_for({"ical": (typed,), "ids": ()}, [("alarm_minutes", "5"), ("ical.alarm_minutes", "7")])
    assert routed == {"ical": {"alarm_minutes": "7"}, "ids": {}}
    result = CliRunner().invoke(cli, ["export", "ids", "--year", "2026", "--out", str(tmp_path),
                                      "--option", "alarm_minute=30", "--lang", "en"])
    assert result.exit_code == 1 and "no exporter here has an option 'alarm_minute'" in result.output


def test_two_plugins_claiming_one_format_is_an_error(registered: object) -> None:
    class Again:
        register_exporters = TextExporter.register_exporters

    pm = plugins.plugin_manager()
    pm.register(Again, name="again")
    try:
        with pytest.raises(LiaisonError, match="registered by both"):
            plugins.exporters()
    finally:
        pm.unregister(name="again")


def test_the_environment_variable_keeps_installed_plugins_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIAISON_PLUGINS", "")
    plugins.reset()
    assert [p["name"] for p in plugins.describe()] == ["liaison.host.builtin"]
    monkeypatch.setenv("LIAISON_PLUGINS", "no-such-plugin")
    plugins.reset()
    assert list(plugins.exporters()) == [] and list(plugins.record_readers()) == ["toml"]


def test_artifact_paths_cannot_leave_the_output_folder() -> None:
    for bad in ("../escape.txt", "/etc/passwd", "a/../../b", "", "a//b", "./x", "a\\..\\b", "已作废/x.docx"):
        with pytest.raises(ExportError):
            Artifact(bad, "text/plain", b"")
    assert safe_name("../../etc/passwd") == "etc_passwd"
    assert safe_name("区卫生局/2027") == "区卫生局_2027"


def test_export_with_bad_options_exits_1_or_2(registered: object, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["export", "nope", "--year", "2026", "--out", str(tmp_path)]).exit_code == 1
    assert runner.invoke(cli, ["export", "ids", "--year", "2026", "--option", "novalue"]).exit_code == 2


@pytest.mark.skipif(os.environ.get("LIAISON_SKIP_INSTALL_TESTS") == "1", reason="install tests disabled")
def test_the_example_plugin_installs_from_its_own_distribution_and_runs(tmp_path: Path) -> None:
    """docs/plugins.md's example is a real distribution: install it into a fresh environment and use it."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # the new environment sees this one's packages (liaison, setuptools) through a .pth file
    target = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                            check=True, capture_output=True, text=True).stdout.strip()
    host = sysconfig.get_paths()["purelib"]
    Path(target, "host-environment.pth").write_text(f"import site; site.addsitedir({host!r})\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    str(ROOT / "examples" / "custom_exporter")], check=True)
    environment = {**os.environ, "LIAISON_PLUGINS": "agenda"}
    listed = subprocess.run([str(python), "-m", "liaison_cli.main", "plugins", "--format", "json"],
                            check=True, capture_output=True, text=True, env=environment).stdout
    assert '"agenda"' in listed and "liaison-agenda 0.1.0" in listed
    out = tmp_path / "out"
    subprocess.run([str(python), "-m", "liaison_cli.main", "export", "agenda", "--year", "2026", "--out", str(out)],
                   check=True, capture_output=True, env=environment)
    agenda = (out / "2026" / "agenda" / "agenda-seed-2026.md").read_text(encoding="utf-8")
    assert agenda.startswith("# ××区 2026年对口联系工作议程") and "区卫生局领导走访农工党总支部" in agenda
    csv_text = (out / "2026" / "agenda" / "agenda-seed-2026.csv").read_text(encoding="utf-8-sig")
    assert len(csv_text.strip().splitlines()) == 1 + 47
    assert "liaison-agenda" not in subprocess.run([sys.executable, "-m", "pip", "list"], capture_output=True,
                                                  text=True).stdout  # installed in the new environment only


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_workbook_without_the_ledger_plugin_says_to_install_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                 lang: str) -> None:
    monkeypatch.setenv("LIAISON_PLUGINS", "")
    plugins.reset()
    try:
        path = tmp_path / "台账.xls"
        path.write_bytes(b"\xd0\xcf\x11\xe0")
        with pytest.raises(LiaisonError) as caught:
            plugins.load_records(path, liaison.seed_district())
        said = caught.value.render(lang)
        assert "pip install liaison-xlsx" in said
        assert ("未安装台账读取插件" in said and "请安装" in said) if lang == "zh" else "no ledger reader" in said
    finally:
        plugins.reset()


def test_a_holiday_notice_given_as_records_is_named(tmp_path: Path) -> None:
    path = tmp_path / "2027.json"
    path.write_text('{"year": 2027, "papers": [], "days": []}', encoding="utf-8")
    with pytest.raises(LiaisonError) as caught:
        plugins.load_records(path, liaison.seed_district())
    assert "节假日安排文件，不是记录文件" in caught.value.render("zh")
    assert "a holiday notice, not a records file" in caught.value.render("en")


def test_exporter_run_is_the_one_way_in() -> None:
    """``Exporter.run`` wraps an exporter's own bug as the export does: an ExportError naming the
    exporter and its plugin, never the bug's exception."""
    from liaison.host.exporting import Exporter

    def broken(_request: Any) -> list[Any]:
        raise KeyError("oops")

    exporter = Exporter("broken", "fails", broken, plugin="liaison-broken")
    with pytest.raises(ExportError, match=r"the exporter broken \(liaison-broken\) failed: KeyError") as info:
        exporter.run(liaison.seed_district(), plan_year(liaison.seed_district(), 2026))
    assert info.value.message_zh and isinstance(info.value.__cause__, KeyError)


def test_the_publish_command_only_parses_and_prints(tmp_path: Path) -> None:
    """``liaison publish`` hands its options to ``Workspace.publish``: what the publisher accepted is
    in the year's state, ``--option`` is read as ``export`` reads it, and a year without a state
    names the command that makes one."""
    from liaison.formats.district import seed_district
    from liaison.formats.state import parse_state

    seen: list[dict[str, Any]] = []

    class Board:
        @staticmethod
        @liaison.hookimpl
        def register_publishers(register: Callable[[Publisher], None]) -> None:
            def publish(request: PublishRequest) -> PublishResult:
                seen.append(dict(request.options))
                return PublishResult(publication=Publication("board", request.options["url"]), created=3)

            register(Publisher("board", "a notice board", publish,
                               options=(Option(name="url", type="text"), Option(name="copies", type="int", default=1))))

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, [*args, "--lang", "en"], catch_exceptions=False)
        return result.exit_code, result.stdout + result.stderr

    out = str(tmp_path / "out")
    plugins.register(Board, name="board")
    try:
        code, said = run("publish", "board", "--year", "2027", "--out", out, "--url", "board:1")
        assert code == 1 and f"liaison export ical --year 2027 --out {out}" in said and not seen
        code, said = run("publish", "board", "--year", "2027", "--out", out, "--option", "=2")
        assert code == 2 and "write KEY=VALUE" in said  # as export refuses it
        assert run("plan", "--year", "2027", "--out", out)[0] == 0
        code, said = run("publish", "board", "--year", "2027", "--out", out, "--url", "board:1",
                         "--option", "copies=2", "--option", "copies=3")
        assert code == 0, said
        assert seen == [{"url": "board:1", "copies": 3}]  # typed, the last one given wins
        state = parse_state((tmp_path / "out" / "2027" / "plan-seed-2027.json").read_bytes(), seed_district())
        assert state.publication("board", "board:1") == Publication("board", "board:1")
    finally:
        plugins.plugin_manager().unregister(name="board")


def test_a_publishers_own_bug_is_an_error_naming_it(tmp_path: Path) -> None:
    """A publisher that fails with its own bug (not a PublishError) reaches the user as one error in
    the output's language naming the publisher and its plugin, never a traceback; what it recorded
    before it failed stays in the year's state."""
    from liaison.formats.district import seed_district
    from liaison.formats.state import parse_state

    class Crashing:
        @staticmethod
        @liaison.hookimpl
        def register_publishers(register: Callable[[Publisher], None]) -> None:
            def publish(request: PublishRequest) -> PublishResult:
                assert request.record is not None
                request.record(Publication("crashing", request.options["url"]))  # acknowledged, then the bug
                raise KeyError("oops")

            register(Publisher("crashing", "a publisher with a bug", publish,
                               options=(Option(name="url", type="text"),)))

    out = str(tmp_path / "out")
    plugins.register(Crashing, name="liaison-crashing")
    try:
        assert CliRunner().invoke(cli, ["plan", "--year", "2027", "--out", out]).exit_code == 0
        said = {}
        for lang in ("en", "zh"):
            result = CliRunner().invoke(cli, ["publish", "crashing", "--year", "2027", "--out", out,
                                              "--url", "board:1", "--lang", lang])
            assert result.exit_code == 1
            said[lang] = (result.stdout + result.stderr).strip()
            assert "Traceback" not in said[lang] and "exception:" not in said[lang]
        assert said["en"].startswith("error: the publisher crashing (liaison-crashing) failed: KeyError")
        assert "report this to the authors of liaison-crashing" in said["en"]
        assert said["zh"].startswith("错误: 发布插件 crashing (liaison-crashing) 出错"), said["zh"]
        assert "KeyError" not in said["zh"] and "请向 liaison-crashing 的作者报告" in said["zh"]
        state = parse_state((tmp_path / "out" / "2027" / "plan-seed-2027.json").read_bytes(), seed_district())
        assert state.publication("crashing", "board:1") == Publication("crashing", "board:1")
    finally:
        plugins.plugin_manager().unregister(name="liaison-crashing")
