"""The liaison letters as :class:`~liaison_docx.letter_model.Letter` objects: pure, no rendering, no clock.

One module per kind of letter, each returning :class:`Draft` objects (a letter, the name parts of its
file and what its number rests on) in a fixed order:

- :mod:`~liaison_docx.letters.notice` — 通知 (文件格式) from the general office to each department,
  read from :func:`liaison.law.duties.duties_of`;
- :mod:`~liaison_docx.letters.supplement` — 补充通知 for a change to a department's part of a notice
  that has gone out, read from the notice's record;
- :mod:`~liaison_docx.letters.invitation` — 邀请函 (信函格式) with a 回执, to every counterpart invited
  to a meeting or event, from the general office or the host department;
- :mod:`~liaison_docx.letters.change` — 改期 and 取消 letters for engagements that moved or were
  cancelled after their invitations went out, read from the year's letters;
- :mod:`~liaison_docx.letters.responses` — 征求意见函 and 调研成果反馈函 from the records.

:mod:`~liaison_docx.letters.wording` holds what they all say the same way. Numbers and dates are given
by :mod:`liaison_docx.issuing` from the year's letters.
"""

from liaison_docx.letters.change import cancellation_letter, change_letter, change_letters, past_notes
from liaison_docx.letters.draft import DRAFTS, FOLDERS, LETTER_KINDS, Draft, LetterKind, OptionKind, letter_key
from liaison_docx.letters.invitation import invitation_letter, invitations
from liaison_docx.letters.notice import default_notice_date, notice_letter, notices
from liaison_docx.letters.responses import (
    consultation_letter,
    consultations,
    feedback_letter,
    feedback_letters,
    standard_feedback,
)
from liaison_docx.letters.supplement import supplement_letter, supplements
from liaison_docx.letters.wording import series

__all__ = [
    "DRAFTS",
    "FOLDERS",
    "LETTER_KINDS",
    "Draft",
    "LetterKind",
    "OptionKind",
    "cancellation_letter",
    "change_letter",
    "change_letters",
    "consultation_letter",
    "consultations",
    "default_notice_date",
    "feedback_letter",
    "feedback_letters",
    "invitation_letter",
    "invitations",
    "letter_key",
    "notice_letter",
    "notices",
    "past_notes",
    "series",
    "standard_feedback",
    "supplement_letter",
    "supplements",
]
