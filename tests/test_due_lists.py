"""Every body's to-do list in one pass (issue #23's review): :func:`liaison.year.due.due_lists` gives
each body the list the body-by-body way gave it, and its cost grows with the district, not with the
district times its bodies (counted in checks run and engagements and records visited, not timed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from builders import Counted, bench_scale
from district_strategies import GeneratedDistrict, districts
from hypothesis import given, settings
from hypothesis import strategies as st

import liaison.year.due as due_module
from liaison.formats.documents import due_document, to_json
from liaison.law.compliance import check
from liaison.law.district import District
from liaison.law.findings import MAY_MODALITIES, FindingStatus
from liaison.law.records import Records
from liaison.law.rules import Response, WorkingDays
from liaison.law.workdays import default_calendar
from liaison.year.due import DueKind, DueList, due_list, due_lists
from liaison.year.engagements import Plan, Status
from liaison.year.planner import plan_year

Picked = tuple[DueKind, str, str, dt.date]


def body_by_body(district: District, plan: Plan, records: Records, org: str, as_of: dt.date,
                 working: WorkingDays) -> list[Picked]:
    """What the list held when it was made one body at a time (every engagement, record, research
    result and the year's check looked at again for each body) — kind, reference, provision and day
    due: the oracle the batch must equal."""
    items: list[Picked] = []
    for e in plan.engagements:
        if e.status == Status.CANCELLED or not e.provisions or org not in (e.host, *e.participants):
            continue
        if e.status == Status.PROPOSED and e.date >= as_of:
            items.append((DueKind.DATE_TO_AGREE, e.id, e.provisions[0], e.date))
        elif e.date < as_of and e.host == org and e.status != Status.HELD and not any(
                r.id == e.id if r.id else (r.kind, r.date, r.host) == (e.kind, e.date, e.host)
                for r in records.engagements):
            items.append((DueKind.RECORD_MISSING, e.id, e.provisions[0], e.date))
    for r in records.research_results:
        if r.received > as_of or (r.feedback is not None and r.feedback <= as_of):
            continue
        if district.organisation(r.department).id != org:
            continue
        rule = next((pr for pr in district.rules(Response, r.received) if pr[1].trigger == "research_result"), None)
        if rule is None or rule[0].modality_of(rule[1]) in MAY_MODALITIES:
            continue
        items.append((DueKind.FEEDBACK, r.id, rule[0].id, rule[1].due(r.received, working)))
    answered = {i[1] for i in items if i[0] == DueKind.FEEDBACK}
    report = check(district, records.merged(Records.from_plan(plan, held_only=True)), plan.year,
                   min(as_of, dt.date(plan.year, 12, 31)), calendar=working)
    for f in report.findings:
        if f.responsible != org or f.status not in (FindingStatus.OPEN, FindingStatus.SHORT,
                                                    FindingStatus.MISSING_DESIGNATION, FindingStatus.UNANSWERED):
            continue
        prov = district.provision(f.provision)
        rules = [x for x in prov.rules if x.key == f.rule]
        if set(f.counted) & answered or (rules and all(prov.modality_of(x) in MAY_MODALITIES for x in rules)):
            continue
        items.append((DueKind.OBLIGATION, "/".join(f.subject), f.provision, f.period[1]))
    items.sort(key=lambda i: (i[3], list(DueKind).index(i[0]), i[1], i[2]))
    return items


def _picked(found: DueList) -> list[Picked]:
    return [(i.kind, i.ref, i.provision, i.due) for i in found.items]


@settings(max_examples=40, deadline=None)
@given(generated=districts(), data=st.data())
def test_every_bodys_list_from_the_batch_is_the_one_made_body_by_body(generated: GeneratedDistrict,
                                                                      data: st.DataObject) -> None:
    district, year = generated.district, generated.year
    year_plan = plan_year(district, year, generated.options)
    day = data.draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    working = default_calendar()
    batch = due_lists(district, year_plan, generated.records, as_of=day)
    assert list(batch) == [o.id for o in district.organisations]
    for org, found in batch.items():
        assert _picked(found) == body_by_body(district, year_plan, generated.records, org, day, working)
        single = due_list(district, year_plan, generated.records, body=org, as_of=day)
        assert to_json(due_document(found, district)) == to_json(due_document(single, district))


def test_some_bodies_by_name_are_keyed_by_id_in_the_order_given(seed: District) -> None:
    plan = plan_year(seed, 2027)
    orgs = [o.id for o in seed.organisations]
    chosen = [orgs[3], seed.organisation(orgs[0]).name, orgs[3]]
    found = due_lists(seed, plan, Records(), as_of=dt.date(2027, 6, 1), bodies=chosen)
    assert list(found) == [orgs[3], orgs[0]]


def visited(k: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, int]:
    """(checks run, plan engagements and held records visited, items) for every body's list of the
    district ``k`` times the seed, the first half of its year held."""
    district = bench_scale().replicated(k)
    plan = plan_year(district, 2027)
    day = dt.date(2027, 7, 1)
    held = Records.from_plan(plan)
    records = attrs.evolve(held, engagements=Counted(r for r in held.engagements if r.date < dt.date(2027, 4, 1)))
    plan = attrs.evolve(plan, engagements=Counted(plan.engagements))
    checks = 0
    check = due_module.check

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal checks
        checks += 1
        return check(*args, **kwargs)

    Counted.seen = 0
    with monkeypatch.context() as patched:
        patched.setattr(due_module, "check", counting)
        found = due_lists(district, plan, records, as_of=day)
    return checks, Counted.seen, sum(len(f.items) for f in found.values())


def test_every_bodys_list_costs_one_check_and_grows_linearly_with_the_district(
        monkeypatch: pytest.MonkeyPatch) -> None:
    small, large = 1, 4
    checks_small, seen_small, items_small = visited(small, monkeypatch)
    checks_large, seen_large, items_large = visited(large, monkeypatch)
    assert checks_small == checks_large == 1  # body by body: one check per body (25, then 91)
    assert items_large > items_small > 0
    # linear: 4× the district, at most 4× the engagements and records visited and a margin (3.9× now:
    # 132 to 510); body by body every body looked at every engagement and record: 2,922 to 41,416 (14.2×)
    assert seen_large <= 1.25 * (large / small) * seen_small, (seen_small, seen_large)
