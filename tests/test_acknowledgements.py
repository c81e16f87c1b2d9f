"""A counterpart's acknowledgements (issue #25): what was sent to a body and under which provision of
the data (liaison.year.acknowledgements), the record's own rules (liaison.law.acknowledgements) and
the due list's "to_acknowledge" items."""

from __future__ import annotations

import datetime as dt
import functools

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.base.errors import DataError, Refused
from liaison.formats.district import seed_district
from liaison.law.acknowledgements import Acknowledged, Acknowledgement
from liaison.law.district import District
from liaison.law.records import DocumentRecord, Records, ResearchResult
from liaison.year.acknowledgements import checked, to_acknowledge
from liaison.year.due import DueKind, due_list
from liaison.year.engagements import Plan, Status
from liaison.year.planner import plan_year

YEAR = 2027
SENT = dt.date(YEAR, 2, 1)


@functools.cache
def _plan() -> Plan:
    return plan_year(seed_district(), YEAR)


def _records(district: District) -> Records:
    # the branches the health department's documents are copied to by the copying rule
    branches = [r.organisation.id for r in seed_district().cc_list("health", SENT, "policy").recipients][:3]
    return Records(
        documents=tuple(DocumentRecord(id=f"区卫生局〔{YEAR}〕{n}号", issuer="health", date=SENT + dt.timedelta(days=n),
                                       copied_to=(*branches, "finance"), title=f"通知{n}") for n in range(1, 4)),
        research_results=(ResearchResult(id="R-1", title="调研", submitted_by=branches[0], department="health",
                                         received=dt.date(YEAR, 1, 10), feedback=dt.date(YEAR, 1, 20)),))


def test_a_document_is_addressed_to_the_counterparts_copied_under_the_copying_rule() -> None:
    district = seed_district()
    records = _records(district)
    branch = records.documents[0].copied_to[0]
    listed = to_acknowledge(district, _plan(), records, (), branch, dt.date(YEAR, 3, 1))
    assert {a.item for a in listed if a.of == Acknowledged.DOCUMENT} == {d.id for d in records.documents}
    cc = district.cc_list("health", SENT, "policy")
    wanted = next(r.provisions for r in cc.recipients if r.organisation.id == branch)
    assert all(a.provision in wanted and a.sender == "health" for a in listed if a.of == Acknowledged.DOCUMENT)
    # a department copied acknowledges nothing; the feedback is the submitting branch's to acknowledge
    assert to_acknowledge(district, _plan(), records, (), "finance", dt.date(YEAR, 3, 1)) == ()
    assert [a.item for a in listed if a.of == Acknowledged.FEEDBACK] == ["R-1"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40)), max_size=6), st.integers(0, 40))
def test_what_is_listed_is_what_was_sent_and_not_acknowledged_by_the_day(answers: list[tuple[int, int]],
                                                                       day: int) -> None:
    district = seed_district()
    records = _records(district)
    branch = records.documents[0].copied_to[0]
    as_of = SENT + dt.timedelta(days=day)
    items = [("document", d.id) for d in records.documents] + [("feedback", "R-1")]
    acks = [Acknowledgement(of=Acknowledged(items[i][0]), item=items[i][1], organisation=branch,
                            date=SENT + dt.timedelta(days=d)) for i, d in answers]
    done = {(a.of.value, a.item) for a in acks if a.date <= as_of}
    came = {("document", d.id) for d in records.documents if d.date <= as_of} | {("feedback", "R-1")}
    listed = to_acknowledge(district, _plan(), records, acks, branch, as_of)
    assert {(a.of.value, a.item) for a in listed} == came - done
    due = due_list(district, _plan(), records, body=branch, as_of=as_of, acknowledgements=acks)
    assert {i.ref for i in due.items if i.kind == DueKind.TO_ACKNOWLEDGE} == {item for _, item in came - done}
    # the command keeps no acknowledgements: nothing to acknowledge is listed
    assert not [i for i in due_list(district, _plan(), records, body=branch, as_of=as_of).items
                if i.kind == DueKind.TO_ACKNOWLEDGE]


def test_an_invitation_once_agreed_and_its_reply() -> None:
    district = seed_district()
    plan = _plan()
    one = next(e for e in plan.engagements if e.host == "health" and e.participants[1:])
    branch = next(p for p in one.participants if district.organisation(p).is_counterpart)
    before = one.date - dt.timedelta(days=5)
    assert one.id not in {a.item for a in to_acknowledge(district, plan, Records(), (), branch, before)}
    agreed = attrs.evolve(plan, engagements=tuple(attrs.evolve(e, status=Status.AGREED) if e.id == one.id else e
                                                  for e in plan.engagements))
    assert one.id in {a.item for a in to_acknowledge(district, agreed, Records(), (), branch, before)}
    assert one.id not in {a.item for a in to_acknowledge(district, agreed, Records(), (), branch,
                                                         one.date + dt.timedelta(days=1))}  # its day has passed
    reply = Acknowledgement(of=Acknowledged.INVITATION, item=one.id, organisation=branch, date=before,
                            attending=True, attendees=("张三",))
    assert checked(district, agreed, Records(), reply).sender == one.host
    with pytest.raises(DataError) as refused:  # the host was not invited to its own meeting
        checked(district, agreed, Records(), attrs.evolve(reply, organisation=one.host))
    assert refused.value.path == "$.organisation"


def test_the_record_says_who_attends_only_for_an_invitation() -> None:
    with pytest.raises(Refused):
        Acknowledgement(of=Acknowledged.INVITATION, item="x", organisation="cpwdp", date=SENT)
    with pytest.raises(Refused):
        Acknowledgement(of=Acknowledged.INVITATION, item="x", organisation="cpwdp", date=SENT, attending=False,
                        attendees=("张三",))
    with pytest.raises(Refused):
        Acknowledgement(of=Acknowledged.DOCUMENT, item="x", organisation="cpwdp", date=SENT, attending=True)
