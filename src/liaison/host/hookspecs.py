"""The hooks a ``liaison`` plugin can implement.

Plugins are pluggy plugins of the project ``liaison``: a module (or object) with functions marked
``@liaison.hookimpl``, registered through the ``liaison`` entry-point group. Hooks follow llm's
``register_*(register)`` style: the host passes a callback, the plugin calls it once per thing it
provides, and the host validates names and keeps control. One hook follows datasette instead:
``register_commands(cli)`` hands a plugin the ``liaison`` command group to add its commands to
(``liaison serve`` of liaison-web).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from liaison.host.exporting import Exporter
    from liaison.host.publishing import Publisher
    from liaison.host.readers import RecordReader
    from liaison.law.workdays import WorkingDayCalendar

hookspec = pluggy.HookspecMarker("liaison")
hookimpl = pluggy.HookimplMarker("liaison")


@hookspec
def register_exporters(register: Callable[[Exporter], None]) -> None:
    """Register exporters: call ``register(Exporter(...))`` once for each output format."""


@hookspec
def register_publishers(register: Callable[[Publisher], None]) -> None:
    """Register publishers: call ``register(Publisher(...))`` once for each target kind (CalDAV, …)."""


@hookspec
def register_record_readers(register: Callable[[RecordReader], None]) -> None:
    """Register readers of records files: call ``register(RecordReader(...))`` once per file type."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``liaison`` command group: ``cli.add_command(...)`` (datasette's hook).

    Called once by the command as it starts (:func:`liaison_cli.main.main`), never by the library.
    A plugin's command follows the command's rules: ``--lang zh|en``, errors as one line
    ``FILE: PATH: message (fix: …)`` and exit 1, never a traceback."""


@hookspec(firstresult=True)
def working_day_calendar() -> WorkingDayCalendar | None:
    """Return the calendar of statutory holidays and make-up working days to plan on, or None.

    Resolved at the edge by :func:`liaison.host.plugins.working_day_calendar` and passed to the core;
    the core never calls it."""
