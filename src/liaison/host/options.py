"""Declared, typed options for exporters and publishers.

Each exporter (and publisher) declares its options once — name, type, default, help (in English and
Chinese) — and the host parses what the user gave against them strictly: an unknown name is an
error listing the options there are, a value of the wrong type is an error naming the option, in
both languages. Values come either as Python objects (the API) or as text (``liaison export …
--option KEY=VALUE``); both end up typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from liaison.base.errors import Location, OptionError, Refused
from liaison.base.text import quoted

OptionType = Literal["text", "int", "bool", "date", "datetime", "list", "object"]

#: The largest whole number an ``int`` option takes when it declares no ``maximum`` (and ``-MAX_INT - 1``
#: the smallest without a ``minimum``): what a C int holds, so a number a plugin's library cannot take
#: (``alarm_minutes=10**20``: OverflowError) is the host's refusal naming the option, never the
#: plugin's crash.
MAX_INT = 2**31 - 1

_TRUE = frozenset({"1", "true", "yes", "on", "是"})
_FALSE = frozenset({"0", "false", "no", "off", "否", ""})

#: The types as a Chinese option list names them.
_TYPES_ZH: dict[str, str] = {"text": "文字", "int": "整数", "bool": "是或否", "date": "日期",
                             "datetime": "日期时间", "list": "列表", "object": "对象（仅限接口调用）"}
#: The owners the host names (``exporter 'ical'``, ``publisher 'caldav'``), in Chinese.
_OWNERS_ZH = {"exporter": "导出插件", "publisher": "发布插件"}
_SEE_PLUGINS = "see `liaison plugins`"
_SEE_PLUGINS_ZH = "请用 `liaison plugins` 查看各选项及其写法"


def owner_zh(owner: str) -> str:
    """The Chinese for an option's owner as the host names it: ``exporter 'ical'`` → ``导出插件 ical``
    (any other name → ``插件 NAME``)."""
    kind, _, name = owner.partition(" ")
    if kind in _OWNERS_ZH and name:
        return f"{_OWNERS_ZH[kind]} {name.strip(chr(39))}"
    return f"插件 {owner}"


def _default_zh(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
        return repr(",".join(value))
    return repr(value)


@attrs.frozen(kw_only=True)
class Option:
    """One option of an exporter or publisher.

    ``type`` says how text from the command line is read: ``text``; ``int`` (whole numbers, at least
    ``minimum`` and at most ``maximum``, within a C int when they are not declared: :data:`MAX_INT`); ``bool``
    (true/false, yes/no, 1/0); ``date`` (YYYY-MM-DD); ``datetime`` (ISO 8601
    with an offset, or a date for midnight UTC); ``list`` (comma-separated text, each item one of
    ``choices`` when given); ``object`` (API only: a Python value ``check`` accepts). ``check``, when
    given, receives the typed value and returns it (or raises :class:`ValueError` with the reason:
    a :class:`~liaison.base.errors.Refused` gives it in Chinese too; of a plain one, the Chinese message
    says only that the value is refused). ``help_zh`` is ``help`` in Chinese: the fix of a Chinese
    error about the option.
    """

    name: str
    type: OptionType
    default: Any = None
    help: str = ""
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    check: Callable[[Any], Any] | None = attrs.field(default=None, eq=False, repr=False)
    help_zh: str = attrs.field(default="", kw_only=True)
    maximum: int | None = attrs.field(default=None, kw_only=True)

    def describe(self) -> str:
        kind = self.type if not self.choices else f"{self.type} of {'|'.join(self.choices)}"
        default = "" if self.default in (None, (), "") else f", default {self.default!r}"
        return f"{self.name} ({kind}{default})"

    def describe_zh(self) -> str:
        kind = _TYPES_ZH[self.type] + (f"，可选 {'|'.join(self.choices)}" if self.choices else "")
        default = "" if self.default in (None, (), "") else f"，默认 {_default_zh(self.default)}"
        return f"{self.name}（{kind}{default}）"

    def parse(self, value: Any, owner: str) -> Any:
        """The typed value of ``value`` (text or a Python object), or :class:`OptionError`."""
        try:
            typed = _READERS[self.type](self, value)
            if self.check is not None:
                typed = self.check(typed)
        except (ValueError, TypeError) as exc:
            shown = f" {quoted(value)}" if isinstance(value, str) else ""
            reason_zh = exc.message_zh if isinstance(exc, Refused) else f"不接受值{shown}"
            raise OptionError(f"{owner} option {self.name}: {exc}", path=Location.option(self.name),
                              fix=self.help or _SEE_PLUGINS,
                              message_zh=f"选项 {self.name}（{owner_zh(owner)}）：{reason_zh}",
                              fix_zh=self.help_zh or _SEE_PLUGINS_ZH) from None
        return typed


def _text(option: Option, value: Any) -> str:
    if not isinstance(value, str):
        raise Refused(f"expected text, not {type(value).__name__} {value!r}", f"应为文字，而不是 {value!r}")
    if option.choices and value not in option.choices:
        raise _not_a_choice(option, value)
    return value


def _not_a_choice(option: Option, value: str) -> Refused:
    return Refused(f"{value!r} is not one of {', '.join(option.choices)}",
                   f"{value!r} 不在可选值 {'、'.join(option.choices)} 之中")


_TOO_LARGE = 10**20


def _int(option: Option, value: Any) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and value.strip().isascii():
        digits = value.strip().lstrip("-").lstrip("0")
        value = int(value.strip()) if len(digits) < 20 else _TOO_LARGE * (-1 if value.strip()[0] == "-" else 1)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(f"expected a whole number, not {value!r}", f"应为整数，而不是 {value!r}")
    huge = abs(value) >= _TOO_LARGE  # not printed in full: it may have thousands of digits
    shown, shown_zh = ("a number of 20 digits or more", "一个 20 位以上的数") if huge else (value, value)
    lowest = -MAX_INT - 1 if option.minimum is None else option.minimum
    if value < lowest:
        raise Refused(f"must be {lowest} or more, not {shown}", f"至少为 {lowest}，而不是 {shown_zh}")
    highest = MAX_INT if option.maximum is None else option.maximum
    if value > highest:
        raise Refused(f"must be {highest} or less, not {shown}", f"至多为 {highest}，而不是 {shown_zh}")
    return value


def _bool(option: Option, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise Refused(f"expected true or false, not {value!r}", f"应为是或否（是/否、true/false、1/0），而不是 {value!r}")


def _date(option: Option, value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Refused(f"{value!r} is not a date; write YYYY-MM-DD", f"{value!r} 不是日期，请写成 YYYY-MM-DD")


def _datetime(option: Option, value: Any) -> dt.datetime:
    stamp: Any = value
    if isinstance(value, str):
        text = value.strip()
        try:
            stamp = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
        except ValueError:
            raise Refused(f"{value!r} is not an ISO 8601 date-time", f"{value!r} 不是 ISO 8601 日期时间") from None
    if isinstance(stamp, dt.datetime):
        if stamp.utcoffset() is None:
            raise Refused(f"{value!r} has no UTC offset; write e.g. 2027-01-01T00:00:00Z",
                          f"{value!r} 没有注明与协调世界时的时差，请写成如 2027-01-01T00:00:00Z")
        return stamp.astimezone(dt.UTC)
    if isinstance(stamp, dt.date):
        return dt.datetime(stamp.year, stamp.month, stamp.day, tzinfo=dt.UTC)
    raise Refused(f"expected a date-time, not {type(value).__name__}", f"应为日期时间，而不是 {value!r}")


def _list(option: Option, value: Any) -> tuple[str, ...]:
    items: Sequence[Any]
    if isinstance(value, str):
        items = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    elif isinstance(value, list | tuple):
        items = value
    else:
        raise Refused(f"expected a comma-separated list, not {value!r}", f"应为以逗号分隔的列表，而不是 {value!r}")
    found: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise Refused(f"expected text items, not {item!r}", f"列表各项应为文字，而不是 {item!r}")
        if option.choices and item not in option.choices:
            raise _not_a_choice(option, item)
        if item not in found:
            found.append(item)
    return tuple(found)


def _object(option: Option, value: Any) -> Any:
    if isinstance(value, str) and option.check is None:
        raise Refused("takes a Python object (API only)", "只能在 Python 接口中给出对象，命令行不能给出")
    return value


_READERS: dict[str, Callable[[Option, Any], Any]] = {
    "text": _text, "int": _int, "bool": _bool, "date": _date, "datetime": _datetime, "list": _list,
    "object": _object,
}


def resolve(options: Sequence[Option], given: Mapping[str, Any], owner: str) -> dict[str, Any]:
    """Every declared option with its typed value (the default where none is given).

    An undeclared name is an :class:`OptionError` listing the declared ones."""
    declared = {o.name: o for o in options}
    unknown = [name for name in given if name not in declared]
    if unknown:
        listed = "; ".join(o.describe() for o in options) or "none"
        listed_zh = "；".join(o.describe_zh() for o in options) or "无"
        raise OptionError(f"{owner} has no option {unknown[0]!r}", path=Location.option(unknown[0]),
                          fix=f"its options are: {listed}",
                          message_zh=f"{owner_zh(owner)} 没有选项 {unknown[0]!r}", fix_zh=f"它的选项有：{listed_zh}")
    return {name: (option.parse(given[name], owner) if name in given else option.default)
            for name, option in declared.items()}


def split_for(owners: Mapping[str, Sequence[Option]], given: Iterable[tuple[str, Any]]) -> dict[str, dict[str, Any]]:
    """Route ``KEY=VALUE`` pairs to their owners: ``ical.alarm_minutes`` goes to ``ical``; a bare
    ``alarm_minutes`` goes to every owner declaring it and must be declared by at least one."""
    routed: dict[str, dict[str, Any]] = {name: {} for name in owners}
    for key, value in given:
        owner, dot, name = key.partition(".")
        if dot and owner in owners:
            routed[owner][name] = value
            continue
        takers = [o for o, options in owners.items() if any(opt.name == key for opt in options)]
        if not takers:
            names = [f"{o}.{opt.name}" for o, options in owners.items() for opt in options]
            raise OptionError(f"no exporter here has an option {key!r}", path=Location.option(key),
                              fix=f"the options are: {'; '.join(names) or 'none'}",
                              message_zh=f"这里的导出插件都没有选项 {key!r}",
                              fix_zh=f"可用的选项有：{'、'.join(names) or '无'}")
        for owner_name in takers:
            routed[owner_name][key] = value
    return routed
