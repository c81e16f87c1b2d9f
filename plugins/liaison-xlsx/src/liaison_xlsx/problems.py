"""A ledger's problems: collected per cell and raised together as one :class:`LedgerError`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
from openpyxl.utils.cell import get_column_letter

from liaison_xlsx.cells import CellProblem
from liaison_xlsx.domain import DataError

MAX_PROBLEMS = 50  # listed in one error; a workbook with more is mostly wrong anyway


class LedgerError(DataError):
    """Every problem found in a ledger: the first is this error's own message, all of them in ``problems``
    (rendered one per line, as any error with several problems)."""

    def __init__(self, problems: Sequence[DataError]) -> None:
        first = problems[0]
        super().__init__(first.message, file=first.file, path=first.path, fix=first.fix,
                         message_zh=first.message_zh, fix_zh=first.fix_zh, problems=problems)


def cell_ref(sheet: str, column: int, row: int) -> str:
    return f"{sheet_ref(sheet)}!{get_column_letter(column)}{row}"


def sheet_ref(sheet: str) -> str:
    """A sheet as a formula names it: quoted when it holds anything but letters, digits and _."""
    if all(ch.isalnum() or ch == "_" for ch in sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


@attrs.define
class Problems:
    file: str
    found: list[DataError] = attrs.field(factory=list)

    def add(self, path: str, message: str, message_zh: str, fix: str = "", fix_zh: str = "") -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(DataError(message, file=self.file, path=path, fix=fix or None,
                                        message_zh=message_zh, fix_zh=fix_zh or None))

    def cell(self, path: str, problem: CellProblem) -> None:
        self.add(path, problem.message, problem.message_zh, problem.fix, problem.fix_zh)

    @property
    def full(self) -> bool:
        return len(self.found) >= MAX_PROBLEMS

    def raise_any(self) -> None:
        if self.found:
            raise LedgerError(self.found)


@attrs.define
class Row:
    """One data row: the number Excel shows, and the cell value of each mapped column."""

    number: int
    values: dict[str, Any]


@attrs.frozen
class Where:
    """Where a record came from, so later checks can name its cells."""

    sheet: str
    row: int
    columns: dict[str, int]  # field → column number
    child_rows: tuple[int, ...] = ()

    def cell(self, field: str, row: int | None = None) -> str:
        column = self.columns.get(field)
        if column is None:
            return f"{sheet_ref(self.sheet)}!{self.row}:{self.row}"
        return cell_ref(self.sheet, column, row or self.row)
