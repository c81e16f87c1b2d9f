"""A ledger's problems: collected per cell and raised together as one :class:`LedgerError`."""

from __future__ import annotations

from typing import Any

import attrs
from openpyxl.utils.cell import get_column_letter

from liaison.base.errors import MAX_LISTED
from liaison_xlsx.domain import DataError, Location, Refused, sheet_ref

#: Problems collected from one workbook: as many as one error lists (a workbook with more is mostly
#: wrong anyway).
MAX_PROBLEMS = MAX_LISTED


class LedgerError(DataError):
    """Every problem found in a ledger (:meth:`~liaison.base.errors.LiaisonError.several`): the first
    is this error's own message, all of them in ``problems``, rendered one per line."""


def cell_ref(sheet: str, column: int, row: int) -> Location:
    """A cell (``会议走访!E12``) as a location: a sheet and a cell, rendered only at the edge."""
    return Location(sheet=sheet, cell=f"{get_column_letter(column)}{row}")


def rows_ref(sheet: str, first: int, last: int | None = None) -> Location:
    """Whole rows (``会议走访!12:12``)."""
    return Location(sheet=sheet, cell=f"{first}:{first if last is None else last}")


__all__ = ["MAX_PROBLEMS", "LedgerError", "Problems", "Row", "Where", "cell_ref", "rows_ref", "sheet_ref"]


@attrs.define
class Problems:
    file: str
    found: list[DataError] = attrs.field(factory=list)

    def add(self, where: Location, message: str, message_zh: str, fix: str = "", fix_zh: str = "") -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(DataError(message, file=self.file, path=where, fix=fix or None,
                                        message_zh=message_zh, fix_zh=fix_zh or None))

    def cell(self, where: Location, problem: Refused) -> None:
        self.add(where, problem.message, problem.message_zh or problem.message, problem.fix or "", problem.fix_zh or "")

    @property
    def full(self) -> bool:
        return len(self.found) >= MAX_PROBLEMS

    def raise_any(self) -> None:
        if self.found:
            raise LedgerError.several(self.found)


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

    def cell(self, field: str, row: int | None = None) -> Location:
        column = self.columns.get(field)
        if column is None:
            return rows_ref(self.sheet, self.row)
        return cell_ref(self.sheet, column, row or self.row)
