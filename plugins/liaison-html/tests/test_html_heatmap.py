"""The compliance heat map: one cell per body × obligation, states from the core's severities (a "may"
is never a breach), local settings marked and explained, cells opening their findings."""

from __future__ import annotations

import datetime as dt

from html_samples import heat_cells, parse

from liaison.law.compliance import check
from liaison.law.district import District
from liaison.law.findings import Finding, FindingStatus, Report, Severity
from liaison.law.model import GOVERNMENT_KINDS, OrgKind
from liaison.law.records import Records
from liaison.year.engagements import Plan
from liaison_html import page
from liaison_html.heatmap import CellState, cell_state, heat_map
from liaison_html.marks import Provisions

D = dt.date


def _finding(severity: Severity, status: FindingStatus = FindingStatus.SHORT, rests_on: tuple[str, ...] = (),
             provision: str = "§9", rule: str = "r") -> Finding:
    return Finding(provision=provision, rule=rule, status=status, severity=severity, responsible="body", affected=(),
                   subject=("body",), period=(D(2026, 1, 1), D(2026, 12, 31)),
                   message_zh="消息", message_en="message", rests_on=rests_on)


def test_one_cell_per_body_and_obligation_judged(seed: District, records_2026: Records, page_2026: bytes) -> None:
    report = check(seed, records_2026, 2026)
    obligations = list(dict.fromkeys((f.provision, f.rule) for f in report.findings))
    bodies = [o for o in seed.organisations if o.kind in GOVERNMENT_KINDS or o.kind == OrgKind.DEPARTMENT]
    no_body = any(f.responsible is None for f in report.findings)
    tree = parse(page_2026)
    table = tree.find_all("table", "heatmap")[0]
    rows = table.find_all("tbody")[0].find_all("tr")
    assert len(rows) == len(bodies) + no_body
    assert [r.find_all("th")[0].text("en") for r in rows[:len(bodies)]] == [o.name for o in bodies]
    assert len(table.find_all("th", "hm-col")) == len(obligations) == 22
    assert len(heat_cells(tree)) == len(rows) * len(obligations)
    assert all(len(r.find_all("td", "hm-cell")) == len(obligations) for r in rows)


def test_every_finding_is_behind_exactly_one_cell(seed: District, records_2026: Records, plan_2026: Plan) -> None:
    report = check(seed, records_2026, 2026)
    heat = heat_map(seed, report, Provisions(seed))
    shown = [f for row in heat.rows for cell in row.cells for f in cell.findings]
    assert len(shown) == len(report.findings) == 82
    assert sorted(f.message.zh for f in shown) == sorted(f.message_zh for f in report.findings)


def test_the_seed_years_cells_read_as_the_checker_judged(seed: District, records_2026: Records,
                                                         page_2026: bytes) -> None:
    """Each problem of `liaison check` is a cell in its body's row and its obligation's column, in the
    state its severity gives: a violation short, a shortfall of a local setting short and marked local."""
    report = check(seed, records_2026, 2026)
    tree = parse(page_2026)
    table = tree.find_all("table", "heatmap")[0]
    columns = [(c.find_all("span", "cite")[0].text(), c) for c in table.find_all("th", "hm-col")]
    rows = {r.find_all("th")[0].text("en"): r for r in table.find_all("tbody")[0].find_all("tr")}
    assert len(report.problems()) == 4
    for f in report.problems():
        assert f.responsible is not None
        row = rows[seed.organisation(f.responsible).name]
        at = [i for i, (cite, _) in enumerate(columns) if cite == f.provision]
        cells = [row.find_all("td", "hm-cell")[i] for i in at]
        opened = [c for c in cells if c.find_all("button")]
        cell = next(c for c in opened if f.message_zh in tree.by_id(c.find_all("button")[0].attrs["data-show"]).text())
        assert cell.has("state-short")
        assert cell.has("local") == (f.severity == Severity.LOCAL)
    met = [c for c in heat_cells(tree) if c.has("state-met")]
    assert len(met) > 30 and not [c for c in heat_cells(tree) if c.has("state-deviation")]


def test_a_may_is_never_shown_as_a_breach() -> None:
    """A shortfall the core rates info (可, 视情, 根据需要) is an info cell, whatever its status says."""
    assert cell_state([_finding(Severity.INFO)]) == (CellState.INFO, False)
    assert cell_state([_finding(Severity.INFO, FindingStatus.UNANSWERED), _finding(Severity.OK, FindingStatus.MET)]) \
        == (CellState.INFO, False)
    assert cell_state([_finding(Severity.VIOLATION), _finding(Severity.INFO)])[0] == CellState.SHORT
    assert cell_state([_finding(Severity.DEVIATION)])[0] == cell_state([_finding(Severity.EXPLAINED)])[0] \
        == CellState.DEVIATION
    assert cell_state([]) == (CellState.NONE, False)


def test_a_local_mark_only_when_the_state_rests_on_local_settings_alone() -> None:
    local = _finding(Severity.LOCAL, rests_on=("due_days",))
    violation = _finding(Severity.VIOLATION)
    assert cell_state([local]) == (CellState.SHORT, True)
    assert cell_state([local, violation]) == (CellState.SHORT, False)  # a breach of the text is not local
    met_local = _finding(Severity.OK, FindingStatus.MET, rests_on=("scope",))
    assert cell_state([met_local]) == (CellState.MET, True)
    assert cell_state([met_local, _finding(Severity.OK, FindingStatus.MET)]) == (CellState.MET, False)


def test_a_finding_resting_on_a_local_setting_quotes_the_districts_note(seed: District, records_2026: Records,
                                                                        page_2026: bytes) -> None:
    report = check(seed, records_2026, 2026)
    tree = parse(page_2026)
    local = [f for f in report.findings if f.severity == Severity.LOCAL]
    assert local
    for f in local:
        detail = next(a for a in tree.find_all("article", "detail") if f.message_zh in a.text())
        rule = next(r for r in seed.provision(f.provision).rules if r.key == f.rule)
        notes = [rule.local.note(field) for field in f.rests_on]
        assert notes and all(n and n in detail.text("en") for n in notes)
        assert "本区设定" in detail.text("en") and "the district's own setting" in detail.text("zh")
        assert f.message_en in detail.text("zh")
        assert detail.attrs["data-p"].startswith("p-")  # the provision's text comes along in the panel


def test_a_text_violation_never_says_local(seed: District, records_2026: Records, page_2026: bytes) -> None:
    report = check(seed, records_2026, 2026)
    tree = parse(page_2026)
    for f in report.with_severity(Severity.VIOLATION):
        detail = next(a for a in tree.find_all("article", "detail") if f.message_zh in a.text())
        assert "依据原文规定" in detail.text("en") and "本区设定" not in detail.text("en")


def test_the_check_is_the_one_liaison_check_makes_as_of_the_date_given(seed: District, plan_2026: Plan,
                                                                       records_2026: Records) -> None:
    mid_year = parse(page(seed, plan_2026, records=records_2026, as_of=D(2026, 6, 30)))
    report = check(seed, records_2026, 2026, D(2026, 6, 30))
    assert "截至 2026-06-30" in mid_year.by_id("compliance").text("en")
    text = mid_year.by_id("store").text()
    assert all(f.message_zh in text and f.message_en in text for f in report.findings)
    assert any(f.status == FindingStatus.OPEN for f in report.findings)


def test_no_records_no_heat_map_and_the_page_says_so(page_2027: bytes) -> None:
    tree = parse(page_2027)
    assert heat_cells(tree) == [] and "未提供记录" in tree.by_id("compliance").text("en")


def test_report_notes_and_records_not_counted_are_listed(seed: District, plan_2026: Plan) -> None:
    from liaison.law.records import HeldEngagement
    from liaison.law.rules import EngagementKind

    department = seed.departments()[0]
    counterpart = seed.counterparts_of(department, D(2026, 6, 1)).others[0]
    elsewhere = HeldEngagement(kind=EngagementKind.VISIT, date=D(2025, 5, 1), host=department.id,
                               attended=(department.id, counterpart.id),
                               id="other-year")
    report = check(seed, Records(engagements=(elsewhere,)), 2026)
    assert report.not_counted
    text = parse(page(seed, plan_2026, records=Records(engagements=(elsewhere,)))).by_id("compliance").text()
    assert all(n.reason_zh in text and n.reason_en in text for n in report.not_counted)


def test_an_empty_report_has_no_columns(seed: District) -> None:
    heat = heat_map(seed, Report(district_id=seed.info.id, year=2026, as_of=D(2026, 12, 31), findings=()),
                    Provisions(seed))
    assert heat.columns == () and all(row.cells == () for row in heat.rows)


def test_a_bodys_duties_name_its_designations_as_the_check_sees_them(seed: District, records_2026: Records,
                                                                      page_2026: bytes) -> None:
    report = check(seed, records_2026, 2026)
    missing = {f.responsible for f in report.by_status(FindingStatus.MISSING_DESIGNATION)}
    assert missing
    tree = parse(page_2026)
    bodies = [o for o in seed.organisations if o.kind in GOVERNMENT_KINDS or o.kind == OrgKind.DEPARTMENT]
    for n, org in enumerate(bodies):
        duties = tree.by_id(f"b-{n}").text("en")
        if org.kind == OrgKind.DEPARTMENT:
            assert "截至2026-12-31" in duties
            assert ("未指定" in duties) == (org.id in missing), org.id


def test_a_page_makes_each_text_once_and_its_cells_as_it_writes_them(seed: District, records_2026: Records,
                                                                     plan_2026: Plan) -> None:
    """Equal texts of a page are one object (the collector tracks each one alive while the page is
    made), and a heat-map row keeps a state and findings per column, its cells made when asked for:
    numbered in order across the rows, the same each time."""
    import attrs

    from liaison_html.heatmap import HeatRow
    from liaison_html.pages import page_view

    view = page_view(seed, plan_2026, records=records_2026)
    assert view.heat is not None
    rows = view.heat.rows
    texts = [t for body in view.bodies for line in body.duties for t in (line.label, line.text)]
    texts += [t for m in view.marks for t in (m.title, m.kind_name, m.when, m.time, m.host, m.participants)]
    texts += [t for row in rows for cell in row.cells for f in cell.findings
              for t in (f.status, f.severity, f.period, f.message, f.basis)]
    first: dict[object, object] = {}
    for text in texts:
        first.setdefault(text, text)
    assert all(first[text] is text for text in texts) and len(first) < len(texts)
    assert "cells" not in attrs.fields_dict(HeatRow)
    assert [c.index for row in rows for c in row.cells] == list(range(sum(len(row.columns) for row in rows)))
    assert all(row.cells == row.cells and row.cells is not row.cells for row in rows if row.columns)
    assert all(row.opened == tuple(c for c in row.cells if c.findings) for row in rows)
    assert any(row.opened for row in rows)
