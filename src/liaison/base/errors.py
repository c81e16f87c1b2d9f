"""One exception family for every bad input, in one shape: where, and what is wrong.

    FILE: $.path.to.field: what is wrong (fix: what to do)
    台账.xlsx: 会议走访!E12: 没有名为“农工总支”的单位；您是否要找：农工党总支部（处理办法：…）

An error is two values. Its :class:`Location` is the file it came from (when there is one) and the
place inside it: a path of keys and indices (``("pairings", 3, "counterpart")``, rendered
``$.pairings[3].counterpart``) or, for a spreadsheet, a sheet and a cell (``会议走访!E12``). Its
:class:`Problem` is what is wrong and what to do, in English and, where it has them, in Chinese
(``message_zh``, ``fix_zh``). Paths stay values until the edge renders them: :func:`render_line`
writes the one line, :func:`error_document` the JSON document (the command's and a web service's).
The core's messages name no command-line flag: the edge adds the flag where it knows it.

A file with several problems is one error carrying them all (:meth:`LiaisonError.several`): its own
fields are the first problem's, ``problems`` holds every one, and it renders one line per problem
(at most :data:`MAX_LISTED`, then how many more), so a user fixes them in one pass.

A value refused by a check before anyone knows where it came from (a converter hook, a field's
validator, an option parser, a spreadsheet cell's reader) is a :class:`Refused`: a problem and,
when a validator names it, the field; whoever knows the place turns it into a :class:`LiaisonError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, TypeVar

import attrs

E = TypeVar("E", bound="LiaisonError")

#: Problems one error lists line by line; a file with more is mostly wrong anyway.
MAX_LISTED = 50

#: One step of a path: a key of a table (a field) or an index of a list.
Key = str | int


class Id(str):
    """A step naming an item of a list by its id rather than its index, where a plugin reads a value
    (the district, the plan) rather than a file: ``("organisations", Id("health"), "name")`` renders
    ``organisations[health].name``."""

    __slots__ = ()


#: Where inside a file: keys and indices from the top (``()`` is the top, ``$``). A tuple, not any
#: sequence: text is a sequence too, and a path written as text is what this type keeps out (mypy
#: finds a caller passing ``"$.a[0]"``).
Path = tuple[Key, ...]

#: A plain key renders as ``.key``; any other (a space, a quote, a control character) as ``['key']``,
#: cattrs' spelling of a mapping's key, escaped as Python escapes it.
_PLAIN_KEY = re.compile(r"[^.\[\]'\"\s]+")
#: An id renders bare in its brackets (``[§3.1]``) unless it holds a bracket, a quote or a space.
_PLAIN_ID = re.compile(r"[^\[\]'\"\s]+")

#: The root of a path in a file: the document itself.
FILE_ROOT = "$"
#: The root of an exporter's or publisher's options (``--option url=…``): ``("url",)`` → ``options.url``.
OPTIONS_ROOT = "options"


def render_path(path: Sequence[Key], root: str = FILE_ROOT) -> str:
    """``("pairings", 3, "counterpart")`` → ``$.pairings[3].counterpart``; ``()`` → ``$``. Under
    another ``root`` (``options``) the root stands for ``$``; under the empty root (a value handed to a
    plugin, not a file: a letter's ``attachments[0].name``) the path starts at its first key."""
    steps = []
    for key in path:
        if isinstance(key, int):
            steps.append(f"[{key}]")
        elif isinstance(key, Id):
            steps.append(f"[{key}]" if _PLAIN_ID.fullmatch(key) and key.isprintable() else f"[{str(key)!r}]")
        elif _PLAIN_KEY.fullmatch(key) and key.isprintable():
            steps.append(f".{key}")
        else:
            steps.append(f"[{key!r}]")
    text = "".join(steps)
    return root + (text.removeprefix(".") if not root else text)


def sheet_ref(sheet: str) -> str:
    """A sheet as a formula names it: quoted when it holds anything but letters, digits and _."""
    if all(ch.isalnum() or ch == "_" for ch in sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def _path_value(value: Path | list[Key] | None) -> Path | None:
    return None if value is None else tuple(value)


@attrs.frozen(kw_only=True)
class Location:
    """Where a problem is: the file, and inside it either a path of keys and indices or a sheet and
    a cell (``E12``, or ``12:12`` for a whole row). A path's ``root`` is ``$`` (the file) unless it
    is a path in something else: :data:`OPTIONS_ROOT` for an option (``options.url``), ``""`` for a
    value handed to a plugin. ``place`` names what is no path at all, as free text (a calendar on a
    server, an engagement, a workbook's property). Every part is optional."""

    file: str | None = None
    path: Path | None = attrs.field(default=None, converter=_path_value)
    sheet: str | None = None
    cell: str | None = None
    place: str | None = None
    root: str = FILE_ROOT

    @classmethod
    def at(cls, where: Path | Location | None, file: str | None = None) -> Location:
        """A location from what callers give: a path of keys and indices, or a location (given
        ``file`` replacing its own). Text is refused: a path is built as keys, never written out and
        read back."""
        if isinstance(where, Location):
            return where if file is None else attrs.evolve(where, file=file)
        if where is None:
            return cls(file=file)
        if isinstance(where, str):  # a str is a Sequence[str]: ("$", ".", "a", …) would be a silent mistake
            raise TypeError(f"a path is a tuple of keys and indices, not the text {where!r}")
        return cls(file=file, path=tuple(where))

    @classmethod
    def option(cls, name: str, *keys: Key) -> Location:
        """The option ``name`` (``--option name=…``), rendered ``options.name``."""
        return cls(root=OPTIONS_ROOT, path=(name, *keys))

    @classmethod
    def inside(cls, *keys: Key) -> Location:
        """A path in a value handed to a plugin rather than in a file (a letter's
        ``attachments[0].name``), rendered from its first key."""
        return cls(root="", path=keys)

    @classmethod
    def named(cls, place: str) -> Location:
        """A place that is no path, as free text (``calendar 全部``)."""
        return cls(place=place)

    def child(self, *keys: Key) -> Location:
        """The location of ``keys`` below this one's path (``$`` when it has none)."""
        return attrs.evolve(self, path=(*(self.path or ()), *keys), place=None)

    @property
    def rendered(self) -> str | None:
        """The place inside the file as the user reads it: ``$.a[0].b``, ``Sheet!E12``, or the place."""
        if self.path is not None:
            return render_path(self.path, self.root)
        if self.sheet is not None:
            return sheet_ref(self.sheet) + (f"!{self.cell}" if self.cell else "")
        return self.place

    def document(self) -> dict[str, Any]:
        """The location as JSON: ``path`` a list of keys (text), indices (numbers) and ids (``{"id": …}``),
        ``at`` its rendering."""
        path = None if self.path is None else [{"id": str(k)} if isinstance(k, Id) else k for k in self.path]
        return {"file": self.file, "path": path, "sheet": self.sheet,
                "cell": self.cell, "place": self.place, "root": self.root, "at": self.rendered}

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Location:
        path = doc.get("path")
        if path is not None:
            path = [Id(k["id"]) if isinstance(k, Mapping) else k for k in path]
        return cls(file=doc.get("file"), path=path, sheet=doc.get("sheet"), cell=doc.get("cell"),
                   place=doc.get("place"), root=doc.get("root", FILE_ROOT))


def _text(value: str | None) -> str | None:
    return value or None  # an empty sentence is no sentence


@attrs.frozen(kw_only=True)
class Problem:
    """What is wrong and what to do, in English and (where given) in Chinese."""

    message: str
    message_zh: str | None = attrs.field(default=None, converter=_text)
    fix: str | None = attrs.field(default=None, converter=_text)
    fix_zh: str | None = attrs.field(default=None, converter=_text)

    def said(self, lang: str) -> tuple[str, str | None]:
        """(message, fix) in ``lang``: Chinese where the problem has it, else English; a Chinese fix
        only beside a Chinese message (never half and half)."""
        if lang != "zh" or not self.message_zh:
            return self.message, self.fix
        return self.message_zh, self.fix_zh or self.fix

    def document(self) -> dict[str, Any]:
        return {"message": self.message, "message_zh": self.message_zh, "fix": self.fix, "fix_zh": self.fix_zh}

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Problem:
        return cls(message=doc["message"], message_zh=doc.get("message_zh"), fix=doc.get("fix"),
                   fix_zh=doc.get("fix_zh"))


#: How the fix is introduced, in the language of the sentence it follows: ``message (fix: …)``, or
#: ``消息（处理办法：…）`` — full-width brackets with no space, as Chinese prose writes them (docs/cli.md).
FIX_LABEL = {"en": (" (fix: ", ")"), "zh": ("（处理办法：", "）")}


def render_line(location: Location, problem: Problem, lang: str = "en") -> str:
    """The one line of one problem: ``FILE: PATH: message (fix: …)`` in English, ``FILE: PATH:
    消息（处理办法：…）`` in Chinese; an English sentence (a problem without Chinese) keeps the
    English label under ``lang="zh"`` too, so no line is half one language and half the other."""
    message, fix = problem.said(lang)
    where = "".join(f"{part}: " for part in (location.file, location.rendered) if part)
    opening, closing = FIX_LABEL["zh" if lang == "zh" and problem.message_zh else "en"]
    return f"{where}{message}" + (f"{opening}{fix}{closing}" if fix else "")


class Placed(TypedDict, total=False):
    """The keyword arguments of :class:`LiaisonError` after its message, for a subclass that adds its
    own (``**kwargs: Unpack[Placed]``, so a path given as text is still a type error)."""

    file: str | None
    path: Path | Location | None
    fix: str | None
    message_zh: str | None
    fix_zh: str | None
    problems: Sequence[LiaisonError]


class Worded:
    """What an error and a refused value say, read from their :class:`Problem`: ``message``, ``fix``
    and their Chinese."""

    problem: Problem

    @property
    def message(self) -> str:
        return self.problem.message

    @property
    def message_zh(self) -> str | None:
        return self.problem.message_zh

    @property
    def fix(self) -> str | None:
        return self.problem.fix

    @property
    def fix_zh(self) -> str | None:
        return self.problem.fix_zh


class LiaisonError(Worded, Exception):
    """Base of every error ``liaison`` raises for bad input or an impossible request: a
    :class:`Location` (``location``) and a :class:`Problem` (``problem``). ``file``, ``path`` (the
    rendered place), ``message``, ``fix`` and their Chinese read them."""

    def __init__(self, message: str, *, file: str | None = None, path: Path | Location | None = None,
                 fix: str | None = None, message_zh: str | None = None, fix_zh: str | None = None,
                 problems: Sequence[LiaisonError] = ()) -> None:
        self.location = Location.at(path, file)
        self.problem = Problem(message=message, message_zh=message_zh, fix=fix, fix_zh=fix_zh)
        #: every problem the error stands for (the first is this error's own), when it was given them
        self.problems: tuple[LiaisonError, ...] = tuple(problems)
        super().__init__(self.render())

    @property
    def file(self) -> str | None:
        return self.location.file

    @property
    def path(self) -> str | None:
        """The place in the file as rendered (``$.a[0].b``, ``Sheet!E12``); ``location`` has it as values."""
        return self.location.rendered

    @classmethod
    def several(cls: type[E], problems: Sequence[LiaisonError]) -> E:
        """One error for every problem of ``problems`` (at least one): the first's fields, all of them listed."""
        first = problems[0]
        return cls(first.message, path=first.location, fix=first.fix, message_zh=first.message_zh,
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
        return render_line(self.location, self.problem, lang)

    def __str__(self) -> str:
        return self.render()

    def located(self, *, file: str | None = None, path: Path | Location | None = None,
                cls: type[E] | None = None, fix: str | None = None, fix_zh: str | None = None) -> LiaisonError:
        """The same error placed in a file and at a path (keeping both languages), as ``cls``, with
        another fix if given."""
        if cls is None or isinstance(self, cls):
            found = type(self).__new__(type(self))  # a copy, keeping a subclass's own attributes
            found.__dict__.update(self.__dict__)
        else:
            found = cls(self.message, message_zh=self.message_zh)
        where = self.location if path is None else Location.at(path)
        found.location = attrs.evolve(where, file=file if file is not None else self.location.file)
        found.problem = attrs.evolve(self.problem, fix=fix or self.fix, fix_zh=fix_zh if fix else self.fix_zh)
        if self.problems:  # the first is this error itself; the others move to the same file and class
            first = self.problems[0].located(file=file, path=path, cls=cls, fix=fix, fix_zh=fix_zh)
            found.problems = (first, *(p.located(file=file, cls=cls) for p in self.problems[1:]))
        found.args = (found.render(),)
        return found

    def document(self) -> dict[str, Any]:
        """This error as JSON (:func:`error_document`)."""
        return error_document(self)


def error_document(error: LiaisonError) -> dict[str, Any]:
    """An error as a JSON document, the one both the command (``--format json``) and a web service
    answer with: ``kind`` (the class), the location (``file``, ``path`` as a list, ``sheet``, ``cell``,
    ``place``, ``at`` rendered), the problem in both languages (``message``, ``message_zh``, ``fix``,
    ``fix_zh``), and ``problems``: every problem of a file with several, each with its location and
    problem (empty for one)."""
    listed = error.problems if len(error.problems) > 1 else ()
    return {"kind": type(error).__name__, **error.location.document(), **error.problem.document(),
            "problems": [{**p.location.document(), **p.problem.document()} for p in listed]}


def error_from_document(doc: Mapping[str, Any]) -> LiaisonError:
    """The error a JSON document describes (a :class:`LiaisonError`: ``kind`` is for the reader)."""
    problems = [LiaisonError(p["message"], path=Location.from_document(p), message_zh=p.get("message_zh"),
                             fix=p.get("fix"), fix_zh=p.get("fix_zh")) for p in doc.get("problems") or ()]
    return LiaisonError(doc["message"], path=Location.from_document(doc), message_zh=doc.get("message_zh"),
                        fix=doc.get("fix"), fix_zh=doc.get("fix_zh"), problems=problems)


class Refused(Worded, ValueError):
    """A value a check refuses, with the reason in both languages (and what to do, where the check
    knows): raised by the converter's hooks, the fields' validators (which name the ``field``), option
    parsers and a spreadsheet cell's reader, and turned into a :class:`LiaisonError` by whoever knows
    where the value came from."""

    def __init__(self, message: str, message_zh: str | None = None, fix: str | None = None,
                 fix_zh: str | None = None, *, field: str | None = None) -> None:
        super().__init__(message)
        self.problem = Problem(message=message, message_zh=message_zh, fix=fix, fix_zh=fix_zh)
        #: the field a validator refused, so the path can end there
        self.field = field


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
