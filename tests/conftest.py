"""Shared fixtures. Installed third-party plugins never leak into the core tests: only the
built-ins load unless a test asks for more."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["LIAISON_PLUGINS"] = ""

from liaison import plugins
from liaison.district import District
from liaison.loader import seed_district

SEED_TOML = Path(__file__).parents[1] / "src" / "liaison" / "data" / "seed.toml"
NEW_YEAR_2027 = dt.date(2027, 1, 1)


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
    return SEED_TOML.read_text(encoding="utf-8")
