"""Shared fixtures. Installed third-party plugins never leak into the core tests: only the
built-ins load unless a test asks for more."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from builders import seed_text as _seed_text

from liaison import plugins
from liaison.district import District
from liaison.loader import seed_district


@pytest.fixture(autouse=True)
def _fresh_plugin_manager(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LIAISON_PLUGINS", "")
    plugins.reset()
    yield
    plugins.reset()


@pytest.fixture(scope="session")
def seed() -> District:
    return seed_district()


@pytest.fixture(scope="session")
def seed_text() -> str:
    return _seed_text()
