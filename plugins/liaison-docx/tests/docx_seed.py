"""The seed district's letters for the tests: its 2027 plan (with a plenary meeting) and records
holding one consultation and one answered research result; and the same year after its letters went
out and three engagements changed (:func:`changed_request`), for the change and cancellation letters.
A helpers module, imported by the fixtures in conftest.py and by the test modules (no test module
imports another)."""

from __future__ import annotations

import datetime as dt

import attrs
from liaison.formats.district import seed_district
from liaison.host.exporting import ExportRequest
from liaison.law.district import District
from liaison.law.model import OrgKind
from liaison.law.records import ConsultationRecord, DesignationRecord, Records, ResearchResult
from liaison.law.rules import EngagementKind
from liaison.law.workdays import ChineseCalendar
from liaison.year.engagements import KnownEvent, Plan, PlanOptions
from liaison.year.planner import plan_year

PLENARY = KnownEvent(kind=EngagementKind.PLENARY_MEETING, date=dt.date(2027, 3, 5), title_zh="区政府第一次全体会议",
                       start=dt.time(9, 0), end=dt.time(11, 30), location="区政府第一会议室")


#: More events that invite the branches: titles with numbers, quotes and organisation names, an event
#: in the afternoon, one all day (the layout tests render their letters too).
MORE_EVENTS = (
    KnownEvent(kind=EngagementKind.SYMPOSIUM, date=dt.date(2027, 9, 8), title_zh="“十五五”规划编制座谈会",
               start=dt.time(14, 30),
                 end=dt.time(16, 30), location="区政府第二会议室"),
    KnownEvent(kind=EngagementKind.MAJOR_EVENT, date=dt.date(2027, 10, 26),
               title_zh="纪念九三学社成立82周年暨区工商联工作交流大会"),
    KnownEvent(kind=EngagementKind.INSPECTION, date=dt.date(2027, 10, 20), title_zh="廉政建设检查工作",
               start=dt.time(9, 0),
                 end=dt.time(12, 0)),
)


def make_plan(district: District, *events: KnownEvent) -> Plan:
    return plan_year(district, 2027, PlanOptions(events=events or (PLENARY,)), calendar=ChineseCalendar())


def make_records(district: District) -> Records:
    everyone = tuple(o.id for o in district.counterparts())
    return Records(
        district_id=district.info.id,
        consultations=(ConsultationRecord(id="gwbg-2028", subject="2028年区政府工作报告（征求意见稿）",
                                          sent=dt.date(2027, 11, 2),
                                          sent_to=everyone),),
        research_results=(
            ResearchResult(id="yshj-2027", title="关于优化营商环境的调研报告", submitted_by="icf",
                           department="economy-trade-science",
                           received=dt.date(2027, 4, 8), feedback=dt.date(2027, 5, 6)),
            ResearchResult(id="open-2027", title="关于农村电商的调研报告", submitted_by="jiusan",
                           department="agriculture-water",
                           received=dt.date(2027, 9, 1)),  # not answered yet: no letter
        ))


def with_contacts(records: Records, district: District, office: str) -> Records:
    """``records`` with the ledger's 责任制 sheet filled in, as the clerk does in January: every
    department and the general office names its liaison office ``office``, an officer and a telephone
    number (designation records dated 4 January, what the ledger's reader makes of the sheet), so
    every invitation has its contact."""
    named = tuple(DesignationRecord(organisation=o.id, liaison_office=office, liaison_officer="李明",
                                    phone="0592-6051234", date=dt.date(2027, 1, 4))
                  for o in district.organisations if o.kind in (OrgKind.DEPARTMENT, OrgKind.GOVERNMENT_OFFICE))
    return attrs.evolve(records, designations=(*records.designations, *named))


def seed_request(options: dict[str, object] | None = None, *events: KnownEvent,
                 district: District | None = None, contacts: str | None = None) -> ExportRequest:
    """Every kind of letter for the seed district's 2027 (or ``district``'s): the plan with the
    plenary meeting (and ``events``) and the records (with ``contacts``: :func:`with_contacts`)."""
    seed = district or seed_district()
    records = make_records(seed)
    if contacts is not None:
        records = with_contacts(records, seed, contacts)
    return ExportRequest(district=seed, plan=make_plan(seed, PLENARY, *events), options=options or {},
                         records=records)


#: A district with long names: every department, party branch and the ICF under the longest name it
#: goes by (区人口和计划生育局, 中国国民党革命委员会支部, 区工商业联合会), the district named 厦门市海沧区.
LONG_NAMED = "厦门市海沧区"

#: Events with long titles for :func:`long_named` (the longest a 座谈会 or a 大会 is usually called).
LONG_EVENTS = (
    KnownEvent(kind=EngagementKind.SYMPOSIUM, date=dt.date(2027, 9, 8),
               title_zh="2027年度民营经济高质量发展暨“十五五”规划编制专题座谈会", start=dt.time(14, 30),
               end=dt.time(16, 30), location="区政府第二会议室"),
    KnownEvent(kind=EngagementKind.MAJOR_EVENT, date=dt.date(2027, 10, 26),
               title_zh="纪念中国农工民主党成立97周年暨各民主党派、工商联为民服务成果展示交流大会"),
)


def long_named(district: District) -> District:
    """``district`` generated anew with long names: each department, party branch and the ICF takes
    the longest of its name and aliases as its name (the others become its aliases), and the district
    is renamed :data:`LONG_NAMED`, so titles, 主送 and 落款 run as long as a real district's do."""
    kinds = {OrgKind.DEPARTMENT, OrgKind.PARTY_BRANCH, OrgKind.ICF}
    orgs = []
    for org in district.organisations:
        if org.kind in kinds:
            longest = max((org.name, *org.aliases), key=len)
            org = attrs.evolve(org, name=longest, aliases=tuple(n for n in (org.name, *org.aliases) if n != longest))
        orgs.append(org)
    return District(district.info, tuple(orgs), district.pairings, district.provisions).renamed(LONG_NAMED)


JOINT_HEALTH = "2027/joint_meeting/health"
WORK_MEETING = "2027/work_meeting/district-gov"


def changed_request(options: dict[str, object] | None = None, *events: KnownEvent,
                    district: District | None = None, contacts: str | None = None) -> ExportRequest:
    """The export after :func:`seed_request`'s letters went out, once the health bureau's joint
    meeting has moved to another day, the §3.1 work meeting to the afternoon of its day and the
    plenary meeting has been cancelled: every letter kind, change and cancellation letters included
    (``contacts``: the ledger's 责任制 filled in, :func:`with_contacts`)."""
    from liaison_docx.plugin import drafts

    first = seed_request({k: v for k, v in (options or {}).items() if k != "pdf"}, *events, district=district,
                         contacts=contacts)
    sent = tuple(d.record for d in drafts(first) if d.record is not None)
    plenary = next(e.id for e in first.plan.engagements if e.kind == EngagementKind.PLENARY_MEETING)
    work = first.plan.get(WORK_MEETING)
    plan = (first.plan.move(JOINT_HEALTH, dt.date(2027, 4, 20))
            .move(WORK_MEETING, work.date, dt.time(14, 30))
            .cancel(plenary, force=True))
    return ExportRequest(district=first.district, plan=plan, options=options or {}, records=first.records, letters=sent,
                         revision=2)
