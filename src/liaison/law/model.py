"""The regulation's bodies and pairings as frozen value objects.

Organisations of every kind the regulation names, their §3.1 designations, the dated pairings
between district departments and the democratic-party branches or the ICF (§2.1, §2.2), and what
the district file says about itself. Provisions and rules are in :mod:`liaison.law.rules`. Everything
here is plain data: the loader builds it from a district file, :mod:`liaison.law.district` answers
questions about it.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from typing import Literal

import attrs

from liaison.base.errors import Refused
from liaison.base.text import (
    free_text,
    identifier,
    in_range,
    line_text,
    name_en_text,
    name_text,
    title_en_text,
)
from liaison.law.rules import Basis, LocalSettings, Validity, _local_fields_exist, _period_order, local_needs_a_note
from liaison.law.terms import DESIGNATION_EN as DESIGNATION_EN  # their 0.1 place; the words live in terms
from liaison.law.terms import DESIGNATION_ZH as DESIGNATION_ZH


class OrgKind(enum.StrEnum):
    """Every kind of body the regulation names."""

    DISTRICT_GOVERNMENT = "district_government"  # 区政府
    GOVERNMENT_OFFICE = "government_office"  # 区政府办公室
    PEOPLES_CONGRESS = "peoples_congress"  # 区人民代表大会
    DEPARTMENT = "department"  # 区直部门
    PARTY_BRANCH = "party_branch"  # 民主党派（总）支部
    ICF = "icf"  # 区工商联
    TOWN_GOVERNMENT = "town_government"  # 镇政府 (§3.8)
    CHAMBER_OF_COMMERCE = "chamber_of_commerce"  # 镇商会 (§3.8)


ORG_KIND_ZH: dict[OrgKind, str] = {
    OrgKind.DISTRICT_GOVERNMENT: "区政府",
    OrgKind.GOVERNMENT_OFFICE: "政府办公室",
    OrgKind.PEOPLES_CONGRESS: "人民代表大会",
    OrgKind.DEPARTMENT: "区直部门",
    OrgKind.PARTY_BRANCH: "民主党派",
    OrgKind.ICF: "工商联",
    OrgKind.TOWN_GOVERNMENT: "镇政府",
    OrgKind.CHAMBER_OF_COMMERCE: "镇商会",
}


class Party(enum.StrEnum):
    """The eight democratic parties."""

    RCCK = "rcck"  # 民革
    CDL = "cdl"  # 民盟
    CNDCA = "cndca"  # 民建
    CAPD = "capd"  # 民进
    CPWDP = "cpwdp"  # 农工党
    CZGP = "czgp"  # 致公党
    JIUSAN = "jiusan"  # 九三学社
    TDSL = "tdsl"  # 台盟


PARTY_ZH: dict[Party, str] = {
    Party.RCCK: "民革",
    Party.CDL: "民盟",
    Party.CNDCA: "民建",
    Party.CAPD: "民进",
    Party.CPWDP: "农工党",
    Party.CZGP: "致公党",
    Party.JIUSAN: "九三学社",
    Party.TDSL: "台盟",
}


class BranchLevel(enum.StrEnum):
    """The level of a party's local organisation."""

    BRANCH = "branch"  # 支部
    GENERAL_BRANCH = "general_branch"  # 总支部
    COMPREHENSIVE_SUB_BRANCH = "comprehensive_sub_branch"  # 综合支社
    COMMITTEE = "committee"  # 委员会


#: Kinds that can be the counterpart of a pairing: a party branch or the ICF (§2).
COUNTERPART_KINDS = frozenset({OrgKind.PARTY_BRANCH, OrgKind.ICF})
GOVERNMENT_KINDS = frozenset({OrgKind.DISTRICT_GOVERNMENT, OrgKind.GOVERNMENT_OFFICE})


@attrs.frozen
class Designations:
    """§3.1: each paired unit names a leader in charge, a liaison office and a liaison officer, whose
    telephone number goes on the letters (联系人 and 电话). Each is optional data; compliance reports
    the ones missing."""

    leader_in_charge: str | None = attrs.field(default=None, validator=line_text)  # 分管领导
    liaison_office: str | None = attrs.field(default=None, validator=line_text)  # 具体处室
    liaison_officer: str | None = attrs.field(default=None, validator=line_text)  # 联络人员
    phone: str | None = attrs.field(default=None, validator=line_text)  # 联系电话

    def merged(self, newer: Designations) -> Designations:
        """``newer`` field by field over these (a record of who a unit designated later)."""
        return Designations(newer.leader_in_charge or self.leader_in_charge,
                            newer.liaison_office or self.liaison_office,
                            newer.liaison_officer or self.liaison_officer,
                            newer.phone or self.phone)


def _series_text(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    line_text(_instance, attribute, value)
    if not value or len(value) > 16 or any(c.isspace() or c in "〔〕" for c in value):
        raise Refused(f"{value!r} is not a 发文字号 series such as 区府办函 (1–16 characters, no spaces or 〔〕)",
                      f"{value!r} 不是发文字号的代字（如 区府办函；1至16个字，不含空格和〔〕）")


def format_doc_number(series: str, year: int, serial: int) -> str:
    """发文字号: the series (机关代字, with 函 for letters), full year in 〔〕, serial without 第 or zeros."""
    return f"{series}〔{year}〕{serial}号"


#: A 发文字号 as offices type it: the series, the year in 〔〕 (or [], ［］, (), （）, as a register kept in
#: Excel or WPS often has them), the serial with or without 第, leading zeros and 号.
_DOC_NUMBER = re.compile(r"(?P<series>[^\s〔〕\[\]()]{1,16})[〔\[(](?P<year>\d{4})[〕\])]第?(?P<serial>\d{1,7})号?")


def parse_doc_number(text: str) -> tuple[str, int, int] | None:
    """``(series, year, serial)`` of a 发文字号 typed as offices type it (区府办函〔2027〕3号,
    区府办函[2027]第3号, full-width digits and brackets, spaces), or None when it is none."""
    found = _DOC_NUMBER.fullmatch("".join(unicodedata.normalize("NFKC", text).split()))
    if found is None:
        return None
    return found["series"], int(found["year"]), int(found["serial"])


@attrs.frozen(kw_only=True)
class Register:
    """Where the office's 发文登记簿 stands for one series and year: the first number the year's
    liaison letters of ``series`` (区府办, 区府办函, 区卫函 …) may take, so a body continues its own
    register (its other documents took the numbers before). Always the district's own setting
    (``local``): the regulation numbers nothing; ``note`` says where the number comes from."""

    series: str = attrs.field(validator=_series_text)
    year: int = attrs.field(validator=in_range(1950, 2199))
    first_number: int = attrs.field(validator=in_range(1, 1_000_000))
    note: str = attrs.field(validator=free_text)

    def __attrs_post_init__(self) -> None:
        if not self.note.strip():
            raise Refused("a register's first number is the district's own setting: give a note saying where it "
                          "comes from (e.g. the office's 发文登记簿)",
                          "发文登记的起始号为本区设定，请在 note 中说明其来源（如本单位发文登记簿）")


def _registers_unique(_instance: object, _attribute: object, value: tuple[Register, ...]) -> None:
    seen = [(r.series, r.year) for r in value]
    for twice in sorted({k for k in seen if seen.count(k) > 1}):
        raise Refused(f"two registers for {twice[0]} in {twice[1]}",
                      f"{twice[0]}在{twice[1]}年有两条发文登记起始号")


@attrs.frozen(kw_only=True)
class Organisation:
    """A body the regulation speaks of, referred to everywhere by its stable ``id``.

    ``doc_prefix`` is its 机关代字 (卫 for 区卫生局), from which its letters' 发文字号 are built; the
    general office's is the district's (区府办). ``registers`` say where its 发文登记簿 stands
    (:class:`Register`): the first number its liaison letters of a series take in a year."""

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=name_text)  # full Chinese name as the regulation writes it: 区卫生局
    short_name: str = attrs.field(validator=name_text)  # e.g. 卫生局
    name_en: str = attrs.field(validator=name_en_text)
    kind: OrgKind
    party: Party | None = None
    level: BranchLevel | None = None
    aliases: tuple[str, ...] = attrs.field(default=(), validator=name_text)
    leader: str | None = attrs.field(default=None, validator=line_text)  # 负责人, invited under §1.2, §3.5
    designations: Designations = Designations()
    location: str | None = attrs.field(default=None, validator=line_text)
    doc_prefix: str | None = attrs.field(default=None, validator=line_text)  # 机关代字: 卫, 区府办
    #: where its 发文登记簿 stands, per series and year (local settings, each with its note)
    registers: tuple[Register, ...] = attrs.field(default=(), validator=_registers_unique)
    basis: Basis = "text"
    note: str = attrs.field(default="", validator=free_text)
    #: the fields the district chose (a 机关代字, a name the regulation does not give), each with why
    local: LocalSettings = attrs.field(default=LocalSettings(), validator=_local_fields_exist)

    def __attrs_post_init__(self) -> None:
        local_needs_a_note(self)

    @property
    def is_counterpart(self) -> bool:
        return self.kind in COUNTERPART_KINDS

    def names(self) -> tuple[str, ...]:
        """Every name the organisation answers to (id, names, aliases)."""
        return (self.id, self.name, self.short_name, self.name_en, *self.aliases)


@attrs.frozen(kw_only=True)
class Pairing:
    """对口联系: a district department paired with a party branch or the ICF.

    ``clause`` is the provision that creates it (its ``pairing_role`` says whether it makes common
    liaison units, §2.1, or lists pairings, §2.2). A pairing is in force from ``valid_from`` until
    ``valid_until`` (exclusive); an amendment ends one version and starts another.
    """

    department: str = attrs.field(validator=identifier)
    counterpart: str = attrs.field(validator=identifier)
    clause: str = attrs.field(validator=name_text)
    valid_from: dt.date
    valid_until: dt.date | None = attrs.field(default=None, validator=_period_order)
    note: str = attrs.field(default="", validator=free_text)
    basis: Basis = "text"
    local: LocalSettings = attrs.field(default=LocalSettings(), validator=_local_fields_exist)

    def __attrs_post_init__(self) -> None:
        local_needs_a_note(self)

    @property
    def key(self) -> tuple[str, str]:
        """The pairing across its versions."""
        return (self.department, self.counterpart)

    @property
    def validity(self) -> Validity:
        return Validity(self.valid_from, self.valid_until)

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


@attrs.frozen
class PartPeriod:
    """What an obligation owes when its subject is in force for only part of a period (a pairing
    made in October, a rule amended in July): below ``min_days`` nothing (not applicable); above, the
    ``whole`` minimum or one ``pro_rata`` to the days in force (at least one). A local setting: the
    regulation says nothing of part periods."""

    min_days: int = attrs.field(default=60, validator=in_range(1, 366))
    minimum: Literal["whole", "pro_rata"] = "whole"
    # the note a finding quotes when the file gives none: said from the setting, so it cannot disagree
    note: str = attrs.field(default=attrs.Factory(lambda self: _part_period_note(self.min_days, self.minimum),
                                                  takes_self=True), validator=free_text)


def _part_period_note(min_days: int, minimum: str) -> str:
    owed = "按全期要求" if minimum == "whole" else "按生效日数折算（至少1次）"
    return (f"原文未规定对口关系或规则在周期中途生效时的要求；本区设定：生效不足{min_days}日的不作要求，"
            f"满{min_days}日的{owed}。")


#: The kinds of document a regulation's title ends with: the short title a letter cites it by
#: (《意见》, 《办法》), unless the file says ``regulation_short_title``.
DOCUMENT_TYPES = ("实施意见", "实施办法", "实施细则", "意见", "办法", "规定", "细则", "制度", "方案", "决定", "通知",
                  "规则", "条例", "规程", "守则")


def _short_title(info: DistrictInfo) -> str:
    return next((word for word in DOCUMENT_TYPES if info.regulation_title.endswith(word)), "")


@attrs.frozen(kw_only=True)
class DistrictInfo:
    """What the data file says about itself. ``regulation_short_title`` is how the district's letters
    cite the regulation after naming it once (以下简称《意见》): by default the kind of document its
    title ends with."""

    id: str = attrs.field(validator=identifier)
    name: str = attrs.field(validator=name_text)  # the district's name, ××区 when the source names none
    name_en: str = attrs.field(validator=name_en_text)
    regulation_title: str = attrs.field(validator=name_text)
    source: str = attrs.field(validator=free_text)
    note: str = attrs.field(default="", validator=free_text)
    timezone: Literal["Asia/Shanghai"] = "Asia/Shanghai"
    regulation_title_en: str = attrs.field(default="", validator=title_en_text)  # the title in English output
    part_period: PartPeriod = PartPeriod()
    regulation_short_title: str = attrs.field(default=attrs.Factory(_short_title, takes_self=True),
                                              validator=line_text)

    def __attrs_post_init__(self) -> None:
        if not self.regulation_short_title:
            raise Refused("the title ends with no kind of document (意见, 办法, …): say "
                          "how letters cite it in short", "标题不以文种（意见、办法等）结尾：请写明函件中的简称",
                          field="regulation_short_title")
