"""The one plugin manager, and the edge's helpers that resolve hooks for the core.

Built-in features are plugins registered exactly like outside ones (``DEFAULT_PLUGINS``); third-party
plugins load from the ``liaison`` entry-point group. ``LIAISON_PLUGINS`` restricts which load:
unset loads every installed plugin, an empty value loads none but the built-ins, and
``LIAISON_PLUGINS=ical,docx`` loads just those entry points. Loading is lazy and idempotent, so
``import liaison`` stays light.

Three kinds of thing are registered llm-style (``register_*(register)``): exporters, publishers and
records readers. The core never calls this module: the edge (the command, the example scripts, an
OA system) resolves what it needs here — :func:`exporter`, :func:`publisher`,
:func:`working_day_calendar`, :func:`load_records` — and passes it in.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import pluggy

from liaison.base.errors import ExportError, LiaisonError
from liaison.base.text import shorten
from liaison.host import hookspecs
from liaison.host.exporting import Exporter
from liaison.host.publishing import Publisher
from liaison.host.readers import RecordReader

if TYPE_CHECKING:
    from liaison.formats.documents import PluginsDocument
    from liaison.law.district import District
    from liaison.law.notices import HolidayNotice
    from liaison.law.records import Records
    from liaison.law.workdays import WorkingDayCalendar

PROJECT = "liaison"
ENV_VAR = "LIAISON_PLUGINS"
DEFAULT_PLUGINS: tuple[str, ...] = ("liaison.host.builtin",)

MAX_LEDGER_BYTES = 32 * 1024 * 1024  # a ledger workbook may be larger than a TOML file

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
                               fix=f"reinstall or uninstall it, or leave it out with {ENV_VAR}",
                               message_zh=f"插件 {ep.name!r}（{dist}）加载失败：{type(exc).__name__}: {exc}",
                               fix_zh=f"请重新安装或卸载该插件，或用 {ENV_VAR} 不加载它") from None
        pm.register(plugin, name=ep.name)
        _distributions[ep.name] = dist


def _check(pm: pluggy.PluginManager) -> None:
    """A plugin implementing a hook that does not exist (a typo) fails loudly."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise LiaisonError(f"a plugin implements an unknown hook: {exc}",
                           fix="check the hook name against liaison.host.hookspecs",
                           message_zh=f"有插件实现了未定义的钩子：{exc}",
                           fix_zh="请对照 liaison.host.hookspecs 核对钩子名称") from None


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
    _check(pm)
    return pm


def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, built on first use."""
    global _manager
    with _lock:
        if _manager is None:
            _manager = _new_manager()
        return _manager


def built() -> bool:
    """Whether the process's plugin manager has been built (and so may hold plugins registered by hand)."""
    return _manager is not None


def register(plugin: object, name: str) -> None:
    """Register a plugin object by hand (tests, an OA system's own plugin); checked like any other."""
    pm = plugin_manager()
    pm.register(plugin, name=name)
    try:
        _check(pm)
    except LiaisonError:
        pm.unregister(name=name)
        raise


def reset() -> None:
    """Forget the manager, so the next call reloads plugins (tests, and after changing the env var)."""
    global _manager
    with _lock:
        _manager = None


T = TypeVar("T", Exporter, Publisher, RecordReader)


def _collect(hook: str, cls: type[T], what: str, what_zh: str,
             pm: pluggy.PluginManager | None = None) -> dict[str, T]:
    """Everything plugins register through ``hook``, by name; two plugins claiming one name is an error."""
    pm = pm or plugin_manager()
    found: dict[str, T] = {}

    def register_from(plugin_name: str) -> Callable[[T], None]:
        def register(thing: T) -> None:
            if not isinstance(thing, cls):
                raise LiaisonError(f"plugin {plugin_name} registered {thing!r}, not a {cls.__name__}",
                                   message_zh=f"插件 {plugin_name} 登记的 {thing!r} 不是 {cls.__name__}")
            if thing.name in found:
                raise LiaisonError(f"{what} {thing.name!r} is registered by both {found[thing.name].plugin} "
                                   f"and {plugin_name}", fix=f"restrict plugins with {ENV_VAR}",
                                   message_zh=f"{what_zh} {thing.name!r} 同时由 {found[thing.name].plugin} 和 "
                                              f"{plugin_name} 登记",
                                   fix_zh=f"请用 {ENV_VAR} 限定加载的插件")
            named: Any = attrs.evolve(thing, plugin=plugin_name)
            if isinstance(named, Exporter) and not named.code:  # the code behind its output: see _code
                named = attrs.evolve(named, code=_code(named, plugin_name))
            found[thing.name] = named
        return register

    for impl in getattr(pm.hook, hook).get_hookimpls():
        impl.function(register=register_from(impl.plugin_name))
    return dict(sorted(found.items()))


def _code(exporter: Exporter, plugin_name: str) -> str:
    """What identifies the code behind an exporter's output (:attr:`Exporter.code`): its
    distribution's name and version, and a digest of the files of the package its function lives in
    and of ``liaison`` itself (the wording of duties and notices is the core's). The files, not only
    the version: an editable install or a template edited in place changes no version. Empty where
    the files cannot be read: its output is then never reused."""
    function = exporter.export
    module = getattr(function, "__module__", None) or type(function).__module__
    code = getattr(function, "__code__", None)
    package = _package_digest(module.partition(".")[0]) or _package_digest("", code.co_filename if code else "")
    core = _package_digest("liaison")
    if not package or not core:
        return ""
    return f"{_distributions.get(plugin_name, '')}|{package}|{core}"


@functools.cache
def _package_digest(name: str, file: str = "") -> str:
    """A digest of a package's files (code, templates, resources; compiled bytecode aside), or of a
    lone module's file (``file``: a module not imported under its name); empty if it has none on
    the disk. Once per process."""
    module = sys.modules.get(name) if name else None
    roots = [Path(p) for p in getattr(module, "__path__", ())]
    single = getattr(module, "__file__", None) or file
    digest = hashlib.sha256()
    try:
        if roots:
            for root in roots:
                for place, dirs, files in os.walk(root):
                    dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                    for file in sorted(files):
                        path = Path(place, file)
                        digest.update(f"{path.relative_to(root)}\0".encode("utf-8", "surrogateescape"))
                        digest.update(hashlib.sha256(path.read_bytes()).digest())
        elif single:
            digest.update(Path(single).read_bytes())
        else:
            return ""
    except OSError:
        return ""
    return digest.hexdigest()


def exporters(pm: pluggy.PluginManager | None = None) -> dict[str, Exporter]:
    """Every registered exporter by name."""
    return _collect("register_exporters", Exporter, "exporter", "导出器", pm)


def publishers(pm: pluggy.PluginManager | None = None) -> dict[str, Publisher]:
    """Every registered publisher by name."""
    return _collect("register_publishers", Publisher, "publisher", "发布器", pm)


def record_readers(pm: pluggy.PluginManager | None = None) -> dict[str, RecordReader]:
    """Every registered records reader by name."""
    return _collect("register_record_readers", RecordReader, "records reader", "记录读取器", pm)


def exporter(name: str) -> Exporter:
    found = exporters()
    if name not in found:
        known = ", ".join(found) or "none"
        raise ExportError(f"no exporter called {name!r} (installed: {known})",
                          fix="pip install liaison-ical / liaison-docx / liaison-xlsx / liaison-html, "
                              "or check `liaison plugins`",
                          message_zh=f"没有名为 {name!r} 的导出插件（已安装：{'、'.join(found) or '无'}）",
                          fix_zh="请安装 liaison-ical、liaison-docx、liaison-xlsx 或 liaison-html，"
                                 "或用 `liaison plugins` 查看")
    return found[name]


def publisher(name: str) -> Publisher:
    found = publishers()
    if name not in found:
        known = ", ".join(found) or "none"
        raise ExportError(f"no publisher called {name!r} (installed: {known})",
                          fix="pip install liaison-caldav, or check `liaison plugins`",
                          message_zh=f"没有名为 {name!r} 的发布插件（已安装：{'、'.join(found) or '无'}）",
                          fix_zh="请安装 liaison-caldav，或用 `liaison plugins` 查看")
    return found[name]


def working_day_calendar(notices: Iterable[HolidayNotice] = ()) -> WorkingDayCalendar:
    """The calendar to plan and check on, resolved at the edge: a plugin's ``working_day_calendar``
    if one answers, else the built-in one; notices given as data take precedence for their years."""
    from liaison.law.workdays import default_calendar, with_notices

    chosen = plugin_manager().hook.working_day_calendar()
    return with_notices(chosen if chosen is not None else default_calendar(), notices)


def load_records(path: str | os.PathLike[str], district: District) -> Records:
    """A records file of any type a reader is installed for: TOML (built in), a ledger workbook
    (``liaison-xlsx``), …, chosen by the file's suffix."""
    from liaison.formats.syntax import read_file

    name = os.fspath(path)
    suffix = Path(name).suffix.lower() or ".toml"
    readers = [r for r in record_readers().values() if suffix in r.suffixes]
    if not readers:
        raise _no_reader(name, suffix)
    reader = readers[0]
    data = read_file(name, limit=reader.max_bytes)
    try:
        records = reader.read(data, district, name)
    except LiaisonError:
        raise
    except Exception as exc:  # a reader plugin's own bug: say whose, never a traceback
        raise LiaisonError(f"the {reader.name} records reader ({reader.plugin}) failed: {type(exc).__name__}: "
                           f"{shorten(str(exc), 200)}", file=name, fix=f"report this to the authors of {reader.plugin}",
                           message_zh=f"记录读取插件 {reader.name}（{reader.plugin}）出错",
                           fix_zh=f"请向 {reader.plugin} 的作者报告") from None
    return records if reader.checked else records.checked(district, file=name)


#: Workbooks of other programs a ledger may have been saved as (Excel 97–2003, OpenDocument, WPS, CSV).
OTHER_WORKBOOKS = (".xls", ".xlsm", ".xlsb", ".ods", ".et", ".csv")


def _no_reader(name: str, suffix: str) -> LiaisonError:
    """No reader for ``suffix``: a document of another kind (a holiday notice in JSON) is named as
    such; a workbook of another program is to be saved as .xlsx — or, when no reader of .xlsx is
    installed, the plugin that reads it is to be installed."""
    from liaison.formats.syntax import WrongFileError, read_document, read_file

    known = sorted({s for r in record_readers().values() for s in r.suffixes})
    readable = f"（可读取：{'、'.join(known)}）"
    if suffix == ".json":
        try:
            read_document(read_file(name), "json", expected="records", file=name)
        except WrongFileError as exc:
            return exc  # "this looks like a holiday notice, not a records file"
        except LiaisonError:
            pass  # not JSON at all: say what is readable
    if suffix in OTHER_WORKBOOKS:
        if ".xlsx" in known:
            return LiaisonError(f"a {suffix} file cannot be read as a ledger: no reader for {suffix} "
                                f"(readable: {', '.join(known)})",
                                file=name, fix="save it as .xlsx (Excel Workbook) in Excel, WPS or LibreOffice",
                                message_zh=f"无法把 {suffix} 文件作为台账读取{readable}",
                                fix_zh="请在 Excel、WPS 或 LibreOffice 中“另存为”Excel 工作簿（.xlsx）")
        return LiaisonError(f"a {suffix} file cannot be read: no ledger reader is installed "
                            f"(readable: {', '.join(known)})", file=name,
                            fix="pip install liaison-xlsx, and save the workbook as .xlsx (Excel Workbook)",
                            message_zh=f"无法读取 {suffix} 文件：未安装台账读取插件{readable}",
                            fix_zh="请安装 liaison-xlsx（pip install liaison-xlsx），并把工作簿另存为 .xlsx")
    fix, fix_zh = "give a .toml records file", "请提供 .toml 格式的记录文件"
    if ".xlsx" not in known:
        fix += ", or pip install liaison-xlsx for a ledger (.xlsx)"
        fix_zh += "，或安装 liaison-xlsx（pip install liaison-xlsx）以读取台账（.xlsx）"
    elif known:
        fix = f"give a records file of a readable type ({', '.join(known)})"
        fix_zh = f"请提供可读取格式的记录文件{readable}"
    return LiaisonError(f"no reader for {suffix} records files (readable: {', '.join(known)})", file=name, fix=fix,
                        message_zh=f"无法读取 {suffix} 格式的记录文件{readable}", fix_zh=fix_zh)


def plugins_document() -> PluginsDocument:
    """What is loaded: each plugin, the hooks it implements and what it provides, with options — the
    document of `liaison plugins --format json` (docs/cli.md)."""
    from liaison.formats.documents import (
        OptionDocument,
        PluginDocument,
        PluginsDocument,
        ProvidedDocument,
        ReaderDocument,
    )

    pm = plugin_manager()
    provided: dict[tuple[str, str], list[ProvidedDocument]] = {}
    for kind, things in (("exporters", exporters(pm)), ("publishers", publishers(pm))):
        for thing in things.values():
            provided.setdefault((thing.plugin, kind), []).append(ProvidedDocument(
                name=thing.name, description=thing.description,
                options=tuple(OptionDocument(name=o.name, type=o.type, default=o.default, help=o.help,
                                             choices=o.choices, minimum=o.minimum, maximum=o.maximum,
                                             help_zh=o.help_zh)
                              for o in thing.options)))
    readers: dict[str, list[ReaderDocument]] = {}
    for reader in record_readers(pm).values():
        readers.setdefault(reader.plugin, []).append(
            ReaderDocument(name=reader.name, suffixes=tuple(reader.suffixes), description=reader.description))
    return PluginsDocument(tuple(
        PluginDocument(name=name, distribution=_distributions.get(name, "built-in"),
                       hooks=tuple(sorted(h.name for h in pm.get_hookcallers(plugin) or ())),
                       exporters=tuple(provided.get((name, "exporters"), ())),
                       publishers=tuple(provided.get((name, "publishers"), ())),
                       record_readers=tuple(readers.get(name, ())))
        for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]) if plugin is not None))


def describe() -> list[dict[str, Any]]:
    """:func:`plugins_document` as plain data: its ``plugins``, each a dict (the 0.1 answer, kept)."""
    from liaison.formats.documents import document

    return list(document(plugins_document())["plugins"])
