"""One exception family for every bad input, in one shape.

    FILE: $.path.to.field: what is wrong (fix: what to do)
    台账.xlsx: 会议走访!E12: 没有名为“农工总支”的单位；您是否要找：农工党总支部 (fix: …)

Each error names the file it came from (when there is one), the place inside it (a JSON-style path
``$.pairings[3].counterpart`` or, for a spreadsheet, ``Sheet!E12``), what is wrong and what to do,
so an office user never sees a traceback from a dependency. An error may carry its sentences in
Chinese too (``message_zh``, ``fix_zh``); :meth:`LiaisonError.render` gives the output's language.
The core's messages name no command-line flag: the edge adds the flag where it knows it.

A file with several problems is one error carrying them all (:meth:`LiaisonError.several`): its own
fields are the first problem's, ``problems`` holds every one, and it renders one line per problem
(at most :data:`MAX_LISTED`, then how many more), so a user fixes them in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

E = TypeVar("E", bound="LiaisonError")

#: Problems one error lists line by line; a file with more is mostly wrong anyway.
MAX_LISTED = 50


class LiaisonError(Exception):
    """Base of every error ``liaison`` raises for bad input or an impossible request."""

    def __init__(self, message: str, *, file: str | None = None, path: str | None = None,
                 fix: str | None = None, message_zh: str | None = None, fix_zh: str | None = None,
                 problems: Sequence[LiaisonError] = ()) -> None:
        self.message = message
        self.file = file
        self.path = path
        self.fix = fix
        self.message_zh = message_zh
        self.fix_zh = fix_zh
        #: every problem the error stands for (the first is this error's own), when it was given them
        self.problems: tuple[LiaisonError, ...] = tuple(problems)
        super().__init__(self.render())

    @classmethod
    def several(cls: type[E], problems: Sequence[LiaisonError]) -> E:
        """One error for every problem of ``problems`` (at least one): the first's fields, all of them listed."""
        first = problems[0]
        return cls(first.message, file=first.file, path=first.path, fix=first.fix, message_zh=first.message_zh,
                   fix_zh=first.fix_zh, problems=problems)

    def render(self, lang: str = "en") -> str:
        """``FILE: PATH: message (fix: …)`` in English, or in Chinese where the error has it; one such
        line per problem when there are several, then how many there are."""
        if len(self.problems) > 1:
            lines = [problem.render(lang) for problem in self.problems[:MAX_LISTED]]
            hidden = len(self.problems) - MAX_LISTED
            if hidden > 0:
                lines.append(f"……另有 {hidden} 处问题未列出" if lang == "zh" else f"… and {hidden} more")
            lines.append(f"共 {len(self.problems)} 处问题" if lang == "zh" else f"{len(self.problems)} problems in all")
            return "\n".join(lines)
        zh = lang == "zh"
        message = (self.message_zh or self.message) if zh else self.message
        fix = (self.fix_zh or self.fix) if zh and self.message_zh else self.fix
        where = "".join(f"{part}: " for part in (self.file, self.path) if part)
        return f"{where}{message}" + (f" (fix: {fix})" if fix else "")

    def __str__(self) -> str:
        return self.render()

    def located(self, *, file: str | None = None, path: str | None = None, cls: type[E] | None = None,
                fix: str | None = None, fix_zh: str | None = None) -> LiaisonError:
        """The same error placed in a file and at a path (keeping both languages), as ``cls``, with
        another fix if given."""
        if cls is None or isinstance(self, cls):
            found = type(self).__new__(type(self))  # a copy, keeping a subclass's own attributes
            found.__dict__.update(self.__dict__)
        else:
            found = cls(self.message, message_zh=self.message_zh)
        found.file = file if file is not None else self.file
        found.path = path if path is not None else self.path
        found.fix = fix or self.fix
        found.fix_zh = fix_zh if fix else self.fix_zh
        if self.problems:  # the first is this error itself; the others move to the same file and class
            first = self.problems[0].located(file=file, path=path, cls=cls, fix=fix, fix_zh=fix_zh)
            found.problems = (first, *(p.located(file=file, cls=cls) for p in self.problems[1:]))
        found.args = (found.render(),)
        return found


class Refused(ValueError):
    """A value a check refuses, with the reason in both languages (``message_zh``): raised by the
    converter's hooks and by option parsers and checks, and turned into a :class:`LiaisonError`
    by whoever knows where the value came from."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message_zh = message_zh


class DataError(LiaisonError):
    """A district data file, records file, plan, ledger or notice is malformed or inconsistent."""


class UnknownOrganisationError(LiaisonError):
    """A name or id does not match exactly one organisation."""


class WrongKindError(LiaisonError):
    """An organisation exists but is of the wrong kind for the request (a branch as a host)."""


class UnknownProvisionError(LiaisonError):
    """A provision ID does not exist in the loaded regulation."""


class PlanningError(LiaisonError):
    """The planner was asked for something it cannot do (bad year range, bad option)."""


class ExportError(LiaisonError):
    """An exporter or publisher could not do its work (bad option, unwritable folder, a server)."""


class OptionError(ExportError):
    """An exporter or publisher option is unknown or has a bad value."""


class StorageError(ExportError):
    """The system refused to write (or read back) a file of the output folder: no space, no
    permission, a read-only file system, an immutable file, a file where a folder is needed, a
    folder that vanished. ``errno`` is the system's code (``errno.ENOSPC`` …), None when there is
    none; ``file`` the path as the user knows it. The edge raises it (``liaison_workspace``): the
    core writes nothing."""

    errno: int | None = None
