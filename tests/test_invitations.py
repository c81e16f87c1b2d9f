"""§1.2, §1.3, §1.4, §3.5 — who is invited to what, and how binding the invitation is."""

from __future__ import annotations

import pytest
from builders import NEW_YEAR_2027

from liaison.base.errors import LiaisonError, WrongKindError
from liaison.law.district import District
from liaison.law.rules import Modality


def test_party_and_icf_leaders_attend_every_plenary_meeting_of_the_government(seed: District) -> None:
    found = seed.invitees("plenary_meeting", NEW_YEAR_2027)
    assert found.ids() == tuple(o.id for o in seed.counterparts())
    assert {r.role_zh for r in found.recipients} == {"列席"}
    assert found.provisions == ("§1.2",)
    assert found.modality is Modality.SHALL
    assert found.host is not None and found.host.name == "区人民政府"


def test_a_symposium_before_an_important_policy_invites_all_eight_as_circumstances_require(
        seed: District) -> None:
    found = seed.invitees("symposium", NEW_YEAR_2027)
    assert len(found.recipients) == 8
    assert found.modality is Modality.MAY
    assert {r.role_zh for r in found.recipients} == {"座谈"}


def test_major_government_events_generally_invite_all_party_and_icf_leaders(seed: District) -> None:
    found = seed.invitees("major_event", NEW_YEAR_2027)
    assert len(found.recipients) == 8
    assert found.provisions == ("§3.5",)
    assert found.modality is Modality.GENERALLY_SHALL


def test_inspections_invite_all_eight_as_needed(seed: District) -> None:
    found = seed.invitees("inspection", NEW_YEAR_2027)
    assert len(found.recipients) == 8
    assert found.provisions == ("§1.4",)
    assert found.modality is Modality.AS_NEEDED


def test_a_department_professional_meeting_may_invite_its_paired_organisations(seed: District) -> None:
    found = seed.invitees("professional_meeting", NEW_YEAR_2027, host="区教育局")
    assert [r.organisation.name for r in found.recipients] == ["民盟支部", "民进支部"]
    assert all(r.provisions == ("§1.3", "§2.2") for r in found.recipients)
    assert found.modality is Modality.MAY


def test_a_professional_meeting_needs_its_host(seed: District) -> None:
    with pytest.raises(WrongKindError, match="held by a department"):
        seed.invitees("professional_meeting", NEW_YEAR_2027)


def test_a_branch_cannot_host_and_a_meeting_the_planner_plans_is_not_an_event(seed: District) -> None:
    with pytest.raises(WrongKindError, match="cannot host"):
        seed.invitees("plenary_meeting", NEW_YEAR_2027, host="民革支部")
    with pytest.raises(LiaisonError, match="not a kind of event that invites"):
        seed.invitees("work_meeting", NEW_YEAR_2027)
