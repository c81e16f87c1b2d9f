"""Withdrawing an evidence file attached by mistake (``POST …/evidence/{key}/withdrawal``).

The file's row is a fact and stays, as its bytes in the media root do: a withdrawal is a row added
beside it (:class:`liaison_web.models.EvidenceWithdrawal`: who, when, why), after which every list
shows the file ``withdrawn`` with its withdrawal, and the audit log of the record or engagement it
was evidence of has the entry. Who may: an administrator of the district, or the body of the user
who uploaded it (the access table's ``withdraw_evidence``; the object is the file, the uploader's
organisations in the district its participants). Withdrawing a withdrawn file adds nothing and
answers it as it is.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from liaison_web import models
from liaison_web.api import ERRORS, _authorise, _district, actor_of, api
from liaison_web.api_records import (
    EvidenceModel,
    Key,
    Withdrawal,
    _about,
    _evidence_document,
    _evidence_rows,
    _no_evidence,
    _object_of,
)
from liaison_web.callers import remote_address
from liaison_web.errors import NotFound, json_response

__all__ = ["withdraw_evidence"]


def _uploaders(row: models.Evidence, district: str) -> list[str]:
    """The organisations, in ``district``, of the user who uploaded the file (from its ``attach``
    entry in the audit log, which names the user): what the access table decides on."""
    user = (models.AuditEntry.objects.filter(district__code=district, action="attach", object_type=row.object_type,
                                             object_id=row.object_id, after__evidence__key=row.key)
            .exclude(user=None).values_list("user", flat=True).first())
    if user is None:
        return []
    found = models.Membership.objects.filter(user_id=user, district__code=district).exclude(organisation="")
    return sorted({m.organisation for m in found})


@api.post("/districts/{district}/evidence/{key}/withdrawal", response={200: EvidenceModel, **ERRORS},
          tags=["evidence"])
def withdraw_evidence(request: HttpRequest, district: str, key: Key, body: Withdrawal) -> HttpResponse:
    """Withdraw an evidence file attached by mistake, saying why: it stays (the row, the bytes, the
    download), shown ``withdrawn`` with who withdrew it, when and why, and the entry is in the audit
    log of what it was evidence of. By an administrator, or the body of the user who uploaded it.
    A withdrawn file is answered as it is (nothing added)."""
    from liaison_web.audit import record as audit

    _district(request, district, "withdraw_evidence")
    row = _evidence_rows(district).filter(key=key).first()
    if row is None:
        raise _no_evidence(key)
    _authorise(request, "withdraw_evidence", district,
               {"id": key, "host": "", "participants": _uploaders(row, district)})
    if hasattr(row, "withdrawal"):  # withdrawn already (no withdrawal row: Django's AttributeError)
        return json_response(_evidence_document(row, district))
    try:
        obj: dict[str, Any] = _object_of(request, district, row.year, row.object_type, row.object_id)
    except NotFound:  # an engagement the plan no longer has: its file is the district's (as in the list)
        obj = {"id": row.object_id, "host": "", "participants": []}
    before = _evidence_document(row, district)
    try:
        with transaction.atomic():
            models.EvidenceWithdrawal.objects.create(evidence=row, reason=body.reason, actor=actor_of(request))
            shown = _evidence_document(_evidence_rows(district).get(pk=row.pk), district)
            audit("withdraw_evidence", row.object_type, row.object_id, user=request.user, actor=actor_of(request),
                  district=district, remote_address=remote_address(request), before={"evidence": before},
                  after={"evidence": shown, "reason": body.reason, **_about(row.object_type, obj)})
    except IntegrityError:  # withdrawn meanwhile by another caller: theirs is the withdrawal
        shown = _evidence_document(_evidence_rows(district).get(pk=row.pk), district)
    return json_response(shown)
