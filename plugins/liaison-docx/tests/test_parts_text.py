"""The package's parts are joined as strings (liaison_docx.ooxml), not serialised by lxml: whatever the
text, every part is well-formed XML, the letter's own parts in exactly the form lxml writes (parsing
and serialising them again gives the same bytes), the text reads back as given, and font names are
escaped or refused."""

from __future__ import annotations

import datetime
import io
import zipfile

import attrs
import pytest
from docx_samples import annual_notice, invitation
from hypothesis import given, settings
from hypothesis import strategies as st
from liaison.base.errors import ExportError
from lxml import etree

from liaison_docx import Attachment, FontSet, Heading, Letter, Paragraph, Table, render
from liaison_docx.ooxml import attr, text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

# Every character a letter may hold: no control characters but tab and newline, no surrogates and
# no U+FFFE/U+FFFF (validate_letter refuses them); markup, quotes and spaces made likely.
_chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")
_texts = st.text(st.one_of(st.sampled_from('&<>"\' \t\n　]]>区政'), _chars), max_size=40)
_names = _texts.map(lambda s: s.replace("\n", "").replace("\t", "")).filter(lambda s: s.strip() != "")


@st.composite
def _blocks(draw: st.DrawFn) -> tuple[Paragraph | Heading | Table, ...]:
    out: list[Paragraph | Heading | Table] = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["p", "h", "t"]))
        if kind == "p":
            out.append(Paragraph(draw(_texts)))
        elif kind == "h":
            out.append(Heading(draw(st.integers(1, 4)), draw(_texts), numbered=draw(st.booleans())))
        else:
            cols = draw(st.integers(1, 3))
            row = st.tuples(*[_texts] * cols)
            out.append(Table(draw(row), tuple(draw(st.lists(row, max_size=3))), draw(st.integers(1, 2))))
    return tuple(out)


@st.composite
def letters(draw: st.DrawFn) -> Letter:
    base = draw(st.sampled_from([annual_notice(), invitation()]))
    return attrs.evolve(
        base, kind=draw(st.sampled_from(["document", "letter"])), issuing_authority_mark=draw(_names),
        title=draw(_names), title_units=(), recipients=draw(_texts), body=draw(_blocks()),
        signature=draw(_names), cc=tuple(draw(st.lists(_texts, max_size=3))),
        printer=draw(st.none() | _texts), date=draw(st.dates(datetime.date(1000, 1, 1))),
        attachments=tuple(Attachment(draw(_names), draw(_blocks())) for _ in range(draw(st.integers(0, 2)))))


def _texts_of(root: etree._Element) -> list[str]:
    """Each run's text as the letter gave it: w:t text, w:tab a tab, w:br a newline."""
    runs = []
    for r in root.iter(f"{W}r"):
        runs.append("".join(c.text or "" if c.tag == f"{W}t" else "\t" if c.tag == f"{W}tab" else "\n"
                            for c in r if c.tag in (f"{W}t", f"{W}tab", f"{W}br")))
    return runs


@settings(max_examples=60, deadline=None)
@given(letters())
def test_every_part_is_xml_as_lxml_writes_it_and_the_text_reads_back(letter: Letter) -> None:
    package = zipfile.ZipFile(io.BytesIO(render(letter)))
    for name in package.namelist():
        if not name.endswith((".xml", ".rels")):
            continue
        data = package.read(name)
        head, body = data.split(b"\n", 1)
        assert head == b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', name
        root = etree.fromstring(body)
        if name in ("word/document.xml", "word/header1.xml", "docProps/core.xml"):  # the letter's own
            assert etree.tostring(root, encoding="UTF-8") == body, name
    runs = _texts_of(etree.fromstring(package.read("word/document.xml").split(b"\n", 1)[1]))
    for block in letter.body:
        if isinstance(block, Paragraph):
            assert block.text in runs
        elif isinstance(block, Table):
            assert all(cell in runs for cell in block.header)
    core = etree.fromstring(package.read("docProps/core.xml").split(b"\n", 1)[1])
    assert core.findtext("{http://purl.org/dc/elements/1.1/}creator") == letter.signature


@given(st.text(_chars.filter(lambda c: c != "\r") | st.sampled_from('&<>"\'\t\n')))
def test_escaping_is_lxmls(value: str) -> None:
    el = etree.Element("e", {"a": value})
    el.text = value
    assert etree.tostring(el, encoding="unicode") == f'<e a="{attr(value)}">{text(value)}</e>'


def test_font_names_are_escaped_in_every_part() -> None:
    fonts = FontSet(body='仿宋 & "<x>"', title="T'\t")
    package = zipfile.ZipFile(io.BytesIO(render(annual_notice(), fonts)))
    document = etree.fromstring(package.read("word/document.xml").split(b"\n", 1)[1])
    assert fonts.body in {f.get(f"{W}eastAsia") for f in document.iter(f"{W}rFonts")}
    styles = etree.fromstring(package.read("word/styles.xml").split(b"\n", 1)[1])
    assert {fonts.body, fonts.title} <= {f.get(f"{W}eastAsia") for f in styles.iter(f"{W}rFonts")}


@pytest.mark.parametrize(("fonts", "path"), [
    (FontSet(body="仿宋\x00"), "fonts.body"),
    (FontSet(mark="标\x1b"), "fonts.mark"),
    (FontSet(fallbacks=(("仿宋_GB2312", "仿\ufffe"),)), "fonts.fallbacks[0][1]"),
])
def test_font_names_xml_cannot_hold_are_refused(fonts: FontSet, path: str) -> None:
    with pytest.raises(ExportError) as info:
        render(annual_notice(), fonts)
    assert info.value.path == path
