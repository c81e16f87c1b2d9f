"""The year's spreadsheets: the plan (安排表) and the ledger (台账) to fill in, then the ledger checked.

    python examples/ledger.py [YEAR] [--out DIR]              write both workbooks into ./out/<year>/xlsx/
    python examples/ledger.py YEAR --check 台账.xlsx           read a filled-in ledger, list the problems

Needs the liaison-xlsx plugin (pip install plugins/liaison-xlsx). A problem in the ledger is printed
with its sheet and cell (会议走访!E12) and the script exits 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import liaison
from liaison_workspace import Workspace


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("year", nargs="?", type=int, default=dt.date.today().year + 1)
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--check", type=Path, default=None, help="a filled-in ledger (.xlsx) to check")
    args = parser.parse_args()
    district = liaison.seed_district()
    try:
        if args.check is not None:
            return check(district, args.year, args.check)
        # the year's state in out/<year>/ is kept: agreed dates stay, an edited ledger is never overwritten
        outcome = Workspace(args.out).export(district, args.year, [("xlsx", {})],
                                             calendar=liaison.working_day_calendar())
        for _name, path, _size in outcome.written:
            print(f"写入 wrote {outcome.folder / path}")
        for path in outcome.kept_edits:
            print(f"保留 kept (edited by hand) {outcome.folder / path}")
    except liaison.LiaisonError as exc:
        print(f"错误 error:\n{exc.render('zh')}", file=sys.stderr)
        return 1
    return 0


def check(district: liaison.District, year: int, path: Path) -> int:
    records = liaison.load_records(path, district)
    report = liaison.check(district, records, year)
    problems = report.problems()
    print(f"{year}年：{len(records.engagements)} 次会议走访、{len(records.documents)} 份文件、"
          f"{len(records.research_results)} 项调研成果；检查 {len(report.findings)} 项，问题 {len(problems)} 项")
    for finding in problems:
        print(f"  {finding.provision}  {finding.message_zh}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
