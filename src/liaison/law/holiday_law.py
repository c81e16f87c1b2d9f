"""China's statutory holidays by law, for a year whose State Council notice is not out yet.

《全国年节及纪念日放假办法》 fixes the holidays every citizen has; the State Council's yearly notice
only arranges them (调休: bridge days off, weekends worked). Districts plan the coming year before
that notice, so for such a year this module estimates what the law alone makes certain:

- the statutory days of the version in force that year (as amended 2024-11-10, in force 2025-01-01:
  元旦 1 day; 春节 4 days, 除夕 to 初三; 清明 1; 劳动节 2; 端午 1; 中秋 1; 国庆 3. Before 2025 the
  2013 version: 春节 初一 to 初三, 劳动节 1 day; 2008–2013 除夕 to 初二; before 2008 no 清明, 端午,
  中秋 and three days of 劳动节);
- Art. 6: a holiday that falls on a Saturday or Sunday is made up on a working day (补假): without a
  notice, the next working day(s) are taken as off;
- the customary breaks every notice since 2000 has made (a week-long 春节 and 国庆 break, and since
  2020 a five-day 劳动节 break): the day before 除夕 through 初七, 05-01..05-05 and 10-01..10-08. These
  are not days off by law; the planner avoids them by default and says so.

Lunar dates and solar terms come from the ``holidays`` package (vacanza/holidays), which follows the
law's versions; the State Council's special arrangements it also carries are left out here, so the
estimate rests on the law alone. ``holidays`` is imported only when a year needs the estimate.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools

import attrs


class HolidayKind(enum.StrEnum):
    STATUTORY = "statutory"  # a day the law fixes (estimated year)
    IN_LIEU = "in_lieu"  # 补假: the law's day fell on a weekend (estimated year)
    CUSTOMARY = "customary"  # inside a customary break (estimated year); a working day by law
    ARRANGED = "arranged"  # a day off in the State Council's published arrangement


@attrs.frozen
class Holiday:
    """Why a day is off (or, for a customary break, why the planner avoids it)."""

    name_zh: str  # 春节
    name_en: str  # Spring Festival
    kind: HolidayKind

    def label(self, lang: str = "zh") -> str:
        """春节补假 / Spring Festival (day in lieu), in the output's language."""
        if lang == "en":
            return {
                HolidayKind.STATUTORY: f"{self.name_en} (statutory holiday)",
                HolidayKind.IN_LIEU: f"{self.name_en} (day in lieu)",
                HolidayKind.CUSTOMARY: f"{self.name_en} break (customary)",
                HolidayKind.ARRANGED: f"{self.name_en} holiday",
            }[self.kind]
        return {
            HolidayKind.STATUTORY: f"{self.name_zh}（法定节假日）",
            HolidayKind.IN_LIEU: f"{self.name_zh}补假",
            HolidayKind.CUSTOMARY: f"{self.name_zh}假期（惯例）",
            HolidayKind.ARRANGED: f"{self.name_zh}假期",
        }[self.kind]


#: The holidays' names, Chinese and English. ``holidays`` names 除夕 "农历除夕"; it is part of 春节.
NAMES: dict[str, tuple[str, str]] = {
    "元旦": ("元旦", "New Year's Day"),
    "农历除夕": ("春节", "Spring Festival"),
    "春节": ("春节", "Spring Festival"),
    "清明节": ("清明节", "Qingming Festival"),
    "劳动节": ("劳动节", "Labour Day"),
    "端午节": ("端午节", "Dragon Boat Festival"),
    "中秋节": ("中秋节", "Mid-Autumn Festival"),
    "国庆节": ("国庆节", "National Day"),
}
_IN_LIEU = "（补假）"
FIRST_YEAR = 1950  # the law's first version; nothing is estimated before it


def english_name(name_zh: str) -> str:
    """The English name of a holiday named in Chinese (a notice's 中秋节、国庆节 too)."""
    parts = [p.strip() for p in name_zh.replace("，", "、").split("、") if p.strip()]
    known = [NAMES[p][1] if p in NAMES else NAMES.get(p + "节", ("", ""))[1] for p in parts]
    if parts and all(known):
        return " and ".join(known)
    return f"public holiday ({name_zh})"


@attrs.frozen
class LawYear:
    """One year's estimate: the law's days off (with 补假) and the customary breaks."""

    year: int
    days_off: dict[dt.date, Holiday] = attrs.field(eq=False)
    customary: dict[dt.date, Holiday] = attrs.field(eq=False)


def _statutory(year: int) -> tuple[dict[dt.date, Holiday], dt.date | None]:
    """The law's days off in ``year`` (with 补假) and 初一, the first day of the lunar year."""
    import holidays

    found: dict[dt.date, Holiday] = {}
    first_of_spring: dt.date | None = None
    table = holidays.country_holidays("CN", years=year, language="zh_CN")
    for day, names in table.items():
        if day.year != year:
            continue
        for name in (n.strip() for n in names.split(";")):
            base = name.removesuffix(_IN_LIEU)
            if base not in NAMES:  # the notices' 调休 rest days and special days are not the law's
                continue
            zh, en = NAMES[base]
            in_lieu = name.endswith(_IN_LIEU)
            if name == "春节" and day.month <= 2 and (first_of_spring is None or day < first_of_spring):
                first_of_spring = day  # 春节 days are 初一 to 初三 in every version; 除夕 is named apart
            if day not in found or found[day].kind == HolidayKind.IN_LIEU:
                found[day] = Holiday(zh, en, HolidayKind.IN_LIEU if in_lieu else HolidayKind.STATUTORY)
    return found, first_of_spring


def _customary(year: int, first_of_spring: dt.date | None) -> dict[dt.date, Holiday]:
    found: dict[dt.date, Holiday] = {}

    def span(first: dt.date, last: dt.date, zh: str, en: str) -> None:
        day = first
        while day <= last:
            if day.year == year:
                found[day] = Holiday(zh, en, HolidayKind.CUSTOMARY)
            day += dt.timedelta(days=1)

    if first_of_spring is not None:  # the day before 除夕 through 初七
        span(first_of_spring - dt.timedelta(days=2), first_of_spring + dt.timedelta(days=6), "春节", "Spring Festival")
    span(dt.date(year, 5, 1), dt.date(year, 5, 5), "劳动节", "Labour Day")
    span(dt.date(year, 10, 1), dt.date(year, 10, 8), "国庆节", "National Day")
    return found


#: The law's days off of a year as plain values, what a cache keeps: each day with its names and kind
#: (``statutory`` or ``in_lieu``), and 初一 (None if the year has no 春节 in the table).
StatutoryDays = tuple[tuple[tuple[dt.date, str, str, HolidayKind], ...], dt.date | None]

#: Statutory days given by the edge from a cache of earlier runs (:func:`remember`), by year.
_remembered: dict[int, StatutoryDays] = {}


def statutory_days(year: int) -> StatutoryDays:
    """The law's days off in ``year`` (with 补假) and 初一, as plain values: what
    :func:`remember` takes back. Imports ``holidays`` (about 0.1 s: it loads every country)."""
    days_off, first_of_spring = _statutory(year)
    return tuple((day, h.name_zh, h.name_en, h.kind) for day, h in sorted(days_off.items())), first_of_spring


def remember(year: int, days: StatutoryDays) -> None:
    """Take ``year``'s statutory days from a cache the edge keeps (:func:`statutory_days` of an
    earlier process with the same ``holidays``), so this process need not import ``holidays``."""
    _remembered[year] = days
    law_year.cache_clear()


@functools.lru_cache(maxsize=256)
def law_year(year: int) -> LawYear:
    """The law's estimate for ``year`` (nothing before 1950, the law's first version)."""
    if year < FIRST_YEAR:
        return LawYear(year, {}, {})
    known = _remembered.get(year)
    if known is not None:
        rows, first_of_spring = known
        days_off = {day: Holiday(zh, en, kind) for day, zh, en, kind in rows}
    else:
        days_off, first_of_spring = _statutory(year)
    return LawYear(year, days_off, _customary(year, first_of_spring))
