"""What a request says about its caller: the address it comes from and the language it reads.

- :func:`remote_address` — ``REMOTE_ADDR``; behind a reverse proxy the service trusts
  (``LIAISON_SECURE=1``) the first address of ``X-Forwarded-For`` (the client as the proxy saw it).
  Without that setting the header is anyone's to write, so it is ignored.
- :func:`language` — ``zh`` or ``en`` from ``Accept-Language`` (``zh-CN``, ``en-US;q=0.8`` …, by
  quality); Chinese when it names neither.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CONTENT_LANGUAGE", "language", "remote_address"]

CONTENT_LANGUAGE = {"zh": "zh-CN", "en": "en"}


def remote_address(request: Any) -> str:
    from django.conf import settings

    if getattr(settings, "LIAISON_SECURE", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        first = forwarded.split(",")[0].strip()
        if first:
            return str(first)[:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def language(request: Any) -> str:
    """``zh`` or ``en``: the first of the two ``Accept-Language`` prefers (ties: the order given)."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "") if request is not None else ""
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("zh", "en") and quality > 0:
            ranked.append((-quality, n, primary))
    return min(ranked)[2] if ranked else "zh"
