"""One letter's PDF, converted on its own and only for a caller allowed to read it.

LibreOffice takes seconds to start: converting every letter of the year for each request (as an
export with the docx exporter's ``pdf`` option does) let any reader pin the machine with a loop of
days. So the API finds the one letter (its .docx, from the cached export without PDFs), authorises
the caller, and converts just that letter here:

- the PDF is cached by the digest of the .docx's bytes and the date stamped in it — the same letter
  on another day of the year, or asked by another caller, is converted once;
- conversions are bounded: one at a time in the process (:data:`SLOTS`); a request arriving while
  one runs is told at once (:class:`ConverterBusy`, 503 with ``Retry-After``) rather than queued, so
  requests cannot pile up behind LibreOffice.

The conversion is the docx plugin's own (:func:`liaison_docx.pdf.to_pdf`: its fonts, its stable
bytes), so the PDF is the one ``liaison export docx --pdf`` writes for the same .docx.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict

from liaison.base.errors import StorageError

__all__ = ["CACHE_SIZE", "RETRY_AFTER", "SLOTS", "ConverterBusy", "conversions", "pdf_of"]

#: PDFs kept in memory (a letter's PDF is some tens of kilobytes).
CACHE_SIZE = 64
#: Conversions running at once in a process.
SLOTS = 1
#: Seconds a caller told the converter is busy is asked to wait (about one conversion).
RETRY_AFTER = 10

_CACHE: OrderedDict[tuple[str, dt.date], bytes] = OrderedDict()
_GUARD = threading.Lock()
_SLOTS = threading.BoundedSemaphore(SLOTS)
#: How many conversions ran (a test reads it: a second request converts nothing).
conversions = 0


class ConverterBusy(StorageError):
    """Every conversion slot is taken: the caller is to try again after :data:`RETRY_AFTER` seconds (503)."""

    retry_after = RETRY_AFTER


def _busy() -> ConverterBusy:
    return ConverterBusy(f"another letter is being converted to PDF: try again in {RETRY_AFTER} seconds",
                         fix=f"wait {RETRY_AFTER} seconds (Retry-After) and ask again, or download the .docx",
                         message_zh=f"正在将另一份公文转换为 PDF：请在 {RETRY_AFTER} 秒后重试",
                         fix_zh=f"请等待 {RETRY_AFTER} 秒（Retry-After）后再次请求，或下载 .docx 版本")


def pdf_of(docx: bytes, day: dt.date) -> bytes:
    """The PDF of the letter ``docx`` (``day``: the date stamped into it), cached by the bytes' digest;
    :class:`ConverterBusy` when every slot is converting."""
    global conversions
    key = (hashlib.sha256(docx).hexdigest(), day)
    with _GUARD:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    if not _SLOTS.acquire(blocking=False):
        raise _busy()
    try:
        with _GUARD:  # converted by another request between the look above and the slot
            if key in _CACHE:
                return _CACHE[key]
        from liaison_docx.pdf import to_pdf

        data = to_pdf([(docx, day)])[0]
        with _GUARD:
            conversions += 1
            _CACHE[key] = data
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
        return data
    finally:
        _SLOTS.release()
