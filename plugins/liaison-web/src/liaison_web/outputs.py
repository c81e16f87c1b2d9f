"""The year's outputs over HTTP — letters, calendars, workbooks, the page — made by the one export
flow the command runs (:meth:`liaison_workspace.Workspace.export`: :func:`liaison.build_export` and
the exporters of the plugins), never by a second copy of it.

- :func:`render` answers a download. It exports the year *as it is in the database* into a
  temporary output folder — the current revision's state and the exporter's files, handed to a
  :class:`~liaison_workspace.FolderStore` there — with the year's records kept here (what ``liaison
  export FORMAT --issued-on DAY --records LEDGER`` would write: the 征求意见函 and 反馈函 come from
  them), reads the files back and removes the folder. Nothing is saved in the database: a download
  issues no letter. The result is cached per (database, district version, year, revision, state of
  the records, exporter, options, day, the neighbouring plan years' revisions — their letters in the
  registers the year numbers into and shows): a revision names its content and is never reused, nor is a
  state of the records (:func:`liaison_web.records.state_of`), so a second download of the same
  thing renders nothing. An exporter whose inputs are those of the last export the year had, with
  its files as that export left them, is not even run there (the flow's own reuse): its files are
  the database's bytes.
- :func:`issue` is the export that counts: ``liaison export docx --issued-on DAY --records LEDGER``
  through the database store, the records those kept here — the drafts due on or before the day
  take their numbers from the year's register, and the issued letters' bytes are kept in the year
  store for good, as an output folder keeps them.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from liaison.law.district import District
from liaison.law.records import Records
from liaison.year.numbering import LetterRecord, holding_years, register_years
from liaison.year.state import YearState
from liaison.year.store import Commit, RevisionConflict
from liaison_web.store import DatabaseStore

__all__ = ["DRAFTS", "MEDIA_TYPES", "Rendered", "issue", "kept_records", "media_type", "render", "renders"]

#: The folder a letter not yet issued is written under (the docx plugin's; see docs/letters.md).
DRAFTS = "草稿"

MEDIA_TYPES: Mapping[str, str] = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html; charset=utf-8",
    ".ics": "text/calendar; charset=utf-8",
}


def media_type(path: str) -> str:
    return next((kind for suffix, kind in MEDIA_TYPES.items() if path.endswith(suffix)), "application/octet-stream")


@attrs.frozen(kw_only=True)
class Rendered:
    """What an export of one exporter leaves: the year's state after it (its letters' register, its
    manifest) and the exporter's files by their path inside the year."""

    state: YearState
    files: Mapping[str, bytes] = attrs.field(repr=lambda f: f"<{len(f)} files>")

    def letters(self) -> dict[str, LetterRecord]:
        """The active letters' records by path."""
        return {record.path: record for record in self.state.letters if record.active}


_Key = tuple[str, str, str, int, str, tuple[int, int], str, tuple[tuple[str, Any], ...], dt.date,
             tuple[str | None, ...]]
_CACHE: OrderedDict[_Key, Rendered] = OrderedDict()
_CACHE_SIZE = 12
_GUARD = threading.Lock()
_MAKING: dict[_Key, threading.Lock] = {}
#: How many exports :func:`render` ran (a test reads it: a second download renders nothing).
renders = 0


def render(district: District, version: str, year: int, revision: str, exporter: str,
           options: Mapping[str, Any], day: dt.date, *, using: str = "default") -> Rendered:
    """The files ``exporter`` (with ``options``) writes for the year at ``revision`` on ``day``, cached
    (see the module docstring). Two requests for the same key at once render it once. The day is
    required, as by the export flow for letters (:class:`liaison.host.exporting.DayOfIssueNeeded`):
    the API passes the one asked for, else today in the district's time zone."""
    from liaison_web.records import records_state

    counted = records_state(district, year)
    database = DatabaseStore(using=using)
    around = tuple(database.current(district, other) for other in holding_years(year, register_years(year, day)))
    key: _Key = (using, district.info.id, version, year, revision, counted, exporter, tuple(sorted(options.items())),
                 day, around)
    with _GUARD:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        making = _MAKING.setdefault(key, threading.Lock())
    with making:
        with _GUARD:
            if key in _CACHE:
                return _CACHE[key]
        made = _export(district, year, revision, exporter, options, day, using, kept_records(district, year, counted))
        with _GUARD:
            _CACHE[key] = made
            _MAKING.pop(key, None)
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    return made


def _export(district: District, year: int, revision: str, exporter: str, options: Mapping[str, Any],
            day: dt.date, using: str, records: Records | None) -> Rendered:
    from liaison.host.plugins import exporters, working_day_calendar
    from liaison_workspace import FolderStore, Workspace

    global renders
    database = DatabaseStore(using=using)
    stored = database.load(district, year, revision=revision)
    if stored is None:
        raise RevisionConflict.of(database.place(district, year), current=database.current(district, year),
                                  expected=revision)
    # the exporter's files as the database holds them: the issued letters' bytes, and what lets the
    # flow reuse a run whose inputs have not changed
    # an exporter that shows the letters' register (the workbooks' 发文登记) runs with the letters'
    # exporter, as `liaison export all` runs them: it then sees the register as that day's issue
    # leaves it, and the two give the same bytes
    run = [(exporter, dict(options))]
    installed = exporters()
    chosen = installed.get(exporter)
    if chosen is not None and chosen.reads_register and exporter != "docx" and "docx" in installed:
        run.insert(0, ("docx", {}))
    names = {name for name, _ in run}
    held = [(f.path, data) for f in stored.state.manifest.files if f.exporter in names
            and (data := database.read(district, year, f.path)) is not None]
    with tempfile.TemporaryDirectory(prefix="liaison-web-export-") as folder:
        scratch = FolderStore(folder)
        scratch.save(district, year, Commit(stored.state, tuple(held), kind="export"), expected=None)
        # the neighbouring plan years' letters (a letter issued in another calendar year is numbered in
        # its register, the 发文登记 sheet lists theirs) read where they are kept
        outcome = Workspace(store=scratch).export(district, year, run, issued_on=day, records=records,
                                                  calendar=working_day_calendar(), around=database)
        files = {f.path: data for f in outcome.state.manifest.files if f.exporter == exporter
                 and (data := scratch.read(district, year, f.path)) is not None}
    renders += 1
    return Rendered(state=outcome.state, files=files)


def kept_records(district: District, year: int, state: tuple[int, int] | None = None) -> Records | None:
    """The records an export of the year reads: those kept here (the latest version of each, the
    withdrawn left out: :func:`liaison_web.records.year_records`), as ``--records`` hands the
    command a ledger's; ``state``: as of that state of them (:func:`liaison_web.records.state_of`,
    what a cache is keyed on), else as they are. None when there are none (or all are withdrawn), as
    the command without ``--records``: the same inputs, so a year handed over from the command is
    not rendered again for nothing."""
    from liaison.law.records import SECTIONS
    from liaison_web.records import records_as_of, records_state

    counted = state or records_state(district, year)
    records = records_as_of(district, year, counted) if counted[1] else None
    return records if records is not None and any(getattr(records, s) for s in SECTIONS) else None


def issue(district: District, year: int, day: dt.date, expected: str,
          on_save: Callable[[YearState, str], None] | None = None, *, using: str = "default",
          today: dt.date | None = None, force: bool = False) -> tuple[YearState, str]:
    """Issue the year's letters due on or before ``day``, saved in the database: what ``liaison export
    docx --issued-on DAY`` does to an output folder. ``expected`` is the revision the caller saw
    (``If-Match``): another one held now is a :class:`RevisionConflict`, checked under the year's
    lock, which the export takes again (re-entrant), so nothing can be saved in between — with the
    lock of the year of issue when that is another (a letter of the plan issued in another calendar
    year is numbered in that year's register), both in ascending order of the years, as the export
    takes them (:meth:`liaison_workspace.Workspace.locked_for_export`). ``day`` after ``today`` or
    before an earlier issue's day is refused unless ``force``, as by the command. The state before
    and the new revision."""
    from liaison.host.plugins import working_day_calendar
    from liaison_workspace import Workspace

    store = DatabaseStore(using=using, on_save=on_save)
    workspace = Workspace(store=store)
    with workspace.locked_for_export(district, year, day):
        stored = store.load(district, year)
        held = stored.revision if stored is not None else None
        if stored is None or held != expected:
            raise RevisionConflict.of(store.place(district, year), current=held, expected=expected)
        outcome = workspace.export(district, year, [("docx", {})], issued_on=day,
                                                records=kept_records(district, year), calendar=working_day_calendar(),
                                                today=today, force=force)
    return stored.state, outcome.revision
