"""Time the PDF batch: the seed district's letters for a plan year through one LibreOffice run.

    python plugins/liaison-docx/benchmarks/bench_pdf.py [--year 2027] [--runs 3]

The letters are those ``liaison export docx`` writes for the seed district's plan without records or
extra events (14 notices and 41 invitations for 2027).  Prints the .docx rendering time, then for each
run the wall time of the whole ``pdf=true`` export's conversion (one ``soffice`` process for all files,
its start-up included) and the time per letter.
"""

from __future__ import annotations

import argparse
import statistics
import time

from liaison.formats.district import seed_district
from liaison.host.exporting import ExportRequest
from liaison.law.workdays import ChineseCalendar
from liaison.year.planner import plan_year

from liaison_docx.pdf import find_soffice, to_pdf
from liaison_docx.plugin import drafts, export


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seed = seed_district()
    request = ExportRequest(district=seed, plan=plan_year(seed, args.year, calendar=ChineseCalendar()), options={})
    t = time.perf_counter()
    artifacts = export(request)
    docx_s = time.perf_counter() - t
    found = drafts(request)
    documents = [(a.data, d.letter.date) for a, d in zip(artifacts, found, strict=True)]
    print(f"letters: {len(documents)} (seed district, {args.year}); soffice: {find_soffice()}")
    print(f".docx rendering: {docx_s:.3f} s for all ({1000 * docx_s / len(documents):.1f} ms/letter)")
    times = []
    for run in range(args.runs):
        t = time.perf_counter()
        pdfs = to_pdf(documents)
        times.append(time.perf_counter() - t)
        print(f"PDF batch run {run + 1}: {times[-1]:.2f} s ({1000 * times[-1] / len(pdfs):.0f} ms/letter, "
              f"{sum(len(p) for p in pdfs) / len(pdfs) / 1024:.0f} KB/PDF)")
    print(f"PDF batch median: {statistics.median(times):.2f} s for {len(documents)} letters")


if __name__ == "__main__":
    main()
