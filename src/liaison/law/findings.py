"""What the checker says: findings, their severity by the sentence's modality, and the report.

Severity follows the wording and the basis of what was missed:

- a shortfall of what the text says with 应/要 (shall) is a ``violation``;
- of 一般应 (generally shall) a ``deviation``, or ``explained`` when a record gives the reason;
- of 可/视情/根据需要 (may, as needed) only ``info``: a "may" is never a breach;
- a shortfall that exists only because of the district's own setting (a deadline, a cycle's first
  year, a reading of "per pairing", a part-year rule) is ``local`` and says so; it never says
  "不符合第X条的要求".

Every finding names the body responsible (``responsible``) and the organisations affected; the
summary charges a finding to the responsible body only.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from liaison.law.district import District
from liaison.law.rules import Modality
from liaison.law.terms import SETTING_EN, SETTING_ZH


class FindingStatus(enum.StrEnum):
    MET = "met"
    SHORT = "short"
    BEYOND_GUIDANCE = "beyond_guidance"
    MISSING_DESIGNATION = "missing_designation"
    LATE = "late"  # answered, after the deadline
    UNANSWERED = "unanswered"  # no answer and the deadline has passed
    OPEN = "open"  # the period or the deadline has not ended yet
    RECORDED = "recorded"  # a duty the code records but cannot count
    NOT_APPLICABLE = "not_applicable"  # the subject was in force too briefly, by the district's setting
    # What a "may" (可/视情/根据需要) sentence allowed and was not done: information, never 未达要求.
    NOT_DONE = "not_done"  # a may-cadence: none held
    FEWER = "fewer"  # a may-cadence: fewer than the number the sentence names
    NOT_ALL_INVITED = "not_all_invited"  # a may-invitation: not everyone the sentence names was invited
    NOT_ALL_ASKED = "not_all_asked"  # an as-needed consultation: not everyone was asked
    NOT_ALL_COPIED = "not_all_copied"  # a may-routing: not everyone was copied


STATUS_ZH = {
    FindingStatus.MET: "已落实",
    FindingStatus.SHORT: "未达要求",
    FindingStatus.BEYOND_GUIDANCE: "超出指导范围",
    FindingStatus.MISSING_DESIGNATION: "未指定",
    FindingStatus.LATE: "逾期",
    FindingStatus.UNANSWERED: "未答复",
    FindingStatus.OPEN: "尚未到期",
    FindingStatus.RECORDED: "仅记录",
    FindingStatus.NOT_APPLICABLE: "不作要求",
    FindingStatus.NOT_DONE: "未开展",
    FindingStatus.FEWER: "次数较少",
    FindingStatus.NOT_ALL_INVITED: "未全部邀请",
    FindingStatus.NOT_ALL_ASKED: "未全部征求意见",
    FindingStatus.NOT_ALL_COPIED: "未全部抄送",
}
STATUS_EN = {
    FindingStatus.MET: "met",
    FindingStatus.SHORT: "short",
    FindingStatus.BEYOND_GUIDANCE: "beyond guidance",
    FindingStatus.MISSING_DESIGNATION: "designation missing",
    FindingStatus.LATE: "late",
    FindingStatus.UNANSWERED: "unanswered",
    FindingStatus.OPEN: "not yet due",
    FindingStatus.RECORDED: "recorded only",
    FindingStatus.NOT_APPLICABLE: "not applicable",
    FindingStatus.NOT_DONE: "not done",
    FindingStatus.FEWER: "fewer than named",
    FindingStatus.NOT_ALL_INVITED: "not everyone invited",
    FindingStatus.NOT_ALL_ASKED: "not everyone asked",
    FindingStatus.NOT_ALL_COPIED: "not everyone copied",
}
SHORTFALLS = frozenset({FindingStatus.SHORT, FindingStatus.MISSING_DESIGNATION, FindingStatus.LATE,
                        FindingStatus.UNANSWERED})
#: Modalities whose shortfall is no breach: what the sentence allowed was not (all) done.
MAY_MODALITIES = frozenset({Modality.MAY, Modality.AS_NEEDED, Modality.NONE})


def shortfall_status(modality: Modality, may: FindingStatus) -> FindingStatus:
    """``short`` (未达要求) for a sentence that says 应/要/一般应; for a may / as-needed sentence the
    status that says what was not done (``may``: not done, not everyone invited …), never ``short``."""
    return may if modality in MAY_MODALITIES else FindingStatus.SHORT


class Severity(enum.StrEnum):
    OK = "ok"
    VIOLATION = "violation"  # a shortfall of 应/要
    DEVIATION = "deviation"  # a shortfall of 一般应, not explained
    EXPLAINED = "explained"  # a shortfall of 一般应 with a recorded reason
    LOCAL = "local"  # a shortfall of the district's own setting only
    INFO = "info"  # may / as needed, open, recorded, beyond guidance

    def label(self, lang: str = "zh") -> str:
        """违反 / violation …: the word a report prints for it."""
        return (SEVERITY_ZH if lang == "zh" else SEVERITY_EN)[self]


SEVERITY_ZH = {Severity.OK: "符合", Severity.VIOLATION: "违反", Severity.DEVIATION: "偏离",
               Severity.EXPLAINED: "已说明", Severity.LOCAL: "未达本区设定", Severity.INFO: "提示"}
SEVERITY_EN = {Severity.OK: "ok", Severity.VIOLATION: "violation", Severity.DEVIATION: "deviation",
               Severity.EXPLAINED: "explained", Severity.LOCAL: "local setting not met", Severity.INFO: "info"}
#: Severities counted as problems, each separately in the totals.
PROBLEMS = (Severity.VIOLATION, Severity.DEVIATION, Severity.LOCAL)


def severity(status: FindingStatus, modality: Modality, *, local_only: bool = False,
             explained: bool = False) -> Severity:
    """The severity of a finding from its status, the sentence's modality and its basis."""
    if status not in SHORTFALLS:
        return Severity.OK if status == FindingStatus.MET else Severity.INFO
    if modality in MAY_MODALITIES:
        return Severity.INFO
    if local_only:
        return Severity.LOCAL
    if modality == Modality.GENERALLY_SHALL:
        return Severity.EXPLAINED if explained else Severity.DEVIATION
    return Severity.VIOLATION


@attrs.frozen(kw_only=True)
class Finding:
    """One obligation for one pairing or body over one period (or one record), and how it stands.

    ``rests_on`` names the district's own settings the finding depends on (``due_days``,
    ``cycle_anchor_year``, ``scope``, ``part_period`` …); ``reason`` is a record's explanation."""

    provision: str
    rule: str
    status: FindingStatus
    severity: Severity
    responsible: str | None
    affected: tuple[str, ...]
    subject: tuple[str, ...]
    period: tuple[dt.date, dt.date]
    message_zh: str
    message_en: str
    counted: tuple[str, ...] = ()
    expected: str = ""
    rests_on: tuple[str, ...] = ()
    pairing_in_force: tuple[dt.date, dt.date | None] | None = None
    reason: str = ""
    # the part of each message that explains a local reading (the district's note, the sentence it reads):
    # the same for every pairing it is read for, so a report lists it once as a footnote (※1) and the
    # lines refer to it; the messages themselves (and the JSON document) keep it
    explained_zh: str = ""
    explained_en: str = ""

    @property
    def basis(self) -> str:
        return "local" if self.rests_on else "text"

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def explained(self, lang: str = "zh") -> str:
        return self.explained_en if lang == "en" else self.explained_zh


def footnoted(findings: Iterable[Finding], lang: str = "zh") -> tuple[list[str], list[str]]:
    """The findings' messages with each explanation of a local reading replaced by a mark (※1), and
    the footnotes, each explanation once (``※1 …``) in the order the lines first refer to it."""
    notes: dict[str, int] = {}
    lines = []
    for f in findings:
        message, explained = f.message(lang), f.explained(lang)
        if explained and explained in message:
            mark = f"※{notes.setdefault(explained, len(notes) + 1)}"
            message = message.replace(explained, mark)
        lines.append(message)
    return lines, [f"※{n} {text.strip(' ;；')}" for text, n in notes.items()]


def local_mark(rests_on: Iterable[str], lang: str = "zh") -> str:
    """The words a finding's sentence carries when it rests on the district's own settings: every
    such sentence says so (``""`` when it rests on the text alone)."""
    fields = list(dict.fromkeys(rests_on))
    if not fields:
        return ""
    if lang == "en":
        return ("; " + ", ".join(dict.fromkeys(SETTING_EN.get(f, f.replace("_", " ")) for f in fields))
                + (" is" if len(fields) == 1 else " are") + " the district's own setting, not in the text")
    return "；" + "、".join(dict.fromkeys(SETTING_ZH.get(f, f) for f in fields)) + "为本区设定（原文未规定）"


@attrs.frozen
class LocalNote:
    """One district setting a finding rests on: the field, the district's note on it, the field in English."""

    field: str
    note_zh: str
    field_en: str
    field_zh: str = ""


def local_notes(district: District, finding: Finding) -> tuple[LocalNote, ...]:
    """The district's own notes on the settings ``finding`` rests on, from the versions of its rule in
    force over its period (an amended rule may note differently); ``part_period`` is the district's."""
    provision = district.provision(finding.provision)
    rules = [r for r in provision.rules if r.key == finding.rule and r.validity.clip(*finding.period) is not None] \
        or [r for r in provision.rules if r.key == finding.rule]
    notes = []
    for field in finding.rests_on:
        if field == "part_period":
            note = district.info.part_period.note
        else:
            note = next((n for r in rules if (n := r.local.note(field) or (r.note if r.basis == "local" else ""))),
                        "")
        notes.append(LocalNote(field, note, SETTING_EN.get(field, field.replace("_", " ")),
                               SETTING_ZH.get(field, field)))
    return tuple(notes)


@attrs.frozen
class NotCounted:
    """A record no finding counted, and why (nothing is dropped in silence)."""

    section: str
    index: int
    id: str
    reason_zh: str
    reason_en: str

    def reason(self, lang: str = "zh") -> str:
        return self.reason_en if lang == "en" else self.reason_zh


@attrs.frozen(kw_only=True)
class Report:
    district_id: str
    year: int
    as_of: dt.date
    findings: tuple[Finding, ...]
    not_counted: tuple[NotCounted, ...] = ()
    notes_zh: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()

    def with_severity(self, *severities: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity in severities)

    def problems(self) -> tuple[Finding, ...]:
        """Violations, deviations and local shortfalls: what someone must act on."""
        return self.with_severity(*PROBLEMS)

    def by_status(self, status: FindingStatus) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status == status)

    def totals(self) -> dict[str, int]:
        """How many findings of each severity."""
        counts = {s.value: 0 for s in Severity}
        for f in self.findings:
            counts[f.severity.value] += 1
        return counts

    def notes(self, lang: str = "zh") -> tuple[str, ...]:
        return self.notes_en if lang == "en" else self.notes_zh

    def summary(self, district: District) -> list[dict[str, object]]:
        """Per responsible body: how many of its findings have each status and severity."""
        rows: dict[str, dict[str, int]] = {}
        for f in self.findings:
            if f.responsible is None:
                continue
            counts = rows.setdefault(f.responsible, {})
            for key in (f.status.value, f.severity.value):
                counts[key] = counts.get(key, 0) + 1
        return [{"id": o.id, "name": o.name, "name_en": o.name_en, "kind": o.kind.value, **rows[o.id]}
                for o in district.organisations if o.id in rows]


def fail_on(report: Report, levels: Iterable[str]) -> tuple[Finding, ...]:
    """The findings at or above the given levels (``violation``; ``deviation`` includes violations)."""
    wanted = set(levels)
    severities = {Severity.VIOLATION} if "violation" in wanted else set()
    if "deviation" in wanted:
        severities |= {Severity.VIOLATION, Severity.DEVIATION}
    if "local" in wanted:
        severities |= {Severity.LOCAL}
    return report.with_severity(*severities)
