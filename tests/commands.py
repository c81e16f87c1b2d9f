"""The `liaison` command run as its own process, as a user runs it, with what it printed and the
modules it loaded (for the tests of what a command costs: tests/test_fixed_costs.py,
tests/test_export_receipts.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from liaison.host.cache import CACHE_ENV

_LOADED = ("import runpy, sys\n"
           "sys.argv = ['liaison', *sys.argv[1:]]\n"
           "try:\n"
           "    runpy.run_module('liaison_cli', run_name='__main__')\n"
           "except SystemExit as exc:\n"
           "    code = exc.code\n"
           "else:\n"
           "    code = 0\n"
           "sys.stdout.flush()\n"
           "print('\\nLOADED', ' '.join(sorted(sys.modules)))\n"
           "sys.exit(code)\n")


def run(cwd: Path, *args: str, cache: Path, env: Mapping[str, str] | None = None
        ) -> tuple[str, str, set[str]]:
    """``liaison ARGS`` in ``cwd`` with every installed plugin and liaison's cache folder in ``cache``:
    its standard output (what the command printed), its standard error, and the modules it loaded.
    A command that fails fails the test."""
    environment = {k: v for k, v in os.environ.items() if k != "LIAISON_PLUGINS"}
    environment.update({CACHE_ENV: str(cache), **(env or {})})
    done = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True, text=True, cwd=cwd,
                          env=environment, check=False)
    assert done.returncode == 0 and "\nLOADED" in done.stdout, done.stdout + done.stderr
    printed, loaded = done.stdout.rsplit("\nLOADED", 1)
    return printed, done.stderr, set(loaded.split())


def loaded(cwd: Path, *args: str, cache: Path | None = None) -> set[str]:
    """The modules ``liaison ARGS`` loaded (liaison's cache folder: ``cache``, else one in ``cwd``)."""
    return run(cwd, *args, cache=cache or cwd / "cache")[2]
