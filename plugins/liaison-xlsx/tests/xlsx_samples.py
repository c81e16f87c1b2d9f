"""Helpers for the xlsx tests: the plan, a clerk filling in the ledger with openpyxl, and the same
records written as TOML by hand (the developer's format), so both can be checked against each other."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import openpyxl
from hypothesis import strategies as st

from liaison.base.errors import DataError
from liaison.law.district import District
from liaison.law.model import Organisation, OrgKind, Pairing
from liaison.law.workdays import ChineseCalendar
from liaison.year.engagements import Plan, Status
from liaison.year.planner import plan_year
from liaison_xlsx.specs import LEDGER

#: The one planned visit the clerk marks as not held (§3.6: 区教育局 never visited 民进支部).
SKIPPED_VISIT = "2026/visit/education/capd/1"
WORK_MEETING_2025 = {"编号": "2025/work_meeting/district-gov", "日期": dt.datetime(2025, 6, 18), "类型": "联系工作会议",
                     "主办单位": "区人民政府", "参加单位": "各民主党派、工商联", "是否召开": "是",
                     "事项": "区人民政府与各民主党派、工商联联系工作会议"}
#: 区卫生局's policy document, copied to 农工党总支部 but not to 九三学社综合支社 (§3.2).
DOCUMENT = {"文号": "区卫〔2026〕15号", "发文单位": "卫生局", "日期": "2026-4-20",
            "标题": "关于推进基层医疗卫生服务能力提升的实施意见", "抄送单位": "农工党"}
#: 区卫生局's materials (§3.2's 资料), copied to both its paired organisations.
MATERIAL = {"文号": "区卫〔2026〕18号", "发文单位": "区卫生局", "日期": "2026-5-12",
            "标题": "基层医疗机构服务能力评估资料", "抄送单位": "农工党总支部、九三学社综合支社", "文件类型": "资料"}
#: A town's support of its chamber of commerce (§3.8; the seed's own record kind chamber_support).
ACTIVITY = {"类型": "支持基层组织和镇商会活动", "日期": "2026-6-3", "内容": "支持城关镇商会换届",
            "单位": "城关镇", "参加单位": "区工商联"}
#: 农工党总支部's research result, never answered (§1.3).
RESEARCH = {"编号": "调研〔2026〕农工1", "标题": "关于社区卫生服务中心人才队伍建设的调研报告",
            "报送单位": "农工党总支部", "承办部门": "区卫生局", "收到日期": "2026年6月15日"}


def bigger_district(district: District, departments: int) -> District:
    """The seed with ``departments`` more departments, each paired with one branch or the ICF."""
    others = [o.id for o in district.counterparts()]
    added = [Organisation(id=f"dept-{i}", name=f"区第{i}专项工作局", short_name=f"第{i}专项工作局",
                          name_en=f"Bureau {i}", kind=OrgKind.DEPARTMENT)
             for i in range(1, departments + 1)]
    pairings = [Pairing(department=o.id, counterpart=others[i % len(others)], clause="§2.2",
                        valid_from=dt.date(2022, 5, 22)) for i, o in enumerate(added)]
    return attrs.evolve(district, organisations=(*district.organisations, *added),
                        pairings=(*district.pairings, *pairings))


def plan_for(district: District, year: int) -> Plan:
    return plan_year(district, year, calendar=ChineseCalendar())


def open_book(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def save(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(ledger: bytes, district: District, edit: Callable[[Any], None]) -> DataError:
    """The error reading ``ledger`` gives after ``edit`` (a clerk's change to the open workbook)."""
    import pytest

    from liaison_xlsx import read_ledger

    book = open_book(ledger)
    edit(book)
    with pytest.raises(DataError) as caught:
        read_ledger(save(book), district, "台账.xlsx")
    return caught.value


class Sheet:
    """One ledger sheet as a clerk sees it: columns by header text (row 2 of the template)."""

    def __init__(self, ws: Any, header_row: int = 2) -> None:
        self.ws = ws
        self.header_row = header_row
        self.columns = {c.value: c.column for c in ws[header_row] if c.value}

    def rows(self) -> Iterator[int]:
        for row in range(self.header_row + 1, self.ws.max_row + 1):
            if any(self.ws.cell(row, c).value not in (None, "") for c in self.columns.values()):
                yield row

    def get(self, row: int, header: str) -> Any:
        return self.ws.cell(row, self.columns[header]).value

    def set(self, row: int, header: str, value: Any) -> None:
        self.ws.cell(row, self.columns[header]).value = value

    def append(self, values: dict[str, Any]) -> int:
        row = max(self.rows(), default=self.header_row) + 1
        for header, value in values.items():
            self.set(row, header, value)
        return row

    def ref(self, row: int, header: str) -> str:
        return f"{self.ws.title}!{openpyxl.utils.get_column_letter(self.columns[header])}{row}"


def designation(name: str) -> dict[str, str]:
    short = name.removeprefix("区")
    return {"分管领导": f"{short}分管副局长", "负责处室": "办公室", "联络人员": f"{short}联络员"}


def fill_as_clerk(ledger: bytes) -> bytes:
    """The year's work as a clerk records it: every planned row held but one visit, the 2025 work
    meeting §3.1's two-year period needs, every paired department's designations, one policy document
    missing a paired organisation, materials copied as they should be, a town's support of its
    chamber of commerce and one research result without feedback."""
    book = open_book(ledger)
    meetings = Sheet(book["会议走访"])
    for row in list(meetings.rows()):
        meetings.set(row, "是否召开", "否" if meetings.get(row, "编号") == SKIPPED_VISIT else "是")
    meetings.append(WORK_MEETING_2025)
    duties = Sheet(book["责任制"])
    for row in list(duties.rows()):
        for header, value in designation(duties.get(row, "单位")).items():
            duties.set(row, header, value)
    Sheet(book["文件抄送"]).append(DOCUMENT)
    Sheet(book["文件抄送"]).append(MATERIAL)
    Sheet(book["调研成果"]).append(RESEARCH)
    Sheet(book["其他联系工作"]).append(ACTIVITY)
    return save(book)


def _toml(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _block(section: str, fields: dict[str, Any]) -> str:
    return f"[[{section}]]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in fields.items() if v is not None) + "\n"


def clerk_toml(district: District, plan: Plan) -> str:
    """The same year written as TOML records (docs/records-format.md), by hand, not by the reader."""
    out = ['district = "seed"\n\n']
    for e in plan.engagements:
        if e.status == Status.CANCELLED or e.id == SKIPPED_VISIT:
            continue
        out.append(_block("engagements", {"id": e.id, "kind": e.kind.value, "date": e.date, "host": e.host,
                                          "attended": list(e.participants), "title": e.title_zh}))
    everyone = [o.id for o in district.counterparts()]
    out.append(_block("engagements", {"id": "2025/work_meeting/district-gov", "kind": "work_meeting",
                                      "date": dt.date(2025, 6, 18), "host": "district-gov",
                                      "attended": ["district-gov", *everyone],
                                      "title": "区人民政府与各民主党派、工商联联系工作会议"}))
    out.append(_block("documents", {"id": "区卫〔2026〕15号", "issuer": "health", "date": dt.date(2026, 4, 20),
                                    "copied_to": ["cpwdp"], "title": DOCUMENT["标题"]}))
    out.append(_block("documents", {"id": MATERIAL["文号"], "issuer": "health", "date": dt.date(2026, 5, 12),
                                    "copied_to": ["cpwdp", "jiusan"], "kind": "material", "title": MATERIAL["标题"]}))
    out.append(_block("research_results", {"id": RESEARCH["编号"], "title": RESEARCH["标题"], "submitted_by": "cpwdp",
                                           "department": "health", "received": dt.date(2026, 6, 15)}))
    paired = {s.pairing.department for s in district.pairing_spans(dt.date(2026, 1, 1), dt.date(2026, 12, 31))}
    for org in district.organisations:
        if org.id in paired:
            named = designation(org.name)
            out.append(_block("designations", {
                "organisation": org.id, "leader_in_charge": named["分管领导"], "liaison_office": named["负责处室"],
                "liaison_officer": named["联络人员"]}))
    out.append(_block("activities", {"kind": "chamber_support", "date": dt.date(2026, 6, 3),
                                     "description": ACTIVITY["内容"], "by": "城关镇", "with_organisations": ["icf"]}))
    return "".join(out)


# -- random edits of a filled ledger, as a careless clerk or a hostile file makes them (the property tests')
SHEETS = [s.name for s in LEDGER]

words = st.sampled_from(["是", "否", "走访", "会议", "visit", "区卫生局", "农工党、九三学社", "农工总支", "各民主党派",
                         "2026-3-1", "2026年13月1日", "=SUM(A1:A3)", "#N/A", "", " ", "区卫〔2026〕15号", "\n", "、",
                         "health", "征求〔2026〕1号"])
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
values = st.one_of(words, text, st.none(), st.booleans(), st.integers(-10**9, 10**9),
                   st.floats(allow_nan=False, allow_infinity=False, width=32),
                   st.dates(dt.date(1890, 1, 1), dt.date(2300, 12, 31)),
                   st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2300, 1, 1)),
                   st.times())
mutation = st.one_of(
    st.tuples(st.just("cell"), st.sampled_from(SHEETS), st.integers(1, 60), st.integers(1, 11), values),
    st.tuples(st.just("delete_row"), st.sampled_from(SHEETS), st.integers(1, 60)),
    st.tuples(st.just("header"), st.sampled_from(SHEETS), st.integers(1, 11), st.one_of(words, text)),
    st.tuples(st.just("merge"), st.sampled_from(SHEETS), st.integers(1, 50), st.integers(1, 10)),
    st.tuples(st.just("delete_sheet"), st.sampled_from(SHEETS)),
)


def apply(book: Any, change: tuple[Any, ...]) -> None:
    kind, sheet = change[0], change[1]
    if sheet not in book.sheetnames:
        return
    ws = book[sheet]
    if kind == "cell":
        _, _, row, col, value = change
        ws.cell(row, col).value = value  # a merged cell refuses (AttributeError)
    elif kind == "delete_row":
        ws.delete_rows(change[2])
    elif kind == "header":
        ws.cell(2, change[2]).value = change[3]
    elif kind == "merge":
        ws.merge_cells(start_row=change[2], start_column=change[3], end_row=change[2] + 1, end_column=change[3])
    elif kind == "delete_sheet":
        del book[sheet]


# ------------------------------------------------------------------------------- LibreOffice Calc
#: every sheet of a workbook to its own CSV file (<name>-<sheet>.csv), UTF-8 (76)
ALL_SHEETS_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def soffice(out: Path, target: str, *files: Path) -> None:
    """``soffice --convert-to target`` of ``files`` into ``out``, with a profile of its own."""
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{out}/profile", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(out), *map(str, files)],
        capture_output=True, env=dict(os.environ, HOME=str(out)), timeout=300, check=False)
    assert result.returncode == 0, result.stderr


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))
