"""The memo caches: :func:`liaison_docx.clear_memos` empties every one of them (so the letters'
benchmark can start each round as a fresh process does), and a letter renders to the same bytes
from empty caches as from full ones."""

from __future__ import annotations

import importlib
import pkgutil

from docx_samples import annual_notice, grid_letter, invitation
from liaison.law.district import District

import liaison_docx
from liaison_docx import clear_memos, render
from liaison_docx.letters.invitation import _MATCHERS, org_matcher
from liaison_docx.memos import memo_caches


def _package_caches() -> set[int]:
    """The ``functools`` caches (objects with ``cache_info``) defined in the package's modules."""
    found: set[int] = set()
    for info in pkgutil.walk_packages(liaison_docx.__path__, "liaison_docx."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if hasattr(value, "cache_info") and getattr(value, "__module__", "") == module.__name__:
                found.add(id(value))
    return found


def test_every_functools_cache_of_the_package_is_cleared_by_clear_memos() -> None:
    assert _package_caches() == {id(cache) for cache in memo_caches()}


def test_clear_memos_empties_the_caches_a_render_fills(seed: District) -> None:
    render(annual_notice())
    render(invitation())
    org_matcher(seed)  # the invitations' matcher of a district's names
    assert _MATCHERS
    filled = [cache for cache in memo_caches() if cache.cache_info().currsize]  # type: ignore[attr-defined]
    assert len(filled) >= 4  # the template, the widths, the line counts, the section
    clear_memos()
    assert all(cache.cache_info().currsize == 0 for cache in memo_caches())  # type: ignore[attr-defined]
    assert not _MATCHERS


def test_a_letter_renders_to_the_same_bytes_from_empty_and_from_full_caches() -> None:
    letters = [annual_notice(), invitation(), grid_letter(), grid_letter("letter")]
    clear_memos()
    cold = [render(letter) for letter in letters]
    warm = [render(letter) for letter in letters]
    clear_memos()
    cold_reversed = [render(letter) for letter in reversed(letters)]
    assert cold == warm == cold_reversed[::-1]
