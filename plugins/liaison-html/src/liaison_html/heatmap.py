"""The compliance heat map: one row per body that owes, one column per obligation the checker judged
(a rule of a provision), one cell for each pair, opening the findings behind it.

A cell's state follows the core's severity (:mod:`liaison.law.findings`), never the raw status, so a
"may" (可, 视情, 根据需要) is never shown as a breach:

=========  ===========================================================================
met        every finding ``ok``
short      a ``violation`` (应/要 not met); or, shown lighter with the local mark, ``local``: short
           of the district's own setting only (未达本区设定), never called a breach of the text
deviation  ``deviation`` or ``explained`` (一般应 not met; with or without a recorded reason)
info       ``info`` only: may / as needed, not yet due, recorded only, beyond guidance
none       no finding for this body under this obligation (not owed)
=========  ===========================================================================

The cell shows its worst state; it is marked *local* when that state rests on the district's own
settings only (``Finding.rests_on``), and each finding in it says which settings and why.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence

import attrs

from liaison.law.district import District
from liaison.law.findings import SEVERITY_EN, SEVERITY_ZH, STATUS_EN, STATUS_ZH, Finding, Report, Severity, local_notes
from liaison.law.model import GOVERNMENT_KINDS, OrgKind
from liaison.law.rules import Rule
from liaison.law.rules import rule_label as core_rule_label
from liaison_html.marks import Provisions, ProvisionView
from liaison_html.texts import UI, Bi, Words, period_text


class CellState(enum.StrEnum):
    MET = "met"
    SHORT = "short"
    DEVIATION = "deviation"
    INFO = "info"
    NONE = "none"


STATE_OF: dict[Severity, CellState] = {
    Severity.OK: CellState.MET,
    Severity.VIOLATION: CellState.SHORT,
    Severity.LOCAL: CellState.SHORT,
    Severity.DEVIATION: CellState.DEVIATION,
    Severity.EXPLAINED: CellState.DEVIATION,
    Severity.INFO: CellState.INFO,
}
#: Worst first: the state a cell shows.
RANK = (CellState.SHORT, CellState.DEVIATION, CellState.INFO, CellState.MET)
SYMBOL = {CellState.MET: "✓", CellState.SHORT: "✗", CellState.DEVIATION: "!", CellState.INFO: "i",
          CellState.NONE: "—"}


@attrs.frozen
class Column:
    provision: ProvisionView
    rule: str  # the rule's key, from the data
    label: Bi


@attrs.frozen(kw_only=True)
class FindingView:
    status: Bi
    severity: Bi
    period: Bi
    message: Bi
    basis: Bi
    local: bool
    reason: str


@attrs.frozen
class Cell:
    index: int  # its element id, f-<index>; cells without findings have one too (never opened)
    state: CellState
    local: bool
    findings: tuple[FindingView, ...]
    provision: ProvisionView

    @property
    def key(self) -> str:
        return f"f-{self.index}"

    @property
    def symbol(self) -> str:
        return SYMBOL[self.state]


@attrs.frozen
class HeatRow:
    """A body's row: its cells are made when the page asks for them (:attr:`cells`), from a state and
    the findings per column, and freed once that part of the page is written — 22,000 cells at 3,300
    pairings, which kept whole for the page's making were objects the collector walked on each of its
    full passes."""

    name: Bi
    org_id: str | None
    first: int  # the first cell's index
    columns: tuple[Column, ...]
    states: tuple[tuple[CellState, bool], ...]  # per column: the state shown, and whether it is local
    findings: tuple[tuple[FindingView, ...], ...]  # per column

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(Cell(self.first + i, state, local, views, column.provision)
                     for i, (column, (state, local), views) in enumerate(
                         zip(self.columns, self.states, self.findings, strict=True)))

    @property
    def opened(self) -> tuple[Cell, ...]:
        """The cells with findings (the page's panels), made alone: a quarter of the cells or fewer."""
        return tuple(Cell(self.first + i, state, local, views, column.provision)
                     for i, (column, (state, local), views) in enumerate(
                         zip(self.columns, self.states, self.findings, strict=True)) if views)


@attrs.frozen
class HeatMap:
    as_of: str
    columns: tuple[Column, ...]
    rows: tuple[HeatRow, ...]
    totals: Bi
    notes: tuple[Bi, ...]
    not_counted: tuple[Bi, ...]


def cell_state(findings: Sequence[Finding]) -> tuple[CellState, bool]:
    """The state a cell shows for its findings, and whether that state rests on the district's own
    settings only: a short cell whose shortfalls are all ``local`` (short of the district's setting,
    not of the text), any other cell whose findings of that state all rest on a local setting."""
    if not findings:
        return CellState.NONE, False
    states = [STATE_OF[f.severity] for f in findings]
    worst = next(s for s in RANK if s in states)
    shown = [f for f, s in zip(findings, states, strict=True) if s == worst]
    if worst == CellState.SHORT:
        return worst, all(f.severity == Severity.LOCAL for f in shown)
    return worst, all(f.basis == "local" for f in shown)


def heat_map(district: District, report: Report, provisions: Provisions, words: Words | None = None) -> HeatMap:
    """``words``: the page's texts, each made once (a finding's status, severity, period and message
    recur from body to body)."""
    words = words or Words()
    columns = _columns(district, report.findings, provisions)
    rows = _row_bodies(district, report.findings)
    grouped: dict[tuple[str | None, str, str], list[Finding]] = {}
    for f in report.findings:
        grouped.setdefault((f.responsible, f.provision, f.rule), []).append(f)
    built: list[HeatRow] = []
    index = 0
    states: dict[tuple[CellState, bool], tuple[CellState, bool]] = {}  # ten at most, shared
    for org_id, name in rows:
        shown, views = [], []
        for column in columns:
            found = grouped.get((org_id, column.provision.id, column.rule), [])
            state = cell_state(found)
            shown.append(states.setdefault(state, state))
            views.append(tuple(_finding(district, f, words) for f in found))
        built.append(HeatRow(name, org_id, index, columns, tuple(shown), tuple(views)))
        index += len(columns)
    return HeatMap(report.as_of.isoformat(), columns, tuple(built), _totals(report),
                   tuple(Bi(zh, en) for zh, en in zip(report.notes_zh, report.notes_en, strict=False)),
                   tuple(Bi(f"{n.id}：{n.reason_zh}", f"{n.id}: {n.reason_en}") for n in report.not_counted))


def _columns(district: District, findings: Iterable[Finding], provisions: Provisions) -> tuple[Column, ...]:
    """One column per (provision, rule) judged, in the district's order of provisions and rules."""
    judged = list(dict.fromkeys((f.provision, f.rule) for f in findings))
    order = {(p.id, r.key): (i, j) for i, p in enumerate(district.provisions) for j, r in enumerate(p.rules)}
    judged.sort(key=lambda key: order.get(key, (len(order), 0)))
    per_provision: dict[str, int] = {}
    for pid, _ in judged:
        per_provision[pid] = per_provision.get(pid, 0) + 1
    columns = []
    for pid, key in judged:
        view = provisions.get(pid, f"finding of rule {key}")
        provision = district.provision(pid)
        rule = next((r for r in provision.rules if r.key == key), None)
        # one column for a provision: its title; several: what each rule is about (the title is in the panel)
        label = Bi(provision.title_zh, provision.title_en) if per_provision[pid] == 1 or rule is None \
            else rule_label(rule)
        columns.append(Column(view, key, label))
    return tuple(columns)


def rule_label(rule: Rule) -> Bi:
    """What a rule is about (for a provision with several rules): the core's words for it."""
    return Bi(*core_rule_label(rule))


def _row_bodies(district: District, findings: Sequence[Finding]) -> list[tuple[str | None, Bi]]:
    """The government bodies and departments (directory order), any other body a finding charges,
    and a row for findings charged to no body."""
    charged = {f.responsible for f in findings}
    rows: list[tuple[str | None, Bi]] = [
        (o.id, Bi(o.name, o.name_en)) for o in district.organisations
        if o.kind in GOVERNMENT_KINDS or o.kind == OrgKind.DEPARTMENT or o.id in charged]
    if None in charged:
        rows.append((None, UI["no_body"]))
    return rows


def _finding(district: District, f: Finding, words: Words) -> FindingView:
    local = f.basis == "local"
    basis = UI["local_basis"] if local else UI["text_basis"]
    if local:
        basis = basis.join(_local_notes(district, f), "：", ": ")
    return FindingView(status=words(Bi(STATUS_ZH[f.status], STATUS_EN[f.status])),
                       severity=words(Bi(SEVERITY_ZH[f.severity], SEVERITY_EN[f.severity])),
                       period=words(period_text(*f.period)), message=words(Bi(f.message_zh, f.message_en)),
                       basis=words(basis), local=local, reason=f.reason)


def _local_notes(district: District, f: Finding) -> Bi:
    """The district's own notes on the settings a finding rests on (its words; the field in English)."""
    notes = local_notes(district, f)
    return Bi("；".join(n.note_zh or n.field for n in notes), "; ".join(n.field_en for n in notes))


def _totals(report: Report) -> Bi:
    counts = report.totals()
    shown = [s for s in Severity if counts[s.value]]
    return Bi("，".join(f"{SEVERITY_ZH[s]} {counts[s.value]}" for s in shown),
              ", ".join(f"{SEVERITY_EN[s]} {counts[s.value]}" for s in shown))
