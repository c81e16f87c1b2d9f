"""liaison: a district's regulation on liaison with the democratic parties and the ICF, as code.

>>> import datetime as dt, liaison
>>> district = liaison.seed_district()
>>> [r.organisation.name for r in district.cc_list("区卫生局", dt.date(2027, 1, 1)).recipients]
['农工党总支部', '九三学社综合支社']
>>> plan = liaison.plan_year(district, 2026)          # §3.1, §3.3, §3.6 on China's working days
>>> report = liaison.check(district, liaison.Records.from_plan(plan), 2026)

The core is pure: objects in, objects out. Files, clocks and exporters live at the edges (the
``liaison`` command, the example scripts and the plugins).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.errors import (
    DataError,
    ExportError,
    LiaisonError,
    PlanningError,
    UnknownOrganisationError,
    UnknownProvisionError,
)

if TYPE_CHECKING:
    from liaison.compliance import Finding, Report, check
    from liaison.district import CcList, Counterparts, District, InviteeList, Recipient
    from liaison.hookspecs import hookimpl
    from liaison.loader import load_district, parse_district, seed_district
    from liaison.model import (
        Cadence,
        DesignationRule,
        Designations,
        EngagementKind,
        Invitation,
        Modality,
        Organisation,
        OrgKind,
        Pairing,
        Party,
        Provision,
        RecordOnly,
        Response,
        Routing,
    )
    from liaison.plan import Engagement, Plan, PlannedEvent, PlanOptions, Status, plan_year, plan_years, revise
    from liaison.plugins import load_records
    from liaison.records import Records, parse_records

# Public names and the module that defines them; imported on first use to keep `import liaison` fast.
_LAZY = {
    "plan_year": "liaison.plan",
    "plan_years": "liaison.plan",
    "revise": "liaison.plan",
    "Plan": "liaison.plan",
    "PlanOptions": "liaison.plan",
    "PlannedEvent": "liaison.plan",
    "Engagement": "liaison.plan",
    "Status": "liaison.plan",
    "check": "liaison.compliance",
    "Report": "liaison.compliance",
    "Finding": "liaison.compliance",
    "Records": "liaison.records",
    "load_records": "liaison.plugins",
    "parse_records": "liaison.records",
    "District": "liaison.district",
    "CcList": "liaison.district",
    "Counterparts": "liaison.district",
    "InviteeList": "liaison.district",
    "Recipient": "liaison.district",
    "hookimpl": "liaison.hookspecs",
    "load_district": "liaison.loader",
    "parse_district": "liaison.loader",
    "seed_district": "liaison.loader",
    "Cadence": "liaison.model",
    "DesignationRule": "liaison.model",
    "Designations": "liaison.model",
    "EngagementKind": "liaison.model",
    "Invitation": "liaison.model",
    "Modality": "liaison.model",
    "Organisation": "liaison.model",
    "OrgKind": "liaison.model",
    "Pairing": "liaison.model",
    "Party": "liaison.model",
    "Provision": "liaison.model",
    "RecordOnly": "liaison.model",
    "Response": "liaison.model",
    "Routing": "liaison.model",
}

__all__ = [
    "Cadence",
    "CcList",
    "Counterparts",
    "DataError",
    "DesignationRule",
    "Designations",
    "District",
    "Engagement",
    "EngagementKind",
    "ExportError",
    "Finding",
    "Invitation",
    "InviteeList",
    "LiaisonError",
    "Modality",
    "OrgKind",
    "Organisation",
    "Pairing",
    "Party",
    "Plan",
    "PlanOptions",
    "PlannedEvent",
    "PlanningError",
    "Provision",
    "Recipient",
    "RecordOnly",
    "Records",
    "Report",
    "Response",
    "Routing",
    "Status",
    "UnknownOrganisationError",
    "UnknownProvisionError",
    "check",
    "hookimpl",
    "load_district",
    "load_records",
    "parse_district",
    "parse_records",
    "plan_year",
    "plan_years",
    "revise",
    "seed_district",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'liaison' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
