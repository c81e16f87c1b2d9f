"""Who may do what: one table (:data:`TABLE`, role × operation → the reach of the permission) and
one rule applying it to an object (:func:`decide`). Every operation of the API asks here; the docs'
roles table and the authorisation-matrix test are about this table.

The reach of a permission is what objects of a district it covers:

- ``every district`` — any district's objects (the city auditor's reading);
- ``district`` — any object of a district the caller is a member of;
- ``hosted`` — the engagements the member's organisation hosts (a department's own), the records it
  is the responsible body of;
- ``attended`` — the engagements the member's organisation takes part in (a party branch's or the
  ICF's: those it attends; the host attends its own too), the records it is responsible for or a
  party to.

Another district's objects are not shown to exist (404, as an unknown id: an id cannot be probed);
another body's object in a district the caller may see is 403 (it exists, and the caller is told it
is not theirs). A Django superuser is an administrator of every district.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

__all__ = ["OPERATIONS", "ROLE_NAMES", "ROLE_NAMES_OF_OPERATION", "SCOPE_OF", "SERVICE_OPERATIONS", "TABLE", "WRITES",
           "Decision", "Member", "Reach", "administers", "covers_district", "decide", "reads_every_district",
           "sees_district"]


class Reach(enum.StrEnum):
    EVERY_DISTRICT = "every district"
    DISTRICT = "district"
    HOSTED = "hosted"
    ATTENDED = "attended"


#: Every operation on an engagement or a record: read it, change it (the four changes of `liaison plan`),
#: read its audit; ``record`` — record a fact (a record of the year: create, correct, withdraw it);
#: ``attach`` — attach an evidence file. A record is decided on as an engagement is, its responsible
#: body as the host and its parties as the participants (:mod:`liaison_web.records`); but ``record``
#: on the bodies that may write it (:func:`liaison_web.records.writers`) as the host, none as a
#: participant. And on the year's outputs: read a letter (the object: the bodies it is addressed to
#: or is about; a draft, which has no record yet, the bodies its name says, else the district's),
#: issue the letters due on a day (the district's), read an
#: organisation's calendar (the object: that organisation; the whole district's calendar is the
#: district's), the workbooks and the page (the district's: they hold every body's year).
#: ``withdraw_evidence`` — withdraw an evidence file attached by mistake: its object is the file, with
#: the bodies of the user who uploaded it as its participants (no host), so an ``attended`` reach is a
#: file its own body uploaded.
#: ``acknowledge`` — a counterpart acknowledges what was sent to it (a document copied, an invitation's
#: 回执, feedback on its research: :mod:`liaison_web.api_acknowledge`): decided on the item, its sender as
#: the host and the bodies it was sent to as the participants, and on the body acknowledging as a
#: participant (no host) — so an ``attended`` reach is acknowledging, for one's own body, what it was sent.
OPERATIONS = ("read", "confirm", "move", "cancel", "held", "audit", "record", "attach", "withdraw_evidence",
              "letters", "issue", "calendar", "workbooks", "page", "acknowledge")
#: The operations on a district's webhooks (list them and their delivery log; make, remove, replay), on
#: an organisation's calendar feed (make, rotate, list, revoke its secret URL) and publishing the
#: district's year to CalDAV: their object is the district, or the organisation as the host of its own
#: (``{"host": org, "participants": [org]}``). ``tokens`` — list the API tokens of the district's users,
#: ``manage_tokens`` — make and revoke them (:mod:`liaison_web.api_tokens`; the object is the district), and
#: adopt a webhook a token registered (:mod:`liaison_web.owned`: taking over what a token made).
SERVICE_OPERATIONS = ("webhooks", "manage_webhooks", "feed", "publish", "tokens", "manage_tokens")
WRITES = frozenset({"confirm", "move", "cancel", "held", "record", "attach", "withdraw_evidence", "issue",
                    "acknowledge", "manage_webhooks", "feed", "publish", "manage_tokens"})
#: The token scope each operation needs (a session has every one): ``read`` or ``write``, and
#: ``tokens`` for making and revoking tokens — a scope only a session or the command line gives
#: (:func:`liaison_web.tokens.may_make`), so a leaked token never mints another. docs/service.md's
#: matrix has it as its last row.
SCOPE_OF: Mapping[str, str] = {op: "tokens" if op == "manage_tokens" else "write" if op in WRITES else "read"
                               for op in (*OPERATIONS, *SERVICE_OPERATIONS)}

_ALL = dict.fromkeys((*OPERATIONS, *SERVICE_OPERATIONS), Reach.DISTRICT)
_READS = ("read", "audit", "letters", "calendar", "workbooks", "page", "webhooks", "tokens")

#: THE table: role → operation → reach. An operation a role does not list is not allowed to it.
TABLE: Mapping[str, Mapping[str, Reach]] = {
    # 统战部 / 政府办: the whole district
    "administrator": _ALL,
    # a department: its own engagements and records, those it hosts (is responsible for); the letters to
    # it or about its engagements, its calendar and its own calendar feed
    "clerk": {**dict.fromkeys(("read", "confirm", "move", "cancel", "held", "audit", "record", "attach"), Reach.HOSTED),
              "withdraw_evidence": Reach.ATTENDED, "letters": Reach.ATTENDED, "calendar": Reach.ATTENDED,
              "feed": Reach.HOSTED},
    # a party branch or the ICF: read the engagements it attends and agree (confirm) their dates; record
    # what it is responsible for (its research submitted, not yet answered) — never a fact that
    # discharges a department's duty, however it took part — and attach its evidence; its letters, its
    # calendar and its feed; acknowledge what was sent to it (documents copied, invitations, feedback)
    "liaison_officer": {"read": Reach.ATTENDED, "confirm": Reach.ATTENDED, "audit": Reach.ATTENDED,
                        "record": Reach.HOSTED, "attach": Reach.ATTENDED, "withdraw_evidence": Reach.ATTENDED,
                        "letters": Reach.ATTENDED, "calendar": Reach.ATTENDED, "feed": Reach.HOSTED,
                        "acknowledge": Reach.ATTENDED},
    # read-only, its district
    "auditor": dict.fromkeys(_READS, Reach.DISTRICT),
    # read-only, every district of the deployment
    "city_auditor": dict.fromkeys(_READS, Reach.EVERY_DISTRICT),
}

#: What a refusal says the caller may not do ("your role may not …").
ROLE_NAMES_OF_OPERATION: Mapping[str, tuple[str, str]] = {
    "read": ("read it", "查看"), "confirm": ("confirm it", "确认"), "move": ("move it", "改期"),
    "cancel": ("cancel it", "取消"), "held": ("mark it held", "标记为已召开"),
    "audit": ("read its audit log", "查看审计日志"), "record": ("record it", "记录"),
    "attach": ("attach evidence to it", "上传佐证材料"),
    "withdraw_evidence": ("withdraw this evidence file", "撤回该佐证材料"),
    "letters": ("read this letter", "查看该公文"),
    "issue": ("issue letters", "签发公文"), "calendar": ("read this calendar", "查看该日历"),
    "workbooks": ("read the workbooks", "查看工作表"), "page": ("read the page", "查看网页"),
    "acknowledge": ("acknowledge it", "签收或回执"),
    "webhooks": ("read the district's webhooks", "查看本区的 Webhook"),
    "manage_webhooks": ("manage the district's webhooks", "管理本区的 Webhook"),
    "feed": ("manage its calendar feed", "管理其日历订阅地址"),
    "publish": ("publish the district's year to CalDAV", "将本区年度日程发布到 CalDAV"),
    "tokens": ("read the API tokens of the district's users", "查看本区用户的接口令牌"),
    "manage_tokens": ("make or revoke API tokens of the district's users", "生成或吊销本区用户的接口令牌"),
}

ROLE_NAMES: Mapping[str, tuple[str, str]] = {
    "administrator": ("administrator", "管理员（统战部、政府办）"),
    "clerk": ("department clerk", "部门联络员"),
    "liaison_officer": ("party or ICF liaison officer", "党派、工商联联络员"),
    "auditor": ("auditor", "审计（只读）"),
    "city_auditor": ("city auditor", "市级审计（各区只读）"),
}


@attrs.frozen
class Member:
    """One membership of the caller: a role in a district (None: every district, the city auditor's),
    bound to an organisation of it ("" for the district-wide roles)."""

    role: str
    district: str | None
    organisation: str = ""


class Decision(enum.Enum):
    ALLOWED = 200
    FORBIDDEN = 403  # the object is in a district the caller sees, but not theirs to do this to
    HIDDEN = 404  # another district's: not shown to exist


def sees_district(members: Iterable[Member], district: str, *, superuser: bool = False) -> bool:
    """The caller may see that the district exists: a member of it, a city auditor, a superuser."""
    return superuser or any(m.district == district or Reach.EVERY_DISTRICT in TABLE.get(m.role, {}).values()
                            for m in members)


def reads_every_district(members: Iterable[Member], *, superuser: bool = False) -> bool:
    """The caller reads every district of the deployment (the city auditor, a superuser): what the
    city's view of its districts (``GET /api/v1/city``) asks."""
    return superuser or any(TABLE.get(m.role, {}).get("read") == Reach.EVERY_DISTRICT for m in members)


def administers(members: Iterable[Member], district: str, *, superuser: bool = False) -> bool:
    """The caller administers ``district`` — its users and roles, its data's amendments: an
    administrator of it (whose every operation reaches the whole district), or a superuser. No other
    role's table row reaches that far, so a page that manages the district asks this rather than
    one operation of the table."""
    return superuser or any(m.district == district and all(
        TABLE.get(m.role, {}).get(op) == Reach.DISTRICT for op in (*OPERATIONS, *SERVICE_OPERATIONS))
        for m in members)


def covers_district(members: Iterable[Member], operation: str, district: str, *, superuser: bool = False) -> bool:
    """``operation`` is allowed on every object of ``district`` (a district-wide or every-district
    reach): what :func:`decide` would answer for each, without asking it object by object."""
    return superuser or any(reach in (Reach.DISTRICT, Reach.EVERY_DISTRICT) and _covers(m, reach, district, "", ())
                            for m in members if (reach := TABLE.get(m.role, {}).get(operation)) is not None)


def _covers(member: Member, reach: Reach, district: str, host: str, participants: Sequence[str]) -> bool:
    if reach == Reach.EVERY_DISTRICT:
        return True
    if member.district != district:
        return False
    if reach == Reach.DISTRICT:
        return True
    if reach == Reach.HOSTED:
        return bool(member.organisation) and member.organisation == host
    return bool(member.organisation) and (member.organisation == host or member.organisation in participants)


def decide(members: Iterable[Member], operation: str, district: str, engagement: Mapping[str, Any], *,
           superuser: bool = False) -> Decision:
    """May the caller (its memberships) do ``operation`` to ``engagement`` (its ``host`` and
    ``participants``, as the plan's JSON gives them) of ``district``?"""
    mine = tuple(members)
    if not sees_district(mine, district, superuser=superuser):
        return Decision.HIDDEN
    if superuser:
        return Decision.ALLOWED
    host, participants = str(engagement.get("host", "")), tuple(engagement.get("participants", ()))
    for member in mine:
        reach = TABLE.get(member.role, {}).get(operation)
        if reach is not None and _covers(member, reach, district, host, participants):
            return Decision.ALLOWED
    return Decision.FORBIDDEN
