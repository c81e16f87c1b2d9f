"""What a membership may be bound to — one rule for every place a role is given (the office's users
page, Django's admin): the district-wide roles to no organisation, a clerk to a government body or a
department of the district, a liaison officer to a party branch or the ICF; the city auditor to no
district at all."""

from __future__ import annotations

from liaison.law.district import District
from liaison_web.errors import InvalidRequest

__all__ = ["BOUND", "DISTRICT_ROLES", "bound_organisation"]

DISTRICT_ROLES = ("administrator", "clerk", "liaison_officer", "auditor")
#: The bodies a role is bound to: a clerk to a government body or department, a liaison officer to a
#: party branch or the ICF; the district-wide roles to none.
BOUND = {"clerk": frozenset({"district_government", "government_office", "peoples_congress", "department"}),
         "liaison_officer": frozenset({"party_branch", "icf"})}


def _invalid(field: str, en: str, zh: str, fix: str, fix_zh: str) -> InvalidRequest:
    return InvalidRequest(en, path=(field,), fix=fix, message_zh=zh, fix_zh=fix_zh)


def bound_organisation(district: District, role: str, organisation: str) -> str:
    """The id of the body a membership of ``role`` in ``district`` is bound to (a name or an alias
    given is resolved; "" for the district-wide roles, which must name none): an
    :class:`InvalidRequest` (or the library's unknown organisation) otherwise."""
    organisation = organisation.strip()
    if role not in DISTRICT_ROLES:
        raise _invalid("role", f"{role!r} is not a role of a district", f"{role!r} 不是区内角色",
                       "choose a role from the list", "请从列表中选择角色")
    if role not in BOUND:
        if organisation:
            raise _invalid("organisation", f"a {role} is the whole district's: it is bound to no organisation",
                           "该角色面向全区，不绑定单位", "leave the organisation empty", "请不填单位")
        return ""
    if not organisation:
        raise _invalid("organisation", f"a {role} is bound to an organisation", "该角色须绑定一个单位",
                       "choose its organisation", "请选择所属单位")
    body = district.organisation(organisation)
    if body.kind.value not in BOUND[role]:
        raise _invalid("organisation", f"{body.name_en or body.name} cannot have a {role}",
                       f"{body.name}不能设置该角色", "choose a body of the role's kind", "请选择与角色相符的单位")
    return body.id
