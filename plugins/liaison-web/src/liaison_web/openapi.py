"""The OpenAPI document as a client generator reads it (the OA systems' developers run
openapi-generator for Java on it): each operation's name, each schema's name, what each answer
carries in its headers and which request headers an operation reads — from the tables below, put
into the document django-ninja generates (:class:`DocumentedApi`), so the views keep no copy.

- :data:`OPERATION_IDS`: every operation's ``operationId``, by method and address, written out (a
  Java method's name: ``getPlan``, ``moveEngagement``). They are the client's API: a new operation
  is named here (a test fails while one is not), and a name once published is not changed.
- :data:`SCHEMA_NAMES`: the published name of a schema generated under another one (a Java class's
  name: ``Engagement``, not ``Engagement_Engagement_local_settings_YearState_format``); the other
  generated names are written in PascalCase (``Record_research_results`` → ``RecordResearchResults``).
- :data:`SENDS`: the headers each operation's answers carry, by status; :data:`BY_STATUS`: those
  every answer of a status carries (an error's ``Content-Language``, a 401's ``WWW-Authenticate``);
  every 2xx JSON answer carries ``Content-Language: zh-CN, en`` (it holds both languages).
  An operation answering 304 reads ``If-None-Match``; every operation reads ``Accept-Language``.
- Descriptions as plain text: the docstrings' reStructuredText roles and literals (:func:`plain`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ninja import NinjaAPI

from liaison_web.callers import JSON_TYPES

__all__ = ["BY_STATUS", "HEADERS", "OPERATION_IDS", "SCHEMA_NAMES", "SENDS", "DocumentedApi", "finished", "plain"]

#: Where the API is served: the document's addresses start with it, the tables' do not.
ROOT = "/api/v1"

_YEAR = "/districts/{district}/years/{year}"
_ONE = f"{_YEAR}/engagements/{{engagement}}"
_HOOK = "/districts/{district}/webhooks/{webhook}"
_RECORD_KINDS = {"engagements": "Engagement", "documents": "Document", "consultations": "Consultation",
                 "research_results": "ResearchResult", "designations": "Designation", "nominations": "Nomination",
                 "town_activities": "TownActivity", "joint_research": "JointResearch", "briefings": "Briefing",
                 "special_appointments": "SpecialAppointment", "activities": "Activity"}

#: Every operation's ``operationId`` (method, address under /api/v1 → name).
OPERATION_IDS: dict[tuple[str, str], str] = {
    ("GET", "/health"): "getHealth",
    ("POST", "/login"): "logIn",
    ("GET", "/city"): "getCity",
    ("GET", "/districts"): "listDistricts",
    ("GET", "/districts/{district}/organisations"): "listOrganisations",
    ("GET", "/districts/{district}/organisations/{organisation}/audit"): "listOrganisationAudit",
    ("GET", "/districts/{district}/organisations/{organisation}/due"): "getDueList",
    ("GET", "/districts/{district}/organisations/{organisation}/feeds"): "listFeedTokens",
    ("POST", "/districts/{district}/organisations/{organisation}/feeds"): "rotateFeedToken",
    ("DELETE", "/districts/{district}/organisations/{organisation}/feeds"): "revokeFeedTokens",
    ("GET", "/districts/{district}/provisions"): "listProvisions",
    ("GET", "/districts/{district}/provisions/{provision}"): "getProvision",
    ("GET", "/districts/{district}/pairings"): "listPairings",
    ("GET", "/districts/{district}/cc"): "getCcList",
    ("GET", "/districts/{district}/invitees"): "getInvitees",
    ("GET", "/districts/{district}/webhooks"): "listWebhooks",
    ("POST", "/districts/{district}/webhooks"): "addWebhook",
    ("GET", _HOOK): "getWebhook",
    ("DELETE", _HOOK): "removeWebhook",
    ("GET", f"{_HOOK}/deliveries"): "listWebhookDeliveries",
    ("POST", f"{_HOOK}/deliveries/{{delivery}}/replay"): "replayWebhookDelivery",
    ("POST", f"{_HOOK}/replay"): "replayFailedWebhookDeliveries",
    ("POST", f"{_HOOK}/adopt"): "adoptWebhook",
    ("GET", f"{_YEAR}/plan"): "getPlan",
    ("GET", f"{_YEAR}/findings"): "getFindings",
    ("GET", f"{_YEAR}/report"): "getReport",
    ("GET", f"{_YEAR}/organisations/{{organisation}}/findings"): "getOrganisationFindings",
    ("GET", _ONE): "getEngagement",
    ("GET", f"{_ONE}/audit"): "listEngagementAudit",
    ("POST", f"{_ONE}/confirm"): "confirmEngagement",
    ("POST", f"{_ONE}/move"): "moveEngagement",
    ("POST", f"{_ONE}/cancel"): "cancelEngagement",
    ("POST", f"{_ONE}/held"): "markEngagementHeld",
    ("GET", f"{_YEAR}/letters"): "listLetters",
    ("POST", f"{_YEAR}/letters/issue"): "issueLetters",
    ("GET", f"{_YEAR}/letters/{{letter}}"): "downloadLetter",
    ("GET", f"{_YEAR}/calendars"): "listCalendars",
    ("GET", f"{_YEAR}/calendars/{{name}}"): "downloadCalendar",
    ("GET", f"{_YEAR}/workbooks"): "listWorkbooks",
    ("GET", f"{_YEAR}/workbooks/{{name}}"): "downloadWorkbook",
    ("GET", f"{_YEAR}/page"): "downloadPage",
    ("GET", f"{_YEAR}/records"): "listRecords",
    ("GET", f"{_YEAR}/records/{{kind}}/{{key}}"): "getRecord",
    ("GET", f"{_YEAR}/records/{{kind}}/{{key}}/audit"): "listRecordAudit",
    ("POST", f"{_YEAR}/records/{{kind}}/{{key}}/withdrawal"): "withdrawRecord",
    **{("POST", f"{_YEAR}/records/{section}"): f"create{name}Record" for section, name in _RECORD_KINDS.items()},
    **{("POST", f"{_YEAR}/records/{section}/{{key}}/correction"): f"correct{name}Record"
       for section, name in _RECORD_KINDS.items()},
    ("POST", f"{_YEAR}/evidence"): "uploadEvidence",
    ("GET", f"{_YEAR}/evidence"): "listEvidence",
    ("GET", "/districts/{district}/evidence/{key}"): "downloadEvidence",
    ("POST", "/districts/{district}/evidence/{key}/withdrawal"): "withdrawEvidence",
    ("POST", f"{_YEAR}/acknowledgements"): "acknowledgeItem",
    ("GET", f"{_YEAR}/acknowledgements"): "listAcknowledgements",
    ("POST", f"{_YEAR}/publish/caldav"): "publishToCaldav",
    ("GET", f"{_YEAR}/publish/jobs"): "listPublishJobs",
    ("GET", f"{_YEAR}/publish/jobs/{{job}}"): "getPublishJob",
    ("GET", "/districts/{district}/tokens"): "listDistrictTokens",
    ("POST", "/districts/{district}/tokens"): "makeToken",
    ("DELETE", "/districts/{district}/tokens/{prefix}"): "revokeDistrictToken",
    ("GET", "/tokens"): "listOwnTokens",
    ("DELETE", "/tokens/{prefix}"): "revokeOwnToken",
    ("GET", "/districts/{district}/audit"): "listDistrictAudit",
}

#: Schemas published under another name than the one they are generated with (the others: PascalCase).
SCHEMA_NAMES: dict[str, str] = {
    # the plan's engagement carries its local settings: the one engagement the API shows
    "Engagement_Engagement_local_settings_YearState_format": "Engagement",
    "DueItemDocument": "DueItem",
    "_Version": "RecordVersion",
    "EntryModel": "AuditEntry",
    "EventModel": "WebhookEvent",
    "WebhookModel": "Webhook",
    "NewWebhookModel": "NewWebhook",
    "DeliveryModel": "WebhookDelivery",
    "AttemptModel": "DeliveryAttempt",
    "ReplayModel": "Replayed",
    "FeedTokenModel": "FeedToken",
    "NewFeedModel": "NewFeedToken",
    "FileModel": "OutputFile",  # not File: a Java client has java.io.File
    "LetterModel": "Letter",
    "LettersModel": "Letters",
    "IssuedModel": "IssuedLetters",
    "EvidenceModel": "Evidence",
    "EvidenceWithdrawalModel": "EvidenceWithdrawal",
    "ConflictModel": "Conflict",
    "PublishJobModel": "PublishJob",
    "PublishAttemptModel": "PublishAttempt",
    "PublishedModel": "PublishedCalendars",
    "DistrictModel": "District",
}

#: What each response header means (and its schema).
HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {"description": "the version of what the answer shows: send it back as If-None-Match (304 while "
                            "unchanged) or, on a change, as If-Match", "schema": {"type": "string"}},
    "Location": {"description": "the address of what was made (a record, a webhook, an evidence file, a job)",
                 "schema": {"type": "string"}},
    "WWW-Authenticate": {"description": "how to authenticate: Bearer realm=\"liaison\"", "schema": {"type": "string"}},
    "Content-Language": {"description": "the language of rendered: zh-CN or en (from Accept-Language)",
                         "schema": {"type": "string", "enum": ["zh-CN", "en"]}},
    "Retry-After": {"description": "seconds to wait before trying again", "schema": {"type": "integer", "minimum": 0}},
    "Idempotent-Replayed": {"description": "true: the answer kept for this Idempotency-Key, sent again (nothing "
                                           "was done this time)", "schema": {"type": "string", "enum": ["true"]}},
}
#: ``Content-Language`` of a JSON answer other than an error (:data:`liaison_web.callers.BOTH_LANGUAGES`).
_BOTH = {"description": "the JSON carries both languages (message and message_zh, name and name_en), whatever "
                        "Accept-Language asks: zh-CN, en", "schema": {"type": "string", "enum": ["zh-CN, en"]},
         "required": True}

#: The headers every answer of a status carries, whatever the operation ("?": only some answers).
BY_STATUS: dict[int, tuple[str, ...]] = {
    **{status: ("Content-Language",) for status in (400, 403, 404, 405, 409, 413, 415, 422, 428, 500, 501, 503)},
    304: ("ETag",),
    401: ("Content-Language", "WWW-Authenticate"),
    412: ("Content-Language", "ETag?"),
    429: ("Content-Language", "Retry-After"),
}

_ETAG: dict[int, tuple[str, ...]] = {200: ("ETag",)}
_MADE: dict[int, tuple[str, ...]] = {201: ("ETag", "Location")}
#: The headers an operation's own answers carry, by status ("?": only some of them).
SENDS: dict[str, dict[int, tuple[str, ...]]] = {
    "getPlan": _ETAG, "getDueList": _ETAG, "getFindings": _ETAG, "getReport": _ETAG, "getOrganisationFindings": _ETAG,
    "getEngagement": _ETAG,
    "confirmEngagement": _ETAG, "moveEngagement": _ETAG, "cancelEngagement": _ETAG, "markEngagementHeld": _ETAG,
    "issueLetters": _ETAG, "listLetters": _ETAG, "downloadLetter": {**_ETAG, 503: ("Retry-After?",)},
    "downloadCalendar": _ETAG, "downloadWorkbook": _ETAG, "downloadPage": _ETAG,
    "getRecord": _ETAG, "withdrawRecord": _ETAG, "downloadEvidence": _ETAG,
    **{f"create{name}Record": _MADE for name in _RECORD_KINDS.values()},
    **{f"correct{name}Record": _ETAG for name in _RECORD_KINDS.values()},
    "acknowledgeItem": {200: ("ETag",), 201: ("ETag",)},
    "addWebhook": {201: ("Location",)},
    "uploadEvidence": {201: ("Location",)},
    "publishToCaldav": {202: ("Location",)},
}

#: What a POST that takes an ``Idempotency-Key`` (every POST but the login) may answer besides its own
#: (:mod:`liaison_web.idempotency`): 409 the first request still running, or done with a secret shown
#: once (``Location``: what was made); 422 the key sent with another request.
IDEMPOTENT_ANSWERS = (409, 422)
_IDEMPOTENCY_KEY: dict[str, Any] = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "description": "a key of the caller's (a UUID) naming this request: sent again with the same request within "
                   "24 hours, the first answer is sent again (Idempotent-Replayed: true) and nothing is done twice; "
                   "sent with another request, 422",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255,
               "description": "1 to 255 visible ASCII characters"}}

_READS: dict[str, dict[str, Any]] = {
    "Accept-Language": {"description": "the language of an error's rendered line: zh-CN (the default) or en "
                                       "(Content-Language says which was used)",
                        "schema": {"type": "string", "examples": ["zh-CN", "en"]}},
    "If-None-Match": {"description": "the ETag of the answer as last read: 304 with no body while it is unchanged",
                      "schema": {"type": "string"}},
}

#: A reStructuredText role (``:func:`~liaison.x.y```), a literal (````x````), an emphasis or link of it.
_ROLE = re.compile(r":[a-z]+(?::[a-z]+)?:`~?([^`<]*?)(?:\s*<[^>]*>)?`")
_LITERAL = re.compile(r"``([^`]+)``")


def plain(text: str) -> str:
    """``text`` (a docstring) as plain text: a role's target by its last name when written ``~``
    (``:func:`~liaison.x.y``` → ``y``) or whole, a literal without its quotes."""

    def role(found: re.Match[str]) -> str:
        target = found.group(1)
        return target.rsplit(".", 1)[-1] if found.group(0).split("`", 1)[1].startswith("~") else target

    return _LITERAL.sub(r"\1", _ROLE.sub(role, text))


def schema_name(generated: str) -> str:
    """The published name of a schema generated as ``generated``."""
    if generated in SCHEMA_NAMES:
        return SCHEMA_NAMES[generated]
    return "".join(part[:1].upper() + part[1:] for part in generated.split("_") if part)


def _renamed(value: Any, names: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: (f"#/components/schemas/{names[v.rsplit('/', 1)[1]]}" if k == "$ref" and isinstance(v, str)
                    and v.startswith("#/components/schemas/") else _renamed(v, names)) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, names) for v in value]
    return value


def _described(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: plain(v) if k in ("description", "summary") and isinstance(v, str) else _described(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_described(v) for v in value]
    return value


def _headers(names: tuple[str, ...]) -> dict[str, Any]:
    return {name.rstrip("?"): {**HEADERS[name.rstrip("?")], "required": not name.endswith("?")} for name in names}


def finished(document: dict[str, Any]) -> dict[str, Any]:
    """The document django-ninja generated, with the tables' names, headers and plain descriptions."""
    components = document.get("components", {})
    names = {generated: schema_name(generated) for generated in components.get("schemas", {})}
    if len(set(names.values())) != len(names):
        raise ValueError(f"two schemas published under one name: {sorted(names.items(), key=lambda kv: kv[1])}")
    document = _described(_renamed(document, names))
    components = document.get("components", {})
    if "schemas" in components:
        components["schemas"] = {names[k]: v for k, v in components["schemas"].items()}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            key = (method.upper(), path.removeprefix(ROOT))
            operation["operationId"] = OPERATION_IDS.get(key, operation.get("operationId"))
            own = SENDS.get(operation["operationId"], {})
            for status, response in operation.get("responses", {}).items():
                sent = (*BY_STATUS.get(int(status), ()), *own.get(int(status), ()))
                if sent:
                    response["headers"] = {**response.get("headers", {}), **_headers(sent)}
                if 200 <= int(status) < 300 and any(t in JSON_TYPES for t in response.get("content", {})):
                    response.setdefault("headers", {})["Content-Language"] = dict(_BOTH)
            if method.upper() == "POST" and operation["operationId"] != "logIn":
                _idempotent(operation)
            answers = {int(status) for status in operation.get("responses", {})}  # numbers until written as JSON
            read = ["Accept-Language", *(["If-None-Match"] if 304 in answers else [])]
            parameters = operation.setdefault("parameters", [])
            declared = {(p.get("in"), p.get("name", "").lower()) for p in parameters}
            parameters.extend({"in": "header", "name": name, "required": False, **_READS[name]} for name in read
                              if ("header", name.lower()) not in declared)
    return document


def _idempotent(operation: dict[str, Any]) -> None:
    """A POST's ``Idempotency-Key``, its answers (:data:`IDEMPOTENT_ANSWERS`) and their headers."""
    responses: dict[Any, dict[str, Any]] = operation.setdefault("responses", {})
    error = {"$ref": "#/components/schemas/ErrorResponse"}
    for status in IDEMPOTENT_ANSWERS:
        found: dict[str, Any] | None = next((r for k, r in responses.items() if int(k) == status), None)
        if found is None:
            found = responses[status] = {"description": "Conflict" if status == 409 else "Unprocessable Content",
                                         "content": {"application/json": {"schema": error}},
                                         "headers": _headers(BY_STATUS[status])}
        if status == 409:
            found["headers"] = {**found.get("headers", {}), **_headers(("Location?",))}
    for status, response in responses.items():
        if 200 <= int(status) < 300:
            response["headers"] = {**response.get("headers", {}), **_headers(("Idempotent-Replayed?",))}
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key" for p in parameters):
        parameters.append(dict(_IDEMPOTENCY_KEY))


class DocumentedApi(NinjaAPI):
    """django-ninja's API whose OpenAPI document is :func:`finished`, and whose refused values keep
    a validator's :class:`~liaison.base.errors.Refused` (its Chinese: :mod:`liaison_web.invalid`),
    which django-ninja would keep only as English text."""

    def validation_error_from_error_contexts(self, error_contexts: list[Any]) -> Any:
        from liaison.base.errors import Refused

        made = super().validation_error_from_error_contexts(error_contexts)
        raised = [e.get("ctx", {}).get("error") for context in error_contexts
                  for e in context.pydantic_validation_error.errors(include_url=False)]
        for error, cause in zip(made.errors, raised, strict=False):
            if isinstance(cause, Refused):
                error["ctx"]["refused"] = cause
        return made

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        made = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        made.update(finished(dict(made)))
        return made
