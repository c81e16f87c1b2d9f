"""Faults for the CalDAV tests: a proxy in front of the real Radicale that breaks the n-th request, and a
server that misbehaves on every request.

:class:`FaultProxy` speaks just enough HTTP/1.1 to count requests (a request line, headers, a body of
Content-Length bytes) and forwards each one to the server on a connection of its own. At the request
its :class:`Fault` names, it can

* ``drop-before``: close the client's connection without forwarding the request (the server never saw it);
* ``drop-after``: forward it, wait for the server's whole answer (the event is stored), then close the
  client's connection without relaying a byte of it — the answer lost;
* ``500``: answer 500 without forwarding; ``500-after``: forward it, then answer 500 instead of the
  server's answer;
* ``call``: forward it, then call ``fault.action`` (the kill tests SIGKILL the publisher there) before
  relaying the answer — or after relaying it, with ``after_answer``.

:class:`MisbehavingServer` answers every request in one way: ``drip-head`` (the status line, then one
byte of headers a second, never ending), ``drip-body`` (headers, then one byte of body a second),
``endless`` (a body without end, as fast as it goes), ``garbage`` (``200 OK`` and ``hello``), ``bomb`` (a
207 whose XML declares the "billion laughs" entities), ``reset`` (the connection reset: RST, no answer).

Both run in daemon threads on 127.0.0.1 and are stopped with :meth:`close`.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable

import attrs

MODES = ("drop-before", "drop-after", "500", "500-after", "call")


@attrs.define
class Fault:
    at: int  # the request (1 = the first the proxy sees) to break
    mode: str
    action: Callable[[], None] | None = None  # for "call"
    after_answer: bool = False  # "call": after the answer was relayed (else before)
    delay: float = 0.0  # "call" after the answer: seconds to wait first

    def __attrs_post_init__(self) -> None:
        assert self.mode in MODES, self.mode


def _read_head(reader: socket.socket, buffer: bytearray) -> bytes | None:
    """Bytes up to the blank line ending a head (status or request line and headers); None at EOF."""
    while b"\r\n\r\n" not in buffer:
        chunk = reader.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    buffer[:] = rest
    return head + b"\r\n\r\n"


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _read_exact(reader: socket.socket, buffer: bytearray, size: int) -> bytes:
    while len(buffer) < size:
        chunk = reader.recv(65536)
        if not chunk:
            break
        buffer += chunk
    body = bytes(buffer[:size])
    del buffer[:size]
    return body


def _closing(head: bytes) -> bytes:
    """The request's head asking the server to close after answering (so the answer ends at EOF)."""
    lines = [line for line in head.rstrip(b"\r\n").split(b"\r\n")
             if not line.lower().startswith(b"connection:") and not line.lower().startswith(b"keep-alive:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n"


def _reset(connection: socket.socket) -> None:
    """Close with RST (SO_LINGER 0): the peer sees "connection reset", not an orderly end."""
    with contextlib.suppress(OSError):
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


class _Listener:
    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port: int = self.socket.getsockname()[1]
        self.closed = threading.Event()
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.closed.set()
        with contextlib.suppress(OSError):
            self.socket.close()
        for connection in self.connections:
            with contextlib.suppress(OSError):
                connection.close()


class FaultProxy(_Listener):
    """A proxy to ``upstream`` (host, port) that counts requests and breaks the one ``fault`` names
    (``fault`` may be set or cleared between runs; ``seen`` counts from 0 again with :meth:`reset`)."""

    def __init__(self, upstream: tuple[str, int], fault: Fault | None = None) -> None:
        self.upstream = upstream
        self.fault = fault
        self.seen = 0
        self.log: list[tuple[int, str, str]] = []  # (n, method, what was done)
        self._lock = threading.Lock()
        # Closed from the moment a "call" fault relays its answer until its action ran: a request that
        # arrives meanwhile (the publisher going on) waits and is then dropped, so the fault's moment is
        # the same on a loaded machine as on an idle one.
        self._open = threading.Event()
        self._open.set()
        self._fired = False
        self._generation = 0  # a request that waited across a reset belongs to the run before it
        super().__init__()

    def reset(self, fault: Fault | None = None) -> None:
        with self._lock:
            self.fault, self.seen, self.log, self._fired = fault, 0, [], False
            self._generation += 1
        self._open.set()

    def _forward(self, head: bytes, body: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=30) as upstream:
            upstream.sendall(_closing(head) + body)
            answer = bytearray()
            while chunk := upstream.recv(65536):
                answer += chunk
        return bytes(answer)

    def _serve(self, connection: socket.socket) -> None:
        buffer = bytearray()
        with connection:
            while True:
                try:
                    head = _read_head(connection, buffer)
                except OSError:
                    return
                if head is None:
                    return
                body = _read_exact(connection, buffer, _content_length(head))
                method = head.split(b" ", 1)[0].decode("ascii", "replace")
                generation = self._generation
                self._open.wait()
                if self._fired or generation != self._generation:
                    return  # sent by a publisher the fault's action has ended
                with self._lock:
                    self.seen += 1
                    n = self.seen
                    fault = self.fault if self.fault is not None and self.fault.at == n else None
                mode = fault.mode if fault is not None else "forward"
                self.log.append((n, method, mode))
                if mode == "drop-before":
                    return
                if mode == "500":
                    connection.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                                       b"Connection: close\r\n\r\n")
                    return
                answer = self._forward(head, body)
                if mode == "drop-after":
                    return
                if mode == "500-after":
                    connection.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
                                       b"Connection: close\r\n\r\n")
                    return
                if fault is not None and fault.mode == "call" and not fault.after_answer:
                    assert fault.action is not None
                    fault.action()
                    return
                if fault is not None and fault.mode == "call":
                    self._open.clear()
                try:
                    connection.sendall(answer)
                except OSError:
                    self._open.set()
                    return
                if fault is not None and fault.mode == "call":
                    time.sleep(fault.delay)
                    assert fault.action is not None
                    self._fired = True  # before the action: what arrives from now on is the ended publisher's
                    try:
                        fault.action()
                    finally:
                        self._open.set()
                    return
                if b"\r\nconnection: close" in answer.partition(b"\r\n\r\n")[0].lower():
                    return


#: The "billion laughs": ten levels of ten references, 10**9 "lol"s once expanded.
BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol0 "lol">\n'
        + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
        + b']>\n<D:multistatus xmlns:D="DAV:"><D:response><D:href>&lol9;</D:href></D:response>'
        + b"</D:multistatus>")
MISBEHAVIOURS = ("drip-head", "drip-body", "endless", "garbage", "bomb", "reset")


class MisbehavingServer(_Listener):
    """Answers every request the one way ``mode`` says (:data:`MISBEHAVIOURS`); ``interval`` is the
    drip's seconds per byte. ``sent`` counts the bytes it sent (the endless body stops somewhere)."""

    def __init__(self, mode: str, interval: float = 1.0) -> None:
        assert mode in MISBEHAVIOURS, mode
        self.mode = mode
        self.interval = interval
        self.sent = 0
        self.requests = 0
        super().__init__()

    def _drip(self, connection: socket.socket, data: bytes) -> None:
        for byte in data:
            connection.sendall(bytes([byte]))
            self.sent += 1
            if self.closed.wait(self.interval):
                return

    def _serve(self, connection: socket.socket) -> None:
        buffer = bytearray()
        with connection:
            try:
                head = _read_head(connection, buffer)
                if head is None:
                    return
                _read_exact(connection, buffer, _content_length(head))
                self.requests += 1
                if self.mode == "reset":
                    _reset(connection)
                elif self.mode == "garbage":
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                       b"Content-Length: 5\r\n\r\nhello")
                elif self.mode == "bomb":
                    connection.sendall(b"HTTP/1.1 207 Multi-Status\r\nContent-Type: text/xml\r\n"
                                       b"Content-Length: %d\r\n\r\n" % len(BOMB) + BOMB)
                elif self.mode == "drip-head":
                    connection.sendall(b"HTTP/1.1 207 Multi-Status\r\n")
                    self._drip(connection, b"X-Slow: " + b"a" * 100_000)
                elif self.mode == "drip-body":
                    connection.sendall(b"HTTP/1.1 207 Multi-Status\r\nContent-Type: text/xml\r\n"
                                       b"Content-Length: 100000\r\n\r\n")
                    self._drip(connection, b"<" * 100_000)
                elif self.mode == "endless":
                    connection.sendall(b"HTTP/1.1 207 Multi-Status\r\nContent-Type: text/xml\r\n"
                                       b"Connection: close\r\n\r\n<D:multistatus xmlns:D=\"DAV:\">")
                    chunk = b"<D:response/>" * 5000
                    while not self.closed.is_set():
                        connection.sendall(chunk)
                        self.sent += len(chunk)
            except OSError:
                return  # the client gave up: what a bounded client does
