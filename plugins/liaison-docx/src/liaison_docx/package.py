"""The package: a deterministic zip writer and the static parts of a letter's .docx.

The package is our own lean template (styles, settings, font table, footers with PAGE fields; a few
kilobytes instead of python-docx's ~790 KB default), built once per :class:`FontSet` and cached.  The
zip is written with fixed timestamps in a fixed order, so the same letter always gives the same bytes.
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Iterable

from liaison_docx.geometry import (
    BODY_SIZE,
    CHAR,
    CHAR_SPACING,
    LINE_PITCH,
    RED,
    SMALL_CHAR,
    SMALL_SIZE,
    TITLE_SIZE,
)
from liaison_docx.letter_model import FontSet, Letter, validate_fonts
from liaison_docx.ooxml import (
    CT_CORE_PROPERTIES,
    CT_DOCUMENT,
    CT_EXTENDED_PROPERTIES,
    CT_FONT_TABLE,
    CT_FOOTER,
    CT_HEADER,
    CT_RELATIONSHIPS,
    CT_SETTINGS,
    CT_STYLES,
    CT_XML,
    DECL,
    R_NS,
    RT_CORE_PROPERTIES,
    RT_EXTENDED_PROPERTIES,
    RT_FONT_TABLE,
    RT_FOOTER,
    RT_HEADER,
    RT_OFFICE_DOCUMENT,
    RT_SETTINGS,
    RT_STYLES,
    W_NS,
    attr,
    text,
)

# -- the zip ---------------------------------------------------------------------------------------
# A minimal ZIP writer: fixed order, DOS timestamp 1980-01-01 00:00, no extra fields, deflate.  The
# static parts are compressed once per template and copied as deflated bytes into every letter
# (zipfile would deflate them again for every letter: it takes already-deflated data only through
# its internals).

_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME = 0


class Member:
    """A part of the package, deflated, with its local header and its central directory entry but
    for the offset (a static part's are made once with it, for every letter that carries it)."""

    __slots__ = ("central", "crc", "local", "name", "size")

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name.encode("ascii")
        self.crc = zlib.crc32(data)
        self.size = len(data)
        # Level 6 (zlib's default), kept for the bytes: level 1 deflates a letter's document.xml
        # (20 KB) in about a third of the time, 0.06-0.16 ms a letter of the ~0.35-0.8 ms render,
        # but the file grows 5 % and every letter's bytes would change (measured 2026-12-07).
        # One call (deflateInit, deflate to the end, deflateEnd in C): the same stream as a compressobj
        # fed once and flushed, without two method calls; 4-5 us of a small part's 16 us.
        compressed = zlib.compress(data, 6, wbits=-15)
        common = struct.pack("<HHHHHIII", 20, 0, 8, _DOS_TIME, _DOS_DATE, self.crc, len(compressed), self.size)
        self.local = b"PK\x03\x04" + common + struct.pack("<HH", len(self.name), 0) + self.name + compressed
        """The local header and the deflated data, as the zip holds them."""
        self.central = (b"PK\x01\x02" + struct.pack("<H", 20) + common
                        + struct.pack("<HHHHHI", len(self.name), 0, 0, 0, 0, 0))
        """The central directory entry up to its offset (the offset and the name follow)."""


def zip_members(members: Iterable[Member]) -> bytes:
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    count = 0
    for m in members:
        central += (m.central, struct.pack("<I", offset), m.name)
        out.append(m.local)
        offset += len(m.local)
        count += 1
    directory = b"".join(central)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, count, count, len(directory), offset, 0)
    return b"".join(out) + directory + end


# -- the lean template -----------------------------------------------------------------------------

def _fontsattr(name: str) -> str:
    return (f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}" '
            f'w:hint="eastAsia"/>')


def _styles_xml(f: FontSet) -> bytes:
    # Long because it is one list: every style of the letters, in the order of styles.xml.
    body = _fontsattr(attr(f.body))
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
                      _fontsattr(attr(font)), based="GwBody", extra='<w:next w:val="GwBody"/>')

    small_line = '<w:spacing w:before="0" w:after="0" w:line="400" w:lineRule="exact"/>'
    styles = [
        '<w:docDefaults><w:rPrDefault><w:rPr>', body,
        f'<w:kern w:val="0"/><w:sz w:val="{BODY_SIZE}"/><w:szCs w:val="{BODY_SIZE}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:snapToGrid w:val="0"/>'
        f'<w:spacing w:after="0" w:line="{LINE_PITCH}" w:lineRule="exact"/></w:pPr></w:pPrDefault>'
        '</w:docDefaults>',
        # overflowPunct="1": Word lets a closing mark hang past the margin (its default); LibreOffice 7.4
        # reads the flag the other way round and keeps the mark inside the line.  With "0" or none,
        # LibreOffice hangs the mark and, in a justified line, drops it from the PDF (the lost 、).
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:widowControl w:val="0"/><w:overflowPunct w:val="1"/>'
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
               _fontsattr(attr(f.mark)) + f'<w:color w:val="{RED}"/><w:spacing w:val="0"/>'),
        pstyle("GwDocNumber", "发文字号", '<w:jc w:val="center"/>'),
        pstyle("GwTitle", "公文标题", '<w:keepNext/><w:spacing w:before="0" w:after="0" w:line="700" '
               'w:lineRule="exact"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/>',
               _fontsattr(attr(f.title)) + f'<w:spacing w:val="0"/><w:sz w:val="{TITLE_SIZE}"/>'
               f'<w:szCs w:val="{TITLE_SIZE}"/>'),
        pstyle("GwRecipients", "主送机关", '<w:keepNext/>'),
        pstyle("GwBody", "公文正文", f'<w:widowControl/><w:ind w:firstLine="{2 * CHAR}"/>'),
        pstyle("GwAttachmentLabel", "附件标识", '<w:keepNext/>', _fontsattr(attr(f.heading1))),
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
               _fontsattr(attr(f.page_number)) + f'<w:spacing w:val="0"/><w:sz w:val="{SMALL_SIZE}"/>'
               f'<w:szCs w:val="{SMALL_SIZE}"/>'),
    ]
    return (DECL + f'<w:styles xmlns:w="{W_NS}">'.encode() + "".join(styles).encode()
            + b"</w:styles>")


_SETTINGS = DECL + (f'<w:settings xmlns:w="{W_NS}"><w:zoom w:percent="100"/>'
             '<w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>'
             '<w:characterSpacingControl w:val="doNotCompress"/>'
             '<w:compat><w:compatSetting w:name="compatibilityMode" '
             'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
             '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>'
             '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>').encode()

_APP = (DECL + b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        b"<Application>liaison-docx</Application><DocSecurity>0</DocSecurity></Properties>")


def _font_table_xml(f: FontSet) -> bytes:
    alt = dict(f.fallbacks)
    fonts = []
    for name in f.names():
        alt_name = f'<w:altName w:val="{attr(alt[name])}"/>' if name in alt else ""
        fonts.append(f'<w:font w:name="{attr(name)}">{alt_name}<w:charset w:val="86"/>'
                     '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>')
    return DECL + f'<w:fonts xmlns:w="{W_NS}">{"".join(fonts)}</w:fonts>'.encode()


def _footer_xml(f: FontSet, side: str) -> bytes:
    """A page-number footer: 4号 宋体 "— 1 —", odd pages right and even left, one character in."""
    if side == "blank":  # 信函格式 first page: no number
        content = '<w:p><w:pPr><w:pStyle w:val="GwPageNumber"/></w:pPr></w:p>'
    else:
        ind = (f'<w:ind w:right="{SMALL_CHAR}"/><w:jc w:val="right"/>' if side == "odd"
               else f'<w:ind w:left="{SMALL_CHAR}"/><w:jc w:val="left"/>')
        rpr = f"<w:rPr>{_fontsattr(attr(f.page_number))}</w:rPr>"
        content = (f'<w:p><w:pPr><w:pStyle w:val="GwPageNumber"/>{ind}</w:pPr>'
                   f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>'
                   f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
                   f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
                   f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
                   f'<w:r>{rpr}<w:t>1</w:t></w:r>'
                   f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
                   f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r></w:p>')
    return DECL + f'<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{content}</w:ftr>'.encode()


def _content_types(kind: str) -> bytes:
    parts = [("/word/document.xml", CT_DOCUMENT), ("/word/styles.xml", CT_STYLES),
             ("/word/settings.xml", CT_SETTINGS), ("/word/fontTable.xml", CT_FONT_TABLE),
             ("/word/footer1.xml", CT_FOOTER), ("/word/footer2.xml", CT_FOOTER),
             ("/docProps/core.xml", CT_CORE_PROPERTIES),
             ("/docProps/app.xml", CT_EXTENDED_PROPERTIES)]
    if kind == "letter":
        parts += [("/word/footer3.xml", CT_FOOTER), ("/word/header1.xml", CT_HEADER)]
    overrides = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in parts)
    return (DECL + b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            + f'<Default Extension="rels" ContentType="{CT_RELATIONSHIPS}"/>'
              f'<Default Extension="xml" ContentType="{CT_XML}"/>{overrides}</Types>'.encode())


def _rels(rels: Iterable[tuple[str, str, str]]) -> bytes:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>' for i, t, target in rels)
    return (DECL + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + body.encode() + b"</Relationships>")


_PACKAGE_RELS = _rels([("rId1", RT_OFFICE_DOCUMENT, "word/document.xml"),
                       ("rId2", RT_CORE_PROPERTIES, "docProps/core.xml"),
                       ("rId3", RT_EXTENDED_PROPERTIES, "docProps/app.xml")])


def _document_rels(kind: str) -> bytes:
    rels = [("rId1", RT_STYLES, "styles.xml"), ("rId2", RT_SETTINGS, "settings.xml"),
            ("rId3", RT_FONT_TABLE, "fontTable.xml"), ("rId4", RT_FOOTER, "footer1.xml"),
            ("rId5", RT_FOOTER, "footer2.xml")]
    if kind == "letter":
        rels += [("rId6", RT_FOOTER, "footer3.xml"), ("rId7", RT_HEADER, "header1.xml")]
    return _rels(rels)


class Template:
    """The static parts of the package for one font set, and the openings of its runs."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        # the parts both kinds share are deflated once (a new process builds this for its first letter)
        shared = [Member("word/styles.xml", _styles_xml(fonts)), Member("word/settings.xml", _SETTINGS),
                  Member("word/fontTable.xml", _font_table_xml(fonts)),
                  Member("word/footer1.xml", _footer_xml(fonts, "odd")),
                  Member("word/footer2.xml", _footer_xml(fonts, "even"))]
        self.static: dict[str, list[Member]] = {
            kind: [Member("word/_rels/document.xml.rels", _document_rels(kind)), *shared]
            for kind in ("document", "letter")}
        self.static["letter"].append(Member("word/footer3.xml", _footer_xml(fonts, "blank")))
        rels = Member("_rels/.rels", _PACKAGE_RELS)
        self.head = {k: [Member("[Content_Types].xml", _content_types(k)), rels]
                     for k in ("document", "letter")}
        self.app = Member("docProps/app.xml", _APP)
        roles = (("body", fonts.body), ("heading1", fonts.heading1), ("heading2", fonts.heading2),
                 ("title", fonts.title), ("mark", fonts.mark))
        self.run_open = {role: self._run_open(name, None) for role, name in roles}
        """A run's opening up to the end of its properties (the fonts, East Asian included, on every
        run, and the size): ``</w:rPr>`` and the text follow."""
        self.run_open.update({f"{role}/small": self._run_open(name, SMALL_SIZE) for role, name in roles})

    @staticmethod
    def _run_open(font: str, size: int | None) -> str:
        font = attr(font)
        sz = f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>' if size is not None else ""
        return (f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}" '
                f'w:hint="eastAsia"/>{sz}')


@functools.lru_cache(maxsize=16)
def template(fonts: FontSet) -> Template:
    validate_fonts(fonts)  # checked once per font set, as the template is built once
    return Template(fonts)


_CORE_OPEN = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
              'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">')


def core_xml(letter: Letter) -> bytes:
    title = letter.title.replace("\n", " ").replace("\t", " ")
    d = letter.date  # as strftime("%Y-…") writes it: the year unpadded
    stamp = f"{d.year}-{d.month:02d}-{d.day:02d}T00:00:00Z"
    return DECL + (f"{_CORE_OPEN}<dc:title>{text(title)}</dc:title><dc:creator>{text(letter.signature)}</dc:creator>"
                   "<cp:lastModifiedBy>liaison-docx</cp:lastModifiedBy><cp:revision>1</cp:revision>"
                   f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                   f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
                   "</cp:coreProperties>").encode()
