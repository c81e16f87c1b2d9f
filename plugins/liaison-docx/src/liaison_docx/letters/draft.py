"""A letter before it is issued: its text, where it goes, and what its number rests on."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Literal

import attrs
from liaison.base.text import TITLE_MAX
from liaison.year.numbering import Announced, LetterRecord

from liaison_docx.letter_model import Letter

LetterKind = Literal["notice", "supplement", "invitation", "change", "cancellation", "consultation", "feedback"]
#: What the ``kinds`` option chooses from; ``invitation`` brings the change and cancellation letters of
#: the engagements whose invitations went out, since they follow from the invitations' history.
OptionKind = Literal["notice", "invitation", "consultation", "feedback"]
LETTER_KINDS: tuple[OptionKind, ...] = ("notice", "invitation", "consultation", "feedback")

#: Where the letters not yet issued are written: ``草稿/<kind's folder>/…`` (no number; they follow the data).
DRAFTS = "草稿"

FOLDERS: dict[LetterKind, str] = {"notice": "通知", "supplement": "通知", "invitation": "邀请函", "change": "变更函",
                                  "cancellation": "变更函", "consultation": "征求意见函", "feedback": "反馈函"}


def letter_key(*parts: str) -> str:
    """The identity of a letter across exports (kind/subject/recipient); a key too long for the year's
    state is shortened to a digest of itself."""
    key = "/".join(parts)
    if len(key) <= TITLE_MAX:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return f"{parts[0]}/{digest}"


@attrs.frozen(kw_only=True)
class Draft:
    """A letter and where it goes: ``folder/name.docx`` once each part passes ``safe_name``.

    Before it is issued ``letter`` has no 发文字号 and carries its natural date (a notice on 5 January,
    an invitation two weeks ahead); ``deadline`` is the day by which it must have gone out (the
    meeting an invitation is for; None: none). :class:`liaison_docx.issuing.Issuer` gives it its
    ``path``: issued, ``letter`` carries the number and date of ``record`` (``kept`` when an earlier
    export issued it, whose bytes stand); not yet, it stays a draft under ``草稿/`` with no record.

    ``subject`` is the id of what the letter is about (a department, an engagement, a record),
    ``recipient`` the id of the organisation it is addressed to, ``issuer`` the id of the one that
    sends it (whose 署名 it carries) and ``provisions`` the ids of the provisions it rests on (what
    its basis sentence cites): what :mod:`liaison_docx.about` writes beside the letters. ``announced``: a notice's (or a
    补充通知's) engagements as it announces them, kept in its record. ``own_number``: the file's name
    ends with the letter's own number once it has one (``…-取消-区府办函28``), for the letters a clerk
    finds by their number among several about one thing. ``held``: the engagement took place.
    """

    kind: LetterKind
    name: str
    letter: Letter
    subject: str
    recipient: str
    key: str
    series: str
    issuer: str = ""
    provisions: tuple[str, ...] = ()
    deadline: dt.date | None = None
    first_serial: int = 1
    engagement_date: dt.date | None = None
    engagement_start: dt.time | None = None
    engagement_title: str = ""
    refers_to: str = ""
    announced: tuple[Announced, ...] | None = None
    own_number: bool = False
    record: LetterRecord | None = None
    path: str = ""
    #: issued now: the path it waited at as a draft (removed, not withdrawn)
    draft_path: str = ""
    kept: bool = False
    #: the engagement it is about has taken place (held): an invitation that went out for it stands
    held: bool = False
    #: the letter as issued on a day, where what it says depends on it (an invitation's 回执 asks for
    #: no day before its own); None: the same letter whatever the day
    on_day: Callable[[dt.date], Letter] | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def folder(self) -> str:
        return FOLDERS[self.kind]

    @property
    def year(self) -> int:
        return self.letter.date.year
