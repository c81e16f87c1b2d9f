"""`liaison export … --district-name`: one name for one export, in every file every exporter writes."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from liaison.host import plugins
from liaison_cli.main import cli

openpyxl = pytest.importorskip("openpyxl")
NAME = "厦门市海沧区"
PLUGINS = "ical,docx,xlsx,html"  # every exporter that writes the district's name


@pytest.fixture
def loaded_plugins() -> str:
    return PLUGINS


def export(out: Path, *args: str, day: str = "2027-03-20") -> tuple[int, str]:
    """An export on ``day``: the notices and the spring's first invitations have gone out, the rest are drafts."""
    result = CliRunner().invoke(cli, ["export", "all", "--year", "2027", "--out", str(out), "--issued-on", day, *args],
                                env={"LIAISON_TODAY": day})  # the day of issue is today
    return result.exit_code, result.output


def texts(docx: Path, part: str) -> str:
    with zipfile.ZipFile(docx) as z:
        return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", z.read(part).decode()))


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("renamed")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LIAISON_PLUGINS", PLUGINS)
        plugins.reset()
        code, output = export(out, "--district-name", f" {NAME} ")
        plugins.reset()
    assert code == 0, output
    folders = sorted(p.name for p in (out / "2027").iterdir() if p.is_dir())
    assert folders == [".history", "ical", "草稿", "通知", "邀请函"]  # .history: the store's earlier states
    yield out / "2027"


def test_the_name_heads_every_letter(renamed: Path) -> None:
    notice = sorted((renamed / "通知").glob("*.docx"))[0]
    body = texts(notice, "word/document.xml")
    assert body.startswith(f"{NAME}人民政府办公室文件")  # 发文机关标志
    assert re.search(f"{NAME}人民政府办公室\\d{{4}}年\\d{{1,2}}月\\d{{1,2}}日印发$", body)  # 印发机关, 版记
    invitation = next(p for p in sorted((renamed / "邀请函").glob("*.docx")) if "health" in p.name)
    assert texts(invitation, "word/header1.xml") == f"{NAME}卫生局"  # the 信函 letterhead
    assert f"{NAME}卫生局" in texts(invitation, "word/document.xml")  # the 署名
    for docx in renamed.rglob("*.docx"):
        assert "××区" not in texts(docx, "word/document.xml"), docx.name


def test_the_name_heads_calendars_and_sheets(renamed: Path) -> None:
    health = next(p for p in (renamed / "ical").glob("*.ics") if "health" in p.name)
    assert f"X-WR-CALNAME:{NAME}卫生局 2027年对口联系工作日程" in health.read_text(encoding="utf-8").splitlines()
    book = openpyxl.load_workbook(io.BytesIO((renamed / "2027年对口联系工作安排表.xlsx").read_bytes()))
    assert book.worksheets[0]["A1"].value == f"{NAME}2027年对口联系工作安排表"
    page = (renamed / "index.html").read_text(encoding="utf-8")
    assert f"<title>{NAME} 2027年" in page
    assert "××" not in page and "×× District" not in page  # the English heading follows the name too


def test_the_name_is_for_one_export_only(renamed: Path, tmp_path: Path) -> None:
    """Not kept in the state: a plain export afterwards writes the data's name again in the drafts,
    while the letters that went out under the other name stay as they went out, byte for byte."""
    assert NAME not in next(renamed.glob("plan-*.json")).read_text(encoding="utf-8")
    code, output = export(tmp_path, "--district-name", NAME)
    assert code == 0, output
    year = tmp_path / "2027"
    issued = {p: p.read_bytes() for folder in ("通知", "邀请函") for p in (year / folder).glob("*.docx")}
    code, output = export(tmp_path, day="2027-03-22")
    assert code == 0, output
    assert issued and {p: p.read_bytes() for p in issued} == issued
    assert texts(sorted((year / "通知").glob("*.docx"))[0], "word/document.xml").startswith(f"{NAME}人民政府办公室文件")
    draft = sorted((year / "草稿" / "邀请函").glob("*.docx"))[0]
    assert "××区" in texts(draft, "word/header1.xml") and NAME not in texts(draft, "word/document.xml")


@pytest.mark.parametrize("name", ["", "  ", "海沧\n区"])
def test_a_name_that_cannot_head_a_letter_is_refused(tmp_path: Path, name: str) -> None:
    code, output = export(tmp_path, "--district-name", name)
    assert code == 1
    assert "district_name" in output and "区名" in output and "厦门市海沧区" in output
    assert not (tmp_path / "2027").exists()


def test_the_removed_signature_option_says_what_to_use(tmp_path: Path) -> None:
    code, output = export(tmp_path, "--option", "signature=厦门市海沧区人民政府办公室")
    assert code == 1
    assert "signature" in output and "--district-name" in output and "issuer" in output
