"""The year at a glance: one HTML page of the seed district's year, to open in a browser or print.

    python examples/year_page.py [YEAR] [--out DIR] [--records FILE] [--lang zh|en]

Writes DIR/<year>/index.html (default ./out/2027/index.html): the twelve months on China's working
days, every meeting and visit, a timeline per department and — with --records, e.g.
examples/records-2026.toml for 2026 — the compliance heat map. Needs the liaison-html plugin
(pip install plugins/liaison-html). The year's state in DIR/<year>/ is kept: agreed dates stay.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import liaison
from liaison_workspace import Workspace


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("year", nargs="?", type=int, default=2027)
    parser.add_argument("--out", type=Path, default=Path("out"))
    parser.add_argument("--records", type=Path, default=None, help="what happened (.toml, or a ledger .xlsx)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="the language the page opens in")
    args = parser.parse_args()
    district = liaison.seed_district()
    try:
        records = None if args.records is None else liaison.load_records(args.records, district)
        outcome = Workspace(args.out).export(district, args.year, [("html", {"lang": args.lang})], records=records,
                                             calendar=liaison.working_day_calendar())
    except liaison.LiaisonError as exc:
        print(f"错误 error:\n{exc.render('zh')}", file=sys.stderr)
        return 1
    page = outcome.folder / "index.html"
    print(f"{'写入 wrote' if outcome.written else '未变 unchanged'} {page} ({page.stat().st_size:,} bytes); "
          f"{len(outcome.plan.engagements)} 项活动 engagements"
          + ("" if records is None else f"; 检查截至 checked as of {args.year}-12-31"))
    print(f"打开 open: {page.resolve().as_uri()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
