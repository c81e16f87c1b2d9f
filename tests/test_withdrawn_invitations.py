"""No invitation is withdrawn without a letter saying so (issue #24): a meeting held — on the day
invited for or another — keeps its invitations as they went out (numbers unchanged, no change or
cancellation letter); a recipient an amendment no longer invites gets a cancellation letter naming
the invitation; a 补充通知 announces no date already past. Through the workspace on an output folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import attrs
import pytest

from liaison.formats.district import seed_district
from liaison.law.district import District
from liaison.year.numbering import LetterRecord
from liaison.year.reconcile import Change
from liaison.year.state import YearState
from liaison_workspace import Workspace

YEAR = 2027
JOINT_HEALTH = "2027/joint_meeting/health"  # the seed's plan: 30 March, 区卫生局 with 农工党 and 九三学社
INVITATIONS = [("docx", {"kinds": "invitation"})]
SENT = dt.date(2027, 3, 16)  # its invitations go out


@pytest.fixture
def loaded_plugins() -> str:
    return "docx"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def about(state: YearState, engagement: str) -> list[LetterRecord]:
    return [r for r in state.letters if r.engagement == engagement]


def words(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)


@pytest.fixture
def invited(tmp_path: Path) -> tuple[Workspace, YearState]:
    ws = Workspace(tmp_path / "out")
    state = ws.export(seed_district(), YEAR, INVITATIONS, issued_on=SENT).state
    assert {r.kind for r in about(state, JOINT_HEALTH)} == {"invitation"}
    return ws, state


@pytest.mark.parametrize("held_on", [dt.date(2027, 3, 30), dt.date(2027, 3, 31), dt.date(2027, 3, 26)],
                         ids=["the day invited for", "a day later", "a few days earlier"])
def test_a_meeting_held_after_its_invitations_went_out_keeps_them(invited: tuple[Workspace, YearState],
                                                                  held_on: dt.date) -> None:
    ws, state = invited
    seed = seed_district()
    sent = about(state, JOINT_HEALTH)
    files = {r.path: sha((ws.folder(YEAR) / r.path).read_bytes()) for r in sent}
    changes = [Change("held", JOINT_HEALTH)]
    if held_on != state.plan.get(JOINT_HEALTH).date:
        changes.insert(0, Change("move", JOINT_HEALTH, held_on))
    ws.update(seed, YEAR, changes, force=True, as_of=dt.date(2027, 4, 1))
    after = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 4, 2)).state
    # the invitations stand as they went out: the same records, active, numbers unchanged, files in place
    assert about(after, JOINT_HEALTH) == sent and all(r.active for r in sent)
    assert {p: sha((ws.folder(YEAR) / p).read_bytes()) for p in files} == files
    assert not [r for r in after.letters if r.kind in ("change", "cancellation")]
    again = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 4, 20)).state  # and at every later export
    assert about(again, JOINT_HEALTH) == sent


def ended(district: District, department: str, on: dt.date) -> District:
    """The district with an amendment ending every pairing of ``department`` but its first on ``on``."""
    first = next(p for p in district.pairings if p.department == department)
    pairings = tuple(attrs.evolve(p, valid_until=on) if p.department == department and p != first else p
                     for p in district.pairings)
    return attrs.evolve(district, pairings=pairings)


def test_a_recipient_an_amendment_no_longer_invites_is_told_by_a_cancellation_letter(tmp_path: Path) -> None:
    """区经科's joint meeting of 9 August invites 民建 and the ICF; its invitations go out on 26 July and
    on 28 July an amendment ends one of the two pairings: the invitation that no longer holds is
    withdrawn by a letter naming it, and that letter is written again, unchanged, by later exports.
    The meeting, now the ended pairing's, moves into the days it has left — on 28 July or after, never
    on a day gone by — and its invitee is told so by a 改期的函 naming the invitation it replaces."""
    ws, seed = Workspace(tmp_path / "out"), seed_district()
    meeting = "2027/joint_meeting/economy-trade-science"
    state = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 7, 26)).state
    sent = {r.doc_number: r for r in about(state, meeting) if r.kind == "invitation"}
    assert len(sent) == 2
    amended = ended(seed, "economy-trade-science", dt.date(2027, 8, 1))
    after = ws.export(amended, YEAR, INVITATIONS, issued_on=dt.date(2027, 7, 28)).state
    withdrawn = [r for r in after.letters if r.doc_number in sent and not r.active]
    assert withdrawn  # the amendment took an invitee away
    told = {r.refers_to: r for r in after.letters if r.kind in ("change", "cancellation") and r.active}
    for r in withdrawn:
        letter = told[r.doc_number]
        assert letter.recipient == r.recipient and letter.date == dt.date(2027, 7, 28)
        text = words(ws.folder(YEAR) / letter.path)
        assert r.doc_number in text
        if letter.kind == "change":  # moved, within the days the ended pairing has left
            day = after.plan.get(meeting).date
            assert dt.date(2027, 7, 28) <= day < dt.date(2027, 8, 1)
            assert f"改于{day.year}年{day.month}月{day.day}日" in text
            continue
        assert "原邀请函不再执行" in text
        if after.plan.get(meeting).status.value != "cancelled":
            assert "不再" in text.split("原邀请函")[0] and "邀请的函" in text  # the invitation, not the meeting
    assert any(told[r.doc_number].kind == "cancellation" for r in withdrawn)
    later = ws.export(amended, YEAR, INVITATIONS, issued_on=dt.date(2027, 8, 20)).state
    assert [r for r in later.letters if r.kind == "cancellation"] == [r for r in after.letters
                                                                       if r.kind == "cancellation"]


def test_a_supplement_announces_no_date_already_past(tmp_path: Path) -> None:
    """The health bureau's notice went out in January with its visits of 3 August and 13 October. On
    2 April one visit is recorded as held on 25 February (a day gone by) and the other moved to 20
    October: the 补充通知 of that day announces the move to come, not the past day."""
    ws, seed = Workspace(tmp_path / "out"), seed_district()
    notices = [("docx", {"kinds": "notice"})]
    state = ws.export(seed, YEAR, notices, issued_on=dt.date(2027, 1, 11)).state
    visits = sorted((e for e in state.plan.engagements if e.host == "health" and e.kind.value == "visit"),
                    key=lambda e: e.date)
    assert len(visits) == 2 and visits[0].date > dt.date(2027, 4, 2)
    early, later = visits
    ws.update(seed, YEAR, [Change("move", early.id, dt.date(2027, 2, 25)), Change("held", early.id)], force=True,
              as_of=dt.date(2027, 4, 2))
    alone = ws.export(seed, YEAR, notices, issued_on=dt.date(2027, 4, 2)).state
    assert not [r for r in alone.letters if r.kind == "supplement"]  # only a past day: nothing to announce
    ws.update(seed, YEAR, [Change("move", later.id, dt.date(2027, 10, 20))], force=True)
    after = ws.export(seed, YEAR, notices, issued_on=dt.date(2027, 4, 6)).state
    (supplement,) = [r for r in after.letters if r.kind == "supplement"]
    text = words(ws.folder(YEAR) / supplement.path)
    assert "调整为10月20日" in text
    assert "2月25日" not in text and "8月3日" not in text  # the past day (and what it replaced) unannounced
