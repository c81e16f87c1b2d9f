"""The screenshots script (scripts/screenshots.py, docs/guide.md's pictures) keeps up with the
pages: it starts, and every address of its list is a page the service serves (not an address
that would be sent to the login page, or be a 404, and photographed as such)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "screenshots.py"


def test_the_script_starts() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "usage" in done.stdout.lower(), done.stderr[-2000:]


def test_every_address_it_photographs_is_a_page(database: str) -> None:
    import importlib.util

    from django.urls import resolve

    spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
    assert spec is not None and spec.loader is not None
    script: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    names = {"year": "2027", "on": "2027-11-30", "spring": "2027-03-10", "engagement": "2027/visit/health/cpwdp/1",
             "attended": "2027/visit/finance/cpwdp/1", "provision": "x"}
    assert script.SHOTS and {role for role, _, _ in script.SHOTS} <= {*script.USERS, "anonymous"}
    assert len({name for _, _, name in script.SHOTS}) == len(script.SHOTS)  # one file each
    for _, url, name in script.SHOTS:
        found = resolve(url.format(**names).split("?")[0])
        assert found.func.__module__.startswith(("liaison_web.pages", "django.contrib.auth")), (name, found)
