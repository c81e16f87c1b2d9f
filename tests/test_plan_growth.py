"""The planner grows linearly when the calendar is over-full (issue #23): counted in the half-days
it asks the board about, not timed. The shape is the scale benchmark's ``--shape departments`` —
the departments replicated k times, each copy paired with the counterparts its original is — so
the seed's party branches and ICF meet 8·k departments each, and from about 50× on a counterpart's
year has fewer free half-days than engagements asked of it. The search for a free half-day tried
each slot of the year for every task such a counterpart could no longer take (twice, with the
spacing and without): 1,773,855 board questions at 90× against 2,380 at 30×. It now passes over
the slots a participant is busy in (:class:`liaison.year.vacancy.Vacancies`), which changes no
placement: the property below plans generated districts both ways."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
import hypothesis.strategies as st
import pytest
from district_strategies import GeneratedDistrict, bounded, districts
from hypothesis import given
from scale_districts import scaled

from liaison.law.district import District
from liaison.law.workdays import ChineseCalendar, WeekdayCalendar, WorkingDayCalendar
from liaison.year.board import Board
from liaison.year.engagements import Plan
from liaison.year.planner import plan_year
from liaison.year.vacancy import Vacancies


def every_slot(self: Vacancies, pool_no: int, rows: Sequence[int]) -> list[dict[int, int]]:
    """No jumps: the search as it was, every slot in order, busy or not."""
    return []


def asked(district: District, monkeypatch: pytest.MonkeyPatch) -> tuple[int, Plan]:
    """How many times the planner asked the board whether everyone is free, and the plan."""
    count = 0
    free = Board.free

    def counting(self: Board, *args: Any) -> bool:
        nonlocal count
        count += 1
        return free(self, *args)

    with monkeypatch.context() as patched:
        patched.setattr(Board, "free", counting)
        plan = plan_year(district, 2027)
    return count, plan


def test_an_over_full_calendar_is_planned_in_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = 30, 90
    asked_small, plan_small = asked(scaled(small, "departments"), monkeypatch)
    asked_large, plan_large = asked(scaled(large, "departments"), monkeypatch)
    # the large one is over-full (what the planner could not place it says), the small one is not
    assert not plan_small.unplaced and len(plan_large.unplaced) > 1000
    # 3× the district, at most 3× the questions and a margin (now 1,411 to 2,413: 1.7×, the tasks no
    # counterpart can take cost one step each); asked slot by slot it was 2,380 to 1,773,855
    assert asked_large <= 1.25 * (large / small) * asked_small, (asked_small, asked_large)


def test_passing_over_busy_slots_places_an_over_full_year_as_the_slot_by_slot_search(
        monkeypatch: pytest.MonkeyPatch) -> None:
    district = scaled(60, "departments")
    plan = plan_year(district, 2027)
    assert plan.unplaced  # over-full: the case the jumps are for
    with monkeypatch.context() as patched:
        patched.setattr(Vacancies, "chains", every_slot)
        assert plan_year(district, 2027) == plan


class Tight(WeekdayCalendar):
    """A few weeks of working days: most generated districts have more engagements than half-days."""

    name = "tight"

    def __init__(self, weeks: int) -> None:
        self.weeks = weeks

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and dt.date(day.year, 3, 1) <= day < dt.date(day.year, 3, 1) + dt.timedelta(
            weeks=self.weeks)


@bounded(40)
@given(districts(), st.one_of(st.none(), st.integers(1, 6)), st.booleans())
def test_the_search_places_every_generated_district_as_the_slot_by_slot_search(
        generated: GeneratedDistrict, weeks: int | None, gap: bool) -> None:
    options = generated.options if gap else attrs.evolve(generated.options, min_gap_days=0)
    calendar: WorkingDayCalendar = ChineseCalendar() if weeks is None else Tight(weeks)
    plan = plan_year(generated.district, generated.year, options, calendar=calendar)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(Vacancies, "chains", every_slot)
        assert plan_year(generated.district, generated.year, options, calendar=calendar) == plan
