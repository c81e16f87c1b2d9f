"""The main job: the seed district's liaison plan for a year, as calendars and letters.

    python examples/annual_plan.py [YEAR] [--out DIR]

YEAR defaults to next calendar year. Writes into ./out/<year>/: the plan (JSON), the master and
per-organisation iCalendar files, and every notice and invitation letter (GB/T 9704-2012 .docx).
Re-running after dates changed updates the calendars in place (same UIDs, SEQUENCE raised).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

import liaison
from liaison.exporting import ExportRequest
from liaison.holiday_notice import load_holiday_notice
from liaison.loader import read_file
from liaison.plan import plan_year, revise
from liaison.planfile import plan_from_json
from liaison.plugins import exporter, working_day_calendar
from liaison.workdays import provisional_note
from liaison_cli.output import write_artifact

console = Console()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("year", nargs="?", type=int, default=dt.date.today().year + 1)
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--holidays", type=Path, action="append", default=[],
                        help="the State Council's holiday notice as holiday-cn JSON (docs/holidays.md)")
    args = parser.parse_args()
    try:
        return run(args.year, args.out, args.holidays)
    except liaison.LiaisonError as exc:
        console.print(f"[red]错误 error:[/red] {exc}")
        return 1


def run(year: int, out: Path, notices: list[Path]) -> int:
    district = liaison.seed_district()
    calendar = working_day_calendar(load_holiday_notice(path) for path in notices)
    plan = plan_year(district, year, calendar=calendar)
    previous = out / str(year) / f"plan-{district.info.id}-{year}.json"
    if previous.is_file():  # a re-run: publish the changes as revisions of the calendars already sent out
        plan = revise(plan_from_json(read_file(previous), file=str(previous)), plan)
    request = ExportRequest(district, plan, {"kinds": "notice,invitation"})

    written: dict[str, list[Path]] = {}
    for name in ("json", "ical"):
        written[name] = [write_artifact(out, a) for a in exporter(name).export(request)]
    letters = list(exporter("docx").export(request))  # rendering is fast; writing shows progress
    columns = (TextColumn("写入公文 letters"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("letters", total=len(letters))
        written["docx"] = []
        for artifact in letters:
            written["docx"].append(write_artifact(out, artifact))
            progress.advance(task)

    summary = Table(title=f"{district.info.name} {year}年对口联系工作计划")
    for column in ("类型 kind", "数量 count"):
        summary.add_column(column)
    kinds: dict[str, int] = {}
    for e in plan.engagements:
        kinds[e.kind.value] = kinds.get(e.kind.value, 0) + 1
    for kind, count in kinds.items():
        summary.add_row(kind, str(count))
    console.print(summary)
    files = Table(title=f"已写入 {out}/{year}/")
    for column in ("格式 format", "文件 files", "例 example"):
        files.add_column(column)
    for name, paths in written.items():
        files.add_row(name, str(len(paths)), str(paths[0]) if paths else "—")
    console.print(files)
    for provisional in plan.provisional_years:
        console.print("暂定：" + provisional_note(provisional, breaks_avoided=True))
    for u in plan.unplaced:
        console.print(f"未能安排 unplaced: {u.provision} {u.reason_zh}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
