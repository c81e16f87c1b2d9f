"""The service's one reading of the clock: today in a district's time zone (the day a change is made,
the year a feed or a page shows by default). The library never reads the clock; the command passes
its today in, and the service does it here, at its edge."""

from __future__ import annotations

import datetime as dt

from liaison.law.district import District

__all__ = ["district_today", "today_in"]


def today_in(zone: str) -> dt.date:
    """Today in the time zone ``zone`` (the server's own when the name is not one)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from django.utils import timezone

    try:
        return dt.datetime.now(ZoneInfo(zone)).date()
    except ZoneInfoNotFoundError:
        return timezone.localdate()


def district_today(district: District) -> dt.date:
    """Today in ``district``'s time zone: "held" cannot be recorded for a day still to come there."""
    return today_in(district.info.timezone)
