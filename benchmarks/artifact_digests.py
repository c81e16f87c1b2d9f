"""The sha256 of every artifact every exporter makes for a set of districts, one line each: what a
change meant to keep the bytes is checked with (run it under the code before and after, compare).

    python benchmarks/artifact_digests.py after.txt
    git archive integ | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before/src:/tmp/before/plugins/liaison-ical/src:/tmp/before/plugins/liaison-docx/src:\\
/tmp/before/plugins/liaison-xlsx/src:/tmp/before/plugins/liaison-html/src \\
        python /tmp/before/benchmarks/artifact_digests.py before.txt --tree /tmp/before   # a tree that has it
    cmp before.txt after.txt

The districts: the seed, the seed ×3, two city districts (第七区, 第一百二十三区), a department with five
times the counterparts, the example district, a random one of the tests' builders, the seed amended
and the seed in 2026 with the example records; each with the plan as records and without (and the
2026 one with its records), issued on 4 January, on 15 June and not issued, and once more with one
``YearDuties`` handed to every exporter, as ``build_export`` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", help="the file the digests are written to")
    parser.add_argument("--tree", default=str(Path(__file__).resolve().parents[1]),
                        help="the source tree whose benchmarks, tests and examples are used (default: this one)")
    args = parser.parse_args(argv)
    tree = Path(args.tree)
    sys.path[:0] = [str(tree / "benchmarks"), str(tree / "tests")]
    import bench_scale as b
    import builders

    from liaison.formats.district import load_district, seed_district
    from liaison.formats.records import load_records_toml
    from liaison.host.exporting import ExportRequest
    from liaison.host.plugins import exporter
    from liaison.law.duties import year_duties
    from liaison.law.records import Records
    from liaison.year.planner import plan_year

    cases = [("seed1", b.replicated(1), 2027), ("seed3", b.replicated(3), 2027),
             ("d7", b.replicated(1, district_id="d7", name="第七区"), 2027),
             ("d123", b.replicated(1, district_id="d123", name="第一百二十三区"), 2027),
             ("cp5", b.replicated(5, shape="counterparts"), 2027),
             ("example", load_district(tree / "examples" / "district-example.toml"), 2027),
             ("rand40", builders.random_district(40, seed=11), 2027),
             ("amended", builders.amended(), 2027),
             ("seed2026", seed_district(), 2026)]
    names = ("ical", "docx", "xlsx", "html")
    count = 0
    with open(args.out, "w", encoding="utf-8") as out:
        def write(label: str, request: ExportRequest, name: str, issued: object) -> None:
            nonlocal count
            for artifact in exporter(name).export(request):
                count += 1
                out.write(f"{label} {name} {issued} {artifact.path} {hashlib.sha256(artifact.data).hexdigest()}\n")

        for label, district, year in cases:
            plan = plan_year(district, year)
            records: list[tuple[str, Records | None]] = [("asplan", Records.from_plan(plan)), ("none", None)]
            if label == "seed2026":
                records.append(("ex2026", load_records_toml(tree / "examples" / "records-2026.toml", district)))
            for kept, given in records:
                shared = year_duties(district, year, given)  # one for every exporter, as build_export hands it
                for name in names:
                    write(f"{label} {kept}", ExportRequest(district=district, plan=plan, records=given,
                                                           issued_on=dt.date(year, 1, 4), duties=shared),
                          name, "shared")
                for name in names:
                    for issued in (dt.date(year, 1, 4), dt.date(year, 6, 15), None):
                        write(f"{label} {kept}", ExportRequest(district=district, plan=plan, records=given,
                                                               issued_on=issued), name, issued)
    print(f"{count} artifacts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
