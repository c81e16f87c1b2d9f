"""What a plan's engagement rests on beyond the text: the district's own settings (its readings,
numbers, cycle, durations, the part-period setting) — one place, which every output of the plan
(the table, the JSON, the workbook, the page) reads to mark them."""

from __future__ import annotations

from liaison.law.district import District
from liaison.law.duties import YearDuties
from liaison.law.rules import Cadence, Invitation
from liaison.year.engagements import Engagement

#: The settings of a cadence that shape the engagements the planner places for it.
_PLANNED_BY = ("scope", "min_per_period", "max_per_period", "period_years", "period_months", "cycle_anchor_year",
               "duration_minutes")


def planned_settings(district: District, engagement: Engagement,
                     duties: YearDuties | None = None) -> tuple[tuple[str, str], ...]:
    """The district's own settings an engagement of the plan rests on, each with the district's note:
    the per-pairing or per-department reading, the numbers, the first year of a cycle, the duration —
    of the cadence version in force on its day that it carries out; for an event, the settings of the
    invitation rule of its kind and host; and, given the year's duties (``duties``, built once for
    the plan by the caller), the part-period setting when it serves an obligation in force for part of
    its period. Empty when the text says all of it (or the engagement carries out no rule). Every output of
    the plan marks these (the table, the JSON, the workbook, the page)."""
    found: list[tuple[str, str]] = []
    for pid in engagement.provisions[:1]:
        prov = district.provision(pid)
        rules = [r for r in prov.rules if r.validity.contains(engagement.date)
                 and ((isinstance(r, Cadence) and r.engagement_kind == engagement.kind)
                      or (isinstance(r, Invitation) and r.event_kind == engagement.kind))]
        for rule in rules[:1]:
            fields: tuple[str, ...] = _PLANNED_BY if isinstance(rule, Cadence) else ("host", "recipients", "role_zh")
            for field in fields:
                if not rule.is_local(field):
                    continue
                if field == "cycle_anchor_year" and isinstance(rule, Cadence) and rule.months == 12:
                    continue  # a calendar year starts in January whatever the anchor
                if field == "scope" and isinstance(rule, Cadence) and rule.scope == "government":
                    continue
                found.append((field, rule.local.note(field) or rule.note))
    # only an obligation of a body the engagement has present can count it: those, not all the year's
    owed = duties.partial_owed((engagement.host, *engagement.participants)) if duties is not None else ()
    if any(o.counts(engagement.kind, engagement.date, engagement.host, engagement.participants) for o in owed):
        found.append(("part_period", district.info.part_period.note))
    return tuple(found)
