"""Lay a :class:`~liaison_docx.letter_model.Letter` out as a GB/T 9704-2012 Word document.

Per letter only ``document.xml`` (and, for the letter format, its first-page header) is generated
(:mod:`liaison_docx.document`); the static parts and the zip writer are :mod:`liaison_docx.package`;
the numbers of the page and the grid are :mod:`liaison_docx.geometry`.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from liaison_docx.composition import document_xml, header_xml
from liaison_docx.geometry import CHAR_SPACING, LINE_PITCH, MARGINS, PAGE_SIZE
from liaison_docx.letter_model import FontSet, Letter, validate_letter
from liaison_docx.measures import Measures
from liaison_docx.package import Member, core_xml, template, zip_members

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


def render(letter: Letter, fonts: FontSet = FontSet(),  # noqa: B008 - FontSet is frozen
           measures: Measures | None = None) -> bytes:
    """The letter as the bytes of a .docx file; the same letter and fonts always give the same bytes.
    ``measures``: the memos of the export rendering it (:class:`~liaison_docx.measures.Measures`,
    one for all its letters, so a text they share is measured once); without it the letter has its own.

    Raises :class:`liaison.base.errors.ExportError` naming the field (of the letter or the fonts) for
    text Word cannot hold.
    """
    validate_letter(letter)
    # The parts are joined as strings (liaison_docx.ooxml): these checks are all that keeps a
    # character XML cannot hold out of them.
    tpl = template(fonts)
    measures = measures if measures is not None else Measures()
    core = core_xml(letter)
    properties = measures.properties.get(core)
    if properties is None:
        properties = measures.properties[core] = Member("docProps/core.xml", core)
    members = [*tpl.head[letter.kind], properties, tpl.app,
               Member("word/document.xml", document_xml(tpl, letter, measures)), *tpl.static[letter.kind]]
    if letter.kind == "letter":
        key = (tpl.fonts, letter.issuing_authority_mark)  # the header is the mark's alone, in these fonts
        header = measures.headers.get(key)
        if header is None:
            header = measures.headers[key] = Member("word/header1.xml", header_xml(tpl, letter, measures))
        members.append(header)
    return zip_members(members)


def render_document(letter: Letter, fonts: FontSet = FontSet()) -> Document:  # noqa: B008
    """The rendered letter opened as a python-docx :class:`~docx.document.Document`, for callers that
    want to add to it before saving (the layout of the parts above stays as rendered)."""
    import docx

    return docx.Document(io.BytesIO(render(letter, fonts)))
