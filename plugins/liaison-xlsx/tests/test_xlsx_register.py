"""The 发文登记 sheet (issue #24): the letters issued so far in both workbooks, read back from the
ledger as the office's register, whose numbers the next letters continue after.

A small year through the workspace: the notices and the health bureau's invitations go out, the
meeting moves after they went out (the invitations withdrawn, issued again, change letters).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from liaison_workspace import Workspace
from xlsx_samples import ALL_SHEETS_CSV, open_book, read_csv, soffice

from liaison.base.errors import LiaisonError
from liaison.formats.district import seed_district
from liaison.law.district import District
from liaison.law.records import Records, RegisteredLetter
from liaison.year.numbering import LetterRecord, register_lines
from liaison.year.reconcile import Change
from liaison_xlsx import ledger_workbook, read_ledger, schedule_workbook

YEAR = 2027
HEALTH = "2027/joint_meeting/health"
FORMATS = [("docx", {}), ("xlsx", {})]
SCHEDULE = f"{YEAR}年对口联系工作安排表.xlsx"
LEDGER = f"{YEAR}年对口联系工作台账.xlsx"
HEADER = ["代字", "文号", "成文日期", "标题", "主送", "抄送", "文件", "状态"]


class Year:
    def __init__(self, root: Path) -> None:
        self.seed: District = seed_district()
        self.ws = Workspace(root)
        self.folder = root / str(YEAR)
        self.outcomes: list[Any] = []

    def export(self, day: dt.date, records: Records | None = None) -> Any:
        outcome = self.ws.export(self.seed, YEAR, FORMATS, issued_on=day, records=records)
        self.outcomes.append(outcome)
        return outcome

    @property
    def letters(self) -> tuple[LetterRecord, ...]:
        return tuple(self.outcomes[-1].state.letters)


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Year:
    with pytest.MonkeyPatch.context() as patch:
        from liaison.host import plugins

        patch.setenv("LIAISON_PLUGINS", "docx,xlsx")
        plugins.reset()
        year = Year(tmp_path_factory.mktemp("register"))
        year.export(dt.date(2027, 3, 16))  # notices and the health bureau's invitations go out
        year.ws.update(year.seed, YEAR, [Change("move", HEALTH, dt.date(2027, 4, 20))])
        year.export(dt.date(2027, 3, 20))  # moved after they went out
        year.export(dt.date(2027, 3, 20))  # and again, nothing changed
        plugins.reset()
    return year


def sheet_rows(data: bytes) -> list[list[Any]]:
    ws = openpyxl.load_workbook(io.BytesIO(data))["发文登记"]
    rows = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    return [r for r in rows if any(v is not None for v in r)]


def expected(letters: tuple[LetterRecord, ...]) -> list[list[Any]]:
    """What the sheet must hold, worked out here from the records (not from the writer's helper)."""
    told = {r.refers_to: r for r in letters if r.kind == "change"}
    rows = []
    for r in sorted(letters, key=lambda r: (r.series, r.serial)):
        if r.active:
            status = "已印发"
        else:
            again = next(o for o in letters if o.key == r.key and o.active)
            change = told[r.doc_number]
            status = f"已作废（{change.date.isoformat()}，由{again.doc_number}代替，见{change.doc_number}）"
        rows.append([r.series, r.doc_number, dt.datetime.combine(r.date, dt.time()), r.title, r.to, r.cc or None,
                     r.path, status])
    return rows


def test_the_register_sheet_lists_every_letter_issued_and_withdrawn(year: Year) -> None:
    letters = year.letters
    withdrawn = [r for r in letters if not r.active]
    assert withdrawn and all(r.engagement == HEALTH for r in withdrawn)
    for name in (SCHEDULE, LEDGER):
        rows = sheet_rows((year.folder / name).read_bytes())
        assert rows[0] == HEADER
        assert rows[1:] == expected(letters), name
    # no gap left unexplained: every number of every series from 1 is on a row
    listed = [(row[0], int(row[1].split("〕")[1].removesuffix("号"))) for row in sheet_rows(
        (year.folder / SCHEDULE).read_bytes())[1:]]
    for series in {s for s, _ in listed}:
        assert sorted(n for s, n in listed if s == series) == list(range(1, sum(s == series for s, _ in listed) + 1))


def test_a_rerun_that_issues_nothing_reuses_the_workbooks(year: Year) -> None:
    """The sheet rests on the register as the export leaves it, not on the export's number."""
    assert "xlsx" in year.outcomes[-1].reused
    assert "xlsx" not in year.outcomes[-2].reused  # the move issued letters: the sheet changed


def test_the_sheet_is_the_same_bytes_whatever_order_the_letters_come_in(year: Year) -> None:
    state = year.outcomes[-1].state
    made = schedule_workbook(year.seed, state.plan, YEAR, letters=state.letters)
    again = schedule_workbook(year.seed, state.plan, YEAR, letters=tuple(reversed(state.letters)))
    assert made == again
    assert ledger_workbook(year.seed, state.plan, YEAR, letters=state.letters) == \
        ledger_workbook(year.seed, state.plan, YEAR, letters=tuple(reversed(state.letters)))


def test_the_ledger_register_reads_back_as_the_numbers_issued(year: Year) -> None:
    records = read_ledger((year.folder / LEDGER).read_bytes(), year.seed, "台账.xlsx")
    assert sorted(e.number for e in records.register) == sorted((r.series, r.year, r.serial) for r in year.letters)
    assert {e.doc_number for e in records.register if e.status.startswith("已作废")} == \
        {r.doc_number for r in year.letters if not r.active}


def edited(data: bytes, rows: list[list[Any]]) -> bytes:
    """The ledger with ``rows`` typed below the register's rows (as a clerk adds the office's own)."""
    book = open_book(data)
    ws = book["发文登记"]
    start = max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value) + 1
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            ws.cell(start + i, j + 1).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_office_s_own_numbers_in_the_ledger_move_the_next_letters_on(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison.host import plugins

    monkeypatch.setenv("LIAISON_PLUGINS", "docx,xlsx")
    plugins.reset()
    try:
        year = Year(tmp_path)
        year.export(dt.date(2027, 1, 11))  # the notices: 区府办〔2027〕1–14号
        ledger = edited((year.folder / LEDGER).read_bytes(), [
            [None, "区府办〔2027〕20号", dt.datetime(2027, 2, 1), "关于春节值班的通知"],
            [None, "区卫函[2027]第7号", "2027年2月3日", "关于某事的函"],
        ])
        records = read_ledger(ledger, year.seed, "台账.xlsx")
        outcome = year.export(dt.date(2027, 3, 16), records)  # the health bureau's first 函
        health = sorted(r.serial for r in outcome.state.letters if r.series == "区卫函")
        assert health == [8, 9]
        # kept in the year's state: an export without the import does not take the office's numbers again
        later = year.export(dt.date(2027, 3, 20))
        assert {e.doc_number for e in later.state.register} >= {"区府办〔2027〕20号", "区卫函[2027]第7号"}
        assert outcome.notes == ()
        # a register behind the letters issued: the higher is taken, and the clerk is told
        stale = Records(register=(RegisteredLetter(doc_number="区府办〔2027〕3号"),))  # ours, and no later one
        told = year.export(dt.date(2027, 3, 20), stale)
        assert [n.render("zh") for n in told.notes] and "区府办〔2027〕20号" not in told.notes[0].render("zh")
        assert "区府办〔2027〕14号" in told.notes[0].render("zh") and "14" in told.notes[0].render("en")
        assert told.notes[0].render("zh") != told.notes[0].render("en")
    finally:
        plugins.reset()


@pytest.mark.parametrize(("row", "cell", "said_en", "said_zh"), [
    ([None, "区府办函2027-3"], "B", "not a 发文字号", "不是发文字号"),
    ([None, "区府办函〔2027〕3号", "昨天"], "C", "is not a date", "不是日期"),
    (["区卫函", "区府办函〔2027〕3号"], "A", "is not that of", "不一致"),
    ([None, None, "2027-3-1", "没有文号的行"], "B", "missing", "没有填写"),
])
def test_a_bad_register_row_is_named_by_its_cell(year: Year, row: list[Any], cell: str, said_en: str,
                                                  said_zh: str) -> None:
    data = (year.folder / LEDGER).read_bytes()
    with pytest.raises(LiaisonError) as caught:
        read_ledger(edited(data, [row]), year.seed, "台账.xlsx")
    where = f"台账.xlsx: 发文登记!{cell}{len(year.letters) + 3}: "
    assert caught.value.render("en").startswith(where) and said_en in caught.value.render("en")
    zh = caught.value.render("zh")
    assert zh.startswith(where) and said_zh in zh and "fix" not in zh


def test_a_number_typed_twice_is_refused_naming_both_rows(year: Year) -> None:
    data = (year.folder / LEDGER).read_bytes()
    first = year.letters[0].doc_number
    with pytest.raises(LiaisonError) as caught:
        read_ledger(edited(data, [[None, first, "2027-3-1", "另一份公文"]]), year.seed, "台账.xlsx")
    rendered = caught.value.render("zh")
    assert f"发文登记!B{len(year.letters) + 3}" in rendered and "发文登记!B3" in rendered and "重复" in rendered


CELLS = st.one_of(st.none(), st.text(max_size=30), st.integers(-10**9, 10**9), st.floats(allow_nan=True),
                  st.booleans(), st.dates(), st.sampled_from(["区府办函〔2027〕3号", "〔2027〕", "号", "=1+1", "#N/A"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(rows=st.lists(st.lists(CELLS, min_size=1, max_size=9), min_size=1, max_size=4))
def test_whatever_is_typed_in_the_register_only_our_errors_come_out(year: Year, rows: list[list[Any]]) -> None:
    data = (year.folder / LEDGER).read_bytes()
    try:
        typed = edited(data, rows)
    except Exception:  # openpyxl refuses to store the value: nothing a clerk could save
        return
    for calamine in (True, False):
        try:
            read_ledger(typed, year.seed, "台账.xlsx", calamine=calamine)
        except LiaisonError as exc:
            assert exc.render("zh") and exc.render("en")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_register_sheet_with_its_rows(year: Year, tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name, short in ((SCHEDULE, "安排表"), (LEDGER, "台账")):
        (source / f"{short}.xlsx").write_bytes((year.folder / name).read_bytes())
    soffice(tmp_path / "csv", ALL_SHEETS_CSV, source / "安排表.xlsx", source / "台账.xlsx")
    want = [[line.series, line.doc_number, line.date.isoformat(), line.title, line.to, line.cc, line.file,
             line.status("zh")] for line in register_lines(year.letters)]
    for short in ("安排表", "台账"):
        rows = [r for r in read_csv(tmp_path / "csv" / f"{short}-发文登记.csv") if any(r)]
        assert rows[1] == HEADER
        assert rows[2:] == want, short
