"""The year's page: the view of a request (:func:`page_view`) and its rendering (:func:`render_page`).

Rendering uses Jinja2 with autoescaping on every template, from the fixed templates shipped in this
package (``templates/``); nothing from the data is ever a template, and data goes only into element
text and attribute values (never into the page's ``<style>`` or ``<script>``). The bytes depend on
the inputs alone: no clock, no random ids, everything iterated in the plan's or the directory's order.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import attrs

from liaison.base.errors import ExportError
from liaison.law.district import District
from liaison.law.duties import YearDuties, duties_for
from liaison.law.workdays import WorkingDayCalendar, default_calendar, provisional_note
from liaison.year.engagements import Plan, Status
from liaison_html.bodies import BodyRow, body_rows
from liaison_html.days import MonthView, months, weekday_names, year_days
from liaison_html.heatmap import HeatMap, heat_map
from liaison_html.marks import (
    KINDS,
    STATUSES,
    Mark,
    Provisions,
    ProvisionView,
    by_date,
    held_in,
    kind_name,
    kinds_in,
    marks,
)
from liaison_html.marks import status_name as status_label
from liaison_html.texts import UI, Bi, Words, joined
from liaison_html.timeline import TimelineView, timeline

if TYPE_CHECKING:
    import jinja2

    from liaison.law.records import Records

LANGS = ("zh", "en")


@attrs.frozen(kw_only=True)
class PageView:
    """Everything the template shows, worked out from the request."""

    lang: str
    title: Bi
    district: Bi
    regulation: str
    regulation_en: str
    source: str
    year: int
    notes: tuple[Bi, ...]
    summary: Bi
    months: tuple[MonthView, ...]
    weekdays: tuple[Bi, ...]
    marks: tuple[Mark, ...]
    kinds: tuple[tuple[int, Bi], ...]
    statuses: tuple[tuple[str, Bi], ...]
    bodies: tuple[BodyRow, ...]
    timeline: TimelineView
    heat: HeatMap | None
    provisions: tuple[ProvisionView, ...]


def page_view(district: District, plan: Plan, *, records: Records | None = None,
              calendar: WorkingDayCalendar | None = None, lang: str = "zh", title: str | None = None,
              as_of: dt.date | None = None, duties: YearDuties | None = None) -> PageView:
    """The page of ``plan``'s year; with ``records``, the compliance check as of ``as_of`` (default 31
    December). ``duties``: the year's duties with these records, when the caller has them (an export
    does); else worked out here, once, for the marks, the bodies' rows and the check."""
    from liaison.law.compliance import check

    calendar = calendar or default_calendar()
    duties = duties_for(district, plan.year, duties, records=records)
    provisions = Provisions(district)
    words = Words()  # the page's texts, each made once
    # designations as the page's check sees them (its date), or as a notice at the start of the year does
    seen_on = (as_of or dt.date(plan.year, 12, 31)) if records is not None else dt.date(plan.year, 1, 1)
    # the list follows the records, as the heat map does: what they say took place is held
    held = held_in(plan, records, seen_on) if records is not None else frozenset()
    found = marks(district, plan, provisions, duties, words, held)
    days = year_days(plan.year, calendar, by_date(found))
    rows = body_rows(district, plan.year, found, [e.participants for e in plan.engagements], provisions, records,
                     seen_on, duties, words)
    heat = None
    if records is not None:
        report = check(district, records, plan.year, as_of, calendar=calendar, duties=duties)
        heat = heat_map(district, report, provisions, words)
    name = Bi(district.info.name, district.info.name_en)
    default_title = Bi(f"{name.zh} {plan.year}年{UI['heading'].zh}", f"{name.en}: {UI['heading'].en} {plan.year}")
    return PageView(
        lang=lang, title=Bi.same(title) if title else default_title, district=name,
        regulation=district.info.regulation_title, regulation_en=district.info.regulation_title_en,
        source=district.info.source, year=plan.year,
        notes=_notes(plan, calendar), summary=_summary(found, district), months=months(days), weekdays=weekday_names(),
        marks=found, kinds=kinds_in(found, district), statuses=tuple((s.value, status_label(s)) for s in STATUSES),
        bodies=rows, timeline=timeline(days, rows),
        heat=heat, provisions=provisions.cited(plan.year))


def _notes(plan: Plan, calendar: WorkingDayCalendar) -> tuple[Bi, ...]:
    notes = []
    if plan.provisional or not calendar.is_published(plan.year):
        breaks = not plan.options.allow_customary_breaks
        notes.append(Bi(provisional_note(plan.year, breaks_avoided=breaks, lang="zh"),
                        provisional_note(plan.year, breaks_avoided=breaks, lang="en")))
    notes += [Bi(f"{w.engagement}：{w.message_zh}", f"{w.engagement}: {w.message_en}") for w in plan.warnings]
    notes += [Bi(f"{u.provision}：{u.reason_zh}", f"{u.provision}: {u.reason_en}") for u in plan.unplaced]
    return tuple(notes)


def _summary(found: tuple[Mark, ...], district: District) -> Bi:
    """合计 48 项：走访 33，… ；拟定 48（暂定 48）: the marks as the page shows them (held as the records
    say, 暂定 only while not agreed)."""
    kinds = Counter(KINDS[m.kind] for m in found)
    statuses = Counter(m.status for m in found)
    provisional = sum(m.provisional for m in found)
    total = len(found)
    by_kind = joined((kind_name(k, district).join(Bi.same(str(kinds[k])), " ", " ") for k in KINDS if kinds[k]),
                     "，", ", ")
    by_status = joined((status_label(s).join(Bi.same(str(statuses[s])), " ", " ") for s in Status if statuses[s]),
                       "，", ", ")
    text = Bi(f"合计 {total} 项", f"{total} engagements")
    if total:
        text = text.join(by_kind, "：", ": ").join(by_status, "；", "; ")
    if provisional:
        text = text.join(Bi(f"（其中暂定 {provisional}）", f" ({provisional} provisional)"), "", "")
    return text


@functools.cache
def environment() -> jinja2.Environment:
    import jinja2
    from markupsafe import Markup, escape

    from liaison_html.compiled import bytecode_cache

    env = jinja2.Environment(loader=jinja2.PackageLoader("liaison_html", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, auto_reload=False, bytecode_cache=bytecode_cache())
    env.globals["UI"] = UI
    env.globals["bi"] = bilingual(Markup, escape)
    shape, glyph = glyphs(Markup, escape)
    env.globals["shape"], env.globals["glyph"] = shape, glyph
    env.globals["week_cells"], env.globals["timeline_bands"], env.globals["timeline_rows"] = \
        grids(Markup, escape, glyph)
    env.globals["mark_detail"], env.globals["body_duties"] = details(Markup, escape, shape)
    (env.globals["mark_rows"], env.globals["verbatim"], env.globals["finding_details"],
     env.globals["heat_rows"]) = lists(Markup, escape, shape)
    return env


def lists(markup: Any, escape: Any, shape: Callable[..., Any]) -> tuple[Callable[..., Any], ...]:
    """The templates' ``mark_rows(marks, bi)`` (the list of engagements, a row a mark, each row
    ending in a newline), ``verbatim(paras)`` (a provision's text: paragraphs of lines of pieces,
    only the pieces' words, each escaped), ``finding_details(heat, bi)`` (each opened cell of
    the heat map's findings, nothing without a heat map) and ``heat_rows(heat, bi)`` (the heat map's
    rows, a cell a provision): the list, the quoted provisions, the findings and the heat map were
    half the page's rendering in Jinja (a Jinja call per text of each row, a macro
    with three loops per provision), written in Python as :func:`details` writes the details; the
    same characters as the template's loops and macro wrote."""

    def mark_rows(marks: Any, bi: Callable[[Bi], Any]) -> Any:
        return markup("".join(
            f'<tr class="status-{escape(m.status.value)}" data-show="{escape(m.key)}"><td>{escape(m.date.isoformat())}'
            f'</td><td>{bi(m.time)}</td><td>{shape(m.status.value, m.provisional, m.kind)} {bi(m.kind_name)}</td>'
            f'<td class="t">{bi(m.title)}</td><td>{bi(m.participants)}</td><td>{bi(m.cites)}'
            f'{"※" if m.local else ""}</td><td>{bi(m.status_name)}</td></tr>\n' for m in marks))

    def verbatim(paras: Any) -> Any:
        out: list[str] = []
        for para in paras:
            out.append('<p class="verbatim">')
            out.append("<br>\n".join(
                "".join(f"<strong>{escape(piece.text)}</strong>" if piece.strong else str(escape(piece.text))
                        for piece in line) for line in para))
            out.append("</p>\n")
        return markup("".join(out))

    def finding_details(heat: Any, bi: Callable[[Bi], Any]) -> Any:
        if heat is None:
            return markup("")
        out: list[str] = []
        period, reason = bi(UI["period"]), bi(UI["reason"])
        for row in heat.rows:
            for cell in row.opened:
                out.append(f'<article class="detail" id="{escape(cell.key)}" data-p="{escape(cell.provision.key)}">\n'
                           f'<h3>{bi(row.name)} · {bi(cell.provision.cite)}</h3>\n<ol class="findings">\n')
                for f in cell.findings:
                    out.append(f'<li class="finding{" local" if f.local else ""}"><p><b>{bi(f.status)}</b> · '
                               f'{bi(f.severity)} · {period} {bi(f.period)}</p>\n<p>{bi(f.message)}</p>\n'
                               f'<p class="basis">{bi(f.basis)}</p>\n')
                    if f.reason:
                        out.append(f"<p>{reason}: {escape(f.reason)}</p>")
                    out.append("</li>\n")
                out.append("</ol>\n</article>\n")
        return markup("".join(out))

    def heat_rows(heat: Any, bi: Callable[[Bi], Any]) -> Any:
        out: list[str] = []
        for row in heat.rows:
            out.append(f'<tr><th scope="row" class="hm-body">{bi(row.name)}</th>\n')
            for cell in row.cells:
                if cell.findings:
                    count = len(cell.findings)
                    out.append(f'<td class="hm-cell state-{escape(cell.state.value)}{" local" if cell.local else ""}">'
                               f'<button type="button" data-show="{escape(cell.key)}">{escape(cell.symbol)}'
                               f'{f"<small>{count}</small>" if count > 1 else ""}'
                               f'{"<sup>*</sup>" if cell.local else ""}</button></td>\n')
                else:
                    out.append(f'<td class="hm-cell state-none">{escape(cell.symbol)}</td>\n')
            out.append("</tr>\n")
        return markup("".join(out))

    return mark_rows, verbatim, finding_details, heat_rows


def details(markup: Any, escape: Any, shape: Callable[..., Any]) -> tuple[Callable[..., Any], ...]:
    """The templates' ``mark_detail(m, bi)`` (a mark's details, shown in the panel when it is
    clicked) and ``body_duties(body, year, bi)`` (a body's duties for the year): each article in
    Python as :func:`grids` writes the grids (some 5,000 pieces of the seed's page in Jinja), each
    value escaped; the same characters as the template's loops wrote."""
    labels = {name: f'<div class="field"><dt>{{}}</dt><dd{cls}>' for name, cls in (
        ("kind", ""), ("date", ""), ("time", ""), ("host", ""), ("participants", ""), ("status", ""),
        ("location", ""), ("note", ' class="note"'), ("basis", ""), ("local_settings", ' class="note"'),
        ("id", ""))}

    def field(bi: Callable[[Bi], Any], name: str, value: Any) -> str:
        return labels[name].format(bi(UI[name])) + f"{value}</dd></div>"

    def mark_detail(m: Any, bi: Callable[[Bi], Any]) -> Any:
        out = [f'<article class="detail status-{escape(m.status.value)}" id="{escape(m.key)}" '
               f'data-p="{escape(m.provision_keys)}">\n'
               f'<h3>{shape(m.status.value, m.provisional, m.kind)} <span class="t">{bi(m.title)}</span></h3>\n<dl>\n',
               field(bi, "kind", bi(m.kind_name)), "\n", field(bi, "date", bi(m.when)), "\n",
               field(bi, "time", bi(m.time)), "\n", field(bi, "host", bi(m.host)), "\n",
               field(bi, "participants", bi(m.participants)), "\n", field(bi, "status", bi(m.status_name)), "\n"]
        if m.location:
            out.append(field(bi, "location", escape(m.location)))
        if m.note:
            out.append(field(bi, "note", escape(m.note)))
        out += [field(bi, "basis", bi(m.cites)), "\n"]
        if m.local:
            out.append(field(bi, "local_settings", bi(m.local)))
        out += [field(bi, "id", f"<code>{escape(m.id)}</code>"), "\n</dl>\n"]
        if m.warnings:
            out.append('<ul class="warnings">' + "".join(f"<li>{bi(w)}</li>" for w in m.warnings) + "</ul>")
        out.append("</article>")
        return markup("".join(out))

    def body_duties(body: Any, year: Any, bi: Callable[[Bi], Any]) -> Any:
        out = [f'<article class="detail duties" id="{escape(body.key)}">\n'
               f'<h3>{bi(body.name)} · {bi(UI["duties"])} {escape(year)}</h3>\n']
        if body.duties:
            out.append("<dl>\n")
            for line in body.duties:
                local = ' local' if line.local else ""
                note = f' <span class="local-note">{bi(UI["local_short"])}</span>' if line.local else ""
                out.append(f'<div class="field{local}"><dt>{bi(line.label)}</dt><dd>{bi(line.text)}{note}</dd></div>\n')
            out.append("</dl>\n")
        else:
            out.append(f'<p>{bi(UI["no_duties"])}</p>\n')
        out.append("</article>")
        return markup("".join(out))

    return mark_detail, body_duties


def grids(markup: Any, escape: Any, glyph: Callable[..., Any]) -> tuple[Callable[..., Any], ...]:
    """The templates' ``week_cells(week, marks, bi)`` (a week's cells in the year's calendar, each
    day with its tag and its marks), ``timeline_bands(timeline)`` (the days off shaded behind the
    timeline) and ``timeline_rows(timeline)`` (each body's label and its marks): the page's grids,
    a few thousand pieces of the seed's page that Jinja wrote one by one (each value looked up,
    escaped and yielded, a third of the page's rendering), written in Python as :func:`bilingual`
    and :func:`glyphs` are, each value escaped; the same characters as the loops they replace."""

    def week_cells(week: Any, marks: Any, bi: Callable[[Bi], Any]) -> Any:
        out: list[str] = []
        for day in week:
            if day is None:
                out.append('<td class="pad"></td>')
                continue
            out.append(f'<td class="day {escape(day.kind.value)}"><span class="dn">{escape(day.date.day)}</span>')
            tag = day.tag
            if tag:
                out.append(f'<span class="tag">{bi(tag)}</span>')
            if day.marks:
                out.append('<span class="ms">')
                for i in day.marks:
                    m = marks[i]
                    out.append(f'<button type="button" class="mark k{escape(m.kind)} status-{escape(m.status.value)}" '
                               f'data-show="{escape(m.key)}"><svg viewBox="-6 -6 12 12" aria-hidden="true">'
                               f'{glyph(m)}</svg><span class="sr">{bi(m.title)}</span></button>')
                out.append("</span>")
            out.append("</td>")
        return markup("".join(out))

    def timeline_bands(tl: Any) -> Any:
        rest = f'y="{escape(tl.header)}" width="{escape(tl.day_width)}" height="{escape(tl.body_height)}"/>\n'
        return markup("".join(f'<rect class="band {escape(band.kind)}" x="{escape(band.x)}" {rest}'
                              for band in tl.bands))

    def timeline_rows(tl: Any) -> Any:
        out: list[str] = []
        for row in tl.rows:
            body = row.body
            out.append(f'<g class="tl-label" data-show="{escape(body.key)}" tabindex="0"><text x="4" '
                       f'y="{escape(row.label_y)}"><tspan class="zh">{escape(body.name.zh)}</tspan>'
                       f'<tspan class="en">{escape(body.name.en)}</tspan></text></g>\n')
            for p in row.placed:
                m = p.mark
                out.append(f'<g class="tl-mark k{escape(m.kind)} status-{escape(m.status.value)}" '
                           f'data-show="{escape(m.key)}" tabindex="0">{glyph(m, p.x, p.y)}</g>\n')
        return markup("".join(out))

    return week_cells, timeline_bands, timeline_rows


def glyphs(markup: Any, escape: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The templates' ``shape(status, provisional, kind)`` (a mark's glyph in an svg of its own) and
    ``glyph(m, x, y)`` (its ``<use>`` elements inside the calendar's or the timeline's svg), each
    value escaped: what two Jinja macros wrote, in Python, as :func:`bilingual` is (some 200 macro
    calls a seed page, each through Jinja's macro machinery)."""

    def shape(status: Any, provisional: bool = False, kind: Any = None) -> Any:
        ring = '<use href="#g-provisional"/>' if provisional else ""
        kind_class = "" if kind is None else f" k{escape(kind)}"
        return markup(f'<svg class="glyph{kind_class}" viewBox="-6 -6 12 12" aria-hidden="true">'
                      f'<use href="#g-{escape(status)}"/>{ring}</svg>')

    def glyph(m: Any, x: Any = None, y: Any = None) -> Any:
        at = "" if x is None else f' x="{escape(x)}" y="{escape(y)}"'
        ring = f'<use href="#g-provisional"{at}/>' if m.provisional else ""
        return markup(f'<use href="#g-{escape(m.status.value)}"{at}/>{ring}')

    return shape, glyph


def bilingual(markup: Any, escape: Any) -> Callable[[Bi], Any]:
    """The templates' ``bi(text)``: both languages of a text, for the page's switch to show one, each
    escaped; the text once when the two are the same. What a Jinja macro wrote before, in Python:
    called some 60 times a mark, the macro's calls were a third of the page's time. (``markup`` and
    ``escape``: markupsafe's, which load with Jinja, not with this module.)"""

    def bi(text: Bi) -> Any:
        if text.zh == text.en:
            return escape(text.zh)
        return markup(f'<span class="zh">{escape(text.zh)}</span><span class="en">{escape(text.en)}</span>')

    return bi


def once_per_page(bi: Callable[[Bi], Any]) -> Callable[[Bi], Any]:
    """``bi`` remembering what it made for the one page being rendered: a page writes the same few
    texts again and again (every mark's kind, status, time and participants in the list and again in
    its detail, the labels of every detail), some 2,300 calls for 340 texts on the seed's page, 16 %
    of its rendering. Made afresh for each page, so nothing is kept from one district's page to the
    next."""
    made: dict[Bi, Any] = {}

    def remembered(text: Bi) -> Any:
        found = made.get(text)
        if found is None:
            found = made[text] = bi(text)
        return found

    return remembered


_BATCH = 1024
"""Pieces of the page joined at a time: few enough that those alive at once stay a handful."""


def render_page(view: PageView) -> bytes:
    """The page as UTF-8 bytes."""
    import jinja2

    if view.lang not in LANGS:
        raise ExportError(f"no page language {view.lang!r}", fix="use zh or en", message_zh=f"页面语言{view.lang}无效",
                          fix_zh="请用 zh 或 en")
    try:
        # Each piece encoded into one byte buffer as it comes, rather than ``render``'s join of every
        # piece (or a StringIO, which keeps what it is given until read): a piece is mostly a Markup,
        # an object the collector tracks, and some 100,000 of them alive until the end made its full
        # passes at 3,300 pairings a quarter of the page's time.
        # Joined and encoded a batch at a time (_BATCH pieces, some 13,000 on the seed's page): one
        # join, encode and write per batch rather than per piece, a tenth of the page's time; the
        # bytes are the same (UTF-8 of the joined text is the pieces' UTF-8 one after the other).
        buffer = io.BytesIO()
        env = environment()
        bi = once_per_page(cast("Callable[[Bi], Any]", env.globals["bi"]))
        pieces = env.get_template("page.html.j2").generate(page=view, bi=bi)
        while batch := list(itertools.islice(pieces, _BATCH)):
            buffer.write("".join(batch).encode("utf-8"))
    except jinja2.TemplateError as exc:  # a broken template in the package: say so, no traceback
        raise ExportError(f"the page template failed: {type(exc).__name__}: {exc}",
                          fix="reinstall liaison-html; report this if it persists",
                          message_zh=f"页面模板出错：{type(exc).__name__}: {exc}",
                          fix_zh="请重新安装 liaison-html；仍出错时请报告此问题") from None
    return buffer.getvalue()


def page(district: District, plan: Plan, **options: Any) -> bytes:
    """:func:`page_view` and :func:`render_page` in one step."""
    return render_page(page_view(district, plan, **options))
