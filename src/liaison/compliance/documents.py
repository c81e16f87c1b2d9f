"""The checks of single records: §3.2 copying of each document, the invitations of each event
(§1.2, §1.4, §3.5), the §1.1 consultations and the §1.3 research feedback. Each record is judged by
the rule version in force on its own date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from liaison.compliance.context import Context
from liaison.findings import Finding, FindingStatus, severity
from liaison.rules import ENGAGEMENT_KIND_EN, ENGAGEMENT_KIND_ZH, Invitation, Modality, Response, Routing, quote_zh


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
        rule = prov.rule(cc.rule, doc.date)
        assert isinstance(rule, Routing)
        expected = cc.ids()
        missing = [o for o in expected if o not in doc.copied_to]
        status = FindingStatus.SHORT if missing else FindingStatus.MET
        title = f"《{doc.title}》（{doc.id}）" if doc.title else f"《{doc.id}》"
        if missing:
            zh = (f"{cc.issuer.name}{title}（{doc.date.isoformat()}）未抄送{ctx.names(missing)}，"
                  f"不符合{prov.cite_zh()}“{quote_zh(rule.sentence_zh)}”的要求（{prov.id}）。")
            en = (f"{cc.issuer.name_en} document {doc.id} ({doc.date.isoformat()}) was not copied to "
                  f"{ctx.names(missing, 'en')} ({prov.id}).")
        else:
            zh = f"{cc.issuer.name}{title}已按{prov.cite_zh()}抄送{ctx.names(list(expected))}（{prov.id}）。"
            en = f"{cc.issuer.name_en} document {doc.id} was copied as {prov.id} requires."
        yield Finding(prov.id, rule.key, status, severity(status, prov.modality_of(rule)), cc.issuer.id,
                      tuple(missing), (doc.issuer,), (doc.date, doc.date), zh, en, (doc.id,), "、".join(expected))


def invitations(ctx: Context) -> Iterator[Finding]:
    """§1.2, §1.4, §3.5: who each recorded event invited, against who the rule in force that day says."""
    for i, e in enumerate(ctx.records.engagements):
        if not ctx.first <= e.date <= ctx.last:
            continue
        rules = [(p, r) for p, r in ctx.district.rules(Invitation, e.date)
                 if isinstance(r, Invitation) and r.event_kind == e.kind]
        if not rules:
            continue
        ctx.use("engagements", i)
        prov, rule = rules[0]
        modality = prov.modality_of(rule)
        host = e.host if rule.host == "department" else None
        expected = ctx.district.invitees(e.kind, e.date, host).ids()
        reached = [o for o in expected if o in set(e.invited) | set(e.attended)]
        missing = [o for o in expected if o not in reached]
        title = e.title or ENGAGEMENT_KIND_ZH[e.kind]
        title_en = e.title if e.title and e.title.isascii() else ENGAGEMENT_KIND_EN[e.kind]
        if rule.recipients == "relevant_counterparts":  # 有关民主党派: whom is relevant is not ours to judge
            status = FindingStatus.RECORDED
        else:
            status = FindingStatus.SHORT if missing else FindingStatus.MET
        zh, en = _invitation_sentences(ctx, e.date, title, title_en, rule, reached, missing, status)
        yield Finding(prov.id, rule.key, status, severity(status, modality, explained=bool(e.reason)), e.host,
                      tuple(missing), (e.host,), (e.date, e.date), zh + f"（{prov.id}）", en + f" ({prov.id})",
                      (e.id or f"engagements[{i}]",), "、".join(expected), reason=e.reason)


def _invitation_sentences(ctx: Context, day: dt.date, title: str, title_en: str, rule: Invitation,
                          reached: list[str], missing: list[str], status: FindingStatus) -> tuple[str, str]:
    when = day.isoformat()
    if not reached:
        zh = f"{when}{title}未邀请任何民主党派、工商联负责人{rule.role_zh}"
        en = f"{title_en} on {when} invited no branch or ICF leader"
    elif not missing:
        zh = f"{when}{title}已邀请{ctx.names(reached)}负责人{rule.role_zh}"
        en = f"{title_en} on {when} invited {ctx.names(reached, 'en')}"
    else:
        zh = f"{when}{title}邀请了{ctx.names(reached)}，未邀请{ctx.names(missing)}负责人{rule.role_zh}"
        en = f"{title_en} on {when} invited {ctx.names(reached, 'en')} but not {ctx.names(missing, 'en')}"
    if status == FindingStatus.RECORDED:
        zh += "；原文为“可视情邀请有关民主党派”，仅作记录"
        en += "; the text lets the government choose whom to invite: recorded only"
    return zh, en


def _response_rule(ctx: Context, trigger: str, day: dt.date) -> tuple[str, Response, Modality] | None:
    for prov, rule in ctx.district.rules(Response, day):
        if isinstance(rule, Response) and rule.trigger == trigger:
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
            status, zh, en = (FindingStatus.MET, f"{head}，{dept.name}已于{r.feedback.isoformat()}反馈情况",
                              f"{head_en}; answered on {r.feedback.isoformat()}")
        elif r.feedback is not None:
            status = FindingStatus.LATE
            zh = f"{head}，{dept.name}于{r.feedback.isoformat()}反馈，晚于{_deadline_zh(rule, due)}"
            en = f"{head_en}; answered on {r.feedback.isoformat()}, after {_deadline_en(rule, due)}"
        elif ctx.as_of > due:
            status = FindingStatus.UNANSWERED
            said = quote_zh(rule.sentence_zh)
            zh = (f"{head}，至{ctx.as_of.isoformat()}未反馈（{_deadline_zh(rule, due)}；原文要求“{said}”）" if local
                  else f"{head}，至{ctx.as_of.isoformat()}未反馈，不符合{prov.cite_zh()}“{said}”的要求")
            en = f"{head_en}; no feedback by {ctx.as_of.isoformat()} ({_deadline_en(rule, due)})"
        else:
            status, zh, en = (FindingStatus.OPEN, f"{head}，反馈期限{due.isoformat()}未到",
                              f"{head_en}; feedback is due by {due.isoformat()}")
        yield Finding(pid, rule.key, status, severity(status, modality, local_only=local), dept.id, (branch.id,),
                      (r.department, r.submitted_by), (r.received, due), f"{zh}（{pid}）。", f"{en} ({pid}).",
                      (r.id,), rule.describe_zh(), (rule.deadline_field,) if local else ())


def consultations(ctx: Context) -> Iterator[Finding]:
    """§1.1: whom each consultation asked, and — as information, not the parties' duty — who replied."""
    everyone = [o.id for o in ctx.district.counterparts()]
    for c, pid, rule, modality in _answerable(ctx, "consultations", "consultation"):
        prov = ctx.district.provision(pid)
        sender = c.sender or ctx.district.general_office().id
        not_asked = [o for o in everyone if o not in c.sent_to]
        if not_asked:
            zh = (f"《{c.subject}》征求意见未送{ctx.names(not_asked)}；{prov.cite_zh()}为“{quote_zh(rule.sentence_zh)}”"
                  f"（{prov.id}，{'根据需要' if modality == Modality.AS_NEEDED else '应'}）")
            en = f"consultation “{c.id}” did not go to {ctx.names(not_asked, 'en')} ({prov.id})"
            yield Finding(pid, rule.key, FindingStatus.SHORT, severity(FindingStatus.SHORT, prov.modality),
                          sender, tuple(not_asked), (sender,), (c.sent, c.sent), zh + "。", en + ".", (c.id,))
        yield _replies(ctx, c, pid, rule, sender)


def _replies(ctx: Context, c: object, pid: str, rule: Response, sender: str) -> Finding:
    from liaison.records import ConsultationRecord

    assert isinstance(c, ConsultationRecord)
    due = c.due or rule.due(c.sent, ctx.calendar)
    replied = {r.organisation: r.date for r in c.replies}
    late = [o for o in c.sent_to if o in replied and replied[o] > due]
    silent = [o for o in c.sent_to if o not in replied]
    parts_zh, parts_en = [], []
    if late:
        parts_zh.append("、".join(f"{ctx.name(o)}于{replied[o].isoformat()}答复" for o in late))
        parts_en.append(", ".join(f"{ctx.name(o, 'en')} replied on {replied[o].isoformat()}" for o in late))
    if silent and ctx.as_of > due:
        parts_zh.append(f"{ctx.names(silent)}至{ctx.as_of.isoformat()}未答复")
        parts_en.append(f"{ctx.names(silent, 'en')} had not replied by {ctx.as_of.isoformat()}")
    if late or (silent and ctx.as_of > due):
        status = FindingStatus.UNANSWERED if silent and ctx.as_of > due else FindingStatus.LATE
        deadline = f"答复期限{due.isoformat()}" + ("（本意见征求意见时约定）" if c.due else "（本区设定，原文未规定）")
        zh = (f"《{c.subject}》征求意见：{'；'.join(parts_zh)}，{deadline}。"
              "仅作记录：原文未规定民主党派、工商联的答复义务")
        en = f"consultation “{c.id}”: {'; '.join(parts_en)}; replies were due {due.isoformat()}. Information only"
    elif silent:
        status, zh, en = (FindingStatus.OPEN, f"《{c.subject}》征求意见答复期限{due.isoformat()}未到",
                          f"consultation “{c.id}”: replies are due by {due.isoformat()}")
    else:
        status = FindingStatus.MET
        zh, en = f"《{c.subject}》征求意见已收到全部答复", f"consultation “{c.id}”: every reply came in time"
    affected = tuple(late + silent)
    return Finding(pid, rule.key, status, severity(status, Modality.MAY), sender, affected, (sender,),
                   (c.sent, due), f"{zh}（{pid}）。", f"{en} ({pid}).", (c.id,), rule.describe_zh(),
                   () if c.due else (rule.deadline_field,))
