"""The district file's cross-object checks, one function per concern.

The per-field validators (:mod:`liaison.text`, the attrs classes) check each value alone; these check
what only the whole document can tell: ids and names unique, pairings between a department and a
branch or the ICF under a clause that creates pairings, versions that do not overlap, rules quoting
their own provision. Each problem is a :class:`DataError` with the path of the offending field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from liaison.errors import DataError
from liaison.loader import DOC, DistrictDocument
from liaison.model import COUNTERPART_KINDS, Organisation, OrgKind
from liaison.rules import Cadence, Invitation

Check = Callable[[DistrictDocument], Iterator[tuple[str, str, str]]]  # (path, message, fix)


def check_district(doc: DistrictDocument, *, file: str | None) -> None:
    """Every check in turn; the first problem is raised."""
    for check in CHECKS:
        for path, message, fix in check(doc):
            raise DataError(message, file=file, path=path, fix=f"{fix} (see {DOC['district']})")


def _first_duplicate(values: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str, str]]:
    """(path, first path, value) for each value seen before."""
    seen: dict[str, str] = {}
    for path, value in values:
        if value in seen:
            yield path, seen[value], value
        else:
            seen[value] = path


def unique_ids(doc: DistrictDocument) -> Iterator[tuple[str, str, str]]:
    ids = (("organisations", [o.id for o in doc.organisations]), ("provisions", [p.id for p in doc.provisions]))
    for section, values in ids:
        for path, first, value in _first_duplicate((f"$.{section}[{i}].id", v) for i, v in enumerate(values)):
            yield path, f"duplicate id {value!r} (first at {first})", "give each a unique id"


def unique_names(doc: DistrictDocument) -> Iterator[tuple[str, str, str]]:
    """Names, short names and aliases answer look-ups: each may belong to one organisation only."""
    def names(i: int, o: Organisation) -> Iterator[tuple[str, str]]:
        yield f"$.organisations[{i}].name", o.name.casefold()
        if o.short_name != o.name:
            yield f"$.organisations[{i}].short_name", o.short_name.casefold()
        yield f"$.organisations[{i}].name_en", o.name_en.casefold()
        for k, alias in enumerate(a for a in o.aliases if a not in (o.name, o.short_name)):
            yield f"$.organisations[{i}].aliases[{k}]", alias.casefold()

    ids = {o.id.casefold() for o in doc.organisations}
    owner: dict[str, tuple[str, int]] = {}
    for i, o in enumerate(doc.organisations):
        for path, name in names(i, o):
            if name in ids and name != o.id:
                yield path, f"the name {name!r} is another organisation's id", "give each organisation its own names"
            previous = owner.get(name)
            if previous is not None and previous[1] != i:
                yield path, f"the name {name!r} is already used (at {previous[0]})", \
                    "give each organisation its own name, short name and aliases"
            owner.setdefault(name, (path, i))


def branches_name_their_party(doc: DistrictDocument) -> Iterator[tuple[str, str, str]]:
    for i, o in enumerate(doc.organisations):
        if o.kind == OrgKind.PARTY_BRANCH and o.party is None:
            yield (f"$.organisations[{i}].party", f"party branch {o.id!r} names no party",
                   'add party = "rcck" (or cdl, cndca, capd, cpwdp, czgp, jiusan, tdsl)')


def pairings_join_a_department_and_a_counterpart(doc: DistrictDocument) -> Iterator[tuple[str, str, str]]:
    orgs = {o.id: o for o in doc.organisations}
    clauses = {p.id: p for p in doc.provisions}
    for i, pairing in enumerate(doc.pairings):
        here = f"$.pairings[{i}]"
        dept, other = orgs.get(pairing.department), orgs.get(pairing.counterpart)
        if dept is None:
            yield (f"{here}.department", f"unknown organisation {pairing.department!r}",
                   "use an id from [[organisations]]")
        elif other is None:
            yield f"{here}.counterpart", f"unknown organisation {pairing.counterpart!r}", \
                "use an id from [[organisations]]"
        elif dept.kind != OrgKind.DEPARTMENT:
            yield (f"{here}.department", f"{dept.name} ({dept.kind.value}) is not a department",
                   "the department side must be an organisation of kind department")
        elif other.kind not in COUNTERPART_KINDS:
            yield (f"{here}.counterpart", f"{dept.name} is paired with {other.name} ({other.kind.value}), which is "
                   "not a party branch or the ICF", "a counterpart must be of kind party_branch or icf")
        elif pairing.clause not in clauses:
            yield f"{here}.clause", f"no provision {pairing.clause!r}", "cite the provision that creates the pairing"
        elif clauses[pairing.clause].pairing_role is None:
            yield (f"{here}.clause", f"{pairing.clause} creates no pairings",
                   'cite a provision with pairing_role = "common_liaison" or "listed"')


def pairing_versions_do_not_overlap(doc: DistrictDocument) -> Iterator[tuple[str, str, str]]:
    versions: dict[tuple[str, str], list[int]] = {}
    for i, pairing in enumerate(doc.pairings):
        for j in versions.setdefault(pairing.key, []):
            if doc.pairings[j].validity.overlaps(pairing.validity):
                yield (f"$.pairings[{i}].valid_from", f"overlapping versions of the pairing {pairing.department} ↔ "
                       f"{pairing.counterpart} (with $.pairings[{j}])",
                       "end the earlier version (valid_until) on or before the later one's valid_from")
        versions[pairing.key].append(i)


def rule_versions_are_consistent(doc: DistrictDocument) -> Iterator[tuple[str, str, str]]:
    """One key, one kind, one provision; versions of a key never overlap."""
    seen: dict[str, tuple[int, int]] = {}
    for i, prov in enumerate(doc.provisions):
        for k, rule in enumerate(prov.rules):
            here = f"$.provisions[{i}].rules[{k}]"
            if rule.key not in seen:
                seen[rule.key] = (i, k)
                continue
            pi, pk = seen[rule.key]
            first = doc.provisions[pi].rules[pk]
            if pi != i:
                yield f"{here}.key", f"rule key {rule.key!r} is used by {doc.provisions[pi].id} too", "use a new key"
            elif type(first) is not type(rule):
                yield f"{here}.kind", f"rule {rule.key!r} changes kind between versions", "use a new key"
            elif any(r.key == rule.key and r.validity.overlaps(rule.validity) for r in prov.rules[:k]):
                yield (f"{here}.valid_from", f"overlapping versions of rule {rule.key!r}",
                       "end the earlier version (valid_until) before the later one starts")


_PUNCTUATION = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"})


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(_PUNCTUATION))


def rules_quote_their_provision(doc: DistrictDocument) -> Iterator[tuple[str, str, str]]:
    """A rule's ``sentence_zh`` is words of its own provision (punctuation width and spaces aside)."""
    for i, prov in enumerate(doc.provisions):
        text = _normal(prov.text_zh)
        for k, rule in enumerate(prov.rules):
            if rule.sentence_zh and _normal(rule.sentence_zh) not in text:
                yield (f"$.provisions[{i}].rules[{k}].sentence_zh", f"the sentence is not in the text of {prov.id}",
                       "quote the provision's own words")


def a_government_exists_where_rules_need_one(doc: DistrictDocument) -> Iterator[tuple[str, str, str]]:
    if any(o.kind == OrgKind.DISTRICT_GOVERNMENT for o in doc.organisations):
        return
    for i, prov in enumerate(doc.provisions):
        for k, rule in enumerate(prov.rules):
            if (isinstance(rule, Cadence) and rule.scope == "government") or (
                    isinstance(rule, Invitation) and rule.host == "district_government"):
                yield (f"$.provisions[{i}].rules[{k}]", f"rule {rule.key!r} needs a district government, and the "
                       "data names none", "add an organisation of kind district_government")
                return


CHECKS: tuple[Check, ...] = (
    unique_ids,
    unique_names,
    branches_name_their_party,
    pairings_join_a_department_and_a_counterpart,
    pairing_versions_do_not_overlap,
    rule_versions_are_consistent,
    rules_quote_their_provision,
    a_government_exists_where_rules_need_one,
)
