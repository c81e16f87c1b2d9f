"""通知 (文件格式): the annual liaison notice from the general office to each department, read from
:class:`liaison.law.duties.YearDuties` (worked out once a year, read per department) — the pairings
in force, the year's engagements, whom it copies, its §3.1 designations, its recurring obligations
with their numbers and readings, the invitations it may issue. Nothing here works out a duty; the
provisions, numbers and readings are the data's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from liaison.base.errors import Id
from liaison.base.text import TITLE_MAX
from liaison.law.district import CcList, District
from liaison.law.duties import CADENCE_NUMBERS, Duties, Obligation, YearDuties, duties_for
from liaison.law.model import Organisation
from liaison.law.records import Records
from liaison.law.rules import ENGAGEMENT_KIND_ZH, Cadence, EngagementKind, Provision, Routing
from liaison.law.terms import DESIGNATION_ZH, DOCUMENT_KIND_ZH, RECIPIENTS_ZH, SETTING_ZH, term
from liaison.law.workdays import provisional_note
from liaison.year.engagements import Engagement, Plan, Status
from liaison.year.numbering import Announced

from liaison_docx.letter_model import Block, Heading, Letter, Paragraph, Table, format_date
from liaison_docx.letters import wording as w
from liaison_docx.letters.draft import Draft, letter_key

__all__ = ["announced_of", "default_notice_date", "notice_letter", "notice_title_units", "notices"]

#: The verb and object a letter uses for an engagement kind counted by a cadence.
_VERBS: dict[EngagementKind, str] = {EngagementKind.VISIT: "走访", EngagementKind.JOINT_MEETING: "召开",
                                     EngagementKind.WORK_MEETING: "召开"}
_COUNTERPARTS = RECIPIENTS_ZH["paired_counterparts"]


def default_notice_date(year: int) -> dt.date:
    """The first Monday-to-Friday day on or after 5 January of ``year``."""
    day = dt.date(year, 1, 5)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def notices(district: District, plan: Plan, *, records: Records | None = None, date: dt.date | None = None,
            number_prefix: str | None = None, first_number: int = 1,
            issuer: Organisation | None = None, duties: YearDuties | None = None) -> tuple[Draft, ...]:
    """The annual notice to each department with pairings or engagements in the plan's year, in
    directory order, in the issuer's series (区府办, numbered from ``first_number``); dated ``date``,
    else the first weekday from 5 January (or the day of issue, when later). ``duties``: the year's
    duties with these records, when the caller has them (an export does)."""
    office = issuer or district.general_office()
    prefix = number_prefix if number_prefix is not None else w.series(office)
    year = plan.year
    natural = date or default_notice_date(year)
    as_of = min(max(natural, dt.date(year, 1, 1)), dt.date(year, 12, 31))
    duties = duties_for(district, year, duties, records=records)
    own_of: dict[str, list[Engagement]] = {}  # each department's engagements, in the plan's order
    for e in plan.engagements:
        if e.status != Status.CANCELLED:
            for p in dict.fromkeys(e.participants):
                own_of.setdefault(p, []).append(e)
    drafts: list[Draft] = []
    breaks_avoided = not plan.options.allow_customary_breaks
    for dept in district.departments():
        owes = duties.duties(dept, as_of=as_of)
        own = own_of.get(dept.id, [])
        if not owes.pairings and not own:
            continue
        letter = notice_letter(district, owes, own, office=office, date=natural, breaks_avoided=breaks_avoided)
        drafts.append(Draft(kind="notice", name=f"{len(drafts) + 1:02d}-{dept.id}", letter=letter, subject=dept.id,
                            recipient=dept.id, announced=announced_of(district, dept, own),
                            key=letter_key("notice", dept.id), series=prefix, issuer=office.id,
                            provisions=_provisions(owes, own),
                            deadline=None if date is not None else dt.date(year, 12, 31), first_serial=first_number,
                            on_day=_on_day(district, duties, dept, own, office=office, natural=natural,
                                           letter=letter, breaks_avoided=breaks_avoided)))
    return tuple(drafts)


def _on_day(district: District, duties: YearDuties, dept: Organisation, own: Sequence[Engagement], *,
            office: Organisation, natural: dt.date, letter: Letter,
            breaks_avoided: bool) -> Callable[[dt.date], Letter]:
    """The notice as issued on a day: what it says must be true that day — the designations the
    office holds by then, the engagements already past shown as such, not as dates to be agreed. On
    its natural day (or before) it is the draft's letter. 通知按签发当日的情况行文。"""
    def on_day(day: dt.date) -> Letter:
        if day <= natural:
            return letter
        as_of = min(max(day, dt.date(duties.year, 1, 1)), dt.date(duties.year, 12, 31))
        return notice_letter(district, duties.duties(dept, as_of=as_of), own, office=office, date=natural,
                             breaks_avoided=breaks_avoided, issued_on=day)

    return on_day


def _provisions(duties: Duties, engagements: Sequence[Engagement]) -> tuple[str, ...]:
    """What a notice rests on: the clauses pairing the department (its 一、对口联系单位), then the
    provisions of the engagements it announces, each once."""
    paired = [p.clause.id for p in duties.paired]
    return tuple(dict.fromkeys([*paired, *(p for e in engagements for p in e.provisions)]))


def notice_letter(district: District, duties: Duties, engagements: Sequence[Engagement], *, office: Organisation,
                  date: dt.date, breaks_avoided: bool = True, issued_on: dt.date | None = None) -> Letter:
    """One department's notice: 一、对口联系单位 二、年度安排 三、工作要求, 特此通知. ``issued_on``: the day
    it goes out, when after ``date``: the engagements before it are shown as past (held, or its day
    gone by), not as dates still to be agreed."""
    office_name, dept_name, year = w.full_name(district, office), w.name(duties.body), duties.year
    body: list[Block] = [Paragraph(
        f"为贯彻落实《{w.regulation(district)}》（以下简称{w.short_title(district)}），做好{year}年你单位与民主党派、工商联的"
        "对口联系工作，现将有关事项通知如下。")]
    body += _pairings(district, duties)
    body += _schedule(district, duties.body, year, engagements, breaks_avoided, issued_on)
    requirements = [*_copying(district, duties), *_designations(district, duties, office),
                    *_obligations(district, duties, engagements), *_invitations(district, duties)]
    if requirements:
        body += [Heading(1, "工作要求"), *requirements]
    body.append(Paragraph("特此通知。"))
    return Letter(
        kind="document", issuing_authority_mark=f"{office_name}文件", doc_number=None,
        title="".join(notice_title_units(year, dept_name)), recipients=dept_name,
        body=tuple(body), signature=office_name, date=date,
        cc=tuple(w.name(c) for c in duties.counterparts), printer=office_name,
        print_date=date, title_units=notice_title_units(year, dept_name))


def notice_title_units(year: int, dept_name: str, kind: str = "通知") -> tuple[str, ...]:
    """关于做好2027年区卫生局与民主党派、工商联对口联系工作的通知 (or 补充通知), in the pieces a line may
    break between."""
    return ("关于", "做好", f"{year}年", dept_name, "与", "民主党派、", "工商联", "对口联系", "工作", f"的{kind}")


# -- 一、对口联系单位 ---------------------------------------------------------------------------------------

def _pairings(district: District, duties: Duties) -> list[Block]:
    blocks: list[Block] = [Heading(1, "对口联系单位")]
    if not duties.pairings:
        return [*blocks, Paragraph(f"{duties.year}年你单位没有在册的对口联系民主党派、工商联。")]
    by_clause: dict[Provision, list[str]] = {}
    for paired in duties.paired:
        span = paired.span
        by_clause.setdefault(paired.clause, []).append(w.name(paired.counterpart)
                                                       + w.in_force_note(span.start, span.end, duties.year))
    for prov, labels in by_clause.items():
        common = prov.pairing_role == "common_liaison" and duties.common_liaison
        role = "为各民主党派、工商联的共同联系单位，" if common else ""
        blocks.append(Paragraph(f"根据{w.short_title(district)}{w.cite(prov)}，你单位{role}对口联系{'、'.join(labels)}。"))
    return blocks


# -- 二、年度安排 ------------------------------------------------------------------------------------------

def _time_range(e: Engagement) -> str:
    """9:00—11:00, one unbreakable piece: the column is made wide enough for it."""
    if e.start is None:
        return "全天"
    return w.clock_span(e.start, e.end)


def _item(district: District, e: Engagement, dept: Organisation) -> str:
    """The 事项 cell: the department's own meetings and visits by their kind (the other side is in the
    next column), anything else by its title."""
    if e.host == dept.id and e.kind in (EngagementKind.JOINT_MEETING, EngagementKind.VISIT):
        return "领导走访" if e.kind == EngagementKind.VISIT else district.kind_name(e.kind)
    return w.text(e.title_zh, ("plan", "engagements", Id(e.id), "title_zh"))


def _schedule(district: District, dept: Organisation, year: int, engagements: Sequence[Engagement],
              breaks_avoided: bool = True, issued_on: dt.date | None = None) -> list[Block]:
    blocks: list[Block] = [Heading(1, "年度安排")]

    def past(e: Engagement) -> bool:
        return issued_on is not None and e.date < issued_on
    if not engagements:
        return [*blocks, Paragraph(f"{year}年度对口联系工作计划未安排你单位的会议、走访等活动。")]
    blocks.append(Paragraph(f"根据{year}年度对口联系工作计划，你单位{year}年安排如下："))
    rows = []
    for e in engagements:
        if e.location is not None:
            w.text(e.location, ("plan", "engagements", Id(e.id), "location"))
        # the table is the year's (你单位2027年安排如下): the date without it leaves room for the time
        # and the names on one line each
        # marked as the calendars and the page mark it: a date the parties agreed is not 暂定
        # a notice issued late shows what is over as over: a past date is neither provisional nor to be agreed
        mark = "\n（已过）" if past(e) else "\n（暂定）" if e.marked_provisional else ""
        day = f"{e.date.month}月{e.date.day}日" + mark
        cites = "\n".join(w.short_cite(district.provision(p)) for p in e.provisions)
        rows.append((day, _time_range(e), _item(district, e, dept), w.group_names(district, [p for p in e.participants
                                                                                    if p != dept.id]), cites))
    blocks.append(Table(("日期", "时间", "事项", "参加单位", "依据"), tuple(rows)))
    notes = []
    coming = [e for e in engagements if not past(e)]
    if any(e.status == Status.PROPOSED for e in coming):
        notes.append("表中拟定的日期和时间由对口联系双方协商确定，确需调整的请及时与对方商定")
    if any(e.marked_provisional for e in coming):
        notes.append("标注“（暂定）”是因为" + provisional_note(year, breaks_avoided=breaks_avoided))
    elif any(e.provisional for e in coming):  # agreed dates in a year without its notice: the caveat stays
        notes.append(provisional_note(year, breaks_avoided=breaks_avoided))
    if notes:
        blocks.append(Paragraph("；".join(notes) + "。"))
    return blocks


def announced_of(district: District, dept: Organisation, engagements: Sequence[Engagement]) -> tuple[Announced, ...]:
    """The department's engagements as its notice's table announces them: kept in the notice's record,
    so a later move, cancellation or addition is told against what the department was told (a
    补充通知, :mod:`liaison_docx.letters.supplement`)."""
    found = []
    for e in engagements:
        item = _item(district, e, dept)
        others = w.group_names(district, [p for p in e.participants if p != dept.id])
        said = f"{item}（{others}）" if others and len(item) + len(others) + 2 <= TITLE_MAX else item
        found.append(Announced(engagement=e.id, date=e.date, start=e.start, end=e.end, item=said[:TITLE_MAX]))
    return tuple(found)


# -- 三、工作要求 ------------------------------------------------------------------------------------------

def _copying(district: District, duties: Duties) -> list[Block]:
    """§3.2 in the seed: whom the department copies, one list per day the list changes."""
    lists = [cc for cc in duties.cc if cc.routing is not None]
    basis = lists[0].routing if lists else None
    if basis is None:
        return []
    prov, rule = basis  # the cc list carries the rule it rests on: nothing is looked up again
    kinds = dict.fromkeys(r.document_kind for _, r in district.rules(Routing, lists[0].date)
                          if r.issuer == "department")
    documents = "有关" + "、".join(term(DOCUMENT_KIND_ZH, k) for k in kinds)
    must = w.must(prov.modality_of(rule))

    def to(cc: CcList) -> str:
        return w.group_names(district, cc.organisations) or "（无对口联系单位）"

    if len(lists) == 1:
        said = f"你单位制发的{documents}，{must}抄送{to(lists[0])}。"
    else:
        said = (f"你单位制发的{documents}，{must}按对口联系单位的调整抄送："
                + "；".join(f"{format_date(cc.date)}起抄送{to(cc)}" for cc in lists) + "。")
    return [Heading(2, w.text(prov.title_zh, ("provisions", Id(prov.id), "title_zh"))),
            Paragraph(w.quoted_provision(district, prov, rule) + said)]


def _designations(district: District, duties: Duties, office: Organisation) -> list[Block]:
    """§3.1 in the seed: who the department has named (data and records merged), and what is missing."""
    duty = duties.designation
    if duty is None:
        return []
    prov = duty.provision
    where = ("organisations", Id(duties.body.id), "designations")
    named = []
    for role in duty.rule.roles:
        value = getattr(duty.designations, role)
        if value:
            said = f"{DESIGNATION_ZH[role]}为{w.text(value, (*where, role))}"
            if role == "liaison_officer" and duty.designations.phone:
                said += f"（{w.telephone(w.text(duty.designations.phone, (*where, 'phone')))}）"
            named.append(said)
    said = w.quoted_provision(district, prov, duty.rule)
    if named:
        said += "你单位" + "，".join(named) + "。"
    if duty.missing:
        # Not recorded is not known to be missing: the office says what it has (not) received, never
        # that the department failed to designate. 未录入不等于未指定：只说本办尚未收到名单。
        own = w.own_reference(office)
        said += (f"{own}尚未收到你单位{w.join([DESIGNATION_ZH[r] for r in duty.missing])}的名单，"
                 f"请确定后报送{own}。")
    return [Heading(2, w.text(prov.title_zh, ("provisions", Id(prov.id), "title_zh"))), Paragraph(said)]


def _obligations(district: District, duties: Duties, engagements: Sequence[Engagement]) -> list[Block]:
    """One item per cadence rule version the department owes (§3.3, §3.6 in the seed)."""
    groups: dict[tuple[str, int], list[Obligation]] = {}
    for o in duties.obligations:
        groups.setdefault((o.provision.id, id(o.rule)), []).append(o)
    blocks: list[Block] = []
    versions: dict[str, int] = {}
    for provision, _ in groups:
        versions[provision] = versions.get(provision, 0) + 1
    for found in groups.values():
        prov = found[0].provision
        heading = w.text(prov.title_zh, ("provisions", Id(prov.id), "title_zh"))
        valid = found[0].rule.validity.clip(dt.date(duties.year, 1, 1), dt.date(duties.year, 12, 31))
        if versions[prov.id] > 1 and valid:  # an amended rule: one item per version, each saying when
            heading += w.in_force_note(*valid, duties.year)
        blocks += [Heading(2, heading), Paragraph(_obligation_text(district, duties, found, engagements))]
    return blocks


def _obligation_text(district: District, duties: Duties, found: Sequence[Obligation],
                     engagements: Sequence[Engagement]) -> str:
    """The provision quoted, then the reading with the numbers of the rule (saying which of them the
    district set), the parts of the year a pairing is in force, and what the plan has placed."""
    first = found[0]
    prov, rule = first.provision, first.rule
    said = w.quoted_provision(district, prov, rule)
    valid = rule.validity.clip(dt.date(duties.year, 1, 1), dt.date(duties.year, 12, 31))
    note = w.in_force_note(*valid, duties.year).strip("（）") if valid else ""
    reading = (f"{note}，" if note else "") + _reading(rule, first)
    said += ("按本区对该条的理解，" if "scope" in first.rests_on else "") + reading + "。"
    # the numbers by their names (其中最多次数为本区设定); the reading and a part period are said above and below
    local = list(dict.fromkeys(SETTING_ZH[f] for f in first.rests_on if f in CADENCE_NUMBERS))
    if local:
        said += f"其中{w.join(local)}为本区设定，{w.short_title(district)}原文未作规定。"
    parts = []
    for o in found:
        if o.partial and o.reason_zh:
            whose = (f"与{w.name(o.counterparts[0])}的对口联系" if o.scope == "pairing"
                     else "你单位的对口联系")
            parts.append(whose + w.text(o.reason_zh, ("obligation", "reason_zh")))
    if parts:
        said += "其中" + "；".join(parts) + "。"
    return said + _planned(found, engagements)


def _reading(rule: Cadence, o: Obligation) -> str:
    """你单位领导应对每个对口联系的民主党派、工商联每年走访1至2次; 你单位应每年至少召开1次工作例会或联席会议."""
    kind = rule.engagement_kind
    verb = _VERBS.get(kind, "安排")
    noun = "" if kind == EngagementKind.VISIT else (rule.label_zh or ENGAGEMENT_KIND_ZH[kind])
    lo, hi = rule.min_per_period, rule.max_per_period
    count_said = f"{lo}次" if hi == lo else f"{lo}至{hi}次"
    times = f"至少{verb}{lo}次{noun}" if hi is None else f"{verb}{count_said}{noun}"
    period, count = rule.how_often_zh()
    who = "你单位领导" if kind == EngagementKind.VISIT else "你单位"
    must = w.must(o.modality)
    if o.scope == "pairing":
        towards = "对" if kind == EngagementKind.VISIT else "与"
        return f"{who}{must}{towards}每个{_COUNTERPARTS}{period}{times}"
    if kind == EngagementKind.VISIT:
        return f"{who}{must}{period}走访{_COUNTERPARTS}，合计{count}"
    return f"{who}{must}{period}{times}，{_COUNTERPARTS}一并参加"


def _planned(found: Sequence[Obligation], engagements: Sequence[Engagement]) -> str:
    """How many the plan has placed — per counterpart for a pairing's cadence, so a count is never
    read against a per-pairing limit."""
    # what counts has the body that owes it present (its host for the government's), and a pairing's
    # counterpart: look at those only — one scan of the department's year per obligation was quadratic
    # in its pairings
    present: dict[tuple[object, str], list[Engagement]] = {}
    for e in engagements:
        for body in dict.fromkeys((e.host, *e.participants)):
            present.setdefault((e.kind, body), []).append(e)

    def placed(o: Obligation) -> int:
        there = o.subject[1] if o.scope == "pairing" else o.responsible.id
        return sum(1 for e in present.get((o.kind, there), ()) if o.counts(e.kind, e.date, e.host, e.participants))

    if found[0].scope != "pairing":
        total = sum(placed(o) for o in found)
        if total:
            return f"年度安排中已安排{total}次（见上表）。"
        return f"年度安排中尚未安排，请与{_COUNTERPARTS}协商确定时间。" if any(o.applicable for o in found) else ""
    counts: dict[Organisation, int] = {}  # a pairing's cadence is owed to its one counterpart
    owed: set[Organisation] = set()
    for o in found:
        counts[o.counterparts[0]] = counts.get(o.counterparts[0], 0) + placed(o)
        if o.applicable:
            owed.add(o.counterparts[0])
    done = [(w.name(c), n) for c, n in counts.items() if n]
    missing = [w.name(c) for c, n in counts.items() if not n and c in owed]
    parts = []
    if done and len({n for _, n in done}) == 1:
        parts.append(f"年度安排中已对{'、'.join(nm for nm, _ in done)}各安排{done[0][1]}次（见上表）")
    elif done:
        parts.append("年度安排中已对" + "、".join(f"{nm}安排{n}次" for nm, n in done) + "（见上表）")
    if missing:
        parts.append(f"对{'、'.join(missing)}尚未安排，请与对方协商确定时间")
    return "；".join(parts) + "。" if parts else ""


def _invitations(district: District, duties: Duties) -> list[Block]:
    """The invitations the department may issue (§1.3 professional meetings in the seed)."""
    blocks: list[Block] = []
    for prov, rule in duties.invitations:
        if rule.recipients == "paired_counterparts":
            whom = w.group_names(district, duties.counterparts)
        else:
            whom = term(RECIPIENTS_ZH, rule.recipients)
        if not whom:
            continue
        event = district.kind_name(rule.event_kind)
        role = w.text(rule.role_zh, ("provisions", Id(prov.id), "rules", Id(rule.key), "role_zh"))
        said = f"你单位组织召开{event}时，{w.must(prov.modality_of(rule))}邀请{whom}负责人{role}。"
        blocks += [Heading(2, event), Paragraph(w.quoted_provision(district, prov, rule) + said)]
    return blocks
