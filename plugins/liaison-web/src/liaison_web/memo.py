"""A cache of answers keyed on what names their content (a district's version, a year's revision),
made once even when many requests ask at the same moment.

After a change every reader of the year asks for the answers of the new revision at once; with
``functools.lru_cache`` each of them would make the same plan, findings or due list in parallel (50
clients: 50 times the work, all on the server's few cores, the slowest answer last). :func:`once`
lets the first caller of a key make it and the others wait for that one answer. A failure is not
kept: the waiting callers then make it themselves (and fail with their own error, if it is one).
"""

from __future__ import annotations

import collections
import functools
import threading
from collections.abc import Callable, Hashable
from typing import Any, ParamSpec, TypeVar

__all__ = ["REVISIONS_KEPT", "counter_of", "once"]

P = ParamSpec("P")
R = TypeVar("R")


class _Pending:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.ok = False


#: How many revisions of one year an answer is kept for (``once``'s ``revision``): the current one and
#: those before it that a reader which read its revision just before some changes may still ask for
#: (three were too few with 50 clients writing: readers a few changes behind made their answers again).
REVISIONS_KEPT = 8


#: A kept answer's key: the positional arguments and the keyword ones, sorted.
_Key = tuple[tuple[Any, ...], tuple[tuple[str, Any], ...]]


def counter_of(tag: object) -> int | None:
    """A revision's counter (``<n>-<digest>``: :mod:`liaison_web.store`), or None for anything else."""
    if isinstance(tag, str):
        number, dash, _ = tag.partition("-")
        if dash and number.isdigit():
            return int(number)
    return None


def once(maxsize: int, *, revision: int | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Keep the answers of the last ``maxsize`` keys (the positional arguments); one maker a key.

    ``revision``: the position of an argument that is a year's revision. Of the keys that differ only
    in it, the answers of the :data:`REVISIONS_KEPT` newest revisions are kept, older ones let go as
    a newer one is made: under a stream of changes the kept answers were every one of the last
    ``maxsize`` revisions — some 23,000 objects for the seed's year after 70 changes, all walked by
    every full pass of Python's collector (29–85 ms under load) though no reader asks for them again."""

    def decorate(make: Callable[P, R]) -> Callable[P, R]:
        kept: collections.OrderedDict[_Key, _Pending] = collections.OrderedDict()
        # by the key less its revision: the kept keys' revisions' counters and the keys
        years: dict[Hashable, dict[int, _Key]] = {}
        lock = threading.Lock()

        def grouped(key: _Key) -> tuple[Hashable, int] | None:
            """``key``'s year (the key less its revision) and its revision's counter, or None (not kept
            by revision)."""
            if revision is None:
                return None
            args, rest = key
            number = counter_of(args[revision]) if len(args) > revision else None
            return None if number is None else ((args[:revision] + args[revision + 1:], rest), number)

        def forget(key: _Key) -> None:
            """Drop ``key`` from the index of revisions (the caller holds the lock)."""
            found_group = grouped(key)
            if found_group is None:
                return
            group, number = found_group
            found = years.get(group)
            if found is not None and found.get(number) == key:
                del found[number]
                if not found:
                    del years[group]

        def index(key: _Key) -> None:
            """Note ``key``'s revision, letting go of the answers of revisions older than the kept
            newest of its year (the caller holds the lock)."""
            found_group = grouped(key)
            if found_group is None:
                return
            group, number = found_group
            found = years.setdefault(group, {})
            found[number] = key
            for old in sorted(found)[:-REVISIONS_KEPT]:
                if old != number:  # the one being made is kept (its readers wait for it) until a newer one
                    kept.pop(found.pop(old), None)

        @functools.wraps(make)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            key: _Key = (args, tuple(sorted(kwargs.items())))
            with lock:
                pending = kept.get(key)
                mine = pending is None
                if pending is None:
                    pending = kept[key] = _Pending()
                    index(key)
                    while len(kept) > maxsize:
                        forget(kept.popitem(last=False)[0])
                else:
                    kept.move_to_end(key)
            if not mine:
                pending.done.wait()
                if pending.ok:
                    return pending.value  # type: ignore[no-any-return]
                return make(*args, **kwargs)
            try:
                pending.value = make(*args, **kwargs)
                pending.ok = True
                return pending.value  # type: ignore[no-any-return]
            except BaseException:
                with lock:
                    if kept.get(key) is pending:
                        del kept[key]
                        forget(key)
                raise
            finally:
                pending.done.set()

        def cache_clear() -> None:
            with lock:
                kept.clear()
                years.clear()

        cached.cache_clear = cache_clear  # type: ignore[attr-defined]
        return cached

    return decorate
