"""The API with every operation registered: :mod:`liaison_web.api`'s own and those of
:mod:`liaison_web.api_records` (records, evidence, the report), which builds on the first — so
neither imports the other back (no import circle); the addresses (:mod:`liaison_web.urls`) and the
OpenAPI document are taken from here."""

from __future__ import annotations

import json

from liaison_web import (
    api_acknowledge,  # noqa: F401 - registers the counterparts' acknowledgements (回执, 签收)
    api_audit,  # noqa: F401 - registers the district's whole audit log, paged
    api_city,  # noqa: F401 - registers the city auditor's view of every district
    api_evidence,  # noqa: F401 - registers the withdrawal of an evidence file
    api_guard,  # noqa: F401 - JSON bodies only (415), a body too large (413)
    api_law,  # noqa: F401 - registers the district's law: provisions, pairings, cc lists, invitees
    api_publish,  # noqa: F401 - registers publishing to CalDAV (a background job)
    api_records,  # noqa: F401 - registers the records', evidence's and the report's operations
    api_tokens,  # noqa: F401 - registers the API tokens' management (a district's administrator, one's own)
)
from liaison_web.api import api

__all__ = ["api", "openapi_json"]


def openapi_json() -> str:
    """The OpenAPI document as text (for tests and docs)."""
    return json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), ensure_ascii=False, indent=2)
