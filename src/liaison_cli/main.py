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
    cli(prog_name="liaison")


if __name__ == "__main__":
    main()
