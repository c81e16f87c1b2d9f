"""What the ``preview`` option shows of the letters already issued: every one still in force, as it
went out (see docs/letters.md, "Preview: no number before the register gives it").

An export issuing on a day withdraws some letters in force: a moved meeting's invitation goes out
again under a new number, a cancelled meeting's is withdrawn by its cancellation letter. A preview
issues nothing, so nothing is withdrawn: those letters stay in force until an issue sends what
replaces them, and the preview returns each with the bytes that went out — beside the drafts of what
would replace it, which never take its path (:class:`liaison_docx.issuing.Issuer`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator

from liaison.host.exporting import ExportRequest
from liaison.year.numbering import LetterRecord

__all__ = ["in_force"]


def in_force(request: ExportRequest, returned: Collection[str], answers_for: Callable[[str], bool]
             ) -> Iterator[tuple[LetterRecord, bytes, dt.date]]:
    """Each letter in force the preview has not ``returned`` among the paths this run answers for
    (``answers_for``), with the bytes it went out as and its date; one whose bytes the store no
    longer holds as written is left out (nothing can be shown for it but a new text)."""
    for record in request.letters:
        if not record.active or record.path in returned or not answers_for(record.path):
            continue
        data = request.issued_bytes(record.path)
        if data is not None:
            yield record, data, record.date
