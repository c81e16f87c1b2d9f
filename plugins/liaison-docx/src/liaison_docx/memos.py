"""The memos of the letters' rendering that outlive an export, cleared in one place.

What an export measures (the widths and line counts of its texts, its tables' pieces, its titles'
breaks) is memoised in the export's own :class:`~liaison_docx.measures.Measures`, built by the
export and dropped with it.  What is left here lives as long as the process, and is safe to: each
memo is bounded whatever the letters say and keyed by immutable values — the fonts' template (one
per :class:`~liaison_docx.letter_model.FontSet`, at most 16), the section properties (one per kind
of letter and two flags, at most 8), the invitations' matcher of a district's names (one per
:class:`~liaison.law.district.District` object alive, dropped with it).  A benchmark that renders
the same letters round after round calls :func:`clear_memos` before each round (and builds a new
:class:`~liaison_docx.measures.Measures`), so it times what an export in a fresh process pays.
``tests/test_memos.py`` checks that every ``functools`` cache in the package is listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

__all__ = ["clear_memos", "memo_caches"]


class _Cache(Protocol):
    def cache_clear(self) -> None: ...


def memo_caches() -> list[_Cache]:
    """The package's ``functools`` caches (the fonts' template, the section properties)."""
    from liaison_docx import composition, package

    return [composition._section, package.template]


def _module_memos() -> list[Callable[[], None]]:
    """The module-level memos that are not ``functools`` caches: the organisation-name matcher per
    district of the invitations."""
    from liaison_docx.letters import invitation

    return [invitation._MATCHERS.clear]


def clear_memos() -> None:
    """Empty every memo of the package that outlives an export, as a new process starts."""
    for cache in memo_caches():
        cache.cache_clear()
    for clear in _module_memos():
        clear()
