"""改期 and 取消 letters (函): for an engagement that moved or was cancelled after its invitation went
out, a letter to the same recipient naming the invitation's 文号, its date and both dates.

They are read from the year's letters (:meth:`liaison.year.numbering.LetterRegistry.history`), not from
what changed since the last export: every invitation ever issued for an engagement to a recipient,
oldest first, with this export's own — between two that announced different times a change letter
is owed, after the last of a cancelled engagement a cancellation letter, but only where the earlier
invitation had gone out by the day of the change (its 成文日期 on or before it). Their text rests only on
those records (the dates, times and title the invitations announced), so every later export
produces them again, identically, and they keep their numbers.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence

from liaison.base.errors import Id, LiaisonError
from liaison.law.district import District
from liaison.law.model import Organisation
from liaison.year.engagements import Engagement, Plan, Status
from liaison.year.numbering import LetterRecord, LetterRegistry
from liaison.year.store import Note

from liaison_docx.letter_model import Letter, Paragraph, format_date
from liaison_docx.letters import wording as w
from liaison_docx.letters.draft import Draft, letter_key
from liaison_docx.letters.invitation import (
    event_noun,
    event_verb,
    invitees,
    invites,
    issuer_of,
    org_matcher,
    role_verb,
    roles,
)
from liaison_docx.titles import title_units

__all__ = ["cancellation_letter", "change_letter", "change_letters", "past_notes"]


def change_letters(district: District, plan: Plan, registry: LetterRegistry,
                   issued: Mapping[tuple[str, str], LetterRecord],
                   issued_on: dt.date | None = None,
                   past: list[tuple[Engagement, LetterRecord]] | None = None) -> tuple[Draft, ...]:
    """Every change and cancellation letter the year's invitations call for. ``issued`` holds this
    export's invitations by (engagement, recipient); ``issued_on`` is the day of this export.

    No cancellation letter goes out about a meeting whose day has passed (dropped from the events
    file, or its invitee no longer paired, after it was held or missed): there is nothing left to
    call off. Its invitations stand as sent; ``past`` (when given) receives each one, the first
    time an export finds it so, for :func:`past_notes`.

    A change or cancellation letter is owed only for an invitation that had gone out: one whose
    成文日期 is on or before the day of the change, which is the letter's own 成文日期 — the day of the
    export that replaced or cancelled it (without a day, the new invitation's date, or the old one's
    for a cancellation). An invitation replaced before its date was never sent: it is archived and
    its successor carries a new number, with no change letter. The decision is taken once, by the
    export that makes the change; later exports reproduce the letters it wrote (their records) and
    write none it did not."""
    drafts: list[Draft] = []
    for e in plan.engagements:
        if not invites(e):
            continue
        issuer = issuer_of(district, e)
        by_role = roles(district, e)
        invited = invitees(district, e)
        # those invited before and no longer (an amendment ended the pairing that brought them): their
        # invitation is withdrawn, and they are told so, as for a cancelled meeting
        asked = {o.id for o in invited}
        dropped = [o for o in (_known(district, r) for r in registry.recipients(e.id) if r not in asked) if o]
        for org in (*invited, *dropped):
            current = issued.get((e.id, org.id))
            chain = _chain(registry.history(e.id, org.id), current)
            verb = role_verb(by_role.get(org.id, ""))
            for old, new in itertools.pairwise(chain):
                # a cancelled meeting reinstated: the letter says so, naming the cancellation, even
                # when the day is the one first announced
                cancelled = registry.latest(letter_key("cancellation", e.id, org.id, old.doc_number))
                if (_moment(old) == _moment(new) and cancelled is None) or old.engagement_date is None:
                    continue
                day = _owed(registry, letter_key("change", e.id, org.id, old.doc_number), old,
                            (issued_on or new.date) if new is current else None)
                if day is not None:
                    drafts.append(_draft("change", e, org, old, new,
                                         change_letter(district, e, org, issuer, old, new, verb, day,
                                                       cancelled=cancelled), issuer,
                                         label="恢复" if cancelled is not None else "改期"))
            uninvited = org.id not in asked and e.status != Status.CANCELLED
            if (e.status == Status.CANCELLED or uninvited) and chain and chain[-1].engagement_date is not None:
                last = chain[-1]
                now = last is current or last.active  # the invitation of the latest export: cancelled now
                earlier = registry.latest(letter_key("cancellation", e.id, org.id, last.doc_number))
                if earlier is None and issued_on is not None and last.engagement_date is not None \
                        and last.engagement_date < issued_on:
                    if now and not last.standing and past is not None:  # said once, by the export that finds it
                        past.append((e, last))
                    continue
                if earlier is not None or (now and (issued_on is None or last.date <= issued_on)):
                    # dated the day of the cancellation (without a day, the invitation's date); the
                    # one an earlier export wrote keeps its date
                    day = earlier.date if earlier is not None else (issued_on or last.date)
                    drafts.append(_draft("cancellation", e, org, last, None,
                                         cancellation_letter(district, e, org, issuer, last, verb, day,
                                                             uninvited=uninvited), issuer))
    return tuple(drafts)


def past_notes(district: District, year: int, past: Sequence[tuple[Engagement, LetterRecord]]) -> tuple[Note, ...]:
    """One note per meeting whose day had passed when it was cancelled (or dropped from the events
    file) or some of its invitees dropped: no cancellation letter was written (:func:`change_letters`),
    its invitations stand as sent. The note says what the clerk has to do: the meeting was held on its
    day or it was not — record it as held (``liaison plan --held``), or in the ledger that it was not
    and why. It names the invitations (:attr:`Note.letters`), so the export tells no note of its own
    for each (whose “withdraw it by a letter of its own” does not fit a meeting gone by)."""
    by_meeting: dict[str, tuple[Engagement, list[LetterRecord]]] = {}
    for e, invited in past:
        by_meeting.setdefault(e.id, (e, []))[1].append(invited)
    return tuple(_past_note(district, year, e, found) for e, found in by_meeting.values())


def _past_note(district: District, year: int, e: Engagement, found: Sequence[LetterRecord]) -> Note:
    first = found[0]
    assert first.engagement_date is not None
    day, title = first.engagement_date.isoformat(), first.engagement_title or first.engagement
    title_en = e.title_en or title
    numbers = tuple(r.doc_number for r in found)
    listed_en, listed_zh = ", ".join(numbers), "、".join(numbers)
    held = f"liaison plan --year {year} --out DIR --held {e.id}"
    if e.status == Status.CANCELLED:
        return Note(
            f"{title_en} ({day}) is cancelled (or dropped from the events file) after its day: it was held on that day "
            f"or it was not, and nothing is left to call off, so no cancellation letter goes out; its invitations "
            f"({listed_en}) stand as sent",
            f"{title}（{day}）在会议日期之后被取消（或从活动清单中删除）：会议当天已经召开或没有召开，已无可取消，"
            f"不再发取消函；邀请函（{listed_zh}）按原样保留",
            fix=f"if it was held on {day}, record it as held: {held} --force (it then stays held, whatever the events "
                "file says); if it was not, enter it in the ledger's 会议走访 sheet with 是否召开 否 and the reason "
                "under 备注",
            fix_zh=f"如会议已于{day}召开，请记为已召开：{held} --force（此后不论活动清单如何，均保持已召开）；"
                   "如未召开，请在台账“会议走访”表中补记该会议，是否召开填“否”，并在备注中写明原因",
            letters=numbers)
    ids = tuple(dict.fromkeys(r.recipient for r in found))
    names_en, names_zh = district.names_of(ids, lang="en"), district.names_of(ids)
    if e.status == Status.HELD:
        fix = f"enter in the ledger's 会议走访 sheet who attended {title_en} (参加单位)"
        fix_zh = f"请在台账“会议走访”表中如实填写{title}的参加单位"
    else:
        fix = (f"if it was held on {day}, record it as held ({held}) and enter who attended in the ledger's 会议走访 "
               "sheet; if it was not, enter it there with 是否召开 否 and the reason under 备注")
        fix_zh = (f"如会议已于{day}召开，请记为已召开（{held}），并在台账“会议走访”表中如实填写参加单位；"
                  "如未召开，请在该表中填是否召开“否”，并在备注中写明原因")
    return Note(
        f"{title_en} ({day}) no longer invites {names_en}, but its day has passed: nothing is left to call off, so no "
        f"cancellation letter goes out; their invitations ({listed_en}) stand as sent",
        f"{title}（{day}）不再邀请{names_zh}，但会议日期已过：已无可取消，不再发取消函；邀请函（{listed_zh}）按原样保留",
        fix=fix, fix_zh=fix_zh, letters=numbers)


def _known(district: District, org_id: str) -> Organisation | None:
    """The organisation of an id the register holds, or None when the data no longer has it."""
    try:
        return district.organisation(org_id)
    except LiaisonError:
        return None


def _owed(registry: LetterRegistry, key: str, invited: LetterRecord, today: dt.date | None) -> dt.date | None:
    """The 成文日期 of the change letter owed about ``invited``, or None if none is:
    the date of the one an earlier export wrote; else, for a change made now (``today``, the day of
    the change), that day if the invitation had gone out by then."""
    earlier = registry.latest(key)
    if earlier is not None:
        return earlier.date
    if today is not None and invited.date <= today:
        return today
    return None


def _chain(history: Sequence[LetterRecord], current: LetterRecord | None) -> list[LetterRecord]:
    chain = list(history)
    if current is not None and all(r.doc_number != current.doc_number for r in chain):
        chain.append(current)
    return chain


def _moment(r: LetterRecord) -> tuple[object, object]:
    return r.engagement_date, r.engagement_start


def _draft(kind: str, e: Engagement, org: Organisation, old: LetterRecord, new: LetterRecord | None, letter: Letter,
           issuer: Organisation, label: str = "取消") -> Draft:
    assert old.engagement_date is not None
    announced = new if new is not None else old
    return Draft(kind="change" if kind == "change" else "cancellation",
                 # the file ends with the letter's own number (…-取消-区府办函28), not the invitation's:
                 # a clerk looks a letter up by its 文号; the invitation's is in the text
                 name=f"{old.engagement_date.isoformat()}-{e.kind.value}-{e.host}-{org.id}-{label}", own_number=True,
                 letter=letter, subject=e.id, recipient=org.id, key=letter_key(kind, e.id, org.id, old.doc_number),
                 series=w.letter_series(issuer),  # dated the day of the change, the day it goes out
                 issuer=issuer.id, provisions=tuple(e.provisions[:1]),  # the invitation's basis

                 engagement_date=announced.engagement_date, engagement_start=announced.engagement_start,
                 refers_to=old.doc_number)


def _title(e: Engagement, invited: LetterRecord) -> str:
    """The engagement as the invitation named it (its record), so a later retitle changes no letter
    already owed; records from before titles were kept fall back to the plan's title."""
    return w.text(invited.engagement_title or e.title_zh, ("plan", "engagements", Id(e.id), "title_zh"))


def _invited(district: District, e: Engagement, issuer: Organisation, old: LetterRecord, verb: str) -> str:
    """我办于2027年6月1日以区府办函〔2027〕3号邀请贵单位负责人出席原定于…召开的…."""
    assert old.engagement_date is not None
    title = _title(e, old)
    return (f"{w.self_reference(issuer)}于{format_date(old.date)}以{old.doc_number}邀请贵单位负责人{verb}原定于"
            f"{w.when(old.engagement_date, old.engagement_start, all_day='')}{event_verb(e)}的{title}。")


def change_letter(district: District, e: Engagement, invitee: Organisation, issuer: Organisation,
                  old: LetterRecord, new: LetterRecord, verb: str, date: dt.date | None = None, *,
                  cancelled: LetterRecord | None = None) -> Letter:
    """关于…改期的函 (关于调整…时间的函 when only the time moved), dated ``date`` (the day of the
    change; default the new invitation's date). With ``cancelled`` (the letter that cancelled the
    meeting ``old`` invited to) 关于恢复举行…的函: the meeting is on again, and the letter names the
    cancellation, so the recipient holding it is not left to guess which letter stands."""
    assert old.engagement_date is not None and new.engagement_date is not None
    title = _title(e, old)
    noun = event_noun(e)
    moment = w.when(new.engagement_date, new.engagement_start, all_day="")
    if cancelled is not None:
        invited = _invited(district, e, issuer, old, verb).removesuffix("。")
        again = f"{'仍' if _moment(old) == _moment(new) else '改'}于{moment}{event_verb(e)}"
        # the cancellation withdrew the invitation only (关于取消…邀请的函): the meeting went on, the
        # recipient is asked again; else the meeting itself is on again
        uninvited = cancelled.title.endswith("邀请的函")
        told = f"贵单位不再{verb}该{noun}" if uninvited else f"该{noun}取消"
        now = f"恢复邀请贵单位负责人{verb}该{noun}，{noun}{again}" if uninvited else f"该{noun}恢复举行，{again}"
        body = (Paragraph(f"{invited}，又于{format_date(cancelled.date)}以{cancelled.doc_number}函告{told}。"),
                Paragraph(f"经研究，{now}。有关事项以{new.doc_number}为准，"
                          f"{cancelled.doc_number}不再执行，回执请按{new.doc_number}反馈。"),
                Paragraph("特此函告。"))
        verb_units = ("恢复", "邀请", verb) if uninvited else ("恢复举行",)
        heading = f"关于{''.join(verb_units)}{title}的函"
        units = ("关于", *verb_units, *title_units(title, org_matcher(district)), "的函")
    elif new.engagement_date != old.engagement_date:
        moved = f"经研究，该{noun}改于{moment}{event_verb(e)}。"
        heading, units = f"关于{title}改期的函", ("关于", *title_units(title, org_matcher(district)), "改期", "的函")
    else:
        moved = f"经研究，该{noun}时间调整为{moment}。"
        heading, units = (f"关于调整{title}时间的函",
                          ("关于", "调整", *title_units(title, org_matcher(district)), "时间", "的函"))
    if cancelled is None:
        body = (Paragraph(_invited(district, e, issuer, old, verb)),
                Paragraph(f"{moved}有关事项以{new.doc_number}为准，回执请按该函反馈。"),
                Paragraph("特此函告。"))
    issuer_name = w.full_name(district, issuer)
    return Letter(kind="letter", issuing_authority_mark=issuer_name, doc_number=None, title=heading,
                  recipients=w.name(invitee), body=body, signature=issuer_name, date=date or new.date,
                  title_units=units)


def cancellation_letter(district: District, e: Engagement, invitee: Organisation, issuer: Organisation,
                        old: LetterRecord, verb: str, date: dt.date | None = None, *,
                        uninvited: bool = False) -> Letter:
    """关于取消…的函 (verb first, as offices title it: 关于取消…座谈会的函, not …座谈会取消的函), dated
    ``date`` (the day of the cancellation; default the invitation's date). ``uninvited``: the meeting
    goes ahead without the recipient (an amendment ended the pairing that invited it): 关于取消…邀请的函,
    the invitation, not the meeting, withdrawn."""
    title = _title(e, old)
    noun = event_noun(e)
    said = f"贵单位不再{verb}该{noun}" if uninvited else f"该{noun}取消"
    said = f"经研究，{said}，原邀请函不再执行。"
    tail = ("邀请", "的函") if uninvited else ("的函",)
    body = (Paragraph(_invited(district, e, issuer, old, verb)), Paragraph(said), Paragraph("特此函告。"))
    issuer_name = w.full_name(district, issuer)
    return Letter(kind="letter", issuing_authority_mark=issuer_name, doc_number=None,
                  title=f"关于取消{title}{''.join(tail)}", recipients=w.name(invitee), body=body,
                  signature=issuer_name, date=date or old.date,
                  title_units=("关于", "取消", *title_units(title, org_matcher(district)), *tail))
