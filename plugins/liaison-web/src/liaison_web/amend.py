"""Amendments of a district's data made in the service (issue #26): a new pairing, or the end of
one, from a day — written into the district's file as docs/data-format.md says an amendment is
(``valid_until`` on the old pairing, a new ``[[pairings]]`` from the day, never an edit of what was)
— or a whole amended file (a new rule version from a day, a provision's amended wording), what
changes previewed before anything is saved, and the save: the new version of the district in the
database with the years from the amendment on brought up to it (the workspace's own update) and
its audit entry, in one transaction.

What changes is worked out by the library's own functions, never by a second copy of a rule: the
year's plan brought up to the data before and after (the planner's update, as the save runs it) —
its meetings and their invitations —, the letters the year's export writes with each
(:func:`liaison_web.outputs.render`, which exports the year into the district it is given), and the
district's §3.2 routing (:meth:`District.cc_list`) on the day.

The district's file is text the administrator wrote: it is parsed (every problem named with its
path) and must be the same district (its ``[district].id``) before it is shown or kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from liaison.base.errors import UnknownOrganisationError
from liaison.law.district import District
from liaison.law.model import OrgKind
from liaison.year.engagements import Engagement, Status
from liaison_web.errors import InvalidRequest, StaleRecord

__all__ = ["after_in_force", "current_text", "differences", "ending_pairing", "parsed", "save", "with_pairing"]

_HEADER = re.compile(r"^\[", re.M)
_PAIRING = re.compile(r"^\[\[pairings\]\][ \t]*$", re.M)


def current_text(code: str, *, using: str = "default") -> tuple[str, str, dt.date]:
    """The text of the district's version in force (the latest), its sha256 and the day it is from."""
    from liaison_web import models

    row = (models.DistrictVersion.objects.using(using).filter(district__code=code)
           .order_by("-valid_from").values_list("text", "sha256", "valid_from").first())
    if row is None:
        raise InvalidRequest(f"{code} has no data", fix="load the district's data (liaison web load)",
                             message_zh=f"{code} 没有数据", fix_zh="请先载入本区数据（liaison web load）")
    return row[0], row[1], row[2]


def _invalid(field: str, en: str, zh: str, fix: str, fix_zh: str) -> InvalidRequest:
    return InvalidRequest(en, path=(field,), fix=fix, message_zh=zh, fix_zh=fix_zh)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Where each ``[[pairings]]`` table is: from its header to the next table's header."""
    starts = [m.start() for m in _HEADER.finditer(text)]
    found = []
    for m in _PAIRING.finditer(text):
        end = next((s for s in starts if s > m.start()), len(text))
        found.append((m.start(), end))
    return found


def _value(block: str, key: str) -> str | None:
    got = re.search(rf'^{key}[ \t]*=[ \t]*"?([^"\n]*?)"?[ \t]*(?:#.*)?$', block, re.M)
    return got.group(1) if got else None


def ending_pairing(text: str, found: District, department: str, counterpart: str, day: dt.date) -> str:
    """``text`` with the pairing of ``department`` and ``counterpart`` in force on ``day`` ended that
    day (its ``valid_until``; the day itself is the first one without it)."""
    department, counterpart = found.organisation(department).id, found.organisation(counterpart).id
    for start, end in _blocks(text):
        block = text[start:end]
        if (_value(block, "department"), _value(block, "counterpart")) != (department, counterpart) \
                or _value(block, "valid_until") is not None:
            continue
        since = _value(block, "valid_from")
        if since is not None and dt.date.fromisoformat(since) >= day:
            continue
        lines = block.rstrip("\n").split("\n")
        at = next(i for i, line in enumerate(lines) if line.startswith("valid_from")) + 1 \
            if since is not None else len(lines)
        lines.insert(at, f"valid_until = {day.isoformat()}")
        return text[:start] + "\n".join(lines) + "\n" + text[start + len(block.rstrip("\n")) + 1:]
    raise _invalid("counterpart", f"{department} and {counterpart} have no open pairing begun before {day}",
                   f"{department} 与 {counterpart} 在 {day} 前没有仍然有效的对口联系",
                   "choose a pairing in force on the day", "请选择当日有效的对口联系")


def with_pairing(text: str, found: District, department: str, counterpart: str, clause: str,
                 day: dt.date, note: str = "") -> str:
    """``text`` with a new pairing of ``department`` and ``counterpart`` from ``day`` (by ``clause``),
    written after the file's last pairing."""
    department, counterpart = found.organisation(department).id, found.organisation(counterpart).id
    clause = found.provision(clause).id
    lines = ["[[pairings]]", f'department = "{department}"', f'counterpart = "{counterpart}"',
             f'clause = "{clause}"', f"valid_from = {day.isoformat()}"]
    if note:
        lines.append('note = "' + note.replace("\\", "\\\\").replace('"', '\\"') + '"')
    block = "\n".join(lines) + "\n\n"
    places = _blocks(text)
    if not places:
        return text + ("" if text.endswith("\n") else "\n") + "\n" + block
    start, end = places[-1]
    # after the last pairing's own lines: the comments before the next table stay with it
    kept = text[start:end].split("\n")
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith("#")):
        kept.pop()
    at = start + len("\n".join(kept)) + 1
    return text[:at] + "\n" + block.rstrip("\n") + "\n" + text[at:]


def parsed(text: str, code: str, *, file: str) -> District:
    """The amended file parsed (its problems named with their paths), the district ``code``'s own."""
    from liaison.formats.district import parse_district

    made = parse_district(text, file=file)
    if made.info.id != code:
        raise _invalid("file", f"the file is the district {made.info.id!r}, not {code!r}",
                       f"该文件是区 {made.info.id!r} 的数据，不是 {code!r}",
                       "upload this district's file ([district].id)", "请上传本区的数据文件（[district].id）")
    return made


# -- what changes ----------------------------------------------------------------------------------------
def _engagement(e: Engagement) -> dict[str, Any]:
    return {"id": e.id, "date": e.date.isoformat(), "start": e.start.isoformat("minutes") if e.start else "",
            "title": e.title_zh, "title_en": e.title_en or e.title_zh, "host": e.host,
            "participants": list(e.participants), "status": e.status.value}


def _meetings(before: Iterable[Engagement], after: Iterable[Engagement]) -> dict[str, list[dict[str, Any]]]:
    """The engagements the amendment adds, cancels (or drops), moves, and whose invitations change."""
    old = {e.id: e for e in before}
    new = {e.id: e for e in after}
    live = Status.CANCELLED
    added = [_engagement(e) for i, e in new.items() if (i not in old or old[i].status == live) and e.status != live]
    cancelled = [_engagement(e) for i, e in old.items() if e.status != live and (i not in new or new[i].status == live)]
    moved, invited = [], []
    for i, e in new.items():
        was = old.get(i)
        if was is None or was.status == live or e.status == live:
            continue
        if (was.date, was.start) != (e.date, e.start):
            was_start = was.start.isoformat("minutes") if was.start else ""  # as the new start: no seconds
            moved.append({**_engagement(e), "was": f"{was.date.isoformat()} {was_start}".strip()})
        if set(was.participants) != set(e.participants):
            invited.append({**_engagement(e), "invited": sorted(set(e.participants) - set(was.participants)),
                            "uninvited": sorted(set(was.participants) - set(e.participants))})
    return {"added": added, "cancelled": cancelled, "moved": moved, "invited": invited}


def _cc_lists(before: District, after: District, day: dt.date) -> list[dict[str, Any]]:
    """The bodies whose documents are copied to others on ``day`` after the amendment than before (§3.2)."""
    changed = []
    for organisation in after.organisations:
        if organisation.kind != OrgKind.DEPARTMENT:
            continue
        try:
            was = set(before.cc_list(organisation.id, day).ids())
        except UnknownOrganisationError:  # a body the amendment adds
            was = set()
        now = set(after.cc_list(organisation.id, day).ids())
        if was != now:
            changed.append({"org": organisation.id, "added": sorted(now - was), "removed": sorted(was - now)})
    return changed


def _letters(before: Mapping[str, bytes], after: Mapping[str, bytes]) -> dict[str, list[str]]:
    """The letters (``.docx``) an export writes after the amendment and not before, the other way
    round, and with other words."""
    old = {p for p in before if p.endswith(".docx")}
    new = {p for p in after if p.endswith(".docx")}
    return {"added": sorted(new - old), "removed": sorted(old - new),
            "changed": sorted(p for p in old & new if before[p] != after[p])}


def differences(before: District, version: str, after: District, text: str, year: int, revision: str,
                day: dt.date) -> dict[str, Any]:
    """What the amended data changes in ``year`` (at ``revision``): the meetings and their
    invitations (the year's plan brought up to each, :func:`liaison.year.reconcile.update_plan` — what
    the save's update runs), the cc lists on ``day``, and the letters an export on ``day`` writes, issued and drafts
    (the docx exporter's, when the service has it)."""
    from liaison.host.plugins import exporters, working_day_calendar
    from liaison.year.reconcile import update_plan
    from liaison.year.state import year_calendar
    from liaison_web import outputs
    from liaison_web.clock import district_today
    from liaison_web.store import DatabaseStore

    stored = DatabaseStore().load(before, year, revision=revision)
    state = stored.state if stored is not None else None
    calendar = year_calendar(state, year, working_day_calendar())[0]
    now = district_today(before)  # the day the save re-plans on
    meetings = _meetings(update_plan(before, year, state, calendar=calendar, from_day=now)[0].engagements,
                         update_plan(after, year, state, calendar=calendar, from_day=now)[0].engagements)
    cc = _cc_lists(before, after, day)
    letters_previewed = "docx" in exporters()
    letters: dict[str, list[str]] = {"added": [], "removed": [], "changed": []}
    if letters_previewed:
        letters = _letters(outputs.render(before, version, year, revision, "docx", {}, day).files,
                           outputs.render(after, hashlib.sha256(text.encode()).hexdigest(), year, revision,
                                          "docx", {}, day).files)
    nothing = not any(meetings.values()) and not cc and not any(letters.values())
    return {**meetings, "cc": cc, "letters": letters, "letters_previewed": letters_previewed, "nothing": nothing}


def after_in_force(day: dt.date, since: dt.date) -> None:
    """Refuse an amendment from ``day`` unless it is after ``since``, the day the data in force is from
    (a version from that day or before would not be the latest): the preview asks it before it offers
    to save, the save again on the version it saves over."""
    if day <= since:
        raise _invalid("valid_from", f"an amendment takes effect after {since.isoformat()}, the day the data in "
                       "force is from", f"调整的生效日期须晚于现行数据的生效日期 {since.isoformat()}",
                       "choose a later day", "请选择更晚的日期")


# -- the save --------------------------------------------------------------------------------------------
def save(text: str, code: str, *, base: str, day: dt.date, file: str) -> tuple[District, str, list[int]]:
    """Keep ``text`` as the district's version from ``day`` — if the version it amends (``base``, its
    sha256) is still the one in force — and bring each year with a state from ``day``'s on to it. The
    district, the new version's sha256 and the years updated. The caller holds a transaction."""
    from liaison.host.plugins import working_day_calendar
    from liaison_web import models
    from liaison_web.bootstrap import load_version
    from liaison_web.clock import district_today
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    _, held, since = current_text(code)
    if held != base:
        raise StaleRecord(f"{code}: the data changed since the preview", fix="preview the amendment again",
                       message_zh=f"{code}：预览之后本区数据已有变动", fix_zh="请重新预览该调整")
    after_in_force(day, since)
    made = parsed(text, code, file=file)
    load_version(text, valid_from=day, file=file)
    years = sorted(y for y in models.Year.objects.filter(district__code=code).exclude(revision="")
                   .values_list("year", flat=True) if y >= day.year)
    now = district_today(made)  # each year re-planned on today: nothing placed afresh on a day gone by
    for year in years:
        Workspace(store=DatabaseStore()).update(made, year, calendar=working_day_calendar(), from_day=now)
    return made, hashlib.sha256(text.encode()).hexdigest(), years
