"""Year-end compliance for the seed district from a records file, as a table and as JSON.

    python examples/compliance_report.py [RECORDS] [--year 2026] [--out DIR]

RECORDS defaults to examples/records-2026.toml, a realistic year with a missed visit, an unanswered
research result, a document not copied and a missing §3.1 designation.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import liaison
from liaison.compliance import STATUS_ZH, check
from liaison.records import load_records
from liaison_cli.output import write_atomic
from liaison_cli.views import report_json

HERE = Path(__file__).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", nargs="?", type=Path, default=HERE / "records-2026.toml")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path("out"))
    args = parser.parse_args()
    district = liaison.seed_district()
    try:
        records = load_records(args.records, district)
    except liaison.LiaisonError as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return 1
    report = check(district, records, args.year)
    problems = report.problems()
    print(f"{args.year}年对口联系工作检查：{len(report.findings)} 项，问题 {len(problems)} 项\n")
    for f in problems:
        print(f"[{f.provision}] {STATUS_ZH[f.status]}（{f.severity.value}）{f.message_zh}")
    counts: dict[str, int] = {}
    for f in report.findings:
        counts[STATUS_ZH[f.status]] = counts.get(STATUS_ZH[f.status], 0) + 1
    print("\n合计：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    target = args.out / f"compliance-{district.info.id}-{args.year}.json"
    payload = json.dumps(report_json(district, report), ensure_ascii=False, indent=2)
    write_atomic(target, payload.encode("utf-8"))
    print(f"JSON: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
