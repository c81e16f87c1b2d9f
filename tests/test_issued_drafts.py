"""A draft that became an issued letter is not withdrawn (issue #24): when the notices go out, their
drafts leave 草稿/ and are removed — not filed under 已作废/, which keeps the letters really withdrawn
(and the drafts of meetings whose day came before they went out). In a folder and in memory alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from liaison.formats.district import seed_district
from liaison.year.state import ARCHIVE
from liaison_workspace import MemoryStore, Workspace

NOTICES = [("docx", {"kinds": "notice", "pdf": "false"})]


@pytest.fixture
def loaded_plugins() -> str:
    return "docx"


def test_issued_notices_remove_their_drafts_instead_of_archiving_them(tmp_path: Path) -> None:
    ws, seed = Workspace(tmp_path / "out"), seed_district()
    first = ws.export(seed, 2027, NOTICES, issued_on=dt.date(2027, 1, 4))
    drafts = sorted(f.path for f in first.state.manifest.files if f.path.startswith("草稿/通知/"))
    assert drafts and all((ws.folder(2027) / p).is_file() for p in drafts)
    issued = ws.export(seed, 2027, NOTICES, issued_on=dt.date(2027, 1, 11))
    assert not issued.archived
    assert not (ws.folder(2027) / "草稿").exists()
    assert not (ws.folder(2027) / ARCHIVE).exists() or not list((ws.folder(2027) / ARCHIVE).rglob("*.docx"))
    letters = [r for r in issued.state.letters if r.kind == "notice"]
    assert len(letters) == len(drafts) and all((ws.folder(2027) / r.path).is_file() for r in letters)
    assert not [f for f in issued.state.manifest.files if f.path.startswith("草稿/")]


def test_in_memory_too() -> None:
    ws, seed = Workspace(store=MemoryStore()), seed_district()
    first = ws.export(seed, 2027, NOTICES, issued_on=dt.date(2027, 1, 4))
    drafts = [f.path for f in first.state.manifest.files if f.path.startswith("草稿/通知/")]
    assert drafts and all(ws.store.read(seed, 2027, p) is not None for p in drafts)
    issued = ws.export(seed, 2027, NOTICES, issued_on=dt.date(2027, 1, 11))
    assert not issued.archived and not ws.store.archived(seed, 2027)
    assert all(ws.store.read(seed, 2027, p) is None for p in drafts)
    held = [f.path for f in issued.state.manifest.files]
    assert not [p for p in held if p.startswith("草稿/")]
