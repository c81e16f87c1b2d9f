"""Group commit: the changes of one year waiting for its lock in this process, made together.

A change of an engagement is the workspace's update — the year re-planned around it and its state
written, about 15 ms of CPU for the seed's year — under the year's lock. With every client writing,
each change waited behind every other one's re-plan and write, one by one (a p99 of 3-4 s with 50
clients). Here the writers of one year in one process queue together: the first to find the year
free becomes its **holder** and takes every change waiting at that moment (its own among them) as
one batch, in the order they arrived; :func:`submit` returns to each writer once the batch it was
in is done — committed, or failed — and whoever arrived meanwhile forms the next batch. What a batch
does is the caller's (``run``: for the API, :func:`liaison_web.api.change_engagement`'s — each change
checked against the engagement as the batch holds it at its turn, one re-plan and one save for the
batch, each change its own audit entry, each its own answer). The year's lock between processes is
the store's (:meth:`liaison_web.store.DatabaseStore.lock`), taken by ``run``; here only the threads
of one process meet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

__all__ = ["Turn", "submit"]

T = TypeVar("T")


class Turn(Generic[T]):
    """One writer's place in a batch: what it asks (``asked``), and once its batch is done either
    ``error`` (what refused it, or what failed the batch) or nothing (``run`` left its outcome on
    ``asked`` itself)."""

    def __init__(self, asked: T) -> None:
        self.asked = asked
        self.done = False
        self.error: BaseException | None = None


class _Year:
    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.waiting: list[Turn[object]] = []
        self.busy = False


_YEARS: dict[Hashable, _Year] = {}
_YEARS_LOCK = threading.Lock()


def _year(key: Hashable) -> _Year:
    with _YEARS_LOCK:
        found = _YEARS.get(key)
        if found is None:
            found = _YEARS[key] = _Year()
        return found


def submit(key: Hashable, turn: Turn[T], run: Callable[[Sequence[Turn[T]]], None]) -> None:
    """Wait for ``turn`` to be done in a batch of the year ``key``: made by this thread, as the
    holder of the next batch (``run(batch)``, the turns in their order of arrival), or by another
    thread holding one that took it. An exception out of ``run`` is the error of every turn of the
    batch it did not settle. Returns when the turn is done (its ``error`` set or not)."""
    year = _year(key)
    with year.changed:
        year.waiting.append(turn)  # type: ignore[arg-type]
        while year.busy and not turn.done:
            year.changed.wait()
        if turn.done:
            return
        year.busy = True
        batch: list[Turn[T]] = year.waiting  # type: ignore[assignment]
        year.waiting = []
    try:
        run(batch)
    except BaseException as exc:
        for one in batch:
            if one.error is None:
                one.error = exc
        if not isinstance(exc, Exception):
            raise
    finally:
        with year.changed:
            for one in batch:
                one.done = True
            year.busy = False
            year.changed.notify_all()
