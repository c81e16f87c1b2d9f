"""A district file parsed once per machine (liaison_workspace.districts, issue #23): a command finds the
checked district in liaison's cache folder under the file's digest and the code's, prints what it
printed when it parsed the file, and never trusts an entry — one damaged, of another key, forged
or not a district is parsed afresh and replaced."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import commands
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.base.errors import DataError
from liaison.formats.district import parse_district
from liaison.host.cache import CACHE_ENV
from liaison_workspace import districts as district_cache

ROOT = Path(__file__).resolve().parents[1]
DONGHU = ROOT / "tests" / "data" / "donghu.toml"
RECORDS = ROOT / "examples" / "records-2026.toml"


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def entries(cache: Path) -> list[Path]:
    return sorted((cache / district_cache.FOLDER).glob("*.pickle"))


def test_a_district_is_kept_once_and_read_back_equal(cache: Path) -> None:
    parsed = parse_district(DONGHU.read_bytes(), file=str(DONGHU))
    first = district_cache.load_district(DONGHU)
    [entry] = entries(cache)
    stamp = entry.stat().st_mtime_ns
    again = district_cache.load_district(DONGHU)
    assert first == parsed and again == parsed and again is not first
    assert entries(cache) == [entry] and entry.stat().st_mtime_ns == stamp  # read, not written again
    assert district_cache.seed_district() == parse_district(
        (ROOT / "src" / "liaison" / "data" / "seed.toml").read_bytes())
    assert len(entries(cache)) == 2


def test_an_edited_file_is_another_district(cache: Path, tmp_path: Path) -> None:
    copy = tmp_path / "d.toml"
    copy.write_bytes(DONGHU.read_bytes())
    before = district_cache.load_district(copy)
    text = DONGHU.read_text(encoding="utf-8")
    name = before.info.name
    copy.write_text(text.replace(f'name = "{name}"', 'name = "改过的区"', 1), encoding="utf-8")
    after = district_cache.load_district(copy)
    assert after.info.name == "改过的区" != name and len(entries(cache)) == 2


def test_a_file_with_a_mistake_is_refused_every_time_and_never_kept(cache: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(DONGHU.read_text(encoding="utf-8").replace("[district]", "[district]\nfromat = 1", 1),
                   encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataError):
            district_cache.load_district(bad)
    assert entries(cache) == []


def _damaged(entry: Path, how: str) -> None:
    data = entry.read_bytes()
    head, _, payload = data.partition(b"\n\n")
    if how == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif how == "a byte of the payload changed":
        middle = len(head) + 2 + len(payload) // 2
        entry.write_bytes(data[:middle] + bytes([data[middle] ^ 0x20]) + data[middle + 1:])
    elif how == "another key":
        entry.write_bytes(head.replace(head.split(b"\n")[1], b"0" * 64) + b"\n\n" + payload)
    elif how == "garbage":
        entry.write_bytes(os.urandom(256))
    elif how == "empty":
        entry.write_bytes(b"")


@pytest.mark.parametrize("how", ["truncated", "a byte of the payload changed", "another key", "garbage", "empty"])
def test_a_damaged_entry_is_parsed_afresh_and_replaced(cache: Path, how: str) -> None:
    parsed = district_cache.load_district(DONGHU)
    [entry] = entries(cache)
    _damaged(entry, how)
    assert district_cache.load_district(DONGHU) == parsed
    assert entries(cache) == [entry] and district_cache.read_entry(entry, entry.stem) == parsed  # replaced whole


class _Runs:
    """A pickle that would run a command when loaded."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch forged-entry-ran",))


@pytest.mark.parametrize("payload", [_Runs(), {"not": "a district"}, ("a", 1)])
def test_a_forged_entry_with_a_right_digest_is_refused(cache: Path, tmp_path: Path, payload: object,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry whose header is right for its payload: the digest proves it whole, not ours, so what it
    may build is limited to the law's classes, and what it builds must be a district."""
    parsed = district_cache.load_district(DONGHU)
    [entry] = entries(cache)
    monkeypatch.chdir(tmp_path)
    forged = pickle.dumps(payload)
    entry.write_bytes(b"\n".join((district_cache.FORMAT, entry.stem.encode(),
                                  district_cache.hashlib.sha256(forged).hexdigest().encode())) + b"\n\n" + forged)
    assert district_cache.read_entry(entry, entry.stem) is None
    assert district_cache.load_district(DONGHU) == parsed
    assert not (tmp_path / "forged-entry-ran").exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_damage_to_an_entry_gives_the_district_or_nothing(cache: Path, data: st.DataObject) -> None:
    """Bytes changed, cut or added anywhere in an entry: it is read as the district it held, or not
    at all; never as something else, never an error."""
    parsed = district_cache.load_district(DONGHU)
    [entry] = entries(cache)
    whole = entry.read_bytes()
    at = data.draw(st.integers(0, len(whole) - 1), label="at")
    change = data.draw(st.sampled_from(["flip", "cut", "insert"]), label="change")
    if change == "flip":
        damaged = whole[:at] + bytes([whole[at] ^ data.draw(st.integers(1, 255))]) + whole[at + 1:]
    elif change == "cut":
        damaged = whole[:at] + whole[at + data.draw(st.integers(1, 64)):]
    else:
        damaged = whole[:at] + data.draw(st.binary(min_size=1, max_size=16)) + whole[at:]
    entry.write_bytes(damaged)
    found = district_cache.read_entry(entry, entry.stem)
    assert found is None or found == parsed
    assert district_cache.load_district(DONGHU) == parsed
    entry.write_bytes(whole)


def test_a_cache_folder_that_cannot_be_written_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("in the way")
    monkeypatch.setenv(CACHE_ENV, str(blocked))
    assert district_cache.load_district(DONGHU) == parse_district(DONGHU.read_bytes())
    monkeypatch.setenv(CACHE_ENV, "")  # no cache at all
    assert district_cache.load_district(DONGHU) == parse_district(DONGHU.read_bytes())
    assert blocked.read_text() == "in the way"


def test_the_folder_keeps_its_newest_entries(cache: Path, tmp_path: Path) -> None:
    text = DONGHU.read_text(encoding="utf-8")
    name = parse_district(text).info.name
    for n in range(district_cache.KEPT + 3):
        copy = tmp_path / f"d{n}.toml"
        copy.write_text(text.replace(f'name = "{name}"', f'name = "第{n}区"', 1), encoding="utf-8")
        district_cache.load_district(copy)
        assert len(entries(cache)) == min(n + 1, district_cache.KEPT)
        newest = district_cache._key(copy.read_bytes())
        assert newest is not None and district_cache.read_entry(
            cache / district_cache.FOLDER / f"{newest}.pickle", newest) is not None


def test_a_command_reads_the_kept_district_prints_the_same_and_loads_no_parser(tmp_path: Path) -> None:
    seed = tmp_path / "seed.toml"
    seed.write_bytes((ROOT / "src" / "liaison" / "data" / "seed.toml").read_bytes())
    # the seed's copy is the embedded seed's bytes: kept once, found by either (the key is the bytes)
    for args, parsed in [(("check", "--year", "2026", "--data", str(seed), "--records", str(RECORDS), "--all"), True),
                         (("pairings", "--data", str(DONGHU), "--lang", "en"), True), (("pairings",), False)]:
        cold, _, parsing = commands.run(tmp_path, *args, cache=tmp_path / "cache")
        warm, _, reading = commands.run(tmp_path, *args, cache=tmp_path / "cache")
        none, _, _ = commands.run(tmp_path, *args, cache=tmp_path / "cache", env={CACHE_ENV: ""})
        assert warm == cold == none and cold.count("\n") > 5
        assert ("tomli" in parsing) is parsed
        if args[0] == "pairings":  # (records are read with the same parser)
            assert reading.isdisjoint({"tomli", "tomllib", "cattrs"}), reading & {"tomli", "tomllib", "cattrs"}
