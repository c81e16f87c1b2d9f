"""The office's own 发文登记簿 as the source of where each series stands (issue #24): a CSV register
(``liaison export --register``) read in the encodings Excel and WPS save, its bad rows named by
line in both languages, and the numbers continuing after the highest imported — never reused, never
backdated, a register behind the letters issued resolved by the higher with a note."""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.base.errors import ExportError, LiaisonError
from liaison.formats.district import seed_district
from liaison.formats.register import load_register, parse_register
from liaison.host.exporting import build_export
from liaison.host.plugins import exporter
from liaison.law.model import parse_doc_number
from liaison.law.records import Records, RegisteredLetter
from liaison.year.numbering import LetterRegistry, register_conflicts

YEAR = 2027
REGISTER = ("序号,文号,成文日期,标题,主送,抄送\n"
            "1,区府办〔2027〕1号,2027-1-4,关于春节值班安排的通知,各部门,\n"
            "2,区府办〔2027〕第007号,2027年1月6日,关于某事的通知,区卫生局,区财政局\n"
            "\n"
            "3,区卫函［２０２７］12号,2027/1/8,关于某事的函,民盟支部,\n")


@pytest.fixture
def loaded_plugins() -> str:
    return "docx"


@pytest.mark.parametrize(("text", "number"), [
    ("区府办函〔2027〕3号", ("区府办函", 2027, 3)),
    ("区府办函[2027]第003号", ("区府办函", 2027, 3)),
    ("区卫函（２０２７）12号", ("区卫函", 2027, 12)),
    (" 区府办 〔2027〕 5 号", ("区府办", 2027, 5)),
    ("区府办函(2027)8", ("区府办函", 2027, 8)),
    ("区府办函〔27〕3号", None),
    ("区府办函2027年3号", None),
    ("〔2027〕3号", None),
])
def test_a_doc_number_is_read_as_offices_type_it(text: str, number: tuple[str, int, int] | None) -> None:
    assert parse_doc_number(text) == number


@pytest.mark.parametrize("encoded", [
    lambda t: t.encode("utf-8"),
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),  # Excel's “CSV UTF-8”
    lambda t: t.encode("gb18030"),  # Excel's and WPS's plain CSV on Chinese Windows
    lambda t: t.replace("\n", "\r\n").encode("gbk"),
    lambda t: t.replace(",", "\t").encode("utf-16"),  # Excel's “Unicode 文本”, tab separated, with its mark
], ids=["utf-8", "utf-8-bom", "gb18030", "gbk-crlf", "utf-16-tab"])
def test_the_register_reads_alike_in_every_encoding_offices_save(encoded: object) -> None:
    found = parse_register(encoded(REGISTER), file="发文登记.csv")  # type: ignore[operator]
    assert [e.number for e in found] == [("区府办", 2027, 1), ("区府办", 2027, 7), ("区卫函", 2027, 12)]
    assert [e.date for e in found] == [dt.date(2027, 1, 4), dt.date(2027, 1, 6), dt.date(2027, 1, 8)]
    assert found[1].to == "区卫生局" and found[1].cc == "区财政局" and found[0].title == "关于春节值班安排的通知"


@pytest.mark.parametrize(("text", "line", "said_en", "said_zh"), [
    ("文号,成文日期\n区府办〔2027〕1号,2027-1-4\n区府办2027-2,2027-1-5\n", "3", "not a 发文字号", "不是发文字号"),
    ("文号,成文日期\n区府办〔2027〕1号,昨天\n", "2", "is not a date", "不是日期"),
    ("文号,成文日期\n区府办〔2027〕1号,2027-2-30\n", "2", "not a date of the calendar", "不是有效的日期"),
    ("代字,文号\n区卫函,区府办〔2027〕1号\n", "2", "is not that of", "不一致"),
    ("文号,成文日期\n区府办〔2027〕1号,2027-1-4\n,2027-1-5\n", "3", "missing", "没有填写"),
    ("文号,标题\n区府办〔2027〕1号,甲\n区府办〔2027〕1号,乙\n", "3", "also on line 2", "与第2行重复"),
    ("文号\n区府办〔1900〕1号\n", "2", "year must be 1950", "年份应在1950"),
])
def test_a_bad_row_is_named_by_file_and_line_in_both_languages(text: str, line: str, said_en: str,
                                                                said_zh: str) -> None:
    with pytest.raises(LiaisonError) as caught:
        parse_register(text.encode("gb18030"), file="发文登记.csv")
    en, zh = caught.value.render("en"), caught.value.render("zh")
    assert en.startswith(f"发文登记.csv: {line}: ") and said_en in en
    assert zh.startswith(f"发文登记.csv: {line}: ") and said_zh in zh and "fix" not in zh


def test_every_bad_row_is_listed_at_once() -> None:
    text = "文号,成文日期\n甲,2027-1-1\n区府办〔2027〕2号,乙\n区府办〔2027〕3号,2027-1-3\n丙,\n"
    with pytest.raises(LiaisonError) as caught:
        parse_register(text.encode(), file="r.csv")
    assert [p.location.rendered for p in caught.value.problems] == ["2", "3", "5"]


@pytest.mark.parametrize(("data", "said"), [
    (b"\xff\xfe\x00\xd8", "UTF-8"),  # a lone surrogate in UTF-16: no text at all
    (b"\x81\x30", "UTF-8"),  # neither UTF-8 nor a whole GB18030 character
    ("标题,主送\n甲,乙\n".encode(), "文号"),
    ("文号,发文字号\n1,2\n".encode(), "two columns"),
    (b'\xe6\x96\x87\xe5\x8f\xb7\n"abc\n', "CSV"),  # a quote never closed
    ("文号\n区府办〔2027〕1号\x00\n".encode(), "control character"),
])
def test_a_file_that_is_no_register_is_one_error(data: bytes, said: str) -> None:
    with pytest.raises(LiaisonError) as caught:
        parse_register(data, file="r.csv")
    assert said in caught.value.render("en") and caught.value.render("zh") != caught.value.render("en")


def test_a_file_that_is_not_there_is_our_error(tmp_path: Path) -> None:
    with pytest.raises(LiaisonError):
        load_register(tmp_path / "missing.csv")


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300),
                 st.text(max_size=200).map(lambda t: ("文号,成文日期,代字\n" + t).encode("utf-8", "surrogatepass")),
                 st.lists(st.tuples(st.sampled_from(["区府办〔2027〕1号", "区府办[2027]2", "〔2027〕", "", "x",
                                                     "区卫函（2027）第0号", "区府办〔2027〕99999999号"]),
                                    st.sampled_from(["", "2027-1-1", "2027年13月1日", "20270230", "昨天", "0"]),
                                    st.text(max_size=5)), max_size=6)
                 .map(lambda rows: ("文号,日期,代字\n" + "\n".join(",".join(r) for r in rows)).encode("gb18030"))))
def test_the_loader_raises_only_our_errors(data: bytes) -> None:
    try:
        found = parse_register(data, file="r.csv")
    except LiaisonError as exc:
        assert exc.render("zh") and exc.render("en")
        return
    assert all(isinstance(e, RegisteredLetter) for e in found)
    assert len({e.number for e in found}) == len(found)  # a number once


# ----------------------------------------------------------------------------------- numbering
def imported(*rows: tuple[str, dt.date | None]) -> Records:
    return Records(register=tuple(RegisteredLetter(doc_number=n, date=d) for n, d in rows))


def export(records: Records | None, day: dt.date, state: object = None) -> object:
    return build_export(seed_district(), YEAR, state, [(exporter("docx"), {})], records=records,  # type: ignore[arg-type]
                        issued_on=day)


def test_numbers_continue_after_the_highest_imported_per_series() -> None:
    done = export(imported(("区府办〔2027〕7号", dt.date(2027, 1, 6)), ("区府办〔2027〕3号", None),
                           ("区府办〔2026〕40号", dt.date(2026, 12, 1))), dt.date(2027, 1, 11))
    notices = sorted(r.serial for r in done.state.letters if r.series == "区府办")  # type: ignore[attr-defined]
    assert notices == list(range(8, 8 + len(notices)))  # the 2026 number is another year's
    assert {e.doc_number for e in done.state.register} == {  # type: ignore[attr-defined]
        "区府办〔2027〕7号", "区府办〔2027〕3号", "区府办〔2026〕40号"}


def test_a_letter_is_never_dated_before_the_last_number_the_register_lists() -> None:
    with pytest.raises(ExportError) as caught:
        export(imported(("区府办〔2027〕7号", dt.date(2027, 2, 1))), dt.date(2027, 1, 11))
    assert "区府办〔2027〕7号" in caught.value.render("en") and "2027-02-01" in caught.value.render("zh")


def test_a_register_behind_the_letters_issued_takes_the_higher_with_a_note() -> None:
    first = export(None, dt.date(2027, 1, 11))
    highest = max(r.serial for r in first.state.letters if r.series == "区府办")  # type: ignore[attr-defined]
    assert highest > 3
    # the register lists 3号 (ours: a line giving nothing else is taken to be that letter) and no later one
    later = export(imported(("区府办〔2027〕3号", None)), dt.date(2027, 3, 16),
                   first.state)  # type: ignore[attr-defined]
    assert [n.message for n in later.notes] and f"区府办〔2027〕{highest}号" in later.notes[0].message  # type: ignore[attr-defined]
    assert "文号从其后接续" in later.notes[0].render("zh")  # type: ignore[attr-defined]
    assert not export(imported(("区府办〔2027〕30号", None)), dt.date(2027, 3, 16),
                      first.state).notes  # type: ignore[attr-defined]


def test_the_registry_takes_the_higher_of_the_state_and_the_import() -> None:
    registry = LetterRegistry(year=YEAR, imported=imported(("区卫函〔2027〕12号", dt.date(2027, 3, 1))).register)
    record = registry.number(key="k", kind="invitation", series="区卫函", digest="d", date=dt.date(2027, 3, 2),
                             path="a.docx")
    assert record.serial == 13
    assert register_conflicts([record], imported(("区卫函〔2027〕13号", None)).register, YEAR) == ()
    behind = register_conflicts([record], imported(("区卫函〔2027〕2号", None)).register, YEAR)
    assert [(c.series, c.imported, c.issued) for c in behind] == [("区卫函", 2, "区卫函〔2027〕13号")]


def test_the_command_imports_a_gb18030_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from liaison.host import plugins
    from liaison_cli.main import cli

    monkeypatch.setenv("LIAISON_PLUGINS", "docx")
    plugins.reset()
    (tmp_path / "发文登记.csv").write_bytes(REGISTER.encode("gb18030"))
    (tmp_path / "坏.csv").write_bytes("文号\n区府办2027\n".encode("gb18030"))
    try:
        runner = CliRunner()
        done = runner.invoke(cli, ["export", "docx", "--year", "2027", "--out", str(tmp_path / "out"),
                                   "--register", str(tmp_path / "发文登记.csv"), "--issued-on", "2027-01-11"],
                             env={"LIAISON_TODAY": "2027-01-11"})
        assert done.exit_code == 0, done.output
        import json

        state = json.loads(next((tmp_path / "out" / "2027").glob("plan-*.json")).read_text(encoding="utf-8"))
        numbers = sorted(int(r["doc_number"].split("〕")[1].removesuffix("号")) for r in state["letters"]
                         if r["series"] == "区府办")
        assert numbers[0] == 8
        bad = runner.invoke(cli, ["export", "docx", "--year", "2027", "--out", str(tmp_path / "out"),
                                  "--register", str(tmp_path / "坏.csv"), "--issued-on", "2027-01-11"],
                            env={"LIAISON_TODAY": "2027-01-11"})
        assert bad.exit_code != 0 and "坏.csv: 2: " in bad.output and "Traceback" not in bad.output
    finally:
        plugins.reset()


def test_a_records_file_may_carry_the_register_and_no_check_counts_it() -> None:
    from liaison.formats.records import parse_records
    from liaison.law.compliance import check

    district = seed_district()
    text = 'district = "seed"\n[[register]]\ndoc_number = "区府办函[2027]第12号"\ndate = 2027-03-01\n'
    records = parse_records(text, district, file="r.toml")
    assert [e.number for e in records.register] == [("区府办函", 2027, 12)]
    assert check(district, records, YEAR) == check(district, Records(district_id="seed"), YEAR)
    with pytest.raises(LiaisonError) as caught:
        parse_records(text.replace("[2027]第12号", "2027-12"), district, file="r.toml")
    assert "$.register[0].doc_number" in caught.value.render("zh") and "不是发文字号" in caught.value.render("zh")
