"""§2 — the adjusted pairing arrangement, as of a date."""

from __future__ import annotations

import datetime as dt

from builders import NEW_YEAR_2027, amended

from liaison.formats.district import parse_district
from liaison.law.compliance import FindingStatus, check
from liaison.law.district import District
from liaison.law.model import OrgKind
from liaison.law.records import Records
from liaison.year.planner import plan_year

ADJUSTED_ON = dt.date(2022, 5, 22)


def test_thirty_three_pairings_are_in_force_on_new_year_2027(seed: District) -> None:
    pairings = seed.pairings_as_of(NEW_YEAR_2027)
    assert len(pairings) == 33
    assert sum(p.clause == "§2.2" for p in pairings) == 17
    assert sum(p.clause == "§2.1" for p in pairings) == 16


def test_the_regulation_names_fourteen_departments_seven_branches_and_the_icf(seed: District) -> None:
    assert len(seed.departments()) == 14
    assert len(seed.of_kind(OrgKind.PARTY_BRANCH)) == 7
    assert [o.name for o in seed.of_kind(OrgKind.ICF)] == ["区工商联"]


def test_every_party_branch_and_the_icf_has_at_least_one_listed_pairing(seed: District) -> None:
    listed = {p.counterpart for p in seed.pairings_as_of(NEW_YEAR_2027) if p.clause == "§2.2"}
    assert listed == {o.id for o in seed.counterparts()}


def test_the_development_and_finance_bureaus_are_common_liaison_units_of_all_eight(seed: District) -> None:
    units = seed.common_liaison_units(NEW_YEAR_2027)
    assert [o.name for o in units] == ["区发改局", "区财政局"]
    for unit in units:
        assert set(seed.counterparts_of(unit, NEW_YEAR_2027).others) == set(seed.counterparts())


def test_the_health_bureau_is_paired_with_the_cpwdp_and_jiusan(seed: District) -> None:
    answer = seed.counterparts_of("区卫生局", NEW_YEAR_2027)
    assert [o.name for o in answer.others] == ["农工党总支部", "九三学社综合支社"]
    assert answer.provisions == ("§2.2",)


def test_a_branch_knows_its_departments(seed: District) -> None:
    answer = seed.departments_of("民革支部", NEW_YEAR_2027)
    assert {o.name for o in answer.others} == {"区发改局", "区财政局", "区台办", "区民政局"}


def test_the_adjusted_arrangement_takes_effect_on_the_only_date_in_the_source(seed: District) -> None:
    assert seed.pairings_as_of(ADJUSTED_ON - dt.timedelta(days=1)) == ()
    assert len(seed.pairings_as_of(ADJUSTED_ON)) == 33
    assert "2022-05-22" in seed.info.note
    # the date is the district's reading of the source, and every pairing says so
    assert all("valid_from" in p.local and "2022-05-22" in (p.local.note("valid_from") or "") for p in seed.pairings)


def test_a_pairing_dated_out_of_force_is_absent_from_an_as_of_query() -> None:
    district = amended()
    before = district.counterparts_of("区环保分局", dt.date(2027, 6, 30))
    after = district.counterparts_of("区环保分局", dt.date(2027, 7, 1))
    assert [o.name for o in before.others] == ["致公党支部"]
    assert [o.name for o in after.others] == ["民盟支部"]
    assert len(district.pairings_as_of(dt.date(2027, 7, 1))) == 33


def test_no_day_has_two_versions_of_one_pairing_in_force() -> None:
    """Temporal coverage (after Catala): walk the years day by day and fail on an overlap."""
    district = amended()
    day = dt.date(2022, 1, 1)
    while day < dt.date(2029, 1, 1):
        keys = [p.key for p in district.pairings_as_of(day)]
        assert len(keys) == len(set(keys)), day
        day += dt.timedelta(days=7)


HEALTH_CPWDP = 'department = "health"\ncounterpart = "cpwdp"\nclause = "§2.2"\nvalid_from = 2022-05-22\n'


def test_a_pairing_amended_within_a_year_is_still_one_pairing(seed_text: str) -> None:
    amended = seed_text.replace(HEALTH_CPWDP, HEALTH_CPWDP + 'valid_until = 2026-07-01\n\n[[pairings]]\n'
                                + HEALTH_CPWDP.replace("2022-05-22", "2026-07-01") + 'note = "改为第二版"\n')
    district = parse_district(amended)
    plan = plan_year(district, 2026)
    ids = [e.id for e in plan.engagements]
    assert len(ids) == len(set(ids))
    assert sum(e.id.startswith("2026/visit/health/cpwdp/") for e in plan.engagements) == 1
    records = Records.from_plan(plan)
    findings = [f for f in check(district, records, 2026).findings
                if f.provision == "§3.6" and f.subject == ("health", "cpwdp")]
    assert [(f.status, f.period) for f in findings] == [
        (FindingStatus.MET, (dt.date(2026, 1, 1), dt.date(2026, 12, 31)))]
