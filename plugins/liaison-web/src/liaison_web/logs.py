"""What the service writes to its log holds no calendar feed's secret. A feed's address *is* its
credential (``/feeds/lsf_….ics``, :mod:`liaison_web.feeds`), and Django names a request's path when
it refuses or cannot find it ("Not Found: /feeds/…", "Method Not Allowed: /feeds/…"; django.request,
django.security.csrf), as waitress does when a request fails ("Exception while serving /feeds/…"):
the log — read by whoever runs or backs up the server — would keep the live address of a body's
calendar. :class:`FeedSecrets` cuts a feed's secret in a record to the first 12 characters tokens and
feeds are named by everywhere else (``/feeds/lsf_N0CrTSAX….ics``).

Where it sits (:func:`install`): on the loggers that name a request's path — django.request,
django.security and its csrf logger, waitress — in every process of the service (a logger's filter
acts before any handler: what a test's log capture reads too); and, in ``liaison serve``
(``root=True``), on the one handler the service writes its log with: standard error, warnings and
worse, the message alone — what Python's last resort printed before, now through the filter, so a
logger of any other name is cut too. (Django's own ``LOGGING`` setting is not used:
``LOGGING_CONFIG`` is None, since Django's default configuration would route its loggers to
``mail_admins``.)
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

__all__ = ["LOGGERS", "FeedSecrets", "cut", "install"]

#: The loggers that name a request's path.
LOGGERS = ("django.request", "django.security", "django.security.csrf", "waitress")
#: How much of a feed's secret stays: as a feed and a token are named everywhere (``lsf_`` and 8 more).
SHOWN = 12

# a feed's path: what follows /feeds/ up to its end (a '.', '/', '?', '#', space or quote)
_FEED = re.compile(r"(/feeds/)([^/.?#\s\"'<>]*)")


def cut(text: str) -> str:
    """``text`` with each feed path's secret cut to its first 12 characters and ``…``."""
    if "/feeds/" not in text:
        return text
    return _FEED.sub(lambda found: found.group(1) + (found.group(2) if len(found.group(2)) <= SHOWN
                                                      else found.group(2)[:SHOWN] + "…"), text)


class FeedSecrets(logging.Filter):
    """A record's message with each feed path's secret cut (:func:`cut`): the message made with its
    arguments, so the record holds no secret whatever reads it afterwards. It keeps every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit: logging reports it itself
            return True
        shown = cut(message)
        if shown != message:
            record.msg, record.args = shown, None
        return True


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Standard error as it is when a record comes (as Python's last resort writes it)."""

    def __init__(self) -> None:
        super().__init__()
        self.setLevel(logging.WARNING)
        self.addFilter(FeedSecrets())

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def install(*, root: bool = False) -> None:
    """:class:`FeedSecrets` on :data:`LOGGERS` and, with ``root`` (``liaison serve``), the service's
    handler of the log; once (a second call adds nothing)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, FeedSecrets) for f in logger.filters):
            logger.addFilter(FeedSecrets())
    top = logging.getLogger()
    if root and not any(isinstance(h, _Stderr) for h in top.handlers):
        top.addHandler(_Stderr())
