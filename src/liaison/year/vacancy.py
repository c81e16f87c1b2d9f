"""Where an organisation is busy, as jumps over the board's slots, so that the planner's search for
a free half-day passes over a fully booked organisation's year in a few steps instead of one slot at
a time.

Without it, a calendar with more engagements than slots (a party branch paired with a hundred
departments, issue #23) made every further task of that organisation try each of the year's
slots before giving up, twice (with the spacing, then without): the plan grew with the square of
the engagements. A slot where any participant is already busy in the slot's own half-day cannot
take the task whatever its length (a slot's own half is among the half-days every task there
takes), so passing over it changes no placement: the search meets the same slots in the same
order, minus those it would have refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from liaison.year.board import Board

__all__ = ["Vacancies"]


class Vacancies:
    """For each pool of the board's slots (preferred, others) and each organisation's row, the
    positions in the pool whose slot's own half-day the organisation is busy in, each pointing to
    the next position (a disjoint-set forest, its paths shortened as they are followed). Nothing is
    ever freed during a plan, so a jump, once made, stays true."""

    __slots__ = ("_day_of", "_halves", "_jumps", "_per_day", "_where")

    def __init__(self, board: Board) -> None:
        self._per_day = len(board.slot_times)
        self._day_of = {ordinal: i for i, ordinal in enumerate(board.ordinals)}
        self._halves = tuple(tuple(s for s, t in enumerate(board.slot_times) if t.half == half) for half in (0, 1))
        self._where: dict[int, tuple[int, int]] = {}
        for pool_no, pool in enumerate((board.preferred, board.others)):
            for position, index in enumerate(pool):
                self._where[index] = (pool_no, position)
        self._jumps: tuple[dict[int, dict[int, int]], ...] = ({}, {})

    def take(self, rows: Sequence[int], keys: Sequence[int]) -> None:
        """The rows (the board's row offsets) are busy in the half-days ``keys`` (as the board's
        ``take``): the slots of those half-days are passed over for them from now on."""
        for key in keys:
            day = self._day_of.get(key >> 1)
            if day is None:  # a day the board has no slot on (a fixed engagement on a day off)
                continue
            for slot in self._halves[key & 1]:
                pool_no, position = self._where[day * self._per_day + slot]
                jumps = self._jumps[pool_no]
                for row in rows:
                    jumps.setdefault(row, {})[position] = position + 1

    def open_positions(self, pool_no: int, rows: Sequence[int], start: int, end: int) -> Iterator[int]:
        """The positions of pool ``pool_no`` from ``start`` to ``end`` (exclusive), in order, where
        none of ``rows`` is busy in the slot's own half-day; the others cannot take a task of theirs."""
        by_row = self._jumps[pool_no]
        chains = [jumps for row in rows if (jumps := by_row.get(row))]
        position = start
        while position < end:
            moved = True
            while moved:
                moved = False
                for jumps in chains:
                    if position in jumps:
                        position = _follow(jumps, position)
                        moved = True
            if position >= end:
                return
            yield position
            position += 1


def _follow(jumps: dict[int, int], position: int) -> int:
    """The first position from ``position`` on that ``jumps`` does not pass over, every position on
    the way pointed straight at it (so the next search there takes one step)."""
    last = position
    while last in jumps:
        last = jumps[last]
    while position != last:
        jumps[position], position = last, jumps[position]
    return last
