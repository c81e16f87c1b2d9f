"""What every letter says the same way: names, citations of the regulation, dates and times, the
contact line, who "we" are and the 发文字号 series of an issuing body.

Every piece of text taken from the data goes through :func:`text` first: a character a Word file
cannot hold raises :class:`liaison.base.errors.ExportError` naming the data field
(``organisations[health].name``), never a broken file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from liaison.base.errors import ExportError, Id, Location, Path
from liaison.law.district import District
from liaison.law.duties import designations_in_force
from liaison.law.model import Organisation
from liaison.law.records import Records
from liaison.law.rules import MODALITY_ZH, Cadence, EngagementKind, Invitation, Modality, Provision, Rule, quote_zh
from liaison.year.numbering import is_series

from liaison_docx.geometry import CELLS_PER_LINE, count_lines, unbroken
from liaison_docx.letter_model import format_date

_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\t\n\r]")  # compiled once: text() checks every name of every letter
_WEEKDAYS = "一二三四五六日"


# -- text from the data ------------------------------------------------------------------------------

def text(value: str, where: Path, *, single_line: bool = True) -> str:
    """Text from the data, checked: no control characters (tab and newline only in free text)."""
    if not isinstance(value, str):
        raise ExportError(f"expected text, got {type(value).__name__}", path=Location.inside(*where),
                          message_zh=f"应为文本，此处是 {type(value).__name__}")
    bad = _BAD_CHARS.search(value) or (_LINE_BREAKS.search(value) if single_line else None)
    if bad is not None:
        raise ExportError(f"character U+{ord(bad.group()):04X} at position {bad.start()} cannot go into a letter",
                          path=Location.inside(*where), fix="remove control characters from the data",
                          message_zh=f"第 {bad.start()} 个位置的字符 U+{ord(bad.group()):04X} 不能写入公文",
                          fix_zh="请删去数据中的控制字符")
    return value


_ENDS = "。！？…"
_CLOSERS = "”’」』）)》\"'"
_SOFT_ENDS = "，、；：,;:."
# ASCII stops typed into a Chinese letter, as the letter prints them
_WIDE = {"!": "！", "?": "？"}
_TAIL = re.compile(f"[{re.escape(_ENDS + _CLOSERS + _SOFT_ENDS)}!?\\s]*$")


def full_sentence(value: str) -> str:
    """Text quoted from a record, ended as a sentence with one full-width stop: 。 added where it has
    none (after a closing quote or bracket that ends it: “采纳”。), a trailing comma, colon or ASCII
    full stop replaced by it (inside a closing quote too: “采纳，” → “采纳”。), an ASCII ! or ? made
    full width (OK! → OK！), ASCII ... made ……; a stop inside a closing quote (“…。”) stays inside.
    The clerk types what was decided (已研究，部分采纳) and the letter goes on with its own sentence.
    记录中的文字按句子结尾：没有句末标点的补“。”，以逗号、冒号或半角句点结尾的改为“。”，半角叹号、问号改为全角。"""
    tail = _TAIL.search(value)
    assert tail is not None  # the pattern matches the empty end at least
    core, end = value[:tail.start()], tail.group()
    if not core:
        return ""
    closers = "".join(c for c in end if c in _CLOSERS)
    marks = end.replace("...", "…")
    stops = ""
    first = None
    for i, c in enumerate(marks):
        stop = _WIDE.get(c, c)
        if stop in _ENDS and stop not in stops:  # each stop once (。?。 is 。？, not 。？。)
            stops += stop
            first = i if first is None else first
    if not stops:
        return core + closers + "。"
    if "…" in stops:
        stops = stops.replace("…", "……")
    last_closer = max((i for i, c in enumerate(marks) if c in _CLOSERS), default=-1)
    return core + stops + closers if first is not None and first < last_closer else core + closers + stops


def name(org: Organisation) -> str:
    """The name as the regulation writes it (区卫生局, 民革支部): addressees, lists, tables."""
    return text(org.name, ("organisations", Id(org.id), "name"))


def full_name(district: District, org: Organisation) -> str:
    """The formal name (××区卫生局): issuing bodies in the mark, the signature and the 版记, and a body
    named formally in the text ("报××区人民政府办公室")."""
    name(org)
    text(district.info.name, ("district", "name"))
    return district.full_name(org)


def names(orgs: Iterable[Organisation]) -> str:
    return "、".join(name(o) for o in orgs)


def group_names(district: District, orgs: Sequence[str | Organisation]) -> str:
    """各民主党派、工商联 when ``orgs`` (objects, or ids) hold all of them, else their names."""
    for org in orgs:
        name(org if isinstance(org, Organisation) else district.organisation(org))
    return district.names_of(orgs)


def regulation(district: District) -> str:
    return text(district.info.regulation_title, ("district", "regulation_title"))


def short_title(district: District) -> str:
    """《意见》, 《办法》: how a letter cites the regulation once it has named it (the data's)."""
    return "《" + text(district.info.regulation_short_title, ("district", "regulation_short_title")) + "》"


def join(items: Sequence[str]) -> str:
    """甲、乙和丙."""
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]


def self_reference(org: Organisation) -> str:
    """How a body calls itself in its own letter: 我办 (an office), 我局, 我委, else 我单位."""
    for ending, word in (("办公室", "我办"), ("办", "我办"), ("局", "我局"), ("委", "我委"), ("会", "我会")):
        if org.name.endswith(ending):
            return word
    return "我单位"


def own_reference(org: Organisation) -> str:
    """How a body names itself to those it directs (a 通知): 本办, 本局, 本单位."""
    return "本" + self_reference(org)[1:]


# -- the regulation ------------------------------------------------------------------------------------

def cite(prov: Provision) -> str:
    """第三（三）条“会议协商制度”, checked."""
    return text(prov.cite_zh(), ("provisions", Id(prov.id)))


def short_cite(prov: Provision) -> str:
    return text(prov.article_zh(), ("provisions", Id(prov.id), "citation_zh"))


def sentence(prov: Provision, rule: Rule) -> str:
    """The sentence a rule implements, as a Chinese text quotes it (full-width, one line); "" when the
    data gives none."""
    return quote_zh(text(rule.sentence_zh, ("provisions", Id(prov.id), "rules", Id(rule.key), "sentence_zh"),
                         single_line=False))


def basis(district: District, prov: Provision, rule: Rule | None) -> str:
    """根据《…》第一（三）条关于“…”的规定， — the provision a letter rests on, in the words of the rule
    when there are any (else by its title: 第一（三）条“…”的规定)."""
    quoted = sentence(prov, rule) if rule is not None else ""
    if quoted:
        return f"根据《{regulation(district)}》{short_cite(prov)}关于“{quoted}”的规定，"
    return f"根据《{regulation(district)}》{cite(prov)}的规定，"


def quoted_provision(district: District, prov: Provision, rule: Rule) -> str:
    """《意见》第三（三）条规定：“…。” (a notice that has introduced the short title, under a heading
    that names the provision)."""
    quoted = sentence(prov, rule)
    if not quoted:
        return f"{short_title(district)}{cite(prov)}对此作了规定。"
    return f"{short_title(district)}{short_cite(prov)}规定：“{quoted}。”"


def must(modality: Modality) -> str:
    """应 / 一般应 / 可 / 可根据需要."""
    return {Modality.AS_NEEDED: "可根据需要", Modality.NONE: ""}.get(modality, MODALITY_ZH[modality])


def rule_for(prov: Provision, kind: EngagementKind, day: dt.date) -> Rule | None:
    """The rule of ``prov`` in force on ``day`` that an engagement of ``kind`` carries out: an
    invitation rule for an event, a cadence for a meeting."""
    for rule in prov.rules:
        if not rule.validity.contains(day):
            continue
        if isinstance(rule, Invitation) and rule.event_kind == kind:
            return rule
        if isinstance(rule, Cadence) and rule.engagement_kind == kind:
            return rule
    return None


# -- dates and times -----------------------------------------------------------------------------------

def weekday(day: dt.date) -> str:
    return f"星期{_WEEKDAYS[day.weekday()]}"


def clock(t: dt.time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def clock_span(start: dt.time, end: dt.time | None = None) -> str:
    """9:00, 14:30—16:30: the 24-hour clock, as the notice's table and every letter write it (one style,
    never 下午14:30 beside 14:30)."""
    return clock(start) + (f"—{clock(end)}" if end is not None else "")


def when(day: dt.date, start: dt.time | None, end: dt.time | None = None, *, all_day: str = "全天") -> str:
    """2027年3月5日（星期五）9:00—11:30: the date, its weekday and :func:`clock_span`."""
    said = f"{format_date(day)}（{weekday(day)}）"
    return said + (all_day if start is None else clock_span(start, end))


def in_force_note(start: dt.date, end: dt.date, year: int) -> str:
    """（自2027年7月1日起）, （至2027年6月30日止）: the part of the year something is in force."""
    notes = []
    if start > dt.date(year, 1, 1):
        notes.append(f"自{format_date(start)}起")
    if end < dt.date(year, 12, 31):
        notes.append(f"至{format_date(end)}止")
    return f"（{'，'.join(notes)}）" if notes else ""


# -- who writes and who answers ------------------------------------------------------------------------

def contact(district: District, candidates: Sequence[Organisation], as_of: dt.date,
            records: Records | None, *, writer: Organisation | None = None) -> tuple[str, ...]:
    """The contact, from the first body whose §3.1 designations (the district data with the
    designation records merged) name an officer and a telephone number: 联系人：办公室　李明，联系电话：
    0592-6051234 as one line when it fits one, else 联系人：… and 联系电话：… as two lines of their own;
    none when no body names both, and the letter then has no contact lines (a name without a number is
    no use to the reader).  The body's name is left out when it is the ``writer`` of the letter (the
    reader has it in the mark and the 落款).  A number that does not fit the first line starts its own,
    so 联系电话： and the number never part (LibreOffice breaks between two ideographs even across a
    word joiner)."""
    for org in candidates:
        d = designations_in_force(district, org, as_of, records)
        if not (d.liaison_officer and d.phone):
            continue
        where = ("organisations", Id(org.id), "designations")
        officer = text(d.liaison_officer, (*where, "liaison_officer"))
        phone = text(d.phone, (*where, "phone"))
        office = text(d.liaison_office, (*where, "liaison_office")) if d.liaison_office else ""
        body = "" if writer is not None and org.id == writer.id else full_name(district, org)
        person = f"联系人：{body}{office}{'　' if body or office else ''}{officer}"
        one = f"{person}，{telephone(phone, '联系电话')}"
        if count_lines(one, CELLS_PER_LINE, first_indent=2.0) == 1:
            return (one,)
        return person, telephone(phone, "联系电话")
    return ()


def telephone(number: str, label: str = "电话") -> str:
    """电话：0592-6051234 with word joiners (:func:`~liaison_docx.geometry.unbroken`) from the colon
    on: the number stays whole and with its label's colon wherever the line breaks."""
    return f"{label[:-1]}{unbroken(label[-1] + '：' + number)}"


def series(org: Organisation) -> str:
    """The 机关代字 of a body's 发文字号: its ``doc_prefix`` from the data (区府办, 区卫); without one,
    its shortest alias ending in 办 (区府办), else its short name — if that can head a 发文字号 (a
    short name of 20 characters, or with a space, cannot: the data then needs a ``doc_prefix``)."""
    if org.doc_prefix:
        return _series(org, text(org.doc_prefix, ("organisations", Id(org.id), "doc_prefix")), "doc_prefix")
    candidates = [a for a in org.aliases if a.endswith("办") and 2 <= len(a) <= 6 and not re.search(r"[\s〔〕]", a)]
    if candidates:
        return min(candidates, key=lambda a: (len(a), org.aliases.index(a)))
    return _series(org, text(org.short_name, ("organisations", Id(org.id), "short_name")), "short_name")


def _series(org: Organisation, found: str, field: str) -> str:
    """``found`` if it can head both a body's notices and its letters (with 函), else an error naming
    the field and asking for a ``doc_prefix``."""
    if is_series(found + "函"):
        return found
    raise ExportError(
        f"{found!r} cannot head the 发文字号 of {org.name_en}'s letters (at most 15 characters, no spaces or 〔〕)",
        path=Location.inside("organisations", Id(org.id), field),
        fix=f"give {org.id} a doc_prefix, its 机关代字 (such as 区卫)",
        message_zh=f"“{found}”不能作为{org.name}发文字号的机关代字（最多15个字，不含空格和〔〕）",
        fix_zh=f"请为 {org.id} 填写 doc_prefix（机关代字，如 区卫）")


def letter_series(org: Organisation) -> str:
    """The 函 series of a body: 区府办函, 区卫函."""
    return series(org) + "函"


def document_name(title: str) -> tuple[str, str]:
    """A document's name and its stage, as a letter writes them: 《2028年区政府工作报告》 and
    （征求意见稿） from “2028年区政府工作报告（征求意见稿）” or “《…（征求意见稿）》”."""
    bare = title.strip()
    if bare.startswith("《") and bare.endswith("》"):
        bare = bare[1:-1]
    stage = ""
    found = re.search(r"[（(](征求意见稿|送审稿|讨论稿|草案|初稿)[）)]$", bare)
    if found:
        stage, bare = f"（{found.group(1)}）", bare[: found.start()]
    return f"《{bare}》", stage
