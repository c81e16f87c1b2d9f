"""The letters' register (发文登记簿), carried in the year's state.

A letter is a draft until it is issued; it has no number and no record. An export on day D issues
the drafts dated on or before D (:func:`issue_date`): each is dated D and takes the next number of
its series (:meth:`LetterRegistry.number`), in date order, so numbers rise with the 成文日期 and are
never reused (a withdrawn letter keeps its record, inactive). An issued letter keeps its record —
number, date, file — for good (:meth:`LetterRegistry.keep`); what changes afterwards goes out as a
new letter naming it. A series starts at 1, or where the district's data says the office's register
stands (:class:`liaison.law.model.Register`).

The registry is pure data; an exporter that writes letters asks it for numbers and returns each
:class:`LetterRecord` with its artifact, and the export flow keeps the records in the new state.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

import attrs

from liaison.base.errors import ExportError
from liaison.base.text import in_range, line_text, title_text

_SERIES = re.compile(r"[^\s〔〕]{1,16}")


def is_series(text: str) -> bool:
    """Whether ``text`` can head a 发文字号 (区府办函): 1–16 characters, no spaces or 〔〕."""
    return _SERIES.fullmatch(text) is not None


def format_doc_number(series: str, year: int, serial: int) -> str:
    """发文字号: the series (机关代字, with 函 for letters), full year in 〔〕, serial without 第 or zeros."""
    return f"{series}〔{year}〕{serial}号"


@attrs.frozen(kw_only=True)
class Announced:
    """One engagement as an annual notice's table announced it to a department (or as a 补充通知 left
    it): what a later change to the department's part of the year is told against."""

    engagement: str = attrs.field(validator=title_text)  # the engagement's id
    date: dt.date
    start: dt.time | None = None
    end: dt.time | None = None
    item: str = attrs.field(default="", validator=title_text)  # 事项（参加单位） as the table printed it


@attrs.frozen(kw_only=True)
class LetterRecord:
    """One letter as issued: its identity, number, date and the digest of its text."""

    key: str = attrs.field(validator=title_text)  # kind/subject/recipient: the same letter across exports
    # notice, supplement (补充通知), invitation, consultation, feedback, change, cancellation
    kind: str = attrs.field(validator=line_text)
    series: str = attrs.field(validator=line_text)  # 区府办函
    year: int = attrs.field(validator=in_range(1950, 2199))
    serial: int = attrs.field(validator=in_range(1, 1_000_000))
    doc_number: str = attrs.field(validator=line_text)  # 区府办函〔2027〕3号
    date: dt.date  # 成文日期
    digest: str = attrs.field(validator=line_text)  # sha256 of the text without number and date
    path: str = attrs.field(validator=title_text)
    recipient: str = attrs.field(default="", validator=line_text)
    engagement: str = attrs.field(default="", validator=line_text)  # the engagement an invitation is about
    engagement_date: dt.date | None = None  # the date the letter announced
    engagement_start: dt.time | None = None
    engagement_title: str = attrs.field(default="", validator=line_text)  # the title the letter announced
    # a change letter: the invitation's 文号; a 补充通知: the notice's
    refers_to: str = attrs.field(default="", validator=line_text)
    revision: int = attrs.field(default=0, validator=in_range(0, 1_000_000))  # the export that issued it
    active: bool = True  # part of the latest export
    # a notice: the department's engagements as its table announced them; a 补充通知: as they stand after
    # it. None: not recorded (a notice issued before the register kept them, told no 补充通知 against)
    announced: tuple[Announced, ...] | None = None


class LetterRegistry:
    """Numbers of one year's letters: reuse while the text is unchanged, the next free number else."""

    def __init__(self, records: Iterable[LetterRecord] = (), *, year: int, revision: int = 0) -> None:
        self.year = year
        self.revision = revision
        self.previous = tuple(records)
        self._by_key: dict[str, LetterRecord] = {}
        for r in self.previous:
            if r.active:
                self._by_key[r.key] = r
        self._used: dict[str, int] = {}
        self._dated: dict[str, LetterRecord] = {}  # each series' latest letter (the 成文日期 a new one may not precede)
        for r in self.previous:
            if r.year == year:
                self._used[r.series] = max(self._used.get(r.series, 0), r.serial)
                if r.series not in self._dated or r.serial > self._dated[r.series].serial:
                    self._dated[r.series] = r
        self.issued: list[LetterRecord] = []

    def last(self, key: str) -> LetterRecord | None:
        """The letter issued under ``key`` by the latest export, if any."""
        return self._by_key.get(key)

    def sent_for(self, engagement: str, kind: str = "invitation") -> tuple[LetterRecord, ...]:
        """The letters of ``kind`` about ``engagement`` that the latest export had issued."""
        return tuple(r for r in self._by_key.values() if r.engagement == engagement and r.kind == kind)

    def latest(self, key: str) -> LetterRecord | None:
        """The latest letter ever issued under ``key`` (active or not), if any."""
        found = [r for r in self.previous if r.key == key]
        return max(found, key=lambda r: (r.revision, r.serial)) if found else None

    def referring(self, doc_number: str, kind: str) -> tuple[LetterRecord, ...]:
        """The letters of ``kind`` ever issued that name ``doc_number`` (a notice's 补充通知), in the
        order of their numbers."""
        return tuple(sorted((r for r in self.previous if r.refers_to == doc_number and r.kind == kind),
                            key=lambda r: (r.year, r.serial)))

    def peek(self, series: str, first_serial: int = 1) -> int:
        """The serial the next letter of ``series`` would take (:meth:`number`), without taking it: a
        letter's file is named after its own number."""
        return max(self._used.get(series, 0) + 1, first_serial)

    def history(self, engagement: str, recipient: str, kind: str = "invitation") -> tuple[LetterRecord, ...]:
        """Every letter of ``kind`` about ``engagement`` to ``recipient`` ever issued (active or not),
        oldest first: a change letter is owed between two that announced different dates."""
        return tuple(sorted((r for r in self.previous if r.engagement == engagement and r.recipient == recipient
                             and r.kind == kind), key=lambda r: (r.revision, r.serial)))

    def keep(self, key: str) -> LetterRecord | None:
        """The letter issued under ``key`` by the latest export, kept as it is (number, date, file)
        and active in this one; None if there is none."""
        before = self._by_key.get(key)
        if before is None:
            return None
        record = attrs.evolve(before, active=True)
        self.issued.append(record)
        return record

    def number(self, *, key: str, kind: str, series: str, digest: str, date: dt.date, path: str,
               recipient: str = "", engagement: str = "", engagement_date: dt.date | None = None,
               engagement_start: dt.time | None = None, engagement_title: str = "", refers_to: str = "",
               first_serial: int = 1, in_order: bool = True,
               announced: tuple[Announced, ...] | None = None) -> LetterRecord:
        """A letter issued now: the next number of its series (at least ``first_serial``, where the
        office's register stands). With ``in_order`` a letter dated before the series' latest is
        refused (:class:`ExportError`): numbers follow the 成文日期, nothing is backdated."""
        if not is_series(series):
            raise ValueError(f"{series!r} is not a 发文字号 series")
        latest = self._dated.get(series)
        if in_order and latest is not None and date < latest.date:
            raise ExportError(
                f"{latest.doc_number} is dated {latest.date.isoformat()}: a letter of {series} issued on "
                f"{date.isoformat()} would take a later number with an earlier date",
                fix=f"export with --issued-on {latest.date.isoformat()} or later (letters are numbered in the order "
                    "they go out)",
                message_zh=f"{latest.doc_number}的成文日期为{latest.date.isoformat()}，{date.isoformat()}印发的{series}"
                           "函件将取得更大的文号却日期更早",
                fix_zh=f"请使用 --issued-on {latest.date.isoformat()} 或其后的日期导出（文号按发文先后编排）")
        serial = self.peek(series, first_serial)
        self._used[series] = serial
        record = LetterRecord(key=key, kind=kind, series=series, year=self.year, serial=serial,
                              doc_number=format_doc_number(series, self.year, serial),
                              date=date, digest=digest, path=path, recipient=recipient, engagement=engagement,
                              engagement_date=engagement_date, engagement_start=engagement_start,
                              engagement_title=engagement_title, refers_to=refers_to, revision=self.revision,
                              announced=announced)
        if latest is None or date >= latest.date:
            self._dated[series] = record
        self.issued.append(record)
        return record

    def records(self, answered: Callable[[str], bool] | None = None) -> tuple[LetterRecord, ...]:
        """Every letter ever issued this year: this export's active, earlier ones inactive — except
        those this export does not answer for (``answered(path)`` false: another exporter's, or a
        kind of letter the run left out), which stay as they were."""
        now = {r.key: r for r in self.issued}
        kept = [r if r.active and r.key not in now and answered is not None and not answered(r.path)
                else attrs.evolve(r, active=False)
                for r in self.previous if now.get(r.key) != r
                and not (r.key in now and now[r.key].doc_number == r.doc_number)]
        return tuple(sorted([*kept, *now.values()], key=lambda r: (r.series, r.serial)))


def issue_date(natural: dt.date, issued_on: dt.date | None, deadline: dt.date | None = None) -> dt.date | None:
    """The 成文日期 a draft takes when an export on ``issued_on`` issues it, or None while it stays a
    draft: one whose natural date (a notice's 5 January, an invitation's two weeks ahead) is later,
    or whose ``deadline`` (the day of the meeting it invites to) has come — a letter for what is over
    is never issued. Issued, it is dated the day it goes out, never earlier. Without a day
    (``issued_on`` None, the API's preview of the year as planned) every draft is issued on its
    natural date."""
    if issued_on is None:
        return natural
    if natural > issued_on or (deadline is not None and deadline <= issued_on):
        return None
    return issued_on
