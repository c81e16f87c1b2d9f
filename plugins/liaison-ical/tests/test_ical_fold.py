"""Our line folding (on the encoded bytes) against icalendar's own, and a whole calendar against
icalendar's own serialisation of the same components: the bytes must not change."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from ical_samples import make_event, make_spec, varied_spec
from icalendar.parser.string import _foldline

from liaison_ical import serialise
from liaison_ical.serialiser import _build_event, _calendar_head, _fold, _to_ical, _whole_head

# Characters of every UTF-8 length, and the two icalendar will not leave at a line's end.
PIECES = st.sampled_from(["a", "\\", "^", "é", "区", "😀", " ", ";", "\\\\", "^^", "委统战部"])
LINE = st.lists(st.one_of(PIECES, st.characters(codec="utf-8", exclude_categories=("Cs",),
                                                 exclude_characters="\r\n")),
                max_size=400).map("".join)


@settings(max_examples=2000, deadline=None)
@given(line=LINE)
@example(line="a" * 74)
@example(line="a" * 75)
@example(line="a" * 73 + "区")
@example(line="a" * 73 + "\\" + "b" * 10)
@example(line="a" * 73 + "^" + "b" * 80)
@example(line="区" * 24 + "\\" + "😀" * 30)
def test_fold_equals_icalendars(line: str) -> None:
    assert _fold(line.encode("utf-8")) == _foldline(line).encode("utf-8")


@settings(max_examples=150, deadline=None)
@given(text=st.lists(PIECES, max_size=200).map("".join))
def test_event_bytes_equal_icalendars(text: str) -> None:
    spec = make_spec(make_event(summary=text, description=text * 2, location=text))
    _, dtstamp = _calendar_head(spec)
    event = _build_event(spec.events[0], dtstamp, ())
    assert _to_ical(event) == event.to_ical()
    assert _to_ical(event) in serialise(spec)


def test_every_feature_equals_icalendars() -> None:
    """Statuses, all-day events, alarms, categories, parameters (TZID, VALUE=DATE), a head with its
    VTIMEZONE: each component's bytes as icalendar writes them."""
    spec = varied_spec()
    _, dtstamp = _calendar_head(spec)
    for n, event in enumerate(spec.events):
        built = _build_event(event, dtstamp, ("events", n))
        assert _to_ical(built) == built.to_ical()
    from icalendar import Calendar

    calendar = Calendar.from_ical(_whole_head(spec.prodid, spec.name) + b"END:VCALENDAR\r\n")
    assert _to_ical(calendar) == calendar.to_ical()
