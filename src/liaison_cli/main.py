"""The ``liaison`` command: the edge where files, the clock and the terminal live.

Every query takes ``--data FILE`` (another district's file; default: the embedded seed district)
and ``--format text|json``. Text is Chinese tables (``--lang en`` for English where sentences are
printed); JSON is stable and documented in docs/cli.md. Bad input never shows a traceback: a
:class:`LiaisonError` prints one line, ``FILE: $.path: what is wrong (fix: …)``, and the command
exits 1. The year's commands (plan, check, export, publish) are in :mod:`liaison_cli.year`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import shlex
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from liaison.errors import LiaisonError
from liaison.rules import EVENT_KINDS, EngagementKind

F = TypeVar("F", bound=Callable[..., Any])

#: Where the edge adds the flag a core message cannot name.
FLAGS = {"district": "--data", "records": "--records", "events": "--events", "state": "--out (the year's folder)",
         "notice": "--holidays", "ledger": "--records"}


def today() -> dt.date:
    """The clock is read here, at the edge, and nowhere in the core."""
    return dt.date.today()


class DateType(click.ParamType):  # type: ignore[type-arg]
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date; write YYYY-MM-DD", param, ctx)


DATE = DateType()


def query_options(func: F) -> F:
    """``--data`` and ``--format``, on every command that reads the district."""
    func = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help="Chinese tables, or stable JSON.")(func)
    func = click.option("--data", "data_file", type=click.Path(dir_okay=False), default=None,
                        help="A district data file (TOML). Default: the embedded seed district.")(func)
    return func


lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="The language of sentences: notes, warnings, findings, errors.")


def explain(exc: LiaisonError) -> LiaisonError:
    """The error with the command-line flag its fix needs, where the core could not name one."""
    from liaison.engagements import ChangeRefused
    from liaison.loader import FORMAT_DOC, WHAT, WHAT_ZH, FormatError, WrongFileError, written_for
    from liaison.state import FIX, StateError

    if isinstance(exc, WrongFileError):
        flag = FLAGS.get(exc.found, "")
        return exc.located(fix=f"pass {WHAT[exc.found]} with {flag}" if flag else exc.fix,
                           fix_zh=f"请用 {flag} 给出{WHAT_ZH[exc.found]}" if flag else None)
    if isinstance(exc, FormatError) and not exc.newer and exc.file and exc.version is not None:
        command = f"liaison upgrade {shlex.quote(exc.file)} --write"  # the command that brings it forward
        en, zh = written_for(exc.kind, exc.version)
        return FormatError(f"{en}; run: {command}", kind=exc.kind, version=exc.version, newer=False, file=exc.file,
                           path=exc.path, message_zh=f"{zh}；请运行：{command}",
                           fix="the upgrade keeps the file's comments and order, keeps the original beside it "
                               f"({exc.file}.orig) and lists what you must check ({FORMAT_DOC})",
                           fix_zh=f"升级保留文件的注释和顺序，原文件另存为 {exc.file}.orig，"
                                  f"并列出需要您核对之处（见 {FORMAT_DOC}）")
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
            lang = kwargs.get("lang") or "zh"
            if isinstance(exc, LiaisonError):
                error = exc
            else:  # a failure of the system no closer code caught: the one error shape all the same
                from liaison_workspace.folder import system_error

                error = system_error(exc, unchanged=False)
            click.echo(f"{'错误' if lang == 'zh' else 'error'}: {explain(error).render(lang)}", err=True)
            sys.exit(1)
    return wrapper  # type: ignore[return-value]


def load(data_file: str | None) -> Any:
    from liaison.loader import load_district, seed_district

    return seed_district() if data_file is None else load_district(data_file)


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=False, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="liaison")
def cli() -> None:
    """liaison: 区政府与各民主党派、工商联联系制度 as code.

    Pairings, document routing (抄送), invitees (列席、参加), the year's plan on China's
    working days, its state through the year, compliance, and exports (iCalendar, Word letters,
    spreadsheets, a page) and publishing through plugins.
    """


# ---------------------------------------------------------------------------------------- provisions
@cli.command()
@click.argument("provision_id", required=False)
@click.option("--as-of", "as_of", type=DATE, default=None,
              help="Show the text in force on this date (a provision may be amended). Default: today.")
@query_options
@lang_option
@handle_errors
def provisions(provision_id: str | None, as_of: dt.date | None, data_file: str | None, fmt: str, lang: str) -> None:
    """List the provisions, or show one (by its id, e.g. §3.6 in the seed) with its verbatim text as in
    force on a date, its rules and local settings, and every sentence with what implements it."""
    from liaison_cli import views

    district = load(data_file)
    day = as_of or today()
    if provision_id:
        prov = district.provision(provision_id)
        if fmt == "json":
            emit_json(views.provision_json(prov, day))
        else:
            views.print_provision(prov, day, lang=lang)
        return
    if fmt == "json":
        emit_json({"district": district.info.id,
                   "provisions": [views.provision_json(p, day) for p in district.provisions]})
    else:
        views.print_provisions(district, lang=lang)


# ------------------------------------------------------------------------------------------ pairings
@cli.command()
@click.option("--as-of", "as_of", type=DATE, default=None, help="The date to answer for. Default: today.")
@click.option("--org", default=None, help="Only this organisation's pairings (id or name).")
@query_options
@handle_errors
def pairings(as_of: dt.date | None, org: str | None, data_file: str | None, fmt: str) -> None:
    """The pairings in force on a date (common liaison units and listed pairings)."""
    from liaison_cli import views

    district = load(data_file)
    day = as_of or today()
    found = district.pairings_as_of(day)
    if org is not None:
        chosen = district.organisation(org)
        found = tuple(p for p in found if chosen.id in (p.department, p.counterpart))
    if fmt == "json":
        emit_json(views.pairings_json(district, day, found))
    else:
        views.print_pairings(district, day, found)


# --------------------------------------------------------------------------------------------- route
@cli.command()
@click.option("--issuer", required=True, help="Who issues the document (id or name, e.g. 区卫生局).")
@click.option("--date", "on", type=DATE, default=None, help="Issue date. Default: today.")
@click.option("--kind", "document_kind", default="policy", show_default=True,
              help="Document kind, as the routing rules name it (the seed: policy).")
@query_options
@handle_errors
def route(issuer: str, on: dt.date | None, document_kind: str, data_file: str | None, fmt: str) -> None:
    """Who a document must be copied to (抄送), under which provision."""
    # route and invitees are alike in shape (load, ask the district, print or emit JSON): each is a
    # few lines of click glue around its own District question.
    from liaison_cli import views

    district = load(data_file)
    cc = district.cc_list(issuer, on or today(), document_kind)
    if fmt == "json":
        emit_json(views.cc_json(cc))
    else:
        views.print_cc(district, cc)


# ------------------------------------------------------------------------------------------ invitees
#: The kinds an event file may give, in the core's order (the planner places the others itself).
EVENT_KIND_NAMES = [k.value for k in EngagementKind if k in EVENT_KINDS]


@cli.command()
@click.option("--event", "event_kind", required=True,
              type=click.Choice(EVENT_KIND_NAMES),
              help="The kind of event (`liaison provisions` shows which provision invites to each).")
@click.option("--date", "on", type=DATE, default=None, help="Event date. Default: today.")
@click.option("--host", default=None, help="The host, for a department's professional meeting.")
@query_options
@handle_errors
def invitees(event_kind: str, on: dt.date | None, host: str | None, data_file: str | None, fmt: str) -> None:
    """Who an event invites, in which role, under which provision."""
    from liaison_cli import views

    district = load(data_file)
    found = district.invitees(event_kind, on or today(), host)
    if fmt == "json":
        emit_json(views.invitees_json(found))
    else:
        views.print_invitees(district, found)


# ------------------------------------------------------------------------------------------- plugins
@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def plugins(fmt: str) -> None:
    """The plugins loaded, their hooks, and the exporters, publishers and readers they provide, with
    their options."""
    from liaison.plugins import describe
    from liaison_cli import views

    found = describe()
    if fmt == "json":
        emit_json({"plugins": found})
    else:
        views.print_plugins(found)


def main() -> None:
    cli(prog_name="liaison")


from liaison_cli import upgrade, year  # noqa: E402, F401 - registers the year's commands and upgrade on `cli`

if __name__ == "__main__":  # `python -m liaison_cli.main`: the commands live on the imported module's `cli`
    from liaison_cli.main import main as imported_main

    imported_main()

if __name__ == "__main__":
    main()
