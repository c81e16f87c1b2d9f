"""The module paths of liaison 0.1, kept for one release: ``import liaison.district`` still works and
warns (DeprecationWarning) where the module went when the code was split into layers (0.2).

A moved module that was split (``liaison.records``: the values in :mod:`liaison.law.records`, the
file in :mod:`liaison.formats.records`) answers every name from the modules it went to, in order. To
be removed in 0.3: import from the new paths (CHANGELOG.md lists them).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Sequence
from typing import Any

#: Each 0.1 module and the modules its names are now in.
MOVED: dict[str, tuple[str, ...]] = {
    "liaison.errors": ("liaison.base.errors",),
    "liaison.text": ("liaison.base.text",),
    "liaison.terms": ("liaison.law.terms",),
    "liaison.rules": ("liaison.law.rules",),
    "liaison.model": ("liaison.law.model",),
    "liaison.district": ("liaison.law.district",),
    "liaison.duties": ("liaison.law.duties", "liaison.year.settings"),
    "liaison.findings": ("liaison.law.findings", "liaison.formats.documents"),  # report_document (0.1)
    "liaison.holiday_law": ("liaison.law.holiday_law",),
    "liaison.workdays": ("liaison.law.workdays",),
    "liaison.records": ("liaison.law.records", "liaison.formats.records"),
    "liaison.holiday_notice": ("liaison.law.notices", "liaison.formats.notice"),
    "liaison.compliance": ("liaison.law.compliance",),
    "liaison.compliance.cadences": ("liaison.law.compliance.cadences",),
    "liaison.compliance.context": ("liaison.law.compliance.context",),
    "liaison.compliance.documents": ("liaison.law.compliance.documents",),
    "liaison.compliance.leftovers": ("liaison.law.compliance.leftovers",),
    "liaison.engagements": ("liaison.year.engagements",),
    "liaison.board": ("liaison.year.board",),
    "liaison.planner": ("liaison.year.planner",),
    "liaison.reconcile": ("liaison.year.reconcile",),
    "liaison.numbering": ("liaison.year.numbering",),
    "liaison.state": ("liaison.year.state", "liaison.formats.state"),
    "liaison.convert": ("liaison.formats.convert",),
    "liaison.loader": ("liaison.formats.syntax", "liaison.formats.district", "liaison.formats.district_checks"),
    "liaison.checks": ("liaison.formats.district_checks",),
    "liaison.events": ("liaison.formats.events",),
    "liaison.upgrade": ("liaison.formats.upgrade",),
    "liaison.options": ("liaison.host.options",),
    "liaison.publishing": ("liaison.host.publishing", "liaison.year.publications"),
    "liaison.exporting": ("liaison.host.exporting",),
    "liaison.hookspecs": ("liaison.host.hookspecs",),
    "liaison.plugins": ("liaison.host.plugins", "liaison.host.readers"),
    "liaison.builtin": ("liaison.host.builtin",),
}


class _Moved(types.ModuleType):
    """A 0.1 module path: every name looked up in the modules it moved to."""

    def __init__(self, name: str, targets: Sequence[str]) -> None:
        super().__init__(name, f"moved in liaison 0.2 to {', '.join(targets)}")
        self.__targets = tuple(targets)

    def __getattr__(self, attribute: str) -> Any:
        for target in self.__targets:
            module = importlib.import_module(target)
            if hasattr(module, attribute):
                return getattr(module, attribute)
        raise AttributeError(f"module {self.__name__!r} (moved to {', '.join(self.__targets)}) has no "
                             f"attribute {attribute!r}")


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None,
                  ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        is_package = any(other.startswith(fullname + ".") for other in MOVED)
        return importlib.machinery.ModuleSpec(fullname, self, is_package=is_package)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return _Moved(spec.name, MOVED[spec.name])

    def exec_module(self, module: types.ModuleType) -> None:
        targets = MOVED[module.__name__]
        if any(other.startswith(module.__name__ + ".") for other in MOVED):
            module.__path__ = []
        warnings.warn(f"{module.__name__} moved in liaison 0.2 to {' and '.join(targets)}; the old path goes in "
                      "0.3", DeprecationWarning, stacklevel=2)


def install() -> None:
    """Answer the 0.1 module paths (once per process)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())
