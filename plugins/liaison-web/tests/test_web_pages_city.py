"""The city's pages (liaison_web.pages.city) through Django's test client, on the ``city`` fixture's
three districts: the city auditor's table lists every district with the counts the API's
``/api/v1/city`` gives (one function makes both), each district's heat map row counts its findings
obligation by obligation, the drill-down lists the library's shortfalls; no other role reads them
(the 403 page); a change is seen by the next view (the kept standings are keyed on what names the
year); every district is read in one query, however many there are."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from typing import Any

import pytest
from web_db import ROLES, YEAR

DAY = dt.date(YEAR, 11, 30)
COUNTED = ("met", "short", "explained", "unanswered", "open", "letters_issued")


def browser(tokens: dict[str, str]) -> Any:
    """A logged-in browser of the user whose token ``tokens`` holds (the pages take a session)."""
    from django.test import Client

    from liaison_web.tokens import caller_of

    found = caller_of(tokens["HTTP_AUTHORIZATION"].removeprefix("Bearer "))
    assert found is not None
    made = Client()
    made.force_login(found.user)
    return made


def rows(page: str) -> dict[str, list[str]]:
    """The city table's rows: district id → the numbers of its cells, in order."""
    found = {}
    for code, row in re.findall(r'<tr data-district="([^"]+)">(.*?)</tr>', page, re.S):
        found[code] = re.findall(r'<td class="n[^"]*">(\d+)</td>', row)
    return found


def api(city: dict[str, Any], query: str) -> dict[str, Any]:
    from django.test import Client

    answer = Client().get(f"/api/v1/city?{query}", **city["city_auditor"])
    assert answer.status_code == 200
    return {row["district"]: row for row in answer.json()["districts"]}


def test_the_city_auditor_sees_every_district_with_the_apis_counts(city: dict[str, Any]) -> None:
    page = browser(city["city_auditor"]).get(f"/city/?year={YEAR}&on={DAY.isoformat()}")
    assert page.status_code == 200
    text = page.content.decode()
    shown = rows(text)
    expected = api(city, f"year={YEAR}&as_of={DAY.isoformat()}")
    assert set(shown) == set(expected) == city["districts"] >= {"seed", "other", "third"}
    for code in ("seed", "other"):
        assert shown[code] == [str(expected[code][k]) for k in COUNTED], code
    assert shown["third"] == [] and "尚无2027年计划" in text
    assert shown["other"] != shown["seed"]  # "other" held its first half's meetings


def test_each_districts_heat_map_row_counts_its_findings_by_obligation(city: dict[str, Any]) -> None:
    """The cells, one per obligation the checker judged, from the library's own findings: how
    many fell due and were met decides the step; the cells' counts add up to the district's."""
    from liaison.law.findings import SHORTFALLS, FindingStatus, Severity
    from liaison_web.city import district_standing

    standing, report = district_standing("other", YEAR, DAY)
    assert report is not None
    by_rule = Counter((f.provision, f.rule) for f in report.findings)
    assert [(o.provision, o.rule) for o in standing.obligations] == list(by_rule)
    for o in standing.obligations:
        mine = [f for f in report.findings if (f.provision, f.rule) == (o.provision, o.rule)]
        assert o.findings == len(mine)
        assert o.met == sum(f.status == FindingStatus.MET for f in mine)
        assert o.short == sum(f.status in SHORTFALLS and f.severity != Severity.EXPLAINED for f in mine)
    for key in COUNTED[:-1]:
        assert getattr(standing, key) == sum(getattr(o, key) for o in standing.obligations)
    page = browser(city["city_auditor"]).get(f"/city/?year={YEAR}&on={DAY.isoformat()}").content.decode()
    row = re.search(r'<tr data-district="other">(.*?)</tr>', page, re.S)
    assert row is not None
    steps = re.findall(r'<li class="(h[0-4]|none)"', row.group(1))
    assert len(steps) == len(standing.obligations)
    for o, step in zip(standing.obligations, steps, strict=True):
        due = o.met + o.short + o.explained
        share = o.met / due if due else None
        assert step == ("none" if share is None else "h4" if share == 1 else "h3" if share >= 0.75
                        else "h2" if share >= 0.5 else "h1" if share >= 0.25 else "h0"), o
    assert "h4" in steps and "h0" in steps  # the meetings held are met, the designations are not


def test_the_drill_down_lists_the_districts_shortfalls(city: dict[str, Any]) -> None:
    from liaison.law.findings import SHORTFALLS
    from liaison_web.city import district_standing

    _, report = district_standing("seed", YEAR, DAY)
    assert report is not None
    page = browser(city["city_auditor"]).get(f"/city/seed/{YEAR}/?on={DAY.isoformat()}")
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    listed = re.findall(r'<li class="finding" data-status="([a-z_]+)">', text)
    assert Counter(listed) == Counter(f.status.value for f in report.findings if f.status in SHORTFALLS)
    assert listed  # the seed has shortfalls to show (its designations)
    assert all(f.message_zh in text for f in report.findings if f.status in SHORTFALLS)
    assert f'href="/year/seed/{YEAR}/"' in text
    assert text.count('method="post"') == 1  # read-only: the only form sent is the logout
    english = browser(city["city_auditor"])
    english.cookies["liaison_lang"] = "en"
    assert "Obligations" in english.get(f"/city/seed/{YEAR}/").content.decode()
    assert browser(city["city_auditor"]).get(f"/city/nowhere/{YEAR}/").status_code == 404


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_city_pages_name_each_obligation_in_their_language_not_by_its_rule_id(city: dict[str, Any],
                                                                                  lang: str) -> None:
    from liaison.law.rules import rule_label
    from liaison_web import bootstrap
    from liaison_web.city import district_standing

    standing, _ = district_standing("seed", YEAR, DAY)
    found = bootstrap.district_version("seed")
    assert found is not None and standing.obligations
    reader = browser(city["city_auditor"])
    if lang == "en":
        reader.cookies["liaison_lang"] = "en"
    for path in (f"/city/?year={YEAR}&on={DAY.isoformat()}", f"/city/seed/{YEAR}/?on={DAY.isoformat()}"):
        page = html.unescape(reader.get(path).content.decode())
        shown = re.sub(r'\s(?:data-[a-z-]+|href|id|class)="[^"]*"', "", page)  # what a reader sees (titles too)
        for o in standing.obligations:
            provision = found[0].provision(o.provision)
            rule = next(r for r in provision.rules if r.key == o.rule)
            named = rule_label(rule)[0 if lang == "zh" else 1]
            if lang == "zh" or "-" in o.rule:  # an English name may hold a one-word id ("briefings")
                assert o.rule not in shown, (path, o.rule)
            cited = provision.cite_zh() if lang == "zh" else provision.cite_en()
            assert f"{cited} {named}" in shown, (path, cited, named)
        if "/seed/" in path:  # the rule id stays where a program reads it
            assert {f'data-rule="{o.rule}"' for o in standing.obligations} <= set(
                re.findall(r'data-rule="[^"]*"', page))
            cells = re.findall(r"<tr data-rule=[^>]*>\s*<th[^>]*><a[^>]*>([^<]*)</a></th><td>([^<]*)</td>", page)
            assert len(cells) == len(standing.obligations)
            assert lang == "en" or all(not re.search(r"[a-z]", rule) for _, rule in cells)  # the 规则 column


@pytest.mark.parametrize("role", [r for r in ROLES if r != "city_auditor"])
def test_no_other_role_reads_the_city(city: dict[str, Any], role: str) -> None:
    for path in ("/city/", f"/city/seed/{YEAR}/"):
        page = browser(city[role]).get(path)
        assert page.status_code == 403, (role, path)
        assert 'data-kind="Forbidden"' in page.content.decode()


def test_a_city_auditor_starts_at_the_city_and_a_bad_day_is_refused(city: dict[str, Any]) -> None:
    auditor = browser(city["city_auditor"])
    assert auditor.get("/").headers["Location"] == "/city/"
    assert auditor.get(f"/city/?year={YEAR}&on={YEAR + 1}-01-02").status_code == 422
    assert auditor.get("/city/?year=abc").status_code == 422


def test_a_change_is_seen_by_the_next_view(city: dict[str, Any]) -> None:
    """The standings are kept by the year's revision and its records' state: marking a meeting held
    (a new revision) changes the next page."""
    from liaison.year.reconcile import Change
    from liaison_web.bootstrap import district
    from liaison_web.store import DatabaseStore
    from liaison_workspace import Workspace

    auditor = browser(city["city_auditor"])
    query = f"/city/?year={YEAR}&on={DAY.isoformat()}"
    before = rows(auditor.get(query).content.decode())["seed"]
    found = district("seed")
    assert found is not None
    stored = DatabaseStore().load(found, YEAR)
    assert stored is not None
    first = next(e for e in stored.state.engagements if e.kind == "joint_meeting" and e.date < DAY)
    Workspace(store=DatabaseStore()).update(found, YEAR, [Change("held", first.id)], force=True, as_of=DAY)
    after = rows(auditor.get(query).content.decode())["seed"]
    assert int(after[0]) == int(before[0]) + 1  # one more met
    assert after == [str(api(city, f"year={YEAR}&as_of={DAY.isoformat()}")["seed"][k]) for k in COUNTED]


def test_every_district_is_read_in_one_query(city: dict[str, Any]) -> None:
    """Once each district's standing is kept, a survey of the city is one query, not two a district."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liaison_web.city import survey

    survey(YEAR, DAY)
    with CaptureQueriesContext(connection) as queries:
        made = survey(YEAR, DAY)
    assert len(made.districts) == len(city["districts"]) and len(queries) == 1


def test_the_city_is_surveyed_ahead_when_a_city_auditor_reads_it(city: dict[str, Any]) -> None:
    """What ``liaison serve`` starts as it starts: every district's standing of this year kept,
    so the first view of the city is the one query; no survey without a city auditor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liaison_web import city as standings
    from liaison_web import models

    standings._standing.cache_clear()  # type: ignore[attr-defined]
    thread = standings.warm(YEAR)
    assert thread is not None
    thread.join(timeout=120)
    with CaptureQueriesContext(connection) as queries:
        made = standings.survey(YEAR)
    assert len(made.districts) == len(city["districts"]) and len(queries) == 1
    auditors = models.Membership.objects.filter(role="city_auditor")
    kept = list(auditors.values_list("id", "user_id", "district_id", "organisation", "role"))
    auditors.delete()
    try:
        assert standings.warm(YEAR) is None
    finally:
        models.Membership.objects.bulk_create(
            models.Membership(id=i, user_id=u, district_id=d, organisation=o, role=r) for i, u, d, o, r in kept)
