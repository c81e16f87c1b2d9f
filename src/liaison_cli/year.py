"""The year's commands: ``plan`` (and its changes to the year's state), ``check``, ``export``,
``publish``. With ``--out DIR`` they work on the year's folder ``DIR/<year>/`` and its state file
(:mod:`liaison_workspace`); every one reads it when present, so nothing agreed is ever lost."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import click

from liaison.host.language import lang_option, option, say
from liaison_cli.app import (
    DATE,
    Refusal,
    cli,
    data_option,
    emit_json,
    handle_errors,
    load,
    query_options,
    today,
)

if TYPE_CHECKING:  # loaded where a command runs, not with the command's module
    from liaison.law.district import District
    from liaison.law.records import Records
    from liaison.law.workdays import WorkingDayCalendar
    from liaison.year.reconcile import Change
    from liaison.year.state import YearState
    from liaison_workspace import UpdateOutcome, Workspace

F = TypeVar("F", bound=Callable[..., Any])


def parse_years(year: int | None, years: str | None) -> tuple[int, ...]:
    """The years of the run, each one the planner works in (checked before anything is written)."""
    from liaison.year.planner import check_year

    if year is not None and years:
        raise Refusal.of("--years", years, "give --year or --years, not both", "--year 和 --years 只能给出一个",
                         "drop one of them", "请去掉其中一个")
    if years:
        first, sep, last = years.partition("..")
        try:
            a, b = int(first), int(last if sep else first)
        except ValueError:
            raise Refusal.of("--years", years, "not a range of years", "不是年度范围", "write A..B, e.g. 2026..2028",
                             "请写成 A..B，如 2026..2028") from None
        if b < a or b - a > 50:
            raise Refusal.of("--years", years, "the range must run forwards, at most 50 years",
                             "范围须从前往后，最多 50 年", "write A..B, e.g. 2026..2028", "请写成 A..B，如 2026..2028")
        chosen = tuple(range(a, b + 1))
    else:
        chosen = (today().year + 1,) if year is None else (year,)
    for one in chosen:
        check_year(one)
    return chosen


def option_pairs(items: Sequence[str]) -> list[tuple[str, str]]:
    """``--option KEY=VALUE`` as (key, value) pairs, in the order given (a later one wins), for the
    exporters and the publishers alike."""
    pairs: list[tuple[str, str]] = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise Refusal.of("--option", item, "not KEY=VALUE", "不是 KEY=VALUE 的形式",
                             "write KEY=VALUE; `liaison plugins` lists the options",
                             "请写成 KEY=VALUE；`liaison plugins` 列出全部选项")
        pairs.append((key.strip(), value))
    return pairs


def int_list(text: str | None, name: str) -> tuple[int, ...] | None:
    if text is None:
        return None
    try:
        return tuple(int(x) for x in text.replace("，", ",").split(",") if x.strip())
    except ValueError:
        raise Refusal.of(name, text, "not whole numbers separated by commas", "不是用逗号分隔的整数",
                         "write e.g. 3,4,5", "请写成如 3,4,5") from None


def time_list(text: str | None) -> tuple[dt.time, ...] | None:
    if text is None:
        return None
    try:
        return tuple(dt.time.fromisoformat(x.strip()) for x in text.split(",") if x.strip())
    except ValueError:
        raise Refusal.of("--slots", text, "not times of day separated by commas", "不是用逗号分隔的时刻",
                         "write times like 09:00,14:30", "请写成如 09:00,14:30") from None


def year_options(f: F) -> F:
    """The year, how to plan it (each option defaults to what the year's state last used), the
    holiday notices and the events."""
    for decorator in reversed([
        option("--year", type=int, default=None, help="The year. Default: next year.", help_zh="年度。默认：明年。"),
        option("--years", default=None, help="A range of years, e.g. 2026..2028 (each its own folder).",
               help_zh="连续几个年度，如 2026..2028（每年一个文件夹）。"),
        option("--per-pairing/--per-department", "per_pairing", default=None,
               help="Joint meetings one per pairing, or one per department with all its counterparts.",
               help_zh="联席会议按每对对口关系各开一次，或每个部门与其全部对口单位合开一次。"),
        option("--visits", type=int, default=None,
               help="Visits per pairing (default: the rule's minimum; above its maximum is flagged).",
               help_zh="每对对口关系的走访次数（默认：规则的下限；超过上限的会标出）。"),
        option("--allow-makeup-weekends/--no-makeup-weekends", default=None,
               help="Allow the Saturdays and Sundays made working days by the holiday arrangement.",
               help_zh="允许安排在调休上班的周六、周日。"),
        option("--allow-customary-breaks/--avoid-customary-breaks", default=None,
               help="In a year without a holiday notice, allow the customary Spring Festival, Labour Day and "
                    "National Day breaks.",
               help_zh="尚无放假通知的年度，允许安排在春节、劳动节和国庆节通常放假的日子。"),
        option("--min-gap", type=int, default=None, help="Days between a pairing's engagements (default 30).",
               help_zh="同一对口关系两次活动至少相隔的天数（默认 30）。"),
        option("--months", default=None, help="Preferred months, e.g. 3,4,5,9,10,11.",
               help_zh="优先安排的月份，如 3,4,5,9,10,11。"),
        option("--weekdays", default=None,
               help="Preferred weekdays, 1 = Monday … 7 = Sunday (a weekend day only with --allow-makeup-weekends).",
               help_zh="优先安排的星期，1 = 周一 … 7 = 周日（周末仅在加 --allow-makeup-weekends 时）。"),
        option("--slots", default=None, help="Half-day start times, default 09:00,14:30.",
               help_zh="半天活动的开始时间，默认 09:00,14:30。"),
        option("--holidays", "holiday_files", multiple=True, type=click.Path(dir_okay=False),
               help="The State Council's holiday notice for a year, as holiday-cn JSON (repeatable; "
                    "docs/holidays.md).",
               help_zh="国务院办公厅某年的放假通知，holiday-cn JSON 格式（可重复；见 docs/holidays.md）。"),
        option("--events", "events_file", type=click.Path(dir_okay=False), default=None,
               help="A TOML file of dated events ([[events]]: plenary meetings, symposia, …).",
               help_zh="有日期的会议活动的 TOML 文件（[[events]]：全体会议、座谈会等）。"),
        option("--replan", is_flag=True, help="Place every proposed engagement afresh.",
               help_zh="重新安排全部拟定（尚未商定）的活动。"),
    ]):
        f = decorator(f)
    return f


@attrs.frozen
class YearInputs:
    years: tuple[int, ...]
    overrides: dict[str, Any]
    holiday_files: tuple[str, ...]
    events_file: str | None
    replan: bool


def year_inputs(year: int | None, years: str | None, per_pairing: bool | None, visits: int | None,
                allow_makeup_weekends: bool | None, allow_customary_breaks: bool | None, min_gap: int | None,
                months: str | None, weekdays: str | None, slots: str | None, holiday_files: tuple[str, ...],
                events_file: str | None, replan: bool) -> YearInputs:
    wanted_days = int_list(weekdays, "--weekdays")
    if wanted_days is not None and any(not 1 <= d <= 7 for d in wanted_days):
        raise Refusal.of("--weekdays", weekdays, "weekdays are 1 (Monday) to 7 (Sunday)",
                         "星期应为 1（周一）到 7（周日）", "write e.g. 2,3,4", "请写成如 2,3,4")
    from liaison.year.engagements import TimeSlot

    chosen_slots = time_list(slots)
    overrides = {k: v for k, v in dict(
        per_pairing_meetings=per_pairing, visits_per_pairing=visits, allow_makeup_weekends=allow_makeup_weekends,
        allow_customary_breaks=allow_customary_breaks, min_gap_days=min_gap,
        preferred_months=int_list(months, "--months"),
        preferred_weekdays=None if wanted_days is None else tuple(d - 1 for d in wanted_days),
        slots=None if chosen_slots is None else tuple(TimeSlot(t) for t in chosen_slots)).items() if v is not None}
    return YearInputs(parse_years(year, years), overrides, holiday_files, events_file, replan)


def plan_options_for(inputs: YearInputs, state: Any) -> Any:
    """The state's options (or the defaults) with what the command line gave on top."""
    from liaison.base.errors import Refused
    from liaison.year.engagements import PlanOptions

    base = state.options if state is not None else PlanOptions()
    if not inputs.overrides and state is not None:
        return None
    try:
        return attrs.evolve(base, **inputs.overrides)
    except Refused as exc:
        field = exc.field or ""
        value = inputs.overrides.get(field)  # a number as given; a list is the flag's own text, not shown again
        raise Refusal(OPTION_FLAGS.get(field, field), str(value) if isinstance(value, int) else None,
                      exc.problem) from None


#: The command line's flag for each planning option (a refused value names the flag).
OPTION_FLAGS = {"visits_per_pairing": "--visits", "min_gap_days": "--min-gap", "preferred_months": "--months",
                "preferred_weekdays": "--weekdays", "slots": "--slots"}


def notices_for(holiday_files: Sequence[str], years: Sequence[int]) -> Any:
    """The holiday notices given (``--holidays``), one per year, each arranging days of a year of the
    run (one that none uses is refused, never silently ignored)."""
    from liaison.formats.notice import load_holiday_notices
    from liaison.law.notices import check_used

    notices = load_holiday_notices(holiday_files)
    check_used(notices, years, holiday_files)
    return notices


def calendar_for(notices: Sequence[Any] = (), years: Sequence[int] = ()) -> Any:
    """The working-day calendar: a plugin's or the built-in one, with the notices on top. With
    ``--out``, the workspace adds the notices the year's state was planned on
    (:func:`liaison.year.state.year_calendar`). The law's estimate of ``years`` without a published
    arrangement comes from the cache folder when an earlier command worked it out
    (:func:`liaison_workspace.estimates.preload_law_years`)."""
    from liaison.host.plugins import working_day_calendar
    from liaison_workspace.estimates import preload_law_years

    calendar = working_day_calendar(notices)
    preload_law_years(calendar, years)
    return calendar


def events_for(district: Any, events_file: str | None) -> Any:
    from liaison.formats.events import load_events

    return None if events_file is None else load_events(events_file, district)


def parse_changes(confirms: Sequence[str], moves: Sequence[str], cancels: Sequence[str],
                  helds: Sequence[str], zone: str = "Asia/Shanghai") -> list[Any]:
    """The changes, in the order they are applied (confirm, move, cancel, held). A move given with a
    UTC offset (``…T09:00+05:00``) names an instant: it is converted to the district's time zone
    ``zone``, where the plan keeps its times. Contradictory changes of one engagement are refused
    (:func:`check_contradictions`)."""
    from liaison.base.errors import Refused
    from liaison.base.text import parse_date
    from liaison.year.reconcile import Change

    changes = [Change("confirm", i) for i in confirms]
    for move in moves:
        engagement_id, _, when = move.rpartition("@")
        if not engagement_id:
            raise Refusal.of("--move", move, "not ID@YYYY-MM-DD", "不是 ID@YYYY-MM-DD 的形式",
                             "write ID@YYYY-MM-DD or ID@YYYY-MM-DDTHH:MM, the id as `liaison plan` lists it",
                             "请写成 ID@YYYY-MM-DD 或 ID@YYYY-MM-DDTHH:MM，ID 即 `liaison plan` 列出的编号")
        written_day, _, written_time = when.partition("T")
        try:
            day = parse_date(written_day)  # the date parser's own words: "there is no 30 February 2027"
        except Refused as exc:
            raise Refusal("--move", move, exc.problem) from None
        try:
            moment = dt.datetime.fromisoformat(f"{day.isoformat()}T{written_time}") if written_time else None
        except ValueError:
            raise Refusal.of("--move", move, f"{written_time!r} is not a time of day", f"{written_time!r} 不是时刻",
                             "write ID@YYYY-MM-DDTHH:MM, e.g. …@2027-03-01T09:00",
                             "请写成 ID@YYYY-MM-DDTHH:MM，如 …@2027-03-01T09:00") from None
        if moment is not None and moment.utcoffset() is not None:
            moment = moment.astimezone(local_zone(zone)).replace(tzinfo=None)
            day = moment.date()
        changes.append(Change("move", engagement_id, day, moment.time() if moment else None))
    changes += [Change("cancel", i) for i in cancels] + [Change("held", i) for i in helds]
    check_contradictions(changes)
    return changes


def local_zone(name: str) -> dt.tzinfo:
    """The district's time zone; Asia/Shanghai (the one the data allows) without the tz database at
    hand is UTC+8, as it has been every day since 1992."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return dt.timezone(dt.timedelta(hours=8), name)


def check_contradictions(changes: Sequence[Any]) -> None:
    """One engagement, changes that cannot all hold: cancelled and also confirmed, moved or held, or
    moved to two different times. Refused before anything is written, never applied in order (the
    last would win in silence). A move with a confirm, or a move or confirm with held, agree."""
    from liaison.base.errors import PlanningError

    by_id: dict[str, list[Any]] = {}
    for change in changes:
        by_id.setdefault(change.engagement, []).append(change)
    for engagement, mine in by_id.items():
        actions = {c.action for c in mine}
        moves = {(c.date, c.start) for c in mine if c.action == "move"}
        if ("cancel" in actions and len(actions) > 1) or len(moves) > 1:
            given = " ".join(dict.fromkeys(f"{OPTION_OF[c.action]} {engagement}" for c in mine))
            raise PlanningError(f"{given}: these changes of one engagement contradict each other; nothing was "
                                "changed", fix="give the one change you mean",
                                message_zh=f"{given}：对同一项活动的这些修改互相矛盾，未作任何修改",
                                fix_zh="请只给出您要做的那一项修改")


OPTION_OF = {"confirm": "--confirm", "move": "--move", "cancel": "--cancel", "held": "--held"}


def _of_year(change: Any, year: int) -> bool:
    """A change belongs to the year its engagement's id starts with."""
    return bool(change.engagement.startswith(f"{year}/"))


def changes_of(changes: Sequence[Any], year: int) -> list[Any]:
    """The changes a year consumes: those of its engagements."""
    return [c for c in changes if _of_year(c, year)]


def check_changes_consumed(changes: Sequence[Any], years: Sequence[int]) -> None:
    """Every change belongs to a year of the run: one that none consumes stops the command before
    anything is written, never silently dropped."""
    from liaison.base.errors import PlanningError

    asked = ", ".join(str(y) for y in years)
    for change in changes:
        if any(_of_year(change, year) for year in years):
            continue
        option = OPTION_OF.get(change.action, change.action)
        head = change.engagement.split("/", 1)[0]
        if head.isdigit() and len(head) == 4:
            fix, fix_zh = f"run it with --year {head}", f"请用 --year {head} 运行"
        else:
            fix = f"use an id the plan lists: it starts with its year ({years[0]}/…)"
            fix_zh = f"请使用计划中列出的编号：编号以年份开头（{years[0]}/…）"
        raise PlanningError(f"{option} {change.engagement}: not an engagement of the year(s) given ({asked}); "
                            "nothing was changed", fix=fix,
                            message_zh=f"{option} {change.engagement}：不是所给年度（{asked}）的活动，未作任何修改",
                            fix_zh=fix_zh)


def read_states(workspace: Any, district: Any, years: Sequence[int], lang: str,
                taken: list[Any] | None = None) -> dict[int, Any]:
    """Every year's state (None for a year without one) before any year is written, so a state that
    does not load stops the run before it changes anything; what the output folder's recovery did is
    printed (and added to ``taken``)."""
    from liaison_cli import views

    if workspace is None:
        return dict.fromkeys(years)
    states = {year: workspace.read_state(district, year) for year in years}
    notes = workspace.take_notes()
    views.print_notes(notes, lang=lang)
    if taken is not None:
        taken.extend(notes)
    return states


# ---------------------------------------------------------------------------------------------- plan
@cli.command(help_zh="""
    按全国工作日编排的年度计划：制度要求的会议和走访，以及有日期的会议活动。

    活动在双方商定前为拟定。加 --out 时，读取 DIR/<年度>/ 中的年度状态，
    按 --confirm、--move、--cancel、--held 修改后写回，并列出变化和当年计划（含各项活动的编号）；
    之后用 `liaison export` 导出。
    """)
@year_options
@option("--out", "out_dir", type=click.Path(), default=None,
        help="The output folder: read and update the year's state in DIR/<year>/ (atomically).",
        help_zh="输出文件夹：读取并更新 DIR/<年度>/ 中的年度状态（整体写入，不留半截文件）。")
@option("--confirm", "confirms", multiple=True, help="Mark an engagement id as agreed (repeatable).",
        help_zh="把该编号的活动标为已商定（可重复）。")
@option("--move", "moves", multiple=True,
        help="ID@YYYY-MM-DD[THH:MM]: move an engagement (it becomes agreed). Repeatable.",
        help_zh="ID@YYYY-MM-DD[THH:MM]：调整活动的日期（调整后即为已商定）。可重复。")
@option("--cancel", "cancels", multiple=True, help="Cancel an engagement (kept as cancelled). Repeatable.",
        help_zh="取消活动（保留为已取消）。可重复。")
@option("--held", "helds", multiple=True,
        help="Mark an engagement as held (a record); not one dated after --as-of. Repeatable.",
        help_zh="把活动标为已召开（作为记录）；日期在 --as-of 之后的不行。可重复。")
@option("--as-of", "as_of", type=DATE, default=None,
        help="The day the changes are made: an engagement dated after it cannot be marked held, nor one moved onto "
             "a day before it. Default: today.",
        help_zh="作出这些修改的日期：日期在此之后的活动不能标为已召开，也不能改期到此日之前。默认：今天。")
@option("--force", is_flag=True,
        help="Allow changing an agreed, held or cancelled engagement, marking held one dated after --as-of, or "
             "moving one onto a day before it.",
        help_zh="允许修改已商定、已召开或已取消的活动，把 --as-of 之后的活动标为已召开，或改期到 --as-of 之前。")
@lang_option
@query_options
@handle_errors
def plan(data_file: str | None, fmt: str, lang: str, out_dir: str | None, confirms: tuple[str, ...],
         moves: tuple[str, ...], cancels: tuple[str, ...], helds: tuple[str, ...], as_of: dt.date | None, force: bool,
         **kwargs: Any) -> None:
    """The year's plan on China's working days: the meetings and visits the rules ask for, and dated events.

    Engagements are proposed until both sides agree. With --out, the year's state in DIR/<year>/ is
    read, changed (--confirm, --move, --cancel, --held) and written back, and what changed is printed;
    `liaison export` then publishes it.
    """
    from liaison.formats.state import plan_document
    from liaison.year.state import YearState
    from liaison_cli import views
    from liaison_workspace import MemoryStore, Workspace

    district = load(data_file)
    inputs = year_inputs(**kwargs)
    documents = []
    changes = parse_changes(confirms, moves, cancels, helds, district.info.timezone)
    check_changes_consumed(changes, inputs.years)
    notices = notices_for(inputs.holiday_files, inputs.years)
    events = events_for(district, inputs.events_file)
    # without --out the year is worked out the same way, in a store that ends with the command
    workspace = Workspace(out_dir) if out_dir is not None else Workspace(store=MemoryStore())
    states = read_states(workspace, district, inputs.years, lang)
    now = today()
    for year in inputs.years:
        outcome = _update(workspace, district, year, changes_of(changes, year), force=force,
                          calendar=calendar_for(years=[year]), options=plan_options_for(inputs, states[year]),
                          events=events, replan=inputs.replan, notices=notices, as_of=as_of or now, today=now)
        views.print_notes(outcome.notes, lang=lang)
        result = outcome.after
        if out_dir is not None and fmt == "text":
            views.print_changes(district, outcome.before, result, outcome.shown, lang=lang, created=outcome.created)
        if fmt == "json":  # with --out, the whole state as written (letters, manifest, publications too)
            written = workspace.read_state(district, year) if out_dir is not None else None
            state = written or YearState.of(result)
            documents.append(plan_document(district, state))
        elif out_dir is None:
            views.print_plan(district, result, lang=lang)
    if fmt == "json":  # one year: its state document; several (--years): a list of them, in order
        emit_json(documents[0] if len(documents) == 1 else documents)


def _update(workspace: Workspace, district: District, year: int, changes: Sequence[Change], *, as_of: dt.date,
            today: dt.date, **given: Any) -> UpdateOutcome:
    """``workspace.update`` with the changes made on ``as_of``, where what has taken place is judged
    by the clock: a day still to come is not made to have come by an ``--as-of`` after today, so
    ``--held`` for it is refused (NotYetHeld, saying so) unless forced. The year is re-planned on
    today (the clock, or ``LIAISON_TODAY``): nothing placed afresh lands on a day gone by."""
    from liaison.year.engagements import NotYetHeld

    try:
        return workspace.update(district, year, changes, as_of=min(as_of, today), from_day=today, **given)
    except NotYetHeld as exc:
        if as_of <= today:
            raise
        day, now = as_of.isoformat(), today.isoformat()
        raise NotYetHeld(f"{exc.message} (--as-of {day} is a day still to come: today is {now}, and only a day "
                         "that has come can have been held)",
                         message_zh=f"{exc.message_zh}（--as-of {day} 尚未到来：今天是 {now}，"
                                    "只有已经到来的日期才可能已召开）",
                         fix=exc.fix, fix_zh=exc.fix_zh) from None


#: What happened, for the commands that account for the year (check, due).
records_option = option("--records", "records_files", multiple=True, type=click.Path(dir_okay=False),
                        help="What happened: a records file (.toml) or a ledger (.xlsx with liaison-xlsx). "
                             "Repeatable.",
                        help_zh="实际开展的情况：记录文件（.toml）或工作台账（.xlsx，需 liaison-xlsx）。可重复。")
#: The holiday notices a deadline in working days is counted with (check, due).
deadline_holidays_option = option("--holidays", "holiday_files", multiple=True, type=click.Path(dir_okay=False),
                                  help="Holiday notices (holiday-cn JSON), for deadlines in working days.",
                                  help_zh="放假通知（holiday-cn JSON），用于按工作日计算的期限。")


# --------------------------------------------------------------------------------------------- check
@cli.command(help_zh="检查制度落实情况：按义务 × 对口关系（或单位）× 期间逐项列出，记在应尽义务的单位名下。")
@option("--year", type=int, required=True, help="The year to account for.", help_zh="检查的年度。")
@records_option
@option("--plan", "state_file", type=click.Path(dir_okay=False), default=None,
        help="The year's state file: engagements marked held count as records.",
        help_zh="年度状态文件：其中标为已召开的活动计为记录。")
@option("--out", "out_dir", type=click.Path(), default=None,
        help="The output folder: the held engagements of DIR/<year>/'s state count as records.",
        help_zh="输出文件夹：DIR/<年度>/ 年度状态中已召开的活动计为记录。")
@option("--as-of", "as_of", type=DATE, default=None, help="Check as of this date. Default: 31 December.",
        help_zh="检查截至该日的情况。默认：12月31日。")
@option("--all", "show_all", is_flag=True, help="List every finding, not only those to act on.",
        help_zh="列出全部检查结果，而不只是需要处理的。")
@option("--fail-on", "fail_on", type=click.Choice(["violation", "deviation", "local"]), multiple=True,
        help="Exit with status 3 when there are findings of this severity (violation; deviation includes "
             "violations; local).",
        help_zh="有该程度的检查结果时以状态 3 退出（violation 违反；deviation 偏离，含违反；local 本区设定）。")
@deadline_holidays_option
@lang_option
@query_options
@handle_errors
def check(year: int, records_files: tuple[str, ...], state_file: str | None, out_dir: str | None,
          as_of: dt.date | None, show_all: bool, fail_on: tuple[str, ...], holiday_files: tuple[str, ...], lang: str,
          data_file: str | None, fmt: str) -> None:
    """Compliance: findings per obligation × pairing (or body) × period, charged to who owed them."""
    from liaison.law.compliance import check as run_check
    from liaison.law.findings import fail_on as failing
    from liaison.law.records import Records
    from liaison_cli import views

    district = load(data_file)
    if not records_files and state_file is None and out_dir is None:
        raise click.UsageError(say("give what happened: --records FILE, --plan STATE_FILE or --out DIR",
                                   "请给出实际开展的情况：--records FILE、--plan STATE_FILE 或 --out DIR"))
    records, state, calendar = what_happened(district, year, records_files, state_file, out_dir, holiday_files,
                                             lang)
    if state is not None:
        records = Records.from_plan(state.plan, held_only=True).merged(records)
    report = run_check(district, records, year, as_of, calendar=calendar)
    if fmt == "json":  # the ~20 document types load for JSON only
        from liaison.formats.documents import report_document

        emit_json(report_document(report, district))
    else:
        views.print_report(district, report, lang=lang, show_all=show_all)
    if fail_on and failing(report, fail_on):
        sys.exit(3)


def what_happened(district: District, year: int, records_files: Sequence[str], state_file: str | None,
                  out_dir: str | None, holiday_files: Sequence[str],
                  lang: str) -> tuple[Records, YearState | None, WorkingDayCalendar]:
    """What `check` and `due` read: the records files merged, the year's state (``--plan`` FILE, or the
    one in ``--out`` DIR, its notes printed) and the year's working days with the notices given."""
    from liaison.formats.state import parse_state
    from liaison.formats.syntax import read_file
    from liaison.host.plugins import load_records
    from liaison.law.records import Records
    from liaison.year.state import year_calendar
    from liaison_cli import views

    records = Records(district_id=district.info.id)
    for name in records_files:
        records = records.merged(load_records(name, district))
    state = None
    if state_file is not None:
        state = parse_state(read_file(state_file), district, year=year, file=state_file)
    elif out_dir is not None:
        from liaison_workspace import Workspace  # its store and folder machinery: for --out only

        workspace = Workspace(out_dir)
        state = workspace.read_state(district, year)
        views.print_notes(workspace.take_notes(), lang=lang)
    calendar, _ = year_calendar(state, year, calendar_for(years=[year]), notices_for(holiday_files, [year]))
    return records, state, calendar


# ---------------------------------------------------------------------------------------------- due
@cli.command(help_zh="某单位截至某日的待办事项：待商定的日期、待补录的记录、待反馈的调研成果和尚未落实的要求，"
                     "逐项注明依据的条款及其当日有效的原文。")
@option("--body", required=True, help="The body whose list it is (id or name, e.g. health).",
        help_zh="待办事项所属单位（编号或名称，如 health）。")
@option("--as-of", "as_of", type=DATE, default=None, help="The day to answer for. Default: today.",
        help_zh="按哪一天回答。默认：今天。")
@records_option
@option("--plan", "state_file", type=click.Path(dir_okay=False), default=None,
        help="The year's state file (default: the year as the planner proposes it).",
        help_zh="年度状态文件（默认：按编排程序拟定的当年计划）。")
@option("--out", "out_dir", type=click.Path(), default=None,
        help="The output folder: read the year's state in DIR/<year>/.",
        help_zh="输出文件夹：读取 DIR/<年度>/ 中的年度状态。")
@deadline_holidays_option
@lang_option
@query_options
@handle_errors
def due(body: str, as_of: dt.date | None, records_files: tuple[str, ...], state_file: str | None,
        out_dir: str | None, holiday_files: tuple[str, ...], lang: str, data_file: str | None, fmt: str) -> None:
    """One body's to-do list as of a day: dates to agree, records missing, research awaiting feedback
    and obligations not yet met, each citing its provision and its text in force that day."""
    from liaison.base.text import LAST_YEAR
    from liaison.formats.documents import due_document
    from liaison.year.due import NextYear, due_list
    from liaison.year.planner import check_year, plan_year
    from liaison_cli import views

    district = load(data_file)
    day = as_of or today()
    check_year(day.year)
    records, state, calendar = what_happened(district, day.year, records_files, state_file, out_dir,
                                             holiday_files, lang)
    plan = state.plan if state is not None else plan_year(district, day.year)
    ahead = None
    if out_dir is not None and day.year + 1 <= LAST_YEAR:  # the next year's plan where the folder holds one
        from liaison_workspace import Workspace

        following = Workspace(out_dir).read_state(district, day.year + 1)
        ahead = NextYear(plan=following.plan) if following is not None else None
    found = due_list(district, plan, records, body=body, as_of=day, calendar=calendar, ahead=ahead)
    if fmt == "json":
        emit_json(due_document(found, district))
    else:
        views.print_due(district, found, lang=lang)


# -------------------------------------------------------------------------------------------- export
@cli.command(help_zh="""
    用插件导出年度文件：FORMAT 为 ical、docx、xlsx、html 等，或 all（全部）。

    读取 DIR/<年度>/ 中的年度状态（已商定的不会丢失），安排新增的活动，先在内存中生成全部文件，
    再整体换入新文件夹：要么全部完成，要么什么都不变。上次导出有、这次没有的文件移到 DIR/<年度>/已作废/。
    """)
@click.argument("format_name", metavar="FORMAT")
@option("--out", "out_dir", type=click.Path(), default="out", show_default=True,
        help="The output folder; the year goes to DIR/<year>/ with its state file.",
        help_zh="输出文件夹；年度文件及其状态文件写入 DIR/<年度>/。")
@option("--records", "records_files", multiple=True, type=click.Path(dir_okay=False),
        help="Records or a ledger: what the letters answer (consultations, research feedback), the contacts "
             "designated for the liaison duty in letters not yet issued, and a ledger's register of letters "
             "issued (where each series stands). Repeatable.",
        help_zh="记录文件或工作台账：函件所回复的事项（征求意见、调研反馈），尚未印发函件中的联系人（责任制），"
                "以及台账“发文登记”表（各代字文号已用到哪里）。可重复。")
@option("--register", "register_files", multiple=True, type=click.Path(dir_okay=False),
        help="The office's register of letters issued as CSV (UTF-8, GB18030/GBK or UTF-16, as Excel's "
             "Unicode text): each series continues after the highest number it lists for the year. Repeatable.",
        help_zh="本单位的发文登记簿（CSV，UTF-8、GB18030/GBK 或 UTF-16 编码，即 Excel 的“Unicode 文本”）："
                "各代字的文号从其中该年已用的最大号之后接续。可重复。")
@option("--option", "raw_options", multiple=True,
        help="KEY=VALUE (or EXPORTER.KEY=VALUE) for the exporters; `liaison plugins` lists them.",
        help_zh="导出插件的选项 KEY=VALUE（或 EXPORTER.KEY=VALUE）；`liaison plugins` 列出全部选项。")
@option("--issued-on", "issued_on", type=DATE, default=None,
        help="The day this export's letters are signed and sent: every letter it issues is dated that day and "
             "numbered from the register; a letter issued before stays as it went out, and what changed in it "
             "goes out as a change or cancellation letter dated that day. Default: today.",
        help_zh="本次导出印发公文的日期：本次印发的公文均署该日期，并按发文登记簿编号；此前已印发的公文保持原样，"
                "其内容如有变化，另发变更函或取消函，署该日期。默认：今天。")
@option("--force", is_flag=True,
        help="Allow a day of issue after today, or before the day of an earlier export (letters issued so are "
             "numbered and sent for good).",
        help_zh="允许印发日期晚于今天，或早于此前一次导出的日期（如此印发的公文将正式编号发出，无法撤回）。")
@option("--district-name", "district_name", default=None,
        help="The district's name for this export only (e.g. Haicang District of Xiamen): the letterheads and "
             "signatures of the drafts and the letters this export issues (a letter already issued never "
             "changes), calendars, sheets and the page follow. The lasting place is [district].name in the data.",
        help_zh="仅本次导出使用的区名（如 厦门市海沧区）：草稿和本次印发函件的版头、落款（已印发的函件不再改变），"
                "以及日历、表格和网页随之改变。长期使用请写在数据的 [district].name。")
@year_options
@lang_option
@data_option
@handle_errors
def export(format_name: str, out_dir: str, records_files: tuple[str, ...], register_files: tuple[str, ...],
           raw_options: tuple[str, ...], issued_on: dt.date | None, force: bool, district_name: str | None,
           lang: str, data_file: str | None, **kwargs: Any) -> None:
    """Export the year(s) with the plugins: FORMAT is ical, docx, xlsx, html, … or `all`.

    Reads the year's state in DIR/<year>/ (nothing agreed is lost), plans what is new, builds every
    file in memory and swaps the new folder in: all or nothing. Files an earlier export wrote and this
    one does not are moved to the year's archive folder (docs/letters.md).
    """
    from liaison_cli import receipts

    day = today()  # read once: the default year and the default day of issue, and the receipt's key with them
    if kwargs["year"] is None and not kwargs["years"]:
        kwargs["year"] = day.year + 1
    wanted = receipts.years_of(kwargs["year"], kwargs["years"], day)
    key = None
    values = dict(kwargs, format_name=format_name, records_files=records_files, register_files=register_files,
                  raw_options=raw_options,
                  issued_on=issued_on or day, force=force, district_name=district_name, lang=lang,
                  data_file=data_file)
    if wanted is not None and len(wanted) == 1 and receipts.plugins_as_installed():
        # a rerun that would change nothing prints what it printed
        key = receipts.inputs_key("export", values, out_dir, wanted, sys.stdout.isatty(), issued_on=issued_on or day)
        if receipts.replay(key, out_dir, _write_out):
            return

    from liaison.host.options import split_for
    from liaison.host.plugins import exporter, exporters, load_records
    from liaison.law.records import Records
    from liaison_cli import views
    from liaison_workspace import Workspace

    district = load(data_file)
    inputs = year_inputs(**kwargs)
    pairs = option_pairs(raw_options)
    chosen = list(exporters()) if format_name == "all" else [exporter(format_name).name]
    routed = split_for({name: exporter(name).options for name in chosen}, pairs)
    for name in chosen:  # every option checked before anything is read or created
        exporter(name).typed_options(routed[name])
    records = None
    for name in records_files:
        records = (records or Records(district_id=district.info.id)).merged(load_records(name, district))
    if register_files:
        from liaison.formats.register import load_register

        imported = tuple(entry for name in register_files for entry in load_register(name))
        records = (records or Records(district_id=district.info.id)).merged(
            Records(district_id=district.info.id, register=imported))
    notices = notices_for(inputs.holiday_files, inputs.years)
    events = events_for(district, inputs.events_file)
    workspace = Workspace(out_dir)
    noted: list[Any] = []
    states = read_states(workspace, district, inputs.years, lang, noted)
    for year in inputs.years:
        doing = say(f"{year}: writing {', '.join(chosen)}", f"{year}：生成 {', '.join(chosen)}")
        with _progress(views.err_console, doing):
            outcome = workspace.export(district, year, [(name, routed[name]) for name in chosen], records=records,
                                       calendar=calendar_for(years=[year]),
                                       options=plan_options_for(inputs, states[year]),
                                       events=events, replan=inputs.replan, issued_on=issued_on or day,
                                       notices=notices, district_name=district_name, today=day, force=force)
        views.print_notes(outcome.notes, lang=lang)
        if key is None or noted or outcome.notes or outcome.written or outcome.archived or outcome.kept_edits \
                or set(outcome.reused) != set(chosen):  # an exporter that ran (of unknown code) may differ next time
            views.print_export_summary(district, outcome, lang=lang)
            continue
        # every exporter reused, nothing written, archived or kept, no note: if the folder is byte for
        # byte as it was, the same inputs are a fixed point, and what was printed is its receipt (receipts.py)
        with views.console.capture() as captured:
            views.print_export_summary(district, outcome, lang=lang)
        printed = captured.get()
        _write_out(printed)
        if receipts.inputs_key("export", values, out_dir, inputs.years, sys.stdout.isatty(),
                               issued_on=issued_on or day) == key:
            receipts.record(key, out_dir, [printed])


def _write_out(text: str) -> None:
    """Text rendered already (by rich, for this standard output), written as rich writes it."""
    sys.stdout.write(text)
    sys.stdout.flush()


def _progress(console: Any, description: str) -> AbstractContextManager[object]:
    """A transient spinner on a terminal; nothing elsewhere (a script, a pipe, a log), where rich
    would draw nothing and importing its progress bar alone costs ~40 ms of every export."""
    if not console.is_terminal:
        return contextlib.nullcontext()
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                        transient=True)
    progress.add_task(description, total=None)
    return progress


# ------------------------------------------------------------------------------------------- publish
@cli.command(help_zh="用发布插件（caldav 等）发布年度状态：只发送变化的部分，年度状态记下服务器接受了什么。")
@click.argument("publisher_name", metavar="PUBLISHER")
@option("--year", type=int, required=True, help="The year to publish.", help_zh="发布的年度。")
@option("--out", "out_dir", type=click.Path(), default="out", show_default=True,
        help="The output folder holding the year's state (export first).",
        help_zh="存有年度状态的输出文件夹（请先导出）。")
@option("--url", default=None, help="Where to publish (e.g. the CalDAV server's URL).",
        help_zh="发布到哪里（如 CalDAV 服务器的地址）。")
@option("--user", default=None, help="The user name on the server.", help_zh="服务器上的用户名。")
@option("--password-env", "password_env", default=None,
        help="The name of an environment variable holding the password (never the password itself).",
        help_zh="存放密码的环境变量的名称（不要直接写密码）。")
@option("--option", "raw_options", multiple=True,
        help="KEY=VALUE for the publisher; `liaison plugins` lists them.",
        help_zh="发布插件的选项 KEY=VALUE；`liaison plugins` 列出全部选项。")
@lang_option
@data_option
@handle_errors
def publish(publisher_name: str, year: int, out_dir: str, url: str | None, user: str | None, password_env: str | None,
            raw_options: tuple[str, ...], lang: str, data_file: str | None) -> None:
    """Publish the year's state with a publisher plugin (caldav, …): only what changed is sent, and
    the state records what the target accepted."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from liaison.host.options import resolve
    from liaison.host.plugins import publisher
    from liaison.year.store import NoState
    from liaison_cli import views
    from liaison_workspace import Workspace

    district = load(data_file)
    chosen = publisher(publisher_name)
    given: dict[str, Any] = dict(option_pairs(raw_options))
    for key, text in (("url", url), ("user", user)):
        if text is not None:
            given[key] = text
    if password_env is not None:
        if password_env not in os.environ:
            raise Refusal.of("--password-env", password_env, f"the environment variable {password_env} is not set",
                             f"没有设置环境变量 {password_env}",
                             f"set it before the command (e.g. `export {password_env}=…` in the shell)",
                             f"请先设置该环境变量（如在命令行运行 `export {password_env}=…`）")
        given["password"] = os.environ[password_env]
    target = chosen.target(resolve(chosen.options, given, f"publisher {chosen.name!r}"))
    workspace = Workspace(out_dir)
    columns = (TextColumn(f"{chosen.name} {target}"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, console=views.err_console, transient=True) as progress:
            task = progress.add_task("publish", total=None)
            result = workspace.publish(district, year, chosen, given,
                                       progress=lambda done, total: progress.update(task, completed=done, total=total))
    except NoState as exc:
        command = f"liaison export ical --year {year} --out {out_dir}"
        raise exc.located(fix=f"export the year first: {command}", fix_zh=f"请先导出：{command}") from None
    finally:
        views.print_notes(workspace.take_notes(), lang=lang)
    views.print_publish_summary(result, lang=lang)
    if result.kept:  # completed with problems: events left as the server has them (as check --fail-on)
        sys.exit(3)
