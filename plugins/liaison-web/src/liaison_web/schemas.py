"""The API's schemas, generated from the library's attrs types: one definition of each shape.

:func:`model_of` turns an attrs class (a document of :mod:`liaison.formats.documents`, the year's
state of :mod:`liaison.year.state`) into a pydantic model describing the JSON the library's one
converter writes for it (:func:`liaison.formats.documents.document`), so django-ninja can put it in
the OpenAPI document. It follows the converter's rules: dates ISO 8601, times ``HH:MM`` (text), an
enum by its value, a tuple as a list, the keys :data:`liaison.formats.convert.RENAMED` renames under
their written name, a field with a default optional (the converter leaves some out). The views send
the library's JSON as it is; the models are the contract, and the tests hold every answer to them.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import sys
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union

import attrs
from ninja import Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, create_model
from pydantic.fields import FieldInfo

from liaison.base import text
from liaison.base.errors import Refused
from liaison.base.text import FIRST_YEAR, LAST_YEAR
from liaison.formats.convert import RENAMED, RULE_TAG

__all__ = ["DATE", "DAY_PATTERN", "TIME", "TIME_PATTERN", "YEAR", "Body", "PathId", "error_document_model",
           "error_model", "model_of"]

#: A time of day as the library writes it (a valid one: 24:00 or 09:60 is refused, never a failure later).
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
TIME = Annotated[str, Field(pattern=TIME_PATTERN, examples=["09:30"])]
#: A year the library plans (:func:`liaison.year.planner.check_year`'s bounds).
YEAR = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
#: An engagement's id as the plan shows it, in an address or a form field (no spaces, at most 200).
ENGAGEMENT_ID = r"^\S{1,200}$"
#: A day of such a year, ``YYYY-MM-DD`` (the bounds of :data:`YEAR`; a test holds the pattern to them).
DAY_PATTERN = r"^(19[5-9][0-9]|20[0-9]{2}|21[0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def _iso_day(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic would take a number as a Unix time (``day=0`` as 1970-01-01)."""
    if isinstance(value, dt.date) or (isinstance(value, str) and re.match(DAY_PATTERN, value)):
        return value
    raise Refused(f"must be a day, written YYYY-MM-DD, in {FIRST_YEAR}–{LAST_YEAR}",
                  f"应为日期，写作 YYYY-MM-DD，年份在 {FIRST_YEAR}—{LAST_YEAR} 之间")


DATE = Annotated[dt.date, BeforeValidator(_iso_day),
                 WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN})]

class Body(Schema):
    """A request's body, read as strictly as the library reads its files: a key the operation does not
    know is refused (422 at its path), not ignored; its true/false fields take only JSON's true and
    false (``Field(strict=True)``: pydantic would take ``"yes"`` or ``1``)."""

    model_config = ConfigDict(extra="forbid")


#: Types the converter writes in a shape of their own (a hook of :mod:`liaison.formats.convert`).
_CUSTOM: dict[str, Any] = {"LocalSettings": dict[str, str]}
#: Types the API names otherwise, wherever they appear: one model (and one schema) under that name.
_PUBLIC: dict[str, str] = {"OrgRef": "Organisation"}


@functools.cache
def _rule_tags() -> dict[type, str]:
    from liaison.law.rules import RULE_TAGS

    return dict(RULE_TAGS)


@functools.cache
def model_of(cls: type, *, name: str | None = None, extra: tuple[tuple[type, str, Any], ...] = ()) -> type[BaseModel]:
    """The pydantic model of the attrs class ``cls`` (nested attrs classes become models of their
    own). ``extra``: fields a document adds to a type's JSON — ``(type, field, annotation)`` —
    as the plan adds each engagement's ``local_settings`` to the state's engagements."""
    return _Builder(extra).model(cls, name)


class _Builder:
    def __init__(self, extra: tuple[tuple[type, str, Any], ...]) -> None:
        self.extra = extra
        self.suffix = "".join(sorted({f"_{t.__name__}_{f}" for t, f, _ in extra}))
        self.made: dict[type, type[BaseModel]] = {}

    def model(self, cls: type, name: str | None = None) -> type[BaseModel]:
        if cls in self.made:
            return self.made[cls]
        if name is None and cls.__name__ in _PUBLIC and not any(owner is cls for owner, _, _ in self.extra):
            return model_of(cls, name=_PUBLIC[cls.__name__])
        hints = typing.get_type_hints(cls, globalns=vars(sys.modules[cls.__module__]), include_extras=True)
        renamed = RENAMED.get(cls.__name__, {})
        fields: dict[str, Any] = {}
        for field in attrs.fields(cls):
            annotation = self.type_of(_constrained(hints[field.name], _text_of(field.validator)))
            own = field.name + "_" if hasattr(BaseModel, field.name) else field.name  # `schema`, `json` …
            key = renamed.get(field.name, field.name if own != field.name else None)
            default = ... if field.default is attrs.NOTHING else None
            fields[own] = (annotation, Field(default, alias=key) if key else Field(default))
        for owner, extra_name, annotation in self.extra:
            if owner is cls:
                fields[extra_name] = (annotation, Field(None))
        tag = _rule_tags().get(cls)
        if tag is not None:  # a rule: the converter's tagged union names its kind beside its fields
            fields[RULE_TAG] = (Literal[tag], Field(...))
        own = cls.__name__ + (self.suffix if any(owner is cls for owner, _, _ in self.extra) else "")
        made: type[BaseModel] = create_model(name or own, __config__=ConfigDict(extra="forbid", populate_by_name=True),
                            __doc__=(cls.__doc__ or "").strip() or None, **fields)
        self.made[cls] = made
        return made

    def type_of(self, hint: Any) -> Any:
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if hint is dt.time:
            return TIME
        if hint is dt.date:
            return DATE
        if hint is Any:  # a value the document leaves open (the report's summary rows: counts and names)
            return Any
        if hint in (str, int, bool, float, dt.date, dt.datetime, type(None)):
            return hint
        if hint is Any:  # the library says "any JSON value" (a report's summary row: names and counts)
            return Any
        if isinstance(hint, type) and hint.__name__ in _CUSTOM:
            return _CUSTOM[hint.__name__]
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return Literal[tuple(member.value for member in hint)]
        if isinstance(hint, type) and attrs.has(hint):
            return self.model(hint)
        if origin is Literal:
            return hint
        if origin is Annotated:  # the text constraints :func:`_constrained` put there are kept, nothing else
            kept = tuple(m for m in hint.__metadata__ if isinstance(m, FieldInfo))
            return Annotated[(self.type_of(args[0]), *kept)] if kept else self.type_of(args[0])
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return list[self.type_of(args[0])]  # type: ignore[misc]
            return tuple[tuple(self.type_of(a) for a in args)]  # type: ignore[misc]
        if origin in (Union, types.UnionType):
            return Union[tuple(self.type_of(a) for a in args)]  # noqa: UP007
        if origin in (dict, Mapping) or origin is typing.get_origin(Mapping[str, str]):
            return dict[self.type_of(args[0]), self.type_of(args[1])]  # type: ignore[misc]
        if origin is list:
            return list[self.type_of(args[0])]  # type: ignore[misc]
        if isinstance(hint, typing.TypeAliasType) if hasattr(typing, "TypeAliasType") else False:
            return self.type_of(hint.__value__)
        raise TypeError(f"no schema for {hint!r}: teach liaison_web.schemas its JSON shape")


#: The characters no text of the library may hold (:data:`liaison.base.text._CONTROL`, surrogates aside:
#: JSON text carries none), those a one-line text may not hold besides, and what ``str.strip`` strips.
_CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff\ufffe\uffff"
_BREAKS = r"\r\n\t\u2028\u2029"
_SPACE = r" \t\n\r\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
ID_SCHEMA = Field(max_length=text.ID_MAX, pattern=f"^{text.ID_PATTERN.pattern}$")


def _text_schema(validator: text.BoundedText) -> Any:
    """What a :class:`~liaison.base.text.BoundedText` validator lets through, as JSON Schema: at most
    its limit, none of the control characters (nor, on one line, a break), and when required some
    character that is not a space — the validator's own rules, so the document says what the
    library takes (no lookahead: every regular-expression engine on the way reads it)."""
    banned = _CONTROL + (_BREAKS if validator.single_line else "")
    any_char = f"[^{banned}]"
    pattern = f"^{any_char}*[^{banned}{_SPACE}]{any_char}*$" if validator.required else f"^{any_char}*$"
    return Field(max_length=validator.limit, pattern=pattern)


def _text_of(validator: Any) -> Any:
    """The text constraint an attrs field's validator carries (an id, a bounded text; inside
    ``optional``, ``deep_iterable`` or a list of validators), or None."""
    if validator is text.identifier:
        return ID_SCHEMA
    if isinstance(validator, text.BoundedText):
        return _text_schema(validator)
    for inner in ("validator", "member_validator", "_validators"):
        found = getattr(validator, inner, None)
        for one in found if isinstance(found, tuple) else (found,):
            if one is not None and (made := _text_of(one)) is not None:
                return made
    return None


def _constrained(hint: Any, constraint: Any) -> Any:
    """``hint`` with each ``str`` in it (alone, in a tuple, or optional) held to ``constraint``."""
    if constraint is None:
        return hint
    if hint is str:
        return Annotated[str, constraint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return tuple[_constrained(args[0], constraint), ...]  # type: ignore[misc]
    if origin in (Union, types.UnionType):
        return Union[tuple(_constrained(a, constraint) for a in args)]  # noqa: UP007
    return hint


class PathId(BaseModel):
    """A step of an error's path naming an item of a list by its id (``organisations[health]``)."""

    model_config = ConfigDict(extra="forbid")
    id: str


#: What the error document writes otherwise than its fields' types, or beside them
#: (:meth:`liaison.base.errors.Location.document`): the path's steps — a key, an index, an id —, and
#: ``at``, the place as the command prints it.
_WRITTEN_AS: dict[str, tuple[Any, str]] = {
    "path": (list[str | int | PathId] | None, "where in the file: keys (text), indices (numbers) and ids "
             "({\"id\": …}), from the top; none when the error is not about a place in a file"),
    "at": (str | None, "the place as the command prints it: $.pairings[3].counterpart, 会议走访!E12, or the place"),
}
#: The keys a service's answer adds to the library's document (:func:`liaison_web.errors.error_response`).
_ANSWER_ADDS: dict[str, tuple[Any, str]] = {
    "rendered": (str, "the line the command prints, in the language Accept-Language asks for "
                 "(Content-Language says which)"),
}


def _document_fields(*types: type, more: Mapping[str, tuple[Any, str]] = {}) -> dict[str, Any]:
    """The keys of the documents of ``types`` (:class:`~liaison.base.errors.Location`,
    :class:`~liaison.base.errors.Problem`): one per attrs field, every one written (none left out:
    an absent value is null), typed by the field unless :data:`_WRITTEN_AS` says how it is written,
    then those of ``_WRITTEN_AS`` no field has, then ``more``."""
    fields: dict[str, Any] = {}
    builder = _Builder(())
    for cls in types:
        hints = typing.get_type_hints(cls, globalns=vars(sys.modules[cls.__module__]))
        for field in attrs.fields(cls):
            annotation, about = _WRITTEN_AS.get(field.name, (builder.type_of(hints[field.name]), None))
            fields[field.name] = (annotation, Field(..., description=about))
    for name, (annotation, about) in {**_WRITTEN_AS, **more}.items():
        fields.setdefault(name, (annotation, Field(..., description=about)))
    return fields


@functools.cache
def error_document_model() -> type[BaseModel]:
    """The library's one error shape (:func:`liaison.base.errors.error_document`), generated from
    the error's two values' fields — where (:class:`~liaison.base.errors.Location`) and what is
    wrong (:class:`~liaison.base.errors.Problem`) —, with ``kind`` and ``problems`` (each problem of
    several, in the same two values). A publishing job's last error is kept so."""
    from liaison.base.errors import Location, Problem

    problem = create_model("ErrorProblem", __config__=ConfigDict(extra="forbid"),
                           __doc__="One problem of several: where, and what is wrong.",
                           **_document_fields(Location, Problem))
    fields = {"kind": (str, Field(..., description="the error's class (NotFound, DataError, InvalidRequest …)")),
              **_document_fields(Location, Problem),
              "problems": (list[problem], Field(..., description="every problem, when there are several "  # type: ignore[valid-type]
                                                "(the error's own fields are the first's); empty for one"))}
    return create_model("ErrorDocument", __config__=ConfigDict(extra="forbid"), __doc__=(
        "The library's one error shape (the command's --format json): where — file, path, sheet, cell, "
        "place, root, at — and what is wrong in English and Chinese — message, message_zh, fix, fix_zh —, "
        "and every problem of several."), **fields)


@functools.cache
def error_model(**current: tuple[Any, str]) -> type[BaseModel]:
    """An error answer of the service: :func:`error_document_model` and ``rendered``
    (:func:`liaison_web.errors.error_response`). ``current``: what a refused change's answer adds
    (412: the object as it is now), each optional."""
    fields: dict[str, Any] = {name: (annotation, Field(..., description=about))
                              for name, (annotation, about) in _ANSWER_ADDS.items()}
    for name, (annotation, about) in current.items():
        fields[name] = (annotation | None, Field(None, description=about))
    return create_model("ErrorResponse", __base__=error_document_model(), __doc__=(
        "An error answer: the library's one error shape (ErrorDocument) with rendered, the line in the "
        "caller's language (Content-Language says which)."), **fields)
