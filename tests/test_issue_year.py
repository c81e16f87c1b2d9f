"""The 〔〕 year of a 发文字号 is the year the letter is issued, and its serial that year's register
(GB/T 9704). A letter of one plan year issued in another calendar year is not numbered with the plan's
year: it is refused, located at the letter, in both languages, saying what to do — nothing written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from liaison.base.errors import ExportError
from liaison.formats.district import seed_district
from liaison.law.rules import EngagementKind
from liaison.year.engagements import KnownEvent
from liaison.year.numbering import LetterRegistry
from liaison_workspace import Workspace

SYMPOSIUM = KnownEvent(kind=EngagementKind.SYMPOSIUM, date=dt.date(2028, 1, 11), title_zh="迎春座谈会")


@pytest.fixture
def loaded_plugins() -> str:
    return "docx"


def test_invitations_of_next_year_issued_in_december_are_refused_and_nothing_written(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "out")
    with pytest.raises(ExportError) as caught:
        ws.export(seed_district(), 2028, [("docx", {})], events=[SYMPOSIUM], issued_on=dt.date(2027, 12, 28))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.docx"))
    err = caught.value
    assert err.file is not None and err.file.startswith("邀请函/")
    en, zh = err.render("en"), err.render("zh")
    assert "2027-12-28" in en and "〔2028〕" in en and "2028-01-01" in en
    assert "跨年" in zh and "2028-01-01" in zh
    # on a day of the plan's year the same letters are numbered, 〔2028〕 and dated that year
    outcome = Workspace(tmp_path / "out").export(seed_district(), 2028, [("docx", {})], events=[SYMPOSIUM],
                                                 issued_on=dt.date(2028, 1, 3))
    letters = outcome.state.letters if hasattr(outcome, "state") else Workspace(tmp_path / "out").read_state(
        seed_district(), 2028).letters
    invited = [r for r in letters if r.kind == "invitation"]
    assert invited and all("〔2028〕" in r.doc_number and r.date.year == 2028 for r in invited)


def test_a_letter_of_the_year_issued_the_next_year_is_refused() -> None:
    registry = LetterRegistry(year=2027)
    with pytest.raises(ExportError) as caught:
        registry.number(key="feedback/x", kind="feedback", series="区经科函", digest="d", date=dt.date(2028, 1, 15),
                        path="反馈函/2027-12-20-x.docx", title="关于调研报告反馈意见的函")
    assert caught.value.file == "反馈函/2027-12-20-x.docx"
    assert "2028" in caught.value.render("zh") and "手工编号" in caught.value.render("zh")
    # a preview numbers nothing for good: it is not refused
    record = registry.number(key="feedback/x", kind="feedback", series="区经科函", digest="d",
                             date=dt.date(2028, 1, 15), path="反馈函/x.docx", in_order=False)
    assert record.year == 2027


def test_a_letter_dated_before_its_series_latest_is_refused_in_plain_words() -> None:
    registry = LetterRegistry(year=2027)
    registry.number(key="a", kind="invitation", series="区府办函", digest="d", date=dt.date(2027, 6, 7), path="a.docx")
    with pytest.raises(ExportError) as caught:
        registry.number(key="b", kind="invitation", series="区府办函", digest="d", date=dt.date(2027, 6, 1),
                        path="b.docx")
    zh = caught.value.render("zh")
    assert "函函" not in zh and "以区府办函编号的公文" in zh and "2027-06-07" in zh


def test_a_cancelled_engagement_is_not_marked_provisional() -> None:
    from liaison.year.engagements import Status
    from liaison.year.planner import plan_year

    plan = plan_year(seed_district(), 2027)
    e = next(e for e in plan.engagements if e.provisional)
    assert e.marked_provisional or e.status != Status.PROPOSED
    assert not e.with_changes(status=Status.CANCELLED).marked_provisional
