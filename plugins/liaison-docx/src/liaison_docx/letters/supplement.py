"""补充通知 (文件格式): a change to a department's part of an annual notice that has gone out.

A notice once issued is never issued again. What the department was told is kept in the notice's
record (:attr:`liaison.year.numbering.LetterRecord.announced`: each engagement of its table, with
the day and time announced); when the plan no longer says that — a visit moved, a meeting
cancelled, a meeting added — the next export issues **one** 补充通知 to the department, from the
notice's series and issuer, naming the notice's 文号 and 成文日期 and listing every change, one
paragraph each (原定于… 调整为…, 取消, 新增). Its record keeps the list as it stands after it, so
the next change is told against that, and an export with nothing new issues nothing. Every later export writes each
补充通知 again from its records (the one before it and its own), under its own number, so its
bytes stay those that went out.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from liaison.law.district import District
from liaison.law.model import Organisation
from liaison.year.numbering import Announced, LetterRecord, LetterRegistry

from liaison_docx.letter_model import Letter, Paragraph, format_date, heading_number
from liaison_docx.letters import wording as w
from liaison_docx.letters.draft import Draft, letter_key
from liaison_docx.letters.notice import notice_title_units

__all__ = ["changes", "supplement_letter", "supplements"]

_COUNTERPARTS = "对口联系的民主党派、工商联"

#: One row of a 补充通知's table: the 事项, what was announced (or 新增) and what stands now (or 取消).
Row = tuple[str, str, str]


def supplements(district: District, registry: LetterRegistry, notices: Sequence[Draft], issued_on: dt.date | None,
                *, office: Organisation) -> tuple[Draft, ...]:
    """The 补充通知 of every department whose notice went out: those earlier exports issued (again,
    from their records), then one for what changed since the last thing the department was told,
    dated ``issued_on``. None new without a day (the API's preview): it is dated the day it goes out.
    A notice issued before its record kept what it announced is told no 补充通知."""
    drafts: list[Draft] = []
    for notice in notices:
        base = notice.record
        if base is None or base.announced is None:
            continue
        chain = [base, *registry.referring(base.doc_number, "supplement")]
        for i, (before, after) in enumerate(itertools.pairwise(chain), start=1):
            assert before.announced is not None and after.announced is not None
            drafts.append(_draft(district, office, notice, chain[:i], before.announced, after.announced,
                                 after.date, after.key))
        told = chain[-1].announced
        now = notice.announced or ()
        if issued_on is not None and told is not None and base.date <= issued_on and changes(told, now, issued_on):
            drafts.append(_draft(district, office, notice, chain, told, now, issued_on,
                                 letter_key("supplement", notice.subject, str(len(chain)))))
    return tuple(drafts)


def changes(told: Sequence[Announced], now: Sequence[Announced], since: dt.date | None = None) -> tuple[Row, ...]:
    """What differs between what the department was told and the plan now: a day or time moved, an
    engagement gone (cancelled, or no longer the department's), one added; in the order of their
    days (the announced day for one moved or cancelled). With ``since`` (the day of issue), a change
    whose day now (a cancelled one's: its announced day) is before it is left out: no date already
    past is announced (a visit of January cancelled in September, a meeting moved to a day gone by:
    the ledger's, not a notice's)."""
    before = {a.engagement: a for a in told}
    after = {a.engagement: a for a in now}
    rows: list[tuple[dt.date, str, Row]] = []
    for a in told:
        b = after.get(a.engagement)
        if b is None:
            rows.append((a.date, a.engagement, (a.item, _when(a), "取消")))
        elif (a.date, a.start, a.end) != (b.date, b.start, b.end):
            rows.append((a.date, a.engagement, (b.item, _when(a), _when(b))))
    rows += [(b.date, b.engagement, (b.item, "新增", _when(b))) for b in now if b.engagement not in before]

    def current(day: dt.date, engagement: str) -> bool:
        # the day it is announced for now (a cancelled one's: the day it was announced for) must be
        # to come: a 补充通知 never announces a date already past (a meeting moved to a day gone by
        # was held or missed: the ledger's), while a past day moved to a coming one is announced
        return since is None or (after[engagement].date if engagement in after else day) >= since

    return tuple(row for day, engagement, row in sorted(rows) if current(day, engagement))


def _when(a: Announced) -> str:
    day = f"{a.date.month}月{a.date.day}日"
    return day if a.start is None else f"{day}{w.clock_span(a.start, a.end)}"


def _said(row: Row) -> str:
    """联席会议（…）：原定3月30日14:30—16:30，调整为4月20日14:30—16:30。 (or 取消, or 新增)."""
    item, before, after = row
    if before == "新增":
        return f"{item}：新增，定于{after}。"
    if after == "取消":
        return f"{item}：原定于{before}，取消。"
    return f"{item}：原定于{before}，调整为{after}。"


def _draft(district: District, office: Organisation, notice: Draft, told_in: Sequence[LetterRecord],
           told: Sequence[Announced], now: tuple[Announced, ...], date: dt.date, key: str) -> Draft:
    base = told_in[0]
    letter = supplement_letter(district, office, notice, base, told_in[1:], changes(told, now, date), date)
    return Draft(kind="supplement", name=f"{date.isoformat()}-{notice.subject}-补充通知", own_number=True,
                 letter=letter, subject=notice.subject, recipient=notice.recipient, key=key,
                 series=base.series, refers_to=base.doc_number, announced=now, issuer=office.id,
                 provisions=notice.provisions)


def supplement_letter(district: District, office: Organisation, notice: Draft, base: LetterRecord,
                      earlier: Sequence[LetterRecord], rows: Sequence[Row], date: dt.date) -> Letter:
    """关于做好2027年区卫生局与民主党派、工商联对口联系工作的补充通知: the notice named by 文号 and
    成文日期 (and the 补充通知 before this one), the table of changes, 其他事项仍按原通知执行."""
    office_name, dept_name = w.full_name(district, office), notice.letter.recipients.rstrip("：:")
    units = notice_title_units(base.year, dept_name)
    since = "".join(f"、{r.doc_number}" for r in earlier)
    also = f"（其后又以{since[1:]}补充通知）" if earlier else ""
    # one paragraph a change, not a table: a short letter's lines are then counted exactly, so its
    # 落款 keeps with the last of them (a table's rows wrapped in LibreOffice past the count)
    numbered = len(rows) > 1
    body = (
        Paragraph(f"{w.self_reference(office)}于{format_date(base.date)}以{base.doc_number}印发了"
                  f"《{''.join(units)}》{also}。现将你单位{base.year}年度安排的调整通知如下："),
        *(Paragraph((heading_number(2, i) if numbered else "") + _said(row)) for i, row in enumerate(rows, 1)),
        # who acts on it, and that the rest stands; it also gives the 落款's page the lines it needs
        # (a 文件格式 page one holds about seven body lines; GB/T 9704: no 落款 alone on a page)
        Paragraph(f"请你单位按调整后的安排与{_COUNTERPARTS}做好衔接；其他事项仍按原通知执行。"),
        Paragraph("特此通知。"))
    units = notice_title_units(base.year, dept_name, "补充通知")
    return Letter(kind="document", issuing_authority_mark=f"{office_name}文件", doc_number=None,
                  title="".join(units), recipients=dept_name, body=body, signature=office_name, date=date,
                  cc=notice.letter.cc, printer=office_name, print_date=date, title_units=units)
