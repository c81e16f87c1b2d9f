""":func:`liaison_docx.layout.paginate` resumed from an earlier pagination (``placed_before``, as the
signature's page break tries one paragraph after another) places every piece where paginating from
the start does."""

from __future__ import annotations

import attrs
from hypothesis import given
from hypothesis import strategies as st

from liaison_docx.geometry import LINE_PITCH, SMALL_LINE, TITLE_LINE
from liaison_docx.layout import Piece, paginate

_paragraphs = st.builds(
    Piece, lines=st.integers(1, 30), pitch=st.sampled_from((LINE_PITCH, TITLE_LINE, SMALL_LINE)),
    before=st.sampled_from((0, LINE_PITCH, 2 * LINE_PITCH)), keep_next=st.booleans(), page_break=st.booleans(),
    split=st.booleans())
_tables = st.builds(Piece, rows=st.lists(st.integers(LINE_PITCH, 3 * LINE_PITCH), min_size=1, max_size=25).map(tuple),
                    keep_next=st.booleans())


@given(pieces=st.lists(st.one_of(_paragraphs, _tables), min_size=1, max_size=40), start=st.integers(0, 3000),
       data=st.data())
def test_resuming_from_the_pieces_before_a_new_page_break_places_as_from_the_start(
        pieces: list[Piece], start: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, len(pieces) - 1))
    as_written = paginate(pieces, start)
    trial = [*pieces[:k], attrs.evolve(pieces[k], page_break=not pieces[k].page_break), *pieces[k + 1:]]
    assert paginate(trial, start, placed_before=as_written[:k]) == paginate(trial, start)
