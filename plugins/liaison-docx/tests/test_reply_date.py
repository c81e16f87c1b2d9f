"""The 回执's reply-by date is never on or before the day the invitation is issued (#24): a letter
issued late asks for a working day after its day of issue and before the meeting, or, with none
left, for a reply before the meeting itself."""

from __future__ import annotations

import datetime as dt

import attrs
from docx_seed import make_plan
from hypothesis import given
from hypothesis import strategies as st
from liaison.formats.district import seed_district
from liaison.law.rules import EngagementKind
from liaison.law.workdays import ChineseCalendar
from liaison.year.engagements import KnownEvent

from liaison_docx.letter_model import Attachment, Letter, Paragraph, format_date
from liaison_docx.letters.invitation import REPLY_DAYS, invitations, reply_date

CALENDAR = ChineseCalendar()
MEETING = KnownEvent(kind=EngagementKind.SYMPOSIUM, date=dt.date(2027, 3, 10), title_zh="营商环境座谈会",
                     start=dt.time(9, 0), end=dt.time(11, 0), location="区政府第二会议室")


def asked(letter: Letter) -> str:
    slip = next(a for a in letter.attachments if isinstance(a, Attachment) and a.name == "回执")
    return next(b.text for b in slip.body if isinstance(b, Paragraph))


@given(meeting=st.dates(dt.date(2027, 1, 10), dt.date(2027, 12, 31)), lead=st.integers(1, 20),
       known=st.booleans())
def test_the_reply_date_is_after_the_day_of_issue_and_before_the_meeting(meeting: dt.date, lead: int,
                                                                         known: bool) -> None:
    issued = meeting - dt.timedelta(days=lead)
    calendar = CALENDAR if known else None
    found = reply_date(meeting, issued, calendar)
    due = meeting - dt.timedelta(days=REPLY_DAYS)
    if due > issued:
        assert found == due  # issued in time: a week ahead, as ever
        return
    between = [issued + dt.timedelta(days=n) for n in range(1, (meeting - issued).days)]
    working = [d for d in between if (CALENDAR.is_working_day(d) if known else d.weekday() < 5)]
    assert found == (working[0] if working else None)


def test_an_invitation_issued_late_asks_for_no_day_before_it() -> None:
    """Issued on 5 March for the meeting of 10 March (a week ahead would be 3 March): the reply is
    asked by Monday 8 March; issued on Tuesday 9 March (no working day left before the meeting):
    before the meeting itself. In time (1 March), a week ahead as before."""
    seed = seed_district()
    plan = make_plan(seed, MEETING)
    plan = attrs.evolve(plan, engagements=tuple(e for e in plan.engagements if e.date == MEETING.date))

    def said(day: dt.date) -> set[str]:
        return {asked(d.on_day(day) if d.on_day is not None else d.letter)
                for d in invitations(seed, plan, calendar=CALENDAR)}

    (late,) = said(dt.date(2027, 3, 5))
    assert format_date(dt.date(2027, 3, 8)) in late and format_date(dt.date(2027, 3, 3)) not in late
    (last,) = said(dt.date(2027, 3, 9))
    assert format_date(MEETING.date) in last and "尽快" in last
    (early,) = said(dt.date(2027, 2, 20))
    assert format_date(dt.date(2027, 3, 3)) in early


def test_the_exporter_words_the_reply_for_the_day_it_issues() -> None:
    """Through the docx exporter on 5 March: the invitations to the meeting of 10 March it issues
    ask for the 回执 by 8 March, their own date 5 March."""
    from docx_seed import seed_request

    from liaison_docx.plugin import drafts

    request = attrs.evolve(seed_request({"kinds": "invitation"}, MEETING), issued_on=dt.date(2027, 3, 5),
                           calendar=CALENDAR)
    found = [d for d in drafts(request) if d.kind == "invitation" and d.engagement_date == MEETING.date]
    assert found and all(d.record is not None and d.letter.date == dt.date(2027, 3, 5) for d in found)
    assert all(format_date(dt.date(2027, 3, 8)) in asked(d.letter) for d in found)
