"""The year's state: ``out/<year>/plan-<district>-<year>.json``, the one source of truth for a year.

It holds the year's engagements with their statuses (proposed, agreed, held, cancelled) and
revisions (SEQUENCE), what could not be placed, the plan's options, the events file as last seen,
the State Council holiday notices the year was planned on (so a later command without ``--holidays``
plans on them, not on the estimate), the letters issued with their numbers, the manifest of what the
last export wrote, and what was published where. Every export and update reads it when present and
writes it back; nothing agreed is reverted by a re-export. A clerk may edit it by hand: it is read
back as strictly as a data file, against the district (an unknown organisation, a duplicate id, a
date outside the year, another district's or another year's state is a ``FILE: $.path: …`` error).

Values only: :mod:`liaison.formats.state` turns it into text and back (:func:`state_to_json`,
:func:`parse_state`); the edge reads and writes the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import attrs

from liaison.base.text import identifier, in_range, line_text, message_text, title_text
from liaison.law.notices import HolidayNotice
from liaison.law.records import RegisteredLetter
from liaison.year.engagements import Engagement, KnownEvent, Plan, PlanOptions, PlanWarning, Published, Unplaced
from liaison.year.numbering import LetterRecord
from liaison.year.publications import Publication

if TYPE_CHECKING:
    from liaison.law.workdays import WorkingDayCalendar

Policy = Literal["replace", "archive", "keep_edits"]
#: The folder inside a year where an export moves the files it replaces or drops (``已作废/<revision>/…``).
ARCHIVE = "已作废"


def state_file_name(district_id: str, year: int) -> str:
    """The state file's name inside the year's folder: the one place it is spelt."""
    return f"plan-{district_id}-{year}.json"


@attrs.frozen
class ManifestFile:
    path: str = attrs.field(validator=title_text)
    sha256: str = attrs.field(validator=line_text)
    exporter: str = attrs.field(validator=identifier)
    policy: Policy = "replace"
    revision: int = attrs.field(default=0, validator=in_range(0, 1_000_000))  # the export that wrote these bytes


@attrs.frozen
class ExporterRun:
    """The last run of one exporter: the digest of everything its output depends on (``inputs``) and
    the digest of the files it made (``outputs``: their paths and digests). An export whose exporter
    would see the same inputs, while its files are still as recorded, reuses them instead of
    rendering them again (:func:`liaison.host.exporting.build_export`)."""

    exporter: str = attrs.field(validator=identifier)
    inputs: str = attrs.field(validator=line_text)
    outputs: str = attrs.field(validator=line_text)


@attrs.frozen
class Manifest:
    """What an export wrote: every file with its digest; the next export archives what it drops.
    ``runs``: each exporter's last run (by exporter name)."""

    revision: int = attrs.field(default=0, validator=in_range(0, 1_000_000))
    files: tuple[ManifestFile, ...] = ()
    runs: tuple[ExporterRun, ...] = ()

    def by_path(self) -> dict[str, ManifestFile]:
        return {f.path: f for f in self.files}


@attrs.frozen(kw_only=True)
class YearState:
    """One district's year (see the module docstring)."""

    district: str
    year: int
    engagements: tuple[Engagement, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()
    warnings: tuple[PlanWarning, ...] = ()
    provisional: bool = False
    calendar: str = attrs.field(default="", validator=message_text)
    options: PlanOptions = attrs.field(factory=PlanOptions)
    events_seen: tuple[KnownEvent, ...] | None = None  # the events file as last given (None: never)
    notices: tuple[HolidayNotice, ...] = ()  # the holiday notices the year was planned on, as given
    letters: tuple[LetterRecord, ...] = ()
    #: the office's 发文登记簿 as imported so far (the records' ``register``): numbers once known used stay
    #: used, so an export without the import never takes them again
    register: tuple[RegisteredLetter, ...] = ()
    manifest: Manifest = Manifest()
    publications: tuple[Publication, ...] = ()
    exported: tuple[Published, ...] | None = None  # the engagements as the last export sent them out

    @property
    def plan(self) -> Plan:
        return Plan(district_id=self.district, year=self.year, engagements=self.engagements, unplaced=self.unplaced,
                    provisional=self.provisional, calendar=self.calendar,
                    options=self.options, warnings=self.warnings)

    @classmethod
    def of(cls, plan: Plan) -> YearState:
        return cls(district=plan.district_id, year=plan.year, engagements=plan.engagements, unplaced=plan.unplaced,
                   warnings=plan.warnings, provisional=plan.provisional, calendar=plan.calendar, options=plan.options)

    def with_plan(self, plan: Plan) -> YearState:
        return attrs.evolve(self, engagements=plan.engagements, unplaced=plan.unplaced, warnings=plan.warnings,
                            provisional=plan.provisional, calendar=plan.calendar, options=plan.options)

    def publication(self, publisher: str, target: str) -> Publication | None:
        return next((p for p in self.publications if p.publisher == publisher and p.target == target), None)

    def with_publication(self, publication: Publication) -> YearState:
        others = tuple(p for p in self.publications
                       if (p.publisher, p.target) != (publication.publisher, publication.target))
        return attrs.evolve(self, publications=(*others, publication))


def year_calendar(state: YearState | None, year: int, calendar: WorkingDayCalendar | None,
                  notices: Sequence[HolidayNotice] = ()) -> tuple[WorkingDayCalendar, tuple[HolidayNotice, ...]]:
    """The calendar to plan ``year`` on, and the notices it uses: those given, else those the year's
    state was planned on (a notice given for a year replaces the stored one), on top of ``calendar``."""
    from liaison.law.notices import notices_in_use
    from liaison.law.workdays import default_calendar, with_notices

    used = notices_in_use(state.notices if state is not None else (), notices, year)
    return with_notices(calendar or default_calendar(), used), used
