"""A to-do item's identity and the list across the new year (liaison.year.due): every item keyed by
its year, kind and what it is about — an OA system's to-do item closes when exactly that item leaves
the list — and late in a year the next year's dates to agree and letters due within the horizon."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from liaison.base.errors import DataError
from liaison.law.compliance import check
from liaison.law.district import District
from liaison.law.records import Records
from liaison.year.due import NEXT_YEAR_HORIZON_DAYS, DueKind, NextYear, due_list, due_lists
from liaison.year.engagements import Plan
from liaison.year.planner import plan_year
from liaison_cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def plans(seed: District) -> tuple[Plan, Plan]:
    return plan_year(seed, 2027), plan_year(seed, 2028)


def _none(seed: District) -> Records:
    return Records(district_id=seed.info.id)


def test_every_item_has_a_key_of_its_own_in_each_bodys_lists_of_both_years(seed: District,
                                                                            plans: tuple[Plan, Plan]) -> None:
    this, following = plans
    for day, plan, ahead in ((dt.date(2027, 3, 1), this, None), (dt.date(2027, 12, 31), this, following),
                             (dt.date(2028, 12, 31), following, None)):
        for body, listed in due_lists(seed, plan, _none(seed), as_of=day,
                                      ahead=NextYear(plan=ahead) if ahead else None).items():
            keys = [i.key for i in listed.items]
            assert len(set(keys)) == len(keys), (body, day, keys)
            assert all(i.key.startswith(f"{i.year}/{i.kind.value}/") for i in listed.items)
    # a body owing two provisions' obligations at once (§3.1's designation, §3.3's meetings) has two items
    owed = [i for i in due_list(seed, this, _none(seed), body="health", as_of=dt.date(2027, 12, 31)).items
            if i.kind == DueKind.OBLIGATION]
    assert len({i.provision for i in owed}) >= 2 and len({i.ref for i in owed}) < len(owed)
    assert len({i.key for i in owed}) == len(owed)


def test_an_items_key_stays_while_it_is_listed_and_names_its_year(seed: District, plans: tuple[Plan, Plan]) -> None:
    this, _ = plans
    body = "health"
    early = {i.key: i for i in due_list(seed, this, _none(seed), body=body, as_of=dt.date(2027, 1, 4)).items}
    later = {i.key: i for i in due_list(seed, this, _none(seed), body=body, as_of=dt.date(2027, 1, 11)).items}
    kept = set(early) & set(later)
    assert kept and any(early[k].days_left != later[k].days_left for k in kept)
    assert {i.year for i in early.values()} == {2027}


def test_late_in_a_year_the_next_years_items_due_within_the_horizon_are_listed(seed: District,
                                                                               plans: tuple[Plan, Plan]) -> None:
    this, following = plans
    day = dt.date(2027, 12, 20)
    until = day + dt.timedelta(days=NEXT_YEAR_HORIZON_DAYS)
    ahead = NextYear(plan=following)
    looked = due_lists(seed, this, _none(seed), as_of=day, ahead=ahead)
    blind = due_lists(seed, this, _none(seed), as_of=day)
    coming = [i for listed in looked.values() for i in listed.items if i.year == 2028]
    assert coming and all(i.due <= until and i.kind == DueKind.DATE_TO_AGREE for i in coming)
    assert not [i for listed in blind.values() for i in listed.items if i.year == 2028]
    # every proposed engagement of 2028 within the horizon, not one after it
    within = {e.id for e in following.engagements if e.date <= until and e.status.value == "proposed"}
    assert {i.ref for i in coming} == within and any(e.date > until for e in following.engagements)
    # each is the same item (the same key) as the list of 2028 shows it on its first day
    first = due_lists(seed, following, _none(seed), as_of=dt.date(2028, 1, 1))
    for i in coming:
        assert i.key in {j.key for j in first[i.body].items}
    # in the middle of the year the next one is too far off to list
    june = due_lists(seed, this, _none(seed), as_of=dt.date(2027, 6, 30), ahead=ahead)
    assert not [i for listed in june.values() for i in listed.items if i.year == 2028]


@pytest.mark.parametrize("day", [dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2028, 1, 1)])
def test_a_check_as_of_a_day_outside_its_year_is_refused(seed: District, day: dt.date) -> None:
    with pytest.raises(DataError) as caught:
        check(seed, _none(seed), 2027, day)
    assert caught.value.location.file == "as_of" and caught.value.message_zh and caught.value.fix_zh
    assert check(seed, _none(seed), 2027, dt.date(2027, 1, 1)).as_of == dt.date(2027, 1, 1)
    result = CliRunner().invoke(cli, ["check", "--year", "2027", "--records", str(EXAMPLES / "records-2026.toml"),
                                      "--as-of", day.isoformat(), "--lang", "en"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"as_of: the day {day.isoformat()} is not in the year 2027 checked (fix: " in result.output


def test_the_command_looks_ahead_to_the_next_year_its_folder_holds(tmp_path: Path) -> None:
    runner = CliRunner()
    out = str(tmp_path / "out")
    for year in ("2026", "2027"):
        made = runner.invoke(cli, ["plan", "--year", year, "--out", out])
        assert made.exit_code == 0, made.output
    args = ["due", "--body", "dev-reform", "--as-of", "2026-12-20", "--format", "json"]
    ahead = json.loads(runner.invoke(cli, [*args, "--out", out]).output)["items"]
    coming = [i for i in ahead if i["year"] == 2027]
    assert coming and all(i["due"] <= "2027-02-18" and i["kind"] == "date_to_agree" for i in coming)
    assert all(i["key"] == f"{i['year']}/{i['kind']}/{i['ref']}" for i in coming)
    # without the folder (the planner's year alone) nothing of the next year
    assert not [i for i in json.loads(runner.invoke(cli, args).output)["items"] if i["year"] == 2027]
