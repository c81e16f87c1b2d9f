"""`liaison export --help` says what its options do now (#24), in both languages: --district-name
changes the drafts and the letters issued by this export, never one already issued; --register reads
UTF-16 too (Excel's Unicode text, as docs/cli.md says); --records brings the contacts of the 责任制 and
a ledger's 发文登记 sheet besides the records the letters answer."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from liaison_cli.main import cli


def option_help(lang: str, name: str) -> str:
    result = CliRunner().invoke(cli, ["--lang", lang, "export", "--help"], prog_name="liaison",
                                env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", " ", result.output)
    start = text.index(f" {name} ")
    following = re.search(r" --[a-z][a-z-]+ ", text[start + len(name) + 2:])
    return text[start:start + len(name) + 2 + (following.start() if following else len(text))]


@pytest.mark.parametrize(("lang", "name", "said"), [
    ("zh", "--district-name", ["草稿", "已印发的函件不再改变"]),
    ("en", "--district-name", ["drafts", "already issued never changes"]),
    ("zh", "--register", ["UTF-16"]),
    ("en", "--register", ["UTF-16"]),
    ("zh", "--records", ["征求意见", "调研反馈", "责任制", "发文登记"]),
    ("en", "--records", ["consultations", "research feedback", "liaison duty", "register of letters issued"]),
])
def test_the_export_options_say_what_they_do(lang: str, name: str, said: list[str]) -> None:
    text = option_help(lang, name)
    if lang == "zh":  # click wraps Chinese anywhere: compare without the spaces of its line breaks
        text = re.sub(r"\s", "", text)
    assert all(s in text for s in said), text
