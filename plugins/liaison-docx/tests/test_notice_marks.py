"""The annual notice marks a date （暂定） as the calendars and the page do
(:attr:`liaison.year.engagements.Engagement.marked_provisional`, #24): a provisional date nobody has
agreed yet; an agreed one is not, though the year's holiday notice is still unpublished (the caveat
about it stays)."""

from __future__ import annotations

import attrs
import pytest
from docx_seed import make_plan
from liaison.formats.district import seed_district
from liaison.year.engagements import Status

from liaison_docx.letter_model import Paragraph, Table
from liaison_docx.letters.notice import notices

HOST = "health"


def schedule(status: Status) -> tuple[list[str], str]:
    """The health bureau's notice for a plan whose engagements all have provisional dates in
    ``status``: the table's dates, and the paragraphs after it."""
    seed = seed_district()
    plan = make_plan(seed)
    plan = attrs.evolve(plan, engagements=tuple(attrs.evolve(e, provisional=True, status=status)
                                                 for e in plan.engagements))
    (draft,) = [d for d in notices(seed, plan) if d.recipient == HOST]
    table = next(b for b in draft.letter.body if isinstance(b, Table))
    text = "".join(b.text for b in draft.letter.body if isinstance(b, Paragraph))
    return [str(row[0]) for row in table.rows], text


@pytest.mark.parametrize("status", [Status.AGREED, Status.PROPOSED])
def test_only_a_date_nobody_agreed_is_marked_provisional(status: Status) -> None:
    days, text = schedule(status)
    assert days
    marked = status == Status.PROPOSED
    assert all(("（暂定）" in d) == marked for d in days)
    assert ("标注“（暂定）”" in text) == marked
    assert "节假日安排尚未公布" in text  # the year's notice is unpublished either way
