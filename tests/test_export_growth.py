"""Each exporter grows linearly in a department's pairings (issue #23's review): the scale
benchmark's ``--shape counterparts`` (the party branches and the ICF replicated k times, the seed's
departments paired with every copy), each exporter's dry-run export of the year planned and taken as
held, counted in Python function calls (cProfile), not timed: 4× the pairings, at most 4× the calls
and a margin. A department's letters, sheets and page rows grow with its counterparts; anything
that rescans them per counterpart (a register scanned per letter) grows with their square."""

from __future__ import annotations

import cProfile
import datetime as dt
import os
import pstats
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import bench_scale

from liaison.host import plugins
from liaison.host.exporting import ExportRequest
from liaison.law.records import Records
from liaison.year.numbering import LetterRecord
from liaison.year.planner import plan_year
from liaison_workspace import Workspace

SMALL, LARGE = 2, 8


@pytest.fixture(autouse=True)
def exporters() -> Iterator[None]:
    before = os.environ.get("LIAISON_PLUGINS")
    os.environ["LIAISON_PLUGINS"] = "docx,xlsx,html"
    plugins.reset()
    yield
    if before is None:
        os.environ.pop("LIAISON_PLUGINS", None)
    else:
        os.environ["LIAISON_PLUGINS"] = before
    plugins.reset()


def calls(name: str, k: int, tmp_path: Path | None = None) -> tuple[int, int]:
    """(Python function calls, those made in the letters' register, liaison.year.numbering) of one
    export by ``name``, after an untimed one (memo caches warm, as the benchmark measures): of the
    counterparts shape of size ``k``; with ``tmp_path``, the re-export of the district ``k`` times the
    seed (departments too: the letters grow with it) whose letters up to 20 November were issued by an
    export before (the register full)."""
    district = bench_scale().replicated(k, shape="replicated" if tmp_path is not None else "counterparts")
    plan = plan_year(district, 2027)
    letters: tuple[LetterRecord, ...] = ()
    if tmp_path is not None:
        done = Workspace(tmp_path / f"out{k}").export(district, 2027, [(name, {})], issued_on=dt.date(2027, 11, 20))
        plan, letters = done.state.plan, done.state.letters
        assert letters  # the register holds the year's letters issued by then
    request = ExportRequest(district=district, plan=plan, records=Records.from_plan(plan), letters=letters,
                            issued_on=dt.date(2027, 11, 21) if letters else dt.date(2027, 1, 4),
                            revision=2 if letters else 1)
    chosen = plugins.exporter(name)
    list(chosen.export(request))
    profile = cProfile.Profile()
    profile.runcall(lambda: list(chosen.export(request)))
    stats = pstats.Stats(profile)
    made = stats.stats  # type: ignore[attr-defined]
    register = sum(v[1] for where, v in made.items() if where[0].endswith(os.path.join("year", "numbering.py")))
    return int(stats.total_calls), int(register)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["docx", "xlsx", "html"])
def test_an_export_grows_linearly_in_a_departments_counterparts(name: str) -> None:
    (small, _), (large, _) = calls(name, SMALL), calls(name, LARGE)
    assert large > small
    # 2× to 8×: docx 309,763 to 1,131,274 calls (3.65×), xlsx 2.25×, html 2.69×
    assert large <= 1.25 * (LARGE / SMALL) * small, (small, large)


def test_a_re_export_looks_through_the_register_linearly(tmp_path: Path) -> None:
    (total_small, small), (total_large, large) = calls("docx", SMALL, tmp_path), calls("docx", LARGE, tmp_path)
    assert small and total_large > total_small
    # 2× to 8× (31 to 133 letters issued): the whole re-export 4.1× (317,294 to 1,306,294 calls), but
    # the register's calls 11.2× (1,600 to 17,848): at 100× (1,544 letters) 2.2 million
    assert large <= 1.25 * (LARGE / SMALL) * small, (small, large)
