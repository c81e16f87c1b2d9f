"""No import circle anywhere in the code we ship: the core, the command, the workspace and every plugin.

import-linter (`lint-imports`, in the README's test command) keeps the layers in order; this test keeps
every module-level graph acyclic, including imports made inside functions, which hide a circle from
Python at import time but not from a reader (the 0.1 code had three such circles).
"""

from __future__ import annotations

import graphlib
import sys
import textwrap
from pathlib import Path

import grimp
import pytest

PACKAGES = ("liaison", "liaison_cli", "liaison_workspace", "liaison_ical", "liaison_docx", "liaison_xlsx",
            "liaison_caldav", "liaison_html", "liaison_web")


def circle_in(*packages: str) -> tuple[str, ...] | None:
    """The first import circle among the packages' modules, or None."""
    graph = grimp.build_graph(*packages, cache_dir=None)
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    try:
        graphlib.TopologicalSorter(imports).prepare()
    except graphlib.CycleError as error:
        return tuple(error.args[1])
    return None


def test_no_import_circle_in_the_code_we_ship() -> None:
    assert circle_in(*PACKAGES) is None


def test_a_circle_hidden_in_a_function_is_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from circled.b import B\nA = 1\n")
    (package / "b.py").write_text(textwrap.dedent("""
        def late():
            from circled.a import A
            return A
        B = 2
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        circle = circle_in("circled")
    finally:
        sys.modules.pop("circled", None)
    assert circle is not None and {"circled.a", "circled.b"} <= set(circle)
