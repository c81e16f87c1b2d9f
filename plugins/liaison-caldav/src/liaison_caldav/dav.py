"""The thin HTTP part: a CalDAV server reached through the ``caldav`` library, every request counted.

The library does the DAV plumbing it is good at: discovery (``principal()``, the calendar home set),
listing calendars (PROPFIND), creating one (``make_calendar``: MKCALENDAR with the display name and
``supported-calendar-component-set`` VEVENT, RFC 4791 §5.3.1), setting a display name (PROPPATCH)
and reading ETags (PROPFIND Depth 1).

Events are PUT and DELETEd with the client's own request methods (``DAVClient.put``/``delete``),
with our bytes and our precondition headers, not with ``Calendar.save_event``/``Event.save``: in the
installed caldav 3.6, ``CalendarObjectResource.save()`` defaults to ``increase_seqno=True``, which
pops SEQUENCE and adds SEQUENCE + 1 before the PUT (``_maybe_increment_sequence``, the behaviour
python-caldav issue #219 introduced) — the server would hold 2 where the export says 1.  Its
``increase_seqno=False`` and ``raw_data=`` do keep the bytes in 3.6, but ``save()`` then derives its
If-Match from the object's cached props and raises on a 412, whereas a publisher wants the ETag it
recorded in the year's state and a 412 as a value (a conflict to report).  ``put``/``delete`` send
exactly the bytes and headers given and hand back the status and ETag.

Every request goes through :class:`_BoundedSession`: a total deadline per request and per
publication (the HTTP library's timeout is per read), a largest answer, XML answers refused if they
declare a DTD or are not DAV XML.  Every failure that is not a plain HTTP answer (an unreachable host,
a timeout, a refused password, an answer the client will not read, any exception the library raises
on an answer) becomes :class:`ServerError` with what was being done and where, in English and in
Chinese; the publisher turns it into a :class:`~liaison.host.publishing.PublishError` naming the URL and
the collection.
"""

from __future__ import annotations

import errno
import re
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, Final, TypeVar, cast

import attrs
from caldav.collection import Calendar, CalendarSet
from caldav.davclient import DAVClient
from caldav.elements import dav
from caldav.lib import error as dav_error

from liaison.base.errors import ExportError

__all__ = ["ICALENDAR", "Answer", "Doing", "Server", "ServerError", "Unreadable"]

ICALENDAR: Final = "text/calendar; charset=utf-8"
_RESOURCETYPE: Final = ('<?xml version="1.0" encoding="utf-8"?>'
                        '<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/></D:prop></D:propfind>')
T = TypeVar("T")


class ServerError(ExportError):
    """A request that got no usable answer, in the one error shape (the sentence in English and in
    Chinese); what it adds is ``status``, the HTTP status if there was one. The publisher places it
    (which server, which calendar) and gives the fix."""

    def __init__(self, message: str, message_zh: str, status: int | None = None) -> None:
        self.status = status
        super().__init__(message, message_zh=message_zh)


@attrs.frozen
class Doing:
    """What a request was for, in both languages, for the error if it fails."""

    en: str
    zh: str


@attrs.frozen
class Answer:
    """What a write (or a GET) got back: the status, the new ETag (if the server gave one), a short
    reason, and for a GET the body."""

    status: int
    etag: str | None
    reason: str = ""
    body: bytes = attrs.field(default=b"", repr=False)  # a GET's: what the server holds


class Unreadable(Exception):
    """An answer the client will not hand to the library: too slow, too large, not a DAV answer, or
    declaring a DTD; ``en``/``zh`` say why."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.en, self.zh = en, zh


#: Requests whose successful answer is a DAV XML body the library parses (RFC 4918 §9.1, §9.2, RFC 4791 §7).
_XML_ANSWERS: Final = frozenset({"PROPFIND", "PROPPATCH", "REPORT"})
_DTD: Final = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROOT: Final = re.compile(rb"<[A-Za-z_]")  # the first element: a DTD can only come before it
_CHUNK: Final = 64 * 1024


class _BoundedSession:
    """The client's HTTP session with bounds the library does not have: every request counted
    (``by_method``, for the benchmark), finished whole within ``timeout`` seconds and before the
    publication's ``until`` (a monotonic time), its answer at most ``max_bytes`` long, and an XML
    answer refused unread if it declares a DTD.

    The socket timeout of the HTTP library is per read, so a server sending one byte a second would
    keep a request alive for ever; a timer closes the session at the deadline instead, which makes
    the blocked read fail at once.  The answer is read in chunks as they come (``stream``), so an
    endless body stops at ``max_bytes``, not at the end of memory."""

    def __init__(self, inner: Any, *, timeout: float, max_bytes: int, deadline: float | None) -> None:
        self._inner = inner
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.deadline = deadline
        self.until = None if deadline is None else time.monotonic() + deadline
        self.sent = 0
        self.by_method: dict[str, int] = {}

    def _late(self, deadline: float) -> Unreadable:
        if self.until is not None and deadline >= self.until:
            seconds = f"{self.deadline:g}"
            return Unreadable(f"the publication did not finish within {seconds} s (the deadline option)",
                              f"发布未能在 {seconds} 秒内完成（deadline 选项）")
        return Unreadable(f"no complete answer within {self.timeout:g} s (the timeout option)",
                          f"在 {self.timeout:g} 秒内没有得到完整的应答（timeout 选项）")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        self.sent += 1
        self.by_method[method] = self.by_method.get(method, 0) + 1
        now = time.monotonic()
        deadline = now + self.timeout if self.until is None else min(now + self.timeout, self.until)
        if deadline <= now:
            raise self._late(deadline)
        kwargs["stream"] = True
        kwargs["timeout"] = deadline - now  # a silent server: the library's own read timeout
        expired = threading.Event()
        reading: list[Any] = []  # the answer whose body is being read, once its head came

        def expire() -> None:
            expired.set()
            # fails the read blocked on the socket, in the requesting thread: the session's connections
            # while the head is awaited, the answer's own once it streams the body
            self._inner.close()
            for answer in reading:
                answer.close()

        timer = threading.Timer(deadline - now, expire)
        timer.daemon = True
        timer.start()
        try:
            answer = self._inner.request(method, url, *args, **kwargs)
            reading.append(answer)
            if expired.is_set():
                answer.close()
            body = self._body(answer, deadline)
        except Unreadable:
            raise
        except Exception:
            if expired.is_set() or time.monotonic() >= deadline:
                raise self._late(deadline) from None
            raise
        finally:
            timer.cancel()
        if expired.is_set():
            raise self._late(deadline)
        answer._content = body
        answer._content_consumed = True
        self._check_xml(method, answer, body)
        return answer

    def _body(self, answer: Any, deadline: float) -> bytes:
        declared = answer.headers.get("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > self.max_bytes:
            answer.close()
            raise self._too_large()
        parts: list[bytes] = []
        size = 0
        for chunk in answer.iter_content(_CHUNK):  # as the bytes arrive, decompressed
            size += len(chunk)
            if size > self.max_bytes:
                answer.close()
                raise self._too_large()
            if time.monotonic() > deadline:
                answer.close()
                raise self._late(deadline)
            parts.append(chunk)
        return b"".join(parts)

    def _too_large(self) -> Unreadable:
        mib = self.max_bytes // (1024 * 1024)
        return Unreadable(f"the answer is larger than {mib} MiB (the max_response_mb option); not read",
                          f"应答超过 {mib} MiB（max_response_mb 选项），未读取")

    @staticmethod
    def _check_xml(method: str, answer: Any, body: bytes) -> None:
        """A DAV answer is XML without a DTD: one that declares entities (an "entity bomb") is
        refused before any parser sees it; a 2xx answer to PROPFIND, PROPPATCH or REPORT that is
        not XML at all is no CalDAV server's (the library would fail on it with an AttributeError)."""
        kind = str(answer.headers.get("Content-Type", "")).lower()
        root = _ROOT.search(body)
        prolog = body[:root.start()] if root is not None else body
        if ("xml" in kind or body.lstrip()[:5] == b"<?xml") and _DTD.search(prolog):
            raise Unreadable("the answer declares a DTD or entities (<!DOCTYPE …>), which no CalDAV "
                             "answer has; not read",
                             "应答中声明了 DTD 或实体（<!DOCTYPE …>），CalDAV 应答不会有这些；未读取")
        if method in _XML_ANSWERS and 200 <= answer.status_code < 300 and body.strip():
            from lxml import etree

            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
            try:
                tree = etree.fromstring(body, parser)
            except etree.XMLSyntaxError:
                tree = None
            if tree is None or not isinstance(tree.tag, str) or not tree.tag.startswith("{DAV:}"):
                shown = " ".join(body[:60].decode("utf-8", "replace").split())
                status = answer.status_code
                raise Unreadable(f"the answer (HTTP {status}) is not the XML a CalDAV server sends: "
                                 f"{shown!r}",
                                 f"应答（HTTP {status}）不是 CalDAV 服务器应发送的 XML：{shown!r}")

    def close(self) -> None:
        self._inner.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _etag(headers: Any) -> str | None:
    value = headers.get("ETag") if headers is not None else None
    return str(value) if value else None


_ERRNO: Final = re.compile(r"\[Errno -?\d+\] [^'\")\]]+")


#: The connection errors an office meets, in Chinese (the system's own text is English).
_ERRNO_ZH: Final = {
    errno.ECONNREFUSED: "连接被拒绝", errno.ECONNRESET: "连接被重置", errno.ETIMEDOUT: "连接超时",
    errno.EHOSTUNREACH: "无法到达主机", errno.ENETUNREACH: "网络不可达", errno.ECONNABORTED: "连接被中止",
    socket.EAI_NONAME: "主机名无法解析", socket.EAI_AGAIN: "域名解析暂时失败",
}


def _errno_reason(number: int, text: str) -> tuple[str, str]:
    zh = _ERRNO_ZH.get(number, "系统网络错误")
    return f"[Errno {number}] {text}", f"[Errno {number}] {zh}"


def _network_reason(exc: BaseException) -> tuple[str, str]:
    """The sentence that matters in a connection error (``[Errno 111] Connection refused``, a name
    that does not resolve, a timeout), not the HTTP library's nested reprs of its objects; in
    English and in Chinese."""
    text = str(exc)
    if "timed out" in text.lower() or "timeout" in type(exc).__name__.lower():
        return "no answer within the timeout", "在超时时间内没有应答"
    found = _ERRNO.search(text)
    if found:
        number, _, said = found.group(0).strip().partition("] ")
        return _errno_reason(int(number.removeprefix("[Errno ")), said)
    if "closed connection without response" in text or "RemoteDisconnected" in text:
        return ("the server closed the connection without answering (the request may or may not have been "
                "carried out: publishing again finds out)",
                "服务器未作应答就关闭了连接（请求可能已执行，也可能没有：重新发布即可查明）")
    unresolved = re.search(r"Failed to resolve '([^']+)'", text)
    if unresolved:
        host = unresolved.group(1)
        return f"the host name {host} does not resolve", f"主机名 {host} 无法解析"
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.strerror and seen.errno is not None:
            return _errno_reason(seen.errno, seen.strerror)
        seen = seen.__cause__ or seen.__context__
    return type(exc).__name__, f"网络错误（{type(exc).__name__}）"


def _reason(answer: Any) -> str:
    raw = getattr(answer, "_raw", b"") or b""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())[:200]


class Server:
    """One CalDAV account: ``url`` (no credentials in it), the user and password for Basic or
    Digest authentication, TLS verification (True, False or a CA file), and the bounds of
    :class:`_BoundedSession`: ``timeout`` seconds for a request from sending it to the last byte of
    its answer, ``deadline`` seconds for everything (None: no bound), answers of ``max_bytes``."""

    def __init__(self, url: str, user: str | None, password: str | None, *, timeout: float,
                 auth: str = "basic", verify: bool | str = True, max_bytes: int = 16 * 1024 * 1024,
                 deadline: float | None = None) -> None:
        self.url = url
        self.client = DAVClient(
            url=url, username=user, password=password, timeout=max(1, round(timeout)), ssl_verify_cert=verify,
            # "auto": the first request goes without credentials and is repeated after the 401
            auth_type=None if auth == "auto" or user is None else auth,
            enable_rfc6764=False,  # the URL is the server's: no DNS SRV/TXT look-ups
        )
        self._session = _BoundedSession(self.client.session, timeout=timeout, max_bytes=max_bytes,
                                        deadline=deadline)
        self.client.session = cast(Any, self._session)

    @property
    def requests(self) -> int:
        return self._session.sent

    @property
    def by_method(self) -> dict[str, int]:
        return dict(self._session.by_method)

    def close(self) -> None:
        self.client.close()

    @staticmethod
    def _error(what: Doing, exc: Exception) -> ServerError:
        """The library's or the network's exception as one sentence saying what failed and why."""
        if isinstance(exc, dav_error.AuthorizationError):
            if exc.status == 403:
                why = f": {', '.join(exc.preconditions)}" if exc.preconditions else ""
                return ServerError(f"{what.en}: the server does not allow it (HTTP 403{why})",
                                   f"{what.zh}：服务器不允许（HTTP 403{why}）", 403)
            return ServerError(f"{what.en}: the server refused the user name or password (HTTP 401)",
                               f"{what.zh}：服务器拒绝了用户名或密码（HTTP 401）", exc.status or 401)
        if isinstance(exc, dav_error.DAVError):
            status = f"HTTP {exc.status}" if exc.status else type(exc).__name__
            reason = " ".join(str(exc.reason).split())[:200]
            return ServerError(f"{what.en}: refused ({status}): {reason}",
                               f"{what.zh}：被拒绝（{status}），服务器的说明：{reason}", exc.status)
        # niquests/requests connection errors and timeouts are OSErrors
        en, zh = _network_reason(exc)
        return ServerError(f"{what.en}: cannot reach the server: {en}", f"{what.zh}：无法连接服务器：{zh}")

    def _call(self, what: Doing, call: Callable[[], T]) -> T:
        try:
            return call()
        except (dav_error.DAVError, OSError) as exc:
            raise self._error(what, exc) from None
        except Unreadable as exc:
            raise ServerError(f"{what.en}: {exc.en}", f"{what.zh}：{exc.zh}") from None
        except Exception as exc:  # the library failing on an answer it did not expect: never its traceback
            raise self._odd(what, exc) from None

    @staticmethod
    def _odd(what: Doing, exc: Exception) -> ServerError:
        name = type(exc).__name__
        return ServerError(f"{what.en}: the server's answer could not be understood ({name}); "
                           "is this the address of a CalDAV server?",
                           f"{what.zh}：无法理解服务器的应答（{name}）；这是 CalDAV 服务器的地址吗？")

    # --- collections: the library's DAV plumbing -----------------------------------------------------

    def calendar_home(self) -> str:
        """The calendar home set of the user (RFC 4791 §6.2.1), found from the URL."""
        def find() -> str:
            # the library types its sync/async answers as unions: this client is the sync one
            home = cast(Any, self.client).principal().calendar_home_set
            return str(home.url)
        return self._call(Doing(f"finding the calendar home at {self.url}", f"在 {self.url} 查找日历主目录"),
                          find)

    def check(self) -> None:
        """One cheap authenticated request (PROPFIND Depth 0 on the URL given): a run that has
        nothing to send still finds out that the server answers and takes the credentials."""
        what = Doing(f"checking the account at {self.url}", f"在 {self.url} 检查账户")
        answer: Any = self._call(what, lambda: self.client.propfind(self.url, _RESOURCETYPE, depth=0))
        if answer.status >= 400:
            reason = _reason(answer)
            raise ServerError(f"{what.en}: refused (HTTP {answer.status}): {reason}",
                              f"{what.zh}：被拒绝（HTTP {answer.status}），服务器的说明：{reason}",
                              answer.status)

    def calendars(self, home: str) -> dict[str, str | None]:
        """The calendar collections in ``home``: URL -> display name."""
        def listing() -> dict[str, str | None]:
            found = cast(list[Calendar], CalendarSet(client=self.client, url=home).get_calendars())
            # the display names came with the listing: get_display_name() reads them from its cache
            return {str(c.url): cast("str | None", c.get_display_name()) for c in found}
        return self._call(Doing(f"listing the calendars in {home}", f"列出 {home} 中的日历"), listing)

    def make_calendar(self, home: str, slug: str, name: str) -> str:
        """Create the calendar ``slug`` in ``home`` with display name ``name``; its URL."""
        def make() -> str:
            calendar = cast(Calendar, CalendarSet(client=self.client, url=home).make_calendar(
                name=name, cal_id=slug, supported_calendar_component_set=["VEVENT"]))
            return str(calendar.url)
        what = Doing(f"creating the calendar {name} in {home}", f"在 {home} 创建日历 {name}")
        return self._call(what, make)

    def rename(self, url: str, name: str) -> None:
        def rename() -> None:
            Calendar(client=self.client, url=url).set_properties([dav.DisplayName(name)])
        self._call(Doing(f"setting the name of {url}", f"设置 {url} 的名称"), rename)

    def etags(self, url: str) -> dict[str, str | None]:
        """Each resource in the collection ``url`` and its ETag (PROPFIND Depth 1, DAV:getetag)."""
        def read() -> dict[str, str | None]:
            response: Any = Calendar(client=self.client, url=url).get_properties(
                [dav.GetEtag()], depth=1, parse_response_xml=False)
            found: dict[str, str | None] = {}
            for result in response.results or ():
                href = str(self.client.url.join(result.href))
                if href.rstrip("/") != url.rstrip("/"):
                    value = result.properties.get(dav.GetEtag.tag)
                    found[href] = str(value) if value else None
            return found
        return self._call(Doing(f"reading the ETags in {url}", f"读取 {url} 中的 ETag"), read)

    # --- events: exactly our bytes and our preconditions --------------------------------------------

    def put(self, href: str, data: bytes, *, if_match: str | None = None, create: bool = False) -> Answer:
        """PUT ``data`` at ``href``: ``create`` sends ``If-None-Match: *``, ``if_match`` an If-Match."""
        headers = {"Content-Type": ICALENDAR}
        if create:
            headers["If-None-Match"] = "*"
        elif if_match is not None:
            headers["If-Match"] = if_match
        body: Any = data  # DAVClient.put is annotated str; it sends bytes as they are (to_wire)
        what = Doing(f"writing {href}", f"写入 {href}")
        return self._write(what, lambda: self.client.put(href, body, headers))

    def delete(self, href: str, *, if_match: str | None = None) -> Answer:
        headers = {"If-Match": if_match} if if_match is not None else {}
        what = Doing(f"deleting {href}", f"删除 {href}")
        return self._write(what, lambda: self.client.delete(href, headers))

    def get(self, href: str) -> Answer:
        """GET ``href``: the status, the ETag and the body (what the server holds there now)."""
        what = Doing(f"reading {href}", f"读取 {href}")
        return self._write(what, lambda: self.client.request(href, "GET", "", {"Accept": "text/calendar"}))

    def _write(self, what: Doing, call: Callable[[], Any]) -> Answer:
        """A write's answer as a value; a 403 too (the client raises it like a 401, but for a write it
        is usually a CalDAV precondition, RFC 4791 §5.3.2.1, which the caller decides about)."""
        try:
            answer = call()
        except dav_error.AuthorizationError as exc:
            if exc.status != 403:
                raise self._error(what, exc) from None
            return Answer(403, None, " ".join([*exc.preconditions, str(exc.reason)]))
        except (dav_error.DAVError, OSError) as exc:
            raise self._error(what, exc) from None
        except Unreadable as exc:
            raise ServerError(f"{what.en}: {exc.en}", f"{what.zh}：{exc.zh}") from None
        except Exception as exc:
            raise self._odd(what, exc) from None
        body = getattr(answer, "_raw_body", b"") or b""
        return Answer(answer.status, _etag(answer.headers), _reason(answer) if answer.status >= 400 else "",
                      body if answer.status < 300 else b"")
