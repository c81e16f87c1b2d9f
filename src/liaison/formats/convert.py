"""The one strict cattrs converter, and turning its errors into :class:`LiaisonError`.

cattrs is imported here, on first use, not by ``import liaison``: it is the slowest import we have
and most callers of the queries never load a file.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import typing
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from liaison.base.errors import DataError, Key, Problem, Refused

if TYPE_CHECKING:
    import cattrs

T = TypeVar("T")


def _shown(value: object) -> str:
    """A value for a message: short, whatever it is."""
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


_KINDS_ZH = {"str": "文字", "int": "整数", "float": "小数", "bool": "是否值", "list": "列表", "dict": "表",
             "datetime": "日期时间", "date": "日期", "time": "时间", "NoneType": "空值"}


def _kind_zh(value: object) -> str:
    return _KINDS_ZH.get(type(value).__name__, type(value).__name__)


def _structure_date(value: object, _type: object) -> dt.date:
    from liaison.base.text import FIRST_YEAR, LAST_YEAR

    if isinstance(value, dt.datetime):
        raise Refused(f"expected a date, got the date-time {value.isoformat()}",
                      f"应为日期，而不是日期时间 {value.isoformat()}")
    day: dt.date | None = value if isinstance(value, dt.date) else None
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            day = None
    if day is None:
        raise Refused(f"{_shown(value)} is not a date; write YYYY-MM-DD",
                      f"{_shown(value)} 不是日期，请写成 YYYY-MM-DD")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Refused(f"the date {day.isoformat()} is outside {FIRST_YEAR}–{LAST_YEAR}",
                      f"日期 {day.isoformat()} 不在 {FIRST_YEAR}–{LAST_YEAR} 年之间")
    return day


def _structure_time(value: object, _type: object) -> dt.time:
    moment: dt.time | None = value if isinstance(value, dt.time) else None
    if isinstance(value, str):
        try:
            moment = dt.time.fromisoformat(value.strip())
        except ValueError:
            moment = None
    if moment is None:
        raise Refused(f"{_shown(value)} is not a time of day; write HH:MM", f"{_shown(value)} 不是时刻，请写成 HH:MM")
    if moment.tzinfo is not None:
        raise Refused(f"{_shown(value)} is not a time of day: write HH:MM without a UTC offset (the district's "
                      "time zone applies)", f"{_shown(value)} 不是时刻：请写成 HH:MM，不带时区（按本区时区）")
    return moment


def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    try:
        return cls(value)
    except (ValueError, TypeError):
        values = [str(m.value) for m in cls]
        raise Refused(f"{_shown(value)} is not one of: {', '.join(values)}",
                      f"{_shown(value)} 不是以下之一：{'、'.join(values)}") from None


def _structure_literal(value: object, type_: object) -> object:
    allowed = typing.get_args(type_)
    if value in allowed and type(value) in {type(a) for a in allowed}:
        return value
    names = [str(a) for a in allowed]
    raise Refused(f"{_shown(value)} is not one of: {', '.join(names)}",
                  f"{_shown(value)} 不是以下之一：{'、'.join(names)}")


def _structure_str(value: object, _type: object) -> str:
    if not isinstance(value, str):
        raise Refused(f"expected text, got {type(value).__name__} {_shown(value)}",
                      f"应为文字，而不是{_kind_zh(value)} {_shown(value)}")
    return value


def _structure_int(value: object, _type: object) -> int:
    from liaison.formats.syntax import HugeNumber

    if isinstance(value, HugeNumber):
        raise Refused(f"{value!r}: write a number of a few digits", f"数字位数过多（{value.digits:,} 位）")
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(f"expected a whole number, got {type(value).__name__} {_shown(value)}",
                      f"应为整数，而不是{_kind_zh(value)} {_shown(value)}")
    return value


def _structure_bool(value: object, _type: object) -> bool:
    if not isinstance(value, bool):
        raise Refused(f"expected true or false, got {_shown(value)}", f"应为 true 或 false，而不是 {_shown(value)}")
    return value


def _is_literal(type_: Any) -> bool:
    return bool(typing.get_origin(type_) is typing.Literal)


def _is_homogeneous_tuple(type_: Any) -> bool:
    args = typing.get_args(type_)
    return typing.get_origin(type_) is tuple and len(args) == 2 and args[1] is Ellipsis


def _strict_tuple_factory(type_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """Lists only: a bare string is not a list of one-character names."""
    from cattrs.cols import homogenous_tuple_structure_factory

    inner = homogenous_tuple_structure_factory(type_, conv)

    def structure_tuple(value: Any, target: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise Refused(f"expected a list, got {type(value).__name__} {_shown(value)}",
                          f"应为列表，而不是{_kind_zh(value)} {_shown(value)}")
        return inner(value, target)

    return structure_tuple


#: The key under which a rule's JSON names its kind (``RULE_TAGS``): the converter's tagged union of
#: the rules, and the schema of it the service publishes (liaison-web's ``schemas``).
RULE_TAG = "kind"


@functools.cache
def converter() -> cattrs.Converter:
    """The project's strict converter: extra keys are errors, scalars are never coerced."""
    from cattrs.preconf.tomllib import make_converter
    from cattrs.strategies import configure_tagged_union

    from liaison.law.rules import RULE_TAGS, LocalSettings, Rule

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
    conv.register_structure_hook_func(_is_literal, _structure_literal)
    conv.register_structure_hook(enum.StrEnum, _structure_enum)
    conv.register_structure_hook(enum.Enum, _structure_enum)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
    )
    conv.register_structure_hook(LocalSettings, _structure_local)
    conv.register_unstructure_hook(LocalSettings, lambda settings: dict(settings.notes))
    configure_tagged_union(Rule, conv, tag_name=RULE_TAG, tag_generator=RULE_TAGS.__getitem__)
    _register_renames(conv)
    return conv


def _structure_local(value: object, _type: object) -> Any:
    """``local = { due_days = "why" }``: each local setting with its note."""
    from liaison.law.rules import LocalSettings

    if not isinstance(value, dict):
        raise Refused(f"expected a table of field = \"note\", got {type(value).__name__} {_shown(value)}",
                      f"应为“字段 = \"说明\"”的表，而不是{_kind_zh(value)}")
    for name, note in value.items():
        if not isinstance(note, str):
            raise Refused(f"local.{name} must be a note (text) saying why the district chose it",
                          f"local.{name} 应为说明本区为何这样设定的文字")
    return LocalSettings(tuple(value.items()))


#: Fields written under a key of another name (by type name: field → key): formats we read but do not
#: define keep their own key names, and a records file names its district ``district``. The one table
#: of them, for the converter below and for whoever derives a schema from the types (liaison-web).
RENAMED: dict[str, dict[str, str]] = {"Records": {"district_id": "district"}, "NoticeDay": {"is_off_day": "isOffDay"},
                                      "HolidayNotice": {"schema": "$schema", "id": "$id"}}


def _register_renames(conv: cattrs.Converter) -> None:
    """Formats we read but do not define (the holiday-cn notice) keep their own key names; a records
    file names its district `district`, which in the code is an id (`district_id`).

    Each function is made when its type is first met (a hook factory), not with the converter: a
    command that reads no records and no notice generates none of them."""
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

    from liaison.law.notices import HolidayNotice, NoticeDay
    from liaison.law.records import Records
    from liaison.year.state import Manifest

    def renames(cls: type, **extra: Any) -> dict[str, Any]:
        return {field: override(rename=key, **extra) for field, key in RENAMED[cls.__name__].items()}

    def structure(cls: type) -> None:
        conv.register_structure_hook_factory(
            lambda t: t is cls, lambda t: make_dict_structure_fn(t, conv, _cattrs_forbid_extra_keys=True, **renames(t)))

    for cls in (Records, NoticeDay, HolidayNotice):
        structure(cls)
    # written back (in the year's state) in the same shape, so a stored notice reads as a notice file
    conv.register_unstructure_hook_factory(
        lambda t: t is NoticeDay, lambda t: make_dict_unstructure_fn(t, conv, **renames(t)))
    conv.register_unstructure_hook_factory(
        lambda t: t is HolidayNotice, lambda t: make_dict_unstructure_fn(t, conv, **renames(t, omit_if_default=True)))
    # a state written before exporters' runs were recorded, or by a store that records none, reads
    # and writes as before
    conv.register_unstructure_hook_factory(
        lambda t: t is Manifest, lambda t: make_dict_unstructure_fn(t, conv, runs=override(omit_if_default=True)))


def _describe(type_: Any) -> tuple[str, str]:
    """What a field of ``type_`` holds, in both languages (for a value of the wrong shape)."""
    import attrs

    origin = typing.get_origin(type_)
    if origin is tuple or origin is list:
        return "a list", "列表"
    if isinstance(type_, type) and attrs.has(type_):
        return "a table", "表"
    if origin is typing.Union or origin is getattr(__import__("types"), "UnionType", None):
        return "a value of the documented kind", "文档所述类型的值"
    names = {str: ("text", "文字"), int: ("a whole number", "整数"), bool: ("true or false", "true 或 false"),
             dt.date: ("a date", "日期"), dt.time: ("a time of day", "时刻")}
    return names.get(type_, ("a value of the documented kind", "文档所述类型的值"))


def _problem(exc: BaseException, type_: Any) -> tuple[tuple[Key, ...], Problem]:
    """One leaf of cattrs' errors as a problem in both languages, and the field below the path a
    validator named (``()`` when none)."""
    from cattrs.errors import ForbiddenExtraKeysError

    from liaison.base.errors import LiaisonError
    from liaison.law.rules import Rule

    if isinstance(exc, KeyError) and type_ == Rule and exc.args and isinstance(exc.args[0], str):
        kind = _shown(exc.args[0])
        return (), Problem(message=f"unknown kind {kind}", message_zh=f"未知的规则种类 {kind}")
    if isinstance(exc, LiaisonError):
        return (), Problem(message=exc.message, message_zh=exc.message_zh)
    if isinstance(exc, Refused):
        return ((exc.field,) if exc.field else ()), Problem(message=exc.message, message_zh=exc.message_zh)
    if isinstance(exc, ForbiddenExtraKeysError):
        extra = ", ".join(sorted(exc.extra_fields))
        return (), Problem(message=f"extra fields found ({extra}): not part of this format",
                           message_zh=f"有本格式没有的字段（{extra}）")
    if isinstance(exc, KeyError):
        return (), Problem(message="required field missing", message_zh="缺少必填字段")
    if type(exc) is ValueError and str(exc):  # a validator's own sentence (attrs' post-init checks)
        return (), Problem(message=str(exc))
    en, zh = _describe(type_)  # a value of the wrong shape (cattrs' TypeError …)
    return (), Problem(message=f"expected {en} here", message_zh=f"此处应为{zh}")


def problems_of(exc: BaseException, path: tuple[Key, ...] = (),
                type_: Any = None) -> list[tuple[tuple[Key, ...], Problem]]:
    """Every problem under cattrs' error ``exc``, each with its path as keys and indices.

    The walk is cattrs' own ``transform_error``'s: a class's errors carry notes naming the field, a
    list's (or a table's) the index (or key); here the steps stay values instead of becoming text."""
    from cattrs.errors import AttributeValidationNote, ClassValidationError, IterableValidationError

    if isinstance(exc, ClassValidationError | IterableValidationError):
        found: list[tuple[tuple[Key, ...], Problem]] = []
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            step: Key = note.name if isinstance(note, AttributeValidationNote) else note.index
            found.extend(problems_of(sub, (*path, step), note.type))
        for sub in without:
            found.extend(problems_of(sub, path, None))
        return found
    below, problem = _problem(exc, type_)
    return [((*path, *below), problem)]


def structure(data: Any, cls: type[T], *, file: str | None, path: Sequence[Key] = (),
              fix: str = "correct the value (see docs/data-format.md)") -> T:
    """Structure ``data`` into ``cls``; any failure becomes one :class:`DataError` in the project's
    shape, ``FILE: $.path.to.field: what is wrong (fix: …)``: with several problems, one error
    carrying each at its own path (:meth:`~liaison.base.errors.LiaisonError.several`)."""
    from cattrs import BaseValidationError

    try:
        return converter().structure(data, cls)
    except BaseValidationError as exc:
        found = [DataError(p.message, file=file, path=where, fix=fix, message_zh=p.message_zh, fix_zh=_fix_zh(fix))
                 for where, p in problems_of(exc, tuple(path))]
        raise (found[0] if len(found) == 1 else DataError.several(found)) from None
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise DataError("the document does not have the shape of this kind of file", file=file, path=tuple(path),
                        fix=fix, message_zh="文件的结构与此类文件不符", fix_zh=_fix_zh(fix)) from None


def _fix_zh(fix: str) -> str:
    """The fix in Chinese, keeping the document it points to."""
    import re

    doc = re.search(r"docs/[\w.-]+\.md", fix)
    return f"请改正该值（见 {doc.group()}）" if doc else "请改正该值"


def unstructure(obj: object) -> Any:
    return converter().unstructure(obj)
