"""One publication to a CalDAV server: the writes worked out by :func:`liaison_caldav.changeset.changes`
sent in order, the acknowledged ones recorded in batches (see :mod:`liaison_caldav.plugin`, whose ``publish``
comes here). Apart from the plugin's entry point, which every command loads: this, the
change set and the calendars' resources load only when something is published."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote, urlsplit, urlunsplit

import attrs

from liaison.host.publishing import Conflict, PublishError, PublishRequest
from liaison.year.publications import Publication, PublishedCalendar, PublishedResource
from liaison_caldav.changeset import Action, CalendarChanges, Changes, Write, changes
from liaison_caldav.result import ICAL_NAMES, PUBLISHER, CalDAVResult
from liaison_caldav.same import same_event
from liaison_ical.resources import EventResource, calendar_resources

if TYPE_CHECKING:
    from liaison_caldav.dav import Answer, Server, ServerError

_OK: Final = frozenset({200, 201, 204})

#: How the acknowledged writes are recorded (issue #23): a record saves the year's whole state, which
#: grows with the district, so one after each write made a first publication quadratic. A record is
#: made once SAVE_EVERY seconds have passed since the last one AND SAVE_SHARE times as long as the
#: last one took (so recording never takes more than about 1/SAVE_SHARE of the run, whatever the
#: size), and always at the end and when the run stops on an error. A publisher killed in between
#: loses the records of the writes acknowledged since the last one: the next run sends those again,
#: the server answers 412 (If-None-Match: * or the old ETag) and they are adopted as published
#: (:meth:`_Run._adopted`), no duplicate and no conflict; what was recorded is not sent again.
SAVE_EVERY: float = 0.5
SAVE_SHARE: float = 10.0

# Why an event was not written as planned, in English and in Chinese (a Conflict's reason, reason_zh).
_TAKEN: Final = ("a different event is already at this address on the server, not published from this record",
                 "服务器上此地址已有一个不同的事件，不是按本记录发布的")
_CHANGED: Final = ("it was changed or deleted on the server since it was published",
                   "发布后已在服务器上被修改或删除")
_NO_ETAG: Final = ("no ETag was recorded for it, so it cannot be replaced safely",
                   "没有记录它的 ETag，无法安全替换")
_UID_ELSEWHERE: Final = ("the server holds an event with this UID at another address in this calendar "
                         "(RFC 4791 §5.3.2.1 no-uid-conflict); left as it is",
                         "服务器在本日历的另一地址上已有同一 UID 的事件"
                         "（RFC 4791 §5.3.2.1 no-uid-conflict）；保持原样")
_KEPT: Final = ("; left as the server has it", "；保留服务器上的版本")
_OVERWRITTEN: Final = ("; overwritten (overwrite option)", "；已覆盖（overwrite 选项）")
_LEFT_CHANGED: Final = ("it left this calendar and was changed on the server since it was published; "
                        "deleted (overwrite option)",
                        "它已不属于本日历，且发布后已在服务器上被修改；已删除（overwrite 选项）")
_LEFT_KEPT: Final = {
    "changed": ("it left this calendar, but it was changed on the server since it was published; "
                "left on the server", "它已不属于本日历，但发布后已在服务器上被修改；仍留在服务器上"),
    "no etag": ("it left this calendar, but no ETag was recorded for it, so it cannot be deleted safely; "
                "left on the server", "它已不属于本日历，但没有记录它的 ETag，无法安全删除；仍留在服务器上"),
}
_DRIFT: Final = {True: ("changed on the server since it was published", "发布后已在服务器上被修改"),
                 False: ("deleted on the server since it was published", "发布后已在服务器上被删除")}
_DOING: Final = {"writing": "写入", "overwriting": "覆盖", "deleting": "删除"}


def _same_url(a: str, b: str) -> bool:
    return unquote(a).rstrip("/") == unquote(b).rstrip("/")


@attrs.define
class _Record:
    """One calendar as the server holds it now, from what it accepted (the publication to record)."""

    key: str
    name: str
    url: str
    resources: dict[str, PublishedResource]


class _Run:
    """One publication: the writes of ``plan`` sent in order, each success kept as it happens, so that
    :meth:`publication` is at any moment exactly what the server holds of ours (recorded in batches:
    :meth:`_save`)."""

    def __init__(self, plan: Changes, events: Mapping[str, EventResource], server: Server, *,
                 overwrite: bool, check_server: bool, progress: Callable[[int, int], None] | None,
                 record: Callable[[Publication], None] | None = None) -> None:
        self.plan = plan
        self.record = record
        self.events = events
        self.server = server
        self.overwrite = overwrite
        self.check_server = check_server
        self.progress = progress
        self.records: dict[str, _Record] = {}
        self.every, self.share = SAVE_EVERY, SAVE_SHARE  # read here, so that a test can set them
        self.last_save = time.monotonic()  # the start: the first record waits as long as the next ones
        self.save_took = 0.0
        if plan.previous is not None:
            for c in plan.previous.calendars:
                self.records[c.key] = _Record(c.key, c.name, c.url, {r.uid: r for r in c.resources})
        self.saved = self.publication()  # what the caller holds: nothing to record until it changes
        self.conflicts: list[Conflict] = []
        self.counts = {"created": 0, "updated": 0, "deleted": 0, "calendars": 0, "writes": 0, "adopted": 0}
        self.done = 0
        self.total = 0
        self.calendar: CalendarChanges | None = None  # the one being written, for error messages

    # --- the record ------------------------------------------------------------------------------

    def publication(self) -> Publication:
        order = {c.key: c.order for c in self.plan.calendars}
        calendars: list[PublishedCalendar] = []
        for key in self.plan.keys:
            record = self.records.get(key)
            if record is None:
                continue
            uids = {uid: i for i, uid in enumerate(order.get(key, ()))}
            kept = sorted(record.resources.values(), key=lambda r: uids.get(r.uid, len(uids)))
            calendars.append(PublishedCalendar(key, record.name, record.url, tuple(kept)))
        return Publication(PUBLISHER, self.plan.target, tuple(calendars))

    def _step(self) -> None:
        self._save()
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    def _save(self, *, force: bool = False) -> None:
        """Hand the caller what the server holds of ours now, when it changed and it is time to
        (:data:`SAVE_EVERY`, :data:`SAVE_SHARE`), or ``force``: at the end, on an error."""
        if self.record is None:
            return
        started = time.monotonic()
        if not force and started - self.last_save < max(self.every, self.share * self.save_took):
            return
        now = self.publication()
        if now != self.saved:
            self.record(now)
            self.saved = now
        self.last_save = time.monotonic()
        self.save_took = self.last_save - started

    def _conflict(self, key: str, uid: str, href: str, why: tuple[str, str], then: tuple[str, str] = ("", ""),
                  *, overwritten: bool = False) -> None:
        """A conflict: ``why`` in English and Chinese, then what was done (kept or overwritten)."""
        self.conflicts.append(Conflict(key, uid, href, why[0] + then[0], why[1] + then[1], overwritten))

    # --- the run ---------------------------------------------------------------------------------

    def run(self) -> CalDAVResult:
        try:
            self._run()
        except BaseException:
            # what the server acknowledged before it stopped (a ServerError, an interrupt) is recorded
            # before anything else happens; a kill (SIGKILL) is what SAVE_EVERY's note is about
            self._save(force=True)
            raise
        self._save(force=True)
        return CalDAVResult(
            publication=self.publication(), created=self.counts["created"], updated=self.counts["updated"],
            unchanged=self.plan.unchanged, requests=self.server.requests, writes=self.counts["writes"],
            conflicts=tuple(self.conflicts), deleted=self.counts["deleted"],
            calendars_created=self.counts["calendars"], by_method=self.server.by_method,
            adopted=self.counts["adopted"])

    def _run(self) -> None:
        home, existing = None, {}
        if any(c.url is None for c in self.plan.calendars):
            home = self.server.calendar_home()
            existing = self.server.calendars(home)
        drift = {c.key: self.server.etags(c.url) for c in self.plan.calendars
                 if self.check_server and c.url is not None}
        self.total = sum(len(c.writes) + c.rename for c in self.plan.calendars)
        self.total += sum(1 for c in self.plan.calendars if c.url is None
                          and not any(_same_url(u, _join(home or "", c.slug + "/")) for u in existing))
        if self.progress is not None:
            self.progress(0, self.total)
        for calendar in self.plan.calendars:
            self.calendar = calendar
            url = calendar.url or self._collection(calendar, home or "", existing)
            if calendar.rename:
                self.server.rename(url, calendar.name)
                self.records[calendar.key].name = calendar.name
                self.counts["writes"] += 1
                self._step()
            missing_etags: list[str] = []
            for write in calendar.writes:
                self._write(calendar.key, url, write, missing_etags)
                self._step()
            if calendar.key in drift:
                self._drift(calendar, drift[calendar.key], missing_etags)
            if missing_etags:
                self._fill_etags(calendar.key, url, missing_etags)
            self._save()
        self.calendar = None
        if self.server.requests == 0:  # nothing to send: still find out the server takes the password
            self.server.check()

    def _collection(self, calendar: CalendarChanges, home: str, existing: Mapping[str, str | None]) -> str:
        """The calendar's collection: the one already at its address (a record lost, or another run),
        else a new one; recorded at once, so a failure later still remembers where it is."""
        wanted = _join(home, calendar.slug + "/")
        found = next((u for u in existing if _same_url(u, wanted)), None)
        if found is not None:
            name = existing[found] or ""
            self.records[calendar.key] = _Record(calendar.key, name, found, {})
            if name != calendar.name:
                self.server.rename(found, calendar.name)
                self.records[calendar.key].name = calendar.name
                self.counts["writes"] += 1
            self._save()
            return found
        url = self.server.make_calendar(home, calendar.slug, calendar.name)
        self.records[calendar.key] = _Record(calendar.key, calendar.name, url, {})
        self.counts["calendars"] += 1
        self.counts["writes"] += 1
        self._step()
        return url

    def _accepted(self, key: str, write: Write, href: str, answer: Answer, missing: list[str], *,
                  written: bool = True) -> None:
        resource = write.resource
        assert resource is not None
        self.records[key].resources[write.uid] = PublishedResource(
            write.uid, href, answer.etag, resource.digest, resource.sequence)
        if answer.etag is None or answer.etag.startswith("W/"):
            missing.append(href)  # a weak ETag never matches If-Match (RFC 9110 §13.1.1): read it back
        self.counts["writes"] += written

    def _adopted(self, key: str, write: Write, href: str, missing: list[str]) -> bool:
        """The server refused to create or update ``href`` as asked (412), or nothing recorded makes an
        update safe: it may hold this very event already — our own PUT whose answer was lost (the
        connection died, the process was killed). Read it; the same event (:func:`same_event`:
        what servers add or reorder left aside) is recorded as published, with the server's ETag."""
        resource = write.resource
        assert resource is not None
        held = self.server.get(href)
        if held.status != 200 or not same_event(resource.data, held.body):
            return False
        self.counts["adopted"] += 1
        self._accepted(key, write, href, held, missing, written=False)
        return True

    def _refused(self, key: str, what: str, href: str, answer: Answer) -> ServerError:
        from liaison_caldav.dav import ServerError

        said = f"，服务器的说明：{answer.reason}" if answer.reason else ""
        return ServerError(f"{what} {href}: refused (HTTP {answer.status}){': ' if answer.reason else ''}"
                           f"{answer.reason}", f"{_DOING[what]} {href} 被拒绝（HTTP {answer.status}）{said}",
                           answer.status)

    def _write(self, key: str, url: str, write: Write, missing: list[str]) -> None:
        href = write.href or _join(url, write.name)
        if write.action == Action.DELETE:
            self._delete(key, write, href)
            return
        resource = write.resource
        assert resource is not None
        creating = write.action == Action.CREATE
        if not creating and write.etag is None:
            answer = None  # nothing to make the update conditional on
            reason = _NO_ETAG
        else:
            answer = self.server.put(href, resource.data, if_match=write.etag, create=creating)
            reason = _TAKEN if creating else _CHANGED
            if answer.status in _OK:
                self.counts["created" if creating else "updated"] += 1
                self._accepted(key, write, href, answer, missing)
                return
            if answer.status in (403, 409) and "no-uid-conflict" in answer.reason:
                self._conflict(key, write.uid, href, _UID_ELSEWHERE)
                return
            if answer.status != 412:
                raise self._refused(key, "writing", href, answer)
        if self._adopted(key, write, href, missing):
            return
        if not self.overwrite:
            self._conflict(key, write.uid, href, reason, _KEPT)
            return
        forced = self.server.put(href, resource.data)
        if forced.status not in _OK:
            raise self._refused(key, "overwriting", href, forced)
        self._conflict(key, write.uid, href, reason, _OVERWRITTEN, overwritten=True)
        self.counts["updated"] += 1
        self._accepted(key, write, href, forced, missing)

    def _delete(self, key: str, write: Write, href: str) -> None:
        if write.etag is not None or self.overwrite:
            answer = self.server.delete(href, if_match=write.etag)
            if answer.status == 412 and self.overwrite:
                answer = self.server.delete(href)
                self._conflict(key, write.uid, href, _LEFT_CHANGED, overwritten=True)
            if answer.status in _OK or answer.status == 404:  # 404: someone deleted it already
                del self.records[key].resources[write.uid]
                self.counts["deleted"] += 1
                self.counts["writes"] += answer.status != 404
                return
            if answer.status != 412:
                raise self._refused(key, "deleting", href, answer)
            reason = _LEFT_KEPT["changed"]
        else:
            reason = _LEFT_KEPT["no etag"]
        self._conflict(key, write.uid, href, reason)

    def _drift(self, calendar: CalendarChanges, etags: Mapping[str, str | None], missing: list[str]) -> None:
        """With ``check_server``: events we did not change that the server holds otherwise."""
        held = {unquote(h): e for h, e in etags.items()}
        for published in calendar.unchanged:
            now = held.get(unquote(published.href), "gone")
            if now == published.etag:
                continue
            changed = now != "gone"
            reason = _DRIFT[changed]
            event = self.events.get(published.uid)
            if not self.overwrite or event is None:
                self._conflict(calendar.key, published.uid, published.href, reason, _KEPT)
                continue
            answer = self.server.put(published.href, event.data, if_match=now if changed else None,
                                     create=not changed)
            if answer.status not in _OK:
                raise self._refused(calendar.key, "overwriting", published.href, answer)
            self._conflict(calendar.key, published.uid, published.href, reason, _OVERWRITTEN,
                           overwritten=True)
            self.counts["updated"] += 1
            write = Write(Action.UPDATE, published.uid, "", published.href, published.etag, event)
            self._accepted(calendar.key, write, published.href, answer, missing)
            self._save()

    def _fill_etags(self, key: str, url: str, hrefs: list[str]) -> None:
        """A server that answered a PUT without a strong ETag (RFC 4791 §5.3.4 allows it when it
        changed the data): read the ETags once for the calendar, so the next update can be conditional."""
        etags = {unquote(h): e for h, e in self.server.etags(url).items()}
        record = self.records[key]
        for uid, published in list(record.resources.items()):
            if published.href in hrefs:
                etag = etags.get(unquote(published.href))
                strong = etag if etag and not etag.startswith("W/") else None
                record.resources[uid] = attrs.evolve(published, etag=strong)


def _join(base: str, name: str) -> str:
    return base if not name else (base if base.endswith("/") else base + "/") + name


def _shown(target: str) -> str:
    """The server's address as an error names it: its query masked (``?***``), where a server's key
    may ride — an error is printed, logged and, on the web service, read by whoever reads the year's
    publications (the address holds no user or password: :func:`liaison_caldav.plugin.target_url`)."""
    parts = urlsplit(target)
    return urlunsplit(parts._replace(query="***", fragment="")) if parts.query else target


def publish(request: PublishRequest, options: Mapping[str, Any]) -> CalDAVResult:
    """Publish the request's plan with its typed options (:func:`liaison_caldav.plugin.publish`)."""
    from liaison_caldav.dav import Server, ServerError

    target: str = options["url"]
    resources = calendar_resources(request.district, request.plan,
                                   {k: options[k] for k in ICAL_NAMES if options[k] is not None})
    plan = changes(resources, request.previous, target=target, only=options["calendars"],
                   prune=options["prune"])
    events = {r.uid: r for c in resources.calendars for r in c.resources}
    verify: bool | str = options["ca_file"] or options["verify_tls"]
    server = Server(target, options["user"], options["password"], timeout=options["timeout"],
                    auth=options["auth"], verify=verify, max_bytes=options["max_response_mb"] * 1024 * 1024,
                    deadline=options["deadline"])
    run = _Run(plan, events, server, overwrite=options["overwrite"], check_server=options["check_server"],
               progress=request.progress, record=request.record)
    try:
        return run.run()
    except ServerError as exc:
        calendar = run.calendar
        where = f"calendar {calendar.name} ({calendar.key}): " if calendar is not None else ""
        where_zh = f"日历 {calendar.name}（{calendar.key}）：" if calendar is not None else ""
        fix, fix_zh = (("check the user and the password", "请检查用户名和密码") if exc.status == 401 else
                       ("check the address and the network, then publish again",
                        "请检查地址和网络，然后重新发布") if exc.status is None else
                       ("see the server's reason, then publish again", "请查看服务器的说明，然后重新发布"))
        # what the server accepted before it stopped travels with the error (``partial``), for the
        # caller to record (the command does): the fix says what the user does, not that
        shown = _shown(target)
        raise PublishError(f"CalDAV server {shown}: {where}{exc.message}", partial=run.publication(),
                           fix=fix, message_zh=f"CalDAV 服务器 {shown}：{where_zh}{exc.message_zh}",
                           fix_zh=fix_zh) from None
    finally:
        server.close()
