"""In December, an account: findings per provision × pairing (or body) × period.

Each finding says whether an obligation was met, by which records, under which version of the
pairing, and one sentence in Chinese (and English) that cites the provision. Severity follows the
provision's modality: a shortfall of a "shall" is a violation, of a "may" only information.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Sequence

import attrs

from liaison.district import District, PairingSpan
from liaison.errors import PlanningError
from liaison.model import (
    BINDING,
    DESIGNATION_ZH,
    ENGAGEMENT_KIND_ZH,
    Cadence,
    DesignationRule,
    EngagementKind,
    Invitation,
    Modality,
    Provision,
    RecordOnly,
    Response,
    WorkingDays,
)
from liaison.records import HeldEngagement, Records


class FindingStatus(enum.StrEnum):
    MET = "met"
    SHORT = "short"
    BEYOND_GUIDANCE = "beyond_guidance"
    DESIGNATION_MISSING = "designation_missing"
    RESPONSE_OVERDUE = "response_overdue"
    RECORDED_ONLY = "recorded_only"
    OPEN = "open"  # the period or the reply deadline has not ended yet


STATUS_ZH = {
    FindingStatus.MET: "已落实",
    FindingStatus.SHORT: "未达要求",
    FindingStatus.BEYOND_GUIDANCE: "超出指导范围",
    FindingStatus.DESIGNATION_MISSING: "未指定",
    FindingStatus.RESPONSE_OVERDUE: "逾期未答复",
    FindingStatus.RECORDED_ONLY: "仅记录",
    FindingStatus.OPEN: "尚未到期",
}


class Severity(enum.StrEnum):
    OK = "ok"
    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"


PROBLEMS = frozenset({FindingStatus.SHORT, FindingStatus.DESIGNATION_MISSING, FindingStatus.RESPONSE_OVERDUE})


@attrs.frozen
class Finding:
    """One obligation for one pairing or body over one period, and how it stands."""

    provision: str
    rule: str
    status: FindingStatus
    severity: Severity
    subject: tuple[str, ...]  # the pairing (department, counterpart) or the body / document concerned
    period: tuple[dt.date, dt.date]
    message_zh: str
    message_en: str
    counted: tuple[str, ...] = ()  # ids of the records counted
    expected: str = ""
    pairing_in_force: tuple[dt.date, dt.date | None] | None = None


@attrs.frozen
class Report:
    district: str
    year: int
    as_of: dt.date
    findings: tuple[Finding, ...]

    def problems(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status in PROBLEMS)

    def by_status(self, status: FindingStatus) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status == status)

    def summary(self, district: District) -> list[dict[str, object]]:
        """Per organisation: how many findings of each status concern it."""
        rows: dict[str, dict[str, int]] = {}
        for f in self.findings:
            for org in dict.fromkeys(f.subject):
                if org in _ids(district):
                    counts = rows.setdefault(org, {})
                    counts[f.status.value] = counts.get(f.status.value, 0) + 1
        return [{"id": o.id, "name": o.name, "kind": o.kind.value, **rows[o.id]}
                for o in district.organisations if o.id in rows]


def _ids(district: District) -> frozenset[str]:
    return frozenset(o.id for o in district.organisations)


def _severity(status: FindingStatus, modality: Modality) -> Severity:
    if status in (FindingStatus.MET, FindingStatus.RECORDED_ONLY, FindingStatus.OPEN):
        return Severity.OK if status == FindingStatus.MET else Severity.INFO
    if status == FindingStatus.BEYOND_GUIDANCE:
        return Severity.WARNING
    return Severity.VIOLATION if modality in BINDING else Severity.INFO


def _engagement_id(e: HeldEngagement, index: int) -> str:
    return e.id or f"engagements[{index}]"


def check(district: District, records: Records, year: int, as_of: dt.date | None = None, *,
          calendar: WorkingDays | None = None) -> Report:
    """Check one year's records against every rule in force. ``as_of`` defaults to 31 December;
    deadlines in working days count on ``calendar`` (default: the built-in calendar)."""
    if not 1900 < year < 2200:
        raise PlanningError(f"cannot check the year {year}", fix="give a year between 1901 and 2199")
    as_of = as_of or dt.date(year, 12, 31)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    records = records.until(as_of)  # a check "as of" a date sees only what had happened by then
    findings: list[Finding] = []
    if calendar is None:
        from liaison.workdays import default_calendar

        calendar = default_calendar()
    checkers = (_cadences, _designations, _routing, _invitations, _record_only)
    for checker in checkers:
        findings.extend(checker(district, records, year, first, last, as_of))
    findings.extend(_responses(district, records, year, first, last, as_of, calendar))
    return Report(district.info.id, year, as_of, tuple(findings))


# ---------------------------------------------------------------------------- §3.1 / §3.3 / §3.6 cadences
def _cadences(district: District, records: Records, year: int, first: dt.date, last: dt.date,
              as_of: dt.date) -> Iterable[Finding]:
    for prov, rule in district.cadences(last) or district.cadences(first):
        if rule.scope == "government":
            finding = _government_cadence(district, records, prov, rule, year, as_of)
            if finding is not None:
                yield finding
            continue
        for span in district.pairing_spans(first, last):
            yield _pairing_cadence(district, records, prov, rule, span, as_of)


def _count(records: Records, kind: EngagementKind, start: dt.date, end: dt.date,
           counts: Callable[[HeldEngagement], bool]) -> tuple[str, ...]:
    return tuple(_engagement_id(e, i) for i, e in enumerate(records.engagements)
                 if e.kind == kind and start <= e.date <= end and counts(e))


def _pairing_cadence(district: District, records: Records, prov: Provision, rule: Cadence, span: PairingSpan,
                     as_of: dt.date) -> Finding:
    pairing, start, end = span.pairing, span.start, span.end
    counted = _count(records, rule.engagement_kind, start, end,
                     lambda e: pairing.department in e.attended and pairing.counterpart in e.attended)
    dept, other = district.organisation(pairing.department), district.organisation(pairing.counterpart)
    what = ENGAGEMENT_KIND_ZH[rule.engagement_kind]
    n = len(counted)
    most = rule.max_per_period
    expected = f"{rule.min_per_period}–{most}" if most is not None else f"≥{rule.min_per_period}"
    if n < rule.min_per_period:
        status = FindingStatus.OPEN if as_of < end else FindingStatus.SHORT
    elif most is not None and n > most:
        status = FindingStatus.BEYOND_GUIDANCE
    else:
        status = FindingStatus.MET
    verb = {
        FindingStatus.MET: "符合",
        FindingStatus.SHORT: "不符合",
        FindingStatus.OPEN: "尚未达到（期限未到）",
        FindingStatus.BEYOND_GUIDANCE: "超出",
    }[status]
    zh = (f"{start.year}年{dept.name}与{other.name}的{what}记录{n}次，{verb}{prov.cite_zh()}"
          f"“{expected}次”的要求（{prov.id}）。")
    en = (f"{dept.name_en} and {other.name_en}: {n} {rule.engagement_kind.value.replace('_', ' ')}(s) "
          f"recorded in {start.year}; {prov.id} expects {expected} — {status.value}.")
    return Finding(prov.id, rule.key, status, _severity(status, prov.modality_of(rule)), pairing.key,
                   (start, end), zh, en, counted, expected, span.in_force)


def _government_cadence(district: District, records: Records, prov: Provision, rule: Cadence, year: int,
                        as_of: dt.date) -> Finding | None:
    first_year, last_year = rule.period_of(year)
    start, end = dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)
    if rule.valid_from > start:
        return None  # the rule was not yet in force when this period began: nothing to judge
    gov = district.government()
    everyone = {o.id for o in district.counterparts()}
    counted = _count(records, rule.engagement_kind, start, end, lambda e: e.host == gov.id)
    partial = [i for i in counted if not everyone <= set(_by_id(records, i).attended)]
    n = len(counted)
    if n < rule.min_per_period:
        status = FindingStatus.OPEN if as_of < end else FindingStatus.SHORT
    elif rule.max_per_period is not None and n > rule.max_per_period:
        status = FindingStatus.BEYOND_GUIDANCE
    else:
        status = FindingStatus.MET
    period = f"{first_year}—{last_year}年" if first_year != last_year else f"{first_year}年"
    absent = "；其中有会议未请齐各民主党派、工商联" if partial else ""
    zh = (f"{period}{gov.name}召开与各民主党派、工商联联系工作会议{n}次（{STATUS_ZH[status]}），"
          f"依据{prov.cite_zh()}“每{rule.period_years}年召开一次”（{prov.id}）{absent}。")
    en = (f"{period}: {n} liaison work meeting(s) of the district government with all branches and the ICF; "
          f"{prov.id} expects one every {rule.period_years} years — {status.value}.")
    return Finding(prov.id, rule.key, status, _severity(status, prov.modality_of(rule)), (gov.id,),
                   (start, end), zh, en, counted, f"{rule.min_per_period} / {rule.period_years}年")


def _by_id(records: Records, engagement_id: str) -> HeldEngagement:
    for i, e in enumerate(records.engagements):
        if _engagement_id(e, i) == engagement_id:
            return e
    raise KeyError(engagement_id)


# ------------------------------------------------------------------------------------- §3.1 designations
def _designations(district: District, records: Records, year: int, first: dt.date, last: dt.date,
                  as_of: dt.date) -> Iterable[Finding]:
    recorded = {d.organisation: d for d in records.designations}
    for prov, rule in district.rules(DesignationRule, last):
        assert isinstance(rule, DesignationRule)
        paired = {span.pairing.department for span in district.pairing_spans(first, last)}
        for dept_id in (o.id for o in district.departments() if o.id in paired):
            org = district.organisation(dept_id)
            record = recorded.get(dept_id)
            have = {
                role: (getattr(record, role, None) if record else None) or getattr(org.designations, role)
                for role in rule.roles
            }
            missing = [role for role, who in have.items() if not who]
            status = FindingStatus.DESIGNATION_MISSING if missing else FindingStatus.MET
            if missing:
                zh = (f"{org.name}未指定{'、'.join(DESIGNATION_ZH.get(r, r) for r in missing)}，"
                      f"不符合{prov.cite_zh()}“指定领导分管、确定具体处室和人员负责联络”的要求（{prov.id}）。")
            else:
                zh = f"{org.name}已指定分管领导、负责处室和联络人员（{prov.id}）。"
            en = (f"{org.name_en}: missing {', '.join(missing)} ({prov.id})" if missing
                  else f"{org.name_en}: designations complete ({prov.id})")
            yield Finding(prov.id, rule.key, status, _severity(status, prov.modality_of(rule)), (dept_id,),
                          (first, last), zh, en, (f"designations:{dept_id}",) if record else (),
                          "、".join(rule.roles))


# ---------------------------------------------------------------------------------------- §3.2 routing
def _routing(district: District, records: Records, year: int, first: dt.date, last: dt.date,
             as_of: dt.date) -> Iterable[Finding]:
    for doc in records.documents:
        if not first <= doc.date <= last:
            continue
        cc = district.cc_list(doc.issuer, doc.date, doc.kind)
        if not cc.provisions:
            continue
        prov = district.provision(cc.provisions[0])
        expected = cc.ids()
        missing = [o for o in expected if o not in doc.copied_to]
        status = FindingStatus.SHORT if missing else FindingStatus.MET
        names = "、".join(district.organisation(o).name for o in missing)
        zh = (f"{cc.issuer.name}《{doc.title or doc.id}》（{doc.date.isoformat()}）未抄送{names}，"
              f"不符合{prov.cite_zh()}的要求（{prov.id}）。" if missing else
              f"{cc.issuer.name}《{doc.title or doc.id}》已按{prov.cite_zh()}抄送（{prov.id}）。")
        en = (f"{cc.issuer.name_en} document {doc.id}: not copied to {', '.join(missing)} ({prov.id})"
              if missing else f"{cc.issuer.name_en} document {doc.id}: copied as required ({prov.id})")
        rule_key = "government-documents" if cc.issuer.kind.value in ("district_government",
                                                                       "government_office") else "department-documents"
        yield Finding(prov.id, rule_key, status, _severity(status, prov.modality), (doc.issuer, *missing),
                      (doc.date, doc.date), zh, en, (doc.id,), "、".join(expected))


# ------------------------------------------------------------------------------ §1.2 / §1.4 / §3.5 invitations
def _invitations(district: District, records: Records, year: int, first: dt.date, last: dt.date,
                 as_of: dt.date) -> Iterable[Finding]:
    for i, e in enumerate(records.engagements):
        if not first <= e.date <= last:
            continue
        rules = [(p, r) for p, r in district.rules(Invitation, e.date)
                 if isinstance(r, Invitation) and r.event_kind == e.kind]
        if not rules:
            continue
        prov, rule = rules[0]
        modality = prov.modality_of(rule)
        expected = district.invitees(e.kind, e.date, e.host if rule.host == "department" else None).ids()
        reached = set(e.invited) | set(e.attended)
        missing = [o for o in expected if o not in reached]
        if rule.recipients == "relevant_counterparts":
            status = FindingStatus.RECORDED_ONLY
        else:
            status = FindingStatus.SHORT if missing else FindingStatus.MET
        what = ENGAGEMENT_KIND_ZH[e.kind]
        title = e.title or what
        if status == FindingStatus.SHORT:
            zh = (f"{e.date.isoformat()}{title}未邀请{'、'.join(district.organisation(o).name for o in missing)}"
                  f"{rule.role_zh}，{'不符合' if modality in BINDING else '可对照'}{prov.cite_zh()}（{prov.id}）。")
        else:
            zh = f"{e.date.isoformat()}{title}已邀请各民主党派、工商联负责人{rule.role_zh}（{prov.id}）。"
        reached_n = len(expected) - len(missing)
        en = f"{e.kind.value} on {e.date.isoformat()}: {reached_n}/{len(expected)} invited ({prov.id})"
        yield Finding(prov.id, rule.key, status, _severity(status, modality), (e.host, *missing),
                      (e.date, e.date), zh, en, (_engagement_id(e, i),), "、".join(expected))


# ------------------------------------------------------------------------------------ §1.1 / §1.3 responses
def _responses(district: District, records: Records, year: int, first: dt.date, last: dt.date,
               as_of: dt.date, calendar: WorkingDays) -> Iterable[Finding]:
    rules = {r.trigger: (p, r) for p, r in district.rules(Response, last) if isinstance(r, Response)}
    if "consultation" in rules:
        prov, rule = rules["consultation"]
        everyone = [o.id for o in district.counterparts()]
        for c in records.consultations:
            if not first <= c.sent <= last:
                continue
            due = c.due or rule.due(c.sent, calendar)
            not_asked = [o for o in everyone if o not in c.sent_to]
            replied = {r.organisation: r.date for r in c.replies}
            late = [o for o in c.sent_to if o not in replied or replied[o] > due]
            if not_asked:
                status = FindingStatus.SHORT
            elif late and as_of > due:
                status = FindingStatus.RESPONSE_OVERDUE
            elif late:
                status = FindingStatus.OPEN
            else:
                status = FindingStatus.MET
            names = "、".join(district.organisation(o).name for o in (not_asked or late))
            zh = {
                FindingStatus.SHORT: f"《{c.subject}》征求意见未送{names}（{prov.cite_zh()}，{prov.id}）。",
                FindingStatus.RESPONSE_OVERDUE:
                    f"《{c.subject}》征求意见至{due.isoformat()}仍未收到{names}的意见（{prov.id}）。",
                FindingStatus.OPEN: f"《{c.subject}》征求意见答复期限{due.isoformat()}未到（{prov.id}）。",
                FindingStatus.MET: f"《{c.subject}》已征求各民主党派、工商联意见并收到答复（{prov.id}）。",
            }[status]
            en = f"consultation {c.id}: {status.value} (due {due.isoformat()}, {prov.id})"
            yield Finding(prov.id, rule.key, status, _severity(status, prov.modality_of(rule)),
                          tuple(not_asked or late), (c.sent, due), zh, en, (c.id,), rule.describe_zh())
    if "research_result" in rules:
        prov, rule = rules["research_result"]
        for r in records.research_results:
            if not first <= r.received <= last:
                continue
            due = rule.due(r.received, calendar)
            dept, branch = district.organisation(r.department), district.organisation(r.submitted_by)
            if r.feedback is not None and r.feedback <= due:
                status = FindingStatus.MET
            elif r.feedback is not None or as_of > due:
                status = FindingStatus.RESPONSE_OVERDUE
            else:
                status = FindingStatus.OPEN
            zh = {
                FindingStatus.MET:
                    f"{dept.name}已于{r.feedback}就{branch.name}调研成果《{r.title}》反馈情况（{prov.id}）。",
                FindingStatus.RESPONSE_OVERDUE: (
                    f"{branch.name}调研成果《{r.title}》于{r.received.isoformat()}送达{dept.name}，"
                    f"{'逾期反馈' if r.feedback else '至今未反馈'}（期限{due.isoformat()}），"
                    f"不符合{prov.cite_zh()}“要认真研究并反馈情况”的要求（{prov.id}）。"),
                FindingStatus.OPEN: f"{branch.name}调研成果《{r.title}》反馈期限{due.isoformat()}未到（{prov.id}）。",
            }[status]
            en = f"research result {r.id} from {branch.name_en} to {dept.name_en}: {status.value} ({prov.id})"
            yield Finding(prov.id, rule.key, status, _severity(status, prov.modality_of(rule)),
                          (r.department, r.submitted_by), (r.received, due), zh, en, (r.id,), rule.describe_zh())


# ------------------------------------------------------------------------------- §3.4 / §3.7 / §3.8 records
def _record_only(district: District, records: Records, year: int, first: dt.date, last: dt.date,
                 as_of: dt.date) -> Iterable[Finding]:
    found: dict[str, Sequence[tuple[str, tuple[str, ...]]]] = {
        "joint_research": [(j.topic, (j.department, *j.with_organisations))
                           for j in records.joint_research if first <= j.date <= last],
        "cadre_nomination": [(n.person, (n.department,)) for n in records.nominations if first <= n.date <= last],
        "town_activity": [(t.description, t.with_organisations)
                          for t in records.town_activities if first <= t.date <= last],
        "briefing": [(b.subject, (b.department, *b.with_organisations))
                     for b in records.briefings if first <= b.date <= last],
        "special_personnel": [(f"{a.role} {a.person}", (a.department,))
                              for a in records.special_appointments if first <= a.date <= last],
    }
    for prov, rule in district.rules(RecordOnly, last):
        assert isinstance(rule, RecordOnly)
        items = found.get(rule.record_kind)
        if items is None:
            continue
        zh = f"{year}年记录{prov.title_zh}事项{len(items)}项（{prov.cite_zh()}，{prov.id}，仅记录）。"
        en = f"{year}: {len(items)} {rule.record_kind.replace('_', ' ')} record(s) ({prov.id}, recorded only)"
        subject = tuple(dict.fromkeys(o for _, orgs in items for o in orgs))
        yield Finding(prov.id, rule.key, FindingStatus.RECORDED_ONLY, Severity.INFO, subject, (first, last),
                      zh, en, tuple(label for label, _ in items))
