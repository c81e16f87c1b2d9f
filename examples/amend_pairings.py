"""The district moves a pairing from a date on; answers "as of" change, calendars update in place.

    python examples/amend_pairings.py [--out DIR]

From 2027-07-01 区环保分局 is paired with 民盟支部 instead of 致公党支部. The script shows who the
department copies its documents to before and after, plans 2027 with the amended data, and
re-exports the calendars exported earlier: clients apply the update in place (same UIDs, SEQUENCE
raised; engagements that no longer exist are kept as CANCELLED).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from importlib import resources
from pathlib import Path

import liaison
from liaison.exporting import ExportRequest
from liaison.loader import parse_district
from liaison.plan import Status, plan_year, revise
from liaison.plugins import exporter
from liaison_cli.output import write_artifact

CHANGE = dt.date(2027, 7, 1)
OLD = 'department = "environment"\ncounterpart = "czgp"\nclause = "§2.2"\nvalid_from = 2022-05-22\n'
NEW = (OLD + f"valid_until = {CHANGE.isoformat()}\nnote = \"调整：自{CHANGE:%Y年%m月%d日}起改与民盟支部对口联系\"\n\n"
       f'[[pairings]]\ndepartment = "environment"\ncounterpart = "cdl"\nclause = "§2.2"\n'
       f"valid_from = {CHANGE.isoformat()}\n")


def amended_district() -> liaison.District:
    """The seed data with the amendment, as another district's file would carry it."""
    text = resources.files("liaison").joinpath("data", "seed.toml").read_text(encoding="utf-8")
    return parse_district(text.replace(OLD, NEW), file="seed.toml (amended)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out") / "amend")
    args = parser.parse_args()
    before, after = liaison.seed_district(), amended_district()
    for day in (dt.date(2027, 6, 30), CHANGE):
        cc = after.cc_list("区环保分局", day)
        print(f"{day}: 区环保分局的政策性文件抄送 {'、'.join(r.organisation.name for r in cc.recipients)}"
              f"（{' '.join(cc.recipients[0].provisions)}）")

    published = plan_year(before, 2027)  # the calendars sent out in January
    request = ExportRequest(before, published, {})
    for artifact in exporter("ical").export(request):
        write_artifact(args.out / "before", artifact)
    amended = revise(published, plan_year(after, 2027, fixed=published.fixed()))
    for artifact in exporter("ical").export(ExportRequest(after, amended, {})):
        write_artifact(args.out / "after", artifact)

    changed = [e for e in amended.engagements if e.sequence > 0]
    print(f"\n重新导出日历：{len(changed)} 项有变化（同一 UID，SEQUENCE 加一），其余不变。")
    for e in changed:
        state = "已取消 CANCELLED" if e.status == Status.CANCELLED else f"{e.date} {e.start or ''}"
        print(f"  {e.title_zh}: {state} (SEQUENCE {e.sequence})")
    files = sorted(p.relative_to(args.out) for p in args.out.rglob("*.ics"))
    print(f"\n{len(files)} 个日历文件写入 {args.out}/before 与 {args.out}/after")
    uids = re.findall(r"^UID:(.*)$", (args.out / "after").joinpath(*files[-1].parts[1:]).read_text(), re.M)
    print(f"例：{files[-1]} 含 {len(uids)} 个事件")
    return 0


if __name__ == "__main__":
    sys.exit(main())
