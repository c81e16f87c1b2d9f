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

from typing import TYPE_CHECKING

from liaison.lazy import lazy_exports

# Each name once, by the module that defines it; loaded on first use (liaison.lazy), so a command that
# reads a cached district or the law's kept estimates (liaison_workspace.districts, .estimates) does not
# load the workspace, its stores and the folder's journal with them.
if TYPE_CHECKING:
    from liaison.year.store import Commit as Commit
    from liaison.year.store import ExportEntry as ExportEntry
    from liaison.year.store import NoRevision as NoRevision
    from liaison.year.store import NoState as NoState
    from liaison.year.store import Note as Note
    from liaison.year.store import Revision as Revision
    from liaison.year.store import RevisionConflict as RevisionConflict
    from liaison.year.store import Stored as Stored
    from liaison.year.store import YearStore as YearStore
    from liaison_workspace.durable import write_atomic as write_atomic
    from liaison_workspace.memory import MemoryStore as MemoryStore
    from liaison_workspace.store import FolderStore as FolderStore
    from liaison_workspace.workspace import BatchOutcome as BatchOutcome
    from liaison_workspace.workspace import ExportOutcome as ExportOutcome
    from liaison_workspace.workspace import Step as Step
    from liaison_workspace.workspace import UpdateOutcome as UpdateOutcome
    from liaison_workspace.workspace import Workspace as Workspace
    from liaison_workspace.workspace import renamed as renamed

__getattr__, __dir__ = lazy_exports(__name__)
