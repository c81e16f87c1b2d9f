"""The timeline's rows: one per body that owes liaison (the government, its office, each department),
with the marks where it takes part and what it owes in the year (read from the year's
:class:`liaison.law.duties.YearDuties`, worked out once, the one place duties are worked out)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from liaison.law.district import District
from liaison.law.duties import Duties, Obligation, YearDuties, duties_for
from liaison.law.model import GOVERNMENT_KINDS, Organisation, OrgKind
from liaison.law.terms import DESIGNATION_EN, DESIGNATION_ZH
from liaison_html.marks import Mark, Provisions, kind_name
from liaison_html.texts import UI, Bi, Words, period_text

if TYPE_CHECKING:
    from liaison.law.records import Records

ROW_KINDS = (*sorted(GOVERNMENT_KINDS), OrgKind.DEPARTMENT)


@attrs.frozen
class DutyLine:
    label: Bi
    text: Bi
    local: bool = False  # rests on a setting of the district's own


@attrs.frozen
class BodyRow:
    """One row of the timeline: a body, the marks it takes part in, its duties for the year."""

    index: int
    org_id: str
    name: Bi
    marks: tuple[Mark, ...]
    duties: tuple[DutyLine, ...]

    @property
    def key(self) -> str:
        return f"b-{self.index}"


def body_rows(district: District, year: int, found: Sequence[Mark], participants: Sequence[tuple[str, ...]],
              provisions: Provisions, records: Records | None, as_of: dt.date,
              duties: YearDuties | None = None, words: Words | None = None) -> tuple[BodyRow, ...]:
    """A row per government body and department, in directory order; ``participants[i]`` are the
    organisations of mark ``i``; designations as of ``as_of`` (with the records' designations);
    ``duties``: the year's duties with these records, when the caller has them; ``words``: the page's
    texts, each made once."""
    words = words or Words()
    duties = duties_for(district, year, duties, records=records)
    marks_of: dict[str, list[Mark]] = {}  # each body's marks, in the marks' order
    for m in found:
        for org_id in dict.fromkeys(participants[m.index]):
            marks_of.setdefault(org_id, []).append(m)
    rows: list[BodyRow] = []
    for org in district.organisations:
        if org.kind not in ROW_KINDS:
            continue
        owes = duties.duties(org, as_of=as_of)
        rows.append(BodyRow(len(rows), org.id, Bi(org.name, org.name_en), tuple(marks_of.get(org.id, ())),
                            duty_lines(district, owes, provisions, as_of, words)))
    return tuple(rows)


def duty_lines(district: District, duties: Duties, provisions: Provisions, as_of: dt.date,
               words: Words | None = None) -> tuple[DutyLine, ...]:
    words = words or Words()
    lines: list[DutyLine] = []
    counterparts = duties.counterparts
    if counterparts:
        lines.append(DutyLine(UI["paired"], words(_names(district, counterparts))))
    lines += [_obligation(district, o, provisions, words) for o in duties.obligations]
    if duties.designation is not None:
        d = duties.designation
        cite = provisions.get(d.provision_id, f"designations of {duties.body.id}").cite
        missing = d.missing
        text = (Bi("未指定：" + "、".join(DESIGNATION_ZH[r] for r in missing),
                   "not named: " + ", ".join(DESIGNATION_EN[r] for r in missing)) if missing else
                Bi("已指定：" + "、".join(DESIGNATION_ZH[r] for r in d.rule.roles),
                   "named: " + ", ".join(DESIGNATION_EN[r] for r in d.rule.roles)))
        text = Bi(f"截至{as_of.isoformat()}", f"as of {as_of.isoformat()}, ").join(text, "", "")
        lines.append(DutyLine(UI["designation"], words(cite.join(text, "：", ": "))))
    several = len(duties.cc) > 1  # the cc list changes in the year: say from when each holds
    for cc in duties.cc:
        if cc.recipients:
            names = _names(district, cc.ids())
            if several:
                names = Bi(f"{cc.date.isoformat()}起：", f"from {cc.date.isoformat()}: ").join(names, "", "")
            lines.append(DutyLine(UI["cc"], words(names)))
    return words.one(tuple(words.one(line) for line in lines))


def _names(district: District, ids: Sequence[str | Organisation]) -> Bi:
    return Bi(district.names_of(ids, lang="zh"), district.names_of(ids, lang="en"))


def _obligation(district: District, o: Obligation, provisions: Provisions, words: Words) -> DutyLine:
    cite = provisions.get(o.provision.id, f"obligation of {o.responsible.id}").cite
    period_zh, count_zh = o.rule.how_often_zh()
    period_en, count_en = o.rule.how_often_en()
    what = kind_name(o.kind, district)
    text = Bi(f"{what.zh}{period_zh}{count_zh}", f"{what.en}: {count_en} {period_en}")
    if o.scope == "pairing" and len(o.subject) > 1:
        text = text.join(_names(district, o.counterparts), "（与", " (with ")
        text = Bi(text.zh + "）", text.en + ")")
    if o.partial or not o.applicable:
        text = text.join(Bi(o.reason_zh, o.reason_en), "；", "; ")
    first, last = o.period
    if (first, last) != (dt.date(first.year, 1, 1), dt.date(first.year, 12, 31)):
        text = text.join(period_text(first, last), "（期间：", " (period: ")
        text = Bi(text.zh + "）", text.en + ")")
    return DutyLine(cite, words(text), bool(o.rests_on))
