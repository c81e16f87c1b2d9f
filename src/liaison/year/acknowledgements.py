"""What a party branch or the ICF has to acknowledge in a year, and whether an acknowledgement
(:class:`liaison.law.acknowledgements.Acknowledgement`) answers something that was sent to it.

Three kinds of item are addressed to a counterpart:

- a **document** of the records copied to it (``copied_to``; a department copied acknowledges
  nothing here): sent by its issuer, under the copying
  rule in force on the document's day (the provision that puts the body on the cc list, else the
  rule's provision for the issuer and the kind);
- an **invitation** to an engagement of the plan it takes part in (a participant or a guest, never
  the host; a visit invites nobody): its 回执, once the date is agreed (a proposed date is still to
  agree) and until the day; sent by the host, under the engagement's provision;
- the **feedback** on a research result it submitted, once given: sent by the department, under the
  response rule in force on the day the result was received.

The regulation names no day to acknowledge by: an item is listed as due on the day it came (the
document's day, the feedback's) or, for an invitation, on the engagement's day, and says so
(``basis`` ``local``: the office's practice, not the text). Pure: the caller gives the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import attrs

from liaison.base.errors import DataError, LiaisonError
from liaison.law.acknowledgements import Acknowledged, Acknowledgement
from liaison.law.district import District
from liaison.law.records import Records
from liaison.law.rules import EngagementKind, Response
from liaison.year.engagements import Plan, Status

__all__ = ["Addressed", "acknowledged", "addressed", "checked", "find", "to_acknowledge", "to_acknowledge_by_body"]


@attrs.frozen(kw_only=True)
class Addressed:
    """One item sent to counterparts: what and which (``of``, ``item``), who sent it, to whom, the
    day it came (an invitation's: the engagement's day), the provision it was sent under and what
    it is called."""

    of: Acknowledged
    item: str
    sender: str
    addressees: tuple[str, ...]
    day: dt.date
    provision: str
    title: str


def _documents(district: District, records: Records) -> Iterator[Addressed]:
    for d in records.documents:
        if not d.id or not d.copied_to:
            continue
        try:
            cc = district.cc_list(d.issuer, d.date, d.kind)
        except LiaisonError:  # a kind no rule knows: copied all the same, under no provision to cite
            continue
        by_rule = {r.organisation.id: r.provisions for r in cc.recipients}
        fallback = cc.provisions
        # the counterparts it was copied to acknowledge it; a department copied is no counterpart
        for org in dict.fromkeys(o.id for o in map(district.organisation, d.copied_to) if o.is_counterpart):
            cited = by_rule.get(org) or fallback
            if cited:
                yield Addressed(of=Acknowledged.DOCUMENT, item=d.id, sender=district.organisation(d.issuer).id,
                                addressees=(org,), day=d.date, provision=cited[0], title=d.title or d.id)


def _invitations(district: District, plan: Plan) -> Iterator[Addressed]:
    for e in plan.engagements:
        if e.status != Status.AGREED or not e.provisions or e.kind == EngagementKind.VISIT:
            continue
        invited = [o for o in dict.fromkeys((*e.participants, *(g.organisation for g in e.guests)))
                   if o != e.host and district.organisation(o).is_counterpart]
        if invited:
            yield Addressed(of=Acknowledged.INVITATION, item=e.id, sender=e.host, addressees=tuple(invited),
                            day=e.date, provision=e.provisions[0], title=e.title_zh)


def _feedback(district: District, records: Records) -> Iterator[Addressed]:
    for r in records.research_results:
        if r.feedback is None:
            continue
        rule = next((p for p, resp in district.rules(Response, r.received) if resp.trigger == "research_result"),
                    None)
        if rule is not None:
            yield Addressed(of=Acknowledged.FEEDBACK, item=r.id, sender=district.organisation(r.department).id,
                            addressees=(district.organisation(r.submitted_by).id,), day=r.feedback,
                            provision=rule.id, title=r.title)


def addressed(district: District, plan: Plan, records: Records) -> tuple[Addressed, ...]:
    """Every item of the year sent to counterparts, one per item and addressee set (a document once
    per body it was copied to: each may be under its own provision)."""
    return (*_documents(district, records), *_invitations(district, plan), *_feedback(district, records))


def find(district: District, plan: Plan, records: Records, of: Acknowledged, item: str) -> tuple[Addressed, ...]:
    """The sendings of ``item`` (of the kind ``of``): none when the year has no such item sent."""
    return tuple(a for a in addressed(district, plan, records) if a.of == of and a.item == item)


def acknowledged(acknowledgements: Iterable[Acknowledgement], as_of: dt.date) -> set[tuple[Acknowledged, str, str]]:
    """What was acknowledged by ``as_of``: (what, which, by whom)."""
    return {(a.of, a.item, a.organisation) for a in acknowledgements if a.date <= as_of}


def to_acknowledge(district: District, plan: Plan, records: Records, acknowledgements: Iterable[Acknowledgement],
                   body: str, as_of: dt.date) -> tuple[Addressed, ...]:
    """The items sent to ``body`` (an id) by ``as_of`` that it has not acknowledged: documents and
    feedback that came on or before the day, invitations to engagements still to come."""
    return to_acknowledge_by_body(district, plan, records, acknowledgements, as_of).get(body, ())


def to_acknowledge_by_body(district: District, plan: Plan, records: Records,
                           acknowledgements: Iterable[Acknowledgement], as_of: dt.date
                           ) -> dict[str, tuple[Addressed, ...]]:
    """:func:`to_acknowledge` of every body at once, keyed by its id (the year's items gathered once,
    not once per body: every body's to-do list in one pass)."""
    done = acknowledged(acknowledgements, as_of)
    found: dict[str, list[Addressed]] = {}
    for a in addressed(district, plan, records):
        if not (a.day >= as_of if a.of == Acknowledged.INVITATION else a.day <= as_of):
            continue
        for body in dict.fromkeys(a.addressees):
            if (a.of, a.item, body) not in done:
                found.setdefault(body, []).append(a)
    return {body: tuple(items) for body, items in found.items()}


def checked(district: District, plan: Plan, records: Records, acknowledgement: Acknowledgement) -> Addressed:
    """The item ``acknowledgement`` answers, sent to its organisation: else a :class:`DataError` at the
    field at fault (an item the year has not sent, or not to that body)."""
    found = find(district, plan, records, acknowledgement.of, acknowledgement.item)
    what = acknowledgement.of.value
    if not found:
        raise DataError(f"the year has no {what} {acknowledgement.item!r} sent to anyone",
                        file="acknowledgement", path=("item",),
                        fix="name a document copied to the body, an engagement it is invited to (its date agreed) "
                            "or research it submitted that has feedback",
                        message_zh=f"本年度没有发出过{what}“{acknowledgement.item}”",
                        fix_zh="请填写抄送给本单位的文件、邀请本单位且日期已商定的活动，或已有反馈的本单位调研成果")
    body = district.organisation(acknowledgement.organisation).id
    mine = [a for a in found if body in a.addressees]
    if not mine:
        raise DataError(f"{what} {acknowledgement.item!r} was not sent to {body}", file="acknowledgement",
                        path=("organisation",), fix="acknowledge only what was sent to the body",
                        message_zh=f"{what}“{acknowledgement.item}”未发给{body}", fix_zh="只能签收发给本单位的事项")
    return mine[0]
