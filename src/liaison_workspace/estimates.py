"""The law's estimate of a year's statutory days off, kept in liaison's cache folder
(:func:`liaison.host.cache.cache_folder`) so that a command need not import ``holidays``.

Working the estimate out (:func:`liaison.law.holiday_law.statutory_days`) imports ``holidays``, which
loads all of its 250 countries: about 0.1 s, the largest fixed cost of a seed export. The first
command to plan a year without a State Council notice keeps the result in
``law-estimate-<holidays version>.json``; later commands give it back to the law
(:func:`liaison.law.holiday_law.remember`). The file is keyed by the version of ``holidays``, so an
upgraded package (a corrected lunar table, an amended law) is asked afresh. A cache is an
optimisation only: a file that is missing, truncated or garbage is worked out again, a folder that
cannot be written is left alone — it never fails or changes a command's output.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from liaison.host.cache import cache_folder

if TYPE_CHECKING:
    from liaison.law.workdays import WorkingDayCalendar

__all__ = ["preload_law_years"]

_LAW_FORMAT = "liaison-law-estimate/1"


def preload_law_years(calendar: WorkingDayCalendar, years: Iterable[int]) -> None:
    """Give the law's estimate of each of ``years`` the calendar has no published arrangement for
    from the cache (:func:`liaison.law.holiday_law.remember`), working out and keeping those it
    does not hold yet. Does nothing for a year the calendar publishes, or without a cache folder."""
    from liaison.law.holiday_law import FIRST_YEAR

    wanted = sorted({y for y in years if y >= FIRST_YEAR and not calendar.is_published(y)})
    folder = cache_folder()
    if not wanted or folder is None:
        return
    version = _holidays_version()
    if version is None:
        return
    from liaison.law.holiday_law import remember, statutory_days

    path = folder / f"law-estimate-{version}.json"
    held = _read(path)
    added = False
    for year in wanted:
        days = _days(held.get(str(year)))
        if days is None:
            days = statutory_days(year)
            held[str(year)] = _document(days)
            added = True
        remember(year, days)
    if added:
        _write(path, held)


def _holidays_version() -> str | None:
    from importlib import metadata

    try:
        version = metadata.version("holidays")
    except metadata.PackageNotFoundError:
        return None
    return "".join(c for c in version if c.isalnum() or c in ".-_") or None


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict) or raw.get("format") != _LAW_FORMAT or not isinstance(raw.get("years"), dict):
        return {}
    years: dict[str, Any] = raw["years"]
    return years


def _document(days: Any) -> dict[str, Any]:
    rows, first = days
    return {"first_of_spring": first.isoformat() if first else None,
            "days": [[day.isoformat(), zh, en, kind.value] for day, zh, en, kind in rows]}


def _days(entry: Any) -> Any:
    """An entry of the file as :data:`liaison.law.holiday_law.StatutoryDays`, or None if it is not one."""
    from liaison.law.holiday_law import HolidayKind

    try:
        first = entry["first_of_spring"]
        rows = tuple((dt.date.fromisoformat(day), str(zh), str(en), HolidayKind(kind))
                     for day, zh, en, kind in entry["days"])
        if any(kind not in (HolidayKind.STATUTORY, HolidayKind.IN_LIEU) for *_, kind in rows):
            return None
        return rows, dt.date.fromisoformat(first) if first is not None else None
    except (TypeError, ValueError, KeyError):
        return None


def _write(path: Path, years: dict[str, Any]) -> None:
    """The file replaced whole (another process reads the old or the new one); any failure dropped."""
    text = json.dumps({"format": _LAW_FORMAT, "years": years}, ensure_ascii=False, sort_keys=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    with contextlib.suppress(OSError):
        temp.unlink(missing_ok=True)
