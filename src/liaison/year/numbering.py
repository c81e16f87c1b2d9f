"""The letters' register (发文登记簿), carried in the year's state.

A letter is a draft until it is issued; it has no number and no record. An export on day D issues
the drafts dated on or before D (:func:`issue_date`): each is dated D and takes the next number of
its series (:meth:`LetterRegistry.number`), in date order, so numbers rise with the 成文日期 and are
never reused (a withdrawn letter keeps its record, inactive). An issued letter keeps its record —
number, date, file — for good (:meth:`LetterRegistry.keep`); what changes afterwards goes out as a
new letter naming it. A series starts at 1, or where the district's data says the office's register
stands (:class:`liaison.law.model.Register`).

A number's 〔〕 year is the calendar year of the letter's 成文日期 and its serial that year's register
(GB/T 9704), whichever plan year the letter belongs to: the 2028 plan's invitation issued on 2027-12-20
is 〔2027〕, after every number used in 2027 — by the 2027 plan's letters, the 2028 plan's issued in
2027, the 2026 plan's answered in 2027 (:func:`dated_in`, from the neighbouring plan years' states the
edge loads: :class:`PlanYearLetters`) and the office's imported register for 2027. The record stays
in the state of the plan year that made it.

The registry is pure data; an exporter that writes letters asks it for numbers and returns each
:class:`LetterRecord` with its artifact, and the export flow keeps the records in the new state.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable

import attrs

from liaison.base.errors import DataError, ExportError, LiaisonError, Location
from liaison.base.text import free_text, in_range, line_text, title_text
from liaison.law.model import format_doc_number as format_doc_number
from liaison.law.records import RegisteredLetter
from liaison.year.engagements import ChangeRefused
from liaison.year.registers import holding_years as holding_years
from liaison.year.registers import register_years as register_years

_SERIES = re.compile(r"[^\s〔〕]{1,16}")
# the letters that withdraw the letter they name (``refers_to``); a 补充通知 adds to its notice instead
_WITHDRAWING = ("change", "cancellation")


def is_series(text: str) -> bool:
    """Whether ``text`` can head a 发文字号 (区府办函): 1–16 characters, no spaces or 〔〕."""
    return _SERIES.fullmatch(text) is not None


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
    #: issued, and no longer made by the data, withdrawn by no letter: it stands as sent (the export
    #: that found it so said it, once); made again, it is an ordinary issued letter once more
    standing: bool = False
    # a notice: the department's engagements as its table announced them; a 补充通知: as they stand after
    # it. None: not recorded (a notice issued before the register kept them, told no 补充通知 against)
    announced: tuple[Announced, ...] | None = None
    #: what the 发文登记簿 shows of it: the title on one line, 主送 and 抄送 as the letter prints them
    title: str = attrs.field(default="", validator=free_text)
    to: str = attrs.field(default="", validator=free_text)
    cc: str = attrs.field(default="", validator=free_text)
    #: sha256 of the bytes the letter went out as (its file): what every later export must write again.
    #: Empty for a letter issued before the register kept it (the export flow fills it in from the
    #: manifest where the export that issued the letter wrote its file: ``with_issued_bytes``)
    sha256: str = attrs.field(default="", validator=line_text)


@attrs.frozen(kw_only=True)
class PlanYearLetters:
    """What another plan year's state holds of the registers an export numbers into or shows, read
    only: its letters dated in those calendar years (with the letters that withdrew them, so a
    register shows why) and the office's register it imported. The edge loads it
    (:meth:`liaison_workspace.Workspace.export`); the law and year layers only read it."""

    plan_year: int = attrs.field(validator=in_range(1950, 2199))
    letters: tuple[LetterRecord, ...] = ()
    register: tuple[RegisteredLetter, ...] = ()

    @classmethod
    def of(cls, plan_year: int, letters: Iterable[LetterRecord], register: Iterable[RegisteredLetter],
           years: Iterable[int]) -> PlanYearLetters:
        """The part of a plan year's state that concerns the calendar ``years``: its letters numbered
        in them and those naming one of these, and its imported register's lines of them."""
        wanted = set(years)
        letters = tuple(letters)
        dated = [r for r in letters if r.year in wanted]
        numbers = {r.doc_number for r in dated}
        naming = [r for r in letters if r.year not in wanted and r.refers_to in numbers]
        return cls(plan_year=plan_year, letters=tuple(sorted((*dated, *naming), key=_register_order)),
                   register=tuple(e for e in register if e.number[1] in wanted))


def dated_in(year: int, letters: Iterable[LetterRecord], others: Iterable[PlanYearLetters] = (),
             *, plan_year: int | None = None) -> tuple[tuple[int | None, LetterRecord], ...]:
    """The letters of calendar year ``year`` — the one place that says which they are: every letter
    numbered 〔year〕 (dated in it), whichever plan year's state holds it: ``letters`` (this plan
    year's own, paired with None, or with ``plan_year``) and each of ``others`` (paired with its
    plan year), by series and number."""
    found = [(plan_year, r) for r in letters if r.year == year]
    found += [(o.plan_year, r) for o in others if o.plan_year != plan_year or plan_year is None
              for r in o.letters if r.year == year]
    return tuple(sorted(found, key=lambda pair: _register_order(pair[1])))


def _register_order(r: LetterRecord) -> tuple[str, int, int]:
    return (r.series, r.year, r.serial)


def _issue_order(r: LetterRecord) -> tuple[dt.date, int, int]:
    """The order letters went out in: by 成文日期, then by number (a day's letters of one register)."""
    return (r.date, r.year, r.serial)


class LetterRegistry:
    """Numbers of one plan year's letters: reuse while the text is unchanged, the next free number
    of the series in the register of the calendar year of issue else. ``others``: what the
    neighbouring plan years' states hold of the registers this one numbers into (read-only:
    their numbers are used, their dates not to be preceded, their letters not this year's)."""

    def __init__(self, records: Iterable[LetterRecord] = (), *, year: int, revision: int = 0,
                 imported: Iterable[RegisteredLetter] = (), others: Iterable[PlanYearLetters] = ()) -> None:
        self.year = year
        self.revision = revision
        self.previous = tuple(records)
        self.others = tuple(others)
        self._by_key: dict[str, LetterRecord] = {}
        for r in self.previous:
            if r.active:
                self._by_key[r.key] = r
        # per series and calendar year: the highest number used, and the latest 成文日期 with the 文号
        # dated so (a new letter may not precede it)
        self._used: dict[tuple[str, int], int] = {}
        # (another plan year's letter: its plan year, so a refusal says whose letter it is)
        self._dated: dict[tuple[str, int], tuple[dt.date, str, int | None]] = {}
        for r in self.previous:
            self._take((r.series, r.year), r.serial, r.date, r.doc_number)
        for o in self.others:
            for r in o.letters:
                self._take((r.series, r.year), r.serial, r.date, r.doc_number,
                           o.plan_year if o.plan_year != year else None)
        # the office's own 发文登记簿 (records' ``register``, and the neighbours' imports): its numbers
        # are used too, by other documents
        for entry in (*imported, *(e for o in self.others for e in o.register)):
            series, entry_year, serial = entry.number
            self._take((series, entry_year), serial, entry.date, format_doc_number(series, entry_year, serial))
        self.issued: list[LetterRecord] = []
        # the earlier letters indexed once (a re-export asks about each engagement, recipient and
        # letter; a scan of the register each time made it quadratic in the letters issued)
        in_order = sorted(self.previous, key=lambda r: (r.revision, r.serial))
        self._about: dict[tuple[str, str], list[LetterRecord]] = {}  # (engagement, kind), oldest first
        self._under: dict[str, list[LetterRecord]] = {}  # key → letters
        self._naming: dict[tuple[str, str], list[LetterRecord]] = {}  # (refers_to, kind) → letters
        for r in in_order:
            self._about.setdefault((r.engagement, r.kind), []).append(r)
        for r in self.previous:  # the register's own order, as the scans that these replace met them
            self._under.setdefault(r.key, []).append(r)
            if r.refers_to:
                self._naming.setdefault((r.refers_to, r.kind), []).append(r)

    def _take(self, register: tuple[str, int], serial: int, date: dt.date | None, doc_number: str,
              plan_year: int | None = None) -> None:
        self._used[register] = max(self._used.get(register, 0), serial)
        if date is not None and (register not in self._dated or date > self._dated[register][0]):
            self._dated[register] = (date, doc_number, plan_year)

    def last(self, key: str) -> LetterRecord | None:
        """The letter issued under ``key`` by the latest export, if any."""
        return self._by_key.get(key)

    def sent_for(self, engagement: str, kind: str = "invitation") -> tuple[LetterRecord, ...]:
        """The letters of ``kind`` about ``engagement`` that the latest export had issued."""
        return tuple(r for r in self._by_key.values() if r.engagement == engagement and r.kind == kind)

    def latest(self, key: str) -> LetterRecord | None:
        """The latest letter ever issued under ``key`` (active or not), if any."""
        found = self._under.get(key)
        return max(found, key=lambda r: (r.revision, r.serial)) if found else None

    def referring(self, doc_number: str, kind: str) -> tuple[LetterRecord, ...]:
        """The letters of ``kind`` ever issued that name ``doc_number`` (a notice's 补充通知), in the
        order of their numbers."""
        return tuple(sorted(self._naming.get((doc_number, kind), ()), key=lambda r: (r.year, r.serial)))

    def peek(self, series: str, first_serial: int = 1, year: int | None = None) -> int:
        """The serial the next letter of ``series`` issued in calendar ``year`` (the plan's year
        unless given) would take (:meth:`number`), without taking it: a letter's file is named after
        its own number."""
        return max(self._used.get((series, self.year if year is None else year), 0) + 1, first_serial)

    def history(self, engagement: str, recipient: str, kind: str = "invitation") -> tuple[LetterRecord, ...]:
        """Every letter of ``kind`` about ``engagement`` to ``recipient`` ever issued (active or not),
        oldest first: a change letter is owed between two that announced different dates."""
        return tuple(r for r in self._about.get((engagement, kind), ()) if r.recipient == recipient)

    def recipients(self, engagement: str, kind: str = "invitation") -> tuple[str, ...]:
        """Every recipient a letter of ``kind`` about ``engagement`` was ever issued to, in the order
        of their first letters: one no longer invited is still owed word of it."""
        return tuple(dict.fromkeys(r.recipient for r in self._about.get((engagement, kind), ()) if r.recipient))

    def keep(self, key: str) -> LetterRecord | None:
        """The letter issued under ``key`` by the latest export, kept as it is (number, date, file)
        and active in this one; None if there is none."""
        before = self._by_key.get(key)
        if before is None:
            return None
        record = attrs.evolve(before, active=True, standing=False)
        self.issued.append(record)
        return record

    def number(self, *, key: str, kind: str, series: str, digest: str, date: dt.date, path: str,
               recipient: str = "", engagement: str = "", engagement_date: dt.date | None = None,
               engagement_start: dt.time | None = None, engagement_title: str = "", refers_to: str = "",
               first_serial: int = 1, in_order: bool = True,
               announced: tuple[Announced, ...] | None = None, title: str = "", to: str = "",
               cc: str = "", serial: int | None = None) -> LetterRecord:
        """A letter issued now: the next number of its series in the register of the calendar year of
        its 成文日期 ``date`` (〔that year〕, at least ``first_serial``, where the office's register
        stands), or ``serial`` where the caller numbers an export's letters in an order of its own (by
        day of issue across kinds: ``liaison_docx.issuing.Issuer``; one this register has not used).
        With ``in_order`` a letter dated before the latest of its series in that register — whichever
        plan year issued it — is refused (:class:`ExportError`): numbers follow the 成文日期, nothing
        is backdated."""
        if not is_series(series):
            raise ValueError(f"{series!r} is not a 发文字号 series")
        year = date.year
        latest = self._dated.get((series, year))
        if in_order and latest is not None and date < latest[0]:
            day, number, whose = latest[0].isoformat(), latest[1], latest[2]
            # another plan year's letter is not in this plan's folder: say whose it is and where
            theirs = f" (a letter of the {whose} plan, its file in the {whose} folder)" if whose else ""
            theirs_zh = f"（{whose}年度计划的函件，文件在{whose}年文件夹）" if whose else ""
            raise ExportError(
                f"{number}{theirs} is dated {day}: a letter of {series} issued on "
                f"{date.isoformat()} would take a later number with an earlier date",
                fix=f"export with --issued-on {day} or later (letters are numbered in the order "
                    "they go out)",
                message_zh=f"{number}{theirs_zh}的成文日期为{day}，{date.isoformat()}印发、以{series}编号的"
                           "公文将取得更大的文号却日期更早",
                fix_zh=f"请使用 --issued-on {day} 或其后的日期导出（文号按发文先后编排）")
        if serial is None:
            serial = self.peek(series, first_serial, year)
        record = LetterRecord(key=key, kind=kind, series=series, year=year, serial=serial,
                              doc_number=format_doc_number(series, year, serial),
                              date=date, digest=digest, path=path, recipient=recipient, engagement=engagement,
                              engagement_date=engagement_date, engagement_start=engagement_start,
                              engagement_title=engagement_title, refers_to=refers_to, revision=self.revision,
                              announced=announced, title=title, to=to, cc=cc)
        self._take((series, year), serial, date, record.doc_number)
        self.issued.append(record)
        return record

    def records(self, answered: Callable[[str], bool] | None = None) -> tuple[LetterRecord, ...]:
        """Every letter ever issued this year: this export's active; an earlier one inactive only where
        it was withdrawn in so many words (:meth:`withdrawn`). Any other earlier letter this export does
        not make again — its data gone (a cancelled meeting reinstated, a feedback date removed), or a
        letter this export does not answer for (another exporter's, a kind of letter the run left
        out) — stays as it was: a letter that went out stands as sent (:meth:`standing` names those
        the data no longer makes, among those the run answers for: ``answered(path)``)."""
        now = {r.key: r for r in self.issued}
        withdrawn = self._withdrawal()
        standing = {r.doc_number for r in self._standing(answered, withdrawn)}
        kept = [attrs.evolve(r, active=False, standing=False) if r.active and withdrawn(r)
                else attrs.evolve(r, standing=True) if r.doc_number in standing else r
                for r in self.previous if now.get(r.key) != r
                and not (r.key in now and now[r.key].doc_number == r.doc_number)]
        return tuple(sorted([*kept, *now.values()], key=_register_order))

    def withdrawn(self, record: LetterRecord) -> bool:
        """Whether ``record`` (issued earlier) is withdrawn by this export's letters or earlier ones:
        a change or cancellation letter names its 文号, or — a moved meeting's invitation — this
        export issues its key again under another number (the change letter naming it goes with it).
        Nothing else withdraws a letter that went out."""
        return self._withdrawal()(record)

    def _withdrawal(self) -> Callable[[LetterRecord], bool]:
        """:meth:`withdrawn` for many letters: what withdraws gathered once from the letters issued so
        far (``issued`` is set whole by the export flow, so it is read here, not indexed as it grows)."""
        named = {r.refers_to for r in (*self.previous, *self.issued) if r.kind in _WITHDRAWING and r.refers_to}
        again: dict[str, LetterRecord] = {}
        for r in self.issued:
            again.setdefault(r.key, r)
        # the latest change letter about each invitation to each recipient: a 恢复 letter issued after a
        # cancellation of that invitation puts it out of force (:func:`restores`)
        changed: dict[tuple[str, str, str], tuple[dt.date, int]] = {}
        for r in (*self.previous, *self.issued):
            if r.kind == "change" and r.refers_to:
                about = (r.refers_to, r.recipient, r.engagement)
                changed[about] = max(changed.get(about, (r.date, r.serial)), (r.date, r.serial))

        def withdrawn(record: LetterRecord) -> bool:
            if record.doc_number in named:
                return True
            if record.kind == "cancellation" and record.refers_to:
                latest = changed.get((record.refers_to, record.recipient, record.engagement))
                if latest is not None and latest > (record.date, record.serial):
                    return True  # a cancellation a 恢复 letter says is no longer in force (…不再执行)
            made = again.get(record.key)
            return record.kind == "invitation" and made is not None and made.doc_number != record.doc_number
        return withdrawn

    def standing(self, answered: Callable[[str], bool] | None = None) -> tuple[LetterRecord, ...]:
        """The letters issued earlier that this export answers for (``answered(path)``; without it,
        those an earlier export found so) but no longer makes, and that nothing withdrew: they stay
        issued, as sent (a letter that went out is withdrawn only by a letter of its own)."""
        return self._standing(answered, self._withdrawal())

    def _standing(self, answered: Callable[[str], bool] | None,
                  withdrawn: Callable[[LetterRecord], bool]) -> tuple[LetterRecord, ...]:
        now = {r.key for r in self.issued}
        made = {r.doc_number for r in self.issued}
        return tuple(r for r in self.previous if r.active and r.key not in now and r.doc_number not in made
                     and (r.standing if answered is None else r.standing or answered(r.path))
                     and not withdrawn(r))


class IssueDayRefused(ChangeRefused):
    """A day of issue after today, or before the day of an earlier export's, not asked for explicitly:
    issuing is irrevocable (numbers taken, drafts dropped), so a typo must not do it."""


def check_day_of_issue(issued_on: dt.date, *, today: dt.date, last: dt.date | None,
                       force: bool = False) -> None:
    """Refuse (:class:`IssueDayRefused`) an export that issues letters on a day after ``today`` — letters
    dated a day still to come are numbered and sent for good, and the drafts of meetings before it
    dropped — or before ``last``, the day of an earlier export (its letters' 成文日期, its withdrawals):
    that would bring back drafts it dropped and number letters out of order. ``force`` allows both, as
    ``--held`` for a day to come."""
    if force:
        return
    day = issued_on.isoformat()
    if issued_on > today:
        now = today.isoformat()
        raise IssueDayRefused(
            f"the day of issue {day} is a day still to come (today is {now}): the letters due by then would be "
            "numbered, dated and sent for good; nothing was issued",
            fix=f"give the day the letters really go out (today: {now}); to issue them dated in advance, ask "
                "for it explicitly (force)",
            message_zh=f"印发日期{day}尚未到来（今天是{now}）：届时到期的公文将被编号、署日期并正式发出，无法撤回；"
                       "未印发任何公文",
            fix_zh=f"请给出公文实际发出的日期（今天：{now}）；如确需提前署日期印发，请明确要求（force）")
    if last is not None and issued_on < last:
        was = last.isoformat()
        raise IssueDayRefused(
            f"the day of issue {day} is before {was}, the day of an earlier export: its letters and the drafts "
            "it dropped would come back as if that export had not been made; nothing was issued",
            fix=f"export with the day of the last export, {was}, or a later one; to go back nonetheless, ask for "
                "it explicitly (force)",
            message_zh=f"印发日期{day}早于此前一次导出的日期{was}：那次导出已处理的草稿将重新出现，如同未曾导出；"
                       "未印发任何公文",
            fix_zh=f"请使用最近一次导出的日期{was}或其后的日期导出；如确需回到更早的日期，请明确要求（force）")


def last_day_of_issue(letters: Iterable[LetterRecord], archived: Iterable[str], archive: str) -> dt.date | None:
    """The latest day an earlier export acted on: its letters' 成文日期 and the days of the folders
    it filed withdrawn files under (``<archive>/<day>/…``, ``<day>-2``)."""
    days = [r.date for r in letters]
    for path in archived:
        parts = path.split("/")
        if len(parts) > 1 and parts[0] == archive:
            try:
                days.append(dt.date.fromisoformat(parts[1][:10]))
            except ValueError:
                continue  # an archive folder named by an export's number, from an export without a day
    return max(days, default=None)


def restores(letter: LetterRecord, cancellation: LetterRecord) -> bool:
    """Whether ``letter`` is the 关于恢复举行…的函 that puts ``cancellation`` out of force: a change
    letter about the same invitation (the one the cancellation withdrew), to the same recipient, issued
    after it — its text says “…（the cancellation）不再执行”, so the register shows the cancellation
    withdrawn by it, not standing."""
    return (letter.kind == "change" and cancellation.kind == "cancellation" and bool(cancellation.refers_to)
            and letter.refers_to == cancellation.refers_to and letter.recipient == cancellation.recipient
            and letter.engagement == cancellation.engagement and (letter.date, letter.serial) > (
                cancellation.date, cancellation.serial))


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


# -- the 发文登记 sheet and the office's own register --------------------------------------------------
@attrs.frozen(kw_only=True)
class RegisterLine:
    """One line of the 发文登记 sheet: a letter issued this year, as the register shows it. A withdrawn
    letter keeps its line and its number (so no gap is unexplained): ``withdrawn_on`` is the day its
    change or cancellation letter (``notice``) went out, ``replaced_by`` the letter issued in its place
    (a moved meeting's new invitation), each when the register holds it."""

    series: str
    serial: int
    doc_number: str
    date: dt.date
    title: str
    to: str
    cc: str
    file: str
    kind: str
    withdrawn: bool = False
    withdrawn_on: dt.date | None = None
    replaced_by: str = ""
    notice: str = ""  # the change or cancellation letter that named it
    #: the plan year whose state holds the letter, when it is another than the register's (the 2028
    #: plan's invitation issued in December 2027, on the 2027 register); None: the register's own
    plan_year: int | None = None

    def status(self, lang: str = "zh") -> str:
        """已印发, or 已作废 with the day, the letter in its place and the letter that said so; a
        letter of another plan year says whose it is and where its file is."""
        return self._status(lang) + self._whose(lang)

    def _whose(self, lang: str) -> str:
        if self.plan_year is None:
            return ""
        if lang == "zh":
            return f"（{self.plan_year}年度计划的函件，文件在{self.plan_year}年文件夹）"
        return f" (a letter of the {self.plan_year} plan, its file in the {self.plan_year} folder)"

    def _status(self, lang: str) -> str:
        if not self.withdrawn:
            return "已印发" if lang == "zh" else "issued"
        day = self.withdrawn_on.isoformat() if self.withdrawn_on else ""
        if lang == "zh":
            parts = [p for p in (day, self.replaced_by and f"由{self.replaced_by}代替",
                                 self.notice and f"见{self.notice}") if p]
            return "已作废" + (f"（{'，'.join(parts)}）" if parts else "")
        parts = [p for p in (day and f"on {day}", self.replaced_by and f"replaced by {self.replaced_by}",
                             self.notice and f"see {self.notice}") if p]
        return "withdrawn" + (f" ({'; '.join(parts)})" if parts else "")


def register_lines(letters: Iterable[LetterRecord], others: Iterable[PlanYearLetters] = (),
                   year: int | None = None) -> tuple[RegisterLine, ...]:
    """Every letter of the plan year's register as a line of the 发文登记 sheet, by series, year and
    number: the plan's own letters (those issued in another calendar year under its 〔〕 number), and
    with ``year`` the letters of the neighbouring plan years numbered in that calendar year
    (:func:`dated_in`), each marked with its plan year (:attr:`RegisterLine.plan_year`)."""
    lines = list(_lines(tuple(letters), None))
    if year is not None:
        for other in others:
            held = {r.doc_number for _, r in dated_in(year, (), (other,))}
            lines += [line for line in _lines(other.letters, other.plan_year) if line.doc_number in held]
    return tuple(sorted(lines, key=lambda line: (line.series, line.date.year, line.serial)))


def _lines(letters: tuple[LetterRecord, ...], plan_year: int | None) -> tuple[RegisterLine, ...]:
    notices: dict[str, LetterRecord] = {}
    # a moved meeting's invitation, issued again under the same key: each in the order they went out
    # (a meeting moved twice: the first was replaced by the second, not by the one in force now)
    under: dict[str, list[LetterRecord]] = {}
    for r in letters:
        if r.refers_to and r.kind in ("change", "cancellation"):
            notices.setdefault(r.refers_to, r)
        under.setdefault(r.key, []).append(r)
    following: dict[str, LetterRecord] = {}  # 文号 → the next letter issued under its key
    for same in under.values():
        same.sort(key=_issue_order)
        following.update((earlier.doc_number, later) for earlier, later in itertools.pairwise(same))
    for r in letters:  # a cancellation put out of force by a 恢复 letter: the 恢复 letter said so
        if r.kind == "cancellation" and (restore := next((x for x in letters if restores(x, r)), None)) is not None:
            notices.setdefault(r.doc_number, restore)
    lines = []
    for r in sorted(letters, key=lambda r: (r.series, r.year, r.serial)):
        withdrawn = not r.active
        told = notices.get(r.doc_number) if withdrawn else None
        again = following.get(r.doc_number) if withdrawn else None
        after = [again] if again is not None and again.doc_number != r.doc_number else []
        lines.append(RegisterLine(
            series=r.series, serial=r.serial, doc_number=r.doc_number, date=r.date, title=r.title or r.engagement_title,
            to=r.to, cc=r.cc, file=r.path, kind=r.kind, withdrawn=withdrawn,
            withdrawn_on=told.date if told is not None else None,
            replaced_by=after[0].doc_number if after else "", notice=told.doc_number if told is not None else "",
            plan_year=plan_year))
    return tuple(lines)


@attrs.frozen
class RegisterConflict:
    """The office's register (imported) says fewer numbers of a series were used than the letters this
    program issued: the higher is taken, and the clerk is told (the 登记簿 lacks some letters)."""

    series: str
    year: int
    imported: int  # the highest number the import lists
    issued: str  # the 文号 of the highest letter in the year's state

    def message(self, lang: str = "en") -> str:
        if lang == "zh":
            return (f"导入的发文登记簿中{self.series}{self.year}年最大文号为{self.imported}号，但已印发的"
                    f"{self.issued}更大：文号从其后接续")
        return (f"the imported register's highest {self.series} number of {self.year} is {self.imported}, but "
                f"{self.issued} has been issued: numbering continues after it")

    def fix(self, lang: str = "en") -> str:
        if lang == "zh":
            return "请把已印发的函件补登到发文登记簿（导出的工作簿“发文登记”表列有全部函件）"
        return "enter the letters issued in the office's register (the workbooks' 发文登记 sheet lists them all)"


def register_conflicts(letters: Iterable[LetterRecord], imported: Iterable[RegisteredLetter],
                       year: int | None = None) -> tuple[RegisterConflict, ...]:
    """Each series and year the import lists (``year`` alone, when given) whose highest number is
    below the highest ``letters`` took in that year's register (numbering takes the higher:
    :class:`LetterRegistry`)."""
    highest: dict[tuple[str, int], int] = {}
    for entry in imported:
        series, entry_year, serial = entry.number
        if year is None or entry_year == year:
            highest[series, entry_year] = max(highest.get((series, entry_year), 0), serial)
    top: dict[tuple[str, int], LetterRecord] = {}
    for r in letters:
        key = (r.series, r.year)
        if key in highest and (key not in top or r.serial > top[key].serial):
            top[key] = r
    return tuple(RegisterConflict(key[0], key[1], highest[key], top[key].doc_number)
                 for key in sorted(top) if top[key].serial > highest[key])


def _bare(text: str) -> str:
    return "".join(text.split())


def same_letter(entry: RegisteredLetter, record: LetterRecord) -> bool:
    """Whether a line of the office's register with ``record``'s 文号 is that letter: each of its
    成文日期, 标题 and 文件 that is filled in agrees with the record (spaces aside), as on the 发文登记
    sheet liaison writes. A line giving none of them is taken to be the letter."""
    title = record.title or record.engagement_title
    return ((entry.date is None or entry.date == record.date)
            and (not entry.title or not title or _bare(entry.title) == _bare(title))
            and (not entry.file or _bare(entry.file) == _bare(record.path)))


def reused_numbers(letters: Iterable[LetterRecord], imported: Iterable[RegisteredLetter],
                   year: int | None = None) -> tuple[LiaisonError, ...]:
    """A refusal for each line of an imported register that gives a number (of ``year``, when given)
    a letter issued already has, for another letter (:func:`same_letter`): one number is one letter,
    so the register is wrong there (a typing slip, or the office's other document took the number),
    and numbering after it would hide that. Each names the line where it was read. ``letters``: the
    plan year's, with the neighbouring plan years' numbered in the same registers."""
    issued = {(r.series, r.year, r.serial): r for r in letters if year is None or r.year == year}
    problems: list[LiaisonError] = []
    for entry in imported:
        record = issued.get(entry.number)
        if record is None or same_letter(entry, record):
            continue
        title = record.title or record.engagement_title
        day = record.date.isoformat()
        where = Location(place=entry.row) if entry.row else None
        problems.append(DataError(
            f"{entry.doc_number} is already the number of {title or record.path} issued on {day} ({record.path}): "
            "one number is one letter",
            file=entry.source or None, path=where,
            fix="correct this line's 文号 (the office's other document took another number), or make the line "
                "that letter's: a number once used is never given again",
            message_zh=f"文号{entry.doc_number}已用于{day}印发的{title or record.path}（{record.path}），"
                       "一个文号只能用于一份公文",
            fix_zh="请改正本行的文号（本单位的其他公文应另取文号），或使本行与该函件一致：文号一经使用不再重复使用"))
    return tuple(problems)
