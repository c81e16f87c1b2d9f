"""The one plugin manager.

Built-in features are plugins registered exactly like outside ones (``DEFAULT_PLUGINS``); third-party
plugins load from the ``liaison`` entry-point group. ``LIAISON_PLUGINS`` restricts which load:
unset loads every installed plugin, an empty value loads none but the built-ins, and
``LIAISON_PLUGINS=ical,docx`` loads just those entry points. Loading is lazy and idempotent, so
``import liaison`` stays light.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import pluggy

from liaison import hookspecs
from liaison.errors import ExportError, LiaisonError
from liaison.exporting import Exporter

if TYPE_CHECKING:
    from liaison.holiday_notice import HolidayNotice
    from liaison.workdays import WorkingDayCalendar

PROJECT = "liaison"
ENV_VAR = "LIAISON_PLUGINS"
DEFAULT_PLUGINS: tuple[str, ...] = ("liaison.exporters.plan_json",)

_lock = threading.Lock()
_manager: pluggy.PluginManager | None = None


_distributions: dict[str, str] = {}


def _load_entry_points(pm: pluggy.PluginManager, only: set[str] | None) -> None:
    from importlib.metadata import entry_points

    for ep in entry_points(group=PROJECT):
        if (only is not None and ep.name not in only) or pm.has_plugin(ep.name):
            continue
        dist = f"{ep.dist.name} {ep.dist.version}" if ep.dist else "unknown distribution"
        try:
            plugin = ep.load()
        except Exception as exc:  # a broken third-party plugin must not show its traceback
            raise LiaisonError(f"plugin {ep.name!r} ({dist}) failed to load: {type(exc).__name__}: {exc}",
                               fix=f"reinstall or uninstall it, or leave it out with {ENV_VAR}") from None
        pm.register(plugin, name=ep.name)
        _distributions[ep.name] = dist


def _new_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    wanted = os.environ.get(ENV_VAR)
    if wanted is None:
        _load_entry_points(pm, None)
    elif wanted.strip():
        _load_entry_points(pm, {n.strip() for n in wanted.split(",") if n.strip()})
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise LiaisonError(f"a plugin implements an unknown hook: {exc}",
                           fix="check the hook name against liaison.hookspecs") from None
    return pm


def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, built on first use."""
    global _manager
    with _lock:
        if _manager is None:
            _manager = _new_manager()
        return _manager


def reset() -> None:
    """Forget the manager, so the next call reloads plugins (tests, and after changing the env var)."""
    global _manager
    with _lock:
        _manager = None


def exporters(pm: pluggy.PluginManager | None = None) -> dict[str, Exporter]:
    """Every registered exporter by name; two plugins claiming one name is an error."""
    pm = pm or plugin_manager()
    found: dict[str, Exporter] = {}

    def register_from(plugin_name: str) -> Callable[[Exporter], None]:
        def register(exporter: Exporter) -> None:
            if not isinstance(exporter, Exporter):
                raise LiaisonError(f"plugin {plugin_name} registered {exporter!r}, not an Exporter")
            if exporter.name in found:
                raise LiaisonError(
                    f"exporter {exporter.name!r} is registered by both {found[exporter.name].plugin} "
                    f"and {plugin_name}", fix=f"restrict plugins with {ENV_VAR}")
            found[exporter.name] = Exporter(exporter.name, exporter.description, exporter.export,
                                            plugin_name)
        return register

    for impl in pm.hook.register_exporters.get_hookimpls():
        impl.function(register=register_from(impl.plugin_name))
    return dict(sorted(found.items()))


def exporter(name: str) -> Exporter:
    found = exporters()
    if name not in found:
        known = ", ".join(found) or "none"
        raise ExportError(f"no exporter called {name!r} (installed: {known})",
                          fix="pip install liaison-ical / liaison-docx, or check `liaison plugins`")
    return found[name]


def working_day_calendar(notices: Iterable[HolidayNotice] = ()) -> WorkingDayCalendar:
    """The calendar to plan and check on, resolved at the edge: a plugin's ``working_day_calendar``
    if one answers, else the built-in one; notices given as data take precedence for their years."""
    from liaison.workdays import default_calendar, with_notices

    chosen = plugin_manager().hook.working_day_calendar()
    return with_notices(chosen if chosen is not None else default_calendar(), notices)


def describe() -> list[dict[str, object]]:
    """What is loaded: each plugin, the hooks it implements and the exporters it provides."""
    pm = plugin_manager()
    by_plugin: dict[str, list[str]] = {}
    for exp in exporters(pm).values():
        by_plugin.setdefault(exp.plugin, []).append(exp.name)
    out: list[dict[str, object]] = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        if plugin is None:
            continue
        out.append({
            "name": name,
            "distribution": _distributions.get(name, "built-in"),
            "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or ()),
            "exporters": by_plugin.get(name, []),
        })
    return out
