"""The plan as a JSON document: what `liaison plan --format json` prints and `--plan FILE` reads back.

A user confirms or moves engagements in it (status "agreed", another date); re-planning keeps those
fixed. Reading is strict: an unknown key or a bad date is a DataError with its path.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from liaison.errors import DataError
from liaison.plan import Plan

FORMAT = "liaison-plan/1"


def _default(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def plan_document(plan: Plan) -> dict[str, Any]:
    from liaison.convert import unstructure

    body: dict[str, Any] = unstructure(plan)
    return {"format": FORMAT, **body}


def plan_to_json(plan: Plan) -> str:
    """Stable JSON: same plan, same text."""
    return json.dumps(plan_document(plan), ensure_ascii=False, indent=2, default=_default) + "\n"


def plan_from_json(text: str | bytes, *, file: str | None = None) -> Plan:
    from liaison.convert import structure

    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"not a JSON plan file: {exc}", file=file,
                        fix="write it with `liaison plan --format json`") from None
    except RecursionError:
        raise DataError("not a JSON plan file: nested too deeply", file=file) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise DataError(f"not a plan file (expected \"format\": \"{FORMAT}\")", file=file, path="$.format",
                        fix="write it with `liaison plan --format json`")
    body = {k: v for k, v in raw.items() if k != "format"}
    return structure(body, Plan, file=file)
