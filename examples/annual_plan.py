"""The main job: the seed district's liaison year, as calendars and letters in ./out/<year>/.

    python examples/annual_plan.py [YEAR] [--out DIR] [--holidays 2027.json]

YEAR defaults to next calendar year. Writes into ./out/<year>/: the year's state
(plan-seed-<year>.json), the master and per-organisation iCalendar files, every notice and
invitation letter (GB/T 9704-2012 .docx), and the spreadsheets and the page when liaison-xlsx and
liaison-html are installed. Run it again after dates were agreed or moved (`liaison plan --out out
--confirm … --move …`): what was agreed stays, calendars update in place (same UIDs, SEQUENCE
raised), changed letters get new numbers and the old ones move to 已作废/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

import liaison
from liaison_workspace import Workspace

console = Console()
OPTIONAL = ("xlsx", "html")  # written too when their plugins are installed


def formats() -> list[tuple[str, dict[str, object]]]:
    chosen: list[tuple[str, dict[str, object]]] = [("ical", {}), ("docx", {"kinds": ("notice", "invitation")})]
    for name in OPTIONAL:
        try:
            liaison.exporter(name)
        except liaison.ExportError:
            continue
        chosen.append((name, {}))
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("year", nargs="?", type=int, default=dt.date.today().year + 1)
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--holidays", type=Path, action="append", default=[],
                        help="the State Council's holiday notice as holiday-cn JSON (docs/holidays.md)")
    parser.add_argument("--issued-on", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                        help="the day the letters are signed and sent (default: today); change letters are "
                             "owed for letters dated on or before it")
    args = parser.parse_args()
    try:
        return run(args.year, args.out, args.holidays, args.issued_on or dt.date.today())
    except liaison.LiaisonError as exc:
        console.print(f"[red]错误:[/red] {exc.render('zh')}", markup=True, highlight=False)
        return 1


def run(year: int, out: Path, notices: list[Path], issued_on: dt.date) -> int:
    district = liaison.seed_district()
    given = [liaison.load_holiday_notice(path) for path in notices]  # kept in the year's state for later runs
    outcome = Workspace(out).export(district, year, formats(), calendar=liaison.working_day_calendar(),
                                    notices=given, issued_on=issued_on)
    plan = outcome.plan

    summary = Table(title=f"{district.info.name} {year}年对口联系工作计划")
    for column in ("类型 kind", "数量 count"):
        summary.add_column(column)
    kinds: dict[str, int] = {}
    for e in plan.engagements:
        kinds[e.kind.value] = kinds.get(e.kind.value, 0) + 1
    for kind, count in kinds.items():
        summary.add_row(kind, str(count))
    console.print(summary)
    files = Table(title=f"已写入 {outcome.folder}/（{len(outcome.unchanged)} 个文件未变）")
    for column in ("格式 format", "文件 files", "例 example"):
        files.add_column(column)
    written: dict[str, list[str]] = {}
    for name, path, _size in outcome.written:
        written.setdefault(name, []).append(path)
    for name, paths in written.items():
        files.add_row(name, str(len(paths)), paths[0])
    console.print(files)
    for path, to in outcome.archived:
        console.print(f"已作废 archived: {path} → {to}")
    if plan.provisional:
        console.print("暂定：" + liaison.provisional_note(year, breaks_avoided=not plan.options.allow_customary_breaks))
    for warning in plan.warnings:
        console.print(f"注意: {warning.message_zh}")
    for u in plan.unplaced:
        console.print(f"未能安排: {u.provision} {u.reason_zh}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
