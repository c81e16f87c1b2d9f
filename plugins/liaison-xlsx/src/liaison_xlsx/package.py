"""The workbook as a file, before openpyxl reads a cell of it: what it will unpack to, and what a
file that is no .xlsx package is.

openpyxl builds every shared string in memory before the first row is read, and a zip member
compresses a thousandfold: a 600 KB workbook whose shared strings unpack to 238 MB took 96–120 s and
1.35 GB to be refused for other reasons. So the package's members are measured first — their
uncompressed sizes from the zip directory, then the shared strings and the cells of the worksheets
counted in a stream over the decompressed bytes (never held whole) — against :data:`MAX_UNPACKED`,
:data:`MAX_SHARED_STRINGS_BYTES`, :data:`MAX_SHARED_STRINGS` and :data:`MAX_CELLS` (docs/limits.md).
The parts are found as openpyxl finds them, by their content type in ``[Content_Types].xml``.

A file that starts with the OLE2 signature is an old .xls — or an .xlsx saved with a password to
open, which Excel and WPS wrap in an OLE2 (compound file) container holding the streams
``EncryptionInfo`` and ``EncryptedPackage`` (MS-OFFCRYPTO §2.3.4.1): :func:`cfb_names` reads the
container's directory to tell them apart.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from typing import IO, Final
from xml.etree import ElementTree

__all__ = [
    "CFB_SIGNATURE", "MAX_CELLS", "MAX_SHARED_STRINGS", "MAX_SHARED_STRINGS_BYTES", "MAX_UNPACKED", "Oversized",
    "cfb_names", "measure",
]

#: What a workbook may expand to once unzipped (a zip bomb expands to gigabytes).
MAX_UNPACKED: Final = 256 * 1024 * 1024
#: The shared strings part unpacked: a 10,000-row ledger's is 0.5 MB; 60,000 rows of long notes stay below.
MAX_SHARED_STRINGS_BYTES: Final = 32 * 1024 * 1024
#: Shared strings (distinct texts): 10,000 rows hold about 10,000; six sheets of 60,000 rows some 120,000.
MAX_SHARED_STRINGS: Final = 200_000
#: Cells in all worksheets, blank ones with a style included: 10,000 rows hold 70,000.
MAX_CELLS: Final = 1_000_000

CFB_SIGNATURE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TYPES: Final = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_SHARED_STRINGS: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SHEETS: Final = ("application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
                  "application/vnd.ms-excel.worksheet")  # the second: .xlsm's worksheets
_ROOT: Final = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?(?:sst|worksheet)[\s>]")
_CHUNK: Final = 1024 * 1024


class Oversized(Exception):
    """A package past one of the bounds, said in English and in Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh


def _parts(package: zipfile.ZipFile) -> tuple[list[str], list[str]]:
    """The shared strings part(s) and the worksheets, by content type (as openpyxl finds them)."""
    try:
        info = package.getinfo("[Content_Types].xml")
    except KeyError:
        return [], []
    if info.file_size > 1024 * 1024:  # a few kilobytes in any real workbook
        raise Oversized(f"its list of parts ([Content_Types].xml) is {info.file_size:,} bytes long",
                        f"其部件清单（[Content_Types].xml）长 {info.file_size:,} 字节")
    try:
        root = ElementTree.fromstring(package.read(info))
    except ElementTree.ParseError:
        return [], []
    strings, sheets = [], []
    for override in root.iter(f"{_TYPES}Override"):
        name = (override.get("PartName") or "").lstrip("/")
        kind = override.get("ContentType") or ""
        if kind == _SHARED_STRINGS:
            strings.append(name)
        elif kind in _SHEETS:
            sheets.append(name)
    return strings, sheets


def _tags(element: bytes, prefix: bytes) -> tuple[bytes, ...]:
    return tuple(b"<" + prefix + element + end for end in (b" ", b">", b"/", b"\t", b"\r", b"\n"))


def _count(stream: IO[bytes], element: bytes, most: int) -> int:
    """The ``element`` tags (``si``, ``c``) in a part, read a chunk at a time, with the namespace
    prefix its root element uses (some writers put ``x:`` on every tag); stops once past ``most``.
    ``bytes.count`` over each chunk, the last bytes kept for a tag split between two chunks."""
    found = 0
    pending = b""
    tags: tuple[bytes, ...] = ()
    while chunk := stream.read(_CHUNK):
        data = pending + chunk
        if not tags:
            root = _ROOT.search(data)
            if root is None and len(data) < 64 * 1024:
                pending = data  # the root element is not all here yet
                continue
            tags = _tags(element, root.group(1) + b":" if root is not None and root.group(1) else b"")
        found += sum(data.count(tag) for tag in tags)
        pending = data[-(len(tags[0]) - 1):]  # too short to hold a whole tag: nothing counted twice
        if found > most:
            return found
    if not tags:  # a part too short to show its root element
        found = sum(pending.count(tag) for tag in _tags(element, b""))
    return found


def measure(package: zipfile.ZipFile) -> None:
    """Raise :class:`Oversized` if the package unpacks past a bound (see the module)."""
    unpacked = sum(info.file_size for info in package.infolist())
    if unpacked > MAX_UNPACKED:
        raise Oversized(f"the workbook expands to {unpacked:,} bytes; ledgers up to {MAX_UNPACKED:,} bytes are read",
                        f"工作簿解压后有 {unpacked:,} 字节，最多读取 {MAX_UNPACKED:,} 字节")
    strings, sheets = _parts(package)
    names = set(package.namelist())
    for part in (p for p in strings if p in names):
        size = package.getinfo(part).file_size
        if size > MAX_SHARED_STRINGS_BYTES:
            raise Oversized(f"its shared strings expand to {size:,} bytes; ledgers up to "
                            f"{MAX_SHARED_STRINGS_BYTES:,} bytes of them are read",
                            f"其共享字符串解压后有 {size:,} 字节，最多读取 {MAX_SHARED_STRINGS_BYTES:,} 字节")
        with package.open(part) as stream:
            count = _count(stream, b"si", MAX_SHARED_STRINGS)
        if count > MAX_SHARED_STRINGS:
            raise Oversized(f"it holds more than {MAX_SHARED_STRINGS:,} shared strings (distinct texts); "
                            f"ledgers with up to {MAX_SHARED_STRINGS:,} are read",
                            f"其共享字符串（不同的文字）超过 {MAX_SHARED_STRINGS:,} 个，"
                            f"最多读取 {MAX_SHARED_STRINGS:,} 个")
    cells = 0
    for part in (p for p in sheets if p in names):
        with package.open(part) as stream:
            cells += _count(stream, b"c", MAX_CELLS - cells)
        if cells > MAX_CELLS:
            raise Oversized(f"its sheets hold more than {MAX_CELLS:,} cells (rows × columns, blank cells with "
                            f"a format included); ledgers with up to {MAX_CELLS:,} are read",
                            f"其工作表的单元格（行 × 列，含设置了格式的空白单元格）超过 {MAX_CELLS:,} 个，"
                            f"最多读取 {MAX_CELLS:,} 个")


# ------------------------------------------------------------------------------------ OLE2 containers
def _sectors(data: bytes, start: int, size: int, fat: list[int]) -> Iterator[bytes]:
    """The sectors of a chain, in order, from ``start`` (bounded: a loop ends it)."""
    seen: set[int] = set()
    sector = start
    while 0 <= sector < len(fat) and sector not in seen and len(seen) < len(fat):
        seen.add(sector)
        offset = (sector + 1) * size
        yield data[offset:offset + size]
        sector = fat[sector]


def cfb_names(data: bytes) -> set[str]:
    """The names in an OLE2 compound file's directory ([MS-CFB] §2.6); empty if it is not one or is
    damaged. Only as much is read as names the streams: the header, the FAT, the directory chain."""
    try:
        if not data.startswith(CFB_SIGNATURE) or len(data) < 512:
            return set()
        shift, = struct.unpack_from("<H", data, 30)
        if shift not in (9, 12):
            return set()
        size = 1 << shift
        fat_count, directory = struct.unpack_from("<II", data, 44)[0], struct.unpack_from("<I", data, 48)[0]
        difat = [s for s in struct.unpack_from("<109I", data, 76) if s < 0xFFFFFFFA]
        next_difat, = struct.unpack_from("<I", data, 68)
        seen: set[int] = set()
        while next_difat < 0xFFFFFFFA and next_difat not in seen and len(difat) < fat_count:
            seen.add(next_difat)
            offset = (next_difat + 1) * size
            entries = struct.unpack_from(f"<{size // 4}I", data, offset)
            difat += [s for s in entries[:-1] if s < 0xFFFFFFFA]
            next_difat = entries[-1]
        fat: list[int] = []
        for sector in difat[:fat_count]:
            fat += struct.unpack_from(f"<{size // 4}I", data, (sector + 1) * size)
        names: set[str] = set()
        for block in _sectors(data, directory, size, fat):
            for at in range(0, len(block) - 127, 128):
                length, = struct.unpack_from("<H", block, at + 64)
                if 2 <= length <= 64:
                    names.add(block[at:at + length - 2].decode("utf-16-le", "replace"))
        return names
    except (struct.error, ValueError):
        return set()
