"""The page renders each of its bilingual texts once per page (``pages.once_per_page``), and the bytes
are those of the page rendered with a fresh ``bi`` call for every occurrence."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.law.district import District
from liaison.law.records import Records
from liaison.year.engagements import Plan
from liaison_html import pages
from liaison_html.texts import Bi


def test_each_text_rendered_once_a_page_and_the_bytes_unchanged(
        seed: District, plan_2026: Plan, records_2026: Records, monkeypatch: pytest.MonkeyPatch) -> None:
    view = pages.page_view(seed, plan_2026, records=records_2026)
    plain = pages.environment().globals["bi"]
    asked: list[Bi] = []

    def counting(text: Bi) -> Any:
        asked.append(text)
        return plain(text)

    monkeypatch.setitem(pages.environment().globals, "bi", counting)
    with monkeypatch.context() as every_time:
        every_time.setattr(pages, "once_per_page", lambda bi: bi)
        each_time = pages.render_page(view)
    occurrences = len(asked)
    asked.clear()
    remembered = pages.render_page(view)
    assert remembered == each_time
    assert len(asked) == len(set(asked)) < occurrences / 3
    first = list(asked)
    asked.clear()
    assert pages.render_page(view) == remembered
    assert asked == first  # nothing kept from one page to the next
