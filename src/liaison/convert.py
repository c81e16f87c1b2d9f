"""The one strict cattrs converter, and turning its errors into :class:`LiaisonError`.

cattrs is imported here, on first use, not by ``import liaison``: it is the slowest import we have
and most callers of the queries never load a file.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from liaison.errors import DataError

if TYPE_CHECKING:
    import cattrs

T = TypeVar("T")


def _structure_date(value: object, _type: object) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date, got the date-time {value.isoformat()}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD") from None
    raise ValueError(f"{value!r} is not a date; write YYYY-MM-DD")


def _structure_time(value: object, _type: object) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a time of day; write HH:MM") from None
    raise ValueError(f"{value!r} is not a time of day; write HH:MM")


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    try:
        return cls(value)
    except (ValueError, TypeError):
        allowed = ", ".join(str(m.value) for m in cls)
        raise ValueError(f"{value!r} is not one of: {allowed}") from None


def _structure_str(value: object, _type: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__} {value!r}")
    return value


def _structure_int(value: object, _type: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {type(value).__name__} {value!r}")
    return value


def _structure_bool(value: object, _type: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _is_homogeneous_tuple(type_: Any) -> bool:
    args = typing.get_args(type_)
    return typing.get_origin(type_) is tuple and len(args) == 2 and args[1] is Ellipsis


def _strict_tuple_factory(type_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """Lists only: a bare string is not a list of one-character names."""
    from cattrs.cols import homogenous_tuple_structure_factory

    inner = homogenous_tuple_structure_factory(type_, conv)

    def structure_tuple(value: Any, target: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise ValueError(f"expected a list, got {type(value).__name__} {value!r}")
        return inner(value, target)

    return structure_tuple


@functools.cache
def converter() -> cattrs.Converter:
    """The project's strict converter: extra keys are errors, scalars are never coerced."""
    from cattrs.preconf.tomllib import make_converter
    from cattrs.strategies import configure_tagged_union

    from liaison.rules import RULE_TAGS, LocalSettings, Rule

    conv = make_converter(forbid_extra_keys=True)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_structure_hook(dt.time, _structure_time)
    conv.register_unstructure_hook(dt.time, lambda t: t.strftime("%H:%M"))
    # Strict scalars: no "1" → 1, no 1.9 → 1, no None → "None". Single dispatch beats the preconf
    # converter's own hooks; StrEnum is registered below, and its MRO puts it before str.
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook_factory(_is_homogeneous_tuple, _strict_tuple_factory)
    conv.register_structure_hook(enum.StrEnum, _structure_enum)
    conv.register_structure_hook(enum.Enum, _structure_enum)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
    )
    conv.register_structure_hook(LocalSettings, _structure_local)
    conv.register_unstructure_hook(LocalSettings, lambda settings: dict(settings.notes))
    configure_tagged_union(Rule, conv, tag_name="kind", tag_generator=RULE_TAGS.__getitem__)
    _register_renames(conv)
    return conv


def _structure_local(value: object, _type: object) -> Any:
    """``local = { due_days = "why" }``: each local setting with its note."""
    from liaison.rules import LocalSettings

    if not isinstance(value, dict):
        raise ValueError(f"expected a table of field = \"note\", got {type(value).__name__} {value!r}")
    for name, note in value.items():
        if not isinstance(note, str):
            raise ValueError(f"local.{name} must be a note (text) saying why the district chose it")
    return LocalSettings(tuple(value.items()))


def _register_renames(conv: cattrs.Converter) -> None:
    """Formats we read but do not define (the holiday-cn notice) keep their own key names."""
    from cattrs.gen import make_dict_structure_fn, override

    from liaison.holiday_notice import HolidayNotice, NoticeDay

    conv.register_structure_hook(NoticeDay, make_dict_structure_fn(
        NoticeDay, conv, _cattrs_forbid_extra_keys=True, is_off_day=override(rename="isOffDay")))
    conv.register_structure_hook(HolidayNotice, make_dict_structure_fn(
        HolidayNotice, conv, _cattrs_forbid_extra_keys=True, schema=override(rename="$schema"),
        id=override(rename="$id")))


def _format_exception(exc: BaseException, type_: type | None) -> str:
    from cattrs.v import format_exception

    from liaison.errors import LiaisonError
    from liaison.rules import Rule
    from liaison.text import FieldError

    if isinstance(exc, KeyError) and type_ == Rule and exc.args and isinstance(exc.args[0], str):
        return f"unknown kind {exc.args[0]!r}"
    if isinstance(exc, LiaisonError):
        return exc.message
    if isinstance(exc, FieldError):
        return f"{_FIELD}{exc.field}{_FIELD}{exc}"
    if isinstance(exc, ValueError | TypeError) and type(exc) in (ValueError, TypeError) and str(exc):
        return str(exc)
    return format_exception(exc, type_)


def structure(data: Any, cls: type[T], *, file: str | None, path: str = "$",
              fix: str = "correct the value (see docs/data-format.md)") -> T:
    """Structure ``data`` into ``cls``; any failure becomes one :class:`DataError` in the project's
    shape, ``FILE: $.path.to.field: what is wrong (fix: …)``, naming the first problem's path (and
    the others after it)."""
    from cattrs import BaseValidationError, transform_error

    try:
        return converter().structure(data, cls)
    except BaseValidationError as exc:
        problems = [_split(p) for p in transform_error(exc, path=path, format_exception=_format_exception)]
        (where, what), rest = problems[0], problems[1:]
        if rest:
            what += "; also " + "; ".join(f"{p}: {m}" for p, m in rest[:4])
            if len(rest) > 4:
                what += f"; and {len(rest) - 4} more"
        raise DataError(what, file=file, path=where, fix=fix) from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DataError(f"cannot read the document: {exc}", file=file, path=path, fix=fix) from None


_FIELD = "\x00"


def _split(problem: str) -> tuple[str, str]:
    """cattrs writes ``what @ $.path``; we write the path first, down to the field a validator named."""
    what, sep, where = problem.rpartition(" @ ")
    if not sep:
        where, what = "$", problem
    if what.startswith(_FIELD):
        _, field, what = what.split(_FIELD, 2)
        where = f"{where}.{field}"
    return where, what


def unstructure(obj: object) -> Any:
    return converter().unstructure(obj)
