"""``Idempotency-Key`` on the API's POSTs: a request retried after a timeout is answered the first
answer again, not done twice (review 25b item 13: an OA system resending a visit made three).

A ``POST`` under ``/api/`` (not the login) with the header is the caller's — a session's user, or
the bearer token it names — key: the first request with it is done and its answer kept
(:class:`liaison_web.models.IdempotencyKey`) for :data:`KEPT`; the same key from the same caller with
the same request (method, address, body: a form's fields and files by their content, not the
multipart boundary a client draws afresh) is answered that answer again — its status, body,
``Location``, ``ETag``, ``Content-Type``, ``Content-Language`` — with ``Idempotent-Replayed: true``,
nothing done. The same key with another request is 422 (:class:`KeyReused`); while the first is
still running, a second waits for its answer (up to :data:`WAIT_SECONDS`, else 409
:class:`KeyInUse`): two identical requests at once make one record. Only an answer that did
something (2xx) is kept: an error changes nothing, so its retry runs again. An answer that shows a
secret once (a token, a webhook's secret, a feed's URL: the view marks it :data:`SHOWN_ONCE`) is
kept without its body: a retry is told it was done and where (409 :class:`AlreadyDone`, with the
``Location``), never the secret again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from liaison.base.errors import LiaisonError
from liaison_web.errors import InvalidRequest, error_response

__all__ = ["HEADER", "KEPT", "SHOWN_ONCE", "WAIT_SECONDS", "AlreadyDone", "Idempotent", "KeyInUse", "KeyReused",
           "shown_once"]

#: The request header, as an OA system sends it (and as the webhooks send theirs).
HEADER = "Idempotency-Key"
#: How long a key is kept: a retry within it is answered the first answer; after it the key is new.
KEPT = dt.timedelta(hours=24)
#: How long a request waits for the answer of the first one with its key, still running.
WAIT_SECONDS = 30.0
#: A request with its key still running after this long was cut off (its process stopped): taken over.
ABANDONED = dt.timedelta(minutes=10)
#: The attribute a view sets on an answer that shows a secret once.
SHOWN_ONCE = "liaison_shown_once"
#: The answer's headers kept and sent again.
REPLAYED_HEADERS = ("Content-Type", "Location", "ETag", "Content-Language")
_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as a UUID or a ULID is written
_EXEMPT = ("/api/v1/login",)


class KeyReused(InvalidRequest):
    """An ``Idempotency-Key`` sent again with another request than the first: 422."""


class KeyInUse(LiaisonError):
    """An ``Idempotency-Key`` whose first request is still running: 409, try again."""


class AlreadyDone(LiaisonError):
    """A request retried whose first answer showed a secret once: 409, naming what was made."""


def shown_once(response: HttpResponse) -> HttpResponse:
    """Mark ``response`` as showing a secret once: its body is never kept to be sent again."""
    setattr(response, SHOWN_ONCE, True)
    return response


def _caller(request: HttpRequest) -> str | None:
    """Whose key it is: the bearer token the request names (by its digest), else the session's user."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:64]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _digest(request: HttpRequest) -> str:
    """What was asked: the method, the address and the body — a multipart form by its fields and its
    files' names and contents (a client draws the boundary afresh on each attempt)."""
    made = hashlib.sha256()
    made.update(f"{request.method} {request.get_full_path()}\n".encode())
    if request.content_type == "multipart/form-data":
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                made.update(f"field {len(name)}:{name} {len(value)}:{value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                made.update(f"file {len(name)}:{name} {upload.name} {upload.size}\n".encode())
                for chunk in upload.chunks():
                    made.update(chunk)
                upload.seek(0)
    else:
        made.update(f"{request.content_type}\n".encode())
        made.update(request.body)
    return made.hexdigest()


def _replayed(request: HttpRequest, row: Any) -> HttpResponse:
    if row.shown_once:
        where = row.headers.get("Location", "")
        return _located(error_response(request, AlreadyDone(
            f"this {HEADER} was answered already, with a secret shown once: it is not shown again"
            + (f" (what was made: {where})" if where else ""),
            fix="use what the first answer showed; if it was lost, revoke what was made and make another",
            message_zh=f"该 {HEADER} 已有应答，其中的密钥只显示一次，不再显示"
                       + (f"（所建对象：{where}）" if where else ""),
            fix_zh="请使用第一次应答中显示的内容；如已丢失，请撤销所建对象后重新创建"), 409), where)
    response = HttpResponse(bytes(row.body), status=row.status)
    for name, value in row.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _located(response: HttpResponse, where: str) -> HttpResponse:
    if where:
        response["Location"] = where
    return response


class Idempotent:
    """The middleware (after the session's user and the upload limit are known)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if (key is None or request.method != "POST" or not request.path.startswith("/api/")
                or request.path.rstrip("/") in _EXEMPT):
            return self.get_response(request)
        if not _KEY.fullmatch(key):
            return error_response(request, InvalidRequest(
                f"the {HEADER} header is 1 to 255 visible ASCII characters (a UUID, say)", path=(HEADER,),
                fix="send a new UUID for each request, the same one again when retrying it",
                message_zh=f"{HEADER} 请求头须为 1 至 255 个可见 ASCII 字符（如 UUID）",
                fix_zh="每个请求发送一个新的 UUID，重试时发送同一个"), 422)
        caller = _caller(request)
        if caller is None:  # no one to keep it for: the view answers 401
            return self.get_response(request)
        return self._once(request, caller, key, _digest(request))

    def _once(self, request: HttpRequest, caller: str, key: str, digest: str) -> HttpResponse:
        from liaison_web import models

        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            now = timezone.now()
            try:
                with transaction.atomic():
                    models.IdempotencyKey.objects.filter(created__lt=now - KEPT).delete()
                    row = models.IdempotencyKey.objects.create(caller=caller, key=key, digest=digest, created=now)
            except IntegrityError:
                held = models.IdempotencyKey.objects.filter(caller=caller, key=key).first()
                if held is None:  # gone meanwhile (expired, or its request failed): try again
                    continue
                if held.digest != digest:
                    return error_response(request, KeyReused(
                        f"this {HEADER} was sent with another request (another address or body); nothing was done",
                        path=(HEADER,), fix="send a new key for a new request; the same key only to retry the same "
                                            "request",
                        message_zh=f"该 {HEADER} 已用于另一请求（地址或内容不同）；未作任何处理",
                        fix_zh="新的请求请使用新的键；同一个键只用于重试同一请求"), 422)
                if held.status:
                    return _replayed(request, held)
                if now - held.created > ABANDONED:  # its request was cut off: this one does it
                    models.IdempotencyKey.objects.filter(pk=held.pk, status=0).delete()
                    continue
                if time.monotonic() > deadline:
                    return error_response(request, KeyInUse(
                        f"the request first sent with this {HEADER} is still running",
                        fix="retry it with the same key in a moment",
                        message_zh=f"首次使用该 {HEADER} 的请求仍在处理中", fix_zh="请稍后用同一个键重试"), 409)
                time.sleep(0.05)
                continue
            break
        try:
            response = self.get_response(request)
        except BaseException:
            models.IdempotencyKey.objects.filter(pk=row.pk).delete()
            raise
        if not 200 <= response.status_code < 300 or response.streaming:
            models.IdempotencyKey.objects.filter(pk=row.pk).delete()  # nothing done: a retry runs again
            return response
        once = bool(getattr(response, SHOWN_ONCE, False))
        row.status, row.shown_once = response.status_code, once
        row.headers = {name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)}
        row.body = b"" if once else response.content
        row.save(update_fields=["status", "shown_once", "headers", "body"])
        return response
