"""The regulation's title and its short title are the data's (`[district] regulation_title`,
`regulation_title_en`, `regulation_short_title`): a district whose regulation is called otherwise
finds its own title, and never the seed's, in every file every exporter writes, in the findings and
in `liaison provisions`."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import seed_text
from click.testing import CliRunner

from liaison.formats.district import parse_district
from liaison.host import plugins
from liaison.law.compliance import check
from liaison.law.records import Records
from liaison_cli.main import cli

pytest.importorskip("openpyxl")
SEED_TITLE = "推进市区各民主党派联络意见"
SEED_TITLE_EN = "Opinions on Strengthening Liaison with the Democratic Parties"
TITLE = "海沧区加强与民主党派工商联联系工作实施办法"
TITLE_EN = "Implementing Measures on Liaison with the Democratic Parties and the ICF"
SHORT = "《实施办法》"


def retitled() -> str:
    text = seed_text()
    text = text.replace(f'regulation_title = "{SEED_TITLE}"', f'regulation_title = "{TITLE}"', 1)
    return text.replace(f'regulation_title_en = "{SEED_TITLE_EN}"', f'regulation_title_en = "{TITLE_EN}"', 1)


def words(path: Path) -> str:
    """The text of a file as a reader sees it: the XML parts of a .docx or .xlsx without their tags."""
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            return "".join(re.sub(r"<[^>]+>", "", z.read(n).decode("utf-8")) for n in z.namelist()
                           if n.endswith(".xml"))
    return path.read_text(encoding="utf-8") if path.suffix in (".ics", ".html", ".json") else ""


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("retitled")
    data = out / "district.toml"
    data.write_text(retitled(), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LIAISON_PLUGINS", "ical,docx,xlsx,html")
        plugins.reset()
        result = CliRunner().invoke(cli, ["export", "all", "--year", "2027", "--out", str(out / "out"),
                                          "--data", str(data)])
        plugins.reset()
    assert result.exit_code == 0, result.output
    yield out / "out" / "2027"


def test_the_short_title_is_the_kind_the_title_ends_with() -> None:
    assert parse_district(retitled()).info.regulation_short_title == "实施办法"


def test_no_file_an_exporter_writes_names_the_seeds_regulation(exported: Path) -> None:
    files = [p for p in exported.rglob("*") if p.is_file()]
    said = {p: words(p) for p in files}
    assert {p.suffix for p in files} >= {".docx", ".xlsx", ".ics", ".html"}
    for path, text in said.items():
        assert SEED_TITLE not in text and "《意见》" not in text and SEED_TITLE_EN not in text, path
    notices = [t for p, t in said.items() if p.suffix == ".docx" and "通知" in p.parts[-2]]
    assert notices and all(f"《{TITLE}》（以下简称{SHORT}）" in t for t in notices)
    assert any(f"{SHORT}原文未作规定" in t or f"{SHORT}第" in t for t in notices)  # cited by its short title
    assert any(TITLE in t for p, t in said.items() if p.suffix == ".xlsx")
    page = next(t for p, t in said.items() if p.suffix == ".html")
    assert TITLE in page and TITLE_EN in page


def test_findings_and_provisions_name_the_districts_regulation(tmp_path: Path) -> None:
    district = parse_district(retitled())
    early = check(district, Records(district_id=district.info.id), 2021)  # before any rule is in force
    assert any(TITLE in n for n in early.notes_zh) and not any(SEED_TITLE in n for n in early.notes_zh)
    for f in check(district, Records(district_id=district.info.id), 2027).findings:
        assert SEED_TITLE not in f.message_zh and "《意见》" not in f.message_zh
    (tmp_path / "district.toml").write_text(retitled(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["provisions", "--data", str(tmp_path / "district.toml")])
    assert result.exit_code == 0, result.output
    assert TITLE in result.output and SEED_TITLE not in result.output
