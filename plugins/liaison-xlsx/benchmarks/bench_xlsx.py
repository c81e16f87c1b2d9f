"""Benchmark: reading a 10,000-row ledger, and writing the seed's two workbooks, against plain openpyxl.

Run:  python plugins/liaison-xlsx/benchmarks/bench_xlsx.py [--rows 10000] [--repeats 5]

Timed in one process, the contenders of each group interleaved round by round; medians over the
``--repeats`` rounds:

* ``read ledger``: :func:`liaison_xlsx.read_ledger` on a ledger whose 会议走访 holds ``--rows`` held
  engagements (a synthetic plan of held visits and meetings on the seed's pairings, exported with
  :func:`liaison_xlsx.ledger_workbook`) — measure the package, read the values with python-calamine
  after checking the sheets' XML for what it would read otherwise (:mod:`liaison_xlsx.values`),
  find the headers, parse and resolve every cell, build and check the Records. Budget: 1 s for
  10,000 rows; target (issue #23): at most 0.5× the openpyxl floor.
* ``read ledger (openpyxl)``: the same with ``calamine=False``: the reader as it was, all values
  through openpyxl — what a workbook calamine declines (a formula, an error cell) costs.
* ``openpyxl floor``: openpyxl's read-only mode iterating the same workbook's cells and doing nothing
  with them: what any reader built on openpyxl pays (the fair anchor).
* ``calamine values``: python-calamine (Rust) reading every sheet's cell values into Python lists
  — the floor of a reader built on it; ``calamine values + merges`` adds its merged ranges.
* ``write seed``: the seed district's 2026 安排表 and 台账 (:func:`schedule_workbook`,
  :func:`ledger_workbook`). Budget: 0.5 s for both.
* ``openpyxl write``: plain openpyxl writing the same sheets and cell values (dates with a number
  format; no validations, lists, widths or print setup), saved to memory.

``--clock cpu`` times by the process's CPU time (every contender computes in one thread): on a
machine shared with other jobs, the fairer clock.

Prints the times and the ratios; exit status 1 when a budget is exceeded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import openpyxl

import liaison
from liaison.law.rules import EngagementKind
from liaison.law.workdays import ChineseCalendar
from liaison.year.engagements import Engagement, Plan, Status
from liaison.year.planner import plan_year
from liaison_xlsx import ledger_workbook, read_ledger, schedule_workbook
from liaison_xlsx.domain import Directory, plan_rows
from liaison_xlsx.schedule import PLAN_COLUMNS

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from timing import interleave, report

READ_BUDGET = 1.0
READ_TARGET = 0.5  # the reader's time over the openpyxl floor's (issue #23)
WRITE_BUDGET = 0.5


def held_plan(rows: int) -> tuple[Any, Plan]:
    """``rows`` held engagements on the seed's pairings, on the weekdays of 2026."""
    district = liaison.seed_district()
    base = plan_year(district, 2026, calendar=ChineseCalendar())
    pairs = [(p.department, p.counterpart) for p in district.pairings]
    days = [d for d in (dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(365)) if d.weekday() < 5]
    names = district.by_id()
    found = []
    for i in range(rows):
        dept, other = pairs[i % len(pairs)]
        kind = EngagementKind.VISIT if i % 3 else EngagementKind.JOINT_MEETING
        found.append(Engagement(
            id=f"2026/{kind.value}/{dept}/{other}/{i}", kind=kind, date=days[i % len(days)], start=dt.time(9),
            end=dt.time(11), host=dept,
            participants=(dept, other), provisions=("§3.6" if kind == EngagementKind.VISIT else "§3.3",),
            title_zh=f"{names[dept].name}与{names[other].name}{'走访' if kind == EngagementKind.VISIT else '联席会议'}",
            status=Status.HELD))
    return district, attrs.evolve(base, engagements=tuple(found))


def openpyxl_floor(data: bytes) -> int:
    """Every value of every sheet as a user of openpyxl reads values: ``values_only=True`` (about 10 %
    faster than reading cell objects, so the stronger anchor)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    count = 0
    for ws in book.worksheets:
        ws.reset_dimensions()
        for row in ws.iter_rows(values_only=True):
            count += len(row)
    book.close()
    return count


def calamine_values(data: bytes, merges: bool = False) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    count = 0
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        for row in sheet.to_python(skip_empty_area=False):
            count += len(row)
        if merges:
            count += len(sheet.merged_cell_ranges or ())
    book.close()
    return count


def openpyxl_write(district: Any, plan: Plan, year: int) -> bytes:
    """The same sheets and values as the two workbooks, written with plain openpyxl."""
    directory = Directory(district)
    rows = plan_rows(district, plan, year)
    out = []
    for sheets in (_schedule_sheets(directory, rows), _ledger_sheets(directory, rows, district, year)):
        book = openpyxl.Workbook()
        book.remove(book.active)
        for name, table in sheets:
            ws = book.create_sheet(name)
            for values in table:
                ws.append(values)
            for row in ws.iter_rows(min_row=2):
                for cell in row:
                    if isinstance(cell.value, dt.datetime):
                        cell.number_format = "yyyy-mm-dd"
        buffer = io.BytesIO()
        book.save(buffer)
        out.append(buffer.getvalue())
    return b"".join(out)


def _schedule_sheets(directory: Directory, rows: Any) -> list[tuple[str, list[list[Any]]]]:
    def table(chosen: Any) -> list[list[Any]]:
        body = [[_cell(c.value(r, directory)) for c in PLAN_COLUMNS] for r in chosen]
        return [["对口联系工作安排表"], [c.header for c in PLAN_COLUMNS], *body]

    sheets = [("全区", table(rows))]
    for dept in directory.group("department"):
        own = [r for r in rows if dept.id in r.participants]
        if own:
            sheets.append((dept.name, table(own)))
    return sheets


def _ledger_sheets(directory: Directory, rows: Any, district: Any, year: int) -> list[tuple[str, list[list[Any]]]]:
    from liaison_xlsx.ledger import _prefill, ledger_specs

    sheets = [("说明", [["填写说明"]])]
    for spec in ledger_specs(district, year):
        filled = _prefill(spec, rows, directory, district, year)
        sheets.append((spec.name, [[spec.name], [c.header for c in spec.columns],
                                   *([_cell(r.get(c.field)) for c in spec.columns] for r in filled)]))
    return sheets


def _cell(value: Any) -> Any:
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value or None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall time (default) or the process's CPU time (a machine shared with other jobs)")
    args = parser.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    label = "ms of CPU" if args.clock == "cpu" else "ms"  # which clock the table is in, said

    district, plan = held_plan(args.rows)
    big = ledger_workbook(district, plan, 2026)
    records = read_ledger(big, district, "bench.xlsx")
    assert len(records.engagements) == args.rows, len(records.engagements)
    readers: dict[str, Callable[[], Any]] = {
        "read ledger": lambda: read_ledger(big, district, "bench.xlsx"),
        "read ledger (openpyxl)": lambda: read_ledger(big, district, "bench.xlsx", calamine=False),
        "openpyxl floor": lambda: openpyxl_floor(big),
        "calamine values": lambda: calamine_values(big),
        "calamine values + merges": lambda: calamine_values(big, merges=True),
    }
    print(f"read a ledger of {args.rows:,} rows ({len(big):,} bytes)")
    found = report(interleave(readers, args.repeats, clock=clock), "read ledger", label=label)
    read = found["read ledger"]
    print(f"  reader / openpyxl floor = {read / found['openpyxl floor']:.2f} (target ≤ {READ_TARGET}); "
          f"openpyxl reader / floor = {found['read ledger (openpyxl)'] / found['openpyxl floor']:.2f}; "
          f"calamine values / openpyxl floor = {found['calamine values'] / found['openpyxl floor']:.2f}")

    seed = liaison.seed_district()
    seed_plan = plan_year(seed, 2026, calendar=ChineseCalendar())
    print("write the seed's 2026 安排表 and 台账")
    found = report(interleave({
        "write seed": lambda: (schedule_workbook(seed, seed_plan, 2026), ledger_workbook(seed, seed_plan, 2026)),
        "openpyxl write": lambda: openpyxl_write(seed, seed_plan, 2026),
    }, args.repeats, clock=clock), "write seed", label=label)
    write = found["write seed"]
    big_write = report(interleave({"write big ledger": lambda: ledger_workbook(district, plan, 2026)},
                                  max(1, args.repeats // 2), clock=clock), "write big ledger",
                       label=label)["write big ledger"]
    print(f"read ledger {read * 1000:.1f} {label} (budget {READ_BUDGET * 1000:.0f} ms); "
          f"write seed {write * 1000:.1f} {label} (budget {WRITE_BUDGET * 1000:.0f} ms); "
          f"write big ledger {big_write * 1000:.1f} {label} (informative)")
    return 0 if read <= READ_BUDGET and write <= WRITE_BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
