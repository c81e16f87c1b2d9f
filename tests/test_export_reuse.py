"""An export reuses an exporter's files when nothing its output depends on has changed (issue #23,
fixed costs): the exporter is not called, the folder is byte for byte what a full render gives, and
any one input changed — or a file deleted or edited in the folder — makes it render again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import liaison
from liaison.host import plugins
from liaison.host.exporting import Artifact, Exporter, ExportRequest, input_digest
from liaison.host.options import Option
from liaison.law.notices import HolidayNotice
from liaison.law.records import DocumentRecord, Records
from liaison.law.workdays import default_calendar
from liaison.year.numbering import LetterRecord
from liaison.year.reconcile import Change
from liaison_workspace import Workspace

YEAR = 2027


@attrs.define
class Counting:
    """A plugin whose exporter counts its calls and writes the plan's ids and its inputs; ``version``
    stands for the plugin's code (what a new release or an edited template changes)."""

    calls: int = 0
    numbered: int = 0
    version: str = "1"

    @liaison.hookimpl
    def register_exporters(self, register: Callable[[Exporter], None]) -> None:
        def export(request: ExportRequest) -> Iterable[Artifact]:
            self.calls += 1
            lines = [request.district.info.name, str(request.option("flavour")), str(request.issued_on),
                     str(len(request.records.documents) if request.records else 0),
                     *(f"{e.id} {e.status} {e.date}" for e in request.plan.engagements)]
            yield Artifact("counted/ids.txt", "text/plain", "\n".join(lines).encode())
            yield Artifact("counted/version.txt", "text/plain", self.version.encode())

        register(Exporter("counted", "counts its calls", export, code=f"counted {self.version}",
                          options=(Option(name="flavour", type="text", default="plain"),), reads_letters=False))

        def numbered(request: ExportRequest) -> Iterable[Artifact]:  # reads the register: conservative
            self.numbered += 1
            yield Artifact("numbered.txt", "text/plain", str(len(request.letters)).encode())

        register(Exporter("numbered", "reads the register", numbered, code="numbered 1"))


@pytest.fixture
def counting() -> Iterator[Counting]:
    plugin = Counting()
    plugins.register(plugin, name="counted")
    yield plugin
    plugins.plugin_manager().unregister(name="counted")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".history" not in p.parts}


def test_a_rerun_with_nothing_changed_calls_no_exporter(tmp_path: Path, counting: Counting) -> None:
    district, ws = liaison.seed_district(), Workspace(tmp_path / "out")
    first = ws.export(district, YEAR, [("counted", {})])
    before = _files(ws.folder(YEAR))
    again = ws.export(district, YEAR, [("counted", {})])
    assert counting.calls == 1 and first.reused == () and again.reused == ("counted",)
    assert again.written == () and set(again.unchanged) == {"counted/ids.txt", "counted/version.txt"}
    assert _files(ws.folder(YEAR)) == before  # the state too: no byte changed, no revision made
    assert again.revision == first.revision


def _district_renamed(ws: Workspace, kwargs: dict[str, Any], counting: Counting) -> None:
    kwargs["district_name"] = "厦门市海沧区"


def _plan_changed(ws: Workspace, kwargs: dict[str, Any], counting: Counting) -> None:
    district = liaison.seed_district()
    first = ws.read_state(district, YEAR).plan.engagements[0]  # type: ignore[union-attr]
    ws.update(district, YEAR, [Change("confirm", first.id)])


def _options_changed(ws: Workspace, kwargs: dict[str, Any], counting: Counting) -> None:
    kwargs["formats"] = [("counted", {"flavour": "sweet"})]


def _records_given(ws: Workspace, kwargs: dict[str, Any], counting: Counting) -> None:
    kwargs["records"] = Records(district_id="seed", documents=(
        DocumentRecord("doc-1", "区卫生局", dt.date(YEAR, 3, 1)),))


def _issued_on_given(ws: Workspace, kwargs: dict[str, Any], counting: Counting) -> None:
    kwargs["issued_on"] = dt.date(YEAR, 1, 4)


def _code_changed(ws: Workspace, kwargs: dict[str, Any], counting: Counting) -> None:
    counting.version = "2"


def _file_deleted(ws: Workspace, kwargs: dict[str, Any], counting: Counting) -> None:
    (ws.folder(YEAR) / "counted" / "ids.txt").unlink()


def _file_edited(ws: Workspace, kwargs: dict[str, Any], counting: Counting) -> None:
    (ws.folder(YEAR) / "counted" / "version.txt").write_bytes(b"edited by hand")


@pytest.mark.parametrize("change", [_district_renamed, _plan_changed, _options_changed, _records_given,
                                    _issued_on_given, _code_changed, _file_deleted, _file_edited],
                         ids=lambda f: f.__name__.strip("_"))
def test_any_one_input_changed_or_file_touched_renders_again(
        tmp_path: Path, counting: Counting, change: Callable[[Workspace, dict[str, Any], Counting], None]) -> None:
    district, ws = liaison.seed_district(), Workspace(tmp_path / "out")
    ws.export(district, YEAR, [("counted", {})])
    kwargs: dict[str, Any] = {"formats": [("counted", {})]}
    change(ws, kwargs, counting)
    formats = kwargs.pop("formats")
    outcome = ws.export(district, YEAR, formats, **kwargs)
    assert counting.calls == 2 and outcome.reused == ()
    assert (ws.folder(YEAR) / "counted" / "version.txt").read_bytes() == counting.version.encode()
    again = ws.export(district, YEAR, formats, **kwargs)  # and once rendered, the same again is reused
    assert counting.calls == 2 and again.reused == ("counted",)


def test_the_output_after_a_reuse_is_the_output_of_a_full_render(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Every built-in exporter — the letters, which issue numbers, too — reused on a rerun, and the
    folder byte-identical to one where the rerun rendered everything."""
    monkeypatch.setenv(plugins.ENV_VAR, "ical,docx,xlsx,html")
    plugins.reset()
    try:
        district, names = liaison.seed_district(), ["ical", "docx", "xlsx", "html"]
        reused, rendered = Workspace(tmp_path / "reused"), Workspace(tmp_path / "rendered")
        day = dt.date(2026, 12, 1)
        for ws in (reused, rendered):
            ws.export(district, YEAR, [(n, {}) for n in names], issued_on=day)
        outcome = reused.export(district, YEAR, [(n, {}) for n in names], issued_on=day)
        full = rendered.export(district, YEAR, [(n, {}) for n in names], issued_on=day, reuse=False)
        assert sorted(outcome.reused) == sorted(names) and full.reused == ()
        assert _files(reused.folder(YEAR)) == _files(rendered.folder(YEAR))
        assert outcome.state == full.state
    finally:
        monkeypatch.delenv(plugins.ENV_VAR)
        plugins.reset()


def test_an_exporter_reading_the_register_is_reused_once_the_export_number_holds(tmp_path: Path,
                                                                                 counting: Counting) -> None:
    """An exporter that may read the letters and the export's number (``reads_letters``, the
    default) is recorded against the number it saw: after an export that wrote files, the next
    sees another number and renders once more; from then on it is reused."""
    district, ws = liaison.seed_district(), Workspace(tmp_path / "out")
    runs = [ws.export(district, YEAR, [("numbered", {})]).reused for _ in range(3)]
    assert runs == [(), (), ("numbered",)] and counting.numbered == 2


# -- the digest itself: every input it names changes it ----------------------------------------------
_letter = LetterRecord(key="notice/health", kind="notice", series="区府办函", year=YEAR, serial=1,
                       doc_number="区府办函〔2027〕1号", date=dt.date(YEAR, 1, 5), digest="d", path="通知/01.docx")


def _inputs() -> dict[str, Any]:
    district = liaison.seed_district()
    return {"district": district, "plan": liaison.plan_year(district, YEAR), "options": {"flavour": "plain"},
            "records": None, "letters": (), "issued_on": None, "calendar": None, "notices": (), "revision": 1}


_BASE = _inputs()
_CHANGES: dict[str, Callable[[Any], Any]] = {
    "district": lambda d: d.renamed("厦门市海沧区"),
    "plan": lambda p: attrs.evolve(p, engagements=p.engagements[1:]),
    "options": lambda o: {"flavour": "sweet"},
    "records": lambda r: Records(district_id="seed"),
    "letters": lambda _: (_letter,),
    "revision": lambda r: r + 1,
    "issued_on": lambda _: dt.date(YEAR, 1, 4),
    "calendar": lambda _: default_calendar(),
    "notices": lambda _: (HolidayNotice(year=YEAR, papers=(), days=()),),
}
_EXPORTER = Exporter("counted", "", lambda r: (), code="c1")


@settings(max_examples=30, deadline=None)
@given(st.sets(st.sampled_from(sorted(_CHANGES)), min_size=1), st.sampled_from(["c1", "c2"]))
def test_the_digest_changes_with_every_input_and_is_stable(changed: set[str], code: str) -> None:
    base = input_digest(_EXPORTER, **_BASE)
    assert input_digest(_EXPORTER, **_inputs()) == base  # the same inputs, built again: the same digest
    inputs = {k: (_CHANGES[k](v) if k in changed else v) for k, v in _BASE.items()}
    exporter = attrs.evolve(_EXPORTER, code=code)
    assert input_digest(exporter, **inputs) != base
    if code == "c1":
        assert input_digest(exporter, **inputs) == input_digest(exporter, **inputs)


@pytest.mark.parametrize("register", [{"letters": (_letter,)}, {"revision": 2}])
def test_the_register_is_left_out_for_an_exporter_that_does_not_read_it(register: dict[str, Any]) -> None:
    blind = attrs.evolve(_EXPORTER, reads_letters=False)
    assert input_digest(blind, **{**_BASE, **register}) == input_digest(blind, **_BASE)
    assert input_digest(_EXPORTER, **{**_BASE, **register}) != input_digest(_EXPORTER, **_BASE)


def test_an_exporter_of_unknown_code_is_always_run(tmp_path: Path) -> None:
    calls: list[int] = []

    def export(request: ExportRequest) -> Iterable[Artifact]:
        calls.append(1)
        yield Artifact("x.txt", "text/plain", b"x")

    from liaison.host.exporting import build_export

    district, unknown = liaison.seed_district(), Exporter("x", "", export)
    first = build_export(district, YEAR, None, [(unknown, {})])
    again = build_export(district, YEAR, first.state, [(unknown, {})])
    assert len(calls) == 2 and again.reused == () and again.writes == ()
