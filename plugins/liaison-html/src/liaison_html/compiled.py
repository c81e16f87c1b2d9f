"""The page's templates compiled once per machine, not once per process: Jinja's bytecode cache in the
user's cache folder.

Jinja compiles the page's five templates to Python code on their first use in a process (about
0.1 s, a tenth of a seed export's whole run); its :class:`jinja2.FileSystemBytecodeCache` keeps the
compiled code, keyed by the template's name and checked against a hash of its source and the Python
version, so a changed or upgraded template, another Python or another Jinja is compiled afresh.
Why a cache rather than templates compiled when the wheel is built: the compiled code belongs to
one Python and one Jinja version (``marshal`` and Jinja's runtime), which a wheel built once cannot
know; the cache is filled by the first export on the machine that runs it.

The folder: ``LIAISON_CACHE_DIR`` when set (empty: no cache), else the platform's user cache folder
(``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux and other Unixes, ``~/Library/Caches`` on macOS,
``%LOCALAPPDATA%`` on Windows), under ``liaison/jinja-<version>``.  A cache is an optimisation
only: a folder that cannot be made or written, a file that is truncated or garbage, is skipped and
the template compiled as if there were no cache — it never fails or changes an export.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

__all__ = ["CACHE_ENV", "bytecode_cache", "cache_folder"]

CACHE_ENV = "LIAISON_CACHE_DIR"


def cache_folder() -> Path | None:
    """Where liaison keeps what it may throw away; ``None`` when ``LIAISON_CACHE_DIR`` is empty."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # the spec ignores a relative path
    return base / "liaison"


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """A bytecode cache in :func:`cache_folder`, or ``None`` (no cache) when there is no usable folder."""
    import jinja2

    folder = cache_folder()
    if folder is None:
        return None
    folder = folder / f"jinja-{jinja2.__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # read-only home, a file in the way, no permission: compile in memory as before
        return None

    class SafeCache(jinja2.FileSystemBytecodeCache):
        """A cache whose every failure is a miss: a corrupt file is compiled afresh (and replaced), a
        write that fails is dropped."""

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # truncated, garbage, unreadable: any of pickle's and marshal's errors
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            # a full disk, a folder made read-only since: the page is rendered anyway
            with contextlib.suppress(Exception):
                super().dump_bytecode(bucket)

    return SafeCache(str(folder))
