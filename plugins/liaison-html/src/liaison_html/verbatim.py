"""A provision's verbatim text as the page lays it out: its words unchanged, its line structure kept.

The data keeps each text as its source has it. The Chinese text breaks lines where the regulation
does (list items). The English working translation is Markdown: lines wrapped at a width (soft:
joined with a space here), table rows and list items on lines of their own (kept), ``**…**`` for
the words the translation stresses (shown in bold). Only those two marks are read; everything else
is text, and every piece is escaped by the template like any other text.
"""

from __future__ import annotations

import attrs

_KEEP_LINE = ("|", "- ", "* ")


@attrs.frozen
class Piece:
    text: str
    strong: bool = False


Line = tuple[Piece, ...]
Paragraph = tuple[Line, ...]


def paragraphs(text: str, *, markdown: bool) -> tuple[Paragraph, ...]:
    """``text`` as paragraphs of lines of pieces; with ``markdown``, soft wraps joined and ``**`` read."""
    found = []
    for block in text.strip("\n").split("\n\n"):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if markdown:
            lines = _joined(lines)
        found.append(tuple(_pieces(line) if markdown else (Piece(line),) for line in lines))
    return tuple(found)


def _joined(lines: list[str]) -> list[str]:
    """Soft-wrapped lines joined into one; a table row or a list item starts a line of its own."""
    out: list[str] = []
    for line in lines:
        if out and not line.lstrip().startswith(_KEEP_LINE) and not out[-1].lstrip().startswith("|"):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line.strip())
    return out


def _pieces(line: str) -> Line:
    parts = line.split("**")
    if len(parts) % 2 == 0:  # an unpaired ** is text
        return (Piece(line),)
    return tuple(Piece(part, strong=i % 2 == 1) for i, part in enumerate(parts) if part)
