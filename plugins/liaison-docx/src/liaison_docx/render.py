"""Lay a :class:`~liaison_docx.letter.Letter` out as a GB/T 9704-2012 Word document.

The package is our own lean template (styles, settings, font table, footers with PAGE fields; a few
kilobytes instead of python-docx's ~790 KB default), built once per :class:`FontSet` and cached.  Per
letter only ``document.xml`` (and, for the letter format, its first-page header) is generated with
lxml, and the zip is written with fixed timestamps in a fixed order, so the same letter always gives
the same bytes.  Data text is set as element text (escaped by lxml), never evaluated as a template.

The 22 lines × 28 characters grid
---------------------------------
The type area is 156 mm × 225 mm (A4 less 28/26 mm left/right and 37/35 mm top/bottom margins),
i.e. 8845 × 12756 twips.  22 lines need a pitch of at most 12756 / 22 = 579.8 twips and 23 must not
fit, so every grid paragraph has an *exact* line spacing of 579 twips (28.95 pt).  28 characters of
16 pt (320 twips) need 8960 twips, 115 more than the line holds, so every body run is condensed by
0.25 pt (``w:spacing w:val="-5"``): 28 × 315 = 8820 ≤ 8845 < 29 × 315.  The section carries
``w:docGrid w:type="lines" w:linePitch="579"`` so Word's page set-up shows 22 lines per page, which
agrees with the exact spacing (the OOXML grid only governs line pitch for "lines"; it has no
character grid, so Word lays characters out at their condensed width).  LibreOffice 7.4 turns a
``docGrid`` of ``lines`` or ``linesAndChars`` into its own text grid, which it lays out differently
(19 lines × 27 and 19 × 14 characters measured); with ``w:snapToGrid w:val="0"`` on the paragraphs
and runs (set in the styles) LibreOffice ignores its grid and honours the exact spacing and the
condensed characters, rendering 22 × 28 — see ``tests/test_libreoffice.py``.
"""

from __future__ import annotations

import datetime
import functools
import io
import itertools
import re
import struct
import zlib
from collections.abc import Iterable, Sequence
from copy import deepcopy
from typing import TYPE_CHECKING

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from liaison.errors import ExportError
from lxml import etree

from liaison_docx.letter import (
    FontSet,
    Heading,
    Letter,
    Paragraph,
    Table,
    format_date,
    heading_number,
    validate_letter,
)

if TYPE_CHECKING:
    from docx.document import Document

__all__ = [
    "CHAR_SPACING",
    "LINE_PITCH",
    "MARGINS",
    "PAGE_SIZE",
    "render",
    "render_document",
]

# -- geometry (twips = 1/20 pt; 1 mm = 56.69 twips) --------------------------------------------------

PAGE_SIZE = (11906, 16838)
"""A4, 210 × 297 mm."""
MARGINS = {"top": 2098, "bottom": 1984, "left": 1587, "right": 1474}
"""37, 35, 28 and 26 mm."""
TEXT_WIDTH = PAGE_SIZE[0] - MARGINS["left"] - MARGINS["right"]  # 8845 = 156 mm
LINE_PITCH = 579
"""Exact line spacing of every grid line, twips (28.95 pt): 22 lines in 225 mm."""
CHAR_SPACING = -5
"""Character spacing of 3号 text, twentieths of a point (−0.25 pt): 28 characters in 156 mm."""
BODY_SIZE = 32  # half-points: 3号 = 16 pt
TITLE_SIZE = 44  # 2号 = 22 pt
SMALL_SIZE = 28  # 4号 = 14 pt: page numbers, 版记, tables
CHAR = 320 + CHAR_SPACING * 1  # one condensed 3号 character, twips (315)
SMALL_CHAR = 280  # one 4号 character, twips
MARK_MAX_SIZE = 72  # half-points (36 pt, 小初) for the issuing-authority mark
HEADER_LETTER = 1701  # 30 mm: the letter-format mark's top edge
HEADER_DOCUMENT = 851
FOOTER = 1268  # page-number line (exact 16 pt) tops out 7 mm below the type area
RED = "FF0000"

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = "http://www.w3.org/XML/1998/namespace"
_NSMAP = {"w": _W, "r": _R}
_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@functools.cache
def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _PPR, _R_, _RPR, _T, _BR, _TAB = (_q(t) for t in ("p", "pPr", "r", "rPr", "t", "br", "tab"))
_PSTYLE, _VAL, _SPACE = _q("pStyle"), _q("val"), f"{{{_XML}}}space"


# -- the zip ---------------------------------------------------------------------------------------
# A minimal ZIP writer: fixed order, DOS timestamp 1980-01-01 00:00, no extra fields, deflate.  The
# static parts are compressed once per template (zipfile would recompress them for every letter).

_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME = 0


class _Member:
    __slots__ = ("compressed", "crc", "name", "size")

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name.encode("ascii")
        self.crc = zlib.crc32(data)
        self.size = len(data)
        deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.compressed = deflate.compress(data) + deflate.flush()


def _zip(members: Iterable[_Member]) -> bytes:
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    count = 0
    for m in members:
        common = struct.pack("<HHHHHIII", 20, 0, 8, _DOS_TIME, _DOS_DATE, m.crc, len(m.compressed), m.size)
        local = b"PK\x03\x04" + common + struct.pack("<HH", len(m.name), 0) + m.name
        central.append(b"PK\x01\x02" + struct.pack("<H", 20) + common
                       + struct.pack("<HHHHHII", len(m.name), 0, 0, 0, 0, 0, offset) + m.name)
        out.append(local)
        out.append(m.compressed)
        offset += len(local) + len(m.compressed)
        count += 1
    directory = b"".join(central)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, count, count, len(directory), offset, 0)
    return b"".join(out) + directory + end


# -- the lean template -----------------------------------------------------------------------------

def _fonts_attr(name: str) -> str:
    return (f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}" '
            f'w:hint="eastAsia"/>')


def _attr(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace(">", "&gt;"))


def _styles_xml(f: FontSet) -> bytes:
    body = _fonts_attr(_attr(f.body))
    grid_p = f'<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="{LINE_PITCH}" ' \
             'w:lineRule="exact"/>'

    def pstyle(sid: str, name: str, ppr: str = "", rpr: str = "", based: str = "Normal",
               extra: str = "") -> str:
        return (f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{sid}"><w:name w:val="{name}"/>'
                f'<w:basedOn w:val="{based}"/>{extra}<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr>'
                '</w:style>')

    def heading(level: int, font: str) -> str:
        return pstyle(f"GwHeading{level}", f"公文标题{level}级",
                      f'<w:keepNext/><w:outlineLvl w:val="{level - 1}"/>',
                      _fonts_attr(_attr(font)), based="GwBody", extra='<w:next w:val="GwBody"/>')

    small_line = '<w:spacing w:before="0" w:after="0" w:line="400" w:lineRule="exact"/>'
    styles = [
        '<w:docDefaults><w:rPrDefault><w:rPr>', body,
        f'<w:kern w:val="0"/><w:sz w:val="{BODY_SIZE}"/><w:szCs w:val="{BODY_SIZE}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:snapToGrid w:val="0"/>'
        f'<w:spacing w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/></w:pPr></w:pPrDefault>'
        '</w:docDefaults>',
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:widowControl w:val="0"/><w:overflowPunct w:val="0"/>'
        '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>',
        grid_p, '<w:jc w:val="both"/></w:pPr><w:rPr>', body,
        f'<w:snapToGrid w:val="0"/><w:spacing w:val="{CHAR_SPACING}"/><w:kern w:val="0"/>'
        f'<w:sz w:val="{BODY_SIZE}"/><w:szCs w:val="{BODY_SIZE}"/></w:rPr></w:style>',
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
        '<w:top w:w="0" w:type="dxa"/><w:left w:w="57" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        pstyle("GwMark", "发文机关标志", '<w:jc w:val="center"/>',
               _fonts_attr(_attr(f.mark)) + f'<w:color w:val="{RED}"/><w:spacing w:val="0"/>'),
        pstyle("GwDocNumber", "发文字号", '<w:jc w:val="center"/>'),
        pstyle("GwTitle", "公文标题", '<w:keepNext/><w:spacing w:before="0" w:after="0" w:line="700" '
               'w:lineRule="exact"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/>',
               _fonts_attr(_attr(f.title)) + f'<w:spacing w:val="0"/><w:sz w:val="{TITLE_SIZE}"/>'
               f'<w:szCs w:val="{TITLE_SIZE}"/>'),
        pstyle("GwRecipients", "主送机关", '<w:keepNext/>'),
        pstyle("GwBody", "公文正文", f'<w:ind w:firstLine="{2 * CHAR}"/>'),
        heading(1, f.heading1), heading(2, f.heading2), heading(3, f.body), heading(4, f.body),
        pstyle("GwSignature", "发文机关署名", '<w:keepNext/><w:jc w:val="right"/>'),
        pstyle("GwDate", "成文日期", f'<w:ind w:right="{4 * CHAR}"/><w:jc w:val="right"/>'),
        pstyle("GwTableText", "表格文字", small_line + '<w:jc w:val="center"/>',
               f'<w:spacing w:val="0"/><w:sz w:val="{SMALL_SIZE}"/><w:szCs w:val="{SMALL_SIZE}"/>'),
        pstyle("GwRecord", "版记", small_line + f'<w:ind w:left="{SMALL_CHAR}" w:right="{SMALL_CHAR}"/>'
               '<w:jc w:val="left"/>',
               f'<w:spacing w:val="0"/><w:sz w:val="{SMALL_SIZE}"/><w:szCs w:val="{SMALL_SIZE}"/>'),
        pstyle("GwPageNumber", "页码",
               '<w:spacing w:before="0" w:after="0" w:line="320" w:lineRule="exact"/>',
               _fonts_attr(_attr(f.page_number)) + f'<w:spacing w:val="0"/><w:sz w:val="{SMALL_SIZE}"/>'
               f'<w:szCs w:val="{SMALL_SIZE}"/>'),
    ]
    return (_DECL + f'<w:styles xmlns:w="{_W}">'.encode() + "".join(styles).encode()
            + b"</w:styles>")


_SETTINGS = _DECL + (f'<w:settings xmlns:w="{_W}"><w:zoom w:percent="100"/>'
             '<w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>'
             '<w:characterSpacingControl w:val="doNotCompress"/>'
             '<w:compat><w:compatSetting w:name="compatibilityMode" '
             'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
             '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
             '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>').encode()

_APP = (_DECL + b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        b"<Application>liaison-docx</Application><DocSecurity>0</DocSecurity></Properties>")


def _font_table_xml(f: FontSet) -> bytes:
    alt = dict(f.fallbacks)
    fonts = []
    for name in f.names():
        alt_name = f'<w:altName w:val="{_attr(alt[name])}"/>' if name in alt else ""
        fonts.append(f'<w:font w:name="{_attr(name)}">{alt_name}<w:charset w:val="86"/>'
                     '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>')
    return _DECL + f'<w:fonts xmlns:w="{_W}">{"".join(fonts)}</w:fonts>'.encode()


def _footer_xml(f: FontSet, side: str) -> bytes:
    """A page-number footer: 4号 宋体 "— 1 —", odd pages right and even left, one character in."""
    if side == "blank":
        content = '<w:p><w:pPr><w:pStyle w:val="GwPageNumber"/></w:pPr></w:p>'
    else:
        ind = (f'<w:ind w:right="{SMALL_CHAR}"/><w:jc w:val="right"/>' if side == "odd"
               else f'<w:ind w:left="{SMALL_CHAR}"/><w:jc w:val="left"/>')
        rpr = f"<w:rPr>{_fonts_attr(_attr(f.page_number))}</w:rPr>"
        content = (f'<w:p><w:pPr><w:pStyle w:val="GwPageNumber"/>{ind}</w:pPr>'
                   f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>'
                   f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
                   f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
                   f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
                   f'<w:r>{rpr}<w:t>1</w:t></w:r>'
                   f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
                   f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r></w:p>')
    return _DECL + f'<w:ftr xmlns:w="{_W}" xmlns:r="{_R}">{content}</w:ftr>'.encode()


def _content_types(kind: str) -> bytes:
    parts = [("/word/document.xml", CT.WML_DOCUMENT_MAIN), ("/word/styles.xml", CT.WML_STYLES),
             ("/word/settings.xml", CT.WML_SETTINGS), ("/word/fontTable.xml", CT.WML_FONT_TABLE),
             ("/word/footer1.xml", CT.WML_FOOTER), ("/word/footer2.xml", CT.WML_FOOTER),
             ("/docProps/core.xml", CT.OPC_CORE_PROPERTIES),
             ("/docProps/app.xml", CT.OFC_EXTENDED_PROPERTIES)]
    if kind == "letter":
        parts += [("/word/footer3.xml", CT.WML_FOOTER), ("/word/header1.xml", CT.WML_HEADER)]
    overrides = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in parts)
    return (_DECL + b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            + f'<Default Extension="rels" ContentType="{CT.OPC_RELATIONSHIPS}"/>'
              f'<Default Extension="xml" ContentType="{CT.XML}"/>{overrides}</Types>'.encode())


def _rels(rels: Iterable[tuple[str, str, str]]) -> bytes:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in rels)
    return (_DECL + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + body.encode() + b"</Relationships>")


_PACKAGE_RELS = _rels([("rId1", RT.OFFICE_DOCUMENT, "word/document.xml"),
                       ("rId2", RT.CORE_PROPERTIES, "docProps/core.xml"),
                       ("rId3", RT.EXTENDED_PROPERTIES, "docProps/app.xml")])


def _document_rels(kind: str) -> bytes:
    rels = [("rId1", RT.STYLES, "styles.xml"), ("rId2", RT.SETTINGS, "settings.xml"),
            ("rId3", RT.FONT_TABLE, "fontTable.xml"), ("rId4", RT.FOOTER, "footer1.xml"),
            ("rId5", RT.FOOTER, "footer2.xml")]
    if kind == "letter":
        rels += [("rId6", RT.FOOTER, "footer3.xml"), ("rId7", RT.HEADER, "header1.xml")]
    return _rels(rels)


class _Template:
    """The static parts of the package for one font set, and run-property prototypes."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        self.static: dict[str, list[_Member]] = {}
        styles, font_table = _styles_xml(fonts), _font_table_xml(fonts)
        for kind in ("document", "letter"):
            parts = [("word/_rels/document.xml.rels", _document_rels(kind)), ("word/styles.xml", styles),
                     ("word/settings.xml", _SETTINGS), ("word/fontTable.xml", font_table),
                     ("word/footer1.xml", _footer_xml(fonts, "odd")),
                     ("word/footer2.xml", _footer_xml(fonts, "even"))]
            if kind == "letter":
                parts.append(("word/footer3.xml", _footer_xml(fonts, "blank")))
            self.static[kind] = [_Member(name, data) for name, data in parts]
        rels = _Member("_rels/.rels", _PACKAGE_RELS)
        self.head = {k: [_Member("[Content_Types].xml", _content_types(k)), rels]
                     for k in ("document", "letter")}
        self.app = _Member("docProps/app.xml", _APP)
        roles = (("body", fonts.body), ("heading1", fonts.heading1), ("heading2", fonts.heading2),
                 ("title", fonts.title), ("mark", fonts.mark))
        self.rpr = {role: self._rpr(name, None) for role, name in roles}
        self.rpr.update({f"{role}/small": self._rpr(name, SMALL_SIZE) for role, name in roles})
        self.para: dict[str, etree._Element] = {}

    @staticmethod
    def _rpr(font: str, size: int | None) -> etree._Element:
        """A run with its properties: the fonts (East Asian included) on every run, and the size."""
        r = etree.Element(_R_, nsmap=_NSMAP)
        rpr = etree.SubElement(r, _RPR)
        etree.SubElement(rpr, _q("rFonts"), {_q("ascii"): font, _q("hAnsi"): font, _q("eastAsia"): font,
                                             _q("cs"): font, _q("hint"): "eastAsia"})
        if size is not None:
            etree.SubElement(rpr, _q("sz"), {_VAL: str(size)})
            etree.SubElement(rpr, _q("szCs"), {_VAL: str(size)})
        return r


@functools.lru_cache(maxsize=16)
def _template(fonts: FontSet) -> _Template:
    return _Template(fonts)


# -- document.xml ----------------------------------------------------------------------------------

def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, _q(tag), {_q(k): v for k, v in attrs.items()})


class _Builder:
    def __init__(self, tpl: _Template) -> None:
        self.tpl = tpl
        self.root = etree.Element(_q("document"), nsmap=_NSMAP)
        self.body = etree.SubElement(self.root, _q("body"))

    def para(self, style: str, parent: etree._Element | None = None) -> tuple[etree._Element, etree._Element]:
        p = etree.SubElement(self.body if parent is None else parent, _P)
        ppr = etree.SubElement(p, _PPR)
        etree.SubElement(ppr, _PSTYLE, {_VAL: style})
        return p, ppr

    def run(self, p: etree._Element, text: str, role: str = "body",
            extra: Sequence[etree._Element] = ()) -> None:
        r = deepcopy(self.tpl.rpr[role])
        p.append(r)
        if extra:
            rpr = r[0]
            for e in extra:
                rpr.append(e)
        first = True
        for line in text.split("\n"):
            if not first:
                etree.SubElement(r, _BR)
            first = False
            first_seg = True
            for seg in line.split("\t"):
                if not first_seg:
                    etree.SubElement(r, _TAB)
                first_seg = False
                if seg:
                    t = etree.SubElement(r, _T)
                    t.text = seg
                    if seg[0] == " " or seg[-1] == " ":
                        t.set(_SPACE, "preserve")


def _spacing(ppr: etree._Element, before: int = 0, line: int = LINE_PITCH) -> None:
    _el(ppr, "spacing", before=str(before), after="0", line=str(line), lineRule="exact")


def _border(parent: etree._Element, side: str, val: str, sz: int, space: int = 0, color: str = RED) -> None:
    _el(parent, side, val=val, sz=str(sz), space=str(space), color=color)


def _mark_size(text: str, width: int) -> int:
    """Half-point size of the mark: 小初 (36 pt) or smaller so that it fits on one line."""
    fit = width * 2 // (20 * max(len(text), 1))  # half-points per character
    return max(min(MARK_MAX_SIZE, fit), 2 * 16)


def _run_size(size: int) -> list[etree._Element]:
    sz = etree.Element(_q("sz"), {_VAL: str(size)})
    szcs = etree.Element(_q("szCs"), {_VAL: str(size)})
    return [sz, szcs]


def _mark_paragraph(b: _Builder, parent: etree._Element, text: str, before: int, width: int,
                    ind: int, rule: str | None) -> None:
    size = _mark_size(text, width)
    p, ppr = b.para("GwMark", parent)
    if rule is not None:
        pbdr = _el(ppr, "pBdr")
        _border(pbdr, "bottom", rule, 24, space=11)
    _spacing(ppr, before=before, line=size * 10 * 5 // 4)
    if ind:
        _el(ppr, "ind", left=str(-ind), right=str(-ind))
    b.run(p, text, "mark", _run_size(size))


def _display_width(text: str) -> float:
    """Width in 3号 characters: CJK counts one, ASCII half."""
    return sum(0.5 if ord(c) < 0x2E80 and c not in "—“”‘’…" else 1.0 for c in text)


def _body(b: _Builder, letter: Letter) -> None:
    counters = [0, 0, 0, 0]
    last = len(letter.body) - 1
    for i, block in enumerate(letter.body):
        if isinstance(block, Paragraph):
            p, ppr = b.para("GwBody")
            if i == last:  # the closing paragraph goes with the signature: no page of signature alone
                _el(ppr, "keepNext")
            b.run(p, block.text)
        elif isinstance(block, Heading):
            level = block.level
            counters[level - 1] += 1
            for deeper in range(level, 4):
                counters[deeper] = 0
            text = block.text
            if block.numbered:
                text = heading_number(level, counters[level - 1]) + text
            p, _ = b.para(f"GwHeading{level}")
            b.run(p, text, {1: "heading1", 2: "heading2"}.get(level, "body"))
        elif isinstance(block, Table):
            _table(b, block)


CELL_MARGIN = 57  # left and right cell margin of body tables, twips (1 mm)
CELL_PAD = 2 * CELL_MARGIN + 40  # both margins and a little air


def _wide(c: str) -> bool:
    return ord(c) >= 0x2E80 or c in "—“”‘’…"


def _cell_width(text: str) -> float:
    """Width of a table line in 4号 characters, on the generous side: Latin letters and digits are a
    little over half a character in the CJK fonts, and LibreOffice puts about a quarter character
    between CJK and Latin text (it ignores w:autoSpaceDE="0")."""
    wide = [_wide(c) for c in text]
    gaps = sum(1 for a, b in itertools.pairwise(wide) if a != b)
    return sum(1.0 if w else 0.56 for w in wide) + 0.25 * gaps


def _piece_need(piece: str) -> float:
    """The narrowest a piece of a line may be set: a run of CJK ideographs breaks anywhere (keep four
    on a line); anything with digits, Latin letters or brackets — a date, a time, a citation — is
    kept whole."""
    width = _cell_width(piece)
    if all("\u3400" <= c <= "\u9fff" or c in "、，；" for c in piece):
        return min(width, 4.0)
    return width


_BREAKS = re.compile(r"(?<=[、，,；;/ ])")


def _column_widths(table: Table) -> list[int]:
    """Column widths in twips that add up to the type area's width.

    Each column wants its longest line (a 4号 character per CJK character, half for ASCII, plus the
    cell margins) and needs at least its longest unbreakable piece (a line cut after 、，；/ and
    spaces: a date, a time or a citation is one piece).  When the wants fit, every column gets its want
    and the slack is shared in proportion.  When they do not, the columns with the longest wants are
    narrowed to one common width but never below what they need (water-filling), so dates, times and
    citations stay on one line and lists of names wrap.  When even the needs do not fit, the needs are
    scaled down.
    """
    rows = (table.header, *table.rows)
    wants: list[int] = []
    needs: list[int] = []
    for c in range(len(table.header)):
        lines = [line for row in rows for line in row[c].split("\n")]
        pieces = [piece for line in lines for piece in _BREAKS.split(line)]
        wants.append(int(max(2.0, *(_cell_width(x) for x in lines)) * SMALL_CHAR) + CELL_PAD)
        needs.append(int(max(2.0, *(_piece_need(x) for x in pieces)) * SMALL_CHAR) + CELL_PAD)
    total = sum(wants)
    if total <= TEXT_WIDTH:
        widths = [w + (TEXT_WIDTH - total) * w // total for w in wants]
    elif sum(needs) <= TEXT_WIDTH:
        def fit(cap: int) -> list[int]:
            return [max(n, min(w, cap)) for w, n in zip(wants, needs, strict=True)]

        lo, hi = 0, max(wants)
        while lo < hi:  # the widest common cap that still fits
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if sum(fit(mid)) <= TEXT_WIDTH else (lo, mid - 1)
        widths = fit(lo)
    else:
        widths = [n * TEXT_WIDTH // sum(needs) for n in needs]
    widths[-1] += TEXT_WIDTH - sum(widths)
    return widths


def _table(b: _Builder, table: Table) -> None:
    tbl = etree.SubElement(b.body, _q("tbl"))
    tblpr = _el(tbl, "tblPr")
    _el(tblpr, "tblW", w=str(TEXT_WIDTH), type="dxa")
    _el(tblpr, "jc", val="center")
    borders = _el(tblpr, "tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _border(borders, side, "single", 4, color="000000")
    _el(tblpr, "tblLayout", type="fixed")
    mar = _el(tblpr, "tblCellMar")  # explicit: LibreOffice does not apply the default table style's
    _el(mar, "left", w=str(CELL_MARGIN), type="dxa")
    _el(mar, "right", w=str(CELL_MARGIN), type="dxa")
    widths = _column_widths(table)
    grid = _el(tbl, "tblGrid")
    for width in widths:
        _el(grid, "gridCol", w=str(width))
    # one prototype row per kind (header / data), copied per row: the cells differ only in their text
    protos = []
    for header in (True, False):
        tr = etree.Element(_q("tr"))
        trpr = _el(tr, "trPr")
        _el(trpr, "cantSplit")
        _el(trpr, "trHeight", val=str(LINE_PITCH), hRule="atLeast")
        if header:
            _el(trpr, "tblHeader")
        for width in widths:
            tc = _el(tr, "tc")
            tcpr = _el(tc, "tcPr")
            _el(tcpr, "tcW", w=str(width), type="dxa")
            _el(tcpr, "vAlign", val="center")
            b.para("GwTableText", tc)
        protos.append(tr)
    for r, row in enumerate((table.header, *table.rows)):
        tr = deepcopy(protos[0 if r == 0 else 1])
        tbl.append(tr)
        for tc, cell in zip(tr.iterchildren(_q("tc")), row, strict=True):
            b.run(tc[-1], cell, "heading1/small" if r == 0 else "body/small")


def _record(b: _Builder, letter: Letter) -> None:
    """版记: 抄送 and 印发机关/印发日期 between a thick first and last rule, thin rule between."""
    rows: list[tuple[str, str | None]] = []
    if letter.cc:
        rows.append(("抄送：" + "，".join(letter.cc) + "。", None))
    if letter.printer is not None or letter.print_date is not None:
        date = f"{format_date(letter.print_date)}印发" if letter.print_date is not None else ""
        rows.append((letter.printer or "", date))
    if not rows:
        return
    p, ppr = b.para("Normal")  # one blank line between the date and the record
    tbl = etree.SubElement(b.body, _q("tbl"))
    tblpr = _el(tbl, "tblPr")
    _el(tblpr, "tblW", w=str(TEXT_WIDTH), type="dxa")
    borders = _el(tblpr, "tblBorders")
    _border(borders, "top", "single", 8, color="000000")  # 0.35 mm
    _border(borders, "bottom", "single", 8, color="000000")
    _border(borders, "insideH", "single", 6, color="000000")  # 0.25 mm
    _el(tblpr, "tblLayout", type="fixed")
    mar = _el(tblpr, "tblCellMar")
    _el(mar, "left", w="0", type="dxa")
    _el(mar, "right", w="0", type="dxa")
    _el(tblpr, "tblLook", val="0000")
    _el(_el(tbl, "tblGrid"), "gridCol", w=str(TEXT_WIDTH))
    for left, right in rows:
        tr = _el(tbl, "tr")
        _el(_el(tr, "trPr"), "trHeight", val=str(LINE_PITCH), hRule="atLeast")
        tc = _el(tr, "tc")
        tcpr = _el(tc, "tcPr")
        _el(tcpr, "tcW", w=str(TEXT_WIDTH), type="dxa")
        _el(tcpr, "vAlign", val="center")
        p, ppr = b.para("GwRecord", tc)
        if right is None:  # 抄送: wrapped lines align with the first name after the colon
            _el(ppr, "ind", left=str(4 * SMALL_CHAR), right=str(SMALL_CHAR), hanging=str(3 * SMALL_CHAR))
            b.run(p, left, "body/small")
        else:
            tabs = _el(ppr, "tabs")
            _el(tabs, "tab", val="right", pos=str(TEXT_WIDTH - SMALL_CHAR))
            b.run(p, f"{left}\t{right}", "body/small")


def _recipients(text: str) -> str:
    text = text.rstrip()
    if text.endswith(":"):
        text = text[:-1]
    return text if text.endswith("：") else text + "："


def _document_xml(tpl: _Template, letter: Letter) -> bytes:
    b = _Builder(tpl)
    if letter.kind == "document":
        # 发文机关标志: 35 mm below the top of the type area; 发文字号 two lines below it; red rule 4 mm
        # below the number.
        _mark_paragraph(b, b.body, letter.issuing_authority_mark, 1984, TEXT_WIDTH, 0, None)
        p, ppr = b.para("GwDocNumber")
        pbdr = _el(ppr, "pBdr")
        _border(pbdr, "bottom", "single", 12, space=11)
        _spacing(ppr, before=2 * LINE_PITCH)
        if letter.doc_number:
            b.run(p, letter.doc_number)
        title_before = 2 * LINE_PITCH
    else:
        # 信函格式: the mark and double rule are in the first-page header; the number sits flush right
        # 7/8 of a 3号 character below the rule.
        if letter.doc_number:
            p, ppr = b.para("GwDocNumber")
            _spacing(ppr, before=280)
            _el(ppr, "jc", val="right")
            b.run(p, letter.doc_number)
            title_before = 2 * LINE_PITCH
        else:
            title_before = LINE_PITCH
    p, ppr = b.para("GwTitle")
    _el(ppr, "spacing", before=str(title_before), after="0", line="700", lineRule="exact")
    b.run(p, letter.title, "title")
    p, ppr = b.para("GwRecipients")
    _spacing(ppr, before=LINE_PITCH)
    b.run(p, _recipients(letter.recipients))
    _body(b, letter)
    # Signature centred over the date, the date four characters from the right (room for the seal).
    date = format_date(letter.date)
    offset = 4 * CHAR + int((_display_width(date) - _display_width(letter.signature)) * CHAR / 2)
    p, ppr = b.para("GwSignature")
    _spacing(ppr, before=2 * LINE_PITCH)
    _el(ppr, "ind", right=str(max(offset, 0)))
    b.run(p, letter.signature)
    p, _ = b.para("GwDate")
    b.run(p, date)
    _record(b, letter)
    p, ppr = b.para("Normal")  # Word wants a paragraph after a table; this one takes no room
    _spacing(ppr, line=20)
    rpr = _el(ppr, "rPr")
    _el(rpr, "sz", val="2")
    _section(b, letter)
    return _DECL + etree.tostring(b.root, encoding="UTF-8")


def _section(b: _Builder, letter: Letter) -> None:
    sect = _el(b.body, "sectPr")
    refs = [("footerReference", "default", "rId4"), ("footerReference", "even", "rId5")]
    if letter.kind == "letter":
        refs = [("headerReference", "first", "rId7"), ("footerReference", "first", "rId6"), *refs]
    for tag, kind, rid in refs:
        etree.SubElement(sect, _q(tag), {_q("type"): kind, f"{{{_R}}}id": rid})
    _el(sect, "pgSz", w=str(PAGE_SIZE[0]), h=str(PAGE_SIZE[1]))
    header = HEADER_LETTER if letter.kind == "letter" else HEADER_DOCUMENT
    _el(sect, "pgMar", top=str(MARGINS["top"]), right=str(MARGINS["right"]), bottom=str(MARGINS["bottom"]),
        left=str(MARGINS["left"]), header=str(header), footer=str(FOOTER), gutter="0")
    _el(sect, "cols", space="425")
    if letter.kind == "letter":
        _el(sect, "titlePg")
    _el(sect, "docGrid", type="lines", linePitch=str(LINE_PITCH))


def _header_xml(tpl: _Template, letter: Letter) -> bytes:
    """信函格式 first-page header: the mark 30 mm from the top, red double rule (thick over thin) 4 mm
    below it, 170 mm long and centred."""
    b = _Builder(tpl)
    hdr = etree.Element(_q("hdr"), nsmap=_NSMAP)
    # 170 mm = 9638 twips, 793 more than the type area: the rule reaches 397 twips (7 mm) out each side.
    _mark_paragraph(b, hdr, letter.issuing_authority_mark, 0, 9638, 397, "thickThinSmallGap")
    return _DECL + etree.tostring(hdr, encoding="UTF-8")


def _core_xml(letter: Letter) -> bytes:
    cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    dc, dcterms = "http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/"
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    nsmap = {"cp": cp, "dc": dc, "dcterms": dcterms, "xsi": xsi}
    root = etree.Element(f"{{{cp}}}coreProperties", nsmap=nsmap)
    etree.SubElement(root, f"{{{dc}}}title").text = letter.title.replace("\n", " ").replace("\t", " ")
    etree.SubElement(root, f"{{{dc}}}creator").text = letter.signature
    etree.SubElement(root, f"{{{cp}}}lastModifiedBy").text = "liaison-docx"
    etree.SubElement(root, f"{{{cp}}}revision").text = "1"
    stamp = datetime.datetime.combine(letter.date, datetime.time()).strftime("%Y-%m-%dT%H:%M:%SZ")
    for name in ("created", "modified"):
        el = etree.SubElement(root, f"{{{dcterms}}}{name}", {f"{{{xsi}}}type": "dcterms:W3CDTF"})
        el.text = stamp
    return _DECL + etree.tostring(root, encoding="UTF-8")


def render(letter: Letter, fonts: FontSet = FontSet()) -> bytes:  # noqa: B008 - FontSet is frozen
    """The letter as the bytes of a .docx file; the same letter and fonts always give the same bytes.

    Raises :class:`liaison.errors.ExportError` naming the field for text Word cannot hold.
    """
    validate_letter(letter)
    tpl = _template(fonts)
    try:
        document = _document_xml(tpl, letter)
        members = [*tpl.head[letter.kind], _Member("docProps/core.xml", _core_xml(letter)), tpl.app,
                   _Member("word/document.xml", document), *tpl.static[letter.kind]]
        if letter.kind == "letter":
            members.append(_Member("word/header1.xml", _header_xml(tpl, letter)))
    except ValueError as exc:  # lxml refusing text; validate_letter should have caught it
        raise ExportError(f"text cannot be stored in a Word file: {exc}") from None
    return _zip(members)


def render_document(letter: Letter, fonts: FontSet = FontSet()) -> Document:  # noqa: B008
    """The rendered letter opened as a python-docx :class:`~docx.document.Document`, for callers that
    want to add to it before saving (the layout of the parts above stays as rendered)."""
    import docx

    return docx.Document(io.BytesIO(render(letter, fonts)))
