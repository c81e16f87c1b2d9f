"""邀请函 (信函格式, 函 series of the issuing body) with its 回执: one per invited party branch or ICF
of every meeting or event that invites them. The general office writes for the government's
engagements, a department for its own; the provision cited (its article and heading) is the one the
engagement carries out. Short enough for page 1 with its 落款 (docs/letters.md, "One page for a short
函")."""

from __future__ import annotations

import datetime as dt
import functools
import weakref
from collections.abc import Callable

from liaison.base.errors import Id
from liaison.law.district import District
from liaison.law.model import GOVERNMENT_KINDS, Organisation
from liaison.law.records import Records
from liaison.law.rules import EVENT_KINDS, EngagementKind
from liaison.law.workdays import WorkingDayCalendar
from liaison.year.engagements import Engagement, Plan, Status

from liaison_docx.composition import fits_page_one
from liaison_docx.letter_model import Attachment, FontSet, Letter, Paragraph, Table, format_date
from liaison_docx.letters import wording as w
from liaison_docx.letters.draft import Draft, letter_key
from liaison_docx.measures import Measures
from liaison_docx.package import template
from liaison_docx.titles import Names, title_units

__all__ = ["event_noun", "event_verb", "invitation_letter", "invitations", "invitees", "invites", "issuer_of",
           "org_matcher", "org_names", "role_verb", "roles"]

#: A visit is the department going to its counterpart: nobody is invited to it.
_NOT_INVITING = frozenset({EngagementKind.VISIT})
_EVENT_VERB = {EngagementKind.MAJOR_EVENT: "举行", EngagementKind.INSPECTION: "开展"}
_EVENT_NOUN = {EngagementKind.MAJOR_EVENT: "活动", EngagementKind.INSPECTION: "检查工作"}
INVITATION_LEAD_DAYS = 14  # an invitation goes out two weeks ahead
REPLY_DAYS = 7  # the 回执 comes back a week ahead


def invites(e: Engagement) -> bool:
    return e.kind not in _NOT_INVITING


def event_verb(e: Engagement) -> str:
    return _EVENT_VERB.get(e.kind, "召开")


def event_noun(e: Engagement) -> str:
    return _EVENT_NOUN.get(e.kind, "会议")


def issuer_of(district: District, e: Engagement) -> Organisation:
    """Who writes: the general office for an engagement of the government, else its host."""
    host = district.organisation(e.host)
    return district.general_office() if host.kind in GOVERNMENT_KINDS else host


def invitees(district: District, e: Engagement) -> list[Organisation]:
    """The party branches and the ICF among the participants (never the host: a branch's own event is
    not ours to invite to), then those of the guests (§1.2 民主党派成员中有关方面的人士), in order."""
    ids = dict.fromkeys([*e.participants, *(g.organisation for g in e.guests)])
    return [o for o in (district.organisation(i) for i in ids) if o.is_counterpart and o.id != e.host]


def roles(district: District, e: Engagement) -> dict[str, str]:
    """列席 / 参加 / 座谈 by invitee, from the invitation rules in the data (none for a kind without
    an invitation rule, such as the meetings a cadence asks for)."""
    if e.kind not in EVENT_KINDS:
        return {}
    host = district.organisation(e.host)
    found = district.invitees(e.kind, e.date, None if host.kind in GOVERNMENT_KINDS else host)
    return {r.organisation.id: r.role_zh for r in found.recipients}


def role_verb(role: str) -> str:
    return role if role in ("列席", "参加") else "出席"


def org_names(district: District) -> list[str]:
    """The district's name and every name an organisation goes by, for keeping them whole in titles."""
    return [district.info.name, *(n for o in district.organisations for n in (o.name, o.short_name, *o.aliases))]


_MATCHERS: dict[int, tuple[weakref.ref[District], Names]] = {}


def org_matcher(district: District) -> Names:
    """:func:`org_names` as one matcher, built once per district object and dropped with it: every
    letter's title is split with it, and building it per title cost time in the number of names."""
    held = _MATCHERS.get(id(district))
    if held is not None and held[0]() is district:
        return held[1]
    key = id(district)
    matcher = Names(org_names(district))
    _MATCHERS[key] = (weakref.ref(district, lambda _: _MATCHERS.pop(key, None)), matcher)
    return matcher


def invitations(district: District, plan: Plan, *, records: Records | None = None,
                calendar: WorkingDayCalendar | None = None, measures: Measures | None = None) -> tuple[Draft, ...]:
    """One invitation per invited counterpart of every engagement that invites and is not cancelled,
    dated two weeks ahead (or the day of issue, when later: ``Draft.on_day`` words it for that day,
    its 回执 asking for no day before it). ``calendar`` is what the export knows of the holidays: a
    letter issued by it says the year's notice is unpublished only when it is. ``measures``: the
    export's (its texts measured once for all its letters), else the call's own."""
    measures = measures if measures is not None else Measures()
    drafts: list[Draft] = []
    for e in plan.engagements:
        if e.status == Status.CANCELLED or not invites(e):
            continue
        issuer = issuer_of(district, e)
        by_role = roles(district, e)
        for org in invitees(district, e):
            make = functools.partial(
                invitation_letter, district, e, org, issuer=issuer, role=by_role.get(org.id, ""), records=records,
                holidays_known=None if calendar is None else calendar.is_published(e.date.year), calendar=calendar,
                measures=measures)
            letter = make()
            drafts.append(Draft(kind="invitation", name=f"{e.date.isoformat()}-{e.kind.value}-{e.host}-{org.id}",
                                letter=letter, subject=e.id,
                                recipient=org.id, key=letter_key("invitation", e.id, org.id),
                                series=w.letter_series(issuer), issuer=issuer.id,
                                provisions=tuple(e.provisions[:1]),  # the one its basis sentence cites
                                deadline=e.date, engagement_date=e.date, engagement_start=e.start,
                                engagement_title=e.title_zh, held=e.status == Status.HELD,
                                on_day=_on_day(letter, e.date, calendar, make)))
    return tuple(drafts)


def _on_day(letter: Letter, meeting: dt.date, calendar: WorkingDayCalendar | None,
            make: Callable[..., Letter]) -> Callable[[dt.date], Letter]:
    """The invitation as issued on a day: the same letter unless its 回执 must ask for a later day."""
    natural = reply_date(meeting, letter.date, calendar)

    def on_day(day: dt.date) -> Letter:
        return letter if reply_date(meeting, max(day, letter.date), calendar) == natural else make(issued_on=day)

    return on_day


def invitation_letter(district: District, e: Engagement, invitee: Organisation, *, issuer: Organisation,
                      role: str, records: Records | None = None, holidays_known: bool | None = None,
                      issued_on: dt.date | None = None, calendar: WorkingDayCalendar | None = None,
                      measures: Measures | None = None) -> Letter:
    """关于邀请出席…的函: when and where, the provision it rests on, what is still to be agreed, the
    回执 (its reply date is on the 回执 only), the contact and 特此函邀. ``holidays_known``: whether the
    year's holiday notice is known on the day the letter is made (None: as the plan was made).
    ``issued_on``: the day of the export — the letter goes out then when its own date (two weeks
    ahead) has passed, and its 回执 asks for no day before it (:func:`reply_date`)."""
    where = ("plan", "engagements", Id(e.id))
    verb, noun = role_verb(role), event_noun(e)
    title = w.text(e.title_zh, (*where, "title_zh"))
    fixed = e.status in (Status.AGREED, Status.HELD)
    when = w.when(e.date, e.start, e.end)  # a provisional date is said so in the notes below
    place = f"在{w.text(e.location, (*where, 'location'))}" if e.location else ""
    first = f"{'定于' if fixed else '拟于'}{when}{place}{event_verb(e)}{title}"
    first += "。" if e.location else "，地点另行通知。"
    grounds = ""
    if e.provisions:
        prov = district.provision(e.provisions[0])
        # the article and its heading, not the rule's sentence: the branches have the regulation, and
        # the quotation would take the lines the 落款 needs on page 1 (the notice quotes it)
        grounds = w.basis(district, prov, None)
    guests = "、".join(f"{w.text(g.name, (*where, 'guests'))}同志" for g in e.guests if g.organisation == invitee.id)
    whom = "负责人" + (f"及{guests}" if guests else "") if invitee.id in e.participants else guests
    opening = f"{first}{grounds}特邀请贵单位{whom}{verb}。"
    # The letter is made on the day it is issued and never again (an issued letter's bytes are kept),
    # so the sentence says what is known that day: once the notice is in, a letter says nothing of it.
    # 邀请函在签发当日生成且此后不再改写，故只在当日尚不知道当年节假日安排时写这句话。
    unpublished = e.provisional if holidays_known is None else not holidays_known and e.status != Status.HELD
    host = district.organisation(e.host)
    natural = e.date - dt.timedelta(days=INVITATION_LEAD_DAYS)
    contact = w.contact(district, list(dict.fromkeys((issuer, host))), natural, records, writer=issuer)
    issuer_name = w.full_name(district, issuer)
    reply_by = reply_date(e.date, max(natural, issued_on or natural), calendar)

    matcher = org_matcher(district)
    units = title_units(title, matcher) if measures is None else measures.title_units(title, matcher)

    def worded(tighter: int) -> Letter:
        notes = []
        if e.status == Status.PROPOSED:
            # 拟于 has said the time is proposed: the tighter wording does not say it twice
            notes.append(("如需调整时间" if tighter >= _NO_PROPOSED_NOTE else f"{noun}时间系拟定，如需调整")
                         + f"请与{w.self_reference(issuer)}联系")
        if unpublished:
            notes.append(f"{e.date.year}年节假日安排尚未公布，日期如有调整另行通知")
        reply = ("；".join(notes) + "。" if notes else "") + "请填写回执（见附件）并按所列时间反馈。"
        # What, when, why and whom in one paragraph, what is still open and the reply in a second: a
        # short 函 fits its first page with its 落款 (docs/letters.md, "One page").
        # 时间、事由、依据和邀请对象合为一段，待定事项和回执为另一段，使短函连同落款排在第一页。
        if tighter >= _CONTACT_IN_REPLY and contact:
            body = [Paragraph(reply + "，".join(contact) + "。")]
        else:
            body = [Paragraph(reply), *(Paragraph(line) for line in contact)]
        if tighter >= _CLOSING_RUN_ON:
            body[-1] = Paragraph(body[-1].text + "特此函邀。")
        else:
            body.append(Paragraph("特此函邀。"))
        return Letter(
            kind="letter", issuing_authority_mark=issuer_name, doc_number=None,
            title=f"关于邀请{verb}{title}的函", recipients=w.name(invitee), body=(Paragraph(opening), *body),
            signature=issuer_name, date=natural,
            title_units=("关于", "邀请", verb, *units, "的函"),
            attachments=(_reply_slip(invitee, issuer_name, reply_by, verb, e.date, noun),))

    # The wording as it is when the letter fits page 1 (at the closest spacing GB/T 9704 §7.3.5
    # allows); else tighter, a step at a time, the way a clerk shortens a 函 to keep the 成文日期 and
    # the seal with the text; a letter that fits in none keeps its wording and breaks its pages.
    # 排不进第一页时逐步压缩措辞；仍排不下则保持原措辞，分页时落款与正文末段同页。
    plain = worded(0)
    tpl = template(FontSet())  # the count depends on the grid, not on the fonts
    if fits_page_one(tpl, plain, measures):
        return plain
    tried = plain
    for tighter in range(1, _TIGHTEST + 1):
        letter = worded(tighter)
        if letter != tried and fits_page_one(tpl, letter, measures):  # a step that changes nothing is not counted again
            return letter
        tried = letter
    return plain


#: The steps by which an invitation words itself more tightly when it does not fit page 1, in order:
#: the contact run on after the reply sentence (联系人：…，联系电话：… in the same paragraph); no
#: “会议时间系拟定，” before the request to call (拟于 says so); 特此函邀 at the end of that paragraph.
_CONTACT_IN_REPLY, _NO_PROPOSED_NOTE, _CLOSING_RUN_ON = 1, 2, 3
_TIGHTEST = _CLOSING_RUN_ON


def reply_date(meeting: dt.date, issued: dt.date, calendar: WorkingDayCalendar | None = None) -> dt.date | None:
    """The day the 回执 is asked back by: a week before the meeting, but never on or before the day
    the letter is issued (a letter issued late cannot ask for a reply already due) — then the first
    working day after the day of issue and before the meeting (``calendar``'s, else Monday to
    Friday); None when there is none: the reply is asked for before the meeting itself."""
    due = meeting - dt.timedelta(days=REPLY_DAYS)
    if due > issued:
        return due
    day = issued + dt.timedelta(days=1)
    while day < meeting:
        if calendar.is_working_day(day) if calendar is not None else day.weekday() < 5:
            return day
        day += dt.timedelta(days=1)
    return None


def _reply_slip(invitee: Organisation, issuer_name: str, reply_by: dt.date | None, verb: str, meeting: dt.date,
                noun: str) -> Attachment:
    """回执: who will attend, to be returned by the reply date (without one, as soon as may be and
    before the meeting)."""
    header = ("单位", f"{verb}人员", "职务", "联系电话", "备注")
    rows = ((w.name(invitee), "", "", "", ""), *(("", "", "", "", ""),) * 3)
    asked = (f"请于{format_date(reply_by)}前反馈{issuer_name}。" if reply_by is not None
             else f"请于{format_date(meeting)}{noun}前尽快反馈{issuer_name}。")
    return Attachment("回执", (Table(header, rows, row_lines=2), Paragraph(asked)))
