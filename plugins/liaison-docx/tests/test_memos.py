"""The memos: what an export measures lives in the export's own :class:`~liaison_docx.Measures`
(built by it, as large as its texts, dropped with it); what outlives it is bounded and emptied by
:func:`liaison_docx.clear_memos`; and a letter renders to the same bytes however its memos stand."""

from __future__ import annotations

import gc
import importlib
import pkgutil
import weakref

import attrs
from docx_samples import annual_notice, grid_letter, invitation
from liaison.host.exporting import ExportRequest
from liaison.law.district import District

import liaison_docx
from liaison_docx import Measures, clear_memos, render, titles
from liaison_docx.letters.invitation import _MATCHERS, org_matcher
from liaison_docx.memos import memo_caches
from liaison_docx.plugin import drafts, export


def _package_caches() -> set[int]:
    """The ``functools`` caches (objects with ``cache_info``) defined in the package's modules."""
    found: set[int] = set()
    for info in pkgutil.walk_packages(liaison_docx.__path__, "liaison_docx."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if hasattr(value, "cache_info") and getattr(value, "__module__", "") == module.__name__:
                found.add(id(value))
    return found


def _letters() -> list[liaison_docx.Letter]:
    return [annual_notice(), invitation(), grid_letter(), grid_letter("letter"), _title_to_break(annual_notice()),
            _title_to_break(invitation())]


def test_every_functools_cache_of_the_package_is_cleared_by_clear_memos() -> None:
    assert _package_caches() == {id(cache) for cache in memo_caches()}


def test_clear_memos_empties_the_caches_a_render_fills(seed: District) -> None:
    render(annual_notice())
    render(invitation())
    org_matcher(seed)  # the invitations' matcher of a district's names
    assert _MATCHERS
    assert all(cache.cache_info().currsize for cache in memo_caches())  # type: ignore[attr-defined]
    clear_memos()
    assert all(cache.cache_info().currsize == 0 for cache in memo_caches())  # type: ignore[attr-defined]
    assert not _MATCHERS


def test_the_memos_that_outlive_an_export_hold_none_of_its_texts() -> None:
    # what the process keeps between exports does not grow with the letters rendered: only a
    # Measures, which the export drops, holds their texts
    render(annual_notice())
    render(invitation(), measures=Measures())
    held = [cache.cache_info().currsize for cache in memo_caches()]  # type: ignore[attr-defined]
    for n in range(20):
        render(annual_notice(year=1950 + n, serial=n + 1))
        render(attrs.evolve(invitation(), title=f"关于邀请出席第{n + 1}次联系工作会议的函", title_units=()))
    assert [cache.cache_info().currsize for cache in memo_caches()] == held  # type: ignore[attr-defined]


def _title_to_break(letter: liaison_docx.Letter) -> liaison_docx.Letter:
    return attrs.evolve(letter, title=letter.title.replace("\n", ""))


def test_a_letters_texts_are_measured_in_the_measures_it_is_given() -> None:
    measures = Measures()
    assert set(measures.sizes().values()) == {0}
    render(_title_to_break(annual_notice()), measures=measures)
    after_one = measures.sizes()
    assert all(after_one.values()), after_one  # widths, line counts, the table's pieces, the title
    render(_title_to_break(annual_notice()), measures=measures)
    assert measures.sizes() == after_one  # the same letter again: nothing measured anew
    render(_title_to_break(annual_notice(year=2031)), measures=measures)
    assert measures.sizes()["count_lines"] > after_one["count_lines"]
    assert Measures().sizes() == dict.fromkeys(after_one, 0)  # another export's start empty


def test_a_letter_renders_to_the_same_bytes_whatever_its_memos_hold() -> None:
    letters = _letters()
    clear_memos()
    alone = [render(letter) for letter in letters]  # each letter with measures of its own
    shared = Measures()
    together = [render(letter, measures=shared) for letter in letters]
    again = [render(letter, measures=shared) for letter in letters]  # every text a hit
    clear_memos()
    backwards = Measures()
    reversed_order = [render(letter, measures=backwards) for letter in reversed(letters)]
    assert alone == together == again == reversed_order[::-1]


def test_an_export_measures_each_title_once_for_all_its_letters(seed_request: ExportRequest,
                                                                monkeypatch: object) -> None:
    broken: list[tuple[str, ...]] = []
    plain = titles.break_units

    def counted(units: tuple[str, ...], capacity: float, cells: titles.Cells = titles.text_cells) -> tuple[str, ...]:
        broken.append(units)
        return plain(units, capacity, cells)

    letters = [d.letter for d in drafts(seed_request)]  # (the drafts' own measures: not counted)
    monkeypatch.setattr(titles, "break_units", counted)  # type: ignore[attr-defined]
    made = export(seed_request)
    assert len(made) == len(letters)
    with_units = [tuple(u for u in letter.title_units if u) for letter in letters if letter.title_units]
    # an invitation per invitee carries its meeting's title: broken once for all of them
    assert len(set(with_units)) < len(with_units)
    assert len(broken) == len(set(broken))
    assert set(with_units) <= set(broken)


def test_an_exports_measures_are_dropped_with_it(seed_request: ExportRequest, monkeypatch: object) -> None:
    made: list[weakref.ref[Measures]] = []
    plain = Measures.__init__

    def tracked(self: Measures) -> None:
        plain(self)
        made.append(weakref.ref(self))

    monkeypatch.setattr(Measures, "__init__", tracked)  # type: ignore[attr-defined]
    export(seed_request)
    assert len(made) == 1  # one for the export's letters, not one per letter
    gc.collect()
    assert made[0]() is None
