"""What was published where: the records of a publisher's work kept in the year's state, so the
next run sends only what changed (the publishers themselves are :mod:`liaison.host.publishing`)."""

from __future__ import annotations

import attrs

from liaison.base.text import identifier, in_range, message_text, title_text


@attrs.frozen
class PublishedResource:
    """One event as it stands on the target: where, its version tag, and what was sent."""

    uid: str = attrs.field(validator=message_text)
    href: str = attrs.field(validator=message_text)
    etag: str | None = attrs.field(validator=message_text)
    digest: str = attrs.field(validator=message_text)  # sha256 of the bytes sent: "changed" means a different digest
    sequence: int = attrs.field(validator=in_range(0, 10_000))


@attrs.frozen
class PublishedCalendar:
    """One calendar (collection) on the target and the events published into it."""

    key: str = attrs.field(validator=title_text)  # the calendar's file stem: 全部 (the master) or an organisation id
    name: str = attrs.field(validator=message_text)  # X-WR-CALNAME
    url: str = attrs.field(validator=message_text)
    resources: tuple[PublishedResource, ...] = ()


@attrs.frozen
class Publication:
    """What one publisher published to one target for a year: kept in the year's state."""

    publisher: str = attrs.field(validator=identifier)
    target: str = attrs.field(validator=message_text)  # the server's URL (no credentials)
    calendars: tuple[PublishedCalendar, ...] = ()
