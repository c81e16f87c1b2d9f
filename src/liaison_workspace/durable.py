"""Writes that survive a crash: files and folders are on the disk before anything refers to them.

A file is written to a new name, flushed and ``fsync``-ed; a rename that makes it count is followed by
an ``fsync`` of the folder whose entries changed, so after a power cut the folder holds the old entry
or the new one, never a name pointing at unwritten bytes. :func:`exchange` swaps two folders in one
step where Linux offers ``renameat2(RENAME_EXCHANGE)``.

:func:`checkpoint` marks each step that changes the disk. It is the fault suite's hook
(``tests/test_faults.py``): with ``LIAISON_TEST_KILL_AT=STEP`` (a step's name, or ``#N`` for the N-th
checkpoint of the run) in the environment the process kills itself with ``SIGKILL`` there, as
``kill -9`` or a power cut would stop it; ``LIAISON_TEST_TRACE=FILE`` appends each step passed to FILE.
Unset, a checkpoint costs one look-up in the environment.
"""

from __future__ import annotations

import errno
import functools
import os
import secrets
import signal
import stat
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["checkpoint", "exchange", "fsync_dir", "make_folders", "make_within", "remove_tree", "sync_staged",
           "sync_tree", "temp_name", "write_atomic", "write_new"]

KILL_AT = "LIAISON_TEST_KILL_AT"
TRACE = "LIAISON_TEST_TRACE"
NO_EXCHANGE = "LIAISON_TEST_NO_EXCHANGE"  # the fault suite runs the two-rename fallback with it
NO_SYNCFS = "LIAISON_TEST_NO_SYNCFS"  # the fault suite runs the per-file fsync fallback with it

_passed = 0
#: Called at every checkpoint with its name (in-process tests: a folder that vanishes mid-export).
hooks: list[Callable[[str], None]] = []


def checkpoint(step: str) -> None:
    """One step that changed the disk is done (see the module docstring)."""
    global _passed
    for hook in hooks:
        hook(step)
    wanted, trace = os.environ.get(KILL_AT), os.environ.get(TRACE)
    if not wanted and not trace:
        return
    _passed += 1
    if trace:
        with open(trace, "a", encoding="utf-8") as out:
            out.write(f"{_passed} {step}\n")
    if wanted in (step, f"#{_passed}"):
        os.kill(os.getpid(), signal.SIGKILL)


def fsync_dir(path: Path) -> None:
    """Make the folder's entries (names created, renamed, removed) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # a file system that cannot sync a folder
            raise
    finally:
        os.close(fd)


def make_folders(path: Path) -> list[Path]:
    """``path`` and its missing parents, each made durable in its parent; the folders created,
    outermost first (so a caller can take them back)."""
    missing: list[Path] = []
    here = path
    while not here.exists() and not here.is_symlink() and here != here.parent:
        missing.append(here)
        here = here.parent
    created: list[Path] = []
    for folder in reversed(missing):
        try:
            folder.mkdir(0o777)  # the usual mode: the umask applies
        except FileExistsError:
            continue  # made meanwhile by another command: not ours to take back
        created.append(folder)
        fsync_dir(folder.parent)
    return created


def write_new(path: Path, data: bytes, *, step: str = "write", sync: bool = True) -> None:
    """A new file (never writing through a hard link into another folder), flushed to the disk, with
    the usual mode: the process's umask applies, as for any file the office creates. Its folder
    exists (a folder that vanished is an error, never made again in silence). ``sync=False``: the
    caller makes it durable later, with the others it writes (:func:`sync_staged`)."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if sync:
                os.fsync(handle.fileno())
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror, str(path)) from None  # a write names no file: this one
    checkpoint(step)


def make_within(root: Path, folder: Path) -> None:
    """``folder`` and its parents below ``root``, which must exist: a ``root`` that vanished meanwhile
    is an error (``FileNotFoundError``), never made again."""
    for parent in [*reversed(folder.relative_to(root).parents), folder.relative_to(root)]:
        if parent != Path("."):
            (root / parent).mkdir(exist_ok=True)


def temp_name(path: Path) -> Path:
    """Where :func:`write_atomic` writes ``path`` first: a hidden name beside it that the next command
    recognises as a leftover (:data:`liaison_workspace.folder.TEMP`)."""
    return path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"


def write_atomic(path: Path, data: bytes, *, step: str = "state") -> None:
    """Replace ``path`` with ``data`` so that a crash at any instruction leaves the old file or the new
    one: a temporary file in the same folder, flushed; renamed over ``path``; the folder synced. A
    temporary file left by a crash is removed by the next command (never carried into an export)."""
    make_folders(path.parent)
    temp = temp_name(path)
    try:
        write_new(temp, data, step=f"{step}:temp-written")
        os.replace(temp, path)
        checkpoint(f"{step}:renamed")
        fsync_dir(path.parent)
        checkpoint(f"{step}:synced")
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def sync_tree(root: Path) -> None:
    """Make every folder's entries under ``root`` durable (files were synced when written; hard links
    and renames live in their folders)."""
    for place, _dirs, _files in os.walk(root, topdown=False):
        fsync_dir(Path(place))


def sync_staged(root: Path, written: Sequence[Path]) -> None:
    """Make a staged folder durable: the files ``written`` under ``root`` without a sync
    (``write_new(sync=False)``) and every folder's entries under it.

    Where Linux offers ``syncfs`` and reports its write-back errors (5.8 and later), one call
    flushes the whole file system ``root`` is on — data, inodes and folder entries, through the
    file system's journal — instead of one ``fsync`` per file and folder (83 files for the seed:
    about 0.32 s against 0.06 s on this project's machines). It is as safe as the per-file syncs for
    the swap: the staged folder is not referred to by anything until the journal names it, and
    the journal is written (and synced) only after this returns, so after a power cut the staged
    folder is either complete on the disk or not named at all, and the next command removes it.
    Elsewhere (or with ``LIAISON_TEST_NO_SYNCFS`` set) each file, then each folder, is synced.
    ``syncfs`` also waits for every other process's dirty data on that file system: its wall time
    depends on the other writers, the fallback's does not (docs/limits.md)."""
    if _syncfs(root):
        return
    for path in written:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    sync_tree(root)


@functools.cache
def _libc() -> Any:
    """The C library as the running interpreter has it loaded (``dlopen(NULL)``), or None: not found
    by ``ctypes.util.find_library``, which runs ``ldconfig -p`` in a child process (~14 ms) on every
    export that writes. Loaded with the first durable write (a rerun that writes nothing needs not)."""
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


@functools.cache
def _syncfs_function() -> Callable[..., int] | None:
    import ctypes

    release = os.uname().release if hasattr(os, "uname") else ""
    numbers = [int(n) for n in release.split("-")[0].split(".")[:2] if n.isdigit()]
    if os.uname().sysname != "Linux" or len(numbers) < 2 or tuple(numbers) < (5, 8):
        return None  # before 5.8 syncfs did not report write-back errors: an EIO would go unseen
    try:
        function = _libc().syncfs
    except AttributeError:  # no C library loaded, or one without syncfs
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    found: Callable[..., int] = function
    return found


def _syncfs(root: Path) -> bool:
    """``syncfs`` on the file system holding ``root``; False where it is not offered."""
    function = None if os.environ.get(NO_SYNCFS) else _syncfs_function()
    if function is None:
        return False
    import ctypes

    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if function(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(root))
    finally:
        os.close(fd)
    return True


# --------------------------------------------------------------------------------------- exchange
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    import ctypes

    try:
        function = _libc().renameat2
    except AttributeError:
        return None  # not glibc ≥ 2.28, or not Linux
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    found: Callable[..., int] = function
    return found


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing folders in one atomic step (``renameat2(RENAME_EXCHANGE)``); False where the
    platform or the file system cannot, so the caller renames twice under its journal."""
    function = None if os.environ.get(NO_EXCHANGE) else _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


# ----------------------------------------------------------------------------------------- removal
def remove_tree(path: Path) -> OSError | None:
    """Remove a folder of ours (a staging folder, the previous year): a read-only folder inside it is
    made writable first (it is being discarded); what still cannot be removed — an immutable file, a
    read-only file system — is returned, not raised, so the caller reports it."""
    failures: list[OSError] = []
    _remove(path, failures)
    return failures[0] if failures else None


def _remove(path: Path, failures: list[OSError]) -> None:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        failures.append(exc)
        return
    if stat.S_ISDIR(info.st_mode):
        try:
            entries = _listing(path)
        except OSError as exc:
            failures.append(exc)
            return
        for entry in entries:
            _remove(path / entry, failures)
        _retry(os.rmdir, path, failures)
    else:
        _retry(os.unlink, path, failures)


def _listing(path: Path) -> list[str]:
    try:
        return os.listdir(path)
    except PermissionError:
        os.chmod(path, stat.S_IRWXU)
        return os.listdir(path)


def _retry(remove: Callable[[Path], None], path: Path, failures: list[OSError]) -> None:
    try:
        remove(path)
    except FileNotFoundError:
        pass
    except PermissionError as exc:
        try:  # a read-only folder of ours: made writable, then once more
            os.chmod(path.parent, stat.S_IRWXU)
            remove(path)
        except FileNotFoundError:
            pass
        except OSError:
            failures.append(exc)
    except OSError as exc:
        failures.append(exc)
