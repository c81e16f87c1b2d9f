"""The core stays pure and light: importing it pulls in no exporter dependency."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).parents[1] / "src" / "liaison"
HEAVY = ("icalendar", "docx", "lxml", "cattrs", "pluggy", "chinese_calendar", "holidays", "click", "rich")


def test_import_liaison_loads_no_exporter_or_heavy_dependency() -> None:
    code = "import sys, liaison; print(' '.join(sorted(m for m in sys.modules if '.' not in m)))"
    loaded = set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                text=True).stdout.split())
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_queries_on_the_seed_district_still_load_no_exporter_dependency() -> None:
    code = ("import sys, datetime, liaison; d = liaison.seed_district(); d.cc_list('区卫生局', "
            "datetime.date(2027, 1, 1)); print(' '.join(m for m in sys.modules if '.' not in m))")
    loaded = set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                text=True).stdout.split())
    assert loaded.isdisjoint({"icalendar", "docx", "lxml"})


def test_the_core_never_imports_exporters_writes_files_or_reads_the_clock() -> None:
    forbidden_modules = {"icalendar", "docx", "lxml", "requests"}
    forbidden_calls = {"now", "today", "utcnow", "uuid4", "write_text", "write_bytes", "perf_counter", "monotonic"}
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not {n.split(".")[0] for n in names} & forbidden_modules, (path, names)
            inherited = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Call) and isinstance(node.func.value.func, ast.Name) and \
                node.func.value.func.id == "super"  # a method of the same name (click's HelpFormatter.write_text)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not inherited:
                assert node.func.attr not in forbidden_calls, (path, node.lineno, node.func.attr)
                clock = isinstance(node.func.value, ast.Name) and node.func.value.id == "time"
                assert not clock, (path, node.lineno, "time.time()")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
                # The file formats read the files their caller names; nothing in the core writes one.
                mode = node.args[1] if len(node.args) > 1 else None
                assert mode is None or (isinstance(mode, ast.Constant) and "r" in str(mode.value)), path


def test_the_law_the_year_and_the_base_open_no_file_at_all() -> None:
    """Pure by contract: objects in, objects out. Reading a file is the formats' work (the import-linter
    contract forbids the modules; this catches the builtins, which no import names)."""
    reads = {"read_text", "read_bytes", "open"}
    for layer in ("law", "year", "base"):
        for path in (CORE / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call):
                    name = node.func.id if isinstance(node.func, ast.Name) else (
                        node.func.attr if isinstance(node.func, ast.Attribute) else "")
                    assert name not in reads, (path, node.lineno, name)


def test_planning_and_checking_leave_the_process_as_they_found_it() -> None:
    """No process-wide side effect in a library call: the garbage collector, its thresholds, the locale
    and the recursion limit are what they were, whether the collector was on or off."""
    code = """
import gc, locale, sys
import liaison
from liaison.year.planner import plan_year
district = liaison.seed_district()
for enabled in (True, False):
    gc.enable() if enabled else gc.disable()
    before = (gc.isenabled(), gc.get_threshold(), locale.setlocale(locale.LC_ALL), sys.getrecursionlimit())
    plan = plan_year(district, 2027)
    liaison.check(district, liaison.Records.from_plan(plan), 2027)
    after = (gc.isenabled(), gc.get_threshold(), locale.setlocale(locale.LC_ALL), sys.getrecursionlimit())
    assert before == after, (before, after)
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
