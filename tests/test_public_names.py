"""`import liaison` lists its names once (the imports of its ``if TYPE_CHECKING:`` block): a type checker
reads them, and the package serves them lazily from the same lines. Each name listed is the object of
the module it is listed from, `__all__` and `dir()` are those names, importing the package imports
none of their modules, and a program using them is typed under ``mypy --strict`` (``District.rules``
by the kind asked for, too)."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import liaison
from liaison.lazy import exported

LISTED = exported(inspect.getsource(liaison))


def test_every_listed_name_is_the_object_of_its_module() -> None:
    assert len(LISTED) > 50
    for name, (module, original) in LISTED.items():
        assert getattr(liaison, name) is getattr(importlib.import_module(module), original), name


def test_all_and_dir_are_the_listed_names() -> None:
    assert sorted(liaison.__all__) == sorted(LISTED) == dir(liaison)
    namespace: dict[str, object] = {}
    exec("from liaison import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(LISTED)


def test_importing_the_package_imports_none_of_the_listed_modules() -> None:
    modules = sorted({m for m, _ in LISTED.values()})
    code = ("import sys, liaison; print(','.join(m for m in " + repr(modules) + " if m in sys.modules)); "
            "print('ast' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"LIAISON_PLUGINS": "", "PATH": ""})
    loaded, parsed = done.stdout.splitlines()
    assert loaded == "" and parsed == "False"


def test_the_names_are_typed_for_mypy_strict(tmp_path: Path) -> None:
    program = tmp_path / "program.py"
    program.write_text(textwrap.dedent("""\
        import datetime as dt

        import liaison
        from liaison import Finding, Obligation


        def cited(district: liaison.District) -> list[str]:
            owed = liaison.obligations(district, dt.date(2027, 1, 1), dt.date(2027, 12, 31))
            return [o.provision.cite_zh() for o in owed]


        def problems(report: liaison.Report) -> tuple[Finding, ...]:
            return report.problems()


        def kinds(district: liaison.District) -> list[liaison.EngagementKind]:
            return [rule.engagement_kind for _, rule in district.rules(liaison.Cadence, dt.date(2027, 1, 1))]


        first: Obligation | None = None
        wrong: int = liaison.seed_district()
        """), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path),
                           str(program)], capture_output=True, text=True, cwd=tmp_path)
    # one error, the line that is wrong on purpose: the names are typed, not Any
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "program.py:21:" in errors[0] and '"District"' in errors[0], done.stdout


LAZY_PACKAGES = ("liaison", "liaison_ical", "liaison_caldav", "liaison_xlsx", "liaison_docx", "liaison_html")


def test_no_lazy_name_is_also_a_submodule_name() -> None:
    """A submodule, once imported, is set on its package under its own name: a lazily exported name
    spelled like a submodule would then be that module, not the function (liaison_ical.serialise,
    liaison_caldav.changes). Each package's entry point, imported first, makes it happen in a run."""
    import pkgutil

    for name in LAZY_PACKAGES:
        package = importlib.import_module(name)
        listed = set(exported(inspect.getsource(package)))
        submodules = {m.name for m in pkgutil.iter_modules(package.__path__)}
        assert not listed & submodules, (name, listed & submodules)
        for submodule in submodules:
            importlib.import_module(f"{name}.{submodule}")
        for exported_name in listed:
            assert not inspect.ismodule(getattr(package, exported_name)), (name, exported_name)
