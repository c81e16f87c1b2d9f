"""Time the PDF batch: the seed district's letters for a plan year through one LibreOffice run.

    python plugins/liaison-docx/benchmarks/bench_pdf.py [--year 2027] [--runs 3]

The letters are those ``liaison export docx`` writes for the seed district's plan without records or
extra events (14 notices and 41 invitations for 2027).  Each run times the .docx rendering, then the
wall time of the whole ``pdf=true`` export's conversion (one ``soffice`` process for all files, its
start-up included) and the time per letter; the medians of the runs are the figures.
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
    artifacts = export(request)  # warm: templates, fonts' metrics
    found = drafts(request)
    documents = [(a.data, d.letter.date) for a, d in zip(artifacts, found, strict=True)]
    print(f"letters: {len(documents)} (seed district, {args.year}); soffice: {find_soffice()}")
    # each run times the .docx rendering and the PDF batch in turn (interleaved, so a busy moment of a
    # shared machine falls on both alike); the figures are the medians of the runs. No anchor: the
    # conversion is LibreOffice's, and one soffice process for all letters is the floor it has.
    rendering, times = [], []
    for run in range(args.runs):
        t = time.perf_counter()
        export(request)
        rendering.append(time.perf_counter() - t)
        t = time.perf_counter()
        pdfs = to_pdf(documents)
        times.append(time.perf_counter() - t)
        size = sum(len(p) for p in pdfs) / len(pdfs) / 1024
        print(f"run {run + 1}: .docx {rendering[-1]:.3f} s; PDF batch {times[-1]:.2f} s "
              f"({1000 * times[-1] / len(pdfs):.0f} ms/letter, {size:.0f} KB/PDF)")
    docx_s = statistics.median(rendering)
    print(f".docx rendering median: {docx_s:.3f} s for all ({1000 * docx_s / len(documents):.1f} ms/letter)")
    print(f"PDF batch median: {statistics.median(times):.2f} s for {len(documents)} letters")

if __name__ == "__main__":
    main()
