"""A district's way into a letter: the notice states each obligation from the objects the obligation
carries (its provision, the organisation that owes it, those it is owed to), never by looking an id up
in the district again. The district the letter is written with here answers everything but a lookup
by id, so a consumer that climbed back into the core would fail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
import pytest
from liaison.law.district import District
from liaison.law.duties import duties_of
from liaison.law.model import Organisation
from liaison.year.engagements import Plan, Status

from liaison_docx import Heading, Paragraph
from liaison_docx.letters.notice import _invitations, _obligations

YEAR = 2027
ENDS = dt.date(YEAR, 7, 1)  # one pairing ends mid-year, so an obligation holds for part of it


class NoIdLookups:
    """The district, less every lookup by id: ``organisation("health")``, ``provision("§3.3")`` and
    ``names_of`` over ids fail the test; given the objects themselves, they answer."""

    def __init__(self, district: District) -> None:
        self._district = district

    def __getattr__(self, name: str) -> Any:
        return getattr(self._district, name)

    def organisation(self, ref: str | Organisation) -> Organisation:
        if isinstance(ref, str):
            raise AssertionError(f"the letter looked organisation {ref!r} up by id")
        return ref

    def provision(self, provision_id: str) -> Any:
        raise AssertionError(f"the letter looked provision {provision_id!r} up by id")

    def names_of(self, orgs: Iterable[str | Organisation], **kwargs: Any) -> str:
        listed = list(orgs)
        looked_up = [o for o in listed if isinstance(o, str)]
        if looked_up:
            raise AssertionError(f"the letter looked {looked_up} up by id")
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


def test_the_notice_states_each_obligation_from_what_it_carries(ending: District, seed_plan: Plan) -> None:
    stub = NoIdLookups(ending)
    active = [e for e in seed_plan.engagements if e.status != Status.CANCELLED]
    partial = 0
    for department in ending.departments():
        duties = duties_of(ending, department, YEAR)
        if not duties.obligations:
            continue
        own = [e for e in active if department.id in e.participants]
        blocks = [*_obligations(stub, duties, own), *_invitations(stub, duties)]  # type: ignore[arg-type]
        # the same letter as written with the district itself: the stub only took the lookups away
        assert blocks == [*_obligations(ending, duties, own), *_invitations(ending, duties)]
        headings = [b.text for b in blocks if isinstance(b, Heading)]
        text = "\n".join(b.text for b in blocks if isinstance(b, Paragraph))
        for o in duties.obligations:
            assert any(o.provision.title_zh in h for h in headings)
            assert o.responsible == department
            if o.partial and o.reason_zh and o.scope == "pairing":
                partial += 1
                assert f"与{o.counterparts[0].name}的对口联系" in text
    assert partial  # the pairing ending mid-year was stated by the counterpart the obligation carries
