"""Bad input fails with an ExportError (liaison.base.errors) naming the field, never with a dependency's
traceback."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from ical_samples import DTSTAMP, make_event, make_spec

from liaison.base.errors import ExportError, LiaisonError
from liaison_ical import CalendarSpec, serialise

CONTROL = ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800", "\ufeff"]


@pytest.mark.parametrize("char", CONTROL)
@pytest.mark.parametrize("field", ["summary", "description", "location"])
def test_control_characters_in_text_are_rejected(field: str, char: str) -> None:
    with pytest.raises(ExportError) as info:
        serialise(make_spec(make_event(0), make_event(1, **{field: f"ok{char}ok"})))
    assert info.value.path == f"events[1].{field}"
    assert f"U+{ord(char):04X}" in str(info.value)
    assert "position 2" in str(info.value)


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\t", "\n"])
def test_control_characters_in_single_line_fields_are_rejected(char: str) -> None:
    with pytest.raises(ExportError) as info:
        serialise(make_spec(make_event(uid=f"a{char}b")))
    assert info.value.path == "events[0].uid"
    with pytest.raises(ExportError) as info:
        serialise(make_spec(make_event(), name=f"日程{char}"))
    assert info.value.path == "name"


def test_control_character_in_a_category_names_its_index() -> None:
    with pytest.raises(ExportError) as info:
        serialise(make_spec(make_event(categories=("ok", "bad\x1b"))))
    assert info.value.path == "events[0].categories[1]"


def test_tabs_and_line_breaks_are_allowed_in_text() -> None:
    serialise(make_spec(make_event(summary="a\tb\r\nc\rd\ne", description="\t", location="x\ny")))


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"status": "MAYBE"}, "events[0].status"),
        ({"sequence": -1}, "events[0].sequence"),
        ({"sequence": True}, "events[0].sequence"),
        ({"alarm_minutes": -5}, "events[0].alarm_minutes"),
        ({"uid": ""}, "events[0].uid"),
        ({"uid": 12}, "events[0].uid"),
        ({"summary": None}, "events[0].summary"),
        ({"categories": ["a"]}, "events[0].categories"),
        ({"categories": ("a", "")}, "events[0].categories[1]"),
        ({"start": datetime.datetime(2025, 3, 3, 11), "end": datetime.datetime(2025, 3, 3, 11)}, "events[0]"),
        ({"start": datetime.date(2025, 3, 3), "end": datetime.date(2025, 3, 3)}, "events[0]"),
        ({"start": datetime.date(2025, 3, 3), "end": datetime.datetime(2025, 3, 4)}, "events[0]"),
        ({"start": datetime.datetime(1991, 7, 1, 9), "end": datetime.datetime(1991, 7, 1, 10)}, "events[0]"),
        ({"start": datetime.datetime(2025, 3, 3, 9, tzinfo=datetime.UTC),
          "end": datetime.datetime(2025, 3, 3, 10, tzinfo=datetime.UTC)}, "events[0]"),
    ],
)
def test_bad_event_fields(overrides: dict[str, Any], path: str) -> None:
    with pytest.raises(ExportError) as info:
        serialise(make_spec(make_event(**overrides)))
    assert info.value.path == path
    assert isinstance(info.value, LiaisonError)


def test_all_day_events_before_1992_are_fine() -> None:
    serialise(make_spec(make_event(start=datetime.date(1949, 10, 1), end=datetime.date(1949, 10, 2))))


def test_duplicate_uid_is_rejected() -> None:
    first = make_event(0)
    with pytest.raises(ExportError) as info:
        serialise(make_spec(first, make_event(1), make_event(2, uid=first.uid)))
    assert info.value.path == "events[2].uid"
    assert "events[0]" in str(info.value)


def test_naive_dtstamp_is_rejected() -> None:
    spec = CalendarSpec(name="n", events=(), dtstamp=datetime.datetime(2025, 1, 1), prodid="-//x//y//ZH")
    with pytest.raises(ExportError) as info:
        serialise(spec)
    assert info.value.path == "dtstamp"


@pytest.mark.parametrize(("name", "prodid", "path"), [("", "-//x//y//ZH", "name"), ("n", " ", "prodid")])
def test_empty_name_or_prodid(name: str, prodid: str, path: str) -> None:
    with pytest.raises(ExportError) as info:
        serialise(CalendarSpec(name=name, events=(), dtstamp=DTSTAMP, prodid=prodid))
    assert info.value.path == path


def test_not_a_spec() -> None:
    with pytest.raises(ExportError):
        serialise("BEGIN:VCALENDAR")  # type: ignore[arg-type]


@pytest.mark.parametrize("extra", [(("LIAISON-ENGAGEMENT", "x"),), (("x-liaison", "x"),),
                                   (("X-A", "1"), ("X-A", "2")), (("X-A",),), [("X-A", "1")]])
def test_extra_properties_need_new_capitalised_x_names(extra: Any) -> None:
    with pytest.raises(ExportError) as info:
        serialise(make_spec(make_event(0, extra=extra)))
    assert info.value.path is not None and info.value.path.startswith("events[0].extra")


def test_an_extra_property_is_written_once_and_escaped() -> None:
    data = serialise(make_spec(make_event(0, extra=(("X-LIAISON-ENGAGEMENT", "2027/a,b\nc"),))))
    assert b"\r\nX-LIAISON-ENGAGEMENT:2027/a\\,b\\nc\r\n" in data
