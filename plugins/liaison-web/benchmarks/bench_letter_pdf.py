"""What a letter's PDF costs: one seed letter converted alone (what ``GET …/letters/<path>.pdf`` now
converts) against the anchor, all the year's letters in one LibreOffice run (what it converted
before, for any one letter asked).

    python plugins/liaison-web/benchmarks/bench_letter_pdf.py [--rounds 3]

In a temporary folder: ``liaison plan`` and ``liaison export docx --issued-on 2027-01-11`` of the
seed district's 2027, then, interleaved round by round, the docx plugin's own conversion
(``liaison_docx.pdf.to_pdf``) of the first letter and of every letter; medians of the wall time, and
the ratio of one letter's request now to the same request before (the whole year converted).
"""

from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

LIAISON = str(pathlib.Path(sys.executable).with_name("liaison"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians are printed)")
    rounds = parser.parse_args().rounds
    from liaison_docx.pdf import to_pdf

    with tempfile.TemporaryDirectory(prefix="bench-letter-pdf-") as folder:
        for command in (["plan", "--year", "2027"], ["export", "docx", "--year", "2027", "--issued-on", "2027-01-11"]):
            subprocess.run([LIAISON, *command, "--out", "out"], cwd=folder, check=True, capture_output=True)
        letters = sorted((pathlib.Path(folder) / "out").rglob("*.docx"))
        day = dt.date(2027, 1, 11)
        one: list[float] = []
        every: list[float] = []
        for _ in range(rounds):
            started = time.monotonic()
            to_pdf([(letters[0].read_bytes(), day)])
            one.append(time.monotonic() - started)
            started = time.monotonic()
            to_pdf([(letter.read_bytes(), day) for letter in letters])
            every.append(time.monotonic() - started)
    now, before = statistics.median(one), statistics.median(every)
    print(f"one letter's PDF, median of {rounds}: {now:.2f} s now (that letter alone); "
          f"{before:.2f} s before (all {len(letters)} letters in one run); {now / before:.2f}x the anchor")


if __name__ == "__main__":
    main()
