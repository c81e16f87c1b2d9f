"""Revising a plan against the one before: an engagement equal to the one before it (a re-plan
makes new objects of unchanged engagements) keeps its sequence without its digest being made, and
the result is the one the published snapshot's digests give."""

from __future__ import annotations

import datetime as dt

import attrs

from liaison.formats.district import seed_district
from liaison.year.engagements import Plan, Status, revise, snapshot
from liaison.year.planner import plan_year


def test_revise_of_equal_copies_and_changes_agrees_with_the_digests_of_the_snapshot() -> None:
    previous = plan_year(seed_district(), 2027)
    first, second, third, *rest = previous.engagements
    copies = [attrs.evolve(e) for e in rest]  # equal, not the same objects: as a re-plan makes them
    assert all(c == e and c is not e for c, e in zip(copies, rest, strict=True))
    moved = first.with_changes(date=first.date + dt.timedelta(days=7))
    renoted = attrs.evolve(second, sequence=second.sequence + 3)  # its own sequence is higher: kept
    current = attrs.evolve(previous, engagements=(moved, renoted, *copies))  # ``third`` is gone
    revised = revise(previous, current)
    # the snapshot knows no gone engagement; of the others it gives the same
    kept = tuple(e for e in revised.engagements if e.id != third.id)
    assert kept == revise(snapshot(previous), current).engagements
    by_id = {e.id: e for e in revised.engagements}
    assert by_id[first.id].sequence == first.sequence + 1
    assert by_id[second.id].sequence == second.sequence + 3
    assert (by_id[third.id].status, by_id[third.id].sequence) == (Status.CANCELLED, third.sequence + 1)
    assert all(by_id[e.id] is c for e, c in zip(rest, copies, strict=True))
    assert isinstance(revised, Plan)
