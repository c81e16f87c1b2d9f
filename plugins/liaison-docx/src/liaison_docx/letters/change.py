"""改期 and 取消 letters (函): for an engagement that moved or was cancelled after its invitation went
out, a letter to the same recipient naming the invitation's 文号, its date and both dates.

They are read from the year's letters (:meth:`liaison.numbering.LetterRegistry.history`), not from
what changed since the last export: every invitation ever issued for an engagement to a recipient,
oldest first, with this export's own — between two that announced different times a change letter
is owed, after the last of a cancelled engagement a cancellation letter. Their text rests only on
those records (the dates, times and title the invitations announced), so every later export
produces them again, identically, and they keep their numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from liaison.district import District
from liaison.engagements import Engagement, Plan, Status
from liaison.model import Organisation
from liaison.numbering import LetterRecord, LetterRegistry

from liaison_docx.letter import Letter, Paragraph, format_date
from liaison_docx.letters import wording as w
from liaison_docx.letters.draft import Draft, letter_key
from liaison_docx.letters.invitation import (
    event_noun,
    event_verb,
    invitees,
    invites,
    issuer_of,
    org_names,
    role_verb,
    roles,
)
from liaison_docx.titles import title_units

__all__ = ["cancellation_letter", "change_letter", "change_letters"]


def change_letters(district: District, plan: Plan, registry: LetterRegistry,
                   issued: Mapping[tuple[str, str], LetterRecord]) -> tuple[Draft, ...]:
    """Every change and cancellation letter the year's invitations call for. ``issued`` holds this
    export's invitations by (engagement, recipient)."""
    drafts: list[Draft] = []
    for e in plan.engagements:
        if not invites(e):
            continue
        issuer = issuer_of(district, e)
        by_role = roles(district, e)
        for org in invitees(district, e):
            chain = _chain(registry.history(e.id, org.id), issued.get((e.id, org.id)))
            verb = role_verb(by_role.get(org.id, ""))
            for old, new in itertools.pairwise(chain):
                if _moment(old) != _moment(new) and old.engagement_date is not None:
                    drafts.append(_draft("change", e, org, old, new, change_letter(district, e, org, issuer, old, new,
                                                                                     verb), issuer))
            if e.status == Status.CANCELLED and chain and chain[-1].engagement_date is not None:
                last = chain[-1]
                drafts.append(_draft("cancellation", e, org, last, None,
                                     cancellation_letter(district, e, org, issuer, last, verb), issuer))
    return tuple(drafts)


def _chain(history: Sequence[LetterRecord], current: LetterRecord | None) -> list[LetterRecord]:
    chain = list(history)
    if current is not None and all(r.doc_number != current.doc_number for r in chain):
        chain.append(current)
    return chain


def _moment(r: LetterRecord) -> tuple[object, object]:
    return r.engagement_date, r.engagement_start


def _draft(kind: str, e: Engagement, org: Organisation, old: LetterRecord, new: LetterRecord | None, letter: Letter,
           issuer: Organisation) -> Draft:
    assert old.engagement_date is not None
    label = "改期" if kind == "change" else "取消"
    announced = new if new is not None else old
    return Draft("change" if kind == "change" else "cancellation",
                 f"{old.engagement_date.isoformat()}-{e.kind.value}-{e.host}-{org.id}-{label}-{old.series}{old.serial}",
                 letter, e.id, org.id, letter_key(kind, e.id, org.id, old.doc_number), w.letter_series(issuer),
                 # a change letter goes out with the new invitation; a cancellation before the old date
                 deadline=None if new is not None else old.engagement_date,
                 engagement_date=announced.engagement_date, engagement_start=announced.engagement_start,
                 refers_to=old.doc_number)


def _title(e: Engagement, invited: LetterRecord) -> str:
    """The engagement as the invitation named it (its record), so a later retitle changes no letter
    already owed; records from before titles were kept fall back to the plan's title."""
    return w.text(invited.engagement_title or e.title_zh, f"plan.engagements[{e.id}].title_zh")


def _invited(district: District, e: Engagement, issuer: Organisation, old: LetterRecord, verb: str) -> str:
    """我办于2027年6月1日以区府办函〔2027〕3号邀请贵单位负责人出席原定于…召开的…."""
    assert old.engagement_date is not None
    title = _title(e, old)
    return (f"{w.self_reference(issuer)}于{format_date(old.date)}以{old.doc_number}邀请贵单位负责人{verb}原定于"
            f"{w.when(old.engagement_date, old.engagement_start, all_day='')}{event_verb(e)}的{title}。")


def change_letter(district: District, e: Engagement, invitee: Organisation, issuer: Organisation,
                  old: LetterRecord, new: LetterRecord, verb: str) -> Letter:
    """关于…改期的函 (关于调整…时间的函 when only the time moved)."""
    assert old.engagement_date is not None and new.engagement_date is not None
    title = _title(e, old)
    noun = event_noun(e)
    moment = w.when(new.engagement_date, new.engagement_start, all_day="")
    if new.engagement_date != old.engagement_date:
        moved = f"经研究，该{noun}改于{moment}{event_verb(e)}。"
        heading, units = f"关于{title}改期的函", ("关于", *title_units(title, org_names(district)), "改期", "的函")
    else:
        moved = f"经研究，该{noun}时间调整为{moment}。"
        heading, units = (f"关于调整{title}时间的函",
                          ("关于", "调整", *title_units(title, org_names(district)), "时间", "的函"))
    body = (Paragraph(_invited(district, e, issuer, old, verb)),
            Paragraph(f"{moved}有关事项以{new.doc_number}为准，回执请按该函反馈。"),
            Paragraph("特此函告。"))
    issuer_name = w.full_name(district, issuer)
    return Letter(kind="letter", issuing_authority_mark=issuer_name, doc_number=None, title=heading,
                  recipients=w.name(invitee), body=body, signature=issuer_name, date=new.date, title_units=units)


def cancellation_letter(district: District, e: Engagement, invitee: Organisation, issuer: Organisation,
                        old: LetterRecord, verb: str) -> Letter:
    """关于…取消的函."""
    title = _title(e, old)
    body = (Paragraph(_invited(district, e, issuer, old, verb)),
            Paragraph(f"经研究，该{event_noun(e)}取消，原邀请函不再执行。"),
            Paragraph("特此函告。"))
    issuer_name = w.full_name(district, issuer)
    return Letter(kind="letter", issuing_authority_mark=issuer_name, doc_number=None, title=f"关于{title}取消的函",
                  recipients=w.name(invitee), body=body, signature=issuer_name, date=old.date,
                  title_units=("关于", *title_units(title, org_names(district)), "取消", "的函"))
