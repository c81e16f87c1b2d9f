"""Python's cyclic collector paused while one piece of work makes many values at once.

An export makes some hundred thousand objects for a seed district (the exporters' letters, sheets
and page, the plan again, the digests) and drops them when it returns; the exporters leave no cycle
behind (each that made one breaks it: docs/benchmarks.md, "fewer full passes"), so reference
counting frees them all. The collector, left on, walked them some dozen times an export — its young
passes, and every few exports a full pass over everything alive — and freed nothing: about 6 ms of
a seed export's 130 (CPU, the with-files city of issue #23). A checking of a city's districts cold
is the same (:mod:`liaison_web.city`).

:func:`collector_paused` turns the collector off for the work and back on after the last such work
of the process ends (threads may export or survey at once: the collector is the process's);
reference counting still frees everything that is not a cycle, and the collector runs again as
soon as the work is over — also after a failure.

Turning the collector off is the whole process's act, so it is the process owner's to allow
(:func:`allow`): the ``liaison`` command allows it for its own process (``liaison_cli.main``, every
command, ``liaison serve`` included: :func:`liaison_web.settings.configure` with ``pause_collector``
for a program that configures the service itself). A program that calls the library keeps its
collector as it set it — :func:`collector_paused` then changes nothing — unless it allows it too.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["allow", "allowed", "collector_paused"]

_LOCK = threading.Lock()
#: pieces of work under way, and whether the collector was on when the first of them began
_STATE = {"batches": 0, "was_on": False}
#: whether this process lets a piece of work pause the collector (:func:`allow`)
_ALLOWED = {"on": False}


def allow(on: bool = True) -> None:
    """Let (or no longer let) this process's pieces of work pause the collector: the process owner's
    choice (the module docstring)."""
    _ALLOWED["on"] = on


def allowed() -> bool:
    """Whether this process lets a piece of work pause the collector."""
    return _ALLOWED["on"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the ``with`` block where the process allows it (:func:`allowed`);
    otherwise nothing is changed."""
    if not _ALLOWED["on"]:
        yield
        return
    with _LOCK:
        if _STATE["batches"] == 0:
            _STATE["was_on"] = gc.isenabled()
            gc.disable()
        _STATE["batches"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _STATE["batches"] -= 1
            if _STATE["batches"] == 0 and _STATE["was_on"]:
                gc.enable()
