"""A request larger than the service reads, answered by the service in its own words.

waitress stops reading a request whose ``Content-Length`` is at its ``max_request_body_size``, and
a chunked one (no length) as soon as what came reaches it, and would answer either with its own
English text/plain 413. :class:`Channel` hands such a request to the application instead — its
method, address and headers, with an empty body (``CONTENT_LENGTH`` 0; nothing of the body is read
any further, nor kept) and the size it declared, if any, under :data:`REFUSED` in the environ — so
:class:`liaison_web.middleware.UploadLimit` answers it as it answers every upload too large: the
API in its one error shape, a page on the pages' bilingual page, in the caller's language. The
connection is closed after the answer: the rest of the body is still on its way, and is not read.

waitress's other refusals (a malformed request, headers too large) keep its own text: they come
before there is a request the service could answer.

:class:`Task` keeps an HTTP/1.1 connection open after an answer that has no body by its status
(304 Not Modified, 204): waitress closes every answer without a ``Content-Length``, which such an
answer must not carry (RFC 9110 8.6) — a client polling with ``If-None-Match`` would open a
connection per 304.
"""

from __future__ import annotations

import io
from typing import Any, cast

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.task import ErrorTask, WSGITask
from waitress.utilities import RequestEntityTooLarge

__all__ = ["REFUSED", "Channel", "Task", "adopt"]

#: The environ's key of a request refused for its size: the length it declared (``None``: chunked).
#: A caller's header cannot set it (waitress puts those under ``HTTP_``).
REFUSED = "liaison.refused_body"


class Refusal(WSGITask, ErrorTask):
    """waitress's error task, but a request too large is the application's to answer (without its
    body); any other error is waitress's own page, as before."""

    # WSGITask's start_response refuses a second call by this flag: ErrorTask's class sets it True
    complete = False

    @property
    def parsed(self) -> HTTPRequestParser:
        # what waitress hands a task is its parser (types-waitress says the error it carries)
        return cast(HTTPRequestParser, self.request)

    def execute(self) -> None:
        if not isinstance(self.parsed.error, RequestEntityTooLarge):
            self.complete = True  # waitress writes its page without a start_response
            ErrorTask.execute(self)
            return
        # the unread rest of the body would be read as the next request: none follows on this connection
        self.set_close_on_finish()
        WSGITask.execute(self)

    def get_environment(self) -> Any:
        environ = WSGITask.get_environment(self)
        environ[REFUSED] = None if self.parsed.chunked else self.parsed.content_length
        environ["wsgi.input"] = io.BytesIO()
        environ["CONTENT_LENGTH"] = "0"
        return environ


class Task(WSGITask):
    """waitress's task, an answer without a body by its status not closing the connection."""

    def build_response_header(self) -> bytes:
        closing = self.close_on_finish
        built: bytes = super().build_response_header()
        asked = str(cast(HTTPRequestParser, self.request).headers.get("CONNECTION", "")).lower()
        if self.version != "1.1" or self.has_body or closing or asked == "close":
            return built
        # waitress closed it for want of a Content-Length, which a 304 or 204 has no need of
        self.close_on_finish = False
        self.response_headers = [(k, v) for k, v in self.response_headers
                                 if not (k.lower() == "connection" and v.lower() == "close")]
        # the head again as waitress writes it (its first line, the headers sorted stably by name)
        lines = [f"HTTP/{self.version} {self.status}",
                 *(f"{k}: {v}" for k, v in sorted(self.response_headers, key=lambda x: x[0]))]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Channel(HTTPChannel):
    """waitress's connection, its refusals for size answered by the application (:class:`Refusal`),
    its answers without a body keeping the connection (:class:`Task`)."""

    task_class = Task
    error_task_class = Refusal


def adopt(server: Any) -> None:
    """Make every listening server of ``server`` (what waitress's ``create_server`` returned: one
    server, or several when the host named more than one address) open its connections as
    :class:`Channel`."""
    from waitress.server import BaseWSGIServer

    found = [server, *getattr(server, "map", {}).values()]
    for each in found:
        if isinstance(each, BaseWSGIServer):
            each.channel_class = Channel
