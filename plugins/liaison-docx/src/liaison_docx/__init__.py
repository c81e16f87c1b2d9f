"""liaison-docx: Word letters in the GB/T 9704-2012 layout (党政机关公文格式).

``render(letter, fonts) -> bytes`` lays out a neutral :class:`Letter`; ``liaison_docx.letters`` builds
the domain's letters (通知, 邀请函, 改期/取消的函, 征求意见函, 调研成果反馈函) as :class:`Letter` objects,
``liaison_docx.issuing`` numbers and dates them from the year's letters, and the liaison plugin
(``liaison_docx.plugin``, exporter ``docx``) renders them into artifacts. ``render`` loads on first
use, so loading the plugin (as every command does) never imports python-docx or lxml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liaison.lazy import lazy_exports

from liaison_docx.letter_model import (
    Attachment,
    Block,
    FontSet,
    Heading,
    Kind,
    Letter,
    Paragraph,
    Table,
    format_date,
    format_doc_number,
    heading_number,
    validate_letter,
)

if TYPE_CHECKING:
    from liaison_docx.render import render, render_document

_LAZY = {"render": "liaison_docx.render", "render_document": "liaison_docx.render"}

__all__ = [
    "Attachment",
    "Block",
    "FontSet",
    "Heading",
    "Kind",
    "Letter",
    "Paragraph",
    "Table",
    "format_date",
    "format_doc_number",
    "heading_number",
    "render",
    "render_document",
    "validate_letter",
]

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__)
