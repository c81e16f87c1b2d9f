"""What liaison keeps between processes to spare every command a fixed cost, in the user's cache folder.

The folder: ``LIAISON_CACHE_DIR`` when set (empty: no cache), else the platform's user cache folder
(``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux and other Unixes, ``~/Library/Caches`` on macOS,
``%LOCALAPPDATA%`` on Windows), under ``liaison/``. A cache is an optimisation only: a folder that
cannot be made or written, a file that is truncated or garbage, is skipped and the value worked
out as if there were no cache — it never fails or changes a command's output.

Kept here:

- the page's compiled templates (``jinja-<version>/``, :mod:`liaison_html.compiled`);
- the law's estimate of the statutory days off of a year without a State Council notice
  (``law-estimate-<holidays version>.json``, :func:`liaison_workspace.estimates.preload_law_years`:
  the core writes no file, so the edge keeps it): working it out imports
  ``holidays``, which loads all of its 250 countries (about 0.1 s, the largest fixed cost of a
  seed export); the file is keyed by that package's version, so an upgraded ``holidays`` (a
  corrected lunar table, an amended law) is asked afresh;
- the districts of the files given to ``--data`` (and the seed), parsed and checked
  (``districts/<key>.pickle``, :mod:`liaison_workspace.districts`): the key is the file's bytes and
  the code that parsed it, and an entry is verified before it is used;
- the receipts of exports that changed nothing (``export-receipts/``, one per output folder,
  :mod:`liaison_cli.receipts`): the digest of everything such an export depended on and what it
  printed, so the same rerun prints it again without doing the work.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["CACHE_ENV", "cache_folder"]

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
