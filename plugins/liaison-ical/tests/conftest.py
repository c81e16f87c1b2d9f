"""Fixtures of the calendar tests: Mozilla ical.js as an engine (run by node)."""

from __future__ import annotations

import pytest
from ical_engines import IcalJs, ensure_node_modules, node_executable, run_icaljs


@pytest.fixture(scope="session")
def icaljs() -> IcalJs:
    """Run Mozilla ical.js over documents; skipped only when `node` is not installed at all."""
    if node_executable() is None:
        pytest.skip("node is not installed: the ical.js engine cannot run")
    ensure_node_modules()
    return run_icaljs
