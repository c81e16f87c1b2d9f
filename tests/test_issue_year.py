"""The 〔〕 year of a 发文字号 is the year the letter is issued, and its serial that year's register
(GB/T 9704). A letter of one plan year issued in another calendar year is numbered in that year's
register: 〔that year〕 and the next serial of its series after every number used in it — by that
plan year's letters, by the neighbouring plan years' letters issued in it, by the office's imported
register for it — never reused, never backdated. Its record stays with the plan year that made it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.base.errors import ExportError
from liaison.formats.district import seed_district
from liaison.law.records import RegisteredLetter
from liaison.law.rules import EngagementKind
from liaison.year.engagements import KnownEvent
from liaison.year.numbering import (
    LetterRecord,
    LetterRegistry,
    PlanYearLetters,
    dated_in,
    holding_years,
    register_lines,
    register_years,
)
from liaison_workspace import Workspace

SYMPOSIUM = KnownEvent(kind=EngagementKind.SYMPOSIUM, date=dt.date(2028, 1, 11), title_zh="迎春座谈会")
SERIES = "区府办函"


@pytest.fixture
def loaded_plugins() -> str:
    return "docx"


def issue(registry: LetterRegistry, key: str, day: dt.date, series: str = SERIES) -> LetterRecord:
    return registry.number(key=key, kind="invitation", series=series, digest="d", date=day, path=f"{key}.docx",
                           title=f"关于{key}的函")


def test_invitations_of_next_year_issued_in_december_take_the_numbers_of_december(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "out")
    outcome = ws.export(seed_district(), 2028, [("docx", {})], events=[SYMPOSIUM], issued_on=dt.date(2027, 12, 28))
    invited = [r for r in outcome.state.letters if r.kind == "invitation"]
    assert invited and all(r.year == 2027 and r.doc_number.startswith(f"{r.series}〔2027〕") for r in invited)
    assert all(r.date == dt.date(2027, 12, 28) for r in invited)
    # kept in the 2028 plan's state and folder, under the 2028 plan's own register of files
    assert all((tmp_path / "out" / "2028" / r.path).is_file() for r in invited)
    assert outcome.state.plan.year == 2028


def test_a_letter_of_the_year_issued_the_next_year_takes_that_years_register() -> None:
    registry = LetterRegistry(year=2027)
    issue(registry, "a", dt.date(2027, 11, 2), "区经科函")
    record = registry.number(key="feedback/x", kind="feedback", series="区经科函", digest="d",
                             date=dt.date(2028, 1, 15), path="反馈函/x.docx", title="关于调研报告反馈意见的函")
    assert (record.year, record.serial, record.doc_number) == (2028, 1, "区经科函〔2028〕1号")
    # the 2028 plan's own letters, and the office's 2028 register, already took numbers of 2028
    held = PlanYearLetters(plan_year=2028, letters=(record,))
    later = LetterRegistry(year=2027, others=(held,), imported=(
        RegisteredLetter(doc_number="区经科函〔2028〕4号", date=dt.date(2028, 1, 20)),))
    assert issue(later, "feedback/y", dt.date(2028, 1, 21), "区经科函").doc_number == "区经科函〔2028〕5号"
    assert issue(later, "z", dt.date(2027, 12, 1), "区经科函").doc_number == "区经科函〔2027〕1号"


def test_a_letter_is_not_numbered_before_another_plan_years_letter_of_its_register() -> None:
    december = issue(LetterRegistry(year=2028), "spring", dt.date(2027, 12, 20))
    assert december.doc_number == f"{SERIES}〔2027〕1号"
    registry = LetterRegistry(year=2027, others=(PlanYearLetters(plan_year=2028, letters=(december,)),))
    with pytest.raises(ExportError) as caught:
        issue(registry, "late", dt.date(2027, 12, 15))
    assert "2027-12-20" in caught.value.render("zh") and f"{SERIES}〔2027〕1号" in caught.value.render("zh")
    # a number not in this plan's folder: the refusal says whose letter it is, in both languages
    assert f"{SERIES}〔2027〕1号（2028年度计划的函件，文件在2028年文件夹）的成文日期为2027-12-20" \
        in caught.value.render("zh")
    assert f"{SERIES}〔2027〕1号 (a letter of the 2028 plan, its file in the 2028 folder) is dated 2027-12-20" \
        in caught.value.render("en")
    assert issue(registry, "newyear", dt.date(2027, 12, 28)).doc_number == f"{SERIES}〔2027〕2号"


def test_a_letter_dated_before_its_series_latest_is_refused_in_plain_words() -> None:
    registry = LetterRegistry(year=2027)
    registry.number(key="a", kind="invitation", series="区府办函", digest="d", date=dt.date(2027, 6, 7), path="a.docx")
    with pytest.raises(ExportError) as caught:
        registry.number(key="b", kind="invitation", series="区府办函", digest="d", date=dt.date(2027, 6, 1),
                        path="b.docx")
    zh = caught.value.render("zh")
    assert "函函" not in zh and "以区府办函编号的公文" in zh and "2027-06-07" in zh
    assert "年度计划" not in zh and "plan" not in caught.value.render("en")  # the plan's own letter: no more said


def test_the_years_an_export_locks_and_reads() -> None:
    assert register_years(2027, dt.date(2027, 5, 1)) == (2027,)
    assert register_years(2028, dt.date(2027, 12, 20)) == (2027, 2028)
    assert register_years(2027, dt.date(2028, 1, 15)) == (2027, 2028)
    assert register_years(2027, None) == (2027,)
    assert holding_years(2027, (2027,)) == (2026, 2028)
    # the 2028 plan issuing in December 2027: 2027's register holds the 2026 plan's January answers
    assert holding_years(2028, (2027, 2028)) == (2026, 2027, 2029)


def test_the_letters_of_a_calendar_year_come_from_every_plan_year_and_only_those() -> None:
    late = issue(LetterRegistry(year=2026), "late", dt.date(2027, 1, 8))  # the 2026 plan's answer in January
    own = issue(LetterRegistry(year=2027, others=(PlanYearLetters(plan_year=2026, letters=(late,)),)), "own",
                dt.date(2027, 3, 1))
    early = issue(LetterRegistry(year=2028, others=(PlanYearLetters(plan_year=2026, letters=(late,)),
                                                    PlanYearLetters(plan_year=2027, letters=(own,)))),
                  "early", dt.date(2027, 12, 20))
    spring = issue(LetterRegistry(year=2028), "spring", dt.date(2028, 1, 5))
    assert [r.serial for r in (late, own, early, spring)] == [1, 2, 3, 1]
    others = (PlanYearLetters.of(2028, (early, spring), (), (2027,)), PlanYearLetters.of(2026, (late,), (), (2027,)))
    assert others[0].letters == (early,)  # what is not of the register is not carried
    found = dated_in(2027, (own,), others, plan_year=2027)
    assert [(y, r.doc_number) for y, r in found] == [(2026, late.doc_number), (2027, own.doc_number),
                                                     (2028, early.doc_number)]
    # the 2027 plan's 发文登记: its own letter plain, the others' marked with their plan year
    lines = register_lines((own,), others, 2027)
    assert [(line.doc_number, line.plan_year) for line in lines] == [(late.doc_number, 2026), (own.doc_number, None),
                                                                     (early.doc_number, 2028)]
    assert lines[1].status("zh") == "已印发"
    assert "2028年度计划" in lines[2].status("zh") and "2028 plan" in lines[2].status("en")
    # the 2028 plan's: its own 〔2027〕 letter under that number, with its 〔2028〕 one
    assert [line.doc_number for line in register_lines((early, spring))] == [early.doc_number, spring.doc_number]


def test_a_meeting_moved_twice_names_the_letter_that_replaced_each_invitation() -> None:
    """发文登记's 由…代替 is the invitation issued next under the same key (by date, then number), the one
    its change letter says is in force (以…为准), not the one in force now: moved on 12-29 and again on
    01-05, the December invitation was replaced by the 12-29 one."""
    def letter(kind: str, serial: int, day: dt.date, *, key: str = "invitation/spring/health", refers_to: str = "",
               active: bool = False) -> LetterRecord:
        return LetterRecord(key=key if kind == "invitation" else f"{kind}/{refers_to}", kind=kind, series=SERIES,
                            year=day.year, serial=serial, doc_number=f"{SERIES}〔{day.year}〕{serial}号", date=day,
                            digest="d", path=f"{kind}{serial}.docx", refers_to=refers_to, active=active,
                            engagement="spring", title=f"关于{kind}的函")
    first = letter("invitation", 17, dt.date(2027, 12, 20))
    second = letter("invitation", 25, dt.date(2027, 12, 29))
    third = letter("invitation", 1, dt.date(2028, 1, 5), active=True)
    changes = (letter("change", 33, dt.date(2027, 12, 29), refers_to=first.doc_number, active=True),
               letter("change", 9, dt.date(2028, 1, 5), refers_to=second.doc_number, active=True))
    lines = {line.doc_number: line for line in register_lines((third, changes[1], first, second, changes[0]))}
    assert lines[first.doc_number].replaced_by == second.doc_number
    assert lines[second.doc_number].replaced_by == third.doc_number
    assert lines[first.doc_number].status("zh") == \
        f"已作废（2027-12-29，由{second.doc_number}代替，见{changes[0].doc_number}）"
    assert lines[third.doc_number].status("zh") == "已印发" and not lines[changes[0].doc_number].replaced_by


# -- a property: issue days across the year boundary -----------------------------------------------------
#: one export: the plan year, the day of issue (a day of December 2027 or January 2028), how many letters
_EXPORT = st.tuples(st.sampled_from((2027, 2028)),
                    st.dates(min_value=dt.date(2027, 12, 1), max_value=dt.date(2028, 1, 31)),
                    st.integers(min_value=1, max_value=3), st.sampled_from(("区府办函", "区卫函")))


@settings(max_examples=120, deadline=None)
@given(st.lists(_EXPORT, min_size=1, max_size=12))
def test_serials_rise_with_the_dates_per_series_and_calendar_year_and_never_repeat(
        exports: list[tuple[int, dt.date, int, str]]) -> None:
    """Exports of the 2027 and 2028 plans in any order on days either side of the new year: each plan
    year's state keeps its own letters; each export numbers from the registers of what the other
    holds (as the edge loads them). A letter dated before its register's latest is refused, nothing
    else; what is numbered rises with the date in each (series, calendar year), from 1, none twice."""
    states: dict[int, tuple[LetterRecord, ...]] = {2027: (), 2028: ()}
    for n, (plan, day, count, series) in enumerate(exports):
        other = 2027 if plan == 2028 else 2028
        years = register_years(plan, day)
        registry = LetterRegistry(states[plan], year=plan, revision=n + 1,
                                  others=(PlanYearLetters.of(other, states[other], (), years),))
        latest = max((r.date for r in (*states[2027], *states[2028]) if (r.series, r.year) == (series, day.year)),
                     default=None)
        try:
            made = [issue(registry, f"{n}/{i}", day, series) for i in range(count)]
        except ExportError:
            assert latest is not None and day < latest
            continue
        assert latest is None or day >= latest
        states[plan] = (*states[plan], *made)
    everything = (*states[2027], *states[2028])
    for register in {(r.series, r.year) for r in everything}:
        numbered = sorted((r.serial, r.date) for r in everything if (r.series, r.year) == register)
        assert [s for s, _ in numbered] == list(range(1, len(numbered) + 1)), register
        assert [d for _, d in numbered] == sorted(d for _, d in numbered), register
        assert all(d.year == register[1] for _, d in numbered)


def test_a_cancelled_engagement_is_not_marked_provisional() -> None:
    from liaison.year.engagements import Status
    from liaison.year.planner import plan_year

    plan = plan_year(seed_district(), 2027)
    e = next(e for e in plan.engagements if e.provisional)
    assert e.marked_provisional or e.status != Status.PROPOSED
    assert not e.with_changes(status=Status.CANCELLED).marked_provisional


def test_a_letter_numbered_in_another_years_register_names_its_file_with_that_year(tmp_path: Path) -> None:
    """A change letter's file is named after its own number (…-改期-区府办函9.docx); the 2028 plan's
    change letters of December 2027 are 〔2027〕 and those of January 〔2028〕, so the same serial may
    come twice in one plan's folder: a number of another year than the plan's carries its year
    (…-区府办函2027-33.docx)."""
    ws, seed = Workspace(tmp_path / "out"), seed_district()

    def on(day: dt.date, meeting: dt.date) -> tuple[LetterRecord, ...]:
        event = attrs.evolve(SYMPOSIUM, id="spring", date=meeting)
        return ws.export(seed, 2028, [("docx", {})], events=[event], issued_on=day).state.letters

    assert any(r.kind == "invitation" for r in on(dt.date(2027, 12, 28), dt.date(2028, 1, 11)))
    on(dt.date(2027, 12, 29), dt.date(2028, 1, 13))
    letters = on(dt.date(2028, 1, 5), dt.date(2028, 1, 20))
    changes = [r for r in letters if r.kind == "change"]
    assert {r.year for r in changes} == {2027, 2028}
    for r in changes:
        own = f"{r.series}{r.serial}" if r.year == 2028 else f"{r.series}{r.year}-{r.serial}"
        assert r.path.endswith(f"-{own}.docx"), r.path
        assert (tmp_path / "out" / "2028" / r.path).is_file()
    assert len({r.path for r in letters}) == len(letters)
