"""The page's templates compiled once per machine (Jinja's bytecode cache in the user cache folder): a
second process renders from the cache, and a cache that is corrupt or cannot be written never fails or
changes the page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from liaison_html.compiled import CACHE_ENV, cache_folder

_RENDER = ("import hashlib, sys, liaison; from liaison_html import page; "
           "from liaison_html.pages import environment; d = liaison.seed_district(); "
           "data = page(d, liaison.plan_year(d, 2026)); "
           "print(hashlib.sha256(data).hexdigest(), type(environment().bytecode_cache).__name__)")


def _render(cache: str) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-c", _RENDER], capture_output=True, text=True, check=True,
                          env={**os.environ, CACHE_ENV: cache})
    digest, kind = done.stdout.split()
    return digest, kind


def _cached(folder: Path) -> list[Path]:
    return sorted(folder.rglob("__jinja2_*.cache"))


def test_the_second_process_renders_the_same_page_from_the_cache(tmp_path: Path) -> None:
    first = _render(str(tmp_path))
    files = _cached(tmp_path)
    assert len(files) >= 5  # page, macros, timeline, lists, compliance
    stamps = [f.stat().st_mtime_ns for f in files]
    second = _render(str(tmp_path))
    assert first == second == (first[0], "SafeCache")
    assert [f.stat().st_mtime_ns for f in files] == stamps  # read, not compiled and written again
    assert _render("")[0] == first[0]  # no cache at all: the same bytes


def test_a_corrupt_cache_is_compiled_afresh_and_replaced(tmp_path: Path) -> None:
    expected = _render("")[0]
    _render(str(tmp_path))
    files = _cached(tmp_path)
    for i, f in enumerate(files):  # garbage, truncated, empty
        f.write_bytes([b"\x00garbage" * 50, f.read_bytes()[:40], b""][i % 3])
    assert _render(str(tmp_path))[0] == expected
    assert _render(str(tmp_path))[0] == expected


def test_an_unwritable_cache_folder_never_fails_the_page(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert _render(str(blocker / "cache")) == (_render("")[0], "NoneType")  # cannot be made: no cache
    folder = tmp_path / "read-only"
    (folder / "jinja-x").mkdir(parents=True)
    os.chmod(folder, 0o500)
    try:
        assert _render(str(folder))[0] == _render("")[0]
    finally:
        os.chmod(folder, 0o700)


@pytest.mark.parametrize(("env", "expected"), [
    ({CACHE_ENV: "/somewhere"}, Path("/somewhere")),
    ({CACHE_ENV: ""}, None),
    ({"XDG_CACHE_HOME": "/x/cache"}, Path("/x/cache/liaison")),
    ({"XDG_CACHE_HOME": "relative"}, Path.home() / ".cache" / "liaison"),
])
def test_the_cache_folder(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: Path | None) -> None:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    if sys.platform in ("win32", "darwin") and CACHE_ENV not in env:
        pytest.skip("the XDG folder is for Linux and other Unixes")
    assert cache_folder() == expected
