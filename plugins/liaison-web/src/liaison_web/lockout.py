"""The login lockout (django-axes): after ``LIAISON_LOGIN_FAILURES`` failed logins (5) of one user
name — or from one address, whatever names it tries — logins are refused for
``LIAISON_LOGIN_LOCKOUT_MINUTES`` (15), the right password included, and the caller is told so: 429
with the library's error document on the API's login, the same message in both languages on the
page ``/login/``. Axes counts in the database (its own tables), so every process of the service
and every restart sees the same count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from liaison_web.callers import remote_address
from liaison_web.errors import LockedOut, error_response

__all__ = ["LockedOut", "client_address", "locked_out", "locked_out_error", "username_of"]


def client_address(request: HttpRequest) -> str:
    return remote_address(request)


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The user name a login tried: the credentials given to ``authenticate``, else the form's field."""
    if credentials and credentials.get("username"):
        return str(credentials["username"])
    found = request.POST.get("username") if request.method == "POST" else None
    return str(found) if found else None


def locked_out_error() -> LockedOut:
    from django.conf import settings

    limit, minutes = settings.AXES_FAILURE_LIMIT, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return LockedOut(f"too many failed logins ({limit}): logging in is locked for {minutes} minutes",
                     fix=f"wait {minutes} minutes and try again, or ask the administrator to unlock the account "
                         "(Access attempts at /admin/)",
                     message_zh=f"登录失败次数过多（{limit} 次）：登录已被锁定 {minutes} 分钟",
                     fix_zh=f"请等待 {minutes} 分钟后再试，或请管理员解锁该账户（/admin/ 中的 Access attempts）")


def locked_out(request: HttpRequest, original: HttpResponse | None = None,
               credentials: dict[str, Any] | None = None) -> HttpResponse:
    """Axes' answer to a locked-out login: the error document under /api/, a page elsewhere."""
    from django.shortcuts import render

    error = locked_out_error()
    if request.path.startswith("/api/"):
        return error_response(request, error, 429)
    return render(request, "liaison_web/locked_out.html", {"error": error, "en": error.render("en"),
                                                            "zh": error.render("zh")}, status=429)
