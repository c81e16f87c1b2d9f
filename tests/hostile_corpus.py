"""The corpus of hostile and careless inputs (tests/corpus/, issue #16), and how to run one.

A helpers module, never a test module: ``test_hostile.py`` runs the cases, ``test_loader_properties.py``
mutates the base files. Each case is a file of one kind (district, records, state, events, notice,
ledger) with one thing wrong. A ``.toml`` case says so on its first line::

    # hostile: <what is wrong> | path: <path fragment> | words: <word>; <word> [| exit: 2] [| xfail: <gap>]

JSON, binary and generated cases are described in their folder's ``cases.toml`` (JSON has no comments);
a ``make`` recipe builds the input at run time (a named pipe, a sparse 17 MiB file, a hostile ledger made
from the exported template). ``path: (file)`` is an error about the file as a whole; ``(usage)`` a click
usage error. ``xfail`` names the gap in the code when the loader falls short of the issue.

Every case is run as the real command in a subprocess, in a fresh temporary folder, under an address-space
limit, with a watchdog: :func:`run_case` returns what it printed, how long it took, how much memory it
used and whether anything in the folder changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "corpus"
BASE = CORPUS / "base"
KINDS = ("district", "records", "state", "events", "notice", "ledger")

TIME_LIMIT = 20.0  # seconds of wall-clock time for one command
ADDRESS_SPACE = 1536 * 1024 * 1024  # RLIMIT_AS of the command: 1.5 GiB
MEMORY_LIMIT_KIB = 1024 * 1024  # peak resident memory a command may reach: 1 GiB
MESSAGE_LIMIT = 1000  # characters in the first line of an error
STDERR_LIMIT = 20_000  # characters of stderr (a ledger lists up to 50 problems)

HEADER = re.compile(r"^# hostile: (?P<what>.+?) \| path: (?P<path>.+?) \| words: (?P<words>.+?)"
                    r"(?: \| exit: (?P<exit>\d))?(?: \| xfail: (?P<xfail>.+))?$")

#: What an office user must never see: a traceback, Python's own words, a dict dump, a dependency's path.
INTERNALS = re.compile(
    r"Traceback|typing\.|unknown error|not in literal|<class |object at 0x|argument of type|\{'|<\w+\.\w+: |"
    r"site-packages|UserWarning|DeprecationWarning|\b(?:Key|Type|Value|Attribute|Index|Memory|Unicode\w*|OS|"
    r"Overflow|Recursion|Lookup|Runtime|Name|Assertion)Error\b|BadZipFile|UnsupportedOperation|sys\.set_int|"
    r"panicked at|RUST_BACKTRACE|PanicException")  # a Rust library's panic (python-calamine) is an internal too

#: ``error: FILE: PATH: what (fix: …)`` (``错误: FILE: PATH: 什么（处理办法：…）``) — PATH is ``$…``,
#: ``Sheet!A1``, ``Sheet!1:10``, ``'Sheet'!A1`` or a
#: document property.
PATH_AT_START = re.compile(r"^(?P<path>\$[^\s:]*|'(?:[^']|'')+'![A-Z0-9:]+|[^\s:!']+![A-Z0-9:]+|文档属性 \S+): ")
FIX_AT_END = re.compile(r"(?P<label> \(fix: |（处理办法：)(?P<fix>.+)[)）]$")


@dataclass(frozen=True)
class Case:
    """One hostile input: its kind, its file (committed, or built by ``make``) and what must be said."""

    kind: str
    file: str
    what: str
    path: str
    words: tuple[str, ...]
    make: str | None = None
    exit: int = 1
    xfail: str | None = None

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.file}" + (f"[{self.make}]" if self.make and self.kind == "state" else "")

    @property
    def source(self) -> Path | None:
        return None if self.make else CORPUS / self.kind / self.file


def _header_case(kind: str, path: Path) -> Case | None:
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8", "replace").rstrip("\r\n")
    found = HEADER.match(first)
    if found is None:
        return None
    words = tuple(w.strip() for w in found["words"].split(";") if w.strip())
    return Case(kind, path.name, found["what"], found["path"], words, exit=int(found["exit"] or 1),
                xfail=found["xfail"])


def load_cases() -> list[Case]:
    """Every case of the corpus, self-described files first, then each folder's ``cases.toml``."""
    cases: list[Case] = []
    for kind in KINDS:
        folder = CORPUS / kind
        for path in sorted(folder.glob("*.toml")):
            if path.name != "cases.toml" and (case := _header_case(kind, path)) is not None:
                cases.append(case)
        index = folder / "cases.toml"
        if index.exists():
            for entry in tomllib.loads(index.read_text(encoding="utf-8")).get("case", []):
                cases.append(Case(kind, entry["file"], entry["what"], entry["path"], tuple(entry["words"]),
                                  make=entry.get("make"), exit=entry.get("exit", 1), xfail=entry.get("xfail")))
    return cases


# ------------------------------------------------------------------------------------- the formats
def format_classes() -> dict[str, type]:
    """Every attrs class a data file is read into (district, records, state, events, notice), by name,
    with the rule kinds and their base."""
    import typing

    import attrs

    from liaison.formats.district_checks import DistrictDocument
    from liaison.formats.events import EventsDocument
    from liaison.law.notices import HolidayNotice
    from liaison.law.records import Records
    from liaison.law.rules import Cadence, DesignationRule, Invitation, RecordOnly, Response, Routing, RuleVersion
    from liaison.year.state import YearState

    found: dict[str, type] = {}
    stack: list[Any] = [DistrictDocument, Records, YearState, EventsDocument, HolidayNotice, Cadence, Routing,
                        Invitation, Response, DesignationRule, RecordOnly, RuleVersion]
    while stack:
        hint = stack.pop()
        if isinstance(hint, type) and attrs.has(hint):
            if hint.__name__ in found:
                assert found[hint.__name__] is hint, f"two classes called {hint.__name__}"
                continue
            found[hint.__name__] = hint
            hints = typing.get_type_hints(hint)
            stack += [hints[f.name] for f in attrs.fields(hint)]
        else:
            stack += list(typing.get_args(hint))
    return found


# ------------------------------------------------------------------------------------------ running
#: Runs ``liaison`` as ``python -m liaison_cli`` does, under an address-space limit set in the child itself
#: (``preexec_fn`` is not safe in a threaded parent).
LAUNCHER = ("import resource, runpy, sys\n"
            "limit = int(sys.argv[1])\n"
            "try:\n"
            "    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
            "except (ValueError, OSError):\n"
            "    pass  # a platform without RLIMIT_AS: the peak memory is still measured\n"
            "sys.argv = ['liaison', *sys.argv[2:]]\n"
            "import os\n"
            "if os.environ.get('LIAISON_TEST_RENDERINGS'):\n"
            "    import json, liaison_cli.app as main\n"
            "    shown = main.explain\n"
            "    def explain(exc):\n"
            "        found = shown(exc)\n"
            "        with open(os.environ['LIAISON_TEST_RENDERINGS'], 'w', encoding='utf-8') as out:\n"
            "            json.dump({'zh': found.render('zh'), 'en': found.render('en')}, out, ensure_ascii=False)\n"
            "        return found\n"
            "    main.explain = explain\n"
            "runpy.run_module('liaison_cli', run_name='__main__', alter_sys=True)\n")
#: With ``renderings`` (a file outside the command's folder), the launcher also records the error the
#: command printed as ``LiaisonError.render`` gives it in both languages — the very object and call the
#: command prints (``liaison_cli.app.explain`` wrapped) — so one run checks the message in Chinese and in
#: English (a second run of each case would double the corpus's minute).


@dataclass
class Outcome:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_kib: int
    timed_out: bool
    changed: list[str] = field(default_factory=list)
    renderings: dict[str, str] | None = None  # {"zh": …, "en": …} of the LiaisonError printed, if asked

    @property
    def first_line(self) -> str:
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[0] if lines else ""


def environment(renderings: Path | None = None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("LIAISON_TEST_RENDERINGS", None)
    if renderings is not None:
        env["LIAISON_TEST_RENDERINGS"] = str(renderings)
    env["LIAISON_PLUGINS"] = "xlsx,ical"  # the plugins a corpus command may need, nothing third-party
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["COLUMNS"] = "200"
    env.pop("PYTHONWARNINGS", None)
    for name in [k for k in env if k.startswith("LIAISON_TEST_") and k != "LIAISON_TEST_RENDERINGS"]:
        del env[name]  # the fault suite's hooks only where a test sets them
    env.update(extra or {})
    return env


def run_liaison(args: list[str], cwd: Path, *, time_limit: float = TIME_LIMIT,
                renderings: Path | None = None, env: Mapping[str, str] | None = None,
                prefix: Sequence[str] = (), kill_after: float | None = None) -> Outcome:
    """``liaison ARGS`` in ``cwd``: exit code, output, wall-clock time, peak memory (os.wait4), and with
    ``renderings`` the error in both languages. ``env`` adds to the environment (the fault suite's
    hooks), ``prefix`` runs the command under another (``setpriv …``), ``kill_after`` sends it SIGKILL
    after that many seconds (a crash from outside, at whatever instruction it has reached)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([*prefix, sys.executable, "-c", LAUNCHER, str(ADDRESS_SPACE), *args], cwd=cwd,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                env=environment(renderings, env), start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        watchdog = threading.Timer(time_limit if kill_after is None else kill_after, kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    both = None
    if renderings is not None and renderings.exists():
        import json

        both = json.loads(renderings.read_text(encoding="utf-8"))
        renderings.unlink()
    return Outcome(tuple(args), proc.returncode, stdout, stderr, seconds, usage.ru_maxrss,
                   killed.is_set() and kill_after is None, renderings=both)


def snapshot(root: Path) -> dict[str, tuple[Any, ...]]:
    """Every entry under ``root``: its type and, for a regular file, its size and digest (pipes and
    devices are never opened)."""
    found: dict[str, tuple[Any, ...]] = {}
    for place, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            path = Path(place, name)
            info = path.lstat()
            relative = str(path.relative_to(root))
            if stat.S_ISLNK(info.st_mode):
                found[relative] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                found[relative] = ("file", info.st_size, _digest(path, info.st_size))
            else:
                found[relative] = (stat.S_IFMT(info.st_mode),)
    return found


def _digest(path: Path, size: int) -> str:
    if size > 64 * 1024 * 1024:
        return f"{size} bytes"  # the sparse files: their size says enough
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def changes(before: dict[str, tuple[Any, ...]], after: dict[str, tuple[Any, ...]]) -> list[str]:
    return sorted({*(k for k in after if before.get(k) != after[k]), *(k for k in before if k not in after)})


# ------------------------------------------------------------------------------------- the commands
EMPTY_RECORDS = "# nothing happened this year\n"


def place(case: Case, work: Path, ledger_template: Callable[[], bytes]) -> tuple[list[str], str]:
    """Put the case's input into ``work`` and return the command and the file name its errors name."""
    if case.kind == "state":
        target = work / "out" / "2027" / "plan-seed-2027.json"
        target.parent.mkdir(parents=True)
        shown = "out/2027/plan-seed-2027.json"
    else:
        target, shown = work / case.file, case.file
    if case.source is not None:
        shutil.copyfile(case.source, target)
    else:
        assert case.make is not None
        make(case.make, target, ledger_template)
    if case.kind == "district":
        (work / "records.toml").write_text(EMPTY_RECORDS, encoding="utf-8")
        return ["check", "--year", "2026", "--data", shown, "--records", "records.toml"], shown
    if case.kind in ("records", "ledger"):
        return ["check", "--year", "2026", "--records", shown], shown
    if case.kind == "events":
        return ["plan", "--year", "2027", "--events", shown], shown
    if case.kind == "notice":
        return ["plan", "--year", "2027", "--holidays", shown], shown
    return ["plan", "--year", "2027", "--out", "out"], shown


def make(recipe: str, target: Path, ledger_template: Callable[[], bytes]) -> None:
    """Build a generated input: a pipe, a folder, a device link, a sparse file, a hostile ledger …"""
    kind, _, arg = recipe.partition(":")
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    elif kind == "device":
        target.symlink_to("/dev/zero")
    elif kind == "missing":
        pass
    elif kind == "sparse":
        with open(target, "wb") as handle:
            handle.truncate(int(arg))
    elif kind == "ledger":
        target.write_bytes(LEDGERS[arg](ledger_template()) if arg != "template" else ledger_template())
    elif kind == "records" and arg == "long-host":
        text = (BASE / "records.toml").read_text(encoding="utf-8")
        target.write_text(text.replace('host = "区卫生局"', 'host = "' + "区" * 200_000 + '"', 1), encoding="utf-8")
    elif kind == "events":
        target.write_text("".join(f'[[events]]\nkind = "symposium"\ndate = 2027-05-11\ntitle_zh = "座谈会{i}"\n\n'
                                  for i in range(int(arg))), encoding="utf-8")
    else:
        raise AssertionError(f"unknown recipe {recipe!r}")


# ----------------------------------------------------------------------------------- hostile ledgers
SHEET = "会议走访"


def ledger_template_bytes() -> bytes:
    """The 2026 台账 as `liaison export xlsx` writes it for the seed district."""
    from liaison_xlsx import ledger_workbook

    from liaison.formats.district import seed_district
    from liaison.year.planner import plan_year

    district = seed_district()
    return bytes(ledger_workbook(district, plan_year(district, 2026), 2026))


def _edit(template: bytes, change: Callable[[Any], None]) -> bytes:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(template))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _held(book: Any, *rows: int) -> Any:
    sheet = book[SHEET]
    for row in rows or (3,):
        sheet.cell(row, 6).value = "是"
    return sheet


def _cell(row: int, column: int, value: Any, *held: int) -> Callable[[bytes], bytes]:
    def build(template: bytes) -> bytes:
        return _edit(template, lambda book: setattr(_held(book, *(held or (3,))).cell(row, column), "value", value))
    return build


def _rename_all(book: Any) -> None:
    for i, sheet in enumerate(book.worksheets, start=1):
        sheet.title = f"Sheet{i}"


def _other_district(book: Any) -> None:
    for prop in book.custom_doc_props.props:
        if prop.name == "liaison-district":
            prop.value = "other"


def _hand_row(book: Any) -> None:
    sheet = book[SHEET]
    row = sheet.max_row + 1
    for column, value in ((2, "2026-05-12"), (3, "走访"), (4, "区卫生局"), (5, "农工党总支部")):
        sheet.cell(row, column).value = value


def _repackage(template: bytes, member: str, write: Callable[[bytes, Any], None]) -> bytes:
    """The template with one package member rewritten by ``write(old bytes, writable member)``, streamed."""
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                with package.open(info.filename, "w", force_zip64=True) as handle:
                    write(data, handle)
            else:
                package.writestr(info.filename, data)
    return out.getvalue()


def _member_of(template: bytes, sheet_name: str) -> str:
    package = zipfile.ZipFile(io.BytesIO(template))
    book = package.read("xl/workbook.xml").decode()
    rel = re.search(rf'<sheet name="{sheet_name}" sheetId="\d+" r:id="(rId\d+)"', book)
    assert rel is not None
    rels = package.read("xl/_rels/workbook.xml.rels").decode()
    target = re.search(rf'Id="{rel[1]}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rel[1]}"', rels)
    assert target is not None
    return "xl/" + (target[1] or target[2]).lstrip("/").removeprefix("xl/")


def _blank_rows(template: bytes, rows: int = 1_048_000) -> bytes:
    member = _member_of(template, SHEET)

    def write(old: bytes, handle: Any) -> None:
        text = old.decode()
        head, rest = text.split("<sheetData>", 1)
        tail = rest.split("</sheetData>", 1)[1]
        kept = "".join(re.findall(r'<row r="[12]".*?</row>', rest))
        handle.write((head + "<sheetData>" + kept).encode())
        for start in range(3, rows, 10_000):
            handle.write("".join(f'<row r="{i}"><c r="A{i}" s="5"/><c r="J{i}" s="5"/></row>'
                                 for i in range(start, min(start + 10_000, rows))).encode())
        handle.write(("</sheetData>" + tail).encode())

    return _repackage(template, member, write)


def _string_bomb(template: bytes, megabytes: int = 600) -> bytes:
    def write(old: bytes, handle: Any) -> None:
        head, tail = old.decode().rsplit("</sst>", 1)
        handle.write((head + "<si><t>").encode())
        chunk = b"A" * 1_000_000
        for _ in range(megabytes):
            handle.write(chunk)
        handle.write(("</t></si></sst>" + tail).encode())

    return _repackage(template, "xl/sharedStrings.xml", write)


def _short_strings(template: bytes, count: int, *, distinct: bool) -> bytes:
    """The template whose shared strings end with ``count`` more of 8 characters, the same one or each
    its own (issue #21: a 600 KB workbook whose shared strings unpack to 238 MB took 96–120 s and 1.35 GB)."""
    def write(old: bytes, handle: Any) -> None:
        head, tail = old.decode().rsplit("</sst>", 1)
        handle.write(head.encode())
        for start in range(0, count, 100_000):
            batch = range(start, min(count, start + 100_000))
            handle.write(b"".join(b"<si><t>%08d</t></si>" % (i if distinct else 0) for i in batch))
        handle.write(("</sst>" + tail).encode())

    return _repackage(template, "xl/sharedStrings.xml", write)


def _cells(template: bytes, rows: int = 520_000) -> bytes:
    """Two styled blank cells in each of ``rows`` rows of 会议走访, past the cells a ledger is read with."""
    member = _member_of(template, SHEET)

    def write(old: bytes, handle: Any) -> None:
        head, tail = old.decode().split("</sheetData>", 1)
        handle.write(head.encode())
        for start in range(2000, rows + 2000, 10_000):
            handle.write("".join(f'<row r="{i}"><c r="A{i}" s="5"/><c r="J{i}" s="5"/></row>'
                                 for i in range(start, min(start + 10_000, rows + 2000))).encode())
        handle.write(("</sheetData>" + tail).encode())

    return _repackage(template, member, write)


def _typed_twice(book: Any) -> None:
    _hand_row(book)
    sheet = book[SHEET]
    last = sheet.max_row
    for column in range(1, 12):
        sheet.cell(last + 1, column).value = sheet.cell(last, column).value
    sheet.cell(last, 6).value = sheet.cell(last + 1, 6).value = "是"


def _merged(book: Any) -> None:
    _held(book, 3, 4).merge_cells("D3:D4")


def _duplicate_ids(book: Any) -> None:
    sheet = _held(book, 3, 4)
    sheet.cell(4, 1).value = sheet.cell(3, 1).value


def _header_twice(book: Any) -> None:
    _held(book).cell(2, 11).value = "主办单位"


def _header_deleted(book: Any) -> None:
    _held(book).delete_rows(2)


def _held_only(book: Any) -> None:
    _held(book)


def _day(year: int, month: int, day: int) -> Any:
    import datetime as dt

    return dt.datetime(year, month, day)


def _time_of_day() -> Any:
    import datetime as dt

    return dt.time(9, 0)


LEDGERS: dict[str, Callable[[bytes], bytes]] = {
    "formula": _cell(3, 2, "=TODAY()"),
    "merged": lambda t: _edit(t, _merged),
    "date-text": _cell(3, 2, "明天"),
    "date-0001": _cell(3, 2, "0001-01-01"),
    "date-9999": lambda t: _cell(3, 2, _day(9999, 12, 31))(t),
    "date-time-of-day": lambda t: _cell(3, 2, _time_of_day())(t),
    "date-huge-number": _cell(3, 2, 10**20),
    "header-deleted": lambda t: _edit(t, _header_deleted),
    "header-cleared": _cell(2, 4, None),
    "header-twice": lambda t: _edit(t, _header_twice),
    "unknown-host": _cell(3, 4, "农工总支"),
    "long-host": _cell(3, 4, "区" * 32_000),
    "long-title": _cell(3, 9, "走访" * 250),
    "held-maybe": lambda t: _edit(t, lambda book: setattr(book[SHEET].cell(3, 6), "value", "也许")),
    "hand-row-no-held": lambda t: _edit(t, _hand_row),
    "duplicate-ids": lambda t: _edit(t, _duplicate_ids),
    "unknown-kind": _cell(3, 3, "聚餐"),
    "error-value": _cell(3, 4, "#REF!"),
    "other-district": lambda t: _edit(t, lambda book: (_held_only(book), _other_district(book))),
    "truncated": lambda t: t[: len(t) // 2],
    "blank-rows": _blank_rows,
    "string-bomb": _string_bomb,
    "strings-238mb": lambda t: _short_strings(t, 9_900_000, distinct=False),
    "strings-many": lambda t: _short_strings(t, 210_000, distinct=True),
    "cells": _cells,
    "typed-twice": lambda t: _edit(t, _typed_twice),
}


# ----------------------------------------------------------------------------------------- checking
def message_problems(case: Case, outcome: Outcome, shown: str, *, lang: str = "en") -> list[str]:
    """Everything wrong with what a refused input printed (empty: the case is handled as the issue asks)."""
    problems: list[str] = []
    if outcome.timed_out:
        return [f"still running after {TIME_LIMIT:.0f} s (killed)"]
    if outcome.seconds > TIME_LIMIT:
        problems.append(f"took {outcome.seconds:.1f} s")
    if outcome.max_rss_kib > MEMORY_LIMIT_KIB:
        problems.append(f"used {outcome.max_rss_kib // 1024} MiB")
    if "Traceback" in outcome.stderr:
        problems.append("printed a traceback: " + outcome.stderr.strip().splitlines()[-1][:300])
    if outcome.code != case.exit:
        problems.append(f"exit code {outcome.code}, not {case.exit}")
    if outcome.changed:
        problems.append(f"wrote or changed {outcome.changed[:5]}")
    if len(outcome.stderr) > STDERR_LIMIT:
        problems.append(f"{len(outcome.stderr):,} characters of stderr")
    internals = INTERNALS.search(outcome.stderr)
    if internals:
        problems.append(f"shows Python internals ({internals.group()!r})")
    first = outcome.first_line
    if case.path == "(usage)":
        if "Usage:" not in outcome.stderr:
            problems.append("no usage message")
        problems += [f"the words {w!r} are missing" for w in case.words
                     if w.casefold() not in outcome.stderr.casefold()]
        return problems
    if len(first) > MESSAGE_LIMIT:
        problems.append(f"the message is {len(first):,} characters long")
        first = first[:MESSAGE_LIMIT]
    prefix = f"{'error' if lang == 'en' else '错误'}: {shown}: "
    if not first.startswith(prefix):
        problems.append(f"does not start with {prefix!r}: {first[:200]!r}")
        return problems
    rest = first[len(prefix):]
    at = PATH_AT_START.match(rest)
    where = at["path"] if at else ""
    if case.path != "(file)":
        if not at:
            problems.append(f"no $.path or Sheet!Cell after the file: {rest[:200]!r}")
        elif case.path not in where:
            problems.append(f"the path is {where!r}, not at {case.path!r}")
    fix = FIX_AT_END.search(rest)
    if fix is None or not fix["fix"].strip():
        problems.append(f"no (fix: …) at the end: {rest[-200:]!r}")
    if lang == "en":  # in the first problem's line, or in a later problem's line of the same file
        said = "\n".join([rest, *(line for line in outcome.stderr.splitlines()[1:] if line.startswith(f"{shown}: "))])
        problems += [f"the words {w!r} are missing: {said[:300]!r}" for w in case.words
                     if w.casefold() not in said.casefold()]
    return problems


_QUOTED = re.compile(r"“[^”]*”|'[^']*'|\"[^\"]*\"|「[^」]*」|《[^》]*》|（[^）]*）|\([^)]*\)")
_CJK = re.compile(r"[\u3400-\u9fff]")


def chinese_problems(outcome: Outcome, shown: str) -> list[str]:
    """The message and the fix are sentences in Chinese (data quoted in them aside)."""
    first = outcome.first_line
    prefix = f"错误: {shown}: "
    if not first.startswith(prefix):
        return [f"does not start with {prefix!r}: {first[:200]!r}"]
    rest = first[len(prefix):]
    at = PATH_AT_START.match(rest)
    rest = rest[at.end():] if at else rest
    fix = FIX_AT_END.search(rest)
    sentence = rest[: fix.start()] if fix else rest
    problems = []
    if not _CJK.search(_QUOTED.sub("", sentence)):
        problems.append(f"the message is not in Chinese: {sentence[:200]!r}")
    if fix is None or not _CJK.search(_QUOTED.sub("", fix["fix"])):
        problems.append(f"the fix is not in Chinese: {(fix['fix'] if fix else '')[:200]!r}")
    elif fix["label"] != "（处理办法：":
        problems.append(f"the fix is labelled in English: {rest[-200:]!r}")
    return problems


# ------------------------------------------------------------------------------ one language at a time
#: What a message may hold in either language besides its sentences: quoted values (“…”, ‘…’, '…', "…",
#: 「…」, 《…》, `…`), a $.path or a Sheet!cell, a flag, and code-ish tokens (ids, file names, numbers,
#: snake_case field names, anything with / . _ = # @ or a digit in it).
_VALUES = re.compile(r"“[^”]*”|‘[^’]*’|\"[^\"]*\"|「[^」]*」|《[^》]*》|`[^`]*`|(?<![A-Za-z])'[^']*'(?![A-Za-z])")
_CODE = re.compile(r"\$[^\s:，。；、）]*|(?:'(?:[^']|'')+'|[^\s:!'，。；、（]+)![A-Z0-9:]+|--?[A-Za-z][\w-]*"
                   r"|[^\s，。；：、（）]*[/\\._=<>@#{}\[\]\d§][^\s，。；：、（）]*|\b[A-Za-z]+_\w*")
#: Three or more ASCII words in a row (a comma, colon or semicolon between them still makes a run):
#: an English clause. Two (``liaison plan``, ``Excel 工作簿``) are a name.
ENGLISH_RUN = re.compile(r"[A-Za-z]+(?:[ ,;:]+[A-Za-z]+){2,}")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
#: The file type's name in a Chinese Excel or WPS "Save as" dialog, named as the user sees it.
UI_LABELS = frozenset({"工作簿"})


def _bare(message: str, shown: str) -> str:
    """The message without the file, the path, the ``(fix:`` marker, quoted values and code-ish tokens."""
    rest = message.splitlines()[0] if message else ""
    rest = rest.removeprefix(f"{shown}: ") if shown else rest
    at = PATH_AT_START.match(rest)
    rest = rest[at.end():] if at else rest
    rest = rest.replace(shown, " ") if shown else rest
    rest = rest.replace(" (fix: ", " \u3002 ").replace("（处理办法：", " \u3002 ")
    return _CODE.sub(" ", _VALUES.sub(" ", rest))


def english_in_chinese(message: str, shown: str) -> list[str]:
    """The English clauses left in a Chinese message (empty: Chinese throughout)."""
    return [m.group() for m in ENGLISH_RUN.finditer(_bare(message, shown))]


def chinese_in_english(message: str, shown: str, vocabulary: frozenset[str]) -> list[str]:
    """The Chinese in an English message that is not data: every CJK run left must be a word of the data
    (``vocabulary``: the district's names, the input, the ledger template's headers) or a UI label."""
    return [run for run in _CJK_RUN.findall(_bare(message, shown)) if run not in vocabulary and run not in UI_LABELS]


def vocabulary(*texts: str) -> frozenset[str]:
    """Every CJK run of the given texts, and of the seed district and the base files."""
    import importlib.resources

    seed = importlib.resources.files("liaison").joinpath("data", "seed.toml").read_text(encoding="utf-8")
    base = [p.read_text(encoding="utf-8") for p in sorted(BASE.iterdir()) if p.is_file()]
    return frozenset(run for text in (seed, *base, *texts) for run in _CJK_RUN.findall(text))


def ledger_words(template: bytes) -> str:
    """The text of the ledger template's XML parts (its sheet names, headers and choices)."""
    package = zipfile.ZipFile(io.BytesIO(template))
    return "\n".join(package.read(name).decode("utf-8", "replace") for name in package.namelist()
                      if name.endswith(".xml"))
