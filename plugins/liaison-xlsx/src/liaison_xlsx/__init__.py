"""liaison-xlsx: the year's plan as a spreadsheet (安排表) and the liaison ledger (台账) for Excel and WPS.

``schedule_workbook(district, plan, year)`` and ``ledger_workbook(district, plan, year)`` give .xlsx
bytes (xlsxwriter, byte-identical on rerun); ``read_ledger(data, district, file)`` reads a filled-in
ledger back as :class:`liaison.records.Records` (openpyxl), every problem a ``DataError`` naming the
file and ``Sheet!Cell``. The liaison plugin (``liaison_xlsx.plugin``) registers both: exporter
``xlsx`` and the records reader for ``.xlsx``.
"""

from liaison_xlsx.plugin import ledger_workbook, schedule_workbook
from liaison_xlsx.reader import LedgerError, read_ledger
from liaison_xlsx.specs import LEDGER, Column, SheetSpec

__all__ = ["LEDGER", "Column", "LedgerError", "SheetSpec", "ledger_workbook", "read_ledger", "schedule_workbook"]
