"""The ``caldav`` publisher: the year's calendars pushed to a CalDAV server, incrementally.

One collection per calendar the ``ical`` exporter writes (the master ``全部`` and one per
organisation taking part, or the subset in ``calendars``), created when missing (MKCALENDAR) with
the calendar's X-WR-CALNAME as display name; one resource per event, the VEVENT exactly as in the
exported .ics (same UID, SEQUENCE, DTSTAMP; cancelled engagements stay, as STATUS:CANCELLED).  What
to send is computed by :func:`liaison_caldav.changeset.changes` from the previous publication: a
rerun with nothing changed sends no write, a moved engagement one PUT per calendar holding it.
Writes carry If-None-Match / If-Match.  After a 412 the server's copy is read: the very event we
send (:func:`liaison_caldav.same.same_event`) is adopted — recorded as published, with the server's
ETag — for it is our own PUT whose answer was lost; anything else is a
:class:`~liaison.host.publishing.Conflict` (its reason in English and Chinese) and the server's version is
kept (``overwrite`` replaces it, and still reports it, as ``overwritten``).  The acknowledged writes
are handed to the request's ``record`` callback in batches (:data:`liaison_caldav.session.SAVE_EVERY`),
so a run that dies loses the records of the writes since the last batch — the next run sends those
again, adopts them after the server's 412, and converges.

A run that has nothing to send still sends one request (PROPFIND Depth 0 on the URL), so a wrong
password or an unreachable server is never taken for "nothing changed".  A wrong password, an
unreachable server or a refused write stops the run with one
:class:`~liaison.host.publishing.PublishError` (in English and Chinese) naming the server, the collection
and what failed; its
``partial`` is the publication of exactly what the server accepted until then (store it: the next
run goes on from there).  Credentials are used for the requests only: they are in no record, no
message, no file.

Options (:data:`OPTIONS`, checked by the host; ``liaison publish caldav --option KEY=VALUE``):
``url`` (required), ``user``, ``password`` (the command reads it from an environment variable),
``calendars``, ``overwrite``, ``prune``, ``check_server``, ``timeout`` (a request, whole), ``deadline``
(the publication), ``max_response_mb``, ``auth``, ``verify_tls``, ``ca_file``, and the ``ical``
exporter's ``alarm_minutes`` and ``dtstamp``, so the events are the ones the .ics files hold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

from liaison.base.errors import Location, OptionError, Refused
from liaison.host.hookspecs import hookimpl
from liaison.host.options import Option, resolve
from liaison.host.publishing import Publisher, PublishRequest
from liaison_caldav.result import ICAL_NAMES, PUBLISHER, CalDAVResult
from liaison_ical.plugin import OPTIONS as ICAL_OPTIONS

# Every command loads this plugin, and only `publish` needs more than its options: the run
# (liaison_caldav.session), what to send (changeset), the calendars' resources and the HTTP stack
# (caldav, niquests, urllib3, ssl: liaison_caldav.dav) load when something is published.

__all__ = ["OPTIONS", "PUBLISHER", "CalDAVResult", "publish", "register_publishers", "target_url"]



def target_url(url: str) -> str:
    """The server's URL as recorded: http(s), lower-case scheme and host, a trailing slash, and no
    user name or password in it (those go in the options, never in the year's state)."""
    if not isinstance(url, str):
        raise Refused(f"expected the server's address as text, not {type(url).__name__}",
                      f"服务器地址应为文字，而不是 {url!r}")
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise Refused(f"{url!r} is not an http:// or https:// address",
                      f"{url!r} 不是 http:// 或 https:// 地址")
    if parts.username is not None or parts.password is not None:
        raise Refused("the address holds a user name or password: give them as the user and password "
                      "options instead, so they are never recorded",
                      "地址中含有用户名或密码：请改用选项 user 和 password 给出，这样它们不会被记录")
    netloc = parts.hostname.lower() + (f":{parts.port}" if parts.port else "")
    if ":" in parts.hostname:  # IPv6
        netloc = f"[{parts.hostname}]" + (f":{parts.port}" if parts.port else "")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))


def _at_most(most: int) -> Callable[[int], int]:
    """An option's check: a number no larger than ``most`` (a timer of 10**30 seconds cannot be set)."""
    def check(value: int) -> int:
        if value > most:
            raise Refused(f"{value} is more than {most:,}", f"{value} 大于 {most:,}")
        return value
    return check


OPTIONS: Final = (
    Option(name="url", type="text", default=None,
           help="the CalDAV server's address, e.g. https://cal.example.gov.cn/dav/ "
           "(required; the calendars go into the user's calendar home found from it)", check=target_url,
           help_zh="CalDAV 服务器的地址，如 https://cal.example.gov.cn/dav/（必填；日历放在由此找到的用户日历主目录中）"),
    Option(name="user", type="text", default=None, help="the user name on the server",
           help_zh="服务器上的用户名"),
    Option(name="password", type="text", default=None,
           help="the password (the command reads it from an environment variable; it is never recorded)",
           help_zh="密码（命令从环境变量读取；从不记录）"),
    Option(name="calendars", type="list", default=(),
           help="publish only these calendars: 全部 (the master) and/or organisation "
           "ids, comma-separated; default every calendar",
           help_zh="只发布这些日历：全部（总日历）和/或单位 id，以逗号分隔；默认发布每个日历"),
    Option(name="overwrite", type="bool", default=False,
           help="replace events changed on the server since they were published (still reported)",
           help_zh="覆盖发布后在服务器上被改动的事件（仍会报告）"),
    Option(name="prune", type="bool", default=True,
           help="delete events that left a calendar (an organisation no longer takes part), as its .ics no "
           "longer holds them; conditional like every write",
           help_zh="删除已离开某个日历的事件（某单位不再参加），因为它的 .ics 已不含这些事件；"
                   "与每次写入一样有条件地删除"),
    Option(name="check_server", type="bool", default=False,
           help="read each published calendar's ETags first (one request per calendar) and report events "
           "changed or deleted on the server even where ours did not change",
           help_zh="先读取每个已发布日历的 ETag（每个日历一次请求），即使我方未变，"
                   "也报告服务器上被改动或删除的事件"),
    Option(name="timeout", type="int", default=30,
           help="seconds a request may take, from sending it to the last byte of the "
           "answer (at most 3600)", minimum=1, check=_at_most(3600),
           help_zh="一次请求最多用时（秒），从发出请求到收完应答的最后一个字节（不超过 3600）"),
    Option(name="deadline", type="int", default=3600,
           help="seconds the whole publication may take (at most 86400); what the server "
           "accepted until then is recorded", minimum=1, check=_at_most(86_400),
           help_zh="整个发布最多用时（秒，不超过 86400）；到时前服务器已接受的都会记录"),
    Option(name="max_response_mb", type="int", default=16,
           help="the largest answer read from the server, in MiB (at most 1024)",
           minimum=1, check=_at_most(1024), help_zh="从服务器读取的应答最大多少 MiB（不超过 1024）"),
    Option(name="auth", type="text", default="basic",
           help="how to send the password: basic (with every request), digest, or "
           "auto (ask the server first: one more request)", choices=("basic", "digest", "auto"),
           help_zh="如何发送密码：basic（每次请求都带上）、digest，或 auto（先询问服务器，多一次请求）"),
    Option(name="verify_tls", type="bool", default=True, help="check the server's TLS certificate (https)",
           help_zh="检查服务器的 TLS 证书（https）"),
    Option(name="ca_file", type="text", default=None,
           help="a CA bundle (PEM file) to check the server's certificate against",
           help_zh="用来检查服务器证书的 CA 证书包（PEM 文件）"),
    *(o for o in ICAL_OPTIONS if o.name in ICAL_NAMES),
)


def _typed(request: PublishRequest) -> dict[str, Any]:
    """The options typed and checked (idempotent: a host that resolved them already passes values)."""
    given = {k: v for k, v in request.options.items() if v is not None}
    options = resolve(OPTIONS, given, f"publisher {PUBLISHER!r}")
    if not options["url"]:
        raise OptionError(f"publisher {PUBLISHER!r} needs the option url", path=Location.option("url"),
                          fix="give the CalDAV server's address, e.g. url=https://cal.example.gov.cn/dav/",
                          message_zh=f"发布插件 {PUBLISHER} 需要选项 url",
                          fix_zh="请给出 CalDAV 服务器的地址，如 url=https://cal.example.gov.cn/dav/")
    if options["password"] is not None and options["user"] is None:
        raise OptionError(f"publisher {PUBLISHER!r} has a password but no user", path=Location.option("user"),
                          fix="give the user name too", message_zh=f"发布插件 {PUBLISHER} 有密码却没有用户名",
                          fix_zh="请同时给出用户名（选项 user）")
    return options


def publish(request: PublishRequest) -> CalDAVResult:
    """Publish the request's plan to the CalDAV server in its options; see the module docstring."""
    from liaison_caldav.session import publish as send

    return send(request, _typed(request))


@hookimpl
def register_publishers(register: Callable[[Publisher], None]) -> None:
    register(Publisher(PUBLISHER, "CalDAV 日历服务器发布 publish the calendars to a CalDAV server", publish,
                       options=OPTIONS))
