"""Dated events the user knows of (plenary meetings, symposia, major events, inspections)."""

from __future__ import annotations

import os

import attrs

from liaison.district import District
from liaison.errors import DataError, LiaisonError
from liaison.model import EngagementKind
from liaison.plan import PlannedEvent

#: The dated events §1.2, §1.3, §1.4 and §3.5 attach invitations to; meetings and visits are planned.
EVENT_KINDS = frozenset({EngagementKind.PLENARY_MEETING, EngagementKind.IMPORTANT_MEETING, EngagementKind.SYMPOSIUM,
                         EngagementKind.PROFESSIONAL_MEETING, EngagementKind.MAJOR_EVENT, EngagementKind.INSPECTION})


@attrs.frozen
class EventsDocument:
    events: tuple[PlannedEvent, ...] = ()


def parse_events(text: str | bytes, district: District, *, file: str | None = None) -> tuple[PlannedEvent, ...]:
    from liaison.convert import structure
    from liaison.loader import read_toml

    doc = structure(read_toml(text, file=file), EventsDocument, file=file)
    out = []
    for i, event in enumerate(doc.events):
        if event.kind not in EVENT_KINDS:
            raise DataError(f"{event.kind.value} is planned by liaison itself, not given as an event", file=file,
                            path=f"$.events[{i}].kind", fix="use one of " + ", ".join(k.value for k in EVENT_KINDS))
        host = event.host
        if host is not None:
            try:
                host = district.organisation(host).id
            except LiaisonError as exc:
                raise DataError(exc.message, file=file, path=f"$.events[{i}].host", fix=exc.fix) from None
        if host is None and event.kind == EngagementKind.PROFESSIONAL_MEETING:
            raise DataError("a professional meeting is held by a department: say which", file=file,
                            path=f"$.events[{i}].host", fix="add host = \"<department id or name>\"")
        if host is not None:
            try:
                district.invitees(event.kind, event.date, host)
            except LiaisonError as exc:
                raise DataError(exc.message, file=file, path=f"$.events[{i}].host", fix=exc.fix) from None
        if event.start and event.end and event.end <= event.start:
            raise DataError("the event ends before it starts", file=file, path=f"$.events[{i}].end")
        out.append(attrs.evolve(event, host=host))
    return tuple(out)


def load_events(path: str | os.PathLike[str], district: District) -> tuple[PlannedEvent, ...]:
    from liaison.loader import read_file

    name = os.fspath(path)
    return parse_events(read_file(name), district, file=name)
