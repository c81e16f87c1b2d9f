r"""Turn a :class:`~liaison_ical.events.CalendarSpec` into RFC 5545 bytes with icalendar.

What the bytes look like (and why):

* ``METHOD:PUBLISH`` and no ATTENDEE/ORGANIZER lines (RFC 5546: a published schedule, not an invitation);
  participants belong in DESCRIPTION.
* One VTIMEZONE for ``Asia/Shanghai`` built by hand as a single STANDARD block (DTSTART 19700101T000000,
  TZOFFSETFROM/TZOFFSETTO +0800, no RDATE/RRULE): Outlook ignores RDATE and China has had no DST since
  1991.  It is always present, so even a calendar with no events is a valid VCALENDAR.
* ``X-WR-CALNAME`` (the calendar's name) and ``X-WR-TIMEZONE:Asia/Shanghai`` for Outlook/Google/Apple,
  plus the standard RFC 7986 ``NAME`` with the same name (as icalendar's ``calendar_name`` writes).
  Both are escaped as TEXT; icalendar 7 and ical.js read both as opaque values and so show those
  escapes (``\,``): calendar names are best kept free of ASCII ``,;\``.
* With a refresh interval (a feed a client subscribes to), ``REFRESH-INTERVAL;VALUE=DURATION`` (RFC 7986
  §5.7, the standard) and ``X-PUBLISHED-TTL`` (what Outlook and Apple read) with the same duration
  (``PT12H``, ``P1D``, ``P1DT12H``; see :func:`duration_text`).
* :func:`object_resources` gives the same events as CalDAV calendar object resources (RFC 4791 §4.1):
  one VCALENDAR per event holding the VTIMEZONE and that VEVENT, byte for byte the VEVENT of the
  .ics, with no METHOD (§4.1 forbids it in a calendar collection) and no calendar-level name or
  refresh properties (those belong to the collection).
* Timed events carry ``DTSTART;TZID=Asia/Shanghai``; date-only events carry ``VALUE=DATE``.
* DTSTAMP comes from the spec (never the clock); UIDs come from the spec (see :func:`uid_for`), so the
  same spec always yields byte-identical output.
* TEXT values are escaped by this module (backslash, ``;``, ``,``, line breaks -> ``\n``) rather than by
  icalendar's ``vText``, whose escaper also turns a literal ``\N`` into a line break.  CR LF, lone CR
  and LF all become one ``\n`` escape, so text round-trips with line breaks normalised to LF.
  Other control characters (C0 except TAB/CR/LF, DEL, C1), lone surrogates and U+FEFF are rejected with
  :class:`liaison.base.errors.ExportError` naming the field: there is no escape for them in RFC 5545.
* Timed events must start in 1992 or later: the single +0800 block is only equivalent to the tz
  database's Asia/Shanghai from 1991-09-15 (China observed DST 1986-1991), and readers that resolve the
  TZID through the tz database (icalendar, Python's zoneinfo) would otherwise disagree with readers that
  use the VTIMEZONE (Outlook, ical.js) by an hour.  All-day events have no time zone and any date.
* Lines are folded at 75 octets as icalendar folds them (between characters, never inside a UTF-8
  sequence, never right after a ``\\`` or ``^``), by :func:`_fold` on the encoded line: the same bytes
  without icalendar's character-by-character loop.
* A cancelled event keeps its VEVENT (STATUS:CANCELLED, raised SEQUENCE) but gets no VALARM: a reminder
  for a meeting that will not happen is noise.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from typing import Any, Final

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneStandard
from icalendar.prop import vCategory, vDate, vDatetime, vDuration, vInt, vText, vUTCOffset

from liaison.base.errors import ExportError, Location, Path
from liaison_ical.events import STATUSES, CalendarEvent, CalendarSpec, duration_text

__all__ = ["TZID", "duration_text", "object_resources", "serialise", "serialise_many", "uid_for"]

TZID: Final = "Asia/Shanghai"
_TZ: Final = zoneinfo.ZoneInfo(TZID)
_UTC: Final = datetime.UTC
_FIRST_EXACT_TIME: Final = datetime.datetime(1992, 1, 1)

# RFC 5545 CONTROL = %x00-08 / %x0A-1F / %x7F.  TEXT may hold TAB and we escape line breaks; everything
# else in CONTROL is refused, and so are the C1 block (no calendar client displays it), lone surrogates
# (not encodable as UTF-8) and U+FEFF (a byte-order mark: parsers, icalendar and ical among them,
# silently drop it at the start of a value, so it cannot round-trip; use U+2060 for a word joiner).
_BAD_TEXT: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")
# Identifiers (UID, PRODID, UID domain) and the calendar name must be a single line.
_BAD_LINE: Final = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")
_NEEDS_ESCAPE: Final = re.compile(r"[\\;,\r\n]")

#: Where in the values given (``events[3].summary``): no file, so no root.
_at = Location.inside


def _escape_text(text: str) -> str:
    """RFC 5545 §3.3.11 TEXT escaping; line breaks (CRLF, CR, LF) become ``\\n``."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


_FOLD_AT: Final = 74  # icalendar's _foldline(limit=75) breaks before the char that would reach 75 octets


def _fold(line: bytes) -> bytes:
    r"""``icalendar.parser.string._foldline(line.decode()).encode()``, byte for byte, on the UTF-8 bytes.

    icalendar walks the line a character at a time, encoding each to count its octets: about a
    tenth of a calendar's CPU.  The same rule on the bytes: each physical line is the longest run of
    whole characters of at most 74 octets (a char that would bring the count to 75 starts the next
    line), except that a run of more than one character ending in ``\`` or ``^`` gives that character
    to the next line (icalendar's guard against splitting an escape, its issue #1501).  A UTF-8
    continuation byte (0b10xxxxxx) never starts a character, so stepping back over them finds the
    boundary.  ``tests/test_ical_fold.py`` checks it against icalendar's function on arbitrary text.
    """
    size = len(line)
    if size <= _FOLD_AT:
        return line
    parts: list[bytes] = []
    start = 0
    while size - start > _FOLD_AT:
        end = start + _FOLD_AT
        while line[end] & 0xC0 == 0x80:
            end -= 1
        # More than one character before end: the run holds at least 74 - 3 octets, so always.
        if line[end - 1] in b"\\^":
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return b"\r\n ".join(parts)


_BOM: Final = b"\xef\xbb\xbf"


def _unsigned(data: bytes | str) -> bytes:
    """What icalendar's ``to_unicode`` (a ``utf-8-sig`` decode of bytes, a str as it is) and an
    encode back give: a leading byte-order mark of bytes dropped."""
    if isinstance(data, str):  # some values of a parsed calendar serialise to str
        return data.encode("utf-8")
    return data[3:] if data.startswith(_BOM) else data


def _to_ical(component: Any) -> bytes:
    """``component.to_ical()``, byte for byte, in bytes: icalendar makes every property a
    ``Contentline`` (a str decoded from the value's bytes, with a fresh ``Parameters`` for each value
    without any) and encodes it again, then folds it a character at a time: about half of a
    calendar's CPU. Here each line is joined from the same parts as ``Contentline.from_parts`` joins
    them (name, the parameters when they serialise to something, the value) and folded by
    :func:`_fold`; ``tests/test_ical_fold.py`` checks the bytes against icalendar's."""
    lines: list[bytes] = []
    for name, value in component.property_items(sorted=True):
        data = _unsigned(value.to_ical() if hasattr(value, "to_ical") else vText(value).to_ical())
        params = getattr(value, "params", None)
        head = name.encode("utf-8")
        if params:
            written = _unsigned(params.to_ical(sorted=True))
            if written:
                head += b";" + written
        lines.append(_fold(head + b":" + data))
    lines.append(b"")
    return b"\r\n".join(lines)


class _Text(vText):
    """A vText whose serialisation escapes exactly per RFC 5545 (icalendar maps a literal ``\\N`` to LF)."""

    def to_ical(self) -> bytes:
        return _escape_text(self).encode("utf-8")


class _Categories(vCategory):
    """CATEGORIES with each value escaped by :class:`_Text` (so ``,`` inside a category stays in it)."""

    def __init__(self, categories: Iterable[str]) -> None:
        super().__init__([])
        self.cats = [_Text(c) for c in categories]


class _Trigger(vDuration):
    """A relative TRIGGER always written as ``-PTnM`` (icalendar would write ``-PT1H30M``)."""

    def __init__(self, minutes: int) -> None:
        super().__init__(datetime.timedelta(minutes=-minutes))
        self._minutes = minutes

    def to_ical(self) -> bytes:
        return b"-PT%dM" % self._minutes


class _Duration(vDuration):
    """A DURATION value written by :func:`duration_text` (stable, whatever icalendar's own style)."""

    def __init__(self, value: datetime.timedelta, params: dict[str, str] | None = None) -> None:
        super().__init__(value, params=params or {})
        self._text = duration_text(value)

    def to_ical(self) -> bytes:
        return self._text.encode("ascii")


def _build_vtimezone() -> Timezone:
    tz = Timezone()
    tz["TZID"] = vText(TZID)
    tz["X-LIC-LOCATION"] = vText(TZID)
    standard = TimezoneStandard()
    standard["DTSTART"] = vDatetime(datetime.datetime(1970, 1, 1))
    standard["TZOFFSETFROM"] = vUTCOffset(datetime.timedelta(hours=8))
    standard["TZOFFSETTO"] = vUTCOffset(datetime.timedelta(hours=8))
    standard["TZNAME"] = vText("CST")
    tz.add_component(standard)
    return tz


# Built once; serialising never mutates it, so every calendar shares it.
_VTIMEZONE: Final = _build_vtimezone()


def uid_for(*business_key_parts: str, domain: str = "liaison") -> str:
    """A stable UID for a business key: ``sha1(json(parts)) hex + "@" + domain``.

    The parts are JSON-encoded as a list before hashing, so ``("a b", "c")`` and ``("a", "b c")`` differ.
    Same parts, same UID, on every machine and every run.
    """
    if not business_key_parts:
        raise ExportError("uid_for() needs at least one business key part", path=_at("uid_for"),
                          message_zh="uid_for() 至少需要一段业务键")
    for index, part in enumerate(business_key_parts):
        if not isinstance(part, str):
            raise ExportError(
                f"business key part must be str, not {type(part).__name__}", path=_at("uid_for", index),
                message_zh=f"业务键的每一段都应是文本，此处是 {type(part).__name__}",
            )
    _check_line(domain, ("uid_for", "domain"))
    if not domain or " " in domain or "@" in domain:
        raise ExportError(
            f"UID domain {domain!r} must be non-empty without spaces or '@'", path=_at("uid_for", "domain"),
            fix="use a domain such as 'liaison' or 'tzb.example.gov.cn'",
            message_zh=f"UID 域名 {domain!r} 不能为空，也不能含空格或“@”",
            fix_zh="请使用 'liaison' 或 'tzb.example.gov.cn' 这样的域名",
        )
    key = json.dumps(list(business_key_parts), ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{digest}@{domain}"


def _checked(value: object, path: Path, pattern: re.Pattern[str], fix: str, fix_zh: str) -> str:
    if not isinstance(value, str):
        raise ExportError(f"must be text, not {type(value).__name__}", path=_at(*path),
                          message_zh=f"应为文本，此处是 {type(value).__name__}")
    match = pattern.search(value)
    if match is not None:
        raise ExportError(
            f"contains character U+{ord(match.group()):04X} (not allowed in iCalendar text) "
            f"at position {match.start()}",
            path=_at(*path), fix=fix,
            message_zh=f"第 {match.start()} 个位置有字符 U+{ord(match.group()):04X}（iCalendar 文本不允许）",
            fix_zh=fix_zh,
        )
    return value


def _check_text(value: object, path: Path) -> str:
    return _checked(value, path, _BAD_TEXT,
                    "remove the character from the data (line breaks and tabs are allowed here)",
                    "请从数据中删去该字符（此处可以有换行和制表符）")


def _check_line(value: object, path: Path) -> str:
    return _checked(value, path, _BAD_LINE, "this field must be a single line of printable text",
                    "此项只能是一行可打印的文字")


def _check_int(value: object, path: Path, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ExportError(f"must be an integer >= {minimum}, got {value!r}", path=_at(*path),
                          message_zh=f"应为不小于 {minimum} 的整数，此处是 {value!r}")
    return value


_X_NAME: Final = re.compile(r"X-[A-Z0-9]+(?:-[A-Z0-9]+)*")


def _check_extra(value: object, path: Path) -> tuple[tuple[str, str], ...]:
    """The ``X-`` properties of an event: upper-case ``X-`` names (as written, so a reader that
    compares names literally finds them), each once, each value TEXT."""
    if not isinstance(value, tuple):
        raise ExportError("extra must be a tuple of (name, text) pairs", path=_at(*path),
                          message_zh="extra 应为由（名称，文本）对组成的 tuple")
    seen: set[str] = set()
    for index, pair in enumerate(value):
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)
                and _X_NAME.fullmatch(pair[0]) and pair[0] not in seen):
            raise ExportError(f"{pair!r} is not a (name, text) pair with a new X- name in capitals",
                              path=_at(*path, index),
                              fix="name it X-SOMETHING (RFC 5545, section 3.8.8.2), once",
                              message_zh=f"{pair!r} 不是（名称，文本）对，或名称不是未用过的大写 X- 名称",
                              fix_zh="请命名为 X-SOMETHING（RFC 5545 第3.8.8.2节），每个名称一次")
        seen.add(pair[0])
        _check_text(pair[1], (*path, index, 1))  # escaped as TEXT, so a line break cannot make a property
    return value


def _event_times(event: CalendarEvent, path: Path) -> tuple[Any, Any]:
    start, end = event.start, event.end
    if isinstance(start, datetime.datetime) and isinstance(end, datetime.datetime):
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ExportError(
                "start/end must be naive local times in Asia/Shanghai", path=_at(*path),
                fix="pass datetime values without tzinfo (Beijing wall-clock time)",
                message_zh="开始和结束应为不带时区的 Asia/Shanghai 当地时间",
                fix_zh="请传入不带 tzinfo 的 datetime（北京时间）",
            )
        if end <= start:
            raise ExportError(f"end {end.isoformat()} is not after start {start.isoformat()}",
                              path=_at(*path),
                              message_zh=f"结束时间 {end.isoformat()} 不晚于开始时间 {start.isoformat()}")
        if start < _FIRST_EXACT_TIME:
            raise ExportError(
                f"timed event at {start.isoformat()} is before 1992: Asia/Shanghai had summer time "
                "1986-1991, which the single +0800 VTIMEZONE does not describe", path=_at(*path),
                fix="use an all-day event or a date from 1992 on",
                message_zh=f"定时活动 {start.isoformat()} 早于 1992 年：Asia/Shanghai 在 1986—1991 年"
                           "实行夏令时，单一的 +0800 VTIMEZONE 无法表示",
                fix_zh="请改为全天活动，或使用 1992 年以后的日期",
            )
        return (vDatetime(start.replace(tzinfo=_TZ)), vDatetime(end.replace(tzinfo=_TZ)))
    if (
        isinstance(start, datetime.date) and not isinstance(start, datetime.datetime)
        and isinstance(end, datetime.date) and not isinstance(end, datetime.datetime)
    ):
        if end <= start:
            raise ExportError(
                f"all-day end {end.isoformat()} is not after start {start.isoformat()}", path=_at(*path),
                fix="the end date of an all-day event is exclusive: a one-day event ends the next day",
                message_zh=f"全天活动的结束日期 {end.isoformat()} 不晚于开始日期 {start.isoformat()}",
                fix_zh="全天活动的结束日期不含当天：一天的活动，结束日期写次日",
            )
        return (vDate(start, params={"VALUE": "DATE"}), vDate(end, params={"VALUE": "DATE"}))
    raise ExportError(
        f"start and end must both be datetimes or both be dates, got {type(start).__name__} "
        f"and {type(end).__name__}",
        path=_at(*path),
        message_zh=f"开始和结束应同为 datetime 或同为 date，此处是 {type(start).__name__} "
                   f"和 {type(end).__name__}",
    )


def _build_event(event: CalendarEvent, dtstamp: vDatetime, path: Path) -> Event:
    if not isinstance(event, CalendarEvent):
        raise ExportError(f"must be a CalendarEvent, not {type(event).__name__}", path=_at(*path),
                          message_zh=f"应为 CalendarEvent，此处是 {type(event).__name__}")
    uid = _check_line(event.uid, (*path, "uid"))
    if not uid.strip():
        raise ExportError("UID is empty", path=_at(*path, "uid"), fix="derive it with liaison_ical.uid_for()",
                          message_zh="UID 为空", fix_zh="请用 liaison_ical.uid_for() 生成")
    sequence = _check_int(event.sequence, (*path, "sequence"), 0)
    if event.status not in STATUSES:
        raise ExportError(
            f"status {event.status!r} is not one of {', '.join(STATUSES)}", path=_at(*path, "status"),
            message_zh=f"状态 {event.status!r} 不在 {', '.join(STATUSES)} 之列",
        )
    summary = _check_text(event.summary, (*path, "summary"))
    description = _check_text(event.description, (*path, "description"))
    location = None if event.location is None else _check_text(event.location, (*path, "location"))
    if not isinstance(event.categories, tuple):
        raise ExportError("categories must be a tuple of text", path=_at(*path, "categories"),
                          message_zh="categories 应为由文本组成的 tuple")
    for index, category in enumerate(event.categories):
        if not _check_text(category, (*path, "categories", index)):
            raise ExportError("category is empty", path=_at(*path, "categories", index),
                              message_zh="类别为空")
    extra = _check_extra(event.extra, (*path, "extra"))
    alarm_minutes = event.alarm_minutes
    if alarm_minutes is not None:
        _check_int(alarm_minutes, (*path, "alarm_minutes"), 0)
    dtstart, dtend = _event_times(event, path)

    vevent = Event()
    vevent["UID"] = _Text(uid)
    vevent["DTSTAMP"] = dtstamp
    vevent["DTSTART"] = dtstart
    vevent["DTEND"] = dtend
    vevent["SEQUENCE"] = vInt(sequence)
    vevent["STATUS"] = vText(event.status)
    vevent["SUMMARY"] = _Text(summary)
    if description:
        vevent["DESCRIPTION"] = _Text(description)
    if location:
        vevent["LOCATION"] = _Text(location)
    if event.categories:
        vevent["CATEGORIES"] = _Categories(event.categories)
    for name, value in extra:
        vevent[name] = _Text(value)
    if alarm_minutes is not None and event.status != "CANCELLED":
        alarm = Alarm()
        alarm["ACTION"] = vText("DISPLAY")
        alarm["TRIGGER"] = _Trigger(alarm_minutes)
        alarm["DESCRIPTION"] = _Text(summary or "Reminder")
        vevent.add_component(alarm)
    return vevent


def _check_refresh(value: object) -> datetime.timedelta | None:
    if value is None:
        return None
    if (not isinstance(value, datetime.timedelta) or value <= datetime.timedelta(0)
            or value.microseconds):
        raise ExportError(
            f"refresh must be a positive whole number of seconds (a timedelta), not {value!r}",
            path=_at("refresh"), fix="give e.g. timedelta(hours=12) for PT12H, or None for no refresh hint",
            message_zh=f"refresh 应为正的整秒数（timedelta），此处是 {value!r}",
            fix_zh="请写如 timedelta(hours=12)（即 PT12H），不需要刷新提示时写 None",
        )
    return value


def _calendar_head(cal: CalendarSpec) -> tuple[bytes, vDatetime]:
    """The VCALENDAR properties and VTIMEZONE (everything before the first VEVENT), and the DTSTAMP."""
    if not isinstance(cal, CalendarSpec):
        raise ExportError(f"serialise() needs a CalendarSpec, not {type(cal).__name__}",
                          message_zh=f"serialise() 需要 CalendarSpec，此处是 {type(cal).__name__}")
    name = _check_line(cal.name, ("name",))
    prodid = _check_line(cal.prodid, ("prodid",))
    if not name.strip():
        raise ExportError("calendar name is empty", path=_at("name"), message_zh="日历名称为空")
    if not prodid.strip():
        raise ExportError("PRODID is empty", path=_at("prodid"), fix="use e.g. '-//District//liaison//ZH'",
                          message_zh="PRODID 为空", fix_zh="请写如 '-//District//liaison//ZH'")
    refresh = _check_refresh(cal.refresh)
    stamp = cal.dtstamp
    if not isinstance(stamp, datetime.datetime) or stamp.utcoffset() is None:
        raise ExportError(
            "dtstamp must be a timezone-aware datetime (UTC)", path=_at("dtstamp"),
            fix="pass the plan's fixed generation time, e.g. datetime(2025, 1, 1, tzinfo=UTC)",
            message_zh="dtstamp 应为带时区的 datetime（UTC）",
            fix_zh="请传入计划固定的生成时间，如 datetime(2025, 1, 1, tzinfo=UTC)",
        )
    if not isinstance(cal.events, tuple):
        raise ExportError("events must be a tuple of CalendarEvent", path=_at("events"),
                          message_zh="events 应为由 CalendarEvent 组成的 tuple")

    return _head_bytes(prodid, name, refresh), vDatetime(stamp.astimezone(_UTC))


def _whole_head(prodid: str, name: str, refresh: datetime.timedelta | None = None) -> bytes:
    """The head as icalendar renders a whole VCALENDAR (the reference the fast path must equal)."""
    calendar = Calendar()
    calendar["PRODID"] = _Text(prodid)
    calendar["VERSION"] = vText("2.0")
    calendar["CALSCALE"] = vText("GREGORIAN")
    calendar["METHOD"] = vText("PUBLISH")
    calendar["NAME"] = _Text(name)
    calendar["X-WR-CALNAME"] = _Text(name)
    calendar["X-WR-TIMEZONE"] = vText(TZID)
    if refresh is not None:
        calendar["REFRESH-INTERVAL"] = _Duration(refresh, params={"VALUE": "DURATION"})
        calendar["X-PUBLISHED-TTL"] = _Duration(refresh)
    calendar.add_component(_VTIMEZONE)
    whole: bytes = calendar.to_ical()
    assert whole.endswith(_END)
    return whole[: -len(_END)]


_BEGIN: Final = b"BEGIN:VCALENDAR\r\n"
_PLACEHOLDER: Final = b"NAME:-\r\nX-WR-CALNAME:-\r\n"


@functools.lru_cache(maxsize=16)
def _head_template(prodid: str, refresh: datetime.timedelta | None) -> tuple[bytes, bytes] | None:
    """The head around its two name lines, rendered once per PRODID (a per-organisation export writes
    thousands of calendars that differ only in their names); None if icalendar's layout is unexpected."""
    whole = _whole_head(prodid, "-", refresh)
    before, found, after = whole.partition(b"\r\n" + _PLACEHOLDER)
    if not found or _PLACEHOLDER in after:
        return None
    return before + b"\r\n", after


def _head_bytes(prodid: str, name: str, refresh: datetime.timedelta | None = None) -> bytes:
    template = _head_template(prodid, refresh)
    if template is None:
        return _whole_head(prodid, name, refresh)
    names = Calendar()
    names["NAME"] = _Text(name)
    names["X-WR-CALNAME"] = _Text(name)
    lines = _to_ical(names)
    assert lines.startswith(_BEGIN) and lines.endswith(_END)
    return template[0] + lines[len(_BEGIN): -len(_END)] + template[1]


@functools.lru_cache(maxsize=16)
def _resource_head(prodid: str) -> bytes:
    """What precedes the VEVENT in a calendar object resource: no METHOD (RFC 4791 §4.1), no NAME."""
    calendar = Calendar()
    calendar["PRODID"] = _Text(prodid)
    calendar["VERSION"] = vText("2.0")
    calendar["CALSCALE"] = vText("GREGORIAN")
    calendar.add_component(_VTIMEZONE)
    whole: bytes = calendar.to_ical()
    assert whole.endswith(_END)
    return whole[: -len(_END)]


_END: Final = b"END:VCALENDAR\r\n"


def _rendered(specs: list[CalendarSpec]) -> Iterator[tuple[CalendarSpec, bytes, list[bytes]]]:
    """Each calendar's head and VEVENT texts; an event shared between calendars is rendered once.

    An exporter that writes a master calendar and one calendar per participant shares the same
    :class:`CalendarEvent` objects (same identity, same DTSTAMP) between them; their VEVENT text is
    identical, so it is built, validated and folded once and then reused.  Errors name the
    calendar (``calendars[2].events[5].summary``) when more than one is given.
    """
    rendered: dict[tuple[int, datetime.datetime], bytes] = {}
    keep_alive: list[CalendarEvent] = []  # ids stay unique while the cache lives
    many = len(specs) != 1
    for number, cal in enumerate(specs):
        where: Path = ("calendars", number) if many else ()
        try:
            head, dtstamp = _calendar_head(cal)
        except ExportError as exc:
            if many:
                raise exc.located(path=_at(*where, *(exc.location.path or ()))) from None
            raise
        parts: list[bytes] = []
        seen: dict[str, int] = {}
        for index, event in enumerate(cal.events):
            path: Path = (*where, "events", index)
            key = (id(event), cal.dtstamp)
            text = rendered.get(key)
            if text is None:
                text = _to_ical(_build_event(event, dtstamp, path))
                rendered[key] = text
                keep_alive.append(event)
            first = seen.setdefault(event.uid, index)
            if first != index:
                raise ExportError(
                    f"UID {event.uid!r} is already used by events[{first}]", path=_at(*path, "uid"),
                    fix="derive UIDs from the full business key with uid_for()",
                    message_zh=f"UID {event.uid!r} 已被 events[{first}] 使用",
                    fix_zh="请用 uid_for() 由完整的业务键生成 UID",
                )
            parts.append(text)
        yield cal, head, parts


def serialise_many(calendars: Iterable[CalendarSpec]) -> list[bytes]:
    """``[serialise(c) for c in calendars]``, byte for byte, but each VEVENT is rendered only once."""
    return [b"".join((head, *events, _END)) for _, head, events in _rendered(list(calendars))]


def object_resources(calendars: Iterable[CalendarSpec]) -> list[tuple[bytes, ...]]:
    """For each calendar, its events as CalDAV calendar object resources, in event order.

    Each is ``BEGIN:VCALENDAR``, PRODID, VERSION, CALSCALE, the VTIMEZONE, the event's VEVENT
    exactly as :func:`serialise_many` writes it into the .ics (same UID, SEQUENCE, DTSTAMP, folding),
    ``END:VCALENDAR``.  The calendar's name and refresh interval are not repeated in each resource:
    they are properties of the collection.  Checked exactly as :func:`serialise_many` checks.
    """
    out: list[tuple[bytes, ...]] = []
    for cal, _, events in _rendered(list(calendars)):
        head = _resource_head(cal.prodid)
        out.append(tuple(b"".join((head, event, _END)) for event in events))
    return out


def serialise(cal: CalendarSpec) -> bytes:
    """The .ics bytes for ``cal`` (UTF-8, CRLF line endings, folded at 75 octets).

    Deterministic: the output depends only on ``cal``.  Raises :class:`liaison.base.errors.ExportError`
    (with ``path`` such as ``events[3].summary``) for text that cannot be represented, naive/aware
    mix-ups, end not after start, duplicate UIDs and similar bad input.
    """
    if not isinstance(cal, CalendarSpec):
        raise ExportError(f"serialise() needs a CalendarSpec, not {type(cal).__name__}",
                          message_zh=f"serialise() 需要 CalendarSpec，此处是 {type(cal).__name__}")
    (data,) = serialise_many((cal,))
    return data
