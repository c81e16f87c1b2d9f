"""How answers look in the terminal: tables in Chinese, or English with --lang en. (Their JSON is
:mod:`liaison.formats.documents`.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console

from liaison.law.district import CcList, District, InviteeList
from liaison.law.model import Pairing
from liaison.law.rules import (
    BASIS_EN,
    BASIS_ZH,
    MODALITY_EN,
    MODALITY_ZH,
    Provision,
    Rule,
    describe_rule,
)
from liaison.law.terms import (
    SETTING_EN,
    SETTING_ZH,
    term,
)
from liaison.year.engagements import STATUS_EN, STATUS_ZH, Engagement, Plan
from liaison_cli.listing import show, table

if TYPE_CHECKING:
    from liaison.formats.documents import PluginDocument
    from liaison.law.findings import Report
    from liaison.year.due import DueList

console = Console(soft_wrap=True, highlight=False, width=160, markup=False, emoji=False)  # data is never markup
err_console = Console(stderr=True, highlight=False, markup=False, emoji=False)


def iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


# -------------------------------------------------------------------------------------------- provisions
def setting_name(field: str, lang: str = "zh") -> str:
    return term(SETTING_EN, field) if lang == "en" else term(SETTING_ZH, field)


def local_lines(rule: Rule, lang: str = "zh") -> list[str]:
    """The rule's local settings, each marked 本区设定（原文未规定）with its note (the district's
    notes are in Chinese: English names the setting only); a rule the district chose as a whole says so."""
    if rule.basis == "local":
        return ["  the whole rule: " + BASIS_EN["local"]] if lang == "en" else \
            [f"  整条规则：{BASIS_ZH['local']} — {rule.note}"]
    if lang == "en":
        return [f"  {setting_name(field, 'en')}: {BASIS_EN['local']}" for field, _ in rule.local.notes
                if field != "valid_from"]
    return [f"  {setting_name(field)}: {BASIS_ZH['local']} — {note}" for field, note in rule.local.notes
            if field != "valid_from"]


def print_provisions(district: District, *, lang: str = "zh") -> None:
    en = lang == "en"
    title = (f"{district.info.name_en}: provisions" if en else f"{district.info.regulation_title} — 条款")
    t = table(title, ["id", "title", "modality", "rules", "the district's own settings (not in the text)"]
              if en else ["编号", "条", "标题", "效力", "规则", "本区设定（原文未规定）"])
    for prov in district.provisions:
        local = sorted({f for r in prov.rules for f in r.local.fields() if f != "valid_from"})
        names = list(dict.fromkeys(setting_name(f, lang) for f in local))
        names += [("the rule " if en else "规则“") + r.key + ("" if en else "”整条") for r in prov.rules
                  if r.basis == "local"]
        names += (["reading" if en else "解读"] if prov.readings else [])
        cells = [prov.id, *([] if en else [prov.citation_zh]), prov.title_en if en else prov.title_zh,
                 (MODALITY_EN if en else MODALITY_ZH)[prov.modality],
                 "\n".join(describe_rule(r, lang) for r in prov.rules) or "—",
                 (", " if en else "、").join(names) or "—"]
        t.add_row(*cells)
    console.print(t)


def _texts_line(prov: Provision, day: dt.date, lang: str) -> str:
    """Which wording is shown, when the provision was amended."""
    if not prov.amendments:
        return ""
    current = prov.text_at(day)
    dates = [t.valid_from.isoformat() for t in prov.amendments]
    if lang == "en":
        shown = "the original text" if current.valid_from == dt.date.min else f"the text from {current.valid_from}"
        return f"({shown}, in force on {day}; amended from {', '.join(dates)})"
    shown = "原文" if current.valid_from == dt.date.min else f"自{current.valid_from}起的文本"
    source = f"，{current.source}" if current.source else ""
    return f"（{day}有效的为{shown}{source}；修订：{'、'.join(dates)}）"


def _sentence_lines(prov: Provision, day: dt.date, lang: str) -> list[str]:
    """Every sentence and what implements it (docs/provisions.md)."""
    from liaison.law.sentences import sentences

    en = lang == "en"
    # a key's version in force that day names it (else its first)
    in_force = [r for r in prov.rules if r.validity.contains(day)]
    rules = {r.key: describe_rule(r, lang) for r in [*reversed(prov.rules), *in_force]}
    rules["pairings"] = "the pairings" if en else "对口关系"

    def named(key: str) -> str:
        return rules.get(key, key)

    lines = []
    for number, x in enumerate(sentences(prov, day), 1):
        # the sentences are the Chinese text's (the English is a translation, not aligned with them)
        lines.append(f"{number}. (sentence {number} of the Chinese text)" if en else f"· {x.text_zh}")
        if x.rules:
            lines.append(("  rules: " if en else "  规则：") + ("; " if en else "；").join(named(k) for k in x.rules))
        if x.pairings:
            lines.append("  the pairings" if en else "  对口关系")
        for n in x.notes:
            if n.implemented_by:
                lines.append(f"  by {named(n.implemented_by)}: {n.note_en}" if en
                             else f"  由{named(n.implemented_by)}实施：{n.note_zh}")
            else:
                lines.append(f"  not modelled: {n.note_en}" if en else f"  未建模：{n.note_zh}")
        for part in x.uncovered:
            lines.append("  a part is not accounted for in the data (see --lang zh)" if en else f"  数据未说明：{part}")
    return lines


def print_provision(prov: Provision, day: dt.date, *, lang: str = "zh") -> None:
    # One branch per language, alike in shape: the two differ in order and wording (效力 / modality,
    # 解读“…” / Reading of a phrase), which a shared template would hide.
    current = prov.text_at(day)
    if lang == "en":
        console.print(f"{prov.id}  {prov.title_en}")
        console.print(f"modality: {MODALITY_EN[prov.modality]}")
        console.print()
        console.print(current.text_en.strip())
        if prov.amendments:
            console.print(_texts_line(prov, day, "en"))
        for reading in prov.readings:
            console.print(f"\nReading of a phrase: {BASIS_EN[reading.basis]} — {reading.reading_en}")
        if prov.rules:
            console.print()
        for rule in prov.rules:
            until = f" to {rule.valid_until}" if rule.valid_until else ""
            console.print(f"- {describe_rule(rule, 'en')}  [{MODALITY_EN[prov.modality_of(rule)]}; from "
                          f"{rule.valid_from}{until}]")
            for line in local_lines(rule, "en"):
                console.print(line)
        console.print("\nSentence by sentence:")
        for line in _sentence_lines(prov, day, "en"):
            console.print(line)
        return
    console.print(f"{prov.id}  {prov.citation_zh}  {prov.title_zh}")
    console.print(f"效力：{MODALITY_ZH[prov.modality]}")
    console.print()
    console.print(current.text_zh.strip())
    if prov.amendments:
        console.print(_texts_line(prov, day, "zh"))
    for reading in prov.readings:
        console.print(f"\n解读“{reading.phrase_zh}”：{BASIS_ZH[reading.basis]} — {reading.reading_zh}")
    if prov.rules:
        console.print()
        for rule in prov.rules:
            until = f" 至 {rule.valid_until}" if rule.valid_until else ""
            modality = MODALITY_ZH[prov.modality_of(rule)]
            console.print(f"- {describe_rule(rule)}  [{modality}；自 {rule.valid_from}{until}]")
            if rule.sentence_zh:
                console.print(f"  原文：{rule.sentence_zh}")
            for line in local_lines(rule):
                console.print(line)
            if rule.note and rule.basis != "local":  # a rule local as a whole said its note above
                console.print(f"  说明：{rule.note}")
    console.print("\n逐句：")
    for line in _sentence_lines(prov, day, "zh"):
        console.print(line)


# ---------------------------------------------------------------------------------------------- pairings
def print_pairings(district: District, day: dt.date, found: Sequence[Pairing], *, lang: str = "zh") -> None:
    en = lang == "en"

    def name(org: str) -> str:
        found_org = district.organisation(org)
        return found_org.name_en if en else found_org.name

    t = table(f"Pairings in force on {day.isoformat()} ({len(found)})" if en else
              f"对口联系安排（截至 {day.isoformat()}，共 {len(found)} 对）",
              ["department", "counterpart", "basis", "from", "until"] if en else
              ["区直部门", "对口联系", "依据", "生效", "失效"])
    for p in found:
        t.add_row(name(p.department), name(p.counterpart), p.clause, iso(p.valid_from) or "", iso(p.valid_until) or "—")
    console.print(t)
    units = district.common_liaison_units(day)
    if units:
        common = [p.id for p in district.provisions if p.pairing_role == "common_liaison"]
        clauses = (", " if en else "、").join(common)
        console.print(f"Common liaison units ({clauses}): " + ", ".join(o.name_en for o in units) if en else
                      f"共同联系单位（{clauses}）: " + "、".join(o.name for o in units))


# ----------------------------------------------------------------------------------------------- routing
def print_basis(district: District, note: str, provisions: Sequence[str], day: dt.date, *, lang: str = "zh") -> None:
    """The note (why a list is empty, in ``lang``) and the text, as worded on ``day``, of each provision
    an answer rests on: verbatim in Chinese, the translation in English."""
    if note:
        console.print(note)
    for pid in provisions:
        prov = district.provision(pid)
        text = prov.text_at(day)
        console.print(f"{prov.id}: {text.text_en.strip()}" if lang == "en" else
                      f"{prov.id} {prov.citation_zh}: {text.text_zh.strip()}")


def print_cc(district: District, cc: CcList, *, lang: str = "zh") -> None:
    en = lang == "en"
    kind = district.document_kind_name(cc.document_kind, lang)
    t = table(f"{cc.issuer.name_en} {cc.date.isoformat()} {kind}: copied to ({len(cc.recipients)})" if en else
              f"{cc.issuer.name} {cc.date.isoformat()} {kind}抄送（{len(cc.recipients)} 家）",
              ["copied to", "basis"] if en else ["抄送", "English", "依据"])
    for r in cc.recipients:
        t.add_row(*([r.organisation.name_en] if en else [r.organisation.name, r.organisation.name_en]),
                  " ".join(r.provisions))
    console.print(t)
    print_basis(district, cc.note_en if en else cc.note_zh, cc.provisions, cc.date, lang=lang)


def print_invitees(district: District, found: InviteeList, *, lang: str = "zh") -> None:
    en = lang == "en"
    host = (found.host.name_en if en else found.host.name) if found.host else ""
    kind = district.kind_name(found.event_kind, lang)
    t = table(f"{host} {kind} {found.date.isoformat()}: invited ({len(found.recipients)}, "
              f"{MODALITY_EN[found.modality]})" if en else
              f"{host} {kind} {found.date.isoformat()} 邀请名单（{len(found.recipients)} 家，"
              f"{MODALITY_ZH[found.modality]}）",
              ["invited", "as", "basis"] if en else ["受邀", "方式", "依据"])
    for r in found.recipients:
        t.add_row(r.organisation.name_en if en else r.organisation.name, r.role_en if en else r.role_zh,
                  " ".join(r.provisions))
    console.print(t)
    print_basis(district, found.note_en if en else found.note_zh, found.provisions, found.date, lang=lang)


def print_plugins(found: Sequence[PluginDocument], *, lang: str = "zh") -> None:
    en = lang == "en"
    t = table(f"Loaded plugins ({len(found)})" if en else f"已加载插件（{len(found)}）",
              ["plugin", "distribution", "hooks", "provides"] if en else ["插件", "发行包", "钩子", "提供"])
    for p in found:
        provides = [f"{kind} {x.name}" for kind, things in (("exporter", p.exporters), ("publisher", p.publishers),
                                                             ("record_reader", p.record_readers)) for x in things]
        t.add_row(p.name, p.distribution, ", ".join(p.hooks), "\n".join(provides))
    console.print(t)
    options = table("Options (--option KEY=VALUE)" if en else "选项（--option KEY=VALUE）",
                    ["exporter/publisher", "option", "type", "default", "meaning"] if en else
                    ["导出/发布", "选项", "类型", "默认", "说明"])
    for p in found:
        for thing in (*p.exporters, *p.publishers):
            for o in thing.options:
                kind_text = o.type + (f" ({'|'.join(o.choices)})" if o.choices else "")
                default = "" if o.default in (None, (), [], "") else str(o.default)
                options.add_row(thing.name, o.name, kind_text, default, o.help if en else o.help_zh or o.help)
    if options.row_count:
        console.print(options)


# -------------------------------------------------------------------------------------------------- plan
def _when(e: Any) -> str:
    return (f"{e.start:%H:%M}–{e.end:%H:%M}" if e.start and e.end else f"{e.start:%H:%M}" if e.start else "全天")


def print_plan(district: District, plan: Plan, *, lang: str = "zh") -> None:
    from liaison.law.duties import year_duties
    from liaison.year.planner import guests_text
    from liaison.year.settings import planned_settings

    en = lang == "en"
    title = (f"{district.info.name_en}: liaison plan {plan.year} ({len(plan.engagements)} engagements)" if en else
             f"{district.info.name} {plan.year}年对口联系工作计划（{len(plan.engagements)} 项）")
    columns = ["date", "time", "kind", "engagement", "with", "basis", "status"] if en else \
        ["日期", "时间", "类型", "事项", "参加", "依据", "状态"]
    t = table(title, columns)
    def kind(e: Engagement) -> str:
        return district.kind_name(e.kind, lang)

    statuses = STATUS_EN if en else STATUS_ZH
    legend: dict[str, dict[str, None]] = {}
    duties = year_duties(district, plan.year)  # once, for every engagement
    for e in plan.engagements:
        flags = statuses[e.status] + (("（暂定）" if not en else " (provisional)") if e.provisional else "") + (
            ("⚠超出指导" if not en else " ⚠beyond guidance") if e.beyond_guidance else "")
        day = f"{e.date:%Y-%m-%d} " + (e.date.strftime("%a") if en else f"周{'一二三四五六日'[e.date.weekday()]}")
        settings = planned_settings(district, e, duties)
        if settings:
            legend.setdefault(e.provisions[0], {}).update(dict.fromkeys(setting_name(f, lang) for f, _ in settings))
        basis = " ".join(e.provisions) + ("※" if settings else "")
        others = district.names_of(e.participants, lang=lang, exclude=(e.host,))
        guests = guests_text(district, e.guests, lang)
        t.add_row(day, _when(e), kind(e), e.title(lang), "；".join(x for x in (others, guests) if x), basis,
                  flags)
    console.print(t)
    counts: dict[str, int] = {}
    for e in plan.engagements:
        counts[kind(e)] = counts.get(kind(e), 0) + 1
    console.print(("Totals: " if en else "合计：") + ("; " if en else "，").join(f"{k} {v}" for k, v in counts.items()))
    for pid, names in legend.items():
        if en:
            console.print(f"※ {pid}: {', '.join(names)} — the district's own setting, not in the text "
                          f"(liaison provisions {pid})")
        else:
            console.print(f"※ {pid}：{'、'.join(names)}为本区设定（原文未规定；见 liaison provisions {pid}）")
    print_plan_notes(plan, lang=lang)


def print_plan_notes(plan: Plan, limit: int = 20, *, lang: str = "zh") -> None:
    """Provisional years, warnings and what could not be placed; long lists are cut with a count
    (the JSON has all)."""
    from liaison.law.workdays import provisional_note

    en = lang == "en"
    if plan.provisional:
        note = provisional_note(plan.year, breaks_avoided=not plan.options.allow_customary_breaks, lang=lang)
        console.print(("Provisional: " if en else "暂定：") + note)
        # the clerk's next step, and what the letters issued meanwhile say: not only that the year is provisional
        console.print(
            f"Provisional: once the State Council's {plan.year} holiday notice is out, give it with --holidays FILE "
            "(docs/holidays.md); until then every letter issued says the arrangement is not yet published"
            if en else
            f"暂定：国务院{plan.year}年节假日安排公布后，请用 --holidays 文件 提供（见 docs/holidays.md）；"
            "此前印发的函件均写明节假日安排尚未公布")
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


def changes_between(before: Plan | None, after: Plan) -> list[tuple[str, str, str]]:
    """(engagement id, what changed in Chinese, in English) for each engagement that changed."""
    old = {e.id: e for e in before.engagements} if before is not None else {}
    found = []
    for e in after.engagements:
        was = old.get(e.id)
        if was is None:
            found.append((e.id, f"新增 {e.date.isoformat()} {_when(e)}", f"new on {e.date.isoformat()} {_when(e)}"))
            continue
        parts_zh, parts_en = [], []
        if (was.date, was.start) != (e.date, e.start):
            parts_zh.append(f"{was.date.isoformat()} {_when(was)} → {e.date.isoformat()} {_when(e)}")
            parts_en.append(f"{was.date.isoformat()} {_when(was)} → {e.date.isoformat()} {_when(e)}")
        if was.status != e.status:
            parts_zh.append(f"{STATUS_ZH[was.status]} → {STATUS_ZH[e.status]}")
            parts_en.append(f"{STATUS_EN[was.status]} → {STATUS_EN[e.status]}")
        if parts_zh:
            found.append((e.id, "；".join(parts_zh), "; ".join(parts_en)))
    return found


def print_changes(district: District, before: Plan | None, after: Plan, path: Any, *, lang: str = "zh",
                  created: bool = False) -> None:
    en = lang == "en"
    found = changes_between(before, after)
    new = (f"planned {after.year} anew ({len(after.engagements)} engagements); " if en else
           f"新建{after.year}年计划（{len(after.engagements)} 项），") if created else ""
    if found or created:
        title = (f"{after.year}: {new}{len(found)} change(s), written to {path}" if en else
                 f"{after.year}年：{new}{len(found)} 项变化，已写入 {path}")
    else:  # the store rewrites nothing for an unchanged state: say so, not "written"
        title = (f"{after.year}: no change; {path} left as it was" if en else
                 f"{after.year}年：无变化，{path} 未改动")
    if found:
        t = table(title, ["id", "change"] if en else ["编号", "变化"])
        for ident, zh, english in found:
            t.add_row(ident, english if en else zh)
        console.print(t)
    else:  # the title says so; an empty table would look like a plan with nothing in it
        console.print(title)
    print_ids(after, lang=lang)
    print_plan_notes(after, lang=lang)


def print_ids(plan: Plan, *, lang: str = "zh") -> None:
    """Every engagement of the year's state with its id, date, title and status: where a clerk finds
    the id that --confirm, --move, --cancel and --held take (docs/guide.md)."""
    en = lang == "en"
    statuses = STATUS_EN if en else STATUS_ZH
    t = table(f"{plan.year}: the plan ({len(plan.engagements)} engagements)" if en
              else f"{plan.year}年计划（{len(plan.engagements)} 项）",
              ["id", "date", "title", "status"] if en else ["编号", "日期", "事项", "状态"])
    for e in plan.engagements:
        t.add_row(e.id, f"{e.date:%Y-%m-%d} {_when(e)}", e.title(lang), statuses[e.status])
    console.print(t)


# ---------------------------------------------------------------------------------------------- findings
def print_report(district: District, report: Report, *, lang: str = "zh", show_all: bool = False) -> None:
    from liaison.law.findings import PROBLEMS, SEVERITY_EN, SEVERITY_ZH, Severity, footnoted
    from liaison.law.findings import STATUS_EN as FINDING_EN
    from liaison.law.findings import STATUS_ZH as FINDING_ZH

    en = lang == "en"
    statuses, severities = (FINDING_EN, SEVERITY_EN) if en else (FINDING_ZH, SEVERITY_ZH)
    totals = report.totals()
    counts = ("; " if en else "，").join(f"{severities[s]} {totals[s.value]}" for s in PROBLEMS)
    info = totals[Severity.INFO.value]
    counts += f" (and {info} for information only)" if en else f"（另有提示 {info} 项，不属问题）"
    shown = report.findings if show_all else report.problems()
    total, day = len(report.findings), report.as_of.isoformat()
    title = (f"Liaison work {report.year} (as of {day}): {total} findings; {counts}" if en
             else f"{report.year}年对口联系工作检查（截至 {day}）：{total} 项；{counts}")
    # a local reading's explanation is the same on every line read so: once, as a footnote (※1)
    lines, footnotes = footnoted(shown, lang)
    show(console, title, ["provision", "status", "severity", "responsible", "finding"] if en else
         ["条款", "状态", "程度", "责任单位", "说明"],
         [(f.provision, statuses[f.status], severities[f.severity],
           district.names_of((f.responsible,), lang=lang) if f.responsible else "—", line)
          for f, line in zip(shown, lines, strict=True)])
    for footnote in footnotes:
        console.print(footnote)
    for note in report.notes(lang):
        console.print(note)
    if report.not_counted:
        show(console, "Records not counted" if en else "未计入的记录", ["record", "why"] if en else ["记录", "原因"],
             [(n.id, n.reason(lang)) for n in report.not_counted])
    columns = [s for s in ("violation", "deviation", "explained", "local", "info", "ok")]
    show(console, "Per responsible body" if en else "按责任单位汇总",
         ["body" if en else "单位", *[severities[type(PROBLEMS[0])(c)] for c in columns]],
         [(str(row["name_en" if en else "name"]), *[str(row.get(c, "")) for c in columns])
          for row in report.summary(district)])


# ---------------------------------------------------------------------------------------- export, publish
def print_due(district: District, found: DueList, *, lang: str = "zh") -> None:
    """One body's to-do list: a row per item, its days left, what to do and the provision it rests on."""
    from liaison.year.due import KIND_EN, KIND_ZH  # with the checker it rests on: not for the other commands

    en = lang == "en"
    org = district.organisation(found.body)
    t = table(f"To do for {org.name_en} as of {found.as_of.isoformat()} ({len(found.items)})" if en else
              f"{org.name}待办事项（截至 {found.as_of.isoformat()}，共 {len(found.items)} 项）",
              ["kind", "id", "due", "days left", "to do", "provision"] if en else
              ["类别", "编号", "期限", "剩余天数", "待办事项", "依据"])
    for i in found.items:
        left = (f"{i.days_left} working" if en else f"{i.days_left}个工作日") if i.working_days else str(i.days_left)
        t.add_row(KIND_EN[i.kind] if en else KIND_ZH[i.kind], i.ref, i.due.isoformat(), left, i.todo(lang),
                  i.provision)
    console.print(t)
    if not found.items:
        console.print("Nothing to do." if en else "暂无待办事项。")


def print_notes(notes: Iterable[Any], *, lang: str = "zh") -> None:
    """What the output folder's recovery did, or could not do (on stderr, shaped like an error)."""
    import click

    for note in notes:
        click.echo(f"{'注意' if lang == 'zh' else 'note'}: {note.render(lang)}", err=True)


def print_export_summary(district: District, outcome: Any, *, lang: str = "zh") -> None:
    en = lang == "en"
    by_format: dict[str, list[tuple[str, int]]] = {}
    for name, path, size in outcome.written:
        by_format.setdefault(name, []).append((path, size))
    if by_format:
        written, unchanged = len(outcome.written), len(outcome.unchanged)
        t = table((f"Written to {outcome.place} ({written} files; {unchanged} unchanged)" if en
                   else f"已写入 {outcome.place}（{written} 个文件，{unchanged} 个未变）"),
                  ["format", "files", "size", "example"] if en else ["格式", "文件数", "大小", "示例"])
        for name, files in by_format.items():
            t.add_row(name, str(len(files)), f"{sum(s for _, s in files) / 1024:.0f} KB", outcome.shown(files[0][0]))
        console.print(t)
    else:
        console.print(f"Nothing changed in {outcome.place} ({len(outcome.unchanged)} files as they were)" if en
                      else f"{outcome.place} 没有变化（{len(outcome.unchanged)} 个文件未变）")
    for path, to in outcome.archived:
        console.print(("Archived: " if en else "已作废：") + f"{path} → {to}")
    for path in outcome.kept_edits:
        console.print(("Edited since the last export, left as it is: " if en else "上次导出后已被修改，未覆盖：")
                      + path)
    print_plan_notes(outcome.plan, lang=lang)


def print_publish_summary(result: Any, *, lang: str = "zh") -> None:
    en = lang == "en"
    line = (f"Published to {result.publication.target}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged; {result.requests} requests ({result.writes} writes)" if en else
            f"已发布到 {result.publication.target}：新建 {result.created}，更新 {result.updated}，"
            f"未变 {result.unchanged}；请求 {result.requests} 次（写入 {result.writes} 次）")
    console.print(line)
    adopted = getattr(result, "adopted", 0)
    if adopted:  # an earlier run's answers lost: what the server held already as we would send it
        console.print(f"Found on the server as sent and recorded (an earlier answer was lost): {adopted}" if en
                      else f"服务器上已有且与要发布的一致，已记录（此前的应答丢失）：{adopted}")
    for c in result.kept:
        console.print(("Conflict, the server's version kept: " if en else "冲突（保留服务器上的版本，未覆盖）：")
                      + f"{c.calendar} {c.uid} {c.text(lang)}")
    for c in result.overwritten:
        console.print(("Changed on the server, overwritten (overwrite option): " if en
                       else "服务器上已被修改，已覆盖（overwrite 选项）：") + f"{c.calendar} {c.uid} {c.text(lang)}")
