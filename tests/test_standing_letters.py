"""A letter that went out is never withdrawn silently (issue #24): only a change or cancellation
letter naming it withdraws it. One the data no longer makes — the cancellation letters of a meeting
reinstated, a 反馈函 whose feedback date is removed — stays issued: active in the register, its file
in place with the bytes it went out as, and the export says so (a note in both languages). A
reinstated meeting's recipients get a letter saying it is on again that names the cancellation.
Through the workspace on an output folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import attrs
import pytest

from liaison.formats.district import seed_district
from liaison.law.district import District
from liaison.law.records import Records, ResearchResult
from liaison.year.numbering import LetterRecord, register_lines
from liaison.year.reconcile import Change
from liaison.year.state import ARCHIVE
from liaison_workspace import Workspace

YEAR = 2027
JOINT_HEALTH = "2027/joint_meeting/health"  # the seed's plan: 30 March, its invitations due on 16 March
INVITATIONS = [("docx", {"kinds": "invitation"})]
FEEDBACK = [("docx", {"kinds": "feedback"})]


@pytest.fixture
def loaded_plugins() -> str:
    return "docx"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def words(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)


def files(ws: Workspace, letters: list[LetterRecord]) -> dict[str, str]:
    return {r.path: sha((ws.folder(YEAR) / r.path).read_bytes()) for r in letters}


def test_a_reinstated_meeting_says_it_is_on_again_and_its_cancellation_letters_no_longer_hold(tmp_path: Path) -> None:
    """The 恢复 letter says the cancellation letter “不再执行”: it is the letter that withdraws it, so
    the register, the files and the notes say the same — withdrawn by it, not standing."""
    ws, seed = Workspace(tmp_path / "out"), seed_district()
    ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 3, 16))
    ws.update(seed, YEAR, [Change("cancel", JOINT_HEALTH)], force=True)
    state = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 3, 18)).state
    cancelled = [r for r in state.letters if r.kind == "cancellation"]
    assert len(cancelled) == 2 and all(r.active for r in cancelled)
    sent = files(ws, cancelled)
    ws.update(seed, YEAR, [Change("move", JOINT_HEALTH, dt.date(2027, 3, 30))], force=True)  # the guide's way back
    outcome = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 3, 20))
    after = {r.doc_number: r for r in outcome.state.letters}
    # the cancellation letters are withdrawn by the 恢复 letters: inactive, their files under 已作废/<day>/
    assert all(after[r.doc_number] == attrs.evolve(r, active=False) for r in cancelled)
    archived = {source: to for source, to in outcome.archived}
    assert all(archived[p] == f"{ARCHIVE}/2027-03-20/{p}" for p in sent)
    assert all(sha((ws.folder(YEAR) / archived[p]).read_bytes()) == digest for p, digest in sent.items())
    lines = {line.doc_number: line for line in register_lines(outcome.state.letters)}
    # no note telling the clerk to withdraw what the same export's letter withdraws
    assert not [n for n in outcome.notes if n.file in sent]
    # each invitee is told the meeting is on again, by a letter naming its cancellation letter, and the
    # register points from the cancellation to it
    for r in cancelled:
        (told,) = [x for x in outcome.state.letters if x.kind == "change" and x.recipient == r.recipient]
        text = words(ws.folder(YEAR) / told.path)
        assert "恢复举行" in text and r.doc_number in text and r.refers_to in text
        assert f"{r.doc_number}不再执行" in text
        assert lines[r.doc_number].status() == f"已作废（2027-03-20，见{told.doc_number}）"
        again = next(x for x in outcome.state.letters if x.kind == "invitation" and x.active
                     and x.recipient == r.recipient and x.engagement == JOINT_HEALTH)
        assert again.doc_number in text
    # later exports keep all of it quietly
    later = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 3, 22))
    assert later.state.letters == outcome.state.letters and not [n for n in later.notes if n.file in sent]


def test_a_feedback_letter_whose_date_is_removed_stands_as_sent(tmp_path: Path) -> None:
    ws, seed = Workspace(tmp_path / "out"), seed_district()
    result = ResearchResult(id="research-1", title="营商环境调研", submitted_by=seed.counterparts()[0].id,
                            department=seed.departments()[0].id, received=dt.date(2027, 3, 1),
                            feedback=dt.date(2027, 4, 1), feedback_summary="已研究，部分采纳。")
    records = Records(district_id=seed.info.id, research_results=(result,))
    state = ws.export(seed, YEAR, FEEDBACK, records=records, issued_on=dt.date(2027, 4, 2)).state
    (letter,) = [r for r in state.letters if r.kind == "feedback"]
    sent = files(ws, [letter])
    removed = Records(district_id=seed.info.id, research_results=(attrs.evolve(result, feedback=None),))
    outcome = ws.export(seed, YEAR, FEEDBACK, records=removed, issued_on=dt.date(2027, 4, 6))
    assert [r for r in outcome.state.letters if r.doc_number == letter.doc_number] == [
        attrs.evolve(letter, standing=True)]
    assert files(ws, [letter]) == sent and not outcome.archived
    assert [n.file for n in outcome.notes] == [letter.path]
    assert letter.doc_number in outcome.notes[0].render("zh") and letter.doc_number in outcome.notes[0].render("en")


def test_a_letter_that_stands_keeps_its_pdf_beside_it(tmp_path: Path) -> None:
    """The PDF of a letter that stands (``pdf=true``) stays with its .docx, never moved to 已作废/."""
    ws, seed = Workspace(tmp_path / "out"), seed_district()
    result = ResearchResult(id="research-1", title="营商环境调研", submitted_by=seed.counterparts()[0].id,
                            department=seed.departments()[0].id, received=dt.date(2027, 3, 1),
                            feedback=dt.date(2027, 4, 1), feedback_summary="已研究，部分采纳。")
    with_pdf = [("docx", {"kinds": "feedback", "pdf": "true"})]
    records = Records(district_id=seed.info.id, research_results=(result,))
    state = ws.export(seed, YEAR, with_pdf, records=records, issued_on=dt.date(2027, 4, 2)).state
    (letter,) = [r for r in state.letters if r.kind == "feedback"]
    pdf = ws.folder(YEAR) / (letter.path.removesuffix(".docx") + ".pdf")
    sent = {p: sha(p.read_bytes()) for p in (ws.folder(YEAR) / letter.path, pdf)}
    removed = Records(district_id=seed.info.id, research_results=(attrs.evolve(result, feedback=None),))
    outcome = ws.export(seed, YEAR, with_pdf, records=removed, issued_on=dt.date(2027, 4, 6))
    assert not outcome.archived and not (ws.folder(YEAR) / ARCHIVE).exists()
    assert {p: sha(p.read_bytes()) for p in sent} == sent
    assert {letter.path, str(pdf.relative_to(ws.folder(YEAR)))} <= {f.path for f in outcome.state.manifest.files}
    again = ws.export(seed, YEAR, with_pdf, records=removed, issued_on=dt.date(2027, 4, 7))
    assert not again.archived and not again.written and {p: sha(p.read_bytes()) for p in sent} == sent


def test_a_moved_meeting_still_withdraws_the_invitation_its_change_letter_names(tmp_path: Path) -> None:
    """The one withdrawal there is: an invitation replaced, with a change letter naming it."""
    ws, seed = Workspace(tmp_path / "out"), seed_district()
    sent = [r for r in ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 3, 16)).state.letters
            if r.engagement == JOINT_HEALTH]
    ws.update(seed, YEAR, [Change("move", JOINT_HEALTH, dt.date(2027, 4, 20))], force=True)
    outcome = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 3, 20))
    after = {r.doc_number: r for r in outcome.state.letters}
    named = {r.refers_to for r in outcome.state.letters if r.kind == "change"}
    assert all(not after[r.doc_number].active and r.doc_number in named for r in sent)
    assert not outcome.notes


def test_a_meeting_come_before_its_invitations_went_out_is_told_once(tmp_path: Path) -> None:
    """The health bureau's joint meeting of 30 March: its invitations wait as drafts on 1 March, and
    the next export is on 31 March. They are never issued; the export says so, one note for the
    meeting in both languages, and the next export says nothing more."""
    ws, seed = Workspace(tmp_path / "out"), seed_district()
    drafts = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 3, 1))
    waiting = [p for _, p, _ in drafts.written if "joint_meeting-health" in p]
    assert waiting and all(p.startswith("草稿/") for p in waiting)
    outcome = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 3, 31))
    assert not [r for r in outcome.state.letters if r.engagement == JOINT_HEALTH]
    title = outcome.state.plan.get(JOINT_HEALTH).title_zh
    said = [n for n in outcome.notes if title in n.message_zh]
    assert len(said) == 1
    zh, en = said[0].render("zh"), said[0].render("en")
    assert "邀请函未发出" in zh and "2027-03-30" in zh and "were issued" in en and "2027-03-30" in en
    later = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 4, 2))
    assert not [n for n in later.notes if title in n.message_zh]


def test_the_first_export_after_a_meetings_day_says_its_invitations_never_went_out(tmp_path: Path) -> None:
    """No draft waited (the year's first export comes on 31 March, after the health bureau's joint
    meeting of 30 March): that export says so all the same, once; the next says nothing more."""
    ws, seed = Workspace(tmp_path / "out"), seed_district()
    outcome = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 3, 31))
    assert not [r for r in outcome.state.letters if r.engagement == JOINT_HEALTH]
    title = outcome.state.plan.get(JOINT_HEALTH).title_zh
    said = [n for n in outcome.notes if title in n.message_zh]
    assert len(said) == 1
    zh, en = said[0].render("zh"), said[0].render("en")
    assert "邀请函未发出" in zh and "2027-03-30" in zh and "were issued" in en and "2027-03-30" in en
    later = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 4, 2))
    assert not [n for n in later.notes if title in n.message_zh]


def test_a_recipient_invited_again_after_its_invitation_was_withdrawn_is_told_so(tmp_path: Path) -> None:
    """区经科's joint meeting of 9 August: invitations out on 26 July; on 28 July an amendment ends one
    pairing and that invitee is told its invitation is withdrawn (关于取消…邀请的函). Invited again, the
    letter that says so names the cancellation: 恢复邀请, not 恢复举行 (the meeting was never cancelled)."""
    from liaison_docx.letters.change import change_letter
    from liaison_docx.letters.invitation import issuer_of

    ws, seed = Workspace(tmp_path / "out"), seed_district()
    meeting = "2027/joint_meeting/economy-trade-science"
    ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 7, 26))
    first = next(p for p in seed.pairings if p.department == "economy-trade-science")
    amended = attrs.evolve(seed, pairings=tuple(
        attrs.evolve(p, valid_until=dt.date(2027, 8, 1)) if p.department == "economy-trade-science" and p != first
        else p for p in seed.pairings))
    state = ws.export(amended, YEAR, INVITATIONS, issued_on=dt.date(2027, 7, 28)).state
    (cancelled,) = [r for r in state.letters if r.kind == "cancellation" and r.engagement == meeting]
    old = next(r for r in state.letters if r.doc_number == cancelled.refers_to)
    again = attrs.evolve(old, doc_number="区经科函〔2027〕4号", serial=4, date=dt.date(2027, 7, 30), active=True)
    e = state.plan.get(meeting)
    letter = change_letter(seed, e, seed.organisation(old.recipient), issuer_of(seed, e), old, again, "出席",
                           dt.date(2027, 7, 30), cancelled=cancelled)
    text = "".join(b.text for b in letter.body if hasattr(b, "text"))
    assert letter.title.startswith("关于恢复邀请出席") and "恢复举行" not in letter.title + text
    assert cancelled.doc_number in text and old.doc_number in text and again.doc_number in text
    assert "不再出席该会议" in text and "恢复邀请贵单位负责人出席该会议" in text


def test_a_meeting_whose_day_has_passed_gets_no_cancellation_letter(tmp_path: Path) -> None:
    """A meeting cancelled (or dropped from the events file) after its day has passed: there is nothing
    left to call off, so no 关于取消…的函 goes out; its invitations stand as sent, and the export says
    so once, in both languages, as for invitations never sent to a meeting whose day came (#24)."""
    ws, seed = Workspace(tmp_path / "out"), seed_district()
    invited = [r for r in ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 3, 16)).state.letters
               if r.engagement == JOINT_HEALTH]
    assert invited
    ws.update(seed, YEAR, [Change("cancel", JOINT_HEALTH)], force=True)
    outcome = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 4, 2))  # the meeting was on 30 March
    assert not [r for r in outcome.state.letters if r.kind == "cancellation"]
    after = {r.doc_number: r for r in outcome.state.letters}
    assert all(after[r.doc_number].active for r in invited)
    told = [n for n in outcome.notes if "不再发取消函" in n.message_zh]
    assert len(told) == 1 and all(r.doc_number in told[0].message_zh and r.doc_number in told[0].message
                                  for r in invited)
    assert "2027-03-30" in told[0].message and "no cancellation letter" in told[0].message
    # one note for the meeting is all the clerk sees: none per invitation saying it “stands” and may be
    # withdrawn by a letter — there is nothing to withdraw from a meeting gone by
    assert outcome.notes == tuple(told)
    assert not [n for n in outcome.notes if n.file is not None or "另行发函" in (n.fix_zh or "")]
    # what to do: it was held on its day, or it was not
    zh, en = told[0].render("zh"), told[0].render("en")
    assert "会议当天已经召开或没有召开" in zh and "it was held on that day or it was not" in en
    held = f"liaison plan --year {YEAR} --out DIR --held {JOINT_HEALTH} --force"
    assert held in zh and held in en
    assert "台账“会议走访”" in zh and "是否召开填“否”" in zh and "备注中写明原因" in zh
    assert "会议走访" in en and "the reason" in en
    again = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 4, 3))
    assert not [n for n in again.notes if "不再发取消函" in n.message_zh]  # said once
    assert not [r for r in again.state.letters if r.kind == "cancellation"]


def amended_on(seed: District, day: dt.date) -> tuple[District, str]:
    """The seed with 区经科's second pairing ending on ``day`` (its last day the one before), and that
    pairing's counterpart."""
    first = next(p for p in seed.pairings if p.department == "economy-trade-science")
    ended = next(p for p in seed.pairings if p.department == "economy-trade-science" and p != first)
    return attrs.evolve(seed, pairings=tuple(attrs.evolve(p, valid_until=day) if p == ended else p
                                             for p in seed.pairings)), ended.counterpart


def test_an_invitee_dropped_after_the_meetings_day_is_told_in_one_note(tmp_path: Path) -> None:
    """区经科's joint meeting of 9 August, its invitations out on 26 July; an amendment that ends one
    of its pairings the day after reaches the export of 12 August, after the meeting, and the
    meeting no longer invites the other counterpart (the planner meets each apart now: the one whose
    pairing ended keeps the meeting). No cancellation letter for the invitee no longer asked (the
    meeting is gone by), one note for the meeting — what the clerk records (held, who attended) —,
    and none per invitation; the other counterpart's own meeting goes on a day still to come (not in
    March, reported at once as come with its invitations never sent)."""
    ws, seed = Workspace(tmp_path / "out"), seed_district()
    meeting = "2027/joint_meeting/economy-trade-science"
    sent = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 7, 26)).state.letters
    amended, _ = amended_on(seed, dt.date(2027, 8, 10))
    outcome = ws.export(amended, YEAR, INVITATIONS, issued_on=dt.date(2027, 8, 12))
    asked = set(outcome.state.plan.get(meeting).participants)
    (invited,) = [r for r in sent if r.engagement == meeting and r.recipient not in asked]
    assert not [r for r in outcome.state.letters if r.kind == "cancellation"]
    (told,) = [n for n in outcome.notes if "不再发取消函" in n.message_zh]
    assert outcome.notes == (told,)
    apart = outcome.state.plan.get(f"{meeting}/{invited.recipient}")
    assert apart.date >= dt.date(2027, 8, 12) and apart.participants == ("economy-trade-science", invited.recipient)
    assert told.letters == (invited.doc_number,)
    zh, en = told.render("zh"), told.render("en")
    name = seed.organisation(invited.recipient).name
    assert f"不再邀请{name}" in zh and "2027-08-09" in zh and invited.doc_number in zh and "不再发取消函" in zh
    assert "no longer invites" in en and invited.doc_number in en
    held = f"liaison plan --year {YEAR} --out DIR --held {meeting}"
    assert held in zh and held in en and "--force" not in zh  # not cancelled: held needs no force
    assert "参加单位" in zh and "另行发函" not in zh


def test_a_meeting_new_after_an_amendment_goes_on_a_day_still_to_come(tmp_path: Path) -> None:
    """The amendment of 1 August reaches the export of 12 August: 区经科's meeting of 9 August (its
    invitations out on 26 July, still proposed) was for both counterparts; the pairing that ended
    has no day left for a meeting, the one that goes on all year gets its own. That one goes on 12
    August or after — not on 25 March, where the year's aim put it, reported at once as come with its
    invitations never sent; the plan says the other can no longer be placed; the meeting of 9 August,
    gone by, is told once as called off after its day (held or not: the clerk records which)."""
    ws, seed = Workspace(tmp_path / "out"), seed_district()
    meeting = "2027/joint_meeting/economy-trade-science"
    sent = ws.export(seed, YEAR, INVITATIONS, issued_on=dt.date(2027, 7, 26)).state.letters
    amended, gone = amended_on(seed, dt.date(2027, 8, 1))
    day = dt.date(2027, 8, 12)
    outcome = ws.export(amended, YEAR, INVITATIONS, issued_on=day)
    plan = outcome.state.plan
    (apart,) = [e for e in plan.engagements if e.id.startswith(f"{meeting}/")]
    assert apart.date >= day and gone not in apart.participants
    (unplaced,) = [u for u in plan.unplaced if gone in u.subject]
    assert "2027-07-31" in unplaced.reason_zh and day.isoformat() in unplaced.reason_zh
    invited = [r.doc_number for r in sent if r.engagement == meeting]
    (told,) = outcome.notes
    assert "不再发取消函" in told.message_zh and told.letters == tuple(invited)
    assert not [n for n in outcome.notes if "邀请函尚未印发" in n.message_zh]
