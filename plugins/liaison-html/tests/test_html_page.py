"""The page of a year: one mark per engagement where the plan puts it, shapes by status, the days
shaded as the calendar says, a timeline row per body, the provisions' verbatim text, the options."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import Counter

import pytest
from html_samples import marks, parse, quoted

from liaison.base.errors import OptionError
from liaison.host import plugins
from liaison.law.district import District
from liaison.law.model import GOVERNMENT_KINDS, OrgKind
from liaison.law.workdays import HolidayKind, WeekdayCalendar, WorkingDayCalendar
from liaison.year.engagements import Plan, Status
from liaison_html import page
from liaison_html.days import DayKind, classify
from liaison_html.plugin import MEDIA_TYPE, OPTIONS, PAGE


def test_the_exporter_is_registered_with_its_options() -> None:
    exporter = plugins.exporters()["html"]
    assert exporter.plugin == "html"
    assert [o.name for o in exporter.options] == [o.name for o in OPTIONS] == ["lang", "title", "as_of"]


def test_one_page_per_year_named_index_html(seed: District, plan_2027: Plan, page_2027: bytes) -> None:
    made = plugins.exporter("html").run(seed, plan_2027)
    assert [(a.path, a.media_type, a.policy) for a in made] == [(PAGE, MEDIA_TYPE, "replace")]
    assert made[0].data == page_2027


def test_every_engagement_is_one_mark_in_its_month(plan_2027: Plan, page_2027: bytes) -> None:
    tree = parse(page_2027)
    found = marks(tree)
    assert len(found) == len(plan_2027.engagements) == 48
    assert sorted(m.attrs["data-show"] for m in found) == sorted(f"d-{i}" for i in range(48))
    per_month = Counter(e.date.month for e in plan_2027.engagements)
    for month, table in enumerate(tree.by_id("year").find_all("table", "month"), start=1):
        assert len(table.find_all("button", "mark")) == per_month[month], month


def test_each_mark_sits_on_its_day_and_opens_its_engagement(plan_2027: Plan, page_2027: bytes) -> None:
    tree = parse(page_2027)
    tables = tree.by_id("year").find_all("table", "month")
    for mark in marks(tree):
        index = int(mark.attrs["data-show"].removeprefix("d-"))
        e = plan_2027.engagements[index]
        cell = next(a for a in mark.ancestors() if a.tag == "td")
        table = next(a for a in mark.ancestors() if a.tag == "table")
        assert cell.find_all("span", "dn")[0].text() == str(e.date.day) and tables.index(table) + 1 == e.date.month
        detail = tree.by_id(f"d-{index}")
        assert e.title_zh in detail.text() and e.title_en in detail.text() and e.id in detail.text()
        assert f"{e.start:%H:%M}–{e.end:%H:%M}" in detail.text()


def test_marks_are_coloured_by_kind_and_shaped_by_status(seed: District, plan_2027: Plan) -> None:
    ids = [e.id for e in plan_2027.engagements]
    changed = plan_2027.confirm(ids[0]).mark_held(ids[1]).cancel(ids[2])
    tree = parse(page(seed, changed))
    shapes = {}
    for mark in marks(tree):
        e = changed.engagements[int(mark.attrs["data-show"][2:])]
        used = [u.attrs["href"] for u in mark.find_all("use")]
        shapes[e.status] = used[0]
        # the dashed ring only while nobody has agreed the date (an agreed one is not 暂定, nor one called off)
        assert ("#g-provisional" in used) == (e.provisional and e.status == Status.PROPOSED)
        assert mark.has(f"status-{e.status.value}")
    assert shapes == {Status.AGREED: "#g-agreed", Status.HELD: "#g-held", Status.CANCELLED: "#g-cancelled",
                      Status.PROPOSED: "#g-proposed"}
    kinds = {m.classes[1] for m in marks(tree)}
    assert len(kinds) == len({e.kind for e in changed.engagements}) == 3
    cancelled = [r for r in tree.by_id("list").find_all("tr") if r.has("status-cancelled")]
    assert len(cancelled) == 1 and changed.get(ids[2]).title_zh in cancelled[0].text()


def test_the_legend_explains_every_status_and_each_kind_present(page_2027: bytes) -> None:
    legend = parse(page_2027).find_all("section", "legend")[0].text("en")
    for word in ("拟定", "已商定", "已召开", "已取消", "暂定", "走访", "联席会议", "联系工作会议", "调休上班", "周末"):
        assert word in legend
    assert "检查工作" not in legend  # no inspection in the plan: no key for it


def test_the_days_are_shaded_as_the_calendar_says(page_2026: bytes, page_2027: bytes,
                                                  unpublished: WorkingDayCalendar) -> None:
    from liaison.law.workdays import default_calendar

    for year, data, calendar in ((2026, page_2026, default_calendar()), (2027, page_2027, unpublished)):
        cells = parse(data).by_id("year").find_all("td")
        shaded = Counter(next(c for c in cell.classes if c in set(DayKind)) for cell in cells if not cell.has("pad"))
        expected: Counter[str] = Counter()
        day = dt.date(year, 1, 1)
        while day.year == year:
            expected[classify(day, calendar)[0].value] += 1
            day += dt.timedelta(days=1)
        assert shaded == expected and sum(shaded.values()) == 365
    # the published 2026 has 调休 make-up days and no customary breaks; the unpublished 2027 the reverse
    assert 'class="day makeup"' in page_2026.decode() and 'class="day customary"' not in page_2026.decode()
    assert 'class="day customary"' in page_2027.decode() and 'class="day makeup"' not in page_2027.decode()


def test_the_shading_comes_from_the_calendar_given(seed: District, plan_2027: Plan) -> None:
    """No holiday is known to the page: with a Monday-to-Friday calendar nothing is off but weekends."""
    data = page(seed, plan_2027, calendar=WeekdayCalendar()).decode()
    assert 'class="day holiday"' not in data and 'class="day customary"' not in data
    assert data.count('class="day weekend"') == 104


def test_a_day_off_says_which_holiday_from_the_calendar() -> None:
    from liaison.law.workdays import default_calendar

    kind, label = classify(dt.date(2026, 10, 1), default_calendar())
    assert kind == DayKind.HOLIDAY and label is not None
    holiday = default_calendar().holiday(dt.date(2026, 10, 1))
    assert holiday is not None and holiday.kind == HolidayKind.ARRANGED
    assert (label.zh, label.en) == (holiday.label("zh"), holiday.label("en"))


def test_the_provisional_year_says_so(page_2027: bytes, page_2026: bytes) -> None:
    from liaison.law.workdays import provisional_note

    notes = parse(page_2027).find_all("section", "notes")[0]
    assert provisional_note(2027, breaks_avoided=True) in notes.text()
    assert provisional_note(2027, breaks_avoided=True, lang="en") in notes.text()
    assert not parse(page_2026).find_all("section", "notes")


def test_a_timeline_row_per_government_body_and_department(seed: District, plan_2027: Plan,
                                                           page_2027: bytes) -> None:
    tree = parse(page_2027)
    rows = tree.by_id("timeline").find_all("g", "tl-label")
    bodies = [o for o in seed.organisations if o.kind in GOVERNMENT_KINDS or o.kind == OrgKind.DEPARTMENT]
    assert [r.text("en") for r in rows] == [o.name for o in bodies]
    assert [r.text("zh") for r in rows] == [o.name_en for o in bodies]
    placed = Counter(g.attrs["data-show"] for g in tree.by_id("timeline").find_all("g", "tl-mark"))
    for i, e in enumerate(plan_2027.engagements):
        assert placed[f"d-{i}"] == sum(o.id in e.participants for o in bodies) >= 1


def test_a_body_row_opens_what_it_owes_this_year(seed: District, page_2027: bytes) -> None:
    from liaison.law.duties import duties_of

    tree = parse(page_2027)
    bodies = [o for o in seed.organisations if o.kind in GOVERNMENT_KINDS or o.kind == OrgKind.DEPARTMENT]
    for n, org in enumerate(bodies):
        detail = tree.by_id(f"b-{n}").text("en")
        duties = duties_of(seed, org, 2027)
        for obligation in duties.obligations:
            assert obligation.provision.cite_zh() in detail
        for counterpart in duties.counterparts:
            assert seed.organisation(counterpart).name in detail


def test_every_cited_provision_is_quoted_verbatim_from_the_data(seed: District, plan_2027: Plan,
                                                                page_2027: bytes) -> None:
    tree = parse(page_2027)
    cited = list(dict.fromkeys(p for e in plan_2027.engagements for p in e.provisions))
    articles = tree.by_id("provisions").find_all("article", "provision")
    assert len(articles) == len(cited)
    for article in articles:
        provision = next(p for p in seed.provisions if p.cite_zh() in article.text())
        assert provision.id in cited
        assert quoted(provision.text_zh, article.text()) and quoted(provision.text_en, article.text())
    for mark in marks(tree):
        detail = tree.by_id(mark.attrs["data-show"])
        for key in detail.attrs["data-p"].split():
            tree.by_id(key)  # the panel copies the provision from here


def test_a_provision_without_english_text_says_the_chinese_is_the_original(seed: District,
                                                                            plan_2027: Plan) -> None:
    import attrs

    cited = plan_2027.engagements[0].provisions[0]
    bare = attrs.evolve(seed, provisions=tuple(attrs.evolve(p, text_en="") if p.id == cited else p
                                               for p in seed.provisions))
    article = next(a for a in parse(page(bare, plan_2027)).find_all("article", "provision")
                   if seed.provision(cited).cite_en() in a.text())
    assert "has no English text" in article.text("zh") and quoted(seed.provision(cited).text_zh, article.text("zh"))


def test_options_title_lang_and_unknown(seed: District, plan_2027: Plan) -> None:
    exporter = plugins.exporter("html")
    [titled] = exporter.run(seed, plan_2027, {"title": "某区 <年历>", "lang": "en"})
    text = titled.data.decode()
    assert "<title>某区 &lt;年历&gt;</title>" in text and '<html lang="en" data-lang="en">' in text
    assert '<html lang="zh-CN" data-lang="zh">' in exporter.run(seed, plan_2027)[0].data.decode()
    with pytest.raises(OptionError, match="no option 'colour'"):
        exporter.run(seed, plan_2027, {"colour": "red"})
    with pytest.raises(OptionError, match="'fr' is not one of zh, en"):
        exporter.run(seed, plan_2027, {"lang": "fr"})


def test_an_empty_plan_is_a_page_too(seed: District) -> None:
    empty = Plan(district_id=seed.info.id, year=2030, engagements=())
    tree = parse(page(seed, empty))
    assert marks(tree) == [] and "合计 0 项" in tree.text("en") and "0 engagements" in tree.text("zh")


def test_loading_the_plugin_imports_no_jinja2() -> None:
    code = "import sys, liaison_html.plugin; print('jinja2' in sys.modules, 'liaison_html.pages' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_the_translations_markdown_is_laid_out_not_shown() -> None:
    from liaison_html.verbatim import Piece, paragraphs

    text = "(2) Other **pairings**:\nwrapped line\n\n| A | B |\n|---|---|\n| x | y |\n\nodd ** mark"
    assert paragraphs(text, markdown=True) == (
        ((Piece("(2) Other "), Piece("pairings", strong=True), Piece(": wrapped line")),),
        ((Piece("| A | B |"),), (Piece("|---|---|"),), (Piece("| x | y |"),)),
        ((Piece("odd ** mark"),),))
    chinese = "(二)其他：\n    - 甲与乙\n    - 丙与丁"
    assert [[p.text for line in para for p in line] for para in paragraphs(chinese, markdown=False)] == [
        ["(二)其他：", "    - 甲与乙", "    - 丙与丁"]]


def test_the_list_follows_the_records(seed: District, plan_2027: Plan) -> None:
    """#24: what the records say took place is held (已召开) in the 活动一览 (as the heat map counts it), by
    its id or, for a ledger row without one, by its kind, day and host; an agreed date is 已商定,
    not 暂定; what nothing records stays as planned."""
    from liaison.law.records import HeldEngagement, Records

    first, second, agreed, planned = plan_2027.engagements[:4]
    assert all(e.provisional and e.status == Status.PROPOSED for e in (first, second, agreed, planned))
    records = Records(district_id=seed.info.id, engagements=(
        HeldEngagement(kind=first.kind, date=first.date, host=first.host, attended=first.participants, id=first.id),
        HeldEngagement(kind=second.kind, date=second.date, host=second.host, attended=second.participants)))
    tree = parse(page(seed, plan_2027.confirm(agreed.id), records=records))
    rows = {row.attrs["data-show"]: row for row in tree.find_all("tr") if row.attrs.get("data-show")}

    def shown(e_index: int) -> tuple[str, str]:
        row = rows[f"d-{e_index}"]
        return row.classes[0], row.find_all("td")[-1].text()

    for i in (0, 1):
        status, said = shown(i)
        assert status == "status-held" and "已召开" in said and "暂定" not in said and "拟定" not in said
    status, said = shown(2)
    assert status == "status-agreed" and "已商定" in said and "暂定" not in said
    status, said = shown(3)
    assert status == "status-proposed" and "拟定" in said and "暂定" in said
    # without records the page shows the plan's statuses
    plain = parse(page(seed, plan_2027))
    assert [r.classes[0] for r in plain.find_all("tr") if r.attrs.get("data-show") == "d-0"] == ["status-proposed"]
