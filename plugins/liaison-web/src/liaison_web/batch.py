"""Python's cyclic collector paused while a request makes many long-lived values at once.

Checking a city's districts cold parses and checks each of them: hundreds of thousands of objects
that all survive (the parsed law, the year, the findings, kept by the caches). Each young
collection then walks what the last one kept, finds nothing to free and promotes it: about a tenth
of the city's cold view (0.15-0.2 s of CPU for 100 seed-sized districts, docs/benchmarks.md) freed
nothing. :func:`collector_paused` turns the collector off for the batch and back on after the last
batch of the process ends (threads may survey at once: the collector is the process's); reference
counting still frees everything that is not a cycle, and the collector runs again as soon as the
batch is over.

Turning the collector off is a process-wide act, so it is the process owner's to allow: the setting
``LIAISON_PAUSE_COLLECTOR`` (False unless set), which ``liaison serve`` turns on for the processes it
runs (:func:`liaison_web.settings.configure`, ``pause_collector``). A program that configures the
service's Django itself and calls the city's survey keeps its collector as it set it, unless it
turns the setting on too.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["collector_paused"]

_LOCK = threading.Lock()
#: batches under way, and whether the collector was on when the first of them began
_STATE = {"batches": 0, "was_on": False}


def allowed() -> bool:
    """Whether this process lets a batch pause the collector (``LIAISON_PAUSE_COLLECTOR``)."""
    from django.conf import settings

    return bool(getattr(settings, "LIAISON_PAUSE_COLLECTOR", False))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the ``with`` block where the process allows it (:func:`allowed`);
    otherwise nothing is changed."""
    if not allowed():
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
