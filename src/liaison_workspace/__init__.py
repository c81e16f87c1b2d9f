"""The edge where a district's years are kept: the workspace (export, update, publish) and the stores
it works through.

    from liaison_workspace import MemoryStore, Workspace
    ws = Workspace("out")                      # the output folder: out/<year>/…
    ws = Workspace(store=MemoryStore())        # any liaison.year.store.YearStore
    outcome = ws.export(district, 2027, [("ical", {}), ("docx", {})], issued_on=date(2027, 1, 11))

- :mod:`liaison_workspace.workspace` — :class:`Workspace`: export, update, publish through a store;
- :mod:`liaison_workspace.store` — :class:`FolderStore`: the output folder and its JSON state files;
- :mod:`liaison_workspace.folder` — the journaled swap of a year's folder and the recovery after a crash;
- :mod:`liaison_workspace.durable` — writes that survive a crash;
- :mod:`liaison_workspace.memory` — :class:`MemoryStore`: years in memory.
"""

from __future__ import annotations

from liaison.year.store import (
    Commit,
    ExportEntry,
    NoRevision,
    NoState,
    Note,
    Revision,
    RevisionConflict,
    Stored,
    YearStore,
)
from liaison_workspace.durable import write_atomic
from liaison_workspace.memory import MemoryStore
from liaison_workspace.store import FolderStore
from liaison_workspace.workspace import ExportOutcome, UpdateOutcome, Workspace, renamed

__all__ = ["Commit", "ExportEntry", "ExportOutcome", "FolderStore", "MemoryStore", "NoRevision", "NoState", "Note",
           "Revision", "RevisionConflict", "Stored", "UpdateOutcome", "Workspace", "YearStore", "renamed",
           "write_atomic"]
