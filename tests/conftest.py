"""Shared fixtures. Installed third-party plugins never leak into the core tests: only the
built-ins load unless a test asks for more."""

from __future__ import annotations

import pytest
from builders import seed_text as _seed_text


@pytest.fixture(scope="session")
def seed_text() -> str:
    return _seed_text()
