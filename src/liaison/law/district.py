"""A district: its organisations, dated pairings and provisions, and the questions asked of them.

Every answer is "as of" a date and carries the provision IDs it rests on, so a caller can show the
verbatim text behind each name on a cc list or an invitation.

About 430 lines on purpose: every question (who is paired, who is copied, who is invited, which rules
are in force) is a method of the one frozen :class:`District`, so an exporter or the checker needs one
object, and the answers' value types (:class:`CcList`, :class:`InviteeList`, :class:`Counterparts`)
sit beside the method that builds them. What a body owes in a year is :mod:`liaison.law.duties`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Iterable, Iterator, Sequence

import attrs

from liaison.base.errors import LiaisonError, UnknownOrganisationError, UnknownProvisionError, WrongKindError
from liaison.base.text import NAME_MAX, name_key, shorten
from liaison.law.model import COUNTERPART_KINDS, GOVERNMENT_KINDS, DistrictInfo, Organisation, OrgKind, Pairing
from liaison.law.rules import (
    ENGAGEMENT_KIND_EN,
    ENGAGEMENT_KIND_ZH,
    EVENT_KINDS,
    Cadence,
    EngagementKind,
    Invitation,
    Modality,
    Provision,
    R,
    Routing,
    Rule,
)
from liaison.law.terms import (
    DOCUMENT_KIND_EN,
    DOCUMENT_KIND_ZH,
    HOST_EN,
    HOST_ZH,
    RECIPIENTS_EN,
    RECIPIENTS_ZH,
    term,
)

#: The organisations a rule's ``host`` admits, by kind (the one table; records, events and the
#: checker all read it).
HOST_KINDS: dict[str, frozenset[OrgKind]] = {
    "district_government": GOVERNMENT_KINDS,
    "department": frozenset({OrgKind.DEPARTMENT}),
    "town_government": frozenset({OrgKind.TOWN_GOVERNMENT}),
    "counterpart": COUNTERPART_KINDS,
    "either_side": frozenset({OrgKind.DEPARTMENT}) | COUNTERPART_KINDS,
    "government_or_department": GOVERNMENT_KINDS | {OrgKind.DEPARTMENT},
}


@attrs.frozen
class Recipient:
    """One organisation on a cc list or an invitee list, with the provisions that put it there."""

    organisation: Organisation
    provisions: tuple[str, ...]
    role_zh: str = ""
    role_en: str = ""


@attrs.frozen(kw_only=True)
class CcList:
    """§3.2: who a document must be copied to."""

    issuer: Organisation
    document_kind: str
    date: dt.date
    recipients: tuple[Recipient, ...]
    provisions: tuple[str, ...]
    note_zh: str = ""
    note_en: str = ""
    rule: str = ""  # the key of the routing rule that applies (the first, when several do)
    #: that rule with its provision, the objects a letter quotes (None when no rule applies)
    routing: tuple[Provision, Routing] | None = attrs.field(default=None, eq=False)

    def ids(self) -> tuple[str, ...]:
        return tuple(r.organisation.id for r in self.recipients)

    @property
    def organisations(self) -> tuple[Organisation, ...]:
        return tuple(r.organisation for r in self.recipients)


@attrs.frozen(kw_only=True)
class InviteeList:
    """Who an event invites (§1.2, §1.3, §1.4, §3.5), in which role, and how binding that is."""

    event_kind: EngagementKind
    date: dt.date
    host: Organisation | None
    recipients: tuple[Recipient, ...]
    provisions: tuple[str, ...]
    modality: Modality
    note_zh: str = ""
    note_en: str = ""
    rule: Invitation | None = None

    def ids(self) -> tuple[str, ...]:
        return tuple(r.organisation.id for r in self.recipients)


@attrs.frozen
class Counterparts:
    """The answer to "who is X paired with, as of D": the pairings, each with its clause."""

    organisation: Organisation
    as_of: dt.date
    pairings: tuple[Pairing, ...]
    others: tuple[Organisation, ...]

    @property
    def provisions(self) -> tuple[str, ...]:
        return tuple(sorted({p.clause for p in self.pairings}))


@attrs.frozen
class PairingSpan:
    """One pairing over a period: the days it is in force, across all its versions (an amendment
    that only changes a note or the clause does not make two pairings)."""

    pairing: Pairing  # the latest version in the period
    start: dt.date
    end: dt.date  # inclusive
    versions: tuple[Pairing, ...]

    @property
    def key(self) -> tuple[str, str]:
        return self.pairing.key

    @property
    def in_force(self) -> tuple[dt.date, dt.date | None]:
        """From the first version's start to the last version's end (None: still in force)."""
        return self.versions[0].valid_from, self.versions[-1].valid_until

    def pieces(self) -> tuple[tuple[dt.date, dt.date], ...]:
        """The runs of days in force within the span (first and last day of each): one, unless a
        version ended and a later one began only after a gap."""
        runs: list[tuple[dt.date, dt.date]] = []
        for v in self.versions:
            start = max(self.start, v.valid_from)
            end = self.end if v.valid_until is None else min(self.end, v.valid_until - dt.timedelta(days=1))
            if start > end:
                continue
            if runs and start <= runs[-1][1] + dt.timedelta(days=1):
                runs[-1] = (runs[-1][0], max(runs[-1][1], end))
            else:
                runs.append((start, end))
        return tuple(runs)

    def longest_piece(self) -> tuple[dt.date, dt.date]:
        """The longest run of days in force (the earliest of equals): where an engagement of the
        pairing is planned."""
        if len(self.versions) == 1:  # one version: one run (the planner asks this of every pairing)
            return self.start, self.end
        return max(self.pieces(), key=lambda r: (r[1] - r[0], -r[0].toordinal()))


@attrs.frozen
class District:
    """The whole of one district's regulation as data. Build with :func:`liaison.load_district`."""

    info: DistrictInfo
    organisations: tuple[Organisation, ...]
    pairings: tuple[Pairing, ...]
    provisions: tuple[Provision, ...]

    # -- indexes (derived, never serialised) ------------------------------------------------------
    @functools.cached_property
    def _by_id(self) -> dict[str, Organisation]:
        return {o.id: o for o in self.organisations}

    @functools.cached_property
    def _by_name(self) -> dict[str, tuple[Organisation, ...]]:
        index: dict[str, list[Organisation]] = {}
        for org in self.organisations:
            for name in {name_key(n) for n in org.names() if n}:
                index.setdefault(name, []).append(org)
        return {k: tuple(v) for k, v in index.items()}

    @functools.cached_property
    def _provisions(self) -> dict[str, Provision]:
        return {p.id: p for p in self.provisions}

    @functools.cached_property
    def _position(self) -> dict[str, int]:
        """Each organisation's place in the directory, to put a few in directory order without a
        walk of the whole directory."""
        return {o.id: i for i, o in enumerate(self.organisations)}

    @functools.cached_property
    def _pairings_by_side(self) -> dict[str, tuple[Pairing, ...]]:
        """Every pairing version under its department's id and its counterpart's, in the data's order:
        a body's pairings without a scan of the district's (a per-department scan is quadratic)."""
        index: dict[str, list[Pairing]] = {}
        for p in self.pairings:
            index.setdefault(p.department, []).append(p)
            if p.counterpart != p.department:
                index.setdefault(p.counterpart, []).append(p)
        return {k: tuple(v) for k, v in index.items()}

    @functools.cached_property
    def _rules_by_type(self) -> dict[type, tuple[tuple[Provision, Rule], ...]]:
        """Every rule version with its provision under its class, in the data's order: the rules of a
        kind without a walk of every provision (a check asks once per recorded event)."""
        index: dict[type, list[tuple[Provision, Rule]]] = {}
        for prov in self.provisions:
            for rule in prov.rules:
                index.setdefault(type(rule), []).append((prov, rule))
        return {k: tuple(v) for k, v in index.items()}

    # -- organisations -------------------------------------------------------------------------------
    def organisation(self, ref: str | Organisation) -> Organisation:
        """Resolve an id, a full or short Chinese name, an English name or an alias.

        Raises :class:`UnknownOrganisationError` listing near matches when the reference is unknown
        or matches more than one organisation.
        """
        if isinstance(ref, Organisation):
            return ref
        text = ref.strip()
        if text in self._by_id:
            return self._by_id[text]
        found = self._by_name.get(name_key(text), ())
        shown = shorten(text)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            listed = "、".join(f"{o.name} ({o.id})" for o in found)
            raise UnknownOrganisationError(
                f"“{shown}” matches more than one organisation: {listed}", fix="use the id or the full name",
                message_zh=f"“{shown}”对应多个单位：{listed}", fix_zh="请写单位全称或编号")
        near = self._near(text) if len(text) <= NAME_MAX else ""
        raise UnknownOrganisationError(
            f"no organisation is called “{shown}”" + (f"; did you mean: {near}?" if near else ""),
            fix="use the id, full name, short name or an alias of one of the district's organisations",
            message_zh=f"没有名为“{shown}”的单位" + (f"；您是否要找：{near}" if near else ""),
            fix_zh="请写区内单位的全称、简称或编号")

    def _near(self, text: str) -> str:
        names = sorted(self._by_name)
        key = name_key(text)
        near = difflib.get_close_matches(key, names, n=5, cutoff=0.5)
        near += [n for n in names if len(text) >= 2 and key in n and n not in near]
        shown: list[str] = []
        for name in near[:6]:
            for org in self._by_name[name]:
                label = f"{org.name} ({org.id})"
                if label not in shown:
                    shown.append(label)
        return "、".join(shown)

    def full_name(self, ref: str | Organisation) -> str:
        """The name as a letterhead or a calendar writes it: the district's name in front of a body
        the regulation names only by its level (区人民政府办公室 → ××区人民政府办公室, 区卫生局 →
        ××区卫生局); other names as they are."""
        org = self.organisation(ref)
        level = self.info.name[-1:]
        if level and org.name.startswith(level) and self.info.name != level:
            return self.info.name + org.name[len(level):]
        return org.name

    def renamed(self, name: str, name_en: str | None = None) -> District:
        """The same district under another name (a one-off override of ``[district].name``). Without
        ``name_en`` the English outputs use ``name`` too: the data's English name belongs to the old one."""
        return attrs.evolve(self, info=attrs.evolve(self.info, name=name, name_en=name_en or name))

    def by_id(self) -> dict[str, Organisation]:
        """Organisations by id (a read-only view for bulk work such as planning)."""
        return self._by_id

    def of_kind(self, *kinds: OrgKind) -> tuple[Organisation, ...]:
        return tuple(o for o in self.organisations if o.kind in kinds)

    def counterparts(self) -> tuple[Organisation, ...]:
        """Every party branch and the ICF (the "all 8" of §3.2, §1.2, §3.1)."""
        return self._counterparts

    @functools.cached_property
    def _counterparts(self) -> tuple[Organisation, ...]:
        return tuple(o for o in self.organisations if o.kind in COUNTERPART_KINDS)

    @functools.cached_property
    def _counterpart_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self._counterparts)

    def includes_all_counterparts(self, ids: Iterable[str]) -> bool:
        """True when ``ids`` hold every branch and the ICF (and there is more than one): a meeting or a
        list then reads 各民主党派、工商联 rather than eight names."""
        return len(self._counterpart_ids) > 1 and self._counterpart_ids <= set(ids)

    def names_of(self, orgs: Iterable[str | Organisation], *, lang: str = "zh", exclude: Iterable[str] = ()) -> str:
        """The organisations (objects, or ids looked up here) as a letter or a message lists them:
        各民主党派、工商联 for all of them."""
        listed = list(orgs)
        given = {o.id: o for o in listed if isinstance(o, Organisation)}
        skip = set(exclude)
        chosen = [i for i in (o.id if isinstance(o, Organisation) else o for o in listed) if i not in skip]
        if self.includes_all_counterparts(chosen):
            rest = [i for i in chosen if i not in self._counterpart_ids]
            everyone = "各民主党派、工商联" if lang == "zh" else "every branch and the ICF"
            chosen_names = [self._name(given.get(i, i), lang) for i in rest] + [everyone]
        else:
            chosen_names = [self._name(given.get(i, i), lang) for i in chosen]
        return ("、" if lang == "zh" else ", ").join(chosen_names)

    def _name(self, ref: str | Organisation, lang: str) -> str:
        org = ref if isinstance(ref, Organisation) else self._by_id.get(ref)
        if org is None:
            return str(ref)
        return org.name_en if lang == "en" else org.name

    def departments(self) -> tuple[Organisation, ...]:
        return self.of_kind(OrgKind.DEPARTMENT)

    def government(self) -> Organisation:
        """The district government (host of §3.1 work meetings and §1.2 plenary meetings)."""
        found = self.of_kind(OrgKind.DISTRICT_GOVERNMENT)
        if not found:
            raise UnknownOrganisationError("the data names no district government",
                                           fix="add an organisation of kind district_government",
                                           message_zh="数据中没有区政府",
                                           fix_zh="请加上 kind = \"district_government\" 的单位")
        return found[0]

    def register_start(self, series: str, year: int) -> int:
        """The first number ``series`` may take in ``year``: where the office's 发文登记簿 stands
        (:class:`~liaison.law.model.Register`, a local setting), else 1."""
        return max((r.first_number for o in self.organisations for r in o.registers
                    if r.series == series and r.year == year), default=1)

    def general_office(self) -> Organisation:
        found = self.of_kind(OrgKind.GOVERNMENT_OFFICE)
        return found[0] if found else self.government()

    # -- words ----------------------------------------------------------------------------------------
    @functools.cached_property
    def _labels(self) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        for prov in self.provisions:
            for rule in prov.rules:
                kind = getattr(rule, "engagement_kind", None) or getattr(rule, "event_kind", None) or getattr(
                    rule, "document_kind", None)
                if kind is not None:
                    for lang, label in (("zh", rule.label_zh), ("en", rule.label_en)):
                        if label:
                            found.setdefault((str(kind), lang), label)
        return found

    def kind_name(self, kind: EngagementKind | str, lang: str = "zh") -> str:
        """What the district's text calls an engagement kind (a rule's ``label_zh``: 工作例会, 全体会议), else
        the project's word (联席会议, 区政府全体成员会议)."""
        key = EngagementKind(kind)
        return self._labels.get((key.value, lang)) or (ENGAGEMENT_KIND_EN if lang == "en" else ENGAGEMENT_KIND_ZH)[key]

    def document_kind_name(self, kind: str, lang: str = "zh") -> str:
        """What the district's text calls a kind of document (a routing rule's label), else the project's word."""
        return self._labels.get((kind, lang)) or term(DOCUMENT_KIND_EN if lang == "en" else DOCUMENT_KIND_ZH, kind)

    # -- provisions -------------------------------------------------------------------------------
    def provision(self, provision_id: str) -> Provision:
        """Look a provision up by its ID as the data gives it (``§3.6``, ``第三条``; ``3.6`` finds ``§3.6``)."""
        key = provision_id.strip()
        try:  # as the data writes it; else with the § a reader may leave out (3.6 for §3.6)
            return self._provisions[key] if key in self._provisions else self._provisions["§" + key]
        except KeyError:
            known = ", ".join(self._provisions)
            raise UnknownProvisionError(f"no provision {provision_id!r}", fix=f"use one of {known}",
                                        message_zh=f"没有条款“{provision_id}”", fix_zh=f"请使用：{known}") from None

    def rules(self, kind: type[R], as_of: dt.date) -> Iterator[tuple[Provision, R]]:
        """Every rule of a kind in force on ``as_of``, with its provision; typed by the kind asked for,
        so a caller needs no check of its own."""
        index = self._rules_by_type
        if any(issubclass(t, kind) and t is not kind for t in index):  # a base class asked for: every rule
            pairs: Iterable[tuple[Provision, Rule]] = ((p, r) for p in self.provisions for r in p.rules)
        else:
            pairs = index.get(kind, ())
        for prov, rule in pairs:
            if isinstance(rule, kind) and rule.validity.contains(as_of):
                yield prov, rule

    def provisions_in(self, first: dt.date, last: dt.date, *, section: str | None = None,
                      engagement_kind: EngagementKind | str | None = None) -> tuple[Provision, ...]:
        """The provisions with a rule in force some day of ``[first, last]``: those checked against a
        records ``section``, or those that count engagements of a kind (a ledger's sheets cite them)."""
        from liaison.law.rules import Cadence, Validity, sections_read

        span = Validity(first, last + dt.timedelta(days=1))
        found = []
        for prov in self.provisions:
            for rule in prov.rules:
                if not rule.validity.overlaps(span):
                    continue
                if section is not None and section not in sections_read(rule):
                    continue
                if engagement_kind is not None and not (isinstance(rule, Cadence)
                                                        and rule.engagement_kind == engagement_kind):
                    continue
                found.append(prov)
                break
        return tuple(found)

    def cadences(self, as_of: dt.date) -> tuple[tuple[Provision, Cadence], ...]:
        return tuple(self.rules(Cadence, as_of))

    # -- pairings -----------------------------------------------------------------------------------
    def pairings_as_of(self, as_of: dt.date) -> tuple[Pairing, ...]:
        """The pairings in force on ``as_of`` (§2.1, §2.2)."""
        return tuple(p for p in self.pairings if p.in_force(as_of))

    def pairing_spans(self, first: dt.date, last: dt.date,
                      keys: Sequence[tuple[str, str]] | None = None) -> tuple[PairingSpan, ...]:
        """Every pairing in force on some day of ``[first, last]``, once, with the span of days;
        with ``keys``, only those pairings, found through their departments' own pairings (one
        obligation's few, without a pass over the district's: a pass per obligation is quadratic)."""
        if keys is None:
            versions: Iterable[Pairing] = self.pairings_between(first, last)
        else:
            wanted = set(keys)
            versions = (p for department in dict.fromkeys(k[0] for k in keys)
                        for p in self._pairings_by_side.get(department, ())
                        if p.department == department and p.key in wanted and p.valid_from <= last
                        and (p.valid_until is None or p.valid_until > first))
        # the versions gathered as tuples, not a list per pairing: the tuple of a pairing with one
        # version (nearly all) is the span's own, so a span costs the collector two objects, not three
        found: dict[tuple[str, str], tuple[Pairing, ...]] = {}
        for p in versions:
            found[p.key] = (*found.get(p.key, ()), p)
        spans = []
        for versions in found.values():
            if len(versions) > 1:
                versions = tuple(sorted(versions, key=lambda v: v.valid_from))
            end = versions[-1].valid_until
            spans.append(PairingSpan(versions[-1], max(first, versions[0].valid_from),
                                     last if end is None else min(last, end - dt.timedelta(days=1)), versions))
        return tuple(spans)

    def pairings_between(self, first: dt.date, last: dt.date) -> Iterator[Pairing]:
        """Every pairing version in force on some day of ``[first, last]``, in the data's order."""
        return (p for p in self.pairings if p.valid_from <= last and (p.valid_until is None or p.valid_until > first))

    def pairings_of(self, body: str | Organisation) -> tuple[Pairing, ...]:
        """Every pairing version ``body`` is a side of (department or counterpart), in the data's order."""
        return self._pairings_by_side.get(self.organisation(body).id, ())

    def counterparts_of(self, department: str | Organisation, as_of: dt.date) -> Counterparts:
        """The party branches and the ICF paired with a department on ``as_of``."""
        dept = self.organisation(department)
        found = tuple(p for p in self.pairings_of(dept) if p.department == dept.id and p.in_force(as_of))
        return Counterparts(dept, as_of, found, tuple(self._by_id[p.counterpart] for p in found))

    def departments_of(self, counterpart: str | Organisation, as_of: dt.date) -> Counterparts:
        """The departments paired with a party branch or the ICF on ``as_of``."""
        org = self.organisation(counterpart)
        found = tuple(p for p in self.pairings_of(org) if p.counterpart == org.id and p.in_force(as_of))
        return Counterparts(org, as_of, found, tuple(self._by_id[p.department] for p in found))

    def common_liaison_units(self, as_of: dt.date) -> tuple[Organisation, ...]:
        """§2.1: departments paired with every branch and the ICF by a clause whose ``pairing_role``
        is ``common_liaison``, in directory order."""
        common = {p.id for p in self.provisions if p.pairing_role == "common_liaison"}
        ids = {p.department for p in self.pairings_as_of(as_of) if p.clause in common}
        return tuple(o for o in self.organisations if o.id in ids)

    # -- routing (§3.2) -------------------------------------------------------------------------------
    def cc_list(self, issuer: str | Organisation, as_of: dt.date, document_kind: str = "policy") -> CcList:
        """Who a document of ``document_kind`` issued by ``issuer`` on ``as_of`` is copied to (§3.2).

        Documents of the district government or its general office go to every branch and the ICF;
        a department's go to its paired organisations in force on that date (all of them for a
        common liaison unit).
        """
        org = self.organisation(issuer)
        document_kind = self.document_kind(document_kind)
        side = "government" if org.kind in GOVERNMENT_KINDS else "department"
        rules = [(p, r) for p, r in self.rules(Routing, as_of)
                 if r.issuer == side and r.document_kind == document_kind]
        if org.kind not in GOVERNMENT_KINDS and org.kind != OrgKind.DEPARTMENT:
            cited = dict.fromkeys(f"{p.id}（{p.cite_zh()}）" for p, _ in self.rules(Routing, as_of))
            cites = "、".join(cited) or "抄送规则"
            return CcList(issuer=org, document_kind=document_kind, date=as_of, recipients=(), provisions=(),
                          note_zh=f"{cites}不要求{org.name}的文件抄送",
                          note_en=f"no copying rule applies to documents of {org.name_en}")
        if not rules:
            kinds = sorted({r.document_kind for p in self.provisions for r in p.rules if isinstance(r, Routing)})
            return CcList(issuer=org, document_kind=document_kind, date=as_of, recipients=(), provisions=(),
                          note_zh=f"没有适用于“{self.document_kind_name(document_kind)}”类文件的抄送规则（有规则的类别："
                          + "、".join(f"{self.document_kind_name(k)}（{k}）" for k in kinds) + "）",
                          note_en=f"no copying rule for {term(DOCUMENT_KIND_EN, document_kind)} (kinds with a rule: "
                          + ", ".join(kinds) + ")")
        recipients: dict[str, Recipient] = {}
        for prov, rule in rules:
            for recipient in self._recipients(rule.recipients, org, as_of, prov.id):
                recipients.setdefault(recipient.organisation.id, recipient)
        ordered = self._in_directory_order(recipients)
        return CcList(issuer=org, document_kind=document_kind, date=as_of, recipients=ordered,
                      provisions=tuple(sorted({p.id for p, _ in rules})), rule=rules[0][1].key, routing=rules[0])

    def document_kind(self, name: str) -> str:
        """A document kind as the routing rules name it, from that name or its words (资料 → material)."""
        text = name.strip()
        kinds = {r.document_kind for p in self.provisions for r in p.rules if isinstance(r, Routing)}
        if text in kinds:
            return text
        for kind in kinds:
            if name_key(text) in {name_key(self.document_kind_name(kind, lang)) for lang in ("zh", "en")}:
                return kind
        return text

    def _recipients(self, which: str, host: Organisation | None, as_of: dt.date,
                    provision_id: str, role_zh: str = "", role_en: str = "",
                    named: tuple[str, ...] | None = None) -> list[Recipient]:
        if which == "government":
            return [Recipient(self.government(), (provision_id,), role_zh, role_en)]
        if which == "relevant_counterparts" and named is not None:
            return [Recipient(o, (provision_id,), role_zh, role_en) for o in self.counterparts() if o.id in named]
        if which in ("all_counterparts", "relevant_counterparts"):
            return [Recipient(o, (provision_id,), role_zh, role_en) for o in self.counterparts()
                    if host is None or o.id != host.id]
        if host is None:
            return []
        paired = self.counterparts_of(host, as_of)
        return [Recipient(o, (provision_id, p.clause), role_zh, role_en)
                for p, o in zip(paired.pairings, paired.others, strict=True)]

    def _in_directory_order(self, found: dict[str, Recipient]) -> tuple[Recipient, ...]:
        position = self._position
        return tuple(found[k] for k in sorted((k for k in found if k in position), key=position.__getitem__))

    # -- invitations (§1.2, §1.3, §1.4, §3.5) ------------------------------------------------------------
    def invitation_rules(self, event_kind: EngagementKind, as_of: dt.date,
                         host: Organisation | None = None) -> list[tuple[Provision, Invitation]]:
        """The invitation rules in force for an event of ``event_kind`` held by ``host`` (any host when
        None): a rule is the host's when the host is of a kind the rule's ``host`` admits."""
        return [(p, r) for p, r in self.rules(Invitation, as_of)
                if r.event_kind == event_kind and (host is None or host.kind in HOST_KINDS[r.host])]

    def _check_host(self, host: Organisation, kind: EngagementKind, as_of: dt.date) -> None:
        """The host the text fixes: §1.2's 全体成员会议 is 区政府召开的, §1.3's professional meetings are a
        department's; a kind no rule lets this body hold is refused, naming who may."""
        rules = self.invitation_rules(kind, as_of)
        if not rules or any(host.kind in HOST_KINDS[r.host] for _, r in rules):
            return
        who_zh = "或".join(dict.fromkeys(term(HOST_ZH, r.host) for _, r in rules))
        who_en = " or ".join(dict.fromkeys(term(HOST_EN, r.host) for _, r in rules))
        cites = "、".join(dict.fromkeys(p.id for p, _ in rules))
        raise WrongKindError(
            f"{host.name_en} cannot host a {self.kind_name(kind, 'en')}: under {cites} it is held by {who_en}",
            fix=f"give as host {who_en}, or record the event as another kind",
            message_zh=f"{host.name}不能主办{self.kind_name(kind)}：按{cites}，{self.kind_name(kind)}由{who_zh}召开",
            fix_zh=f"主办单位应为{who_zh}；如是其他会议或活动，请记为其他类型")

    def invitees(self, event_kind: EngagementKind | str, as_of: dt.date,
                 host: str | Organisation | None = None, *, named: Iterable[str] | None = None) -> InviteeList:
        """Who an event of ``event_kind`` held on ``as_of`` invites, and under which provision.

        §1.2 plenary meetings: every branch's and the ICF's leader attends (列席); §1.2 symposia and
        §1.4 inspections: all of them, as circumstances require; §3.5 major events: all of them,
        generally; §1.3 professional meetings of a department (``host``): its paired organisations. A
        rule that invites 有关 (the ones concerned) invites the organisations the event ``named``; with
        none named, all of them, and the list says that is a default.
        """
        try:
            kind = EngagementKind(event_kind)
        except ValueError:
            kind = None
        if kind not in EVENT_KINDS:
            raise LiaisonError(
                f"{event_kind!r} is not a kind of event that invites (the planner plans meetings and visits)",
                fix="use one of " + ", ".join(sorted(k.value for k in EVENT_KINDS)),
                message_zh=f"“{event_kind}”不是邀请类活动（会议和走访由 liaison 安排）",
                fix_zh="请用：" + "、".join(sorted(k.value for k in EVENT_KINDS)))
        assert kind is not None
        host_org = self.organisation(host) if host is not None else None
        chosen = tuple(self.organisation(n).id for n in named) if named is not None else None
        if chosen is not None:
            for ref in chosen:
                if ref not in self._counterpart_ids:
                    org = self.organisation(ref)
                    raise WrongKindError(f"{org.name} is not a party branch or the ICF: it cannot be invited as one",
                                         fix="name party branches or the ICF",
                                         message_zh=f"{org.name}不是民主党派组织或工商联",
                                         fix_zh="请填写民主党派组织或工商联")
        if host_org is not None:
            self._check_host(host_org, kind, as_of)
        rules = self.invitation_rules(kind, as_of, host_org or self.government())
        if not rules and host_org is None:
            rules = self.invitation_rules(kind, as_of)
        if not rules:
            return InviteeList(event_kind=kind, date=as_of, host=host_org, recipients=(), provisions=(),
                               modality=Modality.NONE,
                               note_zh=f"没有适用于{self.kind_name(kind)}的邀请规则",
                               note_en=f"no invitation rule for a {self.kind_name(kind, 'en')}")
        if host_org is None and rules[0][1].host not in ("district_government", "government_or_department"):
            who = rules[0][1].host
            raise WrongKindError(
                f"a {self.kind_name(kind, 'en')} is held by {term(HOST_EN, who)}; say which",
                fix="give the host's id or name",
                message_zh=f"{self.kind_name(kind)}由{term(HOST_ZH, who)}召开：请写明主办单位",
                fix_zh="请给出主办单位的编号或名称")
        found: dict[str, Recipient] = {}
        defaulted = False
        for prov, rule in rules:
            if rule.recipients == "relevant_counterparts" and chosen is None:
                defaulted = True
            for r in self._recipients(rule.recipients, host_org, as_of, prov.id, rule.role_zh, rule.role_en, chosen):
                found.setdefault(r.organisation.id, r)
        prov, rule = rules[0]
        note_zh = note_en = ""
        if defaulted:
            note_zh = (f"{prov.id}为“{RECIPIENTS_ZH['relevant_counterparts']}”：活动未指定邀请哪些单位，"
                       "默认邀请全部，请按实际确定")
            note_en = (f"{prov.id} invites {RECIPIENTS_EN['relevant_counterparts']}: the event names none, so all are "
                       "listed by default; decide which")
        return InviteeList(event_kind=kind, date=as_of, host=host_org or self.government(),
                           recipients=self._in_directory_order(found),
                           provisions=tuple(sorted({p.id for p, _ in rules})), modality=prov.modality_of(rule),
                           note_zh=note_zh, note_en=note_en, rule=rule)
