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

# Each name once: a type checker reads these imports, and `lazy_exports` reads them to import a module
# on the first use of one of its names.
if TYPE_CHECKING:
    from liaison_xlsx.plugin import ledger_workbook as ledger_workbook
    from liaison_xlsx.plugin import schedule_workbook as schedule_workbook
    from liaison_xlsx.problems import LedgerError as LedgerError
    from liaison_xlsx.reader import read_ledger as read_ledger
    from liaison_xlsx.specs import LEDGER as LEDGER
    from liaison_xlsx.specs import Column as Column
    from liaison_xlsx.specs import SheetSpec as SheetSpec

__getattr__, __dir__ = lazy_exports(__name__)
