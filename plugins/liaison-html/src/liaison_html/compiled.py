"""The page's templates compiled once per machine, not once per process: Jinja's bytecode cache in the
user's cache folder.

Jinja compiles the page's five templates to Python code on their first use in a process (about
0.1 s, a tenth of a seed export's whole run); its :class:`jinja2.FileSystemBytecodeCache` keeps the
compiled code, keyed by the template's name and checked against a hash of its source and the Python
version, so a changed or upgraded template, another Python or another Jinja is compiled afresh.
Why a cache rather than templates compiled when the wheel is built: the compiled code belongs to
one Python and one Jinja version (``marshal`` and Jinja's runtime), which a wheel built once cannot
know; the cache is filled by the first export on the machine that runs it.

The folder: liaison's cache folder (:func:`liaison.host.cache.cache_folder`: ``LIAISON_CACHE_DIR``
when set, empty for no cache, else the platform's user cache folder), under ``jinja-<version>``.
A cache is an optimisation only: a folder that cannot be made or written, a file that is truncated
or garbage, is skipped and the template compiled as if there were no cache — it never fails or changes an export.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from liaison.host.cache import CACHE_ENV, cache_folder

if TYPE_CHECKING:
    import jinja2

__all__ = ["CACHE_ENV", "bytecode_cache", "cache_folder"]


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
