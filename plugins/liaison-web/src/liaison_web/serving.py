"""How ``liaison serve`` serves: waitress, in one process or in ``--workers`` processes sharing one
listening socket.

Why processes: a request is Python work under the interpreter's lock, so one process serves on one
core however many threads it has (measured on the 2-core reference machine with 50 clients: one
process does ~800 due lists a second, its p99 over 100 ms). ``--workers N`` starts N processes, each
waitress with ``--threads`` threads, all accepting on the socket the parent bound (the kernel hands
each connection to one of them) — the model of gunicorn's sync and gthread workers, kept on
waitress, the server the service already runs (its request-size limit, its handling of slow
clients), with the parent doing only what a supervisor does: fork, restart a worker that died,
pass SIGTERM/SIGINT on to each worker by its process id and wait for them.

Nothing the service keeps between requests needs one process: answers are cached per process keyed
on the revision read in the request's own query (:mod:`liaison_web.memo`), writes of a year queue on
the year's lock between processes (:mod:`liaison_web.store`), and each worker runs its own webhook
and publication sender, a delivery or a job being leased to one of them at a time
(:mod:`liaison_web.webhooks`, :mod:`liaison_web.jobs`). Database connections are closed before the
fork, so no two processes share one.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from liaison.base.errors import LiaisonError

__all__ = ["CannotListen", "QueueWarnings", "listening_socket", "serve", "settle"]

log = logging.getLogger("liaison_web.serving")


class CannotListen(LiaisonError):
    """The service cannot listen where it was asked to (the port taken, an address not this machine's)."""


def listening_socket(host: str, port: int) -> socket.socket:
    """The socket the workers share, bound and listening (``port`` 0: a free one); a refusal of the
    system is :class:`CannotListen`, said before anything else is done."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    made = socket.socket(family, socket.SOCK_STREAM)
    try:
        made.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        made.bind((host, port))
        made.listen(1024)
    except OSError as exc:
        made.close()
        raise _cannot_listen(host, port, exc) from None
    made.setblocking(False)
    return made


def _cannot_listen(host: str, port: int, exc: OSError) -> CannotListen:
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return CannotListen(f"port {port} on {host} is in use by another program", file=where,
                            fix=f"stop that program, or give another port (--port {port + 1})",
                            message_zh=f"{host} 上的端口 {port} 已被其他程序占用",
                            fix_zh=f"请停止该程序，或换一个端口（--port {port + 1}）")
    if exc.errno == errno.EACCES:
        return CannotListen(f"listening on port {port} is not permitted to this user", file=where,
                            fix="give a port above 1023 (--port 8000) and put a reverse proxy in front "
                                "(docs/service.md)",
                            message_zh=f"当前用户无权在端口 {port} 上监听",
                            fix_zh="请用 1023 以上的端口（--port 8000），并在前面放置反向代理（见 docs/service.md）")
    from liaison_workspace.folder import reason_of

    reason, reason_zh = (("it is not an address of this machine", "它不是本机的地址")
                         if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror) else reason_of(exc))
    return CannotListen(f"cannot listen on {host}: {reason}", file=where,
                        fix="give one of this machine's addresses (--host 127.0.0.1, or 0.0.0.0 for all)",
                        message_zh=f"无法在 {host} 上监听：{reason_zh}",
                        fix_zh="请给出本机的地址（--host 127.0.0.1，或 0.0.0.0 表示全部）")


def settle() -> None:
    """What a serving process does once, before its first request, so that no request waits for it
    later: everything alive now (Django, the library, the URL conf, the district's texts, some
    170,000 objects) moved out of the cyclic collector's sight (:func:`gc.freeze`) — each of its full
    passes walked them all under the interpreter's lock, 85–270 ms during which no request of the
    process moved (under ``bench_api.py``'s mixed load: one such pass every 3.5–5 s; 29–85 ms now),
    and nothing of it is garbage; reference counting still frees them when they go — and
    waitress's "Task queue depth" warning (:class:`QueueWarnings`) said at most once a minute."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the URL conf, and the API's and the pages' modules it imports
    gc.collect()
    gc.freeze()
    queue = logging.getLogger("waitress.queue")
    if not any(isinstance(f, QueueWarnings) for f in queue.filters):
        queue.addFilter(QueueWarnings())


class QueueWarnings(logging.Filter):
    """Waitress warns "Task queue depth is N" for every request that finds its threads busy — with 50
    clients, nearly every request — under the lock its threads take their next task with, written to
    the console each time. One a minute says as much to the operator (the count of those left out
    with it)."""

    EVERY = 60.0

    def __init__(self) -> None:
        super().__init__()
        self.last = -self.EVERY
        self.left_out = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        if now - self.last < self.EVERY:
            self.left_out += 1
            return False
        if self.left_out:
            record.msg = f"{record.msg} (and {self.left_out} more since the last one said)"
        self.last, self.left_out = now, 0
        return True


#: The signals that stop the service (a service manager's SIGTERM, Ctrl-C's SIGINT).
STOPS = {signal.SIGTERM, signal.SIGINT}

#: Seconds a worker has to stop once told (waitress gives its requests 5 of them) before its
#: supervisor kills it: a stop is bounded whatever the worker was doing.
STOP_GRACE = 10.0


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _die_with(parent: int) -> None:
    """A worker stops when its supervisor ``parent`` dies whatever the way (SIGKILL, the kernel's
    out-of-memory killer), not only when told: it is sent SIGTERM then (Linux's ``PR_SET_PDEATHSIG``,
    through ctypes: the standard library has no ``prctl``), so no worker serves on orphaned, holding
    the port the service's restart binds and answering with code the restart replaced. A parent gone
    before this ran: the worker stops at once. (Elsewhere a worker outlives a killed supervisor.)"""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGTERM)  # held until the worker lets its stops in


def _one(app: Any, options: dict[str, Any], webhooks: bool, announce: Callable[[int], None] | None,
         sockets: list[socket.socket] | None = None, on_start: Callable[[], object] | None = None) -> None:
    """One waitress server (on ``options``' host and port, or on ``sockets``) with its sender
    thread, until SIGTERM or Ctrl-C; ``on_start`` is called in the serving process before it serves
    (after a fork: what it starts — a thread — is the worker's own)."""
    from waitress.server import create_server

    from liaison_web.oversize import adopt
    from liaison_web.worker import Worker

    # Stopped by its process id (a service manager, a test): SIGTERM ends it as Ctrl-C does, the socket
    # closed; a shell that starts it in the background leaves SIGINT ignored, so SIGTERM is the one to send.
    # Set before anything starts, and so before the address is announced: a stop sent as soon as the address
    # is read found the default handler (the process killed, exit -15) until this line ran.
    signal.signal(signal.SIGTERM, _stop)
    # the outbox's sender: what a change queued (now, or before a restart) is sent from here
    worker = Worker() if webhooks else None
    server = None
    try:
        if worker is not None:
            worker.start()
        if on_start is not None:
            on_start()
        settle()
        server = create_server(app, **options) if sockets is None else create_server(
            app, sockets=sockets, **{k: v for k, v in options.items() if k not in ("host", "port")})
        adopt(server)  # a request too large is answered by the service, not in waitress's words
        if announce is not None:
            announce(int(server.effective_port))  # type: ignore[union-attr]
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.close()
        if worker is not None:
            worker.stop()


def serve(app: Any, *, host: str, port: int, workers: int, webhooks: bool, announce: Callable[[int], None],
          on_start: Callable[[], object] | None = None, bound: socket.socket | None = None,
          **options: Any) -> None:
    """Serve ``app`` (waitress ``options``: threads, limits) on ``host``:``port`` (or on the socket
    ``bound`` there before: :func:`listening_socket`); ``announce`` is told the port once it is bound
    (see the module's docstring)."""
    from liaison_web import logs

    logs.install(root=True)  # the log's handler, a feed's secret cut (before a fork: every worker's)
    shared = bound if bound is not None else listening_socket(host, port)
    if workers <= 1:
        try:
            _one(app, options, webhooks, announce, [shared], on_start)
        finally:
            shared.close()
        return
    from django.db import connections

    announce(int(shared.getsockname()[1]))
    sys.stdout.flush()
    sys.stderr.flush()
    connections.close_all()  # each worker opens its own
    stopping = False
    parent = os.getpid()

    def start() -> int:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                # the parent forked with SIGTERM and SIGINT blocked (spawn), so neither has reached this
                # process yet: its own handlers first, then whatever was sent meanwhile is delivered to them
                signal.signal(signal.SIGTERM, _stop)
                signal.signal(signal.SIGINT, signal.default_int_handler)
                _die_with(parent)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
                _one(app, options, webhooks, None, [shared], on_start)
            except SystemExit:
                pass
            except BaseException:
                log.exception("a worker of liaison serve failed")
                code = 1
            finally:
                for each in (signal.SIGTERM, signal.SIGINT):  # nothing may keep the worker from its exit
                    signal.signal(each, signal.SIG_IGN)
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        return pid

    def forward(signum: int, frame: object) -> None:
        nonlocal stopping
        if not stopping:  # the workers' grace starts with the first stop
            signal.signal(signal.SIGALRM, overdue)
            signal.setitimer(signal.ITIMER_REAL, STOP_GRACE)
        stopping = True
        for pid in running:
            with contextlib.suppress(ProcessLookupError):  # already gone
                os.kill(pid, signal.SIGTERM)

    def overdue(signum: int, frame: object) -> None:
        # A worker whose stop is not done after the grace is killed: its main thread may be inside a call
        # that defers its handler (SQLite waiting out another's lock), or its threads' shutdown stuck.
        for pid in running:
            log.warning("worker %s of liaison serve did not stop within %s s; killing it", pid, STOP_GRACE)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def spawn() -> None:
        # A stop is held back from the fork to the new worker's place in ``running``: delivered in between,
        # the parent's ``forward`` would not know the new worker (it would serve on, the parent waiting for it
        # for ever), and the worker — running the parent's handler until it sets its own — would not stop.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
        try:
            if not stopping:
                running.add(start())
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)

    running: set[int] = set()
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for _ in range(workers):
        spawn()
    try:
        while running:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            running.discard(pid)
            if not stopping:  # a worker died on its own: another in its place, after a breath
                log.error("worker %s of liaison serve ended (status %s); starting another", pid, status)
                time.sleep(1)
                spawn()  # not if a stop came during the breath
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)  # every worker gone: no grace left to keep
        shared.close()
