"""The ``liaison`` command group and what every command shares: the options (``--data``,
``--format``, ``--lang``, dates), loading the district, printing JSON, and turning a
:class:`LiaisonError` into one line, ``FILE: $.path: what is wrong (fix: …)``, and exit 1 — never a
traceback. The commands are in :mod:`liaison_cli.queries`, :mod:`liaison_cli.year` and
:mod:`liaison_cli.upgrade`; :mod:`liaison_cli.main` puts them together.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shlex
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from liaison.base.errors import LiaisonError, Location, Problem, Refused, render_line
from liaison.host.language import Group, Option, current, error_line, lang_option, option

F = TypeVar("F", bound=Callable[..., Any])

#: Where the edge adds the flag a core message cannot name.
FLAGS = {"district": "--data", "records": "--records", "events": "--events", "state": "--out (the year's folder)",
         "notice": "--holidays", "ledger": "--records"}


#: The day a command takes for today instead of the clock's (YYYY-MM-DD): rehearsing a year ahead of
#: time (the guide's routine) and tests; unset, the clock.
TODAY_ENV = "LIAISON_TODAY"


def today() -> dt.date:
    """The clock is read here, at the edge, and nowhere in the core (``LIAISON_TODAY`` stands in for it)."""
    given = os.environ.get(TODAY_ENV, "").strip()
    if not given:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(given)
    except ValueError:
        raise LiaisonError(f"{TODAY_ENV}={given!r} is not a date (YYYY-MM-DD)",
                           fix=f"set {TODAY_ENV} to a day such as 2027-09-06, or unset it to go by the clock",
                           message_zh=f"{TODAY_ENV}={given!r} 不是日期（应为 YYYY-MM-DD）",
                           fix_zh=f"请把 {TODAY_ENV} 设为如 2027-09-06 的日期，或删除它以使用系统时钟") from None


class Refusal(click.BadParameter):
    """A value given on the command line, refused in the one error shape and the run's language —
    ``错误: --move: ID@2027-02-30: 没有2027年2月30日（处理办法：…）`` — rather than click's usage
    message: what is wrong is the value, not how the command was written. A usage error (exit 2)."""

    def __init__(self, flag: str, value: str | None, problem: Problem) -> None:
        self.location = Location(file=flag, place=value)
        self.problem = problem
        super().__init__(problem.message, param_hint=flag)

    @classmethod
    def of(cls, flag: str, value: str | None, message: str, message_zh: str, fix: str | None = None,
           fix_zh: str | None = None) -> Refusal:
        return cls(flag, value, Problem(message=message, message_zh=message_zh, fix=fix, fix_zh=fix_zh))

    def format_message(self) -> str:
        return render_line(self.location, self.problem, current())

    def show(self, file: Any = None) -> None:
        click.echo(error_line(self.format_message(), current()), file=file, err=file is None)


class DateType(click.ParamType):  # type: ignore[type-arg]
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        from liaison.base.text import parse_date

        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(str(value))
        except Refused as exc:
            raise Refusal(param.opts[0] if param is not None and param.opts else "DATE", str(value),
                          exc.problem) from None


DATE = DateType()


def query_options(func: F) -> F:
    """``--data`` and ``--format``, on every command that reads the district."""
    func = format_option(func)
    return data_option(func)


format_option = option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                       help="Tables for people, or stable JSON for programs.",
                       help_zh="给人看的表格，或给程序读的稳定 JSON。")
data_option = option("--data", "data_file", type=click.Path(dir_okay=False), default=None,
                     help="A district data file (TOML). Default: the embedded seed district.",
                     help_zh="区数据文件（TOML）。默认：内置的示例区。")


def explain(exc: LiaisonError) -> LiaisonError:
    """The error with the command-line flag its fix needs, where the core could not name one."""
    from liaison.formats.state import FIX, StateError
    from liaison.formats.syntax import FORMAT_DOC, WHAT, WHAT_ZH, FormatError, WrongFileError, written_for
    from liaison.year.engagements import ChangeRefused, DayGoneBy, NotYetHeld
    from liaison.year.numbering import IssueDayRefused

    if isinstance(exc, WrongFileError):
        flag = FLAGS.get(exc.found, "")
        return exc.located(fix=f"pass {WHAT[exc.found]} with {flag}" if flag else exc.fix,
                           fix_zh=f"请用 {flag} 给出{WHAT_ZH[exc.found]}" if flag else None)
    if isinstance(exc, FormatError) and not exc.newer and exc.file and exc.version is not None:
        command = f"liaison upgrade {shlex.quote(exc.file)} --write"  # the command that brings it forward
        en, zh = written_for(exc.kind, exc.version)
        return FormatError(f"{en}; run: {command}", kind=exc.kind, version=exc.version, newer=False, file=exc.file,
                           path=exc.location, message_zh=f"{zh}；请运行：{command}",
                           fix="the upgrade keeps the file's comments and order, keeps the original beside it "
                               f"({exc.file}.orig) and lists what you must check ({FORMAT_DOC})",
                           fix_zh=f"升级保留文件的注释和顺序，原文件另存为 {exc.file}.orig，"
                                  f"并列出需要您核对之处（见 {FORMAT_DOC}）")
    if isinstance(exc, NotYetHeld):
        return exc.located(fix="if it was held on another day, give --move ID@DATE as well; to mark it held in "
                               "advance, repeat the command with --force",
                           fix_zh="如实际在另一天召开，请同时用 --move ID@日期 改到那一天；如确需提前标记，"
                                  "请加 --force 重新运行")
    if isinstance(exc, DayGoneBy):
        return exc.located(fix="if it took place on that day, give --held ID with the --move; to move it there all "
                               "the same, repeat the command with --force",
                           fix_zh="如该活动已在那一天召开，请在 --move 之外同时给出 --held 编号；如确需改到该日，"
                                  "请加 --force 重新运行")
    if isinstance(exc, IssueDayRefused):
        return exc.located(fix=(exc.fix or "").replace("(force)", "(repeat the command with --force)"),
                           fix_zh=(exc.fix_zh or "").replace("（force）", "（加 --force 重新运行）"))
    if isinstance(exc, ChangeRefused):
        return exc.located(fix="check with the other side, then repeat the command with --force",
                           fix_zh="先与对方商定，再加 --force 重新运行")
    if isinstance(exc, StateError) and exc.fix == FIX:  # the core's general fix: name the command
        return exc.located(fix="correct the value by hand, or write the state with `liaison plan --out DIR` "
                               "(docs/cli.md)",
                           fix_zh="请手工改正该值，或用 `liaison plan --out DIR` 重新写入年度状态（见 docs/cli.md）")
    return exc


def handle_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (LiaisonError, OSError) as exc:
            lang = kwargs.get("lang") or current()
            if isinstance(exc, LiaisonError):
                error = exc
            else:  # a failure of the system no closer code caught: the one error shape all the same
                from liaison_workspace.folder import system_error

                error = system_error(exc, unchanged=False)
            click.echo(error_line(explain(error).render(lang), lang), err=True)
            sys.exit(1)
    return wrapper  # type: ignore[return-value]


def load(data_file: str | None) -> Any:
    """The district of ``--data`` (or the seed), parsed once per machine (:mod:`liaison_workspace.districts`)."""
    from liaison_workspace.districts import load_district, seed_district

    return seed_district() if data_file is None else load_district(data_file)


def emit_json(payload: Any) -> None:
    """An answer's JSON, written by the one writer of documents (dates ISO 8601, times HH:MM)."""
    from liaison.formats.documents import to_json

    click.echo(to_json(payload), nl=False)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]}, help_zh="""
    liaison：区政府与各民主党派、工商联联系制度的程序实现。

    对口联系安排，文件抄送，会议活动的邀请（列席、参加），按全国工作日编排的年度计划及其全年的执行情况，
    检查制度落实情况，并通过插件导出（日历、Word 公文、表格、网页）和发布。
    """)
@click.version_option(package_name="liaison", message="%(prog)s %(version)s", cls=Option,
                      help="Show the version and exit.", help_zh="显示版本号后退出。")
@lang_option
def cli(lang: str) -> None:
    """liaison: the district government's liaison with the democratic parties and the ICF, as code.

    Pairings, document routing (copies), invitees (to attend or take part), the year's plan on
    China's working days, its state through the year, compliance, and exports (iCalendar, Word
    letters, spreadsheets, a page) and publishing through plugins.
    """
