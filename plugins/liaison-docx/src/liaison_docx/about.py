"""What each letter of an export is: its kind, what it is about, to whom and from whom, the
provisions it rests on — written by the exporter beside the letters as one file, ``公文清单.json``
(:data:`ABOUT`), and read back with :func:`read_about`.

A draft carries no record in the year's register (:class:`liaison.year.numbering.LetterRecord`), and
its file name is made for a clerk, not for a program: a 反馈函's names no body at all. So whoever
needs to know whose a letter is — the web service deciding which body may read a draft, a page
linking a letter to its provision — reads it here, in the one definition the exporter writes it
with (:class:`LetterAbout`), never from the name.

The file lists the letters of the run that wrote it (every kind unless the ``kinds`` option chose
fewer), issued ones and drafts, by path; it follows the data like a draft (policy ``replace``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from liaison.base.errors import DataError
from liaison.formats.writer import indented_json
from liaison.host.exporting import Artifact

from liaison_docx.letters.draft import Draft

__all__ = ["ABOUT", "LetterAbout", "about_artifact", "read_about"]

#: The file beside the letters (at the top of the year's folder) that says what each one is.
ABOUT = "公文清单.json"
_MEDIA = "application/json"
_FORMAT = 1


@attrs.frozen(kw_only=True)
class LetterAbout:
    """One letter of an export: ``path`` (inside the year), ``kind`` (notice, supplement, invitation,
    change, cancellation, consultation, feedback), ``subject`` (the id of what it is about: a
    department, an engagement, a record), ``recipient`` and ``issuer`` (organisation ids: to whom,
    from whom), ``engagement`` (the engagement an invitation, change or cancellation letter is
    about), ``provisions`` (the provisions it rests on) and ``draft`` (not issued yet: no number);
    ``title`` (on one line), ``date`` (its 成文日期: a draft's the day it falls due) and ``deadline``
    (the day by which it must have gone out — an invitation's meeting —, None where none): what a
    to-do list needs to say of a letter still to issue."""

    path: str
    kind: str
    subject: str
    recipient: str
    issuer: str
    engagement: str = ""
    provisions: tuple[str, ...] = ()
    draft: bool = True
    title: str = ""
    date: dt.date | None = None
    deadline: dt.date | None = None

    @classmethod
    def of(cls, draft: Draft, *, preview: bool = False) -> LetterAbout:
        """``preview``: of a preview (the ``preview`` option), whose letters due carry the record
        issuing would give them with a blank number — drafts still, issued only if kept."""
        about_engagement = draft.kind in ("invitation", "change", "cancellation")
        return cls(path=draft.path, kind=draft.kind, subject=draft.subject, recipient=draft.recipient,
                   issuer=draft.issuer, engagement=draft.subject if about_engagement else "",
                   provisions=draft.provisions, draft=draft.record is None or (preview and not draft.kept),
                   title=draft.letter.title.replace("\n", ""), date=draft.letter.date, deadline=draft.deadline)


def about_artifact(drafts: Iterable[Draft], *, preview: bool = False) -> Artifact:
    """:data:`ABOUT` for the letters of one export (``preview``: a preview's, :meth:`LetterAbout.of`),
    in path order (the same letters, the same bytes)."""
    letters = sorted((LetterAbout.of(d, preview=preview) for d in drafts), key=lambda a: a.path)
    document = {"format": _FORMAT, "letters": [
        {**attrs.asdict(a, recurse=False), "provisions": list(a.provisions), "date": _day(a.date),
         "deadline": _day(a.deadline)} for a in letters]}
    data = indented_json(document, indent=1, sort_keys=True).encode() + b"\n"  # json.dumps's text, faster
    return Artifact(ABOUT, _MEDIA, data, policy="replace")


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def read_about(data: bytes, file: str = ABOUT) -> dict[str, LetterAbout]:
    """The letters :data:`ABOUT` describes, by path; a file that is not one is a :class:`DataError`."""
    from liaison.formats.convert import structure

    try:
        document: Any = json.loads(data.decode())
    except (UnicodeDecodeError, ValueError):
        document = None
    if not isinstance(document, Mapping) or document.get("format") != _FORMAT:
        raise DataError(f"not a list of letters written by this version of liaison-docx (format {_FORMAT})",
                        file=file, fix="export the letters again (liaison export docx)",
                        message_zh=f"不是本版本 liaison-docx 写出的公文清单（格式 {_FORMAT}）",
                        fix_zh="请重新导出公文（liaison export docx）")
    letters = structure(document.get("letters"), list[LetterAbout], file=file, path=("letters",),
                        fix="export the letters again (liaison export docx)")
    return {a.path: a for a in letters}
