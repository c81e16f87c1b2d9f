"""Bringing a district, records or events file of an older format to the current one.

    >>> from liaison.formats.upgrade import upgrade_file
    >>> result = upgrade_file(old_text, file="district.toml")
    >>> result.text            # the file in the current format, its comments and order kept
    >>> result.notes           # what was changed, what to check, what the person must still do
    >>> result.remaining       # what still stops the result from loading (None: it loads)

The file is edited in place with tomlkit, so everything the upgrade does not touch stays byte for
byte as it was. Each change is made only where the file needs it, so upgrading a file twice gives
what upgrading it once gives. The upgrade decides nothing it cannot read from the file: a number
whose basis the file does not say is marked a local setting "to confirm" (never claimed as the
text's), a provision's pairing role is decided from the pairings and listed for checking, and a
rule's missing sentence is left for the person to quote. Pure: text in, text and notes out; the
caller writes the file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, MutableMapping
from typing import Any, Literal

import attrs

from liaison.base.errors import DataError, LiaisonError, Path, render_path
from liaison.formats.syntax import (
    FORMAT_DOC,
    FORMATS,
    WHAT,
    WHAT_ZH,
    WrongFileError,
    decode,
    format_name,
    format_version,
    read_toml,
    recognise,
)

#: Kinds of file with a format of their own, which an upgrade reads.
KINDS = ("district", "records", "events")

Action = Literal["changed", "check", "todo"]
ORDER: tuple[Action, ...] = ("changed", "check", "todo")

#: The note of every value the upgrade marks local: the person says whether the text states it.
CONFIRM = "待确认 / to confirm: "
TO_CONFIRM = (f"{CONFIRM}升级时标为本区设定；原文规定此项的，请删去本行 / marked local by the upgrade; delete this "
              "line if the text states it")
TO_FILL = "待填 / to fill: 引用本规则所实施的原文句子 / quote the sentence of the provision this rule implements"

#: The numbers and readings of each rule kind whose basis a file must say (the dates of every kind too).
NUMBERS_AND_READINGS: dict[str, tuple[str, ...]] = {
    "cadence": ("scope", "min_per_period", "max_per_period", "period_years", "period_months", "cycle_anchor_year",
                "duration_minutes"),
    "response": ("due_days", "due_working_days"),
}
DATES = ("valid_from", "valid_until")
#: Where format 1 counted a cadence's periods from when the file gave no anchor (format 2 says 2000).
FORMAT_1_ANCHOR = 2022


@attrs.frozen
class UpgradeNote:
    """One thing the upgrade did (``changed``), decided from the data for the person to check
    (``check``), or could not do and leaves to the person (``todo``), at a path of the file (keys and
    indices, as an error's; ``at`` renders it)."""

    action: Action
    path: Path | None
    message: str
    message_zh: str

    @property
    def at(self) -> str | None:
        """The path as the user reads it: ``$.provisions[7].pairing_role``."""
        return None if self.path is None else render_path(self.path)

    def render(self, lang: str = "en") -> str:
        zh = lang == "zh"
        label = {"changed": ("changed", "已改"), "check": ("check", "请核对"), "todo": ("to do", "待办")}[self.action]
        where = f"{self.at}: " if self.path is not None else ""
        return f"{label[zh]}: {where}{self.message_zh if zh else self.message}"


@attrs.frozen
class Upgrade:
    """A file brought to the current format of its kind: the new ``text``, the ``version`` it was
    written in, the ``notes`` for the person, and what still stops the result from loading
    (``remaining``, each problem with its path, or None)."""

    kind: str
    version: int
    text: str
    notes: tuple[UpgradeNote, ...]
    remaining: LiaisonError | None
    changed: bool

    @property
    def current(self) -> int:
        return FORMATS[self.kind]

    @property
    def complete(self) -> bool:
        """The result loads and nothing is left for the person to do (there may be things to check)."""
        return self.remaining is None and not any(n.action == "todo" for n in self.notes)

    def summary(self, lang: str = "en") -> str:
        """One line: what was done, and what is left."""
        left = len(self.remaining.problems or (self.remaining,)) if self.remaining is not None else 0
        if not self.changed:
            if lang == "zh":
                return f"已是第 {self.current} 版格式，无需升级" + (
                    f"；待办 {left} 处（完成前文件无法读取）" if left else "")
            return f"already format {self.current}; nothing to do" + (
                f" to upgrade, {left} to do before the file loads" if left else "")
        counts = {a: sum(1 for n in self.notes if n.action == a) for a in ("changed", "check", "todo")}
        todo = counts["todo"] + left
        if lang == "zh":
            head = (f"已从第 {self.version} 版升级到第 {self.current} 版格式：改动 {counts['changed']} 处，"
                    f"请核对 {counts['check']} 处")
            loads = "，文件可以读取" if self.kind == "district" else \
                "，格式可以读取（其中的单位、主办方等按区数据检查）"
            return head + (f"，待办 {todo} 处（完成前文件无法读取）" if todo else loads)
        head = (f"upgraded from format {self.version} to format {self.current}: {counts['changed']} changed, "
                f"{counts['check']} to check")
        loads = "; the file loads" if self.kind == "district" else \
            "; its format reads (its organisations, hosts … are checked against the district when it is loaded)"
        return head + (f", {todo} to do (the file does not load until they are done)" if todo else loads)


def upgrade_file(text: str | bytes, *, file: str | None = None) -> Upgrade:
    """The district, records or events file ``text`` in the current format of its kind (see the module).

    A file that is not one of these (bad TOML, another kind of liaison file, no liaison file at all)
    is a :class:`DataError` in the usual shape; so is a file of a newer format."""
    source = decode(text, file=file)
    raw, kind = _read(source, file)
    version = format_version(raw, kind, file=file)
    if version == FORMATS[kind] and "format" in raw:  # nothing to upgrade; what is left to do, if anything
        return Upgrade(kind, version, source, (), _what_stops_loading(source, kind, file, set()), changed=False)
    doc = _tomlkit_parse(source, file)
    as_read = _tomlkit_dump(doc, file)
    notes: list[UpgradeNote] = []
    if kind == "district" and version < 2:
        notes += _district_1_to_2(doc, raw)
    if "format" in raw:
        doc["format"] = format_name(kind)
    upgraded = _with_format_line(_splice(source, as_read, _tomlkit_dump(doc, file)), kind, "format" in raw)
    _check_reads_as(upgraded, {**doc.unwrap(), "format": format_name(kind)}, file)
    line = f'format = "{format_name(kind)}"'
    older = version < FORMATS[kind]
    was, was_zh = (f" (was format {version})", f"（原为第 {version} 版）") if older else (
        " (the file was already in this format)", "（文件原已是此格式）")
    notes.insert(0, UpgradeNote("changed", ("format",), line + was, line + was_zh))
    remaining = _what_stops_loading(upgraded, kind, file, {n.path for n in notes if n.action == "todo"})
    notes.sort(key=lambda n: ORDER.index(n.action))  # what was done, what to check, what to do (stable)
    return Upgrade(kind, version, upgraded, tuple(notes), remaining, changed=True)


# --------------------------------------------------------------------------------------- reading
def _read(source: str, file: str | None) -> tuple[dict[str, Any], str]:
    """The parsed document and its kind: district, records or events, else a DataError saying what it is."""
    try:
        raw = read_toml(source, file=file, expected="district")
    except WrongFileError as exc:
        if exc.found not in KINDS:
            raise DataError(f"{WHAT[exc.found]} has no format to upgrade", file=file,
                            fix="give a district, records or events file (TOML)",
                            message_zh=f"{WHAT_ZH[exc.found]}没有需要升级的格式",
                            fix_zh="请给出区数据文件、记录文件或活动文件（TOML）") from None
        raw = read_toml(source, file=file, expected=exc.found)
    kind = recognise(raw)
    if kind not in KINDS:
        raise DataError("not a district, records or events file: nothing says which kind it is", file=file, path=(),
                        fix=f'add its format line, e.g. format = "{format_name("records")}" ({FORMAT_DOC})',
                        message_zh="不是区数据文件、记录文件或活动文件：无法判断文件种类",
                        fix_zh=f'请加上格式行，如 format = "{format_name("records")}"（见 {FORMAT_DOC}）')
    assert kind is not None
    return raw, kind


def _tomlkit_parse(source: str, file: str | None) -> Any:
    """The document as tomlkit keeps it (comments, order, spacing). tomlkit reads what the strict reader
    read; should it still refuse, the refusal is a DataError, never its own exception."""
    import tomlkit

    try:
        return tomlkit.parse(source)
    except Exception as exc:  # a dependency's failure on input the strict reader accepted
        raise _layout_error(file, exc) from None


def _tomlkit_dump(doc: Any, file: str | None) -> str:
    import tomlkit

    try:
        return tomlkit.dumps(doc)
    except Exception as exc:  # as above
        raise _layout_error(file, exc) from None


def _check_reads_as(text: str, meant: dict[str, Any], file: str | None) -> None:
    """What was written must read back as what was meant: never a file that does not parse, nor a key
    that landed in another table."""
    import tomli

    try:
        same = _plain(tomli.loads(text)) == _plain(meant)
    except Exception as exc:  # as above
        raise _layout_error(file, exc) from None
    if not same:
        raise _layout_error(file, None)


def _plain(value: Any) -> Any:
    """Values as both readers give them: tomli reads a multi-line string's CRLF as LF, tomlkit keeps it."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


MAX_SPLICED_LINES = 50_000  # a district file has a few thousand; beyond, tomlkit's text is used as it is


def _splice(source: str, as_read: str, edited: str) -> str:
    """``edited`` with every line the upgrade did not touch taken from ``source`` byte for byte, and the
    lines it added ending as the file's do (CRLF or LF). tomlkit's text of a file it has not changed
    (``as_read``) is nearly always the file itself; where it is not (it rewrites the spacing of some
    inline tables), its lines still match the file's one for one, and the lines it kept are the file's."""
    newline = "\r\n" if "\r\n" in source else "\n"
    if as_read == source and newline == "\n":
        return edited
    old, read, new = (t.splitlines(keepends=True) for t in (source, as_read, edited))
    if len(old) != len(read) or len(new) > MAX_SPLICED_LINES:
        return edited
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, read, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out += old[i1:i2]
        else:
            out += [line[:-1] + newline if newline == "\r\n" and not line.endswith("\r\n") and line.endswith("\n")
                    else line for line in new[j1:j2]]
    return "".join(out)


def _layout_error(file: str | None, exc: Exception | None) -> DataError:
    what = type(exc).__name__ if exc is not None else "a key would land in another table"
    return DataError(f"the file cannot be rewritten keeping its layout (tomlkit: {what})", file=file,
                     fix="upgrade it by hand: see the upgrade notes in CHANGELOG.md",
                     message_zh=f"无法在保留原有排版的情况下改写该文件（tomlkit：{what}）",
                     fix_zh="请按 CHANGELOG.md 的升级说明手工升级")


_LEADING = re.compile(r"\A(?:[ \t]*#[^\n]*\n)*(?:[ \t]*\r?\n)*")


def _with_format_line(text: str, kind: str, has_line: bool) -> str:
    """The format line first, after the file's opening comments (they stay the file's header); a blank
    line after it when a table follows. A line already there has been given its new value."""
    if has_line:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    at = _LEADING.match(text).end()  # type: ignore[union-attr]  # the pattern matches any text
    gap = newline if text[at:].lstrip(" \t").startswith("[") else ""
    return f'{text[:at]}format = "{format_name(kind)}"{newline}{gap}{text[at:]}'


def _what_stops_loading(text: str, kind: str, file: str | None, noted: set[Path | None]) -> LiaisonError | None:
    """The loader's problems with the result, less those a to-do note already names. Records and events
    are checked for their shape only (their references need the district)."""
    from liaison.formats.convert import structure
    from liaison.formats.district import parse_district
    from liaison.formats.events import EventsDocument
    from liaison.formats.syntax import current_body
    from liaison.law.records import Records

    try:
        if kind == "district":
            parse_district(text, file=file)
        else:
            body = current_body(read_toml(text, file=file, expected=kind), kind, file=file)
            structure(body, Records if kind == "records" else EventsDocument, file=file)
    except LiaisonError as exc:
        left = [p for p in (exc.problems or (exc,)) if p.location.path not in noted]
        if not left:
            return None
        return left[0] if len(left) == 1 else DataError.several(left)
    return None


# ----------------------------------------------------------------------------------- district 1 → 2
def _district_1_to_2(doc: Any, raw: dict[str, Any]) -> list[UpgradeNote]:
    """What format 2 asks of a district file that format 1 did not: the role of each provision pairings
    cite, the basis of every number and reading of a rule, the sentence each rule quotes, the setting
    for part periods and the cycle anchor format 1 assumed."""
    notes = list(_pairing_roles(doc, raw))
    for i, k, rule, plain in _rules(doc, raw):
        notes += _rule(doc, raw, i, k, rule, plain)
    notes += _part_period(doc, raw)
    return notes


def _tables(value: Any) -> Iterator[tuple[int, Any]]:
    """(index, table) of a list of tables, skipping what is not a table (the loader will say so)."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, MutableMapping):
                yield i, item


def _rules(doc: Any, raw: dict[str, Any]) -> Iterator[tuple[int, int, Any, dict[str, Any]]]:
    """(provision index, rule index, the rule as tomlkit holds it, the rule as plain values)."""
    for i, prov in _tables(doc.get("provisions")):
        for k, rule in _tables(prov.get("rules")):
            yield i, k, rule, raw["provisions"][i]["rules"][k]  # tomllib and tomlkit read the same lists


def _pairing_roles(doc: Any, raw: dict[str, Any]) -> Iterator[UpgradeNote]:
    """A provision pairings cite, without a role: common liaison when some department is paired under it
    with every party branch and the ICF, else a list of pairings — decided from the data, to check."""
    counterparts = {str(o.get("id")) for _, o in _tables(raw.get("organisations"))
                    if o.get("kind") in ("party_branch", "icf")}
    under: dict[str, dict[str, set[str]]] = {}
    for _, pairing in _tables(raw.get("pairings")):
        clause, department = pairing.get("clause"), pairing.get("department")
        if isinstance(clause, str) and isinstance(department, str):
            under.setdefault(clause, {}).setdefault(department, set()).add(str(pairing.get("counterpart")))
    for i, prov in _tables(doc.get("provisions")):
        pid = prov.get("id")
        if not isinstance(pid, str) or pid not in under or "pairing_role" in prov:
            continue
        everyone = [d for d, paired in under[pid].items() if len(counterparts) > 1 and counterparts <= paired]
        role = "common_liaison" if everyone else "listed"
        _add(prov, "pairing_role", role)
        count = sum(len(c) for c in under[pid].values())
        if everyone:
            why = f"{', '.join(everyone)} paired under it with every party branch and the ICF"
            why_zh = f"{'、'.join(everyone)}依此条与各民主党派、工商联均对口联系"
        else:
            why = "no department is paired under it with every party branch and the ICF"
            why_zh = "没有部门依此条与各民主党派、工商联均对口联系"
        yield UpgradeNote("check", ("provisions", i, "pairing_role"),
                          f'{pid}, cited by {count} pairing(s): pairing_role = "{role}", decided from the data '
                          f"({why}): check",
                          f'{pid}被 {count} 个对口关系引用：pairing_role = "{role}"，'
                          f"系根据数据判断（{why_zh}），请核对")


def _rule(doc: Any, raw: dict[str, Any], i: int, k: int, rule: Any, plain: dict[str, Any]) -> list[UpgradeNote]:
    import tomlkit

    here: Path = ("provisions", i, "rules", k)
    pid = raw["provisions"][i].get("id", f"provisions[{i}]")
    key = plain.get("key", f"rules[{k}]")
    notes: list[UpgradeNote] = []
    kind = plain.get("kind")
    period = plain.get("period_years")
    if ("basis" not in plain and "local" not in plain and kind == "cadence" and "cycle_anchor_year" not in plain
            and "period_months" not in plain and isinstance(period, int) and not isinstance(period, bool)
            and period > 1):
        _add(rule, "cycle_anchor_year", FORMAT_1_ANCHOR)
        notes.append(UpgradeNote("changed", (*here, "cycle_anchor_year"),
                                 f"{pid} rule {key!r}: cycle_anchor_year = {FORMAT_1_ANCHOR}, where format 1 counted "
                                 f"its {period}-year periods from (format 2 would count them from 2000)",
                                 f"{pid}规则“{key}”：cycle_anchor_year = {FORMAT_1_ANCHOR}，即第 1 版格式计算"
                                 f"{period}年周期的起算年（第 2 版默认从 2000 年起算）"))
    if "basis" not in plain and "local" not in plain:  # a rule its author marked is left as marked
        fields = [f for f in (*NUMBERS_AND_READINGS.get(str(kind), ()), *DATES) if f in rule]
        if fields:
            local = tomlkit.inline_table() if _is_inline(rule) else tomlkit.table()
            for name in fields:
                local[name] = TO_CONFIRM
            _add(rule, "local", local)
            values = ", ".join(f"{f} = {_shown(rule[f])}" for f in fields)
            notes.append(UpgradeNote("check", (*here, "local"),
                                     f"{pid} rule {key!r}: marked local, to confirm: {values} — delete the line of "
                                     "each the text states",
                                     f"{pid}规则“{key}”：标为本区设定、待确认：{values}——原文规定的，请删去对应行"))
    if not str(plain.get("sentence_zh", "")).strip():
        if "sentence_zh" not in rule:
            placeholder = tomlkit.item("")
            if not _is_inline(rule):
                placeholder.comment(TO_FILL)
                placeholder.trivia.comment_ws = "  "
            _add(rule, "sentence_zh", placeholder)
        notes.append(UpgradeNote("todo", (*here, "sentence_zh"),
                                 f"{pid} rule {key!r}: quote the sentence this rule implements (sentence_zh)",
                                 f"{pid}规则“{key}”：请在 sentence_zh 中引用本规则所实施的原文句子"))
    return notes


def _add(table: Any, key: str, value: Any) -> None:
    """``key = value`` at the end of ``table``'s own lines, before the comments and blank lines that close
    it (in a file they introduce what follows: ``# ---- organisations`` before ``[[organisations]]``)."""
    import tomlkit.items

    if not isinstance(table, tomlkit.items.Table):
        table[key] = value
        return
    body = table.value.body
    closing: list[Any] = []
    while body and body[-1][0] is None and isinstance(body[-1][1], tomlkit.items.Comment | tomlkit.items.Whitespace):
        closing.insert(0, body.pop()[1])
    if not closing and isinstance(value, tomlkit.items.Table):
        value.add(tomlkit.nl())  # a blank line before whatever header follows
    table[key] = value
    for item in closing:
        table.value.append(None, item)


def _is_inline(table: Any) -> bool:
    import tomlkit.items

    return isinstance(table, tomlkit.items.InlineTable)


def _shown(value: Any) -> str:
    unwrapped = value.unwrap() if hasattr(value, "unwrap") else value
    return repr(unwrapped) if isinstance(unwrapped, str) else str(unwrapped)


def _part_period(doc: Any, raw: dict[str, Any]) -> Iterator[UpgradeNote]:
    """Format 1 had no setting for a pairing or rule in force for part of a period; format 2 applies its
    default. Written into the file, marked to confirm, so the person sees the reading applied."""
    import tomlkit

    from liaison.law.model import PartPeriod

    district = doc.get("district")
    if not isinstance(district, MutableMapping) or "part_period" in district:
        return
    default = PartPeriod()
    setting = tomlkit.inline_table() if _is_inline(district) else tomlkit.table()
    setting["min_days"] = default.min_days
    setting["minimum"] = default.minimum
    setting["note"] = (f"{CONFIRM}{default.note} / the text says nothing of part periods: format 2's default, "
                       "confirm or change it")
    _add(district, "part_period", setting)
    yield UpgradeNote("check", ("district", "part_period"),
                      f"part_period: min_days = {default.min_days}, minimum = {default.minimum!r} — format 2's default "
                      "for a pairing or rule in force for part of a period (format 1 had none): confirm or change it",
                      f"part_period：min_days = {default.min_days}，minimum = “{default.minimum}”——"
                      "第 2 版对周期中途生效的对口关系或规则的默认设定（第 1 版没有此设定）：请确认或修改")
