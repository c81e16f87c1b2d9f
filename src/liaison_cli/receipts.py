"""A rerun of ``liaison export`` that would change nothing, answered without doing the work again.

An export is a function of what it is given: the command's values (the year, the exporters and
their options, the day of issue — today unless given —, the language …), the files they name (the
district, records, events, holiday notices), the year's folder as it is on the disk (its state, the
files it holds, the output folder's leftovers), the state files of the plan years around it whose
letters it numbers after or lists (the 2028 plan's invitations issued in December 2027 are on the
2027 register: :func:`_neighbours`), the code that plans and renders (``liaison`` and
every installed plugin, file by file; every other installed distribution by name and version), the
interpreter, liaison's environment variables (``LIAISON_*``) and the law's estimates kept in the cache
folder. :func:`inputs_key` digests all of it from the raw bytes, before anything is parsed, planned
or loaded. What it assumes is what reusing an exporter's files assumes (docs/plugins.md): a
plugin's output follows from its code and what liaison hands it.

When an export run in full leaves that key as it found it — every exporter reused, nothing written,
archived or kept, no note of the folder's recovery, the folder byte for byte as it was (its history and
archive, never rewritten in place, by size and time) — it is a
fixed point: the same inputs give the same export, which changes nothing again. The command then keeps the key with what
it printed (a *receipt*, one per output folder, in liaison's cache folder, :mod:`liaison.host.cache`);
the next run with the same key prints that and stops, without loading the district, the plugins or
the planner. Any difference in any input — a file of the year touched, a day later, another
option, an edited plugin, an upgraded library — is another key, and the export runs in full. Like
every cache here, a receipt that is missing, unreadable or of another key is simply not used.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import importlib.util
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["FORMAT", "inputs_key", "plugins_as_installed", "record", "replay", "years_of"]

FORMAT = "liaison-export-receipt/1"
_FOLDER = "export-receipts"
#: A file named on the command line larger than this is left to the full run (which refuses it):
#: no input liaison reads is larger (a ledger workbook: 32 MiB, liaison.host.plugins.MAX_LEDGER_BYTES).
_LARGEST = 64 * 1024 * 1024
#: The packages of the command itself; the plugins' are found from their entry points.
_OWN = ("liaison", "liaison_cli", "liaison_workspace")
#: The year's folders of what is kept, not exported again (the store's ``.history/``, liaison.year.state's
#: ARCHIVE ``已作废/``), named here so the key imports neither (tests/test_history_bounded.py checks them).
_KEPT_ONLY = (".history", "已作废")


def years_of(year: int | None, years: str | None, today: dt.date) -> tuple[int, ...] | None:
    """The years the command will export, read as the command reads them, or None where it would
    refuse them (the full run then says why)."""
    if year is not None and years:
        return None
    if not years:
        return ((today.year + 1) if year is None else year,)
    first, sep, last = years.partition("..")
    try:
        a, b = int(first), int(last if sep else first)
    except ValueError:
        return None
    return tuple(range(a, b + 1)) if a <= b <= a + 50 else None


def _feeder(digest: Any) -> Callable[..., None]:
    """``feed(*parts)``: each part into ``digest`` with its length first, so no two sequences of parts
    give the same bytes."""
    def feed(*parts: object) -> None:
        for part in parts:
            data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogateescape")
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
    return feed


def plugins_as_installed() -> bool:
    """Whether this process's plugins are the installed ones: no plugin manager built yet (a
    command's own process). A program that registered a plugin by hand
    (:func:`liaison.host.plugins.register`) before running the command has code the key does not
    see, so its exports always run in full."""
    hosted = sys.modules.get("liaison.host.plugins")
    return hosted is None or not bool(hosted.built())


def inputs_key(command: str, values: Mapping[str, Any], out_dir: str, years: Sequence[int],
               stdout_is_terminal: bool, *, issued_on: dt.date | None = None) -> str | None:
    """The digest of everything the export's outcome depends on (see the module docstring), or None
    when it cannot be told from the disk (a file that cannot be read): the export then runs.
    ``issued_on``: the export's day of issue, which names the neighbouring plan years whose states it
    reads (:func:`_neighbours`)."""
    digest = hashlib.sha256()
    feed = _feeder(digest)

    try:
        feed(FORMAT, command, sys.version, sys.executable, stdout_is_terminal)
        for name in sorted(values):
            _value(feed, name, values[name])
        feed("env", *sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith("LIAISON_")))
        feed("code", _code())
        _kept_estimates(feed)
        root = Path(out_dir).absolute()
        feed("out", out_dir, root)  # as given too: the summary names the folder as the user wrote it
        if root.is_dir():  # journals, staging and old folders, locks, other years: by name, kind and size
            for entry in sorted(os.scandir(root), key=lambda e: e.name):
                found = entry.stat(follow_symlinks=False)
                feed(entry.name, stat.S_IFMT(found.st_mode), found.st_size if stat.S_ISREG(found.st_mode) else 0)
        for year in years:
            _tree(feed, root / str(year))
        for other in _neighbours(years, issued_on):
            _states(feed, root / str(other), other)
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def _neighbours(years: Sequence[int], issued_on: dt.date | None) -> tuple[int, ...]:
    """The other plan years whose states an export of ``years`` on ``issued_on`` reads (their letters
    numbered in the registers it numbers into or shows: the workspace's
    :func:`liaison_workspace.workspace.neighbours`, from the same two functions): the 2028 plan's
    letters issued in December 2027 are on the 2027 plan's 发文登记 sheet and before its next number."""
    from liaison.year.registers import holding_years, register_years

    return tuple(sorted({other for year in years for other in holding_years(year, register_years(year, issued_on))}
                        - set(years)))


def _states(feed: Callable[..., None], folder: Path, year: int) -> None:
    """A neighbouring plan year's state file(s) (``plan-<district>-<year>.json``, liaison.year.state's
    name; the district is not known before it is loaded) by name and bytes, and nothing else of its
    folder: its letters' files are not read by this export."""
    feed("states", year, folder.is_dir())
    if not folder.is_dir():
        return
    head, tail = "plan-", f"-{year}.json"
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith(head) and entry.name.endswith(tail):
            mode = entry.stat(follow_symlinks=False).st_mode
            feed(entry.name, stat.S_IFMT(mode))
            if stat.S_ISLNK(mode):
                feed(os.readlink(entry.path))
            elif stat.S_ISREG(mode):
                if entry.stat(follow_symlinks=False).st_size > _LARGEST:
                    raise ValueError(f"{entry.path} is larger than any state an export writes")
                feed(Path(entry.path).read_bytes())


def _value(feed: Callable[..., None], name: str, value: Any) -> None:
    """A command value, and the bytes of each file it names — itself, or after ``KEY=`` (an option
    given as ``--option KEY=VALUE``); a path not naming a file is a value like any other."""
    items = value if isinstance(value, tuple | list) else (value,)
    feed("value", name, type(value).__name__, len(items))
    for item in items:
        feed(type(item).__name__, repr(item))
        if isinstance(item, str):
            for named in dict.fromkeys((item, item.partition("=")[2])):  # in this order, once
                if named and os.path.isfile(named):
                    if os.path.getsize(named) > _LARGEST:
                        raise ValueError(f"{named} is larger than any input liaison reads")
                    feed(named, Path(named).read_bytes())


@functools.cache
def _code() -> str:
    """The digest of the code that plans and renders: every file of liaison's packages and of each
    installed plugin's package (as the exporters' reuse digests them: an editable install or a
    template edited in place changes no version), the plugins' entry points, and every installed
    distribution on the path by name and version. Once per process: the key after an export is
    then that of the code the export ran, even if files changed meanwhile (a later run reads them
    afresh)."""
    from importlib.metadata import entry_points

    digest = hashlib.sha256()
    feed = _feeder(digest)

    packages = set(_OWN)
    for ep in sorted(entry_points(group="liaison"), key=lambda e: e.name):
        feed("entry point", ep.name, ep.value, f"{ep.dist.name} {ep.dist.version}" if ep.dist else "")
        packages.add(ep.value.partition(":")[0].partition(".")[0])
    for name in sorted(packages):
        spec = importlib.util.find_spec(name)
        feed("package", name)
        if spec is None:
            continue
        roots = list(spec.submodule_search_locations or ())
        if not roots and spec.origin:
            feed(Path(spec.origin).read_bytes())
        for root in roots:
            _tree(feed, Path(root), skip="__pycache__")
    for place in sys.path:
        if place and os.path.isdir(place):
            feed("path", place, *sorted(os.listdir(place)))  # site-packages: name-version.dist-info
    return digest.hexdigest()


def _kept_estimates(feed: Callable[..., None]) -> None:
    """The law's estimates kept in the cache folder (:mod:`liaison_workspace.estimates`): a year
    without a State Council notice is planned on them."""
    from liaison.host.cache import cache_folder

    folder = cache_folder()
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("law-estimate-*")):
            feed(path.name, path.read_bytes() if path.is_file() else b"")


def _tree(feed: Callable[..., None], root: Path, skip: str = "") -> None:
    """Every file under ``root`` by its path and bytes, in a fixed order: a link by its target, and
    anything else that is not a folder (a pipe, a device: never opened, a read could block) by its
    kind."""
    feed("tree", root, root.is_dir())
    if not root.is_dir():
        return
    for place, dirs, files in os.walk(root, onerror=_raise):  # a folder that cannot be listed: no key
        dirs[:] = sorted(d for d in dirs if d != skip)
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(place, d))]):
            path = os.path.join(place, name)
            mode = os.lstat(path).st_mode
            feed(os.path.relpath(path, root), stat.S_IFMT(mode))
            if stat.S_ISLNK(mode):
                feed(os.readlink(path))
            elif stat.S_ISREG(mode) and os.path.relpath(path, root).split(os.sep, 1)[0] in _KEPT_ONLY:
                # written once and never rewritten in place: by size and time, not read — the key then
                # costs the same however long the year's history (#23), and a file replaced is another time
                found = os.lstat(path)
                feed(found.st_size, found.st_mtime_ns, found.st_ino)
            elif stat.S_ISREG(mode):
                if os.path.getsize(path) > _LARGEST:
                    raise ValueError(f"{path} is larger than any file an export writes")
                feed(Path(path).read_bytes())


def _raise(error: OSError) -> None:
    raise error


def _receipt_path(out_dir: str) -> Path | None:
    from liaison.host.cache import cache_folder

    folder = cache_folder()
    if folder is None:
        return None
    where = hashlib.sha256(str(Path(out_dir).absolute()).encode("utf-8", "surrogateescape")).hexdigest()
    return folder / _FOLDER / f"{where[:32]}.json"


def replay(key: str | None, out_dir: str, write: Callable[[str], object]) -> bool:
    """Print what the export printed when it last ran with ``key`` and changed nothing, and say so;
    False (nothing printed) when there is no such receipt."""
    path = _receipt_path(out_dir) if key is not None else None
    if path is None:
        return False
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeError):
        return False
    if not isinstance(kept, dict) or kept.get("format") != FORMAT or kept.get("key") != key \
            or not isinstance(kept.get("printed"), str):
        return False
    write(kept["printed"])
    return True


def record(key: str, out_dir: str, printed: Iterable[str]) -> None:
    """Keep ``key`` with what the export printed (it changed nothing: see the module docstring),
    replacing the output folder's earlier receipt; a cache folder that cannot be written is skipped."""
    path = _receipt_path(out_dir)
    if path is None:
        return
    text = json.dumps({"format": FORMAT, "key": key, "printed": "".join(printed)}, ensure_ascii=False)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
