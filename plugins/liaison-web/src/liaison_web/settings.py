"""The service's Django settings, made in code: no settings file to write for the embedded default.

:func:`configure` is called once per process before anything of Django is imported that reads its
settings (the models, django-ninja). The database comes from ``DATABASE_URL`` (or the argument):

- none — ``sqlite:///./liaison.sqlite3``, the embedded default;
- ``sqlite:///path/to/file.sqlite3`` (``sqlite:////abs/path`` for an absolute path);
- ``postgresql://user:password@host:port/name`` (``postgres://`` too; ``?sslmode=…`` and other
  query parameters go to libpq as they are).

SQLite runs in WAL mode with every transaction ``BEGIN IMMEDIATE`` (Django's ``transaction_mode``):
a writer takes the write lock when it starts, so two writers queue instead of one failing half-way
with "database is locked"; ``timeout`` is how long one waits. The secret key is generated on first
start and kept beside the database (``liaison.secret``, mode 0600; the SQLite file and its -wal
and -shm are 0600 too: :func:`private_database`), or given as
``LIAISON_SECRET_KEY``. Evidence files are kept under ``LIAISON_MEDIA_ROOT`` (default
``liaison-media/`` beside the database; for PostgreSQL in the current folder), each at most
``LIAISON_MAX_UPLOAD_MB`` (20) megabytes (:mod:`liaison_web.evidence`). ``LIAISON_SECURE=1`` (the
service is behind an HTTPS reverse proxy) marks the session and CSRF cookies ``Secure`` and trusts
the proxy's ``X-Forwarded-Proto`` and the address it appended to ``X-Forwarded-For``
(``LIAISON_TRUSTED_PROXIES``, 1: how many proxies append to it), and sends
``Strict-Transport-Security`` for ``LIAISON_HSTS_SECONDS`` (a year; 0: not at all).

Passwords set through the administration (and ``LIAISON_ADMIN_PASSWORD``) pass Django's validators:
at least ``LIAISON_PASSWORD_MIN_LENGTH`` (10) characters, not all digits, not a common password, not
like the user's name. A login session ends after ``LIAISON_SESSION_HOURS`` (8) hours without a
request (:class:`liaison_web.middleware.SessionIdle` brings its end forward at most once a minute).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from liaison.base.errors import LiaisonError

__all__ = ["DEFAULT_DATABASE", "ConfigError", "configure", "database_settings", "django_settings", "private_database",
           "secret_key", "shown_url"]

DEFAULT_DATABASE = "sqlite:///liaison.sqlite3"
SECRET_FILE = "liaison.secret"


class ConfigError(LiaisonError):
    """A setting of the service that cannot be used (a database URL of an unknown kind, …)."""


def database_settings(url: str, *, timeout: float = 30.0) -> dict[str, Any]:
    """One entry of Django's ``DATABASES`` for ``url`` (see the module docstring)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        name = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not name:
            raise ConfigError(f"{url!r} names no database file", file="DATABASE_URL",
                              fix="write sqlite:///liaison.sqlite3 (relative) or sqlite:////srv/liaison.sqlite3",
                              message_zh=f"{url!r} 没有给出数据库文件",
                              fix_zh="请写 sqlite:///liaison.sqlite3（相对路径）或 sqlite:////srv/liaison.sqlite3")
        # connections kept per thread (not one opened, set up and closed per request)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(name).resolve()), "CONN_MAX_AGE": 600,
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": timeout,
                            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                            "PRAGMA foreign_keys=ON"}}
    if parts.scheme in ("postgresql", "postgres"):
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(f"{shown_url(url)!r} gives a port that is not a number", file="DATABASE_URL",
                              fix="write the port as digits: postgresql://user:password@host:5432/name",
                              message_zh=f"{shown_url(url)!r} 中的端口不是数字",
                              fix_zh="请用数字写端口：postgresql://用户:密码@主机:5432/库名") from None
        options: dict[str, Any] = dict(parse_qsl(parts.query))
        # a writer waits this long for a year another holds, then stops with a clear message
        options.setdefault("options", f"-c lock_timeout={int(timeout * 1000)}")
        return {"ENGINE": "django.db.backends.postgresql", "NAME": unquote(parts.path.lstrip("/")) or "liaison",
                "USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or ""),
                "HOST": parts.hostname or "", "PORT": str(port or ""), "OPTIONS": options,
                "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    raise ConfigError(f"{shown_url(url)!r} is not a database this service runs on", file="DATABASE_URL",
                      fix="give postgresql://user:password@host:5432/name or sqlite:///path/to/file.sqlite3",
                      message_zh=f"{shown_url(url)!r} 不是本服务支持的数据库",
                      fix_zh="请给出 postgresql://用户:密码@主机:5432/库名 或 sqlite:///路径/文件.sqlite3")


def shown_url(url: str) -> str:
    """``url`` as it may be shown (in a message, a log): its password replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def private_database(path: Path) -> None:
    """An SQLite file readable by its owner only — it holds the sessions' keys and the password
    hashes —, as the secret key is: made empty with mode 0600 before SQLite opens it (SQLite gives its
    ``-wal`` and ``-shm`` files the database file's mode), or an existing one's mode (and its
    ``-wal``'s and ``-shm``'s) narrowed to 0600. A folder that does not exist is left to SQLite's error."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:
        return
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if each.stat().st_mode & 0o077:
                each.chmod(0o600)
        except OSError:  # no such file (no WAL yet), or not ours to change: SQLite says what matters
            pass


def secret_key(folder: Path) -> str:
    """``LIAISON_SECRET_KEY``, or the key kept in ``folder`` (made on first use, readable by its owner only)."""
    given = os.environ.get("LIAISON_SECRET_KEY")
    if given:
        return given
    path = folder / SECRET_FILE
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def _int_env(name: str, default: int) -> int:
    given = os.environ.get(name, "").strip()
    if not given:
        return default
    if not given.isdigit() or int(given) < 1:
        raise ConfigError(f"{name}={given!r} is not a whole number of at least 1", file=name,
                          fix=f"set {name} to a number such as {default}, or leave it unset",
                          message_zh=f"{name}={given!r} 不是不小于 1 的整数",
                          fix_zh=f"请将 {name} 设为整数（如 {default}），或不设置")
    return int(given)


def _float_env(name: str, default: float) -> float:
    given = os.environ.get(name, "").strip()
    if not given:
        return default
    try:
        value = float(given)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise ConfigError(f"{name}={given!r} is not a number of seconds", file=name,
                          fix=f"set {name} to a number such as {default:g}, or leave it unset",
                          message_zh=f"{name}={given!r} 不是秒数",
                          fix_zh=f"请将 {name} 设为数字（如 {default:g}），或不设置")
    return value


def _seconds_env(name: str, default: int) -> int:
    """A whole number of seconds, 0 allowed (turned off)."""
    given = os.environ.get(name, "").strip()
    if not given:
        return default
    if not given.isdigit():
        raise ConfigError(f"{name}={given!r} is not a whole number of seconds", file=name,
                          fix=f"set {name} to a number such as {default} (0: off), or leave it unset",
                          message_zh=f"{name}={given!r} 不是整数秒数",
                          fix_zh=f"请将 {name} 设为整数（如 {default}；0 表示关闭），或不设置")
    return int(given)


def password_validators() -> list[dict[str, Any]]:
    """Django's password validators, the minimum length from ``LIAISON_PASSWORD_MIN_LENGTH`` (10)."""
    base = "django.contrib.auth.password_validation"
    return [{"NAME": f"{base}.UserAttributeSimilarityValidator"},
            {"NAME": f"{base}.MinimumLengthValidator",
             "OPTIONS": {"min_length": _int_env("LIAISON_PASSWORD_MIN_LENGTH", 10)}},
            {"NAME": f"{base}.CommonPasswordValidator"}, {"NAME": f"{base}.NumericPasswordValidator"}]


def webhook_settings() -> dict[str, Any]:
    """How webhook deliveries are retried (:class:`liaison_web.webhooks.Policy`), from the environment."""
    return {"max_attempts": _int_env("LIAISON_WEBHOOK_MAX_ATTEMPTS", 8),
            "backoff": _float_env("LIAISON_WEBHOOK_BACKOFF", 30.0),
            "timeout": _float_env("LIAISON_WEBHOOK_TIMEOUT", 10.0),
            "jitter": os.environ.get("LIAISON_WEBHOOK_JITTER", "1").strip().lower() not in ("0", "false", "no", "off")}


def webhook_networks() -> tuple[str, ...]:
    """The networks ``LIAISON_WEBHOOK_ALLOW_NETWORKS`` lets webhooks be sent to (:mod:`liaison_web.egress`)."""
    import ipaddress

    name = "LIAISON_WEBHOOK_ALLOW_NETWORKS"
    given = tuple(n.strip() for n in os.environ.get(name, "").split(",") if n.strip())
    for network in given:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigError(f"{name}: {network!r} is not an address or a network", file=name,
                              fix="give addresses or networks separated by commas, e.g. 10.20.0.0/16,127.0.0.1",
                              message_zh=f"{name}：{network!r} 不是地址或网段",
                              fix_zh="请给出以逗号分隔的地址或网段，例如 10.20.0.0/16,127.0.0.1") from None
    return given


def _caldav() -> dict[str, str]:
    from liaison_web.publishing import caldav_settings

    return caldav_settings()


def _secure() -> bool:
    return os.environ.get("LIAISON_SECURE", "").strip().lower() in ("1", "true", "yes", "on")


def django_settings(url: str, *, more: Mapping[str, str] | None = None, hosts: tuple[str, ...] = (),
                    timeout: float = 30.0, secure: bool = False, allowed: tuple[str, ...] = ()) -> dict[str, Any]:
    """Django's settings for the database ``url`` (and ``more`` by alias): what :func:`configure` gives
    Django, a value (tests read it). ``secure``: behind an HTTPS proxy (see the module docstring)."""
    default = database_settings(url, timeout=timeout)
    databases = {"default": default, **{alias: database_settings(u, timeout=timeout)
                                        for alias, u in (more or {}).items()}}
    beside = Path(default["NAME"]).parent if default["ENGINE"].endswith("sqlite3") else Path.cwd()
    return {
        "DEBUG": False,
        "SECRET_KEY": secret_key(beside),
        "ALLOWED_HOSTS": list(allowed) or ["127.0.0.1", "localhost", "[::1]", "testserver", *hosts],
        "DATABASES": databases,
        "INSTALLED_APPS": [
            "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
            "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
            "ninja", "axes", "liaison_web",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "liaison_web.middleware.SessionIdle",
            "liaison_web.pages.middleware.LoginRequired",  # every page needs a login (not the API: 401)
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "liaison_web.middleware.ApiErrors",
            "liaison_web.middleware.UploadLimit",
            "liaison_web.idempotency.Idempotent",  # an API POST retried with its key: the first answer again
            "axes.middleware.AxesMiddleware",  # last: it answers a locked-out login (liaison_web.lockout)
        ],
        # django-axes first: a locked-out user is refused before the password is even checked
        "AUTHENTICATION_BACKENDS": ["axes.backends.AxesStandaloneBackend",
                                    "django.contrib.auth.backends.ModelBackend"],
        "AXES_FAILURE_LIMIT": _int_env("LIAISON_LOGIN_FAILURES", 5),
        "AXES_COOLOFF_TIME": dt.timedelta(minutes=_int_env("LIAISON_LOGIN_LOCKOUT_MINUTES", 15)),
        # a user name is locked at the address it failed from (not elsewhere: one person's typos do not
        # lock out an office's colleagues), and an address trying many names after many more failures
        # (the rate limit of the login): liaison_web.lockout.Handler
        "AXES_HANDLER": "liaison_web.lockout.Handler",
        "AXES_LOCKOUT_PARAMETERS": [["username", "ip_address"], "ip_address"],
        "LIAISON_LOGIN_ADDRESS_FAILURES": _int_env("LIAISON_LOGIN_ADDRESS_FAILURES", 50),
        "AXES_RESET_ON_SUCCESS": True,
        "AXES_LOCKOUT_CALLABLE": "liaison_web.lockout.locked_out",
        "AXES_CLIENT_IP_CALLABLE": "liaison_web.lockout.client_address",
        "AXES_USERNAME_CALLABLE": "liaison_web.lockout.username_of",
        "AXES_VERBOSE": False,
        "LIAISON_SECURE": secure,
        # how many proxies append to X-Forwarded-For in front of the service (callers.remote_address)
        "LIAISON_TRUSTED_PROXIES": _int_env("LIAISON_TRUSTED_PROXIES", 1),
        "LIAISON_WEBHOOKS": webhook_settings(),
        "LIAISON_WEBHOOK_ALLOW_NETWORKS": webhook_networks(),
        "LIAISON_CALDAV": _caldav(),
        "LIAISON_MEDIA_ROOT": str(Path(os.environ.get("LIAISON_MEDIA_ROOT", "").strip() or beside / "liaison-media")
                                  .resolve()),
        "LIAISON_MAX_UPLOAD_BYTES": _int_env("LIAISON_MAX_UPLOAD_MB", 20) * 1024 * 1024,
        "ROOT_URLCONF": "liaison_web.urls",
        "TEMPLATES": [{
            "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
            "OPTIONS": {"context_processors": [
                "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liaison_web.pages.lang.context"]},
        }],
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "USE_TZ": True,
        "TIME_ZONE": "Asia/Shanghai",
        "LANGUAGE_CODE": "zh-hans",
        "LANGUAGES": [("zh-hans", "简体中文"), ("en", "English")],
        "STATIC_URL": "/static/",
        "LOGIN_URL": "/login/",
        "LOGIN_REDIRECT_URL": "/api/v1/docs",
        "LOGOUT_REDIRECT_URL": "/login/",
        "CSRF_FAILURE_VIEW": "liaison_web.pages.views.csrf_failure",  # a page in both languages, not Django's
        "SESSION_COOKIE_SECURE": secure,
        "CSRF_COOKIE_SECURE": secure,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # a session ends after this long without a request (middleware.SessionIdle), not two weeks after login
        "SESSION_COOKIE_AGE": _int_env("LIAISON_SESSION_HOURS", 8) * 3600,
        "AUTH_PASSWORD_VALIDATORS": password_validators(),
        # behind the HTTPS proxy: browsers keep to HTTPS (Django's SecurityMiddleware, on secure requests only)
        "SECURE_HSTS_SECONDS": _seconds_env("LIAISON_HSTS_SECONDS", 365 * 24 * 3600) if secure else 0,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if secure else None,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        "LOGGING_CONFIG": None,
    }


def configure(database_url: str | None = None, *, more: Mapping[str, str] | None = None,
              hosts: tuple[str, ...] = (), timeout: float = 30.0, pause_collector: bool = False) -> None:
    """Configure Django for this process (once; later calls do nothing) and set it up: the database
    from the argument, ``DATABASE_URL`` or the default; ``LIAISON_SECURE``, ``LIAISON_ALLOWED_HOSTS``
    from the environment. ``more``: further databases by alias (the tests' PostgreSQL).
    ``pause_collector``: the process is the service's own, so its work may pause Python's cyclic
    collector (:func:`liaison.host.collector.allow`; ``liaison serve`` asks for it)."""
    from django.conf import settings

    if settings.configured:
        return
    url = database_url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    allowed = tuple(h.strip() for h in os.environ.get("LIAISON_ALLOWED_HOSTS", "").split(",") if h.strip())
    settings.configure(**django_settings(url, more=more, hosts=hosts, timeout=timeout, secure=_secure(),
                                         allowed=allowed))
    if pause_collector:
        from liaison.host.collector import allow

        allow()
    for database in settings.DATABASES.values():
        if database["ENGINE"].endswith("sqlite3"):
            private_database(Path(database["NAME"]))
    import django

    django.setup()
