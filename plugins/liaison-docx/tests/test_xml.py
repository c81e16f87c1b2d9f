"""XML-level checks of the rendered package against GB/T 9704-2012 and the engineering rules."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import attrs
import docx
import pytest
from docx.shared import Mm
from docx_samples import annual_notice, grid_letter, invitation
from liaison.base.errors import ExportError
from lxml import etree

from liaison_docx import (
    Attachment,
    FontSet,
    Heading,
    Letter,
    Paragraph,
    Table,
    format_date,
    format_doc_number,
    heading_number,
    render,
    render_document,
    validate_letter,
)
from liaison_docx.renderer import CHAR_SPACING, LINE_PITCH, MARGINS, PAGE_SIZE

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}
MM = 1440 / 25.4  # twips per millimetre
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


class Package:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    @property
    def document(self) -> etree._Element:
        return self.xml("word/document.xml")

    @property
    def styles(self) -> etree._Element:
        return self.xml("word/styles.xml")

    def text(self, part: str = "word/document.xml") -> str:
        root = self.xml(part)
        return "\n".join("".join(t.text or "" for t in p.iter(q("w:t"))) for p in root.iter(q("w:p")))


@pytest.fixture(scope="module")
def notice() -> Package:
    return Package(render(annual_notice()))


@pytest.fixture(scope="module")
def letter_pkg() -> Package:
    return Package(render(invitation()))


def first_p(root: etree._Element, style: str) -> etree._Element | None:
    found = root.xpath(f".//w:p[w:pPr/w:pStyle/@w:val='{style}']", namespaces=NS)
    assert isinstance(found, list)
    return found[0] if found else None  # type: ignore[return-value]


def attr(el: etree._Element | None, name: str) -> str | None:
    return None if el is None else el.get(q(f"w:{name}"))


# -- page set-up ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fixture", ["notice", "letter_pkg"])
def test_a4_page_and_margins_in_twips(fixture: str, request: pytest.FixtureRequest) -> None:
    pkg: Package = request.getfixturevalue(fixture)
    sect = pkg.document.find(".//w:body/w:sectPr", NS)
    assert sect is not None
    size = sect.find("w:pgSz", NS)
    assert (int(attr(size, "w") or 0), int(attr(size, "h") or 0)) == (11906, 16838)
    mar = sect.find("w:pgMar", NS)
    for side, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        assert abs(int(attr(mar, side) or 0) - mm * MM) <= MM, side  # ±1 mm
    doc = docx.Document(io.BytesIO(pkg.data))
    section = doc.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)


def test_grid_22_lines_28_characters() -> None:
    """The arithmetic of the grid, and the setup that holds in Word and LibreOffice: docGrid of type
    "lines" (never "linesAndChars"), exact 579-twip lines, 3号 condensed by 0.25 pt, no snapping."""
    text_w = PAGE_SIZE[0] - MARGINS["left"] - MARGINS["right"]
    text_h = PAGE_SIZE[1] - MARGINS["top"] - MARGINS["bottom"]
    assert 22 * LINE_PITCH <= text_h < 23 * LINE_PITCH
    pitch = 320 + CHAR_SPACING
    assert 28 * pitch <= text_w < 29 * pitch
    pkg = Package(render(grid_letter()))
    grid = pkg.document.find(".//w:sectPr/w:docGrid", NS)
    assert attr(grid, "type") == "lines" and attr(grid, "linePitch") == str(LINE_PITCH)
    normal = pkg.styles.find("w:style[@w:styleId='Normal']", NS)
    assert normal is not None
    spacing = normal.find("w:pPr/w:spacing", NS)
    assert attr(spacing, "line") == "579" and attr(spacing, "lineRule") == "exact"
    assert attr(normal.find("w:pPr/w:snapToGrid", NS), "val") == "0"
    assert attr(normal.find("w:rPr/w:spacing", NS), "val") == str(CHAR_SPACING)
    assert attr(normal.find("w:rPr/w:sz", NS), "val") == "32"
    body = pkg.styles.find("w:style[@w:styleId='GwBody']", NS)
    assert body is not None
    assert attr(body.find("w:pPr/w:ind", NS), "firstLine") == str(2 * pitch)  # two characters


# -- fonts and sizes -----------------------------------------------------------------------------

def _style_chain(styles: etree._Element, style_id: str | None) -> list[etree._Element]:
    chain = []
    while style_id:
        style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        assert style is not None, f"style {style_id} is used but not defined"
        chain.append(style)
        style_id = attr(style.find("w:basedOn", NS), "val")
    return chain


def resolved(styles: etree._Element, p: etree._Element, r: etree._Element | None, prop: str,
             name: str) -> str | None:
    """The effective value of rPr/<prop>/@<name> for a run: run, paragraph style chain, defaults."""
    if r is not None:
        value = attr(r.find(f"w:rPr/w:{prop}", NS), name)
        if value is not None:
            return value
    for style in _style_chain(styles, attr(p.find("w:pPr/w:pStyle", NS), "val") or "Normal"):
        value = attr(style.find(f"w:rPr/w:{prop}", NS), name)
        if value is not None:
            return value
    return attr(styles.find(f"w:docDefaults/w:rPrDefault/w:rPr/w:{prop}", NS), name)


@pytest.mark.parametrize("fixture", ["notice", "letter_pkg"])
def test_every_cjk_run_has_an_east_asian_font(fixture: str, request: pytest.FixtureRequest) -> None:
    pkg: Package = request.getfixturevalue(fixture)
    fonts = set(FontSet().names())
    parts = [n for n in pkg.zip.namelist() if re.match(r"word/(document|header\d|footer\d)\.xml", n)]
    checked = 0
    for part in parts:
        for p in pkg.xml(part).iter(q("w:p")):
            for r in p.iter(q("w:r")):
                text = "".join(t.text or "" for t in r.iter(q("w:t")))
                if not text.strip():
                    continue
                # set on every run itself, not only inherited
                fonts_el = r.find("w:rPr/w:rFonts", NS)
                assert fonts_el is not None and attr(fonts_el, "eastAsia") in fonts, (part, text)
                assert attr(fonts_el, "ascii") and attr(fonts_el, "hAnsi")
                if CJK.search(text):
                    checked += 1
    assert checked >= 9
    # and on the styles: defaults, Normal and every style that names a font
    styles = pkg.styles
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert attr(default, "eastAsia") == "仿宋_GB2312"
    for rfonts in styles.iter(q("w:rFonts")):
        assert attr(rfonts, "eastAsia") in fonts
        assert attr(rfonts, "eastAsia") == attr(rfonts, "ascii") == attr(rfonts, "hAnsi")


def test_fonts_and_sizes_by_role(notice: Package) -> None:
    styles, doc = notice.styles, notice.document

    def para(style: str) -> etree._Element:
        p = first_p(doc, style)
        assert p is not None, style
        return p

    def font_and_size(style: str) -> tuple[str | None, str | None]:
        p = para(style)
        r = p.find("w:r", NS)
        return resolved(styles, p, r, "rFonts", "eastAsia"), resolved(styles, p, r, "sz", "val")

    assert font_and_size("GwBody") == ("仿宋_GB2312", "32")  # 3号 仿宋
    assert font_and_size("GwTitle") == ("方正小标宋简体", "44")  # 2号 小标宋
    assert font_and_size("GwHeading1") == ("黑体", "32")
    assert font_and_size("GwHeading2") == ("楷体_GB2312", "32")
    assert font_and_size("GwHeading3") == ("仿宋_GB2312", "32")
    assert font_and_size("GwMark")[0] == "方正小标宋简体"
    mark = para("GwMark")
    assert resolved(styles, mark, mark.find("w:r", NS), "color", "val") == "FF0000"
    assert para("GwTitle").find("w:pPr/w:jc", NS) is None  # centred by its style
    assert attr(styles.find("w:style[@w:styleId='GwTitle']/w:pPr/w:jc", NS), "val") == "center"
    assert attr(styles.find("w:style[@w:styleId='GwMark']/w:pPr/w:jc", NS), "val") == "center"
    footer = notice.xml("word/footer1.xml")
    p = footer.find("w:p", NS)
    assert p is not None
    assert resolved(styles, p, p.find("w:r", NS), "rFonts", "eastAsia") == "宋体"
    assert resolved(styles, p, p.find("w:r", NS), "sz", "val") == "28"  # 4号


def test_custom_fonts_are_written() -> None:
    fonts = FontSet.windows_builtin()
    pkg = Package(render(annual_notice(), fonts))
    names = {attr(f, "eastAsia") for f in pkg.document.iter(q("w:rFonts"))}
    assert "仿宋" in names and "仿宋_GB2312" not in names
    table = pkg.xml("word/fontTable.xml")
    assert {attr(f, "name") for f in table.findall("w:font", NS)} >= {"仿宋", "楷体", "黑体", "宋体"}
    default = Package(render(annual_notice())).xml("word/fontTable.xml")
    alt = default.find("w:font[@w:name='仿宋_GB2312']/w:altName", NS)
    assert attr(alt, "val") == "仿宋"


# -- headings, numbers, dates ---------------------------------------------------------------------

def test_heading_numbers() -> None:
    assert [heading_number(1, n) for n in (1, 2, 10, 11, 20, 23)] == ["一、", "二、", "十、", "十一、",
                                                                       "二十、", "二十三、"]
    assert heading_number(2, 3) == "（三）" and heading_number(3, 4) == "4."
    assert heading_number(4, 5) == "（5）"
    text = Package(render(annual_notice())).text()
    assert "一、联系安排" in text and "（一）走访和座谈" in text and "1.联系对象如下表：" in text
    assert "（二）文件抄送" in text and "二、工作要求" in text


def test_document_number_and_date(notice: Package, letter_pkg: Package) -> None:
    number = re.compile(r"^\S+〔[0-9]{4}〕[1-9][0-9]*号$")
    for pkg in (notice, letter_pkg):
        lines = pkg.text().splitlines()
        assert any(number.match(line) for line in lines)
        assert "〔" in pkg.text() and "[" not in pkg.text() and "第" not in "".join(
            line for line in lines if number.match(line))
    assert any(re.fullmatch(r"2027年1月5日", line) for line in notice.text().splitlines())
    assert format_date(datetime.date(2027, 1, 5)) == "2027年1月5日"
    assert format_doc_number("区府办", 2027, 12) == "区府办〔2027〕12号"
    assert "2027年1月6日印发" in notice.text()


@pytest.mark.parametrize("bad", ["区府办[2027]12号", "区府办〔2027〕第12号", "区府办〔2027〕012号",
                                 "区府办〔27〕12号", "区府办(2027)12号"])
def test_bad_document_numbers_are_refused(bad: str) -> None:
    with pytest.raises(ExportError) as info:
        render(attrs.evolve(annual_notice(), doc_number=bad))
    assert info.value.path == "doc_number"


def test_recipients_end_in_full_width_colon(notice: Package) -> None:
    p = first_p(notice.document, "GwRecipients")
    assert p is not None
    text = "".join(t.text or "" for t in p.iter(q("w:t")))
    assert text == "区政府各部门，各街道办事处、镇人民政府："
    style = notice.styles.find("w:style[@w:styleId='GwRecipients']", NS)
    assert style is not None and style.find("w:pPr/w:ind", NS) is None  # flush left
    colon = Package(render(attrs.evolve(annual_notice(), recipients="区教育局:"))).text()
    assert "区教育局：" in colon and "区教育局:" not in colon


# -- footers, page numbers -----------------------------------------------------------------------

def _rels(pkg: Package) -> dict[str, str]:
    rels = pkg.xml("word/_rels/document.xml.rels")
    return {r.get("Id") or "": r.get("Target") or "" for r in rels}


@pytest.mark.parametrize("fixture", ["notice", "letter_pkg"])
def test_odd_and_even_footers_with_page_fields(fixture: str, request: pytest.FixtureRequest) -> None:
    pkg: Package = request.getfixturevalue(fixture)
    assert pkg.xml("word/settings.xml").find("w:evenAndOddHeaders", NS) is not None
    rels = _rels(pkg)
    refs = {attr(ref, "type"): rels[ref.get(f"{{{R}}}id") or ""]
            for ref in pkg.document.iterfind(".//w:sectPr/w:footerReference", NS)}
    for kind, jc, ind in (("default", "right", "right"), ("even", "left", "left")):
        footer = pkg.xml("word/" + refs[kind])
        p = footer.find("w:p", NS)
        assert p is not None
        assert attr(p.find("w:pPr/w:jc", NS), "val") == jc
        assert attr(p.find("w:pPr/w:ind", NS), ind) == "280"  # one 4号 character in
        assert [i.text for i in footer.iter(q("w:instrText"))] == [" PAGE "]
        assert [attr(f, "fldCharType") for f in footer.iter(q("w:fldChar"))] == ["begin", "separate", "end"]
        text = "".join(t.text or "" for t in footer.iter(q("w:t")))
        assert text == "— 1 —"
    if fixture == "letter_pkg":  # 信函格式: no page number on the first page
        first = pkg.xml("word/" + refs["first"])
        assert not list(first.iter(q("w:fldChar")))
        assert pkg.document.find(".//w:sectPr/w:titlePg", NS) is not None


# -- rules ----------------------------------------------------------------------------------------

def test_red_rule_below_the_number_in_document_format(notice: Package) -> None:
    p = first_p(notice.document, "GwDocNumber")
    assert p is not None
    bottom = p.find("w:pPr/w:pBdr/w:bottom", NS)
    assert attr(bottom, "val") == "single" and attr(bottom, "color") == "FF0000"
    assert 10 <= int(attr(bottom, "space") or 0) <= 12  # 4 mm = 11.3 pt
    assert p.find("w:pPr/w:ind", NS) is None  # as wide as the type area


def test_red_double_rule_in_letter_format(letter_pkg: Package) -> None:
    rels = _rels(letter_pkg)
    ref = letter_pkg.document.find(".//w:sectPr/w:headerReference[@w:type='first']", NS)
    assert ref is not None
    name = "word/" + rels[ref.get(f"{{{R}}}id") or ""]
    header = letter_pkg.xml(name)
    bottom = header.find(".//w:pBdr/w:bottom", NS)
    assert attr(bottom, "val") == "thickThinSmallGap" and attr(bottom, "color") == "FF0000"
    assert "某某区人民政府办公室" in letter_pkg.text(name)
    sect = letter_pkg.document.find(".//w:sectPr/w:pgMar", NS)
    assert abs(int(attr(sect, "header") or 0) - 30 * MM) <= MM  # the mark 30 mm from the top


def test_record_block_between_rules(notice: Package) -> None:
    tables = notice.document.findall(".//w:body/w:tbl", NS)
    record = tables[-1]
    borders = record.find("w:tblPr/w:tblBorders", NS)
    assert borders is not None
    assert attr(borders.find("w:top", NS), "val") == "single"
    assert attr(borders.find("w:top", NS), "sz") == "8"  # 0.35 mm
    assert attr(borders.find("w:bottom", NS), "sz") == "8"
    assert attr(borders.find("w:insideH", NS), "sz") == "6"  # 0.25 mm
    text = "".join(t.text or "" for t in record.iter(q("w:t")))
    assert text.startswith("抄送：区委统战部，各民主党派区委，区工商联。")
    assert text.endswith("2027年1月6日印发")


# -- text safety ----------------------------------------------------------------------------------

def test_markup_and_template_syntax_are_literal_text() -> None:
    nasty = 'A<B & "C" \'D\' {{ name }} {% if x %}</w:t><w:t>'
    letter = attrs.evolve(annual_notice(), title=nasty, body=(Paragraph(nasty), Heading(1, nasty)),
                          cc=(nasty,))
    pkg = Package(render(letter))
    text = pkg.text()
    assert text.count(nasty) >= 3
    assert b"&lt;B &amp; " in pkg.zip.read("word/document.xml")
    assert docx.Document(io.BytesIO(pkg.data)).paragraphs  # still a valid package


@pytest.mark.parametrize(("letter_change", "path"), [
    ({"body": (Paragraph("一"), Paragraph("二"), Heading(1, "三"), Paragraph("坏\x07字"))}, "body[3].text"),
    ({"title": "标题\x00"}, "title"),
    ({"recipients": "各部门\r"}, "recipients"),
    ({"cc": ("甲", "乙\x1b")}, "cc[1]"),
    ({"body": (Table(header=("甲",), rows=(("好",), ("坏\x0c",))),)}, "body[0].rows[1][0]"),
    ({"signature": "机关\ufffe"}, "signature"),
    # every other text field too: the letter's texts are first searched all at once, and one found
    # bad is then named field by field (the first of several, in the fields' order)
    ({"issuing_authority_mark": "区政府\x05办公室"}, "issuing_authority_mark"),
    ({"printer": "区政府办公室\x1f"}, "printer"),
    ({"title_units": ("关于", "坏\x02")}, "title_units[1]"),
    ({"attachments": (Attachment("回\x06执", ()),)}, "attachments[0].name"),
    ({"attachments": (Attachment("回执", (Table(header=("甲",), rows=(("\udc80",),)),)),)},
     "attachments[0].body[0].rows[0][0]"),
    ({"recipients": "各部门\x01", "cc": ("乙\x1b",)}, "recipients"),
    ({"body": (Paragraph(None),)}, "body[0].text"),  # not text at all
])
def test_control_characters_raise_export_error_naming_the_field(letter_change: dict[str, object],
                                                                path: str) -> None:
    letter = attrs.evolve(annual_notice(), **letter_change)  # type: ignore[arg-type]
    with pytest.raises(ExportError) as info:
        render(letter)
    assert info.value.path == path
    assert path in str(info.value)


def test_tab_and_newline_are_allowed() -> None:
    pkg = Package(render(attrs.evolve(annual_notice(), body=(Paragraph("甲\t乙\n丙"),))))
    p = first_p(pkg.document, "GwBody")
    assert p is not None
    assert p.find(".//w:tab", NS) is not None and p.find(".//w:br", NS) is not None


def test_structural_errors() -> None:
    with pytest.raises(ExportError) as info:
        render(attrs.evolve(annual_notice(), body=(Table(header=("a", "b"), rows=(("1",),)),)))
    assert info.value.path == "body[0].rows[0]"
    with pytest.raises(ExportError) as info:
        render(attrs.evolve(annual_notice(), body=(Heading(5, "x"),)))
    assert info.value.path == "body[0].level"
    with pytest.raises(ExportError) as info:
        validate_letter(attrs.evolve(annual_notice(), kind="memo"))  # type: ignore[arg-type]
    assert info.value.path == "kind"


# -- determinism and the package -----------------------------------------------------------------

def test_byte_identical_across_runs_and_processes() -> None:
    first, second = render(annual_notice()), render(annual_notice())
    assert first == second
    assert render(invitation()) == render(invitation())
    here = Path(__file__).parent
    code = (f"import sys, hashlib; sys.path.insert(0, {str(here)!r}); "
            "from docx_samples import annual_notice; from liaison_docx import render; "
            "print(hashlib.sha256(render(annual_notice())).hexdigest())")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": "123", "PATH": ""})
    assert other.stdout.strip() == hashlib.sha256(first).hexdigest()


def test_zip_is_fixed_and_lean(notice: Package) -> None:
    infos = notice.zip.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in infos)
    assert len(notice.data) < 20_000
    assert len(notice.zip.read("word/styles.xml")) < 20_000
    core = notice.xml("docProps/core.xml")
    assert "2027-01-05T00:00:00Z" in etree.tostring(core).decode()


def test_python_docx_reads_it_back() -> None:
    doc = render_document(annual_notice())
    texts = [p.text for p in doc.paragraphs]
    assert "区府办〔2027〕12号" in texts
    assert len(doc.tables) == 2
    assert doc.settings.odd_and_even_pages_header_footer
    assert doc.tables[0].rows[0].cells[0].text == "联系单位"


def test_letter_model_is_frozen() -> None:
    letter = annual_notice()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        letter.title = "x"  # type: ignore[misc]
    assert hash(FontSet()) == hash(FontSet())
    assert isinstance(Letter, type)


@pytest.mark.parametrize("kind", ["document", "letter"])
def test_minimal_letters(kind: str) -> None:
    letter = Letter(kind=kind, issuing_authority_mark="某某区人民政府", doc_number=None,  # type: ignore[arg-type]
                    title="通知", recipients="各部门", body=(), signature="某某区人民政府",
                    date=datetime.date(2028, 12, 31))
    doc = render_document(letter)
    texts = [p.text for p in doc.paragraphs]
    assert "各部门：" in texts and "2028年12月31日" in texts
    assert not doc.tables  # no 版记 without cc or printer


def test_attachments_noted_after_the_body_and_set_from_a_new_page() -> None:
    from liaison_docx import Attachment

    letter = attrs.evolve(invitation(), attachments=(Attachment("回执", (Paragraph("甲"),)),
                                                     Attachment("参会须知", (Paragraph("乙"),))))
    pkg = Package(render(letter))
    lines = pkg.text().splitlines()
    assert "附件：1.回执" in lines and "2.参会须知" in lines
    assert lines.index("附件：1.回执") < lines.index("某某区人民政府办公室", 1) < lines.index("附件1")
    labels = pkg.document.xpath(".//w:p[w:pPr/w:pStyle/@w:val='GwAttachmentLabel']", namespaces=NS)
    assert isinstance(labels, list) and len(labels) == 2
    for label in labels:
        assert label.find("w:pPr/w:pageBreakBefore", NS) is not None  # type: ignore[union-attr]
    single = Package(render(attrs.evolve(invitation(), attachments=(Attachment("回执", (Paragraph("甲"),)),))))
    assert "附件：回执" in single.text().splitlines() and "附件" in single.text().splitlines()
    sent = Package(render(attrs.evolve(invitation(), attachments=(Attachment("《办法》（征求意见稿）", ()),))))
    assert "附件：《办法》（征求意见稿）" in sent.text().splitlines()  # named in the 附件说明 …
    assert "附件" not in sent.text().splitlines()  # … but sent as a document of its own: no page for it
    assert not sent.document.xpath(".//w:p[w:pPr/w:pStyle/@w:val='GwAttachmentLabel']", namespaces=NS)


def test_title_lines_break_between_units_only() -> None:
    from liaison_docx.composition import title_lines

    letter = attrs.evolve(invitation(), title="关于邀请出席区人民政府与各民主党派、工商联联系工作会议的函",
                          title_units=("关于", "邀请", "出席", "区人民政府", "与", "各民主党派、", "工商联",
                                       "联系工作会议", "的函"))
    assert title_lines(letter) == ["关于邀请出席区人民政府", "与各民主党派、工商联联系工作会议的函"]
    p = first_p(Package(render(letter)).document, "GwTitle")
    assert p is not None and len(p.findall(".//w:br", NS)) == 1
    with pytest.raises(ExportError) as info:
        render(attrs.evolve(letter, title_units=("关于", "邀请")))
    assert info.value.path == "title_units"


def test_line_end_punctuation_stays_inside_the_line_in_libreoffice(notice: Package) -> None:
    """overflowPunct="1": LibreOffice 7.4 reads it inverted and keeps a closing mark inside a justified
    line instead of hanging it, where it was dropped from the PDF (the lost 、); Word may hang it."""
    normal = notice.styles.find("w:style[@w:styleId='Normal']", NS)
    assert normal is not None
    assert attr(normal.find("w:pPr/w:overflowPunct", NS), "val") == "1"


#: The order CT_PPr gives the paragraph properties these letters use (ECMA-376 Part 1, 17.3.1.26).
PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "pBdr", "tabs",
             "overflowPunct", "autoSpaceDE", "autoSpaceDN", "snapToGrid", "spacing", "ind", "jc", "outlineLvl",
             "rPr", "sectPr")


def test_paragraph_properties_in_schema_order(seed_request: object) -> None:
    """Word refuses a file whose properties are out of order; check every paragraph of every letter."""
    from liaison.host.exporting import ExportRequest

    from liaison_docx.plugin import export

    assert isinstance(seed_request, ExportRequest)
    for artifact in export(seed_request):
        package = zipfile.ZipFile(io.BytesIO(artifact.data))
        for part in ("word/document.xml", "word/styles.xml"):
            for ppr in etree.fromstring(package.read(part)).iter(q("w:pPr")):
                names = [etree.QName(child).localname for child in ppr]
                assert all(n in PPR_ORDER for n in names), (artifact.path, names)
                assert names == sorted(names, key=PPR_ORDER.index), (artifact.path, names)
