"""Dated events the user knows of (plenary meetings, symposia, major events, inspections)."""

from __future__ import annotations

import os

import attrs

from liaison.district import District
from liaison.errors import DataError, LiaisonError
from liaison.plan import PlannedEvent


@attrs.frozen
class EventsDocument:
    events: tuple[PlannedEvent, ...] = ()


def parse_events(text: str | bytes, district: District, *, file: str | None = None) -> tuple[PlannedEvent, ...]:
    from liaison.convert import structure
    from liaison.loader import read_toml

    doc = structure(read_toml(text, file=file), EventsDocument, file=file)
    out = []
    for i, event in enumerate(doc.events):
        host = event.host
        if host is not None:
            try:
                host = district.organisation(host).id
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
