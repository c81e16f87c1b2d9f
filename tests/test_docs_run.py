"""The code in README.md and docs/*.md runs as written.

Each file's ```python blocks run in order in one namespace (later blocks use what earlier ones
defined), and its ```bash blocks run line by line in a shell, all in a fresh folder holding a copy
of examples/ — with every plugin of the repository installed, as after the README's test command.
A block that cannot run here says so on the line before it: ``<!-- not-run: why -->`` (an install,
a server elsewhere); the guide's month-by-month routine (``<!-- routine -->``) runs in
tests/test_state.py, which checks each step's outputs.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"(?:<!-- (?P<marker>[^>]*) -->\n)?```(?P<lang>python|bash)\n(?P<code>.*?)```", re.S)
PLUGINS = "ical,docx,xlsx,caldav,html"


def blocks(path: Path) -> list[tuple[str, str, str]]:
    """(language, code, marker) of every python and bash block."""
    return [(m["lang"], m["code"], m["marker"] or "") for m in BLOCK.finditer(path.read_text(encoding="utf-8"))]


def runnable(path: Path) -> list[tuple[str, str]]:
    return [(lang, code) for lang, code, marker in blocks(path)
            if not marker.startswith("not-run") and marker != "routine"
            and not (path.name == "README.md" and marker in ("main-command", "test-command", "serve-command"))]


def installs(code: str) -> bool:
    return any(re.match(r"(python3? -m )?pip3? install", line) for line in shell_lines(code))


def test_every_block_that_is_not_run_says_why() -> None:
    for path in DOCS:
        for lang, code, marker in blocks(path):
            if marker.startswith("not-run"):
                assert marker.removeprefix("not-run").strip(" :"), f"{path.name}: a not-run block without a reason"
            elif lang == "bash" and marker not in ("main-command", "test-command", "serve-command"):
                assert not installs(code), f"{path.name}: a block that installs must be marked not-run"


def shell_lines(code: str) -> list[str]:
    """Commands of a bash block: comments and blank lines dropped, continuation lines joined."""
    lines, current = [], ""
    for raw in code.splitlines():
        line = raw.split("  #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        current += line.removesuffix("\\") + " " if line.endswith("\\") else line
        if not line.endswith("\\"):
            lines.append(current.strip())
            current = ""
    return lines


@pytest.mark.parametrize("path", [p for p in DOCS if runnable(p)], ids=lambda p: p.name)
def test_the_code_blocks_run_as_written(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns("__pycache__", "out"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LIAISON_PLUGINS", PLUGINS)
    from liaison.host import plugins

    plugins.reset()
    env = {**os.environ, "COLUMNS": "200",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for lang, code in runnable(path):
        assert not (lang == "bash" and installs(code)), f"{path.name}: mark the install block not-run"
        if lang == "python":
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(code, f"{path.name} (python block)", "exec"), namespace)
            continue
        for command in shell_lines(code):
            done = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=tmp_path, env=env,
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"{path.name}: {command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            assert "Traceback" not in done.stderr, f"{path.name}: {command}\n{done.stderr}"
    plugins.reset()
