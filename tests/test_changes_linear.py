"""A batch of changes costs changes + engagements, not changes × engagements (issue #23's review):
``Plan.get`` looks an id up in an index made once per plan, and ``apply_changes`` makes each change
on the one engagement it names and orders the plan once. The same plan as the changes made one by
one on the whole plan (hypothesis), counted in engagements visited, not timed."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
from builders import Counted, bench_scale
from hypothesis import given, settings
from hypothesis import strategies as st

import liaison.year.reconcile as reconcile
from liaison.base.errors import LiaisonError
from liaison.formats.district import seed_district
from liaison.year.engagements import Plan
from liaison.year.planner import plan_year
from liaison.year.reconcile import Change, apply_changes

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2027
ACTIONS = ("confirm", "move", "cancel", "held")


def seed_plan() -> Plan:
    return plan_year(seed_district(), YEAR)


def one_by_one(plan: Plan, changes: list[Change], force: bool, as_of: dt.date) -> Plan:
    """Each change on the whole plan by its method, in turn: what a batch must equal — a move onto a
    day before ``as_of`` refused unless forced or the same changes mark the engagement held (it took
    place on that day: :func:`apply_changes`)."""
    held = {c.engagement for c in changes if c.action == "held"}
    for c in changes:
        if c.action == "confirm":
            plan = plan.confirm(c.engagement, force=force)
        elif c.action == "move":
            assert c.date is not None
            plan = plan.move(c.engagement, c.date, c.start, force=force,
                             as_of=None if c.engagement in held else as_of)
        elif c.action == "cancel":
            plan = plan.cancel(c.engagement, force=force)
        else:
            plan = plan.mark_held(c.engagement, force=force, as_of=as_of)
    return plan


@settings(max_examples=60, deadline=None)
@given(data=st.data(), force=st.booleans())
def test_a_batch_is_the_changes_made_one_by_one(data: st.DataObject, force: bool) -> None:
    plan = seed_plan()
    ids = [e.id for e in plan.engagements] + ["2027/joint_meeting/nowhere"]
    changes = data.draw(st.lists(st.builds(
        lambda action, engagement, day, start: Change(action, engagement, day if action == "move" else None,
                                                      start if action == "move" else None),
        st.sampled_from(ACTIONS), st.sampled_from(ids), st.dates(dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 2)),
        st.sampled_from([None, dt.time(9, 0), dt.time(23, 30)])), max_size=8))
    as_of = data.draw(st.dates(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)))
    try:
        expected: Plan | type[LiaisonError] = one_by_one(plan, changes, force, as_of)
    except LiaisonError as error:
        expected = type(error)
    try:
        got: Plan | type[LiaisonError] = apply_changes(plan, changes, force=force, as_of=as_of)
    except LiaisonError as error:
        got = type(error)
    assert got == expected


def test_get_looks_up_every_id_with_one_pass_over_the_plan() -> None:
    plan = seed_plan()
    counted = attrs.evolve(plan, engagements=Counted(plan.engagements))
    Counted.seen = 0
    assert all(counted.get(e.id) == e for e in plan.engagements)
    assert Counted.seen == len(plan.engagements)  # by a scan per id: about n²/2 (1,176 for the seed's 48)


def ordered(k: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """Engagements put in order by a batch cancelling ``10·k`` of the plan of the district ``k`` times
    the seed."""
    district = bench_scale().replicated(k)
    plan = plan_year(district, YEAR)
    seen = 0
    in_order = reconcile.in_order

    def counting(engagements: Any) -> Any:
        nonlocal seen
        listed = list(engagements)
        seen += len(listed)
        return in_order(listed)

    import liaison.year.engagements as engagements_module

    monkeypatch.setattr(reconcile, "in_order", counting)
    monkeypatch.setattr(engagements_module, "in_order", counting)
    apply_changes(plan, [Change("cancel", e.id) for e in plan.engagements[:10 * k]])
    return seen


def test_a_batch_orders_the_plan_once_whatever_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = ordered(1, monkeypatch), ordered(4, monkeypatch)
    # once: the plan's engagements (48, then 189); one change at a time, every change re-sorted the
    # whole plan: 10 × 48 = 480, then 40 × 189 = 7,560 (15.8×)
    assert 0 < large <= 1.25 * 4 * small, (small, large)


def test_the_scale_benchmark_refuses_a_size_that_is_not_a_number_with_its_usage() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_scale.py"), "--sizes", "10,x"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "--sizes" in done.stderr
