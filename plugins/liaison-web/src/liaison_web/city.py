"""The city's view of its districts: per district, one year's standing as the library's findings
give it (:func:`liaison.law.compliance.check` on the year as the service holds it, the engagements
marked held counted as records — what ``liaison check --plan`` counts), and the letters issued.

Read-only and made from the findings, not a second judgement: ``met`` counts the findings met,
``short`` the shortfalls (未达要求, a designation missing, late, unanswered) not explained,
``explained`` the shortfalls of 一般应 with a recorded reason, ``unanswered`` the answers due and not
given (research feedback overdue), ``open`` what is not yet due; ``letters_issued`` the letters the
year's last export issued. What is served at ``GET /api/v1/city`` (:mod:`liaison_web.api`).
"""

from __future__ import annotations

import datetime as dt

import attrs

from liaison.law.district import District
from liaison.law.findings import SHORTFALLS, FindingStatus, Report, Severity
from liaison.year.state import YearState

__all__ = ["CityDocument", "DistrictStanding", "standing"]


@attrs.frozen(kw_only=True)
class DistrictStanding:
    """One district's year as of a day. ``revision`` None: the year has no plan in the service, and
    nothing is counted (the counts are None)."""

    district: str
    name: str
    name_en: str
    year: int
    as_of: dt.date
    revision: str | None
    met: int | None = None
    short: int | None = None
    explained: int | None = None
    unanswered: int | None = None
    open: int | None = None
    letters_issued: int | None = None


@attrs.frozen(kw_only=True)
class CityDocument:
    """Every district of the deployment the caller may read, by id."""

    year: int
    districts: tuple[DistrictStanding, ...]


def standing(district: District, year: int, as_of: dt.date, revision: str | None,
             report: Report | None = None, state: YearState | None = None) -> DistrictStanding:
    """The counts of ``report`` (the district's findings as of ``as_of``) and ``state``'s letters."""
    info = district.info
    head = DistrictStanding(district=info.id, name=info.name, name_en=info.name_en, year=year, as_of=as_of,
                            revision=revision)
    if report is None or state is None:
        return head
    findings = report.findings
    return attrs.evolve(
        head,
        met=sum(f.status == FindingStatus.MET for f in findings),
        short=sum(f.status in SHORTFALLS and f.severity != Severity.EXPLAINED for f in findings),
        explained=sum(f.severity == Severity.EXPLAINED for f in findings),
        unanswered=sum(f.status == FindingStatus.UNANSWERED for f in findings),
        open=sum(f.status == FindingStatus.OPEN for f in findings),
        letters_issued=sum(letter.active for letter in state.letters))
