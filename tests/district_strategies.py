"""Hypothesis strategies that build valid districts, and the one place a district is written as TOML.

Each part of a district file has its own strategy — the district's own table and its part-period
setting, organisations of every kind, dated pairings (mid-year replacements, ends, versions with
and without gaps), each kind of rule with its dated versions, provisions whose texts are amended
with them — and :func:`districts` puts them together as a :class:`GeneratedDistrict`: the district,
the year to plan and check, the planning options (with dated events for the invitation rules
present) and the year's records. Objects are built directly (fast); :func:`district_toml` and
:func:`records_toml` write any district or records as a file (the format line included), so a test
can run the same data through the loaders. A new field is written without a change here; a new
part or rule kind is one more strategy, a new line of the file one change in the two writers.

A helpers module, never a test module: tests and benchmarks import from here. The number of
examples is bounded for CI; ``LIAISON_HYPOTHESIS=long`` multiplies it (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from liaison.formats.convert import unstructure
from liaison.formats.district_checks import DistrictDocument
from liaison.formats.syntax import format_name
from liaison.law.district import HOST_KINDS, District
from liaison.law.model import (
    COUNTERPART_KINDS,
    DOCUMENT_TYPES,
    BranchLevel,
    Designations,
    DistrictInfo,
    Organisation,
    OrgKind,
    Pairing,
    PartPeriod,
    Party,
)
from liaison.law.records import (
    Activity,
    Briefing,
    ConsultationRecord,
    DesignationRecord,
    DocumentRecord,
    JointResearch,
    Nomination,
    Records,
    Reply,
    ResearchResult,
    SpecialAppointment,
    TownActivity,
)
from liaison.law.rules import (
    RECORD_KINDS,
    Basis,
    Cadence,
    DesignationRule,
    EngagementKind,
    Host,
    Invitation,
    LocalSettings,
    Modality,
    Provision,
    ProvisionText,
    Reading,
    Recipients,
    RecordOnly,
    Response,
    Routing,
    Rule,
    SentenceNote,
    Validity,
)
from liaison.year.engagements import Guest, KnownEvent, PlanOptions, TimeSlot

# ------------------------------------------------------------------------------------ how many examples
#: ``LIAISON_HYPOTHESIS=long`` runs this many times the examples of CI (docs/benchmarks.md).
LONG_FACTOR = 40
LONG = os.environ.get("LIAISON_HYPOTHESIS", "") == "long"


def bounded(examples: int) -> settings:
    """Settings for a generative test: ``examples`` in CI, :data:`LONG_FACTOR` times more in a long
    run; no deadline (an export takes a while), and the health checks a large generated district
    trips on purpose are off."""
    return settings(max_examples=examples * LONG_FACTOR if LONG else examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


# ------------------------------------------------------------------------------------------------ text
# Names mix ordinary characters with those an exporter must escape (XML, HTML, iCalendar, TOML), and
# characters beyond the BMP (𠀀, two UTF-16 units: Excel and Word count them so) a font may lack; no
# digits, so the index that ends each name keeps names apart (see _name).
_HAN = "东西南北中新安和平江河山湖城乡文教卫建农林水利民政财发改商务科技人社环保规划局办委会支部社联镇𠀀𡈽"
_ODD = "&<>\"'；，、（）()·—_/\\#%{}[]$:;, "
_ALPHABET = _HAN + _ODD + "ABCxyzé"
_ASCII = "abcdefghijklmnopqrstuvwxyz &<>'\"-,;:()"


_BASES: st.SearchStrategy[Basis] = st.sampled_from(("text", "text", "local"))
#: Mostly true: a part most districts have (hypothesis draws small integers, 0 included, often).
_likely = st.sampled_from([True, True, True, True, False])


def _text(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, max_size=max_size)


def _name(draw: st.DrawFn, word: str, index: int, tail: str = "", max_size: int = 12) -> str:
    """A name unique in the district: random characters, the kind's word, the organisation's index,
    then ``tail`` (so a name, a short name and an alias never meet). Sometimes as long as a name may
    be (60 characters): titles and file names are built from names."""
    end = word + str(index) + tail
    if not draw(_likely):
        return draw(st.text(alphabet=_ALPHABET, min_size=60, max_size=60))[: 60 - len(end)] + end
    return (draw(_text(_ALPHABET, max_size)) + end)[-60:]


def _name_en(draw: st.DrawFn, word: str, index: int) -> str:
    """An English name, unique by its index; sometimes as long as one may be (120 characters)."""
    end = f" {word} {index}"
    size = 120 if not draw(_likely) else draw(st.integers(0, 20))
    return draw(st.text(alphabet=_ASCII, min_size=size, max_size=size))[: 120 - len(end)] + end


def _line(draw: st.DrawFn, max_size: int = 30) -> str:
    """A non-empty line of free text."""
    return draw(_text(_ALPHABET, max_size)) + "。"


def _note(draw: st.DrawFn) -> str:
    """A local setting's note (never empty: the loader wants why)."""
    return "本区设定：" + draw(_text(_ALPHABET + "\n", 40))


def _id(draw: st.DrawFn, prefix: str, index: int) -> str:
    """An id; sometimes as long as ids may be (64 characters), since ids end up in engagement ids,
    file names and calendar UIDs."""
    size = draw(st.sampled_from([0, 0, 0, 2, 8, 64]))
    pad = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=size, max_size=size))
    return (f"{prefix}{index}" + (f"-{pad}" if pad else ""))[:64]


# ------------------------------------------------------------------------------------------------ days
def _days(year: int) -> st.SearchStrategy[dt.date]:
    """A day around ``year``: any day from two years before to the year after, or a boundary
    (the first of a quarter, 30 June, 31 December) where periods and amendments like to fall."""
    edges = [dt.date(y, m, 1) for y in range(year - 1, year + 2) for m in (1, 4, 7, 10)]
    edges += [dt.date(year, 6, 30), dt.date(year, 12, 31)]
    return st.one_of(st.dates(dt.date(year - 2, 1, 1), dt.date(year + 1, 12, 31)), st.sampled_from(edges))


def _sorted_days(draw: st.DrawFn, year: int, count: int) -> list[dt.date]:
    """``count`` different days in order (a day drawn twice moves to the next free day: no filter to
    retry)."""
    found: list[dt.date] = []
    for day in sorted(draw(st.lists(_days(year), min_size=count, max_size=count))):
        found.append(max(day, found[-1] + dt.timedelta(days=1)) if found else day)
    return found


# --------------------------------------------------------------------------------------- organisations
_KIND_WORDS = {OrgKind.DISTRICT_GOVERNMENT: ("gov", "区政府"), OrgKind.GOVERNMENT_OFFICE: ("office", "政府办"),
               OrgKind.PEOPLES_CONGRESS: ("npc", "人大"), OrgKind.DEPARTMENT: ("d", "局"),
               OrgKind.PARTY_BRANCH: ("b", "支部"), OrgKind.ICF: ("icf", "工商联"),
               OrgKind.TOWN_GOVERNMENT: ("town", "镇政府"), OrgKind.CHAMBER_OF_COMMERCE: ("coc", "商会")}


@st.composite
def designations(draw: st.DrawFn) -> Designations:
    """§3.1 designations, each role present or not."""
    maybe = st.one_of(st.none(), st.builds(lambda s: s + "同志", _text(_ALPHABET, 10)))
    return Designations(draw(maybe), draw(maybe), draw(maybe), draw(st.one_of(st.none(), st.just("0592-1234567"))))


@st.composite
def organisation(draw: st.DrawFn, kind: OrgKind, index: int) -> Organisation:
    """One organisation of ``kind``; ``index`` keeps its id and names unique."""
    prefix, word = _KIND_WORDS[kind]
    local: list[tuple[str, str]] = []
    doc_prefix = draw(st.one_of(st.none(), st.builds(lambda s: s + "发", _text(_HAN, 4))))
    if doc_prefix is not None and draw(st.booleans()):
        local.append(("doc_prefix", _note(draw)))
    basis = draw(_BASES)
    return Organisation(
        id=_id(draw, prefix, index), name=_name(draw, word, index), short_name=_name(draw, word, index, "简", 6),
        name_en=_name_en(draw, prefix.upper(), index), kind=kind,
        party=draw(st.sampled_from(Party)) if kind == OrgKind.PARTY_BRANCH else None,
        level=draw(st.one_of(st.none(), st.sampled_from(BranchLevel))) if kind == OrgKind.PARTY_BRANCH else None,
        aliases=tuple(_name(draw, word, index, f"别{k}号", 6) for k in range(draw(st.integers(0, 2)))),
        leader=draw(st.one_of(st.none(), _text(_ALPHABET, 8).map(lambda s: s + "主任"))),
        designations=draw(designations()) if kind == OrgKind.DEPARTMENT else Designations(),
        location=draw(st.one_of(st.none(), _text(_ALPHABET, 20).map(lambda s: s + "路1号"))),
        doc_prefix=doc_prefix, basis=basis, note=_note(draw) if basis == "local" else "",
        local=LocalSettings(tuple(local)))


@st.composite
def organisations(draw: st.DrawFn) -> tuple[Organisation, ...]:
    """Organisations of every kind: usually a government (sometimes none), perhaps its office and
    the people's congress, 1–5 departments, 1–6 branches and the ICF, perhaps towns and chambers."""
    counts = {
        OrgKind.DISTRICT_GOVERNMENT: draw(st.sampled_from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0])),
        OrgKind.GOVERNMENT_OFFICE: draw(st.integers(0, 1)),
        OrgKind.PEOPLES_CONGRESS: draw(st.integers(0, 1)),
        OrgKind.DEPARTMENT: draw(st.integers(1, 5)),
        OrgKind.PARTY_BRANCH: draw(st.integers(0, 5)),
        OrgKind.ICF: draw(st.integers(0, 1)),
        OrgKind.TOWN_GOVERNMENT: draw(st.integers(0, 2)),
        OrgKind.CHAMBER_OF_COMMERCE: draw(st.integers(0, 1)),
    }
    if counts[OrgKind.PARTY_BRANCH] + counts[OrgKind.ICF] == 0:
        counts[OrgKind.PARTY_BRANCH] = 1
    kinds = [kind for kind, n in counts.items() for _ in range(n)]
    order = draw(st.permutations(range(len(kinds))))  # directory order is data too
    return tuple(draw(organisation(kinds[i], i)) for i in order)


# -------------------------------------------------------------------------------------------- pairings
@st.composite
def pairings(draw: st.DrawFn, orgs: Sequence[Organisation], year: int, listed: str,
             common: str | None) -> tuple[Pairing, ...]:
    """Dated pairings between the departments and the branches and the ICF: some in force all along,
    some starting or ending around ``year``, some in versions that follow each other (a new note
    from a day) or leave a gap, and departments whose pairing is replaced by another on one day.
    With ``common``, perhaps a common liaison unit paired with every counterpart."""
    departments = [o.id for o in orgs if o.kind == OrgKind.DEPARTMENT]
    counterparts = [o.id for o in orgs if o.kind in COUNTERPART_KINDS]
    found: list[Pairing] = []

    def pair(dept: str, other: str, clause: str, start: dt.date, end: dt.date | None, note: str = "") -> None:
        local = LocalSettings((("valid_from", _note(draw)),)) if draw(st.booleans()) else LocalSettings()
        found.append(Pairing(department=dept, counterpart=other, clause=clause, valid_from=start, valid_until=end,
                             note=note, local=local))

    commons = set(draw(st.lists(st.sampled_from(departments), max_size=1, unique=True))) if common else set()
    for dept in departments:
        if dept in commons:
            assert common is not None
            start, end = draw(_days(year)), None
            if draw(st.booleans()):
                start, end = _sorted_days(draw, year, 2)
            for other in counterparts:
                pair(dept, other, common, start, end)
            continue
        free = list(counterparts)
        if len(free) >= 2 and not draw(_likely):  # replaced on one day, like 2027-07-01
            old, new = draw(st.permutations(free))[:2]
            start, day = _sorted_days(draw, year, 2)
            pair(dept, old, listed, start, day)
            pair(dept, new, listed, day, None, "调整：自当日起改为对口联系")
            free = [c for c in free if c not in (old, new)]
        for other in free:
            shape = draw(st.sampled_from(["none", "open", "open", "open", "ends", "versions", "gap"]))
            if shape == "open":
                pair(dept, other, listed, draw(_days(year)), None)
            elif shape == "ends":
                start, end = _sorted_days(draw, year, 2)
                pair(dept, other, listed, start, end)
            elif shape == "versions":  # one pairing in two versions, the second with a new note
                a, b = _sorted_days(draw, year, 2)
                pair(dept, other, listed, a, b)
                pair(dept, other, listed, b, None, "自当日起更新备注")
            elif shape == "gap":  # ended, then paired again later
                a, b, c = _sorted_days(draw, year, 3)
                pair(dept, other, listed, a, b)
                pair(dept, other, listed, c, None, "重新对口联系")
    order = draw(st.permutations(range(len(found))))
    return tuple(found[i] for i in order)


# --------------------------------------------------------------------------------------- rule versions
@st.composite
def validities(draw: st.DrawFn, year: int) -> list[tuple[dt.date, dt.date | None]]:
    """The days of a rule's 1–3 versions: the first in force from a day before the year (or since
    1950, the default), each amendment on a random day, the last perhaps ending; sometimes a gap (a
    rule repealed for a while, then enacted again)."""
    count = draw(st.integers(1, 3))
    days = _sorted_days(draw, year, count + 1)
    if draw(st.booleans()):
        days[0] = dt.date(1950, 1, 1)
    found: list[tuple[dt.date, dt.date | None]] = []
    for i in range(count):
        start, end = days[i], days[i + 1]
        if i and not draw(_likely):
            start = min(start + dt.timedelta(days=draw(st.integers(1, 90))), end - dt.timedelta(days=1))
        found.append((start, end))
    if draw(_likely):
        found[-1] = (found[-1][0], None)
    return found


def _local(draw: st.DrawFn, fields: Iterable[str]) -> LocalSettings:
    chosen = [f for f in fields if draw(st.booleans())]
    return LocalSettings(tuple((f, _note(draw)) for f in chosen))


def _sentence(draw: st.DrawFn, what: str, version: int) -> str:
    """A sentence for a rule version: unique words (the provision's text is made of them)."""
    return f"{draw(_text(_HAN + '，,（）() ', 12))}{what}（第{version + 1}版）"


_MODALITIES = st.one_of(st.none(), st.sampled_from(Modality))
#: Who holds a department's or a pairing's meetings: the department, or either side (§3.3 由对口联系双方协商)
_CADENCE_HOSTS: st.SearchStrategy[Host] = st.sampled_from(("department", "department", "either_side"))
#: 12, 6 and 3 months, and 2 and 3 years; how each is written: period_months, period_years, neither
_PERIODS = st.sampled_from([12, 6, 3, 24, 36])


@st.composite
def cadence_versions(draw: st.DrawFn, key: str, kind: EngagementKind, scopes: Sequence[str],
                     year: int) -> list[Cadence]:
    """Versions of a cadence rule: numbers, period, anchor, reading (``scope``) and duration change
    at each amendment."""
    found = []
    for v, (start, end) in enumerate(draw(validities(year))):
        scope = draw(st.sampled_from(scopes))
        months = draw(_PERIODS)
        written = draw(st.sampled_from(["months", "years"] if months % 12 == 0 else ["months"]))
        if months == 12:
            written = draw(st.sampled_from(["months", "years", "neither"]))
        lo = draw(st.sampled_from([0, 1, 1, 1, 2, 2, 3] if months >= 12 else [0, 1, 1, 1, 2]))
        hi = draw(st.one_of(st.none(), st.integers(max(lo, 1), lo + 2)))
        fields = ["min_per_period", "scope", "duration_minutes", "valid_from", "cycle_anchor_year"]
        fields += ["max_per_period"] if hi is not None else []
        fields += {"months": ["period_months"], "years": ["period_years"], "neither": []}[written]
        basis = draw(_BASES)
        found.append(Cadence(
            key=key, sentence_zh=_sentence(draw, f"每{months}个月{lo}次", v), modality=draw(_MODALITIES),
            valid_from=start, valid_until=end, basis=basis, note=_note(draw) if basis == "local" else "",
            local=_local(draw, fields), engagement_kind=kind, scope=scope,  # type: ignore[arg-type]
            host="district_government" if scope == "government" else draw(_CADENCE_HOSTS),
            min_per_period=lo, max_per_period=hi,
            period_months=months if written == "months" else None,
            period_years=months // 12 if written == "years" else None,
            cycle_anchor_year=draw(st.integers(year - 3, year + 1)),
            duration_minutes=draw(st.one_of(st.sampled_from([60, 120, 180, 240]), st.integers(15, 720))),
            **draw(labels())))
    return found


#: Who may hold each kind of event an invitation rule names (docs/data-format.md, invitation): the
#: text fixes it (§1.2's plenary meeting is the government's), §3.5 runs both ways (a party's major
#: event invites the government).
_EVENT_HOSTS: dict[EngagementKind, list[Host]] = {
    EngagementKind.PLENARY_MEETING: ["district_government"],
    EngagementKind.PROFESSIONAL_MEETING: ["department"],
    EngagementKind.IMPORTANT_MEETING: ["district_government", "department", "government_or_department"],
    EngagementKind.SYMPOSIUM: ["district_government"],
    EngagementKind.MAJOR_EVENT: ["district_government", "department", "counterpart", "government_or_department"],
    EngagementKind.INSPECTION: ["district_government", "town_government"]}
#: Who is invited, by who holds the event.
_RECIPIENTS: dict[Host, list[Recipients]] = {
    "district_government": ["all_counterparts", "relevant_counterparts"],
    "department": ["all_counterparts", "relevant_counterparts", "paired_counterparts"],
    "government_or_department": ["all_counterparts", "relevant_counterparts", "paired_counterparts"],
    "town_government": ["all_counterparts", "relevant_counterparts"],
    "counterpart": ["government", "all_counterparts"]}


@st.composite
def labels(draw: st.DrawFn) -> dict[str, str]:
    """What the district's own text calls a rule's subject (工作例会, 全体会议), or nothing."""
    if draw(_likely):
        return {}
    return {"label_zh": _name(draw, "会", 0, max_size=6), "label_en": draw(_text(_ASCII, 12)).strip() + " meeting"}


@st.composite
def invitation_versions(draw: st.DrawFn, key: str, kind: EngagementKind, host: Host, year: int,
                        government: bool) -> list[Invitation]:
    """Versions of the invitation rule of one kind of event held by ``host`` (inviting the government
    only where there is one)."""
    recipients = [r for r in _RECIPIENTS[host] if government or r != "government"]
    return [Invitation(key=key, sentence_zh=_sentence(draw, "邀请参加", v), modality=draw(_MODALITIES),
                       valid_from=start, valid_until=end, local=_local(draw, ["recipients", "role_zh"]),
                       event_kind=kind, host=host, recipients=draw(st.sampled_from(recipients)),
                       role_zh=draw(st.sampled_from(["列席", "参加", "座谈"])),
                       role_en=draw(st.sampled_from(["attend", "take part"])), **draw(labels()))
            for v, (start, end) in enumerate(draw(validities(year)))]


@st.composite
def routing_versions(draw: st.DrawFn, key: str, issuer: str, year: int) -> list[Routing]:
    kind = draw(st.sampled_from(["policy", "policy", "material", "资料"]))
    recipients = ["all_counterparts", "relevant_counterparts"] + (["paired_counterparts"] if issuer == "department"
                                                                  else [])
    return [Routing(key=key, sentence_zh=_sentence(draw, "抄送", v), modality=draw(_MODALITIES), valid_from=start,
                    valid_until=end, issuer=issuer, document_kind=kind,  # type: ignore[arg-type]
                    recipients=draw(st.sampled_from(recipients)))
            for v, (start, end) in enumerate(draw(validities(year)))]


@st.composite
def response_versions(draw: st.DrawFn, key: str, trigger: str, year: int) -> list[Response]:
    """A deadline amended from day to day: 30 calendar days, then 10 working days, …"""
    found = []
    for v, (start, end) in enumerate(draw(validities(year))):
        working = draw(st.booleans())
        found.append(Response(
            key=key, sentence_zh=_sentence(draw, "反馈", v), modality=draw(_MODALITIES), valid_from=start,
            valid_until=end, local=_local(draw, ["due_working_days" if working else "due_days"]),
            trigger=trigger, responder="branches" if trigger == "consultation" else "department",  # type: ignore[arg-type]
            due_days=None if working else draw(st.integers(1, 60)),
            due_working_days=draw(st.integers(1, 30)) if working else None))
    return found


@st.composite
def designation_versions(draw: st.DrawFn, key: str, year: int) -> list[DesignationRule]:
    roles = ("leader_in_charge", "liaison_office", "liaison_officer")
    return [DesignationRule(key=key, sentence_zh=_sentence(draw, "指定分管领导", v), valid_from=start, valid_until=end,
                            roles=tuple(draw(st.lists(st.sampled_from(roles), min_size=1, unique=True))),
                            applies_to="paired_departments")
            for v, (start, end) in enumerate(draw(validities(year)))]


#: Record kinds of a district's own (kept in ``[[activities]]``), beside those with a section of their own.
OWN_RECORD_KINDS = ("research_support", "joint_activity", "chamber_support")
_RECORD_BY: st.SearchStrategy[Host] = st.sampled_from(
    ("department", "department", "district_government", "town_government", "counterpart", "government_or_department"))


@st.composite
def record_only_versions(draw: st.DrawFn, key: str, record_kind: str, year: int) -> list[RecordOnly]:
    """A duty recorded, not counted: of a kind with its own section, or one of the district's own
    (which then says what its records are called)."""
    own = record_kind not in RECORD_KINDS
    by = draw(_RECORD_BY)
    return [RecordOnly(key=key, sentence_zh=_sentence(draw, "记录", v), modality=draw(_MODALITIES), valid_from=start,
                       valid_until=end, record_kind=record_kind, by=by,
                       **({"label_zh": f"{record_kind}事项", "label_en": record_kind.replace("_", " ")} if own else {}))
            for v, (start, end) in enumerate(draw(validities(year)))]


# ------------------------------------------------------------------------------------------ provisions
@st.composite
def provision(draw: st.DrawFn, number: int, rules: Sequence[Rule], pairing_role: str | None = None) -> Provision:
    """A provision around its rules. Its text is made of the sentences of the rule versions in force
    while each wording is (the loader checks it); sometimes it is amended on a day a rule version
    changes (a dated wording without the old version's sentence), and a sentence noted."""
    changes = sorted({r.valid_from for r in rules} - {min((r.valid_from for r in rules), default=dt.date.min)})
    amended = sorted(draw(st.lists(st.sampled_from(changes), unique=True, max_size=2))) if changes else []
    starts = [dt.date.min, *amended]

    def wording(i: int) -> str:
        days = Validity(starts[i], starts[i + 1] if i + 1 < len(starts) else None)
        sentences = dict.fromkeys(r.sentence_zh for r in rules if r.validity.overlaps(days))
        return draw(_text(_ALPHABET, 20)) + "".join(f"{t}。" for t in sentences) + f"（第{i + 1}稿）"

    texts = [wording(i) for i in range(len(starts))]
    readings = tuple(Reading(_name(draw, "等部门", number), _line(draw), basis=draw(st.sampled_from(["text", "local"])))
                     for _ in range(draw(st.integers(0, 1))))
    notes: tuple[SentenceNote, ...] = ()
    if draw(st.booleans()):
        implemented = draw(st.sampled_from(["", *({r.key for r in rules}), *(["pairings"] if pairing_role else [])]))
        notes = (SentenceNote(texts[0].rsplit("（", 1)[0].split("。")[0] or texts[0], _line(draw),
                              implemented_by=implemented),)
    return Provision(
        id=f"§{number}.{draw(st.integers(1, 9))}", citation_zh=f"{number}（{draw(st.integers(1, 9))}）",
        title_zh=_name(draw, "制度", number), title_en=draw(_text(_ASCII, 20)).strip() + f" system {number}",
        text_zh=texts[0],
        modality=draw(st.sampled_from(Modality)), text_en=draw(_text(_ASCII + "\n", 40)), rules=tuple(rules),
        pairing_role=pairing_role,  # type: ignore[arg-type]
        readings=readings, sentences=notes,
        amendments=tuple(ProvisionText(day, text, source=_line(draw)) for day, text in zip(amended, texts[1:],
                                                                                           strict=True)))


@st.composite
def rule_sets(draw: st.DrawFn, year: int, government: bool, towns: bool) -> list[list[Rule]]:
    """The rules of the district, grouped as provisions will hold them; each kind present or absent."""
    groups: list[list[Rule]] = []
    if government and draw(_likely):
        groups.append([*draw(cadence_versions("work-meeting", EngagementKind.WORK_MEETING, ["government"], year))])
    if draw(_likely):
        groups.append([*draw(cadence_versions("joint-meeting", EngagementKind.JOINT_MEETING,
                                              ["department", "pairing"], year))])
    if draw(_likely):
        groups.append([*draw(cadence_versions("leader-visit", EngagementKind.VISIT, ["pairing", "department"], year))])
    invitations: list[Rule] = []
    for kind in sorted(_EVENT_HOSTS):
        hosts = [h for h in _EVENT_HOSTS[kind] if (government or h != "district_government")
                 and (towns or h != "town_government")]
        for host in draw(st.lists(st.sampled_from(hosts), unique=True, max_size=2)) if hosts else ():
            invitations += draw(invitation_versions(f"invite-{kind.value}-{host}".replace("_", "-"), kind, host,
                                                    year, government))
    routing: list[Rule] = []
    for issuer in ("government", "department"):
        if draw(st.booleans()):
            routing += draw(routing_versions(f"{issuer}-documents", issuer, year))
    responses: list[Rule] = []
    for trigger in ("consultation", "research_result"):
        if draw(st.booleans()):
            responses += draw(response_versions(f"{trigger.replace('_', '-')}-reply", trigger, year))
    others: list[Rule] = []
    if draw(st.booleans()):
        others += draw(designation_versions("designations", year))
    for record_kind in draw(st.lists(st.sampled_from(RECORD_KINDS + OWN_RECORD_KINDS), unique=True)):
        others += draw(record_only_versions(record_kind.replace("_", "-"), record_kind, year))
    groups += [g for g in (invitations, routing, responses, others) if g]
    return [g for g in groups if g]


@st.composite
def part_periods(draw: st.DrawFn) -> PartPeriod:
    return PartPeriod(draw(st.one_of(st.integers(1, 120), st.sampled_from([1, 30, 60, 90]))),
                      draw(st.sampled_from(["whole", "pro_rata"])), _note(draw))


@st.composite
def district_info(draw: st.DrawFn) -> DistrictInfo:
    """The district's own table: id, names, the regulation's title (ending in a kind of document, or
    with the short title it is cited by), its part-period setting."""
    kind = draw(st.sampled_from([*DOCUMENT_TYPES, ""]))
    title = _name(draw, "区", 0, kind or "纪要")
    short = {} if kind and draw(_likely) else {"regulation_short_title": _name(draw, "", 0, "简称", 4)}
    return DistrictInfo(id=_id(draw, "district", 0), name=_name(draw, "区", 0), name_en=_name_en(draw, "District", 0),
                        regulation_title=title,
                        source=_line(draw), note=_line(draw), regulation_title_en=draw(_text(_ASCII, 30)),
                        part_period=draw(part_periods()), **short)


# ---------------------------------------------------------------------------------------- the district
@attrs.frozen
class GeneratedDistrict:
    """A generated district, the year to plan and check, how to plan it, and what it recorded that
    year besides its engagements."""

    district: District
    year: int
    options: PlanOptions
    records: Records = attrs.field(factory=Records)


@st.composite
def districts(draw: st.DrawFn, years: tuple[int, int] = (2024, 2029)) -> GeneratedDistrict:
    year = draw(st.integers(*years))
    orgs = draw(organisations())
    government = any(o.kind == OrgKind.DISTRICT_GOVERNMENT for o in orgs)
    towns = any(o.kind == OrgKind.TOWN_GOVERNMENT for o in orgs)
    numbers = draw(st.permutations(range(1, 20)))  # provision numbers: not the seed's order
    listed = draw(provision(numbers[0], (), "listed"))
    common = draw(provision(numbers[1], (), "common_liaison")) if draw(st.booleans()) else None
    found = [listed] + ([common] if common else [])
    for i, rules in enumerate(draw(rule_sets(year, government, towns))):
        found.append(draw(provision(numbers[2 + i], rules)))
    paired = draw(pairings(orgs, year, listed.id, common.id if common else None))
    district = District(draw(district_info()), orgs, paired, tuple(draw(st.permutations(found))))
    return GeneratedDistrict(district, year, draw(plan_options(district, year)), draw(records(district, year)))


@st.composite
def plan_options(draw: st.DrawFn, district: District, year: int) -> PlanOptions:
    """Planning options, with a dated event for some of the invitation rules in force: held by a body
    the rule admits, naming whom it invites where the rule says 有关, with guests in their own right."""
    events: list[KnownEvent] = []
    counterparts = [o.id for o in district.counterparts()]
    for prov in district.provisions:
        for rule in prov.rules:
            if not isinstance(rule, Invitation) or not draw(st.booleans()):
                continue
            day = draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)))
            hosts = [o.id for o in district.organisations if o.kind in HOST_KINDS[rule.host]]
            if not rule.validity.contains(day) or not hosts:
                continue
            invite = None
            if rule.recipients == "relevant_counterparts" and counterparts and draw(st.booleans()):
                invite = tuple(draw(st.lists(st.sampled_from(counterparts), unique=True, min_size=1)))
            guests = tuple(Guest(_name(draw, "同志", k), draw(st.sampled_from(counterparts)), "主委")
                           for k in range(draw(st.integers(0, 2)) if counterparts else 0))
            events.append(KnownEvent(kind=rule.event_kind, date=day, title_zh=_name(draw, "会议", len(events)),
                                     host=draw(st.sampled_from(hosts)), id=f"event-{len(events)}",
                                     location=draw(st.one_of(st.none(), st.just("会议室"))), invite=invite,
                                     guests=guests))
    times = st.sampled_from([dt.time(8, 0), dt.time(9, 0), dt.time(10, 30), dt.time(12, 0), dt.time(14, 30),
                             dt.time(16, 0), dt.time(17, 30)])
    slots = draw(st.one_of(st.just(PlanOptions().slots), st.lists(times, min_size=1, max_size=3, unique=True).map(
        lambda found: tuple(TimeSlot(t) for t in sorted(found)))))
    return PlanOptions(
        per_pairing_meetings=draw(st.booleans()), visits_per_pairing=draw(st.one_of(st.none(), st.integers(0, 3))),
        allow_makeup_weekends=draw(st.booleans()), allow_customary_breaks=draw(st.booleans()),
        min_gap_days=draw(st.sampled_from([0, 7, 30, 45])),
        preferred_months=tuple(sorted(draw(st.lists(st.integers(1, 12), unique=True, max_size=4)))),
        preferred_weekdays=tuple(sorted(draw(st.lists(st.integers(0, 6), unique=True, max_size=3)))),
        slots=slots, events=tuple(events))


# --------------------------------------------------------------------------------------------- records
@st.composite
def records(draw: st.DrawFn, district: District, year: int) -> Records:
    """What a district records in a year besides its engagements: documents copied (or not), drafts
    sent for views and the replies, research results and the feedback, designations, and the
    record-only sections — each section present or empty, dates across the year."""
    days = st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31))
    counterparts = [o.id for o in district.counterparts()]
    departments = [o.id for o in district.departments()]
    issuers = [o.id for o in district.organisations]
    some = st.lists(st.sampled_from(counterparts), unique=True) if counterparts else st.just([])
    kinds = sorted({r.document_kind for p in district.provisions for r in p.rules if isinstance(r, Routing)}
                   | {"policy"})
    found: dict[str, list[Any]] = {}
    found["documents"] = [DocumentRecord(f"文件{i}", draw(st.sampled_from(issuers)), draw(days), tuple(draw(some)),
                                         draw(st.sampled_from(kinds)), _line(draw))
                          for i in range(draw(st.integers(0, 3)))]
    found["consultations"] = []
    for i in range(draw(st.integers(0, 2)) if counterparts else 0):
        sent, sent_to = draw(days), tuple(draw(some))
        replies = tuple(Reply(o, sent + dt.timedelta(days=draw(st.integers(0, 40)))) for o in sent_to
                        if draw(st.booleans()))
        due = draw(st.one_of(st.none(), st.integers(0, 30).map(lambda n, s=sent: s + dt.timedelta(days=n))))
        office = district.of_kind(OrgKind.GOVERNMENT_OFFICE, OrgKind.DISTRICT_GOVERNMENT)
        sender = draw(st.one_of(st.none(), st.sampled_from(issuers))) if office else draw(st.sampled_from(issuers))
        found["consultations"].append(ConsultationRecord(id=f"征求意见{i}", subject=_line(draw), sent=sent,
                                                         sent_to=sent_to, replies=replies, due=due,
                                                         sender=sender))
    found["research_results"] = []
    for i in range(draw(st.integers(0, 2)) if counterparts and departments else 0):
        received = draw(days)
        feedback = draw(st.one_of(st.none(), st.integers(0, 60).map(lambda n, r=received: r + dt.timedelta(days=n))))
        found["research_results"].append(ResearchResult(
            id=f"调研{i}", title=_line(draw), submitted_by=draw(st.sampled_from(counterparts)),
            department=draw(st.sampled_from(departments)), received=received,
            feedback=feedback, feedback_summary=draw(_text(_ALPHABET + "\n", 40)) if feedback else ""))
    found["designations"] = [DesignationRecord(draw(st.sampled_from(departments)), *draw(st.lists(
        st.one_of(st.none(), _text(_HAN, 6).map(lambda t: t + "同志")), min_size=3, max_size=3)),
        draw(st.one_of(st.none(), days)), draw(st.one_of(st.none(), st.just("0592-7654321"))))
        for _ in range(draw(st.integers(0, 2)) if departments else 0)]
    found["nominations"] = [Nomination(draw(st.sampled_from(departments)), _name(draw, "同志", i), draw(days))
                            for i in range(draw(st.integers(0, 1)) if departments else 0)]
    towns = [o.name for o in district.of_kind(OrgKind.TOWN_GOVERNMENT)] or ["某镇"]
    found["town_activities"] = [TownActivity(draw(st.sampled_from(towns)), draw(days), _line(draw), tuple(draw(some)))
                                for _ in range(draw(st.integers(0, 1)))]
    found["joint_research"] = [JointResearch(draw(st.sampled_from(departments)), _line(draw), draw(days),
                                             tuple(draw(some))) for _ in range(draw(st.integers(0, 1)) if departments
                                                                               else 0)]
    found["briefings"] = [Briefing(draw(st.sampled_from(departments)), draw(days), _line(draw), tuple(draw(some)))
                          for _ in range(draw(st.integers(0, 1)) if departments else 0)]
    found["special_appointments"] = [SpecialAppointment(draw(st.sampled_from(departments)), _name(draw, "同志", i),
                                                        "特约监察员", draw(days))
                                     for i in range(draw(st.integers(0, 1)) if departments else 0)]
    own = [r.record_kind for p in district.provisions for r in p.rules
           if isinstance(r, RecordOnly) and r.record_kind not in RECORD_KINDS]
    found["activities"] = [Activity(draw(st.sampled_from(own)), draw(days), _line(draw), draw(st.sampled_from(issuers)),
                                    tuple(draw(some))) for _ in range(draw(st.integers(0, 2)) if own else 0)]
    return Records(district_id=district.info.id, **{k: tuple(v) for k, v in found.items()})


def records_toml(found: Records) -> str:
    """``found`` as a records file (docs/records-format.md): the one place records are written."""
    doc = unstructure(found)
    doc = {"format": format_name("records"), "district": doc.pop("district_id"), **doc}
    return _table(doc, ())


# ------------------------------------------------------------------------------------- the file, as TOML
def district_toml(district: District) -> str:
    """``district`` as a district file (docs/data-format.md): the one place a district is written."""
    doc = unstructure(DistrictDocument(district.info, district.organisations, district.pairings, district.provisions))
    return _table({"format": format_name("district"), **doc}, ())


def _value(value: Any) -> str:
    """A TOML value on one line (strings as basic strings: JSON's escapes are TOML's)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, int | dt.date):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None) + " }"
    raise TypeError(f"no TOML for {value!r}")


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else json.dumps(key)


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _table(table: dict[str, Any], path: tuple[str, ...], sections: bool = True) -> str:
    """A table's plain keys, then its lists of tables as ``[[path.key]]``. With ``sections`` (the
    top of the file, and tables under a ``[section]``) its tables are ``[path.key]`` sections too, as
    a person writes ``[district]`` and ``[district.part_period]``; under ``[[…]]`` they are inline
    (``local = { … }``)."""
    def section(v: Any) -> bool:
        return isinstance(v, dict) and sections

    lines = [f"{_key(k)} = {_value(v)}" for k, v in table.items()
             if v is not None and not _is_tables(v) and not section(v)]
    text = "\n".join(lines) + ("\n" if lines else "")
    for k, v in table.items():
        if section(v):
            text += f"\n[{'.'.join((*path, k))}]\n" + _table(v, (*path, k))
        elif _is_tables(v):
            for item in v:
                text += f"\n[[{'.'.join((*path, k))}]]\n" + _table(item, (*path, k), sections=False)
    return text
