"""The plan's engagements as the page's marks, and the provisions they cite with their verbatim text.

A mark's colour is its kind (one colour per :class:`~liaison.law.rules.EngagementKind`, in the enum's
order), its shape its status, and a dashed ring says the date is provisional, so no state rests on
colour alone. Every text comes from the engagement, the district's names or the provision's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from liaison.base.errors import ExportError, LiaisonError, Location
from liaison.law.district import District
from liaison.law.duties import YearDuties, duties_for
from liaison.law.rules import ENGAGEMENT_KIND_EN, ENGAGEMENT_KIND_ZH, EngagementKind, Provision, Validity
from liaison.law.terms import SETTING_EN, SETTING_ZH, term
from liaison.year.engagements import STATUS_EN, STATUS_ZH, Engagement, Plan, PlanWarning, Status
from liaison.year.planner import guests_text
from liaison.year.settings import planned_settings
from liaison_html.texts import UI, Bi, Words, date_text, joined, time_text
from liaison_html.verbatim import Paragraph, paragraphs

if TYPE_CHECKING:
    from liaison.law.records import Records

KINDS = tuple(EngagementKind)
STATUSES = tuple(Status)


@attrs.frozen
class ProvisionView:
    """A provision as the page quotes it: citation, title and verbatim text (English where the data
    has it). ``position`` is its place in the district's list, which makes its element id."""

    position: int
    id: str
    cite: Bi
    text_zh: tuple[Paragraph, ...]
    text_en: tuple[Paragraph, ...]  # empty when the data has no English text
    version: int = 0  # which wording (0: the original; an amended provision has one view per wording)

    @property
    def key(self) -> str:
        return f"p-{self.position}" + (f"-{self.version}" if self.version else "")


@attrs.frozen(kw_only=True)
class Mark:
    """One engagement of the plan, everything the page shows of it."""

    index: int
    id: str
    date: dt.date
    kind: int  # the colour: the kind's place in EngagementKind
    status: Status
    provisional: bool
    beyond_guidance: bool
    title: Bi
    kind_name: Bi
    when: Bi
    time: Bi
    host: Bi
    participants: Bi
    location: str | None
    note: str
    provisions: tuple[ProvisionView, ...]
    warnings: tuple[Bi, ...]
    local: Bi | None = None  # the district's own settings it rests on, each with the district's note

    @property
    def key(self) -> str:
        return f"d-{self.index}"

    @property
    def provision_keys(self) -> str:
        return " ".join(p.key for p in self.provisions)

    @property
    def status_name(self) -> Bi:
        found = [Bi(STATUS_ZH[self.status], STATUS_EN[self.status])]
        if self.provisional:
            found.append(UI["provisional"])
        if self.beyond_guidance:
            found.append(UI["beyond_guidance"])
        return joined(found, "，", ", ")

    @property
    def cites(self) -> Bi:
        return joined((Bi(p.id, p.id) for p in self.provisions), "、", ", ")


def kind_name(kind: EngagementKind, district: District | None = None) -> Bi:
    """The kind's words: the district's own (a rule's label: 工作例会) where it has them."""
    if district is not None:
        return Bi(district.kind_name(kind), district.kind_name(kind, "en"))
    return Bi(ENGAGEMENT_KIND_ZH[kind], ENGAGEMENT_KIND_EN[kind])


def status_name(status: Status) -> Bi:
    return Bi(STATUS_ZH[status], STATUS_EN[status])


class Provisions:
    """The provisions the page cites, looked up once each by id (an unknown id is an ExportError
    naming where it was cited)."""

    def __init__(self, district: District) -> None:
        self._district = district
        self._positions = {p.id: i for i, p in enumerate(district.provisions)}
        self._views: dict[str, ProvisionView] = {}

    def get(self, provision_id: str, cited_by: str, day: dt.date | None = None) -> ProvisionView:
        """The provision as worded on ``day`` (an amended one has a view per wording; without a day, the
        original)."""
        found = self._district.provision(provision_id) if provision_id in self._positions else None
        version = 0
        if found is not None and day is not None and found.amendments:  # else the original, the one wording
            version = found.texts().index(found.text_at(day))
        view = self._views.get(f"{provision_id}#{version}")
        if view is None:
            try:
                provision = self._district.provision(provision_id)
            except LiaisonError:
                raise ExportError(f"{cited_by} cites the provision {provision_id!r}, which the district's data "
                                  "does not have", path=Location.named(cited_by),
                                  fix="export with the district data the plan was "
                                  "made from", fix_zh="请使用编排该计划时所用的区数据导出",
                                  message_zh=f"{cited_by}所引条款{provision_id}不在本区数据中") from None
            view = provision_view(provision, self._positions[provision.id], version)
            self._views[f"{provision_id}#{version}"] = view
        return view

    def cited(self, year: int | None = None) -> tuple[ProvisionView, ...]:
        """Every provision cited so far, in the district's order — with ``year``, in every wording in force
        some day of it (an amended provision is judged by each wording over its days)."""
        if year is not None:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
            for key in [k.split("#")[0] for k in self._views]:
                provision = self._district.provision(key)
                for version in provision.texts_over(Validity(first, last + dt.timedelta(days=1))):
                    self.get(key, "the page's provisions", max(first, version.valid_from))
        return tuple(sorted(self._views.values(), key=lambda v: (v.position, v.version)))


def provision_view(provision: Provision, position: int, version: int = 0) -> ProvisionView:
    """The provision as the page quotes it, in its ``version``-th wording (0: the original)."""
    text = provision.texts()[version]
    since = f"（{text.valid_from.isoformat()}起）" if version else ""
    since_en = f" (from {text.valid_from.isoformat()})" if version else ""
    return ProvisionView(position, provision.id,
                         Bi(f"{provision.id} {provision.cite_zh()}{since}", provision.cite_en() + since_en),
                         paragraphs(text.text_zh, markdown=False), paragraphs(text.text_en, markdown=True), version)


def marks(district: District, plan: Plan, provisions: Provisions, duties: YearDuties | None = None,
          words: Words | None = None, held: Collection[str] = ()) -> tuple[Mark, ...]:
    """Every engagement of the plan as a mark, in the plan's order; ``duties``: the plan year's
    duties, when the caller has them; ``words``: the page's texts, each made once; ``held``: the
    engagements the records say took place (:func:`held_in`), shown held whatever the plan's status."""
    warned: dict[str, list[PlanWarning]] = {}
    for warning in plan.warnings:
        warned.setdefault(warning.engagement, []).append(warning)
    duties = duties_for(district, plan.year, duties, designations=False)  # the obligations only
    shared: dict[tuple[Any, ...], Bi] = {}
    words = words or Words()
    # one the records say was held is shown held and not provisional: what the engagement with those
    # changes would show, without making it (a validated Engagement per mark)
    return tuple(_mark(district, i, e, provisions, warned.get(e.id, ()), duties, shared, words,
                       held=e.id in held and e.status != Status.CANCELLED)
                 for i, e in enumerate(plan.engagements))


def held_in(plan: Plan, records: Records, as_of: dt.date) -> frozenset[str]:
    """The plan's engagements that the records say took place by ``as_of``: a record with the
    engagement's id, or — a record without one (a ledger row without its 编号) — of its kind, day and
    host. What the page's check counts, its list shows as held (已举行), not as still proposed."""
    by_id = {r.id for r in records.engagements if r.id and r.date <= as_of}
    by_occasion = {r.occasion() for r in records.engagements if not r.id and r.date <= as_of}
    return frozenset(e.id for e in plan.engagements
                     if e.id in by_id or (e.kind, e.date, e.host) in by_occasion)


def _mark(district: District, index: int, e: Engagement, provisions: Provisions,
          warnings: Sequence[PlanWarning], duties: YearDuties | None = None,
          shared: dict[tuple[Any, ...], Bi] | None = None, words: Words | None = None, *,
          held: bool = False) -> Mark:
    """``shared``: the words a mark shares with others — its kind's, its day's, its time's and its
    host's — made once for all the marks that show them (one object each rather than four a mark,
    every one walked by the collector's full passes while the page is made). ``held``: the records
    say it took place (:func:`held_in`): shown held, and so not provisional, whatever the plan's status."""
    shared = {} if shared is None else shared
    words = words or Words()
    kind_key, day_key, host_key = ("kind", e.kind), ("day", e.date), ("host", e.host)
    time_key = ("time", e.start, e.end)
    if kind_key not in shared:
        shared[kind_key] = kind_name(e.kind, district)
    if day_key not in shared:
        shared[day_key] = date_text(e.date)
    if time_key not in shared:
        shared[time_key] = time_text(e.start, e.end)
    if host_key not in shared:
        shared[host_key] = Bi(district.names_of([e.host], lang="zh"), district.names_of([e.host], lang="en"))
    others = [p for p in e.participants if p != e.host]
    zh = "；".join(x for x in (district.names_of(others, lang="zh"), guests_text(district, e.guests)) if x)
    en = "; ".join(x for x in (district.names_of(others, lang="en"), guests_text(district, e.guests, "en")) if x)
    participants = words(Bi(zh or "—", en or "—"))
    # 暂定 (and the dashed ring) only while nobody has agreed the date: an agreed or held one is not
    return Mark(index=index, id=e.id, date=e.date, kind=KINDS.index(e.kind), status=Status.HELD if held else e.status,
                provisional=False if held else e.marked_provisional,
                beyond_guidance=e.beyond_guidance,
                title=words(Bi(e.title("zh"), e.title("en"))), kind_name=shared[kind_key], when=shared[day_key],
                time=shared[time_key], host=shared[host_key],
                participants=participants,
                location=e.location, note=e.note,
                provisions=words.one(tuple(provisions.get(p, f"engagement {e.id}", e.date) for p in e.provisions)),
                warnings=tuple(words(Bi(w.message_zh, w.message_en)) for w in warnings),
                local=_local(planned_settings(district, e, duties), words))


def _local(settings: Sequence[tuple[str, str]], words: Words) -> Bi | None:
    if not settings:
        return None
    return words(Bi("；".join(f"{term(SETTING_ZH, f)}：{note}" for f, note in settings),
              "; ".join(term(SETTING_EN, f) for f, _ in settings)))


def by_date(found: Iterable[Mark]) -> Mapping[dt.date, tuple[int, ...]]:
    days: dict[dt.date, list[int]] = {}
    for mark in found:
        days.setdefault(mark.date, []).append(mark.index)
    return {day: tuple(indexes) for day, indexes in days.items()}


def kinds_in(found: Iterable[Mark], district: District | None = None) -> tuple[tuple[int, Bi], ...]:
    """The kinds the plan has, in EngagementKind order, for the legend."""
    present = {m.kind for m in found}
    return tuple((i, kind_name(k, district)) for i, k in enumerate(KINDS) if i in present)
