"""PDFs of the letters through LibreOffice headless, all files in one batch.

Offices archive and send PDFs; Python has no layout engine for OOXML, so the .docx is converted by
LibreOffice Writer: one ``soffice --convert-to pdf`` process for every letter of an export (starting
LibreOffice costs about two seconds, converting a letter a few hundredths), with its own user profile
so that an office's running LibreOffice is neither used nor disturbed.

Fonts: the pages are planned for the GB/T 9704 faces, where every CJK character is one em wide and
digits are narrow.  Where fontconfig does not really have a font the letters name (``fc-match``
answers another family), LibreOffice would substitute one of other widths (DejaVu Sans for the
digits) and the pages would no longer break as planned (the 版记 could land on an odd page).  So,
unless ``FONTCONFIG_FILE`` is set, :func:`to_pdf` gives LibreOffice the mapping shipped with the
package (``fonts.conf``: the missing names onto Noto Serif/Sans CJK SC and AR PL UKai), keeping the
names that are installed.

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
from importlib import resources
from pathlib import Path

from liaison.base.errors import ExportError, Location
from lxml import etree

__all__ = ["GB_FONTS", "PDF", "find_soffice", "font_config", "missing_fonts", "stable_pdf", "to_pdf"]

PDF = "application/pdf"

# Keep the blank page LibreOffice inserts before an evenPage section (the 版记 on an even page); its
# PDF export drops such pages unless told otherwise.
_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
_INSTALL = ("install LibreOffice Writer (Debian/Ubuntu: apt-get install libreoffice-writer-nogui; "
            "Windows and macOS: the installer from libreoffice.org) so that `soffice` is on PATH, "
            "or set LIAISON_SOFFICE to its full path; or export without the pdf option")
_INSTALL_ZH = ("请安装 LibreOffice Writer（Debian/Ubuntu：apt-get install libreoffice-writer-nogui；"
               "Windows 和 macOS：从 libreoffice.org 下载安装程序），使 `soffice` 在 PATH 中，"
               "或将 LIAISON_SOFFICE 设为其完整路径；也可以不用 pdf 选项导出")


def find_soffice() -> str:
    """The LibreOffice program: ``$LIAISON_SOFFICE``, else ``soffice`` or ``libreoffice`` on PATH."""
    chosen = os.environ.get("LIAISON_SOFFICE")
    if chosen:
        if shutil.which(chosen) is None:
            raise ExportError(f"LIAISON_SOFFICE={chosen!r} is not a program", path=Location.option("pdf"), fix=_INSTALL,
                              message_zh=f"LIAISON_SOFFICE={chosen!r} 不是可执行的程序", fix_zh=_INSTALL_ZH)
        return chosen
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found is not None:
            return found
    raise ExportError("PDF output needs LibreOffice, and no `soffice` was found", path=Location.option("pdf"),
                      fix=_INSTALL, message_zh="输出 PDF 需要 LibreOffice，但未找到 `soffice`", fix_zh=_INSTALL_ZH)


GB_FONTS = ("仿宋_GB2312", "仿宋", "宋体", "方正小标宋简体", "小标宋", "黑体", "楷体_GB2312", "楷体")
"""The font names the letters use (:class:`liaison_docx.FontSet` and its fall-backs)."""


def missing_fonts(names: Sequence[str] = GB_FONTS) -> tuple[str, ...] | None:
    """The names fontconfig answers with another family (not really installed), or None without
    ``fc-match`` (no fontconfig: Windows, macOS' own LibreOffice, where this does not apply)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    missing = []
    for name in names:
        try:
            found = subprocess.run([fc_match, "-f", "%{family}", name], capture_output=True, timeout=30,
                                   check=False, text=True).stdout
        except (OSError, subprocess.TimeoutExpired):
            return None
        if name.casefold() not in (f.strip().casefold() for f in found.split(",")):
            missing.append(name)
    return tuple(missing)


def font_config(missing: Sequence[str]) -> bytes:
    """The shipped fonts.conf keeping only the substitutions for ``missing`` names."""
    root = etree.fromstring(resources.files("liaison_docx").joinpath("fonts.conf").read_bytes())
    for match in root.findall("match"):
        family = match.findtext("test/string")
        if family not in missing:
            root.remove(match)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _font_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    if env.get("FONTCONFIG_FILE"):  # fontconfig reads a relative name from /etc/fonts, not from here
        env["FONTCONFIG_FILE"] = str(Path(env["FONTCONFIG_FILE"]).resolve())
        return env
    missing = missing_fonts()
    if missing:
        conf = folder / "fonts.conf"
        conf.write_bytes(font_config(missing))
        env["FONTCONFIG_FILE"] = str(conf)
    return env


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
        env = _font_env(folder)
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False, env=env)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ExportError(f"LibreOffice did not convert the letters: {exc}", path=Location.option("pdf"),
                              fix=_INSTALL, message_zh=f"LibreOffice 未能转换公文：{exc}",
                              fix_zh=_INSTALL_ZH) from None
        pdfs = []
        for name, (_, day) in zip(names, documents, strict=True):
            pdf = folder / "pdf" / name.replace(".docx", ".pdf")
            if not pdf.exists():
                said = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-400:]
                raise ExportError(f"LibreOffice (exit {done.returncode}) wrote no PDF for a letter: {said}",
                                  path=Location.option("pdf"), fix="run the same export without pdf to get the .docx, "
                                  "and open it in LibreOffice to see what it refuses",
                                  message_zh=f"LibreOffice（退出码 {done.returncode}）没有为一份公文生成 PDF：{said}",
                                  fix_zh="请不用 pdf 选项再导出一次得到 .docx，用 LibreOffice 打开，看它拒绝的是什么")
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
