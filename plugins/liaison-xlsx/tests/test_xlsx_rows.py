"""A ledger read row by row (:func:`liaison_xlsx.reader.read_ledger_rows`, the records reader's
``read_rows``): what an upload records when the user agrees. A ledger without a problem gives what
:func:`~liaison_xlsx.read_ledger` gives and refuses nothing; each bad cell refuses its own row only,
named at the cell the whole-file reading names; a row the library's checks refuse (a second record
with the same id) is taken out with its problem and the rest kept."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xlsx_samples import Sheet, fill_as_clerk, open_book, refused, save

from liaison.base.errors import DataError
from liaison.host.plugins import record_readers
from liaison.law.district import District
from liaison_xlsx import read_ledger
from liaison_xlsx.reader import read_ledger_rows


def test_the_reader_offers_the_rows() -> None:
    assert record_readers()["xlsx"].read_rows is not None


def test_a_ledger_without_a_problem_is_read_whole(seed: District, ledger_2026: bytes) -> None:
    filled = fill_as_clerk(ledger_2026)
    records, problems = read_ledger_rows(filled, seed, "台账.xlsx")
    assert problems == ()
    assert records == read_ledger(filled, seed, "台账.xlsx")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_bad_cell_refuses_its_row_alone_at_the_cell_the_whole_reading_names(
        seed: District, ledger_2026: bytes, data: st.DataObject) -> None:
    filled = fill_as_clerk(ledger_2026)
    meetings = Sheet(open_book(filled)["会议走访"])
    rows = list(meetings.rows())
    # a held row (a row marked not held records nothing, and the reader does not read its cells)
    row = data.draw(st.sampled_from([r for r in rows if meetings.get(r, "是否召开") == "是"]))
    bad = data.draw(st.sampled_from(["2026年13月1日", "不存在的单位"]))
    header = "日期" if "年" in bad else "主办单位"

    def edit(book: object) -> None:
        Sheet(book["会议走访"]).set(row, header, bad)  # type: ignore[index]

    whole = refused(filled, seed, edit)
    book = open_book(filled)
    edit(book)
    records, problems = read_ledger_rows(save(book), seed, "台账.xlsx")
    assert [p.path for p in problems] == [whole.path] == [meetings.ref(row, header)]
    wanted = {meetings.get(r, "编号") for r in rows if r != row and meetings.get(r, "是否召开") == "是"}
    assert wanted <= {e.id for e in records.engagements}
    assert meetings.get(row, "编号") not in {e.id for e in records.engagements}


def test_a_row_the_librarys_checks_refuse_is_taken_out_and_the_rest_kept(seed: District, ledger_2026: bytes) -> None:
    filled = fill_as_clerk(ledger_2026)
    book = open_book(filled)
    documents = Sheet(book["文件抄送"])
    first = next(iter(documents.rows()))
    copy = {h: documents.get(first, h) for h in documents.columns}
    twin = documents.append(copy)  # the same 文号 twice: the library refuses the second
    records, problems = read_ledger_rows(save(book), seed, "台账.xlsx")
    assert len(problems) == 1 and "文件抄送!" in (problems[0].path or "")
    assert str(twin) in (problems[0].path or "") or str(first) in (problems[0].path or "")
    assert len(records.documents) == len(list(documents.rows())) - 1
    # each record kept says its rows, the refused one's left out (a 文件抄送 record keeps no place itself)
    by_number = {documents.get(r, "文号"): f"文件抄送!{r}:{r}" for r in documents.rows() if r != twin}
    taken = read_ledger_rows(save(book), seed, "台账.xlsx").places["documents"]
    assert list(taken) == [by_number[d.id] for d in records.documents]
    assert f"文件抄送!{twin}:{twin}" not in taken
    with pytest.raises(DataError):  # the whole-file reading refuses the file
        read_ledger(save(book), seed, "台账.xlsx")
