"""What a letter's PDF costs: one seed letter converted alone (what ``GET …/letters/<path>.pdf`` now
converts) against all the year's letters in one LibreOffice run (what it converted before).

    python plugins/liaison-web/benchmarks/bench_letter_pdf.py

In a temporary folder: ``liaison plan`` and ``liaison export docx --issued-on 2027-01-11`` of the
seed district's 2027, then the docx plugin's own conversion (``liaison_docx.pdf.to_pdf``) of the
first letter, then of every letter.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import subprocess
import tempfile
import time

from liaison_docx.pdf import to_pdf


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-letter-pdf-") as folder:
        for command in (["plan", "--year", "2027"], ["export", "docx", "--year", "2027", "--issued-on", "2027-01-11"]):
            subprocess.run(["liaison", *command, "--out", "out"], cwd=folder, check=True, capture_output=True)
        letters = sorted((pathlib.Path(folder) / "out").rglob("*.docx"))
        day = dt.date(2027, 1, 11)
        started = time.monotonic()
        to_pdf([(letters[0].read_bytes(), day)])
        one = time.monotonic() - started
        started = time.monotonic()
        to_pdf([(letter.read_bytes(), day) for letter in letters])
        every = time.monotonic() - started
    print(f"one letter: {one:.1f} s; all {len(letters)} letters in one run: {every:.1f} s")


if __name__ == "__main__":
    main()
