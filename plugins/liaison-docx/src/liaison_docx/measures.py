"""What one export of letters measures, each once: the widths of its texts, their line counts, the
needs of its tables' pieces and the breaks of its titles.

A year's letters repeat their texts (a meeting's title in every invitation to it, a table's dates in
every notice that lists them), so an export measures each text once and looks it up after.  The
memos are an object the export builds (:func:`liaison_docx.plugin.export` makes one
:class:`Measures` for all the letters it renders and hands it to :func:`liaison_docx.render`), as
large as that export's distinct texts and dropped with it: a process-wide cache of a fixed size
held the texts of a 330-pairing district but not those of a 3,300-pairing one, whose letters were
measured again and again (11.3× the instructions for 10× the district); one of no bound would keep
every export's texts for the life of a long-running host.  A letter rendered alone
(``render(letter)``) gets a :class:`Measures` of its own.

The memos are :func:`functools.cache` wrappers of the pure functions of :mod:`liaison_docx.geometry`
and :mod:`liaison_docx.titles`, each given the export's memo of :func:`text_cells` to measure with:
a hit costs what it cost in the process-wide caches, and the bytes are those of the functions
themselves.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from liaison_docx import geometry, titles

if TYPE_CHECKING:
    from liaison_docx.letter_model import Table

__all__ = ["Measures"]


class Measures:
    """The memos of one export's letters (see the module's docstring); every method answers what
    the function of the same name in :mod:`liaison_docx.geometry` or :mod:`liaison_docx.titles`
    does."""

    def __init__(self) -> None:
        cells = functools.cache(geometry.text_cells)
        self.text_cells = cells
        """:func:`liaison_docx.geometry.text_cells`, each text once."""
        self.count_lines = functools.cache(functools.partial(geometry.count_lines, cells=cells))
        """:func:`liaison_docx.geometry.count_lines`, each paragraph, width and indent once."""
        self.piece_need = functools.cache(functools.partial(geometry.piece_need, cells=cells))
        """:func:`liaison_docx.geometry.piece_need`, each piece of a table's lines once."""
        self._breaks = functools.cache(functools.partial(titles.break_units, cells=cells))
        self._units: dict[tuple[str, Any], tuple[str, ...]] = {}
        self.display_width = functools.cache(geometry.display_width)
        """:func:`liaison_docx.geometry.display_width`, each text once: the 落款's signatory and date,
        measured at every pitch a letter is laid out at, are the same few texts in every letter."""
        self.blocks: dict[tuple[Any, int, tuple[Any, ...]], tuple[tuple[str, ...], tuple[tuple[Any, int], ...]]] = {}
        """The XML fragments and flow pieces of each body (by the template, the pitch and the blocks),
        as :func:`liaison_docx.document.blocks` wrote them first (slots counted from the body's first
        fragment): the invitations to one meeting share a body, and a letter is laid out at up to
        three pitches."""
        self.flows: dict[tuple[Any, int, tuple[Any, ...]], tuple[tuple[Any, int], ...]] = {}
        """The flow pieces alone of each body, by the same keys, as a builder that does not write
        recorded them (the pitches a letter is tried at before it is written at one)."""
        self.tables: dict[tuple[Any, Table], tuple[Any, str]] = {}
        """Each body table's flow piece and XML (by the template and the table), as
        :func:`liaison_docx.document.table` wrote it first: an invitation's 回执 is its invitee's, and
        an invitee is invited to several meetings."""
        self.properties: dict[bytes, Any] = {}
        """Each letter's ``docProps/core.xml`` (its title, signatory and date) as the package's deflated
        member, by its bytes: the invitations to one meeting share them (the seed's 55 letters have
        29 different ones), so each is deflated once."""
        self.headers: dict[tuple[Any, str], Any] = {}
        """The 信函格式 first-page header of each mark (by the font set and the mark), as the
        package's deflated member: the letters of one issuer share it (41 of the seed's 55 letters,
        a handful of issuers), so it is written and deflated once (:func:`liaison_docx.renderer.render`)."""

    def column_widths(self, table: Table) -> list[int]:
        """:func:`liaison_docx.geometry.column_widths`, its lines and pieces measured by these memos."""
        return geometry.column_widths(table, cells=self.text_cells, need=self.piece_need)

    def break_title(self, units: Sequence[str], capacity: float = titles.TITLE_CELLS) -> list[str]:
        """:func:`liaison_docx.titles.break_title`, each title once (a fresh list each time)."""
        return list(self._breaks(tuple(u for u in units if u), capacity))

    def title_units(self, text: str, names: titles.Names | None = None) -> tuple[str, ...]:
        """:func:`liaison_docx.titles.title_units` of ``text`` with ``names`` (a district's matcher,
        else the common names only), each text once: every 回执 of an export is named alike, and
        every invitation to one meeting carries its title."""
        key = (text, names)  # a matcher by its identity: one per district, alive with the key
        found = self._units.get(key)
        if found is None:
            found = self._units[key] = tuple(titles.title_units(text) if names is None
                                             else titles.title_units(text, names))
        return found

    def sizes(self) -> dict[str, int]:
        """How many answers each memo holds (what the export measured once)."""
        return {name: memo.cache_info().currsize for name, memo in (
            ("text_cells", self.text_cells), ("count_lines", self.count_lines), ("piece_need", self.piece_need),
            ("break_title", self._breaks))}
