"""What an exporter is: a pure function from domain objects and options to artifacts (bytes).

The edge (the ``liaison export`` command, the example scripts) writes the artifacts, atomically,
inside the chosen folder; an exporter never touches the file system.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from liaison.errors import ExportError
from liaison.options import Option, resolve

if TYPE_CHECKING:
    from liaison.district import District
    from liaison.plan import Plan
    from liaison.records import Records

_SAFE = re.compile(r"[^0-9A-Za-z._\-\u3400-\u9fff]+")


def safe_name(text: str) -> str:
    """A file-name component from an id: no separators, no dot-only names, nothing outside the folder."""
    cleaned = _SAFE.sub("_", unicodedata.normalize("NFKC", text)).strip("._")
    return cleaned[:120] or "_"


@attrs.frozen
class Artifact:
    """One output file: a relative path made of safe components, its media type and its bytes."""

    path: str = attrs.field()
    media_type: str
    data: bytes = attrs.field(repr=lambda d: f"<{len(d)} bytes>")

    @path.validator
    def _relative_and_safe(self, _attribute: object, value: str) -> None:
        parts = value.split("/")
        if not value or any(p in ("", ".", "..") or p != safe_name(p) for p in parts):
            raise ExportError(f"unsafe artifact path {value!r}",
                              fix="build paths from liaison.exporting.safe_name() components joined by '/'")


@attrs.frozen
class ExportRequest:
    """What an exporter receives: the district, the year's plan and its options, typed and checked
    against what the exporter declares (:mod:`liaison.options`; the host resolves them)."""

    district: District
    plan: Plan
    options: Mapping[str, Any] = attrs.field(factory=dict)
    records: Records | None = None  # consultations and research results, for letters that answer them

    def option(self, name: str, default: Any = None) -> Any:
        value = self.options.get(name)
        return default if value is None else value


@attrs.frozen
class Exporter:
    """A registered output format and the options it takes."""

    name: str
    description: str
    export: Callable[[ExportRequest], Iterable[Artifact]] = attrs.field(eq=False, repr=False)
    plugin: str = ""
    options: tuple[Option, ...] = ()

    def request(self, district: District, plan: Plan, options: Mapping[str, Any] | None = None,
                records: Records | None = None) -> ExportRequest:
        """A request with ``options`` resolved against this exporter's declared options."""
        return ExportRequest(district, plan, resolve(self.options, options or {}, f"exporter {self.name!r}"),
                             records)

    def run(self, district: District, plan: Plan, options: Mapping[str, Any] | None = None,
            records: Records | None = None) -> list[Artifact]:
        """Export: the options checked, the artifacts made (nothing written)."""
        return list(self.export(self.request(district, plan, options, records)))
