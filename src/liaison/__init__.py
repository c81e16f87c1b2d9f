"""liaison: a district's regulation on liaison with the democratic parties and the ICF, as code.

>>> import datetime as dt, liaison
>>> district = liaison.seed_district()
>>> [r.organisation.name for r in district.cc_list("区卫生局", dt.date(2027, 1, 1)).recipients]
['农工党总支部', '九三学社综合支社']
>>> plan = liaison.plan_year(district, 2026)          # meetings and visits on China's working days
>>> report = liaison.check(district, liaison.Records.from_plan(plan), 2026)   # the plan as if held
>>> sorted({district.provision(f.provision).cite_zh() for f in report.problems()})  # no designations, no 2025 meeting
['第三（一）条“建立联系责任制”']

The core is pure: objects in, objects out. Files, clocks and exporters live at the edges (the
``liaison`` command, :mod:`liaison_workspace`, the example scripts and the plugins).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liaison.base.errors import (
    DataError,
    ExportError,
    LiaisonError,
    OptionError,
    PlanningError,
    UnknownOrganisationError,
    UnknownProvisionError,
    WrongKindError,
)
from liaison.lazy import lazy_exports
from liaison.moved import install as _answer_old_paths

if TYPE_CHECKING:
    from liaison.formats.district import load_district, parse_district, seed_district
    from liaison.formats.events import load_events, parse_events
    from liaison.formats.notice import load_holiday_notice, parse_holiday_notice
    from liaison.formats.records import parse_records
    from liaison.formats.state import parse_state, state_to_json
    from liaison.formats.upgrade import Upgrade, UpgradeNote, upgrade_file
    from liaison.host.exporting import Artifact, Exporter, ExportRequest, build_export
    from liaison.host.hookspecs import hookimpl
    from liaison.host.options import Option
    from liaison.host.plugins import exporter, load_records, publisher, working_day_calendar
    from liaison.host.publishing import Publisher, PublishRequest, PublishResult
    from liaison.law.compliance import check
    from liaison.law.district import CcList, Counterparts, District, InviteeList, PairingSpan, Recipient
    from liaison.law.duties import Duties, Obligation, duties_of, obligations
    from liaison.law.findings import Finding, FindingStatus, Report, Severity
    from liaison.law.model import Designations, Organisation, OrgKind, Pairing, Party
    from liaison.law.notices import HolidayNotice
    from liaison.law.records import Records
    from liaison.law.rules import (
        Cadence,
        DesignationRule,
        EngagementKind,
        Invitation,
        Modality,
        Provision,
        RecordOnly,
        Response,
        Routing,
    )
    from liaison.law.workdays import (
        ChineseCalendar,
        WeekdayCalendar,
        WorkingDayCalendar,
        provisional_note,
        with_notices,
    )
    from liaison.year.engagements import Engagement, KnownEvent, Plan, PlanOptions, Status, revise
    from liaison.year.planner import plan_year, plan_years
    from liaison.year.publications import Publication
    from liaison.year.reconcile import Change, apply_changes, update_plan
    from liaison.year.state import YearState

# Public names and the module that defines them; imported on first use to keep `import liaison` fast.
_LAZY = {
    **dict.fromkeys(("check",), "liaison.law.compliance"),
    **dict.fromkeys(("CcList", "Counterparts", "District", "InviteeList", "PairingSpan", "Recipient"),
                    "liaison.law.district"),
    **dict.fromkeys(("Duties", "Obligation", "duties_of", "obligations"), "liaison.law.duties"),
    **dict.fromkeys(("Engagement", "KnownEvent", "Plan", "PlanOptions", "Status", "revise"),
                    "liaison.year.engagements"),
    **dict.fromkeys(("load_events", "parse_events"), "liaison.formats.events"),
    **dict.fromkeys(("Artifact", "Exporter", "ExportRequest", "build_export"), "liaison.host.exporting"),
    **dict.fromkeys(("Finding", "FindingStatus", "Report", "Severity"), "liaison.law.findings"),
    **dict.fromkeys(("HolidayNotice",), "liaison.law.notices"),
    **dict.fromkeys(("load_holiday_notice", "parse_holiday_notice"), "liaison.formats.notice"),
    **dict.fromkeys(("hookimpl",), "liaison.host.hookspecs"),
    **dict.fromkeys(("load_district", "parse_district", "seed_district"), "liaison.formats.district"),
    **dict.fromkeys(("Designations", "Organisation", "OrgKind", "Pairing", "Party"), "liaison.law.model"),
    **dict.fromkeys(("Option",), "liaison.host.options"),
    **dict.fromkeys(("plan_year", "plan_years"), "liaison.year.planner"),
    **dict.fromkeys(("exporter", "load_records", "publisher", "working_day_calendar"), "liaison.host.plugins"),
    **dict.fromkeys(("Publication",), "liaison.year.publications"),
    **dict.fromkeys(("Publisher", "PublishRequest", "PublishResult"), "liaison.host.publishing"),
    **dict.fromkeys(("Change", "apply_changes", "update_plan"), "liaison.year.reconcile"),
    **dict.fromkeys(("Records",), "liaison.law.records"),
    **dict.fromkeys(("parse_records",), "liaison.formats.records"),
    **dict.fromkeys(("Cadence", "DesignationRule", "EngagementKind", "Invitation", "Modality", "Provision",
                     "RecordOnly", "Response", "Routing"), "liaison.law.rules"),
    **dict.fromkeys(("YearState",), "liaison.year.state"),
    **dict.fromkeys(("parse_state", "state_to_json"), "liaison.formats.state"),
    **dict.fromkeys(("Upgrade", "UpgradeNote", "upgrade_file"), "liaison.formats.upgrade"),
    **dict.fromkeys(("ChineseCalendar", "WeekdayCalendar", "WorkingDayCalendar", "provisional_note", "with_notices"),
                    "liaison.law.workdays"),
}

__all__ = [
    "Artifact",
    "Cadence",
    "CcList",
    "Change",
    "ChineseCalendar",
    "Counterparts",
    "DataError",
    "DesignationRule",
    "Designations",
    "District",
    "Duties",
    "Engagement",
    "EngagementKind",
    "ExportError",
    "ExportRequest",
    "Exporter",
    "Finding",
    "FindingStatus",
    "HolidayNotice",
    "Invitation",
    "InviteeList",
    "KnownEvent",
    "LiaisonError",
    "Modality",
    "Obligation",
    "Option",
    "OptionError",
    "OrgKind",
    "Organisation",
    "Pairing",
    "PairingSpan",
    "Party",
    "Plan",
    "PlanOptions",
    "PlanningError",
    "Provision",
    "Publication",
    "PublishRequest",
    "PublishResult",
    "Publisher",
    "Recipient",
    "RecordOnly",
    "Records",
    "Report",
    "Response",
    "Routing",
    "Severity",
    "Status",
    "UnknownOrganisationError",
    "UnknownProvisionError",
    "Upgrade",
    "UpgradeNote",
    "WeekdayCalendar",
    "WorkingDayCalendar",
    "WrongKindError",
    "YearState",
    "apply_changes",
    "build_export",
    "check",
    "duties_of",
    "exporter",
    "hookimpl",
    "load_district",
    "load_events",
    "load_holiday_notice",
    "load_records",
    "obligations",
    "parse_district",
    "parse_events",
    "parse_holiday_notice",
    "parse_records",
    "parse_state",
    "plan_year",
    "plan_years",
    "provisional_note",
    "publisher",
    "revise",
    "seed_district",
    "state_to_json",
    "update_plan",
    "upgrade_file",
    "with_notices",
    "working_day_calendar",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__)
_answer_old_paths()  # liaison 0.1's module paths, with a DeprecationWarning, for one release (liaison.moved)
