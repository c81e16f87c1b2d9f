"""The ledger's values read by python-calamine give exactly what openpyxl gave: the same Records, or
the same errors in both languages, on ledgers written by this project and edited with openpyxl (odd
cells, number formats, formulas, error values, merges, deleted rows and sheets) and on packages
whose XML is edited by hand. ``read_ledger(…, calamine=False)`` is the old openpyxl reader, kept as
the oracle (and as the reader of what calamine may read otherwise: :mod:`liaison_xlsx.values`)."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import openpyxl
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from xlsx_samples import SHEETS, apply, fill_as_clerk, mutation, open_book, plan_for, save

from liaison.base.errors import LiaisonError
from liaison.formats.district import seed_district
from liaison.law.district import District
from liaison.law.records import Records
from liaison.year.engagements import Status
from liaison_xlsx import ledger_workbook, read_ledger
from liaison_xlsx.sheet import MAX_ROWS
from liaison_xlsx.values import DIFFERENT_BUILTIN_FORMATS, SAME_DATE_FORMATS, open_calamine, openpyxl_book

ODD_FORMATS = ["[h]:mm:ss", "mm:ss", "0.00E+00", "[Red]0.00", "0%", "# ?/?", "[$-409]mmm d, yyyy", "d", "[mm]:ss",
               "yyyy-mm-dd h:mm:ss", "hh:mm AM/PM", "\"day\" 0", "General;[Red]-General"]
formats = st.sampled_from(sorted(SAME_DATE_FORMATS) + ODD_FORMATS)
numbers = st.one_of(st.integers(-10, 10**8), st.floats(-1e6, 3e6, allow_nan=False),
                    st.sampled_from([0, 0.5, 0.99999999, 1, 59, 60, 61, 46023, 46023.5, 2958465, 2958466, 1e300]))
formatted = st.tuples(st.just("format"), st.sampled_from(SHEETS), st.integers(3, 40), st.integers(1, 11), numbers,
                      formats)
changes = st.lists(st.one_of(mutation, formatted), min_size=1, max_size=6)


def outcome(data: bytes, district: District, calamine: bool) -> tuple[Any, ...]:
    """What the reader gives: the Records, or the error as the clerk reads it in both languages."""
    try:
        return ("records", read_ledger(data, district, "台账.xlsx", calamine=calamine))
    except LiaisonError as exc:
        return ("error", type(exc).__name__, exc.render("en"), exc.render("zh"))


def same_both_ways(data: bytes, district: District, *, in_hypothesis: bool = True) -> None:
    if in_hypothesis:  # how many examples calamine read (--hypothesis-show-statistics)
        event("calamine" if open_calamine(data, MAX_ROWS) is not None else "openpyxl")
    assert outcome(data, district, True) == outcome(data, district, False)


@functools.cache
def _filled() -> tuple[District, bytes]:
    district = seed_district()
    return district, fill_as_clerk(ledger_workbook(district, plan_for(district, 2026), 2026))


@pytest.fixture
def filled() -> Filled:
    """The filled ledger (not a hypothesis argument: its repr would fill a failure's report)."""
    return Filled()


class Filled:
    def __iter__(self) -> Iterator[Any]:
        return iter(_filled())

    def __repr__(self) -> str:
        return "<the filled seed ledger of 2026>"


def test_a_filled_ledger_is_read_by_calamine_alike(filled: Filled) -> None:
    district, data = filled
    assert open_calamine(data, MAX_ROWS) is not None
    same_both_ways(data, district, in_hypothesis=False)


def _edit(book: Any, change: tuple[Any, ...]) -> None:
    if change[0] == "format":
        _, sheet, row, col, value, number_format = change
        if sheet in book.sheetnames:
            cell = book[sheet].cell(row, col)
            cell.value, cell.number_format = value, number_format
    else:
        apply(book, change)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(changes)
def test_ledgers_edited_with_openpyxl_read_alike(filled: Filled, edits: list[Any]) -> None:
    district, data = filled
    book = open_book(data)
    for change in edits:
        try:
            _edit(book, change)
        except (ValueError, TypeError, AttributeError):  # openpyxl refusing a value
            continue
    try:
        edited = save(book)
    except (ValueError, TypeError):
        return
    same_both_ways(edited, district)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([Status.HELD, Status.AGREED, Status.PROPOSED, Status.CANCELLED]), min_size=1),
       st.integers(0, 3))
def test_ledgers_of_our_writer_read_alike(statuses: list[Status], shift: int) -> None:
    """Plans with engagements held or not, written by xlsxwriter as the template: read by calamine."""
    district = seed_district()
    plan = plan_for(district, 2026)
    engagements = tuple(attrs.evolve(e, status=statuses[i % len(statuses)],
                                     date=e.date + dt.timedelta(days=shift) if i % 2 else e.date)
                        for i, e in enumerate(plan.engagements))
    data = ledger_workbook(district, attrs.evolve(plan, engagements=engagements), 2026)
    assert open_calamine(data, MAX_ROWS) is not None
    same_both_ways(data, district)


# ------------------------------------------------------------------------ the package edited by hand
def _patch(data: bytes, part: str, edit: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            content = source.read(info)
            package.writestr(info.filename, edit(content) if info.filename == part else content)
    return out.getvalue()


def _sheet_part(data: bytes, title: str) -> str:
    from liaison_xlsx.values import layout

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return next(part for name, part, _ in layout(package).sheets if name == title)


RAW_VALUES = [b"abc", b" 12", b"1_000", b"NaN", b"inf", b"+5", b"", b"0x10", b"1e400", b"1E+15",
              b"12345678901234567890",
              b"-5", b"-0.5", b"46023.0", b"4.6023E4", b"1e300", b"0.99999999"]
RAW_CELLS = [b'<c r="B3" t="e"><v>#N/A</v></c>', b'<c r="B3" t="b"><v>1</v></c>', b'<c r="B3" t="b"><v>2</v></c>',
             b'<c r="B3" t="str"><v>2026-3-1</v></c>', b'<c r="B3" t="inlineStr"><is><t>2026-3-1</t></is></c>',
             b'<c r="B3" t="d"><v>2026-03-01T00:00:00</v></c>', b'<c r="B3"><f>DATE(2026,3,1)</f><v>46082</v></c>',
             b'<c r="B3" t="s"><v>999999</v></c>', b'<c r="B3" t="x"><v>1</v></c>', b'<c r="B3" s="6"><v>-1</v></c>',
             b'<c r="B3" s="6"/>', b'<c r="B3" t="s"><v>0</v></c>']


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.one_of(st.tuples(st.just("value"), st.sampled_from(RAW_VALUES), st.sampled_from([b"", b' s="6"'])),
                 st.tuples(st.just("cell"), st.sampled_from(RAW_CELLS), st.just(b""))))
def test_sheet_xml_edited_by_hand_reads_alike(filled: Filled, change: tuple[str, bytes, bytes]
                                              ) -> None:
    """A cell of 会议走访's first data row (B3, the date) replaced in the sheet's XML: values that are
    no plain number, every cell type, formulas, negative and huge serials under a date format."""
    district, data = filled
    kind, raw, style = change
    cell = re.compile(rb'<c r="B3"[^>]*?(?:/>|>.*?</c>)')
    replacement = b'<c r="B3"' + style + b"><v>" + raw + b"</v></c>" if kind == "value" else raw
    edited = _patch(data, _sheet_part(data, "会议走访"), lambda xml: cell.sub(lambda _: replacement, xml, count=1))
    same_both_ways(edited, district)


@pytest.mark.parametrize("edit", [
    pytest.param(lambda x: x.replace(b"<workbookPr", b'<workbookPr date1904="1"'), id="date1904"),
    pytest.param(lambda x: x.replace(b"</sheets>", b'<sheet name="X" sheetId="99" r:id="rId999"/></sheets>'),
                 id="a sheet without its part"),
])
def test_workbook_xml_edited_by_hand_reads_alike(filled: Filled, edit: Callable[[bytes], bytes]
                                                 ) -> None:
    district, data = filled
    same_both_ways(_patch(data, "xl/workbook.xml", edit), district, in_hypothesis=False)


@pytest.mark.parametrize("indent", [0, 1, 200], ids=["one line", "one break", "indented part"])
@pytest.mark.parametrize("space", [b"\t", b"\n", b"\r\n"], ids=["tab", "line feed", "CR LF"])
def test_a_type_after_a_tab_or_line_break_declines(filled: Filled, indent: int, space: bytes) -> None:
    """``t="b"`` after a tab or a line break (a hand-edited or indented part): not seen by the type
    pattern, so the sheet goes to openpyxl, also when many line breaks come before it."""
    district, data = filled
    cell = re.compile(rb'<c r="B3"[^>]*?(?:/>|>.*?</c>)')
    odd = b'<c r="B3"' + space + b't="b"><v>1</v></c>'

    def edit(xml: bytes) -> bytes:
        xml = cell.sub(lambda _: odd, xml, count=1)
        return xml.replace(b"<row ", b"\n  <row ", indent) if indent else xml

    edited = _patch(data, _sheet_part(data, "会议走访"), edit)
    assert open_calamine(edited, MAX_ROWS) is None
    same_both_ways(edited, district, in_hypothesis=False)
    plain = _patch(data, _sheet_part(data, "会议走访"), lambda xml: xml.replace(b"<row ", b"\n  <row ", indent))
    assert open_calamine(plain, MAX_ROWS) is not None  # line breaks alone decline nothing


def test_a_row_past_the_limit_without_values_reads_alike(filled: Filled) -> None:
    """openpyxl counts a ``<row>`` with no value; the sheet is then too long, read either way."""
    district, data = filled
    far = f'<row r="{MAX_ROWS + 5}"/></sheetData>'.encode()
    edited = _patch(data, _sheet_part(data, "会议走访"), lambda xml: xml.replace(b"</sheetData>", far, 1))
    assert open_calamine(edited, MAX_ROWS) is None
    same_both_ways(edited, district, in_hypothesis=False)


# ------------------------------------------------------------------------------ the number formats
#: Serials calamine reads (from 1900-03-01, not rounding to midnight); the others decline (see values.py).
SERIALS = [61, 0.25, 0.75, 45000, 46023.5, 46023.999, 2958465, 100.5]


def _formats_book(code: str) -> bytes:
    """A cell of each of :data:`SERIALS` in the number format ``code``: dates, times, fractions of
    a day, plain numbers."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    for col, value in enumerate(SERIALS, start=1):
        ws.cell(1, col, value).number_format = code
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows_both_ways(data: bytes) -> tuple[list[Any], list[Any]]:
    fast = open_calamine(data, MAX_ROWS)
    assert fast is not None
    slow = openpyxl_book(data)
    try:
        return ([list(s.rows()) for s in fast.worksheets], [list(s.rows()) for s in slow.worksheets])
    finally:
        slow.close()


@pytest.mark.parametrize("code", sorted(SAME_DATE_FORMATS))
def test_every_format_taken_as_alike_reads_alike(code: str) -> None:
    """Each of :data:`SAME_DATE_FORMATS`: dates, times and numbers as openpyxl gives them."""
    fast, slow = _rows_both_ways(_formats_book(code))
    assert fast == [[_trim(row) for row in sheet] for sheet in slow]


def _trim(row: tuple[Any, ...]) -> tuple[Any, ...]:
    out = list(row)
    while out and out[-1] is None:
        out.pop()
    return tuple(out)


@pytest.mark.parametrize("builtin", range(164))
def test_every_builtin_format_reads_alike(builtin: int) -> None:
    """Cells styled with each builtin number format id (0–163, as Excel and WPS write them, by
    number only): calamine and openpyxl agree on which are dates, or the workbook is declined (those
    they read differently, :data:`DIFFERENT_BUILTIN_FORMATS`)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "S"
    for col, value in enumerate(SERIALS, start=1):
        ws.cell(1, col, value).number_format = "0.00"  # builtin 2: a cell style of its own, set below
    out = io.BytesIO()
    book.save(out)
    data = _patch(out.getvalue(), "xl/styles.xml",
                  lambda xml: re.sub(rb'(<cellXfs.*?<xf[^>]*?numFmtId=")2"', rb"\g<1>" + str(builtin).encode() + b'"',
                                     xml, count=1, flags=re.S))
    assert builtin == 2 or b'numFmtId="2"' not in zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml")
    fast = open_calamine(data, MAX_ROWS)
    if builtin in DIFFERENT_BUILTIN_FORMATS:
        assert fast is None
        return
    assert fast is not None
    slow = openpyxl_book(data)
    try:
        assert [list(s.rows()) for s in fast.worksheets] == [[_trim(r) for r in s.rows()] for s in slow.worksheets]
    finally:
        slow.close()


def test_a_date_format_on_the_default_style_declines() -> None:
    """calamine applies no number format to a cell without a style (``s``), openpyxl the default
    style's (cellXfs 0): a workbook whose default style is no General is read by openpyxl."""
    book = openpyxl.Workbook()
    book.active.cell(1, 1, 46023)
    out = io.BytesIO()
    book.save(out)
    data = _patch(out.getvalue(), "xl/styles.xml",
                  lambda xml: re.sub(rb'(<cellXfs.*?<xf[^>]*?numFmtId=")0"', rb'\g<1>14"', xml, count=1, flags=re.S))
    assert open_calamine(data, MAX_ROWS) is None
    slow = openpyxl_book(data)
    assert list(slow.worksheets[0].rows()) == [(dt.datetime(2026, 1, 1),)]
    slow.close()


def test_page_breaks_after_the_cells_are_no_row(filled: Filled) -> None:
    """A manual page break (``<rowBreaks>``, after the cells) is not taken for the last row."""
    district, data = filled
    breaks = b'<rowBreaks count="1" manualBreakCount="1"><brk id="20" max="16383" man="1"/></rowBreaks></worksheet>'
    edited = _patch(data, _sheet_part(data, "会议走访"), lambda xml: xml.replace(b"</worksheet>", breaks))
    assert open_calamine(edited, MAX_ROWS) is not None
    same_both_ways(edited, district, in_hypothesis=False)


def test_a_sheet_part_past_the_checked_size_is_read_by_openpyxl(filled: Filled, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    """The checks hold a sheet's XML whole: past :data:`MAX_SHEET_XML` openpyxl, which streams, reads it."""
    from liaison_xlsx import values

    district, data = filled
    monkeypatch.setattr(values, "MAX_SHEET_XML", 1000)
    assert open_calamine(data, MAX_ROWS) is None
    assert isinstance(outcome(data, district, True)[1], Records)


def test_excel_s_phonetic_properties_in_the_shared_strings_read_alike() -> None:
    """Excel and WPS in Chinese write ``<phoneticPr>`` into every shared string: both libraries skip it."""
    district = seed_district()
    data = ledger_workbook(district, plan_for(district, 2026), 2026)
    edited = _patch(data, "xl/sharedStrings.xml",
                    lambda xml: xml.replace(b"</t></si>", b'</t><phoneticPr fontId="1" type="noConversion"/></si>'))
    assert b"phoneticPr" in zipfile.ZipFile(io.BytesIO(edited)).read("xl/sharedStrings.xml")
    assert open_calamine(edited, MAX_ROWS) is not None
    same_both_ways(edited, district, in_hypothesis=False)


@pytest.mark.parametrize("raw", [b"1e300", b"-1e300", b"9999999", b"2958466", b"-5"])
def test_serials_calamine_cannot_make_a_date_of_never_reach_it(filled: Filled, raw: bytes,
                                                               capfd: pytest.CaptureFixture[str]) -> None:
    """A date-formatted number past Excel's days makes calamine panic (a Rust panic prints its message on
    stderr whatever Python catches): such a workbook declines before calamine reads a cell."""
    district, data = filled
    cell = re.compile(rb'<c r="B3"[^>]*?(?:/>|>.*?</c>)')
    styled = b'<c r="B3" s="6"><v>' + raw + b"</v></c>"
    edited = _patch(data, _sheet_part(data, "会议走访"), lambda xml: cell.sub(lambda _: styled, xml, count=1))
    assert open_calamine(edited, MAX_ROWS) is None
    same_both_ways(edited, district, in_hypothesis=False)
    assert "panicked" not in capfd.readouterr().err
