"""Paging a list by its rows' ids: ``since_id`` (only what comes after the id a client saw last) and
``limit`` (at most that many); a full page says where the next begins — in a ``Link: <…>;
rel="next"`` header, and in the audit's page (:mod:`liaison_web.api_audit`) as ``next``. A client
polling keeps the last id it saw and asks from it: what was added meanwhile comes, nothing twice."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

from django.http import HttpRequest, HttpResponse
from ninja import Field

__all__ = ["MAX_LIMIT", "Limit", "SinceId", "link", "next_url", "paged"]

T = TypeVar("T")

MAX_LIMIT = 1000
SinceId = Annotated[int, Field(ge=0, le=2**63 - 1, description="only rows after this id (the last one seen)")]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description=f"at most this many (1 to {MAX_LIMIT})")]


def paged(items: Sequence[T], ident: Callable[[T], int], since_id: int | None,
          limit: int | None) -> tuple[list[T], int | None]:
    """``items`` (in the order of their ids) after ``since_id``, at most ``limit``; and the id the
    next page starts after when this one is full (None: nothing more, or no limit asked)."""
    shown = [i for i in items if since_id is None or ident(i) > since_id]
    if limit is None or len(shown) <= limit:
        return shown, None
    return shown[:limit], ident(shown[limit - 1])


def next_url(request: HttpRequest, after: int | None) -> str | None:
    """The request's own address with ``since_id`` = ``after`` (its other parameters kept)."""
    if after is None:
        return None
    query = [(k, v) for k, v in urllib.parse.parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
             if k != "since_id"]
    return f"{request.path}?{urllib.parse.urlencode([*query, ('since_id', str(after))])}"


def link(response: HttpResponse, request: HttpRequest, after: int | None) -> HttpResponse:
    """``response`` with the ``Link: <…>; rel="next"`` header when there is a next page."""
    found = next_url(request, after)
    if found is not None:
        response["Link"] = f'<{found}>; rel="next"'
    return response
