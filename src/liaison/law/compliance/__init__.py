"""In December, an account: findings per obligation, per pairing or body, per period.

:func:`check` judges one year's records against the rules in force on each day: the cadence
obligations of :mod:`liaison.law.duties` (§3.1, §3.3, §3.6 in the seed), the §3.1 designations, §3.2
copying, the invitations of §1.2, §1.4 and §3.5, the §1.1 consultations and §1.3 research feedback,
and the record-only duties. One checker per kind of obligation (:mod:`.cadences`,
:mod:`.documents`); every finding says who was responsible, what it rests on (the text or a local
setting) and one true sentence in Chinese and English (:mod:`liaison.law.findings`). Records no finding
counted are listed with the reason (:mod:`.leftovers`).
"""

from __future__ import annotations

import datetime as dt

from liaison.base.errors import DataError, PlanningError
from liaison.base.text import FIRST_YEAR, LAST_YEAR
from liaison.law.compliance.cadences import cadence_status, cadences, designations, record_only
from liaison.law.compliance.context import Checker, Context
from liaison.law.compliance.documents import consultations, invitations, research_feedback, routing
from liaison.law.compliance.leftovers import not_counted, notes
from liaison.law.district import District
from liaison.law.duties import YearDuties, duties_for, obligations
from liaison.law.findings import (
    STATUS_EN,
    STATUS_ZH,
    Finding,
    FindingStatus,
    NotCounted,
    Report,
    Severity,
)
from liaison.law.records import Records
from liaison.law.rules import WorkingDays
from liaison.law.workdays import default_calendar

CHECKERS: tuple[Checker, ...] = (cadences, designations, routing, invitations, consultations, research_feedback,
                                 record_only)

__all__ = ["CHECKERS", "STATUS_EN", "STATUS_ZH", "Finding", "FindingStatus", "NotCounted", "Report", "Severity",
           "cadence_status", "check"]


def check(district: District, records: Records, year: int, as_of: dt.date | None = None, *,
          calendar: WorkingDays | None = None, duties: YearDuties | None = None) -> Report:
    """Check one year's records against every rule in force. ``as_of`` defaults to 31 December: a
    check as of a date sees only what had happened by then and the rule versions in force by then.
    ``duties``: the year's duties when the caller has them already (an export does), so the
    obligations are not worked out again. A day outside the year is a :class:`DataError` at
    ``as_of``: a check of a year is as of one of its days (before it nothing is due; after it, the
    year's account is as of 31 December)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PlanningError(f"cannot check the year {year}", fix=f"give a year between {FIRST_YEAR} and {LAST_YEAR}",
                            message_zh=f"无法检查{year}年", fix_zh=f"请给出 {FIRST_YEAR}–{LAST_YEAR} 之间的年份")
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    as_of = as_of or last
    if not first <= as_of <= last:
        raise DataError(f"the day {as_of.isoformat()} is not in the year {year} checked", file="as_of",
                        fix=f"give a day from {first.isoformat()} to {last.isoformat()}, or check the year "
                            f"{as_of.year}",
                        message_zh=f"{as_of.isoformat()} 不在所检查的{year}年内",
                        fix_zh=f"请给出 {first.isoformat()} 至 {last.isoformat()} 之间的日期，或检查{as_of.year}年")
    # only the obligations: the year's other duties are not worked out when the caller has none
    owed = obligations(district, first, last) if duties is None else \
        duties_for(district, year, duties, designations=False).obligations
    ctx = Context(district, records.until(as_of), year, first, last, as_of, calendar or default_calendar(), owed)
    findings = [f for checker in CHECKERS for f in checker(ctx)]
    notes_zh, notes_en = notes(ctx)
    return Report(district_id=district.info.id, year=year, as_of=as_of, findings=tuple(findings),
                  not_counted=tuple(not_counted(ctx, records)), notes_zh=notes_zh,
                  notes_en=notes_en)
