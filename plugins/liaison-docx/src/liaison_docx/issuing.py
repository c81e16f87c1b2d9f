"""Issue one export's letters from the year's register (:class:`liaison.year.numbering.LetterRegistry`).

A letter is a draft until it is issued. An export on day D (``issued_on``) issues the drafts dated on
or before D: each is dated D and takes the next number of its series, in date order (then in the
order the letters are made: notices in the directory's order, invitations in the plan's, …),
from where the district's data says the office's register stands. Later drafts take no number: they
are written under ``草稿/`` with a blank 〔year〕　　号 line and follow the data until they go out. An
invitation for a meeting that has come before it went out is not written at all.

A letter once issued keeps its record for good — number, date and file: the export that follows
returns the bytes the store holds (:attr:`liaison.host.exporting.ExportRequest.issued`), whatever the
data says now (contacts added, the district renamed, a new template, the meeting held). Only a moved
meeting re-issues its invitation, at once, under a new number, with a change letter naming the old one
(:mod:`liaison_docx.letters.change`); the old one stays in the register, its file under ``已作废/``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection, Mapping

import attrs
from liaison.base.text import TITLE_MAX
from liaison.host.exporting import safe_name
from liaison.year.numbering import LetterRecord, LetterRegistry, issue_date
from liaison.year.store import Note

from liaison_docx.letter_model import Letter
from liaison_docx.letters.draft import DRAFTS, Draft

__all__ = ["Issuer", "content_digest", "draft_number", "missed_notes"]

_ABOUT_ENGAGEMENTS = ("invitation", "change", "cancellation")


def content_digest(letter: Letter) -> str:
    """sha256 of what the letter says: everything but its 发文字号, 成文日期, 印发日期 and the places
    its title may break."""
    bare = attrs.evolve(letter, doc_number=None, date=dt.date.min, print_date=None, title_units=())
    return hashlib.sha256(repr(bare).encode()).hexdigest()


def draft_number(series: str, year: int) -> str:
    """A draft's 发文字号 line: the series and year with the number left blank (区府办函〔2027〕　　号),
    as an office prints a draft for signature."""
    return f"{series}〔{year}〕\u3000\u3000号"


def _unnumbered(draft: Draft) -> Letter:
    """The letter as a draft not yet issued reads: its natural date and a blank number line."""
    return attrs.evolve(draft.letter, doc_number=draft_number(draft.series, draft.letter.date.year))


def _moved(before: LetterRecord, draft: Draft, issued_on: dt.date | None) -> bool:
    """An invitation whose meeting moved since it went out: it is issued again (with a change letter).
    Not once the meeting has taken place (held, or its day come by the day of issue): the invitation
    went out and the meeting happened, so it stands as sent — withdrawing it would leave the
    recipient a letter no change letter explains, and one about a day past helps nobody."""
    if draft.kind != "invitation" or (before.engagement_date, before.engagement_start) == (
            draft.engagement_date, draft.engagement_start):
        return False
    over = draft.held or (issued_on is not None and draft.deadline is not None and draft.deadline <= issued_on)
    return not over


class Issuer:
    """Issues one export's drafts (see the module docstring). ``start(series, year)`` is where the
    office's register of ``series`` stands for the calendar year a letter is issued in
    (:meth:`liaison.law.district.District.register_start`): a letter of the plan issued in another
    year is numbered in that year's register."""

    def __init__(self, registry: LetterRegistry, issued_on: dt.date | None,
                 start: Callable[[str, int], int] | None = None, serials: Mapping[str, int] | None = None, *,
                 preview: bool = False) -> None:
        self.registry = registry
        self.issued_on = issued_on
        #: number nothing for good: a letter due is still numbered in ``registry`` (so the paths, and the
        #: letters that follow it, are those issuing would give) but stays worded as its draft
        self.preview = preview
        self.start = start or (lambda _series, _year: 1)
        # a preview writes beside every letter still in force the drafts issuing would put in its
        # place: none may take its path, which serves what went out until an issue withdraws it
        self._taken: set[str] = {r.path for r in registry.previous if r.active} if preview else set()
        #: the serial each letter (by key) takes, where an earlier pass found the numbers out of the
        #: order of the days of issue (:meth:`by_day`); the others take the next of their series
        self.serials = dict(serials or {})
        self._batch = 0  # the calls of issue_all so far: the kind of letter, in the export's order
        #: each letter numbered: its register (series, calendar year), its place in the order of issue
        #: (day of issue, kind, due date, the order it was made in), its key and its serial
        self._numbered: list[tuple[tuple[str, int], tuple[dt.date, int, dt.date, int], str, int]] = []
        #: the drafts the last :meth:`issue_all` left out because their meeting came before they went
        #: out, each with the path it waited at (an invitation never sent)
        self.missed: list[tuple[Draft, str]] = []

    def path(self, draft: Draft, folder: str | None = None, number: str = "", *, take: bool = True) -> str:
        """``folder/name.docx``, the name ending ``-number`` when given (the letter's own: 区府办函28); a
        name that collides after ``safe_name`` gets -2, -3, … in order. The name is cut so the whole
        path, its number included, stays within a path's 120 characters. Without ``take`` the path is
        only looked at: a later letter may still have it."""
        folder = "/".join(safe_name(part) for part in (folder or draft.folder).split("/"))
        tail = f"-{safe_name(number)}" if number else ""
        stem = safe_name(draft.name)
        room = TITLE_MAX - len(f"{folder}/{tail}.docx")
        path, n = f"{folder}/{stem[:room]}{tail}.docx", 1
        while path in self._taken:
            n += 1
            path = f"{folder}/{stem[:room - len(f'-{n}')]}-{n}{tail}.docx"
        if take:
            self._taken.add(path)
        return path

    def issue_all(self, drafts: tuple[Draft, ...]) -> list[Draft]:
        """The drafts as this export leaves them, in their order: each issued one with its record
        (kept, or numbered now), each later one under ``草稿/`` without a number; those that can no
        longer be issued (their meeting has come) left out."""
        out: list[Draft | None] = [None] * len(drafts)
        fresh: list[int] = []
        self.missed = []
        self._batch += 1
        for i, draft in enumerate(drafts):
            before = self.registry.last(draft.key)
            if before is not None and not _moved(before, draft, self.issued_on):
                kept = self.registry.keep(draft.key)
                assert kept is not None
                self._taken.add(kept.path)
                out[i] = self._dated(self._on(draft, kept.date), kept, kept=True)
            else:
                fresh.append(i)
        due: list[tuple[dt.date, dt.date, int]] = []  # then in the drafts' order: directory, plan, records
        for i in fresh:
            draft = drafts[i]
            natural = draft.letter.date
            if self.registry.last(draft.key) is not None:  # moved after it went out: re-issued at once
                natural = min(natural, self.issued_on or natural)
            date = issue_date(natural, self.issued_on, draft.deadline)
            if date is not None:
                due.append((date, draft.letter.date, i))
            elif self.issued_on is not None and draft.deadline is not None and draft.deadline <= self.issued_on:
                # the meeting has come: an invitation to it is never sent (the caller says so)
                self.missed.append((draft, self.path(draft, f"{DRAFTS}/{draft.folder}", take=False)))
            else:
                path = self.path(draft, f"{DRAFTS}/{draft.folder}")
                out[i] = attrs.evolve(draft, letter=_unnumbered(draft), path=path)
        for date, natural, i in sorted(due):
            draft = self._on(drafts[i], date)
            first = max(draft.first_serial, self.start(draft.series, date.year))
            serial = self.serials.get(draft.key)
            # the file is named after the letter's own number, with its 〔〕 year where that is not the
            # plan's (the 2028 plan's December change letter: 区府办函2027-33, beside 区府办函9 of 〔2028〕)
            taken = serial or self.registry.peek(draft.series, first, date.year)
            own = "" if not draft.own_number else f"{draft.series}{taken}" if date.year == self.registry.year \
                else f"{draft.series}{date.year}-{taken}"
            record = self.registry.number(
                key=draft.key, kind=draft.kind, series=draft.series, digest=content_digest(draft.letter), date=date,
                path=self.path(draft, number=own), recipient=draft.recipient,
                engagement=draft.subject if draft.kind in _ABOUT_ENGAGEMENTS else "",
                engagement_date=draft.engagement_date, engagement_start=draft.engagement_start,
                engagement_title=draft.engagement_title, refers_to=draft.refers_to, announced=draft.announced,
                # a preview numbers nothing for good: on a day before its series' latest letter only
                # an issue is refused, not the look at the drafts
                first_serial=first, in_order=self.issued_on is not None and not self.preview,
                title=draft.letter.title_text, to=draft.letter.recipients.rstrip("：:"), cc="，".join(draft.letter.cc),
                serial=serial)
            self._numbered.append(((record.series, record.year), (date, self._batch, natural, len(self._numbered)),
                                   record.key, record.serial))
            # a preview's record carries the blank number too: the letters that name this one (a change
            # letter names the invitation going out again with it) name no number it does not hold yet
            waited = self.path(drafts[i], f"{DRAFTS}/{drafts[i].folder}", take=False)
            out[i] = attrs.evolve(self._dated(draft, record), draft_path=waited) if not self.preview else attrs.evolve(
                drafts[i], letter=_unnumbered(drafts[i]), path=record.path,
                record=attrs.evolve(record, doc_number=draft_number(record.series, record.year)))
        return [d for d in out if d is not None]

    def by_day(self) -> dict[str, int]:
        """Where the letters numbered so far (kind by kind, as :meth:`issue_all` is called) do not
        follow their days of issue within a series — a later kind's letter dated before an earlier
        kind's, as when the year is previewed on the letters' due dates —, the serial each of that
        series' letters takes instead (by key): the same numbers, strictly by day of issue, then
        within a day by kind, due date and the order they were made. Empty when every series is in
        that order already (an export on a day of issue dates all it issues that day)."""
        by_series: dict[tuple[str, int], list[tuple[tuple[dt.date, int, dt.date, int], str, int]]] = {}
        for series, place, key, serial in self._numbered:
            by_series.setdefault(series, []).append((place, key, serial))
        serials: dict[str, int] = {}
        for taken in by_series.values():
            ordered = sorted(taken)
            if ordered != taken:
                serials.update({key: serial for (_, key, _), serial in zip(ordered, sorted(s for *_, s in taken),
                                                                           strict=True)})
        return serials

    @staticmethod
    def _on(draft: Draft, day: dt.date) -> Draft:
        """The draft as worded for its day of issue (:attr:`Draft.on_day`)."""
        return draft if draft.on_day is None else attrs.evolve(draft, letter=draft.on_day(day))

    @staticmethod
    def _dated(draft: Draft, record: LetterRecord, *, kept: bool = False) -> Draft:
        letter = attrs.evolve(draft.letter, doc_number=record.doc_number, date=record.date,
                              print_date=record.date if draft.letter.print_date is not None else None)
        return attrs.evolve(draft, letter=letter, record=record, path=record.path, kept=kept)


def missed_notes(missed: list[tuple[Draft, str]], waited: Callable[[str], bool],
                 known: Collection[str] | None = None) -> tuple[Note, ...]:
    """One note per meeting whose day came before its invitations went out: they are never sent, and
    the clerk is told, not only shown the drafts moved to 已作废/. Said once, by the first export
    that finds it so: the one that drops the drafts the last export wrote (``waited(path)``), or,
    where no draft waited, the one for which the meeting is new — the year's first export
    (``known`` None) or a meeting the last export did not have (``known``: the ids it sent out)."""
    by_meeting: dict[str, list[Draft]] = {}
    for draft, path in missed:
        if draft.kind == "invitation" and (waited(path) or known is None or draft.subject not in known):
            by_meeting.setdefault(draft.subject, []).append(draft)
    notes = []
    for subject, found in by_meeting.items():
        day = found[0].engagement_date.isoformat() if found[0].engagement_date else ""
        title = found[0].engagement_title or subject
        names = [d.letter.recipients.rstrip("：:") for d in found]
        notes.append(Note(
            f"{title} ({day}): its day came before its invitations were issued, so none went out "
            f"(to {', '.join(names)}); their drafts are moved to 已作废/",
            f"{title}（{day}）：会议日期已到而邀请函尚未印发，邀请函未发出（{'、'.join(names)}）；草稿已移至已作废/",
            fix="if the invitees were asked another way, enter that in the ledger; an invitation is not sent for "
                "a meeting whose day has come",
            fix_zh="如已通过其他方式邀请，请在台账中记录；会议日期已到，不再补发邀请函"))
    return tuple(notes)
