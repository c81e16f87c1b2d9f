"""Who must be copied (抄送) on a policy document, and on which provision each entry rests (§3.2).

    python examples/document_routing.py [ISSUER] [DATE]

ISSUER is an id or a name (区卫生局, 卫生局, 区政府办公室 …); DATE defaults to today.
"""

from __future__ import annotations

import datetime as dt
import sys

import liaison


def main(argv: list[str]) -> int:
    district = liaison.seed_district()
    issuers = argv[:1] or ["区卫生局", "区发改局", "区政府办公室"]
    day = dt.date.fromisoformat(argv[1]) if len(argv) > 1 else dt.date.today()
    try:
        for issuer in issuers:
            cc = district.cc_list(issuer, day)
            print(f"{cc.issuer.name}（{cc.issuer.name_en}）{day.isoformat()} 的政策性文件抄送：")
            for r in cc.recipients:
                basis = "，".join(f"{p} {district.provision(p).citation_zh}" for p in r.provisions)
                print(f"  - {r.organisation.name}（依据 {basis}）")
            if cc.note_zh:
                print(f"  {cc.note_zh}")
            print()
        for pid in cc.provisions:
            prov = district.provision(pid)
            print(f"{prov.id} {prov.cite_zh()}：{prov.text_zh.strip()}")
    except liaison.LiaisonError as exc:
        print(f"错误: {exc.render('zh')}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
