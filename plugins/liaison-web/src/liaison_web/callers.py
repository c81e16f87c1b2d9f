"""What a request says about its caller: the address it comes from and the language it reads.

- :func:`remote_address` — ``REMOTE_ADDR``; behind a reverse proxy the service trusts
  (``LIAISON_SECURE=1``) the address that proxy appended to ``X-Forwarded-For``: the last entry, or
  with ``LIAISON_TRUSTED_PROXIES`` = n proxies in a row the n-th from the end. Whatever stands
  before it the client wrote (a forged first entry would otherwise escape the login lockout and
  write the audit trail's "from where"). Without ``LIAISON_SECURE`` the header is ignored.
- :func:`language` — ``zh`` or ``en`` from ``Accept-Language`` (``zh-CN``, ``en-US;q=0.8`` …, by
  quality); Chinese when it names neither.
- :func:`foreign_origin` — the site another page sent the request from (its ``Origin``, else its
  ``Referer``), when that is not the service's own host: what a browser says of a cross-site request.
  A client that is no browser (an OA system, ``curl``) sends neither, and is not one.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BOTH_LANGUAGES", "CONTENT_LANGUAGE", "JSON_TYPES", "foreign_origin", "language", "remote_address"]

CONTENT_LANGUAGE = {"zh": "zh-CN", "en": "en"}
#: The ``Content-Language`` of an API answer's JSON other than an error's: it carries both languages
#: (``message`` and ``message_zh``, ``name`` and ``name_en``) whatever ``Accept-Language`` asks, and is
#: the same bytes under the same ETag for either — a header naming the asked one would make one strong
#: ETag name two representations (RFC 9110 8.8.3). An error's ``rendered`` line is in the asked language.
BOTH_LANGUAGES = "zh-CN, en"
#: The media types of the API's answers in JSON (one document, or JSON lines: the audit log's export).
JSON_TYPES = ("application/json", "application/x-ndjson")


def remote_address(request: Any) -> str:
    from django.conf import settings

    if getattr(settings, "LIAISON_SECURE", False):
        entries = [e.strip() for e in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
        proxies = int(getattr(settings, "LIAISON_TRUSTED_PROXIES", 1))
        # fewer entries than proxies: not our proxies' header; an entry that is no address: not theirs either
        if len(entries) >= proxies and _address(entries[-proxies]):
            return entries[-proxies][:64]
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def _address(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


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


def foreign_origin(request: Any) -> str | None:
    """The origin a browser says the request came from (``Origin``; without it, ``Referer``'s scheme
    and host) when it is not the service's own — another host, or ``http`` to a service reached over
    HTTPS —, else None. ``Origin: null`` (a sandboxed or privacy-hiding page) is no page of the
    service's either. A request naming neither is not a browser's cross-site one: None."""
    from urllib.parse import urlsplit

    given = str(request.META.get("HTTP_ORIGIN", "")).strip() or str(request.META.get("HTTP_REFERER", "")).strip()
    if not given:
        return None
    parts = urlsplit(given)
    if given == "null" or not parts.scheme or not parts.netloc:
        return given[:200]
    try:
        own = request.get_host()
    except Exception:  # a host the service does not serve is answered before any view runs
        return given[:200]
    if parts.netloc.lower() != own.lower() or (request.is_secure() and parts.scheme != "https"):
        return f"{parts.scheme}://{parts.netloc}"[:200]
    return None
