"""The page's words: every text in Chinese and English, and how dates and times read in each.

The page carries both languages side by side (``<span class="zh">`` and ``<span class="en">``) and
the switch only changes which one shows, so a text is always a :class:`Bi`. Words of the page's
own (headings, legend, field names) are here; everything about the district comes from its data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

import attrs

T = TypeVar("T")
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")


@attrs.frozen
class Bi:
    """One text in Chinese and English (the English falls back to the Chinese only where the data
    has no English)."""

    zh: str
    en: str

    @classmethod
    def same(cls, text: str) -> Bi:
        return cls(text, text)

    def join(self, other: Bi, zh_sep: str = "", en_sep: str = " ") -> Bi:
        return Bi(f"{self.zh}{zh_sep}{other.zh}", f"{self.en}{en_sep}{other.en}")


class Words:
    """The texts of one page, each made once: ``words(Bi(…))`` is the first equal text it was given.

    A page at 3,300 pairings makes some 52,000 texts for its marks, bodies' duties and findings, only
    15,000 of them distinct (a status, a severity, a period, a duty's wording recur from body to
    body); every one alive until the page is written is an object the collector tracks, and that
    many start full collections a smaller district's page never does. The ones given and not kept
    are freed at once. :meth:`one` does the same for the page's other values (a duty's line, a mark's
    provisions)."""

    def __init__(self) -> None:
        self._texts: dict[tuple[str, str], Bi] = {}
        self._seen: dict[Any, Any] = {}

    def __call__(self, text: Bi) -> Bi:
        # keyed by the two strings: a tuple's hash and comparison run in C, a Bi's in Python
        return self._texts.setdefault((text.zh, text.en), text)

    def one(self, value: T) -> T:
        """The first value equal to ``value`` given (an immutable one: it is shared)."""
        found: T = self._seen.setdefault(value, value)
        return found


def joined(parts: Iterable[Bi], zh_sep: str = "；", en_sep: str = "; ") -> Bi:
    items = list(parts)
    return Bi(zh_sep.join(p.zh for p in items), en_sep.join(p.en for p in items))


UI: dict[str, Bi] = {
    "heading": Bi("对口联系工作年历", "liaison year"),
    "subtitle_en": Bi("", "Liaison with the democratic parties and the Federation of Industry and Commerce"),
    "switch": Bi("English", "中文"),
    "print": Bi("打印", "Print"),
    "close": Bi("关闭", "Close"),
    "year": Bi("全年", "The year"),
    "timeline": Bi("各单位时间轴", "Timeline by body"),
    "timeline_hint": Bi("每行一个单位，标记为其参加的活动；点击单位名称查看其本年职责。",
                        "One row per body, a mark where it takes part; click a name for what it owes this year."),
    "compliance": Bi("检查热图", "Compliance heat map"),
    "no_records": Bi("未提供记录（records），本页不含合规检查。",
                     "No records were given, so the page holds no compliance check."),
    "list": Bi("活动一览", "All engagements"),
    "provisions": Bi("所依据条款（原文）", "Provisions cited (verbatim)"),
    "legend": Bi("图例", "Legend"),
    "days": Bi("日期", "Days"),
    "kinds": Bi("活动类型（颜色）", "Kinds (colour)"),
    "statuses": Bi("状态（形状）", "Status (shape)"),
    "workday": Bi("工作日", "working day"),
    "weekend": Bi("周末", "weekend"),
    "holiday": Bi("放假（法定节假日、补假）", "day off (public holiday)"),
    "makeup": Bi("调休上班", "make-up working day"),
    "customary": Bi("惯例假期（法定外，计划避开）", "customary break (not off by law; avoided)"),
    "holiday_tag": Bi("休", "H"),
    "makeup_tag": Bi("班", "W"),
    "customary_tag": Bi("惯", "C"),
    "provisional": Bi("暂定", "provisional"),
    "provisional_mark": Bi("暂定（虚线外圈）", "provisional (dashed ring)"),
    "beyond_guidance": Bi("超出指导范围", "beyond the guidance"),
    "kind": Bi("类型", "Kind"),
    "date": Bi("日期", "Date"),
    "time": Bi("时间", "Time"),
    "title": Bi("事项", "Engagement"),
    "host": Bi("主办", "Host"),
    "participants": Bi("参加", "Participants"),
    "status": Bi("状态", "Status"),
    "location": Bi("地点", "Location"),
    "note": Bi("备注", "Note"),
    "id": Bi("编号", "ID"),
    "basis": Bi("依据", "Provisions"),
    "local_settings": Bi("本区设定（原文未规定）", "The district's own settings (not in the text)"),
    "warnings": Bi("提示", "Warnings"),
    "all_day": Bi("全天", "all day"),
    "no_en_text": Bi("", "The district's data has no English text of this provision; the Chinese original:"),
    "body": Bi("单位", "Body"),
    "duties": Bi("本年职责", "What it owes this year"),
    "no_duties": Bi("本年无对口联系职责。", "No liaison duties this year."),
    "paired": Bi("对口联系", "Paired with"),
    "cc": Bi("文件抄送", "Documents copied to"),
    "designation": Bi("联络人员指定", "Designations"),
    "as_of": Bi("截至", "as of"),
    "state_met": Bi("已落实", "met"),
    "state_short": Bi("未达要求（违反应/要）", "short (a shall not met)"),
    "state_short_local": Bi("未达本区设定", "short of the district's own setting"),
    "state_deviation": Bi("偏离（一般应）", "deviation (generally shall)"),
    "state_info": Bi("提示（可、视情、仅记录等，不属违反）", "info (may, as needed, recorded: never a breach)"),
    "state_none": Bi("无此项", "not owed"),
    "local_mark": Bi("＊ 依据本区设定（原文未规定）", "* rests on the district's own setting (not in the text)"),
    "local_short": Bi("＊依据本区设定", "* rests on a local setting"),
    "local_basis": Bi("依据本区设定（原文未规定）", "Rests on the district's own setting, not the regulation's text"),
    "text_basis": Bi("依据原文规定", "Rests on the regulation's text"),
    "findings": Bi("检查结果", "Findings"),
    "no_body": Bi("全区（无责任单位）", "District-wide (no responsible body)"),
    "notes": Bi("说明", "Notes"),
    "not_counted": Bi("未计入的记录", "Records not counted"),
    "reason": Bi("说明理由", "Reason given"),
    "period": Bi("期间", "Period"),
    "generated": Bi("本页由 liaison-html 依据区数据文件生成，内容均来自数据；不含任何外部资源。",
                    "Generated by liaison-html from the district's data file; the page loads nothing from outside."),
    "source": Bi("数据来源", "Data source"),
    "sep": Bi("；", "; "),
}

def date_text(day: dt.date) -> Bi:
    return Bi(f"{day.year}年{day.month}月{day.day}日（{WEEKDAYS_ZH[day.weekday()]}）",
              f"{WEEKDAYS_EN[day.weekday()]} {day.day} {MONTHS_EN[day.month - 1][:3]} {day.year}")


def period_text(first: dt.date, last: dt.date) -> Bi:
    if first == last:
        return Bi(first.isoformat(), first.isoformat())
    return Bi(f"{first.isoformat()} 至 {last.isoformat()}", f"{first.isoformat()} to {last.isoformat()}")


def time_text(start: dt.time | None, end: dt.time | None) -> Bi:
    if start is None:
        return UI["all_day"]
    text = f"{start:%H:%M}" + (f"–{end:%H:%M}" if end is not None else "")
    return Bi.same(text)


def month_name(month: int) -> Bi:
    return Bi(f"{month}月", MONTHS_EN[month - 1])


def day_range(first: int, last: int, month: int) -> Bi:
    """``4–5日`` / ``4–5 Feb``: consecutive days of one month."""
    days = str(first) if first == last else f"{first}–{last}"
    return Bi(f"{days}日", f"{days} {MONTHS_EN[month - 1][:3]}")
