"""What the checks leave: records no finding counted (each with the reason) and the notes of a year
in which the regulation is not in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from liaison.law.compliance.context import Context
from liaison.law.district import District
from liaison.law.findings import NotCounted
from liaison.law.model import OrgKind
from liaison.law.records import SECTIONS, HeldEngagement, Records
from liaison.law.rules import Cadence, Rule


def _rules_in_force(district: District, first: dt.date, last: dt.date) -> list[Rule]:
    return [r for p in district.provisions for r in p.rules if r.validity.clip(first, last) is not None]


def notes(ctx: Context) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if _rules_in_force(ctx.district, ctx.first, ctx.last):
        return (), ()
    starts = [r.valid_from for p in ctx.district.provisions for r in p.rules]
    first = min(starts).isoformat() if starts else "—"
    local = starts and any(r.valid_from == min(starts) and r.is_local("valid_from")
                           for p in ctx.district.provisions for r in p.rules)
    since_zh = f"本区设定自{first}起施行，原文未载施行日期" if local else f"最早的规则自{first}起施行"
    since_en = f"the district applies it from {first}; the text gives no date" if local else \
        f"its first rules apply from {first}"
    return ((f"{ctx.year}年《{ctx.district.info.regulation_title}》尚未施行（{since_zh}），不作检查。",),
            (f"The regulation is not in force in {ctx.year} ({since_en}): nothing to check.",))


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
            if day is not None and day > ctx.as_of and day.year > ctx.year:
                zh, en = f"日期{day.isoformat()}在{ctx.year}年之后，不属于本次检查", \
                    f"dated {day}, after {ctx.year}: not part of this check"
            elif day is not None and day > ctx.as_of:
                zh, en = f"日期{day.isoformat()}晚于检查日{ctx.as_of.isoformat()}", f"dated {day}, after {ctx.as_of}"
            elif day is not None and day < begins:
                zh, en = _before_start(ctx.district, day, begins)
            elif day is not None and not ctx.first <= day <= ctx.last:
                zh, en = f"日期{day.isoformat()}不在{ctx.year}年，且不属于本次检查的任何周期", \
                    f"dated {day}, outside {ctx.year} and outside every period checked"
            else:
                zh, en = _why_not(ctx, section, record)
            yield NotCounted(section, i, ident, zh, en)


def _before_start(district: District, day: dt.date, begins: dt.date) -> tuple[str, str]:
    """A record dated before the first rule applies: the day the district chose (the seed's text gives
    none) is said to be the district's, never the text's."""
    local = any(r.valid_from == begins and r.is_local("valid_from") for p in district.provisions for r in p.rules)
    title = district.info.regulation_short_title
    if local:
        return (f"日期{day.isoformat()}早于本区设定的《{title}》施行日期（{begins.isoformat()}；原文未载施行日期）",
                f"dated {day}, before the date the district applies the regulation from ({begins}; the text gives "
                "none)")
    return (f"日期{day.isoformat()}早于《{title}》施行（{begins.isoformat()}）",
            f"dated {day}, before the regulation applies ({begins})")


def _record_date(record: object) -> dt.date | None:
    for field in ("date", "received", "sent"):
        value = getattr(record, field, None)
        if isinstance(value, dt.date):
            return value
    return None


def _why_not(ctx: Context, section: str, record: object) -> tuple[str, str]:
    if isinstance(record, HeldEngagement):
        return _why_not_engagement(ctx, record)
    if section == "documents":
        return ("没有适用于该发文单位或文件类别的抄送规则",
                "no copying rule applies to this issuer or kind of document")
    return ("没有适用的规则", "no rule applies")


def _why_not_engagement(ctx: Context, record: HeldEngagement) -> tuple[str, str]:
    """Why an engagement counted for nothing: its host had no pairing that day; the organisations at it
    are not paired with its host that day (a rule counts this kind by this host, for its pairings
    only); none of them attended; or no rule counts this kind by this host at all."""
    host = ctx.district.organisation(record.host)
    kind, day = record.kind, record.date
    what_zh, what_en = ctx.district.kind_name(kind), ctx.district.kind_name(kind, "en")
    counts_kind = [r for _, r in ctx.district.rules(Cadence, day)
                   if r.engagement_kind == kind and r.scope != "government"]
    if host.kind != OrgKind.DEPARTMENT or not counts_kind:
        return (f"没有规则计算由{host.name}主办的{what_zh}", f"no rule counts a {what_en} hosted by {host.name_en}")
    paired = ctx.district.counterparts_of(host, day)
    if not paired.pairings:
        return (f"{host.name}在该日没有对口联系的民主党派、工商联",
                f"{host.name_en} had no pairing in force that day")
    ours = [o.id for o in paired.others]
    present = [o for o in record.attended if o != host.id and ctx.district.organisation(o).kind != OrgKind.DEPARTMENT]
    if not present:
        return (f"没有民主党派、工商联参加这次{what_zh}", f"no party branch or the ICF attended this {what_en}")
    strangers = [o for o in present if o not in ours]
    if strangers and len(strangers) == len(present):
        return (f"{ctx.names(strangers)}在{day.isoformat()}不是{host.name}的对口联系单位"
                f"（{host.name}对口联系{ctx.names(ours)}），{what_zh}只计入主办部门自己的对口关系",
                f"{ctx.names(strangers, 'en')} {'was' if len(strangers) == 1 else 'were'} not paired with "
                f"{host.name_en} on {day.isoformat()} (it is paired with {ctx.names(ours, 'en')}); a "
                f"{what_en} counts for the host's own pairings only")
    return (f"没有规则计算由{host.name}主办的这次{what_zh}", f"no rule counts this {what_en} hosted by {host.name_en}")
