"""The login lockout (django-axes): after ``LIAISON_LOGIN_FAILURES`` failed logins (5) of one user
name **from one address** — the (user name, address) pair — that name is refused from that address
for ``LIAISON_LOGIN_LOCKOUT_MINUTES`` (15), the right password included; and after
``LIAISON_LOGIN_ADDRESS_FAILURES`` (50) failures from one address, whatever names they tried (the
rate limit of guessing), the address is refused for as long. The pair, not the name alone: five wrong
passwords typed by one person in an office (one address behind its NAT) do not lock out the colleagues
who type theirs right, and a stranger elsewhere cannot lock a user out by failing in its name. The
caller is told so: 429 with the library's error document on the API's login, the same message in
both languages on the page ``/login/``. Axes counts in the database (its own tables), so every
process of the service and every restart sees the same count."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler  # type: ignore[import-untyped]
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse

from liaison_web.callers import remote_address
from liaison_web.errors import LockedOut, error_response, retry_after

__all__ = ["Handler", "LockedOut", "client_address", "locked_out", "locked_out_error", "username_of"]

class Handler(AxesDatabaseHandler):  # type: ignore[misc]  # axes has no type hints
    """Axes' database handler with two limits: ``AXES_FAILURE_LIMIT`` on the (user name, address)
    pair and ``LIAISON_LOGIN_ADDRESS_FAILURES`` on the address (axes compares the greatest count
    of its parameters with one limit)."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        from axes.helpers import get_failure_limit  # type: ignore[import-untyped]
        from django.conf import settings

        # AXES_LOCKOUT_PARAMETERS (settings.py) in its order: the pair, then the address alone
        pair, address = (attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
                         for attempts in self.get_user_attempts(request, credentials))
        by_address = address >= settings.LIAISON_LOGIN_ADDRESS_FAILURES
        if request is not None:
            request.liaison_locked_by_address = by_address and pair < get_failure_limit(request, credentials)
        # axes compares the result with the pair's limit: the address's ceiling reached counts as that
        return int(max(pair, get_failure_limit(request, credentials))) if by_address else int(pair)

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        # a successful login clears its own pair's count, not the address's: one good account must
        # not wipe the count of the names an address is guessing
        count, _ = self.filter_user_attempts(request, credentials)[0].delete()
        return int(count)


def client_address(request: HttpRequest) -> str:
    return remote_address(request)


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The user name a login tried: the credentials given to ``authenticate``, else the form's field."""
    if credentials and credentials.get("username"):
        return str(credentials["username"])
    found = request.POST.get("username") if request.method == "POST" else None
    return str(found) if found else None


def locked_out_error(request: HttpRequest | None = None) -> LockedOut:
    from django.conf import settings

    limit, minutes = settings.AXES_FAILURE_LIMIT, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    error = _locked_out_error(request, limit, minutes)
    error.retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())  # Retry-After: the whole cool-off
    return error


def _locked_out_error(request: HttpRequest | None, limit: int, minutes: int) -> LockedOut:
    from django.conf import settings

    if getattr(request, "liaison_locked_by_address", False):
        limit = settings.LIAISON_LOGIN_ADDRESS_FAILURES
        return LockedOut(f"too many failed logins from this address ({limit}): logging in from it is locked for "
                         f"{minutes} minutes",
                         fix=f"wait {minutes} minutes and try again, or ask the administrator to unlock the address "
                             "(Access attempts at /admin/)",
                         message_zh=f"该地址登录失败次数过多（{limit} 次）：从该地址登录已被锁定 {minutes} 分钟",
                         fix_zh=f"请等待 {minutes} 分钟后再试，或请管理员解锁该地址（/admin/ 中的 Access attempts）")
    return LockedOut(f"too many failed logins ({limit}): logging in is locked for {minutes} minutes",
                     fix=f"wait {minutes} minutes and try again, or ask the administrator to unlock the account "
                         "(Access attempts at /admin/)",
                     message_zh=f"登录失败次数过多（{limit} 次）：登录已被锁定 {minutes} 分钟",
                     fix_zh=f"请等待 {minutes} 分钟后再试，或请管理员解锁该账户（/admin/ 中的 Access attempts）")


def locked_out(request: HttpRequest, original: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """Axes' answer to a locked-out login: the error document under /api/, a page elsewhere."""
    from django.shortcuts import render

    error = locked_out_error(request)
    if request.path.startswith("/api/"):
        return error_response(request, error, 429)
    page = render(request, "liaison_web/locked_out.html", {"error": error, "en": error.render("en"),
                                                            "zh": error.render("zh")}, status=429)
    page["Retry-After"] = str(retry_after())
    return page
