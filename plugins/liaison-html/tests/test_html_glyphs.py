"""A mark's glyph written by ``pages.glyphs`` in Python, byte for byte what the two Jinja macros it
replaced wrote (the macros kept here as the reference), for any status, ring, kind and position."""

from __future__ import annotations

from types import SimpleNamespace

import jinja2
from hypothesis import given
from hypothesis import strategies as st

from liaison_html import pages

MACROS = """{% macro glyph(m, x=None, y=None) -%}
{% if x is none %}
<use href="#g-{{ m.status.value }}"/>{% if m.provisional %}<use href="#g-provisional"/>{% endif %}
{% else %}
<use href="#g-{{ m.status.value }}" x="{{ x }}" y="{{ y }}"/>{% if m.provisional %}<use href="#g-provisional" x="{{ x }}" y="{{ y }}"/>{% endif %}
{% endif %}
{%- endmacro %}

{% macro shape(status, provisional=False, kind=None) -%}
<svg class="glyph{% if kind is not none %} k{{ kind }}{% endif %}" viewBox="-6 -6 12 12" aria-hidden="true"><use href="#g-{{ status }}"/>{% if provisional %}<use href="#g-provisional"/>{% endif %}</svg>
{%- endmacro %}
"""  # noqa: E501 - the macros as they were written, one line each
REFERENCE = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True).from_string(MACROS).module
WORDS = st.one_of(st.sampled_from(["agreed", "proposed", "held", "cancelled"]), st.text(max_size=8),
                  st.integers(0, 12))
NUMBERS = st.one_of(st.integers(-50, 5000), st.floats(-50, 5000, allow_nan=False))


@given(status=WORDS, provisional=st.booleans(), kind=st.one_of(st.none(), WORDS))
def test_shape_as_the_macro_wrote_it(status: object, provisional: bool, kind: object) -> None:
    shape = pages.environment().globals["shape"]
    assert str(shape(status, provisional, kind)) == str(REFERENCE.shape(status, provisional, kind))
    assert str(shape(status)) == str(REFERENCE.shape(status))


@given(status=WORDS, provisional=st.booleans(), x=NUMBERS, y=NUMBERS)
def test_glyph_as_the_macro_wrote_it(status: object, provisional: bool, x: float, y: float) -> None:
    glyph = pages.environment().globals["glyph"]
    m = SimpleNamespace(status=SimpleNamespace(value=status), provisional=provisional)
    assert str(glyph(m)) == str(REFERENCE.glyph(m))
    assert str(glyph(m, x, y)) == str(REFERENCE.glyph(m, x, y))
