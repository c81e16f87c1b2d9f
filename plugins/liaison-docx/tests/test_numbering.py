"""Letter numbers through a year of exports (``liaison.host.exporting.build_export`` with the state carried
from one call to the next): 函 numbers per series and year; a letter keeps its 文号 and 成文日期 while
its text is unchanged; a changed text is a new letter with a new number and the old record is kept
as superseded; never one 文号 on two texts; change and cancellation letters name the original 文号
and both dates, go to the invitation's recipients, and come out identically on every later export."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Mapping

import attrs
import docx
import pytest
from docx_seed import JOINT_HEALTH, PLENARY, WORK_MEETING, make_records
from liaison.host.exporting import Exporter, ExportResult, build_export
from liaison.law.district import District
from liaison.law.rules import EngagementKind
from liaison.law.workdays import ChineseCalendar
from liaison.year.engagements import PlanOptions
from liaison.year.numbering import LetterRecord
from liaison.year.state import YearState

from liaison_docx.plugin import OPTIONS, export, scope

DOCX = Exporter("docx", "letters", export, options=OPTIONS, scope=scope)
CALENDAR = ChineseCalendar()


def run(district: District, state: YearState | None, *, issued_on: dt.date | None = None,
        on_disk: Mapping[str, str] | None = None) -> ExportResult:
    return build_export(district, 2027, state, [(DOCX, {})], records=make_records(district), calendar=CALENDAR,
                        options=PlanOptions(events=(PLENARY,)) if state is None else None, issued_on=issued_on,
                        on_disk=on_disk)


def written(state: YearState) -> dict[str, str]:
    """Every file of the last export as it is on disk (the edge wrote them all)."""
    return {f.path: f.sha256 for f in state.manifest.files}


def active(result: ExportResult) -> dict[str, LetterRecord]:
    return {r.key: r for r in result.state.letters if r.active}


def words(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def plenary_id(state: YearState) -> str:
    return next(e.id for e in state.engagements if e.kind == EngagementKind.PLENARY_MEETING)


@pytest.fixture(scope="module")
def year(seed: District) -> list[ExportResult]:
    """A year of exports: first; unchanged; the health joint meeting moved; the work meeting's time
    moved (on 10 June, after its invitation went out) and the plenary meeting cancelled; unchanged again."""
    first = run(seed, None)
    again = run(seed, first.state, issued_on=dt.date(2027, 2, 1), on_disk=written(first.state))
    state = again.state.with_plan(again.state.plan.move(JOINT_HEALTH, dt.date(2027, 4, 20)))
    moved = run(seed, state, issued_on=dt.date(2027, 4, 10), on_disk=written(again.state))
    plan = moved.state.plan
    work = plan.get(WORK_MEETING)
    plan = plan.move(WORK_MEETING, work.date, dt.time(14, 30)).cancel(plenary_id(moved.state), force=True)
    cancelled = run(seed, moved.state.with_plan(plan), issued_on=dt.date(2027, 6, 10), on_disk=written(moved.state))
    last = run(seed, cancelled.state, issued_on=dt.date(2027, 6, 15), on_disk=written(cancelled.state))
    return [first, again, moved, cancelled, last]


# -- numbers ----------------------------------------------------------------------------------------------

def test_numbers_per_series_and_year(year: list[ExportResult]) -> None:
    letters = year[0].state.letters
    by_series: dict[str, list[int]] = defaultdict(list)
    for r in letters:
        assert r.year == 2027 and r.doc_number == f"{r.series}〔2027〕{r.serial}号"
        by_series[r.series].append(r.serial)
    for series, serials in by_series.items():
        assert sorted(serials) == list(range(1, len(serials) + 1)), series  # no gap, no number twice
    kinds = {(r.kind, r.series) for r in letters}
    assert ("notice", "区府办") in kinds  # the notices keep the issuer's series …
    assert ("invitation", "区府办函") in kinds and ("consultation", "区府办函") in kinds  # … letters its 函 series
    assert ("invitation", "区卫函") in kinds  # a department's own letters: its own 机关代字
    assert ("feedback", "区经科函") in kinds
    assert len(by_series["区府办"]) == 14
    health = sorted(r.doc_number for r in letters if r.engagement == JOINT_HEALTH)
    assert health == ["区卫函〔2027〕1号", "区卫函〔2027〕2号"]


def test_an_unchanged_reexport_keeps_every_number_and_date(year: list[ExportResult]) -> None:
    first, again = year[0], year[1]
    assert again.state.letters == first.state.letters  # the later day of issue changes no date
    assert again.writes == () and again.archive == ()
    assert len(again.unchanged) == len(first.state.letters)


def test_a_changed_text_is_a_new_letter_and_the_old_one_is_kept_superseded(year: list[ExportResult]) -> None:
    again, moved = year[1], year[2]
    before, after = active(again), active(moved)
    for recipient in ("cpwdp", "jiusan"):
        key = f"invitation/{JOINT_HEALTH}/{recipient}"
        old, new = before[key], after[key]
        assert new.doc_number != old.doc_number and new.series == old.series == "区卫函"
        assert new.serial > max(r.serial for r in again.state.letters if r.series == "区卫函")
        assert new.date == dt.date(2027, 4, 10)  # issued that day: later than two weeks ahead, before the meeting
        assert new.engagement_date == dt.date(2027, 4, 20)
        kept = next(r for r in moved.state.letters if r.doc_number == old.doc_number)
        assert not kept.active and kept.date == old.date and kept.digest == old.digest
    notice_old, notice_new = before["notice/health"], after["notice/health"]  # its table shows the new date
    assert (notice_old.doc_number, notice_new.doc_number) == ("区府办〔2027〕9号", "区府办〔2027〕15号")
    assert before["notice/finance"] == after["notice/finance"]  # untouched letters keep theirs
    archived = dict(moved.archive)
    assert archived["通知/09-health.docx"] == "已作废/1/通知/09-health.docx"
    assert "邀请函/2027-03-30-joint_meeting-health-cpwdp.docx" in archived


def test_never_one_number_on_two_texts(year: list[ExportResult]) -> None:
    texts: dict[str, set[str]] = defaultdict(set)
    digests: dict[str, set[str]] = defaultdict(set)
    for result in year:
        for _, artifact in result.writes:
            assert artifact.letter is not None
            texts[artifact.letter.doc_number].add(words(artifact.data))
        for r in result.state.letters:
            digests[r.doc_number].add(r.digest)
        numbers = [(r.series, r.serial) for r in result.state.letters]
        assert len(numbers) == len(set(numbers))
    assert texts and all(len(t) == 1 for t in texts.values())
    assert all(len(d) == 1 for d in digests.values())


# -- change and cancellation letters ----------------------------------------------------------------------

def change_artifacts(result: ExportResult, kind: str) -> dict[str, bytes]:
    """path → bytes of the change (or cancellation) letters the export produced, written or unchanged."""
    found = {a.path: a.data for _, a in result.writes if a.letter is not None and a.letter.kind == kind}
    for r in result.state.letters:
        if r.active and r.kind == kind and r.path not in found:
            assert r.path in result.unchanged
            found[r.path] = b""
    return found


def test_a_moved_meeting_gets_change_letters_naming_the_old_number_and_both_dates(year: list[ExportResult]) -> None:
    again, moved = year[1], year[2]
    changes = [r for r in moved.state.letters if r.kind == "change"]
    assert sorted(r.recipient for r in changes) == ["cpwdp", "jiusan"]  # the invitation's recipients
    texts = {a.letter.recipient: words(a.data) for _, a in moved.writes
             if a.letter is not None and a.letter.kind == "change"}
    for r in changes:
        old = active(again)[f"invitation/{JOINT_HEALTH}/{r.recipient}"]
        new = active(moved)[f"invitation/{JOINT_HEALTH}/{r.recipient}"]
        assert r.refers_to == old.doc_number and r.series == "区卫函" and r.path.startswith("变更函/")
        text = texts[r.recipient]
        assert "关于区卫生局与农工党总支部、九三学社综合支社联席会议改期的函" in text.replace("\n", "")
        assert (f"我局于2027年3月16日以{old.doc_number}邀请贵单位负责人出席原定于2027年3月30日（星期二）14:30召开的"
                in text)
        assert f"经研究，该会议改于2027年4月20日（星期二）14:30召开。有关事项以{new.doc_number}为准" in text
        assert r.date == new.date == dt.date(2027, 4, 10)  # it goes out with the new invitation


def test_change_letters_come_out_identically_on_every_later_export(year: list[ExportResult]) -> None:
    moved, cancelled, last = year[2], year[3], year[4]
    first_seen = {r.key: r for r in moved.state.letters if r.kind == "change"}
    for result in (cancelled, last):
        now = active(result)
        for key, record in first_seen.items():
            assert now[key] == record  # same number, date and text
            assert record.path in result.unchanged  # the same bytes: nothing archived, nothing rewritten
    assert last.writes == () and last.archive == ()


def test_a_time_moved_and_a_cancelled_meeting(year: list[ExportResult]) -> None:
    moved, cancelled = year[2], year[3]
    writes = {a.path: a for _, a in cancelled.writes}
    timing = [a for a in writes.values() if a.letter is not None and a.letter.kind == "change"
              and a.letter.engagement == WORK_MEETING]
    assert len(timing) == 8
    text = words(timing[0].data).replace("\n", "")
    assert "关于调整区人民政府与各民主党派、工商联联系工作会议时间的函" in text
    assert "该会议时间调整为2027年6月21日（星期一）14:30" in text
    plenary = plenary_id(moved.state)
    invited = {r.recipient: r for r in moved.state.letters if r.engagement == plenary and r.kind == "invitation"}
    cancellations = [a for a in writes.values() if a.letter is not None and a.letter.kind == "cancellation"]
    assert sorted(a.letter.recipient for a in cancellations if a.letter) == sorted(invited)
    for a in cancellations:
        assert a.letter is not None
        old = invited[a.letter.recipient]
        assert a.letter.refers_to == old.doc_number
        said = words(a.data).replace("\n", "")
        assert "关于区政府第一次全体会议取消的函" in said
        assert (f"我办于2027年2月19日以{old.doc_number}邀请贵单位负责人列席原定于2027年3月5日（星期五）9:00召开的"
                in said)
        assert "经研究，该会议取消，原邀请函不再执行。" in said
        assert a.letter.date == dt.date(2027, 2, 19)  # 10 June is past the meeting: the invitation's date
    gone = {r.doc_number for r in cancelled.state.letters if r.engagement == plenary and r.kind == "invitation"}
    assert gone == {r.doc_number for r in invited.values()}
    assert not any(r.active for r in cancelled.state.letters if r.engagement == plenary and r.kind == "invitation")
    assert len(change_artifacts(year[4], "cancellation")) == 8  # still there on the next export


def test_an_export_of_some_kinds_takes_no_number_from_the_others(seed: District, year: list[ExportResult]) -> None:
    """``kinds=feedback`` answers for the 反馈函 only: every other letter stays active with its number
    and its file (nothing archived), and the next full export changes none of them."""
    before = year[-1].state
    partial = build_export(seed, 2027, before, [(DOCX, {"kinds": "feedback"})], records=make_records(seed),
                           calendar=CALENDAR)
    active = {r.key: r.doc_number for r in partial.state.letters if r.active}
    assert {k: v for k, v in active.items() if not k.startswith("feedback/")} == \
        {r.key: r.doc_number for r in before.letters if r.active and r.kind != "feedback"}
    assert not [path for path, _ in partial.archive if not path.startswith("反馈函/")]
    assert {p.path for p in partial.state.manifest.files} >= {p.path for p in before.manifest.files
                                                              if not p.path.startswith("反馈函/")}
    full = run(seed, partial.state)
    assert {r.key: r.doc_number for r in full.state.letters if r.active} == \
        {r.key: r.doc_number for r in before.letters if r.active}
    assert not full.archive
    numbers = [(r.series, r.serial) for r in full.state.letters]
    assert len(numbers) == len(set(numbers))


def test_a_retitled_engagement_changes_no_change_letter_already_owed(seed: District, year: list[ExportResult]) -> None:
    """The change letter says what the invitation said (its record keeps the title it announced): a
    later new title re-issues the invitation, never the change letter about the earlier one."""
    moved = year[2]
    owed = {r.key: r for r in moved.state.letters if r.active and r.kind == "change"}
    assert owed and all(r.engagement == JOINT_HEALTH for r in owed.values())
    plan = moved.state.plan
    retitled = plan.get(JOINT_HEALTH).with_changes(title_zh="区卫生局与农工党、九三学社联席会议（扩大）")
    state = moved.state.with_plan(attrs.evolve(plan, engagements=tuple(
        retitled if e.id == JOINT_HEALTH else e for e in plan.engagements)))
    after = run(seed, state, issued_on=dt.date(2027, 4, 12), on_disk=written(moved.state))
    now = active(after)
    assert {k: now[k].doc_number for k in owed} == {k: r.doc_number for k, r in owed.items()}
    invitations = [r for r in now.values() if r.kind == "invitation" and r.engagement == JOINT_HEALTH]
    assert invitations and all(r.engagement_title == retitled.title_zh for r in invitations)
    assert all(r.doc_number not in {o.doc_number for o in moved.state.letters} for r in invitations)


def test_an_invitation_replaced_before_its_date_gets_no_change_or_cancellation_letter(seed: District) -> None:
    """Letters are dated ahead (an invitation two weeks before its meeting): one replaced before its
    成文日期 never went out, so the move or cancellation replaces it (archived, a new number) with no
    letter naming it — and no later export writes one. One that had gone out gets its letter, dated the
    day of the change, never before the invitation it names."""
    first = run(seed, None, issued_on=dt.date(2026, 12, 1))
    sent = active(first)
    health = {k: r for k, r in sent.items() if r.kind == "invitation" and r.engagement == JOINT_HEALTH}
    plenary = plenary_id(first.state)
    assert health and all(r.date > dt.date(2027, 1, 15) for r in health.values())  # not out yet on 15 January
    plan = first.state.plan.move(JOINT_HEALTH, dt.date(2027, 4, 20)).cancel(plenary, force=True)
    changed = run(seed, first.state.with_plan(plan), issued_on=dt.date(2027, 1, 15), on_disk=written(first.state))
    assert not [r for r in changed.state.letters if r.kind in ("change", "cancellation")]
    now = active(changed)
    assert all(now[k].doc_number != r.doc_number for k, r in health.items())  # new text, new number
    archived = {path for path, _ in changed.archive}
    assert {r.path for r in health.values()} <= archived
    assert {r.path for r in sent.values() if r.engagement == plenary} <= archived
    later = run(seed, changed.state, issued_on=dt.date(2027, 5, 1), on_disk=written(changed.state))
    assert not [r for r in later.state.letters if r.kind in ("change", "cancellation")]  # decided once
    # moved again after the new invitation went out (6 April): now a change letter is owed, dated that day
    out = {k: r for k, r in active(later).items() if r.engagement == JOINT_HEALTH and r.kind == "invitation"}
    assert all(r.date <= dt.date(2027, 4, 12) for r in out.values())
    again = later.state.with_plan(later.state.plan.move(JOINT_HEALTH, dt.date(2027, 4, 27), force=True))
    moved = run(seed, again, issued_on=dt.date(2027, 4, 12), on_disk=written(later.state))
    changes = [r for r in moved.state.letters if r.kind == "change"]
    assert sorted(r.refers_to for r in changes) == sorted(r.doc_number for r in out.values())
    assert all(r.date == dt.date(2027, 4, 12) for r in changes)
    assert all(out[f"invitation/{JOINT_HEALTH}/{r.recipient}"].date <= r.date for r in changes)
