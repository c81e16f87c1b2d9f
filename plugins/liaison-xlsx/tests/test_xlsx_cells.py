"""Reading single cells as clerks fill them in: dates, 是/否, kinds, organisations, text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from liaison.base.errors import Refused
from liaison.law.district import District
from liaison_xlsx import cells
from liaison_xlsx.domain import Directory
from liaison_xlsx.specs import normalise


@pytest.fixture(scope="module")
def directory(seed: District) -> Directory:
    return Directory(seed)


@pytest.mark.parametrize("value", [
    dt.datetime(2027, 3, 1), dt.datetime(2027, 3, 1, 9, 30), dt.date(2027, 3, 1), "2027-3-1", "2027-03-01", "2027/3/1",
    "2027.3.1", "2027年3月1日", "2027 年 3 月 1 日", "２０２７－３－１", "2027年3月1号", "20270301", 20270301, 46447,
    46447.375, " 2027-3-1 ", "2027-03-01 00:00:00",
])
def test_dates_as_offices_write_them(value: Any) -> None:
    assert cells.date(value) == dt.date(2027, 3, 1)


@pytest.mark.parametrize("value", ["2027-2-30", "3/1/2027", "27-3-1", "下周一", "2027-3", True, dt.time(9, 0), -5,
                                   "1899-12-31", "2200-1-1", 99999999])
def test_not_dates(value: Any) -> None:
    with pytest.raises(Refused) as caught:
        cells.date(value)
    assert caught.value.message_zh and caught.value.message


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_is_none(value: Any) -> None:
    assert cells.date(value) is None and cells.yes_no(value) is None and cells.line(value) is None


@pytest.mark.parametrize(("value", "held"), [("是", True), ("否", False), ("Y", True), ("no", False), (True, True),
                                             (1, True), (0, False), ("√", True), ("×", False), ("已召开", True),
                                             ("未召开", False), ("ＹＥＳ", True)])
def test_yes_no(value: Any, held: bool) -> None:
    assert cells.yes_no(value) is held


@pytest.mark.parametrize(("value", "kind"), [
    ("走访", "visit"), ("联席会议", "joint_meeting"), ("工作例会", "joint_meeting"), ("联系工作会议", "work_meeting"),
    ("座谈会", "symposium"), ("区政府全体成员会议", "plenary_meeting"), ("全体会议", "plenary_meeting"),
    ("大型活动", "major_event"), ("检查工作", "inspection"), ("visit", "visit"), ("Joint Meeting", "joint_meeting"),
    ("joint-meeting", "joint_meeting"), ("会议", cells.MEETING),
])
def test_kinds_in_chinese_or_english(directory: Directory, value: str, kind: str) -> None:
    assert cells.kind(value, directory) == kind


def test_an_unknown_kind_lists_the_chinese_ones(directory: Directory) -> None:
    with pytest.raises(Refused) as caught:
        cells.kind("茶话会", directory)
    assert "走访" in caught.value.fix_zh and "联席会议" in caught.value.fix_zh


@pytest.mark.parametrize(("value", "ids"), [
    ("区卫生局", ("health",)), ("卫生局", ("health",)), ("health", ("health",)), ("区 卫生局", ("health",)),
    ("农工党、九三学社", ("cpwdp", "jiusan")), ("农工党，九三学社", ("cpwdp", "jiusan")),
    ("农工党,九三学社;区工商联；民革", ("cpwdp", "jiusan", "icf", "rcck")), ("农工党\n九三学社", ("cpwdp", "jiusan")),
    ("农工党、农工党总支部", ("cpwdp",)), ("中国农工民主党总支部", ("cpwdp",)),
    ("各民主党派", ("rcck", "cdl", "cndca", "capd", "cpwdp", "czgp", "jiusan")),
    ("各民主党派、工商联", ("rcck", "cdl", "cndca", "capd", "cpwdp", "czgp", "jiusan", "icf")),
])
def test_organisations_by_any_name_several_to_a_cell(directory: Directory, value: str, ids: tuple[str, ...]) -> None:
    assert cells.organisations(value, directory) == ids


def test_an_unknown_organisation_suggests_near_names(directory: Directory) -> None:
    with pytest.raises(Refused) as caught:
        cells.organisations("民革支部、农工总支", directory)
    assert caught.value.message_zh.startswith("没有名为“农工总支”的单位；您是否要找：农工党总支部")


def test_one_organisation_where_one_is_wanted(directory: Directory) -> None:
    assert cells.organisation("卫生局", directory) == "health"
    with pytest.raises(Refused, match="one organisation is wanted"):
        cells.organisation("卫生局、教育局", directory)


def test_text_cells() -> None:
    assert cells.line(15) == "15" and cells.line(15.0) == "15" and cells.line(1.5) == "1.5"
    assert cells.line("关于推进基层医疗\n卫生服务的意见") == "关于推进基层医疗卫生服务的意见"  # a break in Chinese text
    assert cells.line("Annual\nreport") == "Annual report"
    assert cells.text("第一段\n\n第二段 ") == "第一段\n第二段"
    with pytest.raises(Refused, match="holds the date"):
        cells.line(dt.datetime(2026, 8, 1))


@pytest.mark.parametrize(("header", "key"), [
    ("日期", "日期"), (" 日 期 ", "日期"), ("日期*", "日期"), ("日期（必填）", "日期"),
    ("参加单位(可多选)", "参加单位"), ("Host", "host"), ("【类型】", "类型"), ("(备注)", "备注"),
])
def test_headers_compare_loosely(header: str, key: str) -> None:
    assert normalise(header) == key
