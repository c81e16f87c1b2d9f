"""The JSON documents of the answers (`liaison … --format json`, docs/cli.md): a provision, the
pairings, a cc list, an invitee list, the compliance report and the plugins loaded (the plan's is the year's state,
:func:`liaison.formats.state.plan_document`).

Each shape is an attrs value here, built from the law's values and unstructured through the one
converter (:mod:`liaison.formats.convert`), like the year's state: the shape is the type, so a field
is added in one place and a schema can be read from it. Dates stay dates until :func:`to_json`
writes them (ISO 8601), as the state's are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import attrs

from liaison.formats.writer import document as document
from liaison.formats.writer import to_json as to_json
from liaison.law.district import CcList, District, InviteeList, Recipient
from liaison.law.findings import Finding, LocalNote, NotCounted, Report, local_notes
from liaison.law.model import Organisation, Pairing
from liaison.law.rules import Provision, Reading, Rule, SentenceNote
from liaison.year.due import KIND_EN, KIND_ZH, DueList


@attrs.frozen
class OrgRef:
    """An organisation as an answer names it."""

    id: str
    name: str
    name_en: str

    @classmethod
    def of(cls, org: Organisation) -> OrgRef:
        return cls(org.id, org.name, org.name_en)


# ------------------------------------------------------------------------------------------ provisions
@attrs.frozen
class TextDocument:
    valid_from: dt.date | None  # None: the text as first given (no amendment)
    text_zh: str
    text_en: str
    source: str


@attrs.frozen
class SentenceDocument:
    text_zh: str
    rules: tuple[str, ...]
    pairings: bool
    notes: tuple[SentenceNoteDocument, ...]
    not_accounted_for: tuple[str, ...]


@attrs.frozen
class SentenceNoteDocument:
    note_zh: str
    note_en: str
    implemented_by: str

    @classmethod
    def of(cls, note: SentenceNote) -> SentenceNoteDocument:
        return cls(note.note_zh, note.note_en, note.implemented_by)


@attrs.frozen(kw_only=True)
class ProvisionDocument:
    """A provision as worded on ``as_of``, its amendments, readings, rules (each with its ``kind``)
    and what implements each of its sentences."""

    id: str
    citation_zh: str
    title_zh: str
    title_en: str
    modality: str
    as_of: dt.date
    text_zh: str
    text_en: str
    texts: tuple[TextDocument, ...]
    pairing_role: str | None
    readings: tuple[Reading, ...]
    rules: tuple[Rule, ...]
    sentences: tuple[SentenceDocument, ...]

    @classmethod
    def of(cls, prov: Provision, day: dt.date) -> ProvisionDocument:
        from liaison.law.sentences import sentences

        current = prov.text_at(day)
        return cls(
            id=prov.id, citation_zh=prov.citation_zh, title_zh=prov.title_zh, title_en=prov.title_en,
            modality=prov.modality.value, as_of=day, text_zh=current.text_zh, text_en=current.text_en,
            texts=tuple(TextDocument(None if t.valid_from == dt.date.min else t.valid_from, t.text_zh, t.text_en,
                                     t.source) for t in prov.texts()),
            pairing_role=prov.pairing_role, readings=prov.readings, rules=prov.rules,
            sentences=tuple(SentenceDocument(x.text_zh, x.rules, x.pairings,
                                             tuple(SentenceNoteDocument.of(n) for n in x.notes), x.uncovered)
                            for x in sentences(prov, day)))


@attrs.frozen
class ProvisionsDocument:
    district: str
    provisions: tuple[ProvisionDocument, ...]


# -------------------------------------------------------------------------------------------- pairings
@attrs.frozen(kw_only=True)
class PairingDocument:
    department: OrgRef
    counterpart: OrgRef
    clause: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    basis: str
    local: dict[str, str]

    @classmethod
    def of(cls, district: District, pairing: Pairing) -> PairingDocument:
        return cls(department=OrgRef.of(district.organisation(pairing.department)),
                   counterpart=OrgRef.of(district.organisation(pairing.counterpart)), clause=pairing.clause,
                   valid_from=pairing.valid_from, valid_until=pairing.valid_until, basis=pairing.basis,
                   local=dict(pairing.local.notes))


@attrs.frozen
class PairingsDocument:
    district: str
    as_of: dt.date
    pairings: tuple[PairingDocument, ...]
    common_liaison_units: tuple[OrgRef, ...]


# ------------------------------------------------------------------------------------ cc and invitees
@attrs.frozen
class RecipientDocument:
    """A recipient: the organisation, the provisions it rests on, and its role when it has one
    (列席; the keys are left out of a cc list's recipients, who have none)."""

    id: str
    name: str
    name_en: str
    provisions: tuple[str, ...]
    role_zh: str = ""
    role_en: str = ""
    #: a cc list's recipients have no role: the keys are left out rather than written empty
    OMIT_IF_DEFAULT: ClassVar[tuple[str, ...]] = ("role_zh", "role_en")

    @classmethod
    def of(cls, r: Recipient) -> RecipientDocument:
        org = r.organisation
        return cls(org.id, org.name, org.name_en, r.provisions, r.role_zh, r.role_en if r.role_zh else "")


@attrs.frozen(kw_only=True)
class CcDocument:
    issuer: OrgRef
    date: dt.date
    document_kind: str
    provisions: tuple[str, ...]
    recipients: tuple[RecipientDocument, ...]
    note_zh: str
    note_en: str

    @classmethod
    def of(cls, cc: CcList) -> CcDocument:
        return cls(issuer=OrgRef.of(cc.issuer), date=cc.date, document_kind=cc.document_kind,
                   provisions=cc.provisions, recipients=tuple(RecipientDocument.of(r) for r in cc.recipients),
                   note_zh=cc.note_zh, note_en=cc.note_en)


@attrs.frozen(kw_only=True)
class InviteesDocument:
    event_kind: str
    date: dt.date
    host: OrgRef | None
    modality: str
    provisions: tuple[str, ...]
    invitees: tuple[RecipientDocument, ...]
    note_zh: str
    note_en: str

    @classmethod
    def of(cls, found: InviteeList) -> InviteesDocument:
        return cls(event_kind=found.event_kind.value, date=found.date,
                   host=OrgRef.of(found.host) if found.host else None, modality=found.modality.value,
                   provisions=found.provisions, invitees=tuple(RecipientDocument.of(r) for r in found.recipients),
                   note_zh=found.note_zh, note_en=found.note_en)


# ------------------------------------------------------------------------------------------ findings
@attrs.frozen(kw_only=True)
class FindingDocument:
    provision: str
    rule: str
    status: str
    severity: str
    responsible: str | None
    affected: tuple[str, ...]
    subject: tuple[str, ...]
    period: tuple[dt.date, dt.date]
    counted: tuple[str, ...]
    expected: str
    basis: str
    rests_on: tuple[str, ...]
    local_notes: tuple[SettingDocument, ...]
    pairing_in_force: tuple[dt.date, dt.date | None] | None
    reason: str
    message_zh: str
    message_en: str

    @classmethod
    def of(cls, f: Finding, district: District) -> FindingDocument:
        return cls(provision=f.provision, rule=f.rule, status=f.status.value, severity=f.severity.value,
                   responsible=f.responsible, affected=f.affected, subject=f.subject, period=f.period,
                   counted=f.counted, expected=f.expected, basis=f.basis, rests_on=f.rests_on,
                   local_notes=tuple(SettingDocument.of(n) for n in local_notes(district, f)),
                   pairing_in_force=f.pairing_in_force, reason=f.reason, message_zh=f.message_zh,
                   message_en=f.message_en)


@attrs.frozen
class SettingDocument:
    """One district setting an answer rests on (a finding's ``local_notes``, an engagement's
    ``local_settings`` in the plan): the field, its names, the district's note on it."""

    field: str
    field_zh: str
    field_en: str
    note_zh: str

    @classmethod
    def of(cls, note: LocalNote) -> SettingDocument:
        return cls(note.field, note.field_zh, note.field_en, note.note_zh)


@attrs.frozen(kw_only=True)
class ReportDocument:
    """The report of `liaison check --format json`: totals by severity, every finding, the records
    no finding counted, the notes, and per responsible body its counts (``summary``)."""

    district: str
    year: int
    as_of: dt.date
    totals: dict[str, int]
    findings: tuple[FindingDocument, ...]
    not_counted: tuple[NotCounted, ...]
    notes_zh: tuple[str, ...]
    notes_en: tuple[str, ...]
    summary: tuple[dict[str, Any], ...]

    @classmethod
    def of(cls, report: Report, district: District) -> ReportDocument:
        return cls(district=report.district_id, year=report.year, as_of=report.as_of, totals=report.totals(),
                   findings=tuple(FindingDocument.of(f, district) for f in report.findings),
                   not_counted=report.not_counted, notes_zh=report.notes_zh, notes_en=report.notes_en,
                   summary=tuple(report.summary(district)))


# ---------------------------------------------------------------------------------------------- due
@attrs.frozen(kw_only=True)
class DueItemDocument:
    """One thing a body has to do (:class:`liaison.year.due.DueItem`): ``kind`` with its names,
    ``ref`` the engagement's or record's id, ``key`` the item's identity (unique in the body's lists
    of every year: what an OA system keys its to-do item by), ``year`` the year it belongs to, the
    day due and the days left (working days when ``working_days``; negative: overdue), the provision
    with its wording in force on the list's day."""

    kind: str
    kind_zh: str
    kind_en: str
    ref: str
    key: str
    year: int
    todo_zh: str
    todo_en: str
    due: dt.date
    days_left: int
    working_days: bool
    provision: str
    provision_text_zh: str
    provision_text_en: str
    basis: str


@attrs.frozen(kw_only=True)
class DueDocument:
    """One body's to-do list as of a day (`liaison due --format json`, the API's ``/due``)."""

    district: str
    body: OrgRef
    as_of: dt.date
    items: tuple[DueItemDocument, ...]

    @classmethod
    def of(cls, found: DueList, district: District) -> DueDocument:
        return cls(district=found.district, body=OrgRef.of(district.organisation(found.body)), as_of=found.as_of,
                   items=tuple(DueItemDocument(
                       kind=i.kind.value, kind_zh=KIND_ZH[i.kind], kind_en=KIND_EN[i.kind], ref=i.ref, key=i.key,
                       year=i.year,
                       todo_zh=i.todo_zh, todo_en=i.todo_en, due=i.due, days_left=i.days_left,
                       working_days=i.working_days, provision=i.provision, provision_text_zh=i.provision_text_zh,
                       provision_text_en=i.provision_text_en, basis=i.basis) for i in found.items))


def due_document(found: DueList, district: District) -> dict[str, Any]:
    """The to-do list as the JSON document of `liaison due --format json` (docs/cli.md)."""
    return dict(document(DueDocument.of(found, district)))


# ------------------------------------------------------------------------------------------- plugins
@attrs.frozen(kw_only=True)
class OptionDocument:
    """An exporter's or publisher's option as `liaison plugins` lists it; ``choices``, ``minimum``,
    ``maximum`` and the Chinese help ``help_zh`` are left out when the option has none."""

    name: str
    type: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    help_zh: str = ""
    #: an option without choices or bounds shows none (docs/cli.md: `{"name", "type", "default", "help"}`)
    OMIT_IF_DEFAULT: ClassVar[tuple[str, ...]] = ("choices", "minimum", "maximum", "help_zh")


@attrs.frozen(kw_only=True)
class ProvidedDocument:
    """An exporter or a publisher: its name, what it makes, its options."""

    name: str
    description: str
    options: tuple[OptionDocument, ...]


@attrs.frozen(kw_only=True)
class ReaderDocument:
    """A records reader: the file suffixes it reads."""

    name: str
    suffixes: tuple[str, ...]
    description: str


@attrs.frozen(kw_only=True)
class PluginDocument:
    """One plugin loaded: its distribution (``built-in`` for the host's own), the hooks it implements
    and what it provides."""

    name: str
    distribution: str
    hooks: tuple[str, ...]
    exporters: tuple[ProvidedDocument, ...]
    publishers: tuple[ProvidedDocument, ...]
    record_readers: tuple[ReaderDocument, ...]


@attrs.frozen
class PluginsDocument:
    """`liaison plugins --format json`: every plugin loaded, sorted by name (built by
    :func:`liaison.host.plugins.plugins_document`, which knows the plugin manager)."""

    plugins: tuple[PluginDocument, ...]


# ------------------------------------------------------------------------------------- the whole answer
def provision_document(prov: Provision, day: dt.date) -> dict[str, Any]:
    return dict(document(ProvisionDocument.of(prov, day)))


def provisions_document(district: District, day: dt.date) -> dict[str, Any]:
    return dict(document(ProvisionsDocument(district.info.id,
                                            tuple(ProvisionDocument.of(p, day) for p in district.provisions))))


def pairings_document(district: District, day: dt.date, found: tuple[Pairing, ...] | list[Pairing]) -> dict[str, Any]:
    return dict(document(PairingsDocument(district.info.id, day, tuple(PairingDocument.of(district, p) for p in found),
                                          tuple(OrgRef.of(o) for o in district.common_liaison_units(day)))))


def cc_document(cc: CcList) -> dict[str, Any]:
    return dict(document(CcDocument.of(cc)))


def invitees_document(found: InviteeList) -> dict[str, Any]:
    return dict(document(InviteesDocument.of(found)))


def report_document(report: Report, district: District) -> dict[str, Any]:
    """The report as the JSON document of `liaison check --format json` (docs/cli.md)."""
    return dict(document(ReportDocument.of(report, district)))
