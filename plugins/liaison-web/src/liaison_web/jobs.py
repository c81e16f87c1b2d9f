"""Publishing a year to CalDAV in the background: ``POST …/publish/caldav`` queues a job (202, the
job's address to poll) and the service's worker performs it — the same thread that sends the
webhooks' deliveries (:class:`liaison_web.worker.Worker`), woken by the queueing.

Why not in the request: a first publication of a district's year is some 170 requests to the CalDAV
server and the year's lock is held while it runs; a caller (an OA system, a browser) would wait
seconds to minutes on one HTTP request that a proxy may time out, and a server that is down would
be the caller's error to retry. A job is retried by the service instead.

**A job** (:class:`~liaison_web.models.PublishJob`) holds what was asked (``calendars``,
``overwrite``), who asked (the audit entry of the publication names them) and the server's address
(the credentials stay in the settings). The worker takes the oldest job that is due, holding a
lease on its row (a conditional ``UPDATE``, as for a webhook), so two processes never run one job;
two jobs of one year run one after the other anyway (the workspace holds the year's lock).

**Retries.** A publication that stops (:class:`~liaison.host.publishing.PublishError`: the server
unreachable, a refused password or write) is tried again after the webhooks' backoff
(:class:`~liaison_web.webhooks.Policy`: the first retry after ``backoff`` seconds, doubling), each
attempt from where the last one stopped (what the server accepted is recorded in the year's state),
until ``max_attempts``: then the job is ``failed``. A refusal that another try cannot mend (no
server configured any more, a year without a plan, the caldav plugin not installed) fails it at
once. Every attempt is logged (:class:`~liaison_web.models.PublishAttempt`); the job's ``error``
is the last failure in the one error shape; the audit log gets ``publish`` (the summary) or
``publish-failed`` (the error) when the job ends, as the request would have written.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from typing import Any

import attrs
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from liaison.base.errors import LiaisonError, error_document
from liaison.law.district import District
from liaison_web import models
from liaison_web.masking import masked, masked_text

__all__ = ["JobsReport", "described", "enqueue", "perform_pending"]

log = logging.getLogger("liaison_web.jobs")


@attrs.frozen(kw_only=True)
class JobsReport:
    """What a pass of the worker did with the publication jobs: attempts made, jobs done, jobs now
    failed, and the seconds until the next retry is due (None: nothing waiting)."""

    attempts: int = 0
    done: int = 0
    failed: int = 0
    next_in: float | None = None


def enqueue(found: District, year: int, *, calendars: list[str], overwrite: bool, user: Any, actor: str,
            remote_address: str, using: str = "default") -> models.PublishJob:
    """Queue a publication of ``found``'s ``year`` (the caller has been authorised and the year has
    a plan); :class:`~liaison_web.publishing.NotConfigured` without a server, so that is answered
    at once. The worker is woken when the job is committed."""
    from liaison_web.publishing import configured
    from liaison_web.webhooks import WAKE

    target = str(configured()["url"])
    owner = models.District.objects.using(using).get(code=found.info.id)
    job = models.PublishJob.objects.using(using).create(
        district=owner, year=year, target=target, options={"calendars": list(calendars), "overwrite": overwrite},
        next_attempt=timezone.now(), user=user if getattr(user, "pk", None) else None, actor=actor,
        remote_address=remote_address)
    transaction.on_commit(WAKE.set, using=using)
    return job


def described(job: models.PublishJob) -> dict[str, Any]:
    """A job as the API answers it (``PublishJobModel``): what was asked, where it stands, the
    summary when done (:func:`liaison_web.publishing.summary`), the last error, every attempt — the
    target's (the CalDAV server's) user information and query masked, as the audit log keeps them, and
    every address in the error and the attempts' errors (:func:`liaison_web.masking.masked`: a job
    failed before they were masked as they are kept): whoever reads the year's jobs is not given its
    credentials."""
    shown: dict[str, Any] = masked({"id": job.pk, "district": job.district.code, "year": job.year, "target": job.target,
            "calendars": list(job.options.get("calendars", [])), "overwrite": bool(job.options.get("overwrite")),
            "status": job.status, "attempts": job.attempts, "created": job.created.isoformat(),
            "next_attempt": job.next_attempt.isoformat() if job.status == "pending" else None,
            "finished": job.finished.isoformat() if job.finished else None,
            "result": job.result, "error": job.error,
            "log": [{"at": a.at.isoformat(), "error": a.error, "milliseconds": a.milliseconds}
                    for a in getattr(job, "log").all()]})  # noqa: B009 - the reverse relation
    return shown


def _claim(job: int, owner: str, lease: dt.timedelta, using: str) -> bool:
    now = timezone.now()
    return bool(models.PublishJob.objects.using(using).filter(pk=job, status="pending").filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner)).update(
        lease_owner=owner, lease_until=now + lease))


#: How long a worker may hold a job: a first publication of a large year takes minutes.
LEASE = dt.timedelta(minutes=30)


def perform_pending(*, using: str = "default", policy: Any = None, rng: random.Random | None = None) -> JobsReport:
    """One pass: every publication job that is due, oldest first (see the module's docstring)."""
    from liaison_web.webhooks import Policy, _owner

    policy = policy or Policy.from_settings()
    owner = _owner()
    attempts = done = failed = 0
    now = timezone.now()
    due = list(models.PublishJob.objects.using(using).filter(status="pending", next_attempt__lte=now)
               .order_by("id").values_list("pk", flat=True))
    for pk in due:
        if not _claim(pk, owner, LEASE, using):
            continue  # another worker has it
        try:
            outcome = _attempt(pk, policy, using, rng)
        finally:
            models.PublishJob.objects.using(using).filter(pk=pk, lease_owner=owner).update(
                lease_owner="", lease_until=None)
        attempts += 1
        done, failed = done + (outcome == "done"), failed + (outcome == "failed")
    waiting = (models.PublishJob.objects.using(using).filter(status="pending").order_by("next_attempt")
               .values_list("next_attempt", flat=True).first())
    next_in = None if waiting is None else max(0.0, (waiting - timezone.now()).total_seconds())
    return JobsReport(attempts=attempts, done=done, failed=failed, next_in=next_in)


def _attempt(pk: int, policy: Any, using: str, rng: random.Random | None) -> str:
    """One attempt of job ``pk``: its status after (done, failed, pending: to be retried)."""
    from liaison.host.publishing import PublishError
    from liaison_web import bootstrap
    from liaison_web.audit import record
    from liaison_web.publishing import publish_caldav, summary
    from liaison_web.store import DatabaseStore

    job = models.PublishJob.objects.using(using).select_related("district", "user").get(pk=pk)
    code = job.district.code
    store = DatabaseStore(using=using)
    found = bootstrap.district(code, using=using)
    held = store.current(found, job.year) if found is not None else None
    started = time.monotonic()
    error: LiaisonError | None = None
    retry = False
    result: dict[str, Any] | None = None
    try:
        if found is None or held is None:
            from liaison_web.errors import no_district, no_plan

            raise no_district(code) if found is None else no_plan(found, job.year)
        published = publish_caldav(found, job.year, calendars=job.options.get("calendars", []),
                                   overwrite=bool(job.options.get("overwrite")), using=using)
        result = summary(published, job.target, store.current(found, job.year))
    except PublishError as exc:  # the server away, refusing: what it accepted is recorded; try again later
        error, retry = exc, True
    except LiaisonError as exc:  # nothing another try would mend
        error = exc
    except Exception as exc:  # unforeseen: logged for the operator, tried again
        log.exception("publication job %s failed", pk)
        error, retry = LiaisonError(f"the publication failed ({type(exc).__name__})",
                                    fix="the service's log has the details; it is tried again",
                                    message_zh=f"发布失败（{type(exc).__name__}）",
                                    fix_zh="服务日志中有详细信息；将自动重试"), True
    took = int((time.monotonic() - started) * 1000)
    with transaction.atomic(using=using):
        job.attempts += 1
        # kept masked (liaison_web.masking): an error names the server's address, query and all
        models.PublishAttempt.objects.using(using).create(job=job, at=timezone.now(), milliseconds=took,
                                                          error=masked_text(error.render()) if error else "")
        if error is None:
            job.status, job.result, job.error, job.finished = "done", result, None, timezone.now()
        else:
            job.error = masked(error_document(error), "error")
            if retry and job.attempts < policy.max_attempts:
                job.next_attempt = timezone.now() + dt.timedelta(seconds=policy.wait(job.attempts, rng))
            else:
                job.status, job.finished = "failed", timezone.now()
        job.save(using=using, update_fields=["status", "attempts", "next_attempt", "finished", "result", "error"])
        if job.status != "pending":  # the audit entry the request would have written, when the job ends
            ok = job.status == "done"
            record("publish" if ok else "publish-failed", "year", f"{code}/{job.year}", user=job.user,
                   actor=job.actor, remote_address=job.remote_address, district=code, using=using,
                   before={"revision": held, "job": job.pk},
                   after={**result, "job": job.pk} if ok and result is not None else
                   {"error": error.message if error is not None else "", "job": job.pk})
    return job.status
