"""Several callers' changes of a year in one save (``Workspace.update_each``, what a service batches):
each step asks for its changes on the plan as the steps before it left it, a refused step (its own
check, or the plan's refusal) is left out with its error and the others stand, one re-plan and one
save; the same year as the changes made one after another by ``update`` when none is refused. And
an engagement's entry of the plan's JSON made from it alone (``engagement_entry``) is the plan
document's."""

from __future__ import annotations

import datetime as dt

import attrs

from liaison.base.errors import LiaisonError, PlanningError
from liaison.formats.district import seed_district
from liaison.formats.state import engagement_entry, plan_document
from liaison.law.duties import year_duties
from liaison.year.engagements import Plan
from liaison.year.reconcile import Change
from liaison_workspace import MemoryStore, Step, Workspace

YEAR = 2027


class Refused(LiaisonError):
    """A step's own refusal (a service's If-Match that no longer holds)."""


def _planned() -> tuple[Workspace, MemoryStore]:
    store = MemoryStore()
    workspace = Workspace(store=store)
    workspace.update(seed_district(), YEAR)
    return workspace, store


def test_each_step_on_the_plan_as_the_steps_before_left_it_a_refused_one_alone_left_out() -> None:
    district = seed_district()
    workspace, store = _planned()
    before = store.load(district, YEAR)
    assert before is not None
    ids = [e.id for e in before.state.plan.engagements]
    day = before.state.plan.get(ids[0]).date + dt.timedelta(days=7)
    seen: list[Plan] = []
    saves = len(store.revisions(district, YEAR))

    def second(plan: Plan) -> list[Change]:
        seen.append(plan)
        return [Change("confirm", ids[1])]

    def checked(plan: Plan) -> list[Change]:
        raise Refused("the engagement changed since it was read", message_zh="读取之后该活动已被修改")

    done = workspace.update_each(district, YEAR, [
        Step(lambda plan: [Change("move", ids[0], day)]),
        Step(second),
        Step(lambda plan: [Change("move", ids[2], dt.date(YEAR + 1, 3, 1))]),  # out of the year: the plan's refusal
        Step(checked),
        Step(lambda plan: [Change("cancel", ids[3])]),
    ], expected=before.revision)
    assert [type(r) for r in done.refused] == [type(None), type(None), PlanningError, Refused, type(None)]
    # the second step saw the first's change (the plan as the batch held it at its turn)
    assert seen[0].get(ids[0]).date == day
    after = store.load(district, YEAR)
    assert after is not None and after.revision == done.revision != before.revision
    assert len(store.revisions(district, YEAR)) == saves + 1  # one save for the batch
    plan = after.state.plan
    assert plan.get(ids[0]).date == day and plan.get(ids[1]).status.value == "agreed"
    assert plan.get(ids[3]).status.value == "cancelled"
    assert plan.get(ids[2]) == before.state.plan.get(ids[2])  # the refused step's engagement as it was

    # the same changes one after another through update: the same plan
    alone, one_store = _planned()
    for changes in ([Change("move", ids[0], day)], [Change("confirm", ids[1])], [Change("cancel", ids[3])]):
        alone.update(district, YEAR, changes)
    made = one_store.load(district, YEAR)
    assert made is not None and made.state.plan == plan


def test_every_step_refused_saves_nothing() -> None:
    district = seed_district()
    workspace, store = _planned()
    before = store.load(district, YEAR)
    assert before is not None
    first = before.state.plan.engagements[0].id
    done = workspace.update_each(district, YEAR, [Step(lambda plan: [Change("held", first)])],
                                 as_of=dt.date(YEAR - 1, 12, 7))
    assert len(done.refused) == 1 and done.refused[0] is not None  # not held before its day
    assert done.revision == before.revision and store.load(district, YEAR) == before


def test_an_engagements_entry_made_alone_is_the_plan_documents() -> None:
    district = seed_district()
    workspace, store = _planned()
    before = store.load(district, YEAR)
    assert before is not None
    ids = [e.id for e in before.state.plan.engagements]
    workspace.update(district, YEAR, [Change("move", ids[0], before.state.plan.get(ids[0]).date + dt.timedelta(1)),
                                      Change("confirm", ids[1]), Change("cancel", ids[2])], force=True)
    stored = store.load(district, YEAR)
    assert stored is not None
    whole = {e["id"]: e for e in plan_document(district, stored.state)["engagements"]}
    duties = year_duties(district, YEAR)
    for engagement in stored.state.engagements:
        assert engagement_entry(district, engagement, duties) == whole[engagement.id]
        one = plan_document(district, attrs.evolve(stored.state, engagements=(engagement,)))["engagements"][0]
        assert engagement_entry(district, engagement, duties) == one
