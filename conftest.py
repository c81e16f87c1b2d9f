"""What every test folder shares — the core's ``tests/`` and each plugin's: which plugins load, and
the seed district, a cache folder of the session's own, and the collector on in a process allowing
work to pause it (``collector_on``).

Installed plugins never leak into a test: only the built-ins load, unless a folder's conftest or a
test module overrides the ``loaded_plugins`` fixture (its value is ``LIAISON_PLUGINS``: ``"xlsx"``,
``"ical,docx"``); the plugin manager is reset around every test."""

from __future__ import annotations

import gc
import os
import tempfile
from collections.abc import Iterator

import pytest

from liaison.formats.district import seed_district
from liaison.host import collector, plugins
from liaison.law.district import District

# The page's compiled templates go to a cache folder of this session's (inherited by the commands the
# tests run), never to the user's ~/.cache; a test of the cache itself sets its own.
os.environ.setdefault("LIAISON_CACHE_DIR", tempfile.mkdtemp(prefix="liaison-test-cache-"))


@pytest.fixture
def loaded_plugins() -> str:
    return ""


@pytest.fixture(autouse=True)
def _plugin_manager(loaded_plugins: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LIAISON_PLUGINS", loaded_plugins)
    plugins.reset()
    yield
    plugins.reset()


@pytest.fixture(scope="session")
def seed() -> District:
    return seed_district()


@pytest.fixture
def collector_on() -> Iterator[None]:
    """Python's collector on, and the process allowing work to pause it (as the `liaison` command's
    and `liaison serve`'s: liaison.host.collector.allow); both as they were after the test."""
    was, allowed = gc.isenabled(), collector.allowed()
    gc.enable()
    collector.allow()
    yield
    collector.allow(allowed)
    (gc.enable if was else gc.disable)()
