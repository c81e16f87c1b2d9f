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
    return json.dumps(value if isinstance(value, dict | list) else document(value), ensure_ascii=False, indent=2,
                      default=_default) + "\n"


def _default(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
