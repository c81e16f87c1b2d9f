"""The ``liaison`` command: the edge where files, the clock and the terminal live.

Every query takes ``--data FILE`` (another district's file; default: the embedded seed district)
and ``--format text|json``. Text is Chinese tables; JSON is stable and documented in
docs/cli.md. Bad input never shows a traceback: a :class:`LiaisonError` prints one line naming the
file, the path and the fix, and the command exits 1.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from liaison.errors import LiaisonError

F = TypeVar("F", bound=Callable[..., Any])


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


def handle_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LiaisonError as exc:
            click.echo(f"错误 error: {exc}", err=True)
            sys.exit(1)
    return wrapper  # type: ignore[return-value]


def load(data_file: str | None) -> Any:
    from liaison.loader import load_district, seed_district

    return seed_district() if data_file is None else load_district(data_file)


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="liaison")
def cli() -> None:
    """liaison: 区政府与各民主党派、工商联联系制度 as code.

    Pairings, document routing (§3.2), invitees (§1.2, §1.4, §3.5), the annual plan on China's
    working days, compliance, and exports (iCalendar, Word letters) through plugins.
    """


# ---------------------------------------------------------------------------------------- provisions
@cli.command()
@click.argument("provision_id", required=False)
@query_options
@handle_errors
def provisions(provision_id: str | None, data_file: str | None, fmt: str) -> None:
    """List the provisions, or show one (e.g. §3.6) with its verbatim text and rules."""
    from liaison_cli import views

    district = load(data_file)
    if provision_id:
        prov = district.provision(provision_id)
        if fmt == "json":
            emit_json(views.provision_json(prov))
        else:
            views.print_provision(prov)
        return
    if fmt == "json":
        emit_json({"district": district.info.id,
                   "provisions": [views.provision_json(p) for p in district.provisions]})
    else:
        views.print_provisions(district)


# ------------------------------------------------------------------------------------------ pairings
@cli.command()
@click.option("--as-of", "as_of", type=DATE, default=None, help="The date to answer for. Default: today.")
@click.option("--org", default=None, help="Only this organisation's pairings (id or name).")
@query_options
@handle_errors
def pairings(as_of: dt.date | None, org: str | None, data_file: str | None, fmt: str) -> None:
    """The pairings in force on a date (§2.1 common liaison units, §2.2 listed pairings)."""
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
              help="Document kind (§3.2 covers policy documents).")
@query_options
@handle_errors
def route(issuer: str, on: dt.date | None, document_kind: str, data_file: str | None, fmt: str) -> None:
    """Who a document must be copied to (抄送, §3.2)."""
    from liaison_cli import views

    district = load(data_file)
    cc = district.cc_list(issuer, on or today(), document_kind)
    if fmt == "json":
        emit_json(views.cc_json(cc))
    else:
        views.print_cc(district, cc)


# ------------------------------------------------------------------------------------------ invitees
EVENT_KINDS = ["plenary_meeting", "important_meeting", "symposium", "professional_meeting",
               "major_event", "inspection", "work_meeting", "joint_meeting"]


@cli.command()
@click.option("--event", "event_kind", required=True, type=click.Choice(EVENT_KINDS),
              help="plenary_meeting (§1.2 列席), symposium (§1.2), major_event (§3.5), inspection (§1.4), …")
@click.option("--date", "on", type=DATE, default=None, help="Event date. Default: today.")
@click.option("--host", default=None, help="The host, for a department's professional meeting (§1.3).")
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


# ---------------------------------------------------------------------------------------------- plan
def parse_years(year: int | None, years: str | None) -> tuple[int, ...]:
    if year is not None and years:
        raise click.BadParameter("give --year or --years, not both", param_hint="--years")
    if years:
        first, sep, last = years.partition("..")
        try:
            a, b = int(first), int(last if sep else first)
        except ValueError:
            raise click.BadParameter(f"{years!r}: write A..B, e.g. 2026..2028", param_hint="--years") from None
        if b < a or b - a > 50:
            raise click.BadParameter(f"{years!r}: the range must run forwards, at most 50 years",
                                     param_hint="--years")
        return tuple(range(a, b + 1))
    return (today().year + 1,) if year is None else (year,)


def int_list(text: str | None, name: str) -> tuple[int, ...]:
    if not text:
        return ()
    try:
        return tuple(int(x) for x in text.replace("，", ",").split(",") if x.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r}: write numbers separated by commas", param_hint=name) from None


def time_list(text: str | None) -> tuple[dt.time, ...]:
    if not text:
        return ()
    try:
        return tuple(dt.time.fromisoformat(x.strip()) for x in text.split(",") if x.strip())
    except ValueError:
        raise click.BadParameter(f"{text!r}: write times like 09:00,14:30", param_hint="--slots") from None


holidays_option = click.option(
    "--holidays", "holiday_files", multiple=True, type=click.Path(dir_okay=False),
    help="The State Council's holiday notice for a year, as holiday-cn JSON (repeatable; docs/holidays.md).")


def calendar_for(holiday_files: tuple[str, ...]) -> Any:
    """The working-day calendar: a plugin's or the built-in one, with the notices given on top."""
    from liaison.holiday_notice import load_holiday_notice
    from liaison.plugins import working_day_calendar

    return working_day_calendar(load_holiday_notice(f) for f in holiday_files)


def plan_options(f: F) -> F:
    """Options shared by `plan` and `export`."""
    for decorator in reversed([
        click.option("--year", type=int, default=None, help="The year to plan. Default: next year."),
        click.option("--years", default=None, help="A range of years, e.g. 2026..2028."),
        click.option("--per-pairing", is_flag=True, help="§3.3: one meeting per pairing, not one per department."),
        click.option("--visits", type=int, default=None,
                     help="§3.6 visits per pairing (default: the rule's minimum; above its maximum is flagged)."),
        click.option("--allow-makeup-weekends", is_flag=True, help="Allow 调休 make-up Saturdays and Sundays."),
        click.option("--allow-customary-breaks", is_flag=True,
                     help="In a year without a holiday notice, allow the customary 春节, 劳动节 and 国庆 breaks."),
        holidays_option,
        click.option("--min-gap", type=int, default=30, show_default=True,
                     help="Days between a pairing's meeting and its visits."),
        click.option("--months", default=None, help="Preferred months, e.g. 3,4,5,9,10,11."),
        click.option("--weekdays", default=None, help="Preferred weekdays, 1 = Monday … 5 = Friday."),
        click.option("--slots", default=None, help="Half-day start times, default 09:00,14:30."),
        click.option("--events", "events_file", type=click.Path(dir_okay=False), default=None,
                     help="A TOML file of dated events ([[events]]: plenary meetings, symposia, …)."),
        click.option("--plan", "plan_file", type=click.Path(dir_okay=False), default=None,
                     help="A plan file from `liaison plan --format json`: agreed and held engagements stay."),
        click.option("--confirm", "confirms", multiple=True, help="Mark an engagement id as agreed (repeatable)."),
        click.option("--move", "moves", multiple=True,
                     help="ID@YYYY-MM-DD[THH:MM]: move an engagement (it becomes agreed). Repeatable."),
    ]):
        f = decorator(f)
    return f


def build_plan(district: Any, year: int | None, years: str | None, per_pairing: bool, visits: int | None,
               allow_makeup_weekends: bool, allow_customary_breaks: bool, holiday_files: tuple[str, ...],
               min_gap: int, months: str | None, weekdays: str | None,
               slots: str | None, events_file: str | None, plan_file: str | None,
               confirms: tuple[str, ...], moves: tuple[str, ...]) -> Any:
    from liaison.events import load_events
    from liaison.loader import read_file
    from liaison.plan import PlanOptions, TimeSlot, plan_years
    from liaison.planfile import plan_from_json

    wanted_days = int_list(weekdays, "--weekdays")
    if any(not 1 <= d <= 7 for d in wanted_days):
        raise click.BadParameter(f"{weekdays!r}: weekdays are 1 (Monday) to 7 (Sunday)", param_hint="--weekdays")
    options_kwargs: dict[str, Any] = dict(
        per_pairing_meetings=per_pairing, visits_per_pairing=visits, allow_makeup_weekends=allow_makeup_weekends,
        allow_customary_breaks=allow_customary_breaks,
        min_gap_days=min_gap, preferred_months=int_list(months, "--months"),
        preferred_weekdays=tuple(d - 1 for d in wanted_days),
        events=load_events(events_file, district) if events_file else ())
    if slots:
        options_kwargs["slots"] = tuple(TimeSlot(t) for t in time_list(slots))
    options = PlanOptions(**options_kwargs)
    chosen = parse_years(year, years)
    calendar = calendar_for(holiday_files)
    fixed: tuple[Any, ...] = ()
    if plan_file or confirms or moves:
        previous = plan_from_json(read_file(plan_file), file=plan_file) if plan_file else \
            plan_years(district, chosen, options, calendar=calendar)
        for engagement_id in confirms:
            previous = previous.confirm(engagement_id)
        for move in moves:
            engagement_id, _, when = move.partition("@")
            try:
                moment = dt.datetime.fromisoformat(when) if "T" in when else None
                day = moment.date() if moment else dt.date.fromisoformat(when)
            except ValueError:
                raise click.BadParameter(f"{move!r}: write ID@YYYY-MM-DD or ID@YYYY-MM-DDTHH:MM",
                                         param_hint="--move") from None
            previous = previous.move(engagement_id, day, moment.time() if moment else None)
        fixed = previous.fixed()
    return plan_years(district, chosen, options, calendar=calendar, fixed=fixed)


lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="The language of sentences: warnings, notes, findings.")


@cli.command()
@plan_options
@lang_option
@query_options
@handle_errors
def plan(data_file: str | None, fmt: str, lang: str, **kwargs: Any) -> None:
    """The liaison plan for a year on China's working days (§3.1, §3.3, §3.6 and dated events).

    Engagements are proposed; confirm or move them (--confirm, --move, or edit the JSON and pass
    --plan FILE) and re-planning keeps them fixed.
    """
    from liaison.planfile import plan_to_json
    from liaison_cli import views

    district = load(data_file)
    result = build_plan(district, **kwargs)
    if fmt == "json":
        click.echo(plan_to_json(result), nl=False)
    else:
        views.print_plan(district, result, lang=lang)


# --------------------------------------------------------------------------------------------- check
@cli.command()
@click.option("--year", type=int, required=True, help="The year to account for.")
@click.option("--records", "records_file", type=click.Path(dir_okay=False), required=True,
              help="What happened: a records file (docs/records-format.md).")
@click.option("--as-of", "as_of", type=DATE, default=None, help="Check as of this date. Default: 31 December.")
@lang_option
@click.option("--all", "show_all", is_flag=True, help="List met findings too, not only problems.")
@holidays_option
@query_options
@handle_errors
def check(year: int, records_file: str, as_of: dt.date | None, lang: str, show_all: bool,
          holiday_files: tuple[str, ...], data_file: str | None, fmt: str) -> None:
    """Compliance: findings per provision × pairing (or body) × period, and a summary."""
    from liaison.compliance import check as run_check
    from liaison.plugins import load_records
    from liaison_cli import views

    district = load(data_file)
    records = load_records(records_file, district)
    report = run_check(district, records, year, as_of, calendar=calendar_for(holiday_files))
    if fmt == "json":
        emit_json(views.report_json(district, report))
    else:
        views.print_report(district, report, lang=lang, show_all=show_all)


# -------------------------------------------------------------------------------------------- export
def _exporter_names() -> list[str]:
    from liaison.plugins import exporters

    return list(exporters())


@cli.command()
@click.argument("format_name", metavar="FORMAT")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="out", show_default=True,
              help="The folder to write into (created if missing).")
@click.option("--records", "records_file", type=click.Path(dir_okay=False), default=None,
              help="Records for letters that answer them (consultations, research feedback).")
@click.option("--previous", "previous_file", type=click.Path(dir_okay=False), default=None,
              help="The plan JSON of an earlier export: calendars then update in place (SEQUENCE, CANCELLED). "
                   "Default: the plan JSON already in --out, if any.")
@click.option("--option", "raw_options", multiple=True, help="KEY=VALUE passed to the exporter (repeatable).")
@plan_options
@lang_option
@click.option("--data", "data_file", type=click.Path(dir_okay=False), default=None,
              help="A district data file (TOML). Default: the embedded seed district.")
@handle_errors
def export(format_name: str, out_dir: str, records_file: str | None, previous_file: str | None,
           raw_options: tuple[str, ...], lang: str, data_file: str | None, **kwargs: Any) -> None:
    """Plan the year(s) and export with a plugin: FORMAT is ical, docx, json, … or `all`.

    Files are written atomically inside --out (default ./out), under a folder per year.
    """
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from liaison.exporting import Artifact, safe_name
    from liaison.loader import read_file
    from liaison.options import split_for
    from liaison.plan import revise
    from liaison.planfile import plan_from_json
    from liaison.plugins import exporter, exporters, load_records
    from liaison_cli import views
    from liaison_cli.output import write_artifact

    district = load(data_file)
    plan = build_plan(district, **kwargs)
    folder = Path(out_dir)
    label = plan.label
    baseline = folder / safe_name(label) / (safe_name(f"plan-{district.info.id}-{label}") + ".json")
    if previous_file is None:
        previous_file = str(baseline) if baseline.is_file() else None
    if previous_file is not None:
        plan = revise(plan_from_json(read_file(previous_file), file=previous_file), plan)
        click.echo(f"按上次导出修订 revising against {previous_file}", err=True)
    records = load_records(records_file, district) if records_file else None
    pairs: list[tuple[str, str]] = []
    for item in raw_options:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r}: write KEY=VALUE", param_hint="--option")
        pairs.append((key.strip(), value))
    chosen = list(exporters()) if format_name == "all" else [exporter(format_name).name]
    if "json" not in chosen:  # the plan JSON is the baseline the next export revises against
        chosen.append("json")
    routed = split_for({name: exporter(name).options for name in chosen}, pairs)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # Every artifact is made before any is written: a failing exporter leaves the folder as it was.
    made: list[tuple[str, Artifact]] = []
    with Progress(*columns, console=views.err_console, transient=True) as progress:
        for name in chosen:
            task = progress.add_task(f"生成 {name}", total=None)
            for artifact in exporter(name).run(district, plan, routed[name], records):
                made.append((name, artifact))
                progress.advance(task)
        task = progress.add_task("写入 writing", total=len(made))
        written: list[tuple[str, str, int]] = []
        for name, artifact in made:
            path = write_artifact(folder, artifact)
            written.append((name, str(path), len(artifact.data)))
            progress.advance(task)
    views.print_export_summary(folder, plan, written, lang=lang)


# ------------------------------------------------------------------------------------------- plugins
@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def plugins(fmt: str) -> None:
    """The plugins loaded, their hooks and the exporters they provide."""
    from liaison.plugins import describe
    from liaison_cli import views

    found = describe()
    if fmt == "json":
        emit_json({"plugins": found})
    else:
        views.print_plugins(found)


def main() -> None:
    cli(prog_name="liaison")


if __name__ == "__main__":
    main()
