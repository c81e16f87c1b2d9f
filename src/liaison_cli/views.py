"""How answers look: stable JSON shapes and Chinese tables for the terminal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from liaison.district import CcList, District, InviteeList, Recipient
from liaison.model import MODALITY_ZH, RULE_TAGS, Organisation, Pairing, Provision

console = Console(soft_wrap=True, highlight=False, width=160, markup=False, emoji=False)  # data is never markup
err_console = Console(stderr=True, highlight=False, markup=False, emoji=False)


def table(title: str, columns: Sequence[str]) -> Table:
    t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", show_lines=False)
    for column in columns:
        t.add_column(column, overflow="fold")
    return t


def org_ref(org: Organisation) -> dict[str, str]:
    return {"id": org.id, "name": org.name, "name_en": org.name_en}


def iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


# -------------------------------------------------------------------------------------------- provisions
def rule_json(rule: Any) -> dict[str, Any]:
    from liaison.convert import unstructure

    body: dict[str, Any] = unstructure(rule)
    body["kind"] = RULE_TAGS[type(rule)]
    body.setdefault("valid_from", rule.valid_from.isoformat())
    for key in ("valid_from", "valid_until"):
        if isinstance(body.get(key), dt.date):
            body[key] = body[key].isoformat()
    return body


def provision_json(prov: Provision) -> dict[str, Any]:
    return {
        "id": prov.id,
        "citation_zh": prov.citation_zh,
        "title_zh": prov.title_zh,
        "title_en": prov.title_en,
        "modality": prov.modality.value,
        "text_zh": prov.text_zh,
        "text_en": prov.text_en,
        "rules": [rule_json(r) for r in prov.rules],
    }


def describe_rule(rule: Any) -> str:
    tag = RULE_TAGS[type(rule)]
    if tag == "cadence":
        most = "不限" if rule.max_per_period is None else str(rule.max_per_period)
        return (f"{rule.engagement_kind.value}: 每{rule.period_years}年 {rule.min_per_period}–{most} 次"
                f"（{'每对' if rule.scope == 'pairing' else '全区'}，起算 {rule.cycle_anchor_year}）")
    if tag == "routing":
        return f"抄送: {rule.issuer} {rule.document_kind} → {rule.recipients}"
    if tag == "invitation":
        return f"邀请: {rule.event_kind.value} → {rule.recipients}（{rule.role_zh}）"
    if tag == "response":
        return f"答复: {rule.trigger} {rule.describe_zh()}"
    if tag == "designation":
        return "指定: " + "、".join(rule.roles)
    return f"记录: {rule.record_kind}"


def print_provisions(district: District) -> None:
    t = table(f"{district.info.regulation_title} — 条款", ["编号", "条", "标题", "效力", "规则"])
    for prov in district.provisions:
        t.add_row(prov.id, prov.citation_zh, prov.title_zh, MODALITY_ZH[prov.modality],
                  "\n".join(describe_rule(r) for r in prov.rules) or "—")
    console.print(t)


def print_provision(prov: Provision) -> None:
    console.print(f"{prov.id}  {prov.citation_zh}  {prov.title_zh}（{prov.title_en}）")
    console.print(f"效力 modality: {MODALITY_ZH[prov.modality]} ({prov.modality.value})")
    console.print()
    console.print(prov.text_zh, markup=False)
    if prov.rules:
        console.print()
        for rule in prov.rules:
            until = f" 至 {rule.valid_until}" if rule.valid_until else ""
            console.print(f"- {describe_rule(rule)}  [自 {rule.valid_from}{until}]", markup=False)


# ---------------------------------------------------------------------------------------------- pairings
def pairing_json(district: District, pairing: Pairing) -> dict[str, Any]:
    return {
        "department": org_ref(district.organisation(pairing.department)),
        "counterpart": org_ref(district.organisation(pairing.counterpart)),
        "clause": pairing.clause,
        "valid_from": iso(pairing.valid_from),
        "valid_until": iso(pairing.valid_until),
    }


def pairings_json(district: District, day: dt.date, found: Iterable[Pairing]) -> dict[str, Any]:
    return {
        "district": district.info.id,
        "as_of": day.isoformat(),
        "pairings": [pairing_json(district, p) for p in found],
        "common_liaison_units": [org_ref(o) for o in district.common_liaison_units(day)],
    }


def print_pairings(district: District, day: dt.date, found: Sequence[Pairing]) -> None:
    t = table(f"对口联系安排（截至 {day.isoformat()}，共 {len(found)} 对）",
              ["区直部门", "对口联系", "依据", "生效", "失效"])
    for p in found:
        t.add_row(district.organisation(p.department).name, district.organisation(p.counterpart).name,
                  p.clause, iso(p.valid_from) or "", iso(p.valid_until) or "—")
    console.print(t)
    units = district.common_liaison_units(day)
    if units:
        console.print("共同联系单位（§2.1）: " + "、".join(o.name for o in units))


# ----------------------------------------------------------------------------------------------- routing
def print_basis(district: District, note_zh: str, provisions: Sequence[str]) -> None:
    """The note (why a list is empty) and the verbatim text of each provision an answer rests on."""
    if note_zh:
        console.print(note_zh)
    for pid in provisions:
        prov = district.provision(pid)
        console.print(f"{prov.id} {prov.citation_zh}: {prov.text_zh}", markup=False)


def recipient_json(r: Recipient) -> dict[str, Any]:
    out: dict[str, Any] = org_ref(r.organisation)
    out["provisions"] = list(r.provisions)
    if r.role_zh:
        out["role_zh"] = r.role_zh
    return out


def cc_json(cc: CcList) -> dict[str, Any]:
    return {
        "issuer": org_ref(cc.issuer),
        "date": cc.date.isoformat(),
        "document_kind": cc.document_kind,
        "provisions": list(cc.provisions),
        "recipients": [recipient_json(r) for r in cc.recipients],
        "note_zh": cc.note_zh,
    }


def print_cc(district: District, cc: CcList) -> None:
    t = table(f"{cc.issuer.name} {cc.date.isoformat()} 政策性文件抄送（{len(cc.recipients)} 家）",
              ["抄送", "English", "依据"])
    for r in cc.recipients:
        t.add_row(r.organisation.name, r.organisation.name_en, " ".join(r.provisions))
    console.print(t)
    print_basis(district, cc.note_zh, cc.provisions)


def invitees_json(found: InviteeList) -> dict[str, Any]:
    return {
        "event_kind": found.event_kind.value,
        "date": found.date.isoformat(),
        "host": org_ref(found.host) if found.host else None,
        "modality": found.modality.value,
        "provisions": list(found.provisions),
        "invitees": [recipient_json(r) for r in found.recipients],
        "note_zh": found.note_zh,
    }


def print_invitees(district: District, found: InviteeList) -> None:
    host = found.host.name if found.host else ""
    t = table(f"{host} {found.event_kind.value} {found.date.isoformat()} 邀请名单（{len(found.recipients)} 家，"
              f"{MODALITY_ZH[found.modality]}）", ["受邀", "方式", "依据"])
    for r in found.recipients:
        t.add_row(r.organisation.name, r.role_zh, " ".join(r.provisions))
    console.print(t)
    print_basis(district, found.note_zh, found.provisions)


def print_plugins(found: Sequence[dict[str, Any]]) -> None:
    t = table(f"已加载插件 loaded plugins（{len(found)}）", ["插件", "发行包", "钩子", "提供 provides"])
    for p in found:
        provides = [f"{kind[:-1]} {x['name']}" for kind in ("exporters", "publishers", "record_readers")
                    for x in p.get(kind, [])]
        t.add_row(str(p["name"]), str(p["distribution"]), ", ".join(p["hooks"]), "\n".join(provides))
    console.print(t)
    options = table("选项 options (--option KEY=VALUE)", ["导出/发布", "选项", "类型", "默认", "说明"])
    for p in found:
        for kind in ("exporters", "publishers"):
            for thing in p.get(kind, []):
                for o in thing["options"]:
                    kind_text = o["type"] + (f" ({'|'.join(o['choices'])})" if o.get("choices") else "")
                    default = "" if o["default"] in (None, (), [], "") else str(o["default"])
                    options.add_row(thing["name"], o["name"], kind_text, default, o["help"])
    if options.row_count:
        console.print(options)


# -------------------------------------------------------------------------------------------------- plan
def print_plan(district: District, plan: Any, *, lang: str = "zh") -> None:
    from liaison.model import ENGAGEMENT_KIND_ZH
    from liaison.plan import STATUS_ZH

    label = "、".join(str(y) for y in plan.years)
    t = table(f"{district.info.name} {label}年对口联系工作计划（{len(plan.engagements)} 项）",
              ["日期", "时间", "类型", "事项", "参加", "依据", "状态"])
    for e in plan.engagements:
        when = (f"{e.start:%H:%M}–{e.end:%H:%M}" if e.start and e.end else
                f"{e.start:%H:%M}" if e.start else "全天")
        others = [district.organisation(p).short_name for p in e.participants if p != e.host]
        everyone = set(e.participants) >= {o.id for o in district.counterparts()}
        flags = STATUS_ZH[e.status] + ("（暂定）" if e.provisional else "") + ("⚠超出指导" if e.beyond_guidance else "")
        t.add_row(f"{e.date:%Y-%m-%d} 周{'一二三四五六日'[e.date.weekday()]}", when, ENGAGEMENT_KIND_ZH[e.kind],
                  e.title_zh, "各民主党派、工商联" if everyone else "、".join(others),
                  " ".join(e.provisions), flags)
    console.print(t)
    counts: dict[str, int] = {}
    for e in plan.engagements:
        counts[ENGAGEMENT_KIND_ZH[e.kind]] = counts.get(ENGAGEMENT_KIND_ZH[e.kind], 0) + 1
    console.print("合计 totals: " + "，".join(f"{k} {v}" for k, v in counts.items()))
    print_plan_notes(plan, lang=lang)


def print_plan_notes(plan: Any, limit: int = 20, *, lang: str = "zh") -> None:
    """Provisional years, warnings and what could not be placed; long lists are cut with a count
    (the JSON has all)."""
    from liaison.workdays import provisional_note

    en = lang == "en"
    for year in plan.provisional_years:
        note = provisional_note(year, breaks_avoided=not plan.options.allow_customary_breaks, lang=lang)
        console.print(("Provisional: " if en else "暂定：") + note)
    sections = (("Warning" if en else "注意", [w.message(lang) for w in plan.warnings]),
                ("Not placed" if en else "未能安排",
                 [f"{u.provision} {u.reason_en if en else u.reason_zh}" for u in plan.unplaced]))
    for label, lines in sections:
        for line in lines[:limit]:
            console.print(f"{label}: {line}")
        if len(lines) > limit:
            more = (f"… and {len(lines) - limit} more (all of them in --format json)" if en
                    else f"…及另外 {len(lines) - limit} 项（完整列表见 --format json）")
            console.print(f"{label}: {more}")


def finding_json(f: Any) -> dict[str, Any]:
    return {
        "provision": f.provision,
        "rule": f.rule,
        "status": f.status.value,
        "severity": f.severity.value,
        "subject": list(f.subject),
        "period": [f.period[0].isoformat(), f.period[1].isoformat()],
        "counted": list(f.counted),
        "expected": f.expected,
        "pairing_in_force": None if f.pairing_in_force is None else
        [iso(f.pairing_in_force[0]), iso(f.pairing_in_force[1])],
        "message_zh": f.message_zh,
        "message_en": f.message_en,
    }


def report_json(district: District, report: Any) -> dict[str, Any]:
    return {
        "district": report.district,
        "year": report.year,
        "as_of": report.as_of.isoformat(),
        "findings": [finding_json(f) for f in report.findings],
        "summary": report.summary(district),
    }


def print_report(district: District, report: Any, *, lang: str = "zh", show_all: bool = False) -> None:
    from liaison.compliance import PROBLEMS, STATUS_ZH

    shown = [f for f in report.findings if show_all or f.status in PROBLEMS or f.status.value == "beyond_guidance"]
    t = table(f"{report.year}年对口联系工作检查（截至 {report.as_of.isoformat()}）："
              f"{len(report.findings)} 项，问题 {len(report.problems())} 项",
              ["条款", "状态", "程度", "说明"])
    for f in shown:
        t.add_row(f.provision, STATUS_ZH[f.status], f.severity.value, f.message_zh if lang == "zh" else f.message_en)
    console.print(t)
    statuses = ["met", "short", "beyond_guidance", "designation_missing", "response_overdue", "open", "recorded_only"]
    s = table("按单位汇总 summary per organisation", ["单位", *[STATUS_ZH[type(report.findings[0].status)(x)]
                                                          for x in statuses]] if report.findings else ["单位"])
    for row in report.summary(district):
        s.add_row(str(row["name"]), *[str(row.get(x, "")) for x in statuses])
    console.print(s)


def print_export_summary(folder: Any, plan: Any, written: Sequence[tuple[str, str, int]], *,
                         lang: str = "zh") -> None:
    by_format: dict[str, list[tuple[str, int]]] = {}
    for name, path, size in written:
        by_format.setdefault(name, []).append((path, size))
    t = table(f"已写入 written to {folder}（{len(written)} 个文件）", ["格式", "文件数", "大小", "示例"])
    for name, files in by_format.items():
        t.add_row(name, str(len(files)), f"{sum(s for _, s in files) / 1024:.0f} KB", files[0][0])
    console.print(t)
    print_plan_notes(plan, lang=lang)
