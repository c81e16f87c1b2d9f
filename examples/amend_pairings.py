"""The district moves a pairing from a date on; answers "as of" change, calendars update in place.

    python examples/amend_pairings.py [--out DIR]

From 2027-07-01 区环保分局 is paired with 民盟支部 instead of 致公党支部. The script shows whom the
department copies its documents to before and after, exports 2027 with the data as it was, then
exports again into the same folder with the amended data: the year's state carries what was
published, so calendar clients apply the update in place (same UIDs, SEQUENCE raised; engagements
no longer owed are kept as CANCELLED) and the calendar of the new counterpart is added.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from importlib import resources
from pathlib import Path

import liaison
from liaison_workspace import Workspace

CHANGE = dt.date(2027, 7, 1)
OLD = 'department = "environment"\ncounterpart = "czgp"\nclause = "§2.2"\nvalid_from = 2022-05-22\n'
NEW_PAIRING = (f'\n[[pairings]]\ndepartment = "environment"\ncounterpart = "cdl"\nclause = "§2.2"\n'
               f'valid_from = {CHANGE.isoformat()}\nnote = "调整：自{CHANGE:%Y年%m月%d日}起改与民盟支部对口联系"\n')
MARKER = "\n# ---------------------------------------------------------------- provisions"


def amended_district() -> liaison.District:
    """The seed data with the amendment, as another district's file would carry it."""
    text = resources.files("liaison").joinpath("data", "seed.toml").read_text(encoding="utf-8")
    text = text.replace(OLD, OLD + f"valid_until = {CHANGE.isoformat()}\n", 1).replace(MARKER, NEW_PAIRING + MARKER, 1)
    return liaison.parse_district(text, file="seed.toml (amended)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out") / "amend")
    args = parser.parse_args()
    before, after = liaison.seed_district(), amended_district()
    for day in (CHANGE - dt.timedelta(days=1), CHANGE):
        cc = after.cc_list("区环保分局", day)
        print(f"{day}: 区环保分局的政策性文件抄送 {'、'.join(r.organisation.name for r in cc.recipients)}"
              f"（{' '.join(cc.recipients[0].provisions)}）")

    workspace = Workspace(args.out)
    first = workspace.export(before, 2027, [("ical", {})])  # the calendars sent out in January
    second = workspace.export(after, 2027, [("ical", {})])  # after the amendment
    old = {e.id: e for e in first.plan.engagements}
    changed = [e for e in second.plan.engagements if e.id not in old or e.sequence != old[e.id].sequence]
    print(f"\n重新导出日历：{len(changed)} 项有变化（同一 UID，SEQUENCE 加一；新增的为新对口关系），其余不变。")
    for e in changed:
        state = "已取消 CANCELLED" if e.status == liaison.Status.CANCELLED else f"{e.date} {e.start or ''}"
        print(f"  {e.title_zh}: {state} (SEQUENCE {e.sequence})")
    print(f"\n{len(second.written)} 个文件重写，{len(second.unchanged)} 个未变：{second.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
