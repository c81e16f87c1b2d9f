"""Which calendar years' registers an export numbers into, and which other plan years' states hold
letters of them (liaison.year.numbering's neighbours): a module of its own, light to import, so the
command's receipt (liaison_cli.receipts) names the same plan years as the export reads without
loading the law."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from liaison.base.years import FIRST_YEAR, LAST_YEAR

if TYPE_CHECKING:
    import datetime as dt

__all__ = ["holding_years", "register_years"]


def register_years(plan_year: int, issued_on: dt.date | None) -> tuple[int, ...]:
    """The calendar years whose registers an export of ``plan_year`` on ``issued_on`` numbers into or
    shows, ascending: the plan's year (its 发文登记 sheet) and the year of issue (every letter it
    issues is dated that day) — the years whose store locks it holds, in that order."""
    return tuple(sorted({plan_year} | ({issued_on.year} if issued_on is not None else set())))


def holding_years(plan_year: int, years: Iterable[int]) -> tuple[int, ...]:
    """The other plan years whose states may hold letters numbered in the calendar ``years``: a
    plan's letters go out in its year, in December before it (invitations to January meetings) and
    in January after it (answers to its last reports), so those of the years around each."""
    return tuple(sorted({y + d for y in years for d in (-1, 0, 1)
                         if y + d != plan_year and FIRST_YEAR <= y + d <= LAST_YEAR}))
