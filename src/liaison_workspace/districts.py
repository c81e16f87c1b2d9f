"""A district file parsed once per machine, not once per command: the checked district kept in
liaison's cache folder, keyed by the file's bytes and the code that parsed it.

Parsing a district is reading its TOML (``tomli``), structuring it with the strict converter and
checking it across the document (:func:`liaison.formats.district.parse_district`): 0.23 s of CPU for
the 1.37 MB file of a 3,300-pairing district, a quarter of ``liaison check`` on it, and for the
seed a converter's structuring functions generated in every process. The command's :func:`load`
looks for the district in ``districts/`` of the cache folder (:func:`liaison.host.cache.cache_folder`)
under the digest of

- the file's bytes (SHA-256: another file with the same bytes is the same district, wherever it is),
- liaison's version and every file of the ``liaison`` package by path, size and modification time
  (the test Python applies to its own ``.pyc`` files: an edited model or parser, in an editable
  install, is another key; listed once per process: the code a process runs is the code it loaded),
  the versions of attrs and cattrs, and the interpreter's;

and else parses the file and keeps the district there. Only a district that parsed and checked
is kept: a file with a mistake is parsed, and refused, every time.

An entry is never trusted. It is a header — the format, its key and the SHA-256 of its payload — and
the payload, the district as a pickle: one whose header is not of this format or key, whose payload
does not have that digest (truncated, damaged), which refers to anything but the law's own classes
and ``datetime``'s (:class:`_LawOnly`: no other callable is reachable, so a forged entry can build
law objects but run nothing else) or which is not a district is a miss, parsed afresh and replaced.
Entries are written whole (a temporary file renamed over the old one) and the folder keeps the
:data:`KEPT` most recently written. The service keeps the same payloads under the same keys in its
database (:func:`dump`, :func:`undump`, :func:`kept_key`; ``liaison_web.versions_kept``). Like
every cache here it is an optimisation only: a folder that cannot be read or written is skipped,
and the district is the one :func:`parse_district` gives.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from liaison.host.cache import cache_folder

if TYPE_CHECKING:
    from liaison.law.district import District

__all__ = ["FORMAT", "KEPT", "dump", "kept_key", "load_district", "seed_district", "undump"]

FORMAT = b"liaison-district-cache/1"
FOLDER = "districts"
#: Entries kept: a district a year or two, its earlier versions and the seed (the largest, a
#: 3,300-pairing district, is 1.2 MB).
KEPT = 16
_LAW = ("liaison.law.", "liaison.base.")
_DATETIME = frozenset({"date", "datetime", "time", "timedelta", "timezone"})


def load_district(path: str | os.PathLike[str]) -> District:
    """:func:`liaison.formats.district.load_district`, from the cache when it holds the file's district."""
    from liaison.formats.syntax import read_file

    name = os.fspath(path)
    return _kept(read_file(name), name)


def seed_district() -> District:
    """:func:`liaison.formats.district.seed_district`, from the cache when it holds it."""
    from liaison.formats.district import SEED_FILE, seed_bytes

    return _kept(seed_bytes(), SEED_FILE)


def _kept(data: bytes, file: str) -> District:
    folder = cache_folder()
    key = _key(data) if folder is not None else None
    entry = folder / FOLDER / f"{key}.pickle" if folder is not None and key is not None else None
    found = read_entry(entry, key) if entry is not None and key is not None else None
    if found is not None:
        return found
    # the parser, the converter and the cross-document checks load only for a file not kept
    from liaison.formats.district import parse_district

    district = parse_district(data, file=file)
    if entry is None or key is None:
        return district
    write_entry(entry, key, district)
    return district


def _key(data: bytes) -> str | None:
    """The digest an entry is kept under (see the module's docstring), or None when the code's files
    cannot be listed."""
    return kept_key(hashlib.sha256(data).hexdigest())


def kept_key(sha256: str) -> str | None:
    """:func:`_key` of the file whose bytes have this SHA-256 (hex): what a keeper of parsed districts
    that knows the digest and not the bytes (the service's database, :mod:`liaison_web.versions_kept`)
    keys them by. None when the code's files cannot be listed."""
    code = _code()
    if code is None:
        return None
    digest = hashlib.sha256(FORMAT)
    digest.update(bytes.fromhex(sha256))
    digest.update(code)
    return digest.hexdigest()


@functools.cache
def _code() -> bytes | None:
    """The interpreter, the versions and liaison's files by path, size and modification time, listed
    once per process (the code a process runs is the code it loaded: a service asks for a hundred
    districts' keys at once)."""
    from importlib import metadata

    digest = hashlib.sha256()
    versions = []
    for name in ("liaison", "attrs", "cattrs"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    digest.update(f"{sys.implementation.cache_tag} {sys.version}\n{' '.join(versions)}\n".encode())
    root = Path(__file__).resolve().parents[1]  # the liaison package
    try:
        for place, dirs, files in os.walk(root, onerror=_raise):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                found = os.stat(os.path.join(place, name))
                line = f"{os.path.relpath(os.path.join(place, name), root)} {found.st_size} {found.st_mtime_ns}\n"
                digest.update(line.encode("utf-8", "surrogateescape"))
    except OSError:
        return None
    return digest.digest()


def _raise(error: OSError) -> None:
    raise error


class _LawOnly(pickle.Unpickler):
    """An unpickler that finds the law's classes and ``datetime``'s, and nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in _DATETIME:
            return super().find_class(module, name)
        if module.startswith(_LAW) and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and found.__module__ == module:
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a class of the law")


def read_entry(entry: Path, key: str) -> District | None:
    """The district ``entry`` holds for ``key``, or None (no entry, another key, not whole, not a district)."""
    try:
        with open(entry, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    head, _, payload = data.partition(b"\n\n")
    if head != b"\n".join((FORMAT, key.encode(), hashlib.sha256(payload).hexdigest().encode())):
        return None
    return undump(payload)


def dump(district: District) -> bytes:
    """``district`` as an entry's payload (what :func:`undump` reads back)."""
    return pickle.dumps(district, protocol=pickle.HIGHEST_PROTOCOL)


def undump(payload: bytes) -> District | None:
    """The district a payload holds, read with the law's classes only (:class:`_LawOnly`), or None
    (damaged, forged, not a district)."""
    from liaison.law.district import District

    try:
        found = _LawOnly(io.BytesIO(payload)).load()
    except Exception:  # any of pickle's errors, or a law class refusing what it is given
        return None
    return found if isinstance(found, District) else None


def write_entry(entry: Path, key: str, district: District) -> None:
    """Keep ``district`` under ``key``, written whole, and the folder to its :data:`KEPT` newest
    entries; any failure is dropped (the next command parses the file again)."""
    payload = dump(district)
    data = b"\n".join((FORMAT, key.encode(), hashlib.sha256(payload).hexdigest().encode())) + b"\n\n" + payload
    temporary = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, entry)
        others = sorted((p for p in entry.parent.glob("*.pickle") if p.name != entry.name),
                        key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in others[KEPT - 1:]:  # the one just written stays, whatever the clock's resolution
            old.unlink(missing_ok=True)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
