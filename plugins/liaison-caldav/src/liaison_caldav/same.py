"""Whether the event a server holds is the one we would send, as a calendar reads it.

A server does not keep our bytes: Radicale re-serialises every resource it stores (another property
order, its own line folding), others add or rewrite DTSTAMP, LAST-MODIFIED or CREATED, and the ETag
is theirs.  So after a lost answer (the server stored the event, the connection died before its
201 reached us) a byte comparison would call our own event a conflict for ever.  The comparison here
parses both sides and compares each VEVENT (with its VALARMs) as a set of properties — name,
parameters and value as iCalendar writes them — leaving out only what servers add or rewrite
(:data:`SERVER_PROPERTIES`).  SEQUENCE, the dates, SUMMARY, STATUS and every other property count:
an event someone edited on the server, or an older version of ours, is different.
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["SERVER_PROPERTIES", "same_event"]

#: Properties a server may add or rewrite when it stores an event (RFC 5545 §3.8.7; RFC 4791 §5.3.2
#: lets it change the data it stores). Not part of what we publish.
SERVER_PROPERTIES: Final = frozenset({"DTSTAMP", "LAST-MODIFIED", "CREATED"})

_Form = tuple[str, tuple[Any, ...], tuple[Any, ...]]


def _parameters(params: Any) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k).upper(), str(v)) for k, v in params.items()))


def _form(component: Any) -> _Form:
    """A component as an order-free value: its name, its properties (without the servers'), its
    subcomponents, each sorted."""
    properties: list[tuple[str, tuple[tuple[str, str], ...], bytes]] = []
    for name, value in component.property_items(recursive=False, sorted=False):
        upper = str(name).upper()
        if upper in ("BEGIN", "END") or upper in SERVER_PROPERTIES:
            continue
        params = getattr(value, "params", {})
        data = value.to_ical() if hasattr(value, "to_ical") else str(value).encode("utf-8")
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        properties.append((upper, _parameters(params), raw))
    children = tuple(sorted(_form(child) for child in component.subcomponents))
    return str(component.name).upper(), tuple(sorted(properties)), children


def _events(data: bytes) -> list[_Form] | None:
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(data)
        events = [c for c in calendar.walk("VEVENT")] if hasattr(calendar, "walk") else []
        return sorted(_form(event) for event in events)
    except Exception:  # icalendar raises several kinds for text that is not iCalendar: not our event
        return None


def same_event(ours: bytes, theirs: bytes | str) -> bool:
    """Whether ``theirs`` (what the server answered to a GET) holds the very events of ``ours`` (the
    calendar object resource we PUT), ignoring what servers add or rewrite and every difference of
    serialisation (property order, line folding, parameter quoting, CRLF or LF)."""
    mine = _events(ours)
    found = _events(theirs.encode("utf-8") if isinstance(theirs, str) else theirs)
    return mine is not None and found is not None and bool(mine) and mine == found

