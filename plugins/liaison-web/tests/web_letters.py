"""What the letters' tests read of a letter (imported by the plugin's tests, found through pytest's
``pythonpath``): a test module is never imported by another."""

from __future__ import annotations

import io


def letter_text(data: bytes) -> str:
    """What a .docx says, read as Word reads it (python-docx): its paragraphs, those in its tables too."""
    import docx

    document = docx.Document(io.BytesIO(data))
    cells = (p for t in document.tables for row in t.rows for cell in row.cells for p in cell.paragraphs)
    return "\n".join(p.text for p in (*document.paragraphs, *cells))
