"""Careless ledgers the reader used to let through or misname (issue #21, item 7): a row typed twice,
a workbook whose shared strings or cells unpack to hundreds of megabytes, a workbook saved with a
password, and LibreOffice Calc's TRUE()/FALSE(). Each answered in English and in Chinese."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from xlsx_samples import Sheet, fill_as_clerk, open_book, refused, save

from liaison.base.errors import DataError
from liaison.law.district import District
from liaison_xlsx import read_ledger
from liaison_xlsx.package import (
    MAX_CELLS,
    MAX_SHARED_STRINGS,
    MAX_SHARED_STRINGS_BYTES,
    cfb_names,
)

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "corpus" / "ledger"
HAND_VISIT = {"日期": "2026-05-12", "类型": "走访", "主办单位": "区卫生局", "参加单位": "农工党总支部",
              "是否召开": "是"}


# ------------------------------------------------------------------------------------ typed twice
def test_a_row_typed_twice_is_refused_naming_both_rows(seed: District, ledger_2026: bytes) -> None:
    rows: list[int] = []

    def edit(book: Any) -> None:
        meetings = Sheet(book["会议走访"])
        rows.append(meetings.append(HAND_VISIT))
        rows.append(meetings.append(HAND_VISIT))

    err = refused(ledger_2026, seed, edit)
    first, second = rows
    assert err.path == f"会议走访!B{second}"
    assert f"the same kind, date, host and participants as row {first} (会议走访!B{first}): probably typed twice" \
        in str(err)
    zh = f"与第{first}行（会议走访!B{first}）的类型、日期、主办单位和参加单位都相同，可能录入了两次"
    assert zh in err.render("zh")
    assert "请删除其中一行" in err.render("zh") and "delete one of the two rows" in str(err)


def test_a_planned_row_marked_held_and_typed_again_by_hand_is_refused(seed: District, ledger_2026: bytes) -> None:
    found: list[tuple[int, int]] = []

    def edit(book: Any) -> None:
        meetings = Sheet(book["会议走访"])
        planned = next(iter(meetings.rows()))
        meetings.set(planned, "是否召开", "是")
        copy = {h: meetings.get(planned, h) for h in ("日期", "类型", "主办单位", "参加单位")}
        found.append((planned, meetings.append({**copy, "是否召开": "是", "备注": "补录"})))

    err = refused(ledger_2026, seed, edit)
    planned, copy = found[0]
    assert err.path == f"会议走访!B{copy}" and f"row {planned}" in str(err)


def test_two_visits_of_one_host_on_one_day_to_two_branches_both_count(seed: District, ledger_2026: bytes) -> None:
    book = open_book(ledger_2026)
    meetings = Sheet(book["会议走访"])
    meetings.append(HAND_VISIT)
    meetings.append({**HAND_VISIT, "参加单位": "九三学社综合支社"})
    records = read_ledger(save(book), seed, "台账.xlsx")
    assert len([e for e in records.engagements if e.date.isoformat() == "2026-05-12"]) == 2


def test_the_same_row_twice_in_another_sheet_is_refused(seed: District, ledger_2026: bytes) -> None:
    rows: list[int] = []
    briefing = {"部门": "区卫生局", "日期": "2026-03-02", "通报内容": "2026年卫生健康工作要点",
                "参加单位": "农工党总支部"}

    def edit(book: Any) -> None:
        briefings = Sheet(book["通报政情"])
        rows.extend((briefings.append(briefing), briefings.append(briefing)))

    err = refused(ledger_2026, seed, edit)
    assert err.path == f"通报政情!B{rows[1]}"
    assert f"the same values in every cell as row {rows[0]}" in str(err) and "各栏完全相同" in err.render("zh")


# ------------------------------------------------------------------------------------ unpacked size
def _with_member(template: bytes, member: str, write: Any) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            if info.filename == member:
                with package.open(info.filename, "w", force_zip64=True) as handle:
                    write(source.read(info.filename), handle)
            else:
                package.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


def _strings(count: int, text: bytes = b"x") -> Any:
    def write(old: bytes, handle: Any) -> None:
        head, _, tail = old.rpartition(b"</sst>")
        handle.write(head)
        for start in range(0, count, 100_000):
            batch = range(start, min(count, start + 100_000))
            handle.write(b"".join(b"<si><t>%s%d</t></si>" % (text, i) for i in batch))
        handle.write(b"</sst>" + tail)
    return write


def _too_large(data: bytes, seed: District) -> DataError:
    started = time.monotonic()
    with pytest.raises(DataError) as caught:
        read_ledger(data, seed, "台账.xlsx")
    assert time.monotonic() - started < 10  # refused from the zip directory and a stream count, not parsed
    assert caught.value.path is None and "docs/limits.md" in caught.value.render("zh")
    return caught.value


def test_too_many_shared_strings_are_refused_before_parsing(seed: District, ledger_2026: bytes) -> None:
    data = _with_member(ledger_2026, "xl/sharedStrings.xml", _strings(MAX_SHARED_STRINGS + 1))
    assert len(data) < 4 * 1024 * 1024
    err = _too_large(data, seed)
    assert f"it holds more than {MAX_SHARED_STRINGS:,} shared strings" in str(err)
    assert f"其共享字符串（不同的文字）超过 {MAX_SHARED_STRINGS:,} 个" in err.render("zh")


def test_shared_strings_too_long_are_refused_before_parsing(seed: District, ledger_2026: bytes) -> None:
    data = _with_member(ledger_2026, "xl/sharedStrings.xml", _strings(1000, b"A" * 40_000))
    err = _too_large(data, seed)
    assert "its shared strings expand to" in str(err) and f"{MAX_SHARED_STRINGS_BYTES:,} bytes" in str(err)
    assert "其共享字符串解压后有" in err.render("zh")


def test_too_many_cells_are_refused_before_parsing(seed: District, ledger_2026: bytes) -> None:
    def write(old: bytes, handle: Any) -> None:
        head, _, tail = old.partition(b"</sheetData>")
        handle.write(head)
        for row in range(5000, 5000 + MAX_CELLS // 200 + 1):
            handle.write(b'<row r="%d">' % row + b"".join(b'<c r="%s%d" s="1"/>' % (column, row)
                                                          for column in (b"A", b"B") * 100) + b"</row>")
        handle.write(b"</sheetData>" + tail)

    err = _too_large(_with_member(ledger_2026, "xl/worksheets/sheet2.xml", write), seed)
    assert f"its sheets hold more than {MAX_CELLS:,} cells" in str(err) and "单元格" in err.render("zh")


def test_cells_and_strings_are_counted_whatever_the_prefix_and_the_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison_xlsx import package

    monkeypatch.setattr(package, "_CHUNK", 7)  # tags split between chunks everywhere
    plain = b'<worksheet xmlns="x"><sheetData><row r="1"><c r="A1"/><c r="B1" t="s"><v>0</v></c><c>' \
            b'</c></row><cols><col min="1"/></cols></sheetData></worksheet>'
    prefixed = plain.replace(b"<", b"<x:").replace(b"<x:/", b"</x:")
    for xml in (plain, prefixed):
        assert package._count(io.BytesIO(xml), b"c", 100) == 3
    strings = b'<sst count="2"><si><t>a</t></si><si>\n<t>b</t></si><sheet/></sst>'
    assert package._count(io.BytesIO(strings), b"si", 100) == 2


def test_a_ledger_of_normal_size_is_well_within_the_bounds(seed: District, ledger_2026: bytes) -> None:
    from liaison_xlsx.package import measure

    measure(zipfile.ZipFile(io.BytesIO(fill_as_clerk(ledger_2026))))  # raises if a bound were too tight


# ------------------------------------------------------------------------------------ a password
def test_an_encrypted_workbook_is_named_as_such(seed: District) -> None:
    data = (CORPUS / "l07-encrypted.xlsx").read_bytes()  # the 2026 台账, encrypted with a password (Agile)
    assert {"EncryptionInfo", "EncryptedPackage"} <= cfb_names(data)
    with pytest.raises(DataError) as caught:
        read_ledger(data, seed, "台账.xlsx")
    err = caught.value
    assert "the workbook is encrypted (saved with a password to open)" in str(err)
    assert "remove the password" in str(err) and "old .xls" not in str(err)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in str(err).replace("台账", ""))  # English throughout
    zh = err.render("zh")
    assert "工作簿已加密（设置了打开密码），无法读取" in zh and "取消打开密码" in zh and "旧版" not in zh


def test_an_old_xls_is_still_an_old_xls(seed: District) -> None:
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[30:32] = (9).to_bytes(2, "little")
    with pytest.raises(DataError) as caught:
        read_ledger(bytes(header) + bytes(1024), seed, "台账.xlsx")
    assert "old .xls" in str(caught.value) and "旧版 .xls" in caught.value.render("zh")
    assert cfb_names(b"not a compound file") == set()


# ------------------------------------------------------------------------------------ TRUE()
@pytest.mark.parametrize(("formula", "held"), [("=TRUE()", True), ("=FALSE()", False), ("=true( )", True)])
def test_calc_booleans_read_as_booleans(seed: District, ledger_2026: bytes, formula: str, held: bool) -> None:
    book = open_book(ledger_2026)
    meetings = Sheet(book["会议走访"])
    row = meetings.append({**HAND_VISIT, "是否召开": formula})
    assert book["会议走访"].cell(row, meetings.columns["是否召开"]).data_type == "f"  # a formula, as Calc saves it
    records = read_ledger(save(book), seed, "台账.xlsx")
    visits = [e for e in records.engagements if e.date.isoformat() == "2026-05-12"]
    assert len(visits) == held


def test_any_other_formula_is_still_refused(seed: District, ledger_2026: bytes) -> None:
    def edit(book: Any) -> None:
        Sheet(book["会议走访"]).append({**HAND_VISIT, "是否召开": "=IF(1,TRUE(),FALSE())"})

    err = refused(ledger_2026, seed, edit)
    assert "formula" in str(err) and "公式" in err.render("zh")
