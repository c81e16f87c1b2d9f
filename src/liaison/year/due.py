"""One body's to-do list as of a day: what a department, a party branch, the ICF or the office has to do.

:func:`due_list` reads what exists — the year's plan, the records and the check's findings
(:func:`liaison.law.compliance.check`) — and gives one :class:`DueItem` per thing to do:

- ``date_to_agree``: a proposed engagement still to come that the body hosts or attends (§3.3's
  协商: both sides agree the date);
- ``record_missing``: an engagement of the body's (it hosts it: recording is the host's) whose day
  has passed with neither a held record nor the plan's ``held``;
- ``feedback``: a research result sent to the body (a department) with no feedback yet, due by the
  response rule in force on the day it was received (calendar or working days, as the rule counts);
- ``to_acknowledge``: a document copied to the body, an invitation to an engagement it is invited to
  (its date agreed, its day still to come) or the feedback on its research, not yet acknowledged
  (:mod:`liaison.year.acknowledgements`) — listed only when the caller keeps acknowledgements;
- ``obligation``: a "shall" the check finds not yet met (open) or short, charged to the body that
  owed it (the finding's ``responsible``). A "may" (可/视情/根据需要) is never a to-do.

- ``letter_to_issue``: a letter the body issues that is not issued yet — given by the caller
  (``letters``), since the drafts and their dates are made by the letters plugin (liaison-docx)
  when it exports and the library has no draft without it (docs/letters.md); the web service hands
  in what the plugin's ``公文清单.json`` says of each. Due by the day the rule needs it out: an
  invitation, change or cancellation letter the day before its meeting, a 反馈函 by the response
  rule's deadline from the day the research was received; any other on the day it falls due. Its
  ``ref`` is ``kind/subject/recipient`` (the same letter whether a draft or due, wherever its file).

Every item has a ``key``, its identity: unique within a body's lists of every year, and the same
while the item stays listed (the days left changing, a letter's file moving, do not change it) — the
item's year, its kind and what it is about: an engagement's, a record's or a letter's ref; an
obligation's provision, rule, period and subject (a body owes §3.1 and §3.3 at once: one key each);
an acknowledgement's kind of item and its id. An OA system's to-do item is keyed by it.

Late in a year the list looks ahead: given the next year's plan (``ahead``), the dates to agree and
the letters to issue of that year due within :data:`NEXT_YEAR_HORIZON_DAYS` of the day are listed
too, each saying its ``year`` (an obligation of a year not begun is not yet unmet; a record cannot
be missing before its day).

Every item cites one provision with its wording in force on ``as_of``. Pure: no file, clock or
network — the caller gives the day.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import attrs

from liaison.law.acknowledgements import ITEM_EN, ITEM_ZH, Acknowledged, Acknowledgement
from liaison.law.compliance import check
from liaison.law.district import District
from liaison.law.findings import MAY_MODALITIES, Finding, FindingStatus
from liaison.law.records import Records, ResearchResult
from liaison.law.rules import Provision, Response, WorkingDays
from liaison.law.workdays import default_calendar
from liaison.year.acknowledgements import Addressed, to_acknowledge_by_body
from liaison.year.engagements import Engagement, Plan, Status

__all__ = ["KIND_EN", "KIND_ZH", "NEXT_YEAR_HORIZON_DAYS", "DueItem", "DueKind", "DueList", "NextYear", "PendingLetter",
           "due_list", "due_lists", "working_days_between"]

#: How far into the next year a list looks (days from its day): the dates to agree and the letters
#: to issue of the next year due by then are listed. The regulation names no lead time (it says
#: when things happen, not how early to prepare them): a setting of the library's, not of the text —
#: two months cover the annual notice and the first meetings of January and February, which are
#: agreed and sent in November and December.
NEXT_YEAR_HORIZON_DAYS = 60


class DueKind(enum.StrEnum):
    DATE_TO_AGREE = "date_to_agree"
    RECORD_MISSING = "record_missing"
    FEEDBACK = "feedback"
    TO_ACKNOWLEDGE = "to_acknowledge"
    OBLIGATION = "obligation"
    LETTER_TO_ISSUE = "letter_to_issue"


KIND_ZH = {DueKind.DATE_TO_AGREE: "商定日期", DueKind.RECORD_MISSING: "补录记录", DueKind.FEEDBACK: "反馈调研成果",
           DueKind.TO_ACKNOWLEDGE: "签收回执", DueKind.OBLIGATION: "尚未落实的要求",
           DueKind.LETTER_TO_ISSUE: "待签发公文"}
KIND_EN = {DueKind.DATE_TO_AGREE: "date to agree", DueKind.RECORD_MISSING: "record missing",
           DueKind.FEEDBACK: "feedback due", DueKind.TO_ACKNOWLEDGE: "to acknowledge",
           DueKind.OBLIGATION: "obligation not yet met", DueKind.LETTER_TO_ISSUE: "letter to issue"}


class PendingLetter(Protocol):
    """A letter as the letters' exporter describes it (liaison-docx's ``LetterAbout``, read from its
    ``公文清单.json``): read-only, so any such description will do, without the library knowing the
    plugin."""

    @property
    def path(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def recipient(self) -> str: ...
    @property
    def issuer(self) -> str: ...
    @property
    def engagement(self) -> str: ...
    @property
    def provisions(self) -> tuple[str, ...]: ...
    @property
    def draft(self) -> bool: ...
    @property
    def title(self) -> str: ...
    @property
    def date(self) -> dt.date | None: ...


@attrs.frozen(kw_only=True)
class DueItem:
    """One thing ``body`` has to do: ``ref`` is the engagement's or the record's id (an obligation's:
    its subject, ids joined by ``/``); ``key`` the item's identity (the module docstring), ``year``
    the year it belongs to (the next one for an item looked ahead to); ``due`` the day it is due
    by, ``days_left`` how many days are left until then (negative: overdue), counted in working
    days when ``working_days`` (the rule counts them); ``provision`` the provision it rests on, with
    its wording in force on the list's day."""

    kind: DueKind
    ref: str
    key: str
    year: int
    body: str
    todo_zh: str
    todo_en: str
    due: dt.date
    days_left: int
    working_days: bool
    provision: str
    provision_text_zh: str
    provision_text_en: str
    basis: str = "text"

    def todo(self, lang: str = "zh") -> str:
        return self.todo_en if lang == "en" else self.todo_zh


@attrs.frozen(kw_only=True)
class NextYear:
    """The next year as a list looks ahead to it: its plan and the letters of its drafts (as
    ``letters`` of :func:`due_lists`), within ``horizon_days`` of the list's day."""

    plan: Plan
    letters: tuple[PendingLetter, ...] = ()
    horizon_days: int = NEXT_YEAR_HORIZON_DAYS


@attrs.frozen(kw_only=True)
class DueList:
    district: str
    body: str
    as_of: dt.date
    items: tuple[DueItem, ...]


def working_days_between(start: dt.date, end: dt.date, calendar: WorkingDays) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier:
    those after ``end`` up to ``start``) — how a deadline in working days counts from a day."""
    first, last, sign = (start, end, 1) if end >= start else (end, start, -1)
    day, count = first, 0
    while day < last:
        day += dt.timedelta(days=1)
        count += calendar.is_working_day(day)
    return sign * count


def due_list(district: District, plan: Plan, records: Records, *, body: str, as_of: dt.date,
             calendar: WorkingDays | None = None, letters: Iterable[PendingLetter] = (),
             acknowledgements: Sequence[Acknowledgement] | None = None, ahead: NextYear | None = None) -> DueList:
    """What ``body`` (an id or a name) has to do as of ``as_of``, in the year of ``plan``: dates to
    agree, records missing, feedback due and obligations not yet met, and of ``letters`` (the
    letters' exporter's list) the drafts it issues (see the module docstring), ordered by the day
    due, then kind and reference. ``acknowledgements``: those the caller keeps (the service's); None
    where none are kept (the command line), and nothing is listed to acknowledge. An unknown body is
    the library's :class:`~liaison.base.errors.UnknownOrganisationError`. One body of :func:`due_lists`."""
    org = district.organisation(body).id
    return due_lists(district, plan, records, as_of=as_of, bodies=(org,), calendar=calendar, letters=letters,
                     acknowledgements=acknowledgements, ahead=ahead)[org]


def due_lists(district: District, plan: Plan, records: Records, *, as_of: dt.date,
              bodies: Iterable[str] | None = None, calendar: WorkingDays | None = None,
              letters: Iterable[PendingLetter] = (),
              acknowledgements: Sequence[Acknowledgement] | None = None,
              ahead: NextYear | None = None) -> Mapping[str, DueList]:
    """Each body's :func:`due_list` (``bodies``: ids or names, by default every organisation of the
    district), keyed by its id in the order given, made in one pass: the year checked once and the
    engagements, research results, records and findings sorted by body once, each list cut from
    them — a list of every body costs about what one did, not one check per body. ``ahead``: the
    next year's plan (and its letters), whose items due within its horizon are listed too."""
    orgs = dict.fromkeys(district.organisation(b).id for b in bodies) if bodies is not None else \
        dict.fromkeys(o.id for o in district.organisations)
    working = calendar or default_calendar()
    year = _Year.of(district, plan, records, as_of, working)
    # the letters by the body that issues them, once: each body's are its own drafts (_letters)
    issuing: dict[str, list[PendingLetter]] = {}
    for letter in letters:
        issuing.setdefault(letter.issuer, []).append(letter)
    # what each body has to acknowledge, the year's items gathered once (none where none are kept)
    pending = (to_acknowledge_by_body(district, plan, records, acknowledgements, as_of)
               if acknowledgements is not None else {})
    # the next year, looked ahead to late in this one: its dates to agree and letters within the horizon
    looked = ahead is not None and ahead.plan.year == plan.year + 1 and \
        (dt.date(ahead.plan.year, 1, 1) - as_of).days <= ahead.horizon_days
    next_year = _Year.of(district, ahead.plan, Records(district_id=district.info.id), as_of, working) \
        if ahead is not None and looked else None
    next_issuing: dict[str, list[PendingLetter]] = {}
    for letter in ahead.letters if ahead is not None and looked else ():
        next_issuing.setdefault(letter.issuer, []).append(letter)
    made = {}
    for org in orgs:
        items = [*_engagements(district, year, org, as_of), *_feedback(district, year, org, as_of, working),
                 *_letters(district, year, issuing.get(org, ()), org, as_of, working),
                 *_to_acknowledge(district, year, pending.get(org, ()), org, as_of)]
        answered = {i.ref for i in items if i.kind == DueKind.FEEDBACK}
        items.extend(_obligations(district, year, org, as_of, answered))
        if next_year is not None and ahead is not None:
            until = as_of + dt.timedelta(days=ahead.horizon_days)
            items.extend(i for i in (*_engagements(district, next_year, org, as_of),
                                     *_letters(district, next_year, next_issuing.get(org, ()), org, as_of, working))
                         if i.due <= until)
        items.sort(key=lambda i: (i.due, list(DueKind).index(i.kind), i.ref, i.provision))
        made[org] = DueList(district=district.info.id, body=org, as_of=as_of, items=tuple(items))
    return made


@attrs.frozen(kw_only=True)
class _Year:
    """What the lists are cut from, sorted by body once: the plan's live engagements by each body
    hosting or attending (plan order), the research results awaiting feedback by the department's
    organisation, the check's findings by the body responsible, and what has a held record."""

    year: int
    engagements: Mapping[str, tuple[Engagement, ...]]
    by_id: Mapping[str, Engagement]  # every engagement of the plan, cancelled too (a letter names its own)
    research: Mapping[str, tuple[ResearchResult, ...]]
    research_by_id: Mapping[str, ResearchResult]  # every research result, the first of an id
    findings: Mapping[str, tuple[Finding, ...]]
    recorded_ids: frozenset[str]
    recorded_keys: frozenset[tuple[object, ...]]

    @classmethod
    def of(cls, district: District, plan: Plan, records: Records, as_of: dt.date, working: WorkingDays) -> _Year:
        engagements: dict[str, list[Engagement]] = {}
        for e in plan.engagements:
            if e.status == Status.CANCELLED or not e.provisions:
                continue
            for org in dict.fromkeys((e.host, *e.participants)):
                engagements.setdefault(org, []).append(e)
        research: dict[str, list[ResearchResult]] = {}
        for r in records.research_results:
            if r.received > as_of or (r.feedback is not None and r.feedback <= as_of):
                continue
            research.setdefault(district.organisation(r.department).id, []).append(r)
        # the plan's held engagements are records too (the service and `liaison plan --held` mark them so);
        # a year not begun on the day has no obligation unmet yet
        report = check(district, records.merged(Records.from_plan(plan, held_only=True)), plan.year,
                       min(as_of, dt.date(plan.year, 12, 31)), calendar=working) \
            if as_of >= dt.date(plan.year, 1, 1) else None
        findings: dict[str, list[Finding]] = {}
        for f in report.findings if report is not None else ():
            if f.responsible is not None and f.status in _TO_DO:
                findings.setdefault(f.responsible, []).append(f)
        # a record is the engagement's by its id, or (a record with no id) by kind, day and host
        research_by_id: dict[str, ResearchResult] = {}
        for r in records.research_results:
            research_by_id.setdefault(r.id, r)
        return cls(year=plan.year, engagements={k: tuple(v) for k, v in engagements.items()},
                   by_id={e.id: e for e in plan.engagements}, research_by_id=research_by_id,
                   research={k: tuple(v) for k, v in research.items()},
                   findings={k: tuple(v) for k, v in findings.items()},
                   recorded_ids=frozenset(r.id for r in records.engagements if r.id),
                   recorded_keys=frozenset((r.kind, r.date, r.host) for r in records.engagements if not r.id))

    def recorded(self, e: Engagement) -> bool:
        return e.status == Status.HELD or e.id in self.recorded_ids or (e.kind, e.date, e.host) in self.recorded_keys


_TO_DO = (FindingStatus.OPEN, FindingStatus.SHORT, FindingStatus.MISSING_DESIGNATION, FindingStatus.UNANSWERED)


def _item(district: District, year: int, kind: DueKind, ref: str, body: str, zh: str, en: str, due: dt.date,
          as_of: dt.date, provision: str, *, working: WorkingDays | None = None, basis: str = "text",
          about: str | None = None) -> DueItem:
    """The item; its key is the year, the kind and what it is about (``about``, else ``ref``)."""
    prov: Provision = district.provision(provision)
    text = prov.text_at(as_of)
    left = (due - as_of).days if working is None else working_days_between(as_of, due, working)
    return DueItem(kind=kind, ref=ref, key=f"{year}/{kind.value}/{about or ref}", year=year, body=body,
                   todo_zh=zh, todo_en=en, due=due, days_left=left,
                   working_days=working is not None, provision=prov.id, provision_text_zh=text.text_zh,
                   provision_text_en=text.text_en, basis=basis)


def _engagements(district: District, year: _Year, org: str, as_of: dt.date) -> list[DueItem]:
    found = []
    for e in year.engagements.get(org, ()):
        what = district.kind_name(e.kind)
        what_en = district.kind_name(e.kind, "en")
        if e.status == Status.PROPOSED and e.date >= as_of:
            host = district.organisation(e.host)
            found.append(_item(
                district, year.year, DueKind.DATE_TO_AGREE, e.id, org,
                f"与{district.names_of(e.participants, exclude=(org,))}商定{what}“{e.title_zh}”的日期"
                f"（拟定{e.date.isoformat()}，{host.name}主办）",
                f"agree the date of the {what_en} “{e.title('en')}” with "
                f"{district.names_of(e.participants, lang='en', exclude=(org,))} "
                f"(proposed for {e.date.isoformat()}, hosted by {host.name_en})",
                e.date, as_of, e.provisions[0]))
        elif e.date < as_of and e.host == org and not year.recorded(e):
            found.append(_item(
                district, year.year, DueKind.RECORD_MISSING, e.id, org,
                f"{what}“{e.title_zh}”定于{e.date.isoformat()}，尚无召开记录：请补录（或改期、取消）",
                f"the {what_en} “{e.title('en')}” was due on {e.date.isoformat()} and has no held record: "
                "record it (or move or cancel it)",
                e.date, as_of, e.provisions[0]))
    return found


def _feedback(district: District, year: _Year, org: str, as_of: dt.date, working: WorkingDays) -> list[DueItem]:
    found = []
    for r in year.research.get(org, ()):
        rule = next((pr for pr in district.rules(Response, r.received) if pr[1].trigger == "research_result"), None)
        if rule is None:
            continue
        prov, response = rule
        if prov.modality_of(response) in MAY_MODALITIES:
            continue
        due = response.due(r.received, working)
        branch = district.organisation(r.submitted_by)
        found.append(_item(
            district, year.year, DueKind.FEEDBACK, r.id, org,
            f"就{branch.name}的调研成果《{r.title}》（{r.received.isoformat()}收到）反馈情况，"
            f"期限{due.isoformat()}（{response.describe_zh()}）",
            f"give feedback on {branch.name_en}'s research result “{r.title}” (received {r.received.isoformat()}) "
            f"by {due.isoformat()} ({response.describe_en()})",
            due, as_of, prov.id, working=working if response.due_working_days else None,
            basis="local" if response.is_local(response.deadline_field) else "text"))
    return found


def _to_acknowledge(district: District, year: _Year, pending: Iterable[Addressed], org: str,
                    as_of: dt.date) -> list[DueItem]:
    found = []
    for a in pending:
        sender = district.organisation(a.sender)
        zh, en = ITEM_ZH[a.of], ITEM_EN[a.of]
        found.append(_item(
            district, year.year, DueKind.TO_ACKNOWLEDGE, a.item, org,
            f"签收{sender.name}的{zh}“{a.title}”（{a.day.isoformat()}）"
            + ("，回执是否出席及出席人员" if a.of == Acknowledged.INVITATION else ""),
            f"acknowledge the {en} “{a.title}” from {sender.name_en} ({a.day.isoformat()})"
            + (", replying whether the body attends and who" if a.of == Acknowledged.INVITATION else ""),
            a.day, as_of, a.provision, basis="local", about=f"{a.of.value}/{a.item}"))
    return found


def _letters(district: District, year: _Year, letters: Iterable[PendingLetter], org: str,
             as_of: dt.date, working: WorkingDays) -> list[DueItem]:
    found = []
    for letter in letters:
        # an issued letter is done; a letter citing no provision has no rule to be listed by
        if not letter.draft or letter.issuer != org or not letter.provisions:
            continue
        recipient = district.organisation(letter.recipient) if letter.recipient else None
        to_zh, to_en = (f"，主送{recipient.name}", f" to {recipient.name_en}") if recipient is not None else ("", "")
        title = letter.title or letter.path
        day = letter.date or as_of
        provision, counted, basis = letter.provisions[0], None, "text"
        zh, en = f"签发{title}{to_zh}（拟稿日期{day.isoformat()}）", f"issue “{title}”{to_en} (drafted for {day})"
        meeting = year.by_id.get(letter.engagement)
        research = year.research_by_id.get(letter.subject)
        rule = (next((pr for pr in district.rules(Response, research.received) if pr[1].trigger == "research_result"),
                     None) if research is not None and letter.kind == "feedback" else None)
        if meeting is not None:
            day = meeting.date - dt.timedelta(days=1)  # it must have reached them before the meeting
            zh = f"签发{title}{to_zh}，须在{meeting.date.isoformat()}会议召开前发出"
            en = f"issue “{title}”{to_en} before the meeting on {meeting.date.isoformat()}"
        elif rule is not None and research is not None:
            prov, response = rule
            provision, day = prov.id, response.due(research.received, working)
            counted = working if response.due_working_days else None
            basis = "local" if response.is_local(response.deadline_field) else "text"
            zh = (f"签发{title}{to_zh}，反馈期限{day.isoformat()}（{research.received.isoformat()}收到调研成果，"
                  f"{response.describe_zh()}）")
            en = (f"issue “{title}”{to_en}: feedback due by {day.isoformat()} (research received "
                  f"{research.received.isoformat()}, {response.describe_en()})")
        # the ref is what the letter is, not where its file is: a draft's path changes when it falls due
        # (out of 草稿/) or its meeting moves, and an OA system must not see its to-do closed and opened
        ref = f"{letter.kind}/{letter.subject}/{letter.recipient}"
        found.append(_item(district, year.year, DueKind.LETTER_TO_ISSUE, ref, org, zh, en, day, as_of, provision,
                           working=counted, basis=basis))
    return found


def _obligations(district: District, year: _Year, org: str, as_of: dt.date, listed: set[str]) -> list[DueItem]:
    found = []
    for f in year.findings.get(org, ()):
        if set(f.counted) & listed or _may(district, f):
            continue
        # the key: the provision, the rule, the period's start and the subject (one body owes several at
        # once; no two periods of a rule and subject start on one day) — never the period's end, which for
        # a duty checked up to the day asked (§3.1's designations) is that day: the to-do would be another
        # each morning, closed and opened again in every OA system told of it
        about = f"{f.provision}/{f.rule}/{f.period[0].isoformat()}/{'/'.join(f.subject)}"
        found.append(_item(district, year.year, DueKind.OBLIGATION, "/".join(f.subject), org, f.message_zh,
                           f.message_en, f.period[1], as_of, f.provision, basis=f.basis, about=about))
    return found


def _may(district: District, f: Finding) -> bool:
    """The finding's sentence allows rather than requires (可/视情/根据需要): never a to-do."""
    prov = district.provision(f.provision)
    rules = [r for r in prov.rules if r.key == f.rule]
    return bool(rules) and all(prov.modality_of(r) in MAY_MODALITIES for r in rules)
