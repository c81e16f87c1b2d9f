"""A webhook receiver for the tests: a real HTTP server on 127.0.0.1 (``http.server`` in a thread)
that answers each POST with the next status of a script (then 200) and keeps what it got."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs


@attrs.frozen
class Received:
    status: int  # what the receiver answered
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic()


class Receiver:
    def __init__(self, statuses: Iterable[int] = ()) -> None:
        self.statuses = list(statuses)
        self.got: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.got.append(Received(status, {k.lower(): v for k, v in self.headers.items()}, body,
                                                 time.monotonic()))
                answer = b"taken" if status < 300 else b"try later"
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/liaison/hook"

    def delivered(self) -> list[Received]:
        """What was answered 2xx, in the order received."""
        with self.lock:
            return [r for r in self.got if 200 <= r.status < 300]


@contextmanager
def receiving(statuses: Iterable[int] = ()) -> Iterator[Receiver]:
    receiver = Receiver(statuses)
    receiver.thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
