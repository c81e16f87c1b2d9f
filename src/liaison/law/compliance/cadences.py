"""The cadence obligations (§3.1, §3.3, §3.6 in the seed), the §3.1 designations and the
record-only duties: one checker each, and one rule for a cadence's status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from liaison.law.compliance.context import Context
from liaison.law.duties import Obligation, designation_duty, designation_records
from liaison.law.findings import Finding, FindingStatus, Severity, local_mark, severity, shortfall_status
from liaison.law.rules import (
    ACTIVITIES,
    MODALITY_EN,
    MODALITY_ZH,
    DesignationRule,
    Modality,
    Provision,
    RecordOnly,
    quote_zh,
    record_kind_words,
    record_section,
)
from liaison.law.sentences import original_zh
from liaison.law.terms import DESIGNATION_EN, DESIGNATION_ZH, HOST_EN, HOST_ZH, NOT_A_BREACH_EN, NOT_A_BREACH_ZH, term


def cadence_status(counted: int, minimum: int, maximum: int | None, ends: dt.date, as_of: dt.date) -> FindingStatus:
    """The one rule for every cadence: short (open while its period runs), beyond guidance, or met."""
    if counted < minimum:
        return FindingStatus.OPEN if as_of < ends else FindingStatus.SHORT
    if maximum is not None and counted > maximum:
        return FindingStatus.BEYOND_GUIDANCE
    return FindingStatus.MET


def _count(ctx: Context, o: Obligation) -> tuple[str, ...]:
    """The records counted for ``o``: a tuple of strings, which the collector stops tracking — one
    per obligation, some 4,700 at 3,300 pairings, alive through the whole check."""
    found = []
    records = ctx.records.engagements
    # what counts has the body that owes it present (its host for the government's), both sides for a
    # pairing's: look at those only
    for i in ctx.engagements_for(o):
        e = records[i]
        if o.counts(e.kind, e.date, e.host, e.attended):
            found.append(e.cited(i))
            ctx.use("engagements", i)
    return tuple(found)


def _held_by_others(ctx: Context, o: Obligation) -> list[tuple[str, str]]:
    """(record, host) of each engagement of the kind in the span that both sides of a pairing attended
    but that a body the rule does not let hold it held (a meeting another branch called): not counted,
    and the finding says so rather than let 记录0次 read as if nothing happened."""
    if o.scope != "pairing":
        return []
    found = []
    records = ctx.records.engagements
    for i in ctx.engagements_for(o):  # both sides attended
        e = records[i]
        if not o.counts(e.kind, e.date, e.host, e.attended):
            found.append((e.cited(i), e.host))
    return found


Group = tuple[str, str, str, tuple[dt.date, dt.date]]
Period = tuple[str, tuple[str, ...], tuple[dt.date, dt.date]]  # a rule, its subject, one of its periods


def _group(o: Obligation) -> Group:
    """The obligations one department owes under one rule version over one span, pairing by pairing."""
    return o.provision_id, o.rule.key, o.responsible_id, o.span


def _read_per_pairing(o: Obligation) -> bool:
    """Whether ``o`` is one pairing's share of what the district reads per pairing (a local reading)."""
    return o.scope == "pairing" and "scope" in o.rests_on


def cadences(ctx: Context) -> Iterator[Finding]:
    owed = [o for o in ctx.owed
            if o.span[0] <= ctx.as_of]  # a rule version or a pairing that starts after the check date: not yet owed
    # each group as the positions of its obligations in ``owed``, gathered in lists (a tuple copied per
    # member made it quadratic in a department's pairings), kept as tuples of ints, which the collector
    # stops tracking (a list of obligations per department it would walk in every full pass)
    gathered: dict[Group, list[int]] = {}
    for n, o in enumerate(owed):
        if _read_per_pairing(o):
            gathered.setdefault(_group(o), []).append(n)
    groups = {group: tuple(members) for group, members in gathered.items()}
    del gathered
    counted = {id(o): _count(ctx, o) for o in owed}
    # the periods an amendment split between rule versions, and their parts (the others have one part:
    # kept as the obligation alone, not a list each)
    first_of: dict[Period, Obligation] = {}
    versions: dict[Period, list[Obligation]] = {}
    for o in owed:
        key = (o.rule.key, o.subject, o.period)
        had = first_of.setdefault(key, o)
        if had is not o:
            versions.setdefault(key, [had]).append(o)
    for n, o in enumerate(owed):
        siblings = groups.get(_group(o), (n,)) if _read_per_pairing(o) else (n,)
        if len(siblings) > 1 and n == siblings[0]:
            department = _department_finding(ctx, [owed[s] for s in siblings],
                                             [c for s in siblings for c in counted[id(owed[s])]])
            if department is not None:
                yield department
        whole = _whole_period(versions.get((o.rule.key, o.subject, o.period), ()), counted)
        yield _cadence_finding(ctx, o, counted[id(o)], len(siblings), whole)
        if _read_per_department(o) and counted[id(o)]:
            yield from _pairings_not_met(ctx, o, counted[id(o)])


def _whole_period(parts: Sequence[Obligation], counted: dict[int, tuple[str, ...]]) -> tuple[int, int] | None:
    """(engagements counted, the least any version asks) when an amendment split a period its subject
    was in force for whole, and the whole period fell short of every version: then a part's shortfall
    does not rest on the district's part-period setting — no reading of the text would be met."""
    if len(parts) < 2:
        return None
    days = sum((p.span[1] - p.span[0]).days + 1 for p in parts)
    whole = (parts[0].period[1] - parts[0].period[0]).days + 1
    total = len({c for p in parts for c in counted[id(p)]})
    least = min(p.rule.min_per_period for p in parts)
    return (total, least) if days == whole and total < least else None


def _read_per_department(o: Obligation) -> bool:
    """Whether ``o`` is a department's whole share under the district's per-department reading."""
    return o.scope == "department" and "scope" in o.rests_on and len(o.counterparts) > 1


def _absent(ctx: Context, o: Obligation, counted: Sequence[str]) -> list[str]:
    """The counterparts of a department that took part in none of the engagements counted for it."""
    present: set[str] = set()
    for i in sorted({i for c in dict.fromkeys(counted) for i in ctx.engagements_cited(c)}):
        e = ctx.records.engagements[i]
        present.update((*e.attended, e.host))
    return [c for c in o.counterpart_ids if c not in present]


def _pairings_not_met(ctx: Context, o: Obligation, counted: Sequence[str]) -> Iterator[Finding]:
    """Under the district's per-department reading a department's meeting counts for all its pairings;
    read per pairing (the text allows both), a counterpart that took part in none of them would not be
    met. Each such pairing gets a finding that says so: information, resting on the reading."""
    prov = o.provision
    reading_zh = o.rule.local.note("scope") or ""
    what_zh, what_en = ctx.district.kind_name(o.kind), ctx.district.kind_name(o.kind, "en")
    for other in _absent(ctx, o, counted):
        zh = (f"{_span_text(o, 'zh')}{ctx.name(other)}未参加{o.responsible.name}的{what_zh}；本区将"
              f"{prov.cite_zh()}理解为每个部门{''.join(o.rule.how_often_zh())}（{reading_zh}），据此不作要求；"
              f"如按每对对口关系理解，则这对关系未达要求，仅作提示（{prov.id}{local_mark(('scope',))}）。")
        en = (f"{_span_text(o, 'en')}: {ctx.name(other, 'en')} took part in none of "
              f"{o.responsible.name_en}'s {what_en}s; the district reads {prov.id} per department, so nothing "
              f"is owed for this pairing alone; read per pairing, it would not be met. Information only ({prov.id}"
              f"{local_mark(('scope',), 'en')}).")
        yield Finding(provision=o.provision_id, rule=o.rule.key, status=FindingStatus.NOT_DONE, severity=Severity.INFO,
                      responsible=o.responsible_id, affected=(other,),
                      subject=(o.responsible_id, other), period=o.span, message_zh=zh, message_en=en, counted=(),
                      expected="".join(o.rule.how_often_zh()), rests_on=("scope",),
                      pairing_in_force=o.pairing_in_force)


def _department_finding(ctx: Context, siblings: list[Obligation], counted: list[str]) -> Finding | None:
    """Under the text's own reading, a department owes the number once, whatever its pairings: when it
    fell short even so, one finding for the department says so — the shortfalls of its pairings beyond
    that rest on the district's per-pairing reading."""
    o = siblings[0]
    ids = list(dict.fromkeys(counted))
    status = cadence_status(len(ids), o.minimum, None, o.span[1], ctx.as_of)
    if status != FindingStatus.SHORT or not o.applicable:
        return None
    status = shortfall_status(o.modality, FindingStatus.NOT_DONE if not ids else FindingStatus.FEWER)
    prov = o.provision
    rests = tuple(r for r in o.rests_on if r not in ("scope", "max_per_period"))
    counterparts = tuple(dict.fromkeys(c for s in siblings for c in s.counterpart_ids))
    expected_zh = "".join(o.rule.how_often_zh())
    expected_en = " ".join(reversed(o.rule.how_often_en()))
    what_zh, what_en = ctx.district.kind_name(o.kind), ctx.district.kind_name(o.kind, "en")
    head_zh = (f"{_span_text(o, 'zh')}{o.responsible.name}与对口联系的{ctx.names(list(counterparts))}的"
               f"{what_zh}合计记录{len(ids)}次，少于{o.minimum}次")
    head_en = (f"{_span_text(o, 'en')}: {o.responsible.name_en}, {len(ids)} {what_en}(s) recorded in all "
               f"with {ctx.names(list(counterparts), 'en')} (its paired organisations), fewer than {o.minimum}")
    if status == FindingStatus.SHORT and rests:
        zh = (f"{head_zh}，即使按部门合计计算，也未达本区对{prov.cite_zh()}“{expected_zh}”的设定"
              f"（{prov.id}{local_mark(rests)}）。")
        en = (f"{head_en}: even counted for the department as a whole, the district's own setting for {prov.id} "
              f"({expected_en}) is not met{local_mark(rests, 'en')}.")
    elif status == FindingStatus.SHORT:
        zh = f"{head_zh}，即使按部门合计计算，也不符合{prov.cite_zh()}“{expected_zh}”（{prov.id}）的要求。"
        en = f"{head_en}; {prov.id} asks for {expected_en}: short even counted for the department as a whole."
    else:
        zh = (f"{head_zh}；{prov.cite_zh()}为“{quote_zh(o.rule.sentence_zh)}”（{prov.id}），{NOT_A_BREACH_ZH}"
              f"{local_mark(rests)}。")
        en = f"{head_en}; {prov.id} allows {expected_en}: information only{local_mark(rests, 'en')}."
    return Finding(provision=o.provision_id, rule=o.rule.key, status=status,
                   severity=severity(status, o.modality, local_only=bool(rests)), responsible=o.responsible_id,
                   affected=counterparts, subject=(o.responsible_id,), period=o.span, message_zh=zh, message_en=en,
                   counted=tuple(ids), expected=expected_zh, rests_on=rests)


def _cadence_finding(ctx: Context, o: Obligation, counted: Sequence[str], pairings: int,
                     whole: tuple[int, int] | None = None) -> Finding:
    prov = o.provision
    expected_zh = "".join(o.rule.how_often_zh())
    expected_en = " ".join(reversed(o.rule.how_often_en()))
    if not o.applicable:
        status = FindingStatus.NOT_APPLICABLE
    else:
        status = cadence_status(len(counted), o.minimum, o.maximum, o.span[1], ctx.as_of)
        if status == FindingStatus.SHORT:
            status = shortfall_status(o.modality, FindingStatus.NOT_DONE if not counted else FindingStatus.FEWER)
    absent = _read_per_department(o) and status == FindingStatus.MET and bool(_absent(ctx, o, counted))
    rests = _what_it_rests_on(ctx, o, status, pairings, len(counted), absent)
    if whole is not None and status == FindingStatus.SHORT:
        rests = tuple(r for r in rests if r != "part_period")
    local_only = status == FindingStatus.SHORT and bool(rests)
    zh, en = _cadence_sentences(ctx, prov, o, len(counted), status, rests, expected_zh, expected_en)
    explained_zh, explained_en = _explained(prov, o, status, rests, _readings(o, rests))
    others = _held_by_others(ctx, o) if status != FindingStatus.MET else []
    if others:
        hosts_zh, hosts_en = ctx.names([h for _, h in others]), ctx.names([h for _, h in others], "en")
        what = ctx.district.kind_name(o.kind)
        who_zh, who_en = term(HOST_ZH, o.rule.host), term(HOST_EN, o.rule.host)
        zh = zh.rstrip("。") + (f"（另有{len(others)}次{what}双方均参加，但由{hosts_zh}主办，不是规则所定的主办方"
                               f"（{who_zh}），未计入：{'、'.join(c for c, _ in others)}）。")
        en = en.rstrip(".") + (f" ({len(others)} more both sides attended, held by {hosts_en}, not by whom the rule "
                               f"says ({who_en}), so not counted: {', '.join(c for c, _ in others)}).")
    if whole is not None and status == FindingStatus.SHORT:
        (a, b) = o.period
        zh = zh.rstrip("。") + (f"；{a.isoformat()}至{b.isoformat()}全期合计记录{whole[0]}次，"
                               f"少于原文任一版本的{whole[1]}次。")
        en = en.rstrip(".") + (f"; {whole[0]} in the whole period {a.isoformat()} to {b.isoformat()}, fewer than any "
                              f"wording of the text asks ({whole[1]}).")
    return Finding(provision=o.provision_id, rule=o.rule.key, status=status,
                   severity=severity(status, o.modality, local_only=local_only),
                   responsible=o.responsible_id, affected=o.counterpart_ids, subject=o.subject, period=o.span,
                   message_zh=zh, message_en=en, counted=tuple(counted), expected=expected_zh,
                   rests_on=rests, pairing_in_force=o.pairing_in_force, explained_zh=explained_zh,
                   explained_en=explained_en)


def _what_it_rests_on(ctx: Context, o: Obligation, status: FindingStatus, pairings: int,
                      counted: int, absent: bool = False) -> tuple[str, ...]:
    """The local settings a finding's judgment depends on: for a shortfall, those that make it one
    (the minimum, the cycle, a part period, and the per-pairing reading when the department has more
    than one pairing: what it owes under the text, it owes once, see :func:`_department_finding`);
    for a finding above the maximum, a maximum the district set; for any other, those it was
    measured by (the cycle, the part period) — and the per-department reading when a counterpart took
    part in none of what was counted (met only as the district reads it)."""
    if status == FindingStatus.BEYOND_GUIDANCE:
        return ("max_per_period",) if o.rule.is_local("max_per_period") else ()
    found = [r for r in o.rests_on if r not in ("scope", "max_per_period")]
    # The per-pairing reading is the stricter one: a pairing's shortfall rests on it unless the
    # pairing is the department's only one, where every reading asks the same.
    if _read_per_pairing(o) and status in _SHORTS and counted < o.minimum and pairings > 1:
        found.append("scope")
    if absent:
        found.append("scope")
    return tuple(found)


_SHORTS = (FindingStatus.SHORT, FindingStatus.OPEN, FindingStatus.NOT_DONE, FindingStatus.FEWER)


def _span_text(o: Obligation, lang: str) -> str:
    (a, b), (p, q) = o.span, o.period
    if (a, b) == (p, q) and a.month == 1 and a.day == 1 and b.month == 12 and b.day == 31:
        if a.year == b.year:
            return f"{a.year}年" if lang == "zh" else str(a.year)
        return f"{a.year}—{b.year}年" if lang == "zh" else f"{a.year}–{b.year}"
    return f"{a.isoformat()}至{b.isoformat()}" if lang == "zh" else f"{a.isoformat()} to {b.isoformat()}"


def _readings(o: Obligation, rests: tuple[str, ...]) -> str:
    """The district's notes on the settings a finding rests on (and a part period's reason), in one."""
    readings = "；".join(o.rule.local.note(r) or "" for r in rests if o.rule.local.note(r))
    if "part_period" in rests:
        readings = "；".join(x for x in (readings, o.reason_zh) if x)
    return readings


def _cadence_sentences(ctx: Context, prov: Provision, o: Obligation, n: int, status: FindingStatus,
                       rests: tuple[str, ...], expected_zh: str, expected_en: str) -> tuple[str, str]:
    what_zh, what_en = ctx.district.kind_name(o.kind), ctx.district.kind_name(o.kind, "en")
    when_zh, when_en = _span_text(o, "zh"), _span_text(o, "en")
    who_zh = o.responsible.name + ("与" + ctx.names(o.counterpart_ids) if o.scope != "government" else "")
    who_en = o.responsible.name_en + (
        " with " + ctx.names(o.counterpart_ids, "en") if o.scope != "government" else "")
    head_zh = f"{when_zh}{who_zh}的{what_zh}记录{n}次"
    head_en = f"{when_en}: {who_en}, {n} {what_en}(s) recorded"
    cite_zh, cite_en = f"{prov.cite_zh()}“{expected_zh}”（{prov.id}）", f"{prov.id} asks for {expected_en}"
    mark_zh, mark_en = local_mark(rests), local_mark(rests, "en")
    readings = _readings(o, rests)
    if status == FindingStatus.NOT_APPLICABLE:
        return f"{head_zh}：{o.reason_zh}（{prov.id}{mark_zh}）。", f"{head_en}: {o.reason_en} ({prov.id}{mark_en})."
    if status == FindingStatus.MET and "scope" in rests:
        explained_zh, explained_en = _explained(prov, o, status, rests, readings)
        return (f"{head_zh}，按本区对{prov.cite_zh()}的理解{explained_zh}已落实"
                f"（{prov.id}{mark_zh}）。", f"{head_en}; met as the district reads {prov.id}{explained_en}.")
    if status == FindingStatus.MET:
        return f"{head_zh}，符合{cite_zh}{mark_zh}。", f"{head_en}; {cite_en}: met{mark_en}."
    if status == FindingStatus.OPEN:
        return (f"{head_zh}，截至{ctx.as_of.isoformat()}尚未达到{cite_zh}，期限{o.span[1].isoformat()}未到{mark_zh}。",
                f"{head_en} by {ctx.as_of.isoformat()}; {cite_en}; the period ends {o.span[1].isoformat()}{mark_en}.")
    if status == FindingStatus.BEYOND_GUIDANCE:
        local = "（上限为本区设定）" if o.rule.is_local("max_per_period") else ""
        return (f"{head_zh}，超出{cite_zh}的指导范围{local}，仅作提示。",
                f"{head_en}, beyond {cite_en}{' (a maximum the district set)' if local else ''}; information only.")
    if status in (FindingStatus.NOT_DONE, FindingStatus.FEWER):
        allows_zh = f"{prov.cite_zh()}为“{quote_zh(o.rule.sentence_zh)}”（{prov.id}，{MODALITY_ZH[o.modality]}）"
        return (f"{head_zh}；{allows_zh}，未开展{NOT_A_BREACH_ZH}{mark_zh}。",
                f"{head_en}; {prov.id} allows ({MODALITY_EN[o.modality]}) {expected_en}: {NOT_A_BREACH_EN}{mark_en}.")
    if rests:
        explained_zh, explained_en = _explained(prov, o, status, rests, readings)
        return (f"{head_zh}，少于{o.minimum}次，未达本区对{prov.cite_zh()}“{expected_zh}”的设定{explained_zh}。",
                f"{head_en}, fewer than {o.minimum}: the district's own setting is not met{explained_en}.")
    return (f"{head_zh}，少于{o.minimum}次，不符合{cite_zh}的要求。",
            f"{head_en}, fewer than {o.minimum}; {cite_en}: short.")


def _explained(prov: Provision, o: Obligation, status: FindingStatus, rests: tuple[str, ...],
               readings: str) -> tuple[str, str]:
    """The part of a cadence finding's message that explains the local reading it rests on (the same
    for every pairing read so): a report prints it once, as a footnote (:func:`footnoted`)."""
    mark_zh, mark_en = local_mark(rests), local_mark(rests, "en")
    if status == FindingStatus.MET and "scope" in rests:
        return f"（{o.rule.local.note('scope') or ''}）", mark_en
    said_otherwise = (FindingStatus.NOT_APPLICABLE, FindingStatus.MET, FindingStatus.OPEN,
                      FindingStatus.BEYOND_GUIDANCE, FindingStatus.NOT_DONE, FindingStatus.FEWER)
    if rests and status not in said_otherwise:  # the branches of _cadence_sentences that quote the reading
        return (f"（{readings}）；{original_zh(o.rule.sentence_zh)}（{prov.id}{mark_zh}）",
                f" (see {prov.id}; the text alone does not say this{mark_en})")
    return "", ""


# ---------------------------------------------------------------------------------- §3.1 designations
def designations(ctx: Context) -> Iterator[Finding]:
    day = min(ctx.as_of, ctx.last)
    mine = designation_records(ctx.records)  # each organisation's designations, split once
    used: dict[str, list[int]] = {}
    for i, record in enumerate(ctx.records.designations):
        used.setdefault(record.organisation, []).append(i)
    for prov, rule in ctx.district.rules(DesignationRule, day):
        paired = {p.department for p in ctx.district.pairings_between(ctx.first, day)}
        for org in (o for o in ctx.district.departments() if o.id in paired):
            duty = designation_duty(ctx.district, org, prov, rule, day, mine.get(org.id))
            named, missing = duty.designations, duty.missing
            for i in used.get(org.id, ()):
                ctx.use("designations", i)
            status = FindingStatus.MISSING_DESIGNATION if missing else FindingStatus.MET
            roles_zh = "、".join(DESIGNATION_ZH[r] for r in (missing or rule.roles))
            roles_en = ", ".join(DESIGNATION_EN[r] for r in (missing or rule.roles))
            if missing:  # what is not recorded is not known to be missing: say what the records hold
                zh = (f"截至{day.isoformat()}，没有{org.name}指定{roles_zh}的记录，无法确认已按{prov.cite_zh()}"
                      f"“{quote_zh(rule.sentence_zh)}”的要求指定；已指定的，请在区数据或记录（责任制）中补录"
                      f"（{prov.id}）。")
                en = (f"By {day.isoformat()}, nothing records {org.name_en}'s {roles_en}, so {prov.id}'s designations "
                      "cannot be confirmed; if they were made, record them (the district file or the records' "
                      f"designations) ({prov.id}).")
            else:
                zh = f"{org.name}已指定{roles_zh}（{prov.id}）。"
                en = f"{org.name_en} has named its {roles_en} ({prov.id})."
            yield Finding(provision=prov.id, rule=rule.key, status=status, severity=severity(status, duty.modality),
                          responsible=org.id, affected=(org.id,), subject=(org.id,),
                          period=(ctx.first, day), message_zh=zh, message_en=en,
                          counted=(f"designations:{org.id}",) if named != org.designations else (),
                          expected="、".join(DESIGNATION_ZH[r] for r in rule.roles))


# ---------------------------------------------------------------------------------------- record-only
def record_only(ctx: Context) -> Iterator[Finding]:
    """One finding per record-only rule: how many records of its kind the year holds, by whom, and on
    whom the sentence puts the duty — recorded, never counted against a number the text does not give."""
    day = min(ctx.as_of, ctx.last)
    for prov, rule in ctx.district.rules(RecordOnly, day):
        section = record_section(rule.record_kind)
        items = [(i, r) for i, r in enumerate(getattr(ctx.records, section)) if ctx.first <= r.date <= ctx.last
                 and (section != ACTIVITIES or r.kind == rule.record_kind)]
        for i, _ in items:
            ctx.use(section, i)
        by_body: dict[str, int] = {}
        for _, r in items:
            body = _done_by(r)
            if body:
                by_body[body] = by_body.get(body, 0) + 1
        what_zh, what_en = record_kind_words(rule)
        who_zh, who_en = HOST_ZH.get(rule.by, rule.by), HOST_EN.get(rule.by, rule.by)
        shares_zh = "、".join(f"{ctx.name(b) if b in ctx.district.by_id() else b}{n}项" for b, n in by_body.items())
        shares_en = ", ".join(f"{ctx.name(b, 'en') if b in ctx.district.by_id() else b} {n}"
                              for b, n in by_body.items())
        zh = (f"{ctx.year}年{what_zh}（由{who_zh}开展）记录{len(items)}项" + (f"：{shares_zh}" if shares_zh else "")
              + f"（{prov.cite_zh()}，{prov.id}，仅记录，不计数）。")
        en = (f"{ctx.year}: {len(items)} record(s) of {what_en} (the duty of {who_en})"
              + (f": {shares_en}" if shares_en else "") + f" ({prov.id}, recorded only, not counted).")
        bodies = tuple(b for b in by_body if b in ctx.district.by_id())
        yield Finding(provision=prov.id, rule=rule.key, status=FindingStatus.RECORDED,
                      severity=severity(FindingStatus.RECORDED, Modality.NONE),
                      responsible=None, affected=bodies, subject=bodies, period=(ctx.first, ctx.last), message_zh=zh,
                      message_en=en, counted=tuple(f"{section}[{i}]" for i, _ in items))


def _done_by(record: object) -> str:
    """Who did a record-only thing: its department, town, or ``by``."""
    for field in ("department", "town", "by"):
        value = getattr(record, field, "")
        if isinstance(value, str) and value:
            return value
    return ""
