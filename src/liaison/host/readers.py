"""A reader of records files (the ledger workbook of liaison-xlsx is one): what a plugin registers
through ``register_record_readers``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from liaison.formats.syntax import MAX_FILE_BYTES

if TYPE_CHECKING:
    from liaison.base.errors import LiaisonError
    from liaison.law.district import District
    from liaison.law.records import Records


@attrs.frozen(kw_only=True)
class RecordReader:
    """Reads a records file of one type (``suffixes`` such as ``(".xlsx",)``) into :class:`Records`:
    ``read(data, district, file)``; every problem a :class:`LiaisonError` naming ``file``.

    The host checks what ``read`` returns (:meth:`Records.checked`: the defaults filled, the records'
    consistency) — once, for every reader. A reader that checks them itself, through the same
    method, to name its own places in an error (the ledger's cells) says ``checked=True``.

    A reader that can also take what of a file is right and name the rest (``read_rows(data,
    district, file)``: the records of the good rows, checked, and each refused row's
    :class:`~liaison.base.errors.LiaisonError` at its place) offers it as ``read_rows``: an upload
    shows the refused rows and records the others when the user agrees (the web service's ledger page)."""

    name: str
    suffixes: tuple[str, ...]
    read: Callable[[bytes, District, str], Records] = attrs.field(eq=False, repr=False)
    description: str = ""
    plugin: str = ""
    max_bytes: int = MAX_FILE_BYTES  # files larger than this are refused before they are read
    checked: bool = False  # read returns Records.checked's result already
    read_rows: Callable[[bytes, District, str], tuple[Records, tuple[LiaisonError, ...]]] | None = attrs.field(
        default=None, eq=False, repr=False)
