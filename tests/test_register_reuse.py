"""One number, one letter (issue #24): an imported register — a ``--register`` CSV or the ledger's
发文登记 sheet — whose line gives a number a letter issued here already has, for another letter, is
refused at that line (``发文登记.csv: 5: …``, ``台账.xlsx: 发文登记!B7: …``), in both languages, before
anything is written. The letter's own line (as the exported 发文登记 sheet lists it) is accepted."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest

from liaison.base.errors import LiaisonError
from liaison.formats.district import seed_district
from liaison.formats.register import parse_register
from liaison.law.records import Records
from liaison.year.numbering import LetterRecord
from liaison.year.state import YearState
from liaison_workspace import Workspace

YEAR = 2027
NOTICES = [("docx", {"kinds": "notice"})]


@pytest.fixture
def loaded_plugins() -> str:
    return "docx,xlsx"


def folder_files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def issued(tmp_path: Path) -> tuple[Workspace, YearState]:
    ws = Workspace(tmp_path / "out")
    return ws, ws.export(seed_district(), YEAR, NOTICES, issued_on=dt.date(2027, 1, 11)).state


def register(*lines: str) -> Records:
    data = ("文号,成文日期,标题\n" + "".join(f"{line}\n" for line in lines)).encode()
    return Records(register=parse_register(data, file="发文登记.csv"))


def third(state: YearState) -> LetterRecord:
    return next(r for r in state.letters if r.serial == 3)


def test_a_csv_line_reusing_an_issued_number_is_refused_at_its_line(issued: tuple[Workspace, YearState]) -> None:
    ws, state = issued
    letter = third(state)
    before = folder_files(ws.folder(YEAR))
    given = register("区府办〔2027〕20号,2027-01-20,关于春节值班安排的通知",
                     f"{letter.doc_number},2027-02-01,关于某事的通知")
    with pytest.raises(LiaisonError) as caught:
        ws.export(seed_district(), YEAR, NOTICES, issued_on=dt.date(2027, 2, 1), records=given)
    en, zh = caught.value.render("en"), caught.value.render("zh")
    assert en.startswith("发文登记.csv: 3: ") and zh.startswith("发文登记.csv: 3: ")
    assert letter.doc_number in en and letter.path in en and "one number is one letter" in en
    assert "一个文号只能用于一份公文" in zh and "fix" not in zh and caught.value.fix_zh
    assert folder_files(ws.folder(YEAR)) == before  # nothing written, nothing saved
    assert ws.read_state(seed_district(), YEAR) == state


def test_the_letter_s_own_line_and_a_new_number_are_accepted(issued: tuple[Workspace, YearState]) -> None:
    ws, state = issued
    letter = third(state)
    given = register(f"{letter.doc_number},{letter.date.isoformat()},{letter.title}",
                     "区府办〔2027〕20号,2027-01-20,关于春节值班安排的通知")
    after = ws.export(seed_district(), YEAR, NOTICES, issued_on=dt.date(2027, 2, 1), records=given).state
    assert {e.doc_number for e in after.register} == {letter.doc_number, "区府办〔2027〕20号"}
    # the state keeps the lines, not where they were read
    assert all(not e.source and not e.row for e in after.register)


def test_a_ledger_row_reusing_an_issued_number_is_refused_at_its_cell(issued: tuple[Workspace, YearState]) -> None:
    """The 台账 comes with the letters issued so far on its 发文登记 sheet; the clerk types the office's
    other document over one of them (the same 文号, another title and date)."""
    import openpyxl

    from liaison.host.plugins import load_records

    ws, state = issued
    seed = seed_district()
    ws.export(seed, YEAR, [("xlsx", {})], issued_on=dt.date(2027, 1, 12))
    ledger = ws.folder(YEAR) / f"{YEAR}年对口联系工作台账.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(ledger.read_bytes()))
    sheet = book["发文登记"]
    letter = third(state)
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == letter.doc_number)
    sheet.cell(row, 3).value = "2027-02-01"
    sheet.cell(row, 4).value = "关于某事的通知"
    edited = ws.folder(YEAR).parent / "台账.xlsx"
    book.save(edited)
    records = load_records(str(edited), seed)  # a sound sheet: read without complaint
    with pytest.raises(LiaisonError) as caught:
        ws.export(seed, YEAR, NOTICES, issued_on=dt.date(2027, 2, 1), records=records)
    en, zh = caught.value.render("en"), caught.value.render("zh")
    assert en.startswith(f"{edited}: 发文登记!B{row}: ") and letter.doc_number in en
    assert zh.startswith(f"{edited}: 发文登记!B{row}: ") and "一个文号只能用于一份公文" in zh
