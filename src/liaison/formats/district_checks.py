"""The district file's cross-object checks, one function per concern.

The per-field validators (:mod:`liaison.base.text`, the attrs classes) check each value alone; these check
what only the whole document can tell: ids and names unique, pairings between a department and a
branch or the ICF under a clause that creates pairings, versions that do not overlap, rules quoting
their own provision. Every problem is found, not only the first: they are raised together as one
:class:`DataError` (:meth:`DataError.several`), each with the path of the offending field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import attrs

from liaison.base.errors import DataError, Path, Problem, render_path
from liaison.base.text import name_key
from liaison.formats.syntax import DOC
from liaison.law.model import COUNTERPART_KINDS, DistrictInfo, Organisation, OrgKind, Pairing
from liaison.law.rules import (
    ACTIVITIES,
    Cadence,
    Invitation,
    Provision,
    RecordOnly,
    Response,
    Routing,
    normal_text,
    record_section,
)


@attrs.frozen
class DistrictDocument:
    """The shape of a district file, one to one."""

    district: DistrictInfo
    organisations: tuple[Organisation, ...]
    pairings: tuple[Pairing, ...]
    provisions: tuple[Provision, ...]


#: One problem of the document: where (keys and indices from the top) and what, in both languages.
Found = tuple[Path, Problem]
Check = Callable[[DistrictDocument], Iterator[Found]]


def _found(path: Path, message: str, message_zh: str, fix: str, fix_zh: str) -> Found:
    return path, Problem(message=message, message_zh=message_zh, fix=f"{fix} (see {DOC['district']})",
                         fix_zh=f"{fix_zh}（见 {DOC['district']}）")


def check_district(doc: DistrictDocument, *, file: str | None) -> None:
    """Every check in turn; every problem found is raised, together, in one :class:`DataError`."""
    found = [DataError(p.message, file=file, path=path, fix=p.fix, message_zh=p.message_zh, fix_zh=p.fix_zh)
             for check in CHECKS for path, p in check(doc)]
    if found:
        raise DataError.several(found)


def _first_duplicate(values: Iterable[tuple[Path, str]]) -> Iterator[tuple[Path, Path, str]]:
    """(path, first path, value) for each value seen before."""
    seen: dict[str, Path] = {}
    for path, value in values:
        if value in seen:
            yield path, seen[value], value
        else:
            seen[value] = path


def unique_ids(doc: DistrictDocument) -> Iterator[Found]:
    ids = (("organisations", [o.id for o in doc.organisations]), ("provisions", [p.id for p in doc.provisions]))
    for section, values in ids:
        for path, first, value in _first_duplicate(((section, i, "id"), v) for i, v in enumerate(values)):
            at = render_path(first)
            yield _found(path, f"duplicate id {value!r} (first at {at})", f"编号“{value}”重复（首次出现在 {at}）",
                         "give each a unique id", "请给每一项不同的编号")


def unique_names(doc: DistrictDocument) -> Iterator[Found]:
    """Names, short names and aliases answer look-ups: each may belong to one organisation only,
    compared as look-ups compare them (:func:`name_key`)."""
    def names(i: int, o: Organisation) -> Iterator[tuple[Path, str]]:
        yield ("organisations", i, "name"), o.name
        if o.short_name != o.name:
            yield ("organisations", i, "short_name"), o.short_name
        yield ("organisations", i, "name_en"), o.name_en
        for k, alias in enumerate(a for a in o.aliases if a not in (o.name, o.short_name)):
            yield ("organisations", i, "aliases", k), alias

    ids = {name_key(o.id) for o in doc.organisations}
    owner: dict[str, tuple[Path, int]] = {}
    for i, o in enumerate(doc.organisations):
        for path, name in names(i, o):
            key = name_key(name)
            if key in ids and key != o.id:
                yield _found(path, f"the name {name!r} is another organisation's id", f"名称“{name}”是另一单位的编号",
                              "give each organisation its own names", "请给每个单位不同的名称")
            previous = owner.get(key)
            if previous is not None and previous[1] != i:
                yield _found(path, f"the name {name!r} is already used (at {render_path(previous[0])})",
                              f"名称“{name}”已被使用（{render_path(previous[0])}）",
                              "give each organisation its own name, short name and aliases (width, case and "
                              "spaces do not tell names apart)",
                              "请给每个单位不同的全称、简称和别名（全角半角、大小写、空格不算不同）")
            owner.setdefault(key, (path, i))


def branches_name_their_party(doc: DistrictDocument) -> Iterator[Found]:
    for i, o in enumerate(doc.organisations):
        if o.kind == OrgKind.PARTY_BRANCH and o.party is None:
            yield _found(("organisations", i, "party"), f"party branch {o.id!r} names no party",
                          f"民主党派组织“{o.name}”未写明所属党派",
                          'add party = "rcck" (or cdl, cndca, capd, cpwdp, czgp, jiusan, tdsl)',
                          '请加上 party = "rcck"（或 cdl、cndca、capd、cpwdp、czgp、jiusan、tdsl）')


def pairings_join_a_department_and_a_counterpart(doc: DistrictDocument) -> Iterator[Found]:
    orgs = {o.id: o for o in doc.organisations}
    clauses = {p.id: p for p in doc.provisions}
    for i, pairing in enumerate(doc.pairings):
        here: Path = ("pairings", i)
        dept, other = orgs.get(pairing.department), orgs.get(pairing.counterpart)
        if dept is None or other is None:
            side, ref = ("department", pairing.department) if dept is None else ("counterpart", pairing.counterpart)
            yield _found((*here, side), f"unknown organisation {ref!r}", f"没有编号为“{ref}”的单位",
                          "use an id from [[organisations]]", "请使用 [[organisations]] 中的编号")
        elif dept.kind != OrgKind.DEPARTMENT:
            yield _found((*here, "department"), f"{dept.name} ({dept.kind.value}) is not a department",
                          f"{dept.name}不是区直部门", "the department side must be an organisation of kind department",
                          "部门一方应为 kind = \"department\" 的单位")
        elif other.kind not in COUNTERPART_KINDS:
            yield _found((*here, "counterpart"), f"{dept.name} is paired with {other.name} ({other.kind.value}), "
                          "which is not a party branch or the ICF", f"{other.name}不是民主党派组织或工商联",
                          "a counterpart must be of kind party_branch or icf",
                          "对口一方应为 party_branch 或 icf 类单位")
        elif pairing.clause not in clauses:
            yield _found((*here, "clause"), f"no provision {pairing.clause!r}", f"没有条款“{pairing.clause}”",
                          "cite the provision that creates the pairing", "请引用规定对口联系的条款")


def cited_provisions_create_pairings(doc: DistrictDocument) -> Iterator[Found]:
    """A provision pairings cite says how it creates them (``pairing_role``): the problem is the
    provision's, said once, however many pairings cite it."""
    cited: dict[str, int] = {}
    for pairing in doc.pairings:
        cited[pairing.clause] = cited.get(pairing.clause, 0) + 1
    for i, prov in enumerate(doc.provisions):
        count = cited.get(prov.id, 0)
        if count and prov.pairing_role is None:
            pairings = "1 pairing" if count == 1 else f"{count} pairings"
            yield _found(("provisions", i, "pairing_role"), f"{prov.id} is cited by {pairings} (their clause) and "
                          "says no pairing_role", f"{prov.id}被 {count} 个对口关系引用（clause），但未写 pairing_role",
                          'add pairing_role = "common_liaison" (each department it names is paired with every party '
                          'branch and the ICF) or "listed" (it lists the pairings)',
                          '请加上 pairing_role = "common_liaison"（所列部门与各民主党派、工商联均对口联系）'
                          '或 "listed"（逐一列出对口关系）')


def pairing_versions_do_not_overlap(doc: DistrictDocument) -> Iterator[Found]:
    versions: dict[tuple[str, str], list[int]] = {}
    for i, pairing in enumerate(doc.pairings):
        for j in versions.setdefault(pairing.key, []):
            if doc.pairings[j].validity.overlaps(pairing.validity):
                yield _found(("pairings", i, "valid_from"), f"overlapping versions of the pairing "
                              f"{pairing.department} ↔ {pairing.counterpart} (with {render_path(('pairings', j))})",
                              f"同一对口关系的两个版本时间重叠（与 {render_path(('pairings', j))}）",
                              "end the earlier version (valid_until) on or before the later one's valid_from",
                              "请让前一版本的 valid_until 不晚于后一版本的 valid_from")
        versions[pairing.key].append(i)


def rule_versions_are_consistent(doc: DistrictDocument) -> Iterator[Found]:
    """One key, one kind, one provision; versions of a key never overlap."""
    seen: dict[str, tuple[int, int]] = {}
    for i, prov in enumerate(doc.provisions):
        for k, rule in enumerate(prov.rules):
            here: Path = ("provisions", i, "rules", k)
            if rule.key not in seen:
                seen[rule.key] = (i, k)
                continue
            pi, pk = seen[rule.key]
            first = doc.provisions[pi].rules[pk]
            if pi != i:
                yield _found((*here, "key"), f"rule key {rule.key!r} is used by {doc.provisions[pi].id} too",
                              f"规则键“{rule.key}”已被{doc.provisions[pi].id}使用", "use a new key", "请换一个键")
            elif type(first) is not type(rule):
                yield _found((*here, "kind"), f"rule {rule.key!r} changes kind between versions",
                              f"规则“{rule.key}”的各版本种类不同", "use a new key", "请换一个键")
            elif any(r.key == rule.key and r.validity.overlaps(rule.validity) for r in prov.rules[:k]):
                yield _found((*here, "valid_from"), f"overlapping versions of rule {rule.key!r}",
                              f"规则“{rule.key}”的两个版本时间重叠",
                              "end the earlier version (valid_until) before the later one starts",
                              "请让前一版本在后一版本生效前结束（valid_until）")


def rules_quote_their_provision(doc: DistrictDocument) -> Iterator[Found]:
    """A rule quotes the sentence it implements (``sentence_zh``), in the words of its own provision as
    worded while the rule version is in force (every wording, when the text was amended meanwhile;
    punctuation width and spaces aside): findings and letters quote it, never an empty quote. A
    sentence the data notes is words of some wording of its provision, implemented by one of its rules."""
    normal: dict[str, str] = {}  # each wording normalised once, however many rules quote it

    def normal_wording(text: str) -> str:
        found = normal.get(text)
        if found is None:
            found = normal[text] = normal_text(text)
        return found

    for i, prov in enumerate(doc.provisions):
        for k, rule in enumerate(prov.rules):
            if not rule.sentence_zh.strip():
                yield _found(("provisions", i, "rules", k, "sentence_zh"),
                              f"rule {rule.key!r} quotes no sentence of {prov.id}",
                              f"规则“{rule.key}”未引用{prov.id}的原文句子",
                              "quote the sentence of the provision this rule implements (sentence_zh = \"…\")",
                              "请在 sentence_zh 中引用本规则所实施的原文句子")
                continue
            for version in prov.texts_over(rule.validity):
                if normal_text(rule.sentence_zh) not in normal_wording(version.text_zh):
                    since = "" if version.valid_from == prov.texts()[0].valid_from else version.valid_from.isoformat()
                    yield _found(("provisions", i, "rules", k, "sentence_zh"),
                                  f"the sentence is not in the text of {prov.id}" + (f" as amended on {since}" if since
                                                                                     else ""),
                                  f"这句话不在{prov.id}的原文中" + (f"（{since}修订后的文本）" if since else ""),
                                  "quote the provision's own words; a rule whose sentence the amendment changed "
                                  "needs a new version from the amendment's day (valid_until / valid_from)",
                                  "请引用该条原文；修订改变了所引句子的，请自修订之日起给规则一个新版本")
                    break
        texts = [normal_wording(t.text_zh) for t in prov.texts()]
        keys = {r.key for r in prov.rules} | {"pairings"}
        for k, sentence in enumerate(prov.sentences):
            if not any(normal_text(sentence.sentence_zh) in text for text in texts):
                yield _found(("provisions", i, "sentences", k, "sentence_zh"),
                              f"the sentence is not in the text of {prov.id}", f"这句话不在{prov.id}的原文中",
                              "quote the provision's own words", "请引用该条原文")
            if sentence.implemented_by and sentence.implemented_by not in keys:
                yield _found(("provisions", i, "sentences", k, "implemented_by"),
                              f"{prov.id} has no rule {sentence.implemented_by!r}",
                              f"{prov.id}没有规则“{sentence.implemented_by}”",
                              f"name one of its rules ({', '.join(sorted(keys))}), or leave it out for a sentence "
                              "not modelled", f"请写该条的规则键（{'、'.join(sorted(keys))}），未建模的句子不写")


def amendments_follow_each_other(doc: DistrictDocument) -> Iterator[Found]:
    """A provision's wordings take effect one after another: each amendment after the one before."""
    for i, prov in enumerate(doc.provisions):
        for k, version in enumerate(prov.amendments):
            if k and version.valid_from <= prov.amendments[k - 1].valid_from:
                yield _found(("provisions", i, "amendments", k, "valid_from"),
                              f"amendment {k + 1} of {prov.id} takes effect on {version.valid_from}, not after the "
                              f"one before ({prov.amendments[k - 1].valid_from})",
                              f"{prov.id}的第{k + 1}次修订生效日期（{version.valid_from}）不晚于前一次"
                              f"（{prov.amendments[k - 1].valid_from}）",
                              "list the amendments in the order they take effect, on different days",
                              "请按生效先后列出各次修订，生效日期各不相同")


def record_kinds_are_named(doc: DistrictDocument) -> Iterator[Found]:
    """A record-only kind of the district's own (kept in ``[[activities]]``) says what its records are
    called, so findings and the ledger can name them; one kind, one rule key."""
    keys: dict[str, str] = {}
    for i, prov in enumerate(doc.provisions):
        for k, rule in enumerate(prov.rules):
            if not isinstance(rule, RecordOnly) or record_section(rule.record_kind) != ACTIVITIES:
                continue
            here: Path = ("provisions", i, "rules", k)
            if not rule.label_zh:
                yield _found((*here, "label_zh"), f"record kind {rule.record_kind!r} is the district's own: say what "
                              "its records are called", f"记录种类“{rule.record_kind}”为本区自定：请写明名称",
                              'add label_zh = "…" (and label_en)', '请加上 label_zh = "…"（及 label_en）')
            if keys.setdefault(rule.record_kind, rule.key) != rule.key:
                yield _found((*here, "record_kind"), f"record kind {rule.record_kind!r} is kept by rule "
                              f"{keys[rule.record_kind]!r} already", f"记录种类“{rule.record_kind}”已由规则"
                              f"“{keys[rule.record_kind]}”使用", "give each rule its own record kind",
                              "请给每条规则不同的记录种类")


def a_government_exists_where_rules_need_one(doc: DistrictDocument) -> Iterator[Found]:
    if any(o.kind == OrgKind.DISTRICT_GOVERNMENT for o in doc.organisations):
        return
    for i, prov in enumerate(doc.provisions):
        for k, rule in enumerate(prov.rules):
            if (isinstance(rule, Cadence) and rule.scope == "government") or (
                    isinstance(rule, Invitation) and rule.host == "district_government") or (
                    isinstance(rule, Invitation | Routing) and rule.recipients == "government"):
                yield _found(("provisions", i, "rules", k), f"rule {rule.key!r} needs a district government, "
                              "and the data names none", f"规则“{rule.key}”需要区政府，但数据中没有",
                              "add an organisation of kind district_government",
                              "请加上 kind = \"district_government\" 的单位")
                return


#: Who hosts a cadence of each scope, and who answers each trigger: what the planner and the checker do,
#: so a rule may not say otherwise (a host or responder the code would ignore).
SCOPE_HOSTS: dict[str, tuple[str, ...]] = {"government": ("district_government",),
                                           "department": ("department", "either_side"),
                                           "pairing": ("department", "either_side")}
RESPONDERS = {"consultation": "branches", "research_result": "department"}


def rules_say_what_the_code_does(doc: DistrictDocument) -> Iterator[Found]:
    """A cadence's host follows its scope; a response's responder follows its trigger."""
    for i, prov in enumerate(doc.provisions):
        for k, rule in enumerate(prov.rules):
            here: Path = ("provisions", i, "rules", k)
            if isinstance(rule, Cadence) and rule.host not in SCOPE_HOSTS[rule.scope]:
                want = " or ".join(f'"{h}"' for h in SCOPE_HOSTS[rule.scope])
                want_zh = "或".join(f"“{h}”" for h in SCOPE_HOSTS[rule.scope])
                yield _found((*here, "host"), f"a cadence of scope {rule.scope!r} is hosted by {want}, not "
                              f"{rule.host!r}", f"范围为“{rule.scope}”的周期性规则由{want_zh}主办，不是“{rule.host}”",
                              f"write host = {want}", f"请写 host = {want}")
            if isinstance(rule, Response) and rule.responder != RESPONDERS[rule.trigger]:
                want = RESPONDERS[rule.trigger]
                yield _found((*here, "responder"), f"a response to a {rule.trigger} comes from {want!r}, not "
                              f"{rule.responder!r}", f"对“{rule.trigger}”的答复来自“{want}”，不是“{rule.responder}”",
                              f'write responder = "{want}"', f'请写 responder = "{want}"')


CHECKS: tuple[Check, ...] = (
    unique_ids,
    unique_names,
    branches_name_their_party,
    pairings_join_a_department_and_a_counterpart,
    cited_provisions_create_pairings,
    pairing_versions_do_not_overlap,
    rule_versions_are_consistent,
    rules_quote_their_provision,
    amendments_follow_each_other,
    record_kinds_are_named,
    a_government_exists_where_rules_need_one,
    rules_say_what_the_code_does,
)
