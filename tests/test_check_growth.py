"""A check grows linearly in a department's pairings (issue #23's review): counted in records
visited, not timed. The shape is the scale benchmark's ``--shape counterparts`` — the party branches
and the ICF replicated k times, each copy paired with the departments its original is — so the
seed's departments have up to 8·k pairings each; a checker that looked at all of a department's
engagements once per pairing (the index by department alone) visited k² of them."""

from __future__ import annotations

from typing import Any

import pytest
from builders import bench_scale

from liaison.law.compliance import check
from liaison.law.duties import Obligation
from liaison.law.records import Records
from liaison.year.planner import plan_year


def visited(k: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(records an obligation was asked whether it counts, findings) in a check of the counterparts
    shape of size ``k``, its year planned and taken as held."""
    district = bench_scale().replicated(k, shape="counterparts")
    assert len(district.pairings) == 33 * k
    records = Records.from_plan(plan_year(district, 2027))
    asked = 0
    counts = Obligation.counts

    def counting(self: Obligation, *args: Any) -> bool:
        nonlocal asked
        asked += 1
        return counts(self, *args)

    with monkeypatch.context() as patched:
        patched.setattr(Obligation, "counts", counting)
        report = check(district, records, 2027)
    return asked, len(report.findings)


def test_a_check_visits_records_linearly_in_a_departments_pairings(monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = 2, 8
    asked_small, found_small = visited(small, monkeypatch)
    asked_large, found_large = visited(large, monkeypatch)
    assert asked_small and found_large > found_small  # the check ran and grew with the district
    # linear: 4× the pairings, at most 4× the records visited and a margin (3.4× now: 81 to 279); by
    # the index by department alone it was 15.6× (635 to 9,935)
    assert asked_large <= 1.25 * (large / small) * asked_small, (asked_small, asked_large)
