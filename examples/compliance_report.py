"""Year-end compliance for the seed district from a records file, as a table and as JSON.

    python examples/compliance_report.py [RECORDS] [--year 2026] [--out DIR]

RECORDS defaults to examples/records-2026.toml, a realistic year with a missed visit, an unanswered
research result, a document not copied and a missing §3.1 designation. RECORDS may be a ledger
workbook (台账.xlsx) too when liaison-xlsx is installed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import liaison
from liaison.formats.documents import report_document, to_json
from liaison_workspace import write_atomic

HERE = Path(__file__).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", nargs="?", type=Path, default=HERE / "records-2026.toml")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path("out"))
    args = parser.parse_args()
    district = liaison.seed_district()
    try:
        records = liaison.load_records(args.records, district)
    except liaison.LiaisonError as exc:
        print(f"错误: {exc.render('zh')}", file=sys.stderr)
        return 1
    report = liaison.check(district, records, args.year)
    totals = report.totals()
    print(f"{args.year}年对口联系工作检查：{len(report.findings)} 项；违反 {totals['violation']}，"
          f"偏离 {totals['deviation']}，未达本区设定 {totals['local']}\n")
    for f in report.problems():
        print(f"[{f.provision}] {f.severity.label('zh')}（责任单位：{district.organisation(f.responsible).name}）"
              f"{f.message_zh}" if f.responsible else f"[{f.provision}] {f.message_zh}")
    for n in report.not_counted:
        print(f"未计入：{n.id}（{n.reason_zh}）")
    target = args.out / f"compliance-{district.info.id}-{args.year}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, to_json(report_document(report, district)).encode("utf-8"))
    print(f"\nJSON: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
