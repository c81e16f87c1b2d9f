"""Who may do what: one table (:data:`TABLE`, role × operation → the reach of the permission) and
one rule applying it to an object (:func:`decide`). Every operation of the API asks here; the docs'
roles table and the authorisation-matrix test are about this table.

The reach of a permission is what objects of a district it covers:

- ``every district`` — any district's objects (the city auditor's reading);
- ``district`` — any object of a district the caller is a member of;
- ``hosted`` — the engagements the member's organisation hosts (a department's own);
- ``attended`` — the engagements the member's organisation takes part in (a party branch's or the
  ICF's: those it attends; the host attends its own too).

Another district's objects are not shown to exist (404, as an unknown id: an id cannot be probed);
another body's object in a district the caller may see is 403 (it exists, and the caller is told it
is not theirs). A Django superuser is an administrator of every district.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

__all__ = ["OPERATIONS", "ROLE_NAMES", "ROLE_NAMES_OF_OPERATION", "SCOPE_OF", "TABLE", "WRITES", "Decision",
           "Member", "Reach", "covers_district", "decide", "reads_every_district", "sees_district"]


class Reach(enum.StrEnum):
    EVERY_DISTRICT = "every district"
    DISTRICT = "district"
    HOSTED = "hosted"
    ATTENDED = "attended"


#: Every operation on an engagement: read it, change it (the four changes of `liaison plan`), read its audit.
OPERATIONS = ("read", "confirm", "move", "cancel", "held", "audit")
WRITES = frozenset({"confirm", "move", "cancel", "held"})
#: The token scope each operation needs (a session has both).
SCOPE_OF: Mapping[str, str] = {op: "write" if op in WRITES else "read" for op in OPERATIONS}

_ALL = dict.fromkeys(OPERATIONS, Reach.DISTRICT)

#: THE table: role → operation → reach. An operation a role does not list is not allowed to it.
TABLE: Mapping[str, Mapping[str, Reach]] = {
    # 统战部 / 政府办: the whole district
    "administrator": _ALL,
    # a department: its own engagements, those it hosts
    "clerk": dict.fromkeys(OPERATIONS, Reach.HOSTED),
    # a party branch or the ICF: read the engagements it attends and agree (confirm) their dates
    "liaison_officer": {"read": Reach.ATTENDED, "confirm": Reach.ATTENDED, "audit": Reach.ATTENDED},
    # read-only, its district
    "auditor": {"read": Reach.DISTRICT, "audit": Reach.DISTRICT},
    # read-only, every district of the deployment
    "city_auditor": {"read": Reach.EVERY_DISTRICT, "audit": Reach.EVERY_DISTRICT},
}

#: What a refusal says the caller may not do ("your role may not …").
ROLE_NAMES_OF_OPERATION: Mapping[str, tuple[str, str]] = {
    "read": ("read it", "查看"), "confirm": ("confirm it", "确认"), "move": ("move it", "改期"),
    "cancel": ("cancel it", "取消"), "held": ("mark it held", "标记为已召开"),
    "audit": ("read its audit log", "查看审计日志"),
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
