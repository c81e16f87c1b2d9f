"""`liaison check`'s long tables as plain aligned lines (liaison_cli.listing, issue #23): the same
cells as rich's table, one line a row, columns aligned in terminal cells; rich's layout kept for a
short table on a terminal."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from liaison.formats.district import seed_district
from liaison.formats.records import parse_records
from liaison.law.compliance import check
from liaison.law.findings import SEVERITY_EN, SEVERITY_ZH, STATUS_EN, STATUS_ZH, footnoted
from liaison_cli import listing, views
from liaison_cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "examples" / "records-2026.toml"

# cells as data gives them: printable, no line breaks, CJK and wide characters among them
cell = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf", "Co", "Cn", "Mn", "Me", "Zs")),
               min_size=1, max_size=12)


@given(st.integers(1, 5).flatmap(lambda n: st.tuples(st.lists(cell, min_size=n, max_size=n),
                                                     st.lists(st.lists(cell, min_size=n, max_size=n), max_size=8))))
def test_every_row_is_one_line_with_each_cell_at_its_columns_place(table: tuple[list[str], list[list[str]]]) -> None:
    columns, rows = table
    lines = listing.plain_lines("title", columns, rows)
    assert lines[0] == "title" and len(lines) == 3 + len(rows)
    starts: list[int] | None = None
    for cells, line in zip([columns, *rows], [lines[1], *lines[3:]], strict=True):
        at, found = 0, []
        for c in cells:
            place = line.index(c, at)
            found.append(cell_len(line[:place]))
            assert line[at:place].strip(" ") == ""  # only padding between the cells
            at = place + len(c)
        assert at == len(line)  # nothing after the last cell, not even padding
        assert starts is None or found == starts  # each column starts at one place on every line
        starts = found
    widths = [max(cell_len(r[i]) for r in [columns, *rows]) for i in range(len(columns) - 1)]
    assert starts == [sum(widths[:i]) + 2 * i for i in range(len(columns))]  # as narrow as the widest cell


def test_a_cell_of_several_lines_goes_on_below_its_row_under_its_column() -> None:
    lines = listing.plain_lines("t", ["a", "bb", "c"], [["one", "x\nyy", "end"]])
    assert lines[3:] == ["one  x   end", "     yy"]


def _report(lang: str) -> list[tuple[str, ...]]:
    """Every finding's cells as the table shows them (``--all``), made here from the library."""
    district = seed_district()
    records = parse_records(RECORDS.read_bytes(), district, file=str(RECORDS))
    report = check(district, records, 2026)
    shown = report.findings
    lines, _ = footnoted(shown, lang)
    statuses, severities = (STATUS_EN, SEVERITY_EN) if lang == "en" else (STATUS_ZH, SEVERITY_ZH)
    return [(f.provision, statuses[f.status], severities[f.severity],
             district.names_of((f.responsible,), lang=lang) if f.responsible else "—", line)
            for f, line in zip(shown, lines, strict=True)]


def test_check_prints_every_finding_on_one_line_with_all_its_cells_in_either_language() -> None:
    for lang in ("zh", "en"):
        result = CliRunner().invoke(cli, ["check", "--year", "2026", "--records", str(RECORDS), "--lang", lang,
                                          "--all"])
        assert result.exit_code == 0, result.output
        printed = result.output.splitlines()
        expected = _report(lang)
        assert len(expected) > 5
        for cells in expected:  # each finding whole on a line of its own, its cells in order
            assert any(line.startswith(cells[0]) and line.endswith(cells[-1])
                       and [line.find(c) for c in cells] == sorted(line.find(c) for c in cells) >= [0]
                       for line in printed), cells
        assert sum(line.startswith("§") for line in printed) == len(expected)


def test_a_short_table_on_a_terminal_keeps_richs_layout_and_a_long_one_does_not(monkeypatch: object) -> None:
    rows = [("§1", "x" * 10, "— " + str(i)) for i in range(listing.LONG + 1)]
    terminal = Console(file=io.StringIO(), force_terminal=True, width=100, color_system=None)
    listing.show(terminal, "title", ["a", "b", "c"], rows[:3])
    drawn = terminal.file.getvalue()  # type: ignore[attr-defined]
    assert "─" * 10 in drawn and " a " in drawn  # rich's rule spans the table, its cells padded
    terminal = Console(file=io.StringIO(), force_terminal=True, width=100, color_system=None)
    listing.show(terminal, "title", ["a", "b", "c"], rows)
    assert terminal.file.getvalue().splitlines() == listing.plain_lines("title", ["a", "b", "c"], rows)  # type: ignore[attr-defined]
    piped = Console(file=io.StringIO(), width=100)
    listing.show(piped, "title", ["a", "b", "c"], rows[:3])
    assert piped.file.getvalue().splitlines() == listing.plain_lines("title", ["a", "b", "c"], rows[:3])  # type: ignore[attr-defined]
    assert views.table is listing.table
