"""Python's cyclic collector paused while a request makes many long-lived values at once: the
core's :func:`liaison.host.collector.collector_paused`, which an export uses too (one counter of the
work under way for the process: the collector is back on only after the last of either ends), where
the process allows it (:func:`liaison.host.collector.allow`: ``liaison serve``'s processes do).

Checking a city's districts cold parses and checks each of them: hundreds of thousands of objects
that all survive (the parsed law, the year, the findings, kept by the caches). Each young
collection then walks what the last one kept, finds nothing to free and promotes it: about a tenth
of the city's cold view (0.15-0.2 s of CPU for 100 seed-sized districts, docs/benchmarks.md) freed
nothing.
"""

from __future__ import annotations

from liaison.host.collector import allowed, collector_paused

__all__ = ["allowed", "collector_paused"]
