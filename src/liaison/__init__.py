"""liaison: a district's regulation on liaison with the democratic parties and the ICF, as code.

>>> import datetime as dt, liaison
>>> district = liaison.seed_district()
>>> [r.organisation.name for r in district.cc_list("区卫生局", dt.date(2027, 1, 1)).recipients]
['农工党总支部', '九三学社综合支社']
>>> plan = liaison.plan_year(district, 2026)          # meetings and visits on China's working days
>>> report = liaison.check(district, liaison.Records.from_plan(plan), 2026)   # the plan as if held
>>> sorted({district.provision(f.provision).cite_zh() for f in report.problems()})  # no designations, no 2025 meeting
['第三（一）条“建立联系责任制”']

The law, the year and the base (:mod:`liaison.law`, :mod:`liaison.year`, :mod:`liaison.base`) are pure
by contract: objects in, objects out, no file, clock or network. :mod:`liaison.formats` reads the files
its caller names (and writes none); :mod:`liaison.host` loads the plugins. Writing files, the clock and
the exporters live at the edges (the ``liaison`` command, :mod:`liaison_workspace`, the example scripts
and the plugins).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liaison.lazy import lazy_exports
from liaison.moved import install as _answer_old_paths

# What `import liaison` offers, each name once, by the module that defines it. A type checker reads
# these lines (`X as X`: exported); at run time `lazy_exports` reads the same lines and imports a
# module on the first use of one of its names, which keeps `import liaison` fast; `__all__` is these
# names.
if TYPE_CHECKING:
    from liaison.base.errors import DataError as DataError
    from liaison.base.errors import ExportError as ExportError
    from liaison.base.errors import LiaisonError as LiaisonError
    from liaison.base.errors import OptionError as OptionError
    from liaison.base.errors import PlanningError as PlanningError
    from liaison.base.errors import UnknownOrganisationError as UnknownOrganisationError
    from liaison.base.errors import UnknownProvisionError as UnknownProvisionError
    from liaison.base.errors import WrongKindError as WrongKindError
    from liaison.formats.district import load_district as load_district
    from liaison.formats.district import parse_district as parse_district
    from liaison.formats.district import seed_district as seed_district
    from liaison.formats.events import load_events as load_events
    from liaison.formats.events import parse_events as parse_events
    from liaison.formats.notice import load_holiday_notice as load_holiday_notice
    from liaison.formats.notice import parse_holiday_notice as parse_holiday_notice
    from liaison.formats.records import parse_records as parse_records
    from liaison.formats.state import parse_state as parse_state
    from liaison.formats.state import state_to_json as state_to_json
    from liaison.formats.upgrade import Upgrade as Upgrade
    from liaison.formats.upgrade import UpgradeNote as UpgradeNote
    from liaison.formats.upgrade import upgrade_file as upgrade_file
    from liaison.host.exporting import Artifact as Artifact
    from liaison.host.exporting import Exporter as Exporter
    from liaison.host.exporting import ExportRequest as ExportRequest
    from liaison.host.exporting import build_export as build_export
    from liaison.host.hookspecs import hookimpl as hookimpl
    from liaison.host.options import Option as Option
    from liaison.host.plugins import exporter as exporter
    from liaison.host.plugins import load_records as load_records
    from liaison.host.plugins import publisher as publisher
    from liaison.host.plugins import working_day_calendar as working_day_calendar
    from liaison.host.publishing import Publisher as Publisher
    from liaison.host.publishing import PublishRequest as PublishRequest
    from liaison.host.publishing import PublishResult as PublishResult
    from liaison.law.compliance import check as check
    from liaison.law.district import CcList as CcList
    from liaison.law.district import Counterparts as Counterparts
    from liaison.law.district import District as District
    from liaison.law.district import InviteeList as InviteeList
    from liaison.law.district import PairingSpan as PairingSpan
    from liaison.law.district import Recipient as Recipient
    from liaison.law.duties import Duties as Duties
    from liaison.law.duties import Obligation as Obligation
    from liaison.law.duties import YearDuties as YearDuties
    from liaison.law.duties import duties_of as duties_of
    from liaison.law.duties import obligations as obligations
    from liaison.law.duties import year_duties as year_duties
    from liaison.law.findings import Finding as Finding
    from liaison.law.findings import FindingStatus as FindingStatus
    from liaison.law.findings import Report as Report
    from liaison.law.findings import Severity as Severity
    from liaison.law.model import Designations as Designations
    from liaison.law.model import Organisation as Organisation
    from liaison.law.model import OrgKind as OrgKind
    from liaison.law.model import Pairing as Pairing
    from liaison.law.model import Party as Party
    from liaison.law.notices import HolidayNotice as HolidayNotice
    from liaison.law.records import Records as Records
    from liaison.law.rules import Cadence as Cadence
    from liaison.law.rules import DesignationRule as DesignationRule
    from liaison.law.rules import EngagementKind as EngagementKind
    from liaison.law.rules import Invitation as Invitation
    from liaison.law.rules import Modality as Modality
    from liaison.law.rules import Provision as Provision
    from liaison.law.rules import RecordOnly as RecordOnly
    from liaison.law.rules import Response as Response
    from liaison.law.rules import Routing as Routing
    from liaison.law.workdays import ChineseCalendar as ChineseCalendar
    from liaison.law.workdays import WeekdayCalendar as WeekdayCalendar
    from liaison.law.workdays import WorkingDayCalendar as WorkingDayCalendar
    from liaison.law.workdays import provisional_note as provisional_note
    from liaison.law.workdays import with_notices as with_notices
    from liaison.year.engagements import Engagement as Engagement
    from liaison.year.engagements import KnownEvent as KnownEvent
    from liaison.year.engagements import Plan as Plan
    from liaison.year.engagements import PlanOptions as PlanOptions
    from liaison.year.engagements import Status as Status
    from liaison.year.engagements import revise as revise
    from liaison.year.planner import plan_year as plan_year
    from liaison.year.planner import plan_years as plan_years
    from liaison.year.publications import Publication as Publication
    from liaison.year.reconcile import Change as Change
    from liaison.year.reconcile import apply_changes as apply_changes
    from liaison.year.reconcile import update_plan as update_plan
    from liaison.year.state import YearState as YearState

__getattr__, __dir__ = lazy_exports(__name__)
_answer_old_paths()  # liaison 0.1's module paths, with a DeprecationWarning, for one release (liaison.moved)
