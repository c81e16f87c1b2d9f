"""The indented JSON writer (:func:`liaison.formats.writer.indented_json`) writes what
``json.dumps(..., ensure_ascii=False, indent=…)`` writes, character for character: the year's state
and the letters' list are written with it, and their bytes must not change with the writer."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.formats.district import seed_district
from liaison.formats.writer import _default, document, indented_json, to_json
from liaison.year.planner import plan_year
from liaison.year.state import YearState

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
_KEYS = st.text(max_size=6) | st.integers(-5, 5) | st.sampled_from([True, False, None, 1.5, math.inf])
_TREES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(value=_TREES, indent=st.sampled_from([0, 1, 2, 4]), sort_keys=st.booleans())
def test_the_same_text_as_json_dumps(value: Any, indent: int, sort_keys: bool) -> None:
    assert indented_json(value, indent=indent, sort_keys=sort_keys) == \
        json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sort_keys)


@given(keys=st.lists(_KEYS, max_size=5, unique_by=lambda k: json.dumps(k) if not isinstance(k, str) else "s" + k))
def test_keys_as_json_writes_them(keys: list[Any]) -> None:
    value = {key: n for n, key in enumerate(keys)}
    assert indented_json(value, indent=2) == json.dumps(value, ensure_ascii=False, indent=2)


def test_subclasses_and_default_as_json_takes_them() -> None:
    class Text(str):
        pass

    class Number(int):
        pass

    value = {"a": [Text("x"), Number(3), (1, 2), {"b": {1, 2}}], Text("k"): 1}
    fallback = sorted  # a set written as its sorted list
    assert indented_json(value, indent=2, default=fallback) == \
        json.dumps(value, ensure_ascii=False, indent=2, default=fallback)


def test_unwritable_values_refused_as_json_refuses_them() -> None:
    for bad in ({"a": {1, 2}}, {(1, 2): 3}):
        try:
            json.dumps(bad, indent=2)
        except TypeError:
            pass
        else:  # pragma: no cover - the library's own behaviour
            raise AssertionError("json wrote it")
        try:
            indented_json(bad, indent=2)
        except TypeError:
            continue
        raise AssertionError(f"{bad!r} was written")


def test_the_years_state_as_before() -> None:
    district = seed_district()
    state = YearState.of(plan_year(district, 2027))
    assert to_json(state) == json.dumps(document(state), ensure_ascii=False, indent=2, default=_default) + "\n"
