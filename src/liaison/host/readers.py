"""A reader of records files (the ledger workbook of liaison-xlsx is one): what a plugin registers
through ``register_record_readers``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from liaison.formats.syntax import MAX_FILE_BYTES

if TYPE_CHECKING:
    from liaison.law.district import District
    from liaison.law.records import Records


@attrs.frozen(kw_only=True)
class RecordReader:
    """Reads a records file of one type (``suffixes`` such as ``(".xlsx",)``) into :class:`Records`:
    ``read(data, district, file)``; every problem a :class:`LiaisonError` naming ``file``.

    The host checks what ``read`` returns (:meth:`Records.checked`: the defaults filled, the records'
    consistency) — once, for every reader. A reader that checks them itself, through the same
    method, to name its own places in an error (the ledger's cells) says ``checked=True``."""

    name: str
    suffixes: tuple[str, ...]
    read: Callable[[bytes, District, str], Records] = attrs.field(eq=False, repr=False)
    description: str = ""
    plugin: str = ""
    max_bytes: int = MAX_FILE_BYTES  # files larger than this are refused before they are read
    checked: bool = False  # read returns Records.checked's result already
