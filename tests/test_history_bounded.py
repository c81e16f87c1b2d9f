"""A year's history costs a command the same however long it is (issue #23's review): the folder
store learns the revisions from the entries' names (their sha256 in the name), reads an entry only
when that revision is asked for (and checks its bytes then), keeps the last ``keep_history``
revisions but every export's and every issued letter's copy, and the export's receipt key takes the
history and the archive by size and time, not by their bytes. Counted in files opened, not timed."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from liaison.base.errors import ExportError
from liaison.formats.district import seed_district
from liaison.host import plugins
from liaison.year.reconcile import Change
from liaison.year.state import ARCHIVE
from liaison.year.store import NoRevision, Revision
from liaison_workspace import FolderStore, Workspace
from liaison_workspace.folder import HISTORY
from liaison_workspace.store import KEEP_HISTORY, _entry_name

YEAR = 2027

_opened: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and _opened is not None and isinstance(args[0], str | Path):
        _opened.append(str(args[0]))


sys.addaudithook(_audit)  # audit hooks stay for the process: it counts only inside ``opening``


@contextmanager
def opening() -> Iterator[list[str]]:
    """The paths opened in the block (any open: builtins, io, os)."""
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def with_history(root: Path, entries: int) -> FolderStore:
    """A year whose history holds ``entries`` states (the first the update's, the others its bytes
    with whitespace added, as a save would name them), the state file the last of them."""
    store = FolderStore(root, lock_wait=5)
    Workspace(store=store).update(seed_district(), YEAR)
    state_path = store.state_path(seed_district(), YEAR)
    data = state_path.read_bytes()
    folder = store.folder(YEAR) / HISTORY
    for seq in range(2, entries + 1):
        data = data + b"\n"
        (folder / _entry_name(seq, Revision(hashlib.sha256(data).hexdigest(), "update"))).write_bytes(data)
    state_path.write_bytes(data)
    return store


def counted(store: FolderStore, call: Callable[[FolderStore], object]) -> tuple[int, int]:
    """(paths opened, those under the history) by ``call`` on a fresh handle on the store's folder."""
    fresh = FolderStore(store.root, lock_wait=5)
    with opening() as opened:
        call(fresh)
    return len(opened), sum(f"/{HISTORY}/" in p for p in opened)


@pytest.mark.parametrize("call", [lambda s: s.load(seed_district(), YEAR),
                                  lambda s: s.revisions(seed_district(), YEAR)], ids=["load", "revisions"])
def test_a_load_opens_the_same_files_with_300_history_entries_as_with_3(tmp_path: Path,
                                                                         call: Callable[[FolderStore], object]) -> None:
    few = with_history(tmp_path / "few", 3)
    many = with_history(tmp_path / "many", 300)
    assert len(many.revisions(seed_district(), YEAR)) == 300 and many.load(seed_district(), YEAR) is not None
    opened_few, history_few = counted(few, call)
    opened_many, history_many = counted(many, call)
    # before: every entry read and hashed on each load (300 opens under .history/)
    assert (history_few, history_many) == (0, 0) and opened_many == opened_few > 0


def test_an_old_revision_is_read_when_asked_for_and_checked_against_its_name(tmp_path: Path) -> None:
    store = with_history(tmp_path / "out", 5)
    revisions = store.revisions(seed_district(), YEAR)
    second = revisions[1].tag
    loaded = store.load(seed_district(), YEAR, revision=second)
    assert loaded is not None and loaded.revision == second
    entry = next(p for p in (store.folder(YEAR) / HISTORY).iterdir() if second in p.name)
    entry.write_bytes(entry.read_bytes() + b" ")  # edited by hand: its bytes no longer that revision
    with pytest.raises(NoRevision):
        store.load(seed_district(), YEAR, revision=second)


@pytest.fixture
def exporters(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LIAISON_PLUGINS", "ical,docx")
    plugins.reset()
    yield
    plugins.reset()


def test_saves_keep_the_last_revisions_every_exports_and_the_issued_letters(tmp_path: Path, exporters: None) -> None:
    store = FolderStore(tmp_path / "out", lock_wait=5, keep_history=3)
    ws = Workspace(store=store)
    seed = seed_district()
    exported = ws.export(seed, YEAR, [("docx", {"kinds": "invitation"})], issued_on=dt.date(2027, 3, 26))
    letters = store.folder(YEAR) / HISTORY / "letters"
    kept_letters = sorted(p.name for p in letters.iterdir())
    assert kept_letters and exported.state.letters
    first = store.revisions(seed, YEAR)
    ids = [e.id for e in exported.state.plan.engagements if e.status.value == "proposed"
           and e.date > dt.date(2027, 6, 1)]
    for engagement in ids[:6]:
        ws.update(seed, YEAR, [Change("cancel", engagement)])
        if engagement == ids[0]:
            gone = store.revisions(seed, YEAR)[-1]
    now = store.revisions(seed, YEAR)
    assert [r.kind for r in now] == ["export", "update", "update", "update"]  # the export's, and the last 3
    assert now[0] == next(r for r in first if r.kind == "export")
    assert sorted(p.name for p in letters.iterdir()) == kept_letters  # never pruned: the office's record
    assert [h.revision for h in ws.history(seed, YEAR)] == [now[0].tag]
    with pytest.raises(NoRevision):
        store.load(seed, YEAR, revision=gone.tag)
    assert store.load(seed, YEAR, revision=now[1].tag) is not None


def test_the_history_kept_is_set_by_the_environment_and_a_bad_value_is_an_error(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert FolderStore(tmp_path).keep_history == KEEP_HISTORY
    monkeypatch.setenv("LIAISON_HISTORY_KEEP", "7")
    assert FolderStore(tmp_path).keep_history == 7
    monkeypatch.setenv("LIAISON_HISTORY_KEEP", "0")
    with pytest.raises(ExportError) as raised:
        FolderStore(tmp_path)
    assert "LIAISON_HISTORY_KEEP" in raised.value.message and raised.value.message_zh and raised.value.fix_zh


def test_the_receipt_key_takes_the_history_by_size_and_time_not_by_bytes(tmp_path: Path) -> None:
    from liaison_cli import receipts

    assert receipts._KEPT_ONLY == (HISTORY, ARCHIVE)
    store = with_history(tmp_path / "out", 300)
    with opening() as opened:
        key = receipts.inputs_key("export", {"year": YEAR}, str(store.root), (YEAR,), False)
    assert key is not None and not [p for p in opened if f"/{HISTORY}/" in p]
    entry = next(iter(sorted((store.folder(YEAR) / HISTORY).iterdir())))
    entry.write_bytes(entry.read_bytes() + b" ")  # rewritten: another size and time, another key
    assert receipts.inputs_key("export", {"year": YEAR}, str(store.root), (YEAR,), False) != key
