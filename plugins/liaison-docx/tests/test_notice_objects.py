"""A district's way into a letter: the notice states each duty from the objects the duties carry (the
pairings' counterparts and clauses, the cc lists' rule and recipients, the §3.1 provision, each
obligation's provision, the organisation that owes it and those it is owed to), never by looking an id
up in the district again. The district the whole letter is written with here answers everything but a
lookup by id, so a section that climbed back into the core would fail. Only the year's table may look
ids up: its rows are the plan's engagements, which name their participants and provisions by id."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterable
from typing import Any

import attrs
import pytest
from liaison.law.district import District
from liaison.law.duties import duties_of
from liaison.law.model import Organisation
from liaison.year.engagements import Plan, Status

from liaison_docx import Heading, Paragraph
from liaison_docx.letters.notice import notice_letter

YEAR = 2027
ENDS = dt.date(YEAR, 7, 1)  # one pairing ends mid-year, so an obligation holds for part of it


class NoIdLookups:
    """The district, less every lookup by id: ``organisation("health")``, ``provision("§3.3")`` and
    ``names_of`` over ids fail the test; given the objects themselves, they answer. A lookup made while
    the letter writes the year's table (``_schedule``, the plan's ids) is answered, and counted."""

    def __init__(self, district: District) -> None:
        self._district = district
        self.from_the_plan = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._district, name)

    def _refuse(self, what: str) -> None:
        if any(f.function == "_schedule" and f.filename.endswith("notice.py") for f in inspect.stack()):
            self.from_the_plan += 1
            return
        raise AssertionError(f"the letter looked {what} up by id")

    def organisation(self, ref: str | Organisation) -> Organisation:
        if isinstance(ref, str):
            self._refuse(f"organisation {ref!r}")
            return self._district.organisation(ref)
        return ref

    def provision(self, provision_id: str) -> Any:
        self._refuse(f"provision {provision_id!r}")
        return self._district.provision(provision_id)

    def names_of(self, orgs: Iterable[str | Organisation], **kwargs: Any) -> str:
        listed = list(orgs)
        looked_up = [o for o in listed if isinstance(o, str)]
        if looked_up:
            self._refuse(f"{looked_up}")
        return self._district.names_of(listed, **kwargs)


@pytest.fixture(scope="module")
def ending(seed: District) -> District:
    """The seed with its first pairing ending on 1 July."""
    first = seed.pairings[0]
    return attrs.evolve(seed, pairings=(attrs.evolve(first, valid_until=ENDS), *seed.pairings[1:]))


def test_the_stub_fails_on_a_lookup_by_id(seed: District) -> None:
    stub = NoIdLookups(seed)
    department = seed.departments()[0]
    for lookup in (lambda: stub.organisation(department.id), lambda: stub.provision(seed.provisions[0].id),
                   lambda: stub.names_of([department.id])):
        with pytest.raises(AssertionError, match="up by id"):
            lookup()
    assert stub.names_of([department]) == department.name


def test_the_notice_states_each_duty_from_what_it_carries(ending: District, seed_plan: Plan) -> None:
    active = [e for e in seed_plan.engagements if e.status != Status.CANCELLED]
    office = ending.general_office()
    partial = copied = designated = paired = 0
    for department in ending.departments():
        duties = duties_of(ending, department, YEAR)
        if not duties.pairings:
            continue
        own = [e for e in active if department.id in e.participants]
        stub = NoIdLookups(ending)
        letter = notice_letter(stub, duties, own, office=office, date=dt.date(YEAR, 1, 5))  # type: ignore[arg-type]
        # the same letter as written with the district itself: the stub only took the lookups away
        assert letter == notice_letter(ending, duties, own, office=office, date=dt.date(YEAR, 1, 5))
        assert bool(stub.from_the_plan) == bool(own)  # the table's rows, and nothing else, read ids
        headings = [b.text for b in letter.body if isinstance(b, Heading)]
        text = "\n".join(b.text for b in letter.body if isinstance(b, Paragraph))
        for p in duties.paired:  # 一、对口联系单位: each counterpart under the clause it rests on
            paired += 1
            assert p.counterpart.name in text and p.clause.cite_zh() in text
        for cc in duties.cc:  # whom it copies, by the rule the list carries
            if cc.routing is not None:
                copied += 1
                assert cc.routing[0].title_zh in headings and all(o.name in text for o in cc.organisations)
        if duties.designation is not None:
            designated += 1
            assert duties.designation.provision.title_zh in headings
        for o in duties.obligations:
            assert any(o.provision.title_zh in h for h in headings)
            assert o.responsible == department
            if o.partial and o.reason_zh and o.scope == "pairing":
                partial += 1
                assert f"与{o.counterparts[0].name}的对口联系" in text
    # every section was written through the stub; the pairing ending mid-year was stated by the
    # counterpart the obligation carries
    assert paired and copied and designated and partial
