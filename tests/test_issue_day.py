"""A day of issue by mistake (issue #24): issuing is irrevocable — numbers taken, bytes kept, the
drafts of past meetings dropped —, so, as ``--held`` for a day still to come, the command refuses a
day of issue after today and one before an earlier export's day unless ``--force``, in the output's
language, with nothing written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from liaison.formats.district import seed_district
from liaison.host.exporting import build_export
from liaison.host.plugins import exporter
from liaison.year.numbering import IssueDayRefused

EXPORT = ["export", "docx", "--year", "2027", "--option", "kinds=notice,invitation"]


@pytest.fixture
def loaded_plugins() -> str:
    return "docx"


def _export(out: Path, day: str, today: str, *more: str) -> tuple[int, str]:
    from liaison_cli.main import cli

    done = CliRunner().invoke(cli, [*EXPORT, "--out", str(out), "--issued-on", day, *more],
                              env={"LIAISON_TODAY": today})
    return done.exit_code, done.output


def _letters(out: Path) -> list[dict[str, object]]:
    found = list((out / "2027").glob("plan-*.json"))
    return json.loads(found[0].read_text(encoding="utf-8"))["letters"] if found else []


def test_a_day_of_issue_still_to_come_is_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, said = _export(out, "2027-11-01", "2026-12-07")  # a typo for 2027-01-11
    assert code == 1 and "2027-11-01" in said and "尚未到来" in said and "--force" in said and "Traceback" not in said
    assert not out.exists() or not any(out.rglob("*.docx"))
    code, said = _export(out, "2027-11-01", "2026-12-07", "--lang", "en")
    assert code == 1 and "still to come" in said and "today is 2026-12-07" in said
    code, said = _export(out, "2027-01-11", "2026-12-07", "--force")  # dated in advance, asked for
    assert code == 0, said
    assert _letters(out)


def test_a_day_of_issue_before_the_last_exports_is_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _export(out, "2027-01-11", "2027-01-11")[0] == 0
    before = _letters(out)
    code, said = _export(out, "2027-01-08", "2027-01-12")
    assert code == 1 and "2027-01-11" in said and "2027-01-08" in said and "Traceback" not in said
    assert _letters(out) == before
    assert _export(out, "2027-01-11", "2027-01-12")[0] == 0  # the same day again: the same export
    assert _export(out, "2027-01-08", "2027-01-12", "--force")[0] == 0


def test_an_export_that_only_dropped_drafts_counts_by_its_archive_day() -> None:
    """The day a withdrawn file went to 已作废/<day>/ is a day an export acted on, issued or not."""
    seed = seed_district()
    docx = [(exporter("docx"), {"kinds": "notice"})]
    first = build_export(seed, 2027, None, docx, issued_on=dt.date(2027, 1, 4), today=dt.date(2027, 1, 4))
    assert not first.state.letters  # the notices are due on the 5th: drafts only
    with pytest.raises(IssueDayRefused):
        build_export(seed, 2027, first.state, docx, issued_on=dt.date(2027, 1, 4), today=dt.date(2027, 1, 4),
                     archived=("已作废/2027-01-10/草稿/邀请函/x.docx",))
    build_export(seed, 2027, first.state, docx, issued_on=dt.date(2027, 1, 4), today=dt.date(2027, 1, 4),
                 archived=("已作废/3/草稿/邀请函/x.docx",))  # an archive numbered by an export without a day
