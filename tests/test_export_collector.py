"""An export runs with Python's cyclic collector paused (liaison.host.collector): off while the
exporters make their files, back as it was after — also when an exporter fails."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from liaison.base.errors import ExportError
from liaison.formats.district import seed_district
from liaison.host.exporting import Artifact, Exporter, build_export

YEAR = 2027


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


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

