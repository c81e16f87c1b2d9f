"""Declared, typed options for exporters and publishers.

Each exporter (and publisher) declares its options once — name, type, default, help — and the host
parses what the user gave against them strictly: an unknown name is an error listing the options
there are, a value of the wrong type is an error naming the option. Values come either as Python
objects (the API) or as text (``liaison export … --option KEY=VALUE``); both end up typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from liaison.errors import OptionError

OptionType = Literal["text", "int", "bool", "date", "datetime", "list", "object"]

_TRUE = frozenset({"1", "true", "yes", "on", "是"})
_FALSE = frozenset({"0", "false", "no", "off", "否", ""})


@attrs.frozen
class Option:
    """One option of an exporter or publisher.

    ``type`` says how text from the command line is read: ``text``; ``int`` (whole numbers, at least
    ``minimum``); ``bool`` (true/false, yes/no, 1/0); ``date`` (YYYY-MM-DD); ``datetime`` (ISO 8601
    with an offset, or a date for midnight UTC); ``list`` (comma-separated text, each item one of
    ``choices`` when given); ``object`` (API only: a Python value ``check`` accepts). ``check``, when
    given, receives the typed value and returns it (or raises :class:`ValueError` with the reason).
    """

    name: str
    type: OptionType
    default: Any = None
    help: str = ""
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    check: Callable[[Any], Any] | None = attrs.field(default=None, eq=False, repr=False)

    def describe(self) -> str:
        kind = self.type if not self.choices else f"{self.type} of {'|'.join(self.choices)}"
        default = "" if self.default in (None, (), "") else f", default {self.default!r}"
        return f"{self.name} ({kind}{default})"

    def parse(self, value: Any, owner: str) -> Any:
        """The typed value of ``value`` (text or a Python object), or :class:`OptionError`."""
        try:
            typed = _READERS[self.type](self, value)
            if self.check is not None:
                typed = self.check(typed)
        except (ValueError, TypeError) as exc:
            raise OptionError(f"{owner} option {self.name}: {exc}", path=f"options.{self.name}",
                              fix=f"{self.help or 'see `liaison plugins`'}") from None
        return typed


def _text(option: Option, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, not {type(value).__name__} {value!r}")
    if option.choices and value not in option.choices:
        raise ValueError(f"{value!r} is not one of {', '.join(option.choices)}")
    return value


def _int(option: Option, value: Any) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and value.strip().isascii():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, not {value!r}")
    if option.minimum is not None and value < option.minimum:
        raise ValueError(f"must be {option.minimum} or more, not {value}")
    return value


def _bool(option: Option, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"expected true or false, not {value!r}")


def _date(option: Option, value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD")


def _datetime(option: Option, value: Any) -> dt.datetime:
    stamp: Any = value
    if isinstance(value, str):
        text = value.strip()
        try:
            stamp = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date-time") from None
    if isinstance(stamp, dt.datetime):
        if stamp.utcoffset() is None:
            raise ValueError(f"{value!r} has no UTC offset; write e.g. 2027-01-01T00:00:00Z")
        return stamp.astimezone(dt.UTC)
    if isinstance(stamp, dt.date):
        return dt.datetime(stamp.year, stamp.month, stamp.day, tzinfo=dt.UTC)
    raise ValueError(f"expected a date-time, not {type(value).__name__}")


def _list(option: Option, value: Any) -> tuple[str, ...]:
    items: Sequence[Any]
    if isinstance(value, str):
        items = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    elif isinstance(value, list | tuple):
        items = value
    else:
        raise ValueError(f"expected a comma-separated list, not {value!r}")
    found: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"expected text items, not {item!r}")
        if option.choices and item not in option.choices:
            raise ValueError(f"{item!r} is not one of {', '.join(option.choices)}")
        if item not in found:
            found.append(item)
    return tuple(found)


def _object(option: Option, value: Any) -> Any:
    if isinstance(value, str) and option.check is None:
        raise ValueError("takes a Python object (API only)")
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
        raise OptionError(f"{owner} has no option {unknown[0]!r}", path=f"options.{unknown[0]}",
                          fix=f"its options are: {listed}")
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
            listed = "; ".join(f"{o}.{opt.name}" for o, options in owners.items() for opt in options) or "none"
            raise OptionError(f"no exporter here has an option {key!r}", path=f"options.{key}",
                              fix=f"the options are: {listed}")
        for owner_name in takers:
            routed[owner_name][key] = value
    return routed
