"""A key given twice in a JSON document (a state file) is found, at the first place a walk breadth
first meets it, by the fast walk too: a document without one is answered by a walk that builds no
path (a year's state holds tens of thousands of values), one with one by the walk that locates it."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from liaison.formats import syntax

KEYS = st.sampled_from(["a", "b", "x y", "日期"])


def _text(value: Any) -> str:
    """JSON text of ``value``, where a list of pairs is an object written pair by pair (so a key may repeat)."""
    if isinstance(value, tuple):
        return "{" + ",".join(f"{json.dumps(k)}:{_text(v)}" for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_text(v) for v in value) + "]"
    return json.dumps(value)


DOCUMENTS = st.recursive(st.integers(0, 9) | st.text(max_size=3),
                         lambda inner: st.lists(inner, max_size=4).map(list)
                         | st.lists(st.tuples(KEYS, inner), max_size=4).map(tuple), max_leaves=30)


def _first_repeated(value: Any) -> tuple[tuple[Any, ...], str] | None:
    """Breadth first, every value with its path: what the error names."""
    queue: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    for where, item in queue:
        if isinstance(item, syntax._Object):
            if item.repeated is not None:
                return (*where, item.repeated), item.repeated
            queue.extend(((*where, k), v) for k, v in item.items())
        elif isinstance(item, list):
            queue.extend(((*where, i), v) for i, v in enumerate(item))
    return None


@given(DOCUMENTS)
def test_the_first_key_given_twice_is_found_where_a_breadth_first_walk_meets_it(document: Any) -> None:
    parsed = syntax._parse(_text(document), "json")
    assert syntax._repeated(parsed) == _first_repeated(parsed)


def test_a_key_given_twice_deep_in_a_long_list_is_found() -> None:
    items = ",".join('{"x": 1}' for _ in range(2000))
    parsed = syntax._parse(f'{{"a": [{items}, {{"b": 1, "b": 2}}]}}', "json")
    assert syntax._repeated(parsed) == (("a", 2000, "b"), "b")
