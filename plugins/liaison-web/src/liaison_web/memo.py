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

__all__ = ["once"]

P = ParamSpec("P")
R = TypeVar("R")


class _Pending:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.ok = False


def once(maxsize: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Keep the answers of the last ``maxsize`` keys (the positional arguments); one maker a key."""

    def decorate(make: Callable[P, R]) -> Callable[P, R]:
        kept: collections.OrderedDict[Hashable, _Pending] = collections.OrderedDict()
        lock = threading.Lock()

        @functools.wraps(make)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            key = (args, tuple(sorted(kwargs.items())))
            with lock:
                pending = kept.get(key)
                mine = pending is None
                if pending is None:
                    pending = kept[key] = _Pending()
                    while len(kept) > maxsize:
                        kept.popitem(last=False)
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
                raise
            finally:
                pending.done.set()

        def cache_clear() -> None:
            with lock:
                kept.clear()

        cached.cache_clear = cache_clear  # type: ignore[attr-defined]
        return cached

    return decorate
