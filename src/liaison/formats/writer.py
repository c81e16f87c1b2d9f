"""The one writer of documents: a value — an answer's document (:mod:`liaison.formats.documents`),
the year's state, a law value — as plain data through the one converter (:func:`document`), and as
stable JSON text (:func:`to_json`).

Apart from the answers' document types, so that writing the year's state (every export and plan
does) does not define the ~20 types only `--format json` answers use. A document type whose fields
are left out when they hold their default names them in ``OMIT_IF_DEFAULT`` (a class attribute);
its unstructuring function is made when such a type is first written.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from liaison.formats.convert import converter

if TYPE_CHECKING:
    import cattrs


def document(value: object) -> Any:
    """``value`` (a document, the year's state, a law value) as plain data, through the one converter."""
    return _converter().unstructure(value)


def _omits(type_: Any) -> bool:
    return isinstance(type_, type) and bool(getattr(type_, "OMIT_IF_DEFAULT", ()))


@functools.cache
def _converter() -> cattrs.Converter:
    conv = converter()

    def omitting(type_: Any) -> Callable[[Any], Any]:
        from cattrs.gen import make_dict_unstructure_fn, override

        omitted: dict[str, Any] = {name: override(omit_if_default=True) for name in type_.OMIT_IF_DEFAULT}
        return make_dict_unstructure_fn(type_, conv, **omitted)

    conv.register_unstructure_hook_factory(_omits, omitting)
    return conv


def to_json(value: object) -> str:
    """A document as stable JSON text: the same value, the same text; dates in ISO 8601, times HH:MM."""
    return indented_json(value if isinstance(value, dict | list) else document(value), indent=2,
                         default=_default) + "\n"


def indented_json(value: object, *, indent: int, sort_keys: bool = False,
                  default: Callable[[Any], Any] | None = None) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=sort_keys, default=default)``,
    character for character, for a tree of plain data (no value inside itself: not checked).

    The standard library writes indented JSON with its Python encoder, a generator yielding every
    token (its C encoder writes no indentation): the year's state, written by every export and
    plan, took about 2 ms a seed district that way. Here the tree is walked by one recursive
    function appending to a list, each string escaped by the library's own C function: the same
    text in about a third of the time (tests/test_writer_json.py compares the two)."""
    pad = " " * indent
    out: list[str] = []
    append = out.append
    floatstr = _floatstr

    def key_text(key: Any) -> str:
        if isinstance(key, str):
            return key
        if isinstance(key, float):
            return floatstr(key)
        if key is True:
            return "true"
        if key is False:
            return "false"
        if key is None:
            return "null"
        if isinstance(key, int):
            return int.__repr__(key)
        raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")

    def write(o: Any, level: int) -> None:
        kind = type(o)
        if kind is dict:  # the plain types first, by type alone (their subclasses below, as json takes them)
            if not o:
                append("{}")
                return
            inner = "\n" + pad * (level + 1)
            sep = "," + inner
            append("{" + inner)
            first = True
            for key, item in sorted(o.items()) if sort_keys else o.items():
                if first:
                    first = False
                else:
                    append(sep)
                append(_encode(key if type(key) is str else key_text(key)) + ": ")
                kind = type(item)
                if kind is str:
                    append(_encode(item))
                elif kind is int:
                    append(int.__repr__(item))
                else:
                    write(item, level + 1)
            append("\n" + pad * level + "}")
        elif kind is str:
            append(_encode(o))
        elif kind is list:
            if not o:
                append("[]")
                return
            inner = "\n" + pad * (level + 1)
            sep = "," + inner
            append("[" + inner)
            first = True
            for item in o:
                if first:
                    first = False
                else:
                    append(sep)
                if type(item) is str:
                    append(_encode(item))
                else:
                    write(item, level + 1)
            append("\n" + pad * level + "]")
        elif isinstance(o, str):
            append(_encode(o))
        elif o is None:
            append("null")
        elif o is True:
            append("true")
        elif o is False:
            append("false")
        elif isinstance(o, int):
            append(int.__repr__(o))
        elif isinstance(o, float):
            append(floatstr(o))
        elif isinstance(o, list | tuple):
            if not o:
                append("[]")
                return
            inner = "\n" + pad * (level + 1)
            append("[" + inner)
            first = True
            for item in o:
                if first:
                    first = False
                else:
                    append("," + inner)
                write(item, level + 1)
            append("\n" + pad * level + "]")
        elif isinstance(o, dict):
            if not o:
                append("{}")
                return
            inner = "\n" + pad * (level + 1)
            append("{" + inner)
            first = True
            for key, item in sorted(o.items()) if sort_keys else o.items():
                if first:
                    first = False
                else:
                    append("," + inner)
                append(_encode(key_text(key)) + ": ")
                write(item, level + 1)
            append("\n" + pad * level + "}")
        elif default is not None:
            write(default(o), level)
        else:
            raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")

    write(value, 0)
    return "".join(out)


#: the C escaper where the library has it: what dumps uses with ensure_ascii=False
_encode = json.encoder.encode_basestring


def _floatstr(o: float) -> str:
    # json's own rule (allow_nan): NaN and the infinities as JavaScript writes them, else repr
    if o != o:
        return "NaN"
    if o == float("inf"):
        return "Infinity"
    if o == -float("inf"):
        return "-Infinity"
    return float.__repr__(o)


def _default(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
