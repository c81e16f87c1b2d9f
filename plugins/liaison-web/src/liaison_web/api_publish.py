"""The API's publication of a year to CalDAV, performed in the background (:mod:`liaison_web.jobs`;
registered on :data:`liaison_web.api.api`).

- ``POST /api/v1/districts/{district}/years/{year}/publish/caldav`` — queue a publication: 202, the
  job, ``Location`` its address; 409 without a CalDAV server (``NotConfigured``), 404 for a year without a plan;
- ``GET …/publish/jobs`` — the year's publication jobs, newest first;
- ``GET …/publish/jobs/{job}`` — one job: ``pending`` (with its attempts so far and when the next
  is due), ``done`` (``result``: what the publication did), ``failed`` (``error``: the last one).

The summary's shape (``PublishedModel``, :func:`liaison_web.publishing.summary`) and the body's
(``PublishBody``) are the API's (:mod:`liaison_web.api`); the job's is here and
:func:`liaison_web.jobs.described` writes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import Field

from liaison_web import jobs, models, schemas
from liaison_web.api import (
    ERRORS,
    Error,
    PublishBody,
    PublishedModel,
    _audited,
    _district,
    _district_object,
    _revision,
    actor_of,
    api,
)
from liaison_web.callers import remote_address
from liaison_web.errors import NotFound, json_response

__all__ = ["PublishJobModel"]

_YEAR = "/districts/{district}/years/{year}/publish"


class PublishAttemptModel(Schema):
    at: dt.datetime
    error: str = Field(description="why it stopped, as the command prints it; empty: it succeeded")
    milliseconds: int


class PublishJobModel(Schema):
    """A publication of the year to the configured CalDAV server, performed by the service's worker."""

    id: int
    district: str
    year: int
    target: str = Field(description="the CalDAV server's address (no credentials)")
    calendars: list[str]
    overwrite: bool
    status: Literal["pending", "done", "failed"] = Field(
        description="pending: queued or to be tried again at next_attempt; done: see result; failed: see error")
    attempts: int
    created: dt.datetime
    next_attempt: dt.datetime | None
    finished: dt.datetime | None
    result: PublishedModel | None = Field(description="what the publication did (done)")
    error: schemas.error_document_model() | None = Field(  # type: ignore[valid-type]
        description="the last attempt's error, in the one error shape")
    log: list[PublishAttemptModel]


def _job_path(district: str, year: int, job: int) -> str:
    return f"/api/v1/districts/{district}/years/{year}/publish/jobs/{job}"


@api.post(f"{_YEAR}/caldav", response={202: PublishJobModel, **ERRORS, 409: Error}, tags=["years"])
def publish_caldav(request: HttpRequest, district: str, year: schemas.YEAR, body: PublishBody) -> HttpResponse:
    """Publish the district's year to the CalDAV server the service is configured with, through the
    caldav publisher (only what changed since the last publication is sent; what the server accepted
    is recorded in the year's state), in the background: 202 with the job (``Location``: its
    address, to poll); a stopped publication is tried again with a backoff. 409 when no server is
    configured, 404 when the year has no plan."""
    found, _ = _district(request, district, "publish")
    _district_object(request, "publish", district)
    held = _revision(found, year)  # a year without a plan: 404
    with transaction.atomic():
        job = jobs.enqueue(found, year, calendars=body.calendars, overwrite=body.overwrite, user=request.user,
                           actor=actor_of(request), remote_address=remote_address(request))
        _audited(request, "publish-queued", "year", f"{district}/{year}", district,
                 before={"revision": held}, after={"job": job.pk, "target": job.target, **job.options})
    response = json_response(jobs.described(job), status=202)
    response["Location"] = _job_path(district, year, job.pk)
    return response


def _jobs(request: HttpRequest, district: str, year: int) -> QuerySet[models.PublishJob]:
    """The year's jobs, if the caller may publish it (reading them needs a token that may read)."""
    _district(request, district, "read")
    _district_object(request, "publish", district)
    return (models.PublishJob.objects.select_related("district").prefetch_related("log")
            .filter(district__code=district, year=year))


@api.get(f"{_YEAR}/jobs", response={200: list[PublishJobModel], **ERRORS}, tags=["years"])
def publish_jobs(request: HttpRequest, district: str, year: schemas.YEAR) -> HttpResponse:
    """The year's publication jobs, newest first."""
    return json_response([jobs.described(j) for j in _jobs(request, district, year).order_by("-id")])


@api.get(f"{_YEAR}/jobs/{{job}}", response={200: PublishJobModel, **ERRORS}, tags=["years"])
def publish_job(request: HttpRequest, district: str, year: schemas.YEAR, job: int) -> HttpResponse:
    """One publication job: where it stands, what it did, its attempts."""
    found = _jobs(request, district, year).filter(pk=job).first()
    if found is None:
        raise NotFound(f"the {year} of {district} has no publication job {job}",
                       fix="list them: GET …/publish/jobs", message_zh=f"{district} 的{year}年没有发布任务 {job}",
                       fix_zh="请查看发布任务列表：GET …/publish/jobs")
    return json_response(jobs.described(found))
