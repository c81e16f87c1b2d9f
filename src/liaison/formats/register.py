"""The office's 发文登记簿 (register of letters issued) as a CSV file: where each series stands.

An office keeps its register in Excel or WPS; saved as CSV it comes as UTF-8 (with or without the
byte-order mark Excel's “CSV UTF-8” writes), as GB18030 (Excel's and WPS's plain “CSV” on Chinese
Windows, which is GBK: GB18030 reads it), or as UTF-16 with its mark (Excel's “Unicode 文本”, tab
separated). Its columns are the 发文登记 sheet's (:data:`REGISTER_COLUMNS`: 文号 required, the rest
optional, found by their header text among the first rows, the clerk's own columns ignored); every
row with a 文号 is a :class:`~liaison.law.records.RegisteredLetter`, so the letters liaison issues
continue after the highest number it lists per series and year
(:class:`liaison.year.numbering.LetterRegistry`).

Every problem is a :class:`DataError` naming the file and the line as a spreadsheet shows it
(``发文登记.csv: 5: …``), in both languages; all of a file's problems (up to 50) come together.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import unicodedata
from collections.abc import Iterator

import attrs

from liaison.base.errors import DataError, LiaisonError, Location, Refused
from liaison.base.text import office_date, quoted
from liaison.formats.syntax import read_file
from liaison.law.records import RegisteredLetter

__all__ = ["REGISTER_COLUMNS", "RegisterColumn", "load_register", "normalise_header", "parse_register"]

MAX_PROBLEMS = 50
#: the rows a header may stand below (a title row or two above it, as a register printed has)
HEADER_ROWS = 10


@attrs.frozen
class RegisterColumn:
    """A column of the register: the field of :class:`RegisteredLetter`, its header as written, the
    other headers a register may have for it, its English name."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    en: str = ""
    required: bool = False


#: The register's columns, in the sheet's order (the 发文登记 sheet of liaison-xlsx is laid out from them).
REGISTER_COLUMNS: tuple[RegisterColumn, ...] = (
    RegisterColumn("series", "代字", ("系列", "发文代字", "机关代字"), "series"),
    RegisterColumn("doc_number", "文号", ("发文字号", "发文号", "字号", "number"), "number", required=True),
    RegisterColumn("date", "成文日期", ("日期", "发文日期", "印发日期"), "date"),
    RegisterColumn("title", "标题", ("文件标题", "题名"), "title"),
    RegisterColumn("to", "主送", ("主送机关", "主送单位"), "to"),
    RegisterColumn("cc", "抄送", ("抄送机关", "抄送单位"), "cc"),
    RegisterColumn("file", "文件", ("文件名", "文件路径"), "file"),
    RegisterColumn("status", "状态", ("发文状态",), "status"),
)


def normalise_header(text: str) -> str:
    """A header or sheet name as compared: NFKC, no spaces, no required-marks, no bracketed notes."""
    out = unicodedata.normalize("NFKC", text).replace("*", "").replace("＊", "")
    out = "".join(out.split())
    for opening, closing in (("(", ")"), ("[", "]"), ("【", "】")):
        if out.startswith(opening) and out.endswith(closing) and out.count(opening) == 1:
            out = out[1:-1]  # 【类型】
        elif out.endswith(closing) and out.rfind(opening) > 0:
            out = out[:out.rindex(opening)]  # 日期（必填）
    return out.casefold()


_BY_HEADER = {normalise_header(name): c for c in REGISTER_COLUMNS for name in (c.header, *c.aliases, c.en, c.field)}


def load_register(path: str | os.PathLike[str]) -> tuple[RegisteredLetter, ...]:
    """The register CSV at ``path`` (``liaison export --register FILE``)."""
    name = os.fspath(path)
    return parse_register(read_file(name), file=name)


def _text(data: bytes, file: str) -> str:
    encodings: tuple[str, ...]
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError("the file is not text in UTF-8, GB18030 (GBK) or UTF-16", file=file,
                    fix="save the register from Excel or WPS as CSV (CSV UTF-8, or CSV)",
                    message_zh="文件不是 UTF-8、GB18030（GBK）或 UTF-16 编码的文本",
                    fix_zh="请在 Excel 或 WPS 中将发文登记簿另存为 CSV（“CSV UTF-8”或“CSV（逗号分隔）”）")


def _rows(text: str, file: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every record of the CSV; a tab-separated file (Excel's Unicode text) too."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:  # a stray quote, a NUL, a field past the csv module's limit
        raise DataError(f"the CSV cannot be read here: {exc}", file=file, path=Location(place=str(reader.line_num + 1)),
                        fix="open it in Excel or WPS and save it again as CSV",
                        message_zh="此处的 CSV 内容无法读取（引号不成对、含有空字符或单元格过长）",
                        fix_zh="请用 Excel 或 WPS 打开后重新保存为 CSV") from None


def _header(rows: Iterator[tuple[int, list[str]]], file: str) -> tuple[int, dict[str, int]]:
    """The header row's line and the column of each field it names."""
    for line, cells in rows:
        found: dict[str, int] = {}
        for i, cell in enumerate(cells):
            column = _BY_HEADER.get(normalise_header(cell))
            if column is None:
                continue  # a column of the clerk's own (序号, 备注 …)
            if column.field in found:
                raise DataError(f"two columns are {column.header} ({cells[found[column.field]]}, {cell})",
                                file=file, path=Location(place=str(line)), fix="delete or rename one of them",
                                message_zh=f"有两列都是“{column.header}”（{cells[found[column.field]]}、{cell}）",
                                fix_zh="请删除其中一列或改名")
            found[column.field] = i
        if "doc_number" in found:
            return line, found
        if line >= HEADER_ROWS:
            break
    names = "、".join(c.header for c in REGISTER_COLUMNS)
    raise DataError("no header row with a 文号 column among the first rows", file=file,
                    fix=f"the register's columns are {names}; 文号 is required",
                    message_zh="前几行中没有含“文号”列的表头",
                    fix_zh=f"发文登记簿的列为：{names}；“文号”列必须有")


def parse_register(data: bytes, *, file: str) -> tuple[RegisteredLetter, ...]:
    """The register CSV's bytes as lines of the register (see the module docstring)."""
    rows = _rows(_text(data, file), file)
    _line, columns = _header(rows, file)
    by_field = {c.field: c for c in REGISTER_COLUMNS}
    problems: list[LiaisonError] = []
    found: list[RegisteredLetter] = []
    first_line: dict[tuple[str, int, int], int] = {}

    def problem(line: int, field: str, message: str, message_zh: str, fix: str, fix_zh: str) -> None:
        column = by_field[field]
        problems.append(DataError(f"{column.en}: {message}", file=file, path=Location(place=str(line)),
                                  message_zh=f"“{column.header}”：{message_zh}", fix=fix, fix_zh=fix_zh))

    for line, cells in rows:
        if len(problems) >= MAX_PROBLEMS:
            break
        values = {field: cells[i].strip() for field, i in columns.items() if i < len(cells)}
        if not any(values.values()) and not any(c.strip() for c in cells):
            continue  # a blank row
        if not values.get("doc_number"):
            problem(line, "doc_number", "missing", "没有填写", "fill in the 文号, or delete the row",
                    "请填写文号，或删除该行")
            continue
        given: dict[str, object] = {k: v for k, v in values.items() if v and k != "date"}
        if values.get("date"):
            try:
                given["date"] = office_date(values["date"])
            except Refused as refused:
                problem(line, "date", refused.message, refused.message_zh or refused.message,
                        refused.fix or "", refused.fix_zh or "")
                continue
        try:
            entry = RegisteredLetter(**given, source=file, row=str(line))  # type: ignore[arg-type]
        except (Refused, ValueError, TypeError) as refused:
            field = getattr(refused, "field", None) or "doc_number"
            said = refused if isinstance(refused, Refused) else Refused(str(refused), "本行有误")
            message = said.message.removeprefix(field).strip()
            message_zh = (said.message_zh or said.message).removeprefix(field).strip()
            problem(line, field if field in by_field else "doc_number", message, message_zh,
                    said.fix or "correct the cell", said.fix_zh or "请改正该单元格")
            continue
        if entry.number in first_line:
            problem(line, "doc_number", f"{quoted(entry.doc_number)} is also on line {first_line[entry.number]}",
                    f"文号“{entry.doc_number}”与第{first_line[entry.number]}行重复",
                    "a number is used once: delete the copy, or correct one of the two",
                    "一个文号只能使用一次：请删除重复的一行，或改正其中一行")
            continue
        first_line[entry.number] = line
        found.append(entry)
    if problems:
        raise DataError.several(problems)
    return tuple(found)
