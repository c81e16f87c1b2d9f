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

from liaison.errors import (
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

if TYPE_CHECKING:
    from liaison.compliance import check
    from liaison.district import CcList, Counterparts, District, InviteeList, PairingSpan, Recipient
    from liaison.duties import Duties, Obligation, duties_of, obligations
    from liaison.engagements import Engagement, KnownEvent, Plan, PlanOptions, Status, revise
    from liaison.events import load_events, parse_events
    from liaison.exporting import Artifact, Exporter, ExportRequest, build_export
    from liaison.findings import Finding, FindingStatus, Report, Severity
    from liaison.holiday_notice import HolidayNotice, load_holiday_notice, parse_holiday_notice
    from liaison.hookspecs import hookimpl
    from liaison.loader import load_district, parse_district, seed_district
    from liaison.model import Designations, Organisation, OrgKind, Pairing, Party
    from liaison.options import Option
    from liaison.planner import plan_year, plan_years
    from liaison.plugins import exporter, load_records, publisher, working_day_calendar
    from liaison.publishing import Publication, Publisher, PublishRequest, PublishResult
    from liaison.reconcile import Change, apply_changes, update_plan
    from liaison.records import Records, parse_records
    from liaison.rules import (
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
    from liaison.state import YearState, parse_state, state_to_json
    from liaison.upgrade import Upgrade, UpgradeNote, upgrade_file
    from liaison.workdays import ChineseCalendar, WeekdayCalendar, WorkingDayCalendar, provisional_note, with_notices

# Public names and the module that defines them; imported on first use to keep `import liaison` fast.
_LAZY = {
    **dict.fromkeys(("check",), "liaison.compliance"),
    **dict.fromkeys(("CcList", "Counterparts", "District", "InviteeList", "PairingSpan", "Recipient"),
                    "liaison.district"),
    **dict.fromkeys(("Duties", "Obligation", "duties_of", "obligations"), "liaison.duties"),
    **dict.fromkeys(("Engagement", "KnownEvent", "Plan", "PlanOptions", "Status", "revise"), "liaison.engagements"),
    **dict.fromkeys(("load_events", "parse_events"), "liaison.events"),
    **dict.fromkeys(("Artifact", "Exporter", "ExportRequest", "build_export"), "liaison.exporting"),
    **dict.fromkeys(("Finding", "FindingStatus", "Report", "Severity"), "liaison.findings"),
    **dict.fromkeys(("HolidayNotice", "load_holiday_notice", "parse_holiday_notice"), "liaison.holiday_notice"),
    **dict.fromkeys(("hookimpl",), "liaison.hookspecs"),
    **dict.fromkeys(("load_district", "parse_district", "seed_district"), "liaison.loader"),
    **dict.fromkeys(("Designations", "Organisation", "OrgKind", "Pairing", "Party"), "liaison.model"),
    **dict.fromkeys(("Option",), "liaison.options"),
    **dict.fromkeys(("plan_year", "plan_years"), "liaison.planner"),
    **dict.fromkeys(("exporter", "load_records", "publisher", "working_day_calendar"), "liaison.plugins"),
    **dict.fromkeys(("Publication", "Publisher", "PublishRequest", "PublishResult"), "liaison.publishing"),
    **dict.fromkeys(("Change", "apply_changes", "update_plan"), "liaison.reconcile"),
    **dict.fromkeys(("Records", "parse_records"), "liaison.records"),
    **dict.fromkeys(("Cadence", "DesignationRule", "EngagementKind", "Invitation", "Modality", "Provision",
                     "RecordOnly", "Response", "Routing"), "liaison.rules"),
    **dict.fromkeys(("YearState", "parse_state", "state_to_json"), "liaison.state"),
    **dict.fromkeys(("Upgrade", "UpgradeNote", "upgrade_file"), "liaison.upgrade"),
    **dict.fromkeys(("ChineseCalendar", "WeekdayCalendar", "WorkingDayCalendar", "provisional_note", "with_notices"),
                    "liaison.workdays"),
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
