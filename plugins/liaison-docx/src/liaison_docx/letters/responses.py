"""The letters of the response rules (``Response`` in the data): 征求意见函 for each consultation
sent (§1.1 in the seed) and 调研成果反馈函 for each research result answered (§1.3 in the seed).

The provision a letter rests on is the one whose response rule has the letter's trigger; a district
without such a rule gets letters without a basis sentence, never a guessed provision. A reply
deadline the rule sets only by the district's choice (the seed's 15 and 30 days) may be stated as a
date, never as what the regulation requires.
"""

from __future__ import annotations

import datetime as dt

from liaison.base.errors import ExportError, Location, Path
from liaison.law.district import District
from liaison.law.model import Organisation
from liaison.law.records import ConsultationRecord, Records, ResearchResult
from liaison.law.rules import Provision, Response
from liaison.law.workdays import WorkingDayCalendar, default_calendar
from liaison.year.engagements import Plan

from liaison_docx.letter_model import Attachment, Block, Letter, Paragraph, format_date
from liaison_docx.letters import wording as w
from liaison_docx.letters.draft import Draft, letter_key
from liaison_docx.letters.invitation import org_matcher
from liaison_docx.titles import title_units

__all__ = ["consultation_letter", "consultations", "feedback_letter", "feedback_letters", "standard_feedback"]


def _response(district: District, trigger: str, as_of: dt.date) -> tuple[Provision, Response] | None:
    for prov, rule in district.rules(Response, as_of):
        if rule.trigger == trigger:
            return prov, rule
    return None


def _basis(district: District, trigger: str, as_of: dt.date) -> tuple[str, ...]:
    """The provision a response letter's basis sentence cites (none without a rule: never guessed)."""
    found = _response(district, trigger, as_of)
    return (found[0].id,) if found is not None else ()


# -- 征求意见函 ---------------------------------------------------------------------------------------------

def consultations(district: District, plan: Plan, records: Records | None,
                  calendar: WorkingDayCalendar | None = None) -> tuple[Draft, ...]:
    """One 征求意见函 per recipient of each consultation sent in the plan's year, dated the day it was
    sent, in the sender's 函 series."""
    if records is None:
        return ()
    drafts: list[Draft] = []
    for i, rec in enumerate(records.consultations):
        if rec.sent.year != plan.year:
            continue
        sender = district.organisation(rec.sender) if rec.sender else district.general_office()
        for org_id in rec.sent_to:
            org = district.organisation(org_id)
            letter = consultation_letter(district, rec, org, sender=sender, index=i, records=records,
                                         calendar=calendar)
            drafts.append(Draft(kind="consultation", name=f"{rec.sent.isoformat()}-{rec.id}-{org.id}", letter=letter,
                                subject=rec.id, recipient=org.id, issuer=sender.id,
                                provisions=_basis(district, "consultation", rec.sent),
                                key=letter_key("consultation", rec.id, org.id), series=w.letter_series(sender)))
    return tuple(drafts)


def consultation_letter(district: District, rec: ConsultationRecord, recipient: Organisation, *,
                        sender: Organisation, index: int = 0, records: Records | None = None,
                        calendar: WorkingDayCalendar | None = None) -> Letter:
    """关于征求《…》意见的函 with the draft as its 附件 (sent with the letter, so named only)."""
    document, stage = w.document_name(w.text(rec.subject, ("records", "consultations", index, "subject")))
    found = _response(district, "consultation", rec.sent)
    due = rec.due
    if due is None and found is not None:
        due = found[1].due(rec.sent, calendar or default_calendar())
    grounds = w.basis(district, found[0], found[1]) if found is not None else ""
    sender_name = w.full_name(district, sender)
    reply = f"请于{format_date(due)}前" if due is not None else "请及时"
    body: list[Block] = [Paragraph(f"{grounds}现将{document}{stage}送上，请贵单位研究。如有意见建议，"
                                   f"{reply}书面反馈{sender_name}。")]
    lines = w.contact(district, [sender], rec.sent, records, writer=sender)
    body += [Paragraph(line) for line in lines]
    body.append(Paragraph("特此函告。"))
    return Letter(kind="letter", issuing_authority_mark=sender_name, doc_number=None,
                  title=f"关于征求{document}意见的函", recipients=w.name(recipient), body=tuple(body),
                  signature=sender_name, date=rec.sent, attachments=(Attachment(document + stage, ()),),
                  title_units=("关于", "征求", *title_units(document, org_matcher(district)), "意见", "的函"))


# -- 调研成果反馈函 -----------------------------------------------------------------------------------------

def standard_feedback(department: Organisation) -> str:
    """What a feedback letter says when the record gives no summary."""
    me = w.self_reference(department)
    return (f"{me}组织有关科室对调研成果进行了认真研究。成果中提出的意见建议对做好相关工作具有重要参考价值，"
            f"{me}将在今后工作中认真研究吸收。")


def feedback_letters(district: District, plan: Plan, records: Records | None) -> tuple[Draft, ...]:
    """One feedback letter per research result answered in the plan's year, dated the feedback date,
    in the answering department's 函 series."""
    if records is None:
        return ()
    drafts: list[Draft] = []
    for i, res in enumerate(records.research_results):
        if res.feedback is None or res.feedback.year != plan.year:
            continue
        dept = district.organisation(res.department)
        letter = feedback_letter(district, res, index=i, records=records)
        drafts.append(Draft(kind="feedback", name=f"{res.feedback.isoformat()}-{res.id}", letter=letter, subject=res.id,
                            recipient=district.organisation(res.submitted_by).id, key=letter_key("feedback", res.id),
                            series=w.letter_series(dept), issuer=dept.id,
                            provisions=_basis(district, "research_result", res.received)))
    return tuple(drafts)


def feedback_letter(district: District, res: ResearchResult, *, index: int = 0,
                    records: Records | None = None) -> Letter:
    """关于…反馈意见的函: the title names the result without its 书名号 or a second 关于 (a title
    puts 书名号 round the names of laws and rules only, in common 公文 practice); the body names it in
    full."""
    where: Path = ("records", "research_results", index)
    if res.feedback is None:
        raise ExportError("a feedback letter needs the feedback date", path=Location.inside(*where, "feedback"),
                          message_zh="反馈意见函需要反馈日期")
    dept = district.organisation(res.department)
    branch = district.organisation(res.submitted_by)
    document, _stage = w.document_name(w.text(res.title, (*where, "title")))
    topic = document[1:-1].removeprefix("关于")
    found = _response(district, "research_result", res.received)
    grounds = w.basis(district, found[0], found[1]) if found is not None else ""
    summary = w.text(res.feedback_summary, (*where, "feedback_summary"), single_line=False).strip()
    # Each paragraph the ledger gives ends as a sentence before the letter's own is added (#24).
    paragraphs = [w.full_sentence(p) for p in summary.splitlines() if p.strip()] or [standard_feedback(dept)]
    paragraphs[-1] += f"感谢贵单位对{w.self_reference(dept)}工作的关心和支持。"
    body: list[Block] = [
        Paragraph(f"贵单位于{format_date(res.received)}报送的{document}收悉。{grounds}现将有关情况反馈如下："),
        *(Paragraph(p) for p in paragraphs),
    ]
    lines = w.contact(district, [dept], res.feedback, records, writer=dept)
    body += [Paragraph(line) for line in lines]
    body.append(Paragraph("特此函复。"))
    dept_name = w.full_name(district, dept)
    return Letter(kind="letter", issuing_authority_mark=dept_name, doc_number=None,
                  title=f"关于{topic}反馈意见的函", recipients=w.name(branch), body=tuple(body),
                  signature=dept_name, date=res.feedback,
                  title_units=("关于", *title_units(topic, org_matcher(district)), "反馈", "意见", "的函"))
