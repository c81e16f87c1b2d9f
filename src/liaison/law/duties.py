"""What a body owes: the one place the regulation's recurring duties are worked out.

:func:`obligations` turns the cadence rules (§3.1, §3.3, §3.6 in the seed) into one
:class:`Obligation` per subject and period — a pairing, a department or the government — judged by
the rule version in force over each part of the period, over the days its subject is in force, with
the district's part-period setting applied. The planner plans them, the checker counts records
against them and the letters state them; none of them recomputes one.

:class:`YearDuties` works a district-year out once — its pairing spans and obligations, indexed by
the body that owes them — and its :meth:`YearDuties.duties` gathers everything one body owes in the
year: its pairings, whom it copies, its §3.1 designations (with records merged by
:func:`designations_in_force`), its obligations and the invitations it issues, for the annual notice
and any other output that speaks to one body. The export flow builds one for all its exporters;
:func:`duties_of` is the shorthand for one body alone.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Iterable, Sequence

import attrs

from liaison.law.district import CcList, District, PairingSpan
from liaison.law.model import Designations, Organisation, OrgKind
from liaison.law.records import DesignationRecord, Records
from liaison.law.rules import Cadence, DesignationRule, EngagementKind, Invitation, Modality, Provision, Routing

DAY = dt.timedelta(days=1)


@attrs.frozen(kw_only=True)
class Obligation:
    """One cadence owed by one subject over one period, or the part of it in force.

    It carries what a consumer states — the ``provision``, the ``responsible`` organisation that owes
    it and the ``counterparts`` it is owed to — as the district's objects, so a letter, a page or a
    finding never looks them up again by id (``provision_id``, ``responsible_id`` and
    ``counterpart_ids`` are there for keys and the JSON). ``subject`` is the key of what is owed, in
    ids: ``(department, counterpart)`` for a pairing, ``(department,)`` for a department,
    ``(government,)`` for the district government. ``span`` is the part of ``period`` in which subject and rule
    version are both in force; ``minimum`` is what the span owes after the part-period setting.
    ``rests_on`` names the local settings (fields of the rule, or ``part_period``) the obligation
    depends on, so a finding can say so."""

    provision: Provision
    rule: Cadence
    modality: Modality
    subject: tuple[str, ...]
    responsible: Organisation
    counterparts: tuple[Organisation, ...]
    pairings: tuple[tuple[str, str], ...]
    period: tuple[dt.date, dt.date]
    span: tuple[dt.date, dt.date]
    minimum: int
    maximum: int | None
    applicable: bool = True
    reason_zh: str = ""
    reason_en: str = ""
    rests_on: tuple[str, ...] = ()
    pairing_in_force: tuple[dt.date, dt.date | None] | None = None

    @property
    def provision_id(self) -> str:
        return self.provision.id

    @property
    def responsible_id(self) -> str:
        return self.responsible.id

    @property
    def counterpart_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.counterparts)

    @property
    def kind(self) -> EngagementKind:
        return self.rule.engagement_kind

    @property
    def scope(self) -> str:
        return self.rule.scope

    @property
    def partial(self) -> bool:
        return self.span != self.period

    def counts(self, kind: EngagementKind, day: dt.date, host: str, attended: Iterable[str]) -> bool:
        """Whether an engagement (held, or planned) counts for this obligation.

        The government's counts when it hosted. Otherwise the host must be one the rule allows — the
        department, or either side of the pairing when the rule says ``either_side`` (§3.3: 由对口联系
        双方协商定期召开) — and both sides must be there: a pairing's department and counterpart; a
        department and at least one of its counterparts."""
        if kind != self.kind or not self.span[0] <= day <= self.span[1]:
            return False
        if self.scope == "government":
            return host == self.responsible.id
        hosts = {self.responsible.id, *(self.counterpart_ids if self.rule.host == "either_side" else ())}
        if host not in hosts:
            return False
        present = {*attended, host}
        if self.scope == "department":
            return self.responsible.id in present and bool(present & set(self.counterpart_ids))
        return set(self.subject) <= present


def _minimum(district: District, rule: Cadence, period: tuple[dt.date, dt.date],
             span: tuple[dt.date, dt.date]) -> tuple[int, bool, str, str]:
    """(minimum, applicable, reason zh, reason en) for a span of a period, by the part-period setting."""
    if span == period:
        return rule.min_per_period, True, "", ""
    setting = district.info.part_period
    days = (span[1] - span[0]).days + 1
    whole = (period[1] - period[0]).days + 1
    if days < setting.min_days:
        return (0, False, f"在期内仅{days}天，不足本区设定的{setting.min_days}天，不作要求",
                f"in force for {days} days of the period, under the district's {setting.min_days}")
    if setting.minimum == "pro_rata":
        owed = max(1, int(rule.min_per_period * days / whole + 0.5)) if rule.min_per_period else 0
        return (owed, True, f"在期内{days}天，按本区设定折算为{owed}次",
                f"in force for {days} days of {whole}: {owed} by the district's pro-rata setting")
    return (rule.min_per_period, True, f"在期内{days}天，按本区设定仍按全期要求",
            f"in force for {days} days of {whole}: the whole minimum, by the district's setting")


#: The numbers of a cadence an obligation may rest on as the district's own settings; with ``scope``
#: (the reading) and ``part_period``, all it may rest on. Their words: ``liaison.law.terms.SETTING_ZH``.
CADENCE_NUMBERS = ("min_per_period", "max_per_period", "period_years", "period_months", "cycle_anchor_year")


def _rests_on(rule: Cadence, partial: bool) -> tuple[str, ...]:
    fields = [f for f in (*CADENCE_NUMBERS, "scope") if rule.is_local(f)]
    if rule.months == 12 and "cycle_anchor_year" in fields:
        fields.remove("cycle_anchor_year")  # a calendar year starts in January whatever the anchor
    return (*fields, *(("part_period",) if partial else ()))


def _versions(district: District, first: dt.date, last: dt.date) -> Iterable[tuple[Provision, Cadence]]:
    for prov in district.provisions:
        for rule in prov.rules:
            if isinstance(rule, Cadence) and rule.validity.clip(first, last) is not None:
                yield prov, rule


#: Pairing spans by the window of days they were asked for, in directory order: what one computation
#: (a plan, a check, a year's duties) works out once per window and reads for every rule and period
#: with that window, rather than a span per pairing per rule (the collector tracks each span).
SpanMemo = dict[tuple[dt.date, dt.date], tuple[PairingSpan, ...]]


def spans_in(district: District, first: dt.date, last: dt.date, memo: SpanMemo) -> tuple[PairingSpan, ...]:
    """The pairing spans of ``[first, last]`` in directory order, from ``memo`` once worked out."""
    found = memo.get((first, last))
    if found is None:
        found = memo[(first, last)] = tuple(_in_directory_order(district, district.pairing_spans(first, last)))
    return found


def obligations(district: District, first: dt.date, last: dt.date, *,
                spans: SpanMemo | None = None) -> tuple[Obligation, ...]:
    """Every cadence obligation whose period has a day in ``[first, last]``, each judged by the rule
    version in force: a version that starts or ends inside a period owes over its own part of it.
    ``spans``: the caller's memo of pairing spans (:func:`spans_in`), filled in here, for a caller
    that reads the same spans again.

    Ordered by provision, rule version, period and subject (directory order), so the planner and
    the checker see them alike."""
    found: list[Obligation] = []
    memo: SpanMemo = {} if spans is None else spans
    # one ``(counterpart,)`` per counterpart, shared by the obligations of all its pairings
    alone: dict[str, tuple[Organisation]] = {}
    for prov, rule in _versions(district, first, last):
        window = rule.validity.clip(first, last)
        assert window is not None
        for period in rule.periods(*window):
            in_force = rule.validity.clip(*period)
            if in_force is None:
                continue
            found.extend(_for_period(district, prov, rule, period, in_force, memo, alone))
    return tuple(found)


def _for_period(district: District, prov: Provision, rule: Cadence, period: tuple[dt.date, dt.date],
                in_force: tuple[dt.date, dt.date], memo: SpanMemo,
                alone: dict[str, tuple[Organisation]]) -> Iterable[Obligation]:
    modality = prov.modality_of(rule)
    # what an obligation rests on depends on the rule and on whether its span is partial: worked out
    # once for each, not per subject (it asks the rule about each of its numbers)
    rests_on = {partial: _rests_on(rule, partial) for partial in (False, True)}

    def owed(subject: tuple[str, ...], responsible: Organisation, counterparts: tuple[Organisation, ...],
             pairings: tuple[tuple[str, str], ...], part: tuple[dt.date, dt.date],
             in_force: tuple[dt.date, dt.date | None] | None = None) -> Obligation:
        minimum, applicable, zh, en = _minimum(district, rule, period, part)
        return Obligation(provision=prov, rule=rule, modality=modality, subject=subject, responsible=responsible,
                          counterparts=counterparts, pairings=pairings, period=period, span=part,
                          minimum=minimum, maximum=rule.max_per_period, applicable=applicable, reason_zh=zh,
                          reason_en=en, rests_on=rests_on[part != period], pairing_in_force=in_force)

    if rule.scope == "government":
        gov = district.government()
        yield owed((gov.id,), gov, district.counterparts(), (), in_force)
        return
    spans = spans_in(district, *in_force, memo)
    if rule.scope == "pairing":
        for span in spans:
            counterpart = span.pairing.counterpart
            if counterpart not in alone:
                alone[counterpart] = (district.organisation(counterpart),)
            yield owed(span.key, district.organisation(span.pairing.department), alone[counterpart], (span.key,),
                       (span.start, span.end), span.in_force)
        return
    # in directory order a department's spans are next to each other: grouped as they come, not
    # gathered into a list per department first
    for department, group in itertools.groupby(spans, key=lambda s: s.pairing.department):
        found = tuple(group)
        yield owed((department,), district.organisation(department),
                   tuple(district.organisation(c) for c in dict.fromkeys(s.pairing.counterpart for s in found)),
                   tuple(s.key for s in found), (min(s.start for s in found), max(s.end for s in found)))


def days_in_force(district: District, o: Obligation) -> tuple[tuple[dt.date, dt.date], ...]:
    """The runs of days (first and last) over which ``o`` can be met: its span, less the days none of
    its pairings is in force (a pairing that ended and began again, a period of years whose pairings
    start late)."""
    if not o.pairings:
        return (o.span,)
    runs: list[tuple[dt.date, dt.date]] = []
    for start, end in sorted(p for s in district.pairing_spans(*o.span, keys=o.pairings) for p in s.pieces()):
        if runs and start <= runs[-1][1] + DAY:
            runs[-1] = (runs[-1][0], max(runs[-1][1], end))
        else:
            runs.append((start, end))
    return tuple(runs)


def planning_year(district: District, o: Obligation) -> int:
    """The year ``o`` is planned in: the first year of its span holding at least half as many of its
    days in force as the year holding most. A span within one year is planned in it; a period of
    years in its first year, unless its pairings are in force there for only a few days (then the
    next: a pairing made on 20 December of a two-year cycle meets the year after)."""
    if o.span[0].year == o.span[1].year:
        return o.span[0].year
    days: dict[int, int] = {}
    for start, end in days_in_force(district, o):
        for year in range(start.year, end.year + 1):
            first, last = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
            days[year] = days.get(year, 0) + (last - first).days + 1
    most = max(days.values(), default=0)
    return next((year for year in sorted(days) if 2 * days[year] >= most), o.span[0].year)


def _in_directory_order(district: District, spans: Sequence[PairingSpan]) -> list[PairingSpan]:
    position = {o.id: i for i, o in enumerate(district.organisations)}
    return sorted(spans, key=lambda s: (position.get(s.pairing.department, 0), position.get(s.pairing.counterpart, 0)))


# ------------------------------------------------------------------------------------- designations
def designations_in_force(district: District, organisation: Organisation, as_of: dt.date,
                          records: Records | None = None) -> Designations:
    """§3.1 designations of ``organisation`` on ``as_of``: the district data, then every designation
    record of it dated on or before ``as_of`` (undated ones first), newer fields over older ones."""
    found = organisation.designations
    if records is None:
        return found
    mine = [r for r in records.designations_of.get(organisation.id, ()) if r.date is None or r.date <= as_of]
    for record in sorted(mine, key=lambda r: r.date or dt.date.min):
        found = found.merged(Designations(record.leader_in_charge, record.liaison_office, record.liaison_officer,
                                          record.phone))
    return found


def designation_records(records: Records | None) -> dict[str, Records]:
    """``records``' designations split by organisation, each as a :class:`Records` holding only that
    organisation's designations: what :func:`designations_in_force` reads of it, without a scan of
    every organisation's designations per organisation."""
    if records is None:
        return {}
    found: dict[str, list[DesignationRecord]] = {}
    for r in records.designations:
        found.setdefault(r.organisation, []).append(r)
    return {k: Records(district_id=records.district_id, designations=tuple(v)) for k, v in found.items()}


@attrs.frozen
class DesignationDuty:
    """§3.1: the roles a paired unit must name, who it has named, and which are missing. It carries
    the ``provision`` itself, so a letter quotes it without looking it up again."""

    provision: Provision
    rule: DesignationRule
    modality: Modality
    designations: Designations
    missing: tuple[str, ...]

    @property
    def provision_id(self) -> str:
        return self.provision.id


def designation_duty(district: District, org: Organisation, prov: Provision, rule: DesignationRule, as_of: dt.date,
                     records: Records | None = None) -> DesignationDuty:
    """§3.1 for one paired unit on ``as_of``: who it has named (data and records merged) and which of
    the rule's roles nobody has recorded — the one place the missing roles are worked out, for the
    notice and the checker alike."""
    named = designations_in_force(district, org, as_of, records)
    missing = tuple(role for role in rule.roles if not getattr(named, role))
    return DesignationDuty(prov, rule, prov.modality_of(rule), named, missing)


# ------------------------------------------------------------------------------------------- duties
@attrs.frozen(kw_only=True)
class Paired:
    """One of the body's pairings in the year with the objects a letter states: the ``counterpart``
    and the ``clause`` (the provision the pairing rests on); ``span`` keeps the days and the ids."""

    span: PairingSpan
    counterpart: Organisation
    clause: Provision


@attrs.frozen(kw_only=True)
class Duties:
    """Everything one body owes in a year (see the module docstring)."""

    body: Organisation
    year: int
    pairings: tuple[PairingSpan, ...]
    common_liaison: bool
    cc: tuple[CcList, ...]  # one per day the cc list changes (1 January, then each change)
    designation: DesignationDuty | None
    obligations: tuple[Obligation, ...]
    invitations: tuple[tuple[Provision, Invitation], ...]
    #: the organisations paired with the body in the year, in the order of its pairings
    counterparts: tuple[Organisation, ...] = ()
    #: ``pairings`` with their counterparts and clauses as objects, in the same order
    paired: tuple[Paired, ...] = ()

    @property
    def counterpart_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.counterparts)


@attrs.frozen(eq=False)
class YearDuties:
    """What every body of a district owes in one year, worked out once: the year's pairing spans (in
    directory order), its obligations, and both indexed by the body that owes them. The export flow
    builds one per district-year (:func:`year_duties`) and hands it to every exporter, so a letter per
    department, a page row per body and a workbook's list of designations read it rather than work
    the year out again per body. ``records`` are the year's records whose §3.1 designations the
    duties merge (``None``: the district data alone)."""

    district: District
    year: int
    records: Records | None = None
    spans: tuple[PairingSpan, ...] = attrs.field(init=False)
    obligations: tuple[Obligation, ...] = attrs.field(init=False)
    _spans_of: dict[str, tuple[PairingSpan, ...]] = attrs.field(init=False, repr=False)
    _owed_by: dict[str, tuple[Obligation, ...]] = attrs.field(init=False, repr=False)
    _common: frozenset[str] = attrs.field(init=False, repr=False)
    _partial_by: dict[str, tuple[Obligation, ...]] = attrs.field(init=False, repr=False)
    _designations_of: dict[str, Records] = attrs.field(init=False, repr=False)
    _no_designations: Records | None = attrs.field(init=False, repr=False)
    #: each body's :meth:`duties` but the designation (which the day and the records decide) by the
    #: body's id, as first worked out: the export's letters and its page both read every body's duties
    #: (each as of its own day) from the one object the flow hands them, and its copies with other
    #: records share them (none of it reads the records)
    _owes_of: dict[str, Duties] = attrs.field(init=False, repr=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        first, last = self.first, self.last
        memo: SpanMemo = {}
        owed = obligations(self.district, first, last, spans=memo)
        spans = spans_in(self.district, first, last, memo)
        spans_of: dict[str, list[PairingSpan]] = {}
        for span in spans:
            spans_of.setdefault(span.pairing.department, []).append(span)
        owed_by: dict[str, list[Obligation]] = {}
        for o in owed:
            if o.span[0] <= last and o.span[1] >= first:
                owed_by.setdefault(o.responsible_id, []).append(o)
        partial_by: dict[str, list[Obligation]] = {}
        for o in owed:
            if o.partial:
                partial_by.setdefault(o.responsible_id, []).append(o)
        common = {u.id for u in self.district.common_liaison_units(first) + self.district.common_liaison_units(last)}
        object.__setattr__(self, "spans", spans)
        object.__setattr__(self, "obligations", owed)
        object.__setattr__(self, "_spans_of", {k: tuple(v) for k, v in spans_of.items()})
        object.__setattr__(self, "_owed_by", {k: tuple(v) for k, v in owed_by.items()})
        object.__setattr__(self, "_common", frozenset(common))
        object.__setattr__(self, "_partial_by", {k: tuple(v) for k, v in partial_by.items()})
        self._index_records()

    def _index_records(self) -> None:
        """The records' §3.1 designations by body: all the duties take from the records."""
        object.__setattr__(self, "_designations_of", designation_records(self.records))
        object.__setattr__(self, "_no_designations", None if self.records is None
                           else Records(district_id=self.records.district_id))

    def with_records(self, records: Records | None) -> YearDuties:
        """These duties with ``records``' §3.1 designations merged instead of their own records': the
        same spans and obligations (which the records do not change), so the year is not worked out
        again; only the records' designations are indexed."""
        if records is self.records:
            return self
        other = copy.copy(self)
        object.__setattr__(other, "records", records)
        other._index_records()
        return other

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    def spans_of(self, body: str | Organisation) -> tuple[PairingSpan, ...]:
        """The pairing spans of a department in the year, in directory order."""
        return self._spans_of.get(self.district.organisation(body).id, ())

    def owed_by(self, body: str | Organisation) -> tuple[Obligation, ...]:
        """The obligations ``body`` is responsible for with a span touching the year."""
        return self._owed_by.get(self.district.organisation(body).id, ())

    def partial_owed(self, bodies: Iterable[str]) -> tuple[Obligation, ...]:
        """The obligations in force for part of their period that one of ``bodies`` owes (by body):
        all an engagement of these bodies can serve among the partial ones
        (:meth:`Obligation.counts` wants the body that owes it present), so a caller asking which
        partial obligation an engagement serves looks at these rather than at every obligation."""
        return tuple(o for b in dict.fromkeys(bodies) for o in self._partial_by.get(b, ()))

    def designation(self, body: str | Organisation, as_of: dt.date | None = None, *,
                    with_records: bool = True) -> DesignationDuty | None:
        """§3.1 for ``body`` as of ``as_of`` (default 1 January), with the records' designations merged
        unless ``with_records`` is false (what the district data alone names); None when it has no
        pairing in the year."""
        org = self.district.organisation(body)
        return _designation(self.district, org, self.spans_of(org), as_of or self.first,
                            self._records_of(org) if with_records else None)

    def _records_of(self, org: Organisation) -> Records | None:
        """The records as :func:`designations_in_force` reads them for ``org``: its designations only."""
        return self._designations_of.get(org.id, self._no_designations)

    def duties(self, body: str | Organisation, *, as_of: dt.date | None = None) -> Duties:
        """What ``body`` (a department or the government) owes in the year; designations as of
        ``as_of`` (default 1 January, as a notice issued at the start of the year sees them)."""
        district, first, last = self.district, self.first, self.last
        org = district.organisation(body)
        owes = self._owes_of.get(org.id)
        if owes is None:
            spans = self.spans_of(org)
            owes = self._owes_of[org.id] = Duties(
                body=org, year=self.year, pairings=spans, common_liaison=org.id in self._common,
                cc=_cc_lists(district, org, first, last), designation=None,
                obligations=self.owed_by(org), invitations=_invitations(district, org, first),
                counterparts=tuple(district.organisation(c)
                                   for c in dict.fromkeys(s.pairing.counterpart for s in spans)),
                paired=tuple(Paired(span=s, counterpart=district.organisation(s.pairing.counterpart),
                                    clause=district.provision(s.pairing.clause)) for s in spans))
        return attrs.evolve(owes, designation=self.designation(org, as_of))


def year_duties(district: District, year: int, records: Records | None = None) -> YearDuties:
    """The year's duties of every body of ``district`` (see :class:`YearDuties`)."""
    return YearDuties(district, year, records)


def duties_for(district: District, year: int, duties: YearDuties | None = None, *,
               records: Records | None = None, designations: bool = True) -> YearDuties:
    """The year's duties as a consumer reads them: ``duties`` as its caller hands them (an export's
    one :class:`YearDuties`), else worked out here, once for the caller (never per body).
    ``designations``: whether the consumer reads §3.1 designations merged from ``records``; then
    duties holding other records are the same duties with these records' designations
    (:meth:`YearDuties.with_records`, nothing worked out again).  Duties of another district object
    or year are the caller's mistake (:class:`ValueError`), not something to paper over by working
    the year out again."""
    if duties is None:
        return year_duties(district, year, records)
    if duties.district is not district or duties.year != year:
        raise ValueError(f"the duties of {duties.district.info.id} in {duties.year} were handed "
                         f"for {district.info.id} in {year}")
    return duties.with_records(records) if designations else duties


def duties_of(district: District, body: str | Organisation, year: int, records: Records | None = None,
              *, as_of: dt.date | None = None) -> Duties:
    """What ``body`` (a department or the government) owes in ``year``; designations as of ``as_of``
    (default 1 January, as a notice issued at the start of the year sees them). Works the whole year
    out for one body: a caller asking for several bodies builds :func:`year_duties` once instead."""
    return year_duties(district, year, records).duties(body, as_of=as_of)


def _cc_lists(district: District, org: Organisation, first: dt.date, last: dt.date) -> tuple[CcList, ...]:
    if org.kind != OrgKind.DEPARTMENT:
        return ()
    days = sorted({first, *(d for p in district.pairings_of(org) if p.department == org.id
                             for d in (p.valid_from, p.valid_until) if d is not None and first < d <= last)})
    kinds = list(dict.fromkeys(r.document_kind for _, r in district.rules(Routing, first)))
    found: list[CcList] = []
    for day in days:
        for kind in kinds:
            cc = district.cc_list(org, day, kind)
            if not found or found[-1].ids() != cc.ids():
                found.append(cc)
    return tuple(found)


def _designation(district: District, org: Organisation, spans: Sequence[PairingSpan], as_of: dt.date,
                 records: Records | None) -> DesignationDuty | None:
    if not spans:
        return None
    for prov, rule in district.rules(DesignationRule, as_of):
        return designation_duty(district, org, prov, rule, as_of, records)
    return None


def _invitations(district: District, org: Organisation, as_of: dt.date) -> tuple[tuple[Provision, Invitation], ...]:
    host = "department" if org.kind == OrgKind.DEPARTMENT else "district_government"
    return tuple((p, r) for p, r in district.rules(Invitation, as_of) if r.host == host)

