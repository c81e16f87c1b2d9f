"""Names a package exports but imports on first use (PEP 562), so importing it stays light: the core's
``liaison`` (≤ 100 ms) and the plugins' packages (loading a plugin never imports Jinja2 or openpyxl).

A package lists its names once, as the imports of its ``if TYPE_CHECKING:`` block, each in the
explicit re-export form ``from liaison.law.model import Pairing as Pairing``: that is what a type checker
reads (``liaison.Pairing`` is typed), and what :func:`lazy_exports` reads, from the package's source, on
the first name asked for, to know which module defines it and what ``__all__`` is.
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
from collections.abc import Callable
from typing import Any


def exported(source: str) -> dict[str, tuple[str, str]]:
    """Each name the ``if TYPE_CHECKING:`` block of ``source`` imports, with the module it comes from
    and its name there, in the order written."""
    import ast  # only once a lazy name is asked for: parsing is not part of `import liaison`

    names: dict[str, tuple[str, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.module:
                    for alias in statement.names:
                        names[alias.asname or alias.name] = (statement.module, alias.name)
    return names


def lazy_exports(package: str) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``, serving the names its ``if
    TYPE_CHECKING:`` block imports (and ``__all__``, which is those names)."""
    found: dict[str, tuple[str, str]] = {}

    def names() -> dict[str, tuple[str, str]]:
        if not found:
            spec = sys.modules[package].__spec__
            loader = spec.loader if spec is not None else None
            source = loader.get_source(package) if isinstance(loader, importlib.abc.InspectLoader) else None
            if source is None:
                raise ImportError(f"{package} lists its names in its source, which is not installed", name=package)
            found.update(exported(source))
        return found

    def __getattr__(name: str) -> Any:
        if name == "__all__":
            value: Any = sorted(names())
        elif name in names():
            module, original = names()[name]
            value = getattr(importlib.import_module(module), original)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)  # later lookups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted(names())

    return __getattr__, __dir__
