"""What a publisher is: it sends a year's events somewhere (a CalDAV server, DingTalk, WeCom) and
says what it sent, so the year's state remembers it and the next run sends only what changed.

Publishers are plugins, registered through ``register_publishers(register)`` exactly like exporters;
the CalDAV publisher of ``liaison-caldav`` is one. Unlike an exporter a publisher does I/O (it talks
to a server), so it runs at the edge; these types are plain data the core can hold in the year's
state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Unpack

import attrs

from liaison.base.errors import ExportError, LiaisonError, Placed
from liaison.host.options import Option
from liaison.year.publications import Publication

if TYPE_CHECKING:
    from liaison.law.district import District
    from liaison.year.engagements import Plan


@attrs.frozen
class Conflict:
    """An event changed on the target since it was published: reported, never overwritten silently.

    ``reason`` is the English sentence and ``reason_zh`` the Chinese one (as an error's ``message``
    and ``message_zh``); ``overwritten`` says the target's version was replaced (the publisher's
    overwrite option), else it was left as the target has it."""

    calendar: str
    uid: str
    href: str
    reason: str
    reason_zh: str = ""
    overwritten: bool = False

    def text(self, lang: str = "zh") -> str:
        """The reason in ``lang`` (``zh`` or ``en``)."""
        return (self.reason_zh or self.reason) if lang == "zh" else self.reason


@attrs.frozen
class PublishRequest:
    """What a publisher receives: the district, the year's plan, what was published before (from the
    year's state), its typed options, a progress callback ``(done, total)``, and ``record``: called
    with the whole publication so far as the target acknowledges writes, so the caller can store it
    at once (the command writes it into the year's state). Each call may cost the size of the state,
    so a publisher calls it in batches (the CalDAV one: every half second at least, at the end, on an
    error): a run that dies — a lost connection, a killed process — loses the records of the writes
    since the last call, which the next run must be able to recognise on the target (adopt)."""

    district: District
    plan: Plan
    previous: Publication | None = None
    options: dict[str, Any] = attrs.field(factory=dict)
    progress: Callable[[int, int], None] | None = attrs.field(default=None, eq=False)
    record: Callable[[Publication], None] | None = attrs.field(default=None, eq=False, kw_only=True)

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)


@attrs.frozen(kw_only=True)
class PublishResult:
    """What was done: the new publication record (only what the target accepted) and counts."""

    publication: Publication
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    requests: int = 0  # every HTTP request (or API call) sent
    writes: int = 0  # of which created or changed something
    conflicts: tuple[Conflict, ...] = ()
    adopted: int = 0  # found on the target already as we would send them (an answer lost before): recorded

    @property
    def kept(self) -> tuple[Conflict, ...]:
        """The conflicts left as the target has them: the run completed with problems."""
        return tuple(c for c in self.conflicts if not c.overwritten)

    @property
    def overwritten(self) -> tuple[Conflict, ...]:
        """The conflicts whose target version was replaced, as the overwrite option asked."""
        return tuple(c for c in self.conflicts if c.overwritten)


class PublishError(ExportError):
    """Publishing stopped (a wrong password, an unreachable server, a refused write). ``partial``
    holds what had been published before it stopped, so the state records exactly that."""

    def __init__(self, message: str, *, partial: Publication | None = None, **kwargs: Unpack[Placed]) -> None:
        super().__init__(message, **kwargs)
        self.partial = partial


@attrs.frozen
class Publisher:
    """A registered publisher. ``target`` names where a run publishes, from its typed options (the
    year's state keeps one publication per publisher and target); by default the ``url`` option."""

    name: str
    description: str
    publish: Callable[[PublishRequest], PublishResult] = attrs.field(eq=False, repr=False)
    options: tuple[Option, ...] = ()
    plugin: str = ""
    target: Callable[[Mapping[str, Any]], str] = attrs.field(default=lambda options: str(options.get("url") or ""),
                                                             eq=False, repr=False)

    def run(self, request: PublishRequest) -> PublishResult:
        """Publish: the one way into a publisher's function (:func:`run_publisher`)."""
        return run_publisher(self, request)


def run_publisher(publisher: Publisher, request: PublishRequest) -> PublishResult:
    """The one way into a publisher's function, as :func:`liaison.host.exporting._run` is for an
    exporter: its result; a :class:`~liaison.base.errors.LiaisonError` (a :class:`PublishError` with
    what the target accepted) passes through, and a publisher's own bug is a :class:`PublishError`
    naming it and its plugin, never a traceback. What the target had acknowledged was recorded as it
    went (``request.record``), so the bug's error carries no ``partial``."""
    try:
        return publisher.publish(request)
    except LiaisonError:
        raise
    except Exception as exc:
        from liaison.base.text import shorten

        who = f"{publisher.name} ({publisher.plugin})" if publisher.plugin else publisher.name
        raise PublishError(f"the publisher {who} failed: {type(exc).__name__}: {shorten(str(exc), 200)}",
                           fix=f"report this to the authors of {publisher.plugin or publisher.name}; what the "
                               "target acknowledged before it failed is recorded",
                           message_zh=f"发布插件 {who} 出错",
                           fix_zh=f"请向 {publisher.plugin or publisher.name} 的作者报告；出错前目标已接受的内容已记录"
                           ) from exc
