"""The timeline's geometry: one SVG, a label column, then the year left to right (one column per
day), days off and breaks as bands behind the rows, a mark where a body takes part. Coordinates are
worked out here and written with one decimal, so the SVG is the same on every run."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from liaison_html.bodies import BodyRow
from liaison_html.days import DayKind, DayView
from liaison_html.marks import Mark
from liaison_html.texts import Bi, month_name

LABEL = 250.0  # the label column, in SVG units
DAY_WIDTH = 2.6
ROW = 16.0
HEADER = 16.0
STAGGER = 3.0  # marks of one body on one day sit above and below the row's middle


@attrs.frozen
class Placed:
    mark: Mark
    x: str
    y: str


@attrs.frozen
class Row:
    body: BodyRow
    y: str  # top of the row
    middle: str
    label_y: str
    placed: tuple[Placed, ...]
    stripe: bool


@attrs.frozen
class Band:
    x: str
    kind: str


@attrs.frozen
class Tick:
    x: str
    label_x: str
    name: Bi


@attrs.frozen(kw_only=True)
class TimelineView:
    width: str
    height: str
    label: str
    day_width: str
    row_height: str
    body_height: str
    header: str
    ticks: tuple[Tick, ...]
    bands: tuple[Band, ...]
    rows: tuple[Row, ...]


def _n(value: float) -> str:
    return f"{value:.1f}"


def _x(day_of_year: int) -> float:
    return LABEL + (day_of_year - 1) * DAY_WIDTH


def timeline(days: Sequence[DayView], bodies: Sequence[BodyRow]) -> TimelineView:
    day_index = {d.date: i + 1 for i, d in enumerate(days)}
    ticks = tuple(Tick(_n(_x(day_index[d.date])), _n(_x(day_index[d.date]) + 3), month_name(d.date.month))
                  for d in days if d.date.day == 1)
    bands = tuple(Band(_n(_x(i + 1)), d.kind.value) for i, d in enumerate(days) if d.kind != DayKind.WORKDAY)
    rows = []
    for n, body in enumerate(bodies):
        top = HEADER + n * ROW
        middle = top + ROW / 2
        seen: dict[int, int] = {}
        placed = []
        for mark in body.marks:
            doy = day_index[mark.date]
            k = seen.get(doy, 0)
            seen[doy] = k + 1
            offset = 0.0 if k == 0 else (STAGGER if k % 2 else -STAGGER) * ((k + 1) // 2)
            placed.append(Placed(mark, _n(_x(doy) + DAY_WIDTH / 2), _n(middle + offset)))
        rows.append(Row(body, _n(top), _n(middle), _n(middle + 3.5), tuple(placed), n % 2 == 1))
    height = HEADER + len(bodies) * ROW
    return TimelineView(width=_n(LABEL + len(days) * DAY_WIDTH), height=_n(height), label=_n(LABEL),
                        day_width=_n(DAY_WIDTH), row_height=_n(ROW),
                        body_height=_n(len(bodies) * ROW), header=_n(HEADER), ticks=ticks, bands=bands,
                        rows=tuple(rows))
