"""Built-in features, registered exactly like outside plugins: the TOML records reader."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from liaison.host.hookspecs import hookimpl

if TYPE_CHECKING:
    from liaison.host.readers import RecordReader


@hookimpl
def register_record_readers(register: Callable[[RecordReader], None]) -> None:
    from liaison.formats.records import read_records
    from liaison.host.readers import RecordReader

    register(RecordReader(name="toml", suffixes=(".toml",),
                          read=lambda data, district, file: read_records(data, district, file=file),
                          description="records as TOML (docs/records-format.md)"))
