"""Every memo cache of the letters' rendering and building, cleared in one place.

A ``liaison export`` is a fresh process: these caches start empty and fill as the year's letters are
rendered (a title broken once for every invitee, a table's dates measured once).  A benchmark that
renders the same letters round after round would measure the caches' hits instead; it calls
:func:`clear_memos` before each round, so it times what an export pays.  ``tests/test_memos.py``
checks that every ``functools`` cache in the package is listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

__all__ = ["clear_memos", "memo_caches"]


class _Cache(Protocol):
    def cache_clear(self) -> None: ...


def memo_caches() -> list[_Cache]:
    """The package's ``functools`` caches (the fonts' template, the widths and line counts of text,
    the title breaks, the section properties)."""
    from liaison_docx import composition, geometry, package, titles

    return [geometry.text_cells, geometry._token, geometry.count_lines, geometry.piece_need, titles._break,
            composition._section, package.template]


def _module_memos() -> list[Callable[[], None]]:
    """The module-level memos that are not ``functools`` caches: the organisation-name matcher per
    district of the invitations."""
    from liaison_docx.letters import invitation

    return [invitation._MATCHERS.clear]


def clear_memos() -> None:
    """Empty every memo of the package, as a new process starts."""
    for cache in memo_caches():
        cache.cache_clear()
    for clear in _module_memos():
        clear()
