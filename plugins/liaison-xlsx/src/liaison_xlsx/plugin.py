"""The ``xlsx`` exporter and the ``xlsx`` records reader.

Exporter (pure: artifacts, nothing written), in the year's output folder::

    {year}年对口联系工作安排表.xlsx   the plan: 全区 and one sheet per department (replaced on re-export)
    {year}年对口联系工作台账.xlsx     the ledger template, pre-filled from the plan (kept once edited)

Options (declared, checked by the host; ``--option KEY=VALUE``):

``workbooks``
    which to write: ``schedule`` (安排表), ``ledger`` (台账); default both.
``created``
    the workbooks' created/modified date (docProps); default midnight UTC on 1 January of the year,
    never the clock, so a rerun gives the same bytes.

Reader: ``liaison check --records 台账.xlsx`` and ``liaison.load_records("台账.xlsx", district)``
dispatch ``.xlsx`` files to :func:`liaison_xlsx.reader.read_ledger`.

This module is what the plugin manager loads for every command, so it imports only the plugin API
(light, and loaded already); the workbooks' code, xlsxwriter and openpyxl load when first used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from liaison.base.errors import ExportError, LiaisonError
from liaison.host.exporting import Artifact, Exporter, ExportRequest, safe_name
from liaison.host.hookspecs import hookimpl
from liaison.host.options import Option
from liaison.host.plugins import MAX_LEDGER_BYTES
from liaison.host.readers import RecordReader
from liaison.law.duties import YearDuties, duties_for

if TYPE_CHECKING:
    from liaison.law.records import Records
    from liaison.year.numbering import LetterRecord, PlanYearLetters
    from liaison_xlsx.domain import PlannedRow

__all__ = ["OPTIONS", "XLSX", "export", "ledger_workbook", "register_exporters", "register_record_readers",
           "schedule_workbook"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOKS = ("schedule", "ledger")

OPTIONS = (
    Option(name="workbooks", type="list", default=WORKBOOKS, help="which workbooks: schedule (安排表), ledger (台账)",
           choices=WORKBOOKS,
           help_zh="生成哪些工作簿：schedule（安排表）、ledger（台账）"),
    Option(name="created", type="datetime", default=None,
           help="the workbooks' created date (default: midnight UTC on 1 January of the year; never the clock)",
           help_zh="工作簿的创建时间（默认：该年度 1 月 1 日零时，协调世界时；从不读取时钟）"),
)


def _created(year: int, created: dt.datetime | None) -> dt.datetime:
    stamp = created or dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC).replace(tzinfo=None) if stamp.tzinfo else stamp


def schedule_path(year: int) -> str:
    """The 安排表, at the top of the year's folder where the office looks first."""
    return f"{safe_name(f'{year}年对口联系工作安排表')}.xlsx"


def ledger_path(year: int) -> str:
    return f"{safe_name(f'{year}年对口联系工作台账')}.xlsx"


def schedule_workbook(district: Any, plan: Any, year: int, *, created: dt.datetime | None = None,
                      duties: YearDuties | None = None, rows: Sequence[PlannedRow] | None = None,
                      letters: Sequence[LetterRecord] = (), others: Sequence[PlanYearLetters] = ()) -> bytes:
    """The year's 安排表 as .xlsx bytes; ``duties``: the year's duties, when the caller has them;
    ``rows``: the plan's rows (:func:`liaison_xlsx.domain.plan_rows`) with those duties, when it has them;
    ``letters``: the year's register (the state's letters), listed on the 发文登记 sheet with the
    letters of the neighbouring plan years (``others``) numbered in the year's register."""
    from liaison.year.numbering import register_lines
    from liaison_xlsx.domain import plan_rows
    from liaison_xlsx.schedule import write_schedule
    from liaison_xlsx.workbook import Book, properties

    name = district.info.name
    book = Book(properties(f"{name}{year}年对口联系工作安排表", district.info.regulation_title, name,
                           _created(year, created), "对口联系,安排表,liaison", "由 liaison-xlsx 按年度计划生成"))
    rows = plan_rows(district, plan, year, duties) if rows is None else rows
    write_schedule(book, district, year, rows, plan.provisional,
                   not plan.options.allow_customary_breaks, register_lines(letters, others, year))
    return book.close()


def ledger_workbook(district: Any, plan: Any, year: int, *, created: dt.datetime | None = None,
                    duties: YearDuties | None = None, rows: Sequence[PlannedRow] | None = None,
                    letters: Sequence[LetterRecord] = (), others: Sequence[PlanYearLetters] = ()) -> bytes:
    """The year's 台账 template, pre-filled from the plan, as .xlsx bytes; ``duties``: the year's
    duties, when the caller has them (worked out once here otherwise); ``rows``: the plan's rows with
    those duties, when it has them; ``letters``: the year's register, pre-filled on 发文登记 with the
    letters of the neighbouring plan years (``others``) numbered in the year's register."""
    from liaison.year.numbering import register_lines
    from liaison_xlsx.domain import plan_rows
    from liaison_xlsx.ledger import ledger_custom_properties, write_ledger
    from liaison_xlsx.workbook import Book, properties

    name = district.info.name
    book = Book(properties(f"{name}{year}年对口联系工作台账", district.info.regulation_title, name,
                           _created(year, created), "对口联系,台账,liaison",
                           f"填写后用 liaison check --year {year} --records 本文件 检查"),
                ledger_custom_properties(district, year))
    duties = duties_for(district, year, duties, designations=False)  # once, for the rows and the designations
    write_ledger(book, district, year, plan_rows(district, plan, year, duties) if rows is None else rows, duties,
                 register_lines(letters, others, year))
    return book.close()


def read_ledger(data: bytes, district: Any, file: str) -> Records:
    """The records reader: :func:`liaison_xlsx.reader.read_ledger`, loaded on first use."""
    from liaison_xlsx.reader import read_ledger as read

    records: Records = read(data, district, file)
    return records


def read_ledger_rows(data: bytes, district: Any, file: str) -> tuple[Records, tuple[LiaisonError, ...]]:
    """The records of the rows without a problem and the others' problems, each at its cell:
    :func:`liaison_xlsx.reader.read_ledger_rows`, loaded on first use; the pair as it returns it, which
    also says where each record was read (its ``places``, :class:`liaison_xlsx.reader.RowsRead`)."""
    from liaison_xlsx.reader import read_ledger_rows as read

    return read(data, district, file)


def export(request: ExportRequest) -> Iterator[Artifact]:
    wanted = request.option("workbooks", WORKBOOKS)
    created = request.option("created")
    made: list[Artifact] = []
    for year in (request.plan.year,):
        try:
            # the plan's rows once for both workbooks (a row per engagement, with its settings worked out)
            from liaison_xlsx.domain import plan_rows

            rows = plan_rows(request.district, request.plan, year, request.duties)
            if "schedule" in wanted:
                made.append(Artifact(schedule_path(year), XLSX,
                                     schedule_workbook(request.district, request.plan, year, created=created,
                                                       duties=request.duties, rows=rows,
                                                       letters=request.letters, others=request.others)))
            if "ledger" in wanted:
                # the clerk fills the ledger in: a re-export never overwrites an edited one
                made.append(Artifact(ledger_path(year), XLSX,
                                     ledger_workbook(request.district, request.plan, year, created=created,
                                                     duties=request.duties, rows=rows, letters=request.letters,
                                                     others=request.others),
                                     policy="keep_edits"))
        except LiaisonError:
            raise
        except Exception as exc:  # xlsxwriter refusing something: say which workbook, no traceback
            raise ExportError(f"the {year} workbooks could not be written: {type(exc).__name__}: {exc}",
                              fix="report this with the plan that caused it",
                              message_zh=f"{year}年的工作簿未能写出：{type(exc).__name__}: {exc}",
                              fix_zh="请连同出错的计划一并报告此问题") from None
    yield from made


def scope(options: Mapping[str, Any]) -> Callable[[str], bool]:
    """The workbooks a run answers for: the ones it writes (``workbooks=ledger`` leaves the 安排表 alone)."""
    wanted = options.get("workbooks") or WORKBOOKS
    names = {"schedule": ("安排表",), "ledger": ("台账",)}
    marks = tuple(f"{mark}.xlsx" for w in wanted for mark in names[w])
    return lambda path: path.endswith(marks)


@hookimpl
def register_exporters(register: Callable[[Exporter], None]) -> None:
    register(Exporter("xlsx", "电子表格：年度安排表、对口联系工作台账（Excel / WPS） plan and ledger workbooks", export,
                      options=OPTIONS, scope=scope, reads_letters=False, reads_register=True))


@hookimpl
def register_record_readers(register: Callable[[RecordReader], None]) -> None:
    register(RecordReader(name="xlsx", suffixes=(".xlsx",), read=read_ledger,
                          description="对口联系工作台账（Excel / WPS .xlsx）the liaison ledger workbook",
                          max_bytes=MAX_LEDGER_BYTES, checked=True,  # checked as it reads, to name the cell
                          read_rows=read_ledger_rows))
