"""What counts as "the same event" when a server's copy is compared with what we would send
(liaison_caldav.same.same_event): every serialisation a server may choose and the properties it adds
or rewrites are left aside; any other difference is a different event (a conflict, never adopted)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.law.district import District
from liaison.year.planner import plan_year
from liaison_caldav.same import SERVER_PROPERTIES, same_event
from liaison_ical import EventResource, calendar_resources

_RESOURCES: list[EventResource] = []


@pytest.fixture(autouse=True)
def _resources(seed: District) -> None:
    if not _RESOURCES:
        for calendar in calendar_resources(seed, plan_year(seed, 2027), {"alarm_minutes": 30}).calendars[:2]:
            _RESOURCES.extend(calendar.resources)


def unfolded(data: bytes) -> list[str]:
    return re.sub(r"\r?\n[ \t]", "", data.decode("utf-8")).splitlines()


def serialised(lines: list[str], width: int, newline: str) -> bytes:
    """The lines folded at ``width`` characters (RFC 5545 §3.1 allows any point), joined by ``newline``."""
    out: list[str] = []
    for line in lines:
        parts = [line[i:i + width] for i in range(0, len(line), width)] or [""]
        out.append(parts[0] + "".join(newline + " " + p for p in parts[1:]))
    return (newline.join(out) + newline).encode("utf-8")


def event_span(lines: list[str]) -> tuple[int, int]:
    start = lines.index("BEGIN:VEVENT") + 1
    return start, lines.index("END:VEVENT")


def simple_properties(lines: list[str]) -> list[int]:
    """Indices of the VEVENT's own property lines (not its VALARM's)."""
    start, end = event_span(lines)
    found, depth = [], 0
    for i in range(start, end):
        if lines[i].startswith("BEGIN:"):
            depth += 1
        elif lines[i].startswith("END:"):
            depth -= 1
        elif depth == 0:
            found.append(i)
    return found


@settings(max_examples=60, deadline=None)
@given(st.data(), st.integers(20, 75), st.sampled_from(["\r\n", "\n"]))
def test_what_a_server_may_change_leaves_the_event_the_same(data: st.DataObject, width: int,
                                                            newline: str) -> None:
    resource = data.draw(st.sampled_from(_RESOURCES))
    lines = unfolded(resource.data)
    own = simple_properties(lines)
    order = data.draw(st.permutations(own))
    moved = list(lines)
    for place, source in zip(own, order, strict=True):
        moved[place] = lines[source]
    _, end = event_span(moved)
    stamp = data.draw(st.sampled_from(["20990101T000000Z", "20270101T000000Z"]))
    moved = [f"DTSTAMP:{stamp}" if line.startswith("DTSTAMP:") else line for line in moved]
    moved[end:end] = [f"{name}:20260304T050607Z" for name in sorted(SERVER_PROPERTIES - {"DTSTAMP"})]
    assert same_event(resource.data, serialised(moved, width, newline))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_other_difference_is_another_event(data: st.DataObject) -> None:
    resource = data.draw(st.sampled_from(_RESOURCES))
    lines = unfolded(resource.data)
    candidates = [i for i in simple_properties(lines) if lines[i].split(":", 1)[0].split(";")[0]
                  not in SERVER_PROPERTIES]
    index = data.draw(st.sampled_from(candidates))
    name, _, value = lines[index].partition(":")
    changed = list(lines)
    if name.startswith(("DTSTART", "DTEND")):
        changed[index] = f"{name}:{value[:-6]}{(int(value[-6:-4]) + 1) % 24:02d}{value[-4:]}"
    elif name == "SEQUENCE":
        changed[index] = f"SEQUENCE:{int(value) + 1}"
    else:
        changed[index] = f"{name}:{value}（改）" if value else f"{name}:x"
    assert not same_event(resource.data, serialised(changed, 75, "\r\n"))
    dropped = [line for i, line in enumerate(lines) if i != index]
    assert not same_event(resource.data, serialised(dropped, 75, "\r\n"))


def test_an_alarm_counts_and_so_does_a_second_event(seed: District) -> None:
    resource = _RESOURCES[0]
    lines = unfolded(resource.data)
    start, end = lines.index("BEGIN:VALARM"), lines.index("END:VALARM")
    assert not same_event(resource.data, serialised(lines[:start] + lines[end + 1:], 75, "\r\n"))
    other = unfolded(_RESOURCES[1].data)
    both = lines[:lines.index("END:VEVENT") + 1] + other[other.index("BEGIN:VEVENT"):]
    assert not same_event(resource.data, serialised(both, 75, "\r\n"))


@pytest.mark.parametrize("theirs", [b"", b"hello", b"<html>404</html>",
                                    b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"])
def test_what_is_no_event_is_not_ours(theirs: bytes) -> None:
    assert not same_event(_RESOURCES[0].data, theirs)
