"""Tables too long for rich's layout: the same title, columns and cells as plain aligned lines.

rich measures every cell of a table twice and wraps the widest column to the console's width; for the
1,400 findings of a 3,300-pairing district that is about a second, most of ``liaison check``'s time
(docs/benchmarks.md). A table written to a file or a pipe, or longer than :data:`LONG` rows on a
terminal, is printed here instead: one line per row (``grep`` finds a finding whole), every column but
the last padded to its widest cell in terminal cells (a Chinese character is two), the last never
padded nor wrapped. Only the layout differs: the words and the cells are the caller's, in its language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich's table loads with the first table drawn: an export's rerun draws none
    from rich.console import Console
    from rich.table import Table

#: Rows beyond which a terminal gets plain lines too (rich lays out a hundred rows in about 0.1 s).
LONG = 100
GAP = "  "


def table(title: str, columns: Sequence[str]) -> Table:
    """rich's table as every answer of the command draws it."""
    from rich import box
    from rich.table import Table

    t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", show_lines=False)
    for column in columns:
        t.add_column(column, overflow="fold")
    return t


def plain_lines(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """The table as lines: its title, the header, a rule under each column, a line per row. A cell of
    several lines (a rule's description) goes on below its row, under its own column."""
    from rich.cells import cell_len

    widths = [cell_len(c) for c in columns[:-1]]
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            for part in cell.split("\n"):
                widths[i] = max(widths[i], cell_len(part))
    starts = [sum(widths[:i]) + len(GAP) * i for i in range(len(columns))]

    def line(cells: Sequence[str]) -> list[str]:
        split = [c.split("\n") for c in cells]
        out = []
        for depth in range(max(len(s) for s in split)):
            text, at = "", 0
            for start, parts in zip(starts, split, strict=True):
                if depth < len(parts) and parts[depth]:
                    text += " " * (start - at) + parts[depth]
                    at = start + cell_len(parts[depth])
            out.append(text)
        return out

    lines = [title, *line(columns),
             GAP.join("─" * max(w, 1) for w in [*widths, cell_len(columns[-1])])]
    for row in rows:
        lines.extend(line(row))
    return lines


def show(console: Console, title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print the table: rich's layout on a terminal for a short table, else :func:`plain_lines`."""
    if console.is_terminal and len(rows) <= LONG:
        t = table(title, columns)
        for row in rows:
            t.add_row(*row)
        console.print(t)
        return
    # one write, not a print per line: rich's print costs tens of microseconds a call
    console.file.write("\n".join(plain_lines(title, columns, rows)) + "\n")
    console.file.flush()
