"""Text quoted from the ledger ends as a sentence before the letter goes on (#24): whatever the clerk
typed at its end — nothing, a comma, an ASCII stop, a closing quote — the letter prints it ending in
one full-width stop, and the words before it unchanged."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison_docx.letters.wording import full_sentence

ENDS = "。！？…"
CLOSERS = "”’」』）)》\"'"
TAILS = "，、；：,;:.!?。！？… \u3000"

words = st.text(alphabet=st.sampled_from("已研究部分采纳OK好ab1“（《"), min_size=1, max_size=12)
endings = st.text(alphabet=st.sampled_from(TAILS + CLOSERS), max_size=4)


def stop_of(text: str) -> str:
    """The text's last character but its closing quotes and brackets."""
    return text.rstrip(CLOSERS)[-1:]


@given(core=words, tail=endings)
def test_it_ends_in_one_full_width_stop_and_keeps_the_words(core: str, tail: str) -> None:
    said = full_sentence(core + tail)
    assert said == full_sentence(said)  # a sentence already ended is left alone
    assert said.startswith(core.rstrip())
    assert stop_of(said) in ENDS or said.endswith("。")
    assert not any(c in said[len(core):] for c in "!?,;:") and ".." not in said
    bare = said.rstrip(CLOSERS).rstrip(ENDS)
    assert bare and bare[-1] not in "，、；：,;:. \u3000"  # no comma or space left before the stop
    assert said.count("。", len(core)) <= 1


@pytest.mark.parametrize(("typed", "printed"), [
    ("采纳", "采纳。"),
    ("“采纳”", "“采纳”。"),
    ("“采纳，”", "“采纳”。"),
    ("OK!", "OK！"),
    ("OK?!", "OK？！"),
    ("来信称\"好。\"", "来信称\"好。\""),
    ("等等...", "等等……"),
    ("采纳 ，", "采纳。"),
])
def test_the_cases_a_clerk_types(typed: str, printed: str) -> None:
    assert full_sentence(typed) == printed
