"""The checks of single records: §3.2 copying of each document, the invitations of each event
(§1.2, §1.4, §3.5), the §1.1 consultations and the §1.3 research feedback. Each record is judged by
the rule version in force on its own date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from liaison.law.compliance.context import Context
from liaison.law.findings import Finding, FindingStatus, local_mark, severity, shortfall_status
from liaison.law.rules import (
    MODALITY_EN,
    MODALITY_ZH,
    Invitation,
    Modality,
    Provision,
    Response,
    Routing,
    quote_zh,
)
from liaison.law.sentences import original_zh
from liaison.law.terms import NOT_A_BREACH_EN, NOT_A_BREACH_ZH


def _allows(sentence_zh: str, modality: Modality, pid: str) -> tuple[str, str]:
    """What a may / as-needed sentence says, and that not doing all of it is no breach."""
    return (f"；{original_zh(sentence_zh)}（{MODALITY_ZH[modality]}），{NOT_A_BREACH_ZH}",
            f"; {pid} says {MODALITY_EN[modality]}: {NOT_A_BREACH_EN}")


def routing(ctx: Context) -> Iterator[Finding]:
    """§3.2: each policy document's copies against the cc list in force on its date."""
    for i, doc in enumerate(ctx.records.documents):
        if not ctx.first <= doc.date <= ctx.last:
            continue
        cc = ctx.district.cc_list(doc.issuer, doc.date, doc.kind)
        if not cc.provisions:
            continue  # listed as not counted, with the reason
        ctx.use("documents", i)
        prov = ctx.district.provision(cc.provisions[0])
        rule = prov.rule(cc.rule, doc.date, Routing)
        if rule is None:  # a cc list names the rule it was built from, in force that day
            raise AssertionError(f"{prov.id} has no routing rule {cc.rule} on {doc.date}")
        expected = cc.ids()
        copied = set(doc.copied_to)
        missing = [o for o in expected if o not in copied]
        modality = prov.modality_of(rule)
        status = shortfall_status(modality, FindingStatus.NOT_ALL_COPIED) if missing else FindingStatus.MET
        title = f"《{doc.title}》（{doc.id}）" if doc.title else f"《{doc.id}》"
        if missing and status != FindingStatus.SHORT:
            may_zh, may_en = _allows(rule.sentence_zh, modality, prov.id)
            zh = f"{cc.issuer.name}{title}（{doc.date.isoformat()}）未抄送{ctx.names(missing)}{may_zh}（{prov.id}）。"
            en = (f"{cc.issuer.name_en} document {doc.id} ({doc.date.isoformat()}) was not copied to "
                  f"{ctx.names(missing, 'en')}{may_en}.")
        elif missing:
            zh = (f"{cc.issuer.name}{title}（{doc.date.isoformat()}）未抄送{ctx.names(missing)}，"
                  f"不符合{prov.cite_zh()}“{quote_zh(rule.sentence_zh)}”的要求（{prov.id}）。")
            en = (f"{cc.issuer.name_en} document {doc.id} ({doc.date.isoformat()}) was not copied to "
                  f"{ctx.names(missing, 'en')} ({prov.id}).")
        else:
            zh = f"{cc.issuer.name}{title}已按{prov.cite_zh()}抄送{ctx.names(list(expected))}（{prov.id}）。"
            en = f"{cc.issuer.name_en} document {doc.id} was copied as {prov.id} requires."
        yield Finding(provision=prov.id, rule=rule.key, status=status, severity=severity(status, modality),
                      responsible=cc.issuer.id,
                      affected=tuple(missing), subject=(doc.issuer,), period=(doc.date, doc.date), message_zh=zh,
                      message_en=en, counted=(doc.id,), expected="、".join(expected))


def invitations(ctx: Context) -> Iterator[Finding]:
    """§1.2, §1.4, §3.5: who each recorded event invited, against who the rule in force that day says —
    the rule of the event's host (§3.5's government events, and a party's own major event inviting the
    government the other way)."""
    for i, e in enumerate(ctx.records.engagements):
        if not ctx.first <= e.date <= ctx.last:
            continue
        rules = ctx.district.invitation_rules(e.kind, e.date, ctx.district.organisation(e.host))
        if not rules:
            continue
        ctx.use("engagements", i)
        prov, rule = rules[0]
        modality = prov.modality_of(rule)
        expected = ctx.district.invitees(e.kind, e.date, e.host).ids()
        present = {*e.invited, *e.attended}  # once per event, not once per expected invitee
        reached = [o for o in expected if o in present]
        missing = [o for o in expected if o not in reached]
        title = e.title or ctx.district.kind_name(e.kind)
        title_en = e.title if e.title and e.title.isascii() else ctx.district.kind_name(e.kind, "en")
        if rule.recipients == "relevant_counterparts" or rule.host == "counterpart":
            # 有关民主党派: whom is relevant is the host's to judge; a party's own event: the text puts no
            # duty on the party (the other direction of 互相邀请 is recorded, never charged)
            status = FindingStatus.RECORDED
        else:
            status = shortfall_status(modality, FindingStatus.NOT_ALL_INVITED) if missing else FindingStatus.MET
        zh, en = _invitation_sentences(ctx, prov, e.date, title, title_en, rule, reached, missing, status)
        if status == FindingStatus.NOT_ALL_INVITED:
            may_zh, may_en = _allows(rule.sentence_zh, modality, prov.id)
            zh, en = zh + may_zh, en + may_en
        if missing and e.reason:  # an explanation is part of what the finding says
            zh += f"；记录的原因：“{e.reason}”"
            en += f"; the reason recorded (as written): “{e.reason}”"
        rests = ("host",) if rule.is_local("host") else ()
        charged = None if rule.host == "counterpart" else e.host
        yield Finding(provision=prov.id, rule=rule.key, status=status,
                      severity=severity(status, modality, explained=bool(e.reason)), responsible=charged,
                      affected=tuple(missing), subject=(e.host,), period=(e.date, e.date),
                      message_zh=zh + f"（{prov.id}{local_mark(rests)}）",
                      message_en=en + f" ({prov.id}{local_mark(rests, 'en')})", counted=(e.cited(i),),
                      expected="、".join(expected),
                      rests_on=rests, reason=e.reason)


def _invitation_sentences(ctx: Context, prov: Provision, day: dt.date, title: str, title_en: str,
                          rule: Invitation, reached: list[str], missing: list[str],
                          status: FindingStatus) -> tuple[str, str]:
    when = day.isoformat()
    whom_zh = "区政府" if rule.recipients == "government" else "民主党派、工商联负责人"
    whom_en = "the district government" if rule.recipients == "government" else "branch or ICF leader"
    if rule.host == "counterpart":  # a party's own event: the other direction of 互相邀请, no duty in the text
        did_zh = f"邀请了{ctx.names(reached)}{rule.role_zh}" if reached else f"未邀请{whom_zh}{rule.role_zh}"
        did_en = f"invited {ctx.names(reached, 'en')}" if reached else f"did not invite {whom_en}"
        return (f"{when}{title}{did_zh}；为{prov.cite_zh()}所称互相邀请的另一方向，原文未设义务，仅作记录",
                f"{title_en} on {when} {did_en}; the other direction of {prov.id}'s mutual invitation, on which the "
                "text puts no duty: recorded only")
    if status == FindingStatus.RECORDED:  # 有关: whom to invite was the host's to choose; say only whom it did
        invited_zh = f"邀请了{ctx.names(reached)}负责人{rule.role_zh}" if reached else "未邀请民主党派、工商联负责人"
        invited_en = f"invited {ctx.names(reached, 'en')}" if reached else "invited no branch or ICF leader"
        return (f"{when}{title}{invited_zh}；{prov.cite_zh()}为“{quote_zh(rule.sentence_zh)}”，邀请哪些单位视情确定，"
                "仅作记录", f"{title_en} on {when} {invited_en}; {prov.id} lets the host choose whom to invite: "
                "recorded only")
    if not reached:
        zh = f"{when}{title}未邀请{whom_zh}{rule.role_zh}" if rule.recipients == "government" else \
            f"{when}{title}未邀请任何{whom_zh}{rule.role_zh}"
        en = f"{title_en} on {when} invited no {whom_en}"
    elif not missing:
        leaders = "" if rule.recipients == "government" else "负责人"
        zh = f"{when}{title}已邀请{ctx.names(reached)}{leaders}{rule.role_zh}"
        en = f"{title_en} on {when} invited {ctx.names(reached, 'en')}"
    else:
        zh = f"{when}{title}邀请了{ctx.names(reached)}，未邀请{ctx.names(missing)}负责人{rule.role_zh}"
        en = f"{title_en} on {when} invited {ctx.names(reached, 'en')} but not {ctx.names(missing, 'en')}"
    return zh, en


def _response_rule(ctx: Context, trigger: str, day: dt.date) -> tuple[str, Response, Modality] | None:
    for prov, rule in ctx.district.rules(Response, day):
        if rule.trigger == trigger:
            return prov.id, rule, prov.modality_of(rule)
    return None


def _deadline_zh(rule: Response, due: dt.date) -> str:
    if rule.is_local(rule.deadline_field):
        return f"本区设定的{rule.describe_zh()}反馈期限（{due.isoformat()}；原文未规定期限）"
    return f"{rule.describe_zh()}反馈期限（{due.isoformat()}）"


def _deadline_en(rule: Response, due: dt.date) -> str:
    local = "the district's own " if rule.is_local(rule.deadline_field) else "the "
    return f"{local}deadline {rule.describe_en()} ({due.isoformat()})" + (
        "; the text sets none" if rule.is_local(rule.deadline_field) else "")


def _days_en(days: int) -> str:
    return f"{days} day" + ("" if days == 1 else "s")


def _answerable(ctx: Context, section: str, trigger: str) -> Iterator[tuple[Any, str, Response, Modality]]:
    """The records of ``section`` dated in the year that a response rule in force on their date covers
    (each marked as counted), with the rule: a consultation by the day it was sent, a research result
    by the day it was received."""
    for i, record in enumerate(getattr(ctx.records, section)):
        day = record.sent if trigger == "consultation" else record.received
        found = _response_rule(ctx, trigger, day)
        if not ctx.first <= day <= ctx.last or found is None:
            continue
        ctx.use(section, i)
        yield (record, *found)


def research_feedback(ctx: Context) -> Iterator[Finding]:
    """§1.3: feedback on each research result, against the deadline in force when it was received."""
    for r, pid, rule, modality in _answerable(ctx, "research_results", "research_result"):
        prov = ctx.district.provision(pid)
        due = rule.due(r.received, ctx.calendar)
        dept, branch = ctx.district.organisation(r.department), ctx.district.organisation(r.submitted_by)
        head = f"{branch.name}调研成果《{r.title}》于{r.received.isoformat()}送达{dept.name}"
        head_en = f"{branch.name_en}'s research result “{r.id}” reached {dept.name_en} on {r.received.isoformat()}"
        local = rule.is_local(rule.deadline_field)
        if r.feedback is not None and r.feedback <= due:
            status = FindingStatus.MET
            zh = f"{head}，{dept.name}已于{r.feedback.isoformat()}反馈情况" + (
                f"，在{_deadline_zh(rule, due)}内" if local else "")
            en = f"{head_en}; answered on {r.feedback.isoformat()}" + (
                f", within {_deadline_en(rule, due)}" if local else "")
        elif r.feedback is not None:
            status = FindingStatus.LATE
            days = (r.feedback - due).days
            zh = f"{head}，{dept.name}于{r.feedback.isoformat()}反馈，晚于{_deadline_zh(rule, due)}{days}日"
            en = f"{head_en}; answered on {r.feedback.isoformat()}, {_days_en(days)} after {_deadline_en(rule, due)}"
        elif ctx.as_of > due:
            status = FindingStatus.UNANSWERED
            said = quote_zh(rule.sentence_zh)
            zh = (f"{head}，至{ctx.as_of.isoformat()}未反馈（{_deadline_zh(rule, due)}；原文要求“{said}”）" if local
                  else f"{head}，至{ctx.as_of.isoformat()}未反馈，不符合{prov.cite_zh()}“{said}”的要求")
            en = f"{head_en}; no feedback by {ctx.as_of.isoformat()} ({_deadline_en(rule, due)})"
        else:
            status, zh, en = (FindingStatus.OPEN, f"{head}，{_deadline_zh(rule, due)}未到",
                              f"{head_en}; feedback is due by {_deadline_en(rule, due)}")
        yield Finding(provision=pid, rule=rule.key, status=status,
                      severity=severity(status, modality, local_only=local), responsible=dept.id, affected=(branch.id,),
                      subject=(r.department, r.submitted_by), period=(r.received, due), message_zh=f"{zh}（{pid}）。",
                      message_en=f"{en} ({pid}).",
                      counted=(r.id,), expected=rule.describe_zh(), rests_on=(rule.deadline_field,) if local else ())


def consultations(ctx: Context) -> Iterator[Finding]:
    """§1.1: whom each consultation asked, and — as information, not the parties' duty — who replied."""
    everyone = [o.id for o in ctx.district.counterparts()]
    for c, pid, rule, _modality in _answerable(ctx, "consultations", "consultation"):
        prov = ctx.district.provision(pid)
        sender = c.sender or ctx.district.general_office().id
        asked = set(c.sent_to)
        not_asked = [o for o in everyone if o not in asked]
        if not_asked:
            status = shortfall_status(prov.modality, FindingStatus.NOT_ALL_ASKED)
            may = status != FindingStatus.SHORT
            zh = (f"《{c.subject}》征求意见未送{ctx.names(not_asked)}；{prov.cite_zh()}为“{quote_zh(rule.sentence_zh)}”"
                  f"（{prov.id}，{MODALITY_ZH[prov.modality]}）" + (f"，未全部征求{NOT_A_BREACH_ZH}" if may else ""))
            en = f"consultation “{c.id}” did not go to {ctx.names(not_asked, 'en')} ({prov.id}, " \
                f"{MODALITY_EN[prov.modality]})" + (f"; {NOT_A_BREACH_EN}" if may else "")
            yield Finding(provision=pid, rule=rule.key, status=status, severity=severity(status, prov.modality),
                          responsible=sender, affected=tuple(not_asked), subject=(sender,), period=(c.sent, c.sent),
                          message_zh=zh + "。", message_en=en + ".", counted=(c.id,))
        yield _replies(ctx, c, pid, rule, sender)


def _replies(ctx: Context, c: object, pid: str, rule: Response, sender: str) -> Finding:
    from liaison.law.records import ConsultationRecord

    assert isinstance(c, ConsultationRecord)
    due = c.due or rule.due(c.sent, ctx.calendar)
    replied = {r.organisation: r.date for r in c.replies}
    late = [o for o in c.sent_to if o in replied and replied[o] > due]
    silent = [o for o in c.sent_to if o not in replied]
    parts_zh, parts_en = [], []
    if late:
        parts_zh.append("、".join(f"{ctx.name(o)}于{replied[o].isoformat()}答复，"
                                 f"晚于答复期限{(replied[o] - due).days}日" for o in late))
        parts_en.append(", ".join(f"{ctx.name(o, 'en')} replied on {replied[o].isoformat()}, "
                                  f"{_days_en((replied[o] - due).days)} after the deadline" for o in late))
    if c.due:
        deadline_zh, deadline_en = "（本次征求意见时约定）", " (set by this consultation)"
    else:
        deadline_zh = f"（{rule.describe_zh()}，为本区设定，原文未规定期限）"
        deadline_en = f" ({rule.describe_en()}: the district's own setting; the text sets none)"
    if silent and ctx.as_of > due:
        parts_zh.append(f"{ctx.names(silent)}至{ctx.as_of.isoformat()}未答复")
        parts_en.append(f"{ctx.names(silent, 'en')} had not replied by {ctx.as_of.isoformat()}")
    if late or (silent and ctx.as_of > due):
        status = FindingStatus.UNANSWERED if silent and ctx.as_of > due else FindingStatus.LATE
        zh = (f"《{c.subject}》征求意见：{'；'.join(parts_zh)}；答复期限{due.isoformat()}{deadline_zh}。"
              "仅作记录：原文未规定民主党派、工商联的答复义务")
        en = (f"consultation “{c.id}”: {'; '.join(parts_en)}; replies were due {due.isoformat()}{deadline_en}. "
              "Information only: the text puts no duty to reply on the parties and the ICF")
    elif silent:
        status, zh, en = (FindingStatus.OPEN, f"《{c.subject}》征求意见答复期限{due.isoformat()}{deadline_zh}未到",
                          f"consultation “{c.id}”: replies are due by {due.isoformat()}{deadline_en}")
    else:
        status = FindingStatus.MET
        zh = f"《{c.subject}》征求意见已收到全部答复，均在答复期限{due.isoformat()}{deadline_zh}内"
        en = f"consultation “{c.id}”: every reply came by the deadline {due.isoformat()}{deadline_en}"
    affected = tuple(late + silent)
    return Finding(provision=pid, rule=rule.key, status=status, severity=severity(status, Modality.MAY),
                   responsible=sender, affected=affected, subject=(sender,),
                   period=(c.sent, due), message_zh=f"{zh}（{pid}）。", message_en=f"{en} ({pid}).", counted=(c.id,),
                   expected=rule.describe_zh(),
                   rests_on=() if c.due else (rule.deadline_field,))
