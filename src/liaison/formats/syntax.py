"""Reading any liaison file strictly: bytes from a path, text from bytes, TOML or JSON into values,
which kind of file it is and which format it is written in.

Reading is the only I/O here, and the caller chooses it (:func:`read_file` takes a path, the rest
take bytes or text). A file is read only if it is a regular file within
:data:`MAX_FILE_BYTES`; a UTF-8 byte-order mark (what Windows Notepad writes) is accepted. Every
problem becomes a :class:`DataError` ``FILE: $.path.to.field: what is wrong (fix: …)``; a file of
another kind (records given where a district is expected) is recognised and named.

Each kind of file says which format it is written in, on a top-level line ``format =
"liaison-district/2"`` (no line: format 1, the first). A file of an older format is refused with a
:class:`FormatError` naming the release it was written for (:func:`liaison.formats.upgrade.upgrade_file`
brings it to the current format); a newer one is named as newer.
"""

from __future__ import annotations

import collections
import json
import os
import re
import stat
from typing import Any, Unpack

from liaison.base.errors import DataError, Path, Placed

MAX_FILE_BYTES = 16 * 1024 * 1024  # 16 MiB: a district, records, plan or events file
DOC = {"district": "docs/data-format.md", "records": "docs/records-format.md", "events": "docs/data-format.md#events",
       "state": "docs/cli.md", "notice": "docs/holidays.md"}


#: The format each kind of file is written in by this release (``format = "liaison-district/2"``), and
#: the release that wrote each older one. Records and events files have not changed since format 1.
FORMATS = {"district": 2, "records": 1, "events": 1}
WRITTEN_BY = {("district", 1): "0.1"}
FORMAT_DOC = "docs/data-format.md#format-versions-and-upgrading"
_FORMAT = re.compile(r"liaison-(?P<kind>[a-z]+)/(?P<version>.*)", re.DOTALL)


def format_name(kind: str, version: int | None = None) -> str:
    """``liaison-district/2``: the value of a file's ``format`` line."""
    return f"liaison-{kind}/{FORMATS[kind] if version is None else version}"


class FormatError(DataError):
    """A file of a format this release does not read: an older one (``newer`` false, ``version`` its
    number: bring it forward with :func:`liaison.formats.upgrade.upgrade_file`) or a newer one (``version``
    None when the number is not one this release knows)."""

    def __init__(self, message: str, *, kind: str, version: int | None, newer: bool, **kwargs: Unpack[Placed]) -> None:
        super().__init__(message, **kwargs)
        self.kind, self.version, self.newer = kind, version, newer


def format_version(raw: dict[str, Any], kind: str, *, file: str | None) -> int:
    """The format a ``kind`` document says it is written in: 1 when it says none. A newer one (a higher
    number, or one this release cannot read) is a :class:`FormatError`; a value that names no format
    a :class:`DataError` at ``$.format``."""
    if "format" not in raw:
        return 1
    value = raw["format"]
    found = _FORMAT.fullmatch(value) if isinstance(value, str) else None
    current = format_name(kind)
    if found is None or found["kind"] != kind:
        shown = repr(value) if isinstance(value, str | int | float | bool) else "a table or list"
        raise DataError(f"format = {_short(shown)} names no format of {WHAT[kind]}", file=file, path=("format",),
                        fix=f'write format = "{current}" ({FORMAT_DOC})',
                        message_zh=f"format = {_short(shown)} 不是{WHAT_ZH[kind]}的格式",
                        fix_zh=f'请写 format = "{current}"（见 {FORMAT_DOC}）')
    number = found["version"]
    version = int(number) if number.isascii() and number.isdigit() and len(number) <= 4 else None
    if version is not None and version < 1:
        raise DataError(f"format {value!r}: formats are numbered from 1", file=file, path=("format",),
                        fix=f'write format = "{current}" ({FORMAT_DOC})',
                        message_zh=f"格式 {value!r}：格式版本从 1 起编号",
                        fix_zh=f'请写 format = "{current}"（见 {FORMAT_DOC}）')
    if version is None or version > FORMATS[kind]:
        raise FormatError(f"written by a newer liaison (format {_short(value)}); this one reads {current}",
                          kind=kind, version=None, newer=True, file=file, path=("format",),
                          fix="upgrade liaison (`pip install -U liaison`)",
                          message_zh=f"由更新版本的 liaison 编写（格式 {_short(value)}）；本版本读取 {current}",
                          fix_zh="请升级 liaison（`pip install -U liaison`）")
    return version


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:60] + "…"


def written_for(kind: str, version: int) -> tuple[str, str]:
    """"written for format 1 (liaison 0.1)", in English and Chinese."""
    release = WRITTEN_BY.get((kind, version), "?")
    return f"written for format {version} (liaison {release})", f"按第 {version} 版格式（liaison {release}）编写"


def current_body(raw: dict[str, Any], kind: str, *, file: str | None) -> dict[str, Any]:
    """The document without its ``format`` line, when it is written in the current format; an older
    one is a :class:`FormatError` naming the release it was written for. A document without the line
    that is not recognisably of this kind (an empty file) is left for the structure to say what it lacks."""
    if "format" not in raw and recognise(raw) != kind:
        return raw
    version = format_version(raw, kind, file=file)
    if version < FORMATS[kind]:
        en, zh = written_for(kind, version)
        raise FormatError(f"{en}; this liaison reads format {FORMATS[kind]}", kind=kind, version=version, newer=False,
                          file=file, path=("format",) if "format" in raw else None,
                          fix=f"bring it to format {FORMATS[kind]} with liaison.upgrade_file, which keeps its comments "
                              f"and lists what to check ({FORMAT_DOC})",
                          message_zh=f"{zh}；本版本读取第 {FORMATS[kind]} 版",
                          fix_zh=f"请用 liaison.upgrade_file 升级到第 {FORMATS[kind]} 版：保留注释，并列出需要核对之处"
                                 f"（见 {FORMAT_DOC}）")
    return {k: v for k, v in raw.items() if k != "format"}


class WrongFileError(DataError):
    """A file of one kind given where another is expected (``found`` and ``expected`` name them:
    district, records, events, state, notice)."""

    def __init__(self, message: str, *, found: str, expected: str, **kwargs: Unpack[Placed]) -> None:
        super().__init__(message, **kwargs)
        self.found, self.expected = found, expected


ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx workbook (a zip package)


def decode(data: str | bytes, *, file: str | None) -> str:
    """Text from bytes: UTF-8, with or without a byte-order mark."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})", file=file,
                        fix="save the file as UTF-8",
                        message_zh=f"文件不是 UTF-8 编码（字节偏移 {exc.start} 处无法解码）",
                        fix_zh="请另存为 UTF-8 编码") from None


NESTED = "not valid {what}: nested too deeply"
NESTED_FIX = "a liaison file is a few levels deep: check that this is the right file"


MAX_DIGITS = 30  # a whole number in a liaison file has a few digits; Python refuses more than 4,300


class HugeNumber:
    """A number of too many digits, kept so the converter names its field (JSON only)."""

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"a number of {self.digits:,} digits"


class _Object(dict[str, Any]):
    """A JSON object that remembers a key it was given twice (the last would win unseen)."""

    repeated: str | None = None


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    found = _Object()
    for key, value in pairs:
        if key in found and found.repeated is None:
            found.repeated = key
        found[key] = value
    return found


def _json_int(text: str) -> int | HugeNumber:
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else HugeNumber(len(text.lstrip("-")))


def _parse(text: str, syntax: str) -> Any:
    """TOML or JSON as Python values."""
    if syntax == "toml":
        # tomli: the standard library's tomllib as its upstream publishes it, compiled (mypyc): the same
        # values and messages, its depth limit a RecursionError too, 2.5-3x faster (5 of the 8 ms a
        # seed-sized district's load took went to tomllib)
        import tomli

        return tomli.loads(text)
    return json.loads(text, object_pairs_hook=_object, parse_int=_json_int)


def _any_repeated(value: Any) -> bool:
    """Whether an object of a parsed JSON document was given a key twice: a walk that makes no path
    (a year's state has tens of thousands of values, and almost never a key twice)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Object):
            if item.repeated is not None:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _repeated(value: Any) -> tuple[Path, str] | None:
    """The first key given twice in one object of a parsed JSON document: (path of the key, key)."""
    if not _any_repeated(value):
        return None
    stack: collections.deque[tuple[Path, Any]] = collections.deque([((), value)])
    while stack:
        where, item = stack.popleft()
        if isinstance(item, _Object):
            if item.repeated is not None:
                return (*where, item.repeated), item.repeated
            stack.extend(((*where, k), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend(((*where, i), v) for i, v in enumerate(item))
    return None


_PARSER_PLACE = re.compile(r"^(?P<msg>.*) \((?:at )?(?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)$",
                           re.DOTALL)


def _detail_zh(exc: Exception, detail: str) -> str:
    """The parser's complaint for a Chinese message: the place in Chinese, the parser's own English
    words quoted (they are the parser's, not ours)."""
    found = _PARSER_PLACE.match(detail)
    if found is None:
        return f"“{detail}”"
    place = f"第 {found['line']} 行第 {found['column']} 列" if found["line"] else "文件末尾"
    return f"{place}（解析器：“{found['msg']}”）"


def _looks_like(text: str, data: str | bytes, syntax: str) -> str | None:
    """What a document that is not valid ``syntax`` is instead (the other syntax, or a workbook)."""
    if isinstance(data, bytes) and data.startswith(ZIP_MAGIC):
        return "ledger"
    other = "json" if syntax == "toml" else "toml"
    try:
        return recognise(_parse(text, other))
    except (ValueError, RecursionError, TypeError):
        return None


def read_document(data: str | bytes, syntax: str, *, expected: str, file: str | None) -> dict[str, Any]:
    """Parse a file of the ``expected`` kind (TOML or JSON ``syntax``) and check it is that kind: a
    document of another kind — in either syntax, or a workbook — is a :class:`WrongFileError` naming
    what it looks like; every parser complaint is a :class:`DataError` in the project's shape."""
    import tomli

    what = syntax.upper()
    if isinstance(data, bytes) and data.startswith(ZIP_MAGIC):
        raise _wrong("ledger", expected, file)
    text = decode(data, file=file)
    try:
        raw = _parse(text, syntax)
    except (tomli.TOMLDecodeError, json.JSONDecodeError) as exc:
        found = _looks_like(text, data, syntax)
        if found is not None and found != expected:
            raise _wrong(found, expected, file) from None
        other = _other_syntax(text, syntax)
        if other is not None:
            raise DataError(f"this is {other}, not {what}", file=file, fix=f"write {WHAT[expected]} in {what} "
                            f"({DOC[expected]})", message_zh=f"这是 {other}，不是 {what}",
                            fix_zh=f"请用 {what} 格式写{WHAT_ZH[expected]}（见 {DOC[expected]}）") from None
        detail = (f"{exc.msg} (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError)
                  else str(exc))
        detail_zh = _detail_zh(exc, detail)
        fix = ("check the quoting and brackets near that line" if syntax == "toml"
               else "check the commas, quotes and brackets near that line")
        raise DataError(f"not valid {what}: {detail}", file=file, fix=fix, message_zh=f"不是有效的 {what}：{detail_zh}",
                        fix_zh="请检查该行附近的引号和括号") from None
    except RecursionError:
        raise DataError(NESTED.format(what=what), file=file, fix=NESTED_FIX, message_zh=f"不是有效的 {what}：嵌套过深",
                        fix_zh="请确认文件是否正确") from None
    except ValueError:  # a number of thousands of digits (Python's int limit)
        run = max(re.findall(r"\d+", text), key=len, default="")
        line = text[:text.find(run)].count("\n") + 1 if run else 0
        raise DataError(f"line {line} holds a number of {len(run):,} digits", file=file,
                        fix="write numbers of a few digits", message_zh=f"第 {line} 行的数字有 {len(run):,} 位",
                        fix_zh="请填写正常位数的数字") from None
    twice = _repeated(raw) if syntax == "json" else None
    if twice is not None:
        raise DataError(f"the key {twice[1]!r} is given twice", file=file, path=twice[0],
                        fix="keep one of them (a JSON reader would silently use the last)",
                        message_zh=f"键“{twice[1]}”出现了两次", fix_zh="请只保留一个")
    expect(raw, expected, file=file)
    return raw  # type: ignore[no-any-return]


def _other_syntax(text: str, syntax: str) -> str | None:
    """"JSON" when a .toml file holds JSON (or "TOML" the other way round)."""
    other = "json" if syntax == "toml" else "toml"
    try:
        parsed = _parse(text, other)
    except (ValueError, RecursionError, TypeError):
        return None
    return other.upper() if isinstance(parsed, dict) and parsed else None


def _wrong(found: str, expected: str, file: str | None) -> WrongFileError:
    return WrongFileError(f"this looks like {WHAT[found]}, not {WHAT[expected]}", file=file, found=found,
                          expected=expected, fix=f"give it where {WHAT[found]} is expected",
                          message_zh=f"这像是{WHAT_ZH[found]}，不是{WHAT_ZH[expected]}",
                          fix_zh=f"请在需要{WHAT_ZH[found]}的地方给出它")


def read_toml(text: str | bytes, *, file: str | None, expected: str) -> dict[str, Any]:
    return read_document(text, "toml", expected=expected, file=file)


def read_json(text: str | bytes, *, file: str | None, expected: str) -> dict[str, Any]:
    return read_document(text, "json", expected=expected, file=file)


def read_file(path: str | os.PathLike[str], *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or a :class:`DataError` before reading."""
    name = os.fspath(path)
    try:
        info = os.stat(name)
    except FileNotFoundError:
        raise DataError("no such file", file=name, fix="check the path", message_zh="文件不存在",
                        fix_zh="请检查路径") from None
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror}", file=name, fix="check the path and its permissions",
                        message_zh=f"无法读取文件：{exc.strerror}", fix_zh="请检查路径和权限") from None
    if stat.S_ISDIR(info.st_mode):
        raise DataError("is a folder, not a file", file=name, fix="give the path of a file",
                        message_zh="这是文件夹，不是文件", fix_zh="请给出文件的路径")
    if not stat.S_ISREG(info.st_mode):
        raise DataError("is not a regular file (a device, a pipe or a socket)", file=name,
                        fix="give the path of an ordinary file", message_zh="不是普通文件（设备、管道或套接字）",
                        fix_zh="请给出普通文件的路径")
    if info.st_size > limit:
        raise DataError(f"is {info.st_size:,} bytes; files up to {limit:,} bytes are read", file=name,
                        fix="check that this is the right file (docs/limits.md)",
                        message_zh=f"文件有 {info.st_size:,} 字节，最多读取 {limit:,} 字节",
                        fix_zh="请确认文件是否正确（见 docs/limits.md）")
    try:
        with open(name, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror}", file=name, fix="check the path and its permissions",
                        message_zh=f"无法读取文件：{exc.strerror}", fix_zh="请检查路径和权限") from None
    if len(data) > limit:  # it grew while we read it
        raise DataError(f"is more than {limit:,} bytes", file=name, fix="check that this is the right file",
                        message_zh=f"文件超过 {limit:,} 字节", fix_zh="请确认文件是否正确")
    return data


def recognise(raw: Any) -> str | None:
    """What kind of liaison file a parsed document looks like: district, records, events, state,
    notice — or None."""
    if not isinstance(raw, dict):
        return None
    if isinstance(raw.get("format"), str) and str(raw["format"]).startswith(("liaison-state/", "liaison-plan/")):
        return "state"
    named = _FORMAT.fullmatch(raw["format"]) if isinstance(raw.get("format"), str) else None
    if named is not None and named["kind"] in FORMATS:
        return named["kind"]
    if "year" in raw and "engagements" in raw and {"unplaced", "manifest", "letters", "exported"} & raw.keys():
        return "state"  # a state whose "format" line was lost
    if "days" in raw and "year" in raw:
        return "notice"
    if {"organisations", "pairings", "provisions"} & raw.keys() and "district" in raw:
        return "district"
    if "events" in raw and len(raw) <= 2:
        return "events"
    sections = {"engagements", "documents", "consultations", "research_results", "designations", "nominations",
                "town_activities", "joint_research", "briefings", "special_appointments"}
    if sections & raw.keys():
        return "records"
    return None


WHAT = {"district": "a district file", "records": "a records file", "events": "an events file",
        "state": "a year's plan (state) file", "notice": "a holiday notice", "ledger": "a ledger workbook (.xlsx)"}
WHAT_ZH = {"district": "区数据文件", "records": "记录文件", "events": "活动文件", "state": "年度计划（状态）文件",
           "notice": "节假日安排文件", "ledger": "台账工作簿（.xlsx）"}


def expect(raw: Any, expected: str, *, file: str | None) -> None:
    """Refuse a document of another kind with a message naming what it looks like."""
    found = recognise(raw)
    if found is not None and found != expected:
        raise _wrong(found, expected, file)
    if not isinstance(raw, dict):
        raise DataError(f"not {WHAT[expected]}: the document is not a table of keys", file=file, path=(),
                        fix=f"see {DOC[expected]}", message_zh=f"不是{WHAT_ZH[expected]}：文档不是键值表",
                        fix_zh=f"请参阅 {DOC[expected]}")
