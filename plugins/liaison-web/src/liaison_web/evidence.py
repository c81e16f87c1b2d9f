"""Evidence files: what an upload may be, where its bytes go, how they are read back.

- **Where**: under the media root (``LIAISON_MEDIA_ROOT``; default ``liaison-media/`` beside the
  SQLite file, or in the current folder for PostgreSQL), at ``evidence/<2 hex>/<sha256>``: the name
  is the content's digest, never the name it was uploaded with (``../../x`` names nothing on disk);
  the same file uploaded twice is kept once.
- **What**: at most ``LIAISON_MAX_UPLOAD_MB`` (20) megabytes, of the types in :data:`TYPES`,
  recognised by their content (a PNG named ``.pdf`` is refused, so is an executable named ``.pdf``);
  the name's extension, when it has one, must be one of that type's.
- **How**: written to a temporary file in the same folder, flushed to disk and renamed into place,
  so a crash leaves the file whole or absent, never half written; the database row is added after,
  so a row never names bytes that are not there (a crash in between leaves an unnamed file, which
  the next upload of the same content takes over).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

from liaison.base.errors import LiaisonError

__all__ = ["TYPES", "FileType", "TooLarge", "UnsupportedType", "display_name", "max_body_bytes", "max_bytes",
           "media_root", "path_of", "sniff", "store"]

MEDIA_ENV = "LIAISON_MEDIA_ROOT"
LIMIT_ENV = "LIAISON_MAX_UPLOAD_MB"
DEFAULT_LIMIT_MB = 20


class TooLarge(LiaisonError):
    """An upload larger than the service takes (413)."""


class UnsupportedType(LiaisonError):
    """An upload whose content is not of a type the service keeps as evidence (415)."""


@attrs.frozen
class FileType:
    name: str
    media_type: str
    extensions: tuple[str, ...]


#: The types evidence may be: scans and photographs, the office's documents, China's fixed-layout format.
TYPES: Mapping[str, FileType] = {t.name: t for t in (
    FileType("pdf", "application/pdf", (".pdf",)),
    FileType("ofd", "application/ofd", (".ofd",)),
    FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    FileType("jpg", "image/jpeg", (".jpg", ".jpeg")),
    FileType("png", "image/png", (".png",)),
)}


def media_root() -> Path:
    """The folder evidence is kept under (made when first written)."""
    from django.conf import settings

    return Path(settings.LIAISON_MEDIA_ROOT)


def max_bytes() -> int:
    from django.conf import settings

    return int(settings.LIAISON_MAX_UPLOAD_BYTES)


def max_body_bytes() -> int:
    """The largest request the service reads (waitress refuses a longer one before the service sees
    it): a form of several files, twice the upload limit and the form around them."""
    return 2 * max_bytes() + 1024 * 1024


def path_of(sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):  # only ever a digest: nothing of a caller's reaches the path
        raise ValueError(f"not a sha256: {sha256!r}")
    return media_root() / "evidence" / sha256[:2] / sha256


def _zip_names(head: Path) -> set[str]:
    try:
        with zipfile.ZipFile(head) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()


def sniff(path: Path) -> FileType | None:
    """The type of the file's content, or None when it is none of :data:`TYPES`. The Office formats
    and OFD are zip archives: told apart by what they hold (``word/document.xml``, ``xl/workbook.xml``,
    ``OFD.xml``)."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return TYPES["pdf"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return TYPES["png"]
    if head.startswith(b"\xff\xd8\xff"):
        return TYPES["jpg"]
    if head.startswith(b"PK\x03\x04"):
        names = _zip_names(path)
        if "OFD.xml" in names:
            return TYPES["ofd"]
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return TYPES["docx"]
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return TYPES["xlsx"]
    return None


_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]")


def display_name(given: str, file_type: FileType) -> str:
    """The upload's name as it may be shown and offered back on download: its last part only (no
    folder, ``../../x`` is ``x``), NFC, without control or reserved characters or leading dots, at most
    120 characters; an empty one is ``evidence`` with the type's extension."""
    last = re.split(r"[/\\]", given or "")[-1]
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", last)).strip().lstrip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if len(name) > 120:
        name = stem[: 120 - len(ext) - 1] + "." + ext if ext and len(ext) < 10 else name[:120]
    return name or f"evidence{file_type.extensions[0]}"


def check_name(given: str, file_type: FileType) -> None:
    """A name whose extension says another type than the content is refused (415)."""
    suffix = Path(re.split(r"[/\\]", given or "")[-1]).suffix.lower()
    if suffix and suffix not in file_type.extensions:
        raise UnsupportedType(
            f"the file is named {suffix} but its content is {file_type.name}",
            fix=f"upload it under its own extension ({', '.join(file_type.extensions)})",
            message_zh=f"文件扩展名为 {suffix}，但其内容为 {file_type.name}",
            fix_zh=f"请以与内容相符的扩展名上传（{'、'.join(file_type.extensions)}）")


def unsupported() -> UnsupportedType:
    kinds = ", ".join(TYPES)
    return UnsupportedType(f"the file is not of a type kept as evidence (the types: {kinds})",
                           fix="upload a PDF, OFD, Word (.docx), Excel (.xlsx), JPEG or PNG file",
                           message_zh=f"该文件不是可作为佐证材料的类型（可用：{'、'.join(TYPES)}）",
                           fix_zh="请上传 PDF、OFD、Word（.docx）、Excel（.xlsx）、JPEG 或 PNG 文件")


def too_large(size: int | None = None) -> TooLarge:
    limit = max_bytes() // (1024 * 1024)
    said = f" ({size} bytes)" if size is not None else ""
    return TooLarge(f"the file is larger{said} than the service takes ({limit} MB)",
                    fix=f"upload a file of at most {limit} MB (scan at a lower resolution, or split it)",
                    message_zh=f"文件超过本服务允许的大小（{limit} MB）",
                    fix_zh=f"请上传不超过 {limit} MB 的文件（降低扫描分辨率，或分拆）")


def store(chunks: Iterable[bytes], given_name: str) -> tuple[str, int, FileType]:
    """Write the bytes under the media root by their sha256: into a temporary file of the media
    folder, its type told from its content, flushed and renamed into place (whole or absent, never
    half written). The digest, the size and the type. A file larger than the limit
    (:class:`TooLarge`) or of another type (:class:`UnsupportedType`, also when ``given_name``'s
    extension says another type than the content) leaves nothing behind."""
    root = media_root() / "evidence"
    root.mkdir(parents=True, exist_ok=True)
    digest, size, limit = hashlib.sha256(), 0, max_bytes()
    handle = tempfile.NamedTemporaryFile(dir=root, prefix=".upload-", delete=False)  # noqa: SIM115 - renamed below
    try:
        with handle:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise too_large(size)
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        found = sniff(Path(handle.name))
        if found is None:
            raise unsupported()
        check_name(given_name, found)
        sha = digest.hexdigest()
        target = path_of(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(handle.name, target)  # the same content already there: the same bytes, replaced whole
        _sync_folder(target.parent)
        return sha, size, found
    finally:
        Path(handle.name).unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """The rename reaches the disk too (where the system lets a folder be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
