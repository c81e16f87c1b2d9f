"""The events file: dated events the user knows of (plenary meetings, symposia, major events,
inspections), to which §1.2, §1.3, §1.4 and §3.5 attach invitations.

    [[events]]
    id = "plenary-1"                 # optional: the event's identity (else its kind and title)
    kind = "plenary_meeting"
    date = 2027-03-10
    title_zh = "区政府第一次全体会议"

An event keeps its identity when its date changes (the same calendar UID, SEQUENCE raised); an event
removed from the file is cancelled (:mod:`liaison.year.reconcile`).
"""

from __future__ import annotations

import os

import attrs

from liaison.base.errors import DataError, LiaisonError, Path, render_path
from liaison.law.district import District
from liaison.law.rules import EVENT_KINDS, EngagementKind, Invitation
from liaison.law.terms import RECIPIENTS_ZH
from liaison.year.engagements import KnownEvent

MAX_EVENTS = 2000


@attrs.frozen
class EventsDocument:
    events: tuple[KnownEvent, ...] = ()


def parse_events(text: str | bytes, district: District, *, file: str | None = None) -> tuple[KnownEvent, ...]:
    from liaison.formats.convert import structure
    from liaison.formats.syntax import DOC, current_body, read_toml

    raw = current_body(read_toml(text, file=file, expected="events"), "events", file=file)
    doc = structure(raw, EventsDocument, file=file, fix=f"correct the value (see {DOC['events']})")
    if len(doc.events) > MAX_EVENTS:
        raise DataError(f"{len(doc.events)} events; at most {MAX_EVENTS}", file=file, path=("events",),
                        fix="give the year's events (docs/limits.md)",
                        message_zh=f"共 {len(doc.events)} 项活动，最多 {MAX_EVENTS} 项",
                        fix_zh="请只列本年度的活动（见 docs/limits.md）")
    out: list[KnownEvent] = []
    seen: dict[str, int] = {}
    for i, event in enumerate(doc.events):
        here: Path = ("events", i)
        if event.kind not in EVENT_KINDS:
            kinds = ", ".join(sorted(k.value for k in EVENT_KINDS))
            raise DataError(f"{event.kind.value} is planned by liaison itself, not given as an event", file=file,
                            path=(*here, "kind"), fix=f"use one of {kinds}",
                            message_zh=f"{event.kind.value} 由 liaison 自行安排，不能作为活动给出",
                            fix_zh=f"请用：{kinds}")
        host = event.host
        if host is not None:
            try:
                host = district.organisation(host).id
            except LiaisonError as exc:
                raise exc.located(file=file, path=(*here, "host"), cls=DataError) from None
        if host is None and event.kind == EngagementKind.PROFESSIONAL_MEETING:
            raise DataError("a professional meeting is held by a department: say which", file=file,
                            path=(*here, "host"), fix='add host = "<department id or name>"',
                            message_zh="专业性会议由区直部门召开：请写明哪个部门",
                            fix_zh='请加上 host = "<部门编号或名称>"')
        try:
            found = district.invitees(event.kind, event.date, host)
        except LiaisonError as exc:
            raise exc.located(file=file, path=(*here, "host"), cls=DataError) from None
        event = _resolved(district, event, found.rule, file, here)
        if event.start and event.end and event.end <= event.start:
            raise DataError("the event ends before it starts", file=file, path=(*here, "end"),
                            fix="give an end time after the start", message_zh="活动的结束时间早于开始时间",
                            fix_zh="请填写晚于开始时间的结束时间")
        key = event.key()  # an event's identity across kinds and years: its id (or its title)
        if key in seen:
            also = render_path(("events", seen[key]))
            raise DataError(f"two events are the same event {key!r} (also {also})", file=file,
                            path=(*here, "id" if event.id else "title_zh"),
                            fix="give each event its own id (or title)",
                            message_zh=f"两项活动是同一活动“{key}”（另见 {also}）",
                            fix_zh="请给每项活动不同的 id（或标题）")
        seen[key] = i
        out.append(attrs.evolve(event, host=host))
    return tuple(out)


def _resolved(district: District, event: KnownEvent, rule: Invitation | None, file: str | None,
              here: Path) -> KnownEvent:
    """The event with its named invitees and guests' organisations as ids: naming invitees is for a rule
    that invites those concerned (有关); a guest belongs to a party branch or the ICF."""
    def ref(value: str, path: Path) -> str:
        try:
            org = district.organisation(value)
        except LiaisonError as exc:
            raise exc.located(file=file, path=path, cls=DataError) from None
        if not org.is_counterpart:
            raise DataError(f"{org.name} is not a party branch or the ICF", file=file, path=path,
                            fix="name party branches or the ICF", message_zh=f"{org.name}不是民主党派组织或工商联",
                            fix_zh="请填写民主党派组织或工商联")
        return org.id

    invite = event.invite
    if invite is not None:
        if rule is None or rule.recipients != "relevant_counterparts":
            said = RECIPIENTS_ZH.get(rule.recipients, rule.recipients) if rule else "—"
            raise DataError("this kind of event invites whom its rule says, not a list the event chooses",
                            file=file, path=(*here, "invite"),
                            fix="leave invite out (only a rule that invites those concerned, 有关, takes a list)",
                            message_zh=f"此类活动按规则邀请（{said}），不能由活动自行指定",
                            fix_zh="请删去 invite（只有邀请“有关”单位的规则才由活动指定）")
        invite = tuple(dict.fromkeys(ref(v, (*here, "invite", k)) for k, v in enumerate(invite)))
    guests = tuple(attrs.evolve(g, organisation=ref(g.organisation, (*here, "guests", k, "organisation")))
                   for k, g in enumerate(event.guests))
    return attrs.evolve(event, invite=invite, guests=guests)


def load_events(path: str | os.PathLike[str], district: District) -> tuple[KnownEvent, ...]:
    from liaison.formats.syntax import read_file

    name = os.fspath(path)
    return parse_events(read_file(name), district, file=name)
