"""The ledger (台账) as data: one :class:`SheetSpec` per records section, one :class:`Column` per field.

The writer lays the template out from these specs (headers, drop-downs, hints, the 说明 sheet), and
the reader finds columns by their header text and parses each cell by its column's ``parse``. A new
column is one :class:`Column`; a new records section is one :class:`SheetSpec` (and its record class
in :data:`liaison_xlsx.domain.RECORD_TYPES`).

Field names are the record classes' (docs/records-format.md); a field starting with ``_`` is the
ledger's own (是否召开, 实际日期, 备注) and never reaches a record.
"""

from __future__ import annotations

from typing import Literal

import attrs

from liaison.formats.register import REGISTER_COLUMNS, normalise_header

#: How a cell is read (see :mod:`liaison_xlsx.cells`).
Parse = Literal["text", "line", "date", "org", "orgs", "kind", "yes_no", "doc_kind", "party", "activity_kind", "by"]
#: ``cell``: the column must exist and every record row fills it; ``column``: the column must exist;
#: ``no``: an optional column (a clerk may delete it).
Required = Literal["cell", "column", "no"]
#: Drop-down lists of the template (a hidden sheet; see :mod:`liaison_xlsx.ledger`).
Choices = Literal["", "all", "hosts", "issuers", "departments", "counterparts", "kinds", "yes_no", "doc_kinds",
                  "parties", "activity_kinds"]
#: ``doc_kinds`` and ``activity_kinds`` are the district's own kinds, from its rules
#: (:func:`liaison_xlsx.domain.kind_lists`): a column offering one has them appended to its hint, and
#: 说明 explains each kind on a row of its own.


@attrs.frozen(kw_only=True)
class Column:
    header: str  # as the template writes it
    field: str  # the record's field, or the ledger's own (_held, _actual_date, _note)
    parse: Parse
    required: Required = "no"
    choices: Choices = ""
    hint: str = ""  # the input message on the header and the cells (≤ 255 characters)
    aliases: tuple[str, ...] = ()  # other headers a clerk may have written
    en: str = ""  # the column in English messages (default: the field)

    @property
    def label_en(self) -> str:
        return self.en or self.field.lstrip("_").replace("_", " ")


@attrs.frozen
class Child:
    """Rows sharing the parent's ``key`` each add one item of ``field`` (征求意见: one row per reply)."""

    field: str
    columns: tuple[str, ...]  # the parent's columns that belong to the item, in the item class's order


@attrs.frozen(kw_only=True)
class SheetSpec:
    name: str
    section: str  # the Records field; the provisions it cites are the district's (provisions_in)
    purpose: str  # one sentence for 说明
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    #: a row is a record when one of these is filled (default: any column); 会议走访 uses its gate
    content: tuple[str, ...] = ()
    gate: str = ""  # a yes/no field: only rows answering 是 are records (是否召开)
    key: str = ""  # rows with the same value of this field are one record
    child: Child | None = None
    #: written only when a rule of the district in force in the year reads the section (the
    #: district's own record kinds: a district without them gets no empty sheet)
    when_ruled: bool = False
    #: a rule's ``by`` (``town_government``): the purpose sends the record kinds of the district's own
    #: on that body to the sheet that keeps them (镇街活动 → 其他联系工作 for a town's support of the
    #: chambers of commerce), so they are not typed here and counted under this sheet's rule
    others_by: str = ""

    def column(self, field: str) -> Column:
        for c in self.columns:
            if c.field == field:
                return c
        raise KeyError(field)


ORG_HINT = "可填全称、简称或编号。"
ORGS_HINT = "可填全称、简称或编号；多个单位用顿号（、）、逗号、分号或换行分隔。"
DATE_HINT = "日期，如 2027-3-1、2027/3/1、2027.3.1 或 2027年3月1日。"


#: The 发文登记 sheet's columns are the register's (:data:`liaison.formats.register.REGISTER_COLUMNS`,
#: which a CSV register has too), with how a cell is read and the template's hints.
_REGISTER_PARSE: dict[str, Parse] = {"series": "line", "doc_number": "line", "date": "date"}
_REGISTER_HINTS = {
    "series": "文号的代字，如 区府办函；可留空（从文号读出）。",
    "doc_number": "发文字号，如 区府办函〔2027〕3号；〔〕也可写作 [] 或 ()。",
    "date": "印发日期。如 2027-3-1、2027/3/1、2027.3.1 或 2027年3月1日。",
    "title": "公文标题。",
    "to": "主送机关。",
    "cc": "抄送机关。",
    "file": "文件名（导出文件夹中的相对路径）。",
    "status": "已印发；已作废的写“已作废”及作废日期和代替它的文号（文号仍算已用）。",
}


def _date(header: str, field: str, required: Required = "cell", hint: str = "",
          aliases: tuple[str, ...] = ()) -> Column:
    return Column(header=header, field=field, parse="date", required=required, hint=hint + DATE_HINT, aliases=aliases)


LEDGER: tuple[SheetSpec, ...] = (
    SheetSpec(
        name="会议走访", section="engagements",
        purpose="计划内的会议、走访已按年度安排预填；召开了的在“是否召开”填“是”，没有召开的填“否”或留空（不作为记录）；"
        "计划外的会议、活动另起一行填写。",
        columns=(
            Column(header="编号", field="id", parse="line", hint="预填行的编号请勿改动；新增行可留空。",
                   aliases=("id",)),
            _date("日期", "date", "column", hint="计划日期。", aliases=("计划日期",)),
            Column(header="类型", field="kind", parse="kind", required="cell", choices="kinds",
                   hint="联系工作会议、联席会议或工作例会、走访、区政府全体成员会议、座谈会、大型活动等。",
                   aliases=("会议类型", "活动类型", "类别", "kind")),
            Column(header="主办单位", field="host", parse="org", required="cell", choices="hosts",
                   hint="召开会议、举办活动或带队走访的单位：区政府、区直部门、镇，或民主党派、工商联。" + ORG_HINT,
                   aliases=("主办", "牵头单位", "host")),
            Column(header="参加单位", field="attended", parse="orgs", required="cell", choices="all",
                   hint="实际参加的民主党派、工商联等单位（主办单位不必重复填写）。" + ORGS_HINT,
                   aliases=("参会单位", "出席单位", "走访对象", "attended")),
            Column(header="是否召开", field="_held", parse="yes_no", required="column", choices="yes_no",
                   hint="是：已召开（计入记录）；否或留空：未召开（不计入）。", aliases=("是否举行", "已召开", "held")),
            _date("实际日期", "_actual_date", "no", hint="与计划日期不同时填写，以实际日期为准。",
                  aliases=("召开日期", "实际召开日期")),
            Column(header="备注", field="_note", parse="text", hint="其他说明（不计入检查）。"),
            Column(header="事项", field="title", parse="line", hint="会议或走访的名称。",
                   aliases=("名称", "会议名称", "title")),
            Column(header="邀请单位", field="invited", parse="orgs", choices="all",
                   hint="全体会议、座谈会、大型活动等邀请的单位。" + ORGS_HINT,
                   aliases=("受邀单位", "invited")),
            Column(header="未全部邀请的原因", field="reason", parse="text",
                   hint="按规定一般应邀请而未全部邀请的，写明原因（检查时记为“已说明”）。", aliases=("原因", "reason")),
        ),
        aliases=("会议、走访", "会议和走访", "engagements"),
        gate="_held",
    ),
    SheetSpec(
        name="文件抄送", section="documents",
        purpose="区政府、政府办公室和各部门印发的文件及其抄送单位，一份文件一行；文件类型及各类文件的抄送要求见下。",
        columns=(
            Column(header="文号", field="id", parse="line", required="cell", hint="发文字号，如 区卫〔2027〕15号。",
                   aliases=("发文字号", "id")),
            Column(header="发文单位", field="issuer", parse="org", required="cell", choices="issuers",
                   hint="印发文件的单位。" + ORG_HINT,
                   aliases=("发文机关", "issuer")),
            _date("日期", "date", aliases=("发文日期", "印发日期")),
            Column(header="标题", field="title", parse="line", hint="文件标题。", aliases=("文件标题", "title")),
            Column(header="抄送单位", field="copied_to", parse="orgs", required="column", choices="counterparts",
                   hint="抄送的民主党派、工商联。" + ORGS_HINT, aliases=("抄送", "copied_to")),
            Column(header="文件类型", field="kind", parse="doc_kind", choices="doc_kinds",
                   hint="不属于本区抄送规定的文件类型的，填“其他”（不计入抄送检查）。可选：",
                   aliases=("类型", "kind")),
        ),
        aliases=("文件", "documents"),
    ),
    SheetSpec(
        name="征求意见", section="consultations",
        purpose="区政府征求各民主党派、工商联意见的事项；收到的每份答复占一行，同一事项的各行编号相同。",
        columns=(
            Column(header="编号", field="id", parse="line", required="cell", hint="同一事项的各行编号相同。",
                   aliases=("文号", "id")),
            Column(header="事项", field="subject", parse="line", required="cell", hint="征求意见的文件或事项。",
                   aliases=("征求意见事项", "subject")),
            _date("发送日期", "sent", hint="送出征求意见稿的日期。", aliases=("征求日期", "sent")),
            Column(header="征求单位", field="sent_to", parse="orgs", required="cell", choices="counterparts",
                   hint="送达征求意见的民主党派、工商联。" + ORGS_HINT, aliases=("征求对象", "sent_to")),
            _date("答复期限", "due", "no", hint="答复期限（不填按本区规定天数计算）。", aliases=("期限", "due")),
            Column(header="发送单位", field="sender", parse="org", choices="issuers",
                   hint="征求意见的单位（不填为区政府办公室）。",
                   aliases=("征求意见单位", "sender")),
            Column(header="答复单位", field="organisation", parse="orgs", choices="counterparts",
                   hint="本行登记的答复来自哪个单位（同一天答复的可填多个）。", aliases=("答复", "reply_from")),
            _date("答复日期", "reply_date", "no", hint="收到答复的日期。", aliases=("reply_date",)),
            Column(header="备注", field="_note", parse="text", hint="其他说明（不计入检查）。"),
        ),
        aliases=("征求意见情况", "consultations"),
        key="id",
        child=Child("replies", ("organisation", "reply_date")),
    ),
    SheetSpec(
        name="调研成果", section="research_results",
        purpose="各民主党派、工商联报送的调研成果，及承办部门的研究反馈情况，一项成果一行。",
        columns=(
            Column(header="编号", field="id", parse="line", required="cell", aliases=("id",)),
            Column(header="标题", field="title", parse="line", required="cell", hint="调研成果的题目。",
                   aliases=("题目", "title")),
            Column(header="报送单位", field="submitted_by", parse="org", required="cell", choices="counterparts",
                   hint="报送成果的民主党派或工商联。",
                   aliases=("提交单位", "submitted_by")),
            Column(header="承办部门", field="department", parse="org", required="cell", choices="departments",
                   hint="研究并反馈的区直部门。",
                   aliases=("部门", "department")),
            _date("收到日期", "received", hint="部门收到成果的日期。", aliases=("received",)),
            _date("反馈日期", "feedback", "column", hint="向报送单位反馈的日期；尚未反馈的留空。",
                  aliases=("feedback",)),
            Column(header="反馈情况", field="feedback_summary", parse="text", hint="反馈的主要内容。",
                   aliases=("feedback_summary",)),
        ),
        aliases=("调研成果反馈", "research_results"),
    ),
    SheetSpec(
        name="通报政情", section="briefings",
        purpose="区直部门主动向民主党派、工商联通报政情的情况，一次一行。",
        columns=(
            Column(header="部门", field="department", parse="org", required="cell", choices="departments",
                   aliases=("通报部门", "department")),
            _date("日期", "date", aliases=("通报日期",)),
            Column(header="通报内容", field="subject", parse="line", required="cell",
                   aliases=("内容", "事项", "subject")),
            Column(header="参加单位", field="with_organisations", parse="orgs", required="column",
                   choices="counterparts", hint="听取通报的单位。" + ORGS_HINT,
                   aliases=("通报对象", "with_organisations")),
        ),
        aliases=("briefings",),
    ),
    SheetSpec(
        name="特约人员", section="special_appointments",
        purpose="区直部门聘任的民主党派成员、无党派人士担任的特约人员（特约监察员等），一人一行。",
        columns=(
            Column(header="部门", field="department", parse="org", required="cell", choices="departments",
                   aliases=("聘任部门", "department")),
            Column(header="姓名", field="person", parse="line", required="cell", aliases=("人员", "person")),
            Column(header="职务", field="role", parse="line", required="cell", hint="如 特约监察员。",
                   aliases=("特约职务", "role")),
            Column(header="党派", field="party", parse="party", required="column", choices="parties",
                   hint="所属民主党派，或 无党派人士。",
                   aliases=("所属党派", "party")),
            _date("聘任日期", "date", aliases=("日期",)),
        ),
        aliases=("special_appointments",),
    ),
    SheetSpec(
        name="责任制", section="designations",
        purpose="各对口联系单位指定的分管领导、负责处室和联络人员；已按对口联系安排列出各单位，填写姓名或处室即可。",
        columns=(
            Column(header="单位", field="organisation", parse="org", required="cell", choices="departments",
                   aliases=("部门", "organisation")),
            Column(header="分管领导", field="leader_in_charge", parse="line", required="column",
                   aliases=("leader_in_charge",)),
            Column(header="负责处室", field="liaison_office", parse="line", required="column",
                   aliases=("具体处室", "liaison_office")),
            Column(header="联络人员", field="liaison_officer", parse="line", required="column",
                   aliases=("联络员", "liaison_officer")),
            Column(header="联系电话", field="phone", parse="line", hint="联络人员的电话（写入函件的联系人一行）。",
                   aliases=("电话", "phone")),
            _date("日期", "date", "no", hint="指定或调整的日期。", aliases=("指定日期",)),
        ),
        aliases=("联络责任制", "designations"),
        content=("leader_in_charge", "liaison_office", "liaison_officer", "phone", "date"),
    ),
    SheetSpec(
        name="联合调研", section="joint_research",
        purpose="区直部门与对口联系的民主党派、工商联联合开展的调研，一项一行。",
        columns=(
            Column(header="部门", field="department", parse="org", required="cell", choices="departments",
                   aliases=("department",)),
            Column(header="课题", field="topic", parse="line", required="cell", aliases=("调研课题", "topic")),
            _date("日期", "date"),
            Column(header="参加单位", field="with_organisations", parse="orgs", required="column",
                   choices="counterparts", hint=ORGS_HINT,
                   aliases=("合作单位", "with_organisations")),
        ),
        aliases=("joint_research",),
    ),
    SheetSpec(
        name="后备干部", section="nominations",
        purpose="纳入后备干部队伍的民主党派成员和无党派人士，一人一行。",
        columns=(
            Column(header="部门", field="department", parse="org", required="cell", choices="departments",
                   aliases=("department",)),
            Column(header="姓名", field="person", parse="line", required="cell", aliases=("人员", "person")),
            Column(header="党派", field="party", parse="party", required="column", choices="parties",
                   hint="所属民主党派，或 无党派人士。",
                   aliases=("所属党派", "party")),
            _date("日期", "date", hint="纳入的日期。"),
        ),
        aliases=("后备干部队伍", "nominations"),
    ),
    SheetSpec(
        name="镇街活动", section="town_activities",
        purpose="各镇（街道）加强与民主党派、工商联的联系，及时通报有关情况，一次一行。",
        columns=(
            Column(header="镇街", field="town", parse="line", required="cell", hint="镇或街道名称。",
                   aliases=("镇", "街道", "town")),
            _date("日期", "date"),
            Column(header="活动内容", field="description", parse="line", required="cell",
                   aliases=("内容", "description")),
            Column(header="参加单位", field="with_organisations", parse="orgs", required="column", choices="all",
                   hint=ORGS_HINT,
                   aliases=("with_organisations",)),
        ),
        aliases=("镇街", "镇政府", "town_activities"),
        others_by="town_government",
    ),
    SheetSpec(
        name="其他联系工作", section="activities",
        purpose="本区规定记录的其他联系工作（各类型的含义和依据见下），一次一行；只记录，不计次数。",
        columns=(
            Column(header="类型", field="kind", parse="activity_kind", required="cell", choices="activity_kinds",
                   hint="从下拉列表选择：",
                   aliases=("事项类型", "工作类型", "类别", "kind")),
            _date("日期", "date", aliases=("开展日期",)),
            Column(header="内容", field="description", parse="line", required="cell", hint="开展了什么工作。",
                   aliases=("工作内容", "活动内容", "description")),
            Column(header="单位", field="by", parse="by", required="column", choices="all",
                   hint="开展这项工作的单位：区政府、区直部门，或镇（街道）的名称。" + ORG_HINT,
                   aliases=("开展单位", "责任单位", "by")),
            Column(header="参加单位", field="with_organisations", parse="orgs", required="column", choices="all",
                   hint="一起开展或得到支持的民主党派、工商联、商会等。" + ORGS_HINT,
                   aliases=("合作单位", "with_organisations")),
        ),
        aliases=("其他工作", "activities"),
        when_ruled=True,
    ),
    SheetSpec(
        name="发文登记", section="register",
        purpose="本单位的发文登记簿：每个文号一行（含已作废的），导出时预填已印发的对口联系函件。本单位用于其他公文的"
        "文号也请登记在此，读取台账时各代字的文号从本表已用的最大号之后接续，不会重号。",
        columns=tuple(Column(header=c.header, field=c.field, parse=_REGISTER_PARSE.get(c.field, "text"),
                             required="cell" if c.required else "no", hint=_REGISTER_HINTS[c.field],
                             aliases=c.aliases, en=c.en) for c in REGISTER_COLUMNS),
        aliases=("发文登记簿", "Register"),
    ),
)

#: The register of letters issued (发文登记): written in both workbooks, read back from the ledger.
REGISTER = LEDGER[-1]

#: The 说明 sheet's name; the hidden sheet of drop-down lists.
GUIDE_SHEET = "说明"
LIST_SHEET = "名单"
#: The custom document property that names the ledger's district (checked when it is read back).
DISTRICT_PROPERTY = "liaison-district"


#: How a header or a sheet name is compared (one rule for the ledger and a CSV register).
normalise = normalise_header


def validate_specs(specs: tuple[SheetSpec, ...] = LEDGER) -> None:
    """The specs agree with themselves: unique sheets, headers and aliases (run by the tests)."""
    sheets: set[str] = set()
    for spec in specs:
        for name in (spec.name, *spec.aliases):
            key = normalise(name)
            if key in sheets:
                raise ValueError(f"sheet name {name!r} used twice")
            sheets.add(key)
        headers: set[str] = set()
        fields: set[str] = set()
        for c in spec.columns:
            if c.field in fields:
                raise ValueError(f"{spec.name}: field {c.field} twice")
            fields.add(c.field)
            for h in {c.header, *c.aliases, c.field.lstrip("_")}:
                key = normalise(h)
                if key in headers:
                    raise ValueError(f"{spec.name}: header {h!r} twice")
                headers.add(key)
            if len(c.hint) > 250:
                raise ValueError(f"{spec.name}!{c.header}: hint over Excel's 255 characters")
        for f in (*spec.content, *((spec.gate,) if spec.gate else ()), *((spec.key,) if spec.key else ())):
            if f not in fields:
                raise ValueError(f"{spec.name}: {f} is not a column")
        if spec.child is not None and any(f not in fields for f in spec.child.columns):
            raise ValueError(f"{spec.name}: child columns missing")
