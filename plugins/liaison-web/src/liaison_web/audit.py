"""Writing and exporting the audit log (:class:`~liaison_web.models.AuditEntry`): one entry per
change, who, when, from where, what, before and after. Entries are only ever added (the table
refuses the rest); :func:`export` writes them as CSV or JSON lines (``liaison web audit-export``).

What may be a credential never reaches an entry: :func:`record` keeps ``before`` and ``after`` with
the URLs' user information, the query of an address (a webhook's, the CalDAV server's) and any
secret-named value masked (:func:`liaison_web.masking.masked`) — its readers (the API's logs, the
export) read the log to auditors, who are not to learn an OA system's key from it. They mask again
what they read (:func:`shown`): an entry written before the rule is kept as it was (the log is
append-only), but is not shown so."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from liaison_web import models
from liaison_web.masking import masked

__all__ = ["COLUMNS", "COMMAND_LINE", "export", "record", "rows", "shown", "write"]

#: The actor of a change made by a `liaison web …` command on the server's machine.
COMMAND_LINE = "liaison (command line)"


def record(action: str, object_type: str, object_id: str = "", *, user: Any = None, actor: str | None = None,
           remote_address: str = "", district: str | None = None, before: Any = None, after: Any = None,
           using: str = "default", owner: models.District | None = None) -> models.AuditEntry:
    """Add one entry; ``actor`` defaults to the user's name (or the command line). ``owner``: the
    district's row, when the caller has read it already (a batch of changes: once)."""
    if owner is None or owner.code != district:
        owner = models.District.objects.using(using).filter(code=district).first() if district else None
    name = actor or (user.get_username() if user is not None else COMMAND_LINE)
    return models.AuditEntry.objects.using(using).create(
        user=user, actor=name, remote_address=remote_address, district=owner, action=action,
        object_type=object_type, object_id=object_id, before=shown(before), after=shown(after))


def shown(value: Any) -> Any:
    """An entry's ``before`` or ``after`` as it is kept and read: what may be a credential masked."""
    return None if value is None else masked(value)


#: The columns of an export, in order (CSV header; the keys of each JSON line).
COLUMNS = ("id", "at", "actor", "user", "remote_address", "district", "action", "object_type", "object_id",
           "before", "after")


def rows(district: str | None = None, *, using: str = "default") -> Iterator[dict[str, Any]]:
    """Every entry (of ``district``), oldest first, as the export writes it: ``at`` ISO 8601 in UTC."""
    found = models.AuditEntry.objects.using(using).select_related("user", "district").order_by("at", "id")
    if district is not None:
        found = found.filter(district__code=district)
    for entry in found.iterator():
        yield {"id": entry.pk, "at": entry.at.astimezone(dt.UTC).isoformat(), "actor": entry.actor,
               "user": entry.user.get_username() if entry.user is not None else "",
               "remote_address": entry.remote_address, "district": entry.district.code if entry.district else "",
               "action": entry.action, "object_type": entry.object_type, "object_id": entry.object_id,
               "before": shown(entry.before), "after": shown(entry.after)}


def export(target: Path, fmt: str, district: str | None = None, *, using: str = "default") -> int:
    """Write the log to ``target`` as ``csv`` (before and after as JSON text in their cells) or
    ``jsonl`` (one entry a line); written beside and renamed into place, so ``target`` is never half
    written. How many entries."""
    count = 0
    folder = target.resolve().parent
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=folder, prefix=f".{target.name}.",
                                     delete=False) as handle:
        try:
            if fmt == "csv":
                count = write(csv.writer(handle), rows(district, using=using))
            else:
                for row in rows(district, using=using):
                    handle.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
                    count += 1
        except BaseException:
            handle.close()
            Path(handle.name).unlink(missing_ok=True)
            raise
    os.replace(handle.name, target)
    return count


def write(writer: Any, entries: Iterable[dict[str, Any]]) -> int:
    """Write ``entries`` (as :func:`rows` gives them) with a CSV ``writer``: the header, then one row
    each, before and after as JSON text in their cells. How many entries (the export's and the audit
    page's download: one format)."""
    writer.writerow(COLUMNS)
    count = 0
    for row in entries:
        writer.writerow([_cell(row[c]) for c in COLUMNS])
        count += 1
    return count


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
