"""One calendar year's register across two plan years, on the seed through an output folder (issue
#24): the 2027 plan exported through the year; the 2028 plan exported on 2027-12-20 issues the
invitations to a meeting of 3 January 2028 as 区府办函〔2027〕N…, after 2027's last; the 2027 plan's
export on 2027-12-28 continues after them. No number of the 2027 register is used twice; each letter
stays in its plan year's state and folder; both 发文登记 sheets list the December letters (the 2027
one marking them as the 2028 plan's). And two exports numbering into the same register at once — the
2027 and the 2028 plan, both issuing on a day of 2027 — take distinct numbers."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from liaison.formats.district import seed_district
from liaison.law.district import District
from liaison.law.rules import EngagementKind
from liaison.year.engagements import KnownEvent, PlanOptions
from liaison.year.numbering import LetterRecord
from liaison.year.state import YearState
from liaison_workspace import Workspace

SERIES = "区府办函"
AUTUMN = KnownEvent(id="autumn", kind=EngagementKind.SYMPOSIUM, date=dt.date(2027, 9, 14), title_zh="秋季座谈会")
NEW_YEAR = KnownEvent(id="new-year", kind=EngagementKind.SYMPOSIUM, date=dt.date(2027, 12, 30), title_zh="迎新年座谈会")
SPRING = KnownEvent(id="spring", kind=EngagementKind.SYMPOSIUM, date=dt.date(2028, 1, 3), title_zh="迎春座谈会")
FORMATS = [("docx", {}), ("xlsx", {})]


@pytest.fixture
def loaded_plugins() -> str:
    return "docx,xlsx"


def register_sheet(path: Path) -> list[tuple[object, ...]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in book["发文登记"].iter_rows(min_row=3, values_only=True) if any(r)]
    finally:
        book.close()


def numbered_in(year: int, *states: YearState) -> list[LetterRecord]:
    """The letters of the 区府办函 register of ``year`` the states hold, by serial."""
    return sorted((r for s in states for r in s.letters if (r.series, r.year) == (SERIES, year)),
                  key=lambda r: r.serial)


@pytest.fixture(scope="module")
def december(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, YearState, YearState, YearState]:
    """The output folder, the 2027 state before December, the 2028 state after 2027-12-20, the 2027
    state after 2027-12-28."""
    with pytest.MonkeyPatch.context() as patch:
        from liaison.host import plugins

        patch.setenv("LIAISON_PLUGINS", "docx,xlsx")
        plugins.reset()
        root = tmp_path_factory.mktemp("cross-year")
        seed, ws = seed_district(), Workspace(root)
        events = PlanOptions(events=(AUTUMN, NEW_YEAR))
        ws.export(seed, 2027, FORMATS, issued_on=dt.date(2026, 11, 20), options=events)
        ws.export(seed, 2027, FORMATS, issued_on=dt.date(2027, 1, 11))
        before = ws.export(seed, 2027, FORMATS, issued_on=dt.date(2027, 8, 31)).state
        spring = ws.export(seed, 2028, FORMATS, issued_on=dt.date(2027, 12, 20),
                           options=PlanOptions(events=(SPRING,))).state
        after = ws.export(seed, 2027, FORMATS, issued_on=dt.date(2027, 12, 28)).state
        plugins.reset()
    return root, before, spring, after


def test_the_next_plans_december_letters_continue_this_years_register(
        december: tuple[Path, YearState, YearState, YearState]) -> None:
    root, before, spring, after = december
    autumn = numbered_in(2027, before)
    issued = numbered_in(2027, spring)
    assert autumn and issued and {r.engagement_title for r in issued} == {"迎春座谈会"}
    assert [r.serial for r in issued] == list(range(autumn[-1].serial + 1, autumn[-1].serial + 1 + len(issued)))
    assert all(r.date == dt.date(2027, 12, 20) and r.doc_number.startswith(f"{SERIES}〔2027〕") for r in issued)
    # kept in the 2028 plan's state and folder, its 〔2027〕 number in the letter itself
    assert all((root / "2028" / r.path).is_file() and not (root / "2027" / r.path).exists() for r in issued)
    from docx import Document

    text = "\n".join(p.text for p in Document(str(root / "2028" / issued[0].path)).paragraphs)
    assert issued[0].doc_number in text and "2027年12月20日" in text
    # the 2027 plan's next export continues after them, and its own letters stay its own
    later = [r for r in numbered_in(2027, after) if r.date == dt.date(2027, 12, 28)]
    assert later and later[0].serial == issued[-1].serial + 1
    assert {r.engagement_title for r in later} == {"迎新年座谈会"}
    assert not {r.doc_number for r in spring.letters} & {r.doc_number for r in after.letters}
    everything = numbered_in(2027, spring, after)
    assert [r.serial for r in everything] == list(range(1, len(everything) + 1))  # no gap, none twice
    assert [r.date for r in everything] == sorted(r.date for r in everything)


def test_both_plans_registers_list_the_december_letters(december: tuple[Path, YearState, YearState, YearState]) -> None:
    root, _, spring, after = december
    issued = numbered_in(2027, spring)
    next_year = {row[1]: row for row in register_sheet(root / "2028" / "2028年对口联系工作安排表.xlsx")}
    this_year = {row[1]: row for row in register_sheet(root / "2027" / "2027年对口联系工作安排表.xlsx")}
    for r in issued:
        assert next_year[r.doc_number][7] == "已印发"  # the 2028 plan's own letter, under its 〔2027〕 number
        assert this_year[r.doc_number][6] == r.path
        assert this_year[r.doc_number][7] == "已印发（2028年度计划的函件，文件在2028年文件夹）"
    assert all(this_year[r.doc_number][7] == "已印发" for r in after.letters if r.active)
    assert len(this_year) == len(after.letters) + len(issued)
    listed = [str(number) for number in this_year if str(number).startswith(f"{SERIES}〔2027〕")]
    assert listed == [r.doc_number for r in numbered_in(2027, spring, after)]  # in the register's order


def test_the_year_of_issue_is_not_numbered_again_by_a_rerun(december: tuple[Path, YearState, YearState, YearState],
                                                           ) -> None:
    root, _, spring, _ = december
    again = Workspace(root).export(seed_district(), 2028, FORMATS, issued_on=dt.date(2027, 12, 28))
    assert numbered_in(2027, again.state) == numbered_in(2027, spring)


def _export_at_once(workspaces: tuple[Workspace, Workspace], seed: District) -> list[YearState]:
    """The 2027 and the 2028 plan exported at once, each issuing on 2027-12-20 (invitations to a
    meeting of 30 December and of 3 January), each in a thread of its own."""
    barrier = threading.Barrier(2)
    states: dict[int, YearState] = {}
    failed: list[BaseException] = []

    def run(ws: Workspace, year: int, event: KnownEvent) -> None:
        try:
            barrier.wait()
            states[year] = ws.export(seed, year, [("docx", {})], issued_on=dt.date(2027, 12, 20),
                                     options=PlanOptions(events=(event,))).state
        except BaseException as exc:  # handed to the test's thread
            failed.append(exc)

    threads = [threading.Thread(target=run, args=(workspaces[0], 2027, NEW_YEAR)),
               threading.Thread(target=run, args=(workspaces[1], 2028, SPRING))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        raise failed[0]
    return [states[2027], states[2028]]


@pytest.mark.parametrize("shared", [False, True], ids=["two-commands", "one-workspace"])
def test_two_exports_numbering_into_one_register_at_once_take_distinct_numbers(tmp_path: Path, shared: bool) -> None:
    seed = seed_district()
    first = Workspace(tmp_path / "out")
    states = _export_at_once((first, first if shared else Workspace(tmp_path / "out")), seed)
    taken = numbered_in(2027, *states)
    assert {r.engagement_title for r in taken} == {"迎新年座谈会", "迎春座谈会"}
    assert sorted(r.serial for r in taken) == list(range(1, len(taken) + 1))  # none twice, no gap


def test_the_command_numbers_the_next_plans_december_letters_in_this_years_register(tmp_path: Path) -> None:
    """``liaison export docx --year 2028 --issued-on 2027-12-20``, after the 2027 plan's autumn
    invitations: 〔2027〕 numbers after them, nothing refused."""
    import json

    from click.testing import CliRunner

    from liaison_cli.main import cli

    out = tmp_path / "out"
    events = tmp_path / "events.toml"
    for year, event in ((2027, AUTUMN), (2028, SPRING)):
        events.write_text(f'format = "liaison-events/1"\n\n[[events]]\nid = "{event.id}"\nkind = "symposium"\n'
                          f'date = {event.date.isoformat()}\ntitle_zh = "{event.title_zh}"\n', encoding="utf-8")
        day = "2027-08-31" if year == 2027 else "2027-12-20"
        done = CliRunner().invoke(cli, ["export", "docx", "--year", str(year), "--out", str(out), "--events",
                                        str(events), "--issued-on", day, "--option", "kinds=invitation"],
                                  env={"LIAISON_TODAY": "2027-12-20"})
        assert done.exit_code == 0, done.output
    letters = {year: json.loads(next((out / str(year)).glob("plan-*.json")).read_text(encoding="utf-8"))["letters"]
               for year in (2027, 2028)}
    autumn = sorted(r["serial"] for r in letters[2027] if r["series"] == SERIES)
    spring = sorted(r["serial"] for r in letters[2028] if r["series"] == SERIES)
    assert autumn and spring == list(range(autumn[-1] + 1, autumn[-1] + 1 + len(spring)))
    assert all(r["doc_number"].startswith(f"{SERIES}〔2027〕") for r in letters[2028] if r["series"] == SERIES)
