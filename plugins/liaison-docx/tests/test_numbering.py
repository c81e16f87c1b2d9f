"""The letters' register through a year of exports (``liaison.host.exporting.build_export`` with the
state carried from one call to the next, each on its day of issue): a letter is a draft (``草稿/``, no
number) until the export on or after its date issues it, dated that day, with the next number of its
series; an issued letter keeps its number, date and record for good; numbers rise with the 成文日期 and
are never reused; a moved meeting re-issues its invitation at once under a new number with a change
letter naming the old 文号 and both dates; a cancelled one gets a cancellation letter; and those
letters come out identically on every later export."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Callable, Mapping

import attrs
import docx
import pytest
from docx_seed import JOINT_HEALTH, PLENARY, WORK_MEETING, make_records
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from liaison.base.errors import ExportError
from liaison.host.exporting import Exporter, ExportResult, build_export
from liaison.law.district import District
from liaison.law.rules import EngagementKind
from liaison.law.workdays import ChineseCalendar
from liaison.year.engagements import Plan, PlanOptions
from liaison.year.numbering import LetterRecord
from liaison.year.state import YearState

from liaison_docx.plugin import OPTIONS, export, scope

DOCX = Exporter("docx", "letters", export, options=OPTIONS, scope=scope)
CALENDAR = ChineseCalendar()


class Disk(dict[str, bytes]):
    """The year's folder as the edge leaves it: what each export wrote, what it archived moved away."""

    def after(self, result: ExportResult) -> Disk:
        disk = Disk(self)
        for path, to in result.archive:
            disk[to] = disk.pop(path)
        disk.update({a.path: a.data for _, a in result.writes})
        return disk


def run(district: District, state: YearState | None, *, issued_on: dt.date | None = None,
        on_disk: Mapping[str, str] | None = None, disk: Disk | None = None,
        options: Mapping[str, object] | None = None) -> ExportResult:
    return build_export(district, 2027, state, [(DOCX, dict(options or {}))], records=make_records(district),
                        calendar=CALENDAR, options=PlanOptions(events=(PLENARY,)) if state is None else None,
                        issued_on=issued_on, on_disk=on_disk, read=disk.get if disk is not None else None)


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
def year(seed: District) -> list[tuple[ExportResult, Disk]]:
    """A year of exports on their days, each with the folder it leaves: 11 January (the notices go
    out); 1 February (nothing new); 1 March (the plenary meeting's invitations); 3 March, the plenary
    meeting cancelled; 16 March (the health joint meeting's invitations); 20 March, that meeting moved
    to 20 April; 8 June (the work meeting's invitations); 10 June, the work meeting moved to the
    afternoon; 15 June, nothing new."""
    out: list[tuple[ExportResult, Disk]] = []

    def export_on(day: dt.date, change: Callable[[Plan], Plan] | None = None) -> None:
        before, disk = out[-1] if out else (None, Disk())
        state = before.state if before is not None else None
        if state is not None and change is not None:
            state = state.with_plan(change(state.plan))
        result = run(seed, state, issued_on=day, disk=disk,
                     on_disk={p: hashlib.sha256(b).hexdigest() for p, b in disk.items()})
        out.append((result, disk.after(result)))

    export_on(dt.date(2027, 1, 11))
    export_on(dt.date(2027, 2, 1))
    export_on(dt.date(2027, 3, 1))
    export_on(dt.date(2027, 3, 3), lambda plan: plan.cancel(plenary_id_of(plan), force=True))
    export_on(dt.date(2027, 3, 16))
    export_on(dt.date(2027, 3, 20), lambda plan: plan.move(JOINT_HEALTH, dt.date(2027, 4, 20)))
    export_on(dt.date(2027, 6, 8))
    export_on(dt.date(2027, 6, 10), lambda plan: plan.move(WORK_MEETING, plan.get(WORK_MEETING).date, dt.time(14, 30)))
    export_on(dt.date(2027, 6, 15))
    return out


def plenary_id_of(plan: Plan) -> str:
    return next(e.id for e in plan.engagements if e.kind == EngagementKind.PLENARY_MEETING)


# -- drafts and numbers -----------------------------------------------------------------------------------

Year = list[tuple[ExportResult, Disk]]


def results(year: Year) -> list[ExportResult]:
    return [r for r, _ in year]


def test_letters_are_drafts_until_their_day_and_take_no_number(year: Year) -> None:
    first = year[0][0]
    assert {r.kind for r in first.state.letters} == {"notice"}  # on 11 January only the notices are due
    assert all(r.date == dt.date(2027, 1, 11) for r in first.state.letters)  # dated the day they go out
    drafts = [a for _, a in first.writes if a.path.startswith("草稿/")]
    assert drafts and all(a.letter is None and a.policy == "replace" for a in drafts)
    assert {a.path.split("/")[1] for a in drafts} == {"邀请函", "征求意见函", "反馈函"}
    invitation = next(a for a in drafts if a.path.startswith("草稿/邀请函/"))
    assert "区府办函〔2027〕\u3000\u3000号" in words(invitation.data)  # the number left blank
    # issued later, a draft leaves 草稿/ and its letter is numbered
    plenary = year[2][0]
    issued = [r for r in plenary.state.letters if r.kind == "invitation"]
    assert issued and all(r.date == dt.date(2027, 3, 1) and not r.path.startswith("草稿/") for r in issued)
    # its draft is removed, not filed under 已作废/: it was issued, not withdrawn
    left = {p.removeprefix("草稿/") for p in plenary.removed if p.startswith("草稿/邀请函/")}
    assert {r.path for r in issued} == left
    assert not [p for p, _ in plenary.archive if p.removeprefix("草稿/") in left]


@pytest.mark.parametrize(("step", "day"), [(0, dt.date(2027, 1, 11)), (2, dt.date(2027, 3, 1)),
                                         (4, dt.date(2027, 3, 16))])
def test_a_preview_numbers_nothing(seed: District, year: Year, step: int, day: dt.date) -> None:
    """``preview``: the export issuing would be, with every letter it would number written as the
    draft it still is (blank number line, no record) at the path it would take; the letters issued
    before stand as they are. The notices (11 January), the plenary meeting's invitations (1 March),
    the health meeting's (16 March)."""
    before, disk = year[step - 1] if step else (None, Disk())
    state = before.state if before is not None else None
    on_disk = {p: hashlib.sha256(b).hexdigest() for p, b in disk.items()}
    issuing = run(seed, state, issued_on=day, disk=disk, on_disk=on_disk)
    preview = run(seed, state, issued_on=day, disk=disk, on_disk=on_disk, options={"preview": True})
    issued = {a.path: a for _, a in issuing.writes}
    shown = {a.path: a for _, a in preview.writes}
    assert set(shown) == set(issued)
    held = {r.path for r in (state.letters if state is not None else ()) if r.active}
    new = {path for path, a in issued.items() if a.letter is not None and path not in held}
    assert new  # each step issues something
    assert {r.path for r in preview.state.letters if r.active} == held
    for path in new:
        number = issued[path].letter.doc_number  # type: ignore[union-attr]
        text = words(shown[path].data)
        assert shown[path].letter is None and shown[path].policy == "replace"
        assert number not in text and "〔2027〕\u3000\u3000号" in text and number in words(issued[path].data)
    files = written(preview.state)
    assert all(files[path] == on_disk[path] for path in held)  # written again or not, the same bytes
    assert all(shown[path].data == disk[path] for path in held & set(shown))


#: Every kind of letter the exporter makes (the records' consultation goes out in November).
ALL_KINDS = {"notice", "supplement", "invitation", "change", "cancellation", "consultation", "feedback"}


def test_a_preview_keeps_every_letter_in_force_as_it_went_out(seed: District, year: Year) -> None:
    """The year's exports, then one on 5 November (the consultation, and the autumn's invitations):
    every kind of letter has gone out. The environment meeting's start is then moved — its invitation
    would go out again at the very path of the one in force, with a change letter and a 补充通知. A
    preview on 10 November numbers nothing and withdraws nothing: every letter in force comes back
    with the bytes it went out as, the invitation an issue would replace included, and the drafts of
    what would replace it take other paths, with a blank number line and no number the register has
    not given (the change letter names the new invitation's as blank too)."""
    last, disk = year[-1]
    on_disk = {p: hashlib.sha256(b).hexdigest() for p, b in disk.items()}
    november = run(seed, last.state, issued_on=dt.date(2027, 11, 5), disk=disk, on_disk=on_disk)
    disk = disk.after(november)
    in_force = {r.path: r for r in november.state.letters if r.active}
    assert {r.kind for r in in_force.values()} == ALL_KINDS
    meeting = next(e for e in november.state.plan.engagements
                   if e.kind == EngagementKind.JOINT_MEETING and e.host == "environment")
    sent = [r for r in in_force.values() if r.engagement == meeting.id and r.kind == "invitation"]
    assert sent and meeting.start is not None
    start = dt.time(14, 30) if meeting.start != dt.time(14, 30) else dt.time(9, 0)
    state = november.state.with_plan(november.state.plan.move(meeting.id, meeting.date, start))
    on_disk = {p: hashlib.sha256(b).hexdigest() for p, b in disk.items()}
    day = dt.date(2027, 11, 10)
    issuing = run(seed, state, issued_on=day, disk=disk, on_disk=on_disk)
    preview = run(seed, state, issued_on=day, disk=disk, on_disk=on_disk, options={"preview": True})
    # the issue replaces the invitation at its own path, with a change letter and a 补充通知
    replaced = {r.path for r in sent}
    assert replaced <= {path for path, _ in issuing.archive}
    numbers = {r.doc_number for r in state.letters}
    would = [a.letter for _, a in issuing.writes if a.letter is not None and a.letter.doc_number not in numbers]
    assert {r.kind for r in would} == {"invitation", "change", "supplement"}
    # the preview: nothing archived, every letter in force as it went out, the register as it was
    assert not {path for path, _ in preview.archive} & set(in_force)
    files = written(preview.state)
    assert all(files[path] == on_disk[path] for path in in_force)
    shown = {a.path: a for _, a in preview.writes}
    assert all(shown[path].data == disk[path] for path in set(in_force) & set(shown))
    assert {(r.doc_number, r.active) for r in preview.state.letters} == {
        (r.doc_number, r.active) for r in state.letters}
    drafts = {path: a for path, a in shown.items() if path not in in_force}
    assert len([a for a in drafts.values() if not a.path.startswith("草稿/")]) == len(would)
    for path, a in drafts.items():
        text = words(a.data)
        assert a.letter is None and a.policy == "replace" and "〔2027〕\u3000\u3000号" in text, path
        named = [m.end() for m in re.finditer(r"〔2027〕\d+号", text)]
        assert all(any(text[:end].endswith(n) for n in numbers) for end in named), path


def test_no_letter_for_a_meeting_whose_day_has_come_before_it_went_out(seed: District) -> None:
    """An export first run in September issues no invitation to the spring's meetings, and writes no
    draft of one either; the autumn's are drafts or go out that day."""
    late = run(seed, None, issued_on=dt.date(2027, 9, 1))
    invitations = [a for _, a in late.writes if "邀请函/" in a.path]
    assert invitations
    for a in invitations:
        day = dt.date.fromisoformat(a.path.split("/")[-1][:10])
        assert day > dt.date(2027, 9, 1), a.path


def test_numbers_rise_with_the_date_in_every_series_without_reuse_or_gap(year: Year) -> None:
    letters = year[-1][0].state.letters
    by_series: dict[str, list[LetterRecord]] = defaultdict(list)
    for r in letters:
        assert r.year == 2027 and r.doc_number == f"{r.series}〔2027〕{r.serial}号"
        by_series[r.series].append(r)
    for series, records in by_series.items():
        records.sort(key=lambda r: r.serial)
        assert [r.serial for r in records] == list(range(1, len(records) + 1)), series  # no gap, none twice
        assert [r.date for r in records] == sorted(r.date for r in records), series  # never backdated
    kinds = {(r.kind, r.series) for r in letters}
    assert {("notice", "区府办"), ("invitation", "区府办函"), ("invitation", "区卫函"), ("change", "区卫函"),
            ("cancellation", "区府办函")} <= kinds
    notices = [r for r in by_series["区府办"] if r.kind == "notice"]
    assert len(notices) == 14  # one notice per department, issued once, never renumbered
    # what changed in a department's part after its notice went out is a 补充通知 naming the notice
    supplements = [r for r in by_series["区府办"] if r.kind != "notice"]
    assert supplements and {r.kind for r in supplements} == {"supplement"}
    assert {r.refers_to for r in supplements} <= {r.doc_number for r in notices}


def test_the_register_continues_where_the_data_says(seed: District) -> None:
    """A body continues its own 发文登记簿: the first number of a series in a year is the data's."""
    from liaison.law.model import Register

    office = seed.general_office()
    registers = (Register(series="区府办", year=2027, first_number=31, note="本办登记簿2027年已用至30号"),)
    district = attrs.evolve(seed, organisations=tuple(
        attrs.evolve(o, registers=registers) if o.id == office.id else o for o in seed.organisations))
    first = run(district, None, issued_on=dt.date(2027, 1, 11))
    notices = sorted(r.serial for r in first.state.letters if r.series == "区府办")
    assert notices == list(range(31, 45))
    assert district.register_start("区府办函", 2027) == 1 and district.register_start("区府办", 2028) == 1


def test_an_unchanged_reexport_keeps_every_number_and_date(year: Year) -> None:
    first, again = year[0][0], year[1][0]
    assert again.state.letters == first.state.letters  # the later day of issue changes no date
    assert again.writes == () and again.archive == ()


def test_an_export_dated_before_the_register_is_refused(seed: District, year: Year) -> None:
    """Numbers follow the 成文日期: an export whose day is before the last letter of a series it
    would number is refused, nothing written."""
    health, disk = year[4]
    plan = health.state.plan.move(JOINT_HEALTH, dt.date(2027, 4, 20))
    with pytest.raises(ExportError) as caught:
        run(seed, health.state.with_plan(plan), issued_on=dt.date(2027, 3, 10), disk=disk)
    assert "区卫函〔2027〕" in str(caught.value) and "2027-03-16" in str(caught.value)
    assert caught.value.message_zh and caught.value.fix_zh


def test_an_issued_letter_is_never_written_again_only_drafts_follow_the_data(seed: District, year: Year) -> None:
    """Renamed once (``--district-name``), then not: every letter that went out keeps its record and
    its bytes; the drafts take the new name and then the old one again."""
    health, disk = year[4]
    on_disk = {p: hashlib.sha256(b).hexdigest() for p, b in disk.items()}
    renamed = run(seed.renamed("厦门市海沧区"), health.state, issued_on=dt.date(2027, 3, 17), disk=disk,
                  on_disk=on_disk)
    assert active(renamed) == active(health)
    assert [p for p, _ in renamed.archive] == [] and renamed.writes
    assert all(a.path.startswith("草稿/") and a.letter is None for _, a in renamed.writes)
    assert all("厦门市海沧区" in words(a.data) for _, a in renamed.writes)
    disk = disk.after(renamed)
    plain = run(seed, renamed.state, issued_on=dt.date(2027, 3, 18), disk=disk,
                on_disk={p: hashlib.sha256(b).hexdigest() for p, b in disk.items()})
    assert active(plain) == active(health) and not plain.archive
    assert all(a.path.startswith("草稿/") for _, a in plain.writes)
    # without the store's bytes (a folder the letters were deleted from) they are written again, with
    # their own numbers and dates
    lost = run(seed, health.state, issued_on=dt.date(2027, 3, 17))
    assert active(lost) == active(health)


def test_never_one_number_on_two_texts(year: Year) -> None:
    texts: dict[str, set[str]] = defaultdict(set)
    for result in results(year):
        for _, artifact in result.writes:
            if artifact.letter is not None:
                texts[artifact.letter.doc_number].add(words(artifact.data))
        numbers = [(r.series, r.serial) for r in result.state.letters]
        assert len(numbers) == len(set(numbers))
    assert texts and all(len(t) == 1 for t in texts.values())


def test_no_issued_letters_bytes_ever_change(year: Year) -> None:
    """Every file a letter was issued as stays, byte for byte, in the folder or under 已作废/."""
    seen: dict[str, bytes] = {}
    for result, disk in year:
        for r in result.state.letters:
            data = disk.get(r.path) if r.active else None
            if r.active:
                assert data is not None, r.path
                assert seen.setdefault(r.doc_number, data) == data, r.doc_number
    withdrawn = {r.doc_number for r in year[-1][0].state.letters if not r.active}
    assert withdrawn and withdrawn <= set(seen)
    kept = {k: v for k, v in year[-1][1].items() if k.startswith("已作废/")}
    assert all(any(data == v for v in kept.values()) for n, data in seen.items() if n in withdrawn)


# -- change and cancellation letters ----------------------------------------------------------------------

def test_a_moved_meeting_gets_a_new_invitation_at_once_and_a_change_letter(year: Year) -> None:
    health, moved = year[4][0], year[5][0]
    changes = [r for r in moved.state.letters if r.kind == "change"]
    assert sorted(r.recipient for r in changes) == ["cpwdp", "jiusan"]  # the invitation's recipients
    texts = {a.letter.recipient: words(a.data) for _, a in moved.writes
             if a.letter is not None and a.letter.kind == "change"}
    for r in changes:
        old = active(health)[f"invitation/{JOINT_HEALTH}/{r.recipient}"]
        new = active(moved)[f"invitation/{JOINT_HEALTH}/{r.recipient}"]
        assert new.date == dt.date(2027, 3, 20) and new.serial > old.serial  # re-issued the day of the move
        assert r.refers_to == old.doc_number and r.series == "区卫函" and r.path.startswith("变更函/")
        text = texts[r.recipient]
        assert "关于区卫生局与农工党总支部、九三学社综合支社联席会议改期的函" in text.replace("\n", "")
        assert (f"我局于2027年3月16日以{old.doc_number}邀请贵单位负责人出席原定于2027年3月30日（星期二）14:30召开的"
                in text)
        assert f"经研究，该会议改于2027年4月20日（星期二）14:30召开。有关事项以{new.doc_number}为准" in text
        assert r.date == dt.date(2027, 3, 20)
        kept = next(x for x in moved.state.letters if x.doc_number == old.doc_number)
        assert not kept.active and kept.date == old.date and kept.digest == old.digest  # withdrawn, in the register
    assert dict(moved.archive)["邀请函/2027-03-30-joint_meeting-health-cpwdp.docx"] == \
        "已作废/2027-03-20/邀请函/2027-03-30-joint_meeting-health-cpwdp.docx"  # the day it was withdrawn
    notice_before, notice_after = active(health)["notice/health"], active(moved)["notice/health"]
    assert notice_before == notice_after  # the notice that went out is not re-issued


def test_change_letters_come_out_identically_on_every_later_export(year: Year) -> None:
    moved = year[5][0]
    first_seen = {r.key: r for r in moved.state.letters if r.kind == "change"}
    for result in results(year)[6:]:
        now = active(result)
        for key, record in first_seen.items():
            assert now[key] == record  # same number, date and text
            assert record.path in result.unchanged  # the same bytes: nothing archived, nothing rewritten
    assert year[-1][0].writes == () and year[-1][0].archive == ()


def test_a_time_moved_and_a_cancelled_meeting(year: Year) -> None:
    plenary_export, cancelled, timed = year[2][0], year[3][0], year[7][0]
    writes = {a.path: a for _, a in timed.writes}
    timing = [a for a in writes.values() if a.letter is not None and a.letter.kind == "change"
              and a.letter.engagement == WORK_MEETING]
    assert len(timing) == 8
    text = words(timing[0].data).replace("\n", "")
    assert "关于调整区人民政府与各民主党派、工商联联系工作会议时间的函" in text
    assert "该会议时间调整为2027年6月21日（星期一）14:30" in text
    assert all(a.letter is not None and a.letter.date == dt.date(2027, 6, 10) for a in timing)
    plenary = plenary_id(plenary_export.state)
    invited = {r.recipient: r for r in plenary_export.state.letters
               if r.engagement == plenary and r.kind == "invitation"}
    made = {a.path: a for _, a in cancelled.writes}
    cancellations = [a for a in made.values() if a.letter is not None and a.letter.kind == "cancellation"]
    assert sorted(a.letter.recipient for a in cancellations if a.letter) == sorted(invited)
    for a in cancellations:
        assert a.letter is not None
        old = invited[a.letter.recipient]
        assert a.letter.refers_to == old.doc_number
        said = words(a.data).replace("\n", "")
        assert "关于取消区政府第一次全体会议的函" in said
        assert (f"我办于2027年3月1日以{old.doc_number}邀请贵单位负责人列席原定于2027年3月5日（星期五）9:00召开的"
                in said)
        assert "经研究，该会议取消，原邀请函不再执行。" in said
        assert a.letter.date == dt.date(2027, 3, 3)  # the day of the cancellation
    assert not any(r.active for r in cancelled.state.letters if r.engagement == plenary and r.kind == "invitation")
    assert len([r for r in year[-1][0].state.letters if r.active and r.kind == "cancellation"]) == 8


def test_an_export_of_some_kinds_takes_no_number_from_the_others(seed: District, year: Year) -> None:
    """``kinds=feedback`` answers for the 反馈函 only: every other letter stays active with its number
    and its file (nothing archived), and the next full export changes none of them."""
    before, disk = year[-1]
    partial = build_export(seed, 2027, before.state, [(DOCX, {"kinds": "feedback"})], records=make_records(seed),
                           calendar=CALENDAR, issued_on=dt.date(2027, 6, 15), read=disk.get)
    now = {r.key: r.doc_number for r in partial.state.letters if r.active}
    assert {k: v for k, v in now.items() if not k.startswith("feedback/")} == \
        {r.key: r.doc_number for r in before.state.letters if r.active and r.kind != "feedback"}
    assert not [path for path, _ in partial.archive if "反馈函/" not in path]
    full = run(seed, partial.state, issued_on=dt.date(2027, 6, 15), disk=disk.after(partial))
    assert {r.key: r.doc_number for r in full.state.letters if r.active} == \
        {r.key: r.doc_number for r in before.state.letters if r.active}
    assert not full.archive
    numbers = [(r.series, r.serial) for r in full.state.letters]
    assert len(numbers) == len(set(numbers))


def test_a_retitled_engagement_changes_no_letter_that_went_out(seed: District, year: Year) -> None:
    """What went out stands: a later title re-issues neither the invitation nor the change letter
    (both keep their numbers); only a draft would take it."""
    moved, disk = year[5]
    plan = moved.state.plan
    retitled = plan.get(JOINT_HEALTH).with_changes(title_zh="区卫生局与农工党、九三学社联席会议（扩大）")
    state = moved.state.with_plan(attrs.evolve(plan, engagements=tuple(
        retitled if e.id == JOINT_HEALTH else e for e in plan.engagements)))
    after = run(seed, state, issued_on=dt.date(2027, 3, 22), disk=disk)
    assert {k: r for k, r in active(after).items() if r.engagement == JOINT_HEALTH} == \
        {k: r for k, r in active(moved).items() if r.engagement == JOINT_HEALTH}


def test_an_invitation_moved_before_it_went_out_gets_no_change_or_cancellation_letter(seed: District) -> None:
    """A draft replaced before it went out never used a number: moving or cancelling its meeting
    changes the draft, writes no letter naming it, and the number goes to the letter that goes out.
    One that had gone out gets its letter, dated the day of the change."""
    first = run(seed, None, issued_on=dt.date(2027, 1, 11))
    disk = Disk().after(first)  # the issued letters' bytes, read back by every later export
    plan = first.state.plan.move(JOINT_HEALTH, dt.date(2027, 4, 20)).cancel(plenary_id(first.state), force=True)
    changed = run(seed, first.state.with_plan(plan), issued_on=dt.date(2027, 1, 15), on_disk=written(first.state),
                  disk=disk)
    # the health bureau's notice had gone out: it is told by a 补充通知; no invitation had
    assert [r.kind for r in changed.state.letters if r.kind != "notice"] == ["supplement"]
    disk = disk.after(changed)
    later = run(seed, changed.state, issued_on=dt.date(2027, 4, 6), on_disk=written(changed.state), disk=disk)
    out = {k: r for k, r in active(later).items() if r.engagement == JOINT_HEALTH and r.kind == "invitation"}
    assert sorted(r.serial for r in out.values()) == [1, 2]  # the first numbers of 区卫函: none used by the draft
    assert not [r for r in later.state.letters if r.kind in ("change", "cancellation")]
    again = later.state.with_plan(later.state.plan.move(JOINT_HEALTH, dt.date(2027, 4, 27), force=True))
    moved = run(seed, again, issued_on=dt.date(2027, 4, 12), on_disk=written(later.state), disk=disk.after(later))
    changes = [r for r in moved.state.letters if r.kind == "change"]
    assert sorted(r.refers_to for r in changes) == sorted(r.doc_number for r in out.values())
    assert all(r.date == dt.date(2027, 4, 12) for r in changes)


# -- the register's order, whatever the days ---------------------------------------------------------------

MOVABLE = (JOINT_HEALTH, WORK_MEETING, "2027/joint_meeting/construction", "2027/joint_meeting/planning")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(1, 40), st.sampled_from(MOVABLE), st.integers(-10, 30),
                          st.sampled_from(["move", "cancel", "none"])), min_size=2, max_size=6))
def test_any_year_of_exports_keeps_the_register_in_order(seed: District,
                                                         steps: list[tuple[int, str, int, str]]) -> None:
    """Exports on rising days with meetings moved or cancelled in between: in every series the numbers
    run from 1 with no gap and none twice, rise with the 成文日期, and every letter that went out keeps
    its bytes (in the folder while active, under 已作废/ once withdrawn)."""
    day, result, disk = dt.date(2027, 1, 4), None, Disk()
    sent: dict[str, str] = {}
    for gap, engagement, shift, action in steps:
        day += dt.timedelta(days=gap)
        state = result.state if result is not None else None
        if state is not None and action != "none":
            e = state.plan.get(engagement)
            if action == "move" and e.status.value != "cancelled":
                state = state.with_plan(state.plan.move(engagement, e.date + dt.timedelta(days=shift), force=True))
            elif action == "cancel":
                state = state.with_plan(state.plan.cancel(engagement, force=True))
        result = run(seed, state, issued_on=day, disk=disk,
                     on_disk={p: hashlib.sha256(b).hexdigest() for p, b in disk.items()})
        disk = disk.after(result)
        for r in result.state.letters:
            held = [disk[r.path]] if r.active else [b for p, b in disk.items() if p.endswith("/" + r.path)
                                                     and p.startswith("已作废/")]
            assert held, r.doc_number
            digests = {hashlib.sha256(b).hexdigest() for b in held}
            assert sent.setdefault(r.doc_number, min(digests)) in digests, r.doc_number
    assert result is not None
    by_series: dict[str, list[LetterRecord]] = defaultdict(list)
    for r in result.state.letters:
        by_series[r.series].append(r)
    for series, records in by_series.items():
        records.sort(key=lambda r: r.serial)
        assert [r.serial for r in records] == list(range(1, len(records) + 1)), series
        assert [r.date for r in records] == sorted(r.date for r in records), series


def test_a_preview_numbers_each_series_by_day_across_kinds() -> None:
    """The year previewed (no day of issue: each letter on its due date): numbers within a series
    follow the days, whatever the kind — 区经科函's feedback letter, due 6 May, takes 1号 before the
    invitations due 26 July, which came first when the kinds were numbered one after the other — and
    each letter's text carries the number its record holds. Within one day, the kinds' order."""
    from docx_seed import seed_request

    from liaison_docx.plugin import drafts

    found = [d for d in drafts(seed_request()) if d.record is not None]
    by_series: dict[str, list[LetterRecord]] = defaultdict(list)
    for d in found:
        assert d.letter.doc_number == d.record.doc_number and d.letter.date == d.record.date  # type: ignore[union-attr]
        by_series[d.record.series].append(d.record)  # type: ignore[union-attr]
    assert len(by_series) > 3
    for series, records in by_series.items():
        records.sort(key=lambda r: r.serial)
        assert [r.serial for r in records] == list(range(records[0].serial, records[0].serial + len(records))), series
        assert [r.date for r in records] == sorted(r.date for r in records), series
    economy = [(r.kind, r.date) for r in by_series["区经科函"]]
    assert economy[0] == ("feedback", dt.date(2027, 5, 6)) and {k for k, _ in economy[1:]} == {"invitation"}
