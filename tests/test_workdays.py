"""Working days that hold for every year: the law's holidays when no notice is out, the notice as
data, and the customary breaks (《全国年节及纪念日放假办法》; docs/holidays.md)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import holidays
import pytest
from builders import build_district
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.base.errors import DataError
from liaison.formats.notice import parse_holiday_notice
from liaison.law.district import District
from liaison.law.holiday_law import HolidayKind, law_year
from liaison.law.notices import HolidayNotice
from liaison.law.rules import EngagementKind, Response
from liaison.law.workdays import ChineseCalendar, WeekdayCalendar, provisional_note, with_notices
from liaison.year.engagements import KnownEvent, PlanOptions
from liaison.year.planner import plan_year

ROOT = Path(__file__).parents[1]
D = dt.date


def days(first: dt.date, last: dt.date) -> set[dt.date]:
    return {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}


class Unpublished(ChineseCalendar):
    """The built-in calendar as it is for a year whose notice is not out: the law's estimate.

    The tests must not depend on which years the installed chinesecalendar already carries."""

    name = "unpublished"

    def is_published(self, year: int) -> bool:
        return False


# -------------------------------------------------------------------------------- the law, any year
def test_the_2027_estimate_is_the_law_as_amended_in_2024() -> None:
    law = law_year(2027)
    statutory = {d for d, h in law.days_off.items() if h.kind == HolidayKind.STATUTORY}
    assert statutory == {D(2027, 1, 1), *days(D(2027, 2, 5), D(2027, 2, 8)), D(2027, 4, 5), D(2027, 5, 1),
                         D(2027, 5, 2), D(2027, 6, 9), D(2027, 9, 15), *days(D(2027, 10, 1), D(2027, 10, 3))}
    # Art. 6: 02-06, 02-07 (春节), 05-01, 05-02 (劳动节) and 10-02, 10-03 (国庆节) fall on weekends
    in_lieu = {d: h.name_zh for d, h in law.days_off.items() if h.kind == HolidayKind.IN_LIEU}
    assert in_lieu == {D(2027, 2, 9): "春节", D(2027, 2, 10): "春节", D(2027, 5, 3): "劳动节",
                       D(2027, 5, 4): "劳动节", D(2027, 10, 4): "国庆节", D(2027, 10, 5): "国庆节"}
    assert law.days_off[D(2027, 2, 5)].name_zh == "春节"  # 除夕 is part of 春节 since 2025


def test_the_customary_breaks_run_from_the_day_before_new_years_eve_to_the_seventh_day() -> None:
    law = law_year(2027)
    assert set(law.customary) == days(D(2027, 2, 4), D(2027, 2, 12)) | days(D(2027, 5, 1), D(2027, 5, 5)) | days(
        D(2027, 10, 1), D(2027, 10, 8))


def test_years_before_2025_follow_the_version_then_in_force() -> None:
    spring_2013 = {d for d, h in law_year(2013).days_off.items() if h.name_zh == "春节" and h.kind == "statutory"}
    assert spring_2013 == {D(2013, 2, 9), D(2013, 2, 10), D(2013, 2, 11)}  # 2007 version: 除夕 to 初二
    spring_2020 = {d for d, h in law_year(2020).days_off.items() if h.name_zh == "春节" and h.kind == "statutory"}
    assert spring_2020 == {D(2020, 1, 25), D(2020, 1, 26), D(2020, 1, 27)}  # 2013 version: 初一 to 初三
    labour_2024 = {d for d, h in law_year(2024).days_off.items() if h.name_zh == "劳动节" and h.kind == "statutory"}
    assert labour_2024 == {D(2024, 5, 1)}
    assert not any(h.name_zh == "清明节" for h in law_year(2005).days_off.values())  # from 2008 on


def test_the_estimate_agrees_with_every_published_arrangement_2004_to_2026() -> None:
    """Every day the law fixes (and its 补假) was a day off in the State Council's notice that year:
    chinesecalendar's official data shows no exception from 2004 to 2026."""
    official = ChineseCalendar()
    exceptions = [(day, h.label()) for year in range(2004, 2027) for day, h in law_year(year).days_off.items()
                  if official.is_published(year) and official.is_working_day(day)]
    assert exceptions == []


# ------------------------------------------------------------------------------------ the planner
PROVISIONAL = Unpublished()


def off_or_break(calendar: ChineseCalendar, day: dt.date) -> bool:
    holiday = calendar.holiday(day)
    return not calendar.is_working_day(day) or (holiday is not None and holiday.kind == HolidayKind.CUSTOMARY)


@pytest.mark.parametrize("year", range(2025, 2036))
def test_the_default_plan_avoids_the_laws_holidays_and_in_a_year_without_notice_the_breaks(
        seed: District, year: int) -> None:
    calendar = ChineseCalendar()
    plan = plan_year(seed, year, calendar=calendar)
    law = law_year(year)
    for e in plan.engagements:
        assert e.date not in law.days_off, (e.id, e.date, law.days_off[e.date])
        assert calendar.is_working_day(e.date), e
        if not calendar.is_published(year):
            assert e.date not in law.customary, (e.id, e.date)
            assert e.provisional
    estimated = plan_year(seed, year, calendar=PROVISIONAL)
    assert not any(off_or_break(PROVISIONAL, e.date) for e in estimated.engagements)


def test_nothing_in_2027_lands_on_a_holiday_its_day_in_lieu_or_a_customary_break(seed: District) -> None:
    forbidden = {D(2027, 1, 1), *days(D(2027, 2, 4), D(2027, 2, 12)), D(2027, 4, 5),
                 *days(D(2027, 5, 1), D(2027, 5, 5)), D(2027, 6, 9), D(2027, 9, 15),
                 *days(D(2027, 10, 1), D(2027, 10, 8))}
    for options in (PlanOptions(), PlanOptions(preferred_months=(10,)), PlanOptions(preferred_months=(2, 5, 6, 9))):
        plan = plan_year(seed, 2027, options, calendar=PROVISIONAL)
        assert not {e.date for e in plan.engagements} & forbidden
        assert plan.provisional


def test_the_customary_breaks_can_be_allowed_but_never_the_laws_days(seed: District) -> None:
    plan = plan_year(seed, 2027, PlanOptions(preferred_months=(10,), allow_customary_breaks=True),
                     calendar=PROVISIONAL)
    used = {e.date for e in plan.engagements}
    assert used & days(D(2027, 10, 6), D(2027, 10, 8))  # working days by law, inside the break
    assert not used & set(law_year(2027).days_off)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(year=st.integers(2004, 2099), pairs=st.sets(st.tuples(st.integers(0, 7), st.integers(0, 4)), min_size=1,
                                                    max_size=25))
def test_no_engagement_falls_on_a_day_the_calendar_marks_off(year: int, pairs: set[tuple[int, int]]) -> None:
    calendar = ChineseCalendar()
    plan = plan_year(build_district(8, 5, sorted(pairs)), year, calendar=calendar)
    for e in plan.engagements:
        assert calendar.is_working_day(e.date), (e.id, e.date, calendar.holiday(e.date))
        if not calendar.is_published(year):
            assert not off_or_break(calendar, e.date), (e.id, e.date)


def test_a_provisional_year_says_what_was_done_in_the_outputs_language() -> None:
    assert provisional_note(2027, breaks_avoided=True) == (
        "2027年国务院节假日安排尚未公布。日期已避开法定节假日及春节、劳动节、国庆假期；调休安排公布后，本办将核对并另行通知")
    # no colon in mid-sentence, and it says who checks (#24)
    plain = provisional_note(2027, breaks_avoided=False)
    assert "：" not in plain and "本办" in plain
    english = provisional_note(2027, breaks_avoided=True, lang="en")
    assert "2027" in english and "Spring Festival" in english and not any("\u4e00" <= c <= "\u9fff" for c in english)


# ------------------------------------------------------------------------------ the notice as data
NOTICE_2027 = {  # fictional, but complete: every day the law fixes, with a make-up Saturday (2027-02-20)
    "year": 2027, "papers": ["https://example.gov.cn/2027-holidays"],
    "days": [
        {"name": "元旦", "date": "2027-01-01", "isOffDay": True},
        *({"name": "春节", "date": f"2027-02-{d:02d}", "isOffDay": True} for d in range(5, 14)),
        {"name": "春节", "date": "2027-02-20", "isOffDay": False},
        {"name": "清明节", "date": "2027-04-05", "isOffDay": True},
        *({"name": "劳动节", "date": f"2027-05-{d:02d}", "isOffDay": True} for d in range(1, 6)),
        {"name": "端午节", "date": "2027-06-09", "isOffDay": True},
        {"name": "中秋节", "date": "2027-09-15", "isOffDay": True},
        *({"name": "国庆节", "date": f"2027-10-{d:02d}", "isOffDay": True} for d in range(1, 8)),
    ],
}


def notice(**changes: object) -> HolidayNotice:
    return parse_holiday_notice(json.dumps({**NOTICE_2027, **changes}), file="2027.json")


def test_once_the_notice_is_out_agreed_dates_are_no_longer_provisional_and_held_ones_never_were(
        seed: District) -> None:
    """暂定 is the year's calendar, not an engagement's history: an agreed date planned before the notice
    stops being provisional when the year is re-planned on it; a held one is not provisional at all."""
    first = plan_year(seed, 2027, calendar=PROVISIONAL)
    assert first.provisional and all(e.provisional for e in first.engagements)
    agreed_id, held_id = first.engagements[0].id, first.engagements[1].id
    lived = first.confirm(agreed_id).mark_held(held_id)
    assert not lived.get(held_id).provisional and lived.get(agreed_id).provisional
    fixed = [e for e in lived.engagements if e.id in (agreed_id, held_id)]
    replanned = plan_year(seed, 2027, calendar=with_notices(PROVISIONAL, [notice()]), fixed=fixed)
    assert not replanned.provisional
    assert not replanned.get(agreed_id).provisional and not replanned.get(held_id).provisional
    still = plan_year(seed, 2027, calendar=PROVISIONAL, fixed=fixed)
    assert still.get(agreed_id).provisional and not still.get(held_id).provisional


def test_with_a_notice_the_year_is_published_and_its_days_off_are_avoided(seed: District) -> None:
    calendar = with_notices(PROVISIONAL, [notice()])
    plan = plan_year(seed, 2027, PlanOptions(preferred_months=(2,)), calendar=calendar)
    assert not plan.provisional and not any(e.provisional for e in plan.engagements)
    used = {e.date for e in plan.engagements}
    assert not used & days(D(2027, 2, 5), D(2027, 2, 13))
    assert D(2027, 2, 20) not in used  # a make-up Saturday only when allowed
    assert used & {D(2027, 2, 4), D(2027, 2, 15)}  # not in a customary break any more: the notice says
    allowed = plan_year(seed, 2027, PlanOptions(preferred_months=(2,), preferred_weekdays=(5,),
                                                allow_makeup_weekends=True), calendar=calendar)
    assert D(2027, 2, 20) in {e.date for e in allowed.engagements}
    assert calendar.holiday(D(2027, 2, 9)) is not None and calendar.holiday(D(2027, 2, 9)).name_zh == "春节"


def test_the_notice_is_loaded_strictly_with_paths() -> None:
    bad = {**NOTICE_2027, "days": [*NOTICE_2027["days"][:3], {"name": "春节", "date": "2027-2-8", "isOffDay": True}]}
    with pytest.raises(DataError) as caught:
        parse_holiday_notice(json.dumps(bad), file="2027.json")
    assert str(caught.value).startswith("2027.json: $.days[3].date: ")
    with pytest.raises(DataError, match=r"\$\.days\[0\]\.isoffday|isoffday|extra"):
        parse_holiday_notice(json.dumps({**NOTICE_2027, "days": [{"name": "元旦", "date": "2027-01-01",
                                                                  "isoffday": True}]}), file="2027.json")
    with pytest.raises(DataError, match="make-up working day"):
        notice(days=[{"name": "春节", "date": "2027-02-17", "isOffDay": False}])  # a Wednesday
    with pytest.raises(DataError, match="listed twice"):
        notice(days=[NOTICE_2027["days"][0], NOTICE_2027["days"][0]])
    with pytest.raises(DataError, match="not in 2027"):
        notice(days=[{"name": "元旦", "date": "2028-06-01", "isOffDay": True}])


def test_the_published_files_schema_and_id_keys_and_a_bom_are_accepted() -> None:
    text = "\ufeff" + json.dumps({"$schema": "https://example/schema.json", "$id": "https://example/2027.json",
                                  **NOTICE_2027})
    assert parse_holiday_notice(text.encode("utf-8"), file="2027.json").year == 2027


def test_the_command_takes_the_notice_file(tmp_path: Path) -> None:
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(NOTICE_2027), encoding="utf-8")
    from click.testing import CliRunner

    from liaison_cli.main import cli

    result = CliRunner().invoke(cli, ["plan", "--year", "2027", "--holidays", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["provisional"] is False
    assert not {e["date"] for e in plan["engagements"]} & {d.isoformat() for d in days(D(2027, 2, 5), D(2027, 2, 13))}


# ------------------------------------------------------------------------------------- warnings
@pytest.mark.parametrize(("year", "published"), [(2027, False), (2026, True)])
def test_an_agreed_date_on_a_holiday_is_a_warning_naming_it(seed: District, year: int, published: bool) -> None:
    calendar = ChineseCalendar() if published else PROVISIONAL
    plan = plan_year(seed, year, calendar=calendar)
    visit = next(e for e in plan.engagements if e.kind == EngagementKind.VISIT)
    moved = plan.move(visit.id, D(year, 10, 1))
    again = plan_year(seed, year, calendar=calendar, fixed=moved.fixed())
    (warning,) = [w for w in again.warnings if w.engagement == visit.id]
    assert "国庆节" in warning.message_zh and "National Day" in warning.message_en
    assert not any("\u4e00" <= c <= "\u9fff" for c in warning.message_en.replace(visit.id, ""))
    assert not any(c.isascii() and c.isalpha() for c in warning.message_zh.replace(visit.id, ""))


def test_a_date_inside_a_customary_break_is_a_warning_too(seed: District) -> None:
    plan = plan_year(seed, 2027, calendar=PROVISIONAL)
    event = KnownEvent(kind=EngagementKind.MAJOR_EVENT, date=D(2027, 10, 7), title_zh="国庆招待会")
    again = plan_year(seed, 2027, PlanOptions(events=(event,)), calendar=PROVISIONAL, fixed=plan.fixed())
    (warning,) = again.warnings
    assert "国庆节假期（惯例）" in warning.message_zh and "National Day break (customary)" in warning.message_en


# ----------------------------------------------------------------------- deadlines in working days
def test_a_deadline_in_working_days_counts_on_the_calendar() -> None:
    rule = Response(key="feedback", trigger="research_result", responder="department", due_working_days=5)
    # 09-29, 09-30, then 国庆 10-01..10-07 off; 10-08, 10-09 and the make-up Saturday 10-10 count
    assert rule.due(D(2026, 9, 28), ChineseCalendar()) == D(2026, 10, 10)
    assert rule.due(D(2026, 9, 28), WeekdayCalendar()) == D(2026, 10, 5)
    with pytest.raises(ValueError, match="either due_days or due_working_days"):
        Response(key="x", trigger="research_result", responder="department", due_days=3, due_working_days=3)


# ------------------------------------------------------------------- the core asks no plugin manager
def test_planning_inside_the_core_loads_no_plugin_and_no_exporter_dependency() -> None:
    code = ("import sys, liaison; liaison.plan_year(liaison.seed_district(), 2026); "
            "print(' '.join(sorted(m for m in sys.modules if '.' not in m)))")
    loaded = set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                                env={"LIAISON_PLUGINS": "ical,docx", "PATH": ""}).stdout.split())
    assert not loaded & {"icalendar", "docx", "lxml", "pluggy"}, loaded


def test_the_law_estimator_loads_only_when_a_year_needs_it() -> None:
    code = ("import sys, datetime, liaison; liaison.plan_year(liaison.seed_district(), 2026); "
            "print('holidays' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_the_holidays_package_agrees_with_the_2027_plan(seed: District) -> None:
    off = set(holidays.China(years=2027))
    plan = plan_year(seed, 2027, calendar=PROVISIONAL)
    assert not {e.date for e in plan.engagements} & off


def test_the_worked_example_in_the_docs_is_the_published_2026_arrangement() -> None:
    import re

    text = (ROOT / "docs" / "holidays.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text, flags=re.S)
    assert block is not None
    calendar = with_notices(WeekdayCalendar(), [parse_holiday_notice(block.group(1), file="docs/holidays.md")])
    official = ChineseCalendar()
    differ = [d for d in days(D(2026, 1, 1), D(2026, 12, 31))
              if calendar.is_working_day(d) != official.is_working_day(d)]
    assert differ == []


# ------------------------------------------------------------- a notice holds every day the law fixes
def test_a_notice_that_leaves_out_a_statutory_day_is_refused_naming_the_date() -> None:
    without = [d for d in NOTICE_2027["days"] if d["date"] != "2027-06-09"]  # 端午节 left out
    with pytest.raises(DataError) as caught:
        notice(days=without)
    assert caught.value.file == "2027.json" and caught.value.path == "$.days"
    assert "2027-06-09" in caught.value.render("en") and "Dragon Boat Festival" in caught.value.render("en")
    zh = caught.value.render("zh")
    assert "2027-06-09" in zh and "端午节" in zh and "day off" not in zh


def test_a_notice_that_makes_a_statutory_day_a_working_day_is_refused() -> None:
    worked = [{**d, "isOffDay": False} if d["date"] == "2027-05-01" else d for d in NOTICE_2027["days"]]  # a Saturday
    with pytest.raises(DataError) as caught:
        notice(days=worked)
    index = next(i for i, d in enumerate(worked) if d["date"] == "2027-05-01")
    assert caught.value.path == f"$.days[{index}].isOffDay" and "2027-05-01" in str(caught.value)


def test_every_published_arrangement_2004_to_2026_passes_as_a_notice() -> None:
    """The check asks no more than the State Council's notices give: each year of chinesecalendar's
    official data, written as a notice, is accepted."""
    import chinese_calendar

    for year in range(2004, 2027):
        off = {d for d in days(D(year, 1, 1), D(year, 12, 31)) if all(chinese_calendar.get_holiday_detail(d))}
        while True:  # a break's weekend days, which the data leaves unnamed (2012-06-23) and a notice lists
            more = {d + dt.timedelta(days=k) for d in off for k in (-1, 1)}
            more = {d for d in more if d.year == year and d.weekday() >= 5 and not chinese_calendar.is_workday(d)}
            if more <= off:
                break
            off |= more
        listed = [{"name": "假期", "date": d.isoformat(), "isOffDay": True} for d in sorted(off)]
        listed += [{"name": "调休", "date": d.isoformat(), "isOffDay": False} for d in sorted(chinese_calendar.workdays)
                   if d.year == year and d.weekday() >= 5]
        assert parse_holiday_notice(json.dumps({"year": year, "days": listed}), file=f"{year}.json").year == year


def test_two_notices_for_the_same_year_are_refused(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from liaison_cli.main import cli

    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps(NOTICE_2027), encoding="utf-8")
    second.write_text(json.dumps({**NOTICE_2027, "papers": ["https://example.gov.cn/again"]}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["plan", "--year", "2027", "--holidays", str(first), "--holidays", str(second),
                                      "--lang", "en"])
    assert result.exit_code != 0
    assert f"{second}: $.year: a second notice for 2027 (also {first})" in result.output
    with pytest.raises(DataError, match="second notice for 2027"):
        with_notices(PROVISIONAL, [notice(), notice()])
