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

# Each name once: a type checker reads these imports, and `lazy_exports` reads them to import a module
# on the first use of one of its names (python-docx and lxml only with `render`).
if TYPE_CHECKING:
    from liaison_docx.letter_model import Attachment as Attachment
    from liaison_docx.letter_model import Block as Block
    from liaison_docx.letter_model import FontSet as FontSet
    from liaison_docx.letter_model import Heading as Heading
    from liaison_docx.letter_model import Kind as Kind
    from liaison_docx.letter_model import Letter as Letter
    from liaison_docx.letter_model import Paragraph as Paragraph
    from liaison_docx.letter_model import Table as Table
    from liaison_docx.letter_model import format_date as format_date
    from liaison_docx.letter_model import format_doc_number as format_doc_number
    from liaison_docx.letter_model import heading_number as heading_number
    from liaison_docx.letter_model import validate_letter as validate_letter
    from liaison_docx.measures import Measures as Measures
    from liaison_docx.memos import clear_memos as clear_memos
    from liaison_docx.renderer import render as render
    from liaison_docx.renderer import render_document as render_document

__getattr__, __dir__ = lazy_exports(__name__)
