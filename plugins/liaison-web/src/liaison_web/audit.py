"""Writing the audit log (:class:`~liaison_web.models.AuditEntry`): one entry per change, who, when,
from where, what, before and after. Entries are only ever added (the table refuses the rest)."""

from __future__ import annotations

from typing import Any

from liaison_web import models

__all__ = ["COMMAND_LINE", "record"]

#: The actor of a change made by a `liaison web …` command on the server's machine.
COMMAND_LINE = "liaison (command line)"


def record(action: str, object_type: str, object_id: str = "", *, user: Any = None, actor: str | None = None,
           remote_address: str = "", district: str | None = None, before: Any = None, after: Any = None,
           using: str = "default") -> models.AuditEntry:
    """Add one entry; ``actor`` defaults to the user's name (or the command line)."""
    owner = models.District.objects.using(using).filter(code=district).first() if district else None
    name = actor or (user.get_username() if user is not None else COMMAND_LINE)
    return models.AuditEntry.objects.using(using).create(
        user=user, actor=name, remote_address=remote_address, district=owner, action=action,
        object_type=object_type, object_id=object_id, before=before, after=after)
