"""What the checks leave: records no finding counted (each with the reason) and the notes of a year
in which the regulation is not in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from liaison.compliance.context import Context
from liaison.district import District
from liaison.findings import NotCounted
from liaison.model import OrgKind
from liaison.records import SECTIONS, HeldEngagement, Records
from liaison.rules import ENGAGEMENT_KIND_EN, ENGAGEMENT_KIND_ZH, Rule


def _rules_in_force(district: District, first: dt.date, last: dt.date) -> list[Rule]:
    return [r for p in district.provisions for r in p.rules if r.validity.clip(first, last) is not None]


def notes(ctx: Context) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if _rules_in_force(ctx.district, ctx.first, ctx.last):
        return (), ()
    starts = [r.valid_from for p in ctx.district.provisions for r in p.rules]
    first = min(starts).isoformat() if starts else "—"
    return ((f"{ctx.year}年{ctx.district.info.regulation_title}尚未施行（最早的规则自{first}起施行），不作检查。",),
            (f"The regulation is not in force in {ctx.year} (its first rules apply from {first}): nothing to check.",))


def not_counted(ctx: Context, records: Records) -> Iterator[NotCounted]:
    """Every record of ``records`` (all of them, as given) no checker counted, with the reason; the
    checkers counted by position in what they saw, the records up to the check date."""
    starts = [r.valid_from for p in ctx.district.provisions for r in p.rules]
    begins = min(starts) if starts else dt.date.min
    for section in SECTIONS:
        position = 0  # the record's place among those the checks saw (``records.until(as_of)``)
        for i, record in enumerate(getattr(records, section)):
            day = _record_date(record)
            seen = day is None or day <= ctx.as_of  # what Records.until keeps
            if seen:
                position += 1
                if (section, position - 1) in ctx.used:
                    continue
            ident = getattr(record, "id", "") or getattr(record, "source", "") or f"{section}[{i}]"
            if day is not None and day > ctx.as_of:
                zh, en = f"日期{day.isoformat()}晚于检查日{ctx.as_of.isoformat()}", f"dated {day}, after {ctx.as_of}"
            elif day is not None and day < begins:
                zh, en = f"日期{day.isoformat()}早于本意见施行（{begins.isoformat()}）", \
                    f"dated {day}, before the regulation applies ({begins})"
            elif day is not None and not ctx.first <= day <= ctx.last:
                zh, en = f"日期{day.isoformat()}不在{ctx.year}年，且不属于本次检查的任何周期", \
                    f"dated {day}, outside {ctx.year} and outside every period checked"
            else:
                zh, en = _why_not(ctx, section, record)
            yield NotCounted(section, i, ident, zh, en)


def _record_date(record: object) -> dt.date | None:
    for field in ("date", "received", "sent"):
        value = getattr(record, field, None)
        if isinstance(value, dt.date):
            return value
    return None


def _why_not(ctx: Context, section: str, record: object) -> tuple[str, str]:
    if isinstance(record, HeldEngagement):
        host = ctx.district.organisation(record.host)
        kind = record.kind
        if host.kind == OrgKind.DEPARTMENT and not ctx.district.counterparts_of(host, record.date).pairings:
            return (f"{host.name}在该日没有对口联系的民主党派、工商联",
                    f"{host.name_en} had no pairing in force that day")
        return (f"没有规则计算由{host.name}主办的{ENGAGEMENT_KIND_ZH[kind]}",
                f"no rule counts a {ENGAGEMENT_KIND_EN[kind]} hosted by {host.name_en}")
    if section == "documents":
        return ("没有适用于该发文单位或文件类别的抄送规则",
                "no copying rule applies to this issuer or kind of document")
    return ("没有适用的规则", "no rule applies")
