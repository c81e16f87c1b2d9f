"""The ledger (台账) read back as :class:`Records`, every problem named by file, sheet and cell.

Sheets are found by name and columns by their header text (:mod:`liaison_xlsx.specs`), so a clerk
may reorder, insert or delete optional columns and add sheets of their own. A row is a record when
it says so: 会议走访 rows only when 是否召开 is 是 (a planned meeting that did not happen is no
evidence), 责任制 rows only when something is designated, every other sheet's non-blank rows.

All problems of a workbook are collected and raised together as one :class:`LedgerError`, the first
in the message and the others listed after it, so a clerk fixes them in one pass::

    台账.xlsx: 会议走访!E12: 没有名为“农工总支”的单位；您是否要找：农工党总支部 (cpwdp)（处理办法：…）
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

import attrs

from liaison_xlsx.domain import (
    DataError,
    Directory,
    LiaisonError,
    Location,
    check_consistency,
    make_records,
)
from liaison_xlsx.package import CFB_SIGNATURE, Oversized, cfb_names, measure
from liaison_xlsx.problems import Problems, Where, rows_ref
from liaison_xlsx.rows import Section, read_grouped, read_plain
from liaison_xlsx.sheet import (
    MAX_ROWS,
    Ambiguous,
    SheetReader,
    TooManyRows,
    Unreadable,
    cell_value,
    data_rows,
    find_sheets,
    sheets_by_headers,
)
from liaison_xlsx.specs import DISTRICT_PROPERTY, LEDGER, REGISTER
from liaison_xlsx.values import Book, open_calamine, openpyxl_book


# ------------------------------------------------------------------------------------ the workbook
def _open(data: bytes, file: str, fast: bool = True) -> Book:
    if not data.startswith(b"PK"):
        old_xls = data.startswith(CFB_SIGNATURE[:4])  # the OLE2 signature of .xls (and old .et)
        if old_xls and {"EncryptionInfo", "EncryptedPackage"} <= cfb_names(data):
            # an .xlsx saved with a password to open: Excel and WPS wrap the encrypted package in an
            # OLE2 container (MS-OFFCRYPTO §2.3.4), so it starts as an .xls does
            raise DataError("the workbook is encrypted (saved with a password to open): it cannot be read",
                            file=file, fix="open it in Excel or WPS with its password, remove the password to "
                            "open (Excel: File › Info › Protect Workbook › Encrypt with Password, clear it; WPS: "
                            "File › Document Encryption) and save it as .xlsx, or save an unencrypted copy for liaison",
                            message_zh="工作簿已加密（设置了打开密码），无法读取",
                            fix_zh="请在 Excel 或 WPS 中用密码打开，取消打开密码（Excel：文件 › 信息 › 保护工作簿 › "
                                   "用密码进行加密，清空密码；WPS：文件 › 文档加密）后另存为 .xlsx，"
                                   "或另存一份不加密的副本供 liaison 读取")
        hint = "an old .xls workbook" if old_xls else "not an .xlsx workbook"
        raise DataError(f"{hint}: cannot read it as a ledger", file=file,
                        fix="save it from Excel or WPS as an .xlsx workbook (Excel 工作簿)",
                        message_zh="不是 .xlsx 工作簿，无法作为台账读取" + ("（是旧版 .xls 格式）" if old_xls else ""),
                        fix_zh="请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）")
    _check_package(data, file)
    if fast:
        book = open_calamine(data, MAX_ROWS)
        if book is not None:
            return book
    try:
        return openpyxl_book(data)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; none may escape
        what, what_zh = _DAMAGE.get(type(exc).__name__, ("it is damaged", "文件可能已损坏"))
        raise DataError(f"the workbook cannot be opened: {what}", file=file,
                        fix="open it in Excel or WPS and save it again as .xlsx",
                        message_zh=f"工作簿无法打开：{what_zh}",
                        fix_zh="请用 Excel 或 WPS 打开后重新保存为 .xlsx") from None


#: What openpyxl's failures mean, for the clerk.
_DAMAGE = {"BadZipFile": ("the .xlsx package (a zip file) is damaged", ".xlsx 文件包已损坏"),
           "KeyError": ("a part of the workbook is missing", "工作簿缺少组成部分"),
           "MemoryError": ("it is too large to read", "文件过大，无法读取")}
def _check_package(data: bytes, file: str) -> None:
    """The package, before calamine or openpyxl reads it: a zip whose parts do not unpack past the bounds of
    :mod:`liaison_xlsx.package` (the whole, the shared strings, the cells)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            measure(package)
    except Oversized as too:
        raise DataError(too.en, file=file,
                        fix="check that this is the ledger; a larger one can be split by year or by sheet "
                            "(docs/limits.md)",
                        message_zh=too.zh,
                        fix_zh="请确认这是台账文件；过大的台账可按年度或工作表拆分（见 docs/limits.md）") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        # a damaged member, an unknown compression, an encrypted zip member: all a damaged package
        raise DataError("the workbook cannot be opened: the .xlsx package (a zip file) is damaged", file=file,
                        fix="open it in Excel or WPS and save it again as .xlsx",
                        message_zh="工作簿无法打开：.xlsx 文件包已损坏",
                        fix_zh="请用 Excel 或 WPS 打开后重新保存为 .xlsx") from None


def _district_property(book: Book) -> str:
    for value in book.custom_properties(DISTRICT_PROPERTY):
        if isinstance(value, str):
            return value.strip()
    return ""


# --------------------------------------------------------------------------------- self-agreement
def _agree(sections: dict[str, Section], directory: Directory, problems: Problems) -> None:
    """What the rows must say of each other (the core's checks, with cells and in Chinese too)."""
    for name in ("engagements", "documents", "research_results"):
        seen: dict[str, Where] = {}
        section = sections.get(name)
        for record, where in zip(section.records if section else (), section.where if section else (), strict=True):
            if record.id and record.id in seen:
                also = seen[record.id].cell("id").rendered
                problems.add(where.cell("id"), f"duplicate id {record.id!r} (also {also})",
                             f"编号“{record.id}”重复（另见 {also}）", "give each record its own id",
                             "每条记录的编号应各不相同")
            seen.setdefault(record.id, where)
    _typed_twice(sections, problems)
    register = sections.get("register", Section())
    numbered: dict[Any, Where] = {}
    for entry, where in zip(register.records, register.where, strict=True):
        first = numbered.setdefault(entry.number, where)
        if first is not where:  # a number is used once (a withdrawn letter keeps its own)
            also = first.cell("doc_number").rendered
            problems.add(where.cell("doc_number"), f"{entry.doc_number} is also on row {first.row} ({also})",
                         f"文号“{entry.doc_number}”与第{first.row}行（{also}）重复",
                         "a number is used once: delete the copy, or correct one of the two",
                         "一个文号只能使用一次：请删除重复的一行，或改正其中一行")
    consultations = sections.get("consultations", Section())
    for c, where in zip(consultations.records, consultations.where, strict=True):
        if c.due is not None and c.due < c.sent:
            problems.add(where.cell("due"), f"the deadline {c.due} is before the request was sent ({c.sent})",
                         f"答复期限（{c.due}）早于发送日期（{c.sent}）", "correct the dates", "请改正日期")
        for reply, row in zip(c.replies, where.child_rows, strict=True):
            if reply.organisation not in c.sent_to:
                name = directory.name(reply.organisation)
                problems.add(where.cell("organisation", row), f"{name} replied but was not asked",
                             f"{name}有答复，但不在征求单位中", "add it to 征求单位 or correct the reply",
                             "请把它加入征求单位，或改正答复单位")
            if reply.date < c.sent:
                problems.add(where.cell("reply_date", row), f"the reply ({reply.date}) predates the request ({c.sent})",
                             f"答复日期（{reply.date}）早于发送日期（{c.sent}）", "correct the dates", "请改正日期")
    research = sections.get("research_results", Section())
    for r, where in zip(research.records, research.where, strict=True):
        if not directory.is_(r.submitted_by, "counterpart"):
            name = directory.name(r.submitted_by)
            problems.add(where.cell("submitted_by"), f"{name} is not a party branch or the ICF",
                         f"{name}不是民主党派或工商联", "research results come from the branches and the ICF",
                         "调研成果应由民主党派、工商联报送")
        if not directory.is_(r.department, "department"):
            name = directory.name(r.department)
            problems.add(where.cell("department"), f"{name} is not a department", f"{name}不是区直部门",
                         "name the department that answers", "请填写研究反馈的区直部门")
        if r.feedback is not None and r.feedback < r.received:
            problems.add(where.cell("feedback"), f"feedback ({r.feedback}) before receipt ({r.received})",
                         f"反馈日期（{r.feedback}）早于收到日期（{r.received}）", "correct the dates", "请改正日期")


def _typed_twice(sections: dict[str, Section], problems: Problems) -> None:
    """A row typed twice is refused, naming both rows: counted twice it would be two visits, counted
    once a real second visit copied from the first and left unchanged would be lost without a word.
    The same row is one whose record equals an earlier one in every field; in 会议走访 also one
    that is the same engagement as an earlier row by :meth:`HeldEngagement.same_as` (one of them
    without 编号: the kind, day and host) with the same participants — a planned row marked held
    and a copy typed by hand. Rows whose 编号 are both given are told apart by them (a duplicate
    编号 is its own problem); 征求意见 groups its rows by 编号 on purpose."""
    for name, section in sections.items():
        if name in ("consultations", "register"):  # grouped by 编号; the register by its 文号 (_agree)
            continue
        earlier: dict[Any, list[tuple[Any, Where]]] = {}
        for record, where in zip(section.records, section.where, strict=True):
            if name == "engagements":
                key: Any = (record.occasion(), frozenset(record.attended))
            elif getattr(record, "id", ""):
                continue  # told apart by its id
            else:
                key = record
            first = next((w for r, w in earlier.get(key, ()) if _same_row(name, r, record)), None)
            earlier.setdefault(key, []).append((record, where))
            if first is None:
                continue
            here, there = _row_cell(name, where), _row_cell(name, first).rendered
            what, what_zh = _SAME.get(name, _SAME[""])
            problems.add(here, f"the same {what} as row {first.row} ({there}): probably typed twice",
                         f"与第{first.row}行（{there}）{what_zh}，可能录入了两次",
                         "delete one of the two rows; if they are two, correct the one that differs",
                         "请删除其中一行；如确为两条不同的记录，请改正其中一行")


#: How the two rows agree, per section (the default: every cell).
_SAME = {"engagements": ("kind, date, host and participants", "的类型、日期、主办单位和参加单位都相同"),
         "": ("values in every cell", "各栏完全相同")}


def _same_row(name: str, a: Any, b: Any) -> bool:
    if name != "engagements":
        return bool(a == b)
    if a.id and b.id:
        return False  # two engagements of the plan, told apart by their 编号
    return bool(a.same_as(b))  # the participants are in the key


def _row_cell(name: str, where: Where) -> Location:
    """The cell a duplicate row is named by: its date, else its first column."""
    for field in ("date", "appointed", "received", "sent", *where.columns):
        if field in where.columns:
            return where.cell(field)
    return where.cell("")


def _core_check(records: Any, district: Any, file: str, sections: dict[str, Section]) -> Any:
    """The core's checks last, so one it adds later is kept; the keys and indices of its location
    (``("consultations", 1, "replies", 0, "date")``) become the cell the clerk typed."""
    try:
        return check_consistency(records, district, file)
    except LiaisonError as exc:
        raise _core_error(exc, file, sections) from None


def _core_error(exc: LiaisonError, file: str, sections: dict[str, Section]) -> DataError:
    return DataError(exc.message, file=file, path=_cell_of(exc.location, sections), fix=exc.fix,
                     message_zh=exc.message_zh, fix_zh=exc.fix_zh)


#: A reply's fields → the columns of 征求意见 they are read from.
_REPLY_COLUMNS = {"organisation": "organisation", "date": "reply_date"}


def _cell_of(location: Location, sections: dict[str, Section]) -> Location:
    """The cell of a record's field (``(section, index, field)``) or of a reply's (``(section, index,
    field, child, child_field)``); the location as it is when the path names no record read here."""
    path = location.path or ()
    if len(path) < 2 or not isinstance(path[0], str) or not isinstance(path[1], int):
        return location
    section = sections.get(path[0])
    if section is None or not 0 <= path[1] < len(section.where):
        return location
    where = section.where[path[1]]
    field = path[2] if len(path) > 2 and isinstance(path[2], str) else ""
    child = path[3] if len(path) > 3 and isinstance(path[3], int) else None
    if child is not None and 0 <= child < len(where.child_rows):
        child_field = path[4] if len(path) > 4 and isinstance(path[4], str) else ""
        return where.cell(_REPLY_COLUMNS.get(child_field, child_field), where.child_rows[child])
    return where.cell(field)


# --------------------------------------------------------------------------------------- the entry
def read_ledger(data: bytes, district: Any, file: str, *, calamine: bool = True) -> Any:
    """A ledger workbook (.xlsx) as :class:`liaison.law.records.Records`; every problem a
    :class:`~liaison.base.errors.DataError` naming the file and ``Sheet!Cell``.

    The values are read with python-calamine when it gives what openpyxl gives, otherwise with
    openpyxl (:mod:`liaison_xlsx.values`); ``calamine=False`` always reads with openpyxl (the
    tests' oracle)."""
    import warnings

    # openpyxl warns on stderr about cells it cannot convert (a date serial out of range): the reader
    # reports those cells itself, so its warnings are not shown (scoped to this read).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="openpyxl")
        book = _open(data, file, calamine)
        try:
            return _read_book(book, data, district, file)
        finally:
            book.close()


class RowsRead(tuple[Any, tuple[DataError, ...]]):
    """What :func:`read_ledger_rows` returns: the pair the records reader's ``read_rows`` returns
    (the records, the refused rows' problems), which also says where each record was read —
    ``places[section][i]`` is the rows of ``records.<section>[i]`` (``文件抄送!7:7``): a record the
    service refuses later (another body's) is named at its row too, though most kinds of record
    keep no place of their own."""

    places: Mapping[str, tuple[str, ...]]
    #: What each refused row holds (``会议走访!6`` → its cells' values, joined), to show beside why.
    texts: Mapping[str, str]

    def __new__(cls, records: Any, refused: tuple[DataError, ...],
                places: Mapping[str, tuple[str, ...]], texts: Mapping[str, str] | None = None) -> RowsRead:
        made = super().__new__(cls, (records, refused))
        made.places = places
        made.texts = texts or {}
        return made


def _refused_texts(data: bytes, file: str, refused: tuple[DataError, ...]) -> dict[str, str]:
    """What the refused rows hold, by ``Sheet!row``: the workbook read again (it was closed once its
    rows were read; only when something was refused), up to the last of them, within the sheets' limits."""
    import datetime as dt
    import warnings

    wanted: dict[str, set[int]] = {}
    for problem in refused:
        row = _row_of(problem.location)
        if problem.location.sheet and row:
            wanted.setdefault(problem.location.sheet, set()).add(row)
    if not wanted:
        return {}

    def text(value: Any) -> str:
        value = cell_value(value)
        if isinstance(value, dt.datetime) and value.time() == dt.time():
            value = value.date()
        return value.isoformat() if isinstance(value, dt.date) else str(value).strip()

    texts: dict[str, str] = {}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="openpyxl")
        book = _open(data, file)
        try:
            for ws in book.worksheets:
                rows = wanted.get(ws.title, set())
                for number, values in data_rows(ws) if rows else ():
                    if number > max(rows):
                        break
                    if number in rows:
                        texts[f"{ws.title}!{number}"] = " · ".join(t for v in values if (t := text(v)))
        finally:
            book.close()
    return texts


def _places(sections: dict[str, Section]) -> dict[str, tuple[str, ...]]:
    """The rows each section's record was read from (a consultation's, its replies' rows too)."""
    return {name: tuple(rows_ref(w.sheet, w.row, max((w.row, *w.child_rows))).rendered or "" for w in section.where)
            for name, section in sections.items()}


def read_ledger_rows(data: bytes, district: Any, file: str) -> RowsRead:
    """What of a ledger can be taken: the records of the rows without a problem, and the problems of
    the others, each at its cell (``会议走访!E53``) — for an upload that shows what is refused and
    records the rest when the user agrees. The same reading and checks as :func:`read_ledger`: a row
    with a bad cell is no record, a row the rows' or the core's checks refuse is taken out (with its
    problem) and the others checked again. A workbook that cannot be read as a ledger at all (not an
    .xlsx, no ledger sheet, another district's) and one with more problems than an error lists
    (:data:`~liaison_xlsx.problems.MAX_PROBLEMS`: the rows after them are not read) raise as
    :func:`read_ledger` does. The pair also says each record's rows (:class:`RowsRead`)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="openpyxl")
        book = _open(data, file)
        try:
            sections, problems, directory = _read_sections(book, district, file)
            if problems.full:
                problems.raise_any()
            recorded = _check_district(book, district, file)
        finally:
            book.close()
    refused = list(problems.found)
    agreed = Problems(file)
    _agree(sections, directory, agreed)
    refused += agreed.found
    _drop_rows(sections, agreed.found)
    for _ in range(sum(len(s.records) for s in sections.values()) + 1):
        records = make_records(recorded, district, {name: s.records for name, s in sections.items()})
        try:
            checked = check_consistency(records, district, file)
            return RowsRead(checked, tuple(refused), _places(sections), _refused_texts(data, file, tuple(refused)))
        except LiaisonError as exc:
            path = exc.location.path or ()
            if not (len(path) >= 2 and isinstance(path[0], str) and isinstance(path[1], int)
                    and path[0] in sections and 0 <= path[1] < len(sections[path[0]].records)):
                raise _core_error(exc, file, sections) from None
            refused.append(_core_error(exc, file, sections))
            section = sections[path[0]]
            del section.records[path[1]], section.where[path[1]]
    raise AssertionError("unreachable: each round takes a record out")  # pragma: no cover


def _row_of(location: Location) -> int | None:
    """The row a cell (``E53``) or a row range (``53:53``) is on."""
    digits = "".join(ch if ch.isdigit() else " " for ch in location.cell or "").split()
    return int(digits[0]) if digits else None


def _drop_rows(sections: dict[str, Section], found: list[DataError]) -> None:
    """Take out every record one of ``found`` names a row of (its own row or a reply's)."""
    bad = {(p.location.sheet, _row_of(p.location)) for p in found}
    for section in sections.values():
        keep = [i for i, w in enumerate(section.where)
                if not ({(w.sheet, w.row), *((w.sheet, r) for r in w.child_rows)} & bad)]
        section.records[:] = [section.records[i] for i in keep]
        section.where[:] = [section.where[i] for i in keep]


def _read_book(book: Book, data: bytes, district: Any, file: str) -> Any:
    sections, problems, directory = _read_sections(book, district, file)
    problems.raise_any()
    _agree(sections, directory, problems)
    problems.raise_any()
    recorded = _check_district(book, district, file)
    records = make_records(recorded, district, {name: s.records for name, s in sections.items()})
    return _core_check(records, district, file, sections)


def _read_sections(book: Book, district: Any, file: str) -> tuple[dict[str, Section], Problems, Directory]:
    """Every ledger sheet's rows read into its section (the rows with a bad cell left out, their
    problems collected) and the directory they were read with; a workbook with no ledger sheet raises."""
    problems = Problems(file)
    directory = Directory(district)
    merges = book.merges
    sections: dict[str, Section] = {}
    found_any = False
    found = {spec.name: find_sheets(book, spec) for spec in LEDGER}
    taken = {ws.title for sheets in found.values() for ws in sheets}
    try:  # a sheet a clerk renamed is found by its headers
        # not the register: its one required header (文号) is also 文件抄送's, so it is found by its name
        renamed = sheets_by_headers(book, tuple(s for s in LEDGER if s is not REGISTER), taken)
    except Ambiguous as exc:
        names = "、".join(exc.specs)
        raise DataError(f"the sheet's headers are those of several ledger sheets ({', '.join(exc.specs)}), "
                        "and its name is none of them", file=file, path=Location(sheet=exc.title),
                        fix=f"rename the sheet after the one it is ({names})",
                        message_zh=f"该工作表的表头同时符合多个台账工作表（{names}），名称却不是其中任何一个",
                        fix_zh=f"请把工作表改名为它所属的台账工作表（{names}之一）") from None
    except Unreadable as exc:
        what, what_zh = _DAMAGE.get(type(exc.cause).__name__, ("it is damaged", "文件可能已损坏"))
        raise DataError(f"the sheet cannot be read: {what}", file=file, path=Location(sheet=exc.title),
                        fix="save the workbook again", message_zh=f"工作表无法读取：{what_zh}",
                        fix_zh="请重新保存工作簿") from None
    for spec in LEDGER:
        found[spec.name] += renamed.get(spec.name, [])
        sections.setdefault(spec.section, Section())
    for spec, ws in [(s, ws) for s in LEDGER for ws in found[s.name]]:
        section = sections[spec.section]
        # a register alone (the 安排表 carries one too) is no ledger: it records nothing that happened
        found_any = found_any or spec is not REGISTER
        reader = SheetReader(spec, ws, merges.get(ws.title, []), directory, problems)
        try:
            (read_grouped if spec.child is not None else read_plain)(spec, reader, section)
        except LiaisonError:
            raise
        except TooManyRows:
            problems.add(Location(sheet=ws.title), f"the sheet has more than {MAX_ROWS:,} rows",
                         f"工作表超过 {MAX_ROWS:,} 行", "delete the empty rows below the records (docs/limits.md)",
                         "请删除记录下方的空行（见 docs/limits.md）")
        except Exception as exc:  # openpyxl failing mid-sheet on a damaged part
            what, what_zh = _DAMAGE.get(type(exc).__name__, ("it is damaged", "文件可能已损坏"))
            problems.add(Location(sheet=ws.title), f"the sheet cannot be read: {what}", f"工作表无法读取：{what_zh}",
                         "save the workbook again", "请重新保存工作簿")
    if not found_any:
        names = "、".join(s.name for s in LEDGER if s is not REGISTER)
        raise DataError("no ledger sheet in this workbook", file=file,
                        fix=f"a ledger has the sheets {names}; start from the exported 台账 template",
                        message_zh=f"工作簿中没有台账工作表（应有：{names}）",
                        fix_zh="请使用导出的台账模板填写")
    register = sections.get("register")
    if register is not None:  # each line with where it was read: a number already used is refused at its cell
        register.records[:] = [attrs.evolve(entry, source=file, row=where.cell("doc_number").rendered or "")
                               for entry, where in zip(register.records, register.where, strict=True)]
    return sections, problems, directory


def _check_district(book: Book, district: Any, file: str) -> str:
    """The district the workbook says it is for (its document property), which must be this one."""
    recorded = _district_property(book)
    expected = district.info.id
    if recorded and recorded != expected:
        raise DataError(f"this ledger is for the district {recorded!r}, not {expected!r}",
                        file=file, path=Location.named(f"文档属性 {DISTRICT_PROPERTY}"),
                        fix="check --data, or export the ledger of this district",
                        message_zh=f"这份台账属于“{recorded}”，不是“{expected}”",
                        fix_zh="请检查 --data，或使用本区导出的台账")
    return recorded
