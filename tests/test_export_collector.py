"""An export runs with Python's cyclic collector paused (liaison.host.collector): off while the
exporters make their files, back as it was after — also when an exporter fails —, where the process
allows it (the `liaison` command's does); a program calling the library keeps its collector."""

from __future__ import annotations

import gc

import pytest

from liaison.base.errors import ExportError
from liaison.formats.district import seed_district
from liaison.host import collector
from liaison.host.exporting import Artifact, Exporter, build_export

YEAR = 2027


def test_a_process_that_does_not_allow_it_keeps_its_collector(collector_on: None) -> None:
    seen: list[bool] = []

    def export(request: object) -> list[Artifact]:
        seen.append(gc.isenabled())
        return []

    collector.allow(False)
    build_export(seed_district(), YEAR, None, [(Exporter("probe", "", export, code="p0"), {})])
    assert seen == [True]
    assert gc.isenabled()


def test_the_command_allows_it_for_its_own_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """``liaison`` (its entry point) allows it before it runs any command; the click group alone,
    as a program embedding it calls it, does not."""
    from click.testing import CliRunner

    from liaison_cli import main as entry

    allowed = collector.allowed()
    try:
        collector.allow(False)
        assert CliRunner().invoke(entry.cli, ["--help"]).exit_code == 0
        assert not collector.allowed()
        monkeypatch.setattr("sys.argv", ["liaison", "--help"])
        with pytest.raises(SystemExit):
            entry.main()
        assert collector.allowed()
    finally:
        collector.allow(allowed)


def test_off_while_the_exporters_run_and_on_after(collector_on: None) -> None:
    seen: list[bool] = []

    def export(request: object) -> list[Artifact]:
        seen.append(gc.isenabled())
        return [Artifact("a.txt", "text/plain", b"a")]

    build_export(seed_district(), YEAR, None, [(Exporter("probe", "", export, code="p1"), {})])
    assert seen == [False]
    assert gc.isenabled()


def test_on_again_after_a_failing_exporter(collector_on: None) -> None:
    def export(request: object) -> list[Artifact]:
        raise RuntimeError("made to fail")

    with pytest.raises(ExportError):
        build_export(seed_district(), YEAR, None, [(Exporter("failing", "", export, code="f1"), {})])
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off(collector_on: None) -> None:
    gc.disable()
    build_export(seed_district(), YEAR, None, [(Exporter("probe", "", lambda r: [], code="p2"), {})])
    assert not gc.isenabled()

