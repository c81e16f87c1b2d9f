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

import json
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from liaison.base.errors import DataError
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
    about), ``provisions`` (the provisions it rests on) and ``draft`` (not issued yet: no number)."""

    path: str
    kind: str
    subject: str
    recipient: str
    issuer: str
    engagement: str = ""
    provisions: tuple[str, ...] = ()
    draft: bool = True

    @classmethod
    def of(cls, draft: Draft) -> LetterAbout:
        about_engagement = draft.kind in ("invitation", "change", "cancellation")
        return cls(path=draft.path, kind=draft.kind, subject=draft.subject, recipient=draft.recipient,
                   issuer=draft.issuer, engagement=draft.subject if about_engagement else "",
                   provisions=draft.provisions, draft=draft.record is None)


def about_artifact(drafts: Iterable[Draft]) -> Artifact:
    """:data:`ABOUT` for the letters of one export, in path order (the same letters, the same bytes)."""
    letters = sorted((LetterAbout.of(d) for d in drafts), key=lambda a: a.path)
    document = {"format": _FORMAT, "letters": [
        {**attrs.asdict(a, recurse=False), "provisions": list(a.provisions)} for a in letters]}
    data = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"
    return Artifact(ABOUT, _MEDIA, data, policy="replace")


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
