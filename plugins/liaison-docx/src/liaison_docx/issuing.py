"""Numbers and dates for the letters, from the year's letters (:class:`liaison.year.numbering.LetterRegistry`).

A letter keeps its 文号 and 成文日期 while its content is unchanged; a letter whose content changes is
a new letter with the next free number of its series in the year — never one 文号 on two texts. The
content is the :class:`~liaison_docx.letter_model.Letter` without its number and dates, so the digest does
not move when only the layout does.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import attrs
from liaison.base.text import TITLE_MAX
from liaison.host.exporting import safe_name
from liaison.year.numbering import LetterRegistry, letter_date

from liaison_docx.letter_model import Letter
from liaison_docx.letters.draft import Draft

__all__ = ["Issuer", "content_digest"]

_ABOUT_ENGAGEMENTS = ("invitation", "change", "cancellation")


def content_digest(letter: Letter) -> str:
    """sha256 of what the letter says: everything but its 发文字号, 成文日期, 印发日期 and the places
    its title may break."""
    bare = attrs.evolve(letter, doc_number=None, date=dt.date.min, print_date=None, title_units=())
    return hashlib.sha256(repr(bare).encode()).hexdigest()


class Issuer:
    """Issues one export's drafts, in order: a path each (unique, safe), then a number and a date."""

    def __init__(self, registry: LetterRegistry, issued_on: dt.date | None) -> None:
        self.registry = registry
        self.issued_on = issued_on
        self._taken: set[str] = set()

    def path(self, draft: Draft) -> str:
        """``folder/name.docx``; a name that collides after ``safe_name`` gets -2, -3, … in order. The
        name is cut so the whole path, its number included, stays within a path's 120 characters."""
        folder, stem = safe_name(draft.folder), safe_name(draft.name)
        room = TITLE_MAX - len(f"{folder}/.docx")
        path, n = f"{folder}/{stem[:room]}.docx", 1
        while path in self._taken:
            n += 1
            path = f"{folder}/{stem[:room - len(f'-{n}')]}-{n}.docx"
        self._taken.add(path)
        return path

    def issue(self, draft: Draft) -> Draft:
        """The draft with its record: the earlier number and date when its content is unchanged, else
        the next number, dated its natural date or the day of issue when that is later and still
        before its deadline."""
        natural = draft.letter.date
        date = natural if draft.deadline is None else letter_date(natural, self.issued_on, draft.deadline)
        digest, path = content_digest(draft.letter), self.path(draft)
        record = self.registry.issue(
            key=draft.key, kind=draft.kind, series=draft.series, digest=digest, date=date, path=path,
            recipient=draft.recipient, engagement=draft.subject if draft.kind in _ABOUT_ENGAGEMENTS else "",
            engagement_date=draft.engagement_date, engagement_start=draft.engagement_start,
            engagement_title=draft.engagement_title,
            refers_to=draft.refers_to, first_serial=draft.first_serial)
        letter = attrs.evolve(draft.letter, doc_number=record.doc_number, date=record.date,
                              print_date=record.date if draft.letter.print_date is not None else None)
        return attrs.evolve(draft, letter=letter, record=record)

    def issue_all(self, drafts: tuple[Draft, ...]) -> list[Draft]:
        return [self.issue(d) for d in drafts]
