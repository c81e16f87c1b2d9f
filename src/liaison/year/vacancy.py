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

from collections.abc import Sequence

from liaison.year.board import Board

__all__ = ["Vacancies", "next_open"]


class Vacancies:
    """For each pool of the board's slots (preferred, others) and each organisation's row, the
    positions in the pool whose slot's own half-day the organisation is busy in, each pointing to
    the next position (a disjoint-set forest, its paths shortened as they are followed). Nothing is
    ever freed during a plan, so a jump, once made, stays true."""

    __slots__ = ("_at", "_jumps")

    def __init__(self, board: Board) -> None:
        per_day = len(board.slot_times)
        where: dict[int, tuple[int, int]] = {}
        for pool_no, pool in enumerate((board.preferred, board.others)):
            for position, index in enumerate(pool):
                where[index] = (pool_no, position)
        # each half-day the board has slots in (``days since 1 January * 2 + half``, the board's key):
        # the pool and position of each slot that starts in it
        self._at: dict[int, tuple[tuple[int, int], ...]] = {}
        for day, ordinal in enumerate(board.ordinals):
            for half in (0, 1):
                self._at[ordinal * 2 + half] = tuple(where[day * per_day + s]
                                                    for s, t in enumerate(board.slot_times) if t.half == half)
        self._jumps: tuple[dict[int, dict[int, int]], ...] = ({}, {})

    def take(self, rows: Sequence[int], keys: Sequence[int]) -> None:
        """The rows (the board's row offsets) are busy in the half-days ``keys`` (as the board's
        ``take``): the slots starting in those half-days are passed over for them from now on (a
        half-day without a slot, a fixed engagement on a day off, has none to pass over)."""
        for key in keys:
            for pool_no, position in self._at.get(key, ()):
                by_row = self._jumps[pool_no]
                for row in rows:
                    jumps = by_row.get(row)
                    if jumps is None:
                        jumps = by_row[row] = {}
                    jumps[position] = position + 1

    def chains(self, pool_no: int, rows: Sequence[int]) -> list[dict[int, int]]:
        """The jumps of ``rows`` in pool ``pool_no`` (:meth:`next_open`'s first argument), those of
        rows busy nowhere in it left out."""
        by_row = self._jumps[pool_no]
        return [jumps for row in rows if (jumps := by_row.get(row))]


def next_open(chains: Sequence[dict[int, int]], position: int) -> int:
    """The first position from ``position`` on that none of ``chains`` (:meth:`Vacancies.chains`)
    passes over: where none of their rows is busy in the slot's own half-day (the slots passed over
    cannot take a task of those rows, whatever its length)."""
    moved = True
    while moved:
        moved = False
        for jumps in chains:
            if position in jumps:
                position = _follow(jumps, position)
                moved = True
    return position


def _follow(jumps: dict[int, int], position: int) -> int:
    """The first position from ``position`` on that ``jumps`` does not pass over, every position on
    the way pointed straight at it (so the next search there takes one step)."""
    last = position
    while last in jumps:
        last = jumps[last]
    while position != last:
        jumps[position], position = last, jumps[position]
    return last
