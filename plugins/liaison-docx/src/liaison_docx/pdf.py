"""PDFs of the letters through LibreOffice headless, all files in one batch.

Offices archive and send PDFs; Python has no layout engine for OOXML, so the .docx is converted by
LibreOffice Writer: one ``soffice --convert-to pdf`` process for every letter of an export (starting
LibreOffice costs about two seconds, converting a letter a few hundredths), with its own user profile
so that an office's running LibreOffice is neither used nor disturbed.

This is the one exception to the exporter's purity: the conversion writes the .docx files and reads
the PDFs in a private temporary folder that is removed afterwards.  The output folder is never
touched; the PDFs come back as bytes like every other artifact.

LibreOffice stamps each PDF with the clock (``/CreationDate``) and an ``/ID`` and ``/DocChecksum``
derived from it.  :func:`stable_pdf` overwrites them in place, byte for byte the same length so that
the cross-reference offsets stay valid: the date becomes the letter's date and the identifiers a
digest of the rest of the file.  With the same LibreOffice and fonts the PDF bytes are then the same
on every run (checked by the tests); another LibreOffice version or other fonts give other bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from liaison.errors import ExportError

__all__ = ["PDF", "find_soffice", "stable_pdf", "to_pdf"]

PDF = "application/pdf"

# Keep the blank page LibreOffice inserts before an evenPage section (the 版记 on an even page); its
# PDF export drops such pages unless told otherwise.
_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
_INSTALL = ("install LibreOffice Writer (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; "
            "Windows and macOS: the installer from libreoffice.org) so that `soffice` is on PATH, "
            "or set LIAISON_SOFFICE to its full path; or export without the pdf option")


def find_soffice() -> str:
    """The LibreOffice program: ``$LIAISON_SOFFICE``, else ``soffice`` or ``libreoffice`` on PATH."""
    chosen = os.environ.get("LIAISON_SOFFICE")
    if chosen:
        if shutil.which(chosen) is None:
            raise ExportError(f"LIAISON_SOFFICE={chosen!r} is not a program", path="options.pdf", fix=_INSTALL)
        return chosen
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found is not None:
            return found
    raise ExportError("PDF output needs LibreOffice, and no `soffice` was found", path="options.pdf", fix=_INSTALL)


def to_pdf(documents: Sequence[tuple[bytes, datetime.date]], *, timeout: float = 900) -> list[bytes]:
    """Each .docx (with the date to stamp into its PDF) as PDF bytes, in order, from one LibreOffice run."""
    if not documents:
        return []
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix="liaison-pdf-") as tmp:
        folder = Path(tmp)
        names = [f"{i:05d}.docx" for i in range(len(documents))]
        for name, (data, _) in zip(names, documents, strict=True):
            (folder / name).write_bytes(data)
        command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--nodefault", "--convert-to", _FILTER, "--outdir",
                   str(folder / "pdf"), *(str(folder / n) for n in names)]
        env = dict(os.environ)
        if env.get("FONTCONFIG_FILE"):  # fontconfig reads a relative name from /etc/fonts, not from here
            env["FONTCONFIG_FILE"] = str(Path(env["FONTCONFIG_FILE"]).resolve())
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False, env=env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ExportError(f"LibreOffice did not convert the letters: {exc}", path="options.pdf",
                              fix=_INSTALL) from None
        pdfs = []
        for name, (_, day) in zip(names, documents, strict=True):
            pdf = folder / "pdf" / name.replace(".docx", ".pdf")
            if not pdf.exists():
                said = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-400:]
                raise ExportError(f"LibreOffice (exit {done.returncode}) wrote no PDF for a letter: {said}",
                                  path="options.pdf", fix="run the same export without pdf to get the .docx, "
                                  "and open it in LibreOffice to see what it refuses")
            pdfs.append(stable_pdf(pdf.read_bytes(), day))
    return pdfs


_CREATED = re.compile(rb"/(CreationDate|ModDate)\(D:(\d{14})")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-Fa-f]+)")


def stable_pdf(data: bytes, day: datetime.date) -> bytes:
    """The PDF with its clock-derived parts replaced, each by a value of the same length: the creation
    date by ``day`` at midnight, the ``/ID`` pair and ``/DocChecksum`` by an MD5 digest of the rest."""
    stamp = day.strftime("%Y%m%d000000").encode()
    data = _CREATED.sub(lambda m: b"/" + m.group(1) + b"(D:" + stamp, data)

    def blank(m: re.Match[bytes]) -> bytes:
        return re.sub(rb"[0-9A-Fa-f]", b"0", m.group(0))

    digest = hashlib.md5(_CHECKSUM.sub(blank, _ID.sub(blank, data)), usedforsecurity=False).hexdigest().upper()

    def same_length(hex_text: bytes) -> bytes:
        return (digest.encode() * (len(hex_text) // len(digest) + 1))[: len(hex_text)]

    data = _ID.sub(lambda m: m.group(0).replace(m.group(1), same_length(m.group(1)))
                   .replace(m.group(2), same_length(m.group(2))), data)
    return _CHECKSUM.sub(lambda m: m.group(0).replace(m.group(1), same_length(m.group(1))), data)
