"""The ``liaison`` command: the edge where files, the clock and the terminal live.

The group and its shared options are :mod:`liaison_cli.app`; the queries, the year's commands (plan,
check, export, publish) and ``upgrade`` register themselves on it when their modules are imported,
here, and nowhere else (so no module of the command imports this one back).
"""

from __future__ import annotations

from liaison_cli import queries, upgrade, year  # noqa: F401 - each registers its commands on `cli`
from liaison_cli.app import cli

__all__ = ["cli", "main"]


def main() -> None:
    import sys

    from liaison.host.collector import allow

    allow()  # the command's process is its own: an export may pause Python's collector (liaison.host.collector)
    if not set(sys.argv[1:2]) & set(cli.commands):  # the help, or a plugin's command: ask the plugins
        plugin_commands()  # (loading every plugin costs a core command's start nothing it needs)
    cli(prog_name="liaison")


def plugin_commands() -> None:
    """Add the commands plugins register (``register_commands``, liaison-web's ``serve``) to the group.
    A plugin that fails to load adds none here: the commands that need plugins report it."""
    import contextlib

    from liaison.base.errors import LiaisonError
    from liaison.host.plugins import plugin_manager

    with contextlib.suppress(LiaisonError):
        plugin_manager().hook.register_commands(cli=cli)


if __name__ == "__main__":
    main()
