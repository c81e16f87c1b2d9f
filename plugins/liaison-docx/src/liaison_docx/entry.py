"""The ``docx`` plugin as every command loads it (the ``liaison`` entry point): light, so that a
command that writes no letter pays nothing for them. Every command builds the plugin manager, which
loads every installed plugin's entry point; `liaison check` and `liaison plan` then ask only for the
working-day calendar and the records readers, never for an exporter. The exporter's module
(:mod:`liaison_docx.plugin`: the letters, their wording, titles and layout, the register) is
imported when the exporters are asked for — an export, `liaison plugins` —, and registers the
same :class:`~liaison.host.exporting.Exporter` it always did (issue #23)."""

from __future__ import annotations

from collections.abc import Callable

from liaison.host.exporting import Exporter
from liaison.host.hookspecs import hookimpl

__all__ = ["register_exporters"]


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    from liaison_docx import plugin  # the letters: only once an exporter is asked for

    plugin.register_exporters(register)
