"""What the tests reading a letter's PDF share (found through pytest's ``pythonpath``, as web_db)."""

from __future__ import annotations

import subprocess


def pdf_text(data: bytes) -> str:
    """The PDF's text as poppler's ``pdftotext`` reads it, spaces dropped (a CJK line may be spaced out)."""
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode().replace(
        " ", "")
