"""The collector paused for a batch (liaison_web.batch): off while any batch of the process runs,
back as it was when the last one ends (on, or off when someone else had turned it off), whatever
fails inside; and the city's survey runs its districts in one. Only where the process allows it
(liaison.host.collector.allow, which ``liaison serve`` asks for): elsewhere nothing is touched."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest

from liaison.host import collector
from liaison_web.batch import collector_paused


def test_a_process_that_does_not_allow_it_keeps_its_collector(database: str) -> None:
    """The library's or a program's own process (the setting off, its default): a batch leaves the
    collector as it is, on or off."""
    was, allowed = gc.isenabled(), collector.allowed()
    collector.allow(False)
    try:
        for state in (True, False):
            (gc.enable if state else gc.disable)()
            with collector_paused():
                assert gc.isenabled() is state
            assert gc.isenabled() is state
    finally:
        collector.allow(allowed)
        (gc.enable if was else gc.disable)()


def test_the_serving_command_asks_for_it_and_the_rest_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from liaison_web import plugin, settings

    asked: list[bool] = []

    class Stop(Exception):
        pass

    def configure(url: str, **options: Any) -> None:
        asked.append(options.get("pause_collector", False))
        raise Stop

    monkeypatch.setattr(settings, "configure", configure)
    result = CliRunner().invoke(plugin.serve, ["--init-only", "--database", "sqlite:///never.sqlite3"])
    assert isinstance(result.exception, Stop)
    assert asked == [True]
    with pytest.raises(Stop):
        plugin._ready("sqlite:///never.sqlite3", "en")
    assert asked == [True, False]


def test_the_collector_is_off_in_a_batch_and_on_after(collector_on: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: the inner end does not turn it back on
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_failing_batch_turns_it_back_on(collector_on: None) -> None:
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("made to fail")
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off(collector_on: None) -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_overlapping_batches_of_two_threads(collector_on: None) -> None:
    """The first thread's batch ends while the second's runs: still off until the second ends."""
    inside, first_done, seen = threading.Event(), threading.Event(), []

    def second() -> None:
        with collector_paused():
            inside.set()
            first_done.wait(10)
            seen.append(gc.isenabled())

    with collector_paused():
        thread = threading.Thread(target=second)
        thread.start()
        assert inside.wait(10)
    first_done.set()
    thread.join(10)
    assert seen == [False]
    assert gc.isenabled()


def test_the_city_checks_its_districts_with_the_collector_paused(city: dict[str, Any], collector_on: None,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from web_db import YEAR

    from liaison_web import city as module

    module.forget()
    made, states = module._standing, []

    def standing(*args: Any) -> Any:
        states.append(gc.isenabled())
        return made(*args)

    monkeypatch.setattr(module, "_standing", standing)
    found = module.survey(YEAR)
    assert {d.district for d in found.districts} == city["districts"]
    assert states and not any(states)
    assert gc.isenabled()
