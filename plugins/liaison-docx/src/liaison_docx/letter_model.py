"""A neutral description of a Chinese official letter (公文), independent of the liaison domain.

A :class:`Letter` holds only text and dates; :func:`liaison_docx.renderer.render` lays it out in the
GB/T 9704-2012 format.  Every text field is checked by :func:`validate_letter` before anything is
written, so bad data gives one :class:`liaison.base.errors.ExportError` naming the field
(``body[3].text``), never a corrupt file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Literal, cast

from attrs import frozen
from liaison.base.errors import ExportError, Location, Path

Kind = Literal["document", "letter"]
"""``"document"``: 文件格式 (red mark, document number, one red rule 4 mm below it).
``"letter"``: 信函格式 (mark 30 mm from the top of the page, red double rule thick over thin)."""


@frozen
class Paragraph:
    """A body paragraph, indented two characters.  ``\\n`` breaks the line, ``\\t`` is a tab."""

    text: str


@frozen
class Heading:
    """A structural heading of level 1-4: 一、 (黑体), （一） (楷体), 1. and （1） (仿宋).

    With ``numbered`` (the default) the renderer prefixes the number itself, counting per level
    and restarting the deeper levels after each higher heading; pass ``numbered=False`` when the text
    already carries its number.
    """

    level: int
    text: str
    numbered: bool = True


@frozen
class Table:
    """A simple table: one header row and data rows, each as wide as the header.  ``row_lines`` is
    the least height of a data row in grid lines (2 or more for a form filled in by hand)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_lines: int = 1


Block = Paragraph | Heading | Table


@frozen
class Attachment:
    """An attachment (附件, GB/T 9704 §7.3.5 and §8): named in the 附件说明 after the body
    (``附件：回执``, several numbered ``1.`` ``2.``) and set on pages of its own after the date, under
    ``附件`` (or ``附件1``) at the top left and its name centred on the third line.  An attachment
    without ``body`` is a document sent with the letter (a draft for comment): it is named in the
    附件说明 only, and no page is set for it."""

    name: str
    body: tuple[Block, ...]


@frozen(kw_only=True)
class FontSet:
    """Font names as Chinese offices expect them; all configurable.

    The defaults are the names of the GB/T 9704 fonts as installed by most office machines
    (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体).  ``fallbacks`` maps a name to the font Word should
    use where it is missing (written to ``fontTable.xml`` as ``w:altName``); Windows 10 and later ship
    仿宋, 楷体, 黑体 and 宋体 but not the _GB2312 fonts or 方正小标宋简体 — use
    :meth:`FontSet.windows_builtin` there.
    """

    body: str = "仿宋_GB2312"
    title: str = "方正小标宋简体"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    page_number: str = "宋体"
    mark: str = "方正小标宋简体"
    fallbacks: tuple[tuple[str, str], ...] = (
        ("仿宋_GB2312", "仿宋"),
        ("楷体_GB2312", "楷体"),
        ("方正小标宋简体", "小标宋"),
        ("小标宋", "宋体"),
    )

    @classmethod
    def windows_builtin(cls) -> FontSet:
        """The fonts every Chinese Windows has (仿宋, 楷体, 黑体, 宋体); the title stays 方正小标宋简体
        with 宋体 as its fallback."""
        return cls(body="仿宋", heading2="楷体",
                   fallbacks=(("方正小标宋简体", "宋体"), ("小标宋", "宋体")))

    def names(self) -> tuple[str, ...]:
        """Every distinct font name used, in a fixed order."""
        seen: dict[str, None] = {}
        for name in (self.body, self.title, self.heading1, self.heading2, self.page_number, self.mark):
            seen.setdefault(name, None)
        return tuple(seen)


@frozen(kw_only=True)
class Letter:
    """One letter.  ``doc_number`` like ``区府办〔2027〕12号`` (see :func:`format_doc_number`).

    ``recipients`` is the 主送机关 line (a full-width colon is added if missing); ``signature`` the
    发文机关署名; ``date`` the 成文日期; ``cc`` the 抄送 organisations; ``printer`` and ``print_date``
    the 印发机关 and 印发日期 of the 版记.

    ``title_units`` optionally gives the title as the pieces a line may break between (organisation
    names, words, numbers with their unit; they join to ``title``); the renderer then chooses the
    breaks (:func:`liaison_docx.titles.break_title`).  Without them, ``\n`` in ``title`` breaks it as
    written, and a title without ``\n`` is split by :func:`liaison_docx.titles.title_units`.
    ``attachments`` follow the date, each from a new page.
    """

    kind: Kind
    issuing_authority_mark: str
    doc_number: str | None
    title: str
    recipients: str
    body: tuple[Block, ...]
    signature: str
    date: datetime.date
    cc: tuple[str, ...] = ()
    printer: str | None = None
    print_date: datetime.date | None = None
    title_units: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()

    @property
    def title_text(self) -> str:
        """The title on one line (for metadata and search)."""
        return self.title.replace("\n", "")


# -- formatting helpers -------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    if n < 1 or n > 99:
        raise ExportError(f"heading number {n} is out of range 1-99",
                          message_zh=f"标题序号 {n} 超出 1—99 的范围")
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


def heading_number(level: int, n: int) -> str:
    """The GB/T 9704 sequence mark: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{_chinese_number(n)}、"
    if level == 2:
        return f"（{_chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ExportError(f"heading level {level} is not 1-4", message_zh=f"标题层级 {level} 不在 1—4 之内")


def format_date(d: datetime.date) -> str:
    """成文日期 in Arabic numerals, full year, no leading zeros: ``2027年1月5日``."""
    return f"{d.year}年{d.month}月{d.day}日"


def format_doc_number(prefix: str, year: int, serial: int) -> str:
    """发文字号: agency prefix, full year in 六角括号 〔〕, serial without 第 or leading zeros."""
    if serial < 1:
        raise ExportError(f"document serial number {serial} must be 1 or more",
                          message_zh=f"发文序号 {serial} 应不小于 1")
    if year < 1000 or year > 9999:
        raise ExportError(f"document year {year} must have four digits",
                          message_zh=f"发文年份 {year} 应为四位数")
    return f"{prefix}〔{year}〕{serial}号"


# a draft leaves the number blank (two ideographic spaces) for the register to fill when it is issued
_DOC_NUMBER = re.compile(r"^[^\s〔〕]+〔[0-9]{4}〕(?:[1-9][0-9]*|\u3000\u3000)号$")

# Characters XML 1.0 cannot hold, plus the control characters we refuse (everything below U+0020
# except tab and newline; carriage return is refused too, as it has no meaning in a Word run).
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _text_fields(letter: Letter) -> Iterator[tuple[Path, str | None]]:
    yield ("issuing_authority_mark",), letter.issuing_authority_mark
    yield ("doc_number",), letter.doc_number
    yield ("title",), letter.title
    for i, unit in enumerate(letter.title_units):
        yield ("title_units", i), unit
    yield ("recipients",), letter.recipients
    yield from _block_texts(("body",), letter.body)
    for a, attachment in enumerate(letter.attachments):
        yield ("attachments", a, "name"), attachment.name
        yield from _block_texts(("attachments", a, "body"), attachment.body)
    yield ("signature",), letter.signature
    for i, name in enumerate(letter.cc):
        yield ("cc", i), name
    yield ("printer",), letter.printer


def _block_texts(where: Path, blocks: tuple[Block, ...]) -> Iterator[tuple[Path, str | None]]:
    for i, block in enumerate(blocks):
        if isinstance(block, Table):
            for j, cell in enumerate(block.header):
                yield (*where, i, "header", j), cell
            for r, row in enumerate(block.rows):
                for j, cell in enumerate(row):
                    yield (*where, i, "rows", r, j), cell
        else:
            yield (*where, i, "text"), getattr(block, "text", None)


def _texts_clean(letter: Letter) -> bool:
    """Whether every field :func:`_text_fields` names holds text (``doc_number`` and ``printer``
    may be None) with no character :data:`_BAD_CHARS` refuses, checked with one search over them
    all; False sends :func:`validate_letter` field by field, to name the first bad one (each of a
    letter's some 50 texts walked with its location and searched on its own was most of the
    check)."""
    texts: list[object] = [letter.issuing_authority_mark, letter.title, *letter.title_units, letter.recipients,
             letter.signature, *letter.cc]
    for value in (letter.doc_number, letter.printer):
        if value is not None:
            texts.append(value)
    for blocks in (letter.body, *(a.body for a in letter.attachments)):
        for block in blocks:
            if isinstance(block, Table):
                texts += block.header
                for row in block.rows:
                    texts += row
            else:
                texts.append(getattr(block, "text", None))
    texts += (a.name for a in letter.attachments)
    if any(type(t) is not str for t in texts):
        return False
    return _BAD_CHARS.search("".join(cast("list[str]", texts))) is None


def _check_text(path: Path, value: object) -> None:
    if not isinstance(value, str):
        raise ExportError(f"expected text, got {type(value).__name__}", path=Location.inside(*path),
                          message_zh=f"应为文本，此处是 {type(value).__name__}")
    bad = _BAD_CHARS.search(value)
    if bad is not None:
        raise ExportError(
            f"character U+{ord(bad.group()):04X} at position {bad.start()} cannot be stored in a Word file",
            path=Location.inside(*path), fix="remove control characters from the text (tab and newline are allowed)",
            message_zh=f"第 {bad.start()} 个位置的字符 U+{ord(bad.group()):04X} 无法存入 Word 文件",
            fix_zh="请删去文字中的控制字符（可以有制表符和换行）")


def validate_fonts(fonts: FontSet) -> None:
    """Check every font name (they are written into the package's XML as they are); raise
    :class:`ExportError` naming the first bad one (``fonts.body``)."""
    for name in ("body", "title", "heading1", "heading2", "page_number", "mark"):
        _check_text(("fonts", name), getattr(fonts, name))
    for i, pair in enumerate(fonts.fallbacks):
        for j, value in enumerate(pair):
            _check_text(("fonts", "fallbacks", i, j), value)


def validate_letter(letter: Letter) -> None:
    """Check every field; raise :class:`ExportError` naming the first bad one.

    Refused: characters XML 1.0 cannot hold (control characters other than tab and newline, lone
    surrogates, U+FFFE/U+FFFF), an unknown kind, a heading level outside 1-4, a table row whose width
    differs from the header, a document number not in the form ``区府办〔2027〕12号``, and an empty
    mark, title or signature.
    """
    if letter.kind not in ("document", "letter"):
        raise ExportError(f"unknown letter kind {letter.kind!r}", path=Location.inside("kind"),
                          fix='use "document" (文件格式) or "letter" (信函格式)',
                          message_zh=f"未知的公文格式 {letter.kind!r}",
                          fix_zh='请用 "document"（文件格式）或 "letter"（信函格式）')
    if not _texts_clean(letter):  # the usual letter: every text checked at once, none named
        for path, value in _text_fields(letter):
            if value is None and path in (("doc_number",), ("printer",)):
                continue
            _check_text(path, value)
    for name in ("issuing_authority_mark", "title", "signature"):
        if not str(getattr(letter, name)).strip():
            raise ExportError("must not be empty", path=Location.inside(name), message_zh="不能为空")
    if letter.doc_number is not None and not _DOC_NUMBER.match(letter.doc_number):
        raise ExportError(
            f"document number {letter.doc_number!r} is not in the GB/T 9704 form",
            path=Location.inside("doc_number"),
            fix="write it as prefix + 〔full year〕 + serial + 号 without 第 or leading zeros, "
                "e.g. 区府办〔2027〕12号 (liaison_docx.format_doc_number builds it)",
            message_zh=f"发文字号 {letter.doc_number!r} 不符合 GB/T 9704 的格式",
            fix_zh="请按“机关代字＋〔四位年份〕＋序号＋号”书写，不加“第”字、序号不编虚位，"
                   "如 区府办〔2027〕12号（可用 liaison_docx.format_doc_number 生成）")
    for name in ("date", "print_date"):
        value = getattr(letter, name)
        if value is None and name == "print_date":
            continue
        if not isinstance(value, datetime.date):
            raise ExportError(f"expected a date, got {type(value).__name__}", path=Location.inside(name),
                              message_zh=f"应为日期，此处是 {type(value).__name__}")
    if not isinstance(letter.body, tuple) or not isinstance(letter.cc, tuple):
        raise ExportError("body and cc must be tuples", path=Location.inside("body"),
                          message_zh="body 和 cc 应为 tuple")
    if letter.title_units and "".join(letter.title_units) != letter.title_text:
        raise ExportError("the title units do not join to the title", path=Location.inside("title_units"),
                          fix="give the title's pieces in order, without line breaks",
                          message_zh="标题各段连起来与标题不一致", fix_zh="请按顺序给出标题的各段，不含换行")
    _check_blocks(("body",), letter.body)
    for a, attachment in enumerate(letter.attachments):
        if not isinstance(attachment, Attachment):
            raise ExportError(f"expected an Attachment, got {type(attachment).__name__}",
                              path=Location.inside("attachments", a),
                              message_zh=f"应为 Attachment，此处是 {type(attachment).__name__}")
        if not attachment.name.strip():
            raise ExportError("must not be empty", path=Location.inside("attachments", a, "name"),
                              message_zh="不能为空")
        _check_blocks(("attachments", a, "body"), attachment.body)


def _check_blocks(where: Path, blocks: tuple[Block, ...]) -> None:
    for i, block in enumerate(blocks):
        if isinstance(block, Heading):
            if block.level not in (1, 2, 3, 4):
                raise ExportError(f"heading level {block.level} is not 1-4", path=Location.inside(*where, i, "level"),
                                  message_zh=f"标题层级 {block.level} 不在 1—4 之内")
        elif isinstance(block, Table):
            if not block.header:
                raise ExportError("a table needs at least one column", path=Location.inside(*where, i, "header"),
                                  message_zh="表格至少要有一列")
            if block.row_lines < 1:
                raise ExportError("a row is at least one line high", path=Location.inside(*where, i, "row_lines"),
                                  message_zh="每行至少一行高")
            for r, row in enumerate(block.rows):
                if len(row) != len(block.header):
                    raise ExportError(
                        f"row has {len(row)} cells but the header has {len(block.header)}",
                        path=Location.inside(*where, i, "rows", r),
                        message_zh=f"该行有 {len(row)} 格，表头有 {len(block.header)} 列")
        elif not isinstance(block, Paragraph):
            raise ExportError(f"unknown block type {type(block).__name__}", path=Location.inside(*where, i),
                              fix="use Paragraph, Heading or Table",
                              message_zh=f"未知的段落类型 {type(block).__name__}",
                              fix_zh="请用 Paragraph、Heading 或 Table")
