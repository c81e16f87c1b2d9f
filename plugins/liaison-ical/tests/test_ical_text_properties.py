"""Property tests: any representable text round-trips through icalendar unchanged (line breaks
normalised to LF); any text with a forbidden control character is refused naming the field."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ical_engines import norm_text, read_ical, read_icalendar
from ical_samples import make_event, make_spec

from liaison.base.errors import ExportError
from liaison_ical import serialise

FORBIDDEN = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0),
                              0xFEFF]))
ALLOWED = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters=FORBIDDEN)
HOSTILE = st.sampled_from(["\r\n", "\n", "\r", ",", ";", "\\", "\\N", "\\n", "\\,", ":", '"', "^", "'",
                           "BEGIN:VEVENT", "END:VEVENT", "\r\nBEGIN:VALARM\r\n", "\t", " ", "  ",
                           "区委统战部", "😀", "\u200b", "\u2060", "\u2028"])
TEXT = st.lists(st.one_of(ALLOWED.map(str), HOSTILE), max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(summary=TEXT, description=TEXT, location=TEXT, categories=st.lists(TEXT.filter(bool), max_size=5))
def test_text_round_trips_through_icalendar(summary: str, description: str, location: str,
                                            categories: list[str]) -> None:
    spec = make_spec(make_event(summary=summary, description=description, location=location,
                                categories=tuple(categories)))
    data = serialise(spec)
    _, records = read_icalendar(data)
    assert len(records) == 1
    (record,) = records
    assert record["summary"] == norm_text(summary)
    assert record["description"] == norm_text(description)
    assert record["location"] == norm_text(location)
    assert record["categories"] == [norm_text(c) for c in categories]
    # the strict `ical` package reads the same text (categories: see test_ical_engines)
    _, (strict,) = read_ical(data)
    assert (strict["summary"], strict["description"], strict["location"]) == (
        norm_text(summary), norm_text(description), norm_text(location))


@settings(max_examples=200, deadline=None)
@given(prefix=TEXT, bad=st.sampled_from(FORBIDDEN + "\ud800\udfff"), suffix=TEXT,
       field=st.sampled_from(["summary", "description", "location"]))
def test_forbidden_control_characters_are_refused(prefix: str, bad: str, suffix: str, field: str) -> None:
    with pytest.raises(ExportError) as info:
        serialise(make_spec(make_event(**{field: prefix + bad + suffix})))
    assert info.value.path == f"events[0].{field}"
    assert f"U+{ord(bad):04X}" in info.value.message


@settings(max_examples=100, deadline=None)
@given(summary=TEXT)
def test_every_physical_line_is_at_most_75_octets(summary: str) -> None:
    data = serialise(make_spec(make_event(summary=summary * 3, description=summary)))
    for line in data.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")
