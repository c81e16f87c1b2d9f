"""Calendar feeds per organisation: ``/feeds/<token>.ics``, a secret URL a body subscribes to from
DingTalk, WeCom, Feishu or Outlook, serving its calendar of the current year and the next (where the
next is planned), so a December subscription shows January: the current year's calendar with the next
year's events after its own (one VTIMEZONE, the current year's name; each event keeps its UID,
stable across the year's turn).
``?year=2027`` serves that year alone.

The calendar is the ``ical`` exporter's own (:func:`liaison_ical.plugin.export`, with its default
options, on the year's current state as the service holds it): the bytes ``liaison export ical``
writes to ``ical/<organisation>.ics`` for the same year — no second calendar builder. Rendered once
per revision of the year (a revision names its content); ``ETag`` the bytes' sha256,
``Last-Modified`` when the revision was saved, and ``If-None-Match`` / ``If-Modified-Since`` give 304.

The token is ``lsf_`` and 40 random URL-safe characters; the table keeps its sha256 and its first 12
characters. Making one for an organisation (:func:`rotate`) revokes the one it had: the old URL is
404 from the next request on, as is a revoked one (:func:`revoke`). One made through an API token
ends with that token (revoked, expired, its user inactive): 404 as a revoked one, listed as ended
with the reason (:mod:`liaison_web.owned`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt

from liaison_web import bootstrap, models
from liaison_web.clock import district_today

__all__ = ["PREFIX", "calendar_bytes", "described", "revoke", "rotate", "serve"]

PREFIX = "lsf_"
MEDIA_TYPE = "text/calendar; charset=utf-8"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def rotate(district: str, organisation: str, *, using: str = "default",
           token: Any = None) -> tuple[models.FeedToken, str]:
    """A new feed token for the organisation (the one it had is revoked); the token, shown once.
    ``token``: the :class:`liaison_web.tokens.Caller` of the request making it (None: a session) — the
    feed then ends with that API token (:mod:`liaison_web.owned`)."""
    owner = models.District.objects.using(using).get(code=district)
    revoke(district, organisation, using=using)
    secret = PREFIX + secrets.token_urlsafe(30)
    row = models.FeedToken.objects.using(using).create(
        district=owner, organisation=organisation, prefix=secret[:12], sha256=_hash(secret),
        token_id=token.token_id if token is not None else None, token_prefix=token.prefix if token is not None else "")
    return row, secret


def revoke(district: str, organisation: str, *, using: str = "default") -> int:
    """Revoke the organisation's feed token; how many were in use."""
    return models.FeedToken.objects.using(using).filter(
        district__code=district, organisation=organisation, revoked__isnull=True).update(revoked=timezone.now())


def described(row: models.FeedToken) -> dict[str, Any]:
    """A feed token as listed: ``api_token``, the API token it was made through (its prefix; none: a
    session's); ``ended``, why it serves no more — ``revoked`` (revoked or rotated), or its API token's
    end (:data:`liaison_web.owned.REASONS`) —, none while it serves."""
    from liaison_web.owned import ended

    reason = (row.end_reason or "revoked") if row.revoked is not None else ended(row)
    return {"prefix": row.prefix, "organisation": row.organisation, "created": row.created.isoformat(),
            "revoked": row.revoked.isoformat() if row.revoked else None, "api_token": row.token_prefix or None,
            "ended": reason}


@functools.lru_cache(maxsize=16)
def _calendars(code: str, version: str, year: int, revision: str) -> dict[str, bytes]:
    """Every calendar the ``ical`` exporter writes for one revision of the year, by path."""
    from liaison.host.exporting import ExportRequest
    from liaison_ical.plugin import export, typed_options
    from liaison_web.store import DatabaseStore

    found = bootstrap.district_version(code)
    if found is None or found[1] != version:
        return {}
    stored = DatabaseStore().load(found[0], year, revision=revision)
    if stored is None:
        return {}
    request = ExportRequest(district=found[0], plan=stored.state.plan, options=typed_options({}))
    return {a.path: a.data for a in export(request)}


def calendar_bytes(code: str, organisation: str, year: int) -> tuple[bytes, dt.datetime] | None:
    """The organisation's calendar of the year as the exporter writes it, and when the year's
    revision was saved; None: no such district, year or calendar (it takes part in nothing)."""
    from liaison.host.exporting import safe_name
    from liaison_ical.plugin import FOLDER

    found = bootstrap.district_version(code)
    row = models.Year.objects.filter(district__code=code, year=year).exclude(revision="").first()
    if found is None or row is None:
        return None
    at = (models.YearRevision.objects.filter(year=row, tag=row.revision).values_list("at", flat=True).first()
          or timezone.now())
    data = _calendars(code, found[1], year, row.revision).get(f"{FOLDER}/{safe_name(organisation)}.ics")
    return None if data is None else (data, at)


def _joined(calendar: bytes, following: bytes) -> bytes:
    """``calendar`` with the events of ``following`` (the next year's, as the same exporter writes
    it: the same header and time zone) added before its end: one calendar of both years. An
    unfolded line ``BEGIN:VEVENT`` is always a component's start (a folded one begins with a space)."""
    events: list[bytes] = []
    inside = False
    for line in following.split(b"\r\n"):
        inside = inside or line == b"BEGIN:VEVENT"
        if inside:
            events.append(line + b"\r\n")
        inside = inside and line != b"END:VEVENT"
    end = calendar.rindex(b"END:VCALENDAR")
    return calendar[:end] + b"".join(events) + calendar[end:]


@csrf_exempt  # no session acts here (the URL is the credential): a POST is 405, not CSRF's 403
def serve(request: HttpRequest, token: str) -> HttpResponse:
    """``GET /feeds/<token>.ics[?year=2027]``: the calendar of the token's organisation for the year
    (default: the current year in the district's time zone and the next where it is planned,
    :func:`_joined`). An unknown or revoked token (or one whose API token ended), a year
    without a plan: 404, nothing said about why (the URL is the only credential). Any other method
    than GET and HEAD: 405 (``Allow: GET, HEAD``), whatever the token, before it is looked up. The
    path, which Django's log names when it answers 404 or 405, is cut there (:mod:`liaison_web.logs`)."""
    from liaison_web.owned import live

    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"], "GET or HEAD only\n", content_type="text/plain; charset=utf-8")
    # a feed made through an API token serves while that token is live (liaison_web.owned)
    row = (models.FeedToken.objects.select_related("district")
           .filter(live(), sha256=_hash(token), revoked__isnull=True).first())
    given = request.GET.get("year", "")
    if row is None or (given and not (given.isdigit() and len(given) == 4)):
        return HttpResponse("not found\n", status=404, content_type="text/plain; charset=utf-8")
    code = row.district.code
    district = bootstrap.district(code)
    if district is None:
        return HttpResponse("not found\n", status=404, content_type="text/plain; charset=utf-8")
    year = int(given) if given else district_today(district).year
    found = calendar_bytes(code, row.organisation, year)
    if not given:  # the current year and the next where it is planned (a December subscription shows January)
        following = calendar_bytes(code, row.organisation, year + 1)
        if following is not None:
            found = following if found is None else (_joined(found[0], following[0]), max(found[1], following[1]))
    if found is None:
        return HttpResponse("not found\n", status=404, content_type="text/plain; charset=utf-8")
    data, at = found
    etag = f'"{hashlib.sha256(data).hexdigest()[:32]}"'
    modified = int(at.timestamp())
    matches = request.headers.get("If-None-Match")
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if (matches is not None and etag in [t.strip().removeprefix("W/") for t in matches.split(",")]) or (
            matches is None and since is not None and modified <= since):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(data, content_type=MEDIA_TYPE)
        response["Content-Disposition"] = f'inline; filename="{row.organisation}-{year}.ics"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = "private, max-age=0"
    return response
