"""liaison-xlsx: the year's plan as a spreadsheet (安排表) and the liaison ledger (台账) for Excel and WPS.

``schedule_workbook(district, plan, year)`` and ``ledger_workbook(district, plan, year)`` give .xlsx
bytes (xlsxwriter, byte-identical on rerun); ``read_ledger(data, district, file)`` reads a filled-in
ledger back as :class:`liaison.law.records.Records` (openpyxl), every problem a ``DataError`` naming the
file and ``Sheet!Cell``. The liaison plugin (``liaison_xlsx.plugin``) registers both: exporter
``xlsx`` and the records reader for ``.xlsx``. Names load on first use, so loading the plugin stays
cheap for commands that never touch a workbook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liaison.lazy import lazy_exports

if TYPE_CHECKING:
    from liaison_xlsx.plugin import ledger_workbook, schedule_workbook
    from liaison_xlsx.problems import LedgerError
    from liaison_xlsx.reader import read_ledger
    from liaison_xlsx.specs import LEDGER, Column, SheetSpec

_LAZY = {
    "ledger_workbook": "liaison_xlsx.plugin",
    "schedule_workbook": "liaison_xlsx.plugin",
    "read_ledger": "liaison_xlsx.reader",
    "LedgerError": "liaison_xlsx.problems",
    "LEDGER": "liaison_xlsx.specs",
    "Column": "liaison_xlsx.specs",
    "SheetSpec": "liaison_xlsx.specs",
}

__all__ = ["LEDGER", "Column", "LedgerError", "SheetSpec", "ledger_workbook", "read_ledger", "schedule_workbook"]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__)
